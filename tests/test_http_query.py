"""InfluxDB 1.x ``/query`` for the schema statements: real server, raw requests and the ``influxdb`` client.

Reference behaviour is InfluxDB 1.8 (``services/httpd/handler.go`` serveQuery,
``coordinator/statement_executor.go``, ``services/meta``): 200 with per-statement errors,
400 for a missing ``q`` or a parse error (nothing runs), write statements over GET run with a
deprecation warning (``tsbs_load_influx`` creates its database that way), and the JSON shapes
``{"results":[{"statement_id":0,"series":[...]}]}``.  The first section runs the executor on an
engine without HTTP.
"""
import base64

import pytest
import requests
from influxdb import InfluxDBClient
from influxdb.exceptions import InfluxDBClientError

from machstore.engine import Engine
from machstore.influxql import parse
from machstore.influxql.execute import execute

VERSION = "1.8.10"
RP_COLUMNS = ["name", "duration", "shardGroupDuration", "replicaN", "default"]
AUTOGEN = ["autogen", "0s", "168h0m0s", 1, True]


def results_of(engine, text, **options):
    return [r.to_dict() for r in execute(engine, parse(text), **options)]


def q(server, text, method="GET", **params):
    params["q"] = text
    return requests.request(method, server.url + "/query", params=params, timeout=30)


def ok(resp):
    """Return the results of a 200 answer, checking InfluxDB's headers on the way."""
    assert resp.status_code == 200, resp.text
    assert resp.headers["Content-Type"] == "application/json"
    assert resp.headers["X-Influxdb-Version"] == VERSION
    assert resp.content.endswith(b"}\n")
    return resp.json()["results"]


def assert_error(resp, status, message):
    assert resp.status_code == status, resp.text
    assert resp.headers["Content-Type"].startswith("application/json")
    assert resp.json() == {"error": message}
    assert resp.headers["X-Influxdb-Error"] == message[:1024]


def write(server, db, body):
    resp = requests.post(server.url + "/write", params={"db": db}, data=body.encode(), timeout=30)
    assert resp.status_code == 204, resp.text


# -- the executor, without HTTP ------------------------------------------------------------

@pytest.fixture
def engine(tmp_path):
    eng = Engine(str(tmp_path / "data"))
    yield eng
    eng.close()


def test_executor_databases(engine):
    assert results_of(engine, "SHOW DATABASES") == [
        {"statement_id": 0, "series": [{"name": "databases", "columns": ["name"]}]}]
    assert results_of(engine, "CREATE DATABASE b; CREATE DATABASE a; CREATE DATABASE a") == [
        {"statement_id": 0}, {"statement_id": 1}, {"statement_id": 2}]
    # creation order, as InfluxDB lists them (its recorded answer in tests/data shows the same)
    assert results_of(engine, "SHOW DATABASES")[0]["series"][0]["values"] == [["b"], ["a"]]
    assert results_of(engine, "DROP DATABASE a; DROP DATABASE a; DROP DATABASE nope") == [
        {"statement_id": 0}, {"statement_id": 1}, {"statement_id": 2}]
    assert engine.list_databases() == ["b"]
    for name in ("a/b", "a\\b", ".", "..", "tab\there"):
        assert results_of(engine, f"CREATE DATABASE {_quote(name)}") == [{"statement_id": 0, "error": "invalid name"}]
    assert engine.list_databases() == ["b"]


def _quote(name):
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def test_executor_create_database_with_retention_policy(engine):
    assert results_of(engine, 'CREATE DATABASE d1 WITH DURATION 3d NAME "short"; SHOW RETENTION POLICIES ON d1')[1] == {
        "statement_id": 1, "series": [{"columns": RP_COLUMNS, "values": [["short", "72h0m0s", "24h0m0s", 1, True]]}]}
    assert results_of(engine, "CREATE DATABASE d2 WITH DURATION 1h; SHOW RETENTION POLICIES ON d2")[1]["series"][0][
        "values"] == [["autogen", "1h0m0s", "1h0m0s", 1, True]]
    assert results_of(engine, "CREATE DATABASE d3 WITH DURATION 200d SHARD DURATION 0s")[0] == {"statement_id": 0}
    assert engine.list_retention_policies("d3") == [{"name": "autogen", "duration_ns": 200 * 86400 * 10**9,
                                                     "shard_duration_ns": 7 * 86400 * 10**9, "default": True}]
    # the same again is fine; anything else conflicts (InfluxDB's CreateDatabaseWithRetentionPolicy)
    assert results_of(engine, "CREATE DATABASE d1 WITH DURATION 3d NAME short") == [{"statement_id": 0}]
    assert results_of(engine, "CREATE DATABASE d1 WITH DURATION 4d NAME short") == [
        {"statement_id": 0, "error": "retention policy conflicts with an existing policy"}]
    assert results_of(engine, "CREATE DATABASE d1 WITH DURATION 3d") == [
        {"statement_id": 0, "error": "retention policy conflicts with an existing policy"}]
    assert results_of(engine, "CREATE DATABASE d9 WITH DURATION 30m") == [
        {"statement_id": 0, "error": "retention policy duration must be at least 1h0m0s"}]
    assert results_of(engine, "CREATE DATABASE d9 WITH DURATION 1h SHARD DURATION 2h") == [
        {"statement_id": 0, "error": "retention policy duration must be greater than the shard duration"}]
    assert results_of(engine, 'CREATE DATABASE d9 WITH NAME "a/b"') == [{"statement_id": 0, "error": "invalid name"}]
    assert "d9" not in engine.list_databases()


def test_executor_retention_policies(engine):
    engine.create_database("db")
    assert results_of(engine, "SHOW RETENTION POLICIES ON db") == [
        {"statement_id": 0, "series": [{"columns": RP_COLUMNS, "values": [AUTOGEN]}]}]
    assert results_of(engine, "SHOW RETENTION POLICIES", database="db")[0]["series"][0]["values"] == [AUTOGEN]
    script = ("CREATE RETENTION POLICY week ON db DURATION 1w REPLICATION 1 DEFAULT;"
              "CREATE RETENTION POLICY week ON db DURATION 7d REPLICATION 1 DEFAULT;"
              "CREATE RETENTION POLICY year ON db DURATION 52w REPLICATION 3 SHARD DURATION 0s;"
              "SHOW RETENTION POLICIES ON db")
    assert results_of(engine, script)[3]["series"][0]["values"] == [
        ["autogen", "0s", "168h0m0s", 1, False], ["week", "168h0m0s", "24h0m0s", 1, True],
        ["year", "8736h0m0s", "168h0m0s", 1, False]]
    for text, error in [
        ("CREATE RETENTION POLICY week ON db DURATION 2w REPLICATION 1", "retention policy already exists"),
        ("CREATE RETENTION POLICY year ON db DURATION 52w REPLICATION 1 DEFAULT",
         "retention policy conflicts with an existing policy"),
        ("CREATE RETENTION POLICY x ON db DURATION 59m REPLICATION 1",
         "retention policy duration must be at least 1h0m0s"),
        ("CREATE RETENTION POLICY x ON db DURATION 2h REPLICATION 1 SHARD DURATION 1d",
         "retention policy duration must be greater than the shard duration"),
        ("CREATE RETENTION POLICY x ON nope DURATION 1h REPLICATION 1", "database not found: nope"),
        ('CREATE RETENTION POLICY "a/b" ON db DURATION 1h REPLICATION 1', "invalid name"),
        ("SHOW RETENTION POLICIES ON nope", "database not found: nope"),
        ("SHOW RETENTION POLICIES", "database name required"),
        ("ALTER RETENTION POLICY nope ON db DEFAULT", "retention policy not found: nope"),
        ("ALTER RETENTION POLICY week ON nope DEFAULT", "database not found: nope"),
        ("ALTER RETENTION POLICY week ON db DURATION 30m", "retention policy duration must be at least 1h0m0s"),
    ]:
        assert results_of(engine, text) == [{"statement_id": 0, "error": error}], text
    # asking for what is already there is not a change
    same = "ALTER RETENTION POLICY week ON db DURATION 7d REPLICATION 1 SHARD DURATION 1d DEFAULT"
    assert results_of(engine, same) == [{"statement_id": 0}]
    assert results_of(engine, "ALTER RETENTION POLICY week ON db DURATION 2w SHARD DURATION 2d;"
                              "ALTER RETENTION POLICY year ON db DEFAULT; SHOW RETENTION POLICIES ON db")[2] == {
        "statement_id": 2, "series": [{"columns": RP_COLUMNS, "values": [
            ["autogen", "0s", "168h0m0s", 1, False], ["week", "336h0m0s", "48h0m0s", 1, False],
            ["year", "8736h0m0s", "168h0m0s", 1, True]]}]}
    assert results_of(engine, "DROP RETENTION POLICY year ON db; DROP RETENTION POLICY year ON db;"
                              "DROP RETENTION POLICY x ON nope") == [
        {"statement_id": 0}, {"statement_id": 1}, {"statement_id": 2}]
    assert [rp["name"] for rp in engine.list_retention_policies("db")] == ["autogen", "week"]


def test_executor_stops_at_the_first_error(engine):
    assert results_of(engine, "SHOW DATABASES; SELECT * FROM cpu; CREATE DATABASE x; SHOW DATABASES") == [
        {"statement_id": 0, "series": [{"name": "databases", "columns": ["name"]}]},
        {"statement_id": 1, "error": "database name required"},
        {"statement_id": 2, "error": "not executed"},
        {"statement_id": 3, "error": "not executed"}]
    assert engine.list_databases() == []


def test_executor_read_only_warning_on_write_statements(engine):
    warning = ("deprecated use of 'CREATE DATABASE \"my db\" WITH REPLICATION 1' in a read only context, "
               "please use a POST request instead")
    assert results_of(engine, 'create database "my db" with replication 1; show databases', read_only=True) == [
        {"statement_id": 0, "messages": [{"level": "warning", "text": warning}]},
        {"statement_id": 1, "series": [{"name": "databases", "columns": ["name"], "values": [["my db"]]}]}]


@pytest.fixture
def loaded(engine):
    engine.write_lines("db", b"cpu,host=a,region=us-west v=1,w=2i 1\n"
                             b"cpu,host=b,region=eu v=2,s=\"x\" 1\n"
                             b"mem,host=a free=3i 1\n"
                             b"disk,path=/x\\ y used=1 1\n"
                             b"events n=1 1\n")
    engine.create_retention_policy("db", "long", duration_ns=0)
    engine.write_lines("db", b"net,host=c,if=eth0 rx=1i 1\n", rp="long")
    return engine


def test_executor_show_measurements(loaded):
    def names(text, **kw):
        (res,) = results_of(loaded, text, **kw)
        return [v[0] for v in res["series"][0]["values"]] if "series" in res else res

    assert results_of(loaded, "SHOW MEASUREMENTS ON db") == [
        {"statement_id": 0, "series": [{"name": "measurements", "columns": ["name"],
                                        "values": [["cpu"], ["disk"], ["events"], ["mem"], ["net"]]}]}]
    assert names("SHOW MEASUREMENTS", database="db") == ["cpu", "disk", "events", "mem", "net"]
    assert names("SHOW MEASUREMENTS ON db WITH MEASUREMENT =~ /^(cpu|mem)$/") == ["cpu", "mem"]
    assert names("SHOW MEASUREMENTS ON db WITH MEASUREMENT = disk") == ["disk"]
    assert names("SHOW MEASUREMENTS ON db LIMIT 2 OFFSET 1") == ["disk", "events"]
    assert names("SHOW MEASUREMENTS ON db WHERE host = 'a'") == ["cpu", "mem"]
    assert names("SHOW MEASUREMENTS ON db WHERE host =~ /a|c/ AND _name != 'mem'") == ["cpu", "net"]
    assert names("SHOW MEASUREMENTS ON db OFFSET 9") == {"statement_id": 0}
    assert names("SHOW MEASUREMENTS ON nope") == {"statement_id": 0}  # InfluxDB 1.8: empty, no error
    assert names("SHOW MEASUREMENTS") == {"statement_id": 0, "error": "database name required"}
    assert names("SHOW MEASUREMENTS ON db WHERE time > now() - 1h") == {
        "statement_id": 0, "error": "SHOW MEASUREMENTS doesn't support time in WHERE clause"}


def test_executor_show_series(loaded):
    def keys(text, **kw):
        (res,) = results_of(loaded, text, **kw)
        if "error" in res:
            return res["error"]
        return [v[0] for v in res["series"][0]["values"]] if "series" in res else []

    assert results_of(loaded, "SHOW SERIES ON db FROM cpu") == [
        {"statement_id": 0, "series": [{"columns": ["key"], "values": [["cpu,host=a,region=us-west"],
                                                                       ["cpu,host=b,region=eu"]]}]}]
    # one series index per database (InfluxDB 1.x): every retention policy's series, and a
    # source's retention policy is no filter
    everything = ["cpu,host=a,region=us-west", "cpu,host=b,region=eu", "disk,path=/x\\ y", "events", "mem,host=a",
                  "net,host=c,if=eth0"]
    assert keys("SHOW SERIES", database="db") == everything
    assert keys("SHOW SERIES ON db FROM long.net, cpu WHERE host = 'a' OR host = 'c'") == [
        "cpu,host=a,region=us-west", "net,host=c,if=eth0"]
    assert keys("SHOW SERIES FROM /^(cpu|mem)$/ WHERE host='a' and region='us-west'", database="db") == [
        "cpu,host=a,region=us-west"]
    assert keys("SHOW SERIES ON db WHERE region != 'eu' LIMIT 2 OFFSET 1") == ["disk,path=/x\\ y", "events"]
    assert keys("SHOW SERIES ON db", retention_policy="long") == everything
    assert keys("SHOW SERIES FROM db.long./n/") == ["events", "net,host=c,if=eth0"]  # no default database needed
    assert keys("SHOW SERIES ON nope FROM db.long.net") == ["net,host=c,if=eth0"]
    assert keys("SHOW FIELD KEYS FROM db.long.net") == ["rx"]
    assert keys("SHOW SERIES ON db FROM nope") == []
    assert keys("SHOW SERIES ON nope") == "database not found: nope"
    assert keys("SHOW SERIES ON db FROM nope.rp.cpu") == "database not found: nope"
    assert keys("SHOW SERIES ON db FROM short.cpu") == ["cpu,host=a,region=us-west", "cpu,host=b,region=eu"]
    assert keys("SHOW SERIES") == "database name required"
    assert keys("SHOW SERIES ON db WHERE time > 0") == "time conditions in SHOW SERIES are not supported yet"
    assert keys("SHOW SERIES ON db WHERE v > 1") == (
        "unsupported condition in SHOW SERIES: v > 1 (only tag comparisons with =, !=, =~ and !~, joined by AND "
        "and OR, are supported yet)")


def test_executor_show_tag_keys_values_and_field_keys(loaded):
    assert results_of(loaded, "SHOW TAG KEYS ON db") == [{"statement_id": 0, "series": [
        {"name": "cpu", "columns": ["tagKey"], "values": [["host"], ["region"]]},
        {"name": "disk", "columns": ["tagKey"], "values": [["path"]]},
        {"name": "mem", "columns": ["tagKey"], "values": [["host"]]},
        {"name": "net", "columns": ["tagKey"], "values": [["host"], ["if"]]}]}]
    assert results_of(loaded, "SHOW TAG KEYS ON db FROM cpu, mem LIMIT 1 OFFSET 1") == [{"statement_id": 0, "series": [
        {"name": "cpu", "columns": ["tagKey"], "values": [["region"]]}]}]
    # InfluxDB 1.8 ignores SLIMIT/SOFFSET on SHOW TAG KEYS (coordinator executeShowTagKeys)
    assert [s["name"] for s in results_of(loaded, "SHOW TAG KEYS ON db SLIMIT 2 SOFFSET 1")[0]["series"]] == [
        "cpu", "disk", "mem", "net"]
    assert [s["name"] for s in results_of(loaded, "SHOW TAG KEYS ON db WHERE host = 'a'")[0]["series"]] == [
        "cpu", "mem"]
    assert results_of(loaded, 'SHOW TAG VALUES ON db WITH KEY = "host"') == [{"statement_id": 0, "series": [
        {"name": "cpu", "columns": ["key", "value"], "values": [["host", "a"], ["host", "b"]]},
        {"name": "mem", "columns": ["key", "value"], "values": [["host", "a"]]},
        {"name": "net", "columns": ["key", "value"], "values": [["host", "c"]]}]}]
    text = 'SHOW TAG VALUES ON db FROM cpu WITH KEY IN ("host", "region") WHERE region =~ /^eu/'
    assert results_of(loaded, text) == [
        {"statement_id": 0, "series": [{"name": "cpu", "columns": ["key", "value"],
                                        "values": [["host", "b"], ["region", "eu"]]}]}]
    assert results_of(loaded, "SHOW TAG VALUES ON db FROM cpu WITH KEY =~ /o/ LIMIT 2 OFFSET 1")[0]["series"][0][
        "values"] == [["host", "b"], ["region", "eu"]]
    assert results_of(loaded, "SHOW TAG VALUES ON db FROM cpu WITH KEY != host")[0]["series"][0]["values"] == [
        ["region", "eu"], ["region", "us-west"]]
    assert results_of(loaded, "SHOW TAG VALUES ON db WITH KEY = nothing") == [{"statement_id": 0}]
    assert results_of(loaded, "SHOW TAG VALUES ON nope WITH KEY = host") == [
        {"statement_id": 0, "error": "database not found: nope"}]
    assert results_of(loaded, "SHOW FIELD KEYS ON db") == [{"statement_id": 0, "series": [
        {"name": "cpu", "columns": ["fieldKey", "fieldType"], "values": [["s", "string"], ["v", "float"],
                                                                       ["w", "integer"]]},
        {"name": "disk", "columns": ["fieldKey", "fieldType"], "values": [["used", "float"]]},
        {"name": "events", "columns": ["fieldKey", "fieldType"], "values": [["n", "float"]]},
        {"name": "mem", "columns": ["fieldKey", "fieldType"], "values": [["free", "integer"]]}]}]
    assert results_of(loaded, "SHOW FIELD KEYS FROM long.net, /^c/ LIMIT 1", database="db") == [
        {"statement_id": 0, "series": [{"name": "cpu", "columns": ["fieldKey", "fieldType"],
                                        "values": [["s", "string"]]},
                                       {"name": "net", "columns": ["fieldKey", "fieldType"],
                                        "values": [["rx", "integer"]]}]}]
    assert results_of(loaded, "SHOW FIELD KEYS ON nope") == [{"statement_id": 0, "error": "database not found: nope"}]
    assert results_of(loaded, "SHOW FIELD KEYS ON") == [{"statement_id": 0, "error": "database name required"}]


# -- over HTTP: raw requests -------------------------------------------------------------------

def test_show_databases_exact_body(server, db):
    assert q(server, f"CREATE DATABASE {db}", "POST").status_code == 200
    resp = q(server, "SHOW DATABASES")
    assert ok(resp)[0]["series"][0]["name"] == "databases"
    assert [db] in ok(resp)[0]["series"][0]["values"]
    resp = q(server, f"SHOW RETENTION POLICIES ON {db}")
    assert resp.content == (b'{"results":[{"statement_id":0,"series":[{"columns":["name","duration",'
                            b'"shardGroupDuration","replicaN","default"],'
                            b'"values":[["autogen","0s","168h0m0s",1,true]]}]}]}\n')


def test_tsbs_loader_sequence(server):
    """What ``tsbs_load_influx`` sends, byte for byte in the URLs (``creator.go``)."""
    db = "benchmark_tsbs"
    url = server.url
    listing = requests.get(f"{url}/query?q=show%20databases", timeout=30)
    assert listing.status_code == 200 and listing.json()["results"][0]["series"][0]["columns"] == ["name"]
    assert requests.post(f"{url}/query?q=drop+database+{db}", data=None, headers={"Content-Type": "text/plain"},
                         timeout=30).status_code == 200
    created = requests.get(f"{url}/query?consistency=all&q=CREATE+DATABASE+{db}+WITH+REPLICATION+1", timeout=30)
    assert ok(created) == [{"statement_id": 0, "messages": [{"level": "warning", "text": (
        f"deprecated use of 'CREATE DATABASE {db} WITH REPLICATION 1' in a read only context, "
        "please use a POST request instead")}]}]
    values = requests.get(f"{url}/query?q=show%20databases", timeout=30).json()["results"][0]["series"][0]["values"]
    assert [db] in values
    resp = requests.post(f"{url}/write?consistency=all&db={db}",
                         data=b"cpu,hostname=host_0 usage_user=58i 1451606400000000000", timeout=30)
    assert resp.status_code == 204
    assert requests.post(f"{url}/query?q=drop+database+{db}", timeout=30).status_code == 200
    assert [db] not in (ok(q(server, "SHOW DATABASES"))[0]["series"][0].get("values") or [])


def test_form_body_db_param_and_pretty(server, db):
    body = f"q=CREATE+DATABASE+{db}%3B+SHOW+RETENTION+POLICIES&db={db}&pretty=true"
    resp = requests.post(server.url + "/query", data=body, timeout=30,
                         headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert resp.status_code == 200
    assert resp.text == (
        '{\n    "results": [\n        {\n            "statement_id": 0\n        },\n        {\n'
        '            "statement_id": 1,\n            "series": [\n                {\n'
        '                    "columns": [\n                        "name",\n                        "duration",\n'
        '                        "shardGroupDuration",\n                        "replicaN",\n'
        '                        "default"\n                    ],\n                    "values": [\n'
        '                        [\n                            "autogen",\n                            "0s",\n'
        '                            "168h0m0s",\n                            1,\n                            true\n'
        '                        ]\n                    ]\n                }\n            ]\n        }\n    ]\n}\n')
    # the body's parameters win over the URL's (Go's FormValue)
    resp = requests.post(server.url + "/query", params={"q": "SHOW DATABASES"}, timeout=30,
                         data={"q": f"SHOW RETENTION POLICIES ON {db}"})
    assert ok(resp)[0]["series"][0]["columns"][0] == "name" and "values" in ok(resp)[0]["series"][0]
    assert ok(resp)[0]["series"][0]["values"] == [["autogen", "0s", "168h0m0s", 1, True]]


def test_measurements_series_tags_and_fields_after_writes(server, db):
    write(server, db, "cpu,host=a,region=us v=1,n=2i 1\ncpu,host=b,region=eu v=2 1\nmem,host=a free=1i 1\n")
    results = ok(q(server, "SHOW MEASUREMENTS; SHOW SERIES FROM cpu WHERE host = 'b'; SHOW TAG KEYS;"
                           'SHOW TAG VALUES WITH KEY = "host"; SHOW FIELD KEYS FROM cpu', db=db))
    assert results == [
        {"statement_id": 0, "series": [{"name": "measurements", "columns": ["name"], "values": [["cpu"], ["mem"]]}]},
        {"statement_id": 1, "series": [{"columns": ["key"], "values": [["cpu,host=b,region=eu"]]}]},
        {"statement_id": 2, "series": [{"name": "cpu", "columns": ["tagKey"], "values": [["host"], ["region"]]},
                                       {"name": "mem", "columns": ["tagKey"], "values": [["host"]]}]},
        {"statement_id": 3, "series": [{"name": "cpu", "columns": ["key", "value"],
                                        "values": [["host", "a"], ["host", "b"]]},
                                       {"name": "mem", "columns": ["key", "value"], "values": [["host", "a"]]}]},
        {"statement_id": 4, "series": [{"name": "cpu", "columns": ["fieldKey", "fieldType"],
                                        "values": [["n", "integer"], ["v", "float"]]}]},
    ]


def test_missing_q_is_400(server):
    assert_error(requests.get(server.url + "/query", timeout=30), 400, 'missing required parameter "q"')
    assert_error(q(server, "  \n "), 400, 'missing required parameter "q"')
    assert_error(requests.post(server.url + "/query", data={"db": "x"}, timeout=30), 400,
                 'missing required parameter "q"')


def test_syntax_errors_are_400_and_nothing_runs(server, db):
    assert_error(q(server, "show databses"), 400,
                 "error parsing query: found databses, expected CONTINUOUS, DATABASES, DIAGNOSTICS, FIELD, GRANTS, "
                 "MEASUREMENT, MEASUREMENTS, QUERIES, RETENTION, SERIES, SHARD, SHARDS, STATS, SUBSCRIPTIONS, TAG, "
                 "USERS at line 1, char 6")
    # q is trimmed before parsing, as InfluxDB does: positions count from the first non-blank
    text = f"CREATE DATABASE {db}; CREATE RETENTION POLICY x ON {db} DURATION 1h"
    assert_error(q(server, "  " + text + " \n", "POST"), 400,
                 f"error parsing query: found EOF, expected REPLICATION at line 1, char {len(text) + 1}")
    assert db not in [v[0] for v in ok(q(server, "SHOW DATABASES"))[0]["series"][0].get("values", [])]
    assert_error(q(server, "SHOW MEASUREMENTS WHERE a < 'b' ORDER BY x"), 400,
                 "error parsing query: only ORDER BY time supported at this time")


def test_statement_errors_are_200(server, db):
    assert ok(q(server, f"SHOW SERIES ON {db}")) == [{"statement_id": 0, "error": f"database not found: {db}"}]
    assert ok(q(server, "SHOW RETENTION POLICIES")) == [{"statement_id": 0, "error": "database name required"}]
    assert ok(q(server, f"CREATE RETENTION POLICY rp ON {db} DURATION 1h REPLICATION 1", "POST")) == [
        {"statement_id": 0, "error": f"database not found: {db}"}]


def test_select_runs_and_statements_not_built_yet_say_so(server, db):
    write(server, db, "cpu v=1 1")
    assert ok(q(server, "SELECT * FROM cpu; SELECT nope(v) FROM cpu; SHOW DATABASES", db=db)) == [
        {"statement_id": 0, "series": [{"name": "cpu", "columns": ["time", "v"],
                                        "values": [["1970-01-01T00:00:00.000000001Z", 1.0]]}]},
        {"statement_id": 1, "error": "undefined function nope()"}, {"statement_id": 2, "error": "not executed"}]
    assert ok(q(server, "SHOW DATABASES; SHOW USERS; SHOW SHARDS", "POST", db=db))[1:] == [
        {"statement_id": 1, "series": [{"columns": ["user", "admin"]}]},
        {"statement_id": 2, "error": "SHOW SHARDS is not supported yet"}]


def test_get_runs_write_statements_with_a_warning(server, db):
    (result,) = ok(q(server, f'DROP DATABASE "{db}"'))
    assert result["messages"] == [{"level": "warning", "text": f"deprecated use of 'DROP DATABASE {db}' in a read "
                                                               "only context, please use a POST request instead"}]
    (result,) = ok(q(server, f"CREATE DATABASE {db}"))
    assert "messages" in result
    assert [db] in ok(q(server, "SHOW DATABASES"))[0]["series"][0]["values"]
    assert ok(q(server, f"CREATE DATABASE {db}", "POST")) == [{"statement_id": 0}]  # POST: no warning
    assert ok(q(server, "SHOW DATABASES"))[0].keys() == {"statement_id", "series"}


def test_options_epoch_chunked_and_html_escaping(server, db):
    assert requests.options(server.url + "/query", timeout=30).status_code == 204
    resp = q(server, "SHOW RETENTION POLICIES", db=db, epoch="ms", chunked="true", chunk_size="10")
    assert ok(resp) == [{"statement_id": 0, "error": f"database not found: {db}"}]
    resp = q(server, "SHOW MEASUREMENTS ON x WHERE a < 'b'; SHOW MEASUREMENTS ON x WHERE c = 'd' & 'e' OR f > 'g'")
    assert b"a \\u003c 'b'" in resp.content  # Go's encoder escapes <, > and &
    assert ok(resp)[0]["error"].startswith("unsupported condition in SHOW MEASUREMENTS: a < 'b' (only")
    resp = q(server, "SHOW MEASUREMENTS ON x WHERE c = 'd' & 'e' OR f > 'g'")
    assert b"c = 'd' \\u0026 'e'" in resp.content
    assert ok(resp)[0]["error"].startswith("unsupported condition in SHOW MEASUREMENTS: c = 'd' & 'e' (only")


# -- over HTTP: the influxdb client ------------------------------------------------------------

def test_influxdb_client_database_methods(server, db):
    client = InfluxDBClient(host="127.0.0.1", port=server.port, timeout=30)
    client.create_database(db)
    client.create_database(db)
    assert {"name": db} in client.get_list_database()
    client.drop_database(db)
    assert {"name": db} not in client.get_list_database()
    client.drop_database(db)  # dropping a missing database is fine, as in InfluxDB


def test_influxdb_client_retention_policy_methods(server, db):
    client = InfluxDBClient(host="127.0.0.1", port=server.port, database=db, timeout=30)
    client.create_database(db)
    client.create_retention_policy("two_days", "2d", 1, default=True)
    client.create_retention_policy("forever", "INF", "1", database=db, shard_duration="1w")
    assert client.get_list_retention_policies() == [
        # creation order, as InfluxDB lists them
        {"name": "autogen", "duration": "0s", "shardGroupDuration": "168h0m0s", "replicaN": 1, "default": False},
        {"name": "two_days", "duration": "48h0m0s", "shardGroupDuration": "24h0m0s", "replicaN": 1, "default": True},
        {"name": "forever", "duration": "0s", "shardGroupDuration": "168h0m0s", "replicaN": 1, "default": False}]
    client.alter_retention_policy("two_days", duration="2d", default=True)  # no change: accepted
    client.alter_retention_policy("two_days", duration="3d")
    assert client.get_list_retention_policies()[1]["duration"] == "72h0m0s"
    with pytest.raises(InfluxDBClientError) as info:
        client.create_retention_policy("bad", "30m", 1)
    assert "retention policy duration must be at least 1h0m0s" in str(info.value)
    client.drop_retention_policy("forever")
    assert [rp["name"] for rp in client.get_list_retention_policies(db)] == ["autogen", "two_days"]
    with pytest.raises(InfluxDBClientError) as info:
        client.get_list_retention_policies("no_such_db_anywhere")
    assert "database not found: no_such_db_anywhere" in str(info.value)


def test_influxdb_client_measurement_and_series_methods(server, db):
    client = InfluxDBClient(host="127.0.0.1", port=server.port, database=db, timeout=30)
    client.write_points([
        {"measurement": "cpu", "tags": {"host": "a", "region": "us west"}, "fields": {"v": 1.0}, "time": 1},
        {"measurement": "cpu", "tags": {"host": "b", "region": "eu"}, "fields": {"v": 2.0}, "time": 1},
        {"measurement": "mem", "tags": {"host": "a"}, "fields": {"free": 3}, "time": 1},
    ], time_precision="n")
    assert client.get_list_measurements() == [{"name": "cpu"}, {"name": "mem"}]
    assert client.get_list_series() == ["cpu,host=a,region=us\\ west", "cpu,host=b,region=eu", "mem,host=a"]
    assert client.get_list_series(measurement="cpu") == ["cpu,host=a,region=us\\ west", "cpu,host=b,region=eu"]
    assert client.get_list_series(measurement="cpu", tags={"host": "a", "region": "us west"}) == [
        "cpu,host=a,region=us\\ west"]
    assert client.get_list_series(tags={"host": "a"}) == ["cpu,host=a,region=us\\ west", "mem,host=a"]
    assert list(client.query('SHOW TAG VALUES WITH KEY = "host"').get_points("mem")) == [{"key": "host", "value": "a"}]
    assert list(client.query("SHOW FIELD KEYS").get_points("cpu")) == [{"fieldKey": "v", "fieldType": "float"}]
    assert list(client.query("SELECT * FROM cpu WHERE host = 'b'").get_points()) == [
        {"time": "1970-01-01T00:00:00.000000001Z", "host": "b", "region": "eu", "v": 2.0}]
    with pytest.raises(InfluxDBClientError) as info:
        client.query("SELECT nope(v) FROM cpu")
    assert "undefined function nope()" in str(info.value)
    with pytest.raises(InfluxDBClientError) as info:
        client.query("SHOW MEASURMENTS")
    assert info.value.code == 400
    assert "error parsing query: found MEASURMENTS, expected CONTINUOUS" in str(info.value)


# -- auth ---------------------------------------------------------------------------------------

def test_auth(make_server):
    srv = make_server("--auth-enabled", "--auth-user", "admin", "--auth-password", "s3cret")
    for resp, message in ((q(srv, "SHOW DATABASES"), "unable to parse authentication credentials"),
                          (q(srv, "SHOW DATABASES", "POST", u="admin", p="wrong"), "authorization failed"),
                          (q(srv, "not even parsed"), "unable to parse authentication credentials"),
                          (requests.get(srv.url + "/query", timeout=30), "unable to parse authentication credentials")):
        assert_error(resp, 401, message)
        assert resp.headers["WWW-Authenticate"] == 'Basic realm="InfluxDB"'
    assert ok(q(srv, "CREATE DATABASE a", "POST", u="admin", p="s3cret")) == [{"statement_id": 0}]
    basic = "Basic " + base64.b64encode(b"admin:s3cret").decode()
    resp = requests.get(srv.url + "/query", params={"q": "SHOW DATABASES"}, headers={"Authorization": basic},
                        timeout=30)
    assert ok(resp)[0]["series"][0]["values"] == [["a"]]
    client = InfluxDBClient(host="127.0.0.1", port=srv.port, username="admin", password="s3cret", timeout=30)
    assert client.get_list_database() == [{"name": "a"}]
    with pytest.raises(InfluxDBClientError) as info:
        InfluxDBClient(host="127.0.0.1", port=srv.port, username="admin", password="no", timeout=30).get_list_database()
    assert info.value.code == 401
