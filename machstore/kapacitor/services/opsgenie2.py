"""OpsGenie (alert API v2): ``[opsgenie2]``, the ``opsgenie2`` handler, ``.opsGenie2()``.

Kapacitor's ``services/opsgenie2``: the alias is the URL-safe base64 of the alert id.  A
problem is POSTed to ``url`` as a Go map (keys sorted): ``alias``, ``entity`` (alert id),
``message``, ``note`` "", ``priority`` (INFO P5, WARNING P3, CRITICAL P1), ``description``
(the event's details when the config's ``details`` is set and they are not empty, else the
JSON text of the result), ``details`` {"Level", "Monitoring Tool": "Kapacitor", the first row's
tags, "Kapacitor Task Name": the first row's name} and ``responders`` (teams then users, the
handler's else the config's; left out when none).  A recovery (OK) is POSTed to
``<url>/<alias>/<action>?identifierType=alias`` with just ``{"note": message}``; the action is
the handler's ``recovery_action`` if valid (``notes``/``close``), else the config's, else
``notes``.  Headers: ``Content-Type: application/json``, ``Authorization: GenieKey <api-key>``.
Only 202 is success.

``.opsGenie2().details()`` sets a TICKscript field Kapacitor never passes on (its
``HandlerConfig`` has no such option; ``[opsgenie2] details`` decides): it is accepted and has
no effect, as in Kapacitor.
"""
from __future__ import annotations

import base64
import urllib.parse

from machstore.kapacitor.gojson import GoMap

from . import eventdata
from . import incident_common as ic
from .base import DeliveryError, Null, Section, Service
from .mapdecode import decode
from .pagerduty import parse_level

DEFAULT_URL = "https://api.opsgenie.com/v2/alerts"
DEFAULT_RECOVERY_ACTION = "notes"
_ACTIONS = ("close", "notes")
_PRIORITY = {"INFO": "P5", "WARNING": "P3", "CRITICAL": "P1"}


def _validate(c: dict) -> None:
    if c.get("url", "") == "":
        raise ValueError("url cannot be empty")
    if c.get("recovery_action", "") == "":
        raise ValueError("recovery_action cannot be empty")
    ic.check_url(c["url"])
    if c.get("enabled") and not c.get("api-key"):
        raise ValueError("api-key cannot be empty")


SECTION = Section("opsgenie2", {"enabled": False, "api-key": "", "teams": Null("slice"), "recipients": Null("slice"), "url": DEFAULT_URL,
                                "recovery_action": DEFAULT_RECOVERY_ACTION, "global": False, "details": False},
                  redacted=("api-key",), validate=_validate)


def alias_of(entity_id: str) -> str:
    return base64.urlsafe_b64encode(entity_id.encode()).decode()


def _request(c: dict, teams, recipients, recovery_action: str, level: str, message: str, entity_id: str,
             event_details: str, result: dict) -> tuple[str, GoMap]:
    alias = alias_of(entity_id)
    data = GoMap()
    if level == "OK":
        if recovery_action not in _ACTIONS:
            recovery_action = c.get("recovery_action") if c.get("recovery_action") in _ACTIONS \
                else DEFAULT_RECOVERY_ACTION
        parts = urllib.parse.urlsplit(ic.join_path(c["url"], alias, recovery_action))
        url = urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, "identifierType=alias", parts.fragment))
        data["note"] = message
        return url, data
    data.update({"entity": entity_id, "alias": alias, "message": message, "note": "",
                 "priority": _PRIORITY.get(level, "")})
    if c.get("details") and event_details:
        data["description"] = event_details
    else:
        data["description"] = ic.body(result)[:-1].decode()
    details = GoMap({"Monitoring Tool": "Kapacitor", "Level": level})
    series = result.get("series") or []
    if series:
        details.update(series[0].get("tags") or {})
        details["Kapacitor Task Name"] = series[0].get("name", "")
    data["details"] = details
    responders = [{"name": t, "type": "team"} for t in (teams or c.get("teams") or [])]
    responders += [{"type": "user", "username": u} for u in (recipients or c.get("recipients") or [])]
    if responders:
        data["responders"] = [GoMap(r) for r in responders]
    return c["url"], data


def alert(config, teams, recipients, recovery_action: str, level: str, message: str, entity_id: str,
          event_details: str, result: dict) -> None:
    """``Service.Alert``: one request, or ``DeliveryError`` with Kapacitor's text."""
    try:
        c = ic.enabled(config, "opsgenie2")
    except DeliveryError as ex:
        raise DeliveryError(f"failed to prepare API request: {ex}") from None
    url, data = _request(c, teams, recipients, recovery_action, level, message, entity_id, event_details, result)
    try:
        status, answer = ic.send("POST", url, ic.body(data), {"Content-Type": "application/json",
                                                               "Authorization": "GenieKey " + c.get("api-key", "")})
    except DeliveryError as ex:
        raise DeliveryError(f"failed to execute API request: {ex}") from None
    if status != 202:
        default = f"failed to understand OpsGenie response. code: {status} content: {answer.decode(errors='replace')}"
        raise DeliveryError(f"opsgenie error: {ic.answer_text(answer, 'message', default)}")


def _deliver(o, event, config):
    alert(config, o.get("teams-list"), o.get("recipients-list"), o.get("recovery_action", ""), event["level"],
          event["message"], event["id"], event["details"], eventdata.result(event))


def test_options(config) -> dict:
    """``TestOptions``: the config's teams, recipients (``null`` when none) and recovery action."""
    c = config.element("opsgenie2") or {}
    return {"teams": list(c["teams"]) if c.get("teams") else None,
            "recipients": list(c["recipients"]) if c.get("recipients") else None,
            "recovery_action": c.get("recovery_action", DEFAULT_RECOVERY_ACTION), "message-type": "CRITICAL",
            "message": "test opsgenie message", "entity-id": "testEntityID"}


def _test(o, config):
    message_type = o.get("message-type", "")
    level = "OK" if message_type == "RECOVERY" else parse_level(message_type)
    alert(config, o.get("teams"), o.get("recipients"), o.get("recovery_action", ""), level, o.get("message", ""),
          o.get("entity-id", ""), "", eventdata.EMPTY_RESULT)


SERVICE = Service(
    "opsgenie2", SECTION, ("OpsGenie2Handler",),
    from_tick=lambda _t, f: {"teams-list": list(f.get("TeamsList") or []),
                             "recipients-list": list(f.get("RecipientsList") or []),
                             "recovery_action": f.get("RecoveryActionString", "")},
    decode=lambda o: decode(o, {"teams-list": "[]string", "recipients-list": "[]string", "recovery_action": "string"},
                            "opsgenie2.HandlerConfig"),
    deliver=_deliver, test=_test,
    test_options={"teams": None, "recipients": None, "recovery_action": DEFAULT_RECOVERY_ACTION,
                  "message-type": "CRITICAL", "message": "test opsgenie message", "entity-id": "testEntityID"},
    global_handler=True, extra={"test_options": test_options})

SERVICES = [SERVICE]
