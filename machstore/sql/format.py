"""Machbase SQL formatter: syntax tree -> canonical SQL text.

The canonical form is one line per statement: keywords and bare names in upper case,
names double-quoted only when they must be (lower case, odd characters, reserved words),
strings single-quoted (``''`` for a quote), operators spaced (``a = 1``, ``'a' || b``),
parentheses only where precedence needs them, ``<>`` for not-equal, ``AS`` before column
aliases but not before table aliases, ``LIMIT offset, count`` and the ``ROLLUP('sec', 3, t)``
function form. Parsing the output gives back an equal tree, and formatting is idempotent.
"""
import math
import re

from . import ast
from .parser import RESERVED

__all__ = ["format_sql", "quote_ident", "quote_string", "format_interval"]

_BARE = re.compile(r"[A-Z_][A-Z0-9_$]*\Z")
_BARE_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*\Z")

# Binding strength of each operator (higher binds tighter), matching the parser's levels.
_BINARY_PREC = {"OR": 1, "AND": 2, "=": 4, "<>": 4, "<": 4, "<=": 4, ">": 4, ">=": 4,
                "||": 5, "+": 6, "-": 6, "*": 7, "/": 7, "%": 7, "->": 9}
_PREDICATE = 4
_CONCAT_OPERAND = 5
_UNARY = 8
_PRIMARY = 10


def format_sql(node):
    """Return ``node`` (a statement, an expression, any node, or a list of statements) as SQL."""
    if isinstance(node, (list, tuple)):
        return ";\n".join(format_sql(n) for n in node)
    method = _FORMATTERS.get(type(node))
    if method is None:
        raise TypeError(f"cannot format {type(node).__name__}")
    return method(node)


def quote_ident(name):
    """Write a name bare if it reads back as itself (upper case, not reserved), else double-quoted
    (quotes doubled, a backslash doubled where the lexer would read it as an escape)."""
    if _BARE.match(name) and name not in RESERVED:
        return name
    name = re.sub(r'\\(?=[\\"]|\Z)', r"\\\\", name)
    return '"' + name.replace('"', '""') + '"'


def quote_string(text):
    """Single-quote a string; quotes doubled, a backslash doubled where the lexer would read it
    as an escape (before a quote, a backslash or the closing quote)."""
    text = re.sub(r"\\(?=[\\']|\Z)", r"\\\\", text)
    return "'" + text.replace("'", "''") + "'"


_INTERVAL_STEPS = (("w", 604_800_000_000_000), ("d", 86_400_000_000_000), ("h", 3_600_000_000_000),
                   ("m", 60_000_000_000), ("s", 1_000_000_000), ("ms", 1_000_000), ("us", 1_000), ("ns", 1))


def format_interval(ns):
    """Write nanoseconds as a relative time literal, largest units first (``1h30m``, ``-10s``)."""
    if ns == 0:
        return "0s"
    sign = "-" if ns < 0 else ""
    rest = abs(ns)
    out = []
    for unit, size in _INTERVAL_STEPS:
        count, rest = divmod(rest, size)
        if count:
            out.append(f"{count}{unit}")
    return sign + "".join(out)


# -- expressions ---------------------------------------------------------------------------

def _prec(node):
    if isinstance(node, ast.Binary):
        return _BINARY_PREC[node.op]
    if isinstance(node, ast.Unary):
        return 3 if node.op == "NOT" else _UNARY
    if isinstance(node, (ast.Between, ast.In, ast.Match, ast.IsNull, ast.Range)):
        return _PREDICATE
    if isinstance(node, ast.Num) and node.value < 0:
        return _UNARY
    if isinstance(node, ast.Interval) and node.ns < 0:
        return _UNARY
    return _PRIMARY


def _wrap(node, needed):
    text = format_sql(node)
    return f"({text})" if _prec(node) < needed else text


def _num(node):
    value = node.value
    if isinstance(value, float):
        if math.isinf(value):
            return "-1e999" if value < 0 else "1e999"
        return repr(value)
    return str(value)


def _binary(node):
    prec = _BINARY_PREC[node.op]
    return f"{_wrap(node.left, prec)} {node.op} {_wrap(node.right, prec + 1)}"


def _unary(node):
    if node.op == "NOT":
        return "NOT " + _wrap(node.operand, 3)
    operand = _wrap(node.operand, _UNARY)
    return ("- " if operand.startswith("-") else "-") + operand


def _column(node):
    if node.table is not None:
        return f"{quote_ident(node.table)}.{quote_ident(node.name)}"
    return quote_ident(node.name)


def _star(node):
    return f"{quote_ident(node.table)}.*" if node.table is not None else "*"


def _call(node):
    if not node.args and node.name in ("NOW", "SYSDATE"):
        return node.name
    inside = ", ".join(format_sql(a) for a in node.args)
    if node.distinct:
        inside = "DISTINCT " + inside
    if node.order_by:
        inside += " ORDER BY " + ", ".join(format_sql(o) for o in node.order_by)
    if node.separator is not None:
        inside += " SEPARATOR " + format_sql(node.separator)
    return f"{node.name}({inside})"


def _not(negated):
    return "NOT " if negated else ""


def _between(node):
    return (f"{_wrap(node.expr, _PREDICATE)} {_not(node.negated)}BETWEEN "
            f"{_wrap(node.low, _CONCAT_OPERAND)} AND {_wrap(node.high, _CONCAT_OPERAND)}")


def _in(node):
    if isinstance(node.items, ast.Subquery):
        items = format_sql(node.items)
    else:
        items = "(" + ", ".join(format_sql(i) for i in node.items) + ")"
    return f"{_wrap(node.expr, _PREDICATE)} {_not(node.negated)}IN {items}"


def _match(node):
    return f"{_wrap(node.expr, _PREDICATE)} {_not(node.negated)}{node.op} {_wrap(node.pattern, _CONCAT_OPERAND)}"


def _is_null(node):
    return f"{_wrap(node.expr, _PREDICATE)} IS {_not(node.negated)}NULL"


def _range(node):
    return f"{_wrap(node.expr, _PREDICATE)} RANGE {_time_span(node.span)}"


def _case(node):
    out = ["CASE"]
    if node.operand is not None:
        out.append(format_sql(node.operand))
    out.extend(format_sql(w) for w in node.whens)
    if node.else_ is not None:
        out.append("ELSE " + format_sql(node.else_))
    out.append("END")
    return " ".join(out)


def _when(node):
    return f"WHEN {format_sql(node.condition)} THEN {format_sql(node.result)}"


def _subquery(node):
    return f"({format_sql(node.query)})"


def _const(node):
    """A subquery's value, as the literal that reads back as it (bytes as hex text)."""
    value = node.value
    if value is None:
        return "NULL"
    if isinstance(value, (bytes, bytearray)):
        return quote_string(bytes(value).hex().upper())
    if isinstance(value, str):
        return quote_string(value)
    return _num(ast.Num(value))


# -- SELECT --------------------------------------------------------------------------------

def _hint_arg(arg):
    if isinstance(arg, int):
        return str(arg)
    return arg if _BARE.match(arg) else quote_string(arg)


def _hint(node):
    if not node.args:
        return node.name
    return f"{node.name}({', '.join(_hint_arg(a) for a in node.args)})"


def _select_item(node):
    text = format_sql(node.expr)
    if node.alias is not None:
        text += " AS " + quote_ident(node.alias)
    return text


def _alias(alias):
    return " " + quote_ident(alias) if alias is not None else ""


def _table(node):
    return quote_ident(node.name) + (" METADATA" if node.metadata else "") + _alias(node.alias)


def _derived_table(node):
    return f"({format_sql(node.query)})" + _alias(node.alias)


_JOIN_WORDS = {"INNER": "INNER JOIN", "LEFT": "LEFT OUTER JOIN", "RIGHT": "RIGHT OUTER JOIN"}


def _join(node):
    return f"{format_sql(node.left)} {_JOIN_WORDS[node.kind]} {format_sql(node.right)} ON {format_sql(node.on)}"


def _order_item(node):
    return format_sql(node.expr) + (" DESC" if node.descending else "")


def _time_span(node):
    return f"{node.amount} {node.unit}"


def _duration(node):
    if node.span is None:
        return f"DURATION FROM {format_sql(node.start)} TO {format_sql(node.end)}"
    text = f"DURATION {_time_span(node.span)}"
    if node.direction is not None:
        text += f" {node.direction} {_time_span(node.shift)}"
    return text


def _select(node):
    out = ["SELECT"]
    if node.hints:
        out.append("/*+ " + " ".join(_hint(h) for h in node.hints) + " */")
    if node.distinct:
        out.append("DISTINCT")
    out.append(", ".join(format_sql(t) for t in node.targets))
    if node.sources:
        out.append("FROM " + ", ".join(format_sql(s) for s in node.sources))
    if node.where is not None:
        out.append("WHERE " + format_sql(node.where))
    if node.duration is not None:
        out.append(_duration(node.duration))
    if node.group_by:
        out.append("GROUP BY " + ", ".join(format_sql(g) for g in node.group_by))
    if node.having is not None:
        out.append("HAVING " + format_sql(node.having))
    if node.order_by:
        out.append("ORDER BY " + ", ".join(format_sql(o) for o in node.order_by))
    if node.series_by is not None:
        out.append("SERIES BY " + format_sql(node.series_by))
    if node.limit is not None:
        out.append(f"LIMIT {node.offset}, {node.limit}" if node.offset else f"LIMIT {node.limit}")
    return " ".join(out)


def _union_all(node):
    return " UNION ALL ".join(format_sql(s) for s in node.selects)


# -- DML -----------------------------------------------------------------------------------

def _assignment(node):
    return f"{quote_ident(node.column)} = {format_sql(node.value)}"


def _names(names):
    return "(" + ", ".join(quote_ident(n) for n in names) + ")"


def _insert(node):
    out = ["INSERT INTO", quote_ident(node.table)]
    if node.metadata:
        out.append("METADATA")
    if node.columns:
        out.append(_names(node.columns))
    if node.select is not None:
        out.append(format_sql(node.select))
        return " ".join(out)
    out.append("VALUES (" + ", ".join(format_sql(v) for v in node.values) + ")")
    if node.on_duplicate:
        out.append("ON DUPLICATE KEY UPDATE")
        if node.on_duplicate_set:
            out.append("SET " + ", ".join(format_sql(a) for a in node.on_duplicate_set))
    return " ".join(out)


def _update(node):
    out = ["UPDATE", quote_ident(node.table)]
    if node.metadata:
        out.append("METADATA")
    out.append("SET " + ", ".join(format_sql(a) for a in node.assignments))
    if node.where is not None:
        out.append("WHERE " + format_sql(node.where))
    return " ".join(out)


def _delete(node):
    out = ["DELETE FROM", quote_ident(node.table)]
    if node.metadata:
        out.append("METADATA")
    elif node.rollup:
        out.append("ROLLUP")
    if node.where is not None:
        out.append("WHERE " + format_sql(node.where))
    if node.before is not None:
        out.append("BEFORE " + format_sql(node.before))
    if node.oldest_rows is not None:
        out.append(f"OLDEST {node.oldest_rows} ROWS")
    if node.except_rows is not None:
        out.append(f"EXCEPT {node.except_rows} ROWS")
    if node.except_span is not None:
        out.append("EXCEPT " + _time_span(node.except_span))
    if node.no_wait:
        out.append("NO WAIT")
    return " ".join(out)


# -- DDL and the rest ----------------------------------------------------------------------

def _column_type(node):
    return node.name + (f"({node.length})" if node.length is not None else "")


def _property(node):
    value = node.value
    if isinstance(value, ast.Column):
        text = value.name
    else:
        text = format_sql(value)
    return f"{node.name} = {text}{node.unit}"


def _column_def(node):
    out = [quote_ident(node.name), _column_type(node.type)]
    if node.primary_key:
        out.append("PRIMARY KEY")
    if node.basetime:
        out.append("BASETIME")
    if node.base_distance:
        out.append("BASE DISTANCE")
    if node.summarized:
        out.append("SUMMARIZED")
    if node.not_null:
        out.append("NOT NULL")
    if node.properties:
        out.append("PROPERTY(" + ", ".join(_property(p) for p in node.properties) + ")")
    return " ".join(out)


def _rollup_spec(node):
    return f"WITH ROLLUP ({node.unit})" + (" EXTENSION" if node.extension else "")


def _create_table(node):
    out = ["CREATE"]
    if node.kind != "LOG":
        out.append(node.kind)
    out.append("TABLE")
    if node.if_not_exists:
        out.append("IF NOT EXISTS")
    out.append(quote_ident(node.name))
    out.append("(" + ", ".join(_column_def(c) for c in node.columns) + ")")
    if node.metadata:
        out.append("METADATA (" + ", ".join(_column_def(c) for c in node.metadata) + ")")
    if node.rollup is not None:
        out.append(_rollup_spec(node.rollup))
    if node.properties:
        out.append(", ".join(_property(p) for p in node.properties))
    return " ".join(out)


def _drop_table(node):
    return f"DROP TABLE {quote_ident(node.name)}" + (" CASCADE" if node.cascade else "")


def _create_rollup(node):
    source = quote_ident(node.source)
    if node.column is not None:
        source += f"({quote_ident(node.column)})"
    text = f"CREATE ROLLUP {quote_ident(node.name)} ON {source} INTERVAL {node.interval} {node.unit}"
    if node.extension:
        text += " EXTENSION"
    if node.where is not None:
        text += " WHERE " + format_sql(node.where)
    return text


def _alter_rollup(node):
    text = f"ALTER ROLLUP {quote_ident(node.name)} {node.action}"
    if node.interval is not None:
        text += f" {node.interval} {node.unit}"
    return text


def _password(password):
    if _BARE_WORD.match(password) or password.isdigit():
        return password
    return quote_string(password)


def _identified(node):
    text = f"{quote_ident(node.name)} IDENTIFIED BY {_password(node.password)}"
    if node.policy is not None:
        text += f" PASSWORD POLICY {node.policy}"
    return text


def _show(node):
    return f"SHOW {node.subject}" + (f" {quote_ident(node.name)}" if node.name is not None else "")


def _exec(node):
    return f"EXEC {node.procedure}(" + ", ".join(format_sql(a) for a in node.args) + ")"


_FORMATTERS = {
    ast.Num: _num,
    ast.Str: lambda n: quote_string(n.value),
    ast.Null: lambda n: "NULL",
    ast.Interval: lambda n: format_interval(n.ns),
    ast.Param: lambda n: "?",
    ast.Column: _column,
    ast.Star: _star,
    ast.Unary: _unary,
    ast.Binary: _binary,
    ast.Call: _call,
    ast.Between: _between,
    ast.In: _in,
    ast.Match: _match,
    ast.IsNull: _is_null,
    ast.Range: _range,
    ast.Case: _case,
    ast.When: _when,
    ast.Subquery: _subquery,
    ast.Const: _const,
    ast.Hint: _hint,
    ast.SelectItem: _select_item,
    ast.Table: _table,
    ast.DerivedTable: _derived_table,
    ast.Join: _join,
    ast.OrderItem: _order_item,
    ast.TimeSpan: _time_span,
    ast.Duration: _duration,
    ast.Select: _select,
    ast.UnionAll: _union_all,
    ast.Assignment: _assignment,
    ast.Insert: _insert,
    ast.Update: _update,
    ast.Delete: _delete,
    ast.ColumnType: _column_type,
    ast.Property: _property,
    ast.ColumnDef: _column_def,
    ast.RollupSpec: _rollup_spec,
    ast.CreateTable: _create_table,
    ast.DropTable: _drop_table,
    ast.TruncateTable: lambda n: f"TRUNCATE TABLE {quote_ident(n.name)}",
    ast.CreateRollup: _create_rollup,
    ast.DropRollup: lambda n: f"DROP ROLLUP {quote_ident(n.name)}",
    ast.AlterRollup: _alter_rollup,
    ast.CreateUser: lambda n: "CREATE USER " + _identified(n),
    ast.AlterUser: lambda n: "ALTER USER " + _identified(n),
    ast.DropUser: lambda n: f"DROP USER {quote_ident(n.name)}",
    ast.Show: _show,
    ast.Describe: lambda n: f"DESC {quote_ident(n.name)}",
    ast.Exec: _exec,
    ast.Explain: lambda n: "EXPLAIN " + format_sql(n.statement),
}
