"""Continuous queries in the catalog: each database's definitions and each query's run state.

InfluxDB keeps its continuous queries in the meta store, one list per database, in creation
order, dropped with their database.  Here they are catalog records, so every process sees
the same list (the workers that CREATE and DROP them, the engine process that runs them):

* ``catalog`` ``cq:<db>\\0<name>`` -> ``{"id", "name", "query"}``: the query is the canonical
  ``CREATE CONTINUOUS QUERY`` text; ``id`` comes from the ``cq`` counter, so it orders
  queries by creation and is never reused (a dropped and re-created query starts afresh);
* ``state`` ``cqrun:<id>`` -> ``{"last_run", "resume_from"}``: when the query last ran
  (InfluxDB's in-memory ``lastRuns``, made durable) and, while a catch-up is split over several
  runs, where the next part starts.  Only the engine process writes it.

Functions take an open transaction; the engine owns the transactions.
"""
import orjson

from machstore.errors import AlreadyExists, DatabaseNotFound, InvalidArgument

from . import keys
from .catalog import MAX_NAME_BYTES, get_database, next_id, prefix_items

__all__ = ["create", "drop", "drop_all", "list_all", "record_run", "run_state"]

_PREFIX = b"cq:"
_STATE = b"cqrun:"


def _key(db, name):
    return _PREFIX + db.encode("utf-8") + b"\x00" + name.encode("utf-8")


def _state_key(cq_id):
    return _STATE + keys.u64(cq_id)


def create(txn, dbs, db, name, query):
    """Store a continuous query; InfluxDB's rules: the database must exist, and a query of
    the same name is an error unless its text is the same (ignoring case)."""
    if get_database(txn, dbs, db) is None:
        raise DatabaseNotFound(f'database not found: "{db}"')
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        # NOTE: the name is part of an LMDB key (at most 511 bytes); InfluxDB has no limit.
        raise InvalidArgument(f"continuous query name longer than {MAX_NAME_BYTES} bytes")
    raw = txn.get(_key(db, name), db=dbs[b"catalog"])
    if raw is not None:
        if orjson.loads(raw)["query"].lower() == query.lower():
            return False
        raise AlreadyExists("continuous query already exists")
    record = {"id": next_id(txn, dbs, b"cq"), "name": name, "query": query}
    txn.put(_key(db, name), orjson.dumps(record), db=dbs[b"catalog"])
    return True


def drop(txn, dbs, db, name):
    """Remove a continuous query and its run state; return False if there was none."""
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        return False  # too long to have been stored
    raw = txn.get(_key(db, name), db=dbs[b"catalog"])
    if raw is None:
        return False
    txn.delete(_key(db, name), db=dbs[b"catalog"])
    txn.delete(_state_key(orjson.loads(raw)["id"]), db=dbs[b"state"])
    return True


def drop_all(txn, dbs, db):
    """Remove every continuous query of database ``db`` (it is being dropped)."""
    prefix = _PREFIX + db.encode("utf-8") + b"\x00"
    found = list(prefix_items(txn, dbs[b"catalog"], prefix))
    for rest, raw in found:
        txn.delete(prefix + rest, db=dbs[b"catalog"])
        txn.delete(_state_key(orjson.loads(raw)["id"]), db=dbs[b"state"])
    return len(found)


def list_all(txn, dbs):
    """``{database: [record, ...]}`` of every continuous query, each list in creation order.

    A record is ``{"id", "name", "query", "last_run", "resume_from"}`` (the run state is
    None until the engine process first looked at the query).
    """
    out = {}
    for rest, raw in prefix_items(txn, dbs[b"catalog"], _PREFIX):
        db = rest.split(b"\x00", 1)[0].decode("utf-8")
        record = orjson.loads(raw)
        record.update(run_state(txn, dbs, record["id"]))
        out.setdefault(db, []).append(record)
    for records in out.values():
        records.sort(key=lambda r: r["id"])
    return out


def run_state(txn, dbs, cq_id):
    """``{"last_run", "resume_from"}`` of a continuous query (None values if it never ran)."""
    raw = txn.get(_state_key(cq_id), db=dbs[b"state"])
    state = {"last_run": None, "resume_from": None}
    if raw is not None:
        state.update(orjson.loads(raw))
    return state


def record_run(txn, dbs, db, name, cq_id, *, last_run, resume_from=None):
    """Store a query's run state; return False (and store nothing) if the query is gone or
    was re-created meanwhile, so a dropped query never comes back through its runner."""
    raw = txn.get(_key(db, name), db=dbs[b"catalog"])
    if raw is None or orjson.loads(raw)["id"] != cq_id:
        return False
    state = {"last_run": last_run, "resume_from": resume_from}
    txn.put(_state_key(cq_id), orjson.dumps(state), db=dbs[b"state"])
    return True
