"""Kapacitor's configuration: the service sections, the config file, the override API's store.

``view(engine)`` is the ``ConfigView`` handlers read (``services/base.py``).
NOTE: until the override store lands, the view holds the sections' defaults only.
"""
from __future__ import annotations

from machstore.kapacitor.services.base import ConfigView, StaticConfig


def view(engine=None) -> ConfigView:
    """The effective Kapacitor config of the server whose store is ``engine``'s."""
    return StaticConfig()


__all__ = ["view"]
