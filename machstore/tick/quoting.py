"""Go's ``%q`` quoting, which Kapacitor's error texts use for runes and literals."""

__all__ = ["go_quote", "go_quote_rune"]

_SIMPLE = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v",
           "\\": "\\\\"}


def _is_go_print(ch):
    """Approximate Go's ``strconv.IsPrint``: letters, marks, numbers, punctuation, symbols and ' '."""
    if ch == " ":
        return True
    return ch.isprintable()


def _escape(ch, quote):
    if ch == quote:
        return "\\" + ch
    if ch in _SIMPLE:
        return _SIMPLE[ch]
    if _is_go_print(ch):
        return ch
    code = ord(ch)
    if code < 0x80:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def go_quote_rune(ch):
    """Quote one rune as Go's ``%q`` does: ``'a'``, ``'\\''``, ``'\\x00'``."""
    return "'" + _escape(ch, "'") + "'"


def go_quote(text):
    """Quote a string as Go's ``%q`` does: ``"a\\"b"``."""
    return '"' + "".join(_escape(ch, '"') for ch in text) + '"'
