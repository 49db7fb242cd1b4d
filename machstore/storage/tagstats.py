"""Tag-table statistics: per-tag lookups (count, time range, min/max/first/last) and time buckets.

These answer Machbase's ``v$<tag>_stat`` and the ``/machiot`` lookup and calculated
endpoints.  Lookups read one stored record per tag (``sstat``: lifetime count, time range,
min/max/first/last, maintained by compaction and recomputed from block summaries after a
delete), plus the rows of the few segments not yet compacted: their cost does not grow
with the number of rows.  Values are kept as float64.  ``bucket_stats`` aggregates a time
range into fixed buckets for several tags together.

``bucket_stats`` answers whole-second buckets from the rollup records compaction
maintains (``machstore.storage.rollups``), merging the rows not yet compacted.
"""
import struct
from dataclasses import dataclass

import numpy as np

from machstore.errors import InvalidArgument

from . import blocks, keys, rollup, rollups, segments

STAT_FIELDS = ("ROW_COUNT", "MIN_TIME", "MAX_TIME", "MIN_VALUE", "MIN_VALUE_TIME", "MAX_VALUE",
               "MAX_VALUE_TIME", "FIRST_VALUE", "FIRST_VALUE_TIME", "LAST_VALUE", "LAST_VALUE_TIME",
               "VALUE_COUNT", "VALUE_SUM")


@dataclass
class _Acc:
    """Running statistics of one tag (or of a whole table)."""

    rows: int = 0
    tmin: int = None
    tmax: int = None
    vmin: float = None
    vmin_t: int = None
    vmax: float = None
    vmax_t: int = None
    first: float = None
    first_t: int = None
    last: float = None
    last_t: int = None
    vcount: int = 0
    vsum: float = 0.0

    def add_span(self, n, lo, hi):
        self.rows += n
        self.tmin = lo if self.tmin is None else min(self.tmin, lo)
        self.tmax = hi if self.tmax is None else max(self.tmax, hi)

    def add_values(self, vmin, vmin_t, vmax, vmax_t, first, first_t, last, last_t, count, total):
        self.vcount += count
        self.vsum += total
        if self.vmin is None or vmin < self.vmin or (vmin == self.vmin and vmin_t < self.vmin_t):
            self.vmin, self.vmin_t = vmin, vmin_t
        if self.vmax is None or vmax > self.vmax or (vmax == self.vmax and vmax_t < self.vmax_t):
            self.vmax, self.vmax_t = vmax, vmax_t
        if self.first_t is None or first_t < self.first_t:
            self.first, self.first_t = first, first_t
        if self.last_t is None or last_t >= self.last_t:
            self.last, self.last_t = last, last_t

    def merge(self, other):
        if other.rows:
            self.add_span(other.rows, other.tmin, other.tmax)
        if other.vmin is not None:
            self.add_values(other.vmin, other.vmin_t, other.vmax, other.vmax_t, other.first, other.first_t,
                            other.last, other.last_t, other.vcount, other.vsum)

    # flags (1 span, 2 values), rows, tmin, tmax, vmin, vmin_t, vmax, vmax_t, first, first_t, last, last_t,
    # value count, value sum
    _PACK = struct.Struct("<Bqqqdqdqdqdqqd")

    def to_bytes(self):
        has_span, has_values = self.tmin is not None, self.vmin is not None
        z = 0
        return self._PACK.pack(has_span | (has_values << 1), self.rows, self.tmin if has_span else z,
                               self.tmax if has_span else z, self.vmin if has_values else 0.0,
                               self.vmin_t if has_values else z, self.vmax if has_values else 0.0,
                               self.vmax_t if has_values else z, self.first if has_values else 0.0,
                               self.first_t if has_values else z, self.last if has_values else 0.0,
                               self.last_t if has_values else z, self.vcount, self.vsum)

    @classmethod
    def from_bytes(cls, raw):
        (flags, rows, tmin, tmax, vmin, vmin_t, vmax, vmax_t, first, first_t, last, last_t, vcount,
         vsum) = cls._PACK.unpack(raw)
        acc = cls(rows, vcount=vcount, vsum=vsum)
        if flags & 1:
            acc.tmin, acc.tmax = tmin, tmax
        if flags & 2:
            acc.vmin, acc.vmin_t, acc.vmax, acc.vmax_t = vmin, vmin_t, vmax, vmax_t
            acc.first, acc.first_t, acc.last, acc.last_t = first, first_t, last, last_t
        return acc

    def as_dict(self):
        return dict(zip(STAT_FIELDS, (self.rows, self.tmin, self.tmax, self.vmin, self.vmin_t, self.vmax,
                                      self.vmax_t, self.first, self.first_t, self.last, self.last_t,
                                      self.vcount, self.vsum)))

    @classmethod
    def from_dict(cls, row):
        return cls(*(row[k] for k in STAT_FIELDS))


class TagStatsMixin:
    """Statistics of tag tables (mixed into ``Engine`` next to ``TablesMixin``)."""

    def tag_stats(self, name, tags=None):
        """Return ``[{"NAME", "ROW_COUNT", "MIN_TIME", ..., "VALUE_COUNT", "VALUE_SUM"}]`` per tag, by name.

        The value statistics are of the table's first value column (VALUE); NULL values
        count as rows but not as values.  Cost: one summary per block, not per row.
        """
        with self.env.begin() as txn:
            tdef = self._table(txn, name)
            pairs = self._tag_ids(txn, tdef, tags)
            column = tdef.value_columns()[0].name
            accs = {sid: self._series_stats(txn, sid, column) for sid, _ in pairs}
            pending = self._pending_parts(txn, tdef.space_id, None, None, list(accs)) if accs else []
            if pending:
                for sid, rows in segments.rows_by_series(pending, wanted=list(accs)):
                    accs[sid].merge(_rows_acc(rows, column))
        return [{tdef.key: tag, **accs[sid].as_dict()} for sid, tag in pairs]

    def _series_stats(self, txn, sid, column):
        """The stats of a series' compacted rows: its stored record, else folded from summaries."""
        raw = txn.get(keys.u64(sid), db=self.dbs[b"sstat"])
        return _Acc.from_bytes(raw) if raw is not None else self._stats_from_summaries(txn, sid, column)

    def _stats_from_summaries(self, txn, sid, column):
        acc = _Acc()
        for _, packed in self._block_summaries(txn, sid):
            s = blocks.decode_summary(packed)
            acc.add_span(s.n_rows, s.min_time, s.max_time)
            cs = s.columns.get(column)
            if cs is not None and cs.count:
                acc.add_values(cs.min, cs.min_time, cs.max, cs.max_time, cs.first, cs.first_time, cs.last,
                               cs.last_time, cs.count, cs.sum)
        return acc

    def _plan_series_stats(self, txn, sid, rows, column):
        """``(key, record)`` adding newly compacted ``rows`` to a series' stored stats."""
        acc = self._series_stats(txn, sid, column)
        acc.merge(_rows_acc(rows, column))
        return keys.u64(sid), acc.to_bytes()

    def _refresh_series_stats(self, txn, sids, column):
        """Recompute stored stats from block summaries (after deletes), inside a write txn."""
        for sid in sids:
            txn.put(keys.u64(sid), self._stats_from_summaries(txn, sid, column).to_bytes(), db=self.dbs[b"sstat"])

    def table_stats(self, name):
        """Return the totals of a whole tag table, in the fields of ``tag_stats``."""
        return total_of(self.tag_stats(name))

    def bucket_stats(self, name, tags, start, end, bucket_ns, *, unit_ns=None):
        """Aggregate the tags' VALUE rows together into epoch-aligned buckets of ``bucket_ns``.

        Which rows count: with ``unit_ns`` None, every bucket from the one holding ``start``
        to the one holding ``end``, whole (the frame of SQL ``ROLLUP()`` queries).  With
        ``unit_ns`` (a divisor of ``bucket_ns``: the IntervalType of ``/machiot``'s calculated
        statistics), the rows of the ``unit_ns`` units whose *start* lies in [start, end],
        as Machbase selects its rollup rows (``rollups.unit_bounds``): End counts to the end
        of its unit, an unaligned Start drops the unit holding it.  Buckets are labelled by
        their start.  Returns a dict of numpy arrays: ``time``, ``count``, ``sum``, ``min``,
        ``max``, ``sumsq``, ``first``, ``last`` (only buckets with valued rows).  Whole-second
        buckets are answered from the rollups compaction maintains, plus the rows still
        pending compaction (the edge not yet rolled up); other bucket sizes read raw rows.
        """
        if bucket_ns % rollups.SECOND_NS or (unit_ns is not None and unit_ns % rollups.SECOND_NS):
            return self._bucket_stats_raw(name, tags, start, end, bucket_ns, unit_ns=unit_ns)
        lo, hi = _row_bounds(start, end, bucket_ns, unit_ns)
        with self.env.begin() as txn:
            tdef = self._table(txn, name)
            sids = [sid for sid, _ in self._tag_ids(txn, tdef, tags)]
            if not sids or hi < lo:
                return _stats_dict(rollup.RollupBatch.empty(bucket_ns))
            if unit_ns is None:
                parts = [rollups.query(txn, self.dbs, sids, lo, hi, bucket_ns=bucket_ns)]
            else:
                parts = [rollups.query_units(txn, self.dbs, sids, start, end, unit_ns=unit_ns, bucket_ns=bucket_ns)]
            parts.extend(self._pending_buckets(txn, tdef, sids, lo, hi, bucket_ns))
        return _stats_dict(rollup.combine_series(parts, bucket_ns=bucket_ns))

    def _pending_buckets(self, txn, tdef, sids, lo, hi, bucket_ns):
        """Bucket the not yet compacted VALUE rows of ``sids`` with times in [lo, hi] (rollups lack them)."""
        column = tdef.value_columns()[0].name
        out = []
        pending = self._pending_parts(txn, tdef.space_id, lo, hi, sids)
        for _, rows in segments.rows_by_series(pending, wanted=sids) if pending else ():
            rows = rows.between(lo, hi)
            col = rows.columns.get(column)
            if col is not None and len(rows):
                out.append(rollup.aggregate(rows.times, col.values.astype(np.float64), col.valid,
                                            bucket_ns=bucket_ns))
        return out

    def _bucket_stats_raw(self, name, tags, start, end, bucket_ns, *, unit_ns=None):
        """``bucket_stats`` from raw rows: sub-second buckets, and the oracle the tests hold the rollup path to."""
        lo, hi = _row_bounds(start, end, bucket_ns, unit_ns)
        table = self.scan_table(name, tags=tags, start=lo, end=hi)
        tdef = self.get_table(name)
        times = table.column(tdef.time).to_numpy()
        col = table.column(tdef.value_columns()[0].name)
        valid = ~col.is_null().to_numpy(zero_copy_only=False)
        values = col.fill_null(0).to_numpy().astype(np.float64)
        times, values = times[valid], values[valid]
        order = np.argsort(times, kind="stable")
        times, values = times[order], values[order]
        buckets = times // bucket_ns * bucket_ns
        if not times.size:
            return _stats_dict(rollup.RollupBatch.empty(bucket_ns))
        starts = np.flatnonzero(np.concatenate(([True], buckets[1:] != buckets[:-1])))
        ends = np.append(starts[1:], times.size)
        return {"time": buckets[starts], "count": (ends - starts).astype(np.int64),
                "sum": np.add.reduceat(values, starts), "min": np.minimum.reduceat(values, starts),
                "max": np.maximum.reduceat(values, starts), "sumsq": np.add.reduceat(values * values, starts),
                "first": values[starts], "last": values[ends - 1]}

    def disk_size(self, name, tags=None):
        """Return the bytes a tag table's (or some tags') blocks and summaries take, plus the
        table's pending segments: one counter per tag, not a walk over blocks."""
        with self.env.begin() as txn:
            tdef = self._table(txn, name)
            total = sum(self._stored_bytes(txn, sid) for sid, _ in self._tag_ids(txn, tdef, tags))
            if tags is None:
                seg_keys = [k for k, _ in self._pending_index(txn, tdef.space_id)]
                if seg_keys:
                    with self.env.begin(buffers=True) as btxn:  # PERF: sizes without copying segments
                        total += sum(len(btxn.get(k, default=b"", db=self.dbs[b"seg"])) for k in seg_keys)
        return total

    def force_rollup(self, name=None):
        """Finish the background work pending now (compaction; rollups ride on it)."""
        rounds = 0
        while self.compact():
            rounds += 1
        return rounds


def total_of(rows):
    """Combine ``tag_stats`` rows into one (whole-table or several-tag totals)."""
    total = _Acc()
    for row in rows:
        total.merge(_Acc.from_dict(row))
    return total.as_dict()


def _rows_acc(rows, column):
    acc = _Acc()
    if not len(rows):
        return acc
    acc.add_span(len(rows), int(rows.times.min()), int(rows.times.max()))
    col = rows.columns.get(column)
    if col is None:
        return acc
    mask = col.valid_mask(len(rows))
    if not mask.any():
        return acc
    t, v = rows.times[mask], col.values[mask]
    order = np.argsort(t, kind="stable")
    t, v = t[order], v[order]
    imin, imax = int(np.argmin(v)), int(np.argmax(v))
    acc.add_values(v[imin].item(), int(t[imin]), v[imax].item(), int(t[imax]), v[0].item(), int(t[0]),
                   v[-1].item(), int(t[-1]), int(v.size), float(np.sum(v, dtype=np.float64)))
    return acc


def _row_bounds(start, end, bucket_ns, unit_ns):
    """Return ``(lo, hi)``, the row times ``bucket_stats`` counts (see its docstring for why two rules)."""
    if unit_ns is None:
        return start // bucket_ns * bucket_ns, end // bucket_ns * bucket_ns + bucket_ns - 1
    if unit_ns <= 0 or bucket_ns % unit_ns:
        raise InvalidArgument(f"unit_ns must divide bucket_ns, got {unit_ns} and {bucket_ns}")
    return rollups.unit_bounds(start, end, unit_ns)


def _stats_dict(batch):
    """The ``bucket_stats`` answer of a rollup batch."""
    return {"time": batch.start, "count": batch.count, "sum": batch.sum, "min": batch.min, "max": batch.max,
            "sumsq": batch.sumsq, "first": batch.first, "last": batch.last}
