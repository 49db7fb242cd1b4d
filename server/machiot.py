"""Machbase tag-table REST API: ``/machiot/...`` (also ``/machiot/v1``, ``/machiot-rest-api[/v1]``).

One thin resource answers every ``/machiot`` URL: :mod:`machiot_paths` turns the method,
the path and the query into a handler name and validated arguments, the handler asks
the engine (tag-table scans, deletes, tag metadata, block-summary statistics, buckets)
and renders Machbase's ``/machiot`` envelope (display widths, ``"timezone"``).  Errors
are raised as Machbase errors and rendered by the family (:class:`MachbaseFamily` with
``machiot=True``).  Endpoints, arguments and the choices made where the seed is silent
or contradicts itself: docs/machiot.md.
"""
from urllib.parse import quote, urlsplit

import falcon
import numpy as np
import orjson
import pyarrow as pa

from machstore import errors as engine_errors
from machstore.machbase import render
from machstore.machbase import types as mt
from machstore.machbase.datetimes import resolve_timezone
from machstore.machbase.errors import error
from machstore.server import machiot_paths as paths
from machstore.server.machbase import MachbaseFamily, read_body
from machstore.sql.append import append_json
from machstore.sql.planning import column_type
from machstore.sql.session import Session
from machstore.storage.tables import TAG

DATETIME = mt.lookup("datetime")
DOUBLE = mt.lookup("double")
LONG = mt.lookup("long")
NAME_100 = mt.lookup("varchar(100)")   # the per-tag name column of min/max/count/disksize
NAME_ALL = mt.lookup("varchar(3)")     # range over the whole table: "ALL"


def routes(engine, settings, authenticator):
    """Return the ``(uri template, resource)`` pairs of every ``/machiot`` prefix.

    ``/v1`` is the first segment of the path template's remainder (see ``machiot_paths``).
    """
    out = []
    for prefix in paths.PREFIXES:
        resource = MachiotResource(engine, settings, authenticator, prefix)
        out += [(prefix, resource), (prefix + "/{path:path}", resource)]
    return out


class MachiotResource:
    """Every ``/machiot`` endpoint (GET, POST, PUT, PATCH, DELETE), dispatched by path."""

    def __init__(self, engine, settings, authenticator, prefix):
        self.tz = resolve_timezone(settings.timezone or None)
        self.family = MachbaseFamily(machiot=True, tz=self.tz)
        self.prefix = prefix
        self._engine = engine
        self._settings = settings
        self._auth = authenticator

    # -- dispatch ------------------------------------------------------------------------------

    def on_get(self, req, resp, path=None):
        self._dispatch(req, resp)

    on_post = on_put = on_patch = on_delete = on_get

    def _dispatch(self, req, resp):
        user = self._auth.authenticate(req.get_header("Authorization"))
        call = paths.resolve(req.method, self._segments(req), paths.parse_query(req.query_string))
        resp.content_type = falcon.MEDIA_JSON
        resp.data = getattr(self, "_" + call.handler)(req, call, user)

    def _segments(self, req):
        """The path segments after the prefix, still percent-encoded (gunicorn's RAW_URI)."""
        raw = req.env.get("RAW_URI") or req.env.get("REQUEST_URI") or ""
        if raw and not raw.startswith("/"):
            raw = urlsplit(raw).path
        raw = raw.split("?", 1)[0]
        n = len(self.prefix)
        if raw[:n].lower() == self.prefix and raw[n:n + 1] in ("", "/"):
            return paths.split_raw_path(raw, n)
        # no raw path (or an encoded prefix): re-encode the decoded one, commas kept
        return paths.split_raw_path(quote(req.path, safe="/,"), n)

    # -- shared pieces -------------------------------------------------------------------------

    def _table(self, name):
        """Return the tag table ``name``: 3113 when it does not exist, 2676 if not a tag table."""
        try:
            tdef = self._engine.get().get_table(name)
        except engine_errors.TableNotFound:
            raise error(3113, name) from None
        if tdef.kind != TAG:
            raise error(2676)
        return tdef

    def _check_tags(self, tdef, tags):
        """Raise 3113 for the first of ``tags`` that is not registered in ``tdef``."""
        known = {row[tdef.key] for row in self._engine.get().tag_metadata(tdef.name, tags)}
        for tag in tags:
            if tag not in known:
                raise error(3113, tag)

    def _select(self, call, columns):
        opts = call.options
        return render.render_select(columns, fetch_mode=render.parse_fetch_mode(opts["fetch_mode"]),
                                    scale=render.parse_scale(opts["scale"], default=None),
                                    date_format=opts["date_format"], tz=self.tz, machiot=True)

    def _json_body(self, req):
        body = read_body(req, self._settings.machbase_max_mem)
        try:
            return orjson.loads(body)
        except orjson.JSONDecodeError:
            raise error(3106) from None

    # -- raw data --------------------------------------------------------------------------------

    def _raw_append(self, req, call, user):
        tdef = self._table(call.args["Table"])
        doc = self._json_body(req)
        if not isinstance(doc, dict) or not isinstance(doc.get("values"), list):
            raise error(3106)
        date_format = doc.get("date_format") or call.options["date_format"] or None
        success, failure = append_json(self._engine.get(), tdef.name, doc["values"], date_format=date_format,
                                       session=Session(user=user, timezone=self.tz),
                                       auto_meta=self._settings.auto_meta_insert)
        return render.render_append(success, failure, machiot=True, tz=self.tz)

    def _raw_select(self, req, call, user):
        tdef = self._table(call.args["Table"])
        tags = paths.tag_list(call)
        start = paths.parse_time(call.args["Start"], self.tz)
        end = paths.parse_time(call.args["End"], self.tz)
        direction = paths.parse_direction(call.args["Direction"])
        count = paths.parse_count(call.args["Count"])
        offset = paths.parse_count(call.args["Offset"])
        self._check_tags(tdef, tags)
        table = self._raw_rows(tdef, tags, start, end, direction, count, offset)
        return self._select(call, [_result_column(cdef, table.column(cdef.name)) for cdef in tdef.columns])

    def _raw_rows(self, tdef, tags, start, end, direction, count, offset):
        """Rows of ``tags`` in [start, end]: Direction 0 grouped by tag (name order), each in time
        order; 1 all rows newest first; 2 oldest first.  Then Offset rows skipped, Count kept."""
        engine = self._engine.get()
        want = offset + count if count else None
        if direction == 0 or len(tags) == 1:
            table = engine.scan_table(tdef.name, tags=tags, start=start, end=end, reverse=direction == 1,
                                      limit=want)
        else:
            # each tag's first `want` rows in the direction hold the merged first `want`
            parts = [engine.scan_table(tdef.name, tags=[tag], start=start, end=end, reverse=direction == 1,
                                       limit=want) for tag in tags]
            table = pa.concat_tables(parts)
            times = table.column(tdef.time).to_numpy()
            order = np.argsort(-times if direction == 1 else times, kind="stable")
            table = table.take(pa.array(order))
        return table.slice(offset, count or None)

    def _raw_delete(self, req, call, user):
        tdef = self._table(call.args["Table"])
        tags = paths.tag_list(call)
        before = paths.parse_time(call.args["BeforeTime"], self.tz)
        if tags is not None:
            self._check_tags(tdef, tags)
        n = self._engine.get().delete_table_rows(tdef.name, before=before, tags=tags)
        return render.render_effect(n, machiot=True, tz=self.tz)

    # -- statistics ------------------------------------------------------------------------------

    def _calculated(self, req, call, user):
        """datapoints/calculated: the IntervalType units starting in [Start, End], in IntervalValue buckets.

        Machbase answers from its rollup rows of the IntervalType unit selected by their start
        time, so End counts to the end of its unit (the seed's End 01:20:00 takes the 01:20:01
        row, not 01:21:41); ``bucket_stats(unit_ns=...)`` applies that rule.
        """
        tdef = self._table(call.args["Table"])
        tags = paths.tag_list(call)
        start = paths.parse_time(call.args["Start"], self.tz)
        end = paths.parse_time(call.args["End"], self.tz)
        modes = paths.parse_modes(call.args["CalculationMode"])
        count = paths.parse_count(call.args["Count"])
        unit_ns, bucket_ns = paths.parse_interval(call.args["IntervalType"], call.args["IntervalValue"])
        self._check_tags(tdef, tags)
        stats = self._engine.get().bucket_stats(tdef.name, tags, start, end, bucket_ns, unit_ns=unit_ns)
        n = len(stats["time"]) if not count else min(count, len(stats["time"]))
        columns = [render.ResultColumn("time", DATETIME, np.asarray(stats["time"][:n], dtype=np.int64))]
        for mode in modes:
            if mode == "count":
                columns.append(render.ResultColumn("count", LONG, np.asarray(stats["count"][:n], dtype=np.int64)))
            elif mode == "avg":
                avg = np.asarray(stats["sum"][:n], dtype=np.float64) / np.asarray(stats["count"][:n])
                columns.append(render.ResultColumn("avg", DOUBLE, avg))
            else:
                columns.append(render.ResultColumn(mode, DOUBLE, np.asarray(stats[mode][:n], dtype=np.float64)))
        return self._select(call, columns)

    def _lookup(self, req, call, user):
        """tags/range|min|max|first|last|count|cnt|disksize: one row for the table, or one per tag.

        Every answer comes from ``tag_stats`` / ``table_stats`` / ``disk_size`` (block
        summaries, pending rows, rollups), never from a scan of the rows.
        """
        tdef = self._table(call.args["Table"])
        tags = paths.tag_list(call)
        if tags is not None:
            self._check_tags(tdef, tags)
        engine = self._engine.get()
        word = call.lookup
        C = render.ResultColumn
        if word == "disksize":
            if tags is None:
                return self._select(call, [C("disksize", LONG, [engine.disk_size(tdef.name)])])
            sizes = [engine.disk_size(tdef.name, [tag]) for tag in tags]
            return self._select(call, [C("name", NAME_100, tags), C("disksize", LONG, sizes)])
        key_type = column_type(tdef.column(tdef.key))
        value_col = tdef.value_columns()[0]
        value_type = column_type(value_col)
        if tags is None and word != "first" and word != "last":
            s = engine.table_stats(tdef.name)
            if word == "range":
                columns = [C("name", NAME_ALL, ["ALL"]), C("min", DATETIME, [s["MIN_TIME"]]),
                           C("max", DATETIME, [s["MAX_TIME"]])]
            elif word == "count":
                columns = [C("count", LONG, [s["ROW_COUNT"]])]
            else:
                columns = [C(word, value_type, [s[word.upper() + "_VALUE"]])]
            return self._select(call, columns)
        rows = engine.tag_stats(tdef.name, tags)
        if tags is None:  # first / last of the whole table: the tag holding the oldest / newest row
            rows = [r for r in rows if r["ROW_COUNT"]]
            if rows:
                rows = [min(rows, key=lambda r: r["MIN_TIME"]) if word == "first" else
                        max(rows, key=lambda r: r["MAX_TIME"])]
        else:
            by_name = {r[tdef.key]: r for r in rows}
            rows = [by_name[tag] for tag in tags]
        names = [r[tdef.key] for r in rows]

        def field(name):
            return [r[name] for r in rows]

        if word == "range":
            columns = [C("name", key_type, names), C("min", DATETIME, field("MIN_TIME")),
                       C("max", DATETIME, field("MAX_TIME"))]
        elif word == "count":
            columns = [C("name", NAME_100, names), C("count", LONG, field("ROW_COUNT"))]
        elif word in ("min", "max"):
            upper = word.upper()
            columns = [C("name", NAME_100, names), C("time", DATETIME, field(upper + "_VALUE_TIME")),
                       C(word, value_type, field(upper + "_VALUE"))]
        else:  # first / last: the row at the oldest / newest time (VALUE NULL if that row's is)
            edge, value = ("MIN_TIME", "FIRST_VALUE") if word == "first" else ("MAX_TIME", "LAST_VALUE")
            values = [r[value] if r[value + "_TIME"] == r[edge] else None for r in rows]
            columns = [C(tdef.key, key_type, names), C(tdef.time, DATETIME, field(edge)),
                       C(value_col.name, value_type, values)]
        return self._select(call, columns)

    def _rollup(self, req, call, user):
        tdef = self._table(call.args["Table"])
        self._engine.get().force_rollup(tdef.name)
        return render.render_ok(machiot=True, tz=self.tz)

    # -- tag metadata ----------------------------------------------------------------------------

    def _tag_insert(self, req, call, user):
        tdef = self._table(call.args["Table"])
        doc = self._json_body(req)
        if not isinstance(doc, dict) or not isinstance(doc.get("values"), list):
            raise error(3106)
        engine = self._engine.get()
        key_type = column_type(tdef.column(tdef.key))
        meta = [(c.name, column_type(c)) for c in tdef.metadata]
        success = failure = 0
        for row in doc["values"]:
            try:
                if not isinstance(row, list) or not 1 <= len(row) <= 1 + len(meta):
                    raise error(3104)
                if not isinstance(row[0], str) or row[0] == "":
                    raise error(3112)
                name = mt.convert_value(key_type, row[0], column=1, tz=self.tz)
                values = {cname: mt.convert_value(ctype, v, column=i + 2, tz=self.tz, binary_text="base64")
                          for i, ((cname, ctype), v) in enumerate(zip(meta, row[1:]))}
                engine.insert_tag(tdef.name, name, values)
                success += 1
            except engine_errors.MachstoreError:  # duplicate, bad value: this row fails, others go on
                failure += 1
        return render.render_append(success, failure, machiot=True, tz=self.tz)

    def _tag_select(self, req, call, user):
        tdef = self._table(call.args["Table"])
        engine = self._engine.get()
        key_type = column_type(tdef.column(tdef.key))
        tag = call.args["TagName"]
        if tag is None:
            names = [row[tdef.key] for row in engine.tag_metadata(tdef.name)]
            return self._select(call, [render.ResultColumn(tdef.key.lower(), key_type, names)])
        rows = engine.tag_metadata(tdef.name, [tag])
        if not rows:
            raise error(3113, tag)
        row = rows[0]
        columns = [render.ResultColumn(tdef.key.lower(), key_type, [row[tdef.key]])]
        columns += [render.ResultColumn(c.name.lower(), column_type(c), [row[c.name]]) for c in tdef.metadata]
        return self._select(call, columns)

    def _tag_update(self, req, call, user):
        tdef = self._table(call.args["Table"])
        tag = call.args["TagName"]
        doc = self._json_body(req)
        if not isinstance(doc, dict):
            raise error(3106)
        by_name = {c.name.upper(): c for c in tdef.metadata}
        values, new_name = {}, None
        for key, value in doc.items():
            upper = str(key).upper()
            if upper == tdef.key.upper():
                if not isinstance(value, str) or value == "":
                    raise error(3112)
                new_name = mt.convert_value(column_type(tdef.column(tdef.key)), value, tz=self.tz)
            elif upper in by_name:
                cdef = by_name[upper]
                values[cdef.name] = mt.convert_value(column_type(cdef), value, tz=self.tz, binary_text="base64")
            else:
                raise error(2030, key)
        n = self._engine.get().update_tag(tdef.name, tag, values, new_name=new_name)
        if not n:
            raise error(3113, tag)
        return render.render_effect(n, machiot=True, tz=self.tz)

    def _tag_delete(self, req, call, user):
        tdef = self._table(call.args["Table"])
        tags = paths.tag_list(call)
        self._check_tags(tdef, tags)
        engine = self._engine.get()
        if any(row["ROW_COUNT"] for row in engine.tag_stats(tdef.name, tags)):
            raise error(2324)
        n = sum(engine.delete_tag(tdef.name, tag) for tag in tags)
        return render.render_effect(n, machiot=True, tz=self.tz)


def _result_column(cdef, arr):
    """A scanned (pyarrow) column as a ResultColumn of the column's Machbase type."""
    arr = arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr
    nulls = arr.is_null().to_numpy(zero_copy_only=False) if arr.null_count else None
    if pa.types.is_string(arr.type) or pa.types.is_binary(arr.type) or pa.types.is_null(arr.type):
        values = arr.to_numpy(zero_copy_only=False).astype(object)
    else:
        values = (arr.fill_null(0) if arr.null_count else arr).to_numpy(zero_copy_only=False)
    return render.ResultColumn(cdef.name, column_type(cdef), values, nulls)
