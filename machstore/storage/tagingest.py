"""Line protocol into a Machbase tag table, as Machbase Neo's ``/write?db=<table>`` does.

Each numeric field value of a point becomes one row: NAME = ``measurement.field``,
TIME = the point's time, VALUE (the table's first value column) = the value; the
point's tags are copied into columns of the same name (compared case-insensitively,
as Machbase column names are upper case) when the table has them.  String and
boolean fields have no numeric value and are skipped (Neo skips them too).
"""
import numpy as np

from machstore import lineproto

from . import fieldtypes as ft
from .rows import Column

_NUMERIC = (ft.FLOAT, ft.INTEGER, ft.UNSIGNED)


def tag_columns(batch, tdef):
    """Return ``({column: Column}, rows, skipped values)`` for a parsed batch and a tag table."""
    value_col = tdef.value_columns()[0]
    by_upper = {c.name.upper(): c for c in tdef.value_columns()[1:]}
    vt = batch.value_type
    numeric = np.isin(vt, _NUMERIC)
    skipped = int(np.count_nonzero(~numeric))
    vp = batch.value_point[numeric]
    vf = batch.value_field[numeric]
    series = batch.point_series[vp]
    # one name per (series, field) pair present
    nf = max(len(batch.field_keys), 1)
    pair = series.astype(np.int64) * nf + vf
    upairs, inv = np.unique(pair, return_inverse=True)
    split = [lineproto.split_series_key(k) for k in batch.series_keys]
    names = np.array([(split[p // nf][0] + b"." + batch.field_keys[p % nf]).decode("utf-8", "replace")
                      for p in upairs.tolist()], dtype=object)
    columns = {
        tdef.key: Column(ft.STRING, names[inv]),
        tdef.time: Column(ft.INTEGER, batch.point_time[vp]),
        value_col.name: Column(value_col.storage, _numeric_values(vt[numeric], batch.value_bits[numeric],
                                                                  value_col.storage)),
    }
    for tag_key in {k.decode("utf-8", "replace").upper() for _, tags in split for k, _ in tags} & set(by_upper):
        cdef = by_upper[tag_key]
        per_series = np.empty(len(split), dtype=object)
        has = np.zeros(len(split), dtype=bool)
        for i, (_, tags) in enumerate(split):
            for k, v in tags:
                if k.decode("utf-8", "replace").upper() == tag_key:
                    per_series[i], has[i] = v.decode("utf-8", "replace"), True
        per_series[~has] = ""
        columns[cdef.name] = Column(ft.STRING, per_series[series], has[series])
    return columns, int(vp.size), skipped


def _numeric_values(types, bits, storage):
    """Convert mixed float/int/uint payloads to the storage type of the value column."""
    as_float = np.where(types == ft.FLOAT, bits.view(np.float64),
                        np.where(types == ft.UNSIGNED, bits.view(np.uint64).astype(np.float64),
                                 bits.astype(np.float64)))
    if storage == ft.FLOAT:
        return as_float
    if storage == ft.UNSIGNED:
        return np.where(types == ft.FLOAT, as_float, bits).astype(np.uint64)
    return np.where(types == ft.FLOAT, as_float, bits).astype(np.int64)
