"""``barrier``: idle and period timers on a fake wall clock, deletes, and what nodes below do.

Kapacitor's own barrier tests (``TestStream_Barrier_*``) sleep on the real clock and count
HTTP posts of a window; these check the same rules of ``barrier.go`` on the barrier's output.
"""
import pickle

import pytest
from kapacitor_capture import attach, chunks_of
from kapacitor_harness import build

from machstore.kapacitor.context import MemoryContext
from machstore.kapacitor.nodes.barrier import BarrierConfigError, BarrierRuntime
from machstore.kapacitor.replay import REBASE_NS

S = 10**9
WALL = 1_700_000_000 * S


def srpl(*lines):
    return "".join(f"dbname\nrpname\n{line}\n" for line in lines)


def t(sec):
    return REBASE_NS + (sec - 1) * S


class Clock:
    def __init__(self):
        self.now = WALL

    def __call__(self):
        return self.now


def setup(script):
    clock = Clock()
    ctx = MemoryContext("barrier", clock=clock)
    _, graph = build(script, ctx)
    return clock, graph


IDLE = "stream|from().measurement('m').groupBy('h')|barrier().idle(10s){props}"


def test_idle_barrier_fires_after_idle_wall_time_at_data_time_plus_idle():
    clock, graph = setup(IDLE.format(props=""))
    cap = attach(graph, "barrier2")
    chunks = chunks_of(srpl("m,h=a v=1 1", "m,h=a v=2 2"))
    graph.feed(chunks[0])
    clock.now += 5 * S
    graph.feed(chunks[1])           # resets the timer: due at WALL + 15s
    clock.now = WALL + 14 * S
    graph.tick(clock.now)
    assert [k for k, _ in cap.messages] == ["point", "point"]
    clock.now = WALL + 15 * S
    graph.tick(clock.now)
    assert cap.messages[-1] == ("barrier", ("h=a", t(2) + 10 * S))
    # still idle: another barrier idle after the last one, idle later in data time; a late
    # round fires once (Go resets its timer when it fires) and the next is idle after that
    clock.now = WALL + 36 * S
    graph.tick(clock.now)
    assert cap.messages[-1] == ("barrier", ("h=a", t(2) + 20 * S))
    clock.now = WALL + 45 * S
    graph.tick(clock.now)
    assert cap.messages[-1] == ("barrier", ("h=a", t(2) + 20 * S))
    clock.now = WALL + 46 * S
    graph.tick(clock.now)
    assert cap.messages[-1] == ("barrier", ("h=a", t(2) + 30 * S))


def test_points_older_than_the_last_barrier_are_dropped():
    clock, graph = setup(IDLE.format(props=""))
    cap = attach(graph, "barrier2")
    graph.feed(chunks_of(srpl("m,h=a v=1 1"))[0])
    clock.now += 10 * S
    graph.tick(clock.now)           # barrier at t(1) + 10s
    late, on_time = chunks_of(srpl("m,h=a v=1 1", "m,h=a v=2 11"))
    graph.feed(late)
    graph.feed(on_time)
    assert [k for k, _ in cap.messages] == ["point", "barrier", "point"]
    assert cap.points()[-1][0] == t(11)


def test_idle_delete_forgets_the_group_below():
    # barrier -> derivative: after the delete the derivative starts over (no previous point)
    clock, graph = setup(IDLE.format(props=".delete(TRUE)") + "|derivative('v')")
    cap = attach(graph, "derivative3")
    chunks = chunks_of(srpl("m,h=a v=1 1", "m,h=a v=2 2", "m,h=a v=5 30", "m,h=a v=9 31"))
    graph.feed(chunks[0])
    graph.feed(chunks[1])
    clock.now += 10 * S
    graph.tick(clock.now)
    assert graph.nodes["barrier2"].groups == {}
    assert graph.nodes["derivative3"].groups == {}
    assert cap.messages[1:] == [("barrier", ("h=a", t(2) + 10 * S)), ("delete", "h=a")]
    graph.feed(chunks[2])
    graph.feed(chunks[3])
    assert [(p[0], p[4]["v"]) for p in cap.points()] == [(t(2), 1.0), (t(31), 4.0)]


def test_period_barrier_ticks_on_wall_time_and_drops_missed_ticks():
    clock, graph = setup("stream|from().measurement('m').groupBy('h')|barrier().period(10s)")
    cap = attach(graph, "barrier2")
    graph.feed(chunks_of(srpl("m,h=a v=1 1"))[0])
    clock.now = WALL + 9 * S
    graph.tick(clock.now)
    assert len(cap.messages) == 1
    clock.now = WALL + 35 * S       # ticks due at +10, +20, +30: one barrier at the wall time
    graph.tick(clock.now)
    assert cap.messages[-1] == ("barrier", ("h=a", WALL + 35 * S))
    clock.now = WALL + 39 * S
    graph.tick(clock.now)
    assert len(cap.messages) == 2
    clock.now = WALL + 40 * S
    graph.tick(clock.now)
    assert cap.messages[-1] == ("barrier", ("h=a", WALL + 40 * S))


def test_period_delete():
    clock, graph = setup("stream|from().measurement('m').groupBy('h')|barrier().period(10s).delete(TRUE)")
    cap = attach(graph, "barrier2")
    graph.feed(chunks_of(srpl("m,h=a v=1 1"))[0])
    clock.now = WALL + 10 * S
    graph.tick(clock.now)
    assert cap.messages[1:] == [("barrier", ("h=a", WALL + 10 * S)), ("delete", "h=a")]
    assert graph.nodes["barrier2"].stats.cardinality == 0


def test_barrier_state_survives_a_restart():
    clock, graph = setup(IDLE.format(props=""))
    graph.feed(chunks_of(srpl("m,h=a v=1 1"))[0])
    saved = pickle.loads(pickle.dumps(graph.state()))
    ctx = MemoryContext("barrier", clock=clock)
    _, again = build(IDLE.format(props=""), ctx)
    again.restore(saved)
    cap = attach(again, "barrier2")
    clock.now += 10 * S
    again.tick(clock.now)
    assert cap.messages == [("barrier", ("h=a", t(1) + 10 * S))]


def test_barrier_needs_idle_or_period():
    class Node:
        def __init__(self):
            self.props = {"Idle": 0, "Period": 0, "Delete": False}
            self.name = "barrier1"

    with pytest.raises(BarrierConfigError, match="barrier node must have either a non zero idle or a non zero period"):
        BarrierRuntime(Node(), None)
