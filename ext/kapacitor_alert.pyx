# cython: language_level=3
"""Kapacitor's alert state machine over a whole chunk of many groups (twin: machstore.kapacitor.alerts.kernel).

``alert_scan`` walks the rows of a chunk of many groups in arrival order (groups are
independent, so this is each group's rows in its own order) and, per row, does what
``alert.go`` does for a point of its group:
the level (the highest true level expression, or the group's current level while that level's
reset expression is false), ``addEvent`` (push onto the history ring, changed, flapping by the
ring's weighted change share, ``stateChangesOnly(d)`` expiry), the suppression test and
``triggered`` (last/first trigger times).  Every group's state lives in the arrays of a state
table (one row per group slot) and is updated in place; only the rows that trigger come back,
so the per-event work (templates, events) stays in Python for them alone.

Times are int64 nanoseconds; ``NOTSET`` (INT64_MIN, never a point time: InfluxDB's minimum is
INT64_MIN + 2) stands for Go's zero time in first/last, and durations measured from it saturate
as ``time.Time.Sub`` does.
"""
import numpy as np

from libc.stdint cimport INT64_MAX, INT64_MIN, int8_t, int64_t, uint8_t

cdef int64_t NOTSET = INT64_MIN
cdef int64_t MAXD = INT64_MAX
cdef double WEIGHT_DIFF = 1.5
cdef double MAX_WEIGHT = 1.2


cdef inline int64_t _sub(int64_t a, int64_t b) nogil:
    # Go's a.Sub(b) with NOTSET as the zero time, saturating
    if a == NOTSET and b == NOTSET:
        return 0
    if b == NOTSET:
        return MAXD
    if a == NOTSET:
        return NOTSET
    if b < 0 and a > MAXD + b:
        return MAXD
    if b > 0 and a < NOTSET + b:
        return NOTSET
    return a - b


cdef inline double _percent_change(const int8_t[:, ::1] hist, Py_ssize_t s, Py_ssize_t idx,
                                   Py_ssize_t n) nogil:
    cdef double changes = 0.0
    cdef double weight = MAX_WEIGHT / WEIGHT_DIFF
    cdef double step = (MAX_WEIGHT - weight) / (n - 1)
    cdef Py_ssize_t k, c, p
    for k in range(n - 1):
        c = (k + idx) % n
        p = c - 1 if c > 0 else n - 1
        if hist[s, c] != hist[s, p]:
            changes = changes + weight
        weight = weight + step
    return changes / (n - 1)


def alert_scan(const int64_t[::1] row_slot, const int8_t[::1] top, const uint8_t[:, ::1] keep,
               const uint8_t[::1] has_keep, const int64_t[::1] times,
               int8_t[:, ::1] hist, int64_t[::1] idx, uint8_t[::1] flapping, uint8_t[::1] changed,
               uint8_t[::1] expired, uint8_t[::1] inhibited, int64_t[::1] first, int64_t[::1] last,
               *, bint use_flapping, double flap_low, double flap_high, bint state_changes_only,
               int64_t state_changes_only_duration, bint no_recoveries):
    """``(rows, levels, durations, send)`` of the triggering rows, in arrival order.

    Row ``r`` belongs to the group in slot ``row_slot[r]`` of the state arrays (updated in
    place); ``top[r]``: its highest true level (OK when none); ``keep[l, r]``: level ``l``'s
    reset expression is false on it (read only where ``has_keep[l]``).
    """
    cdef Py_ssize_t n = row_slot.shape[0]
    cdef Py_ssize_t H = hist.shape[1]
    cdef Py_ssize_t cap = idx.shape[0]
    cdef Py_ssize_t r, s, i
    cdef int8_t cur, lv
    cdef bint ch, ex, fl
    cdef int64_t t, fst, lst, d = state_changes_only_duration
    cdef double p
    cdef Py_ssize_t k = 0
    if times.shape[0] != n or top.shape[0] != n:
        raise ValueError("alert_scan: slots, levels and times disagree")
    if keep.shape[0] != 4 or has_keep.shape[0] != 4 or (keep.shape[1] != n and keep.shape[1] != 0):
        raise ValueError("alert_scan: keep must be (4, rows) or (4, 0) and has_keep 4 flags")
    if n and keep.shape[1] == 0 and (has_keep[0] or has_keep[1] or has_keep[2] or has_keep[3]):
        raise ValueError("alert_scan: has_keep without a keep matrix")
    if H < 2:
        raise ValueError("alert_scan: history must be >= 2")
    for r in range(n):
        if row_slot[r] < 0 or row_slot[r] >= cap:
            raise ValueError("alert_scan: a row's slot is outside the state table")
    rows_a = np.empty(n, dtype=np.int64)
    lev_a = np.empty(n, dtype=np.int8)
    dur_a = np.empty(n, dtype=np.int64)
    send_a = np.empty(n, dtype=np.uint8)
    cdef int64_t[::1] rows_v = rows_a, dur_v = dur_a
    cdef int8_t[::1] lev_v = lev_a
    cdef uint8_t[::1] send_v = send_a
    with nogil:
        for r in range(n):
            s = row_slot[r]
            i = idx[s]
            cur = hist[s, i]
            t = times[r]
            lv = top[r]
            if lv < cur and has_keep[cur] and keep[cur, r]:
                lv = cur
            # addEvent
            ch = lv != cur
            i = i + 1
            if i == H:
                i = 0
            hist[s, i] = lv
            idx[s] = i
            changed[s] = ch
            fl = flapping[s]
            if use_flapping:
                p = _percent_change(hist, s, i, H)
                if fl and p < flap_low:
                    fl = False
                elif not fl and p > flap_high:
                    fl = True
                flapping[s] = fl
            lst = last[s]
            ex = (not ch) and d != 0 and _sub(t, lst) >= d
            expired[s] = ex
            if (use_flapping and fl) or (state_changes_only and not ch and not ex):
                continue
            if lv == 0 and not ch:
                continue
            # triggered
            last[s] = t
            fst = first[s]
            if cur == 0:  # the previous level, before this point
                fst = t
                first[s] = t
            inhibited[s] = lv != 0
            rows_v[k] = r
            lev_v[k] = lv
            dur_v[k] = _sub(t, fst)
            send_v[k] = not (no_recoveries and lv == 0)
            k += 1
    return rows_a[:k], lev_a[:k], dur_a[:k], send_a[:k].view(np.bool_)
