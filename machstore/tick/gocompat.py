"""Go standard-library behaviour the lambda functions depend on, written in Python.

Kapacitor's functions call ``strconv``, ``strings``, ``regexp``, ``math.Pow10``,
InfluxQL's duration parser and go-humanize; the exact outputs and error texts of those leak
into lambda results, so both lambda evaluators use these emulations.
"""

import math
import re

from machstore.influxql.parser import parse_influx_duration
from machstore.tick.lambda_types import INT64_MAX, INT64_MIN

_INT_RE = re.compile(r"[+-]?[0-9]+\Z")
_FLOAT_RE = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\Z")
_HEX_FLOAT_RE = re.compile(
    r"([+-]?)0[xX]((?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)[pP][+-]?[0-9]+)\Z")
_SPECIAL_RE = re.compile(r"([+-]?)(inf|infinity)\Z|nan\Z", re.IGNORECASE)


class GoError(Exception):
    """An error value returned by an emulated Go function (its text is the message)."""


def go_quote(text):
    """Quote a string as Go's ``strconv.Quote`` / ``%q`` does."""
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif 0xDC80 <= code <= 0xDCFF:  # an invalid UTF-8 byte kept by surrogateescape
            out.append(f"\\x{code - 0xDC00:02x}")
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\x{code:02x}")
        elif not ch.isprintable() and code > 0x7F:
            out.append(f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def parse_bool(text):
    """``strconv.ParseBool``."""
    if text in ("1", "t", "T", "TRUE", "true", "True"):
        return True
    if text in ("0", "f", "F", "FALSE", "false", "False"):
        return False
    raise GoError(f"strconv.ParseBool: parsing {go_quote(text)}: invalid syntax")


def parse_int(text):
    """``strconv.ParseInt(text, 10, 64)``."""
    if not _INT_RE.match(text):
        raise GoError(f"strconv.ParseInt: parsing {go_quote(text)}: invalid syntax")
    value = int(text)
    if value < INT64_MIN or value > INT64_MAX:
        raise GoError(f"strconv.ParseInt: parsing {go_quote(text)}: value out of range")
    return value


def parse_float(text):
    """``strconv.ParseFloat(text, 64)``."""
    special = _SPECIAL_RE.match(text)
    if special:
        if special.group(2) is None:
            return math.nan
        return -math.inf if special.group(1) == "-" else math.inf
    hexm = _HEX_FLOAT_RE.match(text)
    if hexm:
        try:
            value = float.fromhex(hexm.group(2))
        except OverflowError:
            value = math.inf
        value = -value if hexm.group(1) == "-" else value
    elif _FLOAT_RE.match(text):
        value = float(text)
    else:
        raise GoError(f"strconv.ParseFloat: parsing {go_quote(text)}: invalid syntax")
    if math.isinf(value):
        raise GoError(f"strconv.ParseFloat: parsing {go_quote(text)}: value out of range")
    return value


def _wrap(value):
    return ((value - INT64_MIN) & 0xFFFFFFFFFFFFFFFF) + INT64_MIN


def parse_influxql_duration(text):
    """InfluxQL's ``ParseDuration`` (``1h30m``, ``-5s``, ``10ms``), as the InfluxQL parser reads it; raises GoError."""
    try:
        return _wrap(parse_influx_duration(text))
    except ValueError as ex:
        raise GoError(str(ex)) from None


_SIZES = ("B", "kB", "MB", "GB", "TB", "PB", "EB")


def human_bytes(n):
    """go-humanize ``Bytes(uint64)``: SI units with one decimal under 10 (``1.5 kB``)."""
    if n < 10:
        return f"{n} B"
    e = math.floor(math.log(float(n)) / math.log(1000.0))
    val = math.floor(float(n) / math.pow(1000.0, e) * 10 + 0.5) / 10
    fmt = "{:.1f} {}" if val < 10 else "{:.0f} {}"
    return fmt.format(val, _SIZES[int(e)])


def float_to_uint64(value):
    """Go's ``uint64(f)`` on amd64 (negative values wrap through int64, NaN gives 1<<63)."""
    if math.isnan(value) or math.isinf(value):
        return 1 << 63
    if value >= 9.223372036854775808e18:
        if value >= 1.8446744073709552e19:
            return 1 << 63
        return int(value)
    if value < -9.223372036854775808e18:
        return 1 << 63
    return int(value) & 0xFFFFFFFFFFFFFFFF


_POW10 = [float(f"1e{i}") for i in range(32)]
_POW10_POS32 = [float(f"1e{i * 32}") for i in range(10)]
_POW10_NEG32 = [float(f"1e-{i * 32}") for i in range(11)]


def pow10(n):
    """``math.Pow10`` with Go's table products (which can differ from 10**n in the last bit)."""
    if 0 <= n <= 308:
        return _POW10_POS32[n // 32] * _POW10[n % 32]
    if -323 <= n < 0:
        return _POW10_NEG32[(-n) // 32] / _POW10[(-n) % 32]
    return math.inf if n > 0 else 0.0


def gamma(x):
    """``math.Gamma`` special cases on top of the C library's tgamma."""
    if math.isnan(x) or x == -math.inf:
        return math.nan
    if x == math.inf:
        return math.inf
    if x == 0:
        return -math.inf if math.copysign(1.0, x) < 0 else math.inf
    if x < 0 and x == math.floor(x):
        return math.nan
    try:
        return math.gamma(x)
    except OverflowError:
        return math.inf


def logb(x):
    """``math.Logb``: the binary exponent of x."""
    if x == 0:
        return -math.inf
    if math.isinf(x):
        return math.inf
    if math.isnan(x):
        return x
    return float(math.frexp(x)[1] - 1)


def go_max(x, y):
    """``math.Max`` (NaN wins, +0 beats -0)."""
    if math.isinf(x) and x > 0 or math.isinf(y) and y > 0:
        return math.inf
    if math.isnan(x) or math.isnan(y):
        return math.nan
    if x == 0 and x == y:
        return y if math.copysign(1.0, x) < 0 else x
    return max(y, x)


def go_min(x, y):
    """``math.Min`` (NaN wins, -0 beats +0)."""
    if math.isinf(x) and x < 0 or math.isinf(y) and y < 0:
        return -math.inf
    if math.isnan(x) or math.isnan(y):
        return math.nan
    if x == 0 and x == y:
        return x if math.copysign(1.0, x) < 0 else y
    return min(y, x)


def _to_bytes(text):
    return text.encode("utf-8", "surrogateescape")


def _from_bytes(data):
    return data.decode("utf-8", "surrogateescape")


def byte_len(text):
    """Go's ``len(s)``: the UTF-8 byte count."""
    return len(_to_bytes(text))


def byte_index(text, sub):
    """``strings.Index`` (a byte offset, -1 if absent)."""
    return _to_bytes(text).find(_to_bytes(sub))


def byte_last_index(text, sub):
    """``strings.LastIndex``."""
    return _to_bytes(text).rfind(_to_bytes(sub))


def index_any(text, chars):
    """``strings.IndexAny``: byte offset of the first rune of ``text`` that is in ``chars``."""
    if not chars:
        return -1
    pos = 0
    for ch in text:
        if ch in chars:
            return pos
        pos += byte_len(ch)
    return -1


def last_index_any(text, chars):
    """``strings.LastIndexAny``."""
    if not chars:
        return -1
    pos = byte_len(text)
    for ch in reversed(text):
        pos -= byte_len(ch)
        if ch in chars:
            return pos
    return -1


def byte_slice(text, start, stop):
    """``s[start:stop]`` on the UTF-8 bytes (may split a rune, as Go does)."""
    return _from_bytes(_to_bytes(text)[start:stop])


def count(text, sub):
    """``strings.Count`` (an empty ``sub`` counts runes + 1)."""
    return text.count(sub)


def replace(text, old, new, n):
    """``strings.Replace`` (``n < 0`` replaces all)."""
    return text.replace(old, new, -1 if n < 0 else n)


def trim_space(text):
    """``strings.TrimSpace`` (Unicode white space)."""
    return text.strip(" \t\n\v\f\r\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
                      "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")


def regex_replace_all(regex, text, template):
    """``regexp.ReplaceAllString``: Go's match iteration and ``$1``/``${name}`` expansion."""
    out = []
    last = 0
    pos = 0
    prev_end = -1
    end = len(text)
    while pos <= end:
        m = regex.search(text, pos)
        if m is None:
            break
        s, e = m.span()
        accept = True
        if e == s:
            if s == prev_end:
                accept = False
            pos = s + 1
        else:
            pos = e
        prev_end = e
        if accept:
            out.append(text[last:s])
            out.append(_expand(m, template, regex))
            last = e
    out.append(text[last:])
    return "".join(out)


_NAME_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


def _expand(match, template, regex):
    out = []
    i = 0
    n = len(template)
    while i < n:
        ch = template[i]
        if ch != "$":
            out.append(ch)
            i += 1
            continue
        i += 1
        if i < n and template[i] == "$":
            out.append("$")
            i += 1
            continue
        name = None
        if i < n and template[i] == "{":
            close = template.find("}", i + 1)
            if close > i + 1 and all(c in _NAME_CHARS for c in template[i + 1:close]):
                name = template[i + 1:close]
                i = close + 1
        else:
            j = i
            while j < n and template[j] in _NAME_CHARS:
                j += 1
            if j > i:
                name = template[i:j]
                i = j
        if name is None:  # malformed: Go writes the '$' through
            out.append("$")
            continue
        out.append(_group(match, name, regex))
    return "".join(out)


def _group(match, name, regex):
    try:
        if name.isdigit():
            num = int(name)
            if num > regex.groups:
                return ""
            return match.group(num) or ""
        if name not in regex.groupindex:
            return ""
        return match.group(name) or ""
    except (IndexError, re.error):
        return ""
