"""Time (and profile) TSBS cpu-only InfluxQL queries in-process, without HTTP: where does a query's time go?

``query_bench.py`` measures what a client sees; this script opens an :class:`Engine` directly,
loads the same TSBS rows once into a data directory it keeps (``--data``, reused when it already
holds them), compacts them, and runs each query type's queries the way ``/query`` does
(``parse`` -> ``execute`` -> JSON body), so that a profiler sees only machstore's own work.

    python bench/profile_queries.py --data /tmp/tsbs-1m                    # median ms per type
    python bench/profile_queries.py --data /tmp/tsbs-1m --types lastpoint --profile 25
    python bench/profile_queries.py --data /tmp/tsbs-1m --types high-cpu-all --profile 40 --sort tottime

``--profile N`` runs the queries under cProfile and prints the N costliest functions (by
cumulative time unless ``--sort``).  For a flame graph of the real server, run query_bench.py and
attach ``py-spy record --pid <worker pid>``.
"""
from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, BENCH)
from tsbs import generate_batches
from tsbs_queries import BENCH_TYPES, QUERY_TYPES, data_window, generate_queries

from machstore.allocator import keep_freed_memory
from machstore.engine import Engine
from machstore.influxql import parse
from machstore.influxql.execute import execute
from machstore.server import influx_formats

DB = "benchmark"


def load(engine, rows, scale, seed):
    """Write the TSBS rows (10,000-line batches) and compact them all into blocks."""
    t0 = time.perf_counter()
    for body in generate_batches(batch_lines=10000, scale=scale, rows=rows, seed=seed):
        engine.write_lines(DB, body)
    while engine.compact():
        pass
    print(f"loaded {rows:,} rows in {time.perf_counter() - t0:.1f} s", file=sys.stderr)


def answer(engine, text):
    """Run one query as /query does (no HTTP): the JSON body bytes."""
    results = execute(engine, parse(text), database=DB)
    return influx_formats.encode_json({"results": [r.to_dict() for r in results]})


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", required=True, help="data directory (loaded once, then reused)")
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--scale", type=int, default=100)
    p.add_argument("--seed", type=int, default=123)
    p.add_argument("--queries", type=int, default=10, help="queries per type")
    p.add_argument("--types", default=",".join(BENCH_TYPES))
    p.add_argument("--profile", type=int, default=0, help="print the N costliest functions (cProfile)")
    p.add_argument("--sort", default="cumulative", help="cProfile sort key (cumulative, tottime, ...)")
    args = p.parse_args(argv)
    types = [t for t in args.types.split(",") if t]
    for t in types:
        if t not in QUERY_TYPES:
            p.error(f"unknown query type {t!r}")
    keep_freed_memory()   # as `machstore serve` does
    with Engine(args.data, sync=False) as engine:
        if DB not in engine.list_databases():
            load(engine, args.rows, args.scale, args.seed)
        start, end = data_window(rows=args.rows, scale=args.scale)
        prof = cProfile.Profile() if args.profile else None
        for t in types:
            queries = generate_queries(t, args.queries, scale=args.scale, start_ns=start, end_ns=end, seed=args.seed)
            answer(engine, queries[0].influxql)   # warm-up
            times, cpu, size = [], [], 0
            for q in queries:
                if prof:
                    prof.enable()
                t0, c0 = time.perf_counter(), time.process_time()
                body = answer(engine, q.influxql)
                times.append(time.perf_counter() - t0)
                cpu.append(time.process_time() - c0)
                if prof:
                    prof.disable()
                size += len(body)
            # NOTE: CPU time is what to compare on a shared machine: it barely moves with other load
            print(f"{t:24s} median {statistics.median(times) * 1e3:8.1f} ms  cpu {statistics.median(cpu) * 1e3:8.1f} ms"
                  f"  min {min(times) * 1e3:8.1f} ms  body {size / len(queries) / 1e3:9.1f} kB")
        if prof:
            pstats.Stats(prof).sort_stats(args.sort).print_stats(args.profile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
