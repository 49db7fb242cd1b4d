"""Properties of the TICKscript front end, on generated input.

* Any text gives a tree or a :class:`TickError`, never another exception (random characters,
  and "token soup" built from TICKscript's own words, which gets deeper into the grammar).
* For generated scripts (statements, chains, property calls, lambdas with every operator,
  lists, comments, odd spacing and line breaks): ``parse(format(tree))`` is the same tree
  (Kapacitor's ``Equal``: positions and comments aside), and formatting is idempotent.
"""
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from machstore.tick import TickError, format_node, format_script, parse

# The generated strategies are big; Hypothesis warns when it prints them, which is only noise here.
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")

SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# -- any text ------------------------------------------------------------------------------

WORDS = [
    "var", "dbrp", "lambda:", "lambda", "TRUE", "FALSE", "AND", "OR", "stream", "batch", "from", "x", "é",
    "(", ")", "[", "]", ",", ".", "|", "@", "*", "=", "==", "!=", "<", "<=", ">", ">=", "=~", "!~", "+", "-",
    "/", "%", "!", "'", "'''", '"', "\\", "//", "// c\n", "/x/", "/(/", "/a\\/b/", "'s'", "'''t'''", '"r"',
    '"a\\"b"', "1", "1.5", ".5", "1.2.3", "08", "0644", "10s", "1ms", "1µ", "5d", "99999999999999999999",
    "99999999999999999999s", "\n", "\t", " ", "#", "$", "\x00",
]


def _check(text):
    try:
        tree = parse(text)
    except TickError as ex:
        assert str(ex).startswith("parser: ")
        return
    format_node(tree)


@SETTINGS
@given(st.text(max_size=80))
def test_random_text_never_crashes(text):
    _check(text)


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=30), st.sampled_from([" ", "", "\n"]))
def test_token_soup_never_crashes(words, sep):
    _check(sep.join(words))


# -- generated scripts -----------------------------------------------------------------------

IDENT = st.sampled_from(["x", "y", "data", "crit", "lambda", "trigger", "é1", "a_1"])
FUNC = st.sampled_from(["from", "window", "eval", "alert", "abs", "sigma", "if", "httpOut"])
SPACE = st.sampled_from([" ", " ", " ", "\n", "  \n    ", "\t"])
COMMENT = st.sampled_from(["", "", "", "// note\n", "//x\n", "//   indented\n", "// a\n\n// b\n", "//\n"])


def _literal():
    return st.one_of(
        st.integers(0, 10**12).map(str),
        st.sampled_from(["0644", "00", "1.5", ".25", "100.0", "3.0000001"]),
        st.sampled_from(["10s", "1m", "5ms", "1µ", "2h", "1d", "3w", "7u"]),
        st.sampled_from(["'str'", "'it\\'s'", "''", "'''tri'ple'''", "'{{.Group}}'"]),
        st.sampled_from(['"value"', '"a b"', '"q\\"d"', '"current.value"']),
        st.sampled_from(["TRUE", "FALSE"]),
        IDENT,
    )


OPS = st.sampled_from(["+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">=", "AND", "OR"])


def _script(op_space):
    """Scripts whose expressions are spaced with ``op_space`` (line breaks or not)."""
    def extend(sub):
        return st.one_of(
            st.tuples(sub, op_space, OPS, op_space, sub).map(lambda t: "".join(t)),
            st.tuples(sub, OPS, sub).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
            st.tuples(st.sampled_from(["-", "!"]), sub).map(lambda t: f"{t[0]}({t[1]})"),
            st.tuples(FUNC, st.lists(sub, max_size=3), op_space).map(
                lambda t: f"{t[0]}({(',' + t[2]).join(t[1])})"),
            # a regex ends an operand only inside parentheses ("/a/ + 1" does not lex in Kapacitor)
            st.tuples(sub, st.sampled_from(["=~", "!~"])).map(lambda t: f"({t[0]} {t[1]} /r[0-9]+/)"),
        )

    expr = st.recursive(_literal(), extend, max_leaves=8)
    arg = st.one_of(
        expr,
        expr.map(lambda e: "lambda: " + e),
        st.sampled_from(["/^a.*$/", "/x\\/y/", "*"]),     # "lambda: *" lexes '*' as multiplication
        st.lists(st.sampled_from(["'a'", "b", "*"]), max_size=3).map(lambda items: "[" + ", ".join(items) + "]"),
    )

    def call(prefix):
        return st.tuples(COMMENT, SPACE, FUNC, st.lists(arg, max_size=3), SPACE).map(
            lambda t: f"{t[0]}{t[1]}{prefix}{t[2]}({(',' + t[4]).join(t[3])})")

    link = st.one_of(call("|"), call("."), call("@"), st.tuples(SPACE, IDENT).map(lambda t: f"{t[0]}.{t[1]}"))
    chain = st.tuples(st.sampled_from(["stream", "batch", "data", "x"]), st.lists(link, min_size=1, max_size=6))
    chain = chain.map(lambda t: t[0] + "".join(t[1]))
    statement = st.tuples(COMMENT, st.one_of(
        st.tuples(IDENT, SPACE, st.one_of(chain, arg)).map(lambda t: f"var {t[0]} ={t[1]}{t[2]}"),
        st.tuples(IDENT, st.sampled_from(["int", "float", "string", "lambda", "duration"])).map(
            lambda t: f"var {t[0]} {t[1]}"),
        chain,
        st.sampled_from(['dbrp "telegraf"."autogen"', 'dbrp "db" . "rp"']),
    )).map(lambda t: t[0] + t[1])
    return st.tuples(st.lists(statement, min_size=1, max_size=5), st.sampled_from(["\n", "\n\n", "\n  \n"]),
                     COMMENT).map(lambda t: t[1].join(t[0]) + "\n" + t[2])


SCRIPT = _script(SPACE)
ONE_LINE_EXPRESSIONS_SCRIPT = _script(st.sampled_from([" ", "  ", "\t"]))


@SETTINGS
@given(SCRIPT)
def test_formatted_script_parses_back_to_the_same_tree(script):
    tree = parse(script)
    text = format_node(tree)
    again = parse(text)
    assert again.equal(tree), (script, text)


@SETTINGS
@given(ONE_LINE_EXPRESSIONS_SCRIPT)
def test_format_is_idempotent(script):
    once = format_script(script)
    assert format_script(once) == once


@SETTINGS
@given(SCRIPT)
def test_format_settles_on_a_fixed_point(script):
    # Kapacitor's quirk (see test_tick_format): an expression written across lines is laid out
    # again by a later pass (a binary node's position is its operator's, so a line break moves
    # up one operator per pass); the tree never changes and the text stops changing.
    tree = parse(script)
    text = format_node(tree)
    for _ in range(20):
        again = format_script(text)
        if again == text:
            break
        assert parse(again).equal(tree)
        text = again
    assert format_script(text) == text
