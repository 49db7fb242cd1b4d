"""Alert handlers end to end: a server configured by a Kapacitor-style TOML file delivers to
local sinks, through inline TICKscript handlers and through topic handlers made over the
alerts API; config overrides change a running server's deliveries; service tests send
through the configured service; a failing peer is counted and never stops the task.

The exact bytes each service sends are checked by tests/test_kapacitor_services_*.py; here the
point is the whole path: /write -> stream task -> alert node -> topic -> outbox -> the wire.
"""
import json
import time

import pytest
import requests
from alert_sinks import HTTPSink

BASE = "/kapacitor/v1"


def config_for(slack, pagerduty):
    return f"""
[[slack]]
enabled = true
default = true
workspace = "main"
url = "{slack.url}/services/hook"
channel = "#general"

[pagerduty2]
enabled = true
url = "{pagerduty.url}/v2/enqueue"
routing-key = "rk-secret"
"""


def kapa(srv, method, path, body=None):
    data = None if body is None else json.dumps(body)
    return requests.request(method, srv.url + BASE + path, data=data, timeout=30)


def write(srv, lines):
    r = requests.post(srv.url + "/write", params={"db": "e2e", "rp": "autogen"}, data=lines, timeout=30)
    assert r.status_code == 204, r.text


def make_task(srv, task_id, script):
    r = kapa(srv, "POST", "/tasks", {"id": task_id, "type": "stream", "dbrps": [{"db": "e2e", "rp": "autogen"}],
                                     "script": script, "status": "enabled"})
    assert r.status_code == 200, r.text
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if kapa(srv, "GET", f"/tasks/{task_id}").json().get("executing"):
            return
        time.sleep(0.05)
    raise AssertionError(f"task {task_id} did not start")


@pytest.fixture
def sinks():
    with HTTPSink() as slack, HTTPSink() as pagerduty, HTTPSink() as other:
        yield slack, pagerduty, other


def test_inline_and_topic_handlers_deliver_as_configured(make_server, sinks):
    slack, pagerduty, other = sinks
    srv = make_server(config=config_for(slack, pagerduty))
    make_task(srv, "cpu_inline", """
stream
    |from()
        .measurement('cpu')
    |alert()
        .crit(lambda: "value" > 90)
        .message('{{ .ID }} is {{ .Level }} value={{ index .Fields "value" }}')
        .slack()
        .channel('#ops')
""")
    # a topic with a pagerduty2 handler made through the API, fed by a second task
    r = kapa(srv, "POST", "/alerts/topics/ops/handlers",
             {"id": "pd", "kind": "pagerduty2", "options": {"routing-key": "rk-topic"}})
    assert r.status_code == 200, r.text
    make_task(srv, "cpu_topic", """
stream
    |from()
        .measurement('cpu')
    |alert()
        .id('cpu-{{ index .Tags "host" }}')
        .crit(lambda: "value" > 90)
        .topic('ops')
""")
    t0 = int(time.time()) * 10**9
    write(srv, f"cpu,host=a value=95 {t0}\n")

    got = slack.wait(1, timeout=30)
    assert len(got) == 1, got
    req = got[0]
    assert (req.method, req.path, req.headers["Content-Type"]) == ("POST", "/services/hook", "application/json")
    body = json.loads(req.body)
    assert body["channel"] == "#ops" and body["username"] == "kapacitor" and body["text"] == ""
    assert body["attachments"] == [{"fallback": "cpu:nil is CRITICAL value=95", "color": "danger",
                                    "text": "cpu:nil is CRITICAL value=95", "mrkdwn_in": ["text"]}]

    got = pagerduty.wait(1, timeout=30)
    assert len(got) == 1, got
    pd = json.loads(got[0].body)
    assert got[0].path == "/v2/enqueue"
    assert (pd["routing_key"], pd["event_action"], pd["dedup_key"]) == ("rk-topic", "trigger", "cpu-a")
    assert pd["payload"]["severity"] == "critical" and pd["payload"]["source"] == "a"   # the host tag
    assert (pd["client"], pd["client_url"]) == ("kapacitor", srv.url + "/kapacitor/v1")

    topic = kapa(srv, "GET", "/alerts/topics/ops").json()
    assert (topic["id"], topic["level"], topic["collected"]) == ("ops", "CRITICAL", 1)
    event = kapa(srv, "GET", "/alerts/topics/ops/events/cpu-a").json()
    assert event["state"]["level"] == "CRITICAL"

    # an override moves the slack workspace to another URL without a restart
    r = kapa(srv, "POST", "/config/slack/main", {"set": {"url": other.url + "/moved"}})
    assert r.status_code == 204, r.text
    options = kapa(srv, "GET", "/config/slack/main").json()["options"]
    assert options["url"] is True and options["channel"] == "#general"   # a secret shows as set
    write(srv, f"cpu,host=a value=10 {t0 + 10**9}\n")                    # recovery: OK goes out too
    got = other.wait(1, timeout=30)
    assert [r.path for r in got] == ["/moved"]
    assert json.loads(got[0].body)["attachments"][0]["color"] == "good"
    assert len(slack.requests) == 1

    # the service test sends through the configured (overridden) workspace
    r = kapa(srv, "POST", "/service-tests/slack", {"workspace": "main", "channel": "#test"})
    assert r.status_code == 200 and r.json() == {"success": True, "message": ""}
    got = other.wait(2, timeout=30)
    assert json.loads(got[1].body)["channel"] == "#test"


def test_a_failing_peer_is_counted_and_the_task_goes_on(make_server, sinks):
    slack, pagerduty, _ = sinks
    slack.status, slack.response = 500, b'{"error": "slack is down"}'
    srv = make_server(config=config_for(slack, pagerduty))
    make_task(srv, "failing", """
stream
    |from()
        .measurement('cpu')
    |alert()
        .crit(lambda: "value" > 90)
        .slack()
    |httpOut('out')
""")
    t0 = int(time.time()) * 10**9
    write(srv, f"cpu,host=a value=95 {t0}\n")
    assert slack.wait(1, timeout=30)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        stats = requests.get(srv.url + BASE + "/debug/vars", timeout=30).json()
        counts = [v["values"] for v in stats["kapacitor"].values()
                  if v["name"] == "alert_deliveries" and v["tags"].get("kind") == "slack"]
        if counts and counts[0]["failed"] >= 1:
            break
        time.sleep(0.1)
    else:
        raise AssertionError("the failed delivery was not counted")
    slack.status = 200
    write(srv, f"cpu,host=a value=96 {t0 + 10**9}\n")
    task = kapa(srv, "GET", "/tasks/failing").json()
    assert task["executing"] is True and task["error"] == ""
    assert kapa(srv, "GET", "/tasks/failing/out").status_code == 200
    # the failed event is retried until the peer takes it (at least once): the first answer was a
    # 500, later ones 200, and the sent counter moves
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        stats = requests.get(srv.url + BASE + "/debug/vars", timeout=30).json()
        counts = [v["values"] for v in stats["kapacitor"].values()
                  if v["name"] == "alert_deliveries" and v["tags"].get("kind") == "slack"]
        if counts and counts[0]["sent"] >= 1:
            break
        time.sleep(0.1)
    else:
        raise AssertionError("the retried delivery was never sent")
    assert len(slack.requests) >= 2
