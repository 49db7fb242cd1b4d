"""InfluxQL syntax tree: statements and expressions, each with its position, and the formatter.

Every node is a frozen dataclass whose ``pos`` (the 1-based line and character where the
node starts, see :class:`machstore.influxql.lexer.Pos`) is left out of ``==``, so a parsed
tree compares equal to one built by hand.  ``str(node)`` is the node in canonical InfluxQL,
written the way InfluxDB 1.x writes statements back (its ``String()`` methods): keywords in
upper case, identifiers quoted only when they must be, durations in InfluxQL units
(``7d``) except ``CREATE DATABASE ... WITH DURATION`` which InfluxDB prints Go-style
(``168h0m0s``).  Parsing ``str(node)`` gives back an equal node (except for the statements
whose passwords InfluxDB prints as ``[REDACTED]``: CREATE USER and SET PASSWORD).

Naming: a statement class is InfluxDB's Go type name without the ``Statement`` suffix
(``SelectStatement`` -> :class:`Select`, ``ShowTagKeyCardinalityStatement`` ->
:class:`ShowTagKeyCardinality`), other nodes keep their Go name (:class:`Field`,
:class:`Dimension`, :class:`Target`, :class:`SubQuery`, :class:`VarRef`, ...), and fields are
the Go field names in snake_case (``SLimit`` -> ``slimit``, ``TagKeyExpr`` -> ``tag_key``).
Lists are tuples, absent values are ``None`` / ``""`` / ``0`` / ``()`` as in Go's zero values.

Durations are integers of nanoseconds; 0 is ``INF``.  Time strings in conditions stay
:class:`StringLiteral` as InfluxDB parses them (the executor turns them into times).
"""
import datetime
import math
from dataclasses import dataclass, field, fields
from decimal import Decimal

import re2

from .lexer import KEYWORDS, Pos, is_ident_char, is_ident_first_char

__all__ = [
    "Node", "Statement", "Expr",
    "ShowDatabases", "CreateDatabase", "DropDatabase",
    "ShowRetentionPolicies", "CreateRetentionPolicy", "AlterRetentionPolicy", "DropRetentionPolicy",
    "ShowMeasurements", "ShowSeries", "ShowTagKeys", "ShowTagValues", "ShowFieldKeys",
    "Select", "DeleteSeries", "DropSeries", "DropMeasurement", "DropShard",
    "ShowSeriesCardinality", "ShowMeasurementCardinality", "ShowTagKeyCardinality",
    "ShowTagValuesCardinality", "ShowFieldKeyCardinality",
    "ShowQueries", "KillQuery", "ShowContinuousQueries", "CreateContinuousQuery", "DropContinuousQuery",
    "CreateUser", "DropUser", "SetPasswordUser", "Grant", "GrantAdmin", "Revoke", "RevokeAdmin",
    "ShowUsers", "ShowGrantsForUser", "Explain", "ShowStats", "ShowDiagnostics", "ShowShards",
    "ShowShardGroups", "ShowSubscriptions", "CreateSubscription", "DropSubscription", "Unsupported",
    "Measurement", "SortField", "Field", "Dimension", "Target", "SubQuery",
    "BinaryExpr", "ParenExpr", "VarRef", "Call", "Distinct", "Wildcard",
    "StringLiteral", "IntegerLiteral", "UnsignedLiteral", "NumberLiteral", "BooleanLiteral",
    "DurationLiteral", "TimeLiteral", "RegexLiteral", "ListLiteral", "BoundParameter", "NilLiteral",
    "FILL_OPTIONS", "PRIVILEGES", "RegexError", "walk",
    "quote_ident", "quote_string", "format_duration", "go_duration", "go_float", "format_float",
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


def _where(condition):
    return f" WHERE {condition}" if condition is not None else ""


def _group_by(dimensions):
    return " GROUP BY " + ", ".join(str(d) for d in dimensions) if dimensions else ""


def _limit_offset(stmt):
    return (f" LIMIT {stmt.limit}" if stmt.limit > 0 else "") + (f" OFFSET {stmt.offset}" if stmt.offset > 0 else "")


def _with_key(stmt):
    key = quote_ident(stmt.tag_key.value) if isinstance(stmt.tag_key, StringLiteral) else str(stmt.tag_key)
    return f" WITH KEY {stmt.op} {key}"


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
        return "SHOW TAG VALUES" + _on(self.database) + _from(self.sources) + _with_key(self) + _tail(self)


@dataclass(frozen=True)
class ShowFieldKeys(Statement):
    database: str = ""
    sources: tuple = ()
    sort_fields: tuple = ()
    limit: int = 0
    offset: int = 0

    def __str__(self):
        return "SHOW FIELD KEYS" + _on(self.database) + _from(self.sources) + _tail(self, condition=False)

#: ``Select.fill``: what empty GROUP BY time() windows get (``"number"`` uses ``fill_value``).
FILL_OPTIONS = ("null", "none", "previous", "linear", "number")


@dataclass(frozen=True)
class Select(Statement):
    """``SELECT fields [INTO target] FROM sources [WHERE] [GROUP BY] [fill()] [ORDER BY] [LIMIT]
    [OFFSET] [SLIMIT] [SOFFSET] [tz()]``.

    ``fields`` are :class:`Field`; ``sources`` are :class:`Measurement` or :class:`SubQuery`;
    ``dimensions`` are :class:`Dimension` (``time(interval[, offset])`` is a :class:`Call`);
    ``fill`` is one of :data:`FILL_OPTIONS` and ``fill_value`` the int or float of
    ``fill(<number>)``; ``location`` is the ``tz('Area/City')`` name ("" for none).
    """

    fields: tuple = ()
    target: "Target" = None
    sources: tuple = ()
    condition: Expr = None
    dimensions: tuple = ()
    fill: str = "null"
    fill_value: object = None
    sort_fields: tuple = ()
    limit: int = 0
    offset: int = 0
    slimit: int = 0
    soffset: int = 0
    location: str = ""

    @property
    def is_raw_query(self):
        """True if no field calls a function (InfluxDB's ``IsRawQuery``, set by its parser)."""
        return not any(isinstance(n, Call) for f in self.fields for n in walk(f))

    @property
    def time_ascending(self):
        """True unless ``ORDER BY time DESC`` (InfluxDB's ``TimeAscending``)."""
        return not self.sort_fields or self.sort_fields[0].ascending

    def _time_dimension(self):
        for d in self.dimensions:
            if isinstance(d.expr, Call) and d.expr.name == "time":
                return d.expr
        return None

    def group_by_interval(self):
        """Return the ``GROUP BY time(interval)`` in nanoseconds (0 if none); InfluxDB's
        ``GroupByInterval``, with its errors as ValueError."""
        call = self._time_dimension()
        if call is None:
            return 0
        if not 1 <= len(call.args) <= 2:
            raise ValueError("time dimension expected 1 or 2 arguments")
        if not isinstance(call.args[0], DurationLiteral):
            raise ValueError("time dimension must have duration argument")
        return call.args[0].value

    def group_by_offset(self):
        """Return the offset of ``GROUP BY time(interval, offset)`` in nanoseconds, within one
        interval (InfluxDB's ``GroupByOffset`` for a duration offset; 0 if none)."""
        interval = self.group_by_interval()
        call = self._time_dimension()
        if call is None or len(call.args) < 2:
            return 0
        offset = call.args[1]
        if not isinstance(offset, DurationLiteral):
            raise ValueError(f"invalid time dimension offset: {offset}")
        rest = abs(offset.value) % interval if interval else 0   # Go's % keeps the sign
        return -rest if offset.value < 0 else rest

    def __str__(self):
        out = ["SELECT ", ", ".join(str(f) for f in self.fields)]
        if self.target is not None:
            out.append(f" {self.target}")
        out.append(_from(self.sources))
        out.append(_where(self.condition))
        out.append(_group_by(self.dimensions))
        if self.fill == "number":
            out.append(f" fill({go_value(self.fill_value)})")
        elif self.fill != "null":
            out.append(f" fill({self.fill})")
        if self.sort_fields:
            out.append(" ORDER BY " + ", ".join(str(f) for f in self.sort_fields))
        out.append(_limit_offset(self))
        if self.slimit > 0:
            out.append(f" SLIMIT {self.slimit}")
        if self.soffset > 0:
            out.append(f" SOFFSET {self.soffset}")
        if self.location:
            out.append(f" TZ('{self.location}')")
        return "".join(out)


@dataclass(frozen=True)
class DeleteSeries(Statement):
    """``DELETE [FROM sources] [WHERE condition]`` (at least one of the two)."""

    sources: tuple = ()
    condition: Expr = None

    def __str__(self):
        return "DELETE" + _from(self.sources) + _where(self.condition)


@dataclass(frozen=True)
class DropSeries(Statement):
    """``DROP SERIES [FROM sources] [WHERE condition]`` (at least one of the two)."""

    sources: tuple = ()
    condition: Expr = None

    def __str__(self):
        return "DROP SERIES" + _from(self.sources) + _where(self.condition)


@dataclass(frozen=True)
class DropMeasurement(Statement):
    name: str

    def __str__(self):
        return f"DROP MEASUREMENT {quote_ident(self.name)}"


@dataclass(frozen=True)
class DropShard(Statement):
    id: int

    def __str__(self):
        return f"DROP SHARD {self.id}"


@dataclass(frozen=True)
class ShowSeriesCardinality(Statement):
    """``SHOW SERIES [EXACT] CARDINALITY [ON db] [FROM] [WHERE] [GROUP BY] [LIMIT] [OFFSET]``."""

    database: str = ""
    exact: bool = False
    sources: tuple = ()
    condition: Expr = None
    dimensions: tuple = ()
    limit: int = 0
    offset: int = 0

    def __str__(self):
        return (f"SHOW SERIES{' EXACT' if self.exact else ''} CARDINALITY" + _on(self.database)
                + _from(self.sources) + _where(self.condition) + _group_by(self.dimensions) + _limit_offset(self))


@dataclass(frozen=True)
class ShowMeasurementCardinality(Statement):
    """``SHOW MEASUREMENT [EXACT] CARDINALITY [ON db] [FROM] [WHERE] [GROUP BY] [LIMIT] [OFFSET]``."""

    database: str = ""
    exact: bool = False
    sources: tuple = ()
    condition: Expr = None
    dimensions: tuple = ()
    limit: int = 0
    offset: int = 0

    def __str__(self):
        return (f"SHOW MEASUREMENT{' EXACT' if self.exact else ''} CARDINALITY" + _on(self.database)
                + _from(self.sources) + _where(self.condition) + _group_by(self.dimensions) + _limit_offset(self))


@dataclass(frozen=True)
class ShowTagKeyCardinality(Statement):
    """``SHOW TAG KEY [EXACT] CARDINALITY [ON db] [FROM] [WHERE] [GROUP BY] [LIMIT] [OFFSET]``."""

    database: str = ""
    exact: bool = False
    sources: tuple = ()
    condition: Expr = None
    dimensions: tuple = ()
    limit: int = 0
    offset: int = 0

    def __str__(self):
        return (f"SHOW TAG KEY {'EXACT ' if self.exact else ''}CARDINALITY" + _on(self.database)
                + _from(self.sources) + _where(self.condition) + _group_by(self.dimensions) + _limit_offset(self))


@dataclass(frozen=True)
class ShowTagValuesCardinality(Statement):
    """``SHOW TAG VALUES [EXACT] CARDINALITY [ON db] [FROM] WITH KEY ... [WHERE] [GROUP BY] [LIMIT] [OFFSET]``.

    ``op`` and ``tag_key`` are as in :class:`ShowTagValues`.
    """

    database: str = ""
    exact: bool = False
    sources: tuple = ()
    op: str = "="
    tag_key: Expr = None
    condition: Expr = None
    dimensions: tuple = ()
    limit: int = 0
    offset: int = 0

    def __str__(self):
        return (f"SHOW TAG VALUES {'EXACT ' if self.exact else ''}CARDINALITY" + _on(self.database)
                + _from(self.sources) + _with_key(self) + _where(self.condition) + _group_by(self.dimensions)
                + _limit_offset(self))


@dataclass(frozen=True)
class ShowFieldKeyCardinality(Statement):
    """``SHOW FIELD KEY [EXACT] CARDINALITY [ON db] [FROM] [WHERE] [GROUP BY] [LIMIT] [OFFSET]``."""

    database: str = ""
    exact: bool = False
    sources: tuple = ()
    condition: Expr = None
    dimensions: tuple = ()
    limit: int = 0
    offset: int = 0

    def __str__(self):
        return (f"SHOW FIELD KEY {'EXACT ' if self.exact else ''}CARDINALITY" + _on(self.database)
                + _from(self.sources) + _where(self.condition) + _group_by(self.dimensions) + _limit_offset(self))


@dataclass(frozen=True)
class ShowQueries(Statement):
    def __str__(self):
        return "SHOW QUERIES"


@dataclass(frozen=True)
class KillQuery(Statement):
    """``KILL QUERY id [ON host]``."""

    query_id: int
    host: str = ""

    def __str__(self):
        return f"KILL QUERY {self.query_id}" + (f" ON {quote_ident(self.host)}" if self.host else "")


@dataclass(frozen=True)
class ShowContinuousQueries(Statement):
    def __str__(self):
        return "SHOW CONTINUOUS QUERIES"


@dataclass(frozen=True)
class CreateContinuousQuery(Statement):
    """``CREATE CONTINUOUS QUERY name ON db [RESAMPLE [EVERY d] [FOR d]] BEGIN select END``.

    ``source`` is the :class:`Select` (it has a ``target``); ``resample_every`` and
    ``resample_for`` are nanoseconds, 0 when not given.
    """

    name: str
    database: str
    source: Select
    resample_every: int = 0
    resample_for: int = 0

    def __str__(self):
        out = [f"CREATE CONTINUOUS QUERY {quote_ident(self.name)} ON {quote_ident(self.database)} "]
        if self.resample_every > 0 or self.resample_for > 0:
            out.append("RESAMPLE ")
            if self.resample_every > 0:
                out.append(f"EVERY {format_duration(self.resample_every)} ")
            if self.resample_for > 0:
                out.append(f"FOR {format_duration(self.resample_for)} ")
        out.append(f"BEGIN {self.source} END")
        return "".join(out)


@dataclass(frozen=True)
class DropContinuousQuery(Statement):
    name: str
    database: str

    def __str__(self):
        return f"DROP CONTINUOUS QUERY {quote_ident(self.name)} ON {quote_ident(self.database)}"


#: Privileges as ``Grant.privilege`` / ``Revoke.privilege`` hold them (InfluxDB's ``Privilege.String()``).
PRIVILEGES = ("NO PRIVILEGES", "READ", "WRITE", "ALL PRIVILEGES")


@dataclass(frozen=True)
class CreateUser(Statement):
    """``CREATE USER name WITH PASSWORD 'pw' [WITH ALL PRIVILEGES]``; ``str()`` redacts the password."""

    name: str
    password: str = field(default="", repr=False)
    admin: bool = False

    def __str__(self):
        return (f"CREATE USER {quote_ident(self.name)} WITH PASSWORD [REDACTED]"
                + (" WITH ALL PRIVILEGES" if self.admin else ""))


@dataclass(frozen=True)
class DropUser(Statement):
    name: str

    def __str__(self):
        return f"DROP USER {quote_ident(self.name)}"


@dataclass(frozen=True)
class SetPasswordUser(Statement):
    """``SET PASSWORD FOR name = 'pw'``; ``str()`` redacts the password."""

    name: str
    password: str = field(default="", repr=False)

    def __str__(self):
        return f"SET PASSWORD FOR {quote_ident(self.name)} = [REDACTED]"


@dataclass(frozen=True)
class Grant(Statement):
    """``GRANT READ|WRITE|ALL [PRIVILEGES] ON db TO user``; ``privilege`` is one of :data:`PRIVILEGES`."""

    privilege: str
    on: str
    user: str

    def __str__(self):
        return f"GRANT {self.privilege} ON {quote_ident(self.on)} TO {quote_ident(self.user)}"


@dataclass(frozen=True)
class GrantAdmin(Statement):
    user: str

    def __str__(self):
        return f"GRANT ALL PRIVILEGES TO {quote_ident(self.user)}"


@dataclass(frozen=True)
class Revoke(Statement):
    """``REVOKE READ|WRITE|ALL [PRIVILEGES] ON db FROM user``."""

    privilege: str
    on: str
    user: str

    def __str__(self):
        return f"REVOKE {self.privilege} ON {quote_ident(self.on)} FROM {quote_ident(self.user)}"


@dataclass(frozen=True)
class RevokeAdmin(Statement):
    user: str

    def __str__(self):
        return f"REVOKE ALL PRIVILEGES FROM {quote_ident(self.user)}"


@dataclass(frozen=True)
class ShowUsers(Statement):
    def __str__(self):
        return "SHOW USERS"


@dataclass(frozen=True)
class ShowGrantsForUser(Statement):
    name: str

    def __str__(self):
        return f"SHOW GRANTS FOR {quote_ident(self.name)}"


@dataclass(frozen=True)
class Explain(Statement):
    """``EXPLAIN [ANALYZE] select``."""

    statement: Select
    analyze: bool = False

    def __str__(self):
        return "EXPLAIN " + ("ANALYZE " if self.analyze else "") + str(self.statement)


@dataclass(frozen=True)
class ShowStats(Statement):
    """``SHOW STATS [FOR 'module']``."""

    module: str = ""

    def __str__(self):
        return "SHOW STATS" + (f" FOR {quote_string(self.module)}" if self.module else "")


@dataclass(frozen=True)
class ShowDiagnostics(Statement):
    """``SHOW DIAGNOSTICS [FOR 'module']``."""

    module: str = ""

    def __str__(self):
        return "SHOW DIAGNOSTICS" + (f" FOR {quote_string(self.module)}" if self.module else "")


@dataclass(frozen=True)
class ShowShards(Statement):
    def __str__(self):
        return "SHOW SHARDS"


@dataclass(frozen=True)
class ShowShardGroups(Statement):
    def __str__(self):
        return "SHOW SHARD GROUPS"


@dataclass(frozen=True)
class ShowSubscriptions(Statement):
    def __str__(self):
        return "SHOW SUBSCRIPTIONS"


@dataclass(frozen=True)
class CreateSubscription(Statement):
    """``CREATE SUBSCRIPTION name ON db.rp DESTINATIONS ALL|ANY 'url' {, 'url'}``."""

    name: str
    database: str
    retention_policy: str
    destinations: tuple = ()
    mode: str = "ALL"

    def __str__(self):
        return (f"CREATE SUBSCRIPTION {quote_ident(self.name)} ON {quote_ident(self.database)}."
                f"{quote_ident(self.retention_policy)} DESTINATIONS {self.mode} "
                + ", ".join(quote_string(d) for d in self.destinations))


@dataclass(frozen=True)
class DropSubscription(Statement):
    name: str
    database: str
    retention_policy: str

    def __str__(self):
        return (f"DROP SUBSCRIPTION {quote_ident(self.name)} ON {quote_ident(self.database)}."
                f"{quote_ident(self.retention_policy)}")


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
    """A source: ``[db.][rp.]name`` or ``[db.][rp.]/regex/``.

    ``is_target`` is True for the measurement of an ``INTO`` clause (InfluxDB's ``IsTarget``),
    whose ``name`` is "" for the ``:MEASUREMENT`` back-reference.
    """

    database: str = ""
    retention_policy: str = ""
    name: str = ""
    regex: "RegexLiteral" = None
    is_target: bool = False

    def __str__(self):
        if self.name:
            last = quote_ident(self.name)
        else:
            last = str(self.regex) if self.regex is not None else ""
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


@dataclass(frozen=True)
class Field(Node):
    """One item of a SELECT list: an expression and its ``AS`` alias ("" for none)."""

    expr: Expr
    alias: str = ""

    def __str__(self):
        return f"{self.expr} AS {quote_ident(self.alias)}" if self.alias else str(self.expr)


@dataclass(frozen=True)
class Dimension(Node):
    """One item of GROUP BY: ``time(interval[, offset])`` (a :class:`Call`), a :class:`VarRef`,
    a :class:`Wildcard` or a :class:`RegexLiteral`."""

    expr: Expr

    def __str__(self):
        return str(self.expr)


@dataclass(frozen=True)
class Target(Node):
    """``INTO measurement``; a measurement ``name`` of "" is the ``:MEASUREMENT`` back-reference."""

    measurement: Measurement

    def __str__(self):
        return f"INTO {self.measurement}" + ("" if self.measurement.name else ":MEASUREMENT")


@dataclass(frozen=True)
class SubQuery(Node):
    """A parenthesised SELECT used as a source."""

    statement: "Select"

    def __str__(self):
        return f"({self.statement})"


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
        # NOTE: InfluxDB 1.8 prints three decimals (lossy); this is the full-precision form of
        # later influxql releases (``FormatFloat(v, 'f', -1)`` plus ".0" for whole numbers),
        # so that the text parses back to the same number.
        text = format_float(self.value)
        if "." not in text and text not in ("NaN", "+Inf", "-Inf"):
            text += ".0"
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
class TimeLiteral(Expr):
    """A point in time, nanoseconds since the epoch (UTC).

    The parser never makes one (time strings stay :class:`StringLiteral`, as in InfluxDB); it
    is for the executor's rewritten conditions.  ``str()`` is RFC 3339 with nanoseconds.
    """

    value: int

    def __str__(self):
        return "'" + rfc3339_nano(self.value) + "'"


@dataclass(frozen=True)
class NilLiteral(Expr):
    """InfluxDB's internal nil value (not part of the language)."""

    def __str__(self):
        return "nil"


@dataclass(frozen=True)
class BoundParameter(Expr):
    """``$name``: a placeholder for a value passed with the query (``params``)."""

    name: str

    def __str__(self):
        return "$" + quote_ident(self.name)


@dataclass(frozen=True)
class RegexLiteral(Expr):
    """A regular expression; ``pattern`` is its text (matched anywhere, like Go's MatchString).

    ``compiled`` is the pattern compiled by RE2 (Go's regexp dialect), with ``re``'s API
    (``search``, ``match``, ``fullmatch``, ...).
    """

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
_REGEX_CACHE_SIZE = 4096
_RE2_OPTIONS = re2.Options()
_RE2_OPTIONS.log_errors = False

# RE2's error texts -> Go's regexp/syntax error codes (InfluxDB reports Go's).
_GO_REGEX_ERRORS = (
    ("missing )", "missing closing )"),
    ("unexpected )", "unexpected )"),
    ("missing ]", "missing closing ]"),
    ("no argument for repetition operator", "missing argument to repetition operator"),
    ("bad repetition operator", "invalid nested repetition operator"),
    ("invalid repetition size", "invalid repeat count"),
    ("trailing \\", "trailing backslash at end of expression"),
    ("invalid character class range", "invalid character class range"),
    ("invalid character class", "invalid character class"),
    ("invalid escape sequence", "invalid escape sequence"),
    ("invalid named capture group", "invalid named capture"),
    ("duplicate capture group name", "duplicate capture group name"),
    ("invalid perl operator", "invalid or unsupported Perl syntax"),
    ("invalid UTF-8", "invalid UTF-8"),
    ("pattern too large", "expression too large"),
    ("excessive depth", "expression nests too deeply"),
)


class RegexError(ValueError):
    """A pattern RE2 refuses; ``str()`` is Go's text (``error parsing regexp: <code>: `arg```)."""


def _go_regex_error(message):
    for prefix, code in _GO_REGEX_ERRORS:
        if message.startswith(prefix):
            rest = message[len(prefix):]
            arg = rest[2:] if rest.startswith(": ") else ""
            if prefix == "pattern too large":
                return f"error parsing regexp: {code}"
            return f"error parsing regexp: {code}: `{arg}`"
    return f"error parsing regexp: {message}"


def _go_only_errors(pattern):
    """Return Go's error for the two things C++ RE2 takes and Go's regexp (as in InfluxDB 1.8) refuses:
    ``\\C`` (any byte) and ``(?<name>...)`` captures; None if neither is there."""
    i, in_class = 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            if pattern[i + 1:i + 2] == "C":
                return "error parsing regexp: invalid escape sequence: `\\C`"
            i += 2
            continue
        if in_class:
            if ch == "]":
                in_class = False
        elif ch == "[":
            in_class = True
            i += 1
            if pattern[i:i + 1] == "^":
                i += 1
            if pattern[i:i + 1] == "]":
                i += 1
            continue
        elif pattern.startswith("(?<", i):
            return "error parsing regexp: invalid or unsupported Perl syntax: `(?<`"
        i += 1
    return None


def _compile(pattern):
    """Compile ``pattern`` with RE2 (Go's dialect, as InfluxDB), cached; raise :class:`RegexError`."""
    rx = _REGEX_CACHE.get(pattern)
    if rx is None:
        problem = _go_only_errors(pattern)
        if problem:
            raise RegexError(problem)
        try:
            rx = re2.compile(pattern, _RE2_OPTIONS)
        except UnicodeEncodeError:
            raise RegexError(f"error parsing regexp: invalid UTF-8: `{pattern}`") from None
        except re2.error as ex:
            text = ex.args[0] if ex.args else ""
            if isinstance(text, bytes):
                text = text.decode("utf-8", "replace")
            raise RegexError(_go_regex_error(str(text))) from None
        if len(_REGEX_CACHE) >= _REGEX_CACHE_SIZE:
            _REGEX_CACHE.clear()
        _REGEX_CACHE[pattern] = rx
    return rx


#: Compile a pattern in Go's regexp dialect, with Go's error texts (TICKscript regexes use it too).
compile_go_regex = _compile


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


def format_float(value):
    """Write a float as Go's ``strconv.FormatFloat(v, 'f', -1, 64)`` (shortest, no exponent)."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return format(Decimal(repr(float(value))), "f")


def go_float(value):
    """Write a float as Go's ``%v`` does (shortest digits; an exponent below 1e-4 or from 1e21)."""
    value = float(value)
    if math.isnan(value) or math.isinf(value):
        return format_float(value)
    if value == 0:
        return "-0" if math.copysign(1, value) < 0 else "0"
    number = Decimal(repr(value))
    sign, digit_tuple, exp = number.as_tuple()
    exponent = len(digit_tuple) + exp - 1          # of the leading digit
    digits = "".join(map(str, digit_tuple)).rstrip("0")
    minus = "-" if sign else ""
    if -4 <= exponent < 21:
        return minus + format(abs(number).normalize(), "f")
    mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    return f"{minus}{mantissa}e{'-' if exponent < 0 else '+'}{abs(exponent):02d}"


def go_value(value):
    """Write a fill value as Go's ``%v`` does (int64 or float64)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return go_float(value)


def rfc3339_nano(ns):
    """Write nanoseconds since the epoch as Go's ``time.RFC3339Nano`` in UTC."""
    seconds, frac = divmod(ns, SECOND)
    stamp = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc) + datetime.timedelta(seconds=seconds)
    text = stamp.strftime("%Y-%m-%dT%H:%M:%S")
    if frac:
        text += "." + f"{frac:09d}".rstrip("0")
    return text + "Z"


_FIELD_NAMES = {}   # node class -> its dataclass field names, in order


def walk(node):
    """Return ``node`` and every node below it, depth first, in field order (a list).

    PERF: a loop over an explicit stack, not nested generators: planning a query walks its
    field expressions a dozen times.
    """
    if node is None:
        return []
    out = []
    stack = [node]
    while stack:
        n = stack.pop()
        out.append(n)
        if not isinstance(n, Node):
            continue
        names = _FIELD_NAMES.get(type(n))
        if names is None:   # PERF: dataclasses.fields() builds a tuple per call
            names = _FIELD_NAMES[type(n)] = tuple(f.name for f in fields(n))
        children = []
        for name in names:
            value = getattr(n, name)
            if isinstance(value, Node):
                children.append(value)
            elif isinstance(value, tuple):
                children.extend(item for item in value if isinstance(item, Node))
        if children:
            children.reverse()
            stack.extend(children)
    return out
