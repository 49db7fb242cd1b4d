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

The lambda is compiled (and checked) once with ``machstore.tick``'s lambdas; per event the
five functions become literals of that event's values and the tags a one-row column set.
"""
from __future__ import annotations

import functools
import logging

import numpy as np

from machstore.tick import ast as tick_ast
from machstore.tick.errors import TickError
from machstore.tick.expr import Binary, Call, Literal, Unary, from_ast
from machstore.tick.lambda_types import BOOL, DURATION, INT, STRING, Duration, LambdaError
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
            self.node = from_ast(parsed)
            Lambda(self.node)      # Kapacitor's NewExpression checks (constant operand types)
        except LambdaError as ex:
            raise MatchError(f"invalid match expression: {ex}") from None
        self.text = text

    def matches(self, event: dict, meta: dict, previous_level: str) -> bool:
        """Whether the handler takes ``event`` (``meta``: ``name``, ``task``, ``tags``); an
        evaluation error is logged (as Kapacitor's diagnostic does) and counts as no match."""
        values = {
            "changed": Literal(BOOL, event["level"] != previous_level),
            "level": Literal(INT, parse_level(event["level"])),
            "name": Literal(STRING, meta.get("name", "")),
            "taskName": Literal(STRING, meta.get("task", "")),
            "alertDuration": Literal(DURATION, Duration(int(event.get("duration") or 0))),
        }
        tags = meta.get("tags") or {}
        try:
            node = _bind(self.node, values)
            lam = Lambda(node)
            for ref in lam.refs:
                if ref not in tags:
                    raise LambdaError(f"no tag exists for {ref}")
            cols = PointColumns(np.zeros(1, dtype=np.int64),
                                tags={k: [tags[k]] for k in lam.refs})
            result = lam.predicate(cols, lam.new_state())
        except LambdaError as ex:
            log.error("failed to evaluate match expression: %s", ex)
            return False
        if result.errors is not None and result.errors[0] is not None:
            log.error("failed to evaluate match expression: %s", result.errors[0])
            return False
        return bool(result.mask[0])


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


def _bind(node, values):
    """``node`` with the match functions' zero-argument calls replaced by this event's values."""
    kind = node.kind
    if kind == "call":
        if node.name in values and not node.args:
            return values[node.name]
        return Call(node.name, tuple(_bind(a, values) for a in node.args))
    if kind == "unary":
        return Unary(node.op, _bind(node.operand, values))
    if kind == "binary":
        return Binary(node.op, _bind(node.left, values), _bind(node.right, values))
    return node


__all__ = ["FUNCTIONS", "IDENTIFIERS", "Match", "MatchError", "compiled"]
