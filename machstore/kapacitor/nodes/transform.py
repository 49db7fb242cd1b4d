"""The simple transforms: ``default``, ``delete``, ``shift``, ``sample`` (``default.go``,
``delete.go``, ``shift.go``, ``sample.go``).

All work on whole chunks: tags per series, fields as column masks, times as one addition.

* ``default``: ``.field(f, v)`` sets ``f`` where a point has no such field, ``.tag(t, v)`` where
  the tag is missing or empty (counted in ``fields_defaulted``/``tags_defaulted`` per point and
  field).  On a batch the group's tags are defaulted too (and counted, as is every default
  field once per batch: Kapacitor runs the field defaults on the batch header's empty fields),
  and the batch's dimensions become its tag names.
* ``delete``: ``.field(f)`` and ``.tag(t)`` remove them (``fields_deleted``/``tags_deleted``);
  a deleted tag leaves a stream point's dimensions; on a batch the group's tags lose it.
* ``shift(d)``: adds ``d`` to point, batch-point and batch times (``d == 0`` refuses the task).
* ``sample(n)``: per group, the points whose running count is a multiple of ``n`` (the first
  kept); ``sample(d)``: the points whose time is exactly on a ``d`` boundary.  On a batch the
  count restarts with every batch.
"""
from __future__ import annotations

import numpy as np

from ..node import NodeCreateError, NodeRuntime, runtime_for
from ..points import Batch, Dimensions, Field, Points, column, group_id
from .buffer import go_truncate_array, group_indices


def _set_field(pts: Points, name: str, mask: np.ndarray, value) -> dict:
    """``pts.fields`` with ``name`` set to ``value`` on the rows of ``mask``."""
    fields = dict(pts.fields)
    f = fields.get(name)
    if isinstance(value, bool):
        dtype = np.bool_
    elif isinstance(value, int):
        dtype, value = np.int64, int(value)
    elif isinstance(value, float):
        dtype = np.float64
    else:
        dtype = object
    if f is None:
        vals = np.full(pts.n, None, dtype=object) if dtype is object else np.zeros(pts.n, dtype=dtype)
        present = np.zeros(pts.n, dtype=bool)
    else:
        vals, present = f.values.copy(), f.present.copy()
        if vals.dtype != np.dtype(dtype):
            vals = vals.astype(object)
            vals[~present] = None
    vals[mask] = value
    present[mask] = True
    if vals.dtype == object:
        # Python values (e.g. a join's nulls filled in): typed again when they now agree
        fields[name] = column([v if p else None for v, p in zip(vals.tolist(), present.tolist())])
    else:
        fields[name] = Field(vals, present)
    return fields


def missing_rows(f: Field | None, n: int) -> np.ndarray:
    """Rows where a field is nil for Kapacitor: absent, or present with a null value (a
    join's ``.fill('null')``)."""
    if f is None:
        return np.ones(n, dtype=bool)
    if f.values.dtype == object:
        return ~f.present | np.equal(f.values, None)
    return ~f.present


def _batch_with_tags(b: Batch, tags: dict, points: Points) -> Batch:
    """``BeginBatchMessage.SetTags``: the dimensions become the tag names, the group id follows."""
    dims = Dimensions(tuple(sorted(tags)), b.dims.by_name)
    return Batch(b.name, group_id(b.name, tags, dims), tags, dims, b.tmax, points)


@runtime_for("DefaultNode")
class DefaultRuntime(NodeRuntime):
    def __init__(self, pnode, task):
        super().__init__(pnode, task)
        self.fields = dict(self.props.get("Fields") or {})
        self.tags = dict(self.props.get("Tags") or {})
        self.stats.counters.setdefault("fields_defaulted", 0)
        self.stats.counters.setdefault("tags_defaulted", 0)
        self._memo = {}

    def _count(self, key, n):
        self.stats.counters[key] = self.stats.counters.get(key, 0) + int(n)

    def _default_tags(self, tags: dict):
        missing = [t for t in self.tags if tags.get(t, "") == ""]
        if not missing:
            return tags, 0
        new = dict(tags)
        for t in missing:
            new[t] = self.tags[t]
        return new, len(missing)

    def _apply(self, pts: Points) -> Points:
        if not pts.n:
            return pts
        fields = pts.fields
        for name, value in self.fields.items():
            absent = missing_rows(fields.get(name), pts.n)
            k = int(absent.sum())
            if k:
                self._count("fields_defaulted", k)
                fields = _set_field(pts.with_fields(fields), name, absent, value)
        if self.tags:
            series, per_series = [], np.zeros(len(pts.series), dtype=np.int64)
            for j, s in enumerate(pts.series):
                m = self._memo.get(s)
                if m is None:
                    tags, k = self._default_tags(s.tags)
                    m = self._memo[s] = (s.replace(tags=tags) if k else s, k)
                    if len(self._memo) > 100_000:
                        self._memo.clear()
                series.append(m[0])
                per_series[j] = m[1]
            self._count("tags_defaulted", int(per_series[pts.sid].sum()))
            pts = pts.with_series(series)
        return pts.with_fields(fields)

    def points(self, pts, port):
        self.emit_points(self._apply(pts))

    def batch(self, b, port):
        # Kapacitor defaults the begin message's (nil) fields too: every field counts once per batch
        self._count("fields_defaulted", len(self.fields))
        tags, k = self._default_tags(b.tags)
        self._count("tags_defaulted", k)
        self.emit_batch(_batch_with_tags(b, tags, self._apply(b.points)))


@runtime_for("DeleteNode")
class DeleteRuntime(NodeRuntime):
    def __init__(self, pnode, task):
        super().__init__(pnode, task)
        self.fields = list(self.props.get("Fields") or [])
        self.tags = list(self.props.get("Tags") or [])
        self.tag_set = set(self.tags)
        self.stats.counters.setdefault("fields_deleted", 0)
        self.stats.counters.setdefault("tags_deleted", 0)
        self._memo = {}

    def _count(self, key, n):
        self.stats.counters[key] = self.stats.counters.get(key, 0) + int(n)

    def _apply(self, pts: Points, *, stream: bool) -> Points:
        if not pts.n:
            return pts
        fields = dict(pts.fields)
        for name in self.fields:
            f = fields.pop(name, None)
            if f is not None:
                self._count("fields_deleted", int(f.present.sum()))
        if self.tags:
            series, per_series = [], np.zeros(len(pts.series), dtype=np.int64)
            for j, s in enumerate(pts.series):
                key = (s, stream)
                m = self._memo.get(key)
                if m is None:
                    hit = [t for t in self.tags if t in s.tags]
                    tags = {k: v for k, v in s.tags.items() if k not in self.tag_set} if hit else s.tags
                    dims = s.dims
                    if stream and any(d in self.tag_set for d in dims.tag_names):
                        dims = Dimensions(tuple(d for d in dims.tag_names if d not in self.tag_set), dims.by_name)
                    m = self._memo[key] = (s.replace(tags=tags, dims=dims) if (hit or dims is not s.dims) else s,
                                           len(hit))
                    if len(self._memo) > 100_000:
                        self._memo.clear()
                series.append(m[0])
                per_series[j] = m[1]
            self._count("tags_deleted", int(per_series[pts.sid].sum()))
            pts = pts.with_series(series)
        return pts.with_fields(fields)

    def points(self, pts, port):
        self.emit_points(self._apply(pts, stream=True))

    def batch(self, b, port):
        hit = [t for t in self.tags if t in b.tags]
        self._count("tags_deleted", len(hit))
        tags = {k: v for k, v in b.tags.items() if k not in self.tag_set}
        self.emit_batch(_batch_with_tags(b, tags, self._apply(b.points, stream=False)))


@runtime_for("ShiftNode")
class ShiftRuntime(NodeRuntime):
    def __init__(self, pnode, task):
        super().__init__(pnode, task)
        self.shift = int(self.props.get("Shift", 0))
        if self.shift == 0:
            raise NodeCreateError("invalid shift value: must be non zero duration")

    def points(self, pts, port):
        self.emit_points(pts.with_time(pts.time + self.shift))

    def batch(self, b, port):
        pts = b.points.with_time(b.points.time + self.shift)
        self.emit_batch(Batch(b.name, b.group, b.tags, b.dims, b.tmax + self.shift, pts))


@runtime_for("SampleNode")
class SampleRuntime(NodeRuntime):
    def __init__(self, pnode, task):
        super().__init__(pnode, task)
        self.n = int(self.props.get("N", 0))
        self.duration = int(self.props.get("Duration", 0))
        if self.duration == 0 and self.n == 0:
            raise NodeCreateError("invalid sample rate: must be positive integer or duration")
        self.counts = {}   # group id -> points seen

    def _keep(self, times: np.ndarray, start_count: int) -> np.ndarray:
        if self.duration:
            return go_truncate_array(times, self.duration) == times
        counts = start_count + np.arange(len(times), dtype=np.int64)
        return np.fmod(counts, self.n) == 0      # Go's % keeps the dividend's sign

    def points(self, pts, port):
        keep = np.zeros(pts.n, dtype=bool)
        for group, _, idx in group_indices(pts):
            c = self.counts.get(group, 0)
            keep[idx] = self._keep(pts.time[idx], c)
            self.counts[group] = c + len(idx)
        self.stats.cardinality = len(self.counts)
        self.emit_points(pts if keep.all() else pts.take(keep))

    def batch(self, b, port):
        self.counts[b.group] = b.points.n
        self.stats.cardinality = len(self.counts)
        keep = self._keep(b.points.time, 0)
        self.emit_batch(b.with_points(b.points if keep.all() else b.points.take(keep)))

    def delete_group(self, msg, port):
        if self.counts.pop(msg.group, None) is not None:
            self.stats.cardinality = len(self.counts)
            self.emit_delete(msg)

    def state(self):
        return dict(self.counts) or None

    def restore(self, state):
        self.counts = dict(state or {})
        self.stats.cardinality = len(self.counts)
