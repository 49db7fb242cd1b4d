"""``join``: points (or batches) of several parents with the same group and rounded time become
one, their fields prefixed by ``.as()`` names (``join.go``, restated rule by rule).

* A message's time is rounded to ``.tolerance()``; per group and per time the node keeps a queue
  of *sets*, each with one slot per parent.  A message goes to the first set of its time whose
  slot is free.
* Each parent has a *head* (the time of its latest message or barrier in the group).  The
  oldest sets are emitted when complete; once every head is past the oldest time, incomplete
  ones too, repeatedly (a parent skipped a time while the others went on).
* ``.fill('none')`` (default) drops incomplete sets; ``'null'`` or a number fills the missing
  parent's fields (named after the first present message's fields) with nil or the number.
* ``.on(dims)`` joins a less specific group with more specific ones: the node keeps *match*
  messages (as many dimensions as ``.on``) and *specific* ones per ``.on`` group, pairs those with
  equal times (the match takes the specific one's tags) and lets a specific message go alone
  once every parent's low mark is past it.
* Output: named ``.streamName()`` or the first present message's name, the group tags of the
  first present message, the set's (rounded) time, database and retention policy empty.

Messages are kept as plain data: a stream point is ``(time, Series, fields dict)``, a batch a
``Batch``.  Go's zero time (the "not set" of heads and low marks) is ``ZERO``, a Python int
before any real time, so the comparisons keep Go's exact behaviour.
"""
from __future__ import annotations

import bisect

import numpy as np

from ..node import NodeRuntime, runtime_for
from ..points import Batch, Dimensions, Points, Series, group_id
from .grouped import GO_ZERO_OFFSET_NS, go_round, points_from_dicts

ZERO = -GO_ZERO_OFFSET_NS  # Go's time.Time{} as Unix nanoseconds


def msg_time(m) -> int:
    return m.tmax if isinstance(m, Batch) else m[0]


def msg_name(m) -> str:
    return m.name if isinstance(m, Batch) else m[1].name


def msg_group(m) -> str:
    return m.group if isinstance(m, Batch) else m[1].group


def msg_dims(m) -> Dimensions:
    return m.dims if isinstance(m, Batch) else m[1].dims


def msg_group_tags(m) -> dict:
    return m.tags if isinstance(m, Batch) else m[1].group_tags()


class JoinFillError(ValueError):
    """``unexpected fill option x``: the task does not start."""


@runtime_for("JoinNode")
class JoinRuntime(NodeRuntime):
    """See the module docstring."""

    def __init__(self, pnode, task):
        super().__init__(pnode, task)
        p = self.props
        self.names = list(p.get("Names") or [])
        self.on = tuple(p.get("Dimensions") or ())
        self.delimiter = p.get("Delimiter", ".")
        self.stream_name = p.get("StreamName", "")
        self.tolerance = p.get("Tolerance", 0)
        self.delete_all = bool(p.get("DeleteAll"))
        self.nparents = len(pnode.parents)
        fill = p.get("Fill")
        self.fill, self.fill_value = "none", None
        if isinstance(fill, str):
            if fill not in ("null", "none"):
                raise JoinFillError(f"unexpected fill option {fill}")
            self.fill = fill
        elif isinstance(fill, int | float) and not isinstance(fill, bool):
            self.fill, self.fill_value = "number", fill
        # state (plain data)
        # group id -> {"sets": {t: [set]}, "times": sorted set times, "head": [t per parent], "oldest": t}
        self.groups = {}
        self.low_marks = {}  # (parent, .on group id) -> rounded time
        self.match_buf = {}  # .on group id -> [(parent, message)]
        self.specific_buf = {}
        self.reported = set()
        self._out = []       # joined stream points of the message being handled

    # -- messages ------------------------------------------------------------------------------

    def points(self, pts: Points, port):
        for t, s, fields in pts.rows():
            self._message(port, (t, s, fields))
        self._flush()

    def batch(self, b, port):
        self._message(port, b)
        self._flush()

    def barrier(self, msg, port):
        g = self._group(msg.group)
        t = go_round(msg.time, self.tolerance)
        if t < g["oldest"] or g["oldest"] == ZERO:
            g["oldest"] = t
        g["head"][port] = t
        self._emit(g, self._only_ready(g))
        self._flush()
        self.emit_barrier(msg)

    def delete_group(self, msg, port):
        gid = msg.group
        self.groups.pop(gid, None)
        self.match_buf.pop(gid, None)
        self.specific_buf.pop(gid, None)
        if self.delete_all:
            self.low_marks.clear()
        else:
            self.low_marks.pop((port, gid), None)
        self.stats.cardinality = len(self.groups)
        self.emit_delete(msg)

    def finish(self):
        """``Finish``: the task stops; every group emits all its sets (incomplete ones too)."""
        for g in self.groups.values():
            while g["sets"]:
                self._emit(g, False)
        self._flush()

    def _message(self, src, m):
        if self.on:
            self._match(src, m)
        else:
            self._collect(self._group(msg_group(m)), src, m)

    # -- .on(): matching less specific messages with more specific ones ------------------------

    def _match(self, src, m):
        if len(self.reported) < self.nparents:
            self.reported.add(src)
        all_reported = len(self.reported) == self.nparents
        t = go_round(msg_time(m), self.tolerance)
        gid = group_id(msg_name(m), msg_group_tags(m), Dimensions(self.on, msg_dims(m).by_name))
        self.low_marks[(src, gid)] = t
        low = ZERO
        if all_reported:
            for s in range(self.nparents):
                lm = self.low_marks.get((s, gid), ZERO)
                if low == ZERO or lm < low:
                    low = lm
            buf = self.specific_buf.get(gid)
            if buf:
                i = 0
                while i < len(buf) and go_round(msg_time(buf[i][1]), self.tolerance) < low:
                    self._send_specific(buf[i])
                    i += 1
                del buf[:i]
        if len(msg_dims(m).tag_names) > len(self.on):
            matches = self.match_buf.get(gid)
            matched = False
            if matches is not None:
                i = 0
                while i < len(matches):
                    pt = go_round(msg_time(matches[i][1]), self.tolerance)
                    if pt == t:
                        self._send_match((src, m), matches[i])
                        matched = True
                    if not pt < low:
                        break
                    i += 1
                if all_reported:
                    del matches[:i]
            if not matched:
                if all_reported and t < low:
                    self._send_specific((src, m))
                else:
                    self.specific_buf.setdefault(gid, []).append((src, m))
        else:
            self.match_buf.setdefault(gid, []).append((src, m))
            buf = self.specific_buf.get(gid)
            if buf:
                i = 0
                while i < len(buf) and go_round(msg_time(buf[i][1]), self.tolerance) == t:
                    self._send_match(buf[i], (src, m))
                    i += 1
                del buf[:i]

    def _send_match(self, specific, matched):
        ssrc, sm = specific
        msrc, mm = matched
        if isinstance(mm, Batch):
            new = Batch(mm.name, mm.group, dict(msg_group_tags(sm)), mm.dims, mm.tmax, mm.points)
        else:
            sdims = msg_dims(sm)
            new = (mm[0], Series.make(mm[1].name, dict(msg_group_tags(sm)), sdims), mm[2])
        g = self._group(msg_group(sm))
        self._collect(g, ssrc, sm)
        self._collect(g, msrc, new)

    def _send_specific(self, specific):
        src, m = specific
        self._collect(self._group(msg_group(m)), src, m)

    # -- per group sets --------------------------------------------------------------------------

    def _group(self, gid):
        g = self.groups.get(gid)
        if g is None:
            g = self.groups[gid] = {"sets": {}, "times": [], "head": [ZERO] * self.nparents,
                                         "oldest": ZERO}
            self.stats.cardinality = len(self.groups)
        return g

    def _new_set(self, t):
        return {"time": t, "name": self.stream_name, "values": [None] * len(self.names), "size": 0,
                "first": len(self.names)}

    def _collect(self, g, src, m):
        t = go_round(msg_time(m), self.tolerance)
        if t < g["oldest"] or g["oldest"] == ZERO:
            g["oldest"] = t
        queue = g["sets"].get(t)
        if queue is None:
            queue = g["sets"][t] = [self._new_set(t)]
            bisect.insort(g["times"], t)
        target = next((s for s in queue if s["values"][src] is None), None)
        if target is None:
            target = self._new_set(t)
            queue.append(target)
        target["first"] = min(target["first"], src)
        target["values"][src] = m
        target["size"] += 1
        g["head"][src] = t
        self._emit(g, self._only_ready(g))

    @staticmethod
    def _only_ready(g) -> bool:
        """Whether some head is not past the oldest time (then only complete sets may go)."""
        return any(not h > g["oldest"] for h in g["head"])

    def _emit(self, g, only_ready: bool):
        while g["sets"]:
            queue = g["sets"].get(g["oldest"], [])
            i = 0
            while i < len(queue):
                s = queue[i]
                if s["size"] == len(self.names) or not only_ready:
                    self._emit_set(s)
                    i += 1
                else:
                    break
            if i == len(queue):
                if g["sets"].pop(g["oldest"], None) is not None:
                    g["times"].remove(g["oldest"])
            else:
                del queue[:i]
            # PERF: Kapacitor scans its map for the oldest time; the sorted times give it at once
            g["oldest"] = g["times"][0] if g["times"] else ZERO
            if only_ready:
                return
            only_ready = self._only_ready(g)

    def _emit_set(self, s):
        first = s["values"][s["first"]]
        name = s["name"] or msg_name(first)
        if isinstance(first, Batch):
            b = self._join_batch(s, first, name)
            self._flush()
            self.emit_batch(b)
        else:
            row = self._join_point(s, first, name)
            if row is not None:
                self._out.append(row)

    def _join_point(self, s, first, name):
        first_fields = first[2]
        fields = {}
        for i, v in enumerate(s["values"]):
            prefix = self.names[i] + self.delimiter
            if v is None:
                if self.fill == "none":
                    return None
                for k in first_fields:
                    fields[prefix + k] = self.fill_value
            else:
                for k, val in v[2].items():
                    fields[prefix + k] = val
        return s["time"], Series.make(name, first[1].group_tags(), first[1].dims), fields

    def _join_batch(self, s, first, name):
        """``JoinIntoBatch``: walk the batches' points in time order, one output point per time."""
        tags = dict(first.tags)
        series = Series.make(name, tags, first.dims)
        k = len(self.names)
        rows_of = [None if v is None else list(v.points.rows()) for v in s["values"]]
        empty = [False] * k
        indexes = [0] * k
        field_names = None
        out = []
        while sum(empty) < k:
            chosen = [None] * k
            set_time = None
            count = 0
            for i, rows in enumerate(rows_of):
                if empty[i]:
                    continue
                if rows is None or indexes[i] == len(rows):
                    empty[i] = True
                    continue
                bt, _, bfields = rows[indexes[i]]
                t = go_round(bt, self.tolerance)
                if set_time is None:
                    set_time = t
                if t < set_time:
                    set_time = t
                    for j in range(k):
                        if chosen[j] is not None:
                            indexes[j] -= 1
                        chosen[j] = None
                    chosen[i] = bfields
                    indexes[i] += 1
                    count = 1
                elif t == set_time:
                    if field_names is None:
                        field_names = list(bfields)
                    chosen[i] = bfields
                    indexes[i] += 1
                    count += 1
            if count == 0:
                continue
            fields = {}
            for i, bf in enumerate(chosen):
                prefix = self.names[i] + self.delimiter
                if bf is None:
                    if self.fill == "none":
                        fields = None
                        break
                    for name_ in field_names or ():
                        fields[prefix + name_] = self.fill_value
                else:
                    for key, val in bf.items():
                        fields[prefix + key] = val
            if fields is not None:
                out.append((set_time, series, fields))
        pts = points_from_dicts(out) if out else Points(np.empty(0, np.int64), np.empty(0, np.int32), [series])
        return Batch(name, group_id(name, tags, first.dims), tags, first.dims, s["time"], pts)

    def _flush(self):
        if self._out:
            rows, self._out = self._out, []
            self.emit_points(points_from_dicts(rows))

    # -- state -------------------------------------------------------------------------------------

    def state(self):
        if not (self.groups or self.low_marks or self.match_buf or self.specific_buf or self.reported):
            return None
        return {"groups": self.groups, "low_marks": self.low_marks, "match": self.match_buf,
                "specific": self.specific_buf, "reported": sorted(self.reported)}

    def restore(self, state):
        state = state or {}
        self.groups = dict(state.get("groups", {}))
        self.low_marks = dict(state.get("low_marks", {}))
        self.match_buf = dict(state.get("match", {}))
        self.specific_buf = dict(state.get("specific", {}))
        self.reported = set(state.get("reported", ()))
        self.stats.cardinality = len(self.groups)
