"""The ``aggregate`` and ``publish`` topic-handler kinds (Kapacitor's ``services/alert/handlers.go``).

Neither sends anything out: ``publish`` collects the event into other topics, ``aggregate``
holds a topic's events for ``interval`` and then collects one event summing them up into
``topic`` (``topics.py`` routes both).  This module decodes their options with ``services/mapdecode.py`` (Kapacitor's
``mapstructure`` texts) and builds
the aggregate event:

* ``id`` the handler's ``id`` option, ``message`` its Go template (default ``Received {{ .Count
  }} events in the last {{.Interval}}.``) run on ``{Count, Interval}``;
* ``details`` the messages of the events, one per line; ``level``, ``time`` and ``duration``
  the highest of the events'; ``data.series`` every event's series in order;
* ``recoverable`` false (Kapacitor's zero value).
"""
from __future__ import annotations

import dataclasses

from machstore.gotemplate import Template, TemplateError
from machstore.gotemplate import values as gv

from ..services import mapdecode
from ..services.base import HandlerError
from .levels import OK, level_name, parse_level

DEFAULT_MESSAGE = "Received {{ .Count }} events in the last {{.Interval}}."


class OptionsError(Exception):
    """Options Kapacitor's ``createHandlerFromSpec`` refuses (its text)."""


@dataclasses.dataclass
class MessageData:
    """What the aggregate message template sees (``aggregateMessageData``)."""

    go_type = "alert.aggregateMessageData"
    Count: int = 0
    Interval: gv.Duration = dataclasses.field(default_factory=lambda: gv.Duration(0))


def _decode(struct: str, options, fields: dict) -> dict:
    try:
        return mapdecode.decode(options, fields, struct)
    except HandlerError as ex:
        raise OptionsError(str(ex)) from None


# -- the two kinds --------------------------------------------------------------------------------
def decode_aggregate(options) -> dict:
    """``AggregateHandlerConfig`` (``id``, ``interval`` ns, ``topic``, ``message``), checked as
    ``NewAggregateHandler`` checks it."""
    c = {"id": "", "interval": 0, "topic": "", "message": DEFAULT_MESSAGE}
    c.update(_decode("alert.AggregateHandlerConfig", options,
                     {"id": "string", "interval": "duration", "topic": "string", "message": "string"}))
    try:
        tmpl = Template("message").parse(c["message"])
    except TemplateError as ex:
        raise OptionsError(str(ex)) from None
    try:
        tmpl.execute(MessageData())
    except TemplateError as ex:
        raise OptionsError(f"failed to evaluate message template with aggregate message data: {ex}") from None
    if c["interval"] <= 0:
        # Kapacitor starts a Go ticker with it, which panics on a non-positive interval
        raise OptionsError("aggregate handler interval must be positive (nanoseconds)")
    return c


def decode_publish(options) -> dict:
    """``PublishHandlerConfig`` (``topics``)."""
    c = {"topics": []}
    c.update(_decode("alert.PublishHandlerConfig", options, {"topics": "[]string"}))
    return c


def aggregate_event(options: dict, events: list) -> dict:
    """The event an aggregate handler collects into its ``topic`` (see the module docstring)."""
    message = Template("message").parse(options["message"]).execute(
        MessageData(Count=len(events), Interval=gv.Duration(int(options["interval"]))))
    level, t, duration, series = OK, None, 0, []
    for e in events:
        level = max(level, parse_level(e["level"]))
        et = time_ns(e["time"])
        if t is None or et > t:
            t, when = et, e["time"]
        duration = max(duration, int(e["duration"]))
        series += (e.get("data") or {}).get("series") or []
    return {"id": options["id"], "message": message, "details": "\n".join(e["message"] for e in events),
            "time": when, "duration": duration, "level": level_name(level), "data": {"series": series},
            "previousLevel": level_name(OK), "recoverable": False}


def time_ns(text: str) -> int:
    """Nanoseconds of an event's RFC3339Nano UTC time (``alerts/event.py`` writes it so)."""
    import datetime as _dt
    head, _, frac = text.rstrip("Z").partition(".")
    secs = _dt.datetime.fromisoformat(head).replace(tzinfo=_dt.UTC).timestamp()
    return int(secs) * 10**9 + int((frac + "000000000")[:9])


__all__ = ["DEFAULT_MESSAGE", "OptionsError", "aggregate_event", "decode_aggregate", "decode_publish", "time_ns"]
