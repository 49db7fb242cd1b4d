"""The typed surface of ``machstore._ext_kapacitor_alert`` and its pure-Python reference twin.

``scan`` decides a whole stream chunk of many groups at once (``ext/kapacitor_alert.pyx``):
levels (with the reset rule), the history ring, flapping, ``stateChangesOnly(d)``,
``noRecoveries`` and the trigger times of every group, updating the groups' ``StateTable``
slots in place and returning only the rows that trigger.  ``scan_ref`` says the same in
plain Python and is the oracle the kernel is tested against on random data
(``tests/test_kapacitor_alert_kernel.py``, which also checks both against the per-group
``AlertState.stream``).  Production code calls ``scan``, which only fixes the array types.
"""
from __future__ import annotations

import numpy as np

from machstore import _ext_kapacitor_alert as _k

from .levels import OK
from .state import MAX_DURATION, MAX_WEIGHT, NOTSET, WEIGHT_DIFF, AlertOptions, StateTable

NO_KEEP = (np.zeros((4, 0), dtype=np.uint8), np.zeros(4, dtype=np.uint8))


def _i64(a) -> np.ndarray:
    return np.ascontiguousarray(a, dtype=np.int64)


def _keep_arrays(keep):
    """``keep`` (``{level: bool mask over rows}`` of the levels whose reset expression is false,
    or None) as the kernel's ``(4, rows)`` matrix and 4 flags."""
    if not keep:
        return NO_KEEP
    n = len(next(iter(keep.values())))
    mat = np.zeros((4, n), dtype=np.uint8)
    flags = np.zeros(4, dtype=np.uint8)
    for level, mask in keep.items():
        mat[level] = mask
        flags[level] = 1
    return mat, flags


def scan(row_slot, top, times, table: StateTable, opts: AlertOptions, keep=None):
    """``(rows, levels, durations, send)`` of the rows that trigger, in arrival order (see ``scan_ref``)."""
    mat, flags = _keep_arrays(keep)
    return _k.alert_scan(_i64(row_slot), np.ascontiguousarray(top, dtype=np.int8), mat, flags, _i64(times),
                         table.hist, table.idx, table.flapping, table.changed, table.expired, table.inhibited,
                         table.first, table.last,
                         use_flapping=opts.use_flapping, flap_low=opts.flap_low, flap_high=opts.flap_high,
                         state_changes_only=opts.state_changes_only,
                         state_changes_only_duration=opts.state_changes_only_duration,
                         no_recoveries=opts.no_recoveries)


def _sub(a: int, b: int) -> int:
    """Go's ``a.Sub(b)`` with ``NOTSET`` as the zero time, saturating."""
    if a == NOTSET and b == NOTSET:
        return 0
    if b == NOTSET:
        return MAX_DURATION
    if a == NOTSET:
        return NOTSET
    return max(NOTSET, min(MAX_DURATION, a - b))


def _percent_change(ring, idx: int) -> float:
    n = len(ring)
    changes, weight = 0.0, MAX_WEIGHT / WEIGHT_DIFF
    step = (MAX_WEIGHT - weight) / (n - 1)
    for k in range(n - 1):
        c = (k + idx) % n
        p = c - 1 if c > 0 else n - 1
        if ring[c] != ring[p]:
            changes += weight
        weight += step
    return changes / (n - 1)


def scan_ref(row_slot, top, times, table: StateTable, opts: AlertOptions, keep=None):
    """Reference twin of ``scan``.

    Row ``r`` (rows in arrival order) is a point of the group in slot ``row_slot[r]`` of
    ``table``; per row (``alert.go`` for a point): the level is ``top[r]``, unless it is below
    the group's current level ``cur`` and ``keep[cur][r]`` (the reset expression of ``cur`` is
    false), then it stays ``cur``; ``addEvent`` pushes it onto the ring (changed = it differs
    from ``cur``), updates flapping from the ring's weighted change share and the expiry of
    ``stateChangesOnly(d)``; the row is skipped while flapping, or with ``stateChangesOnly``
    when nothing changed and not expired, or when OK and unchanged; otherwise ``triggered``:
    last = its time, first = its time when the previous level was OK, inhibited = not OK, and
    it comes back with its level, duration (last - first) and whether it is sent (not an OK
    under ``noRecoveries``).
    """
    keep = keep or {}
    rows, levels, durations, send = [], [], [], []
    d = opts.state_changes_only_duration
    for r in range(len(row_slot)):
        s = int(row_slot[r])
        ring = table.hist[s]
        i = int(table.idx[s])
        cur = int(ring[i])
        t, lv = int(times[r]), int(top[r])
        if lv < cur and cur in keep and keep[cur][r]:
            lv = cur
        ch = lv != cur
        i = (i + 1) % len(ring)
        ring[i] = lv
        table.idx[s], table.changed[s] = i, ch
        if opts.use_flapping:
            p = _percent_change(ring, i)
            if table.flapping[s] and p < opts.flap_low:
                table.flapping[s] = False
            elif not table.flapping[s] and p > opts.flap_high:
                table.flapping[s] = True
        ex = not ch and d != 0 and _sub(t, int(table.last[s])) >= d
        table.expired[s] = ex
        if (opts.use_flapping and table.flapping[s]) or (opts.state_changes_only and not ch and not ex):
            continue
        if lv == OK and not ch:
            continue
        table.last[s] = t
        if cur == OK:  # the level before this point
            table.first[s] = t
        table.inhibited[s] = lv != OK
        rows.append(r)
        levels.append(lv)
        durations.append(_sub(t, int(table.first[s])))
        send.append(not (opts.no_recoveries and lv == OK))
    return (np.array(rows, dtype=np.int64), np.array(levels, dtype=np.int8), np.array(durations, dtype=np.int64),
            np.array(send, dtype=np.bool_))
