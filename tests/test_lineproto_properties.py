"""Property tests of the line-protocol parser (hypothesis).

* points written with ``format_line`` parse back to themselves;
* arbitrary and mutated bytes never crash or hang, and the compiled kernel always gives
  exactly the reference twin's batch (every array, key list, string and error);
* float tokens convert exactly like Python's (correctly rounded) ``float``.
"""
import base64
import os
import random

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from lp_corpus import load_decode_cases
from machstore import lineproto as lp
from machstore import lineproto_ref as ref
from machstore.errors import InvalidArgument

EXAMPLES = int(os.environ.get("LP_EXAMPLES", "200"))      # raise for a longer fuzzing session
SETTINGS = settings(max_examples=EXAMPLES, deadline=2000,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
HEAVY = settings(SETTINGS, max_examples=max(EXAMPLES // 2, 10))
NOW = 1_700_000_000_123_456_789


def assert_same(a, b):
    """The kernel's batch ``a`` equals the twin's ``b`` in every attribute."""
    assert a.n_lines == b.n_lines
    assert a.series_keys == b.series_keys
    assert a.field_keys == b.field_keys
    assert a.strings == b.strings
    assert a.errors == b.errors
    for name in ("point_series", "point_time", "value_point", "value_field", "value_type", "value_bits"):
        x, y = getattr(a, name), getattr(b, name)
        assert x.dtype == y.dtype and np.array_equal(x, y), name


def both(body, **kw):
    kw.setdefault("now_ns", NOW)
    a = lp.parse(body, **kw)
    assert_same(a, ref.parse(body, **kw))
    return a


def decode(b):
    out = []
    for p in range(b.n_points):
        m, tags = lp.split_series_key(b.series_keys[b.point_series[p]])
        fields = {}
        for v in np.flatnonzero(b.value_point == p):
            t, bits = int(b.value_type[v]), int(b.value_bits[v])
            if t == lp.FLOAT:
                value = ("f", int(bits))                    # compare floats by their bits
            elif t == lp.INTEGER:
                value = ("i", bits)
            elif t == lp.UNSIGNED:
                value = ("u", bits % (1 << 64))
            elif t == lp.BOOLEAN:
                value = ("b", bool(bits))
            else:
                value = ("s", b.strings[bits])
            fields[b.field_keys[b.value_field[v]]] = value
        out.append((m, tags, fields, int(b.point_time[p])))
    return out


def expected_value(v):
    if isinstance(v, bool):
        return ("b", v)
    if isinstance(v, tuple):
        return ("u", v[1])
    if isinstance(v, int):
        return ("i", v)
    if isinstance(v, float):
        return ("f", int(np.float64(v).view(np.int64)))
    return ("s", v)


# -- strategies -------------------------------------------------------------------------------

SPECIAL = ' ,="\\#\t\x00\r=é€\u2028'
name_text = st.text(alphabet=st.one_of(st.sampled_from(SPECIAL), st.characters(codec="utf-8"),
                                       st.sampled_from("abcxyz019_")), min_size=1, max_size=10)
names = st.one_of(name_text.map(lambda s: s.encode("utf-8")), st.binary(min_size=1, max_size=8))
plain_names = st.text(alphabet=st.one_of(st.sampled_from(' ,="#\t=é'), st.sampled_from("abcxyz019_")),
                      min_size=1, max_size=10).map(lambda s: s.encode("utf-8"))
values = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False),
    st.integers(-(1 << 63), (1 << 63) - 1),
    st.integers(0, (1 << 64) - 1).map(lambda n: ("u", n)),
    st.booleans(),
    st.binary(max_size=20),
    st.text(max_size=10).map(lambda s: s.encode("utf-8")),
)


def point_strategy(name_st):
    return st.tuples(
        name_st,
        st.dictionaries(name_st, name_st, max_size=4),
        st.dictionaries(name_st, values, min_size=1, max_size=5),
        st.one_of(st.none(), st.integers(lp.MIN_NANO_TIME, lp.MAX_NANO_TIME)),
    )


def formatted(point):
    m, tags, fields, t = point
    try:
        return lp.format_line(m, tags, fields, t)
    except InvalidArgument:
        assume(False)


def expected(point, now=NOW):
    m, tags, fields, t = point
    fields = {lp.unescape(lp.escape(k, lp.FIELD_KEY_SPECIALS), lp.FIELD_KEY_SPECIALS): expected_value(v)
              for k, v in fields.items()}
    return (m, sorted(tags.items()), fields, now if t is None else t)


# -- round trips --------------------------------------------------------------------------------

@SETTINGS
@given(point_strategy(names))
def test_one_point_round_trips(point):
    line = formatted(point)
    b = both(line)
    assert b.errors == [] and decode(b) == [expected(point)]
    assert both(line + b"\n").n_points == 1


@HEAVY
@given(st.lists(point_strategy(plain_names), min_size=1, max_size=5), st.randoms())
def test_bodies_round_trip(points, rnd):
    # names without backslashes: 1.x's line splitter pairs "\\" then sees a space, so a name like
    # 'a\\ b' with a quote after it can join two lines (test_lineproto.py pins that quirk)
    lines = [formatted(p) for p in points]
    b = both(b"\n".join(lines) + b"\n")
    assert b.errors == [] and b.n_lines == len(lines)
    assert decode(b) == [expected(p) for p in points]
    # the same series written with its tags in another order gets the same index
    m, tags, fields, t = points[0]
    shuffled = list(tags.items())
    rnd.shuffle(shuffled)
    b2 = both(lines[0] + b"\n" + lp.format_line(m, shuffled, fields, t))
    assert b2.point_series.tolist() == [0, 0] and len(b2.series_keys) == 1


@SETTINGS
@given(point_strategy(plain_names), st.sampled_from(["ns", "u", "ms", "s", "m", "h"]),
       st.integers(-(1 << 62), 1 << 62))
def test_precision_round_trips(point, precision, units):
    m, tags, fields, _ = point
    mult = lp.precision_multiplier(precision)
    line = formatted((m, tags, fields, units))
    b = both(line, precision=precision)
    if lp.MIN_NANO_TIME <= units * mult <= lp.MAX_NANO_TIME:
        assert b.point_time.tolist() == [units * mult]
    else:
        assert [e.reason for e in b.errors] == [lp.reason_text(lp.E_TIME_OUTSIDE_RANGE)]
    b = both(formatted((m, tags, fields, None)), precision=precision, now_ns=NOW)
    assert b.point_time.tolist() == [NOW - NOW % mult]


# -- arbitrary input: no crash, no hang, kernel == twin ------------------------------------------

@SETTINGS
@given(st.binary(max_size=300))
def test_random_bytes(body):
    both(body)


line_chars = st.sampled_from(list(b'abm01 ,="\\\n\t\x00#-.eEiuNnTtFf+\r') + [0xFF, 0xC3])


@SETTINGS
@given(st.lists(line_chars, max_size=120).map(bytes), st.sampled_from(["ns", "s", "h"]))
def test_random_line_protocol_alphabet(body, precision):
    both(body, precision=precision)


@HEAVY
@given(st.lists(point_strategy(names), min_size=1, max_size=4),
       st.lists(st.tuples(st.sampled_from(["insert", "delete", "replace", "dup"]),
                          st.integers(0, 10_000), st.sampled_from(list(b' ,="\\\n\t\x00#-.eiuTf+\r9'))),
                min_size=1, max_size=6))
def test_mutated_lines(points, edits):
    body = bytearray(b"\n".join(formatted(p) for p in points))
    for op, pos, byte in edits:
        pos %= len(body) + 1
        if op == "insert":
            body[pos:pos] = bytes([byte])
        elif op == "delete" and pos < len(body):
            del body[pos]
        elif op == "replace" and pos < len(body):
            body[pos] = byte
        elif op == "dup":
            body[pos:pos] = body[pos:pos + 7]
    both(bytes(body))


def test_large_random_inputs_finish():
    rnd = random.Random(7)
    alphabet = b'ab=, "\\\n\t-.0123456789eEiuNtTfF#\r'
    for size in (1 << 16, 1 << 20):
        body = bytes(rnd.choice(alphabet) for _ in range(size))
        both(body)
    # one giant line, one giant quoted value, many tiny lines
    both(b"m" * (1 << 20))
    both(b'm v="' + b"x" * (1 << 20))
    both(b"m v=1\n" * 100_000)


def test_corpus_inputs_kernel_equals_twin():
    bodies = []
    for case in load_decode_cases().values():
        text = case["input"]["text"]
        body = base64.b64decode(text["binary"]) if isinstance(text, dict) else text.encode("utf-8")
        bodies.append(body)
        both(body, now_ns=case["input"]["defaultTime"])
    both(b"\n".join(bodies))


# -- floats --------------------------------------------------------------------------------------

@settings(max_examples=EXAMPLES * 3, deadline=2000)
@given(st.from_regex(r"\A-?[0-9]{0,24}(\.[0-9]{0,24})?([eE][+-]?[0-9]{1,3})?\Z"))
def test_float_tokens(token):
    b = both(b"m v=" + token.encode())
    try:
        value = float(token)
    except ValueError:
        value = None
    if b.n_points:
        assert b.value_type.tolist() == [lp.FLOAT]
        assert b.value_bits[0] == np.float64(value).view(np.int64)
    else:
        assert value is None or value in (float("inf"), float("-inf")) or token.endswith((".", "-")) or \
            token in ("", "-") or b.errors[0].reason in ("invalid number", "invalid float")


@settings(max_examples=EXAMPLES * 5, deadline=2000)
@given(st.floats(allow_nan=False, allow_infinity=False), st.sampled_from(["r", "e", "f17", "g20", "e25"]))
def test_floats_convert_exactly(x, style):
    text = {"r": repr(x), "e": f"{x:.16e}", "f17": f"{x:.17f}", "g20": f"{x:.20g}", "e25": f"{x:.25e}"}[style]
    b = both(b"m v=" + text.encode())
    assert b.errors == []
    assert b.value_bits[0] == np.float64(float(text)).view(np.int64)


@settings(max_examples=EXAMPLES * 5, deadline=2000)
@given(st.integers(0, (1 << 64) - 1), st.integers(-25, 25), st.booleans())
def test_decimal_mantissas_convert_exactly(w, exp, neg):
    text = f"{'-' if neg else ''}{w}e{exp}"
    b = both(b"m v=" + text.encode())
    assert b.value_bits[0] == np.float64(float(text)).view(np.int64)
    digits = str(w)
    if exp < 0 and len(digits) > -exp:
        text = f"{'-' if neg else ''}{digits[:exp]}.{digits[exp:]}"
        b = both(b"m v=" + text.encode())
        assert b.value_bits[0] == np.float64(float(text)).view(np.int64)
