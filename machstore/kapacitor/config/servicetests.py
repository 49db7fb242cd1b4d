"""``/kapacitor/v1/service-tests``: Kapacitor's service tests (``services/servicetest/service.go``).

A service test is a registered service with a ``test`` function, named as Kapacitor names its
tester: the service's config section (``smtp``, ``httppost``, ``pagerduty2``), else its kind.
``GET /service-tests`` lists them (``pattern``: Go's ``filepath.Match``) with their
``test_options``; ``GET /service-tests/<name>`` shows one; ``POST /service-tests/<name>`` decodes
the body over the test options (as Go decodes JSON into the options struct: unknown keys are
skipped, a value of another type is refused) and runs ``service.test(options, view)`` through
the configured service: ``{"success": true, "message": ""}``, or ``success`` false and the
error's text.  Answers are written as Go's ``json.Encoder`` writes them.
"""
from __future__ import annotations

import copy
import json

from machstore.kapacitor import gopath, services
from machstore.kapacitor.services.base import DeliveryError, HandlerError

from ..definitions import field
from ..gojson import decoder_error
from . import view
from .api import ConfigApiError, encode

BASE = "/kapacitor/v1/service-tests"


def testers() -> dict:
    """``{name: service}`` of every service that has a test."""
    out = {}
    for svc in services.services():
        if svc.test is not None:
            out[svc.section.name if svc.section is not None else svc.kind] = svc
    return out


def _link(name: str) -> dict:
    return {"rel": "self", "href": f"{BASE}/{name}"}


def test_options_of(svc, config) -> dict:
    """A service's test options: ``extra["test_options"](config)`` where they depend on the
    config (Kapacitor's ``TestOptions()`` reads it, e.g. slack's default channel), else the static ones."""
    dynamic = svc.extra.get("test_options")
    return dynamic(config) if callable(dynamic) else copy.deepcopy(svc.test_options)


def _entry(name: str, svc, config) -> dict:
    return {"link": _link(name), "name": name, "options": test_options_of(svc, config)}


def listing(engine, pattern: str) -> bytes:
    pattern = pattern or "*"
    found = []
    for name, svc in sorted(testers().items()):
        if gopath.malformed(pattern):
            raise ConfigApiError(400, "bad pattern: syntax error in pattern")
        if gopath.match(pattern, name):
            found.append(_entry(name, svc, view(engine)))
    return encode({"link": {"rel": "self", "href": BASE}, "services": found or None})


def _tester(path: str):
    name = path[len(BASE) + 1:].rstrip("/") if path.startswith(BASE + "/") else ""
    if name == "":
        raise ConfigApiError(400, "must provide service name")
    svc = testers().get(name)
    if svc is None:
        raise ConfigApiError(404, f'service "{name}" not found')
    return name, svc


def options(engine, path: str) -> bytes:
    name, svc = _tester(path)
    return encode(_entry(name, svc, view(engine)))


_GO_KIND = {bool: "bool", str: "string", int: "number", float: "number", list: "array", dict: "object"}


def _go_type(default) -> str:
    if isinstance(default, bool):
        return "bool"
    if isinstance(default, int):
        return "int"
    if isinstance(default, float):
        return "float64"
    if isinstance(default, str):
        return "string"
    if isinstance(default, list):
        return "[]string" if all(isinstance(x, str) for x in default) else "[]interface {}"
    return "map[string]interface {}"


def _fits(default, value) -> bool:
    if default is None:
        return True
    if isinstance(default, bool):
        return isinstance(value, bool)
    if isinstance(default, int):
        return isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer()
    if isinstance(default, float):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if isinstance(default, str):
        return isinstance(value, str)
    if isinstance(default, list):
        return isinstance(value, list) and (not default or not isinstance(default[0], str)
                                            or all(isinstance(x, str) or x is None for x in value))
    return isinstance(value, dict)


def decode_options(defaults: dict, raw: bytes) -> dict:
    """The test options: the body's values over ``defaults``; ConfigApiError with Go's text."""
    problem = decoder_error(raw)
    if problem is None:
        text = raw.decode("utf-8", errors="replace")
        body, _ = json.JSONDecoder().raw_decode(text, len(text) - len(text.lstrip(" \t\r\n")))
        if body is not None and not isinstance(body, dict):
            problem = f"json: cannot unmarshal {_GO_KIND[type(body)]} into Go value of type servicetest.testOptions"
    if problem is not None:
        raise ConfigApiError(400, f"failed to decode JSON body:{problem}")
    out = copy.deepcopy(defaults)
    body = body or {}
    for key, default in defaults.items():
        value = body[key] if key in body else field(body, key.lower())
        if value is None:
            continue
        if not _fits(default, value):
            kind = _GO_KIND[type(value)]
            if kind == "number" and isinstance(default, int) and not isinstance(default, bool):
                kind = f"number {value}"
            raise ConfigApiError(400, f"failed to decode JSON body:json: cannot unmarshal {kind} into Go struct "
                                      f"field testOptions.{key} of type {_go_type(default)}")
        if isinstance(default, int) and not isinstance(default, bool):
            value = int(value)
        elif isinstance(default, float):
            value = float(value)
        out[key] = value
    return out


def run(engine, path: str, raw: bytes) -> bytes:
    """``POST /service-tests/<name>``: ``{"success", "message"}``."""
    _name, svc = _tester(path)
    opts = decode_options(test_options_of(svc, view(engine)), raw)
    try:
        svc.test(opts, view(engine))
    except (DeliveryError, HandlerError, OSError, ValueError) as ex:
        return encode({"success": False, "message": str(ex)})
    return encode({"success": True, "message": ""})
