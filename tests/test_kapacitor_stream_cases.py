"""Every restated ``streamer_test.go`` case (tests/kstream_cases_*.py), run in memory.

The same cases run end to end against a real server in the HTTP runner; this one checks node
semantics quickly and pinpoints the node when a case fails.  A case needing a node runtime
that is not in this tree yet is skipped (it runs once that runtime is merged).
"""
import pytest
from kapacitor_harness import run_stream
from kstream_cases import all_cases, same
from kstream_cases_alert import with_sinks

from machstore.kapacitor.node import UnsupportedNode

CASES = all_cases()


def _run(case):
    try:
        return run_stream(with_sinks(case.script), case.srpl_text())
    except UnsupportedNode as ex:
        pytest.skip(f"node runtime not in this tree yet: {ex}")


@pytest.mark.parametrize("case", [c for c in CASES if c.expected], ids=lambda c: c.name)
def test_stream_case_http_out(case):
    ctx, _ = _run(case)
    for endpoint, want in case.expected.items():
        got = ctx.http.get(endpoint, {"series": None})
        assert same(got, want) == [], (case.name, got)


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
