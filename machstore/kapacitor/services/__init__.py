"""Kapacitor's notification services, one module per service, and their registry.

| module | kinds |
| --- | --- |
| ``base.py`` | ``Service``, ``Section``, ``ConfigView``/``StaticConfig``, the two errors |
| ``mapdecode.py`` | every kind's topic-handler options decoded as Kapacitor's mapstructure does, with its texts |
| ``eventdata.py`` | every service's ``alert.EventData``/``TemplateData`` of an event (its ``eventData`` and ``topic``) |
| ``local.py`` | ``log``, ``post`` (``[[httppost]]``), ``tcp``, ``exec`` |
| ``slack.py``, ``teams.py``, ``discord.py``, ``telegram.py``, ``pushover.py``, ``talk.py``, ``hipchat.py``, ``mqtt.py`` | the chat services of their names (helpers: ``webhook.py``, ``svcutil.py``) |
| ``core_sections.py`` | ``[alert]``, ``[deadman]`` (sections without a handler) |
| ``pagerduty.py``, ``pagerduty2.py``, ``opsgenie.py``, ``opsgenie2.py``, ``victorops.py``, ``alerta.py``, ``bigpanda.py`` | the incident services of the same names (``incident_common.py``: their HTTP and JSON) |
| ``alertkinds.py`` | ``aggregate``, ``publish`` (topic routing, no outbox) |
| ``smtp.py``, ``sensu.py``, ``servicenow.py``, ``zenoss.py`` | ``smtp`` (email), ``sensu``, ``servicenow``, ``zenoss`` |
| ``snmptrap.py`` | ``snmptrap`` (SNMPv2c traps over UDP, encoded by pysnmp) |
| ``kafka.py`` | ``kafka``: refused (no broker can run here) |

Every service module defines ``SERVICES`` (a list of ``base.Service``) and may define
``SECTIONS`` (extra config sections without a handler).  ``_MODULES`` lists them; add one
line per new module.
"""
from __future__ import annotations

import importlib

from .base import ConfigView, DeliveryError, HandlerError, Section, Service, StaticConfig

_MODULES = (
    "local",
    "slack", "teams", "discord", "telegram", "pushover", "talk", "hipchat", "mqtt",
    "core_sections",
    "pagerduty",
    "pagerduty2",
    "opsgenie",
    "opsgenie2",
    "victorops",
    "alerta",
    "bigpanda",
    "alertkinds",
    "smtp",
    "sensu",
    "servicenow",
    "zenoss",
    "snmptrap",
    "kafka",
)

_BY_KIND: dict[str, Service] = {}
_BY_TYPE: dict[str, Service] = {}
_SECTIONS: dict[str, Section] = {}
_loaded = False


def _load():
    global _loaded
    if _loaded:
        return
    for name in _MODULES:
        mod = importlib.import_module(f"{__name__}.{name}")
        for svc in getattr(mod, "SERVICES", ()):
            _BY_KIND[svc.kind] = svc
            for t in svc.handler_types:
                _BY_TYPE[t] = svc
            if svc.section is not None:
                _SECTIONS[svc.section.name] = svc.section
        for sec in getattr(mod, "SECTIONS", ()):
            _SECTIONS[sec.name] = sec
    _loaded = True


def register(*items) -> None:
    """Add services or sections beyond ``_MODULES`` (a test's own service, a plugin): each item
    is a ``Service`` or a ``Section``, registered as a module's ``SERVICES``/``SECTIONS`` are."""
    _load()
    for item in items:
        if isinstance(item, Service):
            _BY_KIND[item.kind] = item
            for t in item.handler_types:
                _BY_TYPE[t] = item
            if item.section is not None:
                _SECTIONS[item.section.name] = item.section
        else:
            _SECTIONS[item.name] = item


def services() -> list[Service]:
    _load()
    return list(_BY_KIND.values())


def service(kind: str) -> Service | None:
    """The service of a topic-handler kind (``"slack"``), or ``None``."""
    _load()
    return _BY_KIND.get(kind)


def service_for_type(go_type: str) -> Service | None:
    """The service building a TICKscript handler type (``"SlackHandler"``), or ``None``."""
    _load()
    return _BY_TYPE.get(go_type)


def sections() -> dict[str, Section]:
    _load()
    return dict(_SECTIONS)


def section_of(name: str) -> Section | None:
    _load()
    return _SECTIONS.get(name)


def validate_elements(section: str, elements: list) -> None:
    """The list-level checks of a section (``slack.Configs.Validate``: one default element,
    ``global`` only on it...), given by its service as ``extra["validate_elements"]``;
    ``ValueError`` with Kapacitor's text."""
    for svc in services():
        check = svc.extra.get("validate_elements")
        if svc.section is not None and svc.section.name == section and callable(check):
            check(elements)


def inline_handler(go_type: str, fields: dict, config: ConfigView) -> list:
    """``[kind, options]`` of an inline TICKscript handler, checked; ``HandlerError`` if refused."""
    svc = service_for_type(go_type)
    if svc is None:
        from machstore.kapacitor.alerts.handlers import METHODS
        method = METHODS.get(go_type, go_type)
        raise HandlerError(f"alert handler .{method}() ({go_type}) is not supported yet by machstore")
    options = svc.from_tick(go_type, dict(fields))
    if svc.check is not None:
        svc.check(options, config)
    return [svc.kind, options]


def global_handlers(kinds: set, config: ConfigView) -> tuple[list, bool]:
    """Kapacitor's global handlers (``newAlertNode``): ``([kind, options], ...)`` of every
    service whose section sets ``global = true`` and that the node has no handler of, and
    whether one of them forces ``stateChangesOnly`` (``state-changes-only = true``)."""
    added, force = [], False
    for svc in services():
        if not svc.global_handler or svc.section is None:
            continue
        element = config.element(svc.section.name)
        if not element or not element.get("global"):
            continue
        if svc.kind not in kinds:
            added.append([svc.kind, {}])
        if svc.extra.get("state_changes_only", _state_changes_only)(element):
            force = True
    return added, force


def _state_changes_only(element: dict) -> bool:
    """A service's ``StateChangesOnly()``: its ``state-changes-only`` option (a service whose
    Kapacitor code answers otherwise sets ``extra["state_changes_only"]``, e.g. discord)."""
    return bool(element.get("state-changes-only"))


def deliver(handler, event: dict, config: ConfigView) -> None:
    """Send ``event`` through a ``[kind, options]`` handler; ``DeliveryError`` on failure."""
    kind, options = handler
    svc = service(kind)
    if svc is None:
        raise DeliveryError(f"unsupported action kind {kind!r}")
    svc.deliver(options, event, config)


__all__ = ["ConfigView", "DeliveryError", "HandlerError", "Section", "Service", "StaticConfig", "deliver",
           "global_handlers", "inline_handler", "register", "section_of", "sections", "service", "service_for_type",
           "services", "validate_elements"]
