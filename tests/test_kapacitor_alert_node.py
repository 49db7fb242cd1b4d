"""The alert node runtime in memory (machstore/kapacitor/nodes/alert.py): events, topics and
their stored state across restarts (kapacitor#744), decorations, inhibition, batches, stats,
refused handlers, and a state()/restore() round trip mid-stream."""
import json
import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from kapacitor_harness import build, run_stream
from kstream_cases_alert import NODE_STATS

from machstore.kapacitor.alerts.handlers import HandlerError
from machstore.kapacitor.context import MemoryContext
from machstore.kapacitor.nodes.alert import AlertError
from machstore.kapacitor.points import Batch, Dimensions, Points, Series
from machstore.kapacitor.replay import read_srpl, to_chunks

SRPL = "".join(f"dbname\nrpname\ncpu,host={h},type=idle value={v} {t:010d}\n"
               for t, h, v in [(1, "A", 90), (2, "B", 10), (3, "A", 95), (4, "B", 91), (5, "A", 10),
                               (6, "B", 92), (7, "A", 91), (8, "B", 10)])

SCRIPT = """
stream
    |from().measurement('cpu').groupBy('host')
    |alert()
        .id('{{ .Name }}/{{ index .Tags "host" }}')
        .crit(lambda: "value" > 80)
        .post('http://127.0.0.1:9/x')
        .stateChangesOnly()
        .topic('ops')
        .levelTag('level').idField('id').durationField('dur').messageField('msg').levelField('lvl')
    |httpOut('out')
"""


def events(ctx):
    return [e for _, e, _ in ctx.events]


def feed(graph, srpl):
    for chunk in to_chunks(read_srpl(srpl)):
        graph.feed(chunk)


def test_events_per_group_in_arrival_order_with_previous_levels():
    ctx, graph = run_stream(SCRIPT, SRPL)
    got = [(e["id"], e["level"], e["previousLevel"], e["time"], e["duration"]) for e in events(ctx)]
    assert got == [("cpu/A", "CRITICAL", "OK", "1971-01-01T00:00:00Z", 0),
                   ("cpu/B", "CRITICAL", "OK", "1971-01-01T00:00:03Z", 0),
                   ("cpu/A", "OK", "CRITICAL", "1971-01-01T00:00:04Z", 4 * 10**9),
                   ("cpu/A", "CRITICAL", "OK", "1971-01-01T00:00:06Z", 0),
                   ("cpu/B", "OK", "CRITICAL", "1971-01-01T00:00:07Z", 4 * 10**9)]
    node, event, handlers = ctx.events[0]
    assert node == "alert2" and handlers == [["post", {
        "url": "http://127.0.0.1:9/x", "endpoint": "", "headers": {}, "capture-response": False, "timeout": 0,
        "skip-ssl-verification": False}]]
    assert list(event) == ["id", "message", "details", "time", "duration", "level", "data", "previousLevel",
                           "recoverable", "eventData", "topic"]
    assert event["eventData"] == {"name": "cpu", "taskName": "testStreamer", "category": "", "group": "host=A",
                                  "tags": {"host": "A", "type": "idle"}, "fields": {"value": 90.0}}
    assert json.loads(json.dumps(event["eventData"])) == event["eventData"]  # it travels through the outbox
    assert event["data"] == {"series": [{"name": "cpu", "tags": {"host": "A", "type": "idle"},
                                         "columns": ["time", "value"],
                                         "values": [["1971-01-01T00:00:00Z", 90.0]]}]}
    # both topics keep the last state of every alert id
    anon = ctx.alert_states[("main:testStreamer:alert2", "cpu/B")]
    assert anon == ctx.alert_states[("ops", "cpu/B")]
    assert anon["level"] == "OK" and anon["time"] == 31536007 * 10**9 and anon["duration"] == 4 * 10**9
    assert graph.nodes["alert2"].stats.to_dict()["alerts_triggered"] == 5
    assert graph.nodes["alert2"].stats.to_dict()["crits_triggered"] == 3
    assert graph.nodes["alert2"].stats.to_dict()["oks_triggered"] == 2
    assert graph.nodes["alert2"].stats.cardinality == 2


def test_forwarded_points_are_decorated():
    ctx, _ = run_stream(SCRIPT, SRPL)
    series = ctx.http["out"]["series"]
    assert series == [
        {"name": "cpu", "tags": {"host": "A", "level": "CRITICAL", "type": "idle"},
         "columns": ["time", "dur", "id", "lvl", "msg", "value"],
         "values": [["1971-01-01T00:00:06Z", 0, "cpu/A", "CRITICAL", "cpu/A is CRITICAL", 91.0]]},
        {"name": "cpu", "tags": {"host": "B", "level": "OK", "type": "idle"},
         "columns": ["time", "dur", "id", "lvl", "msg", "value"],
         "values": [["1971-01-01T00:00:07Z", 4000000000, "cpu/B", "OK", "cpu/B is OK", 10.0]]}]


def test_a_reloaded_task_keeps_a_critical_alert_critical():
    """kapacitor#744: the new task's groups start from the stored level and trigger time."""
    ctx = MemoryContext("testStreamer")
    _, graph = build(SCRIPT, ctx)
    feed(graph, SRPL.split("dbname")[0] + "dbname" + SRPL.split("dbname")[1])   # A critical at 0s
    assert [e["level"] for e in events(ctx)] == ["CRITICAL"]
    graph.close()
    # a new graph (task reloaded: node state dropped), same store
    _, again = build(SCRIPT, ctx)
    feed(again, "dbname\nrpname\ncpu,host=A,type=idle value=99 0000000001\n"
                "dbname\nrpname\ncpu,host=A,type=idle value=1 0000000006\n")
    got = [(e["level"], e["previousLevel"], e["duration"]) for e in events(ctx)[1:]]
    # still critical: no new CRITICAL with stateChangesOnly; the recovery's duration counts
    # from the stored trigger time (1971-01-01T00:00:00Z), as restoreEventState does
    assert got == [("OK", "CRITICAL", 5 * 10**9)]


def test_state_round_trip_mid_stream_gives_the_same_events():
    script = SCRIPT.replace(".stateChangesOnly()", ".flapping(0.2, 0.6).history(4)")
    whole_ctx, _ = run_stream(script, SRPL)
    ctx = MemoryContext("testStreamer")
    _, first = build(script, ctx)
    chunks = to_chunks(read_srpl(SRPL))
    for c in chunks[:4]:
        first.feed(c)
    saved = pickle.loads(pickle.dumps(first.state()))
    _, second = build(script, ctx)
    second.restore(saved)
    for c in chunks[4:]:
        second.feed(c)
    assert events(ctx) == events(whole_ctx)
    _, whole = run_stream(script, SRPL)

    def counters(graph):
        return {k: v for k, v in graph.nodes["alert2"].stats.to_dict().items() if k != "avg_exec_time_ns"}
    assert counters(second) == counters(whole)
    assert second.nodes["alert2"].state() == whole.nodes["alert2"].state()


def test_no_recoveries_and_previous_level_is_the_last_delivered():
    script = SCRIPT.replace(".stateChangesOnly()", ".noRecoveries()")
    ctx, _ = run_stream(script, SRPL)
    got = [(e["id"], e["level"], e["previousLevel"], e["recoverable"]) for e in events(ctx)]
    assert got == [("cpu/A", "CRITICAL", "OK", False), ("cpu/A", "CRITICAL", "CRITICAL", False),
                   ("cpu/B", "CRITICAL", "OK", False), ("cpu/B", "CRITICAL", "CRITICAL", False),
                   ("cpu/A", "CRITICAL", "CRITICAL", False)]


def test_details_are_html_escaped_and_message_is_not():
    script = """
stream|from().measurement('cpu')
    |alert().message('{{ .ID }} > "x"').details('<b>{{ .Message }}</b>{{ index .Tags "host" }}')
        .crit(lambda: TRUE).post('http://127.0.0.1:9/')
"""
    ctx, _ = run_stream(script, SRPL.split("dbname")[0] + "dbname" + SRPL.split("dbname")[1])
    e = events(ctx)[0]
    assert e["message"] == 'cpu:nil > "x"'
    assert e["details"] == "<b>cpu:nil &gt; &#34;x&#34;</b>A"


def test_default_details_is_escaped_json():
    ctx, _ = run_stream("stream|from()|alert().crit(lambda: TRUE).post('http://127.0.0.1:9/')",
                        "dbname\nrpname\ncpu value=1 0000000001\n")
    details = events(ctx)[0]["details"]
    assert details.startswith("{&#34;Name&#34;:&#34;cpu&#34;,&#34;TaskName&#34;:&#34;testStreamer&#34;,")
    assert details.endswith("&#34;Message&#34;:&#34;cpu:nil is CRITICAL&#34;}\n")


def test_inhibit_holds_back_a_category_while_the_inhibitor_is_raised():
    script = """
var data = stream|from().measurement('cpu').groupBy('host')
data|alert().id('down-{{ index .Tags "host" }}').crit(lambda: "value" > 80).category('host_down')
    .post('http://127.0.0.1:9/')
data|alert().id('cpu-{{ index .Tags "host" }}').crit(lambda: "value" > 50)
    .inhibit('host_down', 'host').post('http://127.0.0.1:9/')
"""
    srpl = ("dbname\nrpname\ncpu,host=A value=60 0000000001\n"
            "dbname\nrpname\ncpu,host=A value=90 0000000002\n")
    ctx, graph = run_stream(script, srpl)
    stats = {name: rt.stats.to_dict() for name, rt in graph.nodes.items() if name.startswith("alert")}
    # host A's cpu alert is raised at 1s, so the host_down alert of host A at 2s is inhibited:
    # counted, sent nowhere
    assert [e["id"] for e in events(ctx)] == ["cpu-A", "cpu-A"]
    assert stats["alert2"]["alerts_inhibited"] == 1 and stats["alert2"]["alerts_triggered"] == 0
    assert stats["alert3"]["alerts_triggered"] == 2
    assert ("main:testStreamer:alert2", "down-A") not in ctx.alert_states
    graph.close()
    assert not ctx.inhibitors.is_inhibited("host_down", {"host": "A"})


def test_batches_take_the_highest_level_or_the_lowest_with_all():
    ctx = MemoryContext("t")
    _, graph = build("stream|from()|alert().warn(lambda: \"v\" > 5).crit(lambda: \"v\" > 8)"
                     ".post('http://127.0.0.1:9/')", ctx, task_id="t")
    node = graph.nodes["alert2"]
    s = Series.make("cpu", {"host": "A"}, Dimensions(("host",)))
    pts = Points.from_rows([(1, s, {"v": 6.0}), (2, s, {"v": 9.0}), (3, s, {"v": 9.5})])
    node.batch(Batch("cpu", "host=A", {"host": "A"}, s.dims, 10, pts), 0)
    e = events(ctx)[0]
    assert (e["level"], e["time"]) == ("CRITICAL", "1970-01-01T00:00:00.000000002Z")
    assert e["data"]["series"][0]["values"] == [["1970-01-01T00:00:00.000000001Z", 6.0],
                                                ["1970-01-01T00:00:00.000000002Z", 9.0],
                                                ["1970-01-01T00:00:00.000000003Z", 9.5]]
    ctx2 = MemoryContext("t")
    _, graph2 = build("stream|from()|alert().warn(lambda: \"v\" > 5).crit(lambda: \"v\" > 8).all()"
                      ".post('http://127.0.0.1:9/')", ctx2, task_id="t")
    graph2.nodes["alert2"].batch(Batch("cpu", "host=A", {"host": "A"}, s.dims, 10, pts), 0)
    e = events(ctx2)[0]
    assert (e["level"], e["time"]) == ("WARNING", "1970-01-01T00:00:00.00000001Z")


def test_alert_cardinality_stats():
    """TestStream_AlertCardinality's node statistics (avg_exec_time_ns is a fake clock's 0 there)."""
    script = """
stream
    |from()
        .measurement('cpu')
        .groupBy('host','cpu')
    |alert()
"""
    from kstream_cases import DATA
    _, graph = run_stream(script, (DATA / "TestStream_Cardinality.srpl").read_text())
    got = graph.node_stats()
    for node, want in NODE_STATS["TestStream_AlertCardinality"].items():
        assert {k: v for k, v in got[node].items() if k != "avg_exec_time_ns"} == \
            {k: v for k, v in want.items() if k != "avg_exec_time_ns"}, node


def test_bad_flapping_thresholds_and_log_paths_refuse_the_task():
    with pytest.raises(AlertError, match="^alert flap thresholds are percentages and should be between 0 and 1$"):
        build("stream|from()|alert().flapping(0.2, 1.5)")
    with pytest.raises(HandlerError, match="^failed to create log alert handler: log path must be absolute: "
                                           "x.log is not absolute$"):
        build("stream|from()|alert().log('x.log')")
    with pytest.raises(HandlerError, match="invalid file mode -r--r--r--, must be user writable"):
        build("stream|from()|alert().log('/tmp/x.log').mode(0444)")


def test_a_template_that_fails_stops_the_task():
    _, graph = build("stream|from()|alert().id('{{ .Nope }}').crit(lambda: TRUE)")
    chunk = to_chunks(read_srpl("dbname\nrpname\ncpu value=1 0000000001\n"))[0]
    with pytest.raises(AlertError, match="can't evaluate field Nope"):
        graph.feed(chunk)


def test_delete_group_forgets_the_group():
    from machstore.kapacitor.points import DeleteGroup
    _ctx, graph = run_stream(SCRIPT, SRPL)
    node = graph.nodes["alert2"]
    node.delete_group(DeleteGroup("host=A"), 0)
    assert list(node.groups) == ["host=B"] and node.stats.cardinality == 1
    assert list(node.state()["groups"]) == ["host=B"]


@pytest.mark.parametrize("variant", ["", ".flapping(0.2, 0.6).history(4)", ".noRecoveries()"])
def test_one_chunk_of_many_groups_gives_the_events_of_point_by_point(variant):
    from machstore.kapacitor.points import concat
    script = SCRIPT.replace(".stateChangesOnly()", variant).replace(
        ".crit(lambda: \"value\" > 80)", ".crit(lambda: \"value\" > 80).warn(lambda: \"value\" > 50)"
        ".warnReset(lambda: \"value\" < 20)")
    srpl = "".join(f"dbname\nrpname\ncpu,host={h},type=idle value={v} {t:010d}\n"
                   for t, (h, v) in enumerate(zip("ABCABCCBAABC", [90, 60, 10, 30, 95, 55, 81, 10, 15, 60, 85, 70]),
                                              start=1))
    one_ctx, one_graph = run_stream(script, srpl)
    ctx = MemoryContext("testStreamer")
    _, graph = build(script, ctx)
    graph.feed(concat(to_chunks(read_srpl(srpl))))
    assert events(ctx) == events(one_ctx) and len(events(ctx)) > 4
    assert ctx.http == one_ctx.http
    assert graph.nodes["alert2"].state() == one_graph.nodes["alert2"].state()


def test_stateful_level_lambdas_see_points_in_arrival_order_across_groups():
    """One count() serves all groups (alert.go keeps one expression per level)."""
    from machstore.kapacitor.points import concat
    script = SCRIPT.replace(".stateChangesOnly()", "").replace(
        ".crit(lambda: \"value\" > 80)", ".crit(lambda: count() % 2 == 0)")
    srpl = "".join(f"dbname\nrpname\ncpu,host={h},type=idle value=1 {t:010d}\n"
                   for t, h in enumerate("ABBABAAB", start=1))
    one_ctx, _ = run_stream(script, srpl)
    # count() advances on every evaluation, across hosts.  A group at CRITICAL whose crit is
    # false evaluates crit a second time (determineLevel's second findFirstMatchLevel starts
    # at the current level), so: A0 c1 OK, B1 c2 CRIT, B2 c3 false then c4 CRIT, A3 c5 OK,
    # B4 c6 CRIT, A5 c7 OK, A6 c8 CRIT, B7 c9 false then c10 CRIT.
    assert [(e["id"], e["level"], e["time"][-3:]) for e in events(one_ctx)] == [
        ("cpu/B", "CRITICAL", "01Z"), ("cpu/B", "CRITICAL", "02Z"), ("cpu/B", "CRITICAL", "04Z"),
        ("cpu/A", "CRITICAL", "06Z"), ("cpu/B", "CRITICAL", "07Z")]
    ctx = MemoryContext("testStreamer")
    _, graph = build(script, ctx)
    graph.feed(concat(to_chunks(read_srpl(srpl))))
    assert events(ctx) == events(one_ctx)


def test_batches_are_decorated_and_suppressed_batches_go_nowhere():
    ctx = MemoryContext("t")
    _, graph = build("stream|from()|alert().crit(lambda: \"v\" > 8).stateChangesOnly()"
                     ".levelTag('level').idTag('id').levelField('lvl').durationField('d')"
                     ".post('http://127.0.0.1:9/')", ctx, task_id="t")
    node = graph.nodes["alert2"]
    out = []

    class Sink:
        def receive_batch(self, b, port):
            out.append(b)
    node.children = [(Sink(), 0)]
    s = Series.make("cpu", {"host": "A", "cpu": "0"}, Dimensions(("host",)))
    pts = Points.from_rows([(1, s, {"v": 9.0}), (2, s, {"v": 1.0})])
    for tmax in (10, 20):
        node.batch(Batch("cpu", "host=A", {"host": "A"}, s.dims, tmax, pts), 0)
    assert len(out) == 1 and len(events(ctx)) == 1  # the second batch changes nothing: suppressed
    b = out[0]
    assert b.tags == {"host": "A", "level": "CRITICAL", "id": "cpu:host=A"}
    assert [b.points.series_of(i).tags for i in range(2)] == [{"host": "A", "cpu": "0", "level": "CRITICAL",
                                                                "id": "cpu:host=A"}] * 2
    assert [b.points.row_fields(i) for i in range(2)] == [{"d": 0, "lvl": "CRITICAL", "v": 9.0},
                                                          {"d": 0, "lvl": "CRITICAL", "v": 1.0}]
    assert events(ctx)[0]["data"]["series"][0]["columns"] == ["time", "cpu", "v"]


# -- server_test.go's restart cases, restated at the level of the stored topic states ----------------
def _write(graph, line):
    from machstore.kapacitor.replay import parse_line
    graph.feed(parse_line(line, "mydb", "myrp"))


def test_server_alert_duration_survives_restarts():
    """TestServer_Alert_Duration: after each restart the stored state gives the duration."""
    script = """
stream
	|from()
		.measurement('alert')
	|alert()
		.id('id')
		.message('message')
		.details('details')
		.crit(lambda: "value" > 1.0)
		.tcp('127.0.0.1:9')
"""
    ctx = MemoryContext("testAlertHandlers")
    topic = "main:testAlertHandlers:alert2"
    _, graph = build(script, ctx, task_id="testAlertHandlers")
    _write(graph, "alert value=2 0000000000")
    assert ctx.alert_states[(topic, "id")] == {"id": "id", "message": "message", "details": "details", "time": 0,
                                               "duration": 0, "level": "CRITICAL"}
    graph.close()  # restart: node state lost, as Kapacitor loses it
    _, graph = build(script, ctx, task_id="testAlertHandlers")
    _write(graph, "alert value=3 0000000001")
    assert ctx.alert_states[(topic, "id")] == {"id": "id", "message": "message", "details": "details",
                                               "time": 10**9, "duration": 10**9, "level": "CRITICAL"}


def test_server_alert_topic_persisted_state():
    """TestServer_AlertTopic_PersistedState: the named and the anonymous topic both keep the event."""
    script = """
stream
	|from()
		.measurement('alert')
	|alert()
		.topic('test')
		.id('id')
		.message('message')
		.details('details')
		.warn(lambda: TRUE)
		.log('/tmp/machstore-never-written.log')
"""
    ctx = MemoryContext("testAlertHandlers")
    _, graph = build(script, ctx, task_id="testAlertHandlers")
    _write(graph, "alert value=1 0000000000")
    want = {"id": "id", "message": "message", "details": "details", "time": 0, "duration": 0, "level": "WARNING"}
    assert ctx.alert_states == {("test", "id"): want, ("main:testAlertHandlers:alert2", "id"): want}


_VARIANTS = ["", ".stateChangesOnly()", ".stateChangesOnly(2s)", ".noRecoveries()", ".flapping(0.2, 0.5).history(5)",
             ".warnReset(lambda: \"value\" < 20).critReset(lambda: \"value\" < 60)"]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("ABC"), st.integers(0, 100)), min_size=1, max_size=30),
       st.sampled_from(_VARIANTS), st.integers(1, 8))
def test_any_chunking_gives_the_events_of_point_by_point(points, variant, size):
    from machstore.kapacitor.points import concat
    script = ("stream|from().measurement('cpu').groupBy('host')|alert()"
              ".id('{{ index .Tags \"host\" }}').warn(lambda: \"value\" > 50).crit(lambda: \"value\" > 80)"
              + variant + ".post('http://127.0.0.1:9/')|httpOut('out')")
    srpl = "".join(f"dbname\nrpname\ncpu,host={h} value={v} {t:010d}\n" for t, (h, v) in enumerate(points, start=1))
    one_ctx, one_graph = run_stream(script, srpl)
    ctx = MemoryContext("testStreamer")
    _, graph = build(script, ctx)
    chunks = to_chunks(read_srpl(srpl))
    for lo in range(0, len(chunks), size):
        graph.feed(concat(chunks[lo:lo + size]))
    assert events(ctx) == events(one_ctx)
    assert ctx.http == one_ctx.http
    assert graph.nodes["alert2"].state() == one_graph.nodes["alert2"].state()
