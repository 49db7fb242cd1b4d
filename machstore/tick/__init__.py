"""TICKscript, Kapacitor's task language: lexer, parser, syntax tree and canonical formatter.

>>> from machstore.tick import parse, format_script
>>> format_script("stream|from().measurement('cpu')")
"stream\\n    |from()\\n        .measurement('cpu')\\n"

The stages live in their own modules, as in Kapacitor 1.7's ``tick/ast``: ``lexer`` (text ->
tokens with byte positions), ``parser`` (tokens -> ``ast`` nodes, recursive descent over
``grammar.md``), ``ast`` (the nodes, with positions and comments), ``format`` (the canonical
text Kapacitor returns as a task's ``script``) and ``types`` (the value types lambdas and node
properties deal in).  Every error is a :class:`TickError` whose text is Kapacitor's.  This
package knows nothing of HTTP or storage; the pipeline and lambda evaluators build on it.
"""
from .ast import *
from .errors import TickError
from .format import format_node, format_script
from .lexer import Token, TokenType, lex
from .parser import parse, parse_lambda

__all__ = ["TickError", "Token", "TokenType", "format_node", "format_script", "lex", "parse", "parse_lambda"]
