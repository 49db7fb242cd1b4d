"""``sensu`` alerts: Kapacitor's ``services/sensu`` (``[sensu]``, topic kind ``sensu``).

An event is one JSON object written to a TCP connection to the Sensu client (``[sensu]
addr``), as Go's ``json.Encoder`` writes a map (keys sorted, trailing newline): ``name`` (the
alert id, which must match ``^[\\w\\.-]+$``), ``source`` (the handler's source template over
``alert.TemplateData``, else ``[sensu] source``), ``output`` (the message), ``status`` (0 for
OK and INFO, 1 WARNING, 2 CRITICAL), ``handlers`` (the handler's, else the section's; ``null``
if neither) and every metadata key that does not clash with those.  The client answers ``ok``
and closes; any other answer is the error ``sensu socket error: <answer>``.
"""
from __future__ import annotations

import logging
import re
import socket

from machstore.gotemplate.kapacitor import go_json

from . import mapdecode as md
from .base import DeliveryError, HandlerError, Null, Section, Service
from .eventdata import TemplateData, TemplateError, parse

log = logging.getLogger(__name__)

NAME_PATTERN = r"^[\w\.-]+$"
_NAME = re.compile(r"^[A-Za-z0-9_.\-]+$")
STATUS = {"OK": 0, "INFO": 0, "WARNING": 1, "CRITICAL": 2}


def validate(c: dict) -> None:
    """``sensu.Config.Validate``."""
    if c.get("enabled") and not c.get("addr"):
        raise ValueError("must specify client address")


SECTION = Section("sensu", {"enabled": False, "addr": "", "source": "Kapacitor", "handlers": Null("slice")},
                  validate=validate)


def _split_addr(addr: str) -> tuple[str, int]:
    """``net.ResolveTCPAddr("tcp", addr)``'s parse, with Go's texts for a bad address."""
    host, sep, port = addr.rpartition(":")
    if not sep:
        raise DeliveryError(f"address {addr}: missing port in address")
    if not port.isdigit():
        raise DeliveryError(f"lookup tcp/{port}: unknown port")
    return host.strip("[]") or "localhost", int(port)


def alert(c: dict, name: str, source: str, output: str, handlers, metadata, level: str) -> None:
    """``Service.Alert``: send one check result to the Sensu client."""
    if not _NAME.match(name):
        raise DeliveryError(f'invalid name "{name}" for sensu alert. Must match {NAME_PATTERN}')
    if not c.get("enabled"):
        raise DeliveryError("service is not enabled")
    post = {"name": name, "source": source or c.get("source", ""), "output": output,
            "status": STATUS.get(level, 3), "handlers": list(handlers) if handlers else c.get("handlers")}
    for k, v in (metadata or {}).items():
        post.setdefault(k, v)
    host, port = _split_addr(c.get("addr") or "")
    try:
        with socket.create_connection((host, port), timeout=30) as conn:
            conn.sendall(go_json(post).encode())
            conn.shutdown(socket.SHUT_WR)
            chunks = []
            while chunk := conn.recv(4096):
                chunks.append(chunk)
    except OSError as ex:
        raise DeliveryError(f"dial tcp {host}:{port}: {ex}") from None
    resp = b"".join(chunks).decode(errors="replace")
    if resp != "ok":
        raise DeliveryError("sensu socket error: " + resp)


def _source_template(o: dict):
    return parse("source", o.get("source") or "")


def _from_tick(_t, f):
    o = {"source": f.get("Source", ""), "handlers": list(f.get("HandlersList") or []),
         "metadata": dict(f.get("MetadataMap") or {})}
    try:
        _source_template(o)
    except TemplateError as ex:
        raise HandlerError(f"failed to create sensu alert handler: {ex}") from None
    return o


def _check(o, _config):
    try:
        _source_template(o)
    except TemplateError as ex:
        raise HandlerError(str(ex)) from None


def _deliver(o, event, config):
    c = config.element("sensu") or dict(SECTION.defaults)
    try:
        source = _source_template(o).execute(TemplateData(event))
    except TemplateError as ex:  # Kapacitor logs it and sends nothing for this event
        log.error("failed to evaluate Sensu source template: %s source=%s", ex, o.get("source"))
        return
    alert(c, event.get("id", ""), source, event.get("message", ""), o.get("handlers"), o.get("metadata"),
          event.get("level", "OK"))


def _test(o, config):
    c = config.element("sensu") or dict(SECTION.defaults)
    alert(c, o.get("name", "testName"), o.get("source", "Kapacitor"), o.get("output", "testOutput"),
          o.get("handlers"), o.get("metadata"), o.get("level", "CRITICAL"))


SERVICES = [
    Service("sensu", SECTION, ("SensuHandler",), _from_tick,
            lambda o: md.decode(o, {"source": "string", "handlers": "[]string", "metadata": "map"}, "sensu.HandlerConfig"),
            _deliver, check=_check, test=_test,
            test_options={"name": "testName", "source": "Kapacitor", "output": "testOutput", "handlers": [],
                          "metadata": {}, "level": "CRITICAL"}),
]
