"""Template definitions: create, update (rewriting every task made from it), delete and list them.

Kapacitor 1.7's ``handleCreateTemplate``/``handleUpdateTemplate``/``updateAllAssociatedTasks``,
in its order and with its texts.  An update validates the template, stores it, then rewrites each
associated task (ordered by id) with the new script; an enabled task that no longer builds stops
the update with 500 ``error reloading associated task <id>: <err>`` and the tasks already rewritten
are rolled back, while the template itself keeps the new script (as in Kapacitor).  Everything
happens in one write transaction that bumps the definitions counter.
"""
from __future__ import annotations

import uuid

from machstore.tick.evaluate import dbrps_of, task_type_of

from . import deadman, store
from .definitions import (
    InvalidTask,
    TaskStoreError,
    check_new_id,
    compile_task,
    compile_template,
    decode_body,
    now_text,
    parse_program,
    storable,
    template_options,
)
from .tasks import select


def _check(script: str, task_type: str) -> None:
    try:
        compile_template(script, task_type)
    except InvalidTask as ex:
        raise TaskStoreError(f"invalid TICKscript: {ex}") from None


def create(engine, raw: bytes) -> dict:
    """``POST /templates``: store a new template and return its record."""
    opts = template_options(decode_body(raw))
    template_id = opts["id"] or str(uuid.uuid4())
    check_new_id("template", template_id)
    dbi = store.db(engine)
    with engine.env.begin(write=True) as txn:
        if store.get_template(txn, dbi, template_id) is not None:
            raise TaskStoreError(f"template {template_id} already exists")
        program = parse_program(opts["script"])
        task_type = task_type_of(program)
        if task_type not in ("stream", "batch"):
            raise TaskStoreError(f"invalid task type: {task_type}")
        if not opts["script"]:
            raise TaskStoreError("must provide TICKscript")
        _check(opts["script"], task_type)
        now = now_text()
        record = {"id": template_id, "type": task_type, "script": opts["script"], "created": now, "modified": now}
        store.put_json(txn, dbi, store.template_key(template_id), record)
        store.bump_definitions(txn, dbi)
    return record


def update(engine, template_id: str, raw: bytes) -> dict:
    """``PATCH /templates/<id>``: change the template and every task made from it."""
    opts = template_options(decode_body(raw))
    dm = deadman.of_engine(engine)  # read before the write transaction
    dbi = store.db(engine)
    with engine.env.begin(write=True) as txn:
        original = store.get_template(txn, dbi, template_id) if storable(template_id) else None
        if original is None:
            raise TaskStoreError("template does not exist, cannot update", 404)
        updated = dict(original)
        if opts["id"]:
            check_new_id("template", opts["id"])
            updated["id"] = opts["id"]
        if opts["type"] in ("stream", "batch"):
            updated["type"] = opts["type"]
        if opts["script"]:
            updated["script"] = opts["script"]
        _check(updated["script"], updated["type"])
        task_ids = store.associated_tasks(txn, dbi, original["id"])
        updated["modified"] = now_text()
        counter = store.bump_definitions(txn, dbi)
        if updated["id"] != original["id"]:
            if store.get_template(txn, dbi, updated["id"]) is not None:
                raise TaskStoreError("failed to create new template for ID change: template already exists", 500)
            txn.delete(store.template_key(original["id"]), db=dbi)
            for tid in task_ids:
                txn.delete(store.assoc_key(original["id"], tid), db=dbi)
        store.put_json(txn, dbi, store.template_key(updated["id"]), updated)
        failure = _update_tasks(txn, dbi, original, updated, task_ids, counter, dm)
    if failure:
        raise TaskStoreError(failure, 500)
    return updated


def _update_tasks(txn, dbi, old: dict, new: dict, task_ids: list[str], counter: int, dm: dict) -> str | None:
    """Rewrite the associated tasks; on the first failure roll back those rewritten (the failing
    one included) as Kapacitor does, and return the error text."""
    old_dbrps = dbrps_of(parse_program(old["script"]))
    new_dbrps = dbrps_of(parse_program(new["script"]))
    done = []
    for tid in task_ids:
        task = store.get_task(txn, dbi, tid)
        if task is None:
            txn.delete(store.assoc_key(old["id"], tid), db=dbi)
            continue
        original = dict(task)
        done.append(original)
        if old["id"] != new["id"]:
            txn.put(store.assoc_key(new["id"], tid), b"", db=dbi)
        task.update({"template-id": new["id"], "script": new["script"], "type": new["type"]})
        if old_dbrps or new_dbrps:
            task["dbrps"] = new_dbrps
        _save(txn, dbi, task, original, counter)
        if task["status"] == "enabled":
            problem = _start_problem(task, dm)
            if problem:
                _rollback(txn, dbi, old, done, old_dbrps, counter)
                return f"error reloading associated task {tid}: {problem}"
    return None


def _start_problem(task: dict, dm: dict) -> str:
    """Why ``startTask`` would refuse an enabled task ('' when it would start): its pipeline
    does not build, or it has no dbrps (``TaskMaster.StartTask``'s text, sic)."""
    try:
        compile_task(task["script"], task["type"], task.get("vars") or {}, deadman=dm)
    except InvalidTask as ex:
        return str(ex)
    return "" if task["dbrps"] else "task does contain any dbrps"


def _rollback(txn, dbi, old: dict, done: list[dict], old_dbrps: list, counter: int) -> None:
    for original in done:
        current = store.get_task(txn, dbi, original["id"])
        task = dict(current)
        task.update({"template-id": old["id"], "script": old["script"], "type": old["type"]})
        if old_dbrps:
            task["dbrps"] = old_dbrps
        _save(txn, dbi, task, original, counter)


def _save(txn, dbi, task: dict, original: dict, counter: int) -> None:
    if any(task[k] != original[k] for k in ("type", "script", "dbrps")):
        task["stamp"] = counter
    else:
        task["stamp"] = original["stamp"]
    store.put_json(txn, dbi, store.task_key(task["id"]), task)


def delete(engine, template_id: str) -> None:
    """``DELETE /templates/<id>``: drop it and its associations; its tasks stay (orphaned)."""
    if not storable(template_id):
        return
    dbi = store.db(engine)
    with engine.env.begin(write=True) as txn:
        txn.delete(store.template_key(template_id), db=dbi)
        for tid in store.associated_tasks(txn, dbi, template_id):
            txn.delete(store.assoc_key(template_id, tid), db=dbi)
        store.bump_definitions(txn, dbi)


def get(engine, template_id: str) -> dict:
    """The template record; 404 ``no template exists``."""
    record = None
    if storable(template_id):
        dbi = store.db(engine)
        with engine.env.begin() as txn:
            record = store.get_template(txn, dbi, template_id)
    if record is None:
        raise TaskStoreError("no template exists", 404)
    return record


def listing(engine, pattern: str, offset: int, limit: int) -> list[dict]:
    """Template records of ``GET /templates``, ordered by id."""
    dbi = store.db(engine)
    with engine.env.begin() as txn:
        records = {r["id"]: r for r in store.list_templates(txn, dbi)}
    return [records[i] for i in select(list(records), pattern, offset, limit)]
