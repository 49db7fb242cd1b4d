"""/machiot (the Machbase tag-table REST API) over real HTTP: the seed's examples, field by field.

The seed's server runs at +0900, so these servers do too.  The seed's data set is rebuilt
(``tag-N`` every 100 s from 2001-09-09 01:00:0N, value 8000+N+100k, up to tag-1's
2001-09-21 12:31:41, the end of the seed's ``range`` of tag-1) and the raw and calculated
examples are compared exactly.  The data runs far past the examples' End (01:20:00): the
calculated answer's last bucket holds only the 01:20:01 row because End bounds the minute
*units* counted, not because the data stops.  The seed's lookup examples come from a
different data set (tag-1's minimum 10001 after its first value 8001, counts of 10000,
tag-1's last value 999901); their columns (names, types, lengths) are compared exactly and
their values computed from ours, except where the data set reproduces them (range of the
whole table and of tag-1/tag-2, first/last of the whole table, first of two tags, the
last rows' times).  Where the seed contradicts itself the described behaviour wins; each
place says so.

Value texts: a float without ``s``/``Scale`` prints as the shortest text that reads back
(``8001.0``); the seed prints ``8001`` in the raw/calculated examples and ``8001.0`` in
the lookup examples (docs/machbase-formats.md).  JSON-wise both are the same number.
"""
import base64
from datetime import datetime, timedelta, timezone
from urllib.parse import quote

import pytest
import requests

from conftest import ServerProcess, _shutdown, open_engine
from machstore.storage import rollups

TZ = "+0900"
SEED_AUTH = "Basic c3lzQGxvY2FsaG9zdDptYW5hZ2Vy"  # base64("sys@localhost:manager"), from the seed
NTAGS = 100                       # tag-0..tag-99
NROWS = 10784                     # k = 0..10783: 01:00:0N on 2001-09-09 .. 12:31:4N on 2001-09-21
EARLY = 13                        # rows per tag up to EARLY_END (k = 0..12, 01:00:0N .. 01:20:0N)
EARLY_END = "2001-09-09T01:20:59"
TAG_DDL = "create tag table {} (name varchar(20) primary key, time datetime basetime, value double summarized)"
RAW_COLUMNS = [{"name": "NAME", "type": 5, "length": 20}, {"name": "TIME", "type": 6, "length": 31},
               {"name": "VALUE", "type": 20, "length": 17}]
NAME100 = {"name": "name", "type": 5, "length": 100}
TIME31 = {"name": "time", "type": 6, "length": 31}
OK = {"error_code": 0, "error_message": "No Error", "timezone": TZ, "data": []}
PREFIXES = ("/machiot", "/machiot/v1", "/machiot-rest-api", "/machiot-rest-api/v1")
LOCAL = timezone(timedelta(hours=9))
DAY0 = datetime(2001, 9, 9, tzinfo=LOCAL)  # the seconds of the data set count from this local midnight


# -- the seed's data set ----------------------------------------------------------------------

def clock(seconds):
    """The local time ``seconds`` after 2001-09-09 00:00 (+0900), as the seed prints it."""
    day, rest = divmod(seconds, 86400)
    return f"2001-09-{9 + day:02d} {rest // 3600:02d}:{rest // 60 % 60:02d}:{rest % 60:02d}"


def row_second(n, k):
    return 3600 + n + 100 * k


def seed_rows(ntags=NTAGS, nrows=NROWS):
    return [[f"tag-{n}", clock(row_second(n, k)), 8000 + n + 100 * k] for n in range(ntags) for k in range(nrows)]


def post_rows(srv, table, rows, chunk=100_000):
    """Append rows in requests of ``chunk`` rows (each under the 25 MB body limit)."""
    for i in range(0, len(rows), chunk):
        r = post(srv, f"/machiot/datapoints/raw/{table}",
                 {"date_format": "YYYY-MM-DD HH24:MI:SS", "values": rows[i:i + chunk]})
        assert r.json()["append_success"] == len(rows[i:i + chunk]), r.text


def printed(seconds):
    return clock(seconds) + " 000:000:000"


def raw_row(n, k):
    return {"NAME": f"tag-{n}", "TIME": printed(row_second(n, k)), "VALUE": 8000 + n + 100 * k}


# -- server and helpers -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def mi(tmp_path_factory):
    srv = ServerProcess(tmp_path_factory.mktemp("mi"), flags=("--timezone", TZ))
    srv.start()
    # the raw/calculated/lookup examples' table: the seed's rows plus the row behind its
    # "last of the whole table" example (NAME dummy, 2032-09-09 10:46:49, 1000000009)
    sql(srv, TAG_DDL.format("tag"))
    post_rows(srv, "tag", seed_rows() + [["dummy", "2032-09-09 10:46:49", 1000000009]])
    load_subsec(srv)  # rows off whole seconds, for sec units (the calculated tests)
    yield srv
    _shutdown(srv)


def sql(srv, text, **kw):
    r = requests.get(f"{srv.url}/machbase", params={"q": text}, timeout=30, **kw)
    assert r.json()["error_code"] == 0, r.text
    return r


def get(srv, path, **kw):
    return requests.get(srv.url + path, timeout=30, **kw)


def post(srv, path, doc, **kw):
    return requests.post(srv.url + path, json=doc, timeout=30, **kw)


def seg(text):
    """A path segment: spaces and other unsafe characters percent-encoded, ',' and ':' kept."""
    return quote(text, safe=",:")


def select_body(columns, data):
    return {"error_code": 0, "error_message": "", "columns": columns, "timezone": TZ, "data": data}


def effect(n):
    return {"error_code": 0, "error_message": "No Error", "timezone": TZ, "effect_rows": str(n), "data": []}


# -- raw data ---------------------------------------------------------------------------------------

def test_seed_raw_append(mi):
    sql(mi, TAG_DDL.format("tag_append"))
    r = post(mi, "/machiot-rest-api/datapoints/raw/tag_append",
             {"date_format": "YYYY-MM-DD HH24:MI:SS",
              "values": [["tag1", "1999-01-01 00:00:00", 0], ["tag1", "1999-01-01 00:00:01", 1],
                         ["tag1", "1999-01-01 00:00:02", 2]]})
    assert (r.status_code, r.json()) == (200, {"error_code": 0, "error_message": "No Error", "timezone": TZ,
                                               "data": [], "append_success": 3, "append_failure": 0})
    assert list(r.json()) == ["error_code", "error_message", "timezone", "data", "append_success", "append_failure"]
    # per-row failures: a bad time, a wrong column count, a NULL name; the good row is kept
    r = post(mi, "/machiot/v1/datapoints/raw/tag_append",
             {"values": [["tag1", "not a time", 3], ["tag1", "1999-01-01 00:00:03"], [None, "1999-01-01", 1],
                         ["tag2", "1999-01-01 00:00:04 000:000:000", 4]]})
    assert (r.json()["append_success"], r.json()["append_failure"]) == (1, 3)
    r = get(mi, "/machiot/tags/count/tag_append/tag1,tag2")
    assert r.json()["data"] == [{"name": "tag1", "count": 3}, {"name": "tag2", "count": 1}]


def test_seed_raw_select_path_form(mi):
    r = get(mi, "/machiot/v1/datapoints/raw/tag/tag-1/2001-09-09T00:00:00,000/2001-09-09T01:20:00,000/0/5/0")
    # NOTE: the seed prints six rows for Count 5 here (and five for the same query in the
    # argument form below); Count is the number of rows, so five.
    assert (r.status_code, r.json()) == (200, select_body(RAW_COLUMNS, [raw_row(1, k) for k in range(5)]))
    assert list(r.json()) == ["error_code", "error_message", "columns", "timezone", "data"]
    assert '"VALUE":8001.0' in r.text  # shortest float text (the seed prints 8001, see module doc)


def test_seed_raw_select_query_form(mi):
    r = get(mi, "/machiot/v1/datapoints/raw?Table=tag&TagNames=tag-1&Start=2001-09-09T00:00:00,000"
                "&End=2001-09-09T01:20:00,000&Direction=0&Count=5&Offset=0")
    assert r.json() == select_body(RAW_COLUMNS, [raw_row(1, k) for k in range(5)])
    # argument names are case-insensitive; path segments and arguments mix
    r2 = get(mi, "/machiot/v1/datapoints/raw/tag/tag-1?start=2001-09-09T00:00:00,000&END=2001-09-09T01:20:00,000"
                 "&count=5")
    assert r2.json() == r.json()


def test_seed_raw_select_several_tags(mi):
    r = get(mi, "/machiot/v1/datapoints/raw/tag/tag-1,tag-2,tag-3/2001-09-09T00:00:00,000/"
                "2001-09-09T01:20:00,000/0/0/0")
    # NOTE: the seed prints a bare array of 2+2+3 rows here: an abbreviated listing of the
    # result (the envelope and Count 0 = every row are what the text describes).  Its rows
    # are the start of each tag's run; each tag has 12 rows up to 01:20:00 (and more after).
    seed_rows_shown = [raw_row(1, 0), raw_row(1, 1), raw_row(2, 0), raw_row(2, 1), raw_row(3, 0), raw_row(3, 1),
                       raw_row(3, 2)]
    data = r.json()["data"]
    assert r.json() == select_body(RAW_COLUMNS, data)
    assert data == [raw_row(n, k) for n in (1, 2, 3) for k in range(12)]
    assert all(row in data for row in seed_rows_shown)


def test_raw_direction_count_offset_and_optional_segments(mi):
    base = f"/machiot/datapoints/raw/tag/tag-1,tag-2/2001-09-09/{EARLY_END}"
    desc = sorted(([raw_row(n, k) for n in (1, 2) for k in range(EARLY)]), key=lambda d: d["TIME"], reverse=True)
    assert get(mi, base + "/1/3/1").json()["data"] == desc[1:4]
    assert get(mi, base + "/1").json()["data"] == desc
    assert get(mi, base + "/2/3").json()["data"] == desc[::-1][:3]
    assert get(mi, base + "/0/3/11").json()["data"] == [raw_row(1, 11), raw_row(1, 12), raw_row(2, 0)]
    assert get(mi, base).json()["data"] == [raw_row(n, k) for n in (1, 2) for k in range(EARLY)]
    assert get(mi, base + "/0/0/25").json()["data"] == [raw_row(2, 12)]
    assert get(mi, base + "/2/0/100").json()["data"] == []
    single = get(mi, f"/machiot/datapoints/raw/tag/tag-7/2001-09-09/{EARLY_END}/1/2").json()["data"]
    assert single == [raw_row(7, 12), raw_row(7, 11)]
    # Direction 1 with Count over several tags: the newest rows of all of them (to the data's end)
    assert get(mi, "/machiot/datapoints/raw/tag/tag-1,tag-9,tag-5/2001-09-09/2001-09-22/1/3").json()["data"] == \
        [raw_row(9, NROWS - 1), raw_row(5, NROWS - 1), raw_row(1, NROWS - 1)]
    # Start after End: nothing
    assert get(mi, "/machiot/datapoints/raw/tag/tag-1/2001-09-10/2001-09-09").json()["data"] == []
    assert get(mi, "/machiot/datapoints/calculated/tag/tag-1/2001-09-10/2001-09-09/sum").json()["data"] == []


@pytest.mark.parametrize("end, rows", [
    ("2001-09-09", 0),
    ("2001-09-09 01:05:01", 4),
    ("2001-09-09 01:05:00", 3),
    ("2001-09-09 01:05:01 000:000:000", 4),
    ("2001-09-09 01:05:00 999:999:999", 3),
    ("2001-09-09T01:05:01", 4),
    ("2001-09-09T01:05:00,999", 3),
    ("2001-09-09T01:05:01,000", 4),
    ("2001-09-09 01:05:01,000", 4),
    ("2001-09-09+01:05:01", 4),       # an undecoded '+' for the space
    ("2001-09-10", 828),              # k = 0..827: 01:00:01 .. 23:58:41
])
def test_every_time_format(mi, end, rows):
    r = get(mi, f"/machiot/datapoints/raw/tag/tag-1/2001-09-09/{seg(end)}")
    assert r.json()["data"] == [raw_row(1, k) for k in range(rows)], r.text
    # the same as a query argument ('+' is a space there, as in any query string)
    r = get(mi, "/machiot/datapoints/raw", params={"Table": "tag", "TagNames": "tag-1", "Start": "2001-09-09",
                                                    "End": end.replace("+", " ")})
    assert r.json()["data"] == [raw_row(1, k) for k in range(rows)], r.text


def test_raw_delete(mi):
    sql(mi, TAG_DDL.format("tagdel"))
    r = post(mi, "/machiot/datapoints/raw/tagdel", {"values": seed_rows(nrows=EARLY)})
    assert r.json()["append_success"] == NTAGS * EARLY
    # NOTE: the seed deletes every tag first (1201 rows) and then tag-2,tag-3 (32 rows) before
    # the same time, which cannot both hold; its data set has other rows.  Here: tag-2 and
    # tag-3 first (12 rows each before 01:20:00), then every tag (12 each for the 98 others).
    r = requests.delete(f"{mi.url}/machiot/v1/datapoints/raw/tagdel/tag-2,tag-3/2001-09-09T01:20:00,000", timeout=30)
    assert (r.status_code, r.json()) == (200, effect(24))
    assert list(r.json()) == ["error_code", "error_message", "timezone", "effect_rows", "data"]
    r = requests.delete(f"{mi.url}/machiot/v1/datapoints/raw/tagdel/2001-09-09T01:20:00,000", timeout=30)
    assert r.json() == effect(98 * 12)
    assert get(mi, "/machiot/tags/count/tagdel").json()["data"] == [{"count": NTAGS}]
    # the argument form; BeforeTime is exclusive
    r = requests.delete(f"{mi.url}/machiot-rest-api/datapoints/raw?Table=tagdel&TagNames=tag-5&BeforeTime="
                        + quote(clock(row_second(5, 12))), timeout=30)
    assert r.json() == effect(0)
    r = requests.delete(f"{mi.url}/machiot-rest-api/datapoints/raw/tagdel?TagNames=tag-5&BeforeTime=2001-09-10",
                        timeout=30)
    assert r.json() == effect(1)
    # two segments are Table/BeforeTime: a TagNames argument still narrows the delete
    r = requests.delete(f"{mi.url}/machiot/datapoints/raw/tagdel/2001-09-10?TagNames=tag-7,tag-8", timeout=30)
    assert r.json() == effect(2)
    assert get(mi, "/machiot/tags/count/tagdel/tag-5,tag-6").json()["data"] == [{"name": "tag-5", "count": 0},
                                                                                 {"name": "tag-6", "count": 1}]


# -- calculated --------------------------------------------------------------------------------------
# The rule (docs/machiot.md): a row counts when the IntervalType unit (sec/min/hour) holding it
# *starts* in [Start, End]; counted rows group into epoch-aligned buckets of IntervalValue units.

CALC_URL = "/machiot/v1/datapoints/calculated/tag/tag-1/2001-09-09T00:00:00,000/2001-09-09T01:20:00,000"
SEED_CALC = [{"time": "2001-09-09 01:00:00 000:000:000", "sum": 24303, "min": 8001, "max": 8201},
             {"time": "2001-09-09 01:05:00 000:000:000", "sum": 25203, "min": 8301, "max": 8501},
             {"time": "2001-09-09 01:10:00 000:000:000", "sum": 26103, "min": 8601, "max": 8801},
             {"time": "2001-09-09 01:15:00 000:000:000", "sum": 27003, "min": 8901, "max": 9101},
             {"time": "2001-09-09 01:20:00 000:000:000", "sum": 9201, "min": 9201, "max": 9201}]
UNIT_S = {"sec": 1, "min": 60, "hour": 3600}


def test_seed_calculated_sum(mi):
    r = get(mi, CALC_URL + "/sum/5/min/5")
    # the data goes on every 100 s (01:21:41, 01:23:21, ...), yet the 01:20 bucket holds only
    # 01:20:01: End 01:20:00 takes the minute units starting up to 01:20:00 (the seed's answer)
    assert (r.status_code, r.json()) == (200, select_body(
        [{"name": "time", "type": 6, "length": 31}, {"name": "sum", "type": 20, "length": 17}],
        [{"time": d["time"], "sum": d["sum"]} for d in SEED_CALC]))
    assert '"sum":24303.0' in r.text
    assert get(mi, "/machiot/datapoints/raw/tag/tag-1/2001-09-09T01:20:00/2001-09-09T01:25:00").json()["data"] == \
        [raw_row(1, 12), raw_row(1, 13), raw_row(1, 14)]  # 01:20:01, 01:21:41, 01:23:21 are stored


def test_seed_calculated_several_modes(mi):
    r = get(mi, CALC_URL + "/sum,min,max/5/min/5")
    assert r.json() == select_body(
        [{"name": "time", "type": 6, "length": 31}, {"name": "sum", "type": 20, "length": 17},
         {"name": "min", "type": 20, "length": 17}, {"name": "max", "type": 20, "length": 17}], SEED_CALC)
    assert list(r.json()["data"][0]) == ["time", "sum", "min", "max"]


def seed_calc(tags, unit, n, modes, first, last):
    """The calculated rows of the seed's data set by the rule in plain words (local seconds; +0900 is whole hours)."""
    base = int(DAY0.timestamp())
    width = UNIT_S[unit] * n
    out = {}
    for tag in tags:
        for k in range(NROWS):
            s = row_second(tag, k)
            if first <= s // UNIT_S[unit] * UNIT_S[unit] <= last:
                out.setdefault((base + s) // width * width - base, []).append(8000 + tag + 100 * k)
    rows = []
    for start in sorted(out):
        values = out[start]
        row = {"time": printed(start)}
        for m in modes:
            row[m] = {"sum": sum(values), "min": min(values), "max": max(values), "count": len(values),
                      "avg": sum(values) / len(values)}[m]
        rows.append(row)
    return rows


def test_calculated_end_counts_to_the_end_of_its_unit(mi):
    url = "/machiot/datapoints/calculated/tag/tag-1/2001-09-09T00:00:00/{end}/sum/0/min/5"
    last = {end: get(mi, url.format(end=end)).json()["data"][-1] for end in (
        "2001-09-09T01:19:59,999", "2001-09-09T01:20:00", "2001-09-09T01:20:59,999", "2001-09-09T01:21:00")}
    assert last == {"2001-09-09T01:19:59,999": {"time": printed(4500), "sum": 27003},  # no 01:20 bucket
                    "2001-09-09T01:20:00": {"time": printed(4800), "sum": 9201},
                    "2001-09-09T01:20:59,999": {"time": printed(4800), "sum": 9201},
                    "2001-09-09T01:21:00": {"time": printed(4800), "sum": 9201 + 9301}}  # + 01:21:41
    # an hour unit counts whole: End 01:20:00 takes 01:00:01 .. 01:58:21 (36 rows), not 02:00:01
    r = get(mi, CALC_URL + "/count,sum/0/hour/1")
    assert r.json()["data"] == [{"time": printed(3600), "count": 36, "sum": 36 * 8001 + 100 * 35 * 36 // 2}]
    # a unit starting before an unaligned Start is left out whole, with its rows after Start:
    # Start 01:00:01 drops the 01:00 minute, so the 01:00:01 row itself (8001) is not counted
    r = get(mi, "/machiot/datapoints/calculated/tag/tag-1/2001-09-09T01:00:01/2001-09-09T01:04:00/sum,count/0/min/5")
    assert r.json()["data"] == [{"time": printed(3600), "sum": 8101 + 8201, "count": 2}]
    # in sec units the 01:00:01 row is its own unit's start, so it counts (labelled 01:00:00)
    r = get(mi, "/machiot/datapoints/calculated/tag/tag-1/2001-09-09T01:00:01/2001-09-09T01:04:00/sum/0/sec/5")
    assert r.json()["data"][0] == {"time": printed(3600), "sum": 8001}


def test_calculated_sec_units_off_whole_seconds(mi):
    # s-1 has rows at 02:00:10.360, 02:00:10.730, 02:00:11.100, 02:00:11.470, 02:00:11.840, 02:00:12.210
    url = "/machiot/datapoints/calculated/subsec/s-1/{}/{}/count,sum/0/sec/1"
    r = get(mi, url.format(seg("2001-09-09 02:00:10 300:000:000"), seg("2001-09-09 02:00:10 400:000:000")))
    assert r.json()["data"] == []  # the 10.360 row is in [Start, End], but its unit starts before Start
    r = get(mi, url.format(seg("2001-09-09 02:00:10 300:000:000"), "2001-09-09T02:00:11"))
    assert r.json()["data"] == [{"time": "2001-09-09 02:00:11 000:000:000", "count": 3, "sum": 0.25 * (30 + 31 + 32)}]


def test_calculated_modes_tags_intervals(mi):
    # several tags aggregate together; count is a long, avg a double
    r = get(mi, "/machiot/datapoints/calculated/tag/tag-1,tag-2/2001-09-09 01:00:00/2001-09-09 01:59:59/"
                "count,avg,min/0/min/10")
    assert r.json()["columns"] == [TIME31, {"name": "count", "type": 12, "length": 20},
                                   {"name": "avg", "type": 20, "length": 17}, {"name": "min", "type": 20, "length": 17}]
    assert r.json()["data"] == seed_calc([1, 2], "min", 10, ["count", "avg", "min"], 3600, 7199)
    # Count limits the buckets; hour and sec intervals (hours of the +0900 zone are the epoch's)
    r = get(mi, CALC_URL + "/max,sum/2/min/5")
    assert r.json()["data"] == seed_calc([1], "min", 5, ["max", "sum"], 0, 4800)[:2]
    r = get(mi, "/machiot/datapoints/calculated/tag/tag-2,tag-5/2001-09-10/2001-09-11 07:30:00/sum,max/0/hour/3")
    assert r.json()["data"] == seed_calc([2, 5], "hour", 3, ["sum", "max"], 86400, 2 * 86400 + 7 * 3600 + 1800)
    r = get(mi, "/machiot/datapoints/calculated/tag/tag-3/2001-09-09 01:00:00/2001-09-09 01:05:00/sum/0/sec/30")
    assert r.json()["data"] == seed_calc([3], "sec", 30, ["sum"], 3600, 3900)  # 01:05:03 is after End's second
    # the argument form and optional trailing segments (Count 0, IntervalType sec, IntervalValue 1)
    r = get(mi, "/machiot/datapoints/calculated?Table=tag&TagNames=tag-1&Start=2001-09-09T00:00:00,000"
                "&End=2001-09-09T01:20:00,000&CalculationMode=sum&Count=5&IntervalType=min&IntervalValue=5")
    assert r.json() == get(mi, CALC_URL + "/sum/5/min/5").json()
    r = get(mi, "/machiot/datapoints/calculated/tag/tag-4/2001-09-09 01:00:00/2001-09-09 01:02:00/COUNT")
    assert r.json()["data"] == [{"time": printed(row_second(4, k)), "count": 1} for k in range(2)]
    # nothing in range (after the data set's end): no buckets
    r = get(mi, "/machiot/datapoints/calculated/tag/tag-1/2001-09-22/2001-09-23/sum/0/min/5")
    assert r.json()["data"] == []


# -- calculated against the rows: the rollup path, the pending path and a raw computation agree ------

SUBSEC_ROWS = 1622  # 10 minutes of rows every 370 ms from 02:00:00.000 (s-1) and 02:00:00.125 (s-2)


def subsec_rows():
    """Rows off whole seconds, so that a unit holding Start or End has rows on both sides of it."""
    out = []
    for name, offset_ms, value0, step in (("s-1", 0, 0.0, 0.25), ("s-2", 125, 1000.0, 0.5)):
        for k in range(SUBSEC_ROWS):
            ms = offset_ms + 370 * k
            out.append([name, f"2001-09-09 02:{ms // 60000:02d}:{ms // 1000 % 60:02d} {ms % 1000:03d}:000:000",
                        value0 + step * k])
    return out


def load_subsec(srv):
    """Create and fill the table ``subsec`` with ``subsec_rows()``."""
    sql(srv, TAG_DDL.format("subsec"))
    r = post(srv, "/machiot/datapoints/raw/subsec", {"values": subsec_rows()})
    assert r.json()["append_success"] == 2 * SUBSEC_ROWS, r.text


# table, tags, Start, End, IntervalType, IntervalValue: every case but the seed's has rows
# before Start and after End
CALC_CASES = [
    ("tag", "tag-1", "2001-09-09 00:00:00", "2001-09-09 01:20:00", "min", 5),           # the seed's
    ("tag", "tag-1,tag-2", "2001-09-10 03:02:30", "2001-09-10 04:17:10", "min", 5),     # both inside a minute
    ("tag", "tag-1,tag-3", "2001-09-10 03:00:00", "2001-09-10 05:20:00", "hour", 1),    # End inside an hour
    ("tag", "tag-2", "2001-09-10 03:30:00", "2001-09-10 09:00:00", "hour", 2),          # End a unit's start
    ("tag", "tag-3", "2001-09-10 03:00:03 500:000:000", "2001-09-10 03:10:02", "sec", 30),  # rows 03:00:03, 03:10:03
    ("subsec", "s-1,s-2", "2001-09-09 02:00:10 300:000:000", "2001-09-09 02:03:20 400:000:000", "sec", 5),
    ("subsec", "s-2", "2001-09-09 02:00:10 300:000:000", "2001-09-09 02:07:20 400:000:000", "min", 2),
    ("subsec", "s-1", "2001-09-09 02:00:10", "2001-09-09 02:01:00", "sec", 1),
]


def epoch_ns(text):
    """The UTC ns of a +0900 time written ``YYYY-MM-DD HH24:MI:SS[ mmm:uuu:nnn]`` (the default format)."""
    whole = datetime.strptime(text[:19], "%Y-%m-%d %H:%M:%S").replace(tzinfo=LOCAL)
    return int(whole.timestamp()) * 10**9 + int(text[20:].replace(":", "") or 0)


def rows_around(srv, table, tags, start, end):
    """The raw rows ``[(time_ns, value)]`` of a day either side of [start, end], read by the raw API."""
    day = 86400 * 10**9
    lo, hi = (datetime.fromtimestamp(t // 10**9, LOCAL).strftime("%Y-%m-%dT%H:%M:%S") for t in (start - day, end + day))
    r = get(srv, f"/machiot/datapoints/raw/{table}/{tags}/{lo}/{hi}/2")
    return [(epoch_ns(d["TIME"]), d["VALUE"]) for d in r.json()["data"]]


def calc_from_rows(rows, start, end, unit_ns, width_ns):
    """The rule in plain words over raw rows: ``{bucket_ns: (count, sum, min, max)}``."""
    out = {}
    for t, v in rows:
        if start <= t // unit_ns * unit_ns <= end:
            out.setdefault(t // width_ns * width_ns, []).append(v)
    return {b: (len(vs), sum(vs), min(vs), max(vs)) for b, vs in sorted(out.items())}


def check_case(srv, case):
    """Compare one calculated answer with the rule computed over the raw rows; return the answer."""
    table, tags, start_text, end_text, unit, n = case
    start, end = epoch_ns(start_text), epoch_ns(end_text)
    rows = rows_around(srv, table, tags, start, end)
    assert any(t > end for t, _ in rows) and (case is CALC_CASES[0] or any(t < start for t, _ in rows))
    want = calc_from_rows(rows, start, end, UNIT_S[unit] * 10**9, UNIT_S[unit] * n * 10**9)
    assert want  # every case has rows
    r = get(srv, f"/machiot/datapoints/calculated/{table}/{tags}/{seg(start_text)}/{seg(end_text)}/"
                 f"count,sum,min,max,avg/0/{unit}/{n}")
    data = r.json()["data"]
    got = {epoch_ns(d["time"]): (d["count"], d["sum"], d["min"], d["max"]) for d in data}
    assert got == want, case
    assert all(d["avg"] == pytest.approx(d["sum"] / d["count"]) for d in data)
    return data


@pytest.mark.parametrize("case", CALC_CASES, ids=lambda c: f"{c[1]}-{c[4]}{c[5]}")
def test_calculated_equals_the_rule_over_the_rows(mi, case):
    check_case(mi, case)


@pytest.fixture(scope="module")
def mi_pending(tmp_path_factory):
    """A server whose engine process goes idle for an hour at start: appended rows stay pending."""
    srv = ServerProcess(tmp_path_factory.mktemp("mi_pending"), flags=("--timezone", TZ, "--engine-idle-sleep", "3600"))
    srv.start()
    yield srv
    _shutdown(srv)


def test_calculated_pending_rows_then_rollups(mi_pending):
    sql(mi_pending, TAG_DDL.format("tag"))
    post_rows(mi_pending, "tag", seed_rows(5))
    load_subsec(mi_pending)
    with open_engine(mi_pending.data_dir) as eng, eng.env.begin() as txn:
        # nothing compacted, no rollup record: the answers come from pending rows alone
        assert eng.pending_segments() > 0 and txn.stat(eng.dbs[rollups.DB])["entries"] == 0
    pending = [check_case(mi_pending, case) for case in CALC_CASES]
    assert [{k: d[k] for k in ("time", "sum", "min", "max")} for d in pending[0]] == SEED_CALC
    assert get(mi_pending, "/machiot/tags/rollup/tag").json() == OK
    with open_engine(mi_pending.data_dir) as eng:
        assert eng.pending_segments() == 0  # everything compacted: answered from rollups alone
    assert [check_case(mi_pending, case) for case in CALC_CASES] == pending


# -- tag metadata ----------------------------------------------------------------------------------

def test_seed_tag_metadata(mi):
    # the seed's table for this section (named tagm here: "tag" holds the data set above)
    sql(mi, "create tagdata table TAGM (name_multi varchar(20) primary key, time_multi datetime basetime, "
            "value_multi double summarized, value2_multi short, value3_multi varchar(10)) "
            "metadata (myshortmeta short, baseip ipv4)")
    # tag0 and tag1 exist before the seed's requests (its list shows them; tag0 has data)
    r = post(mi, "/machiot/datapoints/raw/tagm", {"values": [["tag0", "2001-09-09 01:00:00", 1.5, 7, "x"],
                                                             ["tag1", "2001-09-09 01:00:00", 2.5, None, None]]})
    assert r.json()["append_success"] == 2
    r = post(mi, "/machiot/tags/list/tagm", {"values": [["tag3", 0, "127.0.0.0"], ["tag4", 1, "127.0.0.1"],
                                                        ["tag4", 1, "127.0.0.1"], ["tag5", 2, "127.0.0.2"]]})
    assert (r.status_code, r.json()) == (200, {"error_code": 0, "error_message": "No Error", "timezone": TZ,
                                               "data": [], "append_success": 3, "append_failure": 1})
    r = get(mi, "/machiot/tags/list/tagm")
    # NOTE: the name column is spelled as in the seed's CREATE (lower case) here, while the
    # raw examples print NAME/TIME/VALUE for a table created in lower case too; we follow
    # each example: tags/list lower-cases its column names.
    assert r.json() == select_body([{"name": "name_multi", "type": 5, "length": 20}],
                                   [{"name_multi": t} for t in ("tag0", "tag1", "tag3", "tag4", "tag5")])
    r = requests.put(f"{mi.url}/machiot/tags/list/tagm/tag0", json={"baseip": "192.168.0.1"}, timeout=30)
    assert (r.status_code, r.json()) == (200, effect(1))
    r = requests.patch(f"{mi.url}/machiot/tags/list/tagm/tag3", json={"baseip": "255.255.255.0", "myshortmeta": 9999},
                       timeout=30)
    assert r.json() == effect(1)
    meta_columns = [{"name": "name_multi", "type": 5, "length": 20}, {"name": "myshortmeta", "type": 4, "length": 6},
                    {"name": "baseip", "type": 32, "length": 15}]
    assert get(mi, "/machiot/tags/list/tagm/tag3").json() == select_body(
        meta_columns, [{"name_multi": "tag3", "myshortmeta": 9999, "baseip": "255.255.255.0"}])
    assert get(mi, "/machiot/v1/tags/list/tagm/tag0").json()["data"] == [
        {"name_multi": "tag0", "myshortmeta": None, "baseip": "192.168.0.1"}]
    assert get(mi, "/machiot/tags/list/tagm/tag1", params={"m": "1"}).json()["data"] == [["tag1", None, None]]
    r = requests.delete(f"{mi.url}/machiot/tags/list/tagm/tag0", headers={"Content-Type": "application/json"},
                        timeout=30)
    assert (r.status_code, r.json()) == (400, {
        "error_code": 2324, "error_message": "Cannot delete tagmeta. there exist data with deleted_tag key.",
        "timezone": TZ, "data": []})
    r = requests.delete(f"{mi.url}/machiot/tags/list/tagm/tag4", headers={"Content-Type": "application/json"},
                        timeout=30)
    assert (r.status_code, r.json()) == (200, effect(1))
    # several names at once; a tag with data keeps every name in place
    assert requests.delete(f"{mi.url}/machiot/tags/list/tagm/tag5,tag1", timeout=30).json()["error_code"] == 2324
    assert requests.delete(f"{mi.url}/machiot/datapoints/raw/tagm/tag0,tag1/2001-09-10", timeout=30).json() == effect(2)
    assert requests.delete(f"{mi.url}/machiot/tags/list/tagm/tag5,tag1", timeout=30).json() == effect(2)
    # rename through the name column
    assert requests.put(f"{mi.url}/machiot/tags/list/tagm/tag3", json={"NAME_MULTI": "tag3b"}, timeout=30).json() == \
        effect(1)
    assert [d["name_multi"] for d in get(mi, "/machiot/tags/list/tagm").json()["data"]] == ["tag0", "tag3b"]
    assert get(mi, "/machiot/tags/list/tagm/tag3b").json()["data"][0]["myshortmeta"] == 9999


def test_tag_metadata_bad_input(mi):
    sql(mi, "create tag table tagm2 (name varchar(8) primary key, time datetime basetime, value double summarized) "
            "metadata (site varchar(4), ip ipv4)")
    r = post(mi, "/machiot/tags/list/tagm2", {"values": [["ok1", "ab", "1.2.3.4"], ["toolongname", "x", None],
                                                         ["ok2", "toolong", None], ["ok3", "x", "1.2.3"],
                                                         [5, "x", None], ["ok4", "x", None, "extra"], "row",
                                                         ["ok5"]]})
    assert (r.json()["append_success"], r.json()["append_failure"]) == (2, 6)
    cases = [
        (requests.post(f"{mi.url}/machiot/tags/list/tagm2", data=b"{oops", timeout=30), 400, 3106),
        (post(mi, "/machiot/tags/list/tagm2", {"rows": []}), 400, 3106),
        (post(mi, "/machiot/tags/list/nosuch", {"values": []}), 404, 3113),
        (requests.put(f"{mi.url}/machiot/tags/list/tagm2/ok1", json={"nosuch": 1}, timeout=30), 404, 2030),
        (requests.put(f"{mi.url}/machiot/tags/list/tagm2/ok1", json={"ip": "300.1.1.1"}, timeout=30), 400, 2068),
        (requests.put(f"{mi.url}/machiot/tags/list/tagm2/ok1", json=[1], timeout=30), 400, 3106),
        (requests.patch(f"{mi.url}/machiot/tags/list/tagm2/ok1", data=b"not json", timeout=30), 400, 3106),
        (requests.patch(f"{mi.url}/machiot/tags/list/tagm2/nosuch", json={"site": "x"}, timeout=30), 404, 3113),
        (requests.put(f"{mi.url}/machiot/tags/list/tagm2/ok1", json={"name": "ok5"}, timeout=30), 400, 2258),
        (requests.put(f"{mi.url}/machiot/tags/list/tagm2", json={"site": "x"}, timeout=30), 400, 3122),
        (requests.delete(f"{mi.url}/machiot/tags/list/tagm2/nosuch", timeout=30), 404, 3113),
        (requests.delete(f"{mi.url}/machiot/tags/list/tagm2", timeout=30), 400, 3122),
        (get(mi, "/machiot/tags/list/tagm2/nosuch"), 404, 3113),
        (get(mi, "/machiot/tags/list/nosuch"), 404, 3113),
    ]
    for r, status, code in cases:
        assert (r.status_code, r.json()["error_code"]) == (status, code), r.text
    assert get(mi, "/machiot/tags/list/tagm2").json()["data"] == [{"name": "ok1"}, {"name": "ok5"}]


# -- lookups -------------------------------------------------------------------------------------------

def test_seed_lookups_whole_table(mi):
    assert get(mi, "/machiot/tags/range/tag").json() == select_body(
        [{"name": "name", "type": 5, "length": 3}, {"name": "min", "type": 6, "length": 31},
         {"name": "max", "type": 6, "length": 31}],
        [{"name": "ALL", "min": "2001-09-09 01:00:00 000:000:000", "max": "2032-09-09 10:46:49 000:000:000"}])
    # the seed's data set holds a 0.0 and a 10000000000.0; ours 8000 and the dummy row
    assert get(mi, "/machiot/tags/min/tag").json() == select_body([{"name": "min", "type": 20, "length": 17}],
                                                                  [{"min": 8000.0}])
    assert get(mi, "/machiot/tags/max/tag").json() == select_body([{"name": "max", "type": 20, "length": 17}],
                                                                  [{"max": 1000000009.0}])
    assert get(mi, "/machiot/tags/first/tag").json() == select_body(
        RAW_COLUMNS, [{"NAME": "tag-0", "TIME": "2001-09-09 01:00:00 000:000:000", "VALUE": 8000.0}])
    assert get(mi, "/machiot/tags/last/tag").json() == select_body(
        RAW_COLUMNS, [{"NAME": "dummy", "TIME": "2032-09-09 10:46:49 000:000:000", "VALUE": 1000000009.0}])
    # the seed counts 1000001 (10000 rows a tag): ours has NROWS a tag, up to tag-1's 2001-09-21 12:31:41
    count = select_body([{"name": "count", "type": 12, "length": 20}], [{"count": NTAGS * NROWS + 1}])
    assert get(mi, "/machiot/tags/count/tag").json() == count
    assert get(mi, "/machiot/tags/cnt/tag").json() == count
    r = get(mi, "/machiot/tags/disksize/tag/")  # the seed's URL ends with a slash
    assert r.json()["columns"] == [{"name": "disksize", "type": 12, "length": 20}]
    assert r.json()["data"][0]["disksize"] > 0


def test_seed_lookups_per_tag(mi):
    assert get(mi, "/machiot/tags/range/tag/tag-1,tag-2").json() == select_body(
        [{"name": "name", "type": 5, "length": 20}, {"name": "min", "type": 6, "length": 31},
         {"name": "max", "type": 6, "length": 31}],
        [{"name": "tag-1", "min": "2001-09-09 01:00:01 000:000:000", "max": "2001-09-21 12:31:41 000:000:000"},
         {"name": "tag-2", "min": "2001-09-09 01:00:02 000:000:000", "max": "2001-09-21 12:31:42 000:000:000"}])
    assert printed(row_second(1, NROWS - 1)) == "2001-09-21 12:31:41 000:000:000"
    assert get(mi, "/machiot/tags/min/tag/tag-1,tag-2").json() == select_body(
        [NAME100, TIME31, {"name": "min", "type": 20, "length": 17}],
        [{"name": f"tag-{n}", "time": printed(row_second(n, 0)), "min": 8000.0 + n} for n in (1, 2)])
    assert get(mi, "/machiot/tags/max/tag/tag-1,tag-2").json() == select_body(
        [NAME100, TIME31, {"name": "max", "type": 20, "length": 17}],
        [{"name": f"tag-{n}", "time": printed(row_second(n, NROWS - 1)), "max": 8000.0 + n + 100 * (NROWS - 1)}
         for n in (1, 2)])
    assert get(mi, "/machiot/tags/first/tag/tag-1,tag-2").json() == select_body(RAW_COLUMNS, [
        {"NAME": "tag-1", "TIME": "2001-09-09 01:00:01 000:000:000", "VALUE": 8001.0},
        {"NAME": "tag-2", "TIME": "2001-09-09 01:00:02 000:000:000", "VALUE": 8002.0}])
    # the seed's last rows: 2001-09-21 12:31:41 / 12:31:42 as here, values 999901 / 999902 (ours 8000+N+100k)
    assert get(mi, "/machiot/tags/last/tag/tag-1,tag-2").json() == select_body(RAW_COLUMNS, [
        {"NAME": "tag-1", "TIME": "2001-09-21 12:31:41 000:000:000", "VALUE": 8001.0 + 100 * (NROWS - 1)},
        {"NAME": "tag-2", "TIME": "2001-09-21 12:31:42 000:000:000", "VALUE": 8002.0 + 100 * (NROWS - 1)}])
    assert get(mi, "/machiot/tags/count/tag/tag-1,tag-2").json() == select_body(
        [NAME100, {"name": "count", "type": 12, "length": 20}], [{"name": "tag-1", "count": NROWS},
                                                                {"name": "tag-2", "count": NROWS}])
    assert get(mi, "/machiot/tags/cnt/tag/tag-2,tag-1").json()["data"] == [{"name": "tag-2", "count": NROWS},
                                                                           {"name": "tag-1", "count": NROWS}]
    r = get(mi, "/machiot/tags/disksize/tag/tag-1,tag-2")
    assert r.json()["columns"] == [NAME100, {"name": "disksize", "type": 12, "length": 20}]
    assert [d["name"] for d in r.json()["data"]] == ["tag-1", "tag-2"]


def test_rollup_and_lookups_after_it(mi):
    words = ("range", "min", "max", "first", "last", "count")
    before = {w: (get(mi, f"/machiot/tags/{w}/tag").json(), get(mi, f"/machiot/tags/{w}/tag/tag-3,tag-9").json())
              for w in words}
    calc = get(mi, CALC_URL + "/sum,count/0/min/5").json()
    for path in ("/machiot/tags/rollup/tag", "/machiot/v1/rollup/tag", "/machiot-rest-api/rollup/tag",
                 "/machiot-rest-api/v1/tags/rollup/tag"):
        r = get(mi, path)
        assert (r.status_code, r.json()) == (200, OK)
    assert {w: (get(mi, f"/machiot/tags/{w}/tag").json(), get(mi, f"/machiot/tags/{w}/tag/tag-3,tag-9").json())
            for w in words} == before
    assert get(mi, CALC_URL + "/sum,count/0/min/5").json() == calc
    total = get(mi, "/machiot/tags/disksize/tag").json()["data"][0]["disksize"]
    per_tag = get(mi, "/machiot/tags/disksize/tag/tag-1,tag-2").json()["data"]
    assert all(0 < d["disksize"] <= total for d in per_tag)
    assert get(mi, "/machiot/rollup/nosuch").json()["error_code"] == 3113


def test_lookups_of_a_tag_without_rows(mi):
    sql(mi, TAG_DDL.format("tagempty"))
    assert post(mi, "/machiot/tags/list/tagempty", {"values": [["idle"]]}).json()["append_success"] == 1
    assert get(mi, "/machiot/tags/range/tagempty").json()["data"] == [{"name": "ALL", "min": None, "max": None}]
    assert get(mi, "/machiot/tags/count/tagempty").json()["data"] == [{"count": 0}]
    assert get(mi, "/machiot/tags/first/tagempty").json()["data"] == []
    assert get(mi, "/machiot/tags/last/tagempty/idle").json()["data"] == [{"NAME": "idle", "TIME": None, "VALUE": None}]
    assert get(mi, "/machiot/tags/min/tagempty/idle").json()["data"] == [{"name": "idle", "time": None, "min": None}]
    assert get(mi, "/machiot/tags/count/tagempty/idle").json()["data"] == [{"name": "idle", "count": 0}]


# -- options, prefixes, names -----------------------------------------------------------------------

def test_format_scale_fetch_mode_options(mi):
    path = "/machiot/datapoints/raw/tag/tag-1/2001-09-09/2001-09-10/0/2"
    short = get(mi, path, params={"f": "YYYY/MM/DD HH24:MI:SS", "s": "2", "m": "1"})
    assert short.json()["data"] == [["tag-1", "2001/09/09 01:00:01", 8001.0], ["tag-1", "2001/09/09 01:01:41", 8101.0]]
    assert "8001.00]" in short.text
    long = get(mi, path, params={"DateFormat": "YYYY/MM/DD HH24:MI:SS", "Scale": "2", "FetchMode": "1"})
    assert long.text == short.text
    r = get(mi, CALC_URL + "/sum/1/min/5", params={"Scale": "1", "FetchMode": "1", "DateFormat": "HH24:MI"})
    assert r.json()["data"] == [["01:00", 24303.0]] and "24303.0]" in r.text
    r = get(mi, "/machiot/tags/range/tag/tag-1", params={"f": "YYYY-MM-DD", "m": "1"})
    assert r.json()["data"] == [["tag-1", "2001-09-09", "2001-09-21"]]
    r = get(mi, "/machiot/tags/min/tag", params={"s": "0"})
    assert '"min":8000}' in r.text


def test_every_prefix_answers_alike(mi):
    for path in ("/datapoints/raw/tag/tag-1/2001-09-09T00:00:00,000/2001-09-09T01:20:00,000/0/5/0",
                 "/datapoints/calculated/tag/tag-1/2001-09-09T00:00:00,000/2001-09-09T01:20:00,000/sum/5/min/5",
                 "/tags/list/tag", "/tags/range/tag/tag-1,tag-2", "/tags/count/tag", "/tags/last/tag"):
        bodies = [get(mi, prefix + path).text for prefix in PREFIXES]
        assert len(set(bodies)) == 1 and '"error_code":0' in bodies[0], (path, bodies)


def test_tag_names_with_reserved_characters(mi):
    sql(mi, TAG_DDL.format("tagnames"))
    names = ["a/b,c", "x y+z", "p%q"]
    r = post(mi, "/machiot/datapoints/raw/tagnames",
             {"values": [[n, f"2001-01-01 00:00:0{i}", i] for i, n in enumerate(names)]})
    assert r.json()["append_success"] == 3
    tags = ",".join(quote(n, safe="") for n in names)
    r = get(mi, f"/machiot/datapoints/raw/tagnames/{tags}/2001-01-01/2001-01-02")
    assert sorted(d["NAME"] for d in r.json()["data"]) == sorted(names)
    r = get(mi, "/machiot/tags/count/tagnames", params={"TagNames": "x y+z"})
    assert r.json()["data"] == [{"name": "x y+z", "count": 1}]
    assert get(mi, "/machiot/tags/list/tagnames/" + quote("a/b,c", safe="")).json()["data"] == [{"name": "a/b,c"}]


# -- errors --------------------------------------------------------------------------------------

RAW = "/machiot/datapoints/raw/tag/tag-1"
CALC = "/machiot/datapoints/calculated/tag/tag-1/2001-09-09/2001-09-10"


@pytest.mark.parametrize("method, path, body, status, code", [
    # unknown table or tag
    ("GET", "/machiot/datapoints/raw/nosuch/tag-1/2001-09-09/2001-09-10", None, 404, 3113),
    ("GET", RAW + ",nosuch/2001-09-09/2001-09-10", None, 404, 3113),
    ("GET", CALC.replace("tag-1", "nosuch") + "/sum", None, 404, 3113),
    ("GET", "/machiot/tags/range/nosuch", None, 404, 3113),
    ("GET", "/machiot/tags/min/tag/tag-1,nosuch", None, 404, 3113),
    ("GET", "/machiot/tags/disksize/tag/nosuch", None, 404, 3113),
    ("DELETE", "/machiot/datapoints/raw/nosuch/2001-09-09", None, 404, 3113),
    ("DELETE", "/machiot/datapoints/raw/tag/nosuch/2001-09-09", None, 404, 3113),
    ("POST", "/machiot/datapoints/raw/nosuch", {"values": []}, 404, 3113),
    ("GET", "/machiot/tags/count/logt", None, 400, 2676),     # a log table is not a tag table
    # bad time
    ("GET", RAW + "/2001-13-45/2001-09-10", None, 400, 300),
    ("GET", RAW + "/2001-09-09/yesterday", None, 400, 300),
    ("GET", RAW + "/1960-01-01/2001-09-10", None, 400, 2247),
    ("GET", CALC.replace("2001-09-10", "2001-09-10T25:00:00") + "/sum", None, 400, 300),
    ("DELETE", "/machiot/datapoints/raw/tag/2001-09-09T01:00:00,abc", None, 400, 300),
    # bad count / offset
    ("GET", RAW + "/2001-09-09/2001-09-10/0/x", None, 400, 3123),
    ("GET", RAW + "/2001-09-09/2001-09-10/0/-1", None, 400, 3123),
    ("GET", RAW + "/2001-09-09/2001-09-10/0/1/1.5", None, 400, 3123),
    ("GET", CALC + "/sum/ten/min/5", None, 400, 3123),
    # bad interval value / type
    ("GET", CALC + "/sum/0/min/7", None, 400, 3124),
    ("GET", CALC + "/sum/0/min/0", None, 400, 3124),
    ("GET", CALC + "/sum/0/sec/x", None, 400, 3124),
    ("GET", CALC + "/sum/0/day/1", None, 400, 3125),
    ("GET", CALC + "/sum/0/minute/5", None, 400, 3125),
    # bad direction or calculation mode: not a valid URL
    ("GET", RAW + "/2001-09-09/2001-09-10/3", None, 400, 3126),
    ("GET", CALC + "/median/0/min/5", None, 400, 3126),
    ("GET", CALC + "/sum,,max", None, 400, 3126),
    # malformed URLs: too many segments, an empty one inside
    ("GET", RAW + "/2001-09-09/2001-09-10/0/0/0/9", None, 400, 3126),
    ("GET", "/machiot/tags/range/tag/tag-1/extra", None, 400, 3126),
    ("GET", "/machiot/datapoints/raw/tag//2001-09-09/2001-09-10", None, 400, 3126),
    # missing arguments
    ("GET", RAW, None, 400, 3122),
    ("GET", "/machiot/datapoints/raw", None, 400, 3122),
    ("GET", "/machiot/datapoints/calculated/tag/tag-1/2001-09-09/2001-09-10", None, 400, 3122),
    ("DELETE", "/machiot/datapoints/raw/tag", None, 400, 3122),
    ("GET", "/machiot/datapoints/raw/tag/,/2001-09-09/2001-09-10", None, 400, 3122),
    # unsupported URLs and methods
    ("GET", "/machiot", None, 400, 3127),
    ("GET", "/machiot/v1/", None, 400, 3127),
    ("GET", "/machiot/datapoints/cooked/tag", None, 400, 3127),
    ("GET", "/machiot/tags/median/tag", None, 400, 3127),
    ("GET", "/machiot-rest-api/v2/tags/count/tag", None, 400, 3127),
    ("PUT", "/machiot/datapoints/raw/tag", {"values": []}, 400, 3127),
    ("POST", "/machiot/tags/range/tag", {}, 400, 3127),
    ("DELETE", "/machiot/rollup/tag", None, 400, 3127),
    # malformed JSON bodies
    ("POST", "/machiot/datapoints/raw/tag", b"{not json", 400, 3106),
    ("POST", "/machiot/datapoints/raw/tag", {"values": "x"}, 400, 3106),
    ("POST", "/machiot/datapoints/raw/tag", [1, 2], 400, 3106),
    ("POST", "/machiot/tags/list/tag", b"", 400, 3106),
])
def test_bad_input(mi, method, path, body, status, code):
    if code == 2676:
        requests.get(f"{mi.url}/machbase", params={"q": "create table logt (v integer)"}, timeout=30)
    kw = {"data": body} if isinstance(body, bytes) else {"json": body} if body is not None else {}
    r = requests.request(method, mi.url + path, timeout=30, **kw)
    assert (r.status_code, r.json()["error_code"]) == (status, code), r.text
    assert list(r.json()) == ["error_code", "error_message", "timezone", "data"]
    assert r.json()["timezone"] == TZ and r.json()["data"] == [] and r.json()["error_message"]


def test_auth_and_auto_meta_off(make_server):
    srv = make_server("--machbase-auth", "--auto-meta-insert", "0", "--machbase-max-mem", "4000", "--timezone", TZ)
    r = get(srv, "/machiot/tags/list/tag")
    assert (r.status_code, r.json()) == (401, {"error_code": 3118, "error_message": "There is No Authorization Header.",
                                               "timezone": TZ, "data": []})
    r = get(srv, "/machiot-rest-api/v1/tags/range/tag", headers={"Authorization": "Bearer abc"})
    assert (r.status_code, r.json()["error_code"]) == (401, 3117)
    bad = "Basic " + base64.b64encode(b"sys@localhost:wrong").decode()
    r = post(srv, "/machiot/datapoints/raw/tag", {"values": []}, headers={"Authorization": bad})
    assert r.status_code == 401 and r.json()["error_code"] != 0
    assert get(srv, "/machiot/nosuch").json()["error_code"] == 3118  # auth before routing
    auth = {"Authorization": SEED_AUTH}
    sql(srv, TAG_DDL.format("tag"), headers=auth)
    assert get(srv, "/machiot/tags/list/tag", headers=auth).json()["data"] == []
    assert post(srv, "/machiot/tags/list/tag", {"values": [["known"]]}, headers=auth).json()["append_success"] == 1
    # auto-meta off: an unknown tag name is a failed row, the registered one goes in
    r = post(srv, "/machiot/datapoints/raw/tag", {"values": [["known", "2020-01-01", 1], ["unknown", "2020-01-01", 2]]},
             headers=auth)
    assert (r.json()["append_success"], r.json()["append_failure"]) == (1, 1)
    assert get(srv, "/machiot/tags/list/tag", headers=auth).json()["data"] == [{"name": "known"}]
    # HTTP_MAX_MEM: an oversized body
    r = post(srv, "/machiot/datapoints/raw/tag", {"values": [["known", "2020-01-01", 1]] * 300}, headers=auth)
    assert (r.status_code, r.json()["error_code"], r.json()["timezone"]) == (413, 3114, TZ)


def test_disabled_with_machbase(make_server):
    srv = make_server("--no-machbase-enabled")
    r = get(srv, "/machiot/tags/list/tag")
    assert r.status_code == 404 and "error_code" not in r.json()


# -- lookups never read rows -------------------------------------------------------------------------

def test_lookups_read_summaries_not_rows(tmp_path, monkeypatch):
    """Every lookup answers from block summaries: row scans are made to fail here."""
    import falcon.testing

    from machstore.config import Settings
    from machstore.engine import Engine
    from machstore.server.app import create_app

    settings = Settings()
    settings.timezone = TZ
    engines = []

    def factory():
        engines.append(Engine(str(tmp_path / "data")))
        return engines[-1]

    client = falcon.testing.TestClient(create_app(factory, settings))
    try:
        assert client.simulate_get("/machbase", params={"q": TAG_DDL.format("tag")}).json["error_code"] == 0
        r = client.simulate_post("/machiot/datapoints/raw/tag", json={"values": seed_rows(5, EARLY)})
        assert r.json["append_success"] == 5 * EARLY
        assert client.simulate_get("/machiot/tags/rollup/tag").json == OK
        expected = {w: client.simulate_get(f"/machiot/tags/{w}/tag/tag-1,tag-2").json for w in ("min", "last")}

        def no_scan(*_a, **_k):
            raise AssertionError("a lookup scanned rows")

        monkeypatch.setattr(Engine, "scan_table", no_scan)
        monkeypatch.setattr(Engine, "count_rows", no_scan)
        for word in ("range", "min", "max", "first", "last", "count", "cnt", "disksize"):
            for path in (f"/machiot/tags/{word}/tag", f"/machiot/tags/{word}/tag/tag-1,tag-2"):
                r = client.simulate_get(path)
                assert (r.status_code, r.json["error_code"]) == (200, 0), (path, r.text)
        assert {w: client.simulate_get(f"/machiot/tags/{w}/tag/tag-1,tag-2").json for w in ("min", "last")} == expected
    finally:
        for engine in engines:
            engine.close()
