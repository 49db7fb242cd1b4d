"""``httpPost`` deliveries: a node's POSTs staged with the round, sent after it by the outbox.

``httpPost`` cannot POST while the stream round holds its transaction (a slow endpoint would
stall every task), so ``StoreContext.http_post`` stages each request as an outbox entry
(``outbox.py``) whose one handler is ``["HTTPPostNode", options]`` and whose event is
``{"body": <JSON text>}``; the outbox sender calls :func:`deliver` after the commit.
As Kapacitor's ``http_post.go`` does, a failed POST is logged on the node and not retried
(a 4xx answer would fail forever); only a crash before the send repeats it.
"""
from __future__ import annotations

import logging
import urllib.error
import urllib.request

KIND = "HTTPPostNode"
log = logging.getLogger("machstore.kapacitor.httppost")


def handler_of(request: dict) -> list:
    """The outbox handler entry of a staged request (everything but the body)."""
    return [KIND, {"url": request["url"], "headers": dict(request.get("headers") or {}),
                   "timeout_ns": int(request.get("timeout_ns") or 0),
                   "capture_response": bool(request.get("capture_response")),
                   **({"exact_headers": True} if request.get("exact_headers") else {})}]


def event_of(request: dict) -> dict:
    body = request["body"]
    return {"body": body.decode() if isinstance(body, bytes | bytearray) else body}


def deliver(options: dict, event: dict, *, task: str = "", node: str = "") -> None:
    """POST ``event["body"]``; failures are logged with Kapacitor's texts, never raised."""
    if options.get("exact_headers"):  # a [[httppost]] row template: no Content-Type, as Kapacitor sends it
        _deliver_exact(options, event, task, node)
        return
    headers = {"Content-Type": "application/json", **options.get("headers", {})}
    req = urllib.request.Request(options["url"], data=event["body"].encode(), headers=headers, method="POST")
    timeout = options.get("timeout_ns", 0) / 1e9 or None
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            resp.read()
    except urllib.error.HTTPError as ex:
        detail = (ex.read().decode("utf-8", "replace") if options.get("capture_response")
                  else "unknown error, use .captureResponse() to capture the HTTP response")
        log.error("task=%s node=%s POST returned non 2xx status code: %s code=%d", task, node, detail, ex.code)
    except (OSError, ValueError) as ex:
        log.error("task=%s node=%s failed to POST data: %s", task, node, ex)


def _deliver_exact(options: dict, event: dict, task: str, node: str) -> None:
    """POST with exactly the request's headers (``alerts/handlers.http_post``)."""
    from .alerts.handlers import DeliveryError, http_post
    try:
        status, answer = http_post(options["url"], event["body"].encode(), dict(options.get("headers") or {}),
                                   options.get("timeout_ns", 0) / 1e9 or None)
    except DeliveryError as ex:
        log.error("task=%s node=%s failed to POST data: %s", task, node, str(ex).removeprefix("failed to POST alert data: "))
        return
    if status // 100 != 2:
        detail = (answer.decode("utf-8", "replace") if options.get("capture_response")
                  else "unknown error, use .captureResponse() to capture the HTTP response")
        log.error("task=%s node=%s POST returned non 2xx status code: %s code=%d", task, node, detail, status)
