"""Answer per-tag (or whole-table) lifetime aggregates of a tag table from its stats records.

``SELECT name, COUNT(*), AVG(value), MIN(value), MAX(value) FROM tag GROUP BY name`` and
``SELECT COUNT(*), MAX(value) FROM tag [WHERE name IN (...)]`` need no rows: the engine
keeps per-tag count, sum, min/max, first/last and time range (``Engine.tag_stats``), so
the grouped frame costs one record per tag however many rows there are.  Used when the
WHERE clause only names tags and every target is the tag name or COUNT / SUM / MIN / MAX /
AVG / FIRST / LAST of the summarized value (or MIN / MAX / COUNT of the time); anything
else returns None and the query runs the ordinary way.
"""
import numpy as np

from machstore.storage.tagstats import total_of

from . import ast
from .expr import AGGREGATES, DATETIME, DOUBLE, LONG, Frame, Val, aggregate_calls
from .planning import column_type, columns_only_in_aggregates, conjuncts, simple_term, tag_table_source


def stats_frame(engine, stmt, targets, session):
    """Return the grouped Frame of a lifetime-aggregate SELECT on a tag table, or None."""
    if stmt.distinct or len(stmt.group_by) > 1 or any(isinstance(i.expr, ast.Star) for i in targets):
        return None
    tdef = tag_table_source(engine, stmt)
    if tdef is None:
        return None
    key_col = ast.Column(tdef.key)
    grouped = bool(stmt.group_by)
    if grouped and not (isinstance(stmt.group_by[0], ast.Column) and stmt.group_by[0].name == tdef.key):
        return None
    calls = []
    for item in targets:
        is_key = isinstance(item.expr, ast.Column) and item.expr.name == tdef.key and item.expr.table is None
        if is_key and grouped:
            continue
        if not columns_only_in_aggregates(item.expr):
            return None
        aggregate_calls(item.expr, calls)
    for extra in ([stmt.having] if stmt.having is not None else []) + [o.expr for o in stmt.order_by]:
        aggregate_calls(extra, calls)
    value, time_col = tdef.value_columns()[0].name, tdef.time
    fields = [_field(c, value, time_col) for c in calls]
    if any(f is None for f in fields) or not calls:
        return None
    tags = _tags(stmt.where, tdef, session)
    if tags is False:
        return None
    rows = [r for r in engine.tag_stats(tdef.name, tags) if r["ROW_COUNT"]]
    if not grouped:
        rows = [total_of(rows)]
    out = Frame(len(rows), session=session)
    if grouped:
        names = np.array([r[tdef.key] for r in rows], dtype=object)
        out.columns[tdef.key] = out.computed[key_col] = Val(column_type(tdef.column(tdef.key)), names)
    vtype = column_type(tdef.value_columns()[0])
    for call, field in zip(calls, fields):
        out.computed[call] = _column(rows, field, vtype)
    return out


def _field(call, value, time_col):
    """The stats field an aggregate call reads, or None when stats cannot answer it."""
    if call.name not in AGGREGATES or call.distinct:
        return None
    args = call.args
    if call.name == "COUNT" and len(args) == 1:
        if isinstance(args[0], ast.Star) or (isinstance(args[0], ast.Column) and args[0].name == time_col):
            return "ROW_COUNT"
        if isinstance(args[0], ast.Column) and args[0].name == value:
            return "VALUE_COUNT"
        return None
    if call.name in ("FIRST", "LAST"):
        ok = len(args) == 2 and all(isinstance(a, ast.Column) for a in args) and args[0].name == time_col \
            and args[1].name == value
        return f"{call.name}_VALUE" if ok else None
    if len(args) != 1 or not isinstance(args[0], ast.Column):
        return None
    name = args[0].name
    if name == time_col and call.name in ("MIN", "MAX"):
        return f"{call.name}_TIME"
    if name != value:
        return None
    return {"SUM": "VALUE_SUM", "MIN": "MIN_VALUE", "MAX": "MAX_VALUE", "AVG": "AVG"}.get(call.name)


def _tags(where, tdef, session):
    """Tag names the WHERE clause keeps (None: all), or False if it says anything else."""
    tags = None
    if where is None:
        return tags
    for term in conjuncts(where):
        col, op, value = simple_term(term, session)
        if col != tdef.key or op not in ("=", "IN"):
            return False
        names = value if op == "IN" else [value]
        if not all(isinstance(v, str) for v in names):
            return False
        tags = list(names) if tags is None else [t for t in tags if t in names]
    return tags


def _column(rows, field, vtype):
    n = len(rows)
    if field == "AVG":
        counts = np.array([r["VALUE_COUNT"] for r in rows], dtype=np.int64)
        sums = np.array([r["VALUE_SUM"] for r in rows], dtype=np.float64)
        return Val(DOUBLE, sums / np.where(counts == 0, 1, counts), counts == 0 if (counts == 0).any() else None)
    raw = [r[field] for r in rows]
    nulls = np.array([v is None for v in raw], dtype=bool)
    filled = [0 if v is None else v for v in raw]
    if field in ("ROW_COUNT", "VALUE_COUNT"):
        return Val(LONG, np.array(filled, dtype=np.int64))
    if field in ("MIN_TIME", "MAX_TIME"):
        return Val(DATETIME, np.array(filled, dtype=np.int64), nulls if nulls.any() else None)
    if field == "VALUE_SUM":
        return Val(DOUBLE, np.array(filled, dtype=np.float64), (nulls | np.array(
            [r["VALUE_COUNT"] == 0 for r in rows], dtype=bool)) if n else None)
    values = np.array(filled, dtype=np.float64)
    if vtype.is_integer:
        return Val(vtype, np.rint(values).astype(np.int64), nulls if nulls.any() else None)
    return Val(vtype, values, nulls if nulls.any() else None)
