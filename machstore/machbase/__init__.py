"""Machbase formats: types, datetimes, REST rendering, error codes, auth and conf files.

Pure Python + numpy; no HTTP and no storage.  The SQL executor and the Machbase REST
layer (``/machbase``, ``/machiot``) build on it.  See docs/machbase-formats.md.
"""
from .auth import (
                   DEFAULT_PASSWORD,
                   DEFAULT_USER,
                   Authenticator,
                   basic_header,
                   hash_password,
                   normalize_user,
                   parse_authorization,
                   verify_password,
)
from .conf import (
                   HTTP_PROPERTIES,
                   MACHBASE_PROPERTIES,
                   Conf,
                   Property,
                   load_confs,
                   load_http_conf,
                   load_machbase_conf,
                   parse_http_conf,
                   parse_machbase_conf,
)
from .datetimes import (
                   DEFAULT_FORMAT,
                   MACHIOT_LAYOUTS,
                   DateFormat,
                   Timezone,
                   compile_format,
                   format_datetime,
                   format_datetime_bytes,
                   parse_datetime,
                   parse_datetimes,
                   parse_machiot_time,
                   resolve_timezone,
)
from .errors import (
                   ERRORS,
                   NO_ERROR_MESSAGE,
                   MachbaseAuthError,
                   MachbaseConfigError,
                   MachbaseError,
                   MachbaseExists,
                   MachbaseNotFound,
                   MachbaseRequestError,
                   MachbaseStateError,
                   MachbaseSyntaxError,
                   MachbaseUnsupported,
                   MachbaseValueError,
                   as_machbase_error,
                   error,
)
from .render import (
                   DEFAULT_SCALE,
                   ResultColumn,
                   parse_fetch_mode,
                   parse_scale,
                   render_append,
                   render_data,
                   render_effect,
                   render_error,
                   render_ok,
                   render_select,
)
from .types import (
                   TYPES,
                   MachType,
                   convert_column,
                   convert_value,
                   from_code,
                   ipv4_text,
                   ipv6_text,
                   lookup,
                   parse_ipv4,
                   parse_ipv6,
)

__all__ = [
    # types
    "MachType", "TYPES", "lookup", "from_code", "convert_value", "convert_column", "parse_ipv4",
    "parse_ipv6",
    "ipv4_text", "ipv6_text",
    # datetimes
    "DEFAULT_FORMAT", "MACHIOT_LAYOUTS", "Timezone", "DateFormat", "compile_format",
    "parse_datetime", "parse_datetimes", "parse_machiot_time", "format_datetime",
    "format_datetime_bytes", "resolve_timezone",
    # render
    "ResultColumn", "DEFAULT_SCALE", "parse_scale", "parse_fetch_mode", "render_select",
    "render_data", "render_ok", "render_append", "render_error", "render_effect",
    # errors
    "MachbaseError", "MachbaseValueError", "MachbaseSyntaxError", "MachbaseNotFound",
    "MachbaseExists", "MachbaseAuthError", "MachbaseRequestError", "MachbaseConfigError",
    "MachbaseUnsupported", "MachbaseStateError", "ERRORS", "NO_ERROR_MESSAGE", "error",
    "as_machbase_error",
    # auth
    "DEFAULT_USER", "DEFAULT_PASSWORD", "parse_authorization", "basic_header",
    "normalize_user", "hash_password", "verify_password", "Authenticator",
    # conf
    "Property", "MACHBASE_PROPERTIES", "HTTP_PROPERTIES", "Conf", "parse_machbase_conf",
    "load_machbase_conf", "parse_http_conf", "load_http_conf", "load_confs",
]
