"""RowSet: the engine's in-memory unit of a series' rows (time + typed columns with validity).

Blocks decode into RowSets, segments yield them, and queries merge them.  All
operations are vectorised numpy; nothing here loops over rows in Python.
"""
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from . import fieldtypes as ft


@dataclass
class Column:
    """One field's values over a RowSet's rows; ``valid`` is None when every row has a value."""

    type: int
    values: np.ndarray
    valid: np.ndarray | None = None

    def take(self, idx):
        return Column(self.type, self.values[idx], None if self.valid is None else self.valid[idx])

    def valid_mask(self, n):
        return np.ones(n, dtype=bool) if self.valid is None else self.valid


class RowSet:
    """Rows of one series: ``times`` (int64 ns) and ``columns`` (field name -> Column)."""

    __slots__ = ("times", "columns")

    def __init__(self, times, columns=None):
        self.times = times
        self.columns = columns if columns is not None else {}

    def __len__(self):
        return int(self.times.shape[0])

    def take(self, idx):
        """Return the rows at ``idx`` (an index array or boolean mask)."""
        return RowSet(self.times[idx], {k: c.take(idx) for k, c in self.columns.items()})

    def between(self, start=None, end=None):
        """Return rows with ``start <= time <= end`` (either bound may be None)."""
        if start is None and end is None:
            return self
        mask = np.ones(len(self), dtype=bool)
        if start is not None:
            mask &= self.times >= start
        if end is not None:
            mask &= self.times <= end
        return self if mask.all() else self.take(mask)

    def select(self, fields):
        """Keep only the named columns (missing ones are simply absent)."""
        if fields is None:
            return self
        return RowSet(self.times, {k: c for k, c in self.columns.items() if k in fields})

    def to_arrow(self, field_order=None):
        """Return a pyarrow Table: ``time`` (int64 ns) then one nullable column per field."""
        names = field_order if field_order is not None else sorted(self.columns)
        arrays, out_names = [pa.array(self.times, type=pa.int64())], ["time"]
        for name in names:
            col = self.columns.get(name)
            if col is None:
                continue
            mask = None if col.valid is None else ~col.valid
            values = col.values
            arrays.append(pa.array(values, mask=mask, type=_ARROW_TYPES[col.type]))
            out_names.append(name)
        return pa.Table.from_arrays(arrays, names=out_names)


_ARROW_TYPES = {
    ft.FLOAT: pa.float64(),
    ft.INTEGER: pa.int64(),
    ft.UNSIGNED: pa.uint64(),
    ft.STRING: pa.string(),
    ft.BOOLEAN: pa.bool_(),
    ft.BINARY: pa.binary(),
}


def concat(rowsets):
    """Concatenate RowSets in order; a column missing from one part is invalid there."""
    rowsets = [r for r in rowsets if len(r)]
    if not rowsets:
        return RowSet(np.empty(0, dtype=np.int64))
    if len(rowsets) == 1:
        return rowsets[0]
    times = np.concatenate([r.times for r in rowsets])
    names = {}
    for r in rowsets:
        for k, c in r.columns.items():
            names.setdefault(k, c.type)
    columns = {}
    for name, ftype in names.items():
        vals, valid, all_valid = [], [], True
        for r in rowsets:
            c = r.columns.get(name)
            n = len(r)
            if c is None or c.type != ftype:
                vals.append(ft.empty_values(ftype, n))
                valid.append(np.zeros(n, dtype=bool))
                all_valid = False
            else:
                vals.append(c.values)
                valid.append(c.valid_mask(n))
                all_valid = all_valid and c.valid is None
        columns[name] = Column(ftype, np.concatenate(vals), None if all_valid else np.concatenate(valid))
    return RowSet(times, columns)


def sort_rows(rows, *, dedup):
    """Sort rows by time, keeping write order among equal times.

    With ``dedup`` (InfluxDB semantics) rows of equal time collapse into one, each
    field taking its last written valid value; without it (Machbase) all are kept.
    """
    n = len(rows)
    t = rows.times
    if n < 2 or np.all(t[1:] > t[:-1]):
        return rows  # strictly increasing: already sorted, no duplicates
    if not np.all(t[1:] >= t[:-1]):
        rows = rows.take(np.argsort(t, kind="stable"))
        t = rows.times
    if not dedup:
        return rows
    boundaries = np.flatnonzero(t[1:] != t[:-1]) + 1
    starts = np.concatenate(([0], boundaries))
    group = np.zeros(n, dtype=np.int64)
    group[boundaries] = 1
    group = np.cumsum(group)
    ngroups = starts.size
    columns = {}
    for name, col in rows.columns.items():
        pos = np.arange(n) if col.valid is None else np.flatnonzero(col.valid)
        g = group[pos]
        # last valid position per group: the last occurrence of each group id in pos order
        last = np.ones(g.size, dtype=bool)
        if g.size > 1:
            last[:-1] = g[1:] != g[:-1]
        pos, g = pos[last], g[last]
        values = ft.empty_values(col.type, ngroups)
        values[g] = col.values[pos]
        if g.size == ngroups:
            columns[name] = Column(col.type, values, None)
        else:
            valid = np.zeros(ngroups, dtype=bool)
            valid[g] = True
            columns[name] = Column(col.type, values, valid)
    return RowSet(t[starts], columns)
