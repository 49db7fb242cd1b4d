"""``/kapacitor/v1/alerts/topics[/...]``: Kapacitor's alerts API (``services/alert/api.go``).

``GET /alerts/topics`` is a route; everything under ``/alerts/topics/`` goes to one sink that
parses the rest of the path as Kapacitor's ``handleRouteTopic*`` do (``path.Match`` on
``*/events``, ``*/events/*``, ``*/handlers``, ``*/handlers/*``; the topic is the first path
element; ``POST`` anywhere under a topic creates a handler; ``DELETE`` of a path that is not a
handler path deletes the topic).  Topics, events and handler specs are read from the store
(``machstore.kapacitor.alerts.topics``/``specs``); answers are Go's ``MarshalIndent`` of the
client structs (``client/v1/client.go``) with Kapacitor's texts and status codes.
"""
from __future__ import annotations

import posixpath

import jsonpatch

from machstore.influxql.timetext import rfc3339
from machstore.kapacitor import config as kconfig
from machstore.kapacitor import gopath, store
from machstore.kapacitor.alerts import specs, topics
from machstore.kapacitor.alerts.levels import level_name
from machstore.kapacitor.alerts.levels import parse_level as level_of
from machstore.kapacitor.gojson import GoMap
from machstore.tick.evaluate import format_duration
from machstore.tick.gocompat import go_quote

from .kapacitor_http import API, BASE, ApiError, Resource, no_content, respond

TOPICS = BASE + "/alerts/topics"
_LEVELS = "OKINFOWARNINGCRITICAL"
_OFFSETS = (0, 2, 6, 13, 21)


def parse_level(text: str) -> int:
    """``alert.ParseLevel``: upper-cased, found by ``bytes.Index`` in ``OKINFOWARNINGCRITICAL``
    at a level's offset (so ``""`` is OK and ``WARN`` is WARNING); 400 otherwise."""
    upper = text.upper()
    idx = _LEVELS.find(upper)
    if idx in _OFFSETS[:4]:
        return _OFFSETS.index(idx)
    raise ApiError(400, f"unknown alert level '{upper}'")


def _pattern(req) -> str:
    pattern = req.get_param("pattern") or ""
    if pattern and not gopath.valid(pattern):
        raise ApiError(400, "invalid pattern: syntax error in pattern")
    return pattern


def _self_href(req) -> str:
    qs = req.query_string
    return req.path + ("?" + qs if qs else "")


def _link(rel, *parts) -> dict:
    return {"rel": rel, "href": posixpath.join(TOPICS, *parts)}


def _topic(topic: str, level: int, collected: int) -> dict:
    return {"link": _link("self", topic), "id": topic, "level": level_name(level), "collected": collected,
            "events-link": _link("events", topic, "events"), "handlers-link": _link("handlers", topic, "handlers")}


def _event(topic: str, alert_id: str, state: dict) -> dict:
    return {"link": _link("self", topic, "events", alert_id), "id": alert_id,
            "state": {"message": state["message"], "details": state["details"], "time": rfc3339(state["time"]),
                      "duration": format_duration(int(state["duration"])), "level": state["level"]}}


def _handler(spec: dict) -> dict:
    options = spec.get("options")
    return {"link": _link("self", spec["topic"], "handlers", spec["id"]), "id": spec["id"], "kind": spec["kind"],
            "options": _gomap(options), "match": spec.get("match", "")}


def _gomap(v):
    if isinstance(v, dict):
        return GoMap({k: _gomap(x) for k, x in v.items()})
    if isinstance(v, list):
        return [_gomap(x) for x in v]
    return v


class Topics(Resource):
    """``GET /kapacitor/v1/alerts/topics?pattern=&min-level=``."""

    def on_get(self, req, resp):
        self.authenticate(req)
        pattern = _pattern(req)
        min_level = parse_level(req.get_param("min-level") or "")
        engine = self.engine()
        kdb = store.db(engine)
        with engine.env.begin() as txn:
            found = topics.states(txn, kdb, pattern, min_level)
        respond(resp, {"link": {"rel": "self", "href": _self_href(req)},
                       "topics": [_topic(t, lvl, n) for t, (lvl, n) in sorted(found.items())]})


class TopicTree:
    """The sink under ``/kapacitor/v1/alerts/topics/`` (see the module docstring)."""

    family = API

    def __init__(self, engine, settings):
        self._resource = Resource(engine, settings)

    def __call__(self, req, resp, **kwargs):
        req.context.family = API
        try:
            self._answer(req, resp)
        except Exception as ex:  # noqa: BLE001 - rendered as the family renders every error
            if isinstance(ex, specs.SpecError):
                ex = ApiError(ex.status, ex.message)
            API.render_error(req, resp, ex)

    def _answer(self, req, resp):
        method = req.method
        if method == "OPTIONS":
            resp.status = 200
            resp.data = b""
            return
        if method not in ("GET", "POST", "PUT", "PATCH", "DELETE"):
            raise ApiError(404, "Not Found")
        self._resource.authenticate(req)
        p = req.path[len(TOPICS) + 1:]
        topic = _topic_id(p)
        engine = self._resource.engine()
        if method == "GET":
            if gopath.match("*/events", p):
                return self._events(req, resp, engine, topic)
            if gopath.match("*/events/*", p):
                return self._event(resp, engine, topic, posixpath.basename(p))
            if gopath.match("*/handlers", p):
                return self._handlers(req, resp, engine, topic)
            if gopath.match("*/handlers/*", p):
                return self._get_handler(resp, engine, topic, _handler_id(p)[0])
            return self._get_topic(resp, engine, topic)
        if method == "POST":
            return self._create(req, resp, engine, topic)
        handler_id, is_handler = _handler_id(p)
        if method == "PUT":
            return self._put(req, resp, engine, topic, handler_id)
        if method == "PATCH":
            return self._patch(req, resp, engine, topic, handler_id)
        if is_handler:
            specs.delete(engine, topic, handler_id)
        else:
            kdb = store.db(engine)
            with engine.env.begin(write=True) as txn:
                topics.delete(txn, kdb, topic)
        no_content(resp)

    # -- topics and events ----------------------------------------------------------------------
    def _get_topic(self, resp, engine, topic):
        kdb = store.db(engine)
        with engine.env.begin() as txn:
            st = topics.state(txn, kdb, topic)
        if st is None:
            raise ApiError(404, f"unknown topic: {go_quote(topic)}")
        respond(resp, _topic(topic, *st))

    def _events(self, req, resp, engine, topic):
        min_level = parse_level(req.get_param("min-level") or "")
        kdb = store.db(engine)
        with engine.env.begin() as txn:
            if not topics.exists(txn, kdb, topic):
                raise ApiError(500, f"failed to get topic events: unknown topic {go_quote(topic)}")
            found = topics.events(txn, kdb, topic)
        events = [_event(topic, i, s) for i, s in sorted(found.items()) if level_of(s["level"]) >= min_level]
        respond(resp, {"link": _link("self", topic, "events"), "topic": topic, "events": events})

    def _event(self, resp, engine, topic, alert_id):
        kdb = store.db(engine)
        with engine.env.begin() as txn:
            state = topics.event(txn, kdb, topic, alert_id) if topics.exists(txn, kdb, topic) else None
        if state is None:
            raise ApiError(404, f"unknown event {go_quote(alert_id)} in topic {go_quote(topic)}")
        respond(resp, _event(topic, alert_id, state))

    # -- handlers -------------------------------------------------------------------------------
    def _handlers(self, req, resp, engine, topic):
        pattern = _pattern(req)
        found = [s for s in specs.listing(engine, topic) if not pattern or gopath.match(pattern, s["id"])]
        respond(resp, {"link": {"rel": "self", "href": _self_href(req)}, "topic": topic,
                       "handlers": [_handler(s) for s in sorted(found, key=lambda s: s["id"])]})

    def _get_handler(self, resp, engine, topic, handler_id):
        respond(resp, _handler(self._existing(engine, topic, handler_id)))

    @staticmethod
    def _existing(engine, topic, handler_id) -> dict:
        spec = specs.get(engine, topic, handler_id)
        if spec is None:
            raise ApiError(404, f"unknown handler: {go_quote(handler_id)}")
        return spec

    def _create(self, req, resp, engine, topic):
        try:
            spec = specs.decode_json(self._resource.body(req), topic)
        except ValueError as ex:
            raise ApiError(400, f"invalid handler json: {ex}") from None
        specs.validate(spec)
        respond(resp, _handler(specs.create(engine, kconfig.view(engine), spec)))

    def _put(self, req, resp, engine, topic, handler_id):
        old = self._existing(engine, topic, handler_id)
        try:
            new = specs.decode_json(self._resource.body(req), topic)
        except ValueError as ex:
            raise ApiError(400, f"failed to unmarshal JSON: {ex}") from None
        specs.validate(new)
        respond(resp, _handler(specs.update(engine, kconfig.view(engine), old, new)))

    def _patch(self, req, resp, engine, topic, handler_id):
        old = self._existing(engine, topic, handler_id)
        raw = self._resource.body(req)
        try:   # jsonpatch.DecodePatch: a JSON array of operation objects
            ops = specs.go_json_value(raw)
            kind = specs.json_kind(ops)
            if ops is not None and kind != "array":
                raise ValueError(f"json: cannot unmarshal {kind} into Go value of type jsonpatch.Patch")
            for op in ops or []:
                if op is not None and not isinstance(op, dict):
                    raise ValueError(f"json: cannot unmarshal {specs.json_kind(op)} into Go value of type "
                                     "jsonpatch.Operation")
        except ValueError as ex:
            raise ApiError(400, f"invalid patch json: {ex}") from None
        try:   # Patch.Apply: the operations are checked as they are applied
            patched = jsonpatch.JsonPatch([op or {} for op in ops or []]).apply(specs.marshal(old))
        except (jsonpatch.JsonPatchException, jsonpatch.JsonPointerException, KeyError, IndexError,
                TypeError) as ex:
            raise ApiError(400, f"failed to apply patch: {ex}") from None
        try:
            new = specs.spec_from_value(patched, topic, override=False)
        except ValueError as ex:
            raise ApiError(500, f"failed to unmarshal patched json: {ex}") from None
        specs.validate(new)
        respond(resp, _handler(specs.update(engine, kconfig.view(engine), old, new)))


def _topic_id(p: str) -> str:
    """``topicIDFromPath``: the first element of the path."""
    ident, d = "", p.lstrip("/")   # Go's mux cleans "//" away before the handler sees the path
    while d != ".":
        ident = d
        d = posixpath.dirname(d).rstrip("/") or "."
    return ident


def _handler_id(p: str) -> tuple[str, bool]:
    """``handlerIDFromPath``: ``path.Split`` and a ``handlers/`` directory."""
    d, ident = posixpath.split(p)
    d = d + "/" if d else d
    if not d.endswith("handlers/"):
        return "", False
    return ident, True


__all__ = ["TopicTree", "Topics", "parse_level"]
