"""Machbase SQL syntax tree: plain frozen dataclasses, one per construct.

Conventions shared by every node:

* ``pos`` is where the node starts in the text (a :class:`~machstore.sql.lexer.Pos`, 1-based
  line and column) and is left out of ``==``, so a parsed tree equals one built by hand;
  so are the ``text`` fields that keep spellings for column labels.
* Names (tables, columns, aliases, users, rollups, functions, hint names) are canonical:
  a bare name is upper-cased (``tag`` -> ``"TAG"``, ``v$stmt`` -> ``"V$STMT"``), as Machbase
  stores and reports them; a double-quoted name keeps its exact spelling.
* Lists are tuples; absent optional parts are ``None`` (or ``()``/``False``/``0``).
* Literals: :class:`Num` keeps int vs float, :class:`Str` is any quoted text (a datetime
  literal is just a ``Str``; the executor converts it when it meets a datetime column, as
  Machbase does).
* Canonical SQL text of a node is :func:`machstore.sql.format.format_sql` (the formatter
  imports these classes, so nodes do not import the formatter back).

Nodes are data only: nothing here touches the engine.
"""
from dataclasses import dataclass, field

from .lexer import Pos

__all__ = [
    "Pos", "Node", "Statement", "Expr",
    # expressions
    "Num", "Str", "Null", "Interval", "Param", "Column", "Star", "Unary", "Binary", "Call",
    "Between", "In", "Match", "IsNull", "Range", "Case", "When", "Subquery", "Const",
    # SELECT
    "Select", "UnionAll", "SelectItem", "Table", "DerivedTable", "Join", "OrderItem", "Hint",
    "TimeSpan", "Duration",
    # DML
    "Insert", "Update", "Assignment", "Delete",
    # DDL and the rest
    "CreateTable", "ColumnDef", "ColumnType", "Property", "RollupSpec", "DropTable", "TruncateTable",
    "CreateRollup", "DropRollup", "AlterRollup", "CreateUser", "AlterUser", "DropUser",
    "Show", "Describe", "Exec", "Explain",
    "COLUMN_TYPES", "TYPE_SYNONYMS", "TABLE_KINDS", "ROLLUP_UNITS", "TIME_UNITS",
]

# Canonical column type names, in Machbase's order, and the other spellings accepted for them
# ("int" in Machbase's own examples; intNN/uintNN are the names its drivers report).
COLUMN_TYPES = ("SHORT", "USHORT", "INTEGER", "UINTEGER", "LONG", "ULONG", "FLOAT", "DOUBLE",
                "DATETIME", "VARCHAR", "TEXT", "CLOB", "BINARY", "BLOB", "IPV4", "IPV6", "JSON")
TYPE_SYNONYMS = {"INT": "INTEGER", "INT16": "SHORT", "UINT16": "USHORT", "INT32": "INTEGER",
                 "UINT": "UINTEGER", "UINT32": "UINTEGER", "INT64": "LONG", "UINT64": "ULONG"}
TABLE_KINDS = ("LOG", "VOLATILE", "LOOKUP", "TAG")
ROLLUP_UNITS = ("SEC", "MIN", "HOUR")
TIME_UNITS = ("SECOND", "MINUTE", "HOUR", "DAY", "WEEK", "MONTH", "YEAR")


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


# -- expressions ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Num(Expr):
    """A number literal; ``value`` is an ``int`` (``0``, ``-5``) or a ``float`` (``1.5``, ``1e3``).

    A minus sign written before a number is folded in (``-5`` is ``Num(-5)``).
    """

    value: int | float


@dataclass(frozen=True)
class Str(Expr):
    """A quoted literal: ``'x'``, or ``"x"`` where an expression is expected (Machbase reads
    ``values ("test", ...)`` as strings). Datetimes, IP addresses and JSON are written as strings."""

    value: str


@dataclass(frozen=True)
class Null(Expr):
    """``NULL``."""


@dataclass(frozen=True)
class Interval(Expr):
    """A relative time literal (Machbase 8.0.50+): ``1h``, ``2h30m``, ``-10m``, in nanoseconds.

    Units are ``ns us ms s m h d w`` (lower case, run together, no blanks); used as
    ``now - 1h``. A leading minus is folded in.
    """

    ns: int


@dataclass(frozen=True)
class Param(Expr):
    """A ``?`` bind parameter; ``index`` counts them from 0 in the order they appear."""

    index: int


@dataclass(frozen=True)
class Column(Expr):
    """A column reference ``name`` or ``table.name`` (``table`` is a table name or alias, or None).

    Pseudo columns such as ``_ARRIVAL_TIME`` and ``_RID`` are plain columns. ``NOW`` and
    ``SYSDATE`` are not columns: they parse as :class:`Call` with no arguments.
    """

    name: str
    table: str = None


@dataclass(frozen=True)
class Star(Expr):
    """``*`` or ``table.*`` in a select list, or the ``*`` of ``COUNT(*)``."""

    table: str = None


@dataclass(frozen=True)
class Unary(Expr):
    """``-operand`` or ``NOT operand`` (``op`` is ``"-"`` or ``"NOT"``; unary ``+`` is dropped)."""

    op: str
    operand: Expr


@dataclass(frozen=True)
class Binary(Expr):
    """``left op right``.

    ``op`` is one of ``OR AND = <> < <= > >= || + - * / % ->`` (``!=`` is read as ``<>``;
    ``->`` is the JSON path operator ``info->'$.name'``).
    """

    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Call(Expr):
    """A function call ``NAME(args)``; ``name`` is upper case (any name parses).

    ``COUNT(*)`` has ``args == (Star(),)``. ``distinct`` is ``COUNT(DISTINCT x)``.
    ``order_by`` and ``separator`` are GROUP_CONCAT's ``ORDER BY`` and ``SEPARATOR 'str'``.
    ``NOW`` and ``SYSDATE`` (Machbase's pseudo columns) are calls with no arguments.
    The deprecated ``time ROLLUP 3 SEC`` is read as ``ROLLUP('sec', 3, time)``.
    """

    name: str
    args: tuple = ()
    distinct: bool = False
    order_by: tuple = ()
    separator: "Str" = None


@dataclass(frozen=True)
class Between(Expr):
    """``expr [NOT] BETWEEN low AND high`` (bounds included)."""

    expr: Expr
    low: Expr
    high: Expr
    negated: bool = False


@dataclass(frozen=True)
class In(Expr):
    """``expr [NOT] IN (items)``; ``items`` is a tuple of expressions or a :class:`Subquery`."""

    expr: Expr
    items: tuple
    negated: bool = False


@dataclass(frozen=True)
class Match(Expr):
    """``expr [NOT] op pattern`` for Machbase's pattern and membership operators.

    ``op`` is ``LIKE`` (``%`` and ``_`` wildcards), ``REGEXP``, ``SEARCH`` / ``ESEARCH``
    (keyword-index text search), ``CONTAINS`` (``'10.0.0.0/8' CONTAINS addr``: mask on the
    left) or ``CONTAINED`` (``addr CONTAINED '10.0.0.0/8'``: mask on the right).
    """

    op: str
    expr: Expr
    pattern: Expr
    negated: bool = False


@dataclass(frozen=True)
class IsNull(Expr):
    """``expr IS [NOT] NULL``."""

    expr: Expr
    negated: bool = False


@dataclass(frozen=True)
class Range(Expr):
    """``expr RANGE n unit``: the datetime ``expr`` lies within the last ``span`` before now."""

    expr: Expr
    span: "TimeSpan"


@dataclass(frozen=True)
class When(Node):
    """One ``WHEN condition THEN result`` arm of a :class:`Case`."""

    condition: Expr
    result: Expr


@dataclass(frozen=True)
class Case(Expr):
    """``CASE [operand] WHEN .. THEN .. [ELSE else_] END``.

    With an ``operand`` (simple form) each ``When.condition`` is a value compared with it;
    without one (searched form) each is a boolean condition. ``else_`` is None when absent.
    """

    operand: Expr
    whens: tuple
    else_: Expr = None


@dataclass(frozen=True)
class Subquery(Expr):
    """A parenthesised ``SELECT`` used as a value, in ``IN (...)``, or (in FROM) as a table."""

    query: Statement


@dataclass(frozen=True)
class Const(Expr):
    """A typed value computed before the statement runs: what a :class:`Subquery` in an
    expression is replaced with (``machstore.sql.subqueries``); the parser never makes one.

    ``mtype`` is the value's Machbase type (a ``MachType``), ``value`` a hashable Python
    value (``int``, ``float``, ``str``, ``bytes``) or None for NULL.
    """

    mtype: object
    value: object


# -- SELECT --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Hint(Node):
    """One optimizer hint from ``SELECT /*+ NAME(args) ... */``.

    ``name`` is upper case (``SCAN_BACKWARD``, ``SCAN_FORWARD``, ``ROLLUP``, ``ROLLUP_TABLE``,
    ``PARALLEL``, ``FULL``, ...); ``args`` holds names (canonical ``str``), ``int`` numbers and
    quoted strings (``str``): ``/*+ ROLLUP(tag, min, avg) */`` is ``Hint("ROLLUP", ("TAG",
    "MIN", "AVG"))``. Text inside the comment that does not read as hints is ignored, as
    hints are in Machbase.
    """

    name: str
    args: tuple = ()


@dataclass(frozen=True)
class SelectItem(Node):
    """One target of a select list: ``expr [AS alias]`` (``expr`` may be a :class:`Star`).

    ``alias`` is canonical (upper case unless quoted) and None without one.  For column
    labels Machbase shows what was written: ``alias_text`` is the alias as written and
    ``text`` the expression's source text (``avg(value)``, ``case i1 when 1 then 100 end``);
    both are ignored by ``==`` and empty for hand-built nodes.
    """

    expr: Expr
    alias: str = None
    alias_text: str = field(default="", compare=False)
    text: str = field(default="", compare=False)


@dataclass(frozen=True)
class Table(Node):
    """A table in FROM: ``name [alias]``, or ``name METADATA [alias]`` (a tag table's metadata).

    ``name`` may be a virtual or meta table (``V$STMT``, ``V$TAG_STAT``, ``M$SYS_TABLES``,
    ``_TAG_META``).
    """

    name: str
    alias: str = None
    metadata: bool = False


@dataclass(frozen=True)
class DerivedTable(Node):
    """An inline view in FROM: ``(SELECT ...) [alias]``."""

    query: Statement
    alias: str = None


@dataclass(frozen=True)
class Join(Node):
    """``left kind JOIN right ON condition``; ``kind`` is ``INNER``, ``LEFT`` or ``RIGHT`` (outer).

    A comma-separated FROM list is not a Join: it is several entries of ``Select.sources``.
    """

    left: Node
    kind: str
    right: Node
    on: Expr


@dataclass(frozen=True)
class OrderItem(Node):
    """``expr [ASC | DESC]`` of ORDER BY (and of GROUP_CONCAT's ORDER BY)."""

    expr: Expr
    descending: bool = False


@dataclass(frozen=True)
class TimeSpan(Node):
    """``amount unit`` as in ``DURATION 1 HOUR``, ``EXCEPT 3 DAY``, ``RANGE 10 MINUTE``.

    ``unit`` is one of :data:`TIME_UNITS` (``SECOND MINUTE HOUR DAY WEEK MONTH YEAR``;
    ``SEC``, ``MIN`` and plurals are read as these).
    """

    amount: int
    unit: str


@dataclass(frozen=True)
class Duration(Node):
    """SELECT's ``DURATION`` clause (log tables: a window on ``_ARRIVAL_TIME`` relative to now).

    Either ``DURATION span [BEFORE|AFTER shift]`` (``direction`` is ``"BEFORE"``/``"AFTER"``
    or None) or ``DURATION FROM start TO end`` (``span`` None, ``start``/``end`` expressions).
    """

    span: TimeSpan = None
    direction: str = None
    shift: TimeSpan = None
    start: Expr = None
    end: Expr = None


@dataclass(frozen=True)
class Select(Statement):
    """``SELECT [/*+ hints */] [DISTINCT] targets [FROM sources] [WHERE where] [DURATION ..]
    [GROUP BY group_by] [HAVING having] [ORDER BY order_by] [SERIES BY series_by]
    [LIMIT [offset,] limit]``.

    ``sources`` are :class:`Table`, :class:`DerivedTable` or :class:`Join` entries (empty for
    ``SELECT 1``); ``limit`` is None without LIMIT; ``offset`` is 0 without one.
    """

    targets: tuple
    sources: tuple = ()
    where: Expr = None
    group_by: tuple = ()
    having: Expr = None
    order_by: tuple = ()
    limit: int = None
    offset: int = 0
    distinct: bool = False
    hints: tuple = ()
    series_by: Expr = None
    duration: Duration = None


@dataclass(frozen=True)
class UnionAll(Statement):
    """``select UNION ALL select ...`` (the only set operator Machbase has); two or more selects."""

    selects: tuple


# -- DML -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Assignment(Node):
    """``column = value`` in UPDATE ... SET and ON DUPLICATE KEY UPDATE SET."""

    column: str
    value: Expr


@dataclass(frozen=True)
class Insert(Statement):
    """``INSERT INTO table [METADATA] [(columns)] VALUES (values) [ON DUPLICATE KEY UPDATE [SET ..]]``
    or ``INSERT INTO table [(columns)] SELECT ...``.

    ``columns`` is empty when not listed (then values go to the columns in order; listed
    columns leave the others NULL). ``metadata`` is a tag table's metadata insert (values are
    NAME then the metadata columns). Exactly one of ``values`` (one row) and ``select`` is
    set. ``on_duplicate`` is the upsert of volatile/lookup tables; ``on_duplicate_set`` its
    optional SET list (without one the inserted values overwrite the row).
    """

    table: str
    columns: tuple = ()
    values: tuple = None
    select: Statement = None
    metadata: bool = False
    on_duplicate: bool = False
    on_duplicate_set: tuple = ()


@dataclass(frozen=True)
class Update(Statement):
    """``UPDATE table [METADATA] SET assignments [WHERE where]``.

    Machbase allows it on volatile/lookup tables (WHERE on the primary key) and on a tag
    table's metadata (``metadata`` True); the parser accepts any condition or none.
    """

    table: str
    assignments: tuple
    where: Expr = None
    metadata: bool = False


@dataclass(frozen=True)
class Delete(Statement):
    """``DELETE FROM table [METADATA | ROLLUP] [condition] [NO WAIT]``.

    At most one of the condition fields is set; none set deletes everything:

    * ``where``: ``WHERE cond`` (tag/rollup data, metadata, volatile/lookup by key);
    * ``before``: ``BEFORE datetime_expr`` (log and tag tables: all rows older than it);
    * ``oldest_rows``: ``OLDEST n ROWS``; ``except_rows``: ``EXCEPT n ROWS`` (log tables);
    * ``except_span``: ``EXCEPT n unit``, a :class:`TimeSpan` (log tables: all but the last span).

    ``metadata`` targets a tag table's metadata, ``rollup`` its rollup data.
    """

    table: str
    metadata: bool = False
    rollup: bool = False
    where: Expr = None
    before: Expr = None
    oldest_rows: int = None
    except_rows: int = None
    except_span: TimeSpan = None
    no_wait: bool = False


# -- DDL -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class ColumnType(Node):
    """A column type: ``name`` is one of :data:`COLUMN_TYPES` (synonyms such as ``INT`` are
    read as their canonical name); ``length`` is the ``(n)`` of VARCHAR/BINARY, else None."""

    name: str
    length: int = None


@dataclass(frozen=True)
class Property(Node):
    """``NAME = value`` of a table property list or a column's ``PROPERTY(...)``.

    ``value`` is a :class:`Num`, :class:`Str` or (for a bare word) :class:`Column`;
    ``unit`` is a size suffix written after a number (``16MB`` is ``Num(16)`` with unit
    ``"MB"``: one of ``K KB M MB G GB T TB``), else ``""``.
    """

    name: str
    value: Expr
    unit: str = ""


@dataclass(frozen=True)
class ColumnDef(Node):
    """A column definition ``name type [(len)] {attribute}``.

    Attributes: ``primary_key`` (PRIMARY KEY: the tag name column of tag tables, the key of
    volatile/lookup tables), ``basetime`` (BASETIME or BASE TIME), ``base_distance`` (BASE
    DISTANCE or BASEDISTANCE, 8.0.75+), ``summarized`` (SUMMARIZED), ``not_null`` (NOT NULL;
    an explicit NULL leaves it False) and ``properties`` (``PROPERTY(MINMAX_CACHE_SIZE = 0)``).
    """

    name: str
    type: ColumnType
    primary_key: bool = False
    basetime: bool = False
    base_distance: bool = False
    summarized: bool = False
    not_null: bool = False
    properties: tuple = ()


@dataclass(frozen=True)
class RollupSpec(Node):
    """``WITH ROLLUP [(unit)] [EXTENSION]`` of CREATE TAG TABLE: rollups from ``unit`` up to HOUR.

    ``unit`` is ``SEC`` (the default when omitted), ``MIN`` or ``HOUR``; ``extension`` adds
    FIRST/LAST.
    """

    unit: str = "SEC"
    extension: bool = False


@dataclass(frozen=True)
class CreateTable(Statement):
    """``CREATE [LOG|VOLATILE|LOOKUP|TAG|TAGDATA] TABLE [IF NOT EXISTS] name (columns)
    [METADATA (metadata)] [WITH ROLLUP ..] [properties]``.

    ``kind`` is one of :data:`TABLE_KINDS`: ``LOG`` when no keyword is given, ``TAG`` for both
    ``TAG`` and the older ``TAGDATA``. ``metadata`` holds the tag metadata columns,
    ``rollup`` a :class:`RollupSpec` or None, ``properties`` the table :class:`Property` list
    (``TAG_PARTITION_COUNT = 4, TAG_DATA_PART_SIZE = 16MB``, any name parses).
    """

    name: str
    columns: tuple
    kind: str = "LOG"
    if_not_exists: bool = False
    metadata: tuple = ()
    rollup: RollupSpec = None
    properties: tuple = ()


@dataclass(frozen=True)
class DropTable(Statement):
    """``DROP TABLE name [CASCADE]`` (CASCADE also drops the tag table's rollups)."""

    name: str
    cascade: bool = False


@dataclass(frozen=True)
class TruncateTable(Statement):
    """``TRUNCATE TABLE name``: delete all rows, keep the table."""

    name: str


@dataclass(frozen=True)
class CreateRollup(Statement):
    """``CREATE ROLLUP name ON source(column) INTERVAL n unit [EXTENSION] [WHERE cond]``, or
    ``CREATE ROLLUP name ON|FROM source_rollup INTERVAL ...`` (``column`` None: the source is
    another rollup, whose column is used).

    ``unit`` is ``SEC``, ``MIN`` or ``HOUR``; ``where`` is a conditional rollup's filter.
    """

    name: str
    source: str
    interval: int
    unit: str
    column: str = None
    extension: bool = False
    where: Expr = None


@dataclass(frozen=True)
class DropRollup(Statement):
    """``DROP ROLLUP name``."""

    name: str


@dataclass(frozen=True)
class AlterRollup(Statement):
    """``ALTER ROLLUP name action``: ``action`` is ``START``, ``STOP``, ``WAKEUP``, ``FORCE``, or
    ``SET WAKEUP INTERVAL`` with ``interval``/``unit`` (``SEC``, ``MIN``, ``HOUR``) set."""

    name: str
    action: str
    interval: int = None
    unit: str = None


@dataclass(frozen=True)
class CreateUser(Statement):
    """``CREATE USER name IDENTIFIED BY password [PASSWORD POLICY policy]``.

    ``password`` is as written (a bare word keeps its case; quotes removed); ``policy`` is
    ``NONE``, ``LOW``, ``HIGH`` or None.
    """

    name: str
    password: str
    policy: str = None


@dataclass(frozen=True)
class AlterUser(Statement):
    """``ALTER USER name IDENTIFIED BY password [PASSWORD POLICY policy]`` (see :class:`CreateUser`)."""

    name: str
    password: str
    policy: str = None


@dataclass(frozen=True)
class DropUser(Statement):
    """``DROP USER name``."""

    name: str


@dataclass(frozen=True)
class Show(Statement):
    """``SHOW subject [name]``: ``SHOW TABLES``, ``SHOW TABLE t``, ``SHOW INDEXES``,
    ``SHOW USERS``, ``SHOW LICENSE`` ...; ``subject`` is the upper-cased word after SHOW
    (any word parses), ``name`` the object name or None."""

    subject: str
    name: str = None


@dataclass(frozen=True)
class Describe(Statement):
    """``DESC name`` / ``DESCRIBE name``: the columns of a table or view."""

    name: str


@dataclass(frozen=True)
class Exec(Statement):
    """``EXEC procedure(args)``: ``EXEC TABLE_FLUSH(tag)``, ``EXEC ROLLUP_FORCE(r)``.

    ``procedure`` is upper case; ``args`` are expressions, so an object name arrives as a
    :class:`Column` whose ``name`` is the (canonical) object name.
    """

    procedure: str
    args: tuple = ()


@dataclass(frozen=True)
class Explain(Statement):
    """``EXPLAIN statement``: show the plan instead of running it."""

    statement: Statement
