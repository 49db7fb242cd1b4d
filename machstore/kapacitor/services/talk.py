"""Talk (``services/talk``): ``.talk()`` and the ``talk`` topic handler (no options).

Config: ``[talk]`` (``url`` is a secret, ``author_name``).  An event is posted to ``url`` as
``{"authorName","text","title"}`` (a Go map: keys sorted) with the event's id as title and its
message as text.  Kapacitor builds the topic handler without decoding its options (there are
none), so any options are kept and have no effect, as there.  Any answer but 200 is an error; Kapacitor reads the answer's body before
decoding it, so the text is always ``failed to understand Talk response...``.
"""
from __future__ import annotations

from . import svcutil
from .base import DeliveryError, Section, Service
from .webhook import GoMap, go_body, post

SECTION = "talk"


def _validate(e: dict) -> None:
    if e.get("enabled") and not e.get("url"):
        raise ValueError("must specify url")
    svcutil.check_url(e.get("url") or "")


TALK = Section(SECTION, {"enabled": False, "url": "", "author_name": ""}, redacted=("url",), validate=_validate)


def alert(config, title: str, text: str) -> None:
    c = config.element(SECTION) or {}
    if not c.get("enabled"):
        raise DeliveryError("service is not enabled")
    body = go_body(GoMap(title=title, text=text, authorName=c.get("author_name", "")))
    status, answer = post(c.get("url", ""), body, "application/json")
    if status != 200:
        raise DeliveryError(f"failed to understand Talk response. code: {status} content: "
                            f"{answer.decode('utf-8', 'replace')}")


def _test(options, config):
    o = svcutil.merge_test_options({"title": "testTitle", "text": "test talk text"}, options)
    alert(config, str(o["title"]), str(o["text"]))


SERVICES = [
    Service("talk", TALK, ("TalkHandler",), lambda _t, _f: {},
            lambda o: dict(o or {}),
            lambda _o, event, config: alert(config, event["id"], event["message"]),
            test=_test, test_options={"title": "testTitle", "text": "test talk text"}),
]
