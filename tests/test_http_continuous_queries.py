"""Continuous queries over HTTP on a real server: CREATE / DROP / SHOW, and queries that really run.

The servers run the engine process, which runs the continuous queries; they check every
0.1 s (``--continuous-queries-run-interval``) so a ``GROUP BY time(2s)`` query shows its
results within seconds.  Points are written into intervals that end in the future, and the
tests wait for those intervals to end: nothing depends on how fast the machine is beyond a
generous deadline.  The restart test kills the whole server with ``kill -9`` while intervals
pass, starts it again and checks that each missed interval was computed, and none twice.
"""
import datetime
import itertools
import re
import time

import pytest
import requests

S = 10**9
FAST = ("--continuous-queries-run-interval", "0.1", "--engine-idle-sleep", "0.05")


def q(server, text, method="POST", **params):
    params["q"] = text
    return requests.request(method, server.url + "/query", params=params, timeout=30)


def answer(server, text, method="POST", **params):
    resp = q(server, text, method, **params)
    assert resp.status_code == 200, resp.text
    return resp.json()


def ok(server, text, **params):
    assert answer(server, text, **params) == {"results": [{"statement_id": 0}]}


def write(server, db, body):
    resp = requests.post(server.url + "/write", params={"db": db}, data=body.encode(), timeout=30)
    assert resp.status_code == 204, resp.text


def show(server):
    """``{database: [[name, query], ...]}`` from SHOW CONTINUOUS QUERIES."""
    series = answer(server, "SHOW CONTINUOUS QUERIES")["results"][0]["series"]
    assert all(s["columns"] == ["name", "query"] for s in series)
    return {s["name"]: s.get("values", []) for s in series}


def rows(server, db, text):
    res = answer(server, text, db=db, epoch="ns")["results"][0]
    assert "error" not in res, res
    return [row for s in res.get("series", []) for row in s["values"]]


def wait_for(predicate, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("timed out waiting")


def next_boundary(interval_ns, ahead_ns):
    """The first multiple of ``interval_ns`` at least ``ahead_ns`` from now."""
    t = time.time_ns() + ahead_ns
    return t - t % interval_ns + interval_ns


def sleep_until(t_ns):
    time.sleep(max(0.0, (t_ns - time.time_ns()) / 1e9))


# -- statements ----------------------------------------------------------------------------------

def test_create_show_drop_as_influxdb_answers(server, db):
    ok(server, f"CREATE DATABASE {db}")
    ok(server, f"CREATE RETENTION POLICY long ON {db} DURATION INF REPLICATION 1")
    ok(server, f"CREATE CONTINUOUS QUERY cq1 ON {db} BEGIN SELECT mean(v) INTO cpu_1h FROM cpu GROUP BY time(1h), host END")
    ok(server, f'CREATE CONTINUOUS QUERY "cq 2" ON {db} RESAMPLE EVERY 5m FOR 2h BEGIN SELECT max(v) '
               f"INTO {db}.long.:MEASUREMENT FROM /c.*/ WHERE time > now() - 1d GROUP BY time(1h), * fill(0) END")
    first = (f"CREATE CONTINUOUS QUERY cq1 ON {db} BEGIN SELECT mean(v) INTO {db}.autogen.cpu_1h "
             f"FROM {db}.autogen.cpu GROUP BY time(1h), host END")
    second = (f'CREATE CONTINUOUS QUERY "cq 2" ON {db} RESAMPLE EVERY 5m FOR 2h BEGIN SELECT max(v) '
              f"INTO {db}.long.:MEASUREMENT FROM {db}.autogen./c.*/ WHERE time > now() - 1d "
              f"GROUP BY time(1h), * fill(0) END")
    expected = [["cq1", first], ["cq 2", second]]
    for _ in range(4):   # every worker sees them
        assert show(server)[db] == expected
    # the same query again is fine; another one under the same name is not
    ok(server, f"create continuous query cq1 on {db} begin select mean(v) into cpu_1h from cpu group by time(1h), host end")
    assert answer(server, f"CREATE CONTINUOUS QUERY cq1 ON {db} BEGIN SELECT max(v) INTO cpu_1h FROM cpu "
                          "GROUP BY time(1h) END") == {
        "results": [{"statement_id": 0, "error": "continuous query already exists"}]}
    ok(server, f"DROP CONTINUOUS QUERY cq1 ON {db}")
    ok(server, f"DROP CONTINUOUS QUERY cq1 ON {db}")          # InfluxDB 1.x: no error
    ok(server, f"DROP CONTINUOUS QUERY cq1 ON {db}_nosuch")
    assert show(server)[db] == expected[1:]
    # dropped with the database
    ok(server, f"DROP DATABASE {db}")
    ok(server, f"CREATE DATABASE {db}")
    assert show(server)[db] == []


def test_show_lists_every_database_even_without_queries(server, db):
    ok(server, f"CREATE DATABASE {db}")
    got = answer(server, "SHOW CONTINUOUS QUERIES")["results"][0]["series"]
    databases = answer(server, "SHOW DATABASES")["results"][0]["series"][0]["values"]
    assert [s["name"] for s in got] == [d[0] for d in databases]
    assert {"name": db, "columns": ["name", "query"]} in got


@pytest.mark.parametrize("text, error", [
    ("CREATE CONTINUOUS QUERY c ON {db} BEGIN SELECT mean(v) INTO x FROM nosuch.autogen.cpu GROUP BY time(1h) END",
     "database not found: nosuch"),
    ("CREATE CONTINUOUS QUERY c ON {db} BEGIN SELECT mean(v) INTO nosuch..x FROM cpu GROUP BY time(1h) END",
     "database not found: nosuch"),
    ("CREATE CONTINUOUS QUERY c ON {db} BEGIN SELECT mean(v) INTO x FROM nope.cpu GROUP BY time(1h) END",
     "retention policy not found: {db}.nope"),
    ("CREATE CONTINUOUS QUERY c ON {db}_nosuch BEGIN SELECT mean(v) INTO x FROM {db}..cpu GROUP BY time(1h) END",
     "database not found: {db}_nosuch"),
])
def test_create_errors(server, db, text, error):
    ok(server, f"CREATE DATABASE {db}")
    assert answer(server, text.format(db=db)) == {"results": [{"statement_id": 0, "error": error.format(db=db)}]}
    assert show(server)[db] == []


@pytest.mark.parametrize("text, error", [
    ("CREATE CONTINUOUS QUERY c ON db BEGIN SELECT mean(v) INTO x FROM cpu END",
     "found cpu, expected GROUP BY time(...) at line 1, char 66"),
    ("CREATE CONTINUOUS QUERY c ON db BEGIN SELECT mean(v) FROM cpu GROUP BY time(1h) END",
     "found FROM, expected INTO at line 1, char 54"),
    ("CREATE CONTINUOUS QUERY c ON db RESAMPLE FOR 30m BEGIN SELECT mean(v) INTO x FROM cpu GROUP BY time(1h) END",
     "FOR duration must be >= GROUP BY time duration: must be a minimum of 1h, got 30m"),
])
def test_parse_errors_are_400(server, text, error):
    resp = q(server, text)
    assert resp.status_code == 400
    assert resp.json() == {"error": f"error parsing query: {error}"}


def test_the_request_database_and_policy_name_the_measurements(server, db):
    # as InfluxDB's executor normalizes: the request's db/rp come before the query's ON database
    ok(server, f"CREATE DATABASE {db}")
    ok(server, f"CREATE DATABASE {db}_src")
    ok(server, f"CREATE RETENTION POLICY r ON {db}_src DURATION 1d REPLICATION 1")
    ok(server, f"CREATE CONTINUOUS QUERY c ON {db} BEGIN SELECT count(v) INTO x FROM cpu GROUP BY time(1h) END",
       db=f"{db}_src", rp="r")
    text = (f"CREATE CONTINUOUS QUERY c ON {db} BEGIN SELECT count(v) INTO {db}_src.r.x "
            f"FROM {db}_src.r.cpu GROUP BY time(1h) END")
    assert show(server)[db] == [["c", text]]


def test_get_creates_with_influxdbs_warning(server, db):
    ok(server, f"CREATE DATABASE {db}")
    got = answer(server, f"CREATE CONTINUOUS QUERY c ON {db} BEGIN SELECT count(v) INTO x FROM cpu GROUP BY time(1h) END",
                 method="GET")
    text = (f"CREATE CONTINUOUS QUERY c ON {db} BEGIN SELECT count(v) INTO {db}.autogen.x FROM {db}.autogen.cpu "
            "GROUP BY time(1h) END")
    assert got == {"results": [{"statement_id": 0, "messages": [
        {"level": "warning",
         "text": f"deprecated use of '{text}' in a read only context, please use a POST request instead"}]}]}
    assert show(server)[db] == [["c", text]]


# -- queries that run -----------------------------------------------------------------------------

def test_a_two_second_query_writes_each_interval_after_it_ends(make_server, db):
    srv = make_server(*FAST)
    ok(srv, f"CREATE DATABASE {db}")
    ok(srv, f"CREATE CONTINUOUS QUERY cq ON {db} BEGIN SELECT count(v) AS n, sum(v) AS total INTO cpu_2s "
            "FROM cpu GROUP BY time(2s), host END")
    t0 = next_boundary(2 * S, 2 * S)             # a whole interval still in the future
    write(srv, db, "\n".join([f"cpu,host=a v=1 {t0 + 100_000_000}", f"cpu,host=a v=2 {t0 + S}",
                              f"cpu,host=b v=5 {t0 + 1_500_000_000}", f"cpu,host=a v=4 {t0 + 2 * S + 1}",
                              f"cpu,host=a v=8 {t0 + 4 * S + 1}"]))
    sleep_until(t0)
    assert rows(srv, db, "SELECT * FROM cpu_2s") == []     # nothing before the interval ends
    got = wait_for(lambda: rows(srv, db, f"SELECT * FROM cpu_2s WHERE time < {t0 + 2 * S}"))
    assert got == [[t0, "a", 2, 3.0], [t0, "b", 1, 5.0]]
    got = wait_for(lambda: rows(srv, db, f"SELECT * FROM cpu_2s WHERE time = {t0 + 2 * S}"))
    assert got == [[t0 + 2 * S, "a", 1, 4.0]]
    # a dropped query stops: the next interval, which has a point, is not computed
    ok(srv, f"DROP CONTINUOUS QUERY cq ON {db}")
    sleep_until(t0 + 6 * S + 500_000_000)
    assert rows(srv, db, f"SELECT * FROM cpu_2s WHERE time >= {t0 + 4 * S}") == []


def test_disabled_queries_are_kept_but_do_not_run(make_server, db):
    srv = make_server("--no-continuous-queries-enabled", *FAST)
    ok(srv, f"CREATE DATABASE {db}")
    ok(srv, f"CREATE CONTINUOUS QUERY cq ON {db} BEGIN SELECT count(v) INTO out FROM cpu GROUP BY time(1s) END")
    t0 = next_boundary(S, S)
    write(srv, db, f"cpu v=1 {t0 + 1}")
    sleep_until(t0 + 2 * S)
    assert rows(srv, db, "SELECT * FROM out") == []
    assert [name for name, _ in show(srv)[db]] == ["cq"]


_RAN = re.compile(r"continuous query (\S+)\.cq computed \[(\S+), (\S+)\): (\d+) points written")


def test_a_restart_after_kill9_computes_each_missed_interval_once(make_server, db):
    srv = make_server(*FAST)
    ok(srv, f"CREATE DATABASE {db}")
    ok(srv, f"CREATE CONTINUOUS QUERY cq ON {db} BEGIN SELECT count(v) INTO out FROM cpu GROUP BY time(1s) END")
    t0 = next_boundary(S, 2 * S)
    # one point per 100 ms over 8 seconds, so each 1 s interval counts 10
    write(srv, db, "\n".join(f"cpu v=1 {t0 + i * 100_000_000}" for i in range(80)))
    wait_for(lambda: rows(srv, db, f"SELECT * FROM out WHERE time = {t0}"))
    srv.kill9()                                  # master, workers and engine process at once
    time.sleep(3.5)                              # several boundaries pass while it is down
    srv.start()
    wait_for(lambda: len(rows(srv, db, f"SELECT * FROM out WHERE time < {t0 + 8 * S}")) == 8)
    assert rows(srv, db, f"SELECT * FROM out WHERE time < {t0 + 8 * S}") == [
        [t0 + i * S, 10] for i in range(8)]
    # each interval was computed once, across the kill (the engine process logs every run)
    with open(srv.log_path) as f:
        ranges = [(m.group(2), m.group(3)) for m in _RAN.finditer(f.read()) if m.group(1) == db]
    starts = [start for start, _ in ranges]
    assert len(starts) == len(set(starts)), ranges
    covered = sorted(ranges)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(covered)), covered   # no gap
    # the first run after the restart caught up the intervals that ended while it was down
    spans = [_ns(end) - _ns(start) for start, end in covered]
    assert max(spans) >= 3 * S, covered


def _ns(text):
    return int(datetime.datetime.fromisoformat(text).timestamp()) * S
