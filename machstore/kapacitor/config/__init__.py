"""Kapacitor's configuration: the service sections, the config file, the override API's store.

| module | job |
| --- | --- |
| ``values.py`` | option types, Go durations, value conversion, redaction's zero test |
| ``filesections.py`` | the config file's Kapacitor sections, checked |
| ``effective.py`` | defaults < config file < overrides, Kapacitor's override rules and texts |
| ``records.py`` | where file sections, overrides and the change counter live in the store |
| ``api.py`` | ``/kapacitor/v1/config``'s answers and update actions |
| ``servicetests.py`` | ``/kapacitor/v1/service-tests`` |

``view(engine)`` is the ``ConfigView`` handlers read (``services/base.py``): the effective config
of every registered section, cached per process and rebuilt when the store's ``ctr/config``
moved, so that one read of a counter is the cost of a call on every delivery and an override is
seen by the next delivery of every process.

``EffectiveConfig.kapacitor_url`` is Kapacitor's ``HTTPDService.URL()``
(``http://<listen address>/kapacitor/v1``), which pagerduty and pagerduty2 send as
``client_url``: built from the address given to ``set_listen_address`` (the server's first
``settings.bind``) by the process that knows it.  NOTE: today no process calls it: the engine
process (which delivers) is started with ``--data``/``--map-size``... and the config file's
sections, not the bind addresses, so ``kapacitor_url`` is ``""`` there, which is what Kapacitor
sends without an HTTP listener.  Wiring: ``config.set_listen_address(settings.bind[0])`` in the
engine process's start and in ``server/app.create_app``.
"""
from __future__ import annotations

import logging
import threading
import weakref

from machstore.kapacitor import services, store
from machstore.kapacitor.services.base import ConfigView

from . import records
from .effective import OverrideError, apply_overrides, base_sections

log = logging.getLogger("machstore.kapacitor.config")


_LISTEN = {"address": ""}


def set_listen_address(address: str) -> None:
    """The server's first bind address (``HOST:PORT``; ``unix:PATH`` has no URL) for
    ``kapacitor_url`` in this process."""
    _LISTEN["address"] = str(address or "")


def kapacitor_address(binds) -> str:
    """The bind address Kapacitor clients use: the first on Kapacitor's port 9092, else the first."""
    binds = [str(b) for b in (binds or [])]
    for b in binds:
        if b.rpartition(":")[2] == "9092":
            return b
    return binds[0] if binds else ""


def listen_url(address: str) -> str:
    """``"http://" + ln.Addr().String() + "/kapacitor/v1"`` of a bind address; ``""`` for none or a
    unix socket.  An empty host listens on every address: Go prints ``[::]``."""
    if not address or address.startswith("unix:"):
        return ""
    host, sep, port = address.rpartition(":")
    if not sep:
        return ""
    return f"http://{host or '[::]'}:{port}/kapacitor/v1"


class EffectiveConfig(ConfigView):
    """A resolved config: ``{section: [element options, ...]}`` (see ``effective.py``)."""

    def __init__(self, sections: dict):
        self.sections = sections

    @property
    def kapacitor_url(self) -> str:
        """Kapacitor's own API URL (see the module docstring); read at each use."""
        return listen_url(_LISTEN["address"])

    def elements(self, section):
        return [dict(e) for e in self.sections.get(section, ())]


_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def resolve(file_sections: dict, overrides: list, *, strict: bool) -> dict:
    """The effective sections; ``strict`` raises OverrideError, else a failing override is
    logged and left out (a delivery must never fail because of a stale override)."""
    base = base_sections(file_sections)
    try:
        return apply_overrides(base, overrides)
    except OverrideError:
        if strict:
            raise
    out = base
    for ov in overrides:
        try:
            out = apply_overrides(out, [ov])
        except OverrideError as ex:
            log.warning("config override %s left out: %s", ov.get("id"), ex)
    return out


def view(engine=None) -> ConfigView:
    """The effective Kapacitor config of the server whose store is ``engine``'s."""
    if engine is None:
        return EffectiveConfig(base_sections({}))
    dbi = store.db(engine)
    with engine.env.begin() as txn:
        stamp = records.counter(txn, dbi)
        cached = _CACHE.get(engine)
        if cached is not None and cached[0] == stamp and cached[1] == len(services.sections()):
            return cached[2]
        sections = resolve(records.file_sections(txn, dbi), records.overrides(txn, dbi), strict=False)
    result = EffectiveConfig(sections)
    with _LOCK:
        _CACHE[engine] = (stamp, len(services.sections()), result)
    return result


__all__ = ["EffectiveConfig", "OverrideError", "listen_url", "resolve", "set_listen_address", "view"]
