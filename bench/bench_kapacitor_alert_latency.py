"""Alert delivery latency: from a ``/write`` answered 204 to the alert's POST reaching a local
HTTP handler (issue 10's second alert benchmark), against the ``/write`` round trip itself.

A plain script::

    python bench/bench_kapacitor_alert_latency.py [--alerts 200] [--workers 2]

It starts a real ``machstore serve`` (``bench/servers.py``: the installed package, a fresh
LMDB directory, loopback port) and an HTTP sink on loopback (``http.server``, which stamps each
request with ``time.monotonic()`` the moment its body is read), creates the database and the
stream task::

    stream|from().measurement('lat')|alert().id('lat').crit(lambda: "seq" >= 0).post('<sink>')

(every point triggers: no ``stateChangesOnly``), then writes one point at a time
(``lat seq=<i>i``) and, for each, waits until the sink got the event that carries that
``seq`` before writing the next.  Per alert it keeps: the ``/write`` round trip (request sent
-> 204 read: the baseline, in the same run) and the delivery latency (204 read -> the sink read
the POST).  The first ``--warmup`` alerts (task start, first connection) are left out.  Prints
p50/p90/max of both in milliseconds; the numbers are kept in ``bench/README.md``.
"""
from __future__ import annotations

import argparse
import http.server
import json
import pathlib
import sys
import tempfile
import threading
import time

import requests

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from servers import start_machstore, stop

DB = "alertlat"
TASK = "alertlat"


class _Sink(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        got = time.monotonic()
        seq = json.loads(body)["data"]["series"][0]["values"][0][1]
        with self.server.cond:
            self.server.received[seq] = got
            self.server.cond.notify_all()
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def _percentiles(values_ms) -> str:
    v = sorted(values_ms)
    pick = lambda q: v[min(len(v) - 1, int(q * len(v)))]
    return f"p50 {pick(0.5):8.2f} ms   p90 {pick(0.9):8.2f} ms   max {v[-1]:8.2f} ms"


def _wait_task(url, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        st = requests.get(f"{url}/kapacitor/v1/tasks/{TASK}", timeout=10).json()
        if st.get("executing"):
            return
        if st.get("error"):
            raise SystemExit(f"task failed: {st['error']}")
        time.sleep(0.05)
    raise SystemExit("the task did not start")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--alerts", type=int, default=200, help="alerts measured")
    ap.add_argument("--warmup", type=int, default=10, help="alerts sent first and not measured")
    ap.add_argument("--workers", type=int, default=2, help="gunicorn workers of the server")
    ap.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for one alert")
    args = ap.parse_args(argv)

    sink = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Sink)
    sink.daemon_threads = True
    sink.cond, sink.received = threading.Condition(), {}
    threading.Thread(target=sink.serve_forever, daemon=True).start()
    sink_url = f"http://127.0.0.1:{sink.server_address[1]}/alert"

    with tempfile.TemporaryDirectory(prefix="alertlat-") as data:
        proc, url = start_machstore(data, workers=args.workers)
        try:
            r = requests.post(f"{url}/query", params={"q": f'CREATE DATABASE "{DB}"'}, timeout=10)
            assert r.status_code == 200 and "error" not in r.json()["results"][0], r.text
            script = (f"stream|from().measurement('lat')|alert().id('lat')"
                      f".crit(lambda: \"seq\" >= 0).post('{sink_url}')")
            r = requests.post(f"{url}/kapacitor/v1/tasks", timeout=10, data=json.dumps(
                {"id": TASK, "type": "stream", "dbrps": [{"db": DB, "rp": "autogen"}], "script": script,
                 "status": "enabled"}))
            assert r.status_code == 200, r.text
            _wait_task(url)
            session = requests.Session()
            writes, deliveries = [], []
            for seq in range(args.warmup + args.alerts):
                sent = time.monotonic()
                r = session.post(f"{url}/write", params={"db": DB}, data=f"lat seq={seq}i".encode(), timeout=10)
                answered = time.monotonic()
                assert r.status_code == 204, r.text
                with sink.cond:
                    if not sink.cond.wait_for(lambda s=seq: s in sink.received, timeout=args.timeout):
                        raise SystemExit(f"alert {seq} never reached the sink")
                    got = sink.received[seq]
                if seq >= args.warmup:
                    writes.append((answered - sent) * 1000)
                    deliveries.append((got - answered) * 1000)
        finally:
            stop(proc)
            sink.shutdown()
    print(f"{args.alerts} alerts, server with {args.workers} workers")
    print(f"{'/write round trip (baseline)':34s} {_percentiles(writes)}")
    print(f"{'write 204 -> handler received':34s} {_percentiles(deliveries)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
