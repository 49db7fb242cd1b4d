"""``SELECT ... INTO``: write a query's rows back as points, as InfluxDB's ``writeInto`` does.

Each output row becomes one point: the measurement is the target's name (or, for
``:MEASUREMENT``, the row's own), the tags are the row's series tags (its GROUP BY tags), the
fields are the other columns; null values are left out and a row with no value is not written.
A column that was a tag in the query (``SELECT usage_user, host INTO ...``) becomes a field.
The points go through the engine's ordinary write path (durable when it returns) into the
target's database, which must exist (``database not found: <db>``), and retention policy.
"""
from machstore import errors, lineproto

__all__ = ["rows_to_lines", "write_into"]


def _key(text, specials):
    return lineproto.escape(text.encode("utf-8"), specials)


def _value(v):
    if isinstance(v, bool):
        return b"true" if v else b"false"
    if isinstance(v, int):
        return str(v).encode() + b"i"
    if isinstance(v, float):
        return repr(v).encode()
    text = str(v).replace("\\", "\\\\").replace('"', '\\"')
    return b'"' + text.encode("utf-8") + b'"'


def rows_to_lines(series, target_name):
    """Line protocol of ``series`` (OutSeries with int-ns times); returns ``(bytes, points)``."""
    out, points = [], 0
    for s in series:
        name = _key(target_name or s.name, lineproto.MEAS_SPECIALS)
        tags = b"".join(b"," + _key(k, lineproto.TAG_SPECIALS) + b"=" + _key(str(v), lineproto.TAG_SPECIALS)
                        for k, v in sorted((s.tags or {}).items()) if v != "")
        columns = [_key(c, lineproto.FIELD_KEY_SPECIALS) for c in s.columns[1:]]
        for row in s.values:
            fields = b",".join(c + b"=" + _value(v) for c, v in zip(columns, row[1:]) if v is not None)
            if fields:
                out.append(name + tags + b" " + fields + b" " + str(int(row[0])).encode())
                points += 1
    return b"\n".join(out), points


def write_into(engine, series, target, database, retention_policy):
    """Write ``series`` to ``target`` (an ast.Target); return the number of points written."""
    db = target.measurement.database or database
    rp = target.measurement.retention_policy or retention_policy or None
    if not engine.database_exists(db):
        raise errors.DatabaseNotFound(f'database not found: "{db}"')
    data, points = rows_to_lines(series, target.measurement.name)
    if points:
        engine.write_lines(db, data, rp=rp, precision="ns", create_database=False)
    return points
