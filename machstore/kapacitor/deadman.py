"""The ``[deadman]`` section as the TICKscript evaluator needs it (Kapacitor's
``services/deadman``: ``interval``, ``threshold``, ``id``, ``message``, ``global``).

Kapacitor hands its deadman service to every pipeline it builds: ``deadman()`` in a script
takes its alert ``id`` and ``message`` from it (``NODE_NAME`` and ``INTERVAL`` replaced), and
with ``global = true`` every task gets ``deadman(threshold, interval)`` on its source node
(``pipeline.createPipelineAndVars``).  :func:`settings` reads the section from a
``ConfigView`` (the task master's, so overrides apply to tasks started after them) into the
dict ``machstore.tick.evaluate.Evaluator`` takes; a config without the section has
Kapacitor's defaults (``deadman.NewConfig()``).
"""
from __future__ import annotations

import re

from machstore.tick.gocompat import go_quote

DEFAULTS = {
    "interval": "10s",
    "threshold": 0.0,
    "id": "{{ .Group }}:NODE_NAME for task '{{ .TaskName }}'",
    "message": ('{{ .ID }} is {{ if eq .Level "OK" }}alive{{ else }}dead{{ end }}: '
                '{{ index .Fields "emitted" | printf "%0.3f" }} points/INTERVAL.'),
    "global": False,
}


def settings(view) -> dict:
    """``{"id", "message", "global", "threshold", "interval" (ns)}`` of ``view``'s ``[deadman]``."""
    element = view.element("deadman") if view is not None else None
    merged = {**DEFAULTS, **(element or {})}
    return {"id": str(merged["id"]), "message": str(merged["message"]), "global": bool(merged["global"]),
            "threshold": float(merged["threshold"]), "interval": duration_ns(merged["interval"])}


_UNITS = {"ns": 1, "us": 10**3, "µs": 10**3, "μs": 10**3, "ms": 10**6, "s": 10**9, "m": 60 * 10**9,
          "h": 3600 * 10**9}
_PART = re.compile(r"(\d*)(?:\.(\d*))?([^\d.]*)")


def duration_ns(value) -> int:
    """A TOML duration (Go's ``time.ParseDuration`` text such as ``"10s"``, ``"1m30s"``, or
    nanoseconds as a number) in nanoseconds; ValueError with Go's text if it is not one."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = str(value)
    quoted = go_quote(text)
    body, sign = text, 1
    if body[:1] in ("+", "-"):
        sign, body = (-1 if body[0] == "-" else 1), body[1:]
    if body == "0":
        return 0
    if not body:
        raise ValueError(f"time: invalid duration {quoted}")
    pos, total = 0, 0
    while pos < len(body):
        m = _PART.match(body, pos)
        whole, frac, unit = m.group(1), m.group(2), m.group(3)
        if not whole and not frac:
            raise ValueError(f"time: invalid duration {quoted}")
        if not unit:
            raise ValueError(f"time: missing unit in duration {quoted}")
        if unit not in _UNITS:
            raise ValueError(f"time: unknown unit {go_quote(unit)} in duration {quoted}")
        size = _UNITS[unit]
        total += int(whole or "0") * size + (int(frac) * size // 10 ** len(frac) if frac else 0)
        pos = m.end()
    return sign * total
