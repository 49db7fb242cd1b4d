"""The stream task master on an engine in this process (fast; the server tests run it for real).

A round reads the segments after the cursor, feeds the tasks and commits outputs, states
and cursor together; these tests drive rounds by hand and look at what the store holds.
"""
import pickle

import numpy as np
import pytest
from kapacitor_tasks import cursor, delete_task, head, http_out, put_task, run_status

from machstore.engine import Engine
from machstore.kapacitor import outbox, store
from machstore.kapacitor.storecontext import StoreContext
from machstore.kapacitor.taskmaster import TaskMaster

DBRP = [("db", "autogen")]
HTTP = "stream|from().measurement('cpu')|httpOut('out')"


@pytest.fixture
def engine(tmp_path):
    eng = Engine(str(tmp_path / "data"), sync=False)
    yield eng
    eng.close()


class Clock:
    def __init__(self, t=1_000 * 10**9):
        self.t = t

    def __call__(self):
        return self.t


def values(result):
    return [(r["tags"].get("host"), r["values"]) for r in (result or {}).get("series") or []]


def collected(engine, task_id, node):
    return run_status(engine, task_id)["nodes"][node]["collected"]


def select(engine, q):
    from machstore.influxql import execute, parser
    res = execute.execute(engine, parser.parse(q))
    assert res[0].error is None, res[0].error
    return [(s.name, list(s.columns), [list(v) for v in s.values]) for s in res[0].series]


def test_a_task_sees_every_committed_point_once_in_commit_order(engine):
    put_task(engine, "t", "stream|from().measurement('cpu').where(lambda: \"v\" > 0)|httpOut('out')", DBRP)
    tm = TaskMaster(engine)
    tm.round()
    engine.write_lines("db", b"cpu,host=a v=1 10\ncpu,host=b v=-1 20")
    engine.write_lines("db", b"cpu,host=a v=3 5\nmem,host=a v=9 30")   # older time, later commit
    engine.write_lines("other", b"cpu,host=a v=7 40")                  # another database
    tm.round()
    assert values(http_out(engine, "t", "out")) == [("a", [["1970-01-01T00:00:00.000000005Z", 3.0]])]
    st = run_status(engine, "t")
    assert st["executing"] and st["error"] == ""
    assert st["nodes"]["from1"]["collected"] == 4 and st["nodes"]["from1"]["emitted"] == 2
    assert st["nodes"]["http_out2"]["collected"] == 2 and st["nodes"]["http_out2"]["emitted"] == 0  # a leaf
    assert cursor(engine) == head(engine)
    assert tm.round() == 0          # nothing new: nothing committed


def test_rounds_are_bounded_and_resume_where_they_stopped(engine):
    put_task(engine, "t", "stream|from().measurement('cpu').groupBy('host')|httpOut('out')", DBRP)
    tm = TaskMaster(engine, max_round_points=2)
    tm.round()
    for i in range(5):
        engine.write_lines("db", f"cpu,host=h{i} v={i} {i + 1}".encode())
    rounds = 0
    while cursor(engine) < head(engine):
        tm.round()
        rounds += 1
    assert rounds == 3
    assert collected(engine, "t", "from1") == 5
    assert [h for h, _ in values(http_out(engine, "t", "out"))] == [f"h{i}" for i in range(5)]


def test_a_round_stops_feeding_at_its_time_budget(engine):
    """A slow task cannot hold a round (and so a server stop) for long: past the budget the
    round commits what it fed and the next one resumes from there."""
    put_task(engine, "t", "stream|from().measurement('cpu').groupBy('host')|httpOut('out')", DBRP)
    tm = TaskMaster(engine, round_time_budget=0.0)
    tm.round()
    for i in range(3):
        engine.write_lines("db", f"cpu,host=h{i} v={i} {i + 1}".encode())
    rounds = 0
    while cursor(engine) < head(engine):
        tm.round()
        rounds += 1
    assert rounds == 3                      # one segment per round
    assert collected(engine, "t", "from1") == 3


def test_a_task_enabled_later_starts_at_the_current_cursor(engine):
    put_task(engine, "early", HTTP, DBRP)
    tm = TaskMaster(engine)
    tm.round()
    engine.write_lines("db", b"cpu,host=a v=1 1")
    tm.round()
    put_task(engine, "late", HTTP, DBRP)
    tm.round()
    assert http_out(engine, "late", "out") is None
    engine.write_lines("db", b"cpu,host=b v=2 2")
    tm.round()
    assert values(http_out(engine, "late", "out")) == [("b", [["1970-01-01T00:00:00.000000002Z", 2.0]])]
    assert collected(engine, "early", "from1") == 2 and collected(engine, "late", "from1") == 1


def test_disable_stops_a_task_and_removes_its_endpoints(engine):
    put_task(engine, "t", HTTP, DBRP)
    tm = TaskMaster(engine)
    tm.round()
    engine.write_lines("db", b"cpu,host=a v=1 1")
    tm.round()
    assert http_out(engine, "t", "out") is not None
    put_task(engine, "t", HTTP, DBRP, status="disabled")
    tm.round()
    assert run_status(engine, "t") == {"executing": False, "error": "", "stats": {}, "nodes": {}}
    assert http_out(engine, "t", "out") is None
    assert not tm.active
    engine.write_lines("db", b"cpu,host=b v=2 2")
    tm.round()
    assert http_out(engine, "t", "out") is None
    with engine.env.begin() as txn:
        assert engine.compaction_horizon(txn) is None          # no task: compaction unlimited
        assert txn.get(store.state_key("t"), db=store.db(engine)) is None
    delete_task(engine, "t")
    tm.round()
    assert run_status(engine, "t") is None


def test_a_changed_definition_restarts_the_task_with_fresh_state(engine):
    put_task(engine, "t", HTTP, DBRP)
    tm = TaskMaster(engine)
    tm.round()
    engine.write_lines("db", b"cpu,host=a v=1 1")
    tm.round()
    put_task(engine, "t", "stream|from().measurement('cpu')|httpOut('other')", DBRP)
    tm.round()
    assert http_out(engine, "t", "out") is None
    engine.write_lines("db", b"cpu,host=b v=2 2")
    tm.round()
    assert values(http_out(engine, "t", "other")) == [("b", [["1970-01-01T00:00:00.000000002Z", 2.0]])]
    assert collected(engine, "t", "from1") == 1


def test_a_bad_task_reports_its_error_and_the_others_keep_running(engine):
    put_task(engine, "bad", "stream|from().measurement('cpu')|nosuchnode()", DBRP)
    put_task(engine, "unsupported", "stream|from()|window().period(10s).every(10s)|trickle()|httpOut('x')", DBRP)
    put_task(engine, "good", HTTP, DBRP)
    tm = TaskMaster(engine)
    tm.round()
    engine.write_lines("db", b"cpu,host=a v=1 1")
    tm.round()
    bad = run_status(engine, "bad")
    assert bad["executing"] is False and "nosuchnode" in bad["error"]
    unsupported = run_status(engine, "unsupported")
    assert unsupported["executing"] is False
    assert unsupported["error"] == "node trickle3 (trickle) is not supported by machstore yet"
    assert values(http_out(engine, "good", "out")) == [("a", [["1970-01-01T00:00:00.000000001Z", 1.0]])]
    put_task(engine, "bad", HTTP, DBRP)    # fixed: starts
    tm.round()
    assert run_status(engine, "bad")["executing"] is True


def test_task_vars_are_applied(engine):
    script = "var m string\nvar limit = 0.0\nstream|from().measurement(m).where(lambda: \"v\" > limit)|httpOut('out')"
    put_task(engine, "t", script, DBRP, vars={"m": {"type": "string", "value": "mem"},
                                              "limit": {"type": "float", "value": 5.0}})
    tm = TaskMaster(engine)
    tm.round()
    engine.write_lines("db", b"mem,host=a v=1 1\nmem,host=b v=6 2\ncpu,host=c v=9 3")
    tm.round()
    assert [h for h, _ in values(http_out(engine, "t", "out"))] == ["b"]


def test_a_restarted_master_neither_loses_nor_repeats(engine):
    script = "stream|from().measurement('cpu')|influxDBOut().database('out').create().buffer(3)"
    put_task(engine, "t", script, DBRP)
    tm = TaskMaster(engine)
    tm.round()
    engine.write_lines("db", b"cpu,host=a v=1 1\ncpu,host=a v=2 2")
    tm.round()                                  # 2 points queued in the node's state
    engine.write_lines("db", b"cpu,host=a v=3 3")
    tm2 = TaskMaster(engine)                    # as after kill -9: memory of tm is lost
    tm2.round()
    engine.write_lines("db", b"cpu,host=a v=4 4\ncpu,host=a v=5 5")
    tm3 = TaskMaster(engine)
    tm3.round()
    put_task(engine, "t", script, DBRP, status="disabled")   # stopping flushes the queue
    tm3.round()
    rows = select(engine, 'SELECT v FROM "out"."autogen"."cpu"')
    assert rows == [("cpu", ["time", "v"], [[f"1970-01-01T00:00:00.00000000{i}Z", float(i)] for i in range(1, 6)])]


def test_compaction_never_takes_segments_past_the_cursor(engine):
    put_task(engine, "t", HTTP, DBRP)
    tm = TaskMaster(engine)
    tm.round()
    engine.write_lines("db", b"cpu,host=a v=1 1")
    tm.round()
    engine.write_lines("db", b"cpu,host=a v=2 2")
    while engine.compact():
        pass
    assert engine.pending_segments() == 1       # the unread one stays
    tm.round()
    assert values(http_out(engine, "t", "out")) == [("a", [["1970-01-01T00:00:00.000000002Z", 2.0]])]
    while engine.compact():
        pass
    assert engine.pending_segments() == 0


def test_influxdbout_buffer_flush_interval_and_stats(engine):
    clock = Clock()
    script = ("stream|from().measurement('cpu')|influxDBOut().database('out').retentionPolicy('autogen')"
              ".measurement('m').tag('k', 'v').tag('host', 'x').buffer(100).flushInterval(5s)")
    put_task(engine, "t", script, DBRP)
    engine.create_database("out")
    tm = TaskMaster(engine, clock=clock)
    tm.round()
    engine.write_lines("db", b"cpu,host=a,z=1 v=1i 1000000000")
    tm.round()
    assert select(engine, 'SELECT * FROM "out"."autogen"."m"') == []
    clock.t += 5 * 10**9
    tm.round()
    assert select(engine, 'SELECT * FROM "out"."autogen"."m"') == [
        ("m", ["time", "host", "k", "v", "z"], [["1970-01-01T00:00:01Z", "x", "v", 1, "1"]])]
    assert run_status(engine, "t")["nodes"]["influxdb_out2"]["points_written"] == 1


def test_influxdbout_write_errors_are_counted_and_the_task_runs_on(engine):
    script = "stream|from().measurement('cpu')|influxDBOut().database('missing').buffer(1)"
    put_task(engine, "t", script, DBRP)
    put_task(engine, "conflict", "stream|from().measurement('cpu')|influxDBOut().database('db')"
                                 ".measurement('typed').buffer(1)", DBRP)
    engine.write_lines("db", b"typed v=\"text\" 1")
    tm = TaskMaster(engine)
    tm.round()
    engine.write_lines("db", b"cpu,host=a v=1 1")
    engine.write_lines("db", b"cpu,host=a v=2 2")
    tm.round()
    st = run_status(engine, "t")
    assert st["executing"] and st["nodes"]["influxdb_out2"]["write_errors"] == 2
    assert st["nodes"]["influxdb_out2"]["points_written"] == 0
    assert "missing" not in engine.list_databases()
    c = run_status(engine, "conflict")["nodes"]["influxdb_out2"]
    assert c["write_errors"] == 2 and c["points_written"] == 0
    assert select(engine, 'SELECT * FROM "db"."autogen"."typed"') == [
        ("typed", ["time", "v"], [["1970-01-01T00:00:00.000000001Z", "text"]])]


def test_influxdbout_precision_truncates_times(engine):
    script = "stream|from().measurement('cpu')|influxDBOut().database('out').create().precision('s').buffer(1)"
    put_task(engine, "t", script, DBRP)
    tm = TaskMaster(engine)
    tm.round()
    engine.write_lines("db", b"cpu,host=a v=1 1999999999")
    tm.round()
    assert select(engine, 'SELECT v FROM "out".."cpu"') == [("cpu", ["time", "v"], [["1970-01-01T00:00:01Z", 1.0]])]


def test_influxdbout_output_is_streamed_to_other_tasks(engine):
    put_task(engine, "producer", "stream|from().measurement('cpu')|influxDBOut().database('db2').create()"
                                 ".measurement('derived').buffer(1)", DBRP)
    put_task(engine, "consumer", "stream|from().measurement('derived')|httpOut('out')", [("db2", "autogen")])
    tm = TaskMaster(engine)
    tm.round()
    engine.write_lines("db", b"cpu,host=a v=1 1")
    tm.round()
    tm.round()
    assert values(http_out(engine, "consumer", "out")) == [("a", [["1970-01-01T00:00:00.000000001Z", 1.0]])]


def test_influxdbout_refuses_what_it_cannot_honour(engine):
    put_task(engine, "cluster", "stream|from()|influxDBOut().cluster('remote').database('x')", DBRP)
    put_task(engine, "interval", "stream|from()|influxDBOut().database('x').flushInterval(0s)", DBRP)
    TaskMaster(engine).round()
    assert run_status(engine, "cluster")["error"] == "failed to get InfluxDB client: no such InfluxDB config remote"
    assert run_status(engine, "interval")["error"] == "non-positive interval for NewTicker"


def test_alert_deliveries_go_to_the_outbox_with_the_round(engine):
    ctx = StoreContext("t", engine, Clock())
    assert ctx.load_alert_state("topic", "cpu:a") is None
    ctx.save_alert_state("topic", "cpu:a", {"level": "CRITICAL"})
    assert ctx.load_alert_state("topic", "cpu:a") == {"level": "CRITICAL"}
    kdb = store.db(engine)
    with engine.env.begin(write=True) as txn:
        store.put_json(txn, kdb, b"alert/topic\0cpu:a", {"level": "OK"})
        outbox.put(txn, kdb, "t", "alert2", {"id": "cpu:a"}, [{"kind": "post"}, {"kind": "log"}])
        outbox.put(txn, kdb, "t", "alert2", {"id": "cpu:b"}, [{"kind": "log"}])
    assert StoreContext("t", engine, Clock()).load_alert_state("topic", "cpu:a") == {"level": "OK"}
    sent, failing = [], {"post"}

    def deliver(handler, event):
        if handler["kind"] in failing:
            raise OSError("connection refused")
        sent.append((handler["kind"], event["id"]))

    sender = outbox.OutboxSender(engine, deliver=deliver)
    sender.send_due()
    assert sent == [("log", "cpu:a"), ("log", "cpu:b")]
    with engine.env.begin() as txn:
        left = outbox.pending(txn, kdb)
    assert [e["handlers"] for _, e in left] == [[{"kind": "post"}]]     # only what is still owed
    failing.clear()
    sender.retry_at.clear()                                             # as if the backoff elapsed
    sender.send_due()
    assert sent[-1] == ("post", "cpu:a")
    with engine.env.begin() as txn:
        assert outbox.pending(txn, kdb) == []


def test_alert_events_and_states_staged_by_a_node_are_committed_by_the_round(engine):
    put_task(engine, "t", HTTP, DBRP)
    tm = TaskMaster(engine, on_outbox=lambda: woken.append(1))
    woken = []
    tm.round()
    ctx = tm.tasks["t"].ctx
    ctx.alert_event("alert3", {"id": "x", "level": "CRITICAL"}, [{"kind": "log"}])
    ctx.save_alert_state("cpu", "x", {"level": "CRITICAL"})
    tm.round()
    kdb = store.db(engine)
    with engine.env.begin() as txn:
        entries = [e for _, e in outbox.pending(txn, kdb)]
        assert store.get_json(txn, kdb, b"alert/cpu\0x") == {"level": "CRITICAL"}
    assert entries == [{"task": "t", "node": "alert3", "event": {"id": "x", "level": "CRITICAL"},
                        "handlers": [{"kind": "log"}]}]
    assert woken == [1]


def test_state_is_stored_with_the_stamp_and_position(engine):
    put_task(engine, "t", "stream|from().measurement('cpu').where(lambda: sigma(\"v\") < 3)|httpOut('out')", DBRP)
    tm = TaskMaster(engine)
    tm.round()
    engine.write_lines("db", b"cpu,host=a v=1 1\ncpu,host=a v=2 2")
    tm.round()
    with engine.env.begin() as txn:
        saved = pickle.loads(txn.get(store.state_key("t"), db=store.db(engine)))
    assert saved["stamp"] == 1 and saved["pos"] == head(engine)
    where = saved["graph"]["from1"]["state"]["where"]
    tm2 = TaskMaster(engine)
    tm2.round()
    assert tm2.tasks["t"].graph.nodes["from1"].where_state.to_dict() == where


def test_log_node_lines(engine, caplog):
    import logging
    put_task(engine, "t", "stream|from().measurement('cpu').groupBy('host')|log().prefix('P X').level('error')"
                          "|httpOut('out')", DBRP)
    tm = TaskMaster(engine)
    tm.round()
    engine.write_lines("db", b"cpu,host=a v=1.5,s=\"a b\" 1000000000")
    with caplog.at_level(logging.INFO, logger="machstore.kapacitor.task"):
        tm.round()
    lines = [r for r in caplog.records if r.name == "machstore.kapacitor.task"]
    assert len(lines) == 1 and lines[0].levelno == logging.ERROR
    assert lines[0].getMessage() == (
        'task=t node=log2 msg=point prefix="P X" name=cpu db=db rp=autogen group=host=a dimension=host '
        'tag_host=a field_s="a b" field_v=1.5 time=1970-01-01T00:00:01Z')
    assert values(http_out(engine, "t", "out")) == [("a", [["1970-01-01T00:00:01Z", "a b", 1.5]])]


def test_line_format_round_trips_through_the_parser():
    from machstore.kapacitor.lineformat import to_lines
    from machstore.kapacitor.points import Points, Series
    from machstore.kapacitor.replay import parse_line
    s = Series.make("we ird,m", {"t k": "v=1,2", "empty": ""})
    pts = Points.from_rows([(5, s, {"f,x": 1.0e20, "i": 3, "b": True, "s": 'q"\\'}),
                            (-1_500_000_000, s, {"f,x": -0.5})], "db", "rp")
    text = to_lines(pts).decode()
    back = parse_line(text, precision="ns")
    assert back.series[0].name == "we ird,m" and back.series[0].tags == {"t k": "v=1,2"}
    assert [r[2] for r in back.rows()] == [r[2] for r in pts.rows()]
    assert to_lines(pts, "s").decode().split()[-1] == "-1"   # truncated toward zero, as Go divides
    assert np.array_equal(back.time, pts.time)


def test_writes_no_task_reads_move_the_cursor_without_a_commit_per_poll(engine):
    put_task(engine, "t", HTTP, DBRP)
    tm = TaskMaster(engine)
    tm.round()
    before = cursor(engine)
    engine.write_lines("elsewhere", b"cpu,host=a v=1 1")
    assert tm.round() == 0 and cursor(engine) == before       # nothing committed yet
    tm.last_commit = 0.0                                      # as if CURSOR_ONLY_EVERY passed
    tm.round()
    assert cursor(engine) == head(engine)
    engine.write_lines("db", b"cpu,host=b v=2 2")
    tm.round()
    assert values(http_out(engine, "t", "out")) == [("b", [["1970-01-01T00:00:00.000000002Z", 2.0]])]
    assert collected(engine, "t", "from1") == 1


def test_points_deleted_before_a_task_read_them_are_not_streamed(engine):
    put_task(engine, "t", "stream|from().measurement('cpu').groupBy('host')|httpOut('out')",
             DBRP + [("gone", "autogen")])
    tm = TaskMaster(engine)
    tm.round()
    engine.write_lines("db", b"cpu,host=a v=1 1\ncpu,host=b v=2 100")
    engine.delete_before("db", 50)              # rewrites the pending segment in place
    engine.write_lines("gone", b"cpu,host=c v=3 3")        # another database, dropped unread
    engine.drop_database("gone")                # its segments go with it
    tm.round()
    assert values(http_out(engine, "t", "out")) == [("b", [["1970-01-01T00:00:00.0000001Z", 2.0]])]
    assert collected(engine, "t", "from1") == 1 and cursor(engine) == head(engine)
