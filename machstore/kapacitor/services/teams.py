"""Microsoft Teams (``services/teams``): ``.teams()`` and the ``teams`` topic handler.

Config: ``[teams]`` (``channel-url``, ``global``, ``state-changes-only``).  An event is posted to
the handler's ``channel-url`` (else the section's) as a MessageCard, ``json.Marshal`` of
``{"@type":"MessageCard","@context":"http://schema.org/extensions","title","text","summary",
"themeColor"}``: the title is ``LEVEL: [id]`` (``LEVEL: [topic]`` without an id, ``LEVEL``
without either), the summary ``title - message`` cut to 70 bytes plus ``...``, the color
``CC4A31``/``FFA533``/``34CC25`` by level.  200 and 204 are success.
"""
from __future__ import annotations

from . import eventdata, mapdecode, svcutil
from .base import DeliveryError, Section, Service
from .webhook import go_body, go_url_error, post

SECTION = "teams"
SUMMARY_CUTOFF = 70
COLORS = {"WARNING": "FFA533", "CRITICAL": "CC4A31"}


def _validate(e: dict) -> None:
    if e.get("enabled") and not e.get("channel-url"):
        raise ValueError("must specify Teams channel webhook URL")
    svcutil.check_url(e.get("channel-url") or "")


TEAMS = Section(SECTION, {"enabled": False, "channel-url": "", "global": False, "state-changes-only": False},
                validate=_validate)


def _cut(summary: str) -> str:
    """``summary[:70]`` on the UTF-8 bytes, as Go slices a string (a cut rune becomes U+FFFD
    per byte, as ``json.Marshal`` writes invalid UTF-8)."""
    raw = summary.encode()[:SUMMARY_CUTOFF]
    text = raw.decode("utf-8", errors="surrogateescape")
    return "".join("\ufffd" if "\udc80" <= ch <= "\udcff" else ch for ch in text)


def card(alert_topic: str, alert_id: str, message: str, level: str) -> dict:
    if not alert_id and not alert_topic:
        title = level
        summary = title + ": " + message
    elif not alert_id:
        title = f"{level}: [{alert_topic}]"
        summary = title + " - " + message
    else:
        title = f"{level}: [{alert_id}]"
        summary = title + " - " + message
    return {"@type": "MessageCard", "@context": "http://schema.org/extensions", "title": title, "text": message,
            "summary": _cut(summary) + "...", "themeColor": COLORS.get(level, "34CC25")}


def alert(config, channel_url: str, alert_topic: str, alert_id: str, message: str, level: str) -> None:
    c = config.element(SECTION) or {}
    if not c.get("enabled"):
        raise DeliveryError("service is not enabled")
    url = channel_url or c.get("channel-url", "")
    err = go_url_error(url)
    if err is not None:
        raise DeliveryError(err)
    body = go_body(card(alert_topic, alert_id, message, level), newline=False)
    status, answer = post(url, body, "application/json")
    if status not in (200, 204):
        raise DeliveryError(svcutil.answer_error("Teams", status, answer))


def _deliver(o, event, config):
    alert(config, mapdecode.text(o, "channel-url"), eventdata.topic(event), event["id"], event["message"],
          event["level"])


def test_options(config) -> dict:
    c = config.element(SECTION) or {}
    return {"channel_url": c.get("channel-url", ""), "alert_topic": "test kapacitor alert topic",
            "alert_id": "foo/bar/bat", "message": "test teams message", "level": "CRITICAL"}


def _test(options, config):
    """``Test()`` posts to the section's ``channel-url`` whatever ``channel_url`` says."""
    o = svcutil.merge_test_options(test_options(config), options)
    c = config.element(SECTION) or {}
    alert(config, c.get("channel-url", ""), str(o["alert_topic"]), str(o["alert_id"]), str(o["message"]),
          svcutil.parse_level(o["level"]))


SERVICES = [
    Service("teams", TEAMS, ("TeamsHandler",), lambda _t, f: {"channel-url": f.get("ChannelURL", "")},
            lambda o: mapdecode.decode(o, {"channel-url": "string"}, "teams.HandlerConfig"), _deliver,
            test=_test, test_options={"channel_url": "", "alert_topic": "test kapacitor alert topic",
                                      "alert_id": "foo/bar/bat", "message": "test teams message",
                                      "level": "CRITICAL"},
            global_handler=True, extra={"test_options": test_options}),
]
