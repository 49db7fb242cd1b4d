"""Node runtimes, one module per family; importing this package registers them all.

Each module registers its classes with ``@runtime_for(<Go type>)`` (``node.py``).  A node
type with no runtime here makes ``TaskGraph`` refuse the task with a clear error.
"""
from . import (  # noqa: F401
    alert,
    barrier,
    combine,
    eval_node,
    flatten,
    groupby,
    httppost,
    influxdbout,
    influxql,
    join,
    log,
    outputs,
    sideload,
    source,
    stateful,
    stats,
    transform,
    union,
    window,
)
