"""``join`` and ``union`` runtimes: the set rules of ``join.go`` and ``union.go`` on small streams.

Expected values are traced by hand through Kapacitor's code (the comments say how); the full
Kapacitor cases are in tests/kstream_cases_join.py.
"""
import numpy as np
import pytest
from kapacitor_capture import attach, chunks_of, feed_with_restart, run_capture
from kapacitor_harness import build
from kstream_cases import DATA

from machstore.kapacitor.nodes.join import JoinFillError
from machstore.kapacitor.points import Barrier, Batch, DeleteGroup, Dimensions, Points, Series, group_id
from machstore.kapacitor.replay import REBASE_NS
from machstore.tick.evaluate import TickEvalError

S = 10**9


def srpl(*lines):
    return "".join(f"dbname\nrpname\n{line}\n" for line in lines)


def t(sec):
    """The rebased time of a point written at ``sec`` seconds after the first one (at 1s)."""
    return REBASE_NS + (sec - 1) * S


JOIN = """
var a = stream|from().measurement('a').groupBy('h')
var b = stream|from().measurement('b').groupBy('h')
a|join(b).as('a', 'b'){props}
"""
# a@1 b@1 complete at once; a@2 waits (b's head is 1); b@3 waits; a@3 completes @3 and moves
# every head past 2: the set @2 goes first (incomplete), then @3.
GAP = srpl("a,h=x v=1 1", "b,h=x v=10 1", "a,h=x v=2 2", "b,h=x v=30 3", "a,h=x v=3 3")


def joined(cap):
    return [(tm, name, tags, fields) for tm, name, tags, _, fields in cap.points()]


def test_inner_join_drops_incomplete_sets():
    cap, graph = run_capture(JOIN.format(props=""), GAP, "join4")
    assert joined(cap) == [
        (t(1), "a", {"h": "x"}, {"a.v": 1.0, "b.v": 10.0}),
        (t(3), "a", {"h": "x"}, {"a.v": 3.0, "b.v": 30.0}),
    ]
    assert graph.nodes["join4"].stats.cardinality == 1


@pytest.mark.parametrize(("fill", "value"), [(".fill('null')", None), (".fill(0.5)", 0.5), (".fill(7)", 7)])
def test_outer_join_fills_the_missing_side(fill, value):
    cap, _ = run_capture(JOIN.format(props=fill), GAP, "join4")
    assert joined(cap) == [
        (t(1), "a", {"h": "x"}, {"a.v": 1.0, "b.v": 10.0}),
        (t(2), "a", {"h": "x"}, {"a.v": 2.0, "b.v": value}),
        (t(3), "a", {"h": "x"}, {"a.v": 3.0, "b.v": 30.0}),
    ]


def test_null_fill_is_a_present_null_field():
    _, graph = build(JOIN.format(props=".fill('null')") + "|httpOut('out')")
    for chunk in chunks_of(GAP)[:4]:
        graph.feed(chunk)
    graph.feed(chunks_of(srpl("a,h=x v=1 1", "a,h=x v=3 3"))[1])
    assert graph.ctx.http["out"]["series"][0]["columns"] == ["time", "a.v", "b.v"]
    assert graph.ctx.http["out"]["series"][0]["values"][0][1:] == [3.0, 30.0]


def test_unexpected_fill_option_refuses_the_task():
    with pytest.raises(JoinFillError, match="unexpected fill option linear"):
        build(JOIN.format(props=".fill('linear')"))


def test_tolerance_rounds_times_and_stream_name():
    # 1s and 2s both round to 0s at a 5s tolerance (Go rounds halfway up, from year 1)
    data = srpl("a,h=x v=1 1", "b,h=x v=10 2")
    cap, _ = run_capture(JOIN.format(props=".tolerance(5s).streamName('ab')"), data, "join4")
    assert joined(cap) == [(REBASE_NS, "ab", {"h": "x"}, {"a.v": 1.0, "b.v": 10.0})]


def test_delimiter():
    cap, _ = run_capture(JOIN.format(props=".delimiter('_')"), srpl("a,h=x v=1 1", "b,h=x v=10 1"), "join4")
    assert joined(cap)[0][3] == {"a_v": 1.0, "b_v": 10.0}


def test_groups_join_separately_and_tags_are_the_group_tags():
    data = srpl("a,h=x,o=1 v=1 1", "a,h=y,o=2 v=2 1", "b,h=y,o=3 v=20 1", "b,h=x,o=4 v=10 1")
    cap, graph = run_capture(JOIN.format(props=""), data, "join4")
    assert joined(cap) == [
        (t(1), "a", {"h": "y"}, {"a.v": 2.0, "b.v": 20.0}),
        (t(1), "a", {"h": "x"}, {"a.v": 1.0, "b.v": 10.0}),
    ]
    assert graph.nodes["join4"].stats.cardinality == 2


ON = """
var building = stream|from().measurement('building_power').groupBy('building')
var floor = stream|from().measurement('floor_power').groupBy('building', 'floor')
building|join(floor).as('building', 'floor').on('building')
"""


def test_on_joins_a_less_specific_group_with_each_specific_one():
    # the building point is cached as the match; each floor point (more dimensions) finds it
    # with the same time and takes it with the floor's group tags
    data = srpl("building_power,building=shack value=100 1",
                "floor_power,building=shack,floor=1 value=40 1",
                "floor_power,building=shack,floor=2 value=60 1",
                "building_power,building=shack value=110 2",
                "floor_power,building=shack,floor=1 value=45 2")
    cap, _ = run_capture(ON, data, "join4")
    f1, f2 = {"building": "shack", "floor": "1"}, {"building": "shack", "floor": "2"}
    assert joined(cap) == [
        (t(1), "building_power", f1, {"building.value": 100.0, "floor.value": 40.0}),
        (t(1), "building_power", f2, {"building.value": 100.0, "floor.value": 60.0}),
        (t(2), "building_power", f1, {"building.value": 110.0, "floor.value": 45.0}),
    ]


def test_on_sends_a_specific_point_alone_once_no_match_can_come():
    # floor@1 arrives before any building point: cached as specific.  building@2 moves the
    # building low mark to 2 and floor's is 1: the low mark is 1, nothing goes.  floor@3 moves
    # the low mark to 2: floor@1 (before 2) goes alone to its group, where with fill null it
    # waits: the group's heads are (none, 1).  A barrier on the building port moves only one
    # head; one on the floor port too, and every head is past 1: the set goes, incomplete.
    data = srpl("floor_power,building=shack,floor=1 value=40 1",
                "building_power,building=shack value=110 2",
                "floor_power,building=shack,floor=1 value=41 3")
    cap, graph = run_capture(ON + ".fill('null')", data, "join4")
    assert joined(cap) == []
    node = graph.nodes["join4"]
    group = "building=shack,floor=1"
    node.receive(node.barrier, Barrier(group, Dimensions(("building", "floor")), {}, t(5)), 0)
    assert joined(cap) == []
    node.receive(node.barrier, Barrier(group, Dimensions(("building", "floor")), {}, t(5)), 1)
    assert joined(cap) == [
        (t(1), "floor_power", {"building": "shack", "floor": "1"}, {"building.value": None, "floor.value": 40.0}),
    ]
    assert cap.messages[-1] == ("barrier", (group, t(5)))


def test_barrier_moves_a_head_and_flushes_incomplete_sets():
    cap, graph = run_capture(JOIN.format(props=".fill('null')"), srpl("a,h=x v=1 1", "b,h=x v=10 1",
                                                                      "a,h=x v=2 2"), "join4")
    assert len(cap.points()) == 1
    node = graph.nodes["join4"]
    # heads (2, 1): a barrier of b at 3 leaves a's head at the oldest time 2: nothing moves
    node.receive(node.barrier, Barrier("h=x", Dimensions(("h",)), {"h": "x"}, t(3)), 1)
    assert len(cap.points()) == 1
    node.receive(node.barrier, Barrier("h=x", Dimensions(("h",)), {"h": "x"}, t(3)), 0)
    assert joined(cap)[1] == (t(2), "a", {"h": "x"}, {"a.v": 2.0, "b.v": None})
    assert cap.messages[-1] == ("barrier", ("h=x", t(3)))


@pytest.mark.parametrize("delete_all", [False, True])
def test_delete_group_drops_pending_sets_and_is_forwarded(delete_all):
    props = ".fill('null')" + (".deleteAll(TRUE)" if delete_all else "")
    _, graph = build(JOIN.format(props=props))
    cap = attach(graph, "join4")
    chunks = chunks_of(GAP)
    for chunk in chunks[:3]:  # a@1 b@1 (joined), a@2 pending
        graph.feed(chunk)
    node = graph.nodes["join4"]
    node.receive(node.delete_group, DeleteGroup("h=x"), 0)
    assert node.stats.cardinality == 0
    for chunk in chunks[3:]:
        graph.feed(chunk)
    # the pending set @2 is gone: only @1 and @3 ever leave
    assert [p[0] for p in cap.points()] == [t(1), t(3)]
    assert ("delete", "h=x") in cap.messages


def test_join_cardinality():
    """``TestStream_JoinCardinality`` (its expected join4 statistics)."""
    script = """
var s1 = stream
    |from()
        .measurement('cpu')
        .groupBy('host')

var s2 = stream
    |from()
        .measurement('cpu')
        .groupBy('cpu')

s2|join(s1)
   .as('s1','s2')
"""
    _, graph = build(script)
    for chunk in chunks_of((DATA / "TestStream_Cardinality.srpl").read_text()):
        graph.feed(chunk)
    stats = graph.node_stats()["join4"]
    assert stats["working_cardinality"] == 10
    assert stats["collected"] == 180


def _batch(name, tags, tmax, rows):
    s = Series.make(name, tags, Dimensions(tuple(sorted(tags))))
    pts = Points.from_rows([(tm, s, f) for tm, f in rows])
    return Batch(name, group_id(name, tags, s.dims), tags, s.dims, tmax, pts)


@pytest.mark.parametrize(("fill", "second"), [("", None), (".fill('null')", {"a.v": 2.0, "b.v": None})])
def test_batches_join_point_by_point(fill, second):
    # batches are fed straight into a join of two parents (as two windows would send them)
    _, graph = build(JOIN.format(props=fill))
    node = graph.nodes["join4"]
    cap = attach(graph, "join4")
    tmax = t(10)
    node.receive_batch(_batch("a", {"h": "x"}, tmax, [(t(8), {"v": 1.0}), (t(9), {"v": 2.0})]), 0)
    assert cap.messages == []
    node.receive_batch(_batch("b", {"h": "x"}, tmax, [(t(8), {"v": 10.0})]), 1)
    (kind, (name, group, tags, btime, rows)), = cap.messages
    assert (kind, name, group, tags, btime) == ("batch", "a", "h=x", {"h": "x"}, tmax)
    want = [(t(8), "a", {"h": "x"}, {"a.v": 1.0, "b.v": 10.0})]
    if second is not None:
        want.append((t(9), "a", {"h": "x"}, second))
    assert rows == want


def test_join_state_survives_a_restart_at_every_point():
    data = srpl("a,h=x v=1 1", "b,h=y v=5 1", "b,h=x v=10 1", "a,h=x v=2 2", "a,h=y v=6 2",
                "b,h=x v=30 3", "b,h=y v=7 2", "a,h=x v=3 3", "a,h=y v=8 4", "b,h=y v=9 4")
    script = JOIN.format(props=".fill('null')")
    whole, _ = run_capture(script, data, "join4")
    assert len(whole.points()) == 6
    for cut in range(1, 10):
        again, _ = feed_with_restart(script, data, "join4", cut)
        assert again.messages == whole.messages, cut


def test_join_on_state_survives_a_restart():
    data = srpl("floor_power,building=shack,floor=1 value=40 1",
                "building_power,building=shack value=100 1",
                "floor_power,building=shack,floor=2 value=60 1",
                "building_power,building=shack value=110 2",
                "floor_power,building=shack,floor=1 value=45 2",
                "floor_power,building=shack,floor=2 value=65 3",
                "building_power,building=shack value=120 3")
    whole, _ = run_capture(ON, data, "join4")
    assert len(whole.points()) == 4
    for cut in range(1, 7):
        again, _ = feed_with_restart(ON, data, "join4", cut)
        assert again.messages == whole.messages, cut


UNION = """
var a = stream|from().measurement('a')
var b = stream|from().measurement('b')
a|union(b){props}
"""


def test_union_waits_for_every_parent_then_emits_in_time_order():
    # a@1 a@3 wait (b never seen); b@2 -> mark 1: a@1 leaves; then mark = min(3, 2): b@2 leaves,
    # then mark 3 (b's low mark stays 2 < 3, so mark 2): nothing more.  b@4 -> a@3 then stop.
    data = srpl("a v=1 1", "a v=3 3", "b v=2 2", "b v=4 4")
    cap, _ = run_capture(UNION.format(props=".rename('u')"), data, "union4")
    assert [(p[0], p[1], p[4]) for p in cap.points()] == [
        (t(1), "u", {"v": 1.0}), (t(2), "u", {"v": 2.0}), (t(3), "u", {"v": 3.0})]


def test_union_state_survives_a_restart():
    data = srpl("a v=1 1", "a v=3 3", "b v=2 2", "b v=4 4", "a v=5 5", "b v=6 6", "a v=7 7")
    script = UNION.format(props="")
    whole, _ = run_capture(script, data, "union4")
    for cut in range(1, 7):
        again, _ = feed_with_restart(script, data, "union4", cut)
        assert again.messages == whole.messages, cut


def test_union_forwards_deletes_and_orders_barriers():
    _, graph = build(UNION.format(props=""))
    cap = attach(graph, "union4")
    node = graph.nodes["union4"]
    node.receive(node.delete_group, DeleteGroup("g"), 1)
    assert cap.messages == [("delete", "g")]
    node.receive(node.barrier, Barrier("", Dimensions(), {}, t(5)), 0)
    assert cap.messages == [("delete", "g")]  # waits for parent 1
    node.receive(node.barrier, Barrier("", Dimensions(), {}, t(4)), 1)
    assert [m for m in cap.messages if m[0] == "barrier"] == [("barrier", ("", t(4)))]
    assert np.array_equal(node.low_marks, [t(5), t(4)])


def test_empty_delimiter_is_allowed_for_join_not_for_combine():
    # pipeline/join.go skips the prefix check for an empty delimiter; pipeline/combine.go does not
    cap, _ = run_capture(JOIN.format(props=".delimiter('')"), srpl("a,h=x v=1 1", "b,h=x v=10 1"), "join4")
    assert joined(cap)[0][3] == {"av": 1.0, "bv": 10.0}
    with pytest.raises(TickEvalError, match="cannot use name a as field prefix, it contains the delimiter character"):
        build("stream|from()|combine(lambda: TRUE, lambda: TRUE).as('a', 'b').delimiter('')")


def test_union_orders_batches_by_their_time_and_renames_them():
    _, graph = build(UNION.format(props=".rename('u')"))
    cap = attach(graph, "union4")
    node = graph.nodes["union4"]
    node.receive_batch(_batch("a", {"h": "x"}, t(10), [(t(9), {"v": 1.0})]), 0)
    node.receive_batch(_batch("a", {"h": "x"}, t(20), [(t(19), {"v": 2.0})]), 0)
    assert cap.messages == []
    node.receive_batch(_batch("b", {"h": "x"}, t(15), [(t(14), {"v": 3.0})]), 1)
    assert [(m[0], m[1], m[3]) for _, m in cap.messages] == [("u", "h=x", t(10)), ("u", "h=x", t(15))]
    assert cap.messages[0][1][4] == [(t(9), "u", {"h": "x"}, {"v": 1.0})]


@pytest.mark.parametrize(("fill", "want"), [("", []), (".fill(0)", [(t(4), {"a.v": 4.0, "b.v": 0}),
                                                                    (t(5), {"a.v": 0, "b.v": 50.0})])])
def test_finish_emits_every_set_left_when_the_task_stops(fill, want):
    # Kapacitor's JoinNode.Finish: emit(false) until no set is left, incomplete ones included
    data = srpl("a,h=x v=1 1", "b,h=x v=10 1", "a,h=x v=4 4", "b,h=x v=50 5")
    cap, graph = run_capture(JOIN.format(props=fill), data, "join4")
    assert len(cap.points()) == 1
    graph.finish()
    assert [(p[0], p[4]) for p in cap.points()[1:]] == want
    assert all(not g["sets"] for g in graph.nodes["join4"].groups.values())


def test_union_finish_drains_its_queues_in_time_order():
    cap, graph = run_capture(UNION.format(props=""), srpl("a v=1 1", "a v=3 3", "a v=2 2"), "union4")
    assert cap.messages == []   # parent b never seen
    graph.finish()
    assert [p[0] for p in cap.points()] == [t(1), t(3), t(2)]
