"""Load the same TSBS cpu-only data into InfluxDB 1.x, VictoriaMetrics and machstore, and compare.

For each peer and each loadgen worker count this starts a fresh server on loopback with a temporary
data directory, creates the ``benchmark`` database where needed, POSTs the pre-generated batches with
bench/loadgen.py (gzip, 10,000-line batches by default), checks how many rows were stored (not
timed), stops the server and finally prints a table of rows/s, values/s and ratios between peers.

    python bench/compare_peers.py                                 # all peers, workers 2 and 4
    python bench/compare_peers.py --only influxdb,victoria-metrics --workers 2,4
    python bench/compare_peers.py --only machstore \\
        --machstore-cmd 'machstore serve --data {dir} --bind 127.0.0.1:5657 --workers 2'

InfluxDB and VictoriaMetrics come from Debian (``apt-get install -y influxdb victoria-metrics``,
installed when missing unless ``--no-install``). Run as root or with the packages installed.
"""
from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional

import requests

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from loadgen import format_result, make_batches, run_load  # noqa: E402
from tsbs import DEFAULT_START_NS  # noqa: E402

PEERS = ("influxdb", "victoria-metrics", "machstore")
DEBIAN_PACKAGES = {"influxdb": "influxdb", "victoria-metrics": "victoria-metrics"}
DEFAULT_MACHSTORE_CMD = "machstore serve --data {dir} --bind 127.0.0.1:5657 --workers 2"
DEFAULT_MACHSTORE_URL = "http://127.0.0.1:5657/write?db=benchmark"

INFLUX_CONF = """\
reporting-disabled = true
bind-address = "127.0.0.1:{rpc_port}"

[meta]
  dir = "{dir}/meta"

[data]
  dir = "{dir}/data"
  wal-dir = "{dir}/wal"
  query-log-enabled = false

[monitor]
  store-enabled = false

[http]
  enabled = true
  bind-address = "127.0.0.1:8086"
  log-enabled = false
"""


def log(msg: str) -> None:
    """Print a progress message on stderr."""
    print(f"[compare_peers] {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------------
# Packages


def apt_versions(pkg: str) -> Dict[str, str]:
    """Return the installed and candidate versions of a Debian package (from apt-cache policy)."""
    out = {"installed": "", "candidate": ""}
    try:
        text = subprocess.run(
            ["apt-cache", "policy", pkg], capture_output=True, text=True, timeout=60
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return out
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("Installed:"):
            out["installed"] = line.split(":", 1)[1].strip()
        elif line.startswith("Candidate:"):
            out["candidate"] = line.split(":", 1)[1].strip()
    if out["installed"] == "(none)":
        out["installed"] = ""
    return out


def ensure_packages(peers: List[str], install: bool) -> Dict[str, Dict[str, str]]:
    """Install the missing Debian peers (without starting their services); return their versions."""
    wanted = [DEBIAN_PACKAGES[p] for p in peers if p in DEBIAN_PACKAGES]
    missing = [p for p in wanted if not apt_versions(p)["installed"]]
    if missing:
        if not install:
            log(f"missing packages {missing} and --no-install given")
        else:
            log(f"installing {missing} (apt-get install -y)")
            env = dict(os.environ, DEBIAN_FRONTEND="noninteractive", RUNLEVEL="1")
            # NOTE: RUNLEVEL=1 keeps invoke-rc.d from starting the packaged services on :8086/:8428.
            subprocess.run(["apt-get", "install", "-y", *missing], env=env, check=False)
    return {p: apt_versions(p) for p in wanted}


# --------------------------------------------------------------------------------------------------
# Servers


@dataclass
class Server:
    """A peer process we started, with its data directory and log."""

    name: str
    proc: subprocess.Popen
    data_dir: str
    log_path: str
    write_url: str
    version: str = ""

    def alive(self) -> bool:
        """Return whether the process is still running."""
        return self.proc.poll() is None

    def stop(self, timeout: float = 30.0) -> None:
        """Stop the server's process group (SIGTERM, then SIGKILL)."""
        if self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            log(f"{self.name} did not stop in {timeout:.0f} s; killing")
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait(timeout=10)

    def log_tail(self, n: int = 20) -> str:
        """Return the last ``n`` lines of the server log."""
        try:
            with open(self.log_path, "rb") as f:
                return b"\n".join(f.read().splitlines()[-n:]).decode("utf-8", "replace")
        except OSError:
            return ""


def _spawn(name: str, argv: List[str], data_dir: str, write_url: str) -> Server:
    log_path = os.path.join(data_dir, f"{name}.log")
    logf = open(log_path, "wb")
    try:
        proc = subprocess.Popen(
            argv, stdout=logf, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True, cwd=data_dir,
        )
    finally:
        logf.close()
    return Server(name=name, proc=proc, data_dir=data_dir, log_path=log_path, write_url=write_url)


def _wait_ready(srv: Server, probe: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not srv.alive():
            return False
        try:
            if probe():
                return True
        except requests.RequestException:
            pass
        time.sleep(0.2)
    return False


def _port_free(host: str, port: int) -> bool:
    import socket

    with socket.socket() as s:
        return s.connect_ex((host, port)) != 0


def start_influxdb(data_dir: str) -> Server:
    """Start influxd 1.x on 127.0.0.1:8086 with its own meta/data/wal dirs and create the db."""
    if not _port_free("127.0.0.1", 8086):
        raise RuntimeError("127.0.0.1:8086 is already in use")
    conf = os.path.join(data_dir, "influxdb.conf")
    with open(conf, "w") as f:
        f.write(INFLUX_CONF.format(dir=data_dir, rpc_port=18088))
    srv = _spawn("influxdb", ["influxd", "run", "-config", conf], data_dir,
                 "http://127.0.0.1:8086/write?db=benchmark")
    base = "http://127.0.0.1:8086"
    if not _wait_ready(srv, lambda: requests.get(base + "/ping", timeout=2).status_code == 204, 60):
        srv.stop()
        raise RuntimeError(f"influxd did not become ready:\n{srv.log_tail()}")
    r = requests.get(base + "/ping", timeout=5)
    srv.version = r.headers.get("X-Influxdb-Version", "")
    r = requests.post(base + "/query", data={"q": "CREATE DATABASE benchmark"}, timeout=30)
    if r.status_code != 200:
        srv.stop()
        raise RuntimeError(f"CREATE DATABASE failed: {r.status_code} {r.text}")
    return srv


def start_victoria_metrics(data_dir: str) -> Server:
    """Start victoria-metrics on 127.0.0.1:8428 with a temporary -storageDataPath."""
    if not _port_free("127.0.0.1", 8428):
        raise RuntimeError("127.0.0.1:8428 is already in use")
    argv = [
        "victoria-metrics",
        f"-storageDataPath={data_dir}/vmdata",
        "-httpListenAddr=127.0.0.1:8428",
        # NOTE: TSBS data is from 2016; the default 1-month retention would silently drop it.
        "-retentionPeriod=100y",
    ]
    srv = _spawn("victoria-metrics", argv, data_dir, "http://127.0.0.1:8428/write?db=benchmark")
    base = "http://127.0.0.1:8428"
    if not _wait_ready(srv, lambda: requests.get(base + "/health", timeout=2).status_code == 200, 60):
        srv.stop()
        raise RuntimeError(f"victoria-metrics did not become ready:\n{srv.log_tail()}")
    try:
        text = requests.get(base + "/metrics", timeout=5).text
        for line in text.splitlines():
            if line.startswith("vm_app_version{"):
                srv.version = line.split('version="', 1)[1].split('"', 1)[0]
                break
    except (requests.RequestException, IndexError):
        pass
    return srv


def _machstore_version(exe: str) -> str:
    """Return the output of ``<exe> version`` (e.g. ``0.1.0``), or "" if that fails."""
    try:
        out = subprocess.run([exe, "version"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return out.strip().split()[-1] if out.strip() else ""


def start_machstore(data_dir: str, cmd: str, url: str, timeout: float = 20.0) -> Server:
    """Start machstore from ``cmd`` (``{dir}`` is replaced by the data dir); fail after ``timeout``."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    if not _port_free(host, port):
        # NOTE: otherwise we would happily benchmark somebody else's server on that port.
        raise RuntimeError(f"{host}:{port} is already in use by another process")
    mdir = os.path.join(data_dir, "machstore")  # NOTE: machstore creates it on first start
    argv = shlex.split(cmd.format(dir=mdir))
    try:
        srv = _spawn("machstore", argv, data_dir, url)
    except OSError as ex:
        raise RuntimeError(f"cannot run {argv[0]!r}: {ex}") from ex
    base = url.split("/write", 1)[0]

    def probe() -> bool:
        return requests.get(base + "/ping", timeout=2).status_code < 500

    if not _wait_ready(srv, probe, timeout):
        srv.stop(timeout=10)
        raise RuntimeError(f"machstore did not answer within {timeout:.0f} s:\n{srv.log_tail()}")
    try:
        r = requests.get(base + "/ping", timeout=5)
        srv.version = _machstore_version(argv[0]) or r.headers.get("X-Influxdb-Version", "")
        # Like tsbs_load_influx; a server that auto-creates databases may refuse this, that's fine.
        requests.post(base + "/query", data={"q": "CREATE DATABASE benchmark"}, timeout=30)
    except requests.RequestException:
        pass
    return srv


def group_cpu_seconds(pgid: int) -> float:
    """Return user+sys CPU seconds of the live processes in process group ``pgid`` (and reaped kids)."""
    tck = os.sysconf("SC_CLK_TCK")
    total = 0
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        rest = stat[stat.rindex(b")") + 2:].split()
        # rest[0] is field 3 (state): pgrp is field 5, utime..cstime are fields 14..17.
        if int(rest[2]) == pgid:
            total += sum(int(x) for x in rest[11:15])
    return total / tck


def machine_busy_seconds() -> float:
    """Return the machine's total non-idle CPU seconds so far (all cores, from /proc/stat)."""
    with open("/proc/stat") as f:
        vals = [int(x) for x in f.readline().split()[1:]]
    idle = vals[3] + (vals[4] if len(vals) > 4 else 0)  # idle + iowait
    busy = sum(vals[:8]) - idle  # user nice system idle iowait irq softirq steal
    return busy / os.sysconf("SC_CLK_TCK")


def wait_for_idle(max_wait: float, busy_cores: float = 0.25, window: float = 2.0) -> float:
    """Wait up to ``max_wait`` s for a ``window`` in which the box uses < ``busy_cores``; return it.

    NOTE: on a shared 2-core machine other people's jobs halve a peer's throughput; this lowers
    the odds of measuring them instead of the peer. The returned load is what the last window saw.
    """
    deadline = time.monotonic() + max_wait
    while True:
        b0 = machine_busy_seconds()
        time.sleep(window)
        load = (machine_busy_seconds() - b0) / window
        if load < busy_cores or time.monotonic() >= deadline:
            return load


# --------------------------------------------------------------------------------------------------
# Verification (not timed)


def stored_rows(srv: Server, rows: int, scale: int, interval_s: int = 10) -> Optional[int]:
    """Return how many rows the server reports for ``cpu`` (None when unknown)."""
    try:
        if srv.name == "influxdb":
            r = requests.get(
                "http://127.0.0.1:8086/query",
                params={"db": "benchmark", "q": "SELECT count(usage_user) FROM cpu"},
                timeout=120,
            )
            return int(r.json()["results"][0]["series"][0]["values"][0][1])
        if srv.name == "victoria-metrics":
            base = "http://127.0.0.1:8428"
            requests.get(base + "/internal/force_flush", timeout=60)
            epochs = -(-rows // scale)
            end_s = DEFAULT_START_NS // 10**9 + epochs * interval_s + 1
            window = max(epochs * interval_s + 60, 60)
            r = requests.get(
                base + "/api/v1/query",
                params={"query": f"sum(count_over_time(cpu_usage_user[{window}s]))", "time": end_s},
                timeout=120,
            )
            res = r.json()["data"]["result"]
            return int(float(res[0]["value"][1])) if res else 0
        if srv.name == "machstore":
            # NOTE: InfluxQL SELECT is not served yet, so count through the engine's Python API:
            # LMDB lets this process read the data directory while the server runs.
            from machstore.engine import Engine

            with Engine(os.path.join(srv.data_dir, "machstore")) as eng:  # see start_machstore
                return sum(eng.read_series("benchmark", "cpu", s["tags"], fields=["usage_user"]).num_rows
                           for s in eng.list_series("benchmark", "cpu"))
    except Exception as ex:  # noqa: BLE001 - verification is best effort
        log(f"could not count rows stored in {srv.name}: {type(ex).__name__}: {ex}")
    return None


# --------------------------------------------------------------------------------------------------
# Main


@dataclass
class Run:
    """One (peer, workers) measurement."""

    peer: str
    version: str
    workers: int
    rep: int = 0
    result: dict = field(default_factory=dict)
    stored: Optional[int] = None
    server_cpu_s: Optional[float] = None
    other_cpu_s: Optional[float] = None
    disturbed: bool = False
    error: str = ""
    spread: str = ""


def _representatives(runs: List[Run]) -> List[Run]:
    """Return one run per (peer, workers): the median by rows/s, with the min-max spread noted."""
    groups: Dict[tuple, List[Run]] = {}
    for r in runs:
        groups.setdefault((r.peer, r.workers), []).append(r)
    out = []
    for group in groups.values():
        good = [r for r in group if r.result]
        n_disturbed = sum(r.disturbed for r in good)
        if any(not r.disturbed for r in good):
            good = [r for r in good if not r.disturbed]
        good.sort(key=lambda r: r.result["rows_per_s"])
        if not good:
            out.append(group[0])
            continue
        rep = good[(len(good) - 1) // 2]
        if len(good) > 1:
            rep.spread = (f"{good[0].result['rows_per_s'] / 1e3:.0f}-"
                          f"{good[-1].result['rows_per_s'] / 1e3:.0f}k (n={len(good)})")
        if n_disturbed == len(good):
            rep.spread = (rep.spread or "n=1") + " all disturbed"
        elif n_disturbed:
            rep.spread = (rep.spread or "n=1") + f" +{n_disturbed} disturbed"
        out.append(rep)
    return out


def _table(runs: List[Run], peers: List[str]) -> str:
    runs = _representatives(runs)
    ok = {(r.peer, r.workers): r.result["rows_per_s"] for r in runs if r.result}
    head = ["peer", "version", "workers", "rows/s", "values/s", "MB/s", "p50 ms", "p99 ms",
            "wall s", "fail", "stored", "srv CPU s", "rows/srv-CPU-s", "cli CPU s", "other CPU s", "runs"] + [
            f"vs {p}" for p in peers]
    rows = [head]
    for r in runs:
        if not r.result:
            rows.append([r.peer, r.version, str(r.workers), "skipped: " + r.error.splitlines()[0]
                         if r.error else "skipped"] + [""] * (len(head) - 4))
            continue
        res = r.result
        ratios = []
        for p in peers:
            other = ok.get((p, r.workers))
            ratios.append(f"{res['rows_per_s'] / other:.2f}x" if other else "-")
        rows.append([
            r.peer, r.version, str(r.workers), f"{res['rows_per_s']:,.0f}",
            f"{res['values_per_s']:,.0f}", f"{res['mb_per_s']:.1f}", f"{res['p50_ms']:.0f}",
            f"{res['p99_ms']:.0f}", f"{res['wall_s']:.2f}", str(res["failures"]),
            "?" if r.stored is None else f"{r.stored:,}",
            "?" if r.server_cpu_s is None else f"{r.server_cpu_s:.1f}",
            f"{res['rows_ok'] / r.server_cpu_s:,.0f}" if r.server_cpu_s else "?",
            f"{res.get('client_cpu_s', 0):.1f}",
            "?" if r.other_cpu_s is None else f"{r.other_cpu_s:.1f}", r.spread or "1", *ratios,
        ])
    full = [row for row in rows if not row[3].startswith("skipped")]
    widths = [max(len(row[i]) for row in full) for i in range(len(head))]
    lines = []
    for j, row in enumerate(rows):
        if row[3].startswith("skipped"):
            lines.append("  ".join(row[i].ljust(widths[i]) for i in range(3)) + "  " + row[3])
        else:
            lines.append("  ".join(c.rjust(widths[i]) if i >= 2 else c.ljust(widths[i])
                                   for i, c in enumerate(row)))
        if j == 0:
            lines.append("-" * len(lines[0]))
    return "\n".join(lines)


def _one_run(peer: str, workers: int, rep: int, args: argparse.Namespace, batches: list,
             versions: Dict[str, Dict[str, str]]) -> Run:
    """Start a fresh ``peer``, load ``batches`` into it with ``workers`` processes, stop it."""
    pkg_ver = versions.get(DEBIAN_PACKAGES.get(peer, ""), {}).get("installed", "")
    run = Run(peer=peer, version=pkg_ver, workers=workers, rep=rep)
    data_dir = tempfile.mkdtemp(prefix=f"bench-{peer}-")
    srv = None
    try:
        log(f"starting {peer} (data in {data_dir})")
        if peer == "influxdb":
            srv = start_influxdb(data_dir)
        elif peer == "victoria-metrics":
            srv = start_victoria_metrics(data_dir)
        else:
            srv = start_machstore(data_dir, args.machstore_cmd, args.machstore_url,
                                  timeout=args.machstore_timeout)
        run.version = run.version or srv.version
        if args.wait_idle > 0:
            load = wait_for_idle(args.wait_idle)
            log(f"machine load before the run: {load:.2f} cores")
        log(f"loading {peer} ({run.version}) with {workers} workers -> {srv.write_url}")
        cpu0, busy0 = group_cpu_seconds(srv.proc.pid), machine_busy_seconds()
        run.result = run_load(srv.write_url, batches, workers=workers,
                              progress=not args.no_progress)
        run.server_cpu_s = round(group_cpu_seconds(srv.proc.pid) - cpu0, 2)
        # NOTE: CPU used by anything else on the box during the load (other jobs, the kernel);
        # a large value means the run was disturbed.
        run.other_cpu_s = round(max(0.0, machine_busy_seconds() - busy0 - run.server_cpu_s
                                    - run.result["client_cpu_s"]), 2)
        print(format_result(run.result), file=sys.stderr)
        if not srv.alive():
            log(f"{peer} exited during the load:\n{srv.log_tail()}")
        run.stored = stored_rows(srv, args.rows, args.scale)
        log(f"{peer}: {run.stored} rows stored")
    except Exception as ex:  # noqa: BLE001 - one peer failing must not stop the others
        run.error = f"{type(ex).__name__}: {ex}"
        log(f"{peer} skipped: {run.error}")
    finally:
        if srv is not None:
            srv.stop()
        if args.keep_data:
            log(f"kept {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)
    if (args.max_other_cpu is not None and run.other_cpu_s is not None
            and run.other_cpu_s > args.max_other_cpu):
        run.disturbed = True
        log(f"{peer}: run disturbed ({run.other_cpu_s:.1f} CPU s used by other processes)")
    return run


def _parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Compare /write ingest of InfluxDB, VictoriaMetrics "
                                "and machstore on the same TSBS cpu-only data.")
    p.add_argument("--only", default=",".join(PEERS),
                   help=f"comma-separated peers (default: {','.join(PEERS)})")
    p.add_argument("--rows", type=int, default=500000)
    p.add_argument("--scale", type=int, default=4000)
    p.add_argument("--batch", type=int, default=10000, help="lines per request")
    p.add_argument("--workers", default="2,4", help="comma-separated loadgen worker counts")
    p.add_argument("--repeat", type=int, default=1,
                   help="runs per peer and worker count, each on a fresh server; the table "
                   "shows the median by rows/s")
    p.add_argument("--wait-idle", type=float, default=0.0, metavar="SECONDS",
                   help="before each load, wait up to this long for the machine to be idle "
                   "(other CPU use < 0.25 core over 2 s); for shared boxes")
    p.add_argument("--max-other-cpu", type=float, default=None, metavar="SECONDS",
                   help="treat a run as disturbed when other processes used more CPU than this "
                   "during it; disturbed runs are retried (up to 3 x --repeat attempts) and left "
                   "out of the table when clean ones exist")
    p.add_argument("--seed", type=int, default=123)
    p.add_argument("--no-gzip", action="store_true")
    p.add_argument("--float", dest="as_float", action="store_true")
    p.add_argument("--machstore-cmd", default=DEFAULT_MACHSTORE_CMD,
                   help="command that starts machstore; {dir} is its data dir")
    p.add_argument("--machstore-url", default=DEFAULT_MACHSTORE_URL)
    p.add_argument("--machstore-timeout", type=float, default=20.0)
    p.add_argument("--no-install", action="store_true", help="never run apt-get install")
    p.add_argument("--no-progress", action="store_true")
    p.add_argument("--keep-data", action="store_true", help="keep the temporary data dirs")
    p.add_argument("--json-out", help="also write all results to this JSON file")
    return p.parse_args(argv)


def main(argv=None) -> int:
    """Run the comparison; exit 1 if nothing could be measured."""
    args = _parse_args(argv)

    def _on_sigterm(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    # NOTE: servers run in their own sessions; turning SIGTERM (e.g. from `timeout`) into
    # KeyboardInterrupt lets the finally blocks stop them instead of leaving them behind.
    signal.signal(signal.SIGTERM, _on_sigterm)
    peers = [p.strip() for p in args.only.split(",") if p.strip()]
    unknown = [p for p in peers if p not in PEERS]
    if unknown:
        log(f"unknown peers {unknown}; choose from {PEERS}")
        return 2
    worker_counts = [int(w) for w in args.workers.split(",") if w.strip()]

    versions = ensure_packages(peers, install=not args.no_install)
    for pkg, v in versions.items():
        log(f"{pkg}: installed {v['installed'] or '(none)'}, apt candidate {v['candidate']}")

    t0 = time.perf_counter()
    batches = make_batches(rows=args.rows, scale=args.scale, batch_lines=args.batch,
                           use_gzip=not args.no_gzip, as_float=args.as_float, seed=args.seed)
    log(f"pre-generated {len(batches)} batches ({sum(b.lines for b in batches):,} rows, "
        f"{sum(b.raw_bytes for b in batches) / 1e6:.1f} MB raw, "
        f"{sum(len(b.body) for b in batches) / 1e6:.1f} MB on the wire) "
        f"in {time.perf_counter() - t0:.1f} s")

    runs: List[Run] = []
    for peer in peers:
        for workers in worker_counts:
            if peer == "machstore" and any(r.peer == peer and r.error for r in runs):
                runs.append(Run(peer=peer, version="", workers=workers,
                                error="see the first machstore attempt"))
                continue
            clean = attempts = 0
            max_attempts = args.repeat if args.max_other_cpu is None else 3 * args.repeat
            while clean < args.repeat and attempts < max_attempts:
                run = _one_run(peer, workers, attempts, args, batches, versions)
                runs.append(run)
                attempts += 1
                if run.error:
                    break
                clean += not run.disturbed

    meta = (f"{_dt.date.today().isoformat()}  {platform.node()}  {os.cpu_count()} cores  "
            f"rows {args.rows:,}  scale {args.scale}  batch {args.batch}  "
            f"gzip {not args.no_gzip}  {'float' if args.as_float else 'int'} fields")
    print()
    print(meta)
    print(_table(runs, peers))
    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump({
                "date": _dt.datetime.now().isoformat(timespec="seconds"),
                "cpus": os.cpu_count(),
                "rows": args.rows, "scale": args.scale, "batch": args.batch,
                "gzip": not args.no_gzip, "float": args.as_float, "packages": versions,
                "runs": [{"peer": r.peer, "version": r.version, "workers": r.workers,
                          "rep": r.rep, "stored": r.stored, "server_cpu_s": r.server_cpu_s,
                          "other_cpu_s": r.other_cpu_s, "disturbed": r.disturbed,
                          "error": r.error, **r.result} for r in runs],
            }, f, indent=2)
    return 0 if any(r.result for r in runs) else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt as ex:
        log(f"interrupted ({ex}); servers stopped")
        sys.exit(130)
