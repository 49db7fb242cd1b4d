"""The InfluxDB-style routes' own HTTP failures, shared by the write, query and auth modules.

``influx.Family.render_error`` turns an :class:`InfluxError` into ``{"error": ...}`` with its
status and headers; modules that refuse a request (bad parameters, body limits, 401, 403)
raise one and let it through.
"""

__all__ = ["InfluxError", "go_quote"]


class InfluxError(Exception):
    """An HTTP-level failure of the InfluxDB family (bad parameters, body limits, auth)."""

    def __init__(self, status, message, headers=None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def go_quote(text):
    """Quote like Go's ``%q`` does for ordinary names."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
