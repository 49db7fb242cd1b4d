"""The ``aggregate`` and ``publish`` topic-handler kinds (Kapacitor's ``services/alert/handlers.go``).

Neither sends anything out: ``publish`` collects the event into other topics, ``aggregate``
holds a topic's events for ``interval`` and then collects one event summing them up into
``topic`` (``topics.py`` routes both).  This module decodes their options as Kapacitor's
``mapstructure`` decode does (unknown keys and wrong types refused with its text) and builds
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


# -- mapstructure ---------------------------------------------------------------------------------
_GO_TYPE = {str: "string", bool: "bool", int: "float64", float: "float64", list: "[]interface {}",
            dict: "map[string]interface {}", type(None): "<nil>"}


def _go_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e21:
        return str(int(v))
    if isinstance(v, list):
        return "[" + " ".join(_go_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "map[" + " ".join(f"{k}:{_go_value(x)}" for k, x in sorted(v.items())) + "]"
    return str(v)


def _unconvertible(name, want, v) -> str:
    return f"'{name}' expected type '{want}', got unconvertible type '{_GO_TYPE.get(type(v), 'interface {}')}', " \
           f"value: '{_go_value(v)}'"


def _decode(struct: str, options, fields: dict) -> dict:
    """mapstructure's ``Decode`` with ``ErrorUnused`` into a struct of ``fields`` (name -> Go type)."""
    if options is None:
        return {}
    if not isinstance(options, dict):
        raise OptionsError(f"failed to decode options into {struct}: '' expected a map, got "
                           f"'{_GO_TYPE.get(type(options), 'interface {}')}'")
    errors, out = [], {}
    lowered = {k.lower(): k for k in fields}
    unused = []
    for key, value in options.items():
        name = lowered.get(key.lower())
        if name is None:
            unused.append(key)
            continue
        want = fields[name]
        err = _check(name, want, value)
        if err:
            errors.append(err)
        else:
            out[name] = _convert(want, value)
    if unused:
        errors.append("'' has invalid keys: " + ", ".join(sorted(unused)))
    if errors:
        points = "\n".join("* " + e for e in sorted(errors))
        raise OptionsError(f"failed to decode options into {struct}: {len(errors)} error(s) decoding:\n\n{points}")
    return out


def _check(name, want, v):
    if v is None:
        return None
    if want == "string":
        return None if isinstance(v, str) else _unconvertible(name, want, v)
    if want == "time.Duration":
        ok = isinstance(v, int | float) and not isinstance(v, bool)
        return None if ok else _unconvertible(name, want, v)
    if want == "[]string":
        if not isinstance(v, list):
            return f"'{name}': source data must be an array or slice, got {_GO_TYPE.get(type(v), 'interface {}')}"
        for i, x in enumerate(v):
            if not isinstance(x, str):
                return _unconvertible(f"{name}[{i}]", "string", x)
    return None


def _convert(want, v):
    if v is None:
        return [] if want == "[]string" else ("" if want == "string" else 0)
    if want == "time.Duration":
        return int(v)
    return v


# -- the two kinds --------------------------------------------------------------------------------
def decode_aggregate(options) -> dict:
    """``AggregateHandlerConfig`` (``id``, ``interval`` ns, ``topic``, ``message``), checked as
    ``NewAggregateHandler`` checks it."""
    c = {"id": "", "interval": 0, "topic": "", "message": DEFAULT_MESSAGE}
    c.update(_decode("alert.AggregateHandlerConfig", options,
                     {"id": "string", "interval": "time.Duration", "topic": "string", "message": "string"}))
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
