"""Continuous queries on the engine, without HTTP: storage, the runner with a fake clock, restarts.

The runner is driven with ``run_all(now)``; what it computed is read back with SELECT, and
what it recorded with ``Engine.list_continuous_queries``.  "Restarts" close the engine and
open a new one (and a new runner) on the same directory, as the engine process does.
"""
import logging
import time

import pytest

from machstore import errors
from machstore.engine import Engine
from machstore.influxql import continuous, parse
from machstore.influxql.continuous import ContinuousQueryRunner, with_time_range
from machstore.influxql.execute import execute
from machstore.influxql.parser import parse_expr

S = 10**9
M = 60 * S
T = 1_700_000_040 * S   # a minute boundary


@pytest.fixture
def path(tmp_path):
    return str(tmp_path / "data")


@pytest.fixture
def eng(path):
    e = Engine(path)
    yield e
    e.close()


def run(eng, q, db=""):
    out = [r.to_dict() for r in execute(eng, parse(q), database=db)]
    assert len(out) == 1
    return out[0]


def values(eng, q, db="db"):
    res = run(eng, q, db)
    assert "error" not in res, res
    return [row for s in res.get("series", []) for row in s["values"]]


def write(eng, *lines, db="db"):
    eng.write_lines(db, "\n".join(lines).encode(), precision="ns")


def create(eng, q):
    assert run(eng, q) == {"statement_id": 0}


def state(eng, db="db", name="cq"):
    return next(cq for d, cqs in eng.list_continuous_queries() if d == db for cq in cqs if cq["name"] == name)


MEAN_1M = "CREATE CONTINUOUS QUERY cq ON db BEGIN SELECT mean(v) INTO out FROM cpu GROUP BY time(1m) END"


# -- storage ------------------------------------------------------------------------------------

def test_queries_are_kept_per_database_in_creation_order(path):
    eng = Engine(path)
    eng.create_database("db")
    eng.create_database("b")
    assert eng.create_continuous_query("db", "z", "CREATE CONTINUOUS QUERY z ...") is True
    assert eng.create_continuous_query("db", "a", "CREATE CONTINUOUS QUERY a ...") is True
    assert eng.create_continuous_query("db", "z", "create continuous query Z ...") is False   # the same
    with pytest.raises(errors.AlreadyExists, match="^continuous query already exists$"):
        eng.create_continuous_query("db", "z", "CREATE CONTINUOUS QUERY z other")
    with pytest.raises(errors.DatabaseNotFound):
        eng.create_continuous_query("nope", "z", "...")
    listed = [(db, [cq["name"] for cq in cqs]) for db, cqs in eng.list_continuous_queries()]
    assert listed == [("db", ["z", "a"]), ("b", [])]
    eng.close()
    eng = Engine(path)   # durable
    try:
        assert [cq["name"] for cq in eng.list_continuous_queries()[0][1]] == ["z", "a"]
        assert eng.drop_continuous_query("db", "z") is True
        assert eng.drop_continuous_query("db", "z") is False
        assert eng.drop_continuous_query("nope", "z") is False
        assert eng.drop_continuous_query("db", "x" * 300) is False
        with pytest.raises(errors.InvalidArgument, match="longer than 250 bytes"):
            eng.create_continuous_query("db", "x" * 300, "...")
    finally:
        eng.close()


def test_a_dropped_database_takes_its_queries_and_their_state(eng):
    eng.create_database("db")
    create(eng, MEAN_1M)
    cq = state(eng)
    assert eng.record_continuous_query_run("db", "cq", cq["id"], last_run=T) is True
    eng.drop_database("db")
    eng.create_database("db")
    assert eng.list_continuous_queries() == [("db", [])]
    # a runner that still holds the old record cannot bring it back
    assert eng.record_continuous_query_run("db", "cq", cq["id"], last_run=T + M) is False
    create(eng, MEAN_1M)
    assert state(eng)["last_run"] is None and state(eng)["id"] != cq["id"]


# -- the runner -----------------------------------------------------------------------------------

def test_each_interval_is_computed_when_it_ends(eng):
    eng.create_database("db")
    create(eng, MEAN_1M)
    write(eng, *(f"cpu,host=a v={i} {T + i * 10 * S}" for i in range(18)))   # 3 minutes, 6 points each
    runner = ContinuousQueryRunner(eng)
    assert runner.run_all(T + 1) == 0            # first look: records the last run, computes nothing
    assert state(eng)["last_run"] == T
    assert values(eng, "SELECT * FROM out") == []
    assert runner.run_all(T + M) == 1
    assert values(eng, "SELECT * FROM out", ) == [["2023-11-14T22:14:00Z", 2.5]]
    assert runner.run_all(T + M + 30 * S) == 0   # not due
    assert runner.run_all(T + 2 * M + S) == 1
    assert values(eng, "SELECT * FROM out") == [["2023-11-14T22:14:00Z", 2.5], ["2023-11-14T22:15:00Z", 8.5]]
    assert state(eng)["last_run"] == T + 2 * M


def test_tags_the_query_groups_by_are_kept(eng):
    eng.create_database("db")
    create(eng, "CREATE CONTINUOUS QUERY cq ON db BEGIN SELECT max(v) INTO out FROM cpu GROUP BY time(1m), host END")
    write(eng, f"cpu,host=a v=1 {T}", f"cpu,host=b v=5 {T + S}", f"cpu,host=a v=3 {T + 2 * S}")
    runner = ContinuousQueryRunner(eng)
    runner.run_all(T)
    runner.run_all(T + M)
    assert values(eng, "SELECT max, host FROM out") == [["2023-11-14T22:14:00Z", 3, "a"],
                                                         ["2023-11-14T22:14:00Z", 5, "b"]]
    assert values(eng, "SHOW TAG KEYS FROM out") == [["host"]]


def test_the_querys_own_time_bounds_give_way_to_the_due_range(eng):
    eng.create_database("db")
    create(eng, "CREATE CONTINUOUS QUERY cq ON db BEGIN SELECT count(v) INTO out FROM cpu "
                "WHERE time > now() - 1s AND host = 'a' GROUP BY time(1m) END")
    write(eng, f"cpu,host=a v=1 {T + S}", f"cpu,host=a v=1 {T + 2 * S}", f"cpu,host=b v=1 {T + 3 * S}")
    runner = ContinuousQueryRunner(eng)
    runner.run_all(T)
    runner.run_all(T + M)
    assert values(eng, "SELECT * FROM out") == [["2023-11-14T22:14:00Z", 2]]


def test_a_restart_resumes_from_the_recorded_run(path):
    eng = Engine(path)
    eng.create_database("db")
    create(eng, MEAN_1M)
    write(eng, *(f"cpu v={i} {T + i * 10 * S}" for i in range(36)))   # 6 minutes
    runner = ContinuousQueryRunner(eng)
    runner.run_all(T)
    runner.run_all(T + M)                       # computes [T, T+1m)
    eng.close()
    # down for four boundaries; meanwhile a late point lands in the interval already computed
    eng = Engine(path)
    try:
        write(eng, f"cpu v=1000 {T + 5 * S}")
        runner = ContinuousQueryRunner(eng)
        assert runner.run_all(T + 5 * M + 2 * S) == 1
        got = values(eng, "SELECT * FROM out")
        # every missed interval once, and the committed one not again (its mean would move)
        assert got == [["2023-11-14T22:14:00Z", 2.5], ["2023-11-14T22:15:00Z", 8.5],
                       ["2023-11-14T22:16:00Z", 14.5], ["2023-11-14T22:17:00Z", 20.5],
                       ["2023-11-14T22:18:00Z", 26.5]]
        assert state(eng)["last_run"] == T + 5 * M
    finally:
        eng.close()


def test_a_crash_before_the_run_is_recorded_repeats_the_same_points(eng, monkeypatch):
    eng.create_database("db")
    create(eng, MEAN_1M)
    write(eng, *(f"cpu v={i} {T + i * 10 * S}" for i in range(6)))
    runner = ContinuousQueryRunner(eng)
    runner.run_all(T)
    real = eng.record_continuous_query_run

    def crash(*args, **kwargs):
        raise SystemExit("killed between the INTO commit and the run record")

    monkeypatch.setattr(eng, "record_continuous_query_run", crash)
    with pytest.raises(SystemExit):
        runner.run_all(T + M)
    assert values(eng, "SELECT * FROM out") == [["2023-11-14T22:14:00Z", 2.5]]   # the write committed
    assert state(eng)["last_run"] == T                                          # the record did not
    monkeypatch.setattr(eng, "record_continuous_query_run", real)
    assert runner.run_all(T + M + S) == 1                                        # computed again
    assert values(eng, "SELECT * FROM out") == [["2023-11-14T22:14:00Z", 2.5]]   # the same point
    assert state(eng)["last_run"] == T + M


def test_a_long_catch_up_is_bounded_and_split_into_recorded_parts(eng, monkeypatch, caplog):
    monkeypatch.setattr(continuous, "CATCH_UP_INTERVALS", 5)
    monkeypatch.setattr(continuous, "PART_INTERVALS", 2)
    eng.create_database("db")
    create(eng, "CREATE CONTINUOUS QUERY cq ON db BEGIN SELECT count(v) INTO out FROM cpu GROUP BY time(1m) END")
    write(eng, *(f"cpu v=1 {T + i * M}" for i in range(20)))
    runner = ContinuousQueryRunner(eng)
    runner.run_all(T)
    caplog.set_level(logging.INFO, "machstore.continuous_queries")
    now = T + 12 * M + S                         # 12 intervals due; the bound keeps the last 5
    assert runner.run_all(now) == 1
    assert "skipping [2023-11-14T22:14:00Z, 2023-11-14T22:21:00Z)" in caplog.text
    assert [r[0] for r in values(eng, "SELECT * FROM out")] == ["2023-11-14T22:21:00Z", "2023-11-14T22:22:00Z"]
    assert (state(eng)["last_run"], state(eng)["resume_from"]) == (T, T + 9 * M)
    runner.run_all(now)
    assert state(eng)["resume_from"] == T + 11 * M
    runner.run_all(now)
    assert (state(eng)["last_run"], state(eng)["resume_from"]) == (T + 12 * M, None)
    assert [r[0] for r in values(eng, "SELECT * FROM out")] == [
        f"2023-11-14T22:{m}:00Z" for m in range(21, 26)]
    assert runner.run_all(now) == 0


def test_resample_every_and_for(eng):
    eng.create_database("db")
    create(eng, "CREATE CONTINUOUS QUERY cq ON db RESAMPLE EVERY 30s FOR 2m BEGIN "
                "SELECT count(v) INTO out FROM cpu GROUP BY time(1m) END")
    runner = ContinuousQueryRunner(eng)
    runner.run_all(T + 1)
    write(eng, f"cpu v=1 {T + S}")
    # every 30 s, the intervals of the last 2 minutes, the current one so far included
    runner.run_all(T + 30 * S)
    assert values(eng, "SELECT * FROM out") == [["2023-11-14T22:13:00Z", 0], ["2023-11-14T22:14:00Z", 1]]
    write(eng, f"cpu v=1 {T + 40 * S}")
    runner.run_all(T + 45 * S)                   # not due
    runner.run_all(T + M)
    assert values(eng, "SELECT * FROM out") == [["2023-11-14T22:13:00Z", 0], ["2023-11-14T22:14:00Z", 2]]
    write(eng, f"cpu v=1 {T + 50 * S}")          # late, but within FOR 2m: counted again
    runner.run_all(T + M + 30 * S)
    assert values(eng, "SELECT * FROM out") == [["2023-11-14T22:13:00Z", 0], ["2023-11-14T22:14:00Z", 3],
                                                 ["2023-11-14T22:15:00Z", 0]]


def test_a_query_into_another_database_and_retention_policy(eng):
    eng.create_database("db")
    eng.create_database("agg")
    eng.create_retention_policy("agg", "long")
    create(eng, "CREATE CONTINUOUS QUERY cq ON db BEGIN SELECT sum(v) INTO agg.long.:MEASUREMENT "
                "FROM /cpu|mem/ GROUP BY time(1m) END")
    write(eng, f"cpu v=1 {T}", f"cpu v=2 {T + S}", f"mem v=7 {T}")
    runner = ContinuousQueryRunner(eng)
    runner.run_all(T)
    runner.run_all(T + M)
    assert values(eng, "SELECT * FROM agg.long.cpu") == [["2023-11-14T22:14:00Z", 3]]
    assert values(eng, "SELECT * FROM agg.long.mem") == [["2023-11-14T22:14:00Z", 7]]


def test_queries_that_cannot_run_are_reported_once_and_never_run(eng, caplog):
    eng.create_database("db")
    create(eng, "CREATE CONTINUOUS QUERY raw ON db BEGIN SELECT v INTO out FROM cpu GROUP BY time(1m) END")
    create(eng, "CREATE CONTINUOUS QUERY flat ON db BEGIN SELECT v INTO out FROM cpu END")
    write(eng, f"cpu v=1 {T}")
    caplog.set_level(logging.INFO, "machstore.continuous_queries")
    runner = ContinuousQueryRunner(eng)
    for now in (T, T + M, T + 2 * M):
        assert runner.run_all(now) == 0
    assert caplog.text.count("continuous queries must be aggregate queries") == 1
    assert caplog.text.count("has no GROUP BY time() interval") == 1
    assert state(eng, name="raw")["last_run"] is None
    assert values(eng, "SHOW MEASUREMENTS") == [["cpu"]]


def test_a_failing_query_is_logged_and_its_run_counts_as_in_influxdb(eng, caplog):
    eng.create_database("db")
    eng.create_database("gone")
    create(eng, "CREATE CONTINUOUS QUERY cq ON db BEGIN SELECT mean(v) INTO gone..out FROM cpu GROUP BY time(1m) END")
    eng.drop_database("gone")
    write(eng, f"cpu v=1 {T}")
    caplog.set_level(logging.INFO, "machstore.continuous_queries")
    runner = ContinuousQueryRunner(eng)
    runner.run_all(T)
    assert runner.run_all(T + M) == 1
    assert "failed on [2023-11-14T22:14:00Z, 2023-11-14T22:15:00Z): database not found" in caplog.text
    assert state(eng)["last_run"] == T + M
    assert runner.run_all(T + M + S) == 0


def test_run_pending_checks_every_run_interval():
    class Clock:
        mono = 100.0

    class FakeEngine:
        checks = 0

        def list_continuous_queries(self):
            FakeEngine.checks += 1
            return []

    runner = ContinuousQueryRunner(FakeEngine(), run_interval=2.0, clock=lambda: T, monotonic=lambda: Clock.mono)
    runner.run_pending()
    runner.run_pending()
    assert FakeEngine.checks == 1 and runner.seconds_until_due() == 2.0
    Clock.mono += 2.0
    runner.run_pending()
    assert FakeEngine.checks == 2


def test_the_engine_process_runs_the_runner_between_background_rounds(eng):
    from machstore.config import Settings
    from machstore.engine_process import EngineLoop, command_line

    argv = command_line(Settings({"continuous_queries_run_interval": 0.5}))
    assert argv[argv.index("--cq-run-interval") + 1] == "0.5" and "--no-continuous-queries" not in argv
    assert "--no-continuous-queries" in command_line(Settings({"continuous_queries_enabled": False}))

    class Job:
        calls = 0

        def run_pending(self):
            Job.calls += 1
            if Job.calls == 3:
                loop.stop()
            return 0

        def seconds_until_due(self):
            return 0.01

    loop = EngineLoop(eng, idle_sleep=30.0, jobs=[Job()])
    began = time.monotonic()
    loop.run()
    assert Job.calls == 3
    assert time.monotonic() - began < 10   # slept until the job was due, not idle_sleep


@pytest.mark.parametrize("condition, expected", [
    (None, "time >= '{s}' AND time < '{e}'"),
    ("time > now() - 1h", "time >= '{s}' AND time < '{e}'"),
    ("host = 'a' AND time > now() - 1h", "host = 'a' AND time >= '{s}' AND time < '{e}'"),
    ("now() - 1h < time AND host = 'a'", "host = 'a' AND time >= '{s}' AND time < '{e}'"),
    ("host = 'a' OR host = 'b'", "(host = 'a' OR host = 'b') AND time >= '{s}' AND time < '{e}'"),
    ("host = 'a' OR time > now() - 1h", "time >= '{s}' AND time < '{e}'"),
    ("(time > 0 AND v > 1)", "(v > 1) AND time >= '{s}' AND time < '{e}'"),
])
def test_with_time_range(condition, expected):
    cond = parse_expr(condition) if condition else None
    text = str(with_time_range(cond, T, T + M))
    assert text == expected.format(s="2023-11-14T22:14:00Z", e="2023-11-14T22:15:00Z")
