"""Alerta: ``[alerta]``, the ``alerta`` handler, ``.alerta()``.

Kapacitor's ``services/alerta``: resource (default ``{{ .Name }}``), environment, group
(default ``{{ .Group }}``), value, services, correlate and string attributes are templates on
``alert.TemplateData``; event (default ``{{ .ID }}``) on Alerta's own ``eventData`` (ID, Name,
TaskName, Group, Tags).  An event is POSTed to ``<url>/alert`` as a Go map (keys sorted):
``attributes`` (when any), ``correlate`` and ``service`` (default: the measurement name),
``environment`` (else the config's), ``event``, ``group``, ``origin`` (the handler's, else the
config's), ``rawData`` (the event's result), ``resource``, ``severity`` (ok, informational,
warning, critical), ``tags`` (``k=v`` of the event's tags), ``text`` = message, ``timeout``
(seconds; default 24h), ``value``; headers ``Authorization: <prefix> <token>`` (the handler's
token/prefix, else the config's, prefix default ``Bearer``) and ``Content-Type:
application/json``.  Only 201 is success.  A template that fails to execute is logged and
the event dropped, as Kapacitor does.  Go writes the ``tags`` list in map order (random);
machstore sorts it.  ``[alerta] timeout`` is shown and validated but, as in Kapacitor 1.7, never
used: a handler's timeout is its own or 24h.
"""
from __future__ import annotations

import logging

from machstore.gotemplate import Template, TemplateError
from machstore.kapacitor.config.values import parse_duration
from machstore.kapacitor.gojson import GoMap

from . import eventdata
from . import incident_common as ic
from .base import DeliveryError, HandlerError, Section, Service
from .mapdecode import decode

log = logging.getLogger(__name__)

DEFAULT_RESOURCE, DEFAULT_EVENT, DEFAULT_GROUP = "{{ .Name }}", "{{ .ID }}", "{{ .Group }}"
DEFAULT_TIMEOUT = 24 * 3600 * 10**9
DEFAULT_TOKEN_PREFIX = "Bearer"
HANDLER_DEFAULTS = {"resource": DEFAULT_RESOURCE, "event": DEFAULT_EVENT, "group": DEFAULT_GROUP,
                    "timeout": DEFAULT_TIMEOUT}
_SEVERITY = {"OK": "ok", "INFO": "informational", "WARNING": "warning", "CRITICAL": "critical"}
_SCHEMA = {"token": "string", "token-prefix": "string", "resource": "string", "event": "string",
           "environment": "string", "group": "string", "value": "string", "origin": "string",
           "service": "[]string", "correlate": "[]string", "attributes": "map", "timeout": "duration"}


def _validate(c: dict) -> None:
    if c.get("enabled") and c.get("url", "") == "":
        raise ValueError("must specify url")
    ic.check_url(c.get("url", ""), "url")


SECTION = Section("alerta", {"enabled": False, "url": "", "insecure-skip-verify": False, "token": "",
                             "token-prefix": "", "environment": "", "origin": "", "timeout": "0s"},
                  redacted=("token",), validate=_validate)


class _Templates:
    """``Service.Handler``: every template of a handler config parsed (Go's error if one fails)."""

    def __init__(self, o: dict):
        self.resource = Template("resource").parse(o.get("resource", ""))
        self.event = Template("event").parse(o.get("event", ""))
        self.environment = Template("environment").parse(o.get("environment", ""))
        self.group = Template("group").parse(o.get("group", ""))
        self.value = Template("value").parse(o.get("value", ""))
        self.service = [Template("service").parse(s) for s in o.get("service") or []]
        self.correlate = [Template("correlate").parse(s) for s in o.get("correlate") or []]
        self.attributes = {k: Template(k).parse(v) if isinstance(v, str) else v
                           for k, v in (o.get("attributes") or {}).items()}


def _options(o: dict) -> dict:
    return {**HANDLER_DEFAULTS, **o}


def alert(config, *, token, token_prefix, resource, event, environment, severity, group, value, message, origin,
          service, correlate, attributes, timeout_ns, tags, result) -> None:
    """``Service.Alert``: one request, or ``DeliveryError`` with Kapacitor's text."""
    if resource == "" or event == "":
        raise DeliveryError("Resource and Event are required to send an alert")
    c = ic.enabled(config, "alerta")
    token = token or c.get("token", "")
    token_prefix = token_prefix or c.get("token-prefix") or DEFAULT_TOKEN_PREFIX
    data = GoMap({"resource": resource, "event": event, "environment": environment or c.get("environment", ""),
                  "severity": severity, "group": group, "value": value, "text": message,
                  "origin": origin or c.get("origin", ""), "rawData": result})
    if service:
        data["service"] = list(service)
    if correlate:
        data["correlate"] = list(correlate)
    if attributes:
        data["attributes"] = GoMap(attributes)
    data["timeout"] = int(timeout_ns // 10**9) if timeout_ns >= 0 else -int(-timeout_ns // 10**9)
    data["tags"] = [f"{k}={v}" for k, v in sorted(tags.items())]
    status, answer = ic.send("POST", ic.join_path(c.get("url", ""), "alert"), ic.body(data),
                             {"Authorization": f"{token_prefix} {token}", "Content-Type": "application/json"},
                             skip_verify=bool(c.get("insecure-skip-verify")))
    if status != 201:
        default = f"failed to understand Alerta response. code: {status} content: {answer.decode(errors='replace')}"
        raise DeliveryError(ic.answer_text(answer, "message", default))


def _deliver(o, event, config):
    o = _options(o)
    try:
        t = _Templates(o)
    except TemplateError as ex:
        raise DeliveryError(str(ex)) from None
    td = eventdata.TemplateData(event)
    try:
        resource = t.resource.execute(td)
        event_text = t.event.execute(eventdata.AlertaEventData(td))
        environment, group, value = t.environment.execute(td), t.group.execute(td), t.value.execute(td)
        service = [s.execute(td) for s in t.service] if t.service else [td.Name]
        correlate = [s.execute(td) for s in t.correlate] if t.correlate else [td.Name]
        attributes = {k: v.execute(td) if isinstance(v, Template) else v for k, v in t.attributes.items()}
    except TemplateError as ex:  # Kapacitor logs the template error and drops the event
        log.error("failed to handle event: %s", ex)
        return
    alert(config, token=o.get("token", ""), token_prefix=o.get("token-prefix", ""), resource=resource,
          event=event_text, environment=environment, severity=_SEVERITY.get(event["level"], "indeterminate"),
          group=group, value=value, message=event["message"], origin=o.get("origin", ""), service=service,
          correlate=correlate, attributes=attributes, timeout_ns=int(o.get("timeout") or 0),
          tags=dict(td.Tags), result=eventdata.result(event))


def _check(o, _config):
    try:
        _Templates(_options(o))
    except TemplateError as ex:
        raise HandlerError(f"failed to create Alerta handler: {ex}") from None


def _decode(o):
    out = decode(o, _SCHEMA, "alerta.HandlerConfig")
    try:
        _Templates(_options(out))
    except TemplateError as ex:
        raise HandlerError(str(ex)) from None
    return out


def _from_tick(_t, f):
    """``newAlertNode``: only the fields set replace the defaults."""
    o = {}
    for key, go in (("token", "Token"), ("resource", "Resource"), ("event", "Event"), ("environment", "Environment"),
                    ("group", "Group"), ("value", "Value"), ("origin", "Origin")):
        if f.get(go):
            o[key] = f[go]
    for key, go in (("service", "Service"), ("correlate", "Correlate")):
        if f.get(go):
            o[key] = list(f[go])
    if f.get("Attributes"):
        o["attributes"] = dict(f["Attributes"])
    if f.get("Timeout"):
        o["timeout"] = int(f["Timeout"])
    return o


def test_options(config) -> dict:
    """``TestOptions``: the config's environment and origin."""
    c = config.element("alerta") or {}
    return {**TEST_OPTIONS, "environment": c.get("environment", ""), "origin": c.get("origin", "")}


TEST_OPTIONS = {"resource": "testResource", "event": "testEvent", "environment": "", "severity": "critical",
                "group": "testGroup", "value": "testValue", "message": "test alerta message", "origin": "",
                "service": ["testServiceA", "testServiceB"], "correlate": ["testServiceX", "testServiceY"],
                "attributes": {"testAttributeA": "A", "testAttributeB": True, "testAttributeC": 9001.0},
                "timeout": "24h0m0s"}


def _test(o, config):
    try:
        timeout = parse_duration(str(o.get("timeout", "")))
    except ValueError:
        timeout = 0   # Kapacitor ignores the parse error: time.ParseDuration's zero
    alert(config, token="", token_prefix="", resource=o.get("resource", ""), event=o.get("event", ""),
          environment=o.get("environment", ""), severity=o.get("severity", ""), group=o.get("group", ""),
          value=o.get("value", ""), message=o.get("message", ""), origin=o.get("origin", ""),
          service=o.get("service") or [], correlate=o.get("correlate") or [], attributes=o.get("attributes") or {},
          timeout_ns=timeout, tags={}, result=eventdata.EMPTY_RESULT)


SERVICE = Service("alerta", SECTION, ("AlertaHandler",), from_tick=_from_tick, decode=_decode, deliver=_deliver,
                  check=_check, test=_test, test_options=TEST_OPTIONS, extra={"test_options": test_options})

SERVICES = [SERVICE]
