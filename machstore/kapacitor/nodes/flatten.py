"""``flatten``: the points of a group that share a (rounded) time become one point whose field
names carry the ``.on()`` tag values (``flatten.go``).

Per group the node buffers the points of the current time; a point with a later (or earlier:
any other) time, or a barrier past it, flushes the buffer as one point named after the group's
first message, with the group's tags and the buffered time.  A field becomes
``<tag values joined by .delimiter()><delimiter><field>`` (just the tag values with
``.dropOriginalFieldName()``).  A point lacking an ``.on`` tag is logged and skipped; as in
Kapacitor, the tag values written before the missing one stay in the prefix of the next point.

A batch is flattened on its own (times in the batch), as Kapacitor resets at ``BeginBatch``.
"""
from __future__ import annotations

from ..node import runtime_for
from ..points import Barrier, Batch, Series
from .grouped import GroupedRuntime, go_round, points_from_dicts


@runtime_for("FlattenNode")
class FlattenRuntime(GroupedRuntime):
    def __init__(self, pnode, task):
        super().__init__(pnode, task)
        p = self.props
        self.on = list(p.get("Dimensions") or [])
        self.delimiter = p.get("Delimiter", ".")
        self.tolerance = p.get("Tolerance", 0)
        self.drop_name = bool(p.get("DropOriginalFieldNameFlag"))

    def new_group(self, group, first):
        if isinstance(first, Barrier):
            return {"time": first.time, "name": "barrier", "tags": dict(first.tags), "dims": first.dims,
                    "points": []}
        if isinstance(first, Batch):
            return {"time": first.tmax, "name": first.name, "tags": dict(first.tags), "dims": first.dims,
                    "points": []}
        t, s, _ = first
        return {"time": go_round(t, self.tolerance), "name": s.name, "tags": s.group_tags(), "dims": s.dims,
                "points": []}

    def flatten(self, points) -> dict:
        """``FlattenNode.flatten`` over ``[(tags, fields)]``."""
        out = {}
        prefix = ""
        for tags, fields in points:
            missing = False
            for i, tag in enumerate(self.on):
                if tag in tags:
                    if i > 0:
                        prefix += self.delimiter
                    prefix += tags[tag]
                else:
                    self.error(f"point missing tag for flatten operation: tag {tag} is missing from point")
                    missing = True
                    break
            if missing:
                continue
            for name, value in fields.items():
                key = prefix
                if not self.drop_name:
                    if prefix:
                        key += self.delimiter
                    key += name
                out[key] = value
            prefix = ""
        return out

    def _add(self, g, t, tags, fields):
        """``addPoint``: (the flushed time, its fields) when ``t`` starts a new time, else None."""
        flushed = None
        if t != g["time"]:
            if g["points"]:
                flushed = (g["time"], self.flatten(g["points"]))
                g["points"] = []
            g["time"] = t
        g["points"].append((tags, fields))
        return flushed

    def points(self, pts, port):
        rows = []
        for t, s, fields in pts.rows():
            g = self.group_state(s.group, (t, s, fields))
            flushed = self._add(g, go_round(t, self.tolerance), s.tags, fields)
            if flushed is not None and flushed[1]:
                rows.append((flushed[0], Series.make(g["name"], g["tags"], g["dims"]), flushed[1]))
        if rows:
            self.emit_points(points_from_dicts(rows))

    def barrier(self, msg, port):
        g = self.group_state(msg.group, msg)
        if msg.time > g["time"] and g["points"]:
            fields = self.flatten(g["points"])
            self.emit_points(points_from_dicts([(g["time"], Series.make(g["name"], g["tags"], g["dims"]), fields)]))
            g["points"] = []
        self.emit_barrier(msg)

    def delete_group(self, msg, port):
        if msg.group in self.groups:
            self.groups[msg.group]["points"] = []
        super().delete_group(msg, port)

    def batch(self, b, port):
        g = self.group_state(b.group, b)
        g["name"] = b.name
        g["time"] = None
        series = Series.make(b.name, dict(b.tags), b.dims)
        rows = []
        for t, s, fields in b.points.rows():
            flushed = self._add(g, go_round(t, self.tolerance), s.tags, fields)
            if flushed is not None and flushed[1]:
                rows.append((flushed[0], series, flushed[1]))
        if g["points"]:
            rows.append((g["time"], series, self.flatten(g["points"])))
            g["points"] = []
        pts = points_from_dicts(rows) if rows else b.points.take(slice(0, 0))
        self.emit_batch(b.with_points(pts))
