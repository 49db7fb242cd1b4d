"""Hide the passwords of InfluxQL text before it is written anywhere (logs, query lists).

InfluxDB redacts them in its HTTP log (``influxql.Sanitize``): the string after ``WITH
PASSWORD`` (CREATE USER) and after ``PASSWORD FOR <user> =`` (SET PASSWORD) becomes
``[REDACTED]``.  This works on raw, possibly malformed text, so a statement that failed to
parse is hidden as well; quoted strings may hold escaped quotes, and an unterminated one is
hidden to its end.  Parsed statements need none of this: their ``str()`` already prints
``[REDACTED]``.
"""
import re

__all__ = ["REDACTED", "redact_passwords"]

REDACTED = "[REDACTED]"
_SECRET = r"('(?:[^'\\]|\\.)*'?|\S+)"
_PATTERNS = (
    re.compile(r"(?i)\bwith\s+password\s+" + _SECRET),
    re.compile(r"(?i)\bpassword\s+for\b[^=]*=\s*" + _SECRET),
)


def redact_passwords(text):
    """Return ``text`` with every password literal of CREATE USER / SET PASSWORD replaced."""
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: m.group(0)[: m.start(1) - m.start(0)] + REDACTED, text)
    return text
