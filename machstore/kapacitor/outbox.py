"""The alert outbox: deliveries committed with the round, sent after it, at least once.

An alert handler posts to HTTP, TCP, SMTP or runs a program: none of that can join the
round's LMDB transaction.  So the task master stores each delivery as ``outbox/<u64 seq>``
(JSON ``{"task", "node", "event", "handlers"}``) in the round's transaction, and
``OutboxSender`` (a thread of the engine process) sends it after the commit through
``machstore.kapacitor.alerts.handlers.deliver(handler, event)``.  An entry is removed once
every handler took it; a handler that fails is retried with backoff and the entry keeps
only the handlers still owed.  A crash between commit and delivery resends (at least once),
never drops (Kapacitor drops them on a crash).

Every try is counted per handler kind in the store (``dstat/<kind>``: ``sent``, ``failed``;
``/kapacitor/v1/debug/vars`` shows them as the ``alert_deliveries`` stat), in the transaction
that updates the entry; a failure is logged.  One pass tries each due entry once, so a
handler that keeps failing (or hangs until its timeout) delays no other handler and no task:
each handler is a lane of its own on a small thread pool (``send_due``).
The same thread flushes the aggregate topic handlers whose interval ended
(``alerts/topics.flush_aggregates``).
"""
from __future__ import annotations

import collections
import logging
import queue
import struct
import threading
import time
from concurrent import futures

import orjson

from . import posting, store

log = logging.getLogger("machstore.kapacitor.outbox")

PREFIX = b"outbox/"
COUNTER = b"ctr/outbox"
DSTAT = b"dstat/"
_U64 = struct.Struct(">Q")
BACKOFF_FIRST = 0.5     # seconds before the first retry of a failed delivery
BACKOFF_MAX = 60.0


def put(txn, kdb, task_id: str, node: str, event: dict, handlers: list) -> int:
    """Store one delivery in ``txn``; return its sequence number."""
    seq = store.read_u64(txn, kdb, COUNTER) + 1
    store.write_u64(txn, kdb, COUNTER, seq)
    txn.put(PREFIX + _U64.pack(seq), orjson.dumps(
        {"task": task_id, "node": node, "event": event, "handlers": handlers}), db=kdb)
    return seq


def pending(txn, kdb) -> list:
    """``[(key, entry)]`` of every delivery not yet sent, oldest first."""
    return [(k, orjson.loads(v)) for k, v in store.iter_prefix(txn, kdb, PREFIX)]


def count_delivery(txn, kdb, kind: str, *, sent: int = 0, failed: int = 0) -> None:
    """Add to the per-kind delivery counters (``dstat/<kind>``: ``{"sent", "failed"}``)."""
    key = DSTAT + kind.encode()
    cur = store.get_json(txn, kdb, key) or {"sent": 0, "failed": 0}
    store.put_json(txn, kdb, key, {"sent": cur["sent"] + sent, "failed": cur["failed"] + failed})


def delivery_counts(txn, kdb) -> dict:
    """``{kind: {"sent", "failed"}}`` of every handler kind tried so far."""
    return {k[len(DSTAT):].decode(): orjson.loads(v) for k, v in store.iter_prefix(txn, kdb, DSTAT)}


def default_deliver(handler, event, config=None):
    """An alert handler (``[kind, options]``, ``services/``) or an ``httpPost`` request
    (``posting.py``); ``[GoType, fields]`` handlers of outboxes written before services go
    through ``alerts/handlers.py``."""
    if handler[0] == posting.KIND:
        return posting.deliver(handler[1], event)
    from machstore.kapacitor.alerts import handlers
    if handler[0] in handlers.SUPPORTED:
        return handlers.deliver(handler, event)
    from machstore.kapacitor import services
    if config is None:
        from machstore.kapacitor.services.base import StaticConfig
        config = StaticConfig()
    return services.deliver(handler, event, config)


class OutboxSender:
    """Sends the outbox of an engine's store from a thread (``start``/``wake``/``stop``)."""

    def __init__(self, engine, *, deliver=None, idle=1.0, settle=1.0, workers=8):
        self.engine = engine
        if deliver is None:
            from machstore.kapacitor import config

            def deliver(handler, event):
                return default_deliver(handler, event, config.view(engine))
        self.deliver = deliver
        self.idle = idle
        self.retry_at = {}      # entry key -> (monotonic time of the next try, current backoff)
        self.settle = settle    # seconds a pass waits for the deliveries it started
        self._pool = _DaemonPool(workers)
        self._inflight = {}     # future -> (entry key, handler index, lane)
        self._busy = set()      # lanes with a delivery running
        self._open = {}         # entry key -> its tries of this round (see _harvest, _settle)
        self._wake = threading.Event()
        self._stop = False
        self._thread = None

    def start(self):
        self._thread = threading.Thread(target=self._run, name="kapacitor-outbox", daemon=True)
        self._thread.start()

    def wake(self):
        self._wake.set()

    def stop(self, timeout=5.0):
        self._stop = True
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self._pool.shutdown()

    def _run(self):
        from .alerts import topics
        while not self._stop:
            try:
                _, agg_due = topics.flush_aggregates(self.engine, put)
                wait = self.send_due()
                if agg_due is not None:
                    wait = min(wait, agg_due)
            except Exception:  # the sender must outlive one bad pass
                log.exception("outbox pass failed")
                wait = BACKOFF_FIRST
            self._wake.wait(min(wait, self.idle))
            self._wake.clear()

    def send_due(self) -> float:
        """Try every due entry once; return seconds until the next retry is due (idle if none).

        Each handler is a lane (its deliveries go one at a time, in outbox order, as through
        Kapacitor's per-handler buffer); lanes run side by side on a thread pool, so a slow or
        failing handler holds no other.  The pass waits up to ``settle`` seconds for what it
        started; a delivery still running then is harvested by a later pass, and its entry
        stays untouched (and is not retried) until every handler it started has finished.
        """
        kdb = store.db(self.engine)
        self._harvest(kdb, [f for f in list(self._inflight) if f.done()])
        with self.engine.env.begin() as txn:
            entries = pending(txn, kdb)
        now = time.monotonic()
        next_due = self.idle
        work = {}   # lane -> deque of (entry key, handler index), oldest entry first
        for key, entry in entries:
            if self._stop:
                break
            if key in self._open:
                continue        # a handler of it is still running since an earlier pass
            due, _ = self.retry_at.get(key, (0.0, 0.0))
            if due > now:
                next_due = min(next_due, due - now)
                continue
            handlers = entry.get("handlers") or []
            self._open[key] = {"entry": entry, "left": len(handlers), "owed": [], "counts": {}, "failed": False}
            for i, handler in enumerate(handlers):
                work.setdefault(_lane(entry, handler), collections.deque()).append((key, i))
            if not handlers:
                self._settle(kdb, key)
        deadline = time.monotonic() + self.settle
        while not self._stop:
            for lane, lane_work in work.items():
                if lane_work and lane not in self._busy:
                    key, i = lane_work.popleft()
                    entry = self._open[key]["entry"]
                    fut = self._pool.submit(self.deliver, entry["handlers"][i], entry["event"])
                    self._inflight[fut] = (key, i, lane)
                    self._busy.add(lane)
                    fut.add_done_callback(lambda _f: self._wake.set())
            if not self._inflight:
                break
            done, _ = futures.wait(list(self._inflight), timeout=max(0.0, deadline - time.monotonic()),
                                   return_when=futures.FIRST_COMPLETED)
            if not done:
                break
            self._harvest(kdb, done)
        for lane_work in work.values():  # not started this pass: still owed, tried next pass
            for key, i in lane_work:
                rec = self._open[key]
                rec["owed"].append(rec["entry"]["handlers"][i])
                rec["left"] -= 1
                if rec["left"] == 0:
                    self._settle(kdb, key)
        if self._inflight or any(work.values()):
            next_due = min(next_due, 0.05)
        for key in self.retry_at:
            due = self.retry_at[key][0] - time.monotonic()
            if key not in self._open:
                next_due = min(next_due, max(0.0, due))
        return next_due

    def _harvest(self, kdb, done) -> None:
        for fut in done:
            key, i, lane = self._inflight.pop(fut)
            self._busy.discard(lane)
            rec = self._open[key]
            entry = rec["entry"]
            handler = entry["handlers"][i]
            kind = _kind(handler)
            counts = rec["counts"].setdefault(kind, [0, 0])
            ex = fut.exception()
            if ex is None:
                counts[0] += 1
            else:
                log.warning("alert delivery failed: task=%s node=%s handler=%s err=%s",
                            entry.get("task"), entry.get("node"), kind, ex)
                counts[1] += 1
                rec["owed"].append(handler)
                rec["failed"] = True
            rec["left"] -= 1
            if rec["left"] == 0:
                self._settle(kdb, key)

    def _settle(self, kdb, key) -> None:
        """Every handler of an entry finished this round of tries: store what is still owed."""
        rec = self._open.pop(key)
        entry, owed = rec["entry"], rec["owed"]
        order = {id(h): n for n, h in enumerate(entry.get("handlers") or [])}
        owed.sort(key=lambda h: order.get(id(h), 0))
        if not rec["counts"] and len(owed) == len(order):
            return              # nothing was tried (its lanes were busy): nothing to store
        with self.engine.env.begin(write=True) as txn:
            for kind, (sent, failed) in rec["counts"].items():
                count_delivery(txn, kdb, kind, sent=sent, failed=failed)
            if txn.get(key, db=kdb) is None:
                pass
            elif owed:
                txn.put(key, orjson.dumps({**entry, "handlers": owed}), db=kdb)
            else:
                txn.delete(key, db=kdb)
        if rec["failed"]:
            _, backoff = self.retry_at.get(key, (0.0, 0.0))
            backoff = min(BACKOFF_MAX, backoff * 2 if backoff else BACKOFF_FIRST)
            self.retry_at[key] = (time.monotonic() + backoff, backoff)
        elif not owed:
            self.retry_at.pop(key, None)


class _DaemonPool:
    """A few daemon threads running deliveries (``submit`` gives a ``concurrent.futures.Future``).

    Not ``ThreadPoolExecutor``: its workers are joined at interpreter exit, so one delivery
    hanging on a peer (an HTTP post without a timeout) would hold the engine process's exit.
    """

    def __init__(self, workers: int):
        self._queue = queue.SimpleQueue()
        self._threads = [threading.Thread(target=self._work, name=f"kapacitor-deliver-{i}", daemon=True)
                         for i in range(workers)]
        self._started = False

    def submit(self, fn, *args) -> futures.Future:
        if not self._started:
            self._started = True
            for t in self._threads:
                t.start()
        fut = futures.Future()
        self._queue.put((fut, fn, args))
        return fut

    def _work(self):
        while True:
            item = self._queue.get()
            if item is None:
                return
            fut, fn, args = item
            if not fut.set_running_or_notify_cancel():
                continue
            try:
                fut.set_result(fn(*args))
            except BaseException as ex:  # noqa: BLE001 - the failure is the future's result
                fut.set_exception(ex)

    def shutdown(self):
        for _ in self._threads:
            self._queue.put(None)


def _lane(entry, handler) -> str:
    """A handler's identity: its deliveries are made one at a time, in order.  An ``httpPost``
    node's requests share one lane per node whatever their URL (a URL template makes one per
    group): Kapacitor's node posts them one after the other."""
    if _kind(handler) == posting.KIND:
        return f"{posting.KIND}\0{entry.get('task', '')}\0{entry.get('node', '')}"
    return orjson.dumps(handler, option=orjson.OPT_SORT_KEYS).decode()


def _kind(handler) -> str:
    if isinstance(handler, dict):
        return str(handler.get("kind") or handler.get("type") or "?")
    if isinstance(handler, list | tuple) and handler and isinstance(handler[0], str):
        return handler[0]
    return str(handler)
