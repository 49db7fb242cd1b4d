"""Engine benchmarks (no HTTP): TSBS ingest, compaction, range reads, bytes per stored value.

Run:  pytest bench/bench_engine.py --benchmark-only
Each benchmark records its unit rates in ``extra_info`` (rows/s, values/s, bytes/value), and a
table is printed at the end of the session.  Profile one with
``python -m cProfile -s tottime -m pytest bench/bench_engine.py -k compact --benchmark-only``.
"""
import tempfile

import pytest

from machstore import lineproto
from machstore.engine import Engine
from tsbs import generate_batches

FIELDS_PER_ROW = 10
RESULTS = []


def _report(benchmark, name, units):
    mean = benchmark.stats.stats.mean
    info = {k: round(v / mean, 1) for k, v in units.items()}
    benchmark.extra_info.update(info)
    RESULTS.append((name, info))


@pytest.fixture(scope="module")
def tsbs_4000():
    """50 batches of 10,000 TSBS lines over 4,000 hosts (500,000 rows)."""
    return list(generate_batches(batch_lines=10_000, scale=4000, rows=500_000))


def test_write_lines_tsbs_batch(benchmark, tsbs_4000, tmp_path):
    """One 10,000-line TSBS request: parse + validate + encode + durable commit."""
    eng = Engine(str(tmp_path / "w"))
    eng.write_lines("bench", tsbs_4000[0])  # series and fields exist: the steady state
    batches = iter(tsbs_4000 * 10)
    benchmark.pedantic(lambda: eng.write_lines("bench", next(batches)), rounds=40, warmup_rounds=2)
    _report(benchmark, "write_lines (10k TSBS lines, synced commit)",
            {"rows/s": 10_000, "values/s": 10_000 * FIELDS_PER_ROW})
    eng.close()


def test_parse_only_tsbs_batch(benchmark, tsbs_4000):
    """Baseline for the row above: the parser kernel alone on the same batch."""
    benchmark(lineproto.parse, tsbs_4000[1])
    _report(benchmark, "parse only (same batch)", {"rows/s": 10_000})


def test_compact_tsbs(benchmark, tsbs_4000):
    """Merge 500,000 rows of pending segments (4,000 series) into blocks."""
    def setup():
        eng = Engine(tempfile.mkdtemp(prefix="msbench"))
        for body in tsbs_4000:
            eng.write_lines("bench", body)
        return (eng,), {}

    def compact_all(eng):
        while eng.compact():
            pass
        eng.close()

    benchmark.pedantic(compact_all, setup=setup, rounds=3)
    _report(benchmark, "compact (500k rows, 4000 series)", {"rows/s": 500_000})


def _load(epochs, as_float=False):
    eng = Engine(tempfile.mkdtemp(prefix="msbench"))
    rows = 0
    for body in generate_batches(batch_lines=10_000, scale=100, epochs=epochs, as_float=as_float):
        rows += eng.write_lines("bench", body).points_written
        eng.compact()
    while eng.compact():
        pass
    return eng, rows


@pytest.fixture(scope="module")
def one_day_scale_100():
    """864,000 rows: 100 hosts over one day at 10 s, compacted."""
    eng, rows = _load(8640)
    yield eng, rows
    eng.close()


def test_read_series_day(benchmark, one_day_scale_100):
    """Read one host's whole day (8,640 rows x 10 fields) as a pyarrow Table."""
    eng, _ = one_day_scale_100
    tags = eng.list_series("bench", "cpu")[0]["tags"]
    table = benchmark(eng.read_series, "bench", "cpu", tags)
    assert table.num_rows == 8640
    _report(benchmark, "read_series (1 host, 1 day)", {"rows/s": 8640, "values/s": 8640 * FIELDS_PER_ROW})


def test_bytes_per_value(benchmark, one_day_scale_100):
    """Stored bytes per value on TSBS data (goal <= 3): blocks + summaries, and the LMDB file."""
    eng, rows = one_day_scale_100
    stats = benchmark(eng.storage_stats)
    values = rows * FIELDS_PER_ROW
    info = {"bytes/value (blocks+summaries)": round((stats["blk"]["bytes"] + stats["sum"]["bytes"]) / values, 3),
            "bytes/value (LMDB pages in use)": round(stats["pages_bytes"] / values, 3),
            "values": values}
    benchmark.extra_info.update(info)
    RESULTS.append(("storage (TSBS scale 100, 1 day)", info))


def test_bytes_per_value_float_form(benchmark):
    """The same for TSBS's older float form (16-digit random-walk floats: far less compressible)."""
    eng, rows = _load(2160, as_float=True)
    stats = benchmark.pedantic(eng.storage_stats, rounds=3)
    info = {"bytes/value (blocks+summaries)": round((stats["blk"]["bytes"] + stats["sum"]["bytes"]) / (rows * 10), 3),
            "values": rows * 10}
    benchmark.extra_info.update(info)
    RESULTS.append(("storage (TSBS float form, scale 100, 6 h)", info))
    eng.close()


@pytest.fixture(scope="session", autouse=True)
def _print_table():
    yield
    print("\n\nengine benchmarks (mean rates)")
    for name, info in RESULTS:
        print(f"  {name:48s} " + "  ".join(f"{k} {v:,}" for k, v in info.items()))
