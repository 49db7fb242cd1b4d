"""Password hashes of InfluxDB users: a slow salted KDF to store, a fast in-process memory of hits.

Stored form: ``scrypt$<n>$<r>$<p>$<salt b64>$<key b64>`` (``hashlib.scrypt``, 16-byte random
salt, 32-byte key).  The cost parameters travel with each hash, so raising them later leaves
old hashes verifiable.  With n = 2^14, r = 8 one hash takes ~45 ms and 16 MiB on this class
of machine (measured), which is the point: a stolen catalog is slow to guess from.

Writers send Basic auth on every request, at thousands of requests a second, so paying the
KDF each time is out of the question.  :class:`VerifiedPasswords` remembers, per user name,
a keyed fast digest of the last password that verified against a given stored hash (as
InfluxDB's meta client keeps its auth cache).  The stored hash is part of what is
remembered: when the user's record changes (SET PASSWORD, DROP and CREATE again, in this
process or another one) its hash changes too, the memory no longer matches, and the next
request pays the KDF once more.  Passwords themselves are never kept.
"""
import base64
import binascii
import hashlib
import hmac
import os
import threading

__all__ = ["VerifiedPasswords", "hash_password", "verify_password"]

SCRYPT_N = 1 << 14
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
KEY_BYTES = 32
_SCHEME = "scrypt"
_MAXMEM = 256 << 20  # room for the costs a stored hash may name (n = 2^17, r = 8 needs 128 MiB)


def _scrypt(password, salt, n, r, p):
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=_MAXMEM, dklen=KEY_BYTES)


def hash_password(password, *, salt=None):
    """Return the stored form of ``password`` (slow on purpose)."""
    salt = os.urandom(SALT_BYTES) if salt is None else salt
    key = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return "$".join((_SCHEME, str(SCRYPT_N), str(SCRYPT_R), str(SCRYPT_P),
                     base64.b64encode(salt).decode("ascii"), base64.b64encode(key).decode("ascii")))


def verify_password(password, stored):
    """Return whether ``password`` is the one ``stored`` (from :func:`hash_password`) was made from."""
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != _SCHEME:
            return False
        want = base64.b64decode(key, validate=True)
        got = _scrypt(password, base64.b64decode(salt, validate=True), int(n), int(r), int(p))
    except (ValueError, AttributeError, binascii.Error):
        return False
    return hmac.compare_digest(got, want)


class VerifiedPasswords:
    """Per-process memory of passwords that verified, so each user pays the KDF once per record.

    Thread-safe; bounded (cleared when ``size`` users are remembered).  The memory holds a
    digest keyed by a random per-process secret, never a password.
    """

    def __init__(self, size=4096):
        self._secret = os.urandom(32)
        self._seen = {}
        self._size = size
        self._lock = threading.Lock()

    def _digest(self, name, stored, password):
        mac = hmac.new(self._secret, digestmod=hashlib.sha256)
        for part in (name, stored, password):
            raw = part.encode("utf-8")
            mac.update(len(raw).to_bytes(8, "big") + raw)  # length-prefixed: no two inputs collide
        return mac.digest()

    def verify(self, name, password, stored):
        """Return whether ``password`` matches ``stored`` (the record of user ``name``)."""
        digest = self._digest(name, stored, password)
        known = self._seen.get(name)
        if known is not None and hmac.compare_digest(known, digest):
            return True
        if not verify_password(password, stored):
            return False
        with self._lock:
            if len(self._seen) >= self._size:
                self._seen.clear()
            self._seen[name] = digest
        return True

    def forget(self, name):
        """Drop what is remembered of user ``name`` (its record changed in this process)."""
        with self._lock:
            self._seen.pop(name, None)
