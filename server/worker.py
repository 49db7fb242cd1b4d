"""gunicorn worker classes for machstore: gunicorn's own, with four changes at the edges.

1. **The request line.**  gunicorn refuses request lines over 8 KB (its hard cap) with an HTML
   page, but SQL on ``/machbase?q=`` and InfluxQL on ``/query?q=`` are often longer.  The app
   refuses targets over ``max_request_line`` itself, in each API's own error format
   (``server/app.py``), so gunicorn's limit is raised to twice that: far enough that the app's
   answer is the one clients meet, yet bounded, because gunicorn's parser copies the buffer on
   every read and its cost grows with the square of the line (16 MB cost 40 s of CPU, measured).
2. **Errors gunicorn answers itself** (malformed request lines and headers, limits) are JSON
   ``{"error": ...}`` like every other machstore error, not gunicorn's HTML page.
3. **A stop signal during boot is kept.**  Between the fork and gunicorn's own signal setup a
   worker still has the master's handlers, which queue the signal for the master, so a
   SIGTERM that arrives then is lost and the worker serves on until the graceful timeout
   kills it.  The gevent worker monkey-patches first, which makes that window long enough
   to hit (a server stopped right after it answered its first ``/ping``); here the worker
   takes the signal itself from its first instruction on.

4. **One send per small response.**  gunicorn writes the status line and headers with one
   ``sendall`` and the body with another; for a small answer the second send (and the extra
   wake-up of the client that reads the headers first) costs more than building it.  The
   headers are held back and go out with the first body write when that is under 64 KB (PERF:
   -1 ms per small ``/query`` on a loaded 2-core machine), or on their own before anything
   larger, a chunked body, or no body at all.

Which base class serves connections is the ``worker_class`` setting; ``gevent`` is the default,
see ``docs/workers.md`` for why.
"""
import signal

import orjson
from gunicorn import util
from gunicorn.http import errors as http_errors
from gunicorn.http import message, wsgi
from gunicorn.workers.ggevent import GeventWorker as _GunicornGevent
from gunicorn.workers.gthread import ThreadWorker as _GunicornThread
from gunicorn.workers.sync import SyncWorker as _GunicornSync

from machstore.server.access_log import redact_text

__all__ = ["CLASS_PATHS", "GeventWorker", "SyncWorker", "ThreadWorker", "request_line_cap"]

# what gunicorn answers for each parse failure (everything else it refuses is a 400)
_STATUS = {
    http_errors.LimitRequestLine: (414, "URI Too Long"),
    http_errors.LimitRequestHeaders: (431, "Request Header Fields Too Large"),
    http_errors.UnsupportedTransferCoding: (501, "Not Implemented"),
    http_errors.ExpectationFailed: (417, "Expectation Failed"),
    http_errors.ForbiddenProxyRequest: (403, "Forbidden"),
}
_APP_FAULTS = (http_errors.InvalidResponseHeader, http_errors.InvalidResponseHeaderName,
               http_errors.ConfigurationProblem)


def request_line_cap(max_request_line):
    """The request-line limit given to gunicorn: twice the app's, so the app answers first."""
    return 2 * max_request_line + 64  # + the method, spaces and HTTP version around the target


_COALESCE_MAX = 64 * 1024


class _CoalescingResponse(wsgi.Response):
    """gunicorn's response, writing the headers together with a small body (change 4)."""

    _held = None

    def send_headers(self):
        if self.headers_sent:
            return
        tosend = self.default_headers()
        tosend.extend(["%s: %s\r\n" % (k, v) for k, v in self.headers])   # noqa: UP031 - gunicorn's own text
        self._held = util.to_bytestring("%s\r\n" % "".join(tosend), "latin-1")  # noqa: UP031
        self.headers_sent = True

    def _flush_held(self):
        held, self._held = self._held, None
        if held is not None:
            util.write(self.sock, held)

    def _emit_body(self, data):
        held = self._held
        if held is not None and not self.chunked and len(data) <= _COALESCE_MAX:
            self._held = None
            util.write(self.sock, held + data)
            return
        self._flush_held()
        super()._emit_body(data)

    def sendfile(self, respiter):
        self._flush_held()
        return super().sendfile(respiter)

    def close(self):
        if not self.headers_sent:
            self.send_headers()
        self._flush_held()
        super().close()


class _EdgeMixin:
    """Lift gunicorn's 8 KB request-line cap to ``limit_request_line``; answer its refusals in JSON."""

    def init_process(self):
        # NOTE: gunicorn builds its Response through the module attribute (wsgi.create); this
        # worker process takes the coalescing one (change 4) where gunicorn writes every body
        # through ``_emit_body`` (older ones write it directly: they keep their own)
        if "_emit_body" in vars(wsgi.Response):
            wsgi.Response = _CoalescingResponse
        for sig in (signal.SIGTERM, signal.SIGQUIT):
            signal.signal(sig, self._stop_while_booting)
        # NOTE: gunicorn clamps limit_request_line to this module constant (8190) when it builds
        # each request; raising the constant in this worker process lets the configured,
        # bounded limit apply (cli.py sets limit_request_line from max_request_line).
        message.MAX_REQUEST_LINE = max(message.MAX_REQUEST_LINE, self.cfg.limit_request_line + 1)
        super().init_process()

    def _stop_while_booting(self, sig, frame):
        """Until gunicorn installs its handlers: remember the stop, so run() returns at once."""
        self.alive = False

    def handle_error(self, req, client, addr, exc):
        if not isinstance(exc, http_errors.ParseException) or isinstance(exc, _APP_FAULTS):
            return super().handle_error(req, client, addr, exc)
        status, reason = next((v for cls, v in _STATUS.items() if isinstance(exc, cls)), (400, "Bad Request"))
        text = redact_text(str(exc))  # a malformed request line may carry p= or a password in q=
        if len(text) > 300:
            text = text[:300] + "..."
        self.log.warning("Invalid request from ip=%s: %s", (addr or ("",))[0], text)
        body = orjson.dumps({"error": f"{reason}: {text}"})
        head = (f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n").encode("latin-1")
        try:
            util.write_nonblock(client, head + body)
        except Exception:  # noqa: BLE001 - the client may be gone; nothing else to tell it
            self.log.debug("Failed to send error message.")


class GeventWorker(_EdgeMixin, _GunicornGevent):
    """gunicorn's gevent worker: one greenlet per connection (the default)."""


class ThreadWorker(_EdgeMixin, _GunicornThread):
    """gunicorn's gthread worker: a thread pool per worker."""


class SyncWorker(_EdgeMixin, _GunicornSync):
    """gunicorn's sync worker: one request at a time."""


CLASS_PATHS = {
    "gevent": "machstore.server.worker.GeventWorker",
    "gthread": "machstore.server.worker.ThreadWorker",
    "sync": "machstore.server.worker.SyncWorker",
}
