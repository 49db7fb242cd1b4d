"""Block codec, summaries and row merging against plain-Python references on random data."""
import numpy as np
import pytest

from machstore.storage import blocks
from machstore.storage import fieldtypes as ft
from machstore.storage.rows import Column, RowSet, concat, sort_rows


def random_rows(rng, n, *, nulls=True):
    times = np.sort(rng.integers(-10**12, 10**18, n)).astype(np.int64)
    cols = {
        "f": Column(ft.FLOAT, rng.normal(size=n) * 1e6),
        "i": Column(ft.INTEGER, rng.integers(-2**63, 2**63 - 1, n, dtype=np.int64)),
        "small": Column(ft.INTEGER, np.cumsum(rng.integers(-2, 3, n)).astype(np.int64)),
        "u": Column(ft.UNSIGNED, rng.integers(0, 2**64 - 1, n, dtype=np.uint64)),
        "b": Column(ft.BOOLEAN, rng.random(n) < 0.5),
        "s": Column(ft.STRING, np.array(["", "é", "a b", "x" * 300], dtype=object)[rng.integers(0, 4, n)]),
        "bin": Column(ft.BINARY, np.array([b"", b"\x00\xff", bytes(range(256))], dtype=object)[rng.integers(0, 3, n)]),
    }
    if nulls:
        for name in ("f", "u", "s", "bin"):
            cols[name].valid = rng.random(n) < 0.7
    return RowSet(times, cols)


def assert_rows_equal(a, b):
    assert a.times.tolist() == b.times.tolist()
    assert set(a.columns) == set(b.columns)
    for name, ca in a.columns.items():
        cb = b.columns[name]
        n = len(a)
        va, vb = ca.valid_mask(n), cb.valid_mask(n)
        assert va.tolist() == vb.tolist(), name
        assert ca.values[va].tolist() == cb.values[vb].tolist(), name


@pytest.mark.parametrize("n", [1, 2, 7, 1000, 8192])
@pytest.mark.parametrize("nulls", [False, True])
def test_block_round_trip(n, nulls):
    rows = random_rows(np.random.default_rng(n), n, nulls=nulls)
    assert_rows_equal(blocks.decode_block(blocks.encode_block(rows)), rows)


def test_all_null_and_all_valid_masks():
    t = np.arange(5, dtype=np.int64)
    rows = RowSet(t, {"none": Column(ft.FLOAT, np.zeros(5), np.zeros(5, dtype=bool)),
                      "all": Column(ft.INTEGER, np.arange(5), np.ones(5, dtype=bool))})
    assert_rows_equal(blocks.decode_block(blocks.encode_block(rows)), rows)


def test_floats_bit_exact_including_nan_and_inf():
    v = np.array([0.0, -0.0, np.nan, np.inf, -np.inf, 5e-324, 1.7976931348623157e308])
    rows = RowSet(np.arange(v.size, dtype=np.int64), {"f": Column(ft.FLOAT, v)})
    out = blocks.decode_block(blocks.encode_block(rows)).columns["f"].values
    assert out.view(np.uint64).tolist() == v.view(np.uint64).tolist()


def test_tsbs_shaped_block_is_small():
    rng = np.random.default_rng(1)
    n = 8192
    t = 1451606400 * 10**9 + np.arange(n, dtype=np.int64) * 10 * 10**9
    cols = {f"usage_{k}": Column(ft.INTEGER, np.clip(50 + np.cumsum(rng.normal(size=n)), 0, 100).astype(np.int64))
            for k in range(10)}
    size = len(blocks.encode_block(RowSet(t, cols)))
    assert size / (n * 10) < 1.0  # bytes per value; the goal is <= 3


def test_summary_matches_numpy():
    rng = np.random.default_rng(3)
    rows = random_rows(rng, 500)
    s = blocks.decode_summary(blocks.summarize(rows))
    assert (s.n_rows, s.min_time, s.max_time) == (500, rows.times[0], rows.times[-1])
    for name in ("f", "i", "u"):
        col = rows.columns[name]
        mask = col.valid_mask(500)
        v, t = col.values[mask], rows.times[mask]
        cs = s.columns[name]
        assert cs.count == v.size
        assert (cs.min, cs.max, cs.first, cs.last) == (v.min(), v.max(), v[0], v[-1])
        assert cs.min_time == t[np.argmin(v)] and cs.max_time == t[np.argmax(v)]
        assert cs.first_time == t[0] and cs.last_time == t[-1]
        assert cs.sum == pytest.approx(float(np.sum(v, dtype=np.float64)))
    assert s.columns["s"].count == int(rows.columns["s"].valid.sum())


def reference_merge(parts, dedup):
    """Row-at-a-time oracle: sort by time (stable), last valid value per field wins if dedup."""
    rows = []
    for p in parts:
        for i in range(len(p)):
            rows.append((int(p.times[i]), {k: c.values[i] for k, c in p.columns.items() if c.valid_mask(len(p))[i]}))
    rows.sort(key=lambda r: r[0])
    if not dedup:
        return rows
    out = {}
    for t, f in rows:
        out.setdefault(t, {}).update(f)
    return sorted(out.items())


@pytest.mark.parametrize("dedup", [True, False])
def test_concat_and_sort_rows_match_reference(dedup):
    rng = np.random.default_rng(5)
    parts = []
    for k in range(4):
        n = int(rng.integers(1, 40))
        t = rng.integers(0, 30, n).astype(np.int64)
        cols = {"a": Column(ft.INTEGER, rng.integers(0, 100, n), rng.random(n) < 0.6)}
        if k % 2:
            cols["b"] = Column(ft.FLOAT, rng.random(n))
        parts.append(RowSet(t, cols))
    got = sort_rows(concat(parts), dedup=dedup)
    expected = reference_merge(parts, dedup)
    assert got.times.tolist() == [t for t, _ in expected]
    for name in ("a", "b"):
        col = got.columns[name]
        mask = col.valid_mask(len(got))
        assert [col.values[i] if mask[i] else None for i in range(len(got))] == [f.get(name) for _, f in expected]
