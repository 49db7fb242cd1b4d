"""Evaluate InfluxQL expressions over columns: one numpy array per operand, never a row loop.

A :class:`Vec` is a column of values and its validity (``valid`` None = all present).
:func:`evaluate` computes an expression over a frame (a mapping of names to Vecs, where a
tag is a column of strings and a field a column of its stored type), with InfluxQL's rules:

* arithmetic on a null operand is null; integer ``/`` is float division (InfluxDB 1.8);
  integer ``+ - *`` wrap like Go's int64; ``%`` of integers keeps the sign of the dividend;
* a comparison with a null operand is false, and so is a comparison of a string with a
  number; ``=~`` / ``!~`` match with Go's RE2 semantics (``google-re2`` when available);
* ``AND`` / ``OR`` of comparisons give booleans (never null).
"""
import re

import numpy as np

from . import ast

__all__ = ["Vec", "evaluate", "condition_mask", "EvalError", "regex", "ref_key", "MATH"]

try:  # Go's RE2 dialect, as InfluxDB matches; Python's re only if the wheel is missing
    import re2 as _re_engine
except ImportError:  # pragma: no cover - google-re2 is a dependency
    _re_engine = re


class EvalError(ValueError):
    """An expression InfluxDB refuses to evaluate; the message is InfluxDB's."""


class Vec:
    """A column of values with validity (None = every row has a value)."""

    __slots__ = ("values", "valid")

    def __init__(self, values, valid=None):
        self.values = values
        self.valid = valid

    def mask(self):
        return np.ones(len(self.values), dtype=bool) if self.valid is None else self.valid

    def take(self, idx):
        return Vec(self.values[idx], None if self.valid is None else self.valid[idx])


_REGEX_CACHE = {}


def regex(pattern):
    """Compile ``pattern`` once, in RE2's dialect."""
    rx = _REGEX_CACHE.get(pattern)
    if rx is None:
        rx = _REGEX_CACHE[pattern] = _re_engine.compile(pattern)
    return rx


def _both_valid(a, b):
    if a.valid is None:
        return b.valid
    if b.valid is None:
        return a.valid
    return a.valid & b.valid


def _is_numeric(values):
    return values.dtype.kind in "iuf"


def _is_string(values):
    return values.dtype.kind in "OUS"


def _constant(value, n):
    if isinstance(value, bool):
        return Vec(np.full(n, value, dtype=bool))
    if isinstance(value, int):
        return Vec(np.full(n, value, dtype=np.int64))
    if isinstance(value, float):
        return Vec(np.full(n, value, dtype=np.float64))
    arr = np.empty(n, dtype=object)
    arr[:] = value
    return Vec(arr)


def evaluate(expr, frame, n):
    """The :class:`Vec` of ``expr`` over ``n`` rows; ``frame`` maps names to Vecs."""
    if isinstance(expr, ast.ParenExpr):
        return evaluate(expr.expr, frame, n)
    if isinstance(expr, ast.VarRef):
        vec = frame.get(ref_key(expr))
        if vec is None:
            return Vec(np.zeros(n, dtype=np.float64), np.zeros(n, dtype=bool))
        return vec
    if isinstance(expr, (ast.IntegerLiteral, ast.UnsignedLiteral)):
        return _constant(int(expr.value), n)
    if isinstance(expr, (ast.NumberLiteral,)):
        return _constant(float(expr.value), n)
    if isinstance(expr, ast.StringLiteral):
        return _constant(expr.value, n)
    if isinstance(expr, ast.BooleanLiteral):
        return _constant(bool(expr.value), n)
    if isinstance(expr, ast.DurationLiteral):
        return _constant(int(expr.value), n)
    if isinstance(expr, ast.BinaryExpr):
        return _binary(expr, frame, n)
    if isinstance(expr, ast.Call) and expr in frame:
        return frame[expr]
    if isinstance(expr, ast.Call) and expr.name.lower() in MATH:
        return _math(expr, frame, n)
    raise EvalError(f"unsupported expression: {expr}")


MATH = {"abs", "sin", "cos", "tan", "asin", "acos", "atan", "atan2", "exp", "ln", "log", "log2", "log10",
        "sqrt", "pow", "floor", "ceil", "round"}
_UNARY = {"sin": np.sin, "cos": np.cos, "tan": np.tan, "asin": np.arcsin, "acos": np.arccos, "atan": np.arctan,
          "exp": np.exp, "ln": np.log, "log2": np.log2, "log10": np.log10, "sqrt": np.sqrt}


def _math(expr, frame, n):
    """InfluxDB's math functions, element by element.  A NaN result stays a value that prints as
    null (query/cursor.go turns it into NullFloat, a typed nil that keeps the row, unlike a
    missing value); an infinite one stays too (``ln(0)``: the JSON writer then answers Go's
    encoder error, as InfluxDB does: server/influx_formats.py)."""
    name = expr.name.lower()
    args = [evaluate(a, frame, n) for a in expr.args]
    first = args[0]
    if not _is_numeric(first.values):
        return Vec(np.zeros(n), np.zeros(n, dtype=bool))
    ints = first.values.dtype.kind in "iu"
    with np.errstate(all="ignore"):
        if name == "abs":
            out = np.abs(first.values)
        elif name in ("floor", "ceil", "round"):
            if ints:
                return first
            fn = {"floor": np.floor, "ceil": np.ceil, "round": _round_half_away}[name]
            out = fn(first.values)
        elif name in _UNARY:
            out = _UNARY[name](first.values.astype(np.float64))
        else:
            second = args[1]
            a, b = first.values.astype(np.float64), second.values.astype(np.float64)
            if name == "atan2":
                out = np.arctan2(a, b)
            elif name == "pow":
                out = np.power(a, b)
            else:  # log(x, base)
                out = np.log(a) / np.log(b)
            first = Vec(out, _both_valid(first, second))
    valid = first.valid
    return Vec(out, valid)


def _round_half_away(values):
    """Go's math.Round: halves away from zero (numpy's round goes to even)."""
    return np.sign(values) * np.floor(np.abs(values) + 0.5)


def ref_key(ref):
    """The frame key of a VarRef: its name, or ``(name, type)`` for ``name::type``."""
    return ref.name if not ref.type else (ref.name, ref.type)


def condition_mask(expr, frame, n):
    """Boolean mask of rows where the condition holds (null comparisons are false)."""
    vec = evaluate(expr, frame, n)
    if vec.values.dtype != np.bool_:
        return np.zeros(n, dtype=bool)
    return vec.values & vec.mask()


def _binary(expr, frame, n):
    op = expr.op
    if op in ("AND", "OR"):
        lhs = condition_mask(expr.lhs, frame, n)
        rhs = condition_mask(expr.rhs, frame, n)
        return Vec(lhs & rhs if op == "AND" else lhs | rhs)
    if op in ("=~", "!~"):
        lhs = evaluate(expr.lhs, frame, n)
        if not isinstance(expr.rhs, ast.RegexLiteral):
            return Vec(np.zeros(n, dtype=bool))
        rx = regex(expr.rhs.pattern)
        if not _is_string(lhs.values):
            return Vec(np.zeros(n, dtype=bool))
        hits = np.fromiter((rx.search(v) is not None if isinstance(v, str) else False for v in lhs.values),
                           dtype=bool, count=n) if n else np.zeros(0, dtype=bool)
        out = hits if op == "=~" else ~hits
        return Vec(out & lhs.mask())
    lhs = evaluate(expr.lhs, frame, n)
    rhs = evaluate(expr.rhs, frame, n)
    if op in ("=", "!=", "<>", "<", "<=", ">", ">="):
        return _compare(op, lhs, rhs, n)
    if op in ("+", "-", "*", "/", "%", "&", "|", "^"):
        return _arith(op, lhs, rhs, n)
    raise EvalError(f"invalid operator: {op}")


def _compare(op, lhs, rhs, n):
    a, b = lhs.values, rhs.values
    if _is_string(a) != _is_string(b) or (a.dtype == np.bool_) != (b.dtype == np.bool_):
        out = np.zeros(n, dtype=bool)
        if op in ("!=", "<>"):
            out = _both_valid(lhs, rhs)
            out = np.ones(n, dtype=bool) if out is None else out.copy()
        return Vec(out)
    if _is_string(a) and op not in ("=", "!=", "<>"):
        return Vec(np.zeros(n, dtype=bool))
    if _is_string(a) and (a.dtype == object or b.dtype == object):
        a = a.astype(str) if a.dtype != object else np.where(lhs.mask(), a, "")
        b = b.astype(str) if b.dtype != object else np.where(rhs.mask(), b, "")
        a, b = a.astype(str), b.astype(str)
    with np.errstate(invalid="ignore"):
        if op == "=":
            out = a == b
        elif op in ("!=", "<>"):
            out = a != b
        elif op == "<":
            out = a < b
        elif op == "<=":
            out = a <= b
        elif op == ">":
            out = a > b
        else:
            out = a >= b
    out = np.asarray(out, dtype=bool)
    valid = _both_valid(lhs, rhs)
    return Vec(out if valid is None else out & valid)


def _arith(op, lhs, rhs, n):
    a, b = lhs.values, rhs.values
    valid = _both_valid(lhs, rhs)
    if not (_is_numeric(a) and _is_numeric(b)):
        if op in ("&", "|", "^") and a.dtype == np.bool_ and b.dtype == np.bool_:
            out = {"&": a & b, "|": a | b, "^": a ^ b}[op]
            return Vec(out, valid)
        return Vec(np.zeros(n, dtype=np.float64), np.zeros(n, dtype=bool))
    ints = a.dtype.kind in "iu" and b.dtype.kind in "iu"
    with np.errstate(all="ignore"):
        if op == "+":
            out = a + b
        elif op == "-":
            out = a - b
        elif op == "*":
            out = a * b
        elif op == "/":
            fa, fb = a.astype(np.float64), b.astype(np.float64)
            out = np.where(fb != 0, fa / np.where(fb == 0, 1, fb), 0.0)   # division by zero is 0
        elif op == "%":
            if ints:
                safe = np.where(b == 0, 1, b)
                out = np.where(b == 0, 0, np.fmod(a, safe))
            else:
                out = np.fmod(a.astype(np.float64), b.astype(np.float64))
        elif ints:
            out = {"&": a & b, "|": a | b, "^": a ^ b}[op]
        else:
            return Vec(np.zeros(n, dtype=np.float64), np.zeros(n, dtype=bool))
    return Vec(np.asarray(out), valid)
