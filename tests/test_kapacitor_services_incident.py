"""The incident services (pagerduty, pagerduty2, opsgenie, opsgenie2, victorops, alerta,
bigpanda) against a local HTTP sink: Kapacitor's own expectations restated.

The ``TestStream_Alert<Service>`` cases of ``integrations/streamer_test.go`` run their
TICKscript through the real pipeline (``run_stream``), then every staged event goes through
``services.deliver`` as the outbox sends it (after an orjson round trip, as stored) to an
``HTTPSink``; the requests must be the ones Kapacitor's fake servers record.  Plus the
services' own tests (bigpanda's ``TestService_Payload``...), config validation, topic-handler
option decoding, disabled services, failures and the global handlers.
"""
from __future__ import annotations

import base64
import html
import json
import socket

import orjson
import pytest
from alert_sinks import HTTPSink
from kapacitor_harness import build, run_stream
from kstream_cases import DATA
from kstream_cases_alert import HANDLER_HEAD, HANDLER_LEVELS

from machstore.kapacitor import services
from machstore.kapacitor.context import MemoryContext
from machstore.kapacitor.replay import read_srpl, to_chunks
from machstore.kapacitor.services import StaticConfig, bigpanda, eventdata
from machstore.kapacitor.services.base import DeliveryError, HandlerError

SRPL = (DATA / "TestStream_Alert.srpl").read_text()
RECOVERY_SRPL = "".join(f"dbname\nrpname\ncpu,type=idle,host=serverA v={v} {t:010d}\n" for t, v in [(1, 2), (2, 0), (3, 0)])
HEAD, LEVELS = HANDLER_HEAD, HANDLER_LEVELS
RESULT_TEXT = ('{"series":[{"name":"cpu","tags":{"host":"serverA"},"columns":["time","count"],'
               '"values":[["1971-01-01T00:00:10Z",10]]}]}')
RESULT = json.loads(RESULT_TEXT)


class Config(StaticConfig):
    """A server config with the URL Kapacitor's HTTP service answers on."""

    kapacitor_url = "http://127.0.0.1:9092/kapacitor/v1"


class Ctx(MemoryContext):
    def __init__(self, task_id, config):
        super().__init__(task_id)
        self.config = config

    @property
    def kapacitor_config(self):
        return self.config


def run(script: str, config, *, srpl: str = SRPL, task_id: str = "TestStream_Alert") -> list:
    """Run ``script``, deliver every event to its handlers; return the (handler, event) pairs."""
    ctx, _ = run_stream(script, srpl, ctx=Ctx(task_id, config), task_id=task_id)
    sent = []
    for _node, event, handlers in ctx.events:
        for handler in handlers:
            stored = orjson.loads(orjson.dumps({"event": event, "handler": handler}))
            services.deliver(stored["handler"], stored["event"], config)
            sent.append((stored["handler"], stored["event"]))
    return sent


def bodies(sink) -> list:
    return [json.loads(r.body) for r in sink.requests]


def header(req, name):
    return {k.lower(): v for k, v in req.headers.items()}.get(name.lower())


def default_details(task="TestStream_Alert", message="CRITICAL alert for kapacitor/cpu/serverA"):
    """The alert node's default details (``{{ json . }}`` on the details struct, html-escaped)."""
    text = (f'{{"Name":"cpu","TaskName":"{task}","Group":"host=serverA","Tags":{{"host":"serverA"}},'
            f'"ServerInfo":{{"Hostname":"{socket.gethostname()}","ClusterID":"","ServerID":""}},"ID":"kapacitor/cpu/serverA",'
            '"Fields":{"count":10},"Level":"CRITICAL","Time":"1971-01-01T00:00:10Z","Duration":0,'
            f'"Message":"{message}"}}\n')
    return html.escape(text).replace("&quot;", "&#34;").replace("&#x27;", "&#39;")


# -- pagerduty ------------------------------------------------------------------------------------
def test_stream_alert_pagerduty():
    script = HEAD + """
        .id('kapacitor/{{ .Name }}/{{ index .Tags "host" }}')
        .message('{{ .Level }} alert for {{ .ID }}')""" + LEVELS + """
        .pagerDuty()
        .pagerDuty()
            .serviceKey('test_override_key')
"""
    with HTTPSink() as sink:
        run(script, Config({"pagerduty": {"enabled": True, "url": sink.url, "service-key": "service_key"}}))
        sink.wait(2)
    common = {"event_type": "trigger", "description": "CRITICAL alert for kapacitor/cpu/serverA",
              "client": "kapacitor", "client_url": "http://127.0.0.1:9092/kapacitor/v1",
              "details": default_details(), "incident_key": "kapacitor/cpu/serverA"}
    assert bodies(sink) == [{**common, "service_key": "service_key"}, {**common, "service_key": "test_override_key"}]
    req = sink.requests[0]
    assert (req.method, req.path, header(req, "Content-Type")) == ("POST", "/", "application/json")
    # a Go map[string]string: keys sorted, <>& escaped, the Encoder's newline
    assert req.body.startswith(b'{"client":"kapacitor","client_url":"http://127.0.0.1:9092/kapacitor/v1",'
                               b'"description":"CRITICAL alert for kapacitor/cpu/serverA","details":"{\\u0026#34;Name')
    assert req.body.endswith(b'"incident_key":"kapacitor/cpu/serverA","service_key":"service_key"}\n')


def _event(level="CRITICAL", **kw):
    ev = {"id": "cpu:nil", "message": "msg", "details": "det", "time": "1971-01-01T00:00:10Z", "duration": 0,
          "level": level, "data": {"series": [{"name": "cpu", "tags": {"host": "serverA"}, "columns": ["time", "v"],
                                               "values": [["1971-01-01T00:00:10Z", 1.5]]}]},
          "previousLevel": "OK", "recoverable": True}
    ev.update(kw)
    return ev


def test_pagerduty_levels_resolve_and_info_is_not_sent(caplog):
    with HTTPSink() as sink:
        config = StaticConfig({"pagerduty": {"enabled": True, "url": sink.url}})
        services.deliver(["pagerduty", {}], _event("OK"), config)
        services.deliver(["pagerduty", {}], _event("INFO"), config)
        services.deliver(["pagerduty", {}], _event("WARNING"), config)
        sink.wait(2)
    assert [b["event_type"] for b in bodies(sink)] == ["resolve", "trigger"]
    assert bodies(sink)[0]["client_url"] == ""   # no server address known: Kapacitor's URL() without a listener
    assert "AlertLevel 'info' is currently ignored by the PagerDuty service" in caplog.text


def test_pagerduty_error_answers():
    with HTTPSink(status=400, response=b'{"status":"invalid event","message":"Event object is invalid"}') as sink:
        config = StaticConfig({"pagerduty": {"enabled": True, "url": sink.url}})
        with pytest.raises(DeliveryError, match="^Event object is invalid$"):
            services.deliver(["pagerduty", {}], _event(), config)
        sink.response = b"nope"
        with pytest.raises(DeliveryError, match="^failed to understand PagerDuty response. code: 400 content: nope$"):
            services.deliver(["pagerduty", {}], _event(), config)


def test_pagerduty_service_test_sends_the_test_options():
    svc = services.service("pagerduty")
    with HTTPSink() as sink:
        svc.test(dict(svc.test_options), StaticConfig({"pagerduty": {"enabled": True, "url": sink.url,
                                                                     "service-key": "k"}}))
        sink.wait(1)
    assert bodies(sink) == [{"client": "kapacitor", "client_url": "", "description": "test pagerduty message",
                             "details": "", "event_type": "trigger", "incident_key": "testIncidentKey",
                             "service_key": "k"}]
    with pytest.raises(DeliveryError, match="^AlertLevel 'info' is currently ignored by the PagerDuty service$"):
        svc.test({**svc.test_options, "level": "INFO"}, StaticConfig({"pagerduty": {"enabled": True}}))
    with pytest.raises(DeliveryError, match="^unknown alert level 'BAD'$"):
        svc.test({**svc.test_options, "level": "bad"}, StaticConfig({"pagerduty": {"enabled": True}}))


# -- pagerduty2 -----------------------------------------------------------------------------------
PD2_DETAILS = {"result": {"series": [{"name": "cpu", "tags": {"host": "serverA"}, "columns": ["time", "count"],
                                      "values": [["1971-01-01T00:00:10Z", 10]]}]}}


def _pd2(routing_key, links=None):
    return {"routing_key": routing_key, "event_action": "trigger", "dedup_key": "kapacitor/cpu/serverA",
            "payload": {"summary": "CRITICAL alert for kapacitor/cpu/serverA", "source": "serverA",
                        "severity": "critical", "timestamp": "1971-01-01T00:00:10.000000000Z",
                        "class": "TestStream_Alert", "component": "", "group": "", "custom_details": PD2_DETAILS},
            "images": None, "links": links, "client": "kapacitor", "client_url": "http://127.0.0.1:9092/kapacitor/v1"}


@pytest.mark.parametrize("override", [("routingKey('test_override_key')\n"
                                      "            .link('http://example.com')\n"
                                      "            .link('http://example.com/{{.TaskName}}','task')"),
                                      "serviceKey('test_override_key')"])
def test_stream_alert_pagerduty2(override):
    script = HEAD + """
        .id('kapacitor/{{ .Name }}/{{ index .Tags "host" }}')
        .message('{{ .Level }} alert for {{ .ID }}')""" + LEVELS + """
        .pagerDuty2()
        .pagerDuty2()
            .""" + override + "\n"
    with HTTPSink(status=202) as sink:
        run(script, Config({"pagerduty2": {"enabled": True, "url": sink.url, "routing-key": "routing_key"}}))
        sink.wait(2)
    links = None
    if "link" in override:
        links = [{"href": "http://example.com", "text": "http://example.com"},
                 {"href": "http://example.com/TestStream_Alert", "text": "task"}]
    assert bodies(sink) == [_pd2("routing_key"), _pd2("test_override_key", links)]
    req = sink.requests[0]
    assert header(req, "Accept") == "application/vnd.pagerduty+json;version=2"
    assert header(req, "Content-Type") == "application/json"
    # the AlertPayload struct in field order
    assert list(json.loads(req.body)) == ["routing_key", "event_action", "dedup_key", "payload", "images", "links",
                                          "client", "client_url"]


def test_pagerduty2_resolve_info_and_errors():
    with HTTPSink(status=200) as sink:
        config = StaticConfig({"pagerduty2": {"enabled": True, "url": sink.url}})
        services.deliver(["pagerduty2", {}], _event("OK"), config)
        services.deliver(["pagerduty2", {}], _event("INFO"), config)
        sink.wait(2)
        got = [(b["event_action"], b["payload"]["severity"], b["payload"]["source"]) for b in bodies(sink)]
        assert got == [("resolve", "info", "serverA"), ("trigger", "info", "serverA")]
        sink.status, sink.response = 400, (b'{"status":"invalid event","message":"Event object is invalid",' \
                                          b'"errors":["Length of \'routing_key\' is incorrect"]}')
        with pytest.raises(DeliveryError) as info:
            services.deliver(["pagerduty2", {}], _event(), config)
        assert str(info.value) == ("Status: invalid event, Message: Event object is invalid "
                                   "Errors: [Length of 'routing_key' is incorrect]")


def test_pagerduty2_link_templates_are_checked_when_the_handler_is_created():
    with pytest.raises(HandlerError, match="^failed to create PagerDuty2 handler: template: href:1: "):
        build("stream|from()|alert().pagerDuty2().link('{{ .Bad ')")
    with pytest.raises(HandlerError, match="^template: text:1: "):
        services.service("pagerduty2").decode({"links": [{"href": "x", "text": "{{ end }}"}]})


# -- opsgenie -------------------------------------------------------------------------------------
def test_stream_alert_opsgenie():
    script = HEAD + """
        .id('kapacitor/{{ .Name }}/{{ index .Tags "host" }}')""" + LEVELS + """
        .opsGenie()
            .teams('test_team', 'another_team')
            .recipients('test_recipient', 'another_recipient')
        .opsGenie()
            .teams('test_team2' )
            .recipients('test_recipient2', 'another_recipient')
"""
    with HTTPSink() as sink:
        run(script, Config({"opsgenie": {"enabled": True, "url": sink.url, "api-key": "api_key"}}))
        sink.wait(2)
    common = {"apiKey": "api_key", "message": "kapacitor/cpu/serverA is CRITICAL", "entity": "kapacitor/cpu/serverA",
              "alias": "kapacitor/cpu/serverA", "note": "", "monitoring_tool": "kapacitor",
              "details": {"Level": "CRITICAL", "Monitoring Tool": "Kapacitor"}, "description": RESULT_TEXT}
    assert bodies(sink) == [
        {**common, "teams": ["test_team", "another_team"], "recipients": ["test_recipient", "another_recipient"]},
        {**common, "teams": ["test_team2"], "recipients": ["test_recipient2", "another_recipient"]}]
    assert [r.path for r in sink.requests] == ["/", "/"]


def test_opsgenie_recovery_goes_to_the_recovery_url_and_config_teams_are_the_default():
    with HTTPSink() as sink:
        config = StaticConfig({"opsgenie": {"enabled": True, "api-key": "k", "url": sink.url + "/alerts",
                                            "recovery_url": sink.url + "/notes", "teams": ["ops"]}})
        services.deliver(["opsgenie", {}], _event("OK"), config)
        sink.wait(1)
    (req,) = sink.requests
    body = json.loads(req.body)
    assert req.path == "/notes/" and body["note"] == "msg" and body["details"]["Level"] == "RECOVERY"
    assert body["teams"] == ["ops"] and "recipients" not in body


# -- opsgenie2 ------------------------------------------------------------------------------------
def test_stream_alert_opsgenie2():
    script = HEAD + """
        .id('kapacitor/{{ .Name }}/{{ index .Tags "host" }}')""" + LEVELS + """
        .opsGenie2()
            .teams('test_team', 'another_team')
            .recipients('test_recipient', 'another_recipient')
        .opsGenie2()
            .teams('test_team2' )
            .recipients('test_recipient2', 'another_recipient')
"""
    with HTTPSink(status=202) as sink:
        run(script, Config({"opsgenie2": {"enabled": True, "url": sink.url, "api-key": "api_key"}}))
        sink.wait(2)
    common = {"message": "kapacitor/cpu/serverA is CRITICAL", "entity": "kapacitor/cpu/serverA",
              "alias": "a2FwYWNpdG9yL2NwdS9zZXJ2ZXJB", "note": "", "priority": "P1",
              "details": {"Level": "CRITICAL", "Monitoring Tool": "Kapacitor", "Kapacitor Task Name": "cpu",
                          "host": "serverA"}, "description": RESULT_TEXT}
    assert bodies(sink) == [
        {**common, "responders": [{"name": "test_team", "type": "team"}, {"name": "another_team", "type": "team"},
                                  {"username": "test_recipient", "type": "user"},
                                  {"username": "another_recipient", "type": "user"}]},
        {**common, "responders": [{"name": "test_team2", "type": "team"},
                                  {"username": "test_recipient2", "type": "user"},
                                  {"username": "another_recipient", "type": "user"}]}]
    assert [(r.path, header(r, "Authorization")) for r in sink.requests] == [("/", "GenieKey api_key")] * 2


def test_stream_alert_opsgenie2_recovery():
    script = """
stream
    |from()
        .measurement('cpu')
        .where(lambda: "host" == 'serverA')
        .groupBy('host')
    |alert()
        .id('kapacitor/{{ .Name }}/{{ index .Tags "host" }}')
        .crit(lambda: "v" > 1.0)
        .opsGenie2()
            .teams('test_team')
"""
    with HTTPSink(status=202) as sink:
        run(script, Config({"opsgenie2": {"enabled": True, "url": sink.url, "api-key": "api_key",
                                          "recovery_action": "notes"}}),
            srpl=RECOVERY_SRPL, task_id="TestStream_AlertRecovery")
        sink.wait(2)
    assert [r.path for r in sink.requests] == ["/", "/a2FwYWNpdG9yL2NwdS9zZXJ2ZXJB/notes?identifierType=alias"]
    first, second = bodies(sink)
    assert first["description"] == ('{"series":[{"name":"cpu","tags":{"host":"serverA","type":"idle"},'
                                    '"columns":["time","v"],"values":[["1971-01-01T00:00:00Z",2]]}]}')
    assert first["details"] == {"Level": "CRITICAL", "Monitoring Tool": "Kapacitor", "Kapacitor Task Name": "cpu",
                                "host": "serverA", "type": "idle"}
    assert first["responders"] == [{"name": "test_team", "type": "team"}]
    assert second == {"note": "kapacitor/cpu/serverA is OK"}


def test_opsgenie2_recovery_action_and_details_option():
    alias = base64.urlsafe_b64encode(b"cpu:nil").decode()
    with HTTPSink(status=202) as sink:
        config = StaticConfig({"opsgenie2": {"enabled": True, "api-key": "k", "url": sink.url + "/v2/alerts",
                                             "recovery_action": "close", "details": True}})
        services.deliver(["opsgenie2", {"recovery_action": "bogus"}], _event("OK"), config)  # invalid: config's
        services.deliver(["opsgenie2", {"recovery_action": "notes"}], _event("OK"), config)
        services.deliver(["opsgenie2", {}], _event("WARNING"), config)
        sink.wait(3)
        assert [r.path for r in sink.requests] == [f"/v2/alerts/{alias}/close?identifierType=alias",
                                                   f"/v2/alerts/{alias}/notes?identifierType=alias", "/v2/alerts"]
        third = bodies(sink)[2]
        assert third["description"] == "det" and third["priority"] == "P3"   # details = true: the event's details
        sink.status = 200
        with pytest.raises(DeliveryError, match="^opsgenie error: failed to understand OpsGenie response. code: 200"):
            services.deliver(["opsgenie2", {}], _event(), config)


# -- victorops ------------------------------------------------------------------------------------
def test_stream_alert_victorops():
    script = HEAD + """
        .id('kapacitor/{{ .Name }}/{{ index .Tags "host" }}')""" + LEVELS + """
        .victorOps()
            .routingKey('test_key')
        .victorOps()
            .routingKey('test_key2')
"""
    with HTTPSink() as sink:
        run(script, Config({"victorops": {"enabled": True, "url": sink.url, "api-key": "api_key",
                                          "routing-key": "routing_key"}}))
        sink.wait(2)
    common = {"message_type": "CRITICAL", "entity_id": "kapacitor/cpu/serverA",
              "state_message": "kapacitor/cpu/serverA is CRITICAL", "timestamp": 31536010,
              "monitoring_tool": "kapacitor", "data": RESULT_TEXT}
    assert bodies(sink) == [common, common]
    assert [r.path for r in sink.requests] == ["/api_key/test_key", "/api_key/test_key2"]
    assert sink.requests[0].body == (
        b'{"data":' + json.dumps(RESULT_TEXT).encode() + b',"entity_id":"kapacitor/cpu/serverA",'
        b'"message_type":"CRITICAL","monitoring_tool":"kapacitor","state_message":"kapacitor/cpu/serverA is CRITICAL",'
        b'"timestamp":31536010}\n')


def test_stream_alert_victorops_json_data():
    script = HEAD + """
        .id('kapacitor/{{ .Name }}/{{ index .Tags "host" }}')""" + LEVELS + """
        .victorOps()
"""
    with HTTPSink() as sink:
        run(script, Config({"victorops": {"enabled": True, "url": sink.url, "api-key": "api_key",
                                          "routing-key": "routing_key", "json-data": True}}))
        sink.wait(1)
    assert [r.path for r in sink.requests] == ["/api_key/routing_key"]
    assert bodies(sink)[0]["data"] == RESULT


def test_victorops_recovery_and_404():
    with HTTPSink() as sink:
        config = StaticConfig({"victorops": {"enabled": True, "url": sink.url + "/integrations/", "api-key": "a"}})
        services.deliver(["victorops", {"routing-key": "rk"}], _event("OK"), config)
        sink.wait(1)
        assert sink.requests[0].path == "/integrations/a/rk" and bodies(sink)[0]["message_type"] == "RECOVERY"
        sink.status = 404
        with pytest.raises(DeliveryError, match="^URL or API key not found: 404$"):
            services.deliver(["victorops", {}], _event(), config)
        sink.status, sink.response = 500, b'{"message":"boom"}'
        with pytest.raises(DeliveryError, match="^boom$"):
            services.deliver(["victorops", {}], _event(), config)


# -- alerta ---------------------------------------------------------------------------------------
def test_stream_alert_alerta():
    script = HEAD + """
        .id('{{ index .Tags "host" }}')
        .message('kapacitor/{{ .Name }}/{{ index .Tags "host" }} is {{ .Level }} @{{.Time}}')""" + LEVELS + """
        .alerta()
            .token('testtoken1234567')
            .environment('production')
            .timeout(1h)
        .alerta()
            .token('anothertesttoken')
            .resource('resource: {{ index .Tags "host" }}')
            .event('event: {{ .TaskName }}')
            .environment('{{ index .Tags "host" }}')
            .origin('override')
            .group('{{ .ID }}')
            .value('{{ index .Fields "count" }}')
            .services('serviceA', 'serviceB', '{{ .Name }}')
            .correlated('{{ .Name }}')
            .attribute('attributeA', '{{ .Name }}')
            .attribute('attributeB', TRUE)
            .attribute('attributeC', 9001.0)
"""
    with HTTPSink(status=201) as sink:
        run(script, Config({"alerta": {"enabled": True, "url": sink.url, "origin": "Kapacitor"}}))
        sink.wait(2)
    text = "kapacitor/cpu/serverA is CRITICAL @1971-01-01 00:00:10 +0000 UTC"
    common = {"severity": "critical", "text": text, "rawData": RESULT, "tags": ["host=serverA"]}
    assert bodies(sink) == [
        {**common, "resource": "cpu", "event": "serverA", "group": "host=serverA", "environment": "production",
         "value": "", "origin": "Kapacitor", "service": ["cpu"], "correlate": ["cpu"], "timeout": 3600},
        {**common, "resource": "resource: serverA", "event": "event: TestStream_Alert", "group": "serverA",
         "environment": "serverA", "value": "10", "origin": "override", "service": ["serviceA", "serviceB", "cpu"],
         "correlate": ["cpu"], "attributes": {"attributeA": "cpu", "attributeB": True, "attributeC": 9001},
         "timeout": 86400}]
    assert [(r.path, header(r, "Authorization")) for r in sink.requests] == [
        ("/alert", "Bearer testtoken1234567"), ("/alert", "Bearer anothertesttoken")]


def test_alerta_topic_handler_options_token_prefix_and_errors():
    svc = services.service("alerta")
    opts = svc.decode({"resource": "{{ .Name }}-r", "token-prefix": "Key", "timeout": 60e9, "service": ["s"]})
    assert opts == {"resource": "{{ .Name }}-r", "token-prefix": "Key", "timeout": 60 * 10**9, "service": ["s"]}
    with HTTPSink(status=201) as sink:
        config = StaticConfig({"alerta": {"enabled": True, "url": sink.url + "/api", "token": "cfg",
                                          "environment": "dev"}})
        services.deliver(["alerta", opts], _event("INFO"), config)
        sink.wait(1)
        (req,) = sink.requests
        body = json.loads(req.body)
        assert (req.path, header(req, "Authorization")) == ("/api/alert", "Key cfg")
        assert (body["resource"], body["environment"], body["severity"], body["timeout"], body["event"],
                body["group"], body["service"], body["correlate"]) == ("cpu-r", "dev", "informational", 60, "cpu:nil",
                                                                      "", ["s"], ["cpu"])
        with pytest.raises(DeliveryError, match="^Resource and Event are required to send an alert$"):
            services.deliver(["alerta", {"resource": ""}], _event(), config)
        sink.status, sink.response = 200, b'{"message":"nope"}'
        with pytest.raises(DeliveryError, match="^nope$"):
            services.deliver(["alerta", {}], _event(), config)


def test_alerta_templates_are_checked_when_the_handler_is_created():
    with pytest.raises(HandlerError, match="^failed to create Alerta handler: template: resource:1: "):
        build("stream|from()|alert().alerta().resource('{{ .Name ')")
    with pytest.raises(HandlerError, match="^template: group:1: "):
        services.service("alerta").decode({"group": "{{ if }}"})


# -- bigpanda -------------------------------------------------------------------------------------
def test_stream_alert_bigpanda():
    script = HEAD + """
        .id('kapacitor/{{ .Name }}/{{ index .Tags "host" }}')
        .message('kapacitor/{{ .Name }}/{{ index .Tags "host" }} is {{ .Level }} @{{.Time}}')
        .details('https://example.org/link')""" + LEVELS + """
        .bigPanda()
            .appKey('111111')
            .host('{{.Tags.host}}')
            .primaryProperty('host')
        .bigPanda()
            .appKey('222222')
            .host('serverA-1')
            .secondaryProperty('application')
        .bigPanda()
            .attribute('x_host', '{{.Tags.host}}')
            .attribute('x_duration', '{{.Duration}}')
            .attribute('x_detail', '{{.Details}}')
            .attribute('x_value', '{{.Fields.count}}')
"""
    with HTTPSink(status=201) as sink:
        run(script, Config({"bigpanda": {"enabled": True, "app-key": "012345", "token": "testtoken1231234",
                                         "url": sink.url + "/test/bigpanda/url", "auto-attributes": ""}}))
        sink.wait(3)
    common = {"check": "kapacitor/cpu/serverA", "status": "critical", "timestamp": 31536010,
              "description": "kapacitor/cpu/serverA is CRITICAL @1971-01-01 00:00:10 +0000 UTC",
              "task": "TestStream_Alert:cpu", "details": "https://example.org/link"}
    assert bodies(sink) == [
        {**common, "app_key": "111111", "host": "serverA", "primary_property": "host"},
        {**common, "app_key": "222222", "host": "serverA-1", "secondary_property": "application"},
        {**common, "app_key": "012345", "host": "", "x_detail": "https://example.org/link", "x_duration": "0s",
         "x_host": "serverA", "x_value": "10"}]
    assert {(r.path, header(r, "Authorization"), header(r, "Content-Type")) for r in sink.requests} == {
        ("/test/bigpanda/url", "Bearer testtoken1231234", "application/json")}
    assert not sink.requests[0].body.endswith(b"\n")


BP_TAGS = {"host": "localhost", "link": "http://localhost/bp"}


def _bp_payload(config, tags, fields, attrs=None):
    c = {**bigpanda.SECTION.plain_defaults, **config, "enabled": True}
    data = eventdata.EventData(name="test", tags=tags or {}, fields=fields or {})
    return bigpanda.payload(c, alert_id="id", message="message", details="details", level="OK",
                            unix_seconds=31536038, data=data, handler={}, attrs=attrs or {}).decode()


@pytest.mark.parametrize(("fields", "tags", "want"), [
    ({"primitive_type": 10}, None, '"primitive_type":"10",'),
    ({"primitive_type": "string"}, None, '"primitive_type":"string",'),
    ({"primitive_type": True}, None, '"primitive_type":"true",'),
    ({"primitive_type": 123.45}, None, '"primitive_type":"123.45",'),
    ({"escape": "\n"}, None, '"escape":"\\n",'),
    ({"array": [10, True, "string value"]}, None, 'ARRAY'),
    (None, BP_TAGS, '"host":"localhost","link":"http://localhost/bp",'),
])
def test_bigpanda_serialize_event_data(fields, tags, want):
    """bigpanda's TestService_SerializeEventData."""
    got = _bp_payload({"app-key": "key", "auto-attributes": "tags,fields"}, tags, fields)
    if want == "ARRAY":
        assert got == ('{"app_key":"key","array":"[10,true,\\"string value\\"]","check":"id","description":"message",'
                       '"details":"details","status":"ok","task":":test","timestamp":31536038}')
    else:
        assert got == ('{"app_key":"key","check":"id","description":"message","details":"details",' + want +
                       '"status":"ok","task":":test","timestamp":31536038}')


@pytest.mark.parametrize(("config", "attrs", "want"), [
    ({}, None, ('"app_key":"","check":"id","count":"10","description":"message","details":"details",'
               '"host":"localhost","link":"http://localhost/bp","load":"0.5",')),
    ({"app-key": "key", "auto-attributes": ""}, None, ('"app_key":"key","check":"id","description":"message",'
                                                      '"details":"details",')),
    ({"app-key": "key", "auto-attributes": ""}, {"host": "example.com", "link": "http://example.com/bp"},
     ('"app_key":"key","check":"id","description":"message","details":"details","host":"example.com",'
     '"link":"http://example.com/bp",')),
    ({"app-key": "key", "auto-attributes": "tags"}, None, ('"app_key":"key","check":"id","description":"message",'
                                                          '"details":"details","host":"localhost",'
                                                          '"link":"http://localhost/bp",')),
    ({"app-key": "key", "auto-attributes": "fields"}, None, ('"app_key":"key","check":"id","count":"10",'
                                                            '"description":"message","details":"details","load":"0.5",')),
    ({"app-key": "key", "auto-attributes": "tags,fields"}, {"host": "example.com", "link": "http://example.com/bp"},
     ('"app_key":"key","check":"id","count":"10","description":"message","details":"details",'
     '"host":"example.com","link":"http://example.com/bp","load":"0.5",')),
])
def test_bigpanda_payload(config, attrs, want):
    """bigpanda's TestService_Payload."""
    got = _bp_payload(config, BP_TAGS, {"count": 10, "load": 0.5}, attrs)
    assert got == "{" + want + '"status":"ok","task":":test","timestamp":31536038}'


def test_bigpanda_default_json_details_are_left_out_and_errors():
    with HTTPSink(status=201) as sink:
        config = StaticConfig({"bigpanda": {"enabled": True, "app-key": "a", "token": "t", "url": sink.url}})
        services.deliver(["bigpanda", {"url": sink.url + "/other"}], _event(details="{&#34;x&#34;:1}"), config)
        sink.wait(1)
        assert sink.requests[0].path == "/other" and "details" not in bodies(sink)[0]
        sink.status, sink.response = 400, b'{"error":"bad app key"}'
        with pytest.raises(DeliveryError, match="^bad app key$"):
            services.deliver(["bigpanda", {}], _event(), config)


# -- every service --------------------------------------------------------------------------------
ALL = ("pagerduty", "pagerduty2", "opsgenie", "opsgenie2", "victorops", "alerta", "bigpanda")


@pytest.mark.parametrize("kind", ALL)
def test_a_disabled_service_fails_delivery(kind):
    want = "failed to prepare API request: service is not enabled" if kind == "opsgenie2" else \
        "service is not enabled"
    with pytest.raises(DeliveryError) as info:
        services.deliver([kind, {}], _event(), StaticConfig())
    assert str(info.value) == want


@pytest.mark.parametrize("kind", ALL)
def test_an_unreachable_service_fails_delivery(kind):
    sock = socket.create_server(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    sock.close()
    config = StaticConfig({kind: {"enabled": True, "url": url, "recovery_url": url, "app-key": "a", "token": "t",
                                  "api-key": "k"}})
    with pytest.raises(DeliveryError, match="Connection refused"):
        services.deliver([kind, {}], _event(), config)


@pytest.mark.parametrize(("kind", "options", "want"), [
    ("pagerduty", {"service-key": "k", "x": 1, "a": 2},
     "failed to decode options into *pagerduty.HandlerConfig: 1 error(s) decoding:\n\n* '' has invalid keys: a, x"),
    ("victorops", {"routing-key": 5},
     ("failed to decode options into *victorops.HandlerConfig: 1 error(s) decoding:\n\n"
     "* 'routing-key' expected type 'string', got unconvertible type 'float64', value: '5'")),
    ("opsgenie", {"teams-list": "ops"},
     ("failed to decode options into *opsgenie.HandlerConfig: 1 error(s) decoding:\n\n"
     "* 'teams-list': source data must be an array or slice, got string")),
    ("opsgenie2", {"recipients-list": ["a", 1], "recovery_action": True},
     ("failed to decode options into *opsgenie2.HandlerConfig: 2 error(s) decoding:\n\n"
     "* 'recipients-list[1]' expected type 'string', got unconvertible type 'float64', value: '1'\n"
     "* 'recovery_action' expected type 'string', got unconvertible type 'bool', value: 'true'")),
    ("pagerduty2", {"links": [{"href": "h", "txt": "t"}]},
     ("failed to decode options into *pagerduty2.HandlerConfig: 1 error(s) decoding:\n\n"
     "* 'links[0]' has invalid keys: txt")),
    ("alerta", {"timeout": "10s"},
     ("failed to decode options into *alerta.HandlerConfig: 1 error(s) decoding:\n\n"
     "* 'timeout' expected type 'time.Duration', got unconvertible type 'string', value: '10s'")),
    ("bigpanda", {"attributes": ["a"]},
     ("failed to decode options into *bigpanda.HandlerConfig: 1 error(s) decoding:\n\n"
     "* 'attributes' expected a map, got 'slice'")),
])
def test_topic_handler_options_are_decoded_as_kapacitor_does(kind, options, want):
    with pytest.raises(HandlerError) as info:
        services.service(kind).decode(options)
    assert str(info.value) == want


def test_topic_handler_options_round_trip():
    assert services.service("pagerduty2").decode({"routing-key": "r", "links": [{"href": "h"}]}) == {
        "routing-key": "r", "links": [{"href": "h"}]}
    assert services.service("opsgenie2").decode({"teams-list": ["a"], "recovery_action": "close"}) == {
        "teams-list": ["a"], "recovery_action": "close"}
    assert services.service("bigpanda").decode({"app-key": "a", "attributes": {"x": 1}}) == {
        "app-key": "a", "attributes": {"x": 1}}
    assert services.service("pagerduty").decode(None) == {}


@pytest.mark.parametrize(("section", "options", "want"), [
    ("pagerduty", {"url": ""}, "url cannot be empty"),
    ("pagerduty", {"url": "http://x:port/"}, ('invalid URL "http://x:port/": parse "http://x:port/": invalid port '
                                             '":port" after host')),
    ("pagerduty2", {"url": ""}, "url cannot be empty"),
    ("pagerduty2", {"url": ":x"}, 'invalid URL ":x": parse ":x": missing protocol scheme'),
    ("opsgenie", {"url": ""}, "url cannot be empty"),
    ("opsgenie", {"recovery_url": ""}, "recovery_url cannot be empty"),
    ("opsgenie", {"enabled": True}, "api-key cannot be empty"),
    ("opsgenie2", {"recovery_action": ""}, "recovery_action cannot be empty"),
    ("opsgenie2", {"enabled": True}, "api-key cannot be empty"),
    ("victorops", {"url": ""}, "url cannot be empty"),
    ("alerta", {"enabled": True}, "must specify url"),
    ("alerta", {"url": "http://a\x01"}, ('invalid url "http://a\\x01": parse "http://a\\x01": net/url: invalid '
                                        'control character in URL')),
    ("bigpanda", {"enabled": True, "url": ""}, "must specify the BigPanda webhook URL"),
    ("bigpanda", {"enabled": True}, "must specify BigPanda app-key"),
    ("bigpanda", {"enabled": True, "app-key": "a"}, "must specify BigPanda token"),
])
def test_config_validation_texts(section, options, want):
    sec = services.section_of(section)
    with pytest.raises(ValueError) as info:
        sec.validate({**sec.plain_defaults, **options})
    assert str(info.value) == want


def test_config_sections_defaults_and_redactions():
    got = {name: (services.section_of(name).plain_defaults, services.section_of(name).redacted) for name in ALL}
    assert got == {
        "pagerduty": ({"enabled": False, "url": "https://events.pagerduty.com/generic/2010-04-15/create_event.json",
                       "service-key": "", "global": False}, ("service-key",)),
        "pagerduty2": ({"enabled": False, "url": "https://events.pagerduty.com/v2/enqueue", "routing-key": "",
                        "global": False}, ("routing-key",)),
        "opsgenie": ({"enabled": False, "api-key": "", "teams": None, "recipients": None,
                      "url": "https://api.opsgenie.com/v1/json/alert",
                      "recovery_url": "https://api.opsgenie.com/v1/json/alert/note", "global": False}, ("api-key",)),
        "opsgenie2": ({"enabled": False, "api-key": "", "teams": None, "recipients": None,
                       "url": "https://api.opsgenie.com/v2/alerts", "recovery_action": "notes", "global": False,
                       "details": False}, ("api-key",)),
        "victorops": ({"enabled": False, "api-key": "", "routing-key": "",
                       "url": "https://alert.victorops.com/integrations/generic/20131114/alert", "global": False,
                       "json-data": False}, ("api-key",)),
        "alerta": ({"enabled": False, "url": "", "insecure-skip-verify": False, "token": "", "token-prefix": "",
                    "environment": "", "origin": "", "timeout": "0s"}, ("token",)),
        "bigpanda": ({"enabled": False, "global": False, "app-key": "", "token": "", "state-changes-only": False,
                      "insecure-skip-verify": False, "url": "https://api.bigpanda.io/data/v2/alerts",
                      "auto-attributes": "tags,fields"}, ("token",)),
    }
    for name in ALL:   # every default config is valid
        services.section_of(name).validate(dict(services.section_of(name).defaults))


def test_global_handlers_and_state_changes_only():
    script = "stream|from().measurement('cpu')|alert().crit(lambda: \"v\" > 1.0)"
    config = StaticConfig({"victorops": {"enabled": True, "global": True},
                           "bigpanda": {"enabled": True, "global": True, "state-changes-only": True},
                           "alerta": {"enabled": True}})
    _, graph = build(script, Ctx("t", config))
    node = graph.nodes["alert2"]
    assert sorted(node.handlers) == [["bigpanda", {}], ["victorops", {}]]
    assert node.opts.state_changes_only
    # a node with its own handler of the kind gets no global one; no global: nothing forced
    _, graph = build(script + ".victorOps().routingKey('r')", Ctx("t", StaticConfig({"victorops": {"global": True}})))
    node = graph.nodes["alert2"]
    assert node.handlers == [["victorops", {"routing-key": "r"}]] and not node.opts.state_changes_only
    assert [s.kind for s in services.services() if s.global_handler and s.kind in ALL] == [
        "pagerduty", "pagerduty2", "opsgenie", "opsgenie2", "victorops", "bigpanda"]


def test_service_tests_send_kapacitors_test_options():
    with HTTPSink(status=201) as sink:
        config = StaticConfig({"alerta": {"enabled": True, "url": sink.url, "environment": "env", "origin": "o"},
                               "bigpanda": {"enabled": True, "url": sink.url, "app-key": "a", "token": "t"},
                               "victorops": {"enabled": True, "url": sink.url, "api-key": "k", "routing-key": "rk"}})
        for kind in ("alerta", "bigpanda"):
            svc = services.service(kind)
            options = svc.extra["test_options"](config) if "test_options" in svc.extra else dict(svc.test_options)
            svc.test(options, config)
        sink.wait(2)
        alerta_body, bp_body = bodies(sink)
        assert alerta_body == {"resource": "testResource", "event": "testEvent", "environment": "env",
                               "severity": "critical", "group": "testGroup", "value": "testValue",
                               "text": "test alerta message", "origin": "o", "rawData": {"series": None},
                               "service": ["testServiceA", "testServiceB"],
                               "correlate": ["testServiceX", "testServiceY"],
                               "attributes": {"testAttributeA": "A", "testAttributeB": True,
                                              "testAttributeC": 9001},
                               "timeout": 86400, "tags": []}
        assert (bp_body["app_key"], bp_body["description"], bp_body["status"], bp_body["task"], "host" in bp_body) == \
            ("012345", "test bigpanda message", "critical", ":testBigPanda", False)
        sink.status = 200
        svc = services.service("victorops")
        svc.test(svc.extra["test_options"](config), config)
        sink.wait(3)
        assert sink.requests[2].path == "/k/rk" and bodies(sink)[2]["entity_id"] == "testEntityID"
    # TestServer_ListServiceTests: Go's nil slices when the config has no teams/recipients
    for kind in ("opsgenie", "opsgenie2"):
        svc = services.service(kind)
        got = svc.extra["test_options"](StaticConfig())
        assert (got["teams"], got["recipients"]) == (None, None) == (svc.test_options["teams"],
                                                                      svc.test_options["recipients"])
        got = svc.extra["test_options"](StaticConfig({kind: {"teams": ["t"]}}))
        assert (got["teams"], got["recipients"]) == (["t"], None)
    assert services.service("opsgenie2").extra["test_options"](StaticConfig())["recovery_action"] == "notes"
    assert services.service("bigpanda").extra["test_options"](config)["timestamp"].endswith("Z")


# -- end to end through a real server ---------------------------------------------------------------
def test_a_task_with_every_incident_handler_runs_and_stages_its_deliveries(server, db):
    """Over HTTP: the task starts (no handler refused), a point fires an alert, and the outbox
    holds the event with its ``[kind, options]`` handlers and its ``eventData``.  The server's
    config is the defaults (every service disabled), so each delivery fails as Kapacitor's
    does ("service is not enabled") and stays owed."""
    import requests
    from conftest import open_engine
    from kapacitor_tasks import wait_for

    from machstore.kapacitor import outbox, store

    script = """stream|from().measurement('cpu')|alert().id('x').crit(lambda: "v" > 1.0)
        .pagerDuty().serviceKey('sk').pagerDuty2().routingKey('rk').link('http://l/{{ .TaskName }}', 't')
        .opsGenie().teams('a').opsGenie2().recipients('b').recoveryAction('close').victorOps().routingKey('vk')
        .alerta().resource('r').timeout(1m).bigPanda().appKey('ak').attribute('k', 1)"""
    r = requests.post(f"{server.url}/kapacitor/v1/tasks", json={
        "id": "incident", "type": "stream", "dbrps": [{"db": db, "rp": "autogen"}], "script": script,
        "status": "enabled"})
    assert r.status_code == 200, r.text

    def entries():
        with open_engine(server.data_dir) as eng, eng.env.begin() as txn:
            return [e for _, e in outbox.pending(txn, store.db(eng)) if e["task"] == "incident"]

    def executing():
        return requests.get(f"{server.url}/kapacitor/v1/tasks/incident").json().get("executing")

    assert wait_for(executing)
    r = requests.post(f"{server.url}/write", params={"db": db}, data="cpu,host=h1 v=2 1000000000")
    assert r.status_code == 204, r.text
    (entry,) = wait_for(entries)
    assert entry["handlers"] == [
        ["pagerduty", {"service-key": "sk"}],
        ["pagerduty2", {"routing-key": "rk", "links": [{"href": "http://l/{{ .TaskName }}", "text": "t"}]}],
        ["opsgenie", {"teams-list": ["a"], "recipients-list": []}],
        ["opsgenie2", {"teams-list": [], "recipients-list": ["b"], "recovery_action": "close"}],
        ["victorops", {"routing-key": "vk"}],
        ["alerta", {"resource": "r", "timeout": 60 * 10**9}],
        ["bigpanda", {"app-key": "ak", "host": "", "primary-property": "", "secondary-property": "",
                      "attributes": {"k": 1}}]]
    assert entry["event"]["eventData"] == {"name": "cpu", "taskName": "incident", "category": "", "group": "",
                                           "tags": {"host": "h1"}, "fields": {"v": 2.0}}
    assert executing()   # failed deliveries never stop the task


# -- topic handlers: server_test.go TestServer_AlertHandlers -----------------------------------------
AH_RESULT = '{"series":[{"name":"alert","columns":["time","value"],"values":[["1970-01-01T00:00:00Z",1]]}]}'


def _alert_handlers_event() -> dict:
    """The event of TestServer_AlertHandlers' task (``alert value=1 0``), staged through an inline
    handler here since a named topic's handlers belong to the topics API."""
    script = """stream|from().measurement('alert')|alert().topic('test').id('id').message('message')
        .details('details').crit(lambda: TRUE).tcp('127.0.0.1:9')"""
    ctx, graph = build(script, task_id="testAlertHandlers")
    for chunk in to_chunks(read_srpl("dbname\nrpname\nalert value=1 0000000000\n", rebase=False)):
        graph.feed(chunk)   # at epoch 0 as the server test writes it, not rebased to 1971
    ((_node, event, _handlers),) = ctx.events
    return orjson.loads(orjson.dumps(event))


@pytest.mark.parametrize(("kind", "options", "section", "status", "want"), [
    ("alerta", {"token": "testtoken1234567", "token-prefix": "Bearer", "origin": "kapacitor", "group": "test",
                "environment": "env", "timeout": 24 * 3600 * 10**9}, {}, 201,
     ("/alert", "Bearer testtoken1234567",
      {"resource": "alert", "event": "id", "group": "test", "environment": "env", "text": "message",
       "origin": "kapacitor", "service": ["alert"], "correlate": ["alert"], "timeout": 86400, "severity": "critical",
       "value": "", "rawData": json.loads(AH_RESULT), "tags": []})),
    ("bigpanda", {"app-key": "my-app-key-123456"},
     {"token": "my-token-123", "app-key": "my-app-key", "auto-attributes": "", "url": "/test/bigpanda/alert"}, 201,
     ("/test/bigpanda/alert", "Bearer my-token-123",
      {"app_key": "my-app-key-123456", "check": "id", "status": "critical", "timestamp": 0,
       "task": "testAlertHandlers:alert", "description": "message", "details": "details", "host": ""})),
    ("opsgenie", {"teams-list": ["A team", "B team"], "recipients-list": ["test_recipient1", "test_recipient2"]},
     {"api-key": "api_key"}, 200,
     ("/", None, {"apiKey": "api_key", "message": "message", "entity": "id", "alias": "id", "note": "",
                  "monitoring_tool": "kapacitor", "details": {"Level": "CRITICAL", "Monitoring Tool": "Kapacitor"},
                  "description": AH_RESULT, "teams": ["A team", "B team"],
                  "recipients": ["test_recipient1", "test_recipient2"]})),
    ("opsgenie2", {"teams-list": ["A team", "B team"], "recipients-list": ["test_recipient1", "test_recipient2"]},
     {"api-key": "api_key", "recovery_action": "notes"}, 202,
     ("/", "GenieKey api_key",
      {"message": "message", "entity": "id", "alias": "aWQ=", "note": "", "priority": "P1",
       "details": {"Level": "CRITICAL", "Monitoring Tool": "Kapacitor", "Kapacitor Task Name": "alert"},
       "description": AH_RESULT,
       "responders": [{"name": "A team", "type": "team"}, {"name": "B team", "type": "team"},
                      {"username": "test_recipient1", "type": "user"},
                      {"username": "test_recipient2", "type": "user"}]})),
    ("pagerduty", {"service-key": "service_key"}, {}, 200,
     ("/", None, {"service_key": "service_key", "event_type": "trigger", "description": "message",
                  "client": "kapacitor", "client_url": "http://127.0.0.1:9092/kapacitor/v1", "details": "details",
                  "incident_key": "id"})),
    ("pagerduty2", {"routing-key": "rkey", "links": [{"href": "http://example.com", "text": "t1"},
                                                     {"href": "http://example.com/{{.TaskName}}", "text": "t2"}]},
     {}, 202,
     ("/", None, {"client": "kapacitor", "client_url": "http://127.0.0.1:9092/kapacitor/v1", "event_action": "trigger",
                  "dedup_key": "id", "routing_key": "rkey", "images": None,
                  "payload": {"summary": "message", "source": "unknown", "severity": "critical",
                              "class": "testAlertHandlers", "component": "", "group": "",
                              "custom_details": {"result": json.loads(AH_RESULT)},
                              "timestamp": "1970-01-01T00:00:00.000000000Z"},
                  "links": [{"href": "http://example.com", "text": "t1"},
                            {"href": "http://example.com/testAlertHandlers", "text": "t2"}]})),
    ("victorops", {"routing-key": "key"}, {"api-key": "api_key"}, 200,
     ("/api_key/key", None, {"message_type": "CRITICAL", "entity_id": "id", "state_message": "message",
                             "timestamp": 0, "monitoring_tool": "kapacitor", "data": AH_RESULT})),
], ids=lambda v: v if isinstance(v, str) else None)
def test_server_alert_handlers(kind, options, section, status, want):
    """Each topic handler of TestServer_AlertHandlers: its options decoded as the topics API gets
    them (JSON), the event of its task delivered, the request its fake server records."""
    event = _alert_handlers_event()
    decoded = services.service(kind).decode(json.loads(json.dumps(options)))
    with HTTPSink(status=status) as sink:
        url = sink.url + section.pop("url", "")
        config = Config({kind: {"enabled": True, "url": url, **section}})
        services.deliver([kind, decoded], event, config)
        (req,) = sink.wait(1)
    path, auth, body = want
    assert (req.path, header(req, "Authorization") if auth else None, json.loads(req.body)) == (path, auth, body)


def test_pagerduty2_service_test_sends_the_test_options():
    svc = services.service("pagerduty2")
    with HTTPSink(status=202) as sink:
        svc.test(json.loads(json.dumps(svc.test_options)),
                 StaticConfig({"pagerduty2": {"enabled": True, "url": sink.url, "routing-key": "rk"}}))
        (req,) = sink.wait(1)
    assert json.loads(req.body) == {
        "routing_key": "rk", "event_action": "trigger", "dedup_key": "testAlertID",
        "payload": {"summary": "test pagerduty2 message", "source": "unknown", "severity": "critical",
                    "timestamp": "2014-11-12T11:45:26.371000000Z", "class": "", "component": "", "group": "",
                    "custom_details": {"result": {"series": None}}},
        "images": None, "links": [{"href": "https://example.com/a", "text": "a"},
                                  {"href": "https://example.com/b", "text": "b"}],
        "client": "kapacitor", "client_url": ""}
    with pytest.raises(DeliveryError, match='^parsing time "soon" as '):
        svc.test({**svc.test_options, "timestamp": "soon"}, StaticConfig({"pagerduty2": {"enabled": True}}))
