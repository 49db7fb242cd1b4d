"""``groupBy(dims...)``: regroup points or batches (``group_by.go``).

On a stream edge a point keeps everything but its dimensions: the named tags (sorted), or with
``*`` all of the point's tags but the ``.exclude()``d ones, and ``.byMeasurement()`` OR-ed
into the measurement flag it had.  Decided per series, never per point.

On a batch edge the points of incoming batches are split into new batches by the new group
(tags of the new group taken from the point), and held: they are released, each sorted by time,
when a batch (or barrier) with another time arrives, so batches of one time from several
upstream groups merge.  The last batches therefore wait for the next time, as in Kapacitor.
"""
from __future__ import annotations

import numpy as np

from ..node import NodeRuntime, runtime_for
from ..points import Batch, Dimensions, Series, concat, group_id
from .buffer import dims_from_state, dims_state, points_from_state, points_state
from .source import tag_dimensions


@runtime_for("GroupByNode")
class GroupByRuntime(NodeRuntime):
    def __init__(self, pnode, task):
        super().__init__(pnode, task)
        p = self.props
        self.excluded = tuple(p.get("ExcludedDimensions") or ())
        self.star, names = tag_dimensions(p.get("Dimensions"))
        self.tag_names = tuple(n for n in names if n not in self.excluded)
        self.by_name = bool(p.get("ByMeasurementFlag"))
        self._memo = {}          # input Series -> output Series (stream edge)
        self.last_time = None    # batch edge: time of the batches being collected
        self.pending = {}        # new group id -> [name, tags, dims, tmax, [Points]]

    def _tag_names(self, tags: dict) -> tuple:
        if self.star:
            return tuple(k for k in sorted(tags) if k not in self.excluded)
        return self.tag_names

    def _dims(self, s: Series) -> Dimensions:
        return Dimensions(self._tag_names(s.tags), s.dims.by_name or self.by_name)

    # -- stream ---------------------------------------------------------------------------

    def points(self, pts, port):
        out = []
        for s in pts.series:
            m = self._memo.get(s)
            if m is None:
                if len(self._memo) > 100_000:
                    self._memo.clear()
                m = self._memo[s] = s.replace(dims=self._dims(s))
            out.append(m)
        self.emit_points(pts.with_series(out))

    # -- batch ----------------------------------------------------------------------------

    def batch(self, b, port):
        self._release(b.tmax)
        pts = b.points
        if not pts.n:
            return
        by_series = {}
        for j, s in enumerate(pts.series):
            dims = Dimensions(self._tag_names(s.tags), b.dims.by_name or self.by_name)
            by_series[j] = (group_id(b.name, s.tags, dims), dims, s.tags)
        codes = {}
        row_code = np.empty(len(pts.series), dtype=np.int64)
        for j, (gid, _, _) in by_series.items():
            row_code[j] = codes.setdefault(gid, len(codes))
        rc = row_code[pts.sid]
        firsts = {}
        for i, c in enumerate(rc.tolist()):
            if c not in firsts:
                firsts[c] = i
        for c, first in sorted(firsts.items(), key=lambda kv: kv[1]):
            gid, dims, tags = by_series[int(pts.sid[first])]
            part = pts.take(rc == c)
            grp = self.pending.get(gid)
            if grp is None:
                grp = self.pending[gid] = [b.name, {k: tags.get(k, "") for k in dims.tag_names}, dims, b.tmax, []]
            grp[4].append(part)
        self.stats.cardinality = len(self.pending)

    def _release(self, t: int) -> None:
        if self.last_time is not None and t == self.last_time:
            return
        self.last_time = t
        groups, self.pending = self.pending, {}
        for gid, (name, tags, dims, tmax, parts) in groups.items():
            pts = concat(parts)
            order = np.argsort(pts.time, kind="stable")
            if (np.diff(order) != 1).any():
                pts = pts.take(order)
            self.emit_batch(Batch(name, gid, tags, dims, tmax, pts))
        self.stats.cardinality = 0

    def barrier(self, msg, port):
        self._release(msg.time)
        self.emit_barrier(msg)

    def delete_group(self, msg, port):
        self.pending.pop(msg.group, None)
        self.stats.cardinality = len(self.pending)
        self.emit_delete(msg)

    def state(self):
        if self.last_time is None and not self.pending:
            return None
        return {"last_time": self.last_time,
                "pending": [(gid, name, tags, dims_state(dims), tmax, [points_state(p) for p in parts])
                            for gid, (name, tags, dims, tmax, parts) in self.pending.items()]}

    def restore(self, state):
        state = state or {}
        self.last_time = state.get("last_time")
        self.pending = {gid: [name, dict(tags), dims_from_state(dims), tmax, [points_from_state(p) for p in parts]]
                        for gid, name, tags, dims, tmax, parts in state.get("pending", [])}
        self.stats.cardinality = len(self.pending)
