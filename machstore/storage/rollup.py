"""Rollup records: rows -> per-bucket count/sum/min/max/sumsq/first/last, merged and re-bucketed.

The typed surface over the Cython kernels in ``machstore._ext_rollup`` (design note
``ext/rollup.md``).  ``RollupBatch`` and the exact semantics live in the reference twin
``machstore.storage.rollup_ref``; the kernels are tested against it on random data.

>>> b = aggregate(np.array([5, 1, 12]), np.array([1.0, 2.0, 3.0]), bucket_ns=10)
>>> b.start.tolist(), b.count.tolist(), b.first.tolist(), b.last.tolist()
([0, 10], [2, 1], [2.0, 3.0], [1.0, 3.0])
"""
import numpy as np

from machstore import _ext_rollup as _kernels
from machstore.errors import InvalidArgument

from .rollup_ref import DTYPES, FIELDS, RollupBatch, check_bucket, check_combine, check_merge, common_bucket

__all__ = ["FIELDS", "RollupBatch", "aggregate", "combine", "combine_series", "merge"]


def _run(fn, *args, bucket_ns):
    try:
        return fn(*args, bucket_ns=bucket_ns)
    except ValueError as ex:
        raise InvalidArgument(str(ex)) from ex


def aggregate(times, values, valid=None, *, bucket_ns) -> RollupBatch:
    """Summarise rows into buckets of ``bucket_ns`` (sorted by start; NULL rows not counted).

    ``times`` int64 ns in any order (duplicates and negatives allowed), ``values`` float64
    (other numeric types are converted), ``valid`` a bool mask or None (all valued).
    """
    b = check_bucket(bucket_ns)
    times = np.ascontiguousarray(times, dtype=np.int64)
    values = np.ascontiguousarray(values, dtype=np.float64)
    if times.ndim != 1 or values.shape != times.shape:
        raise InvalidArgument("times and values must be 1-D arrays of the same length")
    if valid is not None:
        valid = np.ascontiguousarray(valid, dtype=bool)
        if valid.shape != times.shape:
            raise InvalidArgument("valid must have one entry per row")
        valid = valid.view(np.uint8)
    return RollupBatch(b, *_run(_kernels.aggregate, times, values, valid, bucket_ns=b))


def _reduce(batches, bucket_ns) -> RollupBatch:
    batches = [x for x in batches if len(x)]
    if not batches:
        return RollupBatch.empty(bucket_ns)
    if len(batches) == 1 and batches[0].bucket_ns == bucket_ns:
        return batches[0]  # already one record per bucket, sorted
    arrays = tuple(np.ascontiguousarray(np.concatenate([getattr(x, f) for x in batches]), dtype=d)
                   for f, d in zip(FIELDS, DTYPES))
    start = arrays[0]
    if all(x.bucket_ns == bucket_ns for x in batches) and bool(np.all(start[1:] > start[:-1])):
        # PERF: disjoint runs in order (one series' chunks): the records already are the answer
        return RollupBatch(bucket_ns, *arrays)
    return RollupBatch(bucket_ns, *_run(_kernels.reduce, arrays, bucket_ns=bucket_ns))


def merge(a: RollupBatch, b: RollupBatch) -> RollupBatch:
    """Combine two batches of one resolution; ``b`` is newer (wins ``last`` ties, loses ``first`` ties)."""
    check_merge(a, b)
    if not len(a):
        return b
    if not len(b):
        return a
    return _reduce([a, b], a.bucket_ns)


def combine(batches, *, bucket_ns) -> RollupBatch:
    """Re-bucket finer records into ``bucket_ns`` buckets (each batch's ``bucket_ns`` must divide it).

    Several batches (of one or several series) are folded together; later batches count
    as written later for ``first``/``last`` ties.
    """
    batches = list(batches)
    return _reduce(batches, check_combine(batches, bucket_ns))


def combine_series(batches, *, bucket_ns=None) -> RollupBatch:
    """Aggregate several series' records of one resolution bucket by bucket (later batches win ties)."""
    batches = list(batches)
    return _reduce(batches, common_bucket(batches, bucket_ns))
