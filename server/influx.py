"""InfluxDB 1.x write family: ``/write``, ``/api/v2/write``, ``/ping``, and Kapacitor's
``/kapacitor/v1/write`` and ``/kapacitor/v1/ping``.

Status semantics follow InfluxDB 1.x ``services/httpd/handler.go`` (reference
``lineprotocol.md`` section 1.5):

* 204 and an empty body on success (also for an empty body);
* 400 ``database is required``; 400 ``unable to parse ...`` lines joined by ``\\n`` when no
  point parsed; 400 ``partial write: <parse errors> dropped=0`` when some did (the good
  points are stored); 400 ``partial write: field type conflict: ... dropped=N`` (the other
  points are stored); 400 for a bad precision or a broken gzip stream;
* with ``auth_enabled``: 401 for missing or wrong credentials, 403 ``"bob" user is not
  authorized to write to database "x"`` without WRITE on it (``influx_auth``); 404
  ``database not found: "x"`` only with ``strict_databases``; 413 when the body (raw or
  decompressed) exceeds ``max_body_size``;
* every error is ``{"error": "..."}`` with an ``X-Influxdb-Error`` header.  Kapacitor's write
  route answers its errors in plain text (``msg\\n``), as Kapacitor does.

Resources stay thin: they check the request, read the body, call ``Engine.write_lines``
and let exceptions through; :meth:`Family.render_error` turns them into responses.
"""
import logging
import zlib

import falcon
import orjson

# PERF: ISA-L inflates gzip bodies ~2.7x faster than zlib (measured on TSBS batches: 2.5 GB/s vs 0.9 GB/s),
# with zlib's API; gunzip is the largest single cost of a /write request.
from isal import isal_zlib

from machstore import errors
from machstore.server.influx_auth import Gate
from machstore.server.influx_errors import InfluxError, go_quote

log = logging.getLogger("machstore.server.influx")

V1_PRECISIONS = ("", "n", "ns", "u", "ms", "s", "m", "h")
V2_PRECISIONS = ("", "ns", "us", "ms", "s")
KAPACITOR_VERSION = "1.7.0"  # NOTE: what X-Kapacitor-Version reports; Kapacitor clients only log it.

_READ_CHUNK = 1 << 16
# NOTE: before answering 413 without reading a body, up to this much of it is read and thrown
# away, so the client sees the response instead of a connection reset (Go's net/http does
# the same with 256 KB).  A larger rest is left unread and the connection is closed.
_DRAIN_LIMIT = 8 << 20
_HEADER_MAX = 1024
_HEADER_SAFE = bytes(b if 0x20 <= b != 0x7F or b == 0x09 else 0x20 for b in range(256))


class Family:
    """How the InfluxDB-style routes render errors and stamp headers.

    This is the one place where engine exceptions become HTTP responses for the family.
    """

    def __init__(self, name, *, text_errors=False, extra_headers=None):
        self.name = name
        self.text_errors = text_errors
        self.extra_headers = extra_headers or {}

    def decorate(self, resp):
        """Add the family's own headers to every response."""
        for name, value in self.extra_headers.items():
            resp.set_header(name, value)

    def render_error(self, req, resp, ex):
        """Turn ``ex`` (InfluxError, engine error, Falcon error or a bug) into a response."""
        headers = {}
        plain = self.text_errors  # Kapacitor: the write handler's own errors are plain text
        if isinstance(ex, InfluxError):
            status, message, headers = ex.status, ex.message, ex.headers
            if status in (401, 403):
                plain = False  # Kapacitor's auth wrapper answers JSON
        elif isinstance(ex, errors.DatabaseNotFound):
            db = getattr(req.context, "db", None)
            status = 404
            message = f"database not found: {go_quote(db)}" if db is not None else str(ex)
        elif isinstance(ex, errors.RetentionPolicyNotFound):
            # DEVIATION: InfluxDB 1.x answers 500 here, and Telegraf and other agents retry a 500
            # forever; the client's input is what is wrong, so this is a 400 with 1.x's message.
            status, message = 400, str(ex)
        elif isinstance(ex, (errors.InvalidArgument, errors.FieldTypeConflict)):
            status, message = 400, str(ex)
        elif isinstance(ex, errors.MachstoreError):
            log.error("engine error on %s %s: %s", req.method, req.path, ex)
            status, message = 500, str(ex)
        elif isinstance(ex, falcon.HTTPError):
            status = ex.status_code
            message = ex.description or ex.title
            headers = ex.headers or {}
            plain = False
        else:
            log.error("unhandled error on %s %s", req.method, req.path, exc_info=ex)
            status, message, plain = 500, "internal server error", False

        _drain(req)
        resp.status = status
        for name, value in headers.items():
            resp.set_header(name, value)
        resp.set_header("X-Influxdb-Error", _header_value(message))
        if plain:
            resp.content_type = "text/plain; charset=utf-8"
            resp.data = message.encode("utf-8") + b"\n"
        else:
            resp.content_type = falcon.MEDIA_JSON
            resp.data = orjson.dumps({"error": message})


INFLUX = Family("influxdb")
KAPACITOR = Family("kapacitor", text_errors=True,
                   extra_headers={"X-Kapacitor-Version": KAPACITOR_VERSION})


class Ping:
    """``GET``/``HEAD /ping``: 204, or 200 ``{"version": ...}`` with ``verbose``."""

    def __init__(self, settings, *, family=INFLUX):
        self.family = family
        self._version = settings.influx_version

    def on_get(self, req, resp):
        verbose = req.get_param("verbose") or ""
        if self.family is INFLUX and verbose not in ("", "0", "false"):
            resp.status = 200
            resp.content_type = falcon.MEDIA_JSON
            resp.data = orjson.dumps({"version": self._version})
        else:
            resp.status = 204

    def on_head(self, req, resp):
        resp.status = 204


class Write:
    """``POST /write``: line protocol in, 204 out."""

    precisions = V1_PRECISIONS
    precision_hint = "use n, u, ms, s, m or h"
    creates_any_target = False   # True: a missing db and rp are created, whatever the settings

    def __init__(self, engine, settings, *, family=INFLUX, default_precision=""):
        self.family = family
        self._engine = engine
        self._settings = settings
        self._default_precision = default_precision
        self._gate = Gate(engine, settings)

    def on_options(self, req, resp):
        resp.status = 204

    def on_post(self, req, resp):
        settings = self._settings
        user = self._gate.authenticate(req)
        precision = req.get_param("precision") or self._default_precision
        if precision not in self.precisions:
            raise InfluxError(400, f"invalid precision {go_quote(precision)} ({self.precision_hint})")
        db, rp = self.target(req)
        req.context.db = db
        strict = settings.strict_databases and not self.creates_any_target
        if strict and not (self._engine.get().database_exists(db) or self._engine.get().is_tag_table(db)):
            raise errors.DatabaseNotFound(f"database not found: {go_quote(db)}")
        self._gate.authorize_write(user, db)

        body = read_body(req, settings.max_body_size)
        if not body.strip():
            resp.status = 204  # InfluxDB answers an empty write with 204 and stores nothing
            return
        engine = self._engine.get()
        if engine.is_tag_table(db):
            # Machbase Neo: a db naming a TAG table stores rows named measurement.field there
            result = engine.write_lines_to_table(db, body, precision=precision)
        else:
            result = engine.write_lines(db, body, rp=rp or None, precision=precision, create_database=not strict,
                                        create_retention_policy=self.creates_any_target)
        raise_for_result(result)
        resp.status = 204

    def target(self, req):
        """Return ``(database, retention policy)`` named by the request."""
        db = req.get_param("db") or ""
        if not db:
            raise InfluxError(400, "database is required")
        return db, req.get_param("rp") or ""


class KapacitorWrite(Write):
    """``POST /kapacitor/v1/write``: Kapacitor scopes points by db and rp and accepts any pair.

    Missing databases and retention policies are created (an rp of infinite duration, not
    made the default), so the points are stored and every API and task sees them.
    """

    creates_any_target = True

    def __init__(self, engine, settings):
        super().__init__(engine, settings, family=KAPACITOR, default_precision="n")


class WriteV2(Write):
    """``POST /api/v2/write?bucket=db[/rp]&org=&precision=``: the 1.8 compatibility route."""

    precisions = V2_PRECISIONS
    precision_hint = "use ns, us, ms or s"

    def target(self, req):
        bucket = req.get_param("bucket") or ""
        db, slash, rp = bucket.partition("/")
        if not slash and not db:
            raise InfluxError(404, f"bucket name {go_quote(bucket)} is missing a slash; "
                                   f'not in "database/retention-policy" format')
        if not db:
            raise InfluxError(404, f"bucket name {go_quote(bucket)} is in db/rp form "
                                   f"but has an empty database")
        return db, rp


def raise_for_result(result):
    """Raise the 400 InfluxDB answers for a write that stored only part of its points."""
    if result.drop_errors:
        # NOTE: InfluxDB 1.x keeps one reason per partial write (the last one it met).
        raise InfluxError(400, f"partial write: {result.drop_errors[-1]} dropped={result.dropped}")
    if result.parse_errors:
        text = "\n".join(result.parse_errors)
        if result.points_written == 0 and result.dropped == 0:
            raise InfluxError(400, text)
        # NOTE: dropped=0 is InfluxDB's own quirk: lines that failed to parse are not counted.
        raise InfluxError(400, f"partial write: {text} dropped=0")


# -- request body -------------------------------------------------------------------------

def read_body(req, limit):
    """Read the whole request body (gunzipped if so encoded), at most ``limit`` bytes (0 = any).

    Raises ``InfluxError`` 413 when Content-Length, the bytes read, or the decompressed size
    exceed the limit, and 400 for a truncated body or a broken gzip stream.
    """
    length = req.content_length
    if limit and length is not None and length > limit:
        raise InfluxError(413, "Request Entity Too Large")
    if length is not None:
        data = _read_exactly(req.bounded_stream, length)
    elif "chunked" in (req.get_header("Transfer-Encoding") or "").lower():
        data = _read_to_eof(req.stream, limit)
    else:
        data = b""
    encoding = (req.get_header("Content-Encoding") or "").strip().lower()
    if encoding == "gzip":
        data = gunzip(data, limit)
    return data


def _read_exactly(stream, length):
    chunks = []
    remaining = length
    while remaining > 0:
        chunk = stream.read(remaining)
        if not chunk:
            raise InfluxError(400, "unexpected EOF")
        chunks.append(chunk)
        remaining -= len(chunk)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _read_to_eof(stream, limit):
    chunks = []
    total = 0
    while True:
        chunk = stream.read(_READ_CHUNK)
        if not chunk:
            return b"".join(chunks)
        total += len(chunk)
        if limit and total > limit:
            raise InfluxError(413, "Request Entity Too Large")
        chunks.append(chunk)


def gunzip(data, limit):
    """Decompress a gzip body (several members allowed), stopping as soon as ``limit`` is passed.

    Output is produced at most ``limit + 1`` bytes at a time, so a gzip bomb costs no more
    memory than an honest body of the maximum size.
    """
    if not data:
        raise InfluxError(400, "EOF")  # what Go's gzip reader says about an empty stream
    out = []
    total = 0
    pending = data
    while pending:
        if pending[:2] != b"\x1f\x8b":
            raise InfluxError(400, "gzip: invalid header")  # Go's gzip.ErrHeader, as InfluxDB says
        inflater = isal_zlib.decompressobj(16 + zlib.MAX_WBITS)
        while True:
            room = (limit - total + 1) if limit else 0
            try:
                chunk = inflater.decompress(pending, room)
            except (zlib.error, isal_zlib.error) as ex:
                raise InfluxError(400, str(ex)) from None
            total += len(chunk)
            if limit and total > limit:
                raise InfluxError(413, "Request Entity Too Large")
            out.append(chunk)
            if inflater.eof:
                pending = inflater.unused_data
                break
            pending = inflater.unconsumed_tail
            if not pending:
                raise InfluxError(400, "unexpected EOF")
    return b"".join(out)


def _drain(req):
    """Read and discard what is left of the body (bounded), so an error reply reaches the client."""
    try:
        length = req.content_length
        if length:
            _discard(req.bounded_stream, _DRAIN_LIMIT)
        elif "chunked" in (req.get_header("Transfer-Encoding") or "").lower():
            _discard(req.stream, _DRAIN_LIMIT)
    except Exception:  # noqa: BLE001 - a client that went away still gets its answer attempted
        log.debug("could not drain the request body", exc_info=True)


def _discard(stream, budget):
    while budget > 0:
        chunk = stream.read(min(_READ_CHUNK, budget))
        if not chunk:
            return
        budget -= len(chunk)


# -- helpers ------------------------------------------------------------------------------

def _header_value(message):
    """Return the first 1024 bytes of ``message`` as a header-safe value (controls -> spaces)."""
    raw = message.encode("utf-8")[:_HEADER_MAX].translate(_HEADER_SAFE)
    return raw.decode("latin-1")
