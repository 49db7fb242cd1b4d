"""Stream tasks in a real server: points written through every door reach the tasks run by
the engine process, once and in commit order, across a ``kill -9`` of the whole server.

Task definitions are written into the store directly (``kapacitor_tasks.put_task``) until
the task API is merged; results are read back from the store and with InfluxQL.
"""
import itertools
import time

import requests
from conftest import open_engine
from kapacitor_tasks import cursor, head, http_out, put_task, run_status, wait_for

DOORS = ("write", "v2", "kapacitor")


def write(srv, door, db, body, rp="autogen"):
    if door == "write":
        r = requests.post(f"{srv.url}/write", params={"db": db, "rp": rp}, data=body)
    elif door == "v2":
        r = requests.post(f"{srv.url}/api/v2/write", params={"bucket": f"{db}/{rp}"}, data=body)
    else:
        r = requests.post(f"{srv.url}/kapacitor/v1/write", params={"db": db, "rp": rp}, data=body)
    assert r.status_code == 204, r.text
    return r


def define(srv, *args, **kw):
    with open_engine(srv.data_dir) as eng:
        put_task(eng, *args, **kw)


def status(srv, task_id):
    with open_engine(srv.data_dir) as eng:
        return run_status(eng, task_id)


def result(srv, task_id, endpoint):
    with open_engine(srv.data_dir) as eng:
        return http_out(eng, task_id, endpoint)


def caught_up(srv):
    with open_engine(srv.data_dir) as eng:
        return cursor(eng) >= head(eng)


def started(srv, task_id):
    return wait_for(lambda: (status(srv, task_id) or {}).get("executing"))


def query(srv, q, db=""):
    r = requests.get(f"{srv.url}/query", params={"q": q, "db": db})
    assert r.status_code == 200, r.text
    return r.json()["results"][0]


def latest_seq(srv, task_id):
    res = result(srv, task_id, "out") or {}
    series = res.get("series") or []
    return series[0]["values"][-1][series[0]["columns"].index("seq")] if series else None


def test_every_door_reaches_the_task_once_in_commit_order(server, db):
    define(server, "doors", "stream|from().measurement('m').where(lambda: \"seq\" >= 0)|httpOut('out')",
           [(db, "autogen")])
    assert started(server, "doors")
    n = 12
    for i, door in zip(range(n), itertools.cycle(DOORS)):
        # times run backwards: the order seen is commit order, not time order
        write(server, door, db, f"m,door={door} seq={i}i {10**12 - i}\nother seq={i}i {10**12 - i}")
        assert wait_for(lambda i=i: latest_seq(server, "doors") == i, timeout=10), (i, door)
        write(server, door, db, f"m,door={door} seq=-1i {10**12 - i}")    # filtered out by where
    assert wait_for(lambda: caught_up(server))
    nodes = status(server, "doors")["nodes"]
    assert nodes["from1"]["collected"] == 3 * n          # m, other, and the filtered m
    assert nodes["from1"]["emitted"] == n


def test_influxdbout_rows_are_readable_with_influxql(server, db):
    out = db + "_out"
    define(server, "to_influx", f"stream|from().measurement('cpu')|influxDBOut().database('{out}').create()"
                                ".retentionPolicy('autogen').measurement('copy').tag('via', 'kapacitor').buffer(1)",
           [(db, "autogen")])
    assert started(server, "to_influx")
    write(server, "write", db, "cpu,host=a v=1.5,n=2i 1000000000\ncpu,host=b v=2.5,n=3i 2000000000")
    got = wait_for(lambda: query(server, 'SELECT * FROM "copy"', out).get("series"))
    assert got == [{"name": "copy", "columns": ["time", "host", "n", "v", "via"],
                    "values": [["1970-01-01T00:00:01Z", "a", 2, 1.5, "kapacitor"],
                               ["1970-01-01T00:00:02Z", "b", 3, 2.5, "kapacitor"]]}]
    nodes = status(server, "to_influx")["nodes"]
    assert nodes["influxdb_out2"]["points_written"] == 2 and nodes["influxdb_out2"]["write_errors"] == 0


def test_a_bad_task_reports_its_error_and_others_keep_running(server, db):
    define(server, "broken", "stream|from()|nosuch()", [(db, "autogen")])
    define(server, "fine", "stream|from().measurement('m')|httpOut('out')", [(db, "autogen")])
    assert started(server, "fine")
    st = wait_for(lambda: status(server, "broken"))
    assert st["executing"] is False and "nosuch" in st["error"]
    write(server, "write", db, "m seq=7i 1")
    assert wait_for(lambda: latest_seq(server, "fine") == 7)


def test_kill9_mid_stream_neither_loses_nor_repeats(make_server, db):
    srv = make_server()
    out = db + "_out"
    define(srv, "copy", f"stream|from().measurement('cpu')|influxDBOut().database('{out}').create().buffer(7)",
           [(db, "autogen")])
    define(srv, "latest", "stream|from().measurement('cpu')|httpOut('out')", [(db, "autogen")])
    assert started(srv, "copy") and started(srv, "latest")
    total, batch = 0, 0
    for rnd in range(3):
        deadline = time.monotonic() + 1.5
        while time.monotonic() < deadline:
            body = "\n".join(f"cpu,host=h{i % 3} seq={total + i}i {10**9 + total + i}" for i in range(5))
            write(srv, "write", db, body)
            total += 5
            batch += 1
        srv.kill9()             # master, workers and engine process at once, mid-stream
        srv.start()
    assert wait_for(lambda: caught_up(srv), timeout=30)
    define(srv, "copy", "stream|from().measurement('cpu')|influxDBOut().database('x')",
           [(db, "autogen")], status="disabled")          # stopping flushes the buffer
    assert wait_for(lambda: (status(srv, "copy") or {}).get("executing") is False)
    got = query(srv, 'SELECT count(seq), sum(seq) FROM "cpu"', out)["series"][0]["values"][0]
    assert got[1:] == [total, total * (total - 1) // 2]
    rows = query(srv, 'SELECT seq FROM "cpu"', out)["series"][0]["values"]
    assert [r[1] for r in rows] == list(range(total))
    assert latest_seq(srv, "latest") == total - 1          # the httpOut result survived too


def test_http_out_result_survives_a_restart(make_server, db):
    srv = make_server()
    define(srv, "keep", "stream|from().measurement('m').groupBy('host')|httpOut('out')", [(db, "autogen")])
    assert started(srv, "keep")
    write(srv, "write", db, "m,host=a seq=1i 1\nm,host=b seq=2i 2")
    assert wait_for(lambda: caught_up(srv) and result(srv, "keep", "out"))
    before = result(srv, "keep", "out")
    srv.kill9()
    srv.start()
    assert started(srv, "keep")
    assert result(srv, "keep", "out") == before
    write(srv, "write", db, "m,host=a seq=3i 3")
    want = [("a", 3), ("b", 2)]
    assert wait_for(lambda: [(s["tags"]["host"], s["values"][0][1]) for s in
                             (result(srv, "keep", "out") or {}).get("series") or []] == want)


def test_enable_later_disable_and_change_over_http(server, db):
    script = "stream|from().measurement('m')|httpOut('out')"
    write(server, "write", db, "m seq=1i 1")                    # before the task exists
    define(server, "life", script, [(db, "autogen")])
    assert started(server, "life")
    assert wait_for(lambda: caught_up(server))
    assert result(server, "life", "out") is None                 # it starts at the current cursor
    write(server, "v2", db, "m seq=2i 2")
    assert wait_for(lambda: latest_seq(server, "life") == 2)
    define(server, "life", script, [(db, "autogen")], status="disabled")
    assert wait_for(lambda: (status(server, "life") or {}).get("executing") is False)
    assert result(server, "life", "out") is None                 # its endpoint is gone
    write(server, "kapacitor", db, "m seq=3i 3")                 # while disabled: never seen
    define(server, "life", "stream|from().measurement('m').where(lambda: \"seq\" > 3)|httpOut('out')",
           [(db, "autogen")])
    assert started(server, "life")
    write(server, "write", db, "m seq=3i 4\nm seq=5i 5")
    assert wait_for(lambda: latest_seq(server, "life") == 5)
    assert status(server, "life")["nodes"]["from1"]["emitted"] == 1   # fresh state, new script
