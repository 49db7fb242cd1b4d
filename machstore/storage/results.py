"""What storage calls report back to their callers.

These types live apart from ``machstore.engine`` so that storage modules can build them
without importing the engine (the engine imports storage, never the other way round).
"""
from dataclasses import dataclass, field


@dataclass
class WriteResult:
    """What one ``write_lines`` call stored and what it refused.

    ``parse_errors`` are 1.x-formatted ``unable to parse '<line>': <reason>`` texts;
    ``drop_errors`` are reasons points were dropped after parsing (field type
    conflicts, ``time`` keys), 1.x-formatted without the ``partial write:`` prefix;
    ``dropped`` counts the points dropped for ``drop_errors``.
    """

    points_written: int = 0
    values_written: int = 0
    parse_errors: list = field(default_factory=list)
    drop_errors: list = field(default_factory=list)
    dropped: int = 0
