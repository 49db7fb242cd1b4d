"""TICKscript lexer: text -> tokens with byte positions, as Kapacitor 1.7's ``tick/ast/lex.go``.

Kapacitor's lexer is a state machine; this one keeps its states as methods with the same
names (``lex_token``, ``try_lex_binary_operator``, ``lex_ident_or_keyword``, ...) because the
states carry the language's quirks, which scripts and error messages depend on:

* ``/`` is division only right after an identifier, number, duration, string, reference or
  ``)`` (those states go on to ``try_lex_binary_operator``); anywhere else it opens a regex,
  and so it does after ``=``, ``=~`` and ``!~``.  ``//`` always starts a comment.
* ``-`` and ``!`` at the start of a token are always unary operators (``-5`` is two tokens).
* ``lambda`` is a keyword only when ``:`` follows at once; otherwise it is an identifier.
* A comment token runs to the end of its line and swallows following lines that start
  (after blanks) with ``/``; a blank line ends it.
* Durations are digits and one unit (``u µ ms s m h d w``); ``1.5s`` is a number, then ``s``.

Positions are byte offsets into the UTF-8 text (``1µ`` is 3 bytes), as Go counts them; line
and char come from :func:`line_char`.  A lexing error is an ``ERROR`` token whose value is the
message; the parser reports it where it meets it.  After an error or EOF the stream holds no
more tokens; past its end :meth:`Lexer.next_token` gives empty ``ERROR`` tokens at 0, as reading
Go's closed channel does.
"""
import re
from enum import IntEnum
from typing import NamedTuple

from .quoting import go_quote_rune

__all__ = [
    "KEYWORDS",
    "OPERATORS",
    "Lexer",
    "Token",
    "TokenType",
    "is_comp_operator",
    "is_expr_operator",
    "is_logical_operator",
    "is_math_operator",
    "lex",
    "line_char",
]


class TokenType(IntEnum):
    """Token kinds in Kapacitor's order (operator ranges are used for classification)."""

    ERROR = 0
    EOF = 1
    VAR = 2
    DBRP = 3
    ASGN = 4
    DOT = 5
    PIPE = 6
    AT = 7
    IDENT = 8
    REFERENCE = 9
    LAMBDA = 10
    NUMBER = 11
    STRING = 12
    DURATION = 13
    LPAREN = 14
    RPAREN = 15
    LSBRACKET = 16
    RSBRACKET = 17
    COMMA = 18
    NOT = 19
    TRUE = 20
    FALSE = 21
    REGEX = 22
    COMMENT = 23
    STAR = 24
    # operators: math 27-31, logic 34-35, comparison 38-45 (gaps are Go's range markers)
    PLUS = 27
    MINUS = 28
    MULT = 29
    DIV = 30
    MOD = 31
    AND = 34
    OR = 35
    EQUAL = 38
    NOT_EQUAL = 39
    LESS = 40
    GREATER = 41
    LESS_EQUAL = 42
    GREATER_EQUAL = 43
    REGEX_EQUAL = 44
    REGEX_NOT_EQUAL = 45

    def __str__(self):
        return _TOKEN_TEXT[self]


OPERATORS = {
    TokenType.NOT: "!", TokenType.PLUS: "+", TokenType.MINUS: "-", TokenType.MULT: "*",
    TokenType.DIV: "/", TokenType.MOD: "%", TokenType.EQUAL: "==", TokenType.NOT_EQUAL: "!=",
    TokenType.LESS: "<", TokenType.GREATER: ">", TokenType.LESS_EQUAL: "<=",
    TokenType.GREATER_EQUAL: ">=", TokenType.REGEX_EQUAL: "=~", TokenType.REGEX_NOT_EQUAL: "!~",
    TokenType.AND: "AND", TokenType.OR: "OR",
}
_STR_TO_OPERATOR = {text: typ for typ, text in OPERATORS.items()}

_TOKEN_TEXT = {
    TokenType.ERROR: "ERR", TokenType.EOF: "EOF", TokenType.VAR: "var", TokenType.DBRP: "dbrp",
    TokenType.IDENT: "identifier", TokenType.REFERENCE: "reference", TokenType.DURATION: "duration",
    TokenType.LAMBDA: "lambda", TokenType.NUMBER: "number", TokenType.STRING: "string",
    TokenType.REGEX: "regex", TokenType.COMMENT: "//", TokenType.STAR: "*", TokenType.DOT: ".",
    TokenType.PIPE: "|", TokenType.AT: "@", TokenType.ASGN: "=", TokenType.LPAREN: "(",
    TokenType.RPAREN: ")", TokenType.LSBRACKET: "[", TokenType.RSBRACKET: "]", TokenType.COMMA: ",",
    TokenType.NOT: "!", TokenType.TRUE: "TRUE", TokenType.FALSE: "FALSE",
}
_TOKEN_TEXT.update((typ, text) for typ, text in OPERATORS.items() if typ not in _TOKEN_TEXT)

KEYWORDS = {"AND": TokenType.AND, "OR": TokenType.OR, "TRUE": TokenType.TRUE, "FALSE": TokenType.FALSE,
            "var": TokenType.VAR, "dbrp": TokenType.DBRP, "lambda": TokenType.LAMBDA}


def is_expr_operator(typ):
    """True for the operators of expressions (math, logic and comparison; not ``!``)."""
    return 27 <= typ <= 45


def is_math_operator(typ):
    return 27 <= typ <= 31


def is_logical_operator(typ):
    return 34 <= typ <= 35


def is_comp_operator(typ):
    return 38 <= typ <= 45


class Token(NamedTuple):
    """One token: its kind, byte offset of its first byte, and its exact text (or error message)."""

    typ: TokenType
    pos: int
    val: str


_EOF = ""                     # what next() returns past the end of the input
_DURATION_UNITS = "uµsmhdw"
_NOT_GO_SPACE = "\x1c\x1d\x1e\x1f"   # Python calls these spaces, Go's unicode.IsSpace does not


def _is_space(ch):
    return ch.isspace() and ch not in _NOT_GO_SPACE


# PERF: runs of ASCII blanks and identifier characters are skipped with one regex match; the
# character tests above only run for non-ASCII characters.
_ASCII_SPACE = re.compile(r"[ \t\n\v\f\r]*")
_ASCII_IDENT = re.compile(r"[A-Za-z0-9_]*")


def _skip_space(text, pos):
    """Return the offset of the first non-space character at or after ``pos`` (Go's unicode.IsSpace)."""
    n = len(text)
    while True:
        pos = _ASCII_SPACE.match(text, pos).end()
        if pos < n and text[pos] > "\x7f" and _is_space(text[pos]):
            pos += 1
            continue
        return pos


def _is_digit(ch):
    return ch.isdecimal()


def _is_letter(ch):
    return ch.isalpha()


def _is_ident(ch):
    return ch.isalpha() or ch.isdecimal() or ch == "_"


class Lexer:
    """Scan a whole script into a token list (lexing is cheap; the parser then walks the list)."""

    def __init__(self, text):
        self.text = text
        self.n = len(text)
        self.start = 0
        self.pos = 0
        self.tokens = []
        self._i = 0
        # Byte offset of each character, only needed when the text is not ASCII.
        self._offsets = None
        if not text.isascii():
            offsets, total = [], 0
            for ch in text:
                offsets.append(total)
                total += len(ch.encode("utf-8", "surrogatepass"))
            offsets.append(total)
            self._offsets = offsets
        self._run()

    # -- the reader -------------------------------------------------------------------------

    def _byte(self, i):
        return i if self._offsets is None else self._offsets[i]

    def next(self):
        if self.pos >= self.n:
            self._width = 0
            return _EOF
        ch = self.text[self.pos]
        self.pos += 1
        self._width = 1
        return ch

    def backup(self):
        self.pos -= self._width

    def peek(self):
        return self.text[self.pos] if self.pos < self.n else _EOF

    def emit(self, typ):
        self.tokens.append(Token(typ, self._byte(self.start), self.text[self.start:self.pos]))
        self.start = self.pos

    def errorf(self, message):
        self.tokens.append(Token(TokenType.ERROR, self._byte(self.start), message))

    def ignore(self):
        self.start = self.pos

    def ignore_space(self):
        self.pos = self.start = _skip_space(self.text, self.pos)

    # -- states -----------------------------------------------------------------------------

    def _run(self):
        state = self.lex_token
        while state is not None:
            state = state()

    def lex_token(self):
        while True:
            self.pos = self.start = _skip_space(self.text, self.pos)
            r = self.next()
            if r == "-" or r == "!":
                self.backup()
                return self.lex_unary_operator
            if r == "." or (r and _is_digit(r)):
                self.backup()
                return self.lex_number_or_duration_or_dot
            if r and _is_letter(r):
                return self.lex_ident_or_keyword
            if r == '"':
                return self.lex_reference
            if r == "'":
                self.backup()
                return self.lex_single_or_triple_string
            if r and _is_space(r):
                self.ignore()
                continue
            simple = _PUNCTUATION.get(r)
            if simple is not None:
                self.emit(simple)
                return self.try_lex_binary_operator if simple == TokenType.RPAREN else self.lex_token
            if r == "/":
                self.backup()
                if self.text.startswith("//", self.pos):
                    return self.lex_comment
                return self.lex_regex
            if r == _EOF:
                self.emit(TokenType.EOF)
                return None
            return self.errorf(f"unknown state, last char: {go_quote_rune(r)}")

    def lex_unary_operator(self):
        c = self.next()
        self.emit(_STR_TO_OPERATOR[c])
        return self.lex_token

    def try_lex_binary_operator(self):
        self.ignore_space()
        r = self.next()
        if r in ("+", "-", "*", "%"):
            self.emit(_STR_TO_OPERATOR[r])
            return self.lex_token
        if r == "/":
            if self.peek() == "/":
                self.backup()
                return self.lex_comment
            self.emit(TokenType.DIV)
            return self.lex_token
        if r == "!":
            if self.peek() in ("=", "~"):
                self.next()
            op = _STR_TO_OPERATOR[self.text[self.start:self.pos]]
            self.emit(op)
            if op == TokenType.REGEX_NOT_EQUAL:
                self.ignore_space()
                if self.peek() == "/":
                    return self.lex_regex
            return self.lex_token
        if r in (">", "<"):
            if self.peek() == "=":
                self.next()
            self.emit(_STR_TO_OPERATOR[self.text[self.start:self.pos]])
            return self.lex_token
        if r == "=":
            if self.peek() in ("~", "="):
                self.next()
                op = _STR_TO_OPERATOR[self.text[self.start:self.pos]]
                self.emit(op)
                if op == TokenType.REGEX_EQUAL:
                    self.ignore_space()
                    if self.peek() == "/":
                        return self.lex_regex
            else:
                self.emit(TokenType.ASGN)
                self.ignore_space()
                if self.peek() == "/":
                    return self.lex_regex
            return self.lex_token
        # No operator: go back to the general state.
        self.backup()
        return self.lex_token

    def lex_ident_or_keyword(self):
        text, n = self.text, self.n
        pos = _ASCII_IDENT.match(text, self.pos).end()
        while pos < n and text[pos] > "\x7f" and _is_ident(text[pos]):
            pos = _ASCII_IDENT.match(text, pos + 1).end()
        self.pos = pos
        typ = KEYWORDS.get(text[self.start:pos])
        if typ is None:
            self.emit(TokenType.IDENT)
        elif typ == TokenType.LAMBDA:
            if self.peek() == ":":
                self.pos += 1
                self.emit(TokenType.LAMBDA)
            else:
                self.emit(TokenType.IDENT)     # 'lambda' is a valid identifier
        else:
            self.emit(typ)
        return self.try_lex_binary_operator

    def lex_number_or_duration_or_dot(self):
        found_decimal = False
        first = True
        while True:
            r = self.next()
            if r == ".":
                if first and not _is_digit(self.peek() or "x"):
                    self.emit(TokenType.DOT)
                    return self.lex_token
                if found_decimal:
                    return self.errorf("multiple decimals in number")
                found_decimal = True
            elif r and _is_digit(r):
                pass
            elif not found_decimal and r and r in _DURATION_UNITS:
                if r == "m" and self.peek() == "s":
                    self.next()
                self.emit(TokenType.DURATION)
                return self.try_lex_binary_operator
            else:
                self.backup()
                self.emit(TokenType.NUMBER)
                return self.try_lex_binary_operator
            first = False

    def lex_reference(self):
        while True:
            r = self.next()
            if r == "\\":
                if self.peek() == '"':
                    self.next()
            elif r == '"':
                self.emit(TokenType.REFERENCE)
                return self.try_lex_binary_operator
            elif r == _EOF:
                return self.errorf("unterminated field reference")

    def lex_single_or_triple_string(self):
        count = 0
        r = self.next()
        if r != "'":
            return self.errorf("unterminated string")
        count += 1
        if self.peek() == "'":
            count += 1
            self.next()
            if self.peek() == "'":
                count += 1
                self.next()
            else:
                self.emit(TokenType.STRING)      # the empty string ''
                return self.try_lex_binary_operator
        total = count
        while True:
            r = self.next()
            if r == "\\" and count == 1:
                if self.peek() == "'":
                    self.next()
            elif r == "'":
                count -= 1
                if count == 0:
                    self.emit(TokenType.STRING)
                    return self.try_lex_binary_operator
            elif r == _EOF:
                return self.errorf("unterminated string")
            else:
                count = total

    def lex_regex(self):
        n = self.next()
        if n != "/":
            return self.errorf(f'unexpected "{n}" expected "/"')
        while True:
            r = self.next()
            if r == "\\":
                if self.peek() == "/":
                    self.next()
            elif r == "/":
                self.emit(TokenType.REGEX)
                return self.lex_token
            elif r == _EOF:
                return self.errorf("unterminated regex")

    def lex_comment(self):
        if self.peek() != "/":
            return self.errorf("invalid character '/'")
        self.next()
        while True:
            r = self.next()
            if r == "\n":
                # Swallow blanks (not newlines); a following line starting with '/' continues it.
                n = self.next()
                while n != "\n" and n and _is_space(n):
                    n = self.next()
                if n == "/":
                    continue
                self.backup()
                self.emit(TokenType.COMMENT)
                return self.lex_token
            if r == _EOF:
                self.emit(TokenType.COMMENT)
                return self.lex_token

    # -- the token stream -------------------------------------------------------------------

    def next_token(self):
        """Return the next token; past the end, an empty ERROR token at 0 (Go's closed channel)."""
        i = self._i
        if i < len(self.tokens):
            self._i = i + 1
            return self.tokens[i]
        return _CLOSED


_CLOSED = Token(TokenType.ERROR, 0, "")
_PUNCTUATION = {"(": TokenType.LPAREN, ")": TokenType.RPAREN, "[": TokenType.LSBRACKET,
                "]": TokenType.RSBRACKET, "|": TokenType.PIPE, "@": TokenType.AT, ",": TokenType.COMMA,
                "*": TokenType.STAR}


def lex(text):
    """Return every token of ``text`` up to and including EOF (or the first ERROR token)."""
    return Lexer(text).tokens


def line_char(data, pos):
    """Return Kapacitor's ``(line, char)`` of byte offset ``pos`` in the UTF-8 ``data`` (both 1-based)."""
    line = 1 + data.count(b"\n", 0, pos)
    return line, pos - data.rfind(b"\n", 0, pos)
