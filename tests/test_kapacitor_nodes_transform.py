"""``eval``, ``default``, ``delete``, ``shift``, ``sample`` and ``groupBy`` runtimes on hand-made data.

Expected values follow ``eval.go``, ``default.go``, ``delete.go``, ``shift.go``, ``sample.go`` and
``group_by.go`` (fillScope order, stats counted per point and field, batch dimensions).
"""
import pickle

import numpy as np
import pytest
from kapacitor_harness import build

from machstore.kapacitor.node import NodeCreateError
from machstore.kapacitor.points import Batch, Dimensions, Points, Series

S = 10**9


def feed(graph, rows, *, each=True):
    p = Points.from_rows([(int(t * S), s, f) for t, s, f in rows], "db", "rp")
    if each:
        for i in range(p.n):
            graph.feed(p.take(np.array([i])))
    else:
        graph.feed(p)


def capture(graph, prefix):
    node = next(rt for n, rt in graph.nodes.items() if n.startswith(prefix))
    got = []
    node.emit_points = got.append
    node.emit_batch = got.append
    return node, got


def rows_of(got):
    out = []
    for p in got:
        p = p.points if isinstance(p, Batch) else p
        out += [(t // S, dict(s.tags), f) for t, s, f in p.rows()]
    return out


A = Series.make("m", {"host": "a"})
B = Series.make("m", {"host": "b"})


# -- eval -------------------------------------------------------------------------------------

def test_eval_scope_a_later_expression_sees_an_earlier_result_only_under_a_new_name():
    # expression 2 references "value": the point has it, so the scope gets the field back and
    # the output "value" is the original field, not expression 1's result (fillScope order)
    _, graph = build("stream|from()|eval(lambda: \"value\" * 2.0, lambda: \"value\" + 1.0, lambda: \"d\" + 1.0)"
                     ".as('value', 'v2', 'x')|httpOut('o')")
    # "d" is not a field: it is missing -> the point fails on expression 3
    node, got = capture(graph, "eval")
    feed(graph, [(0, A, {"value": 10.0})])
    assert rows_of(got) == []
    assert node.stats.errors == 1
    _, graph = build("stream|from()|eval(lambda: \"value\" * 2.0, lambda: \"double\" + 1.0)"
                     ".as('double', 'v2')|httpOut('o')")
    node, got = capture(graph, "eval")
    feed(graph, [(0, A, {"value": 10.0})])
    assert rows_of(got) == [(0, {"host": "a"}, {"double": 20.0, "v2": 21.0})]
    _, graph = build("stream|from()|eval(lambda: \"value\" * 2.0, lambda: \"value\" + 1.0)"
                     ".as('value', 'v2').keep()|httpOut('o')")
    node, got = capture(graph, "eval")
    feed(graph, [(0, A, {"value": 10.0, "other": 1})])
    assert rows_of(got) == [(0, {"host": "a"}, {"other": 1, "v2": 11.0, "value": 10.0})]


def test_eval_keep_list_tags_and_errors():
    _, graph = build("stream|from()|eval(lambda: string(\"v\"), lambda: \"v\" * 2)"
                     ".as('t', 'w').tags('t').keep('w', 'o')|httpOut('o')")
    _, got = capture(graph, "eval")
    feed(graph, [(0, A, {"v": 1, "o": "x"}), (1, A, {"v": 2})])
    assert rows_of(got) == [(0, {"host": "a", "t": "1"}, {"o": "x", "w": 2})]
    assert [t for _, _, t in graph.ctx.logs] == [
        'error evaluating expression: cannot keep field "o", field does not exist']
    _, graph = build("stream|from()|eval(lambda: \"v\" * 2).as('t').tags('t')|httpOut('o')")
    _, got = capture(graph, "eval")
    feed(graph, [(0, A, {"v": 1})])
    assert rows_of(got) == []
    assert graph.ctx.logs[-1][2] == \
        "error evaluating expression: result of a tag expression must be of type string, got int64"
    _, graph = build("stream|from()|eval(lambda: \"nope\" * 2).as('t').quiet()|httpOut('o')")
    _, got = capture(graph, "eval")
    feed(graph, [(0, A, {"v": 1})])
    assert graph.ctx.logs == [] and rows_of(got) == []


def test_eval_stateful_lambdas_keep_one_state_per_group_across_restarts():
    script = "stream|from().groupBy('host')|eval(lambda: count()).as('n')|httpOut('o')"
    data = [(0, A, {"v": 1}), (1, B, {"v": 1}), (2, A, {"v": 1}), (3, A, {"v": 1}), (4, B, {"v": 1})]
    _, graph = build(script)
    _, ref = capture(graph, "eval")
    feed(graph, data, each=False)
    assert [(t, f["n"]) for t, _, f in rows_of(ref)] == [(0, 1), (1, 1), (2, 2), (3, 3), (4, 2)]
    _, g1 = build(script)
    _, got1 = capture(g1, "eval")
    feed(g1, data[:3])
    _, g2 = build(script)
    g2.restore(pickle.loads(pickle.dumps(g1.state())))
    _, got2 = capture(g2, "eval")
    feed(g2, data[3:])
    assert rows_of(got1) + rows_of(got2) == rows_of(ref)


# -- default / delete ---------------------------------------------------------------------------

def test_default_fields_and_empty_tags_with_stats():
    _, graph = build("stream|from()|default().field('v', 0.0).field('s', 'x').tag('dc', 'eu')|httpOut('o')")
    node, got = capture(graph, "default")
    empty_dc = Series.make("m", {"host": "a", "dc": ""})
    feed(graph, [(0, A, {"v": 1.0}), (1, empty_dc, {"s": "y"})], each=False)
    assert rows_of(got) == [(0, {"host": "a", "dc": "eu"}, {"s": "x", "v": 1.0}),
                            (1, {"host": "a", "dc": "eu"}, {"s": "y", "v": 0.0})]
    assert node.stats.counters == {"fields_defaulted": 2, "tags_defaulted": 2}


def test_default_on_a_batch_defaults_group_tags_and_sets_dimensions():
    _, graph = build("stream|from()|window().period(1s)|default().tag('dc', 'eu').field('f', 1)|httpOut('o')")
    node, got = capture(graph, "default")
    node.receive_batch(Batch("m", "", {}, Dimensions(), 5, Points.from_rows([(5, A, {"v": 1.0})])), 0)
    b = got[0]
    assert b.tags == {"dc": "eu"} and b.dims.tag_names == ("dc",) and b.group == "dc=eu"
    # the batch header's empty fields are defaulted too (Kapacitor counts them)
    assert node.stats.counters == {"fields_defaulted": 2, "tags_defaulted": 2}


def test_delete_fields_tags_and_stream_dimensions():
    _, graph = build("stream|from().groupBy('host', 'dc')|delete().field('v').tag('dc')|httpOut('o')")
    node, got = capture(graph, "delete")
    s = Series.make("m", {"host": "a", "dc": "x"})
    feed(graph, [(0, s, {"v": 1.0, "w": 2.0}), (1, A, {"w": 3.0})], each=False)
    out = got[0]
    assert [out.series_of(i).tags for i in range(out.n)] == [{"host": "a"}, {"host": "a"}]
    assert out.series_of(0).dims.tag_names == ("host",) and out.series_of(0).group == "host=a"
    assert rows_of(got) == [(0, {"host": "a"}, {"w": 2.0}), (1, {"host": "a"}, {"w": 3.0})]
    assert node.stats.counters == {"fields_deleted": 1, "tags_deleted": 1}


# -- shift / sample -------------------------------------------------------------------------------

def test_shift_points_and_batches_and_zero_refused():
    _, graph = build("stream|from()|shift(-2s)|httpOut('o')")
    _, got = capture(graph, "shift")
    feed(graph, [(5, A, {"v": 1.0})])
    assert rows_of(got)[0][0] == 3
    _, graph = build("stream|from()|window().period(1s)|shift(1m)|httpOut('o')")
    node, got = capture(graph, "shift")
    node.receive_batch(Batch("m", "", {}, Dimensions(), 10 * S, Points.from_rows([(9 * S, A, {"v": 1.0})])), 0)
    assert got[0].tmax == 70 * S and got[0].points.time.tolist() == [69 * S]
    with pytest.raises(NodeCreateError, match="invalid shift value: must be non zero duration"):
        build("stream|from()|shift(0s)|httpOut('o')")


def test_sample_count_per_group_and_duration_with_state():
    data = [(0, A, {"v": 0}), (1, B, {"v": 1}), (2, A, {"v": 2}), (3, A, {"v": 3}), (4, B, {"v": 4}),
            (5, A, {"v": 5}), (6, B, {"v": 6})]
    script = "stream|from().groupBy('host')|sample(2)|httpOut('o')"
    _, graph = build(script)
    _, ref = capture(graph, "sample")
    feed(graph, data, each=False)
    # per group the 1st, 3rd, 5th... point: a at 0, 3; b at 1, 6
    assert [t for t, _, _ in rows_of(ref)] == [0, 1, 3, 6]
    _, g1 = build(script)
    _, got1 = capture(g1, "sample")
    feed(g1, data[:3])
    _, g2 = build(script)
    g2.restore(pickle.loads(pickle.dumps(g1.state())))
    _, got2 = capture(g2, "sample")
    feed(g2, data[3:])
    assert rows_of(got1) + rows_of(got2) == rows_of(ref)
    _, graph = build("stream|from()|sample(3s)|httpOut('o')")
    _, got = capture(graph, "sample")
    feed(graph, [(t, A, {"v": t}) for t in (0, 1, 2, 3, 4.5, 6)], each=False)
    assert [t for t, _, _ in rows_of(got)] == [0, 3, 6]


# -- groupBy ------------------------------------------------------------------------------------------

def test_group_by_star_exclude_by_measurement_on_stream():
    _, graph = build("stream|from()|groupBy(*).exclude('dc').byMeasurement()|httpOut('o')")
    _, got = capture(graph, "groupby")
    s = Series.make("m", {"host": "a", "dc": "x", "z": "1"})
    feed(graph, [(0, s, {"v": 1.0})])
    out = got[0].series_of(0)
    assert out.dims == Dimensions(("host", "z"), True) and out.group == "m\nhost=a,z=1"


def test_group_by_on_batches_merges_equal_times_and_releases_on_the_next_time():
    _, graph = build("stream|from().groupBy('host')|window().period(10s).every(10s)|groupBy('dc')|httpOut('o')")
    node, got = capture(graph, "groupby")
    ax, bx, by = (Series.make("m", {"host": h, "dc": d}) for h, d in (("a", "x"), ("b", "x"), ("b", "y")))

    def batch(tmax, rows):
        p = Points.from_rows([(int(t * S), s, {"v": v}) for t, s, v in rows])
        return Batch("m", "", {}, Dimensions(("host",)), tmax * S, p)

    node.receive_batch(batch(10, [(3, ax, 1.0)]), 0)
    node.receive_batch(batch(10, [(1, bx, 2.0), (2, by, 3.0)]), 0)
    assert got == []
    node.receive_batch(batch(20, [(11, ax, 4.0)]), 0)
    assert [(b.group, b.tags, b.tmax // S, b.points.time.tolist()) for b in got] == [
        ("dc=x", {"dc": "x"}, 10, [1 * S, 3 * S]), ("dc=y", {"dc": "y"}, 10, [2 * S])]
    saved = pickle.loads(pickle.dumps(graph.state()))
    _, graph2 = build("stream|from().groupBy('host')|window().period(10s).every(10s)|groupBy('dc')|httpOut('o')")
    graph2.restore(saved)
    node2, got2 = capture(graph2, "groupby")
    node2.receive_batch(batch(30, []), 0)
    assert [(b.group, b.tmax // S) for b in got2] == [("dc=x", 20)]


def test_default_fills_null_values_and_types_the_column_again():
    # a join's .fill('null') leaves fields present with a nil value: Kapacitor's default sees nil
    from machstore.kapacitor.points import Field
    _, graph = build("stream|from()|default().field('v', 0.0)|eval(lambda: \"v\" + 1.0).as('w')|httpOut('o')")
    node, got = capture(graph, "eval")
    vals = np.array([1.5, None], dtype=object)
    pts = Points(np.array([0, S]), np.zeros(2, dtype=np.int32), [A], {"v": Field(vals, np.ones(2, dtype=bool))})
    graph.feed(pts)
    assert rows_of(got) == [(0, {"host": "a"}, {"w": 2.5}), (1, {"host": "a"}, {"w": 1.0})]
    assert graph.nodes["default2"].stats.counters["fields_defaulted"] == 1
    assert node.stats.errors == 0
