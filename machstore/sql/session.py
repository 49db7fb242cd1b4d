"""What a statement runs with (user, timezone) and what it returns (a Result).

Kept apart from the executor so the REST layer can build sessions and read results
without importing the planner.
"""
from dataclasses import dataclass, field

from machstore.machbase.datetimes import resolve_timezone


@dataclass
class Session:
    """Per-request context: the user, the server timezone and the statement text."""

    user: str = "SYS"
    timezone: object = None          # a machbase Timezone; None = the server's local zone
    session_id: int = 1

    def __post_init__(self):
        self.timezone = resolve_timezone(self.timezone)


@dataclass
class OutColumn:
    """One result column: name, Machbase type, numpy values and NULL mask (None: no NULLs)."""

    name: str
    mtype: object
    values: object
    nulls: object = None


@dataclass
class Result:
    """A statement's outcome: ``columns`` for a SELECT (else None) and ``effect_rows`` for DML."""

    columns: list = None
    effect_rows: int = 0
    message: str = "No Error"
    extra: dict = field(default_factory=dict)

    @property
    def is_select(self):
        return self.columns is not None

    @property
    def row_count(self):
        return 0 if not self.columns else len(self.columns[0].values)
