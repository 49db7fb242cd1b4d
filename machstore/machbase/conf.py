"""Machbase configuration files: ``conf/machbase.conf`` and ``http/conf/http.conf``.

Settings are data: one :class:`Property` row ``(name, default, help, validator)`` per
property, in :data:`MACHBASE_PROPERTIES` and :data:`HTTP_PROPERTIES`
(``tests/test_machbase_errors_auth_conf.py`` checks that docs/machbase-formats.md
documents every row).

``machbase.conf`` holds ``PROPERTY = VALUE`` lines; ``#`` starts a comment (whole line, or
after the value).  Names are case-insensitive.  A real Machbase file sets many properties
machstore has no use for (``DBS_PATH``, ``PORT_NO``...): those are kept, as text, in
``Conf.unknown`` and are not errors.  ``http.conf`` is a JSON object; numbers may be
written as strings (the spec's sample writes ``"max_request_size": "100000"``).

Every error is a :class:`~machstore.machbase.errors.MachbaseConfigError` (code 600,
``Invalid property value: ...``) naming the file, the line and the property, with
``.path``, ``.line`` and ``.property`` attributes.
"""
import ipaddress
import json
import os
import re
from dataclasses import dataclass
from typing import Any, Callable

from .datetimes import DEFAULT_FORMAT, Timezone, compile_format
from .errors import MachbaseError, error

__all__ = [
    "Property", "MACHBASE_PROPERTIES", "HTTP_PROPERTIES", "Conf", "parse_machbase_conf",
    "load_machbase_conf", "parse_http_conf", "load_http_conf", "load_confs",
    "MACHBASE_CONF", "HTTP_CONF",
]

MACHBASE_CONF = os.path.join("conf", "machbase.conf")
HTTP_CONF = os.path.join("http", "conf", "http.conf")


@dataclass(frozen=True)
class Property:
    """One setting: name, default (already typed), one-line help, and a validator that
    turns the raw file value into the typed one or raises ``ValueError(reason)``."""

    name: str
    default: Any
    help: str
    validator: Callable[[Any], Any]


def _int_range(lo, hi=None):
    def check(value):
        if isinstance(value, bool):
            raise ValueError("must be an integer")
        if isinstance(value, int):
            v = value
        else:
            text = str(value).strip()
            if not re.fullmatch(r"[+-]?\d+", text):
                raise ValueError("must be an integer")
            v = int(text)
        if v < lo or (hi is not None and v > hi):
            raise ValueError(f"must be between {lo} and {hi}" if hi is not None
                             else f"must be at least {lo}")
        return v
    return check


def _flag(value):
    return _int_range(0, 1)(value)


def _ip_address(value):
    text = str(value).strip()
    try:
        ipaddress.ip_address(text)
    except ValueError:
        raise ValueError("must be an IPv4 or IPv6 address") from None
    return text


def _date_format(value):
    text = str(value).strip()
    if not text:
        raise ValueError("must not be empty")
    compile_format(text)
    return text


def _timezone(value):
    text = str(value).strip()
    if not text:
        return ""
    try:
        Timezone.parse(text)
    except MachbaseError:
        raise ValueError("must be +HHMM, -HHMM, UTC or an IANA zone name") from None
    return text


def _text(value):
    if not isinstance(value, str):
        raise ValueError("must be a string")
    return value


def _yes_no(value):
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text not in ("yes", "no"):
        raise ValueError('must be "yes" or "no"')
    return text == "yes"


def _reverse_proxy(value):
    if not isinstance(value, list):
        raise ValueError("must be a list of [prefix, url] pairs")
    out = []
    for item in value:
        if (not isinstance(item, list) or len(item) != 2
                or not all(isinstance(x, str) for x in item)):
            raise ValueError("must be a list of [prefix, url] pairs")
        prefix, url = item
        if not prefix.startswith("/"):
            raise ValueError(f"prefix {prefix!r} must start with /")
        if not re.fullmatch(r"https?://[^/\s:]+(:\d{1,5})?(/\S*)?", url):
            raise ValueError(f"{url!r} is not an http:// URL")
        out.append((prefix, url))
    return out


#: machbase.conf properties machstore reads.  The first four are the spec's HTTP
#: properties (defaults and ranges from the spec's table); the rest come from Machbase's
#: property reference, and the last two are machstore extensions.
MACHBASE_PROPERTIES = (
    Property("HTTP_ENABLE", 0,
             "Run the embedded web server (REST API): 0 no, 1 yes.", _flag),
    Property("HTTP_PORT_NO", 5657,
             "Port of the embedded web server, 0..65535.", _int_range(0, 65535)),
    Property("HTTP_MAX_MEM", 536870912,
             "Most memory one web session may use, in bytes (at least 1048576 = 1 MB); "
             "a request needing more fails with error 3114.", _int_range(1048576)),
    Property("HTTP_AUTH", 0,
             "Require HTTP Basic authentication (Authorization: Basic base64(ID@Host:PW)): "
             "0 no, 1 yes.", _flag),
    Property("HTTP_THREAD_COUNT", 32,
             "Threads of the embedded web server, 0..1024.", _int_range(0, 1024)),
    Property("BIND_IP_ADDRESS", "0.0.0.0",
             "Address the listeners bind to when GRANT_REMOTE_ACCESS = 1.", _ip_address),
    Property("GRANT_REMOTE_ACCESS", 1,
             "Accept remote connections: 0 binds to loopback only, 1 to BIND_IP_ADDRESS.",
             _flag),
    Property("PORT_NO", 5656,
             "Port of the native (CLI/ODBC/JDBC) protocol, 1024..65535 (not served by "
             "machstore; read so real files load).", _int_range(1024, 65535)),
    Property("TAGDATA_AUTO_META_INSERT", 1,
             "Unknown tag name on INSERT/APPEND into a tag table: 0 fail, 1 register the "
             "name (metadata NULL), 2 register it with the metadata values of an append.",
             _int_range(0, 2)),
    Property("ENABLE_CASE_SENSITIVE_PASSWORD", 0,
             "Passwords are case-sensitive: 0 no (upper-cased on create and login), 1 yes.",
             _flag),
    Property("DEFAULT_DATE_FORMAT", DEFAULT_FORMAT,
             "machstore extension: datetime format used when a request gives none.",
             _date_format),
    Property("TIMEZONE", "",
             "machstore extension: server timezone (+HHMM or an IANA name); empty = the "
             "operating system's zone, as Machbase does.", _timezone),
)

#: http.conf keys (JSON), defaults from the spec's table and sample.
HTTP_PROPERTIES = (
    Property("document_root", "http/html/",
             "Directory of static web files, relative to $MACHBASE_HOME.", _text),
    Property("max_request_size", 100000,
             "Largest request accepted, in bytes.", _int_range(1)),
    Property("request_timeout_ms", 10000,
             "Longest wait for one request's response, in milliseconds.", _int_range(0)),
    Property("enable_auth_domain_check", False,
             'Check the domain during authentication: "yes" or "no".', _yes_no),
    Property("reverse_proxy", [],
             "List of [path prefix, target URL] pairs: requests under the prefix are "
             "forwarded to the URL.", _reverse_proxy),
)

_BY_NAME = {p.name: p for p in MACHBASE_PROPERTIES}
_HTTP_BY_NAME = {p.name: p for p in HTTP_PROPERTIES}


class Conf:
    """Parsed settings of one file: typed values (defaults filled in), unknown entries,
    and where each value came from (``lines``)."""

    def __init__(self, properties, values, unknown, lines, source):
        self.properties = properties
        self.values = values
        self.unknown = unknown
        self.lines = lines
        self.source = source

    def __getitem__(self, name):
        key = name if name in self.values else name.upper()
        return self.values[key]

    def __getattr__(self, name):
        values = self.__dict__.get("values", {})
        for key in (name, name.upper()):
            if key in values:
                return values[key]
        raise AttributeError(name)

    def as_dict(self):
        """Return the typed values as a plain dict (a copy)."""
        return dict(self.values)

    def __repr__(self):
        return f"Conf({self.source!r}, {self.values!r})"


def _conf_error(source, line, prop, raw, reason):
    where = f"{source} line {line}" if line else source
    if prop:
        text = f"{prop} = {raw} ({where}: {reason})"
    else:
        text = f"{where}: {reason}"
    ex = error(600, text)
    ex.path, ex.line, ex.property = source, line, prop
    return ex


def _strip_value(text):
    value = re.split(r"\s+#", text, maxsplit=1)[0].strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        value = value[1:-1]
    return value


def parse_machbase_conf(text, source="machbase.conf"):
    """Return the :class:`Conf` of ``machbase.conf`` text (later lines win)."""
    values = {p.name: p.default for p in MACHBASE_PROPERTIES}
    unknown, lines = {}, {}
    for lineno, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        name, sep, raw = stripped.partition("=")
        name = name.strip().upper()
        if not sep or not re.fullmatch(r"[A-Z_][A-Z0-9_]*", name):
            raise _conf_error(source, lineno, None, None,
                              f"expected PROPERTY = VALUE, got {stripped!r}")
        raw = _strip_value(raw)
        prop = _BY_NAME.get(name)
        if prop is None:
            unknown[name] = raw
            lines[name] = lineno
            continue
        try:
            values[name] = prop.validator(raw)
        except ValueError as ex:
            raise _conf_error(source, lineno, name, raw, str(ex)) from None
        except MachbaseError as ex:
            raise _conf_error(source, lineno, name, raw, ex.message) from None
        lines[name] = lineno
    return Conf(MACHBASE_PROPERTIES, values, unknown, lines, source)


def _line_of(text, key):
    m = re.search(r'"%s"\s*:' % re.escape(key), text)
    return text.count("\n", 0, m.start()) + 1 if m else None


def parse_http_conf(text, source="http.conf"):
    """Return the :class:`Conf` of ``http.conf`` (a JSON object) text."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as ex:
        raise _conf_error(source, ex.lineno, None, None,
                          f"not valid JSON: {ex.msg} (column {ex.colno})") from None
    if not isinstance(doc, dict):
        raise _conf_error(source, 1, None, None, "must be a JSON object")
    values = {p.name: p.default for p in HTTP_PROPERTIES}
    unknown, lines = {}, {}
    for key, raw in doc.items():
        prop = _HTTP_BY_NAME.get(key)
        line = _line_of(text, key)
        lines[key] = line
        if prop is None:
            unknown[key] = raw
            continue
        try:
            values[key] = prop.validator(raw)
        except ValueError as ex:
            raise _conf_error(source, line, key, json.dumps(raw), str(ex)) from None
    return Conf(HTTP_PROPERTIES, values, unknown, lines, source)


def _read(path):
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except OSError as ex:
        raise _conf_error(str(path), None, None, None,
                          f"cannot read: {ex.strerror or ex}") from None
    except UnicodeDecodeError:
        raise _conf_error(str(path), None, None, None, "not UTF-8 text") from None


def load_machbase_conf(path):
    """Return the :class:`Conf` of the ``machbase.conf`` file at ``path``."""
    return parse_machbase_conf(_read(path), source=str(path))


def load_http_conf(path):
    """Return the :class:`Conf` of the ``http.conf`` file at ``path``."""
    return parse_http_conf(_read(path), source=str(path))


def load_confs(machbase_home):
    """Return ``(machbase_conf, http_conf)`` from ``$MACHBASE_HOME``'s usual places
    (``conf/machbase.conf``, ``http/conf/http.conf``); a missing file gives defaults."""
    out = []
    for rel, load, parse in ((MACHBASE_CONF, load_machbase_conf, parse_machbase_conf),
                             (HTTP_CONF, load_http_conf, parse_http_conf)):
        path = os.path.join(machbase_home, rel)
        if os.path.exists(path):
            out.append(load(path))
        else:
            out.append(parse("" if parse is parse_machbase_conf else "{}", source=path))
    return tuple(out)
