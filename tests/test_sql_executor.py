"""The Machbase SQL executor on an engine (no HTTP): SELECT features, DML rules per table kind."""
import numpy as np
import pytest

from machstore.engine import Engine
from machstore.machbase.errors import MachbaseError
from machstore.sql.session import Session
from machstore.sql.statements import execute


@pytest.fixture
def run(tmp_path):
    eng = Engine(str(tmp_path / "d"))
    session = Session(timezone="+0000")

    def q(text):
        r = execute(eng, text, session)
        if not r.is_select:
            return r.effect_rows
        out = []
        for i in range(r.row_count):
            out.append(tuple(None if c.nulls is not None and c.nulls[i] else
                             (c.values[i].item() if isinstance(c.values[i], np.generic) else c.values[i])
                             for c in r.columns))
        return out
    q.engine = eng
    yield q
    eng.close()


def err(q, text):
    with pytest.raises(MachbaseError) as info:
        q(text)
    return info.value.code


@pytest.fixture
def tag(run):
    run("create tag table tag (name varchar(20) primary key, time datetime basetime, value double summarized, "
        "note varchar(10))")
    rows = [("a", 1, 1.0, "x"), ("a", 2, 5.0, None), ("b", 1, 3.0, "y"), ("b", 3, None, "x"), ("c", 2, 7.0, "z")]
    for name, sec, value, note in rows:
        v = "NULL" if value is None else value
        n = "NULL" if note is None else f"'{note}'"
        run(f"insert into tag values ('{name}', '1970-01-01 00:00:0{sec}', {v}, {n})")
    return run


def test_where_forms(tag):
    assert tag("select name, value from tag where value > 2 and value <= 5") == [("a", 5.0), ("b", 3.0)]
    assert tag("select name from tag where name in ('a', 'c') and time = '1970-01-01 00:00:02'") == [("a",), ("c",)]
    assert tag("select count(*) from tag where time between '1970-01-01 00:00:02' and '1970-01-01 00:00:03'") == [(3,)]
    assert tag("select name from tag where note like 'x%' or note is null") == [("a",), ("a",), ("b",)]
    assert tag("select name from tag where not (value is not null)") == [("b",)]
    assert tag("select name from tag where name not in ('a', 'b')") == [("c",)]


def test_aggregates_group_having_order_limit(tag):
    assert tag("select name, count(*), count(value), sum(value), min(value), max(value), avg(value) from tag "
               "group by name order by name") == [("a", 2, 2, 6.0, 1.0, 5.0, 3.0), ("b", 2, 1, 3.0, 3.0, 3.0, 3.0),
                                                  ("c", 1, 1, 7.0, 7.0, 7.0, 7.0)]
    assert tag("select name, sum(value) s from tag group by name having s > 5 order by s desc") == [
        ("c", 7.0), ("a", 6.0)]
    assert tag("select name, count(*) from tag group by name order by 2 desc, 1 limit 1, 1") == [("b", 2)]
    got = tag("select sumsq(value), variance(value), stddev(value) from tag")[0]
    values = np.array([1.0, 5.0, 3.0, 7.0])
    assert got == pytest.approx((float((values ** 2).sum()), values.var(ddof=1), values.std(ddof=1)))
    assert tag("select first(time, value), last(time, value) from tag where name = 'a'") == [(1.0, 5.0)]
    assert tag("select count(*), sum(value) from tag where name = 'zz'") == [(0, None)]


def test_expressions_functions_distinct(tag):
    assert tag("select distinct note from tag where note is not null order by note") == [("x",), ("y",), ("z",)]
    assert tag("select value * 2 + 1, -value from tag where name = 'c'") == [(15.0, -7.0)]
    assert tag("select to_char(time, 'HH24:MI:SS'), upper(note) from tag where name = 'c'") == [("00:00:02", "Z")]
    assert tag("select case when value > 4 then 'big' else 'small' end from tag where value is not null "
               "order by value") == [("small",), ("small",), ("big",), ("big",)]
    assert tag("select date_trunc('second', time, 2) t, count(*) from tag group by t order by t") == [
        (0, 2), (2 * 10**9, 3)]
    assert tag("select nvl(value, -1) from tag where name = 'b' order by time") == [(3.0,), (-1.0,)]


def test_order_by_strings_and_nulls(tag):
    assert tag("select note from tag order by note desc") == [("z",), ("y",), ("x",), ("x",), (None,)]
    assert tag("select name, note from tag where note is not null order by note, name desc") == [
        ("b", "x"), ("a", "x"), ("b", "y"), ("c", "z")]


def test_scan_backward_and_subquery(tag):
    assert tag("select /*+ SCAN_BACKWARD(tag) */ time from tag where name = 'a'") == [(2 * 10**9,), (10**9,)]
    assert tag("select count(*) from (select name from tag where value > 1)") == [(3,)]


def test_errors_carry_machbase_codes(tag):
    assert err(tag, "select nosuch from tag") == 2030
    assert err(tag, "select nosuch(value) from tag") == 2035
    assert err(tag, "select * from nosuch") == 2025
    assert err(tag, "select * from tag where") == 2010
    assert err(tag, "insert into tag values ('a', 'not a time', 1, 'x')") in (300, 2233)
    assert err(tag, "delete from tag oldest 1 rows") == 2010
    assert err(tag, "select * from tag where time > now - 1y") == 2034  # the parser's own codes are kept
    assert err(tag, "select # from tag") == 2011


def test_log_table_delete_forms(run):
    run("create table logt (i integer)")
    for i in range(6):
        run(f"insert into logt values ({i})")
    assert run("select i from logt") == [(i,) for i in range(6)]
    assert run("delete from logt oldest 2 rows") == 2
    assert run("delete from logt except 2 rows") == 2
    assert run("select i from logt") == [(4,), (5,)]
    assert run("select _rid from logt") == [(4,), (5,)]
    assert err(run, "delete from logt where i = 1") == 2266
    assert run("delete from logt") == 2


def test_volatile_and_lookup_tables(run):
    run("create volatile table vt (id integer primary key, name varchar(10))")
    run("insert into vt values (1, 'a')")
    run("insert into vt values (1, 'b') on duplicate key update")
    assert run("select * from vt") == [(1, "b")]
    run("insert into vt values (1, 'ignored') on duplicate key update set name = 'set'")
    run("insert into vt values (2, 'new') on duplicate key update set name = 'set'")
    assert run("select * from vt") == [(1, "set"), (2, "new")]
    assert err(run, "insert into vt values (2, 'dup')") == 2055
    run("delete from vt where id = 2")
    assert run("update vt set name = 'c' where id = 1") == 1
    assert run("delete from vt where id = 1") == 1
    assert run("select count(*) from vt") == [(0,)]
    assert err(run, "create lookup table lk (id integer, name varchar(10))") == 2253
    run("create lookup table lk (id integer primary key, name varchar(10))")
    run("insert into lk values (2, 'x')")
    assert run("select name from lk where id = 2") == [("x",)]


def test_meta_tables(tag):
    names = {r[0] for r in tag("select name, type from m$sys_tables")}
    assert names == {"TAG"}
    cols = tag("select name, type, length from m$sys_columns order by id")
    assert cols[:3] == [("NAME", 5, 20), ("TIME", 6, 8), ("VALUE", 20, 8)]
    assert tag("select * from v$tag_stat where name = 'a'")[0][:4] == ("a", 2, 10**9, 2 * 10**9)
    assert tag("show tables") == [("SYS", "MACHBASEDB", "TAG", "TAG")]
    assert "SYS" in [r[0] for r in tag("select name from m$sys_users")]


def test_rollup_queries_answered_from_rollups_match_raw(run):
    from machstore.sql import parse_one
    from machstore.sql.rollup_plan import rollup_frame
    from machstore.sql.session import Session
    run("create tag table rt (name varchar(20) primary key, time datetime basetime, value double summarized)")
    rng = np.random.default_rng(9)
    rows = [(rng.choice(["a", "b"]), int(rng.integers(0, 7200)), float(rng.normal())) for _ in range(400)]
    for i, (name, sec, value) in enumerate(rows):
        run(f"insert into rt values ('{name}', '1970-01-01 00:00:00', {value})".replace(
            "00:00:00", f"{sec // 3600:02d}:{sec // 60 % 60:02d}:{sec % 60:02d}"))
        if i == 250:
            while run.engine.compact():
                pass  # part compacted (rolled up), part pending
    fast = ("select rollup('min', 5, time) t, count(value), sum(value), min(value), max(value), avg(value) "
            "from rt where name in ('a', 'b') and time >= '1970-01-01 00:10:00' and time < '1970-01-01 01:40:00' "
            "group by t order by t")
    raw = fast.replace("where name in ('a', 'b')", "where value = value and name in ('a', 'b')")
    got, want = run(fast), run(raw)
    assert [r[:2] for r in got] == [r[:2] for r in want] and len(got) == 18
    for g, w in zip(got, want):
        assert g[2:] == pytest.approx(w[2:])
    # COUNT(*) equals the rollups' count here (no NULL values stored), so it is answerable too
    star = "select rollup('min', 5, time) t, count(*) from rt where name = 'a' group by t order by t"
    stmt = parse_one(star)
    assert rollup_frame(run.engine, stmt, stmt.targets, Session(timezone="+0000")) is not None
    assert run(star) == run(star.replace("where name", "where value = value and name"))
    run("insert into rt values ('a', '1970-01-01 00:00:00', NULL)")
    assert rollup_frame(run.engine, stmt, stmt.targets, Session(timezone="+0000")) is None
    # a target outside the aggregates takes the ordinary path and still answers
    assert len(run("select rollup('min', 5, time) t, name, count(*) from rt group by t")) == 24


def test_lifetime_aggregates_from_stats_match_raw(tag):
    from machstore.sql import parse_one
    from machstore.sql.session import Session
    from machstore.sql.stats_plan import stats_frame
    fast = "select name, count(*), count(value), sum(value), min(value), max(value), avg(value), " \
           "first(time, value), last(time, value), min(time), max(time) from tag group by name order by name"
    stmt = parse_one(fast)
    assert stats_frame(tag.engine, stmt, stmt.targets, Session(timezone="+0000")) is not None
    raw = fast.replace("from tag group", "from tag where time = time group")  # not stats-answerable
    assert tag(fast) == tag(raw)
    assert tag("select count(*), max(value), avg(value) from tag where name in ('a', 'c')") == [(3, 7.0, 13 / 3)]
    while tag.engine.compact():
        pass
    assert tag(fast) == tag(raw)


def test_rollup_objects(run):
    run("create tag table rt (name varchar(20) primary key, time datetime basetime, value double summarized) "
        "with rollup (min) extension")
    assert [r[0] for r in run("select rollup_table from v$rollup order by interval_time")] == [
        "_RT_ROLLUP_MIN", "_RT_ROLLUP_HOUR"]
    run("create rollup r10 on rt(value) interval 10 min")
    run("create rollup r30 on r10 interval 30 min")
    assert err(run, "create rollup r7 on r10 interval 15 min") == 2010   # 10 min does not divide 15 min
    assert err(run, "create rollup rx on rt(name) interval 1 sec") == 2671
    assert err(run, "create rollup ry on nope(value) interval 1 sec") == 2025
    assert err(run, "create rollup r10 on rt(value) interval 1 sec") == 2024
    assert err(run, "drop rollup r10") == 2651                           # r30 depends on it
    assert err(run, "drop rollup nope") == 2654
    run("insert into rt values ('a', '1970-01-01 00:00:01', 2)")
    run("exec rollup_force(r10)")
    assert err(run, "exec rollup_force(nope)") == 2654
    run("alter rollup r30 stop")
    assert run("select state from v$rollup where rollup_table = 'R30'") == [("STOP",)]
    assert err(run, "drop table rt") == 2651                              # user rollups need CASCADE
    run("drop table rt cascade")
    assert run("select count(*) from v$rollup") == [(0,)]
