"""Run a TICKscript stream task in memory on Kapacitor test data (no server).

Node runtime tests use it to check a node's semantics quickly; the end-to-end tests
(real server, real HTTP) restate Kapacitor's ``integrations/streamer_test.go`` cases.

>>> ctx, graph = run_stream("stream|from().measurement('cpu')|httpOut('x')", SRPL)
>>> ctx.http["x"]
"""
from machstore.kapacitor.context import MemoryContext
from machstore.kapacitor.graph import TaskGraph
from machstore.kapacitor.replay import read_srpl, to_chunks
from machstore.tick import parse
from machstore.tick.evaluate import evaluate, task_type_of


def build(script, ctx=None, *, task_id="testStreamer"):
    prog = parse(script)
    ev = evaluate(prog, task_type_of(prog))
    ctx = ctx or MemoryContext(task_id)
    return ctx, TaskGraph(ev.pipeline, ctx, task_id=task_id)


def run_stream(script, srpl, *, ctx=None, task_id="testStreamer", dbrp=("dbname", "rpname")):
    """Feed every point of ``srpl`` (text) written to ``dbrp`` as its own chunk, in order."""
    ctx, graph = build(script, ctx, task_id=task_id)
    for chunk in to_chunks(read_srpl(srpl)):
        if (chunk.db, chunk.rp) == dbrp:
            graph.feed(chunk)
    return ctx, graph
