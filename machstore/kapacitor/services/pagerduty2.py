"""PagerDuty Events API v2: ``[pagerduty2]``, the ``pagerduty2`` handler, ``.pagerDuty2()``.

Kapacitor's ``services/pagerduty2``: an event is POSTed as its ``AlertPayload`` struct
(``routing_key``, ``event_action`` trigger|resolve, ``dedup_key`` = alert id, ``payload``
{summary = message, source = the ``host`` tag or "unknown", severity, timestamp with nine
fractional digits, class = task name, component, group, custom_details {"result": the
event's result}}, ``images`` null, ``links`` (null when none), ``client``, ``client_url``)
with ``Content-Type: application/json`` and ``Accept: application/vnd.pagerduty+json;version=2``.
Link href/text are templates on ``alert.TemplateData`` (text defaults to the href); 200 and
202 are success, anything else fails with ``Status: <status>, Message: <message> Errors: [..]``.
"""
from __future__ import annotations

import json
import logging

from machstore.gotemplate import Template, TemplateError
from machstore.kapacitor.gojson import GoMap

from . import eventdata
from . import incident_common as ic
from .base import DeliveryError, HandlerError, Section, Service
from .mapdecode import Struct, decode
from .pagerduty import parse_level

log = logging.getLogger(__name__)

DEFAULT_URL = "https://events.pagerduty.com/v2/enqueue"
_SEVERITY = {"WARNING": "warning", "CRITICAL": "critical", "INFO": "info"}


def _validate(c: dict) -> None:
    if c.get("url", "") == "":
        raise ValueError("url cannot be empty")
    ic.check_url(c["url"])


SECTION = Section("pagerduty2", {"enabled": False, "url": DEFAULT_URL, "routing-key": "", "global": False},
                  redacted=("routing-key",), validate=_validate)


def _templates(links) -> list:
    """``Service.Handler``: each link's href and (non-empty) text parsed, or Go's error."""
    out = []
    for link in links or []:
        href = Template("href").parse(link.get("href", ""))
        text = Template("text").parse(link["text"]) if link.get("text") else None
        out.append((href, text))
    return out


def timestamp(unix_nano: int) -> str:
    """``Format("2006-01-02T15:04:05.000000000Z07:00")`` of a UTC time."""
    from machstore.influxql.timetext import rfc3339
    base = rfc3339(unix_nano - unix_nano % 10**9).removesuffix("Z")
    return f"{base}.{unix_nano % 10**9:09d}Z"


def alert(config, routing_key: str, links: list, alert_id: str, desc: str, level: str, ts_nano: int,
          task_name: str, tags: dict, result: dict) -> None:
    """``Service.Alert``: one request, or ``DeliveryError`` with Kapacitor's text."""
    c = ic.enabled(config, "pagerduty2")
    event_action, severity = "trigger", _SEVERITY.get(level)
    if severity is None:
        event_action, severity = "resolve", "info"
    payload = {"summary": desc, "source": tags.get("host", "unknown"), "severity": severity,
               "timestamp": timestamp(ts_nano), "class": task_name, "component": "", "group": "",
               "custom_details": GoMap({"result": result})}
    data = {"routing_key": routing_key or c.get("routing-key", ""), "event_action": event_action,
            "dedup_key": alert_id, "payload": payload, "images": None,
            "links": [{"href": h, "text": t} for h, t in links] or None,
            "client": "kapacitor", "client_url": ic.client_url(config)}
    status, answer = ic.send("POST", c["url"], ic.body(data), {
        "Content-Type": "application/json", "Accept": "application/vnd.pagerduty+json;version=2"})
    if status not in (200, 202):
        raise DeliveryError(_error_text(status, answer))


def _error_text(status: int, answer: bytes) -> str:
    st, errs = "", []
    msg = f"failed to understand PagerDuty2 response. code: {status} content: {answer.decode(errors='replace')}"
    try:
        obj = json.loads(answer)
    except ValueError:
        obj = None
    if isinstance(obj, dict):
        st = obj["status"] if isinstance(obj.get("status"), str) else st
        msg = obj["message"] if isinstance(obj.get("message"), str) else msg
        if isinstance(obj.get("errors"), list) and all(isinstance(e, str) for e in obj["errors"]):
            errs = obj["errors"]
    return f"Status: {st}, Message: {msg} Errors: [{' '.join(errs)}]"


def _check(o, _config):
    try:
        _templates(o.get("links"))
    except TemplateError as ex:
        raise HandlerError(f"failed to create PagerDuty2 handler: {ex}") from None


def _deliver(o, event, config):
    td = eventdata.TemplateData(event)
    links = []
    try:
        for href, text in _templates(o.get("links")):
            h = href.execute(td)
            links.append((h, text.execute(td) if text is not None else h))
    except TemplateError as ex:  # Kapacitor logs it and drops the event: retrying cannot help
        log.error("failed to handle event: %s", ex)
        return
    alert(config, o.get("routing-key", ""), links, event["id"], event["message"], event["level"],
          eventdata.unix_nano(event["time"]), td.TaskName, dict(td.Tags), eventdata.result(event))


# TestOptions: 2014-11-12T11:45:26.371Z, event data named testPagerDuty2 with no tags/result.
TEST_TIME = "2014-11-12T11:45:26.371Z"


def _test(o, config):
    data = o.get("event_data") or {}
    links = [(link.get("href", ""), link.get("text", "")) for link in o.get("links") or []]
    alert(config, "", links, o.get("alert_id", ""), o.get("description", ""), parse_level(o.get("level", "OK")),
          eventdata.unix_nano(o.get("timestamp") or TEST_TIME), data.get("TaskName", ""),
          dict(data.get("Tags") or {}), eventdata.EMPTY_RESULT)


def _from_tick(_t, f):
    return {"routing-key": f.get("RoutingKey", ""),
            "links": [{"href": link.get("href", ""), "text": link.get("text", "")} for link in f.get("Links") or []]}


def _decode(o):
    out = decode(o, {"routing-key": "string", "links": Struct("pagerduty2.LinkTemplate",
                                                              {"href": "string", "text": "string"})},
                 "pagerduty2.HandlerConfig")
    try:
        _templates(out.get("links"))
    except TemplateError as ex:
        raise HandlerError(str(ex)) from None
    return out


SERVICE = Service(
    "pagerduty2", SECTION, ("PagerDuty2Handler",), from_tick=_from_tick, decode=_decode, deliver=_deliver,
    check=_check, test=_test,
    test_options={"alert_id": "testAlertID", "description": "test pagerduty2 message", "level": "CRITICAL",
                  "event_data": {"Name": "testPagerDuty2", "TaskName": "", "Category": "", "Group": "", "Tags": {},
                                 "Fields": {}, "Recoverable": False, "Result": {"series": None}},
                  "timestamp": TEST_TIME,
                  "links": [{"href": "https://example.com/a", "text": "a"},
                            {"href": "https://example.com/b", "text": "b"}]},
    global_handler=True)

SERVICES = [SERVICE]
