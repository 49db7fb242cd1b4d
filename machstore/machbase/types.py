"""Machbase column types as data: names, REST codes, lengths, ranges, NULLs, storage mapping.

Every column type is one row of :data:`TYPE_ROWS`; :func:`lookup` turns a type name as
written in DDL (``VARCHAR(20)``, ``int``, ``binary(16)``) into a :class:`MachType`, and
:func:`convert_value` turns a Python value (from SQL literals or a JSON append) into the
value machstore stores, raising the :class:`MachbaseError` Machbase would report.

Two lengths (see machbase.md 1.2): ``/machbase?q=`` responses report the *storage* length
(``MachType.length``: double 8, datetime 8, varchar = declared); ``/machiot`` responses
report the *display* width (``MachType.display_length``: double 17, datetime 31, long 20).

Stored values by machstore storage type (:mod:`machstore.storage.fieldtypes`):

========================  ==========  ==========================================
Machbase type             storage     stored Python value
========================  ==========  ==========================================
short integer long        INTEGER     int (int64)
ushort uinteger ulong     UNSIGNED    int (uint64)
float double              FLOAT       float (a float column holds the float32 value)
varchar text clob json    STRING      str (json: the document text)
blob binary(n)            BINARY      bytes (binary(n): exactly n bytes)
datetime                  INTEGER     int ns since 1970-01-01 UTC
ipv4                      UNSIGNED    int 0..2**32-1 (big-endian address value)
ipv6                      BINARY      16 bytes (network order)
========================  ==========  ==========================================

NULL is ``None``.  Machbase's NULL sentinels (short -32768, ushort 65535, float/double
positive maximum...) are accepted on input and turn into ``None``, as in Machbase where
those values *are* NULL.
"""
import base64
import binascii
import datetime as _dt
import math
import re
import socket
from dataclasses import dataclass, replace

import numpy as np
import orjson

from machstore.storage import fieldtypes

from .datetimes import MAX_NS, parse_datetime, parse_datetimes, resolve_timezone
from .errors import MachbaseError, MachbaseValueError, error

__all__ = [
    "MachType", "TYPE_ROWS", "TYPES", "lookup", "from_code", "convert_value", "convert_column",
    "parse_ipv4", "parse_ipv6", "ipv4_text", "ipv6_text", "FLT_MAX", "DBL_MAX",
    "BINARY_STORAGE", "TYPE_CODES",
]

BINARY_STORAGE = getattr(fieldtypes, "BINARY", 5)
FLT_MAX = float(np.finfo(np.float32).max)
DBL_MAX = float(np.finfo(np.float64).max)
LOB_LENGTH = 64 * 1024 * 1024                     # text / clob / blob: 67108864
VARCHAR_MAX = 32768
TAG_BINARY_MAX = 32767
JSON_MAX = 32768

# jansson's type numbers, which Machbase prints in error 3103 "not supported JSON type (%d)".
JSON_OBJECT, JSON_ARRAY, JSON_TRUE, JSON_FALSE = 0, 1, 5, 6


@dataclass(frozen=True)
class MachType:
    """One Machbase column type (with its declared length for ``varchar(n)``/``binary(n)``)."""

    name: str                      # canonical lower-case name: "short", "varchar", ...
    code: int                      # REST / M$SYS_COLUMNS type code
    storage: int                   # machstore storage type (machstore.storage.fieldtypes)
    size: int | None               # storage length when not declared by the user
    width: int | None              # /machiot display width when not declared
    min_value: int | float | None = None
    max_value: int | float | None = None
    null_value: int | float | None = None
    declared: int | None = None    # n of varchar(n) / binary(n)

    @property
    def length(self):
        """Return the storage length ``/machbase`` responses report (``"length":8``)."""
        return self.declared if self.size is None else self.size

    @property
    def display_length(self):
        """Return the display width ``/machiot`` responses report (``"length":31``)."""
        return self.length if self.width is None else self.width

    @property
    def is_integer(self):
        return self.name in _INTEGER_NAMES

    @property
    def is_float(self):
        return self.name in ("float", "double")

    @property
    def is_string(self):
        return self.name in ("varchar", "text", "clob", "json")

    @property
    def is_binary(self):
        return self.name in ("blob", "binary")

    def column(self, name, *, machiot=False):
        """Return the REST column descriptor ``{"name", "type", "length"}``."""
        return {"name": name, "type": self.code,
                "length": self.display_length if machiot else self.length}

    def sql(self):
        """Return the type as DDL spells it (``VARCHAR(20)``, ``DOUBLE``, ``BINARY(16)``)."""
        if self.name == "blob":
            return "BINARY"
        if self.declared is not None:
            return f"{self.name.upper()}({self.declared})"
        return self.name.upper()

    def __str__(self):
        return self.sql()


_INTEGER_NAMES = frozenset(("short", "ushort", "integer", "uinteger", "long", "ulong"))
_I, _U, _F, _S, _B = (fieldtypes.INTEGER, fieldtypes.UNSIGNED, fieldtypes.FLOAT,
                      fieldtypes.STRING, BINARY_STORAGE)

# (name, synonyms, code, storage, storage length, display width, min, max, NULL, declared
#  length: None = not allowed, (lo, hi) = required and its range)
TYPE_ROWS = (
    ("short", ("int16",), 4, _I, 2, 6, -32767, 32767, -32768, None),
    ("ushort", ("uint16",), 104, _U, 2, 5, 0, 65534, 65535, None),
    ("integer", ("int", "int32"), 8, _I, 4, 11, -2147483647, 2147483647, -2147483648, None),
    ("uinteger", ("uint32", "uint"), 108, _U, 4, 10, 0, 4294967294, 4294967295, None),
    ("long", ("int64", "bigint"), 12, _I, 8, 20, -(2**63 - 1), 2**63 - 1, -(2**63), None),
    ("ulong", ("uint64",), 112, _U, 8, 20, 0, 2**64 - 2, 2**64 - 1, None),
    ("float", ("float32",), 16, _F, 4, 17, -FLT_MAX, FLT_MAX, FLT_MAX, None),
    ("double", ("float64",), 20, _F, 8, 17, -DBL_MAX, DBL_MAX, DBL_MAX, None),
    ("varchar", (), 5, _S, None, None, None, None, None, (1, VARCHAR_MAX)),
    ("text", (), 49, _S, LOB_LENGTH, None, None, None, None, None),
    ("clob", (), 53, _S, LOB_LENGTH, None, None, None, None, None),
    ("blob", (), 57, _B, LOB_LENGTH, None, None, None, None, None),
    ("binary", (), 97, _B, None, None, None, None, None, (1, TAG_BINARY_MAX)),
    ("datetime", (), 6, _I, 8, 31, 0, MAX_NS, None, None),
    ("ipv4", (), 32, _U, 4, 15, 0, 2**32 - 1, None, None),
    ("ipv6", (), 36, _B, 16, 45, None, None, None, None),
    ("json", (), 61, _S, JSON_MAX, None, None, None, None, None),
)

#: canonical name -> MachType (declared-length types carry ``declared=None``)
TYPES = {}
_LENGTH_RULES = {}
_NAMES = {}
for _row in TYPE_ROWS:
    (_name, _syn, _code, _storage, _size, _width, _lo, _hi, _null, _decl) = _row
    TYPES[_name] = MachType(_name, _code, _storage, _size, _width, _lo, _hi, _null)
    _LENGTH_RULES[_name] = _decl
    for _n in (_name,) + _syn:
        _NAMES[_n] = _name
#: REST type code -> canonical name
TYPE_CODES = {t.code: t.name for t in TYPES.values()}

_TYPE_RE = re.compile(r"\s*([A-Za-z][A-Za-z0-9_]*)\s*(?:\(\s*([^)]*?)\s*\))?\s*")


def lookup(type_name):
    """Return the :class:`MachType` for a DDL type name: ``"VARCHAR(20)"``, ``"int"``...

    Names are case-insensitive; synonyms: int16 (short), uint16 (ushort), int/int32
    (integer), uint/uint32 (uinteger), int64/bigint (long), uint64 (ulong), float32
    (float), float64 (double).  ``binary`` without a length is the log-table BLOB (code
    57); ``binary(n)`` is the tag-table fixed binary (code 97, 1..32767 bytes).

    Errors: 2015 unknown type; 2019 varchar without a size; 2020 a size on a fixed-size
    type; 2077 a size out of range.
    """
    if isinstance(type_name, MachType):
        return type_name
    m = _TYPE_RE.fullmatch(type_name or "")
    if not m:
        raise error(2015, type_name)
    word, size = m.group(1).lower(), m.group(2)
    name = _NAMES.get(word)
    if name is None:
        raise error(2015, type_name)
    if name == "blob" and word == "binary" and size is not None:
        name = "binary"
    if word == "binary" and size is None:
        return TYPES["blob"]
    rule = _LENGTH_RULES[name]
    if rule is None:
        if size is not None:
            raise error(2020, name.upper())
        return TYPES[name]
    if size is None:
        raise error(2019)
    if not re.fullmatch(r"\d+", size):
        raise error(2020, name.upper())
    n = int(size)
    lo, hi = rule
    if not lo <= n <= hi:
        raise error(2077, name.upper(), name.upper(), hi)
    return replace(TYPES[name], declared=n)


def from_code(code, length=None):
    """Return the :class:`MachType` for a REST type code (``length`` for varchar / binary)."""
    name = TYPE_CODES.get(int(code))
    if name is None:
        raise error(2015, str(code))
    if _LENGTH_RULES[name] is not None:
        return lookup(f"{name}({length})" if length is not None else name)
    return TYPES[name]


# ---------------------------------------------------------------------------------------
# Addresses


_IPV4_RE = re.compile(r"(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})")


def parse_ipv4(text):
    """Return the 32-bit value of dotted IPv4 ``text`` (outer spaces ignored); error 2068."""
    m = _IPV4_RE.fullmatch(text.strip()) if isinstance(text, str) else None
    if not m:
        raise error(2068, text)
    parts = [int(p) for p in m.groups()]
    if any(p > 255 for p in parts):
        raise error(2068, text)
    return (parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]


def ipv4_text(value):
    """Return the dotted text of a 32-bit IPv4 value (``3232235521`` -> ``192.168.0.1``)."""
    v = int(value)
    return f"{v >> 24 & 255}.{v >> 16 & 255}.{v >> 8 & 255}.{v & 255}"


def parse_ipv6(text):
    """Return the 16 bytes of IPv6 ``text`` (``::ffff:1.2.3.4``, ``21DA:D3:0:...``); error 2148."""
    if isinstance(text, str):
        try:
            return socket.inet_pton(socket.AF_INET6, text.strip())
        except (OSError, ValueError):
            pass
    raise error(2148, text)


def ipv6_text(value):
    """Return the text of 16 address bytes as Machbase prints it.

    Lower-case hex without leading zeros; the longest run of zero groups (the first of
    equal runs), even a single group, becomes ``::`` (``21da:d3::2f3b:2aa:ff:fe28:9c5a``);
    ``::a.b.c.d`` and ``::ffff:a.b.c.d`` keep the IPv4 part dotted (``::127.0.0.1``);
    all zeros is ``::``.  (C ``inet_ntop`` would not compress a single zero group.)
    """
    data = bytes(value)
    if len(data) != 16:
        raise error(2148, data.hex())
    words = [int.from_bytes(data[i:i + 2], "big") for i in range(0, 16, 2)]
    best_at, best_len, i = -1, 0, 0
    while i < 8:
        if words[i] == 0:
            j = i
            while j < 8 and words[j] == 0:
                j += 1
            if j - i > best_len:
                best_at, best_len = i, j - i
            i = j
        else:
            i += 1
    if best_at == 0 and (best_len == 6 or (best_len == 5 and words[5] == 0xFFFF)):
        head = "::" if best_len == 6 else "::ffff:"
        return head + ".".join(str(b) for b in data[12:])
    if best_at < 0:
        return ":".join(f"{w:x}" for w in words)
    left = ":".join(f"{w:x}" for w in words[:best_at])
    right = ":".join(f"{w:x}" for w in words[best_at + best_len:])
    return left + "::" + right


# ---------------------------------------------------------------------------------------
# Values


def _json_kind_error(value):
    if isinstance(value, bool):
        return error(3103, JSON_TRUE if value else JSON_FALSE)
    if isinstance(value, dict):
        return error(3103, JSON_OBJECT)
    if isinstance(value, (list, tuple)):
        return error(3103, JSON_ARRAY)
    return error(2055)


_INT_TEXT = re.compile(r"[+-]?\d+")


def _to_int(mtype, value):
    if isinstance(value, (bool, dict, list, tuple)):
        raise _json_kind_error(value)
    if isinstance(value, (int, np.integer)):
        v = int(value)
    elif isinstance(value, (float, np.floating)):
        f = float(value)
        if not math.isfinite(f):
            raise error(2055)
        v = int(f)                       # C conversion: truncate toward zero
    elif isinstance(value, str):
        s = value.strip()
        if _INT_TEXT.fullmatch(s):
            v = int(s)
        else:
            try:
                f = float(s)
            except ValueError:
                raise error(2027, value) from None
            if not math.isfinite(f):
                raise error(2027, value)
            v = int(f)
    else:
        raise error(2055)
    if v == mtype.null_value:
        return None
    if not mtype.min_value <= v <= mtype.max_value:
        raise error(2055)
    return v


def _to_float(mtype, value):
    if isinstance(value, (bool, dict, list, tuple)):
        raise _json_kind_error(value)
    if isinstance(value, (int, float, np.integer, np.floating)):
        try:
            f = float(value)
        except OverflowError:
            raise error(2055) from None
    elif isinstance(value, str):
        try:
            f = float(value.strip())
        except ValueError:
            raise error(2028, value) from None
    else:
        raise error(2055)
    if mtype.name == "float" and math.isfinite(f):
        if abs(f) > FLT_MAX:
            raise error(2055)
        f = float(np.float32(f))
    if f == mtype.null_value:
        return None
    return f


def _utf8_len(text):
    return len(text) if text.isascii() else len(text.encode("utf-8"))


def _to_str(mtype, value):
    if isinstance(value, str):
        s = value
    elif isinstance(value, (bool, dict, list, tuple)):
        raise _json_kind_error(value)
    elif isinstance(value, (int, np.integer)):
        s = str(int(value))
    elif isinstance(value, (float, np.floating)):
        s = repr(float(value))
    else:
        raise error(2055)
    if _utf8_len(s) > mtype.length:
        raise error(2055)
    return s


def _to_json(mtype, value):
    if isinstance(value, str):
        try:
            orjson.loads(value)
        except orjson.JSONDecodeError:
            raise error(492) from None
        text = value
    else:
        try:
            text = orjson.dumps(value).decode("utf-8")
        except TypeError:
            raise error(491) from None
    if _utf8_len(text) > JSON_MAX:
        raise error(2055)
    return text


def _to_bytes(mtype, value, binary_text):
    if isinstance(value, (bytes, bytearray, memoryview)):
        data = bytes(value)
    elif isinstance(value, str):
        how = binary_text or ("hex" if mtype.name == "binary" else "base64")
        if how == "base64":
            try:
                data = base64.b64decode(value, validate=True)
            except (binascii.Error, ValueError):
                raise error(3102) from None
        elif how == "hex":
            h = value.strip()
            if h[:2] in ("0x", "0X"):
                h = h[2:]
            if len(h) % 2:
                h = "0" + h
            try:
                data = bytes.fromhex(h)
            except ValueError:
                raise error(2055) from None
        elif how == "utf8":
            data = value.encode("utf-8")
        else:
            raise ValueError(f"binary_text must be base64, hex or utf8, not {how!r}")
    elif isinstance(value, (bool, dict, list, tuple)):
        raise _json_kind_error(value)
    else:
        raise error(2055)
    if len(data) > mtype.length:
        raise error(2055)
    if mtype.name == "binary" and len(data) < mtype.length:
        data = data + bytes(mtype.length - len(data))
    return data


def _to_datetime(value, date_format, tz, lenient):
    if isinstance(value, (bool, dict, list, tuple)):
        raise _json_kind_error(value)
    if isinstance(value, (int, np.integer)):
        ns = int(value)
    elif isinstance(value, str):
        return parse_datetime(value, date_format, tz=tz, lenient=lenient)
    elif isinstance(value, np.datetime64):
        ns = int(value.astype("datetime64[ns]").view(np.int64))
    elif isinstance(value, _dt.datetime):
        if value.tzinfo is None:
            delta = value - _dt.datetime(1970, 1, 1)
        else:
            delta = value - _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)
        ns = (delta.days * 86400 + delta.seconds) * 10**9 + delta.microseconds * 1000
        if value.tzinfo is None:
            ns = resolve_timezone(tz).local_to_utc(ns)
    else:
        raise error(2055)
    if ns < 0:
        raise error(2247)
    if ns > MAX_NS:
        raise error(300, str(value))
    return ns


def _to_ipv4(value):
    if isinstance(value, str):
        return parse_ipv4(value)
    if isinstance(value, (bytes, bytearray)) and len(value) == 4:
        return int.from_bytes(value, "big")
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool) \
            and 0 <= int(value) < 2**32:
        return int(value)
    if isinstance(value, (bool, dict, list, tuple)):
        raise _json_kind_error(value)
    raise error(2068, str(value))


def _to_ipv6(value):
    if isinstance(value, str):
        return parse_ipv6(value)
    if isinstance(value, (bytes, bytearray)) and len(value) == 16:
        return bytes(value)
    if isinstance(value, (bool, dict, list, tuple)):
        raise _json_kind_error(value)
    raise error(2148, str(value))


def convert_value(mtype, value, *, column=None, date_format=None, tz=None, lenient=True,
                  binary_text=None):
    """Return ``value`` as machstore stores it in a column of type ``mtype``; ``None`` = NULL.

    ``mtype`` is a :class:`MachType` or a type name.  Accepted inputs: numbers or numeric
    text for numeric types (a non-integral number stored into an integer column is
    truncated toward zero, as a C cast does); text, or ints/floats rendered as text, for
    varchar/text/clob; text or a JSON-able object for json; bytes, or text decoded per
    ``binary_text`` (``"base64"``, the REST default for blob; ``"hex"``, the SQL default
    for binary(n); ``"utf8"``, a SQL string literal into a blob) for blob/binary(n);
    int ns, text (read with ``date_format``/``tz``, lenient by default as REST appends
    are), ``datetime`` or ``numpy.datetime64`` for datetime; dotted text, int or 4 bytes
    for ipv4; text or 16 bytes for ipv6.

    Errors (codes as Machbase): 2055 out of range / too long / wrong kind of value;
    2027/2028 text that is not a number; 2068/2148 bad address; 300/2247 bad or pre-1970
    datetime; 492 bad JSON text; 3102 bad Base64; 3103 a JSON true/false/object/array
    where a scalar is needed.  With ``column`` (1-based column number) a value error is
    reported as 2233 ``Error occurred at column (n): (message)``.
    """
    mtype = lookup(mtype)
    if value is None:
        return None
    try:
        name = mtype.name
        if name in _INTEGER_NAMES:
            return _to_int(mtype, value)
        if name in ("float", "double"):
            return _to_float(mtype, value)
        if name in ("varchar", "text", "clob"):
            return _to_str(mtype, value)
        if name == "json":
            return _to_json(mtype, value)
        if name in ("blob", "binary"):
            return _to_bytes(mtype, value, binary_text)
        if name == "datetime":
            return _to_datetime(value, date_format, tz, lenient)
        if name == "ipv4":
            return _to_ipv4(value)
        if name == "ipv6":
            return _to_ipv6(value)
        raise AssertionError(name)  # pragma: no cover
    except MachbaseValueError as ex:
        if column is None:
            raise
        raise error(2233, column, ex.message) from ex


def _wrap(ex, column):
    if column is None or not isinstance(ex, MachbaseValueError):
        return ex
    out = error(2233, column, ex.message)
    out.__cause__ = ex
    return out


def convert_column(mtype, values, *, column=None, date_format=None, tz=None, lenient=True,
                   binary_text=None):
    """Convert a whole column of a JSON append: ``(stored values, errors)``.

    The same rules and errors as :func:`convert_value`, value by value: ``stored[i]`` is
    the stored value (``None`` for NULL or a failed row) and ``errors[i]`` the row's
    :class:`MachbaseError` or ``None`` - an append counts the rows with an error in any
    column as ``append_failure``.

    PERF: columns of plain ints/floats are range-checked with numpy, and datetime text
    goes through :func:`~machstore.machbase.datetimes.parse_datetimes`; anything else is
    converted value by value.
    """
    mtype = lookup(mtype)
    items = list(values)
    n = len(items)
    errors = [None] * n
    kinds = {type(v) for v in items}
    name = mtype.name
    if n and name in _INTEGER_NAMES and kinds <= {int}:
        big = mtype.max_value > 2**63 - 1
        arr = None
        if not big or min(items) >= 0:
            try:
                arr = np.array(items, dtype=np.uint64 if big else np.int64)
            except OverflowError:
                pass
        if arr is not None:
            lo, hi = mtype.min_value, mtype.max_value
            bad = (arr < lo) | (arr > hi) if not big else (arr > np.uint64(hi))
            null = arr == (np.uint64(mtype.null_value) if big else mtype.null_value)
            out = arr.tolist()
            for i in np.flatnonzero(null).tolist():
                out[i] = None
            for i in np.flatnonzero(bad & ~null).tolist():
                out[i] = None
                errors[i] = _wrap(error(2055), column)
            return out, errors
    if n and name in ("float", "double") and kinds <= {int, float}:
        try:
            arr = np.array(items, dtype=np.float64)
        except OverflowError:
            arr = None
        if arr is not None:
            bad = np.zeros(n, dtype=bool)
            if name == "float":
                finite = np.isfinite(arr)
                bad = finite & (np.abs(arr) > FLT_MAX)
                with np.errstate(over="ignore"):
                    arr = np.where(bad, 0.0, arr).astype(np.float32).astype(np.float64)
            null = arr == mtype.null_value
            out = arr.tolist()
            for i in np.flatnonzero(null | bad).tolist():
                out[i] = None
            for i in np.flatnonzero(bad).tolist():
                errors[i] = _wrap(error(2055), column)
            return out, errors
    if n and name == "datetime" and kinds <= {str, type(None)}:
        texts = [v for v in items if v is not None]
        parsed, errs = parse_datetimes(texts, date_format, tz=tz, lenient=lenient,
                                       errors="collect")
        out = [None] * n
        k = 0
        stamps = parsed.tolist()
        for i, v in enumerate(items):
            if v is None:
                continue
            if errs[k] is None:
                out[i] = stamps[k]
            else:
                errors[i] = _wrap(errs[k], column)
            k += 1
        return out, errors
    out = [None] * n
    for i, v in enumerate(items):
        try:
            out[i] = convert_value(mtype, v, column=column, date_format=date_format, tz=tz,
                                   lenient=lenient, binary_text=binary_text)
        except MachbaseError as ex:
            errors[i] = ex
    return out, errors
