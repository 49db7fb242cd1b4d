"""InfluxQL's transformation functions over one ordered stream of points, vectorised.

A stream is the points of one output series in time order (``times`` int ns, ``values``):
raw points of a field, or the windows of an aggregate.  Each function returns the points it
emits, as InfluxDB 1.8's reducers in ``query/functions.go`` do:

* ``derivative(f[, unit])``: ``(v[i] - v[i-1]) / ((t[i] - t[i-1]) / unit)`` at ``t[i]``;
  ``non_negative_derivative`` drops the points where ``v`` fell.  The unit defaults to the
  GROUP BY interval, else one second.
* ``difference`` / ``non_negative_difference``: ``v[i] - v[i-1]`` (integers stay integers).
* ``elapsed(f[, unit])``: ``(t[i] - t[i-1]) / unit``, unit default 1 ns.
* ``moving_average(f, n)``: the mean of the last ``n`` points, from the ``n``-th on.
* ``cumulative_sum``: the running sum (integers stay integers).

Points at the same time as the one before them are skipped by the pairwise functions, as the
reducers skip points that do not advance the stream.
"""
import numpy as np

__all__ = ["TRANSFORMS", "apply"]

TRANSFORMS = ("derivative", "non_negative_derivative", "difference", "non_negative_difference",
              "elapsed", "moving_average", "cumulative_sum")


def _advancing(times):
    """Mask of points whose time is later than the previous point's (the first always)."""
    keep = np.ones(len(times), dtype=bool)
    keep[1:] = times[1:] != times[:-1]
    return keep


def _pairs(times, values):
    keep = _advancing(times)
    return times[keep], values[keep]


def apply(name, times, values, *, unit=None, window=None, descending=False):
    """``(times, values)`` emitted by transformation ``name`` over one stream.

    ``descending``: the stream runs backwards in time (``ORDER BY time DESC``); derivatives
    then divide by the positive elapsed time, as InfluxDB's reducers do.
    """
    if name in ("derivative", "non_negative_derivative"):
        t, v = _pairs(times, values)
        if len(t) < 2:
            return t[:0], np.zeros(0, dtype=np.float64)
        diff = v[1:].astype(np.float64) - v[:-1].astype(np.float64)
        elapsed = (t[1:] - t[:-1]).astype(np.float64)
        out = diff / ((-elapsed if descending else elapsed) / float(unit))
        if name == "non_negative_derivative":
            ok = diff >= 0
            return t[1:][ok], out[ok]
        return t[1:], out
    if name in ("difference", "non_negative_difference"):
        t, v = _pairs(times, values)
        if len(t) < 2:
            return t[:0], v[:0]
        with np.errstate(over="ignore"):
            diff = v[1:] - v[:-1]
        if name == "non_negative_difference":
            ok = diff >= 0
            return t[1:][ok], diff[ok]
        return t[1:], diff
    if name == "elapsed":
        t, _ = _pairs(times, values)
        if len(t) < 2:
            return t[:0], np.zeros(0, dtype=np.int64)
        return t[1:], (t[1:] - t[:-1]) // int(unit)
    if name == "moving_average":
        n = int(window)
        if len(values) < n:
            return times[:0], np.zeros(0, dtype=np.float64)
        c = np.concatenate(([0.0], np.cumsum(values.astype(np.float64))))
        return times[n - 1:], (c[n:] - c[:-n]) / n
    if name == "cumulative_sum":
        with np.errstate(over="ignore"):
            return times, np.cumsum(values)
    raise KeyError(name)
