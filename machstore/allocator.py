"""Keep freed memory in the process for the next request instead of handing it back to the kernel.

Why: glibc returns freed heap memory above ``M_TRIM_THRESHOLD`` to the kernel and maps big
blocks with ``mmap`` (unmapped again on ``free``); its adaptive thresholds stop at a few MB.
A query that builds 35 MB of column arrays then page-faults on every page of them, on every
request: in the VMs this runs on a fault costs ~2.5 µs, 20 of the 60 ms of reading
``double-groupby-all`` (``bench/profile_queries.py``).  :func:`keep_freed_memory` raises both
thresholds, so arrays up to 32 MB come from the heap and up to 256 MB of freed heap stay for
reuse: a worker's memory stays near its high-water mark (the price of not faulting).

``machstore serve`` calls it in the master before the workers fork (they inherit it).  Where
the C library is not glibc it does nothing and returns False.
"""
import ctypes

__all__ = ["keep_freed_memory"]

_M_TRIM_THRESHOLD = -1   # glibc's mallopt parameter numbers (malloc.h)
_M_MMAP_THRESHOLD = -3


def keep_freed_memory(*, mmap_threshold=32 << 20, trim_threshold=256 << 20):
    """Set glibc's mmap and trim thresholds for this process (and its forks); True when applied."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    return bool(mallopt(_M_MMAP_THRESHOLD, mmap_threshold)) and bool(mallopt(_M_TRIM_THRESHOLD, trim_threshold))
