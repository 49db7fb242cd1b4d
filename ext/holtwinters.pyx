# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Holt-Winters fit and forecast as InfluxDB 1.8 computes them (its Nelder-Mead search included).

The reference twin is ``machstore.influxql.holtwinters_ref``: this kernel performs the same float64
operations in the same order (the design note ``ext/holtwinters.md`` lists what must not change),
and the tests compare the two bit for bit.  The typed wrapper is ``machstore.influxql.holtwinters``.
"""
from libc.math cimport frexp, ldexp, sqrt
from libc.stdlib cimport free, malloc

import numpy as np

cdef double NAN = float("nan")
cdef double INF = float("inf")
cdef double WEIGHT = 0.5
cdef double EPSILON = 1.0e-4
cdef double GUESS_LOWER = 0.3
cdef double GUESS_UPPER = 1.0
cdef double GUESS_STEP = 0.4
cdef int MAX_ITERATIONS = 1000


cdef struct Model:
    const double* y     # the series, NaN where a window had no value
    Py_ssize_t n        # its length
    Py_ssize_t m        # season length (0 when not seasonal)
    bint seasonal
    double* fitted      # scratch: n + h values


cdef inline bint isnan_(double x) noexcept nogil:
    return x != x


cdef double go_pow_int(double x, long long n) noexcept nogil:
    """Go's ``math.Pow(x, n)`` for an integer ``n >= 1``: mantissa squaring along the bits of ``n``."""
    cdef double a1 = 1.0, x1
    cdef int ae = 0, xe
    cdef long long i
    if x == 1.0:
        return 1.0
    if n == 1:
        return x
    if isnan_(x):
        return NAN
    if x == 0.0:
        return x if n & 1 else 0.0
    if x == INF:
        return INF
    if x == -INF:
        return -INF if n & 1 else INF
    x1 = frexp(x, &xe)
    i = n
    while i != 0:
        if xe < -(1 << 12) or (1 << 12) < xe:
            ae += xe
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
    return ldexp(a1, ae)


cdef void forecast(Model* md, Py_ssize_t h, double* params) noexcept nogil:
    """Fill ``md.fitted[0:n+h]``; clamp ``params[0:4]`` and rewrite ``params[6:]`` as InfluxDB does."""
    cdef Py_ssize_t i, t, m = 0, so = 0, hm, total = md.n + h
    cdef double alpha, beta, gamma, phi, phi_h, y_t, level, trend, prev_level, new_trend, season
    cdef double s_tm = 1.0, s_tmh = 1.0
    cdef double* seasons = params + 6
    for i in range(4):
        if params[i] > 1:
            params[i] = 1.0
        if params[i] < 0:
            params[i] = 0.0
    alpha = params[0]
    beta = params[1]
    gamma = params[2]
    phi = params[3]
    y_t = md.y[0]
    phi_h = phi
    level = params[4]
    trend = params[5]
    if md.seasonal:
        m = md.m
        if m == 1:
            seasons[0] = 1.0
        so = m - 1
    md.fitted[0] = y_t
    for t in range(1, total):
        if md.seasonal:
            hm = t % m
            s_tm = seasons[(t - m + so) % m]
            s_tmh = seasons[(t - m + hm + so) % m]
        prev_level = level
        level = alpha * (y_t / s_tm) + (1 - alpha) * (prev_level + phi * trend)
        new_trend = beta * (level - prev_level) + (1 - beta) * phi * trend
        season = gamma * (y_t / (prev_level + phi * trend)) + (1 - gamma) * s_tm
        trend = new_trend
        y_t = (level + phi_h * trend) * s_tmh
        phi_h += go_pow_int(phi, t)
        if md.seasonal:
            seasons[(t + so) % m] = season
            so += 1
        md.fitted[t] = y_t


cdef double sse(Model* md, double* params) noexcept nogil:
    cdef double total = 0.0, diff
    cdef Py_ssize_t i
    forecast(md, 0, params)
    for i in range(md.n):
        if not isnan_(md.y[i]):
            if isnan_(md.fitted[i]):
                return INF
            diff = md.fitted[i] - md.y[i]
            total += diff * diff
    return total


cdef struct Simplex:
    double* v       # (n + 1) x n vertices
    double* f       # n + 1 values
    double* vr
    double* ve
    double* vc
    double* vm


cdef double nelder_mead(Model* md, Simplex* sx, const double* start, Py_ssize_t n, double* out) noexcept nogil:
    """InfluxDB's Nelder-Mead from ``start`` (scale 1): the minimum; the parameters go to ``out``."""
    cdef double* v = sx.v
    cdef double* f = sx.f
    cdef double* vr = sx.vr
    cdef double* ve = sx.ve
    cdef double* vc = sx.vc
    cdef double* vm = sx.vm
    cdef double scale = 1.0
    cdef double pn = scale * (sqrt(<double>(n + 1)) - 1 + <double>n) / (<double>n * sqrt(2.0))
    cdef double qn = scale * (sqrt(<double>(n + 1)) - 1) / (<double>n * sqrt(2.0))
    cdef double fr, fe, fc, cent, fsum, favg, s, d
    cdef Py_ssize_t i, j, k, row, vg, vs, vh
    cdef int itr
    for i in range(n):
        v[i] = start[i]
    for i in range(1, n + 1):
        for j in range(n):
            v[i * n + j] = (pn if i - 1 == j else qn) + start[j]
    for j in range(n + 1):
        f[j] = sse(md, v + j * n)
    for itr in range(MAX_ITERATIONS):
        vg = 0
        vs = 0
        for i in range(n + 1):
            if f[i] > f[vg]:
                vg = i
            if f[i] < f[vs]:
                vs = i
        vh = vs
        for i in range(n + 1):
            if f[i] > f[vh] and f[i] < f[vg]:
                vh = i
        for i in range(n):
            cent = 0.0
            for k in range(n + 1):
                if k != vg:
                    cent += v[k * n + i]
            vm[i] = cent / <double>n
        for i in range(n):
            vr[i] = vm[i] + 1.0 * (vm[i] - v[vg * n + i])
        fr = sse(md, vr)
        if fr < f[vh] and fr >= f[vs]:
            for i in range(n):
                v[vg * n + i] = vr[i]
            f[vg] = fr
        if fr < f[vs]:
            for i in range(n):
                ve[i] = vm[i] + 2.0 * (vr[i] - vm[i])
            fe = sse(md, ve)
            if fe < fr:
                for i in range(n):
                    v[vg * n + i] = ve[i]
                f[vg] = fe
            else:
                for i in range(n):
                    v[vg * n + i] = vr[i]
                f[vg] = fr
        if fr >= f[vh]:
            if fr < f[vg] and fr >= f[vh]:
                for i in range(n):
                    vc[i] = vm[i] + 0.5 * (vr[i] - vm[i])
            else:
                for i in range(n):
                    vc[i] = vm[i] - 0.5 * (vm[i] - v[vg * n + i])
            fc = sse(md, vc)
            if fc < f[vg]:
                for i in range(n):
                    v[vg * n + i] = vc[i]
                f[vg] = fc
            else:
                for row in range(n + 1):
                    if row != vs:
                        for i in range(n):
                            v[row * n + i] = v[vs * n + i] + (v[row * n + i] - v[vs * n + i]) / 2.0
                f[vg] = sse(md, v + vg * n)
                f[vh] = sse(md, v + vh * n)
        fsum = 0.0
        for i in range(n + 1):
            fsum += f[i]
        favg = fsum / <double>(n + 1)
        s = 0.0
        for i in range(n + 1):
            d = f[i] - favg
            s += d * d / <double>n
        s = sqrt(s)
        if s < EPSILON:
            break
    vs = 0
    for i in range(n + 1):
        if f[i] < f[vs]:
            vs = i
    for i in range(n):
        out[i] = v[vs * n + i]
    return sse(md, v + vs * n)


cdef int fit(Model* md, Py_ssize_t h, double* params, double* best, Simplex* sx) except -1 nogil:
    """Initial guesses, the 16 searches, and the forecast with the best parameters into ``md.fitted``."""
    cdef const double* y = md.y
    cdef Py_ssize_t m = md.m, i, np_ = 6 + (md.m if md.seasonal else 0)
    cdef double level = 0.0, trend = 0.0, best_sse = INF, found_sse
    cdef double alpha, beta, gamma, phi
    cdef bint have_best = False
    cdef double* found = params + np_      # second half of the params buffer
    if md.seasonal:
        for i in range(m):
            if not isnan_(y[i]):
                level += (1 / <double>m) * y[i]
        i = 0
        while i < m and m + i < md.n:
            if not isnan_(y[i]) and not isnan_(y[m + i]):
                trend += 1 / <double>(m * m) * (y[m + i] - y[i])
            i += 1
        for i in range(m):
            params[6 + i] = y[i] / level if not isnan_(y[i]) else 0.0
    else:
        level += WEIGHT * y[0]
        if not isnan_(y[1]):
            trend = WEIGHT * (y[1] - y[0])
    params[4] = level
    params[5] = trend
    alpha = GUESS_LOWER
    while alpha < GUESS_UPPER:
        beta = GUESS_LOWER
        while beta < GUESS_UPPER:
            gamma = GUESS_LOWER
            while gamma < GUESS_UPPER:
                phi = GUESS_LOWER
                while phi < GUESS_UPPER:
                    params[0] = alpha
                    params[1] = beta
                    params[2] = gamma
                    params[3] = phi
                    found_sse = nelder_mead(md, sx, params, np_, found)
                    if found_sse < best_sse or not have_best:
                        best_sse = found_sse
                        for i in range(np_):
                            best[i] = found[i]
                        have_best = True
                    phi += GUESS_STEP
                gamma += GUESS_STEP
            beta += GUESS_STEP
        alpha += GUESS_STEP
    forecast(md, h, best)
    return 0


def fit_forecast(const double[::1] y not None, *, Py_ssize_t m, Py_ssize_t h):
    """The ``len(y) + h`` fitted and forecast values of InfluxDB's Holt-Winters over ``y``.

    ``m``: season length (below 2: none); ``y`` needs at least 2 values, and ``m`` with a season.
    """
    cdef Py_ssize_t n = y.shape[0], np_, k
    cdef Model md
    cdef Simplex sx
    cdef double* buf
    if h < 0:
        raise ValueError("h must not be negative")
    if n < 2 or (m >= 2 and n < m):
        raise ValueError("not enough values for the model")
    md.y = &y[0]
    md.n = n
    md.seasonal = m >= 2
    md.m = m if md.seasonal else 0
    np_ = 6 + md.m
    k = np_ + 1
    out = np.empty(n + h, dtype=np.float64)
    cdef double[::1] out_view = out
    # one allocation: params (2 * np_), best (np_), simplex (k * np_ + k + 4 * np_)
    buf = <double*>malloc(sizeof(double) * (3 * np_ + k * np_ + k + 4 * np_))
    if buf == NULL:
        raise MemoryError()
    try:
        sx.v = buf + 3 * np_
        sx.f = sx.v + k * np_
        sx.vr = sx.f + k
        sx.ve = sx.vr + np_
        sx.vc = sx.ve + np_
        sx.vm = sx.vc + np_
        md.fitted = &out_view[0]
        with nogil:
            fit(&md, h, buf, buf + 2 * np_, &sx)
    finally:
        free(buf)
    return out
