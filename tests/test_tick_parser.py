"""The TICKscript parser against Kapacitor's ``parser_test.go``: whole trees, strings, errors."""
import pytest
from tick_go_cases import PARSER_CASES

from machstore.tick import TickError, ast, parse, parse_lambda
from machstore.tick.ast import FuncType as FT
from machstore.tick.lexer import Token
from machstore.tick.lexer import TokenType as T
from machstore.tick.parser import MAX_DEPTH, Parser


@pytest.mark.parametrize(("script", "tree"), PARSER_CASES, ids=range(len(PARSER_CASES)))
def test_kapacitor_parse_statements(script, tree):
    got = parse(script)
    assert got == tree            # positions, comments, flags: everything (reflect.DeepEqual)
    assert got.equal(tree)


def test_parser_look_ahead():
    p = Parser("0 1 2 3")
    assert p.next() == Token(T.NUMBER, 0, "0")
    assert p.peek() == Token(T.NUMBER, 2, "1")
    assert p.next() == Token(T.NUMBER, 2, "1")
    p.backup()
    assert p.next() == Token(T.NUMBER, 2, "1")
    assert p.peek() == Token(T.NUMBER, 4, "2")
    p.backup()
    assert p.next() == Token(T.NUMBER, 2, "1")
    assert p.next() == Token(T.NUMBER, 4, "2")
    assert p.next() == Token(T.NUMBER, 6, "3")


PRIMARY = '"number","string","duration","identifier","TRUE","FALSE","==","(","-","!"'


@pytest.mark.parametrize(("text", "message"), [
    # TestParseErrors
    ("a\n\n\nvar b = ", f'parser: unexpected EOF line 4 char 9 in "var b = ". expected: {PRIMARY}'),
    ("a\n\n\nvar b = stream.window()var period)\n\nvar x = 1",
     'parser: unexpected ) line 4 char 34 in "var period)". expected: "identifier"'),
    ("a\n\n\nvar b = stream.window(\nb.period(10s)",
     'parser: unexpected EOF line 5 char 14 in "eriod(10s)". expected: ")"'),
    # lexer errors are reported where the parser meets them, with the lexer's message
    ("var x = 'abc", f'parser: unexpected unterminated string line 1 char 9 in "var x = \'abc". expected: {PRIMARY}'),
    ('stream|from().where(lambda: "host)',
     'parser: unexpected unterminated field reference line 1 char 29 in "e(lambda: "host)". expected: '
     + PRIMARY),
    ("var x = 1.2.3", (f'parser: unexpected multiple decimals in number line 1 char 9 in "var x = 1.2.3". '
                      f"expected: {PRIMARY}")),
    ("var x = #", (f"parser: unexpected unknown state, last char: '#' line 1 char 9 in \"var x = #\". "
                  f"expected: {PRIMARY}")),
    ("stream|from().where(lambda: \"a\" =~ /ab)",
     'parser: unexpected unterminated regex line 1 char 36 in "a: "a" =~ /ab)". expected: ' + PRIMARY),
    # structure
    ("stream|from(", f'parser: unexpected EOF line 1 char 13 in "ream|from(". expected: {PRIMARY}'),
    ("stream|.from()", 'parser: unexpected . line 1 char 8 in "stream|.from()". expected: "identifier"'),
    ("var = 1", 'parser: unexpected = line 1 char 5 in "var = 1". expected: "identifier"'),
    ("var x = [1]", ('parser: unexpected number line 1 char 10 in "var x = [1]". expected: '
                    '"identifier","string","*"')),
    ("var x = ['a' 'b']", 'parser: unexpected string line 1 char 14 in " x = [\'a\' \'b\']". expected: "]"'),
    ('dbrp "a" "b"', 'parser: unexpected reference line 1 char 10 in "dbrp "a" "b"". expected: "."'),
    ("dbrp a.b", 'parser: unexpected identifier line 1 char 6 in "dbrp a.b". expected: "reference"'),
    ("var x y z = 1", f'parser: unexpected = line 1 char 11 in "var x y z = 1". expected: {PRIMARY}'),
    ("stream\n    |from()\n    |window()\n        .period(10s\n", ('parser: unexpected EOF line 5 char 1 in "". '
     'expected: ")"')),
    # bad literals: Kapacitor's constructor errors, without a position
    ("var x = 08", 'parser: illegal number syntax: "08"'),
    ("var x = 99999999999999999999", 'parser: illegal number syntax: "99999999999999999999"'),
    ("var x = 99999999999999999999s", "parser: invalid duration"),
    ("var x = 9223372036854775807u", "parser: overflowed duration 9223372036854775807u: choose a smaller duration or INF"),
    ("var x = +1", "parser: unexpected unknown state, last char: '+' line 1 char 9 in \"var x = +1\". expected: " + PRIMARY),
    ("var x = lambda: *", "parser: unexpected * line 1 char 17 in \"= lambda: *\". expected: " + PRIMARY),
    ("var x = /a(/", "parser: error parsing regexp: missing closing ): `a(`"),
    ("var x = /a**/", "parser: error parsing regexp: invalid nested repetition operator: `**`"),
])
def test_parse_errors(text, message):
    with pytest.raises(TickError) as info:
        parse(text)
    assert str(info.value) == message


def test_unexpected_token_error_keeps_line_and_char():
    with pytest.raises(TickError) as info:
        parse("stream\n  |from(")
    assert (info.value.line, info.value.char) == (2, 9)
    assert info.value.code == "tick"


@pytest.mark.parametrize(("script", "literal"), [
    # TestParseStrings
    ("f('asdf')", "asdf"),
    ("f('''asdf''')", "asdf"),
    ("f('a\\'sdf')", "a'sdf"),
    ("f('''\\'asdf''')", "\\'asdf"),
])
def test_kapacitor_parse_strings(script, literal):
    prog = parse(script)
    assert len(prog.nodes) == 1
    (func,) = prog.nodes
    assert isinstance(func, ast.FunctionNode) and len(func.args) == 1
    assert isinstance(func.args[0], ast.StringNode)
    assert func.args[0].literal == literal


def test_precedence_and_left_associativity():
    expr = parse('f(lambda: 1 + 2 * 3 - 4 > 2 AND "a" == 1 OR TRUE)').nodes[0].args[0].expression
    assert expr.operator == T.OR
    conj = expr.left
    assert conj.operator == T.AND
    greater = conj.left
    assert greater.operator == T.GREATER
    minus = greater.left
    assert minus.operator == T.MINUS and minus.right.int64 == 4
    plus = minus.left
    assert plus.operator == T.PLUS and plus.right.operator == T.MULT


def test_equal_ignores_positions_and_comments():
    a = parse("var x = stream|from()\n// hi\n.measurement('cpu')")
    b = parse("var   x=stream\n\n|from().measurement('cpu')")
    assert a != b and a.equal(b)
    assert not a.equal(parse("var x = stream|from().measurement('mem')"))


def test_chain_types():
    chain = parse("a|b().c(1).d@e()").nodes[0]
    ops, node = [], chain
    while isinstance(node, ast.ChainNode):
        ops.append((node.operator, type(node.right).__name__, getattr(node.right, "type", None)))
        node = node.left
    assert ops[::-1] == [(T.PIPE, "FunctionNode", FT.CHAIN), (T.DOT, "FunctionNode", FT.PROPERTY),
                         (T.DOT, "IdentifierNode", None), (T.AT, "FunctionNode", FT.DYNAMIC)]


def test_regex_keeps_literal_and_unescaped_pattern():
    node = parse("var x = /a\\/b/").nodes[0].right
    assert (node.literal, node.pattern) == ("a\\/b", "a/b")
    assert node.regex.search("xa/b")


def test_parse_lambda_parses_an_expression_alone():
    node = parse_lambda('"value" > 10 AND "host" =~ /^a/')
    assert isinstance(node, ast.LambdaNode)
    assert node.expression.operator == T.AND
    with pytest.raises(TickError, match='^parser: unexpected EOF line 1 char 10 in "\\"value\\" >". expected:'):
        parse_lambda('"value" >')


def test_long_chains_and_operator_runs_do_not_recurse():
    chain = "stream|from()" + ".a(1)" * 3000
    assert parse(chain).equal(parse(chain))
    expr = "var x = lambda: " + " OR ".join(f'"h" == {i}' for i in range(3000))
    assert parse(expr) == parse(expr)


def test_deep_nesting_is_refused_with_a_clear_error():
    ok = "var x = " + "(" * (MAX_DEPTH - 1) + "1" + ")" * (MAX_DEPTH - 1)
    assert parse(ok).nodes[0].right.int64 == 1
    with pytest.raises(TickError, match=r"^parser: script nests too deeply line 1 char \d+$"):
        parse("var x = " + "f(" * (MAX_DEPTH + 1) + ")" * (MAX_DEPTH + 1))
    with pytest.raises(TickError, match="nests too deeply"):
        parse("var x = lambda: " + "-" * 5000 + "1")


def test_value_type_names_and_literal_types():
    from machstore.tick.types import ValueType, literal_type
    assert [str(t) for t in ValueType] == ["invalid type", "float", "int", "string", "boolean", "regex", "time",
                                           "duration", "lambda", "list", "star", "missing"]
    args = parse("f(1, 1.5, 's', TRUE, /r/, 5m, lambda: 1, ['a'], *, x)").nodes[0].args
    assert [literal_type(a) for a in args] == [ValueType.INT, ValueType.FLOAT, ValueType.STRING, ValueType.BOOL,
                                               ValueType.REGEX, ValueType.DURATION, ValueType.LAMBDA,
                                               ValueType.LIST, ValueType.STAR, ValueType.INVALID]


@pytest.mark.parametrize("script", ["f(1,)", "var x = ['a',]", "f(lambda: g(1,))"])
def test_trailing_commas_are_accepted(script):
    parse(script)
