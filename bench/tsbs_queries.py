"""Generate TSBS cpu-only ("devops") InfluxQL queries exactly as ``tsbs_generate_queries`` writes them.

This is a Python port of timescale/tsbs ``cmd/tsbs_generate_queries`` for ``--format influx
--use-case cpu-only`` (``uses/devops/*.go``, ``databases/influx/devops.go``, ``uses/common``,
``internal/utils/time_interval.go``), including Go's ``math/rand`` so that a given ``--seed`` gives
the same query texts, in the same order, as TSBS itself. The query types are::

    single-groupby-1-1-1  single-groupby-5-1-12  cpu-max-all-8  double-groupby-1  double-groupby-all
    high-cpu-1  high-cpu-all  groupby-orderby-limit  lastpoint          (and the other devops types)

Library use (bench/ on sys.path)::

    from tsbs_queries import generate_queries, data_window
    start, end = data_window(rows=1_000_000, scale=100)          # bench/tsbs.py's time range
    for q in generate_queries("high-cpu-1", 20, scale=100, start_ns=start, end_ns=end, seed=123):
        q.influxql        # SELECT * from cpu where usage_user > 90.0 and (hostname = 'host_..') and ...
        q.path            # /query?q=... (POST; tsbs_run_queries_influx appends &db=benchmark)

CLI::

    python bench/tsbs_queries.py --type cpu-max-all-8 --queries 5 --scale 100 --rows 1000000

NOTE: Go's ``rngCooked`` seeding table is not copied here: :func:`_cooked` recomputes it the way Go's
``gen_cooked.go`` defines it (the lagged-Fibonacci state after 7.8e12 steps from ``srand(1)``), by a
polynomial jump-ahead that takes about a second once per process.
"""
from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import sys
from dataclasses import asdict, dataclass
from typing import Callable, Dict, List, Optional, Tuple
from urllib.parse import quote_plus

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tsbs import DEFAULT_START_NS  # noqa: E402

__all__ = [
    "GoRand",
    "TsbsQuery",
    "QUERY_TYPES",
    "BENCH_TYPES",
    "DevopsGenerator",
    "generate_queries",
    "data_window",
    "go_query_escape",
]

HOUR_NS = 3600 * 10**9

# --------------------------------------------------------------------------------------------------
# Go math/rand (the rngSource behind rand.Seed / rand.Int63n / rand.Intn)

_LEN, _TAP = 607, 273
_M63 = (1 << 63) - 1
_M64 = (1 << 64) - 1
_INT32MAX = (1 << 31) - 1
_COOKED_STEPS = 7_800_000_000_000  # gen_cooked.go: 7.8e12 calls to vrand() after srand(1)
_cooked_cache: Optional[List[int]] = None


def _seedrand(x: int) -> int:
    """Return the next value of Go's seeding LCG, x * 48271 mod (2**31 - 1) (Schrage's method)."""
    hi, lo = divmod(x, 44488)
    x = 48271 * lo - 3399 * hi
    return x + _INT32MAX if x < 0 else x


def _polymulmod(a: List[int], b: List[int]) -> List[int]:
    """Return a*b mod (x**607 - x**334 - 1) with coefficients mod 2**64."""
    # PERF: one big-integer product (Kronecker substitution) instead of 607**2 Python multiplies.
    width = 150  # a product coefficient is < 607 * 2**128 < 2**138
    pa = pb = 0
    for c in reversed(a):
        pa = (pa << width) | c
    for c in reversed(b):
        pb = (pb << width) | c
    prod = pa * pb
    mask = (1 << width) - 1
    c = []
    for _ in range(2 * _LEN - 1):
        c.append(prod & mask & _M64)
        prod >>= width
    for i in range(2 * _LEN - 2, _LEN - 1, -1):  # x**607 == x**334 + 1
        v = c[i]
        if v:
            c[i - _LEN] = (c[i - _LEN] + v) & _M64
            c[i - _TAP] = (c[i - _TAP] + v) & _M64
    return c[:_LEN]


def _cooked() -> List[int]:
    """Return the low 63 bits of Go's ``rngCooked`` table, computed as gen_cooked.go defines it.

    gen_cooked.go seeds the 607-word additive lagged-Fibonacci register with ``srand(1)`` (shifts
    20/10), steps it 7.8e12 times (``vec[feed] += vec[tap]``, feed and tap moving down) and prints
    the register. The step is the linear recurrence y[k] = y[k-607] + y[k-273] (mod 2**64), so
    x**N mod (x**607 - x**334 - 1) gives any later value from the first 607.
    """
    global _cooked_cache
    if _cooked_cache is not None:
        return _cooked_cache
    vec = [0] * _LEN
    x = 1
    for i in range(-20, _LEN):
        x = _seedrand(x)
        if i >= 0:
            u = x << 20
            x = _seedrand(x)
            u ^= x << 10
            x = _seedrand(x)
            u ^= x
            vec[i] = u
    # Step k (from 0) writes position (333 - k) mod 607; z[j] = y[j - 607] are the initial words.
    z = [vec[(333 - (j - _LEN)) % _LEN] for j in range(_LEN)]
    r = [0] * _LEN
    r[0] = 1
    base = [0] * _LEN
    base[1] = 1
    n = _COOKED_STEPS
    while n:
        if n & 1:
            r = _polymulmod(r, base)
        n >>= 1
        if n:
            base = _polymulmod(base, base)
    out = [0] * _LEN
    for t in range(_LEN):
        k = _COOKED_STEPS + t - _LEN
        out[(333 - k) % _LEN] = sum(c * v for c, v in zip(r, z)) & _M63
        top = r[-1]  # r <- x * r mod P
        r = [top] + r[:-1]
        r[_LEN - _TAP] = (r[_LEN - _TAP] + top) & _M64
    _cooked_cache = out
    return out


class GoRand:
    """Go's math/rand ``rngSource`` with the ``Rand`` methods TSBS uses (Int63n, Intn).

    The 63-bit outputs are those of every Go release since 1.0 (Go 1.8 widened the register to
    64 bits without changing ``Int63``).
    """

    def __init__(self, seed: int = 1) -> None:
        self.seed(seed)

    def seed(self, seed: int) -> None:
        """Reset the state as ``rand.Seed(seed)`` does."""
        cooked = _cooked()
        self._tap = 0
        self._feed = _LEN - _TAP
        seed = int(seed)
        seed = abs(seed) % _INT32MAX * (1 if seed >= 0 else -1)  # Go's % truncates toward zero
        if seed < 0:
            seed += _INT32MAX
        if seed == 0:
            seed = 89482311
        x = seed
        vec = [0] * _LEN
        for i in range(-20, _LEN):
            x = _seedrand(x)
            if i >= 0:
                u = x << 40
                x = _seedrand(x)
                u ^= x << 20
                x = _seedrand(x)
                u ^= x
                vec[i] = (u ^ cooked[i]) & _M63
        self._vec = vec

    def int63(self) -> int:
        """Return a non-negative 63-bit integer (``Int63``)."""
        self._tap -= 1
        if self._tap < 0:
            self._tap += _LEN
        self._feed -= 1
        if self._feed < 0:
            self._feed += _LEN
        x = (self._vec[self._feed] + self._vec[self._tap]) & _M63
        self._vec[self._feed] = x
        return x

    def int31(self) -> int:
        """Return a non-negative 31-bit integer (``Int31``)."""
        return self.int63() >> 32

    def int63n(self, n: int) -> int:
        """Return a value in [0, n) (``Int63n``)."""
        if n <= 0:
            raise ValueError("invalid argument to Int63n")
        if n & (n - 1) == 0:
            return self.int63() & (n - 1)
        top = (1 << 63) - 1 - (1 << 63) % n
        v = self.int63()
        while v > top:
            v = self.int63()
        return v % n

    def int31n(self, n: int) -> int:
        """Return a value in [0, n) (``Int31n``)."""
        if n <= 0:
            raise ValueError("invalid argument to Int31n")
        if n & (n - 1) == 0:
            return self.int31() & (n - 1)
        top = (1 << 31) - 1 - (1 << 31) % n
        v = self.int31()
        while v > top:
            v = self.int31()
        return v % n

    def intn(self, n: int) -> int:
        """Return a value in [0, n) (``Intn``: Int31n for n < 2**31)."""
        if n <= 0:
            raise ValueError("invalid argument to Intn")
        if n <= _INT32MAX:
            return self.int31n(n)
        return self.int63n(n)


# --------------------------------------------------------------------------------------------------
# TSBS devops query generation (influx flavour)

CPU_METRICS = (
    "usage_user", "usage_system", "usage_idle", "usage_nice", "usage_iowait",
    "usage_irq", "usage_softirq", "usage_steal", "usage_guest", "usage_guest_nice",
)
DOUBLE_GROUPBY_DURATION = 12 * HOUR_NS
HIGH_CPU_DURATION = 12 * HOUR_NS
MAX_ALL_DURATION = 8 * HOUR_NS


def go_duration(ns: int) -> str:
    """Format whole seconds as Go's ``time.Duration.String`` does (``12h0m0s``, ``5m0s``, ``1s``)."""
    if ns % 10**9:
        raise ValueError("only whole seconds are supported")
    s = ns // 10**9
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    if h:
        return f"{h}h{m}m{sec}s"
    if m:
        return f"{m}m{sec}s"
    return f"{sec}s"


def rfc3339(ns: int) -> str:
    """Format a UTC time as Go's ``time.RFC3339`` (whole seconds, ``Z``; the fraction is dropped)."""
    sec = ns // 10**9  # Go truncates toward the earlier second for the formatted fields
    return _dt.datetime.fromtimestamp(sec, _dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def go_query_escape(s: str) -> str:
    """Return ``url.QueryEscape(s)`` (space as ``+``, only ``A-Za-z0-9-_.~`` kept)."""
    return quote_plus(s, safe="")


@dataclass(frozen=True)
class TsbsQuery:
    """One generated query, with the fields of TSBS's ``query.HTTP``."""

    query_type: str
    human_label: str
    human_description: str
    influxql: str
    method: str = "POST"

    @property
    def path(self) -> str:
        """Return the request path TSBS stores (``/query?q=...``; the runner appends ``&db=``)."""
        return "/query?" + "q=" + go_query_escape(self.influxql)


class DevopsGenerator:
    """``influx.Devops``: the devops query fillers over one time interval and host count."""

    def __init__(self, start_ns: int, end_ns: int, scale: int, rng: GoRand) -> None:
        if end_ns < start_ns:
            raise ValueError("end time before start time")
        self.start_ns, self.end_ns, self.scale, self.rng = start_ns, end_ns, scale, rng

    # -- uses/common, internal/utils ---------------------------------------------------------------

    def rand_window(self, window_ns: int) -> Tuple[int, int]:
        """Return a random [start, end) of ``window_ns`` inside the interval (``MustRandWindow``)."""
        lower, upper = self.start_ns, self.end_ns - window_ns
        if upper <= lower:
            raise ValueError(
                f"random window equal to or larger than TimeInterval: window {go_duration(window_ns)}, "
                f"interval {go_duration(self.end_ns - self.start_ns)}")
        start = lower + self.rng.int63n(upper - lower)
        return start, start + window_ns

    def random_hosts(self, n: int) -> List[str]:
        """Return ``n`` distinct ``host_<i>`` names (``getRandomHosts`` / ``GetRandomSubsetPerm``)."""
        if n < 1:
            raise ValueError(f"number of hosts cannot be < 1; got {n}")
        if n > self.scale:
            raise ValueError(
                f"number of hosts ({n}) larger than total hosts. See --scale ({self.scale})")
        seen, out = set(), []
        for _ in range(n):
            while True:
                k = self.rng.intn(self.scale)
                if k not in seen:
                    seen.add(k)
                    out.append(f"host_{k}")
                    break
        return out

    @staticmethod
    def metrics(n: int) -> List[str]:
        """Return the first ``n`` cpu metrics (``GetCPUMetricsSlice``)."""
        if n <= 0:
            raise ValueError("cannot get 0 metrics")
        if n > len(CPU_METRICS):
            raise ValueError("too many metrics asked for")
        return list(CPU_METRICS[:n])

    def host_where(self, n: int) -> str:
        """Return ``(hostname = 'a' or hostname = 'b')`` for ``n`` random hosts."""
        return "(" + " or ".join(f"hostname = '{h}'" for h in self.random_hosts(n)) + ")"

    # -- databases/influx/devops.go ----------------------------------------------------------------

    def group_by_time(self, n_hosts: int, n_metrics: int, window_ns: int) -> TsbsQuery:
        """single-groupby-M-H-T: max of M metrics per minute for H hosts over T hours."""
        start, end = self.rand_window(window_ns)
        clauses = [f"max({m})" for m in self.metrics(n_metrics)]
        where_hosts = self.host_where(n_hosts)
        label = (f"Influx {n_metrics} cpu metric(s), random {n_hosts:4d} hosts, "
                 f"random {go_duration(window_ns)} by 1m")
        q = (f"SELECT {', '.join(clauses)} from cpu where {where_hosts} and time >= '{rfc3339(start)}' "
             f"and time < '{rfc3339(end)}' group by time(1m)")
        return TsbsQuery("", label, f"{label}: {rfc3339(start)}", q)

    def group_by_order_by_limit(self) -> TsbsQuery:
        """groupby-orderby-limit: the last 5 one-minute maxima before a random end."""
        start, end = self.rand_window(HOUR_NS)
        label = "Influx max cpu over last 5 min-intervals (random end)"
        q = (f"SELECT max(usage_user) from cpu WHERE time < '{rfc3339(end)}' "
             f"group by time(1m) limit 5")
        return TsbsQuery("", label, f"{label}: {rfc3339(start)}", q)

    def group_by_time_and_primary_tag(self, n_metrics: int) -> TsbsQuery:
        """double-groupby-M: mean of M metrics per hour and host over 12 hours."""
        metrics = self.metrics(n_metrics)
        start, end = self.rand_window(DOUBLE_GROUPBY_DURATION)
        clauses = [f"mean({m})" for m in metrics]
        label = (f"Influx mean of {n_metrics} metrics, all hosts, "
                 f"random {go_duration(DOUBLE_GROUPBY_DURATION)} by 1h")
        q = (f"SELECT {', '.join(clauses)} from cpu where time >= '{rfc3339(start)}' "
             f"and time < '{rfc3339(end)}' group by time(1h),hostname")
        return TsbsQuery("", label, f"{label}: {rfc3339(start)}", q)

    def max_all_cpu(self, n_hosts: int, window_ns: int = MAX_ALL_DURATION) -> TsbsQuery:
        """cpu-max-all-H: max of all 10 metrics per hour for H hosts over 8 hours."""
        start, end = self.rand_window(window_ns)
        where_hosts = self.host_where(n_hosts)
        clauses = [f"max({m})" for m in CPU_METRICS]
        label = (f"Influx max of all CPU metrics, random {n_hosts:4d} hosts, "
                 f"random {go_duration(MAX_ALL_DURATION)} by 1h")
        q = (f"SELECT {','.join(clauses)} from cpu where {where_hosts} and time >= '{rfc3339(start)}' "
             f"and time < '{rfc3339(end)}' group by time(1h)")
        return TsbsQuery("", label, f"{label}: {rfc3339(start)}", q)

    def last_point_per_host(self) -> TsbsQuery:
        """lastpoint: the newest row of every host."""
        label = "Influx last row per host"
        q = 'SELECT * from cpu group by "hostname" order by time desc limit 1'
        return TsbsQuery("", label, f"{label}: cpu", q)

    def high_cpu_for_hosts(self, n_hosts: int) -> TsbsQuery:
        """high-cpu-H (H=0: all hosts): rows with usage_user > 90 over 12 hours."""
        start, end = self.rand_window(HIGH_CPU_DURATION)
        if n_hosts == 0:
            host_clause = ""
        else:
            host_clause = f"and {self.host_where(n_hosts)}"
        if n_hosts > 0:
            label = f"Influx CPU over threshold, {n_hosts} host(s)"
        else:
            label = "Influx CPU over threshold, all hosts"
        # NOTE: with no host clause TSBS leaves two spaces after "90.0"; kept byte for byte.
        q = (f"SELECT * from cpu where usage_user > 90.0 {host_clause} and "
             f"time >= '{rfc3339(start)}' and time < '{rfc3339(end)}'")
        return TsbsQuery("", label, f"{label}: {rfc3339(start)}", q)


def _single(metrics: int, hosts: int, hours: int) -> Callable[[DevopsGenerator], TsbsQuery]:
    return lambda g: g.group_by_time(hosts, metrics, hours * HOUR_NS)


# The devops query types of tsbs_generate_queries (cmd/tsbs_generate_queries/main.go).
QUERY_TYPES: Dict[str, Callable[[DevopsGenerator], TsbsQuery]] = {
    "single-groupby-1-1-1": _single(1, 1, 1),
    "single-groupby-1-1-12": _single(1, 1, 12),
    "single-groupby-1-8-1": _single(1, 8, 1),
    "single-groupby-5-1-1": _single(5, 1, 1),
    "single-groupby-5-1-12": _single(5, 1, 12),
    "single-groupby-5-8-1": _single(5, 8, 1),
    "cpu-max-all-1": lambda g: g.max_all_cpu(1),
    "cpu-max-all-8": lambda g: g.max_all_cpu(8),
    "cpu-max-all-32-24": lambda g: g.max_all_cpu(32, 24 * HOUR_NS),
    "double-groupby-1": lambda g: g.group_by_time_and_primary_tag(1),
    "double-groupby-5": lambda g: g.group_by_time_and_primary_tag(5),
    "double-groupby-all": lambda g: g.group_by_time_and_primary_tag(len(CPU_METRICS)),
    "groupby-orderby-limit": lambda g: g.group_by_order_by_limit(),
    "high-cpu-all": lambda g: g.high_cpu_for_hosts(0),
    "high-cpu-1": lambda g: g.high_cpu_for_hosts(1),
    "lastpoint": lambda g: g.last_point_per_host(),
}

# The types bench/query_bench.py runs by default.
BENCH_TYPES = (
    "single-groupby-1-1-1", "single-groupby-5-1-12", "cpu-max-all-8", "double-groupby-1",
    "double-groupby-all", "high-cpu-1", "high-cpu-all", "groupby-orderby-limit", "lastpoint",
)


def generate_queries(query_type: str, count: int, *, scale: int, start_ns: int, end_ns: int,
                     seed: int = 123) -> List[TsbsQuery]:
    """Return ``count`` queries of one type, as ``tsbs_generate_queries --seed`` would (one run).

    Each TSBS run seeds ``math/rand`` once and then fills ``--queries`` queries of one type, so the
    result equals ``tsbs_generate_queries --use-case=cpu-only --format=influx --scale=<scale>
    --seed=<seed> --query-type=<type> --queries=<count> --timestamp-start=<start>
    --timestamp-end=<end>``.
    """
    if query_type not in QUERY_TYPES:
        raise ValueError(f"invalid query type for use case 'cpu-only': '{query_type}'")
    gen = DevopsGenerator(start_ns, end_ns, scale, GoRand(seed))
    fill = QUERY_TYPES[query_type]
    out = []
    for _ in range(count):
        q = fill(gen)
        out.append(TsbsQuery(query_type, q.human_label, q.human_description, q.influxql, q.method))
    return out


def data_window(*, rows: Optional[int] = None, scale: int = 100, epochs: Optional[int] = None,
                interval_s: int = 10, start_ns: int = DEFAULT_START_NS) -> Tuple[int, int]:
    """Return ``(start_ns, end_ns)`` of the data bench/tsbs.py generates with these arguments.

    ``end_ns`` is one interval after the last epoch, like TSBS's exclusive ``--timestamp-end``.
    """
    if epochs is None:
        epochs = (86400 // interval_s) if rows is None else -(-rows // scale)
    return start_ns, start_ns + epochs * interval_s * 10**9


def _parse_time(text: str) -> int:
    if text.lstrip("-").isdigit():
        return int(text)
    t = _dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if t.tzinfo is None:
        t = t.replace(tzinfo=_dt.timezone.utc)
    return int(t.timestamp()) * 10**9 + t.microsecond * 1000


def main(argv=None) -> int:
    """Run the CLI: print the queries, one per line (InfluxQL, path or JSON)."""
    p = argparse.ArgumentParser(description="TSBS cpu-only InfluxQL queries (tsbs_generate_queries port).")
    p.add_argument("--type", dest="query_type", required=True, choices=sorted(QUERY_TYPES))
    p.add_argument("--queries", type=int, default=10)
    p.add_argument("--scale", type=int, default=100)
    p.add_argument("--seed", type=int, default=123)
    p.add_argument("--rows", type=int, default=None, help="size of the bench/tsbs.py data (sets the end)")
    p.add_argument("--epochs", type=int, default=None, help="epochs of the data (default: one day)")
    p.add_argument("--interval", type=int, default=10)
    p.add_argument("--timestamp-start", default=None, help="RFC3339 or ns (default 2016-01-01T00:00:00Z)")
    p.add_argument("--timestamp-end", default=None, help="RFC3339 or ns (default: end of the data)")
    p.add_argument("--format", choices=("influxql", "path", "json"), default="influxql")
    args = p.parse_args(argv)
    start = _parse_time(args.timestamp_start) if args.timestamp_start else DEFAULT_START_NS
    _, end = data_window(rows=args.rows, scale=args.scale, epochs=args.epochs,
                         interval_s=args.interval, start_ns=start)
    if args.timestamp_end:
        end = _parse_time(args.timestamp_end)
    for q in generate_queries(args.query_type, args.queries, scale=args.scale, start_ns=start,
                              end_ns=end, seed=args.seed):
        if args.format == "influxql":
            print(q.influxql)
        elif args.format == "path":
            print(q.path)
        else:
            print(json.dumps(dict(asdict(q), path=q.path), sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
