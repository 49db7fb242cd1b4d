"""The node table of Kapacitor 1.7's ``pipeline`` package, as data.

Kapacitor finds a TICKscript method by reflection over Go structs: a chaining
method (``|x()``) is an exported method returning a new node, a property method
(``.x()``) is a method named by a ``tick:"X"`` struct tag or an exported field
set directly. This module restates those structs as one declarative table so
the evaluator (``evaluate.py``) can check a script exactly as Kapacitor would,
including its error texts, which name Go types (``*pipeline.WindowNode``,
``time.Duration``...). Every node type is here, also those whose runtime comes
later (batch queries, alert handlers, autoscale, sideload...).

Vocabulary:

* ``go`` types are Go's spelling, because Kapacitor's errors print them.
* ``Method.params`` are the fixed parameters, ``Method.variadic`` the element
  type of a trailing ``...`` parameter.
* ``Method.effect`` says what a property method does to the node's fields:
  ``flag`` (set a bool), ``set`` (fields[i] = args[i]), ``list`` (field =
  variadic args), ``append`` (field += args), ``map`` (field[k] = v),
  ``handler`` (add an alert handler and return it), or a named special case.
* ``Field``: an exported struct field without a ``tick`` tag, which Kapacitor
  lets a script set with ``.name(value)``; its Go type decides what is
  assignable.
* Edge kinds: ``stream``, ``batch``, ``none`` and ``parent`` (= what the parent
  provides).

Every property may be called more than once: a later ``set`` replaces the
value, ``append``/``map``/``handler`` accumulate (Kapacitor never refuses a
repeated property call).
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dc_field

# Go spellings of the TICKscript value types.
INT = 'int64'
FLOAT = 'float64'
STRING = 'string'
BOOL = 'bool'
DURATION = 'time.Duration'
REGEX = '*regexp.Regexp'
LAMBDA = '*ast.LambdaNode'
STAR = '*ast.StarNode'
LIST = '[]interface {}'
ANY = 'interface {}'
NODE = 'pipeline.Node'

#: TICKscript type keywords of ``var x TYPE`` and their Go spelling.
VAR_TYPES = {
    'int': INT, 'float': FLOAT, 'bool': BOOL, 'string': STRING, 'regex': REGEX,
    'duration': DURATION, 'lambda': LAMBDA, 'list': LIST, 'star': STAR,
}


@dataclass(frozen=True)
class Method:
    """A chaining or property method of a node type."""

    name: str                       # Go name; scripts call it with a lower-case first letter
    kind: str                       # 'chain' or 'property'
    params: tuple = ()
    variadic: str | None = None
    creates: str | None = None      # chain: Go type of the created node
    returns: str = 'self'           # property: 'self', 'AlertNodeData' or a handler type
    effect: str = 'flag'
    fields: tuple = ()              # fields the effect writes
    build: str = 'child'            # chain: how the child is linked (child, join, union, stats...)
    init: tuple = ()                # chain: fields set from the arguments, in order


@dataclass(frozen=True)
class Field:
    """An exported struct field, settable with ``.name(value)``."""

    go: str
    default: object = None


@dataclass
class NodeSpec:
    """One Go type of the pipeline package a script can hold a value of."""

    go: str
    desc: str | None = None         # DOT name prefix; None for handler types
    wants: str = 'parent'
    provides: str = 'parent'
    bases: tuple = ()
    methods: dict = dc_field(default_factory=dict)
    fields: dict = dc_field(default_factory=dict)
    stats: tuple = ()               # extra runtime stats shown in an executing DOT
    partial_chain: tuple = ()       # names both chain and property (Kapacitor's ChainMethods())
    all_methods: dict = dc_field(default_factory=dict)
    all_fields: dict = dc_field(default_factory=dict)


def chain(name, creates, params=(), variadic=None, build='child', init=()):
    return Method(name, 'chain', tuple(params), variadic, creates=creates, build=build, init=tuple(init))


def prop(name, params=(), variadic=None, effect='flag', fields=(), returns='self'):
    return Method(name, 'property', tuple(params), variadic, effect=effect, fields=tuple(fields),
                  returns=returns)


def flag(name, fieldname):
    return prop(name, effect='flag', fields=(fieldname,))


def _spec(go, desc=None, wants='parent', provides='parent', bases=('chainnode',), methods=(),
          fields=None, stats=(), partial_chain=()):
    return NodeSpec(go, desc, wants, provides, tuple(bases), {m.name: m for m in methods},
                    dict(fields or {}), tuple(stats), tuple(partial_chain))


# -- InfluxQL function nodes (pipeline/influxql.go): name -> (params, variadic, provides, desc)
INFLUXQL = {
    'Count': ((STRING,), None, 'stream', 'count'),
    'Distinct': ((STRING,), None, 'batch', 'distinct'),
    'Mean': ((STRING,), None, 'stream', 'mean'),
    'Median': ((STRING,), None, 'stream', 'median'),
    'Mode': ((STRING,), None, 'stream', 'mode'),
    'Spread': ((STRING,), None, 'stream', 'spread'),
    'Sum': ((STRING,), None, 'stream', 'sum'),
    'First': ((STRING,), None, 'stream', 'first'),
    'Last': ((STRING,), None, 'stream', 'last'),
    'Min': ((STRING,), None, 'stream', 'min'),
    'Max': ((STRING,), None, 'stream', 'max'),
    'Percentile': ((STRING, FLOAT), None, 'stream', 'percentile'),
    'Top': ((INT, STRING), STRING, 'batch', 'top'),
    'Bottom': ((INT, STRING), STRING, 'batch', 'bottom'),
    'Stddev': ((STRING,), None, 'stream', 'stddev'),
    'Elapsed': ((STRING, DURATION), None, 'parent', 'elapsed'),
    'Difference': ((STRING,), None, 'parent', 'difference'),
    'MovingAverage': ((STRING, INT), None, 'parent', 'movingAverage'),
    'HoltWinters': ((STRING, INT, INT, DURATION), None, 'batch', 'holtWinters'),
    'HoltWintersWithFit': ((STRING, INT, INT, DURATION), None, 'batch', 'holtWinters'),
    'CumulativeSum': ((STRING,), None, 'parent', 'cumulativeSum'),
}

_BASE = _spec('node', bases=(), methods=[
    flag('Quiet', 'QuietFlag'),
    chain('Stats', 'StatsNode', (DURATION,), build='stats'),
    chain('Deadman', 'AlertNode', (FLOAT, DURATION), LAMBDA, build='deadman'),
], fields={})

_CHAIN = _spec('chainnode', bases=('node',), methods=[
    chain('Where', 'WhereNode', (LAMBDA,), init=('Lambda',)),
    chain('HttpOut', 'HTTPOutNode', (STRING,), init=('Endpoint',)),
    chain('HttpPost', 'HTTPPostNode', (), STRING, init=('*URLs',)),
    chain('InfluxDBOut', 'InfluxDBOutNode'),
    chain('KapacitorLoopback', 'KapacitorLoopbackNode'),
    chain('Alert', 'AlertNode'),
    chain('Union', 'UnionNode', (), NODE, build='union'),
    chain('Join', 'JoinNode', (), NODE, build='join'),
    chain('Combine', 'CombineNode', (), LAMBDA, init=('*Lambdas',)),
    chain('Flatten', 'FlattenNode'),
    chain('Eval', 'EvalNode', (), LAMBDA, init=('*Lambdas',)),
    chain('GroupBy', 'GroupByNode', (), ANY, init=('*Dimensions',)),
    chain('Window', 'WindowNode', build='window'),
    chain('Barrier', 'BarrierNode'),
    chain('Sample', 'SampleNode', (ANY,), build='sample'),
    chain('Derivative', 'DerivativeNode', (STRING,), init=('Field', 'As')),
    chain('ChangeDetect', 'ChangeDetectNode', (), STRING, init=('*Fields',)),
    chain('Shift', 'ShiftNode', (DURATION,), init=('Shift',)),
    chain('Log', 'LogNode'),
    chain('Default', 'DefaultNode'),
    chain('Delete', 'DeleteNode'),
    chain('K8sAutoscale', 'K8sAutoscaleNode'),
    chain('SwarmAutoscale', 'SwarmAutoscaleNode'),
    chain('Ec2Autoscale', 'Ec2AutoscaleNode'),
    chain('StateDuration', 'StateDurationNode', (LAMBDA,), init=('Lambda',)),
    chain('StateCount', 'StateCountNode', (LAMBDA,), init=('Lambda',)),
    chain('Sideload', 'SideloadNode'),
    chain('Trickle', 'TrickleNode', build='trickle'),
    *[chain(n, 'InfluxQLNode', p, v, build='influxql') for n, (p, v, _, _) in INFLUXQL.items()],
])

_QUERY_FIELDS = {'QueryStr': Field(STRING, ''), 'Period': Field(DURATION, 0), 'Every': Field(DURATION, 0),
                 'Cron': Field(STRING, ''), 'Offset': Field(DURATION, 0), 'Cluster': Field(STRING, '')}

_AUTOSCALE = {'Cluster': Field(STRING, ''), 'CurrentField': Field(STRING, ''), 'Max': Field(INT, 0),
              'Min': Field(INT, 1), 'Replicas': Field(LAMBDA), 'IncreaseCooldown': Field(DURATION, 0),
              'DecreaseCooldown': Field(DURATION, 0)}

NODES = [
    _BASE, _CHAIN,
    _spec('StreamNode', 'stream', 'stream', 'stream', bases=('node',), methods=[
        chain('From', 'FromNode')]),
    _spec('BatchNode', 'batch', 'none', 'batch', bases=('node',), methods=[
        chain('Query', 'QueryNode', (STRING,), init=('QueryStr',)),
        chain('QueryFlux', 'QueryFluxNode', (STRING,), init=('QueryStr',))]),
    _spec('FromNode', 'from', 'stream', 'stream', methods=[
        chain('From', 'FromNode'),
        prop('Where', (LAMBDA,), effect='and_where', fields=('Lambda',)),
        prop('GroupBy', (), ANY, effect='list', fields=('Dimensions',)),
        flag('GroupByMeasurement', 'GroupByMeasurementFlag')],
        fields={'Database': Field(STRING, ''), 'RetentionPolicy': Field(STRING, ''),
                'Measurement': Field(STRING, ''), 'Truncate': Field(DURATION, 0),
                'Round': Field(DURATION, 0)},
        partial_chain=('GroupBy', 'Where')),
    _spec('QueryNode', 'query', 'batch', 'batch', methods=[
        prop('GroupBy', (), ANY, effect='list', fields=('Dimensions',)),
        flag('GroupByMeasurement', 'GroupByMeasurementFlag'),
        flag('Align', 'AlignFlag'), flag('AlignGroup', 'AlignGroupFlag')],
        fields={**_QUERY_FIELDS, 'Fill': Field(ANY)}, stats=('batches_queried', 'points_queried'),
        partial_chain=('GroupBy',)),
    _spec('QueryFluxNode', 'queryFlux', 'batch', 'batch', methods=[flag('Align', 'AlignFlag')],
          fields={**_QUERY_FIELDS, 'Org': Field(STRING, ''), 'OrgID': Field(STRING, '')},
          stats=('batches_queried', 'points_queried')),
    _spec('WindowNode', 'window', 'stream', 'batch', methods=[
        flag('Align', 'AlignFlag'), flag('FillPeriod', 'FillPeriodFlag')],
        fields={'Period': Field(DURATION, 0), 'Every': Field(DURATION, 0),
                'PeriodCount': Field(INT, 0), 'EveryCount': Field(INT, 0)}),
    _spec('WhereNode', 'where', fields={'Lambda': Field(LAMBDA)}),
    _spec('EvalNode', 'eval', methods=[
        prop('As', (), STRING, effect='list', fields=('AsList',)),
        prop('Tags', (), STRING, effect='list', fields=('TagsList',)),
        prop('Keep', (), STRING, effect='keep', fields=('KeepFlag', 'KeepList'))],
        fields={'Lambdas': Field('[]*ast.LambdaNode'), 'KeepList': Field('[]string')},
),
    _spec('GroupByNode', 'groupby', methods=[
        prop('Exclude', (), STRING, effect='list', fields=('ExcludedDimensions',)),
        flag('ByMeasurement', 'ByMeasurementFlag')],
        fields={'Dimensions': Field(LIST)}),
    _spec('DefaultNode', 'default', methods=[
        prop('Field', (STRING, ANY), effect='map', fields=('Fields',)),
        prop('Tag', (STRING, STRING), effect='map', fields=('Tags',))],
        stats=('fields_defaulted', 'tags_defaulted')),
    _spec('DeleteNode', 'delete', methods=[
        prop('Field', (STRING,), effect='append', fields=('Fields',)),
        prop('Tag', (STRING,), effect='append', fields=('Tags',))],
        stats=('fields_deleted', 'tags_deleted')),
    _spec('ShiftNode', 'shift', fields={'Shift': Field(DURATION, 0)}),
    _spec('SampleNode', 'sample', fields={'N': Field(INT, 0), 'Duration': Field(DURATION, 0)}),
    _spec('ChangeDetectNode', 'changeDetect', fields={'Fields': Field('[]string')}),
    _spec('DerivativeNode', 'derivative', methods=[flag('NonNegative', 'NonNegativeFlag')],
          fields={'Field': Field(STRING, ''), 'As': Field(STRING, ''), 'Unit': Field(DURATION, 10**9)}),
    _spec('StateDurationNode', 'state_duration',
          fields={'Lambda': Field(LAMBDA), 'As': Field(STRING, 'state_duration'),
                  'Unit': Field(DURATION, 10**9)}),
    _spec('StateCountNode', 'state_count',
          fields={'Lambda': Field(LAMBDA), 'As': Field(STRING, 'state_count')}),
    _spec('FlattenNode', 'flatten', methods=[
        prop('On', (), STRING, effect='list', fields=('Dimensions',)),
        prop('DropOriginalFieldName', (), BOOL, effect='optional_flag',
             fields=('DropOriginalFieldNameFlag',))],
        fields={'Delimiter': Field(STRING, '.'), 'Tolerance': Field(DURATION, 0)}),
    _spec('CombineNode', 'combine', provides='stream', methods=[
        prop('As', (), STRING, effect='list', fields=('Names',))],
        fields={'Lambdas': Field('[]*ast.LambdaNode'), 'Delimiter': Field(STRING, '.'),
                'Tolerance': Field(DURATION, 0), 'Max': Field(INT, 1000000)}),
    _spec('UnionNode', 'union', fields={'Rename': Field(STRING, '')}),
    _spec('JoinNode', 'join', methods=[
        prop('As', (), STRING, effect='list', fields=('Names',)),
        prop('On', (), STRING, effect='list', fields=('Dimensions',))],
        fields={'Delimiter': Field(STRING, '.'), 'DeleteAll': Field(BOOL, False),
                'StreamName': Field(STRING, ''), 'Tolerance': Field(DURATION, 0), 'Fill': Field(ANY)}),
    _spec('BarrierNode', 'barrier', fields={
        'Idle': Field(DURATION, 0), 'Period': Field(DURATION, 0), 'Delete': Field(BOOL, False)},
        partial_chain=('Delete',)),
    _spec('StatsNode', 'stats', 'stream', 'stream', methods=[flag('Align', 'AlignFlag')],
          fields={'SourceNode': Field(NODE), 'Interval': Field(DURATION, 0)}),
    _spec('NoOpNode', 'noop'),
    _spec('LogNode', 'log', fields={'Level': Field(STRING, 'INFO'), 'Prefix': Field(STRING, '')}),
    _spec('HTTPOutNode', 'http_out', fields={'Endpoint': Field(STRING, '')}),
    _spec('HTTPPostNode', 'http_post', methods=[
        prop('Endpoint', (STRING,), effect='append', fields=('Endpoints',)),
        prop('Header', (STRING, STRING), effect='map', fields=('Headers',)),
        flag('CaptureResponse', 'CaptureResponseFlag')],
        fields={'CodeField': Field(STRING, ''), 'URLs': Field('[]string'),
                'Timeout': Field(DURATION, 0)}),
    _spec('InfluxDBOutNode', 'influxdb_out', provides='none', bases=('node',), methods=[
        prop('Tag', (STRING, STRING), effect='map', fields=('Tags',)),
        flag('Create', 'CreateFlag')],
        fields={'Cluster': Field(STRING, ''), 'Database': Field(STRING, ''),
                'RetentionPolicy': Field(STRING, ''), 'Measurement': Field(STRING, ''),
                'WriteConsistency': Field(STRING, ''), 'Precision': Field(STRING, ''),
                'Buffer': Field(INT, 1000), 'FlushInterval': Field(DURATION, 10 * 10**9)},
        stats=('points_written', 'write_errors')),
    _spec('KapacitorLoopbackNode', 'kapacitor_loopback', provides='none', bases=('node',), methods=[
        prop('Tag', (STRING, STRING), effect='map', fields=('Tags',))],
        fields={'Database': Field(STRING, ''), 'RetentionPolicy': Field(STRING, ''),
                'Measurement': Field(STRING, '')},
        stats=('points_written',)),
    _spec('SideloadNode', 'sideload', methods=[
        prop('Order', (), STRING, effect='list', fields=('OrderList',)),
        prop('Field', (STRING, ANY), effect='map', fields=('Fields',)),
        prop('Tag', (STRING, STRING), effect='map', fields=('Tags',))],
        fields={'Source': Field(STRING, '')}),
    _spec('TrickleNode', 'trickle', 'batch', 'stream'),
    _spec('K8sAutoscaleNode', 'k8s_autoscale', provides='stream', fields={
        **_AUTOSCALE, 'Namespace': Field(STRING, ''), 'Kind': Field(STRING, 'deployments'),
        'ResourceName': Field(STRING, ''), 'ResourceNameTag': Field(STRING, ''),
        'NamespaceTag': Field(STRING, 'namespace'), 'KindTag': Field(STRING, 'kind'),
        'ResourceTag': Field(STRING, 'resource')},
        stats=('cooldown_drops', 'decrease_events', 'increase_events')),
    _spec('SwarmAutoscaleNode', 'swarm_autoscale', provides='stream', fields={
        **_AUTOSCALE, 'ServiceName': Field(STRING, ''), 'ServiceNameTag': Field(STRING, ''),
        'OutputServiceNameTag': Field(STRING, '')},
        stats=('cooldown_drops', 'decrease_events', 'increase_events')),
    _spec('Ec2AutoscaleNode', 'ec2_autoscale', provides='stream', fields={
        **_AUTOSCALE, 'GroupName': Field(STRING, ''), 'GroupNameTag': Field(STRING, ''),
        'OutputGroupNameTag': Field(STRING, '')},
        stats=('cooldown_drops', 'decrease_events', 'increase_events')),
    _spec('InfluxQLNode', None, methods=[flag('UsePointTimes', 'PointTimes')],
          fields={'Method': Field(STRING, ''), 'Field': Field(STRING, ''), 'As': Field(STRING, ''),
                  'Reducer': Field(NODE), 'Args': Field(LIST)}),
    _spec('UDFNode', None, fields={'UDFName': Field(STRING, ''), 'Options': Field('[]*agent.Option')}),
]

# -- alert() and its handlers (pipeline/alert.go) ---------------------------------------------


def handler(name, go, params=(), variadic=None, init=()):
    """A property method of alert() that adds a handler and returns it."""
    return prop(name, params, variadic, effect='handler', fields=(go,) + tuple(init), returns=go)


_ALERT_DATA = _spec('AlertNodeData', 'alert', methods=[
    prop('All', effect='flag', fields=('AllFlag',), returns='AlertNodeData'),
    prop('NoRecoveries', effect='flag', fields=('NoRecoveriesFlag',), returns='AlertNodeData'),
    prop('StateChangesOnly', (), DURATION, effect='state_changes_only',
         fields=('IsStateChangesOnly', 'StateChangesOnlyDuration'), returns='AlertNodeData'),
    prop('Inhibit', (STRING,), STRING, effect='inhibit', fields=('Inhibitors',), returns='AlertNodeData'),
    handler('Post', 'AlertHTTPPostHandler', (), STRING, init=('?URL',)),
    handler('Tcp', 'TcpHandler', (STRING,), init=('Address',)),
    handler('Email', 'EmailHandler', (), STRING, init=('*ToList',)),
    handler('Exec', 'ExecHandler', (STRING,), STRING, init=('+Command',)),
    handler('Log', 'LogHandler', (STRING,), init=('FilePath',)),
    handler('VictorOps', 'VictorOpsHandler'),
    handler('PagerDuty', 'PagerDutyHandler'),
    handler('PagerDuty2', 'PagerDuty2Handler'),
    handler('Pushover', 'PushoverHandler'),
    handler('Sensu', 'SensuHandler'),
    handler('Slack', 'SlackHandler'),
    handler('Discord', 'DiscordHandler'),
    handler('BigPanda', 'BigPandaHandler'),
    handler('Telegram', 'TelegramHandler'),
    handler('HipChat', 'HipChatHandler'),
    handler('Alerta', 'AlertaHandler'),
    handler('OpsGenie', 'OpsGenieHandler'),
    handler('OpsGenie2', 'OpsGenie2Handler'),
    handler('Talk', 'TalkHandler'),
    handler('Mqtt', 'MQTTHandler', (STRING,), init=('Topic',)),
    handler('SnmpTrap', 'SNMPTrapHandler', (STRING,), init=('TrapOid',)),
    handler('Kafka', 'KafkaHandler'),
    handler('Teams', 'TeamsHandler'),
    handler('ServiceNow', 'ServiceNowHandler'),
    handler('Zenoss', 'ZenossHandler'),
], fields={
    'Category': Field(STRING, ''), 'Topic': Field(STRING, ''),
    'Id': Field(STRING, '{{ .Name }}:{{ .Group }}'), 'Message': Field(STRING, '{{ .ID }} is {{ .Level }}'),
    'Details': Field(STRING, '{{ json . }}'),
    'Info': Field(LAMBDA), 'Warn': Field(LAMBDA), 'Crit': Field(LAMBDA),
    'InfoReset': Field(LAMBDA), 'WarnReset': Field(LAMBDA), 'CritReset': Field(LAMBDA),
    'FlapLow': Field(FLOAT, 0.0), 'FlapHigh': Field(FLOAT, 0.0), 'History': Field(INT, 21),
    'LevelTag': Field(STRING, ''), 'LevelField': Field(STRING, ''), 'MessageField': Field(STRING, ''),
    'DurationField': Field(STRING, ''), 'IdTag': Field(STRING, ''), 'IdField': Field(STRING, ''),
    'StateChangesOnlyDuration': Field(DURATION, 0),
}, stats=('alerts_inhibited', 'alerts_triggered', 'crits_triggered', 'infos_triggered',
          'oks_triggered', 'warns_triggered'), partial_chain=('Log',))
# Flapping(low, high float64) sets three fields. All, NoRecoveries, Flapping, StateChangesOnly and
# Inhibit are methods of *AlertNodeData and return it, so later errors name that type.
_ALERT_DATA.methods['Flapping'] = prop('Flapping', (FLOAT, FLOAT), effect='set',
                                       fields=('UseFlapping=', 'FlapLow', 'FlapHigh'), returns='AlertNodeData')

NODES += [_ALERT_DATA, _spec('AlertNode', 'alert', bases=('AlertNodeData',))]


def _handler(go, methods=(), fields=None):
    return _spec(go, None, bases=('AlertNodeData',), methods=methods, fields=fields)


_S = Field(STRING, '')
NODES += [
    _handler('AlertHTTPPostHandler', [
        prop('Header', (STRING, STRING), effect='map', fields=('Headers',)),
        flag('CaptureResponse', 'CaptureResponseFlag'),
        flag('SkipSSLVerification', 'SkipSSLVerificationFlag')],
        {'URL': _S, 'Endpoint': _S, 'Timeout': Field(DURATION, 0)}),
    _handler('TcpHandler', fields={'Address': _S}),
    _handler('EmailHandler', [
        prop('To', (), STRING, effect='append', fields=('ToList',)),
        prop('ToTemplates', (), STRING, effect='append', fields=('ToTemplatesList',))]),
    _handler('ExecHandler', fields={'Command': Field('[]string')}),
    _handler('LogHandler', fields={'FilePath': _S, 'Mode': Field(INT, 0)}),
    _handler('VictorOpsHandler', fields={'RoutingKey': _S}),
    _handler('PagerDutyHandler', fields={'ServiceKey': _S}),
    _handler('PagerDuty2Handler', [
        prop('ServiceKey', (STRING,), effect='set', fields=('RoutingKey',)),
        prop('Link', (STRING,), STRING, effect='link', fields=('Links',))],
        {'RoutingKey': _S}),
    _handler('PushoverHandler', fields={k: _S for k in ('UserKey', 'Device', 'Title', 'URL',
                                                         'URLTitle', 'Sound')}),
    _handler('SensuHandler', [
        prop('Handlers', (), STRING, effect='list', fields=('HandlersList',)),
        prop('Metadata', (STRING, ANY), effect='map', fields=('MetadataMap',))], {'Source': _S}),
    _handler('SlackHandler', fields={k: _S for k in ('Workspace', 'Channel', 'Username', 'IconEmoji')}),
    _handler('DiscordHandler', fields={k: _S for k in ('Workspace', 'Username', 'AvatarURL',
                                                        'EmbedTitle')}),
    _handler('BigPandaHandler', [prop('Attribute', (STRING, ANY), effect='map', fields=('Attributes',))],
             {k: _S for k in ('AppKey', 'Host', 'PrimaryProperty', 'SecondaryProperty')}),
    _handler('TelegramHandler', [
        flag('DisableWebPagePreview', 'IsDisableWebPagePreview'),
        flag('DisableNotification', 'IsDisableNotification')], {'ChatId': _S, 'ParseMode': _S}),
    _handler('HipChatHandler', fields={'Room': _S, 'Token': _S}),
    _handler('AlertaHandler', [
        prop('Services', (), STRING, effect='list', fields=('Service',)),
        prop('Correlated', (), STRING, effect='list', fields=('Correlate',)),
        prop('Attribute', (STRING, ANY), effect='map', fields=('Attributes',))],
        {**{k: _S for k in ('Token', 'Resource', 'Event', 'Environment', 'Group', 'Value', 'Origin')},
         'Timeout': Field(DURATION, 0)}),
    _handler('OpsGenieHandler', [
        prop('Teams', (), STRING, effect='list', fields=('TeamsList',)),
        prop('Recipients', (), STRING, effect='list', fields=('RecipientsList',))]),
    _handler('OpsGenie2Handler', [
        prop('Teams', (), STRING, effect='list', fields=('TeamsList',)),
        prop('Recipients', (), STRING, effect='list', fields=('RecipientsList',)),
        prop('RecoveryAction', (STRING,), effect='set', fields=('RecoveryActionString',)),
        flag('Details', 'IsDetails')]),
    _handler('TalkHandler'),
    _handler('MQTTHandler', fields={'BrokerName': _S, 'Topic': _S, 'Qos': Field(INT, 0),
                                    'Retained': Field(BOOL, False)}),
    _handler('SNMPTrapHandler', [prop('Data', (STRING, STRING, STRING), effect='snmp_data',
                                      fields=('DataList',))], {'TrapOid': _S}),
    _handler('KafkaHandler', [flag('DisablePartitionById', 'IsDisablePartitionById')],
             {k: _S for k in ('Cluster', 'KafkaTopic', 'PartitionHashAlgorithm', 'Template')}),
    _handler('TeamsHandler', fields={'ChannelURL': _S}),
    _handler('ServiceNowHandler', [
        prop('AdditionalInfo', (STRING, ANY), effect='map', fields=('AdditionalInfoMap',))],
        {k: _S for k in ('URL', 'Username', 'Password', 'Source', 'Node', 'Type', 'Resource',
                         'MetricName', 'MessageKey')}),
    _handler('ZenossHandler', [
        prop('CustomField', (STRING, ANY), effect='map', fields=('CustomFieldsMap',))],
        {**{k: _S for k in ('URL', 'Username', 'Password', 'Action', 'Method', 'Type', 'Collector',
                            'Summary', 'Device', 'Component', 'EventClassKey', 'EventClass',
                            'Message')}, 'Tid': Field(INT, 0)}),
]

SPECS: dict[str, NodeSpec] = {s.go: s for s in NODES}
HANDLER_TYPES = tuple(s.go for s in NODES if s.bases == ('AlertNodeData',) and s.go != 'AlertNode')


def _resolve(spec: NodeSpec) -> None:
    """Flatten a spec's bases: the nearest definition of a name wins, as Go's embedding does."""
    methods, fields = {}, {}
    for base in reversed(spec.bases):
        b = SPECS[base]
        if not b.all_methods and (b.methods or b.bases):
            _resolve(b)
        methods.update(b.all_methods)
        fields.update(b.all_fields)
    methods.update(spec.methods)
    fields.update(spec.fields)
    spec.all_methods, spec.all_fields = methods, fields


for _s in NODES:
    _resolve(_s)

# Kapacitor's ChainMethods(): a tick-tagged property method hides the embedded chain method of
# the same name; these types expose it again, so the name works with both '|' and '.'.
for _s in NODES:
    for _s2 in [_s] + [SPECS[b] for b in _s.bases]:
        for _name in _s2.partial_chain:
            _s.all_methods['|' + _name] = SPECS['chainnode'].all_methods[_name]


def lookup(spec: NodeSpec, name: str, kind: str):
    """Return the method or field ``name`` (Go spelling) of ``kind`` on ``spec``, or None."""
    if kind == 'chain':
        m = spec.all_methods.get('|' + name) or spec.all_methods.get(name)
        return m if m is not None and m.kind == 'chain' else None
    m = spec.all_methods.get(name)
    if m is not None and m.kind == 'property':
        return m
    return spec.all_fields.get(name)


def has_chain(spec: NodeSpec, name: str) -> bool:
    return lookup(spec, name, 'chain') is not None


def has_property(spec: NodeSpec, name: str) -> bool:
    return lookup(spec, name, 'property') is not None


def desc_of(spec: NodeSpec) -> str:
    return spec.desc or ''


def capitalize_first(name: str) -> str:
    """Kapacitor looks methods up with the first letter upper-cased."""
    return name[:1].upper() + name[1:]
