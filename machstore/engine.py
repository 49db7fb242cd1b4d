"""The storage engine's public face: open a data directory, write, read, list, delete, compact.

This module knows nothing of HTTP.  One ``Engine`` per process, opened after any
fork (LMDB environments must never be inherited across ``fork``).
"""
from dataclasses import dataclass, field


@dataclass
class WriteResult:
    """What one ``write_lines`` call stored and what it refused.

    ``parse_errors`` are 1.x-formatted ``unable to parse '<line>': <reason>`` texts;
    ``drop_errors`` are reasons points were dropped after parsing (field type
    conflicts, ``time`` tag keys), 1.x-formatted without the ``partial write:`` prefix;
    ``dropped`` counts the points dropped for ``drop_errors``.
    """

    points_written: int = 0
    values_written: int = 0
    parse_errors: list = field(default_factory=list)
    drop_errors: list = field(default_factory=list)
    dropped: int = 0


class Engine:
    """An open machstore data directory (implemented below; see README "Python API")."""
