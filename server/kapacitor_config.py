"""``/kapacitor/v1/config`` and everything under it: thin resources over ``machstore.kapacitor.config.api``.

``Config`` answers the exact path; ``ConfigSink`` the ``/config/...`` subtree (a section, a
section with a trailing ``/``, ``section/element``), as Kapacitor's ``/config/`` handler takes
the rest of the path.  Only GET and POST (under ``/config/``) are routed, as in Kapacitor.
"""
from __future__ import annotations

from machstore.kapacitor.config import api

from .kapacitor_http import API, JSON, ApiError, Resource


def _answer(resp, body: bytes) -> None:
    resp.status = 200
    resp.content_type = JSON
    resp.data = body


def _api_error(ex: api.ConfigApiError) -> ApiError:
    return ApiError(ex.status, ex.message)


class Config(Resource):
    """``GET /kapacitor/v1/config``: every overridable section."""

    def on_get(self, req, resp):
        self.authenticate(req)
        try:
            _answer(resp, api.get(self.engine(), req.path))
        except api.ConfigApiError as ex:
            raise _api_error(ex) from None


class ConfigSink:
    """``GET``/``POST /kapacitor/v1/config/<section>[/<element>]`` (a sink: the rest may hold slashes)."""

    family = API

    def __init__(self, engine, settings):
        self._resource = Resource(engine, settings)

    def __call__(self, req, resp, **kwargs):
        req.context.family = API   # sinks get no process_resource call
        try:
            self._serve(req, resp)
        except Exception as ex:  # noqa: BLE001 - rendered as the family renders every error
            API.render_error(req, resp, ex)

    def _serve(self, req, resp):
        if req.method == "OPTIONS":
            resp.status = 200
            resp.data = b""
            return
        if req.method not in ("GET", "POST"):
            raise ApiError(404, "Not Found")
        self._resource.authenticate(req)
        engine = self._resource.engine()
        try:
            if req.method == "GET":
                _answer(resp, api.get(engine, req.path))
                return
            api.update(engine, req.path, self._resource.body(req))
        except api.ConfigApiError as ex:
            raise _api_error(ex) from None
        resp.status = 204
        resp.content_type = JSON
        resp.data = b""
