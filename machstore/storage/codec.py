"""Byte-level helpers for blocks and segments: compression and integer narrowing.

Compression is pyarrow's zstd (a real library codec; never hand-written).
"""
import numpy as np
import pyarrow as pa

_ZSTD = pa.Codec("zstd", compression_level=1)

_NARROW = (np.int8, np.int16, np.int32, np.int64)
_NARROW_CODE = {np.dtype(t): i for i, t in enumerate(_NARROW)}


def compress(raw: bytes) -> bytes:
    """Compress bytes with zstd (level 1: fast enough for the ingest path)."""
    if not raw:
        return b""
    return _ZSTD.compress(raw, asbytes=True)


def decompress(data, raw_size: int) -> bytes:
    """Invert ``compress``; ``raw_size`` is the uncompressed length recorded beside it."""
    if raw_size == 0:
        return b""
    return _ZSTD.decompress(data, decompressed_size=raw_size, asbytes=True)


def narrow_ints(values: np.ndarray):
    """Return ``(code, array)``: int64 values in the smallest signed width that holds them."""
    if values.size == 0:
        return 0, values.astype(np.int8)
    lo, hi = int(values.min()), int(values.max())
    for code, t in enumerate(_NARROW):
        info = np.iinfo(t)
        if info.min <= lo and hi <= info.max:
            return code, values.astype(t, copy=False)
    raise AssertionError("unreachable: int64 always fits")


def widen_ints(code: int, raw, count: int, offset: int):
    """Read ``count`` narrowed ints written by ``narrow_ints`` from ``raw`` at ``offset``."""
    t = np.dtype(_NARROW[code])
    arr = np.frombuffer(raw, dtype=t, count=count, offset=offset).astype(np.int64)
    return arr, offset + count * t.itemsize


def delta_encode(values: np.ndarray) -> np.ndarray:
    """First differences with the first value kept (wrapping int64 arithmetic)."""
    out = np.empty_like(values)
    if values.size:
        out[0] = values[0]
        np.subtract(values[1:], values[:-1], out=out[1:])
    return out


def delta_decode(deltas: np.ndarray) -> np.ndarray:
    """Invert ``delta_encode``."""
    return np.cumsum(deltas, dtype=np.int64)


def xor_shuffle_floats(values: np.ndarray) -> bytes:
    """Float64 -> XOR with the previous value's bits, then byte-transposed (compresses well)."""
    bits = values.view(np.uint64)
    x = bits.copy()
    if x.size > 1:
        np.bitwise_xor(bits[1:], bits[:-1], out=x[1:])
    return x.view(np.uint8).reshape(-1, 8).T.tobytes()


def unxor_unshuffle_floats(raw, count: int, offset: int):
    """Invert ``xor_shuffle_floats``; returns ``(float64 array, new offset)``."""
    n = count * 8
    planes = np.frombuffer(raw, dtype=np.uint8, count=n, offset=offset).reshape(8, count)
    x = np.ascontiguousarray(planes.T).view(np.uint64).reshape(count)
    bits = np.bitwise_xor.accumulate(x) if count else x
    return bits.view(np.float64), offset + n
