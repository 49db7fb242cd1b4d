"""Template vars in the shape of Kapacitor's HTTP API, both ways.

A template's vars come out of evaluation (``evaluate.template_vars``) as
``Var(value, type, description)``; the API shows them as
``{"name": {"type": ..., "value": ..., "description": ...}}`` with durations in
nanoseconds, lambdas as their expression text and regexes as their pattern
(``services/task_store`` ``convertToClientVarFromTick``). A task created from a
template sends vars back in the same shape; ``vars_from_api`` turns them into
values the evaluator checks against the declared types.
"""

from __future__ import annotations

import re

from machstore.errors import ParseError
from machstore.tick.evaluate import Duration, Regex, Star, TickEvalError, Var, var_type_of

API_TYPES = ('bool', 'int', 'float', 'string', 'regex', 'duration', 'lambda', 'list', 'star')


def vars_to_api(tick_vars: dict, format_lambda) -> dict:
    """Render evaluated vars as the API does; ``format_lambda(LambdaNode)`` gives the expression text."""
    return {name: _var_to_api(v, format_lambda) for name, v in tick_vars.items()}


def _var_to_api(v: Var, format_lambda) -> dict:
    value = v.value
    if value is not None:
        if v.type == 'lambda':
            value = format_lambda(value)
        elif v.type == 'regex':
            value = value.pattern
        elif v.type == 'duration':
            value = int(value)
        elif v.type == 'star':
            value = {}
        elif v.type == 'list':
            value = [_var_to_api(Var(item, _list_item_type(item), ''), format_lambda) for item in value]
    return {'value': value, 'type': v.type, 'description': v.description}


def _list_item_type(item) -> str:
    return var_type_of(item) or 'string'


def vars_from_api(api_vars: dict, parse_lambda) -> dict:
    """Turn API vars into ``{name: Var}`` for ``evaluate(predefined=...)``; errors are Kapacitor's."""
    out = {}
    for name, raw in api_vars.items():
        try:
            out[name] = _var_from_api(raw, parse_lambda)
        except TickEvalError as ex:
            raise TickEvalError(f'invalid var {name}: {ex}') from None
    return out


def _var_from_api(raw: dict, parse_lambda) -> Var:
    typ = raw.get('type')
    value = raw.get('value')
    desc = raw.get('description', '') or ''
    if typ not in API_TYPES:
        raise TickEvalError(f'invalid var type {typ!r}')
    expect = {'bool': bool, 'string': str, 'regex': str, 'lambda': str, 'list': list}
    if typ in expect and not isinstance(value, expect[typ]):
        raise TickEvalError(f'invalid {typ} value {value!r}')
    if typ == 'int':
        if isinstance(value, bool) or not isinstance(value, (int, float)) or int(value) != value:
            raise TickEvalError(f'invalid int value {value!r}')
        value = int(value)
    elif typ == 'float':
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TickEvalError(f'invalid float value {value!r}')
        value = float(value)
    elif typ == 'duration':
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TickEvalError(f'invalid duration value {value!r}')
        value = Duration(int(value))
    elif typ == 'regex':
        try:
            re.compile(value)
        except re.error as ex:
            raise TickEvalError(f'invalid regex pattern: {ex}') from None
        value = Regex(value)
    elif typ == 'lambda':
        try:
            value = parse_lambda(value)
        except ParseError as ex:  # the parser's own error text
            raise TickEvalError(f'invalid lambda expression: {ex}') from None
    elif typ == 'star':
        value = Star()
    elif typ == 'list':
        value = [_var_from_api(item, parse_lambda).value for item in value]
    return Var(value, typ, desc)
