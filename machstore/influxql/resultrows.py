"""A result series' rows, kept as columns until someone needs them as rows.

Why: ``SELECT *`` over 36,000 points built 36,000 lists of 21 values, formatted 36,000 times
one by one, and handed the lot to the JSON encoder: 55 ms of a 100 ms query.  A
:class:`ColumnRows` keeps the time column (int ns) and one Vec per result column instead; the
``/query`` JSON writer renders it straight from the columns (:meth:`ColumnRows.json`, through
the ``jsonrows`` kernel), with each distinct time formatted once (:func:`format_times`).

It is a read-only sequence of rows: whatever reads the rows (``SELECT ... INTO``, subqueries,
CSV and chunked answers, tests) gets them as a plain list of lists, ``[time, v1, v2, ...]``,
built on first use; from then on that list is the truth (a row changed through it stays
changed, and the JSON writer writes the list).
"""
import collections.abc

import numpy as np

from . import jsonrows, timetext

__all__ = ["ColumnRows", "ColumnSet", "format_times"]

_INF = float("inf")


class ColumnSet:
    """Full-length result columns (Vecs) that the series of one table take their rows from.

    PERF: the JSON writer lays them out once (``jsonrows.Columns``) for all those series.
    """

    __slots__ = ("_prepared", "vecs")

    def __init__(self, vecs):
        self.vecs = list(vecs)
        self._prepared = None

    def prepared(self, fallback):
        """The columns laid out for the JSON kernel (made once per ``fallback``)."""
        if self._prepared is None or self._prepared[0] is not fallback:
            columns = [jsonrows.column_of(v.values, v.valid) for v in self.vecs]
            self._prepared = (fallback, jsonrows.Columns(columns, fallback))
        return self._prepared[1]


class ColumnRows(collections.abc.Sequence):
    """Rows ``[time, c1, c2, ...]`` of a series, from ``times`` (int64 ns) and its columns.

    ``columns`` is a list of Vecs with one entry per row, or a :class:`ColumnSet` whose rows at
    ``positions`` (int64) are this series' rows.
    """

    __slots__ = ("_columns", "_epochs", "_positions", "_rows", "_texts", "_times")

    def __init__(self, times, columns, positions=None):
        self._times = np.asarray(times, dtype=np.int64)
        self._columns = columns if isinstance(columns, ColumnSet) else list(columns)
        self._positions = positions
        self._epochs = None               # the times as printed integers (int64 array), or
        self._texts = None                # as RFC3339: (texts, their JSON bytes, index per row)
        self._rows = None

    def __len__(self):
        return len(self._times) if self._rows is None else len(self._rows)

    def __getitem__(self, i):
        return self.rows()[i]

    def __iter__(self):
        return iter(self.rows())

    def __eq__(self, other):
        if isinstance(other, (ColumnRows, list, tuple)):
            return self.rows() == list(other)
        return NotImplemented

    def __repr__(self):
        return f"ColumnRows({self.rows()!r})"

    @property
    def times(self):
        """The int64 ns time of every row (before any formatting)."""
        return self._times

    def rows(self):
        """The rows as a list of lists (built once; later changes to it are kept)."""
        if self._rows is None:
            if self._texts is not None:
                texts, _, index = self._texts
                times = [texts[k] for k in index.tolist()]
            else:
                times = (self._epochs if self._epochs is not None else self._times).tolist()
            if isinstance(self._columns, ColumnSet):
                pos = self._positions
                cols = [times] + [_as_list(vec.take(pos)) for vec in self._columns.vecs]
            else:
                cols = [times] + [_as_list(vec) for vec in self._columns]
            self._rows = [list(row) for row in zip(*cols)]
        return self._rows

    def first_infinity(self):
        """``"+Inf"``/``"-Inf"`` for the first infinite float of the rows in row order (what Go's
        encoding/json stops at), or None.  PERF: one numpy pass per float column."""
        if self._rows is not None:
            return self.first_infinity_in_lists(self._rows)
        vecs = self._columns.vecs if isinstance(self._columns, ColumnSet) else self._columns
        best = None
        for k, vec in enumerate(vecs):
            values = vec.values
            if values.dtype.kind != "f":
                continue
            if isinstance(self._columns, ColumnSet):
                values = values[self._positions]
                valid = None if vec.valid is None else vec.valid[self._positions]
            else:
                valid = vec.valid
            bad = np.isinf(values)
            if valid is not None:
                bad &= valid
            if bad.any():
                i = int(np.argmax(bad))
                if best is None or (i, k) < best[:2]:
                    best = (i, k, float(values[i]))
        return None if best is None else ("+Inf" if best[2] > 0 else "-Inf")

    @staticmethod
    def first_infinity_in_lists(rows):
        """``first_infinity`` of plain ``[time, v1, ...]`` rows."""
        for row in rows:
            for v in row:
                if type(v) is float and (v == _INF or v == -_INF):
                    return "+Inf" if v > 0 else "-Inf"
        return None

    def json(self, fallback):
        """The JSON array of the rows (bytes); ``fallback(value)`` writes an odd object cell."""
        if self._rows is not None:
            return fallback(self._rows)
        if self._texts is not None:
            first = (jsonrows.TEXT, self._texts[1], self._texts[2])
        else:
            first = (jsonrows.INT, self._epochs if self._epochs is not None else self._times, None)
        if isinstance(self._columns, ColumnSet):
            return self._columns.prepared(fallback).render(first, self._positions)
        columns = [jsonrows.column_of(vec.values, vec.valid) for vec in self._columns]
        return jsonrows.Columns(columns, fallback).render(first)


def _as_list(vec):
    out = vec.values.tolist()
    if vec.valid is not None and not vec.valid.all():
        out = [v if ok else None for v, ok in zip(out, vec.valid.tolist())]
    return out


def format_times(rows, epoch_unit=None, tz=None):
    """Set how the times of several :class:`ColumnRows` print: integers of ``epoch_unit`` ns, or
    RFC3339 text in ``tz`` (each distinct time formatted once over all of them)."""
    fresh = [r for r in rows if r._rows is None]
    for r in rows:
        if r._rows is not None:   # already handed out as lists: format those
            texts = (timetext.epoch_values(r.times, epoch_unit) if epoch_unit
                     else timetext.rfc3339_many(r.times, tz))
            for row, text in zip(r._rows, texts):
                row[0] = text
    if not fresh:
        return
    times = np.concatenate([r.times for r in fresh])
    bounds = np.cumsum([0] + [len(r.times) for r in fresh]).tolist()
    if epoch_unit:
        values = timetext.epoch_array(times, epoch_unit)
        for r, a, b in zip(fresh, bounds[:-1], bounds[1:]):
            r._epochs = values[a:b]
        return
    texts, index = timetext.rfc3339_distinct(times, tz)
    encoded = [f'"{t}"'.encode() for t in texts]   # RFC3339 text needs no JSON escapes
    for r, a, b in zip(fresh, bounds[:-1], bounds[1:]):
        r._texts = (texts, encoded, index[a:b])
