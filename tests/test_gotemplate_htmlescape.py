"""html/template's escaping of actions in HTML text (machstore/gotemplate/htmlescape.py).

Expected texts are Go's: ``html/template`` escapes ``" & ' + < >`` and NUL in what an action
prints (``htmlReplacementTable``), prints nil as nothing, and removes HTML comments.
"""
import pytest

from machstore.gotemplate import TemplateParseError
from machstore.gotemplate.htmlescape import html_escape, html_template
from machstore.gotemplate.kapacitor import FUNCS


@pytest.mark.parametrize(("text", "want"), [
    ('a"b', "a&#34;b"), ("a&b", "a&amp;b"), ("it's", "it&#39;s"), ("1+1", "1&#43;1"),
    ("<i>", "&lt;i&gt;"), ("nul\0", "nul\ufffd"), ("plain é", "plain é"),
])
def test_html_escape_table(text, want):
    assert html_escape(text) == want


@pytest.mark.parametrize(("tmpl", "data", "want"), [
    ("{{ . }}", '<a href="x">', "&lt;a href=&#34;x&#34;&gt;"),
    ("<b>{{ .M }}</b>", {"M": "x & y"}, "<b>x &amp; y</b>"),       # the template's own HTML stays
    ("{{ .Missing }}|{{ .M }}", {"M": 1}, "|1"),                      # nil prints nothing
    ("{{ .N }} {{ .F }} {{ .B }}", {"N": 3, "F": 1.5, "B": True}, "3 1.5 true"),
    ("{{ printf \"%q\" .M }}", {"M": "a"}, "&#34;a&#34;"),
    ("{{ .M | print }}", {"M": "<"}, "&lt;"),
    ("x<!-- secret {{/* c */}} -->y{{ .M }}", {"M": "'"}, "xy&#39;"),  # comments removed
    ("{{ if .M }}<i>{{ .M }}</i>{{ else }}none{{ end }}", {"M": "+"}, "<i>&#43;</i>"),
    ("{{ range .L }}<li>{{ . }}</li>{{ end }}", {"L": ["<", ">"]}, "<li>&lt;</li><li>&gt;</li>"),
    ("{{ with $x := .M }}{{ $x }}{{ end }}", {"M": "&"}, "&amp;"),
    ('{{ define "t" }}[{{ . }}]{{ end }}{{ template "t" .M }}', {"M": '"'}, "[&#34;]"),
    ("<p class=x>{{ .M }}</p>", {"M": "<"}, "<p class=x>&lt;</p>"),
    ("<script>var x = 1;</script>{{ .M }}", {"M": "<"}, "<script>var x = 1;</script>&lt;"),
])
def test_actions_in_text_are_escaped(tmpl, data, want):
    assert html_template("details", tmpl).execute(data) == want


def test_kapacitor_json_helper_output_is_escaped():
    t = html_template("details", "{{ json . }}", FUNCS)
    assert t.execute({"a": "<x>", "b": 1}) == '{&#34;a&#34;:&#34;\\u003cx\\u003e&#34;,&#34;b&#34;:1}\n'


@pytest.mark.parametrize(("tmpl", "where"), [
    ('<a href="{{ .U }}">', "an attribute value"),
    ("<a title='{{ .U }}'>", "an attribute value"),
    ("<a {{ .U }}>", "an HTML tag"),
    ("<script>var x = {{ .U }};</script>", "a <script> element"),
    ("<style>{{ .U }}</style>", "a <style> element"),
    ("<title>{{ .U }}</title>", "a <title> element"),
    ("<!-- {{ .U }} -->", "an HTML comment"),
])
def test_actions_outside_text_are_refused(tmpl, where):
    with pytest.raises(TemplateParseError, match=f"is in {where}: machstore escapes actions in HTML text only"):
        html_template("details", tmpl)


def test_branches_must_end_in_text_and_predefined_escapers_are_refused():
    with pytest.raises(TemplateParseError, match=r"\{\{if\}\} branches end in different contexts"):
        html_template("d", "{{ if .A }}<a href='{{ else }}x{{ end }}")
    with pytest.raises(TemplateParseError, match="ends in a non-text context"):
        html_template("d", "<a href='x")
    with pytest.raises(TemplateParseError, match="predefined escaper 'html'"):
        html_template("d", "{{ .A | html }}")


def test_text_template_errors_keep_gos_text():
    with pytest.raises(Exception, match='function "nope" not defined'):
        html_template("details", "{{ nope }}")
    t = html_template("details", "{{ .A.B }}")
    with pytest.raises(Exception, match=r'executing "details" at <\.A\.B>'):
        t.execute({"A": 1})
