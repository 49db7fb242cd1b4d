"""The chunk kernel of the alert node (ext/kapacitor_alert.pyx) against its Python twin
(machstore/kapacitor/alerts/kernel.py scan_ref) and against the per-group path it replaced
(LevelRules.group_levels + AlertState.stream / point by point), on random level sequences of
several groups with every option: history size, flapping thresholds, stateChangesOnly with and
without maxInterval, noRecoveries, reset expressions, restored states, chunks split anywhere."""
import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from machstore.kapacitor.alerts import kernel
from machstore.kapacitor.alerts.levels import CRITICAL, INFO, OK, WARNING, LevelRules
from machstore.kapacitor.alerts.state import NOTSET, AlertOptions, AlertState, StateTable

S = 10**9
LEVELS = [OK, INFO, WARNING, CRITICAL]


@st.composite
def options(draw):
    low = draw(st.sampled_from([0.0, 0.1, 0.25, 0.4]))
    return AlertOptions(history=draw(st.integers(2, 8)), use_flapping=draw(st.booleans()), flap_low=low,
                        flap_high=low + draw(st.sampled_from([0.0, 0.15, 0.3])),
                        state_changes_only=draw(st.booleans()),
                        state_changes_only_duration=draw(st.sampled_from([0, S, 3 * S])),
                        no_recoveries=draw(st.booleans()))


@st.composite
def cases(draw):
    opts = draw(options())
    groups = draw(st.integers(1, 4))
    n = draw(st.integers(0, 70))
    row_group = draw(st.lists(st.integers(0, groups - 1), min_size=n, max_size=n))
    top = draw(st.lists(st.sampled_from(LEVELS), min_size=n, max_size=n))
    gaps = draw(st.lists(st.sampled_from([0, 1, 1, 2, 5]), min_size=n, max_size=n))
    times = (np.cumsum(gaps) * S // 2).astype(np.int64) + 100 * S
    resets = draw(st.lists(st.sampled_from([INFO, WARNING, CRITICAL]), unique=True, max_size=3))
    keep = {lvl: np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool) for lvl in resets}
    restored = draw(st.lists(st.sampled_from([None, WARNING, CRITICAL]), min_size=groups, max_size=groups))
    splits = sorted(draw(st.lists(st.integers(0, n), max_size=3)))
    return opts, groups, np.array(row_group, dtype=np.int64), np.array(top, dtype=np.int8), times, keep, \
        restored, splits


def _states(opts, groups, restored):
    out = []
    for level in restored:
        s = AlertState(opts)
        if level is not None:
            s.restore_event(90 * S, level, 80 * S)
        out.append(s)
    return out


def _table_of(opts, groups, restored):
    table = StateTable(opts.history, capacity=1)  # grows while adopting: exercises the doubling
    states = _states(opts, groups, restored)
    for s in states:
        table.adopt(s)
    return table, states


def _chunks(n, splits):
    bounds = [0, *splits, n]
    return [(a, b) for a, b in itertools.pairwise(bounds)]


def run_scan(scan, case):
    opts, groups, row_group, top, times, keep, restored, splits = case
    table, states = _table_of(opts, groups, restored)
    slot = np.array([s.slot for s in states], dtype=np.int64)
    out = []
    for a, b in _chunks(len(top), splits):
        rows, lv, dur, send = scan(slot[row_group[a:b]], top[a:b], times[a:b], table, opts,
                                   {k: m[a:b] for k, m in keep.items()} or None)
        out += list(zip((rows + a).tolist(), lv.tolist(), dur.tolist(), send.tolist()))
    return out, [s.to_dict() for s in states]


def run_per_group(case, one_by_one):
    """The path the kernel replaced: per group, levels from LevelRules.group_levels, then the
    group's AlertState decides (column path or point by point)."""
    opts, groups, row_group, top, times, keep, restored, splits = case
    rules = LevelRules({}, lambda text: None)
    states = _states(opts, groups, restored)
    out = []
    for a, b in _chunks(len(top), splits):
        prepared = (top[a:b], {k: (m[a:b], None) for k, m in keep.items()} or None)
        for g, state in enumerate(states):
            rows = np.flatnonzero(row_group[a:b] == g)
            if not len(rows):
                continue
            levels = rules.group_levels(prepared, rows, state.level)
            decide = state._stream_one_by_one if one_by_one else state.stream
            out += [(int(rows[t.i]) + a, t.level, t.duration, t.send) for t in decide(levels, times[a:b][rows])]
    return sorted(out), [s.to_dict() for s in states]


@settings(max_examples=300, deadline=None)
@given(cases())
def test_kernel_twin_and_per_group_paths_agree(case):
    got = run_scan(kernel.scan, case)
    assert got == run_scan(kernel.scan_ref, case)
    assert got == run_per_group(case, one_by_one=True)
    if not case[0].use_flapping:
        assert got == run_per_group(case, one_by_one=False)


def test_flapping_sequence_is_suppressed_then_recovers():
    # history 21: alternating levels raise the weighted change share above 0.5, then steady
    # critical brings it below 0.25 and alerts resume (as TestStream_AlertFlapping's shape)
    opts = AlertOptions(history=21, use_flapping=True, flap_low=0.25, flap_high=0.5)
    levels = np.array([OK, CRITICAL] * 15 + [CRITICAL] * 30, dtype=np.int8)
    times = np.arange(len(levels), dtype=np.int64) * S
    table, states = _table_of(opts, 1, [None])
    rows, _lv, _, _ = kernel.scan(np.zeros(len(levels), dtype=np.int64), levels, times, table, opts)
    ref_rows, _, _, _ = kernel.scan_ref(np.zeros(len(levels), dtype=np.int64), levels, times,
                                        *_table_of(opts, 1, [None])[:1], opts)
    assert rows.tolist() == ref_rows.tolist()
    assert rows[0] < 30 and rows[-1] == len(levels) - 1 and any(b - a > 1 for a, b in itertools.pairwise(rows))
    assert not states[0].flapping


def test_zero_time_saturates_and_slots_are_checked():
    opts = AlertOptions()
    table, states = _table_of(opts, 1, [None])
    table.hist[states[0].slot] = CRITICAL  # critical history, never triggered: first is Go's zero time
    assert table.first[states[0].slot] == NOTSET
    _, _, dur, _ = kernel.scan(np.zeros(1, dtype=np.int64), np.array([CRITICAL], np.int8),
                               np.array([5 * S]), table, opts)
    assert dur.tolist() == [2**63 - 1]
    with pytest.raises(ValueError, match="outside the state table"):
        kernel.scan(np.array([len(table.idx)]), np.array([OK], np.int8), np.array([0]), table, opts)


# -- the node around the kernel: series -> slot map, new and deleted groups, reset errors ----------
NODE_SCRIPT = ("stream|from().measurement('cpu').groupBy('host')|alert().id('{{ index .Tags \"host\" }}')"
               ".warn(lambda: \"value\" > 50).crit(lambda: \"value\" > 80)EXTRA.post('http://127.0.0.1:9/')")


def _srpl(points):
    return "".join(f"dbname\nrpname\ncpu,host={h} {fields} {t:010d}\n" for t, (h, fields) in enumerate(points, 1))


def _events(ctx):
    return [(e["id"], e["level"], e["previousLevel"], e["time"], e["duration"]) for _, e, _ in ctx.events]


def test_a_deleted_group_comes_back_as_a_new_group():
    from kapacitor_harness import build

    from machstore.kapacitor.points import DeleteGroup
    from machstore.kapacitor.replay import read_srpl, to_chunks
    ctx, graph = build(NODE_SCRIPT.replace("EXTRA", ".stateChangesOnly()"))
    chunks = to_chunks(read_srpl(_srpl([("A", "value=90"), ("B", "value=90"), ("A", "value=95"),
                                        ("A", "value=10"), ("B", "value=10"), ("A", "value=99")])))
    for chunk in chunks[:3]:
        graph.feed(chunk)
    node = graph.nodes["alert2"]
    node.delete_group(DeleteGroup("host=A"), 0)
    for chunk in chunks[3:]:
        graph.feed(chunk)  # the same Series objects as before the delete (from() memoises them)
    assert sorted(node.groups) == ["host=A", "host=B"] and node.stats.cardinality == 2
    # A starts again from its stored CRITICAL and trigger time (restoreEventState) and recovers
    assert _events(ctx) == [("A", "CRITICAL", "OK", "1971-01-01T00:00:00Z", 0),
                            ("B", "CRITICAL", "OK", "1971-01-01T00:00:01Z", 0),
                            ("A", "OK", "CRITICAL", "1971-01-01T00:00:03Z", 3 * S),
                            ("B", "OK", "CRITICAL", "1971-01-01T00:00:04Z", 3 * S),
                            ("A", "CRITICAL", "OK", "1971-01-01T00:00:05Z", 0)]


def test_reset_errors_are_logged_and_chunks_match_point_by_point():
    from kapacitor_harness import build, run_stream

    from machstore.kapacitor.points import concat
    from machstore.kapacitor.replay import read_srpl, to_chunks
    script = NODE_SCRIPT.replace("EXTRA", ".warnReset(lambda: \"other\" < 20)")
    points = [("A", "value=60,other=30"), ("B", "value=60"), ("A", "value=10,other=30"), ("B", "value=10"),
              ("A", "value=10,other=10"), ("B", "value=55,other=5"), ("B", "value=1,other=50")]
    one_ctx, one_graph = run_stream(script, _srpl(points))
    ctx, graph = build(script)
    graph.feed(concat(to_chunks(read_srpl(_srpl(points)))))
    assert _events(ctx) == _events(one_ctx)
    assert ctx.logs == one_ctx.logs and any("reset expression" in text for _, _, text in ctx.logs)
    assert graph.nodes["alert2"].state() == one_graph.nodes["alert2"].state()
    # A: WARNING, kept (reset false), then OK (reset true); B: WARNING, OK (its reset fails on a
    # point without "other"), WARNING, kept (reset false)
    assert [(i, lvl) for i, lvl, *_ in _events(ctx)] == [("A", "WARNING"), ("B", "WARNING"), ("A", "WARNING"),
                                                         ("B", "OK"), ("A", "OK"), ("B", "WARNING"),
                                                         ("B", "WARNING")]


def test_states_made_alone_share_nurseries_and_move_into_a_table_intact():
    from machstore.kapacitor.alerts.state import NURSERY_SLOTS
    opts = AlertOptions(history=3, use_flapping=True, flap_low=0.1, flap_high=0.2)
    states = [AlertState(opts) for _ in range(NURSERY_SLOTS + 10)]
    assert states[0].table is not states[-1].table  # a full nursery is replaced
    for k, s in enumerate(states[:50]):
        s.restore_event(k * S, CRITICAL if k % 2 else WARNING, (k - 1) * S)
    before = [s.to_dict() for s in states]
    table = StateTable(3, capacity=1)
    for s in states:
        table.adopt(s)
    assert table.used == len(states) and all(s.table is table for s in states)
    assert [s.to_dict() for s in states] == before
    states[7].batch(OK, 100 * S)  # a view on its new slot: the table changes
    assert table.hist[states[7].slot].tolist() == states[7].history and states[7].level == OK


def test_an_id_template_failing_on_a_quiet_point_of_a_known_group_stops_the_task():
    """Kapacitor renders the id of every point (alertState.Point), not only of triggering ones."""
    from kapacitor_harness import build

    from machstore.kapacitor.nodes.alert import AlertError
    from machstore.kapacitor.replay import read_srpl, to_chunks
    script = ("stream|from().measurement('cpu').groupBy('dc')|alert()"
              ".id('{{ if eq (index .Tags \"host\") \"bad\" }}{{ .Nope }}{{ end }}x')"
              ".crit(lambda: \"value\" > 80).post('http://127.0.0.1:9/')")
    ctx, graph = build(script)
    chunks = to_chunks(read_srpl("".join(f"dbname\nrpname\ncpu,dc=x,host={h} value=1 {t:010d}\n"
                                         for t, h in enumerate(["good", "good", "bad"], 1))))
    graph.feed(chunks[0])
    graph.feed(chunks[1])
    with pytest.raises(AlertError, match="can't evaluate field Nope"):
        graph.feed(chunks[2])
    assert ctx.events == []


def test_bulk_to_dicts_is_to_dict():
    opts = AlertOptions(history=4, use_flapping=True, flap_low=0.1, flap_high=0.2)
    states = [AlertState(opts) for _ in range(30)]
    for k, s in enumerate(states[:20]):
        s.restore_event(k * S, CRITICAL, (k - 1) * S)
        s.batch([OK, WARNING, CRITICAL][k % 3], (k + 5) * S)
    mixed = AlertState.to_dicts(states[:3] + [AlertState(AlertOptions(history=4))])  # two tables
    table = StateTable(4)
    for s in states:
        table.adopt(s)
    want = [s.to_dict() for s in states]
    assert AlertState.to_dicts(states) == want and mixed[:3] == want[:3]
    assert {type(v) for d in AlertState.to_dicts(states) for v in (d["first"], d["last"])} == {int, type(None)}
