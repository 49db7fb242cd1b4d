"""Answer ``SELECT ROLLUP('unit', n, time) t, SUM(value) ... GROUP BY t`` from rollups.

When a SELECT groups a tag table by one ``ROLLUP(unit, n, <basetime>)`` expression, its
WHERE clause only names tags (``name = / IN``) and bounds the time with constants, and its
other targets are SUM / COUNT / MIN / MAX / AVG / SUMSQ / FIRST / LAST of the summarized
value column (COUNT(*) too when the tags never stored a NULL value), the grouped frame comes from ``Engine.bucket_stats`` (rollup records plus the
rows not yet compacted) instead of a scan: the Cython rollup kernels, no per-row Python.
As Machbase's rollup tables do, time conditions then select whole buckets.  Anything else
returns None and the query runs the ordinary way.
"""
import numpy as np

from . import ast
from .expr import AGGREGATES, DATETIME, DOUBLE, LONG, NS, Frame, Val, aggregate_calls
from .planning import column_type, columns_only_in_aggregates, conjuncts, simple_term, tag_table_source, time_bounds

_FROM_STATS = {"SUM": "sum", "MIN": "min", "MAX": "max", "SUMSQ": "sumsq", "FIRST": "first", "LAST": "last"}


def rollup_frame(engine, stmt, targets, session):
    """Return the grouped Frame for a rollup-shaped SELECT, or None if it is not one."""
    if len(stmt.group_by) != 1 or stmt.distinct:
        return None
    tdef = tag_table_source(engine, stmt)
    if tdef is None:
        return None
    key = _group_key(stmt.group_by[0], targets)
    bucket_ns = _bucket_ns(key, tdef, session)
    if bucket_ns is None:
        return None
    value = tdef.value_columns()[0].name
    calls = []
    for item in targets:
        if item.expr != key:
            if not columns_only_in_aggregates(item.expr):
                return None
            aggregate_calls(item.expr, calls)
    for extra in ([stmt.having] if stmt.having is not None else []) + [o.expr for o in stmt.order_by]:
        aggregate_calls(extra, calls)
    if not all(_supported(c, value, tdef.time) for c in calls):
        return None
    bounds = _where_bounds(stmt.where, tdef, session)
    if bounds is None:
        return None
    tags, start, end = bounds
    if any(_is_count_star(c) for c in calls):
        # rollups count valued rows; COUNT(*) equals that when these tags never stored a NULL value
        if any(st["ROW_COUNT"] != st["VALUE_COUNT"] for st in engine.tag_stats(tdef.name, tags)):
            return None
    if start is None or end is None:
        stats = engine.tag_stats(tdef.name, tags)
        times = [s["MIN_TIME"] for s in stats if s["MIN_TIME"] is not None]
        if not times:
            return Frame(0, session=session)
        start = min(times) if start is None else start
        end = max(s["MAX_TIME"] for s in stats if s["MAX_TIME"] is not None) if end is None else end
    stats = engine.bucket_stats(tdef.name, tags, start, end, bucket_ns)
    n = len(stats["time"])
    out = Frame(n, session=session)
    out.computed[key] = Val(DATETIME, stats["time"].astype(np.int64))
    for item in targets:
        if item.expr == key and item.alias:
            out.columns[item.alias] = out.computed[key]
    vtype = column_type(tdef.value_columns()[0])
    for call in calls:
        out.computed[call] = _value(call, stats, vtype)
    return out


def _group_key(node, targets):
    if isinstance(node, ast.Column) and node.table is None:
        for item in targets:
            if item.alias == node.name:
                return item.expr
    if isinstance(node, ast.Num) and isinstance(node.value, int) and 1 <= node.value <= len(targets):
        return targets[node.value - 1].expr
    return node


def _bucket_ns(key, tdef, session):
    if not (isinstance(key, ast.Call) and key.name == "ROLLUP" and len(key.args) == 3):
        return None
    unit, n, col = key.args
    if not (isinstance(unit, ast.Str) and isinstance(n, ast.Num) and isinstance(n.value, int) and n.value > 0
            and isinstance(col, ast.Column) and col.name == tdef.time):
        return None
    name = unit.value.upper()
    name = name[:-1] if name.endswith("S") and name[:-1] in NS else name
    step = NS.get(name)
    if step is None or step >= NS["DAY"]:  # day and longer buckets follow the local calendar
        return None
    if step * n.value > 2**63 - 1:  # wider than the engine's int64 buckets: the ROLLUP call says so (2036)
        return None
    return step * n.value


def _is_count_star(call):
    return call.name == "COUNT" and len(call.args) == 1 and isinstance(call.args[0], ast.Star)


def _supported(call, value, time_col):
    if call.name not in AGGREGATES or call.distinct:
        return False
    if _is_count_star(call):
        return True
    if call.name in ("FIRST", "LAST"):
        return len(call.args) == 2 and isinstance(call.args[0], ast.Column) and call.args[0].name == time_col \
            and isinstance(call.args[1], ast.Column) and call.args[1].name == value
    if call.name not in ("SUM", "COUNT", "MIN", "MAX", "AVG", "SUMSQ"):
        return False
    return len(call.args) == 1 and isinstance(call.args[0], ast.Column) and call.args[0].name == value


def _where_bounds(where, tdef, session):
    tags, start, end = None, None, None
    if where is None:
        return tags, start, end
    for term in conjuncts(where):
        col, op, value = simple_term(term, session)
        if col == tdef.key and op in ("=", "IN"):
            names = value if op == "IN" else [value]
            if not all(isinstance(v, str) for v in names):
                return None
            tags = list(names) if tags is None else [t for t in tags if t in names]
        elif col == tdef.time and value is not None:
            lo, hi = time_bounds(op, value, session)
            if lo is None and hi is None:
                return None
            start = lo if lo is not None and (start is None or lo > start) else start
            end = hi if hi is not None and (end is None or hi < end) else end
        else:
            return None
    return tags, start, end


def _value(call, stats, vtype):
    count = stats["count"]
    if call.name == "COUNT":
        return Val(LONG, count.astype(np.int64))
    if call.name == "AVG":
        return Val(DOUBLE, stats["sum"] / np.where(count == 0, 1, count))
    values = stats[_FROM_STATS[call.name]]
    if call.name in ("SUM", "SUMSQ"):
        return Val(DOUBLE, values.astype(np.float64))
    if vtype.is_integer:
        return Val(vtype, np.rint(values).astype(np.int64))
    return Val(vtype, values.astype(np.float64))



