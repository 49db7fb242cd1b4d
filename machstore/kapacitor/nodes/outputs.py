"""Outputs that stay inside the task: ``httpOut`` and ``noop``.

``httpOut('name')`` (``http_out.go``) keeps the latest row of every group, in the order
groups were first seen, and serves them as ``{"series": [...]}`` (``{"series": null}``
before any data).  The node hands the whole result to the context whenever a round changed
it; the task master stores it so any worker can answer ``GET /tasks/<id>/<name>``.
"""
from __future__ import annotations

from ..node import NodeRuntime, runtime_for
from ..rows import batch_row, point_rows


@runtime_for("HTTPOutNode")
class HTTPOutRuntime(NodeRuntime):
    def __init__(self, pnode, task):
        super().__init__(pnode, task)
        self.endpoint = self.props["Endpoint"]
        self.rows = {}  # group id -> row, in first-seen order (dicts keep insertion order)

    def result(self) -> dict:
        return {"series": list(self.rows.values()) or None}

    def _publish(self):
        self.stats.cardinality = len(self.rows)
        self.ctx.http_out(self.endpoint, self.result())

    def points(self, pts, port):
        lasts = pts.last_per_group()
        for (group, _), row in zip(lasts, point_rows(pts, [i for _, i in lasts])):
            self.rows[group] = row
        self._publish()
        self.emit_points(pts)

    def batch(self, b, port):
        self.rows[b.group] = batch_row(b)
        self._publish()
        self.emit_batch(b)

    def batches(self, bs, port):
        """Only each group's last batch of the message is rendered (the earlier ones would be
        replaced before anyone could read them); groups enter in order of their first batch."""
        for _, last in bs.last_per_group():
            b = bs.batch(last)
            self.rows[b.group] = batch_row(b)
        self._publish()
        self.emit_batches(bs)

    def delete_group(self, msg, port):
        if self.rows.pop(msg.group, None) is not None:
            self._publish()
        self.emit_delete(msg)

    def state(self):
        return self.rows or None

    def restore(self, state):
        self.rows = dict(state or {})


@runtime_for("NoOpNode")
class NoOpRuntime(NodeRuntime):
    """Passes everything on (``stats``/``deadman`` add it as a child)."""

    def points(self, pts, port):
        self.emit_points(pts)

    def batches(self, bs, port):
        self.emit_batches(bs)

    def batch(self, b, port):
        self.emit_batch(b)
