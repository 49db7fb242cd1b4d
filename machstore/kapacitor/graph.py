"""``TaskGraph``: a task's pipeline turned into connected node runtimes.

Built from ``machstore.tick.evaluate.evaluate(...).pipeline``: one ``NodeRuntime`` per
pipeline node (looked up by Go type in ``node.RUNTIMES``), children wired with the port
that is the parent's index in the child's ``parents`` list.  The stream task master feeds
chunks to ``feed``; ``state``/``restore`` carry every node's state across restarts.
"""
from __future__ import annotations

from . import nodes  # noqa: F401 - registers the node runtimes
from .node import RUNTIMES, UnsupportedNode
from .points import Points


class TaskGraph:
    """The running form of one task."""

    def __init__(self, pipeline, ctx, *, task_id: str = ""):
        self.ctx = ctx
        self.task_id = task_id or ctx.task_id
        self.timing_stack = []
        self.order = pipeline.sorted()
        self.nodes = {}
        for pn in self.order:
            cls = RUNTIMES.get(pn.spec.go)
            if cls is None:
                raise UnsupportedNode(f"node {pn.name} ({pn.desc}) is not supported by machstore yet")
            self.nodes[pn.name] = cls(pn, self)
        for pn in self.order:
            rt = self.nodes[pn.name]
            for child in pn.children:
                rt.children.append((self.nodes[child.name], child.parents.index(pn)))
        self.sources = [self.nodes[pn.name] for pn in pipeline.sources]

    def feed(self, pts: Points) -> None:
        """Push one stream chunk (points written to one db/rp) into every source."""
        if not pts.n:
            return
        for src in self.sources:
            if src.pnode.spec.go == "StreamNode":
                src.receive_points(pts, 0)

    def tick(self, now_ns: int) -> None:
        """Let wall-clock driven nodes (barrier idle/period, stats) act; called every round."""
        for rt in self.nodes.values():
            on_clock = getattr(rt, "on_clock", None)
            if on_clock is not None:
                on_clock(now_ns)

    def finish(self) -> None:
        """The task stops: let nodes that buffer (``join``, ``union``) emit what they hold, in
        pipeline order, as Kapacitor's nodes do when their input edges close (``Finish``)."""
        for pn in self.order:
            rt = self.nodes[pn.name]
            finish = getattr(rt, "finish", None)
            if finish is not None:
                rt.receive(lambda _msg, _port, f=finish: f(), None, 0)

    def close(self) -> None:
        """Let nodes release what they hold outside the task (alert inhibitors): call it when
        the task stops, is reloaded or deleted."""
        for rt in self.nodes.values():
            close = getattr(rt, "close", None)
            if close is not None:
                close()

    def stop(self) -> None:
        """The task is being stopped (disabled, changed, deleted): buffering nodes emit what they
        hold (``finish``), outputs flush (``on_stop``), then nodes release what they hold outside
        the task (``close``)."""
        self.finish()
        for rt in self.nodes.values():
            on_stop = getattr(rt, "on_stop", None)
            if on_stop is not None:
                on_stop()
        self.close()

    def node_stats(self) -> dict:
        """``{node name: stats dict}`` in pipeline order."""
        return {name: rt.stats.to_dict() for name, rt in self.nodes.items()}

    def state(self) -> dict:
        return {name: {"state": rt.state(), "stats": rt.stats.to_dict()} for name, rt in self.nodes.items()}

    def restore(self, saved: dict) -> None:
        for name, entry in (saved or {}).items():
            rt = self.nodes.get(name)
            if rt is not None:
                if entry.get("state") is not None:
                    rt.restore(entry["state"])
                rt.stats.restore(entry.get("stats") or {})
