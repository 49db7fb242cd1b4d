"""Planning helpers shared by the SELECT executor, DML and the rollup/stats fast paths.

What a WHERE clause says about a scan (its ``AND``-ed terms, ``column op constant`` terms,
time bounds), the Machbase type of a stored column, and which tag table a SELECT reads.
The executor (``select``), the statements (``statements``) and the fast paths
(``rollup_plan``, ``stats_plan``) all import from here, so none imports another's internals.
"""
import numpy as np

from machstore.machbase import types as mt
from machstore.machbase.datetimes import parse_datetime
from machstore.storage import fieldtypes as ft

from . import ast
from .expr import AGGREGATES, DOUBLE, LONG, Frame, children, evaluate


def column_type(cdef):
    """The Machbase type of a stored column (its spec, or a default for its storage type)."""
    spec = cdef.spec.get("type") if cdef.spec else None
    if spec:
        return mt.lookup(spec)
    return {ft.FLOAT: DOUBLE, ft.INTEGER: LONG, ft.UNSIGNED: mt.lookup("ulong"), ft.STRING: mt.lookup("varchar(32767)"),
            ft.BOOLEAN: mt.lookup("short"), ft.BINARY: mt.lookup("blob")}[cdef.storage]


def constant(node, session):
    """Evaluate a constant expression (no columns), or return None if it is not constant."""
    try:
        v = evaluate(node, Frame(1, session=session))
    except Exception:  # noqa: BLE001 - not a constant: no pushdown
        return None
    return v.values if v.scalar else None


def conjuncts(node):
    if isinstance(node, ast.Binary) and node.op == "AND":
        return conjuncts(node.left) + conjuncts(node.right)
    return [node]


def simple_term(term, session):
    """``(column, op, constant)`` of ``col op const`` / ``col IN (...)`` / ``col BETWEEN``, else Nones."""
    if isinstance(term, ast.Binary) and term.op in ("=", "<", "<=", ">", ">="):
        if isinstance(term.left, ast.Column):
            return term.left.name, term.op, constant(term.right, session)
        if isinstance(term.right, ast.Column):
            flip = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "=": "="}[term.op]
            return term.right.name, flip, constant(term.left, session)
    if isinstance(term, ast.In) and not term.negated and isinstance(term.expr, ast.Column) \
            and isinstance(term.items, tuple):
        values = [constant(i, session) for i in term.items]
        return term.expr.name, "IN", values
    if isinstance(term, ast.Between) and not term.negated and isinstance(term.expr, ast.Column):
        return term.expr.name, "BETWEEN", (constant(term.low, session), constant(term.high, session))
    return None, None, None


INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def _clamp(ns):
    """A time bound held to the int64 range the engine's times live in (None stays None).

    NOTE: a constant such as ``time > 18446744073709551616`` is a valid condition (it keeps
    no row), but the engine takes int64 bounds only; every stored time is inside the range,
    so holding the bound to it keeps the same rows.
    """
    return None if ns is None else min(max(ns, INT64_MIN), INT64_MAX)


def as_time(value, session):
    if isinstance(value, str):
        try:
            return parse_datetime(value, tz=session.timezone, lenient=True)
        except Exception:  # noqa: BLE001 - the residual filter will report it
            return None
    if isinstance(value, (bool, np.bool_)):
        return None
    return _clamp(int(value)) if isinstance(value, (int, np.integer)) else None


def time_bounds(op, value, session):
    if op == "BETWEEN":
        lo, hi = (as_time(v, session) for v in value)
        return lo, hi
    t = as_time(value, session)
    if t is None:
        return None, None
    lo, hi = {"=": (t, t), ">": (t + 1, None), ">=": (t, None), "<": (None, t - 1), "<=": (None, t)}[op]
    return _clamp(lo), _clamp(hi)


def tag_table_source(engine, stmt):
    """The definition of the one tag table a SELECT reads, or None (other sources, errors)."""
    if len(stmt.sources) != 1 or not isinstance(stmt.sources[0], ast.Table) or stmt.sources[0].metadata:
        return None
    try:
        tdef = engine.get_table(stmt.sources[0].name)
    except Exception:  # noqa: BLE001 - unknown tables take the ordinary path (and its error)
        return None
    return tdef if tdef.kind == "tag" and tdef.value_columns() else None


def columns_only_in_aggregates(node):
    """True when every column reference of ``node`` sits inside an aggregate call."""
    if isinstance(node, ast.Call) and node.name in AGGREGATES:
        return True
    if isinstance(node, (ast.Column, ast.Star)):
        return False
    return all(columns_only_in_aggregates(c) for c in children(node))
