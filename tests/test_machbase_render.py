"""Machbase REST bodies: every response example of the spec, field by field, and the
vectorised data renderer against its per-value twin."""
import base64
import json
import re

import numpy as np
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from machstore import errors as engine_errors
from machstore.machbase import render as R
from machstore.machbase.auth import parse_authorization
from machstore.machbase.datetimes import Timezone, parse_datetime, parse_machiot_time
from machstore.machbase.errors import error
from machstore.machbase.render import (ResultColumn, parse_fetch_mode, parse_scale,
                                       render_append, render_data, render_effect,
                                       render_error, render_ok, render_select)
from machstore.machbase.render_ref import render_data_ref
from machstore.machbase.types import convert_value, lookup

KST = Timezone.parse("+0900")


def same(ours, seed_text, *raw):
    """Check our body against a spec example: same JSON object, same key order, and each
    ``raw`` snippet (value texts such as ``"VALUE":0.000``) present verbatim."""
    got = json.loads(ours)
    want = json.loads(seed_text)
    assert got == want
    assert list(got) == list(want)
    compact = ours.decode()
    for snippet in raw:
        assert snippet in compact, snippet


def t(text):
    return parse_datetime(text, tz=KST)


# -- /machbase examples -------------------------------------------------------------------------

def test_ddl_and_dml_responses():
    seed = '{"error_code":0, "error_message" :"No Error", "data":[]}'
    same(render_ok(), seed)
    assert render_ok() == b'{"error_code":0,"error_message":"No Error","data":[]}'


def test_select_test_table():
    seed = ('{"error_code":0, "error_message": "", "columns" : [{"name":"NAME", "type":5, '
            '"length":20},{"name":"TIME", "type":6, "length":8},{"name":"VALUE", "type":20, '
            '"length":8}],"data" :[{"NAME":"test", "TIME":"1999-01-01 00:00:00 000:000:000", '
            '"VALUE":0.000}]}')
    # insert into test_table values ("test", "1999-01-01 00:00:00", 0)
    row = [convert_value(ty, v, tz=KST) for ty, v in
           (("varchar(20)", "test"), ("datetime", "1999-01-01 00:00:00"), ("double", 0))]
    cols = [ResultColumn(n, lookup(ty), [v]) for (n, ty), v in
            zip((("NAME", "varchar(20)"), ("TIME", "datetime"), ("VALUE", "double")), row)]
    body = render_select(cols, tz=KST, scale=parse_scale(None))
    same(body, seed, '"TIME":"1999-01-01 00:00:00 000:000:000"', '"VALUE":0.000')
    assert R.SELECT_MESSAGE == ""


def test_append_response_and_its_date_format():
    body = {"name": "test_table", "date_format": "YYYY-MM-DD",
            "values": [["test", "1999-01-01 00:00:01", 1], ["test", "1999-01-01 00:00:02", 2],
                       ["test", "1999-01-01 00:00:03", 3]]}
    types = [lookup("varchar(20)"), lookup("datetime"), lookup("double")]
    rows = [[convert_value(ty, v, column=i + 1, date_format=body["date_format"], tz=KST)
             for i, (ty, v) in enumerate(zip(types, r))] for r in body["values"]]
    assert [r[1] for r in rows] == [t(f"1999-01-01 00:00:0{i}") for i in (1, 2, 3)]
    seed = ('{"error_code":0, "error_message" :"No Error", "data":[], "append_success":3, '
            '"append_failure":0}')
    same(render_append(len(rows), 0), seed)


SEED_B64 = ("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0"
            "+P0BBQkNERUZHSElKS0xNTk9QUVJTVFVWV1hZWltcXV5fYGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6e3"
            "x9fn+AgYKDhIWGh4iJiouMjY6PkJGSk5SVlpeYmZqbnJ2en6ChoqOkpaanqKmqq6ytrq+wsbKztLW2t7i5u"
            "ru8vb6/wMHCw8TFxsfIycrLzM3Oz9DR0tPU1dbX2Nna29zd3t/g4eLj5OXm5+jp6uvs7e7v8PHy8/T19vf4"
            "+fr7/P3+/w==")


def test_binary_append_and_select():
    stored = convert_value("binary", SEED_B64)
    assert stored == bytes(range(256))
    assert stored.hex().upper().startswith("000102030405060708090A0B0C0D0E0F1011")
    same(render_append(1, 0), '{"error_code":0, "error_message" :"No Error", "data":[], '
                              '"append_success":1, "append_failure":0}')
    seed = ('{"error_code" :0, "error_message": "No Error", "columns" : [{"name":"V1", '
            '"type":57, "length":67108864}],"data" :[{"V1":"' + SEED_B64 + '"}]}')
    body = render_select([("V1", "binary", [stored])], message="No Error")
    same(body, seed, '"V1":"' + SEED_B64 + '"')


def test_auth_examples():
    assert base64.b64encode(b"sys@localhost:manager") == b"c3lzQGxvY2FsaG9zdDptYW5hZ2Vy"
    assert parse_authorization("Basic c3lzQGxvY2FsaG9zdDptYW5hZ2Vy") == ("SYS", "manager")
    with pytest.raises(Exception) as info:
        parse_authorization(None)
    same(render_error(info.value), '{"error_code":3118, "error_message" :"There is No '
                                   'Authorization Header.", "data":[]}')
    seed = ('{"error_code":0, "error_message": "No Error", "columns" : [{"name":"ID", '
            '"type":8, "length":4},{"name":"SESS_ID", "type":8, "length":4},{"name":"STATE", '
            '"type":5, "length":64},{"name":"RECORD_SIZE", "type":8, "length":4},{"name":'
            '"QUERY", "type":5, "length":32767}],"data" :[{"ID":0, "SESS_ID":52, "STATE":'
            '"Fetch prepared", "RECORD_SIZE":0, "QUERY":"select * from v$stmt"}]}')
    cols = [("ID", "integer", [0]), ("SESS_ID", "integer", [52]),
            ("STATE", "varchar(64)", ["Fetch prepared"]), ("RECORD_SIZE", "integer", [0]),
            ("QUERY", "varchar(32767)", ["select * from v$stmt"])]
    same(render_select(cols, message="No Error"), seed, '"SESS_ID":52')


def test_scale_option_s5():
    seed = ('{"error_code" :0, "error_message": "", "columns" : [{"name":"C1", "type":16, '
            '"length":4},{"name":"C2", "type":20, "length":8}],"data" :[{"C1":12345.00000, '
            '"C2":1234.01235}]}')
    cols = [("C1", "float", [convert_value("float", 12345)]),
            ("C2", "double", [convert_value("double", 1234.0123456)])]
    same(render_select(cols, scale=parse_scale("5")), seed, '"C1":12345.00000',
         '"C2":1234.01235')


TAG_COLUMNS = ('"columns" : [{"name":"NAME", "type":5, "length":20},{"name":"TIME", "type":6, '
               '"length":8},{"name":"VALUE", "type":20, "length":8}]')


def tag_rows():
    return [("NAME", "varchar(20)", ["tag1", "tag1"]),
            ("TIME", "datetime", [t("2001-09-09 10:46:40"), t("2001-09-09 10:46:41")]),
            ("VALUE", "double", np.array([1000000000.0, 1000000001.0]))]


def test_fetch_mode_0():
    seed = ('{"error_code" :0, "error_message": "", ' + TAG_COLUMNS + ',\n"data" :[{"NAME":'
            '"tag1", "TIME":"2001-09-09 10:46:40 000:000:000", "VALUE":1000000000.000}, {"NAME":'
            '"tag1", "TIME":"2001-09-09 10:46:41 000:000:000", "VALUE":1000000001.000}]}')
    same(render_select(tag_rows(), fetch_mode=parse_fetch_mode("0"), tz=KST), seed,
         '"VALUE":1000000000.000', '"TIME":"2001-09-09 10:46:41 000:000:000"')


def test_fetch_mode_1():
    seed = ('{"error_code" :0, "error_message": "", ' + TAG_COLUMNS + ',\n"data" :[["tag1", '
            '"2001-09-09 10:46:40 000:000:000", 1000000000.000], ["tag1", "2001-09-09 10:46:41 '
            '000:000:000", 1000000001.000]]}')
    same(render_select(tag_rows(), fetch_mode=parse_fetch_mode("1"), tz=KST), seed,
         '["tag1","2001-09-09 10:46:40 000:000:000",1000000000.000]')


def test_null_values():
    seed = ('[{"C1":null, "C2":null, "C3":null, "C4":null, "C5":null, "C6":null, "C7":null, '
            '"C8":null, "C9":null, "C10":null, "C11":null, "C12":null}]')
    types = ["short", "integer", "long", "float", "double", "varchar(10)", "datetime", "ipv4",
             "ipv6", "text", "binary", "json"]
    assert [convert_value(ty, None) for ty in types] == [None] * 12
    cols = [(f"C{i}", ty, [None]) for i, ty in enumerate(types, 1)]
    data = render_data(cols)
    assert json.loads(data) == json.loads(seed)
    # ... and with a NULL mask over real values instead of None items.
    cols = [(f"C{i}", ty, [v], [True]) for i, (ty, v) in enumerate(
        zip(types, [1, 2, 3, 4.0, 5.0, "x", 0, 1, bytes(16), "y", b"z", "{}"]), 1)]
    assert json.loads(render_data(cols)) == json.loads(seed)


def test_error_examples():
    same(render_error(error(3118)),
         '{"error_code":3118, "error_message" :"There is No Authorization Header.", "data":[]}')
    same(render_error(error(2324), machiot=True, tz=KST),
         '{"error_code":2324, "error_message" :"Cannot delete tagmeta. there exist data with '
         'deleted_tag key.", "timezone":"+0900", "data":[]}')


# -- /machiot examples ----------------------------------------------------------------------------

def machiot_tag_columns(name_len=20):
    return [{"name": "NAME", "type": 5, "length": name_len},
            {"name": "TIME", "type": 6, "length": 31},
            {"name": "VALUE", "type": 20, "length": 17}]


def test_machiot_raw_append_response():
    seed = ('{"error_code":0, "error_message" :"No Error", "timezone":"+0900", "data":[], '
            '"append_success":3, "append_failure":0}')
    values = [["tag1", "1999-01-01 00:00:00", 0], ["tag1", "1999-01-01 00:00:01", 1],
              ["tag1", "1999-01-01 00:00:02", 2]]
    stored = [convert_value("datetime", v[1], date_format="YYYY-MM-DD HH24:MI:SS", tz=KST)
              for v in values]
    assert stored[1] - stored[0] == 10**9
    same(render_append(3, 0, machiot=True, tz=KST), seed)


def test_machiot_raw_select():
    # GET /machiot/v1/datapoints/raw/tag/tag-1/2001-09-09T00:00:00,000/2001-09-09T01:20:00,000/0/5/0
    start = parse_machiot_time("2001-09-09T00:00:00,000", tz=KST)
    end = parse_machiot_time("2001-09-09T01:20:00,000", tz=KST)
    times = [t(f"2001-09-09 01:{m:02d}:{s:02d}") for m, s in
             ((0, 1), (1, 41), (3, 21), (5, 1), (6, 41))]
    assert all(start <= x <= end for x in times)
    cols = [("NAME", "varchar(20)", ["tag-1"] * 5), ("TIME", "datetime", times),
            ("VALUE", "double", [8001.0, 8101.0, 8201.0, 8301.0, 8401.0])]
    body = render_select(cols, machiot=True, tz=KST, scale=parse_scale(None, default=None))
    want = {"error_code": 0, "error_message": "", "columns": machiot_tag_columns(),
            "timezone": "+0900",
            "data": [{"NAME": "tag-1", "TIME": "2001-09-09 01:%s 000:000:000" % ms,
                      "VALUE": v} for ms, v in
                     (("00:01", 8001), ("01:41", 8101), ("03:21", 8201), ("05:01", 8301),
                      ("06:41", 8401))]}
    assert json.loads(body) == want                      # 8001.0 == 8001 (see docs)
    assert list(json.loads(body)) == list(want)
    assert b'"VALUE":8001.0' in body


def test_machiot_calculated_select():
    cols = [("time", "datetime", [t("2001-09-09 01:00:00"), t("2001-09-09 01:05:00")]),
            ("sum", "double", [24303.0, 25203.0]), ("min", "double", [8001.0, 8301.0]),
            ("max", "double", [8201.0, 8501.0])]
    body = json.loads(render_select(cols, machiot=True, tz=KST, scale=None))
    assert body["columns"] == [{"name": "time", "type": 6, "length": 31}] + [
        {"name": n, "type": 20, "length": 17} for n in ("sum", "min", "max")]
    assert body["data"][0] == {"time": "2001-09-09 01:00:00 000:000:000", "sum": 24303,
                               "min": 8001, "max": 8201}


def test_machiot_tag_list_insert_and_select():
    seed = ('{"error_code": 0, "error_message": "No Error", "timezone": "+0900", "data": [], '
            '"append_success": 3, "append_failure": 1}')
    same(render_append(3, 1, machiot=True, tz=KST), seed)
    # metadata (myshortmeta short, baseip ipv4) from the insert sample
    assert convert_value("short", 0) == 0
    assert convert_value("ipv4", "127.0.0.2") == 0x7F000002
    names = ["tag0", "tag1", "tag3", "tag4", "tag5"]
    body = render_select([("name_multi", "varchar(20)", names)], machiot=True, tz=KST)
    same(body, json.dumps({"error_code": 0, "error_message": "", "columns": [
        {"name": "name_multi", "type": 5, "length": 20}], "timezone": "+0900",
        "data": [{"name_multi": n} for n in names]}))


def test_machiot_update_and_delete_responses():
    seed = ('{ "error_code":0, "error_message" :"No Error", "timezone":"+0900", '
            '"effect_rows":"1", "data":[] }')
    same(render_effect(1, tz=KST), seed, '"effect_rows":"1"')
    same(render_effect(1201, tz=KST),
         '{"error_code": 0, "error_message": "No Error", "timezone": "+0900", '
         '"effect_rows": "1201", "data": []}')
    same(render_ok(machiot=True, tz=KST),
         '{"error_code": 0, "error_message": "No Error", "timezone": "+0900", "data": []}')


def test_machiot_range_min_max_first_last_count_disksize():
    body = render_select([("name", "varchar(3)", ["ALL"]),
                          ("min", "datetime", [t("2001-09-09 01:00:00")]),
                          ("max", "datetime", [t("2032-09-09 10:46:49")])], machiot=True, tz=KST)
    same(body, json.dumps({"error_code": 0, "error_message": "", "columns": [
        {"name": "name", "type": 5, "length": 3}, {"name": "min", "type": 6, "length": 31},
        {"name": "max", "type": 6, "length": 31}], "timezone": "+0900", "data": [
        {"name": "ALL", "min": "2001-09-09 01:00:00 000:000:000",
         "max": "2032-09-09 10:46:49 000:000:000"}]}))
    body = render_select([("min", "double", [0.0])], machiot=True, tz=KST, scale=None)
    same(body, '{"error_code": 0, "error_message": "", "columns": [{"name": "min", "type": 20, '
               '"length": 17}], "timezone": "+0900", "data": [{"min": 0.0}]}', '"min":0.0')
    body = render_select([("max", "double", [10000000000.0])], machiot=True, tz=KST, scale=None)
    assert b'"max":10000000000.0' in body
    body = render_select([("name", "varchar(100)", ["tag-1"]),
                          ("time", "datetime", [t("2001-09-09 10:46:42")]),
                          ("min", "double", [10001.0])], machiot=True, tz=KST, scale=None)
    assert json.loads(body)["columns"][0] == {"name": "name", "type": 5, "length": 100}
    assert b'"min":10001.0' in body
    body = render_select([("NAME", "varchar(20)", ["tag-0"]),
                          ("TIME", "datetime", [t("2001-09-09 01:00:00")]),
                          ("VALUE", "double", [8000.0])], machiot=True, tz=KST, scale=None)
    assert b'"VALUE":8000.0' in body and b'"TIME":"2001-09-09 01:00:00 000:000:000"' in body
    for name, value in (("count", 1000001), ("disksize", 276904448)):
        body = render_select([(name, "long", [value])], machiot=True, tz=KST)
        same(body, json.dumps({"error_code": 0, "error_message": "", "columns": [
            {"name": name, "type": 12, "length": 20}], "timezone": "+0900",
            "data": [{name: value}]}), f'"{name}":{value}')


# -- options ----------------------------------------------------------------------------------

@pytest.mark.parametrize("raw,scale", [
    (None, 3), ("0", 0), ("5", 5), ("9", 9), (7, 7), ("10", 3), ("12", 3), ("-1", 3),
    ("abc", 3), ("", 3), (" 4 ", 4), ("2.5", 3),
])
def test_parse_scale(raw, scale):
    assert parse_scale(raw) == scale


def test_parse_scale_default_none_for_machiot():
    assert parse_scale(None, default=None) is None
    assert parse_scale("12", default=None) == 3          # Scale=12 in the spec: out of range


@pytest.mark.parametrize("raw,mode", [(None, 0), ("0", 0), ("1", 1), (1, 1), ("2", 0),
                                      ("x", 0)])
def test_parse_fetch_mode(raw, mode):
    assert parse_fetch_mode(raw) == mode


def test_date_format_option():
    cols = [("T", "datetime", [t("2001-09-09 10:46:40")])]
    assert render_data(cols, fetch_mode=1, date_format="YYYY/MM/DD", tz=KST) == \
        b'[["2001/09/09"]]'
    assert render_data(cols, fetch_mode=1, date_format='YYYY"MM\\DD', tz=KST) == \
        b'[["2001\\"09\\\\09"]]'
    assert render_data(cols, fetch_mode=1, date_format="HH24:MI", tz="+0000") == \
        b'[["01:46"]]'


# -- values ---------------------------------------------------------------------------------

FLOAT_CASES = [0.0, -0.0, 0.0005, 0.0015, 2.675, 1.005, 0.125, 9.995, -3.5, 2.5, 1e15 + 0.5,
               2.0**53, 2.0**53 + 2, 1e300, -1e-300, 5e-324, 123456789.987654321, 0.1 + 0.2,
               float(np.float32(0.1)), 4.35, 8.345, 1.0000000000000002]


@pytest.mark.parametrize("scale", range(10))
def test_float_text_matches_printf(scale):
    body = render_data([("F", "double", FLOAT_CASES)], fetch_mode=1, scale=scale)
    assert body == b"[" + b",".join(b"[%s]" % (b"%.*f" % (scale, v)) for v in FLOAT_CASES) + b"]"


def test_special_floats_are_null():
    body = render_data([("F", "double", [float("nan"), float("inf"), -float("inf"), 1.0])],
                       fetch_mode=1, scale=2)
    assert body == b"[[null],[null],[null],[1.00]]"
    assert render_data([("F", "double", [float("nan"), 1.5])], fetch_mode=1, scale=None) == \
        b"[[null],[1.5]]"


def test_integers_and_addresses():
    body = render_data([("S", "short", np.array([-32767, 0, 32767], dtype=np.int16)),
                        ("L", "long", [-(2**63), 2**63 - 1, 7]),
                        ("U", "ulong", np.array([0, 2**64 - 1, 10], dtype=np.uint64)),
                        ("I4", "ipv4", [0xC0A80001, 0, 0xFFFFFFFF]),
                        ("I6", "ipv6", [convert_value("ipv6", "::127.0.0.1"), bytes(16),
                                        convert_value("ipv6", "fe80::1")])], fetch_mode=1)
    assert json.loads(body) == [
        [-32767, -(2**63), 0, "192.168.0.1", "::127.0.0.1"],
        [0, 2**63 - 1, 2**64 - 1, "0.0.0.0", "::"],
        [32767, 7, 10, "255.255.255.255", "fe80::1"]]


def test_strings_are_escaped():
    vals = ['say "hi"', "back\\slash", "line\nbreak\t", "유니코드 ✓", "", "nul\0dropped", None,
            "\x01\x1f"]
    body = render_data([("S", "varchar(40)", vals)], fetch_mode=1)
    assert json.loads(body) == [[v.replace("\0", "") if v is not None else None] for v in vals]
    assert body == render_data_ref([("S", "varchar(40)", vals)], fetch_mode=1)


def test_strings_ending_in_quote_comma():
    # '","' appears in encoded text when a value ends with '",' - not an item boundary.
    vals = ['a",', '",', 'x","y', '\\",', "plain", '"', ","]
    for mode in (0, 1):
        assert render_data([("S", "text", vals)], fetch_mode=mode) == \
            render_data_ref([("S", "text", vals)], fetch_mode=mode)
    assert R._json_strings(vals) == [orjson.dumps(v) for v in vals]
    assert R._json_strings([]) == []


def test_json_column_is_a_string():
    assert render_data([("J", "json", ['{"a":1}'])]) == b'[{"J":"{\\"a\\":1}"}]'


def test_empty_results():
    body = render_select([("A", "integer", [])])
    assert json.loads(body) == {"error_code": 0, "error_message": "",
                                "columns": [{"name": "A", "type": 8, "length": 4}], "data": []}
    assert render_data([]) == b"[]"
    with pytest.raises(ValueError):
        render_data([("A", "integer", [1]), ("B", "integer", [1, 2])])


def test_render_error_translates_other_exceptions():
    body = json.loads(render_error(ValueError("boom")))
    assert body == {"error_code": 2285, "error_message": "Internal error: boom.", "data": []}
    body = json.loads(render_error(engine_errors.ParseError("bad", token="FROM")))
    assert body["error_code"] == 2010
    assert body["error_message"] == "Syntax error: near token (FROM)."


# -- vectorised renderer vs the per-value twin ----------------------------------------------------

TYPES = ["short", "ushort", "integer", "uinteger", "long", "ulong", "float", "double",
         "varchar(64)", "text", "json", "binary", "binary(8)", "datetime", "ipv4", "ipv6"]
TRICKY_FLOATS = st.sampled_from(FLOAT_CASES + [float("nan"), float("inf"), 1e17, 1e22])


def values_for(ty):
    mt = lookup(ty)
    if mt.is_integer:
        v = st.integers(mt.min_value, mt.max_value)
    elif mt.is_float:
        v = st.one_of(st.floats(width=32 if ty == "float" else 64), TRICKY_FLOATS,
                      st.integers(-10**6, 10**6).map(lambda k: k / 1000))
    elif ty == "datetime":
        v = st.integers(0, 2**63 - 1)
    elif ty == "ipv4":
        v = st.integers(0, 2**32 - 1)
    elif ty == "ipv6":
        v = st.binary(min_size=16, max_size=16)
    elif mt.is_binary:
        v = st.binary(max_size=8)
    else:
        v = st.one_of(st.text(max_size=12), st.text(alphabet='a",\\\n\x01\x00é ', max_size=8))
    return st.one_of(st.none(), v)


@st.composite
def results(draw):
    n = draw(st.integers(0, 12))
    cols = []
    for i in range(draw(st.integers(1, 4))):
        ty = draw(st.sampled_from(TYPES))
        vals = draw(st.lists(values_for(ty), min_size=n, max_size=n))
        nulls = draw(st.one_of(st.none(), st.lists(st.booleans(), min_size=n, max_size=n)))
        mt = lookup(ty)
        if (mt.is_integer or mt.is_float or ty in ("datetime", "ipv4")) and \
                None not in vals and draw(st.booleans()):
            dtype = {"float": np.float64, "double": np.float64}.get(
                ty, np.uint64 if ty.startswith("u") or ty == "ipv4" else np.int64)
            vals = np.array(vals, dtype=dtype)
        cols.append((f"c{i}", ty, vals, nulls))
    return cols


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(results(), st.sampled_from([None, 0, 1, 2, 3, 5, 9]), st.sampled_from([0, 1]),
       st.sampled_from([None, "YYYY-MM-DD", "HH12:MI AM", 'YYYY"MM']),
       st.integers(-12 * 60, 14 * 60))
def test_vectorised_matches_reference(cols, scale, mode, fmt, minutes):
    tz = Timezone.fixed(minutes * 60)
    got = render_data(cols, fetch_mode=mode, scale=scale, date_format=fmt, tz=tz)
    want = render_data_ref(cols, fetch_mode=mode, scale=scale, date_format=fmt, tz=tz)
    assert got == want
    orjson.loads(got)


def test_small_chunks_and_wide_rows_match_reference(monkeypatch):
    rng = np.random.default_rng(3)
    n = 50
    cols = [("N", "varchar(64)", [f"tag-{i % 7}" if i % 11 else None for i in range(n)]),
            ("T", "datetime", rng.integers(0, 2**62, n)),
            ("V", "double", rng.normal(0, 1e6, n)),
            ("I", "integer", rng.integers(-2**31 + 1, 2**31 - 1, n)),
            ("B", "binary", [bytes([i]) * i for i in range(n)])]
    want = render_data_ref(cols, tz=KST)
    monkeypatch.setattr(R, "_CHUNK_ROWS", 7)
    assert render_data(cols, tz=KST) == want
    monkeypatch.setattr(R, "_CHUNK_BYTES", 64)              # every chunk row by row
    assert render_data(cols, tz=KST) == want
    assert render_data(cols, tz=KST, scale=None) == render_data_ref(cols, tz=KST, scale=None)


def test_large_result_is_valid_and_exact():
    n = 100_000
    rng = np.random.default_rng(7)
    names = np.array([f"tag-{i}" for i in range(50)], dtype=object)[rng.integers(0, 50, n)]
    times = np.sort(rng.integers(10**18, 10**18 + 10**16, n))
    vals = rng.normal(0, 1e4, n)
    body = render_select([("NAME", "varchar(20)", names), ("TIME", "datetime", times),
                          ("VALUE", "double", vals)], fetch_mode=1, tz=KST)
    data = orjson.loads(body)["data"]
    assert len(data) == n
    picks = rng.integers(0, n, 50)
    for i in picks:
        assert data[i][0] == names[i]
        assert data[i][2] == float("%.3f" % vals[i])
    text = body.decode()
    assert len(re.findall(r",-?\d+\.\d{3}\]", text)) == n
