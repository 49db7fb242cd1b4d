"""Kapacitor inside machstore: tasks, templates and the stream runtime (docs/kapacitor-runtime.md).

| module | job |
| --- | --- |
| ``points.py`` | the messages that flow between nodes: columnar ``Points`` chunks, ``Batch``, barriers |
| ``node.py`` | ``NodeRuntime``, the base of every node's runtime, its statistics and the registry |
| ``graph.py`` | ``TaskGraph``: a task's pipeline turned into connected node runtimes |
| ``context.py`` | ``TaskContext``: what nodes may do outside themselves (write, httpOut, alerts, logs) |
| ``replay.py`` | Kapacitor's ``.srpl`` test-data format read into ``Points`` |
| ``stream.py`` | the segment log read as a stream of ``Points`` chunks after a cursor |
| ``taskmaster.py`` | runs the enabled stream tasks in the engine process, one transaction per round |
| ``storecontext.py`` | the ``TaskContext`` that stages a task's outputs for the round's transaction |
| ``outbox.py`` | alert deliveries stored with the round and sent after it (at least once) |
| ``lineformat.py`` | ``Points`` as line protocol for ``influxDBOut``'s writes |
| ``nodes/`` | one module per family of node runtimes, registered by Go type name |
| ``alerts/`` | alert levels, state, events and handlers (docs/kapacitor-alerts.md) |
| ``store.py`` | the ``kapa`` sub-database: key layout, definition and run-status records |
| ``definitions.py`` | request decoding as Go does it, the ID rule, compiling a definition, times |
| ``tasks.py``, ``templates.py`` | task and template definitions: Kapacitor's create/update/delete/list rules |
| ``task_vars.py`` | task vars: request JSON -> stored form -> evaluator values, with Kapacitor's errors |
| ``task_view.py`` | a task or template as the API shows it (fields, DOT, stats from the run status) |
| ``gojson.py``, ``gopath.py`` | Go's JSON text (``MarshalIndent``) and ``path.Match`` |

The language (TICKscript, lambdas) lives in ``machstore/tick/``, alert templates in
``machstore/gotemplate/``; this package never imports ``server/``.
"""
