"""/machiot benchmarks: lookup latency at growing table sizes, calculated stats, raw serving rate,
and what maintaining rollups costs during compaction.

For each ``--sizes`` entry it loads a tag table in-process (``Engine.append_rows`` in 1 M-row
batches over ``--tags`` tags, one row per second per tag), compacts it (timing compaction
with and without rollup maintenance on the same rows: the rollup share of compaction), then
starts ``machstore serve`` on that directory and times over HTTP:

* lookups ``tags/{range,min,max,first,last,count,disksize}`` for the whole table and one tag:
  p50 of ``--repeat`` requests (goal <= 2 ms, flat as rows grow);
* ``datapoints/calculated`` for one tag over one day in 1-minute buckets (goal <= 10 ms);
* ``datapoints/raw`` for one tag, up to 1 M rows (rows/s served, body fully received).

Run:  python bench/machiot_bench.py --sizes 1000000,10000000 [--tags 10]
"""
import argparse
import os
import shutil
import statistics
import tempfile
import time

import numpy as np
import requests
from servers import start_machstore, stop

from machstore.storage import fieldtypes as ft
from machstore.engine import Engine
from machstore.storage.rows import Column
from machstore.sql.session import Session
from machstore.sql.statements import execute

T0 = 1_000_000_000  # 2001-09-09 01:46:40 UTC
LOOKUPS = ("range", "min", "max", "first", "last", "count", "disksize")


def load(path, rows, tags, *, rollups):
    """Create and fill the table; return (append seconds, compaction seconds)."""
    eng = Engine(path)
    execute(eng, "create tag table tag (name varchar(20) primary key, time datetime basetime, "
                 "value double summarized)", Session(timezone="+0000"))
    if not rollups:  # measure compaction without rollup maintenance (same rows, same code path)
        eng._rollup_column = lambda txn, space: None
        eng._plan_series_stats = lambda txn, sid, r, column: (b"\0", b"")
    names = np.array([f"tag-{i}" for i in range(tags)], dtype=object)
    t_append = t_compact = 0.0
    step = 1_000_000
    for start in range(0, rows, step):
        i = np.arange(start, min(rows, start + step))
        cols = {"NAME": Column(ft.STRING, names[i % tags]),
                "TIME": Column(ft.INTEGER, (T0 + i // tags) * 10**9),
                "VALUE": Column(ft.FLOAT, 8000.0 + (i % 997))}
        t = time.perf_counter()
        eng.append_rows("tag", cols)
        t_append += time.perf_counter() - t
        t = time.perf_counter()
        while eng.compact():
            pass
        t_compact += time.perf_counter() - t
    eng.close()
    return t_append, t_compact


def p50(session, url, repeat):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        r = session.get(url, timeout=60)
        r.content
        times.append(time.perf_counter() - t)
        assert r.status_code == 200 and r.json()["error_code"] == 0, r.text[:300]
    return statistics.median(times) * 1000


def fmt(sec):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(sec))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000000,10000000")
    ap.add_argument("--tags", type=int, default=10)
    ap.add_argument("--repeat", type=int, default=50)
    args = ap.parse_args(argv)
    for rows in (int(x) for x in args.sizes.split(",")):
        base = tempfile.mkdtemp(prefix="msiot")
        try:
            plain = os.path.join(base, "plain")
            t_app0, t_comp0 = load(plain, rows, args.tags, rollups=False)
            shutil.rmtree(plain)
            path = os.path.join(base, "data")
            t_app, t_comp = load(path, rows, args.tags, rollups=True)
            share = (t_comp - t_comp0) / (t_app + t_comp)
            print(f"\n== {rows:,} rows, {args.tags} tags ==")
            print(f"ingest   append {rows / t_app:,.0f} rows/s; compaction {rows / t_comp:,.0f} rows/s with rollups "
                  f"and tag stats, {rows / t_comp0:,.0f} rows/s without: maintenance = {share:.0%} of ingest time")
            proc, url = start_machstore(path)
            try:
                s = requests.Session()
                base_url = f"{url}/machiot"
                for what in LOOKUPS:  # warm up both workers (imports, first LMDB reads) before timing
                    for _ in range(4):
                        s.get(f"{base_url}/tags/{what}/tag", timeout=60)
                for what in LOOKUPS:
                    whole = p50(s, f"{base_url}/tags/{what}/tag", args.repeat)
                    one = p50(s, f"{base_url}/tags/{what}/tag/tag-1", args.repeat)
                    print(f"lookup   tags/{what:9s} table p50 {whole:6.2f} ms   one tag p50 {one:6.2f} ms")
                day_end = T0 + 86400 - 1
                calc = p50(s, f"{base_url}/datapoints/calculated/tag/tag-1/{fmt(T0)}/{fmt(day_end)}/avg/0/min/1",
                           args.repeat)
                print(f"calc     one tag, one day, 1-minute avg buckets p50 {calc:6.2f} ms")
                per_tag = min(rows // args.tags, 1_000_000)  # at most 1 M rows (~50 MB of JSON)
                t = time.perf_counter()
                r = s.get(f"{base_url}/datapoints/raw/tag/tag-1/{fmt(T0)}/{fmt(T0 + per_tag)}/0/0/0", timeout=300)
                body = r.content
                wall = time.perf_counter() - t
                n = len(r.json()["data"]["rows"]) if isinstance(r.json()["data"], dict) else len(r.json()["data"])
                print(f"raw      {n:,} rows of one tag served in {wall:.3f} s = {n / wall:,.0f} rows/s "
                      f"({len(body) / 1e6:.0f} MB)")
            finally:
                stop(proc)
        finally:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
