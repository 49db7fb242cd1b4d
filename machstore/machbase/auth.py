"""HTTP_AUTH for the Machbase REST API: the Basic header, user names, password hashes.

With ``HTTP_AUTH = 1`` every request must carry ``Authorization: Basic base64(ID@Host:Password)``
(the host part is ignored; ``ID:Password`` without a host is accepted too).  A missing
header is error 3118, another scheme 3117, undecodable Base64 3116, and a wrong user or
password 2081 ``Invalid username/password.``

Machbase user names are identifiers, so they are case-insensitive (stored upper case:
``sys`` logs in as ``SYS``).  Passwords are case-insensitive too unless
``ENABLE_CASE_SENSITIVE_PASSWORD = 1`` (Machbase upper-cases them on create and login);
the default account is ``SYS`` / ``MANAGER``.

Stored passwords are salted PBKDF2-HMAC-SHA256 strings
(``pbkdf2_sha256$<iterations>$<salt b64>$<hash b64>``).  :class:`Authenticator` remembers
the credentials it has verified (keyed by a keyed hash, never the password itself), so a
client sending the same header on every request pays for the slow hash once.
"""
import base64
import binascii
import hashlib
import hmac
import os
import threading

from .errors import error

__all__ = [
    "DEFAULT_USER", "DEFAULT_PASSWORD", "parse_authorization", "normalize_user",
    "normalize_password", "hash_password", "verify_password", "Authenticator",
    "basic_header",
]

DEFAULT_USER = "SYS"
DEFAULT_PASSWORD = "MANAGER"
PBKDF2_ITERATIONS = 100_000
_SCHEME = "pbkdf2_sha256"


def parse_authorization(header):
    """Return ``(user, password)`` from an ``Authorization`` header value.

    ``user`` is normalised (upper case, host part removed); ``password`` is returned as
    sent.  Errors: 3118 no header; 3117 not ``Basic``; 3116 bad Base64 or not UTF-8;
    2081 no ``:`` between user and password, or an empty user.
    """
    if header is None or not str(header).strip():
        raise error(3118)
    scheme, _, token = str(header).strip().partition(" ")
    if scheme.lower() != "basic":
        raise error(3117)
    token = token.strip()
    try:
        decoded = base64.b64decode(token + "=" * (-len(token) % 4), validate=True)
        text = decoded.decode("utf-8")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise error(3116) from None
    ident, sep, password = text.partition(":")
    user = ident.split("@", 1)[0]
    if not sep or not user.strip():
        raise error(2081)
    return normalize_user(user), password


def basic_header(user, password, host="localhost"):
    """Return an ``Authorization`` value as the spec builds it (``sys@localhost:manager``)."""
    raw = f"{user}@{host}:{password}" if host else f"{user}:{password}"
    return "Basic " + base64.b64encode(raw.encode("utf-8")).decode("ascii")


def normalize_user(name):
    """Return a user name as Machbase stores it: stripped, upper case."""
    return str(name).strip().upper()


def normalize_password(password, *, case_sensitive=False):
    """Return the password as compared: upper case unless ``case_sensitive``."""
    return password if case_sensitive else password.upper()


def hash_password(password, *, case_sensitive=False, salt=None, iterations=PBKDF2_ITERATIONS):
    """Return a salted PBKDF2-HMAC-SHA256 string for storing ``password``."""
    salt = os.urandom(16) if salt is None else salt
    pw = normalize_password(password, case_sensitive=case_sensitive).encode("utf-8")
    digest = hashlib.pbkdf2_hmac("sha256", pw, salt, iterations)
    return "$".join((_SCHEME, str(iterations), base64.b64encode(salt).decode(),
                     base64.b64encode(digest).decode()))


def verify_password(password, stored, *, case_sensitive=False):
    """Return whether ``password`` matches a string from :func:`hash_password`."""
    try:
        scheme, iterations, salt, digest = stored.split("$")
        if scheme != _SCHEME:
            return False
        salt_b, want = base64.b64decode(salt), base64.b64decode(digest)
        rounds = int(iterations)
    except (ValueError, AttributeError, binascii.Error):
        return False
    pw = normalize_password(password, case_sensitive=case_sensitive).encode("utf-8")
    got = hashlib.pbkdf2_hmac("sha256", pw, salt_b, rounds)
    return hmac.compare_digest(got, want)


class Authenticator:
    """Check ``Authorization`` headers against stored users.

    ``users`` maps a user name to its stored hash, or is a callable ``name -> hash | None``
    (e.g. a catalog lookup).  With ``enabled=False`` (``HTTP_AUTH = 0``) every request is
    accepted as ``SYS``.  Verified credentials are cached per process (thread-safe); a
    changed stored hash invalidates them, since the hash is part of the cache key.
    """

    def __init__(self, users, *, enabled=True, case_sensitive=False, cache_size=1024):
        self._users = users if callable(users) else users.get
        self.enabled = enabled
        self.case_sensitive = case_sensitive
        self._key = os.urandom(32)
        self._ok = {}
        self._lock = threading.Lock()
        self._cache_size = cache_size

    @classmethod
    def with_default_user(cls, **kwargs):
        """Return an authenticator knowing only ``SYS`` / ``MANAGER``."""
        users = {DEFAULT_USER: hash_password(DEFAULT_PASSWORD,
                                             case_sensitive=kwargs.get("case_sensitive", False))}
        return cls(users, **kwargs)

    def authenticate(self, header):
        """Return the user name a request runs as; raise the Machbase error otherwise."""
        if not self.enabled:
            return DEFAULT_USER
        user, password = parse_authorization(header)
        stored = self._users(user)
        if not stored:
            raise error(2081)
        key = hmac.new(self._key, b"\0".join((user.encode(), password.encode("utf-8"),
                                              stored.encode())), hashlib.sha256).digest()
        if key in self._ok:
            return user
        if not verify_password(password, stored, case_sensitive=self.case_sensitive):
            raise error(2081)
        with self._lock:
            if len(self._ok) >= self._cache_size:
                self._ok.clear()
            self._ok[key] = True
        return user
