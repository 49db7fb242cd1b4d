"""The JSON ``"values"`` of a result series, written from its columns: the typed surface of the kernel.

The kernel (``machstore._ext_jsonrows``, ``ext/jsonrows.pyx``) writes the bytes that the reference
twin :mod:`.jsonrows_ref` defines (column kinds, Go's float text, string escaping); they are
tested against each other on random columns.  :func:`column_of` picks a column's kind from its
numpy dtype.
"""
import numpy as np

from machstore import _ext_jsonrows as _kernel

from .jsonrows_ref import BOOL, FLOAT, INT, OBJECT, TEXT, UINT, json_string

__all__ = ["BOOL", "FLOAT", "INT", "OBJECT", "TEXT", "UINT", "Columns", "column_of", "json_string", "render_rows"]

_KINDS = {"i": INT, "u": UINT, "f": FLOAT, "b": BOOL}


def column_of(values, valid=None):
    """``(kind, values, valid)`` of a numpy column (64-bit numbers, bools; anything else is OBJECT)."""
    kind = _KINDS.get(values.dtype.kind, OBJECT)
    if kind != OBJECT and values.dtype.itemsize != (1 if kind == BOOL else 8):
        values = values.astype({INT: np.int64, UINT: np.uint64, FLOAT: np.float64}[kind])
    return kind, values, valid


def Columns(columns, fallback):
    """Columns checked and laid out once; ``.render(first=None, rows=None)`` writes the rows
    ``[first[i], columns at rows[i]...]`` (see :func:`.jsonrows_ref.render_selected`)."""
    return _kernel.Columns(list(columns), fallback)


def render_rows(columns, fallback):
    """The JSON array of the rows of ``columns`` (``[(kind, values, valid)]``, see :mod:`.jsonrows_ref`);
    ``fallback(value)`` writes the JSON bytes of an object cell that is neither ``str`` nor None."""
    return _kernel.render_rows(list(columns), fallback)
