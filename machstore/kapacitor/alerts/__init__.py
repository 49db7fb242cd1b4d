"""Kapacitor's alerts: levels, per-group alert state, the event sent to handlers, the handlers.

| module | job |
| --- | --- |
| ``levels.py`` | alert levels and ``determineLevel`` over whole columns (info/warn/crit and their resets) |
| ``state.py`` | one group's alert state: the history ring, flapping, trigger times (``alertState``) |
| ``event.py`` | the event (``alert.Data``) as JSON, the templates that render id/message/details |
| ``handlers.py`` | the handlers machstore runs (log, post, tcp, exec): checked at task start, ``deliver`` |

The node that uses them is ``machstore/kapacitor/nodes/alert.py``.
"""
