"""``kafka`` alerts: refused, because no Kafka broker can run on this machine to test against.

Kapacitor's ``services/kafka`` writes events to a Kafka cluster through kafka-go; machstore
has no Kafka client it could check against a real broker (a broker needs a JVM, which this
machine lacks), so rather than accept alerts and drop them it refuses the handler where it is
created: an inline ``.kafka()`` fails the task at start (``HandlerError`` from ``from_tick``,
which ``inline_handler`` raises before the alert node runs) and a topic handler of kind
``kafka`` is refused by ``decode``.  There is no ``[[kafka]]`` config section either.
"""
from __future__ import annotations

from .base import DeliveryError, HandlerError, Service

REFUSED = ("alert handler .kafka() (KafkaHandler) is not supported by machstore: "
           "no Kafka broker can run here to deliver to")
REFUSED_KIND = ('handler kind "kafka" is not supported by machstore: '
                "no Kafka broker can run here to deliver to")


def _from_tick(_t, _f):
    raise HandlerError(REFUSED)


def _decode(_o):
    raise HandlerError(REFUSED_KIND)


def _deliver(_o, _event, _c):
    raise DeliveryError(REFUSED_KIND)


SERVICES = [Service("kafka", None, ("KafkaHandler",), _from_tick, _decode, _deliver)]
