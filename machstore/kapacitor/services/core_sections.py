"""Config sections of Kapacitor's core with no handler: ``[alert]`` and ``[deadman]``.

Defaults are Kapacitor 1.7's ``NewConfig()`` (``services/alert/config.go``,
``services/deadman/config.go``).  Neither has an ``override`` struct tag in Kapacitor's
``server/config.go``, so both are read from the config file only: ``/kapacitor/v1/config``
does not list them and an override of them is refused as one of an unknown section.

* ``[alert]``: ``persist-topics`` (keep topic event states across restarts) and
  ``topic-buffer-length`` (events buffered per topic handler, ``alert.DefaultEventBufferSize``);
* ``[deadman]``: ``interval``, ``threshold``, ``id``, ``message`` of TICKscript's
  ``deadman()`` and ``global`` (a deadman on every task).
"""
from __future__ import annotations

from .base import Section

DEADMAN_ID = "{{ .Group }}:NODE_NAME for task '{{ .TaskName }}'"
DEADMAN_MESSAGE = ('{{ .ID }} is {{ if eq .Level "OK" }}alive{{ else }}dead{{ end }}: '
                   '{{ index .Fields "emitted" | printf "%0.3f" }} points/INTERVAL.')

SECTIONS = [
    Section("alert", {"persist-topics": True, "topic-buffer-length": 5000}, overridable=False),
    Section("deadman", {"interval": "10s", "threshold": 0.0, "id": DEADMAN_ID, "message": DEADMAN_MESSAGE,
                        "global": False}, overridable=False),
]
