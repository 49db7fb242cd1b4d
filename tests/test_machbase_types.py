"""Machbase column types: the type table, lookup, value conversion and address text."""
import base64
import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from machstore.storage import fieldtypes
from machstore.machbase import types as T
from machstore.machbase.datetimes import Timezone, parse_datetime
from machstore.machbase.errors import MachbaseError

KST = Timezone.parse("+0900")


def code_of(fn, *args, **kwargs):
    with pytest.raises(MachbaseError) as info:
        fn(*args, **kwargs)
    return info.value.code, info.value.message


# name, REST code, /machbase length, /machiot length, storage type
TABLE = [
    ("short", 4, 2, 6, fieldtypes.INTEGER),
    ("ushort", 104, 2, 5, fieldtypes.UNSIGNED),
    ("integer", 8, 4, 11, fieldtypes.INTEGER),
    ("uinteger", 108, 4, 10, fieldtypes.UNSIGNED),
    ("long", 12, 8, 20, fieldtypes.INTEGER),
    ("ulong", 112, 8, 20, fieldtypes.UNSIGNED),
    ("float", 16, 4, 17, fieldtypes.FLOAT),
    ("double", 20, 8, 17, fieldtypes.FLOAT),
    ("varchar(20)", 5, 20, 20, fieldtypes.STRING),
    ("varchar(32767)", 5, 32767, 32767, fieldtypes.STRING),
    ("text", 49, 67108864, 67108864, fieldtypes.STRING),
    ("clob", 53, 67108864, 67108864, fieldtypes.STRING),
    ("binary", 57, 67108864, 67108864, T.BINARY_STORAGE),
    ("blob", 57, 67108864, 67108864, T.BINARY_STORAGE),
    ("binary(16)", 97, 16, 16, T.BINARY_STORAGE),
    ("datetime", 6, 8, 31, fieldtypes.INTEGER),
    ("ipv4", 32, 4, 15, fieldtypes.UNSIGNED),
    ("ipv6", 36, 16, 45, T.BINARY_STORAGE),
    ("json", 61, 32768, 32768, fieldtypes.STRING),
]


@pytest.mark.parametrize("name,code,length,display,storage", TABLE)
def test_type_table(name, code, length, display, storage):
    t = T.lookup(name)
    assert (t.code, t.length, t.display_length, t.storage) == (code, length, display, storage)
    assert t.column("C", machiot=False) == {"name": "C", "type": code, "length": length}
    assert t.column("C", machiot=True) == {"name": "C", "type": code, "length": display}


def test_binary_storage_is_fieldtypes_binary():
    assert T.BINARY_STORAGE == getattr(fieldtypes, "BINARY", 5) == 5


@pytest.mark.parametrize("text,canonical", [
    ("SHORT", "short"), ("int16", "short"), ("uint16", "ushort"), ("INT", "integer"),
    ("int32", "integer"), ("Integer", "integer"), ("uint", "uinteger"), ("uint32", "uinteger"),
    ("BIGINT", "long"), ("int64", "long"), ("uint64", "ulong"), ("float32", "float"),
    ("float64", "double"), ("  VarChar ( 20 ) ", "varchar"), ("Binary", "blob"),
    ("BINARY(8)", "binary"), ("DateTime", "datetime"), ("IPV4", "ipv4"), ("JSON", "json"),
])
def test_lookup_names_and_synonyms(text, canonical):
    assert T.lookup(text).name == canonical


def test_lookup_declared_lengths_and_sql():
    assert T.lookup("varchar(20)").declared == 20
    assert T.lookup("varchar(20)").sql() == "VARCHAR(20)"
    assert T.lookup("binary").sql() == "BINARY"
    assert T.lookup("binary(3)").sql() == "BINARY(3)"
    assert str(T.lookup("double")) == "DOUBLE"
    assert T.lookup(T.TYPES["short"]) is T.TYPES["short"]
    assert T.from_code(20) is T.TYPES["double"]
    assert T.from_code(5, 64).length == 64
    assert T.from_code(97, 4).name == "binary"


@pytest.mark.parametrize("text,code", [
    ("numeric", 2015), ("", 2015), ("varchar(", 2015), ("varchar", 2019),
    ("integer(4)", 2020), ("varchar(abc)", 2020), ("varchar(0)", 2077),
    ("varchar(32769)", 2077), ("binary(32768)", 2077), ("datetime(8)", 2020),
])
def test_lookup_errors(text, code):
    assert code_of(T.lookup, text)[0] == code


def test_lookup_error_messages():
    assert code_of(T.lookup, "numeric") == (2015, "Invalid column type: (numeric).")
    assert code_of(T.lookup, "varchar(40000)") == (
        2077, "Invalid VARCHAR size. VARCHAR type size cannot be more than 32768.")
    assert code_of(T.lookup, "varchar") == (
        2019, "Column size should be specified on a variable column type.")


def test_ranges_and_null_sentinels_match_the_docs():
    rows = {t.name: (t.min_value, t.max_value, t.null_value) for t in T.TYPES.values()}
    assert rows["short"] == (-32767, 32767, -32768)
    assert rows["ushort"] == (0, 65534, 65535)
    assert rows["integer"] == (-2147483647, 2147483647, -2147483648)
    assert rows["uinteger"] == (0, 4294967294, 4294967295)
    assert rows["long"] == (-9223372036854775807, 9223372036854775807, -9223372036854775808)
    assert rows["ulong"] == (0, 18446744073709551614, 18446744073709551615)
    assert rows["float"][2] == float(np.finfo(np.float32).max)
    assert rows["double"][2] == float(np.finfo(np.float64).max)


# -- integers ----------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["short", "ushort", "integer", "uinteger", "long", "ulong"])
def test_integer_bounds(name):
    t = T.lookup(name)
    assert T.convert_value(t, t.min_value) == t.min_value
    assert T.convert_value(t, t.max_value) == t.max_value
    assert T.convert_value(t, t.null_value) is None          # the sentinel is NULL
    beyond = t.max_value + 1 if t.null_value < 0 else t.max_value + 2
    assert code_of(T.convert_value, t, beyond) == (2055, "Invalid insert value.")
    below = t.min_value - (2 if t.null_value < 0 else 1)
    assert code_of(T.convert_value, t, below)[0] == 2055


@pytest.mark.parametrize("value,stored", [
    (12, 12), ("12", 12), (" -7 ", -7), ("+3", 3), (2.9, 2), (-2.9, -2), ("1e3", 1000),
    (np.int16(5), 5), (np.float32(4.0), 4), (None, None),
])
def test_integer_inputs(value, stored):
    assert T.convert_value("integer", value) == stored


@pytest.mark.parametrize("value,code", [
    ("abc", 2027), ("", 2027), ("nan", 2027), (float("inf"), 2055), (float("nan"), 2055),
    (True, 3103), (False, 3103), ({"a": 1}, 3103), ([1], 3103), (b"1", 2055),
])
def test_integer_bad_inputs(value, code):
    assert code_of(T.convert_value, "integer", value)[0] == code


def test_integer_error_messages():
    assert code_of(T.convert_value, "long", "x1") == (
        2027, "Error in table insert column integer conversion. "
              "Insert value conversion to integer error (x1).")
    assert code_of(T.convert_value, "long", True) == (3103, "not supported JSON type (5)")
    assert code_of(T.convert_value, "long", {}) == (3103, "not supported JSON type (0)")


def test_column_number_wraps_value_errors_in_2233():
    assert code_of(T.convert_value, "short", 99999, column=3) == (
        2233, "Error occurred at column (3): (Invalid insert value.)")
    assert code_of(T.convert_value, "ipv4", "1.2.3", column=1) == (
        2233, "Error occurred at column (1): (Invalid IPv4 address format (1.2.3).)")
    # A request-shape error (JSON true) is not a column value error.
    assert code_of(T.convert_value, "short", True, column=3)[0] == 3103


@given(st.integers(-32767, 32767))
def test_short_round_trip(v):
    assert T.convert_value("short", v) == v
    assert T.convert_value("short", str(v)) == v


# -- floats ------------------------------------------------------------------------------

def test_float_is_stored_as_float32_value():
    assert T.convert_value("float", 0.1) == float(np.float32(0.1))
    assert T.convert_value("float", 12345) == 12345.0
    assert T.convert_value("double", 0.1) == 0.1
    assert T.convert_value("double", "1234.5") == 1234.5


def test_float_null_sentinels_and_specials():
    assert T.convert_value("float", T.FLT_MAX) is None
    assert T.convert_value("double", T.DBL_MAX) is None
    assert T.convert_value("double", -T.DBL_MAX) == -T.DBL_MAX
    assert np.isnan(T.convert_value("double", float("nan")))
    assert T.convert_value("float", float("-inf")) == float("-inf")
    assert code_of(T.convert_value, "float", 1e39)[0] == 2055
    assert code_of(T.convert_value, "double", "x")[0] == 2028
    assert code_of(T.convert_value, "double", 10**400)[0] == 2055
    assert code_of(T.convert_value, "double", False)[0] == 3103


# -- strings, json, binary -----------------------------------------------------------------

def test_varchar_length_counts_utf8_bytes():
    assert T.convert_value("varchar(4)", "abcd") == "abcd"
    assert T.convert_value("varchar(4)", "ééé"[:2]) == "éé"
    assert code_of(T.convert_value, "varchar(4)", "ééé")[0] == 2055
    assert code_of(T.convert_value, "varchar(4)", "abcde")[0] == 2055
    assert T.convert_value("varchar(10)", 123) == "123"
    assert T.convert_value("text", "x" * 100000) == "x" * 100000
    assert code_of(T.convert_value, "varchar(4)", True)[0] == 3103


def test_json_column():
    assert T.convert_value("json", '{"a": [1, 2]}') == '{"a": [1, 2]}'
    assert T.convert_value("json", {"a": [1, 2]}) == '{"a":[1,2]}'
    assert code_of(T.convert_value, "json", "{bad") == (492, "Error in json load.")
    assert code_of(T.convert_value, "json", '"' + "x" * 40000 + '"')[0] == 2055


SEED_B64 = base64.b64encode(bytes(range(256))).decode()


def test_blob_from_base64_as_in_the_binary_append_sample():
    assert SEED_B64.startswith("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g")
    assert T.convert_value("binary", SEED_B64) == bytes(range(256))
    assert T.convert_value("blob", b"\x00\x01") == b"\x00\x01"
    assert T.convert_value("blob", "binary", binary_text="utf8") == b"binary"
    assert code_of(T.convert_value, "blob", "not base64!") == (3102, "Can't decode in base64")


def test_tag_binary_hex_padding_and_limits():
    assert T.convert_value("binary(4)", "0xABCD") == b"\xab\xcd\x00\x00"
    assert T.convert_value("binary(4)", "abc") == b"\x0a\xbc\x00\x00"     # odd: leading 0
    assert T.convert_value("binary(2)", b"\x01") == b"\x01\x00"
    assert code_of(T.convert_value, "binary(2)", "010203")[0] == 2055
    assert code_of(T.convert_value, "binary(2)", "zz")[0] == 2055
    assert T.convert_value("binary(4)", "AQID", binary_text="base64") == b"\x01\x02\x03\x00"


# -- datetime ------------------------------------------------------------------------------

def test_datetime_inputs():
    ns = parse_datetime("1999-01-01 00:00:01", tz=KST)
    assert T.convert_value("datetime", "1999-01-01 00:00:01", date_format="YYYY-MM-DD",
                           tz=KST) == ns                       # lenient, as REST append
    assert code_of(T.convert_value, "datetime", "1999-01-01 00:00:01",
                   date_format="YYYY-MM-DD", tz=KST, lenient=False)[0] == 300
    assert T.convert_value("datetime", ns) == ns
    assert T.convert_value("datetime", np.datetime64(ns, "ns")) == ns
    aware = dt.datetime(1998, 12, 31, 15, 0, 1, tzinfo=dt.timezone.utc)
    assert T.convert_value("datetime", aware) == ns
    assert T.convert_value("datetime", dt.datetime(1999, 1, 1, 0, 0, 1), tz=KST) == ns
    assert code_of(T.convert_value, "datetime", -1) == (
        2247, "DATETIME earlier than 1970-01-01 00:00:00 (UTC) is not valid.")
    assert code_of(T.convert_value, "datetime", 1.5)[0] == 2055
    assert code_of(T.convert_value, "datetime", "1969-12-31 23:59:59", tz="+0000")[0] == 2247


# -- addresses -----------------------------------------------------------------------------

def test_ipv4():
    assert T.convert_value("ipv4", "192.168.0.1") == 0xC0A80001
    assert T.convert_value("ipv4", "     192.168.0.2    ") == 0xC0A80002
    assert T.convert_value("ipv4", b"\x7f\x00\x00\x01") == 0x7F000001
    assert T.ipv4_text(0xC0A80001) == "192.168.0.1"
    assert code_of(T.convert_value, "ipv4", "192.168.0.1.1") == (
        2068, "Invalid IPv4 address format (192.168.0.1.1).")
    for bad in ("256.1.1.1", "1.2.3", "a.b.c.d", "", 2**32):
        assert code_of(T.convert_value, "ipv4", bad)[0] == 2068


@given(st.integers(0, 2**32 - 1))
def test_ipv4_round_trip(v):
    assert T.parse_ipv4(T.ipv4_text(v)) == v


# Machbase's TO_IPV6 examples (functions reference): input -> printed text.
@pytest.mark.parametrize("text,printed", [
    ("::0.0.0.0", "::"),
    ("::127.0.0.1", "::127.0.0.1"),
    ("   ::127.0.0.3", "::127.0.0.3"),
    ("::127.0.0.4  ", "::127.0.0.4"),
    ("   ::FFFF:255.255.255.255   ", "::ffff:255.255.255.255"),
    ("21DA:D3:0:2F3B:2AA:FF:FE28:9C5A", "21da:d3::2f3b:2aa:ff:fe28:9c5a"),
    ("::1", "::1"), ("fe80::1", "fe80::1"), ("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"),
    ("1:0:0:2:0:0:0:3", "1:0:0:2::3"),
])
def test_ipv6_canonical_text(text, printed):
    assert T.ipv6_text(T.convert_value("ipv6", text)) == printed


def test_ipv6_errors():
    assert code_of(T.convert_value, "ipv6", "127.0.0.10.10") == (
        2148, "Invalid IPv6 address format.(127.0.0.10.10)")
    assert code_of(T.convert_value, "ipv6", b"short")[0] == 2148


@given(st.binary(min_size=16, max_size=16))
def test_ipv6_round_trip(b):
    assert T.parse_ipv6(T.ipv6_text(b)) == b


@settings(max_examples=50)
@given(st.lists(st.sampled_from([0, 0, 0, 1, 0xFFFF, 0x7F00]), min_size=8, max_size=8))
def test_ipv6_round_trip_zero_runs(words):
    b = b"".join(w.to_bytes(2, "big") for w in words)
    assert T.parse_ipv6(T.ipv6_text(b)) == b


# -- whole columns (JSON append) --------------------------------------------------------------

def one_by_one(ty, values, **kw):
    out, errs = [], []
    for v in values:
        try:
            out.append(T.convert_value(ty, v, **kw))
            errs.append(None)
        except MachbaseError as ex:
            out.append(None)
            errs.append((ex.code, ex.message))
    return out, errs


def as_pairs(result):
    out, errs = result
    return out, [(e.code, e.message) if e is not None else None for e in errs]


def same_values(a, b):
    return len(a) == len(b) and all(
        x == y or (isinstance(x, float) and isinstance(y, float) and np.isnan(x) and np.isnan(y))
        for x, y in zip(a, b))


COLUMN_VALUES = {
    "short": st.one_of(st.integers(-40000, 40000), st.none()),
    "ulong": st.one_of(st.integers(-5, 2**64 + 5), st.none()),
    "long": st.one_of(st.integers(-(2**63) - 2, 2**63 + 2), st.sampled_from(["12", "x", True])),
    "float": st.one_of(st.floats(), st.integers(-10**40, 10**40), st.just(T.FLT_MAX)),
    "double": st.one_of(st.floats(), st.integers(-10**6, 10**6)),
    "datetime": st.one_of(st.sampled_from(["1999-01-01 00:00:01", "2001-09-09", "bad", "",
                                           "1969-12-31 23:00:00", "2020-02-30 00:00:00",
                                           "1999-11-11 1:2:3"]), st.none()),
    "varchar(4)": st.one_of(st.text(max_size=6), st.integers(0, 99999), st.none()),
}


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(COLUMN_VALUES)).flatmap(
    lambda ty: st.tuples(st.just(ty), st.lists(COLUMN_VALUES[ty], max_size=12))),
    st.sampled_from([None, 2]))
def test_convert_column_matches_convert_value(case, column):
    ty, values = case
    kw = dict(column=column, date_format="YYYY-MM-DD", tz=KST)
    got_out, got_err = as_pairs(T.convert_column(ty, values, **kw))
    want_out, want_err = one_by_one(ty, values, **kw)
    assert got_err == want_err
    assert same_values(got_out, want_out)


def test_convert_column_seed_append():
    names, errs = T.convert_column("varchar(20)", ["test", "test", "test"])
    assert names == ["test"] * 3 and errs == [None] * 3
    times, errs = T.convert_column("datetime", ["1999-01-01 00:00:01", "1999-01-01 00:00:02",
                                                "1999-01-01 00:00:03"],
                                   date_format="YYYY-MM-DD", tz=KST)
    assert errs == [None] * 3 and times[2] - times[0] == 2 * 10**9
    values, errs = T.convert_column("double", [1, 2, 3])
    assert values == [1.0, 2.0, 3.0]
    assert T.convert_column("short", []) == ([], [])
