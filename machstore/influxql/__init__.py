"""InfluxQL for machstore: lexer, parser, syntax tree, formatter and the statement executor.

>>> from machstore.influxql import parse
>>> [str(s) for s in parse('create database "my db" with duration 7d; show databases')]
['CREATE DATABASE "my db" WITH DURATION 168h0m0s', 'SHOW DATABASES']

The stages live in their own modules: ``lexer`` (text -> tokens with positions), ``parser``
(tokens -> ``ast`` nodes, recursive descent over ``grammar.md``), ``ast`` (the nodes; their
``str()`` is the formatter), ``authorize`` (which privileges each statement needs, and who
may run a query), ``execute`` (statements -> engine calls -> InfluxDB-shaped results, no
HTTP; SELECT is run by ``select``) and ``redact`` (passwords out of raw query text).  Parse errors carry InfluxDB 1.8's exact
wording.  ``parse(text, params)`` binds ``$name`` parameters as ``/query``'s ``params`` does.
"""
from .ast import *  # noqa: F401,F403 - the node classes are this package's vocabulary
from .parser import InfluxQLParseError, parse, parse_expr, parse_statement

__all__ = ["parse", "parse_statement", "parse_expr", "format", "InfluxQLParseError"]


def format(node):  # noqa: A001 - the formatter stage, named as in the other query languages
    """Return ``node`` (a statement, expression or list of statements) as canonical InfluxQL."""
    if isinstance(node, (list, tuple)):
        return ";\n".join(str(n) for n in node)
    return str(node)
