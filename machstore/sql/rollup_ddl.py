"""Machbase rollup objects: CREATE / DROP / ALTER ROLLUP, WITH ROLLUP, EXEC ROLLUP_FORCE.

A rollup object names an interval over a tag table's summarized column
(``CREATE ROLLUP r ON tag(value) INTERVAL 10 MIN``), or over another rollup whose interval
divides its own.  The numbers behind every rollup are the engine's second/minute/hour
rollup records, which compaction keeps for every tag table, so an object never lags: a
query at any whole-second interval is answered from the coarsest record resolution that
divides it.  START/STOP/WAKEUP are recorded in the object's state (Machbase's rollup
threads have no counterpart: the engine keeps rollups current as it compacts); FORCE
finishes the pending compaction, which is what makes just-written rows rolled up.
"""
from machstore import errors as engine_errors
from machstore.machbase.errors import error

from .planning import column_type
from .session import Result

UNIT_NS = {"SEC": 10**9, "MIN": 60 * 10**9, "HOUR": 3600 * 10**9}


def auto_rollups(engine, tdef, unit, extension):
    """``WITH ROLLUP (unit) [EXTENSION]``: the objects ``_<TABLE>_ROLLUP_SEC/MIN/HOUR`` from ``unit`` up."""
    column = next(c.name for c in tdef.columns if c.spec.get("summarized"))
    units = list(UNIT_NS)[list(UNIT_NS).index(unit):]
    for u in units:
        engine.create_rollup({"name": f"_{tdef.name}_ROLLUP_{u}", "table": tdef.name.upper(), "column": column,
                              "interval_ns": UNIT_NS[u], "source": None, "extension": extension,
                              "state": "START", "auto": True})


MAX_INTERVAL_NS = 2**63 - 1  # the engine keeps a rollup's interval as an int64 of ns


def create_rollup(engine, stmt, session, text):
    if stmt.unit not in UNIT_NS or stmt.interval <= 0:
        raise error(2010, stmt.unit)
    interval_ns = stmt.interval * UNIT_NS[stmt.unit]
    if interval_ns > MAX_INTERVAL_NS:
        raise error(2010, f"INTERVAL {stmt.interval} {stmt.unit}")
    if stmt.column is None:  # ON another rollup
        source = engine.get_rollup(stmt.source)
        if source is None:
            raise error(2654, stmt.source)
        if interval_ns % source["interval_ns"]:
            raise error(2010, f"INTERVAL {stmt.interval} {stmt.unit}")
        table, column = source["table"], source["column"]
    else:
        try:
            tdef = engine.get_table(stmt.source)
        except engine_errors.TableNotFound:
            raise error(2025, stmt.source) from None
        if tdef.kind != "tag":
            raise error(2025, stmt.source)
        cdef = next((c for c in tdef.columns if c.name == stmt.column), None)
        if cdef is None:
            raise error(2030, stmt.column)
        mtype = column_type(cdef)
        if not (mtype.is_integer or mtype.is_float) or not cdef.spec.get("summarized"):
            raise error(2671, stmt.column)
        table, column = tdef.name.upper(), cdef.name
    try:
        engine.create_rollup({"name": stmt.name, "table": table, "column": column, "interval_ns": interval_ns,
                              "source": stmt.source if stmt.column is None else None,
                              "extension": stmt.extension, "state": "START", "auto": False})
    except engine_errors.AlreadyExists:
        raise error(2024, stmt.name) from None
    return Result()


def _dependents(engine, name):
    return [r["name"] for r in engine.list_rollups() if (r.get("source") or "").upper() == name.upper()]


def drop_rollup(engine, stmt, session, text):
    if engine.get_rollup(stmt.name) is None:
        raise error(2654, stmt.name)
    if _dependents(engine, stmt.name):
        raise error(2651)
    engine.drop_rollup(stmt.name)
    return Result()


def drop_table_rollups(engine, table, cascade):
    """Before DROP TABLE: its rollups go with CASCADE, else their existence is error 2651."""
    rollups = engine.list_rollups(table)
    if rollups and not cascade and not all(r.get("auto") for r in rollups):
        raise error(2651)
    for r in sorted(rollups, key=lambda r: r.get("source") is None):  # dependents first
        engine.drop_rollup(r["name"])


def alter_rollup(engine, stmt, session, text):
    if engine.get_rollup(stmt.name) is None:
        raise error(2654, stmt.name)
    if stmt.action == "FORCE":
        engine.force_rollup()
    elif stmt.action in ("START", "STOP"):
        engine.update_rollup(stmt.name, state=stmt.action)
    return Result()


def rollup_force(engine, names):
    """``EXEC ROLLUP_FORCE([rollup])``: every named rollup must exist; then finish pending work."""
    for name in names:
        if engine.get_rollup(name) is None:
            raise error(2654, name)
    engine.force_rollup()
    return Result()
