"""SELECT: plan the source scan, then filter, group, aggregate, order and cut, all vectorised.

Plan: the FROM source becomes a Frame of typed numpy columns.  For a tag table the
WHERE clause's ``name = / IN`` and time comparisons with constants are pushed into the
scan (series index and block pruning), ``SCAN_BACKWARD`` reverses it, and a bare LIMIT
stops it early; the full WHERE is still applied afterwards, so pushdown only ever
narrows what is read.  Aggregates are computed per group with sorted reductions, then
the select list, HAVING and ORDER BY are evaluated over the grouped frame.
"""
import numpy as np
import pyarrow as pa

from machstore import errors as engine_errors
from machstore.machbase import types as mt
from machstore.machbase.errors import error
from machstore.storage import fieldtypes as ft
from machstore.storage.tables import ARRIVAL_TIME, LOG, LOOKUP, RID, TAG, VOLATILE

from . import ast, subqueries
from .expr import BOOL, DATETIME, DOUBLE, LONG, Frame, Val, aggregate_calls, condition, contains_aggregate, evaluate
from .planning import column_type, conjuncts, simple_term, time_bounds
from .rollup_plan import rollup_frame
from .session import OutColumn, Result
from .stats_plan import stats_frame

TABLE_TYPE_CODES = {LOG: 0, VOLATILE: 3, LOOKUP: 4, TAG: 6}
MAX_ROWS = 2**63 - 1  # a LIMIT handed to a scan is capped here (the parser takes any integer)
INTEGER, VARCHAR = mt.lookup("integer"), mt.lookup


def run_select(engine, stmt, session, text=""):
    if not isinstance(stmt, ast.Select):  # UNION ALL
        raise error(1006)
    stmt = subqueries.resolve(stmt, lambda query: run_select(engine, query, session, text))
    grouped = bool(stmt.group_by) or any(contains_aggregate(i.expr) for i in stmt.targets) or \
        (stmt.having is not None)
    frame = None
    if grouped:  # answered from rollups or per-tag stats records when the query allows
        frame = (rollup_frame(engine, stmt, stmt.targets, session) if stmt.group_by else None) or \
            stats_frame(engine, stmt, stmt.targets, session)
    if frame is not None:  # already grouped
        targets = list(stmt.targets)
        bind_aliases(frame, targets, set())
    else:
        frame, star = _source(engine, stmt, session, text)
        if stmt.where is not None:
            frame = frame.take(condition(stmt.where, frame))
        targets = _expand(stmt.targets, star)
        if grouped:
            frame = _group(frame, stmt, targets)
    if grouped and stmt.having is not None:
        frame = frame.take(condition(stmt.having, frame))
    names = [_label(item) for item in targets]
    outs = [evaluate(item.expr, frame) for item in targets]
    n = frame.n
    cols = []
    for name, v in zip(names, outs):
        values, nulls = v.array(n)
        mtype = v.mtype
        if mtype is BOOL:
            values, mtype = np.asarray(values, dtype=np.int64), LONG
        cols.append(OutColumn(name, mtype, values, nulls if nulls is not None and nulls.any() else None))
    if stmt.distinct:
        keep = _first_of_each(cols)
        cols = [_take(c, keep) for c in cols]
        frame = frame.take(keep)
    if stmt.order_by:
        order = _order(stmt.order_by, cols, frame, names)
        cols = [_take(c, order) for c in cols]
    if stmt.offset or stmt.limit is not None:
        stop = None if stmt.limit is None else stmt.offset + stmt.limit
        cut = slice(stmt.offset, stop)
        cols = [OutColumn(c.name, c.mtype, c.values[cut], None if c.nulls is None else c.nulls[cut]) for c in cols]
    return Result(columns=cols)


def _label(item):
    if item.alias:
        return item.alias
    if isinstance(item.expr, ast.Column):
        return item.expr.name
    return (item.text or str(item.expr)).upper()


def _expand(targets, star):
    out = []
    for item in targets:
        if isinstance(item.expr, ast.Star):
            out.extend(ast.SelectItem(ast.Column(name), None) for name in star)
        else:
            out.append(item)
    return out


def _take(col, idx):
    return OutColumn(col.name, col.mtype, col.values[idx], None if col.nulls is None else col.nulls[idx])


# -- sources -------------------------------------------------------------------------------

def _source(engine, stmt, session, text):
    """Return ``(Frame, names that * expands to)``."""
    if not stmt.sources:
        return Frame(1, session=session), []
    if len(stmt.sources) > 1 or isinstance(stmt.sources[0], ast.Join):
        raise error(2010, "JOIN")
    src = stmt.sources[0]
    if isinstance(src, ast.DerivedTable):
        sub = run_select(engine, src.query, session, text)
        frame = Frame(sub.row_count, session=session, aliases=(src.alias,) if src.alias else ())
        for c in sub.columns:
            frame.columns[c.name] = Val(c.mtype, c.values, c.nulls)
        return frame, [c.name for c in sub.columns]
    aliases = tuple(a for a in (src.alias, src.name) if a)
    name = src.name
    virtual = _virtual(engine, name, session, text, src.metadata)
    if virtual is not None:
        names, table = virtual
        return _frame_of(table, names, session, aliases), [n for n, _ in names]
    try:
        tdef = engine.get_table(name)
    except engine_errors.TableNotFound:
        raise error(2025, name) from None
    types = [(c.name, column_type(c)) for c in tdef.columns]
    kw = _pushdown(stmt, tdef, session)
    hidden = tdef.kind == LOG
    table = engine.scan_table(name, hidden=hidden, **kw)
    if hidden:
        types += [(ARRIVAL_TIME, DATETIME), (RID, LONG)]
    return _frame_of(table, types, session, aliases), [c.name for c in tdef.columns]


def _frame_of(table, types, session, aliases):
    frame = Frame(table.num_rows, session=session, aliases=aliases)
    for (name, mtype), arr in zip(types, table.columns):
        frame.columns[name] = _val(mtype, arr)
    return frame


def _val(mtype, arr):
    arr = arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr
    nulls = arr.is_null().to_numpy(zero_copy_only=False) if arr.null_count else None
    if pa.types.is_string(arr.type) or pa.types.is_binary(arr.type) or pa.types.is_null(arr.type):
        values = arr.to_numpy(zero_copy_only=False)
        if values.dtype != object:
            values = values.astype(object)
    else:
        values = (arr.fill_null(0) if arr.null_count else arr).to_numpy(zero_copy_only=False)
    return Val(mtype, values, nulls)


def _pushdown(stmt, tdef, session):
    """Scan arguments a tag/log table scan can take from the WHERE clause, hints and LIMIT."""
    kw = {}
    if any(h.name == "SCAN_BACKWARD" for h in stmt.hints):
        kw["reverse"] = True
    simple = (stmt.where is None and not stmt.group_by and not stmt.order_by and not stmt.distinct
              and stmt.having is None and not any(contains_aggregate(i.expr) for i in stmt.targets))
    if simple and stmt.limit is not None:
        kw["limit"] = min(stmt.offset + stmt.limit, MAX_ROWS)
    if tdef.kind != TAG or stmt.where is None:
        return kw
    tags, start, end = None, None, None
    for term in conjuncts(stmt.where):
        col, op, value = simple_term(term, session)
        if col == tdef.key:
            if op == "=" and isinstance(value, str):
                tags = [value] if tags is None else [t for t in tags if t == value]
            elif op == "IN" and all(isinstance(v, str) for v in value):
                tags = list(value) if tags is None else [t for t in tags if t in value]
        elif col == tdef.time and value is not None:
            lo, hi = time_bounds(op, value, session)
            if lo is not None:
                start = lo if start is None else max(start, lo)
            if hi is not None:
                end = hi if end is None else min(end, hi)
    if tags is not None:
        kw["tags"] = tags
    if start is not None:
        kw["start"] = start
    if end is not None:
        kw["end"] = end
    return kw


# -- virtual tables ------------------------------------------------------------------------

def _virtual(engine, name, session, text, metadata):
    """Rows of a meta/virtual table as ``(names and types, pyarrow Table)``, or None."""
    upper = name.upper()
    if metadata or (upper.startswith("_") and upper.endswith("_META")):
        tname = name if metadata else upper[1:-5]
        try:
            tdef = engine.get_table(tname)
        except engine_errors.TableNotFound:
            raise error(2025, name) from None
        if tdef.kind != TAG:
            raise error(2676)
        rows = engine.tag_metadata(tname)
        types = [("_ID", LONG), (tdef.key, column_type(tdef.column(tdef.key)))] + \
            [(c.name, column_type(c)) for c in tdef.metadata]
        return types, _table_of(types, [[r.get(n) for n, _ in types] for r in rows])
    if upper.startswith("V$") and upper.endswith("_STAT"):
        return _tag_stat(engine, upper[2:-5])
    fn = _VIRTUAL.get(upper)
    if fn is None:
        return None
    types, rows = fn(engine, session, text)
    return types, _table_of(types, rows)


def _table_of(types, rows):
    cols = list(zip(*rows)) if rows else [() for _ in types]
    arrays = []
    for (_, mtype), values in zip(types, cols):
        arrays.append(pa.array(list(values), type=_ARROW[mtype.storage]))
    return pa.Table.from_arrays(arrays, names=[n for n, _ in types])


_ARROW = {ft.FLOAT: pa.float64(), ft.INTEGER: pa.int64(), ft.UNSIGNED: pa.uint64(), ft.STRING: pa.string(),
          ft.BOOLEAN: pa.bool_(), ft.BINARY: pa.binary()}


def _v_stmt(engine, session, text):
    types = [("ID", INTEGER), ("SESS_ID", INTEGER), ("STATE", VARCHAR("varchar(64)")), ("RECORD_SIZE", INTEGER),
             ("QUERY", VARCHAR("varchar(32767)"))]
    return types, [[0, session.session_id, "Fetch prepared", 0, text]]


def _sys_tables(engine, session, text):
    types = [("NAME", VARCHAR("varchar(128)")), ("TYPE", INTEGER), ("DATABASE_ID", LONG), ("ID", LONG),
             ("USER_ID", INTEGER), ("COLCOUNT", INTEGER), ("FLAG", INTEGER)]
    rows = [[t.name, TABLE_TYPE_CODES[t.kind], -1, t.space_id, 1, len(t.columns), 0] for t in engine.list_tables()]
    return types, rows


_FLAGS = {"primary_key": 0x08000000, "basetime": 0x01000000, "summarized": 0x02000000}


def _sys_columns(engine, session, text):
    types = [("NAME", VARCHAR("varchar(128)")), ("TYPE", INTEGER), ("DATABASE_ID", LONG), ("ID", LONG),
             ("LENGTH", LONG), ("TABLE_ID", LONG), ("FLAG", INTEGER)]
    rows = []
    for t in engine.list_tables():
        for i, c in enumerate(t.columns):
            mtype = column_type(c)
            flag = sum(bit for key, bit in _FLAGS.items() if c.spec.get(key))
            rows.append([c.name, mtype.code, -1, i, mtype.length, t.space_id, flag])
        for i, c in enumerate(t.metadata):
            mtype = column_type(c)
            rows.append([c.name, mtype.code, -1, len(t.columns) + i, mtype.length, t.space_id, 0x04000000])
    return types, rows


def all_users(engine):
    """Machbase users: the stored ones, and SYS (MANAGER) until it is given a password."""
    from machstore.machbase.auth import DEFAULT_USER
    users = engine.list_users()
    return users if DEFAULT_USER in users else [DEFAULT_USER] + users


def _sys_users(engine, session, text):
    types = [("USER_ID", INTEGER), ("NAME", VARCHAR("varchar(128)"))]
    return types, [[i + 1, u] for i, u in enumerate(all_users(engine))]


def _v_rollup(engine, session, text):
    types = [("ROLLUP_TABLE", VARCHAR("varchar(128)")), ("SOURCE_TABLE", VARCHAR("varchar(128)")),
             ("SOURCE_COLUMN", VARCHAR("varchar(128)")), ("INTERVAL_TIME", LONG), ("EXTENSION", INTEGER),
             ("STATE", VARCHAR("varchar(16)"))]
    rows = [[r["name"].upper(), r["source"].upper() if r.get("source") else r["table"], r["column"],
             r["interval_ns"] // 10**9, int(bool(r.get("extension"))), r.get("state", "START")]
            for r in engine.list_rollups()]
    return types, rows


_VIRTUAL = {"V$ROLLUP": _v_rollup, "V$STMT": _v_stmt, "M$SYS_TABLES": _sys_tables, "V$TABLES": _sys_tables,
            "M$SYS_COLUMNS": _sys_columns, "V$COLUMNS": _sys_columns, "M$SYS_USERS": _sys_users}


def _tag_stat(engine, tname):
    """``v$<tag>_stat``: per-tag row count, time range, min/max value (with times) and newest row."""
    try:
        tdef = engine.get_table(tname)
    except engine_errors.TableNotFound:
        raise error(2025, f"V${tname}_STAT") from None
    if tdef.kind != TAG or not tdef.value_columns():
        raise error(3128, tname)
    value = tdef.value_columns()[0]
    vtype = column_type(value)
    types = [("NAME", column_type(tdef.column(tdef.key))), ("ROW_COUNT", LONG), ("MIN_TIME", DATETIME),
             ("MAX_TIME", DATETIME), ("MIN_VALUE", vtype), ("MIN_VALUE_TIME", DATETIME), ("MAX_VALUE", vtype),
             ("MAX_VALUE_TIME", DATETIME), ("RECENT_ROW_TIME", DATETIME)]
    rows = [[st[tdef.key], st["ROW_COUNT"], st["MIN_TIME"], st["MAX_TIME"], st["MIN_VALUE"], st["MIN_VALUE_TIME"],
             st["MAX_VALUE"], st["MAX_VALUE_TIME"], st["LAST_VALUE_TIME"] if st["ROW_COUNT"] else None]
            for st in engine.tag_stats(tname)]
    for row in rows:  # RECENT_ROW_TIME: the newest row, valued or not
        if row[1]:
            row[8] = row[3]
    return types, _table_of(types, rows)


# -- grouping and aggregates -----------------------------------------------------------------

def _codes(v, n, *, ordered=False):
    """Integer codes of a column's values (NULL: 0); ``ordered`` makes them follow value order."""
    values, nulls = v.array(n)
    if values.dtype == object and not ordered:
        # PERF: pyarrow's hash-based dictionary encoding beats sorting Python objects
        try:
            encoded = pa.array(values, from_pandas=True).dictionary_encode()
            inv = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64) + 1
            if nulls is not None:
                inv[nulls] = 0
            return inv
        except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
            pass  # values pyarrow cannot hold (mixed kinds): sort their texts below
    if values.dtype == object:
        values = np.array(["" if x is None else str(x) for x in values], dtype=object)
    _, inv = np.unique(values, return_inverse=True)
    inv = inv.astype(np.int64) + 1
    if nulls is not None:
        inv[nulls] = 0
    return inv


def _group(frame, stmt, targets):
    n = frame.n
    alias_exprs = {item.alias: item.expr for item in targets if item.alias}
    keys = []
    for g in stmt.group_by:
        if isinstance(g, ast.Column) and g.table is None and g.name in alias_exprs and g.name not in frame.columns:
            g = alias_exprs[g.name]
        elif isinstance(g, ast.Num) and isinstance(g.value, int) and 1 <= g.value <= len(targets):
            g = targets[g.value - 1].expr
        keys.append(g)
    calls = []
    for item in targets:
        aggregate_calls(item.expr, calls)
    if stmt.having is not None:
        aggregate_calls(stmt.having, calls)
    for o in stmt.order_by:
        aggregate_calls(o.expr, calls)
    key_vals = [evaluate(k, frame) for k in keys]
    if keys:
        codes = np.stack([_codes(v, n) for v in key_vals]) if n else np.zeros((len(keys), 0), dtype=np.int64)
        if n:
            _, first, gid = np.unique(codes.T, axis=0, return_index=True, return_inverse=True)
            gid = gid.reshape(-1)
            # groups in order of first appearance (as a scan would meet them)
            rank = np.empty(first.size, dtype=np.int64)
            rank[np.argsort(first, kind="stable")] = np.arange(first.size)
            gid, first = rank[gid], np.sort(first)
        else:
            gid, first = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        n_groups = first.size
    else:
        gid, first, n_groups = np.zeros(n, dtype=np.int64), np.zeros(1 if n else 0, dtype=np.int64), 1
    out = Frame(n_groups, session=frame.session, aliases=frame.aliases)
    for k, v in zip(keys, key_vals):
        kv = _at(v, first, n_groups, frame.n)
        out.computed[k] = kv
        if isinstance(k, ast.Column):
            out.columns[k.name] = kv
    # non-aggregated columns: the value of the group's first row (lenient; Machbase requires GROUP BY)
    for name, v in frame.columns.items():
        out.columns.setdefault(name, _at(v, first, n_groups, frame.n))
    for call in calls:
        out.computed[call] = _aggregate(call, frame, gid, n_groups)
    bind_aliases(out, targets, set(frame.columns))
    return out


def bind_aliases(frame, targets, source_columns):
    """Make select-list aliases visible to HAVING and ORDER BY (source columns keep their names)."""
    for item in targets:
        if item.alias and item.alias not in source_columns and item.alias not in frame.columns:
            frame.columns[item.alias] = evaluate(item.expr, frame)


def _at(v, idx, n_groups, n):
    if v.scalar:
        return v
    if n == 0:  # no rows: one all-NULL group (an aggregate without GROUP BY over nothing)
        values = np.zeros(n_groups, dtype=v.values.dtype) if v.values.dtype != object else \
            np.empty(n_groups, dtype=object)
        return Val(v.mtype, values, np.ones(n_groups, dtype=bool))
    return Val(v.mtype, v.values[idx], None if v.nulls is None else v.nulls[idx])


def _aggregate(call, frame, gid, n_groups):
    name, n = call.name, frame.n
    if name == "COUNT":
        if call.args and isinstance(call.args[0], ast.Star):
            return Val(LONG, np.bincount(gid, minlength=n_groups).astype(np.int64))
        v = evaluate(call.args[0], frame)
        valid = ~v.null_mask(n)
        if call.distinct:
            codes = _codes(v, n)
            pairs = np.unique(np.stack([gid[valid], codes[valid]]), axis=1) if valid.any() else np.zeros((2, 0), int)
            return Val(LONG, np.bincount(pairs[0], minlength=n_groups).astype(np.int64))
        return Val(LONG, np.bincount(gid[valid], minlength=n_groups).astype(np.int64))
    if name in ("FIRST", "LAST"):
        if len(call.args) != 2:
            raise error(2010, name)
        t, v = evaluate(call.args[0], frame), evaluate(call.args[1], frame)
        tv, _ = t.array(n)
        if tv.dtype.kind not in "biuf":
            tv = _codes(t, n, ordered=True)
        valid = ~t.null_mask(n) & ~v.null_mask(n)  # like every aggregate, NULL values are skipped
        idx = np.flatnonzero(valid)
        order = idx[np.lexsort((tv[idx], gid[idx]))]
        g = gid[order]
        pick = np.ones(order.size, dtype=bool)
        if name == "FIRST":
            pick[1:] = g[1:] != g[:-1]
        else:
            pick[:-1] = g[1:] != g[:-1]
        rows, groups = order[pick], g[pick]
        values, nulls = v.array(n)
        out = np.zeros(n_groups, dtype=values.dtype) if values.dtype != object else np.empty(n_groups, dtype=object)
        has = np.zeros(n_groups, dtype=bool)
        out[groups] = values[rows]
        has[groups] = True if nulls is None else ~nulls[rows]
        return Val(v.mtype, out, ~has if not has.all() else None)
    if not call.args:
        raise error(2010, name)
    v = evaluate(call.args[0], frame)
    values, nulls = v.array(n)
    valid = np.ones(n, dtype=bool) if nulls is None else ~nulls
    idx = np.flatnonzero(valid)
    g = gid[idx]
    counts = np.bincount(g, minlength=n_groups)
    empty = counts == 0
    if name in ("MIN", "MAX") and values.dtype == object:
        out = np.empty(n_groups, dtype=object)
        for gi, x in zip(g.tolist(), values[idx].tolist()):
            cur = out[gi]
            if cur is None or (x < cur if name == "MIN" else x > cur):
                out[gi] = x
        return Val(v.mtype, out, empty if empty.any() else None)
    if values.dtype == object:
        raise error(2037, name)
    x = values[idx]
    if name in ("MIN", "MAX"):
        order = np.argsort(g, kind="stable")
        gs, xs = g[order], x[order]
        out = np.zeros(n_groups, dtype=values.dtype)
        if gs.size:
            starts = np.flatnonzero(np.concatenate(([True], gs[1:] != gs[:-1])))
            red = (np.minimum if name == "MIN" else np.maximum).reduceat(xs, starts)
            out[gs[starts]] = red
        return Val(v.mtype, out, empty if empty.any() else None)
    xf = x.astype(np.float64)
    sums = np.bincount(g, weights=xf, minlength=n_groups)
    if name == "SUM":
        integer = v.mtype is not None and v.mtype.is_integer
        out = np.bincount(g, weights=x, minlength=n_groups).astype(np.int64) if integer and x.size and \
            np.abs(x).max() < 2**52 else sums
        return Val(LONG if integer else DOUBLE, out, empty if empty.any() else None)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = sums / np.where(empty, 1, counts)
        if name == "AVG":
            return Val(DOUBLE, mean, empty if empty.any() else None)
        sq = np.bincount(g, weights=xf * xf, minlength=n_groups)
        if name == "SUMSQ":
            return Val(DOUBLE, sq, empty if empty.any() else None)
        dev = np.bincount(g, weights=(xf - mean[g]) ** 2, minlength=n_groups)
        ddof = 0 if name in ("STDDEV_POP", "VAR_POP") else 1
        denom = counts - ddof
        var = dev / np.where(denom <= 0, 1, denom)
        bad = empty | (denom <= 0)
        out = np.sqrt(var) if name.startswith("STDDEV") else var
    return Val(DOUBLE, out, bad if bad.any() else None)


# -- distinct and order ---------------------------------------------------------------------

def _first_of_each(cols):
    n = len(cols[0].values) if cols else 0
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    codes = np.stack([_codes(Val(c.mtype, c.values, c.nulls), n) for c in cols])
    _, first = np.unique(codes.T, axis=0, return_index=True)
    return np.sort(first)


def _order(order_by, cols, frame, names):
    n = len(cols[0].values) if cols else frame.n
    out_frame = Frame(n, session=frame.session, aliases=frame.aliases)
    out_frame.columns.update(frame.columns)
    out_frame.computed = dict(frame.computed)
    for c in cols:
        out_frame.columns[c.name] = Val(c.mtype, c.values, c.nulls)
    keys = []
    for item in reversed(order_by):
        e = item.expr
        if isinstance(e, ast.Num) and isinstance(e.value, int) and 1 <= e.value <= len(cols):
            c = cols[e.value - 1]
            v = Val(c.mtype, c.values, c.nulls)
        else:
            v = evaluate(e, out_frame)
        values, nulls = v.array(n)
        if values.dtype == object or values.dtype == bool:
            k = _codes(v, n, ordered=True)
        else:
            k = values.astype(np.float64) if values.dtype.kind == "u" else values
            if nulls is not None:
                k = np.where(nulls, -np.inf if k.dtype.kind == "f" else np.iinfo(np.int64).min, k)
        keys.append(-k if item.descending and k.dtype.kind != "u" else k)
    return np.lexsort(keys) if keys else np.arange(n)
