"""Machbase SQL formatter: messy text -> canonical text, idempotence, and AST round trips.

Canonical: one line, keywords and bare names upper case, names quoted only when they must
be, strings single-quoted, ``<>``, ``AS`` before column aliases only, ``LIMIT offset, count``,
parentheses only where precedence needs them.
"""
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from machstore.sql import format_sql, parse, parse_expr, parse_one, quote_ident, quote_string
from machstore.sql.ast import (Between, Binary, Call, Case, Column, ColumnDef, ColumnType, CreateTable, In, Insert,
                               Interval, IsNull, Match, Null, Num, Select, SelectItem, Str, Table, Unary, When,
                               COLUMN_TYPES)
from machstore.sql.format import format_interval
from machstore.sql.parser import RESERVED, valid_name

FORMAT_CASES = [
    # the spec's samples
    ("create table test_table (name varchar(20), time datetime, value double)",
     "CREATE TABLE TEST_TABLE (NAME VARCHAR(20), TIME DATETIME, VALUE DOUBLE)"),
    ('insert into test_table values ("test", "1999-01-01 00:00:00", 0)',
     "INSERT INTO TEST_TABLE VALUES ('test', '1999-01-01 00:00:00', 0)"),
    ("select * from v$stmt", "SELECT * FROM V$STMT"),
    ("select * from tag limit 2;", "SELECT * FROM TAG LIMIT 2"),
    # DDL
    ("create tagdata table TAG (name_multi varchar(20) primary key, time_multi datetime basetime, "
     "value_multi double summarized) metadata (myshortmeta short, baseip ipv4);",
     "CREATE TAG TABLE TAG (NAME_MULTI VARCHAR(20) PRIMARY KEY, TIME_MULTI DATETIME BASETIME, "
     "VALUE_MULTI DOUBLE SUMMARIZED) METADATA (MYSHORTMETA SHORT, BASEIP IPV4)"),
    ("create  tag table if not exists t(name varchar(20) primary key,time datetime base time,value double "
     "summarized)with rollup(min)extension tag_partition_count=4,tag_data_part_size=16mb",
     "CREATE TAG TABLE IF NOT EXISTS T (NAME VARCHAR(20) PRIMARY KEY, TIME DATETIME BASETIME, VALUE DOUBLE "
     "SUMMARIZED) WITH ROLLUP (MIN) EXTENSION TAG_PARTITION_COUNT = 4, TAG_DATA_PART_SIZE = 16MB"),
    ("create tag table t (n varchar(9) primary key, t datetime basetime) with rollup",
     "CREATE TAG TABLE T (N VARCHAR(9) PRIMARY KEY, T DATETIME BASETIME) WITH ROLLUP (SEC)"),
    ("create log table t (a int not null, b int64 null, c varchar(5) property(minmax_cache_size=0))",
     "CREATE TABLE T (A INTEGER NOT NULL, B LONG, C VARCHAR(5) PROPERTY(MINMAX_CACHE_SIZE = 0))"),
    ("create table t (d double basedistance, e ulong base distance)",
     "CREATE TABLE T (D DOUBLE BASE DISTANCE, E ULONG BASE DISTANCE)"),
    ('create table special_tbl ("with.dot" integer, "Lower" short, "ORDER" long, "OK" int)',
     'CREATE TABLE SPECIAL_TBL ("with.dot" INTEGER, "Lower" SHORT, "ORDER" LONG, OK INTEGER)'),
    ("create volatile table v (id integer primary key)", "CREATE VOLATILE TABLE V (ID INTEGER PRIMARY KEY)"),
    ("create lookup table l (id integer primary key) p1 = 'x', p2 = word, p3 = -1.5",
     "CREATE LOOKUP TABLE L (ID INTEGER PRIMARY KEY) P1 = 'x', P2 = WORD, P3 = -1.5"),
    ("drop table tag cascade", "DROP TABLE TAG CASCADE"),
    ("truncate   table ctest", "TRUNCATE TABLE CTEST"),
    ("create rollup _tag_rollup_sec on tag ( value ) interval 1 second extension",
     "CREATE ROLLUP _TAG_ROLLUP_SEC ON TAG(VALUE) INTERVAL 1 SEC EXTENSION"),
    ("create rollup r10 from r1 interval 10 minutes where status>=2",
     "CREATE ROLLUP R10 ON R1 INTERVAL 10 MIN WHERE STATUS >= 2"),
    ("drop rollup r", "DROP ROLLUP R"),
    ("alter rollup r set wakeup interval 5 seconds", "ALTER ROLLUP R SET WAKEUP INTERVAL 5 SEC"),
    ("alter rollup r force", "ALTER ROLLUP R FORCE"),
    ("create user u identified by manager", "CREATE USER U IDENTIFIED BY manager"),
    ('create user u identified by "Aa!Pwd1" password policy high',
     "CREATE USER U IDENTIFIED BY 'Aa!Pwd1' PASSWORD POLICY HIGH"),
    ("alter user sys identified by 1234", "ALTER USER SYS IDENTIFIED BY 1234"),
    ("drop user old_user", "DROP USER OLD_USER"),
    ("show tables", "SHOW TABLES"),
    ("show table tag", "SHOW TABLE TAG"),
    ("describe tag", "DESC TAG"),
    ("exec table_flush( tag )", "EXEC TABLE_FLUSH(TAG)"),
    ("explain select 1", "EXPLAIN SELECT 1"),
    # DML
    ("insert into tag metadata values ('TAG_0001', 99)", "INSERT INTO TAG METADATA VALUES ('TAG_0001', 99)"),
    ("insert into sensors(name,status) metadata values('a','b')",
     "INSERT INTO SENSORS METADATA (NAME, STATUS) VALUES ('a', 'b')"),
    ("insert into v values (1,'a') on duplicate key update set s='b'",
     "INSERT INTO V VALUES (1, 'a') ON DUPLICATE KEY UPDATE SET S = 'b'"),
    ("insert into v values(1) on duplicate key update", "INSERT INTO V VALUES (1) ON DUPLICATE KEY UPDATE"),
    ("insert into t2 (select * from t1)", "INSERT INTO T2 SELECT * FROM T1"),
    ("update tag metadata set name='NEW' where name='OLD'", "UPDATE TAG METADATA SET NAME = 'NEW' WHERE NAME = 'OLD'"),
    ("delete from devices except 3 days no wait", "DELETE FROM DEVICES EXCEPT 3 DAY NO WAIT"),
    ("delete from devices oldest 5 rows", "DELETE FROM DEVICES OLDEST 5 ROWS"),
    ("delete from tag rollup before to_date('2014-06-01','YYYY-MM-DD')",
     "DELETE FROM TAG ROLLUP BEFORE TO_DATE('2014-06-01', 'YYYY-MM-DD')"),
    ("delete from tag metadata where name='t'", "DELETE FROM TAG METADATA WHERE NAME = 't'"),
    # SELECT
    ("select/*+scan_backward(tag)*/name,time,value from tag where name='tag-1'order by time desc limit 5,10",
     "SELECT /*+ SCAN_BACKWARD(TAG) */ NAME, TIME, VALUE FROM TAG WHERE NAME = 'tag-1' ORDER BY TIME DESC "
     "LIMIT 5, 10"),
    ("select /*+ ROLLUP(tag, min, avg) */ * from tag", "SELECT /*+ ROLLUP(TAG, MIN, AVG) */ * FROM TAG"),
    ("select * from t limit 10 offset 0", "SELECT * FROM T LIMIT 10"),
    ("select * from t limit 10 offset 20", "SELECT * FROM T LIMIT 20, 10"),
    ("select value as v, value w, value \"My V\" from tag t",
     'SELECT VALUE AS V, VALUE AS W, VALUE AS "My V" FROM TAG T'),
    ("select t.* from tag as t", "SELECT T.* FROM TAG T"),
    ("select * from tag metadata", "SELECT * FROM TAG METADATA"),
    ("select time rollup 3 sec mtime, avg(value) from tag group by mtime",
     "SELECT ROLLUP('sec', 3, TIME) AS MTIME, AVG(VALUE) FROM TAG GROUP BY MTIME"),
    ("select rollup('min',5,time) t,sum(value) from tag where name in('a','b') and time between "
     "'2001-09-09 00:00:00' and '2001-09-09 01:20:00' group by t order by t",
     "SELECT ROLLUP('min', 5, TIME) AS T, SUM(VALUE) FROM TAG WHERE NAME IN ('a', 'b') AND TIME BETWEEN "
     "'2001-09-09 00:00:00' AND '2001-09-09 01:20:00' GROUP BY T ORDER BY T"),
    ("select count(*), count(distinct name), group_concat(name order by id separator ';') from t",
     "SELECT COUNT(*), COUNT(DISTINCT NAME), GROUP_CONCAT(NAME ORDER BY ID SEPARATOR ';') FROM T"),
    ("select now(), sysdate, now - 1h, sysdate - 90m, now + 1000000000 from t",
     "SELECT NOW, SYSDATE, NOW - 1h, SYSDATE - 1h30m, NOW + 1000000000 FROM T"),
    ("select * from t where a != 1 and (b = 2 or c = 3) and not (d = 4)",
     "SELECT * FROM T WHERE A <> 1 AND (B = 2 OR C = 3) AND NOT D = 4"),
    ("select (a + b) * c, a + (b * c), (a - b) - c, a - (b - c), -(a), -(-a), - 5, 1 - -5 from t",
     "SELECT (A + B) * C, A + B * C, A - B - C, A - (B - C), -A, - -A, -5, 1 - -5 FROM T"),
    ("select a || b || 'x', (a || b) = c, info->'$.a'->'$.b' from t",
     "SELECT A || B || 'x', A || B = C, INFO -> '$.a' -> '$.b' FROM T"),
    ("select * from t where a is not null and b not in (1,2) and c not between 1 and 2 and d not like 'x%'",
     "SELECT * FROM T WHERE A IS NOT NULL AND B NOT IN (1, 2) AND C NOT BETWEEN 1 AND 2 AND D NOT LIKE 'x%'"),
    ("select * from t where (a between 1 and 2) = (b in (1))",
     "SELECT * FROM T WHERE A BETWEEN 1 AND 2 = (B IN (1))"),
    ("select * from t where c1 range 1 hours and id2 not search 'x' and '1.0.0.0/8' contains ip",
     "SELECT * FROM T WHERE C1 RANGE 1 HOUR AND ID2 NOT SEARCH 'x' AND '1.0.0.0/8' CONTAINS IP"),
    ("select case  i1 when 1 then 100 end, case when i1>0 then 'p' else 'n' end from t1",
     "SELECT CASE I1 WHEN 1 THEN 100 END, CASE WHEN I1 > 0 THEN 'p' ELSE 'n' END FROM T1"),
    ("select 'it''s', 'a\\'b', 'C:\\temp', 'ends\\\\', 1.50, 1e3, .5, 007 from dual",
     "SELECT 'it''s', 'a''b', 'C:\\temp', 'ends\\\\', 1.5, 1000.0, 0.5, 7 FROM DUAL"),
    ("select i1 from t8 duration 1 minutes before 1 days", "SELECT I1 FROM T8 DURATION 1 MINUTE BEFORE 1 DAY"),
    ("select i1 from t8 limit 3 duration 2 sec", "SELECT I1 FROM T8 DURATION 2 SECOND LIMIT 3"),
    ("select c1 from t1 order by c1 asc series by c2>1", "SELECT C1 FROM T1 ORDER BY C1 SERIES BY C2 > 1"),
    ("select * from t1 left join t2 on t1.a=t2.a inner join t3 on 1=1 right outer join t4 on t4.b = t1.b",
     "SELECT * FROM T1 LEFT OUTER JOIN T2 ON T1.A = T2.A INNER JOIN T3 ON 1 = 1 RIGHT OUTER JOIN T4 ON T4.B = T1.B"),
    ("select x from (select rownum() x from t) sub where x < (select max(y) from u) and x in (select y from u)",
     "SELECT X FROM (SELECT ROWNUM() AS X FROM T) SUB WHERE X < (SELECT MAX(Y) FROM U) AND X IN (SELECT Y FROM U)"),
    ("select a from t1 union all select b from t2 union all select 1",
     "SELECT A FROM T1 UNION ALL SELECT B FROM T2 UNION ALL SELECT 1"),
    ("select distinct a, ? from t where b = ?", "SELECT DISTINCT A, ? FROM T WHERE B = ?"),
    ("select t.\"lower\", t.\"SELECT\" from t", 'SELECT T."lower", T."SELECT" FROM T'),
]


@pytest.mark.parametrize("messy, canonical", FORMAT_CASES, ids=[c[0][:70] for c in FORMAT_CASES])
def test_format_is_canonical_and_idempotent(messy, canonical):
    stmt = parse_one(messy)
    assert format_sql(stmt) == canonical
    assert parse_one(canonical) == stmt
    assert format_sql(parse_one(canonical)) == canonical


def test_format_sql_of_any_node_is_its_canonical_text():
    stmt = parse_one("select a from t where b = 1")
    assert format_sql(stmt) == "SELECT A FROM T WHERE B = 1"
    assert format_sql(stmt.where) == "B = 1"
    assert format_sql(stmt.targets[0]) == "A"


def test_format_of_a_statement_list():
    assert format_sql(parse("show tables; desc tag")) == "SHOW TABLES;\nDESC TAG"


def test_quote_ident():
    assert quote_ident("TAG") == "TAG"
    assert quote_ident("V$STMT") == "V$STMT"
    assert quote_ident("_TAG_META") == "_TAG_META"
    assert quote_ident("tag") == '"tag"'
    assert quote_ident("1ST") == '"1ST"'
    assert quote_ident("WITH.DOT") == '"WITH.DOT"'
    assert quote_ident("SELECT") == '"SELECT"'
    assert quote_ident('A"B') == '"A""B"'
    assert quote_ident("") == '""'


def test_quote_string():
    assert quote_string("it's") == "'it''s'"
    assert quote_string("C:\\temp") == "'C:\\temp'"
    assert quote_string("a\\") == "'a\\\\'"
    assert quote_string("a\\'b") == "'a\\\\''b'"
    assert quote_string("") == "''"


@pytest.mark.parametrize("ns, text", [
    (0, "0s"), (1, "1ns"), (1_000, "1us"), (1_500_000, "1ms500us"), (10**9, "1s"), (90 * 10**9, "1m30s"),
    (3600 * 10**9, "1h"), (86400 * 10**9, "1d"), (8 * 86400 * 10**9, "1w1d"), (-600 * 10**9, "-10m"),
])
def test_interval_format(ns, text):
    assert format_interval(ns) == text
    assert parse_expr(text) == Interval(ns)


def test_numbers_keep_int_and_float():
    assert format_sql(Num(10)) == "10" and format_sql(Num(10.0)) == "10.0"
    assert format_sql(Num(1e20)) == "1e+20" and parse_expr("1e+20") == Num(1e20)
    assert format_sql(Num(math.inf)) == "1e999" and parse_expr("1e999") == Num(math.inf)
    assert format_sql(Num(-2)) == "-2"


# -- round trips of generated trees ---------------------------------------------------------

_WORDS = st.from_regex(r"[A-Z_][A-Z0-9_$]{0,6}", fullmatch=True).filter(
    lambda w: w not in RESERVED and w not in ("NOW", "SYSDATE"))
_ANY_NAME = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=8).filter(valid_name)
_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=10)
_NUMBERS = st.one_of(st.integers(-10**20, 10**20), st.floats(allow_nan=False, allow_infinity=False))

_LEAVES = st.one_of(
    _NUMBERS.map(Num), _TEXT.map(Str), st.just(Null()), st.integers(-10**15, 10**15).map(Interval),
    _WORDS.map(Column), st.tuples(_ANY_NAME, _ANY_NAME).map(lambda p: Column(p[0], p[1])),
    st.sampled_from(["NOW", "SYSDATE"]).map(Call))


def _negatable(node):
    if isinstance(node, (Num, Interval)):
        return False
    if isinstance(node, Unary) and node.op == "-":
        return _negatable(node.operand)
    return True


def _extend(children):
    ops = st.sampled_from(["OR", "AND", "=", "<>", "<", "<=", ">", ">=", "||", "+", "-", "*", "/", "%", "->"])
    return st.one_of(
        st.builds(Binary, ops, children, children),
        st.builds(Unary, st.just("NOT"), children),
        children.filter(_negatable).map(lambda c: Unary("-", c)),
        st.builds(Between, children, children, children, st.booleans()),
        st.builds(In, children, st.lists(children, min_size=1, max_size=3).map(tuple), st.booleans()),
        st.builds(Match, st.sampled_from(["LIKE", "REGEXP", "SEARCH", "ESEARCH", "CONTAINS", "CONTAINED"]),
                  children, children, st.booleans()),
        st.builds(IsNull, children, st.booleans()),
        st.builds(Call, _WORDS, st.lists(children, max_size=3).map(tuple), st.booleans())
        .filter(lambda c: c.args or not c.distinct),
        st.builds(Case, st.one_of(st.none(), children),
                  st.lists(st.builds(When, children, children), min_size=1, max_size=2).map(tuple),
                  st.one_of(st.none(), children)),
    )


EXPRS = st.recursive(_LEAVES, _extend, max_leaves=12)


@settings(max_examples=400, deadline=None)
@given(EXPRS)
def test_any_expression_round_trips(expr):
    text = format_sql(expr)
    assert parse_expr(text) == expr, text
    assert format_sql(parse_expr(text)) == text


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(EXPRS, st.one_of(st.none(), _ANY_NAME)), min_size=1, max_size=3),
       _ANY_NAME, st.one_of(st.none(), EXPRS))
def test_any_select_round_trips(targets, table, where):
    stmt = Select(tuple(SelectItem(e, a) for e, a in targets), (Table(table),), where)
    assert parse_one(format_sql(stmt)) == stmt


@settings(max_examples=100, deadline=None)
@given(_ANY_NAME, st.lists(st.tuples(_ANY_NAME, st.sampled_from(COLUMN_TYPES), st.booleans()), min_size=1,
                           max_size=4))
def test_any_create_table_round_trips(table, columns):
    defs = tuple(ColumnDef(n, ColumnType(t, 20 if t in ("VARCHAR", "BINARY") else None), not_null=nn)
                 for n, t, nn in columns)
    stmt = CreateTable(table, defs)
    assert parse_one(format_sql(stmt)) == stmt


@settings(max_examples=100, deadline=None)
@given(_ANY_NAME, st.lists(_ANY_NAME, max_size=3), st.lists(EXPRS, min_size=1, max_size=3))
def test_any_insert_round_trips(table, columns, values):
    stmt = Insert(table, tuple(columns), tuple(values))
    assert parse_one(format_sql(stmt)) == stmt
