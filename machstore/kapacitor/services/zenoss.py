"""``zenoss`` alerts: Kapacitor's ``services/zenoss`` (``[zenoss]``, topic kind ``zenoss``).

An event is a POST to ``[zenoss] url`` of the router call
``{"action","method","data":[{...}],"type","tid"}`` (action/method/type/tid from the handler,
else the section), ``Content-Type: application/json`` and the section's basic auth when
username and password are both set.  The data object (keys sorted, as Go re-marshals a map)
holds ``summary`` (template, else the message; cut at 256 bytes), ``device``, ``component``,
``evclasskey``, ``evclass``, ``severity`` (the section's ``severity-map`` value for the level,
a string or a number), ``collector`` (template, else the section's; left out when empty),
``message`` (template, cut at 4096; left out when empty) and the custom fields (string values
are templates whose output is parsed as JSON when it starts with ``{`` or ``[``).  Templates
see ``{Name, TaskName, ID, Message, Details, Time, Duration, Level, Recoverable, Tags}``.
A non-200 answer fails as servicenow's does (``failed to understand Zenoss response...``).
"""
from __future__ import annotations

import json
import urllib.parse

from machstore.gotemplate import values as gv
from machstore.gotemplate.kapacitor import go_json
from machstore.kapacitor.alerts.handlers import parse_time

from . import mapdecode as md
from .base import DeliveryError, HandlerError, Section, Service
from .eventdata import TemplateError, as_dict, parse, render_partial
from .servicenow import cut, post
from .svcutil import go_struct_json

DEFAULT_SEVERITY = {"ok": "Clear", "info": "Info", "warning": "Warning", "critical": "Critical"}
_LEVEL_KEY = {"OK": "ok", "INFO": "info", "WARNING": "warning", "CRITICAL": "critical"}


def _severity_map(c: dict) -> dict:
    given = c.get("severity-map")
    if not isinstance(given, dict):
        return {}
    return {str(k).lower(): v for k, v in given.items()}


def validate(c: dict) -> None:
    """``zenoss.Config.Validate``."""
    url = c.get("url") or ""
    if c.get("enabled") and not url:
        raise ValueError("must specify events URL")
    if not urllib.parse.urlsplit(url).scheme and not url.startswith("/"):
        raise ValueError(f'invalid url "{url}": parse "{url}": invalid URI for request')
    sm = _severity_map(c)
    if any(sm.get(k) is None for k in DEFAULT_SEVERITY):
        raise ValueError("invalid severity mapping")


SECTION = Section("zenoss", {
    "enabled": False, "url": "https://tenant.zenoss.io:8080/zport/dmd/evconsole_router", "username": "",
    "password": "", "action": "EventsRouter", "method": "add_event", "type": "rpc", "tid": 1,
    "collector": "Kapacitor", "severity-map": dict(DEFAULT_SEVERITY), "global": False,
    "state-changes-only": False,
}, redacted=("password",), validate=validate)

_FIELDS = {"action": "string", "method": "string", "type": "string", "tid": "int64", "summary": "string",
           "device": "string", "component": "string", "eventclasskey": "string", "eventclass": "string",
           "collector": "string", "message": "string", "customField": "map"}
_TEMPLATES = ("summary", "device", "component", "eventclasskey", "eventclass", "message", "collector")
_GO_FIELDS = {"summary": "Summary", "device": "Device", "component": "Component", "eventclasskey": "EventClassKey",
              "eventclass": "EventClass", "message": "Message", "collector": "Collector"}


class _Info:
    """The anonymous struct ``preparePost`` renders its templates with."""

    go_type = "struct"

    def __init__(self, state: dict, data: dict, recoverable: bool):
        self.Name, self.TaskName = data["name"], data["taskName"]
        self.ID, self.Message, self.Details = state["id"], state["message"], state.get("details", "")
        self.Time = gv.Time(state["time"])
        self.Duration = gv.Duration(state.get("duration") or 0)
        self.Level, self.Recoverable, self.Tags = state["level"], recoverable, gv.StringMap(data["tags"])


def body(c: dict, state: dict, data: dict, recoverable: bool, o: dict) -> bytes:
    """``preparePost``'s JSON."""
    info = _Info(state, data, recoverable)
    r = {k: render_partial(k, o.get(k, ""), info) for k in _TEMPLATES}
    summary = r["summary"] or state["message"]
    collector = r["collector"] or c.get("collector", "")
    severity = _severity_map(c).get(_LEVEL_KEY.get(state["level"], ""))
    event_data_map = {"summary": cut(summary, 256), "device": r["device"], "component": r["component"],
                      "severity": severity, "evclasskey": r["eventclasskey"], "evclass": r["eventclass"]}
    if collector:
        event_data_map["collector"] = collector
    message = cut(r["message"], 4096)
    if message:
        event_data_map["message"] = message
    for key, value in (o.get("customField") or {}).items():
        if isinstance(value, str):
            value = render_partial("customData." + key, value, info)
            if value.startswith(("{", "[")):
                try:
                    value = json.loads(value)
                except ValueError:
                    pass
        event_data_map[key] = value
    return go_struct_json({"action": o.get("action") or c.get("action", ""),
                           "method": o.get("method") or c.get("method", ""),
                           # a map[string]interface{}: Go marshals it (and maps inside it) with sorted keys
                           "data": [json.loads(go_json(event_data_map))],
                           "type": o.get("type") or c.get("type", ""), "tid": int(o.get("tid") or c.get("tid") or 0)})


def alert(c: dict, state: dict, data: dict, recoverable: bool, o: dict) -> None:
    if not c.get("enabled"):
        raise DeliveryError("service is not enabled")
    post(c, c.get("url", ""), body(c, state, data, recoverable, o), "Zenoss")


def _from_tick(_t, f):
    return {"action": f.get("Action", ""), "method": f.get("Method", ""), "type": f.get("Type", ""),
            "tid": int(f.get("Tid") or 0), **{k: f.get(_GO_FIELDS[k], "") for k in _TEMPLATES},
            "customField": dict(f.get("CustomFieldsMap") or {})}


def _check(o, _config):
    """Kapacitor parses these templates at each event and drops it on a parse error; machstore
    refuses the handler instead, so a broken template never fails silently."""
    texts = [o.get(k) for k in _TEMPLATES] + [v for v in (o.get("customField") or {}).values() if isinstance(v, str)]
    for text in texts:
        if text:
            try:
                parse("zenoss", text)
            except TemplateError as ex:
                raise HandlerError(str(ex)) from None


def _deliver(o, event, config):
    c = config.element("zenoss") or dict(SECTION.defaults)
    state = {"id": event.get("id", ""), "message": event.get("message", ""), "details": event.get("details", ""),
             "time": parse_time(event["time"]) if event.get("time") else 0, "duration": event.get("duration", 0),
             "level": event.get("level", "OK")}
    alert(c, state, as_dict(event), bool(event.get("recoverable")), o)


def _test(o, config):
    c = config.element("zenoss") or dict(SECTION.defaults)
    hc = {"action": o.get("action", ""), "method": o.get("method", ""), "type": o.get("type", ""),
          "tid": int(o.get("tid") or 0), "summary": o.get("summary", ""), "device": o.get("device", ""),
          "component": o.get("component", ""), "eventclasskey": o.get("eventclasskey", ""),
          "eventclass": o.get("eventclass", ""), "collector": o.get("collector", ""),
          "customField": o.get("custom_fields") or {}}
    state = {"id": o.get("alert_id", "1001"), "message": o.get("message", ""), "details": "", "time": 0,
             "duration": 0, "level": o.get("level", "CRITICAL")}
    alert(c, state, {"name": "", "taskName": "", "tags": {}, "fields": {}}, False, hc)


SERVICES = [
    Service("zenoss", SECTION, ("ZenossHandler",), _from_tick,
            lambda o: md.decode(o, _FIELDS, "zenoss.HandlerConfig"), _deliver, check=_check, test=_test,
            test_options={"alert_id": "1001", "level": "CRITICAL", "message": "test zenoss message",
                          "action": "EventsRouter", "method": "add_event", "type": "rpc", "tid": 1, "summary": "",
                          "device": "", "component": "", "eventclasskey": "", "eventclass": "",
                          "collector": "Kapacitor", "custom_fields": {}},
            global_handler=True),
]
