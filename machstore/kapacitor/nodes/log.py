"""``log()``: every point or batch that passes, written to the task log (``log.go``).

Lines have the logfmt fields of Kapacitor's ``LogPointData``/``LogBatchData`` (message
``point``, or ``begin batch``/``batch point``/``end batch``; ``prefix``, ``name``, ``db``,
``rp``, ``group``, ``dimension``, ``tag_<k>``, ``field_<k>``, ``time``).  ``.level`` is
upper-cased: ``ERROR`` and ``DEBUG`` log at those levels, anything else at ``INFO``, as
Kapacitor's switch does.  Messages pass on unchanged.  A per-point loop: a log line per
point is what the node is for.
"""
from __future__ import annotations

import json

import numpy as np

from machstore.influxql.timetext import rfc3339

from ..node import NodeRuntime, runtime_for

_LEVELS = {"ERROR": "E", "DEBUG": "D"}


def logfmt_value(v) -> str:
    """Kapacitor's ``writeString`` (quoted when it holds a space or a quote) of a Go value."""
    if isinstance(v, bool):
        s = "true" if v else "false"
    elif isinstance(v, int):
        s = str(v)
    elif isinstance(v, float):
        s = np.format_float_positional(v, trim="-") if np.isfinite(v) else \
            "NaN" if np.isnan(v) else "+Inf" if v > 0 else "-Inf"
    else:
        s = str(v)
    return json.dumps(s, ensure_ascii=False) if (" " in s or '"' in s) else s


def _pairs(prefix, items) -> list:
    return [f"{prefix}_{k}={logfmt_value(v)}" for k, v in sorted(items.items())]


@runtime_for("LogNode")
class LogRuntime(NodeRuntime):
    def __init__(self, pnode, task):
        super().__init__(pnode, task)
        self.level = _LEVELS.get(str(self.props.get("Level", "INFO")).upper(), "I")
        self.prefix = self.props.get("Prefix", "")

    def _line(self, msg, parts):
        self.ctx.log(self.level, self.name, " ".join([f"msg={logfmt_value(msg)}", *parts]))

    def points(self, pts, port):
        for i in range(pts.n):
            s = pts.series_of(i)
            self._line("point", [
                f"prefix={logfmt_value(self.prefix)}", f"name={logfmt_value(s.name)}",
                f"db={logfmt_value(pts.db)}", f"rp={logfmt_value(pts.rp)}", f"group={logfmt_value(s.group)}",
                *[f"dimension={logfmt_value(d)}" for d in s.dims.tag_names],
                *_pairs("tag", s.tags), *_pairs("field", pts.row_fields(i)),
                f"time={rfc3339(pts.time[i])}"])
        self.emit_points(pts)

    def batch(self, b, port):
        head = [f"prefix={logfmt_value(self.prefix)}", f"name={logfmt_value(b.name)}",
                f"group={logfmt_value(b.group)}"]
        self._line("begin batch", [*head, *_pairs("tag", b.tags), f"time={rfc3339(b.tmax)}"])
        pts = b.points
        for i in range(pts.n):
            self._line("batch point", [*head, *_pairs("tag", pts.series_of(i).tags),
                                       *_pairs("field", pts.row_fields(i)), f"time={rfc3339(pts.time[i])}"])
        self._line("end batch", [*head, *_pairs("tag", b.tags), f"time={rfc3339(b.tmax)}"])
        self.emit_batch(b)
