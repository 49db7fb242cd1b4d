"""Value types, operator table and error texts shared by both lambda evaluators.

Kapacitor's lambda runtime (``tick/stateful``) is dynamically typed per point: every value is
one of the types below, binary operators exist only for the (operator, left type, right type)
triples of ``OPERATORS``, and each failure has a fixed message.  The point-at-a-time reference
evaluator (``lambda_ref``) and the column evaluator (``lambdas``) both read their rules from
here so a type rule is written once; their control flow is written twice on purpose, the
reference being the oracle for the columns.
"""

import math
from dataclasses import dataclass

import numpy as np

from machstore.errors import InvalidArgument

# NOTE: the names are Kapacitor's ast.ValueType.String() values; they appear in error texts.
FLOAT = "float"
INT = "int"
STRING = "string"
BOOL = "boolean"
REGEX = "regex"
TIME = "time"
DURATION = "duration"
MISSING = "missing"
INVALID = "invalid type"

INT64_MIN = -(1 << 63)
INT64_MAX = (1 << 63) - 1

# Go's %T of a value of each type (used by "expression returned unexpected type %T" etc.).
GO_TYPE = {FLOAT: "float64", INT: "int64", STRING: "string", BOOL: "bool",
           REGEX: "*regexp.Regexp", TIME: "time.Time", DURATION: "time.Duration",
           MISSING: "*ast.Missing", None: "<nil>"}

MATH_OPS = ("+", "-", "*", "/", "%")
COMP_OPS = ("==", "!=", "<", "<=", ">", ">=", "=~", "!~")
LOGICAL_OPS = ("AND", "OR")
BINARY_OPS = MATH_OPS + COMP_OPS + LOGICAL_OPS
UNARY_OPS = ("-", "!")


class LambdaError(InvalidArgument):
    """A lambda cannot be compiled (the evaluation errors of single points are plain strings)."""

    code = "lambda"


@dataclass(frozen=True)
class Duration:
    """A Go ``time.Duration`` in the reference evaluator (int64 nanoseconds)."""

    ns: int


@dataclass(frozen=True)
class Time:
    """A Go ``time.Time`` in the reference evaluator (nanoseconds since the epoch, UTC)."""

    ns: int


class Missing:
    """Kapacitor's ``ast.MissingValue``: a referenced field or tag the point does not have."""

    __slots__ = ()

    def __repr__(self):
        return "MISSING"


MISSING_VALUE = Missing()


def _operators():
    table = {}
    for op in ("AND", "OR"):
        table[(op, BOOL, BOOL)] = BOOL
    for op in ("==", "!="):
        table[(op, BOOL, BOOL)] = BOOL
    for op in ("==", "!=", "<", "<=", ">", ">="):
        for lt in (INT, FLOAT):
            for rt in (INT, FLOAT):
                table[(op, lt, rt)] = BOOL
        table[(op, STRING, STRING)] = BOOL
        table[(op, DURATION, DURATION)] = BOOL
    table[("=~", STRING, REGEX)] = BOOL
    table[("!~", STRING, REGEX)] = BOOL
    for op in ("+", "-", "*", "/"):
        table[(op, FLOAT, FLOAT)] = FLOAT
        table[(op, INT, INT)] = INT
    table[("%", INT, INT)] = INT
    table[("+", DURATION, DURATION)] = DURATION
    table[("-", DURATION, DURATION)] = DURATION
    table[("*", DURATION, INT)] = DURATION
    table[("*", INT, DURATION)] = DURATION
    table[("*", DURATION, FLOAT)] = DURATION
    table[("*", FLOAT, DURATION)] = DURATION
    table[("/", DURATION, INT)] = DURATION
    table[("/", DURATION, FLOAT)] = DURATION
    table[("/", DURATION, DURATION)] = INT
    table[("+", STRING, STRING)] = STRING
    return table


# (operator, left type, right type) -> result type: Kapacitor's evaluationFuncs keys.
OPERATORS = _operators()

# type -> operators it takes part in, on either side (Kapacitor's typeToBinaryOperators).
TYPE_OPERATORS = {}
for (_op, _lt, _rt) in OPERATORS:
    TYPE_OPERATORS.setdefault(_lt, set()).add(_op)
    TYPE_OPERATORS.setdefault(_rt, set()).add(_op)


def operator_kind(op):
    """Name an operator's family as Kapacitor's messages do."""
    if op in MATH_OPS:
        return "math"
    if op in COMP_OPS:
        return "comparison"
    return "logical"


def type_error(op, left_type, right_type):
    """Kapacitor's determineError without a scope: the message for a missing operator entry.

    NOTE: Kapacitor checks the LEFT type's operator set in both branches, so the second
    branch can never fire; we keep the observable behaviour (left type named, else mismatch).
    """
    if left_type != INVALID and op not in TYPE_OPERATORS.get(left_type, ()):
        return f"invalid {operator_kind(op)} operator {op} for type {left_type}"
    return (f"mismatched type to binary operator. got {left_type} {op} {right_type}. "
            "see bool(), int(), float(), string(), duration()")


def type_guard(requested, actual):
    """Kapacitor's ErrTypeGuardFailed text."""
    return f"TypeGuard: expression returned unexpected type {actual}, expected {requested}"


def missing_reference(name):
    """The error of reading a missing field or tag as a value."""
    return f'reference "{name}" is missing value'


def constant_type(node):
    """Kapacitor's getConstantNodeType: the type of a node known without any point, or INVALID."""
    kind = node.kind
    if kind == "literal":
        return node.type
    if kind == "unary":
        if node.op == "!":
            return BOOL
        return constant_type(node.operand)
    if kind == "binary":
        if node.op in COMP_OPS or node.op in LOGICAL_OPS:
            return BOOL
        return OPERATORS.get((node.op, constant_type(node.left), constant_type(node.right)),
                             INVALID)
    return INVALID


def is_dynamic(node):
    """Kapacitor's IsDynamic: whether a node's type can change from point to point."""
    kind = node.kind
    if kind == "literal":
        return False
    if kind in ("reference", "call"):
        return True
    if kind == "unary":
        return constant_type(node) == INVALID and is_dynamic(node.operand)
    return constant_type(node) == INVALID and (is_dynamic(node.left) or is_dynamic(node.right))


def wrap_int64(value):
    """Wrap a Python int to int64 as Go's arithmetic does."""
    return ((value - INT64_MIN) & 0xFFFFFFFFFFFFFFFF) + INT64_MIN


def go_float_to_int64(value):
    """Convert a float to int64 as Go does on amd64 (NaN and out of range give MinInt64)."""
    if math.isnan(value) or value >= 9.223372036854775807e18 or value < -9.223372036854775808e18:
        return INT64_MIN
    return int(value)


def go_float_v(value):
    """Format a float as Go's ``%v`` does (shortest digits, exponent below 1e-4 or from 1e21)."""
    if math.isnan(value):
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "+Inf" if value > 0 else "-Inf"
    if value == 0:
        return "-0" if np.signbit(value) else "0"
    text = np.format_float_scientific(value, unique=True, trim="-")
    mantissa, exp = text.split("e")
    exp = int(exp)
    if exp < -4 or exp >= 21:
        return f"{mantissa}e{'-' if exp < 0 else '+'}{abs(exp):02d}"
    return np.format_float_positional(value, unique=True, trim="-")


def go_float_f(value):
    """Format a float as Go's ``strconv.FormatFloat(f, 'f', -1, 64)`` (no exponent, ever)."""
    if math.isnan(value):
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "+Inf" if value > 0 else "-Inf"
    return np.format_float_positional(value, unique=True, trim="-")


_NS = {"ns": 1, "us": 1_000, "ms": 1_000_000, "s": 1_000_000_000}


def go_duration(ns):
    """Format a duration as Go's ``time.Duration.String()`` (``1h30m0s``, ``1.5s``, ``0s``)."""
    if ns == 0:
        return "0s"
    sign = "-" if ns < 0 else ""
    u = abs(ns)
    if u < 1_000_000_000:
        for unit, size in (("ns", 1), ("µs", 1_000), ("ms", 1_000_000)):
            if u < size * 1000:
                return sign + _frac_units(u, size) + unit
    h, rest = divmod(u, 3600 * 1_000_000_000)
    m, rest = divmod(rest, 60 * 1_000_000_000)
    text = _frac_units(rest, 1_000_000_000) + "s"
    if h:
        return f"{sign}{h}h{m}m{text}"
    if m:
        return f"{sign}{m}m{text}"
    return sign + text


def _frac_units(value, size):
    whole, rest = divmod(value, size)
    if not rest:
        return str(whole)
    digits = len(str(size)) - 1
    return f"{whole}.{str(rest).rjust(digits, '0').rstrip('0')}"


def go_value_v(value):
    """Format a literal as Kapacitor's node String() does (``%v`` of the Go value)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return go_float_v(value)
    if isinstance(value, Duration):
        return go_duration(value.ns)
    return str(value)
