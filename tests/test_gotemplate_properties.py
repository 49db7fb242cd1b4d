"""Properties of the Go template engine on random input: it fails only with TemplateError.

Random text (template-shaped fragments and arbitrary Unicode) is parsed and, when it parses,
executed on a few data shapes; anything but a rendered string or a
:class:`~machstore.gotemplate.TemplateError` (parse or execution) is a bug.  Successful parses
also round-trip: the canonical text parses to a tree that prints the same.
"""
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from machstore.gotemplate import Duration, StringMap, Template, TemplateError, Time
from machstore.gotemplate import parser as gparser
from machstore.gotemplate.functions import BUILTINS

FRAGMENTS = [
    "{{", "}}", "{{-", "-}}", " ", "\n", "x", ".", ".A", ".B", ".Tags", ".Fields", ".Fields.value", "$", "$x", "$y",
    ":=", "=", ",", "|", "(", ")", "if", "else", "end", "range", "with", "define", "template", "block", "break",
    "continue", "nil", "true", "false", "0", "1", "2", "-1", "1.5", "1e3", "0x1f", "'a'", "1i", '"s"', '"A"', "`r`",
    "index", "len", "slice", "print", "printf", "println", "eq", "ne", "lt", "le", "gt", "ge", "and", "or", "not",
    "html", "js", "urlquery", "call", '"%d"', '"%v"', '"%s %q"', "/*", "*/", "#", "+", "-", "'", '"', "`", "{", "}",
]

DATA = [
    None, 0, "str", [1, 2, 3], {"A": 1, "B": [1, "two", None], "Tags": StringMap(host="h"),
                                "Fields": {"value": 1.5}, "x": {"y": 2}},
    {"A": Duration(1500), "B": Time(10**9)},
]

template_text = st.one_of(
    st.lists(st.sampled_from(FRAGMENTS), max_size=25).map("".join),
    st.text(max_size=40),
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=3)), max_size=15).map("".join),
)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(template_text)
def test_random_text_fails_only_with_template_error(text):
    try:
        tmpl = Template("t").parse(text)
    except TemplateError:
        return
    for data in DATA:
        try:
            out = tmpl.execute(data)
        except TemplateError:
            continue
        assert isinstance(out, str)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=25).map("".join))
def test_canonical_text_round_trips(text):
    funcs = set(BUILTINS)
    try:
        trees = gparser.parse("t", text, funcs)
    except TemplateError:
        return
    for name, tree in trees.items():
        canonical = str(tree.root)
        again = gparser.parse(name, canonical, funcs)
        assert str(again[name].root) == canonical
