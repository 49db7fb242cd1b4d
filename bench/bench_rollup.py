"""Benchmark rollups: the aggregate kernel vs its numpy twin, plan_update, and rollup queries.

Cases, all measured in the same run:

* ``aggregate``: 1,000,000 rows of one series (10 rows/s with jitter, 5 % NULL, ~28 h) into
  1 s / 1 min / 1 h buckets, time-sorted (what compaction hands over) and shuffled;
  ``machstore.storage.rollup.aggregate`` (kernel) vs ``machstore.storage.rollup_ref.aggregate`` (twin), rows/s.
* ``plan_update``: one 10,000-row batch appended to a series that already has a day of
  rollups (so chunk records are read, merged and re-encoded at all three resolutions), at
  1 row/s (10,000 one-second buckets) and 100 rows/s; under a read snapshot, not applied.
  ``plan+apply`` adds the write transaction (aborted, so every round does the same work).
* ``query``: one tag over a day in 1-minute buckets, end to end (read txn, LMDB reads,
  decode, combine); goal <= 10 ms.  Also 10 tags together, and one tag in 1 s buckets.

Run::

    pytest bench/bench_rollup.py                     # table with rows/s, ms and speed-ups at the end
    python bench/bench_rollup.py [--seconds 1]       # same, without pytest

Profile::

    python -m cProfile -s tottime bench/bench_rollup.py --only query --seconds 3 | head -30
    perf record -g python bench/bench_rollup.py --only aggregate --seconds 5 && perf report
    MACHSTORE_ANNOTATE=1 pip install --no-build-isolation -e .   # ext/rollup.html shows Python fallbacks
"""
from __future__ import annotations

import argparse
import shutil
import tempfile
import time

import numpy as np
import pytest

from machstore.storage import rollup, rollup_ref, rollups
from machstore.engine import Engine

S, M, H, D = 10**9, 60 * 10**9, 3600 * 10**9, 86_400 * 10**9
T0 = 1_700_000_000 * S
AGG_ROWS = 1_000_000
BATCH_ROWS = 10_000
QUERY_TAGS = 10


# -- data --------------------------------------------------------------------------------------

def raw_rows(n=AGG_ROWS, rate_per_s=10, seed=1):
    """``(times, values, valid)``: ``n`` rows at ``rate_per_s`` with jitter, 5 % NULL."""
    rng = np.random.default_rng(seed)
    step = S // rate_per_s
    times = T0 + np.arange(n, dtype=np.int64) * step + rng.integers(0, step // 2, n)
    values = np.cumsum(rng.normal(size=n)) + 100.0
    return times, values, rng.random(n) >= 0.05


def aggregate_cases():
    """``{(op, impl): callable}`` for the aggregate kernel and its twin."""
    times, values, valid = raw_rows()
    shuffled = np.random.default_rng(2).permutation(times.size)
    data = {"sorted": (times, values, valid),
            "shuffled": (times[shuffled], values[shuffled], valid[shuffled])}
    out = {}
    for order, (t, v, m) in data.items():
        for label, bucket in (("1s", S), ("1min", M), ("1h", H)):
            op = f"aggregate {order} {label}"
            want = rollup_ref.aggregate(t, v, m, bucket_ns=bucket)
            assert rollup.aggregate(t, v, m, bucket_ns=bucket).start.tolist() == want.start.tolist()
            out[(op, "kernel")] = (lambda t=t, v=v, m=m, b=bucket: rollup.aggregate(t, v, m, bucket_ns=b))
            out[(op, "twin")] = (lambda t=t, v=v, m=m, b=bucket: rollup_ref.aggregate(t, v, m, bucket_ns=b))
    return out


class Store:
    """A temporary engine with a day of rollups for ``QUERY_TAGS`` tags (1 row/s each)."""

    def __init__(self):
        self.path = tempfile.mkdtemp(prefix="bench_rollup_")
        self.eng = Engine(self.path, sync=False)
        for sid in range(1, QUERY_TAGS + 1):
            times, values, valid = raw_rows(D // S, rate_per_s=1, seed=sid)
            for i in range(0, times.size, BATCH_ROWS):
                self.write(sid, times[i:i + BATCH_ROWS], values[i:i + BATCH_ROWS], valid[i:i + BATCH_ROWS])

    def write(self, sid, times, values, valid):
        with self.eng.env.begin(write=True) as txn:
            rollups.apply(txn, self.eng.dbs, rollups.plan_update(txn, self.eng.dbs, sid, times, values, valid))

    def close(self):
        self.eng.close()
        shutil.rmtree(self.path, ignore_errors=True)


def store_cases(store):
    """``{(op, impl): callable}`` for plan_update and query on ``store``."""
    env, dbs = store.eng.env, store.eng.dbs
    out = {}
    for rate in (1, 100):
        times, values, valid = raw_rows(BATCH_ROWS, rate_per_s=rate, seed=99)
        times = times + D  # right after the stored day

        def plan(times=times, values=values, valid=valid):
            with env.begin() as txn:
                return rollups.plan_update(txn, dbs, 1, times, values, valid)

        def plan_apply(times=times, values=values, valid=valid):
            with env.begin(write=True) as txn:
                rollups.apply(txn, dbs, rollups.plan_update(txn, dbs, 1, times, values, valid))
                txn.abort()

        out[(f"plan_update 10k rows @{rate}/s", "kernel")] = plan
        out[(f"plan+apply 10k rows @{rate}/s", "kernel")] = plan_apply

    def query(tags, bucket):
        def run():
            with env.begin() as txn:
                return rollups.query(txn, dbs, tags, T0 + 7 * H + 17, T0 + 31 * H - 1, bucket_ns=bucket)
        assert len(run()) > 0
        return run

    out[("query 1 tag day 1min", "kernel")] = query([1], M)
    out[(f"query {QUERY_TAGS} tags day 1min", "kernel")] = query(list(range(1, QUERY_TAGS + 1)), M)
    out[("query 1 tag day 1s", "kernel")] = query([1], S)
    return out


def describe(op, sec):
    if op.startswith("aggregate"):
        return f"{sec * 1e3:9.2f} ms {AGG_ROWS / sec / 1e6:8.1f} M rows/s"
    if op.startswith("plan"):
        return f"{sec * 1e3:9.3f} ms/batch {BATCH_ROWS / sec / 1e6:8.2f} M rows/s"
    return f"{sec * 1e3:9.3f} ms/query"


def summary(best):
    lines = ["", "rollups (best of each case)"]
    for (op, impl), sec in sorted(best.items()):
        lines.append(f"{op:28s} {impl:7s}{describe(op, sec)}")
    for (op, impl), sec in sorted(best.items()):
        if impl == "kernel" and (op, "twin") in best:
            lines.append(f"{op:28s} kernel {best[(op, 'twin')] / sec:5.1f}x the twin")
    return lines


# -- pytest-benchmark ------------------------------------------------------------------------

_CASES: dict = {}


@pytest.fixture(scope="module")
def report(request):
    """Collect each case's best time; print rates and kernel speed-ups at the end."""
    best = {}
    yield best
    if best:
        capture = request.config.pluginmanager.getplugin("capturemanager")
        with capture.global_and_fixture_disabled():
            print("\n".join(summary(best)))


@pytest.fixture(scope="module")
def store():
    s = Store()
    yield s
    s.close()


AGG_OPS = [f"aggregate {o} {b}" for o in ("sorted", "shuffled") for b in ("1s", "1min", "1h")]


@pytest.mark.benchmark(warmup=True, warmup_iterations=2)
@pytest.mark.parametrize("impl", ["kernel", "twin"])
@pytest.mark.parametrize("op", AGG_OPS)
def test_aggregate(benchmark, report, op, impl):
    if not _CASES:
        _CASES.update(aggregate_cases())
    benchmark.group = op
    benchmark(_CASES[(op, impl)])
    benchmark.extra_info.update(rows_per_s=AGG_ROWS / benchmark.stats.stats.mean)
    report[(op, impl)] = benchmark.stats.stats.min


STORE_OPS = ["plan_update 10k rows @1/s", "plan_update 10k rows @100/s", "plan+apply 10k rows @1/s",
             "plan+apply 10k rows @100/s", "query 1 tag day 1min", f"query {QUERY_TAGS} tags day 1min",
             "query 1 tag day 1s"]


@pytest.mark.benchmark(warmup=True, warmup_iterations=5)
@pytest.mark.parametrize("op", STORE_OPS)
def test_store(benchmark, report, store, op):
    cases = store_cases(store)
    benchmark.group = op
    benchmark(cases[(op, "kernel")])
    report[(op, "kernel")] = benchmark.stats.stats.min
    if op == "query 1 tag day 1min":
        assert benchmark.stats.stats.min < 0.010, "goal: a day of 1-minute buckets in <= 10 ms"


# -- CLI -------------------------------------------------------------------------------------

def _time(fn, seconds: float) -> float:
    """Seconds per call: warm up, then the best of 5 runs of about ``seconds / 5`` each."""
    t0, k = time.perf_counter(), 0
    while k < 3 or time.perf_counter() - t0 < 0.05:
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
    p.add_argument("--seconds", type=float, default=1.0, help="time per case")
    p.add_argument("--only", choices=["aggregate", "store"], help="run one half")
    args = p.parse_args(argv)
    cases = {}
    if args.only != "store":
        cases.update(aggregate_cases())
    st = None
    if args.only != "aggregate":
        st = Store()
        cases.update(store_cases(st))
    try:
        best = {key: _time(fn, args.seconds) for key, fn in cases.items()}
    finally:
        if st is not None:
            st.close()
    print("\n".join(summary(best)))
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main())
