"""Catalog: spaces, measurements, field types and series ids, read and written inside a txn.

A *space* is a namespace of series with its own rules: an InfluxDB database +
retention policy (``dedup``: same series+time+field overwrites) or, later, a
Machbase tag table (duplicates kept).  Ids are allocated from counters and never
reused, so per-process caches keyed by ids can never go stale; only names
(database -> space) must be re-read, which is one LMDB get per write.
"""
import orjson

from machstore.errors import AlreadyExists, DatabaseNotFound, InvalidArgument, RetentionPolicyNotFound

from . import keys

DEFAULT_RP = "autogen"
DAY_NS = 86_400 * 10**9


def _get_json(txn, db, key):
    raw = txn.get(key, db=db)
    return None if raw is None else orjson.loads(raw)


def prefix_items(txn, db, prefix: bytes, *, values=True):
    """Yield ``(key without prefix, value)`` (or just keys) of the records under ``prefix``, in order."""
    with txn.cursor(db=db) as cur:
        if not cur.set_range(prefix):
            return
        for item in cur.iternext(values=values):
            key = item[0] if values else item
            if not key.startswith(prefix):
                return
            yield (bytes(key[len(prefix):]), item[1]) if values else bytes(key[len(prefix):])


def next_id(txn, dbs, name: bytes) -> int:
    """Allocate the next value of a named counter (starts at 1)."""
    key = b"counter:" + name
    raw = txn.get(key, db=dbs[b"state"])
    n = 1 if raw is None else keys.read_u64(raw) + 1
    txn.put(key, keys.u64(n), db=dbs[b"state"])
    return n


def read_counter(txn, dbs, name: bytes) -> int:
    raw = txn.get(b"counter:" + name, db=dbs[b"state"])
    return 0 if raw is None else keys.read_u64(raw)


# -- databases and spaces ---------------------------------------------------------------

# LMDB keys hold at most 511 bytes.  Names of databases, retention policies, measurements and
# fields are parts of catalog keys (``space:<db>\0<rp>``, ``field:<space><meas>\0<field>``),
# so each is capped at 250 UTF-8 bytes, which keeps every such key within the limit.
MAX_NAME_BYTES = 250


def check_name(kind, name):
    """Raise InvalidArgument unless ``name`` can name a database or retention policy.

    Beyond InfluxDB's own rules (checked by the InfluxQL layer), a name must fit in a
    catalog key and hold no control characters: a NUL would make ``db\0rp`` ambiguous.
    """
    if not name:
        raise InvalidArgument(f"{kind} name required")
    if not name.isprintable():
        raise InvalidArgument(f"invalid {kind} name {_go_quote(name)}: control characters are not allowed")
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        raise InvalidArgument(f"invalid {kind} name {_go_quote(name[:32] + '...')}: "
                              f"longer than {MAX_NAME_BYTES} bytes")


def _go_quote(text):
    """Quote like Go's ``%q`` (control characters escaped), for names in error messages."""
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch.isprintable():
            out.append(ch)
        elif ord(ch) < 0x10000:
            out.append(f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    return '"' + "".join(out) + '"'


def _db_key(name):
    return b"db:" + name.encode("utf-8")


def _space_key(db, rp):
    return b"space:" + db.encode("utf-8") + b"\x00" + rp.encode("utf-8")


def get_database(txn, dbs, name):
    return _get_json(txn, dbs[b"catalog"], _db_key(name))


def create_database(txn, dbs, name, *, if_not_exists=True):
    """Create an InfluxDB-model database with its default ``autogen`` retention policy."""
    info = get_database(txn, dbs, name)
    if info is not None:
        if if_not_exists:
            return info
        raise AlreadyExists(f"database already exists: {name!r}")
    if not name:
        raise DatabaseNotFound("database name required")
    check_name("database", name)
    info = {"name": name, "default_rp": DEFAULT_RP}
    txn.put(_db_key(name), orjson.dumps(info), db=dbs[b"catalog"])
    create_space(txn, dbs, name, DEFAULT_RP)
    return info


def create_space(txn, dbs, db, rp, *, duration_ns=0, partition_ns=None, dedup=True):
    partition_ns = partition_ns or default_partition(duration_ns)
    space = {"id": next_id(txn, dbs, b"space"), "db": db, "rp": rp, "duration_ns": duration_ns,
             "partition_ns": partition_ns, "dedup": dedup}
    txn.put(_space_key(db, rp), orjson.dumps(space), db=dbs[b"catalog"])
    return space


def create_retention_policy(txn, dbs, db, rp, *, duration_ns=0, default=False, partition_ns=None):
    """Add a retention policy (a space) to a database; ``default`` makes writes without rp use it."""
    info = get_database(txn, dbs, db)
    if info is None:
        raise DatabaseNotFound(f'database not found: "{db}"')
    if txn.get(_space_key(db, rp), db=dbs[b"catalog"]) is not None:
        raise AlreadyExists(f"retention policy already exists: {rp!r}")
    check_name("retention policy", rp)
    if duration_ns and duration_ns < 3600 * 10**9:
        raise InvalidArgument("retention policy duration must be at least 1h0m0s")
    space = create_space(txn, dbs, db, rp, duration_ns=duration_ns, partition_ns=partition_ns or
                         default_partition(duration_ns))
    if default:
        info["default_rp"] = rp
        txn.put(_db_key(db), orjson.dumps(info), db=dbs[b"catalog"])
    return space


def alter_retention_policy(txn, dbs, db, rp, *, duration_ns=None, partition_ns=None, default=None):
    """Change a policy's duration, shard (partition) duration or default flag.

    A new partition length applies to blocks written from now on; existing blocks keep
    their boundaries (reads never depend on partition alignment).
    """
    space = resolve_space(txn, dbs, db, rp)
    if duration_ns is not None:
        if duration_ns and duration_ns < 3600 * 10**9:
            raise InvalidArgument("retention policy duration must be at least 1h0m0s")
        space["duration_ns"] = duration_ns
    if partition_ns is not None:
        space["partition_ns"] = partition_ns
    txn.put(_space_key(db, rp), orjson.dumps(space), db=dbs[b"catalog"])
    if default:
        info = get_database(txn, dbs, db)
        info["default_rp"] = rp
        txn.put(_db_key(db), orjson.dumps(info), db=dbs[b"catalog"])
    return space


def drop_retention_policy(txn, dbs, db, rp):
    """Remove a retention policy's name; returns its space id (the caller deletes its data)."""
    space = resolve_space(txn, dbs, db, rp)
    txn.delete(_space_key(db, rp), db=dbs[b"catalog"])
    return space["id"]


def default_partition(duration_ns):
    """InfluxDB's shard-group duration rule: 1h under 2 days, 1 day up to 6 months, else (and for
    infinite retention) 7 days."""
    if duration_ns and duration_ns < 2 * DAY_NS:
        return 3600 * 10**9
    if duration_ns and duration_ns <= 180 * DAY_NS:
        return DAY_NS
    return 7 * DAY_NS


def all_spaces(txn, dbs):
    """Return every space of every database (one scan of the space records)."""
    names = {k.decode("utf-8") for k in prefix_items(txn, dbs[b"catalog"], b"db:", values=False)}
    spaces = (orjson.loads(v) for _, v in prefix_items(txn, dbs[b"catalog"], b"space:"))
    return [sp for sp in spaces if sp["db"] in names]


def get_space(txn, dbs, db, rp):
    """Return a space record by its names, or None."""
    return _get_json(txn, dbs[b"catalog"], _space_key(db, rp))


def delete_space(txn, dbs, db, rp):
    """Remove a space's name (the caller deletes its data)."""
    txn.delete(_space_key(db, rp), db=dbs[b"catalog"])


def spaces_by_id(txn, dbs):
    """Return ``{space id: space}`` of every space (databases' retention policies and tables)."""
    spaces = (orjson.loads(v) for _, v in prefix_items(txn, dbs[b"catalog"], b"space:"))
    return {sp["id"]: sp for sp in spaces}


def list_databases(txn, dbs):
    """Database names in creation order, as InfluxDB lists them (the id of a database's first
    space, made with it, tells the order; ids are never reused)."""
    names = [k.decode("utf-8") for k in prefix_items(txn, dbs[b"catalog"], b"db:", values=False)]
    first = {}
    for _, v in prefix_items(txn, dbs[b"catalog"], b"space:"):
        space = orjson.loads(v)
        first[space["db"]] = min(first.get(space["db"], space["id"]), space["id"])
    return sorted(names, key=lambda n: (first.get(n, 0), n))


def list_spaces(txn, dbs, db):
    """The spaces (retention policies) of ``db`` in creation order."""
    prefix = b"space:" + db.encode("utf-8") + b"\x00"
    return sorted((orjson.loads(v) for _, v in prefix_items(txn, dbs[b"catalog"], prefix)), key=lambda sp: sp["id"])


def resolve_space(txn, dbs, db, rp=None, *, create=False, create_rp=False):
    """Return the space of ``db``/``rp`` (the default rp when None).

    ``create`` creates a missing database; ``create_rp`` also a missing retention policy
    (infinite duration, not the default), as Kapacitor's write route accepts any db/rp.
    """
    info = get_database(txn, dbs, db)
    if info is None:
        if not create:
            raise DatabaseNotFound(f'database not found: "{db}"')
        info = create_database(txn, dbs, db)
    rp = rp or info["default_rp"]
    space = find_space(txn, dbs, db, rp)
    if space is None:
        if not create_rp:
            raise retention_policy_not_found(rp)
        space = create_retention_policy(txn, dbs, db, rp)
    return space


def retention_policy_not_found(rp):
    """The error for a retention policy that does not exist, in InfluxDB's words (name unquoted)."""
    return RetentionPolicyNotFound(f"retention policy not found: {rp}")


def find_space(txn, dbs, db, rp):
    """Return the space of ``db``/``rp`` or None (``rp`` must be given)."""
    return _get_json(txn, dbs[b"catalog"], _space_key(db, rp))


def drop_database(txn, dbs, name):
    """Remove a database's names from the catalog; returns the space ids it had.

    The caller deletes the data of those spaces.  Ids are never reused.
    """
    if get_database(txn, dbs, name) is None:
        raise DatabaseNotFound(f'database not found: "{name}"')
    spaces = list_spaces(txn, dbs, name)
    for sp in spaces:
        txn.delete(_space_key(name, sp["rp"]), db=dbs[b"catalog"])
    txn.delete(_db_key(name), db=dbs[b"catalog"])
    return [sp["id"] for sp in spaces]


# -- measurements and fields ------------------------------------------------------------

def _meas_key(space_id, measurement: bytes):
    return b"meas:" + keys.u32(space_id) + measurement


def _field_key(space_id, measurement: bytes, field: bytes):
    return b"field:" + keys.u32(space_id) + measurement + b"\x00" + field


def get_or_create_measurement(txn, dbs, space_id, measurement: bytes) -> int:
    key = _meas_key(space_id, measurement)
    raw = txn.get(key, db=dbs[b"catalog"])
    if raw is not None:
        return keys.read_u32(raw)
    mid = next_id(txn, dbs, b"measurement")
    txn.put(key, keys.u32(mid), db=dbs[b"catalog"])
    return mid


def find_measurement(txn, dbs, space_id, measurement: bytes):
    """Return a measurement's id in a space, or None."""
    raw = txn.get(_meas_key(space_id, measurement), db=dbs[b"catalog"])
    return None if raw is None else keys.read_u32(raw)


def drop_measurement(txn, dbs, space_id, measurement: bytes):
    """Forget a measurement's name and field types (the caller removed its series and data)."""
    txn.delete(_meas_key(space_id, measurement), db=dbs[b"catalog"])
    prefix = b"field:" + keys.u32(space_id) + measurement + b"\x00"
    for field in list(prefix_items(txn, dbs[b"catalog"], prefix, values=False)):
        txn.delete(prefix + field, db=dbs[b"catalog"])
    next_id(txn, dbs, b"catalog")   # cached views of the catalog (seriesindex) rebuild


def list_measurements(txn, dbs, space_id):
    return [(k, keys.read_u32(v)) for k, v in prefix_items(txn, dbs[b"catalog"], b"meas:" + keys.u32(space_id))]


def get_field_type(txn, dbs, space_id, measurement: bytes, field: bytes):
    raw = txn.get(_field_key(space_id, measurement, field), db=dbs[b"catalog"])
    return None if raw is None else raw[0]


def put_field_type(txn, dbs, space_id, measurement: bytes, field: bytes, ftype: int):
    txn.put(_field_key(space_id, measurement, field), bytes([ftype]), db=dbs[b"catalog"])


def list_fields(txn, dbs, space_id, measurement: bytes):
    prefix = b"field:" + keys.u32(space_id) + measurement + b"\x00"
    return {k.decode("utf-8", "replace"): v[0] for k, v in prefix_items(txn, dbs[b"catalog"], prefix)}


# -- series -------------------------------------------------------------------------------

def lookup_series(txn, dbs, space_id, series_key: bytes):
    """Return ``(series_id, measurement_id)`` or None."""
    raw = txn.get(keys.series_digest(space_id, series_key), db=dbs[b"series"])
    if raw is None:
        return None
    sid, mid = keys.read_u64(raw), keys.read_u32(raw, 8)
    if bytes(raw[12:]) != series_key:
        raise AssertionError("series digest collision")  # 2^-128: would need a chained index
    return sid, mid


def create_series(txn, dbs, space_id, measurement_id, series_key: bytes) -> int:
    sid = next_id(txn, dbs, b"series")
    value = keys.u64(sid) + keys.u32(measurement_id) + series_key
    txn.put(keys.series_digest(space_id, series_key), value, db=dbs[b"series"])
    txn.put(keys.u64(sid), keys.u32(space_id) + keys.u32(measurement_id) + series_key, db=dbs[b"series_id"])
    txn.put(keys.u32(space_id) + keys.u32(measurement_id) + keys.u64(sid), b"", db=dbs[b"meas_series"])
    return sid


def rename_series(txn, dbs, space_id, series_id, measurement_id, old_key: bytes, new_key: bytes):
    """Give a series a new key (Machbase tag rename); its id and data stay."""
    txn.delete(keys.series_digest(space_id, old_key), db=dbs[b"series"])
    txn.put(keys.series_digest(space_id, new_key), keys.u64(series_id) + keys.u32(measurement_id) + new_key,
            db=dbs[b"series"])
    txn.put(keys.u64(series_id), keys.u32(space_id) + keys.u32(measurement_id) + new_key, db=dbs[b"series_id"])
    next_id(txn, dbs, b"catalog")   # tells cached views of the catalog (seriesindex) that a key changed


def delete_series(txn, dbs, space_id, series_id, measurement_id, key: bytes):
    """Forget a series (the caller made sure it has no data)."""
    txn.delete(keys.series_digest(space_id, key), db=dbs[b"series"])
    txn.delete(keys.u64(series_id), db=dbs[b"series_id"])
    txn.delete(keys.u32(space_id) + keys.u32(measurement_id) + keys.u64(series_id), db=dbs[b"meas_series"])
    next_id(txn, dbs, b"catalog")


def series_of_measurement(txn, dbs, space_id, measurement_id):
    """Return ``[(series_id, series_key)]`` of one measurement."""
    prefix = keys.u32(space_id) + keys.u32(measurement_id)
    out = []
    for k in prefix_items(txn, dbs[b"meas_series"], prefix, values=False):
        sid = keys.read_u64(k)
        out.append((sid, bytes(txn.get(keys.u64(sid), db=dbs[b"series_id"])[8:])))
    return out


def series_of_space(txn, dbs, space_id):
    # key rest: measurement id (4) + series id (8)
    return [keys.read_u64(k, 4) for k in prefix_items(txn, dbs[b"meas_series"], keys.u32(space_id), values=False)]
