"""TICKscript parser: tokens -> :mod:`ast` nodes, as Kapacitor 1.7's ``tick/ast/parser.go``.

Recursive descent with two tokens of look-ahead; each method is named after the grammar rule
it parses (``program``, ``statement``, ``declaration``, ``expression``, ``chain``, ``function``,
``primary_expr``, ``precedence``, ``primary``, ...; see ``grammar.md``).  Expressions use
Kapacitor's precedence climbing: ``OR`` < ``AND`` < ``== != =~ !~`` < ``< <= > >=`` < ``+ -``
< ``* / %``, all left-associative.

Comments ride along with the tokens: the comment lines before a token are attached to the
node that token starts (or to the chain link, operator, declaration ...), exactly where
Kapacitor attaches them, so the formatter can print them back.

Errors are raised deep as :class:`~machstore.tick.errors.TickError` with Kapacitor's text::

    parser: unexpected EOF line 4 char 9 in "var b = ". expected: "number","string",...

(the snippet is up to 10 bytes either side of the token, cut at newlines).  Bad literals give
``parser: illegal number syntax: "08"``, ``parser: invalid duration`` or
``parser: error parsing regexp: ...`` (Go's RE2 texts).  One thing Kapacitor does not have:
scripts nested deeper than :data:`MAX_DEPTH` (parentheses, calls, unary operators) are refused
with ``parser: script nests too deeply line L char C`` instead of exhausting the stack.
"""
import re
from bisect import bisect_left

from machstore.influxql.ast import RegexError, compile_go_regex
from machstore.influxql.parser import parse_influx_duration

from . import ast
from .errors import TickError
from .lexer import Lexer, TokenType, is_expr_operator, line_char
from .quoting import go_quote

__all__ = ["MAX_DEPTH", "PRECEDENCE", "Parser", "parse", "parse_lambda"]

T = TokenType
FT = ast.FuncType

MAX_DEPTH = 128
_NEWLINE = re.compile(b"\n")
MAX_INT64 = 2**63 - 1

PRECEDENCE = {
    T.OR: 0, T.AND: 1,
    T.EQUAL: 2, T.NOT_EQUAL: 2, T.REGEX_EQUAL: 2, T.REGEX_NOT_EQUAL: 2,
    T.GREATER: 3, T.GREATER_EQUAL: 3, T.LESS: 3, T.LESS_EQUAL: 3,
    T.PLUS: 4, T.MINUS: 4,
    T.MULT: 5, T.DIV: 5, T.MOD: 5,
}

_PRIMARY_EXPECTED = (T.NUMBER, T.STRING, T.DURATION, T.IDENT, T.TRUE, T.FALSE, T.EQUAL, T.LPAREN,
                     T.MINUS, T.NOT)
_CHAIN_OPS = {T.DOT: FT.PROPERTY, T.PIPE: FT.CHAIN, T.AT: FT.DYNAMIC}


def parse(text):
    """Parse a whole TICKscript into a :class:`~machstore.tick.ast.ProgramNode`; raise TickError."""
    p = Parser(text)
    root = p.program()
    p.expect(T.EOF)
    return root


def parse_lambda(text):
    """Parse the text after ``lambda:`` (as Kapacitor's ``ParseLambda``) into a LambdaNode."""
    p = Parser(text)
    expr = p.primary_expr()
    node = ast.LambdaNode(p.position(0), expr, None)
    p.expect(T.EOF)
    return node


class Parser:
    """One parse of one script: the token stream, the look-ahead and the pending comments."""

    def __init__(self, text):
        self.text = text
        self.data = text.encode("utf-8", "surrogatepass")
        self._newlines = [m.start() for m in _NEWLINE.finditer(self.data)]
        self.lex = Lexer(text)
        self.token = [None, None]
        self.comments = [None, None]
        self.peek_count = 0
        self.depth = 0

    # -- token stream with comments ------------------------------------------------------------

    def _next_token(self):
        """Return the next non-comment token and the CommentNode of the comments before it."""
        t = self.lex.next_token()
        if t.typ != T.COMMENT:
            return t, None
        pos = t.pos
        texts = []
        while t.typ == T.COMMENT:
            texts.append(t.val)
            t = self.lex.next_token()
        return t, new_comment(self.position(pos), texts)

    def next(self):
        if self.peek_count > 0:
            self.peek_count -= 1
        else:
            self.token[0], self.comments[0] = self._next_token()
        return self.token[self.peek_count]

    def backup(self):
        self.peek_count += 1

    def peek(self):
        if self.peek_count > 0:
            return self.token[self.peek_count - 1]
        self.peek_count = 1
        self.token[1], self.comments[1] = self.token[0], self.comments[0]
        self.token[0], self.comments[0] = self._next_token()
        return self.token[0]

    def consume_comment(self):
        c = self.comments[self.peek_count]
        self.comments[self.peek_count] = None
        return c

    # -- errors and positions ----------------------------------------------------------------

    def position(self, pos):
        # PERF: one bisect in the newline offsets instead of counting newlines for every node.
        i = bisect_left(self._newlines, pos)
        return ast.Position(pos, i + 1, pos - (self._newlines[i - 1] if i else -1))

    def errorf(self, message, pos=None):
        line = char = None
        if pos is not None:
            line, char = line_char(self.data, pos)
        raise TickError("parser: " + message, line=line, char=char)

    def expect(self, expected):
        tok = self.next()
        if tok.typ != expected:
            self.unexpected(tok, expected)
        return tok

    def unexpected(self, tok, *expected):
        data, pos = self.data, tok.pos
        start = max(pos - 10, 0)
        i = data.rfind(b"\n", start, pos)
        if i != -1:
            start = i + 1
        stop = min(pos + 10, len(data))
        i = data.find(b"\n", pos, stop)
        if i != -1:
            stop = i
        snippet = data[start:stop].decode("utf-8", "replace")
        line, char = line_char(data, pos)
        tok_str = tok.val if tok.typ == T.ERROR else str(tok.typ)
        expected_str = ",".join(f'"{e}"' for e in expected)
        raise TickError(f'parser: unexpected {tok_str} line {line} char {char} in "{snippet}". '
                        f"expected: {expected_str}", line=line, char=char)

    def has_new_line(self, start, end):
        return self.data.find(b"\n", start, end) != -1

    def _enter(self, tok):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            line, char = line_char(self.data, tok.pos)
            raise TickError(f"parser: script nests too deeply line {line} char {char}", line=line, char=char)

    # -- grammar rules -----------------------------------------------------------------------

    def program(self):
        prog = ast.ProgramNode(self.position(0), [])
        while True:
            if self.peek().typ == T.EOF:
                for c in (self.comments[1], self.comments[0]):
                    if c is not None:
                        prog.nodes.append(c)
                return prog
            prog.nodes.append(self.statement())

    def statement(self):
        t = self.peek().typ
        if t == T.VAR:
            return self.declaration()
        if t == T.DBRP:
            return self.dbrp()
        return self.expression()

    def dbrp(self):
        tok = self.expect(T.DBRP)
        c = self.consume_comment()
        db = self.reference()
        self.expect(T.DOT)
        rp = self.reference()
        return ast.DBRPNode(self.position(tok.pos), c, db, rp)

    def declaration(self):
        var_tok = self.expect(T.VAR)
        c = self.consume_comment()
        v = self.identifier()
        if self.peek().typ == T.ASGN:
            self.expect(T.ASGN)
            right = self.expression()
            return ast.DeclarationNode(self.position(var_tok.pos), v, right, c)
        typ = self.identifier()
        return ast.TypeDeclarationNode(self.position(var_tok.pos), v, typ, c)

    def expression(self):
        t = self.peek().typ
        if t == T.IDENT:
            self.next()
            t2 = self.peek().typ
            self.backup()
            if t2 == T.LPAREN:
                term = self.function(FT.GLOBAL)
                if self.peek().typ in (T.DOT, T.PIPE, T.AT, T.VAR, T.IDENT):
                    return self.chain(term)
                return self.precedence(term, 0)
            if t2 in (T.DOT, T.AT, T.PIPE, T.VAR, T.IDENT):
                return self.chain(self.identifier())
            return self.primary_expr()
        if t == T.LAMBDA:
            return self.lambda_()
        if t == T.LSBRACKET:
            return self.string_list()
        return self.primary_expr()

    def chain(self, lhs):
        """Parse ``{ ("|" | "." | "@") function-or-identifier }``, left-associative (a loop here)."""
        while True:
            op = self.peek()
            ft = _CHAIN_OPS.get(op.typ)
            if ft is None:
                return lhs
            self.next()
            c = self.consume_comment()
            rhs = self.func_or_ident(ft)
            lhs = ast.ChainNode(self.position(op.pos), lhs, rhs, op.typ, c)

    def func_or_ident(self, ft):
        self.next()
        is_call = ft == FT.CHAIN or self.peek().typ == T.LPAREN
        self.backup()
        return self.function(ft) if is_call else self.identifier()

    def identifier(self):
        tok = self.expect(T.IDENT)
        return ast.IdentifierNode(self.position(tok.pos), tok.val, self.consume_comment())

    def function(self, ft):
        ident = self.expect(T.IDENT)
        c = self.consume_comment()
        self.expect(T.LPAREN)
        self._enter(ident)
        args = self.parameters()
        self.depth -= 1
        self.expect(T.RPAREN)
        multi = bool(args) and self.has_new_line(ident.pos, args[-1].position.pos)
        return ast.FunctionNode(self.position(ident.pos), ft, ident.val, args, c, multi)

    def parameters(self):
        args = []
        while True:
            if self.peek().typ == T.RPAREN:
                return args
            args.append(self.parameter())
            if self.next().typ != T.COMMA:
                self.backup()
                return args

    def parameter(self):
        return self.expression()

    def string_list(self):
        t = self.expect(T.LSBRACKET)
        c = self.consume_comment()
        items = []
        while True:
            if self.peek().typ == T.RSBRACKET:
                break
            items.append(self.string_item())
            if self.next().typ != T.COMMA:
                self.backup()
                break
        self.expect(T.RSBRACKET)
        return ast.ListNode(self.position(t.pos), items, c)

    def string_item(self):
        t = self.peek()
        if t.typ == T.IDENT:
            return self.identifier()
        if t.typ == T.STRING:
            return self.string()
        if t.typ == T.STAR:
            return self.star()
        self.unexpected(t, T.IDENT, T.STRING, T.STAR)

    def lambda_(self):
        tok = self.next()
        c = self.consume_comment()
        expr = self.primary_expr()
        return ast.LambdaNode(self.position(tok.pos), expr, c)

    def primary_expr(self):
        return self.precedence(self.primary(), 0)

    def precedence(self, lhs, min_p):
        """Climb operator precedence from ``lhs``; operators of equal precedence group to the left."""
        look = self.peek()
        while is_expr_operator(look.typ) and PRECEDENCE[look.typ] >= min_p:
            op = self.next()
            c = self.consume_comment()
            rhs = self.primary()
            look = self.peek()
            op_p = PRECEDENCE[op.typ]
            while is_expr_operator(look.typ) and PRECEDENCE[look.typ] > op_p:
                rhs = self.precedence(rhs, PRECEDENCE[look.typ])
                look = self.peek()
            multi = self.has_new_line(lhs.position.pos, rhs.position.pos)
            lhs = ast.BinaryNode(self.position(op.pos), lhs, rhs, op.typ, c, False, multi)
        return lhs

    def lfunction(self):
        """A call inside a lambda: its arguments are expressions, not pipelines."""
        ident = self.expect(T.IDENT)
        self.expect(T.LPAREN)
        self._enter(ident)
        args = self.lparameters()
        self.depth -= 1
        self.expect(T.RPAREN)
        multi = bool(args) and self.has_new_line(ident.pos, args[-1].position.pos)
        return ast.FunctionNode(self.position(ident.pos), FT.GLOBAL, ident.val, args, None, multi)

    def lparameters(self):
        args = []
        while True:
            if self.peek().typ == T.RPAREN:
                return args
            args.append(self.lparameter())
            if self.next().typ != T.COMMA:
                self.backup()
                return args

    def lparameter(self):
        n = self.primary()
        if is_expr_operator(self.peek().typ):
            n = self.precedence(n, 0)
        return n

    def primary(self):
        tok = self.peek()
        typ = tok.typ
        if typ == T.LPAREN:
            self.next()
            c = self.consume_comment()
            self._enter(tok)
            n = self.primary_expr()
            self.depth -= 1
            if isinstance(n, ast.BinaryNode):
                n.parens = True
            if hasattr(n, "comment"):
                n.comment = c
            self.expect(T.RPAREN)
            return n
        if typ == T.NUMBER:
            return self.number()
        if typ == T.STRING:
            return self.string()
        if typ == T.TRUE or typ == T.FALSE:
            return self.boolean()
        if typ == T.DURATION:
            return self.duration()
        if typ == T.REGEX:
            return self.regex()
        if typ == T.STAR:
            return self.star()
        if typ == T.REFERENCE:
            return self.reference()
        if typ == T.IDENT:
            self.next()
            is_call = self.peek().typ == T.LPAREN
            self.backup()
            return self.lfunction() if is_call else self.identifier()
        if typ == T.MINUS or typ == T.NOT:
            self.next()
            self._enter(tok)
            operand = self.primary()
            self.depth -= 1
            return ast.UnaryNode(self.position(tok.pos), operand, typ, self.consume_comment())
        self.unexpected(tok, *_PRIMARY_EXPECTED)

    # -- literals ------------------------------------------------------------------------------

    def duration(self):
        tok = self.expect(T.DURATION)
        try:
            dur = parse_influx_duration(tok.val)
        except ValueError as ex:
            self.errorf(str(ex), tok.pos)
        return ast.DurationNode(self.position(tok.pos), dur, tok.val, self.consume_comment())

    def number(self):
        tok = self.expect(T.NUMBER)
        node = new_number(self.position(tok.pos), tok.val, self.consume_comment())
        if isinstance(node, str):
            self.errorf(node, tok.pos)
        return node

    def string(self):
        tok = self.expect(T.STRING)
        return new_string(self.position(tok.pos), tok.val, self.consume_comment())

    def regex(self):
        tok = self.expect(T.REGEX)
        literal = tok.val[1:-1]
        pattern = _unescape(literal, "/")
        try:
            compiled = compile_go_regex(pattern)
        except RegexError as ex:
            self.errorf(str(ex), tok.pos)
        return ast.RegexNode(self.position(tok.pos), pattern, literal, self.consume_comment(), compiled)

    def star(self):
        tok = self.expect(T.STAR)
        return ast.StarNode(self.position(tok.pos), self.consume_comment())

    def reference(self):
        tok = self.expect(T.REFERENCE)
        return ast.ReferenceNode(self.position(tok.pos), _unescape(tok.val[1:-1], '"'), self.consume_comment())

    def boolean(self):
        tok = self.next()
        return ast.BoolNode(self.position(tok.pos), tok.typ == T.TRUE, self.consume_comment())


def _unescape(literal, quote):
    """Drop the backslash of each ``\\<quote>`` pair, as Kapacitor's node constructors do."""
    if "\\" + quote not in literal:
        return literal
    out, last, i, n = [], 0, 0, len(literal)
    while i < n - 1:
        if literal[i] == "\\" and literal[i + 1] == quote:
            out.append(literal[last:i])
            i += 1
            last = i
        i += 1
    out.append(literal[last:])
    return "".join(out)


def new_string(position, text, comment):
    """Build a StringNode from a string token (``'...'`` unescaped, ``'''...'''`` taken as is)."""
    if len(text) >= 6 and text.startswith("'''"):
        return ast.StringNode(position, text[3:-3], True, comment)
    return ast.StringNode(position, _unescape(text[1:-1], text[0]), False, comment)


def new_number(position, text, comment):
    """Build a NumberNode from a number token, or return Kapacitor's error text for a bad one."""
    if not text.isascii():          # Go's strconv takes ASCII digits only
        return f"illegal number syntax: {go_quote(text)}"
    if "." in text:
        try:
            value = float(text)
        except ValueError:
            value = None
        if value is None or value == float("inf"):
            return f"illegal number syntax: {go_quote(text)}"
        return ast.NumberNode(position, is_float=True, float64=value, comment=comment)
    base = 8 if text[0] == "0" and len(text) > 1 else 10
    try:
        value = int(text, base)
    except ValueError:
        value = None
    if value is None or value > MAX_INT64:
        return f"illegal number syntax: {go_quote(text)}"
    return ast.NumberNode(position, is_int=True, int64=value, base=base, comment=comment)


def new_comment(position, texts):
    """Build a CommentNode from consecutive comment tokens (blank lines between become ``"\\n"``)."""
    lines = []
    for i, text in enumerate(texts):
        if i:
            lines.append("\n")
        for comment in text.split("\n"):
            comment = comment.strip(_GO_SPACE)
            if not comment:
                continue
            comment = comment.removeprefix("//")
            comment = comment.removeprefix(" ")
            lines.append(comment)
    return ast.CommentNode(position, lines)


# strings.TrimSpace trims Go's unicode.IsSpace characters.
_GO_SPACE = "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a" \
            "\u2028\u2029\u202f\u205f\u3000"

