"""The type check InfluxDB runs on a SELECT's fields before reading anything (``validateTypes``).

InfluxQL gives every field expression a type from its parts: a field's type from the sources,
a tag is a string, literals their own, a call the type its function returns.  A binary
operation is typed by evaluating it on zero values of its operand types, as
``influxql.TypeValuerEval`` does; when that evaluation has no value (``float + string``,
``boolean * integer``) the statement fails with InfluxDB's text, the expression printed with
each reference's type: ``type error: usage_user::float + 'x': incompatible types: float and
string``.  An operand of unknown type (a missing field, a function whose type this table does
not know) lets the other side decide, so the check never refuses what InfluxDB would run.
"""
import dataclasses

from machstore.errors import InvalidArgument

from . import ast

__all__ = ["FieldTypeError", "check_field_types"]

FLOAT, INTEGER, UNSIGNED, STRING, BOOLEAN = "float", "integer", "unsigned", "string", "boolean"
_NUMERIC = {FLOAT, INTEGER, UNSIGNED}
_ARITHMETIC = {"+", "-", "*", "/", "%"}
_BITWISE = {"&", "|", "^"}
_COMPARISON = {"=", "!=", "<>", "<", "<=", ">", ">="}

# what a call returns: a fixed type, or "arg" for the type of its first argument
_RETURNS = {
    "count": INTEGER, "elapsed": INTEGER,
    "mean": FLOAT, "median": FLOAT, "integral": FLOAT, "stddev": FLOAT, "derivative": FLOAT,
    "non_negative_derivative": FLOAT, "moving_average": FLOAT, "holt_winters": FLOAT,
    "holt_winters_with_fit": FLOAT, "chande_momentum_oscillator": FLOAT, "exponential_moving_average": FLOAT,
    "double_exponential_moving_average": FLOAT, "kaufmans_efficiency_ratio": FLOAT,
    "kaufmans_adaptive_moving_average": FLOAT, "triple_exponential_moving_average": FLOAT,
    "triple_exponential_derivative": FLOAT, "relative_strength_index": FLOAT,
    "sin": FLOAT, "cos": FLOAT, "tan": FLOAT, "asin": FLOAT, "acos": FLOAT, "atan": FLOAT, "atan2": FLOAT,
    "exp": FLOAT, "ln": FLOAT, "log": FLOAT, "log2": FLOAT, "log10": FLOAT, "sqrt": FLOAT, "pow": FLOAT,
    "sum": "arg", "first": "arg", "last": "arg", "min": "arg", "max": "arg", "mode": "arg", "spread": "arg",
    "percentile": "arg", "sample": "arg", "top": "arg", "bottom": "arg", "distinct": "arg",
    "difference": "arg", "non_negative_difference": "arg", "cumulative_sum": "arg", "abs": "arg",
    "floor": "arg", "ceil": "arg", "round": "arg",
}


class FieldTypeError(InvalidArgument):
    """``type error: <expr>: <message>``, InfluxQL's TypeError."""


def check_field_types(fields, field_types):
    """Raise :class:`FieldTypeError` for the first field whose expression InfluxDB cannot type.

    ``field_types`` maps field names to type names ("float", ...); a name not in it is a tag or
    unknown.
    """
    for f in fields:
        annotated = _annotate(f.expr, field_types)
        _type_of(annotated)


def _annotate(expr, field_types):
    """The expression with every reference's type spelled out (how InfluxDB prints it)."""
    if isinstance(expr, ast.VarRef):
        if expr.type:
            return expr
        kind = field_types.get(expr.name)
        return dataclasses.replace(expr, type=kind) if kind else expr
    if isinstance(expr, ast.BinaryExpr):
        return dataclasses.replace(expr, lhs=_annotate(expr.lhs, field_types), rhs=_annotate(expr.rhs, field_types))
    if isinstance(expr, ast.ParenExpr):
        return dataclasses.replace(expr, expr=_annotate(expr.expr, field_types))
    if isinstance(expr, ast.Call):
        return dataclasses.replace(expr, args=tuple(_annotate(a, field_types) for a in expr.args))
    return expr


def _type_of(expr):
    """The expression's type name, "" when unknown; raises FieldTypeError on incompatible operands."""
    if isinstance(expr, ast.VarRef):
        return STRING if expr.type == "tag" else expr.type if expr.type in _NUMERIC | {STRING, BOOLEAN} else ""
    if isinstance(expr, ast.ParenExpr):
        return _type_of(expr.expr)
    if isinstance(expr, ast.NumberLiteral):
        return FLOAT
    if isinstance(expr, ast.IntegerLiteral):
        return INTEGER
    if isinstance(expr, ast.UnsignedLiteral):
        return UNSIGNED
    if isinstance(expr, ast.StringLiteral):
        return STRING
    if isinstance(expr, ast.BooleanLiteral):
        return BOOLEAN
    if isinstance(expr, ast.Call):
        arg_types = [_type_of(a) for a in expr.args]
        returns = _RETURNS.get(expr.name.lower(), "")
        if returns == "arg":
            return arg_types[0] if arg_types else ""
        return returns
    if isinstance(expr, ast.BinaryExpr):
        return _binary_type(expr, _type_of(expr.lhs), _type_of(expr.rhs))
    return ""


def _binary_type(expr, lhs, rhs):
    if not lhs or not rhs:
        return lhs or rhs
    op = expr.op
    if lhs in _NUMERIC and rhs in _NUMERIC:
        if op in _COMPARISON:
            return BOOLEAN
        if op in _ARITHMETIC or (op in _BITWISE and FLOAT not in (lhs, rhs)):
            return FLOAT if FLOAT in (lhs, rhs) or op == "/" else (UNSIGNED if UNSIGNED in (lhs, rhs) else INTEGER)
    elif lhs == rhs == STRING:
        if op in _COMPARISON or op in ("=~", "!~"):
            return BOOLEAN
        if op == "+":
            return STRING
    elif lhs == rhs == BOOLEAN:
        if op in ("=", "!=", "<>", "AND", "OR") or op in _BITWISE:
            return BOOLEAN
    elif op in ("=", "!=", "<>"):
        return BOOLEAN   # values of different types compare unequal
    raise FieldTypeError(f"type error: {expr}: incompatible types: {lhs} and {rhs}")
