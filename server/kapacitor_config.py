"""``/kapacitor/v1/config`` and everything under it: thin resources over ``machstore.kapacitor.config.api``.

``Config`` answers the exact path.  The ``/config/...`` subtree is answered by ``ConfigPath``:
it is routed at ``/config/{section}`` (so ``/:routes`` lists ``/kapacitor/v1/config/`` with
GET and POST, as Kapacitor does) and serves, through a ``ResourceSink`` (server/app.py), every other path under
it (a trailing ``/``, ``section/element``), as Kapacitor's ``/config/`` handler takes the rest
of the path.  Only GET and POST are routed under ``/config/``, as in Kapacitor.
"""
from __future__ import annotations

from machstore.kapacitor.config import api

from .kapacitor_http import JSON, ApiError, Resource


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

