"""``stats`` and ``deadman`` in memory, on a fake wall clock.

Kapacitor 1.7 has no ``TestStream_*Stats*``/``*Deadman*`` integration case (its stats node
runs on the real clock); these restate ``stats.go`` (ticks, ``.align()``, the per-group
counts of the source node's first out edge, the nil group with 0), ``pipeline/node.go``
``Deadman`` (stats.align | derivative('emitted').unit(interval).nonNegative() | alert with
crit ``emitted <= threshold``, id and message from the ``[deadman]`` config) and
``pipeline.createPipelineAndVars`` (``global``: a deadman on the task's source node).
"""
import pickle

import pytest
from kapacitor_capture import attach, chunks_of
from kapacitor_harness import build

from machstore.kapacitor import deadman
from machstore.kapacitor.context import MemoryContext
from machstore.kapacitor.definitions import compile_task
from machstore.kapacitor.graph import TaskGraph
from machstore.kapacitor.node import NodeCreateError
from machstore.kapacitor.replay import REBASE_NS
from machstore.kapacitor.services.base import StaticConfig

S = 10**9
WALL = 1_700_000_003 * S + S // 2      # 3.5 s past a multiple of 10 s


class Clock:
    def __init__(self, now=WALL):
        self.now = now

    def __call__(self):
        return self.now


def srpl(*lines):
    return "".join(f"dbname\nrpname\n{line}\n" for line in lines)


def t(sec):
    return REBASE_NS + (sec - 1) * S


def setup(script, start=WALL, task_id="stats"):
    clock = Clock(start)
    ctx = MemoryContext(task_id, clock=clock)
    _, graph = build(script, ctx, task_id=task_id)
    return clock, ctx, graph


def tick(clock, graph, at):
    clock.now = at
    graph.tick(at)


def feed(graph, *lines):
    for chunk in chunks_of(srpl(*lines)):
        graph.feed(chunk)


GROUPED = "var f = stream|from().measurement('m').groupBy('h')\nf|stats(10s){align}"


# -- stats ---------------------------------------------------------------------------------------

def test_ticks_every_interval_after_the_start_stamped_with_the_tick_time():
    clock, _, graph = setup(GROUPED.format(align=""))
    cap = attach(graph, "stats2")
    feed(graph, "m,h=a v=1 1", "m,h=a v=2 2")
    tick(clock, graph, WALL + 10 * S - 1)
    assert cap.messages == []
    tick(clock, graph, WALL + 10 * S)
    assert cap.points() == [(WALL + 10 * S, "stats", {"h": "a"}, "h=a", {"emitted": 2})]
    tick(clock, graph, WALL + 15 * S)
    assert len(cap.points()) == 1
    tick(clock, graph, WALL + 20 * S)
    # the counts are the edge's since the task started, not since the last tick
    assert cap.points()[-1] == (WALL + 20 * S, "stats", {"h": "a"}, "h=a", {"emitted": 2})


def test_every_group_seen_gets_a_point_with_its_tags_and_an_integer_count():
    clock, _, graph = setup(GROUPED.format(align=""))
    cap = attach(graph, "stats2")
    feed(graph, "m,h=b,x=1 v=1 1", "m,h=a,x=2 v=2 2", "m,h=b,x=3 v=3 3", "other,h=c v=1 4")
    tick(clock, graph, WALL + 10 * S)
    assert cap.points() == [(WALL + 10 * S, "stats", {"h": "a"}, "h=a", {"emitted": 1}),
                            (WALL + 10 * S, "stats", {"h": "b"}, "h=b", {"emitted": 2})]
    assert all(type(p[4]["emitted"]) is int for p in cap.points())
    feed(graph, "m,h=a v=4 5")
    tick(clock, graph, WALL + 20 * S)
    assert [p[4]["emitted"] for p in cap.points()[2:]] == [2, 2]


def test_without_groups_the_nil_group_is_reported_with_zero():
    clock, _, graph = setup("var f = stream|from().measurement('m')\nf|stats(1s)")
    cap = attach(graph, "stats2")
    tick(clock, graph, WALL + S)
    assert cap.points() == [(WALL + S, "stats", {}, "", {"emitted": 0})]
    feed(graph, "m v=1 1", "m,h=a v=1 2")
    tick(clock, graph, WALL + 2 * S)
    assert cap.points()[-1] == (WALL + 2 * S, "stats", {}, "", {"emitted": 2})


def test_the_group_by_measurement_dimension_follows_the_new_name():
    clock, _, graph = setup("var f = stream|from().groupBy('h').groupByMeasurement()\nf|stats(1s)")
    cap = attach(graph, "stats2")
    feed(graph, "m,h=a v=1 1")
    tick(clock, graph, WALL + S)
    assert cap.points() == [(WALL + S, "stats", {"h": "a"}, "stats\nh=a", {"emitted": 1})]


def test_a_node_without_children_gets_a_noop_so_that_its_output_is_counted():
    clock, _, graph = setup("stream|from().measurement('m')|stats(1s)")
    assert [n for n in graph.nodes if n.startswith("noop")] == ["noop3"]
    cap = attach(graph, "stats2")
    feed(graph, "m v=1 1", "m v=2 2", "m v=3 3")
    tick(clock, graph, WALL + S)
    assert cap.points()[0][4] == {"emitted": 3}


def test_align_waits_for_a_multiple_and_stamps_the_first_point_with_the_start_rounded():
    # start 3.5 s past a multiple: the first point comes at the multiple, stamped with the start
    # rounded (down here), then every interval at the multiples
    base = WALL - 3 * S - S // 2
    clock, _, graph = setup(GROUPED.format(align=".align()"))
    cap = attach(graph, "stats2")
    feed(graph, "m,h=a v=1 1")
    tick(clock, graph, base + 10 * S - 1)
    assert cap.messages == []
    tick(clock, graph, base + 10 * S)
    tick(clock, graph, base + 20 * S + S // 3)
    assert [p[0] for p in cap.points()] == [base, base + 20 * S]
    # a start past the half rounds up to the multiple it waited for
    clock, _, graph = setup(GROUPED.format(align=".align()"), start=base + 6 * S)
    cap = attach(graph, "stats2")
    tick(clock, graph, base + 10 * S)
    tick(clock, graph, base + 20 * S)
    assert [p[0] for p in cap.points()] == [base + 10 * S, base + 20 * S]


def test_a_late_round_fires_once_with_the_first_missed_tick_and_keeps_the_grid():
    clock, _, graph = setup(GROUPED.format(align=""))
    cap = attach(graph, "stats2")
    tick(clock, graph, WALL + 35 * S)        # ticks due at +10, +20, +30
    assert [p[0] for p in cap.points()] == [WALL + 10 * S]
    tick(clock, graph, WALL + 39 * S)
    assert len(cap.points()) == 1
    tick(clock, graph, WALL + 40 * S)
    assert [p[0] for p in cap.points()] == [WALL + 10 * S, WALL + 40 * S]


def test_batch_edges_count_the_points_of_each_batch():
    script = ("var w = stream|from().measurement('m').groupBy('h')|window().period(10s).every(10s)\n"
              "w|stats(1s)")
    clock, _, graph = setup(script)
    cap = attach(graph, "stats3")
    feed(graph, "m,h=a v=1 1", "m,h=a v=2 2", "m,h=a v=3 3", "m,h=a v=4 12")
    tick(clock, graph, WALL + S)
    assert cap.points() == [(WALL + S, "stats", {"h": "a"}, "h=a", {"emitted": 3})]


def test_a_deleted_group_is_forgotten():
    script = ("var b = stream|from().measurement('m').groupBy('h')|barrier().idle(5s).delete(TRUE)\n"
              "b|stats(10s)")
    clock, _, graph = setup(script)
    cap = attach(graph, "stats3")
    feed(graph, "m,h=a v=1 1", "m,h=b v=1 1")
    assert graph.nodes["stats3"].counts.groups["h=a"][2] == 1
    tick(clock, graph, WALL + 5 * S)         # both idle since WALL: h=a and h=b deleted
    clock.now = WALL + 8 * S
    feed(graph, "m,h=b v=2 2")               # h=b again, counted from 1
    tick(clock, graph, WALL + 10 * S)
    assert cap.points() == [(WALL + 10 * S, "stats", {"h": "b"}, "h=b", {"emitted": 1})]
    tick(clock, graph, WALL + 13 * S)        # h=b idle again: no group left
    tick(clock, graph, WALL + 20 * S)
    assert cap.points()[-1] == (WALL + 20 * S, "stats", {}, "", {"emitted": 0})


def test_a_positive_interval_is_required():
    with pytest.raises(NodeCreateError, match="^stats node must have positive interval$"):
        setup("stream|from()|stats(0s)")


def test_counts_and_the_next_tick_survive_a_restart():
    clock, _, graph = setup(GROUPED.format(align=".align()"))
    feed(graph, "m,h=a v=1 1", "m,h=a v=2 2")
    tick(clock, graph, WALL + 7 * S)          # first aligned tick (stamped WALL rounded)
    saved = pickle.loads(pickle.dumps(graph.state()))
    # the task starts again 25 s later (a new start time of its own), restored
    clock2, _, graph2 = setup(GROUPED.format(align=".align()"), start=WALL + 32 * S)
    graph2.restore(saved)
    cap = attach(graph2, "stats2")
    feed(graph2, "m,h=a v=3 3")
    tick(clock2, graph2, WALL + 33 * S)       # the restored tick (due at +16.5 s) fires once
    tick(clock2, graph2, WALL + 36 * S)
    tick(clock2, graph2, WALL + 37 * S)       # the next multiple: WALL + 36.5 s
    base = WALL - 3 * S - S // 2
    assert cap.points() == [(base + 20 * S, "stats", {"h": "a"}, "h=a", {"emitted": 3}),
                            (base + 40 * S, "stats", {"h": "a"}, "h=a", {"emitted": 3})]


# -- deadman -------------------------------------------------------------------------------------

DEADMAN = ("stream|from().measurement('m').groupBy('h')|deadman({threshold}, 10s{extra})"
           ".post('http://127.0.0.1:9/')")


def events(ctx):
    return [(e["id"], e["message"], e["level"]) for _, e, _ in ctx.events]


def test_deadman_goes_dead_when_a_group_falls_silent_and_alive_when_it_speaks_again():
    base = WALL - 3 * S - S // 2
    clock, ctx, graph = setup(DEADMAN.format(threshold="0.0", extra=""), task_id="dm")
    assert [n for n in graph.nodes] == ["stream0", "from1", "noop3", "stats2", "derivative4", "alert5"]
    feed(graph, "m,h=a v=1 1")
    tick(clock, graph, base + 10 * S)        # first stats point: no derivative yet
    feed(graph, "m,h=a v=1 2", "m,h=a v=1 3")
    tick(clock, graph, base + 20 * S)        # 2 points in 20 s = 1 per 10 s: alive, no event (OK)
    assert events(ctx) == []
    tick(clock, graph, base + 30 * S)        # silent for 10 s: dead
    ident = "h=a:from1 for task 'dm'"
    assert events(ctx) == [(ident, f"{ident} is dead: 0.000 points/10s.", "CRITICAL")]
    tick(clock, graph, base + 40 * S)        # still dead: the alert repeats (no stateChangesOnly)
    assert len(events(ctx)) == 2
    feed(graph, *(f"m,h=a v=1 {i}" for i in range(4, 9)))
    tick(clock, graph, base + 50 * S)
    assert events(ctx)[-1] == (ident, f"{ident} is alive: 5.000 points/10s.", "OK")
    _, event, _ = ctx.events[-1]
    assert event["data"]["series"][0]["name"] == "stats"
    assert event["data"]["series"][0]["tags"] == {"h": "a"}


def test_deadman_of_a_task_that_never_gets_a_point_goes_dead_at_the_second_tick():
    base = WALL - 3 * S - S // 2
    clock, ctx, graph = setup(DEADMAN.format(threshold="0.0", extra=""), task_id="dm")
    tick(clock, graph, base + 10 * S)        # the nil group with 0: no derivative yet
    assert events(ctx) == []
    tick(clock, graph, base + 20 * S)
    ident = "nil:from1 for task 'dm'"
    assert events(ctx) == [(ident, f"{ident} is dead: 0.000 points/10s.", "CRITICAL")]


def test_deadman_threshold_and_extra_lambdas():
    base = WALL - 3 * S - S // 2
    clock, ctx, graph = setup(DEADMAN.format(threshold="2.0", extra=", lambda: \"h\" == 'a'"), task_id="dm")
    feed(graph, "m,h=a v=1 1", "m,h=b v=1 1")
    tick(clock, graph, base + 10 * S)
    feed(graph, "m,h=a v=1 2", "m,h=a v=1 3", "m,h=b v=1 2", "m,h=b v=1 3")
    tick(clock, graph, base + 20 * S)        # 1 point per 10 s each: <= 2, but only h=a may alert
    assert events(ctx) == [("h=a:from1 for task 'dm'", "h=a:from1 for task 'dm' is dead: 1.000 points/10s.",
                            "CRITICAL")]


def compiled(script, config, task_id="dm", start=WALL):
    clock = Clock(start)
    ctx = MemoryContext(task_id, clock=clock)
    ev = compile_task(script, "stream", {}, deadman=deadman.settings(config))
    return clock, ctx, TaskGraph(ev.pipeline, ctx, task_id=task_id)


def test_deadman_takes_its_id_and_message_from_the_config_section():
    config = StaticConfig({"deadman": {"id": "node 'NODE_NAME' in task '{{ .TaskName }}' NODE_NAME",
                                       "message": "{{ .ID }}: {{ .Level }} INTERVAL INTERVAL"}})
    script = "stream|from().measurement('m')|deadman(0.0, 90s).post('http://127.0.0.1:9/')"
    clock, ctx, graph = compiled(script, config, start=0)
    tick(clock, graph, 90 * S)
    tick(clock, graph, 180 * S)
    # NODE_NAME and INTERVAL are replaced once (strings.Replace with n=1), with Go's duration text
    ident = "node 'from1' in task 'dm' NODE_NAME"
    assert events(ctx) == [(ident, f"{ident}: CRITICAL 1m30s INTERVAL", "CRITICAL")]


def test_global_deadman_watches_the_source_of_every_task():
    config = StaticConfig({"deadman": {"global": True, "interval": "1s", "threshold": 0.25}})
    script = "stream|from().measurement('m')|httpOut('x')"
    clock, _, graph = compiled(script, config, start=0)
    assert [n for n in graph.nodes] == ["stream0", "from1", "http_out2", "stats3", "derivative4", "alert5"]
    assert graph.nodes["stats3"].props["SourceNode"].name == "stream0"
    alert = graph.nodes["alert5"]
    assert alert.props["Id"] == "{{ .Group }}:stream0 for task '{{ .TaskName }}'"
    assert alert.props["Message"].endswith(" points/1s.")
    cap = attach(graph, "alert5")
    feed(graph, "m v=1 1", "other v=1 1")
    tick(clock, graph, S)
    feed(graph, "other v=1 2")
    tick(clock, graph, 2 * S)               # 3 points of the dbrps, 2 of them at t=0: 0.5/s, OK
    assert cap.points() == []
    tick(clock, graph, 3 * S)               # 0 points/s: CRITICAL (no handler: Kapacitor's note
    #                                         says a global handler is needed to hear of it)
    assert cap.points() == [(3 * S, "stats", {}, "", {"emitted": 0.0})]
    assert alert.groups[""].state.level == 3
    # without global, the same config adds nothing
    _, _, plain = compiled(script, StaticConfig({"deadman": {"interval": "1s"}}))
    assert [n for n in plain.nodes] == ["stream0", "from1", "http_out2"]


# -- the [deadman] settings ------------------------------------------------------------------------

def test_settings_default_to_kapacitors_when_the_section_is_absent():
    got = deadman.settings(StaticConfig())
    assert got == {"id": "{{ .Group }}:NODE_NAME for task '{{ .TaskName }}'",
                   "message": '{{ .ID }} is {{ if eq .Level "OK" }}alive{{ else }}dead{{ end }}: '
                              '{{ index .Fields "emitted" | printf "%0.3f" }} points/INTERVAL.',
                   "global": False, "threshold": 0.0, "interval": 10 * S}


@pytest.mark.parametrize("text, ns", [("10s", 10 * S), ("1m30s", 90 * S), ("1.5s", 3 * S // 2), ("500ms", S // 2),
                                      ("2h", 7200 * S), ("0", 0), ("1us", 1000), ("1µs", 1000), (".5m", 30 * S),
                                      (2500, 2500)])
def test_durations_are_gos(text, ns):
    assert deadman.duration_ns(text) == ns


@pytest.mark.parametrize("text, error", [
    ("", 'time: invalid duration ""'), ("s", 'time: invalid duration "s"'), (".", 'time: invalid duration "."'),
    ("10", 'time: missing unit in duration "10"'), ("1s2", 'time: missing unit in duration "1s2"'),
    ("1x", 'time: unknown unit "x" in duration "1x"'), ("1d", 'time: unknown unit "d" in duration "1d"')])
def test_bad_durations_have_gos_text(text, error):
    with pytest.raises(ValueError) as err:
        deadman.duration_ns(text)
    assert str(err.value) == error
