"""InfluxQL's run reducers (machstore.influxql.functions) against a per-run Python oracle."""
import math
import statistics

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from machstore.influxql.functions import reduce_runs


def runs_of(lengths, values):
    starts = np.cumsum([0] + lengths[:-1]).astype(np.int64)
    return starts, [values[s:s + n] for s, n in zip(starts, lengths)]


def oracle(name, run, times, arg=None):
    """InfluxDB's answer for one run: (value, time or None), value None for null."""
    if name == "count":
        return len(run), None
    if name == "sum":
        return sum(run), None
    if name == "mean":
        return sum(run) / len(run), None
    if name == "median":
        return statistics.median(run), None
    if name == "spread":
        return max(run) - min(run), None
    if name == "stddev":
        return (statistics.stdev(run) if len(run) > 1 else None), None
    if name == "mode":  # InfluxDB's ModeReduceSlice, step by step, over a (stable) sort by value
        if len(run) == 1:
            return run[0], None
        pts = sorted(zip(run, times), key=lambda p: p[0])
        most_freq = curr_freq = 0
        curr_mode = most_mode = pts[0][0]
        curr_time = most_time = pts[0][1]
        for v, t in pts:
            if v != curr_mode:
                curr_freq, curr_mode, curr_time = 1, v, t
                continue
            curr_freq += 1
            if most_freq > curr_freq or (most_freq == curr_freq and curr_time > most_time):
                continue
            most_freq, most_mode, most_time = curr_freq, v, t
        return most_mode, None
    if name == "count_distinct":
        return len(set(run)), None
    if name in ("min", "max"):
        target = min(run) if name == "min" else max(run)
        i = run.index(target)
        return target, times[i]
    if name == "first":  # earliest time; at equal times the largest value
        i = min(range(len(run)), key=lambda k: (times[k], -run[k]))
        return run[i], times[i]
    if name == "last":   # latest time; at equal times the largest value
        i = min(range(len(run)), key=lambda k: (-times[k], -run[k]))
        return run[i], times[i]
    if name == "percentile":
        order = sorted(range(len(run)), key=lambda k: (run[k], k))
        i = math.floor(len(run) * arg / 100 + 0.5) - 1
        if i < 0 or i >= len(run):
            return None, None
        return run[order[i]], times[order[i]]
    raise AssertionError(name)


NAMES = ["count", "sum", "mean", "median", "spread", "stddev", "mode", "count_distinct",
         "min", "max", "first", "last", "percentile"]


@settings(max_examples=60, deadline=None)
@given(lengths=st.lists(st.integers(1, 6), min_size=1, max_size=8),
       data=st.data(), integers=st.booleans(), p=st.sampled_from([0, 1, 25, 50, 90, 99.9, 100]))
@pytest.mark.parametrize("name", NAMES)
def test_every_run_matches_the_oracle(name, lengths, data, integers, p):
    n = sum(lengths)
    elements = st.integers(-5, 5) if integers else st.floats(-1e6, 1e6, allow_nan=False).map(lambda x: round(x, 3))
    values = data.draw(st.lists(elements, min_size=n, max_size=n))
    times = data.draw(st.lists(st.integers(100, 100 + n // 2), min_size=n, max_size=n).map(sorted))
    starts, runs = runs_of(lengths, values)
    arr = np.array(values, dtype=np.int64 if integers else np.float64)
    out, out_times, valid = reduce_runs(name, np.array(times, dtype=np.int64), arr, starts, p)
    for r, (s, run) in enumerate(zip(starts, runs)):
        want, want_time = oracle(name, run, times[s:s + len(run)], p)
        if want is None:
            assert valid is not None and not valid[r]
            continue
        assert valid is None or valid[r]
        assert out[r] == pytest.approx(want, rel=1e-9, abs=1e-9)
        if want_time is not None:
            assert out_times[r] == want_time


def test_integer_sum_keeps_the_integer_type_and_mean_is_float():
    starts = np.array([0, 2])
    vals = np.array([1, 2, 3, 4], dtype=np.int64)
    t = np.arange(4, dtype=np.int64)
    assert reduce_runs("sum", t, vals, starts)[0].dtype == np.int64
    assert reduce_runs("mean", t, vals, starts)[0].tolist() == [1.5, 3.5]
    assert reduce_runs("first", t, vals, starts)[1].tolist() == [0, 2]
