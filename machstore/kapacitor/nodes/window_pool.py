"""The columnar state of a grouped time window: every group's buffer in one chunk.

``window.go`` keeps one buffer and one next-emit time per group and handles a point at a time;
with thousands of groups (``groupBy('host')``) nearly every point closes its group's window, and
one Python object per group and per emitted batch costs far more than the points.  ``TimePool``
keeps all groups' buffered rows in one ``Points`` chunk sorted by group (a group's rows
contiguous, in arrival order), the next-emit times in one int64 array, and turns a whole chunk
into one ``Batches`` message: group codes by series, one stable sort, the trigger scan kernel
(``window_kernel.trigger_scan``) and array slicing.

Within a group the rows stay in arrival order, as in Kapacitor's buffer: the kernel purges from
the front with a pointer (while older than ``nextEmit - period``), so a late point stays behind
newer ones and goes out with the next windows exactly as ``window.go`` sends it, and a window is
still a slice.  ``advance`` returns None (nothing changed) only when a field changes type or the
pool is much larger than the chunk; the window node then runs the chunk per group
(``window.py``); ``from_windows``/``to_windows`` move the state between the two forms.
"""
from __future__ import annotations

import numpy as np

from ..points import Batches, BatchGroup, Field, Points, concat
from .buffer import ColumnBuffer, go_truncate_array
from .window_kernel import trigger_scan


def _ranges(lo: np.ndarray, hi: np.ndarray):
    """``(positions, starts)``: the concatenation of ``arange(lo[k], hi[k])`` and its offsets."""
    sizes = hi - lo
    starts = np.zeros(len(sizes) + 1, dtype=np.int64)
    np.cumsum(sizes, out=starts[1:])
    total = int(starts[-1])
    pos = np.repeat(lo - starts[:-1], sizes) + np.arange(total, dtype=np.int64)
    return pos, starts


def _filler(f: Field, n: int) -> Field:
    dtype = f.values.dtype
    vals = np.full(n, None, dtype=object) if dtype == object else np.zeros(n, dtype=dtype)
    return Field(vals, np.zeros(n, dtype=bool))


def _join(held: Points, pts: Points) -> Points:
    """The buffered rows then the chunk's, as one chunk whose fields keep their types (the
    caller checked that a field both have has one dtype).  PERF: unlike ``points.concat`` the
    two series tables are put end to end, not merged (``_compact`` drops what is unused)."""
    fields = {}
    for k in {**held.fields, **pts.fields}:
        a, b = held.fields.get(k), pts.fields.get(k)
        a = a if a is not None else _filler(b, held.n)
        b = b if b is not None else _filler(a, pts.n)
        fields[k] = Field(np.concatenate((a.values, b.values)), np.concatenate((a.present, b.present)))
    sid = np.concatenate((held.sid, pts.sid.astype(np.int32) + np.int32(len(held.series))))
    return Points(np.concatenate((held.time, pts.time)), sid, held.series + pts.series, fields, pts.db, pts.rp)


def _compact(pts: Points) -> Points:
    """``pts`` with a series table of only the series its rows use (chunks bring new ``Series``
    objects, so a carried table would otherwise grow with every chunk)."""
    if len(pts.series) <= 2 * max(pts.n, 4):
        return pts
    used = np.unique(pts.sid)
    remap = np.zeros(len(pts.series), dtype=np.int32)
    remap[used] = np.arange(len(used), dtype=np.int32)
    return pts.with_series([pts.series[i] for i in used.tolist()], remap[pts.sid])


class TimePool:
    """All groups of one time window (``every > 0``) in columns (see the module docstring)."""

    def __init__(self, *, period: int, every: int, align: bool, fill_period: bool):
        self.period, self.every, self.align, self.fill_period = period, every, align, fill_period
        self.meta = []                                  # BatchGroup per group, creation order
        self.index = {}                                 # group id -> group code
        self.next_emit = np.empty(0, dtype=np.int64)
        self.rows = Points.empty()                      # buffered rows, sorted by group
        self.code = np.empty(0, dtype=np.int64)         # group code of each buffered row

    def __len__(self):
        return len(self.meta)

    @staticmethod
    def fits(buffered: int, incoming: int) -> bool:
        """Whether a pool holding ``buffered`` rows should take a chunk of ``incoming`` rows.

        PERF: a long window holds far more rows than a chunk brings; rewriting them all for
        every chunk would cost more than the per-group buffers, which append in place.
        """
        return buffered <= 8 * incoming + 65536

    def first_next_emit(self, t: np.ndarray) -> np.ndarray:
        """A new group's next-emit time from its first point's (``newWindowByTime``)."""
        if self.fill_period:
            nxt = t + self.period
            if self.align:
                first_period = nxt
                nxt = go_truncate_array(nxt, self.every)
                nxt = np.where(nxt > first_period, nxt, nxt + self.every)
            return nxt
        nxt = t + self.every
        return go_truncate_array(nxt, self.every) if self.align else nxt

    def _codes(self, pts: Points):
        """Row group codes (new groups numbered after the known ones, by first row) and the
        new groups' ``(BatchGroup, first time)``."""
        known = len(self.meta)
        new = {}
        get = self.index.get
        codes = [get(s.group, -1) for s in pts.series]
        if -1 in codes:
            codes = [k if k >= 0 else known + new.setdefault(s.group, len(new)) for k, s in zip(codes, pts.series)]
        row_code = np.array(codes, dtype=np.int64)[pts.sid]
        if not new:
            return row_code, []
        n = pts.n
        is_new = row_code >= known
        first = np.full(len(new), n, dtype=np.int64)
        np.minimum.at(first, row_code[is_new] - known, np.flatnonzero(is_new))
        seen = first < n                                 # series of the table no row uses: no group
        order = np.argsort(first, kind="stable")[: int(seen.sum())]
        rank = np.full(len(new), -1, dtype=np.int64)
        rank[order] = np.arange(len(order))
        row_code[is_new] = known + rank[row_code[is_new] - known]
        made = []
        for r in first[order].tolist():
            s = pts.series[int(pts.sid[r])]
            made.append((BatchGroup(s.name, s.group, s.group_tags(), s.dims), int(pts.time[r])))
        return row_code, made

    def advance(self, pts: Points):
        """Run a chunk: the ``Batches`` it emits (possibly empty), or None when a field changes
        type or the pool is much larger than the chunk (nothing changed then)."""
        if not self.fits(self.rows.n, pts.n):
            return None
        row_code, made = self._codes(pts)
        for k, f in pts.fields.items():
            held = self.rows.fields.get(k)
            if held is not None and held.values.dtype != f.values.dtype:
                return None
        buffered = self.rows.n
        if buffered:
            comb = _join(self.rows, pts)
            codes = np.concatenate((self.code, row_code))
        else:
            comb, codes = pts, row_code
        ngroups = len(self.meta) + len(made)
        order = np.argsort(codes, kind="stable")
        sorted_codes = codes[order]
        times = comb.time[order]
        seg_start = np.searchsorted(sorted_codes, np.arange(ngroups + 1))
        first_new = seg_start[:-1] + np.bincount(self.code, minlength=ngroups)[:ngroups]
        next_emit = self.next_emit
        if made:
            first_t = np.array([t for _, t in made], dtype=np.int64)
            next_emit = np.concatenate((next_emit, self.first_next_emit(first_t)))
        else:
            next_emit = next_emit.copy()
        hi, lo, tmax, grp, keep = trigger_scan(times, seg_start, first_new, next_emit,
                                               period=self.period, every=self.every, align=self.align)
        # commit: new groups, next-emit times, the rows every group keeps
        for bg, _ in made:
            self.index[bg.group] = len(self.meta)
            self.meta.append(bg)
        self.next_emit = next_emit
        kept, _ = _ranges(keep, seg_start[1:])
        self.rows = _compact(comb.take(order[kept]))
        self.code = sorted_codes[kept]
        # emit in the order of the triggering rows (each trigger is its own row: no ties)
        by_row = np.argsort(order[hi], kind="stable")
        hi, lo, tmax, grp = hi[by_row], lo[by_row], tmax[by_row], grp[by_row]
        pos, starts = _ranges(lo, hi)
        out = comb.take(order[pos])
        out.db, out.rp = pts.db, pts.rp
        return Batches(out, starts, grp, self.meta, tmax)

    # -- moving between this form and per-group windows ----------------------------------------

    def segments(self):
        """``[(code, rows of the group as a Points)]`` for every group, in creation order."""
        bounds = np.searchsorted(self.code, np.arange(len(self.meta) + 1))
        return [(k, self.rows.take(slice(int(bounds[k]), int(bounds[k + 1]))))
                for k in range(len(self.meta))]

    @classmethod
    def from_windows(cls, windows: dict, **params) -> TimePool:
        """The pool holding exactly the groups, next-emit times and buffers of ``windows``."""
        pool = cls(**params)
        parts, codes = [], []
        for k, w in enumerate(windows.values()):
            pool.index[w.group] = k
            pool.meta.append(BatchGroup(w.name, w.group, w.tags, w.dims))
            held = w.buf.points()
            if held.n:
                parts.append(held)
                codes.append(np.full(held.n, k, dtype=np.int64))
        pool.next_emit = np.array([w.next_emit for w in windows.values()], dtype=np.int64)
        if parts:
            pool.rows = concat(parts)
            pool.code = np.concatenate(codes)
        return pool

    def to_windows(self, make_window) -> dict:
        """``{group id: window}`` with ``make_window(BatchGroup)`` given this pool's buffers."""
        out = {}
        for k, held in self.segments():
            bg = self.meta[k]
            w = make_window(bg)
            w.next_emit = int(self.next_emit[k])
            w.buf = ColumnBuffer(max(held.n, 8))       # exactly the rows held: no growth slack yet
            w.buf.append(held)
            out[bg.group] = w
        return out
