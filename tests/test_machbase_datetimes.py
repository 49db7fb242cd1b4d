"""Machbase datetime formats: tokens, parsing (TO_DATE, lenient REST forms), timezones,
and the vectorised formatter against its scalar twin."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from machstore.machbase import datetimes as D
from machstore.machbase.datetimes import (DEFAULT_FORMAT, Timezone, format_datetime,
                                          parse_datetime, parse_machiot_time)
from machstore.machbase.datetimes_ref import format_ref
from machstore.machbase.errors import MachbaseError

KST = Timezone.parse("+0900")
UTC = Timezone.utc()
SEC = 10**9


def kst(text, fmt=None, **kw):
    return format_datetime(parse_datetime(text, fmt, tz=KST, **kw), tz=KST)


def err(fn, *args, **kwargs):
    with pytest.raises(MachbaseError) as info:
        fn(*args, **kwargs)
    return info.value.code, info.value.message


# -- the spec's and Machbase's documented examples ------------------------------------------

def test_seed_default_rendering():
    # 1e9 seconds after the epoch is 2001-09-09 01:46:40 UTC = 10:46:40 at +0900 (spec's tag data).
    assert format_datetime(10**9 * SEC, tz=KST) == "2001-09-09 10:46:40 000:000:000"
    assert format_datetime((10**9 + 1) * SEC, tz=KST) == "2001-09-09 10:46:41 000:000:000"
    assert kst("1999-01-01 00:00:00") == "1999-01-01 00:00:00 000:000:000"


@pytest.mark.parametrize("text,fmt,shown", [
    ("1999-11-11 1:2:3 4:5:6", None, "1999-11-11 01:02:03 004:005:006"),
    ("2014-12-30 11:22:33 444:555:666", None, "2014-12-30 11:22:33 444:555:666"),
    ("2014-12-30 23:22:34 777:888:999", DEFAULT_FORMAT, "2014-12-30 23:22:34 777:888:999"),
    ("2013-11-11 1:2:3", None, "2013-11-11 01:02:03 000:000:000"),
    ("2012-11-11 1:2:3", "YYYY-MM-DD HH24:MI:SS", "2012-11-11 01:02:03 000:000:000"),
    ("1999", "YYYY", "1999-01-01 00:00:00 000:000:000"),
    ("1999-12", "YYYY-MM", "1999-12-01 00:00:00 000:000:000"),
    ("1999-12-31 13:12", "YYYY-MM-DD HH24:MI", "1999-12-31 13:12:00 000:000:000"),
    ("1999-12-31 13:12:32", "YYYY-MM-DD HH24:MI:SS", "1999-12-31 13:12:32 000:000:000"),
    ("1999-12-31 13:12:32 123", "YYYY-MM-DD HH24:MI:SS mmm", "1999-12-31 13:12:32 123:000:000"),
    ("1999-12-31 13:12:32 123:456", "YYYY-MM-DD HH24:MI:SS mmm:uuu",
     "1999-12-31 13:12:32 123:456:000"),
    ("1999-12-31 13:12:32 123:456:789", DEFAULT_FORMAT, "1999-12-31 13:12:32 123:456:789"),
    ("2016-01-01", "YYYY-MM-DD", "2016-01-01 00:00:00 000:000:000"),
])
def test_to_date_examples(text, fmt, shown):
    assert kst(text, fmt) == shown


def test_to_date_failures_from_the_docs():
    # TO_DATE_SAFE('2016-01-02', 'YYYY') and ('2016-12-32', 'YYYY-MM-DD') are NULL: errors.
    assert err(parse_datetime, "2016-01-02", "YYYY", tz=KST) == (
        300, "Invalid date value.(2016-01-02)")
    assert err(parse_datetime, "2016-12-32", "YYYY-MM-DD", tz=KST)[0] == 300


def test_to_char_examples():
    ns = parse_datetime("2014-12-30 11:22:33 444:555:666", tz=KST)
    assert format_datetime(ns, "YYYY", tz=KST) == "2014"
    assert format_datetime(ns, "YYYY-MM", tz=KST) == "2014-12"
    assert format_datetime(ns, "YYYY-MM-DD TO_CHAR", tz=KST) == "2014-12-30 TO_CHAR"
    assert format_datetime(ns, "YYYY-MM-DD HH24:MI:SS mmm.uuu.nnn", tz=KST) == \
        "2014-12-30 11:22:33 444.555.666"


def test_timestamps_agree_with_machbase_examples_at_plus_0900():
    # TO_TIMESTAMP('2010-01-01 10:10:10') and UNIX_TIMESTAMP('2001-01-01') in the docs.
    assert parse_datetime("2010-01-01 10:10:10", tz=KST) == 1262308210000000000
    assert parse_datetime("2001-01-01", tz=KST) // SEC == 978274800


# -- every token ---------------------------------------------------------------------------

# 2021-01-01 is a Friday in ISO week 53 of 2020; 13:07:58.123456789 local (+0900).
FRI = parse_datetime("2021-01-01 13:07:58 123:456:789", tz=KST)


@pytest.mark.parametrize("fmt,shown", [
    ("YYYY", "2021"), ("YY", "21"), ("MM", "01"), ("MON", "JAN"), ("DD", "01"),
    ("DAY", "FRI"), ("IW", "53"), ("WW", "01"), ("W", "1"),
    ("HH", "13"), ("HH12", "01"), ("HH24", "13"), ("HH2", "12"), ("HH3", "12"), ("HH6", "12"),
    ("MI", "07"), ("MI2", "06"), ("MI5", "05"), ("MI10", "00"), ("MI20", "00"), ("MI30", "00"),
    ("SS", "58"), ("SS2", "58"), ("SS5", "55"), ("SS10", "50"), ("SS20", "40"), ("SS30", "30"),
    ("AM", "PM"), ("PM", "PM"), ("mmm", "123"), ("uuu", "456"), ("nnn", "789"),
    ("DD/MON/YYYY:HH24:MI:SS", "01/JAN/2021:13:07:58"),
    ("[YYYY] é HH12 AM", "[2021] é 01 PM"),
    ("no tokens here", "no tokens here"),
])
def test_every_token(fmt, shown):
    assert format_datetime(FRI, fmt, tz=KST) == shown
    assert format_ref(FRI, fmt, KST) == shown


@pytest.mark.parametrize("text,hh12,ampm,hh6", [
    ("2021-06-15 00:30:00", "12", "AM", "00"), ("2021-06-15 11:59:59", "11", "AM", "06"),
    ("2021-06-15 12:00:00", "12", "PM", "12"), ("2021-06-15 23:00:00", "11", "PM", "18"),
])
def test_twelve_hour_clock(text, hh12, ampm, hh6):
    ns = parse_datetime(text, tz=KST)
    assert format_datetime(ns, "HH12 AM HH6", tz=KST) == f"{hh12} {ampm} {hh6}"


@pytest.mark.parametrize("day,iw,ww,w", [
    ("2020-12-31", "53", "53", "5"), ("2021-01-04", "01", "01", "1"),
    ("2021-01-10", "01", "02", "2"), ("2024-12-30", "01", "53", "5"),
    ("2015-03-08", "10", "10", "2"),
])
def test_week_tokens(day, iw, ww, w):
    ns = parse_datetime(day, tz=KST)
    assert format_datetime(ns, "IW WW W", tz=KST) == f"{iw} {ww} {w}"


def test_compile_format_tokens():
    f = D.compile_format("YYYY-MM-DDTHH24:MI")
    assert [t.text for t in f.tokens] == ["YYYY", "-", "MM", "-", "DD", "T", "HH24", ":", "MI"]
    assert f.width == 16 and f.has_time
    assert not D.compile_format("YYYY-MM-DD").has_time
    assert D.compile_format(DEFAULT_FORMAT).width == 31        # the /machiot datetime width


# -- parsing tokens ----------------------------------------------------------------------------

@pytest.mark.parametrize("text,fmt,shown", [
    ("09-Mar-2015", "DD-MON-YYYY", "2015-03-09 00:00:00 000:000:000"),
    ("MON 09 MAR 15", "DAY DD MON YY", "2015-03-09 00:00:00 000:000:000"),
    ("85-01-02", "YY-MM-DD", "1985-01-02 00:00:00 000:000:000"),
    ("12:30 AM 2020-01-01", "HH12:MI AM YYYY-MM-DD", "2020-01-01 00:30:00 000:000:000"),
    ("12:30 pm 2020-01-01", "HH12:MI AM YYYY-MM-DD", "2020-01-01 12:30:00 000:000:000"),
    ("07:30 PM 2020-01-01", "HH12:MI PM YYYY-MM-DD", "2020-01-01 19:30:00 000:000:000"),
    ("20200102", "YYYYMMDD", "2020-01-02 00:00:00 000:000:000"),
    ("2020-01-02 13", "YYYY-MM-DD HH6", "2020-01-02 13:00:00 000:000:000"),
    ("2020 53 01-02", "YYYY IW MM-DD", "2020-01-02 00:00:00 000:000:000"),
    ("2020-01-", "YYYY-MM-DD", "2020-01-01 00:00:00 000:000:000"),
    ("  2020-01-02  ", "YYYY-MM-DD", "2020-01-02 00:00:00 000:000:000"),
])
def test_parse_tokens(text, fmt, shown):
    assert kst(text, fmt) == shown


@pytest.mark.parametrize("text,fmt", [
    ("", None), ("   ", None), ("abc", None), ("2020-13-01", "YYYY-MM-DD"),
    ("2020-02-30", "YYYY-MM-DD"), ("2020-01-01 24:00:00", None),
    ("2020-01-01 10:60:00", None), ("2020-01-01 10:00:60", None),
    ("13:00 AM", "HH12:MI AM"), ("00:00 AM", "HH12:MI AM"), ("2020/01/01", "YYYY-MM-DD"),
    ("XYZ 2020", "MON YYYY"), ("2020 XX", "YYYY AM"), ("0000-01-01", "YYYY-MM-DD"),
])
def test_parse_errors(text, fmt):
    assert err(parse_datetime, text, fmt, tz=KST)[0] == 300


def test_parse_range_limits():
    assert err(parse_datetime, "1969-12-31 23:59:59", tz=UTC)[0] == 2247
    assert err(parse_datetime, "1970-01-01 05:00:00", tz=KST)[0] == 2247   # 1969 in UTC
    assert parse_datetime("1970-01-01 09:00:00", tz=KST) == 0
    assert parse_datetime("2262-04-11 23:47:16 854:775:807", tz=UTC) == 2**63 - 1
    assert err(parse_datetime, "2262-04-11 23:47:16 854:775:808", tz=UTC)[0] == 300
    assert err(parse_datetime, 12345, tz=UTC)[0] == 300


# -- lenient forms (REST append date_format, /machiot URLs) ------------------------------------

def test_seed_append_date_format_keeps_the_time():
    for i in (1, 2, 3):
        text = f"1999-01-01 00:00:0{i}"
        ns = parse_datetime(text, "YYYY-MM-DD", tz=KST, lenient=True)
        assert format_datetime(ns, tz=KST) == f"{text} 000:000:000"
    with pytest.raises(MachbaseError):
        parse_datetime("1999-01-01 00:00:01", "YYYY-MM-DD", tz=KST)     # strict: TO_DATE


@pytest.mark.parametrize("text,fmt,shown", [
    ("01/02/2020 10:11:12", "DD/MM/YYYY", "2020-02-01 10:11:12 000:000:000"),
    ("2020-01-02T10:11:12,345", "YYYY-MM-DD", "2020-01-02 10:11:12 345:000:000"),
    ("2020-01-02 10:11", "YYYY-MM-DD", "2020-01-02 10:11:00 000:000:000"),
    ("2020-01-02 10:11:12 1:2:3", "YYYY-MM", "2020-01-02 10:11:12 001:002:003"),
    ("2020-01-02 10:11:12", "YYYY/MM/DD HH24", "2020-01-02 10:11:12 000:000:000"),
])
def test_lenient_fallbacks(text, fmt, shown):
    assert kst(text, fmt, lenient=True) == shown


@pytest.mark.parametrize("text,shown", [
    ("2020-12-12", "2020-12-12 00:00:00 000:000:000"),
    ("2020-12-12 03:22:22", "2020-12-12 03:22:22 000:000:000"),
    ("2020-12-12 03:22:22 222:333:444", "2020-12-12 03:22:22 222:333:444"),
    ("2020-12-12T03:22:22", "2020-12-12 03:22:22 000:000:000"),
    ("2020-12-12T03:22:22,234", "2020-12-12 03:22:22 234:000:000"),
    ("2020-12-12 03:22:22,234", "2020-12-12 03:22:22 234:000:000"),
    ("2001-09-09T00:00:00,000", "2001-09-09 00:00:00 000:000:000"),
    ("2001-09-09T01:20:00,000", "2001-09-09 01:20:00 000:000:000"),
    ("2020-12-12+03:22:22", "2020-12-12 03:22:22 000:000:000"),
])
def test_machiot_url_times(text, shown):
    assert format_datetime(parse_machiot_time(text, tz=KST), tz=KST) == shown


def test_relative_times():
    now = 10**18
    assert parse_machiot_time("now", now_ns=now) == now
    assert parse_machiot_time("now - 1h", now_ns=now) == now - 3600 * SEC
    assert parse_machiot_time("SYSDATE+2d6h", now_ns=now) == now + (2 * 86400 + 6 * 3600) * SEC
    assert parse_machiot_time("now - 3s125ms10us4ns", now_ns=now) == \
        now - (3 * SEC + 125 * 10**6 + 10 * 10**3 + 4)
    assert parse_machiot_time("now - 250", now_ns=now) == now - 250
    assert parse_machiot_time("now - 1w", now_ns=now) == now - 7 * 86400 * SEC
    assert err(parse_machiot_time, "now - 1y", now_ns=now) == (
        2034, "Invalid format of time expression.")
    assert err(parse_machiot_time, "now - 1h3xm", now_ns=now)[0] == 2034
    assert err(parse_machiot_time, "now - 100000d", now_ns=now)[0] == 2247
    assert err(parse_datetime, "now", tz=KST)[0] == 300           # strict TO_DATE: no


# -- timezones ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text,offset,label", [
    ("+0900", 32400, "+0900"), ("-0330", -12600, "-0330"), ("+09:00", 32400, "+0900"),
    ("+09", 32400, "+0900"), ("UTC", 0, "+0000"), ("Z", 0, "+0000"), ("GMT+0100", 3600, "+0100"),
])
def test_fixed_offsets(text, offset, label):
    tz = Timezone.parse(text)
    assert tz.offset_s == offset and tz.label() == label and tz.is_fixed


@pytest.mark.parametrize("text", ["", "+2500", "+0960", "Mars/Olympus", "09", "../etc"])
def test_invalid_timezones(text):
    assert err(Timezone.parse, text) == (3120, f"The timezone ({text}) is invalid.")


def test_iana_zone_dst():
    ny = Timezone.parse("America/New_York")
    assert not ny.is_fixed
    summer = parse_datetime("2021-07-01 12:00:00", tz=ny)
    winter = parse_datetime("2021-01-01 12:00:00", tz=ny)
    assert summer == parse_datetime("2021-07-01 16:00:00", tz=UTC)
    assert winter == parse_datetime("2021-01-01 17:00:00", tz=UTC)
    assert ny.label(summer) == "-0400" and ny.label(winter) == "-0500"
    # Around the spring-forward instant 2021-03-14 07:00 UTC, second by second.
    t0 = parse_datetime("2021-03-14 06:59:58", tz=UTC)
    ns = np.array([t0 + k * SEC for k in range(4)])
    assert format_datetime(ns, "HH24:MI:SS", tz=ny) == ["01:59:58", "01:59:59", "03:00:00",
                                                          "03:00:01"]
    # Fall back: 01:30 happens twice; parsing takes the first (EDT).
    assert parse_datetime("2021-11-07 01:30:00", tz=ny) == \
        parse_datetime("2021-11-07 05:30:00", tz=UTC)
    # A time in the gap moves forward.
    assert format_datetime(parse_datetime("2021-03-14 02:30:00", tz=ny), tz=ny) == \
        "2021-03-14 03:30:00 000:000:000"


def test_local_timezone_and_default():
    tz = Timezone.local()
    assert isinstance(tz, Timezone)
    assert len(tz.label()) == 5
    assert isinstance(format_datetime(0), str)


# -- vectorised formatter vs the scalar twin ---------------------------------------------

FORMAT_PIECES = st.sampled_from(
    ["YYYY", "YY", "MM", "MON", "DD", "DAY", "IW", "WW", "W", "HH", "HH12", "HH24", "HH2",
     "HH3", "HH6", "MI", "MI2", "MI5", "MI10", "MI20", "MI30", "SS", "SS2", "SS5", "SS10",
     "SS20", "SS30", "AM", "PM", "mmm", "uuu", "nnn", "-", ":", " ", "/", "T", ".", "x", "é"])
ZONES = st.one_of(
    st.integers(-23 * 60, 23 * 60).map(lambda m: Timezone.fixed(m * 60)),
    st.sampled_from(["America/New_York", "Asia/Seoul", "Europe/London", "Australia/Lord_Howe",
                     "Asia/Kolkata"]).map(Timezone.parse),
)
INSTANTS = st.integers(0, 2**63 - 1)


@settings(max_examples=150, deadline=None)
@given(st.lists(INSTANTS, min_size=1, max_size=40), st.lists(FORMAT_PIECES, max_size=12),
       ZONES)
def test_vectorised_matches_reference(instants, pieces, tz):
    fmt = "".join(pieces) or DEFAULT_FORMAT
    got = format_datetime(np.array(instants, dtype=np.int64), fmt, tz=tz)
    assert got == [format_ref(v, fmt, tz) for v in instants]


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 200 * 365 * 86400 * SEC), st.integers(1, 3000), ZONES)
def test_vectorised_on_dense_runs_matches_reference(start, count, tz):
    # Many values over a short span: the day-table path.
    ns = start + np.arange(count, dtype=np.int64) * 977_000_123_457
    got = format_datetime(ns, DEFAULT_FORMAT + " DAY IW AM", tz=tz)
    picks = [0, count // 2, count - 1]
    assert [got[i] for i in picks] == [format_ref(int(ns[i]), DEFAULT_FORMAT + " DAY IW AM", tz)
                                       for i in picks]


@settings(max_examples=150, deadline=None)
@given(INSTANTS, st.integers(-14 * 60, 14 * 60))
def test_parse_format_round_trip(ns, minutes):
    tz = Timezone.fixed(minutes * 60)
    text = format_datetime(ns, tz=tz)
    try:
        assert parse_datetime(text, tz=tz) == ns
    except MachbaseError as ex:                 # a local time outside 1970.. or ..2262
        assert ex.code in (300, 2247)


def test_format_inputs():
    assert format_datetime([0, None, SEC], "HH24:MI:SS", tz=UTC) == ["00:00:00", None,
                                                                      "00:00:01"]
    assert format_datetime(np.array([0], dtype="datetime64[s]"), "YYYY", tz=UTC) == ["1970"]
    assert format_datetime(np.zeros(0, dtype=np.int64), tz=UTC) == []
    assert format_datetime([], tz=UTC) == []
    raw = D.format_datetime_bytes(np.array([0, SEC]), tz=UTC)
    assert raw.dtype == np.dtype("S31") and raw[1] == b"1970-01-01 00:00:01 000:000:000"
    # A wide spread of few values takes the direct (no day table) path.
    spread = np.array([0, 2**62, 2**63 - 1])
    assert format_datetime(spread, tz=UTC) == [format_ref(int(v), DEFAULT_FORMAT, UTC)
                                               for v in spread]


def test_vectorised_default_format_is_fast_enough():
    ns = np.sort(np.random.default_rng(0).integers(10**18, 10**18 + 365 * 86400 * SEC,
                                                   200_000))
    D.format_datetime_bytes(ns[:10], tz=KST)
    import time
    t = time.perf_counter()
    D.format_datetime_bytes(ns, tz=KST)
    assert time.perf_counter() - t < 1.0        # ~10 ms here; generous for busy machines


# -- bulk parsing ------------------------------------------------------------------------------

def scalar_or_error(text, fmt, tz, lenient):
    try:
        return parse_datetime(text, fmt, tz=tz, lenient=lenient)
    except MachbaseError as ex:
        return (ex.code, ex.message)


def bulk_results(texts, fmt, tz, lenient):
    values, errs = D.parse_datetimes(texts, fmt, tz=tz, lenient=lenient, errors="collect")
    return [(e.code, e.message) if e is not None else int(v) for v, e in zip(values, errs)]


PARSE_FORMATS = st.sampled_from([None, "YYYY-MM-DD", "YYYY-MM-DD HH24:MI:SS", "YYYYMMDDHH24MISS",
                                 "DD/MM/YYYY", "YYYY-MM-DD HH24:MI:SS mmm", "HH24:MI YYYY",
                                 "YYYY-MM-DDTHH24:MI:SS,mmm", "YY-MM-DD"])


@st.composite
def date_texts(draw):
    ns = draw(st.integers(0, 2**62))
    fmt = draw(st.sampled_from([DEFAULT_FORMAT, "YYYY-MM-DD HH24:MI:SS", "YYYY-MM-DD",
                                "YYYYMMDDHH24MISS", "DD/MM/YYYY HH24:MI",
                                "YYYY-MM-DDTHH24:MI:SS,mmm"]))
    text = format_datetime(ns, fmt, tz=UTC)
    cut = draw(st.integers(1, len(text)))
    mutate = draw(st.sampled_from(["keep", "cut", "digit", "char"]))
    if mutate == "cut":
        text = text[:cut]
    elif mutate == "digit":
        text = text[:cut - 1] + draw(st.sampled_from("0123456789")) + text[cut:]
    elif mutate == "char":
        text = text[:cut - 1] + draw(st.sampled_from("x -:/9é")) + text[cut:]
    return text


@settings(max_examples=150, deadline=None)
@given(st.lists(date_texts(), min_size=1, max_size=30), PARSE_FORMATS, st.booleans(),
       st.one_of(st.integers(-12 * 60, 14 * 60).map(lambda m: Timezone.fixed(m * 60)),
                 st.sampled_from(["America/New_York", "Australia/Lord_Howe"]).map(Timezone.parse)))
def test_bulk_parse_matches_scalar(texts, fmt, lenient, tz):
    assert bulk_results(texts, fmt, tz, lenient) == \
        [scalar_or_error(t, fmt, tz, lenient) for t in texts]


def test_bulk_parse_seed_append_and_errors():
    texts = ["1999-01-01 00:00:01", "1999-01-01 00:00:02", "1999-01-01 00:00:03"]
    values = D.parse_datetimes(texts, "YYYY-MM-DD", tz=KST, lenient=True)
    assert values.tolist() == [parse_datetime(t, tz=KST) for t in texts]
    with pytest.raises(MachbaseError) as info:
        D.parse_datetimes(texts + ["nope"], "YYYY-MM-DD", tz=KST)
    assert info.value.code == 300
    values, errs = D.parse_datetimes(["2020-01-01", "1969-12-31", None, ""], tz=UTC,
                                     errors="collect")
    assert values[0] == parse_datetime("2020-01-01", tz=UTC)
    assert [e and e.code for e in errs] == [None, 2247, 300, 300]
    with pytest.raises(ValueError):
        D.parse_datetimes([], errors="ignore")
    # A DST fold/gap row is decided by the scalar rules.
    ny = Timezone.parse("America/New_York")
    texts = ["2021-11-07 01:30:00", "2021-03-14 02:30:00", "2021-07-01 12:00:00"]
    assert D.parse_datetimes(texts, tz=ny).tolist() == [parse_datetime(t, tz=ny) for t in texts]
