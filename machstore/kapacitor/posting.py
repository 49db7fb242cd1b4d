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
                   "capture_response": bool(request.get("capture_response"))}]


def event_of(request: dict) -> dict:
    body = request["body"]
    return {"body": body.decode() if isinstance(body, bytes | bytearray) else body}


def deliver(options: dict, event: dict, *, task: str = "", node: str = "") -> None:
    """POST ``event["body"]``; failures are logged with Kapacitor's texts, never raised."""
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
