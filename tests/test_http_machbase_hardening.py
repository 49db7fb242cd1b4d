"""Bad input on the Machbase doors gets a 4xx in Machbase's envelope, never a 500 (issue 7).

Every case here is a request a 100,000-request fuzz run (bench/fuzz_requests.py) answered
with 500 ``Internal error`` before: a wrong JSON type in ``date_format``, a time far past
the datetime range, NULL keys of a lookup table, a 1,000-character name, a subquery in
``IN``, wrong argument types and huge numbers in SQL functions and expressions.  Each is
sent over real HTTP to a real server, and the answer's status, code and message are pinned.
The last test makes a true server fault (a full LMDB map) and checks that it is still a 500
in the envelope, and logged.
"""
import base64
import os

import pytest
import requests

from conftest import ServerProcess, _shutdown

TAG_DDL = ("create tag table tg (name varchar(20) primary key, time datetime basetime, value double summarized) "
           "metadata (loc varchar(10))")


@pytest.fixture(scope="module")
def mb(tmp_path_factory):
    srv = ServerProcess(tmp_path_factory.mktemp("hard"), flags=("--timezone", "+0000"))
    srv.start()
    for text in (TAG_DDL, "create lookup table lk (id integer primary key, s varchar(10))",
                 "create table l (c varchar(10))", "insert into lk values (1, 'one')",
                 "insert into lk values (2, 'two')", "insert into l values ('one')", "insert into l values ('x')",
                 "insert into tg metadata values ('a', 'seoul')"):
        assert q(srv, text).json()["error_code"] == 0, text
    r = append(srv, {"name": "tg", "values": [["a", "2021-01-01 00:00:00", 10.0], ["a", "2021-01-01 00:00:30", 60.0],
                                              ["a", "2021-01-01 00:01:10", 20.0]]})
    assert r.json()["append_success"] == 3
    yield srv
    _shutdown(srv)


def q(srv, sql, **params):
    return requests.get(f"{srv.url}/machbase", params={"q": sql, **params}, timeout=30)


def append(srv, doc, path="/machbase"):
    return requests.post(srv.url + path, json=doc, timeout=30)


def refused(r, status, code, message=None):
    """Assert a refusal in Machbase's envelope: the status, the code (and the message)."""
    doc = r.json()
    assert (r.status_code, doc["error_code"]) == (status, code), r.text
    assert isinstance(doc["error_message"], str) and doc["data"] == []
    if message is not None:
        assert doc["error_message"] == message
    return doc


def rows(srv, sql):
    r = q(srv, sql, m="1")
    assert r.status_code == 200 and r.json()["error_code"] == 0, r.text
    return r.json()["data"]


# -- JSON append ----------------------------------------------------------------------------------

@pytest.mark.parametrize("date_format", [{"a": "x"}, ["x"], 1, True])
def test_date_format_of_another_json_type_is_a_bad_request(mb, date_format):
    doc = {"name": "tg", "values": [["a", "2021-01-01 00:52:43", 1.5]], "date_format": date_format}
    refused(append(mb, doc), 400, 3106, "the JSON format is not valid")
    r = append(mb, {k: v for k, v in doc.items() if k != "name"}, path="/machiot/datapoints/raw/TG")
    assert r.json()["timezone"] == "+0000"  # the /machiot envelope
    refused(r, 400, 3106)


def test_table_name_of_another_json_type_is_a_bad_request(mb):
    refused(append(mb, {"name": ["tg"], "values": []}), 400, 3106)


def test_time_past_the_datetime_range_fails_its_row_alone(mb):
    r = append(mb, {"name": "l", "values": [["ok"]]})
    assert r.json()["append_success"] == 1
    q(mb, "create table times (t datetime, n integer)")
    r = append(mb, {"name": "times", "values": [["now + 9999999999999d", 1], ["2021-01-01 00:00:00", 2],
                                                ["now - 9999999999999d", 3]]})
    assert (r.status_code, r.json()["append_success"], r.json()["append_failure"]) == (200, 1, 2), r.text
    assert rows(mb, "select n from times") == [[2]]


# -- lookup tables ----------------------------------------------------------------------------------

def test_null_keys_of_a_lookup_table(mb):
    refused(q(mb, "insert into lk values (null, 'one')"), 400, 1345, "The value of the column<1> must not be NULL")
    r = q(mb, "delete FROM lk where id = null")  # "= NULL" is true for no row
    assert (r.status_code, r.json()["error_code"]) == (200, 0), r.text
    assert q(mb, "update lk set s = 'x' where id = null").json()["error_code"] == 0
    # -2147483648 is INTEGER's NULL: a key that is NULL names no row
    assert q(mb, "delete from lk where id = -2147483648").json()["error_code"] == 0
    assert q(mb, "update lk set s = 'x' where id in (-2147483648)").json()["error_code"] == 0
    refused(q(mb, "insert into lk values (-2147483648, 'x')"), 400, 1345)
    assert rows(mb, "select * from lk") == [[1, "one"], [2, "two"]]


# -- names ------------------------------------------------------------------------------------------

NAME_RULE = "a name of 1 to 128 bytes without control characters"


@pytest.mark.parametrize("sql", [
    "create table " + "x" * 1000 + " (a integer)",
    "create table " + "x" * 129 + " (a integer)",
    "create table c129 (" + "c" * 129 + " integer)",
    "create user " + "u" * 129 + " identified by pw",
    "create rollup " + "r" * 129 + " on tg (value) interval 1 min",
    'create table "" (a integer)',
    'create table "a\x01" (a integer)',
])
def test_names_longer_than_128_bytes_are_refused(mb, sql):
    doc = refused(q(mb, sql), 400, 2010)
    assert doc["error_message"].startswith("Syntax error: near token (")
    assert rows(mb, "select count(*) from m$sys_tables where length(name) > 128") == [[0]]


def test_names_of_128_bytes_work_everywhere(mb):
    name = "N" * 128
    assert q(mb, f"create table {name} ({name} integer)").json()["error_code"] == 0
    assert q(mb, f"insert into {name} values (7)").json()["error_code"] == 0
    assert rows(mb, f"select {name} from {name}") == [[7]]
    assert q(mb, f"create user {name} identified by pw").json()["error_code"] == 0
    assert q(mb, f"create rollup {name} on tg (value) interval 1 min").json()["error_code"] == 0
    assert q(mb, f"drop rollup {name}").json()["error_code"] == 0
    assert q(mb, f"drop user {name}").json()["error_code"] == 0


def test_tag_names_longer_than_the_name_column(mb):
    tag = "t" * 21
    refused(q(mb, f"insert into tg metadata values ('{tag}', 'x')"), 400, 2287,
            f"TAGDATA name value ({tag}) is too long.")
    refused(q(mb, f"update tg metadata set name = '{tag}' where name = 'a'"), 400, 2287)
    r = append(mb, {"name": "tg", "values": [[tag, "2021-01-01 00:00:00", 1.0]]})
    assert (r.json()["append_success"], r.json()["append_failure"]) == (0, 1)
    assert rows(mb, "select name from tg metadata") == [["a"]]


# -- subqueries ---------------------------------------------------------------------------------------

def test_subquery_in_in_and_as_a_value(mb):
    assert rows(mb, "select * from l where c in (select s from lk where id = 1)") == [["one"]]
    assert rows(mb, "select * from l where c not in (select s from lk) order by c") == [["ok"], ["x"]]
    assert rows(mb, "select c from l where c in (select s from lk where id = 99)") == []
    assert rows(mb, "select (select s from lk where id = 2)") == [["two"]]
    assert rows(mb, "select count(*) from tg where time = (select max(time) from tg)") == [[1]]
    refused(q(mb, "select (select s from lk)"), 400, 2131)
    refused(q(mb, "select * from l where c in (select id, s from lk)"), 400, 2010)
    assert q(mb, "delete from lk where id in (select id from lk where s = 'zz')").json()["error_code"] == 0


# -- functions and expressions ----------------------------------------------------------------------

@pytest.mark.parametrize("sql, status, code, message", [
    ("select round(value, 'inf') from tg", 400, 2037, "Function [ROUND] argument data type is mismatched."),
    ("select round(value, '') from tg", 400, 2037, "Function [ROUND] argument data type is mismatched."),
    ("select round(value, time) from tg", 400, 2037, "Function [ROUND] argument data type is mismatched."),
    ("select round(value, -1e309) from tg", 400, 2036, "Function [ROUND] argument is mismatched."),
    ("select round(value, 99999999999999999999) from tg", 400, 2036, "Function [ROUND] argument is mismatched."),
    ("select 1 + 2 * ''", 400, 2145, "The string cannot be converted to number value.()"),
    ("select - name from tg", 400, 2145, "The string cannot be converted to number value.(a)"),
    ("select count( ) from tg", 400, 2010, "Syntax error: near token (COUNT)."),
    ("select sum(*) from tg", 400, 2010, "Syntax error: near token (SUM)."),
    ("select rollup('sec', 'xxxx', time), count(*) from tg group by 1", 400, 2037,
     "Function [ROLLUP] argument data type is mismatched."),
    ("select rollup('sec', 1, name), count(*) from tg group by 1", 400, 2037,
     "Function [ROLLUP] argument data type is mismatched."),
    ("select time rollup 99999999999999999999 sec, avg(value) from tg where name = 'a' "
     "group by time rollup 99999999999999999999 sec", 400, 2036, "Function [ROLLUP] argument is mismatched."),
    ("select date_trunc('second', time, 0) from tg", 400, 2036, "Function [DATE_TRUNC] argument is mismatched."),
    ("create rollup r on tg (value) interval 18446744073709551616 min", 400, 2010,
     "Syntax error: near token (INTERVAL 18446744073709551616 MIN)."),
    ("insert into tg metadata values ('m', 'seoul' -2147483649)", 400, 2145,
     "The string cannot be converted to number value.(seoul)"),
    ("select case when value > 50 then 18446744073709551616 else 'lo' end from tg", 400, 2037,
     "Function [CASE] argument data type is mismatched."),
    ("select substr(name, 'x') from tg", 400, 2037, "Function [SUBSTR] argument data type is mismatched."),
    ("select * from tg where name regexp '[.*'", 400, 2010, "Syntax error: near token ([.*)."),
    ("select 1w * 99999999999999999999w", 400, 2034, "Invalid format of time expression."),
    ("select * from l metadata", 400, 2676, "Not a TAG table."),
    ("create table lg (a integer) with rollup", 400, 2676, "Not a TAG table."),
    ("create tag table t2 (name integer primary key, time datetime basetime, value double)", 400, 2015,
     "Invalid column type: (INTEGER)."),
    ("create tag table t3 (name varchar(20) primary key, time datetime basetime, note varchar(10), v double)",
     400, 1006, "Functionality is not supported yet."),
    ("create tag table t3 (name varchar(20) primary key, time datetime basetime, frame binary(16))",
     400, 1006, "Functionality is not supported yet."),
    ("create table p (a integer) tag_partition_count=99999999999999999999", 400, 600,
     "Invalid property value: 99999999999999999999."),
])
def test_wrong_types_and_huge_numbers_are_client_errors(mb, sql, status, code, message):
    refused(q(mb, sql), status, code, message)


def test_huge_numbers_where_they_are_valid(mb):
    assert rows(mb, "select 18446744073709551615, 99999999999999999999 > 1") == [[18446744073709551615, 1]]
    assert rows(mb, "select count(*) from tg where time > 18446744073709551616") == [[0]]
    assert rows(mb, "select count(*) from tg where time < 99999999999999999999") == [[3]]
    assert rows(mb, "select case when value > 50 then 18446744073709551616 else 1.5 end from tg order by time") == [
        [1.5], [18446744073709551616.0], [1.5]]
    assert rows(mb, "select round(value, 1), round(value, NULL) from tg where value > 50") == [[60.0, None]]


def test_aggregate_over_no_rows_with_a_rollup_target(mb):
    # no GROUP BY, no row: one row of NULLs (the columns used to come out 0 and 1 rows long)
    assert rows(mb, "select time rollup 1 min, avg(value) from tg where name = -2147483649") == [[None, None]]
    assert rows(mb, "select time rollup 1 min, avg(value) from tg where name = 'zz'") == [[None, None]]


def test_numbers_beside_text_compare_as_text(mb):
    q(mb, "insert into l values ('123')")
    assert rows(mb, "select c from l where c = 123") == [["123"]]
    assert rows(mb, "select count(*) from tg where value = '60'") == [[1]]


# -- a true fault is still a 500 in the envelope ----------------------------------------------------

def test_a_full_disk_is_a_500_in_the_envelope_and_logged(tmp_path):
    srv = ServerProcess(tmp_path, flags=("--map-size", str(8 << 20)), workers=1)
    srv.start()
    try:
        assert q(srv, "create table blobs (b binary)").json()["error_code"] == 0
        chunk = base64.b64encode(os.urandom(1 << 20)).decode()  # incompressible
        answers = [append(srv, {"name": "blobs", "values": [[chunk]]}) for _ in range(12)]
        full = [r for r in answers if r.status_code >= 500]
        assert full, [r.text[:200] for r in answers]
        doc = full[0].json()
        assert (full[0].status_code, doc["error_code"], doc["data"]) == (500, 2285, [])
        assert doc["error_message"].startswith("Internal error: ")
        assert "unhandled error on POST /machbase" in srv.log_tail(400)
        assert q(srv, "select count(*) from m$sys_tables").status_code == 200  # still serving
    finally:
        _shutdown(srv)
