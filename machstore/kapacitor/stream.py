"""The segment log read as a stream: committed segments after a cursor, as ``Points`` chunks.

Every write door ends in one stored segment per acknowledged batch, numbered in commit
order (docs/kapacitor-runtime.md), so reading the segments numbered after the stream
cursor, in key order, yields every committed point exactly once and in commit order.
A segment names its series by id; the ``Series`` (name, tags) of an id is read from the
catalog once and kept, so the points of one series share one ``Series`` object across
chunks (nodes memoise per-series work on it).
"""
from __future__ import annotations

from machstore import lineproto
from machstore.storage import catalog, keys, segments

from .flat import points_from_flat
from .points import Series

MAX_CACHED_SERIES = 1_000_000


class SegmentStream:
    """Reads segments of an ``Engine`` into chunks; one per engine process (it caches)."""

    def __init__(self, engine):
        self.engine = engine
        self._spaces = {}       # space id -> (db, rp)
        self._series = {}       # series id -> Series, valid while the catalog counter stays
        self._by_key = {}       # (series id, key bytes) -> Series (kept: object identity is stable)
        self._catalog_seen = -1

    def chunks(self, txn, after: int, upto: int, max_points: int = 0):
        """Yield ``(seq, Points)`` for each segment numbered in ``(after, upto]``, in order.

        Segments gone meanwhile (a dropped database) are skipped.  With ``max_points`` the
        reading stops after the segment that reaches it (the caller resumes from its seq).
        """
        dbs = self.engine.dbs
        self._check_catalog(txn)
        seen = 0
        with txn.cursor(db=dbs[b"segidx"]) as cur:
            if not cur.set_range(keys.u64(after + 1)):
                return
            last = keys.u64(upto)
            for k, v in cur:
                if k > last:
                    return
                seq = keys.read_u64(k)
                idx = segments.decode_index(v)
                raw = txn.get(k, db=dbs[b"seg"])
                if raw is None:
                    continue
                seg = segments.decode_segment(raw)
                db, rp = self._space(txn, idx.space_id)
                series = [self._series_of(txn, int(sid)) for sid in idx.series_ids.tolist()]
                pts = points_from_flat(series, seg.point_series, seg.point_time, seg.value_point,
                                       seg.value_col, seg.value_bits, seg.columns, seg.strings, db=db, rp=rp)
                yield seq, pts
                seen += pts.n
                if max_points and seen >= max_points:
                    return

    def _check_catalog(self, txn):
        # NOTE: series keys change only by Machbase tag renames and deletes, which bump the
        # ``catalog`` counter; ids are never reused, so the id cache is re-validated then.
        n = catalog.read_counter(txn, self.engine.dbs, b"catalog")
        if n != self._catalog_seen:
            self._series.clear()
            self._catalog_seen = n

    def _space(self, txn, space_id):
        found = self._spaces.get(space_id)
        if found is None:
            for sid, sp in catalog.spaces_by_id(txn, self.engine.dbs).items():
                self._spaces[sid] = (sp["db"], sp["rp"])
            found = self._spaces.setdefault(space_id, ("", ""))
        return found

    def _series_of(self, txn, series_id):
        s = self._series.get(series_id)
        if s is not None:
            return s
        raw = txn.get(keys.u64(series_id), db=self.engine.dbs[b"series_id"])
        key = bytes(raw[8:]) if raw is not None else b""
        s = self._by_key.get((series_id, key))
        if s is None:
            if len(self._by_key) >= MAX_CACHED_SERIES:
                # nodes key their memos by the Series object itself, so a new object for a
                # known series only costs a memo miss, never a wrong hit
                self._by_key.clear()
                self._series.clear()
            name, tags = lineproto.split_series_key(key) if key else (b"", [])
            s = Series.make(_text(name), {_text(k): _text(v) for k, v in sorted(tags)})
            self._by_key[(series_id, key)] = s
        self._series[series_id] = s
        return s


def _text(b) -> str:
    return bytes(b).decode("utf-8", "replace")
