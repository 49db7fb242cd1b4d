"""``alert()`` cases of ``streamer_test.go`` (see tests/kstream_cases.py).

Expected events are Kapacitor's ``alert.Data`` as its test server decodes them, in delivery
order; a case whose Kapacitor test only counts requests (or ignores some fields) lists events
with only the keys Kapacitor checks (``{}``: only the count).  Handler targets are
placeholders a runner replaces with its own sinks (``with_sinks``): ``$SINK_URL`` (an HTTP
server), ``$SINK_TCP`` (``host:port``), ``$SINK_DIR`` (an absolute directory for log files).
The exec case runs Kapacitor's ``/bin/my-script``: an in-memory run never executes handlers,
an end-to-end runner must substitute a program of its own.

``NODE_STATS``: Kapacitor's expected node statistics of the cardinality cases (its
``avg_exec_time_ns`` of 0 comes from a fake clock and is not compared).  ``HANDLER_CASES``
(``ENTERPRISE`` by name): the scripts of Kapacitor's sensu, servicenow, zenoss, snmptrap,
httppost-endpoint and kafka handler tests, run against local peers by
tests/test_kapacitor_services_enterprise.py.
"""
from kstream_cases import StreamCase

SINKS_IN_MEMORY = {"$SINK_URL": "http://127.0.0.1:9/alert", "$SINK_TCP": "127.0.0.1:9",
                   "$SINK_DIR": "/nonexistent-machstore-sink"}


def with_sinks(script: str, sinks: dict = SINKS_IN_MEMORY) -> str:
    """``script`` with the handler placeholders replaced (longest names first)."""
    for key in sorted(sinks, key=len, reverse=True):
        script = script.replace(key, sinks[key])
    return script


CASES = [
    # window/count: unverified until the window and count runtimes are merged
    StreamCase(
        name='TestStream_Alert',
        script="""
var infoThreshold = 6.0
var warnThreshold = 7.0
var critThreshold = 8.0

stream
	|from()
		.measurement('cpu')
		.where(lambda: "host" == 'serverA')
		.groupBy('host')
	|window()
		.period(10s)
		.every(10s)
	|count('value')
	|alert()
		.id('kapacitor/{{ .Name }}/{{ index .Tags "host" }}')
		.details('details')
		.idField('id')
		.idTag('id')
		.levelField('level')
		.messageField('msg')
		.levelTag('level')
		.info(lambda: "count" > infoThreshold)
		.warn(lambda: "count" > warnThreshold)
		.crit(lambda: "count" > critThreshold)
		.post('$SINK_URL')
	|httpOut('TestStream_Alert')
""",
        srpl='TestStream_Alert.srpl',
        expected={'TestStream_Alert': {'series': [{'name': 'cpu',
                                                'tags': {'host': 'serverA',
                                                         'level': 'CRITICAL',
                                                         'id': 'kapacitor/cpu/serverA'},
                                                'columns': ['time', 'count', 'id', 'level', 'msg'],
                                                'values': [['1971-01-01T00:00:10Z',
                                                            10.0,
                                                            'kapacitor/cpu/serverA',
                                                            'CRITICAL',
                                                            'kapacitor/cpu/serverA is CRITICAL']]}]}},
        alerts=[{'id': 'kapacitor/cpu/serverA',
                 'message': 'kapacitor/cpu/serverA is CRITICAL',
                 'details': 'details',
                 'time': '1971-01-01T00:00:10Z',
                 'duration': 0,
                 'level': 'CRITICAL',
                 'data': {'series': [{'name': 'cpu',
                                      'tags': {'host': 'serverA'},
                                      'columns': ['time', 'count'],
                                      'values': [['1971-01-01T00:00:10Z', 10.0]]}]},
                 'previousLevel': 'OK',
                 'recoverable': True}],
    ),
    StreamCase(
        name='TestStream_Alert_NoRecoveries',
        script="""
var infoThreshold = 6.0
var warnThreshold = 7.0
var critThreshold = 8.0

stream
	|from()
		.measurement('cpu')
		.groupBy('host')
	|alert()
		.id('kapacitor/{{ .Name }}/{{ index .Tags "host" }}')
		.details('')
		.info(lambda: "value" >= infoThreshold)
		.warn(lambda: "value" >= warnThreshold)
		.crit(lambda: "value" >= critThreshold)
		.noRecoveries()
		.post('$SINK_URL')
	|httpOut('TestStream_Alert_NoRecoveries')
""",
        srpl='TestStream_Alert_NoRecoveries.srpl',
        expected={'TestStream_Alert_NoRecoveries': {'series': [{'name': 'cpu',
                                                             'tags': {'host': 'serverA'},
                                                             'columns': ['time', 'value'],
                                                             'values': [['1971-01-01T00:00:07Z', 6.0]]}]}},
        alerts=[{'id': 'kapacitor/cpu/serverA',
                 'message': 'kapacitor/cpu/serverA is WARNING',
                 'details': '',
                 'time': '1971-01-01T00:00:00Z',
                 'duration': 0,
                 'level': 'WARNING',
                 'data': {'series': [{'name': 'cpu',
                                      'tags': {'host': 'serverA'},
                                      'columns': ['time', 'value'],
                                      'values': [['1971-01-01T00:00:00Z', 7.0]]}]},
                 'previousLevel': 'OK',
                 'recoverable': False},
                {'id': 'kapacitor/cpu/serverA',
                 'message': 'kapacitor/cpu/serverA is INFO',
                 'details': '',
                 'time': '1971-01-01T00:00:02Z',
                 'duration': 0,
                 'level': 'INFO',
                 'data': {'series': [{'name': 'cpu',
                                      'tags': {'host': 'serverA'},
                                      'columns': ['time', 'value'],
                                      'values': [['1971-01-01T00:00:02Z', 6.0]]}]},
                 'previousLevel': 'WARNING',
                 'recoverable': False},
                {'id': 'kapacitor/cpu/serverA',
                 'message': 'kapacitor/cpu/serverA is WARNING',
                 'details': '',
                 'time': '1971-01-01T00:00:03Z',
                 'duration': 1000000000,
                 'level': 'WARNING',
                 'data': {'series': [{'name': 'cpu',
                                      'tags': {'host': 'serverA'},
                                      'columns': ['time', 'value'],
                                      'values': [['1971-01-01T00:00:03Z', 7.0]]}]},
                 'previousLevel': 'INFO',
                 'recoverable': False},
                {'id': 'kapacitor/cpu/serverA',
                 'message': 'kapacitor/cpu/serverA is WARNING',
                 'details': '',
                 'time': '1971-01-01T00:00:04Z',
                 'duration': 2000000000,
                 'level': 'WARNING',
                 'data': {'series': [{'name': 'cpu',
                                      'tags': {'host': 'serverA'},
                                      'columns': ['time', 'value'],
                                      'values': [['1971-01-01T00:00:04Z', 7.0]]}]},
                 'previousLevel': 'WARNING',
                 'recoverable': False},
                {'id': 'kapacitor/cpu/serverA',
                 'message': 'kapacitor/cpu/serverA is CRITICAL',
                 'details': '',
                 'time': '1971-01-01T00:00:05Z',
                 'duration': 3000000000,
                 'level': 'CRITICAL',
                 'data': {'series': [{'name': 'cpu',
                                      'tags': {'host': 'serverA'},
                                      'columns': ['time', 'value'],
                                      'values': [['1971-01-01T00:00:05Z', 8.0]]}]},
                 'previousLevel': 'WARNING',
                 'recoverable': False},
                {'id': 'kapacitor/cpu/serverA',
                 'message': 'kapacitor/cpu/serverA is INFO',
                 'details': '',
                 'time': '1971-01-01T00:00:07Z',
                 'duration': 0,
                 'level': 'INFO',
                 'data': {'series': [{'name': 'cpu',
                                      'tags': {'host': 'serverA'},
                                      'columns': ['time', 'value'],
                                      'values': [['1971-01-01T00:00:07Z', 6.0]]}]},
                 'previousLevel': 'CRITICAL',
                 'recoverable': False}],
    ),
    StreamCase(
        name='TestStream_Alert_WithReset_0',
        script="""
var infoThreshold = 40.0
var warnThreshold = 60.0
var critThreshold = 80.0

var infoResetThreshold = 10.0
var warnResetThreshold = 20.0
var critResetThreshold = 30.0

stream
	|from()
		.measurement('cpu')
		.where(lambda: "host" == 'serverA')
		.groupBy('host')
	|alert()
		.id('kapacitor/{{ .Name }}/{{ index .Tags "host" }}')
		.details('details')
		.idField('id')
		.idTag('id')
		.levelField('level')
		.levelTag('level')
		.info(lambda: "value" > infoThreshold)
		.infoReset(lambda: "value" < infoResetThreshold)
		.warn(lambda: "value" > warnThreshold)
		.warnReset(lambda: "value" < warnResetThreshold)
		.crit(lambda: "value" > critThreshold)
		.critReset(lambda: "value" < critResetThreshold)
		.post('$SINK_URL')
	|httpOut('TestStream_Alert_WithReset_0')
""",
        srpl='TestStream_Alert_WithReset_0.srpl',
        expected={'TestStream_Alert_WithReset_0': {'series': [{'name': 'cpu',
                                                            'tags': {'host': 'serverA',
                                                                     'level': 'OK',
                                                                     'id': 'kapacitor/cpu/serverA',
                                                                     'type': 'usage'},
                                                            'columns': ['time', 'id', 'level', 'value'],
                                                            'values': [['1971-01-01T00:00:11Z',
                                                                        'kapacitor/cpu/serverA',
                                                                        'OK',
                                                                        29.0]]}]}},
        alerts=[{'id': 'kapacitor/cpu/serverA',
                 'message': 'kapacitor/cpu/serverA is INFO',
                 'details': 'details',
                 'time': '1971-01-01T00:00:00Z',
                 'duration': 0,
                 'level': 'INFO',
                 'data': {'series': [{'name': 'cpu',
                                      'tags': {'host': 'serverA', 'type': 'usage'},
                                      'columns': ['time', 'value'],
                                      'values': [['1971-01-01T00:00:00Z', 45.0]]}]},
                 'previousLevel': 'OK',
                 'recoverable': True},
                {'id': 'kapacitor/cpu/serverA',
                 'message': 'kapacitor/cpu/serverA is INFO',
                 'details': 'details',
                 'time': '1971-01-01T00:00:01Z',
                 'duration': 1000000000,
                 'level': 'INFO',
                 'data': {'series': [{'name': 'cpu',
                                      'tags': {'host': 'serverA', 'type': 'usage'},
                                      'columns': ['time', 'value'],
                                      'values': [['1971-01-01T00:00:01Z', 40.0]]}]},
                 'previousLevel': 'INFO',
                 'recoverable': True},
                {'id': 'kapacitor/cpu/serverA',
                 'message': 'kapacitor/cpu/serverA is INFO',
                 'details': 'details',
                 'time': '1971-01-01T00:00:02Z',
                 'duration': 2000000000,
                 'level': 'INFO',
                 'data': {'series': [{'name': 'cpu',
                                      'tags': {'host': 'serverA', 'type': 'usage'},
                                      'columns': ['time', 'value'],
                                      'values': [['1971-01-01T00:00:02Z', 30.0]]}]},
                 'previousLevel': 'INFO',
                 'recoverable': True},
                {'id': 'kapacitor/cpu/serverA',
                 'message': 'kapacitor/cpu/serverA is OK',
                 'details': 'details',
                 'time': '1971-01-01T00:00:03Z',
                 'duration': 3000000000,
                 'level': 'OK',
                 'data': {'series': [{'name': 'cpu',
                                      'tags': {'host': 'serverA', 'type': 'usage'},
                                      'columns': ['time', 'value'],
                                      'values': [['1971-01-01T00:00:03Z', 9.0]]}]},
                 'previousLevel': 'INFO',
                 'recoverable': True},
                {'id': 'kapacitor/cpu/serverA',
                 'message': 'kapacitor/cpu/serverA is INFO',
                 'details': 'details',
                 'time': '1971-01-01T00:00:04Z',
                 'duration': 0,
                 'level': 'INFO',
                 'data': {'series': [{'name': 'cpu',
                                      'tags': {'host': 'serverA', 'type': 'usage'},
                                      'columns': ['time', 'value'],
                                      'values': [['1971-01-01T00:00:04Z', 45.0]]}]},
                 'previousLevel': 'OK',
                 'recoverable': True},
                {'id': 'kapacitor/cpu/serverA',
                 'message': 'kapacitor/cpu/serverA is WARNING',
                 'details': 'details',
                 'time': '1971-01-01T00:00:05Z',
                 'duration': 1000000000,
                 'level': 'WARNING',
                 'data': {'series': [{'name': 'cpu',
                                      'tags': {'host': 'serverA', 'type': 'usage'},
                                      'columns': ['time', 'value'],
                                      'values': [['1971-01-01T00:00:05Z', 61.0]]}]},
                 'previousLevel': 'INFO',
                 'recoverable': True},
                {'id': 'kapacitor/cpu/serverA',
                 'message': 'kapacitor/cpu/serverA is WARNING',
                 'details': 'details',
                 'time': '1971-01-01T00:00:06Z',
                 'duration': 2000000000,
                 'level': 'WARNING',
                 'data': {'series': [{'name': 'cpu',
                                      'tags': {'host': 'serverA', 'type': 'usage'},
                                      'columns': ['time', 'value'],
                                      'values': [['1971-01-01T00:00:06Z', 30.0]]}]},
                 'previousLevel': 'WARNING',
                 'recoverable': True},
                {'id': 'kapacitor/cpu/serverA',
                 'message': 'kapacitor/cpu/serverA is OK',
                 'details': 'details',
                 'time': '1971-01-01T00:00:07Z',
                 'duration': 3000000000,
                 'level': 'OK',
                 'data': {'series': [{'name': 'cpu',
                                      'tags': {'host': 'serverA', 'type': 'usage'},
                                      'columns': ['time', 'value'],
                                      'values': [['1971-01-01T00:00:07Z', 19.0]]}]},
                 'previousLevel': 'WARNING',
                 'recoverable': True},
                {'id': 'kapacitor/cpu/serverA',
                 'message': 'kapacitor/cpu/serverA is INFO',
                 'details': 'details',
                 'time': '1971-01-01T00:00:08Z',
                 'duration': 0,
                 'level': 'INFO',
                 'data': {'series': [{'name': 'cpu',
                                      'tags': {'host': 'serverA', 'type': 'usage'},
                                      'columns': ['time', 'value'],
                                      'values': [['1971-01-01T00:00:08Z', 45.0]]}]},
                 'previousLevel': 'OK',
                 'recoverable': True},
                {'id': 'kapacitor/cpu/serverA',
                 'message': 'kapacitor/cpu/serverA is WARNING',
                 'details': 'details',
                 'time': '1971-01-01T00:00:09Z',
                 'duration': 1000000000,
                 'level': 'WARNING',
                 'data': {'series': [{'name': 'cpu',
                                      'tags': {'host': 'serverA', 'type': 'usage'},
                                      'columns': ['time', 'value'],
                                      'values': [['1971-01-01T00:00:09Z', 61.0]]}]},
                 'previousLevel': 'INFO',
                 'recoverable': True},
                {'id': 'kapacitor/cpu/serverA',
                 'message': 'kapacitor/cpu/serverA is CRITICAL',
                 'details': 'details',
                 'time': '1971-01-01T00:00:10Z',
                 'duration': 2000000000,
                 'level': 'CRITICAL',
                 'data': {'series': [{'name': 'cpu',
                                      'tags': {'host': 'serverA', 'type': 'usage'},
                                      'columns': ['time', 'value'],
                                      'values': [['1971-01-01T00:00:10Z', 81.0]]}]},
                 'previousLevel': 'WARNING',
                 'recoverable': True},
                {'id': 'kapacitor/cpu/serverA',
                 'message': 'kapacitor/cpu/serverA is OK',
                 'details': 'details',
                 'time': '1971-01-01T00:00:11Z',
                 'duration': 3000000000,
                 'level': 'OK',
                 'data': {'series': [{'name': 'cpu',
                                      'tags': {'host': 'serverA', 'type': 'usage'},
                                      'columns': ['time', 'value'],
                                      'values': [['1971-01-01T00:00:11Z', 29.0]]}]},
                 'previousLevel': 'CRITICAL',
                 'recoverable': True}],
    ),
    StreamCase(
        name='TestStream_Alert_WithReset_1',
        script="""
var infoThreshold = 40.0
var warnThreshold = 60.0
var critThreshold = 80.0

var infoResetThreshold = 30.0
var warnResetThreshold = 50.0
var critResetThreshold = 70.0

stream
	|from()
		.measurement('cpu')
		.where(lambda: "host" == 'serverA')
		.groupBy('host')
	|alert()
		.id('kapacitor/{{ .Name }}/{{ index .Tags "host" }}')
		.details('details')
		.idField('id')
		.idTag('id')
		.levelField('level')
		.levelTag('level')
		.info(lambda: "value" > infoThreshold)
		.infoReset(lambda: "value" < infoResetThreshold)
		.warn(lambda: "value" > warnThreshold)
		.warnReset(lambda: "value" < warnResetThreshold)
		.crit(lambda: "value" > critThreshold)
		.critReset(lambda: "value" < critResetThreshold)
		.post('$SINK_URL')
	|httpOut('TestStream_Alert_WithReset_1')
""",
        srpl='TestStream_Alert_WithReset_1.srpl',
        expected={'TestStream_Alert_WithReset_1': {'series': [{'name': 'cpu',
                                                            'tags': {'host': 'serverA',
                                                                     'level': 'OK',
                                                                     'id': 'kapacitor/cpu/serverA',
                                                                     'type': 'usage'},
                                                            'columns': ['time', 'id', 'level', 'value'],
                                                            'values': [['1971-01-01T00:00:14Z',
                                                                        'kapacitor/cpu/serverA',
                                                                        'OK',
                                                                        25.0]]}]}},
        alerts=[{'id': 'kapacitor/cpu/serverA',
                 'message': 'kapacitor/cpu/serverA is INFO',
                 'details': 'details',
                 'time': '1971-01-01T00:00:00Z',
                 'duration': 0,
                 'level': 'INFO',
                 'data': {'series': [{'name': 'cpu',
                                      'tags': {'host': 'serverA', 'type': 'usage'},
                                      'columns': ['time', 'value'],
                                      'values': [['1971-01-01T00:00:00Z', 45.0]]}]},
                 'previousLevel': 'OK',
                 'recoverable': True},
                {'id': 'kapacitor/cpu/serverA',
                 'message': 'kapacitor/cpu/serverA is INFO',
                 'details': 'details',
                 'time': '1971-01-01T00:00:01Z',
                 'duration': 1000000000,
                 'level': 'INFO',
                 'data': {'series': [{'name': 'cpu',
                                      'tags': {'host': 'serverA', 'type': 'usage'},
                                      'columns': ['time', 'value'],
                                      'values': [['1971-01-01T00:00:01Z', 40.0]]}]},
                 'previousLevel': 'INFO',
                 'recoverable': True},
                {'id': 'kapacitor/cpu/serverA',
                 'message': 'kapacitor/cpu/serverA is INFO',
                 'details': 'details',
                 'time': '1971-01-01T00:00:02Z',
                 'duration': 2000000000,
                 'level': 'INFO',
                 'data': {'series': [{'name': 'cpu',
                                      'tags': {'host': 'serverA', 'type': 'usage'},
                                      'columns': ['time', 'value'],
                                      'values': [['1971-01-01T00:00:02Z', 30.0]]}]},
                 'previousLevel': 'INFO',
                 'recoverable': True},
                {'id': 'kapacitor/cpu/serverA',
                 'message': 'kapacitor/cpu/serverA is OK',
                 'details': 'details',
                 'time': '1971-01-01T00:00:03Z',
                 'duration': 3000000000,
                 'level': 'OK',
                 'data': {'series': [{'name': 'cpu',
                                      'tags': {'host': 'serverA', 'type': 'usage'},
                                      'columns': ['time', 'value'],
                                      'values': [['1971-01-01T00:00:03Z', 29.0]]}]},
                 'previousLevel': 'INFO',
                 'recoverable': True},
                {'id': 'kapacitor/cpu/serverA',
                 'message': 'kapacitor/cpu/serverA is INFO',
                 'details': 'details',
                 'time': '1971-01-01T00:00:04Z',
                 'duration': 0,
                 'level': 'INFO',
                 'data': {'series': [{'name': 'cpu',
                                      'tags': {'host': 'serverA', 'type': 'usage'},
                                      'columns': ['time', 'value'],
                                      'values': [['1971-01-01T00:00:04Z', 45.0]]}]},
                 'previousLevel': 'OK',
                 'recoverable': True},
                {'id': 'kapacitor/cpu/serverA',
                 'message': 'kapacitor/cpu/serverA is WARNING',
                 'details': 'details',
                 'time': '1971-01-01T00:00:05Z',
                 'duration': 1000000000,
                 'level': 'WARNING',
                 'data': {'series': [{'name': 'cpu',
                                      'tags': {'host': 'serverA', 'type': 'usage'},
                                      'columns': ['time', 'value'],
                                      'values': [['1971-01-01T00:00:05Z', 61.0]]}]},
                 'previousLevel': 'INFO',
                 'recoverable': True},
                {'id': 'kapacitor/cpu/serverA',
                 'message': 'kapacitor/cpu/serverA is INFO',
                 'details': 'details',
                 'time': '1971-01-01T00:00:06Z',
                 'duration': 2000000000,
                 'level': 'INFO',
                 'data': {'series': [{'name': 'cpu',
                                      'tags': {'host': 'serverA', 'type': 'usage'},
                                      'columns': ['time', 'value'],
                                      'values': [['1971-01-01T00:00:06Z', 49.0]]}]},
                 'previousLevel': 'WARNING',
                 'recoverable': True},
                {'id': 'kapacitor/cpu/serverA',
                 'message': 'kapacitor/cpu/serverA is OK',
                 'details': 'details',
                 'time': '1971-01-01T00:00:07Z',
                 'duration': 3000000000,
                 'level': 'OK',
                 'data': {'series': [{'name': 'cpu',
                                      'tags': {'host': 'serverA', 'type': 'usage'},
                                      'columns': ['time', 'value'],
                                      'values': [['1971-01-01T00:00:07Z', 29.0]]}]},
                 'previousLevel': 'INFO',
                 'recoverable': True},
                {'id': 'kapacitor/cpu/serverA',
                 'message': 'kapacitor/cpu/serverA is INFO',
                 'details': 'details',
                 'time': '1971-01-01T00:00:08Z',
                 'duration': 0,
                 'level': 'INFO',
                 'data': {'series': [{'name': 'cpu',
                                      'tags': {'host': 'serverA', 'type': 'usage'},
                                      'columns': ['time', 'value'],
                                      'values': [['1971-01-01T00:00:08Z', 45.0]]}]},
                 'previousLevel': 'OK',
                 'recoverable': True},
                {'id': 'kapacitor/cpu/serverA',
                 'message': 'kapacitor/cpu/serverA is WARNING',
                 'details': 'details',
                 'time': '1971-01-01T00:00:09Z',
                 'duration': 1000000000,
                 'level': 'WARNING',
                 'data': {'series': [{'name': 'cpu',
                                      'tags': {'host': 'serverA', 'type': 'usage'},
                                      'columns': ['time', 'value'],
                                      'values': [['1971-01-01T00:00:09Z', 61.0]]}]},
                 'previousLevel': 'INFO',
                 'recoverable': True},
                {'id': 'kapacitor/cpu/serverA',
                 'message': 'kapacitor/cpu/serverA is CRITICAL',
                 'details': 'details',
                 'time': '1971-01-01T00:00:10Z',
                 'duration': 2000000000,
                 'level': 'CRITICAL',
                 'data': {'series': [{'name': 'cpu',
                                      'tags': {'host': 'serverA', 'type': 'usage'},
                                      'columns': ['time', 'value'],
                                      'values': [['1971-01-01T00:00:10Z', 81.0]]}]},
                 'previousLevel': 'WARNING',
                 'recoverable': True},
                {'id': 'kapacitor/cpu/serverA',
                 'message': 'kapacitor/cpu/serverA is WARNING',
                 'details': 'details',
                 'time': '1971-01-01T00:00:11Z',
                 'duration': 3000000000,
                 'level': 'WARNING',
                 'data': {'series': [{'name': 'cpu',
                                      'tags': {'host': 'serverA', 'type': 'usage'},
                                      'columns': ['time', 'value'],
                                      'values': [['1971-01-01T00:00:11Z', 69.0]]}]},
                 'previousLevel': 'CRITICAL',
                 'recoverable': True},
                {'id': 'kapacitor/cpu/serverA',
                 'message': 'kapacitor/cpu/serverA is WARNING',
                 'details': 'details',
                 'time': '1971-01-01T00:00:12Z',
                 'duration': 4000000000,
                 'level': 'WARNING',
                 'data': {'series': [{'name': 'cpu',
                                      'tags': {'host': 'serverA', 'type': 'usage'},
                                      'columns': ['time', 'value'],
                                      'values': [['1971-01-01T00:00:12Z', 50.0]]}]},
                 'previousLevel': 'WARNING',
                 'recoverable': True},
                {'id': 'kapacitor/cpu/serverA',
                 'message': 'kapacitor/cpu/serverA is INFO',
                 'details': 'details',
                 'time': '1971-01-01T00:00:13Z',
                 'duration': 5000000000,
                 'level': 'INFO',
                 'data': {'series': [{'name': 'cpu',
                                      'tags': {'host': 'serverA', 'type': 'usage'},
                                      'columns': ['time', 'value'],
                                      'values': [['1971-01-01T00:00:13Z', 41.0]]}]},
                 'previousLevel': 'WARNING',
                 'recoverable': True},
                {'id': 'kapacitor/cpu/serverA',
                 'message': 'kapacitor/cpu/serverA is OK',
                 'details': 'details',
                 'time': '1971-01-01T00:00:14Z',
                 'duration': 6000000000,
                 'level': 'OK',
                 'data': {'series': [{'name': 'cpu',
                                      'tags': {'host': 'serverA', 'type': 'usage'},
                                      'columns': ['time', 'value'],
                                      'values': [['1971-01-01T00:00:14Z', 25.0]]}]},
                 'previousLevel': 'INFO',
                 'recoverable': True}],
    ),
    StreamCase(
        name='TestStream_AlertDuration',
        script="""
var warnThreshold = 7.0
var critThreshold = 8.0

stream
	|from()
		.measurement('cpu')
		.where(lambda: "host" == 'serverA')
		.groupBy('host')
	|alert()
		.id('kapacitor/{{ .Name }}/{{ index .Tags "host" }}')
		.details('details')
		.durationField('duration')
		.warn(lambda: "value" > warnThreshold)
		.crit(lambda: "value" > critThreshold)
		.stateChangesOnly()
		.post('$SINK_URL')
	|httpOut('TestStream_AlertDuration')
""",
        srpl='TestStream_AlertDuration.srpl',
        expected={'TestStream_AlertDuration': {'series': [{'name': 'cpu',
                                                        'tags': {'host': 'serverA', 'type': 'idle'},
                                                        'columns': ['time', 'duration', 'value'],
                                                        'values': [['1971-01-01T00:00:08Z',
                                                                    3000000000.0,
                                                                    3.0]]}]}},
        alerts=[{'id': 'kapacitor/cpu/serverA',
                 'message': 'kapacitor/cpu/serverA is CRITICAL',
                 'details': 'details',
                 'time': '1971-01-01T00:00:00Z',
                 'duration': 0,
                 'level': 'CRITICAL',
                 'data': {'series': [{'name': 'cpu',
                                      'tags': {'host': 'serverA', 'type': 'idle'},
                                      'columns': ['time', 'value'],
                                      'values': [['1971-01-01T00:00:00Z', 9.0]]}]},
                 'previousLevel': 'OK',
                 'recoverable': True},
                {'id': 'kapacitor/cpu/serverA',
                 'message': 'kapacitor/cpu/serverA is WARNING',
                 'details': 'details',
                 'time': '1971-01-01T00:00:02Z',
                 'duration': 2000000000,
                 'level': 'WARNING',
                 'data': {'series': [{'name': 'cpu',
                                      'tags': {'host': 'serverA', 'type': 'idle'},
                                      'columns': ['time', 'value'],
                                      'values': [['1971-01-01T00:00:02Z', 8.0]]}]},
                 'previousLevel': 'CRITICAL',
                 'recoverable': True},
                {'id': 'kapacitor/cpu/serverA',
                 'message': 'kapacitor/cpu/serverA is OK',
                 'details': 'details',
                 'time': '1971-01-01T00:00:04Z',
                 'duration': 4000000000,
                 'level': 'OK',
                 'data': {'series': [{'name': 'cpu',
                                      'tags': {'host': 'serverA', 'type': 'idle'},
                                      'columns': ['time', 'value'],
                                      'values': [['1971-01-01T00:00:04Z', 6.0]]}]},
                 'previousLevel': 'WARNING',
                 'recoverable': True},
                {'id': 'kapacitor/cpu/serverA',
                 'message': 'kapacitor/cpu/serverA is WARNING',
                 'details': 'details',
                 'time': '1971-01-01T00:00:05Z',
                 'duration': 0,
                 'level': 'WARNING',
                 'data': {'series': [{'name': 'cpu',
                                      'tags': {'host': 'serverA', 'type': 'idle'},
                                      'columns': ['time', 'value'],
                                      'values': [['1971-01-01T00:00:05Z', 8.0]]}]},
                 'previousLevel': 'OK',
                 'recoverable': True},
                {'id': 'kapacitor/cpu/serverA',
                 'message': 'kapacitor/cpu/serverA is OK',
                 'details': 'details',
                 'time': '1971-01-01T00:00:08Z',
                 'duration': 3000000000,
                 'level': 'OK',
                 'data': {'series': [{'name': 'cpu',
                                      'tags': {'host': 'serverA', 'type': 'idle'},
                                      'columns': ['time', 'value'],
                                      'values': [['1971-01-01T00:00:08Z', 3.0]]}]},
                 'previousLevel': 'WARNING',
                 'recoverable': True}],
    ),
    # window/count: unverified until the window and count runtimes are merged
    StreamCase(
        name='TestStream_AlertTCP',
        script="""
stream
	|from()
		.measurement('cpu')
		.where(lambda: "host" == 'serverA')
		.groupBy('host')
	|window()
		.period(10s)
		.every(10s)
	|count('value')
	|alert()
		.id('kapacitor.{{ .Name }}.{{ index .Tags "host" }}')
		.info(lambda: "count" > 6.0)
		.warn(lambda: "count" > 7.0)
		.crit(lambda: "count" > 8.0)
		.details('')
		.tcp('$SINK_TCP')
""",
        srpl='TestStream_Alert.srpl',
        alerts=[{'id': 'kapacitor.cpu.serverA',
                 'message': 'kapacitor.cpu.serverA is CRITICAL',
                 'details': '',
                 'time': '1971-01-01T00:00:10Z',
                 'duration': 0,
                 'level': 'CRITICAL',
                 'data': {'series': [{'name': 'cpu',
                                      'tags': {'host': 'serverA'},
                                      'columns': ['time', 'count'],
                                      'values': [['1971-01-01T00:00:10Z', 10.0]]}]},
                 'previousLevel': 'OK',
                 'recoverable': True}],
    ),
    # window/count: unverified until the window and count runtimes are merged
    StreamCase(
        name='TestStream_AlertHTTPPost',
        script="""
stream
	|from()
		.measurement('cpu')
		.where(lambda: "host" == 'serverA')
		.groupBy('host')
	|window()
		.period(10s)
		.every(10s)
	|count('value')
	|alert()
		.id('kapacitor.{{ .Name }}.{{ index .Tags "host" }}')
		.info(lambda: "count" > 6.0)
		.warn(lambda: "count" > 7.0)
		.crit(lambda: "count" > 8.0)
		.details('')
		.post('$SINK_URL')
""",
        srpl='TestStream_Alert.srpl',
        alerts=[{'id': 'kapacitor.cpu.serverA',
                 'message': 'kapacitor.cpu.serverA is CRITICAL',
                 'details': '',
                 'time': '1971-01-01T00:00:10Z',
                 'duration': 0,
                 'level': 'CRITICAL',
                 'data': {'series': [{'name': 'cpu',
                                      'tags': {'host': 'serverA'},
                                      'columns': ['time', 'count'],
                                      'values': [['1971-01-01T00:00:10Z', 10.0]]}]},
                 'previousLevel': 'OK',
                 'recoverable': True}],
    ),
    # window/count: unverified until the window and count runtimes are merged
    # the same event goes to both files (normal.log mode 0600, mode.log 0644)
    StreamCase(
        name='TestStream_AlertLog',
        script="""
stream
	|from()
		.measurement('cpu')
		.where(lambda: "host" == 'serverA')
		.groupBy('host')
	|window()
		.period(10s)
		.every(10s)
	|count('value')
	|alert()
		.id('kapacitor.{{ .Name }}.{{ index .Tags "host" }}')
		.details('')
		.info(lambda: "count" > 6.0)
		.warn(lambda: "count" > 7.0)
		.crit(lambda: "count" > 8.0)
		.log('$SINK_DIR/normal.log')
		.log('$SINK_DIR/mode.log')
			.mode(0644)
""",
        srpl='TestStream_Alert.srpl',
        alerts=[{'id': 'kapacitor.cpu.serverA',
                 'message': 'kapacitor.cpu.serverA is CRITICAL',
                 'details': '',
                 'time': '1971-01-01T00:00:10Z',
                 'duration': 0,
                 'level': 'CRITICAL',
                 'data': {'series': [{'name': 'cpu',
                                      'tags': {'host': 'serverA'},
                                      'columns': ['time', 'count'],
                                      'values': [['1971-01-01T00:00:10Z', 10.0]]}]},
                 'previousLevel': 'OK',
                 'recoverable': True}],
    ),
    # window/count: unverified until the window and count runtimes are merged
    # the same event goes to both commands
    StreamCase(
        name='TestStream_AlertExec',
        script="""
stream
	|from()
		.measurement('cpu')
		.where(lambda: "host" == 'serverA')
		.groupBy('host')
	|window()
		.period(10s)
		.every(10s)
	|count('value')
	|alert()
		.id('kapacitor.{{ .Name }}.{{ index .Tags "host" }}')
		.details('')
		.info(lambda: "count" > 6.0)
		.warn(lambda: "count" > 7.0)
		.crit(lambda: "count" > 8.0)
		.exec('/bin/my-script', 'arg1', 'arg2')
		.exec('/bin/my-other-script')
""",
        srpl='TestStream_Alert.srpl',
        alerts=[{'id': 'kapacitor.cpu.serverA',
                 'message': 'kapacitor.cpu.serverA is CRITICAL',
                 'details': '',
                 'time': '1971-01-01T00:00:10Z',
                 'duration': 0,
                 'level': 'CRITICAL',
                 'data': {'series': [{'name': 'cpu',
                                      'tags': {'host': 'serverA'},
                                      'columns': ['time', 'count'],
                                      'values': [['1971-01-01T00:00:10Z', 10.0]]}]},
                 'previousLevel': 'OK',
                 'recoverable': True}],
    ),
    # eval: unverified until the eval runtime is merged
    StreamCase(
        name='TestStream_AlertSigma',
        script="""
stream
	|from()
		.measurement('cpu')
		.where(lambda: "host" == 'serverA')
	|eval(lambda: sigma("value"))
		.as('sigma')
		.keep()
	|alert()
		.details('{{ .Message }}')
		.info(lambda: "sigma" > 2.0)
		.warn(lambda: "sigma" > 3.0)
		.crit(lambda: "sigma" > 3.5)
		.post('$SINK_URL')
""",
        srpl='TestStream_AlertSigma.srpl',
        alerts=[{'id': 'cpu:nil',
                 'message': 'cpu:nil is INFO',
                 'details': 'cpu:nil is INFO',
                 'time': '1971-01-01T00:00:07Z',
                 'duration': 0,
                 'level': 'INFO',
                 'data': {'series': [{'name': 'cpu',
                                      'tags': {'host': 'serverA', 'type': 'idle'},
                                      'columns': ['time', 'sigma', 'value'],
                                      'values': [['1971-01-01T00:00:07Z', 2.469916402324427, 16.0]]}]},
                 'previousLevel': 'OK',
                 'recoverable': True},
                {'id': 'cpu:nil',
                 'message': 'cpu:nil is OK',
                 'details': 'cpu:nil is OK',
                 'time': '1971-01-01T00:00:08Z',
                 'duration': 1000000000,
                 'level': 'OK',
                 'data': {'series': [{'name': 'cpu',
                                      'tags': {'host': 'serverA', 'type': 'idle'},
                                      'columns': ['time', 'sigma', 'value'],
                                      'values': [['1971-01-01T00:00:08Z', 0.3053477916297622, 93.4]]}]},
                 'previousLevel': 'INFO',
                 'recoverable': True}],
    ),
    StreamCase(
        name='TestStream_AlertComplexWhere',
        script="""
stream
	|from()
		.measurement('cpu')
		.where(lambda: "host" == 'serverA' AND sigma("value") > 2)
	|alert()
		.details('')
		.crit(lambda: TRUE)
		.post('$SINK_URL')
""",
        srpl='TestStream_AlertComplexWhere.srpl',
        alerts=[{'id': 'cpu:nil',
                 'message': 'cpu:nil is CRITICAL',
                 'details': '',
                 'time': '1971-01-01T00:00:07Z',
                 'duration': 0,
                 'level': 'CRITICAL',
                 'data': {'series': [{'name': 'cpu',
                                      'tags': {'host': 'serverA', 'type': 'idle'},
                                      'columns': ['time', 'value'],
                                      'values': [['1971-01-01T00:00:07Z', 16.0]]}]},
                 'previousLevel': 'OK',
                 'recoverable': True}],
    ),
    # Kapacitor counts the requests only: 4 points below 93, so 8 state changes
    StreamCase(
        name='TestStream_AlertStateChangesOnly',
        script="""
stream
	|from()
		.measurement('cpu')
	|alert()
		.crit(lambda: "value" < 93)
		.stateChangesOnly()
		.post('$SINK_URL')
""",
        srpl='TestStream_AlertStateChangesOnly.srpl',
        alerts=[{}, {}, {}, {}, {}, {}, {}, {}],
    ),
    # Kapacitor computes these in a loop and ignores the data: 5 alerts, 1 recovery
    StreamCase(
        name='TestStream_AlertStateChangesOnlyExpired',
        script="""
stream
	|from()
		.measurement('cpu')
	|alert()
		.crit(lambda: "value" < 97)
		.details('')
		.stateChangesOnly(2s)
		.post('$SINK_URL')
""",
        srpl='TestStream_AlertStateChangesOnlyExpired.srpl',
        alerts=[{'id': 'cpu:nil',
                 'message': 'cpu:nil is CRITICAL',
                 'details': '',
                 'time': '1971-01-01T00:00:01Z',
                 'duration': 0,
                 'level': 'CRITICAL',
                 'previousLevel': 'OK',
                 'recoverable': True},
                {'id': 'cpu:nil',
                 'message': 'cpu:nil is CRITICAL',
                 'details': '',
                 'time': '1971-01-01T00:00:03Z',
                 'duration': 2000000000,
                 'level': 'CRITICAL',
                 'previousLevel': 'CRITICAL',
                 'recoverable': True},
                {'id': 'cpu:nil',
                 'message': 'cpu:nil is CRITICAL',
                 'details': '',
                 'time': '1971-01-01T00:00:05Z',
                 'duration': 4000000000,
                 'level': 'CRITICAL',
                 'previousLevel': 'CRITICAL',
                 'recoverable': True},
                {'id': 'cpu:nil',
                 'message': 'cpu:nil is CRITICAL',
                 'details': '',
                 'time': '1971-01-01T00:00:07Z',
                 'duration': 6000000000,
                 'level': 'CRITICAL',
                 'previousLevel': 'CRITICAL',
                 'recoverable': True},
                {'id': 'cpu:nil',
                 'message': 'cpu:nil is CRITICAL',
                 'details': '',
                 'time': '1971-01-01T00:00:09Z',
                 'duration': 8000000000,
                 'level': 'CRITICAL',
                 'previousLevel': 'CRITICAL',
                 'recoverable': True},
                {'id': 'cpu:nil',
                 'message': 'cpu:nil is OK',
                 'details': '',
                 'time': '1971-01-01T00:00:10Z',
                 'duration': 9000000000,
                 'level': 'OK',
                 'previousLevel': 'CRITICAL',
                 'recoverable': True}],
    ),
    # Kapacitor counts the requests only: flapping detection drops the last alerts
    StreamCase(
        name='TestStream_AlertFlapping',
        script="""
stream
	|from()
		.measurement('cpu')
		.where(lambda: "host" == 'serverA')
	|alert()
		.info(lambda: "value" < 95)
		.warn(lambda: "value" < 94)
		.crit(lambda: "value" < 93)
		.flapping(0.25, 0.50)
		.history(21)
		.post('$SINK_URL')
""",
        srpl='TestStream_AlertFlapping.srpl',
        alerts=[{}, {}, {}, {}, {}, {}, {}, {}, {}],
    ),
    # no handler, no level: no event (NODE_STATS below holds the node statistics)
    StreamCase(
        name='TestStream_AlertCardinality',
        script="""
stream
    |from()
        .measurement('cpu')
        .groupBy('host','cpu')
    |alert()
""",
        srpl='TestStream_Cardinality.srpl',
        alerts=[],
    ),
    # eval/derivative: unverified until those runtimes are merged
    StreamCase(
        name='TestStream_MixedCardinality',
        script="""
stream
    |from()
        .measurement('cpu')
        .groupBy('host','cpu')
    |where(lambda: "host" == 'localhost')
    |eval(lambda: sigma("usage_user"))
      .as('sigma')
    |where(lambda: "cpu" == 'cpu-total' OR "cpu" == 'cpu0' OR "cpu" == 'cpu1')
    |derivative('sigma')
    |alert()
""",
        srpl='TestStream_Cardinality.srpl',
        alerts=[],
    ),

]

_CARD = {"avg_exec_time_ns": 0, "errors": 0}
_ALERT_ZERO = {"warns_triggered": 0, "crits_triggered": 0, "alerts_triggered": 0, "alerts_inhibited": 0,
               "oks_triggered": 0, "infos_triggered": 0}
NODE_STATS = {
    "TestStream_AlertCardinality": {
        "stream0": {**_CARD, "working_cardinality": 0, "collected": 90, "emitted": 90},
        "from1": {**_CARD, "working_cardinality": 0, "collected": 90, "emitted": 90},
        "alert2": {**_CARD, **_ALERT_ZERO, "working_cardinality": 9, "collected": 90, "emitted": 0},
    },
    "TestStream_MixedCardinality": {
        "stream0": {**_CARD, "working_cardinality": 0, "collected": 90, "emitted": 90},
        "from1": {**_CARD, "working_cardinality": 0, "collected": 90, "emitted": 90},
        "where2": {**_CARD, "working_cardinality": 9, "collected": 90, "emitted": 90},
        "eval3": {**_CARD, "working_cardinality": 9, "collected": 90, "emitted": 90},
        "where4": {**_CARD, "working_cardinality": 9, "collected": 90, "emitted": 30},
        "derivative5": {**_CARD, "working_cardinality": 3, "collected": 30, "emitted": 27},
        "alert6": {**_CARD, **_ALERT_ZERO, "working_cardinality": 3, "collected": 27, "emitted": 0},
    },
}

# What Kapacitor's TestStream_Alert<Handler> scripts share: the head up to alert() and the levels
# (the handler tests of tests/test_kapacitor_services_*.py add their own id and handlers)
HANDLER_HEAD = """
stream
	|from()
		.measurement('cpu')
		.where(lambda: "host" == 'serverA')
		.groupBy('host')
	|window()
		.period(10s)
		.every(10s)
	|count('value')
	|alert()
"""
HANDLER_LEVELS = """
		.info(lambda: "count" > 6.0)
		.warn(lambda: "count" > 7.0)
		.crit(lambda: "count" > 8.0)
"""

# Kapacitor's handler cases restated against local peers by tests/test_kapacitor_services_enterprise.py
# (kafka is refused there with its own text): (Kapacitor test name, script, handler method)
HANDLER_CASES = [
    ('TestStream_AlertSensu', """
stream
	|from()
		.measurement('cpu')
		.where(lambda: "host" == 'serverA')
		.groupBy('host')
	|window()
		.period(10s)
		.every(10s)
	|count('value')
	|alert()
		.id('kapacitor.{{ .Name }}.{{ index .Tags "host" }}')
		.info(lambda: "count" > 6.0)
		.warn(lambda: "count" > 7.0)
		.crit(lambda: "count" > 8.0)
		.sensu()
			.metadata('k1', 'v1')
			.metadata('k2', 5)
""", 'sensu'),
    ('TestStream_AlertKafka', """
stream
	|from()
		.measurement('cpu')
		.where(lambda: "host" == 'serverA')
		.groupBy('host')
	|window()
		.period(10s)
		.every(10s)
	|count('value')
	|alert()
		.id('kapacitor/{{ .Name }}/{{ index .Tags "host" }}')
		.info(lambda: "count" > 6.0)
		.warn(lambda: "count" > 7.0)
		.crit(lambda: "count" > 8.0)
		.kafka()
		.cluster('default')
		.kafkaTopic('testTopic')
		.template('{{.Message}}')
""", 'kafka'),
    ('TestStream_AlertServiceNow', """
stream
	|from()
		.measurement('cpu')
		.where(lambda: "host" == 'serverA')
		.groupBy('host', 'type')
	|window()
		.period(10s)
		.every(10s)
	|mean('value')
	|alert()
		.id('kapacitor/{{ .Name }}/{{ index .Tags "host" }}')
		.info(lambda: "mean" > 15.0)
		.warn(lambda: "mean" > 50.0)
		.crit(lambda: "mean" > 90.0)
		.serviceNow()
		.serviceNow()
			.node('{{ index .Tags "host" }}')
			.type('CPU')
			.resource('CPU-Total')
			.metricName('{{ index .Tags "type" }}')
			.messageKey('Alert: {{ .ID }}')
			.additionalInfo('link', 'http://push/alert?id={{ .ID }}')
			.additionalInfo('ticks', 666)
""", 'serviceNow'),
    ('TestStream_AlertSNMPTrap', """
stream
	|from()
		.measurement('cpu')
		.where(lambda: "host" == 'serverA')
		.groupBy('host')
	|window()
		.period(10s)
		.every(10s)
	|count('value')
	|alert()
		.id('kapacitor/{{ .Name }}/{{ index .Tags "host" }}')
		.info(lambda: "count" > 6.0)
		.warn(lambda: "count" > 7.0)
		.crit(lambda: "count" > 8.0)
		.details('{{ "here" }}/{{ .Name }}')
		.snmpTrap('1.1.1')
			.data('1.1.1.2', 'c', '1')
			.data('1.1.1.2', 's', 'SNMP ALERT')
			.data('1.1.1.2', 's', '{{.Message}}')
		.snmpTrap('1.1.2')
			.data('1.1.2.3', 'i', '10')
			.data('1.1.2.3', 'n', '')
			.data('1.1.2.3', 't', '20000')
			.data('1.1.2.3', 's', '{{ .Details }}')
""", 'snmpTrap'),
    ('TestStream_AlertZenoss', """
stream
	|from()
		.measurement('cpu')
		.where(lambda: "host" == 'serverA')
		.groupBy('host', 'type')
	|window()
		.period(10s)
		.every(10s)
	|mean('value')
	|alert()
		.id('kapacitor/{{ .Name }}/{{ index .Tags "host" }}')
		.info(lambda: "mean" > 15.0)
		.warn(lambda: "mean" > 50.0)
		.crit(lambda: "mean" > 90.0)
		.zenoss()
			.device('#DEVICE001')
			.component('CPU')
			.eventClass('/App')
""", 'zenoss'),
    ("TestStream_AlertHTTPPostEndpoint", """
stream
	|from()
		.measurement('cpu')
		.where(lambda: "host" == 'serverA')
		.groupBy('host')
	|window()
		.period(10s)
		.every(10s)
	|count('value')
	|alert()
		.id('kapacitor.{{ .Name }}.{{ index .Tags "host" }}')
		.info(lambda: "count" > 6.0)
		.warn(lambda: "count" > 7.0)
		.crit(lambda: "count" > 8.0)
		.details('')
		.post()
		 .endpoint('test')
""", "post"),
]

ENTERPRISE = {name: script for name, script, _method in HANDLER_CASES}
