"""The gunicorn access log without secrets: passwords in ``p=`` and in ``q=`` statements hidden.

gunicorn logs each request line as sent, query string included, so ``/query?u=bob&p=secret``
or ``q=CREATE USER bob WITH PASSWORD 'secret'`` would land in the log.  InfluxDB redacts
these in its own HTTP log (``services/httpd/response_logger.go``); this logger does the same
for every atom that carries the query string, and hides the ``Authorization`` header should
a custom log format ask for it.
"""
import re
import urllib.parse

from gunicorn.glogging import Logger

from machstore.influxql.redact import REDACTED, redact_passwords

__all__ = ["RedactingLogger", "redact_query_string", "redact_target", "redact_text"]

_SECRET_PARAMS = frozenset(("p", "P", "password"))
_PARAM_IN_TEXT = re.compile(r"([?&])(p|P|password|q)=([^&\s'\"]*)")


def redact_query_string(query):
    """Return a query string with password parameters and InfluxQL password literals hidden."""
    if not query:
        return query
    pairs = urllib.parse.parse_qsl(query, keep_blank_values=True)
    changed = False
    out = []
    for name, value in pairs:
        if name in _SECRET_PARAMS:
            new = REDACTED
        elif name == "q":
            new = redact_passwords(value)
        else:
            new = value
        changed = changed or new != value
        out.append((name, new))
    return urllib.parse.urlencode(out) if changed else query


def redact_target(target):
    """Return a request target (``/path?query``) with its query string redacted."""
    path, sep, query = (target or "").partition("?")
    return path + sep + redact_query_string(query) if sep else target


def redact_text(text):
    """Hide secrets in free text that may quote a request line (gunicorn's parse errors)."""
    def hide(m):
        if m.group(2) != "q":
            return f"{m.group(1)}{m.group(2)}={REDACTED}"
        statement = urllib.parse.unquote_plus(m.group(3))
        hidden = redact_passwords(statement)
        return m.group(0) if hidden == statement else f"{m.group(1)}q={urllib.parse.quote_plus(hidden)}"
    return redact_passwords(_PARAM_IN_TEXT.sub(hide, text))


class RedactingLogger(Logger):
    """gunicorn's logger, with secrets taken out of the access-log atoms."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        method, protocol = environ.get("REQUEST_METHOD", ""), environ.get("SERVER_PROTOCOL", "")
        atoms["r"] = f"{method} {redact_target(environ.get('RAW_URI', ''))} {protocol}"
        atoms["q"] = redact_query_string(environ.get("QUERY_STRING"))
        for key in ("{query_string}e", "{raw_uri}e", "{request_uri}e"):
            if key in atoms:
                atoms[key] = redact_target(atoms[key]) if "uri" in key else redact_query_string(atoms[key])
        if "{authorization}i" in atoms:
            atoms["{authorization}i"] = REDACTED
        return atoms
