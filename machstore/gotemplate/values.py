"""How Python values stand for Go values inside a template, and the Go types they claim.

=====================  =========================  ===========================================
Python                 Go                         notes
=====================  =========================  ===========================================
``None``               nil interface (no value)   an action prints ``<no value>``; fmt ``<nil>``
``bool``               ``bool``
``int``                ``int``
``float``              ``float64``
``complex``            ``complex128``
``str``                ``string``
``list``/``tuple``     ``[]interface {}``
``dict``               ``map[string]interface {}``  fields ``.key``; ``index`` of a missing key
                                                   gives no value (the zero interface)
:class:`StringMap`     ``map[string]string``      ``index`` of a missing key gives ``""``
:class:`Duration`      ``time.Duration``          ``String()`` is Go's ``1h2m3s``
:class:`Time`,         ``time.Time``              ``String()`` is Go's
``datetime``                                      ``2006-01-02 15:04:05.999999999 -0700 MST``
dataclass instance     struct                     exported (capitalised) fields; a field with
                                                   ``metadata={"embedded": True}`` is an
                                                   embedded struct whose fields are promoted
other objects          struct pointer             exported attributes; a callable attribute
                                                   is a method
callables              ``func``                   for ``call`` and methods
=====================  =========================  ===========================================
"""
import dataclasses
import datetime

__all__ = [
    "STRING_KINDS",
    "Duration",
    "StringMap",
    "Time",
    "format_duration",
    "format_time",
    "go_type_name",
    "kind",
    "lookup_attr",
    "struct_fields",
]


class Duration(int):
    """A Go ``time.Duration``: an int of nanoseconds that prints as ``1h2m3s``."""

    __slots__ = ()

    def __str__(self):
        return format_duration(int(self))

    def __repr__(self):
        return f"Duration({int(self)})"


class Time:
    """A Go ``time.Time`` in UTC at nanosecond precision (Python's datetime stops at microseconds)."""

    __slots__ = ("unix_nano",)

    def __init__(self, unix_nano):
        self.unix_nano = int(unix_nano)

    def __eq__(self, other):
        return isinstance(other, Time) and other.unix_nano == self.unix_nano

    def __hash__(self):
        return hash(self.unix_nano)

    def __repr__(self):
        return f"Time({self.unix_nano})"

    def __str__(self):
        return format_time(self)


class StringMap(dict):
    """A Go ``map[string]string`` (Kapacitor's tags): ``index`` of a missing key is ``""``."""

    __slots__ = ()
    zero = ""


_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def format_duration(ns):
    """Go's ``Duration.String``: ``72h3m0.5s``, ``1.5s``, ``500ms``, ``1µs``, ``0s``."""
    if ns == 0:
        return "0s"
    neg = ns < 0
    u = -ns if neg else ns
    if u < 1_000_000_000:
        if u < 1_000:
            unit, scale = "ns", 1
        elif u < 1_000_000:
            unit, scale = "µs", 1_000
        else:
            unit, scale = "ms", 1_000_000
        s = _frac(u, scale) + unit
    else:
        secs = u // 1_000_000_000
        s = _frac(u, 1_000_000_000)
        s = f"{secs % 60}{s[len(str(secs)):]}s"
        mins = secs // 60
        if mins:
            s = f"{mins % 60}m" + s
            hours = mins // 60
            if hours:
                s = f"{hours}h" + s
    return "-" + s if neg else s


def _frac(u, scale):
    whole, frac = divmod(u, scale)
    if not frac:
        return str(whole)
    digits = len(str(scale)) - 1
    return f"{whole}." + f"{frac:0{digits}d}".rstrip("0")


def _split_time(t):
    """``(datetime at whole microseconds, nanosecond remainder, utc?)`` of a Time or datetime."""
    if isinstance(t, Time):
        secs, ns = divmod(t.unix_nano, 1_000_000_000)
        return _EPOCH + datetime.timedelta(seconds=secs), ns, True
    if t.tzinfo is None:
        return t.replace(tzinfo=datetime.UTC), t.microsecond * 1000, True
    return t, t.microsecond * 1000, t.utcoffset() == datetime.timedelta(0) and t.tzname() in ("UTC", None)


def format_time(t):
    """Go's ``Time.String``: ``2006-01-02 15:04:05.999999999 -0700 MST``."""
    dt, ns, utc = _split_time(t)
    s = dt.strftime("%Y-%m-%d %H:%M:%S")
    if ns:
        s += "." + f"{ns:09d}".rstrip("0")
    if utc:
        return s + " +0000 UTC"
    off = dt.utcoffset()
    total = int(off.total_seconds()) // 60
    sign = "-" if total < 0 else "+"
    total = abs(total)
    zone = f"{sign}{total // 60:02d}{total % 60:02d}"
    name = dt.tzname() or zone
    if name.startswith("UTC") and len(name) > 3:
        name = zone
    return f"{s} {zone} {name}"


def time_rfc3339nano(t):
    """Go's ``time.RFC3339Nano`` text (what encoding/json writes for a time)."""
    dt, ns, utc = _split_time(t)
    s = dt.strftime("%Y-%m-%dT%H:%M:%S")
    if ns:
        s += "." + f"{ns:09d}".rstrip("0")
    if utc:
        return s + "Z"
    off = int(dt.utcoffset().total_seconds()) // 60
    sign = "-" if off < 0 else "+"
    off = abs(off)
    return f"{s}{sign}{off // 60:02d}:{off % 60:02d}"


# -- kinds ---------------------------------------------------------------------------------
# A value's kind decides truth, comparison, ranging and printing, as reflect.Kind does in Go.
INVALID, BOOL, INT, FLOAT, COMPLEX, STRING, SLICE, MAP, STRUCT, FUNC, TIME = (
    "invalid", "bool", "int", "float", "complex", "string", "slice", "map", "struct", "func", "time")
STRING_KINDS = (STRING,)


def kind(v):
    """The Go kind of a Python value (see the module table)."""
    if v is None:
        return INVALID
    t = type(v)
    if t is str:
        return STRING
    if t is bool:
        return BOOL
    if t is int or t is Duration:
        return INT
    if t is float:
        return FLOAT
    if isinstance(v, dict):
        return MAP
    if t is list or t is tuple:
        return SLICE
    if t is complex:
        return COMPLEX
    if t is Time or isinstance(v, datetime.datetime):
        return TIME
    if isinstance(v, bool):
        return BOOL
    if isinstance(v, int):
        return INT
    if isinstance(v, float):
        return FLOAT
    if isinstance(v, str):
        return STRING
    if isinstance(v, (list, tuple)):
        return SLICE
    if callable(v) and not dataclasses.is_dataclass(v):
        return FUNC
    return STRUCT


def struct_fields(v):
    """``[(name, value, embedded)]`` of a struct value, in declaration order (dataclasses only)."""
    if dataclasses.is_dataclass(v):
        return [(f.name, getattr(v, f.name), bool(f.metadata.get("embedded"))) for f in dataclasses.fields(v)]
    return [(k, val, False) for k, val in vars(v).items()] if hasattr(v, "__dict__") else []


def struct_type_name(v):
    return getattr(type(v), "go_type", None) or type(v).__name__


def is_exported(name):
    return name[:1].isupper()


_NOT_FOUND = object()


def lookup_attr(v, name):
    """An exported field or method of a struct value (promoted through embedded fields), or _NOT_FOUND."""
    if not is_exported(name):
        return _NOT_FOUND
    if dataclasses.is_dataclass(v):
        names = v.__dataclass_fields__
        if name in names:
            return getattr(v, name)
        for fname, f in names.items():
            if f.metadata.get("embedded"):
                found = lookup_attr(getattr(v, fname), name)
                if found is not _NOT_FOUND:
                    return found
        meth = getattr(type(v), name, _NOT_FOUND)
        if meth is not _NOT_FOUND and callable(meth):
            return getattr(v, name)
        return _NOT_FOUND
    try:
        return getattr(v, name)
    except AttributeError:
        return _NOT_FOUND
    except Exception:  # noqa: BLE001 - a property that fails is a missing field to the template
        return _NOT_FOUND


NOT_FOUND = _NOT_FOUND


def map_key_type(d):
    """Go key type of a dict: string unless every key is an int (then int)."""
    if d and all(type(k) is int for k in d):
        return "int"
    if d and not all(type(k) is str for k in d):
        return "interface {}"
    return "string"


def go_type_name(v):
    """Go's ``%T`` of a Python value."""
    k = kind(v)
    if k == INVALID:
        return "<nil>"
    if k == BOOL:
        return "bool"
    if k == INT:
        return "time.Duration" if isinstance(v, Duration) else "int"
    if k == FLOAT:
        return "float64"
    if k == COMPLEX:
        return "complex128"
    if k == STRING:
        return "string"
    if k == SLICE:
        return "[]interface {}"
    if k == MAP:
        if isinstance(v, StringMap):
            return "map[string]string"
        return f"map[{map_key_type(v)}]interface {{}}"
    if k == TIME:
        return "time.Time"
    if k == FUNC:
        return "func"
    return struct_type_name(v)


def is_method(v, name):
    """Whether ``name`` is a method of ``v``'s class (not a field holding a function)."""
    if dataclasses.is_dataclass(v) and name in v.__dataclass_fields__:
        return False
    if hasattr(v, "__dict__") and name in vars(v):
        return False
    return callable(getattr(type(v), name, None))


def has_field(v, name):
    if dataclasses.is_dataclass(v):
        return name in v.__dataclass_fields__
    return hasattr(v, "__dict__") and name in vars(v)


class Month(int):
    """A Go ``time.Month``: prints as its English name."""

    __slots__ = ()
    NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December")

    def __str__(self):
        return self.NAMES[self - 1]


class Weekday(int):
    """A Go ``time.Weekday``: prints as its English name."""

    __slots__ = ()
    NAMES = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")

    def __str__(self):
        return self.NAMES[self]


def _unix_nano(t):
    if isinstance(t, Time):
        return t.unix_nano
    dt, ns, _ = _split_time(t)
    return int((dt.replace(microsecond=0) - _EPOCH).total_seconds()) * 1_000_000_000 + ns


def _time_methods(t):
    dt, ns, _ = _split_time(t)
    return {
        "Unix": lambda: _unix_nano(t) // 1_000_000_000,
        "UnixNano": lambda: _unix_nano(t),
        "UnixMilli": lambda: _unix_nano(t) // 1_000_000,
        "Year": lambda: dt.year,
        "Month": lambda: Month(dt.month),
        "Day": lambda: dt.day,
        "Hour": lambda: dt.hour,
        "Minute": lambda: dt.minute,
        "Second": lambda: dt.second,
        "Nanosecond": lambda: ns,
        "YearDay": lambda: dt.timetuple().tm_yday,
        "Weekday": lambda: Weekday((dt.weekday() + 1) % 7),
        "String": lambda: format_time(t),
        "UTC": lambda: Time(_unix_nano(t)),
    }


def _duration_methods(d):
    n = int(d)
    return {
        "Nanoseconds": lambda: n,
        "Microseconds": lambda: int(n / 1_000),
        "Milliseconds": lambda: int(n / 1_000_000),
        "Seconds": lambda: n / 1e9,
        "Minutes": lambda: n / 6e10,
        "Hours": lambda: n / 3.6e12,
        "String": lambda: format_duration(n),
    }


def builtin_method(v, name):
    """The Go method ``name`` of a time.Time or time.Duration value as a no-argument callable, or None."""
    table = _duration_methods(v) if isinstance(v, Duration) else _time_methods(v)
    return table.get(name)
