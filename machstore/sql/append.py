"""Machbase's JSON append (``POST /machbase`` and ``/machiot/datapoints/raw``): rows in, counts out.

A bad row never rejects the good ones: each row is converted column by column with
Machbase's rules (datetimes read with the request's ``date_format``, Base64 for binary
columns); a row with any failing value, the wrong number of values, a NULL tag name or
time, or an unregistered tag name when auto-registration is off, counts as a failure.
The good rows are appended in one transaction.
"""
import numpy as np

from machstore import errors as engine_errors
from machstore.machbase import types as mt
from machstore.machbase.errors import error
from machstore.storage.tables import LOOKUP, TAG, VOLATILE

from .planning import column_type
from .statements import append_converted


def append_json(engine, name, values, *, date_format=None, session, auto_meta=1):
    """Append JSON rows (a list of lists) to table ``name``; return ``(success, failure)``.

    ``date_format`` is the request's text (None: the default); any other JSON value there
    is error 3106, as the request itself is malformed.
    """
    if date_format is not None and not isinstance(date_format, str):
        raise error(3106)
    try:
        tdef = engine.get_table(name)
    except engine_errors.TableNotFound:
        raise error(2025, str(name).upper()) from None
    if not isinstance(values, list):
        raise error(3106)
    ncols = len(tdef.columns)
    ok = np.array([isinstance(r, list) and len(r) == ncols for r in values], dtype=bool)
    rows = [r if good else [None] * ncols for r, good in zip(values, ok)]
    converted = []
    for i, cdef in enumerate(tdef.columns):
        stored, errs = mt.convert_column(column_type(cdef), [r[i] for r in rows], column=i + 1,
                                         date_format=date_format, tz=session.timezone, binary_text="base64")
        ok &= np.array([e is None for e in errs], dtype=bool)
        converted.append(stored)
    good_rows = [list(r) for r, good in zip(zip(*converted), ok) if good] if converted else []
    if tdef.kind == TAG:
        key_i, time_i = _index(tdef, tdef.key), _index(tdef, tdef.time)
        good_rows = [r for r in good_rows if r[key_i] is not None and r[time_i] is not None]
        if not auto_meta and good_rows:
            known = {m[tdef.key] for m in engine.tag_metadata(tdef.name, sorted({str(r[key_i]) for r in good_rows}))}
            good_rows = [r for r in good_rows if r[key_i] in known]
        appended = append_converted(engine, tdef, good_rows, register_tags=bool(auto_meta))
    elif tdef.kind in (VOLATILE, LOOKUP):
        appended = 0
        for r in good_rows:
            try:
                appended += engine.put_rows(tdef.name, [r])
            except engine_errors.MachstoreError:
                pass  # duplicate or NULL key: this row fails, the others go on
    else:
        appended = append_converted(engine, tdef, good_rows)
    return appended, len(values) - appended


def _index(tdef, name):
    return [c.name for c in tdef.columns].index(name)
