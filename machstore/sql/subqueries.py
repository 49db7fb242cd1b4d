"""Subqueries in expressions: each is run once, before its statement, and replaced by its values.

``WHERE c IN (SELECT s FROM t)``, ``SELECT (SELECT MAX(v) FROM t)`` and ``SET x = (SELECT
...)`` hold subqueries that do not depend on the outer row (Machbase's uncorrelated form),
so the statement's tree is rewritten once: an ``IN (subquery)`` becomes ``IN (v1, v2, ...)``
and a scalar subquery becomes its one value, as :class:`ast.Const` nodes that keep the
values' Machbase types.  The executor then never meets a :class:`ast.Subquery` in an
expression.  Statements nested as statements (a derived table in FROM, ``INSERT ... SELECT``)
are left alone: they resolve their own subqueries when they run.

Errors: a scalar subquery with more than one row is 2131; a subquery in an expression with
other than one column is a syntax error (2010).
"""
import dataclasses

import numpy as np

from machstore.machbase.errors import error

from . import ast


def resolve(stmt, run_query):
    """Return ``stmt`` with the subqueries of its expressions replaced by their values.

    ``run_query(select)`` runs a SELECT and returns its :class:`Result`.
    """
    return _rewrite(stmt, run_query, root=True)


def _rewrite(node, run_query, *, root=False):
    if isinstance(node, tuple):
        items = tuple(_rewrite(item, run_query) for item in node)
        return items if any(a is not b for a, b in zip(items, node)) else node
    if not isinstance(node, ast.Node) or (isinstance(node, ast.Statement) and not root):
        return node
    if isinstance(node, ast.Subquery):
        return _scalar(run_query(node.query))
    if isinstance(node, ast.In) and isinstance(node.items, ast.Subquery):
        expr = _rewrite(node.expr, run_query)
        return dataclasses.replace(node, expr=expr, items=_values(run_query(node.items.query)))
    changes = {}
    for f in dataclasses.fields(node):
        if f.name == "pos":
            continue
        value = getattr(node, f.name)
        new = _rewrite(value, run_query)
        if new is not value:
            changes[f.name] = new
    return dataclasses.replace(node, **changes) if changes else node


def _column(result):
    if not result.columns or len(result.columns) != 1:
        raise error(2010, "SELECT")
    return result.columns[0]


def _consts(col):
    values = col.values.tolist() if isinstance(col.values, np.ndarray) else list(col.values)
    nulls = col.nulls.tolist() if col.nulls is not None else [False] * len(values)
    return tuple(ast.Const(col.mtype, None if null else _plain(v)) for v, null in zip(values, nulls))


def _plain(value):
    """A hashable Python value (numpy scalars unwrapped, bytearrays frozen)."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, bytearray):
        return bytes(value)
    return value


def _values(result):
    return _consts(_column(result))


def _scalar(result):
    consts = _consts(_column(result))
    if len(consts) > 1:
        raise error(2131)
    return consts[0] if consts else ast.Const(result.columns[0].mtype, None)
