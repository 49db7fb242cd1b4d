"""InfluxQL SELECT and the rest of the 1.8 language: messy text -> AST, AST -> canonical text, errors.

Complements ``test_influxql_go_cases.py`` (InfluxDB's own tables) with the cases the
executor leans on: INTO and ``:MEASUREMENT``, nested subqueries, ``db.rp.m`` / ``db..m`` /
regex sources, ``GROUP BY time(d, offset)``, ``fill()``, ``tz()``, ``ORDER BY time DESC``,
comments, bound parameters and RE2 regexes with Go's error texts.  Error texts marked
"1.8.10" were checked against InfluxDB 1.8.10's parser (influxql 65d3ef7) by reading it.
"""
import pytest

from machstore.influxql import InfluxQLParseError, parse, parse_expr, parse_statement
from machstore.influxql.ast import (
    BinaryExpr, BoundParameter, Call, CreateContinuousQuery, DeleteSeries, Dimension, Distinct, DurationLiteral,
    Explain, Field, IntegerLiteral, KillQuery, Measurement, NumberLiteral, ParenExpr, RegexLiteral, Select,
    ShowSeriesCardinality, ShowTagValuesCardinality, SortField, StringLiteral, SubQuery, Target, TimeLiteral,
    VarRef, Wildcard, go_float, walk,
)
from machstore.influxql.execute import execute, statement_kind
from machstore.influxql.parser import bind_value

S, M, H, D = 10**9, 60 * 10**9, 3600 * 10**9, 86400 * 10**9
CPU = Measurement(name="cpu")


def mean(ref="value"):
    return Call("mean", (VarRef(ref),))


def error_of(text, params=None):
    with pytest.raises(InfluxQLParseError) as info:
        parse(text, params)
    return str(info.value)


# -- text -> AST -----------------------------------------------------------------------

AST_CASES = [
    ("SELECT mean(value) FROM cpu WHERE time > now() - 1h GROUP BY time(1m) fill(none)",
     Select((Field(mean()),), sources=(CPU,),
            condition=BinaryExpr(">", VarRef("time"), BinaryExpr("-", Call("now"), DurationLiteral(H))),
            dimensions=(Dimension(Call("time", (DurationLiteral(M),))),), fill="none")),
    ("select MEAN(value) as m, max(v)::float from cpu",  # call names are lower-cased; a cast after a call is not one
     None),
    ("SELECT * INTO \"db\".\"rp\".:MEASUREMENT FROM /cpu.*/ GROUP BY *",
     Select((Field(Wildcard()),), Target(Measurement("db", "rp", "", is_target=True)),
            (Measurement(regex=RegexLiteral("cpu.*")),), dimensions=(Dimension(Wildcard()),))),
    ("SELECT v INTO db..:MEASUREMENT FROM cpu",
     Select((Field(VarRef("v")),), Target(Measurement("db", "", "", is_target=True)), (CPU,))),
    ("SELECT v INTO rp.:MEASUREMENT FROM cpu",
     Select((Field(VarRef("v")),), Target(Measurement(retention_policy="rp", is_target=True)), (CPU,))),
    ("SELECT v INTO other FROM cpu", Select((Field(VarRef("v")),), Target(Measurement(name="other", is_target=True)),
                                            (CPU,))),
    ("SELECT v FROM db.rp.cpu, db..mem, rp.disk, db.rp./net.*/, db../io/, rp./x/",
     Select((Field(VarRef("v")),), sources=(
         Measurement("db", "rp", "cpu"), Measurement("db", "", "mem"), Measurement(retention_policy="rp", name="disk"),
         Measurement("db", "rp", regex=RegexLiteral("net.*")), Measurement("db", "", regex=RegexLiteral("io")),
         Measurement(retention_policy="rp", regex=RegexLiteral("x"))))),
    ("SELECT max(m) FROM (SELECT mean(v) AS m FROM (SELECT v FROM cpu WHERE v > 0) GROUP BY time(1h, 15m), host)",
     Select((Field(Call("max", (VarRef("m"),))),), sources=(SubQuery(Select(
         (Field(Call("mean", (VarRef("v"),)), "m"),),
         sources=(SubQuery(Select((Field(VarRef("v")),), sources=(CPU,),
                                  condition=BinaryExpr(">", VarRef("v"), IntegerLiteral(0)))),),
         dimensions=(Dimension(Call("time", (DurationLiteral(H), DurationLiteral(15 * M)))),
                     Dimension(VarRef("host"))))),))),
    ("SELECT v FROM cpu ORDER BY time DESC LIMIT 10 OFFSET 5 SLIMIT 2 SOFFSET 1 tz('America/Chicago')",
     Select((Field(VarRef("v")),), sources=(CPU,), sort_fields=(SortField("time", False),), limit=10, offset=5,
            slimit=2, soffset=1, location="America/Chicago")),
    ("SELECT v FROM cpu tz('')", Select((Field(VarRef("v")),), sources=(CPU,), location="UTC")),
    ("SELECT count(v) FROM cpu GROUP BY time(1d, now()), /ho.*/ fill(-2.5)",
     Select((Field(Call("count", (VarRef("v"),))),), sources=(CPU,),
            dimensions=(Dimension(Call("time", (DurationLiteral(D), Call("now")))),
                        Dimension(RegexLiteral("ho.*"))), fill="number", fill_value=-2.5)),
    ("SELECT count(v) FROM cpu GROUP BY time(1m) FILL(Previous)",  # fill's argument is read as a name: any case
     None),
    ("SELECT count(DISTINCT host), DISTINCT(v), DISTINCT v, -v, - 1.5, top(v, host, 3) FROM cpu",
     Select((Field(Call("count", (Distinct("host"),))), Field(Call("distinct", (VarRef("v"),))), Field(Distinct("v")),
             Field(BinaryExpr("*", IntegerLiteral(-1), VarRef("v"))), Field(NumberLiteral(-1.5)),
             Field(Call("top", (VarRef("v"), VarRef("host"), IntegerLiteral(3))))), sources=(CPU,))),
    ("SELECT v::integer, *::tag, \"a b\"::field FROM cpu",
     Select((Field(VarRef("v", "integer")), Field(Wildcard("tag")), Field(VarRef("a b", "field"))), sources=(CPU,))),
    ("SELECT (a + b) * c / 2 % 3 FROM cpu",
     Select((Field(BinaryExpr("%", BinaryExpr("/", BinaryExpr("*", ParenExpr(BinaryExpr("+", VarRef("a"), VarRef("b"))),
                                                                 VarRef("c")), IntegerLiteral(2)),
                              IntegerLiteral(3))),), sources=(CPU,))),
    ("-- a comment\nSELECT v /* inline */ -- trailing\nFROM cpu WHERE /* here too */ v > 1 /* and here */",
     Select((Field(VarRef("v")),), sources=(CPU,), condition=BinaryExpr(">", VarRef("v"), IntegerLiteral(1)))),
    ("SELECT v FROM cpu WHERE time >= '2020-01-01T00:00:00Z' AND time < '2020-01-02' AND host =~ /^a/ "
     "OR NOT_A_KEYWORD != 'x'",
     Select((Field(VarRef("v")),), sources=(CPU,), condition=BinaryExpr(
         "OR",
         BinaryExpr("AND", BinaryExpr("AND", BinaryExpr(">=", VarRef("time"), StringLiteral("2020-01-01T00:00:00Z")),
                                      BinaryExpr("<", VarRef("time"), StringLiteral("2020-01-02"))),
                    BinaryExpr("=~", VarRef("host"), RegexLiteral("^a"))),
         BinaryExpr("!=", VarRef("NOT_A_KEYWORD"), StringLiteral("x"))))),
    ("EXPLAIN ANALYZE SELECT v FROM cpu", Explain(Select((Field(VarRef("v")),), sources=(CPU,)), True)),
    ("DELETE WHERE time < '2020-01-01'",
     DeleteSeries(condition=BinaryExpr("<", VarRef("time"), StringLiteral("2020-01-01")))),
    ("SHOW SERIES EXACT CARDINALITY ON db FROM cpu WHERE host = 'a' GROUP BY region LIMIT 5 OFFSET 1",
     ShowSeriesCardinality("db", True, (CPU,), BinaryExpr("=", VarRef("host"), StringLiteral("a")),
                           (Dimension(VarRef("region")),), 5, 1)),
    ("SHOW TAG VALUES CARDINALITY WITH KEY =~ /h/",
     ShowTagValuesCardinality(op="=~", tag_key=RegexLiteral("h"))),
    ("KILL QUERY 18446744073709551615 ON \"host:8088\"", KillQuery(2**64 - 1, "host:8088")),
    ("CREATE CONTINUOUS QUERY \"cq 1\" ON db RESAMPLE EVERY 2m FOR 1h BEGIN "
     "SELECT mean(value) INTO db.rp.:MEASUREMENT FROM /.*/ GROUP BY time(30m), * END",
     CreateContinuousQuery("cq 1", "db", Select(
         (Field(mean()),), Target(Measurement("db", "rp", "", is_target=True)), (Measurement(regex=RegexLiteral(".*")),),
         dimensions=(Dimension(Call("time", (DurationLiteral(30 * M),))), Dimension(Wildcard()))), 2 * M, H)),
]


@pytest.mark.parametrize("text, expected", [c for c in AST_CASES if c[1] is not None],
                         ids=[c[0] for c in AST_CASES if c[1] is not None])
def test_parse_to_ast(text, expected):
    stmt = parse_statement(text)
    assert stmt == expected
    assert parse_statement(str(stmt)) == stmt


def test_call_names_are_lower_cased_and_a_cast_after_a_call_is_refused():
    assert parse_statement("SELECT MEAN(value) AS m FROM cpu").fields == (Field(mean(), "m"),)
    assert error_of("select max(v)::float from cpu") == "found ::, expected FROM at line 1, char 14"


def test_fill_argument_is_read_by_its_text():
    assert parse_statement("SELECT count(v) FROM cpu GROUP BY time(1m) fill(previous)").fill == "previous"
    assert parse_statement("SELECT count(v) FROM cpu GROUP BY time(1m) FILL(linear)").fill == "linear"
    # NOTE: as in InfluxDB, fill(Previous) is the name Previous, which is not an option.
    assert error_of("SELECT count(v) FROM cpu GROUP BY time(1m) fill(Previous)") == "expected number argument in fill()"
    stmt = parse_statement("SELECT count(v) FROM cpu fill(0)")
    assert (stmt.fill, stmt.fill_value) == ("number", 0)


def test_positions():
    stmt = parse_statement("SELECT a,\n  b AS x FROM cpu\nWHERE v > 1 GROUP BY time(1m)")
    assert stmt.pos == (1, 1)
    assert [f.pos for f in stmt.fields] == [(1, 8), (2, 3)]
    assert stmt.sources[0].pos == (2, 15)
    assert stmt.condition.pos == (3, 7)
    assert stmt.dimensions[0].pos == (3, 22)


def test_select_helpers():
    stmt = parse_statement("SELECT mean(v) FROM cpu GROUP BY host, time(1h, -10m) ORDER BY time DESC")
    assert (stmt.is_raw_query, stmt.time_ascending) == (False, False)
    assert stmt.group_by_interval() == H
    assert stmt.group_by_offset() == -10 * M  # Go's % keeps the sign
    assert parse_statement("SELECT v FROM cpu GROUP BY time(1h, 70m)").group_by_offset() == 10 * M
    assert parse_statement("SELECT v FROM cpu").group_by_interval() == 0
    with pytest.raises(ValueError, match="time dimension must have duration argument"):
        parse_statement("SELECT v FROM cpu GROUP BY time(v)").group_by_interval()
    with pytest.raises(ValueError, match="time dimension expected 1 or 2 arguments"):
        parse_statement("SELECT v FROM cpu GROUP BY time()").group_by_interval()
    assert [type(n).__name__ for n in walk(parse_expr("a + f(1)"))] == [
        "BinaryExpr", "VarRef", "Call", "IntegerLiteral"]


# -- AST -> canonical text ----------------------------------------------------------------------

FORMAT_CASES = [
    ("select mean(value) from cpu where time > now()-1h group by time(1m) fill(none)",
     "SELECT mean(value) FROM cpu WHERE time > now() - 1h GROUP BY time(1m) fill(none)"),
    ("select * into \"db\".\"rp\".:measurement from cpu", "SELECT * INTO db.rp.:MEASUREMENT FROM cpu"),
    ("select v from \"my db\"..\"select\", \"cpu\"", 'SELECT v FROM "my db"..\"select\", cpu'),
    ("select v from cpu fill(null)", "SELECT v FROM cpu"),
    ("select v from cpu group by time(60s) fill(1.0)", "SELECT v FROM cpu GROUP BY time(1m) fill(1)"),
    ("select v from cpu order by time desc tz('Europe/Paris')",
     "SELECT v FROM cpu ORDER BY time DESC TZ('Europe/Paris')"),
    ("select v from cpu order by desc", "SELECT v FROM cpu ORDER BY DESC"),
    ("select 1.50, .5, 100., 1e0 from m", None),
    ("select 1.50, .5, 100. from m", "SELECT 1.5, 0.5, 100.0 FROM m"),
    ("select -v, -(a+b), - 2 from m", "SELECT -1 * v, -1 * (a + b), -2 FROM m"),
    ("select v from (select v from (select v from cpu)) where a<>'b'",
     "SELECT v FROM (SELECT v FROM (SELECT v FROM cpu)) WHERE a != 'b'"),
    ("select \"a\".\"b\" from m", 'SELECT "a.b" FROM m'),
    ("create continuous query cq on db resample for 2h begin select count(v) into x from y group by time(1h) end",
     "CREATE CONTINUOUS QUERY cq ON db RESAMPLE FOR 2h BEGIN SELECT count(v) INTO x FROM y GROUP BY time(1h) END"),
    ("create user \"bob\" with password 'secret' with all privileges",
     "CREATE USER bob WITH PASSWORD [REDACTED] WITH ALL PRIVILEGES"),
    ("set password for bob = 'x'", "SET PASSWORD FOR bob = [REDACTED]"),
    ("grant all on db to bob", "GRANT ALL PRIVILEGES ON db TO bob"),
    ("revoke all privileges from bob", "REVOKE ALL PRIVILEGES FROM bob"),
    ("show stats for 'shard'", "SHOW STATS FOR 'shard'"),
    ("show diagnostics", "SHOW DIAGNOSTICS"),
    ("show field key exact cardinality from cpu", "SHOW FIELD KEY EXACT CARDINALITY FROM cpu"),
    ("show measurement cardinality group by host limit 1", "SHOW MEASUREMENT CARDINALITY GROUP BY host LIMIT 1"),
    ("drop shard 1", "DROP SHARD 1"),
    ("delete from cpu where host='a'", "DELETE FROM cpu WHERE host = 'a'"),
]


@pytest.mark.parametrize("text, canonical", [c for c in FORMAT_CASES if c[1] is not None],
                         ids=[c[0] for c in FORMAT_CASES if c[1] is not None])
def test_format(text, canonical):
    stmt = parse_statement(text)
    assert str(stmt) == canonical
    if "[REDACTED]" not in canonical:
        assert parse_statement(canonical) == stmt


def test_where_influxql_text_does_not_read_back_as_influxdb_does():
    # NOTE: fill() values print with Go's %v, which uses an exponent below 1e-4 or from 1e21;
    # InfluxQL has no exponents, so such a statement does not parse back (nor does InfluxDB's).
    stmt = parse_statement("select v from cpu group by time(1m) fill(0.00001)")
    assert str(stmt) == "SELECT v FROM cpu GROUP BY time(1m) fill(1e-05)"
    assert error_of(str(stmt)) == "invalid duration"
    # NOTE: a comment right after SELECT, FROM, "," or "(" (wherever a regex may start) is read
    # as a regex, as InfluxDB reads it.
    assert error_of("SELECT v FROM /* c */ cpu") == (
        "error parsing regexp: missing argument to repetition operator: `*` at line 1, char 14")
    assert error_of("SELECT /* c */ v FROM cpu").startswith("error parsing regexp: missing argument")
    # NOTE: and after a source InfluxDB peeks past the blank it has read for a regex: a
    # comment or regex there, or a regex right after a ",", meets that token instead.
    assert error_of("SELECT v FROM cpu /* c */") == "found  , expected regex at line 1, char 18"
    assert error_of("SELECT v FROM cpu,/x/") == "found ,, expected regex at line 1, char 18"
    assert str(parse_statement("SELECT v FROM cpu, /x/")) == "SELECT v FROM cpu, /x/"


def test_a_number_with_an_exponent_is_not_a_number():
    # NOTE: InfluxQL has no exponents: 1e0 scans as the (bad) duration 1e0.
    assert error_of("select 1e0 from m") == "invalid duration"


def test_go_formatting_of_floats_and_times():
    assert [go_float(x) for x in (1.0, 1.5, 1e20, 1e21, 1e-4, 1e-5, -0.25, 123456789.125)] == [
        "1", "1.5", "100000000000000000000", "1e+21", "0.0001", "1e-05", "-0.25", "123456789.125"]
    assert str(NumberLiteral(1 / 3)) == "0.3333333333333333"
    assert str(NumberLiteral(5.0)) == "5.0"
    assert str(TimeLiteral(1_500_000_000_123_000_000)) == "'2017-07-14T02:40:00.123Z'"
    assert str(TimeLiteral(0)) == "'1970-01-01T00:00:00Z'"
    assert str(BoundParameter("my param")) == '$"my param"'


# -- errors ------------------------------------------------------------------------------

ERROR_CASES = [
    ("SELECT", "found EOF, expected identifier, string, number, bool at line 1, char 8"),
    ("SELECT v", "found EOF, expected FROM at line 1, char 10"),
    ("SELECT v FROM", "found EOF, expected identifier at line 1, char 15"),
    ("SELECT v, FROM cpu", "found FROM, expected identifier, string, number, bool at line 1, char 11"),
    ("SELECT v AS FROM cpu", "found FROM, expected identifier at line 1, char 13"),
    ("SELECT v INTO FROM cpu", "found FROM, expected identifier at line 1, char 15"),
    ("SELECT v INTO :MEASUREMENT FROM cpu", "found :, expected identifier at line 1, char 15"),
    ("SELECT v INTO db.rp.:FOO FROM cpu", "found FOO, expected MEASUREMENT at line 1, char 22"),
    ("SELECT v FROM cpu GROUP time(1m)", "found time, expected BY at line 1, char 25"),
    ("SELECT v FROM cpu GROUP BY", "found EOF, expected identifier, string, number, bool at line 1, char 28"),
    ("SELECT v FROM cpu ORDER BY v", "only ORDER BY time supported at this time"),
    ("SELECT v FROM cpu LIMIT -1", "found -, expected integer at line 1, char 25"),
    ("SELECT v FROM cpu SLIMIT 1.5", "found 1.5, expected integer at line 1, char 26"),
    ("SELECT v FROM cpu LIMIT 1 LIMIT 2", "found LIMIT, expected ; at line 1, char 27"),
    ("SELECT v FROM cpu fill(none) GROUP BY host", "found GROUP, expected ; at line 1, char 30"),
    ("SELECT v FROM (SELECT v FROM cpu", "found EOF, expected ) at line 1, char 34"),
    ("SELECT v FROM (SHOW DATABASES)", "found SHOW, expected SELECT at line 1, char 16"),
    ("SELECT v = 1 FROM cpu",
     "invalid operator = in SELECT clause at line 1, char 8; operator is intended for WHERE clause"),
    ("SELECT a, count(b > 1) AND c FROM cpu",
     "invalid operator AND in SELECT clause at line 1, char 11; operator is intended for WHERE clause"),
    ("SELECT v FROM cpu fill", "fill must be a function call"),
    ("SELECT v FROM cpu fill()", "fill requires an argument, e.g.: 0, null, none, previous, linear"),
    ("SELECT v FROM cpu fill('none')", "expected number argument in fill()"),
    ("SELECT v FROM cpu tz", "tz must be a function call"),
    ("SELECT v FROM cpu tz('a', 'b')", "tz requires exactly one argument"),
    ("SELECT v FROM cpu tz(Europe)", "expected string argument in tz()"),
    ("SELECT v FROM cpu tz('Mars/Olympus_Mons')", "unable to find time zone Mars/Olympus_Mons"),
    ("SELECT v FROM cpu tz('../../etc/passwd')", "unable to find time zone ../../etc/passwd"),
    ("SELECT v FROM cpu WHERE v IN (1, 2)", "found IN, expected ; at line 1, char 27"),
    ("SELECT v FROM cpu WHERE a =~ 'x'", "found x, expected regex at line 1, char 29"),
    ("SELECT count(* FROM cpu", "found FROM, expected ) at line 1, char 16"),
    ("SELECT v::foo FROM cpu", "found foo, expected float, integer, unsigned, string, boolean, field, tag at line 1, "
                               "char 11"),
    ("SELECT *::float FROM cpu", "found float, expected field, tag at line 1, char 11"),
    ("SELECT DISTINCT FROM cpu", "found FROM, expected identifier at line 1, char 17"),
    # regexes: RE2, with Go's texts (the position is the character before the slash)
    ("SELECT v FROM /(/", "error parsing regexp: missing closing ): `(` at line 1, char 14"),
    ("SHOW SERIES WHERE a =~ /a**/", "error parsing regexp: invalid nested repetition operator: `**` at line 1, char 23"),
    ("SHOW SERIES WHERE a =~ /[z-a]/", "error parsing regexp: invalid character class range: `z-a` at line 1, char 23"),
    ("SHOW SERIES WHERE a =~ /x{2,1}/", "error parsing regexp: invalid repeat count: `{2,1}` at line 1, char 23"),
    ("SHOW SERIES WHERE a =~ /x{1001}/", "error parsing regexp: invalid repeat count: `{1001}` at line 1, char 23"),
    ("SHOW SERIES WHERE a =~ /\\8/", "error parsing regexp: invalid escape sequence: `\\8` at line 1, char 23"),
    ("SHOW SERIES WHERE a =~ /a)/", "error parsing regexp: unexpected ): `a)` at line 1, char 23"),
    ("SHOW SERIES WHERE a =~ /[a/", "error parsing regexp: missing closing ]: `[a` at line 1, char 23"),
    ("SHOW SERIES WHERE a =~ /*a/", "error parsing regexp: missing argument to repetition operator: `*` at line 1, "
                                    "char 23"),
    ("SHOW SERIES WHERE a =~ /(?z)/", "error parsing regexp: invalid or unsupported Perl syntax: `(?z` at line 1, "
                                      "char 23"),
    ("SHOW SERIES WHERE a =~ /\\pX/", "error parsing regexp: invalid character class range: `\\pX` at line 1, char 23"),
    ("SHOW SERIES WHERE a =~ /\\C/", "error parsing regexp: invalid escape sequence: `\\C` at line 1, char 23"),
    ("SHOW SERIES WHERE a =~ /(?<n>x)/", "error parsing regexp: invalid or unsupported Perl syntax: `(?<` at line 1, "
                                         "char 23"),
    ("SELECT v FROM cpu WHERE a =~ /x", "bad regex:  at line 1, char 29"),
    # deletes, continuous queries, the rest
    ("DELETE", "found EOF, expected FROM, WHERE at line 1, char 8"),
    ("DELETE FROM db.rp.cpu", "retention policy not supported at line 1, char 1"),
    ("DELETE FROM db..cpu", "database not supported at line 1, char 1"),
    ("DELETE FROM (SELECT v FROM cpu)", "found (, expected identifier at line 1, char 13"),
    ("DROP SERIES", "found EOF, expected FROM, WHERE at line 1, char 13"),
    ("DROP SHARD -1", "found -, expected integer at line 1, char 12"),
    ("KILL QUERY 18446744073709551616", 'strconv.ParseUint: parsing "18446744073709551616": value out of range at line '
                                        "1, char 12"),
    ("SHOW MEASUREMENT", "found EOF, expected EXACT, CARDINALITY at line 1, char 18"),
    ("SHOW MEASUREMENT EXACT", "found EOF, expected CARDINALITY at line 1, char 24"),
    ("SHOW TAG KEY", "found EOF, expected EXACT, CARDINALITY at line 1, char 14"),
    ("SHOW FIELD KEY EXACT", "found EOF, expected CARDINALITY at line 1, char 22"),
    ("SHOW TAG VALUES EXACT CARDINALITY", "found EOF, expected WITH at line 1, char 35"),
    ("SHOW SERIES CARDINALITY ORDER BY time", "found ORDER, expected ; at line 1, char 25"),
    ("CREATE CONTINUOUS QUERY cq ON db BEGIN SELECT count(v) INTO x FROM y END",
     "found y, expected GROUP BY time(...) at line 1, char 68"),
    ("CREATE CONTINUOUS QUERY cq ON db BEGIN SELECT count(v) INTO x FROM y GROUP BY time(v) END",
     "found ), expected GROUP BY time(...), time dimension must have duration argument at line 1, char 85"),
    ("CREATE CONTINUOUS QUERY cq ON db BEGIN SELECT count(v) FROM y GROUP BY time(1m) END",
     "found FROM, expected INTO at line 1, char 56"),
    ("CREATE CONTINUOUS QUERY cq ON db BEGIN SELECT v INTO x FROM y", "found EOF, expected END at line 1, char 63"),
    ("CREATE CONTINUOUS QUERY cq ON db RESAMPLE BEGIN SELECT v INTO x FROM y END",
     "found BEGIN, expected EVERY, FOR at line 1, char 43"),
    ("CREATE CONTINUOUS QUERY cq ON db RESAMPLE EVERY INF BEGIN SELECT v INTO x FROM y END",
     "found INF, expected duration at line 1, char 49"),
    ("CREATE CONTINUOUS QUERY cq ON db RESAMPLE EVERY 1h FOR 30m BEGIN SELECT count(v) INTO x FROM y "
     "GROUP BY time(10m) END", "FOR duration must be >= GROUP BY time duration: must be a minimum of 1h, got 30m"),
    ("CREATE USER bob WITH PASSWORD bob", "found bob, expected string at line 1, char 31"),
    ("CREATE USER bob WITH PASSWORD 'x' WITH ALL", "found EOF, expected PRIVILEGES at line 1, char 44"),
    ("GRANT READ TO bob", "found TO, expected ON at line 1, char 12"),
    ("GRANT ALL PRIVILEGES bob", "found bob, expected ON, TO at line 1, char 22"),
    ("GRANT NONE ON db TO bob", "found NONE, expected READ, WRITE, ALL [PRIVILEGES] at line 1, char 7"),
    ("REVOKE WRITE FROM bob", "found FROM, expected ON at line 1, char 14"),
    ("CREATE SUBSCRIPTION s ON db . rp DESTINATIONS ALL 'x'", "found  , expected . at line 1, char 28"),
    ("CREATE SUBSCRIPTION s ON db.rp DESTINATIONS SOME 'x'", "found SOME, expected ALL, ANY at line 1, char 45"),
    ("CREATE SUBSCRIPTION s ON db.rp DESTINATIONS ALL", "found EOF, expected string at line 1, char 49"),
    ("EXPLAIN SHOW DATABASES", "found SHOW, expected SELECT at line 1, char 9"),
    ("SHOW STATS FOR shards", "found SHARDS, expected string at line 1, char 16"),
    ("SHOW STATS FOR x", "found x, expected string at line 1, char 16"),
]


@pytest.mark.parametrize("text, message", ERROR_CASES, ids=[c[0] for c in ERROR_CASES])
def test_error_messages(text, message):
    assert error_of(text) == message


def test_too_deep_nesting_is_a_parse_error_not_a_crash():
    assert error_of("SELECT " + "(" * 3000 + "v" + ")" * 3000 + " FROM cpu") == "query is nested too deeply"
    assert error_of("SELECT v FROM " + "(SELECT v FROM " * 1000 + "cpu" + ")" * 1000) == "query is nested too deeply"
    assert len(parse("SELECT " + "(" * 50 + "v" + ")" * 50 + " FROM cpu")) == 1


# -- bound parameters ------------------------------------------------------------------------

def test_bound_parameters():
    stmt = parse_statement(
        "SELECT $f FROM $m WHERE host =~ $re AND v > $n AND t < $t AND ok = $b GROUP BY time($i) LIMIT $l",
        {"f": {"identifier": "value"}, "m": {"ident": "cpu"}, "re": {"regex": "^a"}, "n": 1.5, "t": "2020-01-01",
         "b": True, "i": {"duration": 60 * S}, "l": 10})
    assert str(stmt) == ("SELECT value FROM cpu WHERE host =~ /^a/ AND v > 1.5 AND t < '2020-01-01' AND ok = true "
                         "GROUP BY time(1m) LIMIT 10")
    assert parse_statement("SELECT v FROM cpu WHERE v > $v", {"v": -3}).condition.rhs == IntegerLiteral(-3)
    assert parse_statement("SELECT v FROM cpu WHERE v > $v", {"v": {"number": 2}}).condition.rhs == NumberLiteral(2.0)


@pytest.mark.parametrize("text, params, message", [
    ("SELECT v FROM cpu WHERE v > $x", None, "missing parameter: x"),
    ("SELECT v FROM cpu WHERE v > $x", {"y": 1}, "missing parameter: x"),
    ("SELECT v FROM cpu WHERE v > $", None, "empty bound parameter"),
    ("SELECT v FROM $m", None, "found $m, expected identifier at line 1, char 15"),
    ("SELECT v FROM cpu LIMIT $l", {"l": -1}, "LIMIT must be >= 0 at line 1, char 25"),
    # NOTE: InfluxDB reports a value it cannot bind through its own lookup: "missing parameter: <reason>"
    ("SELECT v FROM cpu WHERE v > $x", {"x": [1]}, "missing parameter: unable to bind parameter with type []interface {}"),
    ("SELECT v FROM cpu WHERE v > $x", {"x": None}, "missing parameter: unable to bind parameter with type <nil>"),
    ("SELECT v FROM cpu WHERE v > $x", {"x": {"a": 1, "b": 2}},
     "missing parameter: bound object parameter value must have exactly one entry"),
    ("SELECT v FROM cpu WHERE v > $x", {"x": {"integer": 1.5}},
     "missing parameter: integer literal must be an integer value"),
    ("SELECT v FROM cpu WHERE v > $x", {"x": {"blob": 1}}, "missing parameter: unknown bind object type: blob"),
])
def test_bound_parameter_errors(text, params, message):
    assert error_of(text, params) == message


def test_bind_value():
    assert bind_value(True) == ("TRUE", "")
    assert bind_value(10) == ("INTEGER", "10")
    assert bind_value(2**63)[0] == "BOUNDPARAM"
    assert bind_value(0.1) == ("NUMBER", "0.1")
    assert bind_value({"duration": 90 * M}) == ("DURATIONVAL", "90m")
    assert bind_value({"duration": "1h"}) == ("DURATIONVAL", "1h")
    assert bind_value({"string": 1}) == ("BOUNDPARAM", "string literal must be a string value")


# -- the executor's dispatch ---------------------------------------------------------------------

@pytest.mark.parametrize("text, kind", [
    ("EXPLAIN ANALYZE SELECT v FROM cpu", "EXPLAIN ANALYZE"),
    ("DROP MEASUREMENT cpu", "DROP MEASUREMENT"),
    ("SHOW SHARDS", "SHOW SHARDS"),
    ("SHOW SHARD GROUPS", "SHOW SHARD GROUPS"),
    ("DROP SERIES FROM cpu", "DROP SERIES"),
    ("CREATE CONTINUOUS QUERY cq ON db BEGIN SELECT v INTO x FROM y END", "CREATE CONTINUOUS QUERY"),
])
def test_statements_without_an_executor_answer_not_supported_yet(text, kind):
    stmt = parse_statement(text)
    assert statement_kind(stmt) == kind
    results = execute(None, [stmt, stmt])  # nothing reaches the engine
    assert [r.to_dict() for r in results] == [{"statement_id": 0, "error": f"{kind} is not supported yet"},
                                              {"statement_id": 1, "error": "not executed"}]
