"""InfluxDB users: names, password hashes, the admin flag and per-database privileges, in LMDB.

One record per user in the ``catalog`` sub-database under ``influxuser:<name>`` (JSON:
``name``, ``seq`` (creation order, from a counter), ``hash`` (see ``passwords``), ``admin``,
``privileges`` ``{database: privilege}``).  Every call reads or writes in its own LMDB
transaction, so every gunicorn worker sees each committed change on its next request.
(Machbase accounts are other records, ``user:<NAME>``, kept by ``tables``.)

The rules are InfluxDB 1.8's (``services/meta/data.go`` and ``client.go``):

* CREATE USER of an existing name succeeds, changing nothing, when the password and the
  admin flag are the same; otherwise ``user already exists``.  An empty name is
  ``username required``.
* a privilege is granted on an existing database only (``database not found: db``), after
  the user is found (``user not found``); REVOKE leaves the privilege minus the revoked
  one, down to ``NO PRIVILEGES``, which stays listed;
* dropping a database removes every user's privilege on it (:func:`forget_database`).

Privileges are InfluxDB's numbers: 0 none, 1 READ, 2 WRITE, 3 ALL (READ | WRITE).
"""
from dataclasses import dataclass, field

import orjson

from machstore.errors import AuthenticationFailed, DatabaseNotFound, InvalidArgument, UserExists, UserNotFound

from . import catalog
from .passwords import VerifiedPasswords, hash_password, verify_password

__all__ = [
    "ALL_PRIVILEGES",
    "MAX_USER_NAME_BYTES",
    "NO_PRIVILEGES",
    "PRIVILEGE_NAMES",
    "READ",
    "WRITE",
    "InfluxUsers",
    "User",
    "forget_database",
]

NO_PRIVILEGES, READ, WRITE, ALL_PRIVILEGES = 0, 1, 2, 3
#: How InfluxDB prints each privilege (index = its number).
PRIVILEGE_NAMES = ("NO PRIVILEGES", "READ", "WRITE", "ALL PRIVILEGES")
MAX_USER_NAME_BYTES = 480  # LMDB keys hold 511 bytes; the key is the prefix plus the name
_PREFIX = b"influxuser:"


@dataclass(frozen=True)
class User:
    """A user as stored (without the hash): what authorization needs."""

    name: str
    admin: bool = False
    privileges: dict = field(default_factory=dict)   # database -> privilege number

    def may(self, privilege, database):
        """InfluxDB's ``AuthorizeDatabase``: admins may anything, no privilege is always granted."""
        if self.admin or privilege == NO_PRIVILEGES:
            return True
        held = self.privileges.get(database)
        return held is not None and (held == privilege or held == ALL_PRIVILEGES)


def _key(name):
    return _PREFIX + name.encode("utf-8")


def _fits(name):
    """Whether ``name`` can be a stored user's (its key must fit in LMDB's 511 bytes)."""
    return len(name.encode("utf-8")) <= MAX_USER_NAME_BYTES


def _user(record):
    return User(record["name"], record["admin"], dict(record["privileges"]))


def _records(txn, dbs):
    """Every user record, in creation order."""
    records = (orjson.loads(v) for _, v in catalog.prefix_items(txn, dbs[b"catalog"], _PREFIX))
    return sorted(records, key=lambda r: r["seq"])


def forget_database(txn, dbs, database):
    """Remove every user's privilege on ``database`` (it is being dropped), inside the caller's txn."""
    for record in _records(txn, dbs):
        if database in record["privileges"]:
            del record["privileges"][database]
            txn.put(_key(record["name"]), orjson.dumps(record), db=dbs[b"catalog"])


class InfluxUsers:
    """The users of one open LMDB environment (``Engine.influx_users``)."""

    def __init__(self, env, dbs):
        self._env = env
        self._dbs = dbs
        self._verified = VerifiedPasswords()

    # -- reads ------------------------------------------------------------------------------

    def _get(self, txn, name):
        if not _fits(name):
            return None  # no such user can exist
        raw = txn.get(_key(name), db=self._dbs[b"catalog"])
        return None if raw is None else orjson.loads(raw)

    def _require(self, txn, name):
        record = self._get(txn, name)
        if record is None:
            raise UserNotFound("user not found")
        return record

    def list(self):
        """Every user, in creation order."""
        with self._env.begin() as txn:
            return [_user(r) for r in _records(txn, self._dbs)]

    def get(self, name):
        """The user called ``name``, or None."""
        with self._env.begin() as txn:
            record = self._get(txn, name)
        return None if record is None else _user(record)

    def count(self):
        """How many users there are."""
        with self._env.begin() as txn:
            return sum(1 for _ in catalog.prefix_items(txn, self._dbs[b"catalog"], _PREFIX, values=False))

    def admin_exists(self):
        """Whether any user is an admin."""
        return any(u.admin for u in self.list())

    def privileges(self, name):
        """``{database: privilege number}`` of user ``name``; UserNotFound if there is none."""
        with self._env.begin() as txn:
            return dict(self._require(txn, name)["privileges"])

    def authenticate(self, name, password):
        """Return the user if ``password`` is theirs; UserNotFound or AuthenticationFailed otherwise."""
        with self._env.begin() as txn:
            record = self._get(txn, name)
        if record is None:
            raise UserNotFound("user not found")
        if not self._verified.verify(name, password, record["hash"]):
            raise AuthenticationFailed("authentication failed")
        return _user(record)

    # -- changes ----------------------------------------------------------------------------

    def create(self, name, password, *, admin=False):
        """Create a user (InfluxDB's rule for an existing name: same password and flag is a no-op)."""
        if not name:
            raise InvalidArgument("username required")
        if not _fits(name):
            raise InvalidArgument(f"user name longer than {MAX_USER_NAME_BYTES} bytes")
        key = _key(name)
        with self._env.begin() as txn:
            existing = self._get(txn, name)
        if existing is not None:
            return self._same_user(existing, password, admin)
        stored = hash_password(password)  # NOTE: slow on purpose; done outside the write lock
        with self._env.begin(write=True) as txn:
            existing = self._get(txn, name)
            if existing is not None:  # created meanwhile by another request
                return self._same_user(existing, password, admin)
            record = {"name": name, "seq": catalog.next_id(txn, self._dbs, b"influxuser"), "hash": stored,
                      "admin": bool(admin), "privileges": {}}
            txn.put(key, orjson.dumps(record), db=self._dbs[b"catalog"])
        return _user(record)

    @staticmethod
    def _same_user(record, password, admin):
        if record["admin"] != bool(admin) or not verify_password(password, record["hash"]):
            raise UserExists("user already exists")
        return _user(record)

    def drop(self, name):
        """Remove a user; UserNotFound if there is none."""
        with self._env.begin(write=True) as txn:
            if not _fits(name) or not txn.delete(_key(name), db=self._dbs[b"catalog"]):
                raise UserNotFound("user not found")
        self._verified.forget(name)

    def set_password(self, name, password):
        """Give a user a new password."""
        stored = hash_password(password)
        self._update(name, lambda record: record.update(hash=stored))
        self._verified.forget(name)

    def set_admin(self, name, admin):
        """Grant (True) or revoke (False) the admin flag."""
        self._update(name, lambda record: record.update(admin=bool(admin)))

    def set_privilege(self, name, database, privilege):
        """Set a user's privilege on an existing database (``GRANT``, and ``REVOKE ALL``)."""
        def change(record):
            record["privileges"][database] = privilege
        self._update(name, change, database=database)

    def revoke_privilege(self, name, database, privilege):
        """Take ``privilege`` away from what the user holds on ``database`` (what stays may be none)."""
        def change(record):
            record["privileges"][database] = record["privileges"].get(database, NO_PRIVILEGES) & ~privilege
        self._update(name, change, database=database)

    def _update(self, name, change, *, database=None):
        """Apply ``change`` to a user's record in one write txn (``database`` must exist if given)."""
        with self._env.begin(write=True) as txn:
            record = self._require(txn, name)
            if database is not None and catalog.get_database(txn, self._dbs, database) is None:
                raise DatabaseNotFound(f'database not found: "{database}"')
            change(record)
            txn.put(_key(name), orjson.dumps(record), db=self._dbs[b"catalog"])
