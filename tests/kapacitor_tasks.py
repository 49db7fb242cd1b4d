"""Task definitions written straight into the ``kapa`` store, for in-process task-master tests.

``put_task`` writes a definition record in the shape ``machstore/kapacitor/store.py``
documents and bumps ``ctr/defs`` as the API will, so the task master reloads it.
"""
import time

from machstore.kapacitor import store


def put_task(engine, task_id, script, dbrps=(("dbname", "rpname"),), *, status="enabled", vars=None,
             task_type="stream"):
    """Create or replace a task definition; its ``stamp`` moves on every call."""
    kdb = store.db(engine)
    with engine.env.begin(write=True) as txn:
        old = store.get_task(txn, kdb, task_id) or {}
        store.put_json(txn, kdb, store.task_key(task_id), {
            "id": task_id, "template-id": "", "type": task_type,
            "dbrps": [{"db": db, "rp": rp} for db, rp in dbrps], "script": script,
            "vars": vars or {}, "status": status, "created": old.get("created", ""), "modified": "",
            "stamp": old.get("stamp", 0) + 1})
        store.bump_definitions(txn, kdb)


def delete_task(engine, task_id):
    kdb = store.db(engine)
    with engine.env.begin(write=True) as txn:
        txn.delete(store.task_key(task_id), db=kdb)
        store.bump_definitions(txn, kdb)


def run_status(engine, task_id):
    with engine.env.begin() as txn:
        return store.get_run_status(txn, store.db(engine), task_id)


def http_out(engine, task_id, endpoint):
    """The stored httpOut result as JSON, or None."""
    import orjson
    with engine.env.begin() as txn:
        raw = store.get_http_out(txn, store.db(engine), task_id, endpoint)
    return None if raw is None else orjson.loads(raw)


def cursor(engine):
    with engine.env.begin() as txn:
        return store.read_u64(txn, store.db(engine), store.CURSOR)


def head(engine):
    with engine.env.begin() as txn:
        return engine.segment_head(txn)


def wait_for(check, timeout=20.0, interval=0.01):
    """Poll ``check()`` until it returns a true value; return it (or the last value at timeout)."""
    deadline = time.monotonic() + timeout
    while True:
        got = check()
        if got or time.monotonic() > deadline:
            return got
        time.sleep(interval)
