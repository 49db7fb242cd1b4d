"""``eval(lambdas...).as(names...)`` (``eval.go``): new fields (or tags) computed per point.

Kapacitor evaluates the expressions of a point in order in one *scope*: before expression i it
copies every name the expression references from the point into the scope (a field, else a
tag; a name the point lacks keeps what the scope holds — an earlier ``.as()`` result — or is
*missing*), then stores the result under the i-th ``.as()`` name.  So a later expression sees
an earlier result only under a name the point does not have, and an ``.as()`` name that is also
a field referenced later ends up holding the field's value.  The output fields are:

* without ``.keep()``: the ``.as()`` names (but ``.tags()`` ones);
* ``.keep()``: all the point's fields plus the ``.as()`` names;
* ``.keep('a', ...)``: those names from the scope, else from the point (else an error).

``.tags(names)`` turn string results into tags.  A point whose evaluation fails is dropped
(and logged unless ``.quiet()``).  Stateful lambda functions keep one state per expression and
group.  Here each expression runs once per chunk (or per group when stateful) on the columns
of the rows still alive; the scope is a set of columns.
"""
from __future__ import annotations

import numpy as np

from machstore.influxql.timetext import rfc3339
from machstore.tick.lambda_types import GO_TYPE, TIME, LambdaError, Time
from machstore.tick.lambdas import PointColumns, compile_lambda

from ..node import NodeCreateError, NodeRuntime, runtime_for
from ..points import Field, Points, column, concat
from .buffer import group_indices


def _go_type_name(v) -> str:
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int64"
    if isinstance(v, float):
        return "float64"
    if isinstance(v, str):
        return "string"
    if isinstance(v, Time):
        return "time.Time"
    return GO_TYPE.get(None)


def _result_array(res) -> np.ndarray:
    """A ColumnResult's values as a column: typed (durations as int64 ns), or an object array
    (times as ``Time``, durations as int ns) when the rows' types differ or are times."""
    vals = res.values
    if vals.dtype != object:
        if res.type == TIME:
            out = np.empty(len(vals), dtype=object)
            out[:] = [Time(v) for v in vals.tolist()]
            return out
        return vals
    out = np.empty(len(vals), dtype=object)
    out[:] = [v.ns if hasattr(v, "ns") and not isinstance(v, Time) else v for v in vals.tolist()]
    return out


class _Scope:
    """Per-row named values, what Kapacitor's ``stateful.Scope`` holds for each point: one
    column per name (typed while every value set has one type, else an object array)."""

    def __init__(self, n):
        self.n = n
        self.values = {}     # name -> array
        self.present = {}    # name -> bool array

    def has(self, name):
        return name in self.values

    def set(self, name, rows, vals: np.ndarray):
        col = self.values.get(name)
        if col is None:
            col = np.zeros(self.n, dtype=vals.dtype) if vals.dtype != object else np.full(self.n, None, object)
            self.present[name] = np.zeros(self.n, dtype=bool)
        elif col.dtype != vals.dtype:
            col = col.astype(object)
            col[~self.present[name]] = None
            vals = vals.astype(object)
        col[rows] = vals
        self.values[name] = col
        self.present[name][rows] = True

    def column(self, name) -> Field:
        return Field(self.values[name], self.present[name])


@runtime_for("EvalNode")
class EvalRuntime(NodeRuntime):
    def __init__(self, pnode, task):
        super().__init__(pnode, task)
        p = self.props
        lambdas = p.get("Lambdas") or []
        self.as_list = list(p.get("AsList") or [])
        if len(self.as_list) != len(lambdas):
            raise NodeCreateError("must provide one name per expression via the 'As' property")
        self.lams = []
        for i, lam in enumerate(lambdas):
            try:
                self.lams.append(compile_lambda(lam))
            except LambdaError as ex:
                raise NodeCreateError(f"Failed to compile {i} expression: {ex}") from None
        self.tags = list(dict.fromkeys(p.get("TagsList") or []))
        self.tag_set = set(self.tags)
        self.keep = bool(p.get("KeepFlag"))
        self.keep_list = list(p.get("KeepList") or [])
        self.quiet = bool(p.get("QuietFlag"))
        self.stateful = any(lam.stateful for lam in self.lams)
        self.states = {}    # group id -> [LambdaState per expression]

    def _states(self, group):
        st = self.states.get(group)
        if st is None:
            st = self.states[group] = [lam.new_state() for lam in self.lams]
            self.stats.cardinality = len(self.states)
        return st

    # -- evaluation ---------------------------------------------------------------------------

    def _columns(self, pts: Points, idx, refs, scope: _Scope, tag_cols):
        """Lambda columns of rows ``idx``: the point's fields and tags, and scope values where
        the point has neither.  None when a name would mix value types (evaluate row by row)."""
        fields, tags = {}, {}
        for ref in refs:
            if ref == "time":
                continue
            f = pts.fields.get(ref)
            tcol = tag_cols.get(ref)
            if tcol is not None:
                tags[ref] = tcol[idx]
            if scope.has(ref):
                fp = f.present[idx] if f is not None else np.zeros(len(idx), dtype=bool)
                tp = np.not_equal(tcol[idx], None) if tcol is not None else np.zeros(len(idx), dtype=bool)
                use = scope.present[ref][idx] & ~fp & ~tp
                if use.any():
                    sv = scope.values[ref][idx]
                    if sv.dtype != object and (f is None or f.values.dtype == sv.dtype):
                        vals = np.where(fp, f.values[idx], sv) if f is not None else sv
                        fields[ref] = (vals, fp | use)
                        continue
                    vals = [None] * len(idx)
                    if f is not None:
                        for k in np.flatnonzero(fp).tolist():
                            vals[k] = f.value(int(idx[k]))
                    for k in np.flatnonzero(use).tolist():
                        vals[k] = sv[k]
                    col = column(vals)
                    if col.values.dtype == object and not all(isinstance(v, str) for v in vals if v is not None):
                        return None
                    fields[ref] = (col.values, col.present)
                    continue
            if f is not None:
                fields[ref] = (f.values[idx], f.present[idx])
        return PointColumns(pts.time[idx], fields, tags)

    def _evaluate(self, lam, pts, idx, scope, state, tag_cols):
        """``(ok mask, values list, errors list)`` of ``lam`` on rows ``idx``."""
        cols = self._columns(pts, idx, lam.refs, scope, tag_cols)
        if cols is not None:
            res = lam.evaluate(cols, state)
            return _result_array(res), res.errors
        # some name mixes value types across rows: one row at a time (rare)
        vals = np.full(len(idx), None, dtype=object)
        errs = np.full(len(idx), None, dtype=object)
        for k in range(len(idx)):
            one = self._columns(pts, idx[k:k + 1], lam.refs, scope, tag_cols)
            if one is None:  # a Time or other non-column value in the scope
                errs[k] = "cannot use a time value from an earlier expression"
                continue
            res = lam.evaluate(one, state)
            vals[k] = _result_array(res)[0]
            if res.errors is not None:
                errs[k] = res.errors[0]
        return vals, errs

    def _run(self, pts: Points, states):
        """``(output Points, rows of pts they come from)``."""
        n = pts.n
        alive = np.ones(n, dtype=bool)
        failed = [None] * n
        scope = _Scope(n)
        tag_names = sorted({r for lam in self.lams for r in lam.refs if r != "time"})
        tag_cols = {k: v for k, v in pts.tag_columns(tag_names).items() if np.not_equal(v, None).any()}
        for i, lam in enumerate(self.lams):
            idx = np.flatnonzero(alive)
            if not len(idx):
                break
            vals, errs = self._evaluate(lam, pts, idx, scope, states[i] if states else None, tag_cols)
            # fillScope: the references now hold the point's values (field, else tag)
            for ref in lam.refs:
                if ref == "time":
                    continue
                f = pts.fields.get(ref)
                if f is not None:
                    rows = idx[f.present[idx]]
                    if len(rows):
                        scope.set(ref, rows, f.values[rows])
                tcol = tag_cols.get(ref)
                if tcol is not None:
                    rows = idx[np.not_equal(tcol[idx], None)]
                    if len(rows):
                        scope.set(ref, rows, tcol[rows])
            ok = np.ones(len(idx), dtype=bool) if errs is None else np.equal(errs, None).astype(bool)
            for k in np.flatnonzero(~ok).tolist():
                failed[int(idx[k])] = errs[k]
            alive[idx[~ok]] = False
            good = idx[ok]
            if len(good):
                scope.set(self.as_list[i], good, vals[ok])
        return self._output(pts, alive, failed, scope)

    def _output(self, pts, alive, failed, scope) -> Points:
        n = pts.n
        # tags from string results
        new_tags = {}
        for tag in self.tags:
            if not scope.has(tag):
                continue
            vals = scope.values[tag]
            if vals.dtype != object:
                bad = np.flatnonzero(alive)        # a typed column holds no strings
            else:
                rows = np.flatnonzero(alive)
                bad = rows[[not isinstance(v, str) for v in vals[rows].tolist()]] if len(rows) else rows
            for r in bad.tolist():
                alive[r] = False
                failed[r] = f"result of a tag expression must be of type string, got {_go_type_name(_py(vals[r]))}"
            new_tags[tag] = vals
        # fields
        fields = {}
        if self.keep and self.keep_list:
            for f in self.keep_list:
                # the scope first, then the point's own field (a name no expression referenced)
                sc = scope.column(f) if scope.has(f) else None
                src = pts.fields.get(f)
                if sc is None and src is None:
                    col = Field(np.zeros(n), np.zeros(n, dtype=bool))
                elif src is None:
                    col = sc
                elif sc is None:
                    col = src
                else:
                    use = src.present & ~sc.present
                    if sc.values.dtype != object and sc.values.dtype == src.values.dtype:
                        col = Field(np.where(use, src.values, sc.values), sc.present | use)
                    else:
                        vals = sc.values.astype(object)
                        vals[~sc.present] = None
                        vals[use] = [_py(v) for v in src.values[use].tolist()]
                        col = Field(vals, sc.present | use)
                for r in np.flatnonzero(alive & ~col.present).tolist():
                    alive[r] = False
                    failed[r] = f'cannot keep field "{f}", field does not exist'
                fields[f] = col
        else:
            if self.keep:
                for k, f in pts.fields.items():
                    fields[k] = f
            for name in self.as_list:
                if name in self.tag_set and not self.keep:
                    continue
                if scope.has(name):
                    fields[name] = scope.column(name)
        for r, err in enumerate(failed):
            if err is not None and not self.quiet:
                self.error(f"error evaluating expression: {err}")
        keep_rows = np.flatnonzero(alive)
        if not len(keep_rows):
            return Points.empty(pts.db, pts.rp), keep_rows
        out_fields = {}
        for k, f in fields.items():
            if f.values.dtype != object:
                sub = f.take(keep_rows)
            else:   # Python values (mixed types, strings, times): the column types them again
                sub = column([_field_value(v) if p else None
                              for v, p in zip(f.values[keep_rows].tolist(), f.present[keep_rows].tolist())])
            if sub.present.any():
                out_fields[k] = sub
        series, sid = pts.series, pts.sid[keep_rows]
        if new_tags:
            memo, series, sids = {}, [], np.empty(len(keep_rows), dtype=np.int32)
            for k, r in enumerate(keep_rows.tolist()):
                s = pts.series[pts.sid[r]]
                key = (pts.sid[r], *(new_tags[t][r] for t in self.tags if t in new_tags))
                j = memo.get(key)
                if j is None:
                    tags = dict(s.tags)
                    for t in self.tags:
                        if t in new_tags:
                            tags[t] = new_tags[t][r]
                    j = memo[key] = len(series)
                    series.append(s.replace(tags=tags))
                sids[k] = j
            sid = sids
        return Points(pts.time[keep_rows], sid, series, out_fields, pts.db, pts.rp), keep_rows

    # -- messages ------------------------------------------------------------------------

    def points(self, pts, port):
        groups = group_indices(pts)
        if not self.stateful:
            for group, _, _ in groups:
                self._states(group)
            self.emit_points(self._run(pts, None)[0])
            return
        outs, rows = [], []
        for group, _, idx in groups:
            part = pts if len(idx) == pts.n else pts.take(idx)
            out, kept = self._run(part, self._states(group))
            outs.append(out)
            rows.append(idx[kept])
        out = concat(outs) if len(outs) > 1 else outs[0]
        if len(outs) > 1:    # back to arrival order, as Kapacitor emits point by point
            out = out.take(np.argsort(np.concatenate(rows), kind="stable"))
        self.emit_points(out)

    def batch(self, b, port):
        states = self._states(b.group)
        if not self.stateful:
            states = None
        self.emit_batch(b.with_points(self._run(b.points, states)[0] if b.points.n else b.points))

    def delete_group(self, msg, port):
        if self.states.pop(msg.group, None) is not None:
            self.stats.cardinality = len(self.states)
            self.emit_delete(msg)

    def state(self):
        return {g: [s.to_dict() for s in sts] for g, sts in self.states.items()} or None

    def restore(self, state):
        from machstore.tick.state import LambdaState
        self.states = {g: [LambdaState.from_dict(d) for d in sts] for g, sts in (state or {}).items()}
        self.stats.cardinality = len(self.states)


def _py(v):
    return v.item() if isinstance(v, np.generic) else v


def _field_value(v):
    """A scope value as a field value (a time as its RFC3339 text, as Go's JSON writes it)."""
    if isinstance(v, Time):
        return rfc3339(v.ns)
    return v

