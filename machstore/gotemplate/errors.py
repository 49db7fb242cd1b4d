"""The errors a Go template raises: one base class so callers catch exactly one thing.

Texts follow Go's ``text/template``: a parse error reads ``template: <name>:<line>: <msg>`` and an
execution error ``template: <name>:<line>:<col>: executing "<tmpl>" at <<node>>: <msg>``.
"""
from machstore.errors import InvalidArgument

__all__ = ["TemplateError", "TemplateExecError", "TemplateParseError"]


class TemplateError(InvalidArgument):
    """Any error parsing or executing a Go template."""

    code = "template"


class TemplateParseError(TemplateError):
    """The template text is not a valid Go template."""


class TemplateExecError(TemplateError):
    """Executing a parsed template failed (bad field, bad function argument, ...)."""
