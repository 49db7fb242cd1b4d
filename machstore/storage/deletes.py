"""Deleting stored points and forgetting series and measurements (an ``Engine`` mixin).

Every delete runs in one write transaction: whole blocks inside the time range go, blocks
straddling one of its ends are rewritten with the rows outside it, and pending segments (not
yet compacted) are filtered.  Each delete bumps the ``generation`` counter, so a compaction
prepared before it gives up instead of writing the deleted rows back.

InfluxDB's ``DELETE``, ``DROP SERIES`` and ``DROP MEASUREMENT`` also change what the index
shows: a series left without points is forgotten (``SHOW SERIES`` no longer lists it, its tag
values disappear), and a measurement left without series goes with its field types.  Those
paths bump the ``schema`` counter as well: writers keep per-process caches of series ids and
field types, and a writer that sees the counter move drops its caches and plans again, so it
never appends points to a series id the index has forgotten.

Retention sweeps and Machbase's time deletes (``delete_before``) keep the series registered,
as the Machbase tag API expects (a tag stays until it is deleted explicitly).
"""
import numpy as np

from . import blocks, catalog, keys, rollups, segments

MIN_TIME = -(1 << 63)
MAX_TIME = (1 << 63) - 1


class DeletesMixin:
    """Deletion paths of :class:`machstore.engine.Engine` (needs ``env``, ``dbs``, block helpers)."""

    # -- public --------------------------------------------------------------------------

    def delete_before(self, db, before_ns, *, rp=None, measurement=None):
        """Delete points with ``time < before_ns`` (of one measurement, or all); return rows removed.

        Series stay registered even when left empty (retention and Machbase semantics).
        """
        with self._write_txn() as txn:
            space = catalog.resolve_space(txn, self.dbs, db, rp)
            sp = space["id"]
            if measurement is None:
                targets = catalog.series_of_space(txn, self.dbs, sp)
            else:
                mids = [mid for m, mid in catalog.list_measurements(txn, self.dbs, sp)
                        if m.decode("utf-8", "replace") == measurement]
                targets = [s for mid in mids for s, _ in catalog.series_of_measurement(txn, self.dbs, sp, mid)]
            return self._delete_series_range(txn, space, targets, None, before_ns - 1)

    def delete_points(self, db, targets, start=None, end=None):
        """InfluxDB's ``DELETE``/``DROP SERIES``: remove points of some series, then forget empty ones.

        ``targets`` maps a retention policy name to the series ids chosen in it (as listed by
        ``list_series``); points with ``start <= time <= end`` (None: unbounded) are removed.
        A series left without points leaves the index, a measurement left without series
        leaves the catalog with its field types.  One transaction for every policy; returns
        the number of points removed.
        """
        lo = MIN_TIME if start is None else start
        hi = MAX_TIME if end is None else end
        removed = 0
        with self._write_txn() as txn:
            for rp, series_ids in targets.items():
                space = catalog.find_space(txn, self.dbs, db, rp)
                if space is None or not len(series_ids):
                    continue
                removed += self._delete_series_range(txn, space, series_ids, start, end)
                whole = lo == MIN_TIME and hi == MAX_TIME
                self._forget_empty_series(txn, space["id"], series_ids, known_empty=whole)
        return removed

    def drop_measurement(self, db, measurement):
        """InfluxDB's ``DROP MEASUREMENT``: every series, point and field type of it, in every policy.

        Returns True if the measurement existed in some retention policy.
        """
        name = measurement.encode("utf-8")
        found = False
        with self._write_txn() as txn:
            for space in catalog.list_spaces(txn, self.dbs, db):
                mid = catalog.find_measurement(txn, self.dbs, space["id"], name)
                if mid is None:
                    continue
                found = True
                series_ids = [sid for sid, _ in catalog.series_of_measurement(txn, self.dbs, space["id"], mid)]
                self._delete_series_range(txn, space, series_ids, None, None)
                self._forget_empty_series(txn, space["id"], series_ids, known_empty=True)
                catalog.drop_measurement(txn, self.dbs, space["id"], name)
            if found:
                catalog.next_id(txn, self.dbs, b"schema")
        return found

    # -- shared by every delete ------------------------------------------------------------

    def _delete_series_range(self, txn, space, targets, start, end):
        """Delete the rows of ``targets`` with ``start <= time <= end`` inside ``txn``; return how many."""
        if not len(targets):
            return 0
        catalog.next_id(txn, self.dbs, b"generation")
        target_arr = np.array(sorted(targets), dtype=np.uint64)
        removed = self._delete_from_segments(txn, space["id"], target_arr, start, end)
        puts, deletes = [], []
        for sid in targets:
            for key, summary in list(self._block_summaries(txn, sid, start, end)):
                n, b_lo, b_hi = blocks.summary_time_range(summary)
                deletes.append(key)
                if (start is None or b_lo >= start) and (end is None or b_hi <= end):
                    removed += n
                    continue
                rows = blocks.decode_block(txn.get(key, db=self.dbs[b"blk"]))
                kept = rows.take(~_in_range(rows.times, start, end))
                removed += n - len(kept)
                puts.extend(blocks.encode_rows(sid, kept, space["partition_ns"]))
        self._apply_block_changes(txn, puts, deletes)
        return removed

    def _delete_from_segments(self, txn, space_id, targets, start, end):
        removed = 0
        rewrites = []
        for k, idx in list(self._pending_index(txn, space_id, start, end)):
            seg = segments.decode_segment(txn.get(k, db=self.dbs[b"seg"]))
            drop = np.isin(idx.series_ids[seg.point_series], targets) & _in_range(seg.point_time, start, end)
            if drop.any():
                removed += int(np.count_nonzero(drop))
                rewrites.append((k, idx, seg, ~drop))
        for k, idx, seg, keep in rewrites:
            if not keep.any():
                txn.delete(k, db=self.dbs[b"seg"])
                txn.delete(k, db=self.dbs[b"segidx"])
                continue
            newpos = np.cumsum(keep) - 1
            vkeep = keep[seg.value_point]
            kept = segments.Segment(seg.point_series[keep], seg.point_time[keep],
                                    newpos[seg.value_point[vkeep]].astype(np.int32), seg.value_col[vkeep],
                                    seg.value_bits[vkeep], seg.columns, seg.strings)
            txn.put(k, segments.encode_segment(kept), db=self.dbs[b"seg"])
            txn.put(k, segments.encode_index(idx.space_id, idx.series_ids, idx.measurement_ids,
                                             int(kept.point_time.min()), int(kept.point_time.max())),
                    db=self.dbs[b"segidx"])
        return removed

    def _delete_space_data(self, txn, space_id):
        """Remove every block and pending segment of a space (used by drop_database)."""
        catalog.next_id(txn, self.dbs, b"generation")
        catalog.next_id(txn, self.dbs, b"schema")
        for sid in catalog.series_of_space(txn, self.dbs, space_id):
            for key, _ in list(self._block_summaries(txn, sid)):
                txn.delete(key, db=self.dbs[b"blk"])
                txn.delete(key, db=self.dbs[b"sum"])
            txn.delete(keys.u64(sid), db=self.dbs[b"sbytes"])
        for k, _ in list(self._pending_index(txn, space_id)):
            txn.delete(k, db=self.dbs[b"seg"])
            txn.delete(k, db=self.dbs[b"segidx"])

    def _series_has_rows(self, txn, space_id, sid):
        """Whether a series has any row: one block, or a pending segment holding one (no block reads)."""
        if next(self._block_summaries(txn, sid), None) is not None:
            return True
        pending = self._pending_parts(txn, space_id, None, None, [sid])
        return any(len(rows) for _, rows in segments.rows_by_series(pending, wanted=[sid])) if pending else False

    def _forget_empty_series(self, txn, space_id, series_ids, *, known_empty=False):
        """Drop the index entries of the given series that hold no row, then their empty measurements."""
        forgotten, measurements = 0, set()
        for sid in series_ids:
            raw = txn.get(keys.u64(sid), db=self.dbs[b"series_id"])
            if raw is None or keys.read_u32(raw) != space_id:
                continue
            if not known_empty and self._series_has_rows(txn, space_id, sid):
                continue
            mid, key = keys.read_u32(raw, 4), bytes(raw[8:])
            catalog.delete_series(txn, self.dbs, space_id, sid, mid, key)
            for sub in (b"tagmeta", b"sstat", b"sbytes"):
                txn.delete(keys.u64(sid), db=self.dbs[sub])
            rollups.delete_series(txn, self.dbs, sid)
            measurements.add(mid)
            forgotten += 1
        for m, mid in catalog.list_measurements(txn, self.dbs, space_id):
            if mid in measurements and not catalog.series_of_measurement(txn, self.dbs, space_id, mid):
                catalog.drop_measurement(txn, self.dbs, space_id, m)
        if forgotten:
            catalog.next_id(txn, self.dbs, b"schema")
        return forgotten


def _in_range(times, start, end):
    """Mask of ``start <= times <= end`` (either bound None: open)."""
    mask = np.ones(len(times), dtype=bool)
    if start is not None:
        mask &= times >= start
    if end is not None:
        mask &= times <= end
    return mask
