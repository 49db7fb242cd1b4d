"""TICKscript lambda throughput: the column evaluator vs the point-at-a-time reference.

Run::

    pytest bench/bench_tick_lambdas.py --benchmark-only

Each lambda runs over one batch of 100,000 points (a ``cpu`` measurement: float
``usage_idle``/``usage_user``, int ``load``, tag ``host`` with 50 hosts, 10% of the points
without ``usage_user``).  ``columns`` is ``Lambda.predicate``/``evaluate`` on the whole batch
(what a stream node does per batch), ``reference`` is ``ReferenceLambda`` once per point on
the same data, in the same run.  Each benchmark stores ``points_per_s`` (median round) in
``benchmark.extra_info``; a table with the ratio is printed at the end.

Profiling recipe: ``python -m cProfile -s cumtime -m pytest bench/bench_tick_lambdas.py
--benchmark-only -k "columns and where"``.
"""
import numpy as np
import pytest
from conftest import register_report

from machstore.tick.lambda_ref import EvalError, ReferenceLambda
from machstore.tick.lambdas import Lambda, PointColumns

N = 100_000
LAMBDAS = {
    # where(): lambda: "usage_idle" < 10.0 AND "host" =~ /web/
    "where": (("AND", ("<", ("ref", "usage_idle"), ("float", 10.0)), ("=~", ("ref", "host"), ("regex", "web"))),
              True),
    # eval(): lambda: if("usage_user" > 50.0, 'hot', 'ok') with a missing field on 10% of rows
    "if-missing": (("call", "if", (">", ("ref", "usage_user"), ("float", 50.0)), ("str", "hot"), ("str", "ok")),
                   False),
    # alert(): lambda: sigma("usage_idle") > 3.0 (stateful, Welford per row)
    "sigma": ((">", ("call", "sigma", ("ref", "usage_idle")), ("float", 3.0)), True),
    # eval(): lambda: float("load") * 100.0 / "usage_idle"
    "math": (("/", ("*", ("call", "float", ("ref", "load")), ("float", 100.0)), ("ref", "usage_idle")), False),
}
RESULTS = {}
_DATA = {}


def data():
    if not _DATA:
        rng = np.random.default_rng(7)
        idle = rng.uniform(0, 100, N)
        user = rng.uniform(0, 100, N)
        present = rng.random(N) > 0.1
        load = rng.integers(0, 16, N)
        hosts = np.array([f"{'web' if i % 2 else 'db'}{i:02d}" for i in range(50)], dtype=object)
        host = hosts[rng.integers(0, 50, N)]
        times = np.arange(N, dtype=np.int64) * 10**9
        cols = PointColumns(times, {"usage_idle": idle, "usage_user": (user, present), "load": load},
                            {"host": host})
        points = []
        for i in range(N):
            fields = {"usage_idle": float(idle[i]), "load": int(load[i])}
            if present[i]:
                fields["usage_user"] = float(user[i])
            points.append((fields, {"host": host[i]}, int(times[i])))
        _DATA["cols"], _DATA["points"] = cols, points
    return _DATA["cols"], _DATA["points"]


def record(benchmark, name, impl):
    stats = getattr(benchmark, "stats", None)
    if not stats:  # --benchmark-disable: nothing was timed
        return
    info = {"points": N, "points_per_s": N / stats.stats.median}
    benchmark.extra_info.update(info)
    RESULTS[(name, impl)] = info


class _Report:
    """Print columns vs reference, side by side, after pytest-benchmark's own table."""

    @pytest.hookimpl(trylast=True)
    def pytest_terminal_summary(self, terminalreporter):
        if not RESULTS:
            return
        tr = terminalreporter
        tr.write_sep("-", "TICKscript lambdas: points/s over 100k points (median round)")
        tr.write_line(f"{'lambda':<12}{'impl':<11}{'points/s':>14}{'x reference':>13}")
        for name in LAMBDAS:
            col, ref = RESULTS.get((name, "columns")), RESULTS.get((name, "reference"))
            for impl, r in (("columns", col), ("reference", ref)):
                if r is None:
                    continue
                ratio = f"{col['points_per_s'] / ref['points_per_s']:.1f}" if impl == "columns" and ref else ""
                tr.write_line(f"{name:<12}{impl:<11}{r['points_per_s']:>14,.0f}{ratio:>13}")


@pytest.fixture(scope="module", autouse=True)
def _report(request):
    register_report(request, "tick-lambda-bench-report", _Report)
    yield


@pytest.mark.parametrize("name", list(LAMBDAS))
def test_columns(benchmark, name):
    tree, predicate = LAMBDAS[name]
    cols, _ = data()
    lam = Lambda(tree)

    def run():
        state = lam.new_state()
        return lam.predicate(cols, state) if predicate else lam.evaluate(cols, state)

    res = benchmark.pedantic(run, rounds=5, warmup_rounds=1)
    assert len(res.values) == N
    record(benchmark, name, "columns")


@pytest.mark.parametrize("name", list(LAMBDAS))
def test_reference(benchmark, name):
    tree, predicate = LAMBDAS[name]
    _, points = data()
    lam = ReferenceLambda(tree)

    def run():
        state = lam.new_state()
        fn = lam.predicate_point if predicate else lam.eval_point
        out = 0
        for fields, tags, t in points:
            try:
                fn(fields, tags, t, state)
            except EvalError:
                out += 1
        return out

    benchmark.pedantic(run, rounds=1, warmup_rounds=0)
    record(benchmark, name, "reference")
