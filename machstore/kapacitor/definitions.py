"""What the task and template endpoints share: request decoding, the ID rule, compiling, times.

Kapacitor decodes a request body with Go's ``json.Decoder`` into a typed struct
(``client/v1`` ``CreateTaskOptions``...): only the first JSON value counts, field names match
case-insensitively, a value of the wrong type fails the whole body with ``invalid JSON``.
:func:`decode_body` and :func:`options` restate that, so ``tasks.py`` and ``templates.py``
check requests in Kapacitor's order and answer Kapacitor's texts.
"""
from __future__ import annotations

import datetime as _dt
import json
import re
import time

from machstore.influxql.timetext import rfc3339
from machstore.tick import TickError, parse
from machstore.tick.evaluate import TickEvalError, evaluate
from machstore.tick.gocompat import go_quote

from . import task_vars
from .task_vars import InvalidJSON, VarError

ZERO_TIME = "0001-01-01T00:00:00Z"   # Go's zero time.Time, as Kapacitor shows a never-enabled task
_ID_EXTRA = frozenset("-._0123456789")


class TaskStoreError(Exception):
    """A request Kapacitor's task store refuses: ``str()`` is its text, ``status`` its HTTP code."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def valid_id(text: str) -> bool:
    """Kapacitor's ``^[-\\._\\p{L}0-9]+$`` (``str.isalpha`` is exactly the Unicode letter classes)."""
    return bool(text) and all(c in _ID_EXTRA or c.isalpha() for c in text)


# NOTE: LMDB keys hold at most 511 bytes and the longest key names two ids
# (``assoc/<template>/<task>``), so an id is kept to 240 bytes (Kapacitor's BoltDB allows more).
MAX_ID_BYTES = 240


def storable(ident: str) -> bool:
    """Whether an id (or httpOut endpoint) fits the store's keys; a longer one names nothing."""
    return len(ident.encode("utf-8", "surrogatepass")) <= MAX_ID_BYTES


def check_new_id(kind: str, ident: str) -> None:
    """The id rule of a new task or template: Kapacitor's regex, then the store's length limit."""
    if not valid_id(ident):
        raise TaskStoreError(f"{kind} ID must contain only letters, numbers, '-', '.' and '_'. {go_quote(ident)}")
    if not storable(ident):
        raise TaskStoreError(f"{kind} ID {go_quote(ident)} is longer than {MAX_ID_BYTES} bytes")


def _no_constants(name):
    raise ValueError(f"invalid constant {name}")


_DECODER = json.JSONDecoder(parse_constant=_no_constants)


def decode_body(raw: bytes) -> dict:
    """The first JSON value of a body, as an object (``null`` is an empty one); TaskStoreError."""
    try:
        text = raw.decode("utf-8", errors="replace")
        start = len(text) - len(text.lstrip(" \t\r\n"))
        value, _ = _DECODER.raw_decode(text, start)
    except (ValueError, RecursionError):   # Go's decoder refuses nesting past 10000 levels too
        raise TaskStoreError("invalid JSON") from None
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise TaskStoreError("invalid JSON")
    return _no_lone_surrogates(value)


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _no_lone_surrogates(v):
    """Go decodes a lone ``\\ud800`` escape as U+FFFD; Python keeps it (and cannot store it)."""
    if isinstance(v, str):
        return _LONE_SURROGATE.sub("\ufffd", v)
    if isinstance(v, dict):
        return {_no_lone_surrogates(k): _no_lone_surrogates(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_no_lone_surrogates(x) for x in v]
    return v


def field(obj: dict, name: str):
    """Go's field match: the exact key, else the last case-insensitive one; None when absent."""
    if name in obj:
        return obj[name]
    found = None
    for k, v in obj.items():
        if k.lower() == name:
            found = v
    return found


def _string(obj, name):
    v = field(obj, name)
    if v is None:
        return ""
    if not isinstance(v, str):
        raise TaskStoreError("invalid JSON")
    return v


def _enum(obj, name, allowed):
    v = _string(obj, name)
    if v and v not in allowed:
        raise TaskStoreError("invalid JSON")
    return v


def _dbrps(obj):
    v = field(obj, "dbrps")
    if v is None:
        return []
    if not isinstance(v, list):
        raise TaskStoreError("invalid JSON")
    out = []
    for item in v:
        if item is None:
            item = {}
        if not isinstance(item, dict):
            raise TaskStoreError("invalid JSON")
        out.append({"db": _string(item, "db"), "rp": _string(item, "rp")})
    return out


def task_options(body: dict) -> dict:
    """``CreateTaskOptions``/``UpdateTaskOptions`` of a request body (vars decoded, not yet checked)."""
    try:
        decoded_vars = task_vars.decode(field(body, "vars"))
    except InvalidJSON:
        raise TaskStoreError("invalid JSON") from None
    return {"id": _string(body, "id"), "template-id": _string(body, "template-id"),
            "type": _enum(body, "type", ("stream", "batch", "invalid")), "dbrps": _dbrps(body),
            "script": _string(body, "script"), "status": _enum(body, "status", ("enabled", "disabled")),
            "vars": decoded_vars}


def template_options(body: dict) -> dict:
    """``CreateTemplateOptions``/``UpdateTemplateOptions`` of a request body."""
    return {"id": _string(body, "id"), "type": _enum(body, "type", ("stream", "batch", "invalid")),
            "script": _string(body, "script")}


def service_vars(decoded: dict) -> dict:
    """The stored vars of a request (``convertToServiceVars``); 400 with Kapacitor's text."""
    try:
        return task_vars.to_service(decoded)
    except VarError as ex:
        raise TaskStoreError(str(ex)) from None


def parse_program(script: str):
    """``newProgramNodeFromTickscript``: the parsed program, or 400 ``invalid TICKscript: <err>``."""
    try:
        return parse(script)
    except TickError as ex:
        raise TaskStoreError(f"invalid TICKscript: {ex}") from None


class InvalidTask(ValueError):
    """A definition whose pipeline cannot be built (Kapacitor's ``newKapacitorTask`` error)."""


def compile_task(script: str, task_type: str, stored_vars: dict, *, deadman: dict | None = None):
    """Build the task's pipeline as ``TaskMaster.NewTask`` does; InvalidTask with Kapacitor's text.

    ``deadman``: the ``[deadman]`` section as ``deadman.settings(config view)`` gives it (the
    ``deadman()`` alert's id and message; ``global`` adds one to the task); None: defaults.
    """
    try:
        predefined = task_vars.to_tick(stored_vars)
        program = parse(script)
        ev = evaluate(program, task_type, predefined=predefined, deadman=deadman)
    except (VarError, TickError, TickEvalError) as ex:
        raise InvalidTask(str(ex)) from None
    if len(ev.pipeline.sorted()) <= 1:
        raise InvalidTask("task does nothing")
    return ev


def compile_template(script: str, task_type: str):
    """``TaskMaster.NewTemplate``: ``(pipeline, {name: tick Var})`` with missing vars allowed."""
    try:
        program = parse(script)
        ev = evaluate(program, task_type, ignore_missing=True)
    except (TickError, TickEvalError) as ex:
        raise InvalidTask(str(ex)) from None
    return ev.pipeline, ev.vars


def now_text() -> str:
    """Now, as Go's JSON writes a ``time.Now()`` (RFC3339Nano, the server's local zone)."""
    tz = _dt.datetime.now().astimezone().tzinfo
    return rfc3339(time.time_ns(), tz)
