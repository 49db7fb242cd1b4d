"""The effective config: section defaults < config file < overrides, as Kapacitor resolves it.

``base_sections(file_sections)`` lays the config file over the registered sections' defaults
(a list section not in the file has one element of defaults, as Kapacitor's ``NewConfig`` gives
``[[slack]]``, ``[[httppost]]``...); ``apply_overrides`` then applies the stored overrides in id
order as Kapacitor's ``override.OverrideConfig`` does, with its error texts:

* ``set``/``delete`` on an element: its options replaced (converted by ``values.from_override``),
  the element key never; on a list section the element ``""`` is every element (Kapacitor's
  walker matches each one when no element name is given);
* ``add`` (``create``): a new element of defaults with the given options;
* options naming nothing give ``unknown options [..] in section s``; an override of a section
  that is not overridable gives that too, or ``unknown section s`` when it has no options;
* the touched element is validated (``Section.validate``); duplicate element keys are refused.

Sections are ``{name: [element dict, ...]}``, list sections sorted by element key.
"""
from __future__ import annotations

from machstore.kapacitor import services
from machstore.tick.gocompat import go_quote

from .values import OptionError, from_override, normalised_default


class OverrideError(ValueError):
    """An override that cannot be applied; the text is Kapacitor's."""


def defaults_of(section) -> dict:
    """The section's defaults as the view shows them; TypeError naming a default of no config type."""
    out = {}
    for key, value in section.defaults.items():
        try:
            out[key] = normalised_default(value)
        except TypeError as ex:
            raise TypeError(f"section [{section.name}] option {key!r}: {ex}") from None
    return out


def base_sections(file_sections: dict) -> dict:
    """Every registered section's elements from the defaults and the (checked) file sections."""
    out = {}
    for name, sec in services.sections().items():
        given = file_sections.get(name)
        defaults = defaults_of(sec)
        if given is None:   # Kapacitor's server.NewConfig: list sections start with Section.initial
            out[name] = [{**defaults, **e} for e in sec.initial] if sec.initial else [dict(defaults)]
        else:
            elements = given if isinstance(given, list) else [given]
            out[name] = [{**defaults, **e} for e in elements] if sec.is_list else [{**defaults, **elements[0]}]
        _sort(sec, out[name])
    return out


def _sort(sec, elements: list) -> None:
    if sec.is_list:
        elements.sort(key=lambda e: str(e.get(sec.element_key, "")))


def element_id(sec, element: dict) -> str:
    """The element's name in links and override ids: its key's value, ``""`` for a plain section."""
    return str(element.get(sec.element_key, "")) if sec.is_list else ""


def apply_overrides(sections: dict, overrides: list) -> dict:
    """``sections`` with ``overrides`` (``{"id", "options", "create"}``, in id order) applied."""
    out = {name: [dict(e) for e in elements] for name, elements in sections.items()}
    for ov in overrides:
        section, _, element = ov["id"].partition("/")
        if ov.get("create"):
            element = ""
        try:
            _apply(out, section, element, dict(ov.get("options") or {}), bool(ov.get("create")))
        except (OverrideError, OptionError) as ex:
            raise OverrideError(f"failed to override configuration {section}/{element}: {ex}") from None
    for name, elements in out.items():
        sec = services.section_of(name)
        if sec is not None and sec.is_list:
            seen = set()
            for e in elements:
                key = element_id(sec, e)
                if key in seen:
                    raise OverrideError(f"failed to read sections from configuration object: section "
                                        f"{go_quote(name)} has duplicate elements: {go_quote(key)}")
                seen.add(key)
            _sort(sec, elements)
            try:
                services.validate_elements(name, elements)
            except ValueError as ex:
                raise OverrideError(f"failed to override configuration {name}: {ex}") from None
    return out


def _apply(out: dict, section: str, element: str, options: dict, create: bool) -> None:
    sec = services.section_of(section)
    if sec is None or not sec.overridable or section not in out:
        if options:
            raise OverrideError(f"unknown options {_go_list(options)} in section {section}")
        raise OverrideError(f"unknown section {section}")
    elements = out[section]
    defaults = defaults_of(sec)
    if create:
        new = dict(defaults)
        elements.append(new)
        targets = [new]
    elif sec.is_list:
        targets = elements if element == "" else [e for e in elements if element_id(sec, e) == element]
    else:
        targets = elements if element == "" else []
    used = set()
    for target in targets:
        for name, default in defaults.items():
            if name not in options:
                continue
            if not create and name == sec.element_key:
                raise OverrideError(f"cannot override element key {name}")
            try:
                target[name] = from_override(default, options[name])
            except OptionError as ex:
                raise OverrideError(f"cannot set option {name}: {ex}") from None
            used.add(name)
    unused = [k for k in options if k not in used]
    if unused:
        raise OverrideError(f"unknown options {_go_list(unused)} in section {section}")
    if sec.validate is not None:
        for target in targets or elements:
            try:
                sec.validate(dict(target))
            except ValueError as ex:
                raise OverrideError(f"failed validation: {ex}") from None


def _go_list(names) -> str:
    """Go's ``%v`` of a ``[]string`` (Kapacitor's order is a map's; sorted here)."""
    return "[" + " ".join(sorted(names)) + "]"
