"""A real MQTT peer for handler tests: an amqtt broker on a loopback port that records every
PUBLISH it receives (client id, topic, payload, QoS, retain flag), and a paho subscriber.

The broker records in the broker itself (a plugin on amqtt's ``broker_message_received``
event) because a subscriber sees the QoS of its own subscription (amqtt delivers at the granted
QoS), not the one the publisher sent.
"""
from __future__ import annotations

import asyncio
import contextlib
import itertools
import socket
import threading
import time
from dataclasses import dataclass

from amqtt.plugins.base import BasePlugin

RECORDS: dict[int, list] = {}  # broker port -> [Published]
_IDS = itertools.count(1)


@dataclass
class Published:
    client_id: str
    topic: str
    payload: bytes
    qos: int
    retain: bool


class Recorder(BasePlugin):
    """amqtt broker plugin: appends each received PUBLISH to ``RECORDS[port]``."""

    @dataclass
    class Config:
        port: int = 0

    async def on_broker_message_received(self, *, client_id, message) -> None:
        RECORDS.setdefault(self.config.port, []).append(
            Published(client_id, message.topic, bytes(message.data), int(message.qos), bool(message.retain)))


class Broker:
    """An amqtt broker on 127.0.0.1 in its own thread and event loop (a context manager)."""

    def __init__(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.broker = None
        RECORDS[self.port] = []

    @property
    def url(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    @property
    def published(self) -> list[Published]:
        return list(RECORDS[self.port])

    def wait(self, n: int, timeout: float = 10.0) -> list[Published]:
        deadline = time.monotonic() + timeout
        while len(RECORDS[self.port]) < n and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.published

    def __enter__(self):
        from amqtt.broker import Broker as AmqttBroker
        self.thread.start()
        config = {"listeners": {"default": {"type": "tcp", "bind": f"127.0.0.1:{self.port}"}},
                  "plugins": {"amqtt.plugins.authentication.AnonymousAuthPlugin": {"allow_anonymous": True},
                              f"{__name__}.Recorder": {"port": self.port}}}

        async def start():
            self.broker = AmqttBroker(config)
            await self.broker.start()
        asyncio.run_coroutine_threadsafe(start(), self.loop).result(15)
        return self

    def __exit__(self, *exc):
        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(self.broker.shutdown(), self.loop).result(15)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        RECORDS.pop(self.port, None)


class Subscriber:
    """A paho client subscribed to ``topic``: ``messages`` holds (topic, payload, retain)."""

    def __init__(self, port: int, topic: str = "#"):
        import paho.mqtt.client as paho
        self.messages = []
        self.client = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=f"machstore-test-sub-{next(_IDS)}")
        subscribed = threading.Event()
        self.client.on_message = lambda _c, _u, m: self.messages.append((m.topic, m.payload, m.retain))
        self.client.on_subscribe = lambda *_a: subscribed.set()
        self.client.on_connect = lambda c, *_a: c.subscribe(topic, qos=2)
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()
        if not subscribed.wait(10):
            raise TimeoutError("subscription not acknowledged")

    def wait(self, n: int, timeout: float = 10.0) -> list:
        deadline = time.monotonic() + timeout
        while len(self.messages) < n and time.monotonic() < deadline:
            time.sleep(0.02)
        return list(self.messages)

    def close(self):
        self.client.disconnect()
        self.client.loop_stop()
