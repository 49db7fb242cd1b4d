"""Flat value arrays (a parsed write, a stored segment) turned into a ``Points`` chunk.

Both the line-protocol parser (``lineproto.ParsedBatch``) and a stored segment
(``storage.segments.Segment``) describe points as flat arrays: per point a local series
index and a time, per value its point, its column and its 64 bits.  This is the one place
that scatters them into per-field columns with presence masks.
"""
from __future__ import annotations

import numpy as np

from machstore.storage import fieldtypes as ft
from machstore.storage.segments import column_values

from .points import Field, Points


def points_from_flat(series: list, point_series, point_time, value_point, value_col, value_bits,
                     columns: list, strings, *, db: str = "", rp: str = "") -> Points:
    """``columns`` is ``[(name, field type)]`` indexed by ``value_col``; see the module doc.

    Unsigned fields become int64 (Kapacitor's lambdas have no unsigned type); two columns of
    one name with different types merge into an object column.
    """
    n = len(point_time)
    by_name = {}
    for c, (name, ftype) in enumerate(columns):
        by_name.setdefault(name, []).append((c, ftype))
    fields = {}
    vcol = np.asarray(value_col)
    # PERF: one stable sort of the values by column (a radix sort on small ints), then each
    # column is a contiguous slice, instead of a full scan per column
    order = np.argsort(vcol.astype(np.int16) if len(columns) < 32768 else vcol, kind="stable")
    bounds = np.concatenate([[0], np.cumsum(np.bincount(vcol, minlength=len(columns)))])
    bits_by_col = np.asarray(value_bits)[order]
    point_by_col = np.asarray(value_point)[order]
    for name, parts in by_name.items():
        typed = []
        for c, ftype in parts:
            lo, hi = int(bounds[c]), int(bounds[c + 1])
            if lo == hi:
                continue
            vals = column_values(ftype, bits_by_col[lo:hi], strings)
            if ftype == ft.UNSIGNED:
                vals = vals.astype(np.int64)
            typed.append((point_by_col[lo:hi], vals))
        if not typed:
            continue
        dtype = typed[0][1].dtype if len({v.dtype for _, v in typed}) == 1 else object
        values = np.full(n, None, dtype=object) if dtype == object else np.zeros(n, dtype=dtype)
        present = np.zeros(n, dtype=bool)
        for where, vals in typed:
            values[where] = vals
            present[where] = True
        fields[name] = Field(values, present)
    return Points(np.asarray(point_time, dtype=np.int64), np.asarray(point_series, dtype=np.int32),
                  series, fields, db, rp)
