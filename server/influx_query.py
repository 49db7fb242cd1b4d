"""InfluxDB 1.x ``/query``: InfluxQL over HTTP, as ``services/httpd/handler.go`` serves it in 1.8.

* ``GET`` and ``POST /query`` (``OPTIONS`` answers 204).  Parameters come from the URL or,
  for a POST with ``Content-Type: application/x-www-form-urlencoded``, from the body (the
  body wins, as with Go's ``FormValue``): ``q`` (the statements, ``;``-separated), ``db``
  (default database), ``rp`` (default retention policy), ``pretty=true`` (indented JSON),
  ``epoch`` and ``chunked``/``chunk_size`` (accepted; schema results carry no times and
  come in one piece), ``u``/``p`` or an ``Authorization`` header when auth is on.
* 200 with ``{"results":[{"statement_id":0,...},...]}``: a statement's own failure is in
  its result (``"error"``), never in the status, and the statements after it answer
  ``not executed``.  A write statement sent with GET runs and carries InfluxDB's
  ``deprecated use of '...' in a read only context`` warning in ``"messages"``.
* 400 ``missing required parameter "q"`` for a blank ``q``; 400 ``error parsing query:
  found X, expected Y at line 1, char N`` when the text does not parse (nothing runs);
  401 ``authorization failed`` (the ``/write`` check).

The body is JSON as Go's encoder writes it: ``<``, ``>`` and ``&`` escaped, a newline at the end.
"""
import json
import urllib.parse

import falcon
import orjson

from machstore.influxql import InfluxQLParseError, parse
from machstore.influxql.execute import execute
from machstore.server import influx

_FORM = "application/x-www-form-urlencoded"
# NOTE: Go's encoding/json escapes these even inside strings; clients decode them the same.
_HTML_ESCAPES = ((b"<", b"\\u003c"), (b">", b"\\u003e"), (b"&", b"\\u0026"))


class Query:
    """``GET``/``POST /query``: parse InfluxQL, run it on the engine, answer InfluxDB's JSON."""

    def __init__(self, engine, settings, *, family=influx.INFLUX):
        self.family = family
        self._engine = engine
        self._settings = settings

    def on_options(self, req, resp):
        resp.status = 204

    def on_get(self, req, resp):
        self._serve(req, resp, read_only=True)

    def on_post(self, req, resp):
        self._serve(req, resp, read_only=False)

    def _serve(self, req, resp, *, read_only):
        influx.authenticate(req, self._settings)
        form = self._form(req)

        def param(name):
            values = form.get(name)
            return values[0] if values else (req.get_param(name) or "")

        text = param("q").strip()
        if not text:
            raise influx.InfluxError(400, 'missing required parameter "q"')
        try:
            statements = parse(text)
        except InfluxQLParseError as ex:
            raise influx.InfluxError(400, f"error parsing query: {ex}") from None
        results = execute(self._engine.get(), statements, database=param("db"), retention_policy=param("rp"),
                          read_only=read_only, epoch=param("epoch").strip())
        resp.status = 200
        resp.content_type = falcon.MEDIA_JSON
        resp.data = _encode({"results": [r.to_dict() for r in results]}, pretty=param("pretty") == "true")

    def _form(self, req):
        """Return the parameters of a form-encoded POST body ({} for anything else)."""
        if req.method != "POST":
            return {}
        content_type = (req.content_type or "").split(";", 1)[0].strip().lower()
        if content_type != _FORM:
            return {}
        body = influx.read_body(req, self._settings.max_body_size)
        return urllib.parse.parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)


def _encode(obj, *, pretty):
    """Encode like Go's json.Marshal (or MarshalIndent with 4 spaces), plus the trailing newline."""
    if pretty:
        data = json.dumps(obj, indent=4, ensure_ascii=False).encode("utf-8")
    else:
        data = orjson.dumps(obj)
    for raw, escaped in _HTML_ESCAPES:
        data = data.replace(raw, escaped)
    return data + b"\n"
