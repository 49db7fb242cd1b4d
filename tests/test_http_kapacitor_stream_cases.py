"""Every restated ``streamer_test.go`` case (tests/kstream_cases_*.py) end to end on one server.

As a user would run it: the case's task is created and enabled through ``POST
/kapacitor/v1/tasks``, its rebased points are written through ``/write`` one request per point
(each case in its own database and retention policy: ``dbname``/``rpname`` rewritten), and
once the stream cursor passed them the httpOut result is read from ``GET
/kapacitor/v1/tasks/<id>/<endpoint>``; alert events and httpPost requests are read from real
sinks on loopback (an HTTP server, a TCP server, log files in a temporary directory).
"""
import http.server
import itertools
import json
import re
import socketserver
import threading
import time

import pytest
import requests
from conftest import open_engine
from kapacitor_tasks import cursor, head, wait_for
from kstream_cases import all_cases, same, sorted_series

from machstore.kapacitor.replay import read_srpl

BASE = "/kapacitor/v1"
# the exec case runs Kapacitor's /bin/my-script; its handler is tested with a real program in
# tests/test_kapacitor_alert_handlers.py
CASES = [c for c in all_cases() if (c.expected or c.alerts is not None or c.posts is not None)
         and "/bin/my-script" not in c.script]
_n = itertools.count()


class Sinks:
    """An HTTP and a TCP server on loopback recording what they receive, by request path."""

    def __init__(self):
        self.http, self.tcp = [], []
        sinks = self

        class Http(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                sinks.http.append((self.path, body))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        class Tcp(socketserver.StreamRequestHandler):
            def handle(self):
                sinks.tcp.append(self.rfile.read())

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Http)
        self.tcpd = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Tcp)
        for srv in (self.httpd, self.tcpd):
            threading.Thread(target=srv.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.tcp_addr = f"127.0.0.1:{self.tcpd.server_address[1]}"

    def close(self):
        self.httpd.shutdown()
        self.tcpd.shutdown()


@pytest.fixture(scope="module")
def sinks():
    s = Sinks()
    yield s
    s.close()


def rewrite(text, db, rp):
    """The case's names ``dbname``/``rpname`` replaced by this run's own."""
    return re.sub(r"\brpname\b", rp, re.sub(r"\bdbname\b", db, text))


def task(server, task_id):
    return requests.get(f"{server.url}{BASE}/tasks/{task_id}", timeout=30).json()


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_stream_case_over_http(server, sinks, tmp_path, case):
    k = next(_n)
    db, rp, task_id = f"kcase{k}", f"rp{k}", f"case{k}"
    prefix = f"{sinks.url}/case{k}"
    script = rewrite(case.script, db, rp)
    for key, value in (("$SINK_URL", prefix), ("$SINK_TCP", sinks.tcp_addr), ("$SINK_DIR", str(tmp_path))):
        script = script.replace(key, value)
    points = read_srpl(rewrite(case.srpl_text(), db, rp))
    for pdb, prp in sorted({(p.db, p.rp) for p in points} | {(db, rp)}):
        r = requests.post(f"{server.url}/query", params={"q": f'CREATE DATABASE "{pdb}" WITH NAME "{prp}"'})
        assert r.status_code == 200 and "error" not in r.json()["results"][0], r.text
    r = requests.post(f"{server.url}{BASE}/tasks", timeout=30, data=json.dumps(
        {"id": task_id, "type": "stream", "dbrps": [{"db": db, "rp": rp}], "script": script, "status": "enabled"}))
    assert r.status_code == 200, r.text
    st = wait_for(lambda: _started(server, task_id))
    assert st["executing"], st["error"]
    for p in points:
        r = requests.post(f"{server.url}/write", params={"db": p.db, "rp": p.rp}, data=p.line().encode())
        assert r.status_code == 204, r.text
    assert wait_for(lambda: _caught_up(server), timeout=30)
    st = task(server, task_id)
    assert st["executing"], st["error"]
    for endpoint, want in (case.expected or {}).items():
        got = requests.get(f"{server.url}{BASE}/tasks/{task_id}/{endpoint}", timeout=30).json()
        if case.ignore_order:
            got, want = sorted_series(got), sorted_series(want)
        assert same(got, want) == [], (case.name, got)
    if case.posts is not None:
        got = _wait_len(lambda: [(p, b) for p, b in sinks.http if p.startswith(f"/case{k}")], len(case.posts))
        got = [{"path": p.removeprefix(f"/case{k}"), "body": json.loads(b)} for p, b in got]
        assert same(got, case.posts) == [], (case.name, got)
    if case.alerts is not None:
        events = _wait_len(lambda: _events(sinks, script, k, tmp_path), len(case.alerts))
        assert len(events) == len(case.alerts), (case.name, events)
        for i, (event, want) in enumerate(zip(events, case.alerts)):
            checked = {key: event.get(key) for key in want}
            assert same(checked, want, f"[{i}]") == [], (case.name, i, event)


def _events(sinks, script, k, tmp_path):
    """The alert events this case's handlers delivered, in order (one handler kind per case:
    the HTTP sink under the case's own path, the TCP sink, or the first of its log files)."""
    if f"/case{k}" in script:
        return [json.loads(b) for p, b in sinks.http if p.startswith(f"/case{k}")]
    if sinks.tcp_addr in script:
        return [json.loads(line) for chunk in sinks.tcp for line in chunk.splitlines() if line.strip()]
    logs = sorted(tmp_path.glob("*.log"))
    return [json.loads(line) for line in logs[0].read_text().splitlines()] if logs else []


def _wait_len(get, n, timeout=20.0):
    """Poll ``get()`` until it holds ``n`` items (and a little longer, to catch extra ones)."""
    deadline = time.monotonic() + timeout
    got = get()
    while len(got) < n and time.monotonic() < deadline:
        time.sleep(0.02)
        got = get()
    time.sleep(0.2)
    return get()


def _started(server, task_id):
    """The task once the engine process started it or gave up (else None)."""
    t = task(server, task_id)
    return t if t["executing"] or t["error"] else None


def _caught_up(server):
    with open_engine(server.data_dir) as eng:
        return cursor(eng) >= head(eng)
