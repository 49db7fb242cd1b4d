"""The chat services (slack, teams, discord, telegram, pushover, talk, hipchat, mqtt) against
real local peers: an HTTP sink on loopback recording method, path, headers and body, and an
amqtt MQTT broker subscribed to with paho.

Restated from Kapacitor 1.7: ``integrations/streamer_test.go`` TestStream_AlertSlack,
AlertTelegram, AlertHipChat, AlertDiscord, AlertPushover, AlertTalk, AlertTeams (the script runs
in memory over TestStream_Alert.srpl and every staged event is delivered to the sink), the
topic-handler cases of ``server/server_test.go`` TestServer_AlertHandlers, the service-test
options of TestServer_ListServiceTests, each ``Config.Validate`` text, mapstructure's decode
errors, disabled services, and the global handlers of ``newAlertNode``.
"""
import json
import pathlib
import socket
import urllib.parse

import pytest
from alert_sinks import HTTPSink
from kapacitor_harness import run_stream
from kstream_cases_alert import HANDLER_HEAD, HANDLER_LEVELS
from mqtt_peer import Broker, Subscriber

from machstore.kapacitor import services
from machstore.kapacitor.alerts.event import alert_data
from machstore.kapacitor.context import MemoryContext
from machstore.kapacitor.services import (
    DeliveryError,
    HandlerError,
    StaticConfig,
    discord,
    mqtt,
    slack,
    svcutil,
    teams,
    webhook,
)

DATA = pathlib.Path(__file__).parent / "data" / "kapacitor"
SRPL = (DATA / "TestStream_Alert.srpl").read_text()
MSG = "kapacitor/cpu/serverA is CRITICAL"

ROW = {"name": "cpu", "tags": {"host": "serverA"}, "columns": ["time", "value"],
       "values": [["1971-01-01T00:00:10Z", 10.0]]}


def event(**kw):
    """The event of TestServer_AlertHandlers: id ``id``, message ``message``, CRITICAL."""
    e = alert_data(id="id", message="message", details="details", time=31536010 * 10**9, duration=0, level=3,
                   row=ROW, previous_level=0, recoverable=True)
    e.update(kw)
    return e


class ConfigContext(MemoryContext):
    """A task context whose handlers see ``config`` (a server's Kapacitor config)."""

    def __init__(self, config, task_id="TestStream_Alert"):
        super().__init__(task_id)
        self._config = config

    @property
    def kapacitor_config(self):
        return self._config


def stream_and_deliver(script, config):
    """Run ``script`` on TestStream_Alert.srpl and deliver every staged event to its handlers,
    as the outbox does after the round commits."""
    ctx, _ = run_stream(script, SRPL, ctx=ConfigContext(config), task_id="TestStream_Alert")
    assert ctx.events, "no alert event"
    for _node, ev, handlers in ctx.events:
        for h in json.loads(json.dumps(handlers)):  # handlers travel as JSON through the outbox
            services.deliver(h, ev, config)
    return ctx


STREAM_HEAD = HANDLER_HEAD + "\t\t.id('kapacitor/{{ .Name }}/{{ index .Tags \"host\" }}')" + HANDLER_LEVELS


@pytest.fixture
def sink():
    with HTTPSink() as s:
        yield s


def by_path(requests):
    return sorted(requests, key=lambda r: (r.path, r.body))


# -- slack ----------------------------------------------------------------------------------------
def slack_body(channel, text=MSG, color="danger", username="kapacitor", icon=""):
    """Go's bytes of slack's post (``text`` as it stands in the JSON)."""
    return (b'{"attachments":[{"fallback":"' + text.encode() + b'","color":"' + color.encode()
            + b'","text":"' + text.encode() + b'","mrkdwn_in":["text"]}],"channel":"'
            + channel.encode() + b'","icon_emoji":"' + icon.encode() + b'","text":"","username":"'
            + username.encode() + b'"}\n')


def test_stream_alert_slack_two_workspaces(sink):
    config = StaticConfig({"slack": [
        {"default": True, "enabled": True, "url": sink.url + "/test/slack/url", "channel": "#channel"},
        {"workspace": "company_private", "enabled": True, "url": sink.url + "/test/slack/url2",
         "token": "my_secret_token", "channel": "#channel"}]})
    stream_and_deliver(STREAM_HEAD + "\t\t.slack()\n\t\t.workspace('company_private')\n\t\t.channel('#alerts')\n"
                       "\t\t.slack()\n\t\t.channel('@jim')\n", config)
    got = by_path(sink.wait(2))
    assert [(r.method, r.path) for r in got] == [("POST", "/test/slack/url"), ("POST", "/test/slack/url2")]
    assert got[0].body == slack_body("@jim")
    assert got[1].body == slack_body("#alerts")
    assert "Authorization" not in got[0].headers
    assert got[1].headers["Authorization"] == "Bearer my_secret_token"
    for r in got:
        assert r.headers["Content-Type"] == "application/json"
        assert r.headers["User-Agent"] == "Go-http-client/1.1"
        assert r.headers["Content-Length"] == str(len(r.body))


def test_slack_topic_handler_options_and_section_fallbacks(sink):
    """TestServer_AlertHandlers' slack case, then every option and the level colors."""
    config = StaticConfig({"slack": [{"enabled": True, "url": sink.url + "/test/slack/url"}]})
    services.deliver(["slack", services.service("slack").decode({"channel": "#test"})], event(), config)
    assert sink.wait(1)[0].body == slack_body("#test", "message")
    config = StaticConfig({"slack": [{"enabled": True, "url": sink.url + "/s", "channel": "#dflt",
                                      "username": "bot", "icon-emoji": ":x:"}]})
    services.deliver(["slack", {}], event(level="WARNING", message="a<b>&"), config)
    services.deliver(["slack", {"username": "u", "icon-emoji": ":y:"}], event(level="OK"), config)
    got = sink.wait(3)
    assert got[1].body == slack_body("#dflt", "a\\u003cb\\u003e\\u0026", "warning", "bot", ":x:")
    assert got[2].body == slack_body("#dflt", "message", "good", "u", ":y:")


def test_slack_errors_disabled_unknown_workspace_and_answers(sink):
    ev = event()
    with pytest.raises(DeliveryError, match="^no slack configuration found$"):
        services.deliver(["slack", {}], ev, StaticConfig({"slack": []}))
    # the server's default config has one slack element, the default, disabled (server.NewConfig)
    assert StaticConfig().elements("slack") == [{**slack.SLACK.plain_defaults, "default": True}]
    with pytest.raises(DeliveryError, match="^service is not enabled$"):
        services.deliver(["slack", {}], ev, StaticConfig())
    config = StaticConfig({"slack": [{"url": sink.url}]})
    with pytest.raises(DeliveryError, match="^service is not enabled$"):
        services.deliver(["slack", {}], ev, config)
    with pytest.raises(DeliveryError, match="^workspace id not found$"):
        services.deliver(["slack", {"workspace": "nope"}], ev, config)
    assert sink.requests == []
    config = StaticConfig({"slack": [{"enabled": True, "url": sink.url}]})
    sink.status, sink.response = 400, b'{"error":"channel_not_found"}'
    with pytest.raises(DeliveryError, match="^channel_not_found$"):
        services.deliver(["slack", {}], ev, config)
    sink.status, sink.response = 500, b"boom"
    with pytest.raises(DeliveryError) as info:
        services.deliver(["slack", {}], ev, config)
    assert str(info.value) == "failed to understand Slack response. code: 500 content: boom"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(DeliveryError, match=f'^Post "http://127.0.0.1:{port}/x": '):
        services.deliver(["slack", {}], ev, StaticConfig({"slack": [{"enabled": True,
                                                                      "url": f"http://127.0.0.1:{port}/x"}]}))


@pytest.fixture
def tls_sink(tmp_path):
    """An HTTPSink speaking TLS with a self-signed certificate for 127.0.0.1 (``.ca`` is its path)."""
    import shutil
    import ssl
    import subprocess
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    sink = HTTPSink()
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    sink._srv.socket = ctx.wrap_socket(sink._srv.socket, server_side=True)
    sink.ca = str(cert)
    with sink:
        yield sink


def test_slack_and_discord_tls_options(tls_sink):
    url = tls_sink.url.replace("http://", "https://") + "/hook"
    with pytest.raises(DeliveryError, match="CERTIFICATE_VERIFY_FAILED"):
        services.deliver(["slack", {}], event(), StaticConfig({"slack": [{"enabled": True, "url": url}]}))
    services.deliver(["slack", {}], event(), StaticConfig({"slack": [{"enabled": True, "url": url,
                                                                        "ssl-ca": tls_sink.ca}]}))
    services.deliver(["slack", {}], event(), StaticConfig({"slack": [{"enabled": True, "url": url,
                                                                        "insecure-skip-verify": True}]}))
    tls_sink.status, tls_sink.response = 204, b""
    services.deliver(["discord", {}], event(), StaticConfig({"discord": [{"enabled": True, "url": url,
                                                                            "ssl-ca": tls_sink.ca}]}))
    assert [r.path for r in tls_sink.wait(3)] == ["/hook"] * 3
    with pytest.raises(DeliveryError, match="^failed to load TLS configuration: "):
        services.deliver(["slack", {}], event(), StaticConfig({"slack": [{"enabled": True, "url": url,
                                                                            "ssl-ca": "/nonexistent/ca.pem"}]}))


def test_slack_config_validation_texts():
    v = slack.SLACK.validate
    v({"enabled": False, "url": ""})
    with pytest.raises(ValueError, match="^must specify url$"):
        v({"enabled": True, "url": ""})
    with pytest.raises(ValueError) as info:
        v({"enabled": True, "url": "http://a/%zz"})
    assert str(info.value) == 'invalid url "http://a/%zz": parse "http://a/%zz": invalid URL escape "%zz"'
    with pytest.raises(ValueError) as info:
        v({"url": ":nope"})
    assert str(info.value) == 'invalid url ":nope": parse ":nope": missing protocol scheme'
    many = services.service("slack").extra["validate_elements"]
    many([{"workspace": ""}])
    with pytest.raises(ValueError, match="^id must not be empty$"):
        many([{"workspace": "a", "default": True}, {"workspace": ""}])
    with pytest.raises(ValueError, match="^at least one Slack config must be set as default$"):
        many([{"workspace": "a"}, {"workspace": "b"}])
    with pytest.raises(ValueError, match="^only the default config may be assigned as global$"):
        many([{"workspace": "a", "default": True}, {"workspace": "b", "global": True}])
    with pytest.raises(ValueError, match="^stateChangesOnly may only be assigned when the config is both "):
        many([{"workspace": "a", "default": True, "state-changes-only": True}, {"workspace": "b"}])
    assert slack.SLACK.redacted == ("url", "token") and slack.SLACK.element_key == "workspace"
    assert slack.SLACK.plain_defaults["username"] == "kapacitor"


def test_decode_errors_are_mapstructures():
    dec = services.service("slack").decode
    assert dec({"channel": "#x", "Username": "u"}) == {"channel": "#x", "username": "u"}
    with pytest.raises(HandlerError) as info:
        dec({"channel": 5, "nope": 1, "also": True})
    assert str(info.value) == (
        "failed to decode options into *slack.HandlerConfig: 2 error(s) decoding:\n\n"
        "* '' has invalid keys: also, nope\n"
        "* 'channel' expected type 'string', got unconvertible type 'float64', value: '5'")
    with pytest.raises(HandlerError) as info:
        services.service("telegram").decode({"disable-notification": "yes"})
    assert str(info.value) == (
        "failed to decode options into *telegram.HandlerConfig: 1 error(s) decoding:\n\n"
        "* 'disable-notification' expected type 'bool', got unconvertible type 'string', value: 'yes'")
    mq = services.service("mqtt").decode
    assert mq({"topic": "t", "qos": "at-least-once", "retained": True}) == \
        {"topic": "t", "qos": "at-least-once", "retained": True}
    with pytest.raises(HandlerError) as info:
        mq({"qos": "exactly-once"})  # Kapacitor parses "exactly-one" (sic) only
    assert str(info.value).endswith("* error decoding 'qos': invalid QoS")
    with pytest.raises(HandlerError) as info:
        mq({"qos": -1})
    assert str(info.value).endswith("* cannot parse 'qos', -1.000000 overflows uint")
    with pytest.raises(HandlerError) as info:
        mq({"qos": [1]})
    assert str(info.value).endswith(
        "* 'qos' expected type 'mqtt.QoSLevel', got unconvertible type '[]interface {}', value: '[1]'")
    assert services.service("talk").decode({"anything": 1}) == {"anything": 1}  # Kapacitor decodes none


# -- telegram -------------------------------------------------------------------------------------
def test_stream_alert_telegram(sink):
    config = StaticConfig({"telegram": {"enabled": True, "url": sink.url + "/bot", "token": "TOKEN:AUTH",
                                        "chat-id": "123456789", "disable-web-page-preview": True}})
    stream_and_deliver(STREAM_HEAD + "\t\t.telegram()\n\t\t\t.chatId('12345678')\n\t\t\t\t.disableNotification()\n"
                       "\t\t\t\t.parseMode('HTML')\n\t\t.telegram()\n\t\t\t.chatId('87654321')\n", config)
    got = sorted(sink.wait(2), key=lambda r: r.body)
    assert {r.path for r in got} == {"/botTOKEN:AUTH/sendMessage"}
    assert [r.body for r in got] == [
        b'{"chat_id":"12345678","disable_notification":true,"disable_web_page_preview":true,"parse_mode":"HTML",'
        b'"text":"' + MSG.encode() + b'"}\n',
        b'{"chat_id":"87654321","disable_web_page_preview":true,"text":"' + MSG.encode() + b'"}\n']


def test_telegram_topic_handler_parse_mode_and_errors(sink):
    config = StaticConfig({"telegram": {"enabled": True, "url": sink.url + "/bot", "token": "TOKEN:AUTH"}})
    services.deliver(["telegram", {"chat-id": "chat id", "disable-web-page-preview": True}], event(), config)
    r = sink.wait(1)[0]
    assert r.path == "/botTOKEN:AUTH/sendMessage"
    assert r.body == b'{"chat_id":"chat id","disable_web_page_preview":true,"text":"message"}\n'
    with pytest.raises(DeliveryError) as info:
        services.deliver(["telegram", {"parse-mode": "bbcode"}], event(), config)
    assert str(info.value) == "parseMode bbcode is not valid, please use 'Markdown' or 'HTML'"
    sink.status, sink.response = 400, b'{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}'
    with pytest.raises(DeliveryError) as info:
        services.deliver(["telegram", {"parse-mode": "markdown"}], event(), config)
    assert str(info.value) == "sendMessage error (400) description: Bad Request: chat not found"
    sink.response = b"<html>"
    with pytest.raises(DeliveryError) as info:
        services.deliver(["telegram", {}], event(), config)
    assert str(info.value) == ("failed to understand Telegram response (err: invalid character '<' looking for "
                               "beginning of value). code: 400 content: <html>")
    with pytest.raises(DeliveryError, match="^service is not enabled$"):
        services.deliver(["telegram", {}], event(), StaticConfig())


def test_telegram_config_validation():
    v = services.section_of("telegram").validate
    assert services.section_of("telegram").plain_defaults["url"] == "https://api.telegram.org/bot"
    v({"enabled": True, "url": "https://api.telegram.org/bot", "token": "t"})
    with pytest.raises(ValueError, match="^must specify url$"):
        v({"enabled": True, "url": "", "token": "t"})
    with pytest.raises(ValueError, match="^must specify token$"):
        v({"enabled": True, "url": "https://x/bot", "token": ""})


# -- hipchat --------------------------------------------------------------------------------------
def test_stream_alert_hipchat(sink):
    config = StaticConfig({"hipchat": {"enabled": True, "url": sink.url, "room": "1231234",
                                       "token": "testtoken1231234"}})
    stream_and_deliver(STREAM_HEAD + "\t\t.hipChat()\n\t\t\t.room('1234567')\n\t\t\t.token('testtoken1234567')\n"
                       "\t\t.hipChat()\n\t\t\t.room('Test Room')\n\t\t\t.token('testtokenTestRoom')\n", config)
    got = by_path(sink.wait(2))
    assert [r.path for r in got] == ["/1234567/notification?auth_token=testtoken1234567",
                                     "/Test%20Room/notification?auth_token=testtokenTestRoom"]
    body = b'{"color":"red","from":"kapacitor","message":"' + MSG.encode() + b'","notify":true}\n'
    assert [r.body for r in got] == [body, body]


def test_hipchat_topic_handler_and_section_room(sink):
    config = StaticConfig({"hipchat": {"enabled": True, "url": sink.url + "/v2/room", "room": "ops", "token": "t&k"}})
    services.deliver(["hipchat", {"token": "testtoken1234567", "room": "1234567"}], event(), config)
    services.deliver(["hipchat", {}], event(level="WARNING"), config)
    got = sink.wait(2)
    assert got[0].path == "/v2/room/1234567/notification?auth_token=testtoken1234567"
    assert got[1].path == "/v2/room/ops/notification?auth_token=t%26k"
    assert got[1].body == b'{"color":"yellow","from":"kapacitor","message":"message","notify":true}\n'


# -- discord --------------------------------------------------------------------------------------
def discord_body(username, text=MSG, title="", avatar="", timestamp="", color=0xF95F53):
    return (b'{"avatar_url":"' + avatar.encode() + b'","embeds":[{"color":' + str(color).encode() + b',"title":"'
            + title.encode() + b'","description":"' + text.encode() + b'","timestamp":"' + timestamp.encode()
            + b'"}],"username":"' + username.encode() + b'"}\n')


def test_stream_alert_discord(sink):
    sink.status, sink.response = 204, b""
    config = StaticConfig({"discord": [
        {"default": True, "enabled": True, "url": sink.url + "/test/discord/url"},
        {"workspace": "company_private", "username": "comp testy", "enabled": True,
         "url": sink.url + "/test/discord/url2"}]})
    stream_and_deliver(STREAM_HEAD + "\t\t.discord()\n\t\t.workspace('company_private')\n"
                       "\t\t.discord()\n\t\t.username('testy')\n", config)
    got = by_path(sink.wait(2))
    assert [r.path for r in got] == ["/test/discord/url", "/test/discord/url2"]
    assert got[0].body == discord_body("testy")
    assert got[1].body == discord_body("comp testy")


def test_discord_topic_handler_title_template_timestamp_and_204(sink):
    sink.status, sink.response = 204, b""
    avatar = discord.TEST_AVATAR
    config = StaticConfig({"discord": [{"enabled": True, "url": sink.url + "/test/discord/url"}]})
    opts = services.service("discord").decode({"username": "Kapacitor", "avatar-url": avatar,
                                               "embed-title": "Kapacitor Alert"})
    services.deliver(["discord", opts], event(), config)
    assert sink.wait(1)[0].body == discord_body("Kapacitor", "message", "Kapacitor Alert", avatar)
    config = StaticConfig({"discord": [{"enabled": True, "timestamp": True, "url": sink.url + "/d"}]})
    services.deliver(["discord", {"embed-title": "{{ .Name }} on {{ index .Tags \"host\" }} {{ .Level }}"}],
                     event(level="INFO", time="1971-01-01T00:00:10.5Z"), config)
    assert sink.wait(2)[1].body == discord_body("", "message", "cpu on serverA INFO", "", "1971-01-01T00:00:10Z",
                                                0x7A65F2)
    sink.status, sink.response = 200, b"{}"
    with pytest.raises(DeliveryError) as info:
        services.deliver(["discord", {}], event(), config)
    assert str(info.value) == "failed to understand Discord response. code: 200 content: {}"
    with pytest.raises(HandlerError, match="^template: embedTitle:1: "):
        services.service("discord").check({"embed-title": "{{ .Name "}, config)
    with pytest.raises(HandlerError, match="^failed to create Discord handler: template: embedTitle:1: "):
        services.inline_handler("DiscordHandler", {"EmbedTitle": "{{ if }}"}, config)


def test_discord_title_sees_task_name_and_group_of_event_data(sink):
    """The embed title executes on alert.TemplateData built from the event's ``eventData``
    (services/eventdata.py), so TaskName and Group are the task's, not empty."""
    sink.status, sink.response = 204, b""
    config = StaticConfig({"discord": [{"enabled": True, "url": sink.url + "/d"}]})
    data = {"name": "cpu", "taskName": "t1", "category": "", "group": "host=serverA", "tags": {"host": "serverA"},
            "fields": {"value": 10.0}}
    services.deliver(["discord", {"embed-title": "{{ .TaskName }} {{ .Group }} {{ .Name }}"}],
                     event(eventData=data, topic="main:t1:alert2"), config)
    assert json.loads(sink.wait(1)[0].body)["embeds"][0]["title"] == "t1 host=serverA cpu"


def test_discord_validation():
    v = discord.DISCORD.validate
    with pytest.raises(ValueError, match="^Must specify the Discord channel webhook URL$"):
        v({"enabled": True, "url": ""})
    with pytest.raises(ValueError, match='^invalid url "http://a:b/"'):
        v({"url": "http://x/", "avatar-url": "http://a:b/"})
    with pytest.raises(ValueError, match="^at least one Discord config must be set as default$"):
        services.service("discord").extra["validate_elements"]([{"workspace": "a"}, {"workspace": "b"}])


# -- pushover -------------------------------------------------------------------------------------
def test_stream_alert_pushover(sink):
    token = "KzGDORePKggMaC0QOYAMyEEuzJnyUi"
    config = StaticConfig({"pushover": {"enabled": True, "url": sink.url, "user-key": "user", "token": token}})
    stream_and_deliver(STREAM_HEAD.replace(
        ".id('kapacitor/{{ .Name }}/{{ index .Tags \"host\" }}')",
        ".id('{{ index .Tags \"host\" }}')\n\t\t.message('kapacitor/{{ .Name }}/{{ index .Tags \"host\" }} is "
        "{{ .Level }} @{{.Time}}')")
        + "\t\t.pushover()\n\t\t\t.sound('siren')\n\t\t\t.device('mydev')\n\t\t\t.title('mytitle')\n"
        "\t\t\t.URL('http://example.com')\n\t\t\t.URLTitle('myurltitle')\n"
        "\t\t.pushover()\n\t\t\t.title('othertitle')\n\t\t\t.device('otherdev')\n", config)
    got = sorted(sink.wait(2), key=lambda r: r.body)
    assert {r.headers["Content-Type"] for r in got} == {"application/x-www-form-urlencoded"}
    msg = "kapacitor/cpu/serverA is CRITICAL @1971-01-01 00:00:10 +0000 UTC"
    want = sorted([
        {"token": token, "user": "user", "message": msg, "device": "mydev", "sound": "siren", "title": "mytitle",
         "url": "http://example.com", "url_title": "myurltitle", "priority": "1"},
        {"token": token, "user": "user", "message": msg, "device": "otherdev", "title": "othertitle",
         "priority": "1"}], key=lambda d: d["device"])
    assert sorted((dict(urllib.parse.parse_qsl(r.body.decode())) for r in got), key=lambda d: d["device"]) == want
    # url.Values.Encode: keys sorted, QueryEscape'd
    assert min(r.body for r in got) == (
        b"device=mydev&message=kapacitor%2Fcpu%2FserverA+is+CRITICAL+%401971-01-01+00%3A00%3A10+%2B0000+UTC"
        b"&priority=1&sound=siren&title=mytitle&token=" + token.encode()
        + b"&url=http%3A%2F%2Fexample.com&url_title=myurltitle&user=user")


def test_pushover_priorities_user_key_and_errors(sink):
    config = StaticConfig({"pushover": {"enabled": True, "url": sink.url, "user-key": "u", "token": "t"}})
    for level in ("OK", "INFO", "WARNING", "CRITICAL"):
        services.deliver(["pushover", {"user-key": "other"} if level == "OK" else {}], event(level=level), config)
    got = sink.wait(4)
    assert [r.body for r in got] == [b"message=message&priority=-2&token=t&user=other",
                                     b"message=message&priority=-1&token=t&user=u",
                                     b"message=message&priority=0&token=t&user=u",
                                     b"message=message&priority=1&token=t&user=u"]
    sink.status, sink.response = 400, b'{"errors":["user key is invalid","no"],"status":0}'
    with pytest.raises(DeliveryError) as info:
        services.deliver(["pushover", {}], event(), config)
    assert str(info.value) == "failed to understand Pushover response. code: 400 content: user key is invalid, no"
    v = services.section_of("pushover").validate
    v({"enabled": False})
    with pytest.raises(ValueError, match="^must specify token$"):
        v({"enabled": True, "url": "x"})
    with pytest.raises(ValueError, match="^must specify user key$"):
        v({"enabled": True, "token": "t", "url": "x"})
    with pytest.raises(ValueError, match="^must specify url$"):
        v({"enabled": True, "token": "t", "user-key": "u", "url": ""})
    with pytest.raises(ValueError, match='^invalid URL "%"'):
        v({"enabled": True, "token": "t", "user-key": "u", "url": "%"})


# -- talk -----------------------------------------------------------------------------------------
def test_stream_alert_talk_and_topic_handler(sink):
    config = StaticConfig({"talk": {"enabled": True, "url": sink.url, "author_name": "Kapacitor"}})
    stream_and_deliver(STREAM_HEAD + "\t\t.talk()\n", config)
    r = sink.wait(1)[0]
    assert (r.method, r.path) == ("POST", "/")
    assert r.body == b'{"authorName":"Kapacitor","text":"' + MSG.encode() + b'","title":"kapacitor/cpu/serverA"}\n'
    services.deliver(["talk", {}], event(), config)
    assert sink.wait(2)[1].body == b'{"authorName":"Kapacitor","text":"message","title":"id"}\n'
    sink.status, sink.response = 500, b'{"error":"x"}'
    with pytest.raises(DeliveryError) as info:
        services.deliver(["talk", {}], event(), config)
    assert str(info.value) == 'failed to understand Talk response. code: 500 content: {"error":"x"}'


# -- teams ----------------------------------------------------------------------------------------
def teams_body(title, text, summary, color="CC4A31"):
    return json.dumps({"@type": "MessageCard", "@context": "http://schema.org/extensions", "title": title,
                       "text": text, "summary": summary, "themeColor": color}, separators=(",", ":")).encode()


def test_stream_alert_teams(sink):
    config = StaticConfig({"teams": {"enabled": True, "channel-url": sink.url}})
    stream_and_deliver(STREAM_HEAD + f"\t\t.teams()\n\t\t.teams()\n\t\t\t.channelURL('{sink.url}')\n", config)
    got = sink.wait(2)
    body = teams_body("CRITICAL: [kapacitor/cpu/serverA]", MSG,
                      "CRITICAL: [kapacitor/cpu/serverA] - kapacitor/cpu/serverA is CRITICAL...")
    assert [(r.path, r.body) for r in got] == [("/", body), ("/", body)]  # json.Marshal: no newline


def test_teams_titles_summary_cut_and_204(sink):
    sink.status, sink.response = 204, b""
    config = StaticConfig({"teams": {"enabled": True, "channel-url": sink.url + "/hook"}})
    services.deliver(["teams", {}], event(), config)
    services.deliver(["teams", {}], event(id="", topic="ops", level="WARNING"), config)
    services.deliver(["teams", {}], event(id="", level="OK", message="m" * 80), config)
    got = sink.wait(3)
    assert got[0].body == teams_body("CRITICAL: [id]", "message", "CRITICAL: [id] - message...")
    assert got[1].body == teams_body("WARNING: [ops]", "message", "WARNING: [ops] - message...", "FFA533")
    assert got[2].body == teams_body("OK", "m" * 80, ("OK: " + "m" * 80)[:70] + "...", "34CC25")
    assert teams._cut("é" * 40) == "é" * 35  # 70 bytes: whole runes
    assert teams._cut("a" + "é" * 40) == "a" + "é" * 34 + "\ufffd"  # a cut rune: U+FFFD per byte
    with pytest.raises(ValueError, match="^must specify Teams channel webhook URL$"):
        teams.TEAMS.validate({"enabled": True, "channel-url": ""})


# -- disabled, globals, service tests ---------------------------------------------------------------
@pytest.mark.parametrize("kind", ["slack", "teams", "discord", "telegram", "pushover", "talk", "hipchat"])
def test_disabled_service_refuses_delivery(kind, sink):
    section = services.service(kind).section
    element = {"url": sink.url, "channel-url": sink.url}
    element = {k: v for k, v in element.items() if k in section.defaults}
    config = StaticConfig({kind: [element] if section.is_list else element})
    with pytest.raises(DeliveryError, match="^service is not enabled$"):
        services.deliver([kind, {}], event(), config)
    assert sink.requests == []


def test_global_handlers_and_state_changes_only():
    assert services.global_handlers(set(), StaticConfig()) == ([], False)
    config = StaticConfig({"slack": [{"default": True, "global": True}], "telegram": {"global": True},
                           "hipchat": {"global": True, "state-changes-only": True}})
    added, force = services.global_handlers({"telegram"}, config)
    assert added == [["slack", {}], ["hipchat", {}]] and force is True
    # discord's StateChangesOnly() answers its Global (Kapacitor's code)
    assert services.global_handlers(set(), StaticConfig({"discord": [{"global": True, "default": True}]})) == \
        ([["discord", {}]], True)
    # pushover, talk and mqtt have no global option in Kapacitor
    for kind in ("pushover", "talk", "mqtt"):
        assert not services.service(kind).global_handler


def test_global_slack_through_the_alert_node(sink):
    config = StaticConfig({"slack": [{"enabled": True, "url": sink.url, "global": True,
                                      "state-changes-only": True}]})
    ctx = stream_and_deliver(STREAM_HEAD, config)
    assert [h for _, _, hs in ctx.events for h in hs if h[0] == "slack"] == [["slack", {}]]
    assert sink.wait(1)[0].body == slack_body("")


def test_template_options_are_per_handler(sink):
    """Slack's channel is per handler (``.channel()`` or the topic handler's option), falling
    back to the workspace's; mqtt's topic and discord's title are templates on the event."""
    config = StaticConfig({"slack": [{"enabled": True, "url": sink.url, "channel": "#dflt"}]})
    for ch in ("#a", "", "@b"):
        services.deliver(["slack", {"channel": ch}], event(), config)
    assert [json.loads(r.body)["channel"] for r in sink.wait(3)] == ["#a", "#dflt", "@b"]


def test_service_tests_options_and_sends(sink):
    assert services.service("slack").test_options == {
        "workspace": "", "channel": "", "message": "test slack message", "level": "CRITICAL", "username": "",
        "icon-emoji": ""}
    assert services.service("talk").test_options == {"title": "testTitle", "text": "test talk text"}
    assert services.service("mqtt").test_options["qos"] == "at-most-once"
    config = StaticConfig({"slack": [{"enabled": True, "url": sink.url, "channel": "#c"}],
                           "teams": {"enabled": True, "channel-url": sink.url + "/teams"},
                           "hipchat": {"enabled": True, "url": sink.url, "room": "r", "token": "tok"}})
    assert services.service("slack").extra["test_options"](config)["channel"] == "#c"
    services.service("slack").test({"message": "hi", "level": "WARNING"}, config)
    services.service("teams").test({"channel_url": "http://ignored.invalid/"}, config)
    services.service("hipchat").test({}, config)
    got = sink.wait(3)
    assert got[0].body == slack_body("#c", "hi", "warning")
    assert got[1].path == "/teams" and json.loads(got[1].body)["title"] == "CRITICAL: [foo/bar/bat]"
    assert got[2].path == "/r/notification?auth_token=tok"
    with pytest.raises(HandlerError, match="^unknown alert level 'BAD'$"):
        services.service("slack").test({"level": "BAD"}, config)
    assert svcutil.parse_level("") == "OK" and svcutil.parse_level("WARNING") == "WARNING"
    with pytest.raises(HandlerError) as info:
        services.service("slack").test({"channel": 5}, config)
    assert str(info.value) == "json: cannot unmarshal number into Go struct field testOptions.channel of type string"
    with pytest.raises(HandlerError) as info:
        services.service("telegram").test({"disable-notification": "yes"}, config)
    assert str(info.value) == ("json: cannot unmarshal string into Go struct field "
                               "testOptions.disable-notification of type bool")


@pytest.mark.parametrize(("kind", "options", "message"), [
    ("hipchat", {}, "service is not enabled"), ("pushover", {}, "service is not enabled"),
    ("slack", {}, "service is not enabled"), ("talk", {}, "service is not enabled"),
    ("teams", {}, "service is not enabled"), ("telegram", {}, "service is not enabled"),
    ("discord", {}, "service is not enabled"),
    ("mqtt", {"broker-name": "default", "topic": "test"}, 'unknown MQTT broker "default"')])
def test_service_tests_on_the_default_config(kind, options, message):
    """TestServer_DoServiceTest: the default (disabled) services answer Kapacitor's texts."""
    with pytest.raises(DeliveryError) as info:
        services.service(kind).test(options, StaticConfig({"mqtt": []}))
    assert str(info.value) == message


def test_go_url_and_path_helpers():
    assert webhook.go_path_join("/bot" + "TOKEN:AUTH", "sendMessage") == "/botTOKEN:AUTH/sendMessage"
    assert webhook.go_path_join("", "a//b/../c/") == "a/c"
    assert webhook.with_path("http://h:1/x?q=1", "/Test Room/n", "a=b") == "http://h:1/Test%20Room/n?a=b"
    assert webhook.go_url_error("http://h/p?%zz") is None
    assert webhook.go_url_error("http://h:x/") == 'parse "http://h:x/": invalid port ":x" after host'
    assert webhook.go_url_error("http://h/\x01") == 'parse "http://h/\\x01": net/url: invalid control character in URL'


# -- mqtt -----------------------------------------------------------------------------------------
@pytest.fixture
def broker():
    """A fresh broker per test: retained messages must not leak from one test to the next."""
    with Broker() as b:
        yield b


@pytest.fixture
def subscriber(broker):
    s = Subscriber(broker.port)
    yield s
    s.close()


def test_mqtt_topic_handler_publishes_with_qos_and_retained(broker, subscriber):
    """TestServer_AlertHandlers' two mqtt cases: ``test`` and ``test/{{.TaskName}}``, at-least-once,
    retained."""
    config = StaticConfig({"mqtt": [{"enabled": True, "name": "test", "url": broker.url}]})
    svc = services.service("mqtt")
    for topic in ("test", "test/{{.TaskName}}"):
        opts = svc.decode({"topic": topic, "qos": "at-least-once", "retained": True})
        svc.check(opts, config)
        data = {"name": "cpu", "taskName": "testAlertHandlers", "category": "", "group": "", "tags": {}, "fields": {}}
        services.deliver(["mqtt", opts], event(eventData=data), config)
    got = broker.wait(2)
    assert [(p.client_id, p.topic, p.payload, p.qos, p.retain) for p in got] == [
        ("test", "test", b"message", 1, True), ("test", "test/testAlertHandlers", b"message", 1, True)]
    assert subscriber.wait(2) == [("test", b"message", False), ("test/testAlertHandlers", b"message", False)]
    late = Subscriber(broker.port, "test/#")  # retained: a later subscriber gets them
    try:
        # NOTE: amqtt may hand a retained message twice to a subscription made while it still
        # stores it; which messages are retained is the point here
        assert sorted(set(late.wait(2))) == [("test", b"message", True), ("test/testAlertHandlers", b"message", True)]
    finally:
        late.close()


def test_mqtt_inline_handler_named_broker_and_default(broker, subscriber):
    config = StaticConfig({"mqtt": [{"enabled": True, "name": "a", "url": broker.url, "default": True},
                                    {"enabled": True, "name": "b", "url": broker.url, "client-id": "kap-b"}]})
    h = services.inline_handler("MQTTHandler", {"Topic": "alerts/{{ index .Tags \"host\" }}/{{ .Level }}",
                                                "Qos": 2, "Retained": False, "BrokerName": "b"}, config)
    assert h == ["mqtt", {"broker-name": "b", "topic": "alerts/{{ index .Tags \"host\" }}/{{ .Level }}", "qos": 2,
                          "retained": False}]
    services.deliver(h, event(), config)
    services.deliver(["mqtt", {"topic": "plain"}], event(message="to the default"), config)
    got = broker.wait(2)
    assert [(p.client_id, p.topic, p.payload, p.qos, p.retain) for p in got] == [
        ("kap-b", "alerts/serverA/CRITICAL", b"message", 2, False), ("a", "plain", b"to the default", 0, False)]
    assert [m[0] for m in subscriber.wait(2)] == ["alerts/serverA/CRITICAL", "plain"]


def test_mqtt_errors(broker):
    ev = event()
    config = StaticConfig({"mqtt": [{"name": "default", "url": broker.url}]})  # disabled: no client
    with pytest.raises(DeliveryError, match='^unknown MQTT broker "default"$'):
        services.deliver(["mqtt", {"topic": "t"}], ev, config)
    enabled = StaticConfig({"mqtt": [{"enabled": True, "url": broker.url}]})
    with pytest.raises(DeliveryError, match='^unknown MQTT broker "other"$'):
        services.deliver(["mqtt", {"topic": "t", "broker-name": "other"}], ev, enabled)
    with pytest.raises(DeliveryError, match="^missing MQTT topic$"):
        services.deliver(["mqtt", {"topic": "{{ .Group }}"}], ev, enabled)
    with pytest.raises(HandlerError, match="^failed to create MQTT handler: template: topic:1: "):
        services.inline_handler("MQTTHandler", {"Topic": "{{ .ID "}, enabled)
    with pytest.raises(HandlerError, match="^invalid QoS 3"):
        services.inline_handler("MQTTHandler", {"Topic": "t", "Qos": 3}, enabled)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(DeliveryError, match="^network Error : "):
        services.deliver(["mqtt", {"topic": "t"}], ev,
                         StaticConfig({"mqtt": [{"enabled": True, "url": f"tcp://127.0.0.1:{port}"}]}))
    v = mqtt.validate_elements
    with pytest.raises(ValueError, match="^must specify a name for the mqtt broker$"):
        v([{"name": ""}])
    with pytest.raises(ValueError, match="^must specify a url for mqtt service$"):
        v([{"name": "x", "enabled": True, "url": ""}])
    with pytest.raises(ValueError, match="^more than one configuration is marked as the default$"):
        v([{"name": "x", "default": True}, {"name": "y", "default": True}])
    with pytest.raises(ValueError, match="^no configuration is marked as the default$"):
        v([{"name": "x"}, {"name": "y"}])
    assert mqtt.MQTT.redacted == ("password",) and mqtt.MQTT.defaults["name"] == "default"


def test_mqtt_service_test_publishes(broker):
    config = StaticConfig({"mqtt": [{"enabled": True, "url": broker.url}]})
    assert services.service("mqtt").extra["test_options"](config)["broker-name"] == "default"
    services.service("mqtt").test({"topic": "svc/test", "qos": "exactly-one", "retained": True}, config)
    got = broker.wait(1)
    assert [(p.client_id, p.topic, p.payload, p.qos, p.retain) for p in got] == [
        ("default", "svc/test", b"test MQTT message", 2, True)]


# -- end to end: a real server --------------------------------------------------------------------
def test_server_runs_chat_handlers_and_logs_their_refusal(server, db, sink):
    """Through a real server: a task with ``.slack()`` and ``.teams().channelURL(...)`` is
    accepted over HTTP, a point raises an alert, the outbox hands it to both services, and
    (the server's config being Kapacitor's defaults: both disabled) each delivery fails with
    Kapacitor's text, is logged, and the task keeps running.  Nothing reaches the sink."""
    import requests
    from kapacitor_tasks import wait_for

    base = f"{server.url}/kapacitor/v1"
    r = requests.post(f"{server.url}/query", params={"q": f'CREATE DATABASE "{db}"'}, timeout=30)
    assert r.status_code == 200, r.text
    script = (f"stream|from().measurement('cpu')|alert().id('{db}').crit(lambda: \"value\" > 1.0)"
              f".slack().channel('#ops').teams().channelURL('{sink.url}/teams')")
    r = requests.post(f"{base}/tasks", timeout=30, data=json.dumps(
        {"id": db, "type": "stream", "dbrps": [{"db": db, "rp": "autogen"}], "script": script, "status": "enabled"}))
    assert r.status_code == 200, r.text
    assert wait_for(lambda: requests.get(f"{base}/tasks/{db}", timeout=30).json().get("executing"))
    r = requests.post(f"{server.url}/write", params={"db": db}, data=b"cpu value=5", timeout=30)
    assert r.status_code == 204, r.text

    def failures():
        text = pathlib.Path(server.log_path).read_text(errors="replace")
        return [line for line in text.splitlines()
                if "alert delivery failed" in line and f"task={db}" in line and "service is not enabled" in line]
    got = wait_for(lambda: len({("slack" in x, "teams" in x) for x in failures()}) >= 2, timeout=30)
    assert got, failures()
    task = requests.get(f"{base}/tasks/{db}", timeout=30).json()
    assert task["executing"] and not task["error"]
    assert sink.requests == []
