"""The small expression form both lambda evaluators compile from.

The TICKscript parser (``machstore.tick.parser``) is written on another branch; until its
AST is merged, lambdas are built from tuple trees (``from_tuple``), and ``from_ast`` will
adapt the parser's Lambda nodes to this same form.  A node's ``text()`` is Kapacitor's
``String()`` of its evaluator, which appears verbatim in function-signature errors.
"""

from dataclasses import dataclass

from machstore.influxql.ast import RegexError, compile_go_regex
from machstore.tick.lambda_types import (
    BINARY_OPS,
    BOOL,
    DURATION,
    FLOAT,
    INT,
    REGEX,
    STRING,
    UNARY_OPS,
    Duration,
    LambdaError,
    go_value_v,
    wrap_int64,
)


class Node:
    """Base of the expression nodes (``kind`` names the evaluator family)."""

    kind = ""


@dataclass(frozen=True, eq=False)
class Literal(Node):
    """A number, string, boolean, duration or regex written in the lambda."""

    type: str
    value: object
    kind = "literal"

    def text(self):
        if self.type == REGEX:
            return self.value.pattern
        return go_value_v(self.value)


class CompiledRegex:
    """A regex literal: RE2 (Go's regexp syntax), compiled once."""

    __slots__ = ("pattern", "re")

    def __init__(self, pattern, compiled=None):
        self.pattern = pattern
        if compiled is not None:
            self.re = compiled
            return
        try:
            self.re = compile_go_regex(pattern)
        except RegexError as ex:
            raise LambdaError(str(ex)) from None

    def __repr__(self):
        return f"/{self.pattern}/"


@dataclass(frozen=True, eq=False)
class Reference(Node):
    """A double-quoted field or tag name (``"time"`` is the point's time)."""

    name: str
    kind = "reference"

    def text(self):
        return f'"{self.name}"'


@dataclass(frozen=True, eq=False)
class Unary(Node):
    """``-x`` or ``!x``."""

    op: str
    operand: Node
    kind = "unary"

    def text(self):
        return f"{self.op}{self.operand.text()}"


@dataclass(frozen=True, eq=False)
class Binary(Node):
    """``left op right``."""

    op: str
    left: Node
    right: Node
    kind = "binary"

    def text(self):
        return f"{self.left.text()} {self.op} {self.right.text()}"


@dataclass(frozen=True, eq=False)
class Call(Node):
    """A built-in function call such as ``sigma("value")`` or ``if(c, a, b)``."""

    name: str
    args: tuple
    kind = "call"

    def text(self):
        return self.name + "(" + ", ".join(a.text() for a in self.args) + ")"


def from_tuple(tree):
    """Build a node from a tuple tree.

    Forms: ``("int", 5)``, ``("float", 1.5)``, ``("str", "a")``, ``("bool", True)``,
    ``("dur", ns)``, ``("regex", "pat")``, ``("ref", "name")``, ``("-", x)``/``("!", x)``
    (unary), ``(op, left, right)`` for every binary operator, ``("call", name, *args)``.
    """
    if isinstance(tree, Node):
        return tree
    if not isinstance(tree, tuple) or not tree:
        if type(tree).__name__.endswith("Node"):
            return from_ast(tree)   # a parsed node inside a tuple tree (from().where() AND-ed twice)
        raise LambdaError(f"not an expression: {tree!r}")
    head = tree[0]
    if head == "int":
        return Literal(INT, wrap_int64(int(tree[1])))
    if head == "float":
        return Literal(FLOAT, float(tree[1]))
    if head == "str":
        return Literal(STRING, str(tree[1]))
    if head == "bool":
        return Literal(BOOL, bool(tree[1]))
    if head == "dur":
        return Literal(DURATION, Duration(wrap_int64(int(tree[1]))))
    if head == "regex":
        return Literal(REGEX, CompiledRegex(tree[1]))
    if head == "ref":
        return Reference(str(tree[1]))
    if head == "call":
        return Call(str(tree[1]), tuple(from_tuple(a) for a in tree[2:]))
    if head in UNARY_OPS and len(tree) == 2:
        return Unary(head, from_tuple(tree[1]))
    if head in BINARY_OPS and len(tree) == 3:
        return Binary(head, from_tuple(tree[1]), from_tuple(tree[2]))
    raise LambdaError(f"not an expression: {tree!r}")


def references(node):
    """The names a lambda reads, in order of first appearance (Kapacitor fills its scope so)."""
    out = []

    def walk(n):
        if n.kind == "reference":
            if n.name not in out:
                out.append(n.name)
        elif n.kind == "unary":
            walk(n.operand)
        elif n.kind == "binary":
            walk(n.left)
            walk(n.right)
        elif n.kind == "call":
            for a in n.args:
                walk(a)

    walk(node)
    return out


def calls(node):
    """The names of the functions a lambda calls."""
    out = set()

    def walk(n):
        if n.kind == "unary":
            walk(n.operand)
        elif n.kind == "binary":
            walk(n.left)
            walk(n.right)
        elif n.kind == "call":
            out.add(n.name)
            for a in n.args:
                walk(a)

    walk(node)
    return out


_AST_OPERATORS = {
    "PLUS": "+", "MINUS": "-", "MULT": "*", "DIV": "/", "MOD": "%", "AND": "AND", "OR": "OR",
    "EQUAL": "==", "NOT_EQUAL": "!=", "LESS": "<", "GREATER": ">", "LESS_EQUAL": "<=",
    "GREATER_EQUAL": ">=", "REGEX_EQUAL": "=~", "REGEX_NOT_EQUAL": "!~", "NOT": "!",
}


def from_ast(node):
    """Adapt a parsed TICKscript node (``machstore.tick.ast``, e.g. a LambdaNode) to this form.

    Nodes are matched by class name so this module does not depend on the parser's package;
    anything that is not an expression Kapacitor can evaluate is refused with Kapacitor's text
    (``Given node type is not valid evaluation node: *ast.IdentifierNode``).
    """
    kind = type(node).__name__
    if kind == "LambdaNode":
        return from_ast(node.expression)
    if kind == "NumberNode":
        if node.is_int:
            return Literal(INT, wrap_int64(int(node.int64)))
        return Literal(FLOAT, float(node.float64))
    if kind == "StringNode":
        return Literal(STRING, node.literal)
    if kind == "BoolNode":
        return Literal(BOOL, bool(node.bool))
    if kind == "DurationNode":
        return Literal(DURATION, Duration(wrap_int64(int(node.dur))))
    if kind == "RegexNode":
        return Literal(REGEX, CompiledRegex(node.pattern, getattr(node, "regex", None)))
    if kind == "ReferenceNode":
        return Reference(node.reference)
    if kind == "UnaryNode":
        return Unary(_AST_OPERATORS[node.operator.name], from_ast(node.node))
    if kind == "BinaryNode":
        # NOTE: left-deep chains (a AND b AND c ...) can be long: walk the left spine iteratively.
        spine = []
        while type(node).__name__ == "BinaryNode":
            spine.append(node)
            node = node.left
        out = from_ast(node)
        for b in reversed(spine):
            out = Binary(_AST_OPERATORS[b.operator.name], out, from_ast(b.right))
        return out
    if kind == "FunctionNode":
        return Call(node.func, tuple(from_ast(a) for a in node.args))
    raise LambdaError(f"Given node type is not valid evaluation node: *ast.{kind}")
