"""Slack (``services/slack``): ``.slack()`` and the ``slack`` topic handler.

Config: ``[[slack]]`` elements named by ``workspace`` (the server starts with one, the default);
``url`` and ``token`` are secrets.  An event is posted to the workspace's ``url`` as
``{"attachments":[{"fallback","color","text","mrkdwn_in":["text"]}],"channel","icon_emoji",
"text":"","username"}`` (a Go map: keys sorted) with ``Authorization: Bearer <token>`` when a
token is set; the color is ``danger``/``warning``/``good`` by level; handler options fall back to
the element's ``channel``, ``username`` and ``icon-emoji``.  Any answer but 200 is an error
whose text is the answer's ``error`` or ``failed to understand Slack response...``.
"""
from __future__ import annotations

from . import mapdecode, svcutil
from .base import DeliveryError, Section, Service
from .webhook import GoMap, go_body, post, tls_context

SECTION = "slack"
OPTIONS = {"workspace": "string", "channel": "string", "username": "string", "icon-emoji": "string"}
COLORS = {"WARNING": "warning", "CRITICAL": "danger"}


def _validate(e: dict) -> None:
    if e.get("enabled") and not e.get("url"):
        raise ValueError("must specify url")
    svcutil.check_url(e.get("url") or "")


SLACK = Section(SECTION, {
    "enabled": False, "default": False, "workspace": "", "url": "", "token": "", "channel": "",
    "username": "kapacitor", "icon-emoji": "", "global": False, "state-changes-only": False,
    "ssl-ca": "", "ssl-cert": "", "ssl-key": "", "insecure-skip-verify": False,
}, redacted=("url", "token"), element_key="workspace", validate=_validate,
    initial=({"default": True},))


def alert(config, workspace: str, channel: str, message: str, username: str, icon_emoji: str, level: str) -> None:
    """``Service.Alert``: one message to a workspace."""
    c = svcutil.workspace(config, SECTION, workspace, "slack")
    if not c.get("enabled"):
        raise DeliveryError("service is not enabled")
    attachment = {"fallback": message, "color": COLORS.get(level, "good"), "text": message, "mrkdwn_in": ["text"]}
    body = go_body(GoMap(channel=channel or c.get("channel", ""), text="", attachments=[attachment],
                         username=username or c.get("username", ""), icon_emoji=icon_emoji or c.get("icon-emoji", "")))
    headers = {"Authorization": "Bearer " + c["token"]} if c.get("token") else {}
    status, answer = post(c.get("url", ""), body, "application/json", headers=headers, tls=tls_context(c))
    if status != 200:
        raise DeliveryError(svcutil.answer_error("Slack", status, answer))


def _from_tick(_t, f):
    return {"workspace": f.get("Workspace", ""), "channel": f.get("Channel", ""), "username": f.get("Username", ""),
            "icon-emoji": f.get("IconEmoji", "")}


def _deliver(o, event, config):
    t = mapdecode.text
    alert(config, t(o, "workspace"), t(o, "channel"), event["message"], t(o, "username"), t(o, "icon-emoji"),
          event["level"])


def test_options(config) -> dict:
    """``TestOptions()``: the default workspace and its channel."""
    c = config.element(SECTION) or {}
    return {"workspace": c.get("workspace", ""), "channel": c.get("channel", ""), "message": "test slack message",
            "level": "CRITICAL", "username": "", "icon-emoji": ""}


def _test(options, config):
    o = svcutil.merge_test_options(test_options(config), options)
    alert(config, str(o["workspace"]), str(o["channel"]), str(o["message"]), str(o["username"]),
          str(o["icon-emoji"]), svcutil.parse_level(o["level"]))


SERVICES = [
    Service("slack", SLACK, ("SlackHandler",), _from_tick,
            lambda o: mapdecode.decode(o, OPTIONS, "slack.HandlerConfig"), _deliver, test=_test,
            test_options={"workspace": "", "channel": "", "message": "test slack message", "level": "CRITICAL", "username": "",
             "icon-emoji": ""},
            global_handler=True,
            extra={"test_options": test_options,
                   "validate_elements": lambda es: svcutil.validate_workspaces(es, "Slack")}),
]
