"""Run Machbase SQL statements on the engine: DDL, DML, SHOW/DESC, users; SELECT via ``select``.

``execute(engine, text, session)`` parses the text and runs each statement, returning the
last one's :class:`Result`.  Every failure is a ``MachbaseError`` with Machbase's code;
engine errors are translated in one place (``as_machbase_error``).
"""
import time

import numpy as np

from machstore import errors as engine_errors
from machstore.machbase import auth
from machstore.machbase import types as mt
from machstore.machbase.errors import MachbaseError, as_machbase_error, error
from machstore.storage import fieldtypes as ft
from machstore.storage.rows import Column
from machstore.storage.tables import LOG, LOOKUP, TAG, VOLATILE, ColumnDef, TableDef

from . import ast, rollup_ddl, subqueries
from .expr import NS, Frame, evaluate
from .format import format_sql
from .parser import SQLSyntaxError, parse
from .planning import column_type, conjuncts, simple_term, time_bounds
from .select import all_users, run_select
from .session import OutColumn, Result, Session

KIND = {"LOG": LOG, "VOLATILE": VOLATILE, "LOOKUP": LOOKUP, "TAG": TAG}
KIND_NAMES = {LOG: "LOG", VOLATILE: "VOLATILE", LOOKUP: "LOOKUP", TAG: "TAG"}
VARCHAR = mt.lookup
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def execute(engine, text, session=None):
    """Parse and run ``text``; return the last statement's Result (MachbaseError on failure)."""
    session = session or Session()
    try:
        statements = parse(text)
    except SQLSyntaxError as ex:
        raise as_machbase_error(ex) from None
    result = Result()
    for stmt in statements:
        try:
            result = run(engine, stmt, session, text)
        except MachbaseError:
            raise
        except engine_errors.MachstoreError as ex:
            raise as_machbase_error(ex) from None
    return result


def run(engine, stmt, session, text=""):
    fn = _HANDLERS.get(type(stmt))
    if fn is None:
        raise error(1006)
    if not isinstance(stmt, ast.Select):  # a SELECT resolves its own subqueries
        stmt = subqueries.resolve(stmt, lambda query: run_select(engine, query, session, text))
    return fn(engine, stmt, session, text)


def _clamp_time(ns):
    """A time bound as the engine takes it: any int, held to the int64 range (None stays None)."""
    return None if ns is None else min(max(int(ns), INT64_MIN), INT64_MAX)


# -- DDL -------------------------------------------------------------------------------------

def _mtype(coltype):
    name = coltype.name.lower()
    return mt.lookup(f"{name}({coltype.length})" if coltype.length is not None else name)


def _spec(mtype, col=None):
    spec = {"type": f"{mtype.name}({mtype.declared})" if mtype.declared is not None else mtype.name}
    if col is not None:
        for flag in ("primary_key", "basetime", "summarized", "not_null"):
            if getattr(col, flag):
                spec[flag] = True
    return spec


def _create_table(engine, stmt, session, text):
    kind = KIND[stmt.kind]
    columns, key, basetime = [], None, None
    for c in stmt.columns:
        mtype = _mtype(c.type)
        columns.append(ColumnDef(c.name, mtype.storage, _spec(mtype, c)))
        if c.primary_key:
            key = c.name
        if c.basetime:
            basetime = c.name
    if len({c.name for c in columns}) != len(columns):
        raise error(2010, stmt.name)
    if kind == TAG:
        if key is None or basetime is None or len(columns) < 3:  # name, time and a value at least
            raise error(2253)
        if column_type(next(c for c in columns if c.name == basetime)).name != "datetime":
            raise error(2253)
        key_type = column_type(next(c for c in columns if c.name == key))
        if key_type.name != "varchar":  # tag names are text (Machbase: VARCHAR PRIMARY KEY)
            raise error(2015, key_type.sql())
        first = column_type(next(c for c in columns if c.name not in (key, basetime)))
        if not (first.is_integer or first.is_float):
            # NOTE: the engine keeps per-tag stats and rollups of the first value column (what
            # /machiot lookups, v$<tag>_stat and ROLLUP queries read), so it must be a number
            raise error(1006)
        for c in columns:
            mtype = column_type(c)
            if c.spec.get("summarized") and not (mtype.is_integer or mtype.is_float):
                raise error(2671, c.name)
        if stmt.rollup is not None and not any(c.spec.get("summarized") for c in columns):
            raise error(2678)
    elif stmt.metadata:
        raise error(2010, "METADATA")
    elif stmt.rollup is not None:
        raise error(2676)
    if kind == LOOKUP and key is None:
        raise error(2253)
    metadata = [ColumnDef(c.name, _mtype(c.type).storage, _spec(_mtype(c.type))) for c in stmt.metadata]
    properties = {p.name: _literal(p.value) for p in stmt.properties}
    if stmt.rollup is not None:
        properties["ROLLUP"] = {"unit": stmt.rollup.unit, "extension": stmt.rollup.extension}
    tdef = TableDef(stmt.name, kind, columns, metadata, key=key, time=basetime, properties=properties)
    try:
        exists = stmt.if_not_exists and any(t.name == tdef.name for t in engine.list_tables())
        engine.create_table(tdef, if_not_exists=stmt.if_not_exists)
    except engine_errors.AlreadyExists:
        raise error(2024, stmt.name) from None
    if stmt.rollup is not None and not exists:
        rollup_ddl.auto_rollups(engine, tdef, stmt.rollup.unit, stmt.rollup.extension)
    return Result()


def _literal(node):
    """A table property's value as stored (an integer beyond int64 is error 600)."""
    if isinstance(node, ast.Num):
        if isinstance(node.value, int) and not INT64_MIN <= node.value <= INT64_MAX:
            raise error(600, format_sql(node))
        return node.value
    if isinstance(node, ast.Str):
        return node.value
    return format_sql(node)


def _drop_table(engine, stmt, session, text):
    _table(engine, stmt.name)
    rollup_ddl.drop_table_rollups(engine, stmt.name, stmt.cascade)
    try:
        engine.drop_table(stmt.name)
    except engine_errors.TableNotFound:
        raise error(2025, stmt.name) from None
    return Result()


def _truncate(engine, stmt, session, text):
    tdef = _table(engine, stmt.name)
    if tdef.kind in (VOLATILE, LOOKUP):
        if tdef.key is None:
            raise error(1006)
        engine.delete_keys(stmt.name, engine.scan_table(stmt.name).column(tdef.key).to_pylist())
    else:
        engine.delete_table_rows(stmt.name)
    return Result()


def _column(tdef, name):
    """The column ``name`` of ``tdef`` (error 2030 when there is none)."""
    try:
        return tdef.column(name)
    except KeyError:
        raise error(2030, name) from None


def _table(engine, name):
    try:
        return engine.get_table(name)
    except engine_errors.TableNotFound:
        raise error(2025, name) from None


def _show(engine, stmt, session, text):
    if stmt.subject == "TABLES":
        tables = engine.list_tables()
        return _rows(["USER_NAME", "DB_NAME", "TABLE_NAME", "TABLE_TYPE"],
                     [VARCHAR("varchar(128)")] * 4,
                     [["SYS", "MACHBASEDB", t.name, KIND_NAMES[t.kind]] for t in tables])
    if stmt.subject == "TABLE" and stmt.name:
        return _describe(engine, ast.Describe(stmt.name), session, text)
    if stmt.subject == "USERS":
        return _rows(["USER_NAME"], [VARCHAR("varchar(128)")], [[u] for u in all_users(engine)])
    raise error(1006)


def _describe(engine, stmt, session, text):
    tdef = _table(engine, stmt.name)
    rows = []
    for c in tdef.columns + tdef.metadata:
        mtype = column_type(c)
        flags = [k.upper().replace("_", " ") for k in ("primary_key", "basetime", "summarized") if c.spec.get(k)]
        if c in tdef.metadata:
            flags.append("METADATA")
        rows.append([c.name, mtype.name, mtype.length, " ".join(flags)])
    return _rows(["NAME", "TYPE", "LENGTH", "FLAG"],
                 [VARCHAR("varchar(128)"), VARCHAR("varchar(32)"), mt.lookup("integer"), VARCHAR("varchar(64)")],
                 rows)


def _rows(names, types, rows):
    cols = []
    for i, (name, mtype) in enumerate(zip(names, types)):
        values = np.array([r[i] for r in rows], dtype=object if mtype.storage in (3, 5) else np.int64)
        cols.append(OutColumn(name, mtype, values))
    return Result(columns=cols)


# -- users -------------------------------------------------------------------------------------

def _create_user(engine, stmt, session, text):
    if stmt.name == auth.DEFAULT_USER:
        raise error(2024, stmt.name)
    try:
        engine.put_user(stmt.name, {"password": auth.hash_password(stmt.password)}, create=True)
    except engine_errors.AlreadyExists:
        raise error(2024, stmt.name) from None
    return Result()


def _alter_user(engine, stmt, session, text):
    create = stmt.name == auth.DEFAULT_USER and engine.get_user(stmt.name) is None
    try:
        engine.put_user(stmt.name, {"password": auth.hash_password(stmt.password)}, create=create)
    except engine_errors.NotFound:
        raise error(2025, stmt.name) from None
    return Result()


def _drop_user(engine, stmt, session, text):
    if stmt.name == auth.DEFAULT_USER:
        raise error(1006)
    try:
        engine.delete_user(stmt.name)
    except engine_errors.NotFound:
        raise error(2025, stmt.name) from None
    return Result()


# -- INSERT / UPDATE / DELETE -------------------------------------------------------------------

def _const(node, session):
    v = evaluate(node, Frame(1, session=session))
    if not v.scalar:
        raise error(2055)
    return v.values


def _insert(engine, stmt, session, text):
    tdef = _table(engine, stmt.table)
    if stmt.metadata:
        return _insert_metadata(engine, tdef, stmt, session)
    names = list(stmt.columns) or [c.name for c in tdef.columns]
    if stmt.select is not None:
        sub = run_select(engine, stmt.select, session, text)
        raw_rows = [list(r) for r in zip(*[_py(c) for c in sub.columns])]
    else:
        raw_rows = [[_const(v, session) for v in stmt.values]]
    for r in raw_rows:
        if len(r) != len(names):
            raise error(2055)
    by_name = {c.name: c for c in tdef.columns}
    for n in names:
        if n not in by_name:
            raise error(2030, n)
    converted = [[None] * len(tdef.columns) for _ in raw_rows]
    order = [c.name for c in tdef.columns]
    for ri, row in enumerate(raw_rows):
        for ci, (name, value) in enumerate(zip(names, row)):
            cdef = by_name[name]
            converted[ri][order.index(name)] = mt.convert_value(
                column_type(cdef), value, column=ci + 1, tz=session.timezone, binary_text="utf8")
    if tdef.kind in (VOLATILE, LOOKUP):
        if tdef.key is not None:
            pk_i = order.index(tdef.key)
            if any(row[pk_i] is None for row in converted):
                raise error(1345, pk_i + 1)
        if stmt.on_duplicate_set:
            return _insert_on_duplicate_set(engine, tdef, converted, stmt, session)
        try:
            n = engine.put_rows(tdef.name, converted, on_duplicate="update" if stmt.on_duplicate else "error")
        except engine_errors.DuplicateKey:
            raise error(2055) from None
        return Result(effect_rows=n)
    return Result(effect_rows=append_converted(engine, tdef, converted))


def _insert_on_duplicate_set(engine, tdef, converted, stmt, session):
    """``INSERT ... ON DUPLICATE KEY UPDATE SET c = v``: a new key inserts the row, an existing
    key gets only the SET columns."""
    pk_i = [c.name for c in tdef.columns].index(tdef.key)
    changes = {a.column: mt.convert_value(column_type(_column(tdef, a.column)), _const(a.value, session),
                                          tz=session.timezone) for a in stmt.on_duplicate_set}
    for row in converted:
        try:
            engine.put_rows(tdef.name, [row])
        except engine_errors.DuplicateKey:
            engine.update_rows(tdef.name, row[pk_i], changes)
    return Result(effect_rows=len(converted))


def append_converted(engine, tdef, rows, *, register_tags=True):
    """Append already converted rows (lists in column order) to a tag or log table."""
    if not rows:
        return 0
    columns = {}
    for i, cdef in enumerate(tdef.columns):
        values = [r[i] for r in rows]
        nulls = np.array([v is None for v in values])
        if tdef.kind == TAG and cdef.name in (tdef.key, tdef.time) and nulls.any():
            raise error(3119, i)
        columns[cdef.name] = _dense(cdef.storage, values, nulls)
    return engine.append_rows(tdef.name, columns, register_tags=register_tags)


def _dense(storage, values, nulls):
    if storage in (ft.STRING, ft.BINARY):
        arr = np.empty(len(values), dtype=object)
        arr[:] = ["" if v is None and storage == ft.STRING else (b"" if v is None else v) for v in values]
    else:
        fill = 0.0 if storage == ft.FLOAT else 0
        arr = np.array([fill if v is None else v for v in values],
                       dtype={ft.FLOAT: np.float64, ft.INTEGER: np.int64, ft.UNSIGNED: np.uint64,
                              ft.BOOLEAN: np.bool_}[storage])
    return Column(storage, arr, ~nulls if nulls.any() else None)


def _py(col):
    values = col.values.tolist()
    if col.nulls is not None:
        values = [None if n else v for v, n in zip(values, col.nulls.tolist())]
    return values


def _tag_table(tdef):
    """``tdef``, if it is a tag table (METADATA statements): else error 2676."""
    if tdef.kind != TAG:
        raise error(2676)
    return tdef


def _tag_name(tdef, value, session):
    """A tag name as the name column stores it: text, at most the column's declared length (2287)."""
    if value is None:
        raise error(3119, 0)
    try:
        return mt.convert_value(column_type(tdef.column(tdef.key)), value, tz=session.timezone)
    except MachbaseError as ex:
        text = str(value)
        raise error(2287, text if len(text) <= 64 else text[:64] + "...") from ex


def _insert_metadata(engine, tdef, stmt, session):
    _tag_table(tdef)
    names = list(stmt.columns) or [tdef.key] + [c.name for c in tdef.metadata]
    values = [_const(v, session) for v in stmt.values]
    if len(values) > len(names):
        raise error(2055)
    row = dict(zip(names, values))
    tag = _tag_name(tdef, row.pop(tdef.key, None), session)
    meta = _convert_meta(tdef, row, session)
    try:
        engine.insert_tag(tdef.name, tag, meta)
    except engine_errors.DuplicateKey:
        raise error(2258, tag) from None
    return Result(effect_rows=1)


def _convert_meta(tdef, row, session):
    by_name = {c.name: c for c in tdef.metadata}
    out = {}
    for name, value in row.items():
        if name not in by_name:
            raise error(2030, name)
        out[name] = mt.convert_value(column_type(by_name[name]), value, tz=session.timezone)
    return out


def _where_pk(where, key, session):
    """The constant(s) of ``key = c`` / ``key IN (...)`` in a WHERE clause (Machbase's only form)."""
    if where is None:
        return None
    for term in conjuncts(where):
        col, op, value = simple_term(term, session)
        if col == key and op == "=":
            return [value] if value is not None else []  # NOTE: "= NULL" matches no row
        if col == key and op == "IN":
            return [v for v in value if v is not None]
    return None


def _update(engine, stmt, session, text):
    tdef = _table(engine, stmt.table)
    values = {a.column: _const(a.value, session) for a in stmt.assignments}
    if stmt.metadata:
        _tag_table(tdef)
        tags = _where_pk(stmt.where, tdef.key, session)
        if tags is None:
            raise error(2010, "WHERE")
        new_name = values.pop(tdef.key, None)
        if new_name is not None:
            new_name = _tag_name(tdef, new_name, session)
        meta = _convert_meta(tdef, values, session)
        n = 0
        for tag in tags:
            try:
                n += engine.update_tag(tdef.name, str(tag), meta, new_name=new_name)
            except engine_errors.DuplicateKey:
                raise error(2258, new_name) from None
        return Result(effect_rows=n)
    if tdef.kind not in (VOLATILE, LOOKUP) or tdef.key is None:
        raise error(1006)
    pks = _where_pk(stmt.where, tdef.key, session)
    if pks is None:
        raise error(2010, "WHERE")
    converted = {k: mt.convert_value(column_type(_column(tdef, k)), v, tz=session.timezone) for k, v in values.items()}
    n = sum(engine.update_rows(tdef.name, pk, converted) for pk in _keys(tdef, pks))
    return Result(effect_rows=n)


def _keys(tdef, values):
    """Primary-key constants as stored; one that converts to NULL (``id = -2147483648``, the
    NULL of an INTEGER) names no row, so it is left out."""
    key_type = column_type(tdef.column(tdef.key))
    converted = (mt.convert_value(key_type, v) for v in values)
    return [k for k in converted if k is not None]


def _delete(engine, stmt, session, text):
    tdef = _table(engine, stmt.table)
    tz = session.timezone
    if stmt.metadata:
        _tag_table(tdef)
        tags = _where_pk(stmt.where, tdef.key, session)
        if tags is None:
            raise error(2010, "WHERE")
        return Result(effect_rows=sum(engine.delete_tag(tdef.name, str(t)) for t in tags))
    if tdef.kind in (VOLATILE, LOOKUP):
        pks = _where_pk(stmt.where, tdef.key, session) if tdef.key else None
        if pks is None:
            raise error(2010, "WHERE")
        return Result(effect_rows=engine.delete_keys(tdef.name, _keys(tdef, pks)))
    before = None
    if stmt.before is not None:
        value = _const(stmt.before, session)
        before = mt.convert_value(mt.lookup("datetime"), value, tz=tz)
        if before is None:  # BEFORE NULL: no row is before it
            return Result(effect_rows=0)
    if tdef.kind == TAG:
        if stmt.oldest_rows is not None or stmt.except_rows is not None or stmt.except_span is not None:
            raise error(2010, "OLDEST" if stmt.oldest_rows is not None else "EXCEPT")
        tags, bound = None, before
        if stmt.where is not None:
            tags, bound = _tag_delete_where(stmt.where, tdef, session, before)
        return Result(effect_rows=engine.delete_table_rows(tdef.name, before=_clamp_time(bound), tags=tags))
    if stmt.where is not None:
        raise error(2266)
    if stmt.oldest_rows is not None or stmt.except_rows is not None:
        arrival = engine.scan_table(tdef.name, hidden=True).column("_ARRIVAL_TIME").to_numpy()
        keep_from = stmt.oldest_rows if stmt.oldest_rows is not None else max(arrival.size - stmt.except_rows, 0)
        if keep_from <= 0:
            return Result(effect_rows=0)
        before = int(arrival[keep_from - 1]) + 1 if keep_from <= arrival.size else None
    elif stmt.except_span is not None:
        span = stmt.except_span
        before = time.time_ns() - span.amount * NS.get(span.unit.rstrip("S"), NS["DAY"])
    return Result(effect_rows=engine.delete_table_rows(tdef.name, before=_clamp_time(before)))


def _tag_delete_where(where, tdef, session, before):
    """``WHERE name = / IN [AND time < | <= | BETWEEN]``: the tags and the time bound to delete below."""
    tags, bound = None, before
    for term in conjuncts(where):
        col, op, value = simple_term(term, session)
        if col == tdef.key and op in ("=", "IN"):
            tags = [str(v) for v in (value if op == "IN" else [value]) if v is not None]
        elif col == tdef.time and op in ("<", "<="):
            _, hi = time_bounds(op, value, session)
            bound = hi + 1 if hi is not None else bound
        else:
            raise error(2266)
    return tags, bound


def _exec(engine, stmt, session, text):
    if stmt.procedure == "TABLE_FLUSH":
        # NOTE: appended rows are visible as soon as their request commits; nothing to flush
        for a in stmt.args:
            _table(engine, a.name if isinstance(a, ast.Column) else str(_const(a, session)))
        return Result()
    if stmt.procedure == "ROLLUP_FORCE":
        names = [a.name if isinstance(a, ast.Column) else str(_const(a, session)) for a in stmt.args]
        return rollup_ddl.rollup_force(engine, names)
    raise error(2035, stmt.procedure)


def _select(engine, stmt, session, text):
    return run_select(engine, stmt, session, text)


_HANDLERS = {
    ast.Select: _select, ast.CreateTable: _create_table, ast.DropTable: _drop_table,
    ast.TruncateTable: _truncate, ast.Show: _show, ast.Describe: _describe, ast.Insert: _insert,
    ast.Update: _update, ast.Delete: _delete, ast.Exec: _exec, ast.CreateUser: _create_user,
    ast.AlterUser: _alter_user, ast.DropUser: _drop_user,
    ast.CreateRollup: rollup_ddl.create_rollup, ast.DropRollup: rollup_ddl.drop_rollup,
    ast.AlterRollup: rollup_ddl.alter_rollup,
}
