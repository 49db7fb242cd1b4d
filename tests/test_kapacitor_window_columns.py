"""Grouped windows in columns: ``Batches`` give exactly what the per-batch path gives.

The window's ``TimePool`` and the nodes' ``batches`` overrides (InfluxQL reductions, ``where``,
``httpOut``) are checked against the per-group, batch-by-batch runtime (``pool_ok = False``: the
window runs every chunk the way it ran before ``Batches``) on random multi-group streams: in and
out of time order, period == every and period > every, ``.align()``, ``.fillPeriod()``, random
chunk sizes, a state()/restore() round trip mid-stream.  The kernels are checked against their
reference twins on random data.
"""
import math
import pickle

import numpy as np
import pytest
from kapacitor_harness import build

from machstore.kapacitor.nodes import window_kernel as wk
from machstore.kapacitor.nodes.buffer import GO_ZERO_TO_UNIX_NS
from machstore.kapacitor.points import Batches, Points, Series

S = 10**9
HOSTS = ["a", "b", "c", "d", "e"]


def stream(seed, n=400, *, late=0.0, ints=False, missing=0.0, nan=False):
    """Random rows of 5 hosts (2 series each: another tag varies), times mostly increasing."""
    rng = np.random.default_rng(seed)
    series = {(h, r): Series.make("cpu", {"host": h, "rack": r}) for h in HOSTS for r in ("1", "2")}
    t = {h: int(rng.integers(0, 20)) * S // 2 for h in HOSTS}
    rows = []
    for _ in range(n):
        h = HOSTS[int(rng.integers(0, len(HOSTS)))]
        t[h] += int(rng.choice([0, 1, 2, 3, 7, 13])) * S // 2
        when = t[h] - (int(rng.integers(1, 30)) * S // 2 if rng.random() < late else 0)
        v = float(rng.normal(10, 5)) if not ints else int(rng.integers(-50, 50))
        if nan and rng.random() < 0.05:
            v = float("nan")
        fields = {"value": v, "other": float(rng.random())}
        if rng.random() < missing:
            del fields["value"]
        rows.append((when, series[(h, str(int(rng.integers(1, 3))))], fields))
    return Points.from_rows(rows, "db", "rp")


def cut(pts, seed):
    """The rows as chunks of random sizes (1 to 60 rows)."""
    rng = np.random.default_rng(seed + 1000)
    out, i = [], 0
    while i < pts.n:
        k = int(rng.integers(1, 60))
        out.append(pts.take(np.arange(i, min(i + k, pts.n))))
        i += k
    return out


def _nan_text(v):
    """NaN as text, so that rows holding it compare equal."""
    return "nan" if isinstance(v, float) and math.isnan(v) else v


def rows_of(pts):
    return [(t, s.name, dict(s.tags), {k: _nan_text(v) for k, v in f.items()}) for t, s, f in pts.rows()]


def run(script, chunks, *, columnar, restart_at=None):
    """Feed ``chunks``; what the window and the node after it emitted, logs, stats, httpOut."""
    got = {"window": [], "after": []}

    def make():
        ctx, graph = build(script)
        win = next(rt for name, rt in graph.nodes.items() if name.startswith("window"))
        win.pool_ok = win.pool_ok and columnar
        after = win.children[0][0]
        orig_emit_batch, orig_emit_batches = win.emit_batch, win.emit_batches
        orig_points, orig_after_batch, orig_after_batches = after.emit_points, after.emit_batch, after.emit_batches

        def emit_batch(b):
            got["window"].append((b.name, b.group, dict(b.tags), b.tmax, rows_of(b.points)))
            orig_emit_batch(b)

        def emit_batches(bs):
            assert isinstance(bs, Batches)
            for b in bs.unroll():
                got["window"].append((b.name, b.group, dict(b.tags), b.tmax, rows_of(b.points)))
            orig_emit_batches(bs)

        def after_points(pts):
            got["after"].extend(rows_of(pts))
            orig_points(pts)

        def after_batch(b):
            got["after"].append(("batch", b.group, b.tmax, rows_of(b.points)))
            orig_after_batch(b)

        def after_batches(bs):
            for b in bs.unroll():
                got["after"].append(("batch", b.group, b.tmax, rows_of(b.points)))
            orig_after_batches(bs)

        win.emit_batch, win.emit_batches = emit_batch, emit_batches
        after.emit_points, after.emit_batch, after.emit_batches = after_points, after_batch, after_batches
        return ctx, graph, win

    ctx, graph, win = make()
    for i, c in enumerate(chunks):
        if restart_at is not None and i == restart_at:
            saved = pickle.loads(pickle.dumps(graph.state()))
            logs = list(ctx.logs)
            ctx, graph, win = make()
            graph.restore(saved)
            ctx.logs[:0] = logs
        graph.feed(c)
    stats = {name: {k: v for k, v in st.items() if k != "avg_exec_time_ns"}
             for name, st in graph.node_stats().items()}
    return got, list(ctx.logs), stats, ctx.http.get("out"), win


WINDOWS = [".period(10s).every(10s)", ".period(30s).every(10s)", ".period(10s).every(10s).align()",
           ".period(25s).every(5s).align()", ".period(20s).every(10s).fillPeriod()",
           ".period(20s).every(10s).fillPeriod().align()", ".period(10s).every(3s)", ".period(5s).every(10s)"]


def compare(script, pts, seed, *, restart_at=None, expect_columnar=True):
    chunks = cut(pts, seed)
    ref = run(script, chunks, columnar=False)
    got = run(script, chunks, columnar=True, restart_at=restart_at)
    assert got[0]["window"] == ref[0]["window"]
    assert got[0]["after"] == ref[0]["after"]
    assert got[1:4] == ref[1:4]
    assert len(ref[0]["window"]) > 5
    return got


@pytest.mark.parametrize("props", WINDOWS)
@pytest.mark.parametrize("seed", [1, 2])
def test_window_batches_equal_per_group_windows_in_order(props, seed):
    script = f"stream|from().groupBy('host')|window(){props}|httpOut('out')"
    got = compare(script, stream(seed), seed)
    assert got[4].pool is not None         # every chunk went the columnar way


@pytest.mark.parametrize("props", WINDOWS)
def test_window_batches_equal_per_group_windows_out_of_order(props):
    """Late points stay in the columns (purged from the front only, as Kapacitor's buffer)."""
    script = f"stream|from().groupBy('host')|window(){props}|httpOut('out')"
    got = compare(script, stream(3, late=0.05), 3)
    assert got[4].pool is not None         # no chunk fell back to per-group windows


@pytest.mark.parametrize("props", WINDOWS[:5])
def test_state_round_trip_mid_stream_in_columns(props):
    script = f"stream|from().groupBy('host')|window(){props}|mean('value')|httpOut('out')"
    pts = stream(4)
    for at in (1, 4, 9):
        compare(script, pts, 4, restart_at=at)


@pytest.mark.parametrize("method", ["count", "sum", "mean", "spread", "stddev", "median",
                                    "first", "last", "min", "max"])
@pytest.mark.parametrize("ints", [False, True])
def test_influxql_reduces_batches_like_batch_by_batch(method, ints):
    for props in (".period(10s).every(10s)", ".period(30s).every(10s)"):
        script = f"stream|from().groupBy('host')|window(){props}|{method}('value')|httpOut('out')"
        compare(script, stream(5, ints=ints), 5)
        script = (f"stream|from().groupBy('host')|window(){props}|{method}('value').as('v').usePointTimes()"
                  f"|httpOut('out')")
        compare(script, stream(6, ints=ints, late=0.03), 6)


@pytest.mark.parametrize("method", ["mean", "median", "max", "first", "spread"])
def test_missing_fields_and_nans_go_batch_by_batch_with_the_same_errors(method):
    script = f"stream|from().groupBy('host')|window().period(20s).every(10s)|{method}('value')|httpOut('out')"
    got = compare(script, stream(7, missing=0.1), 7)
    assert any("missing from point" in line for line in map(str, got[1]))
    compare(script, stream(8, nan=True), 8)


def test_where_on_batches_and_every_batch_kept():
    script = ("stream|from().groupBy('host')|window().period(20s).every(10s)|where(lambda: \"value\" > 10.0)"
              "|count('value')|httpOut('out')")
    compare(script, stream(9), 9)
    script = ("stream|from().groupBy('host')|window().period(20s).every(10s)|where(lambda: \"value\" > 10.0)"
              "|httpOut('out')")
    got = compare(script, stream(10), 10)
    assert got[3]["series"]


def test_where_with_a_stateful_lambda_keeps_state_per_group():
    script = ("stream|from().groupBy('host')|window().period(20s).every(10s)"
              "|where(lambda: count() % 2 == 0)|httpOut('out')")
    compare(script, stream(11), 11)


def test_a_chunk_of_late_rows_stays_in_columns():
    pts = stream(12, n=600)
    late = stream(13, n=40, late=1.0)
    # a chunk of late rows only: taken in columns like any other
    chunks = [pts.take(np.arange(0, 150)), late] + [pts.take(np.arange(i, i + 10)) for i in range(150, 600, 10)]
    script = "stream|from().groupBy('host')|window().period(30s).every(10s)|mean('value')|httpOut('out')"
    ref = run(script, chunks, columnar=False)
    got = run(script, chunks, columnar=True)
    assert got[0] == ref[0] and got[1:4] == ref[1:4]
    assert got[4].pool is not None and ref[4].pool is None


# -- kernels against their twins ------------------------------------------------------------


def test_the_compiled_kernels_are_the_ones_used():
    import machstore._ext_kapacitor_window as kernels
    assert kernels.__file__.endswith(".so")
    assert wk._k is kernels


def _segments(rng, ngroups):
    sizes = rng.integers(0, 12, size=ngroups)
    seg_start = np.concatenate(([0], np.cumsum(sizes))).astype(np.int64)
    first_new = seg_start[:-1] + (rng.random(ngroups) * (sizes + 1)).astype(np.int64).clip(0, sizes)
    times = np.concatenate([np.sort(rng.integers(-50, 200, size=k)) for k in sizes] or [np.empty(0)])
    return times.astype(np.int64) * S, seg_start, first_new


@pytest.mark.parametrize("seed", range(20))
def test_trigger_scan_kernel_equals_its_twin(seed):
    rng = np.random.default_rng(seed)
    times, seg_start, first_new = _segments(rng, int(rng.integers(1, 30)))
    every = int(rng.integers(1, 40)) * S
    period = every * int(rng.integers(1, 4)) + int(rng.integers(0, 3)) * S
    for align in (False, True):
        ne0 = rng.integers(-60, 120, size=len(first_new)).astype(np.int64) * S
        a_ne, b_ne = ne0.copy(), ne0.copy()
        got = wk.trigger_scan(times, seg_start, first_new, a_ne, period=period, every=every, align=align)
        ref = wk.trigger_scan_ref(times, seg_start, first_new, b_ne, period=period, every=every, align=align)
        for x, y in zip(got, ref):
            assert x.tolist() == y.tolist()
        assert a_ne.tolist() == b_ne.tolist()


def test_trigger_scan_aligns_as_go_truncates_before_the_epoch():
    times = np.array([-7 * S, -3 * S], dtype=np.int64)
    ne = np.array([-8 * S], dtype=np.int64)
    wk.trigger_scan(times, np.array([0, 2]), np.array([0]), ne, period=10 * S, every=10 * S, align=True)
    # -7s + 10s = 3s truncated to 10s is 0 (Go counts from year 1, a multiple of 10s before 1970)
    assert GO_ZERO_TO_UNIX_NS % (10 * S) == 0 and ne.tolist() == [0]


@pytest.mark.parametrize("seed", range(10))
def test_segment_kernels_equal_their_twins(seed):
    rng = np.random.default_rng(seed)
    sizes = rng.integers(0, 20, size=int(rng.integers(1, 20)))
    starts = np.concatenate(([0], np.cumsum(sizes))).astype(np.int64)
    f = rng.normal(0, 1e6, size=int(starts[-1])) * rng.choice([1e-9, 1, 1e12], size=int(starts[-1]))
    f[rng.random(len(f)) < 0.05] = np.nan
    f[rng.random(len(f)) < 0.05] = -0.0
    i = rng.integers(-(2**62), 2**62, size=int(starts[-1]), dtype=np.int64)
    np.testing.assert_array_equal(wk.segment_sums_float(f, starts), wk.segment_sums_float_ref(f, starts))
    assert np.signbit(wk.segment_sums_float(f, starts)).tolist() == \
        np.signbit(wk.segment_sums_float_ref(f, starts)).tolist()
    assert wk.segment_sums_int(i, starts).tolist() == wk.segment_sums_int_ref(i, starts).tolist()
    np.testing.assert_array_equal(wk.segment_stddev(f, starts), wk.segment_stddev_ref(f, starts))


def test_batches_unroll_and_take_rows():
    pts = stream(14, n=20)
    from machstore.kapacitor.points import BatchGroup, Dimensions
    groups = [BatchGroup("cpu", "host=a", {"host": "a"}, Dimensions(("host",))),
              BatchGroup("cpu", "host=b", {"host": "b"}, Dimensions(("host",)))]
    bs = Batches(pts, np.array([0, 5, 5, 20]), np.array([1, 0, 1]), groups, np.array([1, 2, 3]))
    assert [(b.group, b.tmax, b.points.n) for b in bs.unroll()] == [("host=b", 1, 5), ("host=a", 2, 0),
                                                                   ("host=b", 3, 15)]
    assert bs.last_per_group() == [(1, 2), (0, 1)]
    mask = np.arange(20) % 2 == 0
    kept = bs.take_rows(mask)
    assert [b.points.n for b in kept.unroll()] == [3, 0, 7]
    assert kept.batch(2).points.time.tolist() == pts.time[5:20][mask[5:20]].tolist()


def test_long_window_goes_back_to_per_group_buffers_with_the_same_batches():
    # 10 ms apart, period 1000 s: the pool would hold ~100,000 rows against 1,000-row chunks
    from machstore.kapacitor.points import Field
    s = Series.make("cpu", {"host": "a"})
    n = 90_000
    times = np.arange(n, dtype=np.int64) * (S // 100)
    values = np.random.default_rng(15).normal(size=n)
    pts = Points(times, np.zeros(n, dtype=np.int32), [s], {"value": Field(values, np.ones(n, dtype=bool))})
    chunks = [pts.take(slice(i, i + 1000)) for i in range(0, n, 1000)]
    out = []
    for columnar in (False, True):
        _, graph = build("stream|from()|window().period(1000s).every(100s)|httpOut('out')")
        win = next(rt for name, rt in graph.nodes.items() if name.startswith("window"))
        win.pool_ok = win.pool_ok and columnar
        got = []

        def keep(b, got=got):
            got.append((b.tmax, b.points.time.tolist(), b.points.fields["value"].values.tolist()))

        win.emit_batch = keep
        win.emit_batches = lambda bs, keep=keep: [keep(b) for b in bs.unroll()]
        for c in chunks:
            graph.feed(c)
        out.append((got, win.pool))
    assert out[1][0] == out[0][0] and len(out[0][0]) == 8
    assert out[1][1] is None            # the pool gave the long buffer back to the per-group path


def test_barrier_and_delete_group_in_columns_act_as_per_group():
    from machstore.kapacitor.points import Barrier, DeleteGroup, Dimensions
    pts = stream(16, n=300)
    chunks = cut(pts, 16)
    dims = Dimensions(("host",))
    results = []
    for columnar in (False, True):
        script = "stream|from().groupBy('host')|window().period(30s).every(10s)|httpOut('out')"
        got = []
        _, graph = build(script)
        win = next(rt for name, rt in graph.nodes.items() if name.startswith("window"))
        win.pool_ok = win.pool_ok and columnar
        win.emit_batch = lambda b, got=got: got.append((b.group, b.tmax, rows_of(b.points)))
        win.emit_batches = lambda bs, got=got: got.extend((b.group, b.tmax, rows_of(b.points)) for b in bs.unroll())
        deleted = []
        win.emit_delete = lambda d, deleted=deleted: deleted.append(d.group)
        for i, c in enumerate(chunks):
            graph.feed(c)
            if i % 3 == 1:
                last = int(c.time.max())
                win.receive(win.barrier, Barrier("host=b", dims, {"host": "b"}, last + 20 * S), 0)
            if i % 5 == 4:
                win.receive(win.delete_group, DeleteGroup("host=c"), 0)
        results.append((got, deleted, pickle.dumps(win.state() is None)))
    assert results[0] == results[1]
    assert results[0][1] and any(g == "host=b" for g, _, _ in results[0][0])


def test_a_selected_point_one_nanosecond_before_the_epoch_keeps_its_time():
    a, b = Series.make("cpu", {"host": "a"}), Series.make("cpu", {"host": "b"})
    rows = [(-1, a, {"value": 1.0}), (-1, b, {"value": 2.0}), (20 * S, a, {"value": 3.0}),
            (20 * S, b, {"value": 4.0}), (40 * S, a, {"value": 5.0}), (40 * S, b, {"value": 6.0})]
    pts = Points.from_rows(rows, "db", "rp")
    script = ("stream|from().groupBy('host')|window().period(10s).every(10s)|first('value').usePointTimes()"
              "|httpOut('out')")
    ref = run(script, [pts], columnar=False)
    got = run(script, [pts], columnar=True)
    assert got[0] == ref[0] and got[1:4] == ref[1:4]
    assert [r[0] for r in got[0]["after"]][:2] == [-1, -1]
