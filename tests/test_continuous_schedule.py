"""When a continuous query runs and what it computes: InfluxDB 1.8's ``service_test.go``, restated.

InfluxDB's tests drive its service with ``RunRequest{Now: ...}`` and check the time range of
the SELECT it executes.  Here :class:`Service` plays that service over
:func:`continuous_schedule.plan` the way the runner uses it (the last run it records, the
range it computes), with a fake clock; each test names the Go test it restates.  The ranges
are ``[start, end)``; Go's tests compare the condition's inclusive max, ``end - 1ns``.
"""
import datetime as dt
import zoneinfo

import pytest

from machstore.influxql.continuous_schedule import next_run, plan, truncate

S = 10**9
M, H = 60 * S, 3600 * S
D, W = 24 * H, 7 * 24 * H
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def at(text):
    """Nanoseconds of an RFC 3339 time."""
    when = dt.datetime.fromisoformat(text)
    return int(when.timestamp()) * S


class Service:
    """One continuous query and its last run, as InfluxDB's service keeps them."""

    def __init__(self, interval, *, offset=0, every=0, for_=0, tz=None):
        self.rules = {"interval": interval, "offset": offset, "every": every, "for_": for_, "tz": tz}
        self.last_run = None

    def request(self, now):
        """A run request at ``now``: the range computed, or None when nothing ran."""
        due = plan(now, self.last_run, **self.rules)
        if due is None:
            return None
        self.last_run = due.last_run
        return (due.start, due.end) if due.end > due.start else None

    def forget(self):
        """InfluxDB's ``Service.Run``: drop the last run, so the query runs at the next request."""
        self.last_run = None


NOW = at("2000-01-01T00:10:00Z")   # the start of a 10 minute interval, as Go's tests take it


def test_resample_options():
    # TestContinuousQueryService_ResampleOptions: RESAMPLE EVERY 10s FOR 2m, GROUP BY time(1m)
    cq = Service(M, every=10 * S, for_=2 * M)
    assert cq.request(NOW) == (NOW - 2 * M, NOW)
    # 10 seconds later: the same two intervals, one interval on
    assert cq.request(NOW + 10 * S) == (NOW - M, NOW + M)
    # forgotten, then asked 5 s after the mark: the current interval is too young, one interval runs
    cq.forget()
    assert cq.request(NOW + 5 * S) == (NOW - M, NOW)
    # 10 minutes later it plays catch-up in one range
    assert cq.request(NOW + 10 * M) == (NOW - M, NOW + 10 * M)
    assert cq.request(NOW + 10 * M) is None   # no overflow


def test_every_higher_than_interval():
    # TestContinuousQueryService_EveryHigherThanInterval: RESAMPLE EVERY 1m, GROUP BY time(30s);
    # FOR defaults to EVERY, not to the interval
    cq = Service(30 * S, every=M)
    assert cq.request(NOW) == (NOW - M, NOW)
    assert cq.request(NOW + 30 * S) is None
    assert cq.request(NOW + M) == (NOW, NOW + M)
    assert cq.request(NOW + M) is None


def test_group_by_offset():
    # TestContinuousQueryService_GroupByOffset: GROUP BY time(1m, 30s)
    now = NOW + 30 * S
    cq = Service(M, offset=30 * S)
    assert cq.request(now) == (now - M, now)
    assert cq.request(now + 45 * S) is None
    assert cq.request(now + M) == (now, now + M)


@pytest.mark.parametrize("interval, start, end", [
    (10 * S, "2000-01-01T00:00:00Z", "2000-01-01T00:00:10Z"),
    (M, "2000-01-01T00:00:00Z", "2000-01-01T00:01:00Z"),
    (10 * M, "2000-01-01T00:00:00Z", "2000-01-01T00:10:00Z"),
    (30 * M, "2000-01-01T00:00:00Z", "2000-01-01T00:30:00Z"),
    (H, "2000-01-01T00:00:00Z", "2000-01-01T01:00:00Z"),
    (2 * H, "2000-01-01T00:00:00Z", "2000-01-01T02:00:00Z"),
    (12 * H, "2000-01-01T00:00:00Z", "2000-01-01T12:00:00Z"),
    (D, "2000-01-01T00:00:00Z", "2000-01-02T00:00:00Z"),
    # weeks start on a Thursday: boundaries count from the Unix epoch, not from a Monday
    (W, "1999-12-30T00:00:00Z", "2000-01-06T00:00:00Z"),
], ids=["10s", "1m", "10m", "30m", "1h", "2h", "12h", "1d", "1w"])
def test_time_range(interval, start, end):
    # TestExecuteContinuousQuery_TimeRange: primed 1ns after 2000-01-01, asked one interval later
    now = at("2000-01-01T00:00:00Z")
    cq = Service(interval)
    assert cq.request(now + 1) is None
    assert cq.request(now + interval) == (at(start), at(end))


@pytest.mark.parametrize("interval, initial, ranges", [
    (D, "2000-04-02T00:00:00-05:00", [("2000-04-02T00:00:00-05:00", "2000-04-03T00:00:00-04:00")]),
    (2 * H, "2000-04-02T00:00:00-05:00", [("2000-04-02T00:00:00-05:00", "2000-04-02T03:00:00-04:00"),
                                          ("2000-04-02T03:00:00-04:00", "2000-04-02T04:00:00-04:00")]),
    (D, "2000-10-29T00:00:00-04:00", [("2000-10-29T00:00:00-04:00", "2000-10-30T00:00:00-05:00")]),
    (2 * H, "2000-10-29T00:00:00-04:00", [("2000-10-29T00:00:00-04:00", "2000-10-29T02:00:00-05:00"),
                                          ("2000-10-29T02:00:00-05:00", "2000-10-29T04:00:00-05:00")]),
], ids=["DaylightSavingsStart/1d", "DaylightSavingsStart/2h", "DaylightSavingsEnd/1d", "DaylightSavingsEnd/2h"])
def test_time_zone(interval, initial, ranges):
    # TestExecuteContinuousQuery_TimeZone: TZ('America/New_York') across daylight-saving changes;
    # each request comes at the end of the range it expects
    cq = Service(interval, tz=NEW_YORK)
    assert cq.request(at(initial) + 1) is None
    for start, end in ranges:
        assert cq.request(at(end)) == (at(start), at(end))


def test_a_late_run_covers_every_missed_interval_once():
    cq = Service(M)
    assert cq.request(NOW + 1) is None                  # primed: last run NOW
    assert cq.request(NOW + M + 5 * S) == (NOW, NOW + M)
    # the next three boundaries pass unseen (the process was down)
    assert cq.request(NOW + 4 * M + 20 * S) == (NOW + M, NOW + 4 * M)
    assert cq.request(NOW + 4 * M + 50 * S) is None
    assert cq.request(NOW + 5 * M) == (NOW + 4 * M, NOW + 5 * M)


def test_resample_for_recomputes_the_recent_intervals_at_each_run():
    cq = Service(10 * M, for_=H)
    cq.request(NOW + 1)
    assert cq.request(NOW + 10 * M) == (NOW + 10 * M - H, NOW + 10 * M)
    assert cq.request(NOW + 20 * M) == (NOW + 20 * M - H, NOW + 20 * M)


def test_truncate_counts_from_the_epoch_in_the_zone():
    assert truncate(at("2000-01-01T00:00:00Z"), W) == at("1999-12-30T00:00:00Z")
    assert truncate(at("2000-01-01T13:17:00Z"), H) == at("2000-01-01T13:00:00Z")
    assert truncate(-1, S) == -S                          # before 1970 rounds down, not toward 0
    assert truncate(at("2000-01-01T03:00:00Z"), D, NEW_YORK) == at("1999-12-31T00:00:00-05:00")


def test_next_run_moves_with_a_zone_change_smaller_than_every():
    last = at("2000-04-02T00:00:00-05:00")
    assert next_run(last, D, NEW_YORK) == at("2000-04-03T00:00:00-04:00")   # a 23 hour day
    assert next_run(last, 2 * H, NEW_YORK) == last + 2 * H                    # no change inside
    assert next_run(last, H, None) == last + H
