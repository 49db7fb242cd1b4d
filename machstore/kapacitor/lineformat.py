"""A ``Points`` chunk written as line protocol, as Kapacitor's InfluxDB client sends it.

``influxDBOut`` stores its points through the engine's ordinary write path
(``Engine.write_lines_in``), so they are parsed, dropped and type-checked exactly like a
``/write`` body.  This module only renders the text: the measurement and tags of each
series once, each field column once per type, then one line per point.  Times are
divided by the precision (Go's integer division truncates toward zero), as the client's
``Point.PrecisionString`` does.  Tags with an empty value are left out (``models.MakeKey``).
"""
from __future__ import annotations

import math

import numpy as np

from machstore import lineproto

# ``time.ParseDuration("1" + precision)`` units of Kapacitor's client -> the /write parameter
PRECISIONS = {"": "ns", "ns": "ns", "us": "us", "µs": "us", "μs": "us", "ms": "ms", "s": "s", "m": "m", "h": "h"}


class UnwritablePoint(ValueError):
    """A point the client refuses to send (a non-finite float)."""


def _esc(text: str, specials: str) -> str:
    out = text.replace("\\", "\\\\") if "\\" in text else text
    for ch in specials:
        if ch in out:
            out = out.replace(ch, "\\" + ch)
    return out


def series_prefix(name: str, tags: dict) -> str:
    """``measurement,tag=value,...`` with line protocol's escapes, tags sorted by key."""
    parts = [_esc(name, ", ")]
    for k in sorted(tags):
        v = tags[k]
        if v == "":
            continue
        parts.append(f"{_esc(k, ',= ')}={_esc(v, ',= ')}")
    return ",".join(parts)


def _value_text(v) -> str:
    if isinstance(v, (bool, np.bool_)):
        return "true" if v else "false"
    if isinstance(v, (int, np.integer)):
        return f"{int(v)}i"
    if isinstance(v, (float, np.floating)):
        f = float(v)
        if not math.isfinite(f):
            raise UnwritablePoint(f"{f!r} is an unsupported value for a field")
        return repr(f)
    s = v.decode("utf-8", "replace") if isinstance(v, (bytes, bytearray)) else str(v)
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _column_texts(values: np.ndarray, present: np.ndarray) -> list:
    """Each row's ``value`` text (None where absent); typed columns in one pass each."""
    out = [None] * len(values)
    rows = np.flatnonzero(present).tolist()
    if values.dtype == np.float64:
        sub = values[present]
        if not np.isfinite(sub).all():
            bad = sub[~np.isfinite(sub)][0]
            raise UnwritablePoint(f"{float(bad)!r} is an unsupported value for a field")
        texts = [repr(x) for x in sub.tolist()]
    elif values.dtype == np.int64:
        texts = [f"{x}i" for x in values[present].tolist()]
    elif values.dtype == np.bool_:
        texts = ["true" if x else "false" for x in values[present].tolist()]
    else:
        texts = [_value_text(x) for x in values[present].tolist()]
    for i, t in zip(rows, texts):
        out[i] = t
    return out


def to_lines(pts, precision: str = "") -> bytes:
    """The chunk as a line protocol body for ``write_lines(..., precision=PRECISIONS[p])``."""
    unit = lineproto.precision_multiplier(PRECISIONS[precision])
    prefixes = [series_prefix(s.name, s.tags) for s in pts.series]
    names = sorted(pts.fields)
    columns = [(_esc(k, ",= "), _column_texts(pts.fields[k].values, pts.fields[k].present)) for k in names]
    t = pts.time
    if unit != 1:
        t = np.where(t >= 0, t // unit, -((-t) // unit))
    lines = []
    for i, (sid, ts) in enumerate(zip(pts.sid.tolist(), t.tolist())):
        fields = ",".join(f"{k}={col[i]}" for k, col in columns if col[i] is not None)
        lines.append(f"{prefixes[sid]} {fields} {ts}")
    return "\n".join(lines).encode("utf-8")
