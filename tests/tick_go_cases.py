"""Kapacitor 1.7's own TICKscript test tables, restated as Python data (same inputs, same answers).

* ``LEXER_CASES``: ``tick/ast/lex_test.go`` ``TestLexer``: input -> tokens ``(type, byte offset, text)``;
* ``PARSER_CASES``: ``tick/ast/parser_test.go`` ``TestParseStatements``: script -> the whole tree,
  positions and comments included (compared with ``==``, as Go's ``reflect.DeepEqual``);
* ``FORMAT_CASES``: ``tick/fmt_test.go`` ``TestFormat``: messy script -> canonical text;
* ``CANONICAL_SCRIPTS``: ``server/server_test.go``: scripts the HTTP API returns unchanged.

The tables were transcribed mechanically from the Go test files, so each case reads as
its Go original does.  Durations are in nanoseconds (``time.Minute * 5`` -> ``60000000000 * 5``).
"""

from machstore.tick import ast
from machstore.tick.ast import FuncType as FT
from machstore.tick.ast import Position as P
from machstore.tick.lexer import TokenType as T

LEXER_CASES = [
    ("!", [(T.NOT, 0, "!"), (T.EOF, 1, "")]),
    ("a + b", [(T.IDENT, 0, "a"), (T.PLUS, 2, "+"), (T.IDENT, 4, "b"), (T.EOF, 5, "")]),
    ("a - b", [(T.IDENT, 0, "a"), (T.MINUS, 2, "-"), (T.IDENT, 4, "b"), (T.EOF, 5, "")]),
    ("a * b", [(T.IDENT, 0, "a"), (T.MULT, 2, "*"), (T.IDENT, 4, "b"), (T.EOF, 5, "")]),
    ("a / b", [(T.IDENT, 0, "a"), (T.DIV, 2, "/"), (T.IDENT, 4, "b"), (T.EOF, 5, "")]),
    ("a = b", [(T.IDENT, 0, "a"), (T.ASGN, 2, "="), (T.IDENT, 4, "b"), (T.EOF, 5, "")]),
    ("a == b", [(T.IDENT, 0, "a"), (T.EQUAL, 2, "=="), (T.IDENT, 5, "b"), (T.EOF, 6, "")]),
    ("a != b", [(T.IDENT, 0, "a"), (T.NOT_EQUAL, 2, "!="), (T.IDENT, 5, "b"), (T.EOF, 6, "")]),
    ("a > b", [(T.IDENT, 0, "a"), (T.GREATER, 2, ">"), (T.IDENT, 4, "b"), (T.EOF, 5, "")]),
    ("a >= b", [(T.IDENT, 0, "a"), (T.GREATER_EQUAL, 2, ">="), (T.IDENT, 5, "b"), (T.EOF, 6, "")]),
    ("a < b", [(T.IDENT, 0, "a"), (T.LESS, 2, "<"), (T.IDENT, 4, "b"), (T.EOF, 5, "")]),
    ("a <= b", [(T.IDENT, 0, "a"), (T.LESS_EQUAL, 2, "<="), (T.IDENT, 5, "b"), (T.EOF, 6, "")]),
    ("a =~ b", [(T.IDENT, 0, "a"), (T.REGEX_EQUAL, 2, "=~"), (T.IDENT, 5, "b"), (T.EOF, 6, "")]),
    ("a !~ b", [(T.IDENT, 0, "a"), (T.REGEX_NOT_EQUAL, 2, "!~"), (T.IDENT, 5, "b"), (T.EOF, 6, "")]),
    ("(", [(T.LPAREN, 0, "("), (T.EOF, 1, "")]),
    (")", [(T.RPAREN, 0, ")"), (T.EOF, 1, "")]),
    ("[", [(T.LSBRACKET, 0, "["), (T.EOF, 1, "")]),
    ("]", [(T.RSBRACKET, 0, "]"), (T.EOF, 1, "")]),
    (".", [(T.DOT, 0, "."), (T.EOF, 1, "")]),
    ("|", [(T.PIPE, 0, "|"), (T.EOF, 1, "")]),
    ("@", [(T.AT, 0, "@"), (T.EOF, 1, "")]),
    ("AND", [(T.AND, 0, "AND"), (T.EOF, 3, "")]),
    ("OR", [(T.OR, 0, "OR"), (T.EOF, 2, "")]),
    ("TRUE", [(T.TRUE, 0, "TRUE"), (T.EOF, 4, "")]),
    ("FALSE", [(T.FALSE, 0, "FALSE"), (T.EOF, 5, "")]),
    ("var", [(T.VAR, 0, "var"), (T.EOF, 3, "")]),
    ("lambda:", [(T.LAMBDA, 0, "lambda:"), (T.EOF, 7, "")]),
    ("lambda ", [(T.IDENT, 0, "lambda"), (T.EOF, 7, "")]),
    ("42", [(T.NUMBER, 0, "42"), (T.EOF, 2, "")]),
    ("42.21", [(T.NUMBER, 0, "42.21"), (T.EOF, 5, "")]),
    (".421", [(T.NUMBER, 0, ".421"), (T.EOF, 4, "")]),
    ("0.421", [(T.NUMBER, 0, "0.421"), (T.EOF, 5, "")]),
    ("42s", [(T.DURATION, 0, "42s"), (T.EOF, 3, "")]),
    ("1u", [(T.DURATION, 0, "1u"), (T.EOF, 2, "")]),
    ("1µ", [(T.DURATION, 0, "1µ"), (T.EOF, 3, "")]),
    ("1ms", [(T.DURATION, 0, "1ms"), (T.EOF, 3, "")]),
    ("1h", [(T.DURATION, 0, "1h"), (T.EOF, 2, "")]),
    ("1d", [(T.DURATION, 0, "1d"), (T.EOF, 2, "")]),
    ("1w", [(T.DURATION, 0, "1w"), (T.EOF, 2, "")]),
    ("variable", [(T.IDENT, 0, "variable"), (T.EOF, 8, "")]),
    ("myVar01", [(T.IDENT, 0, "myVar01"), (T.EOF, 7, "")]),
    ('""', [(T.REFERENCE, 0, '""'), (T.EOF, 2, "")]),
    ('"ref with spaces"', [(T.REFERENCE, 0, '"ref with spaces"'), (T.EOF, 17, "")]),
    ('"ref\\""', [(T.REFERENCE, 0, '"ref\\""'), (T.EOF, 7, "")]),
    ("''", [(T.STRING, 0, "''"), (T.EOF, 2, "")]),
    ("''''''", [(T.STRING, 0, "''''''"), (T.EOF, 6, "")]),
    ("'str'", [(T.STRING, 0, "'str'"), (T.EOF, 5, "")]),
    ("'str\\''", [(T.STRING, 0, "'str\\''"), (T.EOF, 7, "")]),
    ("'''s'tr'''", [(T.STRING, 0, "'''s'tr'''"), (T.EOF, 10, "")]),
    ("'''s\\'tr'''", [(T.STRING, 0, "'''s\\'tr'''"), (T.EOF, 11, "")]),
    ("'''str'''", [(T.STRING, 0, "'''str'''"), (T.EOF, 9, "")]),
    ("/.*/", [(T.REGEX, 0, "/.*/"), (T.EOF, 4, "")]),
    ("/^abc$/", [(T.REGEX, 0, "/^abc$/"), (T.EOF, 7, "")]),
    (
        "/^((.*)[a-z]+\\S{0,2})|cat\\/\\/$/",
        [(T.REGEX, 0, "/^((.*)[a-z]+\\S{0,2})|cat\\/\\/$/"), (T.EOF, 31, "")],
    ),
    (" ", [(T.EOF, 1, "")]),
    (" \t\n", [(T.EOF, 3, "")]),
    (
        "var x = avg()",
        [
            (T.VAR, 0, "var"),
            (T.IDENT, 4, "x"),
            (T.ASGN, 6, "="),
            (T.IDENT, 8, "avg"),
            (T.LPAREN, 11, "("),
            (T.RPAREN, 12, ")"),
            (T.EOF, 13, ""),
        ],
    ),
    (
        "var x = avg()|parallel(4)x.groupby('cpu')|window().period(10s)",
        [
            (T.VAR, 0, "var"),
            (T.IDENT, 4, "x"),
            (T.ASGN, 6, "="),
            (T.IDENT, 8, "avg"),
            (T.LPAREN, 11, "("),
            (T.RPAREN, 12, ")"),
            (T.PIPE, 13, "|"),
            (T.IDENT, 14, "parallel"),
            (T.LPAREN, 22, "("),
            (T.NUMBER, 23, "4"),
            (T.RPAREN, 24, ")"),
            (T.IDENT, 25, "x"),
            (T.DOT, 26, "."),
            (T.IDENT, 27, "groupby"),
            (T.LPAREN, 34, "("),
            (T.STRING, 35, "'cpu'"),
            (T.RPAREN, 40, ")"),
            (T.PIPE, 41, "|"),
            (T.IDENT, 42, "window"),
            (T.LPAREN, 48, "("),
            (T.RPAREN, 49, ")"),
            (T.DOT, 50, "."),
            (T.IDENT, 51, "period"),
            (T.LPAREN, 57, "("),
            (T.DURATION, 58, "10s"),
            (T.RPAREN, 61, ")"),
            (T.EOF, 62, ""),
        ],
    ),
    (
        "var x = avg()\n// Comment all of this is ignored\nx.groupby('cpu')",
        [
            (T.VAR, 0, "var"),
            (T.IDENT, 4, "x"),
            (T.ASGN, 6, "="),
            (T.IDENT, 8, "avg"),
            (T.LPAREN, 11, "("),
            (T.RPAREN, 12, ")"),
            (T.COMMENT, 14, "// Comment all of this is ignored\n"),
            (T.IDENT, 48, "x"),
            (T.DOT, 49, "."),
            (T.IDENT, 50, "groupby"),
            (T.LPAREN, 57, "("),
            (T.STRING, 58, "'cpu'"),
            (T.RPAREN, 63, ")"),
            (T.EOF, 64, ""),
        ],
    ),
    (
        "var x = avg()\n// Comment all of this is ignored",
        [
            (T.VAR, 0, "var"),
            (T.IDENT, 4, "x"),
            (T.ASGN, 6, "="),
            (T.IDENT, 8, "avg"),
            (T.LPAREN, 11, "("),
            (T.RPAREN, 12, ")"),
            (T.COMMENT, 14, "// Comment all of this is ignored"),
            (T.EOF, 47, ""),
        ],
    ),
]

PARSER_CASES = [
    (
        'dbrp "telegraf"."autogen"',
        ast.ProgramNode(
            position=P(0, 1, 1),
            nodes=[
                ast.DBRPNode(
                    position=P(0, 1, 1),
                    db=ast.ReferenceNode(position=P(5, 1, 6), reference="telegraf"),
                    rp=ast.ReferenceNode(position=P(16, 1, 17), reference="autogen"),
                )
            ],
        ),
    ),
    (
        "var x int",
        ast.ProgramNode(
            position=P(0, 1, 1),
            nodes=[
                ast.TypeDeclarationNode(
                    position=P(0, 1, 1),
                    node=ast.IdentifierNode(position=P(4, 1, 5), ident="x"),
                    type=ast.IdentifierNode(position=P(6, 1, 7), ident="int"),
                )
            ],
        ),
    ),
    (
        "var x float",
        ast.ProgramNode(
            position=P(0, 1, 1),
            nodes=[
                ast.TypeDeclarationNode(
                    position=P(0, 1, 1),
                    node=ast.IdentifierNode(position=P(4, 1, 5), ident="x"),
                    type=ast.IdentifierNode(position=P(6, 1, 7), ident="float"),
                )
            ],
        ),
    ),
    (
        "var x = 'str'",
        ast.ProgramNode(
            position=P(0, 1, 1),
            nodes=[
                ast.DeclarationNode(
                    position=P(0, 1, 1),
                    left=ast.IdentifierNode(position=P(4, 1, 5), ident="x"),
                    right=ast.StringNode(position=P(8, 1, 9), literal="str"),
                )
            ],
        ),
    ),
    (
        "var x = ['str', 'asdf', 'another', s, *]",
        ast.ProgramNode(
            position=P(0, 1, 1),
            nodes=[
                ast.DeclarationNode(
                    position=P(0, 1, 1),
                    left=ast.IdentifierNode(position=P(4, 1, 5), ident="x"),
                    right=ast.ListNode(
                        position=P(8, 1, 9),
                        nodes=[
                            ast.StringNode(position=P(9, 1, 10), literal="str"),
                            ast.StringNode(position=P(16, 1, 17), literal="asdf"),
                            ast.StringNode(position=P(24, 1, 25), literal="another"),
                            ast.IdentifierNode(position=P(35, 1, 36), ident="s"),
                            ast.StarNode(position=P(38, 1, 39)),
                        ],
                    ),
                )
            ],
        ),
    ),
    (
        "var x = TRUE",
        ast.ProgramNode(
            position=P(0, 1, 1),
            nodes=[
                ast.DeclarationNode(
                    position=P(0, 1, 1),
                    left=ast.IdentifierNode(position=P(4, 1, 5), ident="x"),
                    right=ast.BoolNode(position=P(8, 1, 9), bool=True),
                )
            ],
        ),
    ),
    (
        "var x = !FALSE",
        ast.ProgramNode(
            position=P(0, 1, 1),
            nodes=[
                ast.DeclarationNode(
                    position=P(0, 1, 1),
                    left=ast.IdentifierNode(position=P(4, 1, 5), ident="x"),
                    right=ast.UnaryNode(
                        position=P(8, 1, 9),
                        operator=T.NOT,
                        node=ast.BoolNode(position=P(9, 1, 10), bool=False),
                    ),
                )
            ],
        ),
    ),
    (
        "var x = 1",
        ast.ProgramNode(
            position=P(0, 1, 1),
            nodes=[
                ast.DeclarationNode(
                    position=P(0, 1, 1),
                    left=ast.IdentifierNode(position=P(4, 1, 5), ident="x"),
                    right=ast.NumberNode(position=P(8, 1, 9), is_int=True, base=10, int64=1),
                )
            ],
        ),
    ),
    (
        "var x = 0644",
        ast.ProgramNode(
            position=P(0, 1, 1),
            nodes=[
                ast.DeclarationNode(
                    position=P(0, 1, 1),
                    left=ast.IdentifierNode(position=P(4, 1, 5), ident="x"),
                    right=ast.NumberNode(position=P(8, 1, 9), is_int=True, base=8, int64=420),
                )
            ],
        ),
    ),
    (
        "var x = -0600",
        ast.ProgramNode(
            position=P(0, 1, 1),
            nodes=[
                ast.DeclarationNode(
                    position=P(0, 1, 1),
                    left=ast.IdentifierNode(position=P(4, 1, 5), ident="x"),
                    right=ast.UnaryNode(
                        position=P(8, 1, 9),
                        operator=T.MINUS,
                        node=ast.NumberNode(position=P(9, 1, 10), is_int=True, base=8, int64=384),
                    ),
                )
            ],
        ),
    ),
    (
        "var x = -1",
        ast.ProgramNode(
            position=P(0, 1, 1),
            nodes=[
                ast.DeclarationNode(
                    position=P(0, 1, 1),
                    left=ast.IdentifierNode(position=P(4, 1, 5), ident="x"),
                    right=ast.UnaryNode(
                        position=P(8, 1, 9),
                        operator=T.MINUS,
                        node=ast.NumberNode(position=P(9, 1, 10), is_int=True, base=10, int64=1),
                    ),
                )
            ],
        ),
    ),
    (
        "var x = 1.0",
        ast.ProgramNode(
            position=P(0, 1, 1),
            nodes=[
                ast.DeclarationNode(
                    position=P(0, 1, 1),
                    left=ast.IdentifierNode(position=P(4, 1, 5), ident="x"),
                    right=ast.NumberNode(position=P(8, 1, 9), is_float=True, float64=1.0),
                )
            ],
        ),
    ),
    (
        "var x = -1.0",
        ast.ProgramNode(
            position=P(0, 1, 1),
            nodes=[
                ast.DeclarationNode(
                    position=P(0, 1, 1),
                    left=ast.IdentifierNode(position=P(4, 1, 5), ident="x"),
                    right=ast.UnaryNode(
                        position=P(8, 1, 9),
                        operator=T.MINUS,
                        node=ast.NumberNode(position=P(9, 1, 10), is_float=True, float64=1.0),
                    ),
                )
            ],
        ),
    ),
    (
        "var x = 5h",
        ast.ProgramNode(
            position=P(0, 1, 1),
            nodes=[
                ast.DeclarationNode(
                    position=P(0, 1, 1),
                    left=ast.IdentifierNode(position=P(4, 1, 5), ident="x"),
                    right=ast.DurationNode(position=P(8, 1, 9), dur=3600000000000 * 5, literal="5h"),
                )
            ],
        ),
    ),
    (
        "var x = -5h",
        ast.ProgramNode(
            position=P(0, 1, 1),
            nodes=[
                ast.DeclarationNode(
                    position=P(0, 1, 1),
                    left=ast.IdentifierNode(position=P(4, 1, 5), ident="x"),
                    right=ast.UnaryNode(
                        position=P(8, 1, 9),
                        operator=T.MINUS,
                        node=ast.DurationNode(position=P(9, 1, 10), dur=3600000000000 * 5, literal="5h"),
                    ),
                )
            ],
        ),
    ),
    (
        "var x = 5 + 5",
        ast.ProgramNode(
            position=P(0, 1, 1),
            nodes=[
                ast.DeclarationNode(
                    position=P(0, 1, 1),
                    left=ast.IdentifierNode(position=P(4, 1, 5), ident="x"),
                    right=ast.BinaryNode(
                        position=P(10, 1, 11),
                        operator=T.PLUS,
                        left=ast.NumberNode(position=P(8, 1, 9), is_int=True, base=10, int64=5),
                        right=ast.NumberNode(position=P(12, 1, 13), is_int=True, base=10, int64=5),
                    ),
                )
            ],
        ),
    ),
    (
        "f('first ' + string(5m) + 'third')",
        ast.ProgramNode(
            position=P(0, 1, 1),
            nodes=[
                ast.FunctionNode(
                    position=P(0, 1, 1),
                    type=FT.GLOBAL,
                    func="f",
                    args=[
                        ast.BinaryNode(
                            position=P(24, 1, 25),
                            operator=T.PLUS,
                            left=ast.BinaryNode(
                                position=P(11, 1, 12),
                                operator=T.PLUS,
                                left=ast.StringNode(position=P(2, 1, 3), literal="first "),
                                right=ast.FunctionNode(
                                    position=P(13, 1, 14),
                                    type=FT.GLOBAL,
                                    func="string",
                                    args=[
                                        ast.DurationNode(
                                            position=P(20, 1, 21), dur=5 * 60000000000, literal="5m"
                                        )
                                    ],
                                ),
                            ),
                            right=ast.StringNode(position=P(26, 1, 27), literal="third"),
                        )
                    ],
                )
            ],
        ),
    ),
    (
        "var x = 5\nvar y = x * 2",
        ast.ProgramNode(
            position=P(0, 1, 1),
            nodes=[
                ast.DeclarationNode(
                    position=P(0, 1, 1),
                    left=ast.IdentifierNode(position=P(4, 1, 5), ident="x"),
                    right=ast.NumberNode(position=P(8, 1, 9), is_int=True, base=10, int64=5),
                ),
                ast.DeclarationNode(
                    position=P(10, 2, 1),
                    left=ast.IdentifierNode(position=P(14, 2, 5), ident="y"),
                    right=ast.BinaryNode(
                        position=P(20, 2, 11),
                        operator=T.MULT,
                        left=ast.IdentifierNode(position=P(18, 2, 9), ident="x"),
                        right=ast.NumberNode(position=P(22, 2, 13), is_int=True, base=10, int64=2),
                    ),
                ),
            ],
        ),
    ),
    (
        'var x = lambda: "value" < 10',
        ast.ProgramNode(
            position=P(0, 1, 1),
            nodes=[
                ast.DeclarationNode(
                    position=P(0, 1, 1),
                    left=ast.IdentifierNode(position=P(4, 1, 5), ident="x"),
                    right=ast.LambdaNode(
                        position=P(8, 1, 9),
                        expression=ast.BinaryNode(
                            position=P(24, 1, 25),
                            operator=T.LESS,
                            left=ast.ReferenceNode(position=P(16, 1, 17), reference="value"),
                            right=ast.NumberNode(position=P(26, 1, 27), is_int=True, base=10, int64=10),
                        ),
                    ),
                )
            ],
        ),
    ),
    (
        "var x = /.*\\//",
        ast.ProgramNode(
            position=P(0, 1, 1),
            nodes=[
                ast.DeclarationNode(
                    position=P(0, 1, 1),
                    left=ast.IdentifierNode(position=P(4, 1, 5), ident="x"),
                    right=ast.RegexNode(position=P(8, 1, 9), pattern=".*/", literal=".*\\/"),
                )
            ],
        ),
    ),
    (
        "var x = a.f()",
        ast.ProgramNode(
            position=P(0, 1, 1),
            nodes=[
                ast.DeclarationNode(
                    position=P(0, 1, 1),
                    left=ast.IdentifierNode(position=P(4, 1, 5), ident="x"),
                    right=ast.ChainNode(
                        position=P(9, 1, 10),
                        operator=T.DOT,
                        left=ast.IdentifierNode(position=P(8, 1, 9), ident="a"),
                        right=ast.FunctionNode(position=P(10, 1, 11), type=FT.PROPERTY, func="f"),
                    ),
                )
            ],
        ),
    ),
    (
        "var x = a.f(/.*/)",
        ast.ProgramNode(
            position=P(0, 1, 1),
            nodes=[
                ast.DeclarationNode(
                    position=P(0, 1, 1),
                    left=ast.IdentifierNode(position=P(4, 1, 5), ident="x"),
                    right=ast.ChainNode(
                        position=P(9, 1, 10),
                        operator=T.DOT,
                        left=ast.IdentifierNode(position=P(8, 1, 9), ident="a"),
                        right=ast.FunctionNode(
                            position=P(10, 1, 11),
                            type=FT.PROPERTY,
                            func="f",
                            args=[ast.RegexNode(position=P(12, 1, 13), pattern=".*", literal=".*")],
                        ),
                    ),
                )
            ],
        ),
    ),
    (
        "var x = int(sqrt(16.0)) + 4",
        ast.ProgramNode(
            position=P(0, 1, 1),
            nodes=[
                ast.DeclarationNode(
                    position=P(0, 1, 1),
                    left=ast.IdentifierNode(position=P(4, 1, 5), ident="x"),
                    right=ast.BinaryNode(
                        position=P(24, 1, 25),
                        operator=T.PLUS,
                        left=ast.FunctionNode(
                            position=P(8, 1, 9),
                            type=FT.GLOBAL,
                            func="int",
                            args=[
                                ast.FunctionNode(
                                    position=P(12, 1, 13),
                                    type=FT.GLOBAL,
                                    func="sqrt",
                                    args=[ast.NumberNode(position=P(17, 1, 18), is_float=True, float64=16.0)],
                                )
                            ],
                        ),
                        right=ast.NumberNode(position=P(26, 1, 27), is_int=True, base=10, int64=4),
                    ),
                )
            ],
        ),
    ),
    (
        "var x = a.f(y/4.0)",
        ast.ProgramNode(
            position=P(0, 1, 1),
            nodes=[
                ast.DeclarationNode(
                    position=P(0, 1, 1),
                    left=ast.IdentifierNode(position=P(4, 1, 5), ident="x"),
                    right=ast.ChainNode(
                        position=P(9, 1, 10),
                        operator=T.DOT,
                        left=ast.IdentifierNode(position=P(8, 1, 9), ident="a"),
                        right=ast.FunctionNode(
                            position=P(10, 1, 11),
                            type=FT.PROPERTY,
                            func="f",
                            args=[
                                ast.BinaryNode(
                                    position=P(13, 1, 14),
                                    operator=T.DIV,
                                    left=ast.IdentifierNode(position=P(12, 1, 13), ident="y"),
                                    right=ast.NumberNode(position=P(14, 1, 15), is_float=True, float64=4.0),
                                )
                            ],
                        ),
                    ),
                )
            ],
        ),
    ),
    (
        "var x = 3m\n\t\t\tvar y = -x",
        ast.ProgramNode(
            position=P(0, 1, 1),
            nodes=[
                ast.DeclarationNode(
                    position=P(0, 1, 1),
                    left=ast.IdentifierNode(position=P(4, 1, 5), ident="x"),
                    right=ast.DurationNode(position=P(8, 1, 9), dur=60000000000 * 3, literal="3m"),
                ),
                ast.DeclarationNode(
                    position=P(14, 2, 4),
                    left=ast.IdentifierNode(position=P(18, 2, 8), ident="y"),
                    right=ast.UnaryNode(
                        position=P(22, 2, 12),
                        operator=T.MINUS,
                        node=ast.IdentifierNode(position=P(23, 2, 13), ident="x"),
                    ),
                ),
            ],
        ),
    ),
    (
        "var x = a|b()",
        ast.ProgramNode(
            position=P(0, 1, 1),
            nodes=[
                ast.DeclarationNode(
                    position=P(0, 1, 1),
                    left=ast.IdentifierNode(position=P(4, 1, 5), ident="x"),
                    right=ast.ChainNode(
                        position=P(9, 1, 10),
                        operator=T.PIPE,
                        left=ast.IdentifierNode(position=P(8, 1, 9), ident="a"),
                        right=ast.FunctionNode(position=P(10, 1, 11), type=FT.CHAIN, func="b"),
                    ),
                )
            ],
        ),
    ),
    (
        'var t = 42\n\t\t\tstream.where(lambda: "value" > t)\n\t\t\t',
        ast.ProgramNode(
            position=P(0, 1, 1),
            nodes=[
                ast.DeclarationNode(
                    position=P(0, 1, 1),
                    left=ast.IdentifierNode(position=P(4, 1, 5), ident="t"),
                    right=ast.NumberNode(position=P(8, 1, 9), is_int=True, base=10, int64=42),
                ),
                ast.ChainNode(
                    position=P(20, 2, 10),
                    operator=T.DOT,
                    left=ast.IdentifierNode(position=P(14, 2, 4), ident="stream"),
                    right=ast.FunctionNode(
                        position=P(21, 2, 11),
                        type=FT.PROPERTY,
                        func="where",
                        args=[
                            ast.LambdaNode(
                                position=P(27, 2, 17),
                                expression=ast.BinaryNode(
                                    position=P(43, 2, 33),
                                    operator=T.GREATER,
                                    left=ast.ReferenceNode(position=P(35, 2, 25), reference="value"),
                                    right=ast.IdentifierNode(position=P(45, 2, 35), ident="t"),
                                ),
                            )
                        ],
                    ),
                ),
            ],
        ),
    ),
    (
        "global(lambda: \n\t// Test Left-Associative operators\n\t// should parse as ((1+2)-(3*4)/5)\n\t(1 + 2 - 3 * 4 / 5)\n)\n",
        ast.ProgramNode(
            position=P(0, 1, 1),
            nodes=[
                ast.FunctionNode(
                    position=P(0, 1, 1),
                    func="global",
                    type=FT.GLOBAL,
                    args=[
                        ast.LambdaNode(
                            position=P(7, 1, 8),
                            expression=ast.BinaryNode(
                                position=P(96, 4, 9),
                                operator=T.MINUS,
                                parens=True,
                                left=ast.BinaryNode(
                                    position=P(92, 4, 5),
                                    operator=T.PLUS,
                                    left=ast.NumberNode(position=P(90, 4, 3), is_int=True, base=10, int64=1),
                                    right=ast.NumberNode(position=P(94, 4, 7), is_int=True, base=10, int64=2),
                                ),
                                right=ast.BinaryNode(
                                    position=P(104, 4, 17),
                                    operator=T.DIV,
                                    left=ast.BinaryNode(
                                        position=P(100, 4, 13),
                                        operator=T.MULT,
                                        left=ast.NumberNode(
                                            position=P(98, 4, 11), is_int=True, base=10, int64=3
                                        ),
                                        right=ast.NumberNode(
                                            position=P(102, 4, 15), is_int=True, base=10, int64=4
                                        ),
                                    ),
                                    right=ast.NumberNode(
                                        position=P(106, 4, 19), is_int=True, base=10, int64=5
                                    ),
                                ),
                                comment=ast.CommentNode(
                                    position=P(17, 2, 2),
                                    comments=[
                                        "Test Left-Associative operators",
                                        "should parse as ((1+2)-(3*4)/5)",
                                    ],
                                ),
                            ),
                        )
                    ],
                )
            ],
        ),
    ),
    (
        "global(lambda: \n// If this\n// is less than that\n(1 + 2 - 3 * 4 / 5) \n< (sin(6))\nAND \n// more comments.\n(TRUE OR FALSE))",
        ast.ProgramNode(
            position=P(0, 1, 1),
            nodes=[
                ast.FunctionNode(
                    position=P(0, 1, 1),
                    func="global",
                    type=FT.GLOBAL,
                    args=[
                        ast.LambdaNode(
                            position=P(7, 1, 8),
                            expression=ast.BinaryNode(
                                position=P(80, 6, 1),
                                operator=T.AND,
                                multi_line=True,
                                left=ast.BinaryNode(
                                    position=P(69, 5, 1),
                                    operator=T.LESS,
                                    multi_line=True,
                                    left=ast.BinaryNode(
                                        position=P(55, 4, 8),
                                        operator=T.MINUS,
                                        parens=True,
                                        left=ast.BinaryNode(
                                            position=P(51, 4, 4),
                                            operator=T.PLUS,
                                            left=ast.NumberNode(
                                                position=P(49, 4, 2), is_int=True, base=10, int64=1
                                            ),
                                            right=ast.NumberNode(
                                                position=P(53, 4, 6), is_int=True, base=10, int64=2
                                            ),
                                        ),
                                        right=ast.BinaryNode(
                                            position=P(63, 4, 16),
                                            operator=T.DIV,
                                            left=ast.BinaryNode(
                                                position=P(59, 4, 12),
                                                operator=T.MULT,
                                                left=ast.NumberNode(
                                                    position=P(57, 4, 10), is_int=True, base=10, int64=3
                                                ),
                                                right=ast.NumberNode(
                                                    position=P(61, 4, 14), is_int=True, base=10, int64=4
                                                ),
                                            ),
                                            right=ast.NumberNode(
                                                position=P(65, 4, 18), is_int=True, base=10, int64=5
                                            ),
                                        ),
                                        comment=ast.CommentNode(
                                            position=P(16, 2, 1), comments=["If this", "is less than that"]
                                        ),
                                    ),
                                    right=ast.FunctionNode(
                                        position=P(72, 5, 4),
                                        type=FT.GLOBAL,
                                        func="sin",
                                        args=[
                                            ast.NumberNode(
                                                position=P(76, 5, 8), is_int=True, base=10, int64=6
                                            )
                                        ],
                                    ),
                                ),
                                right=ast.BinaryNode(
                                    position=P(109, 8, 7),
                                    operator=T.OR,
                                    parens=True,
                                    left=ast.BoolNode(position=P(104, 8, 2), bool=True),
                                    right=ast.BoolNode(position=P(112, 8, 10), bool=False),
                                    comment=ast.CommentNode(
                                        position=P(85, 7, 1), comments=["more comments."]
                                    ),
                                ),
                            ),
                        )
                    ],
                )
            ],
        ),
    ),
    (
        '// set perfect threshold\nvar t = 42\n// only select data above threshold\nstream.where(lambda: "value" > t)\n\t\t\t',
        ast.ProgramNode(
            position=P(0, 1, 1),
            nodes=[
                ast.DeclarationNode(
                    position=P(25, 2, 1),
                    left=ast.IdentifierNode(position=P(29, 2, 5), ident="t"),
                    right=ast.NumberNode(position=P(33, 2, 9), is_int=True, base=10, int64=42),
                    comment=ast.CommentNode(position=P(0, 1, 1), comments=["set perfect threshold"]),
                ),
                ast.ChainNode(
                    position=P(78, 4, 7),
                    operator=T.DOT,
                    left=ast.IdentifierNode(
                        position=P(72, 4, 1),
                        ident="stream",
                        comment=ast.CommentNode(
                            position=P(36, 3, 1), comments=["only select data above threshold"]
                        ),
                    ),
                    right=ast.FunctionNode(
                        position=P(79, 4, 8),
                        type=FT.PROPERTY,
                        func="where",
                        args=[
                            ast.LambdaNode(
                                position=P(85, 4, 14),
                                expression=ast.BinaryNode(
                                    position=P(101, 4, 30),
                                    operator=T.GREATER,
                                    left=ast.ReferenceNode(position=P(93, 4, 22), reference="value"),
                                    right=ast.IdentifierNode(position=P(103, 4, 32), ident="t"),
                                ),
                            )
                        ],
                    ),
                ),
            ],
        ),
    ),
    (
        "\nvar x = stream\n\t\t|window()\n\t\t.period(5m)\n\t\t.every(60s)\n\t\t|map(influxql.agg.mean('value'))",
        ast.ProgramNode(
            position=P(0, 1, 1),
            nodes=[
                ast.DeclarationNode(
                    position=P(1, 2, 1),
                    left=ast.IdentifierNode(position=P(5, 2, 5), ident="x"),
                    right=ast.ChainNode(
                        position=P(58, 6, 3),
                        operator=T.PIPE,
                        left=ast.ChainNode(
                            position=P(44, 5, 3),
                            operator=T.DOT,
                            left=ast.ChainNode(
                                position=P(30, 4, 3),
                                operator=T.DOT,
                                left=ast.ChainNode(
                                    position=P(18, 3, 3),
                                    operator=T.PIPE,
                                    left=ast.IdentifierNode(position=P(9, 2, 9), ident="stream"),
                                    right=ast.FunctionNode(
                                        position=P(19, 3, 4), type=FT.CHAIN, func="window"
                                    ),
                                ),
                                right=ast.FunctionNode(
                                    position=P(31, 4, 4),
                                    type=FT.PROPERTY,
                                    func="period",
                                    args=[
                                        ast.DurationNode(
                                            position=P(38, 4, 11), dur=5 * 60000000000, literal="5m"
                                        )
                                    ],
                                ),
                            ),
                            right=ast.FunctionNode(
                                position=P(45, 5, 4),
                                type=FT.PROPERTY,
                                func="every",
                                args=[
                                    ast.DurationNode(position=P(51, 5, 10), dur=60000000000, literal="60s")
                                ],
                            ),
                        ),
                        right=ast.FunctionNode(
                            position=P(59, 6, 4),
                            type=FT.CHAIN,
                            func="map",
                            args=[
                                ast.ChainNode(
                                    position=P(75, 6, 20),
                                    operator=T.DOT,
                                    left=ast.ChainNode(
                                        position=P(71, 6, 16),
                                        operator=T.DOT,
                                        left=ast.IdentifierNode(position=P(63, 6, 8), ident="influxql"),
                                        right=ast.IdentifierNode(position=P(72, 6, 17), ident="agg"),
                                    ),
                                    right=ast.FunctionNode(
                                        position=P(76, 6, 21),
                                        type=FT.PROPERTY,
                                        func="mean",
                                        args=[ast.StringNode(position=P(81, 6, 26), literal="value")],
                                    ),
                                )
                            ],
                        ),
                    ),
                )
            ],
        ),
    ),
    (
        "\nvar x = stream\n\t\t@dynamicFunc()\n\t\t\t.property(5m)",
        ast.ProgramNode(
            position=P(0, 1, 1),
            nodes=[
                ast.DeclarationNode(
                    position=P(1, 2, 1),
                    left=ast.IdentifierNode(position=P(5, 2, 5), ident="x"),
                    right=ast.ChainNode(
                        position=P(36, 4, 4),
                        operator=T.DOT,
                        left=ast.ChainNode(
                            position=P(18, 3, 3),
                            operator=T.AT,
                            left=ast.IdentifierNode(position=P(9, 2, 9), ident="stream"),
                            right=ast.FunctionNode(position=P(19, 3, 4), type=FT.DYNAMIC, func="dynamicFunc"),
                        ),
                        right=ast.FunctionNode(
                            position=P(37, 4, 5),
                            type=FT.PROPERTY,
                            func="property",
                            args=[ast.DurationNode(position=P(46, 4, 14), dur=60000000000 * 5, literal="5m")],
                        ),
                    ),
                )
            ],
        ),
    ),
]

FORMAT_CASES = [
    ("var x = 1", "var x = 1\n"),
    ("var x=1", "var x = 1\n"),
    ("var x=1.0", "var x = 1.0\n"),
    ("var x=01", "var x = 01\n"),
    ("var x=0600", "var x = 0600\n"),
    ("var x=1m", "var x = 1m\n"),
    ("var x=60s", "var x = 60s\n"),
    ("var x= /.*/", "var x = /.*/\n"),
    ("var x= /^\\/root\\//", "var x = /^\\/root\\//\n"),
    (
        "var x=stream()|window().period(10s).every(10s)",
        "var x = stream()\n    |window()\n        .period(10s)\n        .every(10s)\n",
    ),
    (
        "var x = stream()\n//Window data  \n|window()\n// Period / Every 10s\n.period(10s).every(10s)",
        "var x = stream()\n    // Window data\n    |window()\n        // Period / Every 10s\n        .period(10s)\n        .every(10s)\n",
    ),
    (
        "var x = stream()\n@udf()\n    .option(\n        // Param 1\n        1,\n        // Param 2\n        2,\n        // Param 3\n        3,\n        // Param 4\n        4,\n                )\n",
        "var x = stream()\n    @udf()\n        .option(\n            // Param 1\n            1,\n            // Param 2\n            2,\n            // Param 3\n            3,\n            // Param 4\n            4\n        )\n",
    ),
    ('global(lambda: ("a" + (1)) / (( 4 +"b") * ("c")))', 'global(lambda: ("a" + 1) / ((4 + "b") * "c"))\n'),
    (
        "global(lambda: (1 + 2 - 3 * 4 / 5) < (sin(6)) AND (TRUE OR FALSE))",
        "global(lambda: (1 + 2 - 3 * 4 / 5) < sin(6) AND (TRUE OR FALSE))\n",
    ),
    (
        "global(lambda: \n(1 + 2 - 3 * 4 / 5) \n< \n(sin(6))\nAND \n(TRUE\nOR (FALSE \nAND TRUE)))",
        "global(lambda: (1 + 2 - 3 * 4 / 5) <\n    sin(6) AND\n    (TRUE OR\n        (FALSE AND\n            TRUE)))\n",
    ),
    (
        "global(lambda: \n// If this\n// is less than that\n(1 + 2 - 3 * 4 / 5) \n< (sin(6))\nAND \n// more comments.\n(TRUE OR FALSE), 'arg',)",
        "global(\n    lambda: \n    // If this\n    // is less than that\n    (1 + 2 - 3 * 4 / 5) <\n    sin(6) AND\n    // more comments.\n    (TRUE OR FALSE),\n    'arg'\n)\n",
    ),
    (
        "// Preserve comments spacing\n\n// Comment block 1\n// still 1\n\n// Comment block 2\n// still 2\n\n// Preserve per line spacing\n//     indented\n//fix this line\n//\n\n\nvar x = stream\n\t|from()\n\t\t//.measurement('mem')\n\t\t.measurement('cpu')\n\n// This should be its own comment block\nx |alert()\n\t\n\n",
        "// Preserve comments spacing\n\n// Comment block 1\n// still 1\n\n// Comment block 2\n// still 2\n\n// Preserve per line spacing\n//     indented\n// fix this line\n//\nvar x = stream\n    |from()\n        // .measurement('mem')\n        .measurement('cpu')\n\n// This should be its own comment block\nx\n    |alert()\n",
    ),
    (
        "// Comment all the things\nvar \nx = \nstream()\n// 1\n|\nudf()\n// 2\n    .option(\n        // 3\n        1,\n        // 4\n        2.0,\n        // 5\n        3h,\n        // 6\n        'a',\n    )\n// 7\n|\neval(\n// 8\nlambda:\na * b + c\n,\n)\n// 9\n|\ngroupBy(\n//10 \n*\n)\n// 11\n",
        "// Comment all the things\nvar x = stream()\n    // 1\n    |udf()\n        // 2\n        .option(\n            // 3\n            1,\n            // 4\n            2.0,\n            // 5\n            3h,\n            // 6\n            'a'\n        )\n    // 7\n    |eval(\n        // 8\n        lambda: a * b + c\n    )\n    // 9\n    |groupBy(\n        // 10\n        *\n    )\n\n// 11\n\n",
    ),
    (
        "\n\t\t\t// Define a result that contains the most recent score per player.\nvar topPlayerScores = stream\n    |from().measurement('scores')\n    // Get the most recent score for each player per game.\n// Not likely that a player is playing two games but just in case.\n.groupBy('game', 'player')\n    |window()\n        // keep a buffer of the last 11s of scores\n        // just in case a player score hasn't updated in a while\n        .period(11s)\n        // Emit the current score per player every second.\n.every(1s)\n        // Align the window boundaries to be on the second.\n.align()\n    |last('value')\n\n// Calculate the top 15 scores per game\nvar topScores = topPlayerScores\n    |groupBy('game')\n    |top(15, 'last', 'player')\n\n// Expose top scores over the HTTP API at the 'top_scores' endpoint.\n// Now your app can just request the top scores from Kapacitor\n// and always get the most recent result.\n//\n// http://localhost:9092/api/v1/top_scores/top_scores\ntopScores\n   |httpOut('top_scores')\n\n// Sample the top scores and keep a score once every 10s\nvar topScoresSampled = topScores\n    |sample(10s)\n\n// Store top fifteen player scores in InfluxDB.\ntopScoresSampled\n    |influxDBOut()\n        .database('game')\n        .measurement('top_scores')\n\n// Calculate the max and min of the top scores.\nvar max = topScoresSampled\n    |max('top')\nvar min = topScoresSampled\n    |min('top')\n\n// Join the max and min streams back together and calculate the gap.\nmax|join(min)\n        .as('max', 'min')\n    // calculate the difference between the max and min scores.\n|eval(lambda: \"max.max\" - \"min.min\", lambda: \"max.max\", lambda: \"min.min\")\n        .as('gap', 'topFirst', 'topLast')\n    // store the fields: gap, topFirst, and topLast in InfluxDB.\n|influxDBOut()\n        .database('game')\n        .measurement('top_scores_gap')\n",
        "// Define a result that contains the most recent score per player.\nvar topPlayerScores = stream\n    |from()\n        .measurement('scores')\n        // Get the most recent score for each player per game.\n        // Not likely that a player is playing two games but just in case.\n        .groupBy('game', 'player')\n    |window()\n        // keep a buffer of the last 11s of scores\n        // just in case a player score hasn't updated in a while\n        .period(11s)\n        // Emit the current score per player every second.\n        .every(1s)\n        // Align the window boundaries to be on the second.\n        .align()\n    |last('value')\n\n// Calculate the top 15 scores per game\nvar topScores = topPlayerScores\n    |groupBy('game')\n    |top(15, 'last', 'player')\n\n// Expose top scores over the HTTP API at the 'top_scores' endpoint.\n// Now your app can just request the top scores from Kapacitor\n// and always get the most recent result.\n//\n// http://localhost:9092/api/v1/top_scores/top_scores\ntopScores\n    |httpOut('top_scores')\n\n// Sample the top scores and keep a score once every 10s\nvar topScoresSampled = topScores\n    |sample(10s)\n\n// Store top fifteen player scores in InfluxDB.\ntopScoresSampled\n    |influxDBOut()\n        .database('game')\n        .measurement('top_scores')\n\n// Calculate the max and min of the top scores.\nvar max = topScoresSampled\n    |max('top')\n\nvar min = topScoresSampled\n    |min('top')\n\n// Join the max and min streams back together and calculate the gap.\nmax\n    |join(min)\n        .as('max', 'min')\n    // calculate the difference between the max and min scores.\n    |eval(lambda: \"max.max\" - \"min.min\", lambda: \"max.max\", lambda: \"min.min\")\n        .as('gap', 'topFirst', 'topLast')\n    // store the fields: gap, topFirst, and topLast in InfluxDB.\n    |influxDBOut()\n        .database('game')\n        .measurement('top_scores_gap')\n",
    ),
]

# ``server/server_test.go``: scripts Kapacitor's HTTP API returns unchanged (``ti.TICKscript != tick``
# fails the test otherwise), so each is its own canonical form.
CANONICAL_SCRIPTS = [
    "stream\n    |from()\n        .measurement('test')\n",
    "stream\n    |from()\n        .measurement('test')\n        .quiet()\n",
    'dbrp "mydb"."myrp"\n\ndbrp "otherdb"."default"\n\nstream\n    |from()\n        .measurement(\'test\')\n',
    'dbrp "mydb"."myrp"\n\nbatch\n    |query(\'SELECT * from mydb.myrp.mymeas\')\n    |log()\n',
    "var x = 5\n\nstream\n    |from()\n        .measurement('test')\n",
    'dbrp "telegraf"."autogen"\n\nvar x = 5\n\nstream\n    |from()\n        .measurement(\'test\')\n',
]
