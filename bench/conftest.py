"""Make bench/ modules (tsbs, loadgen) importable from the benchmark suites."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
