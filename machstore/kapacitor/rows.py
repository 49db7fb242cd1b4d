"""Kapacitor's result rows (``models.Row``): what ``httpOut`` serves and alerts carry as ``data``.

``edge/messages.go`` ``ToRow``: a stream point is one row with all its tags, columns ``time``
plus its field names sorted; a batch is one row with the group's tags, columns ``time`` plus
the first point's fields and the first point's tags that are not group tags, sorted.  Times
are RFC3339Nano text, as Go's JSON encoder writes a ``time.Time``.
"""
from __future__ import annotations

import numpy as np

from machstore.influxql.timetext import rfc3339, rfc3339_many

from .points import Batch, Points


def point_row(pts: Points, i: int) -> dict:
    """Row ``i`` of a stream chunk as Kapacitor's ``Row`` JSON."""
    s = pts.series_of(i)
    fields = pts.row_fields(i)
    row = {"name": s.name}
    if s.tags:
        row["tags"] = dict(s.tags)
    row["columns"] = ["time", *sorted(fields)]
    row["values"] = [[rfc3339(pts.time[i]), *(fields[k] for k in sorted(fields))]]
    return row


def point_rows(pts: Points, indexes) -> list:
    """``[point_row(pts, i) for i in indexes]`` with each column read once (PERF: ``httpOut`` of
    thousands of groups renders a row per group and chunk)."""
    idx = np.asarray(indexes, dtype=np.int64)
    if not len(idx):
        return []
    texts = rfc3339_many(pts.time[idx])
    names = sorted(pts.fields)
    present = [pts.fields[k].present[idx] for k in names]
    sids = pts.sid[idx].tolist()
    series = pts.series
    if all(p.all() for p in present):
        # every row has every field: one column list, values row by row
        columns = ["time", *names]
        values = list(zip(texts, *(pts.fields[k].values[idx].tolist() for k in names)))
        out = []
        for sid, vals in zip(sids, values):
            s = series[sid]
            row = {"name": s.name, "tags": dict(s.tags)} if s.tags else {"name": s.name}
            row["columns"] = columns.copy()
            row["values"] = [list(vals)]
            out.append(row)
        return out
    values = [pts.fields[k].values[idx].tolist() for k in names]
    present = [p.tolist() for p in present]
    out = []
    for j, sid in enumerate(sids):
        s = series[sid]
        row = {"name": s.name}
        if s.tags:
            row["tags"] = dict(s.tags)
        cols = [c for c in range(len(names)) if present[c][j]]
        row["columns"] = ["time", *(names[c] for c in cols)]
        row["values"] = [[texts[j], *(values[c][j] for c in cols)]]
        out.append(row)
    return out


def batch_row(b: Batch) -> dict:
    """A batch as Kapacitor's ``Row`` JSON (no columns or values when it is empty)."""
    row = {"name": b.name} if b.name else {}
    if b.tags:
        row["tags"] = dict(b.tags)
    pts = b.points
    if not pts.n:
        return row
    first_fields = pts.row_fields(0)
    first_tags = pts.series_of(0).tags
    extra_tags = [t for t in first_tags if t not in b.tags]
    columns = sorted([*first_fields, *extra_tags])
    values = []
    for i in range(pts.n):
        fields = pts.row_fields(i)
        tags = pts.series_of(i).tags
        values.append([rfc3339(pts.time[i]),
                       *(fields[c] if c in fields else tags.get(c) for c in columns)])
    row["columns"] = ["time", *columns]
    row["values"] = values
    return row
