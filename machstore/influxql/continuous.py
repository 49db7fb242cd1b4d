"""Run continuous queries: the engine process's InfluxDB ``continuous_querier`` service.

Every ``run_interval`` seconds (InfluxDB's ``[continuous_queries] run-interval``) the runner
reads every database's continuous queries from the engine and, for each one that is due
(:mod:`.continuous_schedule`), runs its ``SELECT ... INTO`` over the due time range: the
query's own time conditions (``time > now() - 1h``) are replaced by ``time >= start AND time <
end``, the rows are written through the engine's write path (durable when it returns), and
only then is the new run state recorded in LMDB.  So after a restart, even after ``kill -9``,
the runner resumes from the last run that committed:

* an interval missed while the server was down is computed on the first run after it, once
  (the due range starts from the recorded last run, not from ``now``);
* a catch-up is bounded: at most :data:`CATCH_UP_INTERVALS` GROUP BY intervals back from
  ``now`` are computed (older missed intervals are skipped, and the log says which), in
  parts of at most :data:`PART_INTERVALS` intervals, one part per query per check, each part
  recorded (``resume_from``) once its points committed;
* the only window for repeating work is a crash between a part's INTO commit and the
  commit of its run state: that part is computed again after the restart, which rewrites
  the same points with the same values (INTO overwrites points of the same series and time).

A query that fails as InfluxDB's would (an InfluxQL error, a missing database, a field type
conflict) is logged and its run still counts, as in InfluxDB, which records the last run
before executing; any other failure (the disk is full, a bug) is logged and the same range is
tried again at the next check.
"""
import dataclasses
import logging
import time

from machstore import errors

from . import ast
from .continuous_schedule import plan, truncate
from .parser import InfluxQLParseError, parse_statement
from .select import run_select
from .timerange import ConditionError, zone

__all__ = ["CATCH_UP_INTERVALS", "PART_INTERVALS", "ContinuousQueryRunner", "with_time_range"]

log = logging.getLogger("machstore.continuous_queries")

CATCH_UP_INTERVALS = 10_000   # most GROUP BY intervals a catch-up reaches back from now
PART_INTERVALS = 1_000        # most GROUP BY intervals one SELECT of a catch-up computes


class ContinuousQueryRunner:
    """Run every database's continuous queries when they are due.

    ``clock`` gives the wall-clock time in nanoseconds (InfluxDB's ``time.Now()``); tests
    pass a fake one, or call :meth:`run_all` with the time they want.
    """

    def __init__(self, engine, *, run_interval=1.0, clock=time.time_ns, monotonic=time.monotonic):
        self.engine = engine
        self.run_interval = run_interval
        self.clock = clock
        self.monotonic = monotonic
        self._next_check = 0.0
        self._reported = set()   # (query id, problem) already logged: a broken query logs once

    def seconds_until_due(self):
        """Seconds until the next check (0 when it is due now)."""
        return max(0.0, self._next_check - self.monotonic())

    def run_pending(self):
        """Check the queries if ``run_interval`` has passed since the last check; return the
        number of queries that ran a SELECT."""
        if self.monotonic() < self._next_check:
            return 0
        self._next_check = self.monotonic() + self.run_interval
        return self.run_all(self.clock())

    def run_all(self, now):
        """Run every query due at ``now`` (ns); return how many ran a SELECT."""
        ran = 0
        for db, queries in self.engine.list_continuous_queries():
            for cq in queries:
                if self.run_one(db, cq, now):
                    ran += 1
        return ran

    def run_one(self, db, cq, now):
        """Run one query (a record of ``Engine.list_continuous_queries``) if it is due at
        ``now``; return True if it ran a SELECT."""
        stmt = self._statement(db, cq)
        if stmt is None:
            return False
        select = stmt.source
        try:
            interval, offset = select.group_by_interval(), select.group_by_offset()
            tz = zone(select.location) if select.location else None
        except (ValueError, ConditionError) as ex:
            self._report(db, cq, str(ex))
            return False
        if interval == 0:
            self._report(db, cq, "never runs: it has no GROUP BY time() interval")
            return False
        if select.is_raw_query:
            self._report(db, cq, "continuous queries must be aggregate queries")
            return False
        due = plan(now, cq["last_run"], interval=interval, offset=offset, every=stmt.resample_every,
                   for_=stmt.resample_for, tz=tz)
        if due is None:
            return False
        start, end = due.start, due.end
        if cq["resume_from"] is not None:
            start = max(start, cq["resume_from"])
        reach = max(CATCH_UP_INTERVALS * interval,
                    (stmt.resample_for or interval) + (stmt.resample_every or interval))
        if end - start > reach:
            oldest = truncate(end - reach - offset, interval, tz) + offset
            log.warning("continuous query %s.%s: skipping [%s, %s): more than %d intervals behind",
                        db, cq["name"], ast.rfc3339_nano(start), ast.rfc3339_nano(oldest), CATCH_UP_INTERVALS)
            start = oldest
        if end <= start:
            self._record(db, cq, last_run=due.last_run)
            return False
        part_end = end
        if end - start > PART_INTERVALS * interval:
            part_end = truncate(start + PART_INTERVALS * interval - offset, interval, tz) + offset
        return self._execute(db, cq, select, start, part_end, now,
                             done={"last_run": due.last_run} if part_end >= end else
                             {"last_run": cq["last_run"], "resume_from": part_end})

    def _statement(self, db, cq):
        try:
            stmt = parse_statement(cq["query"])
        except InfluxQLParseError as ex:
            self._report(db, cq, f"cannot parse its query: {ex}")
            return None
        if not isinstance(stmt, ast.CreateContinuousQuery) or stmt.source.target is None:
            self._report(db, cq, "query isn't a valid continuous query")
            return None
        return stmt

    def _execute(self, db, cq, select, start, end, now, done):
        query = dataclasses.replace(select, condition=with_time_range(select.condition, start, end))
        began = time.monotonic()
        try:
            out = run_select(self.engine, query, database=db, now_ns=now)
        except errors.StorageFull:
            log.exception("continuous query %s.%s failed on [%s, %s); trying again at the next check",
                          db, cq["name"], ast.rfc3339_nano(start), ast.rfc3339_nano(end))
            return False
        except errors.MachstoreError as ex:
            log.error("continuous query %s.%s failed on [%s, %s): %s", db, cq["name"],
                      ast.rfc3339_nano(start), ast.rfc3339_nano(end), ex)
            self._record(db, cq, **done)
            return True
        except Exception:  # NOTE: one broken query must not stop the others
            log.exception("continuous query %s.%s failed on [%s, %s); trying again at the next check",
                          db, cq["name"], ast.rfc3339_nano(start), ast.rfc3339_nano(end))
            return False
        written = out[0].values[0][1] if out and out[0].values else 0
        log.info("continuous query %s.%s computed [%s, %s): %d points written in %.1f ms", db, cq["name"],
                 ast.rfc3339_nano(start), ast.rfc3339_nano(end), written, (time.monotonic() - began) * 1e3)
        self._record(db, cq, **done)
        return True

    def _record(self, db, cq, *, last_run, resume_from=None):
        if not self.engine.record_continuous_query_run(db, cq["name"], cq["id"], last_run=last_run,
                                                       resume_from=resume_from):
            log.info("continuous query %s.%s was dropped while it ran", db, cq["name"])

    def _report(self, db, cq, problem):
        if (cq["id"], problem) not in self._reported:
            self._reported.add((cq["id"], problem))
            log.error("continuous query %s.%s: %s", db, cq["name"], problem)


def with_time_range(condition, start, end):
    """``condition`` without its time comparisons, AND ``time >= start AND time < end``.

    InfluxDB's ``SetTimeRange``: a continuous query's own time bounds (``time > now() - 1h``)
    give way to the range the schedule computes.  A comparison whose either side is ``time``
    counts as true: it disappears from an AND and makes an OR true.
    """
    time_ref = ast.VarRef("time")
    bounds = ast.BinaryExpr("AND", ast.BinaryExpr(">=", time_ref, ast.StringLiteral(ast.rfc3339_nano(start))),
                            ast.BinaryExpr("<", time_ref, ast.StringLiteral(ast.rfc3339_nano(end))))
    rest = _without_time(condition)
    if rest is None:
        return bounds
    if isinstance(rest, ast.BinaryExpr) and rest.op == "OR":
        rest = ast.ParenExpr(rest)
    return ast.BinaryExpr("AND", rest, bounds)


def _is_time(expr):
    return isinstance(expr, ast.VarRef) and expr.name.lower() == "time"


def _without_time(expr):
    """``expr`` with time comparisons taken as true; None when all of it is true."""
    if expr is None:
        return None
    if isinstance(expr, ast.ParenExpr):
        inner = _without_time(expr.expr)
        return None if inner is None else ast.ParenExpr(inner)
    if isinstance(expr, ast.BinaryExpr):
        if expr.op in ("AND", "OR"):
            lhs, rhs = _without_time(expr.lhs), _without_time(expr.rhs)
            if lhs is None or rhs is None:
                return (rhs if lhs is None else lhs) if expr.op == "AND" else None
            return ast.BinaryExpr(expr.op, lhs, rhs)
        if _is_time(expr.lhs) or _is_time(expr.rhs):
            return None
    if isinstance(expr, ast.BooleanLiteral) and expr.value:
        return None
    return expr
