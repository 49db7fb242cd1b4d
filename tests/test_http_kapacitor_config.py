"""``/kapacitor/v1/config`` and ``/kapacitor/v1/service-tests`` over real HTTP, in a real server.

The server's processes (master, workers, engine process) register the test's own services at
start (tests/kapacitor_config_services.py through ``sitecustomize``): ``cfgplain``, a plain
section whose handler POSTs to the url its section holds *at delivery time*, and ``cfglist``, a
list section.  Checked: the config file's Kapacitor sections, Go's encoder output, redaction,
errors with Kapacitor's text and status, overrides surviving a restart and applying to a running
task's handler without one, service tests' answers.
"""
import json
import time

import pytest
import requests
from alert_sinks import HTTPSink
from kapacitor_config_services import server_env

BASE = "/kapacitor/v1"

CONFIG = """
workers = 2

[cfgplain]
retries = 2
token = "s3cret"
timeout = "90s"

[[cfglist]]
workspace = "b"
channel = "#b"

[[cfglist]]
workspace = "a"
url = "http://hooks/a"

[deadman]
interval = "1m"
"""


@pytest.fixture
def env(tmp_path, monkeypatch):
    for name, value in server_env(tmp_path).items():
        monkeypatch.setenv(name, value)


def get(srv, path, **params):
    return requests.get(srv.url + BASE + path, params=params, timeout=30)


def post(srv, path, body):
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return requests.post(srv.url + BASE + path, data=data, timeout=30)


def error(status, message):
    body = json.dumps({"error": message, "message": message}, indent=4).encode()
    return status, body.replace(b"<", b"\\u003c").replace(b">", b"\\u003e").replace(b"&", b"\\u0026")


def test_file_sections_overrides_and_a_restart(env, make_server):
    srv = make_server(config=CONFIG)
    r = get(srv, "/config")
    assert r.status_code == 200 and r.headers["Content-Type"] == "application/json; charset=utf-8"
    assert r.content.endswith(b"}\n") and b"\n" not in r.content[:-1]   # Go's json.Encoder: compact + newline
    sections = r.json()["sections"]
    assert "deadman" not in sections and "alert" not in sections
    assert sections["cfgplain"]["elements"][0]["options"] == {
        "enabled": False, "global": False, "headers": {}, "ratio": 0.5, "retries": 2, "state-changes-only": False,
        "tags": [], "timeout": "1m30s", "token": True, "url": ""}
    assert b"s3cret" not in r.content
    assert [e["link"]["href"] for e in sections["cfglist"]["elements"]] == [
        "/kapacitor/v1/config/cfglist/a", "/kapacitor/v1/config/cfglist/b"]
    assert get(srv, "/config/cfglist/a").json()["options"]["url"] is True

    r = post(srv, "/config/cfgplain/", {"set": {"retries": 7, "url": "http://x"}, "delete": ["ratio"]})
    assert (r.status_code, r.content) == (204, b"")
    r = post(srv, "/config/cfglist", {"add": {"workspace": "c", "channel": "#c"}})
    assert r.status_code == 204
    r = post(srv, "/config/cfglist", {"remove": ["b"]})   # b is the file's: no override to remove
    assert r.status_code == 204
    r = post(srv, "/config/cfglist/b", {"set": {"channel": "#bb"}})
    assert r.status_code == 204

    def check():
        plain = get(srv, "/config/cfgplain/").json()["options"]
        assert plain["retries"] == 7 and plain["url"] == "http://x" and plain["timeout"] == "1m30s"
        listed = get(srv, "/config/cfglist").json()["elements"]
        assert [(e["options"]["workspace"], e["options"]["channel"]) for e in listed] == [
            ("a", ""), ("b", "#bb"), ("c", "#c")]

    for _ in range(4):   # every worker answers the same
        check()
    srv.stop()
    srv.start()
    check()   # overrides live in the store


def test_errors_in_kapacitors_words(env, make_server):
    srv = make_server(workers=1)
    cases = [
        (get(srv, "/config/"), error(400, "section not specified, do you have an extra trailing '/'?")),
        (get(srv, "/config/nosuch"), error(404, "unknown section: nosuch")),
        (get(srv, "/config/deadman"), error(404, "unknown section: deadman")),
        (get(srv, "/config/cfglist/zz"), error(404, "unknown section/element: cfglist/zz")),
        (post(srv, "/config/cfgplain/", b""), error(400, "failed to decode JSON:EOF")),
        (post(srv, "/config/cfgplain", {"set": {"url": "x"}}),
         error(400, "failed to apply update: invalid update action: element not specified, are you missing a "
                    "trailing '/'?")),
        (post(srv, "/config/cfgplain/", {"set": {"retries": "x"}}),
         error(400, 'failed to override configuration cfgplain/: cannot set option retries: cannot convert string '
                    '"x" into int')),
        (post(srv, "/config/cfgplain/", {"set": {"enabled": True}}),
         error(400, "failed to override configuration cfgplain/: failed validation: must specify url")),
        (post(srv, "/config/cfglist", {"add": {"channel": "#x"}}),
         error(400, 'failed to apply update: missing key "workspace" in "add" map')),
        (requests.put(srv.url + BASE + "/config/cfgplain/", data="{}", timeout=30), error(404, "Not Found")),
        (post(srv, "/config", {"set": {}}), error(404, "Not Found")),
        (get(srv, "/service-tests/"), error(400, "must provide service name")),
        (get(srv, "/service-tests/nosuch"), error(404, 'service "nosuch" not found')),
        (post(srv, "/service-tests/cfgplain", b""), error(400, "failed to decode JSON body:EOF")),
        (get(srv, "/service-tests", pattern="["), error(400, "bad pattern: syntax error in pattern")),
        (requests.put(srv.url + BASE + "/config/cfgplain", data="{}", timeout=30), error(404, "Not Found")),
        (post(srv, "/config/cfglist/a/b", {"set": {}}),
         error(400, 'failed to apply update: invalid update action: invalid element name "a/b"')),
        (get(srv, "/config/cfglist/a/b"), error(404, "unknown section/element: cfglist/a/b")),
        (requests.post(srv.url + "/kapacitor/v1preview/config/nosuch/", data='{"set": {"x": 1}}', timeout=30),
         error(400, "failed to override configuration nosuch/: unknown options [x] in section nosuch")),
    ]
    for r, (status, body) in cases:
        assert (r.status_code, r.content) == (status, body), r.url
    routes = get(srv, "/:routes").json()
    assert {m for m in routes["/kapacitor/v1/config/"]} >= {"GET", "POST"}
    assert {m for m in routes["/kapacitor/v1/service-tests/"]} >= {"GET", "POST"}
    assert "GET" in routes["/kapacitor/v1/config"] and "GET" in routes["/kapacitor/v1/service-tests"]


def test_service_tests_through_the_configured_service(env, make_server):
    with HTTPSink() as sink:
        srv = make_server(config=f'[cfgplain]\nenabled = true\nurl = "{sink.url}/first"\n', workers=1)
        listing = get(srv, "/service-tests").json()
        assert listing["link"] == {"rel": "self", "href": "/kapacitor/v1/service-tests"}
        assert {"link": {"rel": "self", "href": "/kapacitor/v1/service-tests/cfgplain"}, "name": "cfgplain",
                "options": {"prefix": "", "message": "test cfgplain message", "count": 1}} in listing["services"]
        assert get(srv, "/service-tests", pattern="cfgl*").json()["services"] == [
            {"link": {"rel": "self", "href": "/kapacitor/v1/service-tests/cfglist"}, "name": "cfglist",
             "options": {"workspace": ""}}]
        assert get(srv, "/service-tests/cfgplain").content == (
            b'{"link":{"rel":"self","href":"/kapacitor/v1/service-tests/cfgplain"},"name":"cfgplain",'
            b'"options":{"prefix":"","message":"test cfgplain message","count":1}}\n')

        r = post(srv, "/service-tests/cfgplain", {"prefix": "hello"})
        assert (r.status_code, r.content) == (200, b'{"success":true,"message":""}\n')
        assert [(q.path, json.loads(q.body)) for q in sink.wait(1)] == [
            ("/first", {"prefix": "hello", "message": "test cfgplain message"})]

        # an override is what the next test uses
        assert post(srv, "/config/cfgplain/", {"set": {"url": sink.url + "/second"}}).status_code == 204
        assert post(srv, "/service-tests/cfgplain", {}).json() == {"success": True, "message": ""}
        assert sink.wait(2)[1].path == "/second"

        assert post(srv, "/config/cfgplain/", {"set": {"enabled": False}}).status_code == 204
        r = post(srv, "/service-tests/cfgplain", {})
        assert (r.status_code, r.content) == (200, b'{"success":false,"message":"service is not enabled"}\n')
        assert post(srv, "/service-tests/cfglist", {"workspace": "nope"}).json() == {
            "success": False, "message": "unknown workspace 'nope'"}


SCRIPT = """stream
    |from()
        .measurement('cpu')
    |alert()
        .id('cpu')
        .message('value is {{ index .Fields "value" }}')
        .crit(lambda: "value" > 0)
"""


def _write(srv, value):
    r = requests.post(srv.url + BASE + "/write", params={"db": "db", "rp": "autogen"},
                      data=f"cpu value={value} {time.time_ns()}", timeout=30)
    assert r.status_code == 204, r.text


def test_an_override_reaches_a_running_tasks_handler_without_a_restart(env, make_server):
    with HTTPSink() as first, HTTPSink() as second:
        config = f'[cfgplain]\nenabled = true\nglobal = true\nurl = "{first.url}/hook"\n'
        srv = make_server(config=config)
        r = requests.post(srv.url + BASE + "/tasks", timeout=30, data=json.dumps(
            {"id": "t", "type": "stream", "dbrps": [{"db": "db", "rp": "autogen"}], "script": SCRIPT,
             "status": "enabled"}))
        assert r.status_code == 200, r.text
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not get(srv, "/tasks/t").json().get("executing"):
            time.sleep(0.05)
        _write(srv, 1)
        got = first.wait(1, timeout=30)
        assert [json.loads(q.body) for q in got] == [{"prefix": "", "message": "value is 1"}]

        assert post(srv, "/config/cfgplain/", {"set": {"url": second.url + "/hook"}}).status_code == 204
        _write(srv, 2)
        got = second.wait(1, timeout=30)
        assert [json.loads(q.body) for q in got] == [{"prefix": "", "message": "value is 2"}]
        assert len(first.requests) == 1
