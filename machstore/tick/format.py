"""The canonical TICKscript formatter, as Kapacitor 1.7's ``tick/fmt.go`` and the nodes' ``Format``.

This is the text Kapacitor returns as a task's ``script`` (and ``tickfmt`` writes): statements
separated by a blank line, each ``|`` chain link on its own line indented 4 spaces, each ``.``
property 8, comments on their own lines before what they annotate, function arguments on
one line unless they were written across lines, binary operators broken after the operator
where the source broke the line, redundant parentheses dropped (those around a binary
expression kept), numbers, durations, strings and regexes written back as Kapacitor does.

``format_script(text)`` parses and formats; ``format_node(node)`` formats a tree.  Formatting
is idempotent: ``format_script(format_script(x)) == format_script(x)``.
"""
from decimal import Decimal

from . import ast
from .lexer import TokenType
from .parser import parse

__all__ = ["INDENT_STEP", "format_float", "format_node", "format_script", "lambda_expression_string"]

INDENT_STEP = "    "


def format_script(text):
    """Parse ``text`` and return it formatted the Kapacitor way; raise TickError if it does not parse."""
    return format_node(parse(text))


def format_node(node):
    """Return the canonical text of ``node`` (a ProgramNode gives a whole script)."""
    buf = []
    _format(node, buf, "", False)
    return "".join(buf)


def lambda_expression_string(node):
    """Return a lambda's expression alone, as Kapacitor's ``LambdaNode.ExpressionString``."""
    if node.expression is None:
        return ""
    buf = []
    _format(node.expression, buf, "", True)
    return "".join(buf)


def format_float(value):
    """Write a float as Go's ``strconv.FormatFloat(f, 'f', -1, 64)`` plus ``.0`` when integral."""
    text = format(Decimal(repr(value)), "f")
    return text if "." in text else text + ".0"


def _format(node, buf, indent, on_new_line):
    _FORMATTERS[type(node)](node, buf, indent, on_new_line)


def _lead(node, buf, indent, on_new_line):
    """Write a node's comment and its indent; return the on_new_line its text continues with."""
    if node.comment is not None:
        _comment(node.comment, buf, indent, on_new_line)
        on_new_line = True
    if on_new_line:
        buf.append(indent)
    return on_new_line


def _number(n, buf, indent, on_new_line):
    _lead(n, buf, indent, on_new_line)
    if n.is_int:
        if n.base == 8:
            buf.append("0" + format(n.int64, "o"))
        else:
            buf.append(str(n.int64))
    else:
        buf.append(format_float(n.float64))


def _duration(n, buf, indent, on_new_line):
    _lead(n, buf, indent, on_new_line)
    if not n.literal:
        from machstore.influxql.ast import format_duration
        n.literal = format_duration(n.dur)
    buf.append(n.literal)


def _bool(n, buf, indent, on_new_line):
    _lead(n, buf, indent, on_new_line)
    buf.append("TRUE" if n.bool else "FALSE")


def _unary(n, buf, indent, on_new_line):
    _lead(n, buf, indent, on_new_line)
    buf.append(str(n.operator))
    _format(n.node, buf, indent, False)


def _binary(n, buf, indent, on_new_line):
    # Walk the left spine in a loop (a + b + c + ... nests to the left), then close each level.
    pending = []
    while isinstance(n, ast.BinaryNode):
        _lead(n, buf, indent, on_new_line)
        if n.parens:
            buf.append("(")
            indent += INDENT_STEP
        pending.append((n, indent))
        n, on_new_line = n.left, False
    _format(n, buf, indent, False)
    for node, inner in reversed(pending):
        buf.append(" ")
        buf.append(str(node.operator))
        buf.append("\n" if node.multi_line else " ")
        _format(node.right, buf, inner, node.multi_line)
        if node.parens:
            buf.append(")")


def _dbrp(n, buf, indent, on_new_line):
    if n.comment is not None:
        _comment(n.comment, buf, indent, on_new_line)
    buf.append(indent)
    buf.append("dbrp ")
    buf.append(n.dbrp())


def _declaration(n, buf, indent, on_new_line):
    if n.comment is not None:
        _comment(n.comment, buf, indent, on_new_line)
    buf.append("var ")
    _format(n.left, buf, indent, False)
    buf.append(" = ")
    _format(n.right, buf, indent, False)


def _type_declaration(n, buf, indent, on_new_line):
    if n.comment is not None:
        _comment(n.comment, buf, indent, on_new_line)
    buf.append("var ")
    _format(n.node, buf, indent, False)
    buf.append(" ")
    _format(n.type, buf, indent, False)


def _chain(n, buf, indent, on_new_line):
    # The chain grows to the left; every link is written at the same base indent.
    links = []
    while isinstance(n, ast.ChainNode):
        links.append(n)
        n = n.left
    _format(n, buf, indent, on_new_line)
    for link in reversed(links):
        buf.append("\n")
        inner = indent + INDENT_STEP
        if link.operator == TokenType.DOT:
            inner += INDENT_STEP
        if link.comment is not None:
            _comment(link.comment, buf, inner, True)
        buf.append(inner)
        buf.append(str(link.operator))
        _format(link.right, buf, inner, False)


def _identifier(n, buf, indent, on_new_line):
    _lead(n, buf, indent, on_new_line)
    buf.append(n.ident)


def _reference(n, buf, indent, on_new_line):
    _lead(n, buf, indent, on_new_line)
    buf.append('"' + n.reference.replace('"', '\\"') + '"')


def _string(n, buf, indent, on_new_line):
    _lead(n, buf, indent, on_new_line)
    if n.triple_quotes:
        buf.append("'''" + n.literal + "'''")
    else:
        buf.append("'" + n.literal.replace("'", "\\'") + "'")


def _list(n, buf, indent, on_new_line):
    on_new_line = _lead(n, buf, indent, on_new_line)
    buf.append("[")
    for i, item in enumerate(n.nodes):
        if i:
            buf.append(", ")
        _format(item, buf, indent, on_new_line)
    buf.append("]")


def _regex(n, buf, indent, on_new_line):
    _lead(n, buf, indent, on_new_line)
    buf.append("/" + n.literal + "/")


def _star(n, buf, indent, on_new_line):
    _lead(n, buf, indent, on_new_line)
    buf.append("*")


def _function(n, buf, indent, on_new_line):
    _lead(n, buf, indent, on_new_line)
    buf.append(n.func)
    buf.append("(")
    arg_indent = indent + INDENT_STEP
    multi = n.multi_line
    for i, arg in enumerate(n.args):
        if i:
            buf.append("," if multi else ", ")
        if multi:
            buf.append("\n")
        _format(arg, buf, arg_indent, multi)
    if multi and n.args:
        buf.append("\n")
        buf.append(indent)
    buf.append(")")


def _lambda(n, buf, indent, on_new_line):
    _lead(n, buf, indent, on_new_line)
    buf.append("lambda: ")
    _format(n.expression, buf, indent, False)


def _program(n, buf, indent, on_new_line):
    for i, node in enumerate(n.nodes):
        if i:
            buf.append("\n")
        _format(node, buf, indent, True)
        buf.append("\n")


def _comment(n, buf, indent, on_new_line):
    if not on_new_line:
        buf.append("\n")
    for line in n.comments:
        if line == "\n":
            buf.append("\n")
            continue
        buf.append(indent)
        buf.append("// " + line if line else "//")
        buf.append("\n")


_FORMATTERS = {
    ast.NumberNode: _number, ast.DurationNode: _duration, ast.BoolNode: _bool, ast.UnaryNode: _unary,
    ast.BinaryNode: _binary, ast.DBRPNode: _dbrp, ast.DeclarationNode: _declaration,
    ast.TypeDeclarationNode: _type_declaration, ast.ChainNode: _chain, ast.IdentifierNode: _identifier,
    ast.ReferenceNode: _reference, ast.StringNode: _string, ast.ListNode: _list, ast.RegexNode: _regex,
    ast.StarNode: _star, ast.FunctionNode: _function, ast.LambdaNode: _lambda, ast.ProgramNode: _program,
    ast.CommentNode: _comment,
}
