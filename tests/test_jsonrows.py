"""The JSON row kernel (``machstore._ext_jsonrows``) writes exactly its reference twin's bytes.

Random columns of every kind, with and without nulls, strings that need every escape, floats
at the edges of Go's positional range, integer extremes; and the text of each value reads back
(``json.loads``) as the value itself.
"""
import json
import math
import struct

import numpy as np
import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import machstore._ext_jsonrows as kernel
from machstore.influxql import jsonrows, jsonrows_ref
from machstore.influxql.jsonrows_ref import BOOL, FLOAT, INT, OBJECT, TEXT, UINT


def both(columns):
    want = jsonrows_ref.render_rows(columns, orjson.dumps)
    got = jsonrows.render_rows(columns, orjson.dumps)
    assert got == want
    return got


def test_compiled_module_is_loaded():
    assert kernel.__file__.endswith(".so")
    assert jsonrows._kernel is kernel
    assert kernel.KINDS == (INT, UINT, FLOAT, BOOL, OBJECT, TEXT)


@pytest.mark.parametrize("x, text", [
    (100.0, "100"), (-0.0, "-0"), (0.0, "0"), (1.5, "1.5"), (0.000001, "0.000001"), (1e-7, "1e-7"),
    (1.5e-7, "1.5e-7"), (1e-10, "1e-10"), (1e20, "100000000000000000000"), (1e21, "1e+21"),
    (123456789.125, "123456789.125"), (5e-324, "5e-324"), (1.7976931348623157e308, "1.7976931348623157e+308"),
    (0.1, "0.1"), (-2.5e-5, "-0.000025"), (1234567890123456789.0, "1234567890123456800"),
    (float("nan"), "null"), (float("inf"), "null"), (-float("inf"), "null"),
])
def test_floats_are_written_as_go_writes_them(x, text):
    """Go's encoding/json: shortest digits, positional for 1e-6 <= |x| < 1e21, ``e-7`` not ``e-07``."""
    assert jsonrows_ref.go_float(x).decode() == text
    assert both([(FLOAT, np.array([x]), None)]) == f"[[{text}]]".encode()


def test_strings_are_escaped_as_the_server_escapes_them():
    text = 'a"b\\c\b\t\n\f\r\x00\x1f\x7f<>&é☃\u2028😀'
    col = np.empty(1, dtype=object)
    col[0] = text
    out = both([(OBJECT, col, None)])
    assert out == ('[["a\\"b\\\\c\\b\\t\\n\\f\\r\\u0000\\u001f\x7f\\u003c\\u003e\\u0026é☃\u2028😀"]]').encode()
    assert json.loads(out) == [[text]]
    # what the server's encoder (orjson, then Go's HTML escapes) writes for the same string
    server = orjson.dumps(text).replace(b"<", b"\\u003c").replace(b">", b"\\u003e").replace(b"&", b"\\u0026")
    assert out == b"[[" + server + b"]]"


def test_object_cells_other_than_strings_go_through_the_fallback():
    col = np.empty(5, dtype=object)
    col[:] = ["x", None, 3, 2.5, True]
    assert both([(OBJECT, col, None)]) == b'[["x"],[null],[3],[2.5],[true]]'
    assert both([(OBJECT, col, np.array([False, True, True, True, False]))]) == b'[[null],[null],[3],[2.5],[null]]'


def test_text_columns_are_copied_by_index():
    texts = [b'"2016-01-01T00:00:00Z"', b'"2016-01-01T00:00:10Z"']
    out = both([(TEXT, texts, np.array([1, 0, 1])), (INT, np.array([1, -2, 3]), np.array([True, False, True]))])
    assert out == b'[["2016-01-01T00:00:10Z",1],["2016-01-01T00:00:00Z",null],["2016-01-01T00:00:10Z",3]]'


def test_prepared_columns_refuse_bad_selections():
    prepared = jsonrows.Columns([(INT, np.array([1, 2]), None)], orjson.dumps)
    assert prepared.render(rows=np.array([1, 1, 0])) == b"[[2],[2],[1]]"
    assert prepared.render((OBJECT, np.array(["a"], dtype=object), None), np.array([1])) == b'[["a",2]]'
    for first, rows in [(None, np.array([2])), (None, np.array([-1])), ((INT, np.array([1, 2]), None), np.array([0]))]:
        with pytest.raises(ValueError):
            prepared.render(first, rows)
    assert jsonrows.Columns([], orjson.dumps).render((INT, np.array([5]), None)) == b"[[5]]"


def test_empty_and_bad_input():
    assert both([(INT, np.array([], dtype=np.int64), None)]) == b"[]"
    for bad in ([], [(INT, np.array([1, 2]), None), (FLOAT, np.array([1.0]), None)],
                [(INT, np.array([1, 2]), np.array([True]))], [(9, np.array([1]), None)],
                [(TEXT, [b"x"], np.array([1]))], [(TEXT, ["x"], np.array([0]))]):
        with pytest.raises(ValueError):
            jsonrows.render_rows(bad, orjson.dumps)
        with pytest.raises(ValueError):
            jsonrows_ref.render_rows(bad, orjson.dumps)


def test_extremes_and_dtypes_read_back():
    ints = np.array([-2**63, -1, 0, 2**63 - 1])
    uints = np.array([0, 1, 2**64 - 1], dtype=np.uint64)
    assert json.loads(both([(INT, ints, None)])) == [[v] for v in ints.tolist()]
    assert json.loads(both([(UINT, uints, None)])) == [[v] for v in uints.tolist()]
    assert both([(BOOL, np.array([True, False]), None)]) == b"[[true],[false]]"
    assert jsonrows.column_of(np.array([1, 2], dtype=np.int32))[1].dtype == np.int64
    assert jsonrows.column_of(np.array(["a"], dtype=object))[0] == OBJECT


STRINGS = st.text(alphabet=st.characters(codec="utf-8"), max_size=12)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_property_kernel_equals_reference(data):
    n = data.draw(st.integers(0, 40))
    masks = st.none() | hnp.arrays(np.bool_, n)
    bits = data.draw(hnp.arrays(np.uint64, n))
    floats = bits.view(np.float64)                     # every bit pattern: subnormals, NaNs, ...
    nice = data.draw(hnp.arrays(np.float64, n, elements=st.floats(allow_nan=False, allow_infinity=False)))
    objs = np.empty(n, dtype=object)
    objs[:] = data.draw(st.lists(st.none() | STRINGS | st.integers(-2**63, 2**63 - 1) | st.booleans(),
                                 min_size=n, max_size=n))
    texts = [orjson.dumps(t) for t in data.draw(st.lists(STRINGS, min_size=1, max_size=4))]
    columns = [
        (INT, data.draw(hnp.arrays(np.int64, n)), data.draw(masks)),
        (UINT, data.draw(hnp.arrays(np.uint64, n)), data.draw(masks)),
        (FLOAT, floats, data.draw(masks)),
        (FLOAT, nice, None),
        (BOOL, data.draw(hnp.arrays(np.bool_, n)), data.draw(masks)),
        (OBJECT, objs, data.draw(masks)),
        (TEXT, texts, np.array(data.draw(st.lists(st.integers(0, len(texts) - 1), min_size=n, max_size=n)),
                               dtype=np.int64)),
    ]
    out = both(columns)
    # rows picked by position, after a first column of their own, from columns laid out once
    picks = np.array(data.draw(st.lists(st.integers(0, max(n - 1, 0)), max_size=2 * n if n else 0)), dtype=np.int64)
    first = (INT, np.arange(len(picks), dtype=np.int64), None)
    prepared = jsonrows.Columns(columns, orjson.dumps)
    assert prepared.render(first, picks) == jsonrows_ref.render_selected(columns, orjson.dumps, first, picks)
    assert prepared.render() == out
    rows = json.loads(out)
    assert len(rows) == n
    for i, row in enumerate(rows):
        assert row[3] == nice[i]          # (-0.0 is written "-0", which JSON readers take for 0)
        if not (math.isnan(floats[i]) or math.isinf(floats[i])) and (columns[2][2] is None or columns[2][2][i]):
            assert struct.pack("<d", float(row[2])) == struct.pack("<d", floats[i]) or floats[i] == 0
