"""Kapacitor's stream test data (``integrations/testdata/*.srpl``) read into ``Points`` chunks.

A ``.srpl`` file repeats three lines: database, retention policy, one line-protocol point
with a time in seconds.  Kapacitor's test replay rebases times so the first point falls on
1971-01-01T00:00:00Z (``replay.go``); ``read_srpl`` does the same, and also yields the
rebased line protocol so tests can write the same data through ``/write``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from machstore import lineproto

from .flat import points_from_flat
from .points import Points, Series, column

REBASE_NS = 31_536_000 * 10**9  # 1971-01-01T00:00:00Z


@dataclass
class ReplayPoint:
    db: str
    rp: str
    name: str
    tags: dict
    fields: dict
    time: int  # ns, rebased

    def line(self) -> str:
        """The point as line protocol with a nanosecond time (for ``/write``)."""
        tags = "".join(f",{_esc(k)}={_esc(v)}" for k, v in sorted(self.tags.items()))
        parts = []
        for k, v in self.fields.items():
            if isinstance(v, bool):
                text = "true" if v else "false"
            elif isinstance(v, int):
                text = f"{v}i"
            elif isinstance(v, float):
                text = repr(v)  # shortest text that parses back to the same float64
            else:
                text = '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
            parts.append(f"{_esc(k)}={text}")
        return f"{_esc(self.name)}{tags} {','.join(parts)} {self.time}"


def _esc(s: str) -> str:
    return s.replace("\\", "\\\\").replace(",", "\\,").replace("=", "\\=").replace(" ", "\\ ")


def read_srpl(text: str, *, rebase: bool = True) -> list[ReplayPoint]:
    """The points of a ``.srpl`` text, times rebased to 1971-01-01 unless ``rebase`` is False."""
    lines = text.splitlines()
    out, first = [], None
    for i in range(0, len(lines) - 2, 3):
        db, rp, lp = lines[i].strip(), lines[i + 1].strip(), lines[i + 2].strip()
        if not lp:
            continue
        chunk = parse_line(lp, db, rp)
        for t, s, fields in chunk.rows():
            if first is None:
                first = t
            out.append(ReplayPoint(db, rp, s.name, dict(s.tags), fields, REBASE_NS + (t - first) if rebase else t))
    return out


def parse_line(text: str, db: str = "", rp: str = "", precision: str = "s") -> Points:
    """Line protocol parsed into one chunk (as a write of it would reach a stream task)."""
    batch = lineproto.parse(text.encode(), precision=precision)
    if batch.errors:
        raise ValueError(batch.error_messages()[0])
    series = []
    for key in batch.series_keys:
        name, tags = lineproto.split_series_key(key)
        series.append(Series.make(name.decode(), {k.decode(): v.decode() for k, v in tags}))
    columns = [(bytes(k).decode(), None) for k in batch.field_keys]
    # the parser types each value; a segment types each column: split by (field, type)
    keys = {}
    col = np.empty(len(batch.value_field), dtype=np.int64)
    for j, (f, t) in enumerate(zip(batch.value_field.tolist(), batch.value_type.tolist())):
        col[j] = keys.setdefault((columns[f][0], t), len(keys))
    return points_from_flat(series, batch.point_series, batch.point_time, batch.value_point, col,
                            batch.value_bits, list(keys), batch.strings, db=db, rp=rp)


def to_chunks(points: list[ReplayPoint]) -> list[Points]:
    """One ``Points`` chunk per point, as a live stream delivers them one write at a time."""
    chunks = []
    series = {}
    for p in points:
        key = (p.name, tuple(sorted(p.tags.items())))
        s = series.get(key)
        if s is None:
            s = series[key] = Series.make(p.name, dict(sorted(p.tags.items())))
        chunks.append(Points.from_rows([(p.time, s, p.fields)], p.db, p.rp))
    return chunks


__all__ = ["REBASE_NS", "ReplayPoint", "column", "parse_line", "read_srpl", "to_chunks"]
