"""What a handler knows of an event beyond ``alert.Data``: Kapacitor's ``alert.EventData``.

Kapacitor hands each handler an ``alert.Event``: the state (id, message, details, time,
duration, level) *and* ``EventData`` (measurement name, task name, category, group, tags,
fields, result).  Several handlers read the latter: PagerDuty2's ``class`` is the task name
and its ``source`` the ``host`` tag, BigPanda's ``task`` is ``<task>:<measurement>``, and every
handler template (alerta's resource/event/group..., PagerDuty2 links, BigPanda attributes)
executes on ``alert.TemplateData``.

machstore's event is the ``alert.Data`` dict (``alerts/event.py``); the alert node adds the
rest under ``EVENT_DATA_KEY`` (``eventData``: ``{"name", "taskName", "category", "group",
"tags", "fields"}``), a key ``encode`` does not write.  ``of(event)`` reads it back; for an
event stored without it (an outbox written before it existed) the name, tags and fields come
from the event's first result row, and the task name, category and group are empty.

This is the one module every service reads an event's ``EventData``/``TemplateData`` from
(chat, incident and enterprise services alike): ``TemplateData(event)`` for handler templates
(mqtt's topic, discord's embed title, alerta, pagerduty2 links, sensu, snmptrap...),
``EventDataView(event)`` for those executed on ``alert.EventData`` (email's to-templates),
``as_dict(event)`` for services that render it themselves (servicenow, zenoss), ``topic(event)``
for the topic the event was published to (teams' title), plus ``parse``/``execute_partial``
for the services' own templates.
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field

from machstore.gotemplate import Duration, StringMap, Template, TemplateError, Time

from .base import DeliveryError

EVENT_DATA_KEY = "eventData"
TOPIC_KEY = "topic"


def event_data(*, name: str, task: str, category: str, group: str, tags: dict, fields: dict) -> dict:
    """The JSON-able ``EventData`` the alert node stores with an event (see the module doc)."""
    return {"name": name, "taskName": task, "category": category, "group": group,
            "tags": {str(k): str(v) for k, v in (tags or {}).items()},
            "fields": {str(k): _plain(v) for k, v in (fields or {}).items()}}


def _plain(v):
    """A field value as JSON keeps it (numpy scalars become Python ones)."""
    item = getattr(v, "item", None)
    return item() if callable(item) else v


@dataclass
class EventData:
    name: str = ""
    task_name: str = ""
    category: str = ""
    group: str = ""
    tags: dict = field(default_factory=dict)
    fields: dict = field(default_factory=dict)


def of(event: dict) -> EventData:
    """The ``EventData`` of an event dict (see the module docstring)."""
    extra = event.get(EVENT_DATA_KEY)
    if isinstance(extra, dict):
        return EventData(extra.get("name", ""), extra.get("taskName", ""), extra.get("category", ""),
                         extra.get("group", ""), dict(extra.get("tags") or {}), dict(extra.get("fields") or {}))
    rows = ((event.get("data") or {}).get("series")) or []
    if not rows:
        return EventData()
    row = rows[0]
    fields = {}
    values = row.get("values") or []
    if values:
        fields = {c: v for c, v in zip(row.get("columns") or [], values[-1]) if c != "time"}
    return EventData(name=row.get("name", ""), tags=dict(row.get("tags") or {}), fields=fields)


def result(event: dict) -> dict:
    """The event's ``models.Result`` as Go encodes it: ``{"series": [rows]}`` with each row's
    empty fields left out (``omitempty``) and its tags sorted, or ``{"series": null}``."""
    series = (event.get("data") or {}).get("series")
    if series is None:
        return {"series": None}
    return {"series": [_row(r) for r in series]}


def _row(row: dict) -> dict:
    out = {}
    if row.get("name"):
        out["name"] = row["name"]
    if row.get("tags"):
        out["tags"] = dict(sorted(row["tags"].items()))
    if row.get("columns"):
        out["columns"] = list(row["columns"])
    if row.get("values"):
        out["values"] = [list(v) for v in row["values"]]
    return out


EMPTY_RESULT = {"series": None}


_RFC3339 = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$")


def unix_nano(text: str) -> int:
    """Unix nanoseconds of an RFC3339Nano time (the event's is UTC; a service test's options may
    carry an offset); ``DeliveryError`` with Go's text when it is not one."""
    m = _RFC3339.match(str(text))
    if m is None:
        raise DeliveryError(f'parsing time "{text}" as "2006-01-02T15:04:05Z07:00": cannot parse "{text}" as RFC3339')
    base, frac, zone = m.groups()
    tz = _dt.UTC if zone == "Z" else _dt.datetime.strptime(zone.replace(":", ""), "%z").tzinfo
    secs = int(_dt.datetime.fromisoformat(base).replace(tzinfo=tz).timestamp())
    return secs * 10**9 + (int((frac + "000000000")[:9]) if frac else 0)


class TemplateData:
    """``alert.TemplateData``: what handler templates execute on."""

    go_type = "alert.TemplateData"

    def __init__(self, event: dict):
        data = of(event)
        # the Go struct's field order (``{{ . }}`` prints them in it)
        self.ID, self.Message, self.Level = event.get("id", ""), event.get("message", ""), event.get("level", "OK")
        self.Time = Time(unix_nano(event["time"]) if event.get("time") else 0)
        self.Duration = Duration(int(event.get("duration") or 0))
        self.Details = event.get("details", "")
        self.Name, self.TaskName, self.Group = data.name, data.task_name, data.group
        self.Tags = StringMap(data.tags)
        self.Fields = dict(data.fields)


class EventDataView:
    """``alert.EventData`` as a template sees it (email's to-templates execute on it)."""

    go_type = "alert.EventData"

    def __init__(self, event: dict):
        d = of(event)
        self.Name, self.TaskName, self.Category, self.Group = d.name, d.task_name, d.category, d.group
        self.Tags, self.Fields = StringMap(d.tags), dict(d.fields)
        self.Recoverable = bool(event.get("recoverable"))


def as_dict(event: dict) -> dict:
    """``EventData`` of an event as the JSON-able dict ``event_data`` builds."""
    d = of(event)
    return {"name": d.name, "taskName": d.task_name, "category": d.category, "group": d.group,
            "tags": dict(d.tags), "fields": dict(d.fields)}


def topic(event: dict) -> str:
    """The topic the event was published to (``alert.Event.Topic``), ``""`` for none."""
    return str(event.get(TOPIC_KEY) or "")


def rfc3339_seconds(text: str) -> str:
    """Go's ``t.Format(time.RFC3339)`` of the event time: whole seconds, ``Z``."""
    return text.removesuffix("Z").partition(".")[0] + "Z"


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


def render_partial(name: str, text: str, data) -> str:
    """An option's template (``""`` for none) parsed and run as servicenow and zenoss do:
    ``execute_partial``'s text; a parse error fails the delivery with Go's text."""
    if not text:
        return ""
    try:
        return execute_partial(parse(name, text), data)
    except TemplateError as ex:
        raise DeliveryError(str(ex)) from None


class AlertaEventData:
    """Alerta's ``eventData``: what its ``event`` template executes on (fewer fields)."""

    go_type = "alerta.eventData"

    def __init__(self, td: TemplateData):
        self.ID, self.Name, self.TaskName, self.Group, self.Tags = td.ID, td.Name, td.TaskName, td.Group, td.Tags


__all__ = ["EMPTY_RESULT", "EVENT_DATA_KEY", "TOPIC_KEY", "AlertaEventData", "EventData", "EventDataView",
           "TemplateData", "TemplateError", "as_dict", "event_data", "execute_partial", "of", "parse", "render_partial", "result",
           "rfc3339_seconds", "topic", "unix_nano"]
