"""Properties of the InfluxQL parser and formatter, on generated input.

* Any text gives statements or an :class:`InfluxQLParseError`, never another exception
  (random characters, and "token soup" built from InfluxQL's own words, which gets deeper
  into the grammar than random characters do).
* For generated syntax trees of every statement, ``parse(str(tree)) == tree``: the
  formatter writes text that the parser reads back into the same tree.  The generators only
  build trees the parser can produce (a binary operator's operands are parenthesised where
  precedence needs it, regexes only where InfluxQL takes them, no comparisons in SELECT
  fields), exactly the trees for which InfluxDB's own test asks the same of ``String()``.
"""
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from machstore.influxql import InfluxQLParseError, parse, parse_expr, parse_statement
from machstore.influxql import ast
from machstore.influxql.lexer import KEYWORDS

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MAX_INT64 = 2**63 - 1

# -- any text ------------------------------------------------------------------------------

WORDS = sorted(KEYWORDS) + [
    "*", "(", ")", ",", ";", ".", "..", "::", ":", "=", "!=", "<>", "=~", "!~", "<", "<=", ">", ">=", "+", "-",
    "/", "%", "&", "|", "^", "!", "$", "$p", "$$", "--", "/*", "*/", "'", '"', "\\", "/x/", "/(/", "/a\\/b/",
    "cpu", "value", "time", "host", "now()", "mean(", "count(", "fill(", "fill(none)", "fill(1.5)", "tz(",
    "tz('UTC')", "time(1m)", "time(1m, 30s)", "'a'", "'2000-01-01T00:00:00Z'", '"q d"', "1", "1.5", ".5", "-1",
    "1h", "1x", "15251w", "99999999999999999999", "::field", "::tag", "::float", ":MEASUREMENT", "db.rp.cpu",
    "db..cpu", "\n", "\t", "µ", "1µs",
]


def _check(text):
    try:
        statements = parse(text)
    except InfluxQLParseError as ex:
        assert str(ex)
        return
    for stmt in statements:
        str(stmt)


@SETTINGS
@given(st.text(max_size=80))
def test_random_text_never_crashes(text):
    _check(text)


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=30), st.sampled_from([" ", "", "\n"]))
def test_token_soup_never_crashes(words, sep):
    _check(sep.join(words))


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=20))
def test_token_soup_after_select_never_crashes(words):
    _check("SELECT " + " ".join(words))
    _check("SELECT v FROM m " + " ".join(words))


# -- names, literals, expressions -----------------------------------------------------------

TEXT = st.text(st.characters(blacklist_characters="\r", blacklist_categories=("Cs",)), max_size=12)
NAME = st.one_of(st.sampled_from(["cpu", "value", "host", "time", "select", "my db", "a.b", "1st", "x\"y", ""]),
                 TEXT)
NONEMPTY = NAME.filter(bool)
BARE = st.from_regex(r"[a-z_][a-z0-9_]{0,8}", fullmatch=True).filter(lambda s: s.upper() not in KEYWORDS)
REGEX = st.sampled_from(["cpu.*", "^a$", "a/b", "[0-9]+", "(?i)x", "", "a|b", "\\d"]).map(ast.RegexLiteral)
DURATION = st.integers(-MAX_INT64, MAX_INT64).map(ast.DurationLiteral)
TYPES = st.sampled_from(["", "float", "integer", "unsigned", "string", "boolean", "field", "tag"])


def _float_ok(x):
    return x == x and abs(x) != float("inf")


LITERALS = st.one_of(
    st.integers(-(2**63), MAX_INT64).map(ast.IntegerLiteral),
    st.integers(MAX_INT64 + 1, 2**64 - 1).map(ast.UnsignedLiteral),
    st.floats(allow_nan=False, allow_infinity=False).map(ast.NumberLiteral),
    TEXT.map(ast.StringLiteral),
    st.booleans().map(ast.BooleanLiteral),
    DURATION,
)
VARREF = st.builds(ast.VarRef, NAME, TYPES)

ARITH_OPS = ["+", "-", "*", "/", "%", "&", "|", "^"]
COMPARE_OPS = ["=", "!=", "<", "<=", ">", ">="]
LOGIC_OPS = ["AND", "OR"]
PRECEDENCE = {"OR": 1, "AND": 2, "=": 3, "!=": 3, "=~": 3, "!~": 3, "<": 3, "<=": 3, ">": 3, ">=": 3,
              "+": 4, "-": 4, "|": 4, "^": 4, "*": 5, "/": 5, "%": 5, "&": 5}


def _binary(op, lhs, rhs):
    """Build ``lhs op rhs`` as the parser would, parenthesising operands where precedence needs it."""
    p = PRECEDENCE[op]
    if isinstance(lhs, ast.BinaryExpr) and PRECEDENCE[lhs.op] < p:
        lhs = ast.ParenExpr(lhs)
    if isinstance(rhs, ast.BinaryExpr) and PRECEDENCE[rhs.op] <= p:
        rhs = ast.ParenExpr(rhs)
    return ast.BinaryExpr(op, lhs, rhs)


def _calls(children, name=BARE):
    return st.builds(lambda n, args: ast.Call(n, tuple(args)), name, st.lists(children, max_size=3))


def expressions(ops, leaves):
    """Expressions over ``leaves`` joined by ``ops``, with calls and parentheses."""
    def extend(children):
        return st.one_of(
            st.builds(_binary, st.sampled_from(ops), children, children),
            children.map(ast.ParenExpr),
            _calls(children),
        )
    return st.recursive(leaves, extend, max_leaves=8)


# Arithmetic (what a SELECT field may hold) and conditions (what WHERE may hold).
ARITH = expressions(ARITH_OPS, st.one_of(LITERALS, VARREF, st.just(ast.Call("now"))))


def _regex_match(ref, op, regex):
    return ast.BinaryExpr(op, ref, regex)


COMPARISON = st.one_of(
    st.builds(_binary, st.sampled_from(COMPARE_OPS), ARITH, ARITH),
    st.builds(_regex_match, VARREF, st.sampled_from(["=~", "!~"]), REGEX),
)
CONDITION = st.recursive(
    COMPARISON,
    lambda children: st.one_of(st.builds(_binary, st.sampled_from(LOGIC_OPS), children, children),
                               children.map(ast.ParenExpr)),
    max_leaves=5,
)


@SETTINGS
@given(st.one_of(ARITH, CONDITION))
def test_expressions_round_trip(expr):
    assert parse_expr(str(expr)) == expr


# -- SELECT --------------------------------------------------------------------------------

FIELD_EXPR = st.one_of(
    ARITH,
    REGEX,
    st.builds(ast.Wildcard, st.sampled_from(["", "field", "tag"])),
    BARE.map(ast.Distinct),
    st.builds(lambda n, a: ast.Call(n, (a,)), st.sampled_from(["count", "mean", "distinct", "top"]),
              st.one_of(VARREF, REGEX, st.builds(ast.Wildcard), BARE.map(ast.Distinct))),
)
FIELD = st.builds(ast.Field, FIELD_EXPR, st.one_of(st.just(""), NONEMPTY))
INTERVAL = st.integers(1, 10**15).map(ast.DurationLiteral)
TIME_DIMENSION = st.one_of(
    st.builds(lambda d: ast.Call("time", (d,)), INTERVAL),
    st.builds(lambda d, o: ast.Call("time", (d, o)), INTERVAL, st.one_of(DURATION, st.just(ast.Call("now")))),
)
DIMENSION = st.builds(ast.Dimension, st.one_of(TIME_DIMENSION, VARREF, st.builds(ast.Wildcard), REGEX))


def _measurement(db, rp, name, regex):
    if regex is None and not name:
        name = "m"
    return ast.Measurement(db, rp if db or rp else "", "" if regex is not None else name, regex)


MEASUREMENT = st.builds(_measurement, st.one_of(st.just(""), NONEMPTY), st.one_of(st.just(""), NONEMPTY), NAME,
                        st.one_of(st.none(), REGEX))
PLAIN_MEASUREMENT = st.builds(_measurement, st.just(""), st.just(""), NAME, st.one_of(st.none(), REGEX))


def _target(db, rp, name):
    if not name and not (db or rp):
        name = "into_m"
    return ast.Target(ast.Measurement(db, rp, name, is_target=True))


TARGET = st.builds(_target, st.one_of(st.just(""), NONEMPTY), st.one_of(st.just(""), NONEMPTY), NAME)
FILL = st.one_of(
    st.tuples(st.sampled_from(["null", "none", "previous", "linear"]), st.none()),
    st.tuples(st.just("number"), st.integers(-(2**63), MAX_INT64)),
    # %v writes floats below 1e-4 or from 1e21 with an exponent InfluxQL cannot read back (as in InfluxDB)
    st.tuples(st.just("number"), st.floats(-1e15, 1e15).filter(lambda x: x == 0 or abs(x) >= 1e-4)),
)
SORT = st.one_of(st.just(()), st.builds(lambda n, a: (ast.SortField(n, a),), st.sampled_from(["", "time"]),
                                        st.booleans()))
LIMIT = st.one_of(st.just(0), st.integers(1, MAX_INT64))
ZONE = st.sampled_from(["", "UTC", "America/New_York", "Europe/Paris", "Asia/Kolkata"])


def _select(fields, target, sources, condition, dimensions, fill, sort_fields, limits, location):
    return ast.Select(tuple(fields), target, tuple(sources), condition, tuple(dimensions), fill[0], fill[1],
                      sort_fields, *limits, location)


def selects(sources, target=st.none()):
    return st.builds(_select, st.lists(FIELD, min_size=1, max_size=3), target,
                     st.lists(sources, min_size=1, max_size=2), st.one_of(st.none(), CONDITION),
                     st.lists(DIMENSION, max_size=3), FILL, SORT, st.tuples(LIMIT, LIMIT, LIMIT, LIMIT), ZONE)


INNER_SELECT = selects(MEASUREMENT)
SELECT = selects(st.one_of(MEASUREMENT, INNER_SELECT.map(ast.SubQuery)), st.one_of(st.none(), TARGET))


@SETTINGS
@given(SELECT)
def test_select_round_trips(stmt):
    assert parse_statement(str(stmt)) == stmt


# -- the other statements -------------------------------------------------------------------

SOURCES = st.lists(MEASUREMENT, max_size=2).map(tuple)
PLAIN_SOURCES = st.lists(PLAIN_MEASUREMENT, max_size=2).map(tuple)
DIMENSIONS = st.lists(DIMENSION, max_size=2).map(tuple)
ON = st.one_of(st.just(""), NONEMPTY)
MAYBE_CONDITION = st.one_of(st.none(), CONDITION)
TAG_KEY = st.one_of(
    st.tuples(st.sampled_from(["=", "!="]), NAME.map(ast.StringLiteral)),
    st.tuples(st.sampled_from(["=~", "!~"]), REGEX),
    st.tuples(st.just("IN"), st.lists(NAME, min_size=1, max_size=3).map(lambda v: ast.ListLiteral(tuple(v)))),
)


def _series_filter(cls):
    return st.builds(lambda s, c: cls(s, c if c is not None or s else ast.BinaryExpr("=", ast.VarRef("a"),
                                                                                      ast.StringLiteral("b"))),
                     PLAIN_SOURCES, MAYBE_CONDITION)


def _cardinality(cls):
    return st.builds(cls, ON, st.booleans(), SOURCES, MAYBE_CONDITION, DIMENSIONS, LIMIT, LIMIT)


def _cq(name, db, source, every, for_):
    interval = source.group_by_interval()
    if for_:
        for_ = max(for_, interval, every)
    return ast.CreateContinuousQuery(name, db, source, every, for_)


CQ_SELECT = st.builds(
    lambda s, d: ast.Select(s.fields, s.target, s.sources, s.condition, (ast.Dimension(d),) + s.dimensions,
                            s.fill, s.fill_value, s.sort_fields, s.limit, s.offset, s.slimit, s.soffset, s.location),
    selects(MEASUREMENT, TARGET).map(lambda s: ast.Select(
        s.fields, s.target, s.sources, s.condition,
        tuple(d for d in s.dimensions if not (isinstance(d.expr, ast.Call) and d.expr.name == "time")),
        s.fill, s.fill_value, s.sort_fields, s.limit, s.offset, s.slimit, s.soffset, s.location)),
    TIME_DIMENSION,
)
RESAMPLE = st.one_of(st.just(0), st.integers(1, 10**15))

STATEMENTS = st.one_of(
    st.just(ast.ShowDatabases()),
    st.builds(ast.CreateDatabase, NAME),
    st.builds(ast.DropDatabase, NAME),
    st.builds(ast.ShowRetentionPolicies, ON),
    st.builds(ast.DropRetentionPolicy, NAME, NAME),
    st.builds(ast.ShowMeasurements, ON, st.one_of(st.none(), PLAIN_MEASUREMENT), MAYBE_CONDITION, SORT, LIMIT, LIMIT),
    st.builds(ast.ShowSeries, ON, SOURCES, MAYBE_CONDITION, SORT, LIMIT, LIMIT),
    st.builds(ast.ShowTagKeys, ON, SOURCES, MAYBE_CONDITION, SORT, LIMIT, LIMIT, LIMIT, LIMIT),
    st.builds(lambda db, s, k, c, o, lim, off: ast.ShowTagValues(db, s, k[0], k[1], c, o, lim, off),
              ON, SOURCES, TAG_KEY, MAYBE_CONDITION, SORT, LIMIT, LIMIT),
    st.builds(ast.ShowFieldKeys, ON, SOURCES, SORT, LIMIT, LIMIT),
    _series_filter(ast.DeleteSeries),
    _series_filter(ast.DropSeries),
    st.builds(ast.DropMeasurement, NAME),
    st.builds(ast.DropShard, st.integers(0, 2**64 - 1)),
    _cardinality(ast.ShowSeriesCardinality),
    _cardinality(ast.ShowMeasurementCardinality),
    _cardinality(ast.ShowTagKeyCardinality),
    _cardinality(ast.ShowFieldKeyCardinality),
    st.builds(lambda db, e, s, k, c, d, lim, off: ast.ShowTagValuesCardinality(db, e, s, k[0], k[1], c, d, lim, off),
              ON, st.booleans(), SOURCES, TAG_KEY, MAYBE_CONDITION, DIMENSIONS, LIMIT, LIMIT),
    st.just(ast.ShowQueries()),
    st.builds(ast.KillQuery, st.integers(0, 2**64 - 1), ON),
    st.just(ast.ShowContinuousQueries()),
    st.builds(_cq, NAME, NAME, CQ_SELECT, RESAMPLE, RESAMPLE),
    st.builds(ast.DropContinuousQuery, NAME, NAME),
    st.builds(ast.DropUser, NAME),
    st.builds(ast.Grant, st.sampled_from(["READ", "WRITE", "ALL PRIVILEGES"]), NAME, NAME),
    st.builds(ast.GrantAdmin, NAME),
    st.builds(ast.Revoke, st.sampled_from(["READ", "WRITE", "ALL PRIVILEGES"]), NAME, NAME),
    st.builds(ast.RevokeAdmin, NAME),
    st.just(ast.ShowUsers()),
    st.builds(ast.ShowGrantsForUser, NAME),
    st.builds(ast.Explain, SELECT, st.booleans()),
    st.builds(ast.ShowStats, TEXT),
    st.builds(ast.ShowDiagnostics, TEXT),
    st.just(ast.ShowShards()),
    st.just(ast.ShowShardGroups()),
    st.just(ast.ShowSubscriptions()),
    st.builds(lambda n, d, r, dest, m: ast.CreateSubscription(n, d, r, tuple(dest), m), NAME, NAME, NAME,
              st.lists(TEXT, min_size=1, max_size=3), st.sampled_from(["ALL", "ANY"])),
    st.builds(ast.DropSubscription, NAME, NAME, NAME),
)


@SETTINGS
@given(STATEMENTS)
def test_statements_round_trip(stmt):
    assert parse_statement(str(stmt)) == stmt


@SETTINGS
@given(st.lists(STATEMENTS, min_size=1, max_size=3))
def test_statement_lists_round_trip(statements):
    assert parse(";\n".join(str(s) for s in statements)) == statements


@SETTINGS
@given(NAME, TEXT, st.booleans())
def test_passwords_are_redacted(name, password, admin):
    stmt = parse_statement(f"CREATE USER {ast.quote_ident(name)} WITH PASSWORD {ast.quote_string(password)}"
                           + (" WITH ALL PRIVILEGES" if admin else ""))
    assert stmt == ast.CreateUser(name, password, admin)
    assert "[REDACTED]" in str(stmt) and "password" not in repr(stmt)
    stmt = parse_statement(f"SET PASSWORD FOR {ast.quote_ident(name)} = {ast.quote_string(password)}")
    assert stmt == ast.SetPasswordUser(name, password)
    assert str(stmt) == f"SET PASSWORD FOR {ast.quote_ident(name)} = [REDACTED]"

