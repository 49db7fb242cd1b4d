"""Server settings as data: one ``(name, default, help)`` row per setting.

Settings are resolved in three layers, later ones winning:
defaults (the rows below) < a config file (``--config FILE``) < command-line flags.

The config file is TOML (``data = "/var/lib/machstore"``, ``bind = ["0.0.0.0:5657"]``) or,
for convenience, plain ``key = value`` lines with unquoted values (lists comma-separated,
``#`` comments).  Keys may be spelled with ``-`` or ``_``; a TOML section prefixes its keys
with its name (``[continuous_queries]`` ``enabled`` is ``continuous_queries_enabled``).  Every setting is documented in
``docs/configuration.md``; ``tests/test_config.py`` checks that each row is.
"""
import re
import tomllib
from dataclasses import dataclass
from typing import Any

__all__ = ["SETTINGS", "WORKER_CLASSES", "ConfigError", "Setting", "Settings", "load_settings", "setting_names"]

WORKER_CLASSES = ("gevent", "gthread", "sync")


@dataclass(frozen=True)
class Setting:
    """One setting: its name, its default (which also fixes its type) and a one-line help."""

    name: str
    default: Any
    help: str

    @property
    def flag(self):
        """Return the command-line flag for this setting (``max_body_size`` -> ``--max-body-size``)."""
        return "--" + self.name.replace("_", "-")


SETTINGS = (
    Setting("data", "./machstore-data",
            "Data directory holding the LMDB environment; created on first start."),
    Setting("bind", ["127.0.0.1:5657", "127.0.0.1:9092"],
            "HOST:PORT addresses to listen on (repeat --bind for several). Every API answers on "
            "every address; the defaults are the Machbase REST port and the Kapacitor port."),
    Setting("workers", 2,
            "Number of gunicorn worker processes serving HTTP."),
    Setting("worker_class", "gevent",
            "How a worker serves connections: gevent (default: each connection is a greenlet, so "
            "slow or long-lived connections never hold up others), gthread (a thread pool of "
            "'threads' per worker) or sync (one request at a time per worker)."),
    Setting("worker_connections", 1000,
            "Most connections one gevent worker serves at once; past it new ones wait in the "
            "listen queue."),
    Setting("threads", 4,
            "Threads per worker process with worker_class = gthread."),
    Setting("max_body_size", 25_000_000,
            "Largest request body accepted, in bytes, checked on Content-Length, on the bytes "
            "read and on the decompressed size of a gzip body; larger gives 413. 0 = no limit."),
    Setting("max_request_line", 1 << 20,
            "Longest request target (path and query string) accepted, in bytes: long SQL and "
            "InfluxQL travel in q=; a longer one gives 414 in the API's own error format."),
    Setting("strict_databases", False,
            "Answer InfluxDB writes to a missing database with 404 (InfluxDB behaviour) instead "
            "of creating the database on first write (Kapacitor behaviour)."),
    Setting("auth_enabled", False,
            "Enforce InfluxDB users and privileges on /query and the write routes: credentials "
            "(u/p query parameters, HTTP Basic, or 'Authorization: Token user:pass') are checked "
            "(401) and each statement and write needs its privilege (403)."),
    Setting("auth_user", "",
            "Name of a built-in admin user (with auth_password) that always exists when auth_enabled "
            "is on; empty: only the users created with CREATE USER."),
    Setting("auth_password", "",
            "Password of the built-in admin user auth_user."),
    Setting("query_timeout", 0.0,
            "Seconds an InfluxQL query may run before it stops with InfluxDB's query timeout "
            "error (checked between reads). 0 = no limit."),
    Setting("max_concurrent_queries", 0,
            "Most InfluxQL queries running at once over all workers; past it a query gets "
            "InfluxDB's concurrency limit error. 0 = no limit."),
    Setting("max_select_point", 0,
            "Most rows one SELECT may read before it stops with InfluxDB's point limit error. "
            "0 = no limit."),
    Setting("max_select_series", 0,
            "Most series one SELECT source may read before it stops with InfluxDB's series "
            "limit error. 0 = no limit."),
    Setting("max_select_buckets", 0,
            "Most GROUP BY time() windows a SELECT with a lower time bound may span, as InfluxDB "
            "counts them. 0 = no limit."),
    Setting("map_size", 0,
            "LMDB map size in bytes (the largest the data file may grow); 0 = the engine's default."),
    Setting("sync", True,
            "Flush every committed write to disk before answering (durable across power loss). "
            "Turning it off trades durability of the last writes for speed."),
    Setting("timeout", 60,
            "Seconds a worker may spend on one request before gunicorn kills and replaces it."),
    Setting("graceful_timeout", 30,
            "Seconds in-flight requests get to finish on shutdown (SIGTERM) before workers are killed."),
    Setting("engine_idle_sleep", 0.2,
            "Seconds the engine process sleeps when a round of background work (compaction) "
            "found nothing to do."),
    Setting("continuous_queries_enabled", True,
            "Run continuous queries in the engine process (InfluxDB's [continuous_queries] "
            "enabled). Off, they can still be created, dropped and listed; they do not run."),
    Setting("continuous_queries_run_interval", 1.0,
            "Seconds between checks for continuous queries that are due (InfluxDB's "
            "[continuous_queries] run-interval, 1s); a Go duration such as 500ms is accepted too."),
    Setting("log_level", "info",
            "Log level: debug, info, warning, error or critical."),
    Setting("access_log", False,
            "Log one line per HTTP request to stderr."),
    Setting("influx_version", "1.8.10",
            "Version reported in X-Influxdb-Version and by /ping?verbose=true; InfluxDB 1.x "
            "clients look at it to pick their protocol."),
    Setting("timezone", "",
            "Timezone of Machbase datetimes (input and output), e.g. +0900 or Asia/Seoul; empty: "
            "the system's."),
    Setting("machbase_enabled", True,
            "Serve the Machbase REST API (/machbase, /machiot); machbase.conf's HTTP_ENABLE."),
    Setting("machbase_auth", False,
            "Require Machbase Basic auth (ID@Host:Password) on /machbase and /machiot (HTTP_AUTH)."),
    Setting("machbase_max_mem", 536_870_912,
            "Largest /machbase request or response body in bytes (HTTP_MAX_MEM); over it: error 3114."),
    Setting("auto_meta_insert", 1,
            "Unknown tag names in appends: 0 refuse (3113), 1 or 2 register them (TAGDATA_AUTO_META_INSERT)."),
    Setting("document_root", "",
            "Directory served as static files for paths no API claims (http.conf document_root)."),
    Setting("machbase_conf", "",
            "A Machbase machbase.conf to read HTTP_PORT_NO, HTTP_AUTH, HTTP_MAX_MEM, HTTP_ENABLE from."),
    Setting("http_conf", "",
            "A Machbase http.conf (JSON) to read document_root, max_request_size, request_timeout_ms from."),
    Setting("kapacitor_sections", {},
            "Kapacitor's config sections ([smtp], [[slack]], [deadman], ...; docs/kapacitor-config.md): "
            "a config file's tables named like a Kapacitor section land here, or give them as a JSON "
            "object {section: {options} or [{options}, ...]}."),
)

_BY_NAME = {s.name: s for s in SETTINGS}
_LOG_LEVELS = ("debug", "info", "warning", "error", "critical")
_TRUE = {"1", "true", "yes", "on", "y", "t"}
_FALSE = {"0", "false", "no", "off", "n", "f"}


class ConfigError(ValueError):
    """A setting is unknown or has a value of the wrong type or range."""


def setting_names():
    """Return the names of all settings, in table order."""
    return [s.name for s in SETTINGS]


class Settings:
    """Resolved settings, read as attributes (``settings.max_body_size``)."""

    def __init__(self, values=None):
        merged = {s.name: _copy(s.default) for s in SETTINGS}
        for name, value in (values or {}).items():
            merged[_normalize_name(name)] = coerce(_normalize_name(name), value)
        _validate(merged)
        self.__dict__.update(merged)

    def as_dict(self):
        """Return every setting as a plain dict (a copy)."""
        return {s.name: _copy(getattr(self, s.name)) for s in SETTINGS}

    def replace(self, **changes):
        """Return a copy with some settings changed (validated like any other source)."""
        values = self.as_dict()
        values.update(changes)
        return Settings(values)

    def __repr__(self):
        # Kapacitor sections hold secrets (tokens, passwords, webhook URLs): only their names show
        shown = {k: ("***" if k == "auth_password" and v else sorted(v) if k == "kapacitor_sections" else v)
                 for k, v in self.as_dict().items()}
        return f"Settings({shown!r})"


def load_settings(config_file=None, overrides=None):
    """Resolve settings: defaults < ``config_file`` (a path, a list of paths, or None) < ``overrides``.

    ``None`` values in ``overrides`` mean "not given" and are skipped, so parsed command-line
    arguments can be passed straight in.
    """
    values = {}
    for path in ([config_file] if isinstance(config_file, str) else config_file or []):
        read = read_config_file(path)
        # a later file's Kapacitor section replaces an earlier one's; other sections stay
        sections = {**values.get("kapacitor_sections", {}), **read.pop("kapacitor_sections", {})}
        values.update(read)
        if sections:
            values["kapacitor_sections"] = sections
    for name, value in (overrides or {}).items():
        if value is not None:
            values[_normalize_name(name)] = coerce(_normalize_name(name), value)
    confs = machbase_conf_values(values.get("machbase_conf"), values.get("http_conf"))
    return Settings({**confs, **values})


def machbase_conf_values(machbase_conf, http_conf):
    """Settings named by a Machbase ``machbase.conf`` / ``http.conf`` (only what a file sets).

    They rank above the defaults and below the config file and flags.
    """
    import math
    import os

    from machstore.machbase.conf import load_http_conf, load_machbase_conf

    out = {}
    if machbase_conf:
        conf = load_machbase_conf(machbase_conf)
        given = conf.lines
        if "HTTP_PORT_NO" in given:
            port_bind = f"127.0.0.1:{conf['HTTP_PORT_NO']}"
            binds = list(_BY_NAME["bind"].default)
            out["bind"] = binds if port_bind in binds else [port_bind] + binds[1:]
        for prop, name in (("HTTP_AUTH", "machbase_auth"), ("HTTP_MAX_MEM", "machbase_max_mem"),
                           ("HTTP_ENABLE", "machbase_enabled"), ("TIMEZONE", "timezone"),
                           ("TAGDATA_AUTO_META_INSERT", "auto_meta_insert")):
            if prop in given:
                out[name] = coerce(name, conf[prop])
    if http_conf:
        conf = load_http_conf(http_conf)
        given = conf.lines
        if "document_root" in given:
            home = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(http_conf))))
            out["document_root"] = os.path.join(home, conf["document_root"])
        if "max_request_size" in given:
            out["machbase_max_mem"] = min(int(conf["max_request_size"]), out.get(
                "machbase_max_mem", _BY_NAME["machbase_max_mem"].default))
        if "request_timeout_ms" in given:
            out["timeout"] = max(1, math.ceil(int(conf["request_timeout_ms"]) / 1000))
    return out


def read_config_file(path):
    """Read a config file into a dict of coerced settings.

    The file is machstore's own (TOML or ``key = value`` lines), or Machbase's: an
    ``http.conf`` (a JSON object) or a ``machbase.conf`` (``PROPERTY = VALUE`` lines of
    Machbase properties such as ``HTTP_PORT_NO``), which are read as ``http_conf`` /
    ``machbase_conf`` would be.
    """
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as ex:
        raise ConfigError(f"cannot read config file {path}: {ex.strerror}") from ex
    text = raw.decode("utf-8")
    kind = _machbase_conf_kind(text)
    if kind == "http":
        return machbase_conf_values(None, path)
    if kind == "machbase":
        return machbase_conf_values(path, None)
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        table = _parse_key_values(text, path)
    values = {}
    sections = _kapacitor_sections(table)
    if sections:
        values["kapacitor_sections"] = coerce("kapacitor_sections", sections)
    for key, value in _flattened(table):
        name = _normalize_name(key)
        if name not in _BY_NAME:
            raise ConfigError(f"unknown setting {key!r} in {path} (known: {', '.join(setting_names())})")
        values[name] = coerce(name, value)
    return values


def _kapacitor_sections(table):
    """Take the tables and arrays of tables named like a registered Kapacitor section out of
    ``table`` (they are Kapacitor's options, not machstore settings)."""
    from machstore.kapacitor.config.filesections import is_section

    out = {}
    for key in list(table):
        value = table[key]
        nested = isinstance(value, dict) or (isinstance(value, list) and value and all(isinstance(v, dict) for v in value))
        if nested and is_section(key):
            out[key] = table.pop(key)
    return out


def _flattened(table):
    """Yield ``(key, value)`` of a config table; a TOML section's keys are prefixed by its name,
    so InfluxDB's ``[continuous_queries]`` ``run-interval`` is ``continuous_queries_run_interval``."""
    for key, value in table.items():
        if isinstance(value, dict):
            for inner, inner_value in value.items():
                yield f"{key}_{inner}", inner_value
        else:
            yield key, value


def _machbase_conf_kind(text):
    """``"http"`` for an http.conf, ``"machbase"`` for a machbase.conf, else None."""
    from machstore.machbase.conf import MACHBASE_PROPERTIES

    if text.lstrip().startswith("{"):
        return "http"
    names = {p.name for p in MACHBASE_PROPERTIES}
    keys = [line.split("=", 1)[0].strip() for line in text.splitlines()
            if line.strip() and not line.lstrip().startswith("#") and "=" in line]
    return "machbase" if keys and all(k.isupper() for k in keys) and any(k in names for k in keys) else None


def _parse_key_values(text, path):
    """Parse plain ``key = value`` lines (values unquoted; ``#`` starts a comment line)."""
    table = {}
    for lineno, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"{path}:{lineno}: expected 'key = value', got {line!r}")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        table[key.strip()] = value
    return table


def coerce(name, value):
    """Convert ``value`` (from TOML, a ``key = value`` file or a flag) to setting ``name``'s type."""
    setting = _BY_NAME.get(name)
    if setting is None:
        raise ConfigError(f"unknown setting {name!r}")
    default = setting.default
    if isinstance(default, dict):
        return _kapacitor_value(value)
    try:
        if isinstance(default, bool):
            return _to_bool(value)
        if isinstance(default, int):
            if isinstance(value, (bool, float)):
                raise TypeError
            return int(str(value).replace("_", "")) if isinstance(value, str) else int(value)
        if isinstance(default, float):
            if isinstance(value, bool):
                raise TypeError
            if isinstance(value, str) and _DURATION.match(value.strip()):
                return _seconds(value.strip())
            return float(value)
        if isinstance(default, list):
            if isinstance(value, str):
                value = [v.strip() for v in value.split(",") if v.strip()]
            if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
                raise ValueError
            return list(value)
        if not isinstance(value, str):
            raise TypeError
        return value
    except (TypeError, ValueError):
        kind = type(default).__name__
        raise ConfigError(f"setting {name!r}: expected {kind}, got {value!r}") from None


_DURATION = re.compile(r"^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$")
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)")
_UNIT_SECONDS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


def _kapacitor_value(value):
    """``kapacitor_sections``: a dict (or its JSON text), checked as Kapacitor would check the sections."""
    import json

    from machstore.kapacitor.config.filesections import FileSectionError, check

    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise ConfigError(f"setting 'kapacitor_sections': not a JSON object: {value!r}") from None
    if not isinstance(value, dict):
        raise ConfigError(f"setting 'kapacitor_sections': expected a table of sections, got {value!r}")
    try:
        return check(value)
    except FileSectionError as ex:
        raise ConfigError(f"Kapacitor section {ex}") from None


def _seconds(text):
    """Seconds of a Go duration string (``1s``, ``500ms``, ``1m30s``), as InfluxDB's config takes."""
    return sum(float(n) * _UNIT_SECONDS[unit] for n, unit in _DURATION_PART.findall(text))


def _to_bool(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        low = value.strip().lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
    raise ValueError(value)


def _validate(values):
    if values["workers"] < 1:
        raise ConfigError("setting 'workers' must be at least 1")
    if values["threads"] < 1:
        raise ConfigError("setting 'threads' must be at least 1")
    if values["worker_connections"] < 1:
        raise ConfigError("setting 'worker_connections' must be at least 1")
    if values["worker_class"] not in WORKER_CLASSES:
        raise ConfigError(f"setting 'worker_class' must be one of {', '.join(WORKER_CLASSES)}")
    if values["max_request_line"] < 65536:
        raise ConfigError("setting 'max_request_line' must be at least 65536")
    for name in ("max_body_size", "map_size", "timeout", "graceful_timeout", "query_timeout",
                 "max_concurrent_queries", "max_select_point", "max_select_series", "max_select_buckets"):
        if values[name] < 0:
            raise ConfigError(f"setting {name!r} must not be negative")
    for name in ("engine_idle_sleep", "continuous_queries_run_interval"):
        if values[name] <= 0:
            raise ConfigError(f"setting {name!r} must be positive")
    if not values["bind"]:
        raise ConfigError("setting 'bind' needs at least one HOST:PORT address")
    for address in values["bind"]:
        if not address.startswith("unix:"):
            _host, sep, port = address.rpartition(":")
            if not sep or not port.isdigit():
                raise ConfigError(f"setting 'bind': {address!r} is not HOST:PORT (or unix:PATH)")
    if values["log_level"].lower() not in _LOG_LEVELS:
        raise ConfigError(f"setting 'log_level' must be one of {', '.join(_LOG_LEVELS)}")
    values["log_level"] = values["log_level"].lower()
    if values["auth_enabled"] and bool(values["auth_user"]) != bool(values["auth_password"]):
        raise ConfigError("auth_user and auth_password go together: set both (a built-in admin) or neither")


def _normalize_name(name):
    return name.strip().replace("-", "_")


def _copy(value):
    if isinstance(value, dict):
        return {k: [dict(e) for e in v] if isinstance(v, list) else v for k, v in value.items()}
    return list(value) if isinstance(value, list) else value
