"""The topic-handler kinds of the alert service itself: ``aggregate`` and ``publish``.

They route events between topics (``alerts/topics.py`` does it inside the transaction that
collects the event) and never reach the outbox; they have no TICKscript handler and no
config section.  Their options are decoded by ``alerts/aggregate.py``.
"""
from __future__ import annotations

from machstore.kapacitor.alerts import aggregate

from .base import DeliveryError, HandlerError, Service


def _decoder(fn):
    def decode(options):
        try:
            return fn(options)
        except aggregate.OptionsError as ex:
            raise HandlerError(str(ex)) from None
    return decode


def _not_external(kind):
    def deliver(_options, _event, _config):
        # topics.collect handles these kinds in the store; an outbox entry never names them
        raise DeliveryError(f"{kind} handlers route events between topics and cannot be sent")
    return deliver


def _no_tick(_go_type, _fields):
    raise HandlerError("aggregate and publish are topic handlers only")


SERVICES = [
    Service("aggregate", None, (), _no_tick, _decoder(aggregate.decode_aggregate), _not_external("aggregate"),
            extra={"routes_topics": True}),
    Service("publish", None, (), _no_tick, _decoder(aggregate.decode_publish), _not_external("publish"),
            extra={"routes_topics": True}),
]
