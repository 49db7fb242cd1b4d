"""InfluxDB 1.x ``/query``: InfluxQL over HTTP, as ``services/httpd/handler.go`` serves it in 1.8.

* ``GET`` and ``POST /query`` (``OPTIONS`` answers 204).  Parameters come from the URL or,
  for a POST with ``Content-Type: application/x-www-form-urlencoded``, from the body (the
  body wins, as with Go's ``FormValue``): ``q`` (the statements, ``;``-separated), ``db``
  (default database), ``rp`` (default retention policy), ``pretty=true`` (indented JSON),
  ``epoch`` (SELECT times as integers of ``ns``, ``u``, ``ms``, ``s``, ``m`` or ``h``; RFC3339
  text without it), ``chunked=true``/``chunk_size`` (one JSON line per series chunk) and
  ``Accept: application/csv`` (see ``influx_formats``), ``u``/``p`` or an ``Authorization``
  header when auth is on.
* 200 with ``{"results":[{"statement_id":0,...},...]}``: a statement's own failure is in
  its result (``"error"``), never in the status, and the statements after it answer
  ``not executed``.  A write statement sent with GET runs and carries InfluxDB's
  ``deprecated use of '...' in a read only context`` warning in ``"messages"``.
* 400 ``missing required parameter "q"`` for a blank ``q``; 400 ``error parsing query:
  found X, expected Y at line 1, char N`` when the text does not parse (nothing runs);
  with ``auth_enabled``, 401 for missing or wrong credentials and 403 ``error authorizing
  query: ...`` when the user may not run one of the statements (nothing runs), see
  ``influx_auth``.

The body is JSON as Go's encoder writes it (``influx_formats``).
"""
import urllib.parse

import falcon
import orjson

from machstore.influxql import InfluxQLParseError, ast, parse
from machstore.influxql.execute import execute
from machstore.influxql.tasks import QueryLimits
from machstore.server import influx
from machstore.server import influx_formats as formats
from machstore.server.influx_auth import Gate

_FORM = "application/x-www-form-urlencoded"


class Query:
    """``GET``/``POST /query``: parse InfluxQL, run it on the engine, answer InfluxDB's JSON."""

    def __init__(self, engine, settings, *, family=influx.INFLUX):
        self.family = family
        self._engine = engine
        self._settings = settings
        self._limits = QueryLimits.from_settings(settings)
        self._gate = Gate(engine, settings)

    def on_options(self, req, resp):
        resp.status = 204

    def on_get(self, req, resp):
        self._serve(req, resp, read_only=True)

    def on_post(self, req, resp):
        self._serve(req, resp, read_only=False)

    def _serve(self, req, resp, *, read_only):
        user = self._gate.authenticate(req)
        form = self._form(req)

        def param(name):
            values = form.get(name)
            return values[0] if values else (req.get_param(name) or "")

        text = param("q").strip()
        if not text:
            raise influx.InfluxError(400, 'missing required parameter "q"')
        params = _bound_params(param("params"))
        try:
            statements = parse(text, params)
        except InfluxQLParseError as ex:
            raise influx.InfluxError(400, f"error parsing query: {ex}") from None
        may_access = self._gate.authorize_query(user, statements, param("db"))
        as_csv = formats.wants_csv(req.get_header("Accept"))
        epoch = param("epoch").strip()
        results = execute(self._engine.get(), statements, database=param("db"), retention_policy=param("rp"),
                          read_only=read_only, epoch=epoch or ("ns" if as_csv else ""), limits=self._limits,
                          may_access=may_access, builtin_admin=self._gate.builtin_admin)
        resp.status = 200
        if as_csv:
            resp.content_type = "text/csv"
            resp.data = formats.encode_csv(results)
            return
        resp.content_type = falcon.MEDIA_JSON
        pretty = param("pretty") == "true"
        if param("chunked") == "true":
            size = param("chunk_size")
            size = int(size) if size.isdigit() and int(size) > 0 else formats.DEFAULT_CHUNK_SIZE
            resp.stream = formats.json_chunks(results, size, pretty=pretty)
            return
        selects = {i for i, stmt in enumerate(statements) if isinstance(stmt, ast.Select) and stmt.target is None}
        # Go's encoder omits an empty "results" (a query of only ";" answers {})
        body = {"results": formats.whole_results(results, selects)} if results else {}
        resp.data = formats.encode_json(body, pretty=pretty)

    def _form(self, req):
        """Return the parameters of a form-encoded POST body ({} for anything else)."""
        if req.method != "POST":
            return {}
        content_type = (req.content_type or "").split(";", 1)[0].strip().lower()
        if content_type != _FORM:
            return {}
        body = influx.read_body(req, self._settings.max_body_size)
        return urllib.parse.parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)


def _bound_params(raw):
    """The ``params`` JSON object of ``$name`` values (numbers with a ``.`` are floats), or None."""
    if not raw:
        return None
    try:
        params = orjson.loads(raw)
    except orjson.JSONDecodeError as ex:
        raise influx.InfluxError(400, f"error parsing query parameters: {ex}") from None
    if not isinstance(params, dict):
        raise influx.InfluxError(400, "error parsing query parameters: json: cannot unmarshal into a map")
    return params
