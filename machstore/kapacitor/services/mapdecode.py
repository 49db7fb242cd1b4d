"""Topic-handler options decoded as Kapacitor decodes them, with its error texts.

Kapacitor turns a topic handler's ``options`` (JSON) into the kind's ``HandlerConfig`` with
``mapstructure`` (v1.4.1, ``ErrorUnused``, a hook that feeds strings to ``UnmarshalText``;
``services/alert/service.go`` ``decodeOptions``).  A bad handler is refused with::

    failed to decode options into *slack.HandlerConfig: 1 error(s) decoding:

    * '' has invalid keys: foo

This is the one decoder every service uses.  ``decode(options, fields, struct)`` checks
``options`` against ``fields`` (mapstructure key -> kind) and returns them under their
canonical keys.  Kinds, named as mapstructure names the Go types in its errors:

* ``"string"``, ``"bool"``;
* integers: ``"int"``, ``"int64"``, ``"duration"`` (``time.Duration``) take a JSON number
  (its integer part, as Go converts a float64), never a string; ``Uint(go_type)`` also
  refuses a negative number (``cannot parse 'mode', -1.000000 overflows uint``);
* ``TextKind(go_type, parse)``: an unsigned Go type with ``UnmarshalText`` (mqtt's QoS): a
  string goes through ``parse``, a number as for ``Uint``; the value is kept as given;
* ``"[]string"``, ``"map"`` (``map[string]interface {}``), ``"map[string]string"``;
* ``Struct(go_type, fields)``: a list of structs with their own keys (``[]pagerduty2.LinkTemplate``).

Keys match exactly, else case-insensitively (mapstructure's ``EqualFold`` fallback; untagged Go
fields are given under their lower-case names).  A JSON ``null`` leaves the field unset, as
mapstructure leaves the Go field at its default: the key is left out of the result so the
service's own default applies (inside lists and string maps it is the element's zero value).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from machstore.influxql.jsonrows_ref import go_float

from .base import HandlerError


@dataclass(frozen=True)
class TextKind:
    """An unsigned Go type with ``UnmarshalText`` (``go_type`` names it in errors);
    ``parse(text)`` returns the value or raises ``ValueError`` with the unmarshaler's error."""

    go_type: str
    parse: Callable[[str], int]


@dataclass(frozen=True)
class Uint:
    """An unsigned integer Go type without ``UnmarshalText`` (``fs.FileMode``)."""

    go_type: str


@dataclass(frozen=True)
class Struct:
    """A ``[]<go_type>`` of structs with their own ``mapstructure`` keys (``fields``)."""

    go_type: str
    fields: dict


_INTS = {"int": "int", "int64": "int64", "duration": "time.Duration"}
_SCALARS = {"string": "string", "bool": "bool", **_INTS}


def go_type(value) -> str:
    """The Go type ``encoding/json`` gives a decoded JSON value (``interface{}``)."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "float64"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list | tuple):
        return "[]interface {}"
    if isinstance(value, dict):
        return "map[string]interface {}"
    return type(value).__name__


def _kind(value) -> str:
    """Go's ``reflect.Kind`` name of a decoded JSON value."""
    return {"[]interface {}": "slice", "map[string]interface {}": "map"}.get(go_type(value), go_type(value))


def go_v(value) -> str:
    """Go's ``%v`` of a decoded JSON value."""
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return go_float(float(value)).decode()
    if isinstance(value, str):
        return value
    if isinstance(value, list | tuple):
        return "[" + " ".join(go_v(v) for v in value) + "]"
    if isinstance(value, dict):
        return "map[" + " ".join(f"{k}:{go_v(value[k])}" for k in sorted(value)) + "]"
    return str(value)


def _unconvertible(name, want, value) -> str:
    return f"'{name}' expected type '{want}', got unconvertible type '{go_type(value)}', value: '{go_v(value)}'"


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


_ZERO = {"string": "", "bool": False, "int": 0, "int64": 0, "duration": 0, "[]string": [], "map": {},
         "map[string]string": {}}


def _zero(kind):
    if isinstance(kind, Struct):
        return []
    if isinstance(kind, TextKind | Uint):
        return 0
    return _ZERO[kind]


def _value(name: str, kind, value, errors: list):
    """``value`` decoded as ``kind`` (see the module docstring); errors appended to ``errors``."""
    if value is None:
        return _zero(kind)
    if kind == "string":
        if isinstance(value, str):
            return value
    elif kind == "bool":
        if isinstance(value, bool):
            return value
    elif isinstance(kind, str) and kind in _INTS:
        if _is_number(value):
            return int(value)
    elif isinstance(kind, TextKind | Uint):
        if isinstance(kind, TextKind) and isinstance(value, str):
            try:
                kind.parse(value)
            except ValueError as ex:
                errors.append(f"error decoding '{name}': {ex}")
            return value
        if _is_number(value):
            if value < 0:
                errors.append(f"cannot parse '{name}', {float(value):f} overflows uint")
                return 0
            return value if isinstance(kind, TextKind) else int(value)
        errors.append(_unconvertible(name, kind.go_type, value))
        return 0
    elif kind == "[]string" or isinstance(kind, Struct):
        if not isinstance(value, list):
            errors.append(f"'{name}': source data must be an array or slice, got {_kind(value)}")
            return []
        if kind == "[]string":
            return [_value(f"{name}[{i}]", "string", v, errors) for i, v in enumerate(value)]
        return [_struct(f"{name}[{i}]", kind.fields, v, errors) for i, v in enumerate(value)]
    elif kind in ("map", "map[string]string"):
        if not isinstance(value, dict):
            errors.append(f"'{name}' expected a map, got '{_kind(value)}'")
            return {}
        if kind == "map":
            return dict(value)
        return {str(k): _value(f"{name}[{k}]", "string", v, errors) for k, v in value.items()}
    else:
        raise TypeError(f"unknown option kind {kind!r}")
    errors.append(_unconvertible(name, _SCALARS[kind], value))
    return _zero(kind)


def _struct(name: str, fields: dict, data, errors: list) -> dict:
    """A map decoded into a struct of ``fields``: exact keys first, then case-insensitive ones;
    the keys no field took are reported as mapstructure's ``has invalid keys``."""
    if not isinstance(data, dict):
        errors.append(f"'{name}' expected a map, got '{_kind(data)}'")
        return {}
    out, used = {}, set()
    for field, kind in fields.items():
        key = field if field in data else next((k for k in data if str(k).lower() == field.lower()
                                                and k not in used), None)
        if key is None:
            continue
        used.add(key)
        if data[key] is not None:
            out[field] = _value(f"{name}.{field}" if name else field, kind, data[key], errors)
    unused = sorted(str(k) for k in data if k not in used)
    if unused:
        errors.append(f"'{name}' has invalid keys: {', '.join(unused)}")
    return out


def decode(options: dict | None, fields: dict, struct: str) -> dict:
    """``options`` checked against ``fields`` (see the module docstring) for the Go type
    ``struct`` (``"slack.HandlerConfig"``); ``HandlerError`` with mapstructure's text wrapped as
    Kapacitor wraps it (``%T`` of a pointer) when they do not fit."""
    errors: list[str] = []
    out = _struct("", fields, options if options is not None else {}, errors)
    if errors:
        points = "\n".join(sorted(f"* {e}" for e in errors))
        raise HandlerError(f"failed to decode options into *{struct}: {len(errors)} error(s) decoding:\n\n{points}")
    return out


def text(options: dict, name: str) -> str:
    """A string option, ``""`` when absent or null."""
    value = options.get(name)
    return "" if value is None else str(value)


def flag(options: dict, name: str) -> bool:
    return bool(options.get(name) or False)
