"""Run InfluxQL schema statements on the engine; results are shaped like InfluxDB 1.8's ``/query``.

No HTTP here: :func:`execute` takes parsed statements and returns one :class:`Result` per
statement, whose :meth:`Result.to_dict` is the JSON object InfluxDB puts in ``"results"``.

What each statement does follows InfluxDB 1.8 (``coordinator/statement_executor.go``,
``services/meta``), including its answers where it is lenient: ``CREATE DATABASE`` of an
existing database, ``DROP DATABASE`` / ``DROP RETENTION POLICY`` / ``DROP CONTINUOUS QUERY``
of a missing one and ``CREATE CONTINUOUS QUERY`` of an identical existing one succeed; ``SHOW MEASUREMENTS`` on a missing database is an empty result, the other SHOW
statements say ``database not found: <db>``.  The first statement that fails stops the
query; the ones after it answer ``not executed``.  A write statement sent with GET runs and
carries InfluxDB's deprecation warning.

Users and privileges (CREATE/DROP USER, SET PASSWORD, GRANT, REVOKE, SHOW USERS, SHOW GRANTS)
are the engine's ``influx_users`` with InfluxDB's rules and texts; who may run a statement is
decided before :func:`execute` (``authorize``), except the one answer that depends on the
asker: SHOW DATABASES lists only the databases ``may_access`` allows.  A ``builtin_admin``
(the server's configured credentials) is listed by SHOW USERS and cannot be changed by
statements.

Where the engine cannot do what InfluxDB does, the answer says so instead of pretending:
SELECT and the other statements outside this module's scope answer "... is not supported
yet".  The engine does not store a replication factor (one node), so SHOW RETENTION POLICIES
shows ``replicaN`` 1.

WHERE conditions of SHOW SERIES / MEASUREMENTS / TAG KEYS / TAG VALUES are compiled once
into a predicate over (measurement, tags): tag (or ``_name``) comparisons with ``=``,
``!=``, ``=~`` and ``!~`` joined by AND / OR.  A missing tag compares as "".  Anything else
(time, fields, arithmetic) is refused by name.
"""
import dataclasses
import re
import time
from dataclasses import dataclass, field
from typing import ClassVar

from machstore import errors
from machstore.storage.users import ALL_PRIVILEGES, NO_PRIVILEGES, PRIVILEGE_NAMES, READ, WRITE

from . import ast
from .ast import DAY, HOUR, go_duration
from .explain import explain, explain_analyze
from .select import bucket_count, format_times, run_select
from .tasks import GuardedEngine, QueryAborted, QueryLimits, TaskManager
from .timerange import ConditionError, split_condition

__all__ = ["execute", "Result", "Series", "StatementError", "shard_group_duration", "valid_name"]

DEFAULT_RP = "autogen"
MIN_RP_DURATION = HOUR
NOT_EXECUTED = "not executed"
_TMP_RP = "_machstore_create_database_tmp"  # see _create_database


class StatementError(errors.InvalidArgument):
    """A statement failed; its message is what InfluxDB puts in the result's ``"error"``."""

    code = "influxql_statement"


@dataclass
class Series:
    """One ``series`` entry of a result: a name, column names and rows."""

    columns: list
    values: list = field(default_factory=list)
    name: str = ""
    tags: dict = None

    def to_dict(self):
        out = {}
        if self.name:
            out["name"] = self.name
        if self.tags:
            out["tags"] = self.tags
        out["columns"] = self.columns
        if self.values:
            out["values"] = self.values
        return out


@dataclass
class Result:
    """The outcome of one statement; fields left empty are omitted, as InfluxDB does."""

    statement_id: int
    series: list = field(default_factory=list)
    messages: list = field(default_factory=list)
    error: str = None
    chunkable: bool = False   # a SELECT's series are cut in chunks with chunked=true; others go whole

    def to_dict(self):
        out = {"statement_id": self.statement_id}
        if self.series:
            out["series"] = [s.to_dict() for s in self.series]
        if self.messages:
            out["messages"] = self.messages
        if self.error is not None:
            out["error"] = self.error
        return out


def execute(engine, statements, *, database="", retention_policy="", read_only=False, epoch="", now_ns=None,
            limits=QueryLimits(), may_access=None, builtin_admin=""):
    """Run ``statements`` in order and return their :class:`Result` list.

    ``database`` and ``retention_policy`` are the request's defaults (``db`` and ``rp``
    parameters); ``read_only`` is True for a GET request, which adds InfluxDB's warning to
    write statements; ``epoch`` is the unit SELECT times are given in (RFC3339 text when
    empty); ``now_ns`` is ``now()`` for every statement of the query (the clock when None);
    ``limits`` are InfluxDB's coordinator limits (``tasks.QueryLimits``).  The query is listed
    in SHOW QUERIES while it runs (passwords redacted).
    ``may_access(privilege, database)`` says which databases SHOW DATABASES lists (None: all);
    ``builtin_admin`` names the server's configured admin ("" when there is none).
    Engine failures become statement errors; bugs propagate.
    """
    tasks = TaskManager.of(engine.path)
    try:
        task = tasks.attach(";\n".join(str(s) for s in statements), database or "", limits)
    except QueryAborted as ex:
        return [Result(0, error=str(ex))]
    with task:
        runner = _Executor(engine, database or "", retention_policy or "", read_only, epoch,
                           time.time_ns() if now_ns is None else now_ns, task, limits, may_access, builtin_admin)
        results = []
        for i, stmt in enumerate(statements):
            try:
                results.append(runner.run(i, stmt))
            except StatementError as ex:
                results.append(Result(i, error=str(ex)))
            except errors.MachstoreError as ex:
                results.append(Result(i, error=_influx_text(ex)))
            if results[-1].error is not None:
                results.extend(Result(j, error=NOT_EXECUTED) for j in range(i + 1, len(statements)))
                break
    return results


# The leading keywords of each statement, for "<KIND> is not supported yet".
_KINDS = {
    ast.Select: "SELECT", ast.DeleteSeries: "DELETE", ast.DropSeries: "DROP SERIES",
    ast.DropMeasurement: "DROP MEASUREMENT", ast.DropShard: "DROP SHARD",
    ast.ShowSeriesCardinality: "SHOW SERIES CARDINALITY",
    ast.ShowMeasurementCardinality: "SHOW MEASUREMENT CARDINALITY",
    ast.ShowTagKeyCardinality: "SHOW TAG KEY CARDINALITY",
    ast.ShowTagValuesCardinality: "SHOW TAG VALUES CARDINALITY",
    ast.ShowFieldKeyCardinality: "SHOW FIELD KEY CARDINALITY",
    ast.ShowQueries: "SHOW QUERIES", ast.KillQuery: "KILL QUERY",
    ast.ShowContinuousQueries: "SHOW CONTINUOUS QUERIES", ast.CreateContinuousQuery: "CREATE CONTINUOUS QUERY",
    ast.DropContinuousQuery: "DROP CONTINUOUS QUERY",
    ast.CreateUser: "CREATE USER", ast.DropUser: "DROP USER", ast.SetPasswordUser: "SET PASSWORD",
    ast.Grant: "GRANT", ast.GrantAdmin: "GRANT", ast.Revoke: "REVOKE", ast.RevokeAdmin: "REVOKE",
    ast.ShowUsers: "SHOW USERS", ast.ShowGrantsForUser: "SHOW GRANTS", ast.Explain: "EXPLAIN",
    ast.ShowStats: "SHOW STATS", ast.ShowDiagnostics: "SHOW DIAGNOSTICS", ast.ShowShards: "SHOW SHARDS",
    ast.ShowShardGroups: "SHOW SHARD GROUPS", ast.ShowSubscriptions: "SHOW SUBSCRIPTIONS",
    ast.CreateSubscription: "CREATE SUBSCRIPTION", ast.DropSubscription: "DROP SUBSCRIPTION",
}


def statement_kind(stmt):
    """Return a statement's leading keywords (``"SHOW SERIES EXACT CARDINALITY"``, ``"EXPLAIN ANALYZE"``)."""
    kind = _KINDS.get(type(stmt), type(stmt).__name__)
    if getattr(stmt, "exact", False):
        kind = kind.replace(" CARDINALITY", " EXACT CARDINALITY")
    if isinstance(stmt, ast.Explain) and stmt.analyze:
        kind = "EXPLAIN ANALYZE"
    return kind


# -- InfluxDB's rules --------------------------------------------------------------------------

def valid_name(name):
    """Return True if InfluxDB accepts ``name`` for a database or retention policy."""
    return (bool(name) and name not in (".", "..") and "/" not in name and "\\" not in name
            and name.isprintable())


def shard_group_duration(duration):
    """Return InfluxDB's default shard group duration for a retention policy duration (0 = INF)."""
    if duration == 0 or duration >= 180 * DAY:
        return 7 * DAY
    if duration >= 2 * DAY:
        return DAY
    return HOUR


def normalised_shard_duration(shard_duration, duration):
    """Return the shard group duration InfluxDB stores when ``shard_duration`` is asked for."""
    if shard_duration == 0:
        return shard_group_duration(duration)
    if shard_duration < MIN_RP_DURATION:
        return shard_group_duration(MIN_RP_DURATION)
    return shard_duration


_QUOTED_NAME = re.compile(r'^(database not found|retention policy not found): "(.*)"$', re.S)


def _influx_text(ex):
    """Return an engine error's text as InfluxDB words it (names unquoted)."""
    return _QUOTED_NAME.sub(r"\1: \2", str(ex))


def _page(items, offset, limit):
    if offset > 0:
        items = items[offset:]
    if limit > 0:
        items = items[:limit]
    return items


class _Executor:
    def __init__(self, engine, database, retention_policy, read_only, epoch, now_ns, task, limits, may_access=None,
                 builtin_admin=""):
        self.engine = engine
        self.task = task
        self.limits = limits
        self.may_access = may_access
        self.builtin_admin = builtin_admin
        self.database = database
        self.retention_policy = retention_policy
        self.read_only = read_only
        self.epoch = epoch
        self.now_ns = now_ns

    # PERF: built once (statement type -> method name), not a dict of bound methods per query
    _HANDLERS: ClassVar[dict] = {
        ast.Select: "select",
        ast.ShowDatabases: "show_databases",
        ast.CreateDatabase: "create_database",
        ast.DropDatabase: "drop_database",
        ast.ShowRetentionPolicies: "show_retention_policies",
        ast.CreateRetentionPolicy: "create_retention_policy",
        ast.AlterRetentionPolicy: "alter_retention_policy",
        ast.DropRetentionPolicy: "drop_retention_policy",
        ast.ShowMeasurements: "show_measurements",
        ast.ShowSeries: "show_series",
        ast.ShowTagKeys: "show_tag_keys",
        ast.ShowTagValues: "show_tag_values",
        ast.ShowFieldKeys: "show_field_keys",
        ast.ShowSeriesCardinality: "show_series_cardinality",
        ast.ShowMeasurementCardinality: "show_measurement_cardinality",
        ast.ShowTagKeyCardinality: "show_tag_key_cardinality",
        ast.ShowTagValuesCardinality: "show_tag_values_cardinality",
        ast.ShowFieldKeyCardinality: "show_field_key_cardinality",
        ast.ShowContinuousQueries: "show_continuous_queries",
        ast.CreateContinuousQuery: "create_continuous_query",
        ast.DropContinuousQuery: "drop_continuous_query",
        ast.ShowUsers: "show_users",
        ast.ShowGrantsForUser: "show_grants_for_user",
        ast.CreateUser: "create_user",
        ast.DropUser: "drop_user",
        ast.SetPasswordUser: "set_password_user",
        ast.Grant: "grant",
        ast.GrantAdmin: "grant_admin",
        ast.Revoke: "revoke",
        ast.RevokeAdmin: "revoke_admin",
        ast.ShowSubscriptions: "show_subscriptions",
        ast.ShowQueries: "show_queries",
        ast.Explain: "explain",
        ast.KillQuery: "kill_query",
        ast.DeleteSeries: "delete_series",
        ast.DropSeries: "drop_series",
        ast.DropMeasurement: "drop_measurement",
    }

    _WRITES = (ast.CreateDatabase, ast.DropDatabase, ast.CreateRetentionPolicy, ast.AlterRetentionPolicy,
               ast.DropRetentionPolicy, ast.DeleteSeries, ast.DropSeries, ast.DropMeasurement, ast.KillQuery,
               ast.CreateContinuousQuery, ast.DropContinuousQuery, ast.CreateUser, ast.DropUser,
               ast.SetPasswordUser, ast.Grant, ast.GrantAdmin, ast.Revoke, ast.RevokeAdmin)

    def run(self, statement_id, stmt):
        if isinstance(stmt, ast.Unsupported):
            raise StatementError(f"{stmt.kind} is not supported yet")
        name = self._HANDLERS.get(type(stmt))
        if name is None:
            raise StatementError(f"{statement_kind(stmt)} is not supported yet")
        handler = getattr(self, name)
        if isinstance(stmt, ast.CreateContinuousQuery):
            stmt = self._normalized_continuous_query(stmt)
        series = handler(stmt)
        result = Result(statement_id, series=series or [], chunkable=isinstance(stmt, ast.Select))
        writes = isinstance(stmt, self._WRITES) or (isinstance(stmt, ast.Select) and stmt.target is not None)
        if self.read_only and writes:
            result.messages.append(self._read_only_warning(stmt))
        return result

    # -- helpers -------------------------------------------------------------------------

    def _database(self, stmt):
        """Return the statement's database (its own, else the request's), or fail."""
        db = getattr(stmt, "database", "") or self.database
        if not db:
            raise StatementError("database name required")
        return db

    def _existing_database(self, db):
        if not self.engine.database_exists(db):
            raise StatementError(f"database not found: {db}")
        return db

    def _policies(self, db):
        return {rp["name"]: rp for rp in self.engine.list_retention_policies(db)}

    def _all_series(self, db):
        """Yield ``(measurement, tags, key)`` of every series of every retention policy of ``db``."""
        for rp in self._policies(db):
            for s in self.engine.list_series(db, None, rp):
                yield s["measurement"], s["tags"], s["key"]

    # -- SELECT --------------------------------------------------------------------------

    def select(self, stmt):
        limit = self.limits.max_select_buckets
        if limit > 0:
            buckets = bucket_count(stmt, self.now_ns)
            if buckets > limit:
                raise StatementError(f"max-select-buckets limit exceeded: ({buckets}/{limit})")
        out = run_select(GuardedEngine(self.engine, self.task, self.limits), stmt, database=self.database,
                         retention_policy=self.retention_policy, now_ns=self.now_ns)
        format_times(out, self.epoch, stmt.location)
        return [Series(s.columns, s.values, name=s.name, tags=s.tags or None) for s in out]

    def explain(self, stmt):
        def run(engine):
            return run_select(GuardedEngine(engine, self.task, self.limits), stmt.statement,
                              database=self.database, retention_policy=self.retention_policy, now_ns=self.now_ns)

        if stmt.statement.target is not None:
            raise StatementError("EXPLAIN of SELECT ... INTO is not supported: it would write")
        if stmt.analyze:
            return [Series(["EXPLAIN ANALYZE"], [[line] for line in explain_analyze(self.engine, stmt.statement, run)])]
        return [Series(["QUERY PLAN"], [[line] for line in explain(self.engine, stmt.statement, run)])]

    def _read_only_warning(self, stmt):
        """InfluxDB's warning for a statement that writes, sent with GET."""
        return {"level": "warning",
                "text": f"deprecated use of '{stmt}' in a read only context, please use a POST request instead"}

    # -- databases -----------------------------------------------------------------------

    def show_databases(self, stmt):
        names = self.engine.list_databases()
        may = self.may_access
        if may is not None:  # InfluxDB lists what the user may read or write
            names = [n for n in names if may(READ, n) or may(WRITE, n)]
        return [Series(["name"], [[name] for name in names], name="databases")]

    def create_database(self, stmt):
        if not valid_name(stmt.name):
            raise StatementError("invalid name")
        if not stmt.rp_create:
            self.engine.create_database(stmt.name)
            return None
        if stmt.rp_name and not valid_name(stmt.rp_name):
            raise StatementError("invalid name")
        duration = stmt.duration or 0
        if 0 < duration < MIN_RP_DURATION:
            raise StatementError(f"retention policy duration must be at least {go_duration(MIN_RP_DURATION)}")
        rp_name = stmt.rp_name or DEFAULT_RP
        shard = normalised_shard_duration(stmt.shard_duration, duration)
        if 0 < duration < shard:
            raise StatementError("retention policy duration must be greater than the shard duration")

        if self.engine.database_exists(stmt.name):
            policies = self._policies(stmt.name)
            if not policies:
                self.engine.create_retention_policy(stmt.name, rp_name, duration_ns=duration, default=True)
                return None
            existing = policies.get(rp_name)
            if existing is None or not self._matches(stmt, existing) or not existing["default"]:
                raise StatementError("retention policy conflicts with an existing policy")
            return None

        self.engine.create_database(stmt.name)  # comes with an infinite "autogen" as its default
        if rp_name == DEFAULT_RP and duration == 0:
            return None
        # NOTE: the engine has no call to create a database with another default policy, or
        # to change one, so the new (empty) database's "autogen" is replaced; for "autogen"
        # with a duration this takes a stand-in default for a moment.
        if rp_name != DEFAULT_RP:
            self.engine.create_retention_policy(stmt.name, rp_name, duration_ns=duration, default=True)
            self.engine.drop_retention_policy(stmt.name, DEFAULT_RP)
            return None
        self.engine.create_retention_policy(stmt.name, _TMP_RP, default=True)
        self.engine.drop_retention_policy(stmt.name, DEFAULT_RP)
        self.engine.create_retention_policy(stmt.name, DEFAULT_RP, duration_ns=duration, default=True)
        self.engine.drop_retention_policy(stmt.name, _TMP_RP)
        return None

    @staticmethod
    def _matches(stmt, existing):
        """InfluxDB's RetentionPolicySpec.Matches, for what the engine knows of a policy."""
        if stmt.duration is not None and stmt.duration != existing["duration_ns"]:
            return False
        if stmt.replication is not None and stmt.replication != 1:
            return False
        wanted = normalised_shard_duration(stmt.shard_duration, existing["duration_ns"])
        return wanted == existing["shard_duration_ns"]

    def drop_database(self, stmt):
        if self.engine.database_exists(stmt.name):
            try:
                self.engine.drop_database(stmt.name)
            except errors.DatabaseNotFound:
                pass  # dropped meanwhile by someone else: the outcome is the same
        return None

    # -- retention policies --------------------------------------------------------------

    def show_retention_policies(self, stmt):
        db = self._existing_database(self._database(stmt))
        rows = []
        for rp in self.engine.list_retention_policies(db):
            duration = rp["duration_ns"]
            rows.append([rp["name"], go_duration(duration), go_duration(rp["shard_duration_ns"]), 1,
                         bool(rp["default"])])
        return [Series(["name", "duration", "shardGroupDuration", "replicaN", "default"], rows)]

    def create_retention_policy(self, stmt):
        if not valid_name(stmt.name):
            raise StatementError("invalid name")
        if 0 < stmt.duration < MIN_RP_DURATION:
            raise StatementError(f"retention policy duration must be at least {go_duration(MIN_RP_DURATION)}")
        shard = normalised_shard_duration(stmt.shard_duration, stmt.duration)
        if 0 < stmt.duration < shard:
            raise StatementError("retention policy duration must be greater than the shard duration")
        db = self._existing_database(stmt.database)
        existing = self._policies(db).get(stmt.name)
        if existing is not None:
            # NOTE: the replication factor is not stored, so it is not compared.
            if existing["duration_ns"] != stmt.duration or existing["shard_duration_ns"] != shard:
                raise StatementError("retention policy already exists")
            if stmt.default and not existing["default"]:
                raise StatementError("retention policy conflicts with an existing policy")
            return None
        try:
            self.engine.create_retention_policy(db, stmt.name, duration_ns=stmt.duration, default=stmt.default,
                                                shard_duration_ns=shard)
        except errors.AlreadyExists:
            raise StatementError("retention policy already exists") from None
        return None

    def alter_retention_policy(self, stmt):
        db = self._existing_database(stmt.database)
        existing = self._policies(db).get(stmt.name)
        if existing is None:
            raise StatementError(f"retention policy not found: {stmt.name}")
        duration = existing["duration_ns"] if stmt.duration is None else stmt.duration
        if 0 < duration < MIN_RP_DURATION:
            raise StatementError(f"retention policy duration must be at least {go_duration(MIN_RP_DURATION)}")
        current_shard = existing["shard_duration_ns"]
        shard = current_shard if stmt.shard_duration is None else normalised_shard_duration(stmt.shard_duration,
                                                                                            duration)
        if 0 < duration < shard:
            raise StatementError("retention policy duration must be greater than the shard duration")
        # NOTE: the replication factor is not stored (one node), so it is accepted and ignored.
        self.engine.alter_retention_policy(db, stmt.name, duration_ns=duration, shard_duration_ns=shard,
                                           default=bool(stmt.default))
        return None

    def drop_retention_policy(self, stmt):
        if not self.engine.database_exists(stmt.database):
            return None
        if stmt.name not in self._policies(stmt.database):
            return None
        try:
            self.engine.drop_retention_policy(stmt.database, stmt.name)
        except errors.NotFound:
            pass  # dropped meanwhile: the outcome is the same
        return None

    # -- measurements, series, tags, fields ----------------------------------------------

    def show_measurements(self, stmt):
        db = self._database(stmt)
        if _has_time(stmt.condition):
            raise StatementError("SHOW MEASUREMENTS doesn't support time in WHERE clause")
        predicate = _compile_condition(stmt.condition, "SHOW MEASUREMENTS")
        if not self.engine.database_exists(db):
            return None  # NOTE: InfluxDB 1.8 answers an empty result here, not an error
        if predicate is None:
            names = set()
            for rp in self._policies(db):
                names.update(self.engine.list_measurements(db, rp))
        else:
            names = {m for m, tags, _ in self._all_series(db) if predicate(m, tags)}
        if stmt.source is not None:
            wanted = _name_filter((stmt.source,))
            names = {n for n in names if wanted(n)}
        names = _page(sorted(names), stmt.offset, stmt.limit)
        if not names:
            return None
        return [Series(["name"], [[n] for n in names], name="measurements")]

    def show_series(self, stmt):
        predicate = self._condition(stmt, "SHOW SERIES")
        keys = set()
        # InfluxDB 1.x keeps one series index per database: every retention policy's series
        # are listed, and a source's retention policy is not a filter
        for source in stmt.sources or (ast.Measurement(),):
            db = self._existing_database(source.database or self._database(stmt))
            wanted = _name_filter((source,))
            for m, tags, key in self._all_series(db):
                if wanted(m) and (predicate is None or predicate(m, tags)):
                    keys.add(key)
        keys = _page(sorted(keys), stmt.offset, stmt.limit)
        if not keys:
            return None
        return [Series(["key"], [[k] for k in keys])]

    def show_tag_keys(self, stmt):
        db = self._existing_database(self._database(stmt))
        predicate = self._condition(stmt, "SHOW TAG KEYS")
        wanted = _name_filter(stmt.sources)
        keys = {}
        for m, tags, _ in self._all_series(db):
            if wanted(m) and (predicate is None or predicate(m, tags)):
                keys.setdefault(m, set()).update(tags)
        out = []
        # NOTE: InfluxDB 1.8 applies LIMIT/OFFSET per measurement and ignores SLIMIT/SOFFSET here
        for m in sorted(m for m in keys if keys[m]):
            page = _page(sorted(keys[m]), stmt.offset, stmt.limit)
            if page:
                out.append(Series(["tagKey"], [[k] for k in page], name=m))
        return out

    def show_tag_values(self, stmt):
        db = self._existing_database(self._database(stmt))
        predicate = self._condition(stmt, "SHOW TAG VALUES")
        wanted = _name_filter(stmt.sources)
        key_matches = _tag_key_matcher(stmt.op, stmt.tag_key)
        pairs = {}
        for m, tags, _ in self._all_series(db):
            if not wanted(m) or (predicate is not None and not predicate(m, tags)):
                continue
            for k, v in tags.items():
                if key_matches(k):
                    pairs.setdefault(m, set()).add((k, v))
        out = []
        for m in sorted(pairs):
            page = _page(sorted(pairs[m]), stmt.offset, stmt.limit)
            if page:
                out.append(Series(["key", "value"], [[k, v] for k, v in page], name=m))
        return out

    def show_field_keys(self, stmt):
        fields = {}
        for source in stmt.sources or (ast.Measurement(),):
            db = self._existing_database(source.database or self._database(stmt))
            rp = source.retention_policy or self.retention_policy or None
            wanted = _name_filter((source,))
            try:
                for m in self.engine.list_measurements(db, rp):
                    if wanted(m) and m not in fields:
                        fields[m] = self.engine.list_fields(db, m, rp)
            except errors.RetentionPolicyNotFound as ex:
                raise StatementError(_influx_text(ex)) from None
        out = []
        for m in sorted(fields):
            page = _page(sorted(fields[m].items()), stmt.offset, stmt.limit)
            if page:
                out.append(Series(["fieldKey", "fieldType"], [[k, t] for k, t in page], name=m))
        return out

    # -- deleting data ---------------------------------------------------------------------
    # As InfluxDB's DeleteSeries and DeleteMeasurement: the request's database (without one:
    # "database not found: "), every retention policy of it (one series index per database);
    # a series left without points leaves the index, a measurement left without series goes
    # with its field types (storage/deletes.py).

    def delete_series(self, stmt):
        db = self._existing_database(self.database)
        try:
            rest, span = split_condition(stmt.condition, self.now_ns)
        except ConditionError as ex:
            raise StatementError(str(ex)) from None
        targets = self._deletion_targets(db, stmt.sources, rest, "DELETE")
        self.engine.delete_points(db, targets, span.lo, span.hi)

    def drop_series(self, stmt):
        db = self._existing_database(self.database)
        if _has_time(stmt.condition):
            raise StatementError("DROP SERIES doesn't support time in WHERE clause")
        self.engine.delete_points(db, self._deletion_targets(db, stmt.sources, stmt.condition, "DROP SERIES"))

    def drop_measurement(self, stmt):
        db = self._existing_database(self.database)
        self.engine.drop_measurement(db, stmt.name)

    def _deletion_targets(self, db, sources, condition, what):
        """``{retention policy: [series id]}`` chosen by FROM and a tag-only WHERE, in every policy.

        A condition on a field of a chosen measurement is refused with InfluxDB's text (it
        deletes by series, never by value).
        """
        wanted = _name_filter(sources)
        names = {n.name for n in ast.walk(condition) if isinstance(n, ast.VarRef)}
        predicate = None
        targets = {}
        for rp in self._policies(db):
            chosen = []
            for m in self.engine.list_measurements(db, rp):
                if not wanted(m):
                    continue
                if names & set(self.engine.list_fields(db, m, rp)):
                    raise StatementError("fields not supported in WHERE clause during deletion")
                if predicate is None and condition is not None:
                    predicate = _compile_condition(condition, what)
                chosen.extend(s["id"] for s in self.engine.list_series(db, m, rp)
                              if predicate is None or predicate(m, s["tags"]))
            targets[rp] = chosen
        return targets

    # -- cardinality ---------------------------------------------------------------------
    # InfluxDB 1.x keeps one series index per database, so these count across every
    # retention policy.  The "estimation" forms are answered exactly (InfluxDB estimates
    # with a sketch; on small sets its figure is the exact one or one more).

    def _series_sets(self, stmt, what):
        """``{measurement: {series key: tags}}`` of the statement's database, sources and WHERE."""
        db = self._existing_database(self._database(stmt))
        predicate = self._condition(stmt, what)
        wanted = _name_filter(stmt.sources)
        out = {}
        for m, tags, key in self._all_series(db):
            if wanted(m) and (predicate is None or predicate(m, tags)):
                out.setdefault(m, {})[key] = tags
        return db, out

    @staticmethod
    def _counts(per_measurement, stmt):
        names = [m for m in sorted(per_measurement) if per_measurement[m]]
        return [Series(["count"], [[per_measurement[m]]], name=m)
                for m in _page(names, stmt.offset, stmt.limit)]

    def show_series_cardinality(self, stmt):
        _, sets = self._series_sets(stmt, "SHOW SERIES CARDINALITY")
        if stmt.exact:
            return self._counts({m: len(keys) for m, keys in sets.items()}, stmt)
        total = len({k for keys in sets.values() for k in keys})
        return [Series(["cardinality estimation"], [[total]])]

    def show_measurement_cardinality(self, stmt):
        _, sets = self._series_sets(stmt, "SHOW MEASUREMENT CARDINALITY")
        column = "count" if stmt.exact else "cardinality estimation"
        return [Series([column], [[len([m for m in sets if sets[m]])]])]

    def show_tag_key_cardinality(self, stmt):
        _, sets = self._series_sets(stmt, "SHOW TAG KEY CARDINALITY")
        return self._counts({m: len({k for tags in keys.values() for k in tags}) for m, keys in sets.items()}, stmt)

    def show_tag_values_cardinality(self, stmt):
        _, sets = self._series_sets(stmt, "SHOW TAG VALUES CARDINALITY")
        key_matches = _tag_key_matcher(stmt.op, stmt.tag_key)
        counts = {m: len({(k, v) for tags in keys.values() for k, v in tags.items() if key_matches(k)})
                  for m, keys in sets.items()}
        return self._counts(counts, stmt)

    def show_field_key_cardinality(self, stmt):
        db = self._existing_database(self._database(stmt))
        wanted = _name_filter(stmt.sources)
        fields = {}
        for rp in self._policies(db):
            for m in self.engine.list_measurements(db, rp):
                if wanted(m):
                    fields.setdefault(m, set()).update(self.engine.list_fields(db, m, rp))
        return self._counts({m: len(f) for m, f in fields.items()}, stmt)

    # -- continuous queries --------------------------------------------------------------
    # Stored by the engine, run by the engine process (continuous.py).  As in InfluxDB,
    # CREATE checks the query's names (normalized as its executor does) and stores its
    # canonical text, and DROP of a query or database that does not exist succeeds.

    def _normalized_continuous_query(self, stmt):
        """InfluxDB's ``NormalizeStatement`` of a CREATE CONTINUOUS QUERY, then its check that
        every named retention policy exists.

        Each measurement (INTO target, FROM sources, those of subqueries) gets a database
        (the request's ``db``, else the query's ``ON`` database) and a retention policy (the
        request's ``rp``, else its database's default); a database that does not exist is
        ``database not found: <db>``, a retention policy ``retention policy not found: <db>.<rp>``.
        """
        default_db = self.database or stmt.database
        defaults = {}

        def measurement(m):
            db = m.database or default_db
            if not db:
                raise StatementError("database name required")
            if db not in defaults:
                policies = self._policies(self._existing_database(db))
                defaults[db] = next((name for name, rp in policies.items() if rp["default"]), "")
            rp = m.retention_policy or self.retention_policy or defaults[db]
            if not rp:
                raise StatementError(f"default retention policy not set for: {db}")
            return dataclasses.replace(m, database=db, retention_policy=rp)

        def select(s):
            target = None
            if s.target is not None:
                target = dataclasses.replace(s.target, measurement=measurement(s.target.measurement))
            sources = tuple(dataclasses.replace(src, statement=select(src.statement))
                            if isinstance(src, ast.SubQuery) else measurement(src) for src in s.sources)
            return dataclasses.replace(s, target=target, sources=sources)

        normalized = dataclasses.replace(stmt, source=select(stmt.source))
        for node in ast.walk(normalized.source):
            if isinstance(node, ast.Measurement) and node.retention_policy not in self._policies(node.database):
                raise StatementError(f"retention policy not found: {node.database}.{node.retention_policy}")
        return normalized

    def create_continuous_query(self, stmt):
        self.engine.create_continuous_query(stmt.database, stmt.name, str(stmt))
        return None

    def drop_continuous_query(self, stmt):
        self.engine.drop_continuous_query(stmt.database, stmt.name)
        return None

    # -- users and privileges ------------------------------------------------------------

    def _changeable(self, name):
        """Refuse to change the server's configured admin with a statement."""
        if self.builtin_admin and name == self.builtin_admin:
            raise StatementError(f"user {name} is the built-in admin of the server settings (auth_user); "
                                 f"change it there, not with InfluxQL")
        return name

    def show_users(self, stmt):
        rows = [[self.builtin_admin, True]] if self.builtin_admin else []
        rows += [[u.name, u.admin] for u in self.engine.influx_users.list() if u.name != self.builtin_admin]
        return [Series(["user", "admin"], rows)]

    def show_grants_for_user(self, stmt):
        if self.builtin_admin and stmt.name == self.builtin_admin:
            held = {}  # an admin by settings, with no per-database grants
        else:
            held = self.engine.influx_users.privileges(stmt.name)
        # NOTE: InfluxDB lists them in Go map order (random); here by database name.
        return [Series(["database", "privilege"], [[db, PRIVILEGE_NAMES[p]] for db, p in sorted(held.items())])]

    def create_user(self, stmt):
        self.engine.influx_users.create(self._changeable(stmt.name), stmt.password, admin=stmt.admin)

    def drop_user(self, stmt):
        self.engine.influx_users.drop(self._changeable(stmt.name))

    def set_password_user(self, stmt):
        self.engine.influx_users.set_password(self._changeable(stmt.name), stmt.password)

    def grant(self, stmt):
        privilege = PRIVILEGE_NAMES.index(stmt.privilege)
        self.engine.influx_users.set_privilege(self._changeable(stmt.user), stmt.on, privilege)

    def grant_admin(self, stmt):
        self.engine.influx_users.set_admin(self._changeable(stmt.user), True)

    def revoke(self, stmt):
        privilege = PRIVILEGE_NAMES.index(stmt.privilege)
        users = self.engine.influx_users
        if privilege == ALL_PRIVILEGES:
            users.set_privilege(self._changeable(stmt.user), stmt.on, NO_PRIVILEGES)
        else:
            users.revoke_privilege(self._changeable(stmt.user), stmt.on, privilege)

    def revoke_admin(self, stmt):
        self.engine.influx_users.set_admin(self._changeable(stmt.user), False)

    def show_continuous_queries(self, stmt):
        return [Series(["name", "query"], [[cq["name"], cq["query"]] for cq in queries], name=db)
                for db, queries in self.engine.list_continuous_queries()]

    # -- subscriptions, running queries ------------------------------------------------------
    # machstore keeps no subscriptions: SHOW SUBSCRIPTIONS answers as InfluxDB does with none.
    # Running queries are in the table tasks.py keeps for every worker.

    def show_subscriptions(self, stmt):
        return None

    def show_queries(self, stmt):
        return [Series(["qid", "query", "database", "duration", "status"], self.task.manager.rows())]

    def kill_query(self, stmt):
        self.task.manager.kill(stmt.query_id)

    @staticmethod
    def _condition(stmt, what):
        if _has_time(stmt.condition):
            raise StatementError(f"time conditions in {what} are not supported yet")
        return _compile_condition(stmt.condition, what)


# -- conditions ----------------------------------------------------------------------------

def _has_time(expr):
    """Return True if ``expr`` refers to ``time`` anywhere."""
    if expr is None:
        return False
    if isinstance(expr, ast.VarRef):
        return expr.name.lower() == "time"
    if isinstance(expr, ast.BinaryExpr):
        return _has_time(expr.lhs) or _has_time(expr.rhs)
    if isinstance(expr, ast.ParenExpr):
        return _has_time(expr.expr)
    if isinstance(expr, ast.Call):
        return any(_has_time(a) for a in expr.args)
    return False


def _compile_condition(expr, what):
    """Compile a WHERE condition into ``predicate(measurement, tags) -> bool`` (None: no condition)."""
    if expr is None:
        return None
    return _compile(expr, what)


def _unsupported_condition(part, what):
    return StatementError(f"unsupported condition in {what}: {part} (only tag comparisons with =, !=, =~ "
                          f"and !~, joined by AND and OR, are supported yet)")


def _compile(expr, what):
    if isinstance(expr, ast.ParenExpr):
        return _compile(expr.expr, what)
    if not isinstance(expr, ast.BinaryExpr):
        raise _unsupported_condition(expr, what)
    if expr.op in ("AND", "OR"):
        left, right = _compile(expr.lhs, what), _compile(expr.rhs, what)
        if expr.op == "AND":
            return lambda m, tags: left(m, tags) and right(m, tags)
        return lambda m, tags: left(m, tags) or right(m, tags)
    ref, lit = expr.lhs, expr.rhs
    if not isinstance(ref, ast.VarRef) and isinstance(lit, ast.VarRef) and expr.op in ("=", "!="):
        ref, lit = lit, ref
    if not isinstance(ref, ast.VarRef) or ref.type not in ("", "tag"):
        raise _unsupported_condition(expr, what)
    name = ref.name
    if name == "_name":
        def value(m, tags):
            return m
    else:
        def value(m, tags):
            return tags.get(name, "")
    if expr.op in ("=", "!=") and isinstance(lit, ast.StringLiteral):
        text = lit.value
        if expr.op == "=":
            return lambda m, tags: value(m, tags) == text
        return lambda m, tags: value(m, tags) != text
    if expr.op in ("=~", "!~") and isinstance(lit, ast.RegexLiteral):
        search = lit.compiled.search
        if expr.op == "=~":
            return lambda m, tags: search(value(m, tags)) is not None
        return lambda m, tags: search(value(m, tags)) is None
    raise _unsupported_condition(expr, what)


def _name_filter(sources):
    """Return ``wanted(measurement) -> bool`` for FROM sources (all measurements if none)."""
    tests = []
    for source in sources:
        if source.regex is not None:
            tests.append(source.regex.compiled.search)
        elif source.name:
            tests.append(source.name.__eq__)
        else:
            return lambda name: True
    if not tests:
        return lambda name: True
    return lambda name: any(test(name) for test in tests)


def _tag_key_matcher(op, tag_key):
    if op == "IN":
        names = frozenset(tag_key.values)
        return names.__contains__
    if op == "=":
        return tag_key.value.__eq__
    if op == "!=":
        return tag_key.value.__ne__
    search = tag_key.compiled.search
    if op == "=~":
        return lambda k: search(k) is not None
    return lambda k: search(k) is None
