"""HipChat (``services/hipchat``): ``.hipChat()`` and the ``hipchat`` topic handler.

Config: ``[hipchat]`` (``url``, ``token`` a secret, ``room``, ``global``,
``state-changes-only``).  An event is posted to ``<url>/<room>/notification?auth_token=<token>``
(room and token from the handler, else the section) as ``{"color","from":"kapacitor","message",
"notify":true}`` (a Go map: keys sorted), the color ``red``/``yellow``/``green`` by level.
200 and 204 are success.
"""
from __future__ import annotations

import urllib.parse

from . import mapdecode, svcutil
from .base import DeliveryError, Section, Service
from .webhook import GoMap, go_body, go_path_join, go_url_error, path_of, post, with_path

SECTION = "hipchat"
COLORS = {"WARNING": "yellow", "CRITICAL": "red"}


def _validate(e: dict) -> None:
    if e.get("enabled") and not e.get("url"):
        raise ValueError("must specify url")
    svcutil.check_url(e.get("url") or "")


HIPCHAT = Section(SECTION, {"enabled": False, "url": "", "token": "", "room": "", "global": False,
                            "state-changes-only": False}, redacted=("token",), validate=_validate)


def alert(config, room: str, token: str, message: str, level: str) -> None:
    c = config.element(SECTION) or {}
    if not c.get("enabled"):
        raise DeliveryError("service is not enabled")
    room = room or c.get("room", "")
    token = token or c.get("token", "")
    base = c.get("url", "")
    err = go_url_error(base)
    if err is not None:
        raise DeliveryError(err)
    url = with_path(base, go_path_join(path_of(base), room, "notification"),
                    urllib.parse.urlencode({"auth_token": token}))
    body = go_body(GoMap(**{"from": "kapacitor", "color": COLORS.get(level, "green"), "message": message,
                            "notify": True}))
    status, answer = post(url, body, "application/json")
    if status not in (200, 204):
        raise DeliveryError(svcutil.answer_error("HipChat", status, answer))


def _deliver(o, event, config):
    alert(config, mapdecode.text(o, "room"), mapdecode.text(o, "token"), event["message"], event["level"])


def test_options(config) -> dict:
    c = config.element(SECTION) or {}
    return {"room": c.get("room", ""), "message": "test hipchat message", "level": "CRITICAL"}


def _test(options, config):
    """``Test()`` sends with the section's token."""
    o = svcutil.merge_test_options(test_options(config), options)
    c = config.element(SECTION) or {}
    alert(config, str(o["room"]), c.get("token", ""), str(o["message"]), svcutil.parse_level(o["level"]))


SERVICES = [
    Service("hipchat", HIPCHAT, ("HipChatHandler",),
            lambda _t, f: {"room": f.get("Room", ""), "token": f.get("Token", "")},
            lambda o: mapdecode.decode(o, {"room": "string", "token": "string"}, "hipchat.HandlerConfig"), _deliver,
            test=_test, test_options={"room": "", "message": "test hipchat message", "level": "CRITICAL"},
            global_handler=True, extra={"test_options": test_options}),
]
