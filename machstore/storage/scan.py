"""Columnar reads of many series at once: one array per column over all of them, for queries.

Why: a query over 100 series wants one array per column (with the series of each row),
not 100 RowSets of every stored column.  :meth:`ScanMixin.scan_series` reads the series'
blocks in one snapshot, decodes only the wanted columns (``blocks.decode_block(columns=)``),
cuts only the first and last block of each series to the time range (blocks are time-sorted
and disjoint, so a binary search does it), merges pending (not yet compacted) writes with
InfluxDB's overwrite rules where a series has any, and concatenates each column once over
all series (:func:`stack`).

With ``limit`` only each series' first (last, with ``latest``) rows are read, through the
engine's edge reads (``Engine.read_many(limit=)``).
"""
import numpy as np

from . import blocks, catalog, segments
from . import fieldtypes as ft
from .payloadcache import PayloadCache
from .rows import Column, RowSet, concat, sort_rows

__all__ = ["ScanMixin", "SeriesScan", "stack"]


class SeriesScan:
    """Rows of several series: series after series (in the order asked), each time-sorted.

    ``times`` and ``lengths`` are arrays; a column is concatenated over the pieces only when
    :meth:`column` asks for it, and then, given a row mask, only for the rows it keeps
    (PERF: a filter on one field of ``SELECT *`` gathers the other nine for the rows it keeps).
    """

    __slots__ = ("_pieces", "lengths", "times", "types")

    def __init__(self, pieces, lengths, types):
        self._pieces = pieces          # non-empty RowSets, in row order
        self.lengths = lengths         # int64: rows of each series
        self.types = types             # name -> type code of the columns it can give
        if not pieces:
            self.times = np.empty(0, dtype=np.int64)
        else:
            self.times = pieces[0].times if len(pieces) == 1 else np.concatenate([p.times for p in pieces])

    def __len__(self):
        return int(self.times.shape[0])

    def series_index(self):
        """The position (in the order asked) of the series of every row."""
        return np.repeat(np.arange(len(self.lengths), dtype=np.int64), self.lengths)

    def column(self, name, keep=None):
        """The :class:`Column` ``name`` over every row (or the rows of the boolean mask ``keep``);
        None when no row has a value.  A piece whose column has another type has no value there."""
        ftype = self.types.get(name)
        if ftype is None:
            return None
        values, valid, all_valid, any_valid = [], [], True, False
        at = 0
        for p in self._pieces:
            n = len(p)
            c = p.columns.get(name)
            sel = None
            if keep is not None:
                sel = keep[at:at + n]
                at += n
                n = int(np.count_nonzero(sel))
                if n == 0:
                    continue
            if c is None or c.type != ftype:
                values.append(ft.empty_values(ftype, n))
                valid.append(False)
                all_valid = False
                continue
            any_valid = True
            if sel is not None and n < len(sel):
                c = c.take(sel)
            values.append(c.values)
            valid.append(True if c.valid is None else c.valid)
            all_valid = all_valid and c.valid is None
        if not any_valid:
            return None
        v = values[0] if len(values) == 1 else np.concatenate(values)
        if ftype in (ft.STRING, ft.BINARY) and v.dtype != object:
            v = v.astype(object)
        mask = None
        if not all_valid:
            mask = np.concatenate([np.full(len(x), m, dtype=bool) if isinstance(m, bool) else m
                                   for x, m in zip(values, valid)])
        return Column(ftype, v, mask)


def stack(per_series, types=None):
    """One :class:`SeriesScan` of ``per_series`` (a list, per series, of time-ordered RowSet pieces).

    ``types`` (name -> type code) are the columns it gives; without it every column of the
    pieces (the first type seen wins, as ``rows.concat`` does).
    """
    lengths = np.array([sum(len(p) for p in pieces) for pieces in per_series], dtype=np.int64)
    flat = [p for pieces in per_series for p in pieces if len(p)]
    if types is None:
        types = {}
        for p in flat:
            for k, c in p.columns.items():
                types.setdefault(k, c.type)
    return SeriesScan(flat, lengths, dict(types))


def _cut(rows, start, end):
    """The rows of a time-sorted RowSet with ``start <= time <= end`` (binary search, no mask)."""
    t = rows.times
    if not len(t):
        return rows
    lo = 0 if start is None or t[0] >= start else int(np.searchsorted(t, start, "left"))
    hi = len(t) if end is None or t[-1] <= end else int(np.searchsorted(t, end, "right"))
    return rows if lo == 0 and hi == len(t) else rows.take(slice(lo, hi))


# PERF: decompressed block payloads kept per process for the next query (payloadcache.py)
PAYLOAD_CACHE_BYTES = 64 << 20


class ScanMixin:
    """``Engine.scan_series``; needs the Engine's ``env``, ``dbs``, block summaries and pending reads."""

    def payload_cache(self):
        """This engine's :class:`PayloadCache` of decompressed block payloads (made on first use)."""
        cache = getattr(self, "_payload_cache", None)
        if cache is None:
            cache = self._payload_cache = PayloadCache(PAYLOAD_CACHE_BYTES)
        return cache

    def scan_series(self, db, series_ids, start=None, end=None, *, rp=None, types=None, limit=None,
                    latest=False, having=None):
        """Return a :class:`SeriesScan` of ``series_ids`` of ``db``/``rp`` with ``start <= time <= end``.

        ``types`` (field name -> type code) are the columns wanted (None: all); ``limit``,
        ``latest`` and ``having`` ask for each series' edge rows, as ``Engine.read_many`` does.
        Rows follow InfluxDB's overwrite semantics; writes acknowledged before the call are seen.
        """
        series_ids = list(series_ids)
        wanted = None if types is None else set(types)
        if limit is not None:
            return self._scan_edges(db, series_ids, start, end, rp, types, limit, latest, having)
        blk = self.dbs[b"blk"]
        with self.env.begin() as txn:
            space = catalog.resolve_space(txn, self.dbs, db, rp)
            pending = {}
            parts = self._pending_parts(txn, space["id"], start, end, series_ids)
            if parts:
                for sid, rows in segments.rows_by_series(parts, wanted=series_ids):
                    pending[sid] = rows.select(wanted).between(start, end)
            per_series = []
            cache = self.payload_cache()
            for sid in series_ids:
                pieces = [blocks.decode_block(txn.get(key, db=blk), wanted, decompress=cache.decompressor(key))
                          for key, _ in self._block_summaries(txn, sid, start, end)]
                if pieces:
                    pieces[0] = _cut(pieces[0], start, end)
                    pieces[-1] = _cut(pieces[-1], start, end)
                extra = pending.get(sid)
                if extra is not None and len(extra):
                    pieces = [sort_rows(concat(pieces + [extra]), dedup=space["dedup"])]
                elif not _ordered(pieces):
                    pieces = [sort_rows(concat(pieces), dedup=space["dedup"])]
                per_series.append(pieces)
        return stack(per_series, types)


    def _scan_edges(self, db, series_ids, start, end, rp, types, limit, latest, having):
        """Each series' first (last) ``limit`` rows in [start, end] with a value in ``having``.

        PERF: the single first (last) row of a series is read from its edge block's summary
        (each column's first/last value and time) when it can be: an InfluxDB space, no pending
        writes for the series, the block wholly inside the range, numeric columns.  Otherwise
        the edge blocks are decoded (``Engine.read_many(limit=)``'s way).
        """
        wanted = None if types is None else set(types)
        with self.env.begin() as txn:
            space = catalog.resolve_space(txn, self.dbs, db, rp)
            pending = set()
            parts = self._pending_parts(txn, space["id"], start, end, series_ids)
            if parts:
                pending = {sid for sid, rows in segments.rows_by_series(parts, wanted=series_ids)
                           if len(rows.between(start, end))}
            edges, rest = {}, []
            for sid in series_ids:
                edge = None
                if limit == 1 and space["dedup"] and sid not in pending:
                    edge = _edge_row(self._block_summaries(txn, sid, start, end), start, end, latest,
                                     types, having)
                if edge is None:
                    rest.append(sid)
                else:
                    edges[sid] = edge
            found = self._read_edge_rows(txn, space, rest, start, end, limit, latest, having) if rest else {}
        if not rest:   # PERF: every series from its summary: one piece of one row per series
            rows = _edge_rowset([edges[sid] for sid in series_ids], types)
            return SeriesScan([rows] if len(rows) else [], np.ones(len(series_ids), dtype=np.int64),
                              dict(types) if types is not None else {k: c.type for k, c in rows.columns.items()})
        for sid, edge in edges.items():
            found[sid] = _edge_rowset([edge], types)
        return stack([[found[sid].select(wanted)] for sid in series_ids], types)

    def edge_times(self, db, series_ids, columns, start=None, end=None, *, rp=None, latest=False):
        """``{series id: the first (with ``latest``, last) time in [start, end] where one of ``columns``
        has a value}``; a series without one is absent.

        Read from block summaries (each column's count and first/last time per block); only a
        block the range cuts, and pending writes, are decoded.
        """
        columns = set(columns)
        pick = max if latest else min
        out = {}

        def found(sid, rows):
            mask = np.zeros(len(rows), dtype=bool)
            for name in columns & set(rows.columns):
                mask |= rows.columns[name].valid_mask(len(rows))
            if mask.any():
                t = int(rows.times[len(mask) - 1 - np.argmax(mask[::-1]) if latest else np.argmax(mask)])
                out[sid] = pick(out.get(sid, t), t)
                return True
            return False

        with self.env.begin() as txn:
            space = catalog.resolve_space(txn, self.dbs, db, rp)
            parts = self._pending_parts(txn, space["id"], start, end, series_ids)
            if parts:
                for sid, rows in segments.rows_by_series(parts, wanted=list(series_ids)):
                    found(sid, rows.between(start, end))
            blk = self.dbs[b"blk"]
            cache = self.payload_cache()
            for sid in series_ids:
                summaries = list(self._block_summaries(txn, sid, start, end))
                for key, raw in (reversed(summaries) if latest else summaries):
                    summary = blocks.decode_summary(raw)
                    # the range cuts this block before its first (after its last) value: look at its rows
                    if (not latest and start is not None and summary.min_time < start) or \
                            (latest and end is not None and summary.max_time > end):
                        rows = blocks.decode_block(txn.get(key, db=blk), columns, decompress=cache.decompressor(key))
                        if found(sid, _cut(rows, start, end)):
                            break
                        continue
                    times = [c.last_time if latest else c.first_time
                             for name, c in summary.columns.items() if name in columns and c.count]
                    if times:
                        t = pick(times)
                        inside = (t >= start if start is not None else True) if latest else \
                            (t <= end if end is not None else True)
                        if inside:
                            out[sid] = pick(out.get(sid, t), t)
                        break   # later (earlier) blocks lie further out
        return out


def _edge_row(summaries, start, end, latest, types, having):
    """The first (last) row of a series from its edge block's summary, or None when it cannot tell."""
    edge = None
    for item in summaries:
        edge = item
        if not latest:
            break
    if edge is None:
        return None
    summary = blocks.decode_summary(edge[1])
    t = summary.max_time if latest else summary.min_time
    if (start is not None and summary.min_time < start) or (end is not None and summary.max_time > end):
        return None          # the range cuts the block: its edge row may be outside
    def at_edge(c):
        return c is not None and c.count and (c.last_time if latest else c.first_time) == t

    if having and not any(at_edge(summary.columns.get(name)) for name in having):
        return None          # the edge row has none of the ``having`` columns: look further in
    columns = {}
    for name in (summary.columns if types is None else types):
        c = summary.columns.get(name)
        if not at_edge(c):
            continue         # no value at the edge row
        if c.type not in ft.NUMERIC or (types is not None and types[name] != c.type):
            return None      # the summary holds no value of this type: decode
        columns[name] = (c.type, c.last if latest else c.first)
    return t, columns


def _edge_rowset(edges, types):
    """One RowSet of the ``(time, {name: (type, value)})`` edge rows of ``_edge_row``, in order."""
    n = len(edges)
    if types is None:
        types = {}
        for _, cols in edges:
            for name, (ftype, _) in cols.items():
                types.setdefault(name, ftype)
    columns = {}
    for name, ftype in types.items():
        values, valid = ft.empty_values(ftype, n), np.zeros(n, dtype=bool)
        for i, (_, cols) in enumerate(edges):
            cell = cols.get(name)
            if cell is not None:
                values[i] = cell[1]
                valid[i] = True
        if valid.any():
            columns[name] = Column(ftype, values, None if valid.all() else valid)
    return RowSet(np.array([t for t, _ in edges], dtype=np.int64), columns)


def _ordered(pieces):
    """True when consecutive non-empty pieces do not overlap in time (blocks normally do not)."""
    last = None
    for p in pieces:
        if not len(p):
            continue
        if last is not None and p.times[0] <= last:
            return False
        last = p.times[-1]
    return True
