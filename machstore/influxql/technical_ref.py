"""InfluxQL's technical-analysis functions, one point at a time: the reference twin of the kernels.

Plain Python, written to follow InfluxDB 1.8's reducers (``query/functions.go``) over its ``gota``
indicators (``query/internal/gota``) operation by operation, so the same float64 roundings happen
in the same order.  It is the oracle the Cython kernels (``ext/technical.pyx``, wrapped by
:mod:`.technical`) are tested against; production runs the kernels.

Every function reads a stream of float64 values (one series in time order) and returns, per
input point, the value the indicator emits after that point and whether it is emitted:

* a point is emitted once more than ``hold`` points have been added (``hold`` is the hold
  period of the call, or the indicator's warm-up count when the query gives -1 or nothing);
* ``kaufmans_efficiency_ratio``, ``kaufmans_adaptive_moving_average`` and
  ``triple_exponential_derivative`` also drop infinite values.

Warm-up types: ``WARM_EXPONENTIAL`` (the alpha is scaled while warming), ``WARM_SIMPLE`` (a plain
average while warming), and for ``chande_momentum_oscillator`` only ``WARM_NONE``: the unsmoothed
oscillator over a window of ``period - 1`` differences.
"""
import math
from fractions import Fraction

__all__ = ["NAMES", "WARM_EXPONENTIAL", "WARM_NONE", "WARM_SIMPLE", "fdiv", "run", "warm_count"]

NAMES = ("exponential_moving_average", "double_exponential_moving_average", "triple_exponential_moving_average",
         "relative_strength_index", "triple_exponential_derivative", "kaufmans_efficiency_ratio",
         "kaufmans_adaptive_moving_average", "chande_momentum_oscillator")
WARM_EXPONENTIAL, WARM_SIMPLE, WARM_NONE = 0, 1, -1

# KAMA's smoothing constants are Go constant expressions, so each is computed exactly and rounded
# once: 2/(2+1) - 2/(30+1) and 2/(30+1).
_KAMA_SPAN = float(Fraction(2, 3) - Fraction(2, 31))
_KAMA_SLOW = float(Fraction(2, 31))
# reducers that drop an infinite result
_DROP_INF = {"kaufmans_efficiency_ratio", "kaufmans_adaptive_moving_average", "triple_exponential_derivative"}


def fdiv(a, b):
    """``a / b`` as IEEE 754 divides (Python raises on a zero divisor; Go gives inf or NaN)."""
    try:
        return a / b
    except ZeroDivisionError:
        if math.isnan(a) or a == 0.0:
            return math.nan
        return math.copysign(math.inf, a) * math.copysign(1.0, b)


class _Ema:
    """An exponential moving average of ``period``, warmed exponentially or by a simple average."""

    __slots__ = ("alpha", "count", "last", "period", "simple")

    def __init__(self, period, warmup, alpha=None):
        self.period = period
        self.alpha = 2.0 / float(period + 1) if alpha is None else alpha
        self.simple = warmup == WARM_SIMPLE
        self.count = 0
        self.last = 0.0

    def warmed(self):
        return self.count == self.period

    def add(self, v):
        if self.count == 0:
            avg = v
        elif not self.warmed():
            if self.simple:
                avg = (self.last * float(self.count) + v) / float(self.count + 1)
            else:   # a larger alpha while warming, so the first values do not weigh too much
                alpha = 2.0 / float(self.count + 2)
                avg = (v - self.last) * alpha + self.last
        else:
            avg = (v - self.last) * self.alpha + self.last
        self.last = avg
        if self.count < self.period:
            self.count += 1
        return avg


def _ema(values, period, warmup):
    e = _Ema(period, warmup)
    return [e.add(v) for v in values]


def _dema(values, period, warmup):
    e1, e2 = _Ema(period, warmup), _Ema(period, warmup)
    out = []
    for v in values:
        a1 = e1.add(v)
        a2 = e2.add(a1) if e1.warmed() or warmup == WARM_EXPONENTIAL else a1
        out.append(2.0 * a1 - a2)
    return out


def _tema(values, period, warmup):
    e1, e2, e3 = _Ema(period, warmup), _Ema(period, warmup), _Ema(period, warmup)
    out = []
    for v in values:
        a1 = e1.add(v)
        a2 = e2.add(a1) if e1.warmed() or warmup == WARM_EXPONENTIAL else a1
        a3 = e3.add(a2) if e2.warmed() or warmup == WARM_EXPONENTIAL else a2
        out.append(3.0 * a1 - 3.0 * a2 + a3)
    return out


def _trix(values, period, warmup):
    e1, e2, e3 = _Ema(period, warmup), _Ema(period, warmup), _Ema(period, warmup)
    last = 0.0
    out = []
    for v in values:
        cur = e1.add(v)
        if e1.warmed() or warmup == WARM_EXPONENTIAL:
            cur = e2.add(cur)
            if e2.warmed() or warmup == WARM_EXPONENTIAL:
                cur = e3.add(cur)
        out.append((fdiv(cur, last) - 1.0) * 100.0)
        last = cur
    return out


def _up_down(values, period, warmup, last_of):
    """Smoothed gains and losses against the previous value (the first against 0), for RSI and CMOS."""
    up_ema = _Ema(period + 1, warmup, alpha=1.0 / float(period))
    down_ema = _Ema(period + 1, warmup, alpha=1.0 / float(period))
    prev = 0.0
    out = []
    for v in values:
        up = down = 0.0
        if v > prev:
            up = v - prev
        elif v < prev:
            down = prev - v
        up_ema.add(up)
        down_ema.add(down)
        prev = v
        out.append(last_of(up_ema.last, down_ema.last))
    return out


def _rsi(values, period, warmup):
    return _up_down(values, period, warmup, lambda up, down: 100.0 - fdiv(100.0, 1.0 + fdiv(up, down)))


def _cmo_smoothed(values, period, warmup):
    return _up_down(values, period, warmup, lambda up, down: 100.0 * fdiv(up - down, up + down))


def _cmo(values, period):
    """The unsmoothed oscillator: sums of the gains and losses over a ring of ``period - 1`` points."""
    size = period - 1
    if size < 1 and len(values):
        raise ValueError("chande_momentum_oscillator without a warmup type needs a period of at least 2")
    size = min(size, len(values) + 1)   # slots past the stream's length are never written
    prices, diffs = [0.0] * size, [0.0] * size
    up = down = 0.0
    idx = 0
    out = []
    for count, v in enumerate(values):
        oldest = idx + 1
        if oldest == size:
            oldest = 0
        diff = 0.0
        if count != 0:
            diff = v - prices[idx]
            if diff > 0:
                up += diff
            elif diff < 0:
                down -= diff
        value = 0.0
        if up != 0 or down != 0:
            value = 100.0 * fdiv(up - down, up + down)
        gone = diffs[oldest]
        if gone > 0:
            up -= gone
        elif gone < 0:
            down += gone
        prices[oldest], diffs[oldest] = v, diff
        idx = oldest
        out.append(value)
    return out


class _Ker:
    """Kaufman's efficiency ratio: |change over ``period`` points| / sum of |changes| (0 if either is 0)."""

    __slots__ = ("count", "diffs", "idx", "noise", "period", "prices", "size")

    def __init__(self, period, n):
        self.size = min(period, n + 1)   # slots past the stream's length are never written
        self.prices, self.diffs = [0.0] * self.size, [0.0] * self.size
        self.noise = 0.0
        self.count = 0
        self.idx = 0
        self.period = period

    def warmed(self):
        return self.count == self.period + 1

    def add(self, v):
        oldest = self.idx + 1
        if oldest >= self.size:
            oldest = 0
        signal = abs(v - self.prices[oldest])
        diff = abs(v - self.prices[self.idx])
        self.noise -= self.diffs[oldest]
        self.noise += diff
        self.idx = oldest
        self.prices[oldest], self.diffs[oldest] = v, diff
        if not self.warmed():
            self.count += 1
        if signal == 0 or self.noise == 0:
            return 0.0
        return signal / self.noise


def _ker(values, period):
    k = _Ker(period, len(values))
    return [k.add(v) for v in values]


def _kama(values, period):
    k = _Ker(period, len(values))
    last = 0.0
    out = []
    for v in values:
        if not k.warmed():
            last = k.prices[k.idx]   # start from the previous value
        er = k.add(v)
        sc = er * _KAMA_SPAN + _KAMA_SLOW
        sc = sc * sc
        last = last + sc * (v - last)
        out.append(last)
    return out


def warm_count(name, period, warmup):
    """The indicator's warm-up count: the hold period a call without one (or with -1) uses."""
    exponential = warmup == WARM_EXPONENTIAL
    if name == "exponential_moving_average":
        return period - 1
    if name == "double_exponential_moving_average":
        return period - 1 if exponential else 2 * (period - 1)
    if name == "triple_exponential_moving_average":
        return period - 1 if exponential else 3 * (period - 1)
    if name == "triple_exponential_derivative":
        return period if exponential else 3 * (period - 1) + 1
    if name in ("relative_strength_index",):
        return period
    if name == "chande_momentum_oscillator":
        return period - 1 if warmup == WARM_NONE else period
    if name in ("kaufmans_efficiency_ratio", "kaufmans_adaptive_moving_average"):
        return period
    raise KeyError(name)


def run(name, values, period, hold, warmup):
    """``(emitted, out)`` of indicator ``name`` over ``values``: per point a bool and a float.

    ``hold`` -1 means the warm-up count; it counts as Go's uint32 does.
    """
    values = [float(v) for v in values]
    if name == "exponential_moving_average":
        out = _ema(values, period, warmup)
    elif name == "double_exponential_moving_average":
        out = _dema(values, period, warmup)
    elif name == "triple_exponential_moving_average":
        out = _tema(values, period, warmup)
    elif name == "triple_exponential_derivative":
        out = _trix(values, period, warmup)
    elif name == "relative_strength_index":
        out = _rsi(values, period, warmup)
    elif name == "chande_momentum_oscillator":
        out = _cmo(values, period) if warmup == WARM_NONE else _cmo_smoothed(values, period, warmup)
    elif name == "kaufmans_efficiency_ratio":
        out = _ker(values, period)
    elif name == "kaufmans_adaptive_moving_average":
        out = _kama(values, period)
    else:
        raise KeyError(name)
    if hold == -1:
        hold = warm_count(name, period, warmup)
    hold &= 0xFFFFFFFF
    drop_inf = name in _DROP_INF
    emitted = [i + 1 > hold and not (drop_inf and math.isinf(v)) for i, v in enumerate(out)]
    return emitted, out
