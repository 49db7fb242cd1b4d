"""Pure-Python reference twin of the line-protocol kernel (``ext/lineproto.pyx``): the test oracle.

Written for clarity, not speed: it follows InfluxDB 1.x ``models/points.go``
function by function (``scanLine``, ``scanMeasurement``, ``scanTagsKey``,
``scanTagsValue``, ``scanFields``, ``scanNumber``, ``scanBoolean``, ``scanTime``,
``SafeCalcTime``), then applies the few rules of our own listed in
``docs/lineprotocol.md`` ("Where we differ from 1.x"). Its output must be identical
to the compiled kernel's for every input; the property tests check that.
"""
import time

import numpy as np

from . import lineproto as lp

BS, SP, TAB, NUL, NL = 0x5C, 0x20, 0x09, 0x00, 0x0A
COMMA, EQ, DQ, HASH, MINUS, DOT = 0x2C, 0x3D, 0x22, 0x23, 0x2D, 0x2E
INT64_MIN, INT64_MAX, UINT64_MAX = -(1 << 63), (1 << 63) - 1, (1 << 64) - 1


class _Fail(Exception):
    def __init__(self, code, detail=b"", number=0):
        super().__init__(code)
        self.code, self.detail, self.number = code, detail, number


# -- lines --------------------------------------------------------------------------------

def _scan_line(buf, i):
    """Return the end of the line starting at ``i`` (1.x ``scanLine``: newlines in quoted values stay)."""
    n = len(buf)
    quoted = fields = False
    equals = commas = 0
    while i < n:
        c = buf[i]
        if c == BS and i + 2 < n:
            i += 2
            continue
        if c == SP:
            fields = True
        if fields:
            if not quoted and c == EQ:
                i += 1
                equals += 1
                continue
            if not quoted and c == COMMA:
                i += 1
                commas += 1
                continue
            if c == DQ and equals > commas:
                i += 1
                quoted = not quoted
                continue
        if c == NL and not quoted:
            break
        i += 1
    return i


def _skip_whitespace(buf, i):
    n = len(buf)
    while i < n and buf[i] in (SP, TAB, NUL):
        i += 1
    return i


# -- key: measurement and tags ------------------------------------------------------------

def _scan_key(buf):
    """Return ``(end, measurement, [(raw key, raw value)])``; ``end`` is the space before the fields."""
    n = len(buf)
    if buf[0] == COMMA:
        raise _Fail(lp.E_MISSING_MEASUREMENT)
    i = 0
    while True:                       # scanMeasurement
        i += 1
        if i >= n:
            raise _Fail(lp.E_MISSING_FIELDS)
        if buf[i - 1] == BS:
            continue
        if buf[i] == COMMA:
            has_tags = True
            break
        if buf[i] == SP:
            has_tags = False
            break
    measurement = buf[:i]
    tags = []
    if has_tags:
        i += 1
        while True:
            k0 = i                    # scanTagsKey
            if i >= n or buf[i] in (SP, COMMA, EQ):
                raise _Fail(lp.E_MISSING_TAG_KEY)
            while True:
                i += 1
                if i >= n or (buf[i] in (SP, COMMA) and buf[i - 1] != BS):
                    raise _Fail(lp.E_MISSING_TAG_VALUE)
                if buf[i] == EQ and buf[i - 1] != BS:
                    break
            key = buf[k0:i]
            i += 1
            v0 = i                    # scanTagsValue
            if i >= n or buf[i] in (COMMA, SP):
                raise _Fail(lp.E_MISSING_TAG_VALUE)
            while True:
                i += 1
                if i >= n:
                    raise _Fail(lp.E_MISSING_FIELDS)
                if buf[i] == EQ and buf[i - 1] != BS:
                    raise _Fail(lp.E_INVALID_TAG_FORMAT)
                if buf[i] in (COMMA, SP) and buf[i - 1] != BS:
                    break
            tags.append((key, buf[v0:i]))
            if buf[i] == SP:
                break
            i += 1
    return i, measurement, tags


def _canonical_key(measurement, tags):
    """Return the canonical series key; raise "duplicate tags" like 1.x (raw key equality)."""
    un = sorted(((lp.unescape(k, lp.TAG_SPECIALS), lp.unescape(v, lp.TAG_SPECIALS)) for k, v in tags),
                key=lambda kv: kv[0])
    for a, b in zip(un, un[1:]):
        if a[0] == b[0]:
            raise _Fail(lp.E_DUPLICATE_TAGS)
    parts = [lp.escape(lp.unescape(measurement, lp.MEAS_SPECIALS), lp.MEAS_SPECIALS)]
    for k, v in un:
        parts.append(b"," + lp.escape(k, lp.TAG_SPECIALS) + b"=" + lp.escape(v, lp.TAG_SPECIALS))
    return b"".join(parts)


# -- fields -------------------------------------------------------------------------------

def _is_numeric(c):
    return 0x30 <= c <= 0x39 or c == DOT


def _scan_number(buf, i):
    """1.x ``scanNumber`` from the value start; return ``(end, type code)``."""
    n = len(buf)
    start = i
    is_int = is_uint = False
    if i < n and buf[i] == MINUS:
        i += 1
        if i == n:
            raise _Fail(lp.E_INVALID_NUMBER)
    decimal = scientific = False
    while i < n:
        c = buf[i]
        if c in (COMMA, SP):
            break
        if c == 0x69 and i > start and not (is_int or is_uint):          # 'i'
            is_int = True
            i += 1
            continue
        if c == 0x75 and i > start and not (is_int or is_uint):          # 'u'
            is_uint = True
            i += 1
            continue
        if c == DOT:
            if decimal:
                raise _Fail(lp.E_INVALID_NUMBER)
            decimal = True
        if i > start and c in (0x65, 0x45):                              # 'e' 'E'
            scientific = True
            i += 1
            continue
        if c in (0x2B, MINUS) and buf[i - 1] in (0x65, 0x45):            # '+' '-' after e
            i += 1
            continue
        if i + 2 < n and c in (0x4E, 0x6E):                              # 'N' 'n': NaN
            raise _Fail(lp.E_INVALID_NUMBER)
        if not _is_numeric(c):
            raise _Fail(lp.E_INVALID_NUMBER)
        i += 1
    if (is_int or is_uint) and (decimal or scientific):
        raise _Fail(lp.E_INVALID_NUMBER)
    digits = i - start - (1 if is_int else 0) - (1 if decimal else 0) - (1 if buf[start] == MINUS else 0)
    if digits == 0:
        raise _Fail(lp.E_INVALID_NUMBER)
    if is_int:
        if buf[i - 1] != 0x69:
            raise _Fail(lp.E_INVALID_NUMBER)
        text = buf[start:i - 1]
        if not INT64_MIN <= int(text) <= INT64_MAX:
            raise _Fail(lp.E_INT_RANGE, text)
        return i, lp.INTEGER
    if is_uint:
        # we accept unsigned like 1.x built with the uint tag (docs/lineprotocol.md)
        if buf[i - 1] != 0x75 or buf[start] == MINUS:
            raise _Fail(lp.E_INVALID_NUMBER)
        text = buf[start:i - 1]
        if int(text) > UINT64_MAX:
            raise _Fail(lp.E_UINT_RANGE, text)
        return i, lp.UNSIGNED
    if scientific or i - start >= 25:
        try:
            value = float(buf[start:i])
        except ValueError:
            raise _Fail(lp.E_INVALID_FLOAT) from None
        if value in (float("inf"), float("-inf")):
            raise _Fail(lp.E_INVALID_FLOAT)
    return i, lp.FLOAT


_TRUE = (b"t", b"T", b"true", b"True", b"TRUE")
_FALSE = (b"f", b"F", b"false", b"False", b"FALSE")


def _scan_boolean(buf, i):
    """1.x ``scanBoolean``; return the end."""
    n = len(buf)
    start = i
    if i < n and buf[i] not in b"tfTF":
        raise _Fail(lp.E_INVALID_BOOLEAN)
    i += 1
    while i < n and buf[i] not in (COMMA, SP):
        i += 1
    if buf[start:i] not in _TRUE and buf[start:i] not in _FALSE:
        raise _Fail(lp.E_INVALID_BOOLEAN)
    return i


def _scan_fields(buf, i):
    """1.x ``scanFields`` plus the bookkeeping to cut the section into fields.

    Return ``(end, section start, separators, kinds, quirk)``: ``separators`` lists each
    counted ``=`` and ``,`` as ``(byte, position)``; ``kinds`` maps an ``=`` position to
    the type its value was scanned as; ``quirk`` is True when an unquoted ``\\,`` follows a
    string value's closing quote (1.x's field iterator cuts that value differently).
    """
    n = len(buf)
    start = _skip_whitespace(buf, i)
    i = start
    quoted = False
    equals = commas = 0
    seps, kinds = [], {}
    in_string = quirk = False
    while i < n:
        c = buf[i]
        if c == BS and i + 1 < n:
            if in_string and not quoted and buf[i + 1] == COMMA:
                quirk = True
            i += 2
            continue
        if c == DQ and equals > commas:
            quoted = not quoted
            i += 1
            continue
        if c == EQ and not quoted:
            equals += 1
            if buf[i - 1] == SP and buf[i - 2] != BS:
                raise _Fail(lp.E_MISSING_FIELD_KEY)
            if buf[i - 1] == COMMA and buf[i - 2] != BS:
                raise _Fail(lp.E_MISSING_FIELD_KEY)
            if i + 1 >= n or buf[i + 1] in (COMMA, SP):
                raise _Fail(lp.E_MISSING_FIELD_VALUE)
            seps.append((EQ, i))
            in_string = False
            nxt = buf[i + 1]
            if _is_numeric(nxt) or nxt in (MINUS, 0x4E, 0x6E):
                eq = i
                i, kinds[eq] = _scan_number(buf, i + 1)
                continue
            if nxt != DQ:
                kinds[i] = lp.BOOLEAN
                i = _scan_boolean(buf, i + 1)
                continue
            kinds[i] = lp.STRING
            in_string = True
        if c == COMMA and not quoted:
            commas += 1
            seps.append((COMMA, i))
            in_string = False
        if c == SP and not quoted:
            break
        i += 1
    if quoted:
        raise _Fail(lp.E_UNBALANCED_QUOTES)
    if equals == 0 or commas != equals - 1:
        raise _Fail(lp.E_INVALID_FIELD_FORMAT)
    return i, start, seps, kinds, quirk


def _unescape_string(raw):
    """1.x ``unescapeStringField``: only ``\\\\`` and ``\\"`` are escapes."""
    out = bytearray()
    i, n = 0, len(raw)
    while i < n:
        if raw[i] == BS and i + 1 < n and raw[i + 1] in (BS, DQ):
            out.append(raw[i + 1])
            i += 2
        else:
            out.append(raw[i])
            i += 1
    return bytes(out)


def _field_values(buf, start, end, seps, kinds, key_len):
    """Cut the field section into ``[(unescaped key, type, value)]``; apply walkFields' checks."""
    # our rule: the counted separators must alternate = , = , ... = (else 1.x reads garbage)
    if [s for s, _ in seps] != [EQ, COMMA] * (len(seps) // 2) + [EQ]:
        raise _Fail(lp.E_INVALID_FIELD_FORMAT)
    out = []
    seg = start
    for j in range(0, len(seps), 2):
        eq = seps[j][1]
        vend = seps[j + 1][1] if j + 1 < len(seps) else end
        raw_key = buf[seg:eq]
        if eq > seg and buf[eq - 1] == BS:
            # 1.x's walkFields does not see this '=' (it follows a backslash): it fails or merges keys
            raise _Fail(lp.E_INVALID_FIELD_KEY, buf[seg:end])
        size = key_len + 4 + len(raw_key)
        if size > lp.MAX_KEY_LENGTH:
            raise _Fail(lp.E_MAX_KEY_LENGTH, number=size)
        raw = buf[eq + 1:vend]
        kind = kinds[eq]
        if kind == lp.STRING:
            value = _unescape_string(raw[1:-1])
        elif kind == lp.BOOLEAN:
            value = raw[0] in b"tT"
        elif kind == lp.INTEGER:
            value = int(raw[:-1])
        elif kind == lp.UNSIGNED:
            value = int(raw[:-1])
        else:
            value = float(raw)
        out.append((lp.unescape(raw_key, lp.FIELD_KEY_SPECIALS), kind, value))
        seg = vend + 1
    return out


# -- time ---------------------------------------------------------------------------------

def _scan_time(buf, i, multiplier, default):
    n = len(buf)
    start = _skip_whitespace(buf, i)
    i = start
    while i < n:
        c = buf[i]
        if c in (NL, SP):
            break
        if i == start and c == MINUS:
            i += 1
            continue
        if not 0x30 <= c <= 0x39:
            raise _Fail(lp.E_BAD_TIMESTAMP)
        i += 1
    text = buf[start:i]
    if not text:
        return default
    if text == b"-":
        raise _Fail(lp.E_TIMESTAMP_SYNTAX, text)
    ts = int(text)
    if not INT64_MIN <= ts <= INT64_MAX:
        raise _Fail(lp.E_TIMESTAMP_RANGE, text)
    t = ts * multiplier
    if not lp.MIN_NANO_TIME <= t <= lp.MAX_NANO_TIME:
        raise _Fail(lp.E_TIME_OUTSIDE_RANGE)
    while i < n:
        if buf[i] != SP:
            raise _Fail(lp.E_POINT_INVALID)
        i += 1
    return t


def _parse_point(line, multiplier, default):
    """Return ``(canonical series key, [(field key, type, value)], time)`` or raise _Fail."""
    end, measurement, tags = _scan_key(line)
    key_len = end                      # the key as written: measurement and tags
    series = _canonical_key(measurement, tags)
    if key_len > lp.MAX_KEY_LENGTH:
        raise _Fail(lp.E_MAX_KEY_LENGTH, number=key_len)
    fend, fstart, seps, kinds, quirk = _scan_fields(line, end)
    if quirk:
        raise _Fail(lp.E_INVALID_FIELD_FORMAT)
    values = _field_values(line, fstart, fend, seps, kinds, key_len)
    t = _scan_time(line, fend, multiplier, default)
    return series, values, t


# -- batch --------------------------------------------------------------------------------

def _interner():
    index = {}

    def intern(key):
        idx = index.get(key)
        if idx is None:
            idx = index[key] = len(index)
        return idx
    return index, intern


def parse(data, *, precision="ns", now_ns=None):
    """Parse like ``machstore.lineproto.parse``, in pure Python."""
    multiplier = lp.precision_multiplier(precision)
    if now_ns is None:
        now_ns = time.time_ns()
    default = lp.default_time(int(now_ns), multiplier)
    buf = bytes(data)
    n = len(buf)
    series_index, series_id = _interner()
    field_index, field_id = _interner()
    string_index, string_id = _interner()
    point_series, point_time = [], []
    value_point, value_field, value_type, value_bits = [], [], [], []
    errors = []
    n_lines = 0
    pos, lineno = 0, 1
    while pos < n:
        end = _scan_line(buf, pos)
        block = buf[pos:end]
        block_lineno = lineno
        lineno += block.count(b"\n") + 1
        pos = end + 1
        start = _skip_whitespace(block, 0)
        if start >= len(block) or block[start] == HASH:
            continue
        if block[-1] == NL:
            block = block[:-1]
        line = block[start:]
        n_lines += 1
        try:
            series, values, t = _parse_point(line, multiplier, default)
        except _Fail as ex:
            errors.append(lp.LineError(block_lineno, line, lp.reason_text(ex.code, ex.detail, ex.number)))
            continue
        last = {}                         # a repeated field key: last value, first position
        for key, kind, value in values:
            last[key] = (kind, value)
        p = len(point_series)
        point_series.append(series_id(series))
        point_time.append(t)
        for key, (kind, value) in last.items():
            if kind == lp.FLOAT:
                bits = int(np.array(value, dtype=np.float64).view(np.int64))
            elif kind == lp.UNSIGNED:
                bits = value - (1 << 64) if value > INT64_MAX else value
            elif kind == lp.STRING:
                bits = string_id(value)
            else:
                bits = int(value)
            value_point.append(p)
            value_field.append(field_id(key))
            value_type.append(kind)
            value_bits.append(bits)
    return lp.ParsedBatch(
        n_lines=n_lines,
        series_keys=list(series_index),
        point_series=np.array(point_series, dtype=np.int32),
        point_time=np.array(point_time, dtype=np.int64),
        field_keys=list(field_index),
        value_point=np.array(value_point, dtype=np.int32),
        value_field=np.array(value_field, dtype=np.int32),
        value_type=np.array(value_type, dtype=np.uint8),
        value_bits=np.array(value_bits, dtype=np.int64),
        strings=list(string_index),
        errors=errors,
    )
