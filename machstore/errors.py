"""One exception tree for the engine; the server maps each class to its API's error format.

Every error carries a short machine-readable ``code`` (stable, used by the HTTP
layers) and a human message.  Subclass per condition rather than branching on
message text.
"""


class MachstoreError(Exception):
    """Base of every error the engine raises on purpose."""

    code = "error"

    def __init__(self, message, **details):
        super().__init__(message)
        self.message = message
        self.details = details

    def __str__(self):
        return self.message


class InvalidArgument(MachstoreError):
    """A caller passed a value the engine cannot accept (bad precision, bad name...)."""

    code = "invalid"


class ParseError(InvalidArgument):
    """Input text could not be parsed (line protocol, SQL, TICKscript...)."""

    code = "parse"


class NotFound(MachstoreError):
    """A named object (database, retention policy, table, series) does not exist."""

    code = "not_found"


class DatabaseNotFound(NotFound):
    code = "database_not_found"


class TableNotFound(NotFound):
    code = "table_not_found"


class TagNotFound(NotFound):
    """A tag-table append or lookup named a tag that is not registered."""

    code = "tag_not_found"


class RetentionPolicyNotFound(NotFound):
    code = "rp_not_found"


class AlreadyExists(MachstoreError):
    code = "exists"


class TagHasData(MachstoreError):
    """Tag metadata cannot be deleted while the tag still has rows."""

    code = "tag_has_data"


class DuplicateKey(AlreadyExists):
    """A primary key (volatile/lookup table) or tag name is already present."""

    code = "duplicate_key"


class FieldTypeConflict(MachstoreError):
    """A field was written with a type other than the one fixed at its first write."""

    code = "field_type_conflict"


class StorageFull(MachstoreError):
    """The LMDB map is full; raise ``map_size`` (``--map-size``) and restart."""

    code = "storage_full"


class UserNotFound(NotFound):
    """An InfluxDB user named by a statement or a login does not exist."""

    code = "user_not_found"


class UserExists(AlreadyExists):
    """CREATE USER of a name that is taken (with another password or admin flag)."""

    code = "user_exists"


class AuthenticationFailed(MachstoreError):
    """A password did not match the stored one."""

    code = "authentication_failed"
