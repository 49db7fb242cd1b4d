"""Bytes per buffered window point, measured with ``tracemalloc``.

A plain script (``python bench/bench_kapacitor_window_memory.py [--points 200000]``).  A
``window().period(1h).every(1h)`` never emits while the data spans less than an hour, so every
point fed stays in its buffer.  We feed ``--points`` points in chunks of ``--chunk`` rows and
report the memory the task holds afterwards (``tracemalloc`` current size after feeding minus
before building the task, the input chunks freed), per buffered point, for:

* one float field per point (the design goal: at most 64 bytes per buffered point);
* TSBS ``cpu`` points: 10 float fields and 10 tags per point (values alone are 80 bytes);
* one float field, ``groupBy`` 100 hosts (a buffer per group).
"""
from __future__ import annotations

import argparse
import gc
import pathlib
import sys
import tracemalloc

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent
sys.path[:0] = [str(ROOT), str(ROOT.parent)]

from machstore.kapacitor.context import MemoryContext
from machstore.kapacitor.graph import TaskGraph
from machstore.kapacitor.points import Field, Points, Series
from machstore.tick import parse
from machstore.tick.evaluate import evaluate, task_type_of

TSBS_FIELDS = ("usage_user", "usage_system", "usage_idle", "usage_nice", "usage_iowait",
               "usage_irq", "usage_softirq", "usage_steal", "usage_guest", "usage_guest_nice")


def make_series(hosts: int, tsbs: bool) -> list:
    out = []
    for h in range(hosts):
        tags = {"hostname": f"host_{h}"}
        if tsbs:
            tags.update(region="eu-west-1", datacenter="eu-west-1a", rack=str(h % 100), os="Ubuntu16.04LTS",
                        arch="x64", team="SF", service=str(h % 20), service_version="1",
                        service_environment="production")
        out.append(Series.make("cpu", tags))
    return out


def chunk(start: int, n: int, series: list, fields: tuple, rng) -> Points:
    time = 1_000_000_000 + (np.arange(start, start + n, dtype=np.int64) * 1_000)   # 1 µs apart
    sid = (np.arange(start, start + n) % len(series)).astype(np.int32)
    cols = {f: Field(rng.uniform(0, 100, n), np.ones(n, dtype=bool)) for f in fields}
    return Points(time, sid, series, cols, "db", "rp")


def measure(label: str, script: str, total: int, chunk_rows: int, hosts: int, fields: tuple, tsbs: bool):
    rng = np.random.default_rng(1)
    series = make_series(hosts, tsbs)
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    prog = parse(script)
    graph = TaskGraph(evaluate(prog, task_type_of(prog)).pipeline, MemoryContext("bench"))
    for start in range(0, total, chunk_rows):
        graph.feed(chunk(start, min(chunk_rows, total - start), series, fields, rng))
    gc.collect()
    held = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    window = next(rt for name, rt in graph.nodes.items() if name.startswith("window"))
    if window.pool is not None:     # all groups in one columnar pool (window_pool.py)
        rows = window.pool.rows
        buffered, groups = rows.n, len(window.pool)
        arrays = rows.time.nbytes + rows.sid.nbytes + window.pool.code.nbytes + \
            sum(f.values.nbytes + f.present.nbytes for f in rows.fields.values())
    else:
        buffered = sum(len(w.buf) for w in window.windows.values())
        arrays = sum(w.buf.nbytes() for w in window.windows.values())
        groups = len(window.windows)
    assert buffered == total, (buffered, total)
    print(f"{label:44s} {held / buffered:8.1f} B/point held  ({arrays / buffered:6.1f} B/point in column "
          f"arrays incl. growth slack, {buffered} points, {groups} groups)")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=int, default=200_000)
    ap.add_argument("--chunk", type=int, default=5_000)
    args = ap.parse_args(argv)
    one = "stream|from()|window().period(1h).every(1h)|httpOut('out')"
    grouped = "stream|from().groupBy('hostname')|window().period(1h).every(1h)|httpOut('out')"
    measure("1 float field, one group", one, args.points, args.chunk, 100, ("usage_user",), False)
    measure("TSBS cpu (10 float fields, 10 tags)", one, args.points, args.chunk, 100, TSBS_FIELDS, True)
    measure("1 float field, groupBy 100 hosts", grouped, args.points, args.chunk, 100, ("usage_user",), False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
