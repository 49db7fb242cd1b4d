"""``EXPLAIN`` and ``EXPLAIN ANALYZE`` of a SELECT, in InfluxDB 1.8's shape.

InfluxDB prints one plan node per iterator it would create (``query/explain.go``): the
iterator's expression (``<nil>`` for raw fields, which it lists as AUXILIARY FIELDS), then its
cost from the storage engine.  machstore plans the SELECT exactly as it would run it, with an
engine stand-in that records each read instead of decoding it, and prints one node per
(read, iterator expression) with machstore's costs under InfluxDB's names:

* NUMBER OF SHARDS: the time partitions of the retention policy (its shard duration) that
  hold the rows;
* NUMBER OF SERIES: the series the read covers, after tag pruning;
* CACHED VALUES: points still in pending segments (InfluxDB's cache: written, not compacted);
* NUMBER OF FILES: 1 (the store is one LMDB file);
* NUMBER OF BLOCKS / SIZE OF BLOCKS: the compressed blocks overlapping the time range.

``EXPLAIN ANALYZE`` runs the statement for real and prints a tree of what it did, as
InfluxDB's tracing tree does: planning time (until the first read), execution time (reads and
the work on their rows), total time and rows emitted, then each read with its labels, costs,
time and the rows it returned.
"""
import time

import numpy as np

from machstore.storage.rows import RowSet
from machstore.storage.scan import stack

from . import ast
from .evaluate import MATH

__all__ = ["explain", "explain_analyze"]


class _RecordingEngine:
    """Stands in for the engine during planning: reads are recorded (and, if ``decode``, done)."""

    def __init__(self, engine, decode):
        self._engine, self._decode = engine, decode
        self.reads = []
        self.first_read = None   # perf_counter() when the first read began

    def __getattr__(self, name):
        return getattr(self._engine, name)

    def scan_series(self, db, series_ids, start=None, end=None, *, rp=None, **options):
        read = self._record(db, series_ids, start, end, rp)
        if not self._decode:
            return stack([[] for _ in read["ids"]], options.get("types") or {})
        began = time.perf_counter()
        scan = self._engine.scan_series(db, read["ids"], start, end, rp=rp, **options)
        read["seconds"], read["rows"] = time.perf_counter() - began, len(scan)
        return scan

    def read_many(self, db, series_ids, start=None, end=None, *, rp=None, **options):
        read = self._record(db, series_ids, start, end, rp)
        if not self._decode:
            return {sid: RowSet(np.empty(0, dtype=np.int64)) for sid in read["ids"]}
        began = time.perf_counter()
        out = self._engine.read_many(db, read["ids"], start, end, rp=rp, **options)
        read["seconds"], read["rows"] = time.perf_counter() - began, sum(len(rows) for rows in out.values())
        return out

    def _record(self, db, series_ids, start, end, rp):
        series_ids = list(series_ids)
        if self.first_read is None:
            self.first_read = time.perf_counter()
        cost = self._engine.read_cost(db, series_ids, start, end, rp=rp)
        read = {"db": db, "rp": rp, "ids": series_ids, "cost": cost, "rows": 0, "seconds": 0.0}
        self.reads.append(read)
        return read


def explain(engine, stmt, run):
    """Rows of ``EXPLAIN stmt``: ``run(engine)`` plans and runs the SELECT on the engine given."""
    recorder = _RecordingEngine(engine, decode=False)
    run(recorder)
    lines = []
    for read in recorder.reads:
        _, types = _measurement_of(engine, read)
        for expr, aux in _iterator_nodes(stmt, types):
            if lines:
                lines.append("")
            lines.append(f"EXPRESSION: {expr or '<nil>'}")
            if aux:
                lines.append("AUXILIARY FIELDS: " + ", ".join(aux))
            cost = read["cost"]
            lines += [f"NUMBER OF SHARDS: {cost['partitions']}", f"NUMBER OF SERIES: {cost['series']}",
                      f"CACHED VALUES: {cost['pending_points']}", "NUMBER OF FILES: 1",
                      f"NUMBER OF BLOCKS: {cost['blocks']}", f"SIZE OF BLOCKS: {cost['block_bytes']}"]
    return lines or [""]


def explain_analyze(engine, stmt, run):
    """Rows of ``EXPLAIN ANALYZE stmt``: the statement runs, its reads are timed and counted."""
    recorder = _RecordingEngine(engine, decode=True)
    began = time.perf_counter()
    out = run(recorder)
    ended = time.perf_counter()
    planning = (recorder.first_read or ended) - began
    rows = sum(len(s.values) for s in out)
    reads = []
    for read in recorder.reads:
        measurement, _ = _measurement_of(engine, read)
        cost = read["cost"]
        reads.append(("read", [
            ("labels", [f"database: {read['db']}", f"retention_policy: {read['rp'] or ''}",
                        f"measurement: {measurement}"]),
            f"read_time: {_duration(read['seconds'])}", f"series: {cost['series']}",
            f"shards: {cost['partitions']}", f"cached_values: {cost['pending_points']}",
            f"blocks: {cost['blocks']}", f"block_bytes: {cost['block_bytes']}", f"rows_read: {read['rows']}"]))
    tree = ("select", [
        f"execution_time: {_duration(ended - began - planning)}", f"planning_time: {_duration(planning)}",
        f"total_time: {_duration(ended - began)}", f"rows_emitted: {rows}",
        ("field_iterators", [("labels", [f"statement: {stmt}"])] + reads)])
    return ["."] + _tree_lines([tree], "")


def _measurement_of(engine, read):
    """The measurement a read covers and its field types (``{}`` when it read no series)."""
    if not read["ids"]:
        return "", {}
    wanted = read["ids"][0]
    for series in engine.list_series(read["db"], None, read["rp"]):
        if series["id"] == wanted:
            m = series["measurement"]
            types = engine.list_fields(read["db"], m, read["rp"])
            types.update({k: "tag" for k in series["tags"]})
            return m, types
    return "", {}


def _iterator_nodes(stmt, types):
    """``[(expression text or None, [auxiliary field texts])]`` InfluxDB would build for ``stmt``."""
    calls = []
    for f in stmt.fields:
        calls += [c for c in _innermost_calls(f.expr) if c not in calls]
    if calls:
        return [(_typed(c, types), []) for c in calls]
    aux = []
    for f in stmt.fields:
        if isinstance(f.expr, ast.Wildcard):
            aux += [_typed(ast.VarRef(k), types) for k in sorted(types)]
        else:
            aux += [_typed(n, types) for n in ast.walk(f.expr) if isinstance(n, ast.VarRef)]
    return [(None, list(dict.fromkeys(aux)))]


def _innermost_calls(expr):
    """The calls of an expression that read points (not math around them, not calls of calls)."""
    out = []
    for node in ast.walk(expr):
        if not isinstance(node, ast.Call) or node.name.lower() in MATH:
            continue
        if not any(isinstance(a, ast.Call) for a in node.args):
            out.append(node)
    return out


def _typed(node, types):
    """Text of a node with each field reference annotated with its type (``v::float``)."""
    if isinstance(node, ast.VarRef):
        kind = node.type or types.get(node.name, "")
        return f"{ast.quote_ident(node.name)}::{kind}" if kind else str(node)
    if isinstance(node, ast.Call):
        return f"{node.name}({', '.join(_typed(a, types) for a in node.args)})"
    return str(node)


def _duration(seconds):
    return ast.go_duration(int(seconds * 1e9))


def _tree_lines(children, indent):
    """InfluxDB's tracing tree: ``├──``/``└──`` branches, ``│`` guides."""
    lines = []
    for i, child in enumerate(children):
        last = i == len(children) - 1
        name, below = (child, []) if isinstance(child, str) else child
        lines.append(indent + ("└── " if last else "├── ") + name)
        lines += _tree_lines(below, indent + ("    " if last else "│   "))
    return lines
