"""``allocator.keep_freed_memory``: big arrays freed by one query are reused by the next without page faults."""
import subprocess
import sys

import pytest

PROBE = """
import resource, sys
import numpy as np
from machstore.allocator import keep_freed_memory
applied = keep_freed_memory() if sys.argv[1] == "keep" else None
def round_():
    arrays = [np.ones(1 << 20) for _ in range(12)]     # 12 arrays of 8 MB, as a query's columns
    del arrays
round_()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
round_()
print(applied, resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def faults(mode):
    out = subprocess.run([sys.executable, "-c", PROBE, mode], capture_output=True, text=True, check=True).stdout
    applied, count = out.split()
    return applied, int(count)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_a_second_round_of_big_arrays_does_not_fault_again():
    applied, kept = faults("keep")
    _, default = faults("default")
    assert applied == "True"
    # glibc's defaults map and unmap the 96 MB again (thousands of faults, fewer with huge pages);
    # kept memory is reused as it is
    assert default > 1000
    assert kept < default / 10
