"""A task's ``vars`` as Kapacitor's HTTP API takes them in, stores them and hands them to the script.

Three steps, each with Kapacitor's own failure (``client/v1`` ``Vars.UnmarshalJSON``,
``services/task_store`` ``convertToServiceVar``/``newVar``, ``convertToTickVarFromService``):

1. :func:`decode` reads the request's JSON the way Go's decoder does: an unknown type name, an
   int that is not an integer, a duration that is neither ns nor a duration string, a list item
   without ``type`` or ``value`` make the whole body ``invalid JSON``;
2. the same call checks each value against its type as ``newVar`` does
   (``invalid var x: unexpected var type bool, value is a string``,
   ``invalid var x: unsupported Var type json.Number.``...) and returns the stored form, which is
   also the API's output form: ``{"type", "value", "description"}`` with durations in ns,
   lambdas and regexes as text, star without a value;
3. :func:`to_tick` turns stored vars into ``machstore.tick.evaluate.Var`` values for
   ``evaluate(predefined=...)``, parsing lambdas and compiling regexes
   (``invalid var x: invalid lambda expression: ...``).
"""
from __future__ import annotations

import math

from machstore.influxql.ast import RegexError, compile_go_regex
from machstore.influxql.parser import parse_influx_duration
from machstore.tick import TickError, parse_lambda
from machstore.tick.evaluate import Duration, Regex, Star, Var

TYPES = ("bool", "int", "float", "string", "regex", "duration", "lambda", "list", "star")
_INT64_MAX = 2**63 - 1


class InvalidJSON(ValueError):
    """The body does not decode (Kapacitor answers ``invalid JSON``)."""


class VarError(ValueError):
    """A var whose value does not fit its type; ``str()`` is Kapacitor's text."""


class _Number:
    """A JSON number kept as its text, as Go's ``json.Number`` (``UseNumber``)."""

    def __init__(self, value):
        self.value = value


def decode(raw) -> dict:
    """Decode the ``vars`` object of a request as Go's JSON decoder does (InvalidJSON); the
    result goes to :func:`to_service` once the rest of the request is checked."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise InvalidJSON("vars is not an object")
    return {name: _decode_var(v) for name, v in raw.items()}


def to_service(decoded: dict) -> dict:
    """The stored form of decoded vars, ``{name: var}``; VarError with Kapacitor's text."""
    out = {}
    for name in sorted(decoded):
        try:
            out[name] = _to_service(decoded[name])
        except VarError as ex:
            raise VarError(f"invalid var {name}: {ex}") from None
    return out


def _decode_var(v):
    """``(type, value, description)`` after ``Vars.UnmarshalJSON``; raise InvalidJSON."""
    if v is None:
        return ("unknown", None, "")
    if not isinstance(v, dict):
        raise InvalidJSON("var is not an object")
    typ = _field(v, "type")
    if typ is None:
        typ = "unknown"
    elif not isinstance(typ, str) or typ not in TYPES:
        raise InvalidJSON(f"unknown VarType {typ}")
    desc = _field(v, "description")
    if desc is not None and not isinstance(desc, str):
        raise InvalidJSON("description is not a string")
    value = _field(v, "value")
    if value is not None:
        value = _typed_value(typ, value)
    return (typ, value, desc or "")


def _field(obj: dict, name: str):
    """Go's field match: the exact key, else a case-insensitive one (the last one wins)."""
    if name in obj:
        return obj[name]
    found = None
    for k, val in obj.items():
        if k.lower() == name:
            found = val
    return found


def _is_number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _typed_value(typ: str, value):
    if typ == "duration":
        if isinstance(value, str):
            try:
                return Duration(parse_influx_duration(value))
            except ValueError as ex:
                raise InvalidJSON(str(ex)) from None
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) <= _INT64_MAX:
            return Duration(value)
        raise InvalidJSON("expected int or string value")
    if typ == "int":
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) <= _INT64_MAX:
            return int(value)
        raise InvalidJSON("expected int value")
    if typ == "float":
        if _is_number(value) and math.isfinite(float(value)):
            return float(value)
        raise InvalidJSON("expected float value")
    if typ == "list":
        if not isinstance(value, list):
            raise InvalidJSON("expected list of vars")
        items = []
        for item in value:
            if not isinstance(item, dict):
                raise InvalidJSON("expected list of vars")
            if "type" not in item:
                raise InvalidJSON("expected list type key in object")
            if not isinstance(item["type"], str) or item["type"] not in TYPES:
                raise InvalidJSON(f"unknown VarType {item['type']}")
            if "value" not in item:
                raise InvalidJSON("expected list value key in object")
            items.append((item["type"], _raw(item["value"]), ""))
        return items
    return _raw(value)


def _raw(value):
    """A value Go leaves undecoded (numbers stay ``json.Number``)."""
    return _Number(value) if _is_number(value) else value


def _go_type_name(value) -> str:
    if value is None:
        return "<nil>"
    if isinstance(value, _Number):
        return "json.Number"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, dict):
        return "map[string]interface {}"
    if isinstance(value, list):
        return "[]interface {}"
    return type(value).__name__


def _to_service(var) -> dict:
    """``newVar``: the stored form of a decoded var, or VarError."""
    typ, value, desc = var
    if typ == "list" and value is not None:
        value = [_to_service(item) for item in value]
        return {"type": "list", "value": value, "description": desc}
    if typ == "star":
        return {"type": "star", "value": None, "description": desc}
    if isinstance(value, bool):
        got = "bool"
    elif isinstance(value, Duration):
        got = "duration"
    elif isinstance(value, int):
        got = "int"
    elif isinstance(value, float):
        got = "float"
    elif isinstance(value, str):
        if typ not in ("lambda", "regex", "string"):
            raise VarError(f"unexpected var type {typ}, value is a string")
        got = typ
    else:
        raise VarError(f"unsupported Var type {_go_type_name(value)}.")
    if got != typ:
        go_name = {"bool": "bool", "duration": "time.Duration", "int": "int64", "float": "float64"}.get(got, "string")
        raise VarError(f"mismatched type and value: {go_name} {typ}")
    return {"type": typ, "value": int(value) if got == "duration" else value, "description": desc}


def to_tick(stored: dict) -> dict:
    """``{name: Var}`` for ``evaluate(predefined=...)``; VarError with Kapacitor's text."""
    out = {}
    for name in sorted(stored):
        try:
            out[name] = _tick_var(stored[name])
        except VarError as ex:
            raise VarError(f"invalid var {name}: {ex}") from None
    return out


def _tick_var(v: dict) -> Var:
    typ, value, desc = v["type"], v.get("value"), v.get("description", "")
    if typ == "duration":
        value = Duration(value)
    elif typ == "star":
        value = Star()
    elif typ == "lambda":
        try:
            value = parse_lambda(value)
        except TickError as ex:
            raise VarError(f"invalid lambda expression: {ex}") from None
    elif typ == "regex":
        try:
            compile_go_regex(value)
        except RegexError as ex:
            raise VarError(f"invalid regex pattern: {ex}") from None
        value = Regex(value)
    elif typ == "list":
        value = [_tick_var(item).value for item in value or []]
    elif typ not in TYPES:
        raise VarError(f"invalid var: {v}")
    return Var(value, typ, desc)
