"""Machbase REST benchmarks: JSON append rows/s, range SELECT rows/s, aggregates vs SQLite.

Starts its own ``machstore serve`` (2 workers) on a temp directory, then:

1. **append**: ``--senders`` processes POST ``{"name","date_format","values"}`` batches of
   ``--batch`` rows to ``/machbase`` (a tag table: name, time, value) -> rows/s;
2. **select**: ``GET /machbase?q=select * from tag where name = ... and time between ...``
   for one tag's whole range, JSON rendered and read by the client -> rows/s served;
3. **aggregates**: the same GROUP BY queries through ``/machbase`` and through SQLite
   (in-process, the same rows, an index on (name, time)) in the same run -> ratio.

Run:  python bench/machbase_bench.py [--rows 1000000] [--tags 100] [--senders 4]
Profile a worker with ``py-spy record -p <worker pid>`` while it runs.
"""
import argparse
import json
import multiprocessing as mp
import shutil
import sqlite3
import tempfile
import time

import requests
from servers import start_machstore, stop

T0 = 1_000_000_000  # 2001-09-09 01:46:40 UTC, as in the seed's data


def rows_for(start, count, tags):
    """Rows i = start..start+count-1: tag-(i % tags), one second apart per tag (vectorised)."""
    import numpy as np
    i = np.arange(start, start + count)
    secs = (T0 + i // tags).astype("datetime64[s]")
    times = np.datetime_as_string(secs).astype(object)
    names = np.char.add("tag-", (i % tags).astype(str)).astype(object)
    values = 8000.0 + (i % 997)
    return [[n, t.replace("T", " "), v] for n, t, v in zip(names.tolist(), times.tolist(), values.tolist())]


def _sender(args):
    url, batches = args
    s = requests.Session()
    n = 0
    for body in batches:
        r = s.post(f"{url}/machbase", data=body, headers={"Content-Type": "application/json"}, timeout=120)
        n += r.json()["append_success"]
    return n


def bench_append(url, rows, tags, batch, senders):
    bodies = [json.dumps({"name": "tag", "date_format": "YYYY-MM-DD HH24:MI:SS",
                          "values": rows_for(s, min(batch, rows - s), tags)}).encode()
              for s in range(0, rows, batch)]
    chunks = [bodies[i::senders] for i in range(senders)]
    t = time.perf_counter()
    with mp.Pool(senders) as pool:
        stored = sum(pool.map(_sender, [(url, c) for c in chunks]))
    wall = time.perf_counter() - t
    return stored, wall


def bench_select(url, rows, tags, repeat=3):
    """Time one tag's whole range: until the body is fully received (served), then JSON decoding."""
    per_tag = rows // tags
    q = (f"select * from tag where name = 'tag-1' and time between "
         f"'{time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime(T0))}' and "
         f"'{time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime(T0 + per_tag))}'")
    best = best_parse = None
    for _ in range(repeat):
        t = time.perf_counter()
        r = requests.get(f"{url}/machbase", params={"q": q, "m": "1"}, timeout=300)
        body = r.content
        served = time.perf_counter() - t
        t = time.perf_counter()
        n = len(json.loads(body)["data"])
        parse = time.perf_counter() - t
        best = served if best is None else min(best, served)
        best_parse = parse if best_parse is None else min(best_parse, parse)
    return n, best, best_parse, len(body)


AGGREGATES = [
    ("count/avg/min/max per tag",
     "select name, count(*), avg(value), min(value), max(value) from tag group by name",
     "select name, count(*), avg(value), min(value), max(value) from tag group by name"),
    ("one tag, 1-minute buckets",
     "select rollup('min', 1, time) t, sum(value), count(*) from tag where name = 'tag-1' group by t",
     "select time / 60000000000 * 60000000000 t, sum(value), count(*) from tag where name = 'tag-1' group by t"),
]


def bench_aggregates(url, rows, tags):
    db = sqlite3.connect(":memory:")
    db.execute("create table tag (name text, time integer, value real)")
    db.executemany("insert into tag values (?, ?, ?)",
                   ((f"tag-{i % tags}", (T0 + i // tags) * 10**9, 8000.0 + (i % 997)) for i in range(rows)))
    db.execute("create index tag_name_time on tag (name, time)")
    out = []
    for label, ours, theirs in AGGREGATES:
        t = time.perf_counter()
        r = requests.get(f"{url}/machbase", params={"q": ours, "m": "1"}, timeout=600).json()
        t_ours = time.perf_counter() - t
        t = time.perf_counter()
        res = db.execute(theirs).fetchall()
        t_sqlite = time.perf_counter() - t
        assert len(r["data"]) == len(res), (label, len(r["data"]), len(res))
        out.append((label, t_ours, t_sqlite))
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--tags", type=int, default=100)
    ap.add_argument("--batch", type=int, default=10_000)
    ap.add_argument("--senders", type=int, default=4)
    args = ap.parse_args(argv)
    data = tempfile.mkdtemp(prefix="msmb")
    proc, url = start_machstore(data)
    try:
        requests.get(f"{url}/machbase", params={"q": "create tag table tag (name varchar(20) primary key, "
                                                     "time datetime basetime, value double summarized)"})
        stored, wall = bench_append(url, args.rows, args.tags, args.batch, args.senders)
        print(f"append   {stored:,} rows in {wall:.2f} s = {stored / wall:,.0f} rows/s "
              f"({args.senders} senders, {args.batch:,}-row JSON batches)")
        time.sleep(2)
        n, wall, parse, size = bench_select(url, args.rows, args.tags)
        print(f"select   {n:,} rows of one tag served in {wall:.3f} s = {n / wall:,.0f} rows/s "
              f"({size / 1e6:.0f} MB JSON, m=1; the client then needs {parse:.2f} s to decode it)")
        for label, ours, theirs in bench_aggregates(url, args.rows, args.tags):
            print(f"agg      {label:28s} machstore {ours * 1000:8.1f} ms   sqlite {theirs * 1000:8.1f} ms   "
                  f"ratio {theirs / ours:5.2f}x")
    finally:
        stop(proc)
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
