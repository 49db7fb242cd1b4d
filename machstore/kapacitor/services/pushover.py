"""Pushover (``services/pushover``): ``.pushover()`` and the ``pushover`` topic handler.

Config: ``[pushover]`` (``token`` and ``user-key`` secrets, ``url`` default
``https://api.pushover.net/1/messages.json``).  An event is posted as a form
(``application/x-www-form-urlencoded``, keys sorted as ``url.Values.Encode`` sorts them):
``token``, ``user`` (the handler's ``user-key`` else the section's), ``message``,
``priority`` (-2 OK, -1 INFO, 0 WARNING, 1 CRITICAL) and ``device``, ``title``, ``url``,
``url_title``, ``sound`` when set.  A non-200 answer's ``errors`` are joined into the text.
"""
from __future__ import annotations

import urllib.parse

from . import mapdecode, svcutil
from .base import DeliveryError, Section, Service
from .webhook import json_error_field, post

SECTION = "pushover"
OPTIONS = {"device": "string", "title": "string", "url": "string", "url-title": "string", "sound": "string",
           "user-key": "string"}
PRIORITY = {"OK": -2, "INFO": -1, "WARNING": 0, "CRITICAL": 1}


def _validate(e: dict) -> None:
    if e.get("enabled"):
        if not e.get("token"):
            raise ValueError("must specify token")
        if not e.get("user-key"):
            raise ValueError("must specify user key")
        if not e.get("url"):
            raise ValueError("must specify url")
        svcutil.check_url(e["url"], "URL")


PUSHOVER = Section(SECTION, {"enabled": False, "token": "", "user-key": "",
                             "url": "https://api.pushover.net/1/messages.json"},
                   redacted=("token", "user-key"), validate=_validate)


def form(token, user_key, message, level, device="", title="", url="", url_title="", sound="") -> bytes:
    values = {"token": token, "user": user_key, "message": message, "priority": str(PRIORITY.get(level, 0))}
    for key, value in (("device", device), ("title", title), ("url", url), ("url_title", url_title),
                       ("sound", sound)):
        if value:
            values[key] = value
    return urllib.parse.urlencode(sorted(values.items())).encode()


def alert(config, message, device, title, url, url_title, sound, user_key, level) -> None:
    c = config.element(SECTION) or {}
    if not c.get("enabled"):
        raise DeliveryError("service is not enabled")
    body = form(c.get("token", ""), user_key or c.get("user-key", ""), message, level, device, title, url,
                url_title, sound)
    status, answer = post(c.get("url", ""), body, "application/x-www-form-urlencoded")
    if status != 200:
        got, err = svcutil.go_unmarshal(answer, "struct { Errors []string \"json:\\\"errors\\\"\" }",
                                        {"errors": ("array", "[]string")})
        if err is not None:
            raise DeliveryError(err)
        errors = ", ".join(str(e) for e in got.get("errors") or [])
        raise DeliveryError(json_error_field(
            answer, f"failed to understand Pushover response. code: {status} content: {errors}"))


def _from_tick(_t, f):
    return {"device": f.get("Device", ""), "title": f.get("Title", ""), "url": f.get("URL", ""),
            "url-title": f.get("URLTitle", ""), "sound": f.get("Sound", ""), "user-key": f.get("UserKey", "")}


def _deliver(o, event, config):
    t = mapdecode.text
    alert(config, event["message"], t(o, "device"), t(o, "title"), t(o, "url"), t(o, "url-title"), t(o, "sound"),
          t(o, "user-key"), event["level"])


def test_options(config) -> dict:
    c = config.element(SECTION) or {}
    return {"user-key": c.get("user-key", ""), "message": "test pushover message", "device": "", "title": "",
            "url": "", "url-title": "", "sound": "", "level": "CRITICAL"}


def _test(options, config):
    o = svcutil.merge_test_options(test_options(config), options)
    alert(config, str(o["message"]), str(o["device"]), str(o["title"]), str(o["url"]), str(o["url-title"]),
          str(o["sound"]), str(o["user-key"]), svcutil.parse_level(o["level"]))


SERVICES = [
    Service("pushover", PUSHOVER, ("PushoverHandler",), _from_tick,
            lambda o: mapdecode.decode(o, OPTIONS, "pushover.HandlerConfig"), _deliver, test=_test,
            test_options={"user-key": "", "message": "test pushover message", "device": "", "title": "", "url": "",
                          "url-title": "", "sound": "", "level": "CRITICAL"},
            extra={"test_options": test_options}),
]
