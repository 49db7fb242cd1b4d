"""``window()`` runtime: Kapacitor 1.7 ``window.go`` semantics on hand-made streams.

Each test feeds ``Points`` (one per call, or several rows per chunk) and looks at the batches a
``noop``-like capture child received; expected values follow ``window.go`` step by step.
"""
import pickle

import numpy as np
import pytest
from kapacitor_harness import build

from machstore.kapacitor.node import NodeCreateError
from machstore.kapacitor.points import Barrier, Points, Series

S = 10**9
CPU = Series.make("cpu", {"host": "a"})


def chunk(times_s, values=None, series=None, *, field="value"):
    """Rows at ``times_s`` (seconds, floats allowed) of one or more series."""
    series = series or [CPU] * len(times_s)
    values = values if values is not None else [float(i) for i in range(len(times_s))]
    return Points.from_rows([(int(t * S), s, {field: v}) for t, s, v in zip(times_s, series, values)], "db", "rp")


def window_graph(props: str, groupby: str = ""):
    ctx, graph = build(f"stream|from(){groupby}|window(){props}|httpOut('out')")
    captured = []
    win = next(rt for name, rt in graph.nodes.items() if name.startswith("window"))
    win.emit_batch = captured.append
    win.emit_batches = lambda bs: captured.extend(bs.unroll())   # a grouped chunk's windows at once
    return ctx, graph, win, captured


def feed_each(graph, pts):
    for i in range(pts.n):
        graph.feed(pts.take(np.array([i])))


def times(b):
    return (b.points.time / S).tolist()


def test_every_left_closed_window_late_point_kept_equal_time_goes_next():
    _, graph, _, out = window_graph(".period(10s).every(10s)")
    # 5 arrives late (after 7): still in the window; 10 is at the next emit time: next window
    feed_each(graph, chunk([0, 7, 5, 9, 10, 12, 20]))
    assert [b.tmax / S for b in out] == [10, 20]
    assert times(out[0]) == [0, 7, 5, 9]
    assert times(out[1]) == [10, 12]
    assert out[0].name == "cpu" and out[0].tags == {} and out[0].group == ""


def test_purge_stops_at_first_kept_point():
    # period 4s every 2s: at t=6 the window is [2, 6): 0 and 1 are purged, 2 stays and so does
    # the late 0.5 that arrived after it (Kapacitor purges from the front only)
    _, graph, _, out = window_graph(".period(4s).every(2s)")
    feed_each(graph, chunk([0, 1, 2, 3, 0.5, 4, 6]))
    assert [b.tmax / S for b in out] == [2, 4, 6]
    assert times(out[0]) == [0, 1]
    assert times(out[1]) == [0, 1, 2, 3, 0.5]
    assert times(out[2]) == [2, 3, 0.5, 4]


def test_next_emit_follows_the_triggering_point_not_the_last_emit():
    _, graph, _, out = window_graph(".period(10s).every(10s)")
    feed_each(graph, chunk([0, 35, 40, 45]))
    # 35 >= 10 emits at 10; next emit is 35 + 10 = 45
    assert [b.tmax / S for b in out] == [10, 45]
    assert times(out[0]) == [0]
    assert times(out[1]) == [35, 40]


def test_align_truncates_next_emit():
    _, graph, _, out = window_graph(".period(10s).every(10s).align()")
    feed_each(graph, chunk([3, 8, 10, 15, 21]))
    assert [b.tmax / S for b in out] == [10, 20]
    assert times(out[0]) == [3, 8]
    assert times(out[1]) == [10, 15]


def test_fill_period_aligned_drops_the_first_partial_period():
    # first point 6: nextEmit = 6 + 14 = 20, truncated to 20 (not after 20) -> 30
    _, graph, _, out = window_graph(".period(14s).every(10s).fillPeriod().align()")
    feed_each(graph, chunk([6, 7, 15, 19, 29, 30]))
    assert [b.tmax / S for b in out] == [30]
    assert times(out[0]) == [19, 29]


def test_every_zero_right_closed_and_late_points_do_not_emit():
    _, graph, _, out = window_graph(".period(3s)")
    feed_each(graph, chunk([0, 1, 2, 1.5, 3, 5]))
    # every point not before the last emit emits (t - 3s, t]; 1.5 is late: buffered, no emit
    assert [b.tmax / S for b in out] == [0, 1, 2, 3, 5]
    assert times(out[3]) == [1, 2, 1.5, 3]
    assert times(out[4]) == [3, 5]


def test_count_windows_overlapping_and_fill_period():
    _, graph, _, out = window_graph(".periodCount(3).everyCount(2)")
    feed_each(graph, chunk([0, 1, 2, 3, 4, 5]))
    assert [times(b) for b in out] == [[0, 1], [1, 2, 3], [3, 4, 5]]
    assert [b.tmax / S for b in out] == [1, 3, 5]
    _, graph, _, out = window_graph(".periodCount(3).everyCount(2).fillPeriod()")
    feed_each(graph, chunk([0, 1, 2, 3, 4, 5, 6]))
    assert [times(b) for b in out] == [[0, 1, 2], [2, 3, 4], [4, 5, 6]]


def test_whole_chunk_equals_point_by_point_and_groups_emit_in_row_order():
    a, b = Series.make("cpu", {"host": "a"}), Series.make("cpu", {"host": "b"})
    rows = chunk([0, 0, 4, 10, 11, 12, 23, 21, 30],
                 series=[a, b, a, b, a, a, b, a, b])
    results = []
    for whole in (True, False):
        _, graph, _, out = window_graph(".period(10s).every(10s)", ".groupBy('host')")
        if whole:
            graph.feed(rows)
        else:
            feed_each(graph, rows)
        results.append([(x.group, x.tmax, times(x)) for x in out])
    assert results[0] == results[1]
    # b's window closes at row 3 (t=10), before a's at row 4 (t=11)
    assert [g for g, _, _ in results[0][:2]] == ["host=b", "host=a"]


def test_barrier_emits_like_a_point_and_is_not_forwarded():
    _, graph, win, out = window_graph(".period(10s).every(10s)")
    feed_each(graph, chunk([0, 4]))
    forwarded = []
    win.emit_barrier = forwarded.append
    win.receive(win.barrier, Barrier("", CPU.dims, {}, 12 * S), 0)
    assert [b.tmax / S for b in out] == [10] and times(out[0]) == [0, 4]
    assert forwarded == []


def test_state_round_trip_mid_stream():
    rows = chunk([0, 3, 7, 9, 12, 15, 2, 19, 24, 31, 33])
    _, ref, _, ref_out = window_graph(".period(10s).every(5s)")
    feed_each(ref, rows)
    _, first, _, out1 = window_graph(".period(10s).every(5s)")
    feed_each(first, rows.take(np.arange(5)))
    saved = pickle.loads(pickle.dumps(first.state()))
    _, second, _, out2 = window_graph(".period(10s).every(5s)")
    second.restore(saved)
    feed_each(second, rows.take(np.arange(5, rows.n)))
    got = [(b.tmax, times(b)) for b in out1 + out2]
    assert got == [(b.tmax, times(b)) for b in ref_out]
    assert len(got) >= 4


def test_count_window_state_round_trip():
    rows = chunk([0, 1, 2, 3, 4, 5, 6])
    _, ref, _, ref_out = window_graph(".periodCount(3).everyCount(2)")
    feed_each(ref, rows)
    _, first, _, out1 = window_graph(".periodCount(3).everyCount(2)")
    feed_each(first, rows.take(np.arange(3)))
    _, second, _, out2 = window_graph(".periodCount(3).everyCount(2)")
    second.restore(pickle.loads(pickle.dumps(first.state())))
    feed_each(second, rows.take(np.arange(3, 7)))
    assert [times(b) for b in out1 + out2] == [times(b) for b in ref_out]


def test_batch_points_keep_all_fields_and_tags():
    s = Series.make("cpu", {"host": "a", "dc": "x"})
    pts = Points.from_rows([(0, s, {"a": 1.0, "b": "x"}), (S, s, {"a": 2.0}), (10 * S, s, {"a": 3.0})])
    ctx, graph = build("stream|from()|window().period(10s).every(10s)|httpOut('out')")
    feed_each(graph, pts)
    row = ctx.http["out"]["series"][0]
    assert row["columns"] == ["time", "a", "b", "dc", "host"]
    assert row["values"] == [["1970-01-01T00:00:00Z", 1.0, "x", "x", "a"],
                             ["1970-01-01T00:00:01Z", 2.0, None, "x", "a"]]


def test_window_without_period_refuses_the_task():
    with pytest.raises(NodeCreateError, match="window node must have either a non zero period"):
        build("stream|from()|window()|httpOut('x')")


def test_delete_group_forgets_the_window_and_is_forwarded_only_if_known():
    from machstore.kapacitor.points import DeleteGroup
    _, graph, win, _ = window_graph(".period(10s).every(10s)", ".groupBy('host')")
    feed_each(graph, chunk([0, 4]))
    sent = []
    win.emit_delete = sent.append
    win.receive(win.delete_group, DeleteGroup("host=zzz"), 0)
    win.receive(win.delete_group, DeleteGroup("host=a"), 0)
    assert [d.group for d in sent] == ["host=a"]
    assert win.state() is None
