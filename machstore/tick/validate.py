"""Compile-time checks of a lambda, with Kapacitor's ``NewExpression`` error texts.

Kapacitor rejects a lambda when building its evaluator only for a binary operator whose two
sides have constant types that no operator takes (``1 + 1.0``); the message is nested in
the "Failed to handle ..." prefixes of the enclosing nodes.  We also refuse, here and
clearly, the functions machstore does not implement.
"""

from machstore.tick.lambda_types import OPERATORS, LambdaError, constant_type, is_dynamic, type_error
from machstore.tick.signatures import BESSEL


def _check(node):
    kind = node.kind
    if kind == "unary":
        try:
            _check(node.operand)
        except LambdaError as ex:
            raise LambdaError(f"Failed to handle node: {ex}") from None
    elif kind == "binary":
        for side, child in (("left", node.left), ("right", node.right)):
            try:
                _check(child)
            except LambdaError as ex:
                raise LambdaError(f"Failed to handle {side} node: {ex}") from None
        if not is_dynamic(node.left) and not is_dynamic(node.right):
            lt, rt = constant_type(node.left), constant_type(node.right)
            if (node.op, lt, rt) not in OPERATORS:
                raise LambdaError(type_error(node.op, lt, rt))
    elif kind == "call":
        if node.name in BESSEL:
            raise LambdaError(f'function "{node.name}" (a Bessel function) is not supported '
                              "by machstore's lambdas")
        for i, arg in enumerate(node.args):
            try:
                _check(arg)
            except LambdaError as ex:
                raise LambdaError(f"Failed to handle {i + 1} argument: {ex}") from None


def validate(node):
    """Raise LambdaError if Kapacitor would refuse to build this lambda (or we cannot run it)."""
    _check(node)
