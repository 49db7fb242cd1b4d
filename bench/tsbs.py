"""Generate TSBS "cpu-only" data in InfluxDB line protocol (our own implementation).

The shape follows timescale/tsbs `cpu-only` (see /work/shared/reference/lineprotocol.md section 5.1):
measurement ``cpu``, 10 tags in TSBS order (not sorted), 10 ``usage_*`` fields that are clamped random
walks ``CWD(ND(0,1), 0, 100, U(0,100))``, nanosecond timestamps, and for each epoch hosts
``0..scale-1`` in order. The values are not bit-identical to TSBS (that would need Go's math/rand);
the shape, ordering, cardinality and value distribution are.

Library use::

    from tsbs import generate_lines, generate_batches
    for line in generate_lines(scale=100, rows=1000):
        ...                                   # one b"...\\n" line at a time
    for body in generate_batches(batch_lines=10000, scale=4000, rows=500000):
        ...                                   # one b"" body of up to 10,000 lines

CLI::

    python bench/tsbs.py --scale 4000 --rows 500000 [--float] [--gzip] -o out.lp
"""
from __future__ import annotations

import argparse
import gzip
import sys
import time
from typing import Iterator, List, Optional

import numpy as np

__all__ = [
    "FIELDS",
    "TAG_KEYS",
    "DEFAULT_START_NS",
    "generate_lines",
    "generate_epochs",
    "generate_batches",
    "host_tags",
]

DEFAULT_START_NS = 1451606400000000000  # 2016-01-01T00:00:00Z, the TSBS default start

TAG_KEYS = (
    "hostname",
    "region",
    "datacenter",
    "rack",
    "os",
    "arch",
    "team",
    "service",
    "service_version",
    "service_environment",
)

FIELDS = (
    "usage_user",
    "usage_system",
    "usage_idle",
    "usage_nice",
    "usage_iowait",
    "usage_irq",
    "usage_softirq",
    "usage_steal",
    "usage_guest",
    "usage_guest_nice",
)

# Region -> availability zones, as in TSBS pkg/data/usecases/devops/host.go.
REGIONS = (
    ("us-east-1", ("us-east-1a", "us-east-1b", "us-east-1c", "us-east-1e")),
    ("us-west-1", ("us-west-1a", "us-west-1b")),
    ("us-west-2", ("us-west-2a", "us-west-2b", "us-west-2c")),
    ("eu-west-1", ("eu-west-1a", "eu-west-1b", "eu-west-1c")),
    ("eu-central-1", ("eu-central-1a", "eu-central-1b")),
    ("ap-southeast-1", ("ap-southeast-1a", "ap-southeast-1b")),
    ("ap-southeast-2", ("ap-southeast-2a", "ap-southeast-2b")),
    ("ap-northeast-1", ("ap-northeast-1a", "ap-northeast-1c")),
    ("sa-east-1", ("sa-east-1a", "sa-east-1b", "sa-east-1c")),
)
OS_CHOICES = ("Ubuntu16.10", "Ubuntu16.04LTS", "Ubuntu15.10")
ARCH_CHOICES = ("x64", "x86")
TEAM_CHOICES = ("SF", "NYC", "LON", "CHI")
ENV_CHOICES = ("production", "staging", "test")

WALK_MIN = 0.0
WALK_MAX = 100.0


def host_tags(scale: int, rng: np.random.Generator) -> List[str]:
    """Return the fixed tag set of each host as ``k=v,...`` strings, in TSBS tag order."""
    region_idx = rng.integers(0, len(REGIONS), size=scale)
    az_u = rng.random(size=scale)
    rack = rng.integers(0, 100, size=scale)
    os_idx = rng.integers(0, len(OS_CHOICES), size=scale)
    arch_idx = rng.integers(0, len(ARCH_CHOICES), size=scale)
    team_idx = rng.integers(0, len(TEAM_CHOICES), size=scale)
    service = rng.integers(0, 20, size=scale)
    service_version = rng.integers(0, 2, size=scale)
    env_idx = rng.integers(0, len(ENV_CHOICES), size=scale)
    out = []
    for i in range(scale):
        region, azs = REGIONS[region_idx[i]]
        dc = azs[int(az_u[i] * len(azs))]
        out.append(
            f"hostname=host_{i},region={region},datacenter={dc},rack={rack[i]},"
            f"os={OS_CHOICES[os_idx[i]]},arch={ARCH_CHOICES[arch_idx[i]]},"
            f"team={TEAM_CHOICES[team_idx[i]]},service={service[i]},"
            f"service_version={service_version[i]},"
            f"service_environment={ENV_CHOICES[env_idx[i]]}"
        )
    return out


def _templates(scale: int, rng: np.random.Generator, as_float: bool) -> List[bytes]:
    """Return one ``bytes % (10 values, ts)`` template per host."""
    conv = "%.16f" if as_float else "%di"
    fields = ",".join(f"{name}={conv}" for name in FIELDS)
    return [f"cpu,{tags} {fields} %d\n".encode("ascii") for tags in host_tags(scale, rng)]


def generate_epochs(
    scale: int = 100,
    rows: Optional[int] = None,
    seed: int = 123,
    start_ns: int = DEFAULT_START_NS,
    interval_s: int = 10,
    as_float: bool = False,
    epochs: Optional[int] = None,
) -> Iterator[List[bytes]]:
    """Yield one list of lines per epoch (the last list is cut short when ``rows`` is reached).

    This is the fast path behind :func:`generate_lines` and :func:`generate_batches`.
    With neither ``rows`` nor ``epochs`` given, one day of epochs is generated.
    """
    if scale <= 0:
        raise ValueError("scale must be positive")
    if epochs is None:
        epochs = (86400 // interval_s) if rows is None else -(-rows // scale)
    if rows is None:
        rows = scale * epochs
    rows = min(rows, scale * epochs)

    rng = np.random.default_rng(seed)
    templates = _templates(scale, rng, as_float)
    # CWD(ND(0,1), 0, 100, U(0,100)): start uniform, then a clamped N(0,1) step per tick.
    state = rng.uniform(WALK_MIN, WALK_MAX, size=(scale, len(FIELDS)))
    interval_ns = int(interval_s) * 1_000_000_000

    remaining = rows
    for epoch in range(epochs):
        if remaining <= 0:
            return
        if epoch:
            # PERF: one vectorised step for every host and field of the epoch.
            state += rng.standard_normal(size=state.shape)
            np.clip(state, WALK_MIN, WALK_MAX, out=state)
        ts = start_ns + epoch * interval_ns
        n = min(scale, remaining)
        if as_float:
            values = state[:n].tolist()
        else:
            # Go's int64() truncates toward zero; the walk is never negative.
            values = state[:n].astype(np.int64).tolist()
        yield [tmpl % (*vals, ts) for tmpl, vals in zip(templates, values)]
        remaining -= n


def generate_lines(
    scale: int = 100,
    rows: Optional[int] = None,
    seed: int = 123,
    start_ns: int = DEFAULT_START_NS,
    interval_s: int = 10,
    as_float: bool = False,
    epochs: Optional[int] = None,
) -> Iterator[bytes]:
    """Yield TSBS cpu-only lines, each ``\\n``-terminated bytes; hosts 0..scale-1 per epoch.

    ``rows`` stops after that many lines; ``epochs`` limits the number of timestamps. With neither,
    one day (86400 / interval_s epochs) is generated. ``as_float`` emits the pre-2020 float form
    instead of the current ``i``-suffixed integers. The output depends only on the arguments.
    """
    for lines in generate_epochs(
        scale=scale,
        rows=rows,
        seed=seed,
        start_ns=start_ns,
        interval_s=interval_s,
        as_float=as_float,
        epochs=epochs,
    ):
        yield from lines


def generate_batches(batch_lines: int = 10000, **kw) -> Iterator[bytes]:
    """Yield request bodies of ``batch_lines`` lines each (the last may be shorter).

    Keyword arguments are those of :func:`generate_lines`.
    """
    if batch_lines <= 0:
        raise ValueError("batch_lines must be positive")
    pending: List[bytes] = []
    for lines in generate_epochs(**kw):
        pending.extend(lines)
        while len(pending) >= batch_lines:
            yield b"".join(pending[:batch_lines])
            del pending[:batch_lines]
    if pending:
        yield b"".join(pending)


def _parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Generate TSBS cpu-only line protocol.")
    p.add_argument("--scale", type=int, default=100, help="number of hosts (default 100)")
    p.add_argument("--rows", type=int, default=None, help="stop after this many lines")
    p.add_argument("--epochs", type=int, default=None, help="number of timestamps (default: 1 day)")
    p.add_argument("--seed", type=int, default=123)
    p.add_argument("--start-ns", type=int, default=DEFAULT_START_NS,
                   help="first timestamp in ns (default 2016-01-01T00:00:00Z)")
    p.add_argument("--interval", type=int, default=10, help="seconds between epochs (default 10)")
    p.add_argument("--float", dest="as_float", action="store_true",
                   help="emit float fields (pre-2020 TSBS) instead of i-suffixed integers")
    p.add_argument("--gzip", action="store_true", help="gzip the output")
    p.add_argument("-o", "--output", default="-", help="output file (default stdout)")
    return p.parse_args(argv)


def main(argv=None) -> int:
    """Run the CLI."""
    args = _parse_args(argv)
    t0 = time.perf_counter()
    if args.output == "-":
        raw = sys.stdout.buffer
        close = False
    else:
        raw = open(args.output, "wb")
        close = True
    out = gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=6) if args.gzip else raw
    nlines = nbytes = 0
    try:
        for body in generate_batches(
            batch_lines=10000,
            scale=args.scale,
            rows=args.rows,
            seed=args.seed,
            start_ns=args.start_ns,
            interval_s=args.interval,
            as_float=args.as_float,
            epochs=args.epochs,
        ):
            out.write(body)
            nbytes += len(body)
            nlines += body.count(b"\n")
    finally:
        if out is not raw:
            out.close()
        if close:
            raw.close()
        else:
            raw.flush()
    dt = time.perf_counter() - t0
    print(
        f"tsbs: {nlines} rows, {nbytes / 1e6:.1f} MB text in {dt:.2f} s "
        f"({nlines / dt if dt else 0:,.0f} rows/s)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
