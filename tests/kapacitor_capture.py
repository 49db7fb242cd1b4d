"""Test helpers for node runtimes: record everything a node emits, and restart a task mid-stream.

``attach(graph, "join4")`` hangs a ``Capture`` below a node: it records points (as rows),
batches, barriers and deletes in arrival order.  ``feed_with_restart`` runs the points of a
``.srpl`` text through a task, pickling every node's state after ``cut`` chunks and going on
in a freshly built task restored from it: the engine process does exactly that every round.
"""
import pickle

from kapacitor_harness import build

from machstore.kapacitor.points import Barrier, DeleteGroup, Points
from machstore.kapacitor.replay import read_srpl, to_chunks


class Capture:
    """A stand-in child node: ``messages`` is a list of ``(kind, payload)``."""

    def __init__(self):
        self.messages = []

    def receive_points(self, pts: Points, port):
        for t, s, fields in pts.rows():
            self.messages.append(("point", (t, s.name, dict(s.tags), s.group, fields)))

    def receive_batch(self, b, port):
        rows = [(t, s.name, dict(s.tags), f) for t, s, f in b.points.rows()]
        self.messages.append(("batch", (b.name, b.group, dict(b.tags), b.tmax, rows)))

    def receive_batches(self, bs, port):
        for k in range(len(bs)):
            self.receive_batch(bs.batch(k), port)

    def receive(self, handler, msg, port):
        handler(msg, port)

    def barrier(self, msg: Barrier, port):
        self.messages.append(("barrier", (msg.group, msg.time)))

    def delete_group(self, msg: DeleteGroup, port):
        self.messages.append(("delete", msg.group))

    def points(self):
        return [m for k, m in self.messages if k == "point"]


def attach(graph, node_name: str) -> Capture:
    cap = Capture()
    graph.nodes[node_name].children.append((cap, 0))
    return cap


def chunks_of(srpl: str, dbrp=("dbname", "rpname")):
    return [c for c in to_chunks(read_srpl(srpl)) if (c.db, c.rp) == dbrp]


def run_capture(script: str, srpl: str, node_name: str):
    """Run the whole ``srpl`` through ``script``; (what ``node_name`` emitted, the graph)."""
    _, graph = build(script)
    cap = attach(graph, node_name)
    for chunk in chunks_of(srpl):
        graph.feed(chunk)
    return cap, graph


def feed_with_restart(script: str, srpl: str, node_name: str, cut: int):
    """As ``run_capture``, but the task is rebuilt from its pickled state after ``cut`` chunks."""
    chunks = chunks_of(srpl)
    _, first = build(script)
    cap = attach(first, node_name)
    for chunk in chunks[:cut]:
        first.feed(chunk)
    saved = pickle.loads(pickle.dumps(first.state()))
    _, second = build(script)
    second.restore(saved)
    second.nodes[node_name].children.append((cap, 0))
    for chunk in chunks[cut:]:
        second.feed(chunk)
    return cap, second
