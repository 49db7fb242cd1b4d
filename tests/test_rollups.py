"""The rollup store (machstore.storage.rollups) on a real LMDB environment, against numpy over the raw rows."""
import numpy as np
import pytest

from machstore.storage import keys, rollup_ref, rollups
from machstore.engine import Engine
from machstore.errors import InvalidArgument
from machstore.storage.rollup import RollupBatch
from machstore.storage.rollup_ref import FIELDS

S, M, H, D = 10**9, 60 * 10**9, 3600 * 10**9, 86_400 * 10**9
T0 = 1_700_000_000 * S + 123_456_789  # not aligned to anything
QUERY_BUCKETS = [S, 5 * S, M, 5 * M, H, 3 * H]


@pytest.fixture
def eng(tmp_path):
    e = Engine(str(tmp_path / "data"), sync=False)
    yield e
    e.close()


def assert_close(got, want, *, magnitude):
    """Exact except sum/sumsq (rounding differs with the order of additions)."""
    assert got.bucket_ns == want.bucket_ns
    assert got.start.tolist() == want.start.tolist()
    for name in FIELDS:
        a, b = getattr(got, name), getattr(want, name)
        if name == "sum":
            np.testing.assert_allclose(a, b, rtol=0, atol=1e-9 * magnitude.max(initial=1.0))
        elif name == "sumsq":
            np.testing.assert_allclose(a, b, rtol=1e-9)
        else:
            assert np.array_equal(a, b), name


def reference(rows, lo, hi, bucket_ns):
    """numpy over the raw rows (in write order) -> buckets of ``bucket_ns`` with start in [lo, hi]."""
    times = np.concatenate([t for t, _, _ in rows]) if rows else np.empty(0, np.int64)
    values = np.concatenate([v for _, v, _ in rows]) if rows else np.empty(0)
    valid = np.concatenate([m for _, _, m in rows]) if rows else np.empty(0, bool)
    want = rollup_ref.aggregate(times, values, valid, bucket_ns=bucket_ns).slice(lo, hi)
    magnitude = rollup_ref.aggregate(times, np.abs(values), valid, bucket_ns=bucket_ns).slice(lo, hi).sum
    return want, magnitude


def gen_rows(rng, n, *, span, kind):
    if kind == "sorted":
        t = T0 + np.sort(rng.integers(0, span, n))
    elif kind == "dups":
        t = T0 + rng.integers(0, 50, n) * (span // 50)
    else:
        t = T0 + rng.integers(0, span, n)
    values = np.round(rng.normal(size=n) * 100, 3)
    valid = rng.random(n) < 0.9
    return t.astype(np.int64), values, valid


def write(eng, sid, t, v, m):
    with eng.env.begin() as txn:
        puts = rollups.plan_update(txn, eng.dbs, sid, t, v, m)
    with eng.env.begin(write=True) as txn:
        rollups.apply(txn, eng.dbs, puts)
    return puts


def stored(eng, sid, res):
    with eng.env.begin() as txn:
        parts = rollups.read(txn, eng.dbs, sid, res, -2**63, 2**63 - 1)
    return rollups.rollup.combine(parts, bucket_ns=res.bucket_ns)


# -- layout ----------------------------------------------------------------------------------

def test_sub_database_is_declared():
    assert rollups.DB in keys.DATABASES


def test_key_layout_orders_by_series_resolution_time():
    ks = [rollups.rollup_key(sid, code, t) for sid in (1, 2) for code in (0, 1, 2) for t in (-5 * H, 0, 7 * H)]
    assert ks == sorted(ks)
    assert all(len(k) == 17 for k in ks)
    assert rollups.parse_rollup_key(rollups.rollup_key(7, 2, -30 * D)) == (7, 2, -30 * D)
    assert rollups.rollup_key(1, 0, 0)[:9] == keys.u64(1) + b"\x00"


def test_resolutions_nest():
    for fine, coarse in zip(rollups.RESOLUTIONS, rollups.RESOLUTIONS[1:]):
        assert coarse.bucket_ns % fine.bucket_ns == 0
    for res in rollups.RESOLUTIONS:
        assert res.chunk_ns % res.bucket_ns == 0 and res.chunk_ns // res.bucket_ns <= 720


@pytest.mark.parametrize("bucket_ns, name", [(S, "sec"), (5 * S, "sec"), (90 * S, "sec"), (M, "min"),
                                             (5 * M, "min"), (H, "hour"), (3 * H, "hour"), (D, "hour")])
def test_resolution_for(bucket_ns, name):
    assert rollups.resolution_for(bucket_ns).name == name


@pytest.mark.parametrize("bucket_ns", [0, -S, S // 2, 1500 * 10**6])
def test_resolution_for_rejects_sub_second(bucket_ns):
    with pytest.raises(InvalidArgument):
        rollups.resolution_for(bucket_ns)


def test_chunks_hold_their_span(eng):
    rng = np.random.default_rng(1)
    t, v, m = gen_rows(rng, 20000, span=3 * D, kind="random")
    puts = write(eng, 5, t, v, m)
    assert len({k for k, _ in puts}) == len(puts)
    for key, value in puts:
        sid, code, chunk = rollups.parse_rollup_key(key)
        res = rollups.RESOLUTIONS[code]
        b = RollupBatch.from_bytes(value)
        assert sid == 5 and b.bucket_ns == res.bucket_ns and chunk % res.chunk_ns == 0
        assert (b.start >= chunk).all() and (b.start < chunk + res.chunk_ns).all()


# -- updates ------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["sorted", "random", "dups"])
@pytest.mark.parametrize("order", ["in_order", "out_of_order", "overlapping"])
def test_incremental_updates_equal_one_aggregate(eng, kind, order):
    rng = np.random.default_rng(hash((kind, order)) % 2**32)
    t, v, m = gen_rows(rng, 30000, span=2 * D + 5 * H, kind=kind)
    if order == "in_order":
        idx = np.argsort(t, kind="stable")
        t, v, m = t[idx], v[idx], m[idx]
        batches = np.array_split(np.arange(t.size), 7)
    elif order == "out_of_order":
        idx = np.argsort(t, kind="stable")
        t, v, m = t[idx], v[idx], m[idx]
        batches = np.array_split(np.arange(t.size), 9)
        rng.shuffle(batches)
    else:  # random batches of random rows, sizes from 1 to thousands
        cuts = np.sort(rng.choice(np.arange(1, t.size), 12, replace=False))
        batches = np.split(rng.permutation(t.size), cuts)
    written = []
    for idx in batches:
        write(eng, 42, t[idx], v[idx], m[idx])
        written.append((t[idx], v[idx], m[idx]))
    for res in rollups.RESOLUTIONS:
        want, magnitude = reference(written, None, None, res.bucket_ns)
        assert_close(stored(eng, 42, res), want, magnitude=magnitude)


def test_single_rows_one_at_a_time(eng):
    rng = np.random.default_rng(3)
    t, v, m = gen_rows(rng, 300, span=3 * H, kind="dups")
    written = []
    for i in range(t.size):
        write(eng, 1, t[i:i + 1], v[i:i + 1], m[i:i + 1])
        written.append((t[i:i + 1], v[i:i + 1], m[i:i + 1]))
    for res in rollups.RESOLUTIONS:
        want, magnitude = reference(written, None, None, res.bucket_ns)
        assert_close(stored(eng, 1, res), want, magnitude=magnitude)


def test_nulls_only_and_empty_plan_nothing(eng):
    with eng.env.begin() as txn:
        assert rollups.plan_update(txn, eng.dbs, 1, [T0, T0 + 1], [1.0, 2.0], [False, False]) == []
        assert rollups.plan_update(txn, eng.dbs, 1, np.empty(0, np.int64), np.empty(0)) == []


def test_times_before_1970_and_before_min_time(eng):
    t = np.array([-5 * D - 1, -1, 0, rollups.MIN_TIME - 1, -2**63])
    v = np.array([1.0, 2.0, 3.0, 100.0, 200.0])
    write(eng, 9, t, v, None)
    got = stored(eng, 9, rollups.HOUR)
    assert got.start.tolist() == [-5 * D - H, -H, 0]
    assert got.sum.tolist() == [1.0, 2.0, 3.0]
    with eng.env.begin() as txn:
        q = rollups.query(txn, eng.dbs, [9], -2**63, 2**63 - 1, bucket_ns=D)
    assert q.start.tolist() == [-6 * D, -D, 0] and q.count.tolist() == [1, 1, 1]


def test_integer_values(eng):
    write(eng, 2, np.array([T0, T0 + S]), np.array([3, 4], dtype=np.int64), None)
    assert stored(eng, 2, rollups.MIN).sum.tolist() == [7.0]


# -- queries ------------------------------------------------------------------------------------

@pytest.fixture
def three_series(eng):
    """Three tags with different densities, written in a few out-of-order batches."""
    rng = np.random.default_rng(11)
    written = {}
    for sid, n, kind in ((10, 40000, "random"), (11, 5000, "sorted"), (12, 800, "dups")):
        t, v, m = gen_rows(rng, n, span=D + 7 * H, kind=kind)
        written[sid] = []
        for idx in np.array_split(rng.permutation(n), 5):
            write(eng, sid, t[idx], v[idx], m[idx])
            written[sid].append((t[idx], v[idx], m[idx]))
    return written


@pytest.mark.parametrize("bucket_ns", QUERY_BUCKETS)
@pytest.mark.parametrize("tags", [[10], [12], [10, 11], [10, 11, 12], [12, 10]])
def test_query_equals_numpy_over_raw_rows(eng, three_series, bucket_ns, tags):
    rng = np.random.default_rng(bucket_ns % 1000 + len(tags))
    for _ in range(4):
        start = T0 + int(rng.integers(-H, D))
        end = start + int(rng.integers(0, 10 * H))
        with eng.env.begin() as txn:
            got = rollups.query(txn, eng.dbs, tags, start, end, bucket_ns=bucket_ns)
        lo = start // bucket_ns * bucket_ns
        hi = end // bucket_ns * bucket_ns + bucket_ns - 1
        want, magnitude = reference([r for sid in tags for r in three_series[sid]], lo, hi, bucket_ns)
        assert len(got) > 0
        assert_close(got, want, magnitude=magnitude)
        assert lo <= got.start[0] and got.start[-1] <= hi  # whole buckets of [start, end] only


def test_query_whole_buckets_hand_checked(eng):
    # tag 1: rows at 0:00:10, 0:04:59, 0:05:00 (NULL), 0:07:00; tag 2: 0:04:59 (tie), 0:11:00
    base = 1_000_000 * H
    write(eng, 1, base + np.array([10 * S, 299 * S, 300 * S, 420 * S]), np.array([1.0, 5.0, 99.0, 2.0]),
          np.array([True, True, False, True]))
    write(eng, 2, base + np.array([299 * S, 660 * S]), np.array([7.0, -1.0]), None)
    with eng.env.begin() as txn:
        q = rollups.query(txn, eng.dbs, [1, 2], base + 200 * S, base + 601 * S, bucket_ns=5 * M)
    assert q.start.tolist() == [base, base + 5 * M, base + 10 * M]
    assert q.count.tolist() == [3, 1, 1]
    assert q.sum.tolist() == [13.0, 2.0, -1.0]
    assert q.min.tolist() == [1.0, 2.0, -1.0] and q.max.tolist() == [7.0, 2.0, -1.0]
    assert q.sumsq.tolist() == [75.0, 4.0, 1.0]
    assert q.first.tolist() == [1.0, 2.0, -1.0] and q.first_time.tolist() == [base + 10 * S, base + 420 * S,
                                                                                base + 660 * S]
    # 0:04:59 is tied between the tags: the later series in the list wins ``last``
    assert q.last.tolist() == [7.0, 2.0, -1.0] and q.last_time[0] == base + 299 * S
    with eng.env.begin() as txn:
        q = rollups.query(txn, eng.dbs, [2, 1], base, base, bucket_ns=5 * M)
    assert q.last.tolist() == [5.0]


def test_query_empty_ranges(eng, three_series):
    with eng.env.begin() as txn:
        assert len(rollups.query(txn, eng.dbs, [10], T0 - 10 * D, T0 - 9 * D, bucket_ns=M)) == 0
        assert len(rollups.query(txn, eng.dbs, [999], T0, T0 + D, bucket_ns=M)) == 0
        assert len(rollups.query(txn, eng.dbs, [], T0, T0 + D, bucket_ns=M)) == 0
        assert len(rollups.query(txn, eng.dbs, [10], T0 + D, T0, bucket_ns=H)) == 0
        with pytest.raises(InvalidArgument):
            rollups.query(txn, eng.dbs, [10], T0, T0 + D, bucket_ns=S // 10)
        whole = rollups.query(txn, eng.dbs, [10], -2**63, 2**63 - 1, bucket_ns=D)
    assert whole.count.sum() == sum(m.sum() for _, _, m in three_series[10])


def test_query_with_a_zero_copy_transaction(eng, three_series):
    with eng.env.begin() as txn:
        want = rollups.query(txn, eng.dbs, [10, 11], T0, T0 + D, bucket_ns=M)
    with eng.env.begin(buffers=True) as txn:
        got = rollups.query(txn, eng.dbs, [10, 11], T0, T0 + D, bucket_ns=M)
    assert got.equals(want)  # and it outlives the transaction


# -- deletes ------------------------------------------------------------------------------------

def test_delete_series(eng, three_series):
    with eng.env.begin(write=True) as txn:
        n = rollups.delete_series(txn, eng.dbs, 11)
        assert n > 0
        assert rollups.delete_series(txn, eng.dbs, 11) == 0
        assert rollups.delete_series(txn, eng.dbs, 12345) == 0
    with eng.env.begin() as txn:
        assert len(rollups.query(txn, eng.dbs, [11], T0, T0 + 2 * D, bucket_ns=M)) == 0
        got = rollups.query(txn, eng.dbs, [10, 11, 12], T0, T0 + 2 * D, bucket_ns=H)
    want, magnitude = reference(three_series[10] + three_series[12], T0 // H * H, T0 + 2 * D, H)
    assert_close(got, want, magnitude=magnitude)


def test_delete_last_series_in_database(eng):
    write(eng, 2**64 - 1, np.array([T0]), np.array([1.0]), None)
    with eng.env.begin(write=True) as txn:
        assert rollups.delete_series(txn, eng.dbs, 2**64 - 1) == 3
        assert txn.stat(eng.dbs[rollups.DB])["entries"] == 0


@pytest.mark.parametrize("bucket_ns, origin, res", [(D, -9 * H, "hour"), (H, 30 * M, "min"), (5 * M, 7 * S, "sec"),
                                                    (3 * H, 3 * H + 1 * H, "hour"), (M, 0, "min")])
def test_query_with_origin(eng, three_series, bucket_ns, origin, res):
    b = bucket_ns
    assert rollups.resolution_for(np.gcd(b, origin % b) if origin % b else b).name == res
    start, end = T0 + 2 * H + 5, T0 + D - 3
    with eng.env.begin() as txn:
        got = rollups.query(txn, eng.dbs, [10, 12], start, end, bucket_ns=b, origin=origin)
    o = origin % b
    lo = (start - o) // b * b + o
    hi = (end - o) // b * b + o + b - 1
    rows = [(t - o, v, m) for sid in (10, 12) for t, v, m in three_series[sid]]
    want, magnitude = reference(rows, lo - o, hi - o, b)
    want = rollups._shift(want, o)
    assert len(got) > 0 and ((got.start - o) % b == 0).all()
    assert_close(got, want, magnitude=magnitude)


def test_query_with_sub_second_origin_is_rejected(eng):
    with eng.env.begin() as txn, pytest.raises(InvalidArgument):
        rollups.query(txn, eng.dbs, [1], T0, T0 + D, bucket_ns=M, origin=S // 2)


def test_delete_before(eng, three_series):
    cut = T0 + 10 * H + 17 * M + 5 * S + 3
    before = {res.name: stored(eng, 10, res) for res in rollups.RESOLUTIONS}
    with eng.env.begin() as txn:
        other = rollups.query(txn, eng.dbs, [11], T0 - D, T0 + 3 * D, bucket_ns=M)
    with eng.env.begin(write=True) as txn:
        n = rollups.delete_before(txn, eng.dbs, 10, cut)
    assert n == sum(int((b.start < cut).sum()) for b in before.values()) > 0
    for res in rollups.RESOLUTIONS:
        after = stored(eng, 10, res)
        assert after.equals(before[res.name].slice(cut, None))
        assert after.start.min() >= cut
    with eng.env.begin() as txn:
        assert rollups.query(txn, eng.dbs, [11], T0 - D, T0 + 3 * D, bucket_ns=M).equals(other)
    with eng.env.begin(write=True) as txn:
        assert rollups.delete_before(txn, eng.dbs, 10, cut) == 0
        rollups.delete_before(txn, eng.dbs, 10, T0 + 10 * D)
        assert len(rollups.read(txn, eng.dbs, 10, rollups.SEC, -2**63, 2**63 - 1)) == 0
        assert txn.get(rollups.rollup_key(10, 0, 0), db=eng.dbs[rollups.DB]) is None


# -- queries by unit (Machbase's calculated statistics) ---------------------------------------------

def unit_reference(rows, start, end, unit_ns, bucket_ns):
    """The rule in plain words: rows whose ``unit_ns`` unit starts in [start, end], in ``bucket_ns`` buckets."""
    kept = []
    for t, v, m in rows:
        unit_start = t // unit_ns * unit_ns
        keep = (unit_start >= start) & (unit_start <= end)
        kept.append((t[keep], v[keep], m[keep]))
    return reference(kept, -2**63, 2**63 - 1, bucket_ns)


@pytest.mark.parametrize("unit_ns, n", [(S, 1), (S, 5), (S, 60), (M, 1), (M, 5), (M, 60), (H, 1), (H, 3)])
def test_query_units_equals_numpy_over_raw_rows(eng, three_series, unit_ns, n):
    rng = np.random.default_rng(unit_ns % 997 + n)
    tags = [10, 11, 12]
    for aligned in (False, True):  # bounds off the unit (partial edge units) and on the bucket
        for _ in range(3):
            start = T0 + int(rng.integers(-H, D))
            end = start + int(rng.integers(n * unit_ns, 10 * H))
            if aligned:
                start, end = start // (n * unit_ns) * (n * unit_ns), end // (n * unit_ns) * (n * unit_ns)
            with eng.env.begin() as txn:
                got = rollups.query_units(txn, eng.dbs, tags, start, end, unit_ns=unit_ns, bucket_ns=n * unit_ns)
            want, magnitude = unit_reference([r for sid in tags for r in three_series[sid]], start, end, unit_ns,
                                             n * unit_ns)
            assert len(got) > 0
            assert_close(got, want, magnitude=magnitude)


def test_query_units_hand_checked(eng):
    # rows at 0:00:10, 0:04:59, 0:05:30, 0:06:10, 0:07:00 (minutes from an hour boundary)
    base = 1_000_000 * H
    write(eng, 1, base + np.array([10, 299, 330, 370, 420]) * S, np.array([1.0, 2.0, 3.0, 4.0, 5.0]), None)
    with eng.env.begin() as txn:
        def q(start_s, end_s, unit_ns=M, bucket_ns=5 * M):
            b = rollups.query_units(txn, eng.dbs, [1], base + start_s * S, base + end_s * S, unit_ns=unit_ns,
                                    bucket_ns=bucket_ns)
            return list(zip(((b.start - base) // S).tolist(), b.sum.tolist()))
        assert q(0, 360) == [(0, 3.0), (300, 7.0)]          # End 0:06:00 takes the 0:06 minute (0:06:10)
        assert q(0, 359) == [(0, 3.0), (300, 3.0)]          # End 0:05:59 does not
        assert q(5, 360) == [(0, 2.0), (300, 7.0)]          # Start 0:00:05 drops the 0:00 minute (0:00:10)
        assert q(10, 360, unit_ns=S) == [(0, 3.0), (300, 3.0)]  # in sec units 0:00:10 is its own unit's start
        assert q(301, 359) == []                            # no minute starts in 0:05:01 .. 0:05:59
        assert q(300, 300) == [(300, 3.0)]                  # Start = End = a unit's start: that unit
        assert q(0, 3600, unit_ns=H, bucket_ns=H) == [(0, 15.0)]
        assert q(1, 3600, unit_ns=H, bucket_ns=H) == []     # the hour holding Start starts before it


def test_query_units_rejects_bad_units(eng):
    with eng.env.begin() as txn:
        for unit_ns, bucket_ns in ((M, 90 * S), (0, M), (S // 2, S)):
            with pytest.raises(InvalidArgument):
                rollups.query_units(txn, eng.dbs, [1], T0, T0 + D, unit_ns=unit_ns, bucket_ns=bucket_ns)
    assert rollups.unit_bounds(10 * S + 1, 20 * S, S) == (11 * S, 21 * S - 1)
    assert rollups.unit_bounds(10 * S, 10 * S - 1, S) == (10 * S, 10 * S - 1)  # End before Start: nothing
