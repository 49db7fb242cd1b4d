"""Growable column buffers of points, Go's time truncation, and ``Points`` as plain state.

Windows (``window.py``), batch ``groupBy`` and the stream-edge InfluxQL nodes hold points
between messages.  Kapacitor keeps a ring of point structs (kapacitor#1586: kilobytes per
point); ``ColumnBuffer`` keeps one growable array per column instead: 8 bytes of time, 4 of
series index, and per field 8 bytes of value and 1 of presence, with at most 1.5x slack.  Rows
leave from the front (a window purges its oldest points) and enter at the back, so the
buffer is a window ``[start, stop)`` over arrays that grow by half when full and slide down when
the dead front is larger than the live part.

``points_state``/``points_from_state`` turn a chunk into plain data (lists, dicts, numpy
arrays) for ``NodeRuntime.state()``.
"""
from __future__ import annotations

import numpy as np

from ..points import Dimensions, Field, Points, Series

# Go's time.Truncate works on the time since its zero time (year 1), not the Unix epoch.
GO_ZERO_TO_UNIX_NS = 62135596800 * 10**9


def go_truncate(t: int, d: int) -> int:
    """Go's ``time.Time.Truncate(d)`` on Unix nanoseconds (unchanged when ``d <= 0``)."""
    if d <= 0:
        return int(t)
    since_zero = int(t) + GO_ZERO_TO_UNIX_NS
    return int(t) - since_zero % d


def go_truncate_array(times: np.ndarray, d: int) -> np.ndarray:
    """``go_truncate`` of every time (the offset is reduced modulo ``d`` to stay in int64)."""
    if d <= 0:
        return times
    off = GO_ZERO_TO_UNIX_NS % d
    return times - np.mod(times + off, d)


def _all_true(mask: np.ndarray) -> bool:
    """``mask.all()``; PERF: short masks are checked faster in Python than by a numpy reduction."""
    return all(mask.tolist()) if len(mask) <= 64 else bool(mask.all())


class ColumnBuffer:
    """Points in arrival order as growable columns (see the module docstring)."""

    __slots__ = ("fields", "series", "series_index", "sid", "sparse", "start", "stop", "time")

    def __init__(self, capacity: int = 8):
        self.time = np.empty(capacity, dtype=np.int64)
        self.sid = np.empty(capacity, dtype=np.int32)
        self.fields = {}          # name -> (values, present) arrays of the buffer's capacity
        self.series = []          # local series table
        self.series_index = {}    # Series -> local index
        self.sparse = set()       # fields some appended row lacked (the others are on every row)
        self.start = 0
        self.stop = 0

    def __len__(self):
        return self.stop - self.start

    def nbytes(self) -> int:
        """Bytes held by the column arrays (what a buffered point costs, slack included)."""
        return self.time.nbytes + self.sid.nbytes + sum(v.nbytes + p.nbytes for v, p in self.fields.values())

    def _reserve(self, n: int) -> None:
        live = self.stop - self.start
        cap = len(self.time)
        if self.stop + n <= cap:
            return
        if self.start >= live:
            # mostly dead front (a sliding window): move the live rows to arrays with room for a
            # few more appends, so a window that keeps its size does not move at every append
            new_cap = max(cap, 3 * (live + n), 8)
        else:
            new_cap = max(live + n + (live + n) // 2, 8)   # growing: 1.5x, amortised O(1)
        s, e = self.start, self.stop
        time = np.empty(new_cap, dtype=np.int64)
        time[:live] = self.time[s:e]
        sid = np.empty(new_cap, dtype=np.int32)
        sid[:live] = self.sid[s:e]
        fields = {}
        for k, (v, p) in self.fields.items():
            nv = np.empty(new_cap, dtype=v.dtype) if v.dtype != object else np.full(new_cap, None, dtype=object)
            nv[:live] = v[s:e]
            npres = np.zeros(new_cap, dtype=bool)
            npres[:live] = p[s:e]
            if npres[:live].any():
                fields[k] = (nv, npres)
        self.time, self.sid, self.fields = time, sid, fields
        self.start, self.stop = 0, live
        self._compact_series()

    def _compact_series(self) -> None:
        if len(self.series) <= 8:
            return                   # a small table costs less than compacting it
        live_sids = np.unique(self.sid[self.start:self.stop])
        if len(live_sids) == len(self.series):
            return
        remap = np.full(max(len(self.series), 1), -1, dtype=np.int32)
        remap[live_sids] = np.arange(len(live_sids), dtype=np.int32)
        self.series = [self.series[i] for i in live_sids.tolist()]
        self.series_index = {s: i for i, s in enumerate(self.series)}
        self.sid[self.start:self.stop] = remap[self.sid[self.start:self.stop]]

    def append(self, pts: Points) -> None:
        n = pts.n
        if not n:
            return
        self._reserve(n)
        a, b = self.stop, self.stop + n
        self.time[a:b] = pts.time
        remap = np.zeros(len(pts.series), dtype=np.int32)
        # a chunk cut from a bigger one shares its series table: map only the series it uses
        if len(pts.series) <= 8:
            used = range(len(pts.series))
        else:
            used = set(pts.sid.tolist()) if n <= 256 else np.unique(pts.sid).tolist()
        for j in used:
            s = pts.series[j]
            k = self.series_index.get(s)
            if k is None:
                k = self.series_index[s] = len(self.series)
                self.series.append(s)
            remap[j] = k
        self.sid[a:b] = remap[pts.sid]
        cap = len(self.time)
        for k, f in pts.fields.items():
            col = self.fields.get(k)
            if col is None and a > 0:
                self.sparse.add(k)       # rows before this one lack the new field
            if col is None:
                dtype = f.values.dtype
                vals = np.full(cap, None, dtype=object) if dtype == object else np.zeros(cap, dtype=dtype)
                col = self.fields[k] = (vals, np.zeros(cap, dtype=bool))
            elif col[0].dtype is not f.values.dtype and col[0].dtype != f.values.dtype:
                vals = col[0].astype(object)
                vals[~col[1]] = None
                col = self.fields[k] = (vals, col[1])
            vals = f.values if col[0].dtype is f.values.dtype or col[0].dtype == f.values.dtype \
                else f.values.astype(object)
            col[0][a:b] = vals
            col[1][a:b] = f.present
            if k not in self.sparse and not _all_true(f.present):
                self.sparse.add(k)
        for k, (_, p) in self.fields.items():
            if k not in pts.fields:
                p[a:b] = False
                self.sparse.add(k)
        self.stop = b

    def times(self) -> np.ndarray:
        return self.time[self.start:self.stop]

    def drop_front(self, k: int) -> None:
        """Forget the ``k`` oldest-arrived rows.

        Rows are never written again once appended (a full buffer moves to new arrays), so the
        chunks ``points`` returned earlier stay valid: they are views, not copies.
        """
        self.start = min(self.start + int(k), self.stop)

    def purge_before(self, oldest: int, inclusive: bool, end: int | None = None) -> None:
        """Kapacitor's ``windowTimeBuffer.purge``: drop rows from the front while they are before
        ``oldest`` (``inclusive``: a row at ``oldest`` stays), stopping at the first row that stays.

        ``end`` (an absolute row position, default the end) limits the rows looked at: rows
        appended ahead of the window being emitted are never purged by it.
        """
        stop = self.stop if end is None else end
        t = self.time[self.start:stop]
        if len(t) <= 32:
            # PERF: a short window is scanned faster in Python than with three numpy calls
            first = len(t)
            for i, x in enumerate(t.tolist()):
                if (x >= oldest) if inclusive else (x > oldest):
                    first = i
                    break
        else:
            keep = t >= oldest if inclusive else t > oldest
            first = int(np.argmax(keep)) if keep.any() else len(t)
        self.drop_front(first)

    def points(self, db: str = "", rp: str = "", end: int | None = None) -> Points:
        """The live rows (up to the absolute position ``end``) as a chunk of read-only views;
        fields no such row has are left out."""
        s, e = self.start, (self.stop if end is None else end)
        fields = {}
        for k, (v, p) in self.fields.items():
            pres = p[s:e]
            if (e > s and k not in self.sparse) or pres.any():
                fields[k] = Field(v[s:e], pres)
        # the series list is only appended to or replaced, never changed in place: share it
        return Points(self.time[s:e], self.sid[s:e], self.series, fields, db, rp)

    # -- state --------------------------------------------------------------------------------

    def state(self) -> dict:
        return points_state(self.points())

    @classmethod
    def from_state(cls, state: dict) -> ColumnBuffer:
        buf = cls()
        buf.append(points_from_state(state))
        return buf


def series_state(s: Series) -> tuple:
    return (s.name, dict(s.tags), list(s.dims.tag_names), s.dims.by_name)


def series_from_state(t: tuple) -> Series:
    name, tags, tag_names, by_name = t
    return Series.make(name, dict(tags), Dimensions(tuple(tag_names), bool(by_name)))


def points_state(pts: Points) -> dict:
    """A chunk as plain data (series as tuples, fields as ``(values, present)`` arrays)."""
    return {"time": pts.time, "sid": pts.sid, "series": [series_state(s) for s in pts.series],
            "fields": {k: (f.values, f.present) for k, f in pts.fields.items()},
            "db": pts.db, "rp": pts.rp}


def points_from_state(d: dict) -> Points:
    return Points(np.asarray(d["time"], dtype=np.int64), np.asarray(d["sid"], dtype=np.int32),
                  [series_from_state(t) for t in d["series"]],
                  {k: Field(np.asarray(v), np.asarray(p, dtype=bool)) for k, (v, p) in d["fields"].items()},
                  d.get("db", ""), d.get("rp", ""))


def dims_state(d: Dimensions) -> tuple:
    return (list(d.tag_names), d.by_name)


def dims_from_state(t) -> Dimensions:
    return Dimensions(tuple(t[0]), bool(t[1]))


def group_indices(pts: Points) -> list:
    """``[(group id, Series of the group's first row, row indexes)]`` in order of first appearance.

    Like ``Points.groups`` but keeping the rows' positions in the chunk, so that a node can
    emit what several groups produce in the order Kapacitor would (the order of the rows that
    caused each emission).
    """
    if not pts.n:
        return []
    codes = {}
    series_code = np.empty(len(pts.series), dtype=np.int64)
    for j, s in enumerate(pts.series):
        series_code[j] = codes.setdefault(s.group, len(codes))
    if len(codes) == 1:
        return [(pts.series[0].group, pts.series[int(pts.sid[0])], np.arange(pts.n))]
    row_code = series_code[pts.sid]
    order = np.argsort(row_code, kind="stable")
    sorted_codes = row_code[order]
    bounds = np.flatnonzero(np.diff(sorted_codes)) + 1
    parts = np.split(order, bounds)
    parts.sort(key=lambda idx: int(idx[0]))
    return [(pts.series[int(pts.sid[idx[0]])].group, pts.series[int(pts.sid[idx[0]])], idx) for idx in parts]
