"""The storage layer: everything below ``machstore.engine``, nothing that knows a query language or HTTP.

Modules, bottom up: ``keys`` (LMDB key layouts), ``codec`` (compression), ``fieldtypes``,
``rows`` (columns in memory), ``segments`` (the change log of acknowledged writes),
``blocks`` / ``blocks_ref`` (compacted columnar blocks and their reference twin),
``rollup`` / ``rollup_ref`` (rollup kernels and twin), ``rollups`` (the rollup store),
``catalog`` (databases, retention policies, series, tables), ``ingest`` (line protocol into
segments), ``tagingest`` (line protocol into tag tables), ``tables`` (Machbase tables),
``tagstats`` (per-tag lifetime stats) and ``results`` (what write calls report).

``machstore.engine.Engine`` is the one public face; these modules never import it.
"""
