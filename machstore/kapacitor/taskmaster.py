"""The stream task master: runs every enabled stream task inside the engine process.

One ``round()`` (docs/kapacitor-runtime.md):

1. under one read snapshot: reload the task definitions if ``ctr/defs`` moved (a task whose
   ``stamp`` changed restarts with fresh state; a new one starts at the current segment
   head), then read the segments after the stream cursor in commit order and feed each
   chunk to the tasks whose ``dbrps`` hold its database and retention policy;
2. ``graph.tick(now)`` for wall-clock driven nodes;
3. ONE write transaction: the ``influxDBOut`` points (through ``Engine.write_lines_in``),
   httpOut results, alert states, alert events routed through their topics
   (``alerts/topics.py``: topic handlers, publish, aggregate buffers, outbox entries), every
   touched task's pickled state and run status, the new cursor and the compaction horizon.

The first round of an engine process applies a restart to the alert topics
(``topics.restart``: ``[alert] persist-topics``).

State, outputs and cursor move together, so a crash leaves the store before or after a
round: a committed write reaches a task once.  If the commit fails, every task is rebuilt
from its stored state (the round runs again from the stored cursor).
"""
from __future__ import annotations

import contextlib
import logging
import pickle
import time

from machstore.errors import MachstoreError

from . import deadman, outbox, store
from .alerts import topics
from .definitions import compile_task
from .graph import TaskGraph
from .lineformat import PRECISIONS, UnwritablePoint, to_lines
from .storecontext import StoreContext, alert_key
from .stream import SegmentStream

log = logging.getLogger("machstore.kapacitor.taskmaster")

MAX_ROUND_POINTS = 200_000      # points read per round (bounds a round's transaction)
ROUND_TIME_BUDGET = 0.5         # seconds of feeding per round: a slow task cannot hold a round (or a stop) for long
CURSOR_ONLY_EVERY = 0.2         # seconds between commits that would only move the cursor


class RunningTask:
    """One started stream task: its graph, its context and how far it has read."""

    def __init__(self, defn: dict, graph: TaskGraph, ctx: StoreContext, pos: int, now_ns: int):
        self.id = defn["id"]
        self.stamp = defn.get("stamp")
        self.dbrps = {(d.get("db", ""), d.get("rp", "")) for d in defn.get("dbrps") or []}
        self.graph = graph
        self.ctx = ctx
        self.pos = pos              # last segment sequence number fed (or skipped)
        self.fed = 0                # points fed since the last status
        self.since = now_ns         # wall time of the last status
        self.throughput = 0.0
        self.dirty = True           # state or status to store this round

    def status(self, now_ns: int) -> dict:
        elapsed = (now_ns - self.since) / 1e9
        if elapsed > 0 and (self.fed or elapsed > 1):
            self.throughput = self.fed / elapsed
            self.fed, self.since = 0, now_ns
        return {"executing": True, "error": "", "stats": {"throughput": self.throughput},
                "nodes": self.graph.node_stats(), "stamp": self.stamp}


def build(defn: dict, ctx) -> TaskGraph:
    """Evaluate a definition's script with its vars into a ``TaskGraph`` (errors propagate:
    their text is the task's run status ``error``)."""
    ev = compile_task(defn.get("script") or "", "stream", defn.get("vars") or {},
                      deadman=deadman.settings(ctx.kapacitor_config))
    return TaskGraph(ev.pipeline, ctx, task_id=defn["id"])


class TaskMaster:
    """Runs the stream tasks of one engine (see the module docstring)."""

    def __init__(self, engine, *, clock=time.time_ns, max_round_points=MAX_ROUND_POINTS,
                 round_time_budget=ROUND_TIME_BUDGET, on_outbox=None):
        self.engine = engine
        self.clock = clock
        self.max_round_points = max_round_points
        self.round_time_budget = round_time_budget
        self.on_outbox = on_outbox          # called after a commit that added deliveries
        self.stream = SegmentStream(engine)
        self.kdb = store.db(engine)
        self.tasks = {}                     # id -> RunningTask
        self.failed = {}                    # id -> stamp of a definition that failed to start
        self.defs_seen = None
        self.cursor = None                  # the committed stream cursor
        self.horizon_set = None             # whether the store holds a compaction horizon
        self.last_commit = 0.0              # monotonic time of the last round commit
        self.topics_restarted = False       # topics.restart ran (first round of the process)
        self.closing_topics = []            # anonymous topics of tasks that failed, closed at commit

    @property
    def active(self) -> bool:
        """Whether any stream task runs (the engine process then polls instead of sleeping)."""
        return bool(self.tasks)

    def round(self) -> int:
        """Run one round; return the points fed plus outputs staged (0 = nothing happened)."""
        now = self.clock()
        stopped, statuses = [], {}
        fed_points = 0
        if not self.topics_restarted:
            self.topics_restarted = True
            from . import config
            try:
                topics.restart(self.engine, topics.persist_topics(config.view(self.engine)))
            except Exception:  # topics stay as stored; the tasks must still run
                log.exception("alert topics could not be restarted")
        with self.engine.env.begin() as rtxn:
            if self.cursor is None:
                self.cursor = store.read_u64(rtxn, self.kdb, store.CURSOR)
                self.horizon_set = self.engine.compaction_horizon(rtxn) is not None
            head = self.engine.segment_head(rtxn)
            defs = store.read_u64(rtxn, self.kdb, store.DEFS_COUNTER)
            if defs != self.defs_seen:
                self._reload(rtxn, head, now, stopped, statuses)
                self.defs_seen = defs
            last = None
            if self.tasks:
                start = min(t.pos for t in self.tasks.values())
                if head > start:
                    last, fed_points = self._feed(rtxn, start, head, statuses)
        for t in self.tasks.values():
            self._guarded(t, lambda t=t: t.graph.tick(now), statuses)
        new_cursor = self.cursor
        if last is not None:
            for t in self.tasks.values():
                t.pos = max(t.pos, last)
        if self.tasks:
            new_cursor = max(self.cursor, min(t.pos for t in self.tasks.values()))
        touched = [t for t in self.tasks.values() if t.dirty or t.ctx.staged]
        want_horizon = bool(self.tasks)
        if not (touched or stopped or statuses or new_cursor != self.cursor or want_horizon != self.horizon_set):
            return 0
        if not (touched or stopped or statuses) and want_horizon == self.horizon_set \
                and time.monotonic() - self.last_commit < CURSOR_ONLY_EVERY:
            # PERF: only the cursor moved (writes no task reads): no commit (and fsync) per
            # poll.  Safe: after a crash those segments are read again and feed no task.
            return 0
        try:
            deliveries = self._commit(now, touched, stopped, statuses, new_cursor, want_horizon)
        except Exception:
            log.exception("stream round failed to commit; tasks restart from their stored state")
            self.tasks.clear()
            self.defs_seen = None
            self.cursor = None
            raise
        self.cursor = new_cursor
        self.horizon_set = want_horizon
        self.last_commit = time.monotonic()
        for t in touched:
            t.dirty = False
        self.closing_topics = []
        if deliveries and self.on_outbox is not None:
            self.on_outbox()
        return fed_points + len(touched) + len(stopped) + len(statuses)

    # -- loading -----------------------------------------------------------------------------

    def _reload(self, rtxn, head, now, stopped, statuses):
        defs = {d["id"]: d for d in store.list_tasks(rtxn, self.kdb)}
        wanted = {i: d for i, d in defs.items() if d.get("type") == "stream" and d.get("status") == "enabled"}
        for task_id in list(self.tasks):
            d = wanted.get(task_id)
            if d is None or d.get("stamp") != self.tasks[task_id].stamp:
                t = self.tasks[task_id]
                self._guarded(t, t.graph.stop, statuses)     # flushes: committed with the stop
                if self.tasks.pop(task_id, None) is not None:
                    stopped.append((t, task_id in defs))
        for task_id in list(self.failed):
            d = wanted.get(task_id)
            if d is None or d.get("stamp") != self.failed[task_id]:
                del self.failed[task_id]
                if task_id not in wanted:
                    statuses[task_id] = _stopped_status("") if task_id in defs else None
        for key, _ in store.iter_prefix(rtxn, self.kdb, b"run/"):
            task_id = key[4:].decode()
            if task_id not in defs and task_id not in self.tasks:
                statuses[task_id] = None        # a deleted task: forget its run status
        for task_id, d in wanted.items():
            if task_id in self.tasks or task_id in self.failed:
                continue
            ctx = StoreContext(task_id, self.engine, self.clock)
            try:
                graph = build(d, ctx)
                saved = rtxn.get(store.state_key(task_id), db=self.kdb)
                saved = pickle.loads(saved) if saved is not None else None
                if saved is not None and saved.get("stamp") == d.get("stamp"):
                    graph.restore(saved["graph"])
                    pos = saved["pos"]
                else:
                    pos = head
            except Exception as ex:  # noqa: BLE001 - a task that cannot start reports why
                self.failed[task_id] = d.get("stamp")
                statuses[task_id] = _stopped_status(str(ex))
                log.warning("task %s failed to start: %s", task_id, ex)
                continue
            self.tasks[task_id] = RunningTask(d, graph, ctx, pos, now)
            self._create_databases(ctx)

    def _create_databases(self, ctx):
        """``influxDBOut.create()``: Kapacitor sends CREATE DATABASE when the task starts."""
        if not ctx.creates:
            return
        from machstore.influxql import execute, parser
        for db, rp in ctx.creates:
            text = "CREATE DATABASE " + _quote_ident(db) + (" WITH NAME " + _quote_ident(rp) if rp else "")
            try:
                results = execute.execute(self.engine, parser.parse(text))
                err = next((r.error for r in results if r.error), None)
            except Exception as ex:  # noqa: BLE001 - Kapacitor logs the failure and runs on
                err = str(ex)
            if err:
                ctx.log("E", "influxdb_out", f'msg="failed to create database" database={db} err="{err}"')
        ctx.creates.clear()

    # -- feeding -----------------------------------------------------------------------------

    def _feed(self, rtxn, start, head, statuses):
        by_dbrp = {}
        for t in self.tasks.values():
            t.ctx.read_txn = rtxn
            for dbrp in t.dbrps:
                by_dbrp.setdefault(dbrp, []).append(t)
        last, seen = head, 0
        deadline = time.monotonic() + self.round_time_budget
        try:
            with contextlib.closing(self.stream.chunks(rtxn, start, head)) as chunks:
                for seq, pts in chunks:
                    for t in by_dbrp.get((pts.db, pts.rp), ()):
                        if t.pos < seq and t.id in self.tasks:
                            t.dirty = True
                            t.fed += pts.n
                            self._guarded(t, lambda t=t, pts=pts: t.graph.feed(pts), statuses)
                    seen += pts.n
                    if seen >= self.max_round_points or time.monotonic() >= deadline:
                        last = seq
                        break
        finally:
            for t in self.tasks.values():
                t.ctx.read_txn = None
        return last, seen

    def _guarded(self, t, fn, statuses):
        """Run ``fn`` for task ``t``; a failure stops the task with its error (as Kapacitor)."""
        if t.id not in self.tasks:
            return
        try:
            fn()
        except Exception as ex:  # one broken task must not stop the others
            log.exception("task %s stopped with an error", t.id)
            self.tasks.pop(t.id, None)
            self.closing_topics += t.ctx.anon_topics
            self.failed[t.id] = t.stamp
            statuses[t.id] = _stopped_status(str(ex) or type(ex).__name__, t.graph.node_stats())

    # -- committing ----------------------------------------------------------------------------

    def _commit(self, now, touched, stopped, statuses, cursor, want_horizon) -> int:
        kdb, deliveries = self.kdb, 0
        # PERF: pickle states before taking LMDB's one writer lock, which /write also waits for
        # (10 window tasks: ~0.1 s a round); a task with influxDBOut writes is pickled inside,
        # after its writes' done() callbacks updated its nodes
        states = {t.id: self._state_blob(t) for t in touched if t.id in self.tasks and not t.ctx.writes}
        with self.engine.env.begin(write=True) as txn:
            for topic in self.closing_topics:
                topics.close(txn, kdb, topic)
            for t, defined in stopped:
                deliveries += self._put_outputs(txn, t)
                for topic in t.ctx.anon_topics:     # Kapacitor: CloseTopic, DeleteTopic with the task
                    (topics.close if defined else topics.delete)(txn, kdb, topic)
                for key, _ in store.iter_prefix(txn, kdb, b"http/" + t.id.encode() + b"/"):
                    txn.delete(key, db=kdb)
                txn.delete(store.state_key(t.id), db=kdb)
                if defined:
                    store.put_json(txn, kdb, store.run_key(t.id), _stopped_status(""))
                else:
                    txn.delete(store.run_key(t.id), db=kdb)
            for task_id, status in statuses.items():
                if status is None:
                    txn.delete(store.run_key(task_id), db=kdb)
                    topics.delete_task_topics(txn, kdb, task_id)
                    continue
                txn.delete(store.state_key(task_id), db=kdb)
                for key, _ in store.iter_prefix(txn, kdb, b"http/" + task_id.encode() + b"/"):
                    txn.delete(key, db=kdb)
                store.put_json(txn, kdb, store.run_key(task_id), status)
            for t in touched:
                if t.id not in self.tasks:
                    continue
                deliveries += self._put_outputs(txn, t)
                blob = states.get(t.id)
                txn.put(store.state_key(t.id), blob if blob is not None else self._state_blob(t), db=kdb)
                store.put_json(txn, kdb, store.run_key(t.id), t.status(now))
            store.write_u64(txn, kdb, store.CURSOR, cursor)
            self.engine.set_compaction_horizon(txn, cursor if want_horizon else None)
        for t in touched:
            t.ctx.clear()
        for t, _ in stopped:
            t.ctx.clear()
        return deliveries

    @staticmethod
    def _state_blob(t) -> bytes:
        return pickle.dumps({"stamp": t.stamp, "pos": t.pos, "graph": t.graph.state()},
                            protocol=pickle.HIGHEST_PROTOCOL)

    def _put_outputs(self, txn, t) -> int:
        """Store what task ``t`` staged this round; return the alert deliveries added."""
        kdb, ctx = self.kdb, t.ctx
        for db, rp, pts, precision, done in ctx.writes:
            error = write_points(self.engine, txn, db, rp, pts, precision)
            if done is not None:
                done(error)
        for endpoint, result in ctx.http.items():
            store.put_json(txn, kdb, store.http_key(t.id, endpoint), result)
        for (topic, alert_id), state in ctx.alert_states.items():
            store.put_json(txn, kdb, alert_key(topic, alert_id), state)
        for topic in ctx.opened:
            topics.ensure(txn, kdb, topic)
        added, batch = 0, topics.Batch()
        for node, topic, event, meta, handlers in ctx.collects:
            added += topics.collect(txn, kdb, topic, event, meta, handlers, task=t.id, node=node, batch=batch,
                                    emit=lambda *entry: outbox.put(txn, kdb, *entry))
        batch.finish(txn, kdb)
        for node, event, handlers in ctx.events:
            outbox.put(txn, kdb, t.id, node, event, handlers)
        return len(ctx.events) + added


def write_points(engine, txn, db, rp, pts, precision) -> str | None:
    """Store an ``influxDBOut`` chunk in a nested transaction of ``txn``; return the error text.

    A refused write (no such database, a type conflict, an unwritable value) leaves
    nothing behind, as InfluxDB answers a failed batch; InfluxDB's partial write keeps the
    points that passed, and so does this (the error is still reported).
    """
    if not db:
        return "database is required"
    try:
        body = to_lines(pts, precision)
    except UnwritablePoint as ex:
        return str(ex)
    child = engine.env.begin(write=True, parent=txn)
    try:
        result = engine.write_lines_in(child, db, body, rp=rp or None, precision=PRECISIONS[precision])
    except MachstoreError as ex:
        child.abort()
        return str(ex)
    except Exception:
        child.abort()
        raise
    child.commit()
    if result.parse_errors:
        return result.parse_errors[0]
    if result.drop_errors:
        return f"partial write: {result.drop_errors[0]} dropped={result.dropped}"
    return None


def _stopped_status(error: str, nodes=None) -> dict:
    return {"executing": False, "error": error, "stats": {}, "nodes": nodes or {}}


def _quote_ident(name: str) -> str:
    """An InfluxQL identifier, double-quoted (valid for any name, keywords included)."""
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
