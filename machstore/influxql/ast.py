"""InfluxQL syntax tree: statements and expressions, each with its position, and the formatter.

Every node is a frozen dataclass whose ``pos`` (the 1-based line and character where the
node starts, see :class:`machstore.influxql.lexer.Pos`) is left out of ``==``, so a parsed
tree compares equal to one built by hand.  ``str(node)`` is the node in canonical InfluxQL,
written the way InfluxDB 1.x writes statements back (its ``String()`` methods): keywords in
upper case, identifiers quoted only when they must be, durations in InfluxQL units
(``7d``) except ``CREATE DATABASE ... WITH DURATION`` which InfluxDB prints Go-style
(``168h0m0s``).  Parsing ``str(node)`` gives back an equal node.

Durations are integers of nanoseconds; 0 is ``INF``.
"""
import re
from dataclasses import dataclass, field

from .lexer import KEYWORDS, Pos, is_ident_char, is_ident_first_char

__all__ = [
    "Node", "Statement", "Expr",
    "ShowDatabases", "CreateDatabase", "DropDatabase",
    "ShowRetentionPolicies", "CreateRetentionPolicy", "AlterRetentionPolicy", "DropRetentionPolicy",
    "ShowMeasurements", "ShowSeries", "ShowTagKeys", "ShowTagValues", "ShowFieldKeys", "Unsupported",
    "Measurement", "SortField",
    "BinaryExpr", "ParenExpr", "VarRef", "Call", "Distinct", "Wildcard",
    "StringLiteral", "IntegerLiteral", "UnsignedLiteral", "NumberLiteral", "BooleanLiteral",
    "DurationLiteral", "RegexLiteral", "ListLiteral",
    "quote_ident", "quote_string", "format_duration", "go_duration",
]

NS = 1
US = 1_000
MS = 1_000_000
SECOND = 1_000_000_000
MINUTE = 60 * SECOND
HOUR = 60 * MINUTE
DAY = 24 * HOUR
WEEK = 7 * DAY


@dataclass(frozen=True)
class Node:
    """Base of every node: a position that equality ignores."""

    pos: Pos = field(default=None, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True)
class Statement(Node):
    """Base of statements."""


@dataclass(frozen=True)
class Expr(Node):
    """Base of expressions."""


def _on(database):
    return f" ON {quote_ident(database)}" if database else ""


def _tail(stmt, *, condition=True, slimit=False):
    out = []
    if condition and stmt.condition is not None:
        out.append(f" WHERE {stmt.condition}")
    if stmt.sort_fields:
        out.append(" ORDER BY " + ", ".join(str(f) for f in stmt.sort_fields))
    if stmt.limit > 0:
        out.append(f" LIMIT {stmt.limit}")
    if stmt.offset > 0:
        out.append(f" OFFSET {stmt.offset}")
    if slimit and stmt.slimit > 0:
        out.append(f" SLIMIT {stmt.slimit}")
    if slimit and stmt.soffset > 0:
        out.append(f" SOFFSET {stmt.soffset}")
    return "".join(out)


def _from(sources):
    return " FROM " + ", ".join(str(s) for s in sources) if sources else ""


# -- statements ----------------------------------------------------------------------------

@dataclass(frozen=True)
class ShowDatabases(Statement):
    def __str__(self):
        return "SHOW DATABASES"


@dataclass(frozen=True)
class CreateDatabase(Statement):
    """``CREATE DATABASE name [WITH [DURATION d] [REPLICATION n] [SHARD DURATION d] [NAME rp]]``.

    ``rp_create`` is True when a ``WITH`` clause was given; ``duration`` and ``replication``
    are None when not given, ``shard_duration`` 0 and ``rp_name`` "" when not given.
    """

    name: str
    rp_create: bool = False
    duration: int = None
    replication: int = None
    shard_duration: int = 0
    rp_name: str = ""

    def __str__(self):
        out = ["CREATE DATABASE ", quote_ident(self.name)]
        if self.rp_create:
            out.append(" WITH")
            if self.duration is not None:
                out.append(f" DURATION {go_duration(self.duration)}")
            if self.replication is not None:
                out.append(f" REPLICATION {self.replication}")
            if self.shard_duration > 0:
                out.append(f" SHARD DURATION {go_duration(self.shard_duration)}")
            if self.rp_name:
                out.append(f" NAME {quote_ident(self.rp_name)}")
        return "".join(out)


@dataclass(frozen=True)
class DropDatabase(Statement):
    name: str

    def __str__(self):
        return f"DROP DATABASE {quote_ident(self.name)}"


@dataclass(frozen=True)
class ShowRetentionPolicies(Statement):
    database: str = ""

    def __str__(self):
        return "SHOW RETENTION POLICIES" + _on(self.database)


@dataclass(frozen=True)
class CreateRetentionPolicy(Statement):
    name: str
    database: str
    duration: int
    replication: int
    shard_duration: int = 0
    default: bool = False

    def __str__(self):
        out = [f"CREATE RETENTION POLICY {quote_ident(self.name)} ON {quote_ident(self.database)}",
               f" DURATION {format_duration(self.duration)} REPLICATION {self.replication}"]
        if self.shard_duration > 0:
            out.append(f" SHARD DURATION {format_duration(self.shard_duration)}")
        if self.default:
            out.append(" DEFAULT")
        return "".join(out)


@dataclass(frozen=True)
class AlterRetentionPolicy(Statement):
    """``ALTER RETENTION POLICY``; options not given are None (``default`` is False)."""

    name: str
    database: str
    duration: int = None
    replication: int = None
    shard_duration: int = None
    default: bool = False

    def __str__(self):
        out = [f"ALTER RETENTION POLICY {quote_ident(self.name)} ON {quote_ident(self.database)}"]
        if self.duration is not None:
            out.append(f" DURATION {format_duration(self.duration)}")
        if self.replication is not None:
            out.append(f" REPLICATION {self.replication}")
        if self.shard_duration is not None:
            out.append(f" SHARD DURATION {format_duration(self.shard_duration)}")
        if self.default:
            out.append(" DEFAULT")
        return "".join(out)


@dataclass(frozen=True)
class DropRetentionPolicy(Statement):
    name: str
    database: str

    def __str__(self):
        return f"DROP RETENTION POLICY {quote_ident(self.name)} ON {quote_ident(self.database)}"


@dataclass(frozen=True)
class ShowMeasurements(Statement):
    """``SHOW MEASUREMENTS``; ``source`` is the ``WITH MEASUREMENT`` measurement (or None)."""

    database: str = ""
    source: "Measurement" = None
    condition: Expr = None
    sort_fields: tuple = ()
    limit: int = 0
    offset: int = 0

    def __str__(self):
        out = "SHOW MEASUREMENTS" + _on(self.database)
        if self.source is not None:
            op = "=~" if self.source.regex is not None else "="
            out += f" WITH MEASUREMENT {op} {self.source}"
        return out + _tail(self)


@dataclass(frozen=True)
class ShowSeries(Statement):
    database: str = ""
    sources: tuple = ()
    condition: Expr = None
    sort_fields: tuple = ()
    limit: int = 0
    offset: int = 0

    def __str__(self):
        return "SHOW SERIES" + _on(self.database) + _from(self.sources) + _tail(self)


@dataclass(frozen=True)
class ShowTagKeys(Statement):
    database: str = ""
    sources: tuple = ()
    condition: Expr = None
    sort_fields: tuple = ()
    limit: int = 0
    offset: int = 0
    slimit: int = 0
    soffset: int = 0

    def __str__(self):
        return "SHOW TAG KEYS" + _on(self.database) + _from(self.sources) + _tail(self, slimit=True)


@dataclass(frozen=True)
class ShowTagValues(Statement):
    """``SHOW TAG VALUES ... WITH KEY <op> <tag_key>``.

    ``op`` is ``"IN"``, ``"="``, ``"!="``, ``"=~"`` or ``"!~"``; ``tag_key`` is a
    :class:`ListLiteral` of names (IN), a :class:`StringLiteral` name or a :class:`RegexLiteral`.
    """

    database: str = ""
    sources: tuple = ()
    op: str = "="
    tag_key: Expr = None
    condition: Expr = None
    sort_fields: tuple = ()
    limit: int = 0
    offset: int = 0

    def __str__(self):
        key = quote_ident(self.tag_key.value) if isinstance(self.tag_key, StringLiteral) else str(self.tag_key)
        return ("SHOW TAG VALUES" + _on(self.database) + _from(self.sources)
                + f" WITH KEY {self.op} {key}" + _tail(self))


@dataclass(frozen=True)
class ShowFieldKeys(Statement):
    database: str = ""
    sources: tuple = ()
    sort_fields: tuple = ()
    limit: int = 0
    offset: int = 0

    def __str__(self):
        return "SHOW FIELD KEYS" + _on(self.database) + _from(self.sources) + _tail(self, condition=False)


@dataclass(frozen=True)
class Unsupported(Statement):
    """A statement InfluxDB has but machstore does not run yet (``kind`` is e.g. ``"SELECT"``).

    Only its leading keywords are parsed; ``text`` is the statement as written.
    """

    kind: str
    text: str = field(default="", compare=False)

    def __str__(self):
        return self.text or self.kind


# -- parts of statements -------------------------------------------------------------------

@dataclass(frozen=True)
class Measurement(Node):
    """A source: ``[db.][rp.]name`` or ``[db.][rp.]/regex/``."""

    database: str = ""
    retention_policy: str = ""
    name: str = ""
    regex: "RegexLiteral" = None

    def __str__(self):
        last = str(self.regex) if self.regex is not None else quote_ident(self.name)
        if self.database:
            rp = quote_ident(self.retention_policy) if self.retention_policy else ""
            return f"{quote_ident(self.database)}.{rp}.{last}"
        if self.retention_policy:
            return f"{quote_ident(self.retention_policy)}.{last}"
        return last


@dataclass(frozen=True)
class SortField(Node):
    name: str = ""
    ascending: bool = True

    def __str__(self):
        direction = "ASC" if self.ascending else "DESC"
        return f"{quote_ident(self.name)} {direction}" if self.name else direction


# -- expressions ---------------------------------------------------------------------------

PRECEDENCE = {"OR": 1, "AND": 2,
              "=": 3, "!=": 3, "=~": 3, "!~": 3, "<": 3, "<=": 3, ">": 3, ">=": 3, "IN": 3,
              "+": 4, "-": 4, "|": 4, "^": 4,
              "*": 5, "/": 5, "%": 5, "&": 5}


@dataclass(frozen=True)
class BinaryExpr(Expr):
    op: str
    lhs: Expr
    rhs: Expr

    def __str__(self):
        return f"{self.lhs} {self.op} {self.rhs}"


@dataclass(frozen=True)
class ParenExpr(Expr):
    expr: Expr

    def __str__(self):
        return f"({self.expr})"


@dataclass(frozen=True)
class VarRef(Expr):
    """A reference to a tag, field or measurement; ``type`` is the ``::type`` cast, if any."""

    name: str
    type: str = ""

    def __str__(self):
        return quote_ident(self.name) + (f"::{self.type}" if self.type else "")


@dataclass(frozen=True)
class Call(Expr):
    name: str
    args: tuple = ()

    def __str__(self):
        return f"{self.name}({', '.join(str(a) for a in self.args)})"


@dataclass(frozen=True)
class Distinct(Expr):
    name: str

    def __str__(self):
        return f"DISTINCT {self.name}"


@dataclass(frozen=True)
class Wildcard(Expr):
    type: str = ""

    def __str__(self):
        return "*" + (f"::{self.type}" if self.type else "")


@dataclass(frozen=True)
class StringLiteral(Expr):
    value: str

    def __str__(self):
        return quote_string(self.value)


@dataclass(frozen=True)
class IntegerLiteral(Expr):
    value: int

    def __str__(self):
        return str(self.value)


@dataclass(frozen=True)
class UnsignedLiteral(Expr):
    value: int

    def __str__(self):
        return str(self.value)


@dataclass(frozen=True)
class NumberLiteral(Expr):
    value: float

    def __str__(self):
        text = repr(float(self.value))
        if "e" in text or "n" in text:  # 1e+20, inf, nan: spell it out without an exponent
            text = f"{self.value:f}"
        return text


@dataclass(frozen=True)
class BooleanLiteral(Expr):
    value: bool

    def __str__(self):
        return "true" if self.value else "false"


@dataclass(frozen=True)
class DurationLiteral(Expr):
    value: int

    def __str__(self):
        return format_duration(self.value)


@dataclass(frozen=True)
class RegexLiteral(Expr):
    """A regular expression; ``pattern`` is its text (matched anywhere, like Go's MatchString)."""

    pattern: str

    @property
    def compiled(self):
        return _compile(self.pattern)

    def __str__(self):
        return "/" + self.pattern.replace("/", "\\/") + "/"


@dataclass(frozen=True)
class ListLiteral(Expr):
    """A parenthesised list of identifiers (``WITH KEY IN ("a", "b")``)."""

    values: tuple = ()

    def __str__(self):
        return "(" + ", ".join(quote_ident(v) for v in self.values) + ")"


_REGEX_CACHE = {}


def _compile(pattern):
    rx = _REGEX_CACHE.get(pattern)
    if rx is None:
        rx = _REGEX_CACHE[pattern] = re.compile(pattern)
    return rx


# -- formatting helpers --------------------------------------------------------------------

def ident_needs_quotes(ident):
    """Return True if ``ident`` must be double-quoted to parse back as the same identifier."""
    if ident.upper() in KEYWORDS:
        return True
    for i, ch in enumerate(ident):
        if (i == 0 and not is_ident_first_char(ch)) or (i > 0 and not is_ident_char(ch)):
            return True
    return False


def _escape_ident(text):
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def quote_ident(*segments):
    """Join identifier segments with dots, double-quoting those that need it (as InfluxDB does)."""
    last = len(segments) - 1
    out = []
    for i, seg in enumerate(segments):
        quoted = (ident_needs_quotes(seg) or (i < last and seg != "")
                  or ((i == 0 or i == last) and seg == ""))
        text = _escape_ident(seg)
        out.append(f'"{text}"' if quoted else text)
    return ".".join(out)


def quote_string(text):
    """Single-quote a string literal with InfluxQL's escapes."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n") + "'"


def format_duration(ns):
    """Write a duration in the largest InfluxQL unit that divides it (``7d``, ``90m``, ``0s``)."""
    if ns == 0:
        return "0s"
    for unit, size in (("w", WEEK), ("d", DAY), ("h", HOUR), ("m", MINUTE), ("s", SECOND),
                       ("ms", MS), ("u", US)):
        if ns % size == 0:
            return f"{ns // size}{unit}"
    return f"{ns}ns"


def _frac(value, prec):
    """Split ``value`` into integer units of 10**prec and the trimmed fraction text."""
    scale = 10 ** prec
    whole, rest = divmod(value, scale)
    digits = f"{rest:0{prec}d}".rstrip("0") if prec else ""
    return whole, ("." + digits if digits else "")


def go_duration(ns):
    """Write a duration as Go's ``time.Duration.String()`` does (``0s``, ``1h30m0s``, ``1.5s``)."""
    if ns == 0:
        return "0s"
    sign = "-" if ns < 0 else ""
    u = abs(ns)
    if u < SECOND:
        if u < US:
            return f"{sign}{u}ns"
        if u < MS:
            whole, frac = _frac(u, 3)
            return f"{sign}{whole}{frac}µs"
        whole, frac = _frac(u, 6)
        return f"{sign}{whole}{frac}ms"
    seconds, frac = _frac(u, 9)
    out = f"{seconds % 60}{frac}s"
    minutes = seconds // 60
    if minutes:
        out = f"{minutes % 60}m" + out
        hours = minutes // 60
        if hours:
            out = f"{hours}h" + out
    return sign + out
