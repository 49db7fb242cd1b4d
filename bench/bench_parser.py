"""Line-protocol parser throughput: our compiled kernel vs the PyPI ``line-protocol-parser`` package.

Run::

    pytest bench/bench_parser.py --benchmark-only

Each dataset is one 10,000-line request body (``tsbs_load_influx``'s default batch):

* ``tsbs-int``: TSBS cpu-only at scale 4,000 (4,000 series per batch), current ``i``-suffixed form;
* ``tsbs-float``: the same in the pre-2020 float form (``usage_user=58.13171323049761``...);
* ``tsbs-int-s100``: scale 100 (100 series per batch, so series repeat 100 times);
* ``short``: ``m v=<n> <ts>`` lines.

``ours`` parses the whole body with ``machstore.lineproto.parse`` (what ``/write`` does);
``peer`` calls ``line_protocol_parser.parse_line`` once per line, on the same bytes, in the
same run. Each benchmark stores ``lines_per_s``, ``values_per_s`` and ``mb_per_s`` (from the
median round) in ``benchmark.extra_info``; a table with the ratio is printed at the end.

Profiling recipe: build with ``MACHSTORE_ANNOTATE=1 pip install --no-build-isolation -e .``
to get ``ext/lineproto.html`` (Python fallbacks show in yellow), then
``perf record -g -- python -m pytest bench/bench_parser.py --benchmark-only -k "ours and tsbs-int"``
and ``perf report`` (``perf annotate -l`` maps hot instructions to ``ext/lineproto.c`` lines).
"""
import pytest
import tsbs
from conftest import register_report

from machstore import lineproto as lp

try:
    from line_protocol_parser import parse_line
except ImportError:  # pragma: no cover - the bench extra installs it
    parse_line = None

BATCH_LINES = 10_000
START_NS = 1451606400000000000


def _short_lines():
    return [b"m v=%d %d\n" % (i % 1000, START_NS + i * 10_000_000_000) for i in range(BATCH_LINES)]


DATASETS = {
    "tsbs-int": lambda: list(tsbs.generate_lines(scale=4000, rows=BATCH_LINES, seed=123)),
    "tsbs-float": lambda: list(tsbs.generate_lines(scale=4000, rows=BATCH_LINES, seed=123, as_float=True)),
    "tsbs-int-s100": lambda: list(tsbs.generate_lines(scale=100, rows=BATCH_LINES, seed=123)),
    "short": _short_lines,
}

_cache = {}
RESULTS = {}            # (dataset, impl) -> {"lines_per_s": ..., "values_per_s": ..., "mb_per_s": ...}


def dataset(name):
    """Return ``(lines, body, n_values)`` of a dataset, built once per session."""
    if name not in _cache:
        lines = DATASETS[name]()
        body = b"".join(lines)
        batch = lp.parse(body)
        assert batch.errors == [] and batch.n_points == len(lines), batch.error_messages()[:3]
        _cache[name] = (lines, body, batch.n_values)
    return _cache[name]


def record(benchmark, name, impl):
    lines, body, n_values = dataset(name)
    stats = getattr(benchmark, "stats", None)
    if not stats:                                   # --benchmark-disable: nothing was timed
        return
    seconds = stats.stats.median
    info = {
        "lines": len(lines),
        "bytes": len(body),
        "lines_per_s": len(lines) / seconds,
        "values_per_s": n_values / seconds,
        "mb_per_s": len(body) / seconds / 1e6,
    }
    benchmark.extra_info.update(info)
    RESULTS[(name, impl)] = info


class _Report:
    """Print ours vs peer, side by side, after pytest-benchmark's own table."""

    @pytest.hookimpl(trylast=True)
    def pytest_terminal_summary(self, terminalreporter):
        if not RESULTS:
            return
        tr = terminalreporter
        tr.write_sep("-", "line-protocol parser: lines/s, values/s, MB/s (median round)")
        tr.write_line(f"{'dataset':<15}{'impl':<6}{'lines/s':>14}{'values/s':>15}{'MB/s':>9}{'x peer':>9}")
        for name in DATASETS:
            ours, peer = RESULTS.get((name, "ours")), RESULTS.get((name, "peer"))
            for impl, r in (("ours", ours), ("peer", peer)):
                if r is None:
                    continue
                ratio = f"{ours['lines_per_s'] / peer['lines_per_s']:.1f}" if impl == "ours" and peer else ""
                tr.write_line(f"{name:<15}{impl:<6}{r['lines_per_s']:>14,.0f}{r['values_per_s']:>15,.0f}"
                              f"{r['mb_per_s']:>9.1f}{ratio:>9}")


@pytest.fixture(scope="module", autouse=True)
def _report(request):
    register_report(request, "lineproto-bench-report", _Report)
    yield


@pytest.mark.parametrize("name", list(DATASETS))
def test_ours(benchmark, name):
    _, body, n_values = dataset(name)
    benchmark.group = name
    batch = benchmark(lp.parse, body, now_ns=START_NS)
    assert batch.n_values == n_values
    record(benchmark, name, "ours")


@pytest.mark.skipif(parse_line is None, reason="line-protocol-parser is not installed")
@pytest.mark.parametrize("name", list(DATASETS))
def test_peer(benchmark, name):
    lines, _, n_values = dataset(name)
    benchmark.group = name

    def run():
        for line in lines:
            parse_line(line)

    benchmark(run)
    # same data, same answers: spot-check the peer against our parse
    ours = lp.parse(b"".join(lines[:3]), now_ns=START_NS)
    for p, line in enumerate(lines[:3]):
        theirs = parse_line(line)
        measurement, tags = lp.split_series_key(ours.series_keys[ours.point_series[p]])
        assert theirs["measurement"].encode() == measurement
        assert {k.encode(): v.encode() for k, v in theirs["tags"].items()} == dict(tags)
        assert theirs["time"] == ours.point_time[p]
        assert len(theirs["fields"]) * len(lines) == n_values
    record(benchmark, name, "peer")
