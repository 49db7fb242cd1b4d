"""The alert handlers machstore runs: ``.log()``, ``.post()``, ``.tcp()``, ``.exec()``.

A handler is the ``(Go handler type, options)`` pair the pipeline keeps in an alert node's
``props["handlers"]``, e.g. ``('AlertHTTPPostHandler', {'URL': ..., 'Endpoint': ...,
'Timeout': ns, 'Headers': {...}})``.  ``check(handler)`` runs when the task starts and refuses
what Kapacitor refuses (with its text) and every handler kind machstore does not run yet
(slack, email, pagerDuty...: the task fails with "not supported yet" instead of alerts being
dropped).  ``deliver(handler, event)`` sends one event (the ``alert.Data`` dict of
``event.py``) as Kapacitor's handler does (``services/alert/handlers.go``,
``services/httppost``) and raises ``DeliveryError`` on any failure: the task master's outbox
keeps the event and retries (at least once), where Kapacitor logs the error and drops it.

A post handler naming a configured ``[[httppost]]`` endpoint (``endpoint``: that element of
the config, given by ``services/local.py``) posts to the endpoint's URL template with its
headers, its basic auth and, when it has one, its alert template as the body (then without a
``Content-Type``, as Kapacitor sends it); the handler's own headers are set over the
endpoint's.  An unknown endpoint name falls back to the handler's URL, and without one the
handler is refused with Kapacitor's text.
"""
from __future__ import annotations

import base64
import datetime as _dt
import http.client
import logging
import os
import socket
import ssl
import subprocess
import urllib.parse
from dataclasses import dataclass

from machstore.gotemplate import Template, TemplateError
from machstore.kapacitor.services.base import DeliveryError, HandlerError

from .event import encode

SUPPORTED = ("LogHandler", "AlertHTTPPostHandler", "TcpHandler", "ExecHandler")

# The TICKscript method of each handler type, for error messages.
METHODS = {"AlertHTTPPostHandler": "post", "TcpHandler": "tcp", "EmailHandler": "email", "ExecHandler": "exec",
           "LogHandler": "log", "VictorOpsHandler": "victorOps", "PagerDutyHandler": "pagerDuty",
           "PagerDuty2Handler": "pagerDuty2", "PushoverHandler": "pushover", "SensuHandler": "sensu",
           "SlackHandler": "slack", "DiscordHandler": "discord", "BigPandaHandler": "bigPanda",
           "TelegramHandler": "telegram", "HipChatHandler": "hipChat", "AlertaHandler": "alerta",
           "OpsGenieHandler": "opsGenie", "OpsGenie2Handler": "opsGenie2", "TalkHandler": "talk",
           "MQTTHandler": "mqtt", "SNMPTrapHandler": "snmpTrap", "KafkaHandler": "kafka",
           "TeamsHandler": "teams", "ServiceNowHandler": "serviceNow", "ZenossHandler": "zenoss"}

DEFAULT_LOG_MODE = 0o600
log = logging.getLogger(__name__)




def check(handler, endpoint: dict | None = None) -> None:
    """Refuse ``handler`` as ``newAlertNode`` would, or because machstore does not run it yet.
    ``endpoint``: the ``[[httppost]]`` element a post handler names, if configured."""
    kind, opts = handler
    if kind not in SUPPORTED:
        method = METHODS.get(kind, kind)
        raise HandlerError(f"alert handler .{method}() ({kind}) is not supported yet by machstore")
    if kind == "LogHandler":
        _log_config(opts)
    elif kind == "AlertHTTPPostHandler":
        _post_config(opts, endpoint)
    elif kind == "ExecHandler" and not opts.get("Command"):
        raise HandlerError("exec handler needs a program")


def _file_mode_text(mode: int) -> str:
    """Go's ``os.FileMode.String()`` of a permission-only mode (``-rw-r--r--``)."""
    bits = "rwxrwxrwx"
    return "-" + "".join(c if mode & (1 << (8 - i)) else "-" for i, c in enumerate(bits))


def _log_config(opts) -> tuple[str, int]:
    path = opts.get("FilePath", "")
    mode = opts.get("Mode") or DEFAULT_LOG_MODE
    if not (mode & 0o777) & 0o200:
        raise HandlerError(f"failed to create log alert handler: invalid file mode {_file_mode_text(mode & 0o777)}, "
                           "must be user writable")
    if not os.path.isabs(path):
        raise HandlerError(f"failed to create log alert handler: log path must be absolute: {path} is not absolute")
    return path, mode


@dataclass
class _Post:
    url: Template
    headers: dict
    capture: bool
    timeout: float | None
    skip_verify: bool
    endpoint_headers: dict = None
    auth: tuple | None = None
    alert_template: Template | None = None


def _post_template(text: str) -> Template:
    """``httppost.GetTemplate``: a ``body`` template with the ``json``/``jsonCompact`` helpers."""
    from .event import DETAILS_FUNCS
    return Template("body", funcs=DETAILS_FUNCS).parse(text)


def _element_template(element: dict, kind: str) -> Template | None:
    """An element's ``<kind>-template`` text, else the contents of its ``<kind>-template-file``
    (``ValueError`` if the file cannot be read), else None (``kind``: ``alert`` or ``row``)."""
    if element.get(f"{kind}-template"):
        return _post_template(element[f"{kind}-template"])
    path = element.get(f"{kind}-template-file")
    if not path:
        return None
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError as ex:
        raise ValueError(f"failed to read template file \"{path}\": {ex}") from None
    return Template("body").parse(text)


def endpoint_templates(element: dict) -> tuple[Template, Template | None]:
    """The URL and alert templates of a ``[[httppost]]`` element (``TemplateError`` if bad)."""
    url = _post_template(element.get("url") or "")
    try:
        alert = _element_template(element, "alert")
    except ValueError as ex:
        raise HandlerError(f"failed to get alert-template for endpoint \"{element.get('endpoint', '')}\": "
                           f"{ex}") from None
    return url, alert


def endpoint_row_templates(element: dict) -> tuple[Template, Template | None]:
    """The URL and row templates of a ``[[httppost]]`` element (``TemplateError`` if bad,
    ``ValueError`` if the row template file cannot be read)."""
    return _post_template(element.get("url") or ""), _element_template(element, "row")


def _post_config(opts, endpoint: dict | None = None) -> _Post:
    url, name = opts.get("URL", ""), opts.get("Endpoint", "")
    if not url and not name:
        raise HandlerError("Either URL or endpoint must be non-empty")
    timeout = opts.get("Timeout", 0)
    timeout = timeout / 1e9 if timeout > 0 else None
    headers = dict(opts.get("Headers") or {})
    capture, skip = bool(opts.get("CaptureResponseFlag")), bool(opts.get("SkipSSLVerificationFlag"))
    if endpoint is not None:
        try:
            url_tmpl, alert_tmpl = endpoint_templates(endpoint)
        except TemplateError as ex:
            raise HandlerError(f"failed to create HTTPPostService.Handler: failed to parse template: {ex}") from None
        auth = endpoint.get("basic-auth") or {}
        user, password = auth.get("username", ""), auth.get("password", "")
        return _Post(url_tmpl, headers, capture, timeout, skip, dict(endpoint.get("headers") or {}),
                     (user, password) if user and password else None, alert_tmpl)
    # An endpoint name that is not configured: Kapacitor posts to the URL if there is one.
    if not url:
        raise HandlerError("failed to create HTTPPostService.Handler: "
                           "An appropriately formatted url must be specified if an endpoint is not specified")
    try:
        tmpl = Template("body").parse(url)
    except TemplateError as ex:
        raise HandlerError(f"failed to create HTTPPostService.Handler: failed to parse template: {ex}") from None
    return _Post(tmpl, headers, capture, timeout, skip)


# -- delivering --------------------------------------------------------------------------------
def deliver(handler, event: dict, endpoint: dict | None = None) -> None:
    """Send ``event`` to ``handler``; raise ``DeliveryError`` when it did not get there.
    ``endpoint``: the ``[[httppost]]`` element a post handler names, if configured."""
    kind, opts = handler
    check(handler, endpoint)
    body = encode(event)
    if kind == "LogHandler":
        _deliver_log(opts, body)
    elif kind == "AlertHTTPPostHandler":
        _deliver_post(_post_config(opts, endpoint), event, body)
    elif kind == "TcpHandler":
        _deliver_tcp(opts["Address"], body + b"\n")  # NOTE: Encode's newline, then tcpHandler's own
    else:
        _deliver_exec(opts["Command"], body)


def _deliver_log(opts, body: bytes) -> None:
    path, mode = _log_config(opts)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, mode)
    except OSError as ex:
        raise DeliveryError(f"failed to open file for alert logging: {ex} file={path}") from None
    try:
        os.write(fd, body)
    except OSError as ex:
        raise DeliveryError(f"failed to write alert data to {path}: {ex}") from None
    finally:
        os.close(fd)


class _TemplateData:
    """What a post URL template sees: ``alert.Data``'s Go fields."""

    go_type = "alert.Data"

    def __init__(self, event):
        from machstore.gotemplate import values as gv
        self.ID, self.Message, self.Details = event["id"], event["message"], event["details"]
        self.Time = gv.Time(parse_time(event["time"]))
        self.Duration = gv.Duration(event["duration"])
        self.Level, self.PreviousLevel = event["level"], event["previousLevel"]
        self.Data, self.Recoverable = _Result(event["data"]), event["recoverable"]


class _Result:
    """``models.Result`` as a template sees it: ``.Series`` of rows with Name, Tags, Columns, Values."""

    go_type = "models.Result"

    def __init__(self, data):
        self.Series = [_Row(r) for r in ((data or {}).get("series") or [])]


class _Row:
    go_type = "models.Row"

    def __init__(self, row):
        from machstore.gotemplate import values as gv
        self.Name, self.Tags = row.get("name", ""), gv.StringMap(row.get("tags") or {})
        self.Columns, self.Values = list(row.get("columns") or []), [list(v) for v in row.get("values") or []]


def parse_time(text: str) -> int:
    """Unix ns of the event's RFC3339Nano UTC time (what ``alert_data`` wrote)."""
    base, _, frac = text.removesuffix("Z").partition(".")
    secs = int(_dt.datetime.fromisoformat(base).replace(tzinfo=_dt.UTC).timestamp())
    return secs * 10**9 + (int((frac + "000000000")[:9]) if frac else 0)


def _deliver_post(cfg: _Post, event: dict, body: bytes) -> None:
    data = _TemplateData(event)
    content_type = "application/json"
    if cfg.alert_template is not None:
        try:
            body = cfg.alert_template.execute(data).encode()
        except TemplateError as ex:  # Kapacitor logs it and sends nothing for this event
            log.error("failed to execute alert template: %s", ex)
            return
        content_type = None
    try:
        url = cfg.url.execute(data)
    except TemplateError as ex:
        raise DeliveryError(f"failed to create HTTP request: failed to execute url template: {ex}") from None
    headers = {}
    if cfg.auth is not None:
        token = base64.b64encode(f"{cfg.auth[0]}:{cfg.auth[1]}".encode()).decode()
        headers["Authorization"] = "Basic " + token
    canon = {}
    for k, v in list((cfg.endpoint_headers or {}).items()) + list(cfg.headers.items()):
        # Go canonicalises header names: the handler's Set replaces the endpoint's Add
        key = k.title() if k.isascii() else k
        if key in canon:
            headers.pop(canon[key])
        canon[key] = k
        headers[k] = v
    if content_type:
        for k in [k for k in headers if k.lower() == "content-type"]:
            headers.pop(k)
        headers["Content-Type"] = content_type
    status, answer = http_post(url, body, headers, cfg.timeout, cfg.skip_verify)
    if status // 100 != 2:
        detail = answer.decode(errors="replace") if cfg.capture else \
            "unknown error, use .captureResponse() to capture the HTTP response"
        raise DeliveryError(f"POST returned non 2xx status code: {detail} code={status}")


def http_post(url: str, body: bytes, headers: dict, timeout: float | None = None,
              skip_verify: bool = False) -> tuple[int, bytes]:
    """POST with exactly ``headers`` (urllib would add a form Content-Type to a templated body);
    ``(status, response body)``, ``DeliveryError`` if no answer came."""
    parts = urllib.parse.urlsplit(url)
    try:
        if parts.scheme == "https":
            context = ssl.create_default_context()
            if skip_verify:
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE
            conn = http.client.HTTPSConnection(parts.hostname, parts.port, timeout=timeout, context=context)
        elif parts.scheme == "http":
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
        else:
            raise ValueError(f"unsupported protocol scheme \"{parts.scheme}\"")
        try:
            target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            conn.request("POST", target, body=body, headers=headers)
            resp = conn.getresponse()
            return resp.status, resp.read()
        finally:
            conn.close()
    except (OSError, ValueError, http.client.HTTPException) as ex:
        raise DeliveryError(f"failed to POST alert data: {ex}") from None


def _deliver_tcp(address: str, body: bytes) -> None:
    host, _, port = address.rpartition(":")
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=30) as conn:
            conn.sendall(body)
    except (OSError, ValueError) as ex:
        raise DeliveryError(f"tcp handler failed to connect: {ex} address={address}") from None


def _deliver_exec(command: list, body: bytes) -> None:
    try:
        proc = subprocess.run(list(command), input=body, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              check=False)
    except OSError as ex:
        raise DeliveryError(f"exec command failed: {ex}") from None
    if proc.returncode != 0:
        out = proc.stdout.decode(errors="replace")
        raise DeliveryError(f"exec command failed: exit status {proc.returncode} output={out}")
