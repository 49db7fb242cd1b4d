"""Reference twin of :func:`machstore.machbase.render.render_data`: one cell at a time.

Every value goes through plain Python formatting (``"%.*f"``, ``str(int)``, ``orjson.dumps``
of one string, :mod:`datetimes_ref` for datetimes) and rows are joined in a Python loop.
The tests compare its bytes with the vectorised renderer on random results; production
code never imports this module.
"""
import base64
import math

import orjson

from .datetimes import DEFAULT_FORMAT, resolve_timezone
from .datetimes_ref import format_ref
from .types import ipv4_text, ipv6_text, lookup


def cell_ref(mtype, value, *, scale, date_format, tz):
    """Return one value's JSON text (bytes) as the REST API prints it."""
    if value is None:
        return b"null"
    name = mtype.name
    if mtype.is_integer:
        return str(int(value)).encode()
    if mtype.is_float:
        v = float(value)
        if not math.isfinite(v):
            return b"null"
        if scale is None:
            return orjson.dumps(v)
        return ("%.*f" % (scale, v)).encode()
    if name == "datetime":
        return orjson.dumps(format_ref(int(value), date_format or DEFAULT_FORMAT, tz))
    if name == "ipv4":
        return orjson.dumps(ipv4_text(value))
    if name == "ipv6":
        return orjson.dumps(ipv6_text(value))
    if mtype.is_binary:
        return b'"' + base64.b64encode(bytes(value)) + b'"'
    text = value if isinstance(value, str) else str(value)
    return orjson.dumps(text.replace("\0", ""))


def render_data_ref(columns, *, fetch_mode=0, scale=3, date_format=None, tz=None):
    """Return the ``data`` array text for ``(name, type, values[, nulls])`` columns."""
    tz = resolve_timezone(tz)
    cols = []
    for c in columns:
        name, mtype, values = c[0], lookup(c[1]), list(c[2])
        nulls = list(c[3]) if len(c) > 3 and c[3] is not None else [False] * len(values)
        cols.append((name, mtype, values, nulls))
    n = len(cols[0][2]) if cols else 0
    rows = []
    for i in range(n):
        cells = []
        for name, mtype, values, nulls in cols:
            value = None if nulls[i] else values[i]
            cells.append((name, cell_ref(mtype, value, scale=scale, date_format=date_format,
                                         tz=tz)))
        if fetch_mode == 1:
            rows.append(b"[" + b",".join(v for _, v in cells) + b"]")
        else:
            rows.append(b"{" + b",".join(orjson.dumps(str(k)) + b":" + v for k, v in cells)
                        + b"}")
    return b"[" + b",".join(rows) + b"]"
