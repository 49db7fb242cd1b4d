"""Go's ``text/template/exec_test.go`` cases, restated on Python data (see ``gotemplate_data.py``).

Each case is (name, template, expected output, data) or, for a failure, the exact error text.
Cases about Go-only kinds (unsigned ints, pointers, channels, typed function parameters,
Stringer/error methods on Go types) are left out; ``.True`` is spelled ``.TRUE``.
"""
import pytest
from gotemplate_data import FUNCS, TVAL

from machstore.gotemplate import StringMap, Template, TemplateExecError, parse

OK_CASES = [
    # Trivial cases.
    ("empty", "", "", None),
    ("text", "some text", "some text", None),
    # Ideal constants.
    ("ideal int", "{{typeOf 3}}", "int", 0),
    ("ideal float", "{{typeOf 1.0}}", "float64", 0),
    ("ideal exp float", "{{typeOf 1e1}}", "float64", 0),
    ("ideal complex", "{{typeOf 1i}}", "complex128", 0),
    ("ideal int max", "{{typeOf 0x7fffffffffffffff}}", "int", 0),
    # Fields of structs.
    (".X", "-{{.X}}-", "-x-", TVAL),
    (".U.V", "-{{.U.V}}-", "-v-", TVAL),
    # Fields on maps.
    ("map .one", "{{.MSI.one}}", "1", TVAL),
    ("map .two", "{{.MSI.two}}", "2", TVAL),
    ("map .NO", "{{.MSI.NO}}", "<no value>", TVAL),
    # Dots of all kinds.
    ("dot int", "<{{.}}>", "<13>", 13),
    ("dot float", "<{{.}}>", "<15.1>", 15.1),
    ("dot bool", "<{{.}}>", "<true>", True),
    ("dot complex", "<{{.}}>", "<(16.2-17i)>", 16.2 - 17j),
    ("dot string", "<{{.}}>", "<hello>", "hello"),
    ("dot slice", "<{{.}}>", "<[-1 -2 -3]>", [-1, -2, -3]),
    ("dot map", "<{{.}}>", "<map[two:22]>", {"two": 22}),
    # Variables.
    ("$ int", "{{$}}", "123", 123),
    ("$.I", "{{$.I}}", "17", TVAL),
    ("$.U.V", "{{$.U.V}}", "v", TVAL),
    ("declare in action", "{{$x := $.U.V}}{{$x}}", "v", TVAL),
    ("simple assignment", "{{$x := 2}}{{$x = 3}}{{$x}}", "3", TVAL),
    ("nested assignment", "{{$x := 2}}{{if true}}{{$x = 3}}{{end}}{{$x}}", "3", TVAL),
    ("nested assignment changes the last declaration",
     "{{$x := 1}}{{if true}}{{$x := 2}}{{if true}}{{$x = 3}}{{end}}{{end}}{{$x}}", "1", TVAL),
    # Pointers (a Python list stands for *[]int).
    ("*[]int", "{{.PSI}}", "[21 22 23]", TVAL),
    ("*[]int[1]", "{{index .PSI 1}}", "22", TVAL),
    # Empty interfaces holding values.
    ("empty nil", "{{.Empty0}}", "<no value>", TVAL),
    ("empty with int", "{{.Empty1}}", "3", TVAL),
    ("empty with string", "{{.Empty2}}", "empty2", TVAL),
    ("empty with slice", "{{.Empty3}}", "[7 8]", TVAL),
    ("empty with struct", "{{.Empty4}}", "{UinEmpty}", TVAL),
    ("empty with struct, field", "{{.Empty4.V}}", "UinEmpty", TVAL),
    # Method calls.
    (".Method0", "-{{.Method0}}-", "-M0-", TVAL),
    (".Method1(1234)", "-{{.Method1 1234}}-", "-1234-", TVAL),
    (".Method1(.I)", "-{{.Method1 .I}}-", "-17-", TVAL),
    (".Method2(3, .X)", "-{{.Method2 3 .X}}-", "-Method2: 3 x-", TVAL),
    (".Method2(.U16, `str`)", "-{{.Method2 .U16 `str`}}-", "-Method2: 16 str-", TVAL),
    (".Method2(.U16, $x)", "{{if $x := .X}}-{{.Method2 .U16 $x}}{{end}}-", "-Method2: 16 x-", TVAL),
    (".Method3(nil constant)", "-{{.Method3 nil}}-", "-Method3: <nil>-", TVAL),
    (".Method3(nil value)", "-{{.Method3 .MSI.unset}}-", "-Method3: <nil>-", TVAL),
    ("method on var", "{{if $x := .}}-{{$x.Method2 .U16 $x.X}}{{end}}-", "-Method2: 16 x-", TVAL),
    ("method on chained var",
     "{{range .MSIone}}{{if $.U.TrueFalse $.TRUE}}{{$.U.TrueFalse $.TRUE}}{{else}}WRONG{{end}}{{end}}", "true", TVAL),
    ("chained method",
     "{{range .MSIone}}{{if $.GetU.TrueFalse $.TRUE}}{{$.U.TrueFalse $.TRUE}}{{else}}WRONG{{end}}{{end}}",
     "true", TVAL),
    ("chained method on variable", "{{with $x := .}}{{with .SI}}{{$.GetU.TrueFalse $.TRUE}}{{end}}{{end}}",
     "true", TVAL),
    (".NilOKFunc not nil", "{{call .NilOKFunc .PSI}}", "false", TVAL),
    (".NilOKFunc nil", "{{call .NilOKFunc nil}}", "true", TVAL),
    # Function call builtin.
    (".BinaryFunc", "{{call .BinaryFunc `1` `2`}}", "[1=2]", TVAL),
    (".VariadicFunc0", "{{call .VariadicFunc}}", "<>", TVAL),
    (".VariadicFunc2", "{{call .VariadicFunc `he` `llo`}}", "<he+llo>", TVAL),
    (".VariadicFuncInt", "{{call .VariadicFuncInt 33 `he` `llo`}}", "33=<he+llo>", TVAL),
    ("if .BinaryFunc call", "{{ if .BinaryFunc}}{{call .BinaryFunc `1` `2`}}{{end}}", "[1=2]", TVAL),
    ("if not .BinaryFunc call", "{{ if not .BinaryFunc}}{{call .BinaryFunc `1` `2`}}{{else}}No{{end}}", "No", TVAL),
    (".ErrFunc", "{{call .ErrFunc}}", "bla", TVAL),
    # Pipelines.
    ("pipeline", "-{{.Method0 | .Method2 .U16}}-", "-Method2: 16 M0-", TVAL),
    ("pipeline func", "-{{call .VariadicFunc `llo` | call .VariadicFunc `he` }}-", "-<he+<llo>>-", TVAL),
    # Parenthesized expressions.
    ("parens in pipeline", "{{printf `%d %d %d` (1) (2 | add 3) (add 4 (add 5 6))}}", "1 5 15", TVAL),
    ("parens: $ in paren", "{{($).X}}", "x", TVAL),
    ("parens: $.GetU in paren", "{{($.GetU).V}}", "v", TVAL),
    ("parens: $ in paren in pipe", "{{($ | echo).X}}", "x", TVAL),
    ("parens: spaces and args", '{{(makemap "up" "down" "left" "right").left}}', "right", TVAL),
    # If.
    ("if true", "{{if true}}TRUE{{end}}", "TRUE", TVAL),
    ("if false", "{{if false}}TRUE{{else}}FALSE{{end}}", "FALSE", TVAL),
    ("if 1", "{{if 1}}NON-ZERO{{else}}ZERO{{end}}", "NON-ZERO", TVAL),
    ("if 0", "{{if 0}}NON-ZERO{{else}}ZERO{{end}}", "ZERO", TVAL),
    ("if 1.5", "{{if 1.5}}NON-ZERO{{else}}ZERO{{end}}", "NON-ZERO", TVAL),
    ("if 0.0", "{{if .FloatZero}}NON-ZERO{{else}}ZERO{{end}}", "ZERO", TVAL),
    ("if 1.5i", "{{if 1.5i}}NON-ZERO{{else}}ZERO{{end}}", "NON-ZERO", TVAL),
    ("if 0.0i", "{{if .ComplexZero}}NON-ZERO{{else}}ZERO{{end}}", "ZERO", TVAL),
    ("if emptystring", "{{if ``}}NON-EMPTY{{else}}EMPTY{{end}}", "EMPTY", TVAL),
    ("if string", "{{if `notempty`}}NON-EMPTY{{else}}EMPTY{{end}}", "NON-EMPTY", TVAL),
    ("if emptyslice", "{{if .SIEmpty}}NON-EMPTY{{else}}EMPTY{{end}}", "EMPTY", TVAL),
    ("if slice", "{{if .SI}}NON-EMPTY{{else}}EMPTY{{end}}", "NON-EMPTY", TVAL),
    ("if emptymap", "{{if .MSIEmpty}}NON-EMPTY{{else}}EMPTY{{end}}", "EMPTY", TVAL),
    ("if map", "{{if .MSI}}NON-EMPTY{{else}}EMPTY{{end}}", "NON-EMPTY", TVAL),
    ("if map unset", "{{if .MSI.none}}NON-ZERO{{else}}ZERO{{end}}", "ZERO", TVAL),
    ("if map not unset", "{{if not .MSI.none}}ZERO{{else}}NON-ZERO{{end}}", "ZERO", TVAL),
    ("if $x with $y int", "{{if $x := true}}{{with $y := .I}}{{$x}},{{$y}}{{end}}{{end}}", "true,17", TVAL),
    ("if $x with $x int", "{{if $x := true}}{{with $x := .I}}{{$x}},{{end}}{{$x}}{{end}}", "17,true", TVAL),
    ("if else if", "{{if false}}FALSE{{else if true}}TRUE{{end}}", "TRUE", TVAL),
    ("if else chain", "{{if eq 1 3}}1{{else if eq 2 3}}2{{else if eq 3 3}}3{{end}}", "3", TVAL),
    # Print etc.
    ("print", '{{print "hello, print"}}', "hello, print", TVAL),
    ("print 123", "{{print 1 2 3}}", "1 2 3", TVAL),
    ("print nil", "{{print nil}}", "<nil>", TVAL),
    ("println", "{{println 1 2 3}}", "1 2 3\n", TVAL),
    ("printf int", '{{printf "%04x" 127}}', "007f", TVAL),
    ("printf float", '{{printf "%g" 3.5}}', "3.5", TVAL),
    ("printf complex", '{{printf "%g" 1+7i}}', "(1+7i)", TVAL),
    ("printf string", '{{printf "%s" "hello"}}', "hello", TVAL),
    ("printf function", '{{printf "%#q" zeroArgs}}', "`zeroArgs`", TVAL),
    ("printf field", '{{printf "%s" .U.V}}', "v", TVAL),
    ("printf method", '{{printf "%s" .Method0}}', "M0", TVAL),
    ("printf dot", '{{with .I}}{{printf "%d" .}}{{end}}', "17", TVAL),
    ("printf var", '{{with $x := .I}}{{printf "%d" $x}}{{end}}', "17", TVAL),
    ("printf lots", '{{printf "%d %s %g %s" 127 "hello" 7-3i .Method0}}', "127 hello (7-3i) M0", TVAL),
    # HTML.
    ("html", '{{html "<script>alert(\\"XSS\\");</script>"}}', "&lt;script&gt;alert(&#34;XSS&#34;);&lt;/script&gt;",
     None),
    ("html pipeline", '{{printf "<script>alert(\\"XSS\\");</script>" | html}}',
     "&lt;script&gt;alert(&#34;XSS&#34;);&lt;/script&gt;", None),
    # JavaScript.
    ("js", "{{js .}}", "It\\'d be nice.", "It'd be nice."),
    ("js is escaped", "{{js .}}", "\\u003Chtml\\u003E", "<html>"),
    # URL query.
    ("urlquery", '{{"http://www.example.org/"|urlquery}}', "http%3A%2F%2Fwww.example.org%2F", None),
    # Booleans.
    ("not", "{{not true}} {{not false}}", "false true", None),
    ("and", "{{and false 0}} {{and 1 0}} {{and 0 true}} {{and 1 1}}", "false 0 0 1", None),
    ("or", "{{or 0 0}} {{or 1 0}} {{or 0 true}} {{or 1 1}}", "0 1 true 1", None),
    ("or short-circuit", "{{or 0 1 (index nil 0)}}", "1", None),
    ("and short-circuit", "{{and 1 0 (index nil 0)}}", "0", None),
    ("and pipe-true", "{{1 | and 1}}", "1", None),
    ("and pipe-false", "{{0 | and 1}}", "0", None),
    ("boolean if", "{{if and true 1 `hi`}}TRUE{{else}}FALSE{{end}}", "TRUE", TVAL),
    ("boolean if not", "{{if and true 1 `hi` | not}}TRUE{{else}}FALSE{{end}}", "FALSE", None),
    # Indexing.
    ("slice[0]", "{{index .SI 0}}", "3", TVAL),
    ("slice[1]", "{{index .SI 1}}", "4", TVAL),
    ("map[one]", "{{index .MSI `one`}}", "1", TVAL),
    ("map[two]", "{{index .MSI `two`}}", "2", TVAL),
    ("map[NO] of a plain dict is no value", "{{index .MSI `XXX`}}", "<no value>", TVAL),
    ("map[``]", "{{index .MSI ``}}", "<no value>", TVAL),
    ("string map[NO] is the empty string", "{{index . `XXX`}}", "", StringMap(a="b")),
    ("double index", "{{index .SMSI 1 `eleven`}}", "11", TVAL),
    ("map MI64S", "{{index .MI64S 2}}", "i642", TVAL),
    ("index of a string is a byte", "{{index `hi` 1}}", "105", None),
    # Slicing.
    ("slice[:]", "{{slice .SI}}", "[3 4 5]", TVAL),
    ("slice[1:]", "{{slice .SI 1}}", "[4 5]", TVAL),
    ("slice[1:2]", "{{slice .SI 1 2}}", "[4]", TVAL),
    ("string[:]", "{{slice .X}}", "x", TVAL),
    ("string[0:1]", "{{slice .X 0 1}}", "x", TVAL),
    ("string[1:]", "{{slice .X 1}}", "", TVAL),
    ("string[1:1]", "{{slice .X 1 1}}", "", TVAL),
    # Len.
    ("slice", "{{len .SI}}", "3", TVAL),
    ("map", "{{len .MSI }}", "3", TVAL),
    ("len of a string counts bytes", "{{len .}}", "5", "h\u00e9ll"),
    # With.
    ("with true", "{{with true}}{{.}}{{end}}", "true", TVAL),
    ("with false", "{{with false}}{{.}}{{else}}FALSE{{end}}", "FALSE", TVAL),
    ("with 1", "{{with 1}}{{.}}{{else}}ZERO{{end}}", "1", TVAL),
    ("with 0", "{{with 0}}{{.}}{{else}}ZERO{{end}}", "ZERO", TVAL),
    ("with 1.5", "{{with 1.5}}{{.}}{{else}}ZERO{{end}}", "1.5", TVAL),
    ("with 0.0", "{{with .FloatZero}}{{.}}{{else}}ZERO{{end}}", "ZERO", TVAL),
    ("with 1.5i", "{{with 1.5i}}{{.}}{{else}}ZERO{{end}}", "(0+1.5i)", TVAL),
    ("with 0.0i", "{{with .ComplexZero}}{{.}}{{else}}ZERO{{end}}", "ZERO", TVAL),
    ("with emptystring", "{{with ``}}{{.}}{{else}}EMPTY{{end}}", "EMPTY", TVAL),
    ("with string", "{{with `notempty`}}{{.}}{{else}}EMPTY{{end}}", "notempty", TVAL),
    ("with emptyslice", "{{with .SIEmpty}}{{.}}{{else}}EMPTY{{end}}", "EMPTY", TVAL),
    ("with slice", "{{with .SI}}{{.}}{{else}}EMPTY{{end}}", "[3 4 5]", TVAL),
    ("with emptymap", "{{with .MSIEmpty}}{{.}}{{else}}EMPTY{{end}}", "EMPTY", TVAL),
    ("with map", "{{with .MSIone}}{{.}}{{else}}EMPTY{{end}}", "map[one:1]", TVAL),
    ("with empty interface, struct field", "{{with .Empty4}}{{.V}}{{end}}", "UinEmpty", TVAL),
    ("with $x int", "{{with $x := .I}}{{$x}}{{end}}", "17", TVAL),
    ("with $x struct.U.V", "{{with $x := $}}{{$x.U.V}}{{end}}", "v", TVAL),
    ("with variable and action", "{{with $x := $}}{{$y := $.U.V}}{{$y}}{{end}}", "v", TVAL),
    # Range.
    ("range []int", "{{range .SI}}-{{.}}-{{end}}", "-3--4--5-", TVAL),
    ("range empty no else", "{{range .SIEmpty}}-{{.}}-{{end}}", "", TVAL),
    ("range []int else", "{{range .SI}}-{{.}}-{{else}}EMPTY{{end}}", "-3--4--5-", TVAL),
    ("range empty else", "{{range .SIEmpty}}-{{.}}-{{else}}EMPTY{{end}}", "EMPTY", TVAL),
    ("range []int break else", "{{range .SI}}-{{.}}-{{break}}NOTREACHED{{else}}EMPTY{{end}}", "-3-", TVAL),
    ("range []int continue else", "{{range .SI}}-{{.}}-{{continue}}NOTREACHED{{else}}EMPTY{{end}}",
     "-3--4--5-", TVAL),
    ("range []bool", "{{range .SB}}-{{.}}-{{end}}", "-true--false-", TVAL),
    ("range []int method", "{{range .SI | .MAdd .I}}-{{.}}-{{end}}", "-20--21--22-", TVAL),
    ("range map", "{{range .MSI}}-{{.}}-{{end}}", "-1--3--2-", TVAL),
    ("range empty map no else", "{{range .MSIEmpty}}-{{.}}-{{end}}", "", TVAL),
    ("range map else", "{{range .MSI}}-{{.}}-{{else}}EMPTY{{end}}", "-1--3--2-", TVAL),
    ("range empty map else", "{{range .MSIEmpty}}-{{.}}-{{else}}EMPTY{{end}}", "EMPTY", TVAL),
    ("range empty interface", "{{range .Empty3}}-{{.}}-{{else}}EMPTY{{end}}", "-7--8-", TVAL),
    ("range empty nil", "{{range .Empty0}}-{{.}}-{{end}}", "", TVAL),
    ("range $x SI", "{{range $x := .SI}}<{{$x}}>{{end}}", "<3><4><5>", TVAL),
    ("range $x $y SI", "{{range $x, $y := .SI}}<{{$x}}={{$y}}>{{end}}", "<0=3><1=4><2=5>", TVAL),
    ("range $x MSIone", "{{range $x := .MSIone}}<{{$x}}>{{end}}", "<1>", TVAL),
    ("range $x $y MSIone", "{{range $x, $y := .MSIone}}<{{$x}}={{$y}}>{{end}}", "<one=1>", TVAL),
    ("range $x PSI", "{{range $x := .PSI}}<{{$x}}>{{end}}", "<21><22><23>", TVAL),
    ("declare in range", "{{range $x := .PSI}}<{{$foo:=$x}}{{$x}}>{{end}}", "<21><22><23>", TVAL),
    ("range count", "{{range $i, $x := count 5}}[{{$i}}]{{$x}}{{end}}", "[0]a[1]b[2]c[3]d[4]e", TVAL),
    ("range nil count", "{{range $i, $x := count 0}}{{else}}empty{{end}}", "empty", TVAL),
    ("range int", "{{range $x := 3}}<{{$x}}>{{end}}", "<0><1><2>", TVAL),
    ("range int zero", "{{range 0}}x{{else}}none{{end}}", "none", TVAL),
    ("range assign $x", "{{$x := 0}}{{range $x = .SI}}{{end}}{{$x}}", "5", TVAL),
    ("range assign $i $x", "{{$i := 0}}{{$x := 0}}{{range $i, $x = .SI}}{{end}}{{$i}}{{$x}}", "25", TVAL),
    # Cute examples.
    ("or as if true", '{{or .SI "slice is empty"}}', "[3 4 5]", TVAL),
    ("or as if false", '{{or .SIEmpty "slice is empty"}}', "slice is empty", TVAL),
    # Error handling.
    ("error method, no error", "{{.MyError false}}", "false", TVAL),
    # Fixed bugs.
    ("bug0", "{{range .MSIone}}{{if $.Method1 .}}X{{end}}{{end}}", "X", TVAL),
    ("bug3", "{{with $}}{{.Method0}}{{end}}", "M0", TVAL),
    ("bug4", "{{if .Empty0}}non-nil{{else}}nil{{end}}", "nil", TVAL),
    ("bug9", "{{.cause}}", "neglect", {"cause": "neglect"}),
    ("bug10", "{{mapOfThree.three}}-{{(mapOfThree).three}}", "3-3", 0),
    ("bug12xe", "{{printf `%T` 0xef}}", "int", TVAL),
    ("bug12xE", "{{printf `%T` 0xEE}}", "int", TVAL),
    ("bug12Xe", "{{printf `%T` 0Xef}}", "int", TVAL),
    ("bug12XE", "{{printf `%T` 0XEE}}", "int", TVAL),
    ("bug13", "{{print (.Copy).I}}", "17", TVAL),
    ("bug16g", '{{"aaa" |twoArgs "bbb"}}', "twoArgs=bbbaaa", TVAL),
    ("bug16i", '{{"aaa"|oneArg}}', "oneArg=aaa", TVAL),
    ("bug16j", '{{1+2i|printf "%v"}}', "(1+2i)", TVAL),
    ("bug16k", '{{"aaa"|printf }}', "aaa", TVAL),
    # Comments and trimming.
    ("comment", "a{{/* a comment */}}b", "ab", None),
    ("trim comment", "a {{- /* c */ -}} b", "ab", None),
    ("trim both", "{{23 -}} < {{- 45}}", "23<45", None),
    ("trim newlines", "x \r\n\t{{- 3 -}}\n\n\ty", "x3y", None),
    ("unicode", "{{.}}", "h\u00e9llo \u4e16\u754c", "h\u00e9llo \u4e16\u754c"),
    # Character constants.
    ("char constant", "{{'a'}}", "97", None),
    ("eq char", "{{eq (index `x` 0) 'x'}}", "true", None),
]

# Go's comparison tests (TestComparison), on ints and floats and strings.
CMP_CASES = [
    ("eq true true", "true"), ("eq true false", "false"), ("eq 1+2i 1+2i", "true"), ("eq 1+2i 1+3i", "false"),
    ("eq 1.5 1.5", "true"), ("eq 1.5 2.5", "false"), ("eq 1 1", "true"), ("eq 1 2", "false"),
    ("eq `xy` `xy`", "true"), ("eq `xy` `xyz`", "false"), ("eq 3 4 5 6 3", "true"), ("eq 3 4 5 6 7", "false"),
    ("ne true true", "false"), ("ne true false", "true"), ("ne 1+2i 1+2i", "false"), ("ne 1+2i 1+3i", "true"),
    ("ne 1.5 1.5", "false"), ("ne 1.5 2.5", "true"), ("ne 1 1", "false"), ("ne 1 2", "true"),
    ("ne `xy` `xy`", "false"), ("ne `xy` `xyz`", "true"),
    ("lt 1.5 1.5", "false"), ("lt 1.5 2.5", "true"), ("lt 1 1", "false"), ("lt 1 2", "true"),
    ("lt `xy` `xy`", "false"), ("lt `xy` `xyz`", "true"),
    ("le 1.5 1.5", "true"), ("le 1.5 2.5", "true"), ("le 2.5 1.5", "false"), ("le 1 1", "true"),
    ("le 1 2", "true"), ("le 2 1", "false"), ("le `xy` `xy`", "true"), ("le `xy` `xyz`", "true"),
    ("le `xyz` `xy`", "false"),
    ("gt 1.5 1.5", "false"), ("gt 1.5 2.5", "false"), ("gt 1 1", "false"), ("gt 2 1", "true"),
    ("gt 1 2", "false"), ("gt `xy` `xy`", "false"), ("gt `xy` `xyz`", "false"),
    ("ge 1.5 1.5", "true"), ("ge 1.5 2.5", "false"), ("ge 2.5 1.5", "true"), ("ge 1 1", "true"),
    ("ge 1 2", "false"), ("ge 2 1", "true"), ("ge `xy` `xy`", "true"), ("ge `xy` `xyz`", "false"),
    ("ge `xyz` `xy`", "true"),
    ("eq .NegOne .Three", "false"), ("lt .NegOne .Three", "true"), ("eq (index `x` 0) 'y'", "false"),
    ("eq .Missing .Missing", "true"), ("eq .Missing 1", "false"),
]

# Failing cases with Go's exact error text (the data is TVAL unless given).
ERR_CASES = [
    ("nil action", "{{nil}}", 'template: t:1:2: executing "t" at <nil>: nil is not a command'),
    ("ideal too big", "{{typeOf 0x8000000000000000}}",
     'template: t:1:9: executing "t" at <0x8000000000000000>: 0x8000000000000000 overflows int'),
    (".unexported", "{{.unexported}}",
     'template: t:1:2: executing "t" at <.unexported>: unexported is an unexported field of struct type T'),
    ("map .WRONG args", "{{.MSI.one 1}}",
     'template: t:1:6: executing "t" at <.MSI.one>: one is not a method but has arguments'),
    ("map .WRONG type", "{{.MII.one}}",
     'template: t:1:6: executing "t" at <.MII.one>: can\'t evaluate field one in type map[int]interface {}'),
    ("call nil", "{{call nil}}", 'template: t:1:2: executing "t" at <call nil>: error calling call: call of nil'),
    ("if nil", "{{if nil}}TRUE{{end}}", 'template: t:1:5: executing "t" at <nil>: nil is not a command'),
    ("slice[HUGE]", "{{index .SI 10}}",
     'template: t:1:2: executing "t" at <index .SI 10>: error calling index: index out of range: 10'),
    ("slice[WRONG]", "{{index .SI `hello`}}",
     ('template: t:1:2: executing "t" at <index .SI `hello`>: error calling index: cannot index slice/array with '
     "type string")),
    ("slice[nil]", "{{index .SI nil}}",
     'template: t:1:2: executing "t" at <index .SI nil>: error calling index: cannot index slice/array with nil'),
    ("map[nil]", "{{index .MSI nil}}",
     ('template: t:1:2: executing "t" at <index .MSI nil>: error calling index: value is nil; should be of type '
     "string")),
    ("map[WRONG]", "{{index .MSI 10}}",
     'template: t:1:2: executing "t" at <index .MSI 10>: error calling index: value has type int; should be string'),
    ("nil[1]", "{{index nil 1}}",
     'template: t:1:2: executing "t" at <index nil 1>: error calling index: index of untyped nil'),
    ("slice[1:3:2]", "{{slice .SI 1 3 2}}",
     'template: t:1:2: executing "t" at <slice .SI 1 3 2>: error calling slice: invalid slice index: 3 > 2'),
    ("slice[2:1]", "{{slice .SI 2 1}}",
     'template: t:1:2: executing "t" at <slice .SI 2 1>: error calling slice: invalid slice index: 2 > 1'),
    ("string[1:2:3]", "{{slice .X 1 2 3}}",
     'template: t:1:2: executing "t" at <slice .X 1 2 3>: error calling slice: cannot 3-index slice a string'),
    ("len of int", "{{len 3}}", 'template: t:1:2: executing "t" at <len 3>: error calling len: len of type int'),
    ("len of nothing", "{{len .Empty0}}",
     ('template: t:1:2: executing "t" at <len .Empty0>: error calling len: reflect: call of reflect.Value.Type on '
     "zero Value")),
    ("error method, error", "{{.MyError true}}",
     'template: t:1:2: executing "t" at <.MyError>: error calling MyError: my error'),
    ("bug7a", "{{3 2}}", 'template: t:1:2: executing "t" at <3>: can\'t give argument to non-function 3'),
    ("bug7b", "{{$x := 1}}{{$x 2}}",
     'template: t:1:13: executing "t" at <$x>: can\'t give argument to non-function $x'),
    ("bug7c", "{{$x := 1}}{{3 | $x}}",
     'template: t:1:17: executing "t" at <$x>: can\'t give argument to non-function $x'),
    ("bug14a", "{{(nil).True}}", 'template: t:1:3: executing "t" at <nil>: nil is not a command'),
    ("bug14c", '{{$x := (1.0)}}{{$y := ("hello")}}{{$x.anything}}{{$y.true}}',
     'template: t:1:38: executing "t" at <$x.anything>: can\'t evaluate field anything in type float64'),
    ("bug16a", "{{true|printf}}",
     'template: t:1:7: executing "t" at <printf>: wrong type for value; expected string; got bool'),
    ("bug16b", "{{1|printf}}",
     'template: t:1:4: executing "t" at <printf>: wrong type for value; expected string; got int'),
    ("bug16c", "{{1.1|printf}}",
     'template: t:1:6: executing "t" at <printf>: wrong type for value; expected string; got float64'),
    ("bug16d", "{{'x'|printf}}",
     'template: t:1:6: executing "t" at <printf>: wrong type for value; expected string; got int'),
    ("bug16e", "{{0i|printf}}",
     'template: t:1:5: executing "t" at <printf>: wrong type for value; expected string; got complex128'),
    ("printf format not a string", "{{printf 3}}", 'template: t:1:9: executing "t" at <3>: expected string; found 3'),
    ("wrong arg count", "{{not}}", ('template: t:1:2: executing "t" at <not>: wrong number of args for not: want 1 '
     "got 0")),
    ("wrong arg count variadic", "{{index}}",
     'template: t:1:2: executing "t" at <index>: wrong number of args for index: want at least 1 got 0'),
    ("eq different types", "{{eq `xy` 1}}",
     'template: t:1:2: executing "t" at <eq `xy` 1>: error calling eq: incompatible types for comparison'),
    ("eq int float", "{{eq 2 2.0}}",
     'template: t:1:2: executing "t" at <eq 2 2.0>: error calling eq: incompatible types for comparison'),
    ("lt bools", "{{lt true true}}",
     'template: t:1:2: executing "t" at <lt true true>: error calling lt: invalid type for comparison'),
    ("lt complex", "{{lt 1+0i 1+0i}}",
     'template: t:1:2: executing "t" at <lt 1+0i 1+0i>: error calling lt: invalid type for comparison'),
    ("eq missing arg", "{{eq 1}}",
     'template: t:1:2: executing "t" at <eq 1>: error calling eq: missing argument for comparison'),
    ("range over a string", "{{range .X}}{{end}}", ('template: t:1:8: executing "t" at <.X>: range can\'t iterate '
     "over x")),
    ("range int two vars", "{{range $i, $x := 3}}{{end}}",
     'template: t:1:18: executing "t" at <3>: can\'t use 3 to iterate over more than one variable'),
    ("field of int", "hello, {{.X.Y}}", ('template: t:1:11: executing "t" at <.X.Y>: can\'t evaluate field X in type '
     "int")),
    ("undefined template", '{{template "nope"}}',
     'template: t:1:11: executing "t" at <{{template "nope"}}>: template "nope" not defined'),
    ("can't print a function", "{{.BinaryFunc}}",
     'template: t:1:2: executing "t" at <{{.BinaryFunc}}>: can\'t print {{.BinaryFunc}} of type func'),
]


def _tmpl(text, name="t"):
    return Template(name, funcs=FUNCS).parse(text)


@pytest.mark.parametrize(("name", "text", "want", "data"), OK_CASES, ids=[c[0] for c in OK_CASES])
def test_exec(name, text, want, data):
    assert _tmpl(text, name).execute(data) == want


@pytest.mark.parametrize(("expr", "want"), CMP_CASES, ids=[c[0] for c in CMP_CASES])
def test_comparison(expr, want):
    data = {"NegOne": -1, "Three": 3}
    assert _tmpl(f"{{{{if {expr}}}}}true{{{{else}}}}false{{{{end}}}}").execute(data) == want


@pytest.mark.parametrize(("name", "text", "want"), ERR_CASES, ids=[c[0] for c in ERR_CASES])
def test_exec_error(name, text, want):
    data = 0 if name == "field of int" else TVAL
    with pytest.raises(TemplateExecError) as info:
        _tmpl(text).execute(data)
    assert str(info.value) == want


def test_exec_error_in_nested_template_names_it():
    text = ('line 1\nline 2\nline 3\n{{template "one" .}}\n{{define "one"}}{{template "two" .}}{{end}}\n'
            '{{define "two"}}{{template "three" .}}{{end}}\n{{define "three"}}{{index "hi" $}}{{end}}')
    with pytest.raises(TemplateExecError) as info:
        parse(text, "top").execute(5)
    assert str(info.value) == ('template: top:7:20: executing "three" at <index "hi" $>: '
                               "error calling index: index out of range: 5")


def test_tree_walk_with_trim_markers():
    text = ('{{- define "tree" -}}\n[\n\t{{- .Val -}}\n\t{{- with .Left -}}\n\t\t{{template "tree" . -}}\n'
            '\t{{- end -}}\n\t{{- with .Right -}}\n\t\t{{- template "tree" . -}}\n\t{{- end -}}\n]\n{{- end -}}\n')

    def node(val, left=None, right=None):
        return {"Val": val, "Left": left, "Right": right}

    tree = node(1, node(2, node(3, node(4)), node(5, node(6))), node(7, node(8, node(9)), node(10, node(11))))
    t = parse(text, "root")
    assert t.lookup("tree").execute(tree) == "[1[2[3[4]][5[6]]][7[8[9]][10[11]]]]"
    assert t.execute_template("tree", tree) == "[1[2[3[4]][5[6]]][7[8[9]][10[11]]]]"


def test_block_and_redefinition():
    tmpl = parse('a({{block "inner" .}}bar({{.}})baz{{end}})b', "outer")
    tmpl2 = tmpl.clone().parse('{{define "inner"}}foo({{.}})bar{{end}}')
    assert tmpl.execute("hello") == "a(bar(hello)baz)b"
    assert tmpl2.execute("goodbye") == "a(foo(goodbye)bar)b"


def test_missing_map_key_options():
    data = {"x": 99}
    assert parse("{{.x}} {{.y}}", "t1").execute(data) == "99 <no value>"
    assert parse("{{.x}} {{.y}}", "t1", missingkey="zero").execute(data) == "99 <no value>"
    assert parse("{{.x}} {{.y}}", "t1", missingkey="zero").execute(StringMap(x="99")) == "99 "
    with pytest.raises(TemplateExecError) as info:
        parse("{{.x}} {{.y}}", "t1", missingkey="error").execute(data)
    assert str(info.value) == 'template: t1:1:9: executing "t1" at <.y>: map has no entry for key "y"'
    with pytest.raises(TemplateExecError) as info:
        parse("{{.x}}", "t1", missingkey="error").execute(None)
    assert str(info.value) == 'template: t1:1:2: executing "t1" at <.x>: nil data; no entry for key "x"'


def test_max_exec_depth():
    with pytest.raises(TemplateExecError) as info:
        parse('{{template "tmpl" .}}', "tmpl").execute(None)
    assert "exceeded maximum template depth (100)" in str(info.value)


def test_long_context_is_truncated():
    with pytest.raises(TemplateExecError) as info:
        parse("{{index .abcdefghijklmnop .qrstuvwxyz 3}}", "t").execute({"abcdefghijklmnop": [1]})
    assert str(info.value) == ('template: t:1:2: executing "t" at <index .abcdefghijklm...>: '
                               "error calling index: cannot index slice/array with nil")


def test_parsed_template_is_reused_and_state_does_not_leak():
    t = parse("{{$x := .}}{{range .}}{{$x = .}}{{end}}{{$x}}", "t")
    assert t.execute([1, 2]) == "2"
    assert t.execute([3]) == "3"


def test_user_function_error_and_arity():
    def boom(x):
        raise RuntimeError("kaboom")

    t = Template("t", funcs={"boom": boom})
    with pytest.raises(TemplateExecError) as info:
        t.parse("{{boom 1}}").execute(None)
    assert str(info.value) == 'template: t:1:2: executing "t" at <boom 1>: error calling boom: kaboom'
    with pytest.raises(TemplateExecError) as info:
        t.parse("{{boom 1 2}}").execute(None)
    assert str(info.value) == 'template: t:1:2: executing "t" at <boom>: wrong number of args for boom: want 1 got 2'


def test_empty_template_error():
    with pytest.raises(TemplateExecError) as info:
        Template("empty").execute(0)
    assert str(info.value) == 'template: empty: "empty" is an incomplete or empty template'
