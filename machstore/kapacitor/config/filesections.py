"""The Kapacitor sections of machstore's config file (``[smtp]``, ``[[slack]]``, ``[deadman]``...).

``machstore serve --config FILE`` reads them (``machstore/config.py`` hands every table or array
of tables named like a registered section to ``check``); the checked sections travel to the
engine process, which writes them into the store (``records.install_file_sections``) where every
process reads them.  Checks, as Kapacitor's config loading would refuse the file: an unknown
option, a value of the wrong type, ``[[x]]`` for a plain section, duplicate element keys, and the
section's own ``validate``.
"""
from __future__ import annotations

from machstore.kapacitor import services
from machstore.tick.gocompat import go_quote

from .effective import defaults_of
from .values import OptionError, from_file


class FileSectionError(ValueError):
    """A Kapacitor section of the config file that Kapacitor would refuse."""


def is_section(name: str) -> bool:
    """Whether a config file table ``[name]`` is a Kapacitor section (a registered one)."""
    return services.section_of(name) is not None


def check(raw: dict) -> dict:
    """``{name: [options given, ...]}``: every element's given options, converted; FileSectionError."""
    out = {}
    for name, given in raw.items():
        sec = services.section_of(name)
        if sec is None:
            raise FileSectionError(f"[{name}] is not a Kapacitor section machstore knows")
        if isinstance(given, dict):
            elements = [given]
        elif isinstance(given, list) and all(isinstance(e, dict) for e in given):
            if not sec.is_list and len(given) != 1:
                raise FileSectionError(f"[{name}] is not a list section: write one [{name}] table, not [[{name}]]")
            elements = given
        else:
            raise FileSectionError(f"{name}: expected a [{name}] table, got {given!r}")
        out[name] = [_element(sec, e) for e in elements]
        if sec.is_list:
            seen = set()
            for e in out[name]:
                key = str(e.get(sec.element_key, ""))
                if key in seen:
                    raise FileSectionError(f"section {go_quote(name)} has duplicate elements: {go_quote(key)}")
                seen.add(key)
            try:
                services.validate_elements(name, [{**defaults_of(sec), **e} for e in out[name]])
            except ValueError as ex:
                raise FileSectionError(f"invalid [{name}] section: {ex}") from None
    return out


def _element(sec, given: dict) -> dict:
    defaults = defaults_of(sec)
    options = {}
    for key, value in given.items():
        if key not in defaults:
            raise FileSectionError(f"unknown option {key!r} in [{sec.name}] (known: {', '.join(defaults)})")
        try:
            options[key] = from_file(defaults[key], value, f"[{sec.name}] {key}")
        except OptionError as ex:
            raise FileSectionError(str(ex)) from None
    if sec.validate is not None:
        try:
            sec.validate({**defaults, **options})
        except ValueError as ex:
            raise FileSectionError(f"invalid [{sec.name}] section: {ex}") from None
    return options
