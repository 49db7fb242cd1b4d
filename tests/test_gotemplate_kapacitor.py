"""Kapacitor's alert templates (from its ``integrations/streamer_test.go``) on Kapacitor-shaped data.

The data is built the way ``alert.go`` builds it (``idInfo`` / ``messageInfo`` /
``detailsInfo``), and the expected texts are the ones Kapacitor's own tests expect.
"""
import datetime

import pytest

from machstore.gotemplate import Duration, StringMap, Template, TemplateExecError, Time, parse
from machstore.gotemplate.kapacitor import (
    DEFAULT_ID,
    DEFAULT_MESSAGE,
    FUNCS,
    DetailsInfo,
    IdInfo,
    MessageInfo,
    ServerInfo,
    go_json,
)

T10 = Time(31536010 * 10**9)   # 1971-01-01T00:00:10Z, the time Kapacitor's tests alert at


def _id_info(group="nil", **tags):
    return IdInfo(Name="cpu", TaskName="TestStream_Alert", Group=group, Tags=StringMap(tags or {"host": "serverA"}),
                  ServerInfo=ServerInfo("localhost", "cluster-1", "server-1"))


def _message_info(level="CRITICAL", fields=None, group="nil", duration=0):
    info = _id_info(group)
    alert_id = parse('kapacitor/{{ .Name }}/{{ index .Tags "host" }}', "id").execute(info)
    return MessageInfo(idInfo=info, ID=alert_id, Fields=fields if fields is not None else {"count": 10.0},
                       Level=level, Time=T10, Duration=Duration(duration))


@pytest.mark.parametrize(("template", "want"), [
    ('kapacitor/{{ .Name }}/{{ index .Tags "host" }}', "kapacitor/cpu/serverA"),
    ('kapacitor.{{ .Name }}.{{ index .Tags "host" }}', "kapacitor.cpu.serverA"),
    ('{{ index .Tags "host" }}', "serverA"),
    (DEFAULT_ID, "cpu:nil"),
    ("{{ .TaskName }}/{{ .ServerInfo.Hostname }}", "TestStream_Alert/localhost"),
    ('{{ index .Tags "missing" }}|', "|"),
    ("{{ .Tags.host }}", "serverA"),
])
def test_id_templates(template, want):
    assert parse(template, "id").execute(_id_info()) == want


def test_grouped_id():
    assert parse(DEFAULT_ID, "id").execute(_id_info(group="host=serverA")) == "cpu:host=serverA"


@pytest.mark.parametrize(("template", "want"), [
    (DEFAULT_MESSAGE, "kapacitor/cpu/serverA is CRITICAL"),
    ("{{ .Level }} alert for {{ .ID }}", "CRITICAL alert for kapacitor/cpu/serverA"),
    ("This is message for alert {{ .ID }}", "This is message for alert kapacitor/cpu/serverA"),
    ('kapacitor/{{ .Name }}/{{ index .Tags "host" }} is {{ .Level }} @{{.Time}}',
     "kapacitor/cpu/serverA is CRITICAL @1971-01-01 00:00:10 +0000 UTC"),
    ('{{ .ID }} is {{ .Level }} value: {{ index .Fields "count" }}', "kapacitor/cpu/serverA is CRITICAL value: 10"),
    ("{{ .Fields.count }}", "10"),
    ('{{ printf "%.2f" (index .Fields "count") }}', "10.00"),
    ("{{ .Duration }}", "0s"),
    ('{{ if eq .Level "CRITICAL" }}page{{ else }}mail{{ end }}', "page"),
    ("{{ range $k, $v := .Fields }}{{ $k }}={{ $v }} {{ end }}", "count=10 "),
    ("{{ .Time.Unix }}", "31536010"),
])
def test_message_templates(template, want):
    assert parse(template, "message").execute(_message_info()) == want


def test_duration_and_float_fields():
    info = _message_info(fields={"value": 97.123456789, "big": 1e21, "n": 3}, duration=3723 * 10**9 + 5 * 10**8)
    assert parse("{{ .Duration }} {{ .Fields.value }} {{ .Fields.big }} {{ .Fields.n }}").execute(info) == \
        "1h2m3.5s 97.123456789 1e+21 3"


def test_details_gets_message():
    info = _message_info(level="CRITICAL")
    msg = parse("{{ .Level }} alert for {{ .ID }}", "message").execute(info)
    details = DetailsInfo(messageInfo=info, Message=msg)
    assert parse("{{ .Message }}", "details").execute(details) == "CRITICAL alert for kapacitor/cpu/serverA"
    assert parse('{{ "here" }}/{{ .Name }}', "details").execute(details) == "here/cpu"


def test_json_of_details_matches_kapacitor():
    """Kapacitor's defaultDetailsTmpl: ``{{ json . }}`` of a detailsInfo."""
    info = _message_info(group="host=serverA", fields={"count": 10})
    details = DetailsInfo(messageInfo=info, Message="CRITICAL alert for kapacitor/cpu/serverA")
    want = ('{"Name":"cpu","TaskName":"TestStream_Alert","Group":"host=serverA","Tags":{"host":"serverA"},'
            '"ServerInfo":{"Hostname":"localhost","ClusterID":"cluster-1","ServerID":"server-1"},'
            '"ID":"kapacitor/cpu/serverA","Fields":{"count":10},"Level":"CRITICAL","Time":"1971-01-01T00:00:10Z",'
            '"Duration":0,"Message":"CRITICAL alert for kapacitor/cpu/serverA"}\n')
    assert Template("details", funcs=FUNCS).parse("{{ json . }}").execute(details) == want
    assert go_json(details) == want


def test_struct_prints_like_go():
    info = _message_info()
    assert parse("{{ . }}").execute(info) == (
        "{{cpu TestStream_Alert nil map[host:serverA] {localhost cluster-1 server-1}} kapacitor/cpu/serverA "
        "map[count:10] CRITICAL 1971-01-01 00:00:10 +0000 UTC 0s}")


def test_unknown_field_is_kapacitors_error():
    with pytest.raises(TemplateExecError) as info:
        parse("{{ .Host }}", "message").execute(_message_info())
    assert str(info.value) == ('template: message:1:3: executing "message" at <.Host>: '
                               "can't evaluate field Host in type kapacitor.messageInfo")


@pytest.mark.parametrize(("value", "want"), [
    (Time(0), "1970-01-01 00:00:00 +0000 UTC"),
    (Time(1_500_000_000), "1970-01-01 00:00:01.5 +0000 UTC"),
    (Time(123), "1970-01-01 00:00:00.000000123 +0000 UTC"),
    (datetime.datetime(2020, 5, 17, 12, 30, 0, 250000, tzinfo=datetime.UTC), "2020-05-17 12:30:00.25 +0000 UTC"),
    (datetime.datetime(2020, 5, 17, 12, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=2))),
     "2020-05-17 12:30:00 +0200 +0200"),
    (Duration(0), "0s"), (Duration(1), "1ns"), (Duration(1500), "1.5µs"), (Duration(500_000_000), "500ms"),
    (Duration(1_500_000_000), "1.5s"), (Duration(60 * 10**9), "1m0s"), (Duration(3723 * 10**9), "1h2m3s"),
    (Duration(-90 * 10**9), "-1m30s"), (Duration(100 * 3600 * 10**9), "100h0m0s"),
])
def test_time_and_duration_strings(value, want):
    assert parse("{{ . }}").execute(value) == want
