"""``influxDBOut``: write the points a task produces back into the store (``influxdb_out.go``).

Each point keeps its name (or ``.measurement``), its tags plus ``.tag`` pairs (which win)
and its fields; it goes to ``.database``/``.retentionPolicy`` or, when those are empty,
to the database and retention policy the point came from (a batch has none).  As
Kapacitor's write buffer does, points wait per database and retention policy until
``.buffer`` of them are queued or the ``.flushInterval`` ticker (started with the task)
fires; stopping the task flushes.  The queue is part of the node's state, so a restart
neither loses nor repeats a buffered point.  A write goes through the context into the
round's transaction; ``points_written`` counts the points of every successful write,
``write_errors`` every failed one (logged as ``failed to write points to InfluxDB``).

Kapacitor's other client options: ``.cluster`` names an InfluxDB configuration — only the
store itself exists here (``''`` or ``'default'``), another name stops the task from
starting with Kapacitor's ``no such InfluxDB config`` error; ``.precision`` must be a Go
duration unit, otherwise each batch is refused and logged (as the client's
``NewBatchPoints`` does); ``.writeConsistency`` is validated as InfluxDB's ``/write`` does
(``any``, ``one``, ``quorum``, ``all``) and otherwise makes every write fail.
"""
from __future__ import annotations

from ..lineformat import PRECISIONS
from ..node import NodeRuntime, UnsupportedNode, runtime_for
from ..points import Points, concat

CLUSTERS = ("", "default")
CONSISTENCY = ("", "any", "one", "quorum", "all")


@runtime_for("InfluxDBOutNode")
class InfluxDBOutRuntime(NodeRuntime):
    def __init__(self, pnode, task):
        super().__init__(pnode, task)
        p = self.props
        cluster = p.get("Cluster", "")
        if cluster not in CLUSTERS:
            raise UnsupportedNode(f"failed to get InfluxDB client: no such InfluxDB config {cluster}")
        self.database = p.get("Database", "")
        self.rp = p.get("RetentionPolicy", "")
        self.measurement = p.get("Measurement", "")
        self.tags = dict(p.get("Tags") or {})
        self.precision = p.get("Precision", "")
        self.consistency = p.get("WriteConsistency", "")
        self.size = int(p.get("Buffer", 1000))
        self.interval = int(p.get("FlushInterval", 10 * 10**9))
        if self.interval <= 0:
            raise UnsupportedNode("non-positive interval for NewTicker")
        self.queue = {}         # (db, rp) -> [Points], in arrival order
        self.next_flush = self.ctx.now_ns() + self.interval
        self.stats.counters = {"points_written": 0, "write_errors": 0}
        self._series_memo = {}
        if p.get("CreateFlag"):
            self.ctx.create_database(self.database, self.rp)

    # -- shaping points -------------------------------------------------------------------

    def _renamed(self, pts: Points, name: str | None) -> Points:
        """The chunk with each series' name and tags as the written point has them."""
        if not self.measurement and not self.tags and name is None:
            return pts
        out = []
        for s in pts.series:
            key = (s, name)   # the Series itself (identity hash): a key keeps it alive, an id() would not
            m = self._series_memo.get(key)
            if m is None:
                if len(self._series_memo) > 100_000:
                    self._series_memo.clear()
                tags = {**s.tags, **self.tags} if self.tags else s.tags
                m = self._series_memo[key] = s.replace(name=self.measurement or name or s.name, tags=tags)
            out.append(m)
        return pts.with_series(out)

    # -- messages ---------------------------------------------------------------------------

    def points(self, pts, port):
        self._enqueue(self.database or pts.db, self.rp or pts.rp, self._renamed(pts, None))
        self.emit_points(pts)

    def batch(self, b, port):
        if b.points.n:
            self._enqueue(self.database, self.rp, self._renamed(b.points, b.name))
        self.emit_batch(b)

    def _enqueue(self, db, rp, pts):
        if PRECISIONS.get(self.precision) is None:
            self.ctx.log("E", self.name, f'msg="failed to write points to InfluxDB" '
                                         f'err="time: unknown unit \\"{self.precision}\\" in duration \\"1{self.precision}\\""')
            return
        key = (db, rp)
        self.queue.setdefault(key, []).append(pts)
        if sum(c.n for c in self.queue[key]) >= self.size:
            self._write(key)

    def on_clock(self, now_ns):
        if now_ns < self.next_flush:
            return
        missed = (now_ns - self.next_flush) // self.interval
        self.next_flush += (missed + 1) * self.interval
        self.flush()

    def on_stop(self):
        self.flush()

    def flush(self):
        for key in list(self.queue):
            self._write(key)

    def _write(self, key):
        chunks = self.queue.pop(key, None)
        if not chunks:
            return
        db, rp = key
        pts = concat(chunks)

        def done(error, n=pts.n):
            counters = self.stats.counters
            if error is None:
                counters["points_written"] = counters.get("points_written", 0) + n
            else:
                counters["write_errors"] = counters.get("write_errors", 0) + 1
                self.ctx.log("E", self.name, f'msg="failed to write points to InfluxDB" err="{error}"')

        if self.consistency not in CONSISTENCY:
            done("invalid consistency level")
            return
        self.ctx.write_points(db, rp, Points(pts.time, pts.sid, pts.series, pts.fields, db, rp),
                              precision=self.precision, done=done)

    # -- state ---------------------------------------------------------------------------------

    def state(self):
        return {"queue": {k: list(v) for k, v in self.queue.items()}, "next_flush": self.next_flush}

    def restore(self, state):
        if state:
            self.queue = {tuple(k): list(v) for k, v in state["queue"].items()}
            self.next_flush = state["next_flush"]
