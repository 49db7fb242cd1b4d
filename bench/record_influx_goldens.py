"""Record InfluxDB 1.x's exact answers to an InfluxQL corpus, as goldens for machstore's /query.

The script builds a data set of its own design (deterministic: a fixed seed and fixed absolute
timestamps), writes it and the statement corpus to ``tests/data/``, starts a private ``influxd``
(Debian's ``influxdb`` package, 1.6.7, installed like bench/compare_peers.py does when missing) on
free loopback ports with temporary directories, loads the data through ``/write``, runs every
corpus entry over HTTP and stores each answer (status, content type, exact body) as a golden::

    python bench/record_influx_goldens.py                 # (re)write tests/data/influxql_*
    python bench/record_influx_goldens.py --check         # record again, compare, write nothing
    python bench/record_influx_goldens.py --list          # print the corpus by category

Files (all in tests/data/):

* ``influxql_dataset.lp.gz``: the data set in ``influx_inspect export`` form (``# DDL`` statements,
  then ``# CONTEXT-DATABASE:`` / ``# CONTEXT-RETENTION-POLICY:`` blocks of line protocol, ns times);
* ``influxql_corpus.json``: the entries (id, category, method, HTTP params incl. ``q`` and ``db``,
  headers, ``seq`` for statements that change data and must run in order), plus what 1.6.7 lacks
  next to 1.8 (``not_in_1_6_7``) and the 1.6.7 behaviours a reader should know (``known_1_6_7_quirks``);
* ``influxql_goldens.json.gz``: ``{id: {"status", "content_type", "body"}}``, ``body`` being the
  exact text InfluxDB sent (JSON, chunked JSON lines, pretty JSON or CSV).

``tests/influxql_goldens.py`` loads the data set into a machstore server and replays the corpus.
Every read-only entry is run three times, and the data-changing sequences run again on a second fresh
server; an entry whose answers differ is left out and reported, so two runs of this script give
identical files (``--check`` verifies that).
"""
from __future__ import annotations

import argparse
import datetime as _dt
import gzip
import json
import math
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

import requests

BENCH = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, BENCH)
from tsbs import generate_lines  # noqa: E402

ROOT = os.path.dirname(BENCH)
DATA_DIR = os.path.join(ROOT, "tests", "data")
DATASET_FILE = "influxql_dataset.lp.gz"
CORPUS_FILE = "influxql_corpus.json"
GOLDENS_FILE = "influxql_goldens.json.gz"

SEED = 20200301
NS = 10**9
MINUTE = 60 * NS
HOUR = 60 * MINUTE
T0 = 1583020800 * NS  # 2020-03-01T00:00:00Z: the start of most of the data

# TSBS slice: 10 hosts, 480 epochs of 2 minutes (16 hours, 4,800 rows), int fields, seed 123.
TSBS_SCALE, TSBS_EPOCHS, TSBS_INTERVAL_S, TSBS_SEED = 10, 480, 120, 123
TSBS_START = 1451606400 * NS  # 2016-01-01T00:00:00Z, bench/tsbs.py's default

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

[continuous_queries]
  enabled = false

[http]
  enabled = true
  bind-address = "127.0.0.1:{http_port}"
  log-enabled = false
"""


def log(msg: str) -> None:
    """Print a progress message on stderr."""
    print(f"[record_influx_goldens] {msg}", file=sys.stderr, flush=True)


# ==================================================================================================
# influxd


def free_port() -> int:
    """Return a loopback TCP port that was free a moment ago."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ensure_influxdb(install: bool = True) -> str:
    """Install Debian's ``influxdb`` if ``influxd`` is missing (services not started); return its path."""
    exe = shutil.which("influxd")
    if exe or not install:
        return exe or ""
    log("installing Debian's influxdb (apt-get install -y, RUNLEVEL=1)")
    # NOTE: RUNLEVEL=1 keeps invoke-rc.d from starting the packaged service on :8086.
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive", RUNLEVEL="1")
    subprocess.run(["apt-get", "install", "-y", "influxdb"], env=env, check=False)
    return shutil.which("influxd") or ""


@dataclass
class Influxd:
    """A private ``influxd run`` on loopback ports with its own meta/data/wal directories."""

    proc: subprocess.Popen
    url: str
    data_dir: str
    version: str = ""
    owns_dir: bool = True

    def stop(self, timeout: float = 30.0) -> None:
        """SIGTERM the process group, SIGKILL after ``timeout``; remove the data directory."""
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=timeout)
            except ProcessLookupError:
                pass
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        if self.owns_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def log_tail(self, n: int = 30) -> str:
        """Return the last lines of the server log."""
        try:
            with open(os.path.join(self.data_dir, "influxd.log"), "rb") as f:
                return b"\n".join(f.read().splitlines()[-n:]).decode("utf-8", "replace")
        except OSError:
            return ""


def start_influxd(data_dir: Optional[str] = None, exe: str = "influxd", timeout: float = 60.0) -> Influxd:
    """Start influxd on free loopback ports (reporting, monitor store, logs and CQs off)."""
    owns = data_dir is None
    data_dir = data_dir or tempfile.mkdtemp(prefix="influxd-gold-")
    http_port, rpc_port = free_port(), free_port()
    conf = os.path.join(data_dir, "influxdb.conf")
    with open(conf, "w") as f:
        f.write(INFLUX_CONF.format(dir=data_dir, rpc_port=rpc_port, http_port=http_port))
    logf = open(os.path.join(data_dir, "influxd.log"), "wb")
    try:
        proc = subprocess.Popen([exe, "run", "-config", conf], stdout=logf, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True, cwd=data_dir)
    finally:
        logf.close()
    srv = Influxd(proc=proc, url=f"http://127.0.0.1:{http_port}", data_dir=data_dir, owns_dir=owns)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        try:
            r = requests.get(srv.url + "/ping", timeout=2)
            if r.status_code == 204:
                srv.version = r.headers.get("X-Influxdb-Version", "")
                return srv
        except requests.RequestException:
            pass
        time.sleep(0.2)
    tail = srv.log_tail()
    srv.stop()
    raise RuntimeError(f"influxd did not become ready:\n{tail}")


# ==================================================================================================
# The data set


class _Rng:
    """Seeded randomness from ``random.Random.random()`` only (its sequence is stable across Pythons)."""

    def __init__(self, seed: int) -> None:
        self._r = random.Random(seed)

    def uniform(self, a: float, b: float) -> float:
        return a + (b - a) * self._r.random()

    def below(self, n: int) -> int:
        return min(int(self._r.random() * n), n - 1)

    def chance(self, p: float) -> bool:
        return self._r.random() < p

    def choice(self, seq: Sequence):
        return seq[self.below(len(seq))]


class Bool:
    """A boolean field written with a given literal (``t``, ``TRUE``, ``False``...)."""

    def __init__(self, text: str) -> None:
        self.text = text


TRUE_FORMS = ("true", "t", "T", "True", "TRUE")
FALSE_FORMS = ("false", "f", "F", "False", "FALSE")


def _esc_key(s: str) -> str:
    # NOTE: 1.x keeps a backslash before any other character as is, so backslashes are not escaped
    # (and no tag value may end in one: "C:\\" cannot be written).
    return s.replace(",", "\\,").replace("=", "\\=").replace(" ", "\\ ")


def _esc_meas(s: str) -> str:
    return s.replace(",", "\\,").replace(" ", "\\ ")


def _field_value(v) -> str:
    if isinstance(v, Bool):
        return v.text
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return f"{v}i"
    if isinstance(v, float):
        text = repr(v)
        return text if ("." in text or "e" in text) else text + ".0"
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    raise TypeError(f"unsupported field value {v!r}")


def lp(measurement: str, tags: Sequence[Tuple[str, Optional[str]]], fields: Sequence[Tuple[str, object]],
       ts: int) -> str:
    """Return one line of line protocol (tags with a None value and fields with None are left out)."""
    head = _esc_meas(measurement) + "".join(
        f",{_esc_key(k)}={_esc_key(v)}" for k, v in tags if v is not None)
    body = ",".join(f"{_esc_key(k)}={_field_value(v)}" for k, v in fields if v is not None)
    if not body:
        raise ValueError("a point needs a field")
    return f"{head} {body} {ts}"


def _bool(rng: _Rng, value: bool) -> Bool:
    return Bool(rng.choice(TRUE_FORMS if value else FALSE_FORMS))


def _ceil_to(t: int, step: int) -> int:
    return -(-t // step) * step


def gen_cpu(rng: _Rng) -> List[str]:
    """``cpu``: 6 hosts (region/dc missing on some), 2 hours of irregular points, all field types."""
    hosts = [("server01", "us-west", "dc1", 2), ("server02", "us-west", "dc2", 4),
             ("server03", "us-east", "dc1", 4), ("server04", "us-east", None, 8),
             ("server05", "eu-central", None, 8), ("server06", None, None, 16)]
    states = ("running", "idle", "sleeping", "stopped")
    lines = []
    for n, (host, region, dc, cores) in enumerate(hosts):
        t = T0 + n * 7 * NS if n else T0  # server01 starts exactly at T0
        user = round(rng.uniform(5, 95), 3)
        while t < T0 + 2 * HOUR:
            fields = []
            if rng.chance(0.05):
                fields.append(("state", rng.choice(states)))  # a point with a string field only
            else:
                fields.append(("usage_user", user))
                fields.append(("usage_system", None if rng.chance(0.15) else round(rng.uniform(0, 30), 2)))
                c = cores * 2 if (host == "server03" and t >= T0 + HOUR) else cores
                fields.append(("cores", c))
                fields.append(("state", None if rng.chance(0.25) else rng.choice(states)))
                fields.append(("up", _bool(rng, not rng.chance(0.1))))
            tags = [("dc", dc), ("host", host), ("region", region)]
            lines.append(lp("cpu", tags, fields, t))
            user = round(min(100.0, max(0.0, user + rng.uniform(-8, 8))), 3)
            step = 20 * NS + int(rng.uniform(0, 160)) * NS + rng.below(1000) * 1_000_000
            if host == "server02":
                step += rng.below(1_000_000)  # sub-millisecond times: RFC3339Nano output
            t += step
            if rng.chance(0.15):
                t = _ceil_to(t, 10 * MINUTE)  # exactly on a 10-minute (and sometimes 1-hour) boundary
    return lines


def gen_mem(rng: _Rng) -> List[str]:
    """``mem``: 3 hosts every ~5 minutes with gaps; big integers, negative deltas."""
    lines = []
    for n, host in enumerate(("server01", "server02", "server03")):
        kind = "physical" if n < 2 else None
        used = 4_000_000_000 + rng.below(2_000_000_000)
        total = 16_000_000_000
        for k in range(24):
            if rng.chance(0.15):
                continue
            t = T0 + k * 5 * MINUTE + (rng.below(30) * NS if n else 0)
            new_used = max(1_000_000_000, used + rng.below(600_000_000) - 300_000_000)
            delta = new_used - used
            used = new_used
            fields = [("used", used), ("free", total - used), ("pct", round(100.0 * used / total, 4)),
                      ("delta", delta)]
            lines.append(lp("mem", [("host", host), ("kind", kind)], fields, t))
    return lines


def gen_weather(rng: _Rng) -> List[str]:
    """``weather``: 6 cities (country missing on one, a unicode name) hourly-ish for a day."""
    cities = [("Seoul", "KR", 5.0), ("Busan", "KR", 9.0), ("New York", "US", 7.0),
              ("Oslo", "NO", -3.0), ("Reykjavik", None, -4.0), ("São Paulo", "BR", 24.0)]
    conds = ("clear", "cloudy", "rain", "snow", "fog")
    lines = []
    for city, country, base in cities:
        for h in range(24):
            if rng.chance(0.1):
                continue
            t = T0 + h * HOUR + (0 if rng.chance(0.3) else rng.below(600) * NS)
            temp = round(base + rng.uniform(-6, 6), 1)
            fields = [("temp", temp),
                      ("humidity", None if rng.chance(0.2) else 20 + rng.below(81)),
                      ("cond", rng.choice(conds)),
                      ("raining", _bool(rng, rng.chance(0.3)))]
            lines.append(lp("weather", [("city", city), ("country", country)], fields, t))
    return lines


def gen_events(rng: _Rng) -> List[str]:
    """``events``: sparse string-heavy points (escapes, unicode), some on exact boundaries."""
    msgs = ("started", "stopped", 'said "hi"', "path C:\\temp", "a,b=c d", "서울 ok", "", "retry #3")
    lines = []
    for source in ("app", "db", "web"):
        times = set()
        while len(times) < 16:
            if rng.chance(0.3):
                times.add(T0 + rng.below(12) * 10 * MINUTE)
            else:
                times.add(T0 + rng.below(7200) * NS + rng.below(1000) * 1_000_000)
        for t in sorted(times):
            level = None if rng.chance(0.2) else rng.choice(("info", "warn", "error"))
            fields = [("msg", rng.choice(msgs)), ("severity", rng.below(6)),
                      ("ack", _bool(rng, rng.chance(0.5))),
                      ("latency", None if rng.chance(0.5) else round(rng.uniform(0, 5), 3))]
            lines.append(lp("events", [("level", level), ("source", source)], fields, t))
    return lines


def gen_counter(rng: _Rng) -> List[str]:
    """``counter``: monotonic counters every 10 s (one resets) for derivatives and differences."""
    lines = []
    for n, host in enumerate(("server01", "server02")):
        req, byt = 1000 * (n + 1), 5e5
        start = T0 + n * 5 * MINUTE
        for k in range(180 - n * 30):
            t = start + k * 10 * NS
            if host == "server01" and k == 90:
                req = 0  # counter reset
            req += rng.below(50)
            byt += round(rng.uniform(0, 2000), 2)
            lines.append(lp("counter", [("host", host)], [("requests", req), ("bytes", round(byt, 2))], t))
    return lines


def gen_sine(rng: _Rng) -> List[str]:
    """``sine``: two regular waves (60 s) with trend and noise, for moving averages and Holt-Winters."""
    lines = []
    for wave, period, offset in (("a", 60.0, 0.0), ("b", 30.0, -20.0)):
        for k in range(240):
            v = 10 * math.sin(2 * math.pi * k / period) + 0.05 * k + offset + rng.uniform(-0.5, 0.5)
            lines.append(lp("sine", [("wave", wave)], [("value", round(v, 4))], T0 + k * MINUTE))
    return lines


def gen_misc(rng: _Rng) -> List[str]:
    """Type clashes across measurements, boundaries, DST, big integers and names that need quoting."""
    lines = []
    for k in range(10):  # h2o_level (float) and h2o_level_int (integer): same field name, two types
        for loc in ("coyote_creek", "santa_monica"):
            t = T0 + k * 6 * MINUTE
            lines.append(lp("h2o_level", [("location", loc)], [("level", round(rng.uniform(-1, 9), 3))], t))
            if loc == "coyote_creek":
                lines.append(lp("h2o_level_int", [("location", loc)], [("level", rng.below(10) - 2)], t))
    for i in range(13):  # ticks: exactly on, 1 ns before and 1 ms after each 10-minute boundary
        b = T0 + i * 10 * MINUTE
        for kind, t in (("exact", b), ("before", b - 1), ("after", b + 1_000_000)):
            lines.append(lp("ticks", [("kind", kind)], [("v", float(i) + 0.5), ("n", i)], t))
    # dst: hourly around the 2020 DST changes (US 03-08, EU 03-29, EU 10-25, US 11-01)
    for day0 in ("2020-03-07", "2020-03-28", "2020-10-24", "2020-10-31"):
        start = int(_dt.datetime.fromisoformat(day0 + "T00:00:00+00:00").timestamp()) * NS
        for h in range(72):
            lines.append(lp("dst", [], [("n", h), ("x", round(rng.uniform(0, 10), 2))], start + h * HOUR))
    for sign, vals in (("pos", (9223372036854775807, 1, 9223372036854775806)),
                       ("neg", (-9223372036854775808, -1, -9223372036854775807))):
        for k, v in enumerate(vals):  # bigint: int64 extremes (sums overflow the way Go's int64 does)
            lines.append(lp("bigint", [("sign", sign)], [("v", v)], T0 + k * MINUTE))
    lines.append(lp("disk free", [("path", "/dev/sda1")], [("free bytes", 123456789), ("used%", 41.5)], T0))
    lines.append(lp("disk free", [("path", "C:\\temp")], [("free bytes", 987654321), ("used%", 12.25)], T0))
    lines.append(lp("disk free", [("path", "/dev/sda1")], [("free bytes", 123400000), ("used%", 41.75)],
                    T0 + HOUR))
    lines.append(lp("weird.name", [("label", "a=b,c d")], [("value", 1.5)], T0))
    lines.append(lp("weird.name", [("label", "plain")], [("value", -2.5)], T0 + MINUTE))
    lines.append(lp("select", [("from", "x")], [("where", 1), ("time_", 2.0)], T0))
    lines.append(lp("온도", [("도시", "서울")], [("값", 3.5)], T0))
    lines.append(lp("온도", [("도시", "부산")], [("값", 8.25)], T0 + MINUTE))
    return lines


def gen_longterm(rng: _Rng) -> List[str]:
    """``gold.longterm``: a second ``cpu`` (other hosts and values) and ``archive``."""
    lines = []
    for host in ("server01", "server07"):
        for k in range(12):
            lines.append(lp("cpu", [("host", host)], [("usage_user", round(rng.uniform(0, 100), 2))],
                            T0 + k * 10 * MINUTE))
    for k in range(5):
        lines.append(lp("archive", [], [("n", k * k)], T0 + k * HOUR))
    return lines


def gen_other(rng: _Rng) -> List[str]:
    """Database ``other`` (default RP ``main``): its own ``cpu`` and ``load``."""
    lines = []
    for k in range(8):
        t = T0 + k * 15 * MINUTE
        lines.append(lp("cpu", [("host", "server01")], [("usage_user", round(rng.uniform(0, 100), 2))], t))
        lines.append(lp("load", [("host", "server01")], [("l1", round(rng.uniform(0, 4), 2))], t))
    return lines


def tsbs_lines() -> List[str]:
    """The TSBS cpu-only slice (bench/tsbs.py: scale 10, 480 epochs of 120 s, int fields)."""
    return [b.decode("ascii").rstrip("\n") for b in generate_lines(
        scale=TSBS_SCALE, epochs=TSBS_EPOCHS, interval_s=TSBS_INTERVAL_S, seed=TSBS_SEED,
        start_ns=TSBS_START)]


MUTATION_DBS = ("mut_delete", "mut_drop_series", "mut_drop_meas", "mut_drop_db", "mut_into", "mut_rp")


@dataclass
class Dataset:
    """DDL statements, then (database, retention policy, lines) blocks."""

    ddl: List[str]
    blocks: List[Tuple[str, str, List[str]]]

    def export_text(self) -> str:
        """Return the data set in ``influx_inspect export`` form."""
        out = ["# DDL"] + self.ddl + ["# DML"]
        for db, rp, lines in self.blocks:
            out += [f"# CONTEXT-DATABASE:{db}", f"# CONTEXT-RETENTION-POLICY:{rp}"] + lines
        return "\n".join(out) + "\n"

    def points(self) -> int:
        return sum(len(b[2]) for b in self.blocks)


def build_dataset() -> Dataset:
    """Return the data set (same output for every run: fixed seed, fixed absolute times)."""
    rng = _Rng(SEED)
    cpu, mem, weather = gen_cpu(rng), gen_mem(rng), gen_weather(rng)
    gold = cpu + mem + weather + gen_events(rng) + gen_counter(rng) + gen_sine(rng) + gen_misc(rng)
    longterm, other = gen_longterm(rng), gen_other(rng)
    ddl = [
        "CREATE DATABASE gold WITH NAME autogen",
        "CREATE RETENTION POLICY longterm ON gold DURATION INF REPLICATION 1",
        # NOTE: policies with a finite duration stay empty: their data would expire with the wall clock.
        "CREATE RETENTION POLICY short ON gold DURATION 1h REPLICATION 1 SHARD DURATION 1h",
        "CREATE RETENTION POLICY month ON gold DURATION 4w REPLICATION 1 SHARD DURATION 1d",
        "CREATE DATABASE other WITH DURATION INF REPLICATION 1 NAME main",
        "CREATE DATABASE empty",
        "CREATE DATABASE tsbs",
    ] + [f"CREATE DATABASE {db}" for db in MUTATION_DBS]
    blocks = [("gold", "autogen", gold), ("gold", "longterm", longterm), ("other", "main", other),
              ("tsbs", "autogen", tsbs_lines())]
    for db in MUTATION_DBS:
        blocks.append((db, "autogen", cpu + mem + weather))
    return Dataset(ddl=ddl, blocks=blocks)


def parse_export(text: str) -> Dataset:
    """Parse ``influx_inspect export`` text back into a :class:`Dataset`."""
    ddl: List[str] = []
    blocks: List[Tuple[str, str, List[str]]] = []
    section = None
    db = rp = None
    for line in text.splitlines():
        if line in ("# DDL", "# DML"):
            section = line[2:]
            continue
        if line.startswith("# CONTEXT-DATABASE:"):
            db = line.split(":", 1)[1]
            continue
        if line.startswith("# CONTEXT-RETENTION-POLICY:"):
            rp = line.split(":", 1)[1]
            blocks.append((db, rp, []))
            continue
        if not line or line.startswith("#"):
            continue
        if section == "DDL":
            ddl.append(line)
        else:
            blocks[-1][2].append(line)
    return Dataset(ddl=ddl, blocks=blocks)


def load_dataset(url: str, ds: Dataset, session: Optional[requests.Session] = None,
                 batch: int = 5000) -> None:
    """Run the DDL on ``url``/query and POST the lines to ``url``/write (precision ns)."""
    s = session or requests.Session()
    for stmt in ds.ddl:
        r = s.post(url + "/query", params={"q": stmt}, timeout=60)
        if r.status_code != 200 or '"error"' in r.text:
            raise RuntimeError(f"{stmt}: {r.status_code} {r.text}")
    for db, rp, lines in ds.blocks:
        for i in range(0, len(lines), batch):
            body = ("\n".join(lines[i:i + batch]) + "\n").encode("utf-8")
            r = s.post(url + "/write", params={"db": db, "rp": rp, "precision": "ns"}, data=body,
                       timeout=120)
            if r.status_code != 204:
                raise RuntimeError(f"write {db}.{rp}: {r.status_code} {r.text}")


# ==================================================================================================
# The corpus


@dataclass
class Entry:
    """One HTTP request to ``/query`` and how its answer is compared."""

    id: str
    category: str
    params: Dict[str, str]
    method: str = "POST"
    headers: Dict[str, str] = field(default_factory=dict)
    seq: Optional[str] = None  # entries of one seq change data: replay all of them, in order
    kind: str = "json"  # json | chunked | pretty | csv: how the body is compared
    note: str = ""
    series_order: str = ""  # "any": InfluxDB emits the series in random order (stored merged, sorted)

    def to_json(self) -> dict:
        out = {"id": self.id, "category": self.category, "method": self.method, "params": self.params,
               "kind": self.kind}
        if self.headers:
            out["headers"] = self.headers
        if self.seq:
            out["seq"] = self.seq
        if self.note:
            out["note"] = self.note
        if self.series_order:
            out["series_order"] = self.series_order
        return out


def ts(minutes: float = 0, base: int = T0) -> str:
    """Return the RFC3339 text of ``base`` + ``minutes``."""
    t = base + int(minutes * MINUTE)
    sec, frac = divmod(t, NS)
    text = _dt.datetime.fromtimestamp(sec, _dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    return text + (f".{frac:09d}".rstrip("0") if frac else "") + "Z"


W2H = f"time >= '{ts(0)}' AND time < '{ts(120)}'"  # cpu, mem, events, counter, ticks
W1D = f"time >= '{ts(0)}' AND time < '{ts(1440)}'"  # weather
W4H = f"time >= '{ts(0)}' AND time < '{ts(240)}'"  # sine
E1 = ("",)
E2 = ("", "ns")
EALL = ("", "ns", "u", "ms", "s", "m", "h")


class CorpusBuilder:
    """Collects entries; ids are ``<category>-<n>`` plus ``@<variant>`` for other HTTP params."""

    def __init__(self) -> None:
        self.entries: List[Entry] = []
        self._n: Dict[str, int] = {}

    def add(self, category: str, q: str, db: Optional[str] = "gold", epochs: Sequence[str] = E1,
            method: str = "POST", seq: Optional[str] = None, extra: Optional[Dict[str, str]] = None,
            headers: Optional[Dict[str, str]] = None, kind: str = "json", note: str = "",
            variant: str = "", series_order: str = "") -> None:
        n = self._n[category] = self._n.get(category, 0) + 1
        base = f"{category}-{n:03d}"
        for ep in epochs:
            params = {"q": q}
            if db is not None:
                params["db"] = db
            if ep:
                params["epoch"] = ep
            params.update(extra or {})
            suffix = "@".join(x for x in (variant, ep) if x)
            self.entries.append(Entry(
                id=base + (f"@{suffix}" if suffix else ""), category=category, params=params,
                method=method, headers=dict(headers or {}), seq=seq, kind=kind, note=note,
                series_order=series_order))


def _raw(c: CorpusBuilder) -> None:
    a = lambda q, **kw: c.add("raw", q, **kw)  # noqa: E731
    a("SELECT * FROM cpu", epochs=EALL)
    a("SELECT usage_user FROM cpu", epochs=E2)
    a("SELECT usage_user, usage_system FROM cpu WHERE host = 'server01'", epochs=E2)
    a('SELECT "usage_user","state","up","cores" FROM "cpu" WHERE host = \'server02\'', epochs=E2)
    a("SELECT state, up FROM cpu WHERE host = 'server03'")
    a("SELECT usage_user::field, host::tag, region::tag FROM cpu WHERE host = 'server04'", epochs=E2)
    a("SELECT *::field FROM cpu WHERE host = 'server05'")
    a("SELECT *::tag, usage_user FROM cpu WHERE host = 'server05'")
    a("SELECT host FROM cpu")
    a("SELECT host, region FROM cpu WHERE host = 'server01'")
    a("SELECT usage_user::integer, cores::float, cores::integer, state::string, up::boolean "
      "FROM cpu WHERE host = 'server01'")
    a("SELECT usage_user::tag, host::field FROM cpu WHERE host = 'server01'")
    a("SELECT usage_user * 2 + 1, usage_user - usage_system AS diff, -usage_user AS neg "
      "FROM cpu WHERE host = 'server01'", epochs=E2)
    a("SELECT usage_user / 0, cores / 0, cores % 3, cores * 2, cores / 3, cores - 10 FROM cpu "
      "WHERE host = 'server03'")
    a("SELECT cores & 6, cores | 1, cores ^ 5 FROM cpu WHERE host = 'server03'")
    a("SELECT (usage_user + usage_system) * 2, usage_user + cores FROM cpu WHERE host = 'server01' LIMIT 5")
    a("SELECT usage_user AS u, usage_system AS \"sys\", cores AS c FROM cpu WHERE host = 'server02' LIMIT 10")
    a("SELECT /usage/ FROM cpu WHERE host = 'server01'")
    a("SELECT /^usage_u/, state FROM cpu WHERE host = 'server01'")
    a("SELECT /e/ FROM cpu WHERE host = 'server06'")
    a("SELECT * FROM cpu LIMIT 5", epochs=E2)
    a("SELECT time, usage_user FROM cpu LIMIT 3")
    a("SELECT usage_user, usage_user, usage_user AS x FROM cpu LIMIT 3")
    a("SELECT * FROM weather", epochs=E2)
    a("SELECT * FROM events", epochs=E2)
    a('SELECT * FROM "disk free"', epochs=E2)
    a("SELECT \"free bytes\", \"used%\" FROM \"disk free\" WHERE path = 'C:\\\\temp'")
    a('SELECT * FROM "weird.name"')
    a("SELECT \"where\", \"time_\" FROM \"select\" WHERE \"from\" = 'x'")
    a('SELECT * FROM "온도"')
    a("SELECT \"값\" FROM \"온도\" WHERE \"도시\" = '서울'")
    a("SELECT * FROM bigint", epochs=E2)
    a("SELECT v * 2, v + 1, v - 1, -v FROM bigint")
    a("SELECT * FROM ticks WHERE kind = 'exact'", epochs=EALL)
    a("SELECT level FROM h2o_level_int")
    a("SELECT * FROM mem WHERE host = 'server03'", epochs=E2)
    a("SELECT used, free, used + free, used / free FROM mem WHERE host = 'server01'")
    a("SELECT pct * 1.5, delta FROM mem WHERE delta < 0")
    a("SELECT * FROM cpu WHERE host = 'server01' ORDER BY time DESC LIMIT 5", epochs=E2)
    a("SELECT \"usage_user\" FROM \"gold\".\"autogen\".\"cpu\" WHERE \"host\" = 'server01' LIMIT 3")
    a("SELECT * FROM counter WHERE host = 'server02' LIMIT 10", epochs=E2)
    a("SELECT value FROM sine WHERE wave = 'b' LIMIT 20")
    a("SELECT * FROM dst LIMIT 30", epochs=E2)
    a("SELECT usage_user, state FROM cpu WHERE host = 'server06' AND state = 'idle'")
    a("SELECT msg, severity FROM events WHERE source = 'web'")
    a("select USAGE_USER, Usage_User from CPU limit 2")
    a("select usage_user from cpu where HOST = 'server01' limit 2")
    a("SELECT usage_user + 'x' FROM cpu LIMIT 2")
    a("SELECT cond + 'x', raining AND true FROM weather LIMIT 2")
    a("SELECT 1 FROM cpu LIMIT 2")
    a("SELECT usage_user, 2.5, 'lit' FROM cpu LIMIT 2")


def _where(c: CorpusBuilder) -> None:
    a = lambda q, **kw: c.add("where", q, **kw)  # noqa: E731
    u = "SELECT usage_user FROM cpu WHERE "
    for cond in (
        "host = 'server01'", "host != 'server01'", "host <> 'server01'", "host =~ /server0[12]/",
        "host !~ /server0[12]/", "region = 'us-west' AND dc = 'dc2'",
        "region = 'us-west' OR region = 'eu-central'",
        "(region = 'us-west' OR region = 'us-east') AND dc = 'dc1'",
        "dc = ''", "dc != ''", "region =~ /^$/", "region !~ /./", "nosuchtag = 'x'", "nosuchtag = ''",
        "host = 'nope'", "host = \"server01\"", "'server01' = host", "host =~ /(?i)SERVER01/",
        "host =~ /^server0[1-3]$/ AND NOT_A_TAG != 'x'", "host > 'server04'",
    ):
        a(u + cond, epochs=E2 if cond == "host = 'server01'" else E1)
    s = "SELECT usage_user, usage_system, cores, state, up FROM cpu WHERE "
    for cond in (
        "usage_user > 90", "usage_user >= 50 AND usage_user <= 52", "usage_user < 5 OR usage_user > 97",
        "cores = 8", "cores > 3.5", "cores = 4.0", "usage_user = 50", "state = 'idle'", "state != 'idle'",
        "state <> 'idle'", "state =~ /^(run|sleep)/", "state !~ /ing$/", "up = true", "up = false",
        "up != true", "usage_user + usage_system > 110", "usage_user > 50 AND host = 'server01'",
        "usage_user > 97 OR host = 'server06'", "usage_user > usage_system * 4 AND host = 'server02'",
        "usage_system = 0", "usage_user > 99 AND (host = 'server01' OR region = 'eu-central')",
        "state = 'idle' AND up = false", "cores % 3 = 1", "usage_user > -1 AND cores < 3",
        "usage_user >= '50'", "state > 'r'", "up = 'true'", "cores = 8i",
    ):
        a(s + cond, epochs=E2 if cond == "usage_user > 90" else E1)
    a("SELECT * FROM weather WHERE temp < 0", epochs=E2)
    a("SELECT temp, cond FROM weather WHERE temp < -5 AND country = 'NO'")
    a("SELECT * FROM weather WHERE city = 'New York'")
    a("SELECT * FROM weather WHERE city = 'São Paulo' AND humidity > 50")
    a("SELECT * FROM weather WHERE raining = true AND (cond = 'snow' OR cond = 'rain')")
    a("SELECT msg FROM events WHERE msg = 'said \"hi\"'")
    a("SELECT msg FROM events WHERE msg = 'path C:\\\\temp'")
    a("SELECT msg FROM events WHERE msg =~ /서울/")
    a("SELECT msg FROM events WHERE msg = ''")
    a("SELECT * FROM events WHERE severity >= 4 AND ack = true")
    a("SELECT latency, source FROM events WHERE latency > 1")
    a("SELECT * FROM events WHERE level = ''")
    a("SELECT used, delta FROM mem WHERE delta < 0 AND host = 'server02'")
    a("SELECT * FROM bigint WHERE v > 0")
    a("SELECT * FROM bigint WHERE v < -9223372036854775807")
    a("SELECT level FROM h2o_level WHERE level < 0 AND location = 'santa_monica'")
    a("SELECT * FROM \"disk free\" WHERE \"used%\" > 20")
    a("SELECT * FROM \"weird.name\" WHERE label = 'a=b,c d'")


def _time(c: CorpusBuilder) -> None:
    a = lambda q, **kw: c.add("time", q, **kw)  # noqa: E731
    t = "SELECT v, n FROM ticks WHERE "
    for cond, ep in (
        (f"time >= '{ts(10)}' AND time <= '{ts(20)}'", EALL),
        (f"time > '{ts(10)}' AND time < '{ts(20)}'", E2),
        (f"time = '{ts(10)}'", E2),
        (f"time >= '2020-03-01T00:10:00.001Z' AND time < '{ts(30)}'", E2),
        ("time >= '2020-03-01T00:09:59.999999999Z' AND time < '2020-03-01T00:10:00.001000001Z'", E2),
        ("time >= '2020-03-01T09:10:00+09:00' AND time < '2020-03-01T09:30:00+09:00'", E2),
        ("time >= '2020-02-29T19:10:00-05:00' AND time < '2020-02-29T19:30:00-05:00'", E1),
        ("time >= '2020-03-01 00:10:00' AND time < '2020-03-01 00:30:00'", E2),
        ("time >= '2020-03-01 00:10:00.000000001' AND time < '2020-03-01 00:30:00.5'", E1),
        ("time >= '2020-03-01' AND time < '2020-03-02'", E1),
        ("time >= 1583021400000000000 AND time < 1583022600000000000", E2),
        ("time >= 1583021400000ms AND time < 1583022600000ms", E2),
        ("time >= 1583021400s AND time < 1583022600s", E2),
        ("time >= 1583021400000000u AND time < 1583022600000000u", E1),
        ("time >= 1583021400000000µ AND time < 1583022600000000µ", E1),
        ("time >= 26383690m AND time < 26383710m", E1),
        ("time >= 439728h AND time < 439729h", E1),
        ("time >= 1583021400000000000ns AND time <= 1583022000000000000ns", E1),
        ("time >= 1583021399999999999 AND time <= 1583021400000000000", E1),
        (f"time > '{ts(0)}' + 10m AND time < '{ts(0)}' + 20m", E2),
        (f"time > '{ts(30)}' - 10m AND time < '{ts(30)}' - 1ns", E1),
        ("time >= 1583020800s + 10m AND time < 1583020800s + 30m", E1),
        ("time >= 1583020800000ms + 1h - 10m AND time < 1583020800000ms + 1h", E1),
        ("time < now()", E2), ("time <= now() + 1h AND kind = 'exact'", E1),
        ("time > now() - 20000d AND kind = 'after'", E1), ("time > now()", E1),
        ("time < '2016-01-01T00:00:00Z'", E1), (f"time >= '{ts(110)}'", E1), (f"time < '{ts(10)}'", E1),
        (f"time <= '{ts(10)}'", E1),
        (f"(time < '{ts(10)}' OR time > '{ts(110)}')", E1),
        (f"time >= '{ts(10)}' AND time < '{ts(10)}'", E1),
        (f"time > '{ts(30)}' AND time < '{ts(20)}'", E1),
        (f"(kind = 'before' OR kind = 'after') AND time >= '{ts(10)}' AND time < '{ts(40)}'", E2),
        (f"time >= '{ts(10)}' AND kind = 'exact' AND time < '{ts(40)}'", E1),
        (f"time >= '{ts(10)}' AND time >= '{ts(20)}' AND time < '{ts(50)}' AND time < '{ts(60)}'", E1),
        (f"time >= '{ts(10)}' AND time < '{ts(40)}' OR kind = 'exact'", E1),
        (f"time >= '{ts(10)}' AND time < '{ts(30)}' AND v > 1", E1),
        (f"time != '{ts(10)}' AND time < '{ts(30)}'", E1),
    ):
        a(t + cond, epochs=ep)
    a(f"SELECT v FROM ticks WHERE time >= '{ts(10)}' AND time < '{ts(30)}' tz('Asia/Seoul')", epochs=E2)
    a(f"SELECT v FROM ticks WHERE time >= '{ts(10)}' AND time < '{ts(30)}' tz('America/St_Johns')")
    a("SELECT v FROM ticks WHERE time >= '2020-03-01T09:10:00' AND time < '2020-03-01T09:30:00' "
      "tz('Asia/Seoul')")
    a("SELECT v FROM ticks WHERE time >= '2020-03-01 09:10:00' AND time < '2020-03-01 09:30:00' "
      "tz('Asia/Seoul')")
    a("SELECT usage_user FROM cpu WHERE host = 'server02' AND time >= '2020-03-01T00:30:00Z' "
      "AND time < '2020-03-01T00:40:00Z'", epochs=E2)
    a("SELECT * FROM dst WHERE time >= '2020-03-08T05:00:00Z' AND time < '2020-03-08T09:00:00Z' "
      "tz('America/New_York')")
    a("SELECT * FROM dst WHERE time >= '2020-10-25T00:00:00Z' AND time < '2020-10-25T03:00:00Z' "
      "tz('Europe/Berlin')", epochs=E2)


def _groupby(c: CorpusBuilder) -> None:
    a = lambda q, **kw: c.add("groupby", q, **kw)  # noqa: E731
    m = f"SELECT mean(usage_user) FROM cpu WHERE {W2H} GROUP BY "
    for g, ep in (
        ("time(10m)", EALL), ("time(10m, 5m)", E2), ("time(10m, -3m)", E1), ("time(10m, 25m)", E1),
        ("time(7m)", E2), ("time(1h)", E1), ("time(90s)", E1), ("time(15m), host", E2),
        ("host", E2), ("host, region", E1), ("region", E1), ("dc", E2), ("*", E1), ("/reg|dc/", E1),
        ("time(30m), *", E2), ("nosuchtag", E1), ('"host", time(30m)', E1), ("time(30m), /^h/", E1),
        ("time(1h), region, dc", E1), ("host, host", E1),
    ):
        a(m + g, epochs=ep)
    a(f"SELECT count(usage_user) FROM cpu WHERE {W2H} GROUP BY time(10m)", epochs=E2)
    a(f"SELECT count(usage_user) FROM cpu WHERE time >= '{ts(5)}' AND time < '{ts(35)}' GROUP BY time(10m)",
      epochs=E2)
    a(f"SELECT sum(cores) FROM cpu WHERE time >= '{ts(5)}' AND time <= '{ts(35)}' GROUP BY time(10m, 2m)")
    a(f"SELECT count(v) FROM ticks WHERE {W2H} GROUP BY time(10m)", epochs=E2)
    a(f"SELECT count(v) FROM ticks WHERE {W2H} GROUP BY time(10m), kind")
    a(f"SELECT count(v) FROM ticks WHERE time >= '{ts(10)}' AND time < '{ts(30)}' GROUP BY time(1m)")
    a("SELECT usage_user FROM cpu WHERE host =~ /server0[12]/ GROUP BY host LIMIT 3", epochs=E2)
    a("SELECT * FROM cpu GROUP BY * LIMIT 2")
    a("SELECT usage_user, state FROM cpu GROUP BY region LIMIT 2")
    a("SELECT * FROM weather GROUP BY country LIMIT 1")
    a(f"SELECT max(temp) FROM weather WHERE {W1D} GROUP BY time(6h), city", epochs=E2)
    a(f"SELECT mean(temp) FROM weather WHERE {W1D} GROUP BY time(6h) tz('Asia/Seoul')", epochs=E2)
    a(f"SELECT mean(temp) FROM weather WHERE {W1D} GROUP BY time(1d) tz('Asia/Seoul')")
    a(f"SELECT count(temp) FROM weather WHERE {W1D} GROUP BY time(1h) tz('Asia/Kolkata')")
    a(f"SELECT count(temp) FROM weather WHERE {W1D} GROUP BY time(1d) tz('America/St_Johns')")
    dst = ("SELECT sum(n), count(n) FROM dst WHERE time >= '2020-03-07T00:00:00Z' "
           "AND time < '2020-03-10T00:00:00Z' GROUP BY time(1d)")
    a(dst, epochs=E2)
    a(dst + " tz('America/New_York')", epochs=E2)
    a(dst + " tz('UTC')")
    a(dst.replace("1d)", "12h)") + " tz('America/New_York')")
    a(dst.replace("1d)", "1d, 2h)") + " tz('America/New_York')")
    eu = ("SELECT count(n), first(n), last(n) FROM dst WHERE time >= '2020-03-28T00:00:00Z' "
          "AND time < '2020-03-31T00:00:00Z' GROUP BY time(1d)")
    a(eu + " tz('Europe/Berlin')", epochs=E2)
    a(eu + " tz('Asia/Seoul')")
    a("SELECT count(n) FROM dst WHERE time >= '2020-10-24T00:00:00Z' AND time < '2020-10-27T00:00:00Z' "
      "GROUP BY time(1d) tz('Europe/Berlin')", epochs=E2)
    a("SELECT count(n) FROM dst WHERE time >= '2020-10-24T00:00:00Z' AND time < '2020-10-26T00:00:00Z' "
      "GROUP BY time(1h) LIMIT 6 OFFSET 22 tz('Europe/London')")
    a("SELECT count(n) FROM dst WHERE time >= '2020-10-31T00:00:00Z' AND time < '2020-11-03T00:00:00Z' "
      "GROUP BY time(1d) tz('America/New_York')")
    a("SELECT count(n) FROM dst WHERE time >= '2020-03-01T00:00:00Z' AND time < '2020-04-01T00:00:00Z' "
      "GROUP BY time(1w)", epochs=E2)
    a("SELECT count(n) FROM dst WHERE time >= '2020-03-01T00:00:00Z' AND time < '2020-04-01T00:00:00Z' "
      "GROUP BY time(1w, 3d) fill(none)")
    a("SELECT count(n) FROM dst WHERE time >= '2020-03-01T00:00:00Z' AND time < '2020-11-03T00:00:00Z' "
      "GROUP BY time(30d) fill(none)")
    a(f"SELECT mean(value) FROM sine WHERE {W4H} GROUP BY time(1h), wave", epochs=E2)
    a(f"SELECT mean(value) FROM sine WHERE {W4H} AND wave = 'a' GROUP BY time(20m, 10m)")
    a(f"SELECT count(used) FROM mem WHERE {W2H} GROUP BY time(20m), kind")


def _fill(c: CorpusBuilder) -> None:
    a = lambda q, **kw: c.add("fill", q, **kw)  # noqa: E731
    ev = f"SELECT mean(latency) FROM events WHERE {W2H} GROUP BY time(10m)"
    a(ev, epochs=E2)
    for f in ("null", "none", "previous", "linear", "0", "-1", "2.5"):
        a(f"{ev} fill({f})", epochs=E2 if f in ("previous", "linear") else E1)
    sv = f"SELECT sum(severity) FROM events WHERE {W2H} GROUP BY time(10m)"
    for f in ("null", "linear", "1.5", "previous", "none", "7"):
        a(f"{sv} fill({f})")
    a(f"SELECT count(latency) FROM events WHERE {W2H} GROUP BY time(10m)")
    a(f"SELECT count(latency) FROM events WHERE {W2H} GROUP BY time(10m) fill(none)")
    a(f"SELECT count(latency) FROM events WHERE {W2H} GROUP BY time(10m) fill(-5)")
    a(f"SELECT count(latency) FROM events WHERE {W2H} GROUP BY time(10m) fill(previous)")
    a(f"SELECT mean(latency) FROM events WHERE {W2H} GROUP BY time(10m), source fill(previous)", epochs=E2)
    a(f"SELECT mean(latency) FROM events WHERE {W2H} GROUP BY time(10m), source fill(linear)")
    a(f"SELECT mean(latency), max(severity) FROM events WHERE {W2H} GROUP BY time(10m) fill(linear)")
    a(f"SELECT mean(latency), max(severity) FROM events WHERE {W2H} GROUP BY time(10m) fill(0)")
    a(f"SELECT mean(latency) FROM events WHERE time >= '{ts(-30)}' AND time < '{ts(60)}' "
      "GROUP BY time(10m) fill(previous)")
    a(f"SELECT mean(latency) FROM events WHERE time >= '{ts(60)}' AND time < '{ts(180)}' "
      "GROUP BY time(10m) fill(linear)")
    a(f"SELECT first(msg) FROM events WHERE {W2H} GROUP BY time(10m) fill(previous)")
    a(f"SELECT first(msg) FROM events WHERE {W2H} GROUP BY time(10m) fill(none)")
    a(f"SELECT first(msg) FROM events WHERE {W2H} GROUP BY time(10m) fill(0)")
    a(f"SELECT first(ack) FROM events WHERE {W2H} GROUP BY time(10m) fill(previous)")
    a(f"SELECT mode(ack) FROM events WHERE {W2H} GROUP BY time(20m) fill(linear)")
    a(f"SELECT mean(used) FROM mem WHERE {W2H} GROUP BY time(5m), host fill(linear)", epochs=E2)
    a(f"SELECT max(used) FROM mem WHERE {W2H} GROUP BY time(5m), host fill(linear) LIMIT 6")
    a(f"SELECT mean(usage_user) FROM cpu WHERE {W2H} GROUP BY time(10m) fill(previous) "
      "ORDER BY time DESC", epochs=E2)
    a(f"SELECT mean(latency) FROM events WHERE {W2H} GROUP BY time(10m) fill(linear) ORDER BY time DESC")


def _limit(c: CorpusBuilder) -> None:
    a = lambda q, **kw: c.add("limit", q, **kw)  # noqa: E731
    a("SELECT usage_user FROM cpu WHERE host = 'server01' ORDER BY time DESC LIMIT 5", epochs=E2)
    a("SELECT usage_user FROM cpu WHERE host = 'server01' ORDER BY time ASC LIMIT 5")
    a("SELECT usage_user FROM cpu WHERE host = 'server01' ORDER BY time LIMIT 3 OFFSET 2")
    a("SELECT usage_user FROM cpu ORDER BY time DESC LIMIT 10", epochs=E2)
    a("SELECT usage_user FROM cpu LIMIT 10 OFFSET 400")
    a(f"SELECT mean(usage_user) FROM cpu WHERE {W2H} GROUP BY time(10m) ORDER BY time DESC", epochs=E2)
    a(f"SELECT mean(usage_user) FROM cpu WHERE {W2H} GROUP BY time(10m) LIMIT 3 OFFSET 2")
    a(f"SELECT mean(usage_user) FROM cpu WHERE {W2H} GROUP BY time(10m) ORDER BY time DESC LIMIT 3 OFFSET 2")
    a("SELECT usage_user FROM cpu GROUP BY host LIMIT 2 OFFSET 1", epochs=E2)
    a("SELECT usage_user FROM cpu GROUP BY host ORDER BY time DESC LIMIT 2")
    a("SELECT usage_user FROM cpu GROUP BY host SLIMIT 2")
    a("SELECT usage_user FROM cpu GROUP BY host LIMIT 1 SLIMIT 2 SOFFSET 3")
    a("SELECT usage_user FROM cpu GROUP BY host LIMIT 1 SOFFSET 10")
    a("SELECT usage_user FROM cpu GROUP BY host LIMIT 1 SOFFSET 4")
    a(f"SELECT max(usage_user) FROM cpu WHERE {W2H} GROUP BY time(30m), host LIMIT 2 SLIMIT 3 SOFFSET 1",
      epochs=E2)
    a(f"SELECT max(usage_user) FROM cpu WHERE {W2H} GROUP BY time(30m), * SLIMIT 1")
    a("SELECT usage_user FROM cpu WHERE host = 'server01' LIMIT 0")
    a("SELECT usage_user FROM cpu WHERE host = 'server01' OFFSET 70")
    a("SELECT count(usage_user) FROM cpu GROUP BY host SLIMIT 2 SOFFSET 1")
    a("SELECT count(usage_user) FROM cpu GROUP BY host LIMIT 1 OFFSET 1")
    a("SELECT * FROM cpu WHERE host = 'server02' ORDER BY time DESC LIMIT 4 OFFSET 1", epochs=E2)
    a("SELECT level FROM h2o_level GROUP BY location ORDER BY time DESC LIMIT 2")
    a("SELECT * FROM sine GROUP BY wave LIMIT 3 SLIMIT 1 SOFFSET 1")
    a("SELECT usage_user FROM cpu ORDER BY time DESC LIMIT 3 OFFSET 300")


AGG_FUNCS = ("count", "mean", "median", "mode", "spread", "stddev", "sum")


def _aggregate(c: CorpusBuilder) -> None:
    a = lambda q, **kw: c.add("aggregate", q, **kw)  # noqa: E731
    for f in AGG_FUNCS:
        a(f"SELECT {f}(usage_user) FROM cpu", epochs=E2)
        a(f"SELECT {f}(cores) FROM cpu")
        a(f"SELECT {f}(usage_user) FROM cpu WHERE {W2H} GROUP BY time(30m), host", epochs=E2)
        a(f"SELECT {f}(temp), {f}(humidity) FROM weather GROUP BY city")
        a(f"SELECT {f}(v) FROM bigint GROUP BY sign")
    a("SELECT count(state), count(up), count(cores) FROM cpu GROUP BY host", epochs=E2)
    a("SELECT count(DISTINCT(state)) FROM cpu")
    a("SELECT count(DISTINCT(cores)), count(DISTINCT(up)) FROM cpu GROUP BY host")
    a("SELECT count(DISTINCT state) FROM cpu")
    a("SELECT distinct(state) FROM cpu", epochs=E2)
    a("SELECT distinct(cores) FROM cpu GROUP BY host")
    a("SELECT distinct(up) FROM cpu")
    a("SELECT distinct(cond) FROM weather GROUP BY country")
    a("SELECT DISTINCT state FROM cpu")
    a(f"SELECT distinct(severity) FROM events WHERE {W2H} GROUP BY time(30m)")
    a("SELECT integral(usage_user) FROM cpu", epochs=E2)
    # NOTE: 1.6.7 emits INTEGRAL's series in random order when grouped by a tag.
    rnd = dict(series_order="any", note="InfluxDB 1.6.7 emits these series in random order and may "
               "split one in two: stored merged and sorted by (name, tags), rows by time")
    a("SELECT integral(usage_user, 1m) FROM cpu GROUP BY host", **rnd)
    a("SELECT integral(cores, 1h) FROM cpu GROUP BY host", **rnd)
    a(f"SELECT integral(usage_user, 10s) FROM cpu WHERE {W2H} GROUP BY time(30m)")
    a(f"SELECT integral(value) FROM sine WHERE {W4H} GROUP BY time(1h), wave", **rnd)
    a("SELECT integral(v) FROM ticks GROUP BY kind", **rnd)
    a("SELECT mean(state) FROM cpu")
    a("SELECT sum(up) FROM cpu")
    a("SELECT median(state) FROM cpu")
    a("SELECT mode(state), mode(up) FROM cpu GROUP BY host")
    a("SELECT spread(state) FROM cpu")
    a("SELECT stddev(usage_user) FROM cpu WHERE host = 'server01' AND time = '2020-03-01T00:00:00Z'")
    a("SELECT mean(usage_user) FROM nosuch")
    a("SELECT count(usage_user) FROM cpu WHERE usage_user > 50 GROUP BY host")
    a(f"SELECT stddev(temp), spread(temp) FROM weather WHERE {W1D} GROUP BY time(6h) tz('Asia/Seoul')")
    a("SELECT mean(temp), median(temp), count(temp) FROM weather GROUP BY city, country", epochs=E2)
    a("SELECT sum(delta), mean(delta) FROM mem GROUP BY host")
    a("SELECT mode(cond), mode(humidity) FROM weather")
    a("SELECT median(n), mean(n) FROM ticks")
    a(f"SELECT count(value), mean(value), spread(value) FROM sine WHERE {W4H} GROUP BY time(1h)")
    a("SELECT count(msg), mode(msg) FROM events GROUP BY source")
    a("SELECT sum(level), mean(level) FROM h2o_level_int")
    a("SELECT count(usage_user) FROM cpu WHERE time > '2030-01-01T00:00:00Z'")


def _selector(c: CorpusBuilder) -> None:
    a = lambda q, **kw: c.add("selector", q, **kw)  # noqa: E731
    for f in ("first", "last", "max", "min"):
        a(f"SELECT {f}(usage_user) FROM cpu", epochs=E2)
        a(f"SELECT {f}(usage_user) FROM cpu GROUP BY host", epochs=E2 if f == "max" else E1)
        a(f"SELECT {f}(cores) FROM cpu GROUP BY host")
        a(f"SELECT {f}(usage_user) FROM cpu WHERE {W2H} GROUP BY time(30m) fill(none)")
        a(f"SELECT {f}(v) FROM bigint GROUP BY sign")
    a("SELECT first(state), last(state), first(up), last(up) FROM cpu")
    a("SELECT first(state), last(up) FROM cpu GROUP BY host")
    a("SELECT max(state) FROM cpu")
    a("SELECT max(usage_user), host, state FROM cpu", epochs=E2)
    a("SELECT min(usage_user), * FROM cpu")
    a("SELECT max(usage_user), usage_system FROM cpu GROUP BY host")
    a("SELECT max(usage_user), min(usage_user) FROM cpu")
    a("SELECT max(usage_user), min(usage_user) FROM cpu GROUP BY host")
    a("SELECT first(usage_user), last(state) FROM cpu GROUP BY host")
    a(f"SELECT max(usage_user) FROM cpu WHERE {W2H}")
    a("SELECT min(temp), max(temp) FROM weather GROUP BY city tz('Asia/Seoul')")
    a("SELECT bottom(usage_user, 3) FROM cpu", epochs=E2)
    a("SELECT bottom(usage_user, host, 2) FROM cpu")
    a("SELECT bottom(usage_user, 3) FROM cpu GROUP BY host")
    a("SELECT bottom(usage_user, 3), state FROM cpu")
    a("SELECT bottom(cores, 4) FROM cpu")
    a("SELECT top(usage_user, 5) FROM cpu", epochs=E2)
    a("SELECT top(usage_user, host, 3) FROM cpu")
    a("SELECT top(usage_user, host, region, 2) FROM cpu")
    a("SELECT top(cores, 3) FROM cpu")
    a("SELECT top(cores, host, 3) FROM cpu")
    a(f"SELECT top(usage_user, 2) FROM cpu WHERE {W2H} GROUP BY time(30m)", epochs=E2)
    a("SELECT top(temp, city, 3) FROM weather")
    a("SELECT top(temp, 2), cond FROM weather GROUP BY country")
    a("SELECT top(usage_user, 100) FROM cpu WHERE host = 'server05'")
    a("SELECT top(v, 2), bottom(v, 2) FROM bigint")
    a("SELECT top(usage_user, 0) FROM cpu")
    a("SELECT top(state, 2) FROM cpu")
    for p in ("0", "5", "50", "90", "95.5", "100", "101", "-1"):
        a(f"SELECT percentile(usage_user, {p}) FROM cpu", epochs=E2 if p == "50" else E1)
    a("SELECT percentile(cores, 50), percentile(cores, 75) FROM cpu GROUP BY host")
    a(f"SELECT percentile(usage_user, 90) FROM cpu WHERE {W2H} GROUP BY time(30m), region")
    a("SELECT percentile(state, 50) FROM cpu")
    a("SELECT sample(usage_user, 1000) FROM cpu", epochs=E2)
    a("SELECT sample(state, 100) FROM cpu GROUP BY host")
    a("SELECT sample(temp, 50), cond FROM weather WHERE city = 'Oslo'")
    a("SELECT sample(usage_user, 0) FROM cpu")
    a("SELECT max(level), min(level) FROM h2o_level_int")
    a("SELECT last(*) FROM \"disk free\" GROUP BY path")
    a("SELECT first(value), last(value), max(value), min(value) FROM sine GROUP BY wave", epochs=E2)
    a("SELECT max(usage_user) FROM cpu ORDER BY time DESC")
    a(f"SELECT last(usage_user) FROM cpu WHERE {W2H} GROUP BY time(30m), host ORDER BY time DESC LIMIT 2")


MATH_FUNCS = (("abs", "delta"), ("acos", "pct / 100"), ("asin", "pct / 100"), ("atan", "pct"),
              ("ceil", "pct"), ("cos", "pct"), ("exp", "pct / 10"), ("floor", "pct"), ("ln", "pct"),
              ("log2", "pct"), ("log10", "pct"), ("round", "pct"), ("sin", "pct"), ("sqrt", "pct"),
              ("tan", "pct"))


def _transform(c: CorpusBuilder) -> None:
    a = lambda q, **kw: c.add("transform", q, **kw)  # noqa: E731
    for f, arg in MATH_FUNCS:
        a(f"SELECT {f}({arg}) FROM mem WHERE host = 'server01'", epochs=E2 if f in ("abs", "sqrt") else E1)
    a("SELECT atan2(temp, humidity), pow(temp, 2), log(humidity, 10) FROM weather WHERE city = 'Oslo'",
      epochs=E2)
    a("SELECT abs(temp), ceil(temp), floor(temp), round(temp) FROM weather WHERE city = 'Reykjavik'")
    a("SELECT sqrt(temp), ln(temp), log2(temp), log10(temp) FROM weather WHERE city = 'Oslo'")
    a("SELECT abs(delta), ceil(delta), floor(delta), round(delta), abs(v) FROM mem, bigint")
    a("SELECT abs(v) FROM bigint")
    a("SELECT pow(cores, 2), pow(cores, 0.5), pow(2, cores) FROM cpu WHERE host = 'server03' LIMIT 3")
    a("SELECT sin(usage_user) + cos(usage_user) FROM cpu WHERE host = 'server01' LIMIT 5")
    a("SELECT abs(state) FROM cpu")
    a("SELECT round(usage_user, 2) FROM cpu LIMIT 2")
    a(f"SELECT abs(mean(temp)), round(mean(temp)), sqrt(max(humidity)) FROM weather WHERE {W1D} "
      "GROUP BY time(6h)", epochs=E2)
    a(f"SELECT exp(min(temp)) FROM weather WHERE {W1D} GROUP BY time(12h), city")
    c2 = "SELECT {} FROM counter WHERE host = 'server01'"
    for expr, ep in (
        ("cumulative_sum(requests)", E2), ("cumulative_sum(bytes)", E1),
        ("derivative(bytes)", E2), ("derivative(bytes, 1m)", E1), ("derivative(requests)", E1),
        ("derivative(requests, 1s)", E1), ("difference(requests)", E2), ("difference(bytes)", E1),
        ("elapsed(requests)", E2), ("elapsed(requests, 1s)", E1), ("elapsed(requests, 1ms)", E1),
        ("elapsed(requests, 1m)", E1), ("moving_average(bytes, 5)", E1), ("moving_average(requests, 3)", E1),
        ("moving_average(requests, 1)", E1), ("non_negative_derivative(requests, 1s)", E2),
        ("non_negative_derivative(requests)", E1), ("non_negative_difference(requests)", E2),
        ("non_negative_difference(bytes)", E1), ("derivative(bytes, 1s), difference(bytes)", E1),
    ):
        a(c2.format(expr), epochs=ep)
    w = f"host = 'server01' AND {W2H}"
    for expr, g in (
        ("cumulative_sum(max(requests))", "time(5m)"), ("derivative(mean(bytes), 1m)", "time(1m)"),
        ("derivative(max(requests))", "time(2m)"), ("difference(max(requests))", "time(5m)"),
        ("non_negative_derivative(max(requests), 1m)", "time(1m)"),
        ("non_negative_difference(max(requests))", "time(5m)"),
        ("moving_average(mean(bytes), 3)", "time(5m)"), ("elapsed(max(requests), 1s)", "time(5m)"),
        ("derivative(mean(bytes), 1m)", "time(1m) fill(0)"),
        ("difference(max(requests))", "time(5m) fill(none)"),
        ("moving_average(mean(bytes), 2)", "time(5m) fill(linear)"),
        ("cumulative_sum(mean(requests))", "time(10m) fill(previous)"),
    ):
        a(f"SELECT {expr} FROM counter WHERE {w} GROUP BY {g}", epochs=E2 if "fill" not in g else E1)
    a("SELECT derivative(bytes, 1s) FROM counter GROUP BY host LIMIT 5", epochs=E2)
    a(f"SELECT non_negative_derivative(max(requests), 1m) FROM counter WHERE {W2H} GROUP BY time(5m), host")
    a("SELECT difference(requests) FROM counter WHERE host = 'server02' ORDER BY time DESC LIMIT 5")
    a("SELECT derivative(usage_user, 1s) FROM cpu WHERE host = 'server02' LIMIT 10")
    a("SELECT elapsed(usage_user, 1ms) FROM cpu WHERE host = 'server02' LIMIT 10", epochs=E2)
    a("SELECT elapsed(v, 1ns) FROM ticks WHERE time >= '2020-03-01T00:09:00Z' "
      "AND time < '2020-03-01T00:21:00Z'")
    a("SELECT difference(v) FROM bigint GROUP BY sign")
    a("SELECT cumulative_sum(v) FROM bigint GROUP BY sign")
    a("SELECT moving_average(value, 5) FROM sine WHERE wave = 'b' LIMIT 8")
    a(f"SELECT difference(mean(temp)) FROM weather WHERE {W1D} GROUP BY time(6h) tz('Asia/Seoul')")
    a("SELECT derivative(mean(bytes)) FROM counter")
    a("SELECT derivative(state) FROM cpu")
    a("SELECT moving_average(bytes, 0) FROM counter")
    a("SELECT derivative(bytes, -1s) FROM counter")
    a("SELECT difference(requests), requests FROM counter LIMIT 3")
    a("SELECT cumulative_sum(requests) + 1, derivative(bytes) * 60 FROM counter "
      "WHERE host = 'server02' LIMIT 5")


def _holt_winters(c: CorpusBuilder) -> None:
    a = lambda q, **kw: c.add("holt_winters", q, **kw)  # noqa: E731
    a(f"SELECT holt_winters(mean(value), 6, 6) FROM sine WHERE wave = 'a' AND {W4H} GROUP BY time(10m)",
      epochs=E2)
    a(f"SELECT holt_winters(mean(value), 4, 0) FROM sine WHERE wave = 'b' AND {W4H} GROUP BY time(10m)")
    a(f"SELECT holt_winters_with_fit(first(value), 5, 0) FROM sine WHERE wave = 'a' AND {W4H} "
      "GROUP BY time(20m)", epochs=E2)
    a(f"SELECT holt_winters_with_fit(mean(value), 3, 3) FROM sine WHERE {W4H} GROUP BY time(20m), wave")
    a(f"SELECT holt_winters(max(requests), 5, 2) FROM counter WHERE host = 'server01' AND {W2H} "
      "GROUP BY time(5m)")
    a(f"SELECT holt_winters(mean(temp), 3, 0) FROM weather WHERE city = 'Seoul' AND {W1D} GROUP BY time(2h)")
    a("SELECT holt_winters(value, 5, 0) FROM sine")
    a(f"SELECT holt_winters(mean(value), 0, 0) FROM sine WHERE {W4H} GROUP BY time(10m)")


TA_FUNCS = (
    "chande_momentum_oscillator(value, 10)", "chande_momentum_oscillator(value, 10, 5)",
    "chande_momentum_oscillator(value, 10, 0, 'none')", "chande_momentum_oscillator(value, 10, -1)",
    "exponential_moving_average(value, 10)", "exponential_moving_average(value, 10, 5)",
    "exponential_moving_average(value, 10, -1, 'simple')", "exponential_moving_average(value, 5, 0, 'none')",
    "double_exponential_moving_average(value, 10)", "double_exponential_moving_average(value, 5, -1, 'none')",
    "kaufmans_efficiency_ratio(value, 10)", "kaufmans_efficiency_ratio(value, 10, 5)",
    "kaufmans_adaptive_moving_average(value, 10)", "kaufmans_adaptive_moving_average(value, 5, 2)",
    "triple_exponential_moving_average(value, 10)", "triple_exponential_moving_average(value, 4, -1, 'none')",
    "triple_exponential_derivative(value, 10)", "triple_exponential_derivative(value, 4, -1, 'none')",
    "relative_strength_index(value, 14)", "relative_strength_index(value, 5, 0, 'none')",
)


def _ta(c: CorpusBuilder) -> None:
    a = lambda q, **kw: c.add("ta", q, **kw)  # noqa: E731
    w = f"wave = 'a' AND time >= '{ts(0)}' AND time < '{ts(60)}'"
    for i, f in enumerate(TA_FUNCS):
        a(f"SELECT {f} FROM sine WHERE {w}", epochs=E2 if i % 4 == 0 else E1)
    a(f"SELECT exponential_moving_average(mean(value), 5) FROM sine WHERE {W4H} GROUP BY time(10m), wave",
      epochs=E2)
    a(f"SELECT relative_strength_index(max(value), 4) FROM sine WHERE {W4H} GROUP BY time(10m)")
    a(f"SELECT kaufmans_adaptive_moving_average(mean(value), 4) FROM sine WHERE {W4H} GROUP BY time(10m) "
      "fill(none)")
    a("SELECT relative_strength_index(requests, 10) FROM counter WHERE host = 'server02' LIMIT 10")
    a("SELECT triple_exponential_derivative(value, 3) FROM sine GROUP BY wave LIMIT 4")
    a("SELECT chande_momentum_oscillator(usage_user, 3) FROM cpu WHERE host = 'server03' LIMIT 6")
    a("SELECT exponential_moving_average(value) FROM sine")
    a("SELECT relative_strength_index(value, 0) FROM sine")
    a("SELECT exponential_moving_average(value, 5, -1, 'bogus') FROM sine")
    a("SELECT kaufmans_efficiency_ratio(state, 3) FROM cpu")


def _star(c: CorpusBuilder) -> None:
    a = lambda q, **kw: c.add("star", q, **kw)  # noqa: E731
    for f in ("mean", "count", "max", "min", "first", "last", "sum", "spread", "median", "mode", "stddev"):
        a(f"SELECT {f}(*) FROM cpu", epochs=E2 if f in ("mean", "count", "first") else E1)
    a("SELECT distinct(*) FROM \"disk free\"")
    a("SELECT percentile(*, 50) FROM cpu")
    a("SELECT count(/usage/) FROM cpu", epochs=E2)
    a("SELECT mean(/usage/) FROM cpu GROUP BY host")
    a("SELECT max(/^usage_/) FROM cpu GROUP BY host")
    a(f"SELECT mean(*) FROM cpu WHERE {W2H} GROUP BY time(30m)", epochs=E2)
    a(f"SELECT count(*) FROM cpu WHERE {W2H} GROUP BY time(30m), host fill(none)")
    a("SELECT first(*) FROM cpu GROUP BY *")
    a("SELECT count(*) FROM weather GROUP BY country")
    a("SELECT count(*) FROM mem, weather")
    a("SELECT mean(*) FROM /^h2o/")
    a("SELECT integral(*) FROM ticks")
    a("SELECT top(*, 2) FROM cpu")
    a("SELECT derivative(*) FROM counter")
    a("SELECT count(*) FROM nosuch")
    a(f"SELECT count(*) FROM events WHERE {W2H} GROUP BY time(1h), source")
    a("SELECT sum(*) FROM bigint")
    a("SELECT mean(*), count(*) FROM mem")


def _arith(c: CorpusBuilder) -> None:
    a = lambda q, **kw: c.add("arith", q, **kw)  # noqa: E731
    a("SELECT mean(usage_user) - mean(usage_system) FROM cpu", epochs=E2)
    a("SELECT max(usage_user) - min(usage_user) AS range FROM cpu GROUP BY host")
    a("SELECT sum(used) / count(used) FROM mem GROUP BY host")
    a(f"SELECT count(usage_user) * 2 + 1 FROM cpu WHERE {W2H} GROUP BY time(30m)", epochs=E2)
    a("SELECT mean(usage_user) / 100, mean(usage_user) * mean(cores) FROM cpu GROUP BY host")
    a("SELECT max(temp) + 273.15 FROM weather GROUP BY city")
    a("SELECT (max(temp) + min(temp)) / 2 AS mid FROM weather GROUP BY city")
    a(f"SELECT mean(usage_user) + 1 FROM cpu WHERE {W2H} GROUP BY time(10m) fill(0)")
    a(f"SELECT mean(latency) * 2 FROM events WHERE {W2H} GROUP BY time(10m) fill(none)")
    a("SELECT last(requests) - first(requests) FROM counter GROUP BY host", epochs=E2)
    a("SELECT sum(v) + 1, max(v) - min(v) FROM bigint")
    a("SELECT -mean(temp) FROM weather")
    a("SELECT mean(usage_user) % 7 FROM cpu")
    a("SELECT count(usage_user) / 0 FROM cpu")
    a("SELECT count(cores) % 5, sum(cores) / count(cores), sum(cores) - 1 FROM cpu GROUP BY host")
    a("SELECT max(usage_user) * 2 AS double_max, max(usage_user) FROM cpu")
    a("SELECT mean(value) + stddev(value) FROM sine GROUP BY wave")
    a("SELECT percentile(usage_user, 90) - median(usage_user) FROM cpu")
    a("SELECT count(usage_user) + count(state) FROM cpu GROUP BY host")
    a("SELECT 2 * mean(usage_user) FROM cpu")
    a("SELECT mean(usage_user) + 'x' FROM cpu")


def _from(c: CorpusBuilder) -> None:
    a = lambda q, **kw: c.add("from", q, **kw)  # noqa: E731
    a("SELECT * FROM /cpu|mem/ LIMIT 3", epochs=E2)
    a("SELECT level FROM /^h2o_level/", epochs=E2)
    a("SELECT * FROM /.*/ LIMIT 1")
    a("SELECT count(usage_user) FROM /./")
    a("SELECT count(usage_user) FROM gold.autogen.cpu")
    a("SELECT count(usage_user) FROM gold..cpu")
    a("SELECT count(usage_user) FROM autogen.cpu")
    a("SELECT * FROM longterm.cpu", epochs=E2)
    a("SELECT count(usage_user) FROM gold.longterm.cpu GROUP BY host")
    a('SELECT count(usage_user) FROM "gold"."longterm"."cpu"')
    a("SELECT * FROM gold.longterm./.*/ LIMIT 2")
    a("SELECT * FROM longterm./arch/")
    a("SELECT count(usage_user) FROM gold.autogen./^c/")
    a("SELECT * FROM other..cpu", epochs=E2)
    a("SELECT * FROM other.main.cpu LIMIT 2")
    a("SELECT count(usage_user) FROM other.autogen.cpu")
    a("SELECT * FROM cpu LIMIT 3", db="other")
    a("SELECT * FROM cpu LIMIT 3", extra={"rp": "longterm"})
    a("SELECT * FROM autogen.cpu LIMIT 3", extra={"rp": "longterm"})
    a("SELECT * FROM load", db="other", extra={"rp": "main"})
    a("SELECT * FROM cpu LIMIT 1", extra={"rp": "nosuchrp"})
    a("SELECT usage_user FROM cpu, mem LIMIT 2")
    a("SELECT * FROM cpu, mem LIMIT 2", epochs=E2)
    a("SELECT count(*) FROM cpu, mem, weather")
    a("SELECT count(usage_user) FROM cpu, cpu")
    a("SELECT count(usage_user) FROM cpu, longterm.cpu")
    a("SELECT count(usage_user) FROM cpu, other..cpu")
    a("SELECT * FROM nosuch")
    a("SELECT * FROM nosuch, \"disk free\"")
    a("SELECT * FROM nosuchdb..cpu")
    a("SELECT * FROM gold.nosuchrp.cpu")
    a("SELECT * FROM empty..cpu")
    a("SELECT * FROM cpu", db="empty")
    a("SELECT * FROM gold.short.cpu")
    sub = "subquery"
    b = lambda q, **kw: c.add(sub, q, **kw)  # noqa: E731
    b("SELECT mean(usage_user) FROM (SELECT usage_user FROM cpu WHERE host = 'server01')", epochs=E2)
    b(f"SELECT max(mean) FROM (SELECT mean(usage_user) FROM cpu WHERE {W2H} GROUP BY time(10m), host) "
      "GROUP BY host", epochs=E2)
    b(f"SELECT sum(m) FROM (SELECT max(mean) AS m FROM (SELECT mean(usage_user) FROM cpu WHERE {W2H} "
      "GROUP BY time(10m), host) GROUP BY host)", epochs=E2)
    b("SELECT mean(d) FROM (SELECT usage_user - usage_system AS d FROM cpu) GROUP BY host")
    b("SELECT * FROM (SELECT usage_user, host FROM cpu WHERE host = 'server01') LIMIT 3")
    b("SELECT usage_user FROM (SELECT * FROM cpu) WHERE host = 'server02' LIMIT 3", epochs=E2)
    b("SELECT count(x) FROM (SELECT top(usage_user, 3) AS x FROM cpu GROUP BY host)")
    b("SELECT first(value), last(value) FROM (SELECT value FROM sine WHERE wave = 'b')")
    b(f"SELECT mean(max) FROM (SELECT max(usage_user) FROM cpu WHERE {W2H} GROUP BY time(30m)) "
      f"WHERE {W2H} GROUP BY time(1h)")
    b("SELECT * FROM (SELECT mean(temp) FROM weather GROUP BY city) WHERE mean < 0")
    b(f"SELECT derivative(max, 1m) FROM (SELECT max(requests) FROM counter WHERE host = 'server01' "
      f"AND {W2H} GROUP BY time(5m))")
    b("SELECT count(level) FROM (SELECT level FROM /^h2o_level/)")
    b("SELECT * FROM (SELECT level FROM /^h2o_level/) LIMIT 3")
    b("SELECT mean(usage_user) FROM (SELECT usage_user FROM cpu), (SELECT usage_user FROM longterm.cpu)")
    b("SELECT max(usage_user) FROM (SELECT usage_user FROM cpu GROUP BY host) GROUP BY host")
    b("SELECT max(usage_user) FROM (SELECT usage_user FROM cpu) GROUP BY host")
    b("SELECT max(usage_user) FROM (SELECT usage_user, host FROM cpu) GROUP BY host")
    b("SELECT sum(c) FROM (SELECT count(usage_user) AS c FROM cpu GROUP BY *)")
    b("SELECT * FROM (SELECT count(usage_user) FROM cpu GROUP BY region)")
    b(f"SELECT count(mean) FROM (SELECT mean(usage_user) FROM cpu WHERE {W2H} GROUP BY time(10m) fill(0))")
    b("SELECT u FROM (SELECT usage_user AS u, state FROM cpu WHERE host = 'server01') WHERE state = 'idle'")
    b("SELECT * FROM (SELECT * FROM (SELECT usage_user, state FROM cpu WHERE host = 'server06')) LIMIT 5")
    b("SELECT top(usage_user, 2) FROM (SELECT usage_user FROM cpu GROUP BY host)")
    b(f"SELECT mean(*) FROM (SELECT mean(used) AS u, mean(free) AS f FROM mem WHERE {W2H} "
      "GROUP BY time(30m), host) GROUP BY host")
    b("SELECT * FROM (SELECT max(usage_user) FROM cpu GROUP BY host) ORDER BY time DESC")
    b("SELECT mean(usage_user) FROM (SELECT usage_user FROM nosuch)")
    b("SELECT x FROM (SELECT foo(usage_user) AS x FROM cpu)")


def _schema(c: CorpusBuilder) -> None:
    a = lambda q, **kw: c.add("schema", q, **kw)  # noqa: E731
    a("SHOW DATABASES", db=None)
    a("SHOW RETENTION POLICIES ON gold", db=None)
    a("SHOW RETENTION POLICIES")
    a("SHOW RETENTION POLICIES ON other")
    a("SHOW RETENTION POLICIES ON empty")
    a("SHOW RETENTION POLICIES ON nosuchdb")
    a("SHOW RETENTION POLICIES", db=None)
    a("SHOW MEASUREMENTS")
    a("SHOW MEASUREMENTS", epochs=("ns",))
    a("SHOW MEASUREMENTS ON tsbs", db=None)
    a("SHOW MEASUREMENTS WITH MEASUREMENT = cpu")
    a("SHOW MEASUREMENTS WITH MEASUREMENT =~ /^c/")
    a("SHOW MEASUREMENTS WITH MEASUREMENT =~ /o/ LIMIT 2 OFFSET 1")
    a("SHOW MEASUREMENTS WHERE host = 'server01'")
    a("SHOW MEASUREMENTS WHERE region =~ /us/")
    a("SHOW MEASUREMENTS LIMIT 3 OFFSET 2")
    a("SHOW MEASUREMENTS ON empty")
    a("SHOW MEASUREMENTS ON other")
    a("SHOW MEASUREMENTS", db="nosuchdb")
    a("SHOW MEASUREMENTS", db=None)
    a("SHOW SERIES")
    a("SHOW SERIES FROM cpu")
    a("SHOW SERIES FROM cpu WHERE region = 'us-west'")
    a("SHOW SERIES FROM /h2o/")
    a("SHOW SERIES LIMIT 5 OFFSET 3")
    a("SHOW SERIES ON other")
    a("SHOW SERIES WHERE host =~ /0[1-3]/")
    a("SHOW SERIES FROM weather WHERE country = ''")
    a("SHOW SERIES FROM longterm.cpu")
    a("SHOW SERIES ON tsbs FROM cpu WHERE hostname = 'host_3'", db=None)
    a("SHOW TAG KEYS")
    a("SHOW TAG KEYS FROM weather")
    a("SHOW TAG KEYS FROM cpu WHERE host = 'server06'")
    a("SHOW TAG KEYS ON other")
    a("SHOW TAG KEYS LIMIT 1")
    a("SHOW TAG KEYS SLIMIT 2 SOFFSET 1")
    a("SHOW TAG KEYS FROM /^(cpu|mem)$/")
    a("SHOW TAG VALUES WITH KEY = host")
    a("SHOW TAG VALUES FROM cpu WITH KEY IN (host, region)")
    a("SHOW TAG VALUES WITH KEY =~ /o/")
    a("SHOW TAG VALUES FROM cpu WITH KEY != host")
    a("SHOW TAG VALUES FROM weather WITH KEY = city WHERE country = 'KR'")
    a('SHOW TAG VALUES FROM "온도" WITH KEY = "도시"')
    a("SHOW TAG VALUES FROM cpu WITH KEY = dc")
    a("SHOW TAG VALUES FROM cpu WITH KEY = host LIMIT 2 OFFSET 1")
    a("SHOW TAG VALUES FROM cpu WITH KEY = host WHERE host =~ /[135]$/")
    a('SHOW TAG VALUES FROM "weird.name" WITH KEY = label')
    a("SHOW TAG VALUES FROM cpu")
    a("SHOW TAG VALUES ON tsbs WITH KEY = hostname", db=None)
    a("SHOW FIELD KEYS")
    a("SHOW FIELD KEYS FROM cpu")
    a("SHOW FIELD KEYS FROM /h2o/")
    a("SHOW FIELD KEYS ON other")
    a('SHOW FIELD KEYS FROM "disk free"')
    a("SHOW FIELD KEYS FROM longterm.cpu")
    a("SHOW FIELD KEYS FROM nosuch")
    a("SHOW SERIES CARDINALITY")
    a("SHOW SERIES CARDINALITY ON tsbs", db=None)
    a("SHOW SERIES EXACT CARDINALITY")
    a("SHOW SERIES EXACT CARDINALITY FROM cpu")
    a("SHOW SERIES EXACT CARDINALITY FROM cpu WHERE region = 'us-west'")
    a("SHOW MEASUREMENT CARDINALITY")
    a("SHOW MEASUREMENT EXACT CARDINALITY")
    a("SHOW MEASUREMENT EXACT CARDINALITY ON other", db=None)
    a("SHOW TAG KEY CARDINALITY")
    a("SHOW TAG KEY EXACT CARDINALITY")
    a("SHOW TAG KEY EXACT CARDINALITY FROM cpu")
    a("SHOW TAG VALUES CARDINALITY WITH KEY = host")
    a("SHOW TAG VALUES EXACT CARDINALITY WITH KEY = host")
    a("SHOW TAG VALUES EXACT CARDINALITY FROM weather WITH KEY = city")
    a("SHOW FIELD KEY CARDINALITY")
    a("SHOW FIELD KEY EXACT CARDINALITY")
    a("SHOW FIELD KEY EXACT CARDINALITY FROM cpu")
    a("SHOW CONTINUOUS QUERIES", db=None)
    a("SHOW USERS", db=None)
    a("SHOW GRANTS FOR nobody", db=None)
    a("SHOW SUBSCRIPTIONS", db=None)
    a("SHOW DATABASES; SHOW MEASUREMENTS ON other", db=None)
    a("SHOW MEASUREMENTS; SELECT count(usage_user) FROM cpu")
    a("SHOW TAG KEYS FROM cpu; SHOW FIELD KEYS FROM cpu")


def _errors(c: CorpusBuilder) -> None:
    a = lambda q, **kw: c.add("error", q, **kw)  # noqa: E731
    a("SELECT foo(usage_user) FROM cpu")
    a("SELECT mean(usage_user), usage_system FROM cpu")
    a("SELECT usage_user FROM cpu", db="nosuchdb")
    a("SELECT usage_user FROM cpu", db=None)
    a("SELECT * FROM /[/")
    a("SELECT * FROM cpu WHERE host =~ /(/")
    a("SELECT FROM cpu")
    a("SELECT * FORM cpu")
    a("SELECT * FROM")
    a("SELEC * FROM cpu")
    a("SELECT * FROM cpu WHERE")
    a("SELECT * FROM cpu LIMIT -1")
    a("SELECT * FROM cpu LIMIT x")
    a("SELECT * FROM cpu WHERE host = 'server01")
    a("SELECT * FROM cpu WHERE host = server01'")
    a("SELECT * FROM nosuch")
    a("SELECT mean(usage_user) FROM cpu GROUP BY time(0s)")
    a("SELECT top(usage_user) FROM cpu")
    a("SELECT percentile(usage_user) FROM cpu")
    a("SELECT mean(usage_user, 2) FROM cpu")
    a("SELECT count() FROM cpu")
    a("SELECT * FROM cpu ORDER BY host")
    a("SELECT usage_user FROM cpu WHERE time > 'not a time'")
    a("SELECT usage_user FROM cpu tz('Nowhere/Zone')")
    a("SELECT usage_user FROM cpu GROUP BY time(10m)")
    a(f"SELECT usage_user FROM cpu WHERE {W2H} GROUP BY time(10m)")
    a("SELECT max(usage_user), min(usage_user), usage_system FROM cpu")
    a("SELECT count(*) + usage_user FROM cpu")
    a("SELECT distinct(state), count(state) FROM cpu")
    a("SELECT top(usage_user, 2), bottom(usage_user, 2) FROM cpu")
    a("SELECT top(usage_user, 2), max(usage_user) FROM cpu")
    a("SELECT usage_user::badtype FROM cpu")
    a("SELECT usage_user FROM cpu WHERE usage_user > 'abc'")
    a("SELECT * FROM cpu LIMIT 1; SELECT foo(x) FROM cpu")
    a("SELECT * FROM cpu LIMIT 1; SELECT * FROM")
    a("", db="gold")
    a("SELECT", db="gold")
    a(";", db="gold")
    a("SELECT * FROM cpu LIMIT 1", extra={"epoch": "bogus"})
    a("SELECT * FROM cpu GROUP BY time(10m) fill(bogus)")
    a(f"SELECT mean(usage_user) FROM cpu WHERE {W2H} GROUP BY time(10m) fill(linear, 2)")
    a("SELECT mean(usage_user) FROM cpu WHERE time > now() - 1h GROUP BY time(1s, 2s)")
    a(f"SELECT mean(usage_user) FROM cpu WHERE {W2H} GROUP BY time(10m, 1h)")
    a("SELECT mean(usage_user) FROM cpu GROUP BY time(-10m)")
    a("SELECT mean(usage_user) FROM cpu GROUP BY time(10)")
    a("SELECT mean(usage_user) FROM cpu GROUP BY time(1y)")
    a("SELECT mean(usage_user) FROM cpu WHERE time > 1583020800000000000d")
    a("SELECT * FROM cpu WHERE time > '2262-04-12T00:00:00Z'")
    a("SELECT * FROM cpu WHERE time < '1677-09-21T00:12:43Z'")
    a("SELECT * FROM cpu WHERE usage_user = true")
    a("SELECT * FROM cpu SLIMIT x")
    a("SELECT usage_user FROM cpu WHERE host = 'server01' ORDER BY time DES")
    a("SELECT * FROM cpu WHERE host =~ 'server01'")
    a("SELECT \"usage_user FROM cpu")
    a("SELECT usage_user FROM cpu WHERE host = 'server01' AND")
    a("SELECT * INTO FROM cpu")
    a("SELECT a b FROM cpu")
    a("SELECT mean(usage_user) FROM cpu GROUP BY time(10m), time(5m)")
    a("SELECT count(distinct(usage_user), 2) FROM cpu")
    a("SELECT median(distinct(usage_user)) FROM cpu")
    a("SELECT distinct(distinct(state)) FROM cpu")
    a("SELECT * FROM (SELECT) ")
    a("SELECT * FROM cpu WHERE host = 'server01' GROUP BY host fill(0)")
    a("SELECT elapsed(usage_user, 0s) FROM cpu")
    a("SELECT derivative(usage_user, 1s, 2) FROM cpu")
    a("SELECT integral(state) FROM cpu")
    a("SELECT cumulative_sum(*) FROM cpu")
    a("SELECT mode(usage_user, 2) FROM cpu")
    a("SELECT holt_winters(mean(value), 'x', 0) FROM sine GROUP BY time(10m)")
    a("SELECT duration FROM events")
    a('SELECT "duration" FROM events')
    a("SELECT * FROM sine GROUP BY wave SLIMIT 1 SOFFSET 1 LIMIT 3")
    a("SELECT count(n) FROM dst GROUP BY time(1h) tz('Europe/London') LIMIT 6")
    a("DELETE FROM cpu", db=None)
    a("SHOW TAG VALUES")
    a("SHOW FIELD KEYS ON nosuchdb")
    a("SHOW SERIES ON nosuchdb")
    a("SHOW TAG KEYS FROM cpu", db="nosuchdb")
    a("SHOW FOO")
    a("CREATE RETENTION POLICY x ON gold DURATION 1d REPLICATION 1 FUTURE LIMIT 1h", db=None,
      note="FUTURE/PAST LIMIT are syntax of later 1.x releases: 1.6.7 answers this parse error")
    a("KILL QUERY 999999", db=None)


def _http(c: CorpusBuilder) -> None:
    a = lambda q, **kw: c.add("http", q, **kw)  # noqa: E731
    q1 = "SELECT usage_user FROM cpu WHERE host =~ /server0[12]/ GROUP BY host"
    a(q1, extra={"chunked": "true", "chunk_size": "10"}, kind="chunked", variant="chunk10", epochs=E2)
    a("SELECT * FROM ticks WHERE kind = 'exact'", extra={"chunked": "true", "chunk_size": "1"},
      kind="chunked", variant="chunk1")
    a("SELECT * FROM cpu", extra={"chunked": "true"}, kind="chunked", variant="chunked")
    a("SELECT * FROM cpu", extra={"chunked": "true", "chunk_size": "100"}, kind="chunked", variant="chunk100")
    a("SELECT * FROM ticks LIMIT 3; SELECT count(v) FROM ticks", extra={"chunked": "true", "chunk_size": "2"},
      kind="chunked", variant="chunk2")
    a("SELECT * FROM ticks LIMIT 3; SELECT foo(v) FROM ticks", extra={"chunked": "true", "chunk_size": "2"},
      kind="chunked", variant="chunk2")
    a(f"SELECT mean(usage_user) FROM cpu WHERE {W2H} GROUP BY time(10m), host",
      extra={"chunked": "true", "chunk_size": "5"}, kind="chunked", variant="chunk5", epochs=E2)
    a("SELECT * FROM nosuch", extra={"chunked": "true", "chunk_size": "5"}, kind="chunked", variant="chunk5")
    a("SELECT distinct(state) FROM cpu GROUP BY host", extra={"chunked": "true", "chunk_size": "3"},
      kind="chunked", variant="chunk3")
    a("SHOW MEASUREMENTS", extra={"chunked": "true", "chunk_size": "3"}, kind="chunked", variant="chunk3")
    a("SELECT * FROM cpu WHERE host = 'server01' LIMIT 3", extra={"pretty": "true"}, kind="pretty",
      variant="pretty", epochs=E2)
    a("SELECT foo(x) FROM cpu", extra={"pretty": "true"}, kind="pretty", variant="pretty")
    a("SHOW DATABASES", db=None, extra={"pretty": "true"}, kind="pretty", variant="pretty")
    csv = {"Accept": "application/csv"}
    a("SELECT * FROM cpu WHERE host = 'server01' LIMIT 5", headers=csv, kind="csv", variant="csv", epochs=E2)
    a("SELECT mean(usage_user) FROM cpu GROUP BY host", headers=csv, kind="csv", variant="csv")
    a("SELECT msg, severity FROM events WHERE source = 'app'", headers=csv, kind="csv", variant="csv")
    a("SHOW MEASUREMENTS", headers=csv, kind="csv", variant="csv")
    a("SHOW TAG VALUES FROM cpu WITH KEY = host", headers=csv, kind="csv", variant="csv")
    a("SELECT foo(x) FROM cpu", headers=csv, kind="csv", variant="csv")
    a("SELECT * FROM nosuch", headers=csv, kind="csv", variant="csv")
    a("SELECT * FROM ticks LIMIT 2; SELECT count(v) FROM ticks", headers=csv, kind="csv", variant="csv")
    a("SELECT * FROM \"disk free\"", headers=csv, kind="csv", variant="csv")
    a("SELECT usage_user FROM cpu WHERE host = 'server01' LIMIT 3", headers={"Accept": "text/csv"},
      kind="csv", variant="textcsv")
    a("SELECT usage_user FROM cpu WHERE host = 'server01' LIMIT 3", method="GET", variant="get", epochs=E2)
    a("SHOW DATABASES", db=None, method="GET", variant="get")
    a("SELECT * FROM ticks WHERE kind = 'after' LIMIT 3", headers=csv, kind="csv", variant="csv",
      epochs=("ms",))


def _tsbs(c: CorpusBuilder) -> None:
    from tsbs_queries import BENCH_TYPES, generate_queries

    start = TSBS_START
    end = TSBS_START + TSBS_EPOCHS * TSBS_INTERVAL_S * NS
    for qt in BENCH_TYPES:
        for i, q in enumerate(generate_queries(qt, 3, scale=TSBS_SCALE, start_ns=start, end_ns=end,
                                               seed=TSBS_SEED)):
            c.add("tsbs", q.influxql, db="tsbs", epochs=E2 if i == 0 else E1, note=qt)
    c.add("tsbs", "SELECT count(*) FROM cpu", db="tsbs", epochs=E2)
    c.add("tsbs", "SELECT count(usage_user) FROM cpu GROUP BY hostname", db="tsbs")
    c.add("tsbs", f"SELECT max(usage_user) FROM cpu WHERE time >= '{ts(0, TSBS_START)}' AND "
          f"time < '{ts(120, TSBS_START)}' GROUP BY time(10m), region", db="tsbs")


def _mutations(c: CorpusBuilder) -> None:
    def m(seq: str, db: Optional[str], *stmts, method: str = "POST") -> None:
        for q in stmts:
            q, kw = (q, {}) if isinstance(q, str) else q
            c.add("mutation", q, db=db, seq=seq, method=method, **kw)

    m("delete", "mut_delete",
      "SELECT count(usage_user) FROM cpu GROUP BY host",
      f"DELETE FROM cpu WHERE time < '{ts(30)}'",
      "SELECT count(usage_user) FROM cpu GROUP BY host",
      "SELECT first(usage_user) FROM cpu GROUP BY host",
      "DELETE FROM cpu WHERE host = 'server01'",
      "SHOW SERIES FROM cpu",
      "SHOW TAG VALUES FROM cpu WITH KEY = host",
      f"DELETE FROM mem WHERE time >= '{ts(60)}' AND host = 'server02'",
      "SELECT count(used) FROM mem GROUP BY host",
      "DELETE WHERE city = 'Oslo'",
      "SHOW TAG VALUES FROM weather WITH KEY = city",
      "DELETE FROM weather",
      "SHOW MEASUREMENTS",
      "SHOW FIELD KEYS FROM weather",
      "SELECT * FROM weather",
      f"DELETE FROM /^m/ WHERE time < '{ts(30)}'",
      "SELECT count(used) FROM mem GROUP BY host",
      "DELETE FROM nosuch",
      ("DELETE FROM cpu WHERE usage_user > 5",
       {"note": "InfluxDB names its internal shard id in this error; compare the text after ': '"}),
      "DELETE FROM cpu WHERE time > now() - 1000d",
      "SELECT count(usage_user) FROM cpu GROUP BY host")
    m("drop_series", "mut_drop_series",
      "SHOW SERIES",
      "DROP SERIES FROM cpu WHERE host = 'server02'",
      "SHOW SERIES FROM cpu",
      "SELECT count(usage_user) FROM cpu GROUP BY host",
      "DROP SERIES FROM cpu WHERE region = 'us-east'",
      "DROP SERIES WHERE host = 'server01'",
      "SHOW SERIES",
      "DROP SERIES FROM weather",
      "SHOW MEASUREMENTS",
      "SHOW TAG KEYS",
      "SHOW FIELD KEYS",
      f"DROP SERIES FROM mem WHERE time > '{ts(0)}'",
      ("DROP SERIES FROM cpu WHERE usage_user > 3",
       {"note": "InfluxDB names its internal shard id in this error; compare the text after ': '"}),
      "DROP SERIES FROM nosuch",
      "SHOW SERIES EXACT CARDINALITY",
      "SELECT count(*) FROM /.*/ GROUP BY *")
    m("drop_meas", "mut_drop_meas",
      "SHOW MEASUREMENTS",
      "DROP MEASUREMENT mem",
      "SHOW MEASUREMENTS",
      "SHOW FIELD KEYS",
      "SELECT * FROM mem",
      "SHOW SERIES FROM mem",
      "SHOW TAG KEYS FROM mem",
      "DROP MEASUREMENT nosuch",
      "DROP MEASUREMENT cpu",
      "SHOW MEASUREMENTS",
      "SHOW SERIES EXACT CARDINALITY",
      "SHOW MEASUREMENT EXACT CARDINALITY",
      "DROP MEASUREMENT /weather/")
    m("drop_db", None,
      "SHOW DATABASES",
      "DROP DATABASE mut_drop_db",
      "SHOW DATABASES")
    m("drop_db", "mut_drop_db", "SELECT * FROM cpu")
    m("drop_db", None,
      "DROP DATABASE mut_drop_db",
      "DROP DATABASE nosuchdb",
      "CREATE DATABASE mut_drop_db",
      "SHOW MEASUREMENTS ON mut_drop_db",
      "SHOW RETENTION POLICIES ON mut_drop_db",
      "SHOW DATABASES")
    m("rp", None,
      "SHOW RETENTION POLICIES ON mut_rp",
      "CREATE RETENTION POLICY r1 ON mut_rp DURATION 2h REPLICATION 1",
      "CREATE RETENTION POLICY r2 ON mut_rp DURATION 52w REPLICATION 1 SHARD DURATION 1w DEFAULT",
      "SHOW RETENTION POLICIES ON mut_rp",
      "ALTER RETENTION POLICY r1 ON mut_rp DURATION 3d SHARD DURATION 2h",
      "ALTER RETENTION POLICY autogen ON mut_rp DEFAULT",
      "SHOW RETENTION POLICIES ON mut_rp",
      "CREATE RETENTION POLICY r1 ON mut_rp DURATION 1h REPLICATION 1",
      "CREATE RETENTION POLICY r1 ON mut_rp DURATION 3d REPLICATION 1 SHARD DURATION 2h",
      "CREATE RETENTION POLICY r3 ON mut_rp DURATION 30m REPLICATION 1",
      "CREATE RETENTION POLICY r4 ON mut_rp DURATION INF REPLICATION 1 SHARD DURATION 30m",
      "DROP RETENTION POLICY r1 ON mut_rp",
      "DROP RETENTION POLICY nosuch ON mut_rp",
      "SHOW RETENTION POLICIES ON mut_rp",
      "SELECT count(usage_user) FROM mut_rp.autogen.cpu",
      "CREATE DATABASE mut_rp",
      "CREATE DATABASE mut_rp WITH DURATION 1d",
      "ALTER RETENTION POLICY nosuch ON mut_rp DURATION 1d",
      "DROP RETENTION POLICY r2 ON mut_rp",
      "SHOW RETENTION POLICIES ON mut_rp")
    m("into", "mut_into",
      f"SELECT mean(usage_user) INTO cpu_30m FROM cpu WHERE {W2H} GROUP BY time(30m), host",
      "SELECT * FROM cpu_30m",
      "SHOW TAG KEYS FROM cpu_30m",
      "SHOW FIELD KEYS FROM cpu_30m",
      f"SELECT max(temp) AS tmax, min(temp) INTO mut_into.autogen.daily FROM weather WHERE {W1D} "
      "GROUP BY time(1d), *",
      "SELECT * FROM daily",
      "SELECT usage_user INTO copy FROM cpu WHERE host = 'server01'",
      "SELECT * FROM copy LIMIT 5",
      "SHOW FIELD KEYS FROM copy",
      "SELECT usage_user, host INTO copy_tagfield FROM cpu WHERE host = 'server01' LIMIT 3",
      "SELECT * FROM copy_tagfield",
      "SHOW FIELD KEYS FROM copy_tagfield",
      "SELECT * INTO copy_all FROM cpu GROUP BY *",
      "SELECT count(*) FROM copy_all GROUP BY *",
      "CREATE RETENTION POLICY down ON mut_into DURATION INF REPLICATION 1",
      f"SELECT mean(*) INTO mut_into.down.:MEASUREMENT FROM mut_into.autogen./^(cpu|mem)$/ WHERE {W2H} "
      "GROUP BY time(1h), *",
      "SELECT * FROM mut_into.down.cpu",
      "SHOW FIELD KEYS FROM mut_into.down.mem",
      f"SELECT first(state) INTO st FROM cpu WHERE {W2H} GROUP BY time(1h), host",
      "SELECT * FROM st",
      "SELECT count(*) INTO nosuchdb..x FROM cpu",
      f"SELECT count(usage_user) INTO cnt FROM cpu WHERE {W2H} GROUP BY time(30m) fill(none)",
      "SELECT * FROM cnt",
      "SELECT mean(usage_user) INTO cpu_30m FROM cpu WHERE host = 'server09'",
      "SHOW MEASUREMENTS")
    m("cq", None,
      "CREATE CONTINUOUS QUERY cq1 ON mut_into BEGIN SELECT mean(usage_user) INTO cpu_cq FROM cpu "
      "GROUP BY time(10m), host END",
      "CREATE CONTINUOUS QUERY cq2 ON mut_into RESAMPLE EVERY 5m FOR 1h BEGIN SELECT count(used) "
      "INTO mem_cq FROM mem GROUP BY time(30m) END",
      "CREATE CONTINUOUS QUERY \"cq 3\" ON mut_into RESAMPLE FOR 2h BEGIN SELECT max(temp) "
      "INTO mut_into.down.:MEASUREMENT FROM /weather/ GROUP BY time(1h), * END",
      "SHOW CONTINUOUS QUERIES",
      "CREATE CONTINUOUS QUERY cq1 ON mut_into BEGIN SELECT mean(usage_user) INTO cpu_cq FROM cpu "
      "GROUP BY time(10m), host END",
      "CREATE CONTINUOUS QUERY cq1 ON mut_into BEGIN SELECT max(usage_user) INTO cpu_cq FROM cpu "
      "GROUP BY time(10m) END",
      "CREATE CONTINUOUS QUERY bad ON mut_into BEGIN SELECT mean(usage_user) INTO x FROM cpu END",
      "CREATE CONTINUOUS QUERY bad2 ON mut_into BEGIN SELECT usage_user INTO x FROM cpu "
      "GROUP BY time(1h) END",
      "CREATE CONTINUOUS QUERY bad3 ON nosuchdb BEGIN SELECT mean(x) INTO y FROM z GROUP BY time(1h) END",
      "DROP CONTINUOUS QUERY cq1 ON mut_into",
      "DROP CONTINUOUS QUERY nosuch ON mut_into",
      "SHOW CONTINUOUS QUERIES")
    m("users", None,
      "SHOW USERS",
      "CREATE USER alice WITH PASSWORD 'pw1'",
      "CREATE USER root WITH PASSWORD 'pw' WITH ALL PRIVILEGES",
      "SHOW USERS",
      # NOTE: one database only: 1.6.7 lists a user's grants in random order.
      "GRANT READ ON gold TO alice",
      "SHOW GRANTS FOR alice",
      "REVOKE READ ON gold FROM alice",
      "SHOW GRANTS FOR alice",
      "REVOKE ALL PRIVILEGES FROM root",
      "SHOW USERS",
      "CREATE USER alice WITH PASSWORD 'other'",
      "DROP USER alice",
      "DROP USER root",
      "DROP USER nobody",
      "SHOW USERS")
    m("get_write", None, "CREATE DATABASE mut_get", method="GET")
    m("get_write", None, "SHOW DATABASES", "DROP DATABASE mut_get", "SHOW DATABASES")


# What the corpus does not hold as InfluxDB 1.8 answers, and why (written into the corpus file).
NOT_IN_1_6_7 = [
    {"what": "unsigned integer fields (line protocol 12u) and anything computed from them",
     "why": "1.6.7 refuses the u suffix on /write (400 'invalid number'); 1.8 parses it only in builds "
            "with unsigned support enabled. Left out of the data set."},
    {"what": "CREATE/ALTER RETENTION POLICY ... FUTURE LIMIT / PAST LIMIT",
     "why": "syntax of later 1.x releases, not 1.6.7 (nor machstore's 1.8 grammar); the corpus records "
            "1.6.7's parse error (error category)."},
    {"what": "the rest of the brief's InfluxQL list",
     "why": "1.6.7 answers all of it: every function (incl. the technical-analysis ones, math functions, "
            "HOLT_WINTERS[_WITH_FIT]), ::field/::tag casts, subqueries, tz(), cardinality SHOWs, "
            "SELECT INTO and continuous queries. The answers are 1.6.7's; where 1.8 fixed a 1.6.7 bug the "
            "golden shows the 1.6.7 behaviour (see known_1_6_7_quirks)."},
]

KNOWN_QUIRKS = [
    "INTEGRAL grouped by a tag emits its series in random order and may split one: those entries "
    "carry series_order=any and are stored merged and sorted.",
    "ln()/log() of 0 gives -Inf, which 1.6.7 cannot encode: the body is Go's 'json: error calling "
    "MarshalJSON ... unsupported value: -Inf' text (transform category).",
    "DELETE / DROP SERIES with a field in WHERE name an internal shard id ('shard 12: fields not "
    "supported in WHERE clause during deletion').",
    "SHOW MEASUREMENTS and SHOW SERIES read the database's index, which spans its retention policies "
    "(SHOW SERIES FROM longterm.cpu also lists autogen's cpu series); SHOW FIELD KEYS follows the "
    "policy. SHOW DATABASES lists databases in creation order.",
    "Left out as internal or wall-clock dependent: SHOW SHARDS, SHOW SHARD GROUPS, SHOW STATS, "
    "SHOW DIAGNOSTICS, SHOW QUERIES, EXPLAIN [ANALYZE], and GROUP BY time() without an upper time "
    "bound (it runs to now()). The data in finite retention policies would expire with the wall "
    "clock, so those policies stay empty.",
]


def build_corpus() -> List[Entry]:
    """Return every entry, reads first and then the data-changing sequences."""
    c = CorpusBuilder()
    for part in (_raw, _where, _time, _groupby, _fill, _limit, _aggregate, _selector, _transform,
                 _holt_winters, _ta, _star, _arith, _from, _schema, _errors, _http, _tsbs, _mutations):
        part(c)
    ids = [e.id for e in c.entries]
    assert len(ids) == len(set(ids)), "duplicate corpus ids"
    return c.entries


# ==================================================================================================
# Recording


def send(session: requests.Session, url: str, entry: Entry, timeout: float = 120.0) -> dict:
    """Send one entry to ``url``/query; return ``{"status", "content_type", "body"}``."""
    headers = dict(entry.headers)
    if entry.method == "GET":
        r = session.get(url + "/query", params=entry.params, headers=headers, timeout=timeout)
    else:
        r = session.post(url + "/query", params=entry.params, headers=headers, timeout=timeout)
    return {"status": r.status_code, "content_type": r.headers.get("Content-Type", ""),
            "body": r.content.decode("utf-8", "replace")}


def _array_items(text: str, i: int) -> Tuple[List[Tuple[int, int]], int]:
    """Return the spans of the items of the JSON array starting at ``text[i] == "["`` and its end."""
    assert text[i] == "["
    spans, depth, start, in_str, esc = [], 0, None, False, False
    for j in range(i + 1, len(text)):
        ch = text[j]
        if in_str:
            if esc:
                esc = False
            elif ch == "\\":
                esc = True
            elif ch == '"':
                in_str = False
            continue
        if start is None and ch not in " ,\n":
            if ch == "]" and depth == 0:
                return spans, j
            start = j
        if ch == '"':
            in_str = True
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            if depth == 0:
                spans.append((start, j))
                return spans, j
            depth -= 1
            if depth == 0:
                spans.append((start, j + 1))
                start = None
        elif ch == "," and depth == 0 and start is not None:
            spans.append((start, j))
            start = None
    raise ValueError("unterminated array")


def _rfc3339_ns(text: str) -> int:
    """Return the ns since the epoch of an RFC3339 time as InfluxDB prints it."""
    main, _, frac = text.rstrip("Z").partition(".")
    tz = 0
    for sign in ("+", "-"):
        if sign in main[10:]:
            main, off = main.rsplit(sign, 1)
            h, m = off.split(":")
            tz = (int(h) * 60 + int(m)) * 60 * (1 if sign == "+" else -1)
    if "+" in frac or "-" in frac:
        frac, sign, off = (frac.partition("+") if "+" in frac else frac.partition("-"))
        h, m = off.split(":")
        tz = (int(h) * 60 + int(m)) * 60 * (1 if sign == "+" else -1)
    sec = int(_dt.datetime.fromisoformat(main + "+00:00").timestamp()) - tz
    return sec * NS + int((frac or "0").ljust(9, "0")[:9])


def _row_time(row: str) -> int:
    t = json.loads(row)[0]
    return t if isinstance(t, int) else _rfc3339_ns(t)


def sort_series(body: str) -> str:
    """Return ``body`` with each result's series in (name, tags) order, split series merged.

    NOTE: InfluxDB 1.6.7 emits INTEGRAL's series in random order when grouped by a tag and may
    split one series in two; this keeps its bytes but merges the parts (rows in time order) and
    sorts the series, which is the answer a correct implementation gives.
    """
    out, pos, key = [], 0, '"series":['
    while True:
        i = body.find(key, pos)
        if i < 0:
            break
        arr = i + len(key) - 1
        spans, end = _array_items(body, arr)
        merged: Dict[Tuple[str, str], List[str]] = {}
        first: Dict[Tuple[str, str], str] = {}
        for a, b in spans:
            item = body[a:b]
            obj = json.loads(item)
            k = (obj.get("name", ""), json.dumps(obj.get("tags", {}), sort_keys=True))
            first.setdefault(k, item)
            vi = item.find('"values":[')
            if vi < 0:
                merged.setdefault(k, [])
                continue
            rows, _ = _array_items(item, vi + len('"values":[') - 1)
            merged.setdefault(k, []).extend(item[x:y] for x, y in rows)
        items = []
        for k in sorted(first):
            item = first[k]
            vi = item.find('"values":[')
            if vi >= 0:
                arr_at = vi + len('"values":[') - 1
                _, vend = _array_items(item, arr_at)
                rows = sorted(merged[k], key=_row_time)
                item = item[:arr_at + 1] + ",".join(rows) + item[vend:]
            items.append(item)
        out.append(body[pos:arr + 1] + ",".join(items))
        pos = end
    out.append(body[pos:])
    return "".join(out)


def record(url: str, entries: List[Entry], repeats: int = 3) -> Tuple[Dict[str, dict], List[str]]:
    """Run every entry (reads ``repeats`` times); return the goldens and the unstable ids left out."""
    goldens: Dict[str, dict] = {}
    unstable: List[str] = []
    with requests.Session() as s:
        for e in entries:
            answers = [send(s, url, e) for _ in range(1 if e.seq else repeats)]
            if len(answers[0]["body"]) > 500_000:
                # NOTE: a GROUP BY time() without an upper time bound runs to now(): big and wall-clock
                # dependent. Nothing in the corpus is meant to be this large.
                log(f"{e.id}: {len(answers[0]['body']):,}-byte answer; is it bounded in time?")
            if e.series_order == "any":
                for a in answers:
                    a["body"] = sort_series(a["body"])
            if any(a != answers[0] for a in answers[1:]):
                unstable.append(e.id)
                continue
            goldens[e.id] = answers[0]
    return goldens, unstable


def _gz(data: bytes) -> bytes:
    # NOTE: mtime=0 keeps the gzip header free of the wall clock, so reruns give identical files.
    return gzip.compress(data, compresslevel=9, mtime=0)


def corpus_text(entries: List[Entry], version: str, left_out: List[str]) -> str:
    """Return the corpus file: a header object with one entry per line."""
    counts: Dict[str, int] = {}
    for e in entries:
        counts[e.category] = counts.get(e.category, 0) + 1
    head = {
        "format": 1,
        "recorded_with": f"InfluxDB {version} (Debian influxdb package), bench/record_influx_goldens.py",
        "dataset": DATASET_FILE,
        "goldens": GOLDENS_FILE,
        "categories": counts,
        "notes": [
            "Each entry is one HTTP request to /query: method, params (q, db, epoch, chunked, ...), "
            "headers. Replay in file order after loading the data set into a fresh server.",
            "Entries with a seq change data (each seq has its own database or is self-contained): "
            "replay every entry of a seq, in order, and after all entries without a seq.",
            "kind says how to compare the body: json, chunked (one JSON object per line), pretty "
            "(indented JSON) or csv (Accept: application/csv).",
            "Times in the data set are fixed (2016-01-01 for the TSBS slice, 2020 for the rest); "
            "statements that use now() only do so where the answer cannot depend on the wall clock.",
        ],
        "left_out_unstable": left_out,
        "not_in_1_6_7": NOT_IN_1_6_7,
        "known_1_6_7_quirks": KNOWN_QUIRKS,
    }
    lines = ["{"]
    for k in sorted(head):
        lines.append(f" {json.dumps(k)}: {json.dumps(head[k], ensure_ascii=False, sort_keys=True)},")
    lines.append(' "entries": [')
    body = [f"  {json.dumps(e.to_json(), ensure_ascii=False, sort_keys=True)}" for e in entries]
    lines.append(",\n".join(body))
    lines.append(" ]")
    lines.append("}")
    return "\n".join(lines) + "\n"


def goldens_bytes(goldens: Dict[str, dict], version: str) -> bytes:
    """Return the gzipped goldens file (sorted keys, one golden per line)."""
    lines = ["{", f' "influxdb_version": {json.dumps(version)},', ' "goldens": {']
    items = [f"  {json.dumps(k)}: {json.dumps(goldens[k], ensure_ascii=False, sort_keys=True)}"
             for k in sorted(goldens)]
    lines.append(",\n".join(items))
    lines += [" }", "}"]
    return _gz(("\n".join(lines) + "\n").encode("utf-8"))


def write_files(out_dir: str, files: Dict[str, bytes]) -> None:
    """Write each file atomically (temp file + rename)."""
    os.makedirs(out_dir, exist_ok=True)
    for name, data in files.items():
        path = os.path.join(out_dir, name)
        tmp = path + ".tmp"
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, path)


def _same_file(path: str, data: bytes) -> bool:
    try:
        with open(path, "rb") as f:
            old = f.read()
    except OSError:
        return False
    if path.endswith(".gz"):
        return gzip.decompress(old) == gzip.decompress(data)
    return old == data


def main(argv=None) -> int:
    """Run the CLI."""
    p = argparse.ArgumentParser(description="Record InfluxDB 1.x goldens for the InfluxQL corpus.")
    p.add_argument("--out-dir", default=DATA_DIR, help="where the files go (default tests/data)")
    p.add_argument("--check", action="store_true",
                   help="record again and compare with the files in --out-dir; write nothing")
    p.add_argument("--no-install", action="store_true", help="do not apt-get install influxdb")
    p.add_argument("--influxd", default=None, help="influxd executable (default: from PATH)")
    p.add_argument("--list", action="store_true", help="print the corpus, one entry per line, and exit")
    p.add_argument("--keep", action="store_true", help="leave influxd running afterwards (prints its URL)")
    args = p.parse_args(argv)

    entries = build_corpus()
    if args.list:
        for e in entries:
            print(f"{e.id:28} {e.params.get('db', '-'):16} {e.params['q']}")
        return 0
    ds = build_dataset()
    exe = args.influxd or ensure_influxdb(install=not args.no_install)
    if not exe:
        log("influxd not found (install Debian's influxdb or pass --influxd)")
        return 2
    goldens: Dict[str, dict] = {}
    unstable: List[str] = []
    version = ""
    # The reads run 3 times on the first server; the data-changing seqs run once per server, so a
    # second fresh server checks them.
    for attempt in (1, 2):
        srv = start_influxd(exe=exe)
        log(f"influxd {srv.version} on {srv.url} (data in {srv.data_dir})")
        try:
            t0 = time.monotonic()
            load_dataset(srv.url, ds)
            todo = entries if attempt == 1 else [e for e in entries if e.seq and e.id in goldens]
            log(f"loaded {ds.points():,} points in {time.monotonic() - t0:.1f} s; "
                f"running {len(todo)} entries")
            t0 = time.monotonic()
            got, bad = record(srv.url, todo)
            log(f"recorded {len(got)} answers in {time.monotonic() - t0:.1f} s")
            if attempt == 1:
                goldens, unstable, version = got, bad, srv.version
            else:
                for k, v in got.items():
                    if goldens.get(k) != v:
                        unstable.append(k)
                        goldens.pop(k, None)
        finally:
            if args.keep and attempt == 2:
                log(f"influxd left running: {srv.url} (pid {srv.proc.pid}, data in {srv.data_dir})")
            else:
                srv.stop()
    if unstable:
        log(f"left out {len(unstable)} entries whose answers differed: {', '.join(unstable)}")
    kept = [e for e in entries if e.id in goldens]
    files = {
        DATASET_FILE: _gz(ds.export_text().encode("utf-8")),
        CORPUS_FILE: corpus_text(kept, version, unstable).encode("utf-8"),
        GOLDENS_FILE: goldens_bytes(goldens, version),
    }
    if args.check:
        bad = [n for n, d in files.items() if not _same_file(os.path.join(args.out_dir, n), d)]
        if bad:
            log(f"differs from {args.out_dir}: {', '.join(bad)}")
            if GOLDENS_FILE in bad:
                try:
                    with open(os.path.join(args.out_dir, GOLDENS_FILE), "rb") as f:
                        old = json.loads(gzip.decompress(f.read()))["goldens"]
                except (OSError, ValueError, KeyError):
                    old = {}
                for k in sorted(set(old) | set(goldens)):
                    if old.get(k) != goldens.get(k):
                        log(f"  {k}: was {str(old.get(k))[:300]}")
                        log(f"  {' ' * len(k)}  now {str(goldens.get(k))[:300]}")
            return 1
        log("identical to the recorded files")
        return 0
    write_files(args.out_dir, files)
    for name in files:
        log(f"wrote {os.path.join(args.out_dir, name)} ({len(files[name]):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
