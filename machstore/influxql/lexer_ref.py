"""InfluxQL lexer, rune by rune: the reference twin of :mod:`machstore.influxql.lexer`.

This is the scanner as first written, a direct transcription of InfluxDB's: one rune at a
time through a reader with a three-rune push-back.  The compiled-regex scanner in ``lexer``
must give exactly the same tokens, positions and end-of-input quirks (see that module's
docstring); ``tests/test_influxql_lexer.py`` checks the two against each other on generated
text.  It is not used to run queries.
"""
import re

from .lexer import (
    BADESCAPE,
    BADREGEX,
    BADSTRING,
    BOUNDPARAM,
    COMMENT,
    DURATIONVAL,
    EOF,
    IDENT,
    ILLEGAL,
    INTEGER,
    KEYWORDS,
    NUMBER,
    REGEX,
    STRING,
    WS,
    Pos,
    Token,
)

__all__ = ["Scanner"]

_END = ""          # the rune the reader returns past the end of the input
_IDENT_RUN = re.compile(r"[A-Za-z0-9_]+")
_DIGIT_RUN = re.compile(r"[0-9]+")
_STRING_RUN = re.compile(r"[^'\"\\\n]+")
_WHITESPACE = " \t\n"


def is_letter(ch):
    return ("a" <= ch <= "z") or ("A" <= ch <= "Z")


def is_digit(ch):
    return "0" <= ch <= "9"


def is_ident_char(ch):
    return is_letter(ch) or is_digit(ch) or ch == "_"


class _Reader:
    """Runes of the text with their positions and a push-back of up to three runes.

    Reading past the end returns ``_END``.  NOTE: the position of the end moves on by one
    after the first time it is read (InfluxDB counts the end once, as a character); the
    parser's error positions depend on this.
    """

    def __init__(self, text):
        self._text = text.replace("\r\n", "\n").replace("\r", "\n")
        self._i = 0
        self._line = 0
        self._char = 0
        self._at_end = False
        self._history = [(_END, (0, 0))] * 3   # the last runes read, newest last
        self._back = 0                          # how many of them were pushed back

    def read(self):
        """Return ``(rune, (line, char))`` of the next rune, 0-based."""
        if self._back:
            item = self._history[-self._back]
            self._back -= 1
            return item
        if self._i < len(self._text):
            ch = self._text[self._i]
            self._i += 1
        else:
            ch = _END
        pos = (self._line, self._char)
        if ch == "\n":
            self._line += 1
            self._char = 0
        elif not self._at_end:
            self._char += 1
        if ch == _END:
            self._at_end = True
        self._history.append((ch, pos))
        del self._history[0]
        return ch, pos

    def read_run(self, pattern):
        """Read the longest run of runes ``pattern`` matches (runes of one line) and return it.

        PERF: one regex match instead of a read per rune; the history then holds the run's
        last runes with their positions, as if they had been read one by one.  Returns "" when
        runes are pushed back (the caller reads those one by one first).
        """
        if self._back:
            return ""
        m = pattern.match(self._text, self._i)
        if m is None:
            return ""
        run = m.group()
        n = len(run)
        first = self._char
        self._i += n
        self._char += n
        tail = [(run[k], (self._line, first + k)) for k in range(max(0, n - 3), n)]
        self._history = (self._history + tail)[-3:]
        return run

    def unread(self):
        self._back += 1

    def current(self):
        """Return the rune last read (after push-backs, the one before those pushed back)."""
        return self._history[-1 - self._back]


def _pos(raw):
    return Pos(raw[0] + 1, raw[1] + 1)


class Scanner:
    """Turn InfluxQL text into tokens, one :meth:`scan` at a time."""

    def __init__(self, text):
        self._r = _Reader(text)

    def scan(self):
        """Return the next token (whitespace and comments included)."""
        r = self._r
        ch, raw = r.read()
        pos = _pos(raw)
        if ch in _WHITESPACE and ch:
            return self._scan_whitespace()
        if is_letter(ch) or ch == "_":
            r.unread()
            return self._scan_ident(lookup=True)
        if is_digit(ch):
            return self._scan_number()
        if ch == _END:
            return Token(EOF, pos, "")
        if ch == '"':
            r.unread()
            return self._scan_ident(lookup=True)
        if ch == "'":
            return self._scan_string()
        if ch == ".":
            nxt, _ = r.read()
            r.unread()
            if is_digit(nxt):
                return self._scan_number()
            return Token(".", pos, "")
        if ch == "$":
            kind, _, lit = self._scan_ident(lookup=False)
            return Token(kind if kind != IDENT else BOUNDPARAM, pos, "$" + lit)
        if ch == "-":
            if self._next_is("-"):
                self._skip_line()
                return Token(COMMENT, pos, "")
            return Token("-", pos, "")
        if ch == "/":
            if self._next_is("*"):
                if not self._skip_block_comment():
                    return Token(ILLEGAL, pos, "")
                return Token(COMMENT, pos, "")
            return Token("/", pos, "")
        if ch == "=":
            return Token("=~" if self._next_is("~") else "=", pos, "")
        if ch == "!":
            if self._next_is("="):
                return Token("!=", pos, "")
            if self._next_is("~"):
                return Token("!~", pos, "")
            return Token(ILLEGAL, pos, "!")
        if ch == ">":
            return Token(">=" if self._next_is("=") else ">", pos, "")
        if ch == "<":
            if self._next_is("="):
                return Token("<=", pos, "")
            if self._next_is(">"):
                return Token("!=", pos, "")
            return Token("<", pos, "")
        if ch == ":":
            return Token("::" if self._next_is(":") else ":", pos, "")
        if ch in "+*%&|^(),;":
            return Token(ch, pos, "")
        return Token(ILLEGAL, pos, ch)

    def scan_regex(self):
        """Scan ``/.../`` (``\\/`` stands for ``/``; other escapes are kept for the regex engine)."""
        r = self._r
        pos = _pos(r.current()[1])
        ch, _ = r.read()
        if ch != "/":
            return Token(BADREGEX, pos, "")
        out = []
        while True:
            ch, _ = r.read()
            if ch == "/":
                return Token(REGEX, pos, "".join(out))
            if ch == _END or ch == "\n":
                return Token(BADREGEX, pos, "")
            if ch == "\\":
                nxt, _ = r.read()
                if nxt == _END:
                    return Token(BADREGEX, pos, "")
                if nxt == "/":
                    out.append("/")
                    continue
                r.unread()
            out.append(ch)

    def peek_rune(self):
        """Return the next raw character without consuming it ('' at the end)."""
        ch, _ = self._r.read()
        if ch != _END:
            self._r.unread()
        return ch

    # -- pieces ------------------------------------------------------------------------

    def _next_is(self, want):
        ch, _ = self._r.read()
        if ch == want:
            return True
        self._r.unread()
        return False

    def _scan_whitespace(self):
        r = self._r
        ch, raw = r.current()
        out = [ch]
        while True:
            ch, _ = r.read()
            if ch == _END:
                break
            if ch not in _WHITESPACE:
                r.unread()
                break
            out.append(ch)
        return Token(WS, _pos(raw), "".join(out))

    def _skip_line(self):
        while True:
            ch, _ = self._r.read()
            if ch in ("\n", _END):
                return

    def _skip_block_comment(self):
        r = self._r
        while True:
            ch, _ = r.read()
            if ch == _END:
                return False
            while ch == "*":
                ch, _ = r.read()
                if ch == "/":
                    return True
                if ch == _END:
                    return False

    def _scan_ident(self, *, lookup):
        r = self._r
        _, raw = r.read()
        r.unread()
        pos = _pos(raw)
        out = []
        while True:
            ch, _ = r.read()
            if ch == _END:
                break
            if ch == '"':
                # NOTE: a quoted part ends the identifier and replaces any bare part before
                # it (``ab"cd"`` is ``cd``), as in InfluxDB.
                tok = self._scan_string()
                if tok.kind in (BADSTRING, BADESCAPE):
                    return tok
                return Token(IDENT, pos, tok.lit)
            if is_ident_char(ch):
                r.unread()
                out.append(self._scan_bare_ident())
            else:
                r.unread()
                break
        lit = "".join(out)
        if lookup and lit.upper() in KEYWORDS:
            return Token(lit.upper(), pos, "")
        return Token(IDENT, pos, lit)

    def _scan_bare_ident(self):
        r = self._r
        out = []
        while True:
            out.append(r.read_run(_IDENT_RUN))
            ch, _ = r.read()
            if ch == _END:
                break
            if not is_ident_char(ch):
                r.unread()
                break
            out.append(ch)
        return "".join(out)

    def _scan_string(self):
        """Scan a string or quoted identifier; the opening quote was just read."""
        r = self._r
        r.unread()
        pos = _pos(r.current()[1])  # NOTE: the rune before the quote, as InfluxDB reports it
        quote, _ = r.read()
        out = []
        while True:
            out.append(r.read_run(_STRING_RUN))
            ch, _ = r.read()
            if ch == quote:
                return Token(STRING, pos, "".join(out))
            if ch == _END or ch == "\n":
                return Token(BADSTRING, pos, "".join(out))
            if ch == "\\":
                nxt, _ = r.read()
                if nxt == "n":
                    out.append("\n")
                elif nxt in ("\\", '"', "'"):
                    out.append(nxt)
                else:
                    return Token(BADESCAPE, _pos(r.current()[1]), ch + nxt)
            else:
                out.append(ch)

    def _scan_number(self):
        r = self._r
        _, raw = r.current()
        pos = _pos(raw)
        r.unread()  # read the first digit (or the leading ".") again below
        out = [self._scan_digits()]
        decimal = False
        ch, _ = r.read()
        if ch == ".":
            decimal = True
            nxt, _ = r.read()
            if is_digit(nxt):
                out.append("." + nxt)
                out.append(self._scan_digits())
            else:
                r.unread()
        else:
            r.unread()
        if decimal:
            return Token(NUMBER, pos, "".join(out))
        ch, _ = r.read()
        if not (is_letter(ch) or ch == "µ"):
            r.unread()
            return Token(INTEGER, pos, "".join(out))
        out.append(ch)
        while True:  # a duration: the unit letters, then more digits and letters (1h30m)
            ch, _ = r.read()
            if not (is_letter(ch) or ch == "µ" or is_digit(ch)):
                r.unread()
                break
            out.append(ch)
        return Token(DURATIONVAL, pos, "".join(out))

    def _scan_digits(self):
        r = self._r
        out = []
        while True:
            out.append(r.read_run(_DIGIT_RUN))
            ch, _ = r.read()
            if not is_digit(ch):
                r.unread()
                return "".join(out)
            out.append(ch)
