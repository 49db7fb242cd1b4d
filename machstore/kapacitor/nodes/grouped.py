"""What several of Kapacitor's per-group nodes share: the grouped consumer, Go's time rounding,
and building a chunk from per-row field dicts.

* ``GroupedRuntime`` restates ``edge.NewGroupedConsumer``: a group comes to exist with its first
  point, batch or barrier (``working_cardinality`` counts them); a ``DeleteGroup`` drops the
  group's state and is forwarded **only when the node knew the group** (Kapacitor's grouped
  consumer swallows deletes of groups it never saw).
* ``go_round``: Go's ``time.Round(d)``, which rounds relative to Go's zero time (year 1), not the
  Unix epoch, halfway up; ``d <= 0`` leaves times unchanged.
* ``points_from_dicts``: a chunk from rows whose fields may hold ``None``: a *present* nil field,
  as Go's ``models.Fields{"x": nil}`` (``join().fill('null')``), which a ``Row`` prints as null.
"""
from __future__ import annotations

import numpy as np

from ..node import NodeRuntime
from ..points import Field, Points

GO_ZERO_OFFSET_NS = 62_135_596_800 * 10**9  # from 0001-01-01T00:00:00Z to the Unix epoch


def go_round(times, d: int):
    """Go's ``t.Round(d)`` on Unix nanoseconds (an array or an int)."""
    if d <= 0:
        return times
    scalar = not isinstance(times, np.ndarray)
    t = np.asarray(times, dtype=np.int64)
    rem = (np.mod(t, d) + GO_ZERO_OFFSET_NS % d) % d
    out = np.where(rem + rem < d, t - rem, t + (d - rem))
    return int(out) if scalar else out


def points_from_dicts(rows, db: str = "", rp: str = "") -> Points:
    """A chunk from ``(time, Series, {field: value})`` rows; a key with value None stays present.

    PERF: one pass over the cells (rows may carry many distinct fields: flatten, join).
    """
    series, index, times, sids = [], {}, [], []
    cells = {}  # field -> ([row], [value])
    for i, (t, s, fields) in enumerate(rows):
        j = index.get(id(s))
        if j is None:
            j = index[id(s)] = len(series)
            series.append(s)
        times.append(t)
        sids.append(j)
        for k, v in fields.items():
            cell = cells.get(k)
            if cell is None:
                cell = cells[k] = ([], [])
            cell[0].append(i)
            cell[1].append(v)
    n = len(times)
    fields = {k: scattered_column(n, idx, vals) for k, (idx, vals) in cells.items()}
    return Points(np.array(times, dtype=np.int64), np.array(sids, dtype=np.int32), series, fields, db, rp)


def group_indices(pts: Points) -> list:
    """``[(group id, row indices)]``: groups in order of first appearance, rows in arrival order.

    Per-group nodes compute on each group's rows, scatter the results back by these indices
    and emit one chunk in arrival order (Kapacitor handles the points one by one, in order).
    """
    if not pts.series or not pts.n:
        return []
    codes = {}
    series_code = np.array([codes.setdefault(s.group, len(codes)) for s in pts.series], dtype=np.int64)
    if len(codes) == 1:
        return [(pts.series[0].group, np.arange(pts.n))]
    row_code = series_code[pts.sid]
    first = np.full(len(codes), pts.n, dtype=np.int64)
    np.minimum.at(first, row_code, np.arange(pts.n))
    ids = list(codes)
    order = np.argsort(row_code, kind="stable")
    bounds = np.flatnonzero(np.diff(row_code[order])) + 1
    parts = {int(row_code[part[0]]): part for part in np.split(order, bounds)}
    return [(ids[c], parts[c]) for c in np.argsort(first, kind="stable") if c in parts]


def part_of(pts: Points, idx: np.ndarray) -> Points:
    """The rows ``idx`` of ``pts`` (the chunk itself when it is all of them)."""
    return pts if len(idx) == pts.n else pts.take(idx)


_KIND_DTYPES = {frozenset([float]): np.float64, frozenset([int]): np.int64, frozenset([bool]): np.bool_}


def scattered_column(n: int, rows: list, values: list) -> Field:
    """A column of ``n`` rows holding ``values`` at ``rows`` (typed by the values; None = present nil)."""
    present = np.zeros(n, dtype=bool)
    present[rows] = True
    dtype = _KIND_DTYPES.get(frozenset(map(type, values)))
    if dtype is not None:
        arr = np.zeros(n, dtype=dtype)
        arr[rows] = values
        return Field(arr, present)
    arr = np.full(n, None, dtype=object)
    obj = np.empty(len(values), dtype=object)
    obj[:] = values
    arr[rows] = obj
    return Field(arr, present)


def typed_column(values: list, present: np.ndarray) -> Field:
    """A column typed by its present values; present None values make it an object column."""
    rows = np.flatnonzero(present)
    return scattered_column(len(values), rows, [values[i] for i in rows])


class GroupedRuntime(NodeRuntime):
    """A node run through Kapacitor's grouped consumer (see the module docstring).

    Subclasses keep their per-group state in ``self.groups`` (group id -> state) and say what a
    new group's state is in ``new_group``.
    """

    def __init__(self, pnode, task):
        super().__init__(pnode, task)
        self.groups = {}

    def new_group(self, group: str, first):
        """The state of a group that ``first`` (a point row, a ``Batch`` or a ``Barrier``) opens."""
        return

    def group_state(self, group: str, first=None):
        if group not in self.groups:
            self.groups[group] = self.new_group(group, first)
            self.stats.cardinality = len(self.groups)
        return self.groups[group]

    def barrier(self, msg, port):
        self.group_state(msg.group, msg)
        self.emit_barrier(msg)

    def delete_group(self, msg, port):
        if msg.group in self.groups:
            del self.groups[msg.group]
            self.stats.cardinality = len(self.groups)
            self.emit_delete(msg)

    def state(self):
        return {"groups": self.groups} if self.groups else None

    def restore(self, state):
        self.groups = dict((state or {}).get("groups", {}))
        self.stats.cardinality = len(self.groups)
