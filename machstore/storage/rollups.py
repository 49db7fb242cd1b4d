"""Rollup store: per series, per resolution, per time bucket statistics kept in LMDB.

Rollups answer Machbase's calculated-statistics queries (``/machiot/datapoints/calculated``,
``SELECT ROLLUP('min', 5, time) ...``) without reading raw rows.  For each series they hold,
at three resolutions (1 s, 1 min, 1 h), one record per bucket with valued rows: count, sum,
min, max, sumsq, first/last value and their times (``machstore.storage.rollup_ref`` defines them).

Layout, sub-database ``rollup`` (all big-endian, so a cursor walks one series' resolution
in time order)::

    key    '>QBQ'  series id | resolution code (0 sec, 1 min, 2 hour) | flip_time(chunk start)
    value  RollupBatch.to_bytes() of the chunk's buckets (header '<4sBqII', zstd arrays)

A *chunk* is a fixed, epoch-aligned span per resolution (``RESOLUTIONS``): 10 minutes of
second buckets, 12 hours of minute buckets, 30 days of hour buckets, so a record holds at
most 720 buckets (~57 KB raw, much less compressed).  An update rewrites the chunks its rows
fall in: sized so that a compaction round touching a series for a few seconds' worth of rows
rewrites a few small records, while a day of 1-minute buckets is two records.

Rows before ``MIN_TIME`` (September 1677; every chunk start at every resolution fits in
int64 after it) are left out.  Deleting raw rows does not rewind rollups (as in Machbase);
``delete_series`` drops a series' rollups and ``delete_before`` its early buckets.

Functions take ``(txn, dbs, ...)`` like ``machstore.storage.catalog``.  ``plan_update`` only reads,
so compaction can prepare records under a read snapshot and ``apply`` them in its write
transaction; the records it returns replace whole chunks (read-modify-write), so the
snapshot must be the state the write transaction modifies (compaction checks that), and
a series must not be planned twice against one snapshot.
"""
import math
import struct
from dataclasses import dataclass

import numpy as np

from machstore.errors import InvalidArgument

from . import keys, rollup
from .rollup import RollupBatch
from .rollup_ref import INT64_MAX, min_bucket_time

DB = b"rollup"
SECOND_NS = 10**9
MINUTE_NS = 60 * SECOND_NS
HOUR_NS = 60 * MINUTE_NS
DAY_NS = 24 * HOUR_NS


@dataclass(frozen=True)
class Resolution:
    code: int       # key byte
    name: str
    bucket_ns: int
    chunk_ns: int   # span of one stored record (a multiple of bucket_ns)


SEC = Resolution(0, "sec", SECOND_NS, 10 * MINUTE_NS)
MIN = Resolution(1, "min", MINUTE_NS, 12 * HOUR_NS)
HOUR = Resolution(2, "hour", HOUR_NS, 30 * DAY_NS)
RESOLUTIONS = (SEC, MIN, HOUR)  # finest first; each bucket divides the next

# Earliest time kept: the first whole chunk of the coarsest resolution.
MIN_TIME = min_bucket_time(HOUR.chunk_ns)

_KEY = struct.Struct(">QBQ")


def rollup_key(series_id, code, chunk_start) -> bytes:
    """Return the key of a series' chunk record at a resolution (``code``)."""
    return _KEY.pack(series_id, code, keys.flip_time(chunk_start))


def parse_rollup_key(key):
    """Return ``(series_id, code, chunk_start)``."""
    sid, code, ft = _KEY.unpack(bytes(key))
    return sid, code, keys.unflip_time(ft)


def resolution_for(bucket_ns) -> Resolution:
    """Return the coarsest resolution whose bucket divides ``bucket_ns``."""
    b = int(bucket_ns)
    for res in reversed(RESOLUTIONS):
        if b > 0 and b % res.bucket_ns == 0:
            return res
    raise InvalidArgument(f"rollup buckets must be a whole number of seconds, got {bucket_ns} ns")


def _chunk_starts(starts, chunk_ns):
    return starts // chunk_ns * chunk_ns  # NOTE: starts >= MIN_TIME, so this cannot underflow


def _chunk_puts(txn, db, series_id, res, batch, puts):
    """Append ``(key, bytes)`` for each chunk ``batch`` touches, merged with the stored record."""
    chunks = _chunk_starts(batch.start, res.chunk_ns)
    bounds = np.flatnonzero(chunks[1:] != chunks[:-1]) + 1
    for lo, hi in zip(np.concatenate(([0], bounds)), np.append(bounds, len(batch))):
        key = rollup_key(series_id, res.code, int(chunks[lo]))
        part = batch.take(slice(int(lo), int(hi)))
        old = txn.get(key, db=db)
        if old is not None:
            part = rollup.merge(RollupBatch.from_bytes(old), part)
        puts.append((key, part.to_bytes()))


def plan_update(txn, dbs, series_id, times, values, valid=None):
    """Return ``[(key, bytes)]``: the chunk records that add these rows of one series.

    ``times`` int64 ns (any order), ``values`` numeric (converted to float64), ``valid`` a
    bool mask or None; NULL rows are not counted.  Rows count as written after the stored
    ones (``last`` ties go to them).  Only reads with ``txn``; see the module docstring.
    """
    times = np.asarray(times, dtype=np.int64)
    if valid is None:
        valid = times >= MIN_TIME
    else:
        valid = np.asarray(valid, dtype=bool) & (times >= MIN_TIME)
    batch = rollup.aggregate(times, values, valid, bucket_ns=SEC.bucket_ns)
    puts = []
    if not len(batch):
        return puts
    db = dbs[DB]
    for res in RESOLUTIONS:
        if res.bucket_ns != batch.bucket_ns:
            batch = rollup.combine([batch], bucket_ns=res.bucket_ns)
        _chunk_puts(txn, db, series_id, res, batch, puts)
    return puts


def apply(txn, dbs, puts):
    """Store the records of ``plan_update`` (in a write transaction)."""
    db = dbs[DB]
    for key, value in puts:
        txn.put(key, value, db=db)


def read(txn, dbs, series_id, res, lo, hi) -> list:
    """Return the stored batches of one series at ``res`` covering bucket starts in ``[lo, hi]``."""
    lo, hi = max(int(lo), MIN_TIME), min(int(hi), INT64_MAX)
    if hi < lo:
        return []
    first = rollup_key(series_id, res.code, int(_chunk_starts(lo, res.chunk_ns)))
    last = rollup_key(series_id, res.code, int(_chunk_starts(hi, res.chunk_ns)))
    out = []
    with txn.cursor(db=dbs[DB]) as cur:
        if not cur.set_range(first):
            return out
        for key, value in cur:
            if bytes(key) > last:
                break
            batch = RollupBatch.from_bytes(value).slice(lo, hi)
            if len(batch):
                out.append(batch)
    return out


def query(txn, dbs, series_ids, start, end, *, bucket_ns, origin=0) -> RollupBatch:
    """Aggregate several series together into buckets of ``bucket_ns``.

    Covers whole buckets from the one holding ``start`` to the one holding ``end``; buckets
    start at ``origin + k * bucket_ns`` (epoch aligned by default; e.g. ``origin=-9 * HOUR_NS``
    gives days of a +09:00 zone).  Answered from the coarsest resolution dividing both
    ``bucket_ns`` and ``origin``, which must be whole seconds.  Only buckets with valued rows
    are returned.  On ``first``/``last`` time ties between series, earlier series in
    ``series_ids`` win ``first``, later ones ``last``.
    """
    b = int(bucket_ns)
    if b <= 0:
        raise InvalidArgument(f"bucket_ns must be positive, got {bucket_ns}")
    origin = int(origin) % b
    res = resolution_for(math.gcd(b, origin) if origin else b)
    lo = (int(start) - origin) // b * b + origin
    hi = (int(end) - origin) // b * b + origin + b - 1
    lo = max(lo, min_bucket_time(b) + origin)  # buckets starting before int64 hold no rollups anyway
    parts = _read_series(txn, dbs, series_ids, res, lo, hi)
    if not origin:
        return rollup.combine(parts, bucket_ns=b)
    shifted = [_shift(p, -origin) for p in parts]
    return _shift(rollup.combine(shifted, bucket_ns=b), origin)


def unit_bounds(start, end, unit_ns):
    """Return ``(lo, hi)``: the row times of the ``unit_ns`` buckets whose start lies in [start, end].

    Machbase answers its calculated statistics from rollup rows of one unit (sec, min,
    hour) selected by their start time, so a unit holding ``end`` counts whole and a unit
    holding an unaligned ``start`` does not count at all.  ``hi < lo`` when no unit starts
    in the range.
    """
    u = int(unit_ns)
    if u <= 0:
        raise InvalidArgument(f"unit_ns must be positive, got {unit_ns}")
    return -(-int(start) // u) * u, int(end) // u * u + u - 1


def query_units(txn, dbs, series_ids, start, end, *, unit_ns, bucket_ns) -> RollupBatch:
    """Aggregate the ``unit_ns`` buckets whose start lies in [start, end] into epoch-aligned ``bucket_ns`` buckets.

    This is Machbase's calculated-statistics rule (``unit_bounds``): End is inclusive at the
    unit's granularity, and the first and last ``bucket_ns`` buckets may be partial.
    ``unit_ns`` must be whole seconds and divide ``bucket_ns``.  Answered from the coarsest
    resolution dividing ``bucket_ns`` and both bounds; ties as in ``query``.
    """
    b, u = int(bucket_ns), int(unit_ns)
    if b <= 0 or u <= 0 or b % u or u % SECOND_NS:
        raise InvalidArgument(f"unit_ns must be whole seconds dividing bucket_ns, got {unit_ns} and {bucket_ns}")
    lo, hi = unit_bounds(start, end, u)
    if hi < lo:
        return RollupBatch.empty(b)
    res = resolution_for(math.gcd(b, lo, hi + 1))  # PERF: coarsest that fits (u divides all three: SEC at worst)
    return rollup.combine(_read_series(txn, dbs, series_ids, res, lo, hi), bucket_ns=b)


def _read_series(txn, dbs, series_ids, res, lo, hi) -> list:
    """Return the batches of several series at ``res`` with bucket starts in [lo, hi], series by series."""
    parts = []
    for sid in series_ids:
        parts.extend(read(txn, dbs, sid, res, lo, hi))
    return parts


def _shift(batch, delta):
    """Move a batch's times by ``delta`` (callers keep them in int64)."""
    return RollupBatch(batch.bucket_ns, batch.start + delta, batch.count, batch.sum, batch.min, batch.max,
                       batch.sumsq, batch.first, batch.first_time + delta, batch.last, batch.last_time + delta)


def delete_series(txn, dbs, series_id) -> int:
    """Drop every rollup record of a series (in a write transaction); return how many."""
    prefix = keys.u64(series_id)
    n = 0
    with txn.cursor(db=dbs[DB]) as cur:
        if not cur.set_range(prefix):
            return 0
        while bytes(cur.key()).startswith(prefix) and cur.delete():
            n += 1
    return n


def delete_before(txn, dbs, series_id, before) -> int:
    """Drop a series' buckets starting before ``before`` at every resolution (``DELETE ... ROLLUP BEFORE``).

    A bucket starting earlier is dropped whole even if it ends later.  Runs in a write
    transaction; returns how many buckets went.
    """
    before = int(before)
    db = dbs[DB]
    dropped = 0
    for res in RESOLUTIONS:
        prefix = keys.u64(series_id) + bytes((res.code,))
        changes = []
        with txn.cursor(db=db) as cur:
            ok = cur.set_range(prefix)
            while ok and bytes(cur.key()).startswith(prefix):
                chunk = parse_rollup_key(cur.key())[2]
                if chunk >= before:
                    break
                batch = RollupBatch.from_bytes(cur.value())
                keep = batch.slice(before, None)
                dropped += len(batch) - len(keep)
                changes.append((bytes(cur.key()), keep))
                ok = cur.next()
        for key, keep in changes:
            if len(keep):
                txn.put(key, keep.to_bytes(), db=db)
            else:
                txn.delete(key, db=db)
    return dropped
