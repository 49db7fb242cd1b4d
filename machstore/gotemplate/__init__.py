"""Go's text/template for Python: the subset Kapacitor's alert and handler templates use.

Split by stage like the other languages of machstore: :mod:`.lexer` (text -> tokens),
:mod:`.parser` (tokens -> :mod:`.ast` trees), :mod:`.evaluate` (trees -> closures -> text),
:mod:`.functions` (the built-ins) and :mod:`.gofmt` (Go's fmt verbs); :mod:`.values` says how
Python values stand for Go's, and :mod:`.kapacitor` builds the data Kapacitor's alert node
passes.  See ``grammar.md`` beside this file and ``docs/gotemplate.md``.
"""
from .errors import TemplateError, TemplateExecError, TemplateParseError
from .template import Template, parse
from .values import Duration, StringMap, Time

__all__ = [
           "Duration",
           "StringMap",
           "Template",
           "TemplateError",
           "TemplateExecError",
           "TemplateParseError",
           "Time",
           "parse",
]
