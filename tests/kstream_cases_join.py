"""``streamer_test.go`` cases of join, union, combine, flatten, changeDetect, derivative,
stateDuration/stateCount, httpPost and sideload, restated (see tests/kstream_cases.py).

Scripts, data files and expected results are Kapacitor's (1.7.x); a case's ``needs`` names the
runtimes of other node families it also uses (``window``, ``eval``, InfluxQL functions...).
Barrier cases are not here: Kapacitor's run on wall-clock time with random values and count
HTTP requests; tests/test_kapacitor_nodes_barrier.py checks barrier.go's rules on a fake clock instead.
"""
from kstream_cases import DATA, StreamCase

SIDELOAD = (DATA / "sideload").resolve()

CASES = [
    StreamCase(
        name='TestStream_ChangeDetect',
        script="""stream
	|from().measurement('packets')
	|changeDetect('value')
    |window()
		.period(10s)
		.every(10s)
	|httpOut('TestStream_ChangeDetect')
""",
        needs=('WindowNode',),
        srpl="TestStream_ChangeDetect.srpl",
        expected={'TestStream_ChangeDetect': {"series": [{"name": "packets", "columns": ["time", "value"], "values": [["1971-01-01T00:00:00Z", "bad"], ["1971-01-01T00:00:01Z", "good"], ["1971-01-01T00:00:02Z", "bad"], ["1971-01-01T00:00:05Z", "good"], ["1971-01-01T00:00:07Z", "bad"], ["1971-01-01T00:00:08Z", "good"]]}]}},
    ),
    StreamCase(
        name='TestStream_ChangeDetect_Many',
        script="""stream
	|from().measurement('packets')
	|changeDetect('a','b')
    |window()
		.period(6s)
		.every(6s)
	|httpOut('TestStream_ChangeDetect_Many')
""",
        needs=('WindowNode',),
        srpl="TestStream_ChangeDetect_Many.srpl",
        expected={'TestStream_ChangeDetect_Many': {"series": [{"name": "packets", "columns": ["time", "a", "b"], "values": [["1971-01-01T00:00:00Z", "bad", 0.0], ["1971-01-01T00:00:01Z", "good", 0.0], ["1971-01-01T00:00:04Z", "bad", 1.0], ["1971-01-01T00:00:05Z", "bad", 0.0]]}]}},
    ),
    StreamCase(
        name='TestStream_Derivative',
        script="""
stream
	|from().measurement('packets')
	|derivative('value')
	|window()
		.period(10s)
		.every(10s)
	|mean('value')
	|httpOut('TestStream_Derivative')
""",
        needs=('InfluxQLNode', 'WindowNode'),
        srpl="TestStream_Derivative.srpl",
        expected={'TestStream_Derivative': {"series": [{"name": "packets", "columns": ["time", "mean"], "values": [["1971-01-01T00:00:11Z", 1.0]]}]}},
    ),
    StreamCase(
        name='TestStream_DerivativeAs',
        script="""
stream
	|from().measurement('packets')
	|derivative('value')
		.as('derivative')
	|window()
		.period(10s)
		.every(10s)
	|httpOut('TestStream_Derivative')
""",
        needs=('WindowNode',),
        srpl="TestStream_Derivative.srpl",
        expected={'TestStream_Derivative': {"series": [{"name": "packets", "columns": ["time", "derivative", "value"], "values": [["1971-01-01T00:00:01Z", 1.0, 1001.0], ["1971-01-01T00:00:03Z", 1.0, 1003.0], ["1971-01-01T00:00:04Z", 1.0, 1004.0], ["1971-01-01T00:00:05Z", 2.0, 1006.0], ["1971-01-01T00:00:06Z", 1.0, 1007.0], ["1971-01-01T00:00:07Z", 0.0, 1007.0], ["1971-01-01T00:00:08Z", 1.0, 1008.0], ["1971-01-01T00:00:09Z", 1.0, 1009.0], ["1971-01-01T00:00:10Z", 1.0, 1010.0]]}]}},
    ),
    StreamCase(
        name='TestStream_DerivativeZeroElapsed',
        script="""
stream
	|from().measurement('packets')
	|derivative('value')
	|window()
		.period(10s)
		.every(10s)
	|count('value')
	|httpOut('TestStream_DerivativeZeroElapsed')
""",
        needs=('InfluxQLNode', 'WindowNode'),
        srpl="TestStream_DerivativeZeroElapsed.srpl",
        expected={'TestStream_DerivativeZeroElapsed': {"series": [{"name": "packets", "columns": ["time", "count"], "values": [["1971-01-01T00:00:11Z", 9.0]]}]}},
    ),
    StreamCase(
        name='TestStream_DerivativeUnit',
        script="""
stream
	|from().measurement('packets')
	|derivative('value')
		.unit(10s)
	|window()
		.period(10s)
		.every(10s)
	|mean('value')
	|httpOut('TestStream_Derivative')
""",
        needs=('InfluxQLNode', 'WindowNode'),
        srpl="TestStream_Derivative.srpl",
        expected={'TestStream_Derivative': {"series": [{"name": "packets", "columns": ["time", "mean"], "values": [["1971-01-01T00:00:11Z", 10.0]]}]}},
    ),
    StreamCase(
        name='TestStream_DerivativeNN',
        script="""
stream
	|from().measurement('packets')
	|derivative('value')
		.nonNegative()
	|window()
		.period(10s)
		.every(10s)
	|mean('value')
	|httpOut('TestStream_DerivativeNN')
""",
        needs=('InfluxQLNode', 'WindowNode'),
        srpl="TestStream_DerivativeNN.srpl",
        expected={'TestStream_DerivativeNN': {"series": [{"name": "packets", "columns": ["time", "mean"], "values": [["1971-01-01T00:00:11Z", 1.0]]}]}},
    ),
    StreamCase(
        name='TestStream_DerivativeN',
        script="""
stream
	|from().measurement('packets')
	|derivative('value')
	|window()
		.period(10s)
		.every(10s)
	|mean('value')
	|httpOut('TestStream_DerivativeNN')
""",
        needs=('InfluxQLNode', 'WindowNode'),
        srpl="TestStream_DerivativeNN.srpl",
        expected={'TestStream_DerivativeNN': {"series": [{"name": "packets", "columns": ["time", "mean"], "values": [["1971-01-01T00:00:11Z", -99.7]]}]}},
    ),
    StreamCase(
        name='TestStream_StateDuration',
        script="""
var data = stream
	|from().measurement('cpu')
	|groupBy('host')
data
	|stateDuration(lambda: "value" > 95)
		.unit(1ms)
		.as('my_duration')
	|window().period(4s).every(4s)
	|httpOut('TestStream_StateTracking')
data
	|stateDuration(lambda: "value" > 95) // discard
""",
        needs=('GroupByNode', 'WindowNode'),
        srpl="TestStream_StateTracking.srpl",
        expected={'TestStream_StateTracking': {"series": [{"name": "cpu", "tags": {"host": "serverA"}, "columns": ["time", "my_duration", "value"], "values": [["1971-01-01T00:00:00Z", 0.0, 97.1], ["1971-01-01T00:00:01Z", 1000.0, 96.6], ["1971-01-01T00:00:02Z", -1.0, 83.6], ["1971-01-01T00:00:03Z", 0.0, 99.1]]}, {"name": "cpu", "tags": {"host": "serverB"}, "columns": ["time", "my_duration", "value"], "values": [["1971-01-01T00:00:00Z", -1.0, 47.0], ["1971-01-01T00:00:01Z", 0.0, 95.1], ["1971-01-01T00:00:03Z", 2000.0, 96.1]]}]}},
    ),
    StreamCase(
        name='TestStream_StateCount',
        script="""
var data = stream
	|from().measurement('cpu')
	|groupBy('host')
data
	|stateCount(lambda: "value" > 95)
		.as('my_count')
	|window().period(4s).every(4s)
	|httpOut('TestStream_StateTracking')
data
	|stateCount(lambda: "value" > 95) // discard
""",
        needs=('GroupByNode', 'WindowNode'),
        srpl="TestStream_StateTracking.srpl",
        expected={'TestStream_StateTracking': {"series": [{"name": "cpu", "tags": {"host": "serverA"}, "columns": ["time", "my_count", "value"], "values": [["1971-01-01T00:00:00Z", 1.0, 97.1], ["1971-01-01T00:00:01Z", 2.0, 96.6], ["1971-01-01T00:00:02Z", -1.0, 83.6], ["1971-01-01T00:00:03Z", 1.0, 99.1]]}, {"name": "cpu", "tags": {"host": "serverB"}, "columns": ["time", "my_count", "value"], "values": [["1971-01-01T00:00:00Z", -1.0, 47.0], ["1971-01-01T00:00:01Z", 1.0, 95.1], ["1971-01-01T00:00:03Z", 2.0, 96.1]]}]}},
    ),
    StreamCase(
        name='TestStream_Flatten',
        script="""
stream
	|from()
		.measurement('request_latency')
		.groupBy('dc')
	|flatten()
		.on('service', 'host')
		.tolerance(1s)
    |httpOut('TestStream_Flatten')
""",
        srpl="TestStream_Flatten.srpl",
        ignore_order=True,
        expected={'TestStream_Flatten': {"series": [{"name": "request_latency", "tags": {"dc": "A"}, "columns": ["time", "auth.server01.value", "auth.server02.value", "cart.server01.value", "cart.server02.value", "log.server01.value", "log.server02.value"], "values": [["1971-01-01T00:00:00Z", 700.0, 702.0, 800.0, 802.0, 600.0, 602.0]]}, {"name": "request_latency", "tags": {"dc": "B"}, "columns": ["time", "auth.server01.value", "auth.server02.value", "cart.server01.value", "cart.server02.value", "log.server01.value", "log.server02.value"], "values": [["1971-01-01T00:00:00Z", 750.0, 752.0, 850.0, 852.0, 650.0, 652.0]]}]}},
    ),
    StreamCase(
        name='TestStream_FlattenDropOriginalFieldName',
        script="""
stream
	|from()
		.measurement('request_latency')
		.groupBy('dc')
	|flatten()
		.on('service', 'host')
		.tolerance(1s)
		.dropOriginalFieldName()
		|httpOut('TestStream_Flatten')
""",
        srpl="TestStream_Flatten.srpl",
        ignore_order=True,
        expected={'TestStream_Flatten': {"series": [{"name": "request_latency", "tags": {"dc": "A"}, "columns": ["time", "auth.server01", "auth.server02", "cart.server01", "cart.server02", "log.server01", "log.server02"], "values": [["1971-01-01T00:00:00Z", 700.0, 702.0, 800.0, 802.0, 600.0, 602.0]]}, {"name": "request_latency", "tags": {"dc": "B"}, "columns": ["time", "auth.server01", "auth.server02", "cart.server01", "cart.server02", "log.server01", "log.server02"], "values": [["1971-01-01T00:00:00Z", 750.0, 752.0, 850.0, 852.0, 650.0, 652.0]]}]}},
    ),
    StreamCase(
        name='TestStream_Combine_All',
        script="""
stream
	|from()
		.measurement('request_latency')
		.groupBy('dc')
	|combine(lambda: TRUE, lambda: TRUE)
		.as('first', 'second')
		.tolerance(1s)
		.delimiter('.')
	|groupBy('first.service', 'second.service', 'dc')
	|eval(lambda: "first.value" / "second.value")
		.as('ratio')
    |httpOut('TestStream_Combine')
""",
        needs=('EvalNode', 'GroupByNode'),
        srpl="TestStream_Combine.srpl",
        ignore_order=True,
        expected={'TestStream_Combine': {"series": [{"name": "request_latency", "tags": {"dc": "A", "second.service": "log", "first.service": "auth"}, "columns": ["time", "ratio"], "values": [["1971-01-01T00:00:00Z", 1.1666666666666667]]}, {"name": "request_latency", "tags": {"dc": "A", "second.service": "cart", "first.service": "auth"}, "columns": ["time", "ratio"], "values": [["1971-01-01T00:00:00Z", 0.875]]}, {"name": "request_latency", "tags": {"dc": "A", "second.service": "cart", "first.service": "log"}, "columns": ["time", "ratio"], "values": [["1971-01-01T00:00:00Z", 0.75]]}, {"name": "request_latency", "tags": {"dc": "B", "second.service": "log", "first.service": "auth"}, "columns": ["time", "ratio"], "values": [["1971-01-01T00:00:00Z", 1.1538461538461537]]}, {"name": "request_latency", "tags": {"dc": "B", "second.service": "cart", "first.service": "auth"}, "columns": ["time", "ratio"], "values": [["1971-01-01T00:00:00Z", 0.8823529411764706]]}, {"name": "request_latency", "tags": {"dc": "B", "second.service": "cart", "first.service": "log"}, "columns": ["time", "ratio"], "values": [["1971-01-01T00:00:00Z", 0.7647058823529411]]}]}},
    ),
    StreamCase(
        name='TestStream_Combine_Filtered',
        script="""
stream
	|from()
		.measurement('request_latency')
		.groupBy('dc')
	|combine(lambda: "service" == 'auth', lambda: TRUE)
		.as('auth', 'other')
		.tolerance(1s)
		.delimiter('.')
	|groupBy('other.service','dc')
	|eval(lambda: "auth.value" / "other.value")
		.as('ratio')
    |httpOut('TestStream_Combine')
""",
        needs=('EvalNode', 'GroupByNode'),
        srpl="TestStream_Combine.srpl",
        ignore_order=True,
        expected={'TestStream_Combine': {"series": [{"name": "request_latency", "tags": {"dc": "A", "other.service": "log", "auth.service": "auth"}, "columns": ["time", "ratio"], "values": [["1971-01-01T00:00:00Z", 1.1666666666666667]]}, {"name": "request_latency", "tags": {"dc": "A", "other.service": "cart", "auth.service": "auth"}, "columns": ["time", "ratio"], "values": [["1971-01-01T00:00:00Z", 0.875]]}, {"name": "request_latency", "tags": {"dc": "B", "other.service": "log", "auth.service": "auth"}, "columns": ["time", "ratio"], "values": [["1971-01-01T00:00:00Z", 1.1538461538461537]]}, {"name": "request_latency", "tags": {"dc": "B", "other.service": "cart", "auth.service": "auth"}, "columns": ["time", "ratio"], "values": [["1971-01-01T00:00:00Z", 0.8823529411764706]]}]}},
    ),
    StreamCase(
        name='TestStream_Combine_All_Triples',
        script="""
stream
	|from()
		.measurement('request_latency')
		.groupBy('dc')
	|combine(lambda: TRUE, lambda: TRUE, lambda: TRUE)
		.as('first', 'second', 'third')
		.tolerance(1s)
		.delimiter('.')
	|groupBy('first.service', 'second.service', 'third.service', 'dc')
	|eval(lambda: "first.value" + "second.value" + "third.value")
		.as('sum')
    |httpOut('TestStream_Combine')
""",
        needs=('EvalNode', 'GroupByNode'),
        srpl="TestStream_Combine.srpl",
        ignore_order=True,
        expected={'TestStream_Combine': {"series": [{"name": "request_latency", "tags": {"dc": "A", "first.service": "auth", "second.service": "log", "third.service": "cart"}, "columns": ["time", "sum"], "values": [["1971-01-01T00:00:00Z", 2100.0]]}, {"name": "request_latency", "tags": {"dc": "B", "first.service": "auth", "second.service": "log", "third.service": "cart"}, "columns": ["time", "sum"], "values": [["1971-01-01T00:00:00Z", 2250.0]]}]}},
    ),
    StreamCase(
        name='TestStream_Join',
        script="""
var errorCounts = stream
	|from()
		.measurement('errors')
		.groupBy('service')
	|window()
		.period(10s)
		.every(10s)
		.align()
	|sum('value')

var viewCounts = stream
	|from()
		.measurement('views')
		.groupBy('service')
	|window()
		.period(10s)
		.every(10s)
		.align()
	|sum('value')

errorCounts
	|join(viewCounts)
		.as('errors', 'views')
		.streamName('error_view')
	|eval(lambda: "errors.sum" / "views.sum")
		.as('error_percent')
		.keep()
	|httpOut('TestStream_Join')
""",
        needs=('EvalNode', 'InfluxQLNode', 'WindowNode'),
        srpl="TestStream_Join.srpl",
        ignore_order=True,
        expected={'TestStream_Join': {"series": [{"name": "error_view", "tags": {"service": "cartA"}, "columns": ["time", "error_percent", "errors.sum", "views.sum"], "values": [["1971-01-01T00:00:10Z", 0.01, 47.0, 4700.0]]}, {"name": "error_view", "tags": {"service": "login"}, "columns": ["time", "error_percent", "errors.sum", "views.sum"], "values": [["1971-01-01T00:00:10Z", 0.01, 45.0, 4500.0]]}, {"name": "error_view", "tags": {"service": "front"}, "columns": ["time", "error_percent", "errors.sum", "views.sum"], "values": [["1971-01-01T00:00:10Z", 0.01, 32.0, 3200.0]]}]}},
    ),
    StreamCase(
        name='TestStream_Join_Delimiter',
        script="""
var errorCounts = stream
	|from()
		.measurement('errors')
		.groupBy('service')
	|window()
		.period(10s)
		.every(10s)
		.align()
	|sum('value')

var viewCounts = stream
	|from()
		.measurement('views')
		.groupBy('service')
	|window()
		.period(10s)
		.every(10s)
		.align()
	|sum('value')

errorCounts
	|join(viewCounts)
		.as('errors', 'views')
		.delimiter('#')
		.streamName('error_view')
	|eval(lambda: "errors#sum" / "views#sum")
		.as('error_percent')
		.keep()
	|httpOut('TestStream_Join')
""",
        needs=('EvalNode', 'InfluxQLNode', 'WindowNode'),
        srpl="TestStream_Join.srpl",
        ignore_order=True,
        expected={'TestStream_Join': {"series": [{"name": "error_view", "tags": {"service": "cartA"}, "columns": ["time", "error_percent", "errors#sum", "views#sum"], "values": [["1971-01-01T00:00:10Z", 0.01, 47.0, 4700.0]]}, {"name": "error_view", "tags": {"service": "login"}, "columns": ["time", "error_percent", "errors#sum", "views#sum"], "values": [["1971-01-01T00:00:10Z", 0.01, 45.0, 4500.0]]}, {"name": "error_view", "tags": {"service": "front"}, "columns": ["time", "error_percent", "errors#sum", "views#sum"], "values": [["1971-01-01T00:00:10Z", 0.01, 32.0, 3200.0]]}]}},
    ),
    StreamCase(
        name='TestStream_Join_DelimiterEmpty',
        script="""
var errorCounts = stream
	|from()
		.measurement('errors')
		.groupBy('service')
	|window()
		.period(10s)
		.every(10s)
		.align()
	|sum('value')

var viewCounts = stream
	|from()
		.measurement('views')
		.groupBy('service')
	|window()
		.period(10s)
		.every(10s)
		.align()
	|sum('value')

errorCounts
	|join(viewCounts)
		.as('errors', 'views')
		.delimiter('')
		.streamName('error_view')
	|eval(lambda: "errorssum" / "viewssum")
		.as('error_percent')
		.keep()
	|httpOut('TestStream_Join')
""",
        needs=('EvalNode', 'InfluxQLNode', 'WindowNode'),
        srpl="TestStream_Join.srpl",
        ignore_order=True,
        expected={'TestStream_Join': {"series": [{"name": "error_view", "tags": {"service": "cartA"}, "columns": ["time", "error_percent", "errorssum", "viewssum"], "values": [["1971-01-01T00:00:10Z", 0.01, 47.0, 4700.0]]}, {"name": "error_view", "tags": {"service": "login"}, "columns": ["time", "error_percent", "errorssum", "viewssum"], "values": [["1971-01-01T00:00:10Z", 0.01, 45.0, 4500.0]]}, {"name": "error_view", "tags": {"service": "front"}, "columns": ["time", "error_percent", "errorssum", "viewssum"], "values": [["1971-01-01T00:00:10Z", 0.01, 32.0, 3200.0]]}]}},
    ),
    StreamCase(
        name='TestStream_JoinTolerance',
        script="""
var errorCounts = stream
	|from()
		.measurement('errors')
		.groupBy('service')

var viewCounts = stream
	|from()
		.measurement('views')
		.groupBy('service')

errorCounts
	|join(viewCounts)
		.as('errors', 'views')
		.tolerance(2s)
		.streamName('error_view')
	|window()
		.period(10s)
		.every(10s)
	|httpOut('TestStream_JoinTolerance')
""",
        needs=('WindowNode',),
        srpl="TestStream_JoinTolerance.srpl",
        ignore_order=True,
        expected={'TestStream_JoinTolerance': {"series": [{"name": "error_view", "tags": {"service": "cartA"}, "columns": ["time", "errors.value", "views.value"], "values": [["1971-01-01T00:00:00Z", 7.0, 700.0], ["1971-01-01T00:00:02Z", 9.0, 900.0], ["1971-01-01T00:00:04Z", 3.0, 300.0], ["1971-01-01T00:00:06Z", 11.0, 1100.0], ["1971-01-01T00:00:06Z", 12.0, 1200.0], ["1971-01-01T00:00:08Z", 6.0, 600.0]]}, {"name": "error_view", "tags": {"service": "login"}, "columns": ["time", "errors.value", "views.value"], "values": [["1971-01-01T00:00:00Z", 9.0, 900.0], ["1971-01-01T00:00:02Z", 5.0, 500.0], ["1971-01-01T00:00:04Z", 9.0, 900.0], ["1971-01-01T00:00:04Z", 2.0, 200.0], ["1971-01-01T00:00:06Z", 7.0, 700.0], ["1971-01-01T00:00:08Z", 10.0, 1000.0]]}, {"name": "error_view", "tags": {"service": "front"}, "columns": ["time", "errors.value", "views.value"], "values": [["1971-01-01T00:00:00Z", 2.0, 200.0], ["1971-01-01T00:00:02Z", 9.0, 900.0], ["1971-01-01T00:00:04Z", 7.0, 700.0], ["1971-01-01T00:00:06Z", 5.0, 500.0], ["1971-01-01T00:00:06Z", 4.0, 400.0], ["1971-01-01T00:00:08Z", 6.0, 600.0], ["1971-01-01T00:00:08Z", 4.0, 400.0]]}]}},
    ),
    StreamCase(
        name='TestStream_Join_Fill_Null',
        script="""
var errorCounts = stream
	|from()
		.measurement('errors')
		.groupBy('service')

var viewCounts = stream
	|from()
		.measurement('views')
		.groupBy('service')

errorCounts
	|join(viewCounts)
		.as('errors', 'views')
		.fill('null')
		.streamName('error_view')
	|default()
		.field('errors.value', 0.0)
		.field('views.value', 0.0)
	|eval(lambda:  "errors.value" + "views.value")
		.as('error_percent')
	|window()
		.period(10s)
		.every(10s)
	|count('error_percent')
	|httpOut('TestStream_Join_Fill')
""",
        needs=('DefaultNode', 'EvalNode', 'InfluxQLNode', 'WindowNode'),
        srpl="TestStream_Join_Fill.srpl",
        ignore_order=True,
        expected={'TestStream_Join_Fill': {"series": [{"name": "error_view", "tags": {"service": "cartA"}, "columns": ["time", "count"], "values": [["1971-01-01T00:00:10Z", 7.0]]}, {"name": "error_view", "tags": {"service": "login"}, "columns": ["time", "count"], "values": [["1971-01-01T00:00:10Z", 7.0]]}, {"name": "error_view", "tags": {"service": "front"}, "columns": ["time", "count"], "values": [["1971-01-01T00:00:10Z", 8.0]]}]}},
    ),
    StreamCase(
        name='TestStream_Join_Fill_Num',
        script="""
var errorCounts = stream
	|from()
		.measurement('errors')
		.groupBy('service')

var viewCounts = stream
	|from()
		.measurement('views')
		.groupBy('service')

errorCounts
	|join(viewCounts)
		.as('errors', 'views')
		.fill(0.0)
		.streamName('error_view')
	|eval(lambda:  "errors.value" + "views.value")
		.as('error_percent')
	|window()
		.period(10s)
		.every(10s)
	|count('error_percent')
	|httpOut('TestStream_Join_Fill')
""",
        needs=('EvalNode', 'InfluxQLNode', 'WindowNode'),
        srpl="TestStream_Join_Fill.srpl",
        ignore_order=True,
        expected={'TestStream_Join_Fill': {"series": [{"name": "error_view", "tags": {"service": "cartA"}, "columns": ["time", "count"], "values": [["1971-01-01T00:00:10Z", 7.0]]}, {"name": "error_view", "tags": {"service": "login"}, "columns": ["time", "count"], "values": [["1971-01-01T00:00:10Z", 7.0]]}, {"name": "error_view", "tags": {"service": "front"}, "columns": ["time", "count"], "values": [["1971-01-01T00:00:10Z", 8.0]]}]}},
    ),
    StreamCase(
        name='TestStream_JoinN',
        script="""
var cpu = stream
	|from()
		.measurement('cpu')
		.where(lambda: "cpu" == 'total')
var mem = stream
	|from()
		.measurement('memory')
		.where(lambda: "type" == 'free')
var disk = stream
	|from()
		.measurement('disk')
		.where(lambda: "device" == 'sda')

cpu
	|join(mem, disk)
		.as('cpu', 'mem', 'disk')
		.streamName('magic')
		.fill(0.0)
	|window()
		.period(10s)
		.every(10s)
	|count('cpu.value')
	|httpOut('TestStream_JoinN')
""",
        needs=('InfluxQLNode', 'WindowNode'),
        srpl="TestStream_JoinN.srpl",
        expected={'TestStream_JoinN': {"series": [{"name": "magic", "columns": ["time", "count"], "values": [["1971-01-01T00:00:10Z", 10.0]]}]}},
    ),
    StreamCase(
        name='TestStream_JoinOn',
        script="""
var errorsByServiceDC = stream
	|from()
		.measurement('errors')
		.groupBy('dc', 'service')
	|window()
		.period(10s)
		.every(10s)
		.align()
	|sum('value')

var errorsByServiceGlobal = stream
	|from()
		.measurement('errors')
		.groupBy('service')
	|window()
		.period(10s)
		.every(10s)
		.align()
	|sum('value')

errorsByServiceGlobal
	|join(errorsByServiceDC)
		.as('service', 'dc')
		.on('service')
		.streamName('dc_error_percent')
	|eval(lambda: "dc.sum" / "service.sum")
		.keep()
		.as('value')
	|httpOut('TestStream_JoinOn')
""",
        needs=('EvalNode', 'InfluxQLNode', 'WindowNode'),
        srpl="TestStream_JoinOn.srpl",
        ignore_order=True,
        expected={'TestStream_JoinOn': {"series": [{"name": "dc_error_percent", "tags": {"dc": "A", "service": "cartA"}, "columns": ["time", "dc.sum", "service.sum", "value"], "values": [["1971-01-01T00:00:10Z", 15.0, 47.0, 0.3191489361702128]]}, {"name": "dc_error_percent", "tags": {"dc": "B", "service": "cartA"}, "columns": ["time", "dc.sum", "service.sum", "value"], "values": [["1971-01-01T00:00:10Z", 32.0, 47.0, 0.6808510638297872]]}, {"name": "dc_error_percent", "tags": {"dc": "A", "service": "login"}, "columns": ["time", "dc.sum", "service.sum", "value"], "values": [["1971-01-01T00:00:10Z", 15.0, 45.0, 0.3333333333333333]]}, {"name": "dc_error_percent", "tags": {"dc": "B", "service": "login"}, "columns": ["time", "dc.sum", "service.sum", "value"], "values": [["1971-01-01T00:00:10Z", 23.0, 45.0, 0.5111111111111111]]}, {"name": "dc_error_percent", "tags": {"dc": "C", "service": "login"}, "columns": ["time", "dc.sum", "service.sum", "value"], "values": [["1971-01-01T00:00:10Z", 7.0, 45.0, 0.15555555555555556]]}, {"name": "dc_error_percent", "tags": {"dc": "A", "service": "front"}, "columns": ["time", "dc.sum", "service.sum", "value"], "values": [["1971-01-01T00:00:10Z", 19.0, 32.0, 0.59375]]}, {"name": "dc_error_percent", "tags": {"dc": "B", "service": "front"}, "columns": ["time", "dc.sum", "service.sum", "value"], "values": [["1971-01-01T00:00:10Z", 13.0, 32.0, 0.40625]]}]}},
    ),
    StreamCase(
        name='TestStream_JoinOnGap',
        script="""
var errorsByServiceDCRack = stream
	|from()
		.measurement('errors')
		.groupBy('dc', 'service', 'rack')
	|window()
		.period(10s)
		.every(10s)
		.align()
	|sum('value')

var errorsByServiceGlobal = stream
	|from()
		.measurement('errors')
		.groupBy('service')
	|window()
		.period(10s)
		.every(10s)
		.align()
	|sum('value')

errorsByServiceGlobal
	|join(errorsByServiceDCRack)
		.as('service', 'loc')
		.on('service')
		.streamName('loc_error_percent')
	|eval(lambda: "loc.sum" / "service.sum")
		.keep()
		.as('value')
	|httpOut('TestStream_JoinOn')
""",
        needs=('EvalNode', 'InfluxQLNode', 'WindowNode'),
        srpl="TestStream_JoinOn.srpl",
        ignore_order=True,
        expected={'TestStream_JoinOn': {"series": [{"name": "loc_error_percent", "tags": {"dc": "A", "service": "cartA", "rack": "0"}, "columns": ["time", "loc.sum", "service.sum", "value"], "values": [["1971-01-01T00:00:10Z", 10.0, 47.0, 0.2127659574468085]]}, {"name": "loc_error_percent", "tags": {"dc": "A", "service": "cartA", "rack": "1"}, "columns": ["time", "loc.sum", "service.sum", "value"], "values": [["1971-01-01T00:00:10Z", 5.0, 47.0, 0.10638297872340426]]}, {"name": "loc_error_percent", "tags": {"dc": "B", "service": "cartA", "rack": "0"}, "columns": ["time", "loc.sum", "service.sum", "value"], "values": [["1971-01-01T00:00:10Z", 14.0, 47.0, 0.2978723404255319]]}, {"name": "loc_error_percent", "tags": {"dc": "B", "service": "cartA", "rack": "1"}, "columns": ["time", "loc.sum", "service.sum", "value"], "values": [["1971-01-01T00:00:10Z", 18.0, 47.0, 0.3829787234042553]]}, {"name": "loc_error_percent", "tags": {"dc": "A", "service": "login", "rack": "0"}, "columns": ["time", "loc.sum", "service.sum", "value"], "values": [["1971-01-01T00:00:10Z", 5.0, 45.0, 0.1111111111111111]]}, {"name": "loc_error_percent", "tags": {"dc": "A", "service": "login", "rack": "1"}, "columns": ["time", "loc.sum", "service.sum", "value"], "values": [["1971-01-01T00:00:10Z", 10.0, 45.0, 0.2222222222222222]]}, {"name": "loc_error_percent", "tags": {"dc": "B", "service": "login", "rack": "0"}, "columns": ["time", "loc.sum", "service.sum", "value"], "values": [["1971-01-01T00:00:10Z", 3.0, 45.0, 0.06666666666666667]]}, {"name": "loc_error_percent", "tags": {"dc": "B", "service": "login", "rack": "1"}, "columns": ["time", "loc.sum", "service.sum", "value"], "values": [["1971-01-01T00:00:10Z", 20.0, 45.0, 0.4444444444444444]]}, {"name": "loc_error_percent", "tags": {"dc": "C", "service": "login", "rack": "0"}, "columns": ["time", "loc.sum", "service.sum", "value"], "values": [["1971-01-01T00:00:10Z", 7.0, 45.0, 0.15555555555555556]]}, {"name": "loc_error_percent", "tags": {"dc": "A", "service": "front", "rack": "0"}, "columns": ["time", "loc.sum", "service.sum", "value"], "values": [["1971-01-01T00:00:10Z", 9.0, 32.0, 0.28125]]}, {"name": "loc_error_percent", "tags": {"dc": "A", "service": "front", "rack": "1"}, "columns": ["time", "loc.sum", "service.sum", "value"], "values": [["1971-01-01T00:00:10Z", 10.0, 32.0, 0.3125]]}, {"name": "loc_error_percent", "tags": {"dc": "B", "service": "front", "rack": "0"}, "columns": ["time", "loc.sum", "service.sum", "value"], "values": [["1971-01-01T00:00:10Z", 4.0, 32.0, 0.125]]}, {"name": "loc_error_percent", "tags": {"dc": "B", "service": "front", "rack": "1"}, "columns": ["time", "loc.sum", "service.sum", "value"], "values": [["1971-01-01T00:00:10Z", 9.0, 32.0, 0.28125]]}]}},
    ),
    StreamCase(
        name='TestStream_JoinOn_AcrossMeasurement',
        script="""
var building = stream
    |from()
        .measurement('building_power')
        .groupBy('building')

var floor = stream
    |from()
        .measurement('floor_power')
        .groupBy('building', 'floor')

building
    |join(floor)
        .as('building', 'floor')
        .on('building')
        .streamName('power_floor_percentage')
	|log()
		.prefix('JOINED')
    |eval(lambda: "floor.value" / "building.value")
        .as('value')
    |httpOut('TestStream_JoinOn_AcrossMeasurement')
""",
        needs=('EvalNode', 'LogNode'),
        srpl="TestStream_JoinOn_AcrossMeasurement.srpl",
        ignore_order=True,
        expected={'TestStream_JoinOn_AcrossMeasurement': {"series": [{"name": "power_floor_percentage", "tags": {"building": "shack", "floor": "1"}, "columns": ["time", "value"], "values": [["1971-01-01T00:00:00Z", 0.23333333333333334]]}, {"name": "power_floor_percentage", "tags": {"building": "shack", "floor": "2"}, "columns": ["time", "value"], "values": [["1971-01-01T00:00:00Z", 0.36666666666666664]]}, {"name": "power_floor_percentage", "tags": {"building": "shack", "floor": "3"}, "columns": ["time", "value"], "values": [["1971-01-01T00:00:00Z", 0.4]]}, {"name": "power_floor_percentage", "tags": {"building": "hut", "floor": "1"}, "columns": ["time", "value"], "values": [["1971-01-01T00:00:00Z", 0.475]]}, {"name": "power_floor_percentage", "tags": {"building": "hut", "floor": "2"}, "columns": ["time", "value"], "values": [["1971-01-01T00:00:00Z", 0.525]]}]}},
    ),
    StreamCase(
        name='TestStream_JoinOn_Fill_Num',
        script="""
var maintlock = stream
    |from()
        .measurement('maintlock')
        .groupBy('host')

stream
    |from()
        .measurement('disk')
        .groupBy('host', 'path')
    |join(maintlock)
        .as('disk', 'maintlock')
        .on('host')
        .fill(0.0)
        .tolerance(1s)
        .streamName('disk')
    |default()
        .field('maintlock.count', 0)
    |window()
        .period(4s)
        .every(4s)
    |httpOut('TestStream_JoinOn_Fill')
""",
        needs=('DefaultNode', 'WindowNode'),
        srpl="TestStream_JoinOn_Fill.srpl",
        ignore_order=True,
        expected={'TestStream_JoinOn_Fill': {"series": [{"name": "disk", "tags": {"host": "A", "path": "/"}, "columns": ["time", "disk.used_percent", "maintlock.count"], "values": [["1971-01-01T00:00:00Z", 50.0, 0.0], ["1971-01-01T00:00:01Z", 60.0, 0.0], ["1971-01-01T00:00:02Z", 70.0, 0.0], ["1971-01-01T00:00:03Z", 80.0, 1.0]]}, {"name": "disk", "tags": {"host": "A", "path": "/tmp"}, "columns": ["time", "disk.used_percent", "maintlock.count"], "values": [["1971-01-01T00:00:00Z", 40.0, 0.0], ["1971-01-01T00:00:01Z", 30.0, 0.0], ["1971-01-01T00:00:02Z", 20.0, 0.0], ["1971-01-01T00:00:03Z", 10.0, 1.0]]}]}},
    ),
    StreamCase(
        name='TestStream_JoinOn_Fill_Null',
        script="""
var maintlock = stream
    |from()
        .measurement('maintlock')
        .groupBy('host')

stream
    |from()
        .measurement('disk')
        .groupBy('host', 'path')
    |join(maintlock)
        .as('disk', 'maintlock')
        .on('host')
        .fill('null')
        .tolerance(1s)
        .streamName('disk')
    |default()
        .field('maintlock.count', 0)
        .field('disk.used_percent', 0)
    |window()
        .period(4s)
        .every(4s)
    |httpOut('TestStream_JoinOn_Fill')
""",
        needs=('DefaultNode', 'WindowNode'),
        srpl="TestStream_JoinOn_Fill.srpl",
        ignore_order=True,
        expected={'TestStream_JoinOn_Fill': {"series": [{"name": "disk", "tags": {"host": "A", "path": "/"}, "columns": ["time", "disk.used_percent", "maintlock.count"], "values": [["1971-01-01T00:00:00Z", 50.0, 0.0], ["1971-01-01T00:00:01Z", 60.0, 0.0], ["1971-01-01T00:00:02Z", 70.0, 0.0], ["1971-01-01T00:00:03Z", 80.0, 1.0]]}, {"name": "disk", "tags": {"host": "A", "path": "/tmp"}, "columns": ["time", "disk.used_percent", "maintlock.count"], "values": [["1971-01-01T00:00:00Z", 40.0, 0.0], ["1971-01-01T00:00:01Z", 30.0, 0.0], ["1971-01-01T00:00:02Z", 20.0, 0.0], ["1971-01-01T00:00:03Z", 10.0, 1.0]]}]}},
    ),
    StreamCase(
        name='TestStream_Union',
        script="""
var cpuT = stream
	|from()
		.measurement('cpu')
		.where(lambda: "cpu" == 'total')
var cpu0 = stream
	|from()
		.measurement('cpu')
		.where(lambda: "cpu" == '0')
var cpu1 = stream
	|from()
		.measurement('cpu')
		.where(lambda: "cpu" == '1')

cpuT
	|union(cpu0, cpu1)
		.rename('cpu_all')
	|window()
		.period(10s)
		.every(10s)
	|count('value')
	|httpOut('TestStream_Union')
""",
        needs=('InfluxQLNode', 'WindowNode'),
        srpl="TestStream_Union.srpl",
        expected={'TestStream_Union': {"series": [{"name": "cpu_all", "columns": ["time", "count"], "values": [["1971-01-01T00:00:10Z", 20.0]]}]}},
    ),
    StreamCase(
        name="TestStream_HttpPost",
        script="""
stream
	|from()
		.measurement('cpu')
		.where(lambda: "host" == 'serverA')
		.groupBy('host')
	|httpPost('$SINK_URL')
	|httpOut('TestStream_HttpPost')
""",
        srpl="TestStream_HttpPost.srpl",
        expected={"TestStream_HttpPost": {"series": [{"name": "cpu", "tags": {"host": "serverA", "type": "idle"}, "columns": ["time", "value"], "values": [["1971-01-01T00:00:05Z", 95.8]]}]}},
        posts=[{"path": "", "body": {"series": [{"name": "cpu", "tags": {"host": "serverA", "type": "idle"}, "columns": ["time", "value"], "values": [["1971-01-01T00:00:00Z", 97.1]]}]}}, {"path": "", "body": {"series": [{"name": "cpu", "tags": {"host": "serverA", "type": "idle"}, "columns": ["time", "value"], "values": [["1971-01-01T00:00:01Z", 92.6]]}]}}, {"path": "", "body": {"series": [{"name": "cpu", "tags": {"host": "serverA", "type": "idle"}, "columns": ["time", "value"], "values": [["1971-01-01T00:00:02Z", 95.6]]}]}}, {"path": "", "body": {"series": [{"name": "cpu", "tags": {"host": "serverA", "type": "idle"}, "columns": ["time", "value"], "values": [["1971-01-01T00:00:03Z", 93.1]]}]}}, {"path": "", "body": {"series": [{"name": "cpu", "tags": {"host": "serverA", "type": "idle"}, "columns": ["time", "value"], "values": [["1971-01-01T00:00:04Z", 92.6]]}]}}, {"path": "", "body": {"series": [{"name": "cpu", "tags": {"host": "serverA", "type": "idle"}, "columns": ["time", "value"], "values": [["1971-01-01T00:00:05Z", 95.8]]}]}}],
    ),
    StreamCase(
        name="TestStream_HttpPost_URL_Template",
        script="""
stream
	|from()
		.measurement('cpu')
		.where(lambda: "host" == 'serverA')
		.groupBy('host')
	|httpPost('$SINK_URL/{{ .Name }}/?host={{ index .Tags "host"}}&cpu={{ index .Tags "cpu" }}')
	|httpOut('TestStream_HttpPost_URL_Template')
""",
        srpl="TestStream_HttpPost_URL_Template.srpl",
        expected={"TestStream_HttpPost_URL_Template": {"series": [{"name": "cpu", "tags": {"host": "serverA", "type": "idle", "cpu": "a"}, "columns": ["time", "value"], "values": [["1971-01-01T00:00:05Z", 95.8]]}]}},
        posts=[{"path": "/cpu/?host=serverA&cpu=a", "body": {"series": [{"name": "cpu", "tags": {"host": "serverA", "type": "idle", "cpu": "a"}, "columns": ["time", "value"], "values": [["1971-01-01T00:00:00Z", 97.1]]}]}}, {"path": "/cpu/?host=serverA&cpu=b", "body": {"series": [{"name": "cpu", "tags": {"host": "serverA", "type": "idle", "cpu": "b"}, "columns": ["time", "value"], "values": [["1971-01-01T00:00:01Z", 92.6]]}]}}, {"path": "/cpu/?host=serverA&cpu=b", "body": {"series": [{"name": "cpu", "tags": {"host": "serverA", "type": "idle", "cpu": "b"}, "columns": ["time", "value"], "values": [["1971-01-01T00:00:02Z", 95.6]]}]}}, {"path": "/cpu/?host=serverA&cpu=c", "body": {"series": [{"name": "cpu", "tags": {"host": "serverA", "type": "idle", "cpu": "c"}, "columns": ["time", "value"], "values": [["1971-01-01T00:00:03Z", 93.1]]}]}}, {"path": "/cpu/?host=serverA&cpu=c", "body": {"series": [{"name": "cpu", "tags": {"host": "serverA", "type": "idle", "cpu": "c"}, "columns": ["time", "value"], "values": [["1971-01-01T00:00:04Z", 92.6]]}]}}, {"path": "/cpu/?host=serverA&cpu=a", "body": {"series": [{"name": "cpu", "tags": {"host": "serverA", "type": "idle", "cpu": "a"}, "columns": ["time", "value"], "values": [["1971-01-01T00:00:05Z", 95.8]]}]}}],
    ),
    StreamCase(
        name="TestStream_Sideload",
        script=f"""
stream
	|from()
		.database('dbname')
		.retentionPolicy('rpname')
		.measurement('m')
		.groupBy('t0', 't1', 't2')
	|sideload()
		.source('file://{SIDELOAD}')
		.order('t0/{{{{.t0}}}}.yml', 't1/{{{{.t1}}}}.yml', 't2/{{{{.t2}}}}.yml')
		.field('f1', 0)
		.field('f2', 0.0)
		.tag('t3', 'one')
	|log()
	|httpOut('TestStream_Sideload')
""",
        needs=("LogNode",),
        srpl="TestStream_Sideload.srpl",
        ignore_order=True,
        expected={"TestStream_Sideload": {"series": [{"name": "m", "tags": {"t0": "a", "t1": "m", "t2": "x", "t3": "one"}, "columns": ["time", "f1", "f2", "value"], "values": [["1971-01-01T00:00:00Z", 0.0, 0.0, 1.0]]}, {"name": "m", "tags": {"t0": "b", "t1": "n", "t2": "y", "t3": "why"}, "columns": ["time", "f1", "f2", "value"], "values": [["1971-01-01T00:00:00Z", 2.0, 3.5, 1.0]]}, {"name": "m", "tags": {"t0": "c", "t1": "o", "t2": "y", "t3": "why"}, "columns": ["time", "f1", "f2", "value"], "values": [["1971-01-01T00:00:00Z", 12.0, 13.5, 1.0]]}]}},
    ),
    StreamCase(
        name="TestStream_Sideload_JSON",
        script=f"""
stream
	|from()
		.database('dbname')
		.retentionPolicy('rpname')
		.measurement('m')
		.groupBy('t0', 't1', 't2')
	|sideload()
		.source('file://{SIDELOAD}')
		.order('t0/{{{{.t0}}}}.json', 't1/{{{{.t1}}}}.json', 't2/{{{{.t2}}}}.yml')
		.field('f1', 0)
		.field('f2', 0.0)
		.tag('t3', 'one')
	|log()
	|httpOut('TestStream_Sideload')
""",
        needs=("LogNode",),
        srpl="TestStream_Sideload.srpl",
        ignore_order=True,
        expected={"TestStream_Sideload": {"series": [{"name": "m", "tags": {"t0": "a", "t1": "m", "t2": "x", "t3": "one"}, "columns": ["time", "f1", "f2", "value"], "values": [["1971-01-01T00:00:00Z", 0.0, 0.0, 1.0]]}, {"name": "m", "tags": {"t0": "b", "t1": "n", "t2": "y", "t3": "why"}, "columns": ["time", "f1", "f2", "value"], "values": [["1971-01-01T00:00:00Z", 2.0, 3.5, 1.0]]}, {"name": "m", "tags": {"t0": "c", "t1": "o", "t2": "y", "t3": "why"}, "columns": ["time", "f1", "f2", "value"], "values": [["1971-01-01T00:00:00Z", 12.0, 13.5, 1.0]]}]}},
    ),
    StreamCase(
        name="TestStream_Sideload_Multiple",
        script=f"""
stream
	|from()
		.database('dbname')
		.retentionPolicy('rpname')
		.measurement('m')
		.groupBy('t0', 't1', 't2')
	|sideload()
		.source('file://{SIDELOAD}')
		.order('t0/{{{{.t0}}}}.yml', 't1/{{{{.t1}}}}.yml', 't2/{{{{.t2}}}}.yml')
		.field('f1', 0)
		.field('f2', 0.0)
		.tag('t3', 'one')
	|sideload()
		.source('file://{SIDELOAD}')
		.order('t0/{{{{.t0}}}}.yml', 't1/{{{{.t1}}}}.yml', 't2/{{{{.t2}}}}.yml')
		.field('other', -1.0)
	|log()
	|httpOut('TestStream_Sideload')
""",
        needs=("LogNode",),
        srpl="TestStream_Sideload.srpl",
        ignore_order=True,
        expected={"TestStream_Sideload": {"series": [{"name": "m", "tags": {"t0": "a", "t1": "m", "t2": "x", "t3": "one"}, "columns": ["time", "f1", "f2", "other", "value"], "values": [["1971-01-01T00:00:00Z", 0.0, 0.0, -1.0, 1.0]]}, {"name": "m", "tags": {"t0": "b", "t1": "n", "t2": "y", "t3": "why"}, "columns": ["time", "f1", "f2", "other", "value"], "values": [["1971-01-01T00:00:00Z", 2.0, 3.5, 56.0, 1.0]]}, {"name": "m", "tags": {"t0": "c", "t1": "o", "t2": "y", "t3": "why"}, "columns": ["time", "f1", "f2", "other", "value"], "values": [["1971-01-01T00:00:00Z", 12.0, 13.5, 56.0, 1.0]]}]}},
    ),
]
