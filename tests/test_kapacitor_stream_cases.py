"""Every restated ``streamer_test.go`` case (tests/kstream_cases_*.py), run in memory.

The same cases run end to end against a real server in the HTTP runner; this one checks node
semantics quickly and pinpoints the node when a case fails.
"""
import json

import pytest
from kapacitor_harness import run_stream
from kstream_cases import all_cases, same, sorted_series

from machstore.kapacitor.node import RUNTIMES

CASES = all_cases()
SINK = "http://sink.test"


@pytest.mark.parametrize("case", [c for c in CASES if c.expected], ids=lambda c: c.name)
def test_stream_case_http_out(case):
    missing = [go for go in case.needs if go not in RUNTIMES]
    if missing:
        pytest.skip(f"needs runtimes not merged yet: {missing}")
    ctx, _ = run_stream(case.script.replace("SINK_URL", SINK), case.srpl_text())
    for endpoint, want in case.expected.items():
        got = ctx.http.get(endpoint, {"series": None})
        if case.ignore_order:
            got, want = sorted_series(got), sorted_series(want)
        assert same(got, want) == [], (case.name, got)
    if case.posts is not None:
        got = [{"path": req["url"].removeprefix(SINK), "body": json.loads(req["body"])} for _, req in ctx.posts]
        assert same(got, case.posts) == [], (case.name, got)
