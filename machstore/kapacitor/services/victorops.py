"""VictorOps (REST endpoint integration): ``[victorops]``, the ``victorops`` handler, ``.victorOps()``.

Kapacitor's ``services/victorops``: an event is POSTed to ``<url>/<api-key>/<routing-key>``
(``path.Join``; the handler's routing key, else the config's) as a Go map (keys sorted):
``data`` (the event's result as JSON text, or as JSON itself with ``json-data = true``),
``entity_id`` = alert id, ``message_type`` (the level, RECOVERY for OK), ``monitoring_tool``
"kapacitor", ``state_message`` = message, ``timestamp`` = Unix seconds of the event, with
``Content-Type: application/json``.  Only 200 is success; 404 fails as "URL or API key not
found: 404".
"""
from __future__ import annotations

import time

from machstore.kapacitor.gojson import GoMap

from . import eventdata
from . import incident_common as ic
from .base import DeliveryError, Section, Service
from .mapdecode import decode

DEFAULT_URL = "https://alert.victorops.com/integrations/generic/20131114/alert"


def _validate(c: dict) -> None:
    if c.get("url", "") == "":
        raise ValueError("url cannot be empty")
    ic.check_url(c["url"])


SECTION = Section("victorops", {"enabled": False, "api-key": "", "routing-key": "", "url": DEFAULT_URL,
                                "global": False, "json-data": False},
                  redacted=("api-key",), validate=_validate)


def alert(config, routing_key: str, message_type: str, message: str, entity_id: str, unix_seconds: int,
          result: dict) -> None:
    """``Service.Alert``: one request, or ``DeliveryError`` with Kapacitor's text."""
    c = ic.enabled(config, "victorops")
    data = GoMap({"message_type": message_type, "entity_id": entity_id, "state_message": message,
                  "timestamp": unix_seconds, "monitoring_tool": "kapacitor"})
    data["data"] = result if c.get("json-data") else ic.body(result)[:-1].decode()
    url = ic.join_path(c["url"], c.get("api-key", ""), routing_key or c.get("routing-key", ""))
    status, answer = ic.send("POST", url, ic.body(data), {"Content-Type": "application/json"})
    if status != 200:
        if status == 404:
            raise DeliveryError("URL or API key not found: 404")
        default = f"failed to understand VictorOps response. code: {status} content: {answer.decode(errors='replace')}"
        raise DeliveryError(ic.answer_text(answer, "message", default))


def _deliver(o, event, config):
    message_type = "RECOVERY" if event["level"] == "OK" else event["level"]
    alert(config, o.get("routing-key", ""), message_type, event["message"], event["id"],
          eventdata.unix_nano(event["time"]) // 10**9, eventdata.result(event))


def test_options(config) -> dict:
    """``TestOptions``: the config's routing key."""
    c = config.element("victorops") or {}
    return {"routingKey": c.get("routing-key", ""), "messageType": "CRITICAL", "message": "test victorops message",
            "entityID": "testEntityID"}


def _test(o, config):
    alert(config, o.get("routingKey", ""), o.get("messageType", ""), o.get("message", ""), o.get("entityID", ""),
          int(time.time()), eventdata.EMPTY_RESULT)


SERVICE = Service(
    "victorops", SECTION, ("VictorOpsHandler",),
    from_tick=lambda _t, f: {"routing-key": f.get("RoutingKey", "")},
    decode=lambda o: decode(o, {"routing-key": "string"}, "victorops.HandlerConfig"),
    deliver=_deliver, test=_test,
    test_options={"routingKey": "", "messageType": "CRITICAL", "message": "test victorops message",
                  "entityID": "testEntityID"},
    global_handler=True, extra={"test_options": test_options})

SERVICES = [SERVICE]
