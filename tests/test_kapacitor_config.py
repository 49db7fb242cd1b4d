"""Kapacitor's configuration in-process (machstore/kapacitor/config/): values, config file
sections, the effective view, the override API's answers and errors, service tests.

Kapacitor's behaviour restated from ``services/config/service.go``, ``services/config/override/``
and ``server/server_test.go`` (TestServer_UpdateConfig, TestServer_ListServiceTests,
TestServer_DoServiceTest), on sections the test registers itself (tests/kapacitor_config_services.py)
and the core ``[alert]``/``[deadman]`` sections.
"""
from __future__ import annotations

import json

import pytest
from alert_sinks import HTTPSink
from kapacitor_config_services import install

from machstore.config import ConfigError, load_settings
from machstore.engine import Engine
from machstore.kapacitor import config
from machstore.kapacitor.config import api, records, servicetests
from machstore.kapacitor.config.values import OptionError, canonical_duration, from_override, parse_duration

install()


@pytest.fixture
def engine(tmp_path):
    eng = Engine(str(tmp_path / "data"))
    yield eng
    eng.close()


def post(engine, path, body):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    api.update(engine, "/kapacitor/v1/config/" + path, raw)


def get(engine, path=""):
    return json.loads(api.get(engine, "/kapacitor/v1/config" + path))


def fails(fn, *args):
    with pytest.raises(api.ConfigApiError) as info:
        fn(*args)
    return info.value.status, info.value.message


# -- values -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "ns"), [("10s", 10**10), ("1h", 3600 * 10**9), ("1.5s", 1_500_000_000),
                                          ("1h30m", 5400 * 10**9), ("-2ms", -2_000_000), ("0", 0), (".5m", 30 * 10**9),
                                          ("100us", 100_000), ("3µs", 3000)])
def test_parse_duration_is_gos(text, ns):
    assert parse_duration(text) == ns


@pytest.mark.parametrize(("text", "message"), [("abc", 'time: invalid duration "abc"'),
                                               ("1", 'time: missing unit in duration "1"'),
                                               ("1x", 'time: unknown unit "x" in duration "1x"'),
                                               ("", 'time: invalid duration ""')])
def test_parse_duration_errors_are_gos(text, message):
    with pytest.raises(OptionError) as info:
        parse_duration(text)
    assert str(info.value) == message


def test_durations_show_as_gos_string():
    assert [canonical_duration(t) for t in ("1h", "90s", "0s", "1500ms")] == ["1h0m0s", "1m30s", "0s", "1.5s"]


@pytest.mark.parametrize(("default", "value", "expected"), [
    (0, 3.9, 3), (0, "42", 42), (0.5, 2, 2.0), (0.5, "2.5", 2.5), ("", "x", "x"), (False, True, True),
    ("0s", "1h", "1h0m0s"), ("10s", "", "10s"), ([], ["a", "b"], ["a", "b"]), ({}, {"k": "v"}, {"k": "v"}),
])
def test_override_values_convert_as_weak_copy(default, value, expected):
    got = from_override(default, value)
    assert got == expected and type(got) is type(expected)


@pytest.mark.parametrize(("default", "value", "message"), [
    ("", 1, "wrong kind float64, expected value of kind string: false"),
    (False, "true", "wrong kind string, expected value of kind bool: false"),
    (0, "abc", 'cannot convert string "abc" into int'),
    (0.5, "x", 'cannot convert string "x" into float64'),
    (0, True, "cannot convert bool into int"),
    ("0s", 5, "cannot unmarshal float64 into int64"),
    ("0s", None, "reflect: call of reflect.Value.Type on zero Value"),
    ("0s", "soon", 'time: invalid duration "soon"'),
    ("", None, "wrong kind invalid, expected value of kind string: false"),
    ([], [1], "failed to copy slice value: wrong kind float64, expected value of kind string: false"),
    ({}, {"k": 1}, "failed to copy map value: wrong kind float64, expected value of kind string: false"),
    ([], "a", "wrong kind string, expected value of kind slice: false"),
])
def test_override_value_errors_are_kapacitors(default, value, message):
    with pytest.raises(OptionError) as info:
        from_override(default, value)
    assert str(info.value) == message


# -- the config file ---------------------------------------------------------------------------------
FILE = """
workers = 1
[continuous_queries]
enabled = false

[cfgplain]
enabled = true
url = "http://127.0.0.1:1/x"
token = "secret"
timeout = "90s"
tags = ["a", "b"]

[[cfglist]]
workspace = "private"
enabled = true
url = "http://hooks/private"
channel = "#ops"

[[cfglist]]
workspace = "public"
default = true

[deadman]
interval = "1m"
global = true

[alert]
persist-topics = false
"""


def test_the_config_file_sections_go_to_their_own_setting(tmp_path):
    path = tmp_path / "m.conf"
    path.write_text(FILE)
    s = load_settings(str(path))
    assert s.workers == 1 and s.continuous_queries_enabled is False
    assert s.kapacitor_sections == {
        "cfgplain": [{"enabled": True, "url": "http://127.0.0.1:1/x", "token": "secret", "timeout": "1m30s",
                      "tags": ["a", "b"]}],
        "cfglist": [{"workspace": "private", "enabled": True, "url": "http://hooks/private", "channel": "#ops"},
                    {"workspace": "public", "default": True}],
        "deadman": [{"interval": "1m0s", "global": True}],
        "alert": [{"persist-topics": False}],
    }


def test_the_settings_repr_hides_kapacitor_secrets(tmp_path):
    path = tmp_path / "m.conf"
    path.write_text(FILE)
    shown = repr(load_settings(str(path)))
    assert "secret" not in shown and "hooks/private" not in shown
    assert "'kapacitor_sections': ['alert', 'cfglist', 'cfgplain', 'deadman']" in shown


def test_the_sections_reach_the_engine_process_by_its_environment_not_its_argv(tmp_path):
    from machstore.engine_process import SECTIONS_ENV, command_line, environment

    path = tmp_path / "m.conf"
    path.write_text(FILE)
    s = load_settings(str(path))
    assert "secret" not in " ".join(command_line(s, parent_pid=1, ready_fd=3))   # argv is public (ps)
    assert json.loads(environment(s)[SECTIONS_ENV]) == s.kapacitor_sections


def test_the_flag_takes_the_sections_as_json_and_a_later_file_replaces_a_section(tmp_path):
    first, second = tmp_path / "a.conf", tmp_path / "b.conf"
    first.write_text("[deadman]\ninterval = \"1m\"\n[alert]\npersist-topics = false\n")
    second.write_text("[deadman]\nthreshold = 2\n")
    s = load_settings([str(first), str(second)])
    assert s.kapacitor_sections == {"deadman": [{"threshold": 2.0}], "alert": [{"persist-topics": False}]}
    s = load_settings(None, {"kapacitor_sections": '{"deadman": {"id": "x"}}'})
    assert s.kapacitor_sections == {"deadman": [{"id": "x"}]}


@pytest.mark.parametrize(("text", "message"), [
    ("[cfgplain]\nbogus = 1\n", "unknown option 'bogus' in [cfgplain]"),
    ("[cfgplain]\nretries = \"x\"\n", "[cfgplain] retries: expected an integer, got 'x'"),
    ("[cfgplain]\ntimeout = 5\n", "[cfgplain] timeout: expected a duration text"),
    ("[cfgplain]\ntimeout = \"5 minutes\"\n", 'time: unknown unit " minutes" in duration "5 minutes"'),
    ("[[cfgplain]]\nurl = \"a\"\n[[cfgplain]]\nurl = \"b\"\n", "[cfgplain] is not a list section"),
    ("[[cfglist]]\nworkspace = \"a\"\n[[cfglist]]\nworkspace = \"a\"\n",
     'section "cfglist" has duplicate elements: "a"'),
    ("[cfgplain]\nenabled = true\n", "invalid [cfgplain] section: must specify url"),
    ("[cfglist]\nenabled = true\nworkspace = \"w\"\n", "invalid [cfglist] section: must specify url for workspace 'w'"),
    ("[influxdb]\nenabled = true\n", "unknown setting 'influxdb_enabled'"),
])
def test_bad_kapacitor_sections_stop_the_start(tmp_path, text, message):
    path = tmp_path / "m.conf"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_settings(str(path))
    assert message in str(info.value)


# -- the effective view -------------------------------------------------------------------------------
def test_the_view_layers_defaults_file_and_overrides(engine):
    view = config.view(engine)
    assert view.element("deadman")["interval"] == "10s"
    assert view.element("alert") == {"persist-topics": True, "topic-buffer-length": 5000}
    assert view.elements("cfglist") == [{"workspace": "", "default": False, "enabled": False, "channel": "",
                                         "url": ""}]   # Kapacitor's NewConfig: one default element
    records.install_file_sections(engine, {"deadman": [{"interval": "1m0s"}], "cfgplain": [{"retries": 2}]})
    view = config.view(engine)
    assert view.element("deadman")["interval"] == "1m0s"
    assert view.element("cfgplain")["retries"] == 2
    post(engine, "cfgplain/", {"set": {"retries": "5", "timeout": "2m"}})
    view = config.view(engine)
    assert view.element("cfgplain")["retries"] == 5 and view.element("cfgplain")["timeout"] == "2m0s"
    post(engine, "cfgplain/", {"delete": ["retries"]})
    assert config.view(engine).element("cfgplain")["retries"] == 2   # back to the file's value


def test_the_view_is_cached_until_the_config_changes(engine):
    first = config.view(engine)
    assert config.view(engine) is first
    post(engine, "cfgplain/", {"set": {"retries": 1}})
    second = config.view(engine)
    assert second is not first and config.view(engine) is second
    records.install_file_sections(engine, {"cfgplain": [{"ratio": 1.0}]})
    assert config.view(engine) is not second


def test_a_stale_override_is_left_out_of_the_view_not_fatal(engine):
    post(engine, "cfgplain/", {"set": {"url": "http://x"}})
    # the file now makes the stored override fail validation (enabled without url is fine; retries < 0 not)
    records.install_file_sections(engine, {"cfgplain": [{"retries": -1}]})
    assert config.view(engine).element("cfgplain")["url"] == ""
    status, message = fails(get, engine, "/cfgplain")
    assert (status, message) == (500, ("failed to resolve current config:failed to apply configuration overrides: "
                                      "failed to override configuration cfgplain/: failed validation: "
                                      "retries must not be negative"))


# -- GET /config ----------------------------------------------------------------------------------------
PLAIN_DEFAULT = {"enabled": False, "global": False, "headers": {}, "ratio": 0.5, "retries": 0,
                 "state-changes-only": False, "tags": [], "timeout": "0s", "token": False, "url": ""}


def test_get_lists_the_overridable_sections_with_links_and_redaction(engine):
    body = get(engine)
    assert body["link"] == {"rel": "self", "href": "/kapacitor/v1/config"}
    assert "alert" not in body["sections"] and "deadman" not in body["sections"]   # no override tag in Kapacitor
    assert body["sections"]["cfgplain"] == {
        "link": {"rel": "self", "href": "/kapacitor/v1/config/cfgplain"},
        "elements": [{"link": {"rel": "self", "href": "/kapacitor/v1/config/cfgplain/"},
                      "options": PLAIN_DEFAULT, "redacted": ["token"]}]}
    assert get(engine, "/cfgplain") == body["sections"]["cfgplain"]
    assert get(engine, "/cfgplain/") == body["sections"]["cfgplain"]["elements"][0]


def test_answers_are_gos_encoder_output(engine):
    raw = api.get(engine, "/kapacitor/v1/config/cfglist/")
    assert raw == (b'{"link":{"rel":"self","href":"/kapacitor/v1/config/cfglist/"},"options":{"channel":"",'
                   b'"default":false,"enabled":false,"url":false,"workspace":""},"redacted":["url"]}\n')


def test_secrets_show_whether_they_are_set(engine):
    records.install_file_sections(engine, {"cfgplain": [{"token": "s3cret"}]})
    element = get(engine, "/cfgplain/")
    assert element["options"]["token"] is True and element["redacted"] == ["token"]
    assert b"s3cret" not in api.get(engine, "/kapacitor/v1/config")
    post(engine, "cfgplain/", {"set": {"token": ""}})
    assert get(engine, "/cfgplain/")["options"]["token"] is False


@pytest.mark.parametrize(("path", "status", "message"), [
    ("/", 400, "section not specified, do you have an extra trailing '/'?"),
    ("/nosuch", 404, "unknown section: nosuch"),
    ("/deadman", 404, "unknown section: deadman"),
    ("/cfgplain/x", 404, "unknown section/element: cfgplain/x"),
    ("/cfglist/nosuch", 404, "unknown section/element: cfglist/nosuch"),
])
def test_get_errors(engine, path, status, message):
    assert fails(get, engine, path) == (status, message)


# -- POST /config: list sections (TestServer_UpdateConfig's slack case, restated) ------------------------
def test_add_set_and_remove_elements_of_a_list_section(engine):
    records.install_file_sections(engine, {"cfglist": [{"workspace": "", "default": True}]})
    post(engine, "cfglist", {"add": {"workspace": "company_private", "enabled": True, "channel": "#general",
                                     "url": "http://example.com/secret-token"}})
    post(engine, "cfglist", {"add": {"workspace": "company_public", "enabled": True,
                                     "url": "http://example.com/public"}})
    section = get(engine, "/cfglist")
    assert [e["link"]["href"] for e in section["elements"]] == [
        "/kapacitor/v1/config/cfglist/", "/kapacitor/v1/config/cfglist/company_private",
        "/kapacitor/v1/config/cfglist/company_public"]
    assert get(engine, "/cfglist/company_private") == {
        "link": {"rel": "self", "href": "/kapacitor/v1/config/cfglist/company_private"},
        "options": {"workspace": "company_private", "default": False, "enabled": True, "channel": "#general",
                    "url": True},
        "redacted": ["url"]}
    post(engine, "cfglist/company_private", {"set": {"channel": "#private"}})
    assert get(engine, "/cfglist/company_private")["options"]["channel"] == "#private"
    assert config.view(engine).element("cfglist", "company_private")["url"] == "http://example.com/secret-token"
    post(engine, "cfglist", {"remove": ["company_private"]})
    assert [e["options"]["workspace"] for e in get(engine, "/cfglist")["elements"]] == ["", "company_public"]
    assert fails(get, engine, "/cfglist/company_private") == (404, "unknown section/element: cfglist/company_private")
    post(engine, "cfglist", {"remove": ["never-there"]})   # removing nothing is fine, as in Kapacitor


def test_set_on_the_unnamed_element_of_a_list_section_sets_every_element(engine):
    # Kapacitor's override walker matches every element when the element name is empty
    records.install_file_sections(engine, {"cfglist": [{"workspace": ""}, {"workspace": "b"}]})
    post(engine, "cfglist/", {"set": {"channel": "#all"}})
    assert [e["channel"] for e in config.view(engine).elements("cfglist")] == ["#all", "#all"]


def test_overrides_of_a_file_element_and_of_the_plain_section(engine):
    records.install_file_sections(engine, {"cfglist": [{"workspace": "w", "url": "http://a"}]})
    post(engine, "cfglist/w", {"set": {"enabled": True, "url": "http://b"}})
    assert config.view(engine).element("cfglist", "w")["url"] == "http://b"
    post(engine, "cfgplain/", {"set": {"tags": ["x"], "headers": {"h": "v"}, "ratio": "0.25", "global": True}})
    element = get(engine, "/cfgplain/")["options"]
    assert element["tags"] == ["x"] and element["headers"] == {"h": "v"} and element["ratio"] == 0.25
    assert element["global"] is True


# -- POST /config: every error ---------------------------------------------------------------------------
@pytest.mark.parametrize(("path", "body", "message"), [
    ("cfgplain/", b"", "failed to decode JSON:EOF"),
    ("cfgplain/", b"{", "failed to decode JSON:unexpected EOF"),
    ("cfgplain/", b"nope", "failed to decode JSON:invalid character 'o' in literal null (expecting 'u')"),
    ("cfgplain/", b"[1]", ("failed to decode JSON:json: cannot unmarshal array into Go value of type "
                          "config.updateAction")),
    ("cfgplain/", b'{"set": 1}', ("failed to decode JSON:json: cannot unmarshal number into Go struct field "
                                 "updateAction.set of type map[string]interface {}")),
    ("cfgplain/", b'{"delete": [1]}', ("failed to decode JSON:json: cannot unmarshal number into Go struct field "
                                      "updateAction.delete of type string")),
    ("", {"set": {"a": 1}}, "failed to apply update: invalid update action: must provide section name"),
    ("bad!name/", {"set": {"a": 1}}, 'failed to apply update: invalid update action: invalid section name "bad!name"'),
    ("cfglist/a.b", {"set": {"a": 1}}, 'failed to apply update: invalid update action: invalid element name "a.b"'),
    ("cfglist", {"set": {"channel": "x"}, "add": {"workspace": "x"}},
     ("failed to apply update: invalid update action: cannot provide both set/delete and add/remove actions in the "
     "same update")),
    ("cfglist/x", {"add": {"workspace": "x"}},
     "failed to apply update: invalid update action: must not provide an element name when adding an a new override"),
    ("cfglist/x", {"remove": ["x"]},
     "failed to apply update: invalid update action: must not provide element when removing an override"),
    ("cfgplain", {"set": {"url": "x"}},
     "failed to apply update: invalid update action: element not specified, are you missing a trailing '/'?"),
    ("nosuch", {"add": {"id": "x"}}, 'failed to apply update: unknown section "nosuch"'),
    ("cfgplain", {"add": {"url": "x"}}, ('failed to apply update: section "cfgplain" is not a list, cannot add new '
                                        'element')),
    ("cfglist", {"add": {"channel": "x"}}, 'failed to apply update: missing key "workspace" in "add" map'),
    ("cfglist", {"add": {"workspace": 1}}, ('failed to apply update: expected "workspace" key to be a string, '
                                           'got float64')),
    ("nosuch/", {"set": {"b": 1, "a": 2}}, ("failed to override configuration nosuch/: unknown options [a b] in "
                                          "section nosuch")),
    ("nosuch/", {"delete": ["a"]}, "failed to override configuration nosuch/: unknown section nosuch"),
    ("deadman/", {"set": {"interval": "1m"}}, ("failed to override configuration deadman/: unknown options "
                                              "[interval] in section deadman")),
    ("cfgplain/", {"set": {"bogus": 1}}, ("failed to override configuration cfgplain/: unknown options [bogus] in "
                                         "section cfgplain")),
    ("cfgplain/", {"set": {"retries": "many"}}, ("failed to override configuration cfgplain/: cannot set option "
                                                'retries: cannot convert string "many" into int')),
    ("cfgplain/", {"set": {"enabled": "yes"}}, ("failed to override configuration cfgplain/: cannot set option "
                                               "enabled: wrong kind string, expected value of kind bool: false")),
    ("cfgplain/", {"set": {"enabled": True}}, ("failed to override configuration cfgplain/: failed validation: "
                                              "must specify url")),
    ("cfglist/", {"set": {"workspace": "x"}}, ("failed to override configuration cfglist/: cannot override element "
                                              "key workspace")),
    ("cfglist/nosuch", {"set": {"channel": "x"}}, ("failed to override configuration cfglist/nosuch: unknown "
                                                  "options [channel] in section cfglist")),
    ("cfglist", {"add": {"workspace": "", "channel": "x"}},
     'failed to read sections from configuration object: section "cfglist" has duplicate elements: ""'),
    ("cfglist", {"add": {"workspace": "n", "enabled": True}},
     "failed to override configuration cfglist/: failed validation: must specify url for workspace 'n'"),
])
def test_update_errors_are_kapacitors(engine, path, body, message):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    assert fails(api.update, engine, "/kapacitor/v1/config/" + path, raw) == (400, message)
    assert records.overrides(engine.env.begin(), engine.dbs[b"kapa"]) == []   # nothing saved


def test_adding_an_element_twice_is_refused(engine):
    post(engine, "cfglist", {"add": {"workspace": "a"}})
    assert fails(post, engine, "cfglist", {"add": {"workspace": "a"}}) == (
        400, "failed to apply update: cannot add new override, override already exists for cfglist/a")


# -- service tests --------------------------------------------------------------------------------------
def test_service_tests_list_and_options():
    body = json.loads(servicetests.listing(None, ""))
    assert body["link"] == {"rel": "self", "href": "/kapacitor/v1/service-tests"}
    names = [s["name"] for s in body["services"]]
    assert names == sorted(names) and {"cfglist", "cfgplain"} <= set(names)
    assert json.loads(servicetests.listing(None, "cfgp*")) == {
        "link": {"rel": "self", "href": "/kapacitor/v1/service-tests"},
        "services": [{"link": {"rel": "self", "href": "/kapacitor/v1/service-tests/cfgplain"}, "name": "cfgplain",
                      "options": {"prefix": "", "message": "test cfgplain message", "count": 1}}]}
    assert json.loads(servicetests.listing(None, "zzz")) == {"link": {"rel": "self", "href": "/kapacitor/v1/service-tests"},
                                                       "services": None}
    with pytest.raises(api.ConfigApiError, match="^bad pattern: syntax error in pattern$"):
        servicetests.listing(None, "[")
    assert servicetests.options(None, "/kapacitor/v1/service-tests/cfglist/") == (
        b'{"link":{"rel":"self","href":"/kapacitor/v1/service-tests/cfglist"},"name":"cfglist",'
        b'"options":{"workspace":""}}\n')


@pytest.mark.parametrize(("path", "status", "message"), [
    ("/kapacitor/v1/service-tests/", 400, "must provide service name"),
    ("/kapacitor/v1/service-tests/nosuch", 404, 'service "nosuch" not found'),
])
def test_service_test_lookup_errors(path, status, message):
    assert fails(servicetests.options, None, path) == (status, message)


def test_a_service_test_sends_through_the_configured_service(engine):
    with HTTPSink() as sink:
        records.install_file_sections(engine, {"cfgplain": [{"enabled": True, "url": sink.url + "/hook"}]})
        answer = servicetests.run(engine, "/kapacitor/v1/service-tests/cfgplain", b'{"prefix": "p", "extra": 1}')
        assert answer == b'{"success":true,"message":""}\n'
        assert sink.wait(1)
        assert sink.requests[0].path == "/hook"
        assert json.loads(sink.requests[0].body) == {"prefix": "p", "message": "test cfgplain message"}


def test_a_failing_service_test_answers_its_error(engine):
    assert servicetests.run(engine, "/kapacitor/v1/service-tests/cfgplain", b"{}") == (
        b'{"success":false,"message":"service is not enabled"}\n')
    assert json.loads(servicetests.run(engine, "/kapacitor/v1/service-tests/cfglist", b'{"workspace": "w"}')) == {
        "success": False, "message": "unknown workspace 'w'"}


@pytest.mark.parametrize(("body", "message"), [
    (b"", "failed to decode JSON body:EOF"),
    (b'{"count": "x"}', ("failed to decode JSON body:json: cannot unmarshal string into Go struct field "
                        "testOptions.count of type int")),
    (b'{"count": 1.5}', ("failed to decode JSON body:json: cannot unmarshal number 1.5 into Go struct field "
                        "testOptions.count of type int")),
    (b'"x"', ("failed to decode JSON body:json: cannot unmarshal string into Go value of type "
             "servicetest.testOptions")),
])
def test_service_test_body_errors(engine, body, message):
    assert fails(servicetests.run, engine, "/kapacitor/v1/service-tests/cfgplain", body) == (400, message)


def test_services_without_a_section_or_test_are_not_listed(engine):
    # log/post/tcp/exec have no config section and no service test in machstore (nor a tester in
    # Kapacitor, except httppost's, which needs the [[httppost]] section)
    names = set(servicetests.testers())
    assert not names & {"log", "tcp", "exec", "post"}
    assert not set(get(engine)["sections"]) & {"log", "tcp", "exec", "post", "alert", "deadman"}


def test_a_default_of_no_config_type_is_named():
    from machstore.kapacitor.config.effective import defaults_of
    from machstore.kapacitor.services.base import Section

    with pytest.raises(TypeError, match=r"^section \[bad\] option 'x': option default None has no config type$"):
        defaults_of(Section("bad", {"x": None}))
