"""``window()``: stream points to batches, per group, on the data's own time (``window.go``).

Time windows (``.period(d)``): each group keeps its points in arrival order and a *next emit*
time, set from the group's first point (``t + every``, truncated to ``every`` with ``.align()``;
``t + period`` with ``.fillPeriod()``, then aligned up past that).  With ``every > 0`` a point at
or after the next emit time first emits the window ``[nextEmit - period, nextEmit)`` (purged
from the front, so a late point that arrived after a kept one stays in), then is buffered; the
next emit time becomes *that point's* time plus ``every``.  With ``every == 0`` the point is
buffered first and every point not before the last emit emits ``(t - period, t]``.
Count windows (``.periodCount(n).everyCount(m)``) emit the last ``n`` points every ``m``
points (the first after ``m``, or after ``n`` with ``.fillPeriod()``).  A window never emits
on wall-clock time; a barrier acts on a time window like a point that is not buffered.

Columns: a time window with ``every > 0`` keeps all its groups in one ``TimePool``
(``window_pool.py``) and turns a chunk into one ``Batches`` message (the windows of all groups,
in the order of the rows that caused them), late points included.  Otherwise (a field changing
type, a window far longer than a chunk, ``every == 0``, count windows) the chunk's rows are split by
group; within a group, the rows that trigger emissions are found with one cumulative max and
``searchsorted``, so the Python loop runs once per emitted window, not per point, and the
emissions of all groups are sent in the order of the rows that caused them, as Kapacitor's
point-by-point run would.
"""
from __future__ import annotations

from bisect import bisect_left

import numpy as np

from ..node import NodeCreateError, NodeRuntime, runtime_for
from ..points import Batch, Points, Series
from .buffer import ColumnBuffer, dims_from_state, dims_state, go_truncate, group_indices
from .window_pool import TimePool

# after a chunk the pool could not take, this many chunks go the per-group way before it is tried again
_POOL_RETRY = 8


class _Window:
    """One group's window state (common part)."""

    def __init__(self, name, group, tags, dims):
        self.name, self.group, self.tags, self.dims = name, group, tags, dims
        self.buf = ColumnBuffer()

    def batch(self, tmax: int, pts: Points) -> Batch:
        return Batch(self.name, self.group, self.tags, self.dims, int(tmax), pts)


class _TimeWindow(_Window):
    def __init__(self, name, group, tags, dims, first_time, node):
        super().__init__(name, group, tags, dims)
        self.period, self.every, self.align = node.period, node.every, node.align
        t = int(first_time)
        if node.fill_period:
            nxt = t + self.period
            if self.align:
                first_period = nxt
                nxt = go_truncate(nxt, self.every)
                if not nxt > first_period:
                    nxt += self.every      # the first few points are dropped
        else:
            nxt = t + self.every
            if self.align:
                nxt = go_truncate(nxt, self.every)
        self.next_emit = nxt

    def _advance(self, t: int) -> None:
        nxt = t + self.every
        self.next_emit = go_truncate(nxt, self.every) if self.align else nxt

    def run(self, pts: Points, db: str, rp: str) -> list:
        """Buffer ``pts`` (one group's rows, arrival order); ``[(row, Batch)]`` emitted.

        The rows are appended at once; each emission looks only at the buffer up to the row
        that triggers it (``end``), which is exactly what the buffer held at that point.
        """
        out = []
        t = pts.time
        n = pts.n
        buf = self.buf
        buf.append(pts)
        base = buf.stop - n          # append may have moved the rows (base is absolute)
        if self.every == 0:
            # right-closed windows: every point not before the last emit emits (t - period, t]
            prev_max = np.maximum.accumulate(t)
            before = np.empty(n, dtype=np.int64)
            before[0] = self.next_emit
            if n > 1:
                before[1:] = np.maximum(prev_max[:-1], self.next_emit)
            for j in np.flatnonzero(t >= before).tolist():
                tj = int(t[j])
                buf.purge_before(tj - self.period, inclusive=False, end=base + j + 1)
                out.append((j, self.batch(tj, buf.points(db, rp, end=base + j + 1))))
                self.next_emit = tj
            return out
        # left-closed windows [nextEmit - period, nextEmit): the point is buffered after emitting
        running = np.maximum.accumulate(t).tolist()
        while True:
            j = bisect_left(running, self.next_emit)
            if j >= n:
                break
            buf.purge_before(self.next_emit - self.period, inclusive=True, end=base + j)
            out.append((j, self.batch(self.next_emit, buf.points(db, rp, end=base + j))))
            self._advance(int(t[j]))
        return out

    def barrier(self, when: int, db: str, rp: str):
        """A barrier at ``when``: the batch it releases, or None."""
        if when < self.next_emit:
            return None
        if self.every == 0:
            self.buf.purge_before(when - self.period, inclusive=False)
            b = self.batch(when, self.buf.points(db, rp))
            self.next_emit = when
            return b
        self.buf.purge_before(self.next_emit - self.period, inclusive=True)
        b = self.batch(self.next_emit, self.buf.points(db, rp))
        self._advance(when)
        return b

    def state(self) -> dict:
        return {"kind": "time", "name": self.name, "group": self.group, "tags": dict(self.tags),
                "dims": dims_state(self.dims), "next_emit": self.next_emit, "buf": self.buf.state()}

    def restore(self, st: dict) -> None:
        self.next_emit = int(st["next_emit"])
        self.buf = ColumnBuffer.from_state(st["buf"])


class _CountWindow(_Window):
    def __init__(self, name, group, tags, dims, node):
        super().__init__(name, group, tags, dims)
        self.period, self.every = node.period_count, node.every_count
        self.next_emit = self.period if node.fill_period else self.every
        self.count = 0

    def run(self, pts: Points, db: str, rp: str) -> list:
        out = []
        n = pts.n
        counts = self.count + np.arange(1, n + 1, dtype=np.int64)
        if self.every > 0:
            hit = (counts >= self.next_emit) & ((counts - self.next_emit) % self.every == 0)
        else:
            hit = counts == self.next_emit
        done = 0
        for j in np.flatnonzero(hit).tolist():
            self._push(pts.take(np.arange(done, j + 1)))
            done = j + 1
            self.next_emit += self.every
            b = self.buf.points(db, rp)
            out.append((j, self.batch(int(b.time[-1]), b)))
        if done < n:
            self._push(pts if done == 0 else pts.take(np.arange(done, n)))
        self.count += n
        return out

    def _push(self, pts):
        self.buf.append(pts)
        extra = len(self.buf) - self.period
        if extra > 0:
            self.buf.drop_front(extra)

    def state(self) -> dict:
        return {"kind": "count", "name": self.name, "group": self.group, "tags": dict(self.tags),
                "dims": dims_state(self.dims), "next_emit": self.next_emit, "count": self.count,
                "buf": self.buf.state()}

    def restore(self, st: dict) -> None:
        self.next_emit, self.count = int(st["next_emit"]), int(st["count"])
        self.buf = ColumnBuffer.from_state(st["buf"])


@runtime_for("WindowNode")
class WindowRuntime(NodeRuntime):
    def __init__(self, pnode, task):
        super().__init__(pnode, task)
        p = self.props
        self.period, self.every = int(p.get("Period", 0)), int(p.get("Every", 0))
        self.period_count, self.every_count = int(p.get("PeriodCount", 0)), int(p.get("EveryCount", 0))
        self.align, self.fill_period = bool(p.get("AlignFlag")), bool(p.get("FillPeriodFlag"))
        if self.period == 0 and self.period_count == 0:
            raise NodeCreateError("window node must have either a non zero period or non zero period count")
        self.windows = {}   # group id -> _TimeWindow | _CountWindow, in creation order
        # all groups in columns (time windows with every > 0); when set, ``windows`` is empty
        self.pool = None
        self.pool_ok = self.period > 0 and self.every > 0
        self.pool_wait = 0

    def _pool_params(self) -> dict:
        return {"period": self.period, "every": self.every, "align": self.align, "fill_period": self.fill_period}

    def _to_pool(self) -> TimePool:
        if self.pool is None:
            self.pool = TimePool.from_windows(self.windows, **self._pool_params())
            self.windows = {}
        return self.pool

    def _pool_windows(self) -> dict:
        """The pool's groups as per-group windows (the pool itself is left as it is)."""
        def make(bg):
            return _TimeWindow(bg.name, bg.group, bg.tags, bg.dims, 0, self)
        return self.pool.to_windows(make)

    def _to_windows(self) -> None:
        if self.pool is not None:
            self.windows = self._pool_windows()
            self.pool = None

    def _window(self, group, series, first_time):
        w = self.windows.get(group)
        if w is None:
            tags, dims = series.group_tags(), series.dims
            if self.period:
                w = _TimeWindow(series.name, group, tags, dims, first_time, self)
            else:
                w = _CountWindow(series.name, group, tags, dims, self)
            self.windows[group] = w
            self.stats.cardinality = len(self.windows)
        return w

    def points(self, pts, port):
        if self.pool_ok:
            if self.pool_wait:
                self.pool_wait -= 1
            elif self.pool is None and not TimePool.fits(sum(len(w.buf) for w in self.windows.values()), pts.n):
                self.pool_wait = _POOL_RETRY
            else:
                bs = self._to_pool().advance(pts)
                if bs is not None:
                    self.stats.cardinality = len(self.pool)
                    self.emit_batches(bs)
                    return
                self.pool_wait = _POOL_RETRY
            self._to_windows()
        emitted = []
        for group, series, idx in group_indices(pts):
            part = pts if len(idx) == pts.n else pts.take(idx)
            w = self._window(group, series, part.time[0])
            for j, b in w.run(part, pts.db, pts.rp):
                emitted.append((int(idx[j]), b))
        if len(emitted) > 1:
            emitted.sort(key=lambda e: e[0])
        for _, b in emitted:
            self.emit_batch(b)

    def barrier(self, msg, port):
        self._to_windows()
        w = self.windows.get(msg.group)
        if w is None:
            # the grouped consumer creates the group from the barrier (no name, its time)
            w = self._window(msg.group, Series("", dict(msg.tags), msg.dims, msg.group), msg.time)
        if isinstance(w, _CountWindow):
            self.emit_barrier(msg)
            return
        b = w.barrier(int(msg.time), "", "")
        if b is not None:
            self.emit_batch(b)

    def delete_group(self, msg, port):
        self._to_windows()
        if self.windows.pop(msg.group, None) is not None:
            self.stats.cardinality = len(self.windows)
            self.emit_delete(msg)

    def state(self):
        windows = self._pool_windows() if self.pool is not None else self.windows
        return [w.state() for w in windows.values()] or None

    def restore(self, state):
        self.windows, self.pool = {}, None
        for st in state or []:
            dims = dims_from_state(st["dims"])
            series = Series(st["name"], dict(st["tags"]), dims, st["group"])
            w = self._window(st["group"], series, 0)
            w.restore(st)
        self.stats.cardinality = len(self.windows)
