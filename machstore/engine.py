"""The storage engine's public face: open a data directory, write, read, list, delete, compact.

This module knows nothing of HTTP.  One ``Engine`` per process, opened after any
fork (LMDB environments must never be inherited across ``fork``).

Write path: parse (compiled kernel) and validate outside any lock, then one LMDB
write transaction resolves series ids and field types and stores the batch as
one segment; the commit is synced, so a returned call survives ``kill -9``.
Compaction (run by the engine process, or by calling ``compact``) merges
segments into per-series time-partitioned blocks.
"""
import os
import time

import lmdb
import numpy as np

from . import lineproto
from .errors import DatabaseNotFound, StorageFull
from .storage import blocks, catalog, continuous, ingest, keys, rollups, segments, users
from .storage import fieldtypes as ft
from .storage.blocks import MAX_BLOCK_ROWS
from .storage.deletes import DeletesMixin
from .storage.results import WriteResult
from .storage.rows import RowSet, concat, sort_rows
from .storage.scan import ScanMixin
from .storage.seriesindex import SeriesIndexMixin
from .storage.tables import TAG, TableDef, TablesMixin
from .storage.tagstats import TagStatsMixin

DEFAULT_MAP_SIZE = 1 << 40          # address space only; the file grows as data does
MERGE_FANIN = 8                     # small blocks per partition before they are merged
COMPACT_MAX_POINTS = 1_000_000      # points merged per compaction round
RETENTION_CHECK_S = 60              # seconds between retention sweeps
COMPACT_HORIZON = b"compact_horizon"  # ``state`` key: the last segment compaction may take (absent: all)


class Engine(DeletesMixin, TablesMixin, TagStatsMixin, SeriesIndexMixin, ScanMixin):
    """An open machstore data directory.

    >>> eng = Engine("./machstore-data")
    >>> eng.write_lines("mydb", b"cpu,host=a usage=1.5 1600000000000000000")
    >>> eng.read_series("mydb", "cpu", {"host": "a"}).to_pydict()
    """

    def __init__(self, path, *, map_size=None, sync=True):
        os.makedirs(path, exist_ok=True)
        self.path = path
        self.env = lmdb.open(path, map_size=map_size or DEFAULT_MAP_SIZE, max_dbs=len(keys.DATABASES) + 4,
                             sync=sync, metasync=sync, readahead=False, max_readers=512)
        # NOTE: handles must come from a write txn (LMDB closes those opened in a read txn
        # when it ends), so opening takes the writer lock once, briefly.
        with self.env.begin(write=True) as txn:
            self.dbs = {name: self.env.open_db(name, txn=txn) for name in keys.DATABASES}
        self._next_retention = 0.0  # monotonic time of the next retention sweep
        self._series_cache = {}    # (space_id, series key) -> (series id, measurement id, measurement)
        self._field_cache = {}     # (space_id, measurement, field) -> type
        self._schema_seen = 0      # the catalog's ``schema`` counter those caches were filled under
        #: InfluxDB users and privileges (``storage.users.InfluxUsers``); shared by every process
        #: through LMDB, with this process's memory of verified passwords.
        self.influx_users = users.InfluxUsers(self.env, self.dbs)

    def close(self):
        self.env.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _write_txn(self):
        return self.env.begin(write=True)

    # -- databases ----------------------------------------------------------------------

    def create_database(self, name, *, if_not_exists=True):
        with self._write_txn() as txn:
            catalog.create_database(txn, self.dbs, name, if_not_exists=if_not_exists)

    def drop_database(self, name):
        """Drop a database, its continuous queries, every point in it and every user's privilege on it."""
        with self._write_txn() as txn:
            space_ids = catalog.drop_database(txn, self.dbs, name)
            continuous.drop_all(txn, self.dbs, name)
            users.forget_database(txn, self.dbs, name)
            for sid in space_ids:
                self._delete_space_data(txn, sid)

    def list_databases(self):
        with self.env.begin() as txn:
            return catalog.list_databases(txn, self.dbs)

    def database_exists(self, name):
        with self.env.begin() as txn:
            return catalog.get_database(txn, self.dbs, name) is not None

    # -- continuous queries ---------------------------------------------------------------

    def create_continuous_query(self, db, name, query):
        """Store continuous query ``name`` of ``db`` (``query`` is its CREATE text).

        Returns False when the same query (same text, ignoring case) already exists; raises
        AlreadyExists for a different query of that name and DatabaseNotFound for ``db``.
        """
        with self._write_txn() as txn:
            return continuous.create(txn, self.dbs, db, name, query)

    def drop_continuous_query(self, db, name):
        """Remove a continuous query; return False if ``db`` has none of that name."""
        with self._write_txn() as txn:
            return continuous.drop(txn, self.dbs, db, name)

    def list_continuous_queries(self):
        """``[(database, [query, ...])]`` for every database in creation order, with its
        continuous queries in creation order, each ``{"id", "name", "query", "last_run",
        "resume_from"}`` (its run state, None until it first ran)."""
        with self.env.begin() as txn:
            found = continuous.list_all(txn, self.dbs)
            return [(db, found.get(db, [])) for db in catalog.list_databases(txn, self.dbs)]

    def record_continuous_query_run(self, db, name, cq_id, *, last_run, resume_from=None):
        """Durably store a continuous query's run state (the runner calls it after the run's
        writes committed); return False if the query was dropped or re-created meanwhile."""
        with self._write_txn() as txn:
            return continuous.record_run(txn, self.dbs, db, name, cq_id, last_run=last_run,
                                         resume_from=resume_from)

    def list_retention_policies(self, db):
        with self.env.begin() as txn:
            info = catalog.get_database(txn, self.dbs, db)
            if info is None:
                catalog.resolve_space(txn, self.dbs, db)  # raises DatabaseNotFound
            return [{"name": s["rp"], "duration_ns": s["duration_ns"], "shard_duration_ns": s["partition_ns"],
                     "default": s["rp"] == info["default_rp"]}
                    for s in catalog.list_spaces(txn, self.dbs, db)]

    def create_retention_policy(self, db, name, *, duration_ns=0, default=False, shard_duration_ns=None):
        """Add a retention policy; points older than ``duration_ns`` (0 = forever) are deleted.

        ``shard_duration_ns`` is the time partition of its blocks (InfluxDB's shard group
        duration; by default InfluxDB's rule from the duration).
        """
        with self._write_txn() as txn:
            catalog.create_retention_policy(txn, self.dbs, db, name, duration_ns=duration_ns, default=default,
                                            partition_ns=shard_duration_ns or None)

    def alter_retention_policy(self, db, name, *, duration_ns=None, shard_duration_ns=None, default=None):
        """Change a retention policy's duration, shard duration, or make it the default."""
        with self._write_txn() as txn:
            catalog.alter_retention_policy(txn, self.dbs, db, name, duration_ns=duration_ns,
                                           partition_ns=shard_duration_ns or None, default=default)

    def drop_retention_policy(self, db, name):
        """Drop a retention policy and every point in it."""
        with self._write_txn() as txn:
            self._delete_space_data(txn, catalog.drop_retention_policy(txn, self.dbs, db, name))

    def enforce_retention(self, now_ns=None):
        """Delete points older than their retention policy's duration; return rows removed."""
        now_ns = time.time_ns() if now_ns is None else now_ns
        with self.env.begin() as txn:
            limited = [sp for sp in catalog.all_spaces(txn, self.dbs) if sp["duration_ns"]]
        removed = 0
        for sp in limited:
            removed += self.delete_before(sp["db"], now_ns - sp["duration_ns"], rp=sp["rp"])
        return removed

    # -- the segment log as a stream (machstore/kapacitor/taskmaster.py reads it) -----------

    def segment_head(self, txn):
        """The sequence number of the last committed segment as seen by ``txn`` (0: none yet).

        Segments get their numbers inside their write transaction and LMDB runs one writer
        at a time, so numbers are commit order and every segment up to the head is visible.
        """
        return catalog.read_counter(txn, self.dbs, b"segment")

    def set_compaction_horizon(self, txn, seq):
        """In the caller's write ``txn``: let compaction take only segments numbered ``<= seq``
        (None: no limit).  Stream tasks keep the segments they have not read yet this way."""
        if seq is None:
            txn.delete(COMPACT_HORIZON, db=self.dbs[b"state"])
        else:
            txn.put(COMPACT_HORIZON, keys.u64(seq), db=self.dbs[b"state"])

    def compaction_horizon(self, txn):
        raw = txn.get(COMPACT_HORIZON, db=self.dbs[b"state"])
        return None if raw is None else keys.read_u64(raw)

    def background_round(self):
        """Do one unit of background work (compaction; retention once a minute); 0 = idle."""
        now = time.monotonic()
        if now >= self._next_retention:
            self._next_retention = now + RETENTION_CHECK_S
            if self.enforce_retention():
                return 1
        return self.compact()

    # -- writes -------------------------------------------------------------------------

    def write_lines(self, db, data, *, rp=None, precision="ns", create_database=True,
                    create_retention_policy=False, now_ns=None):
        """Parse line protocol and durably store its points in ``db``/``rp``; see WriteResult.

        ``create_database`` creates a missing database (with ``autogen``);
        ``create_retention_policy`` also a missing ``rp`` (infinite, not default), as
        Kapacitor's write route does.  Otherwise a missing one raises NotFound.

        PERF: parsing, validation and segment encoding run under a read snapshot;
        the write transaction (LMDB's one writer at a time) only creates new
        series/fields and puts the finished segment.
        """
        lineproto.precision_multiplier(precision)  # raises InvalidArgument before any work
        batch = lineproto.parse(data, precision=precision, now_ns=now_ns)
        result = WriteResult(parse_errors=batch.error_messages())
        caches = (self._series_cache, self._field_cache)
        new_entries = []
        try:
            with self.env.begin() as txn:
                # what is missing is created at commit; until then plan as if all is new (id 0)
                info = catalog.get_database(txn, self.dbs, db)
                if info is None:
                    if not create_database:
                        raise DatabaseNotFound(f'database not found: "{db}"')
                    catalog.check_name("database", db)
                    space = None
                    rp_missing = bool(rp) and rp != catalog.DEFAULT_RP
                else:
                    space = catalog.find_space(txn, self.dbs, db, rp or info["default_rp"])
                    rp_missing = space is None
                if rp_missing:
                    if not create_retention_policy:
                        raise catalog.retention_policy_not_found(rp)
                    catalog.check_name("retention policy", rp)
                space_id = space["id"] if space is not None else 0
                if batch.n_points == 0:
                    return result  # nothing to store, and nothing is created (as InfluxDB)
                schema = self._check_schema(txn)
                plan = ingest.plan_batch(txn, self.dbs, space_id, batch, result, *caches)
            with self._write_txn() as txn:
                space_id = catalog.resolve_space(txn, self.dbs, db, rp, create=create_database,
                                                 create_rp=create_retention_policy)["id"]
                try:
                    if self._check_schema(txn) != schema:
                        raise ingest.PlanStale("series or measurements were dropped meanwhile")
                    if plan is not None:
                        if plan.space_id not in (0, space_id):
                            raise ingest.PlanStale("database was dropped and created again")
                        ingest.commit_plan(txn, self.dbs, space_id, plan, *caches, new_entries)
                except ingest.PlanStale:
                    # rare race with another writer: plan again, now under the write lock
                    new_entries.clear()
                    result = WriteResult(parse_errors=result.parse_errors)
                    plan = ingest.plan_batch(txn, self.dbs, space_id, batch, result, *caches)
                    if plan is not None:
                        ingest.commit_plan(txn, self.dbs, space_id, plan, *caches, new_entries)
        except lmdb.MapFullError as ex:
            raise StorageFull(f"storage full: {ex}; raise map_size and restart") from ex
        for cache, key, value in new_entries:  # only once committed
            cache[key] = value
        return result

    def write_lines_in(self, txn, db, data, *, rp=None, precision="ns", create_database=False):
        """``write_lines`` inside the caller's write ``txn`` (committed or aborted with it).

        The same parsing, drop rules and type checks as ``write_lines``, so the points are
        typed like any write and, once committed, visible to queries and to stream tasks.
        This process's series and field caches are neither filled nor trusted here: the
        caller's transaction may still abort, and ids it allocated would then be reused.
        """
        lineproto.precision_multiplier(precision)
        batch = lineproto.parse(data, precision=precision)
        result = WriteResult(parse_errors=batch.error_messages())
        if batch.n_points == 0:
            return result
        try:
            space_id = catalog.resolve_space(txn, self.dbs, db, rp, create=create_database)["id"]
            plan = ingest.plan_batch(txn, self.dbs, space_id, batch, result, {}, {})
            if plan is not None:
                ingest.commit_plan(txn, self.dbs, space_id, plan, {}, {}, [])
        except lmdb.MapFullError as ex:
            raise StorageFull(f"storage full: {ex}; raise map_size and restart") from ex
        return result

    def _check_schema(self, txn):
        """Return the ``schema`` counter, first dropping this process's caches if it moved.

        Deletes that forget series or measurements bump it (storage/deletes.py); cached series
        ids and field types from before could point at forgotten entries.
        """
        schema = catalog.read_counter(txn, self.dbs, b"schema")
        if schema != self._schema_seen:
            self._series_cache.clear()
            self._field_cache.clear()
            self._schema_seen = schema
        return schema

    # -- catalog reads ------------------------------------------------------------------

    def list_measurements(self, db, rp=None):
        with self.env.begin() as txn:
            space = catalog.resolve_space(txn, self.dbs, db, rp)
            return sorted(_text(m) for m, _ in catalog.list_measurements(txn, self.dbs, space["id"]))

    def list_series(self, db, measurement=None, rp=None):
        """Return ``[{"id", "measurement", "tags", "key"}]`` of a database (or one measurement)."""
        with self.env.begin() as txn:
            space = catalog.resolve_space(txn, self.dbs, db, rp)
            out = []
            for m, mid in catalog.list_measurements(txn, self.dbs, space["id"]):
                if measurement is not None and _text(m) != measurement:
                    continue
                for sid, key in catalog.series_of_measurement(txn, self.dbs, space["id"], mid):
                    meas, tags = lineproto.split_series_key(key)
                    out.append({"id": sid, "measurement": _text(meas),
                                "tags": {_text(k): _text(v) for k, v in tags}, "key": _text(key)})
            return out

    def list_fields(self, db, measurement, rp=None):
        """Return ``{field: type name}`` of a measurement."""
        with self.env.begin() as txn:
            space = catalog.resolve_space(txn, self.dbs, db, rp)
            fields = catalog.list_fields(txn, self.dbs, space["id"], measurement.encode("utf-8"))
            return {k: ft.TYPE_NAMES[v] for k, v in sorted(fields.items())}

    # -- reads --------------------------------------------------------------------------

    def read_series(self, db, measurement, tags=None, start=None, end=None, *, rp=None, fields=None):
        """Return one series' points with ``start <= time <= end`` as a pyarrow Table.

        Columns: ``time`` (int64 ns) then each field (nullable), time ascending.
        """
        key = lineproto.make_series_key(measurement.encode("utf-8"),
                                        sorted((k.encode("utf-8"), v.encode("utf-8")) for k, v in (tags or {}).items()))
        with self.env.begin() as txn:
            space = catalog.resolve_space(txn, self.dbs, db, rp)
            found = catalog.lookup_series(txn, self.dbs, space["id"], key)
            if found is None:
                return RowSet(np.empty(0, dtype=np.int64)).to_arrow()
            rows = self._read_series_rows(txn, space, found[0], start, end)
            names = sorted(catalog.list_fields(txn, self.dbs, space["id"], measurement.encode("utf-8")))
        rows = rows.select(set(fields) if fields else None)
        return rows.to_arrow([n for n in names if fields is None or n in fields])

    def read_many(self, db, series_ids, start=None, end=None, *, rp=None, limit=None, latest=False, having=None):
        """Return ``{series id: RowSet}`` of several series of ``db``/``rp`` from one snapshot.

        Rows have ``start <= time <= end`` (either may be None), time-sorted, with InfluxDB's
        overwrite semantics; pending (not yet compacted) writes are included, so a write
        acknowledged before the call is visible.  With ``limit`` only each series' first
        ``limit`` rows (its last, with ``latest``) are returned, and only the blocks holding
        them are decoded; ``having`` (field names) counts only rows where one of them has a value.
        """
        with self.env.begin() as txn:
            space = catalog.resolve_space(txn, self.dbs, db, rp)
            if limit is None:
                return self._read_rows(txn, space, list(series_ids), start, end)
            return self._read_edge_rows(txn, space, list(series_ids), start, end, limit, latest, having)

    def _read_edge_rows(self, txn, space, series_ids, start, end, limit, latest, having=None):
        """The first (last) ``limit`` rows of each series in [start, end]: blocks from that end only."""
        pending = {}
        parts = self._pending_parts(txn, space["id"], start, end, series_ids)
        if parts:
            for sid, rows in segments.rows_by_series(parts, wanted=list(series_ids)):
                pending[sid] = rows.between(start, end)
        out = {}
        for sid in series_ids:
            summaries = list(self._block_summaries(txn, sid, start, end))
            if latest:
                summaries.reverse()
            taken, have = [], 0
            for key, _ in summaries:
                rows = blocks.decode_block(txn.get(key, db=self.dbs[b"blk"])).between(start, end)
                taken.append(rows)
                have += len(rows) if not having else int(np.count_nonzero(_any_valid(rows, having)))
                if have >= limit:
                    break   # blocks are disjoint in time: the rest lie beyond these
            if sid in pending:
                taken.append(pending[sid])
            rows = sort_rows(concat(taken), dedup=space["dedup"])
            if having:
                rows = rows.take(_any_valid(rows, having))
            out[sid] = rows.take(slice(len(rows) - limit, None) if latest else slice(0, limit)) \
                if len(rows) > limit else rows
        return out

    def _read_series_rows(self, txn, space, series_id, start, end):
        return self._read_rows(txn, space, [series_id], start, end)[series_id]

    def _read_rows(self, txn, space, series_ids, start, end):
        """Return ``{series id: RowSet}`` with ``start <= time <= end``, time-sorted.

        Blocks are read per series; pending segments are decoded once for all of them.
        """
        parts = {sid: [rows.between(start, end) for _, rows in self._blocks_of(txn, sid, start, end)]
                 for sid in series_ids}
        pending = self._pending_parts(txn, space["id"], start, end, series_ids)
        if pending:
            for sid, rows in segments.rows_by_series(pending, wanted=list(series_ids)):
                parts[sid].append(rows.between(start, end))
        return {sid: sort_rows(concat(p), dedup=space["dedup"]) for sid, p in parts.items()}

    def _blocks_of(self, txn, series_id, start=None, end=None):
        """Yield ``(key, RowSet)`` of the series' blocks overlapping [start, end]."""
        for key, summary in self._block_summaries(txn, series_id, start, end):
            yield key, blocks.decode_block(txn.get(key, db=self.dbs[b"blk"]))

    def _block_summaries(self, txn, series_id, start=None, end=None):
        """Yield ``(key, packed summary)`` of blocks overlapping [start, end], in time order."""
        prefix = keys.series_prefix(series_id)
        with txn.cursor(db=self.dbs[b"sum"]) as cur:
            if start is None:
                positioned = cur.set_range(prefix)
            elif cur.set_range(keys.block_key(series_id, start)):
                # the block holding ``start`` may begin before it: step back one
                if not cur.prev():                          # the seek landed on the first record
                    positioned = cur.first()
                elif not cur.key().startswith(prefix):      # stepped back into another series
                    positioned = cur.next()
                else:
                    positioned = True
            else:
                positioned = cur.last()
            if not positioned:
                return
            for k, v in cur:
                if not k.startswith(prefix):
                    return
                _, lo, hi = blocks.summary_time_range(v)
                if end is not None and lo > end:
                    return
                if start is not None and hi < start:
                    continue
                yield bytes(k), bytes(v)

    def _pending_parts(self, txn, space_id, start, end, series_ids=None):
        """Decode the pending segments of a space that may hold rows in [start, end] (of some series)."""
        wanted = None if series_ids is None else np.asarray(list(series_ids), dtype=np.uint64)
        return [(segments.decode_segment(txn.get(k, db=self.dbs[b"seg"])), idx)
                for k, idx in self._pending_index(txn, space_id, start, end)
                if wanted is None or np.isin(idx.series_ids, wanted).any()]

    def _pending_index(self, txn, space_id, start=None, end=None):
        """Yield ``(key, SegmentIndex)`` of the pending segments of a space whose times meet [start, end]."""
        with txn.cursor(db=self.dbs[b"segidx"]) as cur:
            for k, v in cur:
                idx = segments.decode_index(v)
                if idx.space_id != space_id:
                    continue
                if (start is not None and idx.max_time < start) or (end is not None and idx.min_time > end):
                    continue
                yield bytes(k), idx

    def read_cost(self, db, series_ids, start=None, end=None, *, rp=None):
        """What reading ``series_ids`` over [start, end] would touch, without decoding anything.

        Returns ``{"series", "partitions", "blocks", "block_bytes", "pending_points"}``: the
        time partitions (the retention policy's shard duration) holding those rows, the stored
        blocks overlapping the range (from their summaries) and their compressed size, and the
        points of pending segments of those series in the range (EXPLAIN's costs).
        """
        series_ids = list(series_ids)
        blocks_n = block_bytes = pending = 0
        partitions = set()
        with self.env.begin() as txn:
            space = catalog.resolve_space(txn, self.dbs, db, rp)
            width = space["partition_ns"]
            for sid in series_ids:
                for key, summary in self._block_summaries(txn, sid, start, end):
                    blocks_n += 1
                    block_bytes += len(txn.get(key, db=self.dbs[b"blk"]))
                    partitions.add(blocks.summary_time_range(summary)[1] // width)
            wanted = np.asarray(series_ids, dtype=np.uint64)
            for seg, idx in self._pending_parts(txn, space["id"], start, end, series_ids):
                in_range = np.isin(idx.series_ids[seg.point_series], wanted)
                if start is not None:
                    in_range &= seg.point_time >= start
                if end is not None:
                    in_range &= seg.point_time <= end
                pending += int(np.count_nonzero(in_range))
                partitions.update(np.unique(seg.point_time[in_range] // width).tolist())
        return {"series": len(series_ids), "partitions": len(partitions), "blocks": blocks_n,
                "block_bytes": block_bytes, "pending_points": pending}

    def storage_stats(self):
        """Return per sub-database ``{"entries", "bytes"}`` (bytes = sum of stored values) and
        ``pages_bytes``, the LMDB pages in use (the file never shrinks; this is what is live)."""
        out = {}
        with self.env.begin() as txn:
            for name, db in self.dbs.items():
                total = 0
                with txn.cursor(db=db) as cur:
                    for _, v in cur:
                        total += len(v)
                out[name.decode()] = {"entries": txn.stat(db)["entries"], "bytes": total}
            pages = sum(txn.stat(db)[k] for db in self.dbs.values()
                        for k in ("branch_pages", "leaf_pages", "overflow_pages"))
        out["pages_bytes"] = pages * self.env.stat()["psize"]
        return out

    def pending_segments(self):
        """Return how many written segments await compaction."""
        with self.env.begin() as txn:
            return txn.stat(self.dbs[b"seg"])["entries"]

    # -- compaction ---------------------------------------------------------------------

    def compact(self, max_points=COMPACT_MAX_POINTS):
        """Merge the oldest pending segments into blocks; return segments merged (0 = idle).

        Segments past the compaction horizon (``set_compaction_horizon``) stay pending.

        Work is prepared under a read snapshot and applied in one short write
        transaction, which gives up (and returns 0) if a delete changed the data
        meanwhile or another process already merged those segments.
        """
        with self.env.begin() as txn:
            generation = catalog.read_counter(txn, self.dbs, b"generation")
            horizon = self.compaction_horizon(txn)
            last = None if horizon is None else keys.u64(horizon)
            taken, parts, points = [], {}, 0
            with txn.cursor(db=self.dbs[b"segidx"]) as cur:
                for k, v in cur:
                    if last is not None and k > last:
                        break   # not streamed yet (set_compaction_horizon)
                    idx = segments.decode_index(v)
                    seg = segments.decode_segment(txn.get(k, db=self.dbs[b"seg"]))
                    taken.append(bytes(k))
                    parts.setdefault(idx.space_id, []).append((seg, idx))
                    points += seg.point_series.size
                    if points >= max_points:
                        break
            if not taken:
                return 0
            spaces = catalog.spaces_by_id(txn, self.dbs)
            puts, deletes, rollup_puts, stat_puts = [], [], [], []
            for space_id, space_parts in parts.items():
                space = spaces.get(space_id)
                if space is None:
                    continue  # dropped meanwhile: its segments just go
                value_column = self._rollup_column(txn, space)
                for sid, rows in segments.rows_by_series(space_parts):
                    self._merge_into_blocks(txn, space, sid, rows, puts, deletes)
                    if value_column is not None and value_column in rows.columns:
                        col = rows.columns[value_column]
                        rollup_puts += rollups.plan_update(txn, self.dbs, sid, rows.times, col.values, col.valid)
                    if value_column is not None:
                        stat_puts.append(self._plan_series_stats(txn, sid, rows, value_column))
        with self._write_txn() as txn:
            if catalog.read_counter(txn, self.dbs, b"generation") != generation:
                txn.abort()
                return 0
            for k in taken:
                if txn.get(k, db=self.dbs[b"segidx"]) is None:
                    txn.abort()
                    return 0
            for k in taken:
                txn.delete(k, db=self.dbs[b"seg"])
                txn.delete(k, db=self.dbs[b"segidx"])
            self._apply_block_changes(txn, puts, deletes)
            rollups.apply(txn, self.dbs, rollup_puts)
            for key, record in stat_puts:
                txn.put(key, record, db=self.dbs[b"sstat"])
        return len(taken)

    def _rollup_column(self, txn, space):
        """The column a space's rollups follow: a tag table's first value column, else None."""
        if space.get("db") != "":
            return None
        raw = txn.get(b"table:" + space["rp"].encode("utf-8"), db=self.dbs[b"catalog"])
        if raw is None:
            return None
        tdef = TableDef.from_json(raw)
        return tdef.value_columns()[0].name if tdef.kind == TAG and tdef.value_columns() else None

    def _merge_into_blocks(self, txn, space, series_id, new_rows, puts, deletes):
        """Plan the block changes that add ``new_rows`` to a series (appended to puts/deletes).

        Rows overlapping existing blocks are merged into them (keeping blocks
        disjoint, so reads and deletes stay simple).  Rows after the last block
        become a new block without touching the old ones; once MERGE_FANIN small
        blocks pile up in a partition they are merged, so each row is rewritten
        a logarithmic number of times instead of once per compaction round.
        """
        lo = int(new_rows.times.min())
        hi = int(new_rows.times.max())
        old = list(self._block_summaries(txn, series_id, lo, hi))
        if not old:
            tail = self._small_blocks_before(txn, series_id, lo, space["partition_ns"])
            if len(tail) + 1 >= MERGE_FANIN:
                old = tail
        if old:
            existing = [blocks.decode_block(txn.get(k, db=self.dbs[b"blk"])) for k, _ in old]
            deletes.extend(k for k, _ in old)
            new_rows = concat(existing + [new_rows])
        merged = sort_rows(new_rows, dedup=space["dedup"])
        puts.extend(blocks.encode_rows(series_id, merged, space["partition_ns"]))

    def _small_blocks_before(self, txn, series_id, t, partition_ns):
        """Return the consecutive non-full blocks right before time ``t`` in its partition."""
        prefix = keys.series_prefix(series_id)
        out = []
        with txn.cursor(db=self.dbs[b"sum"]) as cur:
            ok = cur.prev() if cur.set_range(keys.block_key(series_id, t)) else cur.last()
            while ok and cur.key().startswith(prefix) and len(out) < MERGE_FANIN:
                n, b_lo, _ = blocks.summary_time_range(cur.value())
                if n >= MAX_BLOCK_ROWS or b_lo // partition_ns != t // partition_ns:
                    break
                out.append((bytes(cur.key()), bytes(cur.value())))
                ok = cur.prev()
        out.reverse()
        return out

    def _apply_block_changes(self, txn, puts, deletes):
        """Delete blocks by key, then store encoded ``(series_id, min_time, block, summary)`` puts.

        Every block change goes through here, so it also keeps each series' stored byte count
        (``sbytes``), which answers disk-size lookups without walking blocks.
        """
        blk, summ = self.dbs[b"blk"], self.dbs[b"sum"]
        delta = {}
        for k in deletes:
            sid = keys.read_u64(k)
            delta[sid] = delta.get(sid, 0) - len(txn.pop(k, db=blk) or b"") - len(txn.pop(k, db=summ) or b"")
        for series_id, min_time, block, summary in puts:
            uniq = 0
            while not txn.put(keys.block_key(series_id, min_time, uniq), block, db=blk, overwrite=False):
                uniq += 1  # equal start times (duplicates kept across blocks)
            txn.put(keys.block_key(series_id, min_time, uniq), summary, db=summ)
            delta[series_id] = delta.get(series_id, 0) + len(block) + len(summary)
        for sid, change in delta.items():
            if change:
                txn.put(keys.u64(sid), keys.u64(max(self._stored_bytes(txn, sid) + change, 0)),
                        db=self.dbs[b"sbytes"])

    def _stored_bytes(self, txn, series_id):
        """Bytes of a series' blocks and summaries (kept by ``_apply_block_changes``)."""
        raw = txn.get(keys.u64(series_id), db=self.dbs[b"sbytes"])
        return 0 if raw is None else keys.read_u64(raw)


def _text(b):
    return b.decode("utf-8", "replace") if isinstance(b, (bytes, bytearray)) else b


def _any_valid(rows, names):
    """Mask of the rows where at least one of the named columns has a value."""
    mask = np.zeros(len(rows), dtype=bool)
    for name in names:
        col = rows.columns.get(name)
        if col is not None:
            mask |= col.valid_mask(len(rows))
    return mask
