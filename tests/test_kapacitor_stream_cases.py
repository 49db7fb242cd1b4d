"""Every restated ``streamer_test.go`` case (tests/kstream_cases_*.py), run in memory.

The same cases run end to end against a real server in the HTTP runner; this one checks node
semantics quickly and pinpoints the node when a case fails.
"""
import json

import pytest
from kapacitor_harness import run_stream
from kstream_cases import all_cases, same, sorted_series
from kstream_cases_alert import SINKS_IN_MEMORY, with_sinks

CASES = all_cases()
SINK = "http://sink.test"
SINKS = {**SINKS_IN_MEMORY, "$SINK_URL": SINK}


def _run(case):
    return run_stream(with_sinks(case.script, SINKS), case.srpl_text())


@pytest.mark.parametrize("case", [c for c in CASES if c.expected], ids=lambda c: c.name)
def test_stream_case_http_out(case):
    ctx, _ = _run(case)
    for endpoint, want in case.expected.items():
        got = ctx.http.get(endpoint, {"series": None})
        if case.ignore_order:
            got, want = sorted_series(got), sorted_series(want)
        assert same(got, want) == [], (case.name, got)
    if case.posts is not None:
        got = [{"path": req["url"].removeprefix(SINK), "body": json.loads(req["body"])} for _, req in ctx.posts]
        assert same(got, case.posts) == [], (case.name, got)


@pytest.mark.parametrize("case", [c for c in CASES if c.alerts is not None], ids=lambda c: c.name)
def test_stream_case_alerts(case):
    """The events sent to the alert handlers, in order; an expected event lists the keys
    Kapacitor's test checks (all of them, unless the test ignores some)."""
    ctx, _ = _run(case)
    got = [event for _, event, _ in ctx.events]
    assert len(got) == len(case.alerts), (case.name, got)
    for i, (event, want) in enumerate(zip(got, case.alerts)):
        checked = {k: event.get(k) for k in want}
        assert same(checked, want, f"[{i}]") == [], (case.name, i, event)
