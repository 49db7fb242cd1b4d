"""holt_winters() and the technical-analysis functions: time per stream, against mean() in the same run.

Run::

    pytest bench/bench_analysis.py --benchmark-only

Each technical-analysis function runs over one stream of 100,000 float points (a noisy sine),
as ``SELECT <function>(v, 14) FROM m`` feeds it: ``machstore.influxql.analysis.apply`` on the
compiled kernel (``ext/technical.pyx``).  The baseline, timed in the same run over the same
points, is the ``mean()`` reducer of ``SELECT mean(v) FROM m`` (``functions.reduce_runs``, one
run).  ``ref`` rows time the plain-Python twin on 10,000 of the points, to show what the kernel
saves.  ``holt_winters`` fits a series of 1,000 windows (season 0 and 24): its cost is the
Nelder-Mead search (16 starts, up to 1,000 iterations, each a pass over the series), so 100,000
windows would take minutes in InfluxDB too.

Each benchmark stores ``points_per_s`` (median round) in ``benchmark.extra_info``; a table with
the ratio to ``mean()`` is printed at the end.

Profiling recipe: ``MACHSTORE_ANNOTATE=1 pip install --no-build-isolation -e .`` writes
``ext/technical.html`` / ``ext/holtwinters.html`` (Python fallbacks in yellow); then
``perf record -g -- python -m pytest bench/bench_analysis.py --benchmark-only -k holt`` and
``perf report``.
"""
import numpy as np
import pytest
from conftest import register_report

from machstore.influxql import analysis, functions, holtwinters_ref, technical, technical_ref
from machstore.influxql.ast import Call, IntegerLiteral, StringLiteral, VarRef

N = 100_000
N_REF = 10_000
N_HW = 1_000
STEP = 10 * 10**9
RESULTS = {}   # name -> points/s


def _stream(n, seed=42):
    rng = np.random.default_rng(seed)
    t = np.arange(n, dtype=np.int64) * STEP
    v = 50 + 20 * np.sin(np.arange(n) / 300) + rng.normal(0, 2, n)
    return t, v


TIMES, VALUES = _stream(N)


def _call(name, *args):
    return Call(name, (VarRef("v"),) + tuple(args))


TA_CALLS = {
    "exponential_moving_average": _call("exponential_moving_average", IntegerLiteral(14)),
    "double_exponential_moving_average": _call("double_exponential_moving_average", IntegerLiteral(14)),
    "triple_exponential_moving_average": _call("triple_exponential_moving_average", IntegerLiteral(14)),
    "triple_exponential_derivative": _call("triple_exponential_derivative", IntegerLiteral(14)),
    "relative_strength_index": _call("relative_strength_index", IntegerLiteral(14)),
    "chande_momentum_oscillator": _call("chande_momentum_oscillator", IntegerLiteral(14)),
    "chande_momentum_oscillator(simple)": _call("chande_momentum_oscillator", IntegerLiteral(14), IntegerLiteral(-1),
                                                StringLiteral("simple")),
    "kaufmans_efficiency_ratio": _call("kaufmans_efficiency_ratio", IntegerLiteral(14)),
    "kaufmans_adaptive_moving_average": _call("kaufmans_adaptive_moving_average", IntegerLiteral(14)),
}


def record(benchmark, name, points):
    stats = getattr(benchmark, "stats", None)
    if not stats:   # --benchmark-disable: nothing was timed
        return
    rate = points / stats.stats.median
    benchmark.extra_info["points_per_s"] = rate
    RESULTS[name] = rate


class _Report:
    """Print points/s and the ratio to mean() after pytest-benchmark's own table."""

    @pytest.hookimpl(trylast=True)
    def pytest_terminal_summary(self, terminalreporter):
        if not RESULTS:
            return
        tr = terminalreporter
        base = RESULTS.get("mean (baseline)")
        tr.write_sep("-", "analysis functions: points/s (median round), mean() = 1")
        for name, rate in RESULTS.items():
            ratio = f"{base / rate:8.1f}x slower" if base else ""
            tr.write_line(f"{name:<45}{rate:>16,.0f}  {ratio}")


@pytest.fixture(scope="module", autouse=True)
def _report(request):
    register_report(request, "analysis-bench-report", _Report)
    yield


def test_mean_baseline(benchmark):
    benchmark.group = "technical analysis, 100k points"
    starts = np.zeros(1, dtype=np.int64)
    out, _, _ = benchmark(functions.reduce_runs, "mean", TIMES, VALUES, starts, clock=TIMES)
    assert out[0] == pytest.approx(VALUES.mean())
    record(benchmark, "mean (baseline)", N)


@pytest.mark.parametrize("name", list(TA_CALLS))
def test_technical(benchmark, name):
    benchmark.group = "technical analysis, 100k points"
    t, v = benchmark(analysis.apply, TA_CALLS[name], TIMES, VALUES)
    assert len(t) > N - 100
    record(benchmark, name, N)


@pytest.mark.parametrize("name", ["exponential_moving_average", "kaufmans_adaptive_moving_average"])
def test_technical_reference_twin(benchmark, name):
    benchmark.group = "technical analysis, reference twin, 10k points"
    values = VALUES[:N_REF].tolist()
    emitted, _ = benchmark(technical_ref.run, name, values, 14, -1, technical.WARM_EXPONENTIAL)
    assert sum(emitted) > N_REF - 100
    record(benchmark, f"{name} (ref twin, 10k)", N_REF)


@pytest.mark.parametrize("season", [0, 24])
def test_holt_winters(benchmark, season):
    benchmark.group = "holt_winters, 1k windows"
    call = Call("holt_winters", (Call("mean", (VarRef("v"),)), IntegerLiteral(10), IntegerLiteral(season)))
    t, v = benchmark.pedantic(analysis.apply, args=(call, TIMES[:N_HW], VALUES[:N_HW]),
                              kwargs={"interval": STEP}, rounds=3, iterations=1)
    assert len(t) == 10
    record(benchmark, f"holt_winters(m={season}, 1k windows)", N_HW)


def test_holt_winters_reference_twin(benchmark):
    benchmark.group = "holt_winters, reference twin, 50 windows"
    y = VALUES[:50].tolist()
    out = benchmark.pedantic(holtwinters_ref.fit_forecast, args=(y, 0, 10), rounds=1, iterations=1)
    assert len(out) == 60
    record(benchmark, "holt_winters(m=0, ref twin, 50 windows)", 50)
