"""Benchmark the block codec: Cython kernels (machstore.storage.blocks) vs the numpy twin (machstore.storage.blocks_ref).

A TSBS cpu-only shaped block: one host's 10 ``usage_*`` integer fields (clamped random walks,
as bench/tsbs.py generates them) at 10 s intervals, 100, 1000 and 8192 rows.  Each size is
measured for both implementations in the same run:

* ``encode+summary``: what compaction does per series (the twin needs ``encode_block`` and
  ``summarize``; the kernel offers ``encode_block_with_summary``);
* ``decode``: ``decode_block``;
* ``zstd``: the payload's compress (resp. decompress) alone, the floor both share.

Run::

    pytest bench/bench_blocks.py                      # table + blocks/s and values/s per case
    python bench/bench_blocks.py [--rows 100 1000 8192] [--seconds 1]   # same, without pytest

Profile::

    python -m cProfile -s cumtime bench/bench_blocks.py --rows 100 --seconds 3 | head -30
    perf record -g python bench/bench_blocks.py --rows 100 --seconds 5 && perf report
    MACHSTORE_ANNOTATE=1 pip install --no-build-isolation -e .   # ext/blockcodec.html shows
                                                                 # any Python fallbacks in the kernel
"""
from __future__ import annotations

import argparse
import time

import numpy as np
import pytest

from machstore.storage import blocks, blocks_ref, codec
from machstore.storage import fieldtypes as ft
from machstore.storage.rows import Column, RowSet
from tsbs import DEFAULT_START_NS, FIELDS, WALK_MAX, WALK_MIN

SIZES = (100, 1000, 8192)
IMPLS = ("kernel", "twin", "zstd")


def tsbs_block(n: int, seed: int = 123) -> RowSet:
    """Return ``n`` rows of one TSBS cpu-only host: 10 clamped random-walk int fields, 10 s apart."""
    rng = np.random.default_rng(seed)
    walk = rng.uniform(WALK_MIN, WALK_MAX, size=len(FIELDS)) + np.cumsum(
        np.vstack([np.zeros(len(FIELDS)), rng.standard_normal((n - 1, len(FIELDS)))]), axis=0)
    walk = np.clip(walk, WALK_MIN, WALK_MAX).astype(np.int64)  # cumulative, then clamped: close enough
    times = DEFAULT_START_NS + np.arange(n, dtype=np.int64) * 10 * 10**9
    return RowSet(times, {name: Column(ft.INTEGER, np.ascontiguousarray(walk[:, k]))
                          for k, name in enumerate(FIELDS)})


def cases(n: int):
    """Return ``{(op, impl): callable}`` for a block of ``n`` rows (all on the same data)."""
    rows = tsbs_block(n)
    block = blocks_ref.encode_block(rows)
    assert blocks.encode_block_with_summary(rows) == (block, blocks_ref.summarize(rows))
    raw = blocks._encode_parts(rows, block=True, summary=False)[2]
    packed = codec.compress(raw)
    return {
        ("encode+summary", "kernel"): lambda: blocks.encode_block_with_summary(rows),
        ("encode+summary", "twin"): lambda: (blocks_ref.encode_block(rows), blocks_ref.summarize(rows)),
        ("encode+summary", "zstd"): lambda: codec.compress(raw),
        ("decode", "kernel"): lambda: blocks.decode_block(block),
        ("decode", "twin"): lambda: blocks_ref.decode_block(block),
        ("decode", "zstd"): lambda: codec.decompress(packed, len(raw)),
    }


def rates(n: int, seconds_per_block: float) -> str:
    values = n * len(FIELDS)
    return (f"{seconds_per_block * 1e6:10.1f} us/block {1 / seconds_per_block:12,.0f} blocks/s "
            f"{values / seconds_per_block / 1e6:8.2f} M values/s")


# -- pytest-benchmark ------------------------------------------------------------------------

_CASES: dict = {}


@pytest.fixture(scope="module")
def report(request):
    """Collect each case's best time; print blocks/s, values/s and kernel speed-ups at the end.

    The best (min) rather than the mean: on a shared machine it is the least noisy estimate
    of what the code costs.
    """
    best = {}
    yield best
    if not best:
        return
    lines = ["", "block codec, TSBS-shaped block x 10 int columns (best of each case)"]
    for (op, n, impl), sec in sorted(best.items()):
        lines.append(f"{op:15s} {n:5d} rows {impl:7s}{rates(n, sec)}")
    for (op, n, impl), sec in sorted(best.items()):
        if impl == "kernel" and (op, n, "twin") in best:
            lines.append(f"{op:15s} {n:5d} rows: kernel {best[(op, n, 'twin')] / sec:5.1f}x the twin")
    capture = request.config.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print("\n".join(lines))


@pytest.mark.benchmark(warmup=True, warmup_iterations=200)
@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("op", ["encode+summary", "decode"])
@pytest.mark.parametrize("n", SIZES)
def test_block_codec(benchmark, report, n, op, impl):
    if n not in _CASES:
        _CASES[n] = cases(n)
    benchmark.group = f"{op} {n} rows x {len(FIELDS)} int columns"
    benchmark(_CASES[n][(op, impl)])
    stats = benchmark.stats.stats
    benchmark.extra_info.update(blocks_per_s=1 / stats.mean, values_per_s=n * len(FIELDS) / stats.mean,
                                best_blocks_per_s=1 / stats.min)
    report[(op, n, impl)] = stats.min


# -- CLI -------------------------------------------------------------------------------------

def _time(fn, seconds: float) -> float:
    """Seconds per call: warm up, then the best of 5 runs of about ``seconds / 5`` each."""
    for _ in range(50):
        fn()
    t0, k = time.perf_counter(), 0
    while time.perf_counter() - t0 < 0.05:
        fn()
        k += 1
    per = (time.perf_counter() - t0) / k
    reps = max(1, int(seconds / 5 / per))
    best = float("inf")
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(reps):
            fn()
        best = min(best, (time.perf_counter() - t0) / reps)
    return best


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, nargs="+", default=list(SIZES))
    p.add_argument("--seconds", type=float, default=1.0, help="time per case")
    args = p.parse_args(argv)
    for n in args.rows:
        measured = {key: _time(fn, args.seconds) for key, fn in cases(n).items()}
        for (op, impl), sec in measured.items():
            print(f"{op:15s} {n:5d} rows {impl:7s}{rates(n, sec)}")
        for op in ("encode+summary", "decode"):
            print(f"{op:15s} {n:5d} rows: kernel {measured[(op, 'twin')] / measured[(op, 'kernel')]:5.1f}x "
                  f"the twin")
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main())
