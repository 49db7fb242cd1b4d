"""Machbase-style tables on the engine: tag, log, volatile and lookup tables.

The engine stores values in its own storage types (``fieldtypes``); what a column
means to Machbase (``short``, ``datetime``, ``varchar(20)``...) lives in each
column's opaque ``spec``, which the SQL layer reads.  Storage by kind:

* **tag**: a space whose series are the tag names (duplicates kept, unlike
  InfluxDB spaces); each row is ``time`` + the other columns.  Tag metadata
  (the ``METADATA (...)`` columns) is kept per series in ``tagmeta``.
* **log**: a space with one series ordered by arrival: ``_ARRIVAL_TIME`` (the
  row time, strictly increasing) and ``_RID`` are assigned in the write txn.
* **volatile / lookup**: rows addressed by primary key in ``kv`` (small master
  data; no time axis).  Machbase keeps volatile tables in memory only; here they
  are persisted like lookup tables.

``TablesMixin`` is mixed into ``Engine``; it uses the engine's segment, block and
delete machinery, so tag and log data is compacted, pruned and deleted the same
way as InfluxDB data.
"""
import struct
import time
from dataclasses import asdict, dataclass, field

import numpy as np
import orjson
import pyarrow as pa

from machstore import lineproto
from machstore.errors import (
    AlreadyExists,
    DuplicateKey,
    InvalidArgument,
    NotFound,
    TableNotFound,
    TagHasData,
    TagNotFound,
)

from . import catalog, keys, rollups, segments, tagingest
from . import fieldtypes as ft
from .results import WriteResult
from .rows import Column, concat

TAG, LOG, VOLATILE, LOOKUP = "tag", "log", "volatile", "lookup"
KINDS = (TAG, LOG, VOLATILE, LOOKUP)
ARRIVAL_TIME, RID = "_ARRIVAL_TIME", "_RID"
MAX_TIME = (1 << 63) - 1


@dataclass
class ColumnDef:
    """A column: its name (as Machbase reports it), storage type and the SQL layer's spec."""

    name: str
    storage: int
    spec: dict = field(default_factory=dict)


@dataclass
class TableDef:
    """A table's definition; ``key`` is the tag-name or primary-key column, ``time`` the basetime."""

    name: str
    kind: str
    columns: list
    metadata: list = field(default_factory=list)
    key: str = None
    time: str = None
    properties: dict = field(default_factory=dict)
    space_id: int = 0

    def column(self, name):
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    def value_columns(self):
        """Columns stored as row fields (tag: all but name and time)."""
        skip = (self.key, self.time) if self.kind == TAG else ()
        return [c for c in self.columns if c.name not in skip]

    def to_json(self):
        return orjson.dumps(asdict(self))

    @classmethod
    def from_json(cls, raw):
        d = orjson.loads(raw)
        d["columns"] = [ColumnDef(**c) for c in d["columns"]]
        d["metadata"] = [ColumnDef(**c) for c in d["metadata"]]
        return cls(**d)


def _table_key(name):
    return b"table:" + name.upper().encode("utf-8")


# -- primary-key rows (volatile / lookup) ------------------------------------------------

_SIGN = 1 << 63


def encode_pk(storage, value) -> bytes:
    """Order-preserving key bytes of a primary-key value."""
    if storage == ft.INTEGER:
        return struct.pack(">Q", (int(value) + _SIGN) & 0xFFFFFFFFFFFFFFFF)
    if storage == ft.UNSIGNED:
        return struct.pack(">Q", int(value))
    if storage == ft.FLOAT:
        bits = struct.unpack(">Q", struct.pack(">d", float(value)))[0]
        return struct.pack(">Q", bits ^ 0xFFFFFFFFFFFFFFFF if bits & _SIGN else bits | _SIGN)
    if storage == ft.BINARY:
        return bytes(value)
    return str(value).encode("utf-8")


_ROW_SCALAR = {ft.FLOAT: struct.Struct("<d"), ft.INTEGER: struct.Struct("<q"), ft.UNSIGNED: struct.Struct("<Q"),
               ft.BOOLEAN: struct.Struct("<?")}
_LEN = struct.Struct("<I")


def encode_row(columns, values) -> bytes:
    """Encode one row (``values`` in column order; None = NULL)."""
    out = []
    for col, v in zip(columns, values):
        if v is None:
            out.append(b"\x00")
            continue
        out.append(b"\x01")
        scalar = _ROW_SCALAR.get(col.storage)
        if scalar is not None:
            out.append(scalar.pack(v))
        else:
            raw = v.encode("utf-8") if col.storage == ft.STRING else bytes(v)
            out.append(_LEN.pack(len(raw)) + raw)
    return b"".join(out)


def decode_row(columns, data) -> list:
    values, pos = [], 0
    for col in columns:
        flag = data[pos]
        pos += 1
        if not flag:
            values.append(None)
            continue
        scalar = _ROW_SCALAR.get(col.storage)
        if scalar is not None:
            values.append(scalar.unpack_from(data, pos)[0])
            pos += scalar.size
        else:
            (n,) = _LEN.unpack_from(data, pos)
            pos += _LEN.size
            raw = bytes(data[pos:pos + n])
            pos += n
            values.append(raw.decode("utf-8") if col.storage == ft.STRING else raw)
    return values


def _bits(col: Column, idx, strings):
    """64-bit segment payloads of ``col.values[idx]`` (strings/binaries appended to ``strings``)."""
    v = col.values[idx]
    if col.type == ft.FLOAT:
        return np.ascontiguousarray(v, dtype=np.float64).view(np.int64)
    if col.type in (ft.INTEGER, ft.UNSIGNED):
        return np.ascontiguousarray(v).astype(np.int64, copy=False) if col.type == ft.INTEGER else \
            np.ascontiguousarray(v, dtype=np.uint64).view(np.int64)
    if col.type == ft.BOOLEAN:
        return v.astype(np.int64)
    base = len(strings)
    strings.extend(v.tolist())
    return np.arange(base, base + v.size, dtype=np.int64)


def _segment_of(point_series, times, columns, value_columns):
    """Build a Segment from dense columns (``columns``: name -> Column over the same rows)."""
    vps, vcs, vbs, strings, seg_cols = [], [], [], [], []
    for ci, cdef in enumerate(value_columns):
        col = columns.get(cdef.name)
        if col is None:
            continue
        idx = np.arange(len(times)) if col.valid is None else np.flatnonzero(col.valid)
        if idx.size == 0:
            continue
        vps.append(idx.astype(np.int32))
        vcs.append(np.full(idx.size, len(seg_cols), dtype=np.int32))
        vbs.append(_bits(col, idx, strings))
        seg_cols.append((cdef.name, cdef.storage))
    cat = (lambda parts, dt: np.concatenate(parts) if parts else np.empty(0, dtype=dt))
    return segments.Segment(point_series.astype(np.int32), np.asarray(times, dtype=np.int64),
                            cat(vps, np.int32), cat(vcs, np.int32), cat(vbs, np.int64), seg_cols, strings)


class TablesMixin:
    """Machbase table operations of ``Engine`` (see the module docstring)."""

    # -- definitions -----------------------------------------------------------------------

    def create_table(self, tdef: TableDef, *, if_not_exists=False):
        """Create a table; raises AlreadyExists unless ``if_not_exists``. Returns the stored definition."""
        if tdef.kind not in KINDS:
            raise InvalidArgument(f"unknown table kind {tdef.kind!r}")
        with self._write_txn() as txn:
            raw = txn.get(_table_key(tdef.name), db=self.dbs[b"catalog"])
            if raw is not None:
                if if_not_exists:
                    return TableDef.from_json(raw)
                raise AlreadyExists(f"table {tdef.name} already exists")
            space = catalog.create_space(txn, self.dbs, "", tdef.name.upper(), dedup=False)
            tdef.space_id = space["id"]
            txn.put(_table_key(tdef.name), tdef.to_json(), db=self.dbs[b"catalog"])
        return tdef

    def get_table(self, name) -> TableDef:
        with self.env.begin() as txn:
            return self._table(txn, name)

    def is_tag_table(self, name):
        """Return True when ``name`` names a Machbase tag table (``/write`` then targets it)."""
        with self.env.begin() as txn:
            raw = txn.get(_table_key(name), db=self.dbs[b"catalog"])
        return raw is not None and TableDef.from_json(raw).kind == TAG

    def _table(self, txn, name):
        raw = txn.get(_table_key(name), db=self.dbs[b"catalog"])
        if raw is None:
            raise TableNotFound(f"table {name.upper()} does not exist")
        return TableDef.from_json(raw)

    def list_tables(self):
        with self.env.begin() as txn:
            return [TableDef.from_json(v) for _, v in catalog.prefix_items(txn, self.dbs[b"catalog"], b"table:")]

    def drop_table(self, name):
        """Drop a table and all its rows, tag metadata and key-value rows."""
        with self._write_txn() as txn:
            tdef = self._table(txn, name)
            if tdef.kind in (VOLATILE, LOOKUP):
                self._kv_clear(txn, tdef)
            else:
                for sid in catalog.series_of_space(txn, self.dbs, tdef.space_id):
                    self._forget_tag_records(txn, sid)
                self._delete_space_data(txn, tdef.space_id)
            catalog.delete_space(txn, self.dbs, "", tdef.name.upper())
            txn.delete(_table_key(name), db=self.dbs[b"catalog"])

    # -- appends -----------------------------------------------------------------------------

    def append_rows(self, name, columns, *, register_tags=True):
        """Append rows given as ``{column name: rows.Column}`` (all the same length); return the count.

        Tag tables need the name and time columns without NULLs; unknown tag names are
        registered (with NULL metadata) when ``register_tags``, else TagNotFound is raised
        and nothing is stored.  Log tables get ``_ARRIVAL_TIME`` and ``_RID`` assigned.
        One call is one transaction.
        """
        tdef = self.get_table(name)
        n = _row_count(columns)
        if n == 0:
            return 0
        if tdef.kind == TAG:
            return self._append_tag(tdef, columns, n, register_tags)
        if tdef.kind == LOG:
            return self._append_log(tdef, columns, n)
        raise InvalidArgument(f"append to a {tdef.kind} table: use put_rows")

    def write_lines_to_table(self, name, data, *, precision="ns", now_ns=None):
        """Store line protocol in a tag table (Machbase Neo's ``/write?db=<table>``); see tagingest.

        Returns the same WriteResult as ``write_lines`` (rows written as points_written).
        """
        tdef = self.get_table(name)
        if tdef.kind != TAG:
            raise InvalidArgument(f"table {tdef.name} is not a tag table")
        lineproto.precision_multiplier(precision)
        batch = lineproto.parse(data, precision=precision, now_ns=now_ns)
        result = WriteResult(parse_errors=batch.error_messages())
        columns, n, skipped = tagingest.tag_columns(batch, tdef)
        if n:
            self._append_tag(tdef, columns, n, register_tags=True)
        result.points_written = result.values_written = n
        return result

    def _append_tag(self, tdef, columns, n, register_tags):
        names = columns[tdef.key].values
        uniq, inv = np.unique(names.astype(str), return_inverse=True)
        seg = _segment_of(inv, columns[tdef.time].values, columns, tdef.value_columns())
        payload = segments.encode_segment(seg)
        times = seg.point_time
        with self._write_txn() as txn:
            mid = catalog.get_or_create_measurement(txn, self.dbs, tdef.space_id, b"")
            sids = np.zeros(uniq.size, dtype=np.uint64)
            for i, tag in enumerate(uniq.tolist()):
                sids[i] = self._tag_series(txn, tdef, mid, tag, create=register_tags)
            self._put_segment(txn, tdef.space_id, payload, sids, np.full(uniq.size, mid, dtype=np.uint32),
                              int(times.min()), int(times.max()))
        return n

    def _tag_series(self, txn, tdef, mid, tag, *, create):
        found = self._find_tag(txn, tdef, tag)
        if found is not None:
            return found[0]
        if not create:
            raise TagNotFound(f"Tag name ({tag}) does not exist in meta list", tag=tag)
        return catalog.create_series(txn, self.dbs, tdef.space_id, mid, tag.encode("utf-8"))

    def _append_log(self, tdef, columns, n):
        with self._write_txn() as txn:
            state = self.dbs[b"state"]
            arrival_key = b"arrival:" + keys.u32(tdef.space_id)
            raw = txn.get(arrival_key, db=state)
            first = max(time.time_ns(), (keys.read_u64(raw) + 1) if raw is not None else 0)
            times = first + np.arange(n, dtype=np.int64)
            txn.put(arrival_key, keys.u64(int(times[-1])), db=state)
            rid_key = b"rid:" + keys.u32(tdef.space_id)
            raw = txn.get(rid_key, db=state)
            rid0 = keys.read_u64(raw) if raw is not None else 0
            txn.put(rid_key, keys.u64(rid0 + n), db=state)
            cols = dict(columns)
            cols[RID] = Column(ft.INTEGER, rid0 + np.arange(n, dtype=np.int64))
            value_columns = tdef.value_columns() + [ColumnDef(RID, ft.INTEGER)]
            seg = _segment_of(np.zeros(n, dtype=np.int32), times, cols, value_columns)
            mid = catalog.get_or_create_measurement(txn, self.dbs, tdef.space_id, b"")
            sid = self._tag_series(txn, tdef, mid, "", create=True)
            self._put_segment(txn, tdef.space_id, segments.encode_segment(seg), np.array([sid], dtype=np.uint64),
                              np.array([mid], dtype=np.uint32), int(times[0]), int(times[-1]))
        return n

    def _put_segment(self, txn, space_id, payload, series_ids, meas_ids, lo, hi):
        seq = catalog.next_id(txn, self.dbs, b"segment")
        txn.put(keys.u64(seq), payload, db=self.dbs[b"seg"])
        txn.put(keys.u64(seq), segments.encode_index(space_id, series_ids, meas_ids, lo, hi), db=self.dbs[b"segidx"])

    # -- scans -------------------------------------------------------------------------------

    def scan_table(self, name, *, tags=None, start=None, end=None, reverse=False, limit=None, hidden=False):
        """Return a table's rows as a pyarrow Table, columns in table order.

        Tag tables: rows of the named ``tags`` (all when None) with ``start <= time <= end``,
        grouped by tag (sorted by name) in time order, or newest first with ``reverse``.
        Log tables: rows in arrival order (``reverse``: newest first); ``hidden`` adds
        ``_ARRIVAL_TIME`` and ``_RID``.  Volatile/lookup tables: rows in key order.
        """
        with self.env.begin() as txn:
            tdef = self._table(txn, name)
            if tdef.kind in (VOLATILE, LOOKUP):
                return self._kv_scan(txn, tdef, limit)
            space = self._space_of(txn, tdef)
            if tdef.kind == TAG:
                pairs = self._tag_ids(txn, tdef, tags)
            else:
                pairs = [(sid, "") for sid in catalog.series_of_space(txn, self.dbs, tdef.space_id)]
            rows = self._read_rows(txn, space, [sid for sid, _ in pairs], start, end) if pairs else {}
        parts, names = [], []
        for sid, tag in pairs:
            r = rows[sid]
            if reverse:
                r = r.take(slice(None, None, -1))
            if limit is not None and len(r) > limit:
                r = r.take(slice(0, limit))
            parts.append(r)
            names.append((tag, len(r)))
        merged = concat(parts)
        if limit is not None and len(merged) > limit:
            merged = merged.take(slice(0, limit))
        return self._to_arrow(tdef, merged, names, hidden)

    def _space_of(self, txn, tdef):
        return catalog.get_space(txn, self.dbs, "", tdef.name.upper())

    def _tag_ids(self, txn, tdef, tags):
        """``[(series id, tag name)]`` sorted by name, of the given tags (those that exist) or all."""
        if tags is None:
            pairs = [(sid, key.decode("utf-8", "replace"))
                     for sid, key in self._tag_series_all(txn, tdef)]
        else:
            pairs = []
            for tag in dict.fromkeys(tags):
                found = self._find_tag(txn, tdef, tag)
                if found is not None:
                    pairs.append((found[0], tag))
        return sorted(pairs, key=lambda p: p[1])

    def _tag_series_all(self, txn, tdef):
        out = []
        for _, mid in catalog.list_measurements(txn, self.dbs, tdef.space_id):
            out.extend(catalog.series_of_measurement(txn, self.dbs, tdef.space_id, mid))
        return out

    def _to_arrow(self, tdef, rows, names, hidden):
        arrays, out_names = [], []
        n = len(rows)
        for cdef in tdef.columns:
            if tdef.kind == TAG and cdef.name == tdef.key:
                tag_col = np.empty(n, dtype=object)
                pos = 0
                for tag, count in names:
                    tag_col[pos:pos + count] = tag
                    pos += count
                arrays.append(pa.array(tag_col, type=pa.string()))
            elif tdef.kind == TAG and cdef.name == tdef.time:
                arrays.append(pa.array(rows.times, type=pa.int64()))
            else:
                arrays.append(_arrow_column(rows, cdef.name, cdef.storage))
            out_names.append(cdef.name)
        if hidden and tdef.kind == LOG:
            arrays += [pa.array(rows.times, type=pa.int64()), _arrow_column(rows, RID, ft.INTEGER)]
            out_names += [ARRIVAL_TIME, RID]
        return pa.Table.from_arrays(arrays, names=out_names)

    # -- deletes -----------------------------------------------------------------------------

    def delete_table_rows(self, name, *, before=None, tags=None):
        """Delete rows with ``time < before`` (all rows when None) of some tags (or all); return count.

        For log tables ``before`` applies to ``_ARRIVAL_TIME``.
        """
        cut = MAX_TIME if before is None else before
        with self._write_txn() as txn:
            tdef = self._table(txn, name)
            if tdef.kind in (VOLATILE, LOOKUP):
                raise InvalidArgument("delete by time on a table without a time axis")
            if tdef.kind == TAG:
                targets = [sid for sid, _ in self._tag_ids(txn, tdef, tags)]
            else:
                targets = catalog.series_of_space(txn, self.dbs, tdef.space_id)
            removed = self._delete_series_range(txn, self._space_of(txn, tdef), targets, None, cut - 1)
            if tdef.kind == TAG and removed:
                self._refresh_series_stats(txn, targets, tdef.value_columns()[0].name)
            return removed

    def count_rows(self, name, *, tags=None):
        """Return the number of rows of a tag or log table (of some tags)."""
        return self.scan_table(name, tags=tags).num_rows

    # -- tag metadata ------------------------------------------------------------------------

    def tag_metadata(self, name, tags=None):
        """Return ``[{"_ID", "NAME", <metadata columns>...}]`` sorted by name."""
        with self.env.begin() as txn:
            tdef = self._table(txn, name)
            out = []
            for sid, tag in self._tag_ids(txn, tdef, tags):
                raw = txn.get(keys.u64(sid), db=self.dbs[b"tagmeta"])
                meta = orjson.loads(raw) if raw is not None else {}
                out.append({"_ID": sid, tdef.key: tag, **{c.name: meta.get(c.name) for c in tdef.metadata}})
            return out

    def insert_tag(self, name, tag, values=None):
        """Register a tag with metadata values; DuplicateKey if it exists."""
        with self._write_txn() as txn:
            tdef = self._table(txn, name)
            if self._find_tag(txn, tdef, tag) is not None:
                raise DuplicateKey(f"tag {tag} already exists", tag=tag)
            mid = catalog.get_or_create_measurement(txn, self.dbs, tdef.space_id, b"")
            sid = catalog.create_series(txn, self.dbs, tdef.space_id, mid, tag.encode("utf-8"))
            self._put_meta(txn, tdef, sid, values or {})
            return sid

    def update_tag(self, name, tag, values=None, *, new_name=None):
        """Update a tag's metadata (and optionally rename it); return 1, or 0 if it does not exist."""
        with self._write_txn() as txn:
            tdef = self._table(txn, name)
            found = self._find_tag(txn, tdef, tag)
            if found is None:
                return 0
            sid, mid = found
            if new_name is not None and new_name != tag:
                if self._find_tag(txn, tdef, new_name) is not None:
                    raise DuplicateKey(f"tag {new_name} already exists", tag=new_name)
                catalog.rename_series(txn, self.dbs, tdef.space_id, sid, mid, tag.encode("utf-8"),
                                      new_name.encode("utf-8"))
            if values:
                raw = txn.get(keys.u64(sid), db=self.dbs[b"tagmeta"])
                meta = orjson.loads(raw) if raw is not None else {}
                meta.update(values)
                self._put_meta(txn, tdef, sid, meta)
            return 1

    def delete_tag(self, name, tag):
        """Remove a tag's registration; TagHasData while it has rows; return 1, or 0 if absent."""
        with self._write_txn() as txn:
            tdef = self._table(txn, name)
            found = self._find_tag(txn, tdef, tag)
            if found is None:
                return 0
            sid, mid = found
            if self._series_has_rows(txn, tdef.space_id, sid):
                raise TagHasData("Cannot delete tagmeta. there exist data with deleted_tag key.", tag=tag)
            catalog.delete_series(txn, self.dbs, tdef.space_id, sid, mid, tag.encode("utf-8"))
            self._forget_tag_records(txn, sid)
            return 1

    def _find_tag(self, txn, tdef, tag):
        """``(series id, measurement id)`` of a tag of ``tdef``, or None."""
        return catalog.lookup_series(txn, self.dbs, tdef.space_id, tag.encode("utf-8"))

    def _forget_tag_records(self, txn, sid):
        """Drop a tag's metadata, statistics, byte counter and rollups."""
        for db in (b"tagmeta", b"sstat", b"sbytes"):
            txn.delete(keys.u64(sid), db=self.dbs[db])
        rollups.delete_series(txn, self.dbs, sid)

    def _put_meta(self, txn, tdef, sid, values):
        known = {c.name for c in tdef.metadata}
        unknown = set(values) - known
        if unknown:
            raise InvalidArgument(f"unknown metadata column {sorted(unknown)[0]}")
        txn.put(keys.u64(sid), orjson.dumps(values), db=self.dbs[b"tagmeta"])

    # -- rollup objects (Machbase CREATE ROLLUP) ------------------------------------------
    # NOTE: the data behind every rollup is the engine's own sec/min/hour rollup records,
    # kept for every tag table by compaction; a rollup object names an interval over them.

    def create_rollup(self, record):
        """Register a rollup object ``{"name", "table", "column", "interval_ns", ...}``."""
        key = b"rollup:" + record["name"].upper().encode("utf-8")
        with self._write_txn() as txn:
            if txn.get(key, db=self.dbs[b"catalog"]) is not None:
                raise AlreadyExists(f"rollup {record['name']} already exists")
            self._table(txn, record["table"])
            txn.put(key, orjson.dumps(record), db=self.dbs[b"catalog"])

    def get_rollup(self, name):
        with self.env.begin() as txn:
            raw = txn.get(b"rollup:" + name.upper().encode("utf-8"), db=self.dbs[b"catalog"])
        return None if raw is None else orjson.loads(raw)

    def list_rollups(self, table=None):
        with self.env.begin() as txn:
            records = [orjson.loads(v) for _, v in catalog.prefix_items(txn, self.dbs[b"catalog"], b"rollup:")]
        return [r for r in records if table is None or r["table"] == table.upper()]

    def update_rollup(self, name, **changes):
        key = b"rollup:" + name.upper().encode("utf-8")
        with self._write_txn() as txn:
            raw = txn.get(key, db=self.dbs[b"catalog"])
            if raw is None:
                raise NotFound(f"rollup {name.upper()} does not exist")
            txn.put(key, orjson.dumps({**orjson.loads(raw), **changes}), db=self.dbs[b"catalog"])

    def drop_rollup(self, name):
        """Remove a rollup object; NotFound if absent (dependents are the caller's check)."""
        with self._write_txn() as txn:
            if not txn.delete(b"rollup:" + name.upper().encode("utf-8"), db=self.dbs[b"catalog"]):
                raise NotFound(f"rollup {name.upper()} does not exist")

    # -- users (Machbase accounts; the SQL layer hashes passwords) ------------------------

    def put_user(self, name, record, *, create=True):
        """Store a user record (``{"password": hash}``); AlreadyExists/NotFound per ``create``."""
        key = b"user:" + name.upper().encode("utf-8")
        with self._write_txn() as txn:
            exists = txn.get(key, db=self.dbs[b"catalog"]) is not None
            if create and exists:
                raise AlreadyExists(f"user {name.upper()} already exists")
            if not create and not exists:
                raise NotFound(f"user {name.upper()} does not exist")
            txn.put(key, orjson.dumps(record), db=self.dbs[b"catalog"])

    def get_user(self, name):
        """Return a user record, or None."""
        with self.env.begin() as txn:
            raw = txn.get(b"user:" + name.upper().encode("utf-8"), db=self.dbs[b"catalog"])
        return None if raw is None else orjson.loads(raw)

    def delete_user(self, name):
        with self._write_txn() as txn:
            if not txn.delete(b"user:" + name.upper().encode("utf-8"), db=self.dbs[b"catalog"]):
                raise NotFound(f"user {name.upper()} does not exist")

    def list_users(self):
        with self.env.begin() as txn:
            return [k.decode("utf-8") for k in catalog.prefix_items(txn, self.dbs[b"catalog"], b"user:", values=False)]

    # -- volatile / lookup rows --------------------------------------------------------------

    def put_rows(self, name, rows, *, on_duplicate="error"):
        """Insert rows (lists of values in column order) into a volatile/lookup table.

        ``on_duplicate``: "error" (DuplicateKey, nothing stored), "update" (non-None
        values of the new row overwrite) or "replace".  Returns the number of rows written.
        """
        with self._write_txn() as txn:
            tdef = self._table(txn, name)
            if tdef.kind not in (VOLATILE, LOOKUP):
                raise InvalidArgument(f"put_rows on a {tdef.kind} table")
            kvdb = self.dbs[b"kv"]
            prefix = keys.u32(tdef.space_id)
            pk_index = [c.name for c in tdef.columns].index(tdef.key) if tdef.key else None
            for values in rows:
                if pk_index is None:
                    key = prefix + keys.u64(catalog.next_id(txn, self.dbs, b"rowid:" + prefix))
                else:
                    if values[pk_index] is None:
                        raise InvalidArgument(f"primary key {tdef.key} must not be NULL")
                    key = prefix + encode_pk(tdef.columns[pk_index].storage, values[pk_index])
                    old = txn.get(key, db=kvdb)
                    if old is not None:
                        if on_duplicate == "error":
                            raise DuplicateKey(f"duplicate key {values[pk_index]!r}")
                        if on_duplicate == "update":
                            merged = decode_row(tdef.columns, old)
                            values = [n if n is not None else o for n, o in zip(values, merged)]
                txn.put(key, encode_row(tdef.columns, values), db=kvdb)
            return len(rows)

    def update_rows(self, name, pk, values):
        """Set columns (``{name: value}``) of the row with primary key ``pk``; return 1 or 0."""
        with self._write_txn() as txn:
            tdef = self._table(txn, name)
            key = keys.u32(tdef.space_id) + encode_pk(tdef.column(tdef.key).storage, pk)
            old = txn.get(key, db=self.dbs[b"kv"])
            if old is None:
                return 0
            row = decode_row(tdef.columns, old)
            for i, c in enumerate(tdef.columns):
                if c.name in values:
                    row[i] = values[c.name]
            txn.put(key, encode_row(tdef.columns, row), db=self.dbs[b"kv"])
            return 1

    def delete_keys(self, name, pks):
        """Delete rows by primary key; return how many existed."""
        with self._write_txn() as txn:
            tdef = self._table(txn, name)
            storage = tdef.column(tdef.key).storage
            return sum(bool(txn.delete(keys.u32(tdef.space_id) + encode_pk(storage, pk), db=self.dbs[b"kv"]))
                       for pk in pks)

    def _kv_scan(self, txn, tdef, limit):
        rows = []
        for _, v in catalog.prefix_items(txn, self.dbs[b"kv"], keys.u32(tdef.space_id)):
            if limit is not None and len(rows) >= limit:
                break
            rows.append(decode_row(tdef.columns, v))
        cols = list(zip(*rows)) if rows else [[] for _ in tdef.columns]
        return pa.Table.from_arrays([pa.array(list(vals), type=_ARROW[c.storage]) for c, vals in zip(tdef.columns, cols)],
                                    names=[c.name for c in tdef.columns])

    def _kv_clear(self, txn, tdef):
        prefix = keys.u32(tdef.space_id)
        for rest in list(catalog.prefix_items(txn, self.dbs[b"kv"], prefix, values=False)):
            txn.delete(prefix + rest, db=self.dbs[b"kv"])


_ARROW = {ft.FLOAT: pa.float64(), ft.INTEGER: pa.int64(), ft.UNSIGNED: pa.uint64(), ft.STRING: pa.string(),
          ft.BOOLEAN: pa.bool_(), ft.BINARY: pa.binary()}


def _arrow_column(rows, name, storage):
    col = rows.columns.get(name)
    if col is None:
        return pa.nulls(len(rows), type=_ARROW[storage])
    return pa.array(col.values, mask=None if col.valid is None else ~col.valid, type=_ARROW[storage])


def _row_count(columns):
    sizes = {len(c.values) for c in columns.values()}
    if len(sizes) > 1:
        raise InvalidArgument("columns of an append differ in length")
    return sizes.pop() if sizes else 0
