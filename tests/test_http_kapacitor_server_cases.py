"""Kapacitor 1.7's own API tests (``server/server_test.go``), restated over real HTTP.

Each test keeps Kapacitor's name, requests and expectations; the parts that need tasks to run
(points written, ``executing`` after an enable) belong to the engine process and are left to the
runtime's cases, except where a run status written into the store stands in for it (as the
engine process writes it, ``machstore/kapacitor/store.py``).
"""
import json

import pytest
import requests
from conftest import open_engine

BASE = "/kapacitor/v1"
TICK = "stream\n    |from()\n        .measurement('test')\n"
DBRPS = [{"db": "mydb", "rp": "myrp"}, {"db": "otherdb", "rp": "default"}]


def call(server, method, path, body=None):
    data = None if body is None else json.dumps(body)
    return requests.request(method, server.url + BASE + path, data=data, timeout=30)


@pytest.fixture
def srv(server):
    """The module's server, emptied of tasks and templates (Kapacitor's tests each open a fresh one)."""
    for kind in ("tasks", "templates"):
        listed = requests.get(f"{server.url}{BASE}/{kind}", params={"fields": "id", "limit": -1}, timeout=30)
        for item in listed.json()[kind]:
            assert requests.delete(server.url + item["link"]["href"], timeout=30).status_code == 204
    return server


def ok(resp):
    assert resp.status_code in (200, 204), resp.text
    return resp.json() if resp.content else None


def test_TestServer_CreateTask(srv):
    ok(call(srv, "POST", "/tasks", {"id": "testTaskID", "type": "stream", "dbrps": DBRPS, "script": TICK,
                                    "status": "disabled"}))
    ti = ok(call(srv, "GET", "/tasks/testTaskID"))
    assert ti["error"] == "" and ti["id"] == "testTaskID" and ti["type"] == "stream"
    assert ti["status"] == "disabled" and ti["dbrps"] == DBRPS and ti["script"] == TICK
    assert ti["dot"] == "digraph testTaskID {\nstream0 -> from1;\n}"


def test_TestServer_CreateTaskImplicitAndExplicit(srv):
    tick = 'dbrp "mydb"."myrp"\n\ndbrp "otherdb"."default"\n\n' + TICK
    resp = call(srv, "POST", "/tasks", {"id": "testTaskID", "dbrps": [{"db": "mydb", "rp": "myrp"}],
                                        "script": tick, "status": "disabled"})
    assert resp.status_code == 400


def test_TestServer_CreateTaskExplicitUpdateImplicit(srv):
    ok(call(srv, "POST", "/tasks", {"id": "testTaskID", "dbrps": DBRPS, "script": TICK, "status": "disabled"}))
    ti = ok(call(srv, "GET", "/tasks/testTaskID"))
    assert ti["dbrps"] == DBRPS and ti["script"] == TICK
    update_tick = 'dbrp "mydb"."myrp"\n\n' + TICK
    ok(call(srv, "PATCH", "/tasks/testTaskID", {"script": update_tick}))
    ti = ok(call(srv, "GET", "/tasks/testTaskID"))
    assert ti["error"] == "" and ti["status"] == "disabled"
    assert ti["dbrps"] == [{"db": "mydb", "rp": "myrp"}]
    assert ti["script"] == update_tick
    assert ti["dot"] == "digraph testTaskID {\nstream0 -> from1;\n}"


def test_TestServer_ListTasks(srv):
    for i in range(10):
        ok(call(srv, "POST", "/tasks", {"id": f"testTaskID{i}", "type": "stream", "dbrps": DBRPS, "script": TICK,
                                        "status": "enabled" if i % 2 == 0 else "disabled"}))
    tasks = ok(call(srv, "GET", "/tasks"))["tasks"]
    assert len(tasks) == 10
    for i, task in enumerate(tasks):
        assert task["id"] == f"testTaskID{i}" and task["type"] == "stream" and task["dbrps"] == DBRPS
        assert task["status"] == ("enabled" if i % 2 == 0 else "disabled")
        assert task["dot"] and task["script"] == TICK and task["error"] == ""
        # NOTE: Kapacitor's test also expects the enabled ones executing: the engine process's part


def test_TestServer_ListTasks_Fields(srv):
    for i in range(100):
        ok(call(srv, "POST", "/tasks", {"id": f"testTaskID{i}", "type": "stream", "dbrps": DBRPS, "script": TICK,
                                        "status": "enabled"}))
    resp = requests.get(srv.url + BASE + "/tasks", timeout=30,
                        params={"pattern": "testTaskID1*", "fields": ["type", "status"], "offset": 1, "limit": 5})
    tasks = ok(resp)["tasks"]
    assert len(tasks) == 5
    for i, task in enumerate(tasks):
        assert task["id"] == f"testTaskID1{i}" and task["type"] == "stream" and task["status"] == "enabled"
        assert set(task) == {"id", "link", "type", "status"}     # unrequested fields stay zero


def test_TestServer_CreateTemplate(srv):
    tick = "var x = 5\n\n" + TICK
    ok(call(srv, "POST", "/templates", {"id": "testTemplateID", "type": "stream", "script": tick}))
    ti = ok(call(srv, "GET", "/templates/testTemplateID"))
    assert ti["error"] == "" and ti["id"] == "testTemplateID" and ti["type"] == "stream"
    assert ti["script"] == tick
    assert ti["dot"] == "digraph testTemplateID {\nstream0 -> from1;\n}"
    assert ti["vars"] == {"x": {"type": "int", "value": 5, "description": ""}}


def test_TestServer_UpdateTemplateID(srv):
    tick = "var x = 5\n\n" + TICK
    ok(call(srv, "POST", "/templates", {"id": "testTemplateID", "type": "stream", "script": tick}))
    template = ok(call(srv, "PATCH", "/templates/testTemplateID", {"id": "newTemplateID"}))
    assert template["link"]["href"] == "/kapacitor/v1/templates/newTemplateID"
    ti = ok(call(srv, "GET", "/templates/newTemplateID"))
    assert ti["id"] == "newTemplateID" and ti["script"] == tick
    assert ti["dot"] == "digraph newTemplateID {\nstream0 -> from1;\n}"
    assert ti["vars"] == {"x": {"type": "int", "value": 5, "description": ""}}


def test_TestServer_UpdateTemplateID_Fail(srv):
    tick = "var x = 5\n\n" + TICK
    ok(call(srv, "POST", "/templates", {"id": "testTemplateID", "type": "stream", "script": tick}))
    ok(call(srv, "POST", "/templates", {"id": "anotherTemplateID", "type": "stream", "script": tick}))
    assert call(srv, "PATCH", "/templates/testTemplateID", {"id": "anotherTemplateID"}).status_code >= 400
    ti = ok(call(srv, "GET", "/templates/testTemplateID"))
    assert ti["id"] == "testTemplateID" and ti["script"] == tick
    assert ti["dot"] == "digraph testTemplateID {\nstream0 -> from1;\n}"


def test_TestServer_UpdateTemplateID_WithTasks(srv):
    tick = "var x = 5\n\n" + TICK
    ok(call(srv, "POST", "/templates", {"id": "testTemplateID", "type": "stream", "script": tick}))
    ids = [ok(call(srv, "POST", "/tasks", {"template-id": "testTemplateID", "dbrps": DBRPS,
                                          "status": "enabled"}))["id"] for _ in range(5)]
    ok(call(srv, "PATCH", "/templates/testTemplateID", {"id": "newTemplateID"}))
    for tid in ids:
        assert ok(call(srv, "GET", f"/tasks/{tid}"))["template-id"] == "newTemplateID"


def test_TestServer_CreateTemplateImplicitAndUpdateExplicitWithTasks(srv):
    implicit = 'dbrp "telegraf"."autogen"\n\nvar x = 5\n\n' + TICK
    ok(call(srv, "POST", "/templates", {"id": "testTemplateID", "script": implicit}))
    ti = ok(call(srv, "GET", "/templates/testTemplateID"))
    assert ti["script"] == implicit and ti["vars"] == {"x": {"type": "int", "value": 5, "description": ""}}
    task = ok(call(srv, "POST", "/tasks", {"template-id": "testTemplateID", "status": "enabled"}))
    assert ok(call(srv, "GET", f"/tasks/{task['id']}"))["dbrps"] == [{"db": "telegraf", "rp": "autogen"}]
    update = "var x = 5\n\n\tstream\n\t    |from()\n\t        .measurement('test')\n\t"
    resp = call(srv, "PATCH", "/templates/testTemplateID", {"id": "testTemplateID", "script": update})
    assert resp.status_code >= 400    # the enabled task would be left without dbrps
    final = ('dbrp "telegraf"."autogen"\n\n\tdbrp "telegraf"."not_autogen"\n\n\tvar x = 5\n\n\tstream\n'
             "\t    |from()\n\t        .measurement('test')\n\t")
    ok(call(srv, "PATCH", "/templates/testTemplateID", {"id": "testTemplateID", "script": final}))
    assert ok(call(srv, "GET", f"/tasks/{task['id']}"))["dbrps"] == [
        {"db": "telegraf", "rp": "autogen"}, {"db": "telegraf", "rp": "not_autogen"}]


def test_TestServer_DeleteTemplate(srv):
    ok(call(srv, "POST", "/templates", {"id": "testTemplateID", "type": "stream", "script": TICK}))
    assert call(srv, "DELETE", "/templates/testTemplateID").status_code == 204
    assert call(srv, "GET", "/templates/testTemplateID").status_code == 404


def test_TestServer_CreateTaskFromTemplate(srv):
    tick = "// Configurable measurement\nvar measurement = 'test'\n\nstream\n    |from()\n        .measurement(measurement)\n"
    ok(call(srv, "POST", "/templates", {"id": "testTemplateID", "type": "stream", "script": tick}))
    info = ok(call(srv, "GET", "/templates/testTemplateID"))
    assert info["script"] == tick and info["dot"] == "digraph testTemplateID {\nstream0 -> from1;\n}"
    assert info["vars"] == {"measurement": {"type": "string", "value": "test",
                                            "description": "Configurable measurement"}}
    task_vars = {"measurement": {"type": "string", "value": "another_measurement"}}
    ok(call(srv, "POST", "/tasks", {"id": "taskid", "template-id": "testTemplateID", "dbrps": DBRPS,
                                    "vars": task_vars}))
    ti = ok(call(srv, "GET", "/tasks/taskid"))
    assert ti["error"] == "" and ti["type"] == "stream" and ti["script"] == tick
    assert ti["dot"] == "digraph taskid {\nstream0 -> from1;\n}"
    assert ti["status"] == "disabled" and ti["dbrps"] == DBRPS
    assert ti["vars"] == {"measurement": {"type": "string", "value": "another_measurement", "description": ""}}


ALL_TYPES = """
var bool bool
var count_threshold int
var value_threshold float
var window duration
var field string
var tagMatch regex
var match lambda
var eval lambda
var groups list
var secondGroup list
stream
    |from()
        .measurement('test')
        .where(lambda: match AND "tag" =~ tagMatch AND bool AND "value" >= value_threshold)
        .groupBy(groups)
        |log().prefix('FROM')
    |window()
        .period(window)
        .every(window)
        |log().prefix('WINDOW')
    |count(field)
        |log().prefix('COUNT')
    |groupBy(secondGroup)
    |sum('count')
        .as('count')
        |log().prefix('SUM')
    |where(lambda: "count" >= count_threshold)
        |log().prefix('WHERE')
    |eval(eval)
        .as('count')
    |httpOut('count')
"""


def test_TestServer_StreamTemplateTask_AllTypes(srv):
    """The definition part; the points and the expected count are the runtime's."""
    ok(call(srv, "POST", "/templates", {"id": "testStreamTemplate", "type": "stream", "script": ALL_TYPES}))
    # the Go client's JSON for these vars (a star list item has "value": null)
    task_vars = {
        "bool": {"type": "bool", "value": True, "description": ""},
        "count_threshold": {"type": "int", "value": 1, "description": ""},
        "value_threshold": {"type": "float", "value": 1, "description": ""},
        "window": {"type": "duration", "value": 10_000_000_000, "description": ""},
        "field": {"type": "string", "value": "value", "description": ""},
        "tagMatch": {"type": "regex", "value": "^a.*", "description": ""},
        "match": {"type": "lambda", "value": '"value" == 1.0', "description": ""},
        "eval": {"type": "lambda", "value": '"count" * 2', "description": ""},
        "groups": {"type": "list", "value": [{"type": "star", "value": None, "description": ""}], "description": ""},
        "secondGroup": {"type": "list", "value": [{"type": "string", "value": "tag", "description": ""}],
                        "description": ""},
    }
    ok(call(srv, "POST", "/tasks", {"id": "testStreamTask", "template-id": "testStreamTemplate",
                                    "dbrps": [{"db": "mydb", "rp": "myrp"}], "status": "enabled",
                                    "vars": task_vars}))
    # before any write an executing task's endpoint answers a null series
    from machstore.kapacitor import store

    with open_engine(srv.data_dir) as eng, eng.env.begin(write=True) as txn:
        store.put_json(txn, store.db(eng), store.run_key("testStreamTask"),
                       {"executing": True, "error": "", "stats": {}, "nodes": {}})
    assert requests.get(srv.url + BASE + "/tasks/testStreamTask/count", timeout=30).text == '{"series":null}'


def test_TestServer_StreamTemplateTask_MissingVar(srv):
    ok(call(srv, "POST", "/templates", {"id": "testStreamTemplate", "type": "stream", "script": ALL_TYPES}))
    resp = call(srv, "POST", "/tasks", {"id": "testStreamTask", "template-id": "testStreamTemplate",
                                        "dbrps": [{"db": "mydb", "rp": "myrp"}], "status": "enabled"})
    assert resp.status_code == 400


def test_TestServer_UpdateTaskID(srv):
    ok(call(srv, "POST", "/tasks", {"id": "testTaskID", "type": "stream", "dbrps": DBRPS, "script": TICK,
                                    "status": "disabled"}))
    task = ok(call(srv, "PATCH", "/tasks/testTaskID", {"id": "newTaskID"}))
    assert task["link"]["href"] == "/kapacitor/v1/tasks/newTaskID"
    ti = ok(call(srv, "GET", "/tasks/newTaskID"))
    assert ti["id"] == "newTaskID" and ti["status"] == "disabled" and ti["dbrps"] == DBRPS and ti["script"] == TICK
    assert ti["dot"] == "digraph newTaskID {\nstream0 -> from1;\n}"


def test_TestServer_UpdateTaskID_Fail(srv):
    for tid in ("testTaskID", "anotherTaskID"):
        ok(call(srv, "POST", "/tasks", {"id": tid, "type": "stream", "dbrps": DBRPS, "script": TICK,
                                        "status": "disabled"}))
    assert call(srv, "PATCH", "/tasks/testTaskID", {"id": "anotherTaskID"}).status_code >= 400
    ti = ok(call(srv, "GET", "/tasks/testTaskID"))
    assert ti["id"] == "testTaskID" and ti["dot"] == "digraph testTaskID {\nstream0 -> from1;\n}"


def test_TestServer_CreateTask_Defaults(srv):
    body = ('\n{\n    "id" : "TASK_ID",\n    "type" : "stream",\n    "dbrps": [{"db": "DATABASE_NAME", "rp" : "RP_NAME"}],\n'
            '    "script": "stream\\n    |from()\\n        .measurement(\'cpu\')\\n"\n}')
    assert requests.post(srv.url + BASE + "/tasks", data=body, timeout=30).status_code == 200
    ti = ok(call(srv, "GET", "/tasks/TASK_ID"))
    assert ti["status"] == "disabled" and ti["dbrps"] == [{"db": "DATABASE_NAME", "rp": "RP_NAME"}]
    assert ti["script"] == "stream\n    |from()\n        .measurement('cpu')\n"
    assert ti["dot"] == "digraph TASK_ID {\nstream0 -> from1;\n}"


def test_TestServer_ListTask_Defaults(srv):
    ok(call(srv, "POST", "/tasks", {"id": "task_id", "type": "stream", "dbrps": [{"db": "mydb", "rp": "myrp"}],
                                    "script": "stream\n    |from()\n", "status": "disabled"}))
    tasks = ok(call(srv, "GET", "/tasks"))["tasks"]
    assert len(tasks) == 1
    task = tasks[0]
    assert task["id"] == "task_id" and task["type"] == "stream" and task["status"] == "disabled"
    assert task["script"] == "stream\n    |from()\n"
    assert task["dot"] == "digraph task_id {\nstream0 -> from1;\n}"


def test_TestServer_CreateTask_ValidIDs(srv):
    cases = [("task_id", True), ("task_id7", True), ("task.id7", True), ("task-id7", True), ("tásk7", True),
             ("invalid id", False), ("invalid*id", False), ("task/id7", False)]
    for tid, valid in cases:
        resp = call(srv, "POST", "/tasks", {"id": tid, "type": "stream", "dbrps": [{"db": "mydb", "rp": "myrp"}],
                                            "script": TICK, "status": "disabled"})
        if not valid:
            assert resp.json()["error"] == (
                f"task ID must contain only letters, numbers, '-', '.' and '_'. {json.dumps(tid)}")
            continue
        assert resp.status_code == 200
        ti = ok(requests.get(srv.url + resp.json()["link"]["href"], timeout=30))
        assert ti["id"] == tid and ti["script"] == TICK
        assert ti["dot"] == "digraph " + tid + " {\nstream0 -> from1;\n}"


def _report_running(srv, task_id, running=True):
    """What the engine process writes once it runs (or stops) a task."""
    from machstore.kapacitor import store

    with open_engine(srv.data_dir) as eng, eng.env.begin(write=True) as txn:
        store.put_json(txn, store.db(eng), store.run_key(task_id),
                       {"executing": running, "error": "", "stats": {"throughput": 0.0}, "nodes": {}})


def test_TestServer_EnableTask(srv):
    ok(call(srv, "POST", "/tasks", {"id": "testTaskID", "type": "stream", "dbrps": DBRPS, "script": TICK,
                                    "status": "disabled"}))
    ok(call(srv, "PATCH", "/tasks/testTaskID", {"status": "enabled"}))
    _report_running(srv, "testTaskID")
    ti = ok(call(srv, "GET", "/tasks/testTaskID"))
    assert ti["error"] == "" and ti["status"] == "enabled" and ti["executing"] is True
    assert ti["dbrps"] == DBRPS and ti["script"] == TICK
    assert ti["dot"] == ('digraph testTaskID {\ngraph [throughput="0.00 points/s"];\n\n'
                         'stream0 [avg_exec_time_ns="0s" errors="0" working_cardinality="0" ];\n'
                         'stream0 -> from1 [processed="0"];\n\n'
                         'from1 [avg_exec_time_ns="0s" errors="0" working_cardinality="0" ];\n}')


def test_TestServer_DisableTask(srv):
    ok(call(srv, "POST", "/tasks", {"id": "testTaskID", "type": "stream", "dbrps": DBRPS, "script": TICK,
                                    "status": "enabled"}))
    _report_running(srv, "testTaskID")
    ok(call(srv, "PATCH", "/tasks/testTaskID", {"status": "disabled"}))
    ti = ok(call(srv, "GET", "/tasks/testTaskID"))
    assert ti["status"] == "disabled" and ti["executing"] is False
    assert ti["dot"] == "digraph testTaskID {\nstream0 -> from1;\n}"


def test_TestServer_DeleteTask(srv):
    ok(call(srv, "POST", "/tasks", {"id": "testTaskID", "type": "stream", "dbrps": DBRPS, "script": TICK,
                                    "status": "disabled"}))
    assert call(srv, "DELETE", "/tasks/testTaskID").status_code == 204
    assert call(srv, "GET", "/tasks/testTaskID").status_code == 404
