"""``/kapacitor/v1/service-tests`` and ``/service-tests/<name>``: thin resources over
``machstore.kapacitor.config.servicetests`` (routed like ``server/kapacitor_config.py``: a route
for ``/service-tests/{name}`` and a sink for the other paths under it)."""
from __future__ import annotations

from machstore.kapacitor.config import api, servicetests

from .kapacitor_http import JSON, ApiError, Resource


def _answer(resp, body: bytes) -> None:
    resp.status = 200
    resp.content_type = JSON
    resp.data = body


class ServiceTests(Resource):
    """``GET /kapacitor/v1/service-tests[?pattern=]``."""

    def on_get(self, req, resp):
        self.authenticate(req)
        try:
            _answer(resp, servicetests.listing(self.engine(), req.get_param("pattern") or ""))
        except api.ConfigApiError as ex:
            raise ApiError(ex.status, ex.message) from None


class ServiceTest(Resource):
    """``GET`` (the test's options) and ``POST`` (run it) ``/kapacitor/v1/service-tests/<name>``."""

    def on_get(self, req, resp, **_params):
        self.authenticate(req)
        try:
            _answer(resp, servicetests.options(self.engine(), req.path))
        except api.ConfigApiError as ex:
            raise ApiError(ex.status, ex.message) from None

    def on_post(self, req, resp, **_params):
        self.authenticate(req)
        try:
            _answer(resp, servicetests.run(self.engine(), req.path, self.body(req)))
        except api.ConfigApiError as ex:
            raise ApiError(ex.status, ex.message) from None

