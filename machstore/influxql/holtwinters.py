"""``holt_winters()`` / ``holt_winters_with_fit()`` over one series of window values, as InfluxDB 1.8.

InfluxDB's reducer (``FloatHoltWintersReducer``) places the points on a grid of the GROUP BY
interval (each time rounded to the nearest multiple of the interval, a later point in an
already-used slot dropped, NaN where a slot has no point), fits its damped Holt-Winters model
(the search is in the kernel ``ext/holtwinters.pyx``; its reference twin and the details are in
:mod:`.holtwinters_ref`) and answers

* ``holt_winters(x, h, m)``: the ``h`` forecasts, at the last point's time plus 1..h intervals;
* ``holt_winters_with_fit(x, h, m)``: the fitted values too, at the first point's time plus
  0, 1, ... intervals;

leaving out NaN values.  Fewer than 2 points, fewer than ``m`` with a season, or a single slot,
give no points.
"""
import numpy as np

from machstore import _ext_holtwinters as _kernel

__all__ = ["holt_winters", "slots"]


def _round(times, interval):
    """InfluxDB's overflow-safe rounding of times to the interval (Go's truncating division)."""
    q = _go_quotient(times, interval)
    rem = times - q * interval
    return np.where(rem > interval // 2, (q + 1) * interval, q * interval)


def _go_quotient(a, b):
    """Go's ``a / b`` on int64 (truncates toward zero)."""
    q = a // b
    return np.where((a % b != 0) & (a < 0), q + 1, q)


def slots(times, values, interval):
    """The regular series InfluxDB fits: one value per interval slot from the first point's, NaN if none."""
    rounded = _round(np.asarray(times, dtype=np.int64), int(interval))
    start = int(rounded[0])
    keep = np.ones(len(rounded), dtype=bool)
    # a point whose slot is not later than the last kept one is dropped
    best = np.maximum.accumulate(rounded)
    keep[1:] = rounded[1:] > best[:-1]
    idx = (rounded[keep] - start) // int(interval)
    y = np.full(int(idx[-1]) + 1, np.nan)
    y[idx] = np.asarray(values, dtype=np.float64)[keep]
    return y


def holt_winters(times, values, *, h, m, interval, with_fit=False):
    """``(times, values)`` InfluxDB's Holt-Winters emits for one series of points (time order)."""
    times = np.asarray(times, dtype=np.int64)
    n = len(times)
    empty = (np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float64))
    if n < 2 or (m >= 2 and n < m) or h <= 0:
        return empty
    rounded = _round(times[[0, -1]], int(interval))
    if (int(rounded[1]) - int(rounded[0])) // int(interval) <= 0:
        return empty
    y = slots(times, values, interval)
    if m >= 2 and len(y) < m:
        return empty   # NOTE: InfluxDB would index past its series here (a Go panic)
    out = _kernel.fit_forecast(y, m=int(m), h=int(h))
    if with_fit:
        at = int(times[0]) + int(interval) * np.arange(len(out), dtype=np.int64)
    else:
        out = out[len(y):]
        at = int(times[-1]) + int(interval) * np.arange(1, len(out) + 1, dtype=np.int64)
    ok = ~np.isnan(out)
    return at[ok], out[ok]
