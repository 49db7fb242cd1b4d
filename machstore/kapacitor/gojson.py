"""JSON text exactly as Go's ``encoding/json`` writes it, for Kapacitor's HTTP answers.

Kapacitor answers with ``json.MarshalIndent(v, "", "    ")`` (``httpd.MarshalJSON``): four-space
indentation, ``"key": value``, ``{}``/``[]`` for empty containers, ``<``, ``>`` and ``&`` escaped as
``\\u003c``..., and floats in Go's shortest form (``2.0`` is ``2``).  Clients diff these bodies
(Chronograf, the ``kapacitor`` CLI's ``show``), so the bytes matter.  Key order is the caller's:
Go writes struct fields in declaration order and map keys sorted, so callers build dicts in
struct order and pass ``sort_keys=True`` containers through :class:`GoMap`.
"""
from __future__ import annotations

import json

from machstore.influxql.jsonrows_ref import go_float

__all__ = ["GoMap", "decoder_error", "dumps"]

_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t",
            "<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


class GoMap(dict):
    """A dict Go would hold as a ``map``: its keys are written sorted."""


def go_string(s: str) -> str:
    """Go's quoted JSON string (HTML-safe escaping)."""
    out = []
    for ch in s:
        esc = _ESCAPES.get(ch)
        if esc is not None:
            out.append(esc)
        elif ch < " ":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def dumps(value, *, pretty: bool = True) -> bytes:
    """Encode ``value`` (dict, GoMap, list, str, int, float, bool, None) as Go would."""
    out: list[str] = []
    _encode(value, out, "\n" if pretty else "", "    " if pretty else "", ": " if pretty else ":")
    return "".join(out).encode("utf-8")


def _encode(v, out, nl, step, colon):
    if v is None:
        out.append("null")
    elif v is True:
        out.append("true")
    elif v is False:
        out.append("false")
    elif isinstance(v, str):
        out.append(go_string(v))
    elif isinstance(v, int):
        out.append(str(int(v)))
    elif isinstance(v, float):
        out.append(go_float(v).decode())
    elif isinstance(v, dict):
        if not v:
            out.append("{}")
            return
        keys = sorted(v) if isinstance(v, GoMap) else list(v)
        inner = nl + step if nl else ""
        out.append("{")
        for i, k in enumerate(keys):
            if i:
                out.append(",")
            out.append(inner)
            out.append(go_string(str(k)))
            out.append(colon)
            _encode(v[k], out, inner if nl else "", step, colon)
        out.append(nl + "}" if nl else "}")
    elif isinstance(v, (list, tuple)):
        if not v:
            out.append("[]")
            return
        inner = nl + step if nl else ""
        out.append("[")
        for i, item in enumerate(v):
            if i:
                out.append(",")
            out.append(inner)
            _encode(item, out, inner if nl else "", step, colon)
        out.append(nl + "]" if nl else "]")
    else:
        raise TypeError(f"cannot encode {type(v).__name__} as JSON")


# -- decoding -------------------------------------------------------------------------------------
def decoder_error(raw: bytes) -> str | None:
    """Go's ``json.NewDecoder(body).Decode`` error text for a body whose first value is not JSON
    (``EOF``, ``unexpected EOF``, ``invalid character ...``), None when it is."""
    text = raw.decode("utf-8", errors="replace")
    start = len(text) - len(text.lstrip(" \t\r\n"))
    if start == len(text):
        return "EOF"
    try:
        json.JSONDecoder().raw_decode(text, start)
    except json.JSONDecodeError as ex:
        if ex.pos >= len(text.rstrip(" \t\r\n")) or ex.msg.startswith("Unterminated"):
            return "unexpected EOF"
        ch = text[ex.pos]
        for literal in ("null", "true", "false"):
            if ch == literal[0]:
                rest = text[ex.pos:ex.pos + len(literal)]
                for i, c in enumerate(rest):
                    if c != literal[i]:
                        return f"invalid character {_go_char(c)} in literal {literal} (expecting {_go_char(literal[i])})"
                return "unexpected EOF"
        if ex.msg.startswith("Expecting property name"):
            context = "looking for beginning of object key string"
        elif ex.msg.startswith("Expecting ':'"):
            context = "after object key"
        elif ex.msg.startswith("Expecting ','"):
            context = "after object key:value pair" if _inside_object(text, ex.pos) else "after array element"
        else:
            context = "looking for beginning of value"
        return f"invalid character {_go_char(ch)} {context}"
    return None


def _inside_object(text: str, pos: int) -> bool:
    """Whether ``pos`` is inside an object (not an array), strings skipped."""
    depth = []
    in_str = esc = False
    for ch in text[:pos]:
        if in_str:
            esc = not esc and ch == "\\"
            if ch == '"' and not esc:
                in_str = False
            continue
        if ch == '"':
            in_str = True
        elif ch in "[{":
            depth.append(ch)
        elif ch in "]}" and depth:
            depth.pop()
    return bool(depth) and depth[-1] == "{"


def _go_char(ch: str) -> str:
    """Go's ``quoteChar``: ``'x'``, with ``'\\''`` for a single quote and ``'"'`` for a double."""
    return "'\\''" if ch == "'" else f"'{ch}'"
