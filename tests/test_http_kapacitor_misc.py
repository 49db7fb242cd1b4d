"""Kapacitor's small routes and its HTTP wrapper over real HTTP: ping, ``:routes``, ``debug/vars``,
the preview prefix, unknown routes, CORS, OPTIONS and gzip (``services/httpd/handler.go``)."""
import gzip
import json
import socket

import requests
from conftest import open_engine

BASE = "/kapacitor/v1"
SCRIPT = "stream|from().measurement('cpu')|httpOut('out')"
DBRPS = [{"db": "telegraf", "rp": "autogen"}]


def test_ping(server):
    resp = requests.get(server.url + BASE + "/ping", timeout=30)
    assert resp.status_code == 204 and resp.content == b""
    assert resp.headers["X-Kapacitor-Version"]
    assert resp.headers["Request-Id"]
    assert requests.head(server.url + BASE + "/ping", timeout=30).status_code == 204


def test_routes(server):
    resp = requests.get(server.url + BASE + "/:routes", timeout=30)
    assert resp.status_code == 200
    routes = resp.json()
    assert set(routes["/kapacitor/v1/tasks"]) >= {"GET", "POST"}
    assert set(routes["/kapacitor/v1/templates/"]) >= {"GET", "PATCH", "DELETE"}
    assert set(routes["/kapacitor/v1/write"]) >= {"POST"}
    assert routes["/kapacitor/v1/ping"][0] == "GET"
    assert set(routes["/kapacitor/v1/alerts/topics"]) >= {"GET"}
    assert set(routes["/kapacitor/v1/alerts/topics/"]) == {"GET", "POST", "PATCH", "PUT", "DELETE", "OPTIONS"}
    assert set(routes["/kapacitor/v1/config/"]) >= {"GET", "POST"}
    assert set(routes["/kapacitor/v1/service-tests/"]) >= {"GET", "POST"}
    assert resp.text.startswith("{\n    ")


def test_unknown_route_is_kapacitors_404(server):
    resp = requests.get(server.url + BASE + "/nothing/here", timeout=30)
    assert resp.status_code == 404
    assert resp.text == '{\n    "error": "Not Found",\n    "message": "Not Found"\n}'
    assert resp.headers["X-Kapacitor-Version"]


def test_preview_prefix_is_rewritten(server):
    body = {"id": "preview", "script": SCRIPT, "dbrps": DBRPS}
    assert requests.post(server.url + "/kapacitor/v1preview/tasks", data=json.dumps(body), timeout=30).status_code == 200
    got = requests.get(server.url + "/kapacitor/v1preview/tasks/preview", timeout=30).json()
    assert got["link"]["href"] == "/kapacitor/v1/tasks/preview"


def test_cors_and_options(server):
    resp = requests.get(server.url + BASE + "/tasks", headers={"Origin": "http://ui.example"}, timeout=30)
    assert resp.headers["Access-Control-Allow-Origin"] == "http://ui.example"
    assert resp.headers["Access-Control-Allow-Methods"] == "DELETE, GET, OPTIONS, POST, PATCH"
    assert "Authorization" in resp.headers["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Origin" not in requests.get(server.url + BASE + "/tasks", timeout=30).headers
    opt = requests.options(server.url + BASE + "/tasks/anything", headers={"Origin": "http://ui.example"}, timeout=30)
    assert opt.status_code == 200 and opt.content == b""
    assert opt.headers["Access-Control-Allow-Origin"] == "http://ui.example"


def test_gzip_when_accepted(server):
    raw = requests.get(server.url + BASE + "/tasks", headers={"Accept-Encoding": "gzip"}, timeout=30, stream=True)
    assert raw.headers["Content-Encoding"] == "gzip"
    body = gzip.decompress(raw.raw.read())
    assert json.loads(body)["tasks"] is not None
    plain = requests.get(server.url + BASE + "/tasks", headers={"Accept-Encoding": "identity"}, timeout=30)
    assert "Content-Encoding" not in plain.headers
    # a 204 has no body, gzip or not (Go drops the gzip stream's bytes)
    ping = requests.get(server.url + BASE + "/ping", headers={"Accept-Encoding": "gzip"}, timeout=30, stream=True)
    assert ping.status_code == 204 and ping.raw.read() == b""


def test_unrouted_method_is_not_found(server):
    resp = requests.put(server.url + BASE + "/tasks", data="{}", timeout=30)
    assert resp.status_code == 404 and resp.json()["error"] == "Not Found"


def test_debug_vars_as_telegraf_reads_them(make_server):
    srv = make_server(workers=1)
    requests.post(srv.url + BASE + "/tasks", timeout=30,
                  data=json.dumps({"id": "dv", "script": SCRIPT, "dbrps": DBRPS, "status": "enabled"}))
    requests.post(srv.url + BASE + "/tasks", timeout=30,
                  data=json.dumps({"id": "dv-off", "script": SCRIPT, "dbrps": DBRPS}))
    from machstore.kapacitor import store

    with open_engine(srv.data_dir) as eng, eng.env.begin(write=True) as txn:
        store.put_json(txn, store.db(eng), store.run_key("dv"), {
            "executing": True, "error": "", "stats": {"throughput": 0.0},
            "nodes": {"from1": {"collected": 3, "emitted": 2, "errors": 1, "avg_exec_time_ns": 10,
                                "working_cardinality": 1}}})
    resp = requests.get(srv.url + BASE + "/debug/vars", timeout=30)
    assert resp.status_code == 200
    text = resp.text
    assert text.startswith("{\n") and text.endswith("\n}\n")
    keys = [line.split('":', 1)[0].strip('"{,\n') for line in text.strip("{}\n").split(",\n\"")]
    assert keys == sorted(keys)
    data = json.loads(text)
    assert data["num_tasks"] == 2 and data["num_enabled_tasks"] == 1 and data["num_subscriptions"] == 0
    assert data["product"] == "kapacitor" and data["host"] == socket.gethostname()
    assert len(data["cluster_id"]) == 36 and len(data["server_id"]) == 36
    assert isinstance(data["memstats"]["Alloc"], int)
    nodes = {v["tags"]["node"]: v for v in data["kapacitor"].values() if v["name"] == "nodes"}
    assert nodes["from1"]["tags"]["task"] == "dv" and nodes["from1"]["tags"]["kind"] == "from"
    # avg_exec_time_ns is Go's duration text there: Telegraf's plugin parses it with time.ParseDuration
    assert nodes["from1"]["values"] == {"avg_exec_time_ns": "10ns", "errors": 1, "working_cardinality": 1}
    assert nodes["stream0"]["values"]["avg_exec_time_ns"] == "0s"
    edges = [v for v in data["kapacitor"].values() if v["name"] == "edges"]
    assert {(e["tags"]["parent"], e["tags"]["child"]) for e in edges} == {("stream0", "from1"), ("from1", "http_out2")}
    # the ids stay the same between calls
    again = requests.get(srv.url + BASE + "/debug/vars", timeout=30).json()
    assert again["cluster_id"] == data["cluster_id"] and set(again["kapacitor"]) == set(data["kapacitor"])


def test_task_and_template_subtrees(server):
    """Kapacitor's ``/tasks/`` and ``/templates/`` handlers take the rest of the path as the id."""
    url = server.url + BASE
    empty = requests.get(url + "/tasks/", timeout=30)
    assert empty.status_code == 400 and empty.json()["error"] == "must specify task id on path"
    assert requests.get(url + "/templates/", timeout=30).json()["error"] == "must specify template id on path"
    deep = requests.get(url + "/tasks/a/b/c", timeout=30)
    assert deep.status_code == 404 and deep.json()["error"] == "no task exists"
    assert requests.get(url + "/templates/a/b", timeout=30).json()["error"] == "no template exists"
    assert requests.patch(url + "/tasks/a/b", data="{", timeout=30).json()["error"] == "invalid JSON"
    nope = requests.patch(url + "/tasks/a/b/c", data="{}", timeout=30)
    assert nope.status_code == 404 and nope.json()["error"] == "task does not exist, cannot update"
    assert requests.patch(url + "/templates/a/b", data="{}", timeout=30).json()["error"] == (
        "template does not exist, cannot update")
    assert requests.delete(url + "/tasks/a/b", timeout=30).status_code == 204
    assert requests.delete(url + "/templates/a/b", timeout=30).status_code == 204
    assert requests.post(url + "/tasks/x", data="{}", timeout=30).json()["error"] == "Not Found"
