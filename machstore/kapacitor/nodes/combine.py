"""``combine``: a self-join; every combination of a group's same-time points that satisfies the
lambdas, one point per lambda, becomes one point (``combine.go``).

Per group the node buffers the points of the current (rounded) time; the next time flushes
them.  Each buffered point is tested against each lambda (the lambdas run on the buffer's
columns with per-group state; an error counts as "no match" and is logged).  For every
k-combination of the buffered points, in Go's lexicographic order, the first lambda takes the
first matching point of the combination, the second the first remaining match, and so on; a
full assignment yields a point: fields and non-group tags prefixed with the ``.as()`` names,
group tags as they are, the buffer's time.  More than ``.max()`` combinations fail the task
with Kapacitor's error, as Kapacitor's node does.
"""
from __future__ import annotations

import itertools
from math import comb

import numpy as np

from machstore.tick.lambdas import compile_lambda
from machstore.tick.state import LambdaState

from ..node import runtime_for
from ..points import Barrier, Batch, Series
from .grouped import GroupedRuntime, go_round, points_from_dicts


class CombinationError(RuntimeError):
    """More combinations than ``.max()``: Kapacitor stops the task with this error."""


@runtime_for("CombineNode")
class CombineRuntime(GroupedRuntime):
    def __init__(self, pnode, task):
        super().__init__(pnode, task)
        p = self.props
        self.lambdas = [compile_lambda(lam) for lam in p.get("Lambdas") or []]
        self.names = list(p.get("Names") or [])
        self.delimiter = p.get("Delimiter", ".")
        self.tolerance = p.get("Tolerance", 0)
        self.max = p.get("Max", 1000000)

    def new_group(self, group, first):
        if isinstance(first, Barrier):
            t, name, dims = first.time, "barrier", first.dims
        elif isinstance(first, Batch):
            t, name, dims = first.tmax, first.name, first.dims
        else:
            t, name, dims = first[0], first[1].name, first[1].dims
        return {"time": t, "name": name, "dims": dims, "points": [], "lambdas": [None] * len(self.lambdas)}

    def points(self, pts, port):
        out = []
        for t, s, fields in pts.rows():
            g = self.group_state(s.group, (t, s, fields))
            t = go_round(t, self.tolerance)
            if t == g["time"]:
                g["points"].append((t, s, fields))
            else:
                out += self._combine(g)
                g["time"] = t
                g["points"] = [(t, s, fields)]
        if out:
            self.emit_points(points_from_dicts(out))

    def batch(self, b, port):
        g = self.group_state(b.group, b)
        g["name"] = b.name
        g["points"] = [(go_round(t, self.tolerance), s, f) for t, s, f in b.points.rows()]
        out = self._combine(g)
        g["points"] = []
        if out:
            self.emit_points(points_from_dicts(out))

    def _combine(self, g) -> list:
        buf = g["points"]
        if not buf:
            return []
        k = len(self.lambdas)
        cols = points_from_dicts(buf).lambda_columns()
        matches = []
        for j, lam in enumerate(self.lambdas):
            st = LambdaState.from_dict(g["lambdas"][j]) if g["lambdas"][j] else lam.new_state()
            res = lam.predicate(cols, st)
            g["lambdas"][j] = st.to_dict()
            if res.errors is not None:
                for err in res.errors[np.not_equal(res.errors, None)]:
                    self.error(f"error evaluating lambda expression: {err}")
            matches.append(res.mask)
        n = len(buf)
        if n < k:
            return []
        count = comb(n, k)
        if count > self.max:
            raise CombinationError(f"refusing to perform combination as total combinations {count} "
                                   f"exceeds max combinations {self.max}")
        dims = set(g["dims"].tag_names)
        out = []
        for indices in itertools.combinations(range(n), k):
            left = list(indices)
            chosen = []
            for s in range(k):
                hit = next((i for i in left if matches[s][i]), None)
                if hit is None:
                    break
                left.remove(hit)
                chosen.append(buf[hit])
            if len(chosen) == k:
                out.append(self._merge(g, chosen, dims))
        return out

    def _merge(self, g, chosen, dims):
        fields, tags = {}, {}
        for name, (_, s, f) in zip(self.names, chosen):
            prefix = name + self.delimiter
            for key, value in f.items():
                fields[prefix + key] = value
            for key, value in s.tags.items():
                tags[key if key in dims else prefix + key] = value
        t = go_round(chosen[0][0], self.tolerance)
        return t, Series.make(g["name"], tags, g["dims"]), fields
