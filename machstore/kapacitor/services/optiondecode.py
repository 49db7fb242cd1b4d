"""Topic-handler options decoded as Kapacitor decodes them: mapstructure v1.4 with ``ErrorUnused``.

``services/alert/service.go`` ``decodeOptions`` decodes a handler spec's JSON ``options`` into
the kind's ``HandlerConfig``: keys match a field's ``mapstructure`` tag, or for an untagged
field (several ``json``-tagged ones) its Go name, case-insensitively; a value of the wrong
type and any unused key fail with mapstructure's text wrapped as
``failed to decode options into *pkg.HandlerConfig: N error(s) decoding:\\n\\n* ...``.
JSON numbers are ``float64`` to mapstructure, so an integer field takes a number (its integer
part), never a string.
"""
from __future__ import annotations

from .base import HandlerError

# The Go kinds a HandlerConfig field can have, as mapstructure names them in its errors.
STRING, BOOL, INT64, DURATION = "string", "bool", "int64", "time.Duration"
STRINGS, ANY_MAP, STRING_MAP = "[]string", "map[string]interface {}", "map[string]string"


def _go_type(v) -> str:
    """The Go type encoding/json gives a decoded JSON value."""
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int | float):
        return "float64"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "[]interface {}"
    if isinstance(v, dict):
        return "map[string]interface {}"
    return type(v).__name__


def _unconvertible(name, want, v) -> str:
    return f"'{name}' expected type '{want}', got unconvertible type '{_go_type(v)}', value: '{_go_value(v)}'"


def _go_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _value(name, want, v, errors):
    if want == STRING:
        if isinstance(v, str):
            return v
    elif want == BOOL:
        if isinstance(v, bool):
            return v
    elif want in (INT64, DURATION):
        if isinstance(v, int | float) and not isinstance(v, bool):
            return int(v)
    elif want == STRINGS:
        if not isinstance(v, list):
            errors.append(f"'{name}': source data must be an array or slice, got {_kind(v)}")
            return None
        return [_value(f"{name}[{i}]", STRING, x, errors) for i, x in enumerate(v)]
    elif want in (ANY_MAP, STRING_MAP):
        if isinstance(v, dict):
            if want == STRING_MAP:
                return {str(k): _value(f"{name}[{k}]", STRING, x, errors) for k, x in v.items()}
            return dict(v)
        errors.append(f"'{name}' expected a map, got '{_kind(v)}'")
        return None
    else:
        return want(name, v, errors)  # a custom decoder (snmptrap's data list)
    errors.append(_unconvertible(name, want, v))
    return None


def _kind(v) -> str:
    """Go's reflect.Kind name of a decoded JSON value."""
    return {"[]interface {}": "slice", "map[string]interface {}": "map"}.get(_go_type(v), _go_type(v))


def decode(options: dict | None, go_type: str, fields: dict) -> dict:
    """``options`` decoded into ``go_type`` (``"*smtp.HandlerConfig"``) whose fields are
    ``{key: kind}`` (``key`` the mapstructure name); returns the options under those keys."""
    by_lower = {k.lower(): k for k in fields}
    out, errors, unused = {}, [], []
    for key, value in (options or {}).items():
        field = by_lower.get(str(key).lower())
        if field is None:
            unused.append(str(key))
            continue
        if value is None:
            continue
        decoded = _value(field, fields[field], value, errors)
        if decoded is not None:
            out[field] = decoded
    if unused:
        errors.append("'' has invalid keys: " + ", ".join(sorted(unused)))
    if errors:
        points = "\n".join("* " + e for e in errors)
        raise HandlerError(f"failed to decode options into {go_type}: {len(errors)} error(s) decoding:\n\n{points}")
    return out
