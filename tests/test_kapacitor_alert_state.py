"""One group's alert state (machstore/kapacitor/alerts/state.py): flapping, stateChangesOnly,
noRecoveries, durations, batches, and the column path against the point-by-point one."""
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from machstore.kapacitor.alerts.levels import CRITICAL, INFO, OK, WARNING
from machstore.kapacitor.alerts.state import MAX_DURATION, AlertOptions, AlertState

S = 10**9


def run(opts, levels, times=None, state=None):
    st_ = state or AlertState(opts)
    times = np.arange(len(levels), dtype=np.int64) * S if times is None else np.asarray(times, dtype=np.int64)
    return st_, st_.stream(np.array(levels, dtype=np.int8), times)


def weighted_percent(history_oldest_first):
    """alert.go's percentChange written from its loop over the ring (idx = newest)."""
    n = len(history_oldest_first)
    ring = list(history_oldest_first)
    idx = n - 1
    changes, weight = 0.0, 1.2 / 1.5
    step = (1.2 - weight) / (n - 1)
    for i in range(n - 1):
        c = (i + idx) % n
        p = c - 1 if c > 0 else n - 1
        if ring[c] != ring[p]:
            changes += weight
        weight += step
    return changes / (n - 1)


def test_every_non_ok_point_and_each_recovery_trigger():
    _, out = run(AlertOptions(), [OK, CRITICAL, CRITICAL, OK, OK, WARNING])
    assert [(t.i, t.level, t.duration) for t in out] == [(1, CRITICAL, 0), (2, CRITICAL, S), (3, OK, 2 * S),
                                                         (5, WARNING, 0)]


def test_state_changes_only():
    _, out = run(AlertOptions(state_changes_only=True), [CRITICAL, CRITICAL, CRITICAL, OK, OK, CRITICAL])
    assert [(t.i, t.level) for t in out] == [(0, CRITICAL), (3, OK), (5, CRITICAL)]
    assert out[1].duration == 3 * S  # first trigger at 0, recovery at 3


def test_state_changes_only_with_a_duration_resends_once_it_expired():
    # TestStream_AlertStateChangesOnlyExpired's shape: critical every second, 2s interval
    _, out = run(AlertOptions(state_changes_only=True, state_changes_only_duration=2 * S),
                 [CRITICAL] * 9 + [OK], times=[(i + 1) * S for i in range(10)])
    assert [(t.time // S, t.duration // S) for t in out] == [(1, 0), (3, 2), (5, 4), (7, 6), (9, 8), (10, 9)]


def test_no_recoveries_triggers_without_sending():
    _, out = run(AlertOptions(no_recoveries=True), [CRITICAL, OK, INFO])
    assert [(t.level, t.send) for t in out] == [(CRITICAL, True), (OK, False), (INFO, True)]
    assert out[2].duration == 0  # the unsent recovery still reset firstTriggered


def test_percent_change_is_alert_gos_walk_of_the_ring():
    st_ = AlertState(AlertOptions(history=5))
    for lvl in (OK, CRITICAL, OK, OK, CRITICAL):
        st_.add_event(0, lvl)
    ordered = [st_.history[(st_.idx + 1 + k) % 5] for k in range(5)]
    assert ordered == [OK, CRITICAL, OK, OK, CRITICAL]
    assert st_.percent_change() == weighted_percent(ordered)
    # newest pair (CRIT after OK) 0.8, then the wrap-around pair oldest-vs-newest (OK vs CRIT) 0.9,
    # then CRIT/OK 1.0 and OK/CRIT 1.1; the pair before the newest one is never looked at
    assert abs(st_.percent_change() - (0.8 + 0.9 + 1.0 + 1.1) / 4) < 1e-12


def test_flapping_suppresses_and_hysteresis_ends_it():
    opts = AlertOptions(history=21, use_flapping=True, flap_low=0.25, flap_high=0.5)
    levels = [OK, CRITICAL] * 10 + [CRITICAL] * 25
    st_, out = run(opts, levels)
    sent = [t.i for t in out]
    flapping_from = next(i for i in range(1, len(levels))
                         if weighted_percent(_ring_after(levels[:i + 1], 21)) > 0.5)
    assert all(i < flapping_from for i in sent if i < 20)
    assert max(sent) > 20 and not st_.flapping  # steady critical: flapping ended, alerts again


def _ring_after(levels, n):
    ring = [OK] * n + list(levels)
    return ring[-n:]


def test_batch_rules():
    st_ = AlertState(AlertOptions(state_changes_only=True))
    assert st_.batch(CRITICAL, 10).level == CRITICAL
    assert st_.batch(CRITICAL, 20) is None
    rec = st_.batch(OK, 30)
    assert (rec.level, rec.duration) == (OK, 20)
    # a batch recovery is sent even while flapping (BufferedBatch's condition differs from Point's)
    fl = AlertState(AlertOptions(history=2, use_flapping=True, flap_low=0.1, flap_high=0.2))
    fl.batch(CRITICAL, 1)
    assert fl.flapping and fl.batch(OK, 2) is not None


def test_duration_from_zero_time_saturates_like_go():
    st_ = AlertState(AlertOptions())
    st_.history = [CRITICAL] * 21  # critical history, but no trigger ever recorded
    _, out = run(AlertOptions(), [CRITICAL], state=st_)
    assert out[0].duration == MAX_DURATION  # never triggered after an OK: firstTriggered is zero


def test_restore_event_is_restore_event_state():
    st_ = AlertState(AlertOptions(state_changes_only=True))
    st_.restore_event(100 * S, CRITICAL, 40 * S)
    assert st_.level == CRITICAL and st_.first == 40 * S and st_.last == 40 * S
    _, out = run(AlertOptions(state_changes_only=True), [CRITICAL, OK], times=[100 * S, 101 * S], state=st_)
    assert [(t.level, t.duration) for t in out] == [(OK, 61 * S)]


@settings(max_examples=80, deadline=None)
@given(st.lists(st.sampled_from([OK, INFO, WARNING, CRITICAL]), min_size=1, max_size=60),
       st.booleans(), st.sampled_from([0, S, 3 * S]), st.booleans(), st.integers(1, 7))
def test_column_path_matches_point_by_point(levels, sco, sco_d, no_rec, split):
    opts = AlertOptions(history=5, state_changes_only=sco, state_changes_only_duration=sco_d, no_recoveries=no_rec)
    fast, slow = AlertState(opts), AlertState(opts)
    times = np.arange(len(levels), dtype=np.int64) * S
    got, want = [], []
    for lo in range(0, len(levels), split):
        arr = np.array(levels[lo:lo + split], dtype=np.int8)
        got += [(t.i + lo, t.level, t.duration, t.send) for t in fast.stream(arr, times[lo:lo + split])]
        want += [(t.i + lo, t.level, t.duration, t.send) for t in slow._stream_one_by_one(arr, times[lo:lo + split])]
    assert got == want
    assert fast.level == slow.level and (fast.first, fast.last) == (slow.first, slow.last)


def test_state_round_trip_mid_stream():
    opts = AlertOptions(history=6, use_flapping=True, flap_low=0.2, flap_high=0.4)
    levels = [OK, CRITICAL, OK, WARNING, CRITICAL, CRITICAL, OK, INFO, CRITICAL, OK, OK, CRITICAL]
    whole, out_whole = run(opts, levels)
    half, out_a = run(opts, levels[:5])
    again = AlertState.from_dict(opts, half.to_dict())
    _, out_b = run(opts, levels[5:], times=np.arange(5, len(levels)) * S, state=again)
    assert [(t.level, t.time, t.duration) for t in out_whole] == \
        [(t.level, t.time, t.duration) for t in out_a + out_b]
    assert again.to_dict() == whole.to_dict()
