"""The InfluxQL reduce functions Kapacitor calls, over one group's points in arrival order.

Kapacitor feeds InfluxDB's reducers (``query/functions.go``, ``call_iterator.go``) one point at
a time *in arrival order*, never sorted by time, which makes its results differ from an
InfluxDB query (``machstore/influxql/functions.py``, whose input is time-sorted) wherever order
or rounding shows: ``sum``/``mean`` add in arrival order, ``median`` is ``lo + (hi - lo) / 2``,
``stddev`` uses a running mean and is NaN below two points, ``first``/``last`` break time ties
by the larger value, ``min``/``max`` by the earlier time, and a one-point ``median``/``mode``
returns the point itself (with its time).  Where the semantics are InfluxDB's own
(Holt-Winters) the InfluxQL module is reused.

Every reducer takes ``(values, times)`` (typed numpy arrays of the points that were
aggregated) and returns the points it emits as ``[(time, value, row)]``: ``time`` None for
InfluxDB's ``ZeroTime`` (the node then uses the batch time), ``row`` the index of the point a
selector chose (its tags and fields go out with it), else None.
"""
from __future__ import annotations

import math

import numpy as np

from machstore.influxql.holtwinters import holt_winters

KIND_GO = {"f": "float64", "i": "int64", "s": "string", "b": "bool"}


def _py(v):
    return v.item() if isinstance(v, np.generic) else v


def _wrap_int_sum(values) -> int:
    with np.errstate(over="ignore"):
        return int(np.sum(values.astype(np.int64), dtype=np.int64))


def count(values, times, kind, args):
    return [(None, len(values), None)]


def sum_(values, times, kind, args):
    # the reducer starts from a point {Time: 0, Value: 0}: its time is the epoch, not ZeroTime
    if kind == "f":
        total = float(np.cumsum(values)[-1]) + 0.0 if len(values) else 0.0
        return [(0, total, None)]
    return [(0, _wrap_int_sum(values) if len(values) else 0, None)]


def mean(values, times, kind, args):
    n = len(values)
    if kind == "f":
        total = float(np.cumsum(values)[-1]) if n else 0.0
    else:
        total = float(_wrap_int_sum(values)) if n else 0.0
    return [(None, total / n if n else math.nan, None)]


def median(values, times, kind, args):
    n = len(values)
    if n == 1:
        return [(int(times[0]) if kind == "f" else None, float(values[0]), None)]
    order = np.argsort(values, kind="stable")
    if n % 2 == 0:
        lo, hi = values[order[n // 2 - 1]], values[order[n // 2]]
        if kind == "f":
            return [(None, float(lo + (hi - lo) / 2), None)]
        with np.errstate(over="ignore"):
            d = np.int64(hi) - np.int64(lo)
        return [(None, float(lo) + float(d) / 2, None)]
    return [(None, float(values[order[n // 2]]), None)]


def mode(values, times, kind, args):
    n = len(values)
    if n == 1:
        return [(int(times[0]), _py(values[0]), None)]
    order = np.argsort(values, kind="stable")
    sv, st = values[order].tolist(), times[order].tolist()
    most_freq = curr_freq = 0
    curr_mode = most_mode = sv[0]
    most_time = curr_time = st[0]
    for v, t in zip(sv, st):
        if v != curr_mode:
            curr_freq, curr_mode, curr_time = 1, v, t
            continue
        curr_freq += 1
        if most_freq > curr_freq or (most_freq == curr_freq and curr_time > most_time):
            continue
        most_freq, most_mode, most_time = curr_freq, v, t
    return [(None, most_mode, None)]


def spread(values, times, kind, args):
    if kind == "f":
        lo = min(values.tolist(), default=math.inf)
        hi = max(values.tolist(), default=-math.inf)
        return [(None, hi - lo, None)]
    with np.errstate(over="ignore"):
        return [(None, int(np.int64(values.max()) - np.int64(values.min())), None)]


def stddev(values, times, kind, args):
    if len(values) < 2:
        return [(None, math.nan, None)]
    mean_ = 0.0
    cnt = 0
    vals = [float(v) for v in values.tolist()]
    for v in vals:
        if math.isnan(v):
            continue
        cnt += 1
        mean_ += (v - mean_) / cnt
    var = 0.0
    for v in vals:
        if math.isnan(v):
            continue
        var += (v - mean_) ** 2
    return [(None, math.sqrt(var / (cnt - 1)) if cnt > 1 else math.nan, None)]


def _value_key(values, kind):
    """Values as something ``np.lexsort`` orders like Go compares them."""
    if kind == "s":
        return np.unique(values.astype(str), return_inverse=True)[1].reshape(-1)
    return values.astype(np.int64) if kind == "b" else values


def _pick(keys, n):
    """The first row (arrival order) of the lexicographic minimum of ``keys`` (last key primary)."""
    order = np.lexsort((np.arange(n),) + tuple(keys))
    return int(order[0])


def first(values, times, kind, args):
    # earliest time; on a tie the larger value (false before true for booleans); then first arrival
    key = _value_key(values, kind)
    row = _pick((-key if kind != "b" else key, times), len(values))
    return [(int(times[row]), _py(values[row]), row)]


def last(values, times, kind, args):
    key = _value_key(values, kind)
    row = _pick((-key, -times), len(values))
    return [(int(times[row]), _py(values[row]), row)]


def min_(values, times, kind, args):
    row = _pick((times, values), len(values))
    return [(int(times[row]), _py(values[row]), row)]


def max_(values, times, kind, args):
    row = _pick((times, -values), len(values))
    return [(int(times[row]), _py(values[row]), row)]


def percentile(values, times, kind, args):
    n = len(values)
    i = math.floor(n * float(args[0]) / 100.0 + 0.5) - 1
    if i < 0 or i >= n:
        return []
    row = int(np.argsort(values, kind="stable")[i])
    return [(int(times[row]), _py(values[row]), row)]


def distinct(values, times, kind, args):
    seen = {}
    for r, v in enumerate(values.tolist()):
        seen.setdefault(v, r)
    rows = sorted(seen.values(), key=lambda r: (int(times[r]), values[r]))
    # distinct's points carry no tags: row None
    return [(int(times[r]), _py(values[r]), None) for r in rows]


def _top_bottom(values, times, n, top):
    # InfluxDB's heap keeps the n best by (value, then earlier time); equal points keep the first
    if n <= 0:
        return []
    sign = -1 if top else 1
    order = np.lexsort((np.arange(len(values)), times, sign * values))
    return [(int(times[r]), _py(values[r]), int(r)) for r in order[:n].tolist()]


def top(values, times, kind, args):
    return _top_bottom(values, times, int(args[0]), True)


def bottom(values, times, kind, args):
    return _top_bottom(values, times, int(args[0]), False)


def holt_winters_(values, times, kind, args):
    h, m, interval = int(args[0]), int(args[1]), int(args[2])
    with_fit = bool(args[3]) if len(args) > 3 else False
    at, vals = holt_winters(times, values.astype(np.float64), h=h, m=m, interval=interval, with_fit=with_fit)
    return [(int(t), float(v), None) for t, v in zip(at.tolist(), vals.tolist())]


# method -> (function, {input kind: output kind}, is simple selector, empty batch ok)
_NUM = ("f", "i")
_ALL = ("f", "i", "s", "b")
REDUCERS = {
    "count": (count, {k: "i" for k in _ALL}, False, True),
    "distinct": (distinct, {k: k for k in _ALL}, False, False),
    "mean": (mean, {"f": "f", "i": "f"}, False, False),
    "median": (median, {"f": "f", "i": "f"}, False, False),
    "mode": (mode, {"f": "f", "i": "i"}, False, False),
    "spread": (spread, {k: k for k in _NUM}, False, False),
    "sum": (sum_, {k: k for k in _NUM}, False, True),
    "first": (first, {k: k for k in _ALL}, True, False),
    "last": (last, {k: k for k in _ALL}, True, False),
    "min": (min_, {k: k for k in _NUM}, True, False),
    "max": (max_, {k: k for k in _NUM}, True, False),
    "percentile": (percentile, {k: k for k in _NUM}, True, False),
    "top": (top, {k: k for k in _NUM}, False, False),
    "bottom": (bottom, {k: k for k in _NUM}, False, False),
    "stddev": (stddev, {"f": "f", "i": "f"}, False, False),
    "holtWinters": (holt_winters_, {"f": "f", "i": "f"}, False, False),
}

# stream transformations (IsStreamTransformation): input kinds -> output kind
TRANSFORMS = {
    "elapsed": {k: "i" for k in _ALL},
    "difference": {k: k for k in _NUM},
    "movingAverage": {"f": "f", "i": "f"},
    "cumulativeSum": {k: k for k in _NUM},
}
