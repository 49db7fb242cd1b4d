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
handler that keeps failing delays no other handler and no task (tasks never wait for it).
The same thread flushes the aggregate topic handlers whose interval ended
(``alerts/topics.flush_aggregates``).
"""
from __future__ import annotations

import logging
import struct
import threading
import time

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

    def __init__(self, engine, *, deliver=None, idle=1.0):
        self.engine = engine
        if deliver is None:
            from machstore.kapacitor import config

            def deliver(handler, event):
                return default_deliver(handler, event, config.view(engine))
        self.deliver = deliver
        self.idle = idle
        self.retry_at = {}      # entry key -> (monotonic time of the next try, current backoff)
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
        """Try every due entry once; return seconds until the next retry is due (idle if none)."""
        kdb = store.db(self.engine)
        with self.engine.env.begin() as txn:
            entries = pending(txn, kdb)
        now = time.monotonic()
        next_due = self.idle
        for key, entry in entries:
            if self._stop:
                break
            due, backoff = self.retry_at.get(key, (0.0, 0.0))
            if due > now:
                next_due = min(next_due, due - now)
                continue
            owed, counts = [], {}
            for handler in entry.get("handlers") or []:
                kind = _kind(handler)
                sent_failed = counts.setdefault(kind, [0, 0])
                try:
                    self.deliver(handler, entry["event"])
                    sent_failed[0] += 1
                except Exception as ex:  # noqa: BLE001 - a failed handler is retried, never lost
                    log.warning("alert delivery failed: task=%s node=%s handler=%s err=%s",
                                entry.get("task"), entry.get("node"), kind, ex)
                    owed.append(handler)
                    sent_failed[1] += 1
            with self.engine.env.begin(write=True) as txn:
                for kind, (sent, failed) in counts.items():
                    count_delivery(txn, kdb, kind, sent=sent, failed=failed)
                if txn.get(key, db=kdb) is None:
                    pass
                elif owed:
                    txn.put(key, orjson.dumps({**entry, "handlers": owed}), db=kdb)
                else:
                    txn.delete(key, db=kdb)
            if owed:
                backoff = min(BACKOFF_MAX, backoff * 2 if backoff else BACKOFF_FIRST)
                self.retry_at[key] = (time.monotonic() + backoff, backoff)
                next_due = min(next_due, backoff)
            else:
                self.retry_at.pop(key, None)
        return next_due


def _kind(handler) -> str:
    if isinstance(handler, dict):
        return str(handler.get("kind") or handler.get("type") or "?")
    if isinstance(handler, list | tuple) and handler and isinstance(handler[0], str):
        return handler[0]
    return str(handler)
