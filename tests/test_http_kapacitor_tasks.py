"""``/kapacitor/v1/tasks`` over real HTTP, against Kapacitor 1.7's task store.

Expected texts and shapes come from Kapacitor's code (``services/task_store/service.go``,
``client/v1/client.go``, ``services/httpd/handler.go``) and from seed 001 (a Chronograf task
and Kapacitor's answer to its creation).  Run statuses and httpOut results are written into the
store directly, in the format ``machstore/kapacitor/store.py`` documents, as the engine process
would write them.
"""
import json
import pathlib
import time

import pytest
import requests
from conftest import open_engine

SEED = pathlib.Path("/work/shared/seeds/001_c99e82dd4216f194.txt")
BASE = "/kapacitor/v1"
SCRIPT = "stream|from().measurement('cpu')|httpOut('out')"
DBRPS = [{"db": "telegraf", "rp": "autogen"}]


def _seed_exchange():
    """The seed's POST body and Kapacitor's response to it."""
    text = SEED.read_text()
    request = text.split("```http request\nPOST /kapacitor/v1/tasks\n", 1)[1].split("```", 1)[0]
    response = text.split("```http response\n", 1)[1].split("```", 1)[0]
    return json.loads(request), json.loads(response)


def post(server, body, **kw):
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return requests.post(server.url + BASE + "/tasks", data=data, timeout=30, **kw)


def patch(server, task_id, body):
    return requests.patch(f"{server.url}{BASE}/tasks/{task_id}", data=json.dumps(body), timeout=30)


def get(server, path, **params):
    return requests.get(server.url + BASE + path, params=params, timeout=30)


def error_of(resp, status):
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert body["error"] == body["message"]
    return body["error"]


def wait_for(what, check, timeout=30):
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def stored_task(server, task_id):
    from machstore.kapacitor import store

    with open_engine(server.data_dir) as eng, eng.env.begin() as txn:
        return store.get_task(txn, store.db(eng), task_id)


def zero_run(task_id, nodes):
    return {"executing": True, "error": "", "stats": {"throughput": 0.0},
            "nodes": {n: {"collected": 0, "emitted": 0, "errors": 0, "avg_exec_time_ns": 0,
                          "working_cardinality": 0} for n in nodes}}


# -- seed 001 ---------------------------------------------------------------------------------

def test_seed_chronograf_task_created_as_kapacitor_answers(server):
    request, expected = _seed_exchange()
    resp = post(server, request)
    assert resp.status_code == 200, resp.text
    assert resp.headers["Content-Type"] == "application/json; charset=utf-8"
    assert resp.headers["X-Kapacitor-Version"]
    got = resp.json()
    assert list(got) == list(expected)      # Go's struct order
    for key in ("link", "id", "template-id", "type", "dbrps", "script", "vars", "status", "error"):
        assert got[key] == expected[key], key
    assert got["created"] == got["modified"] == got["last-enabled"]
    # not running yet: the DOT lists the edges, no stats
    assert got["executing"] is False and got["stats"] == {}
    assert got["dot"].startswith("digraph dutianze-t {\nstream0 -> from1;\n")

    # once the engine process runs it, the DOT carries node stats exactly as the seed shows
    got = wait_for("the task to start", lambda: (t := get(server, "/tasks/dutianze-t").json())["executing"] and t)
    assert got["error"] == ""
    assert got["dot"] == expected["dot"]
    assert got["script"] == expected["script"]
    assert got["stats"]["task-stats"] == {"throughput": 0}
    assert got["stats"]["node-stats"]["alert7"]["collected"] == 0


def _running(task_id, script, run):
    """A task record and a run status as the engine process stores them (no server needed)."""
    record = {"id": task_id, "template-id": "", "type": "stream", "dbrps": DBRPS, "script": script,
              "vars": {}, "status": "enabled", "stamp": 1, "created": "2026-01-01T00:00:00Z",
              "modified": "2026-01-01T00:00:00Z", "last-enabled": "2026-01-01T00:00:00Z"}
    return record, dict(run, stamp=1)


def test_executing_dot_labels_view_and_node_stats():
    from machstore.kapacitor.task_view import task_json
    run = zero_run("dotlabels", ["stream0", "from1", "http_out2"])
    run["nodes"]["from1"].update({"collected": 7, "emitted": 5, "avg_exec_time_ns": 4058})
    run["stats"]["throughput"] = 2.5
    record, run = _running("dotlabels", SCRIPT, run)
    attrs = task_json(record, run)["dot"]
    assert attrs == ('digraph dotlabels {\ngraph [throughput="2.50 points/s"];\n\n'
                     'stream0 [avg_exec_time_ns="0s" errors="0" working_cardinality="0" ];\n'
                     'stream0 -> from1 [processed="0"];\n\n'
                     'from1 [avg_exec_time_ns="4.058µs" errors="0" working_cardinality="0" ];\n'
                     'from1 -> http_out2 [processed="5"];\n\n'
                     'http_out2 [avg_exec_time_ns="0s" errors="0" working_cardinality="0" ];\n}')
    labels = task_json(record, run, dot_view="labels")["dot"]
    assert labels.startswith('digraph dotlabels {\ngraph [label="Throughput: 2.50 points/s" forcelabels=true '
                             'pad="0.8,0.5"];\n\nstream0 [xlabel="avg_exec_time_ns=0s\\rerrors=0\\r'
                             'working_cardinality=0"];\nstream0 -> from1 [label="processed=0"];\n')
    stats = task_json(record, run)["stats"]
    assert stats["task-stats"] == {"throughput": 2.5}
    assert stats["node-stats"]["from1"] == {"avg_exec_time_ns": 4058, "collected": 7, "emitted": 5, "errors": 0,
                                            "working_cardinality": 0}


# -- create -----------------------------------------------------------------------------------

def test_create_defaults_and_get(server):
    resp = post(server, {"id": "plain", "script": SCRIPT, "dbrps": DBRPS})
    assert resp.status_code == 200
    task = resp.json()
    assert task["status"] == "disabled"
    assert task["last-enabled"] == "0001-01-01T00:00:00Z"
    assert task["dot"] == "digraph plain {\nstream0 -> from1;\nfrom1 -> http_out2;\n}"
    assert task["script"] == "stream\n    |from()\n        .measurement('cpu')\n    |httpOut('out')\n"
    assert task["vars"] == {} and task["stats"] == {} and task["executing"] is False
    assert task["link"] == {"rel": "self", "href": "/kapacitor/v1/tasks/plain"}
    raw = get(server, "/tasks/plain", **{"script-format": "raw"}).json()
    assert raw["script"] == SCRIPT
    # the body is Go's MarshalIndent: four spaces, "key": value
    assert get(server, "/tasks/plain").text.startswith('{\n    "link": {\n        "rel": "self",\n')


def test_create_without_id_gets_a_uuid(server):
    task = post(server, {"script": SCRIPT, "dbrps": DBRPS}).json()
    assert len(task["id"]) == 36 and task["id"].count("-") == 4


@pytest.mark.parametrize("bad", ["a b", "a/b", "x$", "tab\t"])
def test_create_bad_id(server, bad):
    quoted = json.dumps(bad).replace("\\t", "\\t")
    assert error_of(post(server, {"id": bad, "script": SCRIPT, "dbrps": DBRPS}), 400) == (
        f"task ID must contain only letters, numbers, '-', '.' and '_'. {quoted}")


def test_create_unicode_letters_id(server):
    assert post(server, {"id": "zadanie-ł.ü_1", "script": SCRIPT, "dbrps": DBRPS}).status_code == 200


def test_create_duplicate(server):
    assert post(server, {"id": "dup", "script": SCRIPT, "dbrps": DBRPS}).status_code == 200
    assert error_of(post(server, {"id": "dup", "script": SCRIPT, "dbrps": DBRPS}), 400) == "task dup already exists"


@pytest.mark.parametrize("body", ["", "{", "[]", '"x"', '{"id": 5}', '{"status": "on"}', '{"type": "flux"}',
                                  '{"dbrps": {"db": "x"}}', '{"script": ["x"]}', '{"vars": []}',
                                  '{"vars": {"x": {"type": "int", "value": "5"}}}',
                                  '{"vars": {"x": {"type": "int", "value": 1.5}}}',
                                  '{"vars": {"x": {"type": "number", "value": 1}}}',
                                  '{"vars": {"x": {"type": "duration", "value": "ten"}}}',
                                  '{"vars": {"x": {"type": "list", "value": [{"value": "a"}]}}}',
                                  '{"id": NaN}'])
def test_create_invalid_json(server, body):
    assert error_of(post(server, body), 400) == "invalid JSON"


def test_only_the_first_json_value_counts(server):
    body = json.dumps({"id": "first", "script": SCRIPT, "dbrps": DBRPS}) + " trailing garbage"
    assert post(server, body).status_code == 200


def test_field_names_match_case_insensitively(server):
    assert post(server, {"ID": "casefold", "Script": SCRIPT, "DBRPs": DBRPS}).json()["id"] == "casefold"


def test_create_missing_script(server):
    assert error_of(post(server, {"id": "noscript", "dbrps": DBRPS}), 400) == "must provide TICKscript"


def test_create_bad_tickscript_has_position(server):
    msg = error_of(post(server, {"id": "badtick", "script": "stream|from(", "dbrps": DBRPS}), 400)
    assert msg.startswith("invalid TICKscript: ")
    assert "line 1 char" in msg


def test_create_invalid_type(server):
    assert error_of(post(server, {"id": "notype", "script": "var x = 5", "dbrps": DBRPS}), 400) == (
        "invalid task type: invalid")
    assert error_of(post(server, {"id": "mixed", "script": "stream|from()\nbatch|query('q')", "dbrps": DBRPS}),
                    400) == "invalid task type: invalid"


def test_create_pipeline_errors(server):
    # a bare ``stream`` statement is neither a declaration nor a chain: no type (taskTypeFromProgram)
    assert error_of(post(server, {"id": "bare", "script": "stream", "dbrps": DBRPS}), 400) == (
        "invalid task type: invalid")
    assert error_of(post(server, {"id": "nothing", "script": "var s = stream", "dbrps": DBRPS}), 400) == (
        "invalid TICKscript: task does nothing")
    msg = error_of(post(server, {"id": "nomethod", "script": "stream|from().nope()", "dbrps": DBRPS}), 400)
    assert msg.startswith("invalid TICKscript: line 1 char ") and 'no method or property "nope"' in msg


def test_create_dbrp_rules(server):
    assert error_of(post(server, {"id": "nodbrp", "script": SCRIPT}), 400) == "must specify dbrp"
    script = 'dbrp "telegraf"."autogen"\n' + SCRIPT
    assert error_of(post(server, {"id": "bothdbrp", "script": script, "dbrps": DBRPS}), 400) == (
        "cannot specify dbrp in both implicitly and explicitly")
    task = post(server, {"id": "implicit", "script": script + "\n" + 'dbrp "db2"."rp2"'}).json()
    assert task["dbrps"] == [{"db": "telegraf", "rp": "autogen"}, {"db": "db2", "rp": "rp2"}]


VAR_SCRIPT = "var x = 5\nvar f = 1.5\nstream|from().measurement('cpu').where(lambda: \"v\" > x)|httpOut('out')"


@pytest.mark.parametrize("var, message", [
    ({"type": "bool", "value": "yes"}, "invalid var x: unexpected var type bool, value is a string"),
    ({"type": "string", "value": True}, "invalid var x: mismatched type and value: bool string"),
    ({"type": "string", "value": 5}, "invalid var x: unsupported Var type json.Number."),
    ({"type": "int"}, "invalid var x: unsupported Var type <nil>."),
    ({"type": "lambda", "value": {"a": 1}}, "invalid var x: unsupported Var type map[string]interface {}."),
])
def test_create_bad_vars(server, var, message):
    body = {"id": "badvars", "script": VAR_SCRIPT, "dbrps": DBRPS, "vars": {"x": var}}
    assert error_of(post(server, body), 400) == message


def test_create_vars_of_the_wrong_type_or_bad_lambda(server):
    body = {"id": "wrongtype", "script": VAR_SCRIPT, "dbrps": DBRPS, "vars": {"x": {"type": "float", "value": 1.5}}}
    assert error_of(post(server, body), 400).startswith("invalid TICKscript: invalid type supplied for x")
    body["vars"] = {"x": {"type": "lambda", "value": "\"v\" >"}}
    assert error_of(post(server, body), 400).startswith("invalid TICKscript: invalid var x: invalid lambda expression: ")
    body["vars"] = {"x": {"type": "regex", "value": "a("}}
    assert error_of(post(server, body), 400).startswith("invalid TICKscript: invalid var x: invalid regex pattern: ")


def test_create_vars_stored_and_shown_as_go_prints_them(server):
    body = {"id": "goodvars", "script": VAR_SCRIPT, "dbrps": DBRPS,
            "vars": {"x": {"type": "int", "value": 7, "description": "limit"}, "f": {"type": "float", "value": 2}}}
    resp = post(server, body)
    assert resp.status_code == 200, resp.text
    assert resp.json()["vars"] == {"f": {"type": "float", "value": 2, "description": ""},
                                   "x": {"type": "int", "value": 7, "description": "limit"}}
    # a float of 2.0 is written as Go writes it, sorted map keys
    assert '"vars": {\n        "f": {\n            "type": "float",\n            "value": 2,\n' in resp.text


def test_duration_var_as_string_and_ns(server):
    script = "var d = 10s\nstream|from().measurement('cpu')|window().period(d).every(d)|httpOut('out')"
    body = {"id": "durvar", "script": script, "dbrps": DBRPS, "vars": {"d": {"type": "duration", "value": "1m"}}}
    assert post(server, body).json()["vars"]["d"] == {"type": "duration", "value": 60_000_000_000, "description": ""}


# -- get --------------------------------------------------------------------------------------

def test_get_unknown_task_body_is_kapacitors(server):
    resp = get(server, "/tasks/nosuch")
    assert resp.status_code == 404
    assert resp.text == '{\n    "error": "no task exists",\n    "message": "no task exists"\n}'


def test_get_bad_view_parameters(server):
    post(server, {"id": "views", "script": SCRIPT, "dbrps": DBRPS})
    assert error_of(get(server, "/tasks/views", **{"script-format": "pretty"}), 400) == (
        'invalid script-format parameter "pretty"')
    assert error_of(get(server, "/tasks/views", **{"dot-view": "x"}), 400) == 'invalid dot-view parameter "x"'


# -- update -----------------------------------------------------------------------------------

def test_patch_unknown(server):
    assert error_of(patch(server, "ghost", {"status": "enabled"}), 404) == "task does not exist, cannot update"
    assert error_of(requests.patch(f"{server.url}{BASE}/tasks/ghost", data="{", timeout=30), 400) == "invalid JSON"


def test_patch_status_script_and_stamp(server):
    created = post(server, {"id": "patchme", "script": SCRIPT, "dbrps": DBRPS}).json()
    stamp0 = stored_task(server, "patchme")["stamp"]
    enabled = patch(server, "patchme", {"status": "enabled"}).json()
    assert enabled["status"] == "enabled"
    assert enabled["last-enabled"] == enabled["modified"] != "0001-01-01T00:00:00Z"
    assert enabled["created"] == created["created"]
    stamp1 = stored_task(server, "patchme")["stamp"]
    assert stamp1 != stamp0
    # a PATCH that changes nothing the runtime uses keeps the stamp
    same = patch(server, "patchme", {"status": "enabled"}).json()
    assert same["last-enabled"] == enabled["last-enabled"]
    assert stored_task(server, "patchme")["stamp"] == stamp1
    # a new script on an enabled task: a new stamp, so the engine process reloads it
    new_script = "stream|from().measurement('mem')|httpOut('out')"
    changed = patch(server, "patchme", {"script": new_script}).json()
    assert changed["script"] == "stream\n    |from()\n        .measurement('mem')\n    |httpOut('out')\n"
    assert stored_task(server, "patchme")["stamp"] != stamp1
    dbrps = patch(server, "patchme", {"dbrps": [{"db": "other", "rp": "rp1"}]}).json()["dbrps"]
    assert dbrps == [{"db": "other", "rp": "rp1"}]
    assert patch(server, "patchme", {"status": "disabled"}).json()["status"] == "disabled"


def test_patch_errors(server):
    post(server, {"id": "patcherr", "script": 'dbrp "a"."b"\n' + SCRIPT})
    assert error_of(patch(server, "patcherr", {"dbrps": DBRPS}), 400) == (
        "cannot specify dbrp in implicitly and explicitly")
    assert error_of(patch(server, "patcherr", {"script": SCRIPT}), 400) == "must specify dbrp"
    assert error_of(patch(server, "patcherr", {"script": "stream|"}), 400).startswith("invalid TICKscript: ")
    assert error_of(patch(server, "patcherr", {"template-id": "nope"}), 400) == (
        "unknown template nope: err: no template exists")
    assert error_of(patch(server, "patcherr", {"vars": {"x": {"type": "bool", "value": 1}}}), 400) == (
        "invalid var x: unsupported Var type json.Number.")


def test_patch_renames(server):
    post(server, {"id": "oldname", "script": SCRIPT, "dbrps": DBRPS})
    post(server, {"id": "taken", "script": SCRIPT, "dbrps": DBRPS})
    assert error_of(patch(server, "oldname", {"id": "taken"}), 500) == (
        "failed to create new task during ID change: task already exists")
    renamed = patch(server, "oldname", {"id": "newname"}).json()
    assert renamed["link"]["href"] == "/kapacitor/v1/tasks/newname"
    assert get(server, "/tasks/oldname").status_code == 404
    assert get(server, "/tasks/newname").status_code == 200


# -- delete -----------------------------------------------------------------------------------

def test_delete(server):
    post(server, {"id": "gone", "script": SCRIPT, "dbrps": DBRPS})
    resp = requests.delete(f"{server.url}{BASE}/tasks/gone", timeout=30)
    assert resp.status_code == 204 and resp.content == b""
    assert get(server, "/tasks/gone").status_code == 404
    assert requests.delete(f"{server.url}{BASE}/tasks/never", timeout=30).status_code == 204


# -- list -------------------------------------------------------------------------------------

def test_list_pattern_fields_offset_limit(make_server):
    srv = make_server(workers=1)
    for tid in ("b-task", "a-task", "c.other", "a-two"):
        assert post(srv, {"id": tid, "script": SCRIPT, "dbrps": DBRPS}).status_code == 200
    listed = get(srv, "/tasks").json()["tasks"]
    assert [t["id"] for t in listed] == ["a-task", "a-two", "b-task", "c.other"]
    assert sorted(listed[0]) == list(listed[0])           # a Go map: keys sorted
    assert "template-id" not in listed[0]                  # left out when empty
    assert listed[0]["stats"] is None                      # not executing: nil
    assert [t["id"] for t in get(srv, "/tasks", pattern="a-*").json()["tasks"]] == ["a-task", "a-two"]
    assert [t["id"] for t in get(srv, "/tasks", pattern="?-t[a-w]o").json()["tasks"]] == ["a-two"]
    assert get(srv, "/tasks", pattern="[").json() == {"tasks": []}
    only = get(srv, "/tasks", fields=["status", "executing"], pattern="c*").json()["tasks"]
    assert only == [{"executing": False, "id": "c.other",
                     "link": {"rel": "self", "href": "/kapacitor/v1/tasks/c.other"}, "status": "disabled"}]
    assert [t["id"] for t in get(srv, "/tasks", offset=1, limit=2).json()["tasks"]] == ["a-two", "b-task"]
    # Kapacitor's window: offset + limit bounded by all tasks, counted over the matches
    assert [t["id"] for t in get(srv, "/tasks", pattern="c*", offset=0, limit=1).json()["tasks"]] == ["c.other"]
    assert get(srv, "/tasks", offset=9).json() == {"tasks": []}
    assert error_of(get(srv, "/tasks", fields="bogus"), 400) == 'unsupported field "bogus"'
    assert get(srv, "/tasks", fields="bogus", pattern="zzz").json() == {"tasks": []}
    assert error_of(get(srv, "/tasks", offset="x"), 400) == (
        'invalid offset parameter "x" must be an integer: strconv.ParseInt: parsing "x": invalid syntax')
    assert error_of(get(srv, "/tasks", limit="1.5"), 400).startswith('invalid limit parameter "1.5"')


# -- httpOut ----------------------------------------------------------------------------------

def test_http_out_results(server):
    """The engine process runs the task; any worker serves its stored httpOut result."""
    assert error_of(get(server, "/tasks/outs/out"), 404) == "no task exists"
    post(server, {"id": "outs", "script": SCRIPT, "dbrps": DBRPS, "status": "enabled"})
    wait_for("the task to start", lambda: get(server, "/tasks/outs").json()["executing"])
    assert get(server, "/tasks/outs/out").text == '{"series":null}'
    requests.post(f"{server.url}/write", params={"db": "telegraf", "rp": "autogen"},
                  data=b"cpu,host=a v=1 1577836800000000000", timeout=30).raise_for_status()
    resp = wait_for("the point to reach httpOut",
                    lambda: (r := get(server, "/tasks/outs/out")).text != '{"series":null}' and r)
    assert resp.status_code == 200
    assert resp.json() == {"series": [{"name": "cpu", "tags": {"host": "a"}, "columns": ["time", "v"],
                                       "values": [["2020-01-01T00:00:00Z", 1]]}]}
    assert error_of(get(server, "/tasks/outs/other"), 404) == "no task exists"
    patch(server, "outs", {"status": "disabled"})
    assert error_of(get(server, "/tasks/outs/out"), 404) == "no task exists"


def test_run_status_error_shown(server):
    """A task whose node has no runtime yet fails to start: its error is the task's ``error``."""
    post(server, {"id": "failing", "script": "stream|from()|window().period(10s).every(10s)|trickle()|httpOut('x')", "dbrps": DBRPS,
                  "status": "enabled"})
    task = wait_for("the run status", lambda: (t := get(server, "/tasks/failing").json())["error"] and t)
    assert task["executing"] is False
    assert task["error"] == "node trickle3 (trickle) is not supported by machstore yet"


# -- bodies, auth -----------------------------------------------------------------------------

def test_oversized_body(make_server):
    srv = make_server("--max-body-size", "200", workers=1)
    resp = post(srv, {"id": "big", "script": SCRIPT + " " * 400, "dbrps": DBRPS})
    assert error_of(resp, 413) == "Request Entity Too Large"


def test_auth_required_when_enabled(make_server):
    srv = make_server("--auth-enabled", "--auth-user", "admin", "--auth-password", "pw", workers=1)
    resp = get(srv, "/tasks")
    assert resp.status_code == 401
    # Kapacitor's parseCredentials finds none: compact JSON from its auth wrapper
    assert resp.text == ('{"error":"unable to parse authentication credentials",'
                         '"message":"unable to parse authentication credentials"}')
    bad = requests.get(srv.url + BASE + "/tasks", auth=("admin", "nope"), timeout=30)
    assert bad.status_code == 401 and bad.json()["error"] == "authorization failed"
    ok = requests.post(srv.url + BASE + "/tasks", auth=("admin", "pw"), timeout=30,
                       data=json.dumps({"id": "authed", "script": SCRIPT, "dbrps": DBRPS}))
    assert ok.status_code == 200
    assert requests.get(srv.url + BASE + "/ping", timeout=30).status_code == 401


def test_executing_task_lists_every_node_in_stats():
    from machstore.kapacitor.task_view import task_fields, task_json
    record, run = _running("earlystats", SCRIPT, {"executing": True, "error": "", "stats": {}, "nodes": {}})
    stats = task_json(record, run)["stats"]
    zeros = {"avg_exec_time_ns": 0, "collected": 0, "emitted": 0, "errors": 0, "working_cardinality": 0}
    assert stats == {"task-stats": {"throughput": 0},
                     "node-stats": {"from1": zeros, "http_out2": zeros, "stream0": zeros}}
    assert task_fields(record, run, ["stats"])["stats"] == stats


def test_run_status_of_an_older_definition_is_not_executing():
    """Between a PATCH and the engine process restarting the task, the stored run status still
    names the old stamp: the task shows as not executing (task_view.is_executing)."""
    from machstore.kapacitor.task_view import is_executing
    record = {"status": "enabled", "stamp": 7}
    assert is_executing(record, {"executing": True, "stamp": 7})
    assert not is_executing(record, {"executing": True, "stamp": 6})
    assert not is_executing(dict(record, status="disabled"), {"executing": True, "stamp": 7})
    assert not is_executing(record, None)


def test_an_enabled_task_runs_and_shows_its_node_statistics(server):
    post(server, {"id": "live", "script": SCRIPT, "dbrps": DBRPS, "status": "enabled"})
    deadline = time.monotonic() + 30
    while not get(server, "/tasks/live").json()["executing"]:
        assert time.monotonic() < deadline, "the engine process never started the task"
        time.sleep(0.05)
    task = get(server, "/tasks/live").json()
    assert task["error"] == "" and "node-stats" in task["stats"]
    assert 'avg_exec_time_ns=' in task["dot"] and "stream0 -> from1" in task["dot"]
    patch(server, "live", {"status": "disabled"})
    assert get(server, "/tasks/live").json()["executing"] is False


def test_ids_longer_than_the_store_keys(server):
    """machstore's one limit on ids (docs/kapacitor.md): longer ids are refused or name nothing."""
    long_id = "t" * 241
    assert error_of(post(server, {"id": long_id, "script": SCRIPT, "dbrps": DBRPS}), 400) == (
        f'task ID "{long_id}" is longer than 240 bytes')
    assert post(server, {"id": "t" * 240, "script": SCRIPT, "dbrps": DBRPS}).status_code == 200
    assert error_of(get(server, "/tasks/" + long_id), 404) == "no task exists"
    assert error_of(patch(server, long_id, {"status": "enabled"}), 404) == "task does not exist, cannot update"
    assert requests.delete(f"{server.url}{BASE}/tasks/{long_id}", timeout=30).status_code == 204
    assert error_of(get(server, "/tasks/" + "t" * 240 + "/" + "e" * 300), 404) == "no task exists"
    assert error_of(post(server, {"id": "tl", "template-id": long_id, "dbrps": DBRPS}), 400) == (
        f"unknown template {long_id}: err: no template exists")
    assert error_of(requests.post(f"{server.url}{BASE}/templates", data=json.dumps({"id": long_id, "script": SCRIPT}),
                                  timeout=30), 400) == f'template ID "{long_id}" is longer than 240 bytes'
    assert error_of(get(server, "/templates/" + long_id), 404) == "no template exists"
