"""Alert topics in the store: their events, their handlers, and how an event goes through them.

Kapacitor keeps topics in memory (``alert/topics.go``) and persists event states and handler
specs (``services/alert``).  Here the store is the one copy every process shares: HTTP workers
answer the alerts API from it, the engine process routes events through it inside the round's
write transaction (``collect``), the outbox thread flushes aggregates (``flush_aggregates``).
Keys in the ``kapa`` sub-database (``store.py``)::

    alert/<topic>\\0<id>     JSON event state {"id","message","details","time" ns,"duration" ns,"level"}
    topic/<topic>           JSON {"collected": int, "open": bool}: the topic exists (open) and how
                            many events it collected since the engine started (Kapacitor's expvar)
    hspec/<topic>\\0<id>     JSON {"spec": {"id","topic","kind","options","match"}, "handler": [kind,
                            decoded options]}: a topic handler made through the API
    aggbuf/<topic>\\0<id>    JSON {"due": wall ns, "events": [...]}: events an aggregate handler holds

An event reaches a topic with its ``meta`` (``name``, ``task``, ``tags``: what ``match``
expressions read).  The topic counts it, and each handler whose ``match`` passes takes it:
``publish`` collects it into other topics (previousLevel from *their* state), ``aggregate``
buffers it, every other kind is an external handler and gets one outbox entry per event.
Anonymous topics (``main:<task>:<node>``) carry the node's inline handlers; they are open
while their task runs, closed (kept, hidden) when it stops, deleted with it.

``restart(engine, persist)`` is what an engine start does to topics (Kapacitor's restart):
collected counters go back to 0, every stored topic is open again (Kapacitor loads every
persisted topic, the anonymous ones of disabled tasks included), OK event states are dropped
(Kapacitor never persists them) or, with ``[alert] persist-topics = false``, every event state
is dropped; topics with handlers exist again.
"""
from __future__ import annotations

import logging
import time

import orjson

from machstore.kapacitor import gopath, store

from .aggregate import aggregate_event, time_ns
from .levels import OK, level_name, parse_level
from .match import MatchError, compiled

log = logging.getLogger("machstore.kapacitor.alerts")

EVENT = b"alert/"
TOPIC = b"topic/"
HSPEC = b"hspec/"
AGGBUF = b"aggbuf/"
MAX_PUBLISH_DEPTH = 16   # publish handlers forming a cycle stop here (Kapacitor would loop forever)


def _pair(prefix: bytes, topic: str, ident: str) -> bytes:
    return prefix + topic.encode() + b"\0" + ident.encode()


def event_key(topic: str, alert_id: str) -> bytes:
    return _pair(EVENT, topic, alert_id)


def topic_key(topic: str) -> bytes:
    return TOPIC + topic.encode()


def spec_key(topic: str, handler_id: str) -> bytes:
    return _pair(HSPEC, topic, handler_id)


def aggbuf_key(topic: str, handler_id: str) -> bytes:
    return _pair(AGGBUF, topic, handler_id)


# -- topics and events ---------------------------------------------------------------------------
def _meta(txn, kdb, topic: str):
    return store.get_json(txn, kdb, topic_key(topic))


def exists(txn, kdb, topic: str) -> bool:
    m = _meta(txn, kdb, topic)
    return bool(m and m.get("open", True))


def ensure(txn, kdb, topic: str, *, collected: int = 0) -> None:
    """Make ``topic`` exist (open), adding ``collected`` to its counter."""
    m = _meta(txn, kdb, topic) or {"collected": 0}
    store.put_json(txn, kdb, topic_key(topic), {"collected": int(m.get("collected", 0)) + collected, "open": True})


def close(txn, kdb, topic: str) -> None:
    """``CloseTopic``: the anonymous topic of a stopped task is hidden; its events stay."""
    m = _meta(txn, kdb, topic)
    if m is not None:
        store.put_json(txn, kdb, topic_key(topic), {**m, "open": False})


def delete(txn, kdb, topic: str) -> None:
    """``DeleteTopic``: the topic and its event states (its handler specs stay, as in Kapacitor)."""
    txn.delete(topic_key(topic), db=kdb)
    for key, _ in list(store.iter_prefix(txn, kdb, EVENT + topic.encode() + b"\0")):
        txn.delete(key, db=kdb)
    for key, _ in list(store.iter_prefix(txn, kdb, AGGBUF + topic.encode() + b"\0")):
        txn.delete(key, db=kdb)


def delete_task_topics(txn, kdb, task_id: str) -> None:
    """Delete the anonymous topics of a deleted task (``main:<task>:<node>``; ids have no ``:``)."""
    prefix = TOPIC + f"main:{task_id}:".encode()
    for key, _ in list(store.iter_prefix(txn, kdb, prefix)):
        delete(txn, kdb, key[len(TOPIC):].decode())


def events(txn, kdb, topic: str) -> dict:
    """``{alert id: event state}`` of a topic."""
    prefix = EVENT + topic.encode() + b"\0"
    return {k[len(prefix):].decode(): orjson.loads(v) for k, v in store.iter_prefix(txn, kdb, prefix)}


def event(txn, kdb, topic: str, alert_id: str):
    return store.get_json(txn, kdb, event_key(topic, alert_id))


def state(txn, kdb, topic: str):
    """``(max level, collected)`` of an existing topic, or None."""
    m = _meta(txn, kdb, topic)
    if not m or not m.get("open", True):
        return None
    level = max((parse_level(e["level"]) for e in events(txn, kdb, topic).values()), default=OK)
    return level, int(m.get("collected", 0))


def states(txn, kdb, pattern: str, min_level: int) -> dict:
    """``{topic: (max level, collected)}`` of the open topics matching ``pattern`` at ``min_level``+."""
    out = {}
    for key, raw in store.iter_prefix(txn, kdb, TOPIC):
        topic = key[len(TOPIC):].decode()
        m = orjson.loads(raw)
        if not m.get("open", True) or (pattern and not gopath.match(pattern, topic)):
            continue
        level = max((parse_level(e["level"]) for e in events(txn, kdb, topic).values()), default=OK)
        if level >= min_level:
            out[topic] = (level, int(m.get("collected", 0)))
    return out


# -- handler specs -------------------------------------------------------------------------------
def specs(txn, kdb, topic: str) -> list[dict]:
    """The stored ``{"spec", "handler"}`` records of a topic's handlers, by id."""
    prefix = HSPEC + topic.encode() + b"\0"
    return [orjson.loads(v) for _, v in store.iter_prefix(txn, kdb, prefix)]


def get_spec(txn, kdb, topic: str, handler_id: str):
    return store.get_json(txn, kdb, spec_key(topic, handler_id))


def put_spec(txn, kdb, record: dict) -> None:
    spec = record["spec"]
    store.put_json(txn, kdb, spec_key(spec["topic"], spec["id"]), record)
    ensure(txn, kdb, spec["topic"])


def delete_spec(txn, kdb, topic: str, handler_id: str) -> bool:
    txn.delete(aggbuf_key(topic, handler_id), db=kdb)
    return txn.delete(spec_key(topic, handler_id), db=kdb)


# -- routing -------------------------------------------------------------------------------------
class Batch:
    """What many ``collect`` calls in one transaction share: each topic's handler specs read
    once, the ``collected`` counters written once (``finish``).  PERF: a round may collect
    thousands of events into one topic."""

    def __init__(self):
        self.specs = {}         # topic -> spec records
        self.collected = {}     # topic -> events collected in this transaction

    def specs_of(self, txn, kdb, topic):
        found = self.specs.get(topic)
        if found is None:
            found = self.specs[topic] = specs(txn, kdb, topic)
        return found

    def finish(self, txn, kdb) -> None:
        for topic, n in self.collected.items():
            ensure(txn, kdb, topic, collected=n)
        self.collected.clear()


def collect(txn, kdb, topic: str, ev: dict, meta: dict, inline=(), *, emit, task: str = "", node: str = "",
            stored: bool = True, depth: int = 0, batch: Batch | None = None) -> int:
    """Collect ``ev`` (an alert.Data dict) into ``topic`` inside ``txn``; return the outbox
    entries added, each through ``emit(task, node, event, handlers)`` (the caller's
    ``outbox.put`` in ``txn``).  ``stored``: the event state was already saved by the alert node
    (which set ``previousLevel`` from it); otherwise it is saved here and ``previousLevel`` set
    from the topic's stored state (publish, aggregate).  With a ``batch`` the caller calls
    ``batch.finish(txn, kdb)`` before committing."""
    if not stored:
        before = event(txn, kdb, topic, ev["id"])
        ev = {**ev, "previousLevel": before["level"] if before else level_name(OK)}
        store.put_json(txn, kdb, event_key(topic, ev["id"]), _state_of(ev))
    own = batch is None
    if own:
        batch = Batch()
    batch.collected[topic] = batch.collected.get(topic, 0) + 1
    external = [list(h) for h in inline]
    added = 0
    for record in batch.specs_of(txn, kdb, topic):
        spec, handler = record["spec"], record["handler"]
        if spec.get("match"):
            try:
                if not compiled(spec["match"]).matches(ev, meta, ev.get("previousLevel", "OK")):
                    continue
            except MatchError as ex:   # checked when the spec was made; kept for old records
                log.error("topic=%s handler=%s invalid match expression: %s", topic, spec["id"], ex)
                continue
        kind, options = handler
        if kind == "publish":
            if depth >= MAX_PUBLISH_DEPTH:
                log.error("topic=%s handler=%s publish chain deeper than %d topics: event %s dropped",
                          topic, spec["id"], MAX_PUBLISH_DEPTH, ev["id"])
                continue
            for target in options.get("topics") or []:
                added += collect(txn, kdb, target, ev, meta, emit=emit, task=task, node=node, stored=False,
                                 depth=depth + 1, batch=batch)
        elif kind == "aggregate":
            _buffer(txn, kdb, topic, spec["id"], options, ev)
            added += 1
        else:
            external.append([kind, options])
    if external:
        emit(task, node, ev, external)
        added += 1
    if own:
        batch.finish(txn, kdb)
    return added


def _state_of(ev: dict) -> dict:
    return {"id": ev["id"], "message": ev["message"], "details": ev["details"], "time": time_ns(ev["time"]),
            "duration": int(ev["duration"]), "level": ev["level"]}


# -- aggregate -----------------------------------------------------------------------------------
def _buffer(txn, kdb, topic, handler_id, options, ev):
    key = aggbuf_key(topic, handler_id)
    buf = store.get_json(txn, kdb, key)
    if buf is None:
        buf = {"due": time.time_ns() + int(options["interval"]), "events": []}
    buf["events"].append(ev)
    store.put_json(txn, kdb, key, buf)


def flush_aggregates(engine, put, now_ns: int | None = None) -> tuple[int, float | None]:
    """Send every aggregate whose interval ended: ``(outbox entries added, seconds until the
    next one is due or None)``.  Runs in the outbox thread (Kapacitor: the handler's ticker);
    ``put(txn, kdb, task, node, event, handlers)`` is ``outbox.put``."""
    kdb = store.db(engine)
    now = time.time_ns() if now_ns is None else now_ns
    with engine.env.begin() as txn:
        bufs = list(store.iter_prefix(txn, kdb, AGGBUF))
    if not bufs:
        return 0, None
    added, next_due = 0, None
    due_keys = []
    for key, raw in bufs:
        due = orjson.loads(raw)["due"]
        if due <= now:
            due_keys.append(key)
        else:
            wait = (due - now) / 1e9
            next_due = wait if next_due is None else min(next_due, wait)
    if not due_keys:
        return 0, next_due
    with engine.env.begin(write=True) as txn:
        for key in due_keys:
            raw = txn.get(key, db=kdb)
            if raw is None:
                continue
            buf = orjson.loads(raw)
            txn.delete(key, db=kdb)
            topic, handler_id = key[len(AGGBUF):].decode().split("\0", 1)
            record = get_spec(txn, kdb, topic, handler_id)
            if record is None or not buf["events"]:
                continue
            options = record["handler"][1]
            agg = aggregate_event(options, buf["events"])
            added += collect(txn, kdb, options.get("topic", ""), agg, {}, stored=False,
                             emit=lambda *entry, txn=txn: put(txn, kdb, *entry))
    return added, next_due


# -- restart -------------------------------------------------------------------------------------
def restart(engine, persist: bool) -> None:
    """What an engine start does to topics (see the module docstring)."""
    kdb = store.db(engine)
    with engine.env.begin(write=True) as txn:
        for key, _ in list(store.iter_prefix(txn, kdb, TOPIC)):
            store.put_json(txn, kdb, key, {"collected": 0, "open": True})
        for key, raw in list(store.iter_prefix(txn, kdb, EVENT)):
            if not persist or orjson.loads(raw).get("level") == level_name(OK):
                txn.delete(key, db=kdb)
        for key, raw in list(store.iter_prefix(txn, kdb, HSPEC)):
            topic = orjson.loads(raw)["spec"]["topic"]
            m = _meta(txn, kdb, topic)
            if m is None or not m.get("open", True):
                ensure(txn, kdb, topic)


def persist_topics(config) -> bool:
    """``[alert] persist-topics`` (default true) from a ``ConfigView``."""
    try:
        element = config.element("alert")
    except Exception:  # noqa: BLE001 - the section is not registered yet: Kapacitor's default
        element = None
    if not element or "persist-topics" not in element:
        return True
    return bool(element["persist-topics"])


__all__ = [
    "Batch",
    "close",
    "collect",
        "delete",
    "delete_spec",
        "ensure",
    "event",
    "event_key",
    "events",
    "exists",
    "flush_aggregates",
    "get_spec",
    "persist_topics",
    "put_spec",
    "restart",
    "specs",
    "state",
    "states",
]
