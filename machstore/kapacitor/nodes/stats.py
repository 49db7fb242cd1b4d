"""``stats(interval)``: every interval of wall time, what another node has sent, per group
(Kapacitor's ``stats.go``); ``deadman()`` is built on it (``machstore/tick/evaluate.py``).

Kapacitor's stats node reads the per-group counters of its *source node*'s first out edge
(``node.nodeStatsByGroup``): for each group the edge has seen, the number of points that went
through it since the task started (stream edges count points, batch edges the points of
each batch), forgotten when a ``DeleteGroup`` passes.  Each tick it emits one point per group:
measurement ``stats``, the group's tags and dimensions, the field ``emitted`` (an integer);
with no group yet, one point of the nil group with ``emitted`` 0.

Here the source node runtime holds a ``GroupCounts`` in its ``out_watchers`` (``node.py``
calls it for every message the node sends to its children), and ``TaskGraph.tick(now)``
calls ``on_clock(now)`` every round, which fires the ticks that are due:

* without ``.align()``: a Go ticker started with the task, ticks every interval after the
  start, each point stamped with the tick's time;
* with ``.align()``: Kapacitor first waits for the next multiple of the interval (Go's
  ``Truncate``, counted from Go's zero time) and emits then, stamping that first point with
  the *start* time rounded to the interval (Go's ``Round``); the ticker it starts then ticks
  every interval after that multiple, each point stamped with its tick time rounded.

A round that comes late fires once, with the time of the first tick it missed, and the
next tick is the first multiple of the interval after now: Go's ticker keeps its grid and
drops what a slow receiver missed.  Counters and the next tick are the node's ``state()``.
"""
from __future__ import annotations

import numpy as np

from ..node import NodeCreateError, NodeRuntime, runtime_for
from ..points import NIL_DIMENSIONS, Points, Series
from .grouped import GO_ZERO_OFFSET_NS, go_round

STATS_NAME = "stats"


class GroupCounts:
    """The per-group counters of one node's output edge (Kapacitor's ``edge.GroupStats``):
    ``groups`` maps a group id to ``[tags, dims, count]`` (tags and dimensions as the first
    message of the group carried them)."""

    def __init__(self):
        self.groups = {}

    def _add(self, group: str, tags: dict, dims, count: int) -> None:
        entry = self.groups.get(group)
        if entry is None:
            self.groups[group] = [dict(tags), dims, count]
        else:
            entry[2] += count

    def points(self, pts: Points) -> None:
        # PERF: counted per series (every series of a group carries the group's tags)
        per_series = np.bincount(pts.sid, minlength=len(pts.series))
        groups = self.groups
        for j, s in enumerate(pts.series):
            n = int(per_series[j])
            if not n:
                continue
            entry = groups.get(s.group)
            if entry is None:
                groups[s.group] = [s.group_tags(), s.dims, n]
            else:
                entry[2] += n

    def batch(self, b) -> None:
        self._add(b.group, b.tags, b.dims, b.points.n)

    def batches(self, bs) -> None:
        sizes = bs.sizes()
        for k in range(len(bs)):
            g = bs.groups[int(bs.gidx[k])]
            self._add(g.group, g.tags, g.dims, int(sizes[k]))

    def delete(self, group: str) -> None:
        self.groups.pop(group, None)


def go_truncate(t: int, d: int) -> int:
    """Go's ``t.Truncate(d)`` on Unix nanoseconds (multiples of ``d`` since Go's zero time)."""
    return t - (t % d + GO_ZERO_OFFSET_NS % d) % d


@runtime_for("StatsNode")
class StatsRuntime(NodeRuntime):
    """A source of the task: points on wall-clock ticks (see the module docstring)."""

    def __init__(self, pnode, task):
        super().__init__(pnode, task)
        source = self.props.get("SourceNode")
        watched = task.nodes.get(source.name) if source is not None else None
        if watched is None:
            raise NodeCreateError(f"no node found for {source.name if source is not None else ''}")
        self.interval = int(self.props.get("Interval") or 0)
        if self.interval <= 0:
            raise NodeCreateError("stats node must have positive interval")
        self.align = bool(self.props.get("AlignFlag"))
        self.counts = GroupCounts()
        watched.out_watchers = (*watched.out_watchers, self.counts)
        start = self.ctx.now_ns()
        if self.align:
            self.due = go_truncate(start, self.interval) + self.interval
            self.first_time = go_round(start, self.interval)   # the first point's time
        else:
            self.due = start + self.interval
            self.first_time = None

    def on_clock(self, now_ns: int) -> None:
        """Emit the tick that is due at wall time ``now_ns`` (one, however late)."""
        if now_ns < self.due:
            return
        tick = self.due
        if self.first_time is not None:
            t, self.first_time = self.first_time, None
        else:
            t = go_round(tick, self.interval) if self.align else tick
        self.due = tick + ((now_ns - tick) // self.interval + 1) * self.interval
        self.receive(self._emit, t, 0)

    def _emit(self, t: int, _port) -> None:
        rows = []
        for group in sorted(self.counts.groups):
            tags, dims, count = self.counts.groups[group]
            rows.append((t, Series.make(STATS_NAME, dict(tags), dims), {"emitted": int(count)}))
        if not rows:
            rows.append((t, Series.make(STATS_NAME, {}, NIL_DIMENSIONS), {"emitted": 0}))
        self.emit_points(Points.from_rows(rows))

    def state(self):
        return {"due": self.due, "first_time": self.first_time,
                "groups": {g: list(e) for g, e in self.counts.groups.items()}}

    def restore(self, state) -> None:
        self.due = state["due"]
        self.first_time = state["first_time"]
        self.counts.groups = {g: list(e) for g, e in state["groups"].items()}
