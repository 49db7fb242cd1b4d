"""``union``: the messages of several parents as one stream, in time order (``union.go``).

Each parent has a queue.  Nothing leaves until every parent has been seen once (its *low
mark*: the time of its oldest queued message, or of its last one when the queue is empty);
then every queued message at or before the lowest mark leaves, parent by parent, until nothing
moves.  ``.rename()`` sets the measurement name of points and batches.  Barriers queue like
points (they carry a time); group deletes pass straight through.

Queued messages are plain data: ``("p", time, Series, fields)``, ``("b", Batch)`` or
``("barrier", Barrier)``, so ``state()`` is the queues and the low marks.
"""
from __future__ import annotations

from ..node import NodeRuntime, runtime_for
from ..points import Batch
from .grouped import points_from_dicts


def _time(item) -> int:
    kind = item[0]
    if kind == "p":
        return item[1]
    return item[1].tmax if kind == "b" else item[1].time


@runtime_for("UnionNode")
class UnionRuntime(NodeRuntime):
    def __init__(self, pnode, task):
        super().__init__(pnode, task)
        self.rename = self.props.get("Rename", "")
        n = len(pnode.parents)
        self.queues = [[] for _ in range(n)]
        self.low_marks = [None] * n  # None: Go's zero time (the parent was never seen)
        self._renamed = {}           # id(Series) -> renamed Series

    def _rename_series(self, s):
        out = self._renamed.get(id(s))
        if out is None or out[0] is not s:
            out = self._renamed[id(s)] = (s, s.replace(name=self.rename))
            if len(self._renamed) > 100_000:
                self._renamed.clear()
        return out[1]

    def points(self, pts, port):
        q = self.queues[port]
        out = []
        for t, s, fields in pts.rows():
            q.append(("p", t, self._rename_series(s) if self.rename else s, fields))
            out += self._ready()  # Kapacitor runs the emit loop after every single point
        self._forward(out)

    def batch(self, b, port):
        if self.rename:
            pts = b.points.with_series([self._rename_series(s) for s in b.points.series])
            b = Batch(self.rename, b.group, b.tags, b.dims, b.tmax, pts)
        self.queues[port].append(("b", b))
        self._forward(self._ready())

    def barrier(self, msg, port):
        self.queues[port].append(("barrier", msg))
        self._forward(self._ready())

    def finish(self):
        """``Finish``: the task stops; everything queued leaves, lowest marks first."""
        self._forward(self._ready(drain=True))

    def _ready(self, drain: bool = False) -> list:
        """The queued messages that may leave now, in Kapacitor's order (all when draining)."""
        emitted = True
        out = []
        while emitted:
            emitted = False
            mark = None
            valid = 0
            for i, q in enumerate(self.queues):
                source_mark = self.low_marks[i]
                if q:
                    t = _time(q[0])
                    if mark is None or t < mark:
                        mark = t
                    source_mark = t
                self.low_marks[i] = source_mark
                if source_mark is not None:
                    valid += 1
                    if not drain and (mark is None or source_mark < mark):
                        mark = source_mark
            if not drain and valid != len(self.queues):
                break
            for q in self.queues:
                j = 0
                while j < len(q) and not _time(q[j]) > mark:
                    out.append(q[j])
                    j += 1
                    emitted = True
                del q[:j]
        return out

    def _forward(self, items):
        """Emit in order, consecutive stream points as one chunk."""
        run = []
        for item in items:
            if item[0] == "p":
                run.append(item[1:])
                continue
            if run:
                self.emit_points(points_from_dicts(run))
                run = []
            if item[0] == "b":
                self.emit_batch(item[1])
            else:
                self.emit_barrier(item[1])
        if run:
            self.emit_points(points_from_dicts(run))

    def state(self):
        if not any(self.queues) and all(m is None for m in self.low_marks):
            return None
        return {"queues": self.queues, "low_marks": self.low_marks}

    def restore(self, state):
        if state:
            self.queues = [list(q) for q in state["queues"]]
            self.low_marks = list(state["low_marks"])
