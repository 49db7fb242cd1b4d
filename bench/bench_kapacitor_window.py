"""Throughput of ``stream|from()|window().period(10s).every(10s)|mean(f)`` on TSBS cpu chunks.

A plain script (``python bench/bench_kapacitor_window.py [--scale 100] [--epochs 2000]``): TSBS
``cpu-only`` data (``bench/tsbs.py``, 10 float fields per point) is parsed once into ``Points``
chunks of ``--chunk`` lines (as writes reach a stream task), then fed through the task graph in
memory (``MemoryContext``; no store, no HTTP).  Reported in points per second, against a
baseline measured in the same run on the same chunks: a plain numpy pass that computes the
same 10-second means (bucket by ``time // 10s``, ``np.add.reduceat``).  Variants: one group,
``.groupBy('hostname')`` (a window per host, one point per window at TSBS's 10 s interval), and
issue 9's ``from|where|window(10s)|mean|httpOut`` grouped by host (goal: 1,000,000 points/s).
Run it with ``--scale 100`` and ``--scale 1000`` (hosts); results are kept in ``bench/README.md``.

Profiling recipe: ``python -m cProfile -s cumtime bench/bench_kapacitor_window.py --repeat 1``.
"""
from __future__ import annotations

import argparse
import gc
import pathlib
import sys
import time

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent
sys.path[:0] = [str(ROOT), str(ROOT.parent)]

from tsbs import generate_epochs

from machstore.kapacitor.context import MemoryContext
from machstore.kapacitor.graph import TaskGraph
from machstore.kapacitor.replay import parse_line
from machstore.tick import parse
from machstore.tick.evaluate import evaluate, task_type_of

FIELD = "usage_user"


def chunks(scale: int, epochs: int, chunk_lines: int) -> list:
    lines = []
    for epoch in generate_epochs(scale=scale, epochs=epochs, as_float=True):
        lines += epoch
    out = []
    for i in range(0, len(lines), chunk_lines):
        text = b"".join(lines[i:i + chunk_lines]).decode()
        out.append(parse_line(text, "db", "rp", precision="n"))
    return out


def run_task(script: str, data: list) -> tuple[float, int]:
    prog = parse(script)
    ctx = MemoryContext("bench")
    graph = TaskGraph(evaluate(prog, task_type_of(prog)).pipeline, ctx)
    start = time.perf_counter()
    for c in data:
        graph.feed(c)
    spent = time.perf_counter() - start
    return spent, len(ctx.http.get("out", {}).get("series") or [])


def baseline(data: list) -> float:
    """The same 10 s means with plain numpy over each chunk (no windows carried across chunks)."""
    start = time.perf_counter()
    for c in data:
        f = c.fields[FIELD]
        t = c.time[f.present]
        v = f.values[f.present]
        bucket = t // 10_000_000_000
        order = np.argsort(bucket, kind="stable")
        b = bucket[order]
        starts = np.flatnonzero(np.r_[True, b[1:] != b[:-1]])
        sums = np.add.reduceat(v[order], starts)
        _ = sums / np.diff(np.r_[starts, len(b)])
    return time.perf_counter() - start


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=int, default=100, help="hosts (points per 10 s epoch)")
    ap.add_argument("--epochs", type=int, default=2000, help="10 s epochs")
    ap.add_argument("--chunk", type=int, default=10_000, help="lines per chunk (one write)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per variant (best is reported)")
    ap.add_argument("--no-freeze", action="store_true", help="leave the parsed input to the garbage collector")
    args = ap.parse_args(argv)
    data = chunks(args.scale, args.epochs, args.chunk)
    # NOTE: the parsed input (a Series and tags dict per host and chunk) is the bench's, not the task's:
    # kept out of the collector's scans, as the engine drops each round's chunks after feeding them
    if not args.no_freeze:
        gc.collect()
        gc.freeze()
    n = sum(c.n for c in data)
    print(f"{n} points ({args.scale} hosts x {args.epochs} epochs, 10 fields each) in {len(data)} chunks")
    base = min(baseline(data) for _ in range(args.repeat))
    print(f"{'numpy baseline (10 s means, one pass)':48s} {n / base:14,.0f} points/s")
    variants = {
        "from|window(10s)|mean": f"stream|from().measurement('cpu')|window().period(10s).every(10s)"
                                 f"|mean('{FIELD}')|httpOut('out')",
        "from.groupBy(hostname)|window(10s)|mean": f"stream|from().measurement('cpu').groupBy('hostname')"
                                                   f"|window().period(10s).every(10s)|mean('{FIELD}')|httpOut('out')",
        "from.groupBy(hostname)|where|window(10s)|mean": f"stream|from().measurement('cpu').groupBy('hostname')"
                                                         f"|where(lambda: \"{FIELD}\" >= 0.0)"
                                                         f"|window().period(10s).every(10s)|mean('{FIELD}')"
                                                         f"|httpOut('out')",
    }
    for label, script in variants.items():
        best = None
        for _ in range(args.repeat):
            spent, groups = run_task(script, data)
            best = spent if best is None else min(best, spent)
        print(f"{label:48s} {n / best:14,.0f} points/s  ({base / best:.2f}x baseline speed, {groups} groups)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
