"""Make bench/ modules (tsbs, loadgen) importable from the benchmark suites."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def register_report(request, name, make_report):
    """Register a suite's end-of-run summary plugin once per session (``make_report()`` builds it).

    The suites print their points/s tables with a ``pytest_terminal_summary`` hook on a small
    plugin object; a module-scoped fixture calls this so that the table appears exactly once.
    """
    manager = request.config.pluginmanager
    if not manager.has_plugin(name):
        manager.register(make_report(), name)
