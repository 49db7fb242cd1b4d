"""Holt-Winters fitting as InfluxDB 1.8 does it, in plain Python: the reference twin of the kernel.

InfluxDB's ``holt_winters()`` (``FloatHoltWintersReducer`` in ``query/functions.go``) fits a damped
Holt-Winters model to a regular series ``y`` (NaN where a window had no value) by minimising the
sum of squared errors with its Nelder-Mead optimiser (``query/neldermead``), started from 16 guesses
of (alpha, beta, gamma, phi) in {0.3, 0.7}^4, and forecasts with the best parameters.  This module
follows both operation by operation, so that the same float64 roundings happen in the same order;
in particular:

* the objective *changes its argument*: it clamps alpha, beta, gamma and phi into [0, 1] in place
  and, for a seasonal model, uses the tail of the vector as the ring buffer of seasonal factors,
  so every simplex vertex the optimiser evaluates is rewritten by the evaluation;
* the damping sum adds ``phi ** t`` computed as Go's ``math.Pow`` computes an integer power
  (:func:`go_pow_int`: repeated squaring of the mantissa), not as C's ``pow``;
* the model's recursion feeds back its own one-step forecast, not the observed value (so only
  ``y[0]`` and the initial level, trend and seasonal factors drive the fit), as InfluxDB's does.

:func:`fit_forecast` returns the forecast over the ``len(y)`` fitted points plus ``h`` new ones.
The Cython kernel (``ext/holtwinters.pyx``, used through :mod:`.holtwinters`) is tested against it.
"""
import math

from .technical_ref import fdiv

__all__ = ["fit_forecast", "go_pow_int", "nelder_mead"]

_WEIGHT = 0.5                 # weight of the initial level and trend guesses (non-seasonal)
_EPSILON = 1.0e-4             # the optimiser's convergence bound
_GUESS_LOWER, _GUESS_UPPER, _GUESS_STEP = 0.3, 1.0, 0.4
_MAX_ITERATIONS = 1000
_REFLECT, _CONTRACT, _EXPAND = 1.0, 0.5, 2.0


def _ldexp(frac, exp):
    try:
        return math.ldexp(frac, exp)
    except OverflowError:
        return math.copysign(math.inf, frac)


def go_pow_int(x, n):
    """``x ** n`` for an integer ``n >= 1`` as Go's ``math.Pow`` computes it.

    Go multiplies the binary mantissa by itself (renormalised to [0.5, 1) after each squaring)
    along the bits of ``n`` and applies the exponent at the end; the result can differ from a
    correctly rounded power in the last bits.
    """
    if x == 1.0:
        return 1.0
    if n == 1:
        return x
    if math.isnan(x):
        return math.nan
    if x == 0.0:
        return x if n & 1 else 0.0
    if math.isinf(x):
        if x > 0:
            return math.inf
        return -math.inf if n & 1 else math.inf
    a1, ae = 1.0, 0
    x1, xe = math.frexp(x)
    i = n
    while i != 0:
        if xe < -(1 << 12) or (1 << 12) < xe:
            ae += xe   # catastrophic overflow or underflow: the exponent decides
            break
        if i & 1 == 1:
            a1 *= x1
            ae += xe
        x1 *= x1
        xe <<= 1
        if x1 < 0.5:
            x1 += x1
            xe -= 1
        i >>= 1
    return _ldexp(a1, ae)


class _Model:
    """The series and season length; ``forecast`` and ``sse`` are InfluxDB's, argument rewriting included."""

    def __init__(self, y, m):
        self.y = y
        self.m = m
        self.seasonal = m >= 2

    def forecast(self, h, params):
        """The fitted values and ``h`` forecasts; clamps ``params[0:4]`` and rewrites ``params[6:]``."""
        for i in range(4):
            if params[i] > 1:
                params[i] = 1.0
            if params[i] < 0:
                params[i] = 0.0
        y = self.y
        alpha, beta, gamma, phi = params[0], params[1], params[2], params[3]
        y_t = y[0]
        phi_h = phi
        level, trend = params[4], params[5]
        m = so = 0
        if self.seasonal:
            m = len(params) - 6
            if m == 1:
                params[6] = 1.0
            so = m - 1
        n = len(y)
        out = [0.0] * (n + h)
        out[0] = y_t
        s_tm = s_tmh = 1.0
        for t in range(1, n + h):
            if self.seasonal:
                hm = t % m
                s_tm = params[6 + (t - m + so) % m]
                s_tmh = params[6 + (t - m + hm + so) % m]
            # one step of the damped recursion
            prev_level = level
            level = alpha * fdiv(y_t, s_tm) + (1 - alpha) * (prev_level + phi * trend)
            new_trend = beta * (level - prev_level) + (1 - beta) * phi * trend
            season = gamma * fdiv(y_t, prev_level + phi * trend) + (1 - gamma) * s_tm
            trend = new_trend
            y_t = (level + phi_h * trend) * s_tmh
            phi_h += go_pow_int(phi, t)
            if self.seasonal:
                params[6 + (t + so) % m] = season
                so += 1
            out[t] = y_t
        return out

    def sse(self, params):
        """Sum of squared errors of the fit over the known values (inf if the fit gives NaN)."""
        total = 0.0
        fitted = self.forecast(0, params)
        for i, f in enumerate(fitted):
            yi = self.y[i]
            if not math.isnan(yi):
                if math.isnan(f):
                    return math.inf
                diff = f - yi
                total += diff * diff
        return total


def nelder_mead(objective, start, epsilon, scale):
    """InfluxDB's Nelder-Mead simplex minimiser: ``(minimum, parameters)``.

    ``objective`` may rewrite the vector it is given (InfluxDB's Holt-Winters objective does);
    the simplex keeps what it wrote, as Go's slices do.
    """
    n = len(start)
    v = [[0.0] * n for _ in range(n + 1)]
    f = [0.0] * (n + 1)
    pn = scale * (math.sqrt(float(n + 1)) - 1 + float(n)) / (float(n) * math.sqrt(2))
    qn = scale * (math.sqrt(float(n + 1)) - 1) / (float(n) * math.sqrt(2))
    for i in range(n):
        v[0][i] = start[i]
    for i in range(1, n + 1):
        for j in range(n):
            v[i][j] = (pn if i - 1 == j else qn) + start[j]
    for j in range(n + 1):
        f[j] = objective(v[j])
    for _ in range(_MAX_ITERATIONS):
        vg = vs = 0
        for i in range(n + 1):
            if f[i] > f[vg]:
                vg = i
            if f[i] < f[vs]:
                vs = i
        vh = vs
        for i in range(n + 1):
            if f[i] > f[vh] and f[i] < f[vg]:
                vh = i
        vm = [0.0] * n
        for i in range(n):
            cent = 0.0
            for k in range(n + 1):
                if k != vg:
                    cent += v[k][i]
            vm[i] = cent / float(n)
        vr = [vm[i] + _REFLECT * (vm[i] - v[vg][i]) for i in range(n)]
        fr = objective(vr)
        if f[vh] > fr >= f[vs]:
            v[vg][:] = vr
            f[vg] = fr
        if fr < f[vs]:
            ve = [vm[i] + _EXPAND * (vr[i] - vm[i]) for i in range(n)]
            fe = objective(ve)
            if fe < fr:
                v[vg][:] = ve
                f[vg] = fe
            else:
                v[vg][:] = vr
                f[vg] = fr
        if fr >= f[vh]:
            if f[vg] > fr >= f[vh]:
                vc = [vm[i] + _CONTRACT * (vr[i] - vm[i]) for i in range(n)]   # outside contraction
            else:
                vc = [vm[i] - _CONTRACT * (vm[i] - v[vg][i]) for i in range(n)]   # inside contraction
            fc = objective(vc)
            if fc < f[vg]:
                v[vg][:] = vc
                f[vg] = fc
            else:   # shrink the simplex toward the best vertex
                for row in range(n + 1):
                    if row != vs:
                        for i in range(n):
                            v[row][i] = v[vs][i] + (v[row][i] - v[vs][i]) / 2.0
                f[vg] = objective(v[vg])
                f[vh] = objective(v[vh])
        fsum = 0.0
        for i in range(n + 1):
            fsum += f[i]
        favg = fsum / float(n + 1)
        s = 0.0
        for i in range(n + 1):
            d = f[i] - favg
            s += d * d / float(n)
        s = math.sqrt(s)
        if s < epsilon:
            break
    vs = 0
    for i in range(n + 1):
        if f[i] < f[vs]:
            vs = i
    parameters = list(v[vs])
    minimum = objective(v[vs])
    return minimum, parameters


def fit_forecast(y, m, h):
    """InfluxDB's Holt-Winters over ``y`` (floats, NaN = no value): ``len(y) + h`` fitted/forecast values.

    ``m`` is the season length (below 2: no season).  ``y`` must hold at least 2 values and, with
    a season, at least ``m``.
    """
    y = [float(v) for v in y]
    model = _Model(y, m)
    seasonal = model.seasonal
    level = 0.0
    if seasonal:
        for i in range(m):
            if not math.isnan(y[i]):
                level += (1 / float(m)) * y[i]
    else:
        level += _WEIGHT * y[0]
    trend = 0.0
    if seasonal:
        i = 0
        while i < m and m + i < len(y):
            if not math.isnan(y[i]) and not math.isnan(y[m + i]):
                trend += 1 / float(m * m) * (y[m + i] - y[i])
            i += 1
    elif not math.isnan(y[1]):
        trend = _WEIGHT * (y[1] - y[0])
    seasons = [(fdiv(y[i], level) if not math.isnan(y[i]) else 0.0) for i in range(m)] if seasonal else []
    params = [0.0, 0.0, 0.0, 0.0, level, trend] + seasons
    best_sse, best = math.inf, None
    alpha = _GUESS_LOWER
    while alpha < _GUESS_UPPER:
        beta = _GUESS_LOWER
        while beta < _GUESS_UPPER:
            gamma = _GUESS_LOWER
            while gamma < _GUESS_UPPER:
                phi = _GUESS_LOWER
                while phi < _GUESS_UPPER:
                    params[0:4] = [alpha, beta, gamma, phi]
                    sse, found = nelder_mead(model.sse, params, _EPSILON, 1.0)
                    if sse < best_sse or best is None:
                        best_sse, best = sse, found
                    phi += _GUESS_STEP
                gamma += _GUESS_STEP
            beta += _GUESS_STEP
        alpha += _GUESS_STEP
    return model.forecast(h, best)
