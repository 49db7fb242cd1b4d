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

``.endpoint(name)`` posts through that ``[[httppost]]`` element of the config: its URL template,
its headers (the node's ``.header()`` set over them), its basic auth and, when it has one, its
row template as the body (over ``{Name, Tags, Values}``, sent without a ``Content-Type`` as
Kapacitor sends it).  The element is read again for every chunk, so a config override applies
to a running task; an unknown name refuses the task with Kapacitor's text.

Refused when the task starts, with a clear error: ``.codeField()`` (the response code is only known after the round commits, when the point has
long left the node).
"""
from __future__ import annotations

import base64
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
        self.endpoint_name = endpoints[0] if endpoints else None
        self.endpoint = None
        if self.endpoint_name is not None:
            self._load_endpoint()
        if p.get("CodeField"):
            raise HTTPPostConfigError("httpPost .codeField() is not supported by machstore: posts are delivered "
                                      "after the round commits, so no response code exists while the point flows")
        url = (p.get("URLs") or [""])[0]
        self.url = None
        if self.endpoint is None:
            try:
                self.url = Template("body", funcs={"json": go_json, "jsonCompact": _json_compact}).parse(url)
            except TemplateError as ex:
                raise HTTPPostConfigError(f"error in url templating: {ex}") from ex
        self.node_headers = {canonical_header_key(k): v for k, v in (p.get("Headers") or {}).items()}
        self.timeout = p.get("Timeout", 0)
        self.capture = bool(p.get("CaptureResponseFlag"))

    def _load_endpoint(self) -> None:
        """The named ``[[httppost]]`` element, parsed once per change of its options."""
        element = self.ctx.kapacitor_config.element("httppost", self.endpoint_name)
        if element is None:
            if self.endpoint is None:
                raise HTTPPostConfigError(f"endpoint '{self.endpoint_name}' does not exist")
            return  # removed while running: Kapacitor's closed endpoint; the last one is kept
        if self.endpoint is not None and self.endpoint[0] == element:
            return
        from ..alerts.handlers import endpoint_row_templates
        try:
            url, row = endpoint_row_templates(element)
        except (TemplateError, ValueError) as ex:
            raise HTTPPostConfigError(f"endpoint '{self.endpoint_name}': {ex}") from None
        headers = {canonical_header_key(k): v for k, v in (element.get("headers") or {}).items()}
        auth = element.get("basic-auth") or {}
        if auth.get("username") and auth.get("password"):
            token = base64.b64encode(f"{auth['username']}:{auth['password']}".encode()).decode()
            headers["Authorization"] = "Basic " + token
        self.endpoint = (dict(element), url, row, headers)

    def _post(self, row: dict, times: list) -> None:
        url_tmpl, row_tmpl, headers = self.url, None, {}
        if self.endpoint is not None:
            _, url_tmpl, row_tmpl, headers = self.endpoint
            headers = dict(headers)
        mr = mapped_row(row, times)
        if row_tmpl is not None:
            try:
                body = row_tmpl.execute(mr).encode()
            except TemplateError as ex:
                self.error(f"failed to POST data: failed to execute template: {ex}")
                return
        else:
            body = result_body(row)
            headers["Content-Type"] = "application/json"
        try:
            url = url_tmpl.execute(mr)
        except TemplateError as ex:
            self.error(f"failed to POST data: failed to marshal row data json: failed to execute url template: {ex}")
            return
        headers.update(self.node_headers)
        request = {"url": url, "body": body, "headers": headers, "timeout_ns": self.timeout,
                   "capture_response": self.capture}
        if row_tmpl is not None:
            request["exact_headers"] = True
        self.ctx.http_post(self.name, request)

    def points(self, pts, port):
        if self.endpoint_name is not None:
            self._load_endpoint()
        for group, _ in pts.groups():
            self.group_state(group)
        for i in range(pts.n):
            self._post(point_row(pts, i), [int(pts.time[i])])
        self.emit_points(pts)

    def batch(self, b, port):
        if self.endpoint_name is not None:
            self._load_endpoint()
        self.group_state(b.group)
        self._post(batch_row(b), [int(t) for t in b.points.time])
        self.emit_batch(b)
