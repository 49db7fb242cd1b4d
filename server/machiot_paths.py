"""``/machiot`` URLs: which endpoint a request names, and its arguments, validated.

Every endpoint takes its arguments as path segments (``raw/{Table}/{TagNames}/...``), as
query arguments (``raw?Table=tag&TagNames=tag-1...``) or both: segments fill the
endpoint's argument list from the left, query arguments (names case-insensitive) fill
what the path left out, and trailing arguments with a default may be omitted entirely.
This module is the one place the 312x codes are raised:

* 3127 the URL names no endpoint, or not for this HTTP method;
* 3126 the URL is malformed (more segments than arguments, an empty segment inside the
  path, a bad ``Direction`` or ``CalculationMode``);
* 3122 a required argument is missing;
* 3123 ``Count`` / ``Offset`` is not an integer >= 0;
* 3124 ``IntervalValue`` is not an integer > 0 dividing 60;
* 3125 ``IntervalType`` is not ``sec``, ``min`` or ``hour``.

Times go through :func:`parse_machiot_time` (error 300 / 2247).  Segments are split on
the *raw* (still percent-encoded) path and decoded one by one, and tag lists are split on
raw commas, so ``%2F`` and ``%2C`` inside a tag name survive.
"""
from dataclasses import dataclass, field
from urllib.parse import unquote, unquote_plus

from machstore.machbase.datetimes import parse_machiot_time
from machstore.machbase.errors import MachbaseError, error

PREFIXES = ("/machiot", "/machiot-rest-api")  # each also with "/v1"

LOOKUPS = ("range", "min", "max", "first", "last", "count", "cnt", "disksize")
MODES = ("min", "max", "sum", "count", "avg")
INTERVALS = {"sec": 1_000_000_000, "min": 60_000_000_000, "hour": 3_600_000_000_000}
DIRECTIONS = {"0": 0, "1": 1, "2": 2}

_REQUIRED = object()


@dataclass(frozen=True)
class Endpoint:
    """One endpoint: its handler name and its arguments in path order (name, default)."""

    handler: str
    args: tuple


def _ep(handler, *args):
    return Endpoint(handler, tuple(a if isinstance(a, tuple) else (a, _REQUIRED) for a in args))


_RAW_SELECT = _ep("raw_select", "Table", "TagNames", "Start", "End", ("Direction", "0"), ("Count", "0"),
                  ("Offset", "0"))
# two segments are Table/BeforeTime; TagNames may then still come as a query argument
_RAW_DELETE_ALL = _ep("raw_delete", "Table", "BeforeTime", ("TagNames", None))
_RAW_DELETE_TAGS = _ep("raw_delete", "Table", ("TagNames", None), "BeforeTime")
_CALCULATED = _ep("calculated", "Table", "TagNames", "Start", "End", "CalculationMode", ("Count", "0"),
                  ("IntervalType", "sec"), ("IntervalValue", "1"))
_ROLLUP = _ep("rollup", "Table")

# (path words, method) -> Endpoint.  Path words are the literal segments after the prefix.
_TABLE = {
    (("datapoints", "raw"), "POST"): _ep("raw_append", "Table"),
    (("datapoints", "raw"), "GET"): _RAW_SELECT,
    (("datapoints", "raw"), "DELETE"): _RAW_DELETE_TAGS,  # two segments: _RAW_DELETE_ALL
    (("datapoints", "calculated"), "GET"): _CALCULATED,
    (("tags", "list"), "POST"): _ep("tag_insert", "Table"),
    (("tags", "list"), "GET"): _ep("tag_select", "Table", ("TagName", None)),
    (("tags", "list"), "PUT"): _ep("tag_update", "Table", "TagName"),
    (("tags", "list"), "PATCH"): _ep("tag_update", "Table", "TagName"),
    (("tags", "list"), "DELETE"): _ep("tag_delete", "Table", "TagNames"),
    (("rollup",), "GET"): _ROLLUP,
    (("tags", "rollup"), "GET"): _ROLLUP,
    **{(("tags", word), "GET"): _ep("lookup", "Table", ("TagNames", None)) for word in LOOKUPS},
}
_WORDS = {words for words, _ in _TABLE}

# query-argument aliases (lower case) -> argument name
_ALIASES = {"tagname": "TagNames", "tagnames": "TagName"}


@dataclass
class Call:
    """A resolved request: the handler, its arguments (decoded text or None), the options."""

    handler: str
    words: tuple
    args: dict
    raw_tags: str = None          # the TagNames text still percent-encoded (split on raw commas)
    tags_in_path: bool = True     # TagNames came from the path (else the query: '+' is a space)
    options: dict = field(default_factory=dict)

    @property
    def lookup(self):
        """The lookup word of a ``tags/<word>`` endpoint (``count`` for ``cnt``)."""
        word = self.words[-1]
        return "count" if word == "cnt" else word


def split_raw_path(raw_path, prefix_len):
    """Return the still-encoded segments after the prefix (trailing empty ones dropped)."""
    rest = raw_path[prefix_len:]
    segments = rest.split("/")
    if segments and segments[0] == "":
        segments = segments[1:]
    while segments and segments[-1] == "":
        segments.pop()
    if segments and segments[0].lower() == "v1":
        segments = segments[1:]
    return segments


def parse_query(query_string):
    """Return ``{lower-case name: raw value}`` of a query string (first occurrence wins)."""
    out = {}
    for part in (query_string or "").split("&"):
        if not part:
            continue
        key, _, value = part.partition("=")
        out.setdefault(unquote_plus(key).strip().lower(), value)
    return out


def resolve(method, segments, query):
    """Return the :class:`Call` for ``method`` and the raw path ``segments``.

    ``query`` is :func:`parse_query`'s dict.  Raises the 3126/3127/3122 errors.
    """
    words, rest = _match_words(segments)
    if words is None:
        raise error(3127)
    endpoint = _TABLE.get((words, method))
    if endpoint is None:
        raise error(3127)
    if endpoint is _RAW_DELETE_TAGS and len(rest) == 2:
        endpoint = _RAW_DELETE_ALL
    if len(rest) > len(endpoint.args) or any(seg == "" for seg in rest):
        raise error(3126)
    call = Call(endpoint.handler, words, {})
    for i, (name, default) in enumerate(endpoint.args):
        in_path = i < len(rest)
        raw = rest[i] if in_path else _query_arg(query, name)
        if raw is not None and raw != "":
            if name == "TagNames":
                call.raw_tags, call.tags_in_path = raw, in_path
            call.args[name] = unquote(raw) if in_path else unquote_plus(raw)
        elif default is _REQUIRED:
            raise error(3122)
        else:
            call.args[name] = default
    call.options = {
        "date_format": _option(query, "f", "dateformat"),
        "scale": _option(query, "s", "scale"),
        "fetch_mode": _option(query, "m", "fetchmode"),
    }
    return call


def _match_words(segments):
    """Split segments into (endpoint words, argument segments); words None if unknown."""
    lowered = [unquote(s).lower() for s in segments[:2]]
    for n in (2, 1):
        words = tuple(lowered[:n])
        if len(words) == n and words in _WORDS:
            return words, segments[n:]
    return None, segments


def _query_arg(query, name):
    key = name.lower()
    if key in query:
        return query[key]
    for alias, target in _ALIASES.items():
        if target == name and alias in query:
            return query[alias]
    return None


def _option(query, short, long):
    for key in (short, long):
        if key in query and query[key] != "":
            return unquote_plus(query[key])
    return None


# -- argument validation ------------------------------------------------------------------

def tag_list(call):
    """Return the TagNames argument as a list of names (duplicates and empty names dropped),
    or None when it was not given.

    The raw text is split on commas *before* decoding, so ``%2C`` stays inside a name.
    """
    if call.raw_tags is None:
        return None
    decode = unquote if call.tags_in_path else unquote_plus
    names = list(dict.fromkeys(n for n in (decode(part) for part in call.raw_tags.split(",")) if n != ""))
    if not names:
        raise error(3122)
    return names


def parse_time(text, tz):
    """Return the UTC ns of a ``Start``/``End``/``BeforeTime`` argument (300 / 2247)."""
    try:
        return parse_machiot_time(text, tz=tz)
    except MachbaseError:
        raise
    except Exception:  # noqa: BLE001 - any parser failure is a bad date to the client
        raise error(300, text) from None


def parse_count(text):
    """Return a ``Count``/``Offset`` argument: an integer >= 0 (3123 otherwise)."""
    text = str(text).strip()
    if not text.isdigit() or not text.isascii():
        raise error(3123)
    return int(text)


def parse_direction(text):
    """Return ``Direction``: 0 as stored, 1 time descending, 2 time ascending (3126 otherwise)."""
    value = DIRECTIONS.get(str(text).strip())
    if value is None:
        raise error(3126)
    return value


def parse_interval(type_text, value_text):
    """Return ``(unit_ns, bucket_ns)`` of ``IntervalType`` / ``IntervalValue`` (3125 / 3124).

    Both widths are needed: the unit decides which rows count (units starting in
    [Start, End]), the bucket how they are grouped.
    """
    unit = INTERVALS.get(str(type_text).strip().lower())
    if unit is None:
        raise error(3125)
    text = str(value_text).strip()
    if not text.isdigit() or not text.isascii() or int(text) <= 0 or 60 % int(text):
        raise error(3124)
    return unit, unit * int(text)


def parse_modes(text):
    """Return the ``CalculationMode`` list (lower case, in order, duplicates dropped; 3126)."""
    modes = [m.strip().lower() for m in str(text).split(",")]
    if not modes or any(m not in MODES for m in modes):
        raise error(3126)
    return list(dict.fromkeys(modes))
