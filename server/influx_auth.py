"""Who is asking, and may they: auth for ``/query``, ``/write``, ``/api/v2/write``, ``/kapacitor/v1/write``.

With ``auth_enabled`` off every request runs, as InfluxDB without ``auth-enabled``.  With it on,
InfluxDB 1.8's rules (``services/httpd/handler.go``, ``services/meta/*_authorizer.go``):

* **Credentials**: the ``u`` and ``p`` URL parameters (both non-empty), else the
  ``Authorization`` header: ``Token user:password`` or HTTP Basic.  None: 401 ``unable to parse
  authentication credentials``; an empty user name: 401 ``username required``; a wrong user or
  password: 401 ``authorization failed``.  ``Bearer`` (JWT) answers 401 ``bearer auth
  disabled``, as InfluxDB does without a shared secret.  Every 401 carries
  ``WWW-Authenticate: Basic realm="InfluxDB"``.
* **Bootstrap**: while no admin user exists nobody is asked for credentials, and nothing runs
  as anybody: ``/query`` runs only a query whose first statement is ``CREATE USER ... WITH ALL
  PRIVILEGES`` when there are no users at all (403 ``error authorizing query: create admin
  user first or disable authentication``), and nothing when there are users but no admin
  (403 ``... no user provided``); writes answer 403 ``user is required to write to database
  "db"``.
* **Queries**: ``machstore.influxql.authorize`` decides; a refusal is 403 ``error authorizing
  query: <why>`` and nothing of the query runs.  SHOW DATABASES lists what the user may
  read or write.
* **Writes**: a non-admin needs WRITE (or ALL) on the database: 403 ``"bob" user is not
  authorized to write to database "db"``.

The built-in admin: ``auth_user``/``auth_password`` from the settings, when set, is an admin
that always exists and is never stored.  So while it is configured the bootstrap rules never
apply (credentials are always required) and it can create the first users.  Its name wins
over a stored user of the same name, SHOW USERS lists it, and statements cannot change it.
Without it, the users in the catalog are all there is, exactly as in InfluxDB.
"""
import base64
import binascii
import hmac

from machstore import errors
from machstore.influxql.authorize import AuthorizationError, authorize_query
from machstore.server.influx_errors import InfluxError, go_quote
from machstore.storage.users import WRITE, User

__all__ = ["Gate", "parse_credentials"]

_CHALLENGE = {"WWW-Authenticate": 'Basic realm="InfluxDB"'}


def _unauthorized(message):
    return InfluxError(401, message, headers=dict(_CHALLENGE))


def parse_credentials(req):
    """Return ``(user, password)`` of a request, as InfluxDB's ``parseCredentials`` finds them.

    Raises the 401 InfluxDB answers when there are none, or only a JWT.
    """
    user, password = req.get_param("u"), req.get_param("p")
    if user and password:
        return user, password
    header = req.get_header("Authorization") or ""
    if header:
        parts = header.split(" ")
        if len(parts) == 2:
            if parts[0] == "Bearer":
                raise _unauthorized("bearer auth disabled")
            if parts[0] == "Token" and ":" in parts[1]:
                user, _, password = parts[1].partition(":")
                return user, password
        scheme, _, value = header.partition(" ")
        if scheme.lower() == "basic":
            try:
                decoded = base64.b64decode(value, validate=True).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError):
                decoded = ""
            user, sep, password = decoded.partition(":")
            if sep:
                return user, password
    raise _unauthorized("unable to parse authentication credentials")


def _never(privilege, database):
    return False


class Gate:
    """Authentication and authorization of one app's InfluxDB routes (settings + engine)."""

    def __init__(self, engine, settings):
        self._engine = engine
        self.enabled = settings.auth_enabled
        self._builtin_name = settings.auth_user if settings.auth_enabled else ""
        self._builtin_password = settings.auth_password.encode("utf-8")
        self._builtin = User(self._builtin_name, admin=True) if self._builtin_name else None

    @property
    def builtin_admin(self):
        """The configured admin's name ("" when auth is off or none is configured)."""
        return self._builtin_name

    def _users(self):
        return self._engine.get().influx_users

    def authenticate(self, req):
        """Return the request's user, or None (auth off, or no admin exists yet); raise 401."""
        if not self.enabled:
            return None
        if self._builtin is None and not self._users().admin_exists():
            return None  # InfluxDB asks nobody until an admin exists
        name, password = parse_credentials(req)
        if not name:
            raise _unauthorized("username required")
        if self._builtin is not None and name == self._builtin_name:
            if hmac.compare_digest(password.encode("utf-8"), self._builtin_password):
                return self._builtin
            raise _unauthorized("authorization failed")
        try:
            return self._users().authenticate(name, password)
        except (errors.UserNotFound, errors.AuthenticationFailed):
            raise _unauthorized("authorization failed") from None

    def authorize_query(self, user, statements, database):
        """Raise 403 unless ``user`` may run the query; return SHOW DATABASES' filter (None: all)."""
        if not self.enabled:
            return None
        users_exist = self._builtin is not None or self._users().count() > 0
        try:
            authorize_query(user, statements, database, users_exist=users_exist)
        except AuthorizationError as ex:
            raise InfluxError(403, f"error authorizing query: {ex}") from None
        return _never if user is None else user.may

    def authorize_write(self, user, database):
        """Raise 403 unless ``user`` may write into ``database``."""
        if not self.enabled:
            return
        if user is None:
            raise InfluxError(403, f"user is required to write to database {go_quote(database)}")
        if not user.may(WRITE, database):
            raise InfluxError(403, f"{go_quote(user.name)} user is not authorized to write to database "
                                   f"{go_quote(database)}")
