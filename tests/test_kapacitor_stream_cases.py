"""Every restated ``streamer_test.go`` case (tests/kstream_cases_*.py), run in memory.

The same cases run end to end against a real server in the HTTP runner; this one checks node
semantics quickly and pinpoints the node when a case fails.
"""
import pytest
from kapacitor_harness import run_stream
from kstream_cases import all_cases, same, unordered

CASES = all_cases()


@pytest.mark.parametrize("case", [c for c in CASES if c.expected], ids=lambda c: c.name)
def test_stream_case_http_out(case):
    ctx, _ = run_stream(case.script, case.srpl_text())
    for endpoint, want in case.expected.items():
        got = ctx.http.get(endpoint, {"series": None})
        if case.ignore_order:
            got, want = unordered(got), unordered(want)
        assert same(got, want) == [], (case.name, got)
