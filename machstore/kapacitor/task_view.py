"""Task and template records as Kapacitor's API shows them (``convertTask``, ``handleListTasks``,
``convertTemplate``): field order, DOT, stats and the run status the engine process writes.

A single task is Go's ``client.Task`` struct (fields in declaration order, ``stats`` ``{}`` when not
executing); a listed task is a Go map (keys sorted, ``template-id`` left out when empty, ``stats``
``null`` when not executing).  The DOT of a task that is not executing lists its edges; an
executing one carries each node's stats from the run status (``store.get_run_status``).
"""
from __future__ import annotations

import posixpath

from machstore.gotemplate.gofmt import format_float_shortest
from machstore.tick import TickError, format_script
from machstore.tick.evaluate import format_duration
from machstore.tick.format import lambda_expression_string
from machstore.tick.gocompat import go_quote
from machstore.tick.template_vars import vars_to_api

from .definitions import ZERO_TIME, InvalidTask, compile_task, compile_template
from .gojson import GoMap

BASE = "/kapacitor/v1"
TASK_FIELDS = ("link", "id", "type", "dbrps", "script", "dot", "status", "executing", "error", "stats",
               "created", "modified", "last-enabled", "vars", "template-id")
TEMPLATE_FIELDS = ("link", "id", "type", "script", "dot", "error", "created", "modified")
_EDGE_COUNTS = ("collected", "emitted")


class UnsupportedField(ValueError):
    """``fields=`` names a field Kapacitor does not know (400 ``unsupported field "x"``)."""


def link(kind: str, ident: str) -> dict:
    """``{"rel": "self", "href": ...}`` with Go's ``path.Join`` cleaning (``..`` is resolved)."""
    return {"rel": "self", "href": posixpath.normpath(f"{BASE}/{kind}/{ident}")}


def script_text(script: str, script_format: str) -> str:
    if script_format == "formatted":
        try:
            return format_script(script)
        except TickError:
            return script   # Kapacitor shows the raw text when formatting fails
    return script


def is_executing(record: dict, run: dict | None) -> bool:
    """Enabled, and reported running by the engine process under the definition's current stamp
    (a run status that names another stamp belongs to the definition before a change)."""
    if not (run and run.get("executing")) or record["status"] != "enabled":
        return False
    stamp = run.get("stamp")
    return stamp is None or stamp == record.get("stamp")


def _stat_text(key, value) -> str:
    if key == "avg_exec_time_ns":
        return format_duration(int(value))
    if isinstance(value, float):
        return format_float_shortest(value, "g")
    return str(value)


def _dot(record: dict, run: dict | None, pipeline, labels: bool) -> str:
    if not is_executing(record, run):
        return pipeline.dot(record["id"])
    nodes = run.get("nodes") or {}
    stats = {}
    for node in pipeline.sorted():
        s = nodes.get(node.name)
        if s is None:
            continue
        shown = {k: _stat_text(k, v) for k, v in s.items() if k not in _EDGE_COUNTS}
        stats[node.name] = (shown, [s.get("emitted", 0)] * len(node.children))
    throughput = float((run.get("stats") or {}).get("throughput", 0.0))
    return pipeline.executing_dot(record["id"], record["type"], stats, throughput, labels=labels)


_ZERO_NODE = {"avg_exec_time_ns": 0, "collected": 0, "emitted": 0, "errors": 0, "working_cardinality": 0}


def _stats(run: dict, pipeline) -> dict:
    """``ExecutionStats``: the task's throughput and every node's stats (zeros for a node the
    runtime has not reported yet), each node's ``collected`` and ``emitted`` included."""
    task_stats = GoMap(run.get("stats") or {})
    task_stats.setdefault("throughput", 0.0)
    nodes = run.get("nodes") or {}
    node_stats = GoMap({n.name: GoMap(nodes.get(n.name) or _ZERO_NODE) for n in pipeline.sorted()})
    return {"task-stats": task_stats, "node-stats": node_stats}


def _vars(stored: dict) -> GoMap:
    return GoMap({name: _client_var(v) for name, v in stored.items()})


def _client_var(v: dict) -> dict:
    value = v.get("value")
    if v["type"] == "list" and value is not None:
        value = [_client_var(item) for item in value]
    return {"type": v["type"], "value": value, "description": v.get("description", "")}


class _Compiled:
    """The pipeline of a record, built once per rendering (or the error that prevents it)."""

    def __init__(self, record, deadman=None):
        try:
            self.pipeline = compile_task(record["script"], record["type"], record.get("vars") or {},
                                         deadman=deadman).pipeline
            self.error = None
        except InvalidTask as ex:
            self.pipeline, self.error = None, str(ex)


def task_json(record: dict, run: dict | None, *, script_format="formatted", dot_view="attributes",
              deadman: dict | None = None) -> dict:
    """One task (``GET /tasks/<id>``, and the answer of POST and PATCH); ``deadman``: the
    ``[deadman]`` settings (``deadman.of_engine``) its pipeline is built with."""
    compiled = _Compiled(record, deadman)
    executing = is_executing(record, run)
    dot = "" if compiled.pipeline is None else _dot(record, run, compiled.pipeline, dot_view == "labels")
    error = compiled.error if compiled.error is not None else (run or {}).get("error", "")
    return {
        "link": link("tasks", record["id"]),
        "id": record["id"],
        "template-id": record.get("template-id", ""),
        "type": record["type"],
        "dbrps": [{"db": d["db"], "rp": d["rp"]} for d in record["dbrps"]],
        "script": script_text(record["script"], script_format),
        "vars": _vars(record.get("vars") or {}),
        "dot": dot,
        "status": record["status"],
        "executing": executing,
        "error": error,
        "stats": _stats(run, compiled.pipeline) if executing and compiled.pipeline is not None else {},
        "created": record["created"],
        "modified": record["modified"],
        "last-enabled": record.get("last-enabled") or ZERO_TIME,
    }


def task_fields(record: dict, run: dict | None, fields, *, script_format="formatted",
                dot_view="attributes", deadman: dict | None = None) -> GoMap:
    """One task of ``GET /tasks``: only ``fields`` (plus id and link), keys sorted."""
    executing = is_executing(record, run)
    compiled = None
    out = GoMap()
    for name in fields:
        if name == "id":
            value = record["id"]
        elif name == "link":
            value = link("tasks", record["id"])
        elif name == "type":
            value = record["type"]
        elif name == "dbrps":
            value = [{"db": d["db"], "rp": d["rp"]} for d in record["dbrps"]]
        elif name == "script":
            value = script_text(record["script"], script_format)
        elif name == "executing":
            value = executing
        elif name == "dot":
            compiled = compiled or _Compiled(record, deadman)
            value = None if compiled.pipeline is None else _dot(record, run, compiled.pipeline,
                                                                dot_view == "labels")
        elif name == "stats":
            compiled = compiled or _Compiled(record, deadman)
            value = _stats(run, compiled.pipeline) if executing and compiled.pipeline is not None else None
        elif name == "error":
            value = (run or {}).get("error", "")
        elif name == "status":
            value = record["status"]
        elif name in ("created", "modified"):
            value = record[name]
        elif name == "last-enabled":
            value = record.get("last-enabled") or ZERO_TIME
        elif name == "template-id":
            if not record.get("template-id"):
                continue
            value = record["template-id"]
        elif name == "vars":
            value = _vars(record.get("vars") or {})
        else:
            raise UnsupportedField(f"unsupported field {go_quote(name)}")
        out[name] = value
    return out


# -- templates ------------------------------------------------------------------------------

def _template_vars(tick_vars: dict) -> GoMap:
    api = vars_to_api(tick_vars, lambda_expression_string)
    return GoMap({name: _reorder(v) for name, v in api.items()})


def _reorder(v: dict) -> dict:
    value = v["value"]
    if v["type"] == "list" and isinstance(value, list):
        value = [_reorder(item) for item in value]
    return {"type": v["type"], "value": value, "description": v.get("description", "")}


def template_json(record: dict, *, script_format="formatted") -> dict:
    """One template (``GET /templates/<id>``, and the answer of POST and PATCH)."""
    try:
        pipeline, tick_vars = compile_template(record["script"], record["type"])
        error, dot, shown_vars = record.get("error", ""), pipeline.dot(record["id"]), _template_vars(tick_vars)
    except InvalidTask as ex:
        error, dot, shown_vars = str(ex), "", GoMap()
    return {
        "link": link("templates", record["id"]),
        "id": record["id"],
        "type": record["type"],
        "script": script_text(record["script"], script_format),
        "vars": shown_vars,
        "dot": dot,
        "error": error,
        "created": record["created"],
        "modified": record["modified"],
    }


def template_fields(record: dict, fields, *, script_format="formatted") -> GoMap:
    """One template of ``GET /templates`` (an empty object when its script no longer builds)."""
    out = GoMap()
    try:
        pipeline, tick_vars = compile_template(record["script"], record["type"])
    except InvalidTask:
        return out
    for name in fields:
        if name == "id":
            value = record["id"]
        elif name == "link":
            value = link("templates", record["id"])
        elif name == "type":
            value = record["type"]
        elif name == "script":
            value = script_text(record["script"], script_format)
        elif name == "dot":
            value = pipeline.dot(record["id"])
        elif name == "vars":
            value = _template_vars(tick_vars)
        elif name == "error":
            value = record.get("error", "")
        elif name in ("created", "modified"):
            value = record[name]
        else:
            raise UnsupportedField(f"unsupported field {go_quote(name)}")
        out[name] = value
    return out
