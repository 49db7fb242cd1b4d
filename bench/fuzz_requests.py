"""Send a seeded stream of malformed requests to machstore; report status counts and every 5xx cause.

    python bench/fuzz_requests.py --requests 100000 --seed 1            # starts its own server
    python bench/fuzz_requests.py --url http://127.0.0.1:5657 --requests 5000

The requests come from ``fuzzgen.Generator`` (the same stream ``tests/test_fuzz_requests.py``
sends, only longer).  Before the stream, the setup requests create the tables it works on
and the canary data it never names; after it, the canary data is read back.  Reported:
counts by status code, by door and by Machbase error code, answers not in their API's
format, and the distinct 5xx causes (grouped by door, status and error text, with the first
request and answer of each).  When the tool starts its own server, the server's log is read
afterwards and its distinct causes (exception type and the frame that raised it) are
printed with one traceback each (an InfluxDB 500 says only ``internal server error``; the
cause is in the log).  NOTE: the stream creates, fills and drops tables and databases; point
``--url`` at a scratch server only.

Exit code 1 when any answer was a 5xx, not in its format, or missing (the connection
failed), or the canary data changed.
"""
import argparse
import collections
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

import requests

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import fuzzgen  # noqa: E402
import servers  # noqa: E402


def start_logged_server(data, log_path, *, workers=2, timeout=30.0):
    """Like ``servers.start_machstore``, but the server's stderr goes to ``log_path`` (tracebacks)."""
    port = servers.free_port()
    argv = [sys.executable, "-m", "machstore", "serve", "--data", data, "--bind", f"127.0.0.1:{port}",
            "--workers", str(workers), "--timezone", "+0000"]
    log = open(log_path, "ab")
    proc = subprocess.Popen(argv, cwd=tempfile.gettempdir(), stdout=log, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, start_new_session=True)
    log.close()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{url}/ping", timeout=1).status_code == 204:
                return proc, url
        except requests.RequestException:
            time.sleep(0.05)
    servers.stop(proc)
    raise SystemExit("machstore did not start")


def door_of(req):
    """A short name for the door a request knocks on (``GET /machbase``, ``POST /write``...)."""
    path = req.target.split("?", 1)[0]
    if path.startswith(("/machiot", "/machiot-rest-api")):
        path = "/machiot"
    return f"{req.method} {path if len(path) < 40 else path[:40] + '...'}"


def error_text(body):
    """The error message of an answer (Machbase ``error_message``, InfluxDB ``error`` or the text)."""
    try:
        doc = json.loads(body)
    except ValueError:
        return body[:200].decode("utf-8", "replace").strip()
    if isinstance(doc, dict):
        return str(doc.get("error_message") or doc.get("error") or "")[:200]
    return ""


def _machbase_code(body):
    try:
        doc = json.loads(body)
    except ValueError:
        return None
    return doc.get("error_code") if isinstance(doc, dict) else None


class Tally:
    """Thread-safe counts and examples of a run."""

    def __init__(self):
        self.lock = threading.Lock()
        self.statuses = collections.Counter()
        self.doors = collections.Counter()
        self.causes = {}          # (door, status, message) -> [count, request, status, body]
        self.format_problems = {}  # (door, problem) -> [count, request, status, body]
        self.transport = collections.Counter()
        self.codes = collections.Counter()   # Machbase error codes of the answers

    def add(self, req, status, headers, body):
        problem = fuzzgen.check(req, status, headers, body)
        door = door_of(req)
        code = _machbase_code(body) if req.family == "machbase" else None
        with self.lock:
            self.statuses[status] += 1
            if code is not None:
                self.codes[code] += 1
            self.doors[(door, status // 100)] += 1
            if problem is None:
                return
            if status >= 500:
                key = (door, status, re.sub(r"\d+", "N", error_text(body)))
                bucket = self.causes
            else:
                key = (door, problem)
                bucket = self.format_problems
            entry = bucket.setdefault(key, [0, req, status, body])
            entry[0] += 1


def run(url, n, seed, workers, tally):
    """Send ``n`` requests of the stream for ``seed`` from ``workers`` threads."""
    gen = fuzzgen.Generator(seed)
    lock = threading.Lock()
    left = [n]

    def work():
        client = fuzzgen.Client(url)
        while True:
            with lock:
                if left[0] <= 0:
                    break
                left[0] -= 1
                req = gen.request()
            try:
                status, headers, body = client.send(req)
            except (OSError, http.client.HTTPException) as ex:
                with tally.lock:
                    tally.transport[type(ex).__name__] += 1
                continue
            tally.add(req, status, headers, body)
        client.close()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


_FRAME = re.compile(r'File "([^"]+)", line (\d+), in (\S+)')
_EXCEPTION = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception|Exit|Iteration|Warning)\w*)\b")


def log_exceptions(log_path):
    """Return ``{cause: [count, first traceback]}`` from a server log.

    A cause is the exception's type and the innermost frame that raised it
    (``KeyError at tables.py:76 in column``): the same bug met with other values is one cause.
    """
    out = {}
    with open(log_path, "rb") as f:
        text = f.read().decode("utf-8", "replace")
    for block in re.split(r"\n(?=\[\d{4}-\d\d-\d\d )", text):
        if "Traceback (most recent call last)" not in block:
            continue
        lines = [ln.strip() for ln in block.strip().splitlines() if ln.strip()]
        frames = [m for m in (_FRAME.search(ln) for ln in lines) if m]
        kinds = [m.group(1) for m in (_EXCEPTION.match(ln) for ln in lines) if m]
        where = f"{os.path.basename(frames[-1].group(1))}:{frames[-1].group(2)} in {frames[-1].group(3)}" \
            if frames else "?"
        cause = f"{kinds[-1] if kinds else lines[-1][:80]} at {where}"
        entry = out.setdefault(cause, [0, block.strip()])
        entry[0] += 1
    return out


def report(tally, elapsed, n, canary, exceptions):
    print(f"\n{n} requests in {elapsed:.1f} s ({n / elapsed:.0f} requests/s)")
    print("\nstatus counts:")
    for status, count in sorted(tally.statuses.items()):
        print(f"  {status}: {count}")
    total_5xx = sum(c for s, c in tally.statuses.items() if s >= 500)
    print(f"  5xx total: {total_5xx}")
    if tally.transport:
        print(f"  transport errors: {dict(tally.transport)}")
    print("\nby door (2xx / 4xx / 5xx):")
    for door in sorted({d for d, _ in tally.doors}):
        c = [tally.doors.get((door, k), 0) for k in (2, 4, 5)]
        print(f"  {door:<28} {c[0]:>7} {c[1]:>7} {c[2]:>5}")
    print("\nMachbase error codes (count):")
    print("  " + ", ".join(f"{code}: {count}" for code, count in sorted(tally.codes.items())))
    if tally.causes:
        print(f"\n{len(tally.causes)} distinct 5xx causes:")
        for (door, status, message), (count, req, st, body) in sorted(tally.causes.items(), key=lambda kv: -kv[1][0]):
            print(f"\n  [{count}x] {door} -> {status}: {message}")
            print(f"    request:  {req.describe()}")
            print(f"    response: {body[:400].decode('utf-8', 'replace')}")
    if tally.format_problems:
        print(f"\n{len(tally.format_problems)} kinds of answers not in their API's format:")
        for (door, problem), (count, req, st, body) in tally.format_problems.items():
            print(f"\n  [{count}x] {door}: {problem}")
            print(f"    request:  {req.describe()}")
            print(f"    response: {body[:400].decode('utf-8', 'replace')}")
    if exceptions:
        print(f"\n{len(exceptions)} distinct causes in the server log (exception type and the frame raising it):")
        for cause, (count, block) in sorted(exceptions.items(), key=lambda kv: -kv[1][0]):
            print(f"\n  [{count}x] {cause}\n" + "\n".join("    " + ln for ln in block.splitlines()[-30:]))
    print("\ncanary data:", "intact" if not canary else "CHANGED")
    for problem in canary:
        print("  " + problem)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--requests", type=int, default=100_000, help="requests to send (default 100000)")
    p.add_argument("--seed", type=int, default=1, help="seed of the request stream (default 1)")
    p.add_argument("--url", help="server to fuzz (default: start one on a fresh data directory)")
    p.add_argument("--workers", type=int, default=4, help="client threads (default 4)")
    p.add_argument("--server-workers", type=int, default=2, help="gunicorn workers of the started server")
    p.add_argument("--keep", action="store_true", help="keep the started server's data directory and log")
    args = p.parse_args(argv)

    proc = workdir = log_path = None
    url = args.url
    if url is None:
        workdir = tempfile.mkdtemp(prefix="machstore-fuzz-")
        log_path = os.path.join(workdir, "server.log")
        proc, url = start_logged_server(os.path.join(workdir, "data"), log_path, workers=args.server_workers)
        print(f"server {url}, data and log in {workdir}")
    tally = Tally()
    try:
        client = fuzzgen.Client(url)
        for req in fuzzgen.SETUP + fuzzgen.CANARY:
            status, headers, body = client.send(req)
            if status >= 300:
                raise SystemExit(f"setup failed: {req.describe()} -> {status} {body[:300]!r}")
        client.close()
        start = time.perf_counter()
        run(url, args.requests, args.seed, args.workers, tally)
        elapsed = time.perf_counter() - start
        canary = fuzzgen.verify_canary(url)
    finally:
        if proc is not None:
            servers.stop(proc)
    exceptions = log_exceptions(log_path) if log_path else {}
    report(tally, elapsed, args.requests, canary, exceptions)
    if workdir and not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    bad = tally.causes or tally.format_problems or tally.transport or canary
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
