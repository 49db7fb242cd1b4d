"""Topic handler specs: decoding, validation and creation as ``services/alert`` does them.

A spec is Kapacitor's ``HandlerSpec`` (``{"id", "topic", "kind", "options", "match"}``).  Creating
one (``POST``, ``PUT``, ``PATCH`` of the alerts API) runs, in Kapacitor's order: ``Validate``
(topic and id patterns, a kind), ``createHandlerFromSpec`` (the kind's service decodes its
options, ``machstore.kapacitor.services``; an unknown kind is ``unsupported action kind``; the
match expression compiles), then the store change.  The stored record keeps the spec exactly as
given (the API shows it back) and the decoded ``[kind, options]`` handler the router uses.

``SpecError.status`` is the HTTP status Kapacitor answers with; the text is Kapacitor's.
"""
from __future__ import annotations

import json

from machstore.kapacitor import services, store
from machstore.kapacitor.gojson import decoder_error
from machstore.tick.gocompat import go_quote

from . import topics
from .match import MatchError, compiled

SPEC_FIELDS = ("id", "topic", "kind", "options", "match")
_GO_FIELD_TYPE = {"id": "string", "topic": "string", "kind": "string", "match": "string",
                  "options": "map[string]interface {}"}
_JSON_KIND = {str: "string", bool: "bool", int: "number", float: "number", list: "array", dict: "object"}


class SpecError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


# -- JSON -----------------------------------------------------------------------------------------
def decode_json(raw: bytes, topic: str) -> dict:
    """``json.NewDecoder(r).Decode(&HandlerSpec{})`` then ``Topic = topic``: field names match
    case-insensitively, unknown ones are ignored, a wrong type is Go's UnmarshalTypeError (the
    first one, after the whole value was read); ``ValueError`` with Go's text."""
    value = go_json_value(raw)
    return spec_from_value(value, topic)


def spec_from_value(value, topic: str, *, override: bool = True) -> dict:
    """A decoded JSON value as a spec: ``topic`` is set after decoding (``override``, POST and
    PUT) or before it (PATCH: the patched document's ``topic`` wins)."""
    spec = {"id": "", "topic": topic, "kind": "", "options": None, "match": ""}
    if value is None:
        return spec
    if not isinstance(value, dict):
        raise ValueError(  # noqa: TRY004 - Go json error text, one type for all of them
            f"json: cannot unmarshal {_JSON_KIND.get(type(value), 'value')} into Go value of type "
                         "alert.HandlerSpec")
    first_error = None
    for key, v in value.items():
        name = next((f for f in SPEC_FIELDS if f.lower() == key.lower()), None)
        if name is None or v is None:
            continue
        ok = isinstance(v, dict) if name == "options" else isinstance(v, str)
        if not ok:
            first_error = first_error or (f"json: cannot unmarshal {_JSON_KIND.get(type(v), 'value')} into Go struct "
                                          f"field HandlerSpec.{name} of type {_GO_FIELD_TYPE[name]}")
            continue
        spec[name] = v
    if first_error:
        raise ValueError(first_error)
    if override:
        spec["topic"] = topic
    return spec


def json_kind(value) -> str:
    """The JSON kind Go's UnmarshalTypeError names (``number``, ``array``, ...)."""
    return _JSON_KIND.get(type(value), "null" if value is None else "value")


def go_json_value(raw: bytes):
    """The first JSON value of ``raw`` as Go's ``json.Decoder`` reads it; ``ValueError`` with
    Go's text when it is not JSON (``gojson.decoder_error``)."""
    problem = decoder_error(raw)
    if problem is not None:
        raise ValueError(problem)
    text = raw.decode("utf-8", errors="replace")
    value, _ = json.JSONDecoder().raw_decode(text, len(text) - len(text.lstrip(" \t\r\n")))
    return value


def marshal(spec: dict) -> dict:
    """``json.Marshal(HandlerSpec)`` as a dict in struct order (the document PATCH applies to)."""
    return {f: spec.get(f, None if f == "options" else "") for f in SPEC_FIELDS}


# -- validation and creation ----------------------------------------------------------------------
def _valid_id(text: str, extra: str) -> bool:
    return bool(text) and all(ch.isalpha() or ch in "0123456789-._" or ch in extra for ch in text)


def validate(spec: dict) -> None:
    """``HandlerSpec.Validate`` as the API runs it: 400 ``invalid handler spec: ...`` (Kapacitor's
    texts, including the topic one naming the handler id)."""
    if not _valid_id(spec["topic"], ":"):
        raise SpecError(400, "invalid handler spec: handler topic must contain only letters, numbers, '-', '.' "
                             "and '_'. " + go_quote(spec["id"]))
    if not _valid_id(spec["id"], ""):
        raise SpecError(400, "invalid handler spec: handler ID must contain only letters, numbers, '-', '.' and "
                             "'_'. " + go_quote(spec["id"]))
    if not spec["kind"]:
        raise SpecError(400, "invalid handler spec: handler Kind must not be empty")


def build(spec: dict, config) -> dict:
    """``createHandlerFromSpec``: the stored record, or ``HandlerError``/``MatchError`` text."""
    svc = services.service(spec["kind"])
    if svc is None:
        raise services.HandlerError(f"unsupported action kind {go_quote(spec['kind'])}")
    options = svc.decode(dict(spec["options"] or {}))
    if svc.check is not None:
        svc.check(options, config)
    if spec["match"]:
        compiled(spec["match"])
    return {"spec": marshal(spec), "handler": [svc.kind, options]}


def create(engine, config, spec: dict) -> dict:
    """``RegisterHandlerSpec``; 500 ``failed to create handler: ...`` when refused."""
    validate(spec)
    try:
        record = build(spec, config)
    except (services.HandlerError, MatchError) as ex:
        raise SpecError(500, f"failed to create handler: {ex}") from None
    kdb = store.db(engine)
    with engine.env.begin(write=True) as txn:
        if topics.get_spec(txn, kdb, spec["topic"], spec["id"]) is not None:
            raise SpecError(500, "failed to create handler: cannot register handler, handler with ID "
                                 f"{go_quote(spec['id'])} already exists")
        topics.put_spec(txn, kdb, record)
    return record["spec"]


def update(engine, config, old: dict, new: dict) -> dict:
    """``UpdateHandlerSpec`` (PUT and PATCH); 500 ``failed to update handler: ...``."""
    validate(new)
    if new["topic"] != old["topic"]:
        raise SpecError(500, "failed to update handler: cannot change topic in update")
    try:
        record = build(new, config)
    except (services.HandlerError, MatchError) as ex:
        raise SpecError(500, f"failed to update handler: {ex}") from None
    kdb = store.db(engine)
    with engine.env.begin(write=True) as txn:
        if new["id"] != old["id"]:
            if topics.get_spec(txn, kdb, new["topic"], new["id"]) is not None:
                raise SpecError(500, "failed to update handler: handler spec already exists")
            topics.delete_spec(txn, kdb, old["topic"], old["id"])
        topics.put_spec(txn, kdb, record)
    return record["spec"]


def get(engine, topic: str, handler_id: str):
    kdb = store.db(engine)
    with engine.env.begin() as txn:
        record = topics.get_spec(txn, kdb, topic, handler_id)
    return None if record is None else record["spec"]


def listing(engine, topic: str) -> list[dict]:
    kdb = store.db(engine)
    with engine.env.begin() as txn:
        return [r["spec"] for r in topics.specs(txn, kdb, topic)]


def delete(engine, topic: str, handler_id: str) -> None:
    kdb = store.db(engine)
    with engine.env.begin(write=True) as txn:
        topics.delete_spec(txn, kdb, topic, handler_id)


__all__ = ["SpecError", "build", "create", "decode_json", "delete", "get", "go_json_value", "json_kind", "listing", "marshal",
           "spec_from_value", "update", "validate"]
