"""The state of a lambda's stateful functions for one group, storable across restarts.

Kapacitor keeps ONE instance of each stateful function per expression (``ExecutionState``),
so two ``count()`` calls in the same lambda share a counter.  This object holds exactly that
per group: ``count``'s counter, ``sigma``'s running mean and variance (Welford), ``spread``'s
min and max and ``rand``'s generator, and dumps to a dict or bytes so task state survives a
restart.
"""

import json
import math
import os
import time

_MASK64 = 0xFFFFFFFFFFFFFFFF


class LambdaState:
    """Per-group state of ``count``, ``sigma``, ``spread`` and ``rand``."""

    __slots__ = ("clock", "count", "m2", "max", "mean", "min", "n", "rand_state", "variance")

    def __init__(self, clock=time.time_ns):
        self.clock = clock
        self.reset()
        self.rand_state = int.from_bytes(os.urandom(8), "little")

    def reset(self):
        """Forget everything (Kapacitor's ``Expression.Reset``); the generator keeps going."""
        self.count = 0
        self.mean = 0.0
        self.variance = 0.0
        self.m2 = 0.0
        self.n = 0.0
        self.min = math.inf
        self.max = -math.inf

    # -- dump / load ---------------------------------------------------------------------

    def to_dict(self):
        """The state as plain JSON-able data (floats as hex so nothing is rounded)."""
        return {"count": self.count, "sigma": [float.hex(v) for v in
                                               (self.mean, self.variance, self.m2, self.n)],
                "spread": [float.hex(self.min), float.hex(self.max)],
                "rand": self.rand_state}

    @classmethod
    def from_dict(cls, data, clock=time.time_ns):
        """Rebuild a state dumped by ``to_dict``."""
        state = cls(clock)
        state.count = int(data["count"])
        state.mean, state.variance, state.m2, state.n = (float.fromhex(v) for v in data["sigma"])
        state.min, state.max = (float.fromhex(v) for v in data["spread"])
        state.rand_state = int(data["rand"]) & _MASK64
        return state

    def to_bytes(self):
        """The state as compact JSON bytes."""
        return json.dumps(self.to_dict(), separators=(",", ":")).encode()

    @classmethod
    def from_bytes(cls, data, clock=time.time_ns):
        """Rebuild a state dumped by ``to_bytes``."""
        return cls.from_dict(json.loads(data), clock)

    def __eq__(self, other):
        return isinstance(other, LambdaState) and self.to_dict() == other.to_dict()

    # -- one step of each stateful function ------------------------------------------------

    def sigma_step(self, x):
        """Kapacitor's ``sigma``: add x (Welford) and return its distance in std devs."""
        self.n += 1
        delta = x - self.mean
        self.mean = self.mean + delta / self.n
        self.m2 = self.m2 + delta * (x - self.mean)
        self.variance = _fdiv(self.m2, self.n - 1)
        if self.n < 2 or self.variance == 0:
            return 0.0
        return _fdiv(abs(x - self.mean), _sqrt(self.variance))

    def sigma_steps(self, xs):
        """``sigma_step`` over a column, in order (the same float operations, so equal)."""
        n, mean, m2, variance = self.n, self.mean, self.m2, self.variance
        out = [0.0] * len(xs)
        for i, x in enumerate(xs.tolist()):
            n += 1
            delta = x - mean
            mean = mean + delta / n
            m2 = m2 + delta * (x - mean)
            variance = _fdiv(m2, n - 1)
            if n >= 2 and variance != 0:
                out[i] = _fdiv(abs(x - mean), _sqrt(variance))
        self.n, self.mean, self.m2, self.variance = n, mean, m2, variance
        return out

    def spread_step(self, x):
        """Kapacitor's ``spread``: the running max minus min (NaN never replaces either)."""
        self.min = min(self.min, x)
        self.max = max(self.max, x)
        return self.max - self.min

    def rand_next(self):
        """The next 64-bit value of the generator (splitmix64; Kapacitor uses mwc)."""
        self.rand_state = (self.rand_state + 0x9E3779B97F4A7C15) & _MASK64
        z = self.rand_state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
        return z ^ (z >> 31)

    def rand_below(self, bound):
        """A value in [0, uint64(bound)), as Go's ``Uint64n``; 0 for a zero bound."""
        bound &= _MASK64
        if bound == 0:
            return 0
        return (self.rand_next() % bound) & ((1 << 63) - 1)

    def now_ns(self):
        """The wall clock (``now()``)."""
        return self.clock()


def _fdiv(a, b):
    """IEEE float division (Python raises on a zero divisor; Go does not)."""
    if b == 0:
        if a == 0 or math.isnan(a):
            return math.nan
        return math.copysign(math.inf, a) * math.copysign(1.0, b)
    return a / b


def _sqrt(v):
    return math.sqrt(v) if v >= 0 or math.isnan(v) else math.nan
