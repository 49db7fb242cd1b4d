"""OpsGenie (alert API v1): ``[opsgenie]``, the ``opsgenie`` handler, ``.opsGenie()``.

Kapacitor's ``services/opsgenie``: an event is POSTed to ``<url>/`` (a recovery, level OK, to
``<recovery_url>/`` with the message as ``note``) as a Go map (keys sorted): ``apiKey``,
``entity`` and ``alias`` = alert id, ``message``, ``note``, ``monitoring_tool``
"kapacitor", ``details`` {"Level": CRITICAL|...|RECOVERY, "Monitoring Tool": "Kapacitor"},
``description`` = the JSON text of the event's result, and ``teams``/``recipients`` (the
handler's, else the config's; left out when empty).  Only a 200 answer is success.
"""
from __future__ import annotations

from machstore.kapacitor.gojson import GoMap

from . import eventdata
from . import incident_common as ic
from .base import DeliveryError, Null, Section, Service
from .mapdecode import decode

DEFAULT_URL = "https://api.opsgenie.com/v1/json/alert"
DEFAULT_RECOVERY_URL = "https://api.opsgenie.com/v1/json/alert/note"


def _validate(c: dict) -> None:
    if c.get("url", "") == "":
        raise ValueError("url cannot be empty")
    if c.get("recovery_url", "") == "":
        raise ValueError("recovery_url cannot be empty")
    ic.check_url(c["url"])
    if ic.url_error(c["recovery_url"]) is not None:  # NOTE: Kapacitor quotes c.URL in this text
        raise ValueError(f"invalid recovery_url {ic.go_quote(c['url'])}: {ic.url_error(c['recovery_url'])}")
    if c.get("enabled") and not c.get("api-key"):
        raise ValueError("api-key cannot be empty")


SECTION = Section("opsgenie", {"enabled": False, "api-key": "", "teams": Null("slice"), "recipients": Null("slice"), "url": DEFAULT_URL,
                               "recovery_url": DEFAULT_RECOVERY_URL, "global": False},
                  redacted=("api-key",), validate=_validate)


def alert(config, teams: list, recipients: list, message_type: str, message: str, entity_id: str,
          result: dict) -> None:
    """``Service.Alert``: one request, or ``DeliveryError`` with Kapacitor's text."""
    c = ic.enabled(config, "opsgenie")
    url = c["url"] + "/"
    data = GoMap({"apiKey": c.get("api-key", ""), "entity": entity_id, "alias": entity_id, "message": message,
                  "note": "", "monitoring_tool": "kapacitor",
                  "details": GoMap({"Level": message_type, "Monitoring Tool": "Kapacitor"})})
    if message_type == "RECOVERY":
        url = c["recovery_url"] + "/"
        data["note"] = message
    data["description"] = ic.body(result)[:-1].decode()
    teams = list(teams or c.get("teams") or [])
    if teams:
        data["teams"] = teams
    recipients = list(recipients or c.get("recipients") or [])
    if recipients:
        data["recipients"] = recipients
    status, answer = ic.send("POST", url, ic.body(data), {"Content-Type": "application/json"})
    if status != 200:
        default = f"failed to understand OpsGenie response. code: {status} content: {answer.decode(errors='replace')}"
        raise DeliveryError(ic.answer_text(answer, "message", default))


def _deliver(o, event, config):
    message_type = "RECOVERY" if event["level"] == "OK" else event["level"]
    alert(config, o.get("teams-list"), o.get("recipients-list"), message_type, event["message"], event["id"],
          eventdata.result(event))


def test_options(config) -> dict:
    """``TestOptions``: the config's teams and recipients (``null`` when none: Go's nil slices)."""
    c = config.element("opsgenie") or {}
    return {"teams": list(c["teams"]) if c.get("teams") else None,
            "recipients": list(c["recipients"]) if c.get("recipients") else None,
            "message-type": "CRITICAL", "message": "test opsgenie message", "entity-id": "testEntityID"}


def _test(o, config):
    alert(config, o.get("teams"), o.get("recipients"), o.get("message-type", ""), o.get("message", ""),
          o.get("entity-id", ""), eventdata.EMPTY_RESULT)


SERVICE = Service(
    "opsgenie", SECTION, ("OpsGenieHandler",),
    from_tick=lambda _t, f: {"teams-list": list(f.get("TeamsList") or []),
                             "recipients-list": list(f.get("RecipientsList") or [])},
    decode=lambda o: decode(o, {"teams-list": "[]string", "recipients-list": "[]string"}, "opsgenie.HandlerConfig"),
    deliver=_deliver, test=_test,
    test_options={"teams": None, "recipients": None, "message-type": "CRITICAL", "message": "test opsgenie message",
                  "entity-id": "testEntityID"},
    global_handler=True, extra={"test_options": test_options})

SERVICES = [SERVICE]
