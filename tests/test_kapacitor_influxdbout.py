"""``influxDBOut`` and ``log`` runtimes in memory: what they hand the context, and state round trips."""
import pickle
import re

import numpy as np
import pytest
from kapacitor_harness import build, run_stream
from kstream_cases import all_cases, same

from machstore.influxql.timetext import rfc3339
from machstore.kapacitor.context import MemoryContext
from machstore.kapacitor.node import UnsupportedNode
from machstore.kapacitor.points import Batch, Dimensions, Points, Series
from machstore.kapacitor.replay import parse_line

NOT_MERGED = re.compile(r"^node \S+ \(\S+\) is not supported by machstore yet$")
SCRIPT = ("stream|from().measurement('cpu')|influxDBOut().database('out').measurement('m')"
          ".tag('k', 'v').buffer(4).flushInterval(10s)")


class Clock:
    def __init__(self):
        self.t = 0

    def __call__(self):
        return self.t


def chunk(i):
    return parse_line(f"cpu,host=h{i % 2} v={i} {i}", "db", "autogen", precision="ns")


def written(ctx):
    return [(db, rp, s.name, dict(s.tags), f, t) for db, rp, pts, _ in ctx.writes for t, s, f in pts.rows()]


def test_points_wait_for_the_buffer_then_go_out_renamed_and_tagged():
    ctx, graph = build(SCRIPT, MemoryContext("t", clock=Clock()))
    for i in range(3):
        graph.feed(chunk(i))
    assert ctx.writes == []
    graph.feed(chunk(3))
    assert written(ctx) == [("out", "autogen", "m", {"host": f"h{i % 2}", "k": "v"}, {"v": float(i)}, i) for i in range(4)]
    assert graph.nodes["influxdb_out2"].stats.counters == {"points_written": 4, "write_errors": 0}


def test_the_flush_interval_ticks_from_the_start_and_stop_flushes():
    clock = Clock()
    ctx, graph = build(SCRIPT, MemoryContext("t", clock=clock))
    graph.feed(chunk(0))
    clock.t = 9 * 10**9
    graph.tick(clock.t)
    assert ctx.writes == []
    clock.t = 10 * 10**9
    graph.tick(clock.t)
    assert len(written(ctx)) == 1
    graph.feed(chunk(1))
    graph.stop()
    assert len(written(ctx)) == 2


def test_state_round_trip_mid_stream_changes_nothing():
    clock = Clock()
    ctx_a, a = build(SCRIPT, MemoryContext("t", clock=clock))
    for i in range(6):
        a.feed(chunk(i))
    ctx_b, b = build(SCRIPT, MemoryContext("t", clock=clock))
    for i in range(2):
        b.feed(chunk(i))
    saved = pickle.loads(pickle.dumps(b.state()))
    ctx_c, c = build(SCRIPT, MemoryContext("t", clock=clock))
    c.restore(saved)
    for i in range(2, 6):
        c.feed(chunk(i))
    assert written(ctx_b) + written(ctx_c) == written(ctx_a)
    a.stop()
    c.stop()
    assert written(ctx_b) + written(ctx_c) == written(ctx_a)
    assert c.node_stats()["influxdb_out2"]["points_written"] == 6


def test_points_go_to_the_database_they_came_from_without_database():
    ctx, graph = build("stream|from()|influxDBOut().buffer(1)", MemoryContext("t", clock=Clock()))
    graph.feed(chunk(0))
    assert [(db, rp) for db, rp, *_ in ctx.writes] == [("db", "autogen")]


def test_a_batch_is_written_under_its_name_with_each_points_tags():
    ctx, graph = build("stream|from()|influxDBOut().database('d').buffer(1)", MemoryContext("t", clock=Clock()))
    node = graph.nodes["influxdb_out2"]
    s = Series.make("cpu", {"host": "a", "cpu": "0"})
    pts = Points.from_rows([(5, s, {"mean": 1.5})])
    node.receive_batch(Batch("avg", "host=a", {"host": "a"}, Dimensions(("host",)), 10, pts), 0)
    assert written(ctx) == [("d", "", "avg", {"host": "a", "cpu": "0"}, {"mean": 1.5}, 5)]


def test_a_failed_write_counts_an_error_and_logs_it():
    class Refusing(MemoryContext):
        def write_points(self, db, rp, points, *, precision="", done=None):
            done('database not found: "out"')

    ctx, graph = build(SCRIPT.replace("buffer(4)", "buffer(1)"), Refusing("t", clock=Clock()))
    graph.feed(chunk(0))
    assert graph.nodes["influxdb_out2"].stats.counters == {"points_written": 0, "write_errors": 1}
    assert ctx.logs == [("E", "influxdb_out2",
                         'msg="failed to write points to InfluxDB" err="database not found: "out""')]


def test_an_unknown_precision_drops_the_points_with_the_clients_error():
    ctx, graph = build("stream|from()|influxDBOut().database('d').precision('n').buffer(1)",
                       MemoryContext("t", clock=Clock()))
    graph.feed(chunk(0))
    assert ctx.writes == []
    assert ctx.logs[0][2] == 'msg="failed to write points to InfluxDB" err="time: unknown unit \\"n\\" in duration \\"1n\\""'


def test_create_asks_the_context_once():
    ctx, _ = build("stream|from()|influxDBOut().database('d').retentionPolicy('r').create()",
                   MemoryContext("t", clock=Clock()))
    assert ctx.created == [("d", "r")]


def test_log_passes_batches_on_and_logs_begin_points_end():
    ctx, graph = build("stream|from()|log().level('debug')|influxDBOut().database('d').buffer(1)",
                       MemoryContext("t", clock=Clock()))
    node = graph.nodes["log2"]
    s = Series.make("cpu", {"host": "a"})
    pts = Points.from_rows([(1, s, {"v": 1}), (2, s, {"v": 2})])
    node.receive_batch(Batch("cpu", "host=a", {"host": "a"}, Dimensions(("host",)), 10**9, pts), 0)
    msgs = [text.split(" ")[0] for level, _, text in ctx.logs if level == "D"]
    assert msgs == ['msg="begin', 'msg="batch', 'msg="batch', 'msg="end']
    assert ctx.logs[1][2] == ('msg="batch point" prefix= name=cpu group=host=a tag_host=a field_v=1 '
                              'time=1970-01-01T00:00:00.000000001Z')
    assert np.array_equal(ctx.writes[0][2].time, [1, 2])


WRITE_CASES = [c for c in all_cases() if c.writes]


@pytest.mark.parametrize("case", WRITE_CASES, ids=lambda c: c.name)
def test_stream_case_influxdb_writes(case):
    """The points each restated influxDBOut case hands the context (stopping flushes)."""
    try:
        ctx, graph = run_stream(case.script, case.srpl_text(), ctx=MemoryContext("testStreamer", clock=Clock()))
    except UnsupportedNode as ex:
        if not NOT_MERGED.match(str(ex)):
            raise
        pytest.xfail("node runtime not merged yet")
    graph.stop()
    got = [[db, rp, s.name, dict(s.tags), f, rfc3339(t)] for db, rp, pts, _ in ctx.writes for t, s, f in pts.rows()]
    assert same(got, [list(w) for w in case.writes]) == [], got


def test_create_database_as_kapacitor_sends_it(tmp_path):
    """TestStream_InfluxDBOut_CreateDatabase(AndRP): ``CREATE DATABASE db [WITH NAME rp]`` at start."""
    from kapacitor_tasks import put_task

    from machstore.engine import Engine
    from machstore.kapacitor.taskmaster import TaskMaster
    eng = Engine(str(tmp_path / "d"), sync=False)
    try:
        put_task(eng, "a", "stream|from().measurement('cpu').where(lambda: \"host\" == 'nonexistant')"
                           "|influxDBOut().create().database('db')", [("dbname", "rpname")])
        put_task(eng, "b", "stream|from().measurement('cpu').where(lambda: \"host\" == 'nonexistant')"
                           "|influxDBOut().create().database('db2').retentionPolicy('rp')", [("dbname", "rpname")])
        TaskMaster(eng).round()
        assert [(p["name"], p["default"]) for p in eng.list_retention_policies("db")] == [("autogen", True)]
        assert [(p["name"], p["default"]) for p in eng.list_retention_policies("db2")] == [("rp", True)]
    finally:
        eng.close()
