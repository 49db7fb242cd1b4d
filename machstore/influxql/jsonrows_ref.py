"""Reference twin of the JSON row writer ``machstore._ext_jsonrows``: its bytes, in plain Python.

``render_rows(columns, fallback)`` writes the ``"values"`` of a result series, the JSON array of
its rows ``[[c0,c1,...],...]``, from the series' columns.  The kernel (``ext/jsonrows.pyx``, used
through :mod:`.jsonrows`) must write exactly these bytes; ``tests/test_jsonrows.py`` checks it
on random columns.  This module is for truth, not speed.

A column is ``(kind, values, valid)``, ``valid`` a bool array (False: null) or None:

* ``INT`` / ``UINT`` (int64 / uint64 array): decimal integers;
* ``FLOAT`` (float64 array): Go's ``encoding/json`` text of a float64, what InfluxDB writes:
  the shortest digits that read back to the same float, positional when ``1e-6 <= |x| < 1e21``
  (``100``, ``0.000125``), else an exponent (``1e+21``, ``1.5e-7``); NaN and infinities as
  null (Go refuses them; orjson, the server's encoder, writes null);
* ``BOOL`` (bool array): ``true`` / ``false``;
* ``OBJECT`` (object array): a ``str`` as a JSON string, None as null, anything else as
  ``fallback(value)`` (bytes) writes it;
* ``TEXT``: ``(TEXT, texts, index)``: ``texts[index[i]]`` verbatim (JSON already: the RFC3339
  times of a series, each distinct one encoded once).

Strings are escaped as the server's JSON is everywhere: ``"`` and ``\\``, control characters
(``\\b \\t \\n \\f \\r`` short, the others ``\\u00XX``), and ``<``, ``>``, ``&`` as ``\\u003c``,
``\\u003e``, ``\\u0026`` (Go's HTML-safe encoding); everything else is UTF-8 as it is.
"""
import math

__all__ = ["BOOL", "FLOAT", "INT", "OBJECT", "TEXT", "UINT", "go_float", "json_string", "render_rows",
           "render_selected"]

INT, UINT, FLOAT, BOOL, OBJECT, TEXT = 0, 1, 2, 3, 4, 5

_SHORT = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r",
          "<": "\\u003c", ">": "\\u003e", "&": "\\u0026"}


def json_string(text):
    """``text`` as a JSON string (bytes), escaped as described above."""
    out = []
    for ch in text:
        esc = _SHORT.get(ch)
        if esc is not None:
            out.append(esc)
        elif ch < " ":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return ('"' + "".join(out) + '"').encode("utf-8")


def go_float(x):
    """Go's ``encoding/json`` text of a float64 (bytes); NaN and infinities give ``null``."""
    if math.isnan(x) or math.isinf(x):
        return b"null"
    r = repr(x)                      # the shortest digits that read back to x
    sign = ""
    if r[0] == "-":
        sign, r = "-", r[1:]
    mant, _, exp = r.partition("e")
    whole, _, frac = mant.partition(".")
    digits = whole + frac
    point = len(whole) + (int(exp) if exp else 0)   # x = 0.<digits> * 10**point
    stripped = digits.lstrip("0")
    point -= len(digits) - len(stripped)
    digits = stripped.rstrip("0")
    if not digits:
        return (sign + "0").encode()
    if abs(x) < 1e-6 or abs(x) >= 1e21:
        e = point - 1
        text = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        text += ("e-" if e < 0 else "e+") + (f"{abs(e):02d}" if e >= 0 else str(abs(e)))
        return (sign + text).encode()
    if point <= 0:
        text = "0." + "0" * -point + digits
    elif point >= len(digits):
        text = digits + "0" * (point - len(digits))
    else:
        text = digits[:point] + "." + digits[point:]
    return (sign + text).encode()


def _cell(kind, values, valid, i, fallback):
    if kind == TEXT:
        return values[valid[i]]
    if valid is not None and not valid[i]:
        return b"null"
    v = values[i]
    if kind in (INT, UINT):
        return str(int(v)).encode()
    if kind == FLOAT:
        return go_float(float(v))
    if kind == BOOL:
        return b"true" if v else b"false"
    if v is None:
        return b"null"
    if type(v) is str:
        return json_string(v)
    return fallback(v)


def render_rows(columns, fallback):
    """The JSON array of the rows of ``columns`` (see the module docstring); all have one length."""
    if not columns:
        raise ValueError("a row needs at least one column")
    n = len(columns[0][2]) if columns[0][0] == TEXT else len(columns[0][1])
    for kind, values, valid in columns:
        length = len(valid) if kind == TEXT else len(values)
        if length != n or (kind != TEXT and valid is not None and len(valid) != n):
            raise ValueError(f"columns of {n} and {length} rows")
        if kind not in (INT, UINT, FLOAT, BOOL, OBJECT, TEXT):
            raise ValueError(f"unknown column kind {kind}")
        if kind == TEXT:
            if not isinstance(values, list) or not all(type(x) is bytes for x in values):
                raise ValueError("a TEXT column's texts must be a list of bytes")
            if any(not 0 <= k < len(values) for k in valid):
                raise ValueError("a TEXT column's index is out of its texts")
    rows = [b"[" + b",".join(_cell(kind, values, valid, i, fallback) for kind, values, valid in columns) + b"]"
            for i in range(n)]
    return b"[" + b",".join(rows) + b"]"


def render_selected(columns, fallback, first=None, rows=None):
    """The JSON array of rows: ``first`` (a column with one entry per written row, or None), then
    ``columns`` at the positions ``rows`` (None: every row in order)."""
    if rows is not None:
        n = len(columns[0][2]) if columns and columns[0][0] == TEXT else (len(columns[0][1]) if columns else 0)
        if any(not 0 <= r < n for r in rows):
            raise ValueError("a row position is out of the columns")
        picked = []
        for kind, values, valid in columns:
            if kind == TEXT:
                picked.append((kind, values, [valid[r] for r in rows]))
            else:
                picked.append((kind, [values[r] for r in rows], None if valid is None else [valid[r] for r in rows]))
        columns = picked
    return render_rows(([first] if first is not None else []) + list(columns), fallback)
