"""Task definitions: create, update, delete and list them as Kapacitor 1.7's task store does.

The rules and texts are ``services/task_store/service.go``'s (``handleCreateTask``,
``handleUpdateTask``, ``deleteTask``, ``handleListTasks``), checked in the same order so a bad
request gets the error Kapacitor gives first.  Definitions are records in the ``kapa``
sub-database (``store.py``); every change is one write transaction that also bumps the
definitions counter, which is how the engine process learns it must reload tasks.

Where machstore differs (docs/kapacitor.md): a PATCH that changes an enabled task's script,
vars or dbrps reloads it (Kapacitor keeps running the old pipeline, kapacitor#806/#1510); a task
is started by the engine process after the commit, so a start failure shows up in the task's
``error`` instead of a 500; a PATCHed ``id`` must be a valid ID (Kapacitor does not check it).
"""
from __future__ import annotations

import uuid

from machstore.tick.evaluate import dbrps_of, task_type_of

from . import deadman, gopath, store
from .definitions import (
    InvalidTask,
    TaskStoreError,
    check_new_id,
    compile_task,
    decode_body,
    now_text,
    parse_program,
    service_vars,
    storable,
    task_options,
)
from .task_view import is_executing

DEFAULT_LIMIT = 100
_RUNTIME_KEYS = ("type", "script", "vars", "dbrps", "status")


def _check(script: str, task_type: str, stored_vars: dict, dm: dict) -> None:
    try:
        compile_task(script, task_type, stored_vars, deadman=dm)
    except InvalidTask as ex:
        raise TaskStoreError(f"invalid TICKscript: {ex}") from None


def _program_type(program) -> str:
    tt = task_type_of(program)
    if tt not in ("stream", "batch"):
        raise TaskStoreError(f"invalid task type: {tt}")
    return tt


def create(engine, raw: bytes) -> dict:
    """``POST /tasks``: store a new task and return its record."""
    opts = task_options(decode_body(raw))
    task_id = opts["id"] or str(uuid.uuid4())
    check_new_id("task", task_id)
    dm = deadman.of_engine(engine)  # read before the write transaction
    dbi = store.db(engine)
    with engine.env.begin(write=True) as txn:
        if store.get_task(txn, dbi, task_id) is not None:
            raise TaskStoreError(f"task {task_id} already exists")
        template_id = opts["template-id"]
        if template_id:
            template = store.get_template(txn, dbi, template_id) if storable(template_id) else None
            if template is None:
                raise TaskStoreError(f"unknown template {template_id}: err: no template exists")
            script = template["script"]
        else:
            script = opts["script"]
            if not script:
                raise TaskStoreError("must provide TICKscript")
        stored_vars = service_vars(opts["vars"])
        program = parse_program(script)
        task_type = _program_type(program)
        _check(script, task_type, stored_vars, dm)
        now = now_text()
        implicit = dbrps_of(program)
        if not implicit and not opts["dbrps"]:
            raise TaskStoreError("must specify dbrp")
        if implicit and opts["dbrps"]:
            raise TaskStoreError("cannot specify dbrp in both implicitly and explicitly")
        status = opts["status"] or "disabled"
        record = {"id": task_id, "template-id": template_id, "type": task_type,
                  "dbrps": implicit or opts["dbrps"], "script": script, "vars": stored_vars,
                  "status": status, "created": now, "modified": now}
        if status == "enabled":
            record["last-enabled"] = now
        record["stamp"] = store.bump_definitions(txn, dbi)
        store.put_json(txn, dbi, store.task_key(task_id), record)
        if template_id:
            txn.put(store.assoc_key(template_id, task_id), b"", db=dbi)
    return record


def update(engine, task_id: str, raw: bytes) -> dict:
    """``PATCH /tasks/<id>``: change what the body names and return the new record."""
    opts = task_options(decode_body(raw))
    dm = deadman.of_engine(engine)  # read before the write transaction
    dbi = store.db(engine)
    with engine.env.begin(write=True) as txn:
        original = store.get_task(txn, dbi, task_id) if storable(task_id) else None
        if original is None:
            raise TaskStoreError("task does not exist, cannot update", 404)
        updated = dict(original)
        if opts["id"]:
            check_new_id("task", opts["id"])
            updated["id"] = opts["id"]
        if opts["template-id"] or updated["template-id"]:
            template_id = opts["template-id"] or updated["template-id"]
            template = store.get_template(txn, dbi, template_id) if storable(template_id) else None
            if template is None:
                raise TaskStoreError(f"unknown template {opts['template-id']}: err: no template exists")
            if original["id"] != updated["id"] or original["template-id"] != template_id:
                if original["template-id"]:
                    txn.delete(store.assoc_key(original["template-id"], original["id"]), db=dbi)
                txn.put(store.assoc_key(template_id, updated["id"]), b"", db=dbi)
            updated["script"] = template["script"]
            updated["template-id"] = template_id
        else:
            old_program = parse_program(updated["script"])
            if opts["script"]:
                updated["script"] = opts["script"]
                new_program = parse_program(updated["script"])
                if dbrps_of(old_program) and not dbrps_of(new_program) and not opts["dbrps"]:
                    raise TaskStoreError("must specify dbrp")
        program = parse_program(updated["script"])
        implicit = dbrps_of(program)
        if implicit and opts["dbrps"]:
            raise TaskStoreError("cannot specify dbrp in implicitly and explicitly")  # sic, Kapacitor's text
        if implicit:
            updated["dbrps"] = implicit
        elif opts["dbrps"]:
            updated["dbrps"] = opts["dbrps"]
        if opts["status"]:
            updated["status"] = opts["status"]
        status_changed = updated["status"] != original["status"]
        if opts["vars"]:
            updated["vars"] = service_vars(opts["vars"])
        updated["type"] = _program_type(program)
        _check(updated["script"], updated["type"], updated["vars"], dm)
        now = now_text()
        updated["modified"] = now
        if status_changed and updated["status"] == "enabled":
            updated["last-enabled"] = now
        counter = store.bump_definitions(txn, dbi)
        if updated["id"] != original["id"] or any(updated[k] != original[k] for k in _RUNTIME_KEYS):
            updated["stamp"] = counter
        if updated["id"] != original["id"]:
            if store.get_task(txn, dbi, updated["id"]) is not None:
                raise TaskStoreError("failed to create new task during ID change: task already exists", 500)
            _delete_records(txn, dbi, original["id"])
        store.put_json(txn, dbi, store.task_key(updated["id"]), updated)
    return updated


def delete(engine, task_id: str) -> None:
    """``DELETE /tasks/<id>``: drop the task, its run status and results (nothing if unknown)."""
    if not storable(task_id):
        return
    dbi = store.db(engine)
    with engine.env.begin(write=True) as txn:
        record = store.get_task(txn, dbi, task_id)
        if record is None:
            return
        if record["template-id"]:
            txn.delete(store.assoc_key(record["template-id"], task_id), db=dbi)
        _delete_records(txn, dbi, task_id)
        store.bump_definitions(txn, dbi)


def _delete_records(txn, dbi, task_id: str) -> None:
    """Remove a task's definition and what the runtime kept for it (Kapacitor drops its snapshot)."""
    txn.delete(store.task_key(task_id), db=dbi)
    txn.delete(store.run_key(task_id), db=dbi)
    txn.delete(store.state_key(task_id), db=dbi)
    for key, _ in list(store.iter_prefix(txn, dbi, store.http_key(task_id, ""))):
        txn.delete(key, db=dbi)


def get(engine, task_id: str):
    """``(record, run status or None)``; 404 ``no task exists``."""
    if not storable(task_id):
        raise TaskStoreError("no task exists", 404)
    dbi = store.db(engine)
    with engine.env.begin() as txn:
        record = store.get_task(txn, dbi, task_id)
        if record is None:
            raise TaskStoreError("no task exists", 404)
        return record, store.get_run_status(txn, dbi, task_id)


def select(ids: list[str], pattern: str, offset: int, limit: int) -> list[str]:
    """Kapacitor's ``DoListFunc`` over ids in key order (its quirks kept: the window is bounded by
    the number of all ids, not of matches; a negative limit lists every id, pattern ignored)."""
    if limit < 0:
        return list(ids)
    size = min(offset + limit, len(ids)) - offset
    if size <= 0:
        return []
    out, seen = [], 0
    for i in ids:
        if pattern and not gopath.match(pattern, i):
            continue
        seen += 1
        if seen <= offset:
            continue
        out.append(i)
        if len(out) == size:
            break
    return out


def listing(engine, pattern: str, offset: int, limit: int) -> list:
    """``[(record, run status or None)]`` of ``GET /tasks``, ordered by id."""
    dbi = store.db(engine)
    with engine.env.begin() as txn:
        records = {r["id"]: r for r in store.list_tasks(txn, dbi)}
        chosen = select(list(records), pattern, offset, limit)
        return [(records[i], store.get_run_status(txn, dbi, i)) for i in chosen]


_NULL_RESULT = b'{"series":null}'   # Go's json.Marshal of an httpOut node's empty models.Result


def http_out(engine, task_id: str, endpoint: str) -> bytes:
    """The body of ``GET /tasks/<id>/<endpoint>``: the last result the running task's
    ``httpOut('<endpoint>')`` stored (compact JSON, as Kapacitor writes it), or the empty result
    before its first one.  Kapacitor serves the route only while the task runs; otherwise the
    path reaches the task handler, which finds no task ``<id>/<endpoint>``: 404 ``no task exists``."""
    if not (storable(task_id) and storable(endpoint)):
        raise TaskStoreError("no task exists", 404)
    dbi = store.db(engine)
    with engine.env.begin() as txn:
        record = store.get_task(txn, dbi, task_id)
        run = store.get_run_status(txn, dbi, task_id) if record else None
        result = store.get_http_out(txn, dbi, task_id, endpoint) if record else None
    if record is None or not is_executing(record, run) or endpoint not in _endpoints(record, deadman.of_engine(engine)):
        raise TaskStoreError("no task exists", 404)
    return result if result is not None else _NULL_RESULT


def _endpoints(record: dict, dm: dict) -> set[str]:
    try:
        pipeline = compile_task(record["script"], record["type"], record.get("vars") or {}, deadman=dm).pipeline
    except InvalidTask:
        return set()
    return {n.props.get("Endpoint") for n in pipeline.sorted() if n.spec.go == "HTTPOutNode"}
