"""Machbase REST family: ``GET /machbase?q=SQL`` and ``POST /machbase`` (JSON append).

Responses are Machbase's envelopes (``error_code``, ``error_message``, ``columns``,
``data``); every error, from the engine, the SQL layer or the request itself, becomes one
in ``MachbaseFamily.render_error``.  The seed does not say which HTTP status goes with an
error: auth failures answer 401, an oversized body 413, a missing table 404, other
request or statement errors 400 and internal failures 500, always with the envelope.
"""
import logging

import falcon
import orjson

from machstore.machbase import auth as mauth
from machstore.machbase import render
from machstore.machbase.datetimes import resolve_timezone
from machstore.machbase.errors import MachbaseAuthError, MachbaseError, MachbaseNotFound, as_machbase_error, error
from machstore.sql.append import append_json
from machstore.sql.session import Session
from machstore.sql.statements import execute

log = logging.getLogger("machstore.server.machbase")

_STATUS = {3114: 413, 3117: 401, 3118: 401}


class MachbaseFamily:
    """How Machbase routes render errors (the one place exceptions become responses)."""

    name = "machbase"

    def __init__(self, *, machiot=False, tz=None):
        self.machiot = machiot
        self.tz = tz

    def decorate(self, resp):
        pass

    def render_error(self, req, resp, ex):
        if isinstance(ex, falcon.HTTPError) and not isinstance(ex, MachbaseError):
            code = 3127 if ex.status_code in (404, 405) else 3126
            mex = error(code)
            status = ex.status_code
        else:
            mex = as_machbase_error(ex)
            if mex.code == 2285:
                log.error("unhandled error on %s %s", req.method, req.path, exc_info=ex)
            status = _STATUS.get(mex.code) or (404 if isinstance(mex, MachbaseNotFound) else
                                                401 if isinstance(mex, MachbaseAuthError) else
                                                500 if mex.code == 2285 else 400)
        resp.status = status
        resp.content_type = falcon.MEDIA_JSON
        resp.data = render.render_error(mex, machiot=self.machiot, tz=self.tz)


def make_authenticator(engine, settings):
    """Check Basic ``ID@Host:Password`` headers against the engine's users (SYS/MANAGER by default).

    On when ``machbase_auth`` (Machbase's HTTP_AUTH) or ``auth_enabled`` is set.
    """
    def stored_hash(user):
        record = engine.get().get_user(user)
        if record is not None:
            return record["password"]
        return _DEFAULT_HASH if user == mauth.DEFAULT_USER else None

    # One switch protects every door: auth_enabled (the InfluxDB-side switch) turns Machbase's
    # HTTP_AUTH on as well, so no Machbase route stays open while the others ask for credentials.
    return mauth.Authenticator(stored_hash, enabled=settings.machbase_auth or settings.auth_enabled)


_DEFAULT_HASH = mauth.hash_password(mauth.DEFAULT_PASSWORD)


class MachbaseResource:
    """``/machbase``: SQL over GET (``q``, ``f``, ``s``, ``m``), JSON append over POST."""

    def __init__(self, engine, settings, authenticator):
        self.tz = resolve_timezone(settings.timezone or None)
        self.family = MachbaseFamily(tz=self.tz)
        self._engine = engine
        self._settings = settings
        self._auth = authenticator

    def _session(self, req):
        user = self._auth.authenticate(req.get_header("Authorization"))
        return Session(user=user, timezone=self.tz)

    def on_get(self, req, resp):
        session = self._session(req)
        query = req.get_param("q")
        if not query:
            raise error(3122)
        result = execute(self._engine.get(), query, session)
        resp.content_type = falcon.MEDIA_JSON
        if result.is_select:
            columns = [render.ResultColumn(c.name, c.mtype, c.values, c.nulls) for c in result.columns]
            resp.data = render.render_select(
                columns, fetch_mode=render.parse_fetch_mode(req.get_param("m")),
                scale=render.parse_scale(req.get_param("s")), date_format=req.get_param("f") or None, tz=self.tz)
        else:
            resp.data = render.render_ok()

    def on_post(self, req, resp):
        session = self._session(req)
        body = read_body(req, self._settings.machbase_max_mem)
        try:
            doc = orjson.loads(body)
        except orjson.JSONDecodeError:
            raise error(3106) from None
        if not isinstance(doc, dict) or not isinstance(doc.get("values"), list):
            raise error(3106)
        if not doc.get("name"):
            raise error(3115)
        if not isinstance(doc["name"], str):
            raise error(3106)
        success, failure = append_json(self._engine.get(), doc["name"], doc["values"],
                                       date_format=doc.get("date_format") or None, session=session,
                                       auto_meta=self._settings.auto_meta_insert)
        resp.content_type = falcon.MEDIA_JSON
        resp.data = render.render_append(success, failure)


def read_body(req, limit):
    length = req.content_length
    if limit and length is not None and length > limit:
        raise error(3114, limit)
    data = req.bounded_stream.read()
    if limit and len(data) > limit:
        raise error(3114, limit)
    return data


class StaticFiles:
    """Serve ``document_root`` for GET paths no API claims (Machbase's embedded web server)."""

    def __init__(self, root):
        import os
        self.root = os.path.realpath(root)

    def __call__(self, req, resp, **kwargs):
        import mimetypes
        import os
        if req.method not in ("GET", "HEAD"):
            raise falcon.HTTPNotFound()
        rel = req.path.lstrip("/") or "index.html"
        path = os.path.realpath(os.path.join(self.root, rel))
        if os.path.isdir(path):
            path = os.path.join(path, "index.html")
        if not path.startswith(self.root + os.sep) or not os.path.isfile(path):
            raise falcon.HTTPNotFound()
        resp.content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        with open(path, "rb") as f:
            resp.data = f.read()
