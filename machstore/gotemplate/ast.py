"""Parse-tree nodes of a Go template, with Go's canonical ``String()`` as ``str()``.

Every node keeps ``pos`` (character offset in the template text) for error messages; ``==``
compares structure and ignores positions.  ``str(node)`` prints what Go's ``parse/node.go``
prints, which is also what execution errors quote as ``at <...>``.
"""

__all__ = [
    "ActionNode",
    "BoolNode",
    "BreakNode",
    "ChainNode",
    "CommandNode",
    "CommentNode",
    "ContinueNode",
    "DotNode",
    "ElseNode",
    "EndNode",
    "FieldNode",
    "IdentifierNode",
    "IfNode",
    "ListNode",
    "NilNode",
    "Node",
    "NumberNode",
    "PipeNode",
    "RangeNode",
    "StringNode",
    "TemplateNode",
    "TextNode",
    "Tree",
    "VariableNode",
    "WithNode",
]

from .lexer import go_quote

# How str() prints text nodes: "%s" (as written) or "%q" (Go-quoted, as Go's parse tests print).
TEXT_FORMAT = "%s"


class Node:
    """Base of every node: a position and structural equality."""

    __slots__ = ("pos",)
    _fields = ()

    def __eq__(self, other):
        return type(self) is type(other) and all(getattr(self, f) == getattr(other, f) for f in self._fields)

    def __hash__(self):
        return id(self)

    def __repr__(self):
        return f"{type(self).__name__}({str(self)!r})"


class ListNode(Node):
    __slots__ = ("nodes",)
    _fields = ("nodes",)

    def __init__(self, pos, nodes=None):
        self.pos, self.nodes = pos, nodes if nodes is not None else []

    def __str__(self):
        return "".join(str(n) for n in self.nodes)


class TextNode(Node):
    __slots__ = ("text",)
    _fields = ("text",)

    def __init__(self, pos, text):
        self.pos, self.text = pos, text

    def __str__(self):
        return go_quote(self.text) if TEXT_FORMAT == "%q" else self.text


class CommentNode(Node):
    __slots__ = ("text",)
    _fields = ("text",)

    def __init__(self, pos, text):
        self.pos, self.text = pos, text

    def __str__(self):
        return "{{" + self.text + "}}"


class PipeNode(Node):
    """``$x, $y := cmd | cmd``: declarations (or assignments) and commands."""

    __slots__ = ("cmds", "decl", "is_assign", "line")
    _fields = ("is_assign", "decl", "cmds")

    def __init__(self, pos, line, decl=None, cmds=None, is_assign=False):
        self.pos, self.line = pos, line
        self.decl = decl if decl is not None else []
        self.cmds = cmds if cmds is not None else []
        self.is_assign = is_assign

    def __str__(self):
        s = ""
        if self.decl:
            s = ", ".join(str(v) for v in self.decl) + (" = " if self.is_assign else " := ")
        return s + " | ".join(str(c) for c in self.cmds)


class ActionNode(Node):
    __slots__ = ("line", "pipe")
    _fields = ("pipe",)

    def __init__(self, pos, line, pipe):
        self.pos, self.line, self.pipe = pos, line, pipe

    def __str__(self):
        return "{{" + str(self.pipe) + "}}"


class CommandNode(Node):
    __slots__ = ("args",)
    _fields = ("args",)

    def __init__(self, pos, args=None):
        self.pos, self.args = pos, args if args is not None else []

    def __str__(self):
        return " ".join("(" + str(a) + ")" if isinstance(a, PipeNode) else str(a) for a in self.args)


class IdentifierNode(Node):
    __slots__ = ("ident",)
    _fields = ("ident",)

    def __init__(self, pos, ident):
        self.pos, self.ident = pos, ident

    def __str__(self):
        return self.ident


class VariableNode(Node):
    """``$x`` or ``$x.Field.Chain``: ``ident`` is ``["$x", "Field", "Chain"]``."""

    __slots__ = ("ident",)
    _fields = ("ident",)

    def __init__(self, pos, ident):
        self.pos, self.ident = pos, ident

    def __str__(self):
        return ".".join(self.ident)


class DotNode(Node):
    __slots__ = ()

    def __init__(self, pos):
        self.pos = pos

    def __str__(self):
        return "."


class NilNode(Node):
    __slots__ = ()

    def __init__(self, pos):
        self.pos = pos

    def __str__(self):
        return "nil"


class FieldNode(Node):
    """``.A.B``: ``ident`` is ``["A", "B"]``."""

    __slots__ = ("ident",)
    _fields = ("ident",)

    def __init__(self, pos, ident):
        self.pos, self.ident = pos, ident

    def __str__(self):
        return "".join("." + i for i in self.ident)


class ChainNode(Node):
    """``(pipeline).A.B`` or ``func.A``: a term followed by fields."""

    __slots__ = ("field", "node")
    _fields = ("node", "field")

    def __init__(self, pos, node, field=None):
        self.pos, self.node, self.field = pos, node, field if field is not None else []

    def __str__(self):
        s = str(self.node)
        if isinstance(self.node, PipeNode):
            s = "(" + s + ")"
        return s + "".join("." + f for f in self.field)


class BoolNode(Node):
    __slots__ = ("true",)
    _fields = ("true",)

    def __init__(self, pos, true):
        self.pos, self.true = pos, true

    def __str__(self):
        return "true" if self.true else "false"


class NumberNode(Node):
    """A numeric or character constant with every interpretation Go derives from its text."""

    __slots__ = ("complex128", "float64", "int64", "is_complex", "is_float", "is_int", "is_uint", "text", "uint64")
    _fields = ("text",)

    def __init__(self, pos, text):
        self.pos, self.text = pos, text
        self.is_int = self.is_uint = self.is_float = self.is_complex = False
        self.int64 = self.uint64 = 0
        self.float64 = 0.0
        self.complex128 = 0j

    def __str__(self):
        return self.text


class StringNode(Node):
    """A string constant: ``quoted`` as written, ``text`` unquoted."""

    __slots__ = ("quoted", "text")
    _fields = ("text",)

    def __init__(self, pos, quoted, text):
        self.pos, self.quoted, self.text = pos, quoted, text

    def __str__(self):
        return self.quoted


class EndNode(Node):
    __slots__ = ()

    def __init__(self, pos):
        self.pos = pos

    def __str__(self):
        return "{{end}}"


class ElseNode(Node):
    __slots__ = ("line",)

    def __init__(self, pos, line):
        self.pos, self.line = pos, line

    def __str__(self):
        return "{{else}}"


class _BranchNode(Node):
    __slots__ = ("else_list", "line", "list", "pipe")
    _fields = ("pipe", "list", "else_list")
    keyword = ""

    def __init__(self, pos, line, pipe, list_, else_list):
        self.pos, self.line, self.pipe, self.list, self.else_list = pos, line, pipe, list_, else_list

    def __str__(self):
        s = "{{" + self.keyword + " " + str(self.pipe) + "}}" + str(self.list)
        if self.else_list is not None:
            s += "{{else}}" + str(self.else_list)
        return s + "{{end}}"


class IfNode(_BranchNode):
    __slots__ = ()
    keyword = "if"


class RangeNode(_BranchNode):
    __slots__ = ()
    keyword = "range"


class WithNode(_BranchNode):
    __slots__ = ()
    keyword = "with"


class TemplateNode(Node):
    """``{{template "name" pipeline}}`` (also what ``block`` leaves in place)."""

    __slots__ = ("line", "name", "pipe")
    _fields = ("name", "pipe")

    def __init__(self, pos, line, name, pipe):
        self.pos, self.line, self.name, self.pipe = pos, line, name, pipe

    def __str__(self):
        if self.pipe is None:
            return "{{template " + go_quote(self.name) + "}}"
        return "{{template " + go_quote(self.name) + " " + str(self.pipe) + "}}"


class BreakNode(Node):
    __slots__ = ("line",)

    def __init__(self, pos, line):
        self.pos, self.line = pos, line

    def __str__(self):
        return "{{break}}"


class ContinueNode(Node):
    __slots__ = ("line",)

    def __init__(self, pos, line):
        self.pos, self.line = pos, line

    def __str__(self):
        return "{{continue}}"


class Tree:
    """One named template: its root list, the name it was parsed under and that text."""

    __slots__ = ("name", "parse_name", "root", "text")

    def __init__(self, name, parse_name, root, text):
        self.name, self.parse_name, self.root, self.text = name, parse_name, root, text

    def is_empty(self):
        return is_empty_tree(self.root)


def is_empty_tree(node):
    """Go's ``IsEmptyTree``: only white space text and comments (``define`` leaves nothing)."""
    if node is None:
        return True
    if isinstance(node, ListNode):
        return all(is_empty_tree(n) for n in node.nodes)
    if isinstance(node, TextNode):
        return node.text.strip(" \t\r\n") == ""
    return isinstance(node, CommentNode)
