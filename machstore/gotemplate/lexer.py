"""Go text/template lexer: template text -> tokens, scanned the way Go's ``parse/lex.go`` does.

Outside actions everything is text up to ``{{``.  A left delimiter followed by ``- `` trims
the white space before it, `` -}}`` trims the white space after the action.  ``{{/* */}}``
comments vanish (with their trim markers).  Inside an action the lexer yields identifiers,
keywords, fields (``.Name``), variables (``$x``), numbers, strings, chars, ``:=``/``=``, ``|``,
parens and single punctuation characters.

A lexing error becomes an ``ERROR`` token (its text is the message) and ends the stream, so the
parser reports it at the point it reaches it, as Go does.  Positions are character offsets into
the text; :func:`line_of` turns one into Go's 1-based line.
"""
from typing import NamedTuple

__all__ = ["KEYWORDS", "Token", "go_rune_repr", "is_alnum", "is_space", "lex"]

# Token kinds.
TEXT, LEFT_DELIM, RIGHT_DELIM, EOF, ERROR = "TEXT", "LEFT_DELIM", "RIGHT_DELIM", "EOF", "ERROR"
SPACE, IDENT, FIELD, VARIABLE, DOT, BOOL, NIL = "SPACE", "IDENT", "FIELD", "VARIABLE", "DOT", "BOOL", "NIL"
NUMBER, COMPLEX, CHAR_CONST, STRING, RAW_STRING = "NUMBER", "COMPLEX", "CHAR_CONST", "STRING", "RAW_STRING"
ASSIGN, DECLARE, PIPE, LPAREN, RPAREN, CHAR = "ASSIGN", "DECLARE", "PIPE", "LPAREN", "RPAREN", "CHAR"

# Keywords (Go's ``key`` table); ``.`` is DOT, ``nil`` NIL, the rest keyword kinds named as written.
KEYWORDS = frozenset(("block", "break", "continue", "define", "else", "end", "if", "range", "template", "with"))

_SPACES = " \t\r\n"
_LEFT, _RIGHT = "{{", "}}"


class Token(NamedTuple):
    """One lexical item: kind, character offset, text (the message for ERROR), 1-based line."""

    kind: str
    pos: int
    val: str
    line: int

    def __str__(self):
        """Describe the token as Go's ``item.String`` does in "unexpected ..." messages."""
        if self.kind == EOF:
            return "EOF"
        if self.kind == ERROR:
            return self.val
        if self.kind in KEYWORDS:
            return f"<{self.val}>"
        if len(self.val) > 10:
            return go_quote(self.val[:10]) + "..."
        return go_quote(self.val)


def is_space(c):
    return c in _SPACES and c != ""


def is_alnum(c):
    """Go's ``isAlphaNumeric``: underscore, a Unicode letter or a decimal digit."""
    return c == "_" or c.isalpha() or c.isdecimal()


def go_quote(s):
    """Go's ``strconv.Quote``: a double-quoted Go string literal."""
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch == '"' or ch == "\\":
            out.append("\\" + ch)
        elif ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ch.isprintable() or ch == " ":
            out.append(ch)
        elif o < 0x80:
            out.append(f"\\x{o:02x}")
        elif o < 0x10000:
            out.append(f"\\u{o:04x}")
        else:
            out.append(f"\\U{o:08x}")
    out.append('"')
    return "".join(out)


_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v"}


def go_rune_repr(c):
    """Go's ``%#U`` of a rune: ``U+0023 '#'``."""
    if c == "":
        return "U+FFFFFFFF"  # NOTE: Go's eof rune is -1; it never reaches a message in practice
    o = ord(c)
    text = f"U+{o:04X}"
    if c.isprintable():
        text += f" '{c}'"
    return text


def _right_trim_length(s):
    return len(s) - len(s.rstrip(_SPACES))


def _left_trim_length(s):
    return len(s) - len(s.lstrip(_SPACES))


def _has_left_trim_marker(text, i):
    return text.startswith("-", i) and i + 1 < len(text) and text[i + 1] in _SPACES


def _at_right_delim(text, i):
    """``(delim, trim)``: is ``i`` at ``}}`` or at `` -}}``."""
    if i + 1 < len(text) and text[i] in _SPACES and text[i + 1] == "-" and text.startswith(_RIGHT, i + 2):
        return True, True
    if text.startswith(_RIGHT, i):
        return True, False
    return False, False


class _Lexer:
    """State of one scan; :func:`lex` drives it to the end or to the first error."""

    def __init__(self, text, break_ok=True, continue_ok=True):
        self.text = text
        self.tokens = []
        self.break_ok = break_ok
        self.continue_ok = continue_ok

    def line(self, pos):
        return self.text.count("\n", 0, pos) + 1

    def emit(self, kind, start, end):
        self.tokens.append(Token(kind, start, self.text[start:end], self.line(start)))

    def error(self, start, msg):
        self.tokens.append(Token(ERROR, start, msg, self.line(start)))

    def run(self):
        text = self.text
        n = len(text)
        pos = 0
        while True:
            x = text.find(_LEFT, pos)
            if x < 0:
                if n > pos:
                    self.emit(TEXT, pos, n)
                self.tokens.append(Token(EOF, n, "", self.line(n)))
                return self.tokens
            if x > pos:
                end = x
                if _has_left_trim_marker(text, x + 2):
                    end -= _right_trim_length(text[pos:x])
                if end > pos:
                    self.emit(TEXT, pos, end)
            pos = self.left_delim(x)
            if pos is None:
                return self.tokens

    def left_delim(self, x):
        """Scan from ``{{`` at ``x``; return where text resumes, or None after an error."""
        text = self.text
        pos = x + 2
        trim = _has_left_trim_marker(text, pos)
        after = 2 if trim else 0
        if text.startswith("/*", pos + after):
            return self.comment(pos + after)
        self.emit(LEFT_DELIM, x, pos)
        return self.inside_action(pos + after)

    def comment(self, start):
        text = self.text
        x = text.find("*/", start + 2)
        if x < 0:
            self.error(start, "unclosed comment")
            return None
        pos = x + 2
        delim, trim = _at_right_delim(text, pos)
        if not delim:
            self.error(start, "comment ends before closing delimiter")
            return None
        if trim:
            pos += 2
        pos += 2
        if trim:
            pos += _left_trim_length(text[pos:])
        return pos

    def inside_action(self, pos):
        """Scan the inside of one action; return the position after its ``}}`` or None on error."""
        text = self.text
        n = len(text)
        depth = 0
        while True:
            delim, trim = _at_right_delim(text, pos)
            if delim:
                if depth == 0:
                    return self.right_delim(pos, trim)
                self.error(pos, "unclosed left paren")
                return None
            if pos >= n:
                self.error(pos, "unclosed action")
                return None
            c = text[pos]
            start = pos
            if c in _SPACES:
                # A run of spaces; a single space before "-}}" belongs to the delimiter.
                end = pos
                while end < n and text[end] in _SPACES:
                    end += 1
                d, t = _at_right_delim(text, end - 1)
                if d and t:
                    if end - 1 > pos:
                        self.emit(SPACE, pos, end - 1)
                    pos = end - 1
                    if depth == 0:
                        return self.right_delim(pos, True)
                    self.error(pos, "unclosed left paren")
                    return None
                self.emit(SPACE, pos, end)
                pos = end
                continue
            pos += 1
            if c == "=":
                self.emit(ASSIGN, start, pos)
            elif c == ":":
                if pos >= n or text[pos] != "=":
                    self.error(start, "expected :=")
                    return None
                pos += 1
                self.emit(DECLARE, start, pos)
            elif c == "|":
                self.emit(PIPE, start, pos)
            elif c == '"':
                pos = self.quote(start)
                if pos is None:
                    return None
            elif c == "`":
                x = text.find("`", pos)
                if x < 0:
                    self.error(start, "unterminated raw quoted string")
                    return None
                pos = x + 1
                self.emit(RAW_STRING, start, pos)
            elif c == "$":
                pos = self.field_or_variable(start, pos, VARIABLE)
                if pos is None:
                    return None
            elif c == "'":
                pos = self.char(start)
                if pos is None:
                    return None
            elif c == "." and pos < n and not ("0" <= text[pos] <= "9"):
                pos = self.field_or_variable(start, pos, FIELD)
                if pos is None:
                    return None
            elif c in "+-." or "0" <= c <= "9":
                pos = self.number(start)
                if pos is None:
                    return None
            elif is_alnum(c):
                pos = self.identifier(start)
                if pos is None:
                    return None
            elif c == "(":
                depth += 1
                self.emit(LPAREN, start, pos)
            elif c == ")":
                depth -= 1
                if depth < 0:
                    self.error(start, "unexpected right paren")
                    return None
                self.emit(RPAREN, start, pos)
            elif ord(c) < 0x80 and c.isprintable():
                self.emit(CHAR, start, pos)
            else:
                self.error(start, f"unrecognized character in action: {go_rune_repr(c)}")
                return None

    def right_delim(self, pos, trim):
        text = self.text
        if trim:
            pos += 2
        self.emit(RIGHT_DELIM, pos, pos + 2)
        pos += 2
        if trim:
            pos += _left_trim_length(text[pos:])
        return pos

    def at_terminator(self, pos):
        text = self.text
        if pos >= len(text):
            return True
        c = text[pos]
        if c in _SPACES or c in ".,|:)(":
            return True
        return text.startswith(_RIGHT, pos)

    def field_or_variable(self, start, pos, kind):
        text = self.text
        if self.at_terminator(pos):
            self.emit(VARIABLE if kind == VARIABLE else DOT, start, pos)
            return pos
        n = len(text)
        while pos < n and is_alnum(text[pos]):
            pos += 1
        if not self.at_terminator(pos):
            self.error(start, f"bad character {go_rune_repr(text[pos])}")
            return None
        self.emit(kind, start, pos)
        return pos

    def identifier(self, start):
        text = self.text
        n = len(text)
        pos = start
        while pos < n and is_alnum(text[pos]):
            pos += 1
        if not self.at_terminator(pos):
            self.error(start, f"bad character {go_rune_repr(text[pos])}")
            return None
        word = text[start:pos]
        if word in KEYWORDS:
            if (word == "break" and not self.break_ok) or (word == "continue" and not self.continue_ok):
                self.emit(IDENT, start, pos)
            else:
                self.emit(word, start, pos)
        elif word == "true" or word == "false":
            self.emit(BOOL, start, pos)
        elif word == "nil":
            self.emit(NIL, start, pos)
        else:
            self.emit(IDENT, start, pos)
        return pos

    def quote(self, start):
        return self._delimited(start, '"', STRING, "unterminated quoted string")

    def char(self, start):
        return self._delimited(start, "'", CHAR_CONST, "unterminated character constant")

    def _delimited(self, start, closing, token, unterminated):
        """Scan a "..." string or '...' character constant (backslash escapes, no newline)."""
        text = self.text
        n = len(text)
        pos = start + 1
        while True:
            c = text[pos] if pos < n else ""
            pos += 1
            if c == "\\":
                c2 = text[pos] if pos < n else ""
                pos += 1
                if c2 != "" and c2 != "\n":
                    continue
                self.error(start, unterminated)
                return None
            if c == "" or c == "\n":
                self.error(start, unterminated)
                return None
            if c == closing:
                self.emit(token, start, pos)
                return pos

    def number(self, start):
        text = self.text
        pos = self._scan_number(start)
        if pos < 0:
            self.error(start, f"bad number syntax: {go_quote(text[start:-pos])}")
            return None
        if pos < len(text) and text[pos] in "+-":
            end = self._scan_number(pos)
            if end < 0 or text[end - 1] != "i":
                end = -end if end < 0 else end
                self.error(start, f"bad number syntax: {go_quote(text[start:end])}")
                return None
            self.emit(COMPLEX, start, end)
            return end
        self.emit(NUMBER, start, pos)
        return pos

    def _scan_number(self, pos):
        """Go's ``scanNumber``: the end of the number, or minus the end of a malformed one."""
        text = self.text
        n = len(text)

        def accept(chars):
            nonlocal pos
            if pos < n and text[pos] in chars:
                pos += 1
                return True
            return False

        def accept_run(chars):
            nonlocal pos
            while pos < n and text[pos] in chars:
                pos += 1

        accept("+-")
        digits = "0123456789_"
        if accept("0"):
            if accept("xX"):
                digits = "0123456789abcdefABCDEF_"
            elif accept("oO"):
                digits = "01234567_"
            elif accept("bB"):
                digits = "01_"
        accept_run(digits)
        if accept("."):
            accept_run(digits)
        if len(digits) == 11 and accept("eE"):
            accept("+-")
            accept_run("0123456789_")
        if len(digits) == 23 and accept("pP"):
            accept("+-")
            accept_run("0123456789_")
        accept("i")
        if pos < n and is_alnum(text[pos]):
            return -(pos + 1)
        return pos


def lex(text, break_ok=True, continue_ok=True):
    """Return the tokens of ``text`` (ending with EOF or ERROR); SPACE tokens are kept."""
    return _Lexer(text, break_ok, continue_ok).run()
