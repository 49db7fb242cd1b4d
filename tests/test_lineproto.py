"""Line-protocol parser: behaviour and error texts pinned from InfluxDB 1.x (models/points_test.go).

Every case runs against the compiled kernel and its pure-Python twin. The rules are in
docs/lineprotocol.md; "1.x" below means InfluxDB 1.8/1.12 ``models/points.go``.
"""
import math

import numpy as np
import pytest

import machstore._ext_lineproto
from machstore import lineproto as lp
from machstore import lineproto_ref as ref
from machstore.errors import InvalidArgument

NOW = 946730096789012345            # 2000-01-01T12:34:56.789012345Z, as in TestParsePointsWithPrecisionNoTime
MAX_FLOAT = "179769313486231570814527423731704356798070567525844996598917476803157260780028538760589558632766878171540458953514382464234321326889464182768467546703537516986049910576551282076245490090389328944075868508455133942304583236903222948165808559332123348274797826204144723168738177180919299881250404026184124858368.0"


@pytest.fixture(params=["kernel", "twin"])
def parse(request):
    return lp.parse if request.param == "kernel" else ref.parse


def value_of(b, v):
    t, bits = int(b.value_type[v]), int(b.value_bits[v])
    if t == lp.FLOAT:
        return float(np.int64(bits).view(np.float64))
    if t == lp.INTEGER:
        return bits
    if t == lp.UNSIGNED:
        return ("u", bits % (1 << 64))
    if t == lp.BOOLEAN:
        return bool(bits)
    return b.strings[bits]


def points(b):
    """[(measurement, {tag: value}, {field: value}, time)] of a batch, values typed as in the text."""
    out = []
    for p in range(b.n_points):
        m, tags = lp.split_series_key(b.series_keys[b.point_series[p]])
        fields = {}
        for v in np.flatnonzero(b.value_point == p):
            fields[b.field_keys[b.value_field[v]]] = value_of(b, v)
        out.append((m, dict(tags), fields, int(b.point_time[p])))
    return out


def one(parse, line, **kw):
    kw.setdefault("now_ns", 0)
    b = parse(line.encode() if isinstance(line, str) else line, **kw)
    assert b.error_messages() == []
    [pt] = points(b)
    return pt


def reason(parse, line, **kw):
    kw.setdefault("now_ns", 0)
    b = parse(line.encode() if isinstance(line, str) else line, **kw)
    assert b.n_points == 0
    [e] = b.errors
    return e.reason


# -- the module ------------------------------------------------------------------------------

def test_compiled_kernel_is_loaded():
    assert machstore._ext_lineproto.__file__.endswith(".so")
    assert lp._kernel is machstore._ext_lineproto


def test_error_codes_match_the_wrapper():
    for name, code in machstore._ext_lineproto.ERROR_CODES.items():
        assert getattr(lp, name) == code, name


def test_batch_shape_and_dtypes(parse):
    b = parse(b'cpu,host=a v=1,s="x",i=-2i,u=3u,b=t 10\ncpu,host=a v=2 20\n', now_ns=0)
    assert (b.n_lines, b.n_points, b.n_values) == (2, 2, 6)
    assert b.series_keys == [b"cpu,host=a"]
    assert b.field_keys == [b"v", b"s", b"i", b"u", b"b"]
    assert b.point_series.dtype == np.int32 and b.point_time.dtype == np.int64
    assert b.value_point.dtype == np.int32 and b.value_field.dtype == np.int32
    assert b.value_type.dtype == np.uint8 and b.value_bits.dtype == np.int64
    assert b.point_series.tolist() == [0, 0] and b.point_time.tolist() == [10, 20]
    assert b.value_point.tolist() == [0, 0, 0, 0, 0, 1]
    assert b.value_type.tolist() == [lp.FLOAT, lp.STRING, lp.INTEGER, lp.UNSIGNED, lp.BOOLEAN, lp.FLOAT]
    assert b.value_bits.view(np.float64)[0] == 1.0 and b.value_bits[2] == -2 and b.value_bits[3] == 3
    assert b.strings == [b"x"] and b.value_bits[1] == 0 and b.value_bits[4] == 1
    assert b.errors == []


def test_input_kinds(parse):
    line = b"m v=1 5"
    for data in (line, bytearray(line), memoryview(line), memoryview(b"xx" + line)[2:]):
        assert points(parse(data)) == [(b"m", {}, {b"v": 1.0}, 5)]


def test_parallel_calls_give_serial_results():
    # the kernel releases the GIL and reuses pooled workspaces: threads must not share one
    from concurrent.futures import ThreadPoolExecutor
    bodies = [b"".join(b"m%d,h=%d,t=x v=%di,s=\"%d\" %d\n" % (k, i % 7, i, i % 3, i) for i in range(3000))
              for k in range(8)]
    serial = [points(lp.parse(body, now_ns=0)) for body in bodies]
    with ThreadPoolExecutor(max_workers=8) as pool:
        for _ in range(3):
            parallel = list(pool.map(lambda body: points(lp.parse(body, now_ns=0)), bodies))
            assert parallel == serial


def test_str_is_refused():
    with pytest.raises(TypeError):
        lp.parse("m v=1")


def test_empty_and_blank_bodies(parse):
    for body in (b"", b" ", b"\n", b"\n\n  \n\t\n", b"# only a comment", b"\x00\n"):
        b = parse(body)
        assert (b.n_lines, b.n_points, b.n_values, b.errors) == (0, 0, 0, [])
        assert b.series_keys == [] and b.point_series.shape == (0,)


# -- escapes (TestParsePointUnescape and friends) --------------------------------------------

@pytest.mark.parametrize("line, measurement, tags, fields", [
    (r"foo\,bar value=1i", b"foo,bar", {}, {b"value": 1}),
    (r"cpu\,main,regions=east value=1.0", b"cpu,main", {b"regions": b"east"}, {b"value": 1.0}),
    (r"cpu\ load,region=east value=1.0", b"cpu load", {b"region": b"east"}, {b"value": 1.0}),
    (r"cpu\=load,region=east value=1.0", b"cpu\\=load", {b"region": b"east"}, {b"value": 1.0}),
    (r"cpu=load,region=east value=1.0", b"cpu=load", {b"region": b"east"}, {b"value": 1.0}),
    (r"cpu,region\,zone=east value=1.0", b"cpu", {b"region,zone": b"east"}, {b"value": 1.0}),
    (r"cpu,region\ zone=east value=1.0", b"cpu", {b"region zone": b"east"}, {b"value": 1.0}),
    (r"cpu,reg\\=ion=east value=1.0", b"cpu", {b"reg\\=ion": b"east"}, {b"value": 1.0}),
    (r"cpu,\ =east value=1.0", b"cpu", {b" ": b"east"}, {b"value": 1.0}),
    (r"cpu,regions=east\,west value=1.0", b"cpu", {b"regions": b"east,west"}, {b"value": 1.0}),
    (r"cpu,regions=\\ east value=1.0", b"cpu", {b"regions": b"\\ east"}, {b"value": 1.0}),
    (r"cpu,regions=eas\\ t value=1.0", b"cpu", {b"regions": b"eas\\ t"}, {b"value": 1.0}),
    (r"cpu,regions=east\\  value=1.0", b"cpu", {b"regions": b"east\\ "}, {b"value": 1.0}),
    (r"cpu,regions=east\ west value=1.0", b"cpu", {b"regions": b"east west"}, {b"value": 1.0}),
    (r"cpu,regions=east value\,ms=1.0", b"cpu", {b"regions": b"east"}, {b"value,ms": 1.0}),
    (r"cpu,regions=east value\ ms=1.0", b"cpu", {b"regions": b"east"}, {b"value ms": 1.0}),
    (r"cpu,regions=eas\t value=1.0", b"cpu", {b"regions": b"eas\\t"}, {b"value": 1.0}),
    (r"cpu,regions=\\,\,\=east value=1.0", b"cpu", {b"regions": b"\\,,=east"}, {b"value": 1.0}),
    (r"cpu \a=1i", b"cpu", {}, {b"\\a": 1}),
    (r"cpu=load,equals\=foo=tag\=value value=1i", b"cpu=load", {b"equals=foo": b"tag=value"}, {b"value": 1}),
    (r"cpu,host=serverA,region=us-west a\ =123i", b"cpu", {b"host": b"serverA", b"region": b"us-west"},
     {b"a ": 123}),
    (r"cpu,host=two\\\ words value=42", b"cpu", {b"host": b"two\\\\ words"}, {b"value": 42.0}),
    (r'cpu va\"lue=1', b"cpu", {}, {b'va"lue': 1.0}),               # field keys also unescape \"
    (r"m,t=a\\b v=1", b"m", {b"t": b"a\\\\b"}, {b"v": 1.0}),          # \\ is not collapsed in tags
    (r"m,t=a\nb v=1", b"m", {b"t": b"a\\nb"}, {b"v": 1.0}),
    ('"cpu",host=serverA v=1', b'"cpu"', {b"host": b"serverA"}, {b"v": 1.0}),
    ('cpu,"host"="serverA",region=us-east value=1.0', b"cpu", {b'"host"': b'"serverA"', b"region": b"us-east"},
     {b"value": 1.0}),
    ("cpu,t== v=1", b"cpu", {b"t": b"="}, {b"v": 1.0}),              # 1.x lets '=' start a tag value
])
def test_escapes(parse, line, measurement, tags, fields):
    m, t, f, _ = one(parse, line)
    assert (m, t, f) == (measurement, tags, fields)


def test_series_key_is_canonical(parse):
    b = parse(b"m,b=2,a=1 v=1\nm,a=1,b=2 v=2\nm,a=1 v=3\nm,a=1,b=2 w=4\nm\\ x,t\\==a\\ b v=5\n")
    assert b.series_keys == [b"m,a=1,b=2", b"m,a=1", b"m\\ x,t\\==a\\ b"]
    assert b.point_series.tolist() == [0, 0, 1, 0, 2]
    assert b.field_keys == [b"v", b"w"]


def test_tag_value_starting_with_equals_is_escaped_in_the_key(parse):
    b = parse(b"cpu,t== v=1")
    assert b.series_keys == [b"cpu,t=\\="]
    assert lp.split_series_key(b.series_keys[0]) == (b"cpu", [(b"t", b"=")])


def test_key_order_by_unescaped_tag_key(parse):
    # raw order would put 'a0' first ('0' < '\\'); unescaped ',' sorts before '0'
    b = parse(b"m,a0=x,a\\,=y v=1")
    assert b.series_keys == [b"m,a\\,=y,a0=x"]


# -- strings ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text, value", [
    (r'"foo \" bar"', b'foo " bar'),
    (r'"foo\\"', b"foo\\"),
    (r'"test\\\""', b'test\\"'),
    (r'"test\""', b'test"'),
    (r'"foo\,bar"', b"foo\\,bar"),                          # only \\ and \" are escapes
    (r'"foo,bar"', b"foo,bar"),
    (r'"foo=bar"', b"foo=bar"),
    (r'"foo bar"', b"foo bar"),
    (r'"a\nb"', b"a\\nb"),                                  # backslash-n stays two characters
    ('"foo\nbar"', b"foo\nbar"),                            # a literal newline inside quotes is kept
    (r'"{Hello\"{,}\" World}"', b'{Hello"{,}" World}'),
    (r'"{Hello\"{\,}\" World}"', b'{Hello"{\\,}" World}'),
    ('"w\u00e8"', "w\u00e8".encode()),
    ('""', b""),
    ('"\\"', None),                                         # unbalanced: \" does not close
])
def test_string_values(parse, text, value):
    line = "cpu,host=serverA value=1.0,str=" + text + " 1000000000"
    if value is None:
        assert reason(parse, line) == "unbalanced quotes"
        return
    _, _, f, t = one(parse, line)
    assert f == {b"value": 1.0, b"str": value} and t == 1000000000


def test_string_with_newline_keeps_line_numbers(parse):
    b = parse(b'a v="x\ny" 1\nb v=1 2\nc v=bad 3\n')
    assert [p[0] for p in points(b)] == [b"a", b"b"]
    assert b.strings == [b"x\ny"]
    assert b.errors == [lp.LineError(4, b"c v=bad 3", "invalid boolean")]


def test_strings_are_interned(parse):
    b = parse(b'm s="a",t="b"\nm s="a",t="c"\n')
    assert b.strings == [b"a", b"b", b"c"]
    assert b.value_bits.tolist() == [0, 1, 0, 2]


def test_unbalanced_quoted_tag_does_not_overscan(parse):
    # TestParsePointsUnbalancedQuotedTags: a quote in a tag value does not start a string
    b = parse(b'baz,mytag="a x=1 1441103862125\nbaz,mytag=a z=1 1441103862126')
    assert points(b) == [(b"baz", {b"mytag": b'"a'}, {b"x": 1.0}, 1441103862125),
                         (b"baz", {b"mytag": b"a"}, {b"z": 1.0}, 1441103862126)]


# -- numbers and booleans --------------------------------------------------------------------

@pytest.mark.parametrize("text, value", [
    ("1", 1.0), ("1.", 1.0), (".5", 0.5), ("-1.5", -1.5), ("1e3", 1000.0), ("1E+3", 1000.0),
    ("1.e+78", 1e78), ("1.0e-4", 1e-4), ("-1.0e-4", -1e-4), ("1.0E4", 1e4), ("6.632243e+06", 6632243.0),
    ("-0.64", -0.64), ("12.1", 12.1), ("0.1", 0.1), ("-0", -0.0), ("00012", 12.0),
    ("58.1317132304976170", 58.131713230497617), ("1e-400", 0.0), ("5e-324", 5e-324),
    ("2.2250738585072011e-308", 2.2250738585072011e-308), ("9007199254740993", 9007199254740992.0),
    ("0.30000000000000004441", 0.30000000000000004), ("1" + "0" * 30, 1e30),
    (MAX_FLOAT, 1.7976931348623157e308), ("-" + MAX_FLOAT, -1.7976931348623157e308),
    ("0000" + MAX_FLOAT, 1.7976931348623157e308),
])
def test_floats(parse, text, value):
    _, _, f, _ = one(parse, "m v=" + text)
    got = f[b"v"]
    assert isinstance(got, float) and got == value and math.copysign(1, got) == math.copysign(1, value)


@pytest.mark.parametrize("text, value", [
    ("1i", 1), ("-1i", -1), ("0i", 0), ("-0i", 0), ("6632243i", 6632243),
    ("9223372036854775807i", 9223372036854775807), ("-9223372036854775808i", -9223372036854775808),
    ("0009223372036854775807i", 9223372036854775807), ("-0009223372036854775808i", -9223372036854775808),
    ("1u", ("u", 1)), ("0u", ("u", 0)), ("0000u", ("u", 0)),
    ("18446744073709551615u", ("u", 18446744073709551615)), ("00018446744073709551615u", ("u", 18446744073709551615)),
])
def test_integers(parse, text, value):
    _, _, f, _ = one(parse, "cpu,host=serverA,region=us-west value=" + text)
    assert f == {b"value": value}


@pytest.mark.parametrize("text, why", [
    ("9223372036854775808i", 'unable to parse integer 9223372036854775808: strconv.ParseInt: parsing '
                             '"9223372036854775808": value out of range'),
    ("-9223372036854775809i", 'unable to parse integer -9223372036854775809: strconv.ParseInt: parsing '
                              '"-9223372036854775809": value out of range'),
    ("18446744073709551616u", 'unable to parse unsigned 18446744073709551616: strconv.ParseUint: parsing '
                              '"18446744073709551616": value out of range'),
    ("1" + MAX_FLOAT, "invalid float"),
    ("-1" + MAX_FLOAT, "invalid float"),
    ("1e400", "invalid float"),
    ("1e", "invalid float"), ("1e+", "invalid float"), (".e5", "invalid float"), ("1e5e5", "invalid float"),
    ("-e5", "invalid float"),
    ("-", "invalid number"), ("-i", "invalid number"), ("-.", "invalid number"), (".", "invalid number"),
    ("1.0i", "invalid number"), ("1ii", "invalid number"), ("1a", "invalid number"),
    ("-e-e-e", "invalid float"), ("42+3", "invalid number"), ("-123u", "invalid number"), ("--1u", "invalid number"),
    (".1a", "invalid number"), ("0.-1", "invalid number"), ("1.1.1", "invalid number"), ("9ie10", "invalid number"),
    ("9e10i", "invalid number"), ("1i2", "invalid number"), ("1iu", "invalid number"), ("1.5u", "invalid number"),
    ("NaN", "invalid number"), ("nAn", "invalid number"), ("N", "invalid number"), ("-Inf", "invalid number"),
    ("+1", "invalid boolean"), ("Inf", "invalid boolean"), ("inf", "invalid boolean"), ("a", "invalid boolean"),
    ("'x'", "invalid boolean"),
])
def test_bad_numbers(parse, text, why):
    assert reason(parse, "cpu,host=serverA,region=us-west value=" + text) == why


def test_nan_with_timestamp(parse):
    assert reason(parse, "cpu value=NaN 1000000000") == "invalid number"


@pytest.mark.parametrize("text, value", [
    ("t", True), ("T", True), ("true", True), ("True", True), ("TRUE", True),
    ("f", False), ("F", False), ("false", False), ("False", False), ("FALSE", False),
])
def test_boolean_spellings(parse, text, value):
    _, _, f, _ = one(parse, "m v=" + text)
    assert f == {b"v": value}


@pytest.mark.parametrize("text", ["tRUE", "yes", "truex", "fals", "FaLsE", "tr", "T1", "f\t"])
def test_bad_booleans(parse, text):
    assert reason(parse, "m v=" + text) == "invalid boolean"


def test_all_booleans_in_one_line(parse):
    line = ("cpu,host=serverA,region=us-east true=true,t=t,T=T,TRUE=TRUE,True=True,"
            "false=false,f=f,F=F,FALSE=FALSE,False=False 1000000000")
    _, _, f, _ = one(parse, line)
    assert f == {b"true": True, b"t": True, b"T": True, b"TRUE": True, b"True": True,
                 b"false": False, b"f": False, b"F": False, b"FALSE": False, b"False": False}


def test_repeated_field_key_keeps_the_last_value(parse):
    b = parse(b'm a=1,v=1,b=2,v="x",v=3i 5')
    assert points(b) == [(b"m", {}, {b"a": 1.0, b"v": 3, b"b": 2.0}, 5)]
    assert b.n_values == 3
    assert b.field_keys == [b"a", b"v", b"b"]
    assert b.strings == []                                  # the overwritten string is not kept
    # the same key written with another escape spelling is the same field
    b = parse(b'm a\\"b=1,a"b=2')
    assert points(b)[0][2] == {b'a"b': 2.0}


# -- structure errors --------------------------------------------------------------------------

@pytest.mark.parametrize("line", ["cpu_load_short,host=server01,region=us-west", "cpu", "cpu,host==", "="])
def test_missing_fields(parse, line):
    assert reason(parse, line) == "missing fields"


@pytest.mark.parametrize("line", [
    '''cpu,host=serverA value="test''', '''cpu,host=serverA value="test""''',
])
def test_missing_quote(parse, line):
    assert reason(parse, line) == "unbalanced quotes"


@pytest.mark.parametrize("line", [
    "cpu, value=1", "cpu,", "cpu,,,", "cpu,host=serverA,=us-east value=1i",
    r"cpu,host=serverAa\,,=us-east value=1i", r"cpu,host=serverA\,,=us-east value=1i", "cpu, =serverA value=1i",
])
def test_missing_tag_key(parse, line):
    assert reason(parse, line) == "missing tag key"


@pytest.mark.parametrize("line", [
    "cpu,host", "cpu,host,", "cpu,host=", "cpu,host value=1i", "cpu,host=serverA,region value=1i",
    "cpu,host=serverA,region= value=1i", "cpu,host=serverA,region=,zone=us-west value=1i",
])
def test_missing_tag_value(parse, line):
    assert reason(parse, line) == "missing tag value"


@pytest.mark.parametrize("line", ["cpu,host=f=o,", r"cpu,host=f\==o,", "m,t=a\\ v=1", "m,t=a\\\\ v=1"])
def test_invalid_tag_format(parse, line):
    assert reason(parse, line) == "invalid tag format"


@pytest.mark.parametrize("line", [
    "cpu,host=serverA,host=serverB value=1i 1000000000",
    "cpu,b=2,b=1,c=3 value=1i 1000000000",
    "cpu,b=2,c=3,b=1 value=1i 1000000000",
    "cpu,a\\ b=1,a\\ b=2 v=1",
])
def test_duplicate_tags(parse, line):
    b = parse(line.encode(), now_ns=0)
    assert b.error_messages() == [f"unable to parse '{line}': duplicate tags"]


@pytest.mark.parametrize("line, why", [
    ("cpu,host=serverA,region=us-west =", "missing field key"),
    ("cpu,host=serverA,region=us-west =123i", "missing field key"),
    ("cpu,host=serverA,region=us-west value=123i,=456i", "missing field key"),
    ("cpu,host=serverA,region=us-west value=", "missing field value"),
    ("cpu,host=serverA,region=us-west value= 1000000000i", "missing field value"),
    ("cpu,host=serverA,region=us-west value=,value2=1i", "missing field value"),
    ("cpu,host=server01,region=us-west 1434055562000000000i", "invalid field format"),
    ("cpu,host=server01,region=us-west value=1i,b", "invalid field format"),
    ('m f="blah"=123,r 1531703600000000000', "invalid field format"),
    ("bad line", "invalid field format"),
    ("m ", "invalid field format"),
    (",m v=1", "missing measurement"),
])
def test_field_errors(parse, line, why):
    assert reason(parse, line) == why


# -- whitespace, comments, CR ------------------------------------------------------------------

@pytest.mark.parametrize("body", [
    b"cpu    value=1.0 1257894000000000000",
    b"cpu value=1.0     1257894000000000000",
    b"cpu      value=1.0     1257894000000000000",
    b"cpu value=1.0 1257894000000000000   ",
    b"cpu value=1.0 1257894000000000000\n",
    b"cpu   value=1.0 1257894000000000000\n",
    b"   cpu value=1.0 1257894000000000000",
    b"\t cpu value=1.0 1257894000000000000\n\n",
    b"# a comment\n  # an indented one\n\t# a tabbed one\n\ncpu value=1.0 1257894000000000000\n# the end",
])
def test_whitespace_and_comments(parse, body):
    b = parse(body)
    assert points(b) == [(b"cpu", {}, {b"value": 1.0}, 1257894000000000000)] and b.n_lines == 1


def test_line_numbers_and_messages(parse):
    body = b"# head\nm v=1 1\n\nm v=x 2\n   m,t v=1\nm v=3 3\n"
    b = parse(body)
    assert b.n_lines == 4 and b.n_points == 2
    assert b.errors == [lp.LineError(4, b"m v=x 2", "invalid boolean"),
                        lp.LineError(5, b"m,t v=1", "missing tag value")]
    assert b.error_messages() == ["unable to parse 'm v=x 2': invalid boolean",
                                  "unable to parse 'm,t v=1': missing tag value"]


def test_error_message_replaces_bad_utf8(parse):
    b = parse(b"m\xff v=x")
    assert b.error_messages() == ["unable to parse 'm\ufffd v=x': invalid boolean"]
    assert b.errors[0].line == b"m\xff v=x"


@pytest.mark.parametrize("body, why", [
    (b"m v=1\r\n", "invalid number"),            # 1.x does not strip CR
    (b"m v=t\r\n", "invalid boolean"),
    (b"m v=1i\r\n", "invalid number"),
    (b"m v=1 5\r\n", "bad timestamp"),
    (b"\r\n", "missing fields"),
])
def test_carriage_return_is_not_stripped(parse, body, why):
    assert reason(parse, body) == why


def test_carriage_return_after_a_string(parse):
    # the CR is junk after the closing quote, which 1.x keeps (see test_junk_after_a_closing_quote_follows_1x)
    assert one(parse, b'm v="x"\r\n')[2] == {b"v": b'x"'}


def test_trailing_garbage_after_timestamp(parse):
    assert reason(parse, "cpu value=1 9223372036854775806 12") == "point is invalid"
    assert reason(parse, "cpu value=1 5 \t") == "point is invalid"
    assert reason(parse, "cpu value=1 5\t") == "bad timestamp"      # a tab does not end the timestamp
    assert points(parse(b"cpu value=1 5   ")) == [(b"cpu", {}, {b"value": 1.0}, 5)]


def test_trailing_backslash(parse):
    # TestParsePoint_TrailingSlash
    assert reason(parse, "a v=1 0\\") == "bad timestamp"


# -- time and precision -------------------------------------------------------------------------

@pytest.mark.parametrize("precision, text, expect", [
    ("", "946730096789012345", 946730096789012345),
    ("n", "946730096789012345", 946730096789012345),
    ("ns", "946730096789012345", 946730096789012345),
    ("u", "946730096789012", 946730096789012000),
    ("us", "946730096789012", 946730096789012000),
    ("ms", "946730096789", 946730096789000000),
    ("s", "946730096", 946730096000000000),
    ("m", "15778834", 946730040000000000),
    ("h", "262980", 946728000000000000),
    ("s", "-1", -1000000000),
    ("ns", "-1", -1),
    ("ns", "9223372036854775806", 9223372036854775806),
    ("ns", "-9223372036854775806", -9223372036854775806),
    ("s", "9223372036", 9223372036000000000),
    ("h", "2562047", 9223369200000000000),
])
def test_precision(parse, precision, text, expect):
    _, _, _, t = one(parse, "cpu,host=serverA,region=us-east value=1.0 " + text, precision=precision)
    assert t == expect


@pytest.mark.parametrize("precision, expect", [
    ("", 946730096789012345), ("n", 946730096789012345), ("u", 946730096789012000),
    ("ms", 946730096789000000), ("s", 946730096000000000), ("m", 946730040000000000), ("h", 946728000000000000),
])
def test_missing_timestamp_is_now_truncated(parse, precision, expect):
    _, _, _, t = one(parse, "cpu,host=serverA,region=us-east value=1.0", precision=precision, now_ns=NOW)
    assert t == expect


def test_default_now_is_the_clock(parse):
    import time
    before = time.time_ns()
    _, _, _, t = one(parse, "m v=1", precision="ns", now_ns=None)
    assert before <= t <= time.time_ns()


def test_negative_now_truncates_down(parse):
    _, _, _, t = one(parse, "m v=1", precision="s", now_ns=-1)
    assert t == -1000000000


OUT_OF_RANGE = "time outside range -9223372036854775806 - 9223372036854775806"


@pytest.mark.parametrize("precision, text, why", [
    ("ns", "9223372036854775807", OUT_OF_RANGE),
    ("ns", "-9223372036854775807", OUT_OF_RANGE),
    ("ns", "-9223372036854775808", OUT_OF_RANGE),
    ("ns", "9223372036854775808", 'strconv.ParseInt: parsing "9223372036854775808": value out of range'),
    ("ns", "-92233720368547758078", 'strconv.ParseInt: parsing "-92233720368547758078": value out of range'),
    ("s", "9999999999999", OUT_OF_RANGE),
    ("s", "9223372037", OUT_OF_RANGE),
    ("h", "2562048", OUT_OF_RANGE),
    ("u", "-9223372036854776", OUT_OF_RANGE),
    ("ns", "-", 'strconv.ParseInt: parsing "-": invalid syntax'),
    ("ns", "-/", "bad timestamp"),
    ("ns", "-1?", "bad timestamp"),
    ("ns", "1-", "bad timestamp"),
    ("ns", "1.5", "bad timestamp"),
    ("ns", '"123"', "bad timestamp"),
])
def test_bad_timestamps(parse, precision, text, why):
    assert reason(parse, "cpu value=1 " + text, precision=precision) == why


@pytest.mark.parametrize("bad", ["x", "mu", "US", "nanoseconds", "1s", None])
def test_invalid_precision(parse, bad):
    with pytest.raises(InvalidArgument) as ex:
        parse(b"m v=1", precision=bad)
    assert str(ex.value) == f'invalid precision "{bad}" (use n, u, ms, s, m or h)'


def test_precision_multiplier():
    assert [lp.precision_multiplier(p) for p in ("", "n", "ns", "u", "us", "ms", "s", "m", "h")] == [
        1, 1, 1, 1000, 1000, 10**6, 10**9, 60 * 10**9, 3600 * 10**9]


# -- limits -----------------------------------------------------------------------------------

def test_max_key_length(parse):
    b = parse(b"m" * 65535 + b" v=1")                         # the key fits, key + 4 + field key does not
    assert [e.reason for e in b.errors] == ["max key length exceeded: 65540 > 65535"]
    b = parse(b"m" * 65536 + b" v=1")
    assert [e.reason for e in b.errors] == ["max key length exceeded: 65536 > 65535"]
    key = b"m," + b"t=" + b"x" * 65520                        # 65524 bytes of key
    b = parse(key + b" v=1,abcdefgh=2")                        # 65524 + 4 + 8 > 65535
    assert [e.reason for e in b.errors] == ["max key length exceeded: 65536 > 65535"]
    b = parse(key + b" v=1,abcdefg=2")                         # exactly 65535
    assert b.errors == [] and b.n_values == 2


def test_measurement_alone_at_the_limit(parse):
    b = parse(b"m" * 65530 + b" v=1")                         # 65530 + 4 + 1 = 65535
    assert b.errors == []
    b = parse(b"m" * 65531 + b" v=1")
    assert [e.reason for e in b.errors] == ["max key length exceeded: 65536 > 65535"]


def test_many_tags(parse):
    tags = "".join(f",tag{i}=value{i}" for i in range(255))
    m, t, _, _ = one(parse, f"cpu{tags} value=1")
    assert len(t) == 255 and t[b"tag7"] == b"value7"
    tags = "".join(f",t{i}=v" for i in reversed(range(3000)))
    b = parse(f"cpu{tags} value=1".encode())
    assert b.errors == [] and lp.split_series_key(b.series_keys[0])[1][:2] == [(b"t0", b"v"), (b"t1", b"v")]


# -- storage-level names pass the parser ---------------------------------------------------------

def test_time_tag_and_field_are_parsed(parse):
    assert one(parse, "m,time=1 time=2,v=3 4") == (b"m", {b"time": b"1"}, {b"time": 2.0, b"v": 3.0}, 4)


def test_empty_field_key_after_a_tab(parse):
    # 1.x skips tabs before the first field, and only a space or comma before '=' is a missing key
    assert one(parse, "m \t=1") == (b"m", {}, {b"": 1.0}, 0)


# -- where we differ from 1.x on malformed input (docs/lineprotocol.md) --------------------------

def test_junk_after_a_closing_quote_follows_1x(parse):
    # 1.x drops the first and last byte of the value token
    assert one(parse, 'm v="a"b')[2] == {b"v": b'a"'}


@pytest.mark.parametrize("line, why", [
    (r"m a\\=1", r"invalid value: field-key=a\\=1"),
    (r"m x=1,a\\=1", r"invalid value: field-key=a\\=1"),
    (r"m a\\=1,b=2", r"invalid value: field-key=a\\=1,b=2"),    # 1.x would merge the keys
    (r'm v="a"\,b,c=1', "invalid field format"),                # 1.x would read a field 'b,c'
    ('m a,b="x"=1', "invalid field format"),
])
def test_malformed_fields_we_reject(parse, line, why):
    assert reason(parse, line) == why


def test_escaped_backslash_before_a_space_can_join_lines(parse):
    # 1.x scanLine skips "\\" as a pair and takes the next space as the start of the fields, so
    # the '=' of this tag is counted and its '"' opens a quote that swallows the newline
    b = parse(b'm,a\\\\ b="x v=1\nm v=2\n')
    assert b.n_lines == 1 and [e.reason for e in b.errors] == ["invalid number"]
    assert b.errors[0].line == b'm,a\\\\ b="x v=1\nm v=2'


def test_unsigned_is_accepted(parse):
    # default 1.x builds reject 'u' ("invalid number"); we behave like the uint build
    assert one(parse, "m v=5u")[2] == {b"v": ("u", 5)}


# -- series keys and formatting -------------------------------------------------------------------

@pytest.mark.parametrize("measurement, tags, key", [
    (b"cpu", [], b"cpu"),
    (b"c,p u", [(b"b", b"2"), (b"a", b"1")], b"c\\,p\\ u,a=1,b=2"),
    (b"m=x", {b"k=,": b"v ,="}, b"m=x,k\\=\\,=v\\ \\,\\="),
    (b"m\\x", [(b"a\\,", b"\\")], None),
])
def test_make_and_split_series_key(measurement, tags, key):
    if key is None:
        with pytest.raises(InvalidArgument):
            lp.make_series_key(measurement, tags)
        return
    assert lp.make_series_key(measurement, tags) == key
    assert lp.split_series_key(key) == (measurement, sorted(dict(tags).items()))


def test_make_series_key_refuses_bad_tags():
    assert lp.make_series_key(b"m", [(b"a", b""), (b"b", b"1")]) == b"m,b=1"     # 1.x MakeKey drops it
    for tags in ([(b"a", b"1"), (b"a", b"2")], [(b"", b"1")], [(b"a", b"x\\")]):
        with pytest.raises(InvalidArgument):
            lp.make_series_key(b"m", tags)
    with pytest.raises(InvalidArgument):
        lp.make_series_key(b"", [])


def test_format_line_leaves_out_empty_tag_values():
    assert lp.format_line("m", {"a": "", "b": "1"}, {"v": 1}) == b"m,b=1 v=1i"


def test_format_line(parse):
    line = lp.format_line("cpu load", {"host": "a b", "t=k": "v,1"},
                          {"f": 1.5, "i": -3, "u": ("u", 7), "n": np.uint64(2**64 - 1), "s": 'q"\\\nz',
                           "b": True, "g": False, "k,\"=": 2.0, "z": np.float64(0.1), "w": np.int64(9)}, 123)
    assert line == (b'cpu\\ load,host=a\\ b,t\\=k=v\\,1 f=1.5,i=-3i,u=7u,n=18446744073709551615u,'
                    b's="q\\"\\\\\nz",b=true,g=false,k\\,\\"\\==2.0,z=0.1,w=9i 123')
    assert points(parse(line)) == [(b"cpu load", {b"host": b"a b", b"t=k": b"v,1"},
                                    {b"f": 1.5, b"i": -3, b"u": ("u", 7), b"n": ("u", 2**64 - 1),
                                     b"s": b'q"\\\nz', b"b": True, b"g": False, b'k,"=': 2.0, b"z": 0.1,
                                     b"w": 9}, 123)]


@pytest.mark.parametrize("args", [
    ("", {}, {"v": 1}), ("#m", {}, {"v": 1}), ("\tm", {}, {"v": 1}), ("m\\", {}, {"v": 1}),
    ("m", {"t\n": "x"}, {"v": 1}), ("m", {}, {}), ("m", {}, {"v": float("nan")}),
    ("m", {}, {"v": float("inf")}), ("m", {}, {"v": 2**63}), ("m", {}, {"v": ("u", -1)}), ("m", {}, {"a\\,b": 1}),
    ("m", {}, {"\tv": 1}), ("m", {}, {"v": object()}), ("m", {}, {"": 1}),
])
def test_format_line_refuses_what_1x_cannot_carry(args):
    with pytest.raises(InvalidArgument):
        lp.format_line(*args)
