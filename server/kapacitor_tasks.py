"""``/kapacitor/v1/tasks``, ``/tasks/<id>`` and ``/tasks/<id>/<httpOut endpoint>``: thin resources.

The rules live in ``machstore.kapacitor.tasks`` (definitions) and ``task_view`` (what a task looks
like); errors go through the family's one renderer (``kapacitor_http.ApiFamily``).
"""
from __future__ import annotations

from machstore.kapacitor import deadman, tasks
from machstore.kapacitor.definitions import TaskStoreError
from machstore.kapacitor.task_view import TASK_FIELDS, task_fields, task_json

from .kapacitor_http import ApiError, Resource, choice, no_content, query_int, respond

SCRIPT_FORMATS = ("formatted", "raw")
DOT_VIEWS = ("attributes", "labels")


def _views(req):
    return (choice(req, "script-format", SCRIPT_FORMATS, "formatted"),
            choice(req, "dot-view", DOT_VIEWS, "attributes"))


class Tasks(Resource):
    """``GET`` (list) and ``POST`` (create) ``/kapacitor/v1/tasks``."""

    def on_get(self, req, resp):
        self.authenticate(req)
        pattern = req.get_param("pattern") or ""
        fields = req.get_param_as_list("fields") or []
        fields = [*fields, "id", "link"] if fields else list(TASK_FIELDS)
        script_format, dot_view = _views(req)
        offset = query_int(req, "offset", 0)
        limit = query_int(req, "limit", tasks.DEFAULT_LIMIT)
        found = tasks.listing(self.engine(), pattern, offset, limit)
        dm = deadman.of_engine(self.engine())
        respond(resp, {"tasks": [task_fields(rec, run, fields, script_format=script_format, dot_view=dot_view,
                                             deadman=dm) for rec, run in found]})

    def on_post(self, req, resp):
        self.authenticate(req)
        record = tasks.create(self.engine(), self.body(req))
        respond(resp, task_json(record, None, deadman=deadman.of_engine(self.engine())))


class Task(Resource):
    """``GET``, ``PATCH`` and ``DELETE /kapacitor/v1/tasks/<id>``."""

    def on_get(self, req, resp, task_id):
        self.authenticate(req)
        _require_id(task_id)
        record, run = tasks.get(self.engine(), task_id)
        script_format, dot_view = _views(req)
        if req.get_param("replay-id"):
            raise TaskStoreError(f"no running replay with ID: {req.get_param('replay-id')}")
        respond(resp, task_json(record, run, script_format=script_format, dot_view=dot_view,
                                deadman=deadman.of_engine(self.engine())))

    def on_patch(self, req, resp, task_id):
        self.authenticate(req)
        _require_id(task_id)
        record = tasks.update(self.engine(), task_id, self.body(req))
        _, run = tasks.get(self.engine(), record["id"])
        respond(resp, task_json(record, run, deadman=deadman.of_engine(self.engine())))

    def on_delete(self, req, resp, task_id):
        self.authenticate(req)
        _require_id(task_id)
        tasks.delete(self.engine(), task_id)
        no_content(resp)


class HttpOut(Resource):
    """``GET /kapacitor/v1/tasks/<id>/<endpoint>``: the last result of a running ``httpOut``.

    Kapacitor registers the route while the task runs; otherwise the path reaches the task
    handler, which finds no task named ``<id>/<endpoint>``: 404 ``no task exists``.
    """

    def on_get(self, req, resp, task_id, endpoint):
        self.authenticate(req)
        resp.status = 200
        resp.content_type = "application/json; charset=utf-8"
        resp.data = tasks.http_out(self.engine(), task_id, endpoint)

    def on_patch(self, req, resp, task_id, endpoint):
        self.authenticate(req)
        tasks.update(self.engine(), f"{task_id}/{endpoint}", self.body(req))   # no task has a slash: 404

    def on_delete(self, req, resp, task_id, endpoint):
        self.authenticate(req)
        no_content(resp)


def _require_id(ident: str) -> None:
    """``/tasks/`` with nothing after it (Kapacitor's taskIDFromPath)."""
    if not ident:
        raise ApiError(400, "must specify task id on path")
