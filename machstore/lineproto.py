"""InfluxDB 1.x line protocol: the typed face of the compiled parser kernel.

``parse`` turns a whole ``/write`` request body into a :class:`ParsedBatch` of flat
numpy arrays (points, values) plus interned series keys, field keys and strings.
The work is done by ``machstore._ext_lineproto`` (``ext/lineproto.pyx``, design
note ``ext/lineproto.md``); ``machstore.lineproto_ref`` is its pure-Python twin,
used only as the test oracle. The accepted syntax, the error texts and the known
differences from InfluxDB 1.x and from the line-protocol corpus are in
``docs/lineprotocol.md``.

Canonical series key: the measurement with ``,`` and space escaped by ``\\``,
then for each tag, sorted by its unescaped key bytes, ``,key=value`` with ``,``
``=`` and space escaped in keys and values.
"""
import math
import time
from typing import NamedTuple

import numpy as np

from . import _ext_lineproto as _kernel
from .errors import InvalidArgument

FLOAT, INTEGER, UNSIGNED, STRING, BOOLEAN = 0, 1, 2, 3, 4   # value type codes
TYPE_NAMES = {FLOAT: "float", INTEGER: "integer", UNSIGNED: "unsigned", STRING: "string", BOOLEAN: "boolean"}

MAX_KEY_LENGTH = 65535
MIN_NANO_TIME = -(1 << 63) + 2
MAX_NANO_TIME = (1 << 63) - 2

_PRECISIONS = {
    "": 1, "n": 1, "ns": 1,
    "u": 1_000, "us": 1_000,
    "ms": 1_000_000,
    "s": 1_000_000_000,
    "m": 60_000_000_000,
    "h": 3_600_000_000_000,
}


def precision_multiplier(precision: str) -> int:
    """Return the nanoseconds in one unit of a 1.x ``precision`` (``n``, ``u``, ``ms``, ``s``, ``m``, ``h``)."""
    try:
        return _PRECISIONS[precision]
    except (KeyError, TypeError):
        raise InvalidArgument(f'invalid precision "{precision}" (use n, u, ms, s, m or h)',
                              precision=precision) from None


def default_time(now_ns: int, multiplier: int) -> int:
    """Return ``now_ns`` truncated (floored) to the precision, the time of points written without one."""
    return now_ns - now_ns % multiplier


class LineError(NamedTuple):
    """One rejected line: its 1-based line number in the body, its text and the 1.x reason."""

    lineno: int
    line: bytes
    reason: str


class ParsedBatch:
    """The parsed points of one request body, as flat arrays; see the module docstring."""

    __slots__ = ("n_lines", "series_keys", "point_series", "point_time", "field_keys",
                 "value_point", "value_field", "value_type", "value_bits", "strings", "errors")

    def __init__(self, *, n_lines, series_keys, point_series, point_time, field_keys,
                 value_point, value_field, value_type, value_bits, strings, errors):
        self.n_lines = n_lines
        self.series_keys = series_keys
        self.point_series = point_series
        self.point_time = point_time
        self.field_keys = field_keys
        self.value_point = value_point
        self.value_field = value_field
        self.value_type = value_type
        self.value_bits = value_bits
        self.strings = strings
        self.errors = errors

    @property
    def n_points(self) -> int:
        return int(self.point_series.shape[0])

    @property
    def n_values(self) -> int:
        return int(self.value_point.shape[0])

    def error_messages(self) -> list:
        """Return the 1.x texts ``unable to parse '<line>': <reason>``, one per rejected line."""
        return [f"unable to parse '{e.line.decode('utf-8', 'replace')}': {e.reason}" for e in self.errors]

    def __repr__(self):
        return (f"<ParsedBatch lines={self.n_lines} points={self.n_points} values={self.n_values} "
                f"series={len(self.series_keys)} fields={len(self.field_keys)} errors={len(self.errors)}>")


# -- error reasons ------------------------------------------------------------------------
# The kernel reports a code plus a detail (a byte range of the line, or a number); the
# text is built here, on the cold path. The reference twin builds the same texts.

E_MISSING_MEASUREMENT = 1
E_MISSING_FIELDS = 2
E_MISSING_TAG_KEY = 3
E_MISSING_TAG_VALUE = 4
E_INVALID_TAG_FORMAT = 5
E_DUPLICATE_TAGS = 6
E_MAX_KEY_LENGTH = 7           # detail: the size
E_MISSING_FIELD_KEY = 8
E_MISSING_FIELD_VALUE = 9
E_INVALID_NUMBER = 10
E_INVALID_BOOLEAN = 11
E_INVALID_FLOAT = 12
E_INT_RANGE = 13               # detail: the digits
E_UINT_RANGE = 14              # detail: the digits
E_UNBALANCED_QUOTES = 15
E_INVALID_FIELD_FORMAT = 16
E_INVALID_FIELD_KEY = 17       # detail: the field section from the bad key on
E_BAD_TIMESTAMP = 18
E_TIMESTAMP_SYNTAX = 19        # detail: the timestamp text
E_TIMESTAMP_RANGE = 20         # detail: the timestamp text
E_TIME_OUTSIDE_RANGE = 21
E_POINT_INVALID = 22

_FIXED_REASONS = {
    E_MISSING_MEASUREMENT: "missing measurement",
    E_MISSING_FIELDS: "missing fields",
    E_MISSING_TAG_KEY: "missing tag key",
    E_MISSING_TAG_VALUE: "missing tag value",
    E_INVALID_TAG_FORMAT: "invalid tag format",
    E_DUPLICATE_TAGS: "duplicate tags",
    E_MISSING_FIELD_KEY: "missing field key",
    E_MISSING_FIELD_VALUE: "missing field value",
    E_INVALID_NUMBER: "invalid number",
    E_INVALID_BOOLEAN: "invalid boolean",
    E_INVALID_FLOAT: "invalid float",
    E_UNBALANCED_QUOTES: "unbalanced quotes",
    E_INVALID_FIELD_FORMAT: "invalid field format",
    E_BAD_TIMESTAMP: "bad timestamp",
    E_TIME_OUTSIDE_RANGE: f"time outside range {MIN_NANO_TIME} - {MAX_NANO_TIME}",
    E_POINT_INVALID: "point is invalid",
}


def reason_text(code: int, detail: bytes = b"", number: int = 0) -> str:
    """Return the InfluxDB 1.x reason text of an error code (see ``docs/lineprotocol.md``)."""
    fixed = _FIXED_REASONS.get(code)
    if fixed is not None:
        return fixed
    text = detail.decode("utf-8", "replace")
    if code == E_MAX_KEY_LENGTH:
        return f"max key length exceeded: {number} > {MAX_KEY_LENGTH}"
    if code == E_INT_RANGE:
        return f'unable to parse integer {text}: strconv.ParseInt: parsing "{text}": value out of range'
    if code == E_UINT_RANGE:
        return f'unable to parse unsigned {text}: strconv.ParseUint: parsing "{text}": value out of range'
    if code == E_INVALID_FIELD_KEY:
        return f"invalid value: field-key={text}"
    if code == E_TIMESTAMP_SYNTAX:
        return f'strconv.ParseInt: parsing "{text}": invalid syntax'
    if code == E_TIMESTAMP_RANGE:
        return f'strconv.ParseInt: parsing "{text}": value out of range'
    raise ValueError(f"unknown line protocol error code {code}")


# -- parse --------------------------------------------------------------------------------

def _as_buffer(data):
    if isinstance(data, (bytes, bytearray)):
        return data
    if isinstance(data, memoryview):
        if data.format == "B" and data.ndim == 1 and data.c_contiguous:
            return data
        return data.cast("B") if data.c_contiguous else data.tobytes()
    raise TypeError(f"line protocol must be bytes, bytearray or memoryview, not {type(data).__name__}")


def parse(data, *, precision: str = "ns", now_ns: int = None) -> ParsedBatch:
    """Parse a line-protocol body; bad lines go to ``.errors`` (1.x texts), never raise.

    Raises InvalidArgument only for a bad ``precision``. Points without a timestamp get
    ``now_ns`` (default ``time.time_ns()``) truncated to the precision.
    """
    mult = precision_multiplier(precision)
    if now_ns is None:
        now_ns = time.time_ns()
    buf = _as_buffer(data)
    out = _kernel.parse_body(buf, multiplier=mult, default_time=default_time(int(now_ns), mult))
    (n_lines, series_keys, point_series, point_time, field_keys,
     value_point, value_field, value_type, value_bits, strings, raw_errors) = out
    errors = []
    if raw_errors:
        view = buf
        for lineno, off, length, code, d_off, d_len, number in raw_errors:
            errors.append(LineError(lineno, bytes(view[off:off + length]),
                                    reason_text(code, bytes(view[d_off:d_off + d_len]), number)))
    return ParsedBatch(n_lines=n_lines, series_keys=series_keys, point_series=point_series,
                       point_time=point_time, field_keys=field_keys, value_point=value_point,
                       value_field=value_field, value_type=value_type, value_bits=value_bits,
                       strings=strings, errors=errors)


# -- series keys --------------------------------------------------------------------------

_BS = 0x5C


def unescape(token: bytes, specials: bytes) -> bytes:
    """Drop the backslash of each ``\\c`` with ``c`` in ``specials``; any other backslash is literal."""
    if b"\\" not in token:
        return token
    out = bytearray()
    i, n = 0, len(token)
    while i < n:
        c = token[i]
        if c == _BS and i + 1 < n and token[i + 1] in specials:
            out.append(token[i + 1])
            i += 2
        else:
            out.append(c)
            i += 1
    return bytes(out)


def escape(token: bytes, specials: bytes) -> bytes:
    if not any(c in token for c in specials):
        return token
    out = bytearray()
    for c in token:
        if c in specials:
            out.append(_BS)
        out.append(c)
    return bytes(out)


MEAS_SPECIALS = b", "
TAG_SPECIALS = b",= "
FIELD_KEY_SPECIALS = b',"= '    # 1.x escape.Codes: what field keys are escaped and unescaped with


def _split_unescaped(key: bytes, stop: int, i: int):
    """Return the end of the token at ``i``: the first ``stop`` byte not preceded by a backslash."""
    n = len(key)
    while i < n:
        if key[i] == stop and (i == 0 or key[i - 1] != _BS):
            return i
        i += 1
    return n


def split_series_key(key: bytes):
    """Split a canonical series key into ``(measurement, [(tag key, tag value), ...])``, all unescaped."""
    key = bytes(key)
    end = _split_unescaped(key, 0x2C, 0)
    measurement = unescape(key[:end], MEAS_SPECIALS)
    tags = []
    i = end + 1
    n = len(key)
    while i < n:
        eq = _split_unescaped(key, 0x3D, i)
        comma = _split_unescaped(key, 0x2C, eq + 1)
        tags.append((unescape(key[i:eq], TAG_SPECIALS), unescape(key[eq + 1:comma], TAG_SPECIALS)))
        i = comma + 1
    tags.sort(key=lambda kv: kv[0])
    return measurement, tags


def _check_token(what, token: bytes):
    if not token:
        raise InvalidArgument(f"empty {what}")
    if token.endswith(b"\\"):
        raise InvalidArgument(f"a {what} cannot end with a backslash: {token!r}")


def make_series_key(measurement: bytes, tags) -> bytes:
    """Return the canonical series key of a measurement and tags (pairs or a dict), unescaped input.

    Like 1.x ``MakeKey``, a tag with an empty value is left out (no line can carry one).
    """
    measurement = bytes(measurement)
    _check_token("measurement", measurement)
    pairs = list(tags.items()) if isinstance(tags, dict) else list(tags)
    pairs = sorted(((bytes(k), bytes(v)) for k, v in pairs if len(v)), key=lambda kv: kv[0])
    parts = [escape(measurement, MEAS_SPECIALS)]
    prev = None
    for k, v in pairs:
        _check_token("tag key", k)
        _check_token("tag value", v)
        if k == prev:
            raise InvalidArgument(f"duplicate tag key {k!r}")
        prev = k
        parts.append(b"," + escape(k, TAG_SPECIALS) + b"=" + escape(v, TAG_SPECIALS))
    return b"".join(parts)


# -- formatting ---------------------------------------------------------------------------

def _as_bytes(what, value) -> bytes:
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise InvalidArgument(f"{what} must be str or bytes, not {type(value).__name__}")


def _check_name(what, name: bytes):
    _check_token(what, name)
    if b"\n" in name:
        raise InvalidArgument(f"a {what} cannot contain a newline: {name!r}")


def _format_value(name, value) -> bytes:
    if isinstance(value, (bool, np.bool_)):
        return b"true" if value else b"false"
    if isinstance(value, tuple) and len(value) == 2 and value[0] == "u":
        value = np.uint64(value[1]) if 0 <= int(value[1]) < (1 << 64) else int(value[1])
        if not isinstance(value, np.uint64):
            raise InvalidArgument(f"unsigned field {name!r} out of range")
    if isinstance(value, np.unsignedinteger):
        return b"%du" % int(value)
    if isinstance(value, (int, np.integer)):
        v = int(value)
        if not -(1 << 63) <= v < (1 << 63):
            raise InvalidArgument(f"integer field {name!r} out of int64 range: {v}")
        return b"%di" % v
    if isinstance(value, (float, np.floating)):
        v = float(value)
        if not math.isfinite(v):
            raise InvalidArgument(f"float field {name!r} must be finite, got {v}")
        return repr(v).encode("ascii")
    if isinstance(value, (str, bytes, bytearray)):
        raw = value.encode("utf-8") if isinstance(value, str) else bytes(value)
        return b'"' + raw.replace(b"\\", b"\\\\").replace(b'"', b'\\"') + b'"'
    raise InvalidArgument(f"unsupported field value type for {name!r}: {type(value).__name__}")


def format_line(measurement, tags, fields, time_ns=None) -> bytes:
    """Encode one point as a line of 1.x line protocol (no trailing newline).

    ``tags``: pairs or a dict (a tag with an empty value is left out, as 1.x clients do);
    ``fields``: dict name -> value, where float, int (``i``), ``("u", n)`` or ``numpy.uint64``
    (``u``), str/bytes (quoted) and bool are accepted. Raises InvalidArgument for what 1.x
    cannot carry (see ``docs/lineprotocol.md``).
    """
    m = _as_bytes("measurement", measurement)
    _check_name("measurement", m)
    if m[0] in b"#\t\x00":
        raise InvalidArgument(f"a measurement cannot start with {chr(m[0])!r}: {m!r}")
    out = [escape(m, MEAS_SPECIALS)]
    pairs = list(tags.items()) if isinstance(tags, dict) else list(tags or ())
    for k, v in pairs:
        k, v = _as_bytes("tag key", k), _as_bytes("tag value", v)
        if not v:
            continue
        _check_name("tag key", k)
        _check_name("tag value", v)
        out.append(b"," + escape(k, TAG_SPECIALS) + b"=" + escape(v, TAG_SPECIALS))
    if not fields:
        raise InvalidArgument("a point needs at least one field")
    sep = b" "
    for j, (name, value) in enumerate(fields.items()):
        k = _as_bytes("field key", name)
        _check_name("field key", k)
        if j == 0 and k[0] in b"\t\x00":
            raise InvalidArgument(f"the first field key cannot start with {chr(k[0])!r}")
        for i in range(len(k) - 1):
            if k[i] == _BS and k[i + 1] in FIELD_KEY_SPECIALS and k[i + 1] != 0x22:
                raise InvalidArgument(f"1.x cannot carry a field key with a backslash before "
                                      f"{chr(k[i + 1])!r}: {k!r}")
        out.append(sep + escape(k, FIELD_KEY_SPECIALS) + b"=" + _format_value(k, value))
        sep = b","
    if time_ns is not None:
        out.append(b" %d" % int(time_ns))
    return b"".join(out)


