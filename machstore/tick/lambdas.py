"""TICKscript lambdas compiled once and evaluated on whole columns of points.

A lambda (``lambda: "usage_idle" < 10 AND "host" =~ /web/``) is checked once at compile time
(``validate``) and then evaluated per batch of points held as columns.  Kapacitor types every
point separately; here rows are first split by which referenced names are a field, a tag or
missing (usually one split for a whole batch), because within a split every node has one
type, so Kapacitor's ``Type`` checks and type errors are decided once per split, and values
are computed column-wise.  What fails per row (integer division by zero, a parse in
``int("x")``) comes back as that row's message, and evaluation of the rest of the expression
stops for that row exactly as it would in Kapacitor (AND/OR short-circuit, function
arguments left to right), so stateful functions advance on the same rows.

``lambda_ref.ReferenceLambda`` is the point-at-a-time oracle; tests hold the two equal.
"""

from dataclasses import dataclass

import numpy as np

from machstore.tick.expr import Node, calls, from_ast, from_tuple, references
from machstore.tick.functions import DTYPES, CallError, call_columns, float_to_int64
from machstore.tick.gocompat import go_quote
from machstore.tick.lambda_types import (
    BOOL,
    DURATION,
    FLOAT,
    GO_TYPE,
    INT,
    INVALID,
    MISSING,
    OPERATORS,
    REGEX,
    STRING,
    TIME,
    LambdaError,
    constant_type,
    is_dynamic,
    missing_reference,
    type_error,
    type_guard,
)
from machstore.tick.signatures import MAX_ARGS, SIGNATURES, STATEFUL, missing_error, signature_error, signature_result
from machstore.tick.state import LambdaState
from machstore.tick.validate import validate

DIVIDE_BY_ZERO = "runtime error: integer divide by zero"
EVALUATOR_GO_TYPE = {"unary": "*stateful.EvalUnaryNode", "binary": "*stateful.EvalBinaryNode",
                     "call": "*stateful.EvalFunctionNode"}


class PointColumns:
    """A batch of points of one group as columns: times, fields and tags.

    ``fields`` maps a name to an array (float64, int64, bool or str/object; None in an
    object array means absent) or to ``(array, present_mask)``; ``tags`` maps a name to an
    object array of str with None where the point has no such tag.
    """

    def __init__(self, time, fields=None, tags=None):
        self.time = np.asarray(time, dtype=np.int64)
        self.n = len(self.time)
        self.fields = {k: _field_column(k, v, self.n) for k, v in (fields or {}).items()}
        self.tags = {}
        for name, values in (tags or {}).items():
            arr = np.asarray(values, dtype=object)
            self.tags[name] = (arr, np.not_equal(arr, None).astype(bool))


def _field_column(name, values, n):
    present = None
    if isinstance(values, tuple):
        values, present = values
        present = np.asarray(present, dtype=bool)
    arr = np.asarray(values)
    if len(arr) != n:
        raise LambdaError(f"field {name!r} has {len(arr)} rows, the batch has {n}")
    kind = arr.dtype.kind
    if kind == "f":
        typ, arr = FLOAT, arr.astype(np.float64, copy=False)
    elif kind == "i":
        typ, arr = INT, arr.astype(np.int64, copy=False)
    elif kind == "b":
        typ = BOOL
    elif kind == "m":
        typ, arr = DURATION, arr.astype("timedelta64[ns]").view(np.int64)
    elif kind in "OUS":
        typ, arr = STRING, arr.astype(object)
        not_none = np.not_equal(arr, None).astype(bool)
        present = not_none if present is None else present & not_none
    else:
        # NOTE: Kapacitor's TypeOf has no unsigned type; such fields cannot be used in lambdas.
        raise LambdaError(f"field {name!r} of dtype {arr.dtype} cannot be used in a lambda")
    if present is None:
        present = np.ones(n, dtype=bool)
    return typ, arr, present


@dataclass
class ColumnResult:
    """The lambda's value per row; ``errors[i]`` is row i's message when it failed.

    ``values`` is typed (``type`` names it) when every row that succeeded has one type,
    else an object array of Python values with ``type`` None.
    """

    values: np.ndarray
    type: object
    errors: object

    @property
    def ok(self):
        """Rows that evaluated without error."""
        if self.errors is None:
            return np.ones(len(self.values), dtype=bool)
        return np.equal(self.errors, None).astype(bool)

    @property
    def mask(self):
        """For a predicate: rows that passed (an erroring row never passes, as in Kapacitor)."""
        return self.ok & (self.values == True)


def compile_lambda(source, *, tz=None):
    """Compile a lambda from its text (after ``lambda:``), a parsed LambdaNode or a tuple tree."""
    if isinstance(source, str):
        from machstore.tick.parser import parse_lambda
        source = from_ast(parse_lambda(source))
    elif not isinstance(source, tuple | Node):
        source = from_ast(source)
    return Lambda(source, tz=tz)


class Lambda:
    """A lambda compiled for column evaluation (build with a tuple tree or an ``expr`` node).

    ``tz`` is the zone of the time functions: a ``zoneinfo.ZoneInfo`` or None for this
    machine's local zone, which is what Kapacitor uses.
    """

    def __init__(self, tree, *, tz=None):
        self.node = from_tuple(tree)
        validate(self.node)
        self.refs = references(self.node)
        self.tz = tz
        self.stateful = bool(calls(self.node) & set(STATEFUL))
        # Kapacitor keeps one instance per stateful function per expression: when one is
        # called from two places, their calls interleave point by point, so such a lambda is
        # evaluated one row at a time (exact, and slow; real lambdas rarely do this).
        self.row_at_a_time = _shared_stateful_calls(self.node)

    def new_state(self):
        """A fresh per-group state for the stateful functions (dump it with ``to_bytes``)."""
        return LambdaState()

    def evaluate(self, cols, state):
        """Kapacitor's ``Eval`` on every row (what ``eval`` nodes use)."""
        return self._run(cols, state, predicate=False)

    def predicate(self, cols, state):
        """Kapacitor's ``EvalPredicate`` on every row (what ``where`` and alerts use)."""
        return self._run(cols, state, predicate=True)

    # -- splitting rows by the types of their references --------------------------------------

    def _run(self, cols, state, predicate):
        n = cols.n
        errors = np.full(n, None, dtype=object)
        clash = np.zeros(n, dtype=bool)
        key = np.zeros(n, dtype=np.int64)
        sources = []
        for name in self.refs:
            if name == "time":
                continue
            field = cols.fields.get(name)
            tag = cols.tags.get(name)
            f_present = field[2] if field else np.zeros(n, bool)
            t_present = tag[1] if tag else np.zeros(n, bool)
            conflict = f_present & t_present & ~clash
            if conflict.any():
                errors[conflict] = f"cannot have field and tags with same name {go_quote(name)}"
                clash |= conflict
            # PERF: one int64 key per row, 2 bits per reference (field, tag, missing).
            key = key * 4 + f_present.astype(np.int64) + 2 * t_present.astype(np.int64)
            sources.append((name, field, tag))
        if len(sources) > 31:
            raise LambdaError("a lambda may reference at most 31 fields and tags")
        if n and not clash.any() and (key == key[0]).all():
            keys, inverse = key[:1], np.zeros(n, dtype=np.int64)
        else:
            keys, inverse = np.unique(key, return_inverse=True)
            inverse = np.where(clash, -1, inverse.reshape(-1))
        if self.row_at_a_time:
            pieces = [(inverse[i], np.arange(i, i + 1)) for i in range(n)]
        elif self.stateful and len(keys) > 1:
            # Stateful functions must see rows in order: evaluate each run of equal keys.
            change = np.flatnonzero(np.diff(inverse)) + 1
            starts = np.concatenate(([0], change))
            stops = np.concatenate((change, [n]))
            pieces = [(inverse[s], np.arange(s, e)) for s, e in zip(starts.tolist(), stops.tolist())]
        elif len(keys) == 1 and not clash.any():
            pieces = [(0, np.arange(n))]
        else:
            pieces = [(g, np.flatnonzero(inverse == g)) for g in range(len(keys))]
        parts = []
        for g, idx in pieces:
            if g < 0 or not len(idx):
                continue
            env, columns = {}, {}
            packed = int(keys[g])
            codes = [(packed >> (2 * (len(sources) - 1 - i))) & 3 for i in range(len(sources))]
            for (name, field, tag), code in zip(sources, codes):
                if code == 1:
                    env[name], columns[name] = field[0], field[1]
                elif code == 2:
                    env[name], columns[name] = STRING, tag[0]
                else:
                    env[name] = MISSING
            if "time" in self.refs:
                env["time"], columns["time"] = TIME, cols.time
            plan = _Plan(env, columns, state, self.tz, self.refs)
            typ, vals, errs = plan.run(self.node, idx, predicate)
            parts.append((idx, typ, vals, errs))
        return _assemble(n, errors, parts)


def _shared_stateful_calls(node):
    sites = {}

    def walk(n):
        if n.kind == "call":
            if n.name in STATEFUL:
                sites[n.name] = sites.get(n.name, 0) + 1
            for a in n.args:
                walk(a)
        elif n.kind == "unary":
            walk(n.operand)
        elif n.kind == "binary":
            walk(n.left)
            walk(n.right)

    walk(node)
    return any(count > 1 for count in sites.values())


def _assemble(n, errors, parts):
    types = {typ for _, typ, vals, errs in parts if vals is not None}
    single = next(iter(types)) if len(types) == 1 else None
    if single is not None and single in DTYPES:
        values = np.zeros(n, dtype=DTYPES[single])
        if DTYPES[single] is object:
            values[:] = None
    else:
        values = np.full(n, None, dtype=object)
    for idx, typ, vals, errs in parts:
        if vals is not None:
            if values.dtype == object and single is None:
                values[idx] = np.array([_py(typ, v) for v in vals.tolist()] + [None],
                                       dtype=object)[:-1]
            else:
                values[idx] = vals
        if errs is not None:
            errors[idx] = errs
    has_errors = not np.equal(errors, None).all()
    return ColumnResult(values, single, errors if has_errors else None)


def _py(typ, value):
    from machstore.tick.lambda_types import Duration, Time
    if typ == DURATION:
        return Duration(value)
    if typ == TIME:
        return Time(value)
    return value


class _StaticError(Exception):
    """A Type-time error: the same for every row of a split."""


def _all(n, msg):
    return np.full(n, None, dtype=object), np.full(n, msg, dtype=object)


def _okmask(errs, n):
    if errs is None:
        return np.ones(n, dtype=bool)
    return np.equal(errs, None).astype(bool)


def _merge(n, first, positions, second):
    """Errors of n rows: ``first`` everywhere, then ``second`` at ``positions``."""
    if second is None:
        return first
    out = np.full(n, None, dtype=object) if first is None else first.copy()
    out[positions] = second
    return out


def _set_where_ok(n, errs, msg):
    out = np.full(n, None, dtype=object) if errs is None else errs.copy()
    out[np.equal(out, None).astype(bool)] = msg
    return out


def _prefix(errs, prefix):
    if errs is None:
        return None
    out = errs.copy()
    for i in np.flatnonzero(np.not_equal(out, None)).tolist():
        out[i] = prefix + out[i]
    return out


def _empty(typ, n):
    if typ in DTYPES:
        return np.zeros(n, dtype=DTYPES[typ]) if DTYPES[typ] is not object else np.full(n, None, object)
    return None


class _Plan:
    """One split of rows: every reference has one type, so every node has one type."""

    def __init__(self, env, columns, state, tz, refs):
        self.env = env
        self.columns = columns
        self.state = state
        self.tz = tz
        self.refs = refs
        self.types = {}

    def run(self, root, idx, predicate):
        n = len(idx)
        try:
            typ = self.typ(root)
        except _StaticError as ex:
            return None, None, np.full(n, str(ex), dtype=object)
        if predicate:
            typ = BOOL
        elif typ not in (BOOL, INT, FLOAT, STRING, DURATION, MISSING):
            return None, None, np.full(n, f"expression returned unexpected type {typ}", object)
        vals, errs = self.ev(root, typ, idx)
        if typ == MISSING:
            return None, None, errs
        return typ, vals, errs

    # -- Type ----------------------------------------------------------------------------

    def typ(self, node):
        key = id(node)
        if key not in self.types:
            try:
                self.types[key] = (self._typ(node), None)
            except _StaticError as ex:
                self.types[key] = (None, str(ex))
        typ, err = self.types[key]
        if err is not None:
            raise _StaticError(err)
        return typ

    def _typ(self, node):
        kind = node.kind
        if kind == "literal":
            return node.type
        if kind == "reference":
            return self.env[node.name]
        const = constant_type(node)
        if kind == "unary":
            return const if const != INVALID else self.typ(node.operand)
        if kind == "binary":
            if const != INVALID:
                return const
            lt, rt = self.typ(node.left), self.typ(node.right)
            result = OPERATORS.get((node.op, lt, rt))
            if result is None:
                raise _StaticError(type_error(node.op, lt, rt))
            return result
        if node.name not in SIGNATURES:
            raise _StaticError(f"undefined function: {go_quote(node.name)}")
        types = []
        for i, arg in enumerate(node.args):
            try:
                t = self.typ(arg)
            except _StaticError as ex:
                raise _StaticError(f"Failed to handle {i + 1} argument: {ex}") from None
            if i >= MAX_ARGS:
                raise _StaticError(f"runtime error: index out of range [{i}] with length {MAX_ARGS}")
            types.append(t)
        result = signature_result(node.name, types)
        if result is None:
            missing = [a.text() for a, t in zip(node.args, types) if t == MISSING]
            if missing:
                raise _StaticError(missing_error(node.name, missing, [f'"{r}"' for r in self.refs]))
            raise _StaticError(signature_error(node.name, [a.text() for a in node.args], types))
        return result

    # -- Eval ----------------------------------------------------------------------------

    def ev(self, node, req, idx):
        """Evaluate ``node`` as type ``req`` on rows ``idx``: (values, errors or None)."""
        n = len(idx)
        kind = node.kind
        if kind == "literal":
            if req == node.type:
                value = node.value.ns if node.type == DURATION else node.value
                if node.type == REGEX:
                    out = np.empty(n, dtype=object)
                    out[:] = [value] * n
                    return out, None
                return np.full(n, value, dtype=DTYPES[node.type]), None
            if node.type == FLOAT and req == INT:
                return _all(n, type_guard(FLOAT, FLOAT))
            return _all(n, type_guard(req, node.type))
        if kind == "reference":
            typ = self.env[node.name]
            if typ == req:
                if typ == MISSING:
                    return _all(n, f'missing value: "{node.name}"')
                return self.columns[node.name][idx], None
            if typ == MISSING:
                return _all(n, missing_reference(node.name))
            return _all(n, type_guard(req, typ))
        if kind == "unary":
            return self._unary(node, req, idx)
        if kind == "binary":
            return self._binary(node, req, idx)
        return self._call(node, req, idx)

    def _unary(self, node, req, idx):
        n = len(idx)
        if req in (FLOAT, INT, DURATION, BOOL):
            try:
                typ = self.typ(node)
            except _StaticError as ex:
                return _all(n, str(ex))
            if typ != req:
                return _all(n, type_guard(req, typ))
            vals, errs = self.ev(node.operand, req, idx)
            ok = _okmask(errs, n)
            out = _empty(req, n)
            good = vals[ok].astype(DTYPES[req])
            with np.errstate(all="ignore"):
                out[ok] = ~good if req == BOOL else -1.0 * good if req == FLOAT else -good
            return out, errs
        if req == MISSING:
            if node.operand.kind != "reference":
                return _all(n, "expected nodeEvaluator to be *EvalReferenceNode got "
                            + EVALUATOR_GO_TYPE.get(node.operand.kind, "*stateful.EvalNode"))
            return _all(n, missing_reference(node.operand.name))
        return _all(n, type_guard(req, constant_type(node)))

    def _binary(self, node, req, idx):
        n = len(idx)
        if req in (REGEX, TIME, MISSING):
            return _all(n, type_guard(req, constant_type(node)))
        if not (is_dynamic(node.left) or is_dynamic(node.right)):
            lt, rt = constant_type(node.left), constant_type(node.right)
        else:
            try:
                lt, rt = self.typ(node.left), self.typ(node.right)
            except _StaticError as ex:
                return _all(n, str(ex))
            if (node.op, lt, rt) not in OPERATORS:
                return _all(n, _determine_error(node, lt, rt))
        result = OPERATORS[(node.op, lt, rt)]
        vals, errs = self._apply(node, lt, rt, result, idx)
        if req == result:
            return vals, errs
        if req in (FLOAT, INT):
            actual = result if result in (FLOAT, INT) else constant_type(node)
            return vals, _set_where_ok(n, errs, type_guard(req, actual))
        shown = GO_TYPE[result] if result in (INT, FLOAT, BOOL) else "<nil>"
        return vals, _set_where_ok(n, errs, f"expression returned unexpected type {shown}")

    def _apply(self, node, lt, rt, result, idx):
        n = len(idx)
        op = node.op
        lv, le = self.ev(node.left, BOOL if op in ("AND", "OR") else lt, idx)
        ok = _okmask(le, n)
        if op in ("AND", "OR"):
            lv = lv.astype(bool)
            need = ok & lv if op == "AND" else ok & ~lv
            out = (ok & lv) if op == "OR" else np.zeros(n, dtype=bool)
            pos = np.flatnonzero(need)
            rv, re_ = self.ev(node.right, BOOL, idx[pos])
            out[pos] = rv
            return out, _merge(n, le, pos, re_)
        pos = np.flatnonzero(ok)
        rv, re_ = self.ev(node.right, rt, idx[pos])
        both = _okmask(re_, len(pos))
        pos2 = pos[both]
        out = _empty(result, n)
        vals, errs = _compute(op, lt, rt, _typed_values(lv[pos2], lt), _typed_values(rv[both], rt))
        out[pos2] = vals
        errs_all = _merge(n, le, pos, re_)
        if errs is not None:  # runtime errors, only where both sides succeeded
            errs_all = _merge(n, errs_all, pos2, errs)
        return out, errs_all

    def _call(self, node, req, idx):
        n = len(idx)
        errs = None
        active = np.arange(n)
        args, types = [], []
        for i, arg in enumerate(node.args):
            prefix = f"Failed to handle {i + 1} argument: "
            try:
                typ = self.typ(arg)
            except _StaticError as ex:
                errs = _merge(n, errs, active, np.full(len(active), prefix + str(ex), object))
                return np.full(n, None, dtype=object), errs
            types.append(typ)
            if typ == MISSING:
                _, e = self.ev(arg, MISSING, idx[active])
                if e is not None:
                    keep = np.array([m is not None and "missing value" not in m for m in e.tolist()],
                                    dtype=bool)
                    if keep.any():
                        errs = _merge(n, errs, active[keep], _prefix(e[keep], prefix))
                        active = active[~keep]
                args.append(None)
                continue
            v, e = self.ev(arg, typ, idx[active])
            full = _empty(typ, n)
            full[active] = v
            args.append(full)
            if e is not None:
                bad = np.not_equal(e, None).astype(bool)
                errs = _merge(n, errs, active[bad], _prefix(e[bad], prefix))
                active = active[~bad]
        if node.name not in SIGNATURES:
            msg = f"undefined function: {go_quote(node.name)}"
            return np.full(n, None, dtype=object), _merge(n, errs, active,
                                                          np.full(len(active), msg, object))
        call_prefix = f"error calling {go_quote(node.name)}: "
        sub_args = [a[active] if a is not None else None for a in args]
        try:
            typ, vals, e = call_columns(node.name, sub_args, types, len(active), self.state, self.tz)
        except CallError as ex:
            msg = str(ex)
            msg = msg if msg.startswith("runtime error: ") else call_prefix + msg
            return np.full(n, None, dtype=object), _merge(n, errs, active,
                                                          np.full(len(active), msg, object))
        out = _empty(typ, n)
        out[active] = vals
        if e is not None:
            e = e.copy()
            for i in np.flatnonzero(np.not_equal(e, None)).tolist():
                if not e[i].startswith("runtime error: "):
                    e[i] = call_prefix + e[i]
            errs = _merge(n, errs, active, e)
        if typ != req:
            errs = _merge(n, errs, active, _set_where_ok(len(active), None if e is None else e,
                                                         type_guard(req, typ)))
        return out, errs


def _regex_matches(texts, regexes):
    """``re.search`` per row, memoised per (regex, text): tags repeat a lot."""
    memo = {}
    for text, regex in zip(texts, regexes):
        k = (id(regex), text)
        hit = memo.get(k)
        if hit is None:
            hit = memo[k] = regex.re.search(text) is not None
        yield hit


def _typed_values(vals, typ):
    dtype = DTYPES.get(typ)
    return vals if dtype is None or vals.dtype == dtype else vals.astype(dtype)


def _determine_error(node, lt, rt):
    for side, typ, child in (("left", lt, node.left), ("right", rt, node.right)):
        if typ == MISSING:
            if child.kind != "reference":
                return (f"expected {side}Evaluator to be *EvalReferenceNode got "
                        + EVALUATOR_GO_TYPE.get(child.kind, "*stateful.EvalNode"))
            return f'{side} reference value "{child.name}" is missing value'
    return type_error(node.op, lt, rt)


def _trunc_div(a, b):
    """Go's truncating int64 division (b has no zeros)."""
    with np.errstate(all="ignore"):
        q = np.floor_divide(a, b)
        r = a - q * b
        fix = (r != 0) & ((a < 0) != (b < 0))
    return q + fix


def _compute(op, lt, rt, a, b):
    """One operator on two columns: (values, per-row errors or None)."""
    if op in ("=~", "!~"):
        found = np.fromiter(_regex_matches(a.tolist(), b.tolist()), dtype=bool, count=len(a))
        return (found if op == "=~" else ~found), None
    if op in ("==", "!=", "<", "<=", ">", ">="):
        if lt != rt:
            a, b = a.astype(np.float64), b.astype(np.float64)
        fn = {"==": np.equal, "!=": np.not_equal, "<": np.less, "<=": np.less_equal,
              ">": np.greater, ">=": np.greater_equal}[op]
        return fn(a, b).astype(bool), None
    if lt == STRING:
        return (a + b if len(a) else np.empty(0, object)), None
    with np.errstate(all="ignore"):
        if (lt, rt) in ((FLOAT, FLOAT),):
            return {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.true_divide}[op](a, b), None
        if op in ("+", "-") or (op == "*" and FLOAT not in (lt, rt)):
            return {"+": np.add, "-": np.subtract, "*": np.multiply}[op](a, b), None
        if op == "*":
            return float_to_int64(a.astype(np.float64) * b.astype(np.float64)), None
        if rt == FLOAT:  # duration / float
            return float_to_int64(a.astype(np.float64) / b), None
        zero = b == 0
        safe = np.where(zero, 1, b)
        q = _trunc_div(a, safe)
        vals = q if op == "/" else a - safe * q
        errs = None
        if zero.any():
            errs = np.where(zero, DIVIDE_BY_ZERO, None).astype(object)
        return vals, errs
