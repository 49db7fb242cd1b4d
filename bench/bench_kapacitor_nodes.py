"""Stream throughput of the join-family node runtimes (machstore/kapacitor/nodes/).

Run::

    pytest bench/bench_kapacitor_nodes.py --benchmark-only

Each task gets chunks of 10,000 points (a ``cpu`` measurement, float ``usage``, 100 hosts,
1 ms apart) fed one after the other through a fresh task, 100,000 points per round; the
baseline is ``from().groupBy('host')`` alone, measured in the same run (it decides per
series, so it is nearly free).  changeDetect, derivative, stateCount, stateDuration, barrier
and sideload work on columns per group; join, union and flatten loop per point, as their
set rules demand.
Each benchmark stores ``points_per_s`` in ``benchmark.extra_info``; a table is printed at
the end.

Profiling recipe: ``python -m cProfile -s tottime -m pytest bench/bench_kapacitor_nodes.py
--benchmark-only -k join``.
"""
import os

import numpy as np
import pytest
from conftest import register_report

from machstore.kapacitor.context import MemoryContext
from machstore.kapacitor.graph import TaskGraph
from machstore.kapacitor.points import Field, Points, Series
from machstore.tick import parse
from machstore.tick.evaluate import evaluate, task_type_of

N, CHUNK = 100_000, 10_000
SIDELOAD = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "data", "kapacitor", "sideload")
FROM = "stream|from().measurement('cpu').groupBy('host')"
TASKS = {
    "baseline": FROM,
    "changeDetect": FROM + "|changeDetect('usage')",
    "derivative": FROM + "|derivative('usage').unit(1s)",
    "stateCount": FROM + "|stateCount(lambda: \"usage\" > 50.0)",
    "stateDuration": FROM + "|stateDuration(lambda: \"usage\" > 50.0)",
    "barrier": FROM + "|barrier().idle(10s)",
    "sideload": FROM + f"|sideload().source('file://{os.path.abspath(SIDELOAD)}').order('t0/{{{{.host}}}}.json')"
                       ".field('f1', 0)",
    "flatten": FROM + "|flatten().on('host')",
    "join": f"var a = {FROM}\nvar b = {FROM}\na|join(b).as('a', 'b')",
    "union": f"var a = {FROM}\nvar b = {FROM}\na|union(b)",
}
RESULTS = {}


def chunks():
    rng = np.random.default_rng(7)
    series = [Series.make("cpu", {"host": f"h{i:03d}"}) for i in range(100)]
    out = []
    for start in range(0, N, CHUNK):
        sid = rng.integers(0, 100, CHUNK).astype(np.int32)
        times = (np.arange(start, start + CHUNK, dtype=np.int64)) * 10**6
        usage = rng.uniform(0, 100, CHUNK)
        out.append(Points(times, sid, series, {"usage": Field(usage, np.ones(CHUNK, bool))}, "db", "rp"))
    return out


class _Report:
    @pytest.hookimpl(trylast=True)
    def pytest_terminal_summary(self, terminalreporter):
        if not RESULTS:
            return
        tr = terminalreporter
        base = RESULTS.get("baseline")
        tr.write_sep("-", "Kapacitor node runtimes: points/s (median round)")
        tr.write_line(f"{'task':<16}{'points/s':>14}{'x baseline':>12}")
        for name in TASKS:
            r = RESULTS.get(name)
            if r is not None:
                ratio = f"{r / base:.2f}" if base else ""
                tr.write_line(f"{name:<16}{r:>14,.0f}{ratio:>12}")


@pytest.fixture(scope="module", autouse=True)
def _report(request):
    register_report(request, "kapacitor-nodes-bench-report", _Report)
    yield


@pytest.mark.parametrize("name", list(TASKS))
def test_stream(benchmark, name):
    data = chunks()
    prog = parse(TASKS[name])
    pipeline = evaluate(prog, task_type_of(prog)).pipeline

    def run():
        graph = TaskGraph(pipeline, MemoryContext("bench"))
        for chunk in data:
            graph.feed(chunk)
        return graph

    graph = benchmark.pedantic(run, rounds=3, warmup_rounds=1)
    assert graph.node_stats()
    stats = getattr(benchmark, "stats", None)
    if stats:
        RESULTS[name] = N / stats.stats.median
        benchmark.extra_info.update({"points": N, "points_per_s": RESULTS[name]})
