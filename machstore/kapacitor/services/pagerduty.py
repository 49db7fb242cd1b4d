"""PagerDuty (Events API v1): ``[pagerduty]``, the ``pagerduty`` handler, ``.pagerDuty()``.

Kapacitor's ``services/pagerduty``: an event is POSTed as ``{"client": "kapacitor",
"client_url": <Kapacitor's URL>, "description": <message>, "details": <details>, "event_type":
"trigger"|"resolve", "incident_key": <alert id>, "service_key": <handler's or config's key>}``
(a Go ``map[string]string``: keys sorted) with ``Content-Type: application/json``; WARNING and
CRITICAL trigger, OK resolves, INFO is not sent (Kapacitor logs "AlertLevel 'info' is
currently ignored by the PagerDuty service" and drops it: permanent, so it is logged and not
retried; a service test with level INFO fails with that text).  Any answer but 200 fails with the answer's ``message``.
"""
from __future__ import annotations

import logging

from machstore.kapacitor.alerts.levels import NAMES
from machstore.kapacitor.gojson import GoMap

from . import incident_common as ic
from .base import DeliveryError, Section, Service
from .mapdecode import decode

log = logging.getLogger(__name__)

DEFAULT_URL = "https://events.pagerduty.com/generic/2010-04-15/create_event.json"
INFO_IGNORED = "AlertLevel 'info' is currently ignored by the PagerDuty service"


def _validate(c: dict) -> None:
    if c.get("url", "") == "":
        raise ValueError("url cannot be empty")
    ic.check_url(c["url"])


SECTION = Section("pagerduty", {"enabled": False, "url": DEFAULT_URL, "service-key": "", "global": False},
                  redacted=("service-key",), validate=_validate)


class InfoIgnored(DeliveryError):
    """An INFO event: never sent.  A delivery logs and drops it; a service test reports it."""


def parse_level(text) -> str:
    """``alert.ParseLevel``: the level's name, or Kapacitor's error."""
    name = str(text).upper()
    if name not in NAMES:
        raise DeliveryError(f"unknown alert level '{name}'")
    return name


def alert(config, service_key: str, incident_key: str, desc: str, level: str, details: str) -> None:
    """``Service.Alert``: one request, or ``DeliveryError`` with Kapacitor's text."""
    c = ic.enabled(config, "pagerduty")
    if level in ("WARNING", "CRITICAL"):
        event_type = "trigger"
    elif level == "INFO":
        raise InfoIgnored(INFO_IGNORED)
    else:
        event_type = "resolve"
    data = GoMap({"service_key": service_key or c.get("service-key", ""), "event_type": event_type,
                  "description": desc, "incident_key": incident_key, "client": "kapacitor",
                  "client_url": ic.client_url(config), "details": details})
    status, answer = ic.send("POST", c["url"], ic.body(data), {"Content-Type": "application/json"})
    if status != 200:
        default = f"failed to understand PagerDuty response. code: {status} content: {answer.decode(errors='replace')}"
        raise DeliveryError(ic.answer_text(answer, "message", default))


def _deliver(o, event, config):
    try:
        alert(config, o.get("service-key", ""), event["id"], event["message"], event["level"], event["details"])
    except InfoIgnored as ex:   # permanent: Kapacitor logs it and drops the event, a retry cannot help
        log.error("failed to send event to PagerDuty: %s", ex)


def _test(o, config):
    alert(config, "", o.get("incident-key", ""), o.get("description", ""), parse_level(o.get("level", "OK")),
          o.get("details", ""))


SERVICE = Service(
    "pagerduty", SECTION, ("PagerDutyHandler",),
    from_tick=lambda _t, f: {"service-key": f.get("ServiceKey", "")},
    decode=lambda o: decode(o, {"service-key": "string"}, "pagerduty.HandlerConfig"),
    deliver=_deliver, test=_test,
    test_options={"incident-key": "testIncidentKey", "description": "test pagerduty message", "details": "",
                  "level": "CRITICAL"},
    global_handler=True)

SERVICES = [SERVICE]
