"""What the incident services (pagerduty, pagerduty2, opsgenie, opsgenie2, victorops, alerta,
bigpanda) share: their JSON bodies, the request, the service's answer, URL checks.

* ``body(value)``: the bytes of Go's ``json.NewEncoder(&buf).Encode(value)``; maps are
  ``GoMap`` (keys sorted), structs plain dicts in field order; a trailing newline.
* ``send``: one request through ``webhook.request`` (the one HTTP sender of the services).
* ``answer_text``: Kapacitor's way of reading an error answer: a default text, replaced by the
  JSON body's field when it decodes.
* ``enabled``: the section's element, or ``DeliveryError("service is not enabled")``.
* ``client_url``: Kapacitor's ``HTTPDService.URL()`` (``http://<listen address>/kapacitor/v1``)
  that PagerDuty bodies carry; the ``ConfigView`` gives it as ``kapacitor_url`` when the
  server knows its address, else it is ``""`` (what Kapacitor sends without a listener).
* ``url_error``: the text ``Config.Validate`` gives for a URL Go's ``url.Parse`` refuses.
"""
from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

from machstore.kapacitor import gojson

from .base import ConfigView, DeliveryError
from .webhook import TIMEOUT, go_path_join, go_quote, request, tls_context


def body(value) -> bytes:
    return gojson.dumps(value, pretty=False) + b"\n"


def send(method: str, url: str, data: bytes, headers: dict, *, skip_verify: bool = False) -> tuple[int, bytes]:
    """``(status, body)`` of the answer to one request (``webhook.request``: Go's client);
    ``DeliveryError`` when none came."""
    return request(method, url, data, headers, tls=tls_context({"insecure-skip-verify": skip_verify}))


def answer_text(data: bytes, key: str, default: str):
    """``r := &response{<key>: default}; json.NewDecoder(body).Decode(r)``: the field when the
    body is a JSON object holding it as a string, else ``default``."""
    try:
        obj = json.loads(data)
    except ValueError:
        return default
    if isinstance(obj, dict) and isinstance(obj.get(key), str):
        return obj[key]
    return default


def enabled(config: ConfigView, section: str) -> dict:
    element = config.element(section)
    if not element or not element.get("enabled"):
        raise DeliveryError("service is not enabled")
    return element


def client_url(config: ConfigView) -> str:
    return str(getattr(config, "kapacitor_url", "") or "")




def url_error(u: str) -> str | None:
    """Go's ``url.Parse`` error for ``u`` (``parse "<u>": <why>``), or ``None`` if it parses."""
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in u):
        return f"parse {go_quote(u)}: net/url: invalid control character in URL"
    if u.startswith(":"):
        return f"parse {go_quote(u)}: missing protocol scheme"
    scheme, sep, rest = u.partition("://")
    if sep and scheme and rest:
        host = rest.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0].rpartition("@")[2]
        if not host.startswith("["):
            _h, colon, port = host.partition(":")
            if colon and not port.isdigit() and port != "":
                return f'parse {go_quote(u)}: invalid port ":{port}" after host'
    return None


def check_url(u: str, what: str = "URL") -> None:
    """``url.Parse(u)`` wrapped as ``Config.Validate`` does: ``invalid <what> "<u>": <err>``."""
    err = url_error(u)
    if err is not None:
        raise ValueError(f"invalid {what} {go_quote(u)}: {err}")


def join_path(url: str, *parts: str) -> str:
    """``u.Path = path.Join(u.Path, parts...)`` then ``u.String()``."""
    p = urllib.parse.urlsplit(url)
    segments = [s for s in [p.path, *parts] if s]
    joined = "/".join(segments)
    clean = go_path_join("/" + joined if not joined.startswith("/") and p.netloc else joined)
    return urllib.parse.urlunsplit((p.scheme, p.netloc, clean, p.query, p.fragment))


__all__ = ["TIMEOUT", "answer_text", "body", "check_url", "client_url", "enabled", "go_quote", "join_path", "send",
           "url_error"]
