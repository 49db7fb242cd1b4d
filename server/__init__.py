"""machstore's HTTP front doors (installed as ``machstore.server``).

``create_app(engine_factory, settings)`` in :mod:`machstore.server.app` builds the one
Falcon WSGI app; each API family lives in its own module (``influx``: InfluxDB 1.x and
Kapacitor writes and pings; ``influx_query``: ``/query``; ``influx_auth``: users and
privileges on those routes).  No storage logic lives here.
"""
from machstore.server.app import create_app

__all__ = ["create_app"]
