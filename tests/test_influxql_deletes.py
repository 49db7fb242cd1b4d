"""DELETE, DROP SERIES and DROP MEASUREMENT: the engine's delete paths and the statements over HTTP.

InfluxDB's rules (tsdb.Store.DeleteSeries / DeleteMeasurement, coordinator/statement_executor.go):
points of the chosen series in the time range go, in every retention policy of the database; a
series left without points leaves the index, a measurement left without series leaves with its
field types.  The golden replay (tests/test_influxql_goldens.py, category ``mutation``) checks the
same statements against InfluxDB's recorded answers; these tests cover the engine underneath,
other processes' caches, compaction and the error cases.
"""
import subprocess
import sys

import pytest
import requests
from influxdb import InfluxDBClient

from machstore.engine import Engine

T = 1_600_000_000_000_000_000
S = 10**9


@pytest.fixture
def eng(tmp_path):
    e = Engine(str(tmp_path / "data"))
    yield e
    e.close()


def keys(eng, db, rp=None):
    return sorted(s["key"] for s in eng.list_series(db, None, rp))


def ids(eng, db, measurement=None, rp=None, **tags):
    return [s["id"] for s in eng.list_series(db, measurement, rp)
            if all(s["tags"].get(k) == v for k, v in tags.items())]


def times(eng, db, measurement, tags):
    return eng.read_series(db, measurement, tags).column("time").to_pylist()


def lines(measurement, tags, n, field="v", step=S):
    return "".join(f"{measurement},{tags} {field}={i} {T + i * step}\n" for i in range(n)).encode()


# -- the engine ----------------------------------------------------------------------------

def test_delete_points_in_a_range_keeps_the_series_and_its_neighbours(eng):
    eng.write_lines("db", lines("cpu", "host=a", 30))
    eng.compact()                                    # 0..29 in blocks
    eng.write_lines("db", lines("cpu", "host=a", 10, field="w", step=S // 2))  # pending, 0..4.5 s
    eng.write_lines("db", lines("cpu", "host=b", 30))
    removed = eng.delete_points("db", {"autogen": ids(eng, "db", host="a")}, T + 5 * S, T + 19 * S)
    assert removed == 15
    assert times(eng, "db", "cpu", {"host": "a"}) == sorted(
        {T + i * S for i in list(range(5)) + list(range(20, 30))} | {T + i * S // 2 for i in range(10)})
    assert len(times(eng, "db", "cpu", {"host": "b"})) == 30
    assert keys(eng, "db") == ["cpu,host=a", "cpu,host=b"]
    eng.compact()                                    # compaction does not bring deleted rows back
    assert len(times(eng, "db", "cpu", {"host": "a"})) == 20   # 15 of v, and w at the 5 half seconds


def test_a_series_left_empty_leaves_the_index_and_an_empty_measurement_its_fields(eng):
    eng.write_lines("db", lines("cpu", "host=a", 5) + lines("cpu", "host=b", 5) + lines("mem", "host=a", 5, "u"))
    eng.compact()
    eng.write_lines("db", lines("cpu", "host=a", 3, "w"))           # pending rows too
    eng.delete_points("db", {"autogen": ids(eng, "db", "cpu", host="a")}, T, T + 10 * S)
    assert keys(eng, "db") == ["cpu,host=b", "mem,host=a"]
    assert eng.list_fields("db", "cpu") == {"v": "float", "w": "float"}   # cpu still has a series
    eng.delete_points("db", {"autogen": ids(eng, "db", "mem")})
    assert eng.list_measurements("db") == ["cpu"]
    assert eng.list_fields("db", "mem") == {}
    eng.write_lines("db", b"mem,host=a u=1i 1\n")                   # a new type after the drop
    assert eng.list_fields("db", "mem") == {"u": "integer"}


def test_a_range_delete_that_leaves_points_keeps_the_series(eng):
    eng.write_lines("db", lines("cpu", "host=a", 10))
    eng.delete_points("db", {"autogen": ids(eng, "db")}, None, T + 4 * S)
    assert keys(eng, "db") == ["cpu,host=a"]
    assert times(eng, "db", "cpu", {"host": "a"})[0] == T + 5 * S


def test_drop_measurement_in_every_retention_policy(eng):
    eng.create_database("db")
    eng.create_retention_policy("db", "long", duration_ns=0)
    eng.write_lines("db", lines("cpu", "host=a", 5) + lines("mem", "host=a", 5))
    eng.write_lines("db", lines("cpu", "host=z", 5), rp="long")
    eng.compact()
    assert eng.drop_measurement("db", "cpu") is True
    assert eng.drop_measurement("db", "cpu") is False
    assert eng.list_measurements("db") == ["mem"] and eng.list_measurements("db", "long") == []
    assert keys(eng, "db") == ["mem,host=a"] and keys(eng, "db", "long") == []
    assert eng.read_series("db", "cpu", {"host": "a"}).num_rows == 0
    assert eng.read_series("db", "mem", {"host": "a"}).num_rows == 5   # mem stays


def _in_another_process(path, code):
    """Run ``code`` with ``eng`` open on ``path`` in a fresh Python process."""
    script = f"from machstore.engine import Engine\nwith Engine({path!r}) as eng:\n    {code}\n"
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)


def test_another_process_writing_after_a_drop_recreates_the_series(tmp_path):
    """A writer's cached series ids and field types must not outlive a drop done by another process."""
    path = str(tmp_path / "d")
    with Engine(path) as writer:
        writer.write_lines("db", b"cpu,host=a v=1 1\n")          # caches cpu,host=a and v: float
        _in_another_process(path, 'eng.drop_measurement("db", "cpu")')
        writer.write_lines("db", b"cpu,host=a v=2i 2\n")         # integer now: the old float type is gone
        assert keys(writer, "db") == ["cpu,host=a"]
        assert writer.read_series("db", "cpu", {"host": "a"}).to_pydict() == {"time": [2], "v": [2]}
        assert writer.list_fields("db", "cpu") == {"v": "integer"}
        _in_another_process(path, 'eng.delete_points("db", {"autogen": [s["id"] for s in eng.list_series("db")]})')
        assert keys(writer, "db") == []
        writer.write_lines("db", b"cpu,host=a v=3i 3\n")
        assert keys(writer, "db") == ["cpu,host=a"]
        assert times(writer, "db", "cpu", {"host": "a"}) == [3]


# -- over HTTP --------------------------------------------------------------------------------

def query(server, text, db, method="POST"):
    resp = requests.request(method, server.url + "/query", params={"q": text, "db": db}, timeout=30)
    assert resp.status_code == 200, resp.text
    return resp.json()["results"]


def error_of(server, text, db):
    (result,) = query(server, text, db)
    return result.get("error")


@pytest.fixture
def client(server, db):
    c = InfluxDBClient(host="127.0.0.1", port=server.port, database=db)
    c.create_database(db)
    c.write_points([{"measurement": "cpu", "tags": {"host": h, "region": r}, "time": T + i * S,
                     "fields": {"usage": float(i)}}
                    for h, r in (("a", "east"), ("b", "west"), ("c", "east")) for i in range(10)], time_precision="n")
    c.write_points([{"measurement": "mem", "tags": {"host": "a"}, "time": T, "fields": {"used": 1}}], time_precision="n")
    yield c
    c.close()


def series_keys(client):
    return sorted(p["key"] for p in client.query("SHOW SERIES").get_points())


def test_delete_with_time_and_tags_through_the_influxdb_client(client):
    client.query("DELETE FROM cpu WHERE host = 'a' AND time < '2020-09-13T12:26:45Z'", method="POST")
    counts = {k[1]["host"]: next(v)["count"] for k, v in client.query("SELECT count(usage) FROM cpu GROUP BY host").items()}
    assert counts == {"a": 5, "b": 10, "c": 10}
    client.query("DELETE WHERE region = 'east'", method="POST")
    assert series_keys(client) == ["cpu,host=b,region=west", "mem,host=a"]
    assert [p["value"] for p in client.query("SHOW TAG VALUES FROM cpu WITH KEY = region").get_points()] == ["west"]


def test_drop_series_and_drop_measurement_through_the_influxdb_client(client):
    client.query("DROP SERIES FROM cpu WHERE host =~ /^[ab]$/", method="POST")
    assert series_keys(client) == ["cpu,host=c,region=east", "mem,host=a"]
    client.query("DROP SERIES FROM mem", method="POST")
    assert [m["name"] for m in client.get_list_measurements()] == ["cpu"]
    client.drop_measurement("cpu")
    assert client.get_list_measurements() == []
    assert list(client.query("SHOW FIELD KEYS").get_points()) == []
    client.write_points([{"measurement": "cpu", "tags": {"host": "a"}, "time": 5, "fields": {"usage": "text"}}],
                        time_precision="n")     # a new field type: the old one went with the measurement
    assert list(client.query("SHOW FIELD KEYS FROM cpu").get_points()) == [{"fieldKey": "usage", "fieldType": "string"}]


def test_a_write_statement_by_get_runs_with_influxdbs_warning(server, client, db):
    (result,) = query(server, "DROP MEASUREMENT mem", db, method="GET")
    assert result["messages"][0]["text"] == ("deprecated use of 'DROP MEASUREMENT mem' in a read only context, "
                                             "please use a POST request instead")
    assert [m["name"] for m in client.get_list_measurements()] == ["cpu"]


def test_deletion_errors_in_influxdbs_words_and_nothing_is_lost(server, client, db):
    assert error_of(server, "DELETE FROM cpu WHERE usage > 5", db) == \
        "fields not supported in WHERE clause during deletion"
    assert error_of(server, "DROP SERIES FROM cpu WHERE usage > 5", db) == \
        "fields not supported in WHERE clause during deletion"
    assert error_of(server, "DROP SERIES FROM cpu WHERE time > 0", db) == \
        "DROP SERIES doesn't support time in WHERE clause"
    assert error_of(server, "DELETE FROM cpu", "") == "database not found: "
    assert error_of(server, "DROP MEASUREMENT cpu", "nosuchdb") == "database not found: nosuchdb"
    assert error_of(server, "DELETE FROM cpu WHERE time > 'yesterday'", db) is not None
    for text in ("DELETE FROM nosuch", "DROP SERIES FROM nosuch", "DROP MEASUREMENT nosuch",
                 "DELETE FROM cpu WHERE host = 'nobody'", "DELETE FROM cpu WHERE time > now()"):
        assert error_of(server, text, db) is None
    resp = requests.post(server.url + "/query", params={"q": "DROP MEASUREMENT /cpu/", "db": db}, timeout=30)
    assert resp.status_code == 400
    assert resp.json() == {"error": "error parsing query: found /, expected identifier at line 1, char 18"}
    assert len(series_keys(client)) == 4
    assert next(client.query("SELECT count(usage) FROM cpu").get_points())["count"] == 30
