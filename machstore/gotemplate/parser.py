"""Go text/template parser: tokens -> named :class:`~.ast.Tree` objects, as Go's ``parse/parse.go``.

Methods are named after the grammar rules in ``grammar.md``.  Errors are raised deep as
:class:`_Stop` and turned into one :class:`TemplateParseError` in :func:`parse`, with Go's text
``template: <name>:<line>: <msg>``.  Variables are checked while parsing (``undefined
variable "$x"``), functions against the names the template knows (``function "f" not
defined``), ``break``/``continue`` against the enclosing ``range``.

NOTE: Go allows 10000 levels of nesting; we stop at :data:`MAX_DEPTH` so that Python's own
recursion limit is never reached.
"""
import math

from . import lexer as lx
from .ast import (
    ActionNode,
    BoolNode,
    BreakNode,
    ChainNode,
    CommandNode,
    ContinueNode,
    DotNode,
    ElseNode,
    EndNode,
    FieldNode,
    IdentifierNode,
    IfNode,
    ListNode,
    NilNode,
    NumberNode,
    PipeNode,
    RangeNode,
    StringNode,
    TemplateNode,
    TextNode,
    Tree,
    VariableNode,
    WithNode,
    is_empty_tree,
)
from .errors import TemplateParseError

__all__ = ["MAX_DEPTH", "parse", "parse_number", "unquote"]

MAX_DEPTH = 100

_OPERAND_START = {lx.BOOL, lx.CHAR_CONST, lx.COMPLEX, lx.DOT, lx.FIELD, lx.IDENT, lx.NUMBER, lx.NIL,
                  lx.RAW_STRING, lx.STRING, lx.VARIABLE, lx.LPAREN}


class _Stop(Exception):
    """A parse error raised deep in the parser; :func:`parse` adds the name and line."""

    def __init__(self, line, msg):
        super().__init__(msg)
        self.line, self.msg = line, msg


class _Shared:
    """What every tree parsed from one text shares: tokens, cursor, functions, the tree set."""

    def __init__(self, text, tokens, funcs, tree_set):
        self.text, self.tokens, self.funcs, self.tree_set = text, tokens, funcs, tree_set
        self.i = 0          # index of the next token
        self.last = None    # the token most recently read (Go's token[0])
        self.depth = 0


class _TreeParser:
    """Parses one tree (the top level, a ``define`` or a ``block``) from the shared token stream."""

    def __init__(self, name, parse_name, shared):
        self.name, self.parse_name, self.sh = name, parse_name, shared
        self.vars = ["$"]
        self.range_depth = 0
        self.action_line = 0
        self.root = None

    # -- token stream ------------------------------------------------------------------------
    def next(self):
        sh = self.sh
        tok = sh.tokens[min(sh.i, len(sh.tokens) - 1)]  # the final EOF/ERROR repeats forever
        sh.i += 1
        sh.last = tok
        return tok

    def backup(self, n=1):
        self.sh.i -= n

    def peek(self):
        sh = self.sh
        return sh.tokens[min(sh.i, len(sh.tokens) - 1)]

    def next_non_space(self):
        tok = self.next()
        while tok.kind == lx.SPACE:
            tok = self.next()
        return tok

    def peek_non_space(self):
        tok = self.next_non_space()
        self.backup()
        return tok

    # -- errors ------------------------------------------------------------------------------
    def errorf(self, msg):
        line = self.sh.last.line if self.sh.last is not None else 1
        raise _Stop(line, msg)

    def unexpected(self, tok, context):
        if tok.kind == lx.ERROR:
            extra = ""
            if self.action_line != 0 and self.action_line != tok.line:
                extra = f" in action started at {self.parse_name}:{self.action_line}"
                if tok.val.endswith(" action"):
                    extra = extra[len(" in action"):]
            self.errorf(f"{tok}{extra}")
        self.errorf(f"unexpected {tok} in {context}")

    def expect(self, kind, context):
        tok = self.next_non_space()
        if tok.kind != kind:
            self.unexpected(tok, context)
        return tok

    def enter(self, what):
        self.sh.depth += 1
        if self.sh.depth > MAX_DEPTH:
            self.errorf(f"max {what} depth exceeded")

    def leave(self):
        self.sh.depth -= 1

    # -- top level ---------------------------------------------------------------------------
    def parse_top(self):
        self.root = ListNode(self.peek().pos)
        while self.peek().kind != lx.EOF:
            if self.peek().kind == lx.LEFT_DELIM:
                delim_i = self.sh.i
                self.next()
                if self.next_non_space().kind == "define":
                    sub = _TreeParser("definition", self.parse_name, self.sh)
                    sub.parse_definition()
                    continue
                self.sh.i = delim_i
            n = self.text_or_action()
            if isinstance(n, (EndNode, ElseNode)):
                self.errorf(f"unexpected {n}")
            self.root.nodes.append(n)
        self.add()

    def add(self):
        tree_set = self.sh.tree_set
        old = tree_set.get(self.name)
        if old is None or is_empty_tree(old.root):
            tree_set[self.name] = Tree(self.name, self.parse_name, self.root, self.sh.text)
            return
        if not is_empty_tree(self.root):
            self.errorf(f"template: multiple definition of template {lx.go_quote(self.name)}")

    def parse_definition(self):
        context = "define clause"
        tok = self.next_non_space()
        if tok.kind not in (lx.STRING, lx.RAW_STRING):
            self.unexpected(tok, context)
        self.name = self.unquote(tok)
        self.expect(lx.RIGHT_DELIM, context)
        self.root, end = self.item_list()
        if not isinstance(end, EndNode):
            self.errorf(f"unexpected {end} in {context}")
        self.add()

    def item_list(self):
        lst = ListNode(self.peek_non_space().pos)
        while self.peek_non_space().kind != lx.EOF:
            n = self.text_or_action()
            if isinstance(n, (EndNode, ElseNode)):
                return lst, n
            lst.nodes.append(n)
        self.errorf("unexpected EOF")

    def text_or_action(self):
        tok = self.next_non_space()
        if tok.kind == lx.TEXT:
            return TextNode(tok.pos, tok.val)
        if tok.kind == lx.LEFT_DELIM:
            self.action_line = tok.line
            try:
                return self.action()
            finally:
                self.action_line = 0
        self.unexpected(tok, "input")

    def action(self):
        tok = self.next_non_space()
        kind = tok.kind
        if kind == "block":
            return self.block_control()
        if kind == "break":
            return self.break_control(tok, "break")
        if kind == "continue":
            return self.break_control(tok, "continue")
        if kind == "else":
            return self.else_control()
        if kind == "end":
            return EndNode(self.expect(lx.RIGHT_DELIM, "end").pos)
        if kind == "if":
            return self.if_control()
        if kind == "range":
            return self.range_control()
        if kind == "template":
            return self.template_control()
        if kind == "with":
            return self.with_control()
        self.backup()
        tok = self.peek()
        return ActionNode(tok.pos, tok.line, self.pipeline("command", lx.RIGHT_DELIM))

    def break_control(self, tok, word):
        nxt = self.next_non_space()
        if nxt.kind != lx.RIGHT_DELIM:
            self.unexpected(nxt, "{{" + word + "}}")
        if self.range_depth == 0:
            self.errorf("{{" + word + "}} outside {{range}}")
        return BreakNode(tok.pos, tok.line) if word == "break" else ContinueNode(tok.pos, tok.line)

    def else_control(self):
        peek = self.peek_non_space()
        if peek.kind == "if":
            return ElseNode(peek.pos, peek.line)
        tok = self.expect(lx.RIGHT_DELIM, "else")
        return ElseNode(tok.pos, tok.line)

    # -- control structures ------------------------------------------------------------------
    def parse_control(self, context):
        mark = len(self.vars)
        self.enter("control structure")
        try:
            pipe = self.pipeline(context, lx.RIGHT_DELIM)
            if context == "range":
                self.range_depth += 1
            lst, nxt = self.item_list()
            if context == "range":
                self.range_depth -= 1
            else_list = None
            if isinstance(nxt, ElseNode):
                if context == "if" and self.peek().kind == "if":
                    self.next()
                    else_list = ListNode(nxt.pos, [self.if_control()])
                else:
                    else_list, nxt = self.item_list()
                    if not isinstance(nxt, EndNode):
                        self.errorf(f"expected end; found {nxt}")
            return pipe, lst, else_list
        finally:
            del self.vars[mark:]
            self.leave()

    def if_control(self):
        pipe, lst, else_list = self.parse_control("if")
        return IfNode(pipe.pos, pipe.line, pipe, lst, else_list)

    def range_control(self):
        pipe, lst, else_list = self.parse_control("range")
        return RangeNode(pipe.pos, pipe.line, pipe, lst, else_list)

    def with_control(self):
        pipe, lst, else_list = self.parse_control("with")
        return WithNode(pipe.pos, pipe.line, pipe, lst, else_list)

    def template_name(self, tok, context):
        if tok.kind not in (lx.STRING, lx.RAW_STRING):
            self.unexpected(tok, context)
        return self.unquote(tok)

    def template_control(self):
        context = "template clause"
        tok = self.next_non_space()
        name = self.template_name(tok, context)
        pipe = None
        if self.next_non_space().kind != lx.RIGHT_DELIM:
            self.backup()
            pipe = self.pipeline(context, lx.RIGHT_DELIM)
        return TemplateNode(tok.pos, tok.line, name, pipe)

    def block_control(self):
        context = "block clause"
        tok = self.next_non_space()
        name = self.template_name(tok, context)
        pipe = self.pipeline(context, lx.RIGHT_DELIM)
        self.enter("control structure")
        try:
            block = _TreeParser(name, self.parse_name, self.sh)
            block.root, end = block.item_list()
            if not isinstance(end, EndNode):
                self.errorf(f"unexpected {end} in {context}")
            block.add()
        finally:
            self.leave()
        return TemplateNode(tok.pos, tok.line, name, pipe)

    # -- pipelines ---------------------------------------------------------------------------
    def pipeline(self, context, end):
        tok = self.peek_non_space()
        pipe = PipeNode(tok.pos, tok.line)
        while True:  # declarations
            v = self.peek_non_space()
            if v.kind != lx.VARIABLE:
                break
            var_i = self.sh.i
            self.next_non_space()
            after = self.peek()
            nxt = self.peek_non_space()
            if nxt.kind in (lx.ASSIGN, lx.DECLARE):
                pipe.is_assign = nxt.kind == lx.ASSIGN
                self.next_non_space()
                pipe.decl.append(VariableNode(v.pos, v.val.split(".")))
                self.vars.append(v.val)
            elif nxt.kind == lx.CHAR and nxt.val == ",":
                self.next_non_space()
                pipe.decl.append(VariableNode(v.pos, v.val.split(".")))
                self.vars.append(v.val)
                if context == "range" and len(pipe.decl) < 2:
                    if self.peek_non_space().kind in (lx.VARIABLE, lx.RIGHT_DELIM, lx.RPAREN):
                        continue
                    self.errorf("range can only initialize variables")
                self.errorf(f"too many declarations in {context}")
            elif after.kind == lx.SPACE:
                self.sh.i = var_i
            else:
                self.sh.i = var_i
            break
        while True:
            tok = self.next_non_space()
            if tok.kind == end:
                self.check_pipeline(pipe, context)
                return pipe
            if tok.kind in _OPERAND_START:
                self.backup()
                pipe.cmds.append(self.command())
            else:
                self.unexpected(tok, context)

    def check_pipeline(self, pipe, context):
        if not pipe.cmds:
            self.errorf(f"missing value for {context}")
        for i, c in enumerate(pipe.cmds[1:]):
            if isinstance(c.args[0], (BoolNode, DotNode, NilNode, NumberNode, StringNode)):
                self.errorf(f"non executable command in pipeline stage {i + 2}")

    def command(self):
        cmd = CommandNode(self.peek_non_space().pos)
        while True:
            self.peek_non_space()
            operand = self.operand()
            if operand is not None:
                cmd.args.append(operand)
            tok = self.next()
            if tok.kind == lx.SPACE:
                continue
            if tok.kind in (lx.RIGHT_DELIM, lx.RPAREN):
                self.backup()
            elif tok.kind == lx.PIPE:
                pass
            else:
                self.unexpected(tok, "operand")
            break
        if not cmd.args:
            self.errorf("empty command")
        return cmd

    def operand(self):
        node = self.term()
        if node is None:
            return None
        if self.peek().kind == lx.FIELD:
            chain = ChainNode(self.peek().pos, node)
            while self.peek().kind == lx.FIELD:
                chain.field.append(self.next().val[1:])
            if isinstance(node, FieldNode):
                return FieldNode(chain.pos, node.ident + chain.field)
            if isinstance(node, VariableNode):
                return VariableNode(chain.pos, node.ident + chain.field)
            if isinstance(node, (BoolNode, StringNode, NumberNode, NilNode, DotNode)):
                self.errorf(f"unexpected . after term {lx.go_quote(str(node))}")
            return chain
        return node

    def term(self):
        tok = self.next_non_space()
        kind = tok.kind
        if kind == lx.IDENT:
            if tok.val not in self.sh.funcs:
                self.errorf(f"function {lx.go_quote(tok.val)} not defined")
            return IdentifierNode(tok.pos, tok.val)
        if kind == lx.DOT:
            return DotNode(tok.pos)
        if kind == lx.NIL:
            return NilNode(tok.pos)
        if kind == lx.VARIABLE:
            return self.use_var(tok)
        if kind == lx.FIELD:
            return FieldNode(tok.pos, tok.val[1:].split("."))
        if kind == lx.BOOL:
            return BoolNode(tok.pos, tok.val == "true")
        if kind in (lx.CHAR_CONST, lx.COMPLEX, lx.NUMBER):
            node, err = parse_number(tok.pos, tok.val, kind)
            if err:
                self.errorf(err)
            return node
        if kind == lx.LPAREN:
            self.enter("expression")
            try:
                return self.pipeline("parenthesized pipeline", lx.RPAREN)
            finally:
                self.leave()
        if kind in (lx.STRING, lx.RAW_STRING):
            return StringNode(tok.pos, tok.val, self.unquote(tok))
        self.backup()
        return None

    def use_var(self, tok):
        ident = tok.val.split(".")
        if ident[0] not in self.vars:
            self.errorf(f"undefined variable {lx.go_quote(ident[0])}")
        return VariableNode(tok.pos, ident)

    def unquote(self, tok):
        text, err = unquote(tok.val)
        if err:
            self.errorf(err)
        return text


def unquote(quoted):
    """Go's ``strconv.Unquote`` for "...", `...` and '...': ``(text, None)`` or ``(None, "invalid syntax")``."""
    if len(quoted) < 2 or quoted[0] != quoted[-1]:
        return None, "invalid syntax"
    q = quoted[0]
    body = quoted[1:-1]
    if q == "`":
        if "`" in body:
            return None, "invalid syntax"
        return body.replace("\r", ""), None
    if q not in "\"'":
        return None, "invalid syntax"
    out = []
    i, n = 0, len(body)
    while i < n:
        c = body[i]
        if c == q or c == "\n":
            return None, "invalid syntax"
        if c != "\\":
            out.append(c)
            i += 1
            continue
        r, i = _unquote_escape(body, i + 1, q)
        if r is None:
            return None, "invalid syntax"
        out.append(r)
    text = "".join(out)
    if q == "'" and len(text) != 1:
        return None, "invalid syntax"
    return text, None


_SIMPLE_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\"}


def _unquote_escape(s, i, q):
    if i >= len(s):
        return None, i
    c = s[i]
    if c in _SIMPLE_ESCAPES:
        return _SIMPLE_ESCAPES[c], i + 1
    if c == q:
        return c, i + 1
    if c in "xuU":
        width = {"x": 2, "u": 4, "U": 8}[c]
        digits = s[i + 1:i + 1 + width]
        if len(digits) != width or any(d not in "0123456789abcdefABCDEF" for d in digits):
            return None, i
        v = int(digits, 16)
        if c == "x":
            # NOTE: a \x byte in a Go string is a raw byte; we keep it as that code point.
            return chr(v), i + 1 + width
        if v > 0x10FFFF or 0xD800 <= v <= 0xDFFF:
            return None, i
        return chr(v), i + 1 + width
    if "0" <= c <= "7":
        digits = s[i:i + 3]
        if len(digits) != 3 or any(d not in "01234567" for d in digits):
            return None, i
        v = int(digits, 8)
        if v > 255:
            return None, i
        return chr(v), i + 3
    return None, i


def _go_parse_int(text):
    """Go's ``strconv.ParseInt(text, 0, 64)`` without the range check: an int or None."""
    s = text
    neg = False
    if s[:1] in "+-" and s:
        neg = s[0] == "-"
        s = s[1:]
    if not s:
        return None
    base, body = 10, s
    low = s[:2].lower()
    if low == "0x":
        base, body = 16, s[2:]
    elif low == "0o":
        base, body = 8, s[2:]
    elif low == "0b":
        base, body = 2, s[2:]
    elif s[0] == "0" and len(s) > 1:
        base, body = 8, s[1:]
    if "_" in body or (base != 10 and s[0] == "0" and "_" in s):
        # Underscores only between digits (or right after a base prefix).
        if body.startswith("_") and base == 10 or body.endswith("_") or "__" in body:
            return None
        body = body.replace("_", "")
    if not body:
        return None
    try:
        v = int(body, base)
    except ValueError:
        return None
    if body[:1] in "+-":
        return None
    return -v if neg else v


def _go_parse_float(text):
    s = text.replace("_", "") if "_" in text else text
    try:
        low = s.lower().lstrip("+-")
        if low.startswith("0x"):
            if "p" not in low:
                return None
            return float.fromhex(s)
        if low in ("inf", "infinity", "nan") or "p" in low:
            return None
        return float(s)
    except (ValueError, OverflowError):
        return None


def parse_number(pos, text, kind):
    """Go's ``newNumber``: ``(NumberNode, None)`` or ``(None, error message)``."""
    n = NumberNode(pos, text)
    if kind == lx.CHAR_CONST:
        r, err = unquote(text)
        if err:
            body, err2 = unquote('"' + text[1:-1].replace("\\'", "'").replace('"', '\\"') + '"')
            if err2 is None and len(body) > 1:
                return None, f"malformed character constant: {text}"
            return None, err
        v = ord(r)
        n.int64 = n.uint64 = v
        n.float64 = float(v)
        n.is_int = n.is_uint = n.is_float = True
        return n, None
    if kind == lx.COMPLEX:
        split = max(text.rfind("+"), text.rfind("-"))
        re_part = _go_parse_float(text[:split]) if split > 0 else None
        im_part = _go_parse_float(text[split:-1]) if split > 0 else None
        if re_part is None or im_part is None:
            return None, "expected integer"
        n.is_complex = True
        n.complex128 = complex(re_part, im_part)
        _simplify_complex(n)
        return n, None
    if text.endswith("i"):
        f = _go_parse_float(text[:-1])
        if f is not None:
            n.is_complex = True
            n.complex128 = complex(0, f)
            _simplify_complex(n)
            return n, None
    i = _go_parse_int(text)
    if i is not None:
        if 0 <= i < 1 << 64 and not text.startswith("-"):
            n.is_uint, n.uint64 = True, i
        if -(1 << 63) <= i < 1 << 63:
            n.is_int, n.int64 = True, i
            if i == 0:
                n.is_uint, n.uint64 = True, 0
    if n.is_int:
        n.is_float, n.float64 = True, float(n.int64)
    elif n.is_uint:
        n.is_float, n.float64 = True, float(n.uint64)
    else:
        f = _go_parse_float(text)
        if f is not None:
            if not any(c in text for c in ".eEpP"):
                return None, f"integer overflow: {lx.go_quote(text)}"
            n.is_float, n.float64 = True, f
            if math.isfinite(f) and f == int(f):
                if -(1 << 63) <= int(f) < 1 << 63:
                    n.is_int, n.int64 = True, int(f)
                if 0 <= int(f) < 1 << 64:
                    n.is_uint, n.uint64 = True, int(f)
    if not (n.is_int or n.is_uint or n.is_float):
        return None, f"illegal number syntax: {lx.go_quote(text)}"
    return n, None


def _simplify_complex(n):
    if n.complex128.imag == 0:
        f = n.complex128.real
        n.is_float, n.float64 = True, f
        if not math.isfinite(f):
            return
        if f == int(f) and -(1 << 63) <= int(f) < 1 << 63:
            n.is_int, n.int64 = True, int(f)
        if f == int(f) and 0 <= int(f) < 1 << 64:
            n.is_uint, n.uint64 = True, int(f)


def parse(name, text, funcs, tree_set=None):
    """Parse ``text`` as template ``name``; return ``{name: Tree}`` for it and its definitions.

    ``funcs`` is the set of function names the template may call.  Raises
    :class:`TemplateParseError` with Go's message on any error.
    """
    tree_set = {} if tree_set is None else tree_set
    tokens = lx.lex(text, break_ok="break" not in funcs, continue_ok="continue" not in funcs)
    shared = _Shared(text, tokens, funcs, tree_set)
    top = _TreeParser(name, name, shared)
    try:
        top.parse_top()
    except _Stop as ex:
        raise TemplateParseError(f"template: {name}:{ex.line}: {ex.msg}") from None
    except RecursionError:
        raise TemplateParseError(f"template: {name}: max expression depth exceeded") from None
    return tree_set
