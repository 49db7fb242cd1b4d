"""``/kapacitor/v1/templates`` and ``/templates/<id>``: thin resources over ``machstore.kapacitor.templates``."""
from __future__ import annotations

from machstore.kapacitor import templates
from machstore.kapacitor.task_view import TEMPLATE_FIELDS, template_fields, template_json

from .kapacitor_http import ApiError, Resource, choice, no_content, query_int, respond


class Templates(Resource):
    """``GET`` (list) and ``POST`` (create) ``/kapacitor/v1/templates``."""

    def on_get(self, req, resp):
        self.authenticate(req)
        pattern = req.get_param("pattern") or ""
        fields = req.get_param_as_list("fields") or []
        fields = [*fields, "id", "link"] if fields else list(TEMPLATE_FIELDS)
        script_format = choice(req, "script-format", ("formatted", "raw"), "formatted")
        offset = query_int(req, "offset", 0)
        limit = query_int(req, "limit", 100)
        found = templates.listing(self.engine(), pattern, offset, limit)
        respond(resp, {"templates": [template_fields(rec, fields, script_format=script_format) for rec in found]})

    def on_post(self, req, resp):
        self.authenticate(req)
        respond(resp, template_json(templates.create(self.engine(), self.body(req))))


class Template(Resource):
    """``GET``, ``PATCH`` and ``DELETE /kapacitor/v1/templates/<id>``."""

    def on_get(self, req, resp, template_id):
        self.authenticate(req)
        _require_id(template_id)
        record = templates.get(self.engine(), template_id)
        script_format = choice(req, "script-format", ("formatted", "raw"), "formatted")
        respond(resp, template_json(record, script_format=script_format))

    def on_patch(self, req, resp, template_id):
        self.authenticate(req)
        _require_id(template_id)
        respond(resp, template_json(templates.update(self.engine(), template_id, self.body(req))))

    def on_delete(self, req, resp, template_id):
        self.authenticate(req)
        _require_id(template_id)
        templates.delete(self.engine(), template_id)
        no_content(resp)


def _require_id(ident: str) -> None:
    """``/templates/`` with nothing after it (Kapacitor's templateIDFromPath)."""
    if not ident:
        raise ApiError(400, "must specify template id on path")
