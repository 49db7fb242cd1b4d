"""``NodeRuntime``: the base of every node's runtime, its statistics and the registry.

A task's pipeline (``machstore.tick.evaluate.Pipeline``) says what to run; for each
pipeline node the runtime class registered under its Go type (``@runtime_for("WindowNode")``)
runs it.  Messages are pushed synchronously, depth first: a parent's ``emit_points`` calls
each child's ``receive_points`` before returning, so a chunk written to the store runs
through the whole task within one round of the engine process.

Subclasses override what they handle (each gets the parent's port, its index in the
node's ``parents``, which ``join``/``union`` need):

* ``points(pts, port)`` — a stream chunk;
* ``batch(b, port)`` — one group's batch;
* ``batches(bs, port)`` — many batches in one ``Batches`` message; by default handed to
  ``batch`` one by one, so only nodes with a columnar path override it;
* ``barrier(msg, port)`` / ``delete_group(msg, port)`` — forwarded by default;
* ``state()`` / ``restore(state)`` — everything that must survive a restart, as plain
  Python data and numpy arrays (pickled by the task master with the stream cursor).

Statistics follow Kapacitor's names: per node ``errors``, ``avg_exec_time_ns``,
``working_cardinality`` plus node-specific counters in ``stats.counters``; per node the
``collected`` (messages in) and ``emitted`` (messages out) that Kapacitor keeps on edges:
points on stream edges, batches on batch edges.

Kapacitor's edges also count per group (``edge.GroupStats``), which only ``stats()`` reads;
a node whose output a ``stats`` node watches gets it as an ``out_watchers`` entry
(``nodes/stats.py``), told of every message the node sends to its children.
"""
from __future__ import annotations

import time

from .points import Barrier, Batch, Batches, DeleteGroup, Points

RUNTIMES: dict = {}


def runtime_for(*go_types: str):
    """Register a ``NodeRuntime`` subclass as the runtime of pipeline nodes of ``go_types``."""
    def register(cls):
        for go in go_types:
            RUNTIMES[go] = cls
        return cls
    return register


class UnsupportedNode(Exception):
    """A node whose runtime machstore does not have: the task is refused when enabled."""


class NodeCreateError(ValueError):
    """A node Kapacitor refuses to create (its ``newXNode`` error): the task fails to start."""


class NodeStats:
    """Counters of one node (Kapacitor's node and edge statistics)."""

    __slots__ = ("cardinality", "collected", "counters", "emitted", "errors", "exec_ns", "execs")

    def __init__(self):
        self.collected = 0
        self.emitted = 0
        self.errors = 0
        self.exec_ns = 0
        self.execs = 0
        self.cardinality = 0
        self.counters = {}

    @property
    def avg_exec_time_ns(self) -> int:
        return self.exec_ns // self.execs if self.execs else 0

    def to_dict(self) -> dict:
        out = {"collected": self.collected, "emitted": self.emitted, "errors": self.errors,
               "avg_exec_time_ns": self.avg_exec_time_ns, "working_cardinality": self.cardinality}
        out.update(self.counters)
        return out

    def restore(self, d: dict) -> None:
        self.collected = d.get("collected", 0)
        self.emitted = d.get("emitted", 0)
        self.errors = d.get("errors", 0)
        self.cardinality = d.get("working_cardinality", 0)
        self.counters = {k: v for k, v in d.items() if k not in
                         ("collected", "emitted", "errors", "avg_exec_time_ns", "working_cardinality")}


class NodeRuntime:
    """One running pipeline node (see the module docstring)."""

    out_watchers = ()   # per-group output counters of the stats nodes watching this node

    def __init__(self, pnode, task):
        self.pnode = pnode           # machstore.tick.evaluate.PipelineNode
        self.props = pnode.props     # Go field name -> value, as the script set them
        self.name = pnode.name       # e.g. "window2"
        self.task = task             # the TaskGraph (task.ctx: TaskContext)
        self.children = []           # [(NodeRuntime, port)]
        self.stats = NodeStats()

    @property
    def ctx(self):
        return self.task.ctx

    # -- what subclasses override ------------------------------------------------------------

    def points(self, pts: Points, port: int) -> None:
        raise UnsupportedNode(f"{self.name} does not accept stream points")

    def batch(self, b: Batch, port: int) -> None:
        raise UnsupportedNode(f"{self.name} does not accept batches")

    def batches(self, bs: Batches, port: int) -> None:
        for k in range(len(bs)):
            self.batch(bs.batch(k), port)

    def barrier(self, msg: Barrier, port: int) -> None:
        self.emit_barrier(msg)

    def delete_group(self, msg: DeleteGroup, port: int) -> None:
        self.emit_delete(msg)

    def state(self):
        """Plain data to restore this node after a restart (None: stateless)."""
        return

    def restore(self, state) -> None:
        pass

    # -- emitting --------------------------------------------------------------------------------

    def emit_points(self, pts: Points) -> None:
        if not pts.n:
            return
        # Kapacitor counts emitted on the out edges: per child, none without children
        self.stats.emitted += pts.n * len(self.children)
        if self.out_watchers and self.children:
            for w in self.out_watchers:
                w.points(pts)
        for child, port in self.children:
            child.receive_points(pts, port)

    def emit_batch(self, b: Batch) -> None:
        self.stats.emitted += len(self.children)
        if self.out_watchers and self.children:
            for w in self.out_watchers:
                w.batch(b)
        for child, port in self.children:
            child.receive_batch(b, port)

    def emit_batches(self, bs: Batches) -> None:
        """Send many batches as one message (counted as ``len(bs)`` batches per out edge)."""
        if not len(bs):
            return
        self.stats.emitted += len(bs) * len(self.children)
        if self.out_watchers and self.children:
            for w in self.out_watchers:
                w.batches(bs)
        for child, port in self.children:
            child.receive_batches(bs, port)

    def emit_barrier(self, msg: Barrier) -> None:
        for child, port in self.children:
            child.receive(child.barrier, msg, port)

    def emit_delete(self, msg: DeleteGroup) -> None:
        if self.out_watchers and self.children:
            for w in self.out_watchers:
                w.delete(msg.group)
        for child, port in self.children:
            child.receive(child.delete_group, msg, port)

    def error(self, text: str) -> None:
        """Count and log a per-point error (Kapacitor logs it and drops the point)."""
        self.stats.errors += 1
        self.ctx.log("E", self.name, text)

    # -- receiving (timing and counting around the override) -------------------------------

    def receive_points(self, pts: Points, port: int) -> None:
        self.stats.collected += pts.n
        self.receive(self.points, pts, port)

    def receive_batch(self, b: Batch, port: int) -> None:
        self.stats.collected += 1
        self.receive(self.batch, b, port)

    def receive_batches(self, bs: Batches, port: int) -> None:
        self.stats.collected += len(bs)
        self.receive(self.batches, bs, port)

    def receive(self, handler, msg, port) -> None:
        """Run ``handler`` and count its own time (the children it pushes to are timed apart)."""
        stack = self.task.timing_stack
        stack.append(0)
        start = time.perf_counter_ns()
        try:
            handler(msg, port)
        finally:
            spent = time.perf_counter_ns() - start
            children = stack.pop()
            self.stats.exec_ns += spent - children
            self.stats.execs += 1
            if stack:
                stack[-1] += spent
