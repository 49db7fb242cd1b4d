"""Alert topics on an engine in this process: match expressions, topic routing (inline and API
handlers, publish, aggregate), handler specs, delivery counters and what a restart does.
The server tests (test_http_kapacitor_alerts_api.py) run the same through the HTTP API."""
import logging

import pytest
from kapacitor_tasks import delete_task, put_task

from machstore.engine import Engine
from machstore.kapacitor import outbox, store
from machstore.kapacitor.alerts import aggregate, specs, topics
from machstore.kapacitor.alerts.match import Match, MatchError
from machstore.kapacitor.services import HandlerError, StaticConfig
from machstore.kapacitor.taskmaster import TaskMaster

DBRP = [("db", "autogen")]


@pytest.fixture
def engine(tmp_path):
    eng = Engine(str(tmp_path / "data"), sync=False)
    yield eng
    eng.close()


def event(alert_id="id", level="CRITICAL", previous="OK", t="1970-01-01T00:00:00Z", message="m", duration=0):
    return {"id": alert_id, "message": message, "details": "d", "time": t, "duration": duration, "level": level,
            "data": {"series": [{"name": "cpu", "columns": ["time", "v"], "values": [[t, 1]]}]},
            "previousLevel": previous, "recoverable": True}


def add_spec(engine, topic, handler_id, kind, options, match=""):
    spec = {"id": handler_id, "topic": topic, "kind": kind, "options": options, "match": match}
    return specs.create(engine, StaticConfig(), spec)


def entries(engine):
    with engine.env.begin() as txn:
        return [e for _, e in outbox.pending(txn, store.db(engine))]


def collect(engine, topic, ev, meta=None, inline=()):
    kdb = store.db(engine)
    with engine.env.begin(write=True) as txn:
        store.put_json(txn, kdb, topics.event_key(topic, ev["id"]), topics._state_of(ev))
        return topics.collect(txn, kdb, topic, ev, meta or {}, inline, task="t", node="alert2",
                              emit=lambda *entry: outbox.put(txn, kdb, *entry))


# -- match --------------------------------------------------------------------------------------
def test_match_functions_identifiers_and_tags():
    ev = event(level="WARNING", duration=3 * 10**9)
    meta = {"name": "cpu", "task": "t1", "tags": {"host": "a"}}
    assert Match("level() == WARNING AND changed()").matches(ev, meta, "OK")
    assert not Match("changed()").matches(ev, meta, "WARNING")
    assert Match("name() == 'cpu' AND taskName() == 't1' AND alertDuration() > 2s").matches(ev, meta, "OK")
    assert Match('"host" =~ /^a$/').matches(ev, meta, "OK")
    assert not Match('"host" == \'b\'').matches(ev, meta, "OK")


def test_stateful_functions_run_on_across_events_of_one_handler():
    m = Match("count() > 2")          # Kapacitor keeps one expression per handler
    assert [m.matches(event(), {}, "OK") for _ in range(4)] == [False, False, True, True]
    plain = Match("level() >= WARNING")
    assert [plain.matches(event(level=lv), {}, "OK") for lv in ("OK", "CRITICAL", "OK", "WARNING")] == [
        False, True, False, True]


def test_match_reads_tags_only_and_logs_evaluation_errors(caplog):
    with caplog.at_level(logging.ERROR, logger="machstore.kapacitor.alerts"):
        assert not Match('"value" > 1').matches(event(), {"tags": {}}, "OK")
    assert "no tag exists for value" in caplog.text


@pytest.mark.parametrize("text,message", [
    ("FOO > 1", 'unknown identifier "FOO"'),
    ("1 + 1.0 > 2", ("invalid match expression: Failed to handle left node: mismatched type to binary operator. "
                    "got int + float. see bool(), int(), float(), string(), duration()")),
])
def test_match_expressions_kapacitor_refuses(text, message):
    with pytest.raises(MatchError) as ex:
        Match(text)
    assert str(ex.value) == message


# -- aggregate and publish options -------------------------------------------------------------------
def test_aggregate_options_decode_as_mapstructure():
    c = aggregate.decode_aggregate({"id": "x", "interval": 1e8, "topic": "t"})
    assert c == {"id": "x", "interval": 100_000_000, "topic": "t", "message": aggregate.DEFAULT_MESSAGE}
    with pytest.raises(aggregate.OptionsError) as ex:
        aggregate.decode_aggregate({"interval": True})
    assert str(ex.value) == ("failed to decode options into *alert.AggregateHandlerConfig: 1 error(s) decoding:\n\n"
                             "* 'interval' expected type 'time.Duration', got unconvertible type 'bool', value: 'true'")
    with pytest.raises(aggregate.OptionsError, match="failed to evaluate message template"):
        aggregate.decode_aggregate({"interval": 1, "message": "{{ .Nope }}"})
    with pytest.raises(aggregate.OptionsError, match="must be positive"):
        aggregate.decode_aggregate({"topic": "t"})


def test_publish_options_decode_as_mapstructure():
    assert aggregate.decode_publish({"topics": ["a", "b"]}) == {"topics": ["a", "b"]}
    with pytest.raises(aggregate.OptionsError) as ex:
        aggregate.decode_publish({"topics": "a"})
    assert str(ex.value).endswith("* 'topics': source data must be an array or slice, got string")


def test_aggregate_event_sums_the_events_up():
    evs = [event(level="WARNING", t="1970-01-01T00:00:01Z", message="a", duration=5),
           event(level="CRITICAL", t="1970-01-01T00:00:00.5Z", message="b", duration=9)]
    agg = aggregate.aggregate_event({"id": "agg", "interval": 10**9, "message": aggregate.DEFAULT_MESSAGE}, evs)
    assert agg["message"] == "Received 2 events in the last 1s."
    assert (agg["level"], agg["time"], agg["duration"], agg["details"]) == ("CRITICAL", "1970-01-01T00:00:01Z", 9,
                                                                           "a\nb")
    assert len(agg["data"]["series"]) == 2 and agg["recoverable"] is False


# -- specs --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("raw,message", [
    (b"", "EOF"),
    (b'{"id": "x"', "unexpected EOF"),
    (b"{x}", "invalid character 'x' looking for beginning of object key string"),
    (b'{"id" 1}', "invalid character '1' after object key"),
    (b'{"id": "x" "kind": 1}', "invalid character '\"' after object key:value pair"),
    (b'{"options": [1]}', ("json: cannot unmarshal array into Go struct field HandlerSpec.options of type "
                          "map[string]interface {}")),
    (b"[]", "json: cannot unmarshal array into Go value of type alert.HandlerSpec"),
])
def test_spec_json_errors_are_gos(raw, message):
    with pytest.raises(ValueError) as ex:
        specs.decode_json(raw, "t")
    assert str(ex.value) == message


def test_spec_fields_match_case_insensitively_and_the_path_topic_wins():
    spec = specs.decode_json(b'{"ID": "h", "Kind": "tcp", "topic": "other", "extra": 1}', "t")
    assert spec == {"id": "h", "topic": "t", "kind": "tcp", "options": None, "match": ""}


def test_every_registered_kind_decodes_through_the_registry(engine):
    with pytest.raises(HandlerError, match='unsupported action kind "nope"'):
        specs.build({"id": "h", "topic": "t", "kind": "nope", "options": {}, "match": ""}, StaticConfig())
    rec = specs.build({"id": "h", "topic": "t", "kind": "tcp", "options": {"address": "a:1"}, "match": ""},
                      StaticConfig())
    assert rec["handler"] == ["tcp", {"address": "a:1"}]


# -- routing ------------------------------------------------------------------------------------------
def test_inline_and_api_handlers_share_one_outbox_entry_and_match_filters(engine):
    add_spec(engine, "main:t:alert2", "api", "tcp", {"address": "a:1"})
    add_spec(engine, "main:t:alert2", "never", "tcp", {"address": "b:1"}, match="level() == OK")
    assert collect(engine, "main:t:alert2", event(), inline=[["log", {"path": "/x"}]]) == 1
    (entry,) = entries(engine)
    assert entry["handlers"] == [["log", {"path": "/x"}], ["tcp", {"address": "a:1"}]]
    with engine.env.begin() as txn:
        assert topics.state(txn, store.db(engine), "main:t:alert2") == (3, 1)


def test_publish_collects_into_other_topics_with_their_previous_level(engine):
    add_spec(engine, "src", "pub", "publish", {"topics": ["dst"]})
    add_spec(engine, "dst", "out", "tcp", {"address": "a:1"})
    collect(engine, "src", event(level="WARNING"))
    collect(engine, "src", event(level="CRITICAL", previous="WARNING"))
    sent = entries(engine)
    assert [(e["event"]["level"], e["event"]["previousLevel"]) for e in sent] == [("WARNING", "OK"),
                                                                               ("CRITICAL", "WARNING")]
    with engine.env.begin() as txn:
        assert topics.event(txn, store.db(engine), "dst", "id")["level"] == "CRITICAL"


def test_a_publish_cycle_stops_and_is_logged(engine, caplog):
    add_spec(engine, "a", "p", "publish", {"topics": ["b"]})
    add_spec(engine, "b", "p", "publish", {"topics": ["a"]})
    with caplog.at_level(logging.ERROR, logger="machstore.kapacitor.alerts"):
        collect(engine, "a", event())
    assert "publish chain deeper than" in caplog.text


def test_aggregate_buffers_then_flushes_into_its_topic(engine):
    add_spec(engine, "agg", "h", "aggregate", {"id": "sum", "interval": 10**9, "topic": "out"})
    add_spec(engine, "out", "o", "tcp", {"address": "a:1"})
    collect(engine, "agg", event(message="one"))
    collect(engine, "agg", event(message="two", level="WARNING"))
    assert entries(engine) == []
    added, wait = topics.flush_aggregates(engine, outbox.put)
    assert added == 0 and 0 < wait <= 1.0
    added, wait = topics.flush_aggregates(engine, outbox.put, now_ns=2**62)
    assert added == 1 and wait is None
    (entry,) = entries(engine)
    assert (entry["event"]["id"], entry["event"]["details"], entry["event"]["level"]) == ("sum", "one\ntwo", "CRITICAL")


# -- delivery counters --------------------------------------------------------------------------------
def test_the_outbox_counts_sent_and_failed_per_kind(engine):
    kdb = store.db(engine)
    with engine.env.begin(write=True) as txn:
        outbox.put(txn, kdb, "t", "n", event(), [["tcp", {}], ["post", {}]])

    def deliver(handler, ev):
        if handler[0] == "post":
            raise OSError("down")

    sender = outbox.OutboxSender(engine, deliver=deliver)
    sender.send_due()
    with engine.env.begin() as txn:
        assert outbox.delivery_counts(txn, kdb) == {"post": {"sent": 0, "failed": 1}, "tcp": {"sent": 1, "failed": 0}}
    assert [e["handlers"] for e in entries(engine)] == [[["post", {}]]]   # only the failed one is owed


# -- the task master and restarts ---------------------------------------------------------------------
def test_anonymous_topics_open_close_and_delete_with_their_task(engine, tmp_path):
    script = f"stream|from().measurement('cpu')|alert().crit(lambda: TRUE).log('{tmp_path}/a.log')"
    put_task(engine, "t", script, DBRP)
    tm = TaskMaster(engine)
    tm.round()
    engine.write_lines("db", b"cpu v=1 10")
    tm.round()
    kdb = store.db(engine)
    with engine.env.begin() as txn:
        assert topics.state(txn, kdb, "main:t:alert2") == (3, 1)
    put_task(engine, "t", script, DBRP, status="disabled")
    tm.round()
    with engine.env.begin() as txn:
        assert topics.state(txn, kdb, "main:t:alert2") is None           # closed
        assert topics.event(txn, kdb, "main:t:alert2", "cpu:nil") is not None
    put_task(engine, "t", script, DBRP)
    tm.round()
    with engine.env.begin() as txn:
        assert topics.state(txn, kdb, "main:t:alert2") == (3, 1)
    delete_task(engine, "t")
    tm.round()
    with engine.env.begin() as txn:
        assert topics.state(txn, kdb, "main:t:alert2") is None
        assert topics.events(txn, kdb, "main:t:alert2") == {}


def test_restart_keeps_non_ok_events_and_resets_counters(engine):
    kdb = store.db(engine)
    add_spec(engine, "named", "h", "tcp", {"address": "a:1"})
    collect(engine, "named", event("a", level="CRITICAL"))
    collect(engine, "named", event("b", level="OK"))
    collect(engine, "main:t:alert2", event("a"))
    with engine.env.begin(write=True) as txn:
        topics.close(txn, kdb, "main:t:alert2")                    # its task was disabled
        topics.delete(txn, kdb, "named")
        store.put_json(txn, kdb, topics.event_key("named", "a"), topics._state_of(event("a")))
    topics.restart(engine, persist=True)
    with engine.env.begin() as txn:
        assert topics.state(txn, kdb, "named") == (3, 0)             # back: it has a handler
        assert set(topics.events(txn, kdb, "named")) == {"a"}         # the OK event is gone
        assert topics.state(txn, kdb, "main:t:alert2") == (3, 0)      # every persisted topic is loaded
    topics.restart(engine, persist=False)
    with engine.env.begin() as txn:
        assert topics.events(txn, kdb, "named") == {}


def test_persist_topics_reads_the_alert_section():
    assert topics.persist_topics(StaticConfig()) is True
    assert topics.persist_topics(StaticConfig({"alert": {"persist-topics": False}})) is False


def test_a_hanging_handler_holds_no_other_and_keeps_its_order(engine):
    import threading
    kdb = store.db(engine)
    with engine.env.begin(write=True) as txn:
        for n in range(3):
            outbox.put(txn, kdb, "t", "n", event(f"e{n}"), [["tcp", {"address": "slow"}], ["tcp", {"address": "fast"}]])
    release, sent = threading.Event(), []

    def deliver(handler, ev):
        if handler[1]["address"] == "slow":
            release.wait(10)
        sent.append((handler[1]["address"], ev["id"]))

    sender = outbox.OutboxSender(engine, deliver=deliver, settle=0.2)
    try:
        sender.send_due()
        assert sent == [("fast", "e0"), ("fast", "e1"), ("fast", "e2")]   # while "slow" hangs on e0
        release.set()
        for _ in range(50):
            sender.send_due()
            if not entries(engine):
                break
        assert [s for s in sent if s[0] == "slow"] == [("slow", "e0"), ("slow", "e1"), ("slow", "e2")]
        assert entries(engine) == []
        with engine.env.begin() as txn:
            assert outbox.delivery_counts(txn, kdb) == {"tcp": {"sent": 6, "failed": 0}}
    finally:
        release.set()
        sender.stop()
