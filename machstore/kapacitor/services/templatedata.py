"""What a service's templates see of an event, and Go's struct JSON for request bodies.

Kapacitor's handlers render their own templates (sensu's source, servicenow's node/type/...,
zenoss's summary/device/..., email's to-templates) over ``alert.Event``: its ``State`` (id,
message, details, time, duration, level) and its ``Data`` (``alert.EventData``: measurement
name, task name, category, group, tags, fields).  The outbox event is ``alert.Data``
(``alerts/event.py``); the alert node adds the ``EventData`` part under ``"eventData"``
(``{"name", "taskName", "category", "group", "tags", "fields"}``), which ``encode`` leaves out
of the JSON Kapacitor sends.  An event without it (a service test, an event stored before)
takes name, tags and fields from its row, as ``EventData`` holds them for a stream point.
"""
from __future__ import annotations

from machstore.gotemplate import Template, TemplateError
from machstore.gotemplate import values as gv
from machstore.gotemplate.kapacitor import go_json
from machstore.kapacitor.alerts.handlers import parse_time


def event_data(event: dict) -> dict:
    """``alert.EventData`` of an event as a dict (see the module docstring)."""
    given = event.get("eventData")
    if isinstance(given, dict):
        return {"name": "", "taskName": "", "category": "", "group": "", "tags": {}, "fields": {}, **given}
    series = ((event.get("data") or {}).get("series")) or [{}]
    row = series[0] or {}
    fields = {}
    columns, values = row.get("columns") or [], row.get("values") or []
    if values:
        fields = {c: v for c, v in zip(columns, values[-1], strict=False) if c != "time"}
    return {"name": row.get("name", ""), "taskName": "", "category": "", "group": "",
            "tags": dict(row.get("tags") or {}), "fields": fields}


class TemplateData:
    """Kapacitor's ``alert.TemplateData`` (``Event.TemplateData()``)."""

    go_type = "alert.TemplateData"

    def __init__(self, event: dict):
        d = event_data(event)
        self.ID, self.Message = event.get("id", ""), event.get("message", "")
        self.Level = event.get("level", "OK")
        self.Time = gv.Time(parse_time(event["time"]) if event.get("time") else 0)
        self.Duration = gv.Duration(event.get("duration") or 0)
        self.Details = event.get("details", "")
        self.Name, self.TaskName, self.Group = d["name"], d["taskName"], d["group"]
        self.Tags, self.Fields = gv.StringMap(d["tags"]), dict(d["fields"])


class EventData:
    """Kapacitor's ``alert.EventData`` (what email's to-templates execute on)."""

    go_type = "alert.EventData"

    def __init__(self, event: dict):
        d = event_data(event)
        self.Name, self.TaskName, self.Category, self.Group = d["name"], d["taskName"], d["category"], d["group"]
        self.Tags, self.Fields = gv.StringMap(d["tags"]), dict(d["fields"])
        self.Recoverable = bool(event.get("recoverable"))


def parse(name: str, text: str) -> Template:
    """A Go ``text/template`` named ``name``; ``TemplateError`` with Go's text if it does not parse."""
    return Template(name).parse(text)


def execute_partial(tmpl: Template, data) -> str:
    """What Go's ``Execute`` wrote into its buffer.  Where Kapacitor ignores the execution error
    (servicenow, zenoss) the text written before the failing action stays; machstore's executor
    does not keep partial output, so a failing template gives ``""`` there."""
    try:
        return tmpl.execute(data)
    except TemplateError:
        return ""


def go_struct_json(obj: dict) -> bytes:
    """Go's ``json.Marshal`` of a struct given as an ordered dict (no trailing newline)."""
    return _struct(obj).encode()


def _struct(v) -> str:
    """Dicts in their own key order (struct fields), lists element-wise, leaves by ``go_json``."""
    if isinstance(v, dict):
        return "{" + ",".join(go_json(str(k))[:-1] + ":" + _struct(x) for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ",".join(_struct(x) for x in v) + "]"
    return go_json(v)[:-1]


__all__ = ["EventData", "TemplateData", "TemplateError", "event_data", "execute_partial", "go_struct_json", "parse"]
