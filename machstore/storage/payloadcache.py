"""A per-process cache of decompressed block payloads, checked against the stored block on every use.

Why: a query over 100 series decompresses ~130 blocks (zstd, ~130 µs each for a full 8,192-row
block): the largest single cost of ``double-groupby-1`` and of an aggregate's first windows.
Dashboards and benchmarks ask for the same recent blocks again and again; this cache keeps
the decompressed payload of the blocks read last (least recently used out first, up to
``max_bytes`` of payloads) so that the next query only decodes the columns it wants.

Never stale: an entry holds the block's compressed bytes too, and is used only when they
equal the bytes read from the query's own snapshot (one ``memcmp`` of ~30 KB); a block that
compaction or a delete rewrote under the same key misses and is decompressed again.  Each
gunicorn worker has its own cache; nothing is shared between processes.
"""
from collections import OrderedDict

from . import codec

__all__ = ["PayloadCache"]


class PayloadCache:
    """LRU of ``block key -> (compressed bytes, decompressed payload)``, at most ``max_bytes`` of payloads."""

    def __init__(self, max_bytes):
        self.max_bytes = max_bytes
        self._entries = OrderedDict()
        self._bytes = 0
        self.hits = self.misses = 0

    def __len__(self):
        return len(self._entries)

    def decompressor(self, key):
        """A ``decompress(compressed, raw_size)`` for ``blocks.decode_block`` that goes through the cache."""
        def decompress(compressed, raw_size):
            return self.payload(key, compressed, raw_size)
        return decompress

    def payload(self, key, compressed, raw_size):
        """The decompressed payload of the block stored under ``key`` whose compressed bytes are ``compressed``."""
        entry = self._entries.get(key)
        compressed = bytes(compressed)   # PERF: bytes == bytes is one memcmp (a memoryview compares per item)
        if entry is not None and entry[0] == compressed:
            self._entries.move_to_end(key)
            self.hits += 1
            return entry[1]
        self.misses += 1
        raw = codec.decompress(compressed, raw_size)
        if raw_size > self.max_bytes:
            return raw
        if entry is not None:
            self._bytes -= len(entry[1])
        self._entries[key] = (compressed, raw)
        self._entries.move_to_end(key)
        self._bytes += len(raw)
        while self._bytes > self.max_bytes:
            _, (_, old) = self._entries.popitem(last=False)
            self._bytes -= len(old)
        return raw
