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
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field

from machstore.gotemplate import Duration, StringMap, Time

from .base import DeliveryError

EVENT_DATA_KEY = "eventData"


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
        self.ID, self.Message, self.Level = event["id"], event["message"], event["level"]
        self.Time = Time(unix_nano(event["time"]))
        self.Duration = Duration(int(event["duration"]))
        self.Details = event["details"]
        self.Name, self.TaskName, self.Group = data.name, data.task_name, data.group
        self.Tags = StringMap(data.tags)
        self.Fields = dict(data.fields)


class AlertaEventData:
    """Alerta's ``eventData``: what its ``event`` template executes on (fewer fields)."""

    go_type = "alerta.eventData"

    def __init__(self, td: TemplateData):
        self.ID, self.Name, self.TaskName, self.Group, self.Tags = td.ID, td.Name, td.TaskName, td.Group, td.Tags


__all__ = ["EMPTY_RESULT", "EVENT_DATA_KEY", "AlertaEventData", "EventData", "TemplateData", "event_data", "of",
           "result", "unix_nano"]
