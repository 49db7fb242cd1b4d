"""``httpPost``: every point (or batch) as Kapacitor's JSON result, POSTed to a URL (``http_post.go``).

The engine never blocks on the network: each POST is handed to the task context
(``TaskContext.http_post``), which stages it with the round's commit and delivers it after,
logging failures with Kapacitor's texts (see ``context.py``).  The message itself flows on at
once, unchanged.

* body: ``{"series":[row]}`` and a newline, as Go's ``json.Encoder`` writes a ``models.Result``
  (the row as ``httpOut`` shows it; ``Content-Type: application/json``);
* ``.header(k, v)`` headers; ``.timeout(d)``; ``.captureResponse()`` puts the response body in
  the error logged for a non-2xx answer;
* the URL is a Go template over ``{Name, Tags, Values}`` (``TestStream_HttpPost_URL_Template``).

Refused when the task starts, with a clear error: ``.endpoint(name)`` (machstore has no
``[[httppost]]`` endpoint configuration, so no name exists: Kapacitor's own error) and
``.codeField()`` (the response code is only known after the round commits, when the point has
long left the node).
"""
from __future__ import annotations

import dataclasses

from machstore.gotemplate import StringMap, Template, TemplateError, Time
from machstore.gotemplate.kapacitor import go_json

from ..node import runtime_for
from ..rows import batch_row, point_row
from .grouped import GroupedRuntime


class HTTPPostConfigError(ValueError):
    """A property machstore cannot honour: the task does not start."""


def _json_compact(v) -> str:
    return go_json(v).rstrip("\n")


def result_body(row: dict) -> bytes:
    """``json.NewEncoder(w).Encode(models.Result{Series: [row]})`` (fields in the struct's order)."""
    parts = []
    for key in ("name", "tags", "columns", "values"):
        value = row.get(key)
        if value:  # omitempty
            parts.append(f'"{key}":{_json_compact(value)}')
    return ('{"series":[{' + ",".join(parts) + "}]}\n").encode()


_TOKEN = set("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def canonical_header_key(key: str) -> str:
    """Go's ``textproto.CanonicalMIMEHeaderKey`` (what ``Header.Set`` stores): ``x-my-key`` -> ``X-My-Key``."""
    if not key or any(c not in _TOKEN for c in key):
        return key
    return "-".join(part[:1].upper() + part[1:].lower() for part in key.split("-"))


@dataclasses.dataclass
class MappedRow:
    """What the URL template sees (Kapacitor's ``mappedRow``)."""

    go_type = "kapacitor.mappedRow"
    Name: str = ""
    Tags: StringMap = dataclasses.field(default_factory=StringMap)
    Values: list = dataclasses.field(default_factory=list)


def mapped_row(row: dict, times: list) -> MappedRow:
    cols = row.get("columns") or []
    values = []
    for vals, t in zip(row.get("values") or [], times):
        m = dict(zip(cols, vals))
        m["time"] = Time(t)
        values.append(m)
    return MappedRow(row.get("name", ""), StringMap(row.get("tags") or {}), values)


@runtime_for("HTTPPostNode")
class HTTPPostRuntime(GroupedRuntime):
    def __init__(self, pnode, task):
        super().__init__(pnode, task)
        p = self.props
        endpoints = p.get("Endpoints") or []
        if endpoints:
            raise HTTPPostConfigError(f"endpoint '{endpoints[0]}' does not exist")
        if p.get("CodeField"):
            raise HTTPPostConfigError("httpPost .codeField() is not supported by machstore: posts are delivered "
                                      "after the round commits, so no response code exists while the point flows")
        url = (p.get("URLs") or [""])[0]
        try:
            self.url = Template("body", funcs={"json": go_json, "jsonCompact": _json_compact}).parse(url)
        except TemplateError as ex:
            raise HTTPPostConfigError(f"error in url templating: {ex}") from ex
        headers = {"Content-Type": "application/json"}
        for k, v in (p.get("Headers") or {}).items():
            headers[canonical_header_key(k)] = v
        self.headers = headers
        self.timeout = p.get("Timeout", 0)
        self.capture = bool(p.get("CaptureResponseFlag"))

    def _post(self, row: dict, times: list) -> None:
        try:
            url = self.url.execute(mapped_row(row, times))
        except TemplateError as ex:
            self.error(f"failed to POST data: failed to marshal row data json: failed to execute url template: {ex}")
            return
        self.ctx.http_post(self.name, {"url": url, "body": result_body(row), "headers": dict(self.headers),
                                       "timeout_ns": self.timeout, "capture_response": self.capture})

    def points(self, pts, port):
        for group, _ in pts.groups():
            self.group_state(group)
        for i in range(pts.n):
            self._post(point_row(pts, i), [int(pts.time[i])])
        self.emit_points(pts)

    def batch(self, b, port):
        self.group_state(b.group)
        self._post(batch_row(b), [int(t) for t in b.points.time])
        self.emit_batch(b)
