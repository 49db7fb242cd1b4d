"""Who may run which InfluxQL statement: InfluxDB 1.8's query authorizer, on our syntax tree.

:func:`required_privileges` is InfluxQL's ``RequiredPrivileges`` for each statement (influxql
``ast.go``): admin-only statements, READ on the database a statement reads, WRITE on the one
it writes (``SELECT ... INTO``, ``DELETE``, ``DROP SERIES``, ``DROP RETENTION POLICY``, ``DROP
CONTINUOUS QUERY``), nothing for ``SHOW DATABASES`` (whose answer is filtered instead).  A
requirement naming no database means the request's ``db``.

:func:`authorize_query` is ``services/meta/query_authorizer.go``: with no users at all only a
query whose first statement creates an admin user may run; without a user nothing runs; an
admin runs anything; anyone else needs every privilege of every statement, or the whole
query is refused before any of it runs.  The messages are InfluxDB's; the HTTP layer puts
``error authorizing query: `` in front and answers 403.

DEVIATION: InfluxDB checks most SHOW statements against their ``ON`` database (or the
request's) only, and the exact-cardinality ones and ``SHOW TAG KEY/TAG VALUES/FIELD KEY
CARDINALITY`` against their ``FROM`` sources only, so ``SHOW SERIES FROM other..cpu`` or a
cardinality SHOW without ``FROM`` reads a database the user holds nothing on.  Here a SHOW
statement needs READ on every database it reads: its ``ON`` database (or the request's) and
any other database its ``FROM`` names.
"""
from dataclasses import dataclass

from machstore.errors import MachstoreError
from machstore.storage.users import NO_PRIVILEGES, PRIVILEGE_NAMES, READ, WRITE

from . import ast

__all__ = ["AuthorizationError", "Requirement", "authorize_query", "required_privileges"]


@dataclass(frozen=True)
class Requirement:
    """One privilege a statement needs: admin, or ``privilege`` on ``database`` ("" = the request's)."""

    admin: bool = False
    database: str = ""
    privilege: int = NO_PRIVILEGES


ADMIN = Requirement(admin=True)


class AuthorizationError(MachstoreError):
    """The query may not run; the message is InfluxDB's (without ``error authorizing query:``)."""

    code = "unauthorized"


def _read(database):
    return Requirement(database=database, privilege=READ)


def _write(database):
    return Requirement(database=database, privilege=WRITE)


def _sources(sources):
    """InfluxQL's ``Sources.RequiredPrivileges``: READ on each measurement's db, subqueries' own needs."""
    out = []
    for source in sources:
        if isinstance(source, ast.SubQuery):
            out.extend(required_privileges(source.statement))
        else:
            out.append(_read(source.database))
    return out


def _show(stmt, sources=()):
    """READ on the statement's database, and on any other database its sources name (see DEVIATION)."""
    out = [_read(stmt.database)]
    out.extend(_read(s.database) for s in sources if isinstance(s, ast.Measurement) and s.database)
    return out


def required_privileges(stmt):
    """Return the :class:`Requirement` list of one statement."""
    if isinstance(stmt, ast.Select):
        out = _sources(stmt.sources)
        if stmt.target is not None:
            out.append(_write(stmt.target.measurement.database))
        return out
    if isinstance(stmt, ast.Explain):
        return required_privileges(stmt.statement)
    if isinstance(stmt, ast.ShowDatabases):
        return [Requirement()]
    if isinstance(stmt, ast.ShowRetentionPolicies):
        return _show(stmt)
    if isinstance(stmt, ast.ShowMeasurements):
        return _show(stmt, () if stmt.source is None else (stmt.source,))
    if isinstance(stmt, (ast.ShowSeries, ast.ShowTagKeys, ast.ShowTagValues, ast.ShowFieldKeys,
                         ast.ShowSeriesCardinality, ast.ShowMeasurementCardinality, ast.ShowTagKeyCardinality,
                         ast.ShowTagValuesCardinality, ast.ShowFieldKeyCardinality)):
        return _show(stmt, stmt.sources)
    if isinstance(stmt, (ast.ShowContinuousQueries, ast.ShowQueries)):
        return [_read("")]
    if isinstance(stmt, (ast.DeleteSeries, ast.DropSeries)):
        return [_write("")]
    if isinstance(stmt, (ast.DropRetentionPolicy, ast.DropContinuousQuery)):
        return [_write(stmt.database)]
    if isinstance(stmt, ast.CreateContinuousQuery):
        out = [_read(stmt.database)]
        target = stmt.source.target.measurement.database if stmt.source.target is not None else ""
        if target:
            out.append(_write(target))
        return out
    # CREATE/DROP DATABASE, retention policy changes, users, grants, SHOW USERS/GRANTS, DROP
    # MEASUREMENT/SHARD, KILL QUERY, SHOW STATS/DIAGNOSTICS/SHARDS/SHARD GROUPS, subscriptions
    return [ADMIN]


def authorize_query(user, statements, database, *, users_exist):
    """Raise :class:`AuthorizationError` unless ``user`` may run every statement of the query.

    ``user`` is a ``storage.users.User`` (None when the request named nobody); ``database``
    is the request's ``db``; ``users_exist`` tells whether any user is defined at all.
    """
    if not users_exist:
        first = statements[0] if statements else None
        if isinstance(first, ast.CreateUser) and first.admin:
            return
        raise AuthorizationError("create admin user first or disable authentication")
    if user is None:
        raise AuthorizationError("no user provided")
    if user.admin:
        return
    for stmt in statements:
        for need in required_privileges(stmt):
            if need.admin:
                raise AuthorizationError(f"{user.name} not authorized to execute statement '{stmt}', "
                                         f"requires admin privilege")
            db = need.database or database
            if not user.may(need.privilege, db):
                raise AuthorizationError(f"{user.name} not authorized to execute statement '{stmt}', "
                                         f"requires {PRIVILEGE_NAMES[need.privilege]} on {db}")
