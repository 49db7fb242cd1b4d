"""Segments: one acknowledged write batch, stored as-is until compaction files it into blocks.

Why: an ingest batch (10,000 TSBS lines) touches thousands of series with a few
points each; encoding a block per series per request would cost far more than
parsing.  A request therefore commits one compressed segment (the parser's flat
columnar arrays, already grouped into local series and columns) plus a small
index entry; the engine process later merges many segments into per-series
blocks.  Queries read blocks plus the pending segments that hold their series.

Payload layout::

    header '<IIIIIIBB' n_series, n_points, n_values, n_cols, raw_size, n_strings,
                      count width code, column width code
    columns: per column '<HB' name length, type, then the name (UTF-8)
    zstd( point_series i32 | point_time i64 | values per point (narrowed) |
          value_col (narrowed) | value_bits i64 | string lengths i32 | string bytes )

Values are stored in point order, so a per-point count replaces a per-value point
index (PERF: the raw payload, and so the zstd time, shrinks by ~40% on TSBS).

Index entry (``segidx``)::

    '<IIqq' space_id, n_series, min_time, max_time | series ids u64[n_series] |
    measurement ids u32[n_series]
"""
import struct
from dataclasses import dataclass

import numpy as np

from . import codec
from . import fieldtypes as ft

_HEAD = struct.Struct("<IIIIIIBB")
_COL = struct.Struct("<HB")
_IDX = struct.Struct("<IIqq")


@dataclass
class Segment:
    """Decoded flat arrays of one segment (series and columns are local indexes)."""

    point_series: np.ndarray
    point_time: np.ndarray
    value_point: np.ndarray
    value_col: np.ndarray
    value_bits: np.ndarray
    columns: list          # [(name: str, type: int)]
    strings: list          # [bytes] (or str when building): STRING and BINARY payloads


def encode_segment(seg: Segment) -> bytes:
    vp = seg.value_point
    order = None
    if vp.size > 1 and np.any(vp[1:] < vp[:-1]):
        order = np.argsort(vp, kind="stable")
    vcol, vbits = seg.value_col, seg.value_bits
    if order is not None:
        vp, vcol, vbits = vp[order], vcol[order], vbits[order]
    n_points = seg.point_series.size
    count_code, counts = codec.narrow_ints(np.bincount(vp, minlength=n_points).astype(np.int64))
    col_code, cols_narrow = codec.narrow_ints(vcol.astype(np.int64))
    str_bytes = [s if isinstance(s, (bytes, bytearray)) else s.encode("utf-8") for s in seg.strings]
    lengths = np.fromiter(map(len, str_bytes), dtype=np.int32, count=len(str_bytes))
    raw = b"".join([
        seg.point_series.astype(np.int32, copy=False).tobytes(),
        seg.point_time.astype(np.int64, copy=False).tobytes(),
        counts.tobytes(),
        cols_narrow.tobytes(),
        vbits.astype(np.int64, copy=False).tobytes(),
        lengths.tobytes(),
        *str_bytes,
    ])
    n_series = int(seg.point_series.max()) + 1 if n_points else 0
    cols = b"".join(_COL.pack(len(n.encode()), t) + n.encode() for n, t in seg.columns)
    head = _HEAD.pack(n_series, n_points, vp.size, len(seg.columns), len(raw), len(str_bytes),
                      count_code, col_code)
    return head + cols + codec.compress(raw)


def decode_segment(data) -> Segment:
    n_series, n_points, n_values, n_cols, raw_size, n_strings, count_code, col_code = _HEAD.unpack_from(data, 0)
    pos = _HEAD.size
    columns = []
    for _ in range(n_cols):
        ln, ftype = _COL.unpack_from(data, pos)
        pos += _COL.size
        columns.append((bytes(data[pos:pos + ln]).decode("utf-8"), ftype))
        pos += ln
    raw = codec.decompress(bytes(data[pos:]), raw_size)
    point_series = np.frombuffer(raw, dtype=np.int32, count=n_points, offset=0)
    off = 4 * n_points
    point_time = np.frombuffer(raw, dtype=np.int64, count=n_points, offset=off)
    off += 8 * n_points
    counts, off = codec.widen_ints(count_code, raw, n_points, off)
    value_col, off = codec.widen_ints(col_code, raw, n_values, off)
    value_bits = np.frombuffer(raw, dtype=np.int64, count=n_values, offset=off)
    off += 8 * n_values
    lengths = np.frombuffer(raw, dtype=np.int32, count=n_strings, offset=off)
    off += 4 * n_strings
    strings = []
    for n in lengths.tolist():
        strings.append(raw[off:off + n])
        off += n
    value_point = np.repeat(np.arange(n_points, dtype=np.int32), counts)
    return Segment(point_series, point_time, value_point, value_col.astype(np.int32), value_bits, columns, strings)


def encode_index(space_id, series_ids, measurement_ids, min_time, max_time) -> bytes:
    return (_IDX.pack(space_id, len(series_ids), min_time, max_time)
            + np.asarray(series_ids, dtype=np.uint64).tobytes()
            + np.asarray(measurement_ids, dtype=np.uint32).tobytes())


@dataclass
class SegmentIndex:
    space_id: int
    min_time: int
    max_time: int
    series_ids: np.ndarray      # uint64 per local series
    measurement_ids: np.ndarray  # uint32 per local series


def decode_index(data) -> SegmentIndex:
    space_id, n, lo, hi = _IDX.unpack_from(data, 0)
    data = bytes(data)
    sids = np.frombuffer(data, dtype=np.uint64, count=n, offset=_IDX.size)
    mids = np.frombuffer(data, dtype=np.uint32, count=n, offset=_IDX.size + 8 * n)
    return SegmentIndex(space_id, lo, hi, sids, mids)


def column_values(ftype, bits: np.ndarray, strings) -> np.ndarray:
    """Turn stored 64-bit payloads of one column into typed values."""
    if ftype == ft.FLOAT:
        return bits.view(np.float64)
    if ftype == ft.INTEGER:
        return bits
    if ftype == ft.UNSIGNED:
        return bits.view(np.uint64)
    if ftype == ft.BOOLEAN:
        return bits != 0
    out = np.empty(bits.size, dtype=object)
    if ftype == ft.STRING:
        for i, k in enumerate(bits.tolist()):
            s = strings[k]
            out[i] = s.decode("utf-8", "replace") if isinstance(s, (bytes, bytearray)) else s
    else:
        for i, k in enumerate(bits.tolist()):
            out[i] = bytes(strings[k])
    return out


def rows_by_series(parts, wanted=None):
    """Group the points of several segments into one RowSet per series.

    ``parts`` is ``[(Segment, SegmentIndex)]`` in write (seq) order; ``wanted`` an
    optional array of series ids to keep.  Returns ``[(series_id, RowSet)]`` ordered
    by measurement then series id, each RowSet time-sorted with write order kept
    among equal times (not deduplicated: ``rows.sort_rows`` does that).

    PERF: one lexsort and one scatter per column over all points; the only Python
    loop is per (series, column present), which is unavoidable when building
    per-series objects.
    """
    from .rows import Column, RowSet

    col_ids, col_list = {}, []
    gids, mids, times, vpoint, vcol, vbits, strings = [], [], [], [], [], [], []
    n_points = 0
    for seg, idx in parts:
        cmap = np.empty(len(seg.columns), dtype=np.int32)
        for i, key in enumerate(seg.columns):
            cmap[i] = col_ids.setdefault(key, len(col_list))
            if cmap[i] == len(col_list):
                col_list.append(key)
        gids.append(idx.series_ids[seg.point_series])
        mids.append(idx.measurement_ids[seg.point_series])
        times.append(seg.point_time)
        vpoint.append(seg.value_point.astype(np.int64) + n_points)
        gcol = cmap[seg.value_col] if seg.value_col.size else seg.value_col
        vcol.append(gcol)
        bits = seg.value_bits
        if seg.strings:
            is_str = np.array([t in (ft.STRING, ft.BINARY) for _, t in seg.columns], dtype=bool)[seg.value_col]
            bits = bits.copy()
            bits[is_str] += len(strings)
            strings.extend(seg.strings)
        vbits.append(bits)
        n_points += seg.point_series.size
    if n_points == 0:
        return []
    gid = np.concatenate(gids)
    mid = np.concatenate(mids)
    ptime = np.concatenate(times)
    vpoint = np.concatenate(vpoint)
    vcol = np.concatenate(vcol)
    vbits = np.concatenate(vbits)

    if wanted is not None:
        keep = np.isin(gid, np.asarray(wanted, dtype=np.uint64))
        if not keep.any():
            return []
        newpos = np.cumsum(keep) - 1
        vkeep = keep[vpoint]
        vpoint, vcol, vbits = newpos[vpoint[vkeep]], vcol[vkeep], vbits[vkeep]
        gid, mid, ptime = gid[keep], mid[keep], ptime[keep]

    order = np.lexsort((ptime, gid, mid))
    prow = np.empty(order.size, dtype=np.int64)
    prow[order] = np.arange(order.size)
    gid, mid, ptime = gid[order], mid[order], ptime[order]
    vrow = prow[vpoint]
    vorder = np.argsort(vrow, kind="stable")
    vrow, vcol, vbits = vrow[vorder], vcol[vorder], vbits[vorder]

    series_starts = np.flatnonzero(np.concatenate(([True], gid[1:] != gid[:-1])))
    series_ends = np.append(series_starts[1:], gid.size)
    meas_starts = np.flatnonzero(np.concatenate(([True], mid[1:] != mid[:-1])))
    meas_ends = np.append(meas_starts[1:], mid.size)

    out = []
    for ma, mb in zip(meas_starts.tolist(), meas_ends.tolist()):
        va, vb = np.searchsorted(vrow, [ma, mb])
        r, c, b = vrow[va:vb] - ma, vcol[va:vb], vbits[va:vb]
        s_lo, s_hi = np.searchsorted(series_starts, [ma, mb])
        local_starts = series_starts[s_lo:s_hi] - ma
        dense = []
        for ci in np.unique(c).tolist():
            name, ftype = col_list[ci]
            sel = c == ci
            rows_c = r[sel]
            values = ft.empty_values(ftype, mb - ma)
            # equal (row, column) pairs cannot occur: the parser keeps one value per field per line
            values[rows_c] = column_values(ftype, b[sel], strings)
            valid = np.zeros(mb - ma, dtype=bool)
            valid[rows_c] = True
            counts = np.add.reduceat(valid.astype(np.int64), local_starts)
            dense.append((name, ftype, values, valid, counts))
        for k, (sa, sb) in enumerate(zip(series_starts[s_lo:s_hi].tolist(), series_ends[s_lo:s_hi].tolist())):
            a, bb = sa - ma, sb - ma
            columns = {}
            for name, ftype, values, valid, counts in dense:
                n = int(counts[k])
                if n == 0:
                    continue
                columns[name] = Column(ftype, values[a:bb], None if n == bb - a else valid[a:bb])
            out.append((int(gid[sa]), RowSet(ptime[sa:sb], columns)))
    return out
