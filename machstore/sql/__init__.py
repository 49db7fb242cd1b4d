"""Machbase SQL for machstore: lexer, parser, syntax tree and formatter (no execution here).

>>> from machstore.sql import parse_one, format_sql
>>> format_sql(parse_one("select name, avg(value) v from tag where time > now - 1h group by name"))
'SELECT NAME, AVG(VALUE) AS V FROM TAG WHERE TIME > NOW - 1h GROUP BY NAME'

The stages live in their own modules: ``lexer`` (text -> tokens with positions), ``parser``
(tokens -> ``ast`` nodes, recursive descent over ``grammar.md``), ``ast`` (the nodes, plain
data) and ``format`` (nodes -> canonical SQL). Parse errors carry Machbase's code and text
(``[ERR-02010: Syntax error: near token (...).]``), see :class:`SQLSyntaxError`.
"""
from . import ast
from .format import format_sql, quote_ident, quote_string
from .parser import SQLSyntaxError, parse, parse_expr, parse_one

__all__ = ["parse", "parse_one", "parse_expr", "format_sql", "quote_ident", "quote_string",
           "SQLSyntaxError", "ast"]
