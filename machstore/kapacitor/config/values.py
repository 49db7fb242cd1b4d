"""Option values of a config section: their types, Go durations, coercion and redaction.

A ``Section``'s ``defaults`` fix each option's type (``services/base.py``): ``bool``, ``int``,
``float`` (Go ``float64``), ``str``, ``list`` (a Go slice, of strings unless the default holds
something else), ``dict`` (a Go map) and *durations*: a ``str`` default that is Go duration text
(``"10s"``, ``"0s"``; Go's zero duration is ``"0s"``, so every duration option has such a
default).  Durations are kept as Go's ``Duration.String()`` text (``"1h0m0s"``), which is what
Kapacitor's config API shows.

Two ways values arrive, each with its own rules:

* ``from_override``: a JSON value of ``POST /config`` ``set``/``add``, converted as Kapacitor's
  ``override.weakCopyValue`` converts it (numbers into any numeric option, numeric strings into
  numbers, element-wise copies of lists and maps) with its error texts;
* ``from_file``: a TOML value of the config file, which must already have the option's type
  (an integer is accepted for a float), as Kapacitor's TOML decoder wants it.
"""
from __future__ import annotations

import re

from machstore.kapacitor.services.base import Null
from machstore.tick.evaluate import format_duration
from machstore.tick.gocompat import go_quote

_DURATION_TEXT = re.compile(r"^[-+]?(\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))*$")
_UNIT_NS = {"ns": 1, "us": 1_000, "µs": 1_000, "μs": 1_000, "ms": 1_000_000, "s": 10**9, "m": 60 * 10**9,
            "h": 3600 * 10**9}
_PART = re.compile(r"(\d*)(?:\.(\d*))?([^\d.]*)")


class OptionError(ValueError):
    """A value that cannot become an option's value; the text is Kapacitor's."""


def option_type(default) -> str:
    """The Go kind an option has, from its default (see the module docstring)."""
    if isinstance(default, Null):
        return default.kind
    if isinstance(default, bool):
        return "bool"
    if isinstance(default, int):
        return "int"
    if isinstance(default, float):
        return "float64"
    if isinstance(default, str):
        return "duration" if _DURATION_TEXT.match(default) else "string"
    if isinstance(default, (list, tuple)):
        return "slice"
    if isinstance(default, dict):
        return "map"
    raise TypeError(f"option default {default!r} has no config type")


def parse_duration(text: str) -> int:
    """Go's ``time.ParseDuration``: nanoseconds of ``1h30m``, ``1.5s``, ``-2ms``; OptionError."""
    orig, s = text, text
    neg = False
    if s and s[0] in "+-":
        neg, s = s[0] == "-", s[1:]
    if s == "0":
        return 0
    if not s:
        raise OptionError(f"time: invalid duration {go_quote(orig)}")
    total = 0
    while s:
        m = _PART.match(s)
        whole, frac, unit = m.group(1), m.group(2), m.group(3)
        if not whole and not frac:
            raise OptionError(f"time: invalid duration {go_quote(orig)}")
        if not unit:
            raise OptionError(f"time: missing unit in duration {go_quote(orig)}")
        if unit not in _UNIT_NS:
            raise OptionError(f"time: unknown unit {go_quote(unit)} in duration {go_quote(orig)}")
        size = _UNIT_NS[unit]
        total += int(whole or "0") * size
        if frac:
            total += int(frac) * size // 10 ** len(frac)
        if total > 2**63 - 1:
            raise OptionError(f"time: invalid duration {go_quote(orig)}")
        s = s[m.end():]
    return -total if neg else total


def canonical_duration(text: str) -> str:
    """Go's ``Duration.String()`` of duration text (``"1h"`` -> ``"1h0m0s"``); OptionError."""
    return format_duration(parse_duration(text))


def _json_kind(value) -> str:
    """The Go kind of a decoded JSON value (Go decodes every number as ``float64``)."""
    if value is None:
        return "invalid"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "float64"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "slice"
    return "map"


def _element_default(default):
    """The default of a slice's elements or a map's values (strings unless the default shows otherwise)."""
    if isinstance(default, Null):
        return ""
    values = list(default.values()) if isinstance(default, dict) else list(default)
    return values[0] if values else ""


def from_override(default, value):
    """``value`` (decoded JSON) as the option whose default is ``default``, as Kapacitor's
    ``weakCopyValue`` converts it; OptionError with its text."""
    dst = option_type(default)
    src = _json_kind(value)
    if dst == "duration":
        if src == "invalid":
            raise OptionError("reflect: call of reflect.Value.Type on zero Value")
        if src != "string":
            raise OptionError(f"cannot unmarshal {src} into int64")
        if value == "":
            return default   # toml.Duration.UnmarshalText leaves the value alone on empty text
        # NOTE: Kapacitor drops UnmarshalText's error (the value silently stays); refused here
        return canonical_duration(value)
    kind = "slice" if dst == "slice" else "map" if dst == "map" else dst
    if src == kind:
        if dst == "slice":
            inner = _element_default(default)
            try:
                return [from_override(inner, v) for v in value]
            except OptionError as ex:
                raise OptionError(f"failed to copy slice value: {ex}") from None
        if dst == "map":
            inner = _element_default(default)
            try:
                return {str(k): from_override(inner, v) for k, v in value.items()}
            except OptionError as ex:
                raise OptionError(f"failed to copy map value: {ex}") from None
        return float(value) if dst == "float64" else value
    if dst in ("int", "float64"):
        if src == "float64":
            return int(value) if dst == "int" else float(value)
        if src != "string":
            raise OptionError(f"cannot convert {src} into {dst}")
        parsed = _parse_number(value, dst)
        if parsed is None:
            raise OptionError(f"cannot convert string {go_quote(value)} into {dst}")
        return parsed
    raise OptionError(f"wrong kind {src}, expected value of kind {kind}: false")


_INT_TEXT = re.compile(r"^[+-]?\d+$")
_FLOAT_TEXT = re.compile(r"^[+-]?((\d[\d_]*(\.[\d_]*)?|\.\d[\d_]*)([eE][+-]?\d+)?|inf|infinity|nan)$", re.IGNORECASE)


def _parse_number(text: str, dst: str):
    """``strconv.ParseInt(s, 10, 64)`` / ``ParseFloat(s, 64)``, None when Go refuses the text."""
    if dst == "int":
        if not _INT_TEXT.match(text):
            return None
        n = int(text)
        return n if -2**63 <= n < 2**63 else None
    if not _FLOAT_TEXT.match(text) or "_" in text:
        return None
    return float(text)


def from_file(default, value, where: str):
    """A TOML value as the option whose default is ``default``; OptionError naming ``where``."""
    dst = option_type(default)
    ok = {
        "bool": isinstance(value, bool),
        "int": isinstance(value, int) and not isinstance(value, bool),
        "float64": isinstance(value, (int, float)) and not isinstance(value, bool),
        "string": isinstance(value, str),
        "duration": isinstance(value, str),
        "slice": isinstance(value, list),
        "map": isinstance(value, dict),
    }[dst]
    if not ok:
        shown = {"duration": "a duration text such as \"10s\"", "float64": "a number", "slice": "a list",
                 "map": "a table", "string": "a string", "int": "an integer", "bool": "true or false"}[dst]
        raise OptionError(f"{where}: expected {shown}, got {value!r}")
    if dst == "duration":
        return canonical_duration(value) if value else default
    if dst == "float64":
        return float(value)
    if dst == "slice":
        inner = _element_default(default)
        return [from_file(inner, v, where) for v in value]
    if dst == "map":
        inner = _element_default(default)
        if not default or isinstance(default, Null):
            return dict(value)
        return {str(k): from_file(inner, v, where) for k, v in value.items()}
    return value


def normalised_default(default):
    """A default as the view shows it (durations in ``Duration.String()`` form, a ``Null`` as None)."""
    if isinstance(default, Null):
        return None
    if option_type(default) == "duration":
        return canonical_duration(default)
    if isinstance(default, tuple):
        return list(default)
    return default


def is_zero(value) -> bool:
    """Go's zero value test used for redacted options (``override.isZero``)."""
    if value is None or value is False or value == "" or value == "0s":
        return True
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value == 0
    if isinstance(value, (list, dict)):
        return len(value) == 0
    return False
