"""The Falcon app factory: one route table, one error dispatch, the lazily opened engine.

Every API family is a module of thin resources.  A resource names its family (its
``family`` attribute); the family object renders errors in that API's own format, so an
engine exception becomes an HTTP response in exactly one place per family
(``Family.render_error``), reached through the single ``app.add_error_handler`` below.
"""
import logging
import os
import random
import threading
import uuid
import weakref

import falcon
import orjson

from machstore.config import Settings
from machstore.server import (
    influx,
    influx_query,
    kapacitor_alerts,
    kapacitor_config,
    kapacitor_http,
    kapacitor_misc,
    kapacitor_service_tests,
    kapacitor_tasks,
    kapacitor_templates,
    machbase,
    machiot,
)

log = logging.getLogger("machstore.server")

_ENGINES = weakref.WeakSet()  # the LazyEngines of this process, so a worker can close them on exit


class LazyEngine:
    """Open the engine on first use, in the process that uses it.

    LMDB environments must never cross a ``fork``: gunicorn imports and builds the app,
    then forks workers, and each worker opens its own environment on its first request.
    If the holder finds itself in a different process than the one that opened the
    engine, it opens a fresh one and abandons (never closes) the inherited handle.
    """

    def __init__(self, factory):
        self._factory = factory
        self._engine = None
        self._pid = None
        self._lock = threading.Lock()
        _ENGINES.add(self)

    def get(self):
        """Return this process's engine, opening it if needed."""
        engine = self._engine
        if engine is not None and self._pid == os.getpid():
            return engine
        with self._lock:
            if self._engine is None or self._pid != os.getpid():
                self._engine = self._factory()
                self._pid = os.getpid()
                log.debug("engine opened in pid %d", self._pid)
            return self._engine

    def close(self):
        """Close the engine if this process opened it."""
        with self._lock:
            if self._engine is not None and self._pid == os.getpid():
                self._engine.close()
            self._engine = None
            self._pid = None


def close_engines():
    """Close every engine this process opened (gunicorn's ``worker_exit`` hook calls this)."""
    for holder in list(_ENGINES):
        try:
            holder.close()
        except Exception:
            log.exception("closing the engine failed")


def create_app(engine_factory, settings=None):
    """Build the WSGI app.

    ``engine_factory`` is a zero-argument callable returning an open ``Engine``; it is
    called lazily, once per worker process, on the first request that needs storage.
    ``settings`` is a :class:`machstore.config.Settings` (defaults if omitted).
    """
    settings = settings if settings is not None else Settings()
    from machstore.kapacitor.config import kapacitor_address, set_listen_address
    set_listen_address(kapacitor_address(settings.bind))   # Kapacitor's own URL in alerts (client_url)
    engine = LazyEngine(engine_factory)
    app = falcon.App(middleware=[_CommonHeaders(settings), _RequestLineLimit(settings)])
    app.req_options.keep_blank_qs_values = True
    for uri, resource in _routes(engine, settings):
        app.add_route(uri, resource)
    if settings.document_root:
        app.add_sink(machbase.StaticFiles(settings.document_root), prefix="/")
    app.add_sink(kapacitor_misc.NotFound(), prefix="/kapacitor/")
    for kind in ("task", "template"):   # later sinks win over the catch-all above
        app.add_sink(kapacitor_misc.SubtreeSink(engine, settings, kind), prefix=f"/kapacitor/v1/{kind}s/")
    # paths under these subtrees that no route template takes
    app.add_sink(kapacitor_http.ResourceSink(kapacitor_config.ConfigPath(engine, settings)),
                 prefix="/kapacitor/v1/config/")
    app.add_sink(kapacitor_http.ResourceSink(kapacitor_service_tests.ServiceTest(engine, settings)),
                 prefix="/kapacitor/v1/service-tests/")
    app.add_sink(kapacitor_alerts.TopicTree(engine, settings), prefix=kapacitor_alerts.TOPICS + "/")
    app.add_error_handler(Exception, _dispatch_error)
    app.add_error_handler(falcon.HTTPError, _dispatch_error)
    return app


def _routes(engine, settings):
    """Return the one route table: ``(uri template, resource)`` pairs for every API family."""
    machbase_routes = []
    if settings.machbase_enabled:
        authenticator = machbase.make_authenticator(engine, settings)
        machbase_routes = [("/machbase", machbase.MachbaseResource(engine, settings, authenticator))]
        # /machiot, /machiot/v1, /machiot-rest-api, /machiot-rest-api/v1 (tag-table API)
        machbase_routes += machiot.routes(engine, settings, authenticator)
    return machbase_routes + [
        # InfluxDB 1.x
        ("/ping", influx.Ping(settings)),
        ("/write", influx.Write(engine, settings)),
        ("/api/v2/write", influx.WriteV2(engine, settings)),
        ("/query", influx_query.Query(engine, settings)),
    ] + _kapacitor_routes(engine, settings)


def _kapacitor_routes(engine, settings):
    """Kapacitor's API (port 9092 by default; every address serves every route): ``/write`` in
    ``influx.py``, the rest in ``server/kapacitor_*.py``; ``/:routes`` lists this table."""
    table = []
    table += [
        ("/kapacitor/v1/write", influx.KapacitorWrite(engine, settings)),
        ("/kapacitor/v1/ping", kapacitor_misc.Ping(engine, settings)),
        ("/kapacitor/v1/:routes", kapacitor_misc.Routes(engine, settings, table)),
        ("/kapacitor/v1/debug/vars", kapacitor_misc.DebugVars(engine, settings)),
        ("/kapacitor/v1/tasks", kapacitor_tasks.Tasks(engine, settings)),
        ("/kapacitor/v1/tasks/{task_id}", kapacitor_tasks.Task(engine, settings)),
        ("/kapacitor/v1/tasks/{task_id}/{endpoint}", kapacitor_tasks.HttpOut(engine, settings)),
        ("/kapacitor/v1/templates", kapacitor_templates.Templates(engine, settings)),
        ("/kapacitor/v1/templates/{template_id}", kapacitor_templates.Template(engine, settings)),
        ("/kapacitor/v1/config", kapacitor_config.Config(engine, settings)),
        ("/kapacitor/v1/config/{section}", kapacitor_config.ConfigPath(engine, settings)),
        ("/kapacitor/v1/service-tests", kapacitor_service_tests.ServiceTests(engine, settings)),
        ("/kapacitor/v1/service-tests/{name}", kapacitor_service_tests.ServiceTest(engine, settings)),
        ("/kapacitor/v1/alerts/topics", kapacitor_alerts.Topics(engine, settings)),
    ]
    return table


class _CommonHeaders:
    """Tag each request with its resource's API family; stamp version and request-id headers."""

    def __init__(self, settings):
        self._version = settings.influx_version

    def process_request(self, req, resp):
        kapacitor_http.preview_rewrite(req)

    def process_resource(self, req, resp, resource, params):
        req.context.family = getattr(resource, "family", None)

    def process_response(self, req, resp, resource, req_succeeded):
        rid = req.get_header("X-Request-Id") or req.get_header("Request-Id") or _request_id()
        resp.set_header("X-Influxdb-Version", self._version)
        resp.set_header("X-Influxdb-Build", "OSS")
        resp.set_header("Request-Id", rid)
        resp.set_header("X-Request-Id", rid)
        family = getattr(req.context, "family", None)
        if family is not None:
            family.decorate(resp)
            finish = getattr(family, "finish", None)
            if finish is not None:
                finish(req, resp)


_UUID_STATE = {}   # pid -> (node, clock sequence) of this process's request ids


def _request_id():
    """A version-1 (time) UUID for ``Request-Id``, as InfluxDB's ``uuid.TimeUUID()``.

    PERF: ``uuid.uuid1()`` without arguments asks libuuid for a "safe" id (10 us a request);
    given the node and a clock sequence it is computed in Python (3 us).  The clock sequence
    is drawn once per process (gunicorn workers fork from one master), so two workers never
    share one.
    """
    state = _UUID_STATE.get(os.getpid())
    if state is None:
        state = _UUID_STATE[os.getpid()] = (uuid.getnode(), random.getrandbits(14))
    return str(uuid.uuid1(node=state[0], clock_seq=state[1]))


class _RequestLineLimit:
    """Refuse request targets longer than ``max_request_line`` with 414, in the family's format.

    gunicorn's own limit (8 KB, answered in HTML) is raised above this one (``server/worker.py``):
    SQL and InfluxQL in ``q=`` are often longer (dashboards send long regexes).  Runs after
    ``_CommonHeaders`` has named the family, so the error is the API's own.
    """

    def __init__(self, settings):
        self._limit = settings.max_request_line

    def process_resource(self, req, resp, resource, params):
        length = len(req.env.get("RAW_URI") or (req.path + "?" + req.env.get("QUERY_STRING", "")))
        if length > self._limit:
            raise falcon.HTTPUriTooLong(description=f"request target of {length} bytes is longer than "
                                                    f"the {self._limit} bytes accepted")


def _dispatch_error(req, resp, ex, params):
    """Route an exception to its API family's renderer (the single error handler of the app)."""
    family = getattr(req.context, "family", None)
    if family is not None:
        family.render_error(req, resp, ex)
        return
    # No family: no route matched, or a failure before routing.  Keep it neutral JSON.
    if isinstance(ex, falcon.HTTPError):
        resp.status = ex.status
        if ex.headers:
            resp.set_headers(ex.headers)
        message = ex.description or ex.title
    else:
        log.error("unhandled error on %s %s", req.method, req.path, exc_info=ex)
        resp.status = falcon.HTTP_500
        message = "internal server error"
    resp.content_type = falcon.MEDIA_JSON
    resp.data = orjson.dumps({"error": message})
