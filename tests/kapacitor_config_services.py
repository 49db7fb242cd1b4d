"""Two services the config tests register themselves (``services.register``), so the config code is
tested generically, whatever the real service modules hold:

* ``cfgplain`` (a plain section, like ``[smtp]``): ``enabled``, ``url``, ``token`` (redacted),
  ``timeout`` (a duration), ``retries`` (int), ``ratio`` (float), ``tags`` (list), ``headers``
  (map), ``global``, ``state-changes-only``; its handler POSTs ``{"prefix", "message"}`` to the
  *configured* ``url`` (read from the ConfigView at every delivery) and is global when
  ``global = true``; its service test POSTs ``{"prefix", "message"}`` with the test's message;
* ``cfglist`` (a list section keyed by ``workspace``, like ``[[slack]]``): ``workspace``,
  ``default``, ``enabled``, ``channel``, ``url`` (redacted).

A server started by a test gets them through ``sitecustomize.py`` in a directory put on its
``PYTHONPATH`` (``server_env``): every process of the server (master, workers, engine process)
imports it at start.
"""
from __future__ import annotations

import json
import os
import pathlib
import urllib.request

from machstore.kapacitor import services
from machstore.kapacitor.services.base import DeliveryError, HandlerError, Section, Service

TESTS = pathlib.Path(__file__).resolve().parent


def _plain_validate(options):
    if options["enabled"] and not options["url"]:
        raise ValueError("must specify url")
    if options["retries"] < 0:
        raise ValueError("retries must not be negative")


def _list_validate(options):
    if options["enabled"] and not options["url"]:
        raise ValueError(f"must specify url for workspace {options['workspace']!r}")


PLAIN = Section("cfgplain", {"enabled": False, "url": "", "token": "", "timeout": "0s", "retries": 0, "ratio": 0.5,
                             "tags": [], "headers": {}, "global": False, "state-changes-only": False},
                redacted=("token",), validate=_plain_validate)
LIST = Section("cfglist", {"workspace": "", "default": False, "enabled": False, "channel": "", "url": ""},
               redacted=("url",), element_key="workspace", validate=_list_validate)


def _post(url: str, payload: dict) -> None:
    req = urllib.request.Request(url, data=json.dumps(payload, sort_keys=True).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            resp.read()
    except OSError as ex:
        raise DeliveryError(f"failed to POST: {ex}") from ex


def _plain_deliver(options, event, config):
    element = config.element("cfgplain")
    if not element["enabled"]:
        raise DeliveryError("service is not enabled")
    _post(element["url"], {"prefix": options.get("prefix", ""), "message": event.get("message", "")})


def _plain_test(options, config):
    element = config.element("cfgplain")
    if not element["enabled"]:
        raise DeliveryError("service is not enabled")
    _post(element["url"], {"prefix": options["prefix"], "message": options["message"]})


def _decode(options):
    unknown = set(options or {}) - {"prefix"}
    if unknown:
        raise HandlerError(f"failed to decode options: '' has invalid keys: {min(unknown)}")
    return dict(options or {})


PLAIN_SERVICE = Service("cfgplain", PLAIN, (), lambda _t, f: {}, _decode, _plain_deliver, test=_plain_test,
                        test_options={"prefix": "", "message": "test cfgplain message", "count": 1},
                        global_handler=True)
LIST_SERVICE = Service("cfglist", LIST, (), lambda _t, f: {}, _decode, lambda o, e, c: None,
                       test=lambda o, c: _list_test(o, c), test_options={"workspace": ""})


def _list_test(options, config):
    element = config.element("cfglist", options["workspace"])
    if element is None:
        raise HandlerError(f"unknown workspace {options['workspace']!r}")
    if not element["enabled"]:
        raise DeliveryError("service is not enabled")


def install() -> None:
    services.register(PLAIN_SERVICE, LIST_SERVICE)


def server_env(tmp_path) -> dict:
    """Environment for a server whose processes all register these services at start."""
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(TESTS)!r})\n"
        "import kapacitor_config_services\n"
        "kapacitor_config_services.install()\n")
    path = os.environ.get("PYTHONPATH", "")
    return {"PYTHONPATH": str(site) + (os.pathsep + path if path else "")}
