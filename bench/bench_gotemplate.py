"""Cost of rendering Kapacitor alert messages with our Go templates, against str.format in the same run.

Run::

    pytest bench/bench_gotemplate.py --benchmark-only

A Kapacitor alert node parses its ``.id()``, ``.message()`` and ``.details()`` templates once
and renders them for every emitted event, so what matters is the cost of ``execute`` on an
already parsed template.  Cases:

* ``message``: ``{{ .ID }} is {{ .Level }} value: {{ index .Fields "value" }}`` on a
  ``messageInfo`` (the template from Kapacitor's own tests);
* ``id``: ``kapacitor/{{ .Name }}/{{ index .Tags "host" }}`` on an ``idInfo``;
* ``printf``: ``{{ .ID }} {{ printf "%.2f" (index .Fields "value") }} at {{ .Time }}``;
* ``parse``: parsing the message template (what a task (re)definition pays once);
* ``baseline-format``: Python's ``str.format`` of the equivalent message, the floor a
  hand-written renderer could reach.

Each benchmark stores ``renders_per_s`` in ``extra_info``; a table with the ratio to the
baseline is printed at the end.

Profiling recipe: ``python -m cProfile -s cumtime -m pytest bench/bench_gotemplate.py
--benchmark-only -k message`` (the time is in ``evaluate.py``'s closures and ``gofmt``).
"""
import pytest

from machstore.gotemplate import StringMap, Template, Time
from machstore.gotemplate.kapacitor import IdInfo, MessageInfo, ServerInfo

MESSAGE = '{{ .ID }} is {{ .Level }} value: {{ index .Fields "value" }}'
ID = 'kapacitor/{{ .Name }}/{{ index .Tags "host" }}'
PRINTF = '{{ .ID }} {{ printf "%.2f" (index .Fields "value") }} at {{ .Time }}'

ID_INFO = IdInfo(Name="cpu", TaskName="cpu_alert", Group="host=serverA", Tags=StringMap(host="serverA", cpu="cpu0"),
                 ServerInfo=ServerInfo("localhost", "c1", "s1"))
MESSAGE_INFO = MessageInfo(idInfo=ID_INFO, ID="kapacitor/cpu/serverA", Fields={"value": 97.25, "count": 10},
                           Level="CRITICAL", Time=Time(31536010 * 10**9))

_results = {}


def _record(benchmark, name):
    rate = 1.0 / benchmark.stats.stats.median
    benchmark.extra_info["renders_per_s"] = rate
    _results[name] = benchmark.stats.stats.median


@pytest.mark.parametrize(("name", "text", "data", "want"), [
    ("message", MESSAGE, MESSAGE_INFO, "kapacitor/cpu/serverA is CRITICAL value: 97.25"),
    ("id", ID, ID_INFO, "kapacitor/cpu/serverA"),
    ("printf", PRINTF, MESSAGE_INFO, "kapacitor/cpu/serverA 97.25 at 1971-01-01 00:00:10 +0000 UTC"),
])
def test_render(benchmark, name, text, data, want):
    tmpl = Template(name).parse(text)
    assert tmpl.execute(data) == want
    benchmark.pedantic(tmpl.execute, args=(data,), rounds=2000, iterations=10, warmup_rounds=100)
    _record(benchmark, name)


def test_parse(benchmark):
    benchmark(lambda: Template("message").parse(MESSAGE))
    _record(benchmark, "parse")


def test_baseline_format(benchmark):
    fmt = "{0.ID} is {0.Level} value: {1}".format

    def render(info):
        return fmt(info, info.Fields["value"])

    assert render(MESSAGE_INFO) == "kapacitor/cpu/serverA is CRITICAL value: 97.25"
    benchmark.pedantic(render, args=(MESSAGE_INFO,), rounds=2000, iterations=10, warmup_rounds=100)
    _record(benchmark, "baseline-format")


def teardown_module(module):
    base = _results.get("baseline-format")
    if not base:
        return
    print("\n\ncase              median      x str.format")
    for name, median in _results.items():
        print(f"{name:<16} {median * 1e6:8.2f} us  {median / base:8.1f}")
