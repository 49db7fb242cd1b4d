"""``/kapacitor/v1/config``: Kapacitor's config override API (``services/config/service.go``).

``get(engine, path)`` and ``update(engine, path, body)`` take the request path (after the
``/kapacitor/v1preview`` rewrite) and return ``(status, body)``; a failure is ``ConfigApiError``
with Kapacitor's status and text.  Shapes are ``client/v1``'s ``ConfigSections`` /
``ConfigSection`` / ``ConfigElement``: ``{"link", "sections": {name: {"link", "elements":
[{"link", "options", "redacted"}]}}}``, options with every redacted option replaced by whether it
is set, written as Go's ``json.Encoder`` does (compact, a final newline).  Only the registered,
overridable sections are listed (machstore has no ``[influxdb]``, ``[kubernetes]``...).

An update is done in one write transaction: the stored overrides with this one changed are all
applied to the file's config (``effective.apply_overrides``); if that succeeds the override is
saved and ``ctr/config`` bumped, so every process sees it on its next ``view``.
"""
from __future__ import annotations

import json
import re

from machstore.kapacitor import services, store
from machstore.kapacitor.definitions import field
from machstore.kapacitor.gojson import GoMap, decoder_error, dumps
from machstore.tick.gocompat import go_quote

from . import records
from .effective import OverrideError, apply_overrides, base_sections, element_id
from .values import is_zero

BASE = "/kapacitor/v1/config"
_VALID_NAME = re.compile(r"^[-A-Za-z0-9_+]+$")


class ConfigApiError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def encode(value) -> bytes:
    """Go's ``json.NewEncoder(w).Encode(v)``: compact JSON and a newline."""
    return dumps(value, pretty=False) + b"\n"


def _link(href: str) -> dict:
    return {"rel": "self", "href": href}


def split_path(path: str) -> tuple[str, str, bool, bool]:
    """Kapacitor's ``sectionAndElementFromPath``: ``(section, element, has_section, has_element)``."""
    prefix = BASE + "/"
    if not path.startswith(prefix):
        return "", "", False, False
    section, _, element = path[len(prefix):].partition("/")
    return section, element, True, element != "" or (section != "" and path.endswith("/"))


# -- GET ------------------------------------------------------------------------------------------
def _current(engine) -> dict:
    """The overridable sections, overrides applied; 500 with Kapacitor's text if they do not apply."""
    dbi = store.db(engine)
    with engine.env.begin() as txn:
        file_sections, overrides = records.file_sections(txn, dbi), records.overrides(txn, dbi)
    try:
        sections = apply_overrides(base_sections(file_sections), overrides)
    except OverrideError as ex:
        raise ConfigApiError(500, f"failed to resolve current config:failed to apply configuration overrides: "
                                  f"{ex}") from None
    return {name: elements for name, elements in sections.items()
            if (sec := services.section_of(name)) is not None and sec.overridable}


def element_json(section: str, element: dict) -> dict:
    sec = services.section_of(section)
    name = element_id(sec, element)
    href = f"{BASE}/{section}/{name}" if name else f"{BASE}/{section}/"
    options, redacted = GoMap(), []
    for key, value in element.items():
        if key in sec.redacted:
            options[key] = not is_zero(value)
            redacted.append(key)
        else:
            options[key] = GoMap(value) if isinstance(value, dict) else value
    return {"link": _link(href), "options": options, "redacted": redacted or None}


def section_json(section: str, elements: list) -> dict:
    return {"link": _link(f"{BASE}/{section}"), "elements": [element_json(section, e) for e in elements] or None}


def get(engine, path: str) -> bytes:
    """The body of ``GET /kapacitor/v1/config[/<section>[/<element>]]``; ConfigApiError."""
    section, element, has_section, has_element = split_path(path)
    current = _current(engine)
    if has_section and section == "":
        raise ConfigApiError(400, "section not specified, do you have an extra trailing '/'?")
    if not has_section:
        return encode({"link": _link(BASE),
                       "sections": GoMap({n: section_json(n, e) for n, e in current.items()})})
    if section not in current:
        raise ConfigApiError(404, f"unknown section: {section}")
    elements = current[section]
    if not has_element:
        return encode(section_json(section, elements))
    sec = services.section_of(section)
    for e in elements:
        if (element == "" and not sec.is_list) or (sec.is_list and e.get(sec.element_key) == element):
            return encode(element_json(section, e))
    raise ConfigApiError(404, f"unknown section/element: {section}/{element}")


# -- POST -----------------------------------------------------------------------------------------
_GO_JSON_KIND = {bool: "bool", str: "string", int: "number", float: "number", list: "array", dict: "object"}
_GO_TYPE = {bool: "bool", str: "string", int: "float64", float: "float64", list: "[]interface {}",
            dict: "map[string]interface {}", type(None): "<nil>"}


def decode_action(raw: bytes) -> dict:
    """The ``updateAction`` of a body: ``{"set", "delete", "add", "remove"}``; ConfigApiError."""
    problem = decoder_error(raw)
    if problem is None:
        text = raw.decode("utf-8", errors="replace")
        value, _ = json.JSONDecoder().raw_decode(text, len(text) - len(text.lstrip(" \t\r\n")))
        if value is None:
            value = {}
        if not isinstance(value, dict):
            problem = (f"json: cannot unmarshal {_GO_JSON_KIND[type(value)]} into Go value of type "
                       f"config.updateAction")
    if problem is not None:
        raise ConfigApiError(400, f"failed to decode JSON:{problem}")
    action, problem = {}, None
    for name, kind in (("set", dict), ("delete", list), ("add", dict), ("remove", list)):
        got = field(value, name)
        if got is None:
            action[name] = kind()
            continue
        gotype = "map[string]interface {}" if kind is dict else "[]string"
        if not isinstance(got, kind):
            problem = problem or (f"json: cannot unmarshal {_GO_JSON_KIND[type(got)]} into Go struct field "
                                  f"updateAction.{name} of type {gotype}")
            action[name] = kind()
            continue
        if kind is list:
            bad = [x for x in got if x is not None and not isinstance(x, str)]
            if bad:
                problem = problem or (f"json: cannot unmarshal {_GO_JSON_KIND[type(bad[0])]} into Go struct "
                                      f"field updateAction.{name} of type string")
            got = ["" if x is None else x for x in got if x is None or isinstance(x, str)]
        action[name] = got
    if problem is not None:
        raise ConfigApiError(400, f"failed to decode JSON:{problem}")
    return action


def _validate(action, section, element, has_element) -> None:
    if section == "":
        raise ValueError("must provide section name")
    if not _VALID_NAME.match(section):
        raise ValueError(f"invalid section name {go_quote(section)}")
    if element != "" and not _VALID_NAME.match(element):
        raise ValueError(f"invalid element name {go_quote(element)}")
    setting = bool(action["set"]) or bool(action["delete"])
    if setting and (action["add"] or action["remove"]):
        raise ValueError("cannot provide both set/delete and add/remove actions in the same update")
    if action["add"] and element != "":
        raise ValueError("must not provide an element name when adding an a new override")
    if action["remove"] and element != "":
        raise ValueError("must not provide element when removing an override")
    if not action["remove"] and not action["add"] and not has_element:
        raise ValueError("element not specified, are you missing a trailing '/'?")


def _override_id(section: str, element: str) -> str:
    return f"{section}/{element}"


def _plan(txn, dbi, action, section, element, has_element):
    """Kapacitor's ``overridesForUpdateAction``: ``(overrides to apply, puts, deletes)``."""
    try:
        _validate(action, section, element, has_element)
    except ValueError as ex:
        raise ConfigApiError(400, f"failed to apply update: invalid update action: {ex}") from None
    overrides = records.overrides(txn, dbi)
    if action["remove"]:
        removed = {_override_id(section, r) for r in action["remove"]}
        return [o for o in overrides if o["id"] not in removed], [], sorted(removed)
    if action["add"]:
        sec = services.section_of(section)
        if sec is None or not sec.overridable:
            raise ConfigApiError(400, f"failed to apply update: unknown section {go_quote(section)}")
        if not sec.is_list:
            raise ConfigApiError(400, f"failed to apply update: section {go_quote(section)} is not a list, "
                                      f"cannot add new element")
        key = sec.element_key
        if key not in action["add"]:
            raise ConfigApiError(400, f"failed to apply update: missing key {go_quote(key)} in \"add\" map")
        value = action["add"][key]
        if not isinstance(value, str):
            raise ConfigApiError(400, f"failed to apply update: expected {go_quote(key)} key to be a string, "
                                      f"got {_GO_TYPE[type(value)]}")
        element = value
    oid = _override_id(section, element)
    existing = records.get_override(txn, dbi, oid)
    if existing is not None and action["add"]:
        # NOTE: Kapacitor wraps a nil error here and panics on the nil save function; refused instead
        raise ConfigApiError(400, f"failed to apply update: cannot add new override, override already exists "
                                  f"for {oid}")
    if action["add"]:
        ov = {"id": oid, "options": dict(action["add"]), "create": True}
    else:
        ov = dict(existing or {"id": oid, "options": {}, "create": False})
        ov["options"] = {**ov["options"], **action["set"]}
        for name in action["delete"]:
            ov["options"].pop(name, None)
    for i, o in enumerate(overrides):
        if o["id"] == oid:
            overrides[i] = ov
            break
    else:
        overrides.append(ov)
    return overrides, [ov], []


def update(engine, path: str, raw: bytes) -> None:
    """``POST /kapacitor/v1/config/<section>[/<element>]``: apply and save; ConfigApiError."""
    section, element, has_section, has_element = split_path(path)
    if not has_section:
        raise ConfigApiError(400, "no section specified")
    action = decode_action(raw)
    dbi = store.db(engine)
    with engine.env.begin(write=True) as txn:
        overrides, puts, deletes = _plan(txn, dbi, action, section, element, has_element)
        try:
            apply_overrides(base_sections(records.file_sections(txn, dbi)), overrides)
        except OverrideError as ex:
            raise ConfigApiError(400, str(ex)) from None
        for ov in puts:
            store.put_json(txn, dbi, records.override_key(ov["id"]), ov)
        for oid in deletes:
            txn.delete(records.override_key(oid), db=dbi)
        records.bump(txn, dbi)
