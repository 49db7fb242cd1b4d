"""The typed surface of ``machstore._ext_kapacitor_window`` and its pure-Python reference twins.

The kernels (``ext/kapacitor_window.pyx``) run a grouped time window's trigger scan and the
arrival-order batch reductions over a whole chunk; the twins below say the same in plain
Python and are the oracle the kernels are tested against on random data
(``tests/test_kapacitor_window_columns.py``).  Production code calls the wrappers, which only
fix the array types.
"""
from __future__ import annotations

from itertools import pairwise

import numpy as np

from machstore import _ext_kapacitor_window as _k

from .buffer import GO_ZERO_TO_UNIX_NS


def _i64(a) -> np.ndarray:
    return np.ascontiguousarray(a, dtype=np.int64)


def trigger_scan(times, seg_start, first_new, next_emit, *, period: int, every: int, align: bool):
    """``(hi, lo, tmax, group, keep_from)`` of every window the new rows emit (see the twin);
    ``next_emit`` (an int64 array) is updated in place."""
    return _k.trigger_scan(_i64(times), _i64(seg_start), _i64(first_new), next_emit, period=int(period),
                           every=int(every), align=bool(align), offset=GO_ZERO_TO_UNIX_NS % int(every))


def trigger_scan_ref(times, seg_start, first_new, next_emit, *, period: int, every: int, align: bool):
    """Reference twin of ``trigger_scan``.

    Group ``g``'s rows are ``times[seg_start[g]:seg_start[g+1]]`` in arrival order (not
    necessarily time order): its carried buffer, then from ``first_new[g]`` on the rows that
    just arrived.  Each new row at or after
    the group's next-emit time emits ``[lo, hi)``: the rows before it (``hi``), purged from the
    front while older than ``nextEmit - period`` (``lo``); next-emit becomes the row's time +
    every, Go-truncated to every with ``align``.  ``keep_from[g]``: the group's first row that
    stays buffered.
    """
    hi, lo_out, tmax, group = [], [], [], []
    keep = []
    for g in range(len(seg_start) - 1):
        lo, end, ne = int(seg_start[g]), int(seg_start[g + 1]), int(next_emit[g])
        for j in range(int(first_new[g]), end):
            t = int(times[j])
            if t >= ne:
                while lo < j and int(times[lo]) < ne - period:
                    lo += 1
                hi.append(j)
                lo_out.append(lo)
                tmax.append(ne)
                group.append(g)
                ne = t + every
                if align:
                    ne -= (ne + GO_ZERO_TO_UNIX_NS) % every
        next_emit[g] = ne
        keep.append(lo)
    arr = lambda x: np.array(x, dtype=np.int64)
    return arr(hi), arr(lo_out), arr(tmax), arr(group), arr(keep)


def segment_sums_float(values, starts) -> np.ndarray:
    return _k.segment_sums_float(np.ascontiguousarray(values, dtype=np.float64), _i64(starts))


def segment_sums_float_ref(values, starts) -> np.ndarray:
    """Per segment the float sum in arrival order from its first value (0.0 when empty)."""
    out = []
    for a, b in pairwise(starts):
        out.append(float(np.cumsum(values[a:b])[-1]) if b > a else 0.0)
    return np.array(out, dtype=np.float64)


def segment_sums_int(values, starts) -> np.ndarray:
    return _k.segment_sums_int(_i64(values), _i64(starts))


def segment_sums_int_ref(values, starts) -> np.ndarray:
    """Per segment the int64 sum wrapping around as Go's does (0 when empty)."""
    out = []
    for a, b in pairwise(starts):
        total = sum(int(v) for v in values[a:b])
        out.append((total + (1 << 63)) % (1 << 64) - (1 << 63))
    return np.array(out, dtype=np.int64)


def segment_stddev(values, starts) -> np.ndarray:
    return _k.segment_stddev(np.ascontiguousarray(values, dtype=np.float64), _i64(starts))


def segment_stddev_ref(values, starts) -> np.ndarray:
    """Per segment InfluxDB's sample standard deviation (``reducers.stddev``)."""
    from .reducers import stddev
    return np.array([stddev(np.asarray(values[a:b], dtype=np.float64), None, "f", [])[0][1]
                     for a, b in pairwise(starts)], dtype=np.float64)
