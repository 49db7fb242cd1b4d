"""SHOW QUERIES, KILL QUERY, query-timeout and the max-select limits (influxql/tasks.py).

InfluxDB's texts: ``query/task_manager.go`` (SHOW QUERIES columns, ``no such query id: N``,
``query interrupted``, ``query-timeout limit exceeded``, ``max-concurrent-queries limit
exceeded(n, limit)``), ``query/executor.go`` (``max-select-point limit exceeed: (n/limit)``, its
spelling), ``tsdb/shard.go`` (``max-select-series limit exceeded: (n/limit)``) and
``query/compile.go`` (``max-select-buckets limit exceeded: (n/limit)``).
"""
import threading

import requests

from machstore.engine import Engine
from machstore.influxql import parse
from machstore.influxql.execute import execute
from machstore.influxql.tasks import QueryLimits, TaskManager

S = 10**9


def results(server, text, db="", method="POST"):
    resp = requests.request(method, server.url + "/query", params={"q": text, "db": db}, timeout=30)
    assert resp.status_code == 200, resp.text
    return resp.json()["results"]


def write(server, db, body):
    resp = requests.post(server.url + "/write", params={"db": db}, data=body.encode(), timeout=30)
    assert resp.status_code == 204, resp.text


def test_show_queries_lists_the_running_query_itself(server, db):
    (result,) = results(server, "SHOW QUERIES", db)
    (series,) = result["series"]
    assert series["columns"] == ["qid", "query", "database", "duration", "status"]
    mine = [row for row in series["values"] if row[1] == "SHOW QUERIES"]
    assert len(mine) == 1
    qid, _, database, duration, status = mine[0]
    assert isinstance(qid, int) and database == db and status == "running"
    assert duration.endswith(("ns", "µs", "ms", "s"))
    (again,) = results(server, "SHOW QUERIES", db)
    assert all(row[0] != qid for row in again["series"][0]["values"])   # finished queries leave


def test_kill_query_of_an_unknown_id(server):
    assert results(server, "KILL QUERY 987654321") == [{"statement_id": 0, "error": "no such query id: 987654321"}]


def test_limits_and_timeout_in_influxdbs_words(make_server, db):
    srv = make_server("--max-select-series", "2", "--max-select-point", "25", "--max-select-buckets", "100")
    write(srv, db, "".join(f"cpu,host=h{h} v={i} {i * S}\n" for h in range(3) for i in range(10)))
    write(srv, db, "".join(f"mem v={i} {i * S}\n" for i in range(30)))
    assert results(srv, "SELECT * FROM cpu", db)[0]["error"] == "max-select-series limit exceeded: (3/2)"
    assert "series" in results(srv, "SELECT * FROM cpu WHERE host = 'h1'", db)[0]
    assert results(srv, "SELECT * FROM mem", db)[0]["error"] == "max-select-point limit exceeed: (30/25)"
    assert results(srv, "SELECT * FROM mem LIMIT 5", db)[0]["series"][0]["values"][-1][1] == 4
    assert results(srv, "SELECT count(v) FROM mem WHERE time >= 0 AND time < 3600s GROUP BY time(1s)", db) == [
        {"statement_id": 0, "error": "max-select-buckets limit exceeded: (3600/100)"}]
    # no lower bound: InfluxDB does not count buckets
    assert "error" not in results(srv, "SELECT count(v) FROM mem WHERE time < 20s GROUP BY time(1s)", db)[0]

    slow = make_server("--query-timeout", "0.000001")
    write(slow, db, "m v=1 1\n")
    assert results(slow, "SELECT * FROM m; SHOW DATABASES", db) == [
        {"statement_id": 0, "error": "query-timeout limit exceeded"}, {"statement_id": 1, "error": "not executed"}]


def test_max_concurrent_queries(make_server, db):
    srv = make_server("--max-concurrent-queries", "1")
    assert "series" in results(srv, "SHOW DATABASES")[0]     # itself is the one running query
    data = srv.data_dir
    blocker = TaskManager.of(data).attach("SELECT * FROM blocker", "x")   # a query running elsewhere
    try:
        assert results(srv, "SHOW DATABASES") == [
            {"statement_id": 0, "error": "max-concurrent-queries limit exceeded(1, 1)"}]
    finally:
        TaskManager.of(data).detach(blocker.qid)
    assert "series" in results(srv, "SHOW DATABASES")[0]


class _PausingEngine(Engine):
    """An engine whose reads wait until released, so a query stays running while the test looks."""

    def __init__(self, path):
        super().__init__(path)
        self.reading, self.release = threading.Event(), threading.Event()

    def scan_series(self, *args, **kwargs):
        self.reading.set()
        self.release.wait(30)
        return super().scan_series(*args, **kwargs)


def test_kill_query_stops_a_running_query(tmp_path):
    eng = _PausingEngine(str(tmp_path / "d"))
    try:
        eng.write_lines("db", b"m v=1 1\n")
        out = {}
        runner = threading.Thread(target=lambda: out.update(r=execute(eng, parse("SELECT * FROM m"), database="db")))
        runner.start()
        assert eng.reading.wait(30)
        (shown,) = execute(eng, parse("SHOW QUERIES"))[0].series
        (qid,) = [row[0] for row in shown.values if row[1] == "SELECT * FROM m"]
        assert [r.to_dict() for r in execute(eng, parse(f"KILL QUERY {qid}"))] == [{"statement_id": 0}]
        (shown,) = execute(eng, parse("SHOW QUERIES"))[0].series
        assert [row[4] for row in shown.values if row[0] == qid] == ["killed"]
        eng.release.set()
        runner.join(30)
        assert [r.to_dict() for r in out["r"]] == [{"statement_id": 0, "error": "query interrupted"}]
        assert [r.to_dict() for r in execute(eng, parse(f"KILL QUERY {qid}"))] == [
            {"statement_id": 0, "error": f"no such query id: {qid}"}]
    finally:
        eng.release.set()
        eng.close()


def test_limits_are_off_by_default():
    assert QueryLimits() == QueryLimits(0, 0, 0, 0, 0.0)


# -- EXPLAIN ----------------------------------------------------------------------------------

def test_explain_prints_one_node_per_iterator_with_its_costs(server, db):
    write(server, db, "".join(f"cpu,host=h{h} v={i},w={i}i {i * S}\n" for h in range(3) for i in range(50)))
    (result,) = results(server, "EXPLAIN SELECT mean(v), max(w) * 2 FROM cpu WHERE host = 'h1'", db)
    (series,) = result["series"]
    assert series["columns"] == ["QUERY PLAN"]
    lines = [row[0] for row in series["values"]]
    assert lines[0] == "EXPRESSION: mean(v::float)" and lines[7] == ""
    assert lines[8] == "EXPRESSION: max(w::integer)"
    costs = dict(line.split(": ", 1) for line in lines[1:7])
    assert costs["NUMBER OF SERIES"] == "1" and costs["NUMBER OF FILES"] == "1"
    # not compacted yet: the 50 points of h1 are InfluxDB's "cached values", or blocks once compacted
    assert int(costs["CACHED VALUES"]) + int(costs["NUMBER OF BLOCKS"]) > 0
    assert int(costs["CACHED VALUES"]) in (0, 50)

    (result,) = results(server, "EXPLAIN SELECT * FROM cpu", db)
    lines = [row[0] for row in result["series"][0]["values"]]
    assert lines[:2] == ["EXPRESSION: <nil>", "AUXILIARY FIELDS: host::tag, v::float, w::integer"]
    assert "NUMBER OF SERIES: 3" in lines


def test_explain_analyze_runs_the_statement_and_reports_the_reads(server, db):
    write(server, db, "".join(f"cpu,host=h{h} v={i} {i * S}\n" for h in range(2) for i in range(10)))
    (result,) = results(server, "EXPLAIN ANALYZE SELECT count(v) FROM cpu GROUP BY host", db)
    (series,) = result["series"]
    assert series["columns"] == ["EXPLAIN ANALYZE"]
    lines = [row[0] for row in series["values"]]
    assert lines[:2] == [".", "└── select"]
    text = "\n".join(lines)
    for part in ("execution_time: ", "planning_time: ", "total_time: ", "rows_emitted: 2", "measurement: cpu",
                 "series: 2", "rows_read: 20", "statement: SELECT count(v) FROM cpu GROUP BY host"):
        assert part in text


def test_explain_errors(server, db):
    write(server, db, "cpu v=1 1\n")
    assert results(server, "EXPLAIN SELECT nope(v) FROM cpu", db) == [
        {"statement_id": 0, "error": "undefined function nope()"}]
    assert results(server, "EXPLAIN SELECT v INTO other FROM cpu", db)[0]["error"] == \
        "EXPLAIN of SELECT ... INTO is not supported: it would write"
    assert results(server, "EXPLAIN SELECT v FROM cpu", "nosuchdb")[0]["error"] == "database not found: nosuchdb"
    assert results(server, "EXPLAIN SELECT v FROM nosuch", db) == [
        {"statement_id": 0, "series": [{"columns": ["QUERY PLAN"], "values": [[""]]}]}]


def test_show_queries_never_shows_a_password(server):
    (created, shown) = results(server, "CREATE USER tasks_pw_user WITH PASSWORD 'sekrit-1'; SHOW QUERIES")
    assert created == {"statement_id": 0}
    texts = [row[1] for row in shown["series"][0]["values"]]
    assert "CREATE USER tasks_pw_user WITH PASSWORD [REDACTED];\nSHOW QUERIES" in texts
    assert not any("sekrit" in t for t in texts)
    assert results(server, "DROP USER tasks_pw_user") == [{"statement_id": 0}]
