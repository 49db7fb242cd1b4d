"""Kapacitor's alerts: levels, per-group alert state, the event sent to handlers, the handlers.

| module | job |
| --- | --- |
| ``levels.py`` | alert levels and ``determineLevel`` over whole columns (info/warn/crit and their resets) |
| ``state.py`` | one group's alert state: the history ring, flapping, trigger times (``alertState``) |
| ``event.py`` | the event (``alert.Data``) as JSON, the templates that render id/message/details |
| ``kernel.py`` | the typed wrapper of ``ext/kapacitor_alert.pyx`` (every group's state decided in one pass) and its Python twin |
| ``handlers.py`` | the sending code of log, post, tcp, exec (``services/local.py`` registers them as services) |
| ``topics.py`` | topics: event states, handler routing at the round's commit, restart (``persist-topics``) |
| ``specs.py`` | topic handler specs (the alerts API's handlers) in the store |
| ``match.py`` | a topic handler's ``match`` lambda (``changed()``, ``level()``, ``name()``...) |
| ``aggregate.py`` | the ``aggregate`` and ``publish`` topic-handler kinds |
| ``inhibit.py`` | ``.category()``/``.inhibit()`` inhibitors |

The notification services (slack, smtp, pagerduty2, ...) are ``machstore/kapacitor/services/``.

The node that uses them is ``machstore/kapacitor/nodes/alert.py``.
"""
