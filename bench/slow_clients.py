"""How fast ``/ping`` answers while slow clients hold connections open, per worker class.

A slow client sends part of a request header and then nothing (``GET /ping HTTP/1.1``,
``Host``, and an unfinished ``X-Slow:`` line), as a stalled agent or a slowloris does.  For
each worker class (``sync``, ``gthread``, ``gevent``) this starts ``machstore serve`` with 2
workers, opens ``--slow`` such sockets, then times ``--requests`` sequential ``/ping`` calls
from a normal client (each with a ``--deadline`` second timeout), and reports p50/p95/max and
how many calls missed the deadline; the same with no slow sockets is the baseline of the run.

    python bench/slow_clients.py                       # 40 slow sockets, 200 pings per class
    python bench/slow_clients.py --slow 200 --classes gevent
"""
import argparse
import os
import socket
import sys
import tempfile
import time

import requests

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from servers import start_machstore, stop  # noqa: E402

SLOW_HEAD = b"GET /ping HTTP/1.1\r\nHost: x\r\nX-Slow: "


def ping_latencies(url, n, deadline):
    """``n`` sequential pings on fresh connections: (sorted latencies in ms, number that failed)."""
    out, failed = [], 0
    for _ in range(n):
        t0 = time.perf_counter()
        try:
            ok = requests.get(url + "/ping", timeout=deadline).status_code == 204
        except requests.RequestException:
            ok = False
        if ok:
            out.append((time.perf_counter() - t0) * 1000)
        else:
            failed += 1
    return sorted(out), failed


def percentile(values, q):
    return values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")


def measure(worker_class, slow, n, deadline):
    """Rows ``(class, slow sockets, p50, p95, max, failed)`` with 0 and with ``slow`` slow sockets."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        proc, url = start_machstore(os.path.join(tmp, "data"), flags=["--worker-class", worker_class])
        try:
            ping_latencies(url, 20, deadline)  # warm up both workers
            for count in (0, slow):
                port = int(url.rsplit(":", 1)[1])
                socks = []
                for _ in range(count):
                    s = socket.create_connection(("127.0.0.1", port), timeout=5)
                    s.sendall(SLOW_HEAD)
                    socks.append(s)
                time.sleep(0.5)
                lat, failed = ping_latencies(url, n, deadline)
                rows.append((worker_class, count, percentile(lat, 0.5), percentile(lat, 0.95),
                             lat[-1] if lat else float("nan"), failed))
                for s in socks:
                    s.close()
        finally:
            stop(proc)
    return rows


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--slow", type=int, default=40, help="slow sockets held open (default 40)")
    ap.add_argument("--requests", type=int, default=200, help="pings timed per case (default 200)")
    ap.add_argument("--deadline", type=float, default=2.0, help="seconds a ping may take (default 2)")
    ap.add_argument("--classes", default="sync,gthread,gevent", help="worker classes, comma-separated")
    args = ap.parse_args(argv)
    print(f"{'worker class':>12} {'slow':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'missed':>7}")
    for worker_class in args.classes.split(","):
        for row in measure(worker_class, args.slow, args.requests, args.deadline):
            print(f"{row[0]:>12} {row[1]:>5} {row[2]:>8.2f} {row[3]:>8.2f} {row[4]:>8.2f} {row[5]:>7}")


if __name__ == "__main__":
    main()
