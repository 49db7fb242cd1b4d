"""``StoreContext``: the ``TaskContext`` of a task run by the task master.

Nothing a node produces leaves the process while the round runs: writes, httpOut results,
alert deliveries and alert states are *staged* here, and the task master commits them with
the stream cursor and the task's state in the round's one write transaction
(docs/kapacitor-runtime.md).  Only log lines go out at once (to the engine process's log,
in Kapacitor's logfmt shape), as Kapacitor's do.
"""
from __future__ import annotations

import logging

from . import posting, store
from .context import TaskContext

log = logging.getLogger("machstore.kapacitor.task")

_LEVELS = {"E": logging.ERROR, "W": logging.WARNING, "I": logging.INFO, "D": logging.DEBUG}


def alert_key(topic: str, alert_id: str) -> bytes:
    return b"alert/" + topic.encode() + b"\0" + alert_id.encode()


class StoreContext(TaskContext):
    """One task's staging area (see the module docstring); ``take()`` empties it."""

    def __init__(self, task_id: str, engine, clock):
        self.task_id = task_id
        self.engine = engine
        self.clock = clock
        self.read_txn = None    # the round's read snapshot while the master feeds (else None)
        self.anon_topics = []   # the anonymous topics of the task's alert nodes (closed when it stops)
        self.clear()

    def clear(self):
        self.writes = []        # (db, rp, Points, precision, done)
        self.http = {}          # endpoint -> result, latest of the round
        self.events = []        # (node name, event, handlers)
        self.alert_states = {}  # (topic, id) -> state dict to store
        self.collects = []      # (node name, topic, event, meta, inline handlers): alerts/topics.py
        self.opened = []        # topics to open with the next commit
        self.creates = []       # (db, rp)

    @property
    def staged(self) -> bool:
        return bool(self.writes or self.http or self.events or self.alert_states or self.creates
                    or self.collects or self.opened)

    def now_ns(self) -> int:
        return self.clock()

    def write_points(self, db, rp, points, *, precision="", done=None):
        self.writes.append((db, rp, points, precision, done))

    def create_database(self, db, rp=""):
        self.creates.append((db, rp))

    def http_out(self, endpoint, result):
        self.http[endpoint] = result

    def alert_event(self, node_name, event, handlers):
        self.events.append((node_name, event, handlers))

    def alert_collect(self, node_name, topic, event, meta, handlers):
        """Staged; the task master routes it through ``topic`` at commit (``alerts/topics.py``)."""
        self.collects.append((node_name, topic, event, meta, handlers))

    def open_topic(self, topic):
        if topic not in self.anon_topics:
            self.anon_topics.append(topic)
        self.opened.append(topic)

    def http_post(self, node_name, request):
        """Staged as an outbox entry like an alert event (posting.py sends it after the commit)."""
        self.events.append((node_name, posting.event_of(request), [posting.handler_of(request)]))

    def log(self, level, node_name, text):
        log.log(_LEVELS.get(level, logging.INFO), "task=%s node=%s %s", self.task_id, node_name, text)

    @property
    def kapacitor_config(self):
        from . import config
        return config.view(self.engine)

    def load_alert_state(self, topic, alert_id):
        key = (topic, alert_id)
        if key in self.alert_states:
            return self.alert_states[key]
        kdb = store.db(self.engine)
        if self.read_txn is not None:
            found = store.get_json(self.read_txn, kdb, alert_key(topic, alert_id))
        else:
            with self.engine.env.begin() as txn:
                found = store.get_json(txn, kdb, alert_key(topic, alert_id))
        return found

    def save_alert_state(self, topic, alert_id, state):
        self.alert_states[(topic, alert_id)] = state

