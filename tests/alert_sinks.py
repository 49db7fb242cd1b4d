"""Local peers alert handlers deliver to in tests: an HTTP sink and a TCP sink on loopback.

``HTTPSink`` records every request as a ``Request`` (method, path with query, headers, body)
and answers with ``status``/``response`` (settable per test, e.g. a 500 to test retries).
``TCPSink`` records what each connection sent until it closed.  Both are context managers;
``wait(n)`` blocks until ``n`` requests (connections) arrived or a timeout passes.
"""
from __future__ import annotations

import http.server
import socket
import threading
import time
from dataclasses import dataclass


@dataclass
class Request:
    method: str
    path: str          # with the query string
    headers: dict      # header name -> value (as sent; http.client normalises case on lookup only)
    body: bytes


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _serve(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        sink = self.server.sink
        with sink.lock:
            sink.requests.append(Request(self.command, self.path, dict(self.headers.items()), body))
            status, response = sink.status, sink.response
        self.send_response(status)
        self.send_header("Content-Type", sink.content_type)
        self.send_header("Content-Length", str(len(response)))
        self.end_headers()
        self.wfile.write(response)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

    def log_message(self, *args):
        pass


class HTTPSink:
    """An HTTP server on 127.0.0.1 recording requests (see the module docstring)."""

    def __init__(self, status: int = 200, response: bytes = b"{}", content_type: str = "application/json"):
        self.status, self.response, self.content_type = status, response, content_type
        self.requests: list[Request] = []
        self.lock = threading.Lock()
        self._srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._srv.sink = self
        self._srv.daemon_threads = True
        self._thread = threading.Thread(target=self._srv.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._srv.server_address[1]}"

    def wait(self, n: int = 1, timeout: float = 10.0) -> list[Request]:
        deadline = time.monotonic() + timeout
        while len(self.requests) < n and time.monotonic() < deadline:
            time.sleep(0.01)
        return list(self.requests)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._srv.shutdown()
        self._srv.server_close()


class TCPSink:
    """A TCP listener on 127.0.0.1; ``received`` holds the bytes of each closed connection."""

    def __init__(self):
        self._sock = socket.create_server(("127.0.0.1", 0))
        self.received: list[bytes] = []
        self._stop = False
        self._thread = threading.Thread(target=self._run, daemon=True)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self._sock.getsockname()[1]}"

    def _run(self):
        self._sock.settimeout(0.1)
        while not self._stop:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(5)
                chunks = []
                while True:
                    try:
                        data = conn.recv(65536)
                    except OSError:
                        break
                    if not data:
                        break
                    chunks.append(data)
            self.received.append(b"".join(chunks))

    def wait(self, n: int = 1, timeout: float = 10.0) -> list[bytes]:
        deadline = time.monotonic() + timeout
        while len(self.received) < n and time.monotonic() < deadline:
            time.sleep(0.01)
        return list(self.received)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop = True
        self._thread.join(2)
        self._sock.close()
