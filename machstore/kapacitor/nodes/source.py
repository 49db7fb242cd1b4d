"""Sources and filters of a stream task: ``stream``, ``from()``, ``where()``.

``from()`` (Kapacitor's ``stream.go``): keeps points whose database, retention policy and
measurement match (empty matches all) and whose ``.where`` lambdas pass, then truncates or
rounds the time and sets the point's dimensions (``.groupBy``, ``.groupByMeasurement``).
Everything but the lambda is decided per series, not per point.
"""
from __future__ import annotations

import numpy as np

from machstore.tick.lambdas import compile_lambda

from ..node import NodeRuntime, runtime_for
from ..points import Dimensions, Points


def tag_dimensions(dims_prop) -> tuple[bool, tuple]:
    """``determineTagNames``: (all tags?, the named tags sorted) from a ``Dimensions`` property."""
    names, star = [], False
    for d in dims_prop or []:
        if isinstance(d, str):
            names.append(d)
        else:
            star = True
    return star, tuple(sorted(names))


def dimensions_for(tags: dict, star: bool, names: tuple, by_name: bool, excluded=()) -> Dimensions:
    """``computeTagNames``: with ``*`` every tag of the point (sorted) but the excluded ones."""
    if star:
        names = tuple(k for k in sorted(tags) if k not in excluded)
    return Dimensions(names, by_name)


def predicate_mask(node: NodeRuntime, lam, pts: Points, state) -> np.ndarray:
    """Rows where ``lam`` is true; rows where it fails are logged as node errors and dropped."""
    res = lam.predicate(pts.lambda_columns(lam.refs), state)
    if res.errors is not None:
        for err in res.errors[np.not_equal(res.errors, None)]:
            node.error(f"failed to evaluate WHERE expression: {err}")
    return res.mask


@runtime_for("StreamNode")
class StreamRuntime(NodeRuntime):
    """The root of a stream task: every chunk written to the task's dbrps."""

    def points(self, pts, port):
        self.emit_points(pts)


@runtime_for("FromNode")
class FromRuntime(NodeRuntime):
    def __init__(self, pnode, task):
        super().__init__(pnode, task)
        p = self.props
        self.db, self.rp, self.measurement = p.get("Database", ""), p.get("RetentionPolicy", ""), p.get("Measurement", "")
        self.truncate, self.round = p.get("Truncate", 0), p.get("Round", 0)
        self.star, self.tag_names = tag_dimensions(p.get("Dimensions"))
        self.by_name = bool(p.get("GroupByMeasurementFlag"))
        self.where = compile_lambda(p["Lambda"]) if p.get("Lambda") is not None else None
        self.where_state = self.where.new_state() if self.where is not None else None
        # input Series -> output Series or None (filtered out), by object (the stream shares one
        # per series id) and by (name, tags) (other sources make new objects per chunk); handing
        # the same output Series on lets the nodes below memoise per series too
        self._series_memo = {}
        self._object_memo = {}

    def _map_series(self, s):
        # PERF: by the Series object first (identity hash: the stream hands the same object for
        # a series across chunks), then by its name and tags (a new object for a known series)
        out = self._object_memo.get(s, False)
        if out is not False:
            return out
        key = (s.name, tuple(s.tags), tuple(s.tags.values()))
        out = self._series_memo.get(key, False)
        if out is False:
            if self.measurement and s.name != self.measurement:
                out = None
            else:
                out = s.replace(dims=dimensions_for(s.tags, self.star, self.tag_names, self.by_name))
            if len(self._series_memo) > 100_000:
                self._series_memo.clear()
            self._series_memo[key] = out
        if len(self._object_memo) > 100_000:
            self._object_memo.clear()
        self._object_memo[s] = out
        return out

    def points(self, pts, port):
        if (self.db and pts.db != self.db) or (self.rp and pts.rp != self.rp):
            return
        mapped = [self._map_series(s) for s in pts.series]
        keep_series = np.array([m is not None for m in mapped], dtype=bool)
        if not keep_series.all():
            pts = pts.take(keep_series[pts.sid])
        if not pts.n:
            return
        if self.where is not None:
            mask = predicate_mask(self, self.where, pts, self.where_state)
            if not mask.all():
                pts = pts.take(mask)
                if not pts.n:
                    return
        if self.truncate:
            pts = pts.with_time(pts.time - np.mod(pts.time, self.truncate))
        if self.round:
            pts = pts.with_time(_round(pts.time, self.round))
        self.emit_points(pts.with_series([m if m is not None else s for m, s in zip(mapped, pts.series)]))

    def state(self):
        return {"where": self.where_state.to_dict()} if self.where_state is not None else None

    def restore(self, state):
        if state and self.where is not None:
            from machstore.tick.state import LambdaState
            self.where_state = LambdaState.from_dict(state["where"])


def _round(times, d):
    """Go's ``time.Round(d)`` on Unix-epoch nanoseconds (halfway rounds up, away from zero)."""
    rem = np.mod(times, d)
    down = times - rem
    return np.where(rem + rem < d, down, down + d)


@runtime_for("WhereNode")
class WhereRuntime(NodeRuntime):
    """``|where(lambda)``: per group lambda state, on stream points and on batch points."""

    def __init__(self, pnode, task):
        super().__init__(pnode, task)
        self.lam = compile_lambda(self.props["Lambda"])
        self.states = {}  # group id -> LambdaState (only stateful lambdas need one per group)

    def _state(self, group):
        if not self.lam.stateful:
            return None
        st = self.states.get(group)
        if st is None:
            st = self.states[group] = self.lam.new_state()
        return st

    def points(self, pts, port):
        if self.lam.stateful:
            for group, part in pts.groups():
                self._filter_emit(part, self._state(group))
        else:
            self._filter_emit(pts, None)

    def _filter_emit(self, pts, state):
        mask = predicate_mask(self, self.lam, pts, state)
        self.emit_points(pts if mask.all() else pts.take(mask))

    def batch(self, b, port):
        pts = b.points
        if pts.n:
            mask = predicate_mask(self, self.lam, pts, self._state(b.group))
            pts = pts if mask.all() else pts.take(mask)
        self.emit_batch(b.with_points(pts))

    def batches(self, bs, port):
        """A stateless lambda filters the rows of every batch at once (no batch is dropped,
        an emptied one goes on empty); a stateful one keeps its state per group, batch by batch."""
        if self.lam.stateful:
            super().batches(bs, port)
            return
        if bs.points.n:
            mask = predicate_mask(self, self.lam, bs.points, None)
            if not mask.all():
                bs = bs.take_rows(mask)
        self.emit_batches(bs)

    def delete_group(self, msg, port):
        self.states.pop(msg.group, None)
        self.emit_delete(msg)

    def state(self):
        return {g: st.to_dict() for g, st in self.states.items()} or None

    def restore(self, state):
        from machstore.tick.state import LambdaState
        self.states = {g: LambdaState.from_dict(d) for g, d in (state or {}).items()}
