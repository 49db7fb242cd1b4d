"""Machbase SQL lexer: text -> tokens with positions, scanned once, up front.

Statements sent to ``/machbase?q=`` are short, so the whole text is turned into a list of
tokens before parsing starts; the parser then looks ahead as far as it likes.

Tokens are :class:`Token` tuples ``(kind, value, start, end, pos)``:

* ``kind`` is one of ``IDENT`` (a bare word, keywords included: the parser decides which
  words are keywords where), ``QIDENT`` (double-quoted text: an identifier in name
  positions, a string in expressions, as Machbase reads ``values ("test", ...)``),
  ``STRING`` (single-quoted), ``INT``, ``FLOAT``, ``SUFFIXED`` (a number run into letters:
  a relative time ``2h30m`` or a size ``16MB``), ``PARAM`` (``?``), ``OP`` (punctuation and
  operators) and ``EOF``;
* ``value`` is the text as written for ``IDENT``, ``INT``, ``FLOAT``, ``SUFFIXED`` and
  ``OP`` (``<>`` stays ``<>``), and the unquoted, unescaped text for ``STRING`` and
  ``QIDENT``;
* ``start`` and ``end`` are offsets into the text (``text[start:end]`` is the token as
  written), ``pos`` is its 1-based :class:`Pos` (line, column), columns counted in
  characters, ``\\r\\n`` and a lone ``\\r`` ending a line like ``\\n``.

Inside quotes a doubled quote stands for one (``'it''s'``), and a backslash escapes the
quote or a backslash (``'it\\'s'``, ``'a\\\\b'``); any other backslash is kept as written,
so ``'C:\\temp'`` and ``'$.a\\n'`` mean what they show.

Comments (``-- ...`` to the end of the line, ``/* ... */``) are skipped, except optimizer
hints ``/*+ ... */``: their text is kept in :attr:`Tokens.hints`, keyed by the index of the
token that follows them, so the parser can pick up the hint right after ``SELECT``.

Errors are raised as :class:`LexError` with the Machbase code: 2011 (``Unrecognized token``)
for a character that starts no token, 2010 for a string, quoted name or comment that never
ends.
"""
import re
from bisect import bisect_right
from typing import NamedTuple

__all__ = ["Pos", "Token", "Tokens", "LexError", "tokenize",
           "IDENT", "QIDENT", "STRING", "INT", "FLOAT", "SUFFIXED", "PARAM", "OP", "EOF"]

IDENT, QIDENT, STRING, INT, FLOAT, SUFFIXED, PARAM, OP, EOF = (
    "IDENT", "QIDENT", "STRING", "INT", "FLOAT", "SUFFIXED", "PARAM", "OP", "EOF")

_SKIP_BLANKS = re.compile(r"[ \t\n\r\f\v]*")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")
_TWO_CHAR_OPS = frozenset(("<>", "!=", "<=", ">=", "||", "->"))
_ONE_CHAR_OPS = frozenset("(),;.*+-/%=<>")


class Pos(NamedTuple):
    """A 1-based line and column (in characters) in the statement text."""

    line: int
    column: int


class Token(NamedTuple):
    kind: str
    value: str
    start: int
    end: int
    pos: Pos


class Tokens(NamedTuple):
    """The tokens of a text (ending with ``EOF``) and the hints found between them."""

    items: list
    hints: dict   # index of the token after the hint -> [(hint text, Pos), ...]


class LexError(Exception):
    """A character sequence that is no token; ``code`` is Machbase's error number."""

    def __init__(self, code, start, pos, token):
        super().__init__(token)
        self.code = code
        self.start = start
        self.pos = pos
        self.token = token


def is_ident_start(ch):
    return ("a" <= ch <= "z") or ("A" <= ch <= "Z") or ch == "_"


def is_ident_char(ch):
    return is_ident_start(ch) or ("0" <= ch <= "9") or ch == "$"


def _is_digit(ch):
    return "0" <= ch <= "9"


class _Lines:
    """Offset -> (line, column), with ``\\r\\n``, ``\\r`` and ``\\n`` each ending a line."""

    def __init__(self, text):
        self._starts = [0]
        i, n = 0, len(text)
        while i < n:
            ch = text[i]
            if ch == "\r":
                if i + 1 < n and text[i + 1] == "\n":
                    i += 1
                self._starts.append(i + 1)
            elif ch == "\n":
                self._starts.append(i + 1)
            i += 1

    def pos(self, offset):
        line = bisect_right(self._starts, offset)  # the last line start <= offset, 1-based
        return Pos(line, offset - self._starts[line - 1] + 1)


def tokenize(text):
    """Return the :class:`Tokens` of ``text``; raise :class:`LexError` on a bad character."""
    lines = _Lines(text)
    items = []
    hints = {}
    i, n = 0, len(text)
    skip_blanks = _SKIP_BLANKS.match
    word = _WORD.match
    while True:
        i = skip_blanks(text, i).end()
        if i >= n:
            items.append(Token(EOF, "", n, n, lines.pos(n)))
            return Tokens(items, hints)
        ch = text[i]
        start = i
        if ch == "-" and text.startswith("--", i):
            end = text.find("\n", i)
            i = n if end < 0 else end + 1
            continue
        if ch == "/" and text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end < 0:
                raise LexError(2010, start, lines.pos(start), text[start:])
            if text.startswith("/*+", i):
                hints.setdefault(len(items), []).append((text[i + 3:end], lines.pos(start)))
            i = end + 2
            continue
        if is_ident_start(ch):
            i = word(text, i).end()
            items.append(Token(IDENT, text[start:i], start, i, lines.pos(start)))
            continue
        if _is_digit(ch) or (ch == "." and i + 1 < n and _is_digit(text[i + 1])):
            kind, i = _scan_number(text, i)
            items.append(Token(kind, text[start:i], start, i, lines.pos(start)))
            continue
        if ch in ("'", '"'):
            value, i = _scan_quoted(text, i)
            if value is None:
                raise LexError(2010, start, lines.pos(start), text[start:])
            items.append(Token(STRING if ch == "'" else QIDENT, value, start, i, lines.pos(start)))
            continue
        if ch == "?":
            i += 1
            items.append(Token(PARAM, "?", start, i, lines.pos(start)))
            continue
        two = text[i:i + 2]
        if two in _TWO_CHAR_OPS:
            i += 2
            items.append(Token(OP, two, start, i, lines.pos(start)))
            continue
        if ch in _ONE_CHAR_OPS:
            i += 1
            items.append(Token(OP, ch, start, i, lines.pos(start)))
            continue
        raise LexError(2011, start, lines.pos(start), ch)


def _scan_number(text, i):
    """Scan ``12``, ``1.5``, ``.5``, ``1e-3``, or a number run into letters (``1h30m``)."""
    n = len(text)
    start = i
    while i < n and _is_digit(text[i]):
        i += 1
    kind = "INT"
    if i < n and text[i] == "." and (i + 1 >= n or not is_ident_start(text[i + 1]) or text[i + 1] in "eE"):
        # NOTE: "1." is a float, but "t.a" never reaches here and "1.x" stays INT "." IDENT.
        kind = "FLOAT"
        i += 1
        while i < n and _is_digit(text[i]):
            i += 1
    if i < n and text[i] in "eE":
        j = i + 1
        if j < n and text[j] in "+-":
            j += 1
        if j < n and _is_digit(text[j]):
            i = j
            while i < n and _is_digit(text[i]):
                i += 1
            kind = "FLOAT"
    if i < n and is_ident_start(text[i]) and text[start:i].isdigit():
        while i < n and (is_ident_start(text[i]) or _is_digit(text[i])):
            i += 1
        kind = "SUFFIXED"
    return kind, i


def _scan_quoted(text, i):
    """Scan a quoted string from its opening quote; return (value, end) or (None, _)."""
    quote = text[i]
    n = len(text)
    i += 1
    out = []
    while i < n:
        ch = text[i]
        if ch == quote:
            if i + 1 < n and text[i + 1] == quote:
                out.append(quote)
                i += 2
                continue
            return "".join(out), i + 1
        if ch == "\\" and i + 1 < n and text[i + 1] in (quote, "\\"):
            out.append(text[i + 1])
            i += 2
            continue
        out.append(ch)
        i += 1
    return None, i
