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

Configured ``[[httppost]]`` endpoints do not exist yet: ``.post().endpoint('name')`` without a
URL is refused at task start with Kapacitor's text for an unknown endpoint.
"""
from __future__ import annotations

import datetime as _dt
import os
import socket
import ssl
import subprocess
import urllib.error
import urllib.request
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




def check(handler) -> None:
    """Refuse ``handler`` as ``newAlertNode`` would, or because machstore does not run it yet."""
    kind, opts = handler
    if kind not in SUPPORTED:
        method = METHODS.get(kind, kind)
        raise HandlerError(f"alert handler .{method}() ({kind}) is not supported yet by machstore")
    if kind == "LogHandler":
        _log_config(opts)
    elif kind == "AlertHTTPPostHandler":
        _post_config(opts)
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


def _post_config(opts) -> _Post:
    url, endpoint = opts.get("URL", ""), opts.get("Endpoint", "")
    if not url and not endpoint:
        raise HandlerError("Either URL or endpoint must be non-empty")
    # NOTE: no [[httppost]] endpoint is configured yet, so every endpoint name is unknown:
    # Kapacitor then posts to the URL if there is one, and refuses the handler if not.
    if not url:
        raise HandlerError("failed to create HTTPPostService.Handler: "
                           "An appropriately formatted url must be specified if an endpoint is not specified")
    try:
        tmpl = Template("body").parse(url)
    except TemplateError as ex:
        raise HandlerError(f"failed to create HTTPPostService.Handler: failed to parse template: {ex}") from None
    timeout = opts.get("Timeout", 0)
    return _Post(tmpl, dict(opts.get("Headers") or {}), bool(opts.get("CaptureResponseFlag")),
                 timeout / 1e9 if timeout > 0 else None, bool(opts.get("SkipSSLVerificationFlag")))


# -- delivering --------------------------------------------------------------------------------
def deliver(handler, event: dict) -> None:
    """Send ``event`` to ``handler``; raise ``DeliveryError`` when it did not get there."""
    kind, opts = handler
    check(handler)
    body = encode(event)
    if kind == "LogHandler":
        _deliver_log(opts, body)
    elif kind == "AlertHTTPPostHandler":
        _deliver_post(_post_config(opts), event, body)
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
        self.Time = gv.Time(_parse_time(event["time"]))
        self.Duration = gv.Duration(event["duration"])
        self.Level, self.PreviousLevel = event["level"], event["previousLevel"]
        self.Data, self.Recoverable = event["data"], event["recoverable"]


def _parse_time(text: str) -> int:
    """Unix ns of the event's RFC3339Nano UTC time (what ``alert_data`` wrote)."""
    base, _, frac = text.removesuffix("Z").partition(".")
    secs = int(_dt.datetime.fromisoformat(base).replace(tzinfo=_dt.UTC).timestamp())
    return secs * 10**9 + (int((frac + "000000000")[:9]) if frac else 0)


def _deliver_post(cfg: _Post, event: dict, body: bytes) -> None:
    try:
        url = cfg.url.execute(_TemplateData(event))
    except TemplateError as ex:
        raise DeliveryError(f"failed to create HTTP request: failed to execute url template: {ex}") from None
    req = urllib.request.Request(url, data=body, method="POST")
    for k, v in cfg.headers.items():
        req.add_header(k, v)
    req.add_header("Content-Type", "application/json")
    context = None
    if cfg.skip_verify:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    try:
        with urllib.request.urlopen(req, timeout=cfg.timeout, context=context) as resp:
            resp.read()
    except urllib.error.HTTPError as ex:
        detail = ex.read().decode(errors="replace") if cfg.capture else \
            "unknown error, use .captureResponse() to capture the HTTP response"
        raise DeliveryError(f"POST returned non 2xx status code: {detail} code={ex.code}") from None
    except (urllib.error.URLError, OSError, ValueError) as ex:
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
