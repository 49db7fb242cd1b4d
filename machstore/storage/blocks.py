"""Block format: one series' rows in one partition, columnar and compressed, plus its summary.

Layout (little-endian)::

    header   '<4sIHIB'  magic b'MSB1', n_rows, n_cols, raw_size, time_code
    columns  per column: '<H' name length, name (UTF-8), '<BBI' type, enc, n_valid
    payload  zstd( times | per column: [validity bits] values )

    summary  '<Iqqh' n_rows, min_time, max_time, n_cols, then per column:
             '<H' name length, name, '<BIqq' type, count, first_time, last_time
             and, for a numeric column with count > 0,
             '<d8sq8sq8s8s' sum, min, min_time, max, max_time, first, last

Times are delta-of-delta encoded and narrowed (a regular series costs ~0 bytes);
integers are delta encoded and narrowed; floats are XORed with the previous value
and byte-transposed; only valid (non-NULL) values are stored, after a validity
bitmap when some are missing.  The summary (count, min/max with their times,
first, last, sum per numeric column) is stored separately so that lookups and
time pruning never decompress a block.

The work is done by the Cython kernels in ``machstore._ext_blockcodec``, one call per
block (each column encoded and summarised in one C-level pass); string and boolean
values go through the reference twin ``machstore.storage.blocks_ref``, which also defines the
bytes (the kernels are tested to match it exactly) and handles any input the kernels
decline (non-canonical dtypes), so behaviour is the same for every input.
"""
import itertools

import numpy as np

from machstore import _ext_blockcodec as _kernels

from . import blocks_ref as _ref
from . import codec
from . import fieldtypes as ft
from .blocks_ref import BLOCK_HEAD, MAGIC, SUMMARY_HEAD, BlockSummary, ColumnSummary, decode_summary, summary_time_range
from .rows import Column, RowSet

MAX_BLOCK_ROWS = 8192   # rows per block at most

__all__ = ["MAGIC", "MAX_BLOCK_ROWS", "BlockSummary", "ColumnSummary", "decode_block", "decode_summary",
           "encode_block", "encode_block_with_summary", "encode_rows", "summarize", "summary_time_range"]


def _encode_parts(rows, *, block, summary):
    """Run the kernel over ``rows``; None if some input is not in the form it takes."""
    columns = [(name, col.type, col.values, col.valid) for name, col in rows.columns.items()]
    return _kernels.encode_block_parts(rows.times, columns, block=block, summary=summary,
                                       fallback=_ref.encode_values)


def _block_bytes(rows, parts):
    tcode, meta, raw, _ = parts
    return b"".join((BLOCK_HEAD.pack(MAGIC, len(rows), len(rows.columns), len(raw), tcode), meta,
                     codec.compress(raw)))


def _summary_bytes(rows, parts):
    t = rows.times
    return SUMMARY_HEAD.pack(len(rows), int(t[0]), int(t[-1]), len(rows.columns)) + parts[3]


def encode_block(rows: RowSet) -> bytes:
    """Encode a time-sorted RowSet as a block."""
    parts = _encode_parts(rows, block=True, summary=False)
    if parts is None:
        return _ref.encode_block(rows)
    return _block_bytes(rows, parts)


def summarize(rows: RowSet) -> bytes:
    """Compute and pack the summary of a time-sorted RowSet."""
    parts = _encode_parts(rows, block=False, summary=True)
    if parts is None:
        return _ref.summarize(rows)
    return _summary_bytes(rows, parts)


def encode_block_with_summary(rows: RowSet) -> tuple[bytes, bytes]:
    """Return ``(encode_block(rows), summarize(rows))``, computed in one pass over the rows."""
    parts = _encode_parts(rows, block=True, summary=True)
    if parts is None:
        return _ref.encode_block(rows), _ref.summarize(rows)
    return _block_bytes(rows, parts), _summary_bytes(rows, parts)


def _decode_other(ftype, enc, raw, count, offset, valid, n):
    """Decode a string or boolean column for the kernel, expanded to ``n`` rows if ``valid``."""
    values, offset = _ref.decode_values(ftype, enc, raw, count, offset)
    if valid is not None:
        full = ft.empty_values(ftype, n)
        full[valid] = values
        values = full
    return values, offset


def decode_block(data, columns=None, *, decompress=codec.decompress) -> RowSet:
    """Decode a block into a RowSet (``data`` may be an LMDB buffer; it is copied out).

    ``columns`` (a set of names, None = all) keeps only those columns; the others are skipped
    undecoded.  ``decompress(compressed, raw_size)`` gives the payload (a cache may answer it).
    """
    times, columns = _kernels.decode_block_parts(data, decompress=decompress, fallback=_decode_other,
                                                 columns=columns)
    return RowSet(times, {name: Column(ftype, values, valid) for name, ftype, values, valid in columns})


def encode_rows(series_id, rows, partition_ns):
    """Return ``[(series_id, min_time, block bytes, summary bytes)]`` for a series' time-sorted rows.

    Rows are cut at partition boundaries (``partition_ns``) and every MAX_BLOCK_ROWS rows.
    """
    out = []
    for chunk in _split_blocks(rows, partition_ns):
        block, summary = encode_block_with_summary(chunk)
        out.append((series_id, int(chunk.times[0]), block, summary))
    return out


def _split_blocks(rows, partition_ns):
    n = len(rows)
    if n == 0:
        return []
    part = rows.times // partition_ns
    cuts = set(np.flatnonzero(part[1:] != part[:-1]) + 1)
    bounds = sorted(cuts | {0, n})
    out = []
    for a, b in itertools.pairwise(bounds):
        for s in range(a, b, MAX_BLOCK_ROWS):
            out.append(rows.take(slice(s, min(b, s + MAX_BLOCK_ROWS))))
    return out
