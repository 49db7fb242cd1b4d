"""Pieces the chat services share: Kapacitor's config checks and service-test options.

* ``check_url(url)``: ``Config.Validate``'s ``invalid url "x": parse "x": ...``;
* ``validate_workspaces(elements, service)``: the ``Configs.Validate`` of a list section keyed
  by ``workspace`` (slack, discord): names, one default, ``global``/``state-changes-only`` only
  on the default;
* ``parse_level(text)``: ``alert.Level``'s ``UnmarshalText`` (service-test ``level`` option);
* ``merge_test_options(defaults, given)``: a service test's options as Kapacitor decodes the
  request (``json.Unmarshal`` over ``TestOptions()``: given keys replace defaults, unknown keys
  are ignored);
* ``answer_error(service, status, body)``: the text of a non-success answer as the services
  that read ``{"error": ...}`` build it;
* ``go_struct_json(obj)``: Go's ``json.Marshal`` of a struct given as an ordered dict
  (servicenow's and zenoss's bodies).
"""
from __future__ import annotations

from machstore.gotemplate.kapacitor import go_json

from .base import DeliveryError, HandlerError
from .webhook import go_quote, go_url_error, json_error_field

LEVELS = ("OK", "INFO", "WARNING", "CRITICAL")
_LEVEL_TEXT = "".join(LEVELS)
_LEVEL_OFFSETS = (0, 2, 6, 13)


def check_url(url: str, word: str = "url") -> None:
    err = go_url_error(url)
    if err is not None:
        raise ValueError(f"invalid {word} {go_quote(url)}: {err}")


def validate_workspaces(elements: list[dict], service: str) -> None:
    """``slack.Configs.Validate`` / ``discord.Configs.Validate`` (``service``: ``"Slack"``...);
    each element's own ``Config.Validate`` is the section's ``validate``."""
    n = len(elements)
    has_default = n == 1
    for e in elements:
        if n > 1 and not e.get("workspace"):
            raise ValueError("id must not be empty")
        has_default = has_default or bool(e.get("default"))
        if e.get("global") and not e.get("default"):
            raise ValueError("only the default config may be assigned as global")
        if e.get("state-changes-only") and not (e.get("default") and e.get("global")):
            raise ValueError("stateChangesOnly may only be assigned when the config is both default and global")
    if n and not has_default:
        raise ValueError(f"at least one {service} config must be set as default")


def workspace(config, section: str, name: str, service: str) -> dict:
    """The element ``name`` of a workspace section as the service finds it (``""``: the default);
    ``DeliveryError`` with its text when there is none."""
    if not config.elements(section):
        raise DeliveryError(f"no {service} configuration found")
    element = config.element(section, name)
    if element is None:
        raise DeliveryError("workspace id not found")
    return element


def parse_level(text) -> str:
    """The level name ``alert.Level.UnmarshalText`` makes of ``text`` (a quirk kept: any prefix
    of the level names that starts at a name, such as ``""`` or ``"O"``, is ``OK``)."""
    if not isinstance(text, str):
        raise HandlerError(f"unknown alert level '{text}'")
    idx = _LEVEL_TEXT.find(text)
    if idx in _LEVEL_OFFSETS:
        return LEVELS[_LEVEL_OFFSETS.index(idx)]
    raise HandlerError(f"unknown alert level '{text}'")


def merge_test_options(defaults: dict, given: dict | None) -> dict:
    """``json.Unmarshal`` of the request's options over ``defaults``: keys match
    case-insensitively, unknown keys are ignored, ``null`` keeps the default, and a value of
    another JSON type than the default's (string, bool) is refused with Go's text."""
    out = dict(defaults)
    for k, v in (given or {}).items():
        key = k if k in out else next((d for d in out if d.lower() == k.lower()), None)
        if key is None or v is None:
            continue
        want = out[key]
        if isinstance(want, bool) and not isinstance(v, bool):
            raise HandlerError(f"json: cannot unmarshal {_json_kind(v)} into Go struct field testOptions.{key} "
                               "of type bool")
        if isinstance(want, str) and not isinstance(v, str) and key not in ("qos",):
            raise HandlerError(f"json: cannot unmarshal {_json_kind(v)} into Go struct field testOptions.{key} "
                               "of type string")
        out[key] = v
    return out


def answer_error(service: str, status: int, body: bytes) -> str:
    default = f"failed to understand {service} response. code: {status} content: {body.decode('utf-8', 'replace')}"
    return json_error_field(body, default)


def _json_kind(v) -> str:
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int | float):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "array"
    if isinstance(v, dict):
        return "object"
    return "null"


def go_unmarshal(body: bytes, struct: str, fields: dict) -> tuple[dict, str | None]:
    """``json.Unmarshal(body, &s)`` into a struct of ``fields`` (json key -> (JSON kind, Go
    type)): ``(values found, Go's error text or None)``.  Keys match case-insensitively and a
    value of the wrong kind is skipped with an error, as ``encoding/json`` does."""
    import json
    text = body.decode("utf-8", "replace")
    stripped = text.strip(" \t\r\n")
    if not stripped:
        return {}, "unexpected end of JSON input"
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as ex:
        if ex.pos >= len(text.rstrip(" \t\r\n")):
            return {}, "unexpected end of JSON input"
        ch = text[ex.pos]
        where = "after top-level value" if ex.msg.startswith("Extra data") else \
            "looking for beginning of value" if ex.pos == len(text) - len(text.lstrip(" \t\r\n")) else \
            "looking for beginning of object key string" if ex.msg.startswith("Expecting property name") else \
            "after object key" if ex.msg.startswith("Expecting ':'") else "after object key:value pair"
        return {}, f"invalid character {_go_rune(ch)} {where}"
    if not isinstance(obj, dict):
        if obj is None:
            return {}, None
        return {}, f"json: cannot unmarshal {_json_kind(obj)} into Go value of type {struct}"
    found, err = {}, None
    for key, value in obj.items():
        for name, (kind, gotype) in fields.items():
            if key.lower() != name.lower():
                continue
            if value is None:
                continue
            if _json_kind(value) != kind or (gotype == "int" and isinstance(value, float) and not value.is_integer()):
                got = f"number {value}" if kind == "number" and _json_kind(value) == "number" else _json_kind(value)
                err = err or f"json: cannot unmarshal {got} into Go struct field {struct.rpartition('.')[2]}.{name} " \
                             f"of type {gotype}"
                continue
            found[name] = value
    return found, err


def _go_rune(ch: str) -> str:
    """Go's ``quoteChar`` in json syntax errors: ``'x'``, ``'\\''``, ``'"'``."""
    if ch == "'":
        return "'\\''"
    if ch == '"':
        return "'\"'"
    return "'" + ch + "'"


def go_struct_json(obj: dict) -> bytes:
    """Go's ``json.Marshal`` of a struct given as an ordered dict (no trailing newline)."""
    return _struct(obj).encode()


def _struct(v) -> str:
    """Dicts in their own key order (struct fields), lists element-wise, leaves by ``go_json``."""
    if isinstance(v, dict):
        return "{" + ",".join(go_json(str(k))[:-1] + ":" + _struct(x) for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ",".join(_struct(x) for x in v) + "]"
    return go_json(v)[:-1]
