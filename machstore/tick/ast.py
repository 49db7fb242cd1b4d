"""TICKscript syntax tree: one class per node of Kapacitor 1.7's ``tick/ast/node.go``.

Every node keeps its :class:`Position` (byte offset, line, char) and, where Kapacitor keeps
one, the :class:`CommentNode` written before it, so the formatter can print comments back.

Two equalities, as in Kapacitor:

* ``==`` compares everything, positions and comments included (Go's ``reflect.DeepEqual``,
  which ``parser_test.go`` uses);
* :meth:`Node.equal` is Kapacitor's ``Equal``: the same program, ignoring positions and comments.

Binary and chain nodes grow to the left (``a + b + c``, ``stream|from().where(...)``), so long
scripts make deep left spines; their equality walks the spine in a loop rather than recursing.
"""
from dataclasses import dataclass, field, fields
from enum import IntEnum
from typing import Any, NamedTuple

from .lexer import TokenType

__all__ = [
    "BinaryNode",
    "BoolNode",
    "ChainNode",
    "CommentNode",
    "DBRPNode",
    "DeclarationNode",
    "DurationNode",
    "FuncType",
    "FunctionNode",
    "IdentifierNode",
    "LambdaNode",
    "ListNode",
    "Node",
    "NumberNode",
    "Position",
    "ProgramNode",
    "ReferenceNode",
    "RegexNode",
    "StarNode",
    "StringNode",
    "TypeDeclarationNode",
    "UnaryNode",
    "walk",
]


class Position(NamedTuple):
    """Where a node starts: byte offset in the UTF-8 script, 1-based line and char."""

    pos: int
    line: int
    char: int

    def __str__(self):
        return f"{self.pos}l{self.line}c{self.char}"


NO_POSITION = Position(0, 0, 0)


class FuncType(IntEnum):
    """How a function is called: ``f()`` global, ``|f()`` chain, ``.f()`` property, ``@f()`` dynamic."""

    GLOBAL = 0
    CHAIN = 1
    PROPERTY = 2
    DYNAMIC = 3

    def __str__(self):
        return self.name.lower()


class Node:
    """Base of every node: a ``position`` and Kapacitor's position-blind :meth:`equal`."""

    __slots__ = ()
    #: the fields that carry meaning (Kapacitor's Equal compares only these)
    _same = ()

    def equal(self, other):
        """Report whether ``other`` is the same program text, ignoring positions and comments."""
        if type(other) is not type(self):
            return False
        for name in self._same:
            a, b = getattr(self, name), getattr(other, name)
            if isinstance(a, Node):
                if not a.equal(b):
                    return False
            elif isinstance(a, list):
                if len(a) != len(b) or not all(x.equal(y) for x, y in zip(a, b)):
                    return False
            elif a != b:
                return False
        return True

    @property
    def line(self):
        return self.position.line

    @property
    def char(self):
        return self.position.char


def _children(node):
    for f in fields(node):
        value = getattr(node, f.name)
        if isinstance(value, Node) and not isinstance(value, CommentNode):
            yield value
        elif isinstance(value, list):
            yield from (v for v in value if isinstance(v, Node))


def walk(node):
    """Yield ``node`` and every node below it (comments excluded), parents first, without recursion."""
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(reversed(list(_children(n))))


@dataclass(eq=True, slots=True)
class CommentNode(Node):
    """Comment lines written before a node; ``"\\n"`` entries are blank lines between comment blocks."""

    position: Position
    comments: list

    def equal(self, other):
        # Only functional equivalence matters: any comment equals any comment.
        return isinstance(other, CommentNode)

    def comment_string(self):
        return "\n".join(self.comments)


@dataclass(eq=True, slots=True)
class NumberNode(Node):
    """An int (with its base: 8 when written with a leading 0, else 10) or a float literal."""

    position: Position
    is_int: bool = False
    is_float: bool = False
    int64: int = 0
    float64: float = 0.0
    base: int = 0
    comment: CommentNode | None = None
    _same = ("is_int", "is_float", "int64", "float64")

    @property
    def value(self):
        return self.int64 if self.is_int else self.float64


@dataclass(eq=True, slots=True)
class DurationNode(Node):
    """A duration literal; ``dur`` in nanoseconds, ``literal`` as written (the formatter keeps it)."""

    position: Position
    dur: int = 0
    literal: str = ""
    comment: CommentNode | None = None
    _same = ("dur",)


@dataclass(eq=True, slots=True)
class BoolNode(Node):
    position: Position
    bool: bool = False
    comment: CommentNode | None = None
    _same = ("bool",)


@dataclass(eq=True, slots=True)
class UnaryNode(Node):
    """``-x`` or ``!x``."""

    position: Position
    node: Node = None
    operator: TokenType = TokenType.MINUS
    comment: CommentNode | None = None
    _same = ("operator", "node")


def _spine_equal(a, b, strict):
    """Compare two left-deep binary/chain trees without recursing down the left side."""
    while True:
        if type(a) is not type(b) or a.operator != b.operator:
            return False
        if strict:
            if a.position != b.position or a.comment != b.comment or not a._flags_equal(b):
                return False
            if a.right != b.right:
                return False
        elif not a.right.equal(b.right):
            return False
        a, b = a.left, b.left
        if type(a) is not type(b):
            return False
        if not isinstance(a, (BinaryNode, ChainNode)):
            return a == b if strict else a.equal(b)


@dataclass(eq=False, slots=True)
class BinaryNode(Node):
    """``left <op> right``; ``parens`` and ``multi_line`` remember how it was written (for the formatter)."""

    position: Position
    left: Node = None
    right: Node = None
    operator: TokenType = TokenType.PLUS
    comment: CommentNode | None = None
    parens: bool = False
    multi_line: bool = False

    def _flags_equal(self, other):
        return self.parens == other.parens and self.multi_line == other.multi_line

    def __eq__(self, other):
        return isinstance(other, BinaryNode) and _spine_equal(self, other, True)

    def equal(self, other):
        return isinstance(other, BinaryNode) and _spine_equal(self, other, False)


@dataclass(eq=True, slots=True)
class ReferenceNode(Node):
    """A ``"field"`` or ``"tag"`` reference (unescaped)."""

    position: Position
    reference: str = ""
    comment: CommentNode | None = None
    _same = ("reference",)


@dataclass(eq=True, slots=True)
class DBRPNode(Node):
    """``dbrp "db"."rp"``."""

    position: Position
    comment: CommentNode | None = None
    db: ReferenceNode = None
    rp: ReferenceNode = None
    _same = ("db", "rp")

    def dbrp(self):
        return f'"{self.db.reference}"."{self.rp.reference}"'


@dataclass(eq=True, slots=True)
class IdentifierNode(Node):
    position: Position
    ident: str = ""
    comment: CommentNode | None = None
    _same = ("ident",)


@dataclass(eq=True, slots=True)
class DeclarationNode(Node):
    """``var left = right``."""

    position: Position
    left: IdentifierNode = None
    right: Node = None
    comment: CommentNode | None = None
    _same = ("left", "right")


@dataclass(eq=True, slots=True)
class TypeDeclarationNode(Node):
    """``var node type`` (a template variable declared without a value)."""

    position: Position
    node: IdentifierNode = None
    type: IdentifierNode = None
    comment: CommentNode | None = None
    _same = ("node", "type")


@dataclass(eq=False, slots=True)
class ChainNode(Node):
    """``left |right``, ``left .right`` or ``left @right``; ``operator`` is PIPE, DOT or AT."""

    position: Position
    left: Node = None
    right: Node = None
    operator: TokenType = TokenType.PIPE
    comment: CommentNode | None = None

    def _flags_equal(self, other):
        return True

    def __eq__(self, other):
        return isinstance(other, ChainNode) and _spine_equal(self, other, True)

    def equal(self, other):
        return isinstance(other, ChainNode) and _spine_equal(self, other, False)


@dataclass(eq=True, slots=True)
class StringNode(Node):
    """A string literal (unescaped); ``triple_quotes`` when written ``'''...'''``."""

    position: Position
    literal: str = ""
    triple_quotes: bool = False
    comment: CommentNode | None = None
    _same = ("literal",)


@dataclass(eq=True, slots=True)
class ListNode(Node):
    """``[item, ...]`` of strings, identifiers and ``*``."""

    position: Position
    nodes: list = field(default_factory=list)
    comment: CommentNode | None = None
    _same = ("nodes",)


@dataclass(eq=True, slots=True)
class RegexNode(Node):
    """``/literal/``: ``literal`` as written (``\\/`` kept), ``pattern`` with ``\\/`` unescaped (RE2)."""

    position: Position
    pattern: str = ""
    literal: str = ""
    comment: CommentNode | None = None
    regex: Any = field(default=None, compare=False, repr=False)
    _same = ("pattern",)


@dataclass(eq=True, slots=True)
class StarNode(Node):
    position: Position
    comment: CommentNode | None = None


@dataclass(eq=True, slots=True)
class FunctionNode(Node):
    """A call ``func(args)``; ``type`` says how it was chained, ``multi_line`` how its args were laid out."""

    position: Position
    type: FuncType = FuncType.GLOBAL
    func: str = ""
    args: list = field(default_factory=list)
    comment: CommentNode | None = None
    multi_line: bool = False
    _same = ("type", "func", "args")


@dataclass(eq=True, slots=True)
class LambdaNode(Node):
    """``lambda: expression``."""

    position: Position
    expression: Node = None
    comment: CommentNode | None = None
    _same = ("expression",)


@dataclass(eq=True, slots=True)
class ProgramNode(Node):
    """The whole script: statements (and trailing comments) in order."""

    position: Position
    nodes: list = field(default_factory=list)
    _same = ("nodes",)
