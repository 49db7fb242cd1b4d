"""A SELECT's columnar rows (``resultrows.ColumnRows``) read, format and encode as its plain rows would.

The rows a client sees must not depend on which way they were written: from the columns by the
JSON kernel, or as the list of lists that INTO, subqueries, CSV and chunked answers read.
"""
import datetime as dt
import json
import math

import numpy as np
import orjson
import pytest

from machstore.influxql import timetext
from machstore.influxql.evaluate import Vec
from machstore.influxql.resultrows import ColumnRows, ColumnSet, format_times

T = np.array([1451606400 * 10**9, 1451606400 * 10**9 + 1500, -10**9 - 7, 1451606410 * 10**9], dtype=np.int64)


def make():
    tags = np.array(["a", "b<&>", None, "é"], dtype=object)
    return ColumnRows(T.copy(), [Vec(np.array([1, -2, 3, 4]), np.array([True, False, True, True])),
                                 Vec(np.array([0.5, 100.0, np.nan, 1e-7])),
                                 Vec(tags, np.array([True, True, False, True])),
                                 Vec(np.array([True, False, True, False]))])


WANT = [[T[0], 1, 0.5, "a", True], [T[1], None, 100.0, "b<&>", False], [T[2], 3, None, None, True],
        [T[3], 4, 1e-7, "é", False]]


def plain(rows):
    return [[None if isinstance(v, float) and math.isnan(v) else v for v in row] for row in rows]


def test_rows_are_lists_of_the_column_values():
    rows = make()
    assert len(rows) == 4
    assert plain(rows) == [[int(r[0])] + r[1:] for r in WANT]
    assert rows[1][3] == "b<&>" and rows == rows.rows()


@pytest.mark.parametrize("unit, tz", [(None, None), (1000, None), (3600 * 10**9, None),
                                      (None, dt.timezone(dt.timedelta(hours=5, minutes=30)))])
def test_formatted_times_and_json_equal_the_row_by_row_way(unit, tz):
    rows, other = make(), make()
    format_times([rows], unit, tz)
    texts = timetext.epoch_values(T, unit) if unit else [timetext.rfc3339(t, tz) for t in T.tolist()]
    assert [r[0] for r in plain(rows)] == texts
    # the kernel's JSON reads back as the rows do
    assert json.loads(rows.json(orjson.dumps)) == json.loads(orjson.dumps(plain(rows)))
    # rows already handed out as lists are formatted in place
    other.rows()
    format_times([other], unit, tz)
    assert plain(other) == plain(rows)
    assert json.loads(other.json(orjson.dumps)) == json.loads(orjson.dumps(plain(rows)))


def test_changes_to_the_handed_out_rows_are_kept():
    rows = make()
    rows[0][1] = 99
    assert json.loads(rows.json(orjson.dumps))[0][1] == 99


def test_several_series_share_the_distinct_time_texts():
    a, b = make(), ColumnRows(T[:2], [Vec(np.array([7, 8]))])
    format_times([a, b])
    assert [r[0] for r in b] == [r[0] for r in a][:2] == ["2016-01-01T00:00:00Z", "2016-01-01T00:00:00.0000015Z"]


def test_series_sharing_one_table_take_their_rows_by_position():
    full = make()
    shared = ColumnSet(full._columns)
    picks = np.array([3, 0, 0])
    rows = ColumnRows(T[picks], shared, picks)
    other = ColumnRows(T[1:2], shared, np.array([1]))
    format_times([rows, other], 10**9)
    assert plain(rows) == [[T[i] // 10**9] + plain(full)[i][1:] for i in picks.tolist()]
    assert json.loads(rows.json(orjson.dumps)) == json.loads(orjson.dumps(plain(rows)))
    assert json.loads(other.json(orjson.dumps)) == json.loads(orjson.dumps(plain(other)))
