"""InfluxQL lexer: text -> tokens with positions, as InfluxDB 1.x scans them.

PERF: tokens are cut with compiled regular expressions over the whole text (one match per
token for identifiers, keywords, numbers, whitespace and operators), not rune by rune: the
rune-by-rune scanner was a tenth of a small query's time over HTTP.  That scanner is kept as
the reference twin (``lexer_ref``); ``tests/test_influxql_lexer.py`` checks that both give the
same tokens on generated text, quirks included.

InfluxQL needs two things from a scanner beyond ``scan()``: regular expressions (``/cpu.*/``)
are only scanned where the parser asks for one (:meth:`Scanner.scan_regex`), and the parser
peeks at the next raw character (:meth:`Scanner.peek_rune`) to decide whether one follows.

Positions are 1-based ``(line, char)`` pairs counted in characters (code points), with
``\\r\\n`` and a lone ``\\r`` read as one ``\\n``.  They reproduce InfluxDB's scanner exactly,
including two quirks that show up in its error messages (``at line 1, char N``):

* the end of input is one character further on once a token has run into it (a bare
  identifier, a keyword, trailing whitespace, a comment or an unterminated string), because
  that token already read it once; a token that only looked at the end and put it back (a
  number, an operator) leaves it where it was.  :meth:`Scanner.peek_rune` at the end counts
  as reading it;
* a single-quoted string and a regex report the position of the character *before* their
  opening quote or slash.

Tokens are ``Token(kind, pos, lit)``.  ``kind`` is a keyword in upper case (``"SHOW"``), an
operator or punctuation as written (``"=~"``, ``";"``) or a literal class (``"IDENT"``,
``"STRING"``, ``"INTEGER"``, ``"NUMBER"``, ``"DURATIONVAL"``, ``"REGEX"``, ``"BOUNDPARAM"``)
or a special (``"EOF"``, ``"WS"``, ``"COMMENT"``, ``"ILLEGAL"``, ``"BADSTRING"``,
``"BADESCAPE"``, ``"BADREGEX"``).  ``lit`` is the text of identifiers, strings (unquoted and
unescaped), numbers, durations and regexes, and empty for keywords and operators.
"""
import re
from typing import NamedTuple

__all__ = [
    "BADESCAPE",
    "BADREGEX",
    "BADSTRING",
    "BOUNDPARAM",
    "COMMENT",
    "DURATIONVAL",
    "EOF",
    "FALSE",
    "IDENT",
    "ILLEGAL",
    "INTEGER",
    "KEYWORDS",
    "NUMBER",
    "REGEX",
    "STRING",
    "TRUE",
    "WS",
    "Pos",
    "Scanner",
    "Token",
    "is_ident_char",
    "is_ident_first_char",
    "token_text",
]

EOF, WS, COMMENT, ILLEGAL = "EOF", "WS", "COMMENT", "ILLEGAL"
IDENT, BOUNDPARAM, NUMBER, INTEGER, DURATIONVAL = "IDENT", "BOUNDPARAM", "NUMBER", "INTEGER", "DURATIONVAL"
STRING, BADSTRING, BADESCAPE, REGEX, BADREGEX = "STRING", "BADSTRING", "BADESCAPE", "REGEX", "BADREGEX"
TRUE, FALSE = "TRUE", "FALSE"

# The keywords of InfluxDB 1.8 (influxql ``token.go``); matched case-insensitively.
KEYWORDS = frozenset("""
    ALL ALTER ANALYZE ANY AS ASC BEGIN BY CARDINALITY CREATE CONTINUOUS DATABASE DATABASES
    DEFAULT DELETE DESC DESTINATIONS DIAGNOSTICS DISTINCT DROP DURATION END EVERY EXACT EXPLAIN
    FIELD FOR FROM GRANT GRANTS GROUP GROUPS INF INSERT INTO KEY KEYS KILL LIMIT MEASUREMENT
    MEASUREMENTS NAME OFFSET ON ORDER PASSWORD POLICY POLICIES PRIVILEGES QUERIES QUERY READ
    REPLICATION RESAMPLE RETENTION REVOKE SELECT SERIES SET SHOW SHARD SHARDS SLIMIT SOFFSET
    STATS SUBSCRIPTION SUBSCRIPTIONS TAG TO USER USERS VALUES WHERE WITH WRITE
    AND OR IN TRUE FALSE
""".split())  # noqa: SIM905 - the words as token.go lists them

# Kinds InfluxDB has no printable name for: an error about one of them says "found " + lit.
_UNNAMED = frozenset((INTEGER, BOUNDPARAM, BADREGEX, COMMENT))


class Pos(NamedTuple):
    """A 1-based line and character (code point) position in the query text."""

    line: int
    char: int


class Token(NamedTuple):
    kind: str
    pos: Pos
    lit: str


def token_text(tok):
    """Return how an error message names ``tok``: its literal, else the name of its kind."""
    if tok.lit:
        return tok.lit
    return "" if tok.kind in _UNNAMED else tok.kind


def is_letter(ch):
    return ("a" <= ch <= "z") or ("A" <= ch <= "Z")


def is_digit(ch):
    return "0" <= ch <= "9"


def is_ident_char(ch):
    return is_letter(ch) or is_digit(ch) or ch == "_"


def is_ident_first_char(ch):
    return is_letter(ch) or ch == "_"


# One alternative per token shape that needs no more than a match.  Group names are token
# kinds (KW is an identifier looked up among the keywords; NUMDOT is a number whose "." is
# read but left out of the literal, as InfluxDB does: "1." and "1.x" give NUMBER "1").
# A bare identifier directly followed by '"' (``ab"cd"`` is the identifier ``cd``) and
# everything that starts with a quote, "$", "--", "/*", "!" or an unknown rune go to
# Scanner._scan_other.
_TOKEN = re.compile(r"""
    (?P<WS>[ \t\n]+)
  | (?P<KW>[A-Za-z_][A-Za-z0-9_]*+)(?!")
  | (?P<NUMBER>[0-9]*\.[0-9]+)
  | (?P<NUMDOT>[0-9]+)\.
  | (?P<DURATIONVAL>[0-9]+[A-Za-z\u00b5][A-Za-z\u00b50-9]*)
  | (?P<INTEGER>[0-9]+)
  | (?P<OP>=~|!=|!~|>=|<=|<>|::|-(?!-)|/(?!\*)|[=><:+*%&|^(),;.])
""", re.VERBOSE)
_OPS = {"<>": "!="}
# Kinds of _TOKEN matches that read the end of the input when they reach it (see the module docstring).
_RUNS_INTO_END = frozenset(("WS", "KW"))
_IDENT_PREFIX = re.compile(r"[A-Za-z0-9_]*")
_STRING_RUN = re.compile(r"[^'\"\\\n]*")
_REGEX_BODY = re.compile(r"(?:[^/\\\n]|\\/|\\(?!/))*")
_BLOCK_COMMENT_END = re.compile(r"\*/")


class Scanner:
    """Turn InfluxQL text into tokens, one :meth:`scan` at a time."""

    def __init__(self, text):
        self._text = text.replace("\r\n", "\n").replace("\r", "\n")
        self._n = len(self._text)
        self._i = 0              # index of the next rune to read
        self._line = 0           # 0-based line of index _line_start ...
        self._line_start = 0     # ... and the index where that line starts
        self._end_read = False   # the end was read (and not put back): it is one character further on
        self._one_line = "\n" not in self._text   # PERF: then a position is just (1, index + 1)

    # -- positions -----------------------------------------------------------------------

    def _pos(self, i):
        """The 1-based position of index ``i``."""
        text = self._text
        if i < self._line_start:   # back before the line last seen (the rune before a quote): count again
            self._line = self._line_start = 0
        nl = text.rfind("\n", self._line_start, i)
        if nl >= 0:
            self._line += text.count("\n", self._line_start, nl + 1)
            self._line_start = nl + 1
        return Pos(self._line + 1, i - self._line_start + 1)

    def _pos_before(self, i):
        """The position of the rune before index ``i`` (InfluxDB's position for a string or regex)."""
        if i == 0:
            return Pos(1, 1)
        return self._pos(i - 1)

    def _end_pos(self):
        """The position of the end of the input, and count it as read."""
        pos = self._pos(self._n)
        if self._end_read:
            pos = Pos(pos.line, pos.char + 1)
        self._end_read = True
        return pos

    # -- the parser's interface --------------------------------------------------------------

    def scan(self):
        """Return the next token (whitespace and comments included)."""
        i = self._i
        if i >= self._n:
            return Token(EOF, self._end_pos(), "")
        m = _TOKEN.match(self._text, i)
        if m is None:
            return self._scan_other(i)
        kind = m.lastgroup
        j = self._i = m.end()
        pos = Pos(1, i + 1) if self._one_line else self._pos(i)
        if j >= self._n and kind in _RUNS_INTO_END:
            self._end_read = True
        if kind == "KW":
            lit = m.group(kind)
            upper = lit.upper()
            if upper in KEYWORDS:
                return Token(upper, pos, "")
            return Token(IDENT, pos, lit)
        if kind == "OP":
            op = m.group(kind)
            return Token(_OPS.get(op, op), pos, "")
        if kind == "NUMDOT":
            return Token(NUMBER, pos, m.group(kind))
        return Token(kind, pos, m.group(kind))

    def scan_regex(self):
        """Scan ``/.../`` (``\\/`` stands for ``/``; other escapes are kept for the regex engine)."""
        i = self._i
        pos = self._pos_before(i)
        if i >= self._n:
            self._end_read = True
            return Token(BADREGEX, pos, "")
        if self._text[i] != "/":
            self._i = i + 1
            return Token(BADREGEX, pos, "")
        m = _REGEX_BODY.match(self._text, i + 1)
        j = m.end()
        if j < self._n and self._text[j] == "/":
            self._i = j + 1
            return Token(REGEX, pos, m.group().replace("\\/", "/"))
        self._consume_to(j + 1)   # the newline or the end that stopped it
        return Token(BADREGEX, pos, "")

    def peek_rune(self):
        """Return the next raw character without consuming it ('' at the end, which counts as reading it)."""
        if self._i < self._n:
            return self._text[self._i]
        self._end_read = True
        return ""

    # -- what the token pattern leaves -----------------------------------------------------

    def _consume_to(self, j):
        """Move on to index ``j``; past the last rune, the end is read."""
        if j > self._n:
            j = self._n
            self._end_read = True
        self._i = j

    def _scan_other(self, i):
        text = self._text
        ch = text[i]
        pos = self._pos(i)
        if ch == '"' or ch == "_" or is_letter(ch):
            return self._scan_ident(i, pos)
        if ch == "'":
            return self._scan_string(i)
        if ch == "$":
            kind, _, lit = self._scan_ident(i + 1, pos)
            return Token(kind if kind != IDENT else BOUNDPARAM, pos, "$" + lit)
        if ch == "-":   # "--": a comment to the end of the line (the newline included)
            nl = text.find("\n", i + 2)
            self._consume_to(nl + 1 if nl >= 0 else self._n + 1)
            return Token(COMMENT, pos, "")
        if ch == "/":   # "/*": a comment to "*/"
            m = _BLOCK_COMMENT_END.search(text, i + 2)
            if m is None:
                self._consume_to(self._n + 1)
                return Token(ILLEGAL, pos, "")
            self._i = m.end()
            return Token(COMMENT, pos, "")
        self._i = i + 1
        # "!" not followed by "=" or "~", or a rune InfluxQL has no use for
        return Token(ILLEGAL, pos, ch)

    def _scan_ident(self, i, pos):
        """Scan an identifier from index ``i``: bare runes, then an optional quoted part.

        NOTE: a quoted part ends the identifier and replaces any bare part before it
        (``ab"cd"`` is ``cd``), as in InfluxDB; without a quoted part the end is read when
        reached, as for a bare identifier.
        """
        m = _IDENT_PREFIX.match(self._text, i)
        j = m.end()
        if j < self._n and self._text[j] == '"':
            tok = self._scan_string(j)
            if tok.kind in (BADSTRING, BADESCAPE):
                return tok
            return Token(IDENT, pos, tok.lit)
        self._consume_to(j + 1 if j >= self._n else j)
        return Token(IDENT, pos, m.group())   # NOTE: only "$" gets here with a bare identifier

    def _scan_string(self, i):
        """Scan a string or quoted identifier whose opening quote is at index ``i``."""
        text = self._text
        quote = text[i]
        pos = self._pos_before(i)
        out = []
        j = i + 1
        while True:
            m = _STRING_RUN.match(text, j)
            out.append(m.group())
            j = m.end()
            if j >= self._n:                     # unterminated: the end is read
                self._consume_to(self._n + 1)
                return Token(BADSTRING, pos, "".join(out))
            ch = text[j]
            if ch == quote:
                self._i = j + 1
                return Token(STRING, pos, "".join(out))
            if ch == "\n":
                self._i = j + 1
                return Token(BADSTRING, pos, "".join(out))
            if ch == "\\":
                if j + 1 >= self._n:
                    self._i = self._n
                    return Token(BADESCAPE, self._end_pos(), "\\")
                nxt = text[j + 1]
                if nxt == "n":
                    out.append("\n")
                elif nxt in ("\\", '"', "'"):
                    out.append(nxt)
                else:
                    self._i = j + 2
                    return Token(BADESCAPE, self._pos(j + 1), ch + nxt)
                j += 2
            else:                                # the other quote
                out.append(ch)
                j += 1
