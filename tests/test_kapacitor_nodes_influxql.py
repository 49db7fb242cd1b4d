"""InfluxQL function node runtimes: stream and batch edges, errors, Kapacitor's reducer quirks.

Expected values are worked out from ``influxql.go`` / ``influxql.gen.go.tmpl`` and InfluxDB's
reducers (arrival order, ZeroTime vs point times), not read off our output.
"""
import math
import pickle

import numpy as np
from kapacitor_harness import build

from machstore.kapacitor.points import Points, Series

S = 10**9
A = Series.make("cpu", {"host": "a", "dc": "x"})


def pts(rows, series=A):
    """``rows``: (seconds, {fields}) in arrival order."""
    return Points.from_rows([(int(t * S), series, f) for t, f in rows], "db", "rp")


def run(script, rows, *, each=True):
    ctx, graph = build(f"stream|from(){script}|httpOut('out')")
    p = pts(rows) if not isinstance(rows, Points) else rows
    if each:
        for i in range(p.n):
            graph.feed(p.take(np.array([i])))
    else:
        graph.feed(p)
    return ctx, graph


def values(ctx):
    res = ctx.http.get("out", {"series": None})["series"]
    return None if res is None else [(r.get("tags"), r["columns"], r["values"]) for r in res]


def test_stream_edge_reduces_equal_times_and_emits_on_another_time():
    rows = [(1, {"v": 1.0}), (1, {"v": 3.0}), (2, {"v": 10.0}), (1, {"v": 7.0})]
    ctx, graph = run("|mean('v')", rows)
    # the time-1 group is emitted when 2 arrives; the time-2 group when the older 1 arrives
    mean = next(rt for n, rt in graph.nodes.items() if n.startswith("mean"))
    assert mean.stats.emitted == 2
    assert values(ctx) == [(None, ["time", "mean"], [["1970-01-01T00:00:02Z", 10.0]])]


def test_missing_and_mistyped_fields_are_logged_with_kapacitors_texts():
    rows = [(1, {"w": 1.0}), (1, {"v": 2.0}), (1, {"w": 5.0}), (1, {"v": "x"}), (1, {"v": 4.0}), (2, {"v": 0.0})]
    ctx, _ = run("|sum('v')", rows)
    assert values(ctx)[0][2] == [["1970-01-01T00:00:01Z", 6.0]]
    texts = [t for _, _, t in ctx.logs]
    assert texts == [
        'failed to realize reduce context from fields: field "v" missing from point',
        "failed to aggregate point: field v missing from point cannot aggregate",
        "failed to aggregate point: field v has wrong type: got string exp float64",
    ]


def test_unsupported_type_is_a_realize_error_and_a_later_point_may_realize():
    rows = [(1, {"v": "s"}), (1, {"v": 2}), (1, {"v": 4}), (2, {"v": 1})]
    ctx, _ = run("|mean('v')", rows)
    assert values(ctx)[0][2] == [["1970-01-01T00:00:01Z", 3.0]]
    assert [t for _, _, t in ctx.logs] == [
        ("failed to realize reduce context from fields: invalid influxql func mean with field v: "
         "cannot apply mean to string field")]


def test_selectors_keep_the_chosen_points_fields_and_tags_and_rename():
    rows = [(0, {"v": 5.0, "other": "a"}), (1, {"v": 9.0, "other": "b"}), (2, {"v": 9.0, "other": "c"}),
            (10, {"v": 0.0})]
    ctx, _ = run("|window().period(10s).every(10s)|max('v').as('top_v')", rows)
    assert values(ctx) == [({"dc": "x", "host": "a"}, ["time", "other", "top_v"],
                            [["1970-01-01T00:00:10Z", "b", 9.0]])]
    ctx, _ = run("|window().period(10s).every(10s)|max('v').usePointTimes()", rows)
    assert values(ctx)[0][2] == [["1970-01-01T00:00:01Z", 9.0, "b"]]


def test_first_last_break_time_ties_by_larger_value():
    rows = [(3, {"v": 1.0}), (1, {"v": 2.0}), (1, {"v": 8.0}), (3, {"v": 4.0}), (20, {"v": 0.0})]
    for fn, want in (("first", ["1970-01-01T00:00:01Z", 8.0]), ("last", ["1970-01-01T00:00:03Z", 4.0])):
        ctx, _ = run(f"|window().period(10s).every(10s)|{fn}('v').usePointTimes()", rows)
        assert values(ctx)[0][2] == [want], fn


def test_median_mode_stddev_quirks():
    rows = [(0, {"v": 1.0}), (1, {"v": 2.0}), (10, {"v": 0.0})]
    ctx, _ = run("|window().period(10s).every(10s)|median('v')", rows)
    assert values(ctx)[0][2] == [["1970-01-01T00:00:10Z", 1.5]]
    # one point: the reducer returns the point itself, so usePointTimes shows its time
    one = [(3, {"v": 7.0}), (13, {"v": 0.0})]
    ctx, _ = run("|window().period(10s).every(10s)|median('v').usePointTimes()", one)
    assert values(ctx)[0][2] == [["1970-01-01T00:00:03Z", 7.0]]
    # sum's reducer starts from a point at time 0: usePointTimes shows the epoch
    ctx, _ = run("|window().period(10s).every(10s)|sum('v').usePointTimes()", one)
    assert values(ctx)[0][2] == [["1970-01-01T00:00:00Z", 7.0]]
    ctx, graph = run("|window().period(10s).every(10s)|stddev('v')", one)
    node = next(rt for n, rt in graph.nodes.items() if n.startswith("stddev"))
    assert node.stats.emitted == 1
    got = []
    node.emit_points = got.append
    node.receive_batch(_batch_of([5.0]), 0)
    assert math.isnan(got[0].fields["stddev"].values[0])
    rows = [(0, {"v": 3}), (1, {"v": 1}), (2, {"v": 3}), (3, {"v": 1}), (4, {"v": 2}), (10, {"v": 0})]
    ctx, _ = run("|window().period(10s).every(10s)|mode('v')", rows)
    # 1 and 3 both twice: 3 takes over because its first point (t=0) is not after the last
    # point counted for 1 (t=3) -- InfluxDB's ModeReduceSlice tie rule, not "smallest wins"
    assert values(ctx)[0][2] == [["1970-01-01T00:00:10Z", 3]]


def _batch_of(vals):
    from machstore.kapacitor.points import Batch
    p = pts([(i, {"v": v}) for i, v in enumerate(vals)])
    return Batch("cpu", "", {}, A.dims, 10 * S, p)


def test_empty_batches_count_and_sum_emit_zero_others_nothing():
    from machstore.kapacitor.points import Batch
    empty = Batch("cpu", "", {}, A.dims, 10 * S, Points.empty())
    for fn, want in (("count", 0), ("sum", 0.0), ("mean", None)):
        _, graph = build(f"stream|from()|window().period(10s)|{fn}('v')|httpOut('out')")
        node = next(rt for n, rt in graph.nodes.items() if n.startswith(fn))
        got = []
        node.emit_points = got.append
        node.receive_batch(empty, 0)
        if want is None:
            assert got == []
        else:
            assert got[0].row_fields(0) == {fn: want} and got[0].time[0] == 10 * S


def test_top_bottom_order_ties_and_point_tags():
    b = Series.make("cpu", {"host": "b", "dc": "x"})
    p = Points.from_rows([(0, A, {"v": 5.0}), (S, b, {"v": 9.0}), (2 * S, A, {"v": 9.0}),
                          (3 * S, b, {"v": 1.0}), (10 * S, A, {"v": 0.0})])
    ctx, _ = run("|window().period(10s).every(10s)|top(2, 'v', 'host')", p)
    # equal values: the earlier point first; the points' own tags go out with them
    assert values(ctx) == [(None, ["time", "dc", "host", "top"],
                            [["1970-01-01T00:00:10Z", "x", "b", 9.0], ["1970-01-01T00:00:10Z", "x", "a", 9.0]])]
    ctx, _ = run("|window().period(10s).every(10s)|bottom(2, 'v').usePointTimes()", p)
    assert values(ctx)[0][2] == [["1970-01-01T00:00:03Z", 1.0, "x", "b"], ["1970-01-01T00:00:00Z", 5.0, "x", "a"]]


def test_stream_transformations_and_state_round_trip():
    rows = [(0, {"v": 1.0}), (1, {"v": 3.0}), (1, {"v": 100.0}), (2, {"w": 0.0}), (4, {"v": 10.0}), (6, {"v": 4.0})]
    want = {
        # equal-time point skipped; the field-less point emits nothing (prev was read)
        "difference('v')": [[1, 2.0], [4, 7.0], [6, -6.0]],
        # every point after the first; the field-less point re-emits the last elapsed
        "elapsed('v', 1s)": [[1, 1], [1, 0], [1, 0], [4, 3], [6, 2]],
        "cumulativeSum('v')": [[0, 1.0], [1, 4.0], [1, 104.0], [1, 104.0], [4, 114.0], [6, 118.0]],
        "movingAverage('v', 2)": [[1, 2.0], [1, 51.5], [1, 51.5], [4, 55.0], [6, 7.0]],
    }
    for call, expected in want.items():
        p = pts(rows)
        got_all = []
        for split in (None, 3):
            _, graph = build(f"stream|from()|{call}|httpOut('out')")
            node = next(rt for n, rt in graph.nodes.items() if n not in ("stream0", "from1", "http_out3"))
            seen = []
            node.emit_points = lambda x, seen=seen: seen.extend((t // S, v) for t, _, f in x.rows() for v in f.values())
            if split is None:
                for i in range(p.n):
                    graph.feed(p.take(np.array([i])))
            else:
                graph.feed(p.take(np.arange(split)))
                saved = pickle.loads(pickle.dumps(graph.state()))
                _, graph2 = build(f"stream|from()|{call}|httpOut('out')")
                graph2.restore(saved)
                node2 = graph2.nodes[node.name]
                node2.emit_points = node.emit_points
                graph2.feed(p.take(np.arange(split, p.n)))
            got_all.append([[t, v] for t, v in seen])
        assert got_all[0] == expected, call
        assert got_all[1] == expected, call


def test_transformation_on_batch_edge_resets_per_batch():
    rows = [(0, {"v": 1.0}), (1, {"v": 3.0}), (10, {"v": 5.0}), (11, {"v": 6.0}), (20, {"v": 0.0})]
    ctx, _ = run("|window().period(10s).every(10s)|difference('v')", rows)
    assert values(ctx) == [(None, ["time", "difference"], [["1970-01-01T00:00:11Z", 1.0]])]


def test_stream_reduction_state_round_trip():
    rows = [(1, {"v": 1.0}), (1, {"v": 3.0}), (2, {"v": 10.0}), (2, {"v": 20.0}), (3, {"v": 0.0})]
    _, graph = run("|mean('v')", [rows[0], rows[1], rows[2]])
    saved = pickle.loads(pickle.dumps(graph.state()))
    ctx2, graph2 = build("stream|from()|mean('v')|httpOut('out')")
    graph2.restore(saved)
    for r in rows[3:]:
        graph2.feed(pts([r]))
    assert values(ctx2) == [(None, ["time", "mean"], [["1970-01-01T00:00:02Z", 15.0]])]


def test_distinct_is_a_batch_of_first_seen_values_in_time_order():
    rows = [(3, {"v": 2.0}), (1, {"v": 5.0}), (2, {"v": 2.0}), (20, {"v": 0.0})]
    ctx, _ = run("|window().period(10s).every(10s)|distinct('v')", rows)
    assert values(ctx)[0][2] == [["1970-01-01T00:00:13Z", 5.0], ["1970-01-01T00:00:13Z", 2.0]]


def test_transformations_whole_chunks_equal_point_by_point():
    # the column paths (every row has the field) against the row walk, on repeated times,
    # out-of-order times and integer overflow, with the state carried across chunks
    rng = np.random.default_rng(7)
    t = np.sort(rng.integers(0, 40, 60)).astype(float)
    t[[10, 30]] = t[[30, 10]]
    ints = [{"v": int(x)} for x in rng.integers(-2**62, 2**62, 60)]
    floats = [{"v": float(x)} for x in rng.normal(0, 1e6, 60)]
    for call in ("difference('v')", "elapsed('v', 2s)", "cumulativeSum('v')", "movingAverage('v', 3)"):
        for fields in (ints, floats):
            rows = list(zip(t.tolist(), fields))
            results = []
            for chunks in ([1] * 60, [60], [7, 20, 33]):
                _, graph = build(f"stream|from()|{call}|httpOut('out')")
                node = next(rt for n, rt in graph.nodes.items() if n not in ("stream0", "from1", "http_out3"))
                seen = []
                node.emit_points = lambda x, seen=seen: seen.extend((t_, f) for t_, _, f in x.rows())
                p, at = pts(rows), 0
                for size in chunks:
                    graph.feed(p.take(np.arange(at, at + size)))
                    at += size
                results.append(seen)
            assert results[0] == results[1] == results[2], call
            assert len(results[0]) > 20
