"""Time in InfluxQL conditions: the time range of a WHERE clause, time literals, ``now()``.

``split_condition`` is InfluxDB's ``influxql.ConditionExpr``: it walks the condition, takes
every comparison of ``time`` with a constant out of it and intersects their ranges (also
under ``OR``: InfluxDB has no OR of time ranges and intersects regardless), and returns
what is left (``None`` when nothing is).  ``>`` and ``<`` become inclusive bounds one
nanosecond in.  The constant may be a time string (``'2016-01-01T00:00:00Z'``,
``'2016-01-01 00:00:00.5'``, ``'2016-01-01'``, read in the query's ``tz()`` zone), an integer
or float of nanoseconds, a duration literal, or arithmetic on these and ``now()``.
"""
import datetime as _dt
import re
import zoneinfo

from machstore import errors

from . import ast

__all__ = ["MIN_TIME", "MAX_TIME", "TimeRange", "split_condition", "parse_time_string", "is_time_string",
           "constant_value", "ConditionError", "zone"]

MIN_TIME = -(2 ** 63) + 2     # influxql.MinTime: the smallest time a point may have
MAX_TIME = 2 ** 63 - 2        # influxql.MaxTime

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}.+")
# Go parses any number of fraction digits after the seconds, whatever the layout says
_SPACE_FORM = re.compile(r"^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$")
_RFC3339 = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$")
_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)


class ConditionError(errors.InvalidArgument):
    """A WHERE clause InfluxDB refuses; the message is InfluxDB's."""


class TimeRange:
    """Inclusive ``[lo, hi]`` nanoseconds; ``None`` for an open end."""

    __slots__ = ("lo", "hi")

    def __init__(self, lo=None, hi=None):
        self.lo, self.hi = lo, hi

    def intersect(self, other):
        lo = self.lo if other.lo is None else other.lo if self.lo is None else max(self.lo, other.lo)
        hi = self.hi if other.hi is None else other.hi if self.hi is None else min(self.hi, other.hi)
        return TimeRange(lo, hi)

    def __repr__(self):
        return f"TimeRange({self.lo}, {self.hi})"


def zone(name):
    """The ``tz('Area/City')`` zone, or UTC for ``""``; InfluxDB's error for an unknown one."""
    if not name:
        return _dt.timezone.utc
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ConditionError(f"unable to find time zone {name}") from None


def is_time_string(text):
    return bool(_DATE.match(text) or _DATETIME.match(text))


def parse_time_string(text, tz=None):
    """Nanoseconds of a time string as InfluxDB reads it, or ConditionError."""
    tz = tz or _dt.timezone.utc
    if _DATE.match(text):
        m = re.match(r"^(\d{4})-(\d{2})-(\d{2})$", text)
        return _to_ns(m, None, tz)
    if _DATETIME.match(text):
        m = _SPACE_FORM.match(text)
        if m:
            return _to_ns(m, m.group(7), tz)
        m = _RFC3339.match(text)
        if m:
            offset = m.group(8)
            if offset == "Z":
                zone_of = _dt.timezone.utc
            else:
                sign = 1 if offset[0] == "+" else -1
                zone_of = _dt.timezone(sign * _dt.timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6])))
            return _to_ns(m, m.group(7), zone_of)
    raise ConditionError("invalid timestamp string")


def _to_ns(m, frac, tz):
    parts = [int(g) for g in m.groups()[:6] if g is not None]
    try:
        when = _dt.datetime(*parts, tzinfo=tz)
    except ValueError:
        raise ConditionError("invalid timestamp string") from None
    delta = when - _EPOCH
    ns = (delta.days * 86400 + delta.seconds) * 10**9 + delta.microseconds * 1000
    if frac:
        ns += int(frac.ljust(9, "0"))
    return ns


def constant_value(expr, now_ns, tz=None):
    """Value of a constant expression in a time comparison: ns (int) or a float, else None."""
    if isinstance(expr, ast.ParenExpr):
        return constant_value(expr.expr, now_ns, tz)
    if isinstance(expr, ast.StringLiteral):
        if is_time_string(expr.value):
            return parse_time_string(expr.value, tz)
        return None
    if isinstance(expr, (ast.IntegerLiteral, ast.DurationLiteral)):
        return int(expr.value)
    if isinstance(expr, ast.NumberLiteral):
        return float(expr.value)
    if isinstance(expr, ast.Call) and expr.name.lower() == "now" and not expr.args:
        return now_ns
    if isinstance(expr, ast.BinaryExpr) and expr.op in ("+", "-", "*", "/"):
        lhs, rhs = constant_value(expr.lhs, now_ns, tz), constant_value(expr.rhs, now_ns, tz)
        if lhs is None or rhs is None:
            return None
        if expr.op == "+":
            return lhs + rhs
        if expr.op == "-":
            return lhs - rhs
        if expr.op == "*":
            return lhs * rhs
        return lhs // rhs if isinstance(lhs, int) and isinstance(rhs, int) and rhs else (lhs / rhs if rhs else None)
    return None


_FLIP = {">": "<", "<": ">", ">=": "<=", "<=": ">=", "=": "=", "!=": "!=", "<>": "<>"}


def _is_time(expr):
    return isinstance(expr, ast.VarRef) and expr.name.lower() == "time"


def split_condition(cond, now_ns, tz=None):
    """``(residual condition or None, TimeRange)`` of a WHERE clause (InfluxDB's ConditionExpr)."""
    rest, tr = _split(cond, now_ns, tz)
    while isinstance(rest, ast.ParenExpr):
        rest = rest.expr
    if isinstance(rest, ast.BooleanLiteral) and rest.value:
        rest = None
    return rest, tr


def _split(cond, now_ns, tz):
    if cond is None:
        return None, TimeRange()
    if isinstance(cond, ast.BinaryExpr):
        if cond.op in ("AND", "OR"):
            lhs, ltr = _split(cond.lhs, now_ns, tz)
            rhs, rtr = _split(cond.rhs, now_ns, tz)
            tr = ltr.intersect(rtr)
            if rhs is None:
                return lhs, tr
            if lhs is None:
                return rhs, tr
            return ast.BinaryExpr(cond.op, lhs, rhs), tr
        if _is_time(cond.lhs):
            return None, _time_range(cond.op, cond.rhs, now_ns, tz)
        if _is_time(cond.rhs):
            return None, _time_range(_FLIP.get(cond.op, cond.op), cond.lhs, now_ns, tz)
        return cond, TimeRange()
    if isinstance(cond, ast.ParenExpr):
        inner, tr = _split(cond.expr, now_ns, tz)
        return (None if inner is None else ast.ParenExpr(inner)), tr
    if isinstance(cond, ast.BooleanLiteral):
        return cond, TimeRange()
    raise ConditionError(f"invalid condition expression: {cond}")


def _rfc3339_seconds(ns):
    """Go's ``time.RFC3339`` text of ``ns`` (whole seconds, UTC), also past int64 nanoseconds."""
    when = _EPOCH + _dt.timedelta(seconds=ns // 10**9)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _time_range(op, rhs, now_ns, tz):
    value = constant_value(rhs, now_ns, tz)
    if value is None:
        kind = type(rhs).__name__
        raise ConditionError(f"invalid operation: time and *influxql.{kind} are not compatible")
    value = int(value)
    if value > MAX_TIME:
        raise ConditionError(f"time {_rfc3339_seconds(value)} overflows time literal")
    if value < MIN_TIME + 1:
        raise ConditionError(f"time {_rfc3339_seconds(value)} underflows time literal")
    if op == ">":
        return TimeRange(value + 1, None)
    if op == ">=":
        return TimeRange(value, None)
    if op == "<":
        return TimeRange(None, value - 1)
    if op == "<=":
        return TimeRange(None, value)
    if op == "=":
        return TimeRange(value, value)
    raise ConditionError(f"invalid time comparison operator: {op}")
