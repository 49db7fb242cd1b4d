"""``/kapacitor/v1/config`` and everything under it: thin resources over ``machstore.kapacitor.config.api``.

``Config`` answers the exact path.  The ``/config/...`` subtree is answered by ``ConfigPath``:
it is routed at ``/config/{section}`` (so ``/:routes`` lists ``/kapacitor/v1/config/`` with
GET and POST, as Kapacitor does) and serves, through ``ConfigSink``, every other path under
it (a trailing ``/``, ``section/element``), as Kapacitor's ``/config/`` handler takes the rest
of the path.  Only GET and POST are routed under ``/config/``, as in Kapacitor.
"""
from __future__ import annotations

from machstore.kapacitor.config import api

from .kapacitor_http import API, JSON, ApiError, Resource


def _answer(resp, body: bytes) -> None:
    resp.status = 200
    resp.content_type = JSON
    resp.data = body


class Config(Resource):
    """``GET /kapacitor/v1/config``: every overridable section."""

    def on_get(self, req, resp):
        self.authenticate(req)
        try:
            _answer(resp, api.get(self.engine(), req.path))
        except api.ConfigApiError as ex:
            raise ApiError(ex.status, ex.message) from None


class ConfigPath(Resource):
    """``GET``/``POST /kapacitor/v1/config/<section>[/<element>]`` (the section and element come
    from the whole path)."""

    def on_get(self, req, resp, **_params):
        self.authenticate(req)
        try:
            _answer(resp, api.get(self.engine(), req.path))
        except api.ConfigApiError as ex:
            raise ApiError(ex.status, ex.message) from None

    def on_post(self, req, resp, **_params):
        self.authenticate(req)
        try:
            api.update(self.engine(), req.path, self.body(req))
        except api.ConfigApiError as ex:
            raise ApiError(ex.status, ex.message) from None
        resp.status = 204
        resp.content_type = JSON
        resp.data = b""


class ConfigSink:
    """The paths under ``/kapacitor/v1/config/`` no route takes, served by ``ConfigPath``."""

    family = API

    def __init__(self, engine, settings):
        self._path = ConfigPath(engine, settings)

    def __call__(self, req, resp, **kwargs):
        req.context.family = API   # sinks get no process_resource call
        try:
            handler = {"GET": self._path.on_get, "POST": self._path.on_post,
                       "OPTIONS": self._path.on_options}.get(req.method)
            if handler is None:
                raise ApiError(404, "Not Found")
            handler(req, resp)
        except Exception as ex:  # noqa: BLE001 - rendered as the family renders every error
            API.render_error(req, resp, ex)
