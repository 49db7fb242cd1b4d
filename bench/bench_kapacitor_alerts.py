"""Alert evaluations per second through ``from|alert`` with 10,000 groups (issue 10's goal:
>= 1,000,000 points/s with ``stateChangesOnly`` on one core).

Run::

    pytest bench/bench_kapacitor_alerts.py --benchmark-only

Data: 10,000 hosts (``.groupBy('host')``), 100 epochs of one point per host (1,000,000
points) cut into writes of 5,000 points, each write with its own series table (as the write
path builds one).  ``value`` is a random walk per host (steps of N(0, 1), kept in [0, 100],
starting below 80), so a host crosses a threshold now and then: about 0.1% of the points
change level, the shape of a monitored fleet rather than of noise.  Events are collected in
memory (``MemoryContext``), never delivered.  The first epoch (the chunks that make the
10,000 groups) is fed before the timing; each case reports its best of 5 rounds (the VM is
shared).  Cases:

* ``from-only``: ``from().groupBy('host')`` alone, the cost of getting points to the alert;
* ``sco``: ``.warn(value > 90).crit(value > 97).stateChangesOnly()`` (the issue's case);
* ``sco-max``: the same with ``.stateChangesOnly(5m)`` (a non-OK group re-alerts every 5 min);
* ``resets``: ``sco`` with ``.warnReset(value < 85)`` (the level depends on the previous one);
* ``flapping``: ``sco`` with ``.flapping(0.25, 0.5)`` (the history ring's weights per point);
* ``norec``: ``sco`` with ``.noRecoveries()``;
* ``sco (alert node alone)``: ``sco`` with from()'s work done before the timing (the chunks as
  from() emits them fed to the alert node): the alert node's own evaluations per second.

Baseline in the same run (``numpy``): a plain numpy pass over the same columns that computes
the level column and, per host, where it changes (stable argsort by host, shifted compare),
the floor of any columnar alert.  Each case reports points/s and its ratio to the baseline;
the table is printed at the end (``register_report``) and kept in ``bench/README.md``.

Profiling recipe: ``python -m cProfile -s cumtime -m pytest bench/bench_kapacitor_alerts.py
--benchmark-only -k 'sco and not max'``.
"""
from __future__ import annotations

import gc

import numpy as np
import pytest
from conftest import register_report

from machstore.kapacitor.context import MemoryContext
from machstore.kapacitor.graph import TaskGraph
from machstore.kapacitor.points import Field, Points, Series
from machstore.tick import parse
from machstore.tick.evaluate import evaluate, task_type_of

HOSTS, EPOCHS, CHUNK = 10_000, 100, 5_000
WARMUP = HOSTS // CHUNK  # chunks of the first epoch, fed before the timing
FROM = "stream|from().measurement('cpu').groupBy('host')"
ALERT = FROM + "|alert().warn(lambda: \"value\" > 90.0).crit(lambda: \"value\" > 97.0)"
CASES = {
    "from-only": FROM,
    "sco": ALERT + ".stateChangesOnly()",
    "sco-max": ALERT + ".stateChangesOnly(5m)",
    "resets": ALERT + ".warnReset(lambda: \"value\" < 85.0).stateChangesOnly()",
    "flapping": ALERT + ".flapping(0.25, 0.5).stateChangesOnly()",
    "norec": ALERT + ".stateChangesOnly().noRecoveries()",
}
RESULTS = {}
_DATA = []


def data() -> list:
    """The chunks (built once per session)."""
    if _DATA:
        return _DATA
    rng = np.random.default_rng(11)
    value = rng.uniform(0, 80, HOSTS)
    tags = [{"host": f"host_{i:05d}"} for i in range(HOSTS)]
    rows_t, rows_h, rows_v = [], [], []
    for epoch in range(EPOCHS):
        value = np.clip(value + rng.normal(0, 1, HOSTS), 0, 100)
        rows_t.append(np.full(HOSTS, epoch * 10 * 10**9, dtype=np.int64) + np.arange(HOSTS))
        rows_h.append(np.arange(HOSTS))
        rows_v.append(value.copy())
    t, h, v = np.concatenate(rows_t), np.concatenate(rows_h), np.concatenate(rows_v)
    # one Series object per host across chunks, as the engine's stream hands them
    # (machstore/kapacitor/stream.py keeps the Series of a series id)
    host_series = [Series.make("cpu", tg) for tg in tags]
    for a in range(0, len(t), CHUNK):
        hosts = h[a:a + CHUNK]
        present, sid = np.unique(hosts, return_inverse=True)
        series = [host_series[k] for k in present.tolist()]
        _DATA.append(Points(t[a:a + CHUNK].copy(), sid.astype(np.int32), series,
                            {"value": Field(v[a:a + CHUNK].copy(), np.ones(len(hosts), bool))}, "db", "rp"))
    # NOTE: the bench's input (a Series and a tags dict per point) is kept out of the collector's
    # scans, as in bench_kapacitor_window.py: the engine drops each round's chunks after feeding them
    gc.collect()
    gc.freeze()
    return _DATA


def numpy_pass(chunks, hosts) -> int:
    """Levels and per-host level changes with plain numpy: each row against its host's previous
    level (the last one of the previous chunk carried in an array indexed by host)."""
    last = np.zeros(HOSTS, dtype=np.int8)
    changes = 0
    for c, host in zip(chunks, hosts):
        v = c.fields["value"].values
        level = np.where(v > 97.0, 3, np.where(v > 90.0, 2, 0)).astype(np.int8)
        order = np.argsort(host, kind="stable")
        lv, h = level[order], host[order]
        first = np.r_[True, h[1:] != h[:-1]]
        prev = np.empty_like(lv)
        prev[1:] = lv[:-1]
        prev[first] = last[h[first]]
        changes += int(np.count_nonzero(lv != prev))
        last[h] = lv  # the last row of each host wins (h is sorted, rows in arrival order)
    return changes


def host_codes(chunks) -> list:
    """Each row's host number (the baseline's state index), computed outside the timing."""
    return [np.array([int(s.tags["host"][5:]) for s in c.series], dtype=np.int64)[c.sid] for c in chunks]


class _Report:
    @pytest.hookimpl(trylast=True)
    def pytest_terminal_summary(self, terminalreporter):
        if not RESULTS:
            return
        tr = terminalreporter
        base = RESULTS.get("numpy", (None, None))[0]
        tr.write_sep("-", f"from|alert, {HOSTS:,} groups: points/s (best of 5 rounds)")
        tr.write_line(f"{'case':<24}{'points/s':>14}{'x numpy':>10}{'events':>10}")
        for name in ("numpy", *CASES, "sco (alert node alone)"):
            if name in RESULTS:
                r, events = RESULTS[name]
                ratio = f"{r / base:.3f}" if base else ""
                tr.write_line(f"{name:<24}{r:>14,.0f}{ratio:>10}{'' if events is None else events:>10}")


@pytest.fixture(scope="module", autouse=True)
def _report(request):
    register_report(request, "kapacitor-alerts-bench-report", _Report)


def test_numpy_baseline(benchmark):
    chunks = data()[WARMUP:]
    hosts = host_codes(chunks)
    n = sum(c.n for c in chunks)
    changes = benchmark.pedantic(numpy_pass, args=(chunks, hosts), rounds=5, iterations=1)
    assert changes > 0
    RESULTS["numpy"] = (n / benchmark.stats.stats.min, None)
    benchmark.extra_info["points_per_s"] = RESULTS["numpy"][0]


@pytest.mark.parametrize("name", list(CASES))
def test_alert_points_per_second(benchmark, name):
    chunks = data()
    n = sum(c.n for c in chunks[WARMUP:])
    prog = parse(CASES[name])
    pipeline = evaluate(prog, task_type_of(prog)).pipeline

    def setup():
        graph = TaskGraph(pipeline, MemoryContext("bench"), task_id="bench")
        for c in chunks[:WARMUP]:  # the first epoch makes the 10,000 groups
            graph.feed(c)
        return (graph,), {}

    def run(graph):
        for c in chunks[WARMUP:]:
            graph.feed(c)
        return graph

    graph = benchmark.pedantic(run, setup=setup, rounds=5, iterations=1)
    stats = graph.node_stats()
    assert stats["from1"]["collected"] == n + sum(c.n for c in chunks[:WARMUP])
    events = stats.get("alert2", {}).get("alerts_triggered")
    if name != "from-only":
        assert events, "the data must trigger alerts"
    RESULTS[name] = (n / benchmark.stats.stats.min, events)
    benchmark.extra_info.update({"points_per_s": RESULTS[name][0], "events": events})


def test_alert_node_alone(benchmark):
    """The ``sco`` case with the from() node's work done before the timing: the chunks as
    from() hands them on (its memoised Series), fed to the alert node's ``receive_points``."""
    chunks = data()
    n = sum(c.n for c in chunks[WARMUP:])
    prog = parse(CASES["sco"])
    pipeline = evaluate(prog, task_type_of(prog)).pipeline
    mapped = []
    source = TaskGraph(pipeline, MemoryContext("bench"), task_id="bench").nodes["from1"]
    source.emit_points = mapped.append  # keep what from() emits instead of pushing it on
    for c in chunks:
        source.receive_points(c, 0)

    def setup():
        graph = TaskGraph(pipeline, MemoryContext("bench"), task_id="bench")
        node = graph.nodes["alert2"]
        for c in mapped[:WARMUP]:
            node.receive_points(c, 0)
        return (node,), {}

    def run(node):
        for c in mapped[WARMUP:]:
            node.receive_points(c, 0)
        return node

    node = benchmark.pedantic(run, setup=setup, rounds=5, iterations=1)
    events = node.stats.counters["alerts_triggered"]
    assert events and node.stats.cardinality == HOSTS
    RESULTS["sco (alert node alone)"] = (n / benchmark.stats.stats.min, events)
    benchmark.extra_info.update({"points_per_s": RESULTS["sco (alert node alone)"][0], "events": events})
