"""The handlers that need no notification service: ``log``, ``post``, ``tcp``, ``exec``.

Their sending code is ``alerts/handlers.py`` (Kapacitor's ``services/alert/handlers.go`` and
``services/httppost``); this module maps them to ``[kind, options]`` with the option names
of Kapacitor's topic handlers: ``log`` ``{path, mode}``, ``tcp`` ``{address}``, ``exec``
``{prog, args}``, ``post`` ``{url, endpoint, headers, capture-response, timeout (ns),
skip-ssl-verification}``.
"""
from __future__ import annotations

import os
import urllib.parse

from machstore.gotemplate import TemplateError
from machstore.kapacitor.alerts import handlers as h

from .base import HandlerError, Null, Section, Service
from .mapdecode import Uint, decode


def _decoder(fields: dict, struct: str):
    """The kind's ``decodeOptions`` (``mapdecode``: mapstructure's texts, ``*alert.TCPHandlerConfig``...)."""
    return lambda o: decode(o, fields, struct)


# -- log ------------------------------------------------------------------------------------------
def _log_from_tick(_t, f):
    return {"path": f.get("FilePath", ""), "mode": int(f.get("Mode") or 0)}


def _log_check(o, _c):
    h.check(("LogHandler", {"FilePath": o.get("path", ""), "Mode": o.get("mode") or 0}))


def _log_deliver(o, event, _c):
    h.deliver(("LogHandler", {"FilePath": o.get("path", ""), "Mode": o.get("mode") or 0}), event)


# -- tcp ------------------------------------------------------------------------------------------
def _tcp_deliver(o, event, _c):
    h.deliver(("TcpHandler", {"Address": o.get("address", "")}), event)


# -- exec -----------------------------------------------------------------------------------------
def _exec_from_tick(_t, f):
    cmd = list(f.get("Command") or [])
    return {"prog": cmd[0] if cmd else "", "args": cmd[1:]}


def _exec_command(o):
    return [o.get("prog", "")] + list(o.get("args") or [])


def _exec_check(o, _c):
    if not o.get("prog"):
        raise HandlerError("exec handler needs a program")


def _exec_deliver(o, event, _c):
    h.deliver(("ExecHandler", {"Command": _exec_command(o)}), event)


# -- post -----------------------------------------------------------------------------------------
def _post_from_tick(_t, f):
    return {"url": f.get("URL", ""), "endpoint": f.get("Endpoint", ""), "headers": dict(f.get("Headers") or {}),
            "capture-response": bool(f.get("CaptureResponseFlag")), "timeout": int(f.get("Timeout") or 0),
            "skip-ssl-verification": bool(f.get("SkipSSLVerificationFlag"))}


def _post_fields(o):
    return {"URL": o.get("url", ""), "Endpoint": o.get("endpoint", ""), "Headers": o.get("headers") or {},
            "CaptureResponseFlag": o.get("capture-response", False), "Timeout": o.get("timeout", 0),
            "SkipSSLVerificationFlag": o.get("skip-ssl-verification", False)}


def _endpoint(o, config) -> dict | None:
    """The ``[[httppost]]`` element the handler names, read at each use (overrides apply)."""
    name = o.get("endpoint", "")
    if not name or config is None:
        return None
    return config.element("httppost", name)


def _post_check(o, c):
    h.check(("AlertHTTPPostHandler", _post_fields(o)), _endpoint(o, c))


def _post_deliver(o, event, c):
    h.deliver(("AlertHTTPPostHandler", _post_fields(o)), event, _endpoint(o, c))


def _httppost_validate(c: dict) -> None:
    """``httppost.Config.Validate``."""
    if not c.get("endpoint"):
        raise ValueError("must specify endpoint name")
    url = c.get("url") or ""
    if not url:
        raise ValueError("must specify url")
    try:
        tmpl, _ = h.endpoint_templates({"url": url})
        executed = tmpl.execute(None)
    except TemplateError as ex:
        raise ValueError(f'invalid URL template syntax "{url}": failed to parse template: {ex}') from None
    if url == executed and not urllib.parse.urlsplit(url).scheme and " " in url:
        raise ValueError(f'invalid URL "{url}": parse "{url}": invalid character " " in URL')
    if c.get("alert-template") and c.get("alert-template-file"):
        raise ValueError("must specify only one of alert-template and alert-template-file")
    if c.get("alert-template-file") and not os.path.isabs(c["alert-template-file"]):
        raise ValueError("must use an absolute path for alert-template-file")
    if c.get("row-template") and c.get("row-template-file"):
        raise ValueError("must specify only one of row-template and row-template-file")
    if c.get("row-template-file") and not os.path.isabs(c["row-template-file"]):
        raise ValueError("must use an absolute path for row-template-file")


HTTPPOST = Section("httppost", {
    "endpoint": "example", "url": "http://example.com", "headers": Null("map"),
    "basic-auth": {"username": "", "password": ""}, "alert-template": "", "alert-template-file": "",
    "row-template": "", "row-template-file": "",
}, redacted=("basic-auth",), element_key="endpoint", validate=_httppost_validate)


def _post_test(o, _c):
    """``httppost.Service.Test``: an empty ``alert.Data`` JSON to the given URL with its headers."""
    event = {"id": "", "message": "", "details": "", "time": "0001-01-01T00:00:00Z", "duration": 0, "level": "OK",
             "data": {"series": None}, "previousLevel": "OK", "recoverable": False}
    opts = {"URL": o.get("url", ""), "Endpoint": "", "Headers": dict(o.get("headers") or {}), "Timeout": 0}
    h.deliver(("AlertHTTPPostHandler", opts), event)


SERVICES = [
    Service("log", None, ("LogHandler",), _log_from_tick, _decoder({"path": "string", "mode": Uint("fs.FileMode")}, "alert.LogHandlerConfig"),
            _log_deliver, check=_log_check),
    Service("tcp", None, ("TcpHandler",), lambda _t, f: {"address": f.get("Address", "")},
            _decoder({"address": "string"}, "alert.TCPHandlerConfig"), _tcp_deliver),
    Service("exec", None, ("ExecHandler",), _exec_from_tick, _decoder({"prog": "string", "args": "[]string"}, "alert.ExecHandlerConfig"),
            _exec_deliver, check=_exec_check),
    Service("post", HTTPPOST, ("AlertHTTPPostHandler",), _post_from_tick,
            _decoder({"url": "string", "endpoint": "string", "headers": "map[string]string",
                      "capture-response": "bool", "timeout": "duration", "skip-ssl-verification": "bool"},
                     "httppost.HandlerConfig"),
            _post_deliver, check=_post_check, test=_post_test,
            test_options={"endpoint": "example", "url": "http://localhost:3000/", "headers": {"Auth": "secret"},
                          "timeout": 0}),
]
