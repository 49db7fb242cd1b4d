"""Points per second through an alert node, against a where() node on the same data in the same run.

Run::

    pytest bench/bench_kapacitor_alert.py --benchmark-only

Data: chunks of 10,000 points of ``cpu`` over 100 hosts (grouped by host), ``value`` uniform in
[0, 100).  Cases (in memory, ``MemoryContext``; events are only collected, never delivered):

* ``alert-quiet``: ``alert().warn(lambda: "value" > 99.0).crit(lambda: "value" > 99.9)
  .stateChangesOnly()``: about 1% of the points change level, so most of the cost is the
  level masks and the per-group split;
* ``alert-resets``: the same with ``.warnReset(lambda: "value" < 50.0)``: the loop that keeps a
  level while its reset is false runs over every point;
* ``alert-noisy``: ``crit(lambda: "value" > 50.0)`` without ``stateChangesOnly``: half the points
  send an event (message, details, event dict, decorated point): the per-event cost;
* ``where-baseline``: ``where(lambda: "value" > 99.0)`` on the same chunks, the floor of one mask.

Each benchmark stores ``points_per_s`` in ``extra_info``.

Profiling recipe: ``python -m cProfile -s cumtime -m pytest bench/bench_kapacitor_alert.py
--benchmark-only -k noisy`` (the event path: ``AlertTemplates.render_message_details`` and
``rows.point_row``).
"""
import numpy as np
import pytest

from machstore.kapacitor.context import MemoryContext
from machstore.kapacitor.graph import TaskGraph
from machstore.kapacitor.points import Field, Points, Series
from machstore.tick import parse
from machstore.tick.evaluate import evaluate, task_type_of

N, HOSTS, CHUNKS = 10_000, 100, 5
SCRIPTS = {
    "alert-quiet": "stream|from().measurement('cpu').groupBy('host')|alert()"
                   ".warn(lambda: \"value\" > 99.0).crit(lambda: \"value\" > 99.9).stateChangesOnly()"
                   ".post('http://127.0.0.1:9/')",
    "alert-resets": "stream|from().measurement('cpu').groupBy('host')|alert()"
                    ".warn(lambda: \"value\" > 99.0).warnReset(lambda: \"value\" < 50.0)"
                    ".crit(lambda: \"value\" > 99.9).stateChangesOnly().post('http://127.0.0.1:9/')",
    "alert-noisy": "stream|from().measurement('cpu').groupBy('host')|alert()"
                   ".crit(lambda: \"value\" > 50.0).post('http://127.0.0.1:9/')",
    "where-baseline": "stream|from().measurement('cpu').groupBy('host')|where(lambda: \"value\" > 99.0)",
}


def _chunks():
    rng = np.random.default_rng(7)
    series = [Series.make("cpu", {"host": f"h{i:03d}"}) for i in range(HOSTS)]
    out = []
    for c in range(CHUNKS):
        t = np.arange(c * N, (c + 1) * N, dtype=np.int64) * 10**6
        sid = rng.integers(0, HOSTS, N).astype(np.int32)
        vals = rng.uniform(0, 100, N)
        out.append(Points(t, sid, series, {"value": Field(vals, np.ones(N, dtype=bool))}, "db", "rp"))
    return out


@pytest.mark.parametrize("name", list(SCRIPTS))
def test_points_per_second(benchmark, name):
    chunks = _chunks()
    prog = parse(SCRIPTS[name])
    pipeline = evaluate(prog, task_type_of(prog)).pipeline

    def run():
        graph = TaskGraph(pipeline, MemoryContext("bench"), task_id="bench")
        for c in chunks:
            graph.feed(c)
        return graph

    graph = benchmark.pedantic(run, rounds=3, iterations=1, warmup_rounds=1)
    assert graph.node_stats()["from1"]["emitted"] == N * CHUNKS
    benchmark.extra_info["points_per_s"] = N * CHUNKS / benchmark.stats.stats.median
