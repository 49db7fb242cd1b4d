"""LMDB sub-database names and key layouts (all big-endian, so a cursor walk is ordered).

A time is stored with its sign bit flipped so that negative times sort before
positive ones.  Series keys can be 64 KB, over LMDB's 511-byte key limit, so the
series index is keyed by a 16-byte BLAKE2b digest and maps to a compact id.
"""
import hashlib
import struct

# sub-database name -> purpose
DATABASES = {
    b"catalog": "spaces (db/rp, tag tables), measurements, field types, counters, users (users.py)",
    b"series": "space id + digest(series key) -> series id, measurement id, series key",
    b"series_id": "series id -> space id, measurement id, series key",
    b"meas_series": "space id + measurement id + series id -> empty (series of a measurement)",
    b"seg": "segment seq -> staged write batch (compressed), awaiting compaction",
    b"segidx": "segment seq -> space id, time range and the series ids it holds",
    b"blk": "series id + block start time + uniq -> compressed columnar block",
    b"sum": "same key as blk -> block summary",
    b"state": "counters shared by every process (generation, sequences)",
    b"tagmeta": "series id of a tag-table tag -> its metadata column values",
    b"sbytes": "series id -> bytes of its blocks and summaries (disk-size lookups)",
    b"sstat": "series id of a tag-table tag -> lifetime statistics of its compacted rows (tagstats.py)",
    b"kv": "space id + encoded primary key -> row of a volatile or lookup table",
    b"rollup": "series id + resolution (0 sec, 1 min, 2 hour) + chunk start -> rollup records (rollups.py)",
    b"kapa": "Kapacitor: task and template definitions, run state, httpOut results, alerts (kapacitor/store.py)",
}

_U32 = struct.Struct(">I")
_U64 = struct.Struct(">Q")
_BLOCK = struct.Struct(">QQI")
_SIGN = 1 << 63


def u32(n):
    return _U32.pack(n)


def u64(n):
    return _U64.pack(n)


def read_u32(b, offset=0):
    return _U32.unpack_from(b, offset)[0]


def read_u64(b, offset=0):
    return _U64.unpack_from(b, offset)[0]


def flip_time(t):
    """Map a signed int64 time to an unsigned value with the same order."""
    return (t + _SIGN) & 0xFFFFFFFFFFFFFFFF


def unflip_time(u):
    return u - _SIGN


def series_digest(space_id, series_key: bytes) -> bytes:
    """Index key of a series inside a space."""
    return u32(space_id) + hashlib.blake2b(series_key, digest_size=16).digest()


def block_key(series_id, min_time, uniq=0) -> bytes:
    return _BLOCK.pack(series_id, flip_time(min_time), uniq)


def parse_block_key(key):
    """Return ``(series_id, min_time, uniq)``."""
    sid, ft, uniq = _BLOCK.unpack(bytes(key))
    return sid, unflip_time(ft), uniq


def series_prefix(series_id) -> bytes:
    return u64(series_id)
