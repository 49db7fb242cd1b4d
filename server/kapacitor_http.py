"""The Kapacitor API family's HTTP behaviour: its one error renderer, bodies, headers, auth.

Kapacitor 1.7 (``services/httpd/handler.go``) wraps every route the same way: JSON content type,
gzip when the client accepts it, ``X-Kapacitor-Version``, CORS headers when an ``Origin`` is sent
(an ``OPTIONS`` request stops there: 200 and an empty body), a ``Request-Id``.  Bodies are
pretty-printed Go JSON; errors are ``{"error": msg, "message": msg}`` (pretty, except the 401s of
the authentication wrapper).  :data:`API` is the family object resources name; the app's single
error handler calls :meth:`ApiFamily.render_error`, and ``_CommonHeaders`` calls
:meth:`ApiFamily.finish` on every response of the family.
"""
from __future__ import annotations

import gzip
import logging

import falcon

from machstore.kapacitor.definitions import TaskStoreError
from machstore.kapacitor.gojson import dumps
from machstore.kapacitor.task_view import UnsupportedField
from machstore.server.influx import KAPACITOR_VERSION, read_body
from machstore.server.influx_auth import Gate
from machstore.server.influx_errors import InfluxError
from machstore.tick.gocompat import go_quote

log = logging.getLogger("machstore.server.kapacitor")

JSON = "application/json; charset=utf-8"
BASE = "/kapacitor/v1"
PREVIEW = "/kapacitor/v1preview"
_CORS_METHODS = "DELETE, GET, OPTIONS, POST, PATCH"
_CORS_HEADERS = ("Accept, Accept-Encoding, Authorization, Content-Length, Content-Type, X-CSRF-Token, "
                 "X-HTTP-Method-Override")


class ApiError(Exception):
    """An error answered in Kapacitor's format (``pretty=False``: the auth wrapper's compact one)."""

    def __init__(self, status: int, message: str, *, pretty: bool = True):
        super().__init__(message)
        self.status = status
        self.message = message
        self.pretty = pretty


def error_body(message: str, *, pretty: bool = True) -> bytes:
    return dumps({"error": message, "message": message}, pretty=pretty)


class ApiFamily:
    """How the Kapacitor API routes answer (see the module docstring)."""

    name = "kapacitor-api"

    def decorate(self, resp):
        resp.set_header("X-Kapacitor-Version", KAPACITOR_VERSION)

    def finish(self, req, resp):
        """CORS headers, and gzip of the body when the client accepts it (Kapacitor's filters)."""
        origin = req.get_header("Origin")
        if origin:
            resp.set_header("Access-Control-Allow-Origin", origin)
            resp.set_header("Access-Control-Allow-Methods", _CORS_METHODS)
            resp.set_header("Access-Control-Allow-Headers", _CORS_HEADERS)
        if req.method == "OPTIONS":
            return
        if "gzip" in (req.get_header("Accept-Encoding") or ""):
            resp.set_header("Content-Encoding", "gzip")
            # NOTE: a 204 or a HEAD answer carries no body: Go drops the gzip stream's bytes there
            if resp.status_code != 204 and req.method != "HEAD":
                resp.data = gzip.compress(resp.data or b"")

    def render_error(self, req, resp, ex):
        pretty = True
        if isinstance(ex, ApiError):
            status, message, pretty = ex.status, ex.message, ex.pretty
        elif isinstance(ex, TaskStoreError):
            status, message = ex.status, str(ex)
        elif isinstance(ex, UnsupportedField):
            status, message = 400, str(ex)
        elif isinstance(ex, InfluxError):   # auth (401/403) and body limits (413) from the shared helpers
            status, message = ex.status, ex.message
            pretty = status not in (401, 403)
            for name, value in (ex.headers or {}).items():
                resp.set_header(name, value)
        elif isinstance(ex, falcon.HTTPError):
            status = ex.status_code
            message = "Not Found" if status in (404, 405) else (ex.description or ex.title)
            if status == 405:
                status = 404   # Kapacitor's per-method muxes answer an unrouted method with its 404
        else:
            log.error("unhandled error on %s %s", req.method, req.path, exc_info=ex)
            status, message = 500, str(ex) or "internal server error"
        resp.status = status
        resp.content_type = JSON
        resp.data = error_body(message, pretty=pretty)


API = ApiFamily()


def respond(resp, body, status: int = 200, *, pretty: bool = True) -> None:
    """Answer ``body`` as Kapacitor's ``MarshalJSON(v, pretty)``."""
    resp.status = status
    resp.content_type = JSON
    resp.data = dumps(body, pretty=pretty)


def no_content(resp) -> None:
    resp.status = 204
    resp.content_type = JSON
    resp.data = b""


class Resource:
    """Base of the family's resources: auth as Kapacitor's wrapper does it, body reading, OPTIONS."""

    family = API

    def __init__(self, engine, settings):
        self._engine = engine
        self._settings = settings
        self._gate = Gate(engine, settings)

    def engine(self):
        return self._engine.get()

    def authenticate(self, req):
        """401 ``username required`` / ``authorization failed`` (compact JSON) when auth is on."""
        self._gate.authenticate(req)

    def body(self, req) -> bytes:
        return read_body(req, self._settings.max_body_size)

    def on_options(self, req, resp, **params):
        resp.status = 200   # Kapacitor's CORS filter returns before any handler: 200, no body
        resp.data = b""


class ResourceSink:
    """Serves a subtree no route template can take (``/config/<section>/<element>``) with one
    resource's ``on_<method>``.  Sinks get no ``process_resource`` call, so the family is set
    here and every error is rendered as the family renders it; other methods: 404."""

    family = API

    def __init__(self, resource, methods=("GET", "POST", "OPTIONS")):
        self._resource = resource
        self._methods = tuple(methods)

    def __call__(self, req, resp, **kwargs):
        req.context.family = API
        try:
            if req.method not in self._methods:
                raise ApiError(404, "Not Found")
            getattr(self._resource, "on_" + req.method.lower())(req, resp)
        except Exception as ex:  # noqa: BLE001 - rendered as the family renders every error
            API.render_error(req, resp, ex)


def preview_rewrite(req) -> None:
    """``/kapacitor/v1preview/...`` is served as ``/kapacitor/v1/...`` (Kapacitor's rewritePreview)."""
    if req.path.startswith(PREVIEW + "/"):
        req.path = BASE + req.path[len(PREVIEW):]


def query_int(req, name: str, default: int) -> int:
    """``offset``/``limit``: Go's ``strconv.ParseInt`` or 400 with Kapacitor's text."""
    text = req.get_param(name) or ""
    if not text:
        return default
    body = text[1:] if text[:1] in "+-" else text
    if not body.isascii() or not body.isdigit():
        raise ApiError(400, f"invalid {name} parameter {go_quote(text)} must be an integer: "
                            f"strconv.ParseInt: parsing {go_quote(text)}: invalid syntax")
    value = int(text)
    if not -2**63 <= value < 2**63:
        raise ApiError(400, f"invalid {name} parameter {go_quote(text)} must be an integer: "
                            f"strconv.ParseInt: parsing {go_quote(text)}: value out of range")
    return value


def choice(req, name: str, allowed: tuple, default: str) -> str:
    """``script-format``/``dot-view``: one of ``allowed`` or 400 ``invalid <name> parameter "x"``."""
    value = req.get_param(name) or ""
    if not value:
        return default
    if value not in allowed:
        raise ApiError(400, f"invalid {name} parameter {go_quote(value)}")
    return value
