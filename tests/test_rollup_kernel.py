"""The rollup kernels (machstore.storage.rollup) against their numpy twin (machstore.storage.rollup_ref)."""
import threading

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import machstore._ext_rollup as kernels
from machstore.storage import rollup, rollup_ref
from machstore.errors import InvalidArgument
from machstore.storage.rollup_ref import FIELDS, RollupBatch

# The twin's sums warn on inf - inf; the kernels are silent.
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")

I64_MIN, I64_MAX = -2**63, 2**63 - 1
S, M, H = 10**9, 60 * 10**9, 3600 * 10**9
BUCKETS = [1, 7, 1000, S, M, H, 86_400 * S, 2**40, 2**62, I64_MAX]
SIZES = [0, 1, 2, 3, 10, 100, 4095, 4096, 5000, 20000]


def test_compiled_module_is_loaded():
    assert kernels.__file__.endswith(".so")
    assert rollup._kernels is kernels


def test_fields_agree():
    assert kernels.FIELDS == rollup.FIELDS == rollup_ref.FIELDS


# -- comparing batches ----------------------------------------------------------------------

def assert_same(got, want, *, magnitude=None, rtol=1e-9):
    """Exact on everything but sum/sumsq, which may differ by rounding (relative to ``magnitude``)."""
    assert got.bucket_ns == want.bucket_ns
    assert len(got) == len(want), (got, want)
    for name in FIELDS:
        a, b = getattr(got, name), getattr(want, name)
        assert a.dtype == b.dtype, name
        if name in ("sum", "sumsq"):
            scale = np.abs(b) if name == "sumsq" or magnitude is None else magnitude
            both_nan = np.isnan(a) & np.isnan(b)
            same_inf = np.isinf(b) & (a == b)
            close = np.abs(a - b) <= rtol * scale + 1e-300
            ok = both_nan | same_inf | close
            assert ok.all(), (name, a[~ok], b[~ok])
        else:
            assert np.array_equal(a, b, equal_nan=a.dtype.kind == "f"), (name, a, b)


def check_aggregate(times, values, valid, bucket_ns):
    """Kernel == twin for one input; returns the kernel's batch."""
    got = rollup.aggregate(times, values, valid, bucket_ns=bucket_ns)
    want = rollup_ref.aggregate(times, values, valid, bucket_ns=bucket_ns)
    finite = np.where(np.isfinite(values), np.abs(values), 0.0)
    magnitude = rollup_ref.aggregate(times, finite, valid, bucket_ns=bucket_ns).sum
    assert_same(got, want, magnitude=magnitude)
    return got


# -- random data ---------------------------------------------------------------------------

def gen_times(rng, n, kind, bucket_ns):
    base = int(rng.integers(-10**18, 10**18))
    step = max(1, min(bucket_ns // int(rng.integers(1, 50)), 2**60 // (3 * max(n, 1))))
    if kind == "sorted":
        t = base + np.cumsum(rng.integers(0, 3 * step, n))
    elif kind == "shuffled":
        t = rng.permutation(base + np.cumsum(rng.integers(0, 3 * step, n)))
    elif kind == "dups":
        t = base + rng.integers(0, 5, n) * step
    elif kind == "negative":
        t = -rng.integers(0, 50 * bucket_ns if bucket_ns < 2**55 else 2**62, n) - 1
    elif kind == "sparse":  # few rows far apart: the argsort path
        t = rng.integers(-2**62, 2**62, n)
    else:  # mostly sorted with a few late rows
        t = base + np.cumsum(rng.integers(0, 3 * step, n))
        late = rng.random(n) < 0.05
        t[late] -= rng.integers(0, 20 * step, int(late.sum()))
    return np.asarray(t, dtype=np.int64)


def gen_values(rng, n, special):
    v = rng.normal(size=n) * 10.0 ** rng.integers(-5, 5, n)
    if special:
        pick = rng.random(n) < 0.05
        v[pick] = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0])[rng.integers(0, 5, int(pick.sum()))]
    return v


def gen_valid(rng, n, kind):
    if kind == "none":
        return None
    if kind == "all":
        return np.ones(n, dtype=bool)
    if kind == "empty":
        return np.zeros(n, dtype=bool)
    return rng.random(n) < 0.7


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("kind", ["sorted", "shuffled", "dups", "negative", "sparse", "late"])
def test_aggregate_random(n, kind):
    rng = np.random.default_rng(n * 31 + hash(kind) % 1000)
    for bucket_ns in BUCKETS:
        if bucket_ns == I64_MAX and kind == "sparse":
            continue  # -2**62 ... is fine, but keep the huge bucket on the small-time kinds
        for vkind in ("none", "all", "some", "empty"):
            times = gen_times(rng, n, kind, bucket_ns)
            values = gen_values(rng, n, special=vkind == "some")
            check_aggregate(times, values, gen_valid(rng, n, vkind), bucket_ns)


def test_single_row_and_empty():
    b = rollup.aggregate(np.array([-1]), np.array([2.5]), bucket_ns=10)
    assert b.start.tolist() == [-10] and b.count.tolist() == [1] and b.sum.tolist() == [2.5]
    assert b.first_time.tolist() == b.last_time.tolist() == [-1] and b.sumsq.tolist() == [6.25]
    empty = rollup.aggregate(np.empty(0, np.int64), np.empty(0), bucket_ns=S)
    assert len(empty) == 0 and empty.bucket_ns == S and empty.start.dtype == np.int64
    assert len(rollup.aggregate([1, 2], [1.0, 2.0], [False, False], bucket_ns=S)) == 0


def test_ties_keep_write_order():
    times = np.array([5, 3, 5, 3, 9, 9])
    values = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    for impl in (rollup, rollup_ref):
        b = impl.aggregate(times, values, bucket_ns=100)
        assert (b.first.tolist(), b.first_time.tolist()) == ([2.0], [3])  # earliest written of the t=3 pair
        assert (b.last.tolist(), b.last_time.tolist()) == ([6.0], [9])    # latest written of the t=9 pair
        assert b.min.tolist() == [1.0] and b.max.tolist() == [6.0] and b.count.tolist() == [6]


def test_nan_is_a_value_and_propagates():
    b = rollup.aggregate([1, 2, 3], [1.0, np.nan, -1.0], bucket_ns=10)
    assert b.count.tolist() == [3] and np.isnan(b.min[0]) and np.isnan(b.max[0]) and np.isnan(b.sum[0])


def test_int_values_and_uint8_mask():
    got = rollup.aggregate(np.array([1, 2, 30]), np.array([1, 2, 3]), np.array([1, 0, 1], dtype=np.uint8),
                           bucket_ns=10)
    assert got.count.tolist() == [1, 1] and got.sum.tolist() == [1.0, 3.0]


@pytest.mark.parametrize("impl", [rollup, rollup_ref])
def test_bad_arguments(impl):
    with pytest.raises(InvalidArgument):
        impl.aggregate([1], [1.0], bucket_ns=0)
    with pytest.raises(InvalidArgument):
        impl.aggregate([1], [1.0], bucket_ns=-5)
    with pytest.raises(InvalidArgument):
        impl.aggregate([1, 2], [1.0], bucket_ns=5)
    with pytest.raises(InvalidArgument):
        impl.aggregate([1, 2], [1.0, 2.0], [True], bucket_ns=5)
    a, b = impl.aggregate([1], [1.0], bucket_ns=S), impl.aggregate([1], [1.0], bucket_ns=M)
    with pytest.raises(InvalidArgument):
        impl.merge(a, b)
    with pytest.raises(InvalidArgument):
        impl.combine([b], bucket_ns=90 * S)  # 1 min does not divide 90 s
    with pytest.raises(InvalidArgument):
        impl.combine_series([a, b])
    with pytest.raises(InvalidArgument):
        impl.combine_series([])
    assert len(impl.combine_series([], bucket_ns=S)) == 0


@pytest.mark.parametrize("impl", [rollup, rollup_ref])
def test_bucket_start_below_int64_is_an_error(impl):
    with pytest.raises(InvalidArgument, match="too early"):
        impl.aggregate([0, I64_MIN], [1.0, 2.0], bucket_ns=3)
    # NULL rows do not count, and the earliest representable bucket is fine
    assert len(impl.aggregate([0, I64_MIN], [1.0, 2.0], [True, False], bucket_ns=3)) == 1
    lo = rollup_ref.min_bucket_time(H)
    assert impl.aggregate([lo], [1.0], bucket_ns=H).start.tolist() == [lo]
    with pytest.raises(InvalidArgument):
        impl.aggregate([lo - 1], [1.0], bucket_ns=H)
    assert impl.aggregate([I64_MIN, I64_MAX], [1.0, 2.0], bucket_ns=1).start.tolist() == [I64_MIN, I64_MAX]
    with pytest.raises(InvalidArgument):
        impl.combine([impl.aggregate([lo], [1.0], bucket_ns=H)], bucket_ns=7 * H)


# -- merge / combine / combine_series -------------------------------------------------------

def split_rows(rng, n, parts):
    cuts = np.sort(rng.integers(0, n + 1, parts - 1))
    return np.split(np.arange(n), cuts)


@pytest.mark.parametrize("seed", range(12))
def test_merge_of_parts_equals_one_aggregate(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 3000))
    bucket_ns = [1, 1000, S, M][seed % 4]
    times = gen_times(rng, n, ["sorted", "shuffled", "dups", "late"][seed % 4], bucket_ns)
    values = gen_values(rng, n, special=False)
    valid = gen_valid(rng, n, "some")
    whole = check_aggregate(times, values, valid, bucket_ns)
    finite = rollup_ref.aggregate(times, np.abs(values), valid, bucket_ns=bucket_ns).sum
    for impl in (rollup, rollup_ref):
        acc = RollupBatch.empty(bucket_ns)
        for idx in split_rows(rng, n, 4):
            acc = impl.merge(acc, impl.aggregate(times[idx], values[idx], valid[idx], bucket_ns=bucket_ns))
        assert_same(acc, whole, magnitude=finite)


@pytest.mark.parametrize("seed", range(12))
def test_combine_equals_coarse_aggregate(seed):
    rng = np.random.default_rng(100 + seed)
    n = int(rng.integers(1, 5000))
    fine, coarse = [(1, 10), (S, 5 * S), (S, M), (M, 5 * M), (M, H), (H, 3 * H)][seed % 6]
    times = gen_times(rng, n, ["sorted", "shuffled", "dups", "negative"][seed % 4], coarse)
    values = gen_values(rng, n, special=seed % 3 == 0)
    valid = gen_valid(rng, n, ["none", "some"][seed % 2])
    finite = np.where(np.isfinite(values), np.abs(values), 0.0)
    magnitude = rollup_ref.aggregate(times, finite, valid, bucket_ns=coarse).sum
    want = rollup_ref.aggregate(times, values, valid, bucket_ns=coarse)
    for impl in (rollup, rollup_ref):
        got = impl.combine([impl.aggregate(times, values, valid, bucket_ns=fine)], bucket_ns=coarse)
        assert_same(got, want, magnitude=magnitude)


@pytest.mark.parametrize("seed", range(12))
def test_combine_series_equals_aggregate_of_all_rows(seed):
    rng = np.random.default_rng(200 + seed)
    bucket_ns = [S, M, 10][seed % 3]
    series = []
    for _ in range(int(rng.integers(1, 6))):
        n = int(rng.integers(0, 2000))
        series.append((gen_times(rng, n, "dups" if seed % 2 else "sorted", bucket_ns),
                       gen_values(rng, n, special=False)))
    times = np.concatenate([t for t, _ in series])
    values = np.concatenate([v for _, v in series])
    want = rollup_ref.aggregate(times, values, bucket_ns=bucket_ns)
    magnitude = rollup_ref.aggregate(times, np.abs(values), bucket_ns=bucket_ns).sum
    for impl in (rollup, rollup_ref):
        parts = [impl.aggregate(t, v, bucket_ns=bucket_ns) for t, v in series]
        assert_same(impl.combine_series(parts), want, magnitude=magnitude)
        assert_same(impl.combine(parts, bucket_ns=bucket_ns), want, magnitude=magnitude)


@pytest.mark.parametrize("seed", range(20))
def test_reduce_kernel_against_twin_on_random_records(seed):
    """Arbitrary record soups (overlapping buckets, equal first/last times across batches)."""
    rng = np.random.default_rng(300 + seed)
    fine = [1, S, M][seed % 3]
    coarse = fine * [1, 2, 60, 7][seed % 4]
    batches = []
    for _ in range(int(rng.integers(1, 5))):
        n = int(rng.integers(0, 6000 if seed % 5 == 0 else 300))
        kind = ["sorted", "shuffled", "dups", "sparse", "late"][seed % 5]
        times = gen_times(rng, n, kind, fine)
        batches.append(rollup_ref.aggregate(times, gen_values(rng, n, special=seed % 2 == 1), bucket_ns=fine))
    want = rollup_ref.combine(batches, bucket_ns=coarse)
    got = rollup.combine(batches, bucket_ns=coarse)
    assert_same(got, want, rtol=1e-6, magnitude=np.abs(want.sum) + 1e6)  # record sums: same order of adds
    if len(batches) >= 2:
        assert_same(rollup.merge(batches[0], batches[1]), rollup_ref.merge(batches[0], batches[1]),
                    rtol=1e-6, magnitude=1e6 + np.abs(rollup_ref.merge(batches[0], batches[1]).sum))


def test_merge_ties_newer_batch_wins_last_older_wins_first():
    a = rollup.aggregate([5, 9], [1.0, 2.0], bucket_ns=100)
    b = rollup.aggregate([5, 9], [3.0, 4.0], bucket_ns=100)
    for impl in (rollup, rollup_ref):
        m = impl.merge(a, b)
        assert (m.first.tolist(), m.last.tolist(), m.count.tolist()) == ([1.0], [4.0], [4])
        m = impl.merge(b, a)
        assert (m.first.tolist(), m.last.tolist()) == ([3.0], [2.0])


# -- hypothesis ------------------------------------------------------------------------------

finite = st.floats(min_value=-1e100, max_value=1e100, allow_nan=False)
special = st.sampled_from([float("nan"), float("inf"), float("-inf"), 0.0, -0.0])


@st.composite
def row_batches(draw):
    bucket_ns = draw(st.sampled_from([1, 2, 3, 10, 1000, S, H, 2**40, 2**62]))
    n = draw(st.integers(0, 60))
    lo = max(draw(st.sampled_from([-2**62, -10 * bucket_ns, 0])), -2**62)
    span = draw(st.sampled_from([5, 10 * bucket_ns, 2**62]))
    times = draw(st.lists(st.integers(lo, min(lo + span, I64_MAX)), min_size=n, max_size=n))
    values = draw(st.lists(st.one_of(finite, special) if draw(st.booleans()) else finite, min_size=n, max_size=n))
    valid = draw(st.one_of(st.none(), st.lists(st.booleans(), min_size=n, max_size=n)))
    return (np.array(times, dtype=np.int64), np.array(values, dtype=np.float64),
            None if valid is None else np.array(valid, dtype=bool), bucket_ns)


@settings(max_examples=400, deadline=None)
@given(row_batches())
def test_aggregate_hypothesis(case):
    check_aggregate(*case)


@settings(max_examples=200, deadline=None)
@given(row_batches(), st.integers(1, 4), st.data())
def test_merge_and_combine_hypothesis(case, parts, data):
    times, values, valid, bucket_ns = case
    n = times.size
    cuts = sorted(data.draw(st.lists(st.integers(0, n), min_size=parts - 1, max_size=parts - 1)))
    idx = np.split(np.arange(n), cuts)
    vals = np.where(np.isfinite(values), values, 0.0)  # keep sums order-independent enough to compare
    got = [rollup.aggregate(times[i], vals[i], None if valid is None else valid[i], bucket_ns=bucket_ns)
           for i in idx]
    want = rollup_ref.aggregate(times, vals, valid, bucket_ns=bucket_ns)
    magnitude = rollup_ref.aggregate(times, np.abs(vals), valid, bucket_ns=bucket_ns).sum
    acc = RollupBatch.empty(bucket_ns)
    for part in got:
        acc = rollup.merge(acc, part)
    assert_same(acc, want, magnitude=magnitude)
    assert_same(rollup.combine_series(got, bucket_ns=bucket_ns), want, magnitude=magnitude)
    factor = data.draw(st.sampled_from([1, 2, 5]))
    if bucket_ns * factor <= 2**62 and (times.size == 0 or
                                        times[valid if valid is not None else slice(None)].min(initial=0) >=
                                        rollup_ref.min_bucket_time(bucket_ns * factor)):
        coarse = bucket_ns * factor
        assert_same(rollup.combine(got, bucket_ns=coarse), rollup_ref.combine(got, bucket_ns=coarse),
                    magnitude=rollup_ref.aggregate(times, np.abs(vals), valid, bucket_ns=coarse).sum)


# -- RollupBatch -------------------------------------------------------------------------------

@pytest.mark.parametrize("n", [0, 1, 7, 8, 3600])
def test_bytes_round_trip(n):
    rng = np.random.default_rng(n)
    times = np.sort(rng.integers(-10 * H, 10 * H, n))
    b = rollup.aggregate(times, gen_values(rng, n, special=True), bucket_ns=S)
    data = b.to_bytes()
    for buf in (data, memoryview(bytearray(data))):
        back = RollupBatch.from_bytes(buf)
        assert back.equals(b) and back.bucket_ns == S
        for name in FIELDS:
            assert getattr(back, name).dtype == getattr(b, name).dtype
    with pytest.raises(InvalidArgument):
        RollupBatch.from_bytes(b"junk" * 10)
    if n >= 8:  # compressed payload cut short or damaged
        with pytest.raises(InvalidArgument):
            RollupBatch.from_bytes(data[:len(data) // 2])
        with pytest.raises(InvalidArgument):
            RollupBatch.from_bytes(data[:30] + bytes(len(data) - 30))


def test_regular_seconds_compress_well():
    t = np.arange(3600, dtype=np.int64) * S
    b = rollup.aggregate(t, np.sin(np.arange(3600)), bucket_ns=S)
    assert len(b.to_bytes()) < 0.7 * 3600 * 80


def test_slice_is_inclusive():
    b = rollup.aggregate(np.arange(10) * 10, np.arange(10.0), bucket_ns=10)
    assert b.slice(20, 50).start.tolist() == [20, 30, 40, 50]
    assert b.slice(21, 49).start.tolist() == [30, 40]
    assert b.slice(None, 15).start.tolist() == [0, 10]
    assert b.slice(85, None).start.tolist() == [90]
    assert len(b.slice(60, 50)) == 0
    assert len(b.slice(-2**70, 2**70)) == 10


def test_threads_share_the_kernel():
    """The loops run without the GIL; concurrent calls give the same answers."""
    rng = np.random.default_rng(7)
    times = rng.permutation(np.arange(200_000, dtype=np.int64) * 10**7)
    values = rng.normal(size=times.size)
    want = rollup.aggregate(times, values, bucket_ns=S)
    results, errors = [], []

    def work():
        try:
            for _ in range(5):
                results.append(rollup.aggregate(times, values, bucket_ns=S))
        except Exception as ex:  # noqa: BLE001
            errors.append(ex)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors and len(results) == 20
    for r in results:
        assert r.equals(want)


@pytest.mark.parametrize("seed", range(6))
def test_reduce_kernel_directly_on_sorted_records(seed):
    """The wrapper skips the kernel for disjoint sorted runs; the kernel must agree anyway."""
    rng = np.random.default_rng(400 + seed)
    fine = [1, S, M][seed % 3]
    n = int(rng.integers(1, 9000))
    b = rollup_ref.aggregate(gen_times(rng, n, "sorted", fine), gen_values(rng, n, special=True), bucket_ns=fine)
    for coarse in (fine, 3 * fine, 60 * fine):
        got = RollupBatch(coarse, *kernels.reduce(b.arrays(), bucket_ns=coarse))
        assert_same(got, rollup_ref.combine([b], bucket_ns=coarse), rtol=1e-12,
                    magnitude=np.abs(rollup_ref.combine([b], bucket_ns=coarse).sum) + 1e6)
