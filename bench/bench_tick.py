"""TICKscript front-end speed: lex, parse and format a typical task, beside an InfluxQL parse.

Run::

    pytest bench/bench_tick.py --benchmark-only

``TASK`` is the 80-line Chronograf alert task of ``/work/shared/seeds/001_*.txt`` (variables, a
shifted join, eval lambdas, an alert with its properties, influxDBOut and httpOut), and
``SHORT`` a 30-line stream task with comments.  The baseline, in the same run, is
``machstore.influxql.parse`` on a SELECT of about the same length as ``SHORT`` (what a batch
task's ``query()`` holds).  Each benchmark stores ``bytes_per_s`` (from the median round) in
``benchmark.extra_info``.

Profiling recipe: ``python -m cProfile -s cumtime -c "import bench_tick as b; [b.parse(b.TASK) for _ in range(2000)]"``
from ``bench/``.
"""
import pytest

from machstore.influxql import parse as influxql_parse
from machstore.tick import format_node, lex, parse

SHORT = """// Alert when the CPU of a host stays busy.
dbrp "telegraf"."autogen"

var period = 5m
var every = 1m
var warn = 80.0
var crit = 95.0

var data = stream
    |from()
        .measurement('cpu')
        .groupBy('host')
        .where(lambda: "cpu" == 'cpu-total' AND "host" =~ /^web-[0-9]+$/)
    |window()
        .period(period)
        .every(every)
    |mean('usage_user')
        .as('value')

data
    |alert()
        .id('{{ .Name }}/{{ index .Tags "host" }}')
        .message('{{ .ID }} is {{ .Level }}: {{ index .Fields "value" }}')
        .warn(lambda: "value" > warn)
        .crit(lambda: "value" > crit)
        .stateChangesOnly(10m)
        .log('/tmp/cpu_alert.log')
    |influxDBOut()
        .database('chronograf')
        .measurement('alerts')
"""

INFLUXQL = ("SELECT mean(\"usage_user\") AS \"value\", max(\"usage_system\") FROM \"telegraf\".\"autogen\".\"cpu\" "
            "WHERE \"cpu\" = 'cpu-total' AND \"host\" =~ /^web-[0-9]+$/ AND time > now() - 1h "
            "GROUP BY time(1m), \"host\" fill(none) ORDER BY time DESC LIMIT 100")


def _seed_task():
    import json
    import pathlib
    import re
    found = sorted(pathlib.Path("/work/shared/seeds").glob("001_*.txt"))
    if not found:
        return SHORT
    request = re.findall(r"```http request\n(.*?)\n```", found[0].read_text(), re.DOTALL)[0]
    return json.loads(request.split("\n", 1)[1])["script"]


TASK = _seed_task()


def _record(benchmark, text):
    median = benchmark.stats.stats.median
    benchmark.extra_info["bytes"] = len(text.encode())
    benchmark.extra_info["bytes_per_s"] = round(len(text.encode()) / median) if median else None


@pytest.mark.parametrize("name", ["short", "task"])
def test_lex(benchmark, name):
    text = SHORT if name == "short" else TASK
    benchmark(lex, text)
    _record(benchmark, text)


@pytest.mark.parametrize("name", ["short", "task"])
def test_parse(benchmark, name):
    text = SHORT if name == "short" else TASK
    benchmark(parse, text)
    _record(benchmark, text)


@pytest.mark.parametrize("name", ["short", "task"])
def test_format(benchmark, name):
    tree = parse(SHORT if name == "short" else TASK)
    benchmark(format_node, tree)


def test_baseline_influxql_parse(benchmark):
    benchmark(influxql_parse, INFLUXQL)
    _record(benchmark, INFLUXQL)
