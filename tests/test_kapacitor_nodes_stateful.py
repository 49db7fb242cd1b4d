"""``changeDetect``, ``derivative``, ``stateDuration`` and ``stateCount`` on small streams.

Expected values follow ``change_detect.go``, ``derivative.go`` and ``state_tracking.go`` rule by
rule (the comments say which); the full Kapacitor cases are in tests/kstream_cases_join.py.
"""
import pytest
from kapacitor_capture import attach, chunks_of, feed_with_restart, run_capture
from kapacitor_harness import build
from kstream_cases import DATA

from machstore.kapacitor.points import Barrier, Batch, DeleteGroup, Dimensions, Points, Series
from machstore.kapacitor.replay import REBASE_NS

S = 10**9


def srpl(*lines):
    return "".join(f"dbname\nrpname\n{line}\n" for line in lines)


def t(sec):
    return REBASE_NS + (sec - 1) * S


def values(cap, field):
    return [(p[0], p[4].get(field)) for p in cap.points()]


CD = "stream|from().measurement('m').groupBy('h')|changeDetect({fields})"


def test_change_detect_emits_changes_per_group():
    data = srpl("m,h=a v=1 1", "m,h=b v=1 1", "m,h=a v=1 2", "m,h=a v=2 3", "m,h=b v=1 3", "m,h=a v=2 4",
                "m,h=a v=1 5")
    cap, graph = run_capture(CD.format(fields="'v'"), data, "changeDetect2")
    assert [(p[0], p[2]["h"], p[4]["v"]) for p in cap.points()] == [
        (t(1), "a", 1.0), (t(1), "b", 1.0), (t(3), "a", 2.0), (t(5), "a", 1.0)]
    assert graph.nodes["changeDetect2"].stats.cardinality == 2


def test_change_detect_compares_go_types():
    # Go compares interface values: int64(1) != float64(1)
    data = srpl("m,h=a v=1i 1", "m,h=a v=1 2", "m,h=a v=1 3", "m,h=a v=1i 4")
    cap, _ = run_capture(CD.format(fields="'v'"), data, "changeDetect2")
    assert [p[0] for p in cap.points()] == [t(1), t(2), t(4)]


def test_change_detect_several_fields_and_missing_ones():
    # a missing field is logged and skipped; the others still decide
    data = srpl("m,h=a x=1,y=1 1", "m,h=a x=1 2", "m,h=a x=1,y=1 3", "m,h=a x=1,y=2 4", "m,h=a y=2 5",
                "m,h=a y=3 6")
    cap, graph = run_capture(CD.format(fields="'x', 'y'"), data, "changeDetect2")
    assert [p[0] for p in cap.points()] == [t(1), t(4), t(6)]
    errors = [text for level, _, text in graph.ctx.logs if level == "E"]
    assert errors == ["Invalid field in change detect: expected field y not found",
                      "Invalid field in change detect: expected field x not found",
                      "Invalid field in change detect: expected field x not found"]


def test_change_detect_state_survives_a_restart():
    data = srpl("m,h=a v=1 1", "m,h=b v=1 1", "m,h=a v=1 2", "m,h=a v=2 3", "m,h=b v=1 3", "m,h=a v=2 4")
    script = CD.format(fields="'v'")
    whole, _ = run_capture(script, data, "changeDetect2")
    for cut in range(1, 6):
        again, _ = feed_with_restart(script, data, "changeDetect2", cut)
        assert again.messages == whole.messages, cut


DERIV = "stream|from().measurement('m').groupBy('h')|derivative('v'){props}"


def test_derivative_rate_per_unit():
    data = srpl("m,h=a v=10 1", "m,h=a v=20 3", "m,h=a v=15i 4")
    cap, _ = run_capture(DERIV.format(props=".unit(2s).as('rate')"), data, "derivative2")
    # (20-10)/(2s/2s) = 10; (15-20)/(1s/2s) = -10; the field keeps its value, "rate" is added
    assert [(p[0], p[4]) for p in cap.points()] == [(t(3), {"rate": 10.0, "v": 20.0}),
                                                   (t(4), {"rate": -10.0, "v": 15})]


def test_derivative_non_negative_still_moves_the_previous_point():
    data = srpl("m,h=a v=10 1", "m,h=a v=5 2", "m,h=a v=8 3")
    cap, _ = run_capture(DERIV.format(props=".nonNegative()"), data, "derivative2")
    assert values(cap, "v") == [(t(3), 3.0)]


def test_derivative_wrong_type_keeps_the_previous_point_and_zero_elapsed_replaces_it():
    data = srpl("m,h=a v=10 1", "m,h=a v=\"x\" 2", "m,h=a w=1 2", "m,h=a v=12 3", "m,h=a v=20 3", "m,h=a v=21 4")
    cap, graph = run_capture(DERIV.format(props=""), data, "derivative2")
    # v="x" and the point without v: errors, previous stays 10@1 -> 12@3 gives 1/s;
    # 20@3 has zero elapsed: error, but becomes the previous -> 21@4 gives 1/s
    assert values(cap, "v") == [(t(3), 1.0), (t(4), 1.0)]
    assert [text for level, _, text in graph.ctx.logs if level == "E"] == [
        "cannot perform derivative: field is the wrong type: field=v type=string",
        "cannot perform derivative: field is the wrong type: field=v type=<nil>",
        "cannot perform derivative: elaspsed time was 0",
    ]
    assert graph.nodes["derivative2"].stats.errors == 3


def test_derivative_state_survives_a_restart():
    data = srpl("m,h=a v=10 1", "m,h=b v=1 1", "m,h=a v=20 3", "m,h=b v=4 2", "m,h=a v=15 4", "m,h=b v=9 5")
    script = DERIV.format(props="")
    whole, _ = run_capture(script, data, "derivative2")
    assert len(whole.points()) == 4
    for cut in range(1, 6):
        again, _ = feed_with_restart(script, data, "derivative2", cut)
        assert again.messages == whole.messages, cut


def test_derivative_cardinality():
    """``TestStream_DerivativeCardinality``: 9 groups, 90 points collected."""
    _, graph = build("stream|from().measurement('cpu').groupBy('host','cpu')|derivative('usage_user')")
    for chunk in chunks_of((DATA / "TestStream_Cardinality.srpl").read_text()):
        graph.feed(chunk)
    stats = graph.node_stats()["derivative2"]
    assert (stats["working_cardinality"], stats["collected"], stats["errors"]) == (9, 90, 0)


def test_delete_group_forgets_the_group_only_when_known():
    _, graph = build(DERIV.format(props=""))
    cap = attach(graph, "derivative2")
    chunks = chunks_of(srpl("m,h=a v=10 1", "m,h=a v=20 2", "m,h=a v=30 3"))
    graph.feed(chunks[0])
    node = graph.nodes["derivative2"]
    node.receive(node.delete_group, DeleteGroup("h=zzz"), 0)  # unknown: swallowed, as Kapacitor's
    node.receive(node.delete_group, DeleteGroup("h=a"), 0)
    assert cap.messages == [("delete", "h=a")]
    assert node.stats.cardinality == 0
    graph.feed(chunks[1])   # the group starts over: no previous point, nothing emitted
    graph.feed(chunks[2])
    assert values(cap, "v") == [(t(3), 10.0)]


def test_barrier_opens_a_group_and_is_forwarded():
    _, graph = build(DERIV.format(props=""))
    cap = attach(graph, "derivative2")
    node = graph.nodes["derivative2"]
    node.receive(node.barrier, Barrier("h=a", Dimensions(("h",)), {"h": "a"}, t(1)), 0)
    assert cap.messages == [("barrier", ("h=a", t(1)))]
    assert node.stats.cardinality == 1


ST = "stream|from().measurement('m').groupBy('h')|{node}(lambda: \"v\" > 10){props}"


def test_state_duration_and_count():
    data = srpl("m,h=a v=20 1", "m,h=a v=30 3", "m,h=a v=5 4", "m,h=a v=50 6", "m,h=a v=60 7")
    cap, _ = run_capture(ST.format(node="stateDuration", props=".unit(1ms)"), data, "state_duration2")
    assert values(cap, "state_duration") == [(t(1), 0.0), (t(3), 2000.0), (t(4), -1.0), (t(6), 0.0),
                                             (t(7), 1000.0)]
    cap, _ = run_capture(ST.format(node="stateCount", props=".as('n')"), data, "state_count2")
    assert values(cap, "n") == [(t(1), 1), (t(3), 2), (t(4), -1), (t(6), 1), (t(7), 2)]
    assert all(type(p[4]["n"]) is int for p in cap.points())


@pytest.mark.parametrize(("node", "name"), [("stateDuration", "state_duration2"), ("stateCount", "state_count2")])
def test_lambda_errors_drop_the_point_and_keep_the_state(node, name):
    # the point without "v" fails the lambda: dropped, logged; the run goes on across it
    data = srpl("m,h=a v=20 1", "m,h=a w=1 2", "m,h=a v=30 3")
    cap, graph = run_capture(ST.format(node=node, props=""), data, name)
    field = "state_duration" if node == "stateDuration" else "state_count"
    assert values(cap, field) == [(t(1), 0.0 if field == "state_duration" else 1),
                                  (t(3), 2.0 if field == "state_duration" else 2)]
    errors = [text for level, _, text in graph.ctx.logs if level == "E"]
    assert len(errors) == 1 and errors[0].startswith("error while evaluating expression: ")


@pytest.mark.parametrize(("node", "name"), [("stateDuration", "state_duration2"), ("stateCount", "state_count2")])
def test_state_tracking_survives_a_restart(node, name):
    data = srpl("m,h=a v=20 1", "m,h=b v=20 1", "m,h=a v=30 3", "m,h=b v=1 2", "m,h=a v=5 4", "m,h=a v=50 6",
                "m,h=b v=40 6", "m,h=a v=60 7")
    script = ST.format(node=node, props="")
    whole, _ = run_capture(script, data, name)
    for cut in range(1, 8):
        again, _ = feed_with_restart(script, data, name, cut)
        assert again.messages == whole.messages, cut


def test_stateful_lambda_state_is_per_group_and_survives_a_restart():
    script = "stream|from().measurement('m').groupBy('h')|stateCount(lambda: count() > 1)"
    data = srpl("m,h=a v=1 1", "m,h=b v=1 1", "m,h=a v=1 2", "m,h=a v=1 3", "m,h=b v=1 3")
    whole, _ = run_capture(script, data, "state_count2")
    assert [(p[2]["h"], p[4]["state_count"]) for p in whole.points()] == [
        ("a", -1), ("b", -1), ("a", 1), ("a", 2), ("b", 1)]
    for cut in range(1, 5):
        again, _ = feed_with_restart(script, data, "state_count2", cut)
        assert again.messages == whole.messages, cut


def _batch(rows, tmax):
    s = Series.make("m", {"h": "a"}, Dimensions(("h",)))
    pts = Points.from_rows([(t(sec), s, f) for sec, f in rows])
    return Batch("m", "h=a", {"h": "a"}, Dimensions(("h",)), tmax, pts)


@pytest.mark.parametrize(("script", "name", "field", "want"), [
    # each batch starts from an empty state (Kapacitor resets the group at BeginBatch)
    (CD.format(fields="'v'"), "changeDetect2", "v", [[(t(1), 1.0), (t(3), 2.0)], [(t(4), 2.0)]]),
    (DERIV.format(props=""), "derivative2", "v", [[(t(2), 0.0), (t(3), 1.0)], []]),
    (ST.format(node="stateCount", props=".as('n')").replace('> 10', '> 1'), "state_count2", "n",
     [[(t(1), -1), (t(2), -1), (t(3), 1)], [(t(4), 1)]]),
])
def test_batches_restart_the_group_state(script, name, field, want):
    _, graph = build(script)
    cap = attach(graph, name)
    node = graph.nodes[name]
    node.receive_batch(_batch([(1, {"v": 1.0}), (2, {"v": 1.0}), (3, {"v": 2.0})], t(3)), 0)
    node.receive_batch(_batch([(4, {"v": 2.0})], t(4)), 0)
    got = [[(tm, f[field]) for tm, _, _, f in rows] for kind, (_, _, _, _, rows) in cap.messages if kind == "batch"]
    assert got == want


@pytest.mark.parametrize(("script", "name"), [
    (CD.format(fields="'v'"), "changeDetect2"),
    (DERIV.format(props=""), "derivative2"),
    (ST.format(node="stateCount", props=""), "state_count2"),
    (ST.format(node="stateDuration", props=""), "state_duration2"),
])
def test_one_chunk_of_many_groups_leaves_in_arrival_order(script, name):
    # one write of interleaved groups: the node emits one chunk, rows in arrival order, the same
    # points as when the rows come one by one
    lines = [f"m,h={'ab'[i % 2]} v={(i * 7) % 5 + 9} {i // 2 + 1}" for i in range(12)]
    one_by_one, _ = run_capture(script, srpl(*lines), name)
    _, graph = build(script)
    cap = attach(graph, name)
    chunks = chunks_of(srpl(*lines))
    rows = [row for c in chunks for row in c.rows()]
    graph.feed(Points.from_rows(rows, "dbname", "rpname"))
    assert len([m for m in cap.messages if m[0] == "point"]) == len(one_by_one.points()) > 2
    assert cap.messages == one_by_one.messages
