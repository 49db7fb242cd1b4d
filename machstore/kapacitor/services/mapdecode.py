"""Topic-handler options decoded as Kapacitor decodes them, with its error texts.

Kapacitor turns a topic handler's ``options`` (JSON) into the service's ``HandlerConfig`` with
``mapstructure`` (v1.4.1, ``ErrorUnused``, a hook that feeds strings to ``UnmarshalText``;
``services/alert/service.go`` ``decodeOptions``).  A bad handler is refused with::

    failed to decode options into *slack.HandlerConfig: 1 error(s) decoding:

    * '' has invalid keys: foo

``decode(options, fields, struct)`` checks ``options`` against ``fields`` (option name ->
kind: ``"string"``, ``"bool"``, ``"int"``, or a ``TextKind`` for a ``TextUnmarshaler`` type such
as mqtt's QoS) and returns them under their canonical names (mapstructure also matches a key
case-insensitively: ``"Channel"`` sets ``channel``), values as given.  JSON ``null`` leaves a
field at its zero value, as mapstructure does.
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


def _field_error(name: str, kind, value) -> str | None:
    if value is None:
        return None
    if kind == "string":
        return None if isinstance(value, str) else _unconvertible(name, "string", value)
    if kind == "bool":
        return None if isinstance(value, bool) else _unconvertible(name, "bool", value)
    if kind == "int":
        if isinstance(value, int | float) and not isinstance(value, bool):
            return None
        return _unconvertible(name, "int", value)
    if isinstance(kind, TextKind):
        if isinstance(value, str):
            try:
                kind.parse(value)
            except ValueError as ex:
                return f"error decoding '{name}': {ex}"
            return None
        if isinstance(value, int | float) and not isinstance(value, bool):
            if value < 0:
                return f"cannot parse '{name}', {float(value):f} overflows uint"
            return None
        return _unconvertible(name, kind.go_type, value)
    raise TypeError(f"unknown option kind {kind!r}")


def decode(options: dict | None, fields: dict, struct: str) -> dict:
    """``options`` checked against ``fields`` (see the module docstring); ``HandlerError``
    with mapstructure's text wrapped as Kapacitor wraps it when they do not fit."""
    options = dict(options or {})
    errors, out, used = [], {}, set()
    for name, kind in fields.items():
        key = name if name in options else next((k for k in options if k.lower() == name.lower()), None)
        if key is None:
            continue
        used.add(key)
        out[name] = options[key]
        err = _field_error(name, kind, options[key])
        if err is not None:
            errors.append(err)
    unused = sorted(k for k in options if k not in used)
    if unused:
        errors.append(f"'' has invalid keys: {', '.join(unused)}")
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
