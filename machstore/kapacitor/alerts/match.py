"""A topic handler's ``match`` expression (Kapacitor's ``services/alert/handlers.go`` matchHandler).

A handler spec may carry ``"match": "changed() == TRUE AND \\"host\\" == 'a'"``: a TICKscript
lambda run on each event the topic collects; the handler gets the event only when it is true.
As in Kapacitor:

* the identifiers ``OK``, ``INFO``, ``WARNING``, ``CRITICAL`` are the levels as integers; any
  other identifier refuses the handler (``unknown identifier "X"``);
* ``changed()`` (the level differs from the topic's previous state of that alert id),
  ``level()`` (the level as an integer), ``name()`` (the measurement), ``taskName()`` and
  ``alertDuration()`` (Kapacitor's name for the event duration) take no arguments;
* references (``"host"``) are the event's *tags* only: a name that is no tag is an
  evaluation error (``no tag exists for host``), logged, and the handler is skipped.

The lambda is compiled (and checked) once with ``machstore.tick``'s lambdas, the five functions
as references to pseudo fields; per event those fields and the tags are a one-row column set.
"""
from __future__ import annotations

import functools
import logging

import numpy as np

from machstore.tick import ast as tick_ast
from machstore.tick.errors import TickError
from machstore.tick.expr import Binary, Call, Reference, Unary, calls, from_ast
from machstore.tick.lambda_types import LambdaError
from machstore.tick.lambdas import Lambda, PointColumns
from machstore.tick.parser import parse_lambda

from .levels import parse_level

log = logging.getLogger("machstore.kapacitor.alerts")

IDENTIFIERS = {"OK": 0, "INFO": 1, "WARNING": 2, "CRITICAL": 3}
FUNCTIONS = ("changed", "level", "name", "taskName", "alertDuration")


class MatchError(Exception):
    """A match expression Kapacitor refuses when the handler is created (its text)."""


class Match:
    """One compiled match expression (see the module docstring)."""

    def __init__(self, text: str):
        try:
            parsed = parse_lambda(text)
        except TickError as ex:
            raise MatchError(f"invalid match expression: {ex}") from None
        _replace_identifiers(parsed)
        try:
            self.lam = Lambda(_as_references(from_ast(parsed)))
        except LambdaError as ex:   # Kapacitor's NewExpression checks (constant operand types)
            raise MatchError(f"invalid match expression: {ex}") from None
        self.text = text
        self.tags = [r for r in self.lam.refs if not r.startswith(_PSEUDO)]
        self.functions = [r[len(_PSEUDO):] for r in self.lam.refs if r.startswith(_PSEUDO)]
        # Kapacitor keeps one expression per handler: stateful functions (count(), sigma()...)
        # run on across events; a lambda without them and without now() is memoised by its inputs
        self.state = self.lam.new_state()
        self.memo = None if self.lam.stateful or "now" in calls(self.lam.node) else {}

    def matches(self, event: dict, meta: dict, previous_level: str) -> bool:
        """Whether the handler takes ``event`` (``meta``: ``name``, ``task``, ``tags``); an
        evaluation error is logged (as Kapacitor's diagnostic does) and counts as no match."""
        tags = meta.get("tags") or {}
        for ref in self.tags:
            if ref not in tags:
                log.error("failed to evaluate match expression: no tag exists for %s", ref)
                return False
        key = None
        if self.memo is not None:
            key = (event["level"], previous_level, meta.get("name", ""), meta.get("task", ""),
                   int(event.get("duration") or 0) if "alertDuration" in self.functions else 0,
                   tuple(tags[k] for k in self.tags))
            hit = self.memo.get(key)
            if hit is not None:
                return hit
        values = {
            "changed": lambda: np.array([event["level"] != previous_level]),
            "level": lambda: np.array([parse_level(event["level"])], dtype=np.int64),
            "name": lambda: np.array([meta.get("name", "")], dtype=object),
            "taskName": lambda: np.array([meta.get("task", "")], dtype=object),
            "alertDuration": lambda: np.array([int(event.get("duration") or 0)], dtype="timedelta64[ns]"),
        }
        cols = PointColumns(_ONE_TIME, fields={_PSEUDO + f: values[f]() for f in self.functions},
                            tags={k: [tags[k]] for k in self.tags})
        try:
            result = self.lam.predicate(cols, self.state)
        except LambdaError as ex:
            log.error("failed to evaluate match expression: %s", ex)
            return False
        if result.errors is not None and result.errors[0] is not None:
            log.error("failed to evaluate match expression: %s", result.errors[0])
            return False
        passed = bool(result.mask[0])
        if key is not None:
            if len(self.memo) >= 4096:
                self.memo.clear()
            self.memo[key] = passed
        return passed


# The match functions become references to one-row pseudo fields, so the lambda is compiled
# once; no tag can be named so (line protocol keys cannot hold a NUL).
_PSEUDO = "\0match:"
_ONE_TIME = np.zeros(1, dtype=np.int64)


def _as_references(node):
    """``node`` with the match functions' zero-argument calls turned into pseudo references."""
    kind = node.kind
    if kind == "call":
        if node.name in FUNCTIONS and not node.args:
            return Reference(_PSEUDO + node.name)
        return Call(node.name, tuple(_as_references(a) for a in node.args))
    if kind == "unary":
        return Unary(node.op, _as_references(node.operand))
    if kind == "binary":
        return Binary(node.op, _as_references(node.left), _as_references(node.right))
    return node


@functools.lru_cache(maxsize=512)
def compiled(text: str) -> Match:
    """``Match(text)``, cached: a topic's handlers are matched on every event."""
    return Match(text)


def _replace_identifiers(node) -> None:
    """Turn the level identifiers into integer literals in place (Kapacitor's ast.Walk)."""
    for n in list(tick_ast.walk(node)):
        for name in getattr(n, "__dataclass_fields__", {}):
            value = getattr(n, name)
            if isinstance(value, tick_ast.IdentifierNode):
                setattr(n, name, _literal(value))
            elif isinstance(value, list):
                setattr(n, name, [_literal(v) if isinstance(v, tick_ast.IdentifierNode) else v for v in value])


def _literal(ident):
    v = IDENTIFIERS.get(ident.ident)
    if v is None:
        raise MatchError(f"unknown identifier {_go_quote(ident.ident)}")
    return tick_ast.NumberNode(ident.position, is_int=True, int64=v, base=10)


def _go_quote(s: str) -> str:
    from machstore.tick.gocompat import go_quote
    return go_quote(s)


__all__ = ["FUNCTIONS", "IDENTIFIERS", "Match", "MatchError", "compiled"]
