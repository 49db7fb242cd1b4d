"""How ``/query`` writes results: JSON (plain, pretty, chunked) and CSV, as InfluxDB 1.8 does.

* **JSON**: ``{"results":[...]}`` as Go's encoder writes it (``<``, ``>``, ``&`` escaped, a
  newline at the end); ``pretty=true`` indents by four spaces.  A SELECT series of more than
  10,000 rows carries ``"partial":true`` (:func:`whole_results`): InfluxDB's emitter cuts every
  answer into chunks of that size, and the handler joins them back for a non-chunked answer
  but keeps the first chunk's flag.
* **Chunked** (``chunked=true``, ``chunk_size`` rows, default 10000): InfluxDB's emitter sends
  every series, and every ``chunk_size`` rows of a longer one, as its own
  ``{"results":[{"statement_id":N,"series":[...],"partial":true}]}`` line; a series cut short
  carries ``"partial":true`` itself, and the last line of a statement has no ``partial``.
* **CSV** (``Accept: application/csv`` or ``text/csv``): a ``name,tags,time,<columns>`` header
  per statement (again when the columns change), tags as ``k=v,k2=v2``, times as integer
  nanoseconds (or the ``epoch`` unit), floats in Go's shortest ``'f'`` form, nulls empty;
  results without series (errors included) are left out, as InfluxDB's formatter does.
"""
import csv
import io
import json

import numpy as np
import orjson

from machstore.influxql.resultrows import ColumnRows

__all__ = ["DEFAULT_CHUNK_SIZE", "encode_csv", "encode_json", "json_chunks", "wants_csv", "whole_results"]

DEFAULT_CHUNK_SIZE = 10000
_HTML_ESCAPES = ((b"<", b"\\u003c"), (b">", b"\\u003e"), (b"&", b"\\u0026"))


def wants_csv(accept):
    """True when the ``Accept`` header asks for CSV (InfluxDB's content negotiation)."""
    for part in (accept or "").split(","):
        media = part.split(";", 1)[0].strip().lower()
        if media in ("application/csv", "text/csv"):
            return True
        if media in ("application/json", "application/x-msgpack", "*/*"):
            return False
    return False


def _rows_json(obj):
    """orjson's hook for what it cannot encode itself: a SELECT's columnar rows, rendered from their columns."""
    if isinstance(obj, ColumnRows):
        return orjson.Fragment(obj.json(orjson.dumps))
    raise TypeError(f"Type is not JSON serializable: {type(obj).__name__}")


def _rows_list(obj):
    if isinstance(obj, ColumnRows):
        return obj.rows()
    raise TypeError(f"Object of type {type(obj).__name__} is not JSON serializable")


def _infinity(obj):
    """The first infinite value (``"+Inf"``/``"-Inf"``) in the rows of a ``{"results": [...]}``
    answer, which Go's encoding/json refuses, or None."""
    for result in obj.get("results") or ():
        for series in result.get("series") or () if isinstance(result, dict) else ():
            values = series.get("values")
            if isinstance(values, ColumnRows):
                found = values.first_infinity()
            elif values:
                found = ColumnRows.first_infinity_in_lists(values)
            else:
                found = None
            if found:
                return found
    return None


def encode_json(obj, *, pretty=False):
    """Encode like Go's json.Marshal (or MarshalIndent with 4 spaces), plus the trailing newline.

    An infinite float (``ln(0)``) cannot be written by Go's encoder: InfluxDB 1.8 then answers
    the innermost encoder error as the body (services/httpd/response_writer.go, unnestError).
    """
    if isinstance(obj, dict) and "results" in obj:
        inf = _infinity(obj)
        if inf:
            obj = {"error": f"json: unsupported value: {inf}"}
    data = json.dumps(obj, indent=4, ensure_ascii=False, default=_rows_list).encode("utf-8") if pretty \
        else orjson.dumps(obj, default=_rows_json)
    for raw, escaped in _HTML_ESCAPES:
        data = data.replace(raw, escaped)
    return data + b"\n"


def whole_results(results, selects):
    """The ``results`` objects of a non-chunked answer; ``selects`` holds the statement ids of SELECTs.

    A SELECT series longer than DEFAULT_CHUNK_SIZE rows is marked ``"partial": true``, as
    InfluxDB 1.x leaves it (its emitter flags the first 10,000-row chunk of a longer series,
    and the handler appends the later chunks to that one).
    """
    out = []
    for result in results:
        body = result.to_dict()
        if result.statement_id in selects:
            for series in body.get("series", ()):
                if len(series.get("values", ())) > DEFAULT_CHUNK_SIZE:
                    series["partial"] = True
        out.append(body)
    return out


def json_chunks(results, chunk_size, *, pretty=False):
    """Yield the lines of a chunked response, one encoded result per emitted series chunk."""
    for result in results:
        body = result.to_dict()
        if not result.chunkable or not body.get("series"):
            yield encode_json({"results": [body]}, pretty=pretty)   # InfluxDB chunks SELECT rows only
            continue
        series = body.pop("series")
        pieces = []
        for s in series:
            values = s.get("values", [])
            for start in range(0, max(len(values), 1), chunk_size):
                piece = {k: v for k, v in s.items() if k != "values"}
                piece["values"] = values[start:start + chunk_size]
                if start + chunk_size < len(values):
                    piece["partial"] = True
                pieces.append(piece)
        for i, piece in enumerate(pieces):
            out = {"statement_id": body["statement_id"], "series": [piece]}
            if i == 0 and body.get("messages"):
                out["messages"] = body["messages"]
            if i < len(pieces) - 1:
                out["partial"] = True
            yield encode_json({"results": [out]}, pretty=pretty)


def encode_csv(results):
    """The CSV body of ``results`` (whose times must already be integers)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    first = True
    for result in results:
        if not result.series:
            continue
        if not first:
            buf.write("\n")
        first = False
        columns = None
        for s in result.series:
            if columns is not None and s.columns != columns:
                buf.write("\n")
                columns = None
            if columns is None:
                columns = list(s.columns)
                writer.writerow(["name", "tags"] + columns)
            tags = ",".join(f"{_escape_tag(k)}={_escape_tag(v)}" for k, v in sorted((s.tags or {}).items()))
            for row in s.values:
                writer.writerow([s.name, tags] + [_csv_value(v) for v in row])
    return buf.getvalue().encode("utf-8")


def _escape_tag(text):
    return str(text).replace(",", "\\,").replace("=", "\\=").replace(" ", "\\ ")


def _csv_value(value):
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float):
        if np.isinf(value):   # Go's strconv.FormatFloat(v, 'f', -1, 64)
            return "+Inf" if value > 0 else "-Inf"
        if np.isnan(value):   # a math NaN is InfluxDB's NullFloat: an empty cell
            return ""
        return np.format_float_positional(value, trim="-")
    return str(value)
