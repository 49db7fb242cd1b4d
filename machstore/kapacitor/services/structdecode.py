"""Topic-handler options decoded as Kapacitor decodes them: mapstructure 1.4.1, ``ErrorUnused``.

Kapacitor's ``services/alert`` ``decodeOptions`` decodes a topic handler's ``options`` (JSON:
strings, float64 numbers, bools, lists, objects) into the service's ``HandlerConfig`` and
refuses unknown keys and values of the wrong type with mapstructure's texts, wrapped as
``failed to decode options into *<pkg>.HandlerConfig: N error(s) decoding:\\n\\n* ...``.

A schema maps each ``mapstructure`` key to its Go type: ``"string"``, ``"bool"``,
``"duration"`` (``time.Duration``, an int64: numbers are truncated, strings refused),
``"[]string"``, ``"map"`` (``map[string]interface{}``) or ``Struct`` (a list of structs,
``[]pagerduty2.LinkTemplate``).
"""
from __future__ import annotations

from dataclasses import dataclass

from .base import HandlerError

_GO_TYPES = {"string": "string", "bool": "bool", "duration": "time.Duration"}


@dataclass(frozen=True)
class Struct:
    """A ``[]<go_type>`` of structs with their own ``mapstructure`` keys."""

    go_type: str
    schema: dict


def decode(options, schema: dict, config_type: str) -> dict:
    """``options`` checked against ``schema``; the decoded values of the keys given."""
    errors: list[str] = []
    out = _decode_map(options if options is not None else {}, schema, "", errors)
    if errors:
        points = "\n".join(sorted(f"* {e}" for e in errors))
        raise HandlerError(f"failed to decode options into *{config_type}: {len(errors)} error(s) decoding:\n\n{points}")
    return out


def _decode_map(data, schema, name, errors) -> dict:
    if not isinstance(data, dict):
        errors.append(f"'{name}' expected a map, got '{_kind(data)}'")
        return {}
    out = {}
    for key, want in schema.items():
        if key in data:
            out[key] = _decode(data[key], want, f"{name}.{key}" if name else key, errors)
    unused = sorted(k for k in data if k not in schema)
    if unused:
        errors.append(f"'{name}' has invalid keys: {', '.join(unused)}")
    return out


def _decode(value, want, name, errors):
    if isinstance(want, Struct):
        if value is None:
            return []
        if not isinstance(value, list):
            errors.append(f"'{name}': source data must be an array or slice, got {_kind(value)}")
            return []
        return [_decode_map(v, want.schema, f"{name}[{i}]", errors) for i, v in enumerate(value)]
    if value is None:
        return _zero(want)
    if want == "string":
        if isinstance(value, str):
            return value
    elif want == "bool":
        if isinstance(value, bool):
            return value
    elif want == "duration":
        if isinstance(value, int | float) and not isinstance(value, bool):
            return int(value)
    elif want == "[]string":
        if not isinstance(value, list):
            errors.append(f"'{name}': source data must be an array or slice, got {_kind(value)}")
            return []
        return [_decode(v, "string", f"{name}[{i}]", errors) for i, v in enumerate(value)]
    elif want == "map":
        if isinstance(value, dict):
            return dict(value)
        errors.append(f"'{name}' expected a map, got '{_kind(value)}'")
        return {}
    errors.append(f"'{name}' expected type '{_GO_TYPES[want]}', got unconvertible type '{_go_type(value)}', "
                  f"value: '{_go_value(value)}'")
    return _zero(want)


def _zero(want):
    return {"string": "", "bool": False, "duration": 0, "[]string": [], "map": {}}[want]


def _kind(v) -> str:
    """Go's ``reflect.Kind`` name of a decoded JSON value."""
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int | float):
        return "float64"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "slice"
    if isinstance(v, dict):
        return "map"
    return "invalid"


def _go_type(v) -> str:
    if isinstance(v, list):
        return "[]interface {}"
    if isinstance(v, dict):
        return "map[string]interface {}"
    return _kind(v)


def _go_value(v) -> str:
    """``%v`` of a decoded JSON value."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e21:
        return str(int(v))
    if isinstance(v, list):
        return "[" + " ".join(_go_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "map[" + " ".join(f"{k}:{_go_value(v[k])}" for k in sorted(v)) + "]"
    return str(v)


__all__ = ["Struct", "decode"]
