"""Machbase REST response bodies: the JSON envelopes and the ``data`` array of a SELECT.

Envelopes (key order as the Machbase server writes them)::

    DDL / DML         {"error_code":0,"error_message":"No Error","data":[]}
    SELECT            {"error_code":0,"error_message":"","columns":[...],"data":[...]}
    append            {"error_code":0,"error_message":"No Error","data":[],
                       "append_success":3,"append_failure":0}
    error             {"error_code":3118,"error_message":"There is No Authorization Header.",
                       "data":[]}
    /machiot          the same, with "timezone":"+0900" after "columns" (SELECT) or after
                      "error_message"; PUT/PATCH/DELETE add "effect_rows":"1" (a string).

Values in ``data`` (the spec's ``s``, ``m`` and ``f`` options):

* float / double: exactly ``scale`` decimals (``s`` = 0..9, anything else 3), as C
  ``printf("%.*f")`` prints them (``0.000``, ``12345.00000``); ``scale=None`` prints the
  shortest text that reads back to the same double (``8001.0``), used by /machiot
  when no ``s``/``Scale`` is given.  NaN and infinities print ``null`` (valid JSON).
* integer types and ipv4-as-number never get decimals; datetimes are strings in format
  ``f`` (default ``YYYY-MM-DD HH24:MI:SS mmm:uuu:nnn``) and the request's timezone;
  blob/binary are Base64 strings; ipv4/ipv6 their text; varchar/text/clob/json strings.
* NULL is ``null``.  ``m=0`` writes rows as objects keyed by column name, ``m=1`` as arrays.

PERF: the ``data`` array is built column by column without Python objects per cell for
numbers and datetimes: every column becomes a byte matrix (one row per result row, cells
left-padded with NUL bytes), the matrices and the constant pieces (keys, commas, braces)
are laid side by side, and one boolean compaction drops the NULs.  Floats are converted
with integer arithmetic on ``round(|v| * 10**s)``; the few values whose product lies
within an ulp of a rounding tie, or beyond 2**53, go through Python's exact ``%.*f``.
Work proceeds in chunks so memory stays bounded.  :mod:`machstore.machbase.render_ref` is
the per-value reference twin the tests compare against.
"""
import base64
from dataclasses import dataclass
from typing import Any

import numpy as np
import orjson

from .datetimes import DEFAULT_FORMAT, compile_format, format_datetime_bytes, resolve_timezone
from .errors import NO_ERROR_MESSAGE, MachbaseError, as_machbase_error
from .types import ipv4_text, ipv6_text, lookup

__all__ = [
    "ResultColumn", "parse_scale", "parse_fetch_mode", "render_select", "render_ok",
    "render_append", "render_error", "render_effect", "render_data", "DEFAULT_SCALE",
    "SELECT_MESSAGE",
]

DEFAULT_SCALE = 3
#: error_message of a successful SELECT (the spec's examples mostly print "", see docs).
SELECT_MESSAGE = ""

_CHUNK_ROWS = 65536
_CHUNK_BYTES = 48 * 1024 * 1024
_NULL = b"null"
_P10 = [10**k for k in range(21)]
_D4 = None


@dataclass
class ResultColumn:
    """One result column: name, Machbase type, values and an optional NULL mask.

    ``values`` is a numpy array or a sequence, holding what machstore stores for the type
    (see :mod:`machstore.machbase.types`); ``None`` items are NULL as well as rows where
    ``nulls`` is true.
    """

    name: str
    mtype: Any
    values: Any
    nulls: Any = None


def parse_scale(value, default=DEFAULT_SCALE):
    """Return the ``s``/``Scale`` option as an int 0..9; anything else gives 3.

    ``None`` (option absent) gives ``default`` (pass ``default=None`` for /machiot's
    shortest-float printing).
    """
    if value is None:
        return default
    try:
        text = str(value).strip()
        if not text.lstrip("+-").isdigit():
            return DEFAULT_SCALE
        n = int(text)
    except ValueError:
        return DEFAULT_SCALE
    return n if 0 <= n <= 9 else DEFAULT_SCALE


def parse_fetch_mode(value):
    """Return the ``m``/``FetchMode`` option: 1 (rows as arrays) for ``1``, else 0."""
    return 1 if value is not None and str(value).strip() == "1" else 0


# ---------------------------------------------------------------------------------------
# Envelopes


def _envelope(pairs):
    return orjson.dumps(dict(pairs))


def _tz_label(tz):
    return resolve_timezone(tz).label()


def render_ok(*, machiot=False, tz=None, message=NO_ERROR_MESSAGE):
    """Return the body of a successful DDL/DML (non-SELECT) statement."""
    pairs = [("error_code", 0), ("error_message", message)]
    if machiot:
        pairs.append(("timezone", _tz_label(tz)))
    pairs.append(("data", []))
    return _envelope(pairs)


def render_effect(effect_rows, *, machiot=True, tz=None, message=NO_ERROR_MESSAGE):
    """Return a /machiot PUT/PATCH/DELETE body; ``effect_rows`` is written as a string."""
    pairs = [("error_code", 0), ("error_message", message)]
    if machiot:
        pairs.append(("timezone", _tz_label(tz)))
    pairs += [("effect_rows", str(int(effect_rows))), ("data", [])]
    return _envelope(pairs)


def render_append(success, failure, *, machiot=False, tz=None, message=NO_ERROR_MESSAGE):
    """Return the body of a JSON append: ``append_success`` / ``append_failure`` counts."""
    pairs = [("error_code", 0), ("error_message", message)]
    if machiot:
        pairs.append(("timezone", _tz_label(tz)))
    pairs += [("data", []), ("append_success", int(success)), ("append_failure", int(failure))]
    return _envelope(pairs)


def render_error(ex, *, machiot=False, tz=None):
    """Return the body for an error: a :class:`MachbaseError` (or any exception, translated
    by :func:`~machstore.machbase.errors.as_machbase_error`)."""
    if not isinstance(ex, MachbaseError):
        ex = as_machbase_error(ex)
    pairs = [("error_code", ex.code), ("error_message", ex.message)]
    if machiot:
        pairs.append(("timezone", _tz_label(tz)))
    pairs.append(("data", []))
    return _envelope(pairs)


def render_select(columns, *, fetch_mode=0, scale=DEFAULT_SCALE, date_format=None, tz=None,
                  machiot=False, message=SELECT_MESSAGE):
    """Return the body of a SELECT result.

    ``columns`` is a sequence of :class:`ResultColumn` (or ``(name, type, values[, nulls])``
    tuples).  ``fetch_mode`` is ``m`` (0 objects, 1 arrays), ``scale`` is ``s`` already
    passed through :func:`parse_scale` (``None``: shortest floats), ``date_format`` is
    ``f``, ``tz`` the request's timezone.  ``machiot`` reports display widths as column
    lengths and adds ``"timezone"``.
    """
    cols = [_as_column(c) for c in columns]
    pairs = [("error_code", 0), ("error_message", message),
             ("columns", [c.mtype.column(c.name, machiot=machiot) for c in cols])]
    if machiot:
        pairs.append(("timezone", _tz_label(tz)))
    head = _envelope(pairs)[:-1] + b',"data":'
    parts = _data_parts(cols, fetch_mode=fetch_mode, scale=scale, date_format=date_format,
                        tz=tz)
    # PERF: one join of head, chunks and tail; no intermediate copies of a large body.
    return b"".join([head, *parts, b"}"])


def _as_column(c):
    if isinstance(c, ResultColumn):
        col = c
    else:
        col = ResultColumn(*c)
    if not hasattr(col.mtype, "code"):
        col = ResultColumn(col.name, lookup(col.mtype), col.values, col.nulls)
    return col


# ---------------------------------------------------------------------------------------
# The data array


def render_data(columns, *, fetch_mode=0, scale=DEFAULT_SCALE, date_format=None, tz=None):
    """Return the JSON text (bytes) of the ``data`` array alone."""
    cols = [_as_column(c) for c in columns]
    return b"".join(_data_parts(cols, fetch_mode=fetch_mode, scale=scale,
                                date_format=date_format, tz=tz))


def _data_parts(cols, *, fetch_mode, scale, date_format, tz):
    """Return the ``data`` array as a list of byte strings to be joined."""
    if not cols:
        return [b"[]"]
    n = _row_count(cols)
    if n == 0:
        return [b"[]"]
    tz = resolve_timezone(tz)
    renderers = [_renderer(c, n, scale, date_format, tz) for c in cols]
    if fetch_mode == 1:
        seps = [b"["] + [b","] * (len(cols) - 1)
        close = b"],"
    else:
        seps = []
        for i, c in enumerate(cols):
            key = orjson.dumps(str(c.name)) + b":"
            seps.append((b"{" if i == 0 else b",") + key)
        close = b"},"
    parts = [b"["]
    start = 0
    while start < n:
        stop = min(n, start + _CHUNK_ROWS)
        parts.append(_render_chunk(renderers, seps, close, start, stop))
        start = stop
    parts[-1] = parts[-1][:-1]          # the last row's trailing comma
    parts.append(b"]")
    return parts


def _row_count(cols):
    counts = {len(c.values) for c in cols}
    if len(counts) != 1:
        raise ValueError(f"result columns have different lengths: {sorted(counts)}")
    return counts.pop()


def _render_chunk(renderers, seps, close, start, stop):
    rows = stop - start
    cells = [r.cells(start, stop) for r in renderers]
    width = sum(len(s) for s in seps) + len(close)
    width += sum(c.shape[1] if isinstance(c, np.ndarray) else 0 for c in cells)
    has_lists = any(not isinstance(c, np.ndarray) for c in cells)
    if has_lists or rows * width > _CHUNK_BYTES:
        return _join_rows(cells, seps, close, rows)
    mat = np.empty((rows, width), dtype=np.uint8)
    pos = 0
    for sep, cell in zip(seps, cells):
        k = len(sep)
        mat[:, pos:pos + k] = np.frombuffer(sep, dtype=np.uint8)
        pos += k
        w = cell.shape[1]
        mat[:, pos:pos + w] = cell
        pos += w
    mat[:, pos:] = np.frombuffer(close, dtype=np.uint8)
    flat = mat.reshape(-1)
    return flat[flat != 0].tobytes()


def _cell_list(cell):
    if isinstance(cell, np.ndarray):
        return [row.tobytes().replace(b"\0", b"") for row in cell]
    return cell


def _join_rows(cells, seps, close, rows):
    """Assemble rows one at a time (chunks with very wide cells, or list cells)."""
    lists = [_cell_list(c) for c in cells]
    out = []
    append = out.append
    for i in range(rows):
        for sep, lst in zip(seps, lists):
            append(sep)
            append(lst[i])
        append(close)
    return b"".join(out)


# Column renderers: ``cells(start, stop)`` returns a uint8 matrix (rows x width, NUL padded)
# or a list of bytes.


def _renderer(col, n, scale, date_format, tz):
    mtype = col.mtype
    name = mtype.name
    if mtype.is_integer:
        return _IntCells(col.values, col.nulls, n, unsigned=name.startswith("u"))
    if mtype.is_float:
        return _FloatCells(col.values, col.nulls, n, scale)
    if name == "datetime":
        return _DatetimeCells(col.values, col.nulls, n, date_format, tz)
    if name == "ipv4":
        return _ObjectCells(col.values, col.nulls, lambda v: b'"%s"' % ipv4_text(v).encode())
    if name == "ipv6":
        return _ObjectCells(col.values, col.nulls, lambda v: b'"%s"' % ipv6_text(v).encode())
    if mtype.is_binary:
        return _ObjectCells(col.values, col.nulls,
                            lambda v: b'"' + base64.b64encode(bytes(v)) + b'"')
    return _StringCells(col.values, col.nulls)


def _mask_and_array(values, nulls, n, dtype):
    """Return (numpy array of ``dtype``, NULL mask or None), filling NULL slots with 0."""
    mask = None
    if isinstance(values, np.ndarray) and values.dtype != object:
        arr = values.reshape(-1)
        if arr.dtype.kind == "M":
            arr = arr.astype("datetime64[ns]").view(np.int64)
        elif arr.dtype != dtype:
            arr = arr.astype(dtype)
    else:
        items = list(values)
        none = [i for i, v in enumerate(items) if v is None]
        if none:
            mask = np.zeros(n, dtype=bool)
            mask[none] = True
            for i in none:
                items[i] = 0
        arr = np.array(items, dtype=dtype) if items else np.zeros(0, dtype=dtype)
    if nulls is not None:
        nm = np.asarray(nulls, dtype=bool).reshape(-1)
        mask = nm if mask is None else (mask | nm)
    if mask is not None and not mask.any():
        mask = None
    return arr, mask


def _apply_nulls(mat, mask, start, stop):
    if mask is None:
        return mat
    m = mask[start:stop]
    if not m.any():
        return mat
    if mat.shape[1] < 4:
        wider = np.zeros((mat.shape[0], 4), dtype=np.uint8)
        wider[:, 4 - mat.shape[1]:] = mat
        mat = wider
    else:
        mat = mat.copy() if not mat.flags.writeable else mat
    mat[m] = 0
    mat[m, -4:] = np.frombuffer(_NULL, dtype=np.uint8)
    return mat


def _digits4():
    global _D4
    if _D4 is None:
        v = np.arange(10000, dtype=np.int64)
        p = np.array([1000, 100, 10, 1], dtype=np.int64)
        _D4 = ((v[:, None] // p) % 10 + 48).astype(np.uint8)
    return _D4


def _magnitude_matrix(mag, ndig_max):
    """Return (rows x ndig_max) ASCII digits of uint64 ``mag``, leading zeros as NUL."""
    rows = mag.shape[0]
    groups = (ndig_max + 3) // 4
    full = np.empty((rows, groups * 4), dtype=np.uint8)
    d4 = _digits4()
    q = mag
    for g in range(groups - 1, -1, -1):
        q, r = np.divmod(q, np.uint64(10000))
        full[:, g * 4:g * 4 + 4] = d4[r.astype(np.intp)]
    out = full[:, groups * 4 - ndig_max:]
    # Number of digits of each value (0 has one).
    p10 = np.array(_P10[1:20], dtype=np.uint64)
    ndig = np.searchsorted(p10, mag, side="right") + 1
    lead = np.arange(ndig_max)[None, :] < (ndig_max - ndig)[:, None]
    out[lead] = 0
    return out


def _ndigits(x):
    return len(str(int(x))) if x else 1


class _IntCells:
    def __init__(self, values, nulls, n, unsigned):
        dtype = np.dtype(np.uint64 if unsigned else np.int64)
        try:
            self.arr, self.mask = _mask_and_array(values, nulls, n, dtype)
        except OverflowError:
            # A signed column holding values beyond int64 (or the reverse): use Python ints.
            self.arr, self.mask = _mask_and_array(values, nulls, n, np.dtype(object))
        self.obj = self.arr.dtype == object

    def cells(self, start, stop):
        a = self.arr[start:stop]
        if self.obj:
            m = self.mask[start:stop] if self.mask is not None else None
            return [_NULL if (m is not None and m[i]) else str(int(v)).encode()
                    for i, v in enumerate(a)]
        if a.dtype == np.uint64:
            neg = None
            mag = a
        else:
            neg = a < 0
            mag = a.astype(np.uint64)
            if neg.any():
                mag = np.where(neg, (~a).astype(np.uint64) + np.uint64(1), mag)
            else:
                neg = None
        ndig = _ndigits(mag.max()) if mag.size else 1
        digits = _magnitude_matrix(mag, ndig)
        if neg is not None:
            mat = np.empty((a.shape[0], ndig + 1), dtype=np.uint8)
            mat[:, 0] = np.where(neg, ord("-"), 0)
            mat[:, 1:] = digits
        else:
            mat = digits
        return _apply_nulls(mat, self.mask, start, stop)


class _FloatCells:
    def __init__(self, values, nulls, n, scale):
        self.arr, self.mask = _mask_and_array(values, nulls, n, np.dtype(np.float64))
        self.scale = scale

    def cells(self, start, stop):
        a = self.arr[start:stop]
        if self.scale is None:
            return self._shortest(a, start, stop)
        with np.errstate(over="ignore", invalid="ignore"):
            return self._fixed(a, start, stop)

    def _fixed(self, a, start, stop):
        s = self.scale
        finite = np.isfinite(a)
        mag_f = np.abs(a) * float(_P10[s])
        mag_f[~finite] = 0.0
        # Exactness: the product is within half an ulp of the true value, so rint is right
        # unless a rounding tie is within an ulp, or the integer is beyond 2**53.
        big = mag_f >= 2.0**53
        if big.any():
            mag_f[big] = 0.0
        frac = mag_f - np.floor(mag_f)
        risky = ((np.abs(frac - 0.5) <= 2 * np.spacing(mag_f)) & finite) | big
        qi = np.rint(mag_f).astype(np.uint64)
        nq = max(_ndigits(qi.max()) if qi.size else 1, s + 1)
        neg = np.signbit(a) & finite
        digits = _magnitude_matrix(qi, nq)
        if s:
            # The fraction and the units digit keep their zeros ("0.005", "12.000").
            tail = digits[:, nq - s - 1:]
            tail[tail == 0] = ord("0")
        width = 1 + nq + (1 if s else 0)
        mat = np.empty((a.shape[0], width), dtype=np.uint8)
        mat[:, 0] = np.where(neg, ord("-"), 0)
        if s:
            ip_w = nq - s
            mat[:, 1:1 + ip_w] = digits[:, :ip_w]
            mat[:, 1 + ip_w] = ord(".")
            mat[:, 2 + ip_w:] = digits[:, ip_w:]
        else:
            mat[:, 1:] = digits
        nulls = self.mask[start:stop] if self.mask is not None else None
        bad = ~finite
        if nulls is not None:
            bad = bad | nulls
        if risky.any():
            idx = np.flatnonzero(risky)
            mat = _overwrite_rows(mat, idx, [b"%.*f" % (s, v) for v in a[idx].tolist()])
        if bad.any():
            mat = _apply_nulls(mat, bad, 0, a.shape[0])
        return mat

    def _shortest(self, a, start, stop):
        text = orjson.dumps(a, option=orjson.OPT_SERIALIZE_NUMPY)
        items = text[1:-1].split(b",")
        m = self.mask[start:stop] if self.mask is not None else None
        if m is not None:
            for i in np.nonzero(m)[0]:
                items[i] = _NULL
        return _list_to_matrix(items)


def _json_strings(texts):
    """Return the JSON string literals (with quotes) of a list of ``str``.

    PERF: one ``orjson.dumps`` of the whole list with ``OPT_INDENT_2``, split at newlines:
    a raw newline cannot occur inside an encoded string (it is written ``\\n``), so each
    line is one item (two spaces of indent, the literal, a comma but for the last).
    Calling ``orjson.dumps`` per value is ~100x slower when the results are kept (each
    call starts from a 1 KB buffer that is then shrunk).
    """
    if not texts:
        return []
    lines = orjson.dumps(texts, option=orjson.OPT_INDENT_2).split(b"\n")[1:-1]
    return [line[2:-1] if line[-1] == 44 else line[2:] for line in lines]


def _overwrite_rows(mat, rows, texts):
    """Return ``mat`` with ``rows`` replaced by ``texts`` (NUL padded), widened if needed."""
    fixed = np.array(texts, dtype=bytes)
    w = fixed.dtype.itemsize
    if w > mat.shape[1]:
        grown = np.zeros((mat.shape[0], w), dtype=np.uint8)
        grown[:, :mat.shape[1]] = mat
        mat = grown
    mat[rows] = 0
    mat[rows, :w] = fixed.view(np.uint8).reshape(len(texts), w)
    return mat


def _list_to_matrix(items):
    """Return a NUL-padded matrix for a list of bytes (or the list when it is too wide)."""
    if not items:
        return np.zeros((0, 1), dtype=np.uint8)
    arr = np.array(items, dtype=bytes)
    w = arr.dtype.itemsize
    if w * len(items) > _CHUNK_BYTES:
        return items
    return arr.view(np.uint8).reshape(len(items), w)


class _DatetimeCells:
    def __init__(self, values, nulls, n, date_format, tz):
        self.arr, self.mask = _mask_and_array(values, nulls, n, np.dtype(np.int64))
        fmt = date_format or DEFAULT_FORMAT
        self.tz = tz
        # A format whose literals need JSON escaping is rendered per value.
        self.escape = any(ch in fmt for ch in '"\\') or any(ord(ch) < 0x20 for ch in fmt)
        self.dfmt = compile_format(fmt if self.escape else '"' + fmt + '"')

    def cells(self, start, stop):
        a = self.arr[start:stop]
        raw = format_datetime_bytes(a, self.dfmt, tz=self.tz)
        if self.escape:
            items = _json_strings([b.decode("utf-8") for b in raw.tolist()])
            if self.mask is not None:
                for i in np.flatnonzero(self.mask[start:stop]).tolist():
                    items[i] = _NULL
            return items
        mat = raw.view(np.uint8).reshape(a.shape[0], self.dfmt.width)
        return _apply_nulls(mat, self.mask, start, stop)


class _ObjectCells:
    """Cells rendered one value at a time (strings, binary, addresses)."""

    def __init__(self, values, nulls, encode):
        self.values = values
        self.nulls = None if nulls is None else np.asarray(nulls, dtype=bool).reshape(-1)
        self.encode = encode

    def cells(self, start, stop):
        vals = self.values[start:stop]
        if isinstance(vals, np.ndarray):
            vals = vals.tolist()
        enc = self.encode
        items = [_NULL if v is None else enc(v) for v in vals]
        if self.nulls is not None:
            m = self.nulls[start:stop]
            for i in np.nonzero(m)[0]:
                items[i] = _NULL
        return _list_to_matrix(items)


_ESCAPE = np.zeros(256, dtype=bool)
_ESCAPE[:32] = True
_ESCAPE[0] = False                      # NUL separates the joined strings
_ESCAPE[ord('"')] = _ESCAPE[ord("\\")] = True


class _StringCells:
    """Cells of varchar/text/clob/json columns as JSON strings.

    PERF: the chunk's strings are joined with NUL separators and encoded once; a gather
    lays each row's bytes into a NUL-padded matrix between two quotes.  Rows holding a
    quote, a backslash or a control character are re-encoded by :func:`_json_strings`.
    NOTE: NUL characters cannot be stored in a Machbase string (C strings) and are dropped.
    """

    def __init__(self, values, nulls):
        self.values = values
        self.nulls = None if nulls is None else np.asarray(nulls, dtype=bool).reshape(-1)

    def cells(self, start, stop):
        vals = self.values[start:stop]
        if isinstance(vals, np.ndarray):
            vals = vals.tolist()
        rows = len(vals)
        texts = vals
        null_rows = []
        try:
            joined = "\0".join(texts)
        except TypeError:
            null_rows = [i for i, v in enumerate(vals) if v is None]
            texts = ["" if v is None else v if isinstance(v, str) else str(v) for v in vals]
            joined = "\0".join(texts)
        if self.nulls is not None:
            marked = np.nonzero(self.nulls[start:stop])[0].tolist()
            if marked:
                null_rows = sorted(set(null_rows) | set(marked))
        joined = joined.encode("utf-8")
        flat = np.frombuffer(joined, dtype=np.uint8)
        seps = np.flatnonzero(flat == 0)
        if len(seps) != rows - 1:
            # NUL characters inside values: drop them (see NOTE) and start again.
            texts = [t.replace("\0", "") for t in texts]
            joined = "\0".join(texts).encode("utf-8")
            flat = np.frombuffer(joined, dtype=np.uint8)
            seps = np.flatnonzero(flat == 0)
        starts = np.empty(rows, dtype=np.int64)
        starts[0] = 0
        starts[1:] = seps + 1
        ends = np.empty(rows, dtype=np.int64)
        ends[:-1] = seps
        ends[-1] = len(flat)
        lens = ends - starts
        w = int(lens.max()) if rows else 0
        if rows * (w + 2) > _CHUNK_BYTES:
            items = _json_strings(texts)
            for i in null_rows:
                items[i] = _NULL
            return items
        padded = np.zeros(len(flat) + w + 1, dtype=np.uint8)
        padded[:len(flat)] = flat
        padded[flat.shape[0]:] = 0
        padded[seps] = 0
        mat = np.zeros((rows, max(w + 2, 4)), dtype=np.uint8)
        mat[:, 0] = ord('"')
        if w:
            idx = starts[:, None] + np.arange(w)[None, :]
            body = padded[idx]
            body[np.arange(w)[None, :] >= lens[:, None]] = 0
            mat[:, 1:1 + w] = body
        mat[:, w + 1] = ord('"')
        bad = np.flatnonzero(_ESCAPE[flat])
        if bad.size:
            fix = np.unique(np.searchsorted(starts, bad, side="right") - 1)
            mat = _overwrite_rows(mat, fix, _json_strings([texts[i] for i in fix.tolist()]))
        if null_rows:
            mat[null_rows] = 0
            mat[null_rows, :4] = np.frombuffer(_NULL, dtype=np.uint8)
        return mat
