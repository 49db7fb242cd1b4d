# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""InfluxQL's technical-analysis indicators over one stream: one typed loop per indicator.

Each loop performs the float64 operations of InfluxDB 1.8's ``gota`` indicators in the same order
as the reference twin ``machstore.influxql.technical_ref`` (which documents the semantics), and the
tests compare the two bit for bit.  The typed wrapper is ``machstore.influxql.technical``.
"""
from libc.math cimport fabs
from libc.stdlib cimport calloc, free

import numpy as np

cdef double KAMA_SPAN
cdef double KAMA_SLOW

# Exactly rounded Go constants (see technical_ref): 2/3 - 2/31 = 56/93 and 2/31.
from fractions import Fraction
KAMA_SPAN = float(Fraction(56, 93))
KAMA_SLOW = float(Fraction(2, 31))

# indicator codes, dispatched on once per call
cdef enum Kind:
    EMA, DEMA, TEMA, TRIX, RSI, CMOS, CMO, KER, KAMA

_KINDS = {
    "exponential_moving_average": EMA, "double_exponential_moving_average": DEMA,
    "triple_exponential_moving_average": TEMA, "triple_exponential_derivative": TRIX,
    "relative_strength_index": RSI, "kaufmans_efficiency_ratio": KER,
    "kaufmans_adaptive_moving_average": KAMA,
}
WARM_EXPONENTIAL, WARM_SIMPLE, WARM_NONE = 0, 1, -1


cdef struct Ema:
    long long period
    double alpha
    bint simple
    long long count
    double last


cdef inline void ema_init(Ema* e, long long period, int warmup) noexcept nogil:
    e.period = period
    e.alpha = 2.0 / <double>(period + 1)
    e.simple = warmup == 1
    e.count = 0
    e.last = 0.0


cdef inline bint ema_warmed(Ema* e) noexcept nogil:
    return e.count == e.period


cdef inline double ema_add(Ema* e, double v) noexcept nogil:
    cdef double avg, alpha
    if e.count == 0:
        avg = v
    elif not ema_warmed(e):
        if e.simple:
            avg = (e.last * <double>e.count + v) / <double>(e.count + 1)
        else:
            alpha = 2.0 / <double>(e.count + 2)
            avg = (v - e.last) * alpha + e.last
    else:
        avg = (v - e.last) * e.alpha + e.last
    e.last = avg
    if e.count < e.period:
        e.count += 1
    return avg


cdef void run_ema(int kind, const double* x, Py_ssize_t n, long long period, int warmup, double* out) noexcept nogil:
    """EMA, DEMA, TEMA and TRIX: up to three chained averages."""
    cdef Ema e1, e2, e3
    cdef Py_ssize_t i
    cdef double a1, a2, a3, cur, last = 0.0
    cdef bint exp_warm = warmup == 0
    ema_init(&e1, period, warmup)
    ema_init(&e2, period, warmup)
    ema_init(&e3, period, warmup)
    for i in range(n):
        if kind == EMA:
            out[i] = ema_add(&e1, x[i])
        elif kind == DEMA:
            a1 = ema_add(&e1, x[i])
            a2 = ema_add(&e2, a1) if ema_warmed(&e1) or exp_warm else a1
            out[i] = 2.0 * a1 - a2
        elif kind == TEMA:
            a1 = ema_add(&e1, x[i])
            a2 = ema_add(&e2, a1) if ema_warmed(&e1) or exp_warm else a1
            a3 = ema_add(&e3, a2) if ema_warmed(&e2) or exp_warm else a2
            out[i] = 3.0 * a1 - 3.0 * a2 + a3
        else:
            cur = ema_add(&e1, x[i])
            if ema_warmed(&e1) or exp_warm:
                cur = ema_add(&e2, cur)
                if ema_warmed(&e2) or exp_warm:
                    cur = ema_add(&e3, cur)
            out[i] = (cur / last - 1.0) * 100.0
            last = cur


cdef void run_up_down(int kind, const double* x, Py_ssize_t n, long long period, int warmup,
                      double* out) noexcept nogil:
    """RSI and the smoothed CMO: averages of gains and losses against the previous value."""
    cdef Ema up_e, down_e
    cdef Py_ssize_t i
    cdef double prev = 0.0, v, up, down
    ema_init(&up_e, period + 1, warmup)
    ema_init(&down_e, period + 1, warmup)
    up_e.alpha = 1.0 / <double>period
    down_e.alpha = 1.0 / <double>period
    for i in range(n):
        v = x[i]
        up = 0.0
        down = 0.0
        if v > prev:
            up = v - prev
        elif v < prev:
            down = prev - v
        ema_add(&up_e, up)
        ema_add(&down_e, down)
        prev = v
        if kind == RSI:
            out[i] = 100.0 - (100.0 / (1.0 + up_e.last / down_e.last))
        else:
            out[i] = 100.0 * ((up_e.last - down_e.last) / (up_e.last + down_e.last))


cdef void run_cmo(const double* x, Py_ssize_t n, Py_ssize_t size, double* prices, double* diffs,
                  double* out) noexcept nogil:
    """The unsmoothed CMO over a ring of ``size`` (gain or loss) differences."""
    cdef double up = 0.0, down = 0.0, diff, value, gone, v
    cdef Py_ssize_t i, idx = 0, oldest
    cdef long long count = 0
    for i in range(n):
        v = x[i]
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
            value = 100.0 * ((up - down) / (up + down))
        gone = diffs[oldest]
        if gone > 0:
            up -= gone
        elif gone < 0:
            down += gone
        prices[oldest] = v
        diffs[oldest] = diff
        idx = oldest
        count += 1
        out[i] = value


cdef void run_ker(int kind, const double* x, Py_ssize_t n, long long period, Py_ssize_t size,
                  double* prices, double* diffs, double* out) noexcept nogil:
    """Kaufman's efficiency ratio, and the adaptive moving average it drives."""
    cdef double noise = 0.0, signal, diff, v, er, sc, last = 0.0
    cdef Py_ssize_t i, idx = 0, oldest
    cdef long long count = 0
    for i in range(n):
        v = x[i]
        if kind == KAMA and count != period + 1:
            last = prices[idx]
        oldest = idx + 1
        if oldest >= size:
            oldest = 0
        signal = fabs(v - prices[oldest])
        diff = fabs(v - prices[idx])
        noise -= diffs[oldest]
        noise += diff
        idx = oldest
        prices[oldest] = v
        diffs[oldest] = diff
        if count != period + 1:
            count += 1
        if signal == 0 or noise == 0:
            er = 0.0
        else:
            er = signal / noise
        if kind == KER:
            out[i] = er
        else:
            sc = er * KAMA_SPAN + KAMA_SLOW
            sc = sc * sc
            last = last + sc * (v - last)
            out[i] = last


def run(str name, const double[::1] values not None, *, long long period, int warmup):
    """Per-point output of indicator ``name`` over ``values`` (float64 array, same length).

    ``warmup``: 0 exponential, 1 simple, -1 none (the unsmoothed CMO; other indicators ignore it).
    """
    cdef Py_ssize_t n = values.shape[0], size = 0
    cdef int kind
    cdef double* prices = NULL
    cdef double* diffs = NULL
    if period < 1:
        raise ValueError("period must be at least 1")
    if name == "chande_momentum_oscillator":
        kind = CMO if warmup == -1 else CMOS
    elif name in _KINDS:
        kind = _KINDS[name]
    else:
        raise KeyError(name)
    out = np.empty(n, dtype=np.float64)
    if n == 0:
        return out
    cdef double[::1] o = out
    cdef const double* x = &values[0]
    if kind == CMO or kind == KER or kind == KAMA:
        size = <Py_ssize_t>min(period - 1 if kind == CMO else period, n + 1)   # unwritten slots stay 0
        if size < 1:
            raise ValueError("chande_momentum_oscillator without a warmup type needs a period of at least 2")
        prices = <double*>calloc(size, sizeof(double))
        diffs = <double*>calloc(size, sizeof(double))
        if prices == NULL or diffs == NULL:
            free(prices)
            free(diffs)
            raise MemoryError()
    try:
        with nogil:
            if kind == EMA or kind == DEMA or kind == TEMA or kind == TRIX:
                run_ema(kind, x, n, period, warmup, &o[0])
            elif kind == RSI or kind == CMOS:
                run_up_down(kind, x, n, period, warmup, &o[0])
            elif kind == CMO:
                run_cmo(x, n, size, prices, diffs, &o[0])
            else:
                run_ker(kind, x, n, period, size, prices, diffs, &o[0])
    finally:
        free(prices)
        free(diffs)
    return out
