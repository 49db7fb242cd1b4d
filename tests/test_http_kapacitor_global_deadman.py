"""``[deadman] global = true`` in every compile of a task, over real HTTP in a real server.

Kapacitor's task store validates and renders a task with its deadman service, so with a global
deadman the DOT of ``GET /kapacitor/v1/tasks/<id>`` (and of the task list's ``dot`` field)
shows the ``stats`` -> ``derivative`` -> ``alert`` nodes added on the task's source, not only
the running task (taskmaster).  Started as tests/test_http_kapacitor_config.py starts servers.
"""
import json

import pytest
import requests
from kapacitor_config_services import server_env

BASE = "/kapacitor/v1"
SCRIPT = "stream\n    |from()\n        .measurement('m')\n    |log()\n"
ADDED = ("stats3 -> derivative4", "derivative4 -> alert5")


@pytest.fixture
def env(tmp_path, monkeypatch):
    for name, value in server_env(tmp_path).items():
        monkeypatch.setenv(name, value)


def test_global_deadman_nodes_in_the_tasks_dot(env, make_server):
    srv = make_server(config='[deadman]\nglobal = true\ninterval = "1m"\n', workers=1)
    r = requests.post(srv.url + BASE + "/tasks", timeout=30, data=json.dumps(
        {"id": "t", "type": "stream", "dbrps": [{"db": "db", "rp": "autogen"}], "script": SCRIPT,
         "status": "disabled"}))
    assert r.status_code == 200, r.text
    for dot in (r.json()["dot"], requests.get(srv.url + BASE + "/tasks/t", timeout=30).json()["dot"],
                requests.get(srv.url + BASE + "/tasks", params={"fields": "dot"}, timeout=30).json()["tasks"][0]["dot"]):
        assert "from1 -> log2" in dot
        for edge in ADDED:
            assert edge in dot, dot
