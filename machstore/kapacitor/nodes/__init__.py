"""Node runtimes, one module per family; importing this package registers them all.

Each module registers its classes with ``@runtime_for(<Go type>)`` (``node.py``).  A node
type with no runtime here makes ``TaskGraph`` refuse the task with a clear error.
"""
from . import influxdbout, log, outputs, source  # noqa: F401
