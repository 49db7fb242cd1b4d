"""TICKscript programs evaluated into pipelines, checked against Kapacitor 1.7's behaviour.

Restates tick/eval_test.go, pipeline/pipeline_test.go and the pipeline/tick/*_test.go
scripts: valid scripts give Kapacitor's node ids and DOT, invalid ones its exact errors.
"""

import glob
import json

import pytest

from machstore.tick import format_node, parser
from machstore.tick import nodes as T
from machstore.tick.evaluate import TickEvalError, UDFInfo, dbrps_of, evaluate, task_type_of, template_vars
from machstore.tick.template_vars import vars_from_api, vars_to_api


def run(script, edge='stream', **kw):
    return evaluate(parser.parse(script), edge, **kw)


def dot(script, edge='stream', **kw):
    return run(script, edge, **kw).pipeline.dot('t')


def error(script, edge='stream', **kw):
    with pytest.raises(TickEvalError) as info:
        run(script, edge, **kw)
    return str(info.value)


def names(script, edge='stream'):
    return [n.name for n in run(script, edge).pipeline.sorted()]


# -- seed 001: the Chronograf task and its DOT ----------------------------------------------------

def _seed_001():
    with open(glob.glob('/work/shared/seeds/001_*.txt')[0], encoding='utf-8') as f:
        text = f.read()
    req = text.split('```http request')[1].split('```')[0]
    resp = text.split('```http response')[1].split('```')[0]
    return json.loads(req[req.index('{'):]), json.loads(resp)


def test_seed_001_dot_numbering_and_order():
    req, resp = _seed_001()
    prog = parser.parse(req['script'])
    assert task_type_of(prog) == 'stream'
    ev = evaluate(prog, 'stream')
    assert ev.pipeline.executing_dot('dutianze-t', 'stream') == resp['dot']
    assert ev.pipeline.dot('dutianze-t') == (
        'digraph dutianze-t {\nstream0 -> from1;\nfrom1 -> eval2;\neval2 -> shift3;\neval2 -> join5;\n'
        'shift3 -> join5;\njoin5 -> eval6;\neval6 -> alert7;\nalert7 -> eval8;\nalert7 -> http_out10;\n'
        'eval8 -> influxdb_out9;\n}')


# -- pipeline_test.go ---------------------------------------------------------------------------------

def test_multi_line_var_properties():
    ev = run('var w = stream\n\t|from()\n\t|window()\n\nw.period(10s)\nw.every(1s)\n')
    w = ev.pipeline.sorted()[2]
    assert w.spec.go == 'WindowNode'
    assert (w.props['Period'], w.props['Every']) == (10 * 10**9, 10**9)


def test_sort_is_reverse_postorder():
    # p1 -> p2 -> p3 and p1 -> p4 -> p5 -> p3 (TestPipelineSort); a union burns one id per parent
    script = ("var p1 = stream|from()\nvar p2 = p1|where(lambda: TRUE)\n"
              "var p4 = p1|where(lambda: TRUE)\nvar p5 = p4|where(lambda: TRUE)\np5|union(p2)")
    assert names(script) == ['stream0', 'from1', 'where3', 'where4', 'where2', 'union6']


def test_join_burns_one_id_per_parent():
    script = "var a = stream|from()\nvar b = stream|from()\na|join(b).as('a', 'b')|httpOut('x')"
    assert dot(script) == ('digraph t {\nstream0 -> from1;\nstream0 -> from2;\nfrom2 -> join4;\n'
                           'from1 -> join4;\njoin4 -> http_out5;\n}')


def test_batch_dot_leaves_out_the_batch_node():
    script = "batch|query('SELECT mean(\"v\") FROM \"db\".\"rp\".\"m\"').period(1m).every(1m)|alert()"
    ev = run(script, 'batch')
    assert ev.pipeline.dot('t') == 'digraph t {\nquery1 -> alert2;\n}'
    assert ev.pipeline.executing_dot('t', 'batch').startswith(
        'digraph t {\ngraph [throughput="0.00 batches/s"];\n\nbatch0 [')


def test_deadman_adds_a_stats_source():
    assert dot("stream|from().measurement('cpu')|deadman(15.0, 10s)") == (
        'digraph t {\nstream0 -> from1;\nfrom1 -> noop3;\nstats2 -> derivative4;\nderivative4 -> alert5;\n}')
    alert = run("stream|from()|deadman(0.0, 10s, lambda: hour(\"time\") > 8)").pipeline.sorted()[-1]
    assert format_node(alert.props['Crit']) == 'lambda: "emitted" <= 0.0 AND hour("time") > 8'
    assert alert.props['Message'].endswith('points/10s.')
    assert alert.props['Id'] == "{{ .Group }}:from1 for task '{{ .TaskName }}'"


def test_stats_on_a_node_with_children_adds_no_noop():
    assert names("var f = stream|from()\nf|log()\nf|stats(1s)") == ['stream0', 'from1', 'log2', 'stats3']


# -- errors: eval.go texts --------------------------------------------------------------------------

@pytest.mark.parametrize('script, exp', [
    ("stream|from()|window().foo(1)",
     'line 1 char 24: no method or property "foo" on *pipeline.WindowNode'),
    ("stream|from()|window()|period(1s)",
     ("line 1 char 24: no chaining method \"period\" on *pipeline.WindowNode, but property does exist. "
     "Use '.' operator instead: 'node.period(..)'.")),
    ("stream|from().window()",
     ("line 1 char 15: no property method \"window\" on *pipeline.FromNode, but chaining method does exist. "
     "Use '|' operator instead: 'node|window(..)'.")),
    ("stream|from()|window().period('a')",
     ('line 1 char 24: error calling func "period" on obj *pipeline.WindowNode: '
     'reflect.Set: value of type string is not assignable to type time.Duration')),
    ("stream|from()|window().align(1)",
     ('line 1 char 24: error calling func "align" on obj *pipeline.WindowNode: '
     'reflect: Call with too many input arguments')),
    ("stream|from()|derivative()",
     ('line 1 char 15: error calling func "derivative" on obj *pipeline.FromNode: '
     'reflect: Call with too few input arguments')),
    ("stream|from()|deadman(15, 10s)",
     ('line 1 char 15: error calling func "deadman" on obj *pipeline.FromNode: '
     'reflect: Call using int64 as type float64')),
    ("stream|from()|join(1)",
     ('line 1 char 15: error calling func "join" on obj *pipeline.FromNode: '
     'reflect: cannot use int64 as type pipeline.Node in Call')),
    ("stream|from().measurement('a', 'b')",
     'line 1 char 15: too many arguments to set property Measurement on *pipeline.FromNode'),
    ('stream|from().measurement("cpu")',
     ('line 1 char 15: cannot assign *ast.ReferenceNode to type string, did you use double quotes '
     'instead of single quotes?')),
    ("stream|from()|alert().stateChangesOnly().foo()",
     'line 1 char 42: no method or property "foo" on *pipeline.AlertNodeData'),
    ("stream|from()|alert().slack().all().channel('#x')",
     'line 1 char 37: no method or property "channel" on *pipeline.AlertNodeData'),
    ("stream|from()|alert().flapping(0.25, 0.5).foo()",
     'line 1 char 43: no method or property "foo" on *pipeline.AlertNodeData'),
    ("stream|from()|alert().flapping(1, 2)",
     ('line 1 char 23: error calling func "flapping" on obj *pipeline.AlertNode: reflect: Call using int64 as type '
     'float64')),
    ("stream|from()|alert().slack().foo()",
     'line 1 char 31: no method or property "foo" on *pipeline.SlackHandler'),
    ("stream|from()|influxDBOut()|log()",
     'line 1 char 29: no method or property "log" on *pipeline.InfluxDBOutNode'),
    ("stream|from()|sample('x')",
     ('line 1 char 15: error calling func "sample" on obj *pipeline.FromNode: '
     'must pass int64 or duration to new sample node')),
    ("stream|from()@myUDF()", 'line 1 char 15: no method or property "myUDF" on *pipeline.FromNode'),
    ("var x = 1\nvar x = 2", 'attempted to redefine x, vars are immutable'),
    ("stream|from().measurement(m)", 'name "m" is undefined. Names in scope: stream,time'),
    ("stream|from().where(lambda: \"v\" > crit)", 'name "crit" is undefined. Names in scope: stream,time'),
    ("var crit float\nstream|from()", 'missing value for var "crit".'),
    ("stream|from().groupBy(time(1m, 1s, 1s))", 'line 1 char 23: time() function expects 1 or 2 args, got 3'),
    ("stream|from().groupBy(time('a'))",
     'line 1 char 23: error calling func "time" on obj <nil>: reflect: Call using string as type time.Duration'),
    ("stream|from().groupBy(foo(1))", 'line 1 char 23: no global function "foo" defined'),
    ("foo(1)", 'line 1 char 1: no global function "foo" defined'),
    ("var x = 'a'\nx.foo()", 'line 2 char 3: cannot get properties of non pointer value'),
    ("var x = lambda: TRUE\nx|foo()", 'line 2 char 3: no method or property "foo" on *ast.LambdaNode'),
    ("stream|from().groupBy(time(1m))", 'invalid dimension object of type kapacitor.TimeDimension'),
    ("var x = 1 + 2.0", ('line 1 char 11: mismatched type to binary operator. got int + float. '
                        'see bool(), int(), float(), string(), duration()')),
])
def test_eval_errors(script, exp):
    assert error(script) == exp


def test_window_on_a_batch_edge():
    assert error("batch|query('q')|window()", 'batch') == (
        'line 1 char 18: error calling func "window" on obj *pipeline.QueryNode: cannot Window batch edge')


def test_trickle_on_a_stream_edge():
    assert error("stream|from()|trickle()") == (
        'line 1 char 15: error calling func "trickle" on obj *pipeline.FromNode: cannot Trickle stream edge')


# -- validate() errors -------------------------------------------------------------------------------

@pytest.mark.parametrize('script, exp', [
    ("stream|from()|eval(lambda: 1)",
     'must specify same number of expressions and .as() names: got 0 as names, and 1 expressions.'),
    ("stream|from()|eval(lambda: 1).as('a').tags('b')",
     'invalid tag name "b", name is not present is .as() names'),
    ("var a = stream|from()\na|join(a)", 'a call to join.as() is required to specify the output stream prefixes.'),
    ("var a = stream|from()\nvar b = stream|from()\na|join(b).as('x')",
     'number of prefixes specified by join.as() must match the number of joined streams'),
    ("var a = stream|from()\nvar b = stream|from()\na|join(b).as('x', 'x')",
     'cannot use the same prefix name see .as() property method'),
    ("stream|from()|combine(lambda: TRUE, lambda: TRUE)",
     'a call to combine.as() is required to specify the output stream prefixes.'),
    ("stream|from()|window().periodCount(10).period(1s)", 'cannot specify both period and periodCount'),
    ("stream|from()|window().periodCount(10)", 'everyCount must be greater than zero'),
    ("stream|from()|groupBy(*, 'a')", "cannot group by both '*' and named dimensions."),
    ("stream|from()|groupBy('a').exclude('b')", "exclude requires '*'"),
    ("stream|from().groupBy('')", 'dimensions cannot not be the empty string'),
    ("stream|from()|barrier()", 'idle must be greater than zero'),
    ("stream|from()|barrier().idle(1s).period(1s)", 'cannot specify both idle and period'),
    ("stream|from()|httpPost()", 'must provide url or endpoint'),
    ("stream|from()|httpPost('a', 'b')", 'httpPost expects 0 or 1 arguments, got 2'),
    ("stream|from()|kapacitorLoopback()", 'must specify a database'),
    ("stream|from()|k8sAutoscale()", 'must specify exactly one of ResourceName or ResourceNameTag'),
    ("stream|from()|swarmAutoscale().serviceName('s')", 'must provide a replicas lambda expression'),
    ("stream|from()|ec2Autoscale().groupName('g').min(0)", 'min must be >= 1, got 0'),
    ("stream|from()|alert().snmpTrap('')", 'invalid SNMP trap "": you must supply a trap Oid'),
    ("stream|from()|alert().post('http://x').header('Authenticate', 'y')",
     "invalid post: cannot set 'authenticate' header"),
])
def test_validate_errors(script, exp):
    assert error(script) == exp


# -- task type and dbrp ---------------------------------------------------------------------------------

@pytest.mark.parametrize('script, exp', [
    ("stream|from()", 'stream'),
    ("var b = batch|query('q')\nb|httpOut('x')", 'batch'),
    ("var a = stream|from()\nvar b = batch|query('q')", 'invalid'),
    ("var x = 5", 'invalid'),
])
def test_task_type(script, exp):
    assert task_type_of(parser.parse(script)) == exp


def test_dbrp_statements():
    prog = parser.parse('dbrp "telegraf"."autogen"\ndbrp "db"."rp"\nstream|from()')
    assert dbrps_of(prog) == [{'db': 'telegraf', 'rp': 'autogen'}, {'db': 'db', 'rp': 'rp'}]
    assert run('dbrp "telegraf"."autogen"\nstream|from()').pipeline.dot('t') == 'digraph t {\nstream0 -> from1;\n}'


# -- UDFs --------------------------------------------------------------------------------------------------

def test_configured_udf():
    udfs = {'movingAvg': UDFInfo('stream', 'stream', {'field': ['STRING'], 'size': ['INT']})}
    ev = run("stream|from()@movingAvg().field('v').size(10)|httpOut('x')", udfs=udfs)
    assert ev.pipeline.dot('t') == 'digraph t {\nstream0 -> from1;\nfrom1 -> movingAvg2;\nmovingAvg2 -> http_out3;\n}'
    assert error("stream|from()@movingAvg().size('x')", udfs=udfs) == (
        'line 1 char 27: unexpected arg to size, got STRING expected INT')
    assert error("stream|from()|movingAvg()", udfs=udfs) == (
        "line 1 char 15: no chaining method \"movingAvg\" on *pipeline.FromNode, but dynamic method does exist. "
        "Use '@' operator instead: 'node@movingAvg(..)'.")


# -- template vars ------------------------------------------------------------------------------------------

TEMPLATE = """// Which measurement to consume
var measurement string
// Optional where filter
var where_filter = lambda: TRUE
// Optional list of group by dimensions
var groupBy = ['host']
// Field to alert on
var field = 'usage'
var window = 5m
// The critical threshold
var crit float

stream
    |from()
        .measurement(measurement)
        .where(where_filter)
        .groupBy(groupBy)
    |window()
        .period(window)
    |mean(field)
    |alert()
        .crit(lambda: "mean" > crit)
"""


def test_template_vars_as_the_api_shows_them():
    got = vars_to_api(template_vars(parser.parse(TEMPLATE), 'stream'), lambda l: format_node(l.expression))
    assert got == {
        'measurement': {'value': None, 'type': 'string', 'description': 'Which measurement to consume'},
        'where_filter': {'value': 'TRUE', 'type': 'lambda', 'description': 'Optional where filter'},
        'groupBy': {'value': [{'value': 'host', 'type': 'string', 'description': ''}], 'type': 'list',
                    'description': 'Optional list of group by dimensions'},
        'field': {'value': 'usage', 'type': 'string', 'description': 'Field to alert on'},
        'window': {'value': 300 * 10**9, 'type': 'duration', 'description': ''},
        'crit': {'value': None, 'type': 'float', 'description': 'The critical threshold'},
    }


def test_lambda_vars_become_literals_when_the_lambda_is_defined():
    ev = run("var crit = 80\nvar f = lambda: \"v\" > crit\nstream|from()|alert().crit(lambda: \"v\" > crit AND f)")
    crit = ev.pipeline.sorted()[-1].props['Crit']
    # Kapacitor's ValueToLiteralNode keeps a lambda var as a nested LambdaNode
    assert format_node(crit) == 'lambda: "v" > 80 AND lambda: "v" > 80'
    assert error("var a = stream|from()\nstream|from()|where(lambda: a)") == (
        'unsupported literal type *pipeline.FromNode')


def test_applying_template_vars():
    pre = vars_from_api({'measurement': {'type': 'string', 'value': 'cpu'},
                         'crit': {'type': 'float', 'value': 80},
                         'window': {'type': 'duration', 'value': 60 * 10**9}}, parser.parse_lambda)
    ev = run(TEMPLATE, predefined=pre)
    frm, win = ev.pipeline.sorted()[1:3]
    assert frm.props['Measurement'] == 'cpu' and win.props['Period'] == 60 * 10**9
    bad = vars_from_api({'measurement': {'type': 'string', 'value': 'cpu'},
                         'crit': {'type': 'int', 'value': 80}}, parser.parse_lambda)
    assert error(TEMPLATE, predefined=bad) == 'invalid type supplied for crit, got int exp float'
    bad = vars_from_api({'measurement': {'type': 'bool', 'value': True}}, parser.parse_lambda)
    assert error(TEMPLATE, predefined=bad) == 'invalid type supplied for measurement, got boolean exp string'


# -- every node type of the table, in a valid script --------------------------------------------------------

VALID = [
    (("stream|from().database('d').retentionPolicy('r').measurement('m').where(lambda: TRUE)"
     ".where(lambda: FALSE).groupBy(*).groupByMeasurement().truncate(1s).round(1s).quiet()"
     "|where(lambda: TRUE)|groupBy('a', 'b').byMeasurement()|window().period(10s).every(5s).align()"
     ".fillPeriod()|mean('v').as('m').usePointTimes()|eval(lambda: \"m\" * 2.0).as('x').tags('x').keep()"
     "|default().field('a', 1).tag('t', 'v')|delete().field('f').tag('t')|shift(-5s)|sample(2)|sample(1s)"
     "|changeDetect('a', 'b')|derivative('x').unit(1m).nonNegative().as('d')"
     "|stateDuration(lambda: TRUE).unit(1m).as('sd')|stateCount(lambda: TRUE).as('sc')"
     "|flatten().on('a').delimiter('_').tolerance(1s).dropOriginalFieldName()"
     "|combine(lambda: TRUE, lambda: TRUE).as('a', 'b').delimiter('_').tolerance(1s).max(10)"
     "|barrier().idle(1m).delete(TRUE)|log().level('DEBUG').prefix('p')"
     "|sideload().source('file:///x').order('a.yml').field('f', 1.0).tag('t', 'v')"
     "|httpPost('http://x').header('a', 'b').captureResponse().timeout(1s).codeField('c')"
     "|k8sAutoscale().resourceName('r').replicas(lambda: 1).min(2).max(10).kind('replicasets')"
     "|swarmAutoscale().serviceName('s').replicas(lambda: 1)"
     "|ec2Autoscale().groupName('g').replicas(lambda: 1)|kapacitorLoopback().database('d')"
     ".retentionPolicy('r').measurement('m').tag('k', 'v')"), 'stream'),
    (("batch|query('q').period(1m).every(1m).align().alignGroup().offset(1s).groupBy(time(1m), 'a')"
     ".groupByMeasurement().fill('null').cluster('c')|trickle()|httpOut('x')"), 'batch'),
    (("batch|queryFlux('q').period(1m).cron('* * * * *').org('o').orgID('i').align()|top(3, 'v', 'host')"
     "|influxDBOut().database('d').retentionPolicy('r').measurement('m').tag('a', 'b').create()"
     ".precision('s').buffer(10).flushInterval(1s).writeConsistency('all')"), 'batch'),
    (("var a = stream|from()\nvar b = stream|from()\na|join(b).as('a', 'b').on('h').delimiter('_')"
     ".tolerance(1s).fill('null').streamName('s').deleteAll(TRUE)|union(a).rename('u')"
     "|alert().category('c').topic('t').id('i').message('m').details('d').info(lambda: TRUE)"
     ".warn(lambda: TRUE).crit(lambda: TRUE).infoReset(lambda: TRUE).warnReset(lambda: TRUE)"
     ".critReset(lambda: TRUE).flapping(0.25, 0.5).history(21).levelTag('l').levelField('l')"
     ".messageField('m').durationField('d').idTag('i').idField('i').all().noRecoveries()"
     ".stateChangesOnly(1m).inhibit('c', 'host')"
     ".post('http://x').header('a', 'b').captureResponse().skipSSLVerification().timeout(1s)"
     ".tcp('h:1').email('a@b').to('c@d').toTemplates('x').exec('/bin/x', 'a').log('/tmp/x').mode(420)"
     ".victorOps().routingKey('k').pagerDuty().serviceKey('k').pagerDuty2().serviceKey('k').link('u', 't')"
     ".pushover().userKey('u').device('d').title('t').uRL('u').uRLTitle('t').sound('s')"
     ".sensu().source('s').handlers('h').metadata('k', 1).slack().workspace('w').channel('#c')"
     ".username('u').iconEmoji(':x:').discord().workspace('w').username('u').avatarURL('a').embedTitle('t')"
     ".bigPanda().appKey('a').host('h').primaryProperty('p').secondaryProperty('s').attribute('k', 'v')"
     ".telegram().chatId('c').parseMode('p').disableWebPagePreview().disableNotification()"
     ".hipChat().room('r').token('t').alerta().resource('r').event('e').environment('e').group('g')"
     ".value('v').origin('o').services('s').correlated('c').attribute('k', 1).timeout(1s)"
     ".opsGenie().teams('t').recipients('r').opsGenie2().teams('t').recipients('r')"
     ".recoveryAction('notes').details().talk().mqtt('t').brokerName('b').qos(1).retained(TRUE)"
     ".snmpTrap('1.1').data('1.2', 's', 'v').kafka().cluster('c').kafkaTopic('t')"
     ".disablePartitionById().partitionHashAlgorithm('fnv-1a').template('t')"
     ".teams().channelURL('u').serviceNow().uRL('u').source('s').node('n').type('t').resource('r')"
     ".metricName('m').messageKey('k').additionalInfo('k', 'v')"
     ".zenoss().action('a').method('m').type('t').tid(1).collector('c').summary('s').device('d')"
     ".component('c').eventClassKey('k').eventClass('e').message('m').customField('k', 'v')"
     "|log()|stats(10s).align()"), 'stream'),
    ("stream|from()|window().period(1m)|count('v')|httpOut('c')", 'stream'),
]
INFLUXQL_CALLS = ["count('v')", "distinct('v')", "mean('v')", "median('v')", "mode('v')", "spread('v')",
                  "sum('v')", "first('v')", "last('v')", "min('v')", "max('v')", "percentile('v', 90.0)",
                  "top(2, 'v')", "bottom(2, 'v', 'host')", "stddev('v')", "elapsed('v', 1s)",
                  "difference('v')", "movingAverage('v', 3)", "holtWinters('v', 3, 0, 1m)",
                  "holtWintersWithFit('v', 3, 0, 1m)", "cumulativeSum('v')"]


def test_every_node_type_is_exercised_by_a_valid_script():
    seen = set()
    for script, edge in VALID:
        ev = run(script, edge)
        for n in ev.pipeline.sorted():
            seen.add(n.spec.go)
            seen.update(go for go, _ in n.props.get('handlers', []))
    for call in INFLUXQL_CALLS:
        ev = run(f"stream|from()|window().period(1m)|{call}")
        assert ev.pipeline.sorted()[-1].desc == call.split('(')[0].replace('WithFit', '')
    seen |= {'InfluxQLNode', 'NoOpNode', 'StatsNode'} & {n.spec.go for n in
                                                          run('stream|from()|deadman(0.0, 1s)').pipeline.sorted()}
    seen.add('UDFNode') if run("stream|from()@f()", udfs={'f': UDFInfo('stream', 'stream')}) else None
    seen.add('AlertNodeData')  # the facet .stateChangesOnly() returns, exercised above
    missing = {s.go for s in T.NODES} - {'node', 'chainnode'} - seen
    assert not missing


def test_influxql_edges():
    ev = run("stream|from()|window().period(1m)|top(2, 'v')|mean('top')")
    top, mean = ev.pipeline.sorted()[-2:]
    assert (top.wants, top.provides, mean.wants, mean.provides) == ('batch', 'batch', 'batch', 'stream')
    ev = run("stream|from()|difference('v')")
    assert ev.pipeline.sorted()[-1].provides == 'stream'


# -- server_test.go and pipeline/tick/*_test.go scripts -------------------------------------------------------

def test_server_batch_task_dot():
    script = "dbrp \"mydb\".\"myrp\"\n\nbatch\n    |query('SELECT * from mydb.myrp.mymeas')\n    |log()\n"
    prog = parser.parse(script)
    assert task_type_of(prog) == 'batch' and dbrps_of(prog) == [{'db': 'mydb', 'rp': 'myrp'}]
    assert evaluate(prog, 'batch').pipeline.dot('testTaskID') == 'digraph testTaskID {\nquery1 -> log2;\n}'


def test_server_executing_dot_of_a_bare_stream():
    ev = run("stream\n    |from()\n        .measurement('test')\n")
    assert ev.pipeline.executing_dot('testTaskID', 'stream') == (
        'digraph testTaskID {\ngraph [throughput="0.00 points/s"];\n\n'
        'stream0 [avg_exec_time_ns="0s" errors="0" working_cardinality="0" ];\n'
        'stream0 -> from1 [processed="0"];\n\n'
        'from1 [avg_exec_time_ns="0s" errors="0" working_cardinality="0" ];\n}')


def test_server_template_with_described_var():
    script = "// Configurable measurement\nvar measurement = 'test'\n\nstream\n    |from()\n        .measurement(measurement)\n"
    prog = parser.parse(script)
    assert vars_to_api(template_vars(prog, 'stream'), str) == {
        'measurement': {'value': 'test', 'type': 'string', 'description': 'Configurable measurement'}}
    pre = vars_from_api({'measurement': {'value': 'another_measurement', 'type': 'string'}}, parser.parse_lambda)
    ev = evaluate(parser.parse(script), 'stream', predefined=pre)
    assert ev.pipeline.dot('taskid') == 'digraph taskid {\nstream0 -> from1;\n}'
    assert ev.pipeline.sorted()[1].props['Measurement'] == 'another_measurement'


def test_udf_options_of_pipeline_tick_udf_test():
    udfs = {'delorean': UDFInfo('stream', 'stream', {
        'mph': ['INT'], 'gigawatts': ['DOUBLE'], 'nearClockTower': ['BOOL'], 'martySays': ['STRING'],
        'future': ['DURATION', 'STRING']})}
    script = ("stream\n    |from()\n    @delorean()\n        .mph(88)\n        .gigawatts(1.21)\n"
              "        .nearClockTower(TRUE)\n        .martySays('Doc!')\n        .future(15778476m, 'years')\n")
    udf = run(script, udfs=udfs).pipeline.sorted()[-1]
    assert udf.name == 'delorean2'
    assert [name for name, _ in udf.props['Options']] == ['mph', 'gigawatts', 'nearClockTower', 'martySays',
                                                          'future']
    assert error(script.replace('.mph(88)', '.mph(88, 1)'), udfs=udfs) == (
        'line 4 char 10: unexpected number of args to mph, got 2 expected 1')
    assert run(script.replace('.mph(88)', '.quiet()'), udfs=udfs).pipeline.sorted()[-1].props['QuietFlag']
    assert error(script.replace('.mph(88)', '.speed(88)'), udfs=udfs) == (
        'line 4 char 10: no method or property "speed" on *pipeline.UDFNode')


@pytest.mark.parametrize('script', [
    ("stream\n    |from()\n    |alert()\n        .topic('topic')\n        .info(lambda: \"cpu\" > 70)\n"
    "        .history(10)\n        .all()\n        .noRecoveries()\n        .inhibit('other', 't1', 't2')\n"
    "        .stateChangesOnly(1h)\n        .flapping(0.4, 0.7)\n"),
    ("stream\n    |from()\n    |alert()\n        .pagerDuty2()\n        .routingKey('key')\n"
    "        .link('https://example.com', 'example')\n"),
    "stream\n    |from()\n    |window()\n        .periodCount(10)\n        .everyCount(5)\n",
    "stream\n    |from()\n    |holtWintersWithFit('cpu', 10, 1, 1h)\n        .as('forecast')\n",
    "batch\n    |queryFlux('from(bucket:\"b\")')\n        .period(1m)\n        .every(1m)\n",
    "stream\n    |from()\n    |barrier()\n        .period(1m)\n    |delete()\n        .field('x')\n",
    "stream\n    |from()\n    |httpPost()\n        .endpoint('example')\n        .header('k', 'v')\n",
])
def test_pipeline_tick_scripts_evaluate(script):
    prog = parser.parse(script)
    ev = evaluate(prog, task_type_of(prog))
    assert ev.pipeline.sorted()
