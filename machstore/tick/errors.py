"""The one error the TICKscript front end raises: :class:`TickError`, with Kapacitor's text.

Kapacitor reports every lexer and parser problem as one string (``parser: unexpected ...
line L char C in "<snippet>". expected: ...``); callers show it as is, so ``str(error)`` is
exactly that text.  ``line`` and ``char`` are kept apart too when the error points somewhere.
"""
from machstore.errors import ParseError

__all__ = ["TickError"]


class TickError(ParseError):
    """A TICKscript that Kapacitor would refuse to lex or parse."""

    code = "tick"

    def __init__(self, message, *, line=None, char=None):
        super().__init__(message, line=line, char=char)
        self.line = line
        self.char = char
