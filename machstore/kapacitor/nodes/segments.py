"""InfluxQL reductions of many batches at once: one numpy pass over a ``Batches`` message.

The same results as ``reducers.py`` applied batch by batch (Kapacitor's arrival-order
semantics: sums added in arrival order, ``median`` as ``lo + (hi - lo) / 2``, ``stddev`` with a
running mean, ties of ``first``/``last`` broken by the larger value and of ``min``/``max`` by the
earlier time, then by arrival), computed per *segment* (a batch's rows) with sorts that keep
arrival order and the sequential kernels of ``window_kernel``.  ``machstore/influxql/functions.py``
reduces time-sorted query results with pairwise sums and other tie rules, so it is not reused.

``reduce_segments`` returns ``(values, times, zero, rows)`` per segment: the value, the point
time, whether the reducer gives InfluxDB's ZeroTime instead (the node then uses the batch time)
and, for selectors, the chosen row; or None when the method has no columnar form here or the input has
what only the batch-by-batch path handles exactly (NaN in an order-based reducer).
"""
from __future__ import annotations

import numpy as np

from .window_kernel import segment_stddev, segment_sums_float, segment_sums_int

SEGMENT_METHODS = frozenset(("count", "sum", "mean", "spread", "stddev", "median", "first", "last", "min", "max"))
# reducers whose result depends on comparing values: NaN makes them order-dependent in Go
_COMPARING = frozenset(("spread", "median", "first", "last", "min", "max"))


def _first_of_segments(keys, seg, starts) -> np.ndarray:
    """Per segment the row that sorts first by ``keys`` (last key primary, arrival order last)."""
    order = np.lexsort((np.arange(len(seg)),) + tuple(keys) + (seg,))
    return order[starts[:-1]]


def reduce_segments(method: str, values: np.ndarray, times: np.ndarray, starts: np.ndarray, kind: str):
    """See the module docstring; every segment must hold at least one row."""
    nseg = len(starts) - 1
    sizes = np.diff(starts)
    zero_time = (np.zeros(nseg, dtype=np.int64), np.ones(nseg, dtype=bool))
    if method not in SEGMENT_METHODS or kind not in ("f", "i"):
        return None
    if kind == "f" and method in _COMPARING and np.isnan(values).any():
        return None
    if method == "count":
        return sizes.astype(np.int64), *zero_time, None
    if method in ("sum", "mean"):
        if kind == "f":
            sums = segment_sums_float(values, starts)
        else:
            sums = segment_sums_int(values, starts)
        if method == "mean":
            return sums.astype(np.float64) / sizes, *zero_time, None
        # the sum reducer starts from a point at the epoch (time 0), not ZeroTime
        return (sums + 0.0 if kind == "f" else sums), np.zeros(nseg, dtype=np.int64), np.zeros(nseg, dtype=bool), None
    if method == "stddev":
        return segment_stddev(values.astype(np.float64), starts), *zero_time, None
    seg = np.repeat(np.arange(nseg, dtype=np.int64), sizes)
    if method == "spread":
        hi, lo = np.maximum.reduceat(values, starts[:-1]), np.minimum.reduceat(values, starts[:-1])
        with np.errstate(over="ignore"):
            return hi - lo, *zero_time, None
    if method == "median":
        order = np.lexsort((values, seg))
        mid = starts[:-1] + sizes // 2
        upper = values[order[mid]]
        lower = values[order[np.where(sizes % 2 == 0, mid - 1, mid)]]
        if kind == "f":
            out = np.where(sizes % 2 == 0, lower + (upper - lower) / 2, upper)
        else:
            with np.errstate(over="ignore"):
                d = upper - lower
            out = np.where(sizes % 2 == 0, lower.astype(np.float64) + d.astype(np.float64) / 2,
                           upper.astype(np.float64))
        # a one-point float median returns the point itself, with its time
        own = (sizes == 1) & (kind == "f")
        return out.astype(np.float64), times[starts[:-1]], ~own, None
    with np.errstate(over="ignore"):
        if method == "min":
            rows = _first_of_segments((times, values), seg, starts)
        elif method == "max":
            rows = _first_of_segments((times, -values), seg, starts)
        elif method == "first":
            rows = _first_of_segments((-values, times), seg, starts)
        else:
            rows = _first_of_segments((-values, -times), seg, starts)
    return values[rows], times[rows], np.zeros(nseg, dtype=bool), rows
