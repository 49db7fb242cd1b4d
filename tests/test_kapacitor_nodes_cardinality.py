"""Node statistics after a replay: Kapacitor's ``TestStream_*Cardinality`` tests restated.

``streamer_test.go`` replays ``TestStream_Cardinality.srpl`` (9 cpu groups, 10 seconds) and
compares every node's ``collected``, ``emitted``, ``errors`` and ``working_cardinality`` (and
``avg_exec_time_ns``, which is 0 under Kapacitor's fake clock and is left out here).  A node's
``emitted`` is what its out edges collected, so a node without children emitted nothing.
"""
import pytest
from kapacitor_harness import run_stream
from kstream_cases import DATA

SRPL = (DATA / "TestStream_Cardinality.srpl").read_text()
FROM = {"stream0": {"collected": 90, "emitted": 90, "errors": 0, "working_cardinality": 0},
        "from1": {"collected": 90, "emitted": 90, "errors": 0, "working_cardinality": 0}}


def _stats(node, collected, emitted, cardinality):
    return {node: {"collected": collected, "emitted": emitted, "errors": 0, "working_cardinality": cardinality}}


CASES = {
    "TestStream_SampleCardinality": (
        "stream|from().measurement('cpu').groupBy('host','cpu')|sample(2)",
        _stats("sample2", 90, 0, 9)),
    "TestStream_WindowCardinality": (
        "stream|from().measurement('cpu').groupBy('host','cpu')|window().period(1s).every(1s)",
        _stats("window2", 90, 0, 9)),
    "TestStream_InfluxQLCardinalityStream": (
        "stream|from().measurement('cpu').groupBy('host','cpu')|max('usage_user').as('max')",
        _stats("max2", 90, 0, 9)),
    "TestStream_InfluxQLCardinalityBatch": (
        ("stream|from().measurement('cpu').groupBy('host','cpu')|window().period(1s).every(1s)"
         "|max('usage_user').as('max')"),
        {**_stats("window2", 90, 81, 9), **_stats("max3", 81, 0, 9)}),
    "TestStream_EvalCardinality": (
        "stream|from().measurement('cpu').groupBy('host','cpu')|eval(lambda: sigma(\"usage_user\")).as('sigma')",
        _stats("eval2", 90, 0, 9)),
    "TestStream_GroupByCardinality": (
        "stream|from().measurement('cpu')|window().period(1s).every(1s)|groupBy('cpu')",
        {**_stats("window2", 90, 9, 1), **_stats("groupby3", 9, 0, 9)}),
}


@pytest.mark.parametrize("name", list(CASES))
def test_node_statistics(name):
    script, expected = CASES[name]
    _, graph = run_stream(script, SRPL)
    got = {node: {k: v for k, v in st.items() if k != "avg_exec_time_ns"} for node, st in graph.node_stats().items()}
    assert got == {**FROM, **expected}
