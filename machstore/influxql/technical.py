"""InfluxQL's technical-analysis functions over one stream, on the compiled kernels.

The typed surface over ``machstore._ext_technical`` (``ext/technical.pyx``); the semantics, and
the oracle the kernels are tested against, are in :mod:`.technical_ref`.

>>> emitted, out = run("exponential_moving_average", np.array([1.0, 2.0, 3.0]), period=2)
>>> emitted.tolist(), out.tolist()
([False, True, True], [1.0, 1.6666666666666665, 2.5555555555555554])
"""
import numpy as np

from machstore import _ext_technical as _kernels

from .technical_ref import NAMES, WARM_EXPONENTIAL, WARM_NONE, WARM_SIMPLE, warm_count

__all__ = ["NAMES", "WARM_EXPONENTIAL", "WARM_NONE", "WARM_SIMPLE", "run", "warm_count"]

_DROP_INF = ("kaufmans_efficiency_ratio", "kaufmans_adaptive_moving_average", "triple_exponential_derivative")


def run(name, values, *, period, hold=-1, warmup=WARM_EXPONENTIAL):
    """``(emitted, out)``: per point of ``values`` whether indicator ``name`` emits, and its value.

    ``hold`` is the hold period (-1: the indicator's warm-up count), counted as Go's uint32;
    ``warmup`` one of ``WARM_EXPONENTIAL``, ``WARM_SIMPLE`` or (the oscillator only) ``WARM_NONE``.
    """
    values = np.ascontiguousarray(values, dtype=np.float64)
    out = _kernels.run(name, values, period=int(period), warmup=int(warmup))
    if hold == -1:
        hold = warm_count(name, period, warmup)
    hold = int(hold) & 0xFFFFFFFF
    emitted = np.arange(len(out)) >= hold
    if name in _DROP_INF:
        emitted &= ~np.isinf(out)
    return emitted, out
