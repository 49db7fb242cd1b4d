"""The alert handlers against real local sinks (machstore/kapacitor/alerts/handlers.py):
an HTTP server and a TCP server on loopback, a real program run with the event on stdin, real
log files; and the event's JSON bytes as Go's encoder writes them."""
import http.server
import json
import os
import socket
import stat
import sys
import threading

import pytest

from machstore.kapacitor.alerts.event import alert_data, encode
from machstore.kapacitor.alerts.handlers import DeliveryError, HandlerError, check, deliver

ROW = {"name": "cpu", "tags": {"type": "idle", "host": "serverA"}, "columns": ["time", "count"],
       "values": [["1971-01-01T00:00:10Z", 10.0]]}
EVENT = alert_data(id="kapacitor.cpu.serverA", message="kapacitor.cpu.serverA is CRITICAL", details="<b>&</b>",
                   time=31536010 * 10**9, duration=2 * 10**9, level=3, row=ROW, previous_level=1,
                   recoverable=True)
GO_JSON = (b'{"id":"kapacitor.cpu.serverA","message":"kapacitor.cpu.serverA is CRITICAL",'
           b'"details":"\\u003cb\\u003e\\u0026\\u003c/b\\u003e","time":"1971-01-01T00:00:10Z",'
           b'"duration":2000000000,"level":"CRITICAL","data":{"series":[{"name":"cpu",'
           b'"tags":{"host":"serverA","type":"idle"},"columns":["time","count"],'
           b'"values":[["1971-01-01T00:00:10Z",10]]}]},"previousLevel":"INFO","recoverable":true}\n')


def test_encode_is_gos_json_encoder():
    assert encode(EVENT) == GO_JSON
    assert json.loads(GO_JSON) == {**EVENT, "data": {"series": [{**ROW, "values": [["1971-01-01T00:00:10Z", 10]]}]}}


# -- post ----------------------------------------------------------------------------------------
class _Sink(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.got.append((self.path, dict(self.headers), body))
        code = self.server.code
        self.send_response(code)
        self.end_headers()
        if code != 200:
            self.wfile.write(b"sink says no")

    def log_message(self, *args):
        pass


@pytest.fixture
def http_sink():
    srv = http.server.HTTPServer(("127.0.0.1", 0), _Sink)
    srv.got, srv.code = [], 200
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def post(url, **opts):
    return ("AlertHTTPPostHandler", {"URL": url, "Endpoint": "", "Timeout": 0, **opts})


def test_post_sends_the_json_with_headers(http_sink):
    url = f"http://127.0.0.1:{http_sink.server_port}/alerts/{{{{ .ID }}}}"
    deliver(post(url, Headers={"X-Team": "ops"}, Timeout=5 * 10**9), EVENT)
    path, headers, body = http_sink.got[0]
    assert path == "/alerts/kapacitor.cpu.serverA"  # the URL is a template over alert.Data
    assert body == GO_JSON
    assert headers["Content-Type"] == "application/json" and headers["X-Team"] == "ops"


def test_post_failure_raises_with_or_without_the_response(http_sink):
    http_sink.code = 500
    url = f"http://127.0.0.1:{http_sink.server_port}/"
    with pytest.raises(DeliveryError, match="unknown error, use .captureResponse"):
        deliver(post(url), EVENT)
    with pytest.raises(DeliveryError, match="sink says no code=500"):
        deliver(post(url, CaptureResponseFlag=True), EVENT)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(DeliveryError, match="failed to POST alert data"):
        deliver(post(f"http://127.0.0.1:{port}/"), EVENT)


def test_post_endpoints_and_bad_urls_are_refused_at_start():
    with pytest.raises(HandlerError, match="^Either URL or endpoint must be non-empty$"):
        check(post(""))
    with pytest.raises(HandlerError, match="An appropriately formatted url must be specified if an endpoint is not"):
        check(("AlertHTTPPostHandler", {"URL": "", "Endpoint": "example", "Timeout": 0}))
    with pytest.raises(HandlerError, match="failed to parse template"):
        check(post("http://x/{{ .ID"))


# -- tcp -----------------------------------------------------------------------------------------
def test_tcp_sends_json_and_a_newline():
    got = []
    srv = socket.create_server(("127.0.0.1", 0))

    def accept():
        conn, _ = srv.accept()
        with conn:
            data = b""
            while chunk := conn.recv(65536):
                data += chunk
            got.append(data)
    t = threading.Thread(target=accept, daemon=True)
    t.start()
    deliver(("TcpHandler", {"Address": f"127.0.0.1:{srv.getsockname()[1]}"}), EVENT)
    t.join(10)
    srv.close()
    # json.Encoder's newline, then tcpHandler's own
    assert got == [GO_JSON + b"\n"]


def test_tcp_refused_connection_raises():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(DeliveryError, match="tcp handler failed to connect"):
        deliver(("TcpHandler", {"Address": f"127.0.0.1:{port}"}), EVENT)


# -- exec ----------------------------------------------------------------------------------------
def test_exec_runs_the_program_with_the_event_on_stdin(tmp_path):
    out = tmp_path / "stdin.json"
    script = "import sys; open(sys.argv[1], 'wb').write(sys.stdin.buffer.read())"
    deliver(("ExecHandler", {"Command": [sys.executable, "-c", script, str(out)]}), EVENT)
    assert out.read_bytes() == GO_JSON


def test_exec_failure_raises_with_the_output():
    script = "import sys; print('boom'); sys.exit(3)"
    with pytest.raises(DeliveryError, match=r"exit status 3 output=boom"):
        deliver(("ExecHandler", {"Command": [sys.executable, "-c", script]}), EVENT)
    with pytest.raises(DeliveryError, match="exec command failed"):
        deliver(("ExecHandler", {"Command": ["/nonexistent/machstore-prog"]}), EVENT)


# -- log -----------------------------------------------------------------------------------------
def test_log_appends_one_json_per_line_with_the_mode(tmp_path):
    normal, mode = tmp_path / "normal.log", tmp_path / "mode.log"
    old = os.umask(0)
    try:
        for _ in range(2):
            deliver(("LogHandler", {"FilePath": str(normal), "Mode": 0}), EVENT)
            deliver(("LogHandler", {"FilePath": str(mode), "Mode": 0o644}), EVENT)
    finally:
        os.umask(old)
    assert normal.read_bytes() == GO_JSON * 2 and mode.read_bytes() == GO_JSON * 2
    assert stat.S_IMODE(normal.stat().st_mode) == 0o600
    assert stat.S_IMODE(mode.stat().st_mode) == 0o644


def test_log_into_a_missing_directory_raises(tmp_path):
    with pytest.raises(DeliveryError, match="failed to open file for alert logging"):
        deliver(("LogHandler", {"FilePath": str(tmp_path / "no" / "x.log"), "Mode": 0}), EVENT)


def test_unsupported_kinds_are_refused_never_ignored():
    with pytest.raises(HandlerError, match=r"^alert handler \.slack\(\) \(SlackHandler\) is not supported yet"):
        check(("SlackHandler", {}))
    with pytest.raises(HandlerError, match="not supported yet"):
        deliver(("EmailHandler", {"ToList": ["a@b"]}), EVENT)


def test_an_outbox_round_trip_through_json_delivers_the_same_bytes(tmp_path):
    """The task master stores (handler, event) as JSON in its outbox: tuples come back as lists."""
    path = tmp_path / "a.log"
    handler = ("LogHandler", {"FilePath": str(path), "Mode": 0})
    deliver(json.loads(json.dumps(handler)), json.loads(json.dumps(EVENT)))
    assert path.read_bytes() == GO_JSON
