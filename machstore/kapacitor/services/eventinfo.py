"""What a handler's own templates see of an event: Kapacitor's ``alert.TemplateData``.

Handlers that template their options (discord's ``embed-title``, mqtt's ``topic``...) execute
them on ``event.TemplateData()`` (``alert/types.go``): ``ID``, ``Message``, ``Level`` (its
name), ``Time``, ``Duration``, ``Details``, ``Name``, ``TaskName``, ``Group``, ``Tags``,
``Fields``.  The event dict (``alerts/event.py``) holds the first six and the result row
(``Name`` its name, ``Tags`` its tags, ``Fields`` its columns but ``time``); ``TaskName``,
``Group`` and the topic are read from the event's optional ``taskName``/``group``/``topic``
keys (``encode`` leaves extra keys out of the JSON), ``""`` when the event does not carry them.
"""
from __future__ import annotations

import dataclasses
import datetime as _dt

from machstore.gotemplate import values as gv


@dataclasses.dataclass
class TemplateData:
    ID: str = ""
    Message: str = ""
    Level: str = ""
    Time: gv.Time = dataclasses.field(default_factory=lambda: gv.Time(0))
    Duration: gv.Duration = dataclasses.field(default_factory=lambda: gv.Duration(0))
    Details: str = ""
    Name: str = ""
    TaskName: str = ""
    Group: str = ""
    Tags: gv.StringMap = dataclasses.field(default_factory=gv.StringMap)
    Fields: dict = dataclasses.field(default_factory=dict)


def time_ns(text: str) -> int:
    """Unix ns of an RFC3339(Nano) UTC time as the event holds it."""
    base, _, frac = text.removesuffix("Z").partition(".")
    secs = int(_dt.datetime.fromisoformat(base).replace(tzinfo=_dt.UTC).timestamp())
    return secs * 10**9 + (int((frac + "000000000")[:9]) if frac else 0)


def rfc3339_seconds(text: str) -> str:
    """Go's ``t.Format(time.RFC3339)`` of the event time: whole seconds, ``Z``."""
    return text.removesuffix("Z").partition(".")[0] + "Z"


def row(event: dict) -> dict:
    series = (event.get("data") or {}).get("series") or []
    return series[0] if series else {}


def template_data(event: dict) -> TemplateData:
    r = row(event)
    columns, values = list(r.get("columns") or []), list(r.get("values") or [])
    first = values[0] if values else []
    fields = {c: v for c, v in zip(columns, first, strict=False) if c != "time"}
    return TemplateData(ID=event.get("id", ""), Message=event.get("message", ""), Level=event.get("level", ""),
                        Time=gv.Time(time_ns(event["time"])) if event.get("time") else gv.Time(0),
                        Duration=gv.Duration(int(event.get("duration") or 0)), Details=event.get("details", ""),
                        Name=r.get("name", ""), TaskName=event.get("taskName", ""), Group=event.get("group", ""),
                        Tags=gv.StringMap(r.get("tags") or {}), Fields=fields)
