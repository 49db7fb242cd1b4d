"""An alert event: Kapacitor's ``alert.Data``, its JSON, and the templates that write its text.

The event handed to ``TaskContext.alert_event`` (and stored in the outbox, and sent by every
handler) is the ``alert.Data`` JSON object as a dict, keys in the Go struct's order::

    {"id", "message", "details", "time", "duration", "level", "data": {"series": [row]},
     "previousLevel", "recoverable"}

``time`` is RFC3339Nano text, ``duration`` integer nanoseconds, levels their names; ``data``
holds one row built as Kapacitor's ``ToResult`` builds it (``rows.py``).  ``encode`` writes
the bytes Go's ``json.Encoder`` writes (struct fields in order, map keys sorted, ``<>&``
escaped, floats as Go prints them, a trailing newline).

``AlertTemplates`` renders ``.id()`` and ``.message()`` with Go ``text/template`` and
``.details()`` with ``html/template`` escaping (``machstore.gotemplate.htmlescape``), with
Kapacitor's ``json``/``jsonCompact`` helpers, from the structs ``alert.go`` passes.
"""
from __future__ import annotations

import socket

from machstore.gotemplate import StringMap, Template, TemplateError
from machstore.gotemplate import values as gv
from machstore.gotemplate.htmlescape import html_template
from machstore.gotemplate.kapacitor import DetailsInfo, IdInfo, MessageInfo, ServerInfo, go_json, group_text
from machstore.influxql.timetext import rfc3339

from .levels import level_name

EVENT_KEYS = ("id", "message", "details", "time", "duration", "level", "data", "previousLevel", "recoverable")


def alert_data(*, id, message, details, time, duration, level, row, previous_level, recoverable,
               event_data=None) -> dict:
    """The ``alert.Data`` dict of one event (``row`` is the Kapacitor result row, a dict), and
    with ``event_data`` the rest of Kapacitor's ``alert.EventData`` under ``eventData``
    (``services/eventdata.py``; ``encode`` leaves it out)."""
    out = {"id": id, "message": message, "details": details, "time": rfc3339(time), "duration": int(duration),
           "level": level_name(level), "data": {"series": [row]}, "previousLevel": level_name(previous_level),
           "recoverable": bool(recoverable)}
    if event_data is not None:
        out["eventData"] = event_data
    return out


def _enc(v, out: list) -> None:
    if isinstance(v, dict):
        out.append("{")
        for k, (key, val) in enumerate(v.items()):
            if k:
                out.append(",")
            out.append(go_json(str(key))[:-1])
            out.append(":")
            _enc(val, out)
        out.append("}")
    elif isinstance(v, list | tuple):
        out.append("[")
        for k, val in enumerate(v):
            if k:
                out.append(",")
            _enc(val, out)
        out.append("]")
    else:
        out.append(go_json(v)[:-1])


def encode(event: dict) -> bytes:
    """Go's ``json.NewEncoder(w).Encode(alertData)`` bytes of an event dict (see the module doc)."""
    out = []
    ordered = {k: event[k] for k in EVENT_KEYS if k in event}
    data = ordered.get("data")
    if isinstance(data, dict):
        series = data.get("series")
        rows = None if series is None else [_row_struct(r) for r in series]
        ordered["data"] = {"series": rows}
    _enc(ordered, out)
    out.append("\n")
    return "".join(out).encode()


def _row_struct(row: dict) -> dict:
    """A ``models.Row`` in field order, empty fields left out (``omitempty``), tags sorted."""
    out = {}
    if row.get("name"):
        out["name"] = row["name"]
    if row.get("tags"):
        out["tags"] = dict(sorted(row["tags"].items()))
    if row.get("columns"):
        out["columns"] = row["columns"]
    if row.get("values"):
        out["values"] = row["values"]
    return out


# -- templates -------------------------------------------------------------------------------
def _json_compact(v):
    return go_json(v)[:-1]


DETAILS_FUNCS = {"json": go_json, "jsonCompact": _json_compact}


class AlertTemplates:
    """The id, message and details templates of one alert node, parsed when the task starts.

    A template error at parse time refuses the task (``TemplateError`` with Go's text); an
    execution error is raised to the node, which fails the task as Kapacitor's does.
    """

    def __init__(self, props: dict, task_id: str, server: ServerInfo | None = None):
        self.task_id = task_id
        self.server = server or ServerInfo(Hostname=socket.gethostname())
        self.id_tmpl = Template("id").parse(props.get("Id", "{{ .Name }}:{{ .Group }}"))
        self.message_tmpl = Template("message").parse(props.get("Message", "{{ .ID }} is {{ .Level }}"))
        self.details_tmpl = html_template("details", props.get("Details", "{{ json . }}"), DETAILS_FUNCS)

    def _id_info(self, name, group, tags) -> IdInfo:
        return IdInfo(Name=name, TaskName=self.task_id, Group=group_text(group), Tags=StringMap(tags),
                      ServerInfo=self.server)

    def render_id(self, name: str, group: str, tags: dict) -> str:
        return self.id_tmpl.execute(self._id_info(name, group, tags))

    def render_message_details(self, *, id, name, group, tags, fields, level, time, duration) -> tuple[str, str]:
        minfo = MessageInfo(idInfo=self._id_info(name, group, tags), ID=id, Fields=dict(fields),
                            Level=level_name(level), Time=gv.Time(time), Duration=gv.Duration(duration))
        message = self.message_tmpl.execute(minfo)
        details = self.details_tmpl.execute(DetailsInfo(messageInfo=minfo, Message=message))
        return message, details


__all__ = ["DETAILS_FUNCS", "EVENT_KEYS", "AlertTemplates", "TemplateError", "alert_data", "encode"]
