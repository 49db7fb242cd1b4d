"""The InfluxQL function nodes (``influxql.go``, ``pipeline/influxql.go``): ``mean``, ``top``...

One runtime for every ``InfluxQLNode``, by ``Method``:

* on a **batch** edge each batch of a group is reduced (``count``/``sum`` also reduce an empty
  batch, as 0);
* on a **stream** edge the points of one group with one timestamp are reduced together and
  the result is emitted when a point with another time arrives;
* ``elapsed``, ``difference``, ``movingAverage``, ``cumulativeSum`` (stream transformations)
  keep their reducer per group across points on a stream edge (per batch on a batch edge) and
  emit after every point that gives a value.

The reducer's type comes from the first point of a reduction that has the field (a point
without it is an error: *failed to realize reduce context from fields*); later points of another
type, or without the field, are errors and are left out.  Output: one point on a stream edge
(``count``...), or a batch (``distinct``, ``top``, ``bottom``, ``holtWinters``): field ``.as()``
(default the method), the group's tags (a selector's point keeps its own tags and other
fields), the batch time or, with ``.usePointTimes()``, the chosen point's.
"""
from __future__ import annotations

import numpy as np

from machstore.tick.gocompat import go_quote

from ..node import NodeCreateError, NodeRuntime, runtime_for
from ..points import Batch, Field, Points, Series, column, concat
from .buffer import ColumnBuffer, dims_from_state, dims_state, group_indices
from .reducers import KIND_GO, REDUCERS, TRANSFORMS
from .segments import SEGMENT_METHODS, reduce_segments

_CODE_KIND = {1: "f", 2: "i", 3: "s", 4: "b"}
_DTYPE_CODE = {"f": 1, "i": 2, "b": 4}


def row_kinds(pts: Points, name: str) -> np.ndarray:
    """Per row: 0 when the field is missing, else 1 float, 2 int, 3 string, 4 bool."""
    f = pts.fields.get(name)
    if f is None:
        return np.zeros(pts.n, dtype=np.int8)
    code = _DTYPE_CODE.get(f.values.dtype.kind)
    if code is not None:
        return np.where(f.present, code, 0).astype(np.int8)
    out = np.zeros(pts.n, dtype=np.int8)
    for i in np.flatnonzero(f.present).tolist():
        v = f.values[i]
        out[i] = 4 if isinstance(v, bool) else 2 if isinstance(v, int) else 1 if isinstance(v, float) else 3
    return out


def typed_values(pts: Points, name: str, rows: np.ndarray, kind: str) -> np.ndarray:
    vals = pts.fields[name].values
    if len(rows) != len(vals):
        vals = vals[rows]
    if vals.dtype == object:
        dtype = {"f": np.float64, "i": np.int64, "b": np.bool_, "s": object}[kind]
        return vals.astype(dtype)
    return vals


class _Group:
    """One group's reduction state (what Kapacitor's ``influxqlGroup`` holds)."""

    __slots__ = ("dims", "kind", "name", "pending", "series", "state", "tags", "time")

    def __init__(self, name, tags, dims, time):
        self.name, self.tags, self.dims, self.time = name, tags, dims, int(time)
        self.pending = None     # ColumnBuffer of the current time's points (stream reductions)
        self.kind = None        # realized reducer kind (stream transformations on a stream edge)
        self.state = None       # transformation state
        self.series = None      # output Series cache


@runtime_for("InfluxQLNode")
class InfluxQLRuntime(NodeRuntime):
    def __init__(self, pnode, task):
        super().__init__(pnode, task)
        p = self.props
        self.method = p["Method"]
        self.field = p["Field"]
        self.as_ = p.get("As") or self.method
        self.args = list(p.get("Args") or [])
        self.transform = self.method in TRANSFORMS
        if self.transform:
            self.kinds = TRANSFORMS[self.method]
            self.reduce, self.selector, self.empty_ok = None, False, False
        elif self.method in REDUCERS:
            self.reduce, self.kinds, self.selector, self.empty_ok = REDUCERS[self.method]
        else:
            raise NodeCreateError(f"unknown InfluxQL function {self.method}")
        # holtWinters sets PointTimes itself (pipeline/influxql.go), the transformations always use them
        self.point_times = bool(p.get("PointTimes")) or self.transform or self.method == "holtWinters"
        self.provides_batch = pnode.provides == "batch"
        if self.method == "elapsed" and self.args and int(self.args[0]) == 0:
            raise NodeCreateError("elapsed unit must be a non zero duration")
        self.groups = {}

    # -- realizing the reducer and choosing the rows it aggregates ----------------------------

    def _choose_rows(self, pts: Points, kind, agg_error: str):
        """``(kind, rows)``: the realized kind (None if no point realized it) and the rows
        aggregated, logging Kapacitor's error for every other row.  ``kind`` given: already realized."""
        f = pts.fields.get(self.field)
        if f is not None and f.values.dtype != object:
            # PERF: a typed column present on every row: one kind, every row aggregated
            k = f.values.dtype.kind
            if (kind is None or kind == k) and k in self.kinds and f.present.all():
                return k, np.arange(pts.n)
        codes = row_kinds(pts, self.field)
        start = 0
        if kind is None:
            ok_codes = [c for c, k in _CODE_KIND.items() if k in self.kinds]
            realizable = np.isin(codes, ok_codes)
            if not realizable.any():
                for c in codes.tolist():
                    self._realize_error(c)
                return None, np.empty(0, dtype=np.int64)
            start = int(np.argmax(realizable))
            for c in codes[:start].tolist():
                self._realize_error(c)
            kind = _CODE_KIND[int(codes[start])]
        want = {"f": 1, "i": 2, "s": 3, "b": 4}[kind]
        rest = codes[start:]
        good = rest == want
        if not good.all():
            for i in np.flatnonzero(~good).tolist():
                c = int(rest[i])
                if c == 0:
                    self.error(f"{agg_error}: field {self.field} missing from point cannot aggregate")
                else:
                    got = KIND_GO[_CODE_KIND[c]]
                    self.error(f"{agg_error}: field {self.field} has wrong type: got {got} exp {KIND_GO[kind]}")
        return kind, start + np.flatnonzero(good)

    def _realize_error(self, code: int):
        if code == 0:
            err = f"field {go_quote(self.field)} missing from point"
        else:
            go = KIND_GO[_CODE_KIND[code]]
            err = (f"invalid influxql func {self.method} with field {self.field}: "
                   f"cannot apply {self.method} to {go} field")
        self.error(f"failed to realize reduce context from fields: {err}")

    # -- reductions ------------------------------------------------------------------------

    def _reduce(self, g: _Group, pts: Points, kind, rows, batch_time: int):
        """Emit the reduction of ``rows`` of ``pts`` (kind realized) for group ``g``."""
        if kind is None:
            kind, rows = "f", np.empty(0, dtype=np.int64)   # Kapacitor assumes float64
        vals = typed_values(pts, self.field, rows, kind) if len(rows) else np.empty(0, dtype=np.float64)
        times = pts.time[rows]
        if not len(rows) and self.method not in ("count", "sum", "distinct", "top", "bottom",
                                                 "holtWinters", "percentile", "mean", "stddev", "spread"):
            # InfluxDB's reducer dereferences a nil point here (a Go panic in Kapacitor)
            self.error(f"failed to emit: {self.method} of no points")
            return None
        out = self.reduce(vals, times, kind, self.args)
        if self.provides_batch:
            return self._batch_out(g, pts, rows, out, batch_time)
        if len(out) != 1:
            return None
        return self._point_out(g, pts, rows, out[0], batch_time)

    def _time(self, t, batch_time):
        return batch_time if (not self.point_times or t is None) else t

    def _point_out(self, g, pts, rows, ap, batch_time) -> Points:
        t, value, row = ap
        when = self._time(t, batch_time)
        if self.selector:
            i = int(rows[row])
            s = pts.series_of(i)
            fields = pts.row_fields(i)
            if self.as_ != self.field:
                fields[self.as_] = fields.pop(self.field)
            s = Series.make(g.name, s.tags, g.dims)
            return Points.from_rows([(when, s, fields)], pts.db, pts.rp)
        return Points(np.array([when], dtype=np.int64), np.zeros(1, dtype=np.int32), [self._series(g)],
                      {self.as_: _one(value)}, pts.db, pts.rp)

    def _series(self, g: _Group) -> Series:
        """The group's output series (name, group tags, dimensions), made once per name."""
        s = g.series
        if s is None or s.name != g.name:
            s = g.series = Series.make(g.name, g.tags, g.dims)
        return s

    def _batch_out(self, g, pts, rows, out, batch_time) -> Batch:
        tmax = batch_time
        items = []
        group_series = Series.make(g.name, g.tags, g.dims)
        for t, value, row in out:
            when = self._time(t, batch_time)
            if row is not None:
                tags = {**g.tags, **pts.series_of(int(rows[row])).tags}
                s = Series.make(g.name, tags, g.dims)
            else:
                s = group_series
            items.append((when, s, {self.as_: value}))
            tmax = max(tmax, when)
        group = Series.make(g.name, g.tags, g.dims).group
        return Batch(g.name, group, dict(g.tags), g.dims, tmax, Points.from_rows(items, pts.db, pts.rp))

    # -- stream edge -------------------------------------------------------------------------

    def _group(self, group, series, time) -> _Group:
        g = self.groups.get(group)
        if g is None:
            g = self.groups[group] = _Group(series.name, series.group_tags(), series.dims, time)
            self.stats.cardinality = len(self.groups)
        return g

    def points(self, pts, port):
        emitted = []
        if self.transform:
            outs, rows = [], []
            for group, series, idx in group_indices(pts):
                part = pts if len(idx) == pts.n else pts.take(idx)
                g = self._group(group, series, part.time[0])
                out_rows, out = self._transform_points(g, part)
                if out.n:
                    outs.append(out)
                    rows.append(idx[out_rows])
            if outs:
                out = concat(outs) if len(outs) > 1 else outs[0]
                if len(outs) > 1:   # Kapacitor emits point by point: arrival order
                    out = out.take(np.argsort(np.concatenate(rows), kind="stable"))
                self.emit_points(out)
            return
        for group, series, idx in group_indices(pts):
            part = pts if len(idx) == pts.n else pts.take(idx)
            g = self._group(group, series, part.time[0])
            for j, out in self._reduce_points(g, part):
                emitted.append((int(idx[j]), out))
        if len(emitted) > 1:
            emitted.sort(key=lambda e: e[0])
        for _, out in emitted:
            if isinstance(out, Batch):
                self.emit_batch(out)
            else:
                self.emit_points(out)

    def _reduce_points(self, g: _Group, part: Points) -> list:
        """Points of equal time reduced together, emitted when another time arrives."""
        out = []
        t = part.time
        change = np.flatnonzero(t != np.concatenate(([g.time], t[:-1])))
        done = 0
        for j in change.tolist():
            if j > done:
                self._pend(g, part.take(np.arange(done, j)))
            res = self._flush(g)
            if res is not None:
                out.append((j, res))
            g.name, g.time, g.pending = part.series_of(j).name, int(t[j]), None
            done = j
        if done < part.n:
            self._pend(g, part if done == 0 else part.take(np.arange(done, part.n)))
        return out

    def _pend(self, g, pts):
        if g.pending is None:
            g.pending = ColumnBuffer()
        g.pending.append(pts)

    def _flush(self, g):
        if g.pending is None or not len(g.pending):
            return None
        pts = g.pending.points()
        kind, rows = self._choose_rows(pts, None, "failed to aggregate point")
        if kind is None:
            return None                      # no point realized a reducer: nothing to emit
        return self._reduce(g, pts, kind, rows, g.time)

    # -- stream transformations ---------------------------------------------------------------

    def _transform_points(self, g: _Group, part: Points) -> list:
        kind_before = g.kind
        kind, rows = self._choose_rows(part, g.kind, "failed to aggregate point")
        if kind is None:
            return []
        g.kind = kind
        first = 0
        if kind_before is None:
            first = int(rows[0]) if len(rows) else part.n
        # rows from the realizing one on: each is aggregated (if good) then Emit is called
        good = np.zeros(part.n, dtype=bool)
        good[rows] = True
        vals = np.zeros(part.n, dtype=np.float64 if kind == "f" else np.int64) if kind in "fi" \
            else np.zeros(part.n, dtype=np.int64)
        if kind in "fi" and len(rows):
            vals[rows] = typed_values(part, self.field, rows, kind)
        if first >= part.n:
            return np.empty(0, dtype=np.int64), Points.empty(part.db, part.rp)
        rows_out, times, values = self._run_transform(g, part.time[first:], vals[first:], good[first:], kind)
        return first + rows_out, self._transform_chunk(g, times, values, kind, part.db, part.rp)

    def _transform_chunk(self, g, times, values, kind, db, rp) -> Points:
        """Emitted transformation points of one group as one chunk (the group's tags)."""
        out_kind = self.kinds[kind]
        dtype = {"f": np.float64, "i": np.int64}[out_kind]
        n = len(times)
        return Points(np.asarray(times, dtype=np.int64), np.zeros(n, dtype=np.int32), [self._series(g)],
                      {self.as_: Field(np.asarray(values, dtype=dtype), np.ones(n, dtype=bool))} if n else {},
                      db, rp)

    def _run_transform(self, g, times, vals, good, kind) -> list:
        """Feed rows (``good``: aggregated; others only call Emit) to the group's reducer state;
        returns ``[(row, time, value)]`` emitted.  State is plain data in ``g.state``."""
        fast = self._run_transform_columns(g, times, vals, good, kind)
        if fast is not None:
            return fast
        out = self._run_transform_rows(g, times, vals, good, kind)
        if not out:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64), np.empty(0)
        rows, ts, vs = zip(*out)
        return np.array(rows, dtype=np.int64), np.array(ts, dtype=np.int64), np.array(vs)

    def _run_transform_columns(self, g, times, vals, good, kind):
        """The same on whole columns when every row has the field (cumulativeSum, difference,
        elapsed); None when the row-by-row walk is needed (movingAverage's running sum rounds
        as Go's does only when kept point by point)."""
        m = self.method
        n = len(times)
        if not n or not good.all() or m == "movingAverage":
            return None
        idx = np.arange(n, dtype=np.int64)
        if m == "cumulativeSum":
            start = g.state[1] if g.state is not None else (0 if kind == "i" else 0.0)
            with np.errstate(over="ignore"):
                sums = np.cumsum(np.concatenate((np.array([start], dtype=vals.dtype), vals)))[1:]
            g.state = (int(times[-1]), _py(sums[-1]))
            return idx, times, sums
        if m == "difference":
            _, curr = g.state or (None, None)
            before = np.empty(n, dtype=np.int64)
            before[1:] = times[:-1]
            if curr is None:
                accepted = np.ones(n, dtype=bool)
            else:
                before[0] = curr[0]
                accepted = times != before
            if curr is None:
                accepted[1:] = times[1:] != times[:-1]
            at = idx[accepted]
            if not len(at):
                return idx[:0], times[:0], vals[:0]
            av = vals[at]
            head = np.array([curr[1]] if curr is not None else [], dtype=vals.dtype)
            prev_vals = np.concatenate((head, av[:-1]))
            emit_at = at if curr is not None else at[1:]
            with np.errstate(over="ignore"):
                diffs = av[len(av) - len(emit_at):] - prev_vals[len(prev_vals) - len(emit_at):]
            g.state = (None, (int(times[at[-1]]), _py(av[-1])))
            return emit_at, times[emit_at], diffs
        if m == "elapsed":
            unit = int(self.args[0])
            _, curr = g.state or (None, None)
            all_t = np.concatenate((np.array([curr] if curr is not None else [], dtype=np.int64), times))
            d = all_t[1:] - all_t[:-1]
            q = np.abs(d) // abs(unit)
            q = np.where((d >= 0) == (unit > 0), q, -q)          # Go truncates toward zero
            emit_at = idx if curr is not None else idx[1:]
            g.state = (int(all_t[-2]) if len(all_t) > 1 else None, int(all_t[-1]))
            return emit_at, times[emit_at], q
        return None

    def _run_transform_rows(self, g, times, vals, good, kind) -> list:
        """Row by row: ``[(row, time, value)]`` emitted."""
        st = g.state
        out = []
        m = self.method
        tl, vl, gl = times.tolist(), vals.tolist(), good.tolist()
        if m == "cumulativeSum":
            cur = st  # None or (time, value)
            for i in range(len(tl)):
                if gl[i]:
                    if kind == "i":
                        total = _wrap((cur[1] if cur else 0) + vl[i])
                    else:
                        total = (cur[1] if cur else 0.0) + vl[i]
                    cur = (tl[i], total)
                if cur is not None:
                    out.append((i, cur[0], cur[1]))
            g.state = cur
        elif m == "difference":
            prev, curr = (st or (None, None))
            for i in range(len(tl)):
                if gl[i] and not (curr is not None and curr[0] == tl[i]):
                    prev, curr = curr, (tl[i], vl[i])
                if prev is not None:
                    d = _wrap(curr[1] - prev[1]) if kind == "i" else curr[1] - prev[1]
                    out.append((i, curr[0], d))
                    prev = None              # marked read
            g.state = (prev, curr)
        elif m == "elapsed":
            unit = int(self.args[0])
            prev, curr = (st or (None, None))
            for i in range(len(tl)):
                if gl[i]:
                    prev, curr = curr, tl[i]
                if prev is not None:
                    out.append((i, curr, _go_div(curr - prev, unit)))
            g.state = (prev, curr)
        elif m == "movingAverage":
            n = int(self.args[0])
            buf, pos, total, last_t = st or ([], 0, 0 if kind == "i" else 0.0, 0)
            buf = list(buf)
            for i in range(len(tl)):
                if gl[i]:
                    v = vl[i]
                    if len(buf) != n:
                        buf.append(v)
                    else:
                        total = _wrap(total - buf[pos]) if kind == "i" else total - buf[pos]
                        buf[pos] = v
                    total = _wrap(total + v) if kind == "i" else total + v
                    last_t = tl[i]
                    pos += 1
                    if pos >= n:
                        pos = 0
                if len(buf) == n:
                    out.append((i, last_t, float(total) / len(buf)))
            g.state = (buf, pos, total, last_t)
        return out

    # -- batch edge ----------------------------------------------------------------------------

    def batch(self, b, port):
        g = self.groups.get(b.group)
        if g is None:
            g = self.groups[b.group] = _Group(b.name, dict(b.tags), b.dims, b.tmax)
            self.stats.cardinality = len(self.groups)
        pts = b.points
        if self.transform:
            g.state, g.kind = None, None
            kind, rows = self._choose_rows(pts, None, "failed to aggregate batch point") if pts.n else (None, [])
            items = None
            if kind is not None:
                first = int(rows[0])
                good = np.zeros(pts.n, dtype=bool)
                good[rows] = True
                vals = np.zeros(pts.n, dtype=np.float64 if kind == "f" else np.int64)
                if kind in "fi":
                    vals[rows] = typed_values(pts, self.field, rows, kind)
                _, times, values = self._run_transform(g, pts.time[first:], vals[first:], good[first:], kind)
                items = self._transform_chunk(g, times, values, kind, pts.db, pts.rp)
            g.state = None
            self.emit_batch(Batch(b.name, b.group, b.tags, b.dims, b.tmax,
                                  items if items else Points.empty(pts.db, pts.rp)))
            return
        if pts.n == 0 and not self.empty_ok:
            return
        kind, rows = self._choose_rows(pts, None, "failed to aggregate point in batch") if pts.n \
            else (None, np.empty(0, dtype=np.int64))
        res = self._reduce(g, pts, kind, rows, b.tmax)
        if res is None:
            return
        if isinstance(res, Batch):
            self.emit_batch(res)
        else:
            self.emit_points(res)

    def batches(self, bs, port):
        """Many batches (a grouped window's chunk): reduced with one numpy pass into one chunk of
        points when every point has the field with one numeric type and no batch is empty;
        else batch by batch, exactly as ``batch`` does."""
        out = self._reduce_batches(bs) if self.columnar else None
        if out is None:
            super().batches(bs, port)
        elif out.n:
            self.emit_points(out)

    @property
    def columnar(self) -> bool:
        return not self.transform and not self.provides_batch and self.method in SEGMENT_METHODS

    def _reduce_batches(self, bs):
        pts = bs.points
        f = pts.fields.get(self.field)
        if f is None or f.values.dtype.kind not in "fi" or f.values.dtype.kind not in self.kinds:
            return None
        sizes = bs.sizes()
        if not len(sizes) or not sizes.all() or not f.present.all():
            return None
        kind = f.values.dtype.kind
        res = reduce_segments(self.method, f.values, pts.time, bs.starts, kind)
        if res is None:
            return None
        values, times, zero, rows = res
        # the groups of the message, made as ``batch`` makes them (at their first batch)
        nb = len(bs)
        firsts = np.full(len(bs.groups), nb, dtype=np.int64)
        np.minimum.at(firsts, bs.gidx, np.arange(nb))
        order = np.argsort(firsts, kind="stable")
        order = order[: int(np.count_nonzero(firsts < nb))]          # the groups this message has
        local = np.full(len(bs.groups), -1, dtype=np.int32)
        local[order] = np.arange(len(order), dtype=np.int32)
        series = []
        groups, metas, tmax = self.groups, bs.groups, bs.tmax
        for code, first in zip(order.tolist(), firsts[order].tolist()):
            bg = metas[code]
            g = groups.get(bg.group)
            if g is None:
                g = groups[bg.group] = _Group(bg.name, dict(bg.tags), bg.dims, int(tmax[first]))
            series.append(g)
        self.stats.cardinality = len(groups)
        when = bs.tmax
        if self.point_times:
            when = np.where(zero, bs.tmax, times)
        if rows is None:
            sid = local[bs.gidx]
            return Points(np.asarray(when, dtype=np.int64), sid, [self._series(g) for g in series],
                          {self.as_: Field(values, np.ones(len(values), dtype=bool))}, pts.db, pts.rp)
        # selectors: the chosen point with all its fields and its own tags, the group's name and dims
        chosen = pts.take(rows)
        fields = dict(chosen.fields)
        if self.as_ != self.field:
            fields[self.as_] = fields.pop(self.field)
        made, out_series, sid = {}, [], np.empty(len(rows), dtype=np.int32)
        for k, (s_in, code) in enumerate(zip(chosen.sid.tolist(), bs.gidx.tolist())):
            j = made.get((s_in, code))
            if j is None:
                g = series[local[code]]
                j = made[(s_in, code)] = len(out_series)
                out_series.append(Series.make(g.name, chosen.series[s_in].tags, g.dims))
            sid[k] = j
        return Points(np.asarray(when, dtype=np.int64), sid, out_series, fields, pts.db, pts.rp)

    def delete_group(self, msg, port):
        if self.groups.pop(msg.group, None) is not None:
            self.stats.cardinality = len(self.groups)
            self.emit_delete(msg)

    # -- state -------------------------------------------------------------------------------

    def state(self):
        out = []
        for gid, g in self.groups.items():
            out.append({"group": gid, "name": g.name, "tags": dict(g.tags), "dims": dims_state(g.dims),
                        "time": g.time, "kind": g.kind, "state": g.state,
                        "pending": g.pending.state() if g.pending is not None else None})
        return out or None

    def restore(self, state):
        self.groups = {}
        for st in state or []:
            g = _Group(st["name"], dict(st["tags"]), dims_from_state(st["dims"]), st["time"])
            g.kind, g.state = st["kind"], st["state"]
            if st["pending"] is not None:
                g.pending = ColumnBuffer.from_state(st["pending"])
            self.groups[st["group"]] = g
        self.stats.cardinality = len(self.groups)


_ONE_DTYPE = {float: np.float64, int: np.int64, bool: np.bool_}


def _one(value) -> Field:
    """A one-row field column (PERF: no type sniffing of a list)."""
    dtype = _ONE_DTYPE.get(type(value))
    if dtype is None:
        return column([value])
    return Field(np.array([value], dtype=dtype), np.ones(1, dtype=bool))


def _py(v):
    return v.item() if isinstance(v, np.generic) else v


def _wrap(v: int) -> int:
    """Go's int64 wrap-around."""
    return (int(v) + (1 << 63)) % (1 << 64) - (1 << 63)


def _go_div(a: int, b: int) -> int:
    """Go's integer division (truncates toward zero)."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q

