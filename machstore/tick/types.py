"""The value types of TICKscript (Kapacitor 1.7's ``tick/ast/types.go``): names and literal types.

Lambda evaluation and node properties check values against these types and name them in their
errors with Kapacitor's words (``float``, ``int``, ``string``, ``boolean``, ``regex``, ``time``,
``duration``, ``lambda``, ``list``, ``star``, ``missing``; anything else is ``invalid type``).
:func:`literal_type` gives the type a literal node stands for, before any evaluation.
"""
from enum import IntEnum

from . import ast

__all__ = ["MISSING", "Missing", "ValueType", "literal_type"]


class ValueType(IntEnum):
    INVALID = 0
    FLOAT = 1
    INT = 2
    STRING = 3
    BOOL = 4
    REGEX = 5
    TIME = 6
    DURATION = 7
    LAMBDA = 8
    LIST = 9
    STAR = 10
    MISSING = 11

    def __str__(self):
        return _NAMES.get(self, "invalid type")


_NAMES = {ValueType.FLOAT: "float", ValueType.INT: "int", ValueType.STRING: "string", ValueType.BOOL: "boolean",
          ValueType.REGEX: "regex", ValueType.TIME: "time", ValueType.DURATION: "duration",
          ValueType.LAMBDA: "lambda", ValueType.LIST: "list", ValueType.STAR: "star", ValueType.MISSING: "missing"}


class Missing:
    """The value of a field or tag a point does not have (Kapacitor's ``ast.MissingValue``)."""

    __slots__ = ()

    def __repr__(self):
        return "MISSING"


MISSING = Missing()


def literal_type(node):
    """Return the ValueType a literal node stands for, or INVALID for anything that is not a literal."""
    if isinstance(node, ast.NumberNode):
        return ValueType.INT if node.is_int else ValueType.FLOAT
    return _LITERAL_TYPES.get(type(node), ValueType.INVALID)


_LITERAL_TYPES = {ast.StringNode: ValueType.STRING, ast.BoolNode: ValueType.BOOL, ast.RegexNode: ValueType.REGEX,
                  ast.DurationNode: ValueType.DURATION, ast.LambdaNode: ValueType.LAMBDA,
                  ast.ListNode: ValueType.LIST, ast.StarNode: ValueType.STAR}
