# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Rollup kernels: rows -> bucket records (``aggregate``), records -> merged or coarser records (``reduce``).

Results match the reference twin ``machstore.storage.rollup_ref`` (exactly, except for the rounding
of ``sum``/``sumsq``); the typed wrapper is ``machstore.storage.rollup``.  Design note: ``ext/rollup.md``.
In short, each call is

1. a key scan: ``q[i] = floor(t[i] / bucket_ns)`` for the rows taking part (a division only when
   a row leaves the previous row's bucket for one other than the next), noting whether keys never
   decrease, how many distinct keys there are and their range;
2. for keys that never decrease (sorted input, the usual case) one fold that recomputes the keys,
   with no temporary arrays; otherwise the keys are stored and a stable grouping order is built:
   a counting sort when the key range is at most about twice the row count, else numpy's stable
   argsort (the only step holding the GIL);
3. one fold over the rows in that order: a new record at each key change, kept in registers.

Grouping by bucket with a stable order visits each bucket's rows in input order, so
``first`` (strictly earlier time wins) keeps the earliest written of tied rows and ``last``
(later-or-equal time wins) the latest written, which is the twin's stable sort by time.
"""
from libc.stdint cimport INT64_MAX, INT64_MIN, int64_t, uint8_t, uint64_t
from libc.stdlib cimport calloc, free

import numpy as np

FIELDS = ("start", "count", "sum", "min", "max", "sumsq", "first", "first_time", "last", "last_time")

# PERF: below this many rows the loops are shorter than releasing and re-taking the GIL.
cdef Py_ssize_t NOGIL_MIN = 4096
# A counting sort is used when the key range is at most 2 * rows + DENSE_SLACK slots.
cdef uint64_t DENSE_SLACK = 4096

cdef object _INT64 = np.dtype(np.int64)
cdef object _FLOAT64 = np.dtype(np.float64)
cdef object _np_empty = np.empty


cdef struct Keys:
    Py_ssize_t n        # input entries
    Py_ssize_t m        # entries taking part (valid)
    Py_ssize_t groups   # distinct keys (set by the scan when ordered, else by the ordering step)
    bint ordered        # keys never decrease over the entries taking part
    bint underflow      # some bucket start is below INT64_MIN
    int64_t qmin, qmax  # key range


cdef struct Out:
    int64_t* start
    int64_t* count
    double* sum
    double* min
    double* max
    double* sumsq
    double* first
    int64_t* first_time
    double* last
    int64_t* last_time


cdef inline int64_t _floordiv(int64_t t, int64_t b) noexcept nogil:
    """floor(t / b) for b > 0 (C division truncates towards zero)."""
    cdef int64_t q = t / b
    if t % b < 0:
        q -= 1
    return q


cdef void _scan_keys(const int64_t* t, const uint8_t* valid, int64_t b, int64_t* q, Keys* k,
                     bint stop_unordered) noexcept nogil:
    """Fill ``k`` from the keys ``floor(t[i] / b)`` of the entries taking part; store them in ``q``
    unless it is NULL.  With ``stop_unordered``, return at the first decreasing key, with only
    ``k.ordered`` (False) meaningful.

    PERF: a 64-bit division costs 40+ cycles on many x86 cores.  While entries stay in the
    bucket of the previous one, or step into the next (sorted input), the key comes from
    two compares instead; only jumps divide.
    """
    cdef Py_ssize_t i, m = 0, changes = 0
    cdef int64_t ti, qi, prev = 0, lo = 0, qmin = INT64_MAX, qmax = INT64_MIN
    cdef int64_t qlim = INT64_MIN / b  # smallest key whose start (key * b) fits in int64
    cdef uint64_t d, ub = <uint64_t>b
    cdef bint ordered = True, have = False, underflow = False
    for i in range(k.n):
        if valid != NULL and not valid[i]:
            continue
        ti = t[i]
        if have and ti >= lo:
            d = <uint64_t>ti - <uint64_t>lo
            if d < ub:  # same bucket as the previous entry
                if q != NULL:
                    q[i] = prev
                m += 1
                continue
            if d - ub < ub:  # the next bucket (lo + b <= ti, so lo + b fits)
                qi = prev + 1
                lo += b
            else:
                qi = _floordiv(ti, b)
                lo = qi * b
        else:
            qi = _floordiv(ti, b)
            if qi < qlim:
                underflow = True
                have = False
            else:
                lo = qi * b
                have = True
        if m:  # NOTE: qi != prev here unless an underflow broke the fast path (then we raise)
            changes += 1
            if qi < prev:
                ordered = False
                if stop_unordered:
                    k.ordered = False
                    return
        if qi < qmin:
            qmin = qi
        if qi > qmax:
            qmax = qi
        if q != NULL:
            q[i] = qi
        prev = qi
        m += 1
    k.m = m
    k.ordered = ordered
    k.underflow = underflow
    k.groups = changes + 1 if m else 0  # NOTE: only the count of distinct keys when ordered
    k.qmin = qmin
    k.qmax = qmax


cdef bint _dense(const Keys* k) noexcept nogil:
    """Whether the key range is small enough for a counting sort."""
    return <uint64_t>k.qmax - <uint64_t>k.qmin < 2 * <uint64_t>k.m + DENSE_SLACK


cdef int _order_dense(const int64_t* q, const uint8_t* valid, Keys* k, int64_t* order) except -1 nogil:
    """Stable counting sort of the entries taking part by key; sets ``k.groups``."""
    cdef uint64_t j, r = <uint64_t>k.qmax - <uint64_t>k.qmin + 1
    cdef uint64_t qmin = <uint64_t>k.qmin
    cdef int64_t acc = 0, c
    cdef Py_ssize_t i, groups = 0
    cdef int64_t* slot = <int64_t*>calloc(r, sizeof(int64_t))
    if slot == NULL:
        with gil:
            raise MemoryError(f"rollup: no memory for {r} bucket slots")
    for i in range(k.n):
        if valid == NULL or valid[i]:
            slot[<uint64_t>q[i] - qmin] += 1
    for j in range(r):  # exclusive prefix sums: each key's first output position
        c = slot[j]
        slot[j] = acc
        acc += c
        groups += c != 0
    for i in range(k.n):
        if valid == NULL or valid[i]:
            j = <uint64_t>q[i] - qmin
            order[slot[j]] = i
            slot[j] += 1
    free(slot)
    k.groups = groups
    return 0


cdef Py_ssize_t _count_groups(const int64_t* q, const int64_t* order, Py_ssize_t m) noexcept nogil:
    """Count the distinct keys of entries visited in ``order`` (sorted by key)."""
    cdef Py_ssize_t j, groups = 1 if m else 0
    for j in range(1, m):
        groups += q[order[j]] != q[order[j - 1]]
    return groups


cdef int _fold_rows(const int64_t* t, const double* v, const uint8_t* valid, const int64_t* q,
                    const int64_t* order, const Keys* k, int64_t b, Out* o) except -1 nogil:
    """Fold rows into one record per key; rows in ``order`` (or input order when NULL)."""
    cdef Py_ssize_t j, i, g = -1, total = k.m if order != NULL else k.n
    cdef int64_t qi, cur = 0, cnt = 0, ti, ft = 0, lt = 0
    cdef double x, s = 0, sq = 0, mn = 0, mx = 0, fv = 0, lv = 0
    for j in range(total):
        if order != NULL:
            i = order[j]
        else:
            i = j
            if valid != NULL and not valid[i]:
                continue
        qi = q[i]
        ti = t[i]
        x = v[i]
        if g >= 0 and qi == cur:
            cnt += 1
            s += x
            sq += x * x
            if x < mn or x != x:  # NaN propagates, as np.minimum does
                mn = x
            if x > mx or x != x:
                mx = x
            if ti < ft:
                fv = x
                ft = ti
            if ti >= lt:
                lv = x
                lt = ti
            continue
        if g >= 0:
            _store(o, g, cur * b, cnt, s, mn, mx, sq, fv, ft, lv, lt)
        g += 1
        cur = qi
        cnt = 1
        s = x
        sq = x * x
        mn = x
        mx = x
        fv = x
        ft = ti
        lv = x
        lt = ti
    if g >= 0:
        _store(o, g, cur * b, cnt, s, mn, mx, sq, fv, ft, lv, lt)
    if g + 1 != k.groups:
        with gil:
            raise AssertionError(f"rollup: {g + 1} buckets folded, {k.groups} expected")
    return 0


cdef int _fold_sorted_rows(const int64_t* t, const double* v, const uint8_t* valid, const Keys* k, int64_t b,
                           Out* o) except -1 nogil:
    """Fold rows whose bucket keys never decrease (``k.ordered``), recomputing keys as ``_scan_keys`` does.

    PERF: no key array: for sorted input (the usual case) rows are read once more, sequentially,
    and nothing but the result is written.
    """
    cdef Py_ssize_t i, g = -1
    cdef int64_t ti, lo = 0, cnt = 0, ft = 0, lt = 0
    cdef uint64_t d, ub = <uint64_t>b
    cdef double x, s = 0, sq = 0, mn = 0, mx = 0, fv = 0, lv = 0
    for i in range(k.n):
        if valid != NULL and not valid[i]:
            continue
        ti = t[i]
        x = v[i]
        d = <uint64_t>ti - <uint64_t>lo
        if g >= 0 and ti >= lo and d < ub:
            cnt += 1
            s += x
            sq += x * x
            if x < mn or x != x:  # NaN propagates, as np.minimum does
                mn = x
            if x > mx or x != x:
                mx = x
            if ti < ft:
                fv = x
                ft = ti
            if ti >= lt:
                lv = x
                lt = ti
            continue
        if g >= 0:
            _store(o, g, lo, cnt, s, mn, mx, sq, fv, ft, lv, lt)
            if ti >= lo and d - ub < ub:
                lo += b
            else:
                lo = _floordiv(ti, b) * b
        else:
            lo = _floordiv(ti, b) * b
        g += 1
        cnt = 1
        s = x
        sq = x * x
        mn = x
        mx = x
        fv = x
        ft = ti
        lv = x
        lt = ti
    if g >= 0:
        _store(o, g, lo, cnt, s, mn, mx, sq, fv, ft, lv, lt)
    if g + 1 != k.groups:
        with gil:
            raise AssertionError(f"rollup: {g + 1} buckets folded, {k.groups} expected")
    return 0


cdef inline void _store(Out* o, Py_ssize_t g, int64_t start, int64_t cnt, double s, double mn, double mx,
                        double sq, double fv, int64_t ft, double lv, int64_t lt) noexcept nogil:
    o.start[g] = start
    o.count[g] = cnt
    o.sum[g] = s
    o.min[g] = mn
    o.max[g] = mx
    o.sumsq[g] = sq
    o.first[g] = fv
    o.first_time[g] = ft
    o.last[g] = lv
    o.last_time[g] = lt


cdef int _fold_records(const Out* r, const int64_t* q, const int64_t* order, const Keys* k, int64_t b,
                       Out* o) except -1 nogil:
    """Fold records into one per key; records in ``order`` (or input order when NULL)."""
    cdef Py_ssize_t j, i, g = -1
    cdef int64_t qi, cur = 0, cnt = 0, ft = 0, lt = 0
    cdef double s = 0, sq = 0, mn = 0, mx = 0, fv = 0, lv = 0, x
    for j in range(k.n):
        i = order[j] if order != NULL else j
        qi = q[i]
        if g >= 0 and qi == cur:
            cnt += r.count[i]
            s += r.sum[i]
            sq += r.sumsq[i]
            x = r.min[i]
            if x < mn or x != x:
                mn = x
            x = r.max[i]
            if x > mx or x != x:
                mx = x
            if r.first_time[i] < ft:
                fv = r.first[i]
                ft = r.first_time[i]
            if r.last_time[i] >= lt:
                lv = r.last[i]
                lt = r.last_time[i]
            continue
        if g >= 0:
            _store(o, g, cur * b, cnt, s, mn, mx, sq, fv, ft, lv, lt)
        g += 1
        cur = qi
        cnt = r.count[i]
        s = r.sum[i]
        sq = r.sumsq[i]
        mn = r.min[i]
        mx = r.max[i]
        fv = r.first[i]
        ft = r.first_time[i]
        lv = r.last[i]
        lt = r.last_time[i]
    if g >= 0:
        _store(o, g, cur * b, cnt, s, mn, mx, sq, fv, ft, lv, lt)
    if g + 1 != k.groups:
        with gil:
            raise AssertionError(f"rollup: {g + 1} records folded, {k.groups} expected")
    return 0


# -- Python-level steps -------------------------------------------------------------------

cdef tuple _alloc(Py_ssize_t g, Out* o):
    """Allocate the ten output arrays of ``g`` records and point ``o`` at them."""
    arrays = tuple(_np_empty(g, _INT64 if f in ("start", "count", "first_time", "last_time") else _FLOAT64)
                   for f in FIELDS)
    cdef int64_t[::1] start = arrays[0]
    cdef int64_t[::1] count = arrays[1]
    cdef double[::1] sum_ = arrays[2]
    cdef double[::1] mn = arrays[3]
    cdef double[::1] mx = arrays[4]
    cdef double[::1] sumsq = arrays[5]
    cdef double[::1] first = arrays[6]
    cdef int64_t[::1] first_time = arrays[7]
    cdef double[::1] last = arrays[8]
    cdef int64_t[::1] last_time = arrays[9]
    if g:
        o.start, o.count, o.sum, o.min, o.max = &start[0], &count[0], &sum_[0], &mn[0], &mx[0]
        o.sumsq, o.first, o.first_time = &sumsq[0], &first[0], &first_time[0]
        o.last, o.last_time = &last[0], &last_time[0]
    return arrays


cdef object _order(int64_t[::1] q, const uint8_t* valid, object valid_obj, Keys* k):
    """Return the grouping order of the entries taking part (an int64 array), setting ``k.groups``."""
    cdef int64_t[::1] order = _np_empty(k.m, _INT64)
    cdef bint big = k.m >= NOGIL_MIN
    if _dense(k):
        if big:
            with nogil:
                _order_dense(&q[0], valid, k, &order[0])
        else:
            _order_dense(&q[0], valid, k, &order[0])
        return order.base
    # PERF: sparse keys (a few rows spread over a huge range): numpy's stable sort of the keys.
    qa = q.base
    if valid_obj is None:
        sorted_ = np.argsort(qa, kind="stable")
    else:
        idx = np.flatnonzero(valid_obj)
        sorted_ = idx[np.argsort(qa[idx], kind="stable")]
    order = sorted_
    if big:
        with nogil:
            k.groups = _count_groups(&q[0], &order[0], k.m)
    else:
        k.groups = _count_groups(&q[0], &order[0], k.m)
    return sorted_


def aggregate(const int64_t[::1] times not None, const double[::1] values not None, const uint8_t[::1] valid,
              *, int64_t bucket_ns):
    """Summarise rows into records of ``bucket_ns`` buckets: the ten arrays of ``FIELDS``.

    ``valid`` (uint8, nonzero = valued) may be None; rows may be in any time order.
    Raises ValueError for a bad ``bucket_ns``, mismatched lengths or a bucket start below int64.
    """
    cdef Keys k
    cdef Out o
    cdef Py_ssize_t n = times.shape[0]
    cdef const uint8_t* vp = NULL
    cdef int64_t[::1] q
    cdef int64_t[::1] order
    if bucket_ns <= 0:
        raise ValueError(f"bucket_ns must be positive, got {bucket_ns}")
    if values.shape[0] != n or (valid is not None and valid.shape[0] != n):
        raise ValueError("times, values and valid must have the same length")
    if n == 0:
        return _alloc(0, &o)
    if valid is not None:
        vp = &valid[0]
    k.n = n
    cdef bint big = n >= NOGIL_MIN
    if big:
        with nogil:
            _scan_keys(&times[0], vp, bucket_ns, NULL, &k, True)
    else:
        _scan_keys(&times[0], vp, bucket_ns, NULL, &k, True)
    if not k.ordered:  # keys again, stored this time, for the grouping order
        q = _np_empty(n, _INT64)
        if big:
            with nogil:
                _scan_keys(&times[0], vp, bucket_ns, &q[0], &k, False)
        else:
            _scan_keys(&times[0], vp, bucket_ns, &q[0], &k, False)
    if k.underflow:
        tmin = np.asarray(times).min() if valid is None else np.asarray(times)[np.asarray(valid) != 0].min()
        raise ValueError(f"time {tmin} is too early: its bucket of {bucket_ns} ns would start before -2**63")
    if k.m == 0:
        return _alloc(0, &o)
    if k.ordered:
        out = _alloc(k.groups, &o)
        if big:
            with nogil:
                _fold_sorted_rows(&times[0], &values[0], vp, &k, bucket_ns, &o)
        else:
            _fold_sorted_rows(&times[0], &values[0], vp, &k, bucket_ns, &o)
        return out
    order = _order(q, vp, None if valid is None else np.asarray(valid), &k)
    out = _alloc(k.groups, &o)
    if big:
        with nogil:
            _fold_rows(&times[0], &values[0], vp, &q[0], &order[0], &k, bucket_ns, &o)
    else:
        _fold_rows(&times[0], &values[0], vp, &q[0], &order[0], &k, bucket_ns, &o)
    return out


def reduce(tuple records not None, *, int64_t bucket_ns):
    """Fold records (the ten arrays of ``FIELDS``, earlier entries written earlier) into ``bucket_ns`` buckets.

    Records of one bucket combine (counts and sums add, ``first`` keeps the earliest time and on
    ties the earliest entry, ``last`` the latest time and on ties the latest entry).
    """
    cdef Keys k
    cdef Out r, o
    cdef int64_t[::1] q
    cdef int64_t[::1] order
    cdef const int64_t* op = NULL
    if bucket_ns <= 0:
        raise ValueError(f"bucket_ns must be positive, got {bucket_ns}")
    if len(records) != 10:
        raise ValueError("records must be the ten arrays of FIELDS")
    cdef const int64_t[::1] start = records[0]
    cdef const int64_t[::1] count = records[1]
    cdef const double[::1] sum_ = records[2]
    cdef const double[::1] mn = records[3]
    cdef const double[::1] mx = records[4]
    cdef const double[::1] sumsq = records[5]
    cdef const double[::1] first = records[6]
    cdef const int64_t[::1] first_time = records[7]
    cdef const double[::1] last = records[8]
    cdef const int64_t[::1] last_time = records[9]
    cdef Py_ssize_t n = start.shape[0]
    if (count.shape[0] != n or sum_.shape[0] != n or mn.shape[0] != n or mx.shape[0] != n
            or sumsq.shape[0] != n or first.shape[0] != n or first_time.shape[0] != n or last.shape[0] != n
            or last_time.shape[0] != n):
        raise ValueError("record arrays must have the same length")
    if n == 0:
        return _alloc(0, &o)
    r.start, r.count, r.sum, r.min, r.max = <int64_t*>&start[0], <int64_t*>&count[0], <double*>&sum_[0], \
        <double*>&mn[0], <double*>&mx[0]
    r.sumsq, r.first, r.first_time = <double*>&sumsq[0], <double*>&first[0], <int64_t*>&first_time[0]
    r.last, r.last_time = <double*>&last[0], <int64_t*>&last_time[0]
    k.n = n
    q = _np_empty(n, _INT64)
    cdef bint big = n >= NOGIL_MIN
    if big:
        with nogil:
            _scan_keys(&start[0], NULL, bucket_ns, &q[0], &k, False)
    else:
        _scan_keys(&start[0], NULL, bucket_ns, &q[0], &k, False)
    if k.underflow:
        raise ValueError(f"time {np.asarray(start).min()} is too early: its bucket of {bucket_ns} ns would "
                         f"start before -2**63")
    if not k.ordered:
        order = _order(q, NULL, None, &k)
        op = &order[0]
    out = _alloc(k.groups, &o)
    if big:
        with nogil:
            _fold_records(&r, &q[0], op, &k, bucket_ns, &o)
    else:
        _fold_records(&r, &q[0], op, &k, bucket_ns, &o)
    return out
