"""Telegram (``services/telegram``): ``.telegram()`` and the ``telegram`` topic handler.

Config: ``[telegram]`` (``url`` default ``https://api.telegram.org/bot``, ``token`` a secret,
``chat-id``, ``parse-mode``, ``disable-web-page-preview``, ``disable-notification``,
``global``, ``state-changes-only``).  An event is posted to ``<url><token>/sendMessage`` as
``{"chat_id","disable_notification","disable_web_page_preview","parse_mode","text"}`` (a Go
map: keys sorted; ``parse_mode`` only when set, the two flags only when true in the handler or
the section).  ``parse-mode`` must be ``Markdown`` or ``HTML`` (any case).  A non-200 answer is
``sendMessage error (<error_code>) description: <description>``.
"""
from __future__ import annotations

from . import mapdecode, svcutil
from .base import DeliveryError, Section, Service
from .webhook import GoMap, go_body, go_path_join, go_url_error, path_of, post, with_path

SECTION = "telegram"
OPTIONS = {"chat-id": "string", "parse-mode": "string", "disable-web-page-preview": "bool",
           "disable-notification": "bool"}


def _validate(e: dict) -> None:
    if e.get("enabled"):
        if not e.get("url"):
            raise ValueError("must specify url")
        if not e.get("token"):
            raise ValueError("must specify token")
    svcutil.check_url(e.get("url") or "")


TELEGRAM = Section(SECTION, {
    "enabled": False, "url": "https://api.telegram.org/bot", "token": "", "chat-id": "", "parse-mode": "",
    "disable-web-page-preview": False, "disable-notification": False, "global": False, "state-changes-only": False,
}, redacted=("token",), validate=_validate)


def alert(config, chat_id: str, parse_mode: str, message: str, disable_preview: bool, disable_notify: bool) -> None:
    c = config.element(SECTION) or {}
    if not c.get("enabled"):
        raise DeliveryError("service is not enabled")
    chat_id = chat_id or c.get("chat-id", "")
    parse_mode = parse_mode or c.get("parse-mode", "")
    if parse_mode and parse_mode.lower() not in ("markdown", "html"):
        raise DeliveryError(f"parseMode {parse_mode} is not valid, please use 'Markdown' or 'HTML'")
    data = GoMap(chat_id=chat_id, text=message)
    if parse_mode:
        data["parse_mode"] = parse_mode
    if disable_preview or c.get("disable-web-page-preview"):
        data["disable_web_page_preview"] = True
    if disable_notify or c.get("disable-notification"):
        data["disable_notification"] = True
    base = c.get("url", "")
    err = go_url_error(base)
    if err is not None:
        raise DeliveryError(f"invalid URL: {err}")
    url = with_path(base, go_path_join(path_of(base) + c.get("token", ""), "sendMessage"))
    status, answer = post(url, go_body(data), "application/json")
    if status != 200:
        got, err = svcutil.go_unmarshal(answer, "telegram.response", {
            "description": ("string", "string"), "error_code": ("number", "int"), "ok": ("bool", "bool")})
        if err is not None:
            raise DeliveryError(f"failed to understand Telegram response (err: {err}). code: {status} content: "
                                f"{answer.decode('utf-8', 'replace')}")
        raise DeliveryError(f"sendMessage error ({int(got.get('error_code', 0))}) description: "
                            f"{got.get('description', '')}")


def _from_tick(_t, f):
    return {"chat-id": f.get("ChatId", ""), "parse-mode": f.get("ParseMode", ""),
            "disable-web-page-preview": bool(f.get("IsDisableWebPagePreview")),
            "disable-notification": bool(f.get("IsDisableNotification"))}


def _deliver(o, event, config):
    alert(config, mapdecode.text(o, "chat-id"), mapdecode.text(o, "parse-mode"), event["message"],
          mapdecode.flag(o, "disable-web-page-preview"), mapdecode.flag(o, "disable-notification"))


def test_options(config) -> dict:
    c = config.element(SECTION) or TELEGRAM.defaults
    return {"chat-id": c.get("chat-id", ""), "parse-mode": c.get("parse-mode", ""),
            "message": "test telegram message",
            "disable-web-page-preview": bool(c.get("disable-web-page-preview")),
            "disable-notification": bool(c.get("disable-notification"))}


def _test(options, config):
    o = svcutil.merge_test_options(test_options(config), options)
    alert(config, str(o["chat-id"]), str(o["parse-mode"]), str(o["message"]), bool(o["disable-web-page-preview"]),
          bool(o["disable-notification"]))


SERVICES = [
    Service("telegram", TELEGRAM, ("TelegramHandler",), _from_tick,
            lambda o: mapdecode.decode(o, OPTIONS, "telegram.HandlerConfig"), _deliver, test=_test,
            test_options={"chat-id": "", "parse-mode": "", "message": "test telegram message",
                          "disable-web-page-preview": False, "disable-notification": False},
            global_handler=True, extra={"test_options": test_options}),
]
