"""``/kapacitor/v1/templates`` over real HTTP, and tasks made from templates.

Expected texts come from Kapacitor 1.7's ``services/task_store/service.go``
(``handleCreateTemplate``, ``handleUpdateTemplate``, ``updateAllAssociatedTasks``) and
``tick/eval.go`` (template vars, ``missing value for var "x".``).
"""
import json

import requests

BASE = "/kapacitor/v1"
TEMPLATE = """// Which measurement to read
var measurement string

// The threshold
var crit = 10

var period = 10s

var where_filter = lambda: TRUE

stream
    |from()
        .measurement(measurement)
        .where(where_filter)
    |window()
        .period(period)
        .every(period)
    |mean('v')
    |httpOut('out')
"""
DBRPS = [{"db": "telegraf", "rp": "autogen"}]


def call(server, method, path, body=None):
    data = None if body is None else (body if isinstance(body, str) else json.dumps(body))
    return requests.request(method, server.url + BASE + path, data=data, timeout=30)


def error_of(resp, status):
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert body["error"] == body["message"]
    return body["error"]


def test_create_template_lists_vars_with_types_values_descriptions(server):
    resp = call(server, "POST", "/templates", {"id": "tmpl1", "script": TEMPLATE})
    assert resp.status_code == 200, resp.text
    t = resp.json()
    assert list(t) == ["link", "id", "type", "script", "vars", "dot", "error", "created", "modified"]
    assert t["type"] == "stream" and t["error"] == ""
    assert t["link"] == {"rel": "self", "href": "/kapacitor/v1/templates/tmpl1"}
    assert t["vars"] == {
        "measurement": {"type": "string", "value": None, "description": "Which measurement to read"},
        "crit": {"type": "int", "value": 10, "description": "The threshold"},
        "period": {"type": "duration", "value": 10_000_000_000, "description": ""},
        "where_filter": {"type": "lambda", "value": "TRUE", "description": ""},
    }
    assert t["dot"] == ("digraph tmpl1 {\nstream0 -> from1;\nfrom1 -> window2;\nwindow2 -> mean3;\n"
                        "mean3 -> http_out4;\n}")
    got = call(server, "GET", "/templates/tmpl1").json()
    assert got["vars"] == t["vars"] and got["script"] == TEMPLATE


def test_template_errors(server):
    assert error_of(call(server, "POST", "/templates", "{"), 400) == "invalid JSON"
    assert error_of(call(server, "POST", "/templates", {"id": "bad id", "script": TEMPLATE}), 400) == (
        "template ID must contain only letters, numbers, '-', '.' and '_'. \"bad id\"")
    assert error_of(call(server, "POST", "/templates", {"id": "empty"}), 400) == "invalid task type: invalid"
    assert error_of(call(server, "POST", "/templates", {"id": "broken", "script": "stream|from("}),
                    400).startswith("invalid TICKscript: ")
    assert call(server, "POST", "/templates", {"id": "twice", "script": TEMPLATE}).status_code == 200
    assert error_of(call(server, "POST", "/templates", {"id": "twice", "script": TEMPLATE}), 400) == (
        "template twice already exists")
    assert error_of(call(server, "GET", "/templates/nosuch"), 404) == "no template exists"
    assert error_of(call(server, "PATCH", "/templates/nosuch", {"script": TEMPLATE}), 404) == (
        "template does not exist, cannot update")
    assert error_of(call(server, "GET", "/templates/twice?script-format=x"), 400) == (
        'invalid script-format parameter "x"')
    assert call(server, "DELETE", "/templates/nosuch").status_code == 204


def test_task_from_template_and_template_update(server):
    assert call(server, "POST", "/templates", {"id": "tmpl2", "script": TEMPLATE}).status_code == 200
    missing = call(server, "POST", "/tasks", {"id": "fromtmpl", "template-id": "tmpl2", "dbrps": DBRPS})
    assert error_of(missing, 400) == 'invalid TICKscript: missing value for var "measurement".'
    assert error_of(call(server, "POST", "/tasks", {"id": "x", "template-id": "nope", "dbrps": DBRPS}), 400) == (
        "unknown template nope: err: no template exists")
    body = {"id": "fromtmpl", "template-id": "tmpl2", "dbrps": DBRPS, "status": "enabled",
            "vars": {"measurement": {"type": "string", "value": "cpu"}, "crit": {"type": "int", "value": 5}}}
    task = call(server, "POST", "/tasks", body).json()
    assert task["template-id"] == "tmpl2" and task["type"] == "stream"
    assert task["vars"]["measurement"] == {"type": "string", "value": "cpu", "description": ""}
    listed = call(server, "GET", "/tasks?pattern=fromtmpl&fields=template-id").json()["tasks"]
    assert listed[0]["template-id"] == "tmpl2"

    # the template changes: every task made from it takes the new script
    new_script = TEMPLATE.replace("|mean('v')", "|max('v')")
    updated = call(server, "PATCH", "/templates/tmpl2", {"script": new_script})
    assert updated.status_code == 200, updated.text
    assert "|max('v')" in call(server, "GET", "/tasks/fromtmpl").json()["script"]

    # a new required var the enabled task does not supply: 500, the tasks rolled back,
    # the template itself keeps the new script (Kapacitor's order)
    breaking = "var extra string\n" + new_script
    resp = call(server, "PATCH", "/templates/tmpl2", {"script": breaking})
    assert error_of(resp, 500) == 'error reloading associated task fromtmpl: missing value for var "extra".'
    assert "|max('v')" in call(server, "GET", "/tasks/fromtmpl").json()["script"]
    assert "var extra string" not in call(server, "GET", "/tasks/fromtmpl").json()["script"]
    assert "var extra string" in call(server, "GET", "/templates/tmpl2").json()["script"]

    # deleting the template leaves the task, still naming it
    assert call(server, "DELETE", "/templates/tmpl2").status_code == 204
    assert call(server, "GET", "/tasks/fromtmpl").json()["template-id"] == "tmpl2"
    # and a PATCH of an orphan fails on the template lookup, naming the (empty) template of the body
    assert error_of(call(server, "PATCH", "/tasks/fromtmpl", {"status": "disabled"}), 400) == (
        "unknown template : err: no template exists")


def test_disabled_template_task_is_not_checked_and_shows_the_error(server):
    assert call(server, "POST", "/templates", {"id": "tmpl3", "script": TEMPLATE}).status_code == 200
    body = {"id": "quiet", "template-id": "tmpl3", "dbrps": DBRPS,
            "vars": {"measurement": {"type": "string", "value": "cpu"}}}
    assert call(server, "POST", "/tasks", body).status_code == 200
    assert call(server, "PATCH", "/templates/tmpl3", {"script": "var extra string\n" + TEMPLATE}).status_code == 200
    task = call(server, "GET", "/tasks/quiet").json()
    assert task["error"] == 'missing value for var "extra".' and task["dot"] == ""


def test_list_templates(make_server):
    srv = make_server(workers=1)
    for tid in ("t-b", "t-a", "other"):
        assert call(srv, "POST", "/templates", {"id": tid, "script": TEMPLATE}).status_code == 200
    listed = call(srv, "GET", "/templates").json()["templates"]
    assert [t["id"] for t in listed] == ["other", "t-a", "t-b"]
    assert sorted(listed[0]) == ["created", "dot", "error", "id", "link", "modified", "script", "type"]
    picked = call(srv, "GET", "/templates?pattern=t-*&fields=vars").json()["templates"]
    assert [sorted(t) for t in picked] == [["id", "link", "vars"]] * 2
    assert picked[0]["vars"]["crit"] == {"type": "int", "value": 10, "description": "The threshold"}
    assert error_of(call(srv, "GET", "/templates?fields=nope"), 400) == 'unsupported field "nope"'
    assert [t["id"] for t in call(srv, "GET", "/templates?offset=1&limit=1").json()["templates"]] == ["t-a"]
