"""Go's ``text/template/parse/parse_test.go`` and ``lex`` behaviour, restated.

Successful parses are checked through the canonical ``str()`` of the tree (Go's ``String()``,
text nodes quoted as Go's tests print them); failures through Go's exact error text.
"""
import pytest

from machstore.gotemplate import TemplateParseError, lexer, parse
from machstore.gotemplate import ast as gast
from machstore.gotemplate import parser as gparser

PARSE_CASES = [
    ("empty", "", ""),
    ("comment", "{{/*\n\n\n*/}}", ""),
    ("spaces", " \t\n", '" \\t\\n"'),
    ("text", "some text", '"some text"'),
    ("field", "{{.X}}", "{{.X}}"),
    ("simple command", "{{printf}}", "{{printf}}"),
    ("$ invocation", "{{$}}", "{{$}}"),
    ("variable invocation", "{{with $x := 3}}{{$x 23}}{{end}}", "{{with $x := 3}}{{$x 23}}{{end}}"),
    ("variable with fields", "{{$.I}}", "{{$.I}}"),
    ("multi-word command", "{{printf `%d` 23}}", "{{printf `%d` 23}}"),
    ("pipeline", "{{.X|.Y}}", "{{.X | .Y}}"),
    ("pipeline with decl", "{{$x := .X|.Y}}", "{{$x := .X | .Y}}"),
    ("nested pipeline", "{{.X (.Y .Z) (.A | .B .C) (.E)}}", "{{.X (.Y .Z) (.A | .B .C) (.E)}}"),
    ("field applied to parentheses", "{{(.Y .Z).Field}}", "{{(.Y .Z).Field}}"),
    ("simple if", "{{if .X}}hello{{end}}", '{{if .X}}"hello"{{end}}'),
    ("if with else", "{{if .X}}true{{else}}false{{end}}", '{{if .X}}"true"{{else}}"false"{{end}}'),
    ("if with else if", "{{if .X}}true{{else if .Y}}false{{end}}",
     '{{if .X}}"true"{{else}}{{if .Y}}"false"{{end}}{{end}}'),
    ("if else chain", "+{{if .X}}X{{else if .Y}}Y{{else if .Z}}Z{{end}}+",
     '"+"{{if .X}}"X"{{else}}{{if .Y}}"Y"{{else}}{{if .Z}}"Z"{{end}}{{end}}{{end}}"+"'),
    ("simple range", "{{range .X}}hello{{end}}", '{{range .X}}"hello"{{end}}'),
    ("chained field range", "{{range .X.Y.Z}}hello{{end}}", '{{range .X.Y.Z}}"hello"{{end}}'),
    ("nested range", "{{range .X}}hello{{range .Y}}goodbye{{end}}{{end}}",
     '{{range .X}}"hello"{{range .Y}}"goodbye"{{end}}{{end}}'),
    ("range with else", "{{range .X}}true{{else}}false{{end}}", '{{range .X}}"true"{{else}}"false"{{end}}'),
    ("range over pipeline", "{{range .X|.M}}true{{else}}false{{end}}", '{{range .X | .M}}"true"{{else}}"false"{{end}}'),
    ("range []int", "{{range .SI}}{{.}}{{end}}", "{{range .SI}}{{.}}{{end}}"),
    ("range 1 var", "{{range $x := .SI}}{{.}}{{end}}", "{{range $x := .SI}}{{.}}{{end}}"),
    ("range 2 vars", "{{range $x, $y := .SI}}{{.}}{{end}}", "{{range $x, $y := .SI}}{{.}}{{end}}"),
    ("range with break", "{{range .SI}}{{.}}{{break}}{{end}}", "{{range .SI}}{{.}}{{break}}{{end}}"),
    ("range with continue", "{{range .SI}}{{.}}{{continue}}{{end}}", "{{range .SI}}{{.}}{{continue}}{{end}}"),
    ("constants", "{{range .SI 1 -3.2i true false 'a' nil}}{{end}}", "{{range .SI 1 -3.2i true false 'a' nil}}{{end}}"),
    ("template", "{{template `x`}}", '{{template "x"}}'),
    ("template with arg", "{{template `x` .Y}}", '{{template "x" .Y}}'),
    ("with", "{{with .X}}hello{{end}}", '{{with .X}}"hello"{{end}}'),
    ("with with else", "{{with .X}}hello{{else}}goodbye{{end}}", '{{with .X}}"hello"{{else}}"goodbye"{{end}}'),
    ("trim left", "x \r\n\t{{- 3}}", '"x"{{3}}'),
    ("trim right", "{{3 -}}\n\n\ty", '{{3}}"y"'),
    ("trim left and right", "x \r\n\t{{- 3 -}}\n\n\ty", '"x"{{3}}"y"'),
    ("trim with extra spaces", "x\n{{-  3   -}}\ny", '"x"{{3}}"y"'),
    ("comment trim left", "x \r\n\t{{- /* hi */}}", '"x"'),
    ("comment trim right", "{{/* hi */ -}}\n\n\ty", '"y"'),
    ("comment trim left and right", "x \r\n\t{{- /* */ -}}\n\n\ty", '"x""y"'),
    ("block definition", '{{block "foo" .}}hello{{end}}', '{{template "foo" .}}'),
    ("newline in assignment", "{{ $x \n := \n 1 \n }}", "{{$x := 1}}"),
    ("newline in pipeline", '{{\n"x"\n|\nprintf\n}}', '{{"x" | printf}}'),
    ("newline in comment", "{{/*\nhello\n*/}}", ""),
    ("newline in comment trimmed", "{{-\n/*\nhello\n*/\n-}}", ""),
    ("spaces around continue", "{{range .SI}}{{.}}{{ continue }}{{end}}", "{{range .SI}}{{.}}{{continue}}{{end}}"),
    ("spaces around break", "{{range .SI}}{{.}}{{ break }}{{end}}", "{{range .SI}}{{.}}{{break}}{{end}}"),
    ("bug0a", "{{$x := 0}}{{$x}}", "{{$x := 0}}{{$x}}"),
    ("bug1c", "{{$x:=.}}{{$x +2}}", "{{$x := .}}{{$x +2}}"),
    ("bug2a", "{{range $x := 0}}{{$x}}{{end}}", "{{range $x := 0}}{{$x}}{{end}}"),
    ("bug2b", "{{range $x = 0}}{{$x}}{{end}}", "{{range $x = 0}}{{$x}}{{end}}"),
    ("paren nesting normal", "{{ (( 1 )) }}", "{{((1))}}"),
    ("paren nesting in pipeline", "{{ ((( 1 ))) | printf }}", "{{(((1))) | printf}}"),
    ("control structure nesting", "{{if .X}}{{with .Y}}{{range .Z}}x{{end}}{{end}}{{end}}",
     '{{if .X}}{{with .Y}}{{range .Z}}"x"{{end}}{{end}}{{end}}'),
]

# Failures: (name, input, Go's full error text).
ERROR_CASES = [
    ("emptyAction", "{{}}", "template: emptyAction:1: missing value for command"),
    ("newline in empty action", "{{\n}}", "template: newline in empty action:2: missing value for command"),
    ("unclosed action", "hello{{range", "template: unclosed action:1: unclosed action"),
    ("unmatched end", "{{end}}", "template: unmatched end:1: unexpected {{end}}"),
    ("unmatched else", "{{else}}", "template: unmatched else:1: unexpected {{else}}"),
    ("unmatched else after if", "{{if .X}}hello{{end}}{{else}}", ("template: unmatched else after if:1: unexpected "
     "{{else}}")),
    ("multiple else", "{{if .X}}1{{else}}2{{else}}3{{end}}", "template: multiple else:1: expected end; found {{else}}"),
    ("missing end", "hello{{range .x}}", "template: missing end:1: unexpected EOF"),
    ("missing end after else", "hello{{range .x}}{{else}}", "template: missing end after else:1: unexpected EOF"),
    ("undefined function", "hello{{undefined}}", 'template: undefined function:1: function "undefined" not defined'),
    ("undefined variable", "{{$x}}", 'template: undefined variable:1: undefined variable "$x"'),
    ("variable undefined after end", "{{with $x := 4}}{{end}}{{$x}}",
     'template: variable undefined after end:1: undefined variable "$x"'),
    ("variable undefined in template", "{{template $v}}",
     'template: variable undefined in template:1: unexpected "$v" in template clause'),
    ("declare with field", "{{with $x.Y := 4}}{{end}}", 'template: declare with field:1: undefined variable "$x"'),
    ("template with field ref", "{{template .X}}",
     'template: template with field ref:1: unexpected ".X" in template clause'),
    ("invalid punctuation", "{{printf 3, 4}}", 'template: invalid punctuation:1: unexpected "," in operand'),
    ("multidecl outside range", "{{with $v, $u := 3}}{{end}}",
     "template: multidecl outside range:1: too many declarations in with"),
    ("too many decls in range", "{{range $u, $v, $w := 3}}{{end}}",
     "template: too many decls in range:1: too many declarations in range"),
    ("dot applied to parentheses", "{{printf (printf .).}}",
     'template: dot applied to parentheses:1: unexpected "." in operand'),
    ("adjacent args", "{{printf 3`x`}}", 'template: adjacent args:1: unexpected "`x`" in operand'),
    ("adjacent args with .", "{{printf `x`.}}", 'template: adjacent args with .:1: unexpected "." in operand'),
    ("extra end after if", "{{if .X}}a{{else if .Y}}b{{end}}{{end}}",
     "template: extra end after if:1: unexpected {{end}}"),
    ("break outside range", "{{range .}}{{end}} {{break}}", ("template: break outside range:1: {{break}} outside "
     "{{range}}")),
    ("continue outside range", "{{range .}}{{end}} {{continue}}",
     "template: continue outside range:1: {{continue}} outside {{range}}"),
    ("break in range else", "{{range .}}{{else}}{{break}}{{end}}",
     "template: break in range else:1: {{break}} outside {{range}}"),
    ("continue in range else", "{{range .}}{{else}}{{continue}}{{end}}",
     "template: continue in range else:1: {{continue}} outside {{range}}"),
    ("bug0b", "{{$x += 1}}{{$x}}", 'template: bug0b:1: undefined variable "$x"'),
    ("bug0c", "{{$x ! 2}}{{$x}}", 'template: bug0c:1: undefined variable "$x"'),
    ("bug0e", "{{range $x := $y := 3}}{{end}}", 'template: bug0e:1: undefined variable "$y"'),
    ("bug1a", "{{$x:=.}}{{$x!2}}", "template: bug1a:1: bad character U+0021 '!'"),
    ("bug1b", "{{$x:=.}}{{$x+2}}", "template: bug1b:1: bad character U+002B '+'"),
    ("dot after integer", "{{1.E}}", 'template: dot after integer:1: illegal number syntax: "1.E"'),
    ("dot after float", "{{0.1.E}}", 'template: dot after float:1: unexpected . after term "0.1"'),
    ("dot after boolean", "{{true.E}}", 'template: dot after boolean:1: unexpected . after term "true"'),
    ("dot after char", "{{'a'.any}}", "template: dot after char:1: unexpected . after term \"'a'\""),
    ("dot after string", '{{"hello".guys}}', 'template: dot after string:1: unexpected . after term "\\"hello\\""'),
    ("dot after dot", "{{..E}}", 'template: dot after dot:1: unexpected . after term "."'),
    ("dot after nil", "{{nil.E}}", 'template: dot after nil:1: unexpected . after term "nil"'),
    ("wrong pipeline dot", "{{12|.}}", "template: wrong pipeline dot:1: non executable command in pipeline stage 2"),
    ("wrong pipeline number", "{{.|12|printf}}",
     "template: wrong pipeline number:1: non executable command in pipeline stage 2"),
    ("wrong pipeline string", '{{.|printf|"error"}}',
     "template: wrong pipeline string:1: non executable command in pipeline stage 3"),
    ("wrong pipeline char", "{{12|printf|'e'}}",
     "template: wrong pipeline char:1: non executable command in pipeline stage 3"),
    ("wrong pipeline boolean", "{{.|true}}",
     "template: wrong pipeline boolean:1: non executable command in pipeline stage 2"),
    ("wrong pipeline nil", "{{'c'|nil}}", "template: wrong pipeline nil:1: non executable command in pipeline stage 2"),
    ("empty pipeline", '{{printf "%d" ( ) }}', "template: empty pipeline:1: missing value for parenthesized pipeline"),
    ("block without pipeline", '{{block "foo"}}hello{{end}}',
     "template: block without pipeline:1: missing value for block clause"),
    # TestErrors: line numbers and specific texts.
    ("unclosed1", "line1\n{{", "template: unclosed1:2: unclosed action"),
    ("unclosed2", "line1\n{{define `x`}}line2\n{{", "template: unclosed2:3: unclosed action"),
    ("unclosed3", 'line1\n{{"x"\n"y"\n', "template: unclosed3:4: unclosed action started at unclosed3:2"),
    ("unclosed4", "{{\n\n\n\n\n", "template: unclosed4:6: unclosed action started at unclosed4:1"),
    ("var1", "line1\n{{\nx\n}}", 'template: var1:3: function "x" not defined'),
    ("function", "{{foo}}", 'template: function:1: function "foo" not defined'),
    ("comment1", "{{/*}}", "template: comment1:1: unclosed comment"),
    ("comment2", "{{/*\nhello\n}}", "template: comment2:1: unclosed comment"),
    ("comment3", "{{/* x */ y}}", "template: comment3:1: comment ends before closing delimiter"),
    ("lparen", "{{.X (1 2 3}}", "template: lparen:1: unclosed left paren"),
    ("rparen", "{{.X 1 2 3 ) }}", "template: rparen:1: unexpected right paren"),
    ("rparen2", "{{(.X 1 2 3", "template: rparen2:1: unclosed action"),
    ("space", "{{`x`3}}", 'template: space:1: unexpected "3" in operand'),
    ("idchar", "{{a#}}", "template: idchar:1: bad character U+0023 '#'"),
    ("charconst", "{{'a}}", "template: charconst:1: unterminated character constant"),
    ("stringconst", '{{"a}}', "template: stringconst:1: unterminated quoted string"),
    ("rawstringconst", "{{`a}}", "template: rawstringconst:1: unterminated raw quoted string"),
    ("number", "{{0xi}}", 'template: number:1: illegal number syntax: "0xi"'),
    ("bad number", "{{3k}}", 'template: bad number:1: bad number syntax: "3k"'),
    ("multidefine", "{{define `a`}}a{{end}}{{define `a`}}b{{end}}",
     'template: multidefine:1: template: multiple definition of template "a"'),
    ("eof", "{{range .X}}", "template: eof:1: unexpected EOF"),
    ("variable", "{{$x := 23}}{{with $x.y := 3}}{{$x 23}}{{end}}", 'template: variable:1: unexpected ":=" in operand'),
    ("multidecl", "{{$a,$b,$c := 23}}", "template: multidecl:1: too many declarations in command"),
    ("undefvar", "{{$a}}", 'template: undefvar:1: undefined variable "$a"'),
    ("wrongdot", "{{true.any}}", 'template: wrongdot:1: unexpected . after term "true"'),
    ("wrongpipeline", "{{12|false}}", "template: wrongpipeline:1: non executable command in pipeline stage 2"),
    ("emptypipeline", "{{ ( ) }}", "template: emptypipeline:1: missing value for parenthesized pipeline"),
    ("multilinerawstring", "{{ $v := `\n` }} {{", "template: multilinerawstring:2: unclosed action"),
    ("rangeundefvar", "{{range $k}}{{end}}", 'template: rangeundefvar:1: undefined variable "$k"'),
    ("rangeundefvars", "{{range $k, $v}}{{end}}", 'template: rangeundefvars:1: undefined variable "$v"'),
    ("rangemissingvalue1", "{{range $k,}}{{end}}", "template: rangemissingvalue1:1: missing value for range"),
    ("rangemissingvalue2", "{{range $k, $v := }}{{end}}", "template: rangemissingvalue2:1: missing value for range"),
    ("rangenotvariable1", "{{range $k, .}}{{end}}", ("template: rangenotvariable1:1: range can only initialize "
     "variables")),
    ("rangenotvariable2", "{{range $k, 123 := .}}{{end}}",
     "template: rangenotvariable2:1: range can only initialize variables"),
    ("unterminated raw string reports its line", "hello\n\n{{`unterminated\n\n\n\n}}\n some more\n\n",
     "template: unterminated raw string reports its line:3: unterminated raw quoted string"),
    ("bad escape", '{{"\\q"}}', "template: bad escape:1: invalid syntax"),
    ("too deep", "{{" + "(" * 101 + "1" + ")" * 101 + "}}", "template: too deep:1: max expression depth exceeded"),
    ("too many ifs", "{{if 1}}" * 101 + "{{end}}" * 101, "template: too many ifs:1: max control structure depth exceeded"),
    ("unrecognized", "{{\u00a7}}", "template: unrecognized:1: unrecognized character in action: U+00A7 '\u00a7'"),
]


@pytest.fixture
def quoted_text(monkeypatch):
    monkeypatch.setattr(gast, "TEXT_FORMAT", "%q")


@pytest.mark.parametrize(("name", "text", "want"), PARSE_CASES, ids=[c[0] for c in PARSE_CASES])
def test_parse(name, text, want, quoted_text):
    funcs = {"printf", "contains"}
    trees = gparser.parse(name, text, funcs)
    assert str(trees[name].root) == want


@pytest.mark.parametrize(("name", "text", "want"), ERROR_CASES, ids=[c[0] for c in ERROR_CASES])
def test_parse_error(name, text, want):
    with pytest.raises(TemplateParseError) as info:
        gparser.parse(name, text, {"printf", "contains"})
    assert str(info.value) == want


def test_canonical_text_reparses_to_an_equal_tree():
    for _name, text, _want in PARSE_CASES:
        trees = gparser.parse("t", text, {"printf", "contains"})
        again = gparser.parse("t", str(trees["t"].root), {"printf", "contains"})
        assert str(again["t"].root) == str(trees["t"].root), text


def test_block_defines_a_template():
    trees = gparser.parse("outer", 'a{{block "inner" .}}bar{{.}}baz{{end}}b', set())
    assert str(trees["outer"].root) == 'a{{template "inner" .}}b'
    assert str(trees["inner"].root) == "bar{{.}}baz"


def test_break_is_a_function_when_one_is_defined():
    trees = gparser.parse("t", "{{range .X}}{{break 20}}{{end}}", {"break"})
    assert str(trees["t"].root) == "{{range .X}}{{break 20}}{{end}}"
    with pytest.raises(TemplateParseError):
        gparser.parse("t", "{{range .X}}{{break 20}}{{end}}", set())


@pytest.mark.parametrize(("text", "is_int", "int64", "is_float", "float64"), [
    ("0", True, 0, True, 0.0), ("-0", True, 0, True, 0.0), ("73", True, 73, True, 73.0),
    ("7_3", True, 73, True, 73.0), ("0b10_010_01", True, 73, True, 73.0), ("073", True, 0o73, True, 59.0),
    ("0o73", True, 0o73, True, 59.0), ("0x73", True, 0x73, True, 115.0), ("0x7_3", True, 0x73, True, 115.0),
    ("-73", True, -73, True, -73.0), ("+73", True, 73, True, 73.0), ("1e9", True, 10**9, True, 1e9),
    ("-1.2", False, 0, True, -1.2), ("1e19", False, 0, True, 1e19), ("0x_1p4", True, 16, True, 16.0),
    ("0x_1p-4", False, 0, True, 1 / 16), ("'a'", True, 97, True, 97.0), ("'\\n'", True, 10, True, 10.0),
    ("'\\xFF'", True, 255, True, 255.0), ("'\u30d1'", True, 0x30D1, True, 0x30D1 * 1.0),
    ("'\\u30d1'", True, 0x30D1, True, 0x30D1 * 1.0), ("0xef", True, 0xEF, True, 239.0),
    ("0i", True, 0, True, 0.0), ("13+0i", True, 13, True, 13.0),
])
def test_number_parse(text, is_int, int64, is_float, float64):
    kind = lexer.CHAR_CONST if text.startswith("'") else lexer.COMPLEX if text.endswith("i") and "+" in text[1:] \
        else lexer.NUMBER
    node, err = gparser.parse_number(0, text, kind)
    assert err is None
    assert node.is_int == is_int
    if is_int:
        assert node.int64 == int64
    assert node.is_float == is_float and node.float64 == float64


@pytest.mark.parametrize(("text", "want"), [
    ("+-2", 'bad number syntax: "+-2"'), ("0x123.", 'illegal number syntax: "0x123."'),
    ("1e.", 'illegal number syntax: "1e"'), ("0xi.", 'illegal number syntax: "0xi"'),
    ("1+2.", 'bad number syntax: "1+2."'), ("'x", "unterminated character constant"),
    ("'xx'", "malformed character constant: 'xx'"), ("99999999999999999999", 'integer overflow: "99999999999999999999"'),
])
def test_number_parse_errors(text, want):
    with pytest.raises(TemplateParseError) as info:
        parse("{{" + text + "}}", "n")
    assert str(info.value) == f"template: n:1: {want}"


LEX_CASES = [
    ("empty", "", [("EOF", "")]),
    ("spaces", " \t\n", [("TEXT", " \t\n"), ("EOF", "")]),
    ("text", "now is the time", [("TEXT", "now is the time"), ("EOF", "")]),
    ("text with comment", "hello-{{/* this is a comment */}}-world",
     [("TEXT", "hello-"), ("TEXT", "-world"), ("EOF", "")]),
    ("punctuation", "{{,@% }}", [("LEFT_DELIM", "{{"), ("CHAR", ","), ("CHAR", "@"), ("CHAR", "%"), ("SPACE", " "),
                                 ("RIGHT_DELIM", "}}"), ("EOF", "")]),
    ("parens", "{{((3))}}", [("LEFT_DELIM", "{{"), ("LPAREN", "("), ("LPAREN", "("), ("NUMBER", "3"),
                             ("RPAREN", ")"), ("RPAREN", ")"), ("RIGHT_DELIM", "}}"), ("EOF", "")]),
    ("empty action", "{{}}", [("LEFT_DELIM", "{{"), ("RIGHT_DELIM", "}}"), ("EOF", "")]),
    ("for", "{{for}}", [("LEFT_DELIM", "{{"), ("IDENT", "for"), ("RIGHT_DELIM", "}}"), ("EOF", "")]),
    ("block", '{{block "foo" .}}', [("LEFT_DELIM", "{{"), ("block", "block"), ("SPACE", " "), ("STRING", '"foo"'),
                                    ("SPACE", " "), ("DOT", "."), ("RIGHT_DELIM", "}}"), ("EOF", "")]),
    ("quote", '{{"abc \\n\\t\\" "}}', [("LEFT_DELIM", "{{"), ("STRING", '"abc \\n\\t\\" "'), ("RIGHT_DELIM", "}}"),
                                      ("EOF", "")]),
    ("raw quote with newline", "{{`now is{{\n}}the time`}}",
     [("LEFT_DELIM", "{{"), ("RAW_STRING", "`now is{{\n}}the time`"), ("RIGHT_DELIM", "}}"), ("EOF", "")]),
    ("numbers", "{{1 02 0x14 0X14 -7.2i 1e3 1E3 +1.2e-4 4.2i 1+2i 1_2 0x1.e_fp4 0X1.E_FP4}}",
     [("LEFT_DELIM", "{{")] + [x for v in [("NUMBER", "1"), ("NUMBER", "02"), ("NUMBER", "0x14"), ("NUMBER", "0X14"),
                                          ("NUMBER", "-7.2i"), ("NUMBER", "1e3"), ("NUMBER", "1E3"),
                                          ("NUMBER", "+1.2e-4"), ("NUMBER", "4.2i"), ("COMPLEX", "1+2i"),
                                          ("NUMBER", "1_2"), ("NUMBER", "0x1.e_fp4")]
                               for x in (v, ("SPACE", " "))] + [("NUMBER", "0X1.E_FP4"), ("RIGHT_DELIM", "}}"),
                                                                ("EOF", "")]),
    ("characters", "{{'a' '\\n' '\\'' '\\\\' '\\u00FF' '\\xFF' '本'}}",
     [("LEFT_DELIM", "{{")] + [x for v in ["'a'", "'\\n'", "'\\''", "'\\\\'", "'\\u00FF'", "'\\xFF'"]
                               for x in (("CHAR_CONST", v), ("SPACE", " "))]
     + [("CHAR_CONST", "'本'"), ("RIGHT_DELIM", "}}"), ("EOF", "")]),
    ("bools", "{{true false}}", [("LEFT_DELIM", "{{"), ("BOOL", "true"), ("SPACE", " "), ("BOOL", "false"),
                                 ("RIGHT_DELIM", "}}"), ("EOF", "")]),
    ("dot", "{{.}}", [("LEFT_DELIM", "{{"), ("DOT", "."), ("RIGHT_DELIM", "}}"), ("EOF", "")]),
    ("nil", "{{nil}}", [("LEFT_DELIM", "{{"), ("NIL", "nil"), ("RIGHT_DELIM", "}}"), ("EOF", "")]),
    ("dots", "{{.x . .2 .x.y.z}}", [("LEFT_DELIM", "{{"), ("FIELD", ".x"), ("SPACE", " "), ("DOT", "."),
                                    ("SPACE", " "), ("NUMBER", ".2"), ("SPACE", " "), ("FIELD", ".x"), ("FIELD", ".y"),
                                    ("FIELD", ".z"), ("RIGHT_DELIM", "}}"), ("EOF", "")]),
    ("keywords", "{{range if else end with}}",
     [("LEFT_DELIM", "{{"), ("range", "range"), ("SPACE", " "), ("if", "if"), ("SPACE", " "), ("else", "else"),
      ("SPACE", " "), ("end", "end"), ("SPACE", " "), ("with", "with"), ("RIGHT_DELIM", "}}"), ("EOF", "")]),
    ("variables", "{{$c := printf $ $hello $23 $ $var.Field .Method}}",
     [("LEFT_DELIM", "{{"), ("VARIABLE", "$c"), ("SPACE", " "), ("DECLARE", ":="), ("SPACE", " "),
      ("IDENT", "printf"), ("SPACE", " "), ("VARIABLE", "$"), ("SPACE", " "), ("VARIABLE", "$hello"), ("SPACE", " "),
      ("VARIABLE", "$23"), ("SPACE", " "), ("VARIABLE", "$"), ("SPACE", " "), ("VARIABLE", "$var"),
      ("FIELD", ".Field"), ("SPACE", " "), ("FIELD", ".Method"), ("RIGHT_DELIM", "}}"), ("EOF", "")]),
    ("variable invocation", "{{$x 23}}", [("LEFT_DELIM", "{{"), ("VARIABLE", "$x"), ("SPACE", " "),
                                          ("NUMBER", "23"), ("RIGHT_DELIM", "}}"), ("EOF", "")]),
    ("pipeline", 'intro {{echo hi 1.2 |noargs|args 1 "hi"}} outro',
     [("TEXT", "intro "), ("LEFT_DELIM", "{{"), ("IDENT", "echo"), ("SPACE", " "), ("IDENT", "hi"), ("SPACE", " "),
      ("NUMBER", "1.2"), ("SPACE", " "), ("PIPE", "|"), ("IDENT", "noargs"), ("PIPE", "|"), ("IDENT", "args"),
      ("SPACE", " "), ("NUMBER", "1"), ("SPACE", " "), ("STRING", '"hi"'), ("RIGHT_DELIM", "}}"),
      ("TEXT", " outro"), ("EOF", "")]),
    ("declaration", "{{$v := 3}}", [("LEFT_DELIM", "{{"), ("VARIABLE", "$v"), ("SPACE", " "), ("DECLARE", ":="),
                                    ("SPACE", " "), ("NUMBER", "3"), ("RIGHT_DELIM", "}}"), ("EOF", "")]),
    ("2 declarations", "{{$v , $w := 3}}",
     [("LEFT_DELIM", "{{"), ("VARIABLE", "$v"), ("SPACE", " "), ("CHAR", ","), ("SPACE", " "), ("VARIABLE", "$w"),
      ("SPACE", " "), ("DECLARE", ":="), ("SPACE", " "), ("NUMBER", "3"), ("RIGHT_DELIM", "}}"), ("EOF", "")]),
    ("field of parenthesized expression", "{{(.X).Y}}",
     [("LEFT_DELIM", "{{"), ("LPAREN", "("), ("FIELD", ".X"), ("RPAREN", ")"), ("FIELD", ".Y"),
      ("RIGHT_DELIM", "}}"), ("EOF", "")]),
    ("trimming spaces before and after", "hello- {{- 3 -}} -world",
     [("TEXT", "hello-"), ("LEFT_DELIM", "{{"), ("NUMBER", "3"), ("RIGHT_DELIM", "}}"), ("TEXT", "-world"),
      ("EOF", "")]),
    ("trimming spaces before and after comment", "hello- {{- /* hello */ -}} -world",
     [("TEXT", "hello-"), ("TEXT", "-world"), ("EOF", "")]),
    ("badchar", "#{{\x01}}", [("TEXT", "#"), ("LEFT_DELIM", "{{"), ("ERROR", ("unrecognized character in action: "
                                                                             "U+0001"))]),
    ("unclosed action", "{{", [("LEFT_DELIM", "{{"), ("ERROR", "unclosed action")]),
    ("EOF in action", "{{range", [("LEFT_DELIM", "{{"), ("range", "range"), ("ERROR", "unclosed action")]),
    ("unclosed quote", '{{"\n"}}', [("LEFT_DELIM", "{{"), ("ERROR", "unterminated quoted string")]),
    ("unclosed raw quote", "{{`xx}}", [("LEFT_DELIM", "{{"), ("ERROR", "unterminated raw quoted string")]),
    ("unclosed char constant", "{{'\n}}", [("LEFT_DELIM", "{{"), ("ERROR", "unterminated character constant")]),
    ("bad number", "{{3k}}", [("LEFT_DELIM", "{{"), ("ERROR", 'bad number syntax: "3k"')]),
    ("unclosed paren", "{{(3}}", [("LEFT_DELIM", "{{"), ("LPAREN", "("), ("NUMBER", "3"),
                                  ("ERROR", "unclosed left paren")]),
    ("extra right paren", "{{3)}}", [("LEFT_DELIM", "{{"), ("NUMBER", "3"), ("ERROR", "unexpected right paren")]),
    ("long pipeline deadlock", "{{|||||}}", [("LEFT_DELIM", "{{")] + [("PIPE", "|")] * 5
     + [("RIGHT_DELIM", "}}"), ("EOF", "")]),
    ("text with bad comment", "hello-{{/*/}}-world", [("TEXT", "hello-"), ("ERROR", "unclosed comment")]),
    ("text with comment close separated from delim", "hello-{{/* */ }}-world",
     [("TEXT", "hello-"), ("ERROR", "comment ends before closing delimiter")]),
    ("unmatched right delimiter", "hello-{.}}-world", [("TEXT", "hello-{.}}-world"), ("EOF", "")]),
]


@pytest.mark.parametrize(("name", "text", "want"), LEX_CASES, ids=[c[0] for c in LEX_CASES])
def test_lex(name, text, want):
    assert [(t.kind, t.val) for t in lexer.lex(text)] == want


def test_lex_line_numbers():
    tokens = lexer.lex("a\n{{x\n}}b\nc{{y}}")
    assert [(t.kind, t.line) for t in tokens] == [
        ("TEXT", 1), ("LEFT_DELIM", 2), ("IDENT", 2), ("SPACE", 2), ("RIGHT_DELIM", 3), ("TEXT", 3),
        ("LEFT_DELIM", 4), ("IDENT", 4), ("RIGHT_DELIM", 4), ("EOF", 4)]


def test_public_parse_error_type():
    with pytest.raises(TemplateParseError) as info:
        parse("{{.X", "msg")
    assert str(info.value) == "template: msg:1: unclosed action"
