"""Alert levels and Kapacitor's ``determineLevel``, computed over whole columns.

``alert.go`` decides a point's level from the group's current level: it tries CRITICAL,
WARNING, INFO down to and including the current level and takes the first expression that
is true; when none is, a reset expression of the current level that is *false* keeps the
current level; otherwise it tries the current level and below, and falls back to OK.  Put
plainly: the level is the highest level whose expression is true (OK when none), except that
a point whose highest true level is below the current one keeps the current level while that
level's reset expression is false.

Here every level and reset expression runs once per chunk as a boolean column; only the
"stay at the current level" rule needs a loop, and only when resets exist.  Lambdas with
stateful functions (``sigma``, ``count``, ``spread``) must advance on exactly the points
Kapacitor evaluates them on, so with such lambdas the points are decided one by one in
Kapacitor's order.  As in ``alert.go`` there is one instance of each expression (and of its
stateful functions) per node, shared by all groups.
"""
from __future__ import annotations

import numpy as np

from machstore.tick.lambda_types import LambdaError
from machstore.tick.lambdas import compile_lambda

OK, INFO, WARNING, CRITICAL = 0, 1, 2, 3
NAMES = ("OK", "INFO", "WARNING", "CRITICAL")
_PROPS = ((INFO, "Info", "info"), (WARNING, "Warn", "warn"), (CRITICAL, "Crit", "crit"))


def level_name(level: int) -> str:
    """``alert.Level.String()``."""
    return NAMES[level] if 0 <= level < len(NAMES) else "unknown"


def parse_level(text: str) -> int:
    """``alert.ParseLevel``: a level name, any case."""
    up = text.upper()
    if up in NAMES:
        return NAMES.index(up)
    raise ValueError(f"unknown alert level '{up}'")


class LevelError(Exception):
    """A level expression Kapacitor would refuse to compile (the task does not start)."""


class LevelRules:
    """The compiled ``.info/.warn/.crit`` and ``.infoReset/...`` of one alert node.

    ``log(text)`` receives Kapacitor's evaluation error lines (logged, never counted: in
    ``alert.go`` they go to the diagnostic log only).
    """

    def __init__(self, props: dict, log):
        self.log = log
        self.levels = [None] * 4
        self.resets = [None] * 4
        for level, prop, word in _PROPS:
            if props.get(prop) is None:
                continue  # NOTE: alert.go compiles a reset only when its level has an expression
            self.levels[level] = _compile(props[prop], word)
            if props.get(prop + "Reset") is not None:
                self.resets[level] = _compile(props[prop + "Reset"], word + "Reset")
        self.states = {}
        for kind, lams in (("level", self.levels), ("reset", self.resets)):
            for level, lam in enumerate(lams):
                if lam is not None and lam.stateful:
                    self.states[(kind, level)] = lam.new_state()
        self.stateful = bool(self.states)
        self.has_resets = any(r is not None for r in self.resets)

    # -- state of the stateful functions (shared by all groups, as in alert.go) ------------------
    def state(self):
        return {f"{k}:{lvl}": st.to_dict() for (k, lvl), st in self.states.items()} or None

    def restore(self, saved):
        from machstore.tick.state import LambdaState
        for key, d in (saved or {}).items():
            kind, lvl = key.split(":")
            if (kind, int(lvl)) in self.states:
                self.states[(kind, int(lvl))] = LambdaState.from_dict(d)

    # -- columns ------------------------------------------------------------------------------------
    def _masks(self, pts, kind):
        """``{level: (mask, errors or None)}`` of every level (or reset) expression on ``pts``."""
        lams = self.levels if kind == "level" else self.resets
        out = {}
        for level, lam in enumerate(lams):
            if lam is None:
                continue
            res = lam.predicate(pts.lambda_columns(lam.refs), self.states.get((kind, level)))
            out[level] = (res.mask, res.errors)
        return out

    def _log_errors(self, errors, rows, level, reset=False):
        if errors is None:
            return
        for err in errors[rows]:
            if err is not None:
                if reset:
                    self.log(f"error evaluating reset expression for current level: {err} "
                             f"level={level_name(level)}")
                else:
                    self.log(f"error evaluating expression for level: {err} level={level_name(level)}")

    def _top(self, pts):
        """The highest level whose expression is true per point (OK when none), errors logged
        for the points that reach each expression (no higher level was true)."""
        top = np.zeros(pts.n, dtype=np.int8)
        for level, (mask, errors) in sorted(self._masks(pts, "level").items(), reverse=True):
            reached = top == OK
            self._log_errors(errors, reached, level)
            top[reached & mask] = level
        return top

    def stream_levels(self, pts, current: int) -> np.ndarray:
        """The level of each point of one group's chunk, each decided from the previous one's."""
        if self.stateful:
            out = np.empty(pts.n, dtype=np.int8)
            for i in range(pts.n):
                current = out[i] = self._one(pts.take(np.array([i])), current)
            return out
        return self.group_levels(self.prepare(pts), np.arange(pts.n), current)

    def prepare(self, pts):
        """Evaluate every expression once over a whole chunk of many groups (stateless lambdas
        only: their result on a point does not depend on which other points they saw)."""
        top = self._top(pts)
        if not self.has_resets:
            return top, None
        resets = self._masks(pts, "reset")
        keep = {lvl: (~mask & (np.equal(errors, None) if errors is not None else True), errors)
                for lvl, (mask, errors) in resets.items()}
        return top, keep

    def group_levels(self, prepared, rows, current: int) -> np.ndarray:
        """The levels of the points ``rows`` (one group, in order) of a chunk given to ``prepare``."""
        top, keep = prepared
        top = top[rows]
        if keep is None:
            return top
        out = top.copy()
        for i, t in enumerate(top.tolist()):
            if t < current and current in keep:
                row = rows[i]
                kept, errors = keep[current]
                self._log_errors(errors, slice(row, row + 1), current, reset=True)
                if kept[row]:
                    out[i] = current
                    continue
            current = t
        return out

    def batch_levels(self, pts, current: int) -> np.ndarray:
        """The level of each point of a batch, all decided from the group's current level."""
        if self.stateful:
            return np.array([self._one(pts.take(np.array([i])), current) for i in range(pts.n)], dtype=np.int8)
        top = self._top(pts)
        lam = self.resets[current]
        if lam is None:
            return top
        below = top < current
        mask, errors = self._masks(pts, "reset")[current]
        self._log_errors(errors, below, current, reset=True)
        keep = below & ~mask & (np.equal(errors, None) if errors is not None else True)
        return np.where(keep, np.int8(current), top)

    # -- one point at a time, in alert.go's order (stateful lambdas) --------------------------
    def _eval(self, kind, level, one):
        lam = (self.levels if kind == "level" else self.resets)[level]
        res = lam.predicate(one.lambda_columns(lam.refs), self.states.get((kind, level)))
        err = res.errors[0] if res.errors is not None else None
        if err is not None:
            self._log_errors(res.errors, slice(0, 1), level, reset=kind == "reset")
            return None
        return bool(res.mask[0])

    def _first_match(self, start, stop, one):
        stop = max(stop, OK)
        for level in range(start, stop, -1):
            if self.levels[level] is not None and self._eval("level", level, one):
                return level
        return None

    def _one(self, one, current):
        found = self._first_match(CRITICAL, current - 1, one)
        if found is not None:
            return found
        if self.resets[current] is not None and self._eval("reset", current, one) is False:
            return current
        found = self._first_match(current, OK, one)
        return OK if found is None else found


def _compile(node, word):
    try:
        return compile_lambda(node)
    except LambdaError as ex:
        raise LevelError(f"Failed to compile stateful expression for {word}: {ex}") from None
