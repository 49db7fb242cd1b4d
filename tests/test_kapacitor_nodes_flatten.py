"""``flatten`` and ``combine`` on small streams (``flatten.go``, ``combine.go``)."""
import pytest
from kapacitor_capture import chunks_of, feed_with_restart, run_capture
from kapacitor_harness import build
from kstream_cases import DATA

from machstore.kapacitor.nodes.combine import CombinationError
from machstore.kapacitor.points import Barrier, DeleteGroup, Dimensions
from machstore.kapacitor.replay import REBASE_NS

S = 10**9


def srpl(*lines):
    return "".join(f"dbname\nrpname\n{line}\n" for line in lines)


def t(sec):
    return REBASE_NS + (sec - 1) * S


FLAT = "stream|from().measurement('m').groupBy('dc')|flatten().on('svc', 'host'){props}"


def test_flatten_emits_a_time_when_the_next_one_starts():
    data = srpl("m,dc=A,svc=a,host=h1 v=1 1", "m,dc=A,svc=b,host=h1 v=2 1", "m,dc=B,svc=a,host=h1 v=9 1",
                "m,dc=A,svc=a,host=h1 v=3 2")
    cap, graph = run_capture(FLAT.format(props=""), data, "flatten2")
    assert [(p[0], p[1], p[2], p[4]) for p in cap.points()] == [
        (t(1), "m", {"dc": "A"}, {"a.h1.v": 1.0, "b.h1.v": 2.0})]
    node = graph.nodes["flatten2"]
    # a barrier past the buffered time flushes it, then goes on
    node.receive(node.barrier, Barrier("dc=B", Dimensions(("dc",)), {"dc": "B"}, t(2)), 0)
    assert cap.messages[-2:] == [("point", (t(1), "m", {"dc": "B"}, "dc=B", {"a.h1.v": 9.0})),
                                 ("barrier", ("dc=B", t(2)))]


def test_flatten_tolerance_delimiter_and_drop_original_field_name():
    data = srpl("m,dc=A,svc=a,host=h1 v=1 1", "m,dc=A,svc=b,host=h2 v=2 2", "m,dc=A,svc=a,host=h1 v=3 9")
    cap, _ = run_capture(FLAT.format(props=".tolerance(5s).delimiter('_').dropOriginalFieldName()"), data,
                         "flatten2")
    assert [(p[0], p[4]) for p in cap.points()] == [(REBASE_NS, {"a_h1": 1.0, "b_h2": 2.0})]


def test_flatten_missing_tag_skips_the_point_and_keeps_its_partial_prefix():
    # Kapacitor does not reset its prefix buffer when it skips a point: "a" stays in front
    # (and the next tag value follows it without a delimiter: it is that point's first tag)
    data = srpl("m,dc=A,svc=a v=1 1", "m,dc=A,svc=b,host=h2 v=2 1", "m,dc=A,svc=c,host=h3 v=3 2")
    cap, graph = run_capture(FLAT.format(props=""), data, "flatten2")
    assert [p[4] for p in cap.points()] == [{"ab.h2.v": 2.0}]
    assert graph.ctx.logs[0][2] == "point missing tag for flatten operation: tag host is missing from point"


def test_flatten_delete_drops_the_buffer_and_state_survives_a_restart():
    data = srpl("m,dc=A,svc=a,host=h1 v=1 1", "m,dc=B,svc=a,host=h1 v=9 1", "m,dc=A,svc=b,host=h1 v=2 1",
                "m,dc=A,svc=a,host=h1 v=3 2", "m,dc=B,svc=a,host=h1 v=8 3", "m,dc=A,svc=a,host=h1 v=4 3")
    script = FLAT.format(props="")
    whole, graph = run_capture(script, data, "flatten2")
    assert len(whole.points()) == 3
    for cut in range(1, 6):
        again, _ = feed_with_restart(script, data, "flatten2", cut)
        assert again.messages == whole.messages, cut
    node = graph.nodes["flatten2"]
    node.receive(node.delete_group, DeleteGroup("dc=A"), 0)
    assert node.stats.cardinality == 1 and "dc=A" not in node.groups


def test_flatten_cardinality():
    """``TestStream_FlattenCardinality``."""
    _, graph = build("stream|from().measurement('cpu').groupBy('host','cpu')|flatten().on('host','cpu')")
    for chunk in chunks_of((DATA / "TestStream_Cardinality.srpl").read_text()):
        graph.feed(chunk)
    stats = graph.node_stats()["flatten2"]
    assert (stats["working_cardinality"], stats["collected"]) == (9, 90)


COMBINE = ("stream|from().measurement('m').groupBy('dc')"
           "|combine(lambda: \"svc\" == 'a', lambda: TRUE).as('x', 'y'){props}")


def test_combine_pairs_each_combination_in_go_order():
    # combinations of 3 points (a1, b, a2) taken 2: (a1,b) -> x=a1 y=b; (a1,a2) -> x=a1 y=a2;
    # (b,a2) -> x=a2 (first match of lambda 1), y=b
    data = srpl("m,dc=A,svc=a v=1 1", "m,dc=A,svc=b v=2 1", "m,dc=A,svc=a v=3 1", "m,dc=A,svc=a v=4 2")
    cap, _ = run_capture(COMBINE.format(props=""), data, "combine2")
    assert [(p[0], p[2], p[4]) for p in cap.points()] == [
        (t(1), {"dc": "A", "x.svc": "a", "y.svc": "b"}, {"x.v": 1.0, "y.v": 2.0}),
        (t(1), {"dc": "A", "x.svc": "a", "y.svc": "a"}, {"x.v": 1.0, "y.v": 3.0}),
        (t(1), {"dc": "A", "x.svc": "a", "y.svc": "b"}, {"x.v": 3.0, "y.v": 2.0}),
    ]


def test_combine_max_fails_the_task_with_kapacitors_error():
    data = srpl("m,dc=A,svc=a v=1 1", "m,dc=A,svc=b v=2 1", "m,dc=A,svc=a v=3 1", "m,dc=A,svc=a v=4 2")
    with pytest.raises(CombinationError, match="refusing to perform combination as total combinations 3 "
                                               "exceeds max combinations 2"):
        run_capture(COMBINE.format(props=".max(2)"), data, "combine2")


def test_combine_state_survives_a_restart():
    data = srpl("m,dc=A,svc=a v=1 1", "m,dc=B,svc=a v=5 1", "m,dc=A,svc=b v=2 1", "m,dc=B,svc=c v=6 1",
                "m,dc=A,svc=a v=3 2", "m,dc=A,svc=c v=4 2", "m,dc=B,svc=a v=7 3", "m,dc=A,svc=a v=8 3")
    script = COMBINE.format(props=".tolerance(1s)")
    whole, _ = run_capture(script, data, "combine2")
    assert len(whole.points()) == 3
    for cut in range(1, 8):
        again, _ = feed_with_restart(script, data, "combine2", cut)
        assert again.messages == whole.messages, cut


def test_combine_cardinality():
    """``TestStream_CombineCardinality``."""
    _, graph = build("stream|from().measurement('cpu').groupBy('cpu','host')"
                     "|combine(lambda: TRUE, lambda: TRUE).as('total','true')")
    for chunk in chunks_of((DATA / "TestStream_Cardinality.srpl").read_text()):
        graph.feed(chunk)
    stats = graph.node_stats()["combine2"]
    assert (stats["working_cardinality"], stats["collected"]) == (9, 90)
