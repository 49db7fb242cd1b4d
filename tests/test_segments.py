"""Segment encoding and the grouping of many segments into per-series rows."""
import numpy as np

from machstore.storage import fieldtypes as ft
from machstore.storage import segments


def make_segment(rng, n_points, n_series, *, shuffle_values=False):
    point_series = rng.integers(0, n_series, n_points).astype(np.int32)
    point_series[:n_series] = np.arange(n_series)  # every local series has a point
    point_time = rng.integers(0, 50, n_points).astype(np.int64)
    columns = [("f", ft.FLOAT), ("i", ft.INTEGER), ("s", ft.STRING)]
    vp, vc, vb = [], [], []
    strings = []
    for p in range(n_points):
        for c in range(3):
            if rng.random() < 0.7:
                vp.append(p)
                vc.append(c)
                if c == 0:
                    vb.append(int(np.array([rng.random()]).view(np.int64)[0]))
                elif c == 1:
                    vb.append(int(rng.integers(-1000, 1000)))
                else:
                    strings.append(f"s{p}é")
                    vb.append(len(strings) - 1)
    vp, vc, vb = np.array(vp, dtype=np.int32), np.array(vc, dtype=np.int32), np.array(vb, dtype=np.int64)
    if shuffle_values:
        perm = rng.permutation(vp.size)
        vp, vc, vb = vp[perm], vc[perm], vb[perm]
    return segments.Segment(point_series, point_time, vp, vc, vb, columns, strings)


def triples(seg):
    """(point, column, payload) set: order-independent content of a segment."""
    return sorted(zip(seg.value_point.tolist(), seg.value_col.tolist(), seg.value_bits.tolist()))


def test_round_trip_including_unsorted_values():
    rng = np.random.default_rng(1)
    for shuffle in (False, True):
        seg = make_segment(rng, 300, 7, shuffle_values=shuffle)
        out = segments.decode_segment(segments.encode_segment(seg))
        assert out.point_series.tolist() == seg.point_series.tolist()
        assert out.point_time.tolist() == seg.point_time.tolist()
        assert out.columns == seg.columns and out.strings == [s.encode() for s in seg.strings]
        assert triples(out) == triples(seg)


def test_index_round_trip():
    idx = segments.decode_index(segments.encode_index(3, [5, 2**63 + 1], [7, 8], -5, 9))
    assert (idx.space_id, idx.min_time, idx.max_time) == (3, -5, 9)
    assert idx.series_ids.tolist() == [5, 2**63 + 1] and idx.measurement_ids.tolist() == [7, 8]


def test_rows_by_series_matches_reference():
    rng = np.random.default_rng(2)
    parts = []
    for k in range(3):
        seg = segments.decode_segment(segments.encode_segment(make_segment(rng, 200, 5)))
        gids = np.array([10, 20, 30, 40, 50], dtype=np.uint64)[rng.permutation(5)]
        parts.append((seg, segments.SegmentIndex(1, 0, 50, gids, (gids // 20).astype(np.uint32))))
    got = dict(segments.rows_by_series(parts))
    # reference: walk every point in write order
    expected = {}
    for seg, idx in parts:
        for p in range(seg.point_series.size):
            gid = int(idx.series_ids[seg.point_series[p]])
            fields = {}
            for v in np.flatnonzero(seg.value_point == p).tolist():
                name, ftype = seg.columns[seg.value_col[v]]
                bits = seg.value_bits[v:v + 1]
                fields[name] = segments.column_values(ftype, bits, seg.strings)[0]
            expected.setdefault(gid, []).append((int(seg.point_time[p]), fields))
    assert set(got) == set(expected)
    for gid, rows in expected.items():
        rows.sort(key=lambda r: r[0])  # stable: write order among equal times
        rs = got[gid]
        assert rs.times.tolist() == [t for t, _ in rows]
        for name in ("f", "i", "s"):
            col = rs.columns.get(name)
            values = [None] * len(rs) if col is None else [
                col.values[i] if col.valid_mask(len(rs))[i] else None for i in range(len(rs))]
            assert values == [f.get(name) for _, f in rows], (gid, name)
    only = segments.rows_by_series(parts, wanted=[30])
    assert [g for g, _ in only] == [30] and only[0][1].times.tolist() == got[30].times.tolist()
