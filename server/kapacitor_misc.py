"""Kapacitor's small routes: ``/ping``, ``/:routes``, ``/debug/vars`` and the 404 of unknown paths.

``/debug/vars`` is Go's expvar dump as Kapacitor publishes it (``server/vars``): top-level keys in
alphabetical order, one per line, each value compact JSON; ``kapacitor`` holds one entry per
statistic (``{"name", "tags", "values"}``) under a stable id: ``nodes`` per task node and ``edges``
per task edge, read from the run status the engine process writes, ``topics`` per alert topic
(tag ``id``, value ``collected``, as Kapacitor's) and machstore's ``alert_deliveries`` per handler
kind (tag ``kind``, values ``sent`` and ``failed``: every delivery try of the outbox).  Telegraf's ``kapacitor``
input reads ``cluster_id``, ``server_id``, ``host``, ``kapacitor``, ``memstats``,
``num_enabled_tasks``, ``num_subscriptions``, ``num_tasks`` and ``version`` from it.
"""
from __future__ import annotations

import gc
import resource
import socket
import sys
import uuid

from machstore.kapacitor import deadman, outbox, store
from machstore.kapacitor.alerts import topics
from machstore.kapacitor.definitions import InvalidTask, compile_task, decode_body
from machstore.kapacitor.gojson import GoMap, dumps
from machstore.kapacitor.task_view import is_executing
from machstore.server.influx import KAPACITOR_VERSION
from machstore.tick.evaluate import format_duration

from .kapacitor_http import API, BASE, JSON, ApiError, Resource, respond

_STAT_NS = uuid.UUID("6f1d5a52-8a43-4d0e-9a57-3c1f0b7a2e11")
_EDGE_COUNTS = ("collected", "emitted")


class Ping(Resource):
    """``GET``/``HEAD /kapacitor/v1/ping``: 204 (credentials needed when auth is on, as in Kapacitor)."""

    def on_get(self, req, resp):
        self.authenticate(req)
        resp.status = 204
        resp.content_type = JSON

    on_head = on_get


class Routes(Resource):
    """``GET /kapacitor/v1/:routes``: every route pattern and its methods."""

    def __init__(self, engine, settings, table):
        super().__init__(engine, settings)
        self._table = table

    def on_get(self, req, resp):
        self.authenticate(req)
        out = GoMap()
        for uri, res in self._table:
            # Kapacitor's patterns: ``/tasks/<id>`` and ``/tasks/<id>/<endpoint>`` are its ``/tasks/`` subtree
            pattern = uri.split("{", 1)[0]
            methods = out.setdefault(pattern, [])
            methods += [m for m in ("GET", "POST", "PATCH", "PUT", "DELETE", "HEAD", "OPTIONS")
                        if hasattr(res, "on_" + m.lower()) and m not in methods]
        for pattern, methods in SUBTREE_ROUTES.items():
            out.setdefault(pattern, []).extend(m for m in methods if m not in out[pattern])
        respond(resp, out)


# The subtrees served by sinks rather than route templates, with the methods Kapacitor's services
# register on them (services/alert/api.go, services/config, services/servicetest).
SUBTREE_ROUTES = {
    "/kapacitor/v1/alerts/topics/": ("GET", "POST", "PATCH", "PUT", "DELETE", "OPTIONS"),
    "/kapacitor/v1/config/": ("GET", "POST"),
    "/kapacitor/v1/service-tests/": ("GET", "POST"),
}


class DebugVars(Resource):
    """``GET /kapacitor/v1/debug/vars``: Kapacitor's expvar dump (see the module docstring)."""

    def on_get(self, req, resp):
        self.authenticate(req)
        engine = self.engine()
        dbi = store.db(engine)
        cluster_id, server_id = _server_ids(engine, dbi)
        dm = deadman.of_engine(engine)
        host = socket.gethostname()
        with engine.env.begin() as txn:
            records = store.list_tasks(txn, dbi)
            runs = {r["id"]: store.get_run_status(txn, dbi, r["id"]) for r in records}
            topic_states = topics.states(txn, dbi, "", 0)
            deliveries = outbox.delivery_counts(txn, dbi)
        stats = GoMap()
        for topic, (_, collected) in topic_states.items():   # Kapacitor's "topics" statistic
            stats[str(uuid.uuid5(_STAT_NS, f"topics/{topic}"))] = {
                "name": "topics", "tags": GoMap({"id": topic}), "values": GoMap({"collected": collected})}
        for kind, counts in deliveries.items():               # machstore's: alert deliveries per kind
            stats[str(uuid.uuid5(_STAT_NS, f"alert_deliveries/{kind}"))] = {
                "name": "alert_deliveries", "tags": GoMap({"kind": kind}),
                "values": GoMap({"failed": counts["failed"], "sent": counts["sent"]})}
        for rec in records:
            run = runs[rec["id"]]
            if not is_executing(rec, run):
                continue
            stats.update(_task_stats(rec, run, cluster_id, server_id, host, dm))
        values = {
            "cluster_id": cluster_id,
            "cmdline": sys.argv,
            "host": host,
            "kapacitor": stats,
            "memstats": _memstats(),
            "num_enabled_tasks": sum(1 for r in records if r["status"] == "enabled"),
            "num_subscriptions": 0,
            "num_tasks": len(records),
            "platform": "OSS",
            "product": "kapacitor",
            "server_id": server_id,
            "version": KAPACITOR_VERSION,
        }
        lines = [f"{dumps(k, pretty=False).decode()}: {dumps(values[k], pretty=False).decode()}"
                 for k in sorted(values)]
        resp.status = 200
        resp.content_type = JSON
        resp.data = ("{\n" + ",\n".join(lines) + "\n}\n").encode()


def _server_ids(engine, dbi) -> tuple[str, str]:
    """The cluster and server ids, made once and kept in the store (Kapacitor keeps them on disk)."""
    with engine.env.begin() as txn:
        cluster, server = txn.get(b"ids/cluster", db=dbi), txn.get(b"ids/server", db=dbi)
    if cluster is None or server is None:
        with engine.env.begin(write=True) as txn:
            cluster = txn.get(b"ids/cluster", db=dbi)
            server = txn.get(b"ids/server", db=dbi)
            if cluster is None:
                cluster = str(uuid.uuid4()).encode()
                txn.put(b"ids/cluster", cluster, db=dbi)
            if server is None:
                server = str(uuid.uuid4()).encode()
                txn.put(b"ids/server", server, db=dbi)
    return bytes(cluster).decode(), bytes(server).decode()


def _task_stats(rec, run, cluster_id, server_id, host, dm) -> dict:
    try:
        pipeline = compile_task(rec["script"], rec["type"], rec.get("vars") or {}, deadman=dm).pipeline
    except InvalidTask:
        return {}
    nodes = run.get("nodes") or {}
    edge_type = "batch" if rec["type"] == "batch" else "stream"
    out = {}
    for n in pipeline.sorted():
        s = nodes.get(n.name) or {}
        values = GoMap({"avg_exec_time_ns": 0, "errors": 0, "working_cardinality": 0})
        values.update({k: v for k, v in s.items() if k not in _EDGE_COUNTS})
        # NOTE: expvar shows Kapacitor's MaxDuration as its Go duration text; Telegraf parses it so
        values["avg_exec_time_ns"] = format_duration(int(values["avg_exec_time_ns"]))
        tags = GoMap({"cluster_id": cluster_id, "host": host, "kind": n.desc, "node": n.name,
                      "server_id": server_id, "task": rec["id"], "type": edge_type})
        out[str(uuid.uuid5(_STAT_NS, f"nodes/{rec['id']}/{n.name}"))] = {"name": "nodes", "tags": tags,
                                                                          "values": values}
        for child in n.children:
            emitted = s.get("emitted", 0)
            tags = GoMap({"child": child.name, "cluster_id": cluster_id, "host": host, "parent": n.name,
                          "server_id": server_id, "task": rec["id"], "type": edge_type})
            out[str(uuid.uuid5(_STAT_NS, f"edges/{rec['id']}/{n.name}/{child.name}"))] = {
                "name": "edges", "tags": tags, "values": GoMap({"collected": emitted, "emitted": emitted})}
    return out


def _memstats() -> dict:
    """Go's ``runtime.MemStats`` names, filled with what this process can tell about itself."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    rss = usage.ru_maxrss * 1024
    collections = sum(s["collections"] for s in gc.get_stats())
    return {"Alloc": rss, "TotalAlloc": rss, "Sys": rss, "Lookups": 0, "Mallocs": 0, "Frees": 0,
            "HeapAlloc": rss, "HeapSys": rss, "HeapIdle": 0, "HeapInuse": rss, "HeapReleased": 0,
            "HeapObjects": 0,
            "StackInuse": 0, "StackSys": 0, "MSpanInuse": 0, "MSpanSys": 0, "MCacheInuse": 0, "MCacheSys": 0,
            "BuckHashSys": 0, "GCSys": 0, "OtherSys": 0, "NextGC": 0, "LastGC": 0, "PauseTotalNs": 0,
            "NumGC": collections, "NumForcedGC": 0, "GCCPUFraction": 0.0}


class SubtreeSink:
    """What Kapacitor's ``/tasks/`` and ``/templates/`` subtree handlers answer for the paths no
    resource takes (an empty id, or an id with slashes): the id comes from the rest of the path,
    so ``GET`` finds no such definition, ``PATCH`` decodes the body then finds none, ``DELETE``
    answers 204; other methods reach Kapacitor's catch-all 404."""

    family = API

    def __init__(self, engine, settings, kind: str):
        self._resource = Resource(engine, settings)
        self._kind = kind
        self._prefix = f"{BASE}/{kind}s/"

    def __call__(self, req, resp, **kwargs):
        req.context.family = API
        try:
            self._answer(req, resp)
        except Exception as ex:  # noqa: BLE001 - rendered as the family renders every error
            API.render_error(req, resp, ex)

    def _answer(self, req, resp):
        if req.method == "OPTIONS":
            resp.status = 200
            resp.data = b""
            return
        if req.method not in ("GET", "PATCH", "DELETE"):
            raise ApiError(404, "Not Found")
        self._resource.authenticate(req)
        ident = req.path[len(self._prefix):]
        if not ident:
            raise ApiError(400, f"must specify {self._kind} id on path")
        if req.method == "GET":
            raise ApiError(404, f"no {self._kind} exists")
        if req.method == "PATCH":
            decode_body(self._resource.body(req))
            raise ApiError(404, f"{self._kind} does not exist, cannot update")
        resp.status = 204
        resp.content_type = JSON
        resp.data = b""


class NotFound:
    """The sink under ``/kapacitor/``: Kapacitor's catch-all 404, ``{"error": "Not Found", ...}``."""

    family = API

    def __call__(self, req, resp, **kwargs):
        req.context.family = API   # sinks get no process_resource call: name the family here
        if req.method == "OPTIONS":
            resp.status = 200
            resp.data = b""
            return
        API.render_error(req, resp, ApiError(404, "Not Found"))
