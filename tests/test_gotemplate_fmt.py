"""Go's fmt verbs as ``printf``/``print`` use them (expected texts are what Go's fmt prints)."""
import pytest

from machstore.gotemplate import Duration, StringMap, parse


@pytest.mark.parametrize(("args", "want"), [
    ('"%v" 1.0', "1"), ('"%v" 1e6', "1e+06"), ('"%v" 123456.0', "123456"), ('"%v" 1234567.0', "1.234567e+06"),
    ('"%v" 0.0001', "0.0001"), ('"%v" 0.00001', "1e-05"), ('"%v" 3.14159', "3.14159"), ('"%v" -2.5', "-2.5"),
    ('"%v" 0.1', "0.1"), ('"%d" 42', "42"), ('"%5d|" 42', "   42|"), ('"%-5d|" 42', "42   |"),
    ('"%05d" -42', "-0042"), ('"%+d" 5', "+5"), ('"%x" 255', "ff"), ('"%X" 255', "FF"), ('"%#x" 255', "0xff"),
    ('"%o" 8', "10"), ('"%b" 5', "101"), ('"%c" 65', "A"), ('"%q" 65', "'A'"), ('"%U" 65', "U+0041"),
    ('"%s" "hi"', "hi"), ('"%5s|" "hi"', "   hi|"), ('"%-5s|" "hi"', "hi   |"), ('"%.1s" "hi"', "h"),
    ('"%q" "a\\"b"', '"a\\"b"'), ('"%x" "hi"', "6869"), ('"%t" true', "true"), ('"%v" false', "false"),
    ('"%f" 3.14159', "3.141590"), ('"%.2f" 3.14159', "3.14"), ('"%8.3f|" 3.14159', "   3.142|"),
    ('"%e" 1234.5678', "1.234568e+03"), ('"%.2e" 1234.5678', "1.23e+03"), ('"%E" 1234.5678', "1.234568E+03"),
    ('"%g" 1234.5678', "1234.5678"), ('"%.3g" 1234.5678', "1.23e+03"), ('"%g" 0.000001', "1e-06"),
    ('"%G" 1e-10', "1E-10"), ('"%%"', "%"), ('"%d%%" 50', "50%"),
    ('"%d" "x"', "%!d(string=x)"), ('"%s" 5', "%!s(int=5)"), ('"%t" 1', "%!t(int=1)"), ('"%d" 1.5', "%!d(float64=1.5)"),
    ('"%d"', "%!d(MISSING)"), ('"%d" 1 2', "1%!(EXTRA int=2)"), ('"%d" nil', "%!d(<nil>)"), ('"%v" nil', "<nil>"),
    ('"x%"', "x%!(NOVERB)"), ('"%z" 1', "%!z(int=1)"), ('"%T" 1', "int"), ('"%T" 1.5', "float64"),
    ('"%T" "s"', "string"), ('"%T" true', "bool"), ('"%T" nil', "<nil>"), ('"%*d" 5 42', "   42"),
    ('"%v" 1+2i', "(1+2i)"), ('"%.1f" 1+2i', "(1.0+2.0i)"), ('"%6.2f|" 2.0', "  2.00|"), ('"%+.1e" 1.0', "+1.0e+00"),
    ('"% d" 5', " 5"), ('"%08.3f" -3.14159', "-003.142"),
])
def test_printf(args, want):
    assert parse("{{printf " + args + "}}").execute(None) == want


@pytest.mark.parametrize(("data", "want"), [
    ({"b": 2, "a": 1}, "map[a:1 b:2]"), ([1, 2, 3], "[1 2 3]"), ([], "[]"), ({}, "map[]"),
    ([[1, 2], {"k": "v"}], "[[1 2] map[k:v]]"), ({2: "x", 10: "y", 1: "z"}, "map[1:z 2:x 10:y]"),
    (StringMap(host="a"), "map[host:a]"), ([1.5, None, True, "s"], "[1.5 <nil> true s]"),
    (Duration(1_500_000_000), "1.5s"),
])
def test_print_composites(data, want):
    assert parse("{{.}}").execute(data) == want
    assert parse("{{printf `%v` .}}").execute(data) == want


def test_printf_verb_applies_to_elements():
    assert parse('{{printf "%q" .}}').execute(["a", "b"]) == '["a" "b"]'
    assert parse('{{printf "%03d" .}}').execute([1, 2]) == "[001 002]"
    assert parse('{{printf "%d" .}}').execute(Duration(5)) == "5"
    assert parse('{{printf "%s" .}}').execute(Duration(5)) == "5ns"


@pytest.mark.parametrize(("text", "want"), [
    ("{{print 1 2}}", "1 2"), ('{{print "a" "b"}}', "ab"), ('{{print "a" 1 2 "b"}}', "a1 2b"),
    ("{{print 1.5 true}}", "1.5 true"), ('{{println "a" 1}}', "a 1\n"), ("{{print}}", ""),
    ('{{html "a&b<c>\'d"}}', "a&amp;b&lt;c&gt;&#39;d"), ("{{html 1 2}}", "1 2"),
    ('{{js "a\\\\b\\"c\'d<e>f&g=h\\n"}}', "a\\\\b\\\"c\\'d\\u003Ce\\u003Ef\\u0026g\\u003Dh\\u000A"),
    ('{{urlquery "a b&c=d/é~"}}', "a+b%26c%3Dd%2F%C3%A9~"),
])
def test_print_functions(text, want):
    assert parse(text).execute(None) == want


def test_plus_v_names_struct_fields_and_does_not_sign_numbers():
    from machstore.gotemplate.kapacitor import ServerInfo
    assert parse('{{printf "%+v" .}}').execute(ServerInfo("h", "c", "s")) == "{Hostname:h ClusterID:c ServerID:s}"
    assert parse('{{printf "%+v %+d" 5 5}}').execute(None) == "5 +5"


def test_string_method_is_used_and_its_failure_reported_inline():
    class Good:
        def String(self):
            return "good"

    class Bad:
        def String(self):
            raise ValueError("boom")

    assert parse("{{.}} {{printf `%s` .}}").execute(Good()) == "good good"
    assert parse("{{.}}").execute(Bad()) == "%!v(PANIC=String method: boom)"
