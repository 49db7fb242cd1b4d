"""Reference twin of ``machstore.storage.blocks``: the block format in plain numpy, for truth, not speed.

``machstore.storage.blocks`` runs the Cython kernels of ``machstore._ext_blockcodec`` and must
produce exactly these bytes (``tests/test_blockcodec.py`` checks it on random data); it
also falls back to this module for inputs the kernels do not take.  Keep the two in step:
a format change lands here first.

Block format: one series' rows in one partition, columnar and compressed, plus its summary.

Layout (little-endian)::

    header   '<4sIHIB'  magic b'MSB1', n_rows, n_cols, raw_size, time_code
    columns  per column: '<H' name length, name (UTF-8), '<BBI' type, enc, n_valid
    payload  zstd( times | per column: [validity bits] values )

Times are delta-of-delta encoded and narrowed (a regular series costs ~0 bytes);
integers are delta encoded and narrowed; floats are XORed with the previous value
and byte-transposed; only valid (non-NULL) values are stored, after a validity
bitmap when some are missing.  The summary (count, min/max with their times,
first, last, sum per numeric column) is stored separately so that lookups and
time pruning never decompress a block.
"""
import struct

import numpy as np

from . import codec
from . import fieldtypes as ft
from .rows import Column, RowSet

MAGIC = b"MSB1"
BLOCK_HEAD = struct.Struct("<4sIHIB")
_NAME = struct.Struct("<H")
_COL = struct.Struct("<BBI")


def encode_values(ftype, values):
    """Return ``(enc_code, raw bytes)`` for the valid values of one column."""
    if ftype in (ft.INTEGER, ft.UNSIGNED):
        code, arr = codec.narrow_ints(codec.delta_encode(values.view(np.int64)))
        return code, arr.tobytes()
    if ftype == ft.FLOAT:
        return 0, codec.xor_shuffle_floats(np.ascontiguousarray(values, dtype=np.float64))
    if ftype == ft.BOOLEAN:
        return 0, np.packbits(values.astype(np.bool_)).tobytes()
    encoded = [s.encode("utf-8") for s in values] if ftype == ft.STRING else [bytes(b) for b in values]
    code, lengths = codec.narrow_ints(np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded)))
    return code, lengths.tobytes() + b"".join(encoded)


def decode_values(ftype, code, raw, count, offset):
    if ftype in (ft.INTEGER, ft.UNSIGNED):
        deltas, offset = codec.widen_ints(code, raw, count, offset)
        values = codec.delta_decode(deltas)
        return (values.view(np.uint64) if ftype == ft.UNSIGNED else values), offset
    if ftype == ft.FLOAT:
        return codec.unxor_unshuffle_floats(raw, count, offset)
    if ftype == ft.BOOLEAN:
        nbytes = (count + 7) // 8
        bits = np.frombuffer(raw, dtype=np.uint8, count=nbytes, offset=offset)
        return np.unpackbits(bits, count=count).astype(np.bool_), offset + nbytes
    lengths, offset = codec.widen_ints(code, raw, count, offset)
    values = np.empty(count, dtype=object)
    mv = memoryview(raw)
    text = ftype == ft.STRING
    for i, n in enumerate(lengths.tolist()):
        values[i] = str(mv[offset:offset + n], "utf-8") if text else bytes(mv[offset:offset + n])
        offset += n
    return values, offset


def encode_block(rows: RowSet) -> bytes:
    """Encode a time-sorted RowSet as a block."""
    n = len(rows)
    tcode, tarr = codec.narrow_ints(codec.delta_encode(codec.delta_encode(rows.times)))
    parts = [tarr.tobytes()]
    meta = []
    for name, col in rows.columns.items():
        values = col.values
        n_valid = n if col.valid is None else int(np.count_nonzero(col.valid))
        if n_valid < n:  # a validity bitmap only when something is missing
            parts.append(np.packbits(col.valid).tobytes())
            values = values[col.valid]
        enc, raw = encode_values(col.type, values)
        parts.append(raw)
        encoded_name = name.encode("utf-8")
        meta.append(_NAME.pack(len(encoded_name)) + encoded_name + _COL.pack(col.type, enc, n_valid))
    raw = b"".join(parts)
    return b"".join([BLOCK_HEAD.pack(MAGIC, n, len(meta), len(raw), tcode), *meta, codec.compress(raw)])


def decode_block(data, columns=None) -> RowSet:
    """Decode a block into a RowSet (``data`` may be an LMDB buffer; it is copied out).

    ``columns`` (a set of names, None = all) keeps only those columns.
    """
    magic, n, ncols, raw_size, tcode = BLOCK_HEAD.unpack_from(data, 0)
    if magic != MAGIC:
        raise ValueError("not a machstore block")
    pos = BLOCK_HEAD.size
    meta = []
    for _ in range(ncols):
        (ln,) = _NAME.unpack_from(data, pos)
        pos += _NAME.size
        name = bytes(data[pos:pos + ln]).decode("utf-8")
        pos += ln
        ftype, enc, n_valid = _COL.unpack_from(data, pos)
        pos += _COL.size
        meta.append((name, ftype, enc, n_valid))
    raw = codec.decompress(bytes(data[pos:]), raw_size)
    dods, off = codec.widen_ints(tcode, raw, n, 0)
    times = codec.delta_decode(codec.delta_decode(dods))
    out = {}
    for name, ftype, enc, n_valid in meta:
        valid = None
        if n_valid < n:
            nbytes = (n + 7) // 8
            valid = np.unpackbits(np.frombuffer(raw, dtype=np.uint8, count=nbytes, offset=off),
                                  count=n).astype(np.bool_)
            off += nbytes
        values, off = decode_values(ftype, enc, raw, n_valid, off)
        if columns is not None and name not in columns:
            continue
        if valid is not None:
            full = ft.empty_values(ftype, n)
            full[valid] = values
            values = full
        out[name] = Column(ftype, values, valid)
    return RowSet(times, out)


# -- summaries ---------------------------------------------------------------------------

SUMMARY_HEAD = struct.Struct("<Iqqh")
_SUM_COL = struct.Struct("<BIqq")          # type, count, first_time, last_time
_SUM_NUM = struct.Struct("<d8sq8sq8s8s")   # sum, min, min_time, max, max_time, first, last
_VALUE_FMT = {ft.FLOAT: "<d", ft.INTEGER: "<q", ft.UNSIGNED: "<Q"}
_SUM_TYPED = {t: struct.Struct("<d{0}q{0}q{0}{0}".format(f[1])) for t, f in _VALUE_FMT.items()}


class ColumnSummary:
    """Per-column statistics of one block (numeric fields carry sum/min/max/first/last)."""

    __slots__ = ("type", "count", "first_time", "last_time", "sum", "min", "min_time",
                 "max", "max_time", "first", "last")

    def __init__(self, type=None, count=None, first_time=None, last_time=None, sum=None, min=None,
                 min_time=None, max=None, max_time=None, first=None, last=None):
        # PERF: plain assignments (queries decode a summary per series and block)
        self.type, self.count, self.first_time, self.last_time = type, count, first_time, last_time
        self.sum, self.min, self.min_time, self.max, self.max_time = sum, min, min_time, max, max_time
        self.first, self.last = first, last


class BlockSummary:
    """Row count and time range of a block, plus a ColumnSummary per column."""

    __slots__ = ("n_rows", "min_time", "max_time", "columns")

    def __init__(self, n_rows, min_time, max_time, columns):
        self.n_rows, self.min_time, self.max_time, self.columns = n_rows, min_time, max_time, columns


def summarize(rows: RowSet) -> bytes:
    """Compute and pack the summary of a time-sorted RowSet."""
    t = rows.times
    parts = [SUMMARY_HEAD.pack(len(rows), int(t[0]), int(t[-1]), len(rows.columns))]
    for name, col in rows.columns.items():
        encoded = name.encode("utf-8")
        idx = np.arange(len(rows)) if col.valid is None else np.flatnonzero(col.valid)
        count = int(idx.size)
        parts.append(_NAME.pack(len(encoded)) + encoded)
        if count == 0:
            parts.append(_SUM_COL.pack(col.type, 0, 0, 0))
            continue
        parts.append(_SUM_COL.pack(col.type, count, int(t[idx[0]]), int(t[idx[-1]])))
        if col.type in ft.NUMERIC:
            v = col.values[idx]
            fmt = _VALUE_FMT[col.type]
            imin, imax = int(np.argmin(v)), int(np.argmax(v))
            parts.append(_SUM_NUM.pack(
                float(np.sum(v, dtype=np.float64)),
                struct.pack(fmt, v[imin]), int(t[idx[imin]]),
                struct.pack(fmt, v[imax]), int(t[idx[imax]]),
                struct.pack(fmt, v[0]), struct.pack(fmt, v[-1])))
    return b"".join(parts)


def summary_time_range(data):
    """Return ``(n_rows, min_time, max_time)`` of a packed summary without decoding the rest."""
    n, lo, hi, _ = SUMMARY_HEAD.unpack_from(data, 0)
    return n, lo, hi


def decode_summary(data) -> BlockSummary:
    """Unpack a summary written by ``summarize``."""
    n, lo, hi, ncols = SUMMARY_HEAD.unpack_from(data, 0)
    pos = SUMMARY_HEAD.size
    columns = {}
    for _ in range(ncols):
        (ln,) = _NAME.unpack_from(data, pos)
        pos += _NAME.size
        name = bytes(data[pos:pos + ln]).decode("utf-8")
        pos += ln
        ftype, count, first_time, last_time = _SUM_COL.unpack_from(data, pos)
        pos += _SUM_COL.size
        if count and ftype in ft.NUMERIC:
            # one unpack of the numeric part with the column's value type (_SUM_NUM's layout)
            total, vmin, tmin, vmax, tmax, first, last = _SUM_TYPED[ftype].unpack_from(data, pos)
            pos += _SUM_NUM.size
            cs = ColumnSummary(ftype, count, first_time, last_time, total, vmin, tmin, vmax, tmax, first, last)
        else:
            cs = ColumnSummary(ftype, count, first_time, last_time)
        columns[name] = cs
    return BlockSummary(n, lo, hi, columns)
