"""What every notification service module provides (``Service``) and how it sees its config.

A service is Kapacitor's ``services/<name>/`` package seen from an alert: a config section
(``[slack]``), a handler that sends one alert event, a topic-handler *kind* (``"slack"``)
with its options, and a service test.  ``services/__init__.py`` keeps the registry.

Handlers travel as JSON-able ``[kind, options]`` pairs (in the outbox, in topic handler
specs): ``kind`` is the topic-handler kind of Kapacitor's ``services/alert/service.go``
(``createHandlerFromSpec``: ``"slack"``, ``"smtp"`` for email, ``"pagerduty2"``, ``"post"``,
``"log"``...), ``options`` that kind's ``HandlerConfig`` under its ``mapstructure`` keys
(``{"channel": "#x", "icon-emoji": ":x:"}``), exactly what a topic handler's ``"options"``
holds.  Inline TICKscript handlers (``.slack().channel('#x')``) are turned into the same
pair by ``Service.from_tick`` when the alert node starts.

A service's config is its section's *elements*: one dict for a plain section (``[smtp]``),
one per ``[[slack]]`` entry for a list section (named by ``Section.element_key``).  Option
names and values are Kapacitor's TOML ones (``state-changes-only``, durations as Go
duration text ``"10s"``).  ``ConfigView`` is how a handler reads them: the effective values
(defaults < config file < overrides made through ``/kapacitor/v1/config``), read when the
handler runs so that an override applies without a restart.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


class HandlerError(Exception):
    """A handler that cannot be created (bad options, unknown element, ...): the task does not
    start (the text is the task's error), a topic handler is refused."""


class DeliveryError(Exception):
    """Sending an event failed; the outbox logs it, counts it and tries again later."""


@dataclass(frozen=True)
class Null:
    """The default of an option whose Go zero value is a nil map or slice (``kind``: ``"map"``
    or ``"slice"``): the config API shows it as ``null`` until it is set."""

    kind: str


@dataclass(frozen=True)
class Section:
    """A config section as Kapacitor defines it (its ``Config`` struct and ``NewConfig()``).

    ``defaults`` maps each TOML option name to its default (its Python type is the option's
    type; durations are Go duration text).  ``redacted`` options show as a boolean (set or
    not) in the config API.  ``element_key`` names the option that names an element of a list
    section (``[[slack]]`` ``workspace``); ``None`` for a plain section.  ``validate(options)``
    raises ``ValueError`` with Kapacitor's text for an invalid element (``Config.Validate``).
    ``initial`` are the elements a list section has when the config gives none (options over
    the defaults): Kapacitor's ``server.NewConfig`` starts ``[[slack]]`` with one default element.
    ``overridable`` is false for a section Kapacitor reads from its config file only (no
    ``override`` struct tag: ``[alert]``, ``[deadman]``): ``/kapacitor/v1/config`` does not list it.
    """

    name: str
    defaults: dict
    redacted: tuple = ()
    element_key: str | None = None
    validate: Callable[[dict], None] | None = None
    initial: tuple = ()
    overridable: bool = True

    @property
    def plain_defaults(self) -> dict:
        """``defaults`` with every ``Null`` as None (what a handler reads)."""
        return {k: (None if isinstance(v, Null) else v) for k, v in self.defaults.items()}

    @property
    def is_list(self) -> bool:
        return self.element_key is not None


class ConfigView:
    """The effective config of every section (see the module docstring)."""

    def elements(self, section: str) -> list[dict]:
        """Every element of ``section`` with all its options (defaults filled in)."""
        raise NotImplementedError

    def element(self, section: str, name: str = "") -> dict | None:
        """One element: of a list section by its key (``""`` = the first element, which is the
        default one in Kapacitor, or the one whose ``default`` option is true), of a plain
        section the only one; ``None`` if there is no such element."""
        elements = self.elements(section)
        if not elements:
            return None
        from . import section_of
        sec = section_of(section)
        if sec is None or not sec.is_list:
            return elements[0]
        if name == "":
            for e in elements:
                if e.get("default"):
                    return e
            return elements[0]
        for e in elements:
            if str(e.get(sec.element_key, "")) == name:
                return e
        return None


class StaticConfig(ConfigView):
    """A config from data: ``{section: {options}}`` for plain sections, ``{section: [{options},
    ...]}`` for list sections, as a TOML file gives them; missing options take the defaults.
    A plain section not given has its defaults; a list section not given has its ``initial``
    elements (none for most)."""

    def __init__(self, sections: dict | None = None):
        self.sections = dict(sections or {})

    def elements(self, section):
        from . import section_of
        sec = section_of(section)
        given = self.sections.get(section)
        if sec is None:
            return [dict(e) for e in _as_list(given)]
        if sec.is_list:
            return [{**sec.plain_defaults, **e} for e in (_as_list(given) if given is not None else sec.initial)]
        first = _as_list(given)[0] if given else {}
        return [{**sec.plain_defaults, **first}]


def _as_list(given) -> list:
    if given is None:
        return []
    return list(given) if isinstance(given, list) else [given]


@dataclass(frozen=True)
class Service:
    """One notification service (see the module docstring).

    * ``kind``: the topic-handler kind; ``section``: its config section or ``None``;
    * ``handler_types``: the TICKscript handler Go types it builds (``("SlackHandler",)``);
    * ``from_tick(go_type, fields)``: options from an inline handler's pipeline fields
      (``{"Channel": "#x", ...}`` as ``machstore/tick/nodes.py`` names them);
    * ``decode(options)``: topic-handler options checked and normalised as Kapacitor's
      ``mapstructure`` decode does (unknown keys and wrong types raise ``HandlerError`` with
      its text); returns the options to store;
    * ``check(options, config)``: when the handler is created (task start, topic handler
      creation); raise ``HandlerError`` for what Kapacitor refuses there;
    * ``deliver(options, event, config)``: send one event (``alerts/event.py``'s ``alert.Data``
      dict) as Kapacitor sends it; raise ``DeliveryError`` on failure;
    * ``test(options, config)``: the service test (``POST /service-tests/<section>``) with
      ``test_options`` as defaults; raise ``DeliveryError``/``HandlerError`` on failure;
    * ``global_types``: whether the section's ``global`` option adds this handler to every
      alert node without one of its kind, and ``state-changes-only`` then forces
      ``.stateChangesOnly()`` (Kapacitor's ``newAlertNode``).
    """

    kind: str
    section: Section | None
    handler_types: tuple
    from_tick: Callable[[str, dict], dict]
    decode: Callable[[dict], dict]
    deliver: Callable[[dict, dict, ConfigView], None]
    check: Callable[[dict, ConfigView], None] | None = None
    test: Callable[[dict, ConfigView], None] | None = None
    test_options: dict = field(default_factory=dict)
    global_handler: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
