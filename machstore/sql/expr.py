"""Evaluate SQL expressions over columns: numpy arrays with NULL masks and Machbase types.

A :class:`Val` is a typed column (or a scalar, broadcast on use).  ``evaluate(node,
frame)`` walks the AST once per batch of rows (no per-row Python), following Machbase's
coercions: a string literal compared with a datetime column is read as a datetime, a
numeric text compared with a number is a number.  Aggregate calls are not evaluated
here: the SELECT planner computes them per group and hands them in ``frame.computed``.
"""
import re
import time
from dataclasses import dataclass

import numpy as np

from machstore.machbase import types as mt
from machstore.machbase.datetimes import format_datetime, parse_datetime, parse_datetimes
from machstore.machbase.errors import error

from . import ast
from .format import format_sql

LONG, DOUBLE, DATETIME = mt.lookup("long"), mt.lookup("double"), mt.lookup("datetime")
BOOL = None  # conditions have no Machbase type

AGGREGATES = frozenset(("COUNT", "SUM", "MIN", "MAX", "AVG", "SUMSQ", "STDDEV", "STDDEV_POP",
                        "VARIANCE", "VAR_POP", "FIRST", "LAST"))

NS = {"NSEC": 1, "NANOSECOND": 1, "USEC": 1_000, "MICROSECOND": 1_000, "MSEC": 1_000_000,
      "MILLISECOND": 1_000_000, "SEC": 10**9, "SECOND": 10**9, "MIN": 60 * 10**9, "MINUTE": 60 * 10**9,
      "HOUR": 3600 * 10**9, "DAY": 86400 * 10**9, "WEEK": 7 * 86400 * 10**9}


@dataclass
class Val:
    """A typed column (``values`` ndarray, ``nulls`` bool mask or None) or scalar (``scalar``)."""

    mtype: object
    values: object
    nulls: object = None
    scalar: bool = False

    def array(self, n):
        """Return ``(values, nulls)`` as arrays of length ``n``."""
        if not self.scalar:
            return self.values, self.nulls
        if self.values is None:
            return np.zeros(n, dtype=object), np.ones(n, dtype=bool)
        dtype = object if isinstance(self.values, (str, bytes)) else None
        return np.full(n, self.values, dtype=dtype), None

    def null_mask(self, n):
        if self.scalar:
            return np.full(n, self.values is None)
        return np.zeros(n, dtype=bool) if self.nulls is None else self.nulls


def scalar(mtype, value):
    return Val(mtype, value, None, True)


class Frame:
    """Named columns over ``n`` rows; ``computed`` maps aggregate Call nodes to their values."""

    def __init__(self, n, columns=None, *, session=None, aliases=()):
        self.n = n
        self.columns = columns or {}     # upper name -> Val
        self.computed = {}
        self.session = session
        self.aliases = set(aliases)      # table aliases accepted as qualifiers

    def column(self, node):
        if node.table is not None and self.aliases and node.table not in self.aliases:
            raise error(2030, f"{node.table}.{node.name}")
        val = self.columns.get(node.name)
        if val is None:
            raise error(2030, node.name)
        return val

    def take(self, idx):
        out = Frame(int(np.count_nonzero(idx)) if idx.dtype == bool else len(idx), session=self.session,
                    aliases=self.aliases)
        def cut(v):
            return v if v.scalar else Val(v.mtype, v.values[idx], None if v.nulls is None else v.nulls[idx])

        out.columns = {name: cut(v) for name, v in self.columns.items()}
        out.computed = {node: cut(v) for node, v in self.computed.items()}
        return out


def evaluate(node, frame):
    """Return the Val of ``node`` over ``frame``."""
    fn = _DISPATCH.get(type(node))
    if fn is None:
        raise error(2010, format_sql(node))
    return fn(node, frame)


def condition(node, frame):
    """Evaluate a WHERE/HAVING condition to a boolean mask (NULL counts as false)."""
    v = evaluate(node, frame)
    values, nulls = v.array(frame.n)
    mask = np.asarray(values, dtype=bool)
    return mask & ~nulls if nulls is not None else mask


def contains_aggregate(node):
    if isinstance(node, ast.Call) and node.name in AGGREGATES:
        return True
    return any(contains_aggregate(c) for c in children(node))


def aggregate_calls(node, out):
    """Collect the aggregate Call nodes of an expression (outermost ones) into ``out``."""
    if isinstance(node, ast.Call) and node.name in AGGREGATES:
        if node not in out:
            out.append(node)
        return out
    for c in children(node):
        aggregate_calls(c, out)
    return out


def children(node):
    if isinstance(node, ast.Unary):
        return (node.operand,)
    if isinstance(node, ast.Binary):
        return (node.left, node.right)
    if isinstance(node, ast.Call):
        return node.args
    if isinstance(node, ast.Between):
        return (node.expr, node.low, node.high)
    if isinstance(node, ast.In):
        return (node.expr, *node.items)
    if isinstance(node, (ast.Match,)):
        return (node.expr, node.pattern)
    if isinstance(node, ast.IsNull):
        return (node.expr,)
    if isinstance(node, ast.Case):
        out = [node.operand] if node.operand is not None else []
        for w in node.whens:
            out += [w.condition, w.result]
        if node.else_ is not None:
            out.append(node.else_)
        return tuple(out)
    return ()


# -- leaves --------------------------------------------------------------------------------

def _num(node, frame):
    return scalar(LONG if isinstance(node.value, int) else DOUBLE, node.value)


def _str(node, frame):
    return scalar(mt.lookup(f"varchar({max(len(node.value.encode()), 1)})"), node.value)


def _null(node, frame):
    return scalar(mt.lookup("varchar(1)"), None)


def _column(node, frame):
    return frame.column(node)


def _interval(node, frame):
    return scalar(LONG, node.ns)


# -- operators -----------------------------------------------------------------------------

def _unary(node, frame):
    v = evaluate(node.operand, frame)
    if node.op == "NOT":
        values, nulls = v.array(frame.n)
        return Val(BOOL, ~np.asarray(values, dtype=bool), nulls)
    if node.op == "-":
        if v.scalar:
            return scalar(v.mtype, None if v.values is None else -v.values)
        return Val(v.mtype, -v.values, v.nulls)
    return v


def _numeric(v, n):
    """Return ``(float or int array, nulls)`` of a value used in arithmetic."""
    values, nulls = v.array(n)
    if values.dtype == object:
        try:
            values = np.array([0 if x is None else float(x) for x in values], dtype=np.float64)
        except (TypeError, ValueError):
            raise error(2055) from None
    return values, nulls


def _both_nulls(a, b):
    if a is None:
        return b
    if b is None:
        return a
    return a | b


def _binary(node, frame):
    op = node.op
    if op in ("AND", "OR"):
        a, b = evaluate(node.left, frame), evaluate(node.right, frame)
        av, an = a.array(frame.n)
        bv, bn = b.array(frame.n)
        av, bv = np.asarray(av, dtype=bool), np.asarray(bv, dtype=bool)
        an = np.zeros(frame.n, dtype=bool) if an is None else an
        bn = np.zeros(frame.n, dtype=bool) if bn is None else bn
        if op == "AND":  # three-valued logic: false wins over NULL
            value = av & bv & ~an & ~bn
            nulls = (an | bn) & ~((~av & ~an) | (~bv & ~bn))
        else:
            value = (av & ~an) | (bv & ~bn)
            nulls = (an | bn) & ~value
        return Val(BOOL, value, nulls)
    if op in ("=", "!=", "<>", "<", "<=", ">", ">="):
        return _compare(op, evaluate(node.left, frame), evaluate(node.right, frame), frame)
    if op == "||":
        a, b = evaluate(node.left, frame), evaluate(node.right, frame)
        av, an = a.array(frame.n)
        bv, bn = b.array(frame.n)
        out = np.array([f"{x}{y}" for x, y in zip(_texts(a, av), _texts(b, bv))], dtype=object)
        return Val(mt.lookup("varchar(32767)"), out, _both_nulls(an, bn))
    a, b = evaluate(node.left, frame), evaluate(node.right, frame)
    if a.scalar and b.scalar:
        if a.values is None or b.values is None:
            return scalar(DOUBLE, None)
        fa, fb = np.array([a.values]), np.array([b.values])
        res = _arith(op, fa.astype(np.float64) if fa.dtype == object else fa,
                     fb.astype(np.float64) if fb.dtype == object else fb, a, b)
        return scalar(res[1], res[0][0].item())
    av, an = _numeric(a, frame.n)
    bv, bn = _numeric(b, frame.n)
    values, mtype = _arith(op, av, bv, a, b)
    nulls = _both_nulls(an, bn)
    if op in ("/", "%"):
        zero = bv == 0
        if zero.any():
            nulls = zero if nulls is None else (nulls | zero)
    return Val(mtype, values, nulls)


def _arith(op, av, bv, a, b):
    ints = (a.mtype is not None and a.mtype.is_integer or a.mtype is DATETIME) and \
           (b.mtype is not None and b.mtype.is_integer or b.mtype is DATETIME)
    with np.errstate(divide="ignore", invalid="ignore"):
        if op == "+":
            out = av + bv
        elif op == "-":
            out = av - bv
        elif op == "*":
            out = av * bv
        elif op == "/":
            if ints:
                safe = np.where(bv == 0, 1, bv)
                out = np.trunc(av / safe).astype(np.int64) if not np.isscalar(av) else int(av / safe)
            else:
                out = np.true_divide(av, np.where(bv == 0, np.nan, bv))
        elif op == "%":
            safe = np.where(bv == 0, 1, bv)
            out = np.fmod(av, safe)
        else:
            raise error(2010, op)
    if ints:
        return np.asarray(out).astype(np.int64), LONG
    return np.asarray(out, dtype=np.float64), DOUBLE


def _coerce_pair(a, b, frame):
    """Make a string literal comparable with the other side (datetime or number)."""
    def fix(lit, other):
        if not lit.scalar or not isinstance(lit.values, str) or other.mtype is None:
            return lit
        if other.mtype is DATETIME or getattr(other.mtype, "name", "") == "datetime":
            return scalar(DATETIME, parse_datetime(lit.values, tz=frame.session.timezone if frame.session else None,
                                                   lenient=True))
        if other.mtype.is_integer or other.mtype.is_float:
            try:
                return scalar(DOUBLE, float(lit.values))
            except ValueError:
                raise error(2055) from None
        return lit
    return fix(a, b), fix(b, a)


def _compare(op, a, b, frame):
    a, b = _coerce_pair(a, b, frame)
    n = frame.n
    if a.scalar and b.scalar:
        if a.values is None or b.values is None:
            return scalar(BOOL, None)
        return scalar(BOOL, bool(_CMP[op](np.array([a.values]), np.array([b.values]))[0]))
    av, an = a.array(n)
    bv, bn = b.array(n)
    if av.dtype == object or bv.dtype == object:
        fill = "" if _is_text(a) or _is_text(b) else 0
        av = np.where(a.null_mask(n), fill, av) if av.dtype == object else av
        bv = np.where(b.null_mask(n), fill, bv) if bv.dtype == object else bv
    with np.errstate(invalid="ignore"):
        out = _CMP[op](av, bv)
    return Val(BOOL, np.asarray(out, dtype=bool), _both_nulls(an, bn))


def _is_text(v):
    return v.mtype is not None and (v.mtype.is_string or v.mtype.name in ("ipv4", "ipv6"))


_CMP = {"=": np.equal, "!=": np.not_equal, "<>": np.not_equal, "<": np.less, "<=": np.less_equal,
        ">": np.greater, ">=": np.greater_equal}


def _between(node, frame):
    lo = ast.Binary(">=", node.expr, node.low)
    hi = ast.Binary("<=", node.expr, node.high)
    v = _binary(ast.Binary("AND", lo, hi), frame)
    if node.negated:
        return Val(BOOL, ~np.asarray(v.array(frame.n)[0], dtype=bool), v.nulls)
    return v


def _in(node, frame):
    v = evaluate(node.expr, frame)
    out = np.zeros(frame.n, dtype=bool)
    for item in node.items:
        c = _compare("=", v, evaluate(item, frame), frame)
        values, nulls = c.array(frame.n)
        out |= np.asarray(values, dtype=bool) & (~nulls if nulls is not None else True)
    nulls = v.null_mask(frame.n)
    if node.negated:
        out = ~out
    return Val(BOOL, out & ~nulls, nulls if nulls.any() else None)


def _like_regex(pattern):
    parts = []
    for ch in pattern:
        parts.append(".*" if ch == "%" else "." if ch == "_" else re.escape(ch))
    return re.compile("".join(parts) + r"\Z", re.S)


def _match(node, frame):
    v = evaluate(node.expr, frame)
    p = evaluate(node.pattern, frame)
    if not p.scalar:
        raise error(2010, "LIKE")
    rx = _like_regex(str(p.values)) if node.op == "LIKE" else re.compile(str(p.values))
    values, nulls = v.array(frame.n)
    texts = _texts(v, values)
    out = np.fromiter((bool(rx.match(t)) if node.op == "LIKE" else bool(rx.search(t)) for t in texts),
                      dtype=bool, count=len(texts))
    if node.negated:
        out = ~out
    return Val(BOOL, out, nulls)


def _isnull(node, frame):
    v = evaluate(node.expr, frame)
    m = v.null_mask(frame.n)
    return Val(BOOL, ~m if node.negated else m, None)


def _case(node, frame):
    n = frame.n
    result_vals, result_nulls, mtype = None, np.ones(n, dtype=bool), None
    decided = np.zeros(n, dtype=bool)
    for w in node.whens:
        cond_node = w.condition if node.operand is None else ast.Binary("=", node.operand, w.condition)
        hit = condition(cond_node, frame) & ~decided
        r = evaluate(w.result, frame)
        rv, rn = r.array(n)
        mtype = mtype or r.mtype
        if result_vals is None:
            result_vals = np.zeros(n, dtype=rv.dtype) if rv.dtype != object else np.empty(n, dtype=object)
        result_vals = result_vals.astype(np.result_type(result_vals, rv)) if rv.dtype != object else \
            result_vals.astype(object)
        result_vals[hit] = rv[hit]
        result_nulls[hit] = rn[hit] if rn is not None else False
        decided |= hit
    if node.else_ is not None:
        r = evaluate(node.else_, frame)
        rv, rn = r.array(n)
        rest = ~decided
        result_vals = result_vals.astype(object) if rv.dtype == object else result_vals
        result_vals[rest] = rv[rest]
        result_nulls[rest] = rn[rest] if rn is not None else False
    return Val(mtype, result_vals, result_nulls)


# -- functions -----------------------------------------------------------------------------

def _call(node, frame):
    if node in frame.computed:
        return frame.computed[node]
    if node.name in AGGREGATES:
        raise error(2010, node.name)
    fn = FUNCTIONS.get(node.name)
    if fn is None:
        raise error(2035, node.name)
    return fn(node, frame)


def _texts(v, values):
    if v.mtype is DATETIME or getattr(v.mtype, "name", "") == "datetime":
        return [("" if x is None else s) for x, s in zip(values, format_datetime(values.astype(np.int64)))]
    return ["" if x is None else (x if isinstance(x, str) else str(x)) for x in values]


def _args(node, frame, count):
    if len(node.args) not in count:
        raise error(2010, node.name)
    return [evaluate(a, frame) for a in node.args]


def _to_date(node, frame):
    args = _args(node, frame, (1, 2))
    fmt = args[1].values if len(args) == 2 else None
    tz = frame.session.timezone if frame.session else None
    if args[0].scalar:
        if args[0].values is None:
            return scalar(DATETIME, None)
        return scalar(DATETIME, parse_datetime(str(args[0].values), fmt, tz=tz))
    values, nulls = args[0].array(frame.n)
    texts = np.where(args[0].null_mask(frame.n), "1970-01-01", values)
    return Val(DATETIME, parse_datetimes(list(texts), fmt, tz=tz), nulls)


def _to_char(node, frame):
    args = _args(node, frame, (1, 2))
    v = args[0]
    tz = frame.session.timezone if frame.session else None
    values, nulls = v.array(frame.n)
    if getattr(v.mtype, "name", "") == "datetime":
        fmt = args[1].values if len(args) == 2 else None
        mask = v.null_mask(frame.n)
        ints = np.where(mask, 0, values).astype(np.int64)
        out = np.array(format_datetime(ints, fmt, tz=tz) if fmt else format_datetime(ints, tz=tz), dtype=object)
    else:
        out = np.array(_texts(v, values), dtype=object)
    res = Val(mt.lookup("varchar(64)"), out, nulls)
    return scalar(res.mtype, out[0]) if v.scalar and frame.n else res


def _unit_ns(unit_val, n=1):
    unit = str(unit_val).upper()
    if unit.endswith("S") and unit[:-1] in NS:
        unit = unit[:-1]
    if unit not in NS:
        raise error(2035, f"unit {unit_val}")
    return NS[unit] * n


def _date_trunc(node, frame):
    args = _args(node, frame, (2, 3))
    step = _unit_ns(args[0].values, int(args[2].values) if len(args) == 3 else 1)
    return _bucket(args[1], step, frame)


def _rollup(node, frame):
    args = _args(node, frame, (3, 4))
    step = _unit_ns(args[0].values, int(args[1].values))
    origin = 0
    if len(args) == 4:
        origin = args[3].values if isinstance(args[3].values, int) else \
            parse_datetime(str(args[3].values), tz=frame.session.timezone if frame.session else None)
    return _bucket(args[2], step, frame, origin)


def _bucket(v, step, frame, origin=0):
    """Truncate datetimes to ``step`` buckets (local midnight-aligned for day+ units)."""
    tz = frame.session.timezone if frame.session else None
    values, nulls = v.array(frame.n)
    ints = np.where(v.null_mask(frame.n), 0, values).astype(np.int64)
    shift = origin
    if step >= NS["DAY"] and tz is not None and not origin:
        shift = -int(getattr(tz, "offset_s", 0) or 0) * 10**9
    out = (ints - shift) // step * step + shift
    return scalar(DATETIME, int(out[0])) if v.scalar else Val(DATETIME, out, nulls)


def _now(node, frame):
    return scalar(DATETIME, time.time_ns())


def _map_numeric(fn, mtype=None):
    def call(node, frame):
        (v,) = _args(node, frame, (1,))
        values, nulls = _numeric(v, frame.n)
        out = fn(values)
        return Val(mtype or (v.mtype if v.mtype is not None else DOUBLE), out, nulls) if not v.scalar else \
            scalar(mtype or v.mtype, None if v.values is None else fn(np.array([v.values]))[0].item())
    return call


def _round(node, frame):
    args = _args(node, frame, (1, 2))
    digits = int(args[1].values) if len(args) == 2 else 0
    values, nulls = _numeric(args[0], frame.n)
    out = np.round(values.astype(np.float64), digits)
    return Val(DOUBLE, out, nulls) if not args[0].scalar else scalar(DOUBLE, float(out[0]))


def _text_fn(fn):
    def call(node, frame):
        args = _args(node, frame, (1, 2, 3))
        v = args[0]
        values, nulls = v.array(frame.n)
        extra = [a.values for a in args[1:]]
        out = np.array([None if x is None else fn(x if isinstance(x, str) else str(x), *extra)
                        for x in _texts(v, values)], dtype=object)
        kind = LONG if fn is len else mt.lookup("varchar(32767)")
        if fn is len:
            out = out.astype(np.int64)
        return Val(kind, out, nulls) if not v.scalar else scalar(kind, out[0] if v.values is not None else None)
    return call


def _nvl(node, frame):
    a, b = _args(node, frame, (2,))
    av, an = a.array(frame.n)
    bv, bn = b.array(frame.n)
    if an is None:
        return a
    out = av.astype(object) if av.dtype != bv.dtype else av.copy()
    out[an] = bv[an]
    return Val(a.mtype, out, an & bn if bn is not None else None)


def _substr(s, start, length=None):
    start = int(start) - 1 if int(start) > 0 else 0
    return s[start:] if length is None else s[start:start + int(length)]


def _to_hex(node, frame):
    (v,) = _args(node, frame, (1,))
    values, nulls = v.array(frame.n)
    out = np.array([None if x is None else (bytes(x).hex().upper() if isinstance(x, (bytes, bytearray))
                                            else format(int(x), "X")) for x in values], dtype=object)
    return Val(mt.lookup("varchar(32767)"), out, nulls)


FUNCTIONS = {
    "TO_DATE": _to_date, "TO_CHAR": _to_char, "DATE_TRUNC": _date_trunc, "ROLLUP": _rollup,
    "NOW": _now, "SYSDATE": _now, "ABS": _map_numeric(np.abs), "FLOOR": _map_numeric(np.floor, DOUBLE),
    "CEIL": _map_numeric(np.ceil, DOUBLE), "SQRT": _map_numeric(np.sqrt, DOUBLE), "ROUND": _round,
    "UPPER": _text_fn(str.upper), "LOWER": _text_fn(str.lower), "LENGTH": _text_fn(len),
    "SUBSTR": _text_fn(_substr), "SUBSTRING": _text_fn(_substr), "TRIM": _text_fn(str.strip),
    "LTRIM": _text_fn(str.lstrip), "RTRIM": _text_fn(str.rstrip), "NVL": _nvl, "IFNULL": _nvl,
    "TO_HEX": _to_hex,
}

_DISPATCH = {
    ast.Num: _num, ast.Str: _str, ast.Null: _null, ast.Column: _column, ast.Interval: _interval,
    ast.Unary: _unary, ast.Binary: _binary, ast.Between: _between, ast.In: _in, ast.Match: _match,
    ast.IsNull: _isnull, ast.Case: _case, ast.Call: _call,
}
