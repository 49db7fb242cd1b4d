"""The messages that flow between a task's nodes, as columns.

Kapacitor moves one Go struct per point between goroutines.  Here a node receives a
``Points`` chunk: many points in arrival order, each row a time, a *series* (the name,
tags and group the point carries) and its fields as typed columns with a presence mask.
Points of one series share one ``Series`` object, so grouping, renaming and tagging work
per series (a few) rather than per point (many), and lambdas run on whole columns.

Vocabulary (Kapacitor's, ``models/point.go`` and ``edge/messages.go``):

* ``Dimensions``: the tag names a group is made of (sorted) and whether the measurement
  name is part of it (``groupByMeasurement``);
* group id: ``group_id(name, tags, dims)``, e.g. ``host=a,region=x``; ``""`` for the nil
  group (templates print it as ``nil``);
* ``Batch``: one group's points with the group's tags and a time ``tmax`` (a window's end);
* ``Barrier`` and ``DeleteGroup``: control messages of ``barrier()``.

A field value missing from a point is ``present[i] == False`` (its slot in ``values``
holds a filler).  Field columns are float64, int64, bool or object (str); a column whose
points disagree on the type is an object column of Python values.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

_KINDS = {"f": np.float64, "i": np.int64, "b": np.bool_}


@dataclass(frozen=True)
class Dimensions:
    """What a group is made of: sorted tag names, and the measurement name or not."""

    tag_names: tuple = ()
    by_name: bool = False


NIL_DIMENSIONS = Dimensions()


def group_id(name: str, tags: dict, dims: Dimensions) -> str:
    """Kapacitor's ``models.ToGroupID``: ``[name\\n]k=v,k2=v2`` over the dimension tags."""
    if not dims.tag_names:
        return name if dims.by_name else ""
    body = ",".join(f"{k}={tags.get(k, '')}" for k in dims.tag_names)
    return f"{name}\n{body}" if dims.by_name else body


@dataclass(frozen=True, eq=False)
class Series:
    """What the points of one row key share: measurement name, tags, dimensions, group id.

    Treat it as immutable (``tags`` is never changed in place); nodes that rename, tag or
    regroup build new ``Series`` with ``replace``.
    """

    name: str
    tags: dict
    dims: Dimensions = NIL_DIMENSIONS
    group: str = ""

    @classmethod
    def make(cls, name: str, tags: dict, dims: Dimensions = NIL_DIMENSIONS) -> Series:
        return cls(name, tags, dims, group_id(name, tags, dims))

    def replace(self, *, name=None, tags=None, dims=None) -> Series:
        """A copy with a new name, tags or dimensions (its group id recomputed)."""
        return Series.make(self.name if name is None else name, self.tags if tags is None else tags,
                           self.dims if dims is None else dims)

    def group_tags(self) -> dict:
        """The tags of the group (what a batch of this group carries)."""
        return {k: self.tags.get(k, "") for k in self.dims.tag_names}


@dataclass
class Field:
    """One field's column: values (typed) and which rows have the field."""

    values: np.ndarray
    present: np.ndarray

    def take(self, idx) -> Field:
        return Field(self.values[idx], self.present[idx])

    def value(self, i):
        """Row i's value as a Python object, or None when absent."""
        if not self.present[i]:
            return None
        v = self.values[i]
        return v.item() if isinstance(v, np.generic) else v


def column(values, present=None) -> Field:
    """A ``Field`` from Python values (None = absent) or a typed array and an optional mask."""
    if isinstance(values, np.ndarray) and values.dtype != object:
        n = len(values)
        return Field(values, np.ones(n, dtype=bool) if present is None else np.asarray(present, dtype=bool))
    vals = list(values)
    mask = np.array([v is not None for v in vals], dtype=bool) if present is None else np.asarray(present, bool)
    kinds = {type(v) for v, m in zip(vals, mask) if m}
    if kinds == {float}:
        return Field(np.array([v if m else 0.0 for v, m in zip(vals, mask)], dtype=np.float64), mask)
    if kinds == {int}:
        return Field(np.array([v if m else 0 for v, m in zip(vals, mask)], dtype=np.int64), mask)
    if kinds == {bool}:
        return Field(np.array([v if m else False for v, m in zip(vals, mask)], dtype=np.bool_), mask)
    arr = np.empty(len(vals), dtype=object)
    arr[:] = [v if m else None for v, m in zip(vals, mask)]
    return Field(arr, mask)


@dataclass
class Points:
    """Points in arrival order: ``time[i]``, ``series[sid[i]]``, ``fields[f].values[i]``.

    ``db``/``rp`` are the database and retention policy the points were written to (one
    per chunk: a chunk is cut from one write).  Rows of a chunk need not share fields.
    """

    time: np.ndarray
    sid: np.ndarray
    series: list
    fields: dict = field(default_factory=dict)
    db: str = ""
    rp: str = ""

    @property
    def n(self) -> int:
        return len(self.time)

    def __len__(self):
        return len(self.time)

    @classmethod
    def empty(cls, db="", rp="") -> Points:
        return cls(np.empty(0, np.int64), np.empty(0, np.int32), [], {}, db, rp)

    @classmethod
    def from_rows(cls, rows, db="", rp="") -> Points:
        """Build from ``(time, Series, {field: value})`` tuples (slow paths and tests)."""
        series, index, times, sids = [], {}, [], []
        names = {}
        for t, s, _ in rows:
            if id(s) not in index:
                index[id(s)] = len(series)
                series.append(s)
            times.append(t)
            sids.append(index[id(s)])
        for _, _, fields in rows:
            for k in fields:
                names.setdefault(k, None)
        fields = {k: column([f.get(k) for _, _, f in rows]) for k in names}
        return cls(np.array(times, dtype=np.int64), np.array(sids, dtype=np.int32), series, fields, db, rp)

    def take(self, idx) -> Points:
        """The rows ``idx`` (a boolean mask or index array), series list shared."""
        fields = {}
        for k, f in self.fields.items():
            sub = f.take(idx)
            if sub.present.any():
                fields[k] = sub
        return Points(self.time[idx], self.sid[idx], self.series, fields, self.db, self.rp)

    def with_series(self, series: list, sid=None) -> Points:
        """The same rows with a new series table (and optionally a new ``sid`` column)."""
        return Points(self.time, self.sid if sid is None else sid, series, self.fields, self.db, self.rp)

    def with_fields(self, fields: dict) -> Points:
        return Points(self.time, self.sid, self.series, fields, self.db, self.rp)

    def with_time(self, time) -> Points:
        return Points(np.asarray(time, dtype=np.int64), self.sid, self.series, self.fields, self.db, self.rp)

    def series_of(self, i) -> Series:
        return self.series[self.sid[i]]

    def row_fields(self, i) -> dict:
        """Row i's present fields as Python values, sorted by name (Kapacitor's ``models.Fields``)."""
        return {k: f.value(i) for k, f in sorted(self.fields.items()) if f.present[i]}

    def rows(self):
        """Iterate ``(time, Series, fields)`` per row (slow paths: alert events, tests)."""
        for i in range(self.n):
            yield int(self.time[i]), self.series[self.sid[i]], self.row_fields(i)

    def group_codes(self):
        """``(group ids, row codes)``: the distinct groups in order of first appearance and,
        per row, the index of its group in that list.  PERF: decided per series, not per row."""
        if not self.series:
            return [], np.empty(0, dtype=np.int64)
        codes = {}
        series_code = np.empty(len(self.series), dtype=np.int64)
        for j, s in enumerate(self.series):
            series_code[j] = codes.setdefault(s.group, len(codes))
        row_code = series_code[self.sid]
        ids = list(codes)
        if len(ids) > 1:
            # renumber by first appearance in the rows (series order need not be row order)
            first = np.full(len(ids), self.n, dtype=np.int64)
            np.minimum.at(first, row_code, np.arange(self.n))
            present = first < self.n
            order = np.argsort(first, kind="stable")[: int(present.sum())]
            rank = np.full(len(ids), -1, dtype=np.int64)
            rank[order] = np.arange(len(order))
            row_code = rank[row_code]
            ids = [ids[c] for c in order]
        return ids, row_code

    def last_per_group(self):
        """``[(group id, index of the group's last row)]`` in order of first appearance."""
        ids, row_code = self.group_codes()
        if len(ids) <= 1:
            return [(ids[0], self.n - 1)] if ids and self.n else []
        last = np.full(len(ids), -1, dtype=np.int64)
        np.maximum.at(last, row_code, np.arange(self.n))
        return list(zip(ids, last.tolist()))

    def groups(self):
        """Split into ``(group id, Points)`` by group, groups in order of first appearance.

        Within a group rows keep their arrival order.  PERF: one stable argsort over the
        row group codes; a chunk of one group is returned as is.
        """
        ids, row_code = self.group_codes()
        if len(ids) <= 1:
            return [(ids[0], self)] if ids and self.n else []
        perm = np.argsort(row_code, kind="stable")
        bounds = np.flatnonzero(np.diff(row_code[perm])) + 1
        return [(ids[k], self.take(part)) for k, part in enumerate(np.split(perm, bounds))]

    def tag_columns(self, names=None) -> dict:
        """Per-row tag values as object arrays (None where a point lacks the tag)."""
        wanted = names if names is not None else sorted({k for s in self.series for k in s.tags})
        out = {}
        for k in wanted:
            per_series = np.array([s.tags.get(k) for s in self.series] or [None], dtype=object)
            out[k] = per_series[self.sid] if self.series else np.empty(0, dtype=object)
        return out

    def lambda_columns(self, refs=None):
        """The columns a compiled lambda reads (``machstore.tick.lambdas.PointColumns``).

        ``refs``: the names the lambda references (fields first, then tags, as Kapacitor
        looks them up); None passes everything.
        """
        from machstore.tick.lambdas import PointColumns
        if refs is None:
            fields = {k: (f.values, f.present) for k, f in self.fields.items()}
            tags = self.tag_columns()
        else:
            fields = {k: (self.fields[k].values, self.fields[k].present) for k in refs if k in self.fields}
            tags = self.tag_columns([k for k in refs if k not in self.fields])
        return PointColumns(self.time, fields, tags)


def concat(chunks: list) -> Points:
    """Rows of several chunks in order, as one chunk (series tables merged)."""
    chunks = [c for c in chunks if c.n]
    if not chunks:
        return Points.empty()
    if len(chunks) == 1:
        return chunks[0]
    series, index, sids = [], {}, []
    for c in chunks:
        remap = np.empty(len(c.series), dtype=np.int32)
        for j, s in enumerate(c.series):
            if id(s) not in index:
                index[id(s)] = len(series)
                series.append(s)
            remap[j] = index[id(s)]
        sids.append(remap[c.sid] if len(c.series) else c.sid)
    names = {}
    for c in chunks:
        for k in c.fields:
            names.setdefault(k, None)
    fields = {}
    for k in names:
        parts = [c.fields.get(k) for c in chunks]
        dtypes = {p.values.dtype for p in parts if p is not None}
        dtype = dtypes.pop() if len(dtypes) == 1 else object
        vals, pres = [], []
        for c, p in zip(chunks, parts):
            if p is None:
                vals.append(np.zeros(c.n, dtype=dtype) if dtype != object else np.full(c.n, None, dtype=object))
                pres.append(np.zeros(c.n, dtype=bool))
            else:
                vals.append(p.values.astype(dtype, copy=False))
                pres.append(p.present)
        fields[k] = Field(np.concatenate(vals), np.concatenate(pres))
    return Points(np.concatenate([c.time for c in chunks]), np.concatenate(sids), series, fields,
                  chunks[0].db, chunks[0].rp)


@dataclass
class Batch:
    """One group's batch (a window, a query result): Kapacitor's BeginBatch..EndBatch.

    ``tags`` are the group's tags; ``points`` keep each point's own series (full tags).
    ``tmax`` is the batch time (a window's end).
    """

    name: str
    group: str
    tags: dict
    dims: Dimensions
    tmax: int
    points: Points

    def with_points(self, points: Points) -> Batch:
        return Batch(self.name, self.group, self.tags, self.dims, self.tmax, points)


@dataclass(frozen=True)
class Barrier:
    """``barrier()``'s message: the group ``group`` has reached ``time`` (wall or data)."""

    group: str
    dims: Dimensions
    tags: dict
    time: int


@dataclass(frozen=True)
class DeleteGroup:
    """``barrier().delete(TRUE)``: forget everything about ``group`` downstream."""

    group: str


@dataclass(frozen=True)
class BatchGroup:
    """What every batch of one group carries besides its points: name, group id, tags, dims."""

    name: str
    group: str
    tags: dict
    dims: Dimensions


@dataclass
class Batches:
    """Many batches in one message, in emission order (a grouped window's output per chunk).

    Batch ``k``'s rows are ``points`` rows ``starts[k]:starts[k + 1]`` (contiguous, in the
    order the batch holds them); ``gidx[k]`` indexes ``groups`` (a ``BatchGroup`` per group
    the message touches) and ``tmax[k]`` is its time.  It means exactly the sequence of
    ``Batch`` messages ``unroll()`` returns: a node that has no columnar path handles them one
    by one (``NodeRuntime.batches``), one that has reduces every batch with one numpy pass.
    """

    points: Points
    starts: np.ndarray   # int64, len(batches) + 1, starts[-1] == points.n
    gidx: np.ndarray     # int64 per batch: index into groups
    groups: list         # [BatchGroup]
    tmax: np.ndarray     # int64 per batch

    def __len__(self):
        return len(self.tmax)

    def sizes(self) -> np.ndarray:
        return np.diff(self.starts)

    def batch(self, k: int) -> Batch:
        """Batch ``k`` as a ``Batch`` message (its points a slice of the shared columns)."""
        g = self.groups[int(self.gidx[k])]
        a, b = int(self.starts[k]), int(self.starts[k + 1])
        pts = self.points
        part = pts if (a == 0 and b == pts.n) else pts.take(slice(a, b))
        return Batch(g.name, g.group, g.tags, g.dims, int(self.tmax[k]), part)

    def unroll(self) -> list:
        return [self.batch(k) for k in range(len(self))]

    def last_per_group(self) -> list:
        """``[(group index, index of its last batch)]`` in order of the groups' first batch."""
        k = len(self)
        first = np.full(len(self.groups), k, dtype=np.int64)
        last = np.full(len(self.groups), -1, dtype=np.int64)
        idx = np.arange(k)
        np.minimum.at(first, self.gidx, idx)
        np.maximum.at(last, self.gidx, idx)
        order = np.argsort(first, kind="stable")
        return [(int(g), int(last[g])) for g in order.tolist() if last[g] >= 0]

    def take_rows(self, mask: np.ndarray) -> Batches:
        """The same batches keeping only the rows where ``mask`` is true (none dropped)."""
        kept = np.concatenate(([0], np.cumsum(mask, dtype=np.int64)))
        return Batches(self.points.take(mask), kept[self.starts], self.gidx, self.groups, self.tmax)
