"""The node table of Kapacitor 1.7's pipeline package (machstore/tick/nodes.py), without a parser."""

from machstore.tick import nodes as T


def test_every_created_type_is_in_the_table():
    for spec in T.NODES:
        for m in spec.all_methods.values():
            if m.kind == 'chain':
                assert m.creates in T.SPECS, (spec.go, m.name)
            elif m.effect == 'handler':
                assert m.returns in T.SPECS


def test_property_hides_chain_method_unless_kapacitor_reexposes_it():
    alert = T.SPECS['AlertNode']
    assert T.has_chain(alert, 'Log') and T.has_property(alert, 'Log')
    frm = T.SPECS['FromNode']
    assert T.has_chain(frm, 'Where') and T.has_property(frm, 'Where')
    window = T.SPECS['WindowNode']
    assert T.has_property(window, 'Period') and not T.has_chain(window, 'Period')
    swarm = T.SPECS['SwarmAutoscaleNode']
    assert T.has_property(swarm, 'Max') and T.has_chain(swarm, 'Max')
    assert not T.has_chain(T.SPECS['InfluxDBOutNode'], 'Where')


def test_handlers_see_alert_properties_and_their_own_first():
    zenoss = T.SPECS['ZenossHandler']
    assert T.lookup(zenoss, 'Message', 'property') is zenoss.fields['Message']
    assert T.lookup(zenoss, 'Crit', 'property').go == T.LAMBDA
    assert T.has_chain(zenoss, 'HttpOut') and T.has_chain(zenoss, 'Log')


def test_edges_of_sources_and_converters():
    assert (T.SPECS['StreamNode'].wants, T.SPECS['StreamNode'].provides) == ('stream', 'stream')
    assert (T.SPECS['BatchNode'].wants, T.SPECS['BatchNode'].provides) == ('none', 'batch')
    assert (T.SPECS['WindowNode'].wants, T.SPECS['WindowNode'].provides) == ('stream', 'batch')
    assert (T.SPECS['TrickleNode'].wants, T.SPECS['TrickleNode'].provides) == ('batch', 'stream')
    assert T.SPECS['InfluxDBOutNode'].provides == 'none'
    assert T.INFLUXQL['Top'][2] == 'batch' and T.INFLUXQL['Mean'][2] == 'stream'
