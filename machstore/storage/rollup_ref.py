"""Rollup records and the plain numpy twin of the rollup kernels (``ext/rollup.pyx``).

A *rollup record* summarises the valued (non-NULL) rows of one series in one time
bucket ``[start, start + bucket_ns)``: ``count``, ``sum``, ``min``, ``max``, ``sumsq``,
and ``first``/``last``, the values at the earliest/latest time in the bucket, with
those times.  A ``RollupBatch`` holds a run of records of one resolution as parallel
numpy arrays sorted by bucket start; buckets without valued rows are absent.

Semantics (the kernels in ``machstore.storage.rollup`` are tested to match this module):

* Buckets are epoch aligned: ``start = floor(time / bucket_ns) * bucket_ns``, also for
  negative times.  A time whose bucket start would not fit in int64 is an error.
* Ties on time: ``first`` keeps the earliest written row, ``last`` the latest written
  (input order).  When records are merged, later inputs count as written later.
* NaN is a value (counted); ``min``/``max`` propagate it, as ``np.minimum`` does.
* ``sum``/``sumsq`` are float64 sums whose rounding depends on the order of addition,
  so kernel and twin agree on them to rounding only; everything else is exact.

This module is the oracle for the tests, not the production path (``machstore.storage.rollup``).
"""
import struct

import numpy as np
import pyarrow as pa

from machstore.errors import InvalidArgument

FIELDS = ("start", "count", "sum", "min", "max", "sumsq", "first", "first_time", "last", "last_time")
DTYPES = (np.int64, np.int64, np.float64, np.float64, np.float64, np.float64, np.float64, np.int64,
          np.float64, np.int64)
_LE = tuple(np.dtype(d).newbyteorder("<") for d in DTYPES)

INT64_MIN = -2**63
INT64_MAX = 2**63 - 1

# Serialised batch: header '<4sBqII' magic, flags (bit 0: payload is LZ4-framed), bucket_ns,
# record count, raw payload size; the payload is the ten arrays in FIELDS order, little-endian,
# back to back, except that ``start`` is stored as differences from the previous start (the
# first as is) and ``first_time``/``last_time`` as offsets from their bucket's start (all
# wrapping int64).  PERF: that makes regular buckets repetitive: a 600-bucket chunk of one
# value a second compresses to ~13 KB of 48 KB, and LZ4 encodes it in ~20 us where zstd-1 on
# the plain arrays took ~47 us for ~18 KB (rollups are re-encoded at every compaction).
MAGIC = b"MRB1"
_HEAD = struct.Struct("<4sBqII")
_LZ4 = 1
_CODEC = pa.Codec("lz4")
_COMPRESS_MIN = 8  # PERF: fewer records compress to more bytes than they take raw


class RollupBatch:
    """Rollup records of one resolution: ``bucket_ns`` plus one numpy array per field.

    Arrays are parallel, sorted by ``start`` (unique); ``count`` is never 0.  Treat them
    as read-only (``from_bytes`` returns read-only views).
    """

    __slots__ = ("bucket_ns",) + FIELDS

    def __init__(self, bucket_ns, start, count, sum, min, max, sumsq, first, first_time, last, last_time):
        self.bucket_ns = int(bucket_ns)
        self.start, self.count, self.sum, self.min, self.max = start, count, sum, min, max
        self.sumsq, self.first, self.first_time, self.last, self.last_time = sumsq, first, first_time, last, last_time

    @classmethod
    def empty(cls, bucket_ns):
        return cls(bucket_ns, *(np.empty(0, dtype=d) for d in DTYPES))

    @classmethod
    def from_arrays(cls, bucket_ns, arrays):
        """Build a batch from the ten arrays in ``FIELDS`` order."""
        return cls(bucket_ns, *arrays)

    def arrays(self):
        """Return the ten arrays in ``FIELDS`` order."""
        return (self.start, self.count, self.sum, self.min, self.max, self.sumsq, self.first, self.first_time,
                self.last, self.last_time)

    def __len__(self):
        return int(self.start.shape[0])

    def __repr__(self):
        span = f", {int(self.start[0])}..{int(self.start[-1])}" if len(self) else ""
        return f"<RollupBatch {len(self)} buckets of {self.bucket_ns} ns{span}>"

    def take(self, idx):
        """Return the records at ``idx`` (a slice, index array or boolean mask)."""
        return RollupBatch(self.bucket_ns, *(a[idx] for a in self.arrays()))

    def slice(self, start=None, end=None):
        """Return the buckets whose start lies in ``[start, end]`` (either bound may be None)."""
        lo = 0 if start is None else int(np.searchsorted(self.start, _clamp(start), side="left"))
        hi = len(self) if end is None else int(np.searchsorted(self.start, _clamp(end), side="right"))
        if lo == 0 and hi == len(self):
            return self
        return self.take(slice(lo, max(lo, hi)))

    def to_dict(self):
        """Return ``{field: array}`` (plus ``bucket_ns``), e.g. for tests and debugging."""
        return {"bucket_ns": self.bucket_ns, **dict(zip(FIELDS, self.arrays()))}

    def to_bytes(self) -> bytes:
        """Serialise the records (LZ4-compressed unless there are only a few)."""
        n = len(self)
        start = np.asarray(self.start, dtype=np.int64)
        arrays = list(self.arrays())
        if n:
            arrays[0] = np.diff(start, prepend=np.int64(0))
            arrays[7] = np.asarray(self.first_time, dtype=np.int64) - start
            arrays[9] = np.asarray(self.last_time, dtype=np.int64) - start
        raw = b"".join(np.ascontiguousarray(a, dtype=d).tobytes() for a, d in zip(arrays, _LE))
        if n >= _COMPRESS_MIN:
            return _HEAD.pack(MAGIC, _LZ4, self.bucket_ns, n, len(raw)) + _CODEC.compress(raw, asbytes=True)
        return _HEAD.pack(MAGIC, 0, self.bucket_ns, n, len(raw)) + raw

    @classmethod
    def from_bytes(cls, data):
        """Invert ``to_bytes``.  ``data`` may be an LMDB buffer: nothing returned refers to it."""
        data = memoryview(data)
        if len(data) < _HEAD.size:
            raise InvalidArgument("rollup record too short")
        magic, flags, bucket_ns, n, raw_size = _HEAD.unpack_from(data)
        if magic != MAGIC or raw_size != n * 8 * len(FIELDS):
            raise InvalidArgument("not a rollup record")
        payload = data[_HEAD.size:]
        try:
            raw = (_CODEC.decompress(payload, decompressed_size=raw_size, asbytes=True) if flags & _LZ4
                   else bytes(payload))
        except (OSError, ValueError) as ex:
            raise InvalidArgument(f"corrupt rollup record: {ex}") from ex
        if len(raw) != raw_size:
            raise InvalidArgument("truncated rollup record")
        arrays = [np.frombuffer(raw, dtype=d, count=n, offset=k * n * 8) for k, d in enumerate(_LE)]
        start = np.cumsum(arrays[0], dtype=np.int64)
        arrays[0] = start
        arrays[7] = arrays[7] + start
        arrays[9] = arrays[9] + start
        return cls(bucket_ns, *arrays)

    def equals(self, other, *, rtol=0.0):
        """Compare two batches; ``sum``/``sumsq`` within ``rtol`` of the sum of magnitudes bound."""
        if self.bucket_ns != other.bucket_ns or len(self) != len(other):
            return False
        for name in FIELDS:
            a, b = getattr(self, name), getattr(other, name)
            if name in ("sum", "sumsq") and rtol:
                if not np.allclose(a, b, rtol=rtol, atol=0, equal_nan=True):
                    return False
            elif not np.array_equal(a, b, equal_nan=a.dtype.kind == "f"):
                return False
        return True


def _clamp(t):
    return min(max(int(t), INT64_MIN), INT64_MAX)


def check_bucket(bucket_ns):
    """Return ``bucket_ns`` as an int after checking it is a positive int64."""
    b = int(bucket_ns)
    if b <= 0 or b > INT64_MAX:
        raise InvalidArgument(f"bucket_ns must be a positive int64, got {bucket_ns!r}")
    return b


def min_bucket_time(bucket_ns):
    """Return the smallest time whose bucket start (of ``bucket_ns``) fits in int64."""
    return -((2**63) // bucket_ns) * bucket_ns


def _underflow(t, bucket_ns):
    raise InvalidArgument(f"time {int(t)} is too early: its bucket of {bucket_ns} ns would start before -2**63")


def _boundaries(keys):
    """Return (starts, ends) of the runs of equal values in sorted ``keys``."""
    starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
    ends = np.append(starts[1:], keys.size)
    return starts, ends


def aggregate(times, values, valid=None, *, bucket_ns) -> RollupBatch:
    """Summarise rows (any order, duplicates allowed) into buckets of ``bucket_ns``."""
    b = check_bucket(bucket_ns)
    times = np.asarray(times, dtype=np.int64)
    values = np.asarray(values, dtype=np.float64)
    if times.ndim != 1 or values.shape != times.shape:
        raise InvalidArgument("times and values must be 1-D arrays of the same length")
    if valid is not None:
        valid = np.asarray(valid, dtype=bool)
        if valid.shape != times.shape:
            raise InvalidArgument("valid must have one entry per row")
        times, values = times[valid], values[valid]
    if not times.size:
        return RollupBatch.empty(b)
    order = np.argsort(times, kind="stable")
    t, v = times[order], values[order]
    if t[0] < min_bucket_time(b):
        _underflow(t[0], b)
    q = t // b
    starts, ends = _boundaries(q)
    with np.errstate(over="ignore", invalid="ignore"):
        return RollupBatch(b, q[starts] * b, (ends - starts).astype(np.int64), np.add.reduceat(v, starts),
                           np.minimum.reduceat(v, starts), np.maximum.reduceat(v, starts),
                           np.add.reduceat(v * v, starts), v[starts], t[starts], v[ends - 1], t[ends - 1])


def _reduce(batches, bucket_ns) -> RollupBatch:
    """Fold records (earlier batches written earlier) into buckets of ``bucket_ns``."""
    batches = [x for x in batches if len(x)]
    if not batches:
        return RollupBatch.empty(bucket_ns)
    cat = [np.concatenate([getattr(x, name) for x in batches]).astype(d, copy=False)
           for name, d in zip(FIELDS, DTYPES)]
    start, count, sum_, mn, mx, sumsq, first, first_time, last, last_time = cat
    if start.min() < min_bucket_time(bucket_ns):
        _underflow(start.min(), bucket_ns)
    key = start // bucket_ns
    pos = np.arange(key.size)
    order = np.argsort(key, kind="stable")
    k = key[order]
    starts, ends = _boundaries(k)
    by_first = np.lexsort((pos, first_time, key))[starts]      # earliest first_time, then earliest input
    by_last = np.lexsort((pos, last_time, key))[ends - 1]      # latest last_time, then latest input
    with np.errstate(over="ignore", invalid="ignore"):
        return RollupBatch(bucket_ns, k[starts] * bucket_ns, np.add.reduceat(count[order], starts),
                           np.add.reduceat(sum_[order], starts), np.minimum.reduceat(mn[order], starts),
                           np.maximum.reduceat(mx[order], starts), np.add.reduceat(sumsq[order], starts),
                           first[by_first], first_time[by_first], last[by_last], last_time[by_last])


def check_merge(a, b):
    if a.bucket_ns != b.bucket_ns:
        raise InvalidArgument(f"cannot merge rollups of {a.bucket_ns} ns and {b.bucket_ns} ns buckets")


def check_combine(batches, bucket_ns):
    b = check_bucket(bucket_ns)
    for x in batches:
        if b % x.bucket_ns:
            raise InvalidArgument(f"{x.bucket_ns} ns buckets do not divide {b} ns buckets")
    return b


def common_bucket(batches, bucket_ns):
    """Return the one resolution of ``batches`` (or ``bucket_ns`` when given and they agree)."""
    sizes = {x.bucket_ns for x in batches}
    if bucket_ns is not None:
        sizes.add(check_bucket(bucket_ns))
    if len(sizes) != 1:
        raise InvalidArgument("combine_series needs batches of one resolution" if sizes else
                              "combine_series of no batches needs bucket_ns")
    return sizes.pop()


def merge(a: RollupBatch, b: RollupBatch) -> RollupBatch:
    """Combine two batches of one resolution; ``b`` is newer (wins ``last`` ties, loses ``first`` ties)."""
    check_merge(a, b)
    return _reduce([a, b], a.bucket_ns)


def combine(batches, *, bucket_ns) -> RollupBatch:
    """Re-bucket finer records (each batch's ``bucket_ns`` must divide ``bucket_ns``); later batches are newer."""
    batches = list(batches)
    return _reduce(batches, check_combine(batches, bucket_ns))


def combine_series(batches, *, bucket_ns=None) -> RollupBatch:
    """Aggregate several series' records of one resolution bucket by bucket (later batches win ties)."""
    batches = list(batches)
    return _reduce(batches, common_bucket(batches, bucket_ns))
