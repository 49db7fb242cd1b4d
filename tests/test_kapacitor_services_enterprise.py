"""The email (smtp), sensu, servicenow, zenoss, httppost-endpoint and kafka services
(machstore/kapacitor/services/) against real local peers: an aiosmtpd SMTP server, a Sensu-like
TCP client answering ``ok``, ``alert_sinks.HTTPSink``.  Kapacitor's own cases are restated:
integrations/streamer_test.go TestStream_AlertEmail, AlertSensu, AlertServiceNow, AlertZenoss(_Custom),
AlertHTTPPostEndpoint (the events come from the real alert node on TestStream_Alert.srpl and
are delivered through the outbox's JSON round trip), plus config validation texts, topic
handler decode errors, disabled services and the service tests."""
import base64
import email
import json
import socket
import threading
import time

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from alert_sinks import HTTPSink, TCPSink
from kapacitor_harness import build, run_stream
from kstream_cases import DATA
from kstream_cases_alert import ENTERPRISE

from machstore.kapacitor import services
from machstore.kapacitor.context import MemoryContext
from machstore.kapacitor.services import DeliveryError, HandlerError, StaticConfig
from machstore.kapacitor.services import smtp as smtp_service

SRPL = (DATA / "TestStream_Alert.srpl").read_text()


class _Ctx(MemoryContext):
    def __init__(self, config):
        super().__init__("testStreamer")
        self._config = config

    @property
    def kapacitor_config(self):
        return self._config


def run_and_deliver(script: str, config: StaticConfig) -> list:
    """Run ``script`` on TestStream_Alert.srpl and send every event to its handlers, the event
    and handlers going through JSON as the outbox stores them; returns the handlers."""
    ctx, _ = run_stream(script, SRPL, ctx=_Ctx(config))
    sent = []
    for _, event, handlers in ctx.events:
        event, handlers = json.loads(json.dumps(event)), json.loads(json.dumps(handlers))
        for handler in handlers:
            services.deliver(handler, event, config)
            sent.append(handler)
    return sent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- peers ----------------------------------------------------------------------------------------
class SMTPPeer:
    """An aiosmtpd server recording each message with its envelope and connection (peer port),
    and the connections that said QUIT."""

    def __init__(self, users: dict | None = None):
        self.messages, self.quits, self.logins = [], [], []
        kwargs = {}
        if users is not None:
            self.users = users
            kwargs = {"authenticator": self._authenticate, "auth_require_tls": False,
                      "auth_exclude_mechanism": ["LOGIN"]}  # smtplib then tries PLAIN only
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port, **kwargs)

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        user, password = auth_data.login.decode(), auth_data.password.decode()
        self.logins.append((mechanism, user))
        return AuthResult(success=self.users.get(user) == password)

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.original_content)
        self.messages.append({"peer": session.peer, "from": envelope.mail_from, "rcpt": list(envelope.rcpt_tos),
                              "headers": dict(msg.items()),
                              "body": msg.get_payload().replace("\r\n", "\n")})
        return "250 Ok"

    async def handle_QUIT(self, server, session, envelope):
        self.quits.append(session.peer)
        return "221 Goodbye"

    def wait(self, n, timeout=10.0):
        deadline = time.monotonic() + timeout
        while len(self.messages) < n and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.messages

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        smtp_service.MAILER.close()
        self.controller.stop()


class SensuPeer:
    """A Sensu client's socket: reads one JSON check result per connection, answers ``ok``."""

    def __init__(self, answer=b"ok"):
        self.answer, self.received = answer, []
        self._sock = socket.create_server(("127.0.0.1", 0))
        self._thread = threading.Thread(target=self._run, daemon=True)

    @property
    def address(self):
        return f"127.0.0.1:{self._sock.getsockname()[1]}"

    def _run(self):
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            with conn:
                data = b""
                while not data.endswith(b"\n"):
                    chunk = conn.recv(65536)
                    if not chunk:
                        break
                    data += chunk
                self.received.append(data)
                conn.sendall(self.answer)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._sock.close()


# -- email ----------------------------------------------------------------------------------------
EMAIL_DETAILS = """.details('''
<b>{{.Message}}</b>

Value: {{ index .Fields "count" }}
<a href="http://graphs.example.com/host/serverA">Details</a>
''')"""
# NOTE: Kapacitor's case has {{index .Tags "host"}} inside the href; machstore's html/template
# escaper refuses actions in attribute values (gotemplate/htmlescape.py), so the host is literal.
EMAIL_HEAD = """stream
    |from().measurement('cpu').where(lambda: "host" == 'serverA').groupBy('host')
    |window().period(10s).every(10s)
    |count('value')
"""
EMAIL_ALERT = """    |alert()
        .id('kapacitor.{{ .Name }}.{{ index .Tags "host" }}')
        """ + EMAIL_DETAILS + """
        .info(lambda: "count" > 6.0)
        .warn(lambda: "count" > 7.0)
        .crit(lambda: "count" > 8.0)
"""
DEFAULTS = """    |default().field('extraemail','bob@example.com').tag('tagemail','bob2@example.com')
"""
EMAIL_BODY = """
<b>kapacitor.cpu.serverA is CRITICAL</b>

Value: 10
<a href=3D"http://graphs.example.com/host/serverA">Details</a>
"""
EMAIL_CASES = {
    "emails directly": (EMAIL_HEAD + EMAIL_ALERT + """
        .email('user1@example.com', 'user2@example.com')
        .email().to('user1@example.com', 'user2@example.com')
""", ["user1@example.com, user2@example.com"] * 2),
    "emails directly and in fields": (EMAIL_HEAD + DEFAULTS + EMAIL_ALERT + """
        .email().to('user1@example.com', 'user2@example.com').toTemplates('{{ index .Fields "extraemail" }}')
""", ["user1@example.com, user2@example.com, bob@example.com"]),
    "emails directly and in tag": (EMAIL_HEAD + DEFAULTS + EMAIL_ALERT + """
        .email().to('user1@example.com', 'user2@example.com').toTemplates('{{ index .Tags "tagemail" }}')
""", ["user1@example.com, user2@example.com, bob2@example.com"]),
}


def smtp_config(peer, **options):
    return StaticConfig({"smtp": {"enabled": True, "host": "127.0.0.1", "port": peer.port,
                                  "from": "test@example.com", **options}})


@pytest.mark.parametrize("case", list(EMAIL_CASES))
def test_stream_alert_email(case):
    """TestStream_AlertEmail: gomail's headers, subject = message, QP-encoded HTML details."""
    script, tos = EMAIL_CASES[case]
    with SMTPPeer() as peer:
        run_and_deliver(script, smtp_config(peer))
        got = peer.wait(len(tos))
    assert len(got) == len(tos)
    for msg, to in zip(got, tos, strict=True):
        headers = {k: v for k, v in msg["headers"].items() if k != "Date"}
        assert headers == {"Mime-Version": "1.0", "From": "test@example.com", "To": to,
                           "Subject": "kapacitor.cpu.serverA is CRITICAL",
                           "Content-Type": "text/html; charset=UTF-8", "Content-Transfer-Encoding": "quoted-printable"}
        assert email.utils.parsedate_to_datetime(msg["headers"]["Date"]) is not None
        assert msg["body"] == EMAIL_BODY
        assert msg["from"] == "test@example.com" and msg["rcpt"] == to.split(", ")


EVENT = {"id": "cpu:nil", "message": "cpu is CRITICAL", "details": "<p>d</p>", "time": "1971-01-01T00:00:10Z",
         "duration": 0, "level": "CRITICAL", "data": {"series": [{"name": "cpu", "tags": {"host": "serverA"},
                                                                    "columns": ["time", "value"],
                                                                    "values": [["1971-01-01T00:00:10Z", 97.5]]}]},
         "previousLevel": "OK", "recoverable": True}


def test_email_falls_back_to_the_sections_to_and_needs_recipients():
    with SMTPPeer() as peer:
        services.deliver(["smtp", {}], EVENT, smtp_config(peer, to=["oncall@example.com"]))
        assert peer.wait(1)[0]["rcpt"] == ["oncall@example.com"]
        with pytest.raises(DeliveryError, match="^not sending email, no recipients defined$"):
            services.deliver(["smtp", {}], EVENT, smtp_config(peer))
        assert len(peer.messages) == 1


def test_email_disabled_service_fails_with_kapacitors_text():
    cfg = StaticConfig({"smtp": {"enabled": False, "from": "a@b.c"}})
    with pytest.raises(DeliveryError, match="^service is not enabled$"):
        services.deliver(["smtp", {"to": ["x@example.com"]}], EVENT, cfg)
    svc = services.service("smtp")
    with pytest.raises(DeliveryError, match="^service is not enabled$"):
        svc.test(dict(svc.test_options), cfg)
    assert svc.test_options == {"to": None, "subject": "test subject", "body": "test body"}


def test_email_service_test_sends_the_test_mail_to_the_sections_to():
    svc = services.service("smtp")
    with SMTPPeer() as peer:
        svc.test(dict(svc.test_options), smtp_config(peer, to=["ops@example.com"]))
        msg = peer.wait(1)[0]
    assert msg["headers"]["Subject"] == "test subject" and msg["body"] in ("test body", "test body\n")
    assert msg["rcpt"] == ["ops@example.com"]


def test_email_reuses_its_connection_and_closes_it_after_the_idle_timeout():
    """Kapacitor's mailer keeps one connection and closes it once idle-timeout passes."""
    with SMTPPeer() as peer:
        cfg = smtp_config(peer, **{"idle-timeout": "300ms"})
        services.deliver(["smtp", {"to": ["a@example.com"]}], EVENT, cfg)
        services.deliver(["smtp", {"to": ["b@example.com"]}], EVENT, cfg)
        first, second = peer.wait(2)
        assert first["peer"] == second["peer"] and peer.quits == []
        deadline = time.monotonic() + 5
        while not peer.quits and time.monotonic() < deadline:
            time.sleep(0.02)
        assert peer.quits == [first["peer"]]
        services.deliver(["smtp", {"to": ["c@example.com"]}], EVENT, cfg)
        third = peer.wait(3)[2]
        assert third["peer"] != first["peer"]
        # a config update (here the From address) closes the connection and dials a new one
        services.deliver(["smtp", {"to": ["d@example.com"]}], EVENT,
                         smtp_config(peer, **{"idle-timeout": "300ms", "from": "other@example.com"}))
        fourth = peer.wait(4)[3]
        assert fourth["peer"] != third["peer"] and fourth["from"] == "other@example.com"
        assert third["peer"] in peer.quits


def test_email_logs_in_with_the_sections_username_and_password():
    with SMTPPeer(users={"kap": "s3cret"}) as peer:
        services.deliver(["smtp", {"to": ["a@example.com"]}], EVENT,
                         smtp_config(peer, username="kap", password="s3cret"))
        assert len(peer.wait(1)) == 1 and peer.logins == [("PLAIN", "kap")]


def test_email_unreachable_server_raises_so_the_outbox_retries():
    cfg = StaticConfig({"smtp": {"enabled": True, "host": "127.0.0.1", "port": free_port(), "from": "a@b.c"}})
    with pytest.raises(DeliveryError, match="^error sending: "):
        services.deliver(["smtp", {"to": ["x@example.com"]}], EVENT, cfg)


def test_smtp_config_validation_texts():
    validate = services.section_of("smtp").validate
    base = dict(services.section_of("smtp").plain_defaults)
    validate(base)
    for options, text in [({"host": ""}, "host cannot be empty"), ({"port": 0}, "invalid port 0"),
                          ({"idle-timeout": "-1s"}, "idle timeout must be positive"),
                          ({"enabled": True}, "must provide a 'from' address"),
                          ({"from": "nobody"}, 'invalid from email address: "nobody", mail: missing @ in addr-spec'),
                          ({"to": ["x"]}, 'invalid to email address: "x", mail: missing @ in addr-spec')]:
        with pytest.raises(ValueError) as info:
            validate({**base, **options})
        assert str(info.value) == text
    assert services.section_of("smtp").redacted == ("password",)


def test_smtp_topic_handler_options_decode_as_mapstructure_does():
    svc = services.service("smtp")
    assert svc.decode({"to": ["a@b.c"], "to-field": ["{{ .Name }}@x"]}) == {"to": ["a@b.c"],
                                                                            "to-field": ["{{ .Name }}@x"]}
    with pytest.raises(HandlerError) as info:
        svc.decode({"to": ["a@b.c"], "cc": "x"})
    assert str(info.value) == ("failed to decode options into *smtp.HandlerConfig: 1 error(s) decoding:\n\n"
                               "* '' has invalid keys: cc")
    with pytest.raises(HandlerError) as info:
        svc.decode({"to": "a@b.c"})
    assert str(info.value).endswith("* 'to': source data must be an array or slice, got string")
    with pytest.raises(HandlerError) as info:
        svc.decode({"to": [5]})
    assert str(info.value).endswith("* 'to[0]' expected type 'string', got unconvertible type 'float64', value: '5'")


def test_global_smtp_adds_a_handler_and_forces_state_changes_only():
    """newAlertNode: [smtp] global adds an email handler to nodes without one;
    state-changes-only then forces .stateChangesOnly()."""
    script = EMAIL_HEAD + EMAIL_ALERT + "        .log('/tmp/x.log')\n"
    cfg = StaticConfig({"smtp": {"enabled": True, "from": "a@b.c", "global": True, "state-changes-only": True}})
    _, graph = build(script, _Ctx(cfg))
    node = next(n for n in graph.nodes.values() if type(n).__name__ == "AlertRuntime")
    assert ["smtp", {}] in node.handlers and node.opts.state_changes_only
    _, graph = build(script.replace(".log('/tmp/x.log')", ".email('x@y.z')"), _Ctx(cfg))
    node = next(n for n in graph.nodes.values() if type(n).__name__ == "AlertRuntime")
    assert [h for h in node.handlers if h[0] == "smtp"] == [["smtp", {"to": ["x@y.z"], "to-field": []}]]


def test_email_bad_address_template_refuses_the_handler():
    with pytest.raises(HandlerError, match="^bad template in email address template: template: 0:1: unclosed action"):
        services.inline_handler("EmailHandler", {"ToList": [], "ToTemplatesList": ["{{ .Name"]}, StaticConfig())


# -- sensu ----------------------------------------------------------------------------------------
def sensu_config(addr, **options):
    return StaticConfig({"sensu": {"enabled": True, "addr": addr, "source": "Kapacitor", **options}})


def test_stream_alert_sensu():
    """TestStream_AlertSensu: one JSON object (Go's map encoding: sorted keys, newline)."""
    with SensuPeer() as peer:
        run_and_deliver(ENTERPRISE["TestStream_AlertSensu"], sensu_config(peer.address))
        got = peer.received
    assert got == [(b'{"handlers":null,"k1":"v1","k2":5,"name":"kapacitor.cpu.serverA",'
                    b'"output":"kapacitor.cpu.serverA is CRITICAL","source":"Kapacitor","status":2}\n')]


def test_sensu_source_template_handlers_and_levels():
    with SensuPeer() as peer:
        cfg = sensu_config(peer.address, handlers=["default"])
        opts = {"source": "{{ .TaskName }}-{{ index .Tags \"host\" }}", "metadata": {"name": "ignored", "x": 1}}
        for level in ("OK", "INFO", "WARNING", "CRITICAL"):
            services.deliver(["sensu", opts], {**EVENT, "id": "a.b-c", "level": level,
                                               "eventData": {"taskName": "t1", "tags": {"host": "h"}}}, cfg)
        services.deliver(["sensu", {"handlers": ["pager"]}], {**EVENT, "id": "x"}, cfg)
    got = [json.loads(r) for r in peer.received]
    assert [g["status"] for g in got[:4]] == [0, 0, 1, 2]
    assert got[0] == {"name": "a.b-c", "source": "t1-h", "output": "cpu is CRITICAL", "status": 0,
                      "handlers": ["default"], "x": 1}
    assert got[4]["handlers"] == ["pager"] and got[4]["source"] == "Kapacitor"


def test_sensu_errors_have_kapacitors_texts():
    cfg = sensu_config("127.0.0.1:1")
    with pytest.raises(DeliveryError) as info:
        services.deliver(["sensu", {}], {**EVENT, "id": "bad id"}, cfg)
    assert str(info.value) == 'invalid name "bad id" for sensu alert. Must match ^[\\w\\.-]+$'
    with pytest.raises(DeliveryError, match="^service is not enabled$"):
        services.deliver(["sensu", {}], {**EVENT, "id": "cpu.nil"}, StaticConfig())
    with TCPSink() as sink, pytest.raises(DeliveryError) as info:  # a peer that closes without answering ok
        services.deliver(["sensu", {}], {**EVENT, "id": "cpu.nil"}, sensu_config(sink.address))
    assert str(info.value) == "sensu socket error: "
    with SensuPeer(answer=b"nope") as peer, pytest.raises(DeliveryError, match="^sensu socket error: nope$"):
        services.deliver(["sensu", {}], {**EVENT, "id": "cpu.nil"}, sensu_config(peer.address))
    assert services.section_of("sensu").plain_defaults == {"enabled": False, "addr": "", "source": "Kapacitor",
                                                     "handlers": None}
    with pytest.raises(ValueError, match="^must specify client address$"):
        services.section_of("sensu").validate({"enabled": True, "addr": ""})


def test_sensu_service_test_and_bad_source_template():
    svc = services.service("sensu")
    with pytest.raises(DeliveryError, match="^service is not enabled$"):
        svc.test(dict(svc.test_options), StaticConfig())
    with SensuPeer() as peer:
        svc.test(dict(svc.test_options), sensu_config(peer.address))
    assert json.loads(peer.received[0]) == {"name": "testName", "source": "Kapacitor", "output": "testOutput",
                                            "status": 2, "handlers": None}
    with pytest.raises(HandlerError, match="^failed to create sensu alert handler: template: source:1: unclosed"):
        services.inline_handler("SensuHandler", {"Source": "{{ .X"}, StaticConfig())
    with pytest.raises(HandlerError) as info:
        services.service("sensu").decode({"source": 1})
    assert str(info.value).endswith("'source' expected type 'string', got unconvertible type 'float64', value: '1'")


# -- servicenow -----------------------------------------------------------------------------------
def servicenow_config(sink, **options):
    return StaticConfig({"servicenow": {"enabled": True, "url": sink.url + "/api/global/em/jsonv2",
                                        "source": "Kapacitor", **options}})


def test_stream_alert_servicenow():
    """TestStream_AlertServiceNow: two handlers, the bare one falls back to the section."""
    with HTTPSink() as sink:
        run_and_deliver(ENTERPRISE["TestStream_AlertServiceNow"], servicenow_config(sink))
        got = sink.wait(2)
    assert [r.path for r in got] == ["/api/global/em/jsonv2"] * 2
    assert all(r.headers["Content-Type"] == "application/json" and "Authorization" not in r.headers for r in got)
    assert got[0].body == (b'{"records":[{"source":"Kapacitor","message_key":"kapacitor/cpu/serverA","severity":"1",'
                           b'"description":"kapacitor/cpu/serverA is CRITICAL"}]}')
    assert got[1].body == (b'{"records":[{"source":"Kapacitor","node":"serverA","type":"CPU","resource":"CPU-Total",'
                           b'"metric_name":"idle","message_key":"Alert: kapacitor/cpu/serverA","severity":"1",'
                           b'"description":"kapacitor/cpu/serverA is CRITICAL","additional_info":'
                           b'"{\\"link\\":\\"http://push/alert?id=kapacitor/cpu/serverA\\",\\"ticks\\":\\"666\\"}"}]}')


def test_servicenow_basic_auth_severities_and_errors():
    with HTTPSink() as sink:
        cfg = servicenow_config(sink, username="dev", password="12345")
        for level in ("OK", "INFO", "WARNING", "CRITICAL"):
            services.deliver(["servicenow", {"username": "ignored", "source": "S"}], {**EVENT, "level": level}, cfg)
        got = sink.wait(4)
        assert [json.loads(r.body)["records"][0]["severity"] for r in got] == ["5", "5", "4", "1"]
        assert got[0].headers["Authorization"] == "Basic " + base64.b64encode(b"dev:12345").decode()
        assert json.loads(got[0].body)["records"][0]["source"] == "S"
        sink.status, sink.response = 400, b'{"error":"bad records"}'
        with pytest.raises(DeliveryError, match="^bad records$"):
            services.deliver(["servicenow", {}], EVENT, cfg)
        sink.status, sink.response = 500, b"oops"
        with pytest.raises(DeliveryError) as info:
            services.deliver(["servicenow", {}], EVENT, cfg)
        assert str(info.value) == "failed to understand ServiceNow response. code: 500 content: oops"
    with pytest.raises(DeliveryError, match="^service is not enabled$"):
        services.deliver(["servicenow", {}], EVENT, StaticConfig())


def test_servicenow_decode_check_validate_and_service_test():
    svc = services.service("servicenow")
    assert svc.decode({"node": "n", "MetricName": "m", "additional_info": {"a": 1}}) == {
        "node": "n", "metricname": "m", "additional_info": {"a": 1}}
    with pytest.raises(HandlerError) as info:
        svc.decode({"metric_name": "m"})
    assert str(info.value) == ("failed to decode options into *servicenow.HandlerConfig: 1 error(s) decoding:\n\n"
                               "* '' has invalid keys: metric_name")
    with pytest.raises(HandlerError, match="unclosed action"):
        svc.check({"node": "{{ .X"}, StaticConfig())
    with pytest.raises(ValueError, match="^must specify events URL$"):
        services.section_of("servicenow").validate({"enabled": True, "url": ""})
    with HTTPSink() as sink:
        svc.test(dict(svc.test_options), servicenow_config(sink))
        assert sink.wait(1)[0].body == (b'{"records":[{"source":"Kapacitor","message_key":"1001","severity":"1",'
                                        b'"description":"test servicenow message"}]}')


# -- zenoss ---------------------------------------------------------------------------------------
ZENOSS_CUSTOM = """
stream
    |from().measurement('cpu').where(lambda: "host" == 'serverA').groupBy('host', 'type')
    |window().period(10s).every(10s)
    |mean('value')
    |alert()
        .id('kapacitor/{{ .Name }}/{{ index .Tags "host" }}')
        .info(lambda: "mean" > 15.0)
        .warn(lambda: "mean" > 50.0)
        .crit(lambda: "mean" > 90.0)
        .details('{{.}}')
        .zenoss()
            .action('ScriptsRouter')
            .method('kapa_handler')
            .eventClass('/App')
            .message('This is message for alert {{ .ID }}')
            .collector('{{ index .Tags "host" }}')
            .customField('data', '{"id":"{{.ID}}","message":"{{.Message}}","time":"{{.Time}}","duration":"{{ .Duration}}","level":"{{.Level}}","recoverable":{{.Recoverable}}}')
            .customField('ticks', 33)
"""


def zenoss_config(sink, **options):
    return StaticConfig({"zenoss": {"enabled": True, "url": sink.url + "/zport/dmd/evconsole_router", **options}})


def test_stream_alert_zenoss():
    with HTTPSink() as sink:
        run_and_deliver(ENTERPRISE["TestStream_AlertZenoss"], zenoss_config(sink, collector=""))
        got = sink.wait(1)
    assert got[0].path == "/zport/dmd/evconsole_router" and got[0].headers["Content-Type"] == "application/json"
    assert got[0].body == (b'{"action":"EventsRouter","method":"add_event","data":[{"component":"CPU",'
                           b'"device":"#DEVICE001","evclass":"/App","evclasskey":"","severity":"Critical",'
                           b'"summary":"kapacitor/cpu/serverA is CRITICAL"}],"type":"rpc","tid":1}')


def test_stream_alert_zenoss_custom():
    sev = {"ok": 0, "info": 2, "warning": 3, "critical": 5}
    with HTTPSink() as sink:
        run_and_deliver(ZENOSS_CUSTOM, zenoss_config(sink, **{"severity-map": sev, "username": "u", "password": "p"}))
        got = sink.wait(1)
    assert got[0].headers["Authorization"] == "Basic " + base64.b64encode(b"u:p").decode()
    assert json.loads(got[0].body) == {
        "action": "ScriptsRouter", "method": "kapa_handler", "type": "rpc", "tid": 1,
        "data": [{"summary": "kapacitor/cpu/serverA is CRITICAL", "device": "", "component": "", "severity": 5,
                  "evclasskey": "", "evclass": "/App", "collector": "serverA",
                  "message": "This is message for alert kapacitor/cpu/serverA",
                  "data": {"id": "kapacitor/cpu/serverA", "level": "CRITICAL",
                           "message": "kapacitor/cpu/serverA is CRITICAL", "time": "1971-01-01 00:00:10 +0000 UTC",
                           "duration": "0s", "recoverable": True},
                  "ticks": 33}]}
    assert got[0].body.startswith(b'{"action":"ScriptsRouter","method":"kapa_handler","data":[{"collector":"serverA",'
                                  b'"component":"","data":{"duration":"0s","id":"kapacitor/cpu/serverA","level":')


def test_zenoss_errors_validation_and_service_test():
    validate = services.section_of("zenoss").validate
    base = dict(services.section_of("zenoss").plain_defaults)
    validate(base)
    with pytest.raises(ValueError, match="^must specify events URL$"):
        validate({**base, "enabled": True, "url": ""})
    with pytest.raises(ValueError, match="^invalid severity mapping$"):
        validate({**base, "severity-map": {"ok": "Clear"}})
    with pytest.raises(DeliveryError, match="^service is not enabled$"):
        services.deliver(["zenoss", {}], EVENT, StaticConfig())
    svc = services.service("zenoss")
    with pytest.raises(HandlerError) as info:
        svc.decode({"tid": "1"})
    assert str(info.value).endswith("* 'tid' expected type 'int64', got unconvertible type 'string', value: '1'")
    assert svc.decode({"tid": 2.0, "summary": "s", "customField": {"a": 1}}) == {
        "tid": 2, "summary": "s", "customField": {"a": 1}}
    with HTTPSink() as sink:
        svc.test(dict(svc.test_options), zenoss_config(sink))
        body = sink.wait(1)[0].body
        sink.status, sink.response = 500, b"no"
        with pytest.raises(DeliveryError, match="^failed to understand Zenoss response. code: 500 content: no$"):
            svc.test(dict(svc.test_options), zenoss_config(sink))
    assert body == (b'{"action":"EventsRouter","method":"add_event","data":[{"collector":"Kapacitor","component":"",'
                    b'"device":"","evclass":"","evclasskey":"","severity":"Critical",'
                    b'"summary":"test zenoss message"}],"type":"rpc","tid":1}')


# -- httppost endpoints ---------------------------------------------------------------------------
def httppost_config(*elements):
    return StaticConfig({"httppost": list(elements)})


EXPECTED_ALERT_DATA = (b'{"id":"kapacitor.cpu.serverA","message":"kapacitor.cpu.serverA is CRITICAL","details":"",'
                       b'"time":"1971-01-01T00:00:10Z","duration":0,"level":"CRITICAL","data":{"series":[{"name":"cpu",'
                       b'"tags":{"host":"serverA"},"columns":["time","count"],"values":[["1971-01-01T00:00:10Z",10]]}]},'
                       b'"previousLevel":"OK","recoverable":true}\n')


def test_stream_alert_httppost_endpoint():
    """TestStream_AlertHTTPPostEndpoint: the endpoint's URL and headers."""
    with HTTPSink() as sink:
        cfg = httppost_config({"endpoint": "test", "url": sink.url, "headers": {"Authorization": "works"}})
        run_and_deliver(ENTERPRISE["TestStream_AlertHTTPPostEndpoint"], cfg)
        got = sink.wait(1)
    assert len(got) == 1 and got[0].body == EXPECTED_ALERT_DATA
    assert got[0].headers["Authorization"] == "works" and got[0].headers["Content-Type"] == "application/json"


def test_httppost_endpoint_alert_template_basic_auth_and_handler_headers():
    with HTTPSink() as sink:
        cfg = httppost_config({"endpoint": "other", "url": "http://127.0.0.1:9/"},
                              {"endpoint": "tmpl", "url": sink.url + "/{{ .ID }}", "headers": {"X-A": "endpoint"},
                               "basic-auth": {"username": "u", "password": "p"},
                               "alert-template": '{{ .Message }} {{ (index .Data.Series 0).Name }} {{ (index .Data.Series 0).Tags }}'})
        handler = services.inline_handler("AlertHTTPPostHandler", {"Endpoint": "tmpl", "Headers": {"X-A": "handler"}},
                                          cfg)
        services.deliver(handler, EVENT, cfg)
        got = sink.wait(1)[0]
    assert got.path == "/cpu:nil"
    assert "Content-Type" not in got.headers  # Kapacitor sends a templated body without one
    assert got.headers["X-A"] == "handler"
    assert got.headers["Authorization"] == "Basic " + base64.b64encode(b"u:p").decode()
    assert got.body == b"cpu is CRITICAL cpu map[host:serverA]"


def test_httppost_unknown_endpoint_falls_back_to_the_url_or_is_refused():
    cfg = httppost_config({"endpoint": "known", "url": "http://127.0.0.1:9/"})
    with pytest.raises(HandlerError) as info:
        services.inline_handler("AlertHTTPPostHandler", {"Endpoint": "unknown"}, cfg)
    assert str(info.value) == ("failed to create HTTPPostService.Handler: "
                               "An appropriately formatted url must be specified if an endpoint is not specified")
    with HTTPSink() as sink:
        handler = services.inline_handler("AlertHTTPPostHandler", {"Endpoint": "unknown", "URL": sink.url + "/u"}, cfg)
        services.deliver(handler, EVENT, cfg)
        assert sink.wait(1)[0].path == "/u"
        # a topic handler naming the endpoint uses it; the config is read at delivery
        services.deliver(["post", {"endpoint": "later"}], EVENT,
                         httppost_config({"endpoint": "later", "url": sink.url + "/later"}))
        assert sink.wait(2)[1].path == "/later"


def test_httppost_section_validation_texts():
    sec = services.section_of("httppost")
    assert sec.element_key == "endpoint" and sec.redacted == ("basic-auth",)
    for options, text in [({"endpoint": ""}, "must specify endpoint name"), ({"url": ""}, "must specify url"),
                          ({"alert-template": "a", "alert-template-file": "/b"},
                           "must specify only one of alert-template and alert-template-file"),
                          ({"alert-template-file": "rel"}, "must use an absolute path for alert-template-file"),
                          ({"row-template": "a", "row-template-file": "/b"},
                           "must specify only one of row-template and row-template-file"),
                          ({"row-template-file": "rel"}, "must use an absolute path for row-template-file")]:
        with pytest.raises(ValueError) as info:
            sec.validate({**sec.plain_defaults, **options})
        assert str(info.value) == text
    with pytest.raises(ValueError, match=r'^invalid URL template syntax "http://x/\{\{ \.ID": failed to parse'):
        sec.validate({**sec.plain_defaults, "url": "http://x/{{ .ID"})


def test_httppost_service_test_posts_an_empty_alert():
    svc = services.service("post")
    with HTTPSink() as sink:
        svc.test({**svc.test_options, "url": sink.url + "/t"}, StaticConfig())
        got = sink.wait(1)[0]
    assert got.path == "/t" and got.headers["Auth"] == "secret"
    assert got.body == (b'{"id":"","message":"","details":"","time":"0001-01-01T00:00:00Z","duration":0,"level":"OK",'
                        b'"data":{"series":null},"previousLevel":"OK","recoverable":false}\n')


# -- kafka ----------------------------------------------------------------------------------------
def test_kafka_is_refused_naming_the_handler():
    """No Kafka broker can run here: the task is refused at start, the topic handler kind too."""
    with pytest.raises(HandlerError) as info:
        build(ENTERPRISE["TestStream_AlertKafka"], _Ctx(StaticConfig()))
    assert ".kafka()" in str(info.value) and "not supported by machstore" in str(info.value)
    with pytest.raises(HandlerError, match='^handler kind "kafka" is not supported by machstore'):
        services.service("kafka").decode({"cluster": "default", "topic": "t"})


# -- snmptrap -------------------------------------------------------------------------------------
class TrapReceiver:
    """A UDP trap receiver decoding each datagram with pysnmp: (version, community, PDU type,
    [(oid, value type, value)])."""

    def __init__(self):
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.settimeout(5)

    @property
    def address(self):
        return f"127.0.0.1:{self._sock.getsockname()[1]}"

    def receive(self):
        from pyasn1.codec.ber import decoder
        from pysnmp.proto import api
        v2c = api.PROTOCOL_MODULES[api.SNMP_VERSION_2C]
        data, _ = self._sock.recvfrom(65536)
        msg, rest = decoder.decode(data, asn1Spec=v2c.Message())
        assert rest == b""
        pdu = v2c.apiMessage.get_pdu(msg)
        binds = [(str(o.prettyPrint()), type(v).__name__, v.prettyPrint()) for o, v in v2c.apiTrapPDU.get_varbinds(pdu)]
        return str(msg["version"].prettyPrint()), str(v2c.apiMessage.get_community(msg)), type(pdu).__name__, binds

    def close(self):
        self._sock.close()


@pytest.fixture
def receiver():
    r = TrapReceiver()
    yield r
    r.close()


def snmp_config(receiver, **options):
    return StaticConfig({"snmptrap": {"enabled": True, "addr": receiver.address, "community": "test", **options}})


def test_stream_alert_snmptrap(receiver):
    """TestStream_AlertSNMPTrap: two v2c traps with sysUpTime 1000, the trap OID and typed data."""
    run_and_deliver(ENTERPRISE["TestStream_AlertSNMPTrap"], snmp_config(receiver))
    first, second = receiver.receive(), receiver.receive()
    head = [("1.3.6.1.2.1.1.3.0", "TimeTicks", "1000")]
    assert first == ("version-2c", "test", "SNMPv2TrapPDU", head + [
        ("1.3.6.1.6.3.1.1.4.1.0", "ObjectIdentifier", "1.1.1"), ("1.1.1.2", "Counter64", "1"),
        ("1.1.1.2", "OctetString", "SNMP ALERT"), ("1.1.1.2", "OctetString", "kapacitor/cpu/serverA is CRITICAL")])
    assert second == ("version-2c", "test", "SNMPv2TrapPDU", head + [
        ("1.3.6.1.6.3.1.1.4.1.0", "ObjectIdentifier", "1.1.2"), ("1.1.2.3", "Integer", "10"),
        ("1.1.2.3", "Null", ""), ("1.1.2.3", "TimeTicks", "20000"), ("1.1.2.3", "OctetString", "here/cpu")])


@pytest.mark.parametrize(("kind", "value", "text"), [
    ("a", "1.2.3.4", "Snmptrap Datatype 'IP address' not supported"),
    ("d", "1", "Snmptrap Datatype 'Decimal string' not supported"),
    ("o", "1.1", "Snmptrap Datatype 'Object ID' not supported"),
    ("u", "1", "Snmptrap Datatype 'Unsigned integer' not supported"),
    ("x", "ff", "Snmptrap Datatype 'Hexadecimal string' not supported"),
    ("q", "1", "Snmptrap Datatype not known: q"),
    ("i", "ten", 'strconv.ParseInt: parsing "ten": invalid syntax'),
])
def test_snmptrap_refused_data_types_and_values(receiver, kind, value, text):
    with pytest.raises(DeliveryError) as info:
        services.deliver(["snmptrap", {"trap-oid": "1.1", "data-list": [{"oid": "1.1.1", "type": kind,
                                                                         "value": value}]}],
                         EVENT, snmp_config(receiver))
    assert str(info.value) == text


def test_snmptrap_wraps_integers_as_go_casts_them(receiver):
    services.deliver(["snmptrap", {"trap-oid": "1.1", "data-list": [
        {"oid": "1.2", "type": "i", "value": "4294967297"}, {"oid": "1.3", "type": "c", "value": "-1"}]}],
        EVENT, snmp_config(receiver))
    binds = receiver.receive()[3]
    assert binds[2:] == [("1.2", "Integer", "1"), ("1.3", "Counter64", str(2**64 - 1))]


def test_snmptrap_disabled_service_test_decode_and_validate(receiver):
    svc = services.service("snmptrap")
    with pytest.raises(DeliveryError, match="^service is not enabled$"):
        svc.test(dict(svc.test_options), StaticConfig())
    svc.test(dict(svc.test_options), snmp_config(receiver, community="c2"))
    assert receiver.receive()[1:] == ("c2", "SNMPv2TrapPDU", [
        ("1.3.6.1.2.1.1.3.0", "TimeTicks", "1000"), ("1.3.6.1.6.3.1.1.4.1.0", "ObjectIdentifier", "1.1.1.1"),
        ("1.1.1.1.2", "OctetString", "test snmptrap message")])
    assert svc.decode({"trap-oid": "1.1", "data-list": [{"oid": "1.2", "type": "s", "value": "v"}]}) == {
        "trap-oid": "1.1", "data-list": [{"oid": "1.2", "type": "s", "value": "v"}]}
    with pytest.raises(HandlerError, match=r"has invalid keys: kind"):
        svc.decode({"data-list": [{"oid": "1.2", "kind": "s"}]})
    with pytest.raises(ValueError, match="^must specify addr$"):
        services.section_of("snmptrap").validate({"enabled": True, "addr": ""})
    assert services.section_of("snmptrap").redacted == ("community",)
    with pytest.raises(HandlerError, match="^failed to create SNMP handler: template: data:1: unclosed action"):
        services.inline_handler("SNMPTrapHandler", {"TrapOid": "1.1", "DataList": [
            {"oid": "1.2", "type": "s", "value": "{{ .X"}]}, StaticConfig())
    with pytest.raises(DeliveryError, match='^invalid trap Oid "x.y"'):
        services.deliver(["snmptrap", {"trap-oid": "x.y"}], EVENT, snmp_config(receiver))


# -- httpPost nodes with .endpoint() --------------------------------------------------------------
HTTPPOST_SRPL = (DATA / "TestStream_HttpPost.srpl").read_text()
ROW_TEMPLATE = ('{{.Name}} host={{index .Tags "host"}} type={{index .Tags "type"}}'
                '{{range .Values}} {{index . "time"}} {{index . "value"}}{{end}}')
NODE_ENDPOINT = """
stream
    |from().measurement('cpu').where(lambda: "host" == 'serverA').groupBy('host')
    |httpPost().endpoint('test').header('my', 'header')
    |httpOut('TestStream_HttpPost')
"""


def post_node_requests(config, sink):
    """Run NODE_ENDPOINT and send its staged POSTs as the outbox does (posting.py)."""
    from machstore.kapacitor import posting
    ctx, _ = run_stream(NODE_ENDPOINT, HTTPPOST_SRPL, ctx=_Ctx(config))
    for _, request in ctx.posts:
        handler = json.loads(json.dumps(posting.handler_of(request)))
        posting.deliver(handler[1], posting.event_of(request))
    return sink.wait(len(ctx.posts))


def test_stream_httppost_endpoint_custom_body():
    """TestStream_HttpPostEndpoint_CustomBody: the endpoint's row template is the body (no
    Content-Type), the node's header is sent."""
    with HTTPSink() as sink:
        got = post_node_requests(httppost_config({"endpoint": "test", "url": sink.url + "/rows",
                                                  "row-template": ROW_TEMPLATE}), sink)
    assert [r.body.decode() for r in got] == [
        f"cpu host=serverA type=idle 1971-01-01 00:00:0{i} +0000 UTC {v}"
        for i, v in enumerate(["97.1", "92.6", "95.6", "93.1", "92.6", "95.8"])]
    assert all(r.path == "/rows" and r.headers["My"] == "header" and "Content-Type" not in r.headers for r in got)


def test_stream_httppost_endpoint_json_headers_and_basic_auth():
    """TestStream_HttpPostEndpoint: the JSON result with the endpoint's URL, headers and auth."""
    with HTTPSink() as sink:
        got = post_node_requests(httppost_config({"endpoint": "test", "url": sink.url + "/{{ .Name }}",
                                                  "headers": {"my": "endpoint", "x-extra": "e"},
                                                  "basic-auth": {"username": "u", "password": "p"}}), sink)
    assert len(got) == 6 and got[0].path == "/cpu"
    assert got[0].body == (b'{"series":[{"name":"cpu","tags":{"host":"serverA","type":"idle"},'
                           b'"columns":["time","value"],"values":[["1971-01-01T00:00:00Z",97.1]]}]}\n')
    h = got[0].headers
    assert h["My"] == "header" and h["X-Extra"] == "e" and h["Content-Type"] == "application/json"
    assert h["Authorization"] == "Basic " + base64.b64encode(b"u:p").decode()


def test_httppost_node_unknown_endpoint_refuses_the_task():
    from machstore.kapacitor.nodes.httppost import HTTPPostConfigError
    with pytest.raises(HTTPPostConfigError, match="^endpoint 'test' does not exist$"):
        build(NODE_ENDPOINT, _Ctx(httppost_config({"endpoint": "other", "url": "http://127.0.0.1:9/"})))


def test_httppost_template_files_are_read_and_a_missing_one_is_named(tmp_path):
    from machstore.kapacitor.alerts.handlers import endpoint_row_templates, endpoint_templates
    alert_file, row_file = tmp_path / "alert.tmpl", tmp_path / "row.tmpl"
    alert_file.write_text("{{ .Message }}!")
    row_file.write_text("rows")
    _url, alert = endpoint_templates({"endpoint": "e", "url": "http://x", "alert-template-file": str(alert_file)})
    assert alert is not None and alert.execute({"Message": "hi"}) == "hi!"
    _url, row = endpoint_row_templates({"url": "http://x", "row-template-file": str(row_file)})
    assert row is not None and row.execute({}) == "rows"
    missing = tmp_path / "nope.tmpl"
    with pytest.raises(HandlerError, match=f'^failed to get alert-template for endpoint "e": failed to read template '
                                           f'file "{missing}": '):
        endpoint_templates({"endpoint": "e", "url": "http://x", "alert-template-file": str(missing)})
    with pytest.raises(ValueError, match=f'^failed to read template file "{missing}"'):
        endpoint_row_templates({"url": "http://x", "row-template-file": str(missing)})
