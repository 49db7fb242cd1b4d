"""The TICKscript lexer against Kapacitor's ``lex_test.go`` table, plus the quirks it relies on."""
import pytest
from tick_go_cases import LEXER_CASES

from machstore.tick.lexer import TokenType as T
from machstore.tick.lexer import is_comp_operator, is_expr_operator, is_logical_operator, is_math_operator, lex


@pytest.mark.parametrize(("text", "tokens"), LEXER_CASES, ids=[c[0] for c in LEXER_CASES])
def test_kapacitor_lexer_cases(text, tokens):
    assert [tuple(t) for t in lex(text)] == tokens


def test_every_token_type_has_a_name():
    # Kapacitor's Test_TokenType_String: no token type prints as a bare number.
    for typ in T:
        assert not str(typ).isdigit(), typ


def test_operator_classes():
    assert [t for t in T if is_math_operator(t)] == [T.PLUS, T.MINUS, T.MULT, T.DIV, T.MOD]
    assert [t for t in T if is_logical_operator(t)] == [T.AND, T.OR]
    assert [t for t in T if is_comp_operator(t)] == [T.EQUAL, T.NOT_EQUAL, T.LESS, T.GREATER, T.LESS_EQUAL,
                                                     T.GREATER_EQUAL, T.REGEX_EQUAL, T.REGEX_NOT_EQUAL]
    assert not is_expr_operator(T.NOT) and is_expr_operator(T.MOD)


def kinds(text):
    return [(t.typ, t.val) for t in lex(text)][:-1]


@pytest.mark.parametrize(("text", "expected"), [
    # '/' after an operand divides, elsewhere it opens a regex.
    ('"a" / 2', [(T.REFERENCE, '"a"'), (T.DIV, "/"), (T.NUMBER, "2")]),
    ("x) / 2", [(T.IDENT, "x"), (T.RPAREN, ")"), (T.DIV, "/"), (T.NUMBER, "2")]),
    ("(/a/", [(T.LPAREN, "("), (T.REGEX, "/a/")]),
    ('"a" =~ /b\\/c/', [(T.REFERENCE, '"a"'), (T.REGEX_EQUAL, "=~"), (T.REGEX, "/b\\/c/")]),
    ('"a" !~ /b/', [(T.REFERENCE, '"a"'), (T.REGEX_NOT_EQUAL, "!~"), (T.REGEX, "/b/")]),
    ("x = /b/", [(T.IDENT, "x"), (T.ASGN, "="), (T.REGEX, "/b/")]),
    # unary minus is its own token; 1.5s is a number then an identifier
    ("-5", [(T.MINUS, "-"), (T.NUMBER, "5")]),
    ("1.5s", [(T.NUMBER, "1.5"), (T.IDENT, "s")]),
    ("10ms 3m", [(T.DURATION, "10ms"), (T.DURATION, "3m")]),
    ("a % b", [(T.IDENT, "a"), (T.MOD, "%"), (T.IDENT, "b")]),
    ("f(*)", [(T.IDENT, "f"), (T.LPAREN, "("), (T.STAR, "*"), (T.RPAREN, ")")]),
    ("dbrp", [(T.DBRP, "dbrp")]),
    ("lambda:x", [(T.LAMBDA, "lambda:"), (T.IDENT, "x")]),
    # a comment swallows following lines that start with '/', a blank line ends it
    ("// a\n  // b\n\n// c\nx", [(T.COMMENT, "// a\n  // b\n"), (T.COMMENT, "// c\n"), (T.IDENT, "x")]),
    ("x // c", [(T.IDENT, "x"), (T.COMMENT, "// c")]),
    ("'''a''b'''", [(T.STRING, "'''a''b'''")]),
    ("é_1 + 2", [(T.IDENT, "é_1"), (T.PLUS, "+"), (T.NUMBER, "2")]),
])
def test_lexer_quirks(text, expected):
    assert kinds(text) == expected


def test_positions_are_utf8_byte_offsets():
    assert [tuple(t) for t in lex("'µ' + x")] == [(T.STRING, 0, "'µ'"), (T.PLUS, 5, "+"), (T.IDENT, 7, "x"),
                                                  (T.EOF, 8, "")]


@pytest.mark.parametrize(("text", "message", "pos"), [
    ("'abc", "unterminated string", 0),
    ('x "abc', "unterminated field reference", 2),
    ("x = /abc", "unterminated regex", 4),
    ("1.2.3", "multiple decimals in number", 0),
    ("a # b", "unknown state, last char: '#'", 2),
    ("a\n\x01", "unknown state, last char: '\\x01'", 2),
    ("'''abc''", "unterminated string", 0),
])
def test_lexer_errors_are_error_tokens(text, message, pos):
    last = lex(text)[-1]
    assert (last.typ, last.val, last.pos) == (T.ERROR, message, pos)


def test_unicode_blanks_and_letters_as_go_reads_them():
    # U+00A0 and U+2003 are spaces to Go's unicode.IsSpace; U+001C is not (Python's isspace says it is).
    assert [tuple(t) for t in lex("a\u00a0+\u2003bé2")] == [(T.IDENT, 0, "a"), (T.PLUS, 3, "+"),
                                                           (T.IDENT, 7, "bé2"), (T.EOF, 11, "")]
    last = lex("a \x1c")[-1]
    assert (last.typ, last.val, last.pos) == (T.ERROR, "unknown state, last char: '\\x1c'", 2)
