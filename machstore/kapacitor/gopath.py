"""Go's ``path.Match``: the ``pattern`` filter of Kapacitor's list endpoints (tasks, templates...).

``*`` is any run of characters but ``/``, ``?`` one character but ``/``, ``[a-z]``/``[^a-z]`` a
class, ``\\`` escapes.  Kapacitor ignores the error of a malformed pattern, so a malformed pattern
matches nothing (``services/storage/indexed.go``); Python's ``fnmatch`` differs on all of these
(``*`` crosses ``/``, ``[!...]``), hence this translation to an anchored regex.
"""
from __future__ import annotations

import functools
import re

__all__ = ["malformed", "match", "valid"]


def match(pattern: str, name: str) -> bool:
    """True when ``name`` matches the Go ``path.Match`` ``pattern`` (False for a malformed one)."""
    rx = _compile(pattern)
    return rx is not None and rx.fullmatch(name) is not None


def malformed(pattern: str) -> bool:
    """True for a pattern Go refuses (``path.ErrBadPattern``), which some callers report."""
    return _compile(pattern) is None


def valid(pattern: str) -> bool:
    """False for a malformed pattern (the alerts API reports it)."""
    return not malformed(pattern)


@functools.lru_cache(maxsize=256)
def _compile(pattern: str):
    out = []
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "*":
            out.append("[^/]*")
            i += 1
        elif ch == "?":
            out.append("[^/]")
            i += 1
        elif ch == "\\":
            if i + 1 >= n:
                return None
            out.append(re.escape(pattern[i + 1]))
            i += 2
        elif ch == "[":
            cls = _class(pattern, i + 1)
            if cls is None:
                return None
            text, i = cls
            out.append(text)
        else:
            out.append(re.escape(ch))
            i += 1
    return re.compile("".join(out), re.DOTALL)


def _esc(pattern: str, i: int):
    """One class character (Go's ``getEsc``): ``(char, next index)`` or None when malformed."""
    if i >= len(pattern) or pattern[i] in "-]":
        return None
    if pattern[i] == "\\":
        i += 1
        if i >= len(pattern):
            return None
    return pattern[i], i + 1


def _class(pattern: str, i: int):
    negated = i < len(pattern) and pattern[i] == "^"
    if negated:
        i += 1
    parts = []
    while True:
        if i < len(pattern) and pattern[i] == "]" and parts:
            i += 1
            break
        lo = _esc(pattern, i)
        if lo is None:
            return None
        lo_ch, i = lo
        hi_ch = lo_ch
        if i < len(pattern) and pattern[i] == "-":
            hi = _esc(pattern, i + 1)
            if hi is None:
                return None
            hi_ch, i = hi
            if hi_ch < lo_ch:
                return None
        parts.append(re.escape(lo_ch) if lo_ch == hi_ch else f"{re.escape(lo_ch)}-{re.escape(hi_ch)}")
    return ("[^" if negated else "[") + "".join(parts) + "]", i
