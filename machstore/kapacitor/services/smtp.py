"""``email`` alerts: Kapacitor's ``services/smtp`` (``[smtp]``, topic kind ``smtp``).

An event is one mail: subject = the event's message, HTML body = its details, sent with the
headers gomail writes (``Mime-Version``, ``Date``, ``From``, ``To`` (addresses joined by
``", "``), ``Subject``, ``Content-Type: text/html; charset=UTF-8``, quoted-printable body) to
the handler's ``to`` list plus its rendered ``to-field`` templates (over ``alert.EventData``),
or to ``[smtp] to`` when that is empty.  As Kapacitor's single mailer goroutine does, one
connection is kept and reused by the next mail; it is closed (``QUIT``) once ``idle-timeout``
passes without a mail, and replaced when any ``[smtp]`` option changes (an override), as
Kapacitor's ``Update`` makes its mailer dial anew.
Dialing: implicit TLS on port 465, otherwise ``STARTTLS`` when the server offers it (the
certificate is not checked with ``no-verify``), then ``AUTH`` when a username is set.
Unlike Kapacitor (which queues the mail and only logs a failed send) a failed send raises
``DeliveryError``, so the outbox retries it.
"""
from __future__ import annotations

import email.utils
import json
import logging
import quopri
import smtplib
import ssl
import threading
import time

from machstore.tick.gocompat import GoError, parse_influxql_duration

from . import mapdecode as md
from .base import DeliveryError, HandlerError, Null, Section, Service
from .eventdata import EventDataView, TemplateError, parse

log = logging.getLogger(__name__)
NO_RECIPIENTS = "not sending email, no recipients defined"


# -- config ---------------------------------------------------------------------------------------
def _address_error(addr: str) -> str | None:
    """Go's ``mail.ParseAddress`` error text for the common failures, or ``None``."""
    if not addr.strip():
        return "mail: no address"
    _name, parsed = email.utils.parseaddr(addr)
    if not parsed:
        return "mail: no address"
    if "@" not in parsed:
        return "mail: missing @ in addr-spec"
    local, _, domain = parsed.rpartition("@")
    if not local:
        return "mail: invalid string"
    if not domain:
        return "mail: no angle-addr"
    return None


def _idle_ns(text) -> int:
    try:
        return parse_influxql_duration(str(text))
    except GoError as ex:
        raise ValueError(str(ex)) from None


def validate(c: dict) -> None:
    """``smtp.Config.Validate``."""
    if not c.get("host"):
        raise ValueError("host cannot be empty")
    if int(c.get("port") or 0) <= 0:
        raise ValueError(f"invalid port {int(c.get('port') or 0)}")
    if _idle_ns(c.get("idle-timeout") or "0s") < 0:
        raise ValueError("idle timeout must be positive")
    if c.get("enabled") and not c.get("from"):
        raise ValueError("must provide a 'from' address")
    if c.get("from"):
        err = _address_error(c["from"])
        if err:
            raise ValueError(f"invalid from email address: \"{c['from']}\", {err}")
    for t in c.get("to") or []:
        err = _address_error(t)
        if err:
            raise ValueError(f"invalid to email address: \"{t}\", {err}")


SECTION = Section("smtp", {
    "enabled": False, "host": "localhost", "port": 25, "username": "", "password": "", "no-verify": False,
    "global": False, "state-changes-only": False, "from": "", "to": Null("slice"), "to-templates": Null("slice"),
    "idle-timeout": "30s",
}, redacted=("password",), validate=validate)


# -- the mailer -----------------------------------------------------------------------------------
class _Mailer:
    """One SMTP connection reused across mails, closed after ``idle-timeout`` (see the module doc)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.conn: smtplib.SMTP | None = None
        self.key = None
        self.timer: threading.Timer | None = None

    def _dial(self, c: dict) -> smtplib.SMTP:
        host, port = c["host"], int(c["port"])
        context = ssl.create_default_context()
        if c.get("no-verify"):
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        if port == 465:
            conn = smtplib.SMTP_SSL(host, port, local_hostname="localhost", context=context, timeout=30)
        else:
            conn = smtplib.SMTP(host, port, local_hostname="localhost", timeout=30)
        conn.ehlo()
        if port != 465 and conn.has_extn("starttls"):
            conn.starttls(context=context)
            conn.ehlo()
        if c.get("username") and conn.has_extn("auth"):
            conn.login(c["username"], c.get("password") or "")
        return conn

    def _close_locked(self):
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        if self.conn is not None:
            try:
                self.conn.quit()
            except (smtplib.SMTPException, OSError):
                self.conn.close()
            self.conn = None
            self.key = None

    def _idle_close(self, conn):
        with self.lock:
            if self.conn is conn:
                self._close_locked()

    def send(self, c: dict, sender: str, to: list, message: bytes) -> None:
        key = json.dumps(c, sort_keys=True, default=str)  # any config update replaces the connection
        idle = _idle_ns(c.get("idle-timeout") or "0s") / 1e9
        with self.lock:
            if self.key != key:
                self._close_locked()
            try:
                if self.conn is None:
                    self.conn, self.key = self._dial(c), key
                self.conn.sendmail(sender, to, message)
            except (smtplib.SMTPException, OSError) as ex:
                if self.conn is not None:
                    self.conn.close()
                self.conn, self.key = None, None
                raise DeliveryError(f"error sending: {ex}") from None
            if self.timer is not None:
                self.timer.cancel()
            self.timer = threading.Timer(idle, self._idle_close, (self.conn,))
            self.timer.daemon = True
            self.timer.start()

    def close(self):
        with self.lock:
            self._close_locked()


MAILER = _Mailer()


def _message(c: dict, to: list, subject: str, body: str) -> bytes:
    """The message gomail writes for ``SetHeader From/To/Subject`` + ``SetBody("text/html")``."""
    headers = [("Mime-Version", "1.0"), ("Date", email.utils.formatdate(time.time(), localtime=True)),
               ("From", c.get("from") or ""), ("To", ", ".join(to)), ("Subject", _header_text(subject)),
               ("Content-Type", "text/html; charset=UTF-8"), ("Content-Transfer-Encoding", "quoted-printable")]
    head = "".join(f"{k}: {v}\r\n" for k, v in headers).encode()
    # Go's quotedprintable.Writer ends lines with CRLF (smtplib sends bytes as they are)
    encoded = quopri.encodestring(body.encode()).replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    return head + b"\r\n" + encoded


def _header_text(text: str) -> str:
    """gomail's ``mime.QEncoding`` of a header value that is not plain ASCII."""
    if text.isascii():
        return text
    from email.header import Header
    return Header(text, "utf-8").encode().replace("=?utf-8?", "=?UTF-8?")


def send_mail(c: dict, to: list, subject: str, body: str) -> None:
    """``Service.SendMail``: refused when disabled or without recipients, else sent."""
    if not c.get("enabled"):
        raise DeliveryError("service is not enabled")
    to = list(to) or list(c.get("to") or [])
    if not to:
        raise DeliveryError(NO_RECIPIENTS)
    envelope = [email.utils.parseaddr(t)[1] or t for t in to]
    sender = email.utils.parseaddr(c.get("from") or "")[1]
    MAILER.send(c, sender, envelope, _message(c, to, subject, body))


# -- the handler ----------------------------------------------------------------------------------
def _from_tick(_t, f):
    return {"to": list(f.get("ToList") or []), "to-field": list(f.get("ToTemplatesList") or [])}


def _templates(o: dict) -> list:
    out = []
    for i, text in enumerate(o.get("to-field") or []):
        try:
            out.append(parse(str(i), text))
        except TemplateError as ex:
            raise HandlerError(f"bad template in email address template: {ex}") from None
    return out


def _check(o, _config):
    _templates(o)


def _deliver(o, event, config):
    c = config.element("smtp") or dict(SECTION.defaults)
    to = list(o.get("to") or [])
    data = EventDataView(event)
    for tmpl in _templates(o):
        try:
            addr = tmpl.execute(data)
        except TemplateError as ex:  # Kapacitor logs it and mails the other addresses
            log.error("error in email template: %s", ex)
            continue
        if addr:
            to.append(addr)
    send_mail(c, to, event.get("message", ""), event.get("details", ""))


def _test(o, config):
    c = config.element("smtp") or dict(SECTION.defaults)
    to = o.get("to")
    if to is None:
        to = c.get("to") or []
    send_mail(c, list(to), o.get("subject", "test subject"), o.get("body", "test body"))


SERVICES = [
    Service("smtp", SECTION, ("EmailHandler",), _from_tick,
            lambda o: md.decode(o, {"to": "[]string", "to-field": "[]string"}, "smtp.HandlerConfig"),
            _deliver, check=_check, test=_test,
            test_options={"to": None, "subject": "test subject", "body": "test body"}, global_handler=True),
]
