"""When a continuous query runs and which time range it computes: InfluxDB 1.8's rules.

These are the rules of InfluxDB's ``services/continuous_querier`` (``ExecuteContinuousQuery``,
``shouldRunContinuousQuery``, ``truncate``), as pure functions of integer nanoseconds, so they
are tested with a fake clock (``tests/test_continuous_schedule.py`` restates InfluxDB's
``service_test.go`` cases):

* A query that never ran runs "now": it only computes something if a GROUP BY interval
  (with its offset) ended at this very moment, and it records ``now`` truncated to the
  resample interval as its last run.
* Afterwards it runs once ``last run + RESAMPLE EVERY`` (default: the GROUP BY interval) has
  passed, corrected by a time-zone offset change in between (``tz()`` queries across a
  daylight-saving change).
* It computes ``[start, end)``: ``end`` is the latest interval boundary such that a whole
  ``EVERY`` fits before ``now``; ``start`` reaches ``RESAMPLE FOR`` (default: the interval,
  or EVERY when that is longer) back from the boundary the run was due at.  Because ``start``
  follows the last run rather than ``now``, a run that comes late covers every interval it
  missed.
* Boundaries are aligned on the Unix epoch (InfluxDB's ``truncate``, not Go's
  ``Time.Truncate``) in the query's ``tz()`` zone.
"""
import datetime as _dt
from dataclasses import dataclass

__all__ = ["Run", "next_run", "plan", "truncate", "zone_offset"]

_SECOND = 10**9


@dataclass(frozen=True)
class Run:
    """A due run: compute ``[start, end)`` (nothing if ``end <= start``); record ``last_run``."""

    start: int
    end: int
    last_run: int


def zone_offset(t, tz):
    """The UTC offset of zone ``tz`` (None: UTC) at time ``t``, in nanoseconds."""
    if tz is None:
        return 0
    when = _dt.datetime.fromtimestamp(t // _SECOND, tz)
    return int(when.utcoffset().total_seconds()) * _SECOND


def truncate(t, d, tz=None):
    """``t`` rounded down to a multiple of ``d`` counted from the epoch in zone ``tz``'s wall
    clock; if the zone's offset differs at the result (a daylight-saving change in between),
    the result moves by the difference when that is less than ``d``, as InfluxDB's does."""
    offset = zone_offset(t, tz)
    out = t - (t + offset) % d
    moved = zone_offset(out, tz)
    if moved != offset and abs(offset - moved) < d:
        out += offset - moved
    return out


def next_run(last_run, every, tz=None):
    """When a query that last ran at ``last_run`` is due again (``every`` later, corrected by
    a zone offset change that is smaller than ``every``)."""
    due = last_run + every
    diff = zone_offset(last_run - 1, tz) - zone_offset(due - 1, tz)
    if diff and abs(diff) < every:
        due += diff
    return due


def plan(now, last_run, *, interval, offset=0, every=0, for_=0, tz=None):
    """The run due at ``now`` of a query last run at ``last_run`` (None: never), or None.

    ``interval`` and ``offset`` are the query's ``GROUP BY time(interval, offset)``;
    ``every`` and ``for_`` its ``RESAMPLE EVERY`` / ``FOR`` (0 when not given); ``tz`` the
    zone of its ``tz()`` clause (None for UTC).
    """
    resample_every = every or interval
    if last_run is None:
        due = now
    else:
        due = next_run(last_run, resample_every, tz)
        if due > now:
            return None
    recorded = truncate(now - offset, resample_every, tz) + offset
    resample_for = for_ or max(interval, resample_every)
    step = min(resample_every, interval)
    start = truncate(due + interval - resample_for - offset - 1, interval, tz) + offset
    end = truncate(now + interval - step - offset, interval, tz) + offset
    return Run(start, end, recorded)
