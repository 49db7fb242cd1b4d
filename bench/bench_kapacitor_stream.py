"""Stream task benchmarks: the task master in-process, and a real server over HTTP.

Every figure is printed next to a baseline measured in the same run, as a ratio:

* ``throughput``: points/s through one task (``--script``, default
  ``from|where|httpOut`` grouped by host; ``from|where|window(10s)|mean|httpOut`` once the
  window and mean runtimes are merged) fed by ``TaskMaster.round`` from TSBS cpu segments;
  baseline: reading and decoding the same segments into chunks with no task.
* ``tasks100``: the same with 100 identical tasks (points/s per task and in total).
* ``window_memory``: bytes of Python heap (tracemalloc) per point buffered in a
  ``window(1h)`` that never emits; reported as not available while the window runtime is
  not merged.  Baseline: the bytes of the same points' raw columns (time + 10 float64).
* ``latency``: write-204-to-httpOut over HTTP, p50 and p90 of ``--samples`` single-point
  writes, against the p50 of the ``/write`` round trip alone.
* ``ingest``: TSBS ingest rate (``bench/loadgen.py``) into a server with 10 enabled
  tasks against the same server with none.

Run:  python bench/bench_kapacitor_stream.py [--only throughput,latency] [--rows 200000]
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc

import requests

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))

from kapacitor_tasks import cursor, head, http_out, put_task
from servers import start_machstore, stop
from tsbs import generate_batches

from machstore.engine import Engine
from machstore.kapacitor.stream import SegmentStream
from machstore.kapacitor.taskmaster import TaskMaster

DEFAULT_SCRIPT = "stream|from().measurement('cpu').where(lambda: \"usage_user\" >= 0).groupBy('hostname')|httpOut('out')"
WINDOW_SCRIPT = ("stream|from().measurement('cpu').where(lambda: \"usage_user\" >= 0).groupBy('hostname')"
                 "|window().period(10s).every(10s)|mean('usage_user')|httpOut('out')")
DBRP = [("bench", "autogen")]


def _loaded_engine(rows, scale, tasks, script, late=False):
    """An engine with ``tasks`` started at head 0 and ``rows`` TSBS rows written after
    (``late``: every pair of batches committed in the other order, as two writers may)."""
    path = tempfile.mkdtemp(prefix="kstream")
    eng = Engine(path, sync=False)
    for i in range(tasks):
        put_task(eng, f"t{i}", script, DBRP)
    tm = TaskMaster(eng, max_round_points=100_000)
    tm.round()
    bodies = list(generate_batches(batch_lines=10_000, scale=scale, rows=rows))
    if late:
        for i in range(0, len(bodies) - 1, 2):
            bodies[i], bodies[i + 1] = bodies[i + 1], bodies[i]
    for body in bodies:
        eng.write_lines("bench", body)
    return path, eng, tm


def bench_throughput(args, tasks=1):
    path, eng, tm = _loaded_engine(args.rows, args.scale, tasks, args.script, late=args.late)
    try:
        stream = SegmentStream(eng)
        best = None
        for _ in range(3):  # the best of three: the first pass also warms the page cache
            t0 = time.perf_counter()
            with eng.env.begin() as txn:
                n = sum(p.n for _, p in stream.chunks(txn, 0, eng.segment_head(txn)))
            spent = time.perf_counter() - t0
            best = spent if best is None else min(best, spent)
        base = n / best
        if tm.failed:
            with eng.env.begin() as txn:
                from machstore.kapacitor import store
                err = store.get_run_status(txn, store.db(eng), "t0")["error"]
            print(f"throughput ({tasks} task(s)): not available: {err}")
            return
        t0 = time.perf_counter()
        while cursor(eng) < head(eng):
            tm.round()
        rate = n / (time.perf_counter() - t0)
        print(f"throughput ({tasks} task(s), {n:,} points): {rate:,.0f} points/s through the tasks "
              f"({rate * tasks:,.0f} task-points/s); decode-only baseline {base:,.0f} points/s; "
              f"ratio {rate / base:.3f}")
    finally:
        eng.close()
        shutil.rmtree(path, ignore_errors=True)


def bench_window_memory(args):
    from kapacitor_harness import build

    from machstore.kapacitor.node import UnsupportedNode
    from machstore.kapacitor.stream import SegmentStream as Stream
    script = "stream|from().measurement('cpu').groupBy('hostname')|window().period(1h).every(1h)|httpOut('out')"
    try:
        _, graph = build(script)
    except UnsupportedNode as ex:
        print(f"window_memory: not available: {ex}")
        return
    path = tempfile.mkdtemp(prefix="kstream")
    eng = Engine(path, sync=False)
    try:
        for body in generate_batches(batch_lines=10_000, scale=args.scale, rows=min(args.rows, 100_000)):
            eng.write_lines("bench", body)
        with eng.env.begin() as txn:
            chunks = [p for _, p in Stream(eng).chunks(txn, 0, eng.segment_head(txn))]
        n = sum(c.n for c in chunks)
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        for c in chunks:
            graph.feed(c)
        held = tracemalloc.get_traced_memory()[0] - before
        tracemalloc.stop()
        del chunks
        raw = 8 + 10 * 8
        print(f"window_memory: {held / n:,.1f} bytes per buffered point (10 fields); raw columns {raw} "
              f"bytes; ratio {held / n / raw:.2f}")
    finally:
        eng.close()
        shutil.rmtree(path, ignore_errors=True)


def bench_latency(args):
    data = tempfile.mkdtemp(prefix="kstream")
    proc, url = start_machstore(data)
    try:
        eng = Engine(data)
        put_task(eng, "lat", "stream|from().measurement('lat')|httpOut('out')", DBRP)
        requests.post(f"{url}/query", params={"q": "CREATE DATABASE bench"})
        _wait_started(eng, "lat")
        lat, rtt = [], []
        for i in range(args.samples + 5):
            t0 = time.perf_counter()
            r = requests.post(f"{url}/write", params={"db": "bench"}, data=f"lat seq={i}i {i + 1}")
            t1 = time.perf_counter()
            assert r.status_code == 204, r.text
            deadline = t1 + 10
            while True:
                res = http_out(eng, "lat", "out") or {}
                series = res.get("series") or []
                if series and series[0]["values"][-1][1] == i:
                    break
                if time.perf_counter() > deadline:
                    raise SystemExit(f"latency: write {i} never reached httpOut")
                time.sleep(0.0005)
            if i >= 5:  # warm-up
                lat.append(time.perf_counter() - t1)
                rtt.append(t1 - t0)
        eng.close()
        p50, p90 = statistics.median(lat), statistics.quantiles(lat, n=10)[-1]
        base = statistics.median(rtt)
        print(f"latency ({len(lat)} writes): 204-to-httpOut p50 {p50 * 1e3:.1f} ms, p90 {p90 * 1e3:.1f} ms; "
              f"/write round trip p50 {base * 1e3:.1f} ms; ratio {p50 / base:.2f}")
    finally:
        stop(proc)
        shutil.rmtree(data, ignore_errors=True)


def _wait_started(eng, task_id, timeout=30.0):
    from kapacitor_tasks import run_status, wait_for
    if not wait_for(lambda: (run_status(eng, task_id) or {}).get("executing"), timeout=timeout):
        raise SystemExit(f"task {task_id} did not start: {run_status(eng, task_id)}")


def bench_ingest(args):
    from loadgen import make_batches, run_load
    batches = make_batches(rows=args.rows, scale=args.scale, batch_lines=5_000, use_gzip=False)
    rates = {}
    for tasks in (0, 10):
        data = tempfile.mkdtemp(prefix="kstream")
        proc, url = start_machstore(data)
        try:
            if tasks:
                eng = Engine(data)
                for i in range(tasks):
                    put_task(eng, f"t{i}", args.script, DBRP)
                _wait_started(eng, f"t{tasks - 1}")
                eng.close()
            res = run_load(f"{url}/write?db=bench", batches, workers=2, progress=False)
            rates[tasks] = res["rows_per_s"]
        finally:
            stop(proc)
            shutil.rmtree(data, ignore_errors=True)
    print(f"ingest: {rates[10]:,.0f} rows/s with 10 tasks, {rates[0]:,.0f} rows/s with none; "
          f"ratio {rates[10] / rates[0]:.2f}")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--scale", type=int, default=100, help="TSBS hosts")
    ap.add_argument("--script", default=DEFAULT_SCRIPT, help="the TICKscript of the measured tasks")
    ap.add_argument("--window", action="store_true", help=f"use {WINDOW_SCRIPT!r} as the script")
    ap.add_argument("--samples", type=int, default=50, help="latency samples")
    ap.add_argument("--late", action="store_true",
                    help="throughput: commit every pair of TSBS batches in the other order (late data)")
    ap.add_argument("--only", default="throughput,tasks100,window_memory,latency,ingest")
    args = ap.parse_args(argv)
    if args.window:
        args.script = WINDOW_SCRIPT
    only = set(args.only.split(","))
    if "throughput" in only:
        bench_throughput(args)
    if "tasks100" in only:
        bench_throughput(args, tasks=100)
    if "window_memory" in only:
        bench_window_memory(args)
    if "latency" in only:
        bench_latency(args)
    if "ingest" in only:
        bench_ingest(args)


if __name__ == "__main__":
    main()
