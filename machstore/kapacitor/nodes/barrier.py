"""``barrier``: tells the nodes below that a group will send nothing older than a time, on
wall-clock timers, and with ``.delete(TRUE)`` forgets the group (``barrier.go``).

Kapacitor runs a goroutine and a Go timer per group; here ``TaskGraph.tick(now)`` calls
``on_clock(now)`` every round and the node fires the timers that are due:

* ``.idle(d)``: a group's timer is reset by every point, batch or barrier the node lets
  through.  When ``d`` of wall time passes without one, the node emits a ``Barrier`` at the
  group's last data time plus ``d`` (the first time of a new group is the wall time it was
  created), and again ``d`` after that while the group stays idle, each ``d`` later in data
  time (a late round fires once, as a Go timer does).
* ``.period(d)``: a group's ticker fires every ``d`` of wall time since the group was created;
  each tick emits a ``Barrier`` at the wall time of the tick (ticks missed by a late round are
  dropped, as Go's ticker drops them).

Points, batches and barriers older than the group's last barrier are dropped.  With
``.delete(TRUE)`` each barrier is followed by a ``DeleteGroup``: the node forgets the group and
the nodes below drop theirs.
"""
from __future__ import annotations

import numpy as np

from ..node import runtime_for
from ..points import Barrier, DeleteGroup
from .grouped import GroupedRuntime, group_indices


class BarrierConfigError(ValueError):
    """A barrier without idle or period: the task does not start (Kapacitor's text)."""


@runtime_for("BarrierNode")
class BarrierRuntime(GroupedRuntime):
    """Group state: ``{"tags", "dims", "last_t" (data time), "last_barrier", "due" (wall ns)}``."""

    def __init__(self, pnode, task):
        super().__init__(pnode, task)
        p = self.props
        self.idle = p.get("Idle", 0)
        self.period = p.get("Period", 0)
        self.delete = bool(p.get("Delete"))
        if self.idle == 0 and self.period == 0:
            raise BarrierConfigError("barrier node must have either a non zero idle or a non zero period")

    def new_group(self, group, first):
        now = self.ctx.now_ns()
        if isinstance(first, tuple):
            tags, dims = first[1].group_tags(), first[1].dims
        else:
            tags, dims = dict(first.tags), first.dims
        if self.idle > 0:
            return {"tags": tags, "dims": dims, "last_t": now, "last_barrier": None, "due": now + self.idle}
        return {"tags": tags, "dims": dims, "last_barrier": None, "due": now + self.period}

    def _keep(self, g, times):
        """Rows not older than the group's last barrier; kept rows reset the idle timer."""
        keep = times >= g["last_barrier"] if g["last_barrier"] is not None else np.ones(len(times), dtype=bool)
        if self.idle > 0 and keep.any():
            g["due"] = self.ctx.now_ns() + self.idle
            g["last_t"] = int(times[np.flatnonzero(keep)[-1]])
        return keep

    def points(self, pts, port):
        keep = np.zeros(pts.n, dtype=bool)
        for group, idx in group_indices(pts):
            g = self.group_state(group, (int(pts.time[idx[0]]), pts.series_of(idx[0]), {}))
            keep[idx] = self._keep(g, pts.time[idx])
        if keep.any():
            self.emit_points(pts if keep.all() else pts.take(keep))

    def batch(self, b, port):
        g = self.group_state(b.group, b)
        pts = b.points
        keep = self._keep(g, pts.time)
        self.emit_batch(b.with_points(pts if keep.all() else pts.take(keep)))

    def barrier(self, msg, port):
        g = self.group_state(msg.group, msg)
        if g["last_barrier"] is not None and msg.time < g["last_barrier"]:
            return
        if self.idle > 0:
            g["due"] = self.ctx.now_ns() + self.idle
            g["last_t"] = msg.time
        g["last_barrier"] = msg.time
        self.emit_barrier(msg)

    def on_clock(self, now_ns: int) -> None:
        """Fire the timers that are due at wall time ``now_ns``."""
        for group in [gid for gid, g in self.groups.items() if g["due"] <= now_ns]:
            g = self.groups[group]
            if self.idle > 0:
                # Go's timer fires once, then is reset: idle from when it fired
                t = g["last_t"] + self.idle
                g["last_t"] = t
                g["due"] = now_ns + self.idle
            else:
                # Go's ticker keeps its grid and drops the ticks a slow receiver missed
                t = now_ns
                g["due"] += ((now_ns - g["due"]) // self.period + 1) * self.period
            g["last_barrier"] = t
            self.receive(self._fire, (group, g, t), 0)

    def _fire(self, item, port):
        group, g, t = item
        self.emit_barrier(Barrier(group, g["dims"], dict(g["tags"]), t))
        if self.delete:
            # Kapacitor sends the delete through the node's own input: the node forgets the
            # group, then forwards the delete
            self.delete_group(DeleteGroup(group), 0)
