"""Outputs that stay inside the task: ``httpOut`` and ``noop``.

``httpOut('name')`` (``http_out.go``) keeps the latest row of every group, in the order
groups were first seen, and serves them as ``{"series": [...]}`` (``{"series": null}``
before any data).  The node hands the whole result to the context whenever a round changed
it; the task master stores it so any worker can answer ``GET /tasks/<id>/<name>``.
"""
from __future__ import annotations

import numpy as np

from ..node import NodeRuntime, runtime_for
from ..rows import batch_row, point_row


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
        # PERF: only each group's last row matters: found per group code with numpy, groups
        # visited in order of first appearance (new groups enter the dict in that order)
        codes = {}
        series_code = np.array([codes.setdefault(s.group, len(codes)) for s in pts.series], dtype=np.int64)
        row_code = series_code[pts.sid]
        rows = np.arange(pts.n)
        last = np.full(len(codes), -1, dtype=np.int64)
        np.maximum.at(last, row_code, rows)
        first = np.full(len(codes), pts.n, dtype=np.int64)
        np.minimum.at(first, row_code, rows)
        groups = list(codes)
        for c in np.argsort(first, kind="stable").tolist():
            if last[c] >= 0:
                self.rows[groups[c]] = point_row(pts, int(last[c]))
        self._publish()
        self.emit_points(pts)

    def batch(self, b, port):
        self.rows[b.group] = batch_row(b)
        self._publish()
        self.emit_batch(b)

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

    def batch(self, b, port):
        self.emit_batch(b)
