"""``snmpTrap`` alerts: Kapacitor's ``services/snmptrap`` (``[snmptrap]``, kind ``snmptrap``).

An event is one SNMPv2c trap (``SNMPv2-Trap-PDU``) sent over UDP to ``[snmptrap] addr`` with
the section's community, as snmpgo's ``V2Trap`` sends it: the variable bindings are
``sysUpTime.0`` = TimeTicks 1000, ``snmpTrapOID.0`` = the handler's trap OID, then one per
``.data(oid, type, value)`` (the value a template over ``alert.TemplateData``) typed by its
letter: ``c`` Counter64, ``i`` Integer32, ``n`` Null, ``s`` OctetString, ``t`` TimeTicks;
``a``, ``d``, ``o``, ``u`` and ``x`` are refused with Kapacitor's texts.  The PDU is encoded
by pysnmp (pyasn1's BER encoder); a trap has no answer, so ``retries`` changes nothing on the
wire (as in snmpgo, which only retries requests that expect a response).
"""
from __future__ import annotations

import logging
import random
import socket

from pyasn1.codec.ber import encoder
from pyasn1.error import PyAsn1Error
from pysnmp.proto import api

from . import mapdecode as md
from .base import DeliveryError, HandlerError, Section, Service
from .eventdata import TemplateData, TemplateError, parse

log = logging.getLogger(__name__)
_V2C = api.PROTOCOL_MODULES[api.SNMP_VERSION_2C]
SYS_UPTIME, SNMP_TRAP_OID = "1.3.6.1.2.1.1.3.0", "1.3.6.1.6.3.1.1.4.1.0"

UNSUPPORTED = {"a": "IP address", "d": "Decimal string", "o": "Object ID", "u": "Unsigned integer",
               "x": "Hexadecimal string"}


def validate(c: dict) -> None:
    """``snmptrap.Config.Validate``."""
    if c.get("enabled") and not c.get("addr"):
        raise ValueError("must specify addr")


SECTION = Section("snmptrap", {"enabled": False, "addr": "localhost:162", "community": "kapacitor", "retries": 1},
                  redacted=("community",), validate=validate)


def _oid(text: str, what: str):
    parts = text.split(".")
    if not text or not all(p.isdigit() for p in parts):
        raise DeliveryError(f'invalid {what} Oid "{text}": Invalid ObjectIdentifier, value `{text}`')
    try:
        return _V2C.ObjectIdentifier(text)
    except PyAsn1Error as ex:
        raise DeliveryError(f'invalid {what} Oid "{text}": {ex}') from None


def _parse_int(text: str) -> int:
    """Go's ``strconv.ParseInt(s, 10, 64)`` with its error texts."""
    body = text[1:] if text[:1] in "+-" else text
    if not body.isdigit() or not body.isascii():
        raise DeliveryError(f'strconv.ParseInt: parsing "{text}": invalid syntax')
    value = int(text)
    if not -(1 << 63) <= value < (1 << 63):
        raise DeliveryError(f'strconv.ParseInt: parsing "{text}": value out of range')
    return value


def _value(kind: str, text: str):
    if kind in UNSUPPORTED:
        raise DeliveryError(f"Snmptrap Datatype '{UNSUPPORTED[kind]}' not supported")
    if kind == "c":
        return _V2C.Counter64(_parse_int(text) & 0xFFFFFFFFFFFFFFFF)
    if kind == "i":
        v = _parse_int(text) & 0xFFFFFFFF
        return _V2C.Integer(v - (1 << 32) if v >= 1 << 31 else v)
    if kind == "n":
        return _V2C.Null("")
    if kind == "s":
        return _V2C.OctetString(text.encode())
    if kind == "t":
        return _V2C.TimeTicks(_parse_int(text) & 0xFFFFFFFF)
    raise DeliveryError(f"Snmptrap Datatype not known: {kind}")


def trap_message(community: str, trap_oid: str, data: list) -> bytes:
    """The BER bytes of the SNMPv2c trap message (see the module docstring)."""
    varbinds = [(_V2C.ObjectIdentifier(SYS_UPTIME), _V2C.TimeTicks(1000)),
                (_V2C.ObjectIdentifier(SNMP_TRAP_OID), _oid(trap_oid, "trap"))]
    for d in data:
        varbinds.append((_oid(d.get("oid", ""), "data"), _value(d.get("type", ""), d.get("value", ""))))
    pdu = _V2C.TrapPDU()
    _V2C.apiTrapPDU.set_defaults(pdu)
    _V2C.apiTrapPDU.set_request_id(pdu, random.randint(1, (1 << 31) - 1))
    _V2C.apiTrapPDU.set_varbinds(pdu, varbinds)
    msg = _V2C.Message()
    _V2C.apiMessage.set_defaults(msg)
    _V2C.apiMessage.set_community(msg, community)
    _V2C.apiMessage.set_pdu(msg, pdu)
    return encoder.encode(msg)


def trap(c: dict, trap_oid: str, data: list) -> None:
    """``Service.Trap``."""
    if not c.get("enabled"):
        raise DeliveryError("service is not enabled")
    payload = trap_message(c.get("community") or "", trap_oid, data)
    host, sep, port = (c.get("addr") or "").rpartition(":")
    if not sep or not port.isdigit():
        raise DeliveryError(f"invalid SNMP configuration: address {c.get('addr')}: missing port in address")
    try:
        with socket.socket(socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.sendto(payload, (host.strip("[]") or "localhost", int(port)))
    except OSError as ex:
        raise DeliveryError(f"failed to send SNMP trap: {ex}") from None


# -- the handler ----------------------------------------------------------------------------------
_DATA = md.Struct("snmptrap.Data", {"oid": "string", "type": "string", "value": "string"})


def _from_tick(_t, f):
    o = {"trap-oid": f.get("TrapOid", ""),
         "data-list": [{"oid": d["oid"], "type": d["type"], "value": d["value"]} for d in f.get("DataList") or []]}
    try:
        _templates(o)
    except TemplateError as ex:
        raise HandlerError(f"failed to create SNMP handler: {ex}") from None
    return o


def _templates(o):
    return [parse("data", d.get("value", "")) for d in o.get("data-list") or []]


def _check(o, _config):
    try:
        _templates(o)
    except TemplateError as ex:
        raise HandlerError(str(ex)) from None


def _deliver(o, event, config):
    c = config.element("snmptrap") or dict(SECTION.defaults)
    td = TemplateData(event)
    data = []
    for d, tmpl in zip(o.get("data-list") or [], _templates(o), strict=True):
        try:
            data.append({**d, "value": tmpl.execute(td)})
        except TemplateError as ex:  # Kapacitor logs it and sends no trap for this event
            log.error("failed to handle event: %s", ex)
            return
    trap(c, o.get("trap-oid", ""), data)


def _test(o, config):
    c = config.element("snmptrap") or dict(SECTION.defaults)
    trap(c, o.get("trap-oid", "1.1.1.1"), list(o.get("data-list") or []))


SERVICES = [
    Service("snmptrap", SECTION, ("SNMPTrapHandler",), _from_tick,
            lambda o: md.decode(o, {"trap-oid": "string", "data-list": _DATA}, "snmptrap.HandlerConfig"),
            _deliver, check=_check, test=_test,
            test_options={"trap-oid": "1.1.1.1",
                          "data-list": [{"oid": "1.1.1.1.2", "type": "s", "value": "test snmptrap message"}]}),
]
