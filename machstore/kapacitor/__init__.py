"""Kapacitor inside machstore: tasks, templates and the stream runtime (docs/kapacitor-runtime.md).

| module | job |
| --- | --- |
| ``points.py`` | the messages that flow between nodes: columnar ``Points`` chunks, ``Batch``, barriers |
| ``node.py`` | ``NodeRuntime``, the base of every node's runtime, its statistics and the registry |
| ``graph.py`` | ``TaskGraph``: a task's pipeline turned into connected node runtimes |
| ``context.py`` | ``TaskContext``: what nodes may do outside themselves (write, httpOut, alerts, logs) |
| ``replay.py`` | Kapacitor's ``.srpl`` test-data format read into ``Points`` |
| ``nodes/`` | one module per family of node runtimes, registered by Go type name |
| ``store.py`` | the ``kapa`` sub-database: key layout, definition and run-status records |
| ``definitions.py`` | request decoding as Go does it, the ID rule, compiling a definition, times |
| ``tasks.py``, ``templates.py`` | task and template definitions: Kapacitor's create/update/delete/list rules |
| ``task_vars.py`` | task vars: request JSON -> stored form -> evaluator values, with Kapacitor's errors |
| ``task_view.py`` | a task or template as the API shows it (fields, DOT, stats from the run status) |
| ``gojson.py``, ``gopath.py`` | Go's JSON text (``MarshalIndent``) and ``path.Match`` |

The language (TICKscript, lambdas) lives in ``machstore/tick/``, alert templates in
``machstore/gotemplate/``; this package never imports ``server/``.
"""
