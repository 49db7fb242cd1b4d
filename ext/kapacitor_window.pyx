# cython: language_level=3
"""Kapacitor window and batch-reduce kernels over whole chunks (twins: machstore.kapacitor.nodes.window_kernel).

``trigger_scan``: the rows of many groups' time windows, sorted by group (each group's rows a
contiguous *segment*, its carried buffer first, then the new chunk's rows in arrival order,
all in time order), scanned with Kapacitor's rule (``window.go``): a new row at or after its
group's next-emit time emits ``[nextEmit - period, nextEmit)`` (the rows before it, purged from
the front while older than ``nextEmit - period``) and moves next-emit to its time + every
(Go-truncated to every with align).  ``segment_sums_*`` / ``segment_stddev``: per-segment
reductions that add in arrival order, as Kapacitor's reducers do (numpy's pairwise sums
would round differently).
"""
import numpy as np

from libc.math cimport isnan, sqrt
from libc.stdint cimport int64_t, uint64_t


cdef inline int64_t _align(int64_t t, int64_t every, int64_t offset) nogil:
    # Go's Time.Truncate(every) counted from year 1: t - (t + offset) mod every (floored modulo)
    cdef int64_t r = (t + offset) % every
    if r < 0:
        r += every
    return t - r


def trigger_scan(const int64_t[::1] times, const int64_t[::1] seg_start, const int64_t[::1] first_new,
                 int64_t[::1] next_emit, *, int64_t period, int64_t every, bint align, int64_t offset):
    """``(hi, lo, tmax, group, keep_from)``: per emitted window the segment rows ``[lo, hi)`` (``hi``
    the triggering row), its time and group; per group the first row its buffer keeps.

    ``next_emit`` (per group) is updated in place.  ``every`` must be > 0.
    """
    cdef Py_ssize_t ngroups = seg_start.shape[0] - 1
    cdef Py_ssize_t cap = 0
    cdef Py_ssize_t g, j, lo, end, k = 0
    cdef int64_t ne, oldest, t
    if every <= 0:
        raise ValueError("trigger_scan needs every > 0")
    if first_new.shape[0] != ngroups or next_emit.shape[0] != ngroups:
        raise ValueError("seg_start, first_new and next_emit disagree on the number of groups")
    for g in range(ngroups):
        cap += seg_start[g + 1] - first_new[g]
    hi_a = np.empty(cap, dtype=np.int64)
    lo_a = np.empty(cap, dtype=np.int64)
    tm_a = np.empty(cap, dtype=np.int64)
    gr_a = np.empty(cap, dtype=np.int64)
    keep_a = np.empty(ngroups, dtype=np.int64)
    cdef int64_t[::1] hi_v = hi_a, lo_v = lo_a, tm_v = tm_a, gr_v = gr_a, keep_v = keep_a
    with nogil:
        for g in range(ngroups):
            lo = seg_start[g]
            end = seg_start[g + 1]
            ne = next_emit[g]
            for j in range(first_new[g], end):
                t = times[j]
                if t >= ne:
                    oldest = ne - period
                    while lo < j and times[lo] < oldest:
                        lo += 1
                    hi_v[k] = j
                    lo_v[k] = lo
                    tm_v[k] = ne
                    gr_v[k] = g
                    k += 1
                    ne = t + every
                    if align:
                        ne = _align(ne, every, offset)
            next_emit[g] = ne
            keep_v[g] = lo
    return hi_a[:k], lo_a[:k], tm_a[:k], gr_a[:k], keep_a


def segment_sums_float(const double[::1] values, const int64_t[::1] starts):
    """Per segment ``values[starts[k]:starts[k+1]]`` summed left to right from its first value, as
    ``np.cumsum(...)[-1]`` does (so all -0.0 stays -0.0); 0.0 when empty."""
    cdef Py_ssize_t n = starts.shape[0] - 1
    out = np.zeros(max(n, 0), dtype=np.float64)
    cdef double[::1] o = out
    cdef Py_ssize_t k, i
    cdef double acc
    with nogil:
        for k in range(n):
            if starts[k + 1] == starts[k]:
                continue
            acc = values[starts[k]]
            for i in range(starts[k] + 1, starts[k + 1]):
                acc = acc + values[i]
            o[k] = acc
    return out


def segment_sums_int(const int64_t[::1] values, const int64_t[::1] starts):
    """Per segment the int64 sum with Go's wrap-around (0 when empty)."""
    cdef Py_ssize_t n = starts.shape[0] - 1
    out = np.zeros(max(n, 0), dtype=np.int64)
    cdef int64_t[::1] o = out
    cdef Py_ssize_t k, i
    cdef uint64_t acc
    with nogil:
        for k in range(n):
            acc = 0
            for i in range(starts[k], starts[k + 1]):
                acc = acc + <uint64_t>values[i]
            o[k] = <int64_t>acc
    return out


def segment_stddev(const double[::1] values, const int64_t[::1] starts):
    """Per segment InfluxDB's sample stddev: running mean, NaNs skipped, NaN below two values
    (or below two non-NaN values)."""
    cdef Py_ssize_t n = starts.shape[0] - 1
    out = np.empty(max(n, 0), dtype=np.float64)
    cdef double[::1] o = out
    cdef Py_ssize_t k, i, cnt
    cdef double mean, var, v, nan = float("nan")
    with nogil:
        for k in range(n):
            if starts[k + 1] - starts[k] < 2:
                o[k] = nan
                continue
            mean = 0.0
            cnt = 0
            for i in range(starts[k], starts[k + 1]):
                v = values[i]
                if isnan(v):
                    continue
                cnt += 1
                mean = mean + (v - mean) / cnt
            var = 0.0
            for i in range(starts[k], starts[k + 1]):
                v = values[i]
                if isnan(v):
                    continue
                var = var + (v - mean) * (v - mean)
            o[k] = sqrt(var / (cnt - 1)) if cnt > 1 else nan
    return out
