"""The compiled-regex InfluxQL scanner against its rune-by-rune reference twin (``lexer_ref``).

Both scanners are driven through the calls the parser makes (``scan``, ``peek_rune`` and,
where a ``/`` comes next, ``scan_regex``, in any order, and on past the end) over generated text, and must return the
same tokens with the same positions: InfluxDB's error messages quote those positions, quirks
included (the end of input one character further on once a token has read it, strings and
regexes at the character before their quote or slash).
"""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from machstore.influxql import lexer, lexer_ref

PIECES = [
    " ", "  ", "\t", "\n", "\r\n", "\r", "SELECT", "select", "from", "cpu", "_x", "a1", "Value", "in", "$", "$p",
    "$1x", "'", "''", "'a b'", "'it\\'s'", "'\\n'", "'\\x'", "'\\", '"', '""', '"q d"', '"a\\"b"', '"\\q"', "ab\"cd\"",
    "1", "12", "1.5", ".5", "1.", "1.x", "..", "1h", "1h30m", "5µs", "1µ", "0x1f", "99999999999999999999",
    "=", "=~", "!=", "!~", "!", "<>", "<", "<=", ">", ">=", ":", "::", "+", "-", "--", "-- c\n", "*", "/", "/*",
    "*/", "/* c */", "/x/", "/a\\/b/", "/a\\\\/", "\\", "%", "&", "|", "^", "(", ")", ",", ";", ".", "@", "#",
    "é", "\x0c", "€",
]

# The calls the parser makes: mostly scan(), sometimes a peek or a regex where one may start.
CALLS = st.lists(st.sampled_from(["scan"] * 6 + ["peek", "regex"]), min_size=1, max_size=60)


def drive(scanner, calls):
    """Return everything ``scanner`` answers to ``calls``, then scan on until two EOFs."""
    out = []
    for call in calls:
        if call == "scan":
            out.append(scanner.scan())
        elif call == "peek":
            out.append(("peek", scanner.peek_rune()))
        elif scanner.peek_rune() == "/":   # as the parser does: a regex only where a "/" comes next
            out.append(scanner.scan_regex())
    eofs = 0
    for _ in range(200):
        tok = scanner.scan()
        out.append(tok)
        if tok.kind == "EOF":
            eofs += 1
            if eofs == 2:
                break
    return out


def assert_same(text, calls):
    assert drive(lexer.Scanner(text), calls) == drive(lexer_ref.Scanner(text), calls), (text, calls)


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=25), CALLS)
def test_scanners_agree_on_token_soup(pieces, calls):
    assert_same("".join(pieces), calls)


@settings(max_examples=800, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(" \t\n\r\"'\\/$-*.:=!<>~0123456789abhsµ_(),;@é")), max_size=40), CALLS)
def test_scanners_agree_on_random_characters(text, calls):
    assert_same(text, calls)


@pytest.mark.parametrize("text", [
    "", " ", "a", "SELECT", "1", "1.", "1h", "$", "$x", "'a'", "'a", "'\\", "'\\x'", '"a', 'x"y"', "--", "-- x",
    "/*", "/* x", "/**/", "/*/", "=", "!", ".", ".5", "\n", "a\n'b'", "a\n\n'b", "\n'x", "'\n'",
])
def test_scanners_agree_at_the_end(text):
    for calls in (["scan"], ["scan", "peek"], ["peek"], ["scan", "regex"], ["regex"], ["scan", "scan", "peek"]):
        assert_same(text, calls)


def test_regex_positions_and_escapes():
    scanner = lexer.Scanner("FROM /a\\/b\\d/")
    assert scanner.scan().kind == "FROM"
    assert scanner.scan().kind == "WS"
    assert scanner.peek_rune() == "/"
    assert scanner.scan_regex() == lexer.Token("REGEX", lexer.Pos(1, 5), "a/b\\d")
    assert scanner.scan() == lexer.Token("EOF", lexer.Pos(1, 14), "")
    assert scanner.scan() == lexer.Token("EOF", lexer.Pos(1, 15), "")
