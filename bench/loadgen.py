"""End-to-end HTTP load generator for InfluxDB 1.x style ``POST /write`` endpoints.

All request bodies are generated (bench/tsbs.py) and gzipped BEFORE the clock starts. Then
``--workers`` processes, each with one persistent ``requests.Session`` (keep-alive), take batches
from a shared counter and POST them, like ``tsbs_load_influx``: ``Content-Type: text/plain``,
``Content-Encoding: gzip`` (unless ``--no-gzip``). Any non-2xx reply is printed with its body and
counted as a failure; its rows are not counted as written.

Reported: rows/s, values/s (rows x 10 fields), MB/s of uncompressed line protocol, p50/p99 request
latency and wall time. ``--json`` prints one machine-readable result line on stdout.

    python bench/loadgen.py --url 'http://127.0.0.1:5657/write?db=benchmark' \\
        --rows 500000 --scale 4000 --batch 10000 --workers 4 [--no-gzip] [--float] [--json]

Library use::

    from loadgen import make_batches, run_load
    batches = make_batches(rows=500000, scale=4000, batch_lines=10000)
    result = run_load("http://127.0.0.1:8086/write?db=benchmark", batches, workers=2)
"""
from __future__ import annotations

import argparse
import gzip
import json
import multiprocessing as mp
import os
import resource
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import List, Optional, Sequence, Union

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tsbs import FIELDS, generate_batches  # noqa: E402

__all__ = ["Batch", "make_batches", "run_load", "format_result", "main"]

VALUES_PER_ROW = len(FIELDS)
GZIP_LEVEL = 6  # NOTE: roughly Go's gzip.DefaultCompression, which tsbs_load_influx uses.


@dataclass(frozen=True)
class Batch:
    """One request body, ready to send."""

    body: bytes  # what goes on the wire (gzip-compressed when ``gzipped``)
    lines: int  # line-protocol rows in the body
    raw_bytes: int  # size of the uncompressed line protocol
    gzipped: bool


def _to_batch(raw: bytes, use_gzip: bool) -> Batch:
    body = gzip.compress(raw, compresslevel=GZIP_LEVEL, mtime=0) if use_gzip else raw
    return Batch(body=body, lines=raw.count(b"\n"), raw_bytes=len(raw), gzipped=use_gzip)


def make_batches(
    rows: int = 500000,
    scale: int = 4000,
    batch_lines: int = 10000,
    use_gzip: bool = True,
    as_float: bool = False,
    seed: int = 123,
    threads: Optional[int] = None,
) -> List[Batch]:
    """Generate TSBS cpu-only rows and cut (and gzip) them into request bodies."""
    raws = generate_batches(
        batch_lines=batch_lines, scale=scale, rows=rows, seed=seed, as_float=as_float
    )
    # PERF: zlib releases the GIL, so compress on every core while the generator runs.
    with ThreadPoolExecutor(max_workers=threads or os.cpu_count() or 1) as pool:
        futures = [pool.submit(_to_batch, raw, use_gzip) for raw in raws]
        return [f.result() for f in futures]


def _as_batch(item: Union[Batch, bytes]) -> Batch:
    if isinstance(item, Batch):
        return item
    return Batch(body=bytes(item), lines=bytes(item).count(b"\n"), raw_bytes=len(item), gzipped=False)


# Worker-side globals, inherited through fork so the batches are never pickled.
_BATCHES: Sequence[Batch] = ()


def _worker(wid, url, next_idx, start_evt, ready_q, result_q, timeout, warmup):
    """POST batches taken from the shared counter until none are left."""
    import signal

    import requests

    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # NOTE: don't inherit a parent's handler
    session = requests.Session()
    if warmup:
        # Open the keep-alive connection with an empty body (204 on InfluxDB 1.x); not timed.
        try:
            session.post(url, data=b"", headers={"Content-Type": "text/plain"}, timeout=timeout)
        except Exception:  # noqa: BLE001 - warm-up is best effort
            pass
    ready_q.put(wid)
    start_evt.wait()
    while True:
        with next_idx.get_lock():
            i = next_idx.value
            next_idx.value += 1
        if i >= len(_BATCHES):
            break
        b = _BATCHES[i]
        headers = {"Content-Type": "text/plain"}
        if b.gzipped:
            headers["Content-Encoding"] = "gzip"
        t0 = time.perf_counter()
        try:
            r = session.post(url, data=b.body, headers=headers, timeout=timeout)
            status, text = r.status_code, (r.text if not 200 <= r.status_code < 300 else "")
        except Exception as ex:  # noqa: BLE001 - any transport error is a failed request
            status, text = -1, f"{type(ex).__name__}: {ex}"
        dt = time.perf_counter() - t0
        result_q.put((i, status, dt, text[:2000]))
    session.close()
    result_q.put(None)


def run_load(
    url: str,
    batches: Sequence[Union[Batch, bytes]],
    workers: int = 4,
    progress: bool = True,
    timeout: float = 600.0,
    warmup: bool = True,
    max_errors_printed: int = 10,
) -> dict:
    """POST every batch to ``url`` from ``workers`` processes and return the measured figures.

    ``batches`` are :class:`Batch` objects from :func:`make_batches`, or raw uncompressed bytes
    (sent without gzip). The clock starts once every worker has its session ready.
    """
    global _BATCHES
    workers = max(1, int(workers))
    blist = [_as_batch(b) for b in batches]
    _BATCHES = blist
    ctx = mp.get_context("fork")
    next_idx = ctx.Value("q", 0)
    start_evt = ctx.Event()
    ready_q = ctx.Queue()
    result_q = ctx.Queue()
    procs = [
        ctx.Process(
            target=_worker,
            args=(w, url, next_idx, start_evt, ready_q, result_q, timeout, warmup),
            daemon=True,
        )
        for w in range(workers)
    ]
    for p in procs:
        p.start()
    for _ in procs:
        ready_q.get()

    total_rows = sum(b.lines for b in blist)
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=total_rows, unit="rows", unit_scale=True, file=sys.stderr, smoothing=0.1)
    latencies = []
    rows_ok = raw_ok = failures = printed = 0
    done = 0
    ru_self0 = resource.getrusage(resource.RUSAGE_SELF)
    ru_kids0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t_start = time.perf_counter()
    start_evt.set()
    try:
        while done < workers:
            msg = result_q.get()
            if msg is None:
                done += 1
                continue
            i, status, dt, text = msg
            b = blist[i]
            latencies.append(dt)
            if 200 <= status < 300:
                rows_ok += b.lines
                raw_ok += b.raw_bytes
            else:
                failures += 1
                if printed < max_errors_printed:
                    printed += 1
                    what = "transport error" if status < 0 else f"HTTP {status}"
                    msg_ = f"loadgen: batch {i} failed: {what}: {text.strip()[:500]}"
                    if bar is not None:
                        bar.write(msg_)
                    else:
                        print(msg_, file=sys.stderr)
            if bar is not None:
                bar.update(b.lines)
        wall = time.perf_counter() - t_start
    finally:
        if bar is not None:
            bar.close()
        for p in procs:
            p.join(timeout=5)
            if p.is_alive():
                p.terminate()
        _BATCHES = ()
    ru_self1 = resource.getrusage(resource.RUSAGE_SELF)
    ru_kids1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    # NOTE: the workers' whole lives (incl. the untimed warm-up) plus the parent during the load;
    # on a 2-core box this is the CPU the client took away from the server.
    client_cpu = sum(
        (getattr(b, f) - getattr(a, f))
        for a, b in ((ru_self0, ru_self1), (ru_kids0, ru_kids1))
        for f in ("ru_utime", "ru_stime")
    )

    lat = np.array(latencies) * 1000.0 if latencies else np.zeros(1)
    return {
        "url": url,
        "workers": workers,
        "batches": len(latencies),
        "batch_lines": max((b.lines for b in blist), default=0),
        "gzip": bool(blist) and blist[0].gzipped,
        "rows": total_rows,
        "rows_ok": rows_ok,
        "failures": failures,
        "wall_s": round(wall, 4),
        "rows_per_s": round(rows_ok / wall, 1) if wall else 0.0,
        "values_per_s": round(rows_ok * VALUES_PER_ROW / wall, 1) if wall else 0.0,
        "mb_per_s": round(raw_ok / 1e6 / wall, 2) if wall else 0.0,
        "raw_mb": round(sum(b.raw_bytes for b in blist) / 1e6, 2),
        "wire_mb": round(sum(len(b.body) for b in blist) / 1e6, 2),
        "p50_ms": round(float(np.percentile(lat, 50)), 2),
        "p99_ms": round(float(np.percentile(lat, 99)), 2),
        "max_ms": round(float(lat.max()), 2),
        "client_cpu_s": round(client_cpu, 2),
    }


def format_result(res: dict) -> str:
    """Return a human-readable summary of a :func:`run_load` result."""
    return (
        f"url          {res['url']}\n"
        f"workers      {res['workers']}   batches {res['batches']} x {res['batch_lines']} lines"
        f"   gzip {res['gzip']}\n"
        f"rows         {res['rows_ok']:,} ok of {res['rows']:,}   failures {res['failures']}\n"
        f"wall time    {res['wall_s']:.3f} s\n"
        f"rows/s       {res['rows_per_s']:,.0f}\n"
        f"values/s     {res['values_per_s']:,.0f}\n"
        f"MB/s         {res['mb_per_s']:.2f} (uncompressed text; {res['raw_mb']:.1f} MB raw, "
        f"{res['wire_mb']:.1f} MB on the wire)\n"
        f"latency      p50 {res['p50_ms']:.1f} ms   p99 {res['p99_ms']:.1f} ms"
        f"   max {res['max_ms']:.1f} ms\n"
        f"client CPU   {res['client_cpu_s']:.2f} s (loadgen processes, user+sys)"
    )


def _parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="POST pre-generated TSBS cpu-only batches to /write.")
    p.add_argument("--url", default="http://127.0.0.1:5657/write?db=benchmark")
    p.add_argument("--rows", type=int, default=500000)
    p.add_argument("--scale", type=int, default=4000)
    p.add_argument("--batch", type=int, default=10000, help="lines per request (default 10000)")
    p.add_argument("--workers", type=int, default=4, help="sender processes (default 4)")
    p.add_argument("--seed", type=int, default=123)
    p.add_argument("--no-gzip", action="store_true", help="send plain text bodies")
    p.add_argument("--float", dest="as_float", action="store_true", help="float field values")
    p.add_argument("--timeout", type=float, default=600.0, help="per-request timeout, s")
    p.add_argument("--no-warmup", action="store_true",
                   help="skip the untimed empty POST that opens each worker's connection")
    p.add_argument("--no-progress", action="store_true", help="no tqdm bar")
    p.add_argument("--json", action="store_true", help="print one JSON result line on stdout")
    return p.parse_args(argv)


def main(argv=None) -> int:
    """Run the CLI; exit 1 if any request failed."""
    args = _parse_args(argv)
    t0 = time.perf_counter()
    batches = make_batches(
        rows=args.rows,
        scale=args.scale,
        batch_lines=args.batch,
        use_gzip=not args.no_gzip,
        as_float=args.as_float,
        seed=args.seed,
    )
    prep = time.perf_counter() - t0
    print(f"loadgen: prepared {len(batches)} batches in {prep:.1f} s (not timed)", file=sys.stderr)
    res = run_load(
        args.url,
        batches,
        workers=args.workers,
        progress=not args.no_progress,
        timeout=args.timeout,
        warmup=not args.no_warmup,
    )
    res["prepare_s"] = round(prep, 2)
    if args.json:
        print(format_result(res), file=sys.stderr)
        print(json.dumps(res))
    else:
        print(format_result(res))
    return 1 if res["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
