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
ULONG = mt.lookup("ulong")
BOOL = None  # conditions have no Machbase type
INT64_MIN, INT64_MAX, UINT64_MAX = -(2**63), 2**63 - 1, 2**64 - 1

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
    """Collect the aggregate Call nodes of an expression (outermost ones) into ``out``.

    Each is checked here, where every planner meets it first: ``COUNT(x)``/``COUNT(*)``,
    ``FIRST(time, value)``/``LAST(time, value)``, the others one argument, no ``*`` but in
    COUNT (error 2010 otherwise).
    """
    if isinstance(node, ast.Call) and node.name in AGGREGATES:
        want = 2 if node.name in ("FIRST", "LAST") else 1
        stars = [a for a in node.args if isinstance(a, ast.Star)]
        if len(node.args) != want or (stars and (node.name != "COUNT" or node.distinct)):
            raise error(2010, node.name)
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
        return (node.expr, *node.items) if isinstance(node.items, tuple) else (node.expr,)
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
    """A number literal: LONG in the int64 range, ULONG above it up to 2**64-1, else DOUBLE.

    NOTE: this is where literal integers meet numpy; an int beyond uint64 would make numpy
    build object arrays (or raise), so it becomes the float it is closest to (+-inf past
    1.8e308), as a float literal such as ``1e309`` does.
    """
    value = node.value
    if isinstance(value, float):
        return scalar(DOUBLE, value)
    if INT64_MIN <= value <= INT64_MAX:
        return scalar(LONG, value)
    if 0 <= value <= UINT64_MAX:
        return scalar(ULONG, value)
    return scalar(DOUBLE, _big_float(value))


def _big_float(value):
    try:
        return float(value)
    except OverflowError:
        return float("inf") if value > 0 else float("-inf")


def _str(node, frame):
    return scalar(mt.lookup(f"varchar({max(len(node.value.encode()), 1)})"), node.value)


def _null(node, frame):
    return scalar(mt.lookup("varchar(1)"), None)


def _column(node, frame):
    return frame.column(node)


def _const(node, frame):
    return scalar(node.mtype, node.value)


def _interval(node, frame):
    return scalar(LONG, node.ns)


# -- operators -----------------------------------------------------------------------------

def _unary(node, frame):
    v = evaluate(node.operand, frame)
    if node.op == "NOT":
        values, nulls = v.array(frame.n)
        return Val(BOOL, ~np.asarray(values, dtype=bool), nulls)
    if node.op == "-":
        values, nulls = _numeric(v, 1 if v.scalar else frame.n)
        mtype = v.mtype if _is_number(v) else DOUBLE
        if values.dtype.kind == "u":  # NOTE: -x of an unsigned value is a signed one
            values, mtype = values.astype(np.float64), DOUBLE
        with np.errstate(over="ignore"):
            out = -values
        if v.scalar:
            return scalar(mtype, None if v.values is None else out[0].item())
        return Val(mtype, out, nulls)
    return v


def _is_number(v):
    """Whether ``v`` holds numbers (integer, float, datetime or a condition's booleans)."""
    return v.mtype is None or v.mtype.is_integer or v.mtype.is_float or v.mtype.name == "datetime"


def _numeric(v, n):
    """Return ``(number array, nulls)`` of a value used as a number.

    Text is read as a number (``'12'`` is 12); text that is not one is error 2145, and so is
    any other value that is no number (a binary, a JSON object).  Booleans are 0 and 1.
    """
    values, nulls = v.array(n)
    if values.dtype == bool:
        return values.astype(np.int64), nulls
    if values.dtype.kind not in "iuf":
        out = np.zeros(len(values), dtype=np.float64)
        mask = v.null_mask(n)
        for i, x in enumerate(values.tolist()):
            if mask[i] or x is None:
                continue
            out[i] = _to_number(x)
        values = out
    return values, nulls


def _to_number(x):
    """One value read as a float: numbers as they are, numeric text parsed, anything else 2145."""
    if isinstance(x, (bool, np.bool_)):
        return float(x)
    if isinstance(x, (int, float, np.integer, np.floating)):
        return _big_float(x) if isinstance(x, int) else float(x)
    if isinstance(x, str):
        try:
            return float(x.strip())
        except ValueError:
            raise error(2145, x) from None
    raise error(2145, _short(x))


def _short(x, limit=64):
    text = x.decode("utf-8", "replace") if isinstance(x, (bytes, bytearray)) else str(x)
    return text if len(text) <= limit else text[:limit] + "..."


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
        av, _ = _numeric(a, 1)
        bv, _ = _numeric(b, 1)
        values, mtype = _arith(op, av, bv, a, b)
        if op in ("/", "%") and bv[0] == 0:
            return scalar(mtype, None)
        return scalar(mtype, values[0].item())
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
    ints = av.dtype.kind in "iu" and bv.dtype.kind in "iu"
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if op == "+":
            out = av + bv
        elif op == "-":
            out = av - bv
        elif op == "*":
            out = av * bv
        elif op == "/":
            if ints:
                safe = np.where(bv == 0, 1, bv)
                out = _to_int64(np.trunc(av / safe))
            else:
                out = np.true_divide(av, np.where(bv == 0, np.nan, bv))
        elif op == "%":
            safe = np.where(bv == 0, 1, bv)
            out = np.fmod(av, safe)
        else:
            raise error(2010, op)
    if ints:
        return _to_int64(np.asarray(out)), LONG
    return np.asarray(out, dtype=np.float64), DOUBLE


_FLOAT_BELOW_2_63 = float(np.nextafter(2.0**63, 0))


def _to_int64(values):
    """Integer results as int64 (a float beyond the range saturates, NaN is 0: no failure)."""
    if values.dtype.kind == "f":
        values = np.clip(np.nan_to_num(values, nan=0.0), -(2.0**63), _FLOAT_BELOW_2_63)
    return values.astype(np.int64)


def _coerce_pair(a, b, frame):
    """Make a literal comparable with the other side: text read as a datetime, a number or an
    address beside one; a number beside text written as text."""
    def fix_number(lit, other):
        """A number literal beside text is compared as text (``name = 123`` is ``name = '123'``)."""
        if lit.scalar and isinstance(lit.values, (int, float)) and not isinstance(lit.values, bool) \
                and not other.scalar and _is_text(other) and other.mtype.is_string:
            return scalar(mt.lookup("varchar(64)"), repr(lit.values) if isinstance(lit.values, float) else
                          str(lit.values))
        return lit

    def fix(lit, other):
        lit = fix_number(lit, other)
        if not lit.scalar or not isinstance(lit.values, str) or other.mtype is None:
            return lit
        if other.mtype is DATETIME or getattr(other.mtype, "name", "") == "datetime":
            return scalar(DATETIME, parse_datetime(lit.values, tz=frame.session.timezone if frame.session else None,
                                                   lenient=True))
        if other.mtype.name in ("ipv4", "ipv6"):  # an address literal: compare the addresses
            return scalar(other.mtype, mt.convert_value(other.mtype, lit.values))
        if other.mtype.is_integer or other.mtype.is_float:
            try:
                return scalar(DOUBLE, float(lit.values))
            except ValueError:
                raise error(2145, lit.values) from None
        return lit
    return fix(a, b), fix(b, a)


def _compare(op, a, b, frame):
    """Compare two values: text with text, numbers with numbers (text beside a number is read
    as one, error 2145 if it is not), anything else by its text."""
    a, b = _coerce_pair(a, b, frame)
    both_scalar = a.scalar and b.scalar
    if both_scalar and (a.values is None or b.values is None):
        return scalar(BOOL, None)
    n = 1 if both_scalar else frame.n
    av, an = a.array(n)
    bv, bn = b.array(n)
    a_obj, b_obj = av.dtype.kind not in "biuf", bv.dtype.kind not in "biuf"
    if a_obj and b_obj:
        av = np.where(a.null_mask(n), "", av)
        bv = np.where(b.null_mask(n), "", bv)
        try:
            out = _CMP[op](av, bv)
        except TypeError:  # e.g. a binary against a text: compare their texts
            out = _CMP[op](np.array(_texts(a, av), dtype=object), np.array(_texts(b, bv), dtype=object))
    else:
        if a_obj:
            av, _ = _numeric(a, n)
        if b_obj:
            bv, _ = _numeric(b, n)
        with np.errstate(invalid="ignore"):
            out = _CMP[op](av, bv)
    out = np.asarray(out, dtype=bool)
    if both_scalar:
        return scalar(BOOL, bool(out[0]))
    return Val(BOOL, out, _both_nulls(an, bn))


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
    if not isinstance(node.items, tuple):  # a subquery the statement did not resolve first
        raise error(1006)
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
    if p.values is None:
        return Val(BOOL, np.zeros(frame.n, dtype=bool), np.ones(frame.n, dtype=bool))
    text = p.values if isinstance(p.values, str) else _short(p.values, 1 << 20)
    try:
        rx = _like_regex(text) if node.op == "LIKE" else re.compile(text)
    except re.error:
        raise error(2010, text) from None
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
    """CASE: the results of every branch must be of one kind (numbers, text or binary; a NULL
    fits any), else error 2037; numbers of different types give a DOUBLE or LONG column."""
    n = frame.n
    branches = []
    decided = np.zeros(n, dtype=bool)
    for w in node.whens:
        cond_node = w.condition if node.operand is None else ast.Binary("=", node.operand, w.condition)
        hit = condition(cond_node, frame) & ~decided
        branches.append((hit, evaluate(w.result, frame)))
        decided |= hit
    if node.else_ is not None:
        branches.append((~decided, evaluate(node.else_, frame)))
    typed = [r for _, r in branches if not (r.scalar and r.values is None)]
    kinds = {_kind(r) for r in typed}
    if len(kinds) > 1:
        raise error(2037, "CASE")
    mtype = _case_type(typed) if typed else branches[0][1].mtype
    if kinds <= {"number", "datetime"}:
        floats = mtype is not None and (mtype.is_float or mtype is ULONG)
        result_vals = np.zeros(n, dtype=np.float64 if floats else np.int64)
    else:
        result_vals = np.empty(n, dtype=object)
    result_nulls = np.ones(n, dtype=bool)
    for hit, r in branches:
        if kinds <= {"number", "datetime"}:
            rv, rn = _numeric(r, n)
        else:
            rv, rn = r.array(n)
        result_vals[hit] = rv[hit]
        result_nulls[hit] = rn[hit] if rn is not None else False
    return Val(mtype, result_vals, result_nulls)


def _kind(v):
    """What a value holds, for type checks: ``number``, ``datetime``, ``text``, ``ipv4``, ``ipv6``
    or ``binary`` (values of one kind can share a result column)."""
    if v.mtype is None or v.mtype.is_integer or v.mtype.is_float:
        return "number"
    if v.mtype.name in ("datetime", "ipv4", "ipv6"):
        return v.mtype.name
    return "binary" if v.mtype.is_binary else "text"


def _case_type(vals):
    """The one type of CASE results: the first one's, widened to DOUBLE when they differ."""
    types = {v.mtype for v in vals}
    if len(types) == 1:
        mtype = vals[0].mtype
        return LONG if mtype is None else mtype
    if all(_kind(v) == "number" for v in vals):
        return DOUBLE if any(v.mtype is not None and v.mtype.is_float for v in vals) or \
            any(v.mtype is ULONG for v in vals) else LONG
    return mt.lookup("varchar(32767)") if all(v.mtype.is_string for v in vals) else vals[0].mtype


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
        ints = _to_int64(np.asarray(values)) if values.dtype.kind in "iuf" else \
            np.array([0 if x is None else int(x) for x in values], dtype=np.int64)
        return [("" if x is None else s) for x, s in zip(values, format_datetime(ints))]
    return ["" if x is None else (x if isinstance(x, str) else str(x)) for x in values]


def _args(node, frame, count):
    if len(node.args) not in count or any(isinstance(a, ast.Star) for a in node.args):
        raise error(2010, node.name)
    return [evaluate(a, frame) for a in node.args]


# -- argument checks: where SQL values enter a function ----------------------------------------
#
# Options of a function (a format, a unit, a number of digits, a bucket size) are constants:
# a column there is error 2037 (argument data type is mismatched), and so is a value of the
# wrong kind (text where a number goes, a number where text goes); a number of the right
# kind out of the range the function can use is error 2036 (argument is mismatched).

def _option(node, v):
    """The scalar value of an option argument (2037 for a column)."""
    if not v.scalar:
        raise error(2037, node.name)
    return v.values


def _int_option(node, v, lo, hi):
    """An integer option in [lo, hi]: an int, or a float with no fraction; None stays None."""
    x = _option(node, v)
    if x is None:
        return None
    if isinstance(x, (float, np.floating)):
        if not np.isfinite(x) or x != int(x):
            raise error(2036, node.name)
        x = int(x)
    if not isinstance(x, (int, np.integer)) or isinstance(x, (bool, np.bool_)):
        raise error(2037, node.name)
    if not lo <= x <= hi:
        raise error(2036, node.name)
    return int(x)


def _text_option(node, v):
    """A text option (a format, a unit, characters to trim); None stays None."""
    x = _option(node, v)
    if x is not None and not isinstance(x, str):
        raise error(2037, node.name)
    return x


def _time_arg(node, v):
    """A datetime (or integer ns) argument: anything else is 2037."""
    if not (v.scalar and v.values is None) and not (v.mtype is not None and (v.mtype.is_integer or
                                                                            v.mtype.name == "datetime")):
        raise error(2037, node.name)
    return v


def _to_date(node, frame):
    args = _args(node, frame, (1, 2))
    fmt = _text_option(node, args[1]) if len(args) == 2 else None
    tz = frame.session.timezone if frame.session else None
    if args[0].scalar:
        if args[0].values is None:
            return scalar(DATETIME, None)
        return scalar(DATETIME, parse_datetime(_texts(args[0], np.array([args[0].values], dtype=object))[0], fmt,
                                               tz=tz))
    values, nulls = args[0].array(frame.n)
    texts = [t if t else "1970-01-01" for t in _texts(args[0], np.where(args[0].null_mask(frame.n), None, values))]
    return Val(DATETIME, parse_datetimes(texts, fmt, tz=tz), nulls)


def _to_char(node, frame):
    args = _args(node, frame, (1, 2))
    v = args[0]
    tz = frame.session.timezone if frame.session else None
    values, nulls = v.array(frame.n)
    fmt = _text_option(node, args[1]) if len(args) == 2 else None
    if getattr(v.mtype, "name", "") == "datetime":
        mask = v.null_mask(frame.n)
        ints = _to_int64(np.where(mask, 0, values).astype(np.float64)) if values.dtype == object else \
            np.where(mask, 0, values).astype(np.int64)
        out = np.array(format_datetime(ints, fmt, tz=tz) if fmt else format_datetime(ints, tz=tz), dtype=object)
    else:
        out = np.array(_texts(v, values), dtype=object)
    res = Val(mt.lookup("varchar(64)"), out, nulls)
    return scalar(res.mtype, out[0]) if v.scalar and frame.n else res


def _unit_ns(node, unit_val, n=1):
    """The width in ns of ``n`` units (``'sec'``, ``'min'``...): 2037 for a unit that is not
    text, 2035 for an unknown one, 2036 for a width that is not 1 ns .. 2**63-1 ns."""
    if not isinstance(unit_val, str):
        raise error(2037, node.name)
    unit = unit_val.upper()
    if unit.endswith("S") and unit[:-1] in NS:
        unit = unit[:-1]
    if unit not in NS:
        raise error(2035, f"unit {unit_val}")
    if n is None:
        raise error(2037, node.name)
    width = NS[unit] * n
    if not 0 < width <= INT64_MAX:
        raise error(2036, node.name)
    return width


def _date_trunc(node, frame):
    args = _args(node, frame, (2, 3))
    count = _int_option(node, args[2], 1, INT64_MAX) if len(args) == 3 else 1
    step = _unit_ns(node, _option(node, args[0]), count)
    return _bucket(_time_arg(node, args[1]), step, frame)


def _rollup(node, frame):
    args = _args(node, frame, (3, 4))
    step = _unit_ns(node, _option(node, args[0]), _int_option(node, args[1], 1, INT64_MAX))
    origin = 0
    if len(args) == 4:
        value = _option(node, args[3])
        if isinstance(value, str):
            origin = parse_datetime(value, tz=frame.session.timezone if frame.session else None)
        elif isinstance(value, (int, np.integer)) and not isinstance(value, bool) and \
                INT64_MIN <= value <= INT64_MAX:
            origin = int(value)
        elif value is not None:
            raise error(2037, node.name)
    return _bucket(_time_arg(node, args[2]), step, frame, origin)


def _bucket(v, step, frame, origin=0):
    """Truncate datetimes to ``step`` buckets (local midnight-aligned for day+ units)."""
    tz = frame.session.timezone if frame.session else None
    n = 1 if v.scalar else frame.n
    values, nulls = v.array(n)
    mask = v.null_mask(n)
    ints = np.where(mask, 0, values).astype(np.int64) if values.dtype.kind in "iub" else \
        _to_int64(np.array([0 if x is None else x for x in values], dtype=np.float64))
    shift = origin
    if step >= NS["DAY"] and tz is not None and not origin:
        shift = -int(getattr(tz, "offset_s", 0) or 0) * 10**9
    with np.errstate(over="ignore"):
        out = (ints - np.int64(shift)) // np.int64(step) * np.int64(step) + np.int64(shift)
    if v.scalar:
        return scalar(DATETIME, None if v.values is None else int(out[0]))
    return Val(DATETIME, out, nulls)


def _now(node, frame):
    return scalar(DATETIME, time.time_ns())


def _map_numeric(fn, mtype=None):
    def call(node, frame):
        (v,) = _args(node, frame, (1,))
        values, nulls = _numeric(v, 1 if v.scalar else frame.n)
        with np.errstate(invalid="ignore", over="ignore"):
            out = fn(values)
        kind = mtype or (v.mtype if _is_number(v) and v.mtype is not None else DOUBLE)
        if v.scalar:
            return scalar(kind, None if v.values is None else out[0].item())
        return Val(kind, out, nulls)
    return call


def _round(node, frame):
    args = _args(node, frame, (1, 2))
    digits = _int_option(node, args[1], -308, 308) if len(args) == 2 else 0
    values, nulls = _numeric(args[0], 1 if args[0].scalar else frame.n)
    if digits is None:  # ROUND(x, NULL) is NULL
        return scalar(DOUBLE, None)
    with np.errstate(invalid="ignore", over="ignore"):
        out = np.round(values.astype(np.float64), digits)
    if args[0].scalar:
        return scalar(DOUBLE, None if args[0].values is None else float(out[0]))
    return Val(DOUBLE, out, nulls)


def _text_fn(fn, options=(), required=0):
    """A function of text: the value, then ``options`` (``"int"`` or ``"text"`` constants), the
    first ``required`` of them not optional."""
    def call(node, frame):
        args = _args(node, frame, tuple(range(1 + required, len(options) + 2)))
        v = args[0]
        extra = [_int_option(node, a, INT64_MIN, INT64_MAX) if kind == "int" else _text_option(node, a)
                 for a, kind in zip(args[1:], options)]
        n = 1 if v.scalar else frame.n
        values, nulls = v.array(n)
        kind = LONG if fn is len else mt.lookup("varchar(32767)")
        if any(x is None for x in extra):
            return scalar(kind, None) if v.scalar else Val(kind, np.zeros(n, dtype=object), np.ones(n, dtype=bool))
        out = np.array([None if x is None else fn(x, *extra) for x in _texts(v, values)], dtype=object)
        if fn is len:
            out = out.astype(np.int64)
        return Val(kind, out, nulls) if not v.scalar else scalar(kind, out[0] if v.values is not None else None)
    return call


def _nvl(node, frame):
    """NVL(a, b): ``a`` where it is not NULL, else ``b``; both of one kind (2037 otherwise), the
    result of ``a``'s type (a DOUBLE when one of two numbers is a float)."""
    a, b = _args(node, frame, (2,))
    if a.scalar and a.values is None:
        return b
    if b.scalar and b.values is None:
        return a
    kind = _kind(a)
    if kind != _kind(b):
        raise error(2037, node.name)
    n = 1 if a.scalar and b.scalar else frame.n
    a_nulls = a.null_mask(n)
    if not a_nulls.any():
        return a
    nulls = a_nulls & b.null_mask(n)
    if kind in ("number", "datetime"):
        av, _ = _numeric(a, n)
        bv, _ = _numeric(b, n)
        out = np.where(a_nulls, bv, av)
        floats = kind == "number" and (a.mtype is not None and a.mtype.is_float or out.dtype.kind == "f")
        mtype = (DOUBLE if floats and not (a.mtype is not None and a.mtype.is_float) else a.mtype) or LONG
        out = out.astype(np.float64) if mtype.is_float else _to_int64(out)
    else:
        av, _ = a.array(n)
        bv, _ = b.array(n)
        out = np.where(a_nulls, bv.astype(object), av.astype(object))
        mtype = a.mtype if a.mtype == b.mtype or kind != "text" else mt.lookup("varchar(32767)")
    if a.scalar and b.scalar:
        return scalar(mtype, None if nulls[0] else (out[0].item() if isinstance(out[0], np.generic) else out[0]))
    return Val(mtype, out, nulls if nulls.any() else None)


def _substr(s, start, length=None):
    start = start - 1 if start > 0 else 0
    if length is None:
        return s[start:]
    return s[start:start + length] if length > 0 else ""


def _hex(x):
    if isinstance(x, (bytes, bytearray)):
        return bytes(x).hex().upper()
    if isinstance(x, str):
        return x.encode("utf-8").hex().upper()
    if isinstance(x, (float, np.floating)):
        if not np.isfinite(x):
            raise error(2037, "TO_HEX")
        x = int(x)
    return format(int(x), "X")


def _to_hex(node, frame):
    (v,) = _args(node, frame, (1,))
    values, nulls = v.array(frame.n)
    mask = v.null_mask(frame.n)
    out = np.array([None if m or x is None else _hex(x) for x, m in zip(values.tolist(), mask)], dtype=object)
    return Val(mt.lookup("varchar(32767)"), out, nulls)


FUNCTIONS = {
    "TO_DATE": _to_date, "TO_CHAR": _to_char, "DATE_TRUNC": _date_trunc, "ROLLUP": _rollup,
    "NOW": _now, "SYSDATE": _now, "ABS": _map_numeric(np.abs), "FLOOR": _map_numeric(np.floor, DOUBLE),
    "CEIL": _map_numeric(np.ceil, DOUBLE), "SQRT": _map_numeric(np.sqrt, DOUBLE), "ROUND": _round,
    "UPPER": _text_fn(str.upper), "LOWER": _text_fn(str.lower), "LENGTH": _text_fn(len),
    "SUBSTR": _text_fn(_substr, ("int", "int"), 1), "SUBSTRING": _text_fn(_substr, ("int", "int"), 1),
    "TRIM": _text_fn(str.strip, ("text",)), "LTRIM": _text_fn(str.lstrip, ("text",)),
    "RTRIM": _text_fn(str.rstrip, ("text",)), "NVL": _nvl, "IFNULL": _nvl,
    "TO_HEX": _to_hex,
}

_DISPATCH = {
    ast.Num: _num, ast.Str: _str, ast.Null: _null, ast.Column: _column, ast.Interval: _interval, ast.Const: _const,
    ast.Unary: _unary, ast.Binary: _binary, ast.Between: _between, ast.In: _in, ast.Match: _match,
    ast.IsNull: _isnull, ast.Case: _case, ast.Call: _call,
}
