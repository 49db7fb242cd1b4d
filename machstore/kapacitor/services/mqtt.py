"""MQTT (``services/mqtt``): ``.mqtt('topic')`` and the ``mqtt`` topic handler.

Config: ``[[mqtt]]`` brokers named by ``name`` (the server starts with one, ``default``,
disabled); ``password`` is a secret.  The handler's ``topic`` is a template executed on the
event (``alert.TemplateData``); the event's message is published to the handler's
``broker-name`` (else the default broker: the only one, or the one marked ``default``) with its
``qos`` (0, 1, 2 or ``at-most-once``/``at-least-once``/``exactly-one``, Kapacitor's spelling)
and ``retained`` flag, through paho-mqtt as Kapacitor's Go paho client does (client id
``client-id`` else the broker's name, clean session, ``username``/``password``, the TLS
options).  Kapacitor keeps one connection per enabled broker; machstore connects for each
delivery, so a broker's config change applies to the next one.  A broker that is not enabled
has no client: ``unknown MQTT broker "<name>"``, as in Kapacitor.  The ``url`` schemes are
paho's: ``tcp``/``mqtt`` plain, ``ssl``/``tls``/``tcps``/``mqtts`` TLS, ``ws``/``wss``
websockets; the port is required (Go's dialer refuses an address without one).
"""
from __future__ import annotations

import ssl
import threading
import urllib.parse

from machstore.gotemplate import Template, TemplateError

from . import eventdata, mapdecode, svcutil
from .base import DeliveryError, HandlerError, Section, Service
from .webhook import go_quote, tls_context

SECTION = "mqtt"
TIMEOUT = 10.0
QOS_NAMES = {"at-most-once": 0, "at-least-once": 1, "exactly-one": 2}
QOS_TEXT = {0: "at-most-once", 1: "at-least-once", 2: "exactly-once"}


def _parse_qos(text: str) -> int:
    if text not in QOS_NAMES:
        raise ValueError("invalid QoS")
    return QOS_NAMES[text]


QOS = mapdecode.TextKind("mqtt.QoSLevel", _parse_qos)
OPTIONS = {"broker-name": "string", "topic": "string", "qos": QOS, "retained": "bool"}


def _validate(e: dict) -> None:
    if not e.get("name"):
        raise ValueError("must specify a name for the mqtt broker")
    if e.get("enabled") and not e.get("url"):
        raise ValueError("must specify a url for mqtt service")


def validate_elements(elements: list[dict]) -> None:
    """``mqtt.Configs.Validate``."""
    defaults = sum(1 for e in elements if e.get("default"))
    for e in elements:
        _validate(e)
    if defaults > 1:
        raise ValueError("more than one configuration is marked as the default")
    if defaults == 0 and len(elements) > 1:
        raise ValueError("no configuration is marked as the default")


MQTT = Section(SECTION, {
    "enabled": False, "name": "default", "default": False, "url": "", "ssl-ca": "", "ssl-cert": "", "ssl-key": "",
    "insecure-skip-verify": False, "client-id": "", "username": "", "password": "",
}, redacted=("password",), element_key="name", validate=_validate, initial=({},))


def qos_level(value) -> int:
    """The QoS byte of an option value (a number or its text)."""
    if value is None:
        return 0
    if isinstance(value, str):
        return _parse_qos(value)
    return int(value) & 0xFF


def default_broker(config) -> str:
    elements = config.elements(SECTION)
    if len(elements) == 1:
        return str(elements[0].get("name", ""))
    name = ""
    for e in elements:
        if e.get("default"):
            name = str(e.get("name", ""))
    return name


def _broker(config, name: str) -> dict:
    for e in config.elements(SECTION):
        if str(e.get("name", "")) == name and e.get("enabled"):
            return e
    raise DeliveryError(f"unknown MQTT broker {go_quote(name)}")


def _connect_args(url: str) -> tuple[str, int, str, bool]:
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme in ("tcp", "mqtt"):
        transport, secure = "tcp", False
    elif scheme in ("ssl", "tls", "tcps", "mqtts"):
        transport, secure = "tcp", True
    elif scheme in ("ws", "wss"):
        transport, secure = "websockets", scheme == "wss"
    else:
        raise DeliveryError(f"network Error : unknown protocol {go_quote(scheme)} in broker url {url}")
    try:
        port = parts.port
    except ValueError:
        port = None
    if not parts.hostname or port is None:
        raise DeliveryError(f"network Error : dial tcp: address {parts.netloc}: missing port in address")
    return parts.hostname, port, transport, secure


def publish(broker: dict, topic: str, qos: int, retained: bool, message: bytes) -> None:
    """Connect to ``broker`` (a section element), publish one message, wait for it, disconnect."""
    import paho.mqtt.client as paho

    if qos not in (0, 1, 2):
        raise DeliveryError(f"invalid QoS {qos}: MQTT has QoS 0, 1 and 2")
    host, port, transport, secure = _connect_args(broker.get("url", ""))
    client = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=broker.get("client-id") or broker.get("name", ""),
                         clean_session=True, transport=transport)
    if broker.get("username") or broker.get("password"):
        client.username_pw_set(broker.get("username") or "", broker.get("password") or "")
    ctx = tls_context(broker)
    if secure or ctx is not None:
        client.tls_set_context(ctx or ssl.create_default_context())
    connected = threading.Event()
    result = {}

    def on_connect(_c, _u, _flags, reason, _props):
        result["reason"] = reason
        connected.set()

    client.on_connect = on_connect
    try:
        client.connect(host, port)
    except (OSError, ValueError) as ex:
        raise DeliveryError(f"network Error : {ex}") from None
    client.loop_start()
    try:
        if not connected.wait(TIMEOUT):
            raise DeliveryError("network Error : connection timed out")
        reason = result["reason"]
        if reason.is_failure:
            raise DeliveryError(str(reason))
        info = client.publish(topic, message, qos=qos, retain=retained)
        info.wait_for_publish(TIMEOUT)
        if not info.is_published():
            raise DeliveryError(f"failed to publish to MQTT topic {go_quote(topic)}: {paho.error_string(info.rc)}")
    except (RuntimeError, ValueError) as ex:
        raise DeliveryError(str(ex)) from None
    finally:
        client.disconnect()
        client.loop_stop()


def alert(config, broker_name: str, topic: str, qos: int, retained: bool, message: str) -> None:
    """``Service.Alert``."""
    if not topic:
        raise DeliveryError("missing MQTT topic")
    broker = _broker(config, broker_name or default_broker(config))
    publish(broker, topic, qos, retained, message.encode())


def _topic_template(text: str) -> Template:
    return Template("topic").parse(text)


def _from_tick(_t, f):
    options = {"broker-name": f.get("BrokerName", ""), "topic": f.get("Topic", ""), "qos": int(f.get("Qos") or 0),
               "retained": bool(f.get("Retained"))}
    try:
        _topic_template(options["topic"])
    except TemplateError as ex:
        raise HandlerError(f"failed to create MQTT handler: {ex}") from None
    return options


def _check(o, _config):
    """The topic template must parse (Kapacitor's ``Handler``) and the QoS be one MQTT has
    (Kapacitor would send any byte; machstore refuses what no broker accepts)."""
    try:
        _topic_template(mapdecode.text(o, "topic"))
    except TemplateError as ex:
        raise HandlerError(str(ex)) from None
    qos = qos_level(o.get("qos"))
    if qos not in (0, 1, 2):
        raise HandlerError(f"invalid QoS {qos}: MQTT has QoS 0, 1 and 2")


def _deliver(o, event, config):
    try:
        topic = _topic_template(mapdecode.text(o, "topic")).execute(eventdata.TemplateData(event))
    except TemplateError as ex:
        raise DeliveryError(f"failed to create MQTT topic from template: {ex}") from None
    alert(config, mapdecode.text(o, "broker-name"), topic, qos_level(o.get("qos")), mapdecode.flag(o, "retained"),
          event["message"])


def test_options(config) -> dict:
    return {"broker-name": default_broker(config), "topic": "", "message": "test MQTT message",
            "qos": "at-most-once", "retained": False}


def _test(options, config):
    o = svcutil.merge_test_options(test_options(config), options)
    try:
        qos = qos_level(o["qos"])
    except ValueError as ex:
        raise HandlerError(str(ex)) from None
    alert(config, str(o["broker-name"]), str(o["topic"]), qos, bool(o["retained"]), str(o["message"]))


SERVICES = [
    Service("mqtt", MQTT, ("MQTTHandler",), _from_tick,
            lambda o: mapdecode.decode(o, OPTIONS, "mqtt.HandlerConfig"), _deliver, check=_check, test=_test,
            test_options={"broker-name": "", "topic": "", "message": "test MQTT message", "qos": "at-most-once",
                          "retained": False},
            extra={"test_options": test_options, "validate_elements": validate_elements}),
]
