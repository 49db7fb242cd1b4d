"""Running queries, shared by every worker process: SHOW QUERIES, KILL QUERY and the query limits.

InfluxDB keeps its running queries in one process's memory (``query/task_manager.go``);
machstore answers ``/query`` from several gunicorn workers, so the table of running queries
lives in a small LMDB environment of its own (``<data>/queries``) that every worker opens.
It holds nothing durable (a restart may forget it), so it is written without ``fsync``: an
entry costs two short write transactions that never wait for the main store's writer.

* ``attach`` registers a query (InfluxDB's query text, database, start time, pid) and gives it
  the next id; with ``max_concurrent_queries`` set it refuses the query past that many running
  ones with InfluxDB's ``max-concurrent-queries limit exceeded(n, limit)``.
* ``SHOW QUERIES`` lists the entries whose process is alive (a worker killed mid-query
  leaves a stale entry, dropped when seen); ``KILL QUERY <qid>`` marks one ``killed``.
* A running query calls ``Task.check`` between reads (``GuardedEngine`` does it on every
  read): a killed query stops with ``query interrupted``, one past ``query_timeout`` with
  ``query-timeout limit exceeded``.  Work already inside one read finishes first.
* ``GuardedEngine`` also applies InfluxDB's coordinator limits to SELECT reads:
  ``max-select-series`` (series one source reads) and ``max-select-point`` (rows read by the
  statement; InfluxDB counts points its cursors emit, and stops on a ticker).
"""
import dataclasses
import os
import threading
import time
from typing import ClassVar

import lmdb
import orjson

from machstore import errors
from machstore.storage import keys

from .ast import go_duration

__all__ = ["GuardedEngine", "QueryAborted", "QueryLimits", "Task", "TaskManager"]

_MAP_SIZE = 64 << 20
_NEXT_ID = b"next"


class QueryAborted(errors.InvalidArgument):
    """A query stopped by a limit, a timeout or KILL QUERY; the message is InfluxDB's."""

    code = "influxql_aborted"


@dataclasses.dataclass(frozen=True)
class QueryLimits:
    """InfluxDB's ``[coordinator]`` limits; 0 means none (InfluxDB's defaults)."""

    max_select_point: int = 0
    max_select_series: int = 0
    max_select_buckets: int = 0
    max_concurrent_queries: int = 0
    query_timeout_s: float = 0.0

    @classmethod
    def from_settings(cls, settings):
        return cls(settings.max_select_point, settings.max_select_series, settings.max_select_buckets,
                   settings.max_concurrent_queries, settings.query_timeout)


class TaskManager:
    """The running-queries table of one data directory, opened once per process (``of``)."""

    _open: ClassVar[dict] = {}   # (pid, data path) -> manager
    _lock = threading.Lock()

    @classmethod
    def of(cls, data_path):
        """Return this process's manager for the store at ``data_path``."""
        key = (os.getpid(), os.path.abspath(data_path))
        with cls._lock:
            manager = cls._open.get(key)
            if manager is None:
                manager = cls._open[key] = cls(os.path.join(data_path, "queries"))
            return manager

    def __init__(self, path):
        os.makedirs(path, exist_ok=True)
        self.env = lmdb.open(path, map_size=_MAP_SIZE, max_dbs=0, sync=False, metasync=False,
                             readahead=False, max_readers=512)

    def attach(self, query, database, limits=QueryLimits()):
        """Register a running query; return its :class:`Task` (or refuse it past the concurrency limit)."""
        now = time.time_ns()
        with self.env.begin(write=True) as txn:
            if limits.max_concurrent_queries > 0:
                running = len(self._live_entries(txn))
                if running >= limits.max_concurrent_queries:
                    raise QueryAborted(f"max-concurrent-queries limit exceeded({running}, "
                                       f"{limits.max_concurrent_queries})")
            raw = txn.get(_NEXT_ID)
            qid = 1 if raw is None else keys.read_u64(raw)
            txn.put(_NEXT_ID, keys.u64(qid + 1))
            entry = {"query": query, "database": database, "start": now, "pid": os.getpid(), "status": "running"}
            txn.put(_task_key(qid), orjson.dumps(entry))
        deadline = now + int(limits.query_timeout_s * 1e9) if limits.query_timeout_s > 0 else None
        return Task(self, qid, deadline)

    def detach(self, qid):
        with self.env.begin(write=True) as txn:
            txn.delete(_task_key(qid))

    def kill(self, qid):
        """Mark a running query killed; InfluxDB's error if there is none with that id."""
        with self.env.begin(write=True) as txn:
            raw = txn.get(_task_key(qid))
            entry = None if raw is None else orjson.loads(raw)
            if entry is None or not _alive(entry["pid"]):
                raise QueryAborted(f"no such query id: {qid}")
            entry["status"] = "killed"
            txn.put(_task_key(qid), orjson.dumps(entry))

    def status(self, qid):
        """``"running"``, ``"killed"``, or None once detached."""
        with self.env.begin() as txn:
            raw = txn.get(_task_key(qid))
        return None if raw is None else orjson.loads(raw)["status"]

    def rows(self, now_ns=None):
        """SHOW QUERIES rows: ``[qid, query, database, duration, status]`` by id."""
        now_ns = time.time_ns() if now_ns is None else now_ns
        with self.env.begin(write=True) as txn:
            entries = self._live_entries(txn)
        return [[qid, e["query"], e["database"], go_duration(_truncated(now_ns - e["start"])), e["status"]]
                for qid, e in sorted(entries.items())]

    def _live_entries(self, txn):
        """``{qid: entry}`` of the queries whose process lives; stale entries are removed."""
        out, stale = {}, []
        with txn.cursor() as cur:
            for k, v in cur:
                if k == _NEXT_ID:
                    continue
                entry = orjson.loads(v)
                if _alive(entry["pid"]):
                    out[keys.read_u64(k, 1)] = entry
                else:
                    stale.append(bytes(k))
        for k in stale:
            txn.delete(k)
        return out


class Task:
    """One running query: its id and what stops it."""

    def __init__(self, manager, qid, deadline):
        self.manager, self.qid, self.deadline = manager, qid, deadline

    def check(self):
        """Raise QueryAborted if the query was killed or ran past its timeout."""
        if self.deadline is not None and time.time_ns() > self.deadline:
            raise QueryAborted("query-timeout limit exceeded")
        if self.manager.status(self.qid) == "killed":
            raise QueryAborted("query interrupted")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.manager.detach(self.qid)


class GuardedEngine:
    """The engine as one SELECT statement sees it: reads check the task and count against limits.

    Everything but the reads passes straight through to the engine.
    """

    def __init__(self, engine, task, limits):
        self._engine, self._task, self._limits = engine, task, limits
        self.points = 0

    def __getattr__(self, name):
        return getattr(self._engine, name)

    def scan_series(self, db, series_ids, *args, **kwargs):
        series_ids = self._before_read(series_ids)
        scan = self._engine.scan_series(db, series_ids, *args, **kwargs)
        self._after_read(len(scan))
        return scan

    def read_many(self, db, series_ids, *args, **kwargs):
        series_ids = self._before_read(series_ids)
        out = self._engine.read_many(db, series_ids, *args, **kwargs)
        self._after_read(sum(len(rows) for rows in out.values()))
        return out

    def _before_read(self, series_ids):
        series_ids = list(series_ids)
        self._task.check()
        limit = self._limits.max_select_series
        if limit > 0 and len(series_ids) > limit:
            raise QueryAborted(f"max-select-series limit exceeded: ({len(series_ids)}/{limit})")
        return series_ids

    def _after_read(self, rows):
        self.points += rows
        limit = self._limits.max_select_point
        if limit > 0 and self.points >= limit:
            raise QueryAborted(f"max-select-point limit exceeed: ({self.points}/{limit})")  # sic, InfluxDB's text
        self._task.check()


def _task_key(qid):
    return b"q" + keys.u64(qid)


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _truncated(ns):
    """A running time cut as SHOW QUERIES cuts it: to seconds, milliseconds or microseconds."""
    for unit in (10**9, 10**6, 10**3):
        if ns >= unit:
            return ns - ns % unit
    return max(ns, 0)
