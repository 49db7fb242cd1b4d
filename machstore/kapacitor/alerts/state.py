"""One group's alert state (``alert.go`` ``alertState``) and which points trigger an event.

The state is the ring of the last ``history`` levels (initially all OK), whether the group is
flapping, and the times the alert was first and last triggered.  For each point (or batch)
Kapacitor's ``addEvent`` pushes the level onto the ring, notes whether it changed, updates
flapping and the ``stateChangesOnly(d)`` expiry; an event is then sent unless the group is
flapping or (``stateChangesOnly`` and nothing changed and not expired), and only when the
level is not OK or changed (a recovery).  ``triggered`` records the trigger time, resetting
the first-trigger time when the previous level was OK; an event's duration is last minus
first trigger time.

A node keeps the states of all its groups in one ``StateTable`` (arrays, a row per group) that
the chunk kernel (``alerts/kernel.py``) updates in place; an ``AlertState`` is a view on one
row, which batches, restores and tests use one event at a time.  ``AlertState.stream`` (one
group's chunk: columns without flapping, point by point with it) is the per-group path the
kernel replaced, kept as a second reference the kernel is tested against.

Times are int nanoseconds; ``None`` is Go's zero time (year 1), so a duration measured from it
saturates at Go's largest duration, as ``time.Time.Sub`` does.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from .levels import OK

MAX_DURATION = 2**63 - 1
WEIGHT_DIFF = 1.5   # the newest state change weighs 1.5 times the oldest
MAX_WEIGHT = 1.2    # the weight of the newest state change


@dataclass(frozen=True)
class AlertOptions:
    """The alert node properties the state machine reads (``pipeline.AlertNodeData``)."""

    history: int = 21
    use_flapping: bool = False
    flap_low: float = 0.0
    flap_high: float = 0.0
    state_changes_only: bool = False
    state_changes_only_duration: int = 0
    no_recoveries: bool = False
    all: bool = False

    @classmethod
    def from_props(cls, props: dict) -> AlertOptions:
        return cls(history=max(2, int(props.get("History", 21))),
                   use_flapping=bool(props.get("UseFlapping")),
                   flap_low=float(props.get("FlapLow", 0.0)), flap_high=float(props.get("FlapHigh", 0.0)),
                   state_changes_only=bool(props.get("IsStateChangesOnly")),
                   state_changes_only_duration=int(props.get("StateChangesOnlyDuration", 0)),
                   no_recoveries=bool(props.get("NoRecoveriesFlag")), all=bool(props.get("AllFlag")))


def sub(a, b) -> int:
    """Go's ``a.Sub(b)`` where ``None`` is the zero time (saturating)."""
    if a is None and b is None:
        return 0
    if b is None:
        return MAX_DURATION
    if a is None:
        return -MAX_DURATION - 1
    return max(-MAX_DURATION - 1, min(MAX_DURATION, a - b))


@dataclass
class Trigger:
    """A point (index ``i`` of its chunk) or batch that triggered: level, time, duration, and
    whether an event is sent (``noRecoveries`` triggers an OK without sending it)."""

    i: int
    level: int
    time: int
    duration: int
    send: bool


NOTSET = -(2**63)  # Go's zero time in a state table (never a point time: InfluxDB's minimum is this + 2)


class StateTable:
    """The alert states of many groups as arrays, one row (slot) per group.

    This is what the chunk kernel (``alerts/kernel.py``) reads and updates in place: the history
    ring (``hist``, ``idx`` its newest slot), flapping, changed, expired and inhibited flags, and
    the first/last trigger times (``NOTSET`` for Go's zero time).  Slots are handed out by
    ``new_slot`` and never reused; ``AlertState`` objects are views on one slot.
    """

    def __init__(self, history: int, capacity: int = 8):
        self.history = history
        self.used = 0
        self.hist = np.zeros((capacity, history), dtype=np.int8)
        self.idx = np.zeros(capacity, dtype=np.int64)
        self.flapping = np.zeros(capacity, dtype=np.uint8)
        self.changed = np.zeros(capacity, dtype=np.uint8)
        self.expired = np.zeros(capacity, dtype=np.uint8)
        self.inhibited = np.zeros(capacity, dtype=np.uint8)
        self.first = np.full(capacity, NOTSET, dtype=np.int64)
        self.last = np.full(capacity, NOTSET, dtype=np.int64)

    _ARRAYS = ("hist", "idx", "flapping", "changed", "expired", "inhibited", "first", "last")

    def new_slot(self) -> int:
        """A fresh slot (the state of a group that never saw a point), growing the arrays by doubling."""
        if self.used == len(self.idx):
            cap = max(8, 2 * len(self.idx))
            for name in self._ARRAYS:
                old = getattr(self, name)
                fill = NOTSET if name in ("first", "last") else 0
                new = np.full((cap, *old.shape[1:]), fill, dtype=old.dtype)
                new[:len(old)] = old
                setattr(self, name, new)
        self.used += 1
        return self.used - 1

    def to_dicts(self, slots) -> list[dict]:
        """``AlertState.to_dict`` of many slots at once (a task's state is saved every round)."""
        slots = np.asarray(slots, dtype=np.int64)
        times = lambda a: [None if v == NOTSET else v for v in a[slots].tolist()]
        return [{"history": h, "idx": i, "flapping": f, "first": a, "last": b, "inhibited": inh}
                for h, i, f, a, b, inh in zip(self.hist[slots].tolist(), self.idx[slots].tolist(),
                                              self.flapping[slots].astype(bool).tolist(), times(self.first),
                                              times(self.last), self.inhibited[slots].astype(bool).tolist())]

    def adopt(self, state: AlertState) -> None:
        """Move ``state`` into a new slot of this table (its values copied; it keeps working)."""
        if state.table is self:
            return
        slot = self.new_slot()
        for name in self._ARRAYS:
            getattr(self, name)[slot] = getattr(state.table, name)[state.slot]
        state.table, state.slot = self, slot


_LOCAL = threading.local()  # .nurseries: history size -> the StateTable new states start in
NURSERY_SLOTS = 4096


def _nursery(history: int) -> StateTable:
    """A shared table for states made on their own (a node's table adopts them later).  PERF:
    one table of 4096 slots instead of 8 arrays per state; a full one is replaced, and lives
    on only while some state still points into it.  One per thread: slots are handed out
    without a lock."""
    nurseries = getattr(_LOCAL, "nurseries", None)
    if nurseries is None:
        nurseries = _LOCAL.nurseries = {}
    table = nurseries.get(history)
    if table is None or table.used == NURSERY_SLOTS:
        table = nurseries[history] = StateTable(history, capacity=NURSERY_SLOTS)
    return table


def _time_property(name):
    def get(self):
        v = int(getattr(self.table, name)[self.slot])
        return None if v == NOTSET else v

    def set_(self, value):
        getattr(self.table, name)[self.slot] = NOTSET if value is None else value
    return property(get, set_)


def _flag_property(name):
    def get(self):
        return bool(getattr(self.table, name)[self.slot])

    def set_(self, value):
        getattr(self.table, name)[self.slot] = bool(value)
    return property(get, set_)


class AlertState:
    """``alertState`` of one group (see the module docstring): a view on one slot of a
    ``StateTable`` (its own one-slot table until a node's table adopts it)."""

    __slots__ = ("opts", "slot", "table")

    def __init__(self, opts: AlertOptions, table: StateTable | None = None):
        self.opts = opts
        self.table = table if table is not None else _nursery(opts.history)
        self.slot = self.table.new_slot()

    first = _time_property("first")      # firstTriggered (None: zero time)
    last = _time_property("last")        # lastTriggered
    flapping = _flag_property("flapping")
    changed = _flag_property("changed")
    expired = _flag_property("expired")
    inhibited = _flag_property("inhibited")

    @property
    def history(self) -> list:
        """The ring as a list (a copy); assigning a list replaces it."""
        return self.table.hist[self.slot].tolist()

    @history.setter
    def history(self, levels) -> None:
        self.table.hist[self.slot] = levels

    @property
    def idx(self) -> int:
        return int(self.table.idx[self.slot])

    @idx.setter
    def idx(self, value) -> None:
        self.table.idx[self.slot] = value

    # -- alertState's methods ----------------------------------------------------------------
    @property
    def level(self) -> int:
        """``currentLevel``: the newest level of the ring."""
        return int(self.table.hist[self.slot, self.idx])

    def previous(self) -> int:
        return int(self.table.hist[self.slot, self.idx - 1])  # idx 0 wraps to the last slot, as alert.go's p == -1

    def add_event(self, t: int, level: int) -> None:
        ring = self.table.hist[self.slot]
        self.changed = int(ring[self.idx]) != level
        self.idx = (self.idx + 1) % len(ring)
        ring[self.idx] = level
        self._update_flapping()
        self._update_expired(t)

    def triggered(self, t: int) -> None:
        self.last = t
        if self.previous() == OK:
            self.first = t
        self.inhibited = self.level != OK

    def duration(self) -> int:
        return sub(self.last, self.first)

    def percent_change(self) -> float:
        """The weighted share of state changes in the ring, walked exactly as ``alert.go`` does."""
        hist, n = self.history, len(self.history)
        changes = 0.0
        weight = MAX_WEIGHT / WEIGHT_DIFF
        step = (MAX_WEIGHT - weight) / (n - 1)
        for i in range(n - 1):
            c = (i + self.idx) % n
            p = c - 1 if c > 0 else n - 1
            if hist[c] != hist[p]:
                changes += weight
            weight += step
        return changes / (n - 1)

    def _update_flapping(self) -> None:
        if not self.opts.use_flapping:
            return
        p = self.percent_change()
        if self.flapping and p < self.opts.flap_low:
            self.flapping = False
        elif not self.flapping and p > self.opts.flap_high:
            self.flapping = True

    def _update_expired(self, t: int) -> None:
        d = self.opts.state_changes_only_duration
        self.expired = not self.changed and d != 0 and sub(t, self.last) >= d

    def _suppressed(self) -> bool:
        o = self.opts
        return (o.use_flapping and self.flapping) or (o.state_changes_only and not self.changed and not self.expired)

    def _push(self, levels) -> None:
        """Push many levels onto the ring (only the last ``history`` matter)."""
        hist = self.table.hist[self.slot]
        n = len(hist)
        start = max(0, len(levels) - n)
        for k in range(start, len(levels)):
            hist[(self.idx + 1 + k) % n] = int(levels[k])
        self.idx = (self.idx + len(levels)) % n

    # -- deciding ------------------------------------------------------------------------------
    def stream(self, levels: np.ndarray, times: np.ndarray) -> list[Trigger]:
        """Apply one group's stream points (their levels and times, in order): ``alertState.Point``."""
        if not len(levels):
            return []
        if self.opts.use_flapping:
            return self._stream_one_by_one(levels, times)
        o = self.opts
        prev = np.empty(len(levels), dtype=levels.dtype)
        prev[0] = self.level
        prev[1:] = levels[:-1]
        changed = levels != prev
        maybe = changed | (levels != OK) if not (o.state_changes_only and not o.state_changes_only_duration) \
            else changed
        out = []
        lv, tl, ch, pv = levels.tolist(), times.tolist(), changed.tolist(), prev.tolist()
        d = o.state_changes_only_duration
        for i in np.flatnonzero(maybe).tolist():
            t, level = tl[i], lv[i]
            if o.state_changes_only and not ch[i] and not (d != 0 and sub(t, self.last) >= d):
                continue
            self.last = t
            if pv[i] == OK:
                self.first = t
            self.inhibited = level != OK
            out.append(Trigger(i, level, t, sub(self.last, self.first), not (o.no_recoveries and level == OK)))
        self._push(levels)
        # NOTE: changed/expired are recomputed by the next add_event before anything reads them
        self.changed = ch[-1]
        return out

    def _stream_one_by_one(self, levels, times) -> list[Trigger]:
        out = []
        for i, (level, t) in enumerate(zip(levels.tolist(), times.tolist())):
            self.add_event(t, level)
            if self._suppressed():
                continue
            if level != OK or self.changed:
                self.triggered(t)
                out.append(Trigger(i, level, t, self.duration(), not (self.opts.no_recoveries and level == OK)))
        return out

    def batch(self, level: int, t: int) -> Trigger | None:
        """Apply one batch's level and time: ``alertState.BufferedBatch``."""
        self.add_event(t, level)
        o = self.opts
        if not (self.changed and level == OK or
                (level != OK and not ((o.use_flapping and self.flapping) or
                                      (o.state_changes_only and not self.changed and not self.expired)))):
            return None
        self.triggered(t)
        return Trigger(0, level, t, self.duration(), not (o.no_recoveries and level == OK))

    def restore_event(self, t: int, level: int, triggered_at: int) -> None:
        """``restoreEventState``: a group's last stored level (not OK) and its time, from the topic."""
        self.add_event(t, level)
        self.triggered(triggered_at)

    # -- persistence ---------------------------------------------------------------------------
    def to_dict(self) -> dict:
        return {"history": list(self.history), "idx": self.idx, "flapping": self.flapping,
                "first": self.first, "last": self.last, "inhibited": self.inhibited}

    @staticmethod
    def to_dicts(states: list) -> list[dict]:
        """``to_dict`` of many states; PERF: in bulk for those that share a table."""
        if states and all(st.table is states[0].table for st in states):
            return states[0].table.to_dicts([st.slot for st in states])
        return [st.to_dict() for st in states]

    @classmethod
    def from_dict(cls, opts: AlertOptions, d: dict) -> AlertState:
        st = cls(opts)
        hist = list(d["history"])
        if len(hist) == opts.history:
            st.history, st.idx = hist, int(d["idx"])
        else:  # the history size changed with the task definition: keep the newest levels
            ordered = [hist[(int(d["idx"]) + 1 + k) % len(hist)] for k in range(len(hist))]
            st._push(ordered[-opts.history:])
        st.flapping, st.first, st.last = bool(d["flapping"]), d["first"], d["last"]
        st.inhibited = bool(d.get("inhibited"))
        return st
