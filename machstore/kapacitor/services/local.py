"""The handlers that need no notification service: ``log``, ``post``, ``tcp``, ``exec``.

Their sending code is ``alerts/handlers.py`` (Kapacitor's ``services/alert/handlers.go`` and
``services/httppost``); this module maps them to ``[kind, options]`` with the option names
of Kapacitor's topic handlers: ``log`` ``{path, mode}``, ``tcp`` ``{address}``, ``exec``
``{prog, args}``, ``post`` ``{url, endpoint, headers, capture-response, timeout (ns),
skip-ssl-verification}``.
"""
from __future__ import annotations

from machstore.kapacitor.alerts import handlers as h

from .base import HandlerError, Service


def _strict(options: dict, kinds: dict) -> dict:
    """mapstructure's ``ErrorUnused`` decode: unknown keys and wrong types are refused."""
    out = {}
    for key, value in (options or {}).items():
        want = kinds.get(key)
        if want is None:
            raise HandlerError(f"failed to decode options: '' has invalid keys: {key}")
        if not isinstance(value, want) or (want is int and isinstance(value, bool)):
            raise HandlerError(f"failed to decode options: '{key}' expected type '{want.__name__}'")
        out[key] = value
    return out


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


def _post_check(o, _c):
    h.check(("AlertHTTPPostHandler", _post_fields(o)))


def _post_deliver(o, event, _c):
    h.deliver(("AlertHTTPPostHandler", _post_fields(o)), event)


SERVICES = [
    Service("log", None, ("LogHandler",), _log_from_tick, lambda o: _strict(o, {"path": str, "mode": int}),
            _log_deliver, check=_log_check),
    Service("tcp", None, ("TcpHandler",), lambda _t, f: {"address": f.get("Address", "")},
            lambda o: _strict(o, {"address": str}), _tcp_deliver),
    Service("exec", None, ("ExecHandler",), _exec_from_tick, lambda o: _strict(o, {"prog": str, "args": list}),
            _exec_deliver, check=_exec_check),
    Service("post", None, ("AlertHTTPPostHandler",), _post_from_tick,
            lambda o: _strict(o, {"url": str, "endpoint": str, "headers": dict, "capture-response": bool,
                                  "timeout": int, "skip-ssl-verification": bool}),
            _post_deliver, check=_post_check),
]
