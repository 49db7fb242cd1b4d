"""One HTTP request as Kapacitor's Go client sends it, for the chat services' webhooks.

Kapacitor's services post with Go's ``net/http`` (``http.Post``, ``http.PostForm`` or a client
with the section's TLS options).  ``post`` sends the same request line and headers in Go's
order (``Host``, ``User-Agent: Go-http-client/1.1``, ``Content-Length``, then ``Content-Type``
and the service's own sorted by name, ``Accept-Encoding: gzip``, decoding a gzip answer as Go's transport does) with ``http.client``
and returns ``(status, body)``; a request that does not get an answer raises ``DeliveryError``
with Go's ``Post "<url>": <cause>`` shape.

Also here because every chat service needs them: ``tls_context`` (``tlsconfig.Create`` from
``ssl-ca``/``ssl-cert``/``ssl-key``/``insecure-skip-verify``), ``go_url_error`` (the errors of
Go's ``url.Parse`` that ``Config.Validate`` reports), ``go_quote`` (``%q``), ``json_error_field``
(the ``{"error": ...}`` text a service reads from a failed answer) and ``go_body`` (the bytes
of ``json.Marshal``/``json.NewEncoder(...).Encode``).
"""
from __future__ import annotations

import gzip
import http.client
import re
import ssl
import urllib.parse

from machstore.kapacitor.gojson import GoMap, dumps

from .base import DeliveryError

TIMEOUT = 30.0  # seconds: a webhook that never answers must not hold the outbox forever

__all__ = ["GoMap", "go_body", "go_path_join", "go_quote", "go_url_error", "json_error_field", "path_of", "post",
           "tls_context", "with_path"]


def go_body(value, *, newline: bool = True) -> bytes:
    """``json.NewEncoder(w).Encode(value)`` (``newline``) or ``json.Marshal(value)`` bytes;
    dicts keep their order (struct fields), ``GoMap`` sorts its keys (a Go map)."""
    return dumps(value, pretty=False) + (b"\n" if newline else b"")


_QUOTE_ESC = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v",
              "\\": "\\\\", '"': '\\"'}


def go_quote(s: str) -> str:
    """Go's ``%q`` of a string (``strconv.Quote``)."""
    out = []
    for ch in s:
        if ch in _QUOTE_ESC:
            out.append(_QUOTE_ESC[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\x{ord(ch):02x}")
        elif not ch.isprintable() and ch != " ":
            out.append(f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})(.{0,2})", re.DOTALL)


def go_url_error(url: str) -> str | None:
    """The text of Go's ``url.Parse(url)`` error (``parse "x": ...``), ``None`` if it parses."""
    def err(msg):
        return f"parse {go_quote(url)}: {msg}"
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in url):
        return err("net/url: invalid control character in URL")
    if url.startswith(":"):
        return err("missing protocol scheme")
    bad = _ESCAPE.search(url.split("#", 1)[0].split("?", 1)[0])  # the query is kept raw
    if bad:
        return err(f"invalid URL escape {go_quote('%' + bad.group(1))}")
    parts = urllib.parse.urlsplit(url)
    if parts.scheme and parts.netloc:
        hostport = parts.netloc.rpartition("@")[2]
        if not hostport.startswith("["):
            _, colon, port = hostport.partition(":")
            if colon and not port.isdigit() and port != "":
                return err(f"invalid port {go_quote(':' + port)} after host")
    return None


def go_path_join(*elems: str) -> str:
    """Go's ``path.Join``: the non-empty elements joined by ``/`` and cleaned."""
    joined = "/".join(e for e in elems if e)
    if not joined:
        return ""
    rooted = joined.startswith("/")
    out = []
    for part in joined.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if out and out[-1] != "..":
                out.pop()
            elif not rooted:
                out.append("..")
            continue
        out.append(part)
    text = "/".join(out)
    return ("/" + text) if rooted else (text or ".")


def with_path(url: str, path: str, query: str | None = None) -> str:
    """``u.Path = path`` (and ``u.RawQuery = query``) then ``u.String()`` of Go's ``url.URL``."""
    parts = urllib.parse.urlsplit(url)
    escaped = urllib.parse.quote(path, safe="$&+,/:;=@")
    if escaped and not escaped.startswith("/") and parts.netloc:
        escaped = "/" + escaped
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, escaped,
                                    parts.query if query is None else query, parts.fragment))


def path_of(url: str) -> str:
    """The unescaped path of ``url`` (``u.Path``)."""
    return urllib.parse.unquote(urllib.parse.urlsplit(url).path)


def tls_context(element: dict) -> ssl.SSLContext | None:
    """The TLS settings of a section element (``tlsconfig.Create``); ``None`` for the defaults."""
    ca, cert, key = element.get("ssl-ca") or "", element.get("ssl-cert") or "", element.get("ssl-key") or ""
    insecure = bool(element.get("insecure-skip-verify"))
    if not (ca or cert or key or insecure):
        return None
    try:
        ctx = ssl.create_default_context(cafile=ca or None)
        if cert or key:
            ctx.load_cert_chain(cert, key or None)
    except (OSError, ssl.SSLError) as ex:
        raise DeliveryError(f"failed to load TLS configuration: {ex}") from None
    if insecure:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    return ctx


def post(url: str, body: bytes, content_type: str, *, headers: dict | None = None,
         tls: ssl.SSLContext | None = None, timeout: float = TIMEOUT) -> tuple[int, bytes]:
    """POST ``body`` to ``url`` as Go's client does; ``(status, answer body)``."""
    return request("POST", url, body, {"Content-Type": content_type, **(headers or {})}, tls=tls, timeout=timeout)


def request(method: str, url: str, body: bytes, headers: dict, *, tls: ssl.SSLContext | None = None,
            timeout: float = TIMEOUT) -> tuple[int, bytes]:
    """One request with ``body`` as Go's ``http.Client`` sends it (its header set, sorted);
    ``(status, answer body)`` of any HTTP answer, ``DeliveryError`` with Go's ``<Method> "<url>":
    <why>`` when none came.  Every service that speaks HTTP sends through here."""
    verb = method.title()
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise DeliveryError(f"{verb} {go_quote(url)}: unsupported protocol scheme {go_quote(parts.scheme)}")
    if not parts.hostname:
        raise DeliveryError(f"{verb} {go_quote(url)}: http: no Host in request URL")
    try:
        port = parts.port
    except ValueError:
        raise DeliveryError(f"{verb} {go_quote(url)}: invalid port") from None
    if parts.scheme == "https":
        conn = http.client.HTTPSConnection(parts.hostname, port, timeout=timeout,
                                           context=tls or ssl.create_default_context())
    else:
        conn = http.client.HTTPConnection(parts.hostname, port, timeout=timeout)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        conn.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
        conn.putheader("Host", parts.netloc.rpartition("@")[2])
        conn.putheader("User-Agent", "Go-http-client/1.1")
        conn.putheader("Content-Length", str(len(body)))
        for k, v in sorted(headers.items()):  # Header.Write sorts
            conn.putheader(k, v)
        conn.putheader("Accept-Encoding", "gzip")
        conn.endheaders(body)
        resp = conn.getresponse()
        answer = resp.read()
        if (resp.getheader("Content-Encoding") or "").lower() == "gzip" and answer:
            answer = gzip.decompress(answer)
        return resp.status, answer
    except (OSError, http.client.HTTPException, EOFError) as ex:
        raise DeliveryError(f"{verb} {go_quote(url)}: {ex}") from None
    finally:
        conn.close()


def json_error_field(body: bytes, default: str, key: str = "error") -> str:
    """What ``json.NewDecoder(body).Decode(&struct{Error string `json:"error"`}{default})``
    leaves in the field: the answer's ``error`` string (keys match case-insensitively, as in
    ``encoding/json``), else ``default``."""
    import json
    try:
        text = body.decode("utf-8", errors="replace").lstrip()
        obj, _ = json.JSONDecoder().raw_decode(text)
    except ValueError:
        return default
    if not isinstance(obj, dict):
        return default
    found = default
    for k, v in obj.items():
        if k.lower() == key and isinstance(v, str):
            found = v
    return found
