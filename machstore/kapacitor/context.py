"""``TaskContext``: what a running node may do outside itself.

Nodes never touch the store or the network directly: they ask the context, which the task
master (engine process) implements so that everything a round produces is committed with
the stream cursor in one transaction (docs/kapacitor-runtime.md), and which tests replace
with ``MemoryContext`` to look at the outputs.
"""
from __future__ import annotations

import time


class TaskContext:
    """The interface (every method must be implemented by a real context)."""

    task_id: str = ""

    def now_ns(self) -> int:
        """Wall-clock time (``now()``, barrier idle timers, stats intervals)."""
        return time.time_ns()

    def write_points(self, db: str, rp: str, points, *, precision: str = "", done=None) -> None:
        """``influxDBOut``: store ``points`` (a ``Points`` chunk) durably in ``db``/``rp``.

        ``done(error)`` is called once the write was tried (``error`` None or its text); a
        store context calls it inside the round's transaction, before states are saved.
        """
        raise NotImplementedError

    def create_database(self, db: str, rp: str = "") -> None:
        """``influxDBOut.create()``: ``CREATE DATABASE db [WITH NAME rp]``; failures are logged."""
        raise NotImplementedError

    def http_out(self, endpoint: str, result: dict) -> None:
        """``httpOut``: the endpoint's whole current result (``{"series": [...]}``) changed."""
        raise NotImplementedError

    def alert_event(self, node_name: str, event: dict, handlers: list) -> None:
        """``alert``: an event (Kapacitor's alert data) to deliver to the node's handlers."""
        raise NotImplementedError

    def alert_collect(self, node_name: str, topic: str, event: dict, meta: dict, handlers: list) -> None:
        """``alert``: collect an event into ``topic`` (Kapacitor's ``AlertService.Collect``).

        ``handlers`` are the node's inline handlers (anonymous topic) or ``[]``; ``meta`` is
        ``{"name", "task", "tags", "category"}`` (what topic handlers' ``match`` reads).  A
        context that keeps no topics hands the inline handlers' event to ``alert_event``; the
        task master's routes it through the topic and its API handlers at commit.
        """
        if handlers:
            self.alert_event(node_name, event, handlers)

    def open_topic(self, topic: str) -> None:
        """The anonymous topic of an alert node with inline handlers exists while its task runs."""

    def http_post(self, node_name: str, request: dict) -> None:
        """``httpPost``: stage one POST, delivered after the round commits (like alert events).

        ``request``: ``{"url": str, "body": bytes, "headers": {name: value}, "timeout_ns": int
        (0: none), "capture_response": bool}``.  The deliverer POSTs ``body`` to ``url`` with
        ``headers`` and logs failures on the node as Kapacitor does: ``failed to POST data: <err>``,
        or for a non-2xx answer ``POST returned non 2xx status code: <response body if
        capture_response, else "unknown error, use .captureResponse() to capture the HTTP
        response">`` with ``code=<status>``.
        """
        raise NotImplementedError

    def log(self, level: str, node_name: str, text: str) -> None:
        """A task log line (``E`` errors, ``I`` the ``log()`` node, ``D`` debug)."""
        raise NotImplementedError

    def load_alert_state(self, topic: str, alert_id: str) -> dict | None:
        """The last event state stored for ``alert_id`` in ``topic`` (see ``save_alert_state``)."""
        raise NotImplementedError

    def save_alert_state(self, topic: str, alert_id: str, state: dict) -> None:
        """Store an alert id's last event state in a topic, with the round's other changes.

        ``state`` is ``{"id", "message", "details", "time" (int ns), "duration" (int ns),
        "level" ("OK"|"INFO"|"WARNING"|"CRITICAL")}``: Kapacitor's topic ``EventState``.
        """
        raise NotImplementedError

    @property
    def kapacitor_config(self):
        """The ``ConfigView`` handlers are created with (``services/base.py``): the sections'
        defaults unless the context knows a server's config."""
        from .services.base import StaticConfig
        return StaticConfig()

    @property
    def inhibitors(self):
        """The inhibitors of ``alert().inhibit()`` (Kapacitor keeps them in memory, one set
        per server: here one per process, shared by every task the process runs)."""
        from .alerts.inhibit import PROCESS_INHIBITORS
        return PROCESS_INHIBITORS


class MemoryContext(TaskContext):
    """Keeps every output in lists and dicts: the context of unit tests and benchmarks."""

    def __init__(self, task_id: str = "test", clock=None):
        self.task_id = task_id
        self.clock = clock
        self.writes = []        # (db, rp, Points, precision)
        self.http = {}          # endpoint -> latest result
        self.events = []        # (node name, event, handlers)
        self.posts = []         # (node name, httpPost request)
        self.logs = []          # (level, node name, text)
        self.created = []       # (db, rp)
        self.alert_states = {}  # (topic, alert id) -> state dict
        from .alerts.inhibit import Inhibitors
        self._inhibitors = Inhibitors()

    def now_ns(self) -> int:
        return self.clock() if self.clock else time.time_ns()

    def write_points(self, db, rp, points, *, precision="", done=None):
        self.writes.append((db, rp, points, precision))
        if done is not None:
            done(None)

    def create_database(self, db, rp=""):
        self.created.append((db, rp))

    def http_out(self, endpoint, result):
        self.http[endpoint] = result

    def alert_event(self, node_name, event, handlers):
        self.events.append((node_name, event, handlers))

    def http_post(self, node_name, request):
        self.posts.append((node_name, request))

    def log(self, level, node_name, text):
        self.logs.append((level, node_name, text))

    def load_alert_state(self, topic, alert_id):
        state = self.alert_states.get((topic, alert_id))
        return None if state is None else dict(state)

    def save_alert_state(self, topic, alert_id, state):
        self.alert_states[(topic, alert_id)] = dict(state)

    @property
    def inhibitors(self):
        return self._inhibitors
