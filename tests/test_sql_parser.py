"""Machbase SQL lexer and parser: messy text -> AST, exact errors, positions, the spec's samples.

Error texts are Machbase's (error-code table: ``2010 Syntax error: near token (%s).``,
``2011 Unrecognized token (%s).``, ``2034 Invalid format of time expression.``); the
parenthesised part is the statement from the offending token on, as in Machbase's own
``SELCT * FROM example`` -> ``near token (SELCT * FROM example).``.
"""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from machstore import errors
from machstore.sql import SQLSyntaxError, format_sql, parse, parse_expr, parse_one
from machstore.sql.ast import (AlterRollup, AlterUser, Assignment, Between, Binary, Call, Case, Column, ColumnDef,
                               ColumnType, CreateRollup, CreateTable, CreateUser, Delete, DerivedTable, Describe,
                               DropRollup, DropTable, DropUser, Duration, Exec, Explain, Hint, In, Insert, Interval,
                               IsNull, Join, Match, Null, Num, OrderItem, Param, Pos, Property, Range, RollupSpec,
                               Select, SelectItem, Show, Star, Str, Subquery, Table, TimeSpan, TruncateTable, Unary,
                               UnionAll, Update, When)
from machstore.sql.lexer import tokenize

H = 3_600_000_000_000
M = 60_000_000_000
S = 1_000_000_000


def item(expr, alias=None):
    return SelectItem(expr, alias)


STAR = SelectItem(Star())


def col(name, table=None):
    return Column(name, table)


def sel(*targets, **kw):
    return Select(tuple(item(t) if not isinstance(t, SelectItem) else t for t in targets), **kw)


def tag_cols(*extra):
    return (ColumnDef("NAME", ColumnType("VARCHAR", 20), primary_key=True),
            ColumnDef("TIME", ColumnType("DATETIME"), basetime=True),
            ColumnDef("VALUE", ColumnType("DOUBLE"), summarized=True)) + extra


# -- every SQL example in the spec's first half (seed 004, up to "RestAPI for Tag Table"),
#    plus the tag-table DDL its second half sends through /machbase ------------------------

SEED_EXAMPLES = [
    ("create table test_table (name varchar(20), time datetime, value double)",
     CreateTable("TEST_TABLE", (ColumnDef("NAME", ColumnType("VARCHAR", 20)), ColumnDef("TIME", ColumnType("DATETIME")),
                                ColumnDef("VALUE", ColumnType("DOUBLE"))))),
    ("drop table test_table", DropTable("TEST_TABLE")),
    ('insert into test_table values ("test", "1999-01-01 00:00:00", 0)',
     Insert("TEST_TABLE", values=(Str("test"), Str("1999-01-01 00:00:00"), Num(0)))),
    ("select * from test_table", Select((STAR,), (Table("TEST_TABLE"),))),
    ("select * from test_table;", Select((STAR,), (Table("TEST_TABLE"),))),
    ("select to_hex(v1) from test_table;", sel(Call("TO_HEX", (col("V1"),)), sources=(Table("TEST_TABLE"),))),
    ("select * from v$stmt", Select((STAR,), (Table("V$STMT"),))),
    ("select * from tag limit 2", Select((STAR,), (Table("TAG"),), limit=2)),
    ("create tagdata table TAG (name_multi varchar(20) primary key, time_multi datetime basetime, value_multi double "
     "summarized, value2_multi short, value3_multi varchar(10)) metadata (myshortmeta short, baseip ipv4);",
     CreateTable("TAG", (ColumnDef("NAME_MULTI", ColumnType("VARCHAR", 20), primary_key=True),
                         ColumnDef("TIME_MULTI", ColumnType("DATETIME"), basetime=True),
                         ColumnDef("VALUE_MULTI", ColumnType("DOUBLE"), summarized=True),
                         ColumnDef("VALUE2_MULTI", ColumnType("SHORT")),
                         ColumnDef("VALUE3_MULTI", ColumnType("VARCHAR", 10))),
                 "TAG", metadata=(ColumnDef("MYSHORTMETA", ColumnType("SHORT")),
                                  ColumnDef("BASEIP", ColumnType("IPV4"))))),
]


@pytest.mark.parametrize("text, expected", SEED_EXAMPLES, ids=[c[0][:60] for c in SEED_EXAMPLES])
def test_seed_examples_parse(text, expected):
    assert parse_one(text) == expected
    assert parse_one(format_sql(expected)) == expected


# -- messy text -> AST ---------------------------------------------------------------------

AST_CASES = [
    # DDL: table kinds, types, attributes, metadata, rollups, properties
    ("CREATE TAG TABLE tag (name VARCHAR(20) PRIMARY KEY, time DATETIME BASETIME, value DOUBLE SUMMARIZED)",
     CreateTable("TAG", tag_cols(), "TAG")),
    ("create log table if not exists t (a int not null, b uinteger null)",
     CreateTable("T", (ColumnDef("A", ColumnType("INTEGER"), not_null=True), ColumnDef("B", ColumnType("UINTEGER"))),
                 "LOG", True)),
    ("create volatile table v (id integer primary key, s varchar(10))",
     CreateTable("V", (ColumnDef("ID", ColumnType("INTEGER"), primary_key=True),
                       ColumnDef("S", ColumnType("VARCHAR", 10))), "VOLATILE")),
    ("CREATE LOOKUP TABLE lk (id LONG PROPERTY(SEQUENCE=1) PRIMARY KEY, name VARCHAR(20))",
     CreateTable("LK", (ColumnDef("ID", ColumnType("LONG"), primary_key=True,
                                  properties=(Property("SEQUENCE", Num(1)),)),
                        ColumnDef("NAME", ColumnType("VARCHAR", 20))), "LOOKUP")),
    ("create table all_types (a short, b ushort, c integer, d int, e uinteger, f long, g ulong, h float, i double, "
     "j datetime, k varchar(32768), l text, m clob, n binary, o blob, p ipv4, q ipv6, r json, s int64, t uint16)",
     CreateTable("ALL_TYPES", tuple(ColumnDef(n, ColumnType(t, ln)) for n, t, ln in (
         ("A", "SHORT", None), ("B", "USHORT", None), ("C", "INTEGER", None), ("D", "INTEGER", None),
         ("E", "UINTEGER", None), ("F", "LONG", None), ("G", "ULONG", None), ("H", "FLOAT", None),
         ("I", "DOUBLE", None), ("J", "DATETIME", None), ("K", "VARCHAR", 32768), ("L", "TEXT", None),
         ("M", "CLOB", None), ("N", "BINARY", None), ("O", "BLOB", None), ("P", "IPV4", None), ("Q", "IPV6", None),
         ("R", "JSON", None), ("S", "LONG", None), ("T", "USHORT", None))))),
    ("create tag table bt (name varchar(20) primary key, time datetime base time, frame binary(16))",
     CreateTable("BT", (ColumnDef("NAME", ColumnType("VARCHAR", 20), primary_key=True),
                        ColumnDef("TIME", ColumnType("DATETIME"), basetime=True),
                        ColumnDef("FRAME", ColumnType("BINARY", 16))), "TAG")),
    ("CREATE TAG TABLE trip (name VARCHAR(20) PRIMARY KEY, d DOUBLE BASE DISTANCE, e LONG BASEDISTANCE)",
     CreateTable("TRIP", (ColumnDef("NAME", ColumnType("VARCHAR", 20), primary_key=True),
                          ColumnDef("D", ColumnType("DOUBLE"), base_distance=True),
                          ColumnDef("E", ColumnType("LONG"), base_distance=True)), "TAG")),
    ("CREATE TAG TABLE tag (name VARCHAR(20) PRIMARY KEY, time DATETIME BASETIME, value DOUBLE SUMMARIZED) "
     "METADATA (room_no INTEGER) WITH ROLLUP (MIN) EXTENSION TAG_PARTITION_COUNT=4, TAG_DATA_PART_SIZE=16MB, "
     "TAG_STAT_ENABLE = 1, TAG_DUPLICATE_CHECK_DURATION=0, VARCHAR_FIXED_LENGTH_MAX=15",
     CreateTable("TAG", tag_cols(), "TAG", metadata=(ColumnDef("ROOM_NO", ColumnType("INTEGER")),),
                 rollup=RollupSpec("MIN", True),
                 properties=(Property("TAG_PARTITION_COUNT", Num(4)), Property("TAG_DATA_PART_SIZE", Num(16), "MB"),
                             Property("TAG_STAT_ENABLE", Num(1)), Property("TAG_DUPLICATE_CHECK_DURATION", Num(0)),
                             Property("VARCHAR_FIXED_LENGTH_MAX", Num(15))))),
    ("create tag table t (name varchar(20) primary key, time datetime basetime, value double summarized) with rollup",
     CreateTable("T", tag_cols(), "TAG", rollup=RollupSpec("SEC"))),
    ("create tag table t (name varchar(20) primary key, time datetime basetime, value double summarized) "
     "with rollup(hour) tag_data_part_size=1048576",
     CreateTable("T", tag_cols(), "TAG", rollup=RollupSpec("HOUR"),
                 properties=(Property("TAG_DATA_PART_SIZE", Num(1048576)),))),
    ("create tag table t (name varchar(20) primary key, time datetime basetime, value double summarized) "
     "with rollup extension rollup_data_part_size=(1024)",
     CreateTable("T", tag_cols(), "TAG", rollup=RollupSpec("SEC", True),
                 properties=(Property("ROLLUP_DATA_PART_SIZE", Num(1024)),))),
    ('create table special_tbl ( "with.dot" INTEGER, "Mixed" short )',
     CreateTable("SPECIAL_TBL", (ColumnDef("with.dot", ColumnType("INTEGER")),
                                 ColumnDef("Mixed", ColumnType("SHORT"))))),
    ("DROP TABLE tag CASCADE", DropTable("TAG", True)),
    ("truncate table ctest", TruncateTable("CTEST")),
    ("CREATE ROLLUP _tag_rollup_sec ON tag(value) INTERVAL 1 SEC",
     CreateRollup("_TAG_ROLLUP_SEC", "TAG", 1, "SEC", "VALUE")),
    ("CREATE ROLLUP _tag_rollup_10min ON _tag_rollup_30sec INTERVAL 10 MIN",
     CreateRollup("_TAG_ROLLUP_10MIN", "_TAG_ROLLUP_30SEC", 10, "MIN")),
    ("create rollup r1 from r0 interval 1 hour", CreateRollup("R1", "R0", 1, "HOUR")),
    ("CREATE ROLLUP _tag_rollup_sec ON tag(value) INTERVAL 1 SEC EXTENSION",
     CreateRollup("_TAG_ROLLUP_SEC", "TAG", 1, "SEC", "VALUE", True)),
    ("CREATE ROLLUP r ON tag(value) INTERVAL 1 MIN WHERE value2 >= 50 AND status >= 2",
     CreateRollup("R", "TAG", 1, "MIN", "VALUE", where=Binary("AND", Binary(">=", col("VALUE2"), Num(50)),
                                                           Binary(">=", col("STATUS"), Num(2))))),
    ("DROP ROLLUP _tag_rollup_sec", DropRollup("_TAG_ROLLUP_SEC")),
    ("ALTER ROLLUP r START", AlterRollup("R", "START")),
    ("alter rollup r stop", AlterRollup("R", "STOP")),
    ("ALTER ROLLUP r WAKEUP", AlterRollup("R", "WAKEUP")),
    ("ALTER ROLLUP r FORCE", AlterRollup("R", "FORCE")),
    ("ALTER ROLLUP r SET WAKEUP INTERVAL 5 SEC", AlterRollup("R", "SET WAKEUP INTERVAL", 5, "SEC")),
    ("CREATE USER new_user IDENTIFIED BY password", CreateUser("NEW_USER", "password")),
    ('CREATE USER app_user IDENTIFIED BY "Aa!StrongPwd1" PASSWORD POLICY low',
     CreateUser("APP_USER", "Aa!StrongPwd1", "LOW")),
    ("ALTER USER user1 IDENTIFIED BY 'x''y'", AlterUser("USER1", "x'y")),
    ("DROP USER old_user", DropUser("OLD_USER")),
    ("SHOW TABLES", Show("TABLES")),
    ("show table tag", Show("TABLE", "TAG")),
    ("show indexes;", Show("INDEXES")),
    ("desc tag", Describe("TAG")),
    ("DESCRIBE v$tag_stat", Describe("V$TAG_STAT")),
    ("EXEC TABLE_FLUSH(tag)", Exec("TABLE_FLUSH", (col("TAG"),))),
    ("exec rollup_force(_tag_rollup_sec)", Exec("ROLLUP_FORCE", (col("_TAG_ROLLUP_SEC"),))),
    ("EXPLAIN SELECT 1", Explain(sel(Num(1)))),
    # INSERT / UPDATE / DELETE
    ("INSERT INTO tag VALUES ('TAG_0001', TO_DATE('2018-01-01 01:00:00 000:000:000'), -1.5)",
     Insert("TAG", values=(Str("TAG_0001"), Call("TO_DATE", (Str("2018-01-01 01:00:00 000:000:000"),)), Num(-1.5)))),
    ("insert into t (name, number) values (\"test\", 2)", Insert("T", ("NAME", "NUMBER"), (Str("test"), Num(2)))),
    ("insert into t values (null, -7, 1e3, 3 * (2 + 1), now)",
     Insert("T", values=(Null(), Num(-7), Num(1000.0), Binary("*", Num(3), Binary("+", Num(2), Num(1))), Call("NOW")))),
    ("INSERT INTO tag METADATA VALUES ('TAG_0001', 99, '2010-01-01', '1.1.1.1')",
     Insert("TAG", values=(Str("TAG_0001"), Num(99), Str("2010-01-01"), Str("1.1.1.1")), metadata=True)),
    ("INSERT INTO sensors METADATA (name, status) VALUES ('TEMP_002', 'STOP')",
     Insert("SENSORS", ("NAME", "STATUS"), (Str("TEMP_002"), Str("STOP")), metadata=True)),
    ("INSERT INTO sensors (name) METADATA VALUES ('x')", Insert("SENSORS", ("NAME",), (Str("x"),), metadata=True)),
    ("insert into v values (1, 'a') on duplicate key update",
     Insert("V", values=(Num(1), Str("a")), on_duplicate=True)),
    ("insert into v values (1, 'a') on duplicate key update set s = 'b', n = n + 1",
     Insert("V", values=(Num(1), Str("a")), on_duplicate=True,
            on_duplicate_set=(Assignment("S", Str("b")), Assignment("N", Binary("+", col("N"), Num(1)))))),
    ("insert into t2 (_arrival_time, i1) select _arrival_time, i1 from t1",
     Insert("T2", ("_ARRIVAL_TIME", "I1"),
            select=sel(col("_ARRIVAL_TIME"), col("I1"), sources=(Table("T1"),)))),
    ("UPDATE tag METADATA SET name = 'NEW', room = 2 WHERE name = 'OLD'",
     Update("TAG", (Assignment("NAME", Str("NEW")), Assignment("ROOM", Num(2))), Binary("=", col("NAME"), Str("OLD")),
            True)),
    ("update v set s = 'x' where id = 1",
     Update("V", (Assignment("S", Str("x")),), Binary("=", col("ID"), Num(1)))),
    ("DELETE FROM devices", Delete("DEVICES")),
    ("DELETE FROM devices OLDEST 5 ROWS", Delete("DEVICES", oldest_rows=5)),
    ("DELETE FROM devices EXCEPT 5 ROWS", Delete("DEVICES", except_rows=5)),
    ("DELETE FROM devices EXCEPT 3 DAY", Delete("DEVICES", except_span=TimeSpan(3, "DAY"))),
    ("delete from devices except 2 hours no wait", Delete("DEVICES", except_span=TimeSpan(2, "HOUR"), no_wait=True)),
    ("DELETE FROM devices BEFORE TO_DATE('2014-06-01', 'YYYY-MM-DD')",
     Delete("DEVICES", before=Call("TO_DATE", (Str("2014-06-01"), Str("YYYY-MM-DD"))))),
    ("DELETE FROM tag BEFORE '2001-09-09 01:20:00'", Delete("TAG", before=Str("2001-09-09 01:20:00"))),
    ("DELETE FROM tag ROLLUP BEFORE TO_DATE('2014-06-01')",
     Delete("TAG", rollup=True, before=Call("TO_DATE", (Str("2014-06-01"),)))),
    ("DELETE FROM tag WHERE name IN ('tag-2', 'tag-3') AND time < '2001-09-09 01:20:00'",
     Delete("TAG", where=Binary("AND", In(col("NAME"), (Str("tag-2"), Str("tag-3"))),
                                Binary("<", col("TIME"), Str("2001-09-09 01:20:00"))))),
    ("DELETE FROM tag METADATA WHERE name = 'tag0'",
     Delete("TAG", metadata=True, where=Binary("=", col("NAME"), Str("tag0")))),
    ("delete from tag metadata", Delete("TAG", metadata=True)),
    ("delete from t1 where i1 = 2", Delete("T1", where=Binary("=", col("I1"), Num(2)))),
    # SELECT: hints, distinct, aliases, sources
    ("SELECT /*+ SCAN_BACKWARD(tag) */ * FROM tag",
     Select((STAR,), (Table("TAG"),), hints=(Hint("SCAN_BACKWARD", ("TAG",)),))),
    ("select /*+ ROLLUP(tag, min, avg) */ name, avg(value) from tag group by name",
     sel(col("NAME"), Call("AVG", (col("VALUE"),)), sources=(Table("TAG"),), group_by=(col("NAME"),),
         hints=(Hint("ROLLUP", ("TAG", "MIN", "AVG")),))),
    ("SELECT /*+ PARALLEL(t, 8) FULL(t) */ DISTINCT a FROM t",
     sel(col("A"), sources=(Table("T"),), distinct=True, hints=(Hint("PARALLEL", ("T", 8)), Hint("FULL", ("T",))))),
    ("SELECT /*+ SCAN_FORWARD(t) ?? junk */ a FROM t",
     sel(col("A"), sources=(Table("T"),), hints=(Hint("SCAN_FORWARD", ("T",)),))),
    ("SELECT /* plain comment */ a FROM t", sel(col("A"), sources=(Table("T"),))),
    ("select value as v, value w, t.* from tag t",
     Select((item(col("VALUE"), "V"), item(col("VALUE"), "W"), SelectItem(Star("T"))), (Table("TAG", "T"),))),
    ('select value as "My Value", x as time from t',
     Select((item(col("VALUE"), "My Value"), item(col("X"), "TIME")), (Table("T"),))),
    ("select * from tag metadata", Select((STAR,), (Table("TAG", metadata=True),))),
    ("select name from sensors metadata s order by name",
     sel(col("NAME"), sources=(Table("SENSORS", "S", True),), order_by=(OrderItem(col("NAME")),))),
    ("select * from _tag_meta, m$sys_tables, v$tag_stat, m$sys_users",
     Select((STAR,), (Table("_TAG_META"), Table("M$SYS_TABLES"), Table("V$TAG_STAT"), Table("M$SYS_USERS")))),
    ("SELECT t1.i1, t2.i1 FROM t1, t2 WHERE t1.i1 = t2.i1",
     sel(col("I1", "T1"), col("I1", "T2"), sources=(Table("T1"), Table("T2")),
         where=Binary("=", col("I1", "T1"), col("I1", "T2")))),
    ("select * from t1 left outer join t2 on (t1.i1 = t2.i1) join t3 on t3.a = t1.a right join t4 on 1 = 1",
     Select((STAR,), (Join(Join(Join(Table("T1"), "LEFT", Table("T2"), Binary("=", col("I1", "T1"), col("I1", "T2"))),
                                "INNER", Table("T3"), Binary("=", col("A", "T3"), col("A", "T1"))),
                           "RIGHT", Table("T4"), Binary("=", Num(1), Num(1))),))),
    ("SELECT inner_rank FROM (SELECT ROWNUM() AS inner_rank, * FROM t) WHERE inner_rank < 3",
     sel(col("INNER_RANK"), sources=(DerivedTable(Select((item(Call("ROWNUM"), "INNER_RANK"), STAR), (Table("T"),))),),
         where=Binary("<", col("INNER_RANK"), Num(3)))),
    ("select * from (select a from t) x", Select((STAR,), (DerivedTable(sel(col("A"), sources=(Table("T"),)), "X"),))),
    ("SELECT 1", sel(Num(1))),
    ("select i1, i2 from t1 union all select c1, c2 from t2",
     UnionAll((sel(col("I1"), col("I2"), sources=(Table("T1"),)), sel(col("C1"), col("C2"), sources=(Table("T2"),))))),
    # SELECT: clauses
    ("select * from tag where name = 'TAG_0002' and time between to_date('2018-02-01') and to_date('2018-02-05')",
     Select((STAR,), (Table("TAG"),), Binary("AND", Binary("=", col("NAME"), Str("TAG_0002")),
                                             Between(col("TIME"), Call("TO_DATE", (Str("2018-02-01"),)),
                                                     Call("TO_DATE", (Str("2018-02-05"),)))))),
    ("select id1, avg(id2) from exptab group by id1 having avg(id2) > 1 order by id1 desc, 2 asc limit 10",
     sel(col("ID1"), Call("AVG", (col("ID2"),)), sources=(Table("EXPTAB"),), group_by=(col("ID1"),),
         having=Binary(">", Call("AVG", (col("ID2"),)), Num(1)),
         order_by=(OrderItem(col("ID1"), True), OrderItem(Num(2))), limit=10)),
    ("select * from t limit 5, 10", Select((STAR,), (Table("T"),), limit=10, offset=5)),
    ("select * from t limit 10 offset 5", Select((STAR,), (Table("T"),), limit=10, offset=5)),
    ("SELECT C1, C2 FROM T1 ORDER BY C1 SERIES BY C2 > 1",
     sel(col("C1"), col("C2"), sources=(Table("T1"),), order_by=(OrderItem(col("C1")),),
         series_by=Binary(">", col("C2"), Num(1)))),
    ("select i1 from t8 duration 1 minute before 1 day",
     sel(col("I1"), sources=(Table("T8"),), duration=Duration(TimeSpan(1, "MINUTE"), "BEFORE", TimeSpan(1, "DAY")))),
    ("select i1 from t8 where i1 > 0 duration 2 second group by i1",
     sel(col("I1"), sources=(Table("T8"),), where=Binary(">", col("I1"), Num(0)),
         duration=Duration(TimeSpan(2, "SECOND")),
         group_by=(col("I1"),))),
    ("select i1 from t8 limit 3 duration 1 year after 2 month",
     sel(col("I1"), sources=(Table("T8"),), limit=3,
         duration=Duration(TimeSpan(1, "YEAR"), "AFTER", TimeSpan(2, "MONTH")))),
    ("select i1 from t duration from to_date('2020-01-01') to now",
     sel(col("I1"), sources=(Table("T"),), duration=Duration(start=Call("TO_DATE", (Str("2020-01-01"),)),
                                                          end=Call("NOW")))),
    # SELECT: rollups and time bucketing
    ("SELECT ROLLUP('min', 5, time) AS t, SUM(value), MIN(value), MAX(value) FROM tag WHERE name = 'tag-1' "
     "GROUP BY t ORDER BY t",
     sel(item(Call("ROLLUP", (Str("min"), Num(5), col("TIME"))), "T"), Call("SUM", (col("VALUE"),)),
         Call("MIN", (col("VALUE"),)), Call("MAX", (col("VALUE"),)), sources=(Table("TAG"),),
         where=Binary("=", col("NAME"), Str("tag-1")), group_by=(col("T"),), order_by=(OrderItem(col("T")),))),
    ("SELECT rollup('day', 10, time, '2023-01-01') mtime FROM tag",
     sel(item(Call("ROLLUP", (Str("day"), Num(10), col("TIME"), Str("2023-01-01"))), "MTIME"),
         sources=(Table("TAG"),))),
    ("SELECT time ROLLUP 3 SEC mtime, avg(value) FROM tag GROUP BY mtime",
     sel(item(Call("ROLLUP", (Str("sec"), Num(3), col("TIME"))), "MTIME"), Call("AVG", (col("VALUE"),)),
         sources=(Table("TAG"),), group_by=(col("MTIME"),))),
    ("SELECT time rollup 30 min, min(value) FROM tag group by time rollup 30 min",
     sel(Call("ROLLUP", (Str("min"), Num(30), col("TIME"))), Call("MIN", (col("VALUE"),)), sources=(Table("TAG"),),
         group_by=(Call("ROLLUP", (Str("min"), Num(30), col("TIME"))),))),
    ("SELECT COUNT(*), DATE_TRUNC('second', i2, 2) tm FROM trunc_table group by tm ORDER BY 2",
     sel(Call("COUNT", (Star(),)), item(Call("DATE_TRUNC", (Str("second"), col("I2"), Num(2))), "TM"),
         sources=(Table("TRUNC_TABLE"),), group_by=(col("TM"),), order_by=(OrderItem(Num(2)),))),
    ("select first(time, value), last(time, value), sumsq(value), stddev(value), variance(value) from tag",
     sel(Call("FIRST", (col("TIME"), col("VALUE"))), Call("LAST", (col("TIME"), col("VALUE"))),
         Call("SUMSQ", (col("VALUE"),)), Call("STDDEV", (col("VALUE"),)), Call("VARIANCE", (col("VALUE"),)),
         sources=(Table("TAG"),))),
    ("select to_char(time, 'YYYY-MM-DD HH24:MI:SS'), to_date('1999-12', 'YYYY-MM'), now, sysdate, now() from t",
     sel(Call("TO_CHAR", (col("TIME"), Str("YYYY-MM-DD HH24:MI:SS"))),
         Call("TO_DATE", (Str("1999-12"), Str("YYYY-MM"))),
         Call("NOW"), Call("SYSDATE"), Call("NOW"), sources=(Table("T"),))),
    ("SELECT GROUP_CONCAT(DISTINCT name ORDER BY id1 DESC SEPARATOR '.') G FROM c GROUP BY id2",
     sel(item(Call("GROUP_CONCAT", (col("NAME"),), True, (OrderItem(col("ID1"), True),), Str(".")), "G"),
         sources=(Table("C"),), group_by=(col("ID2"),))),
    ("select count(distinct name) from t", sel(Call("COUNT", (col("NAME"),), True), sources=(Table("T"),))),
    # expressions in WHERE
    ("select * from t where a in (select c1 from t2) and b not in (1, 2) and c is not null and d is null",
     Select((STAR,), (Table("T"),),
            Binary("AND", Binary("AND", Binary("AND", In(col("A"), Subquery(sel(col("C1"), sources=(Table("T2"),)))),
                                               In(col("B"), (Num(1), Num(2)), True)),
                                 IsNull(col("C"), True)), IsNull(col("D"))))),
    ("select * from t where not (a = 1 or b <> 2) and c != 3",
     Select((STAR,), (Table("T"),),
            Binary("AND", Unary("NOT", Binary("OR", Binary("=", col("A"), Num(1)), Binary("<>", col("B"), Num(2)))),
                   Binary("<>", col("C"), Num(3))))),
    ("select * from t where a not between 1 and 2 or b like 'x%' or c not like '_y'",
     Select((STAR,), (Table("T"),),
            Binary("OR", Binary("OR", Between(col("A"), Num(1), Num(2), True), Match("LIKE", col("B"), Str("x%"))),
                   Match("LIKE", col("C"), Str("_y"), True)))),
    ("select * from r where id2 search 'time' and id3 esearch 'bbb%' and i2 not search 'a' and id2 regexp 'time[12]' "
     "and id2 not regexp 'x'",
     Select((STAR,), (Table("R"),),
            Binary("AND", Binary("AND", Binary("AND", Binary("AND", Match("SEARCH", col("ID2"), Str("time")),
                                                             Match("ESEARCH", col("ID3"), Str("bbb%"))),
                                               Match("SEARCH", col("I2"), Str("a"), True)),
                                 Match("REGEXP", col("ID2"), Str("time[12]"))),
                   Match("REGEXP", col("ID2"), Str("x"), True)))),
    ("SELECT addr FROM t WHERE '192.0.0.0/16' CONTAINS addr OR addr NOT CONTAINED '10.0.0.0/8'",
     sel(col("ADDR"), sources=(Table("T"),),
         where=Binary("OR", Match("CONTAINS", Str("192.0.0.0/16"), col("ADDR")),
                      Match("CONTAINED", col("ADDR"), Str("10.0.0.0/8"), True)))),
    ("select * from test where id < 2 and c1 range 1 hour",
     Select((STAR,), (Table("TEST"),), Binary("AND", Binary("<", col("ID"), Num(2)),
                                              Range(col("C1"), TimeSpan(1, "HOUR"))))),
    ("SELECT * FROM sensor_log WHERE event_time > now - 1h AND t < sysdate + 2d6h",
     Select((STAR,), (Table("SENSOR_LOG"),),
            Binary("AND", Binary(">", col("EVENT_TIME"), Binary("-", Call("NOW"), Interval(H))),
                   Binary("<", col("T"), Binary("+", Call("SYSDATE"), Interval(2 * 24 * H + 6 * H)))))),
    ("select name, info->'$.ship.status' from ships metadata where info->'$.name' = 'alpha'",
     sel(col("NAME"), Binary("->", col("INFO"), Str("$.ship.status")), sources=(Table("SHIPS", metadata=True),),
         where=Binary("=", Binary("->", col("INFO"), Str("$.name")), Str("alpha")))),
    ("select case i1 when 1 then 100 end, case when i1 > 0 then 'p' when i1 < 0 then 'n' else 'z' end from t1",
     sel(Case(col("I1"), (When(Num(1), Num(100)),)),
         Case(None, (When(Binary(">", col("I1"), Num(0)), Str("p")), When(Binary("<", col("I1"), Num(0)), Str("n"))),
              Str("z")), sources=(Table("T1"),))),
    ("select '[ ' || to_char(id1) || ' ]', -x * 2, 7 % 3, -(a + b), - -c from t",
     sel(Binary("||", Binary("||", Str("[ "), Call("TO_CHAR", (col("ID1"),))), Str(" ]")),
         Binary("*", Unary("-", col("X")), Num(2)), Binary("%", Num(7), Num(3)),
         Unary("-", Binary("+", col("A"), col("B"))), Unary("-", Unary("-", col("C"))), sources=(Table("T"),))),
    ("select i1 from t1 where i1 = (select max(c2) from t2)",
     sel(col("I1"), sources=(Table("T1"),),
         where=Binary("=", col("I1"), Subquery(sel(Call("MAX", (col("C2"),)), sources=(Table("T2"),)))))),
    ("select * from t where a = ? and b > ?",
     Select((STAR,), (Table("T"),), Binary("AND", Binary("=", col("A"), Param(0)), Binary(">", col("B"), Param(1))))),
    ("select 'it''s', 'a\\'b', 'C:\\temp', \"say \"\"hi\"\"\" from dual",
     sel(Str("it's"), Str("a'b"), Str("C:\\temp"), Str('say "hi"'), sources=(Table("DUAL"),))),
]


@pytest.mark.parametrize("text, expected", AST_CASES, ids=[c[0][:70] for c in AST_CASES])
def test_parse_to_ast(text, expected):
    assert parse_one(text) == expected


@pytest.mark.parametrize("text, _", AST_CASES + SEED_EXAMPLES, ids=[c[0][:70] for c in AST_CASES + SEED_EXAMPLES])
def test_every_parsed_statement_formats_back_to_itself(text, _):
    stmt = parse_one(text)
    canonical = format_sql(stmt)
    assert parse_one(canonical) == stmt
    assert format_sql(parse_one(canonical)) == canonical


def test_several_statements_and_empty_ones():
    assert parse("show tables; ;desc tag;") == [Show("TABLES"), Describe("TAG")]
    assert parse("") == []
    assert parse(" ; ; -- nothing\n") == []


def test_parse_one_wants_exactly_one_statement():
    with pytest.raises(SQLSyntaxError) as info:
        parse_one("select 1; select 2")
    assert info.value.message == "Syntax error: near token (select 2)."
    with pytest.raises(SQLSyntaxError) as info:
        parse_one("  ")
    assert info.value.message == "Syntax error: near token ()."


def test_keywords_are_case_insensitive_and_names_canonical():
    assert parse_one("SeLeCt VaLuE fRoM TaG") == parse_one("select value from tag")
    assert parse_one('select "value" from "tag"') == Select((item(Str("value")),), (Table("tag"),))


def test_select_items_keep_the_text_machbase_shows_as_column_labels():
    stmt = parse_one("select avg(value), value as v, LEAST (c1, c2), t.*, *, case i1 when 1 then 100 end "
                     "from t")
    assert [t.text for t in stmt.targets] == ["avg(value)", "value", "LEAST (c1, c2)", "t.*", "*",
                                              "case i1 when 1 then 100 end"]
    assert [t.alias for t in stmt.targets] == [None, "V", None, None, None, None]
    assert stmt.targets[1].alias_text == "v"
    assert parse_one('select 1 "Odd Name" from t').targets[0].alias_text == "Odd Name"


def test_nodes_carry_positions_that_equality_ignores():
    stmt = parse_one("\n  select name,\n    avg(value) from tag\n where name = 'a'")
    assert stmt.pos == Pos(2, 3)
    assert stmt.targets[1].pos == Pos(3, 5)
    assert stmt.targets[1].expr.args[0].pos == Pos(3, 9)
    assert stmt.sources[0].pos == Pos(3, 21)
    assert stmt.where.pos == Pos(4, 8)
    assert stmt.where.right.pos == Pos(4, 15)
    assert stmt.where == Binary("=", Column("NAME", pos=Pos(9, 9)), Str("a"))


def test_hints_only_right_after_select():
    assert parse_one("/*+ FULL(t) */ select a from t").hints == ()
    assert parse_one("select a /*+ FULL(t) */ from t").hints == ()
    assert parse_one("select /*+ NOPARALLEL(t), ROLLUP_TABLE(r) RID_RANGE(t, 45, 50) */ a from t").hints == (
        Hint("NOPARALLEL", ("T",)), Hint("ROLLUP_TABLE", ("R",)), Hint("RID_RANGE", ("T", 45, 50)))
    assert parse_one("select /*+ */ a from t").hints == ()
    assert parse_one("select /*+ X('a b') Y() */ 1").hints == (Hint("X", ("a b",)), Hint("Y"))


def test_parse_expr():
    assert parse_expr("a + b * c") == Binary("+", col("A"), Binary("*", col("B"), col("C")))
    assert parse_expr("(a + b) * c") == Binary("*", Binary("+", col("A"), col("B")), col("C"))
    assert parse_expr("a - b - c") == Binary("-", Binary("-", col("A"), col("B")), col("C"))
    assert parse_expr("a or b and not c = 1") == Binary("OR", col("A"), Binary("AND", col("B"), Unary(
        "NOT", Binary("=", col("C"), Num(1)))))
    assert parse_expr("a || b = c || d") == Binary("=", Binary("||", col("A"), col("B")),
                                                   Binary("||", col("C"), col("D")))
    assert parse_expr("-2") == Num(-2) and parse_expr("- 2.5") == Num(-2.5) and parse_expr("+3") == Num(3)
    assert parse_expr("-1h30m") == Interval(-(H + 30 * M))
    assert parse_expr("3s125ms10us4ns") == Interval(3 * S + 125_000_000 + 10_000 + 4)
    assert parse_expr("1e-3") == Num(0.001) and parse_expr(".5") == Num(0.5) and parse_expr("2.") == Num(2.0)
    assert isinstance(parse_expr("10").value, int) and isinstance(parse_expr("10.0").value, float)
    assert parse_expr("99999999999999999999") == Num(99999999999999999999)
    assert parse_expr("a between 1 + 1 and 3 = b") == Binary("=", Between(col("A"), Binary("+", Num(1), Num(1)),
                                                                          Num(3)), col("B"))


# -- exact error messages --------------------------------------------------------------------

ERROR_CASES = [
    # (text, code, message, (line, column), found)
    ("SELCT * FROM example", 2010, "Syntax error: near token (SELCT * FROM example).", (1, 1), "SELCT"),
    ("UPDATE TAG TABLE SET a = 1", 2010, "Syntax error: near token (TABLE SET a = 1).", (1, 12), "TABLE"),
    ("select * from", 2010, "Syntax error: near token ().", (1, 14), ""),
    ("select * from ;", 2010, "Syntax error: near token ().", (1, 15), ";"),
    ("select * form t", 2010, "Syntax error: near token (form t).", (1, 10), "form"),
    ("select a form t", 2010, "Syntax error: near token (t).", (1, 15), "t"),
    ("select * from t where", 2010, "Syntax error: near token ().", (1, 22), ""),
    ("select * from t where a = ", 2010, "Syntax error: near token ().", (1, 27), ""),
    ("select a, from t", 2010, "Syntax error: near token (from t).", (1, 11), "from"),
    ("select * from t limit x", 2010, "Syntax error: near token (x).", (1, 23), "x"),
    ("select * from t limit -1", 2010, "Syntax error: near token (-1).", (1, 23), "-"),
    ("select * from t order name", 2010, "Syntax error: near token (name).", (1, 23), "name"),
    ("select * from t group by", 2010, "Syntax error: near token ().", (1, 25), ""),
    ("select count(* from t", 2010, "Syntax error: near token (from t).", (1, 16), "from"),
    ("select (1 + 2 from t", 2010, "Syntax error: near token (from t).", (1, 15), "from"),
    ("select case when a then 1 from t", 2010, "Syntax error: near token (from t).", (1, 27), "from"),
    ("select case else 1 end", 2010, "Syntax error: near token (else 1 end).", (1, 13), "else"),
    ("select a from t where b in 1", 2010, "Syntax error: near token (1).", (1, 28), "1"),
    ("select a from t where b is 1", 2010, "Syntax error: near token (1).", (1, 28), "1"),
    ("select a from t where b between 1 or 2", 2010, "Syntax error: near token (or 2).", (1, 35), "or"),
    ("select * from t where a = 1 garbage", 2010, "Syntax error: near token (garbage).", (1, 29), "garbage"),
    ("select * from t t2 t3", 2010, "Syntax error: near token (t3).", (1, 20), "t3"),
    ("select * from select", 2010, "Syntax error: near token (select).", (1, 15), "select"),
    ("select * from t;; select", 2010, "Syntax error: near token ().", (1, 25), ""),
    ("select 1 select 2", 2010, "Syntax error: near token (select 2).", (1, 10), "select"),
    ("select * from t  ;  ", 0, None, None, None),
    ("select * from t where x = 1  ;; ", 0, None, None, None),
    ("insert into t values (1, 2", 2010, "Syntax error: near token ().", (1, 27), ""),
    ("insert into t values (1), (2)", 2010, "Syntax error: near token (, (2)).", (1, 25), ","),
    ("insert into t (a b) values (1)", 2010, "Syntax error: near token (b) values (1)).", (1, 18), "b"),
    ("insert into t set a = 1", 2010, "Syntax error: near token (set a = 1).", (1, 15), "set"),
    ("insert t values (1)", 2010, "Syntax error: near token (t values (1)).", (1, 8), "t"),
    ("insert into t values (1) on duplicate update", 2010, "Syntax error: near token (update).", (1, 39), "update"),
    ("update t set where a = 1", 2010, "Syntax error: near token (where a = 1).", (1, 14), "where"),
    ("update t set a 1", 2010, "Syntax error: near token (1).", (1, 16), "1"),
    ("delete t", 2010, "Syntax error: near token (t).", (1, 8), "t"),
    ("delete from t oldest 5", 2010, "Syntax error: near token ().", (1, 23), ""),
    ("delete from t except 5 fortnights", 2010, "Syntax error: near token (fortnights).", (1, 24), "fortnights"),
    ("delete from t before", 2010, "Syntax error: near token ().", (1, 21), ""),
    ("delete from t no", 2010, "Syntax error: near token ().", (1, 17), ""),
    ("create tabel t (a int)", 2010, "Syntax error: near token (tabel t (a int)).", (1, 8), "tabel"),
    ("create table t", 2010, "Syntax error: near token ().", (1, 15), ""),
    ("create table t ()", 2010, "Syntax error: near token ()).", (1, 17), ")"),
    ("create table t (a)", 2010, "Syntax error: near token ()).", (1, 18), ")"),
    ("create table t (a integr)", 2010, "Syntax error: near token (integr)).", (1, 19), "integr"),
    ("create table t (a varchar(x))", 2010, "Syntax error: near token (x))).", (1, 27), "x"),
    ("create table t (a int(4))", 2010, "Syntax error: near token ((4))).", (1, 22), "("),
    ("create table t (a int primary)", 2010, "Syntax error: near token ()).", (1, 30), ")"),
    ("create table t (a int base)", 2010, "Syntax error: near token ()).", (1, 27), ")"),
    ("create table t (a int,)", 2010, "Syntax error: near token ()).", (1, 23), ")"),
    ("create table if exists t (a int)", 2010, "Syntax error: near token (exists t (a int)).", (1, 17), "exists"),
    ("create table t (from int)", 2010, "Syntax error: near token (from int)).", (1, 17), "from"),
    ("create tag table t (n varchar(9) primary key) with rollup (day)", 2010,
     "Syntax error: near token (day)).", (1, 60), "day"),
    ("create tag table t (n varchar(9) primary key) tag_partition_count", 2010, "Syntax error: near token ().",
     (1, 66), ""),
    ("create tag table t (n varchar(9) primary key) tag_data_part_size=16XB", 2010,
     "Syntax error: near token (16XB).", (1, 66), "16XB"),
    ("create rollup r on tag(value) interval 1 day", 2010, "Syntax error: near token (day).", (1, 42), "day"),
    ("create rollup r tag(value) interval 1 sec", 2010, "Syntax error: near token (tag(value) interval 1 sec).",
     (1, 17), "tag"),
    ("create rollup r on tag(value) interval sec", 2010, "Syntax error: near token (sec).", (1, 40), "sec"),
    ("drop tabel t", 2010, "Syntax error: near token (tabel t).", (1, 6), "tabel"),
    ("drop table t restrict", 2010, "Syntax error: near token (restrict).", (1, 14), "restrict"),
    ("alter rollup r pause", 2010, "Syntax error: near token (pause).", (1, 16), "pause"),
    ("alter table t add column (a int)", 2010, "Syntax error: near token (table t add column (a int)).", (1, 7),
     "table"),
    ("create user u identified manager", 2010, "Syntax error: near token (manager).", (1, 26), "manager"),
    ("create user u identified by p password policy max", 2010, "Syntax error: near token (max).", (1, 47), "max"),
    ("exec table_flush tag", 2010, "Syntax error: near token (tag).", (1, 18), "tag"),
    ("show", 2010, "Syntax error: near token ().", (1, 5), ""),
    ("desc", 2010, "Syntax error: near token ().", (1, 5), ""),
    # lexical errors
    ("select # from t", 2011, "Unrecognized token (#).", (1, 8), "#"),
    ("select a ! b", 2011, "Unrecognized token (!).", (1, 10), "!"),
    ("select 'unterminated from t", 2010, "Syntax error: near token ('unterminated from t).", (1, 8), "'"),
    ('select "unterminated', 2010, "Syntax error: near token (\"unterminated).", (1, 8), '"'),
    ("select 1 /* never closed", 2010, "Syntax error: near token (/* never closed).", (1, 10), "/"),
    ("select * from t where time > now - 1y", 2034, "Invalid format of time expression.", (1, 36), "1y"),
    ("select 5mo", 2034, "Invalid format of time expression.", (1, 8), "5mo"),
    # positions on later lines
    ("select *\nfrom t\nwhere a = = 1", 2010, "Syntax error: near token (= 1).", (3, 11), "="),
    ("select *\r\nfrom t\r\nwhere @", 2011, "Unrecognized token (@).", (3, 7), "@"),
]


@pytest.mark.parametrize("text, code, message, where, found", ERROR_CASES, ids=[c[0] for c in ERROR_CASES])
def test_exact_error_messages(text, code, message, where, found):
    if code == 0:
        parse(text)
        return
    with pytest.raises(SQLSyntaxError) as info:
        parse(text)
    ex = info.value
    assert (ex.code, ex.message, str(ex), (ex.line, ex.column), ex.found) == (code, message, message, where, found)
    assert ex.machsql == f"[ERR-{code:05d}: {message}]"


def test_syntax_error_details_for_people():
    with pytest.raises(SQLSyntaxError) as info:
        parse("select *\n  from t wher a = 1")
    ex = info.value
    assert isinstance(ex, errors.ParseError) and isinstance(ex, errors.InvalidArgument)
    assert ex.token == "a = 1" and ex.found == "a"
    assert ex.expected == (";",)
    assert ex.snippet == "  from t wher a = 1\n              ^"
    assert ex.describe() == ("Syntax error: near token (a = 1). (line 2, column 15 at 'a'; expected ;)\n"
                             "  from t wher a = 1\n              ^")
    assert SQLSyntaxError.code == 2010


NAME_128 = "n" * 126 + "é"  # 128 bytes in UTF-8


@pytest.mark.parametrize("text", [
    f"create table {'x' * 129} (a integer)", f'create table "{NAME_128}x" (a integer)',
    f"create table t ({'c' * 129} integer)", f"create user {'u' * 129} identified by p",
    f"create rollup {'r' * 129} on t(value) interval 1 min", f"select * from {'t' * 1000}",
    'create table "" (a integer)', 'create table "a\x01b" (a integer)', 'select "\t".x from t',
])
def test_names_are_checked_where_they_enter(text):
    with pytest.raises(SQLSyntaxError) as info:
        parse(text)
    assert info.value.code == 2010
    assert info.value.expected == ("a name of 1 to 128 bytes without control characters",)


def test_names_up_to_128_bytes_parse():
    assert parse_one(f'create table "{NAME_128}" (a integer)').name == NAME_128
    assert parse_one(f"select {'c' * 128} from {'t' * 128}") == sel(col("C" * 128), sources=(Table("T" * 128),))


@pytest.mark.parametrize("text", [
    "select " + "(" * 40 + "1" + ")" * 40, "select " + "- " * 40 + "x", "select " + "not " * 40 + "x",
    "select " + "+".join(["1"] * 200), "select 1 from t where " + " and ".join(["a = 1"] * 200),
    "select " + "abs(" * 40 + "x" + ")" * 40, "select " + "a = " * 200 + "1", "select " + "a || " * 200 + "b",
    "select * from " + "(select * from " * 40 + "t" + ")" * 40,
    "select * from t where a in " + "(select a from t where a in " * 40 + "(1)" + ")" * 40,
])
def test_deep_expressions_are_syntax_errors_not_crashes(text):
    with pytest.raises(SQLSyntaxError) as info:
        parse(text)
    assert info.value.code == 2010
    assert info.value.expected == ("a less deeply nested expression",)


def test_reasonably_deep_expressions_parse():
    assert parse_expr("(" * 20 + "1" + ")" * 20) == Num(1)
    assert len(parse_one("select 1 from t where " + " and ".join(["a = 1"] * 60)).targets) == 1
    parse_one("select * from " + "(select * from " * 10 + "t" + ")" * 10)


def test_reserved_words_need_quotes_as_names():
    with pytest.raises(SQLSyntaxError):
        parse_one("select * from order")
    assert parse_one('select * from "ORDER"') == Select((STAR,), (Table("ORDER"),))
    # ordinary keywords stay usable as names
    assert parse_one("select name, time, value, key, day, offset, now.x from data") == sel(
        col("NAME"), col("TIME"), col("VALUE"), col("KEY"), col("DAY"), col("OFFSET"), col("X", "NOW"),
        sources=(Table("DATA"),))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("SELCTFROMWHAINDUPYVs ;\"'(),.*-+=<>!|/#?$1h0\n\t_")), max_size=40))
def test_garbage_gives_syntax_errors_only(text):
    try:
        statements = parse(text)
    except SQLSyntaxError as ex:
        assert ex.code in (2010, 2011, 2034)
        assert ex.line >= 1 and ex.column >= 1
    else:
        for stmt in statements:
            assert parse_one(format_sql(stmt)) == stmt


# -- lexer ---------------------------------------------------------------------------------

def test_lexer_tokens_and_positions():
    tokens = tokenize("select v$x, 'a''b', \"Q\", 1.5e3 16MB ? <> != || -> -- c\n/*+ FULL(t) */ x").items
    assert [(t.kind, t.value, tuple(t.pos)) for t in tokens] == [
        ("IDENT", "select", (1, 1)), ("IDENT", "v$x", (1, 8)), ("OP", ",", (1, 11)), ("STRING", "a'b", (1, 13)),
        ("OP", ",", (1, 19)), ("QIDENT", "Q", (1, 21)), ("OP", ",", (1, 24)), ("FLOAT", "1.5e3", (1, 26)),
        ("SUFFIXED", "16MB", (1, 32)), ("PARAM", "?", (1, 37)), ("OP", "<>", (1, 39)), ("OP", "!=", (1, 42)),
        ("OP", "||", (1, 45)), ("OP", "->", (1, 48)), ("IDENT", "x", (2, 16)), ("EOF", "", (2, 17)),
    ]
    assert tokenize("a /*+ FULL(t) */ b").hints == {1: [(" FULL(t) ", (1, 3))]}
    assert [t.value for t in tokenize("1.x t.a 1.").items[:-1]] == ["1", ".", "x", "t", ".", "a", "1."]
