"""The alerts API (``/kapacitor/v1/alerts/topics...``) in a real server, restating Kapacitor's
``server/server_test.go`` alert tests over HTTP: handler CRUD with JSON patches, topic and event
listings with their links, match/publish/aggregate handlers, anonymous topics following their
task, the state after a restart, failed deliveries counted in ``/debug/vars``, every error text.
"""
import itertools
import json
import time

import pytest
import requests
from alert_sinks import HTTPSink, TCPSink
from conftest import open_engine
from kapacitor_tasks import cursor, head, wait_for

BASE = "/kapacitor/v1"
TOPICS = BASE + "/alerts/topics"
_n = itertools.count()


def api(srv, method, path, body=None, *, raw=None, params=None):
    data = raw if raw is not None else (json.dumps(body) if body is not None else None)
    return requests.request(method, srv.url + path, data=data, params=params, timeout=30)


def ok(r, status=200):
    assert r.status_code == status, (r.status_code, r.text)
    return r.json() if r.content else None


def err(r, status, message):
    assert r.status_code == status, (r.status_code, r.text)
    assert r.content == json.dumps({"error": message, "message": message}, indent=4).encode()


def create_db(srv, db, rp="myrp"):
    ok(api(srv, "POST", "/query", params={"q": f'CREATE DATABASE "{db}" WITH NAME "{rp}"'}))


def create_task(srv, task_id, script, db, rp="myrp", status="enabled"):
    t = ok(api(srv, "POST", f"{BASE}/tasks", {"id": task_id, "type": "stream", "dbrps": [{"db": db, "rp": rp}],
                                              "script": script, "status": status}))
    assert wait_for(lambda: _task(srv, task_id)["executing"] or _task(srv, task_id)["error"])
    assert _task(srv, task_id)["executing"], _task(srv, task_id)["error"]
    return t


def _task(srv, task_id):
    return api(srv, "GET", f"{BASE}/tasks/{task_id}").json()


def write(srv, db, lines, rp="myrp", precision="s"):
    r = requests.post(f"{srv.url}/write", params={"db": db, "rp": rp, "precision": precision}, data=lines)
    assert r.status_code == 204, r.text
    assert wait_for(lambda: _caught_up(srv), timeout=30)


def _caught_up(srv):
    with open_engine(srv.data_dir) as eng:
        return cursor(eng) >= head(eng)


def events_of(sink, n, timeout=10.0):
    """The alert.Data events a TCP sink received (one JSON per connection), once ``n`` arrived."""
    return [json.loads(b) for b in sink.wait(n, timeout)]


def add_handler(srv, topic, handler_id, kind, options, match=""):
    body = {"id": handler_id, "kind": kind, "options": options}
    if match:
        body["match"] = match
    return ok(api(srv, "POST", f"{TOPICS}/{topic}/handlers", body))


def link(href, rel="self"):
    return {"rel": rel, "href": href}


def topic_json(topic, level="OK", collected=0):
    return {"link": link(f"{TOPICS}/{topic}"), "id": topic, "level": level, "collected": collected,
            "events-link": link(f"{TOPICS}/{topic}/events", "events"),
            "handlers-link": link(f"{TOPICS}/{topic}/handlers", "handlers")}


def event_json(topic, alert_id, message, details, time_text, duration, level):
    return {"link": link(f"{TOPICS}/{topic}/events/{alert_id}"), "id": alert_id,
            "state": {"message": message, "details": details, "time": time_text, "duration": duration,
                      "level": level}}


ALERT = """stream
    |from()
        .measurement('alert')
    |alert()
        .id('id')
        .message('message')
        .details('details')
        {levels}
        {extra}
"""


# -- handlers CRUD (TestServer_AlertHandlers_CRUD) -----------------------------------------------------
@pytest.mark.parametrize("topic,first,second", [("system", "myhandler", "newid"), ("tcp", "tcp", "tcp")])
def test_handler_crud_with_patch_put_and_delete(server, tmp_path, topic, first, second):
    topic = f"{topic}{next(_n)}"
    r = api(server, "POST", f"{TOPICS}/{topic}/handlers",
            {"id": first, "kind": "tcp", "options": {"address": "127.0.0.1:9"}})
    href = f"{TOPICS}/{topic}/handlers/{first}"
    want = {"link": link(href), "id": first, "kind": "tcp", "options": {"address": "127.0.0.1:9"}, "match": ""}
    assert ok(r) == want
    assert r.content == json.dumps(want, indent=4).encode()   # Go's MarshalIndent, struct order
    log_path = str(tmp_path / "alert.log")
    patched = ok(api(server, "PATCH", href, [
        {"op": "replace", "path": "/kind", "value": "log"},
        {"op": "remove", "path": "/options/address"},
        {"op": "add", "path": "/options/path", "value": log_path}]))
    assert patched == {"link": link(href), "id": first, "kind": "log", "options": {"path": log_path}, "match": ""}
    put = ok(api(server, "PUT", href, {"id": second, "kind": "exec", "options": {"prog": "/bin/true",
                                                                                 "args": ["a", "b"]}}))
    new_href = f"{TOPICS}/{topic}/handlers/{second}"
    want = {"link": link(new_href), "id": second, "kind": "exec", "options": {"args": ["a", "b"], "prog": "/bin/true"},
            "match": ""}
    assert put == want
    assert ok(api(server, "GET", new_href)) == want
    listed = ok(api(server, "GET", f"{TOPICS}/{topic}/handlers"))
    assert listed == {"link": link(f"{TOPICS}/{topic}/handlers"), "topic": topic, "handlers": [want]}
    ok(api(server, "DELETE", new_href), 204)
    err(api(server, "GET", new_href), 404, f'unknown handler: "{second}"')
    assert ok(api(server, "GET", f"{TOPICS}/{topic}/handlers"))["handlers"] == []
    ok(api(server, "DELETE", new_href), 204)   # deleting twice is fine


def test_list_handlers_by_pattern_and_topics_by_level(server, db):
    """TestServer_AlertListHandlers + TestServer_AlertListTopics (before the restart part)."""
    k = next(_n)
    names = [f"misc{k}", f"system{k}", f"test{k}"]
    for t in names:
        add_handler(server, t, "testAlertHandler", "tcp", {"address": "127.0.0.1:9"})
    for i in range(3):
        add_handler(server, names[2], f"handler{i}", "tcp", {"address": "127.0.0.1:9"})
    r = api(server, "GET", f"{TOPICS}/{names[2]}/handlers", params={"pattern": "handler*"})
    body = ok(r)
    assert body["link"] == link(f"{TOPICS}/{names[2]}/handlers?pattern=handler%2A")
    assert [h["id"] for h in body["handlers"]] == ["handler0", "handler1", "handler2"]
    body = ok(api(server, "GET", f"{TOPICS}/{names[2]}/handlers", params={"pattern": "handler0"}))
    assert [h["id"] for h in body["handlers"]] == ["handler0"]
    listed = ok(api(server, "GET", TOPICS, params={"min-level": "OK", "pattern": f"*{k}"}))
    assert listed == {"link": link(f"{TOPICS}?min-level=OK&pattern=%2A{k}"),
                      "topics": [topic_json(t) for t in names]}
    assert ok(api(server, "GET", f"{TOPICS}/{names[0]}")) == topic_json(names[0])
    create_db(server, db)
    script = ALERT.format(levels=".crit(lambda: TRUE)", extra=f".topic('{names[2]}')")
    create_task(server, f"list{k}", script, db)
    write(server, db, "alert value=1 0000000000")
    assert wait_for(lambda: ok(api(server, "GET", f"{TOPICS}/{names[2]}"))["level"] == "CRITICAL")
    got = ok(api(server, "GET", TOPICS, params={"min-level": "INFO", "pattern": f"*{k}"}))
    assert got["topics"] == [topic_json(names[2], "CRITICAL", 1)]
    got = ok(api(server, "GET", TOPICS, params={"min-level": "warn", "pattern": f"test{k}"}))   # WARN is WARNING
    assert [t["id"] for t in got["topics"]] == [names[2]]


# -- errors -----------------------------------------------------------------------------------------
def test_error_texts_and_codes(server):
    t = f"errors{next(_n)}"
    h = f"{TOPICS}/{t}/handlers"
    err(api(server, "POST", h, {"id": "x", "kind": "nope"}), 500, 'failed to create handler: unsupported action kind "nope"')
    err(api(server, "POST", h, {"id": "bad id", "kind": "tcp"}), 400,
        "invalid handler spec: handler ID must contain only letters, numbers, '-', '.' and '_'. \"bad id\"")
    err(api(server, "POST", f"{TOPICS}/bad%20topic/handlers", {"id": "h", "kind": "tcp"}), 400,
        "invalid handler spec: handler topic must contain only letters, numbers, '-', '.' and '_'. \"h\"")
    err(api(server, "POST", h, {"id": "x"}), 400, "invalid handler spec: handler Kind must not be empty")
    err(api(server, "POST", h, raw=b""), 400, "invalid handler json: EOF")
    err(api(server, "POST", h, raw=b'{"id": 5}'), 400,
        "invalid handler json: json: cannot unmarshal number into Go struct field HandlerSpec.id of type string")
    err(api(server, "POST", h, {"id": "a", "kind": "aggregate", "options": {"interval": "1s", "foo": 1}}), 500,
        "failed to create handler: failed to decode options into *alert.AggregateHandlerConfig: 2 error(s) "
        "decoding:\n\n* '' has invalid keys: foo\n* 'interval' expected type 'time.Duration', got unconvertible "
        "type 'string', value: '1s'")
    err(api(server, "POST", h, {"id": "m", "kind": "tcp", "options": {"address": "x:1"}, "match": "FOO == 1"}), 500,
        'failed to create handler: unknown identifier "FOO"')
    add_handler(server, t, "dup", "tcp", {"address": "127.0.0.1:9"})
    err(api(server, "POST", h, {"id": "dup", "kind": "tcp", "options": {"address": "127.0.0.1:9"}}), 500,
        'failed to create handler: cannot register handler, handler with ID "dup" already exists')
    err(api(server, "PUT", f"{h}/nosuch", {"id": "x", "kind": "tcp"}), 404, 'unknown handler: "nosuch"')
    err(api(server, "PATCH", f"{h}/nosuch", []), 404, 'unknown handler: "nosuch"')
    err(api(server, "PATCH", f"{h}/dup", [1]), 400,
        "invalid patch json: json: cannot unmarshal number into Go value of type jsonpatch.Operation")
    err(api(server, "PATCH", f"{h}/dup", {"op": "add"}), 400,
        "invalid patch json: json: cannot unmarshal object into Go value of type jsonpatch.Patch")
    for bad in ([{"op": "replace", "path": "/nope/x", "value": 1}], [{"op": "bogus", "path": "/id"}]):
        r = api(server, "PATCH", f"{h}/dup", bad)
        assert r.status_code == 400 and r.json()["error"].startswith("failed to apply patch: "), r.text
    assert ok(api(server, "PATCH", f"{h}/dup", raw=b"null"))["id"] == "dup"      # no operations
    err(api(server, "PATCH", f"{h}/dup", [{"op": "replace", "path": "/topic", "value": "other"}]), 500,
        "failed to update handler: cannot change topic in update")
    err(api(server, "GET", f"{TOPICS}/nosuch{t}"), 404, f'unknown topic: "nosuch{t}"')
    err(api(server, "GET", f"{TOPICS}/nosuch{t}/events"), 500, f'failed to get topic events: unknown topic "nosuch{t}"')
    err(api(server, "GET", f"{TOPICS}/{t}/events/nope"), 404, f'unknown event "nope" in topic "{t}"')
    err(api(server, "GET", TOPICS, params={"min-level": "bogus"}), 400, "unknown alert level 'BOGUS'")
    err(api(server, "GET", f"{TOPICS}/{t}/events", params={"min-level": "K"}), 400, "unknown alert level 'K'")
    err(api(server, "GET", TOPICS, params={"pattern": "[x"}), 400, "invalid pattern: syntax error in pattern")
    err(api(server, "GET", f"{TOPICS}/{t}/handlers", params={"pattern": "[x"}), 400,
        "invalid pattern: syntax error in pattern")


# -- events through topics ------------------------------------------------------------------------------
def test_match_expression_selects_the_events(server, db):
    """TestServer_Alert_Match: only serverA's CRITICAL reaches the handler."""
    k = next(_n)
    create_db(server, db)
    with TCPSink() as sink:
        add_handler(server, f"test{k}", "tcp_handler", "tcp", {"address": sink.address},
                    match="\"host\" == 'serverA' AND level() == CRITICAL")
        create_task(server, f"match{k}", ALERT.format(levels='.crit(lambda: "value" > 1.0)', extra=f".topic('test{k}')"),
                    db)
        write(server, db, "alert,host=serverA value=0 0000000000\nalert,host=serverB value=2 0000000001\n"
                          "alert,host=serverB value=0 0000000002\nalert,host=serverA value=2 0000000003\n"
                          "alert,host=serverB value=0 0000000004\n")
        got = events_of(sink, 1)
        time.sleep(0.5)
        assert len(sink.received) == 1
    assert got[0] == {"id": "id", "message": "message", "details": "details", "time": "1970-01-01T00:00:03Z",
                      "duration": 0, "level": "CRITICAL",
                      "data": {"series": [{"name": "alert", "tags": {"host": "serverA"}, "columns": ["time", "value"],
                                           "values": [["1970-01-01T00:00:03Z", 2]]}]},
                      "previousLevel": "OK", "recoverable": True}


def test_publish_and_aggregate_route_events_between_topics(server, db):
    """TestServer_Alert_Publish and TestServer_Alert_Aggregate."""
    k = next(_n)
    create_db(server, db)
    with TCPSink() as sink:
        add_handler(server, f"tcp{k}", "tcp_handler", "tcp", {"address": sink.address})
        add_handler(server, f"publish{k}", "publish_handler", "publish", {"topics": [f"tcp{k}"]})
        add_handler(server, f"agg{k}", "aggregate_handler", "aggregate",
                    {"id": "id-agg", "interval": 100_000_000, "topic": f"tcp{k}"})
        crit = '.crit(lambda: "value" > 1.0)'
        create_task(server, f"pub{k}", ALERT.format(levels=crit, extra=f".topic('publish{k}')"), db)
        write(server, db, "alert value=2 0000000000")
        published = events_of(sink, 1)[0]
        assert published == {"id": "id", "message": "message", "details": "details", "time": "1970-01-01T00:00:00Z",
                             "duration": 0, "level": "CRITICAL",
                             "data": {"series": [{"name": "alert", "columns": ["time", "value"],
                                                  "values": [["1970-01-01T00:00:00Z", 2]]}]},
                             "previousLevel": "OK", "recoverable": True}
        ok(api(server, "PATCH", f"{BASE}/tasks/pub{k}", {"status": "disabled"}))
        create_task(server, f"agg{k}", ALERT.format(levels=crit, extra=f".topic('agg{k}')"), db)
        write(server, db, "alert value=3 0000000000000\nalert value=4 0000000000001\nalert value=2 0000000000002\n",
              precision="ms")
        agg = events_of(sink, 2)[1]
    assert agg == {"id": "id-agg", "message": "Received 3 events in the last 100ms.",
                   "details": "message\nmessage\nmessage", "time": "1970-01-01T00:00:00.002Z", "duration": 2_000_000,
                   "level": "CRITICAL",
                   "data": {"series": [{"name": "alert", "columns": ["time", "value"],
                                        "values": [["1970-01-01T00:00:00Z", 3]]},
                                       {"name": "alert", "columns": ["time", "value"],
                                        "values": [["1970-01-01T00:00:00.001Z", 4]]},
                                       {"name": "alert", "columns": ["time", "value"],
                                        "values": [["1970-01-01T00:00:00.002Z", 2]]}]},
                   "previousLevel": "OK", "recoverable": False}
    events = ok(api(server, "GET", f"{TOPICS}/tcp{k}/events"))
    assert events == {"link": link(f"{TOPICS}/tcp{k}/events"), "topic": f"tcp{k}", "events": [
        event_json(f"tcp{k}", "id", "message", "details", "1970-01-01T00:00:00Z", "0s", "CRITICAL"),
        event_json(f"tcp{k}", "id-agg", "Received 3 events in the last 100ms.", "message\nmessage\nmessage",
                   "1970-01-01T00:00:00.002Z", "2ms", "CRITICAL")]}


def test_anonymous_topic_follows_its_task(server, db):
    """TestServer_AlertAnonTopic (without the restarts)."""
    k = next(_n)
    create_db(server, db)
    task_id = f"anon{k}"
    topic = f"main:{task_id}:alert2"
    with TCPSink() as sink:
        script = ALERT.format(levels='.warn(lambda: "value" <= 1.0)\n        .crit(lambda: "value" > 1.0)',
                              extra=f".tcp('{sink.address}')")
        create_task(server, task_id, script, db)
        write(server, db, "alert value=1 0000000000")
        assert events_of(sink, 1)[0]["level"] == "WARNING"
    want = {"link": link(f"{TOPICS}/{topic}/events"), "topic": topic,
            "events": [event_json(topic, "id", "message", "details", "1970-01-01T00:00:00Z", "0s", "WARNING")]}
    assert ok(api(server, "GET", f"{TOPICS}/{topic}/events")) == want
    assert ok(api(server, "GET", f"{TOPICS}/{topic}/events/id")) == want["events"][0]
    assert ok(api(server, "GET", f"{TOPICS}/{topic}/handlers"))["handlers"] == []   # inline ones are not listed
    assert ok(api(server, "GET", f"{TOPICS}/{topic}/events", params={"min-level": "CRITICAL"}))["events"] == []
    ok(api(server, "PATCH", f"{BASE}/tasks/{task_id}", {"status": "disabled"}))
    assert wait_for(lambda: api(server, "GET", f"{TOPICS}/{topic}/events").status_code == 500)
    err(api(server, "GET", f"{TOPICS}/{topic}/events"), 500, f'failed to get topic events: unknown topic "{topic}"')
    ok(api(server, "PATCH", f"{BASE}/tasks/{task_id}", {"status": "enabled"}))
    assert wait_for(lambda: api(server, "GET", f"{TOPICS}/{topic}/events").status_code == 200)
    assert ok(api(server, "GET", f"{TOPICS}/{topic}/events")) == want
    ok(api(server, "DELETE", f"{BASE}/tasks/{task_id}"), 204)
    assert wait_for(lambda: api(server, "GET", f"{TOPICS}/{topic}/events").status_code == 500)


def test_delete_topic(server, db):
    k = next(_n)
    create_db(server, db)
    create_task(server, f"del{k}", ALERT.format(levels=".warn(lambda: TRUE)", extra=f".topic('del{k}')"), db)
    write(server, db, "alert value=1 0000000000")
    assert wait_for(lambda: api(server, "GET", f"{TOPICS}/del{k}/events/id").status_code == 200)
    ok(api(server, "DELETE", f"{TOPICS}/del{k}"), 204)
    err(api(server, "GET", f"{TOPICS}/del{k}"), 404, f'unknown topic: "del{k}"')


def test_failed_deliveries_are_counted_and_block_nothing(server, db):
    k = next(_n)
    create_db(server, db)
    with TCPSink() as sink, HTTPSink(status=500) as failing:
        add_handler(server, f"count{k}", "bad", "post", {"url": failing.url + "/down"})
        add_handler(server, f"count{k}", "good", "tcp", {"address": sink.address})
        create_task(server, f"count{k}", ALERT.format(levels='.crit(lambda: "value" > 1.0)', extra=f".topic('count{k}')"),
                    db)
        write(server, db, "alert value=2 0000000000\nalert value=0 0000000001\nalert value=3 0000000002")
        assert [e["level"] for e in events_of(sink, 3)] == ["CRITICAL", "OK", "CRITICAL"]
        assert len(failing.wait(6, timeout=15)) >= 6   # each event tried, then retried
    assert _task(server, f"count{k}")["executing"]
    stats = _delivery_stats(server)
    assert stats["post"]["failed"] >= 6 and stats["post"]["sent"] == 0
    assert stats["tcp"]["sent"] >= 3
    topics = {s["tags"]["id"]: s["values"] for s in _debug_vars(server)["kapacitor"].values() if s["name"] == "topics"}
    assert topics[f"count{k}"] == {"collected": 3}


def _debug_vars(srv):
    return ok(api(srv, "GET", f"{BASE}/debug/vars"))


def _delivery_stats(srv):
    return {s["tags"]["kind"]: s["values"] for s in _debug_vars(srv)["kapacitor"].values()
            if s["name"] == "alert_deliveries"}


# -- restarts ---------------------------------------------------------------------------------------------
def test_topic_state_survives_a_restart(make_server, tmp_path):
    """TestServer_AlertTopic_PersistedState, TestServer_AlertListHandlers' restart and
    TestServer_Alert_Duration: events, levels and handlers are back after a restart; collected
    counters restart at 0 as Kapacitor's statistics do; OK events are not kept."""
    srv = make_server()
    create_db(srv, "mydb")
    with TCPSink() as sink:
        add_handler(srv, "test", "testAlertHandler", "tcp", {"address": sink.address})
        script = ALERT.format(levels=".warn(lambda: TRUE)", extra=f".topic('test')\n        .log('{tmp_path}/a.log')")
        create_task(srv, "testAlertHandlers", script, "mydb")
        write(srv, "mydb", "alert value=1 0000000000")
        assert events_of(sink, 1)[0]["level"] == "WARNING"
    srv.restart()
    for topic in ("test", "main:testAlertHandlers:alert2"):
        want = {"link": link(f"{TOPICS}/{topic}/events"), "topic": topic,
                "events": [event_json(topic, "id", "message", "details", "1970-01-01T00:00:00Z", "0s", "WARNING")]}
        assert wait_for(lambda topic=topic: api(srv, "GET", f"{TOPICS}/{topic}/events").status_code == 200)
        assert ok(api(srv, "GET", f"{TOPICS}/{topic}/events")) == want
        assert ok(api(srv, "GET", f"{TOPICS}/{topic}")) == topic_json(topic, "WARNING", 0)
        ok(api(srv, "DELETE", f"{TOPICS}/{topic}"), 204)
        assert api(srv, "GET", f"{TOPICS}/{topic}/events").status_code == 500
    handlers = ok(api(srv, "GET", f"{TOPICS}/test/handlers"))["handlers"]
    assert [h["id"] for h in handlers] == ["testAlertHandler"]


def test_restart_with_active_alerts_does_not_refire_and_still_recovers(make_server):
    srv = make_server()
    create_db(srv, "mydb")
    with TCPSink() as sink:
        add_handler(srv, "sco", "h", "tcp", {"address": sink.address})
        script = ALERT.format(levels='.crit(lambda: "value" > 1.0)', extra=".topic('sco')\n        .stateChangesOnly()")
        create_task(srv, "sco", script, "mydb")
        write(srv, "mydb", "alert value=2 0000000000")
        assert [e["level"] for e in events_of(sink, 1)] == ["CRITICAL"]
        srv.restart()
        assert wait_for(lambda: _task(srv, "sco")["executing"])
        write(srv, "mydb", "alert value=3 0000000001")   # still critical: no new event
        time.sleep(1.0)
        assert len(sink.received) == 1
        write(srv, "mydb", "alert value=0 0000000002")   # the recovery is sent
        got = events_of(sink, 2)
    assert [(e["level"], e["previousLevel"]) for e in got] == [("CRITICAL", "OK"), ("OK", "CRITICAL")]
    assert got[1]["duration"] == 2_000_000_000
    assert ok(api(srv, "GET", f"{TOPICS}/sco"))["level"] == "OK"


def test_persist_topics_false_forgets_states_after_a_restart(make_server):
    srv = make_server(config="[alert]\npersist-topics = false\n", start=False)
    try:
        srv.start()
    except RuntimeError as ex:
        pytest.skip(f"the [alert] config section is not registered in this build: {ex}")
    create_db(srv, "mydb")
    create_task(srv, "np", ALERT.format(levels=".crit(lambda: TRUE)", extra=".topic('np')"), "mydb")
    write(srv, "mydb", "alert value=2 0000000000")
    assert wait_for(lambda: api(srv, "GET", f"{TOPICS}/np/events/id").status_code == 200)
    srv.restart()
    assert ok(api(srv, "GET", f"{TOPICS}/np/events"))["events"] == []


# -- topic handler kinds (TestServer_AlertHandlers, the kinds that need no service) ------------------------
AD_JSON = (b'{"id":"id","message":"message","details":"details","time":"1970-01-01T00:00:00Z","duration":0,'
           b'"level":"CRITICAL","data":{"series":[{"name":"alert","columns":["time","value"],'
           b'"values":[["1970-01-01T00:00:00Z",1]]}]},"previousLevel":"OK","recoverable":true}')


@pytest.mark.parametrize("kind", ["exec", "log", "post", "tcp"])
def test_topic_handler_kinds_send_what_kapacitor_sends(server, db, tmp_path, kind):
    k = next(_n)
    create_db(server, db)
    out = tmp_path / "out"
    with TCPSink() as tcp, HTTPSink() as http:
        if kind == "exec":
            prog = tmp_path / "handler.sh"
            prog.write_text(f'#!/bin/sh\necho "$@" > {tmp_path}/args\ncat > {out}\n')
            prog.chmod(0o755)
            options = {"prog": str(prog), "args": ["arg1", "arg2", "arg3"]}
        elif kind == "log":
            options = {"path": str(out)}
        elif kind == "post":
            options = {"url": http.url + "/alert"}
        else:
            options = {"address": tcp.address}
        add_handler(server, f"kinds{k}", "testAlertHandlers", kind, options)
        create_task(server, f"kinds{k}", ALERT.format(levels=".crit(lambda: TRUE)", extra=f".topic('kinds{k}')"), db)
        write(server, db, "alert value=1 0000000000")
        if kind == "post":
            (req,) = http.wait(1)
            assert (req.method, req.path, req.headers["Content-Type"]) == ("POST", "/alert", "application/json")
            assert req.body == AD_JSON + b"\n"
        elif kind == "tcp":
            assert tcp.wait(1)[0].rstrip(b"\n") == AD_JSON
        else:
            assert wait_for(lambda: out.exists() and out.read_bytes().endswith(b"\n"))
            assert out.read_bytes() == AD_JSON + b"\n"
            if kind == "exec":
                assert (tmp_path / "args").read_text() == "arg1 arg2 arg3\n"


def test_alert_duration_across_restarts(make_server):
    """TestServer_Alert_Duration: the anonymous topic's event keeps counting from its first
    trigger across restarts."""
    srv = make_server()
    create_db(srv, "mydb")
    topic = "main:testAlertHandlers:alert2"
    with TCPSink() as sink:
        script = ALERT.format(levels='.crit(lambda: "value" > 1.0)', extra=f".tcp('{sink.address}')")
        create_task(srv, "testAlertHandlers", script, "mydb")
        write(srv, "mydb", "alert value=2 0000000000")
        events_of(sink, 1)
        srv.restart()
        assert wait_for(lambda: api(srv, "GET", f"{TOPICS}/{topic}/events").status_code == 200)
        assert ok(api(srv, "GET", f"{TOPICS}/{topic}/events"))["events"] == [
            event_json(topic, "id", "message", "details", "1970-01-01T00:00:00Z", "0s", "CRITICAL")]
        write(srv, "mydb", "alert value=3 0000000001")
        events_of(sink, 2)
        srv.restart()
        assert wait_for(lambda: api(srv, "GET", f"{TOPICS}/{topic}/events").status_code == 200)
        assert ok(api(srv, "GET", f"{TOPICS}/{topic}/events/id")) == event_json(
            topic, "id", "message", "details", "1970-01-01T00:00:01Z", "1s", "CRITICAL")
