"""Time TSBS cpu-only InfluxQL queries on InfluxDB 1.x and machstore, and check they agree.

For each system in turn this starts a fresh server on loopback with a temporary data directory,
loads the same TSBS cpu-only rows (bench/tsbs.py through bench/loadgen.py: gzip, 10,000-line
batches), runs ``--queries`` queries of each type from bench/tsbs_queries.py (the exact texts
``tsbs_generate_queries --format influx`` writes for ``--seed``, over the data's time range), sends
them the way ``tsbs_run_queries_influx`` does (``POST /query?q=...&db=benchmark``, body read in
full), and stops the server. Then it prints, per query type, the median latency on each system,
the ratio machstore/InfluxDB and how many answers are the same (JSON compared with the rules of
tests/influxql_goldens.py: exact, floats to 1e-12 relative). A query that fails is reported
("machstore: error ...") and the run goes on.

    python bench/query_bench.py                                  # 1,000,000 rows, 20 queries/type
    python bench/query_bench.py --only influxdb --json-out /tmp/influx-queries.json
    python bench/query_bench.py --rows 200000 --queries 5 --types lastpoint,high-cpu-1
    python bench/query_bench.py --baseline-python /tmp/before-venv/bin/python   # before/after, one run

``--baseline-python`` adds a third system, ``machstore-baseline``: machstore started with another
Python (a virtualenv holding an earlier build), so that a change is measured before and after in
the same run, on the same data and the same machine load, each against InfluxDB.

InfluxDB comes from Debian's ``influxdb`` package (installed when missing, like
bench/compare_peers.py); machstore is started with bench/servers.py (2 workers, UTC).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from typing import Dict, List, Optional

import requests

BENCH = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, BENCH)
sys.path.insert(0, os.path.join(os.path.dirname(BENCH), "tests"))
import servers  # noqa: E402
from compare_peers import group_cpu_seconds, machine_busy_seconds, wait_for_idle  # noqa: E402
from influxql_goldens import same_json  # noqa: E402
from loadgen import make_batches, run_load  # noqa: E402
from record_influx_goldens import ensure_influxdb, start_influxd  # noqa: E402
from tsbs_queries import BENCH_TYPES, QUERY_TYPES, TsbsQuery, data_window, generate_queries  # noqa: E402

SYSTEMS = ("influxdb", "machstore")
BASELINE = "machstore-baseline"   # machstore run by --baseline-python (an earlier build)
DB = "benchmark"


def log(msg: str) -> None:
    """Print a progress message on stderr."""
    print(f"[query_bench] {msg}", file=sys.stderr, flush=True)


@dataclass
class Answer:
    """One timed query."""

    status: int
    seconds: float
    body: str
    error: str = ""


@dataclass
class SystemRun:
    """Everything measured on one system."""

    name: str
    version: str = ""
    load: dict = field(default_factory=dict)
    answers: Dict[str, List[Answer]] = field(default_factory=dict)
    other_cores: Dict[str, float] = field(default_factory=dict)  # other load while a type was timed
    error: str = ""


# --------------------------------------------------------------------------------------------------
# Servers


def start_machstore(data_dir: str, workers: int, timeout: float = 120.0, python: str = sys.executable):
    """Start ``machstore serve`` with bench/servers.py's command line; return ``(process, base url)``.

    ``python`` is the interpreter that runs it (the machstore installed there is the one measured).

    NOTE: servers.start_machstore gives up at the first /ping that times out reading (what a busy
    machine gives while gunicorn boots its workers) and leaves the server running, so the same
    command is started and waited for here; servers.stop stops it.
    """
    port = servers.free_port()
    argv = [python, "-m", "machstore", "serve", "--data", data_dir, "--bind", f"127.0.0.1:{port}",
            "--workers", str(workers), "--timezone", "+0000"]
    log_path = os.path.join(os.path.dirname(data_dir), "machstore.log")
    with open(log_path, "wb") as logf:
        # cwd elsewhere so the installed package is imported, not the source tree
        proc = subprocess.Popen(argv, cwd=tempfile.gettempdir(), stdout=logf, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if requests.get(f"{url}/ping", timeout=2).status_code == 204:
                return proc, url
        except requests.RequestException:
            time.sleep(0.2)
    if proc.poll() is None:
        servers.stop(proc)
    with open(log_path, "rb") as f:
        tail = b"\n".join(f.read().splitlines()[-20:]).decode("utf-8", "replace")
    raise RuntimeError(f"machstore did not answer /ping within {timeout:.0f} s:\n{tail}")


# --------------------------------------------------------------------------------------------------
# Queries


def run_query(session: requests.Session, base: str, q: TsbsQuery, timeout: float) -> Answer:
    """Send one query as tsbs_run_queries_influx does and time it to the last byte of the body."""
    url = base + q.path + "&db=" + DB
    t0 = time.perf_counter()
    try:
        r = session.post(url, timeout=timeout)
        body = r.content.decode("utf-8", "replace")
        dt = time.perf_counter() - t0
    except requests.RequestException as ex:
        return Answer(status=-1, seconds=time.perf_counter() - t0, body="",
                      error=f"{type(ex).__name__}: {ex}")
    err = ""
    if r.status_code != 200:
        err = f"HTTP {r.status_code}: {body.strip()[:300]}"
    else:
        try:
            doc = json.loads(body)
            msgs = [res["error"] for res in doc.get("results", []) if "error" in res]
            if "error" in doc:
                msgs.insert(0, doc["error"])
            if msgs:
                err = msgs[0][:300]
        except ValueError:
            err = f"not JSON: {body[:200]!r}"
    return Answer(status=r.status_code, seconds=dt, body=body, error=err)


def wait_for_quiet_server(pgid: int, max_wait: float, busy_cores: float = 0.05, window: float = 2.0) -> float:
    """Wait up to ``max_wait`` s until the server's processes use < ``busy_cores`` for ``window`` s.

    NOTE: after a load machstore compacts in the background (InfluxDB snapshots its cache), and
    a fixed ``--settle`` may end before that does: the first query type was then timed against
    the compaction.  Returns the seconds waited.
    """
    t0 = time.monotonic()
    while time.monotonic() - t0 < max_wait:
        c0 = group_cpu_seconds(pgid)
        time.sleep(window)
        if (group_cpu_seconds(pgid) - c0) / window < busy_cores:
            break
    return time.monotonic() - t0


def _self_cpu() -> float:
    t = os.times()
    return t.user + t.system


def run_system(name: str, args, batches, queries: Dict[str, List[TsbsQuery]]) -> SystemRun:
    """Start ``name`` fresh, load the batches, run every query, stop it."""
    run = SystemRun(name=name)
    data_dir = tempfile.mkdtemp(prefix=f"qbench-{name}-")
    stop = None
    try:
        if name == "influxdb":
            exe = ensure_influxdb(install=not args.no_install)
            if not exe:
                raise RuntimeError("influxd not found (install Debian's influxdb)")
            srv = start_influxd(data_dir=data_dir, exe=exe)
            base, run.version, stop, pgid = srv.url, srv.version, srv.stop, srv.proc.pid
            r = requests.post(base + "/query", params={"q": f"CREATE DATABASE {DB}"}, timeout=60)
            r.raise_for_status()
        else:
            python = args.baseline_python if name == BASELINE else sys.executable
            proc, base = start_machstore(os.path.join(data_dir, "data"), workers=args.workers, python=python)
            stop, pgid = (lambda: servers.stop(proc)), proc.pid
            run.version = requests.get(base + "/ping", timeout=5).headers.get("X-Influxdb-Version", "")
        log(f"{name} {run.version} on {base}: loading {args.rows:,} rows")
        res = run_load(f"{base}/write?db={DB}", batches, workers=args.load_workers, progress=False)
        run.load = {k: res[k] for k in ("rows_ok", "failures", "wall_s", "rows_per_s")}
        log(f"{name}: {res['rows_ok']:,} rows in {res['wall_s']:.1f} s ({res['rows_per_s']:,.0f} rows/s), "
            f"{res['failures']} failed batches")
        if args.settle:
            time.sleep(args.settle)  # NOTE: let background compaction finish before timing queries
        if args.settle_quiet:
            waited = wait_for_quiet_server(pgid, args.settle_quiet)
            log(f"{name}: server quiet after {waited:.0f} s more")
        with requests.Session() as s:
            for qt, qs in queries.items():
                for q in qs[:args.warmup]:
                    run_query(s, base, q, args.timeout)  # untimed warm-up
                if args.wait_idle:
                    wait_for_idle(args.wait_idle)
                # NOTE: CPU that neither the server nor this process used while the type was timed
                # (other people's jobs on a shared box), in cores.
                b0, g0, c0 = machine_busy_seconds(), group_cpu_seconds(pgid), _self_cpu()
                t0 = time.monotonic()
                answers = [run_query(s, base, q, args.timeout) for q in qs]
                wall = time.monotonic() - t0
                other = (machine_busy_seconds() - b0) - (group_cpu_seconds(pgid) - g0) - (_self_cpu() - c0)
                run.other_cores[qt] = max(0.0, other / wall) if wall > 0 else 0.0
                run.answers[qt] = answers
                ok = [a.seconds for a in answers if not a.error]
                if ok:
                    log(f"{name} {qt}: median {statistics.median(ok) * 1e3:.1f} ms over {len(ok)}")
                else:
                    log(f"{name} {qt}: error {answers[0].error}")
    except Exception as ex:  # noqa: BLE001 - one system failing must not stop the other
        run.error = f"{type(ex).__name__}: {ex}"
        log(f"{name}: {run.error}")
    finally:
        if stop is not None:
            try:
                stop()
            except Exception as ex:  # noqa: BLE001
                log(f"{name}: stopping failed: {ex}")
        shutil.rmtree(data_dir, ignore_errors=True)
    return run


# --------------------------------------------------------------------------------------------------
# Report


def _median_ms(answers: List[Answer]) -> Optional[float]:
    ok = [a.seconds for a in answers if not a.error]
    return statistics.median(ok) * 1e3 if ok else None


def compare_answers(a: List[Answer], b: List[Answer]) -> tuple:
    """Return (same, compared, first difference) for two systems' answers to the same queries."""
    same = compared = 0
    first = ""
    for n, (x, y) in enumerate(zip(a, b)):
        if x.error or y.error:
            continue
        compared += 1
        diffs = same_json(json.loads(x.body), json.loads(y.body))
        if diffs:
            first = first or f"query {n}: {diffs[0]}"
        else:
            same += 1
    return same, compared, first


def report(runs: Dict[str, SystemRun], types: List[str]) -> str:
    """Return the table: median ms per type and system; each machstore's ratio to InfluxDB and agreement."""
    peers = [s for s in runs if s != "influxdb"] if "influxdb" in runs else []
    head = ["query type"] + [f"{s} p50 ms" for s in runs]
    for s in peers:
        head += [f"{s}/influxdb", f"same answers ({s})" if len(peers) > 1 else "same answers"]
    head.append(f"other load ({', '.join(runs)})")
    rows = [head]
    notes = []
    for qt in types:
        row = [qt]
        med = {}
        for name, run in runs.items():
            answers = run.answers.get(qt, [])
            m = _median_ms(answers)
            med[name] = m
            if m is not None:
                bad = sum(1 for x in answers if x.error)
                row.append(f"{m:.1f}" + (f" ({bad} failed)" if bad else ""))
            else:
                err = run.error or next((x.error for x in answers if x.error), "no answer")
                row.append("error")
                notes.append(f"{name} {qt}: error {err}")
        for s in peers:
            row.append(f"{med[s] / med['influxdb']:.2f}x" if med.get("influxdb") and med.get(s) else "-")
            same, compared, first = compare_answers(runs["influxdb"].answers.get(qt, []), runs[s].answers.get(qt, []))
            row.append(f"{same}/{compared}" if compared else "-")
            if first:
                notes.append(f"{qt}{f' ({s})' if len(peers) > 1 else ''}: answers differ, {first}")
        row.append(" / ".join(f"{r.other_cores[qt]:.2f}" if qt in r.other_cores else "-"
                              for r in runs.values()))
        rows.append(row)
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    lines = ["  ".join(c.ljust(widths[i]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(r))
             for r in rows]
    lines.insert(1, "-" * len(lines[0]))
    notes.append("other load: cores busy with anything but the server and this script while the type "
                 "was timed (a shared machine inflates latencies).")
    return "\n".join(lines + [""] + notes)


def main(argv=None) -> int:
    """Run the CLI."""
    p = argparse.ArgumentParser(description="TSBS cpu-only query latency: InfluxDB 1.x vs machstore.")
    p.add_argument("--rows", type=int, default=1_000_000, help="TSBS rows to load (default 1,000,000)")
    p.add_argument("--scale", type=int, default=100, help="hosts (default 100: 10,000 epochs of 10 s)")
    p.add_argument("--seed", type=int, default=123, help="data and query seed (default 123)")
    p.add_argument("--queries", type=int, default=20, help="queries per type (default 20)")
    p.add_argument("--warmup", type=int, default=1, help="untimed queries per type first (default 1)")
    p.add_argument("--types", default=",".join(BENCH_TYPES), help="comma-separated query types")
    p.add_argument("--only", default=",".join(SYSTEMS), help="systems to run (default both)")
    p.add_argument("--workers", type=int, default=2, help="machstore gunicorn workers (default 2)")
    p.add_argument("--load-workers", type=int, default=2, help="loadgen processes (default 2)")
    p.add_argument("--settle", type=float, default=5.0, help="seconds to wait after loading (default 5)")
    p.add_argument("--settle-quiet", type=float, default=0.0,
                   help="after --settle, wait up to this many s until the server uses no CPU (compaction done)")
    p.add_argument("--timeout", type=float, default=300.0, help="per-query timeout, s")
    p.add_argument("--wait-idle", type=float, default=0.0,
                   help="before each type, wait up to this many s for the machine to be idle")
    p.add_argument("--no-install", action="store_true", help="do not apt-get install influxdb")
    p.add_argument("--json-out", default=None, help="write every latency and status here")
    p.add_argument("--baseline-python", default=None,
                   help=f"also run machstore with this Python (an earlier build) as {BASELINE!r}, before machstore")
    args = p.parse_args(argv)

    types = [t for t in args.types.split(",") if t]
    for t in types:
        if t not in QUERY_TYPES:
            p.error(f"unknown query type {t!r}")
    systems = [s for s in args.only.split(",") if s]
    if args.baseline_python:
        systems.insert(systems.index("machstore") if "machstore" in systems else len(systems), BASELINE)
    start, end = data_window(rows=args.rows, scale=args.scale)
    queries = {}
    for t in types:
        try:
            queries[t] = generate_queries(t, args.queries, scale=args.scale, start_ns=start, end_ns=end,
                                          seed=args.seed)
        except ValueError as ex:  # e.g. a 12 h window in less data than that
            log(f"{t}: cannot generate queries for this data: {ex}")
    types = [t for t in types if t in queries]
    log(f"generating {args.rows:,} TSBS rows (scale {args.scale}, seed {args.seed})")
    batches = make_batches(rows=args.rows, scale=args.scale, batch_lines=10000, seed=args.seed)
    runs = {s: run_system(s, args, batches, queries) for s in systems}
    print(f"TSBS cpu-only, {args.rows:,} rows, scale {args.scale}, {args.queries} queries per type "
          f"(seed {args.seed}), median latency to the full body")
    print(report(runs, types))
    if args.json_out:
        out = {
            "rows": args.rows, "scale": args.scale, "seed": args.seed, "queries": args.queries,
            "systems": {
                name: {"version": r.version, "load": r.load, "error": r.error, "other_cores": r.other_cores,
                       "types": {qt: [{"ms": round(a.seconds * 1e3, 3), "status": a.status,
                                       "error": a.error} for a in ans]
                                 for qt, ans in r.answers.items()}}
                for name, r in runs.items()},
            "queries": {qt: [q.influxql for q in qs] for qt, qs in queries.items()},
        }
        with open(args.json_out, "w") as f:
            json.dump(out, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
