"""InfluxQL aggregate and selector functions, vectorised over segments of one sorted array.

The executor lays every point a query reads out in one array per column, sorted by
(output group, time bucket, time), and describes each (group, bucket) run by its start
index (``starts``, ascending; the run ends where the next starts).  Each function here
reduces all runs at once with numpy (``reduceat``, sorted-order tricks), never with a
Python loop over points or over buckets.

Semantics follow InfluxDB 1.8's ``query/functions.go`` and ``query/call_iterator.go``:

* ``mean``, ``stddev``, ``spread``, ``median`` and ``integral`` of integers are floats;
  ``sum``, ``min``, ``max``, ``first``, ``last`` keep the input type (integer sums wrap
  like Go's int64).
* Selectors (``min``, ``max``, ``first``, ``last``, ``percentile``) also return the time
  of the point they chose (the first such point in time order when values tie, the one
  InfluxDB's reducers keep).
* ``stddev`` is the sample standard deviation and is null below two points; ``median``
  of an even count is the mean of the middle two; ``mode`` is the most frequent value,
  the smallest one on ties; ``percentile(p)`` is the point at index
  ``floor(n * p / 100 + 0.5) - 1`` of the sorted values, null outside the run.

Every function takes ``(times, values, starts)`` and returns ``(values, times, valid)``:
one entry per run, ``times`` None when the function is not a selector, ``valid`` None
when every run has a value.
"""
import numpy as np

__all__ = ["AGGREGATES", "SELECTORS", "in_order_sums", "reduce_runs", "run_ids", "run_lengths"]


def run_lengths(starts, n):
    """Length of each run given the run starts over ``n`` points."""
    return np.diff(np.append(starts, n))


def run_ids(starts, n):
    """The run index of every point (``starts`` ascending, first one 0)."""
    ids = np.zeros(n, dtype=np.int64)
    if len(starts) > 1:
        ids[starts[1:]] = 1
    return np.cumsum(ids)


def _count(times, values, starts):
    return run_lengths(starts, len(values)).astype(np.int64), None, None


# runs up to this long are summed column by column over all of them; longer ones one by one
_SHORT_RUN = 64


def in_order_sums(values, starts):
    """Float sums of the runs, each added point after point from 0.0 as Go's reducers add.

    ``np.add.reduceat`` adds pairwise and rounds differently, which a Holt-Winters fit of the
    means amplifies.  Short runs are summed together, one position at a time (the k-th points
    of all runs longer than k added at once); longer runs by a running sum each.
    """
    n = len(values)
    values = values.astype(np.float64, copy=False)
    lengths = run_lengths(starts, n)
    out = np.zeros(len(starts), dtype=np.float64)
    long_runs = np.flatnonzero(lengths > _SHORT_RUN)
    for r in long_runs.tolist():
        out[r] = np.cumsum(values[starts[r]:starts[r] + lengths[r]])[-1]
    short = np.flatnonzero(lengths <= _SHORT_RUN)
    if len(short):
        order = short[np.argsort(-lengths[short], kind="stable")]   # longest first: live runs are a prefix
        first, size = starts[order], lengths[order]
        acc = np.zeros(len(order), dtype=np.float64)
        live = len(order)
        for k in range(int(size[0])):
            live = int(np.searchsorted(-size[:live], -k, side="left"))   # runs longer than k
            acc[:live] += values[first[:live] + k]
        out[order] = acc
    return out


def _sum(times, values, starts):
    if values.dtype == np.bool_ or values.dtype == object:
        raise TypeError("sum")
    if values.dtype.kind == "f":
        return in_order_sums(values, starts), None, None
    return np.add.reduceat(values, starts), None, None


def _mean(times, values, starts):
    # integers are summed as int64 (wrapping like Go's) before the division, as InfluxDB does
    total = np.add.reduceat(values, starts) if values.dtype.kind in "iu" else in_order_sums(values, starts)
    return total.astype(np.float64) / run_lengths(starts, len(values)), None, None


def _select_index(values, starts, reduce):
    """Index of the first point in each run whose value equals the run's ``reduce`` (min/max)."""
    best = reduce.reduceat(values, starts)
    ids = run_ids(starts, len(values))
    hit = np.flatnonzero(values == best[ids])
    _, first = np.unique(ids[hit], return_index=True)
    return hit[first]


def _min(times, values, starts):
    idx = _select_index(values, starts, np.minimum)
    return values[idx], times[idx], None


def _max(times, values, starts):
    idx = _select_index(values, starts, np.maximum)
    return values[idx], times[idx], None


def _first(times, values, starts, *, clock=None):
    """The earliest point; among points at that time the largest value (InfluxDB's FirstReduce)."""
    clock = times if clock is None else clock
    return _edge(values, times, starts, clock, last=False)


def _last(times, values, starts, *, clock=None):
    """The latest point; among points at that time the largest value (InfluxDB's LastReduce)."""
    clock = times if clock is None else clock
    return _edge(values, times, starts, clock, last=True)


def _edge(values, times, starts, clock, *, last):
    ids = run_ids(starts, len(values))
    key = values if values.dtype.kind in "iufb" else np.unique(values, return_inverse=True)[1]
    # order inside each run: by time (latest first for last), then by value, largest first
    order = np.lexsort((-key.astype(np.float64), -clock if last else clock, ids))
    first_of_run = np.ones(len(order), dtype=bool)
    first_of_run[1:] = ids[order][1:] != ids[order][:-1]
    pick = order[first_of_run]
    return values[pick], times[pick], None


def _spread(times, values, starts):
    out = np.maximum.reduceat(values, starts) - np.minimum.reduceat(values, starts)
    return out, None, None


def _sorted_within_runs(values, starts):
    """Indexes that sort ``values`` inside each run (stable: ties keep time order)."""
    ids = run_ids(starts, len(values))
    return np.lexsort((values, ids))


def _median(times, values, starts):
    order = _sorted_within_runs(values, starts)
    v = values[order].astype(np.float64)
    n = run_lengths(starts, len(values))
    lo = starts + (n - 1) // 2
    hi = starts + n // 2
    return (v[lo] + v[hi]) / 2, None, None


def _stddev(times, values, starts):
    v = values.astype(np.float64)
    n = run_lengths(starts, len(v))
    mean = np.add.reduceat(v, starts) / n
    dev = v - mean[run_ids(starts, len(v))]
    ss = np.add.reduceat(dev * dev, starts)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.sqrt(ss / (n - 1))
    valid = n > 1
    return np.where(valid, out, 0.0), None, (None if valid.all() else valid)


def _mode(times, values, starts, *, clock=None):
    """InfluxDB's ModeReduceSlice, exactly: over the points sorted by value (then time), the
    most frequent value; a later value with the same count takes over when its first point is
    no later than the last point of the value holding the title; a value seen once never does.

    NOTE: the walk is over distinct values (not points), in Python: mode() is rare and its tie
    rule is sequential.
    """
    clock = times if clock is None else clock
    ids = run_ids(starts, len(values))
    order = np.lexsort((clock, values, ids))
    sv, sid, st = values[order], ids[order], clock[order]
    new = np.ones(len(sv), dtype=bool)
    new[1:] = (sv[1:] != sv[:-1]) | (sid[1:] != sid[:-1])
    vstarts = np.flatnonzero(new)                       # one entry per (run, distinct value)
    vends = np.append(vstarts[1:], len(sv)) - 1
    counts = (vends - vstarts + 1).tolist()
    first_t, last_t, vrun = st[vstarts].tolist(), st[vends].tolist(), sid[vstarts].tolist()
    chosen = np.empty(len(starts), dtype=np.int64)
    best = None
    for i, run in enumerate(vrun):
        if best is None or vrun[best] != run:
            best = i
        elif counts[i] >= 2 and (counts[i] > counts[best] or
                                 (counts[i] == counts[best] and first_t[i] <= last_t[best])):
            best = i
        chosen[run] = vstarts[best]
    return sv[chosen], None, None


def percentile(p):
    """The ``percentile(field, p)`` selector as a run reducer."""
    def _percentile(times, values, starts):
        order = _sorted_within_runs(values, starts)
        n = run_lengths(starts, len(values))
        i = np.floor(n * float(p) / 100.0 + 0.5).astype(np.int64) - 1
        valid = (i >= 0) & (i < n)
        idx = order[starts + np.clip(i, 0, np.maximum(n - 1, 0))]
        return values[idx], times[idx], (None if valid.all() else valid)
    return _percentile


def _count_distinct(times, values, starts):
    ids = run_ids(starts, len(values))
    order = np.lexsort((values, ids))
    sv, sid = values[order], ids[order]
    new = np.ones(len(sv), dtype=bool)
    new[1:] = (sv[1:] != sv[:-1]) | (sid[1:] != sid[:-1])
    return np.bincount(sid[new], minlength=len(starts)).astype(np.int64), None, None


AGGREGATES = {
    "count": _count,
    "sum": _sum,
    "mean": _mean,
    "median": _median,
    "spread": _spread,
    "stddev": _stddev,
    "mode": _mode,
    "count_distinct": _count_distinct,
}

SELECTORS = {
    "min": _min,
    "max": _max,
    "first": _first,
    "last": _last,
}


def reduce_runs(name, times, values, starts, *args, clock=None):
    """Reduce every run with the function ``name``; see the module docstring for the result.

    ``clock`` (default ``times``) is the points' real time when ``times`` carries something
    else (row numbers, so that selectors report which row they chose); first, last and mode
    order points by it.
    """
    fn = AGGREGATES.get(name) or SELECTORS.get(name)
    if fn is None and name == "percentile":
        fn = percentile(*args)
    if fn is None:
        raise KeyError(name)
    if len(starts) == 0:
        return values[:0], (times[:0] if name in SELECTORS or name == "percentile" else None), None
    if name in ("first", "last", "mode"):
        return fn(times, values, starts, clock=clock)
    return fn(times, values, starts)
