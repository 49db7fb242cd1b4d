"""BigPanda: ``[bigpanda]``, the ``bigpanda`` handler, ``.bigPanda()``.

Kapacitor's ``services/bigpanda``: an event is POSTed to the handler's ``url`` (else the
config's) with ``Authorization: Bearer <token>`` and ``Content-Type: application/json`` as a
compact Go map (keys sorted, no trailing newline): ``app_key`` (the handler's, else the
config's), ``check`` = alert id, ``description`` = message (when not empty), ``details`` (the
HTML-unescaped details unless they start with ``{``, the default JSON details), ``status``
(ok, warning, critical; INFO is ok), ``task`` = ``<task>:<measurement>``, ``timestamp`` (Unix
seconds), ``primary_property``/``secondary_property`` when set, the event's tags and fields
when ``auto-attributes`` names them (non-string fields as JSON text), then the handler's
attributes and ``host`` (templates on ``alert.TemplateData``; other values as JSON text).
Only 201 is success; an error answer's ``error`` is the failure.
"""
from __future__ import annotations

import html
import logging
import time

from machstore.gotemplate import Template, TemplateError
from machstore.kapacitor.gojson import GoMap

from . import eventdata
from . import incident_common as ic
from .base import DeliveryError, Section, Service
from .mapdecode import decode

log = logging.getLogger(__name__)

DEFAULT_URL = "https://api.bigpanda.io/data/v2/alerts"
DEFAULT_AUTO_ATTRIBUTES = "tags,fields"
_STATUS = {"OK": "ok", "WARNING": "warning", "CRITICAL": "critical", "INFO": "ok"}


def _validate(c: dict) -> None:
    if c.get("enabled") and c.get("url", "") == "":
        raise ValueError("must specify the BigPanda webhook URL")
    if c.get("enabled") and c.get("app-key", "") == "":
        raise ValueError("must specify BigPanda app-key")
    ic.check_url(c.get("url", ""), "url")
    if c.get("enabled") and c.get("token", "") == "":
        raise ValueError("must specify BigPanda token")


SECTION = Section("bigpanda", {"enabled": False, "global": False, "app-key": "", "token": "",
                               "state-changes-only": False, "insecure-skip-verify": False, "url": DEFAULT_URL,
                               "auto-attributes": DEFAULT_AUTO_ATTRIBUTES},
                  redacted=("token",), validate=_validate)


def _json_text(v) -> str:
    return ic.body(v)[:-1].decode()


def payload(c: dict, *, alert_id: str, message: str, details: str, level: str, unix_seconds: int,
            data: eventdata.EventData, handler: dict, attrs: dict) -> bytes:
    """``preparePost``'s body."""
    bp = GoMap()
    if message != "":
        bp["description"] = message
    if details != "":
        unescaped = html.unescape(details)
        if not unescaped.startswith("{"):
            bp["details"] = unescaped
    if alert_id != "":
        bp["check"] = alert_id
    bp["task"] = f"{data.task_name}:{data.name}"
    bp["timestamp"] = unix_seconds
    bp["status"] = _STATUS.get(level, "critical")
    if handler.get("primary-property"):
        bp["primary_property"] = handler["primary-property"]
    if handler.get("secondary-property"):
        bp["secondary_property"] = handler["secondary-property"]
    bp["app_key"] = handler.get("app-key") or c.get("app-key", "")
    auto = str(c.get("auto-attributes", "")).lower()
    if "tags" in auto:
        bp.update(data.tags)
    if "fields" in auto:
        bp.update({k: v if isinstance(v, str) else _json_text(v) for k, v in data.fields.items()})
    bp.update(attrs)
    return ic.body(bp)[:-1]   # json.Compact drops the Encoder's newline


def alert(config, *, alert_id, message, details, level, unix_seconds, data, handler, attrs) -> None:
    """``Service.Alert``: one request, or ``DeliveryError`` with Kapacitor's text."""
    c = ic.enabled(config, "bigpanda")
    body = payload(c, alert_id=alert_id, message=message, details=details, level=level, unix_seconds=unix_seconds,
                   data=data, handler=handler, attrs=attrs)
    status, answer = ic.send("POST", handler.get("url") or c.get("url", ""), body,
                             {"Authorization": "Bearer " + c.get("token", ""), "Content-Type": "application/json"},
                             skip_verify=bool(c.get("insecure-skip-verify")))
    if status != 201:
        default = f"failed to understand BigPanda response. code: {status} content: {answer.decode(errors='replace')}"
        raise DeliveryError(ic.answer_text(answer, "error", default))


def _render(name: str, text: str, td) -> str:
    """``renderAttributes``' render: parse errors fail, execution errors are ignored (the
    output written so far is kept), as in Kapacitor."""
    if text == "":
        return ""
    tmpl = Template(name).parse(text)
    try:
        return tmpl.execute(td)
    except TemplateError:
        return ""


def render_attributes(o: dict, td) -> dict:
    rendered = {"host": _render("host", o.get("host", ""), td)}
    for k, v in (o.get("attributes") or {}).items():
        rendered[k] = _render(k, v, td) if isinstance(v, str) else _json_text(v)
    return rendered


def _deliver(o, event, config):
    td = eventdata.TemplateData(event)
    try:
        attrs = render_attributes(o, td)
    except TemplateError as ex:   # Kapacitor logs the template error and drops the event
        log.error("failed to handle event: %s", ex)
        return
    alert(config, alert_id=event["id"], message=event["message"], details=event["details"], level=event["level"],
          unix_seconds=eventdata.unix_nano(event["time"]) // 10**9, data=eventdata.of(event), handler=o,
          attrs=attrs)


TEST_OPTIONS = {"app_key": "012345", "message": "test bigpanda message", "level": "CRITICAL",
                "event_data": {"Name": "testBigPanda", "TaskName": "", "Category": "", "Group": "", "Tags": {},
                               "Fields": {}, "Recoverable": False, "Result": {"series": None}},
                "timestamp": "", "host": "serverA", "primary_property": "", "secondary_property": ""}


def test_options(_config) -> dict:
    """``TestOptions``: the static options with ``timestamp`` = now (Go's ``time.Now()``; the
    static ``test_options`` leave it empty, which the test also reads as now)."""
    from machstore.influxql.timetext import rfc3339
    return {**TEST_OPTIONS, "timestamp": rfc3339(time.time_ns())}


def _test(o, config):
    from .pagerduty import parse_level
    d = o.get("event_data") or {}
    data = eventdata.EventData(name=d.get("Name", ""), task_name=d.get("TaskName", ""),
                               tags=dict(d.get("Tags") or {}), fields=dict(d.get("Fields") or {}))
    ts = eventdata.unix_nano(o["timestamp"]) // 10**9 if o.get("timestamp") else int(time.time())
    handler = {"app-key": o.get("app_key", ""), "host": o.get("host", ""),
               "primary-property": o.get("primary_property", ""), "secondary-property": o.get("secondary_property", "")}
    alert(config, alert_id="", message=o.get("message", ""), details="", level=parse_level(o.get("level", "OK")),
          unix_seconds=ts, data=data, handler=handler, attrs={})


def _from_tick(_t, f):
    return {"app-key": f.get("AppKey", ""), "host": f.get("Host", ""),
            "primary-property": f.get("PrimaryProperty", ""), "secondary-property": f.get("SecondaryProperty", ""),
            "attributes": dict(f.get("Attributes") or {})}


SERVICE = Service(
    "bigpanda", SECTION, ("BigPandaHandler",), from_tick=_from_tick,
    decode=lambda o: decode(o, {"app-key": "string", "url": "string", "host": "string", "primary-property": "string",
                                "secondary-property": "string", "attributes": "map"}, "bigpanda.HandlerConfig"),
    deliver=_deliver, test=_test, test_options=TEST_OPTIONS, global_handler=True,
    extra={"test_options": test_options})

SERVICES = [SERVICE]
