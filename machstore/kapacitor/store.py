"""Where Kapacitor's definitions and run state live: the ``kapa`` sub-database of the store.

Every HTTP worker and the engine process share them through LMDB, so any worker answers
any request (docs/kapacitor-runtime.md).  Key layout (text keys, ``/``-separated; ids are
Kapacitor ids, which cannot contain ``/``)::

    task/<id>              JSON task definition (tasks.py writes it; the runtime reads it)
    tmpl/<id>              JSON template definition
    ctr/defs               u64, bumped by every change of a task or template definition
    run/<id>               JSON run status of a task: executing, error, stats, node stats
    http/<id>/<endpoint>   JSON httpOut result of a running task
    state/<id>             pickled node state of a running task + the definition stamp it belongs to
    cursor                 u64: the last segment sequence number fed to the stream tasks
    outbox/<u64 seq>       an alert delivery waiting to be sent (outbox.py)
    ctr/outbox             u64: the last outbox sequence number given out
    alert/<topic>\\0<id>    JSON last event state of an alert id in a topic (alerts/; read and
                           staged by storecontext.py's load/save_alert_state)
    topic/<topic>, hspec/<topic>\\0<id>, aggbuf/<topic>\\0<id>
                           alert topics, their API handler specs, aggregate buffers (alerts/topics.py)
    dstat/<kind>           JSON {"sent", "failed"} deliveries per handler kind (outbox.py)
    assoc/<tmpl>/<task>    empty: the task was made from the template (templates.py)
    ids/cluster, ids/server  the UUIDs ``/debug/vars`` reports, made on first use

A task definition record (JSON object)::

    {"id", "template-id", "type" ("stream"|"batch"), "dbrps": [{"db", "rp"}], "script",
     "vars": {...API shape...}, "status" ("enabled"|"disabled"),
     "created", "modified", "last-enabled" (RFC3339Nano text or absent), "stamp" (int)}

``stamp`` changes whenever anything the runtime depends on changes (script, vars, dbrps,
status): the runtime restarts a task whose stamp moved and drops state saved under an old
stamp.  ``vars`` become evaluator values with ``task_vars.to_tick(record["vars"])``;
``definitions.compile_task(script, type, vars)`` builds the pipeline exactly as the API checked it.

A template record: ``{"id", "type", "script", "created", "modified"}``.
"""
from __future__ import annotations

import struct

import orjson

DB = b"kapa"
_U64 = struct.Struct(">Q")


def db(engine):
    return engine.dbs[DB]


def task_key(task_id: str) -> bytes:
    return b"task/" + task_id.encode()


def template_key(template_id: str) -> bytes:
    return b"tmpl/" + template_id.encode()


def run_key(task_id: str) -> bytes:
    return b"run/" + task_id.encode()


def http_key(task_id: str, endpoint: str) -> bytes:
    return b"http/" + task_id.encode() + b"/" + endpoint.encode()


def state_key(task_id: str) -> bytes:
    return b"state/" + task_id.encode()


DEFS_COUNTER = b"ctr/defs"
CURSOR = b"cursor"


def get_json(txn, dbi, key: bytes):
    raw = txn.get(key, db=dbi)
    return None if raw is None else orjson.loads(raw)


def put_json(txn, dbi, key: bytes, value) -> None:
    txn.put(key, orjson.dumps(value), db=dbi)


def read_u64(txn, dbi, key: bytes) -> int:
    raw = txn.get(key, db=dbi)
    return 0 if raw is None else _U64.unpack(raw)[0]


def write_u64(txn, dbi, key: bytes, value: int) -> None:
    txn.put(key, _U64.pack(value), db=dbi)


def bump_definitions(txn, dbi) -> int:
    """Note a definition change (the engine process reloads tasks when this moves)."""
    n = read_u64(txn, dbi, DEFS_COUNTER) + 1
    write_u64(txn, dbi, DEFS_COUNTER, n)
    return n


def iter_prefix(txn, dbi, prefix: bytes):
    """``(key, value)`` of every entry whose key starts with ``prefix``, in key order."""
    with txn.cursor(db=dbi) as cur:
        if not cur.set_range(prefix):
            return
        for k, v in cur:
            if not k.startswith(prefix):
                return
            yield bytes(k), bytes(v)


def list_tasks(txn, dbi) -> list[dict]:
    """Every task definition, ordered by id."""
    return [orjson.loads(v) for _, v in iter_prefix(txn, dbi, b"task/")]


def get_task(txn, dbi, task_id: str):
    return get_json(txn, dbi, task_key(task_id))


def get_run_status(txn, dbi, task_id: str) -> dict | None:
    """``{"executing": bool, "error": str, "stats": {...}, "nodes": {name: stats}}`` or None
    when the runtime never ran the task.  ``stats`` holds Kapacitor's task-level counters.  An
    optional ``"stamp"`` names the definition stamp the task runs under; the API shows a run
    status of another stamp as not executing (the runtime has not reloaded the task yet)."""
    return get_json(txn, dbi, run_key(task_id))


def get_http_out(txn, dbi, task_id: str, endpoint: str) -> bytes | None:
    """The JSON bytes of an httpOut result, None when the task has no such endpoint running."""
    raw = txn.get(http_key(task_id, endpoint), db=dbi)
    return None if raw is None else bytes(raw)


# -- template associations (added for the tasks API) ---------------------------------------
# ``assoc/<template id>/<task id>`` (empty value): the tasks created from a template, as
# Kapacitor's ``template_tasks/`` keys.  A template update rewrites these tasks; deleting the
# template drops its associations and leaves the tasks orphaned (they keep their template-id).

def assoc_key(template_id: str, task_id: str) -> bytes:
    return b"assoc/" + template_id.encode() + b"/" + task_id.encode()


def associated_tasks(txn, dbi, template_id: str) -> list[str]:
    """Ids of the tasks associated with a template, ordered by id."""
    prefix = b"assoc/" + template_id.encode() + b"/"
    return [k[len(prefix):].decode() for k, _ in iter_prefix(txn, dbi, prefix)]


def list_templates(txn, dbi) -> list[dict]:
    """Every template definition, ordered by id."""
    return [orjson.loads(v) for _, v in iter_prefix(txn, dbi, b"tmpl/")]


def get_template(txn, dbi, template_id: str):
    return get_json(txn, dbi, template_key(template_id))
