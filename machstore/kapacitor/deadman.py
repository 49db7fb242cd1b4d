"""The ``[deadman]`` section as the TICKscript evaluator needs it (Kapacitor's
``services/deadman``: ``interval``, ``threshold``, ``id``, ``message``, ``global``).

Kapacitor hands its deadman service to every pipeline it builds: ``deadman()`` in a script
takes its alert ``id`` and ``message`` from it (``NODE_NAME`` and ``INTERVAL`` replaced), and
with ``global = true`` every task gets ``deadman(threshold, interval)`` on its source node
(``pipeline.createPipelineAndVars``).  :func:`settings` reads the section from a
``ConfigView`` (the task master's, so overrides apply to tasks started after them) into the
dict ``machstore.tick.evaluate.Evaluator`` takes; a config without the section has
Kapacitor's defaults (``deadman.NewConfig()``), the ``[deadman]`` section's defaults of
``services/core_sections.py`` (one table), and durations are read by
``config/values.parse_duration`` (one Go ``time.ParseDuration``).
"""
from __future__ import annotations

from machstore.kapacitor import config
from machstore.kapacitor.config.values import parse_duration
from machstore.kapacitor.services.core_sections import SECTIONS

DEFAULTS = next(s for s in SECTIONS if s.name == "deadman").defaults


def settings(view) -> dict:
    """``{"id", "message", "global", "threshold", "interval" (ns)}`` of ``view``'s ``[deadman]``."""
    element = view.element("deadman") if view is not None else None
    merged = {**DEFAULTS, **(element or {})}
    return {"id": str(merged["id"]), "message": str(merged["message"]), "global": bool(merged["global"]),
            "threshold": float(merged["threshold"]), "interval": duration_ns(merged["interval"])}


def of_engine(engine) -> dict:
    """``settings`` of the server's effective config (``config.view(engine)``): what every
    compile of a task (validation, DOT, stats, the task master) builds its pipeline with, as
    Kapacitor's task store validates and renders tasks with its deadman service."""
    return settings(config.view(engine))


def duration_ns(value) -> int:
    """A TOML duration (Go's ``time.ParseDuration`` text such as ``"10s"``, ``"1m30s"``, or
    nanoseconds as a number) in nanoseconds; ValueError with Go's text if it is not one."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return parse_duration(str(value))
