"""Discord (``services/discord``): ``.discord()`` and the ``discord`` topic handler.

Config: ``[[discord]]`` elements named by ``workspace`` (the server starts with one, the
default; nothing is redacted, as in Kapacitor).  An event is posted to the workspace's ``url``
as ``{"avatar_url","embeds":[{"color","title","description","timestamp"}],"username"}`` (a Go
map: keys sorted; embed fields in struct order): the color ``0xF95F53``/``0xF48D38``/
``0x7A65F2`` by level, the title the handler's ``embed-title`` template executed on the event,
the timestamp the event time (RFC3339) when the element sets ``timestamp``.  Only 204 is
success.  Kapacitor's ``StateChangesOnly()`` answers ``global`` (a bug kept: a global discord
forces ``.stateChangesOnly()``).
"""
from __future__ import annotations

from machstore.gotemplate import Template, TemplateError

from . import eventdata, mapdecode, svcutil
from .base import DeliveryError, HandlerError, Section, Service
from .webhook import GoMap, go_body, post, tls_context

SECTION = "discord"
OPTIONS = {"workspace": "string", "username": "string", "avatar-url": "string", "embed-title": "string"}
COLORS = {"CRITICAL": 0xF95F53, "WARNING": 0xF48D38}
TEST_AVATAR = "https://influxdata.github.io/branding/img/downloads/influxdata-logo--symbol--pool-alpha.png"


def _validate(e: dict) -> None:
    if e.get("enabled") and not e.get("url"):
        raise ValueError("Must specify the Discord channel webhook URL")
    svcutil.check_url(e.get("url") or "")
    if e.get("avatar-url"):
        svcutil.check_url(e["avatar-url"])


DISCORD = Section(SECTION, {
    "enabled": False, "default": False, "workspace": "", "url": "", "timestamp": False, "username": "",
    "avatar-url": "", "embed-title": "", "global": False, "state-changes-only": False,
    "ssl-ca": "", "ssl-cert": "", "ssl-key": "", "insecure-skip-verify": False,
}, element_key="workspace", validate=_validate,
    initial=({"default": True},))


def alert(config, workspace: str, message: str, username: str, avatar_url: str, embed_title: str,
          time_text: str, level: str) -> None:
    """``Service.Alert``; ``time_text`` is the event time (RFC3339)."""
    c = svcutil.workspace(config, SECTION, workspace, "discord")
    if not c.get("enabled"):
        raise DeliveryError("service is not enabled")
    embed = {"color": COLORS.get(level, 0x7A65F2), "title": embed_title, "description": message,
             "timestamp": eventdata.rfc3339_seconds(time_text) if c.get("timestamp") else ""}
    body = go_body(GoMap(username=username or c.get("username", ""), avatar_url=avatar_url or c.get("avatar-url", ""),
                         embeds=[embed]))
    status, answer = post(c.get("url", ""), body, "application/json", tls=tls_context(c))
    if status != 204:
        raise DeliveryError(svcutil.answer_error("Discord", status, answer))


def _title_template(text: str) -> Template:
    return Template("embedTitle").parse(text)


def _from_tick(_t, f):
    options = {"workspace": f.get("Workspace", ""), "username": f.get("Username", ""),
               "avatar-url": f.get("AvatarURL", ""), "embed-title": f.get("EmbedTitle", "")}
    try:
        _title_template(options["embed-title"])
    except TemplateError as ex:
        raise HandlerError(f"failed to create Discord handler: {ex}") from None
    return options


def _check(o, _config):
    try:
        _title_template(mapdecode.text(o, "embed-title"))
    except TemplateError as ex:
        raise HandlerError(str(ex)) from None


def _deliver(o, event, config):
    try:
        title = _title_template(mapdecode.text(o, "embed-title")).execute(eventdata.TemplateData(event))
    except TemplateError as ex:
        raise DeliveryError(f"failed to evaluate embedTitle template: {ex}") from None
    alert(config, mapdecode.text(o, "workspace"), event["message"], mapdecode.text(o, "username"),
          mapdecode.text(o, "avatar-url"), title, event["time"], event["level"])


def test_options(config) -> dict:
    c = config.element(SECTION) or {}
    return {"workspace": c.get("workspace", ""), "message": "test discord message", "level": "INFO",
            "username": "Kapacitor", "avatar-url": TEST_AVATAR, "embed-title": "Kapacitor Alert",
            "time-val": "1970-01-01T00:00:01Z"}


def _test(options, config):
    o = svcutil.merge_test_options(test_options(config), options)
    alert(config, str(o["workspace"]), str(o["message"]), str(o["username"]), str(o["avatar-url"]),
          str(o["embed-title"]), str(o["time-val"]), svcutil.parse_level(o["level"]))


SERVICES = [
    Service("discord", DISCORD, ("DiscordHandler",), _from_tick,
            lambda o: mapdecode.decode(o, OPTIONS, "discord.HandlerConfig"), _deliver, check=_check, test=_test,
            test_options={"workspace": "", "message": "test discord message", "level": "INFO",
                          "username": "Kapacitor", "avatar-url": TEST_AVATAR, "embed-title": "Kapacitor Alert",
                          "time-val": "1970-01-01T00:00:01Z"},
            global_handler=True,
            extra={"test_options": test_options,
                   "state_changes_only": lambda element: bool(element.get("global")),
                   "validate_elements": lambda es: svcutil.validate_workspaces(es, "Discord")}),
]
