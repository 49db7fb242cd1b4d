"""The data Kapacitor's alert node hands its templates, as Python values with Go's shapes.

Kapacitor (``alert.go``) renders ``.id()`` with an ``idInfo`` struct, ``.message()`` with a
``messageInfo`` (which embeds ``idInfo``) and ``.details()`` with a ``detailsInfo`` (which
embeds ``messageInfo``).  The dataclasses below keep that embedding, so ``{{ .Name }}`` works
on all three and ``{{ . }}`` prints the nested braces Go prints.  Tags are a
:class:`~.values.StringMap` (``map[string]string``), fields a plain dict
(``map[string]interface{}``), the time a :class:`~.values.Time` and the duration a
:class:`~.values.Duration`.  :func:`go_json` is Go's ``encoding/json`` encoding of such values
(Kapacitor's ``json`` helper).
"""
import dataclasses
import math
import re

from . import values as gv
from .gofmt import sorted_items

__all__ = [
    "DEFAULT_ID",
    "DEFAULT_MESSAGE",
    "FUNCS",
    "DetailsInfo",
    "IdInfo",
    "MessageInfo",
    "ServerInfo",
    "go_json",
    "group_text",
]

DEFAULT_ID = "{{ .Name }}:{{ .Group }}"
DEFAULT_MESSAGE = "{{ .ID }} is {{ .Level }}"

_EMBED = {"embedded": True}


@dataclasses.dataclass
class ServerInfo:
    go_type = "kapacitor.serverInfo"
    Hostname: str = ""
    ClusterID: str = ""
    ServerID: str = ""


@dataclasses.dataclass
class IdInfo:
    """What ``.id()`` sees: measurement, task, group (``nil`` when ungrouped), tags, server."""

    go_type = "kapacitor.idInfo"
    Name: str = ""
    TaskName: str = ""
    Group: str = "nil"
    Tags: gv.StringMap = dataclasses.field(default_factory=gv.StringMap)
    ServerInfo: ServerInfo = dataclasses.field(default_factory=ServerInfo)


@dataclasses.dataclass
class MessageInfo:
    """What ``.message()`` sees: the id info plus ID, Fields, Level, Time and Duration."""

    go_type = "kapacitor.messageInfo"
    idInfo: IdInfo = dataclasses.field(default_factory=IdInfo, metadata=_EMBED)
    ID: str = ""
    Fields: dict = dataclasses.field(default_factory=dict)
    Level: str = "OK"
    Time: gv.Time = dataclasses.field(default_factory=lambda: gv.Time(0))
    Duration: gv.Duration = dataclasses.field(default_factory=lambda: gv.Duration(0))


@dataclasses.dataclass
class DetailsInfo:
    """What ``.details()`` sees: the message info plus the rendered Message."""

    go_type = "kapacitor.detailsInfo"
    messageInfo: MessageInfo = dataclasses.field(default_factory=MessageInfo, metadata=_EMBED)
    Message: str = ""


def group_text(group):
    """Kapacitor's ``.Group``: ``k=v,k=v`` of the group-by tags, or the literal ``nil``."""
    return group if group else "nil"


# -- encoding/json -------------------------------------------------------------------------
_JSON_ESC = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "<": "\\u003c", ">": "\\u003e",
             "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029", "\b": "\\b", "\f": "\\f"}


_JSON_PLAIN = re.compile('[^"\\\\<>&\u2028\u2029\x00-\x1f]*')


def _json_str(s):
    if _JSON_PLAIN.fullmatch(s):  # PERF: most strings need no escaping
        return '"' + s + '"'
    out = ['"']
    for c in s:
        e = _JSON_ESC.get(c)
        if e is not None:
            out.append(e)
        elif c < " ":
            out.append(f"\\u{ord(c):04x}")
        else:
            out.append(c)
    out.append('"')
    return "".join(out)


def _json_float(f):
    if math.isnan(f) or math.isinf(f):
        raise ValueError(f"json: unsupported value: {f}")
    a = abs(f)
    if a != 0 and (a < 1e-6 or a >= 1e21):
        s = repr(f)
        if "e" not in s:
            s = f"{f:e}"
        mant, exp = s.split("e")
        mant = mant.removesuffix(".0")
        sign = "-" if exp.startswith("-") else "+"
        return f"{mant}e{sign}{int(exp.lstrip('+-'))}"
    s = repr(f)
    if "e" in s:
        s = format(f, "f")
    return s.removesuffix(".0")


def _struct_json_fields(v, out):
    for name, val, embedded in gv.struct_fields(v):
        if embedded:
            _struct_json_fields(val, out)
        elif gv.is_exported(name) and name not in out:
            out[name] = val
    return out


def _json(v):
    if v is None:
        return "null"
    t = type(v)
    if t is bool:
        return "true" if v else "false"
    if t is str:
        return _json_str(v)
    if t is int or t is gv.Duration:
        return str(int(v))
    if t is float:
        return _json_float(v)
    k = gv.kind(v)
    if k == gv.TIME:
        return _json_str(gv.time_rfc3339nano(v))
    if k == gv.SLICE:
        return "[" + ",".join(_json(e) for e in v) + "]"
    if k == gv.MAP:
        return "{" + ",".join(_json_str(str(key)) + ":" + _json(val) for key, val in sorted_items(v)) + "}"
    if k in (gv.INT, gv.BOOL, gv.FLOAT, gv.STRING):
        return _json({gv.INT: int, gv.BOOL: bool, gv.FLOAT: float, gv.STRING: str}[k](v))
    if k in (gv.FUNC, gv.COMPLEX):
        raise ValueError(f"json: unsupported type: {gv.go_type_name(v)}")
    return "{" + ",".join(_json_str(n) + ":" + _json(val) for n, val in _struct_json_fields(v, {}).items()) + "}"


def go_json(v):
    """Go's ``json.NewEncoder(w).Encode(v)`` text (HTML-safe escaping, trailing newline)."""
    return _json(v) + "\n"


# Kapacitor registers these for its details template.
FUNCS = {"json": go_json}
