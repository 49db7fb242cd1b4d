"""The HTTP edge: slow and idle connections, long request lines, requests gunicorn refuses itself.

Each test talks to a real ``machstore serve`` over loopback sockets.  Nothing here asserts a
speed: ``bench/slow_clients.py`` measures how fast ``/ping`` answers beside slow clients.
"""
import socket
import time

import pytest
import requests

SLOW_HEAD = b"GET /ping HTTP/1.1\r\nHost: x\r\nX-Slow: "   # a request header that never ends


def open_slow_sockets(server, n):
    """Open ``n`` connections that each send part of a request header and then nothing."""
    socks = []
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", server.port), timeout=5)
        s.sendall(SLOW_HEAD)
        socks.append(s)
    return socks


def test_slow_clients_do_not_stop_other_clients(server, db):
    # With one sync worker per process, 40 such sockets left /ping waiting for as long as they
    # stayed; the default worker serves everyone else meanwhile.
    socks = open_slow_sockets(server, 40)
    try:
        time.sleep(0.5)  # every worker has accepted some of them by now
        for _ in range(20):
            assert requests.get(server.url + "/ping", timeout=5).status_code == 204
        resp = requests.post(server.url + "/write", params={"db": db}, data=b"m v=1 1", timeout=5)
        assert resp.status_code == 204
        resp = requests.get(server.url + "/query", params={"q": f'SHOW MEASUREMENTS ON "{db}"'}, timeout=5)
        assert resp.json()["results"][0]["series"][0]["values"] == [["m"]]
        # the slow sockets are still open and waiting: nothing was answered to them
        for s in socks[:5]:
            s.setblocking(False)
            with pytest.raises(BlockingIOError):
                s.recv(1)
    finally:
        for s in socks:
            s.close()


def test_a_slow_client_that_finishes_is_answered(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(SLOW_HEAD)
        time.sleep(0.3)
        s.sendall(b"1\r\nConnection: close\r\n\r\n")
        reply = s.recv(4096)
    assert reply.startswith(b"HTTP/1.1 204 ")


def test_idle_keep_alive_connections_do_not_stop_other_clients(server):
    sessions = [requests.Session() for _ in range(40)]
    try:
        for sess in sessions:
            assert sess.get(server.url + "/ping", timeout=5).status_code == 204  # left open, idle
        for _ in range(10):
            assert requests.get(server.url + "/ping", timeout=5).status_code == 204
    finally:
        for sess in sessions:
            sess.close()


# -- long request lines ---------------------------------------------------------------------------

def test_64_kb_of_influxql_in_the_url_works(server, db):
    assert requests.post(server.url + "/write", params={"db": db}, data=b"cpu,host=a v=1 1\ncpu,host=b v=2 2",
                         timeout=10).status_code == 204
    hosts = "|".join(f"h{i:05d}" for i in range(11_000)) + "|a"
    q = f'SHOW TAG VALUES ON "{db}" FROM cpu WITH KEY = host WHERE host =~ /^({hosts})$/'
    assert len(q) > 65_536
    resp = requests.get(server.url + "/query", params={"q": q}, timeout=30)
    assert resp.status_code == 200, resp.text[:300]
    assert resp.json()["results"][0]["series"][0]["values"] == [["host", "a"]]


def test_64_kb_of_sql_in_the_url_works(server):
    names = ", ".join(f"'n{i:06d}'" for i in range(7_000))
    q = f"select count(*) from m$sys_tables where name in ({names})"
    assert len(q) > 65_536
    resp = requests.get(server.url + "/machbase", params={"q": q}, timeout=30)
    assert resp.status_code == 200, resp.text[:300]
    assert resp.json()["error_code"] == 0
    assert resp.json()["data"] == [{"COUNT(*)": 0}]


def test_a_target_over_the_limit_is_refused_in_each_apis_format(server):
    pad = " " * 1_100_000   # over max_request_line (1 MiB by default)
    resp = requests.get(server.url + "/query", params={"q": "SHOW DATABASES" + pad}, timeout=30)
    assert resp.status_code == 414
    assert resp.headers["Content-Type"].startswith("application/json")
    assert "longer than the 1048576 bytes accepted" in resp.json()["error"]
    resp = requests.get(server.url + "/machbase", params={"q": "select 1" + pad}, timeout=30)
    assert resp.status_code == 414
    assert resp.json()["error_code"] == 3126 and "error_message" in resp.json()
    resp = requests.post(server.url + "/kapacitor/v1/write", params={"db": "x" + pad}, data=b"m v=1", timeout=30)
    assert resp.status_code == 414
    assert "longer than the 1048576 bytes accepted" in resp.json()["error"]


def test_a_request_line_past_gunicorns_bound_gets_json_not_html(server):
    pad = "x" * 2_200_000   # past twice max_request_line: gunicorn stops reading it
    resp = requests.get(server.url + "/query", params={"q": pad}, timeout=30)
    assert resp.status_code == 414
    assert resp.headers["Content-Type"] == "application/json"
    assert resp.json()["error"].startswith("URI Too Long: ")
    assert requests.get(server.url + "/ping", timeout=5).status_code == 204


@pytest.mark.parametrize("raw, status", [
    (b"GET /ping HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n", 400),
    (b"GET /ping HTTP/9.9\r\nHost: x\r\n\r\n", 400),
    (b"G\x00T /ping HTTP/1.1\r\nHost: x\r\n\r\n", 400),
    (b"POST /write HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 400),
])
def test_requests_gunicorn_refuses_get_json_not_html(server, raw, status):
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(raw)
        reply = b""
        while chunk := s.recv(4096):
            reply += chunk
    head, _, body = reply.partition(b"\r\n\r\n")
    assert head.startswith(f"HTTP/1.1 {status} ".encode())
    assert b"Content-Type: application/json" in head
    assert body.startswith(b'{"error":')
