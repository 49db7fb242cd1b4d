"""The canonical TICKscript formatter against Kapacitor's ``fmt_test.go``, the seed task, and idempotence."""
import json
import pathlib
import re

import pytest
from tick_go_cases import CANONICAL_SCRIPTS, FORMAT_CASES

from machstore.tick import TickError, format_script

SEEDS = pathlib.Path("/work/shared/seeds")


@pytest.mark.parametrize(("script", "expected"), FORMAT_CASES)
def test_kapacitor_format_cases(script, expected):
    assert format_script(script) == expected


@pytest.mark.parametrize(("script", "expected"), FORMAT_CASES)
def test_format_is_idempotent(script, expected):
    assert format_script(expected) == expected


@pytest.mark.parametrize(("script", "expected"), [
    ("stream|from().measurement('cpu')", "stream\n    |from()\n        .measurement('cpu')\n"),
    ("var s = 'it\\'s'", "var s = 'it\\'s'\n"),
    ("var s = '''it's'''", "var s = '''it's'''\n"),
    ('var r = "a\\"b"', 'var r = "a\\"b"\n'),
    ("var x = 1e", "var x = 1\n\ne\n"),      # the number 1, then the identifier e as its own statement
    ("var x = 0.50", "var x = 0.5\n"),
    ("var x = 1.", "var x = 1.0\n"),
    ("var x = .5", "var x = 0.5\n"),
    ("var x = 100000000000000000000.0", "var x = 100000000000000000000.0\n"),
    ("var x = 0.0000001", "var x = 0.0000001\n"),
    ("var x = 00", "var x = 00\n"),
    ("var x = 1µ", "var x = 1µ\n"),
    ("var x = [ 'a' ,b,* ]", "var x = ['a', b, *]\n"),
    ("dbrp \"db\" . \"rp\"\nstream", 'dbrp "db"."rp"\n\nstream\n'),
    ("var x int", "var x int\n"),
    ("a@b()|c()", "a\n    @b()\n    |c()\n"),
    ("var f = lambda: !(\"a\" OR -\"b\")", 'var f = lambda: !("a" OR -"b")\n'),
    ("var f = lambda: \"a\" - (\"b\" - \"c\")", 'var f = lambda: "a" - ("b" - "c")\n'),
    ("", ""),
    ("// only a comment", "// only a comment\n\n"),     # a trailing comment keeps its blank line
])
def test_format_details(script, expected):
    assert format_script(script) == expected
    assert format_script(expected) == expected


def _seed_task():
    text = next(SEEDS.glob("001_*.txt")).read_text()
    request, response = re.findall(r"```http (?:request|response)\n(.*?)\n```", text, re.DOTALL)[:2]
    request = json.loads(request.split("\n", 1)[1])
    return request["script"], json.loads(response)["script"]


@pytest.mark.skipif(not SEEDS.exists(), reason="the shared seeds are not on this machine")
def test_seed_chronograf_task_formats_as_kapacitor_returned_it():
    sent, returned = _seed_task()
    assert format_script(sent) == returned
    assert format_script(returned) == returned


def test_format_refuses_what_does_not_parse():
    with pytest.raises(TickError, match=r"^parser: unexpected EOF line 1 char 9"):
        format_script("var x = ")


def test_line_breaks_move_up_one_operator_per_pass_as_in_kapacitor():
    # A binary node's position is its operator's, and Kapacitor breaks the line after an operator
    # when the source had a line break between the left node's position and the right operand.
    # So a break written before an operator comes out after it, and the next pass breaks the
    # enclosing operator too; the tree is the same every time.
    once = format_script("var x = 0\n+ 0 + 0")
    assert once == "var x = 0 +\n0 + 0\n"
    twice = format_script(once)
    assert twice == "var x = 0 +\n0 +\n0\n"
    assert format_script(twice) == twice


def test_lambda_expression_string():
    from machstore.tick import parse
    from machstore.tick.format import lambda_expression_string
    lam = parse('stream|where(lambda: "host" == \'a\'  AND ("v" > 1))').nodes[0].right.args[0]
    assert lambda_expression_string(lam) == '"host" == \'a\' AND ("v" > 1)'


@pytest.mark.parametrize("script", CANONICAL_SCRIPTS)
def test_scripts_kapacitor_returns_unchanged_are_fixed_points(script):
    assert format_script(script) == script
