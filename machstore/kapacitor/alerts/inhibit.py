"""``alert().inhibit(category, tags...)``: alerts of a category held back while another is raised.

Kapacitor (``alert/inhibit.go``) keeps one lookup per server: every group of an alert node
with ``.inhibit('cat', 'host')`` registers an inhibitor for category ``cat`` with the group's
``host`` tag; it is set while that group's last trigger was not OK.  An event of a node with
``.category('cat')`` whose tags match a set inhibitor is inhibited: counted in
``alerts_inhibited`` and sent to no topic (the point still goes downstream).  Inhibitors live
in memory only, as in Kapacitor; a node's are removed when its group is deleted or the task
stops.
"""
from __future__ import annotations


class Inhibitors:
    """The inhibitor lookup: ``key -> (category, tags, set?)``."""

    def __init__(self):
        self._by_key = {}

    def add(self, key, category: str, tags: dict, inhibited: bool = False) -> None:
        self._by_key[key] = (category, dict(tags), inhibited)

    def set(self, key, inhibited: bool) -> None:
        entry = self._by_key.get(key)
        if entry is not None:
            self._by_key[key] = (entry[0], entry[1], inhibited)

    def remove(self, key) -> None:
        self._by_key.pop(key, None)

    def remove_prefix(self, prefix: tuple) -> None:
        """Remove every inhibitor whose key starts with ``prefix`` (a task's, a node's)."""
        n = len(prefix)
        for key in [k for k in self._by_key if k[:n] == prefix]:
            del self._by_key[key]

    def is_inhibited(self, category: str, tags: dict) -> bool:
        for cat, want, on in self._by_key.values():
            if on and cat == category and all(tags.get(k, "") == v for k, v in want.items()):
                return True
        return False


PROCESS_INHIBITORS = Inhibitors()
