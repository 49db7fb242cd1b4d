"""Nodes that compare a point with the ones before it in its group: ``changeDetect``,
``derivative``, ``stateDuration`` and ``stateCount`` (``change_detect.go``, ``derivative.go``,
``state_tracking.go``).

Each keeps a little per-group state (the last emitted values, the previous point, the start of
the current state) as plain data, and works on a group's rows as columns: the per-row
recurrences (previous valid point, run of true rows) are prefix scans.  A batch starts from an
empty state, as Kapacitor resets the group at ``BeginBatch``.
"""
from __future__ import annotations

import numpy as np

from machstore.tick.lambdas import compile_lambda
from machstore.tick.state import LambdaState

from ..node import runtime_for
from ..points import Field
from .grouped import GroupedRuntime, group_indices, part_of


def _numeric(f: Field | None, n: int):
    """(rows holding an int64 or float64, their values as float64): Go's ``numToFloat``."""
    if f is None:
        return np.zeros(n, dtype=bool), np.zeros(n)
    if f.values.dtype == np.float64 or f.values.dtype == np.int64:
        return f.present.copy(), f.values.astype(np.float64)
    ok = np.array([m and type(v) in (int, float) for v, m in zip(f.values, f.present)], dtype=bool)
    vals = np.array([float(v) if m else 0.0 for v, m in zip(f.values, ok)], dtype=np.float64)
    return ok, vals


def _with_field(pts, name: str, values: np.ndarray, keep: np.ndarray):
    """The rows ``keep`` of ``pts`` with field ``name`` set to ``values`` (replacing any)."""
    if not keep.any():
        return pts.take(keep)
    fields = dict(pts.fields)
    fields[name] = Field(values, np.ones(pts.n, dtype=bool))
    out = pts.with_fields(fields)
    return out if keep.all() else out.take(keep)


# -- changeDetect ---------------------------------------------------------------------------------

def _differs(a, b) -> bool:
    """Go's ``prev[field] != value`` on interface values: type and value must both match."""
    return not (type(a) is type(b) and a == b)


@runtime_for("ChangeDetectNode")
class ChangeDetectRuntime(GroupedRuntime):
    """Emits a point when one of the fields differs from the group's last emitted point."""

    def __init__(self, pnode, task):
        super().__init__(pnode, task)
        self.fields = list(self.props.get("Fields") or [])

    def points(self, pts, port):
        keep = np.zeros(pts.n, dtype=bool)
        for group, idx in group_indices(pts):
            self.group_state(group)
            keep[idx], self.groups[group] = self._detect(part_of(pts, idx), self.groups[group])
        if keep.any():
            self.emit_points(pts if keep.all() else pts.take(keep))

    def batch(self, b, port):
        self.group_state(b.group)
        pts = b.points
        keep, _ = self._detect(pts, None)
        self.emit_batch(b.with_points(pts if keep.all() else pts.take(keep)))

    def _detect(self, pts, prev):
        """(rows to emit, the last emitted row's values) given the previously emitted values."""
        cols = [pts.fields.get(f) for f in self.fields]
        simple = all(c is not None and c.values.dtype != object and c.present.all() for c in cols)
        if simple and pts.n:
            # PERF: every row has every field: a row equal to its predecessor on all fields
            # equals the last emitted row, so the recurrence is a comparison with the shift.
            keep = np.zeros(pts.n, dtype=bool)
            for c in cols:
                keep[1:] |= c.values[1:] != c.values[:-1]
            first = {f: pts.fields[f].value(0) for f in self.fields}
            keep[0] = prev is None or any(_differs(prev.get(f), first[f]) for f in self.fields)
            last = int(np.flatnonzero(keep)[-1]) if keep.any() else None
            if last is None:
                return keep, prev
            return keep, {f: pts.fields[f].value(last) for f in self.fields}
        keep = np.zeros(pts.n, dtype=bool)
        for i in range(pts.n):
            changed = False
            for f, c in zip(self.fields, cols):
                if c is None or not c.present[i]:
                    self.error(f"Invalid field in change detect: expected field {f} not found")
                    continue
                if _differs((prev or {}).get(f), c.value(i)):
                    changed = True
                    break
            if changed:
                keep[i] = True
                prev = {f: c.value(i) for f, c in zip(self.fields, cols) if c is not None and c.present[i]}
        return keep, prev


# -- derivative ------------------------------------------------------------------------------------

@runtime_for("DerivativeNode")
class DerivativeRuntime(GroupedRuntime):
    """``(cur - prev) / (elapsed / unit)`` per group; the group keeps its previous valid point."""

    def __init__(self, pnode, task):
        super().__init__(pnode, task)
        p = self.props
        self.field = p["Field"]
        self.as_name = p.get("As") or self.field
        self.unit = p.get("Unit", 10**9)
        self.non_negative = bool(p.get("NonNegativeFlag"))

    def points(self, pts, port):
        emit = np.zeros(pts.n, dtype=bool)
        value = np.zeros(pts.n, dtype=np.float64)
        for group, idx in group_indices(pts):
            self.group_state(group)
            emit[idx], value[idx], self.groups[group] = self._derive(part_of(pts, idx), self.groups[group])
        if emit.any():
            self.emit_points(_with_field(pts, self.as_name, value, emit))

    def batch(self, b, port):
        self.group_state(b.group)
        emit, value, _ = self._derive(b.points, None)
        self.emit_batch(b.with_points(_with_field(b.points, self.as_name, value, emit)))

    def _derive(self, pts, prev):
        """(rows to emit, the derivative per row, the new previous (time, value))."""
        valid, vals = _numeric(pts.fields.get(self.field), pts.n)
        for i in np.flatnonzero(~valid):
            f = pts.fields.get(self.field)
            v = f.value(i) if f is not None else None
            self.error(f"cannot perform derivative: field is the wrong type: field={self.field} "
                       f"type={_go_type(v)}")
        idx = np.flatnonzero(valid)
        rows = np.zeros(pts.n, dtype=bool)
        full = np.zeros(pts.n, dtype=np.float64)
        if not len(idx):
            return rows, full, prev
        t = pts.time[idx]
        v = vals[idx]
        prev_t = np.empty(len(idx), dtype=np.int64)
        prev_v = np.empty(len(idx), dtype=np.float64)
        prev_t[1:], prev_v[1:] = t[:-1], v[:-1]
        has_prev = np.ones(len(idx), dtype=bool)
        if prev is None:
            has_prev[0] = False
            prev_t[0], prev_v[0] = 0, 0.0
        else:
            prev_t[0], prev_v[0] = prev
        elapsed = (t - prev_t).astype(np.float64)
        zero = has_prev & (elapsed == 0)
        for _ in range(int(zero.sum())):
            self.error("cannot perform derivative: elaspsed time was 0")
        diff = v - prev_v
        emit = has_prev & ~zero
        if self.non_negative:
            emit &= ~(diff < 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            value = diff / (elapsed / float(self.unit))
        rows[idx[emit]] = True
        full[idx] = value
        return rows, full, (int(t[-1]), float(v[-1]))


def _go_type(v) -> str:
    """Go's ``%T`` of a field value (what Kapacitor's derivative error names)."""
    return {type(None): "<nil>", bool: "bool", int: "int64", float: "float64", str: "string"}.get(type(v), "?")


# -- stateDuration / stateCount --------------------------------------------------------------------

class StateTrackingRuntime(GroupedRuntime):
    """The lambda per point and group; a failing lambda drops the point and keeps the state.

    Group state: ``{"lambda": LambdaState dict, "run": start time or count}`` where ``run`` is
    None while the group is not in the state.
    """

    dtype = None  # the tracked field's numpy type (set by each tracker)

    def __init__(self, pnode, task):
        super().__init__(pnode, task)
        self.lam = compile_lambda(self.props["Lambda"])
        self.as_name = self.props.get("As")

    def new_group(self, group, first):
        return {"lambda": None, "run": None}

    def points(self, pts, port):
        values = np.zeros(pts.n, dtype=self.dtype)
        whole = None
        if not self.lam.stateful:
            # PERF: a lambda without stateful functions gives the same per row whatever the
            # group: evaluate it once for the chunk, track per group
            whole = self._evaluate(pts, self.lam.new_state())
        ok = np.zeros(pts.n, dtype=bool) if whole is None else whole[0]
        for group, idx in group_indices(pts):
            st = self.group_state(group)
            if whole is None:
                lam_state = LambdaState.from_dict(st["lambda"]) if st["lambda"] else self.lam.new_state()
                ok[idx], passed = self._evaluate(part_of(pts, idx), lam_state)
                st["lambda"] = lam_state.to_dict()
            else:
                passed = whole[1][idx]
            values[idx], st["run"] = self._track(pts.time[idx], ok[idx], passed, st["run"])
        if ok.any():
            self.emit_points(_with_field(pts, self.as_name, values, ok))

    def batch(self, b, port):
        st = self.group_state(b.group)
        lam_state = LambdaState.from_dict(st["lambda"]) if st["lambda"] else self.lam.new_state()
        ok, passed = self._evaluate(b.points, lam_state)
        st["lambda"] = lam_state.to_dict()
        values, _ = self._track(b.points.time, ok, passed, None)
        self.emit_batch(b.with_points(_with_field(b.points, self.as_name, values, ok)))

    def _evaluate(self, pts, lam_state):
        """(rows the lambda evaluated on, rows where it is true); failures are logged."""
        res = self.lam.predicate(pts.lambda_columns(self.lam.refs), lam_state)
        ok = res.ok
        for err in (res.errors[~ok] if res.errors is not None else ()):
            self.error(f"error while evaluating expression: {err}")
        return ok, res.mask

    def _track(self, times, ok, passed, run):
        """(the tracked value per row, the new run state) over the rows ``ok`` of one group."""
        full = np.zeros(len(times), dtype=self.dtype)
        idx = np.flatnonzero(ok)
        if len(idx):
            full[idx], run = self.track(times[idx], passed[idx], run)
        return full, run

    @staticmethod
    def run_starts(passed: np.ndarray):
        """Per row, the index of the first row of its run of true rows (-1: the run began earlier)."""
        pos = np.arange(len(passed))
        last_false = np.maximum.accumulate(np.where(~passed, pos, -1))
        return np.where(last_false < 0, -1, last_false + 1)

    def track(self, times, passed, run):
        raise NotImplementedError


@runtime_for("StateDurationNode")
class StateDurationRuntime(StateTrackingRuntime):
    """``state_duration``: float time since the state began, in ``.unit()``; -1 outside it."""

    dtype = np.float64

    def __init__(self, pnode, task):
        super().__init__(pnode, task)
        self.unit = self.props.get("Unit", 10**9)

    def track(self, times, passed, run):
        starts = self.run_starts(passed)
        # a false row's "start" may point past the end: it is not used, clip it
        first_t = np.where(starts >= 0, times[np.clip(starts, 0, len(times) - 1)],
                           times[0] if run is None else run)
        values = np.where(passed, (times - first_t).astype(np.float64) / float(self.unit), -1.0)
        run = int(first_t[-1]) if passed[-1] else None
        return values, run


@runtime_for("StateCountNode")
class StateCountRuntime(StateTrackingRuntime):
    """``state_count``: 1, 2, 3... while the lambda holds; -1 outside it."""

    dtype = np.int64

    def track(self, times, passed, run):
        starts = self.run_starts(passed)
        pos = np.arange(len(passed))
        counts = np.where(starts >= 0, pos - starts + 1, pos + 1 + (run or 0))
        values = np.where(passed, counts, -1).astype(np.int64)
        run = int(counts[-1]) if passed[-1] else None
        return values, run
