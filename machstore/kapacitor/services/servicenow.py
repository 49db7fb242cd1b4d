"""``serviceNow`` alerts: Kapacitor's ``services/servicenow`` (``[servicenow]``, kind ``servicenow``).

An event is a POST to the handler's URL (else ``[servicenow] url``) of
``{"records":[{source, node, type, resource, metric_name, message_key, severity, description,
additional_info}]}`` (Go's ``json.Marshal`` of ``servicenow.Events``: empty optional fields
left out), with ``Content-Type: application/json`` and basic auth from the section's username
and password when both are set (the handler's own ``username``/``password`` options are
decoded but, as in Kapacitor, never used).  node/type/resource/metric_name/message_key and
string additional_info values are templates over ``{ID, Name, TaskName, Fields, Tags}``;
message_key falls back to the alert id, source to the section's; severity is 5 for OK and
INFO, 4 WARNING, 1 CRITICAL; texts are cut at 100 bytes (message_key 1024, description 4000).
A non-200 answer fails with its ``{"error": ...}`` text or ``failed to understand ServiceNow
response. code: <code> content: <body>``.
"""
from __future__ import annotations

import base64

from machstore.gotemplate.kapacitor import go_json

from . import mapdecode as md
from .base import DeliveryError, HandlerError, Section, Service
from .eventdata import TemplateError, as_dict, parse, render_partial
from .svcutil import go_struct_json
from .webhook import json_error_field, request

SEVERITY = {"OK": 5, "INFO": 5, "WARNING": 4, "CRITICAL": 1}
USUAL_CUTOFF = 100


def validate(c: dict) -> None:
    """``servicenow.Config.Validate``."""
    if c.get("enabled") and not c.get("url"):
        raise ValueError("must specify events URL")


SECTION = Section("servicenow", {
    "enabled": False, "url": "https://instance.service-now.com/api/global/em/jsonv2", "source": "",
    "username": "", "password": "", "global": False, "state-changes-only": False,
}, redacted=("password",), validate=validate)

_FIELDS = {"url": "string", "username": "string", "password": "string", "source": "string", "node": "string",
           "type": "string", "resource": "string", "metricname": "string", "messagekey": "string",
           "additional_info": "map"}


class _DataInfo:
    go_type = "servicenow.dataInfo"

    def __init__(self, alert_id, data):
        from machstore.gotemplate import values as gv
        self.ID, self.Name, self.TaskName = alert_id, data["name"], data["taskName"]
        self.Fields, self.Tags = dict(data["fields"]), gv.StringMap(data["tags"])


def cut(text: str, n: int) -> str:
    """Go's ``text[:min(n, len(text))]`` (a byte cut)."""
    b = text.encode()
    return text if len(b) <= n else b[:n].decode(errors="ignore")


def _go_sprint(v) -> str:
    """``fmt.Sprintf("%v", v)`` of a decoded option value."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if v is None:
        return "<nil>"
    return str(v)


def body(c: dict, alert_id: str, message: str, level: str, data: dict, o: dict) -> bytes:
    """``preparePost``'s JSON."""
    info = _DataInfo(alert_id, data)
    node = render_partial("node", o.get("node", ""), info)
    metric_type = render_partial("type", o.get("type", ""), info)
    resource = render_partial("resource", o.get("resource", ""), info)
    metric_name = render_partial("metricName", o.get("metricname", ""), info)
    message_key = render_partial("messageKey", o.get("messagekey", ""), info)
    additional = ""
    if o.get("additional_info"):
        ai = {}
        for key, value in o["additional_info"].items():
            ai[key] = render_partial("additional_info." + key, value, info) if isinstance(value, str) else _go_sprint(value)
        additional = go_json(ai)[:-1]
    record = {"source": cut(o.get("source") or c.get("source") or "", USUAL_CUTOFF)}
    for key, value, n in (("node", node, USUAL_CUTOFF), ("type", metric_type, USUAL_CUTOFF),
                          ("resource", resource, USUAL_CUTOFF), ("metric_name", metric_name, USUAL_CUTOFF),
                          ("message_key", message_key or alert_id, 1024),
                          ("severity", str(SEVERITY.get(level, 0)), None), ("description", message, 4000),
                          ("additional_info", additional, None)):
        value = value if n is None else cut(value, n)
        if value:
            record[key] = value
    return go_struct_json({"records": [record]})


def post(c: dict, url: str, payload: bytes, what: str) -> None:
    """POST a JSON body with the section's basic auth; Kapacitor's error for a non-200 answer."""
    headers = {"Content-Type": "application/json"}
    if c.get("username") and c.get("password"):
        token = base64.b64encode(f"{c['username']}:{c['password']}".encode()).decode()
        headers["Authorization"] = "Basic " + token
    code, text = request("POST", url, payload, headers)
    if code == 200:
        return
    default = f"failed to understand {what} response. code: {code} content: {text.decode(errors='replace')}"
    raise DeliveryError(json_error_field(text, default))


def alert(c: dict, url: str, alert_id: str, message: str, level: str, data: dict, o: dict) -> None:
    if not c.get("enabled"):
        raise DeliveryError("service is not enabled")
    url = url or c.get("url", "")
    post(c, url, body(c, alert_id, message, level, data, o), "ServiceNow")


def _from_tick(_t, f):
    return {"url": f.get("URL", ""), "source": f.get("Source", ""), "node": f.get("Node", ""),
            "type": f.get("Type", ""), "resource": f.get("Resource", ""), "metricname": f.get("MetricName", ""),
            "messagekey": f.get("MessageKey", ""), "additional_info": dict(f.get("AdditionalInfoMap") or {})}


def _deliver(o, event, config):
    c = config.element("servicenow") or dict(SECTION.defaults)
    alert(c, o.get("url", ""), event.get("id", ""), event.get("message", ""), event.get("level", "OK"),
          as_dict(event), o)


def _test(o, config):
    c = config.element("servicenow") or dict(SECTION.defaults)
    hc = {"source": o.get("source", ""), "node": o.get("node", ""), "type": o.get("type", ""),
          "resource": o.get("resource", ""), "metricname": o.get("metric_name", ""),
          "messagekey": o.get("message_key", ""), "additional_info": o.get("additional_info") or {}}
    data = {"name": "", "taskName": "", "fields": {}, "tags": {}}
    alert(c, c.get("url", ""), o.get("alert_id", "1001"), o.get("message", ""), o.get("level", "CRITICAL"), data, hc)


def _check(o, _config):
    """Kapacitor parses these templates at each event and drops the event on a parse error;
    machstore refuses the handler instead, so a broken template never fails silently."""
    templates = [o.get(k) for k in ("node", "type", "resource", "metricname", "messagekey")]
    templates += [v for v in (o.get("additional_info") or {}).values() if isinstance(v, str)]
    for text in templates:
        if text:
            try:
                parse("servicenow", text)
            except TemplateError as ex:
                raise HandlerError(str(ex)) from None


SERVICES = [
    Service("servicenow", SECTION, ("ServiceNowHandler",), _from_tick,
            lambda o: md.decode(o, _FIELDS, "servicenow.HandlerConfig"), _deliver, check=_check, test=_test,
            test_options={"alert_id": "1001", "message": "test servicenow message", "level": "CRITICAL",
                          "source": "Kapacitor", "node": "", "type": "", "resource": "", "metric_name": "",
                          "message_key": "", "additional_info": {}},
            global_handler=True),
]
