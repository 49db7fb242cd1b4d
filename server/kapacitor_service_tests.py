"""``/kapacitor/v1/service-tests`` and ``/service-tests/<name>``: thin resources over
``machstore.kapacitor.config.servicetests``."""
from __future__ import annotations

from machstore.kapacitor.config import api, servicetests

from .kapacitor_http import API, JSON, ApiError, Resource


def _answer(resp, body: bytes) -> None:
    resp.status = 200
    resp.content_type = JSON
    resp.data = body


class ServiceTests(Resource):
    """``GET /kapacitor/v1/service-tests[?pattern=]``."""

    def on_get(self, req, resp):
        self.authenticate(req)
        try:
            _answer(resp, servicetests.listing(req.get_param("pattern") or ""))
        except api.ConfigApiError as ex:
            raise ApiError(ex.status, ex.message) from None


class ServiceTestSink:
    """``GET`` (the test's options) and ``POST`` (run it) ``/kapacitor/v1/service-tests/<name>``."""

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
        try:
            if req.method == "GET":
                _answer(resp, servicetests.options(req.path))
            else:
                _answer(resp, servicetests.run(self._resource.engine(), req.path, self._resource.body(req)))
        except api.ConfigApiError as ex:
            raise ApiError(ex.status, ex.message) from None
