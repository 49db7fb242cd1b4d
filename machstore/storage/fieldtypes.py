"""Field value types: the codes shared by the parser, the storage and the query layers.

The codes are the parser's (``machstore.lineproto``); names are InfluxQL's, which
is what type-conflict messages and ``SHOW FIELD KEYS`` print.
"""
import numpy as np

FLOAT, INTEGER, UNSIGNED, STRING, BOOLEAN, BINARY = 0, 1, 2, 3, 4, 5

TYPE_NAMES = {FLOAT: "float", INTEGER: "integer", UNSIGNED: "unsigned", STRING: "string", BOOLEAN: "boolean",
              BINARY: "binary"}

# Numpy dtype of a decoded column; strings are object arrays of ``str``, binaries of ``bytes``
# (BINARY is not a line-protocol type: Machbase blob/binary columns use it).
DTYPES = {
    FLOAT: np.dtype(np.float64),
    INTEGER: np.dtype(np.int64),
    UNSIGNED: np.dtype(np.uint64),
    STRING: np.dtype(object),
    BOOLEAN: np.dtype(np.bool_),
    BINARY: np.dtype(object),
}

NUMERIC = frozenset((FLOAT, INTEGER, UNSIGNED))


def empty_values(ftype, n=0):
    """Return a zero-filled value array of ``n`` rows for a field type."""
    if ftype in (STRING, BINARY):
        out = np.empty(n, dtype=object)
        out[:] = "" if ftype == STRING else b""
        return out
    return np.zeros(n, dtype=DTYPES[ftype])
