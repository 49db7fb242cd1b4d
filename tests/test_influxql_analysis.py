"""holt_winters() and the technical-analysis functions: kernels, InfluxDB's own test cases, /query.

* The Cython kernels (``ext/technical.pyx``, ``ext/holtwinters.pyx``) against their plain-Python
  twins (``technical_ref``, ``holtwinters_ref``), bit for bit, on random streams.
* InfluxDB 1.8's unit tests restated as ours: the ``gota`` indicator tests
  (``query/internal/gota/*_test.go``: a stream in, TA-Lib's values out, to 1e-7), the
  Holt-Winters reducer tests (``query/functions_test.go``, to 1e-5 as Go's ``almostEqual``),
  the Nelder-Mead test (``query/neldermead/neldermead_test.go``), and over HTTP the
  ``HoltWinters_GroupBy_Agg`` case of ``query/select_test.go``, the moving average of a count of
  ``tests/server_test.go`` (which shows the window read before the range) and the
  holt_winters error cases of ``query/compile_test.go``.
* The technical-analysis functions' argument checks, with InfluxDB's texts, over HTTP.
"""
import math

import numpy as np
import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st

import machstore._ext_holtwinters as hw_kernel
import machstore._ext_technical as ta_kernel
from machstore.influxql import holtwinters, holtwinters_ref, technical, technical_ref

S = 10**9
RAMP = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]
WARMUPS = {
    "chande_momentum_oscillator": (technical.WARM_NONE, technical.WARM_EXPONENTIAL, technical.WARM_SIMPLE),
    "kaufmans_efficiency_ratio": (technical.WARM_EXPONENTIAL,),
    "kaufmans_adaptive_moving_average": (technical.WARM_EXPONENTIAL,),
}


def test_compiled_modules_are_loaded():
    assert ta_kernel.__file__.endswith(".so") and hw_kernel.__file__.endswith(".so")
    assert technical._kernels is ta_kernel
    assert holtwinters._kernel is hw_kernel


# -- kernels against their twins -----------------------------------------------------------

def _same(a, b):
    """Bit for bit, except that any NaN equals any NaN (C's 0/0 has the sign bit set, Python's nan not)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape or not np.array_equal(np.isnan(a), np.isnan(b)):
        return False
    ok = ~np.isnan(a)
    return np.array_equal(a[ok].view(np.int64), b[ok].view(np.int64))


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(technical.NAMES), st.integers(1, 12), st.integers(-1, 6), st.data(),
       st.lists(st.one_of(st.floats(-1e6, 1e6), st.integers(-5, 5).map(float)), max_size=60))
def test_technical_kernel_equals_its_twin(name, period, hold, data, values):
    warmup = data.draw(st.sampled_from(WARMUPS.get(name, (technical.WARM_EXPONENTIAL, technical.WARM_SIMPLE))))
    if name == "chande_momentum_oscillator" and warmup == technical.WARM_NONE and period == 1:
        period = 2   # refused (InfluxDB indexes an empty ring): tested below
    emitted, out = technical.run(name, np.array(values), period=period, hold=hold, warmup=warmup)
    want_emitted, want = technical_ref.run(name, values, period, hold, warmup)
    assert emitted.tolist() == want_emitted
    assert _same(out, want), (out, want)


def test_unsmoothed_oscillator_of_period_one_is_refused():
    with pytest.raises(ValueError, match="period of at least 2"):
        technical.run("chande_momentum_oscillator", np.array([1.0, 2.0]), period=1, warmup=technical.WARM_NONE)
    with pytest.raises(ValueError, match="period of at least 2"):
        technical_ref.run("chande_momentum_oscillator", [1.0, 2.0], 1, -1, technical.WARM_NONE)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.one_of(st.floats(-50, 50), st.just(math.nan)), min_size=2, max_size=14),
       st.sampled_from([0, 1, 2, 3]), st.integers(0, 4))
def test_holt_winters_kernel_equals_its_twin(y, m, h):
    if math.isnan(y[0]) or (m >= 2 and len(y) < m):
        y[0] = 1.5
    y = y if len(y) >= max(m, 2) else y + [2.0] * max(m, 2)
    got = hw_kernel.fit_forecast(np.array(y), m=m, h=h)
    want = holtwinters_ref.fit_forecast(y, m, h)
    assert _same(got, want), (got, want)


def test_go_pow_of_integers_squares_the_mantissa():
    assert holtwinters_ref.go_pow_int(0.7, 1) == 0.7
    assert holtwinters_ref.go_pow_int(0.7, 2) == 0.7 * 0.7
    assert holtwinters_ref.go_pow_int(0.0, 5) == 0.0 and holtwinters_ref.go_pow_int(1.0, 9) == 1.0
    rng = np.random.default_rng(7)
    for x in rng.random(200):
        for n in (3, 7, 20, 63):
            got = holtwinters_ref.go_pow_int(float(x), n)
            assert got == pytest.approx(float(x) ** n, rel=1e-14)


# -- InfluxDB's gota tests (query/internal/gota/*_test.go) -----------------------------------

def _tail(name, values, period, warmup, expected):
    """The indicator's outputs over ``values`` whose last ``len(expected)`` are compared."""
    _, out = technical.run(name, np.array(values, dtype=np.float64), period=period, hold=0, warmup=warmup)
    return out[len(out) - len(expected):].tolist()


GOTA_CASES = [
    ("TestEMA", "exponential_moving_average", 10, technical.WARM_SIMPLE,
     [5.5, 6.5, 7.5, 8.5, 9.5, 10.5, 11.136363636363637, 11.475206611570249, 11.570623591284749, 11.466873847414794,
      11.200169511521196, 10.800138691244614, 10.291022565563775, 9.692654826370362, 9.021263039757569,
      8.290124305256192, 7.510101704300521, 6.690083212609517, 5.837340810316878, 4.957824299350173]),
    ("TestDEMA", "double_exponential_moving_average", 10, technical.WARM_SIMPLE,
     [13.568840926166246, 12.701748119313985, 11.701405062848783, 10.611872766773773, 9.465595022565749,
      8.28616628396151, 7.090477085921927, 5.8903718513360275, 4.693925476073202, 3.5064225149113692,
      2.331104912318361]),
    ("TestTEMA", "triple_exponential_moving_average", 4, technical.WARM_SIMPLE,
     [10, 11, 12, 13, 14, 15, 14.431999999999995, 13.345600000000001, 12.155520000000001, 11, 9.906687999999997,
      8.86563072, 7.8589122560000035, 6.871005491200005, 5.891160883200005, 4.912928706560004, 3.932955104051203,
      2.9498469349785603, 1.9633255712030717, 0.9736696408637435]),
    ("TestCMO", "chande_momentum_oscillator", 10, technical.WARM_NONE,
     [100, 100, 100, 100, 100, 80, 60, 40, 20, 0, -20, -40, -60, -80, -100, -100, -100, -100, -100]),
    ("TestCMOS", "chande_momentum_oscillator", 10, technical.WARM_SIMPLE,
     [100, 100, 100, 100, 100, 80, 61.999999999999986, 45.79999999999999, 31.22, 18.097999999999992,
      6.288199999999988, -4.340620000000012, -13.906558000000008, -22.515902200000014, -30.264311980000013,
      -37.23788078200001, -43.51409270380002, -49.16268343342002, -54.24641509007802]),
    ("TestKAMA", "kaufmans_adaptive_moving_average", 10, technical.WARM_EXPONENTIAL,
     [10.444444444444445, 11.135802469135802, 11.964334705075446, 12.869074836153025, 13.81615268675168,
      13.871008014588556, 13.71308456353558, 13.553331356741122, 13.46599437575161, 13.4515677602438,
      13.29930139347417, 12.805116570729284, 11.752584300922967, 10.036160535131103, 7.797866963961725,
      6.109926091089847, 4.727736717272138, 3.5154092873734104, 2.3974496040963396]),
    ("TestRSI", "relative_strength_index", 10, technical.WARM_SIMPLE,
     [100, 100, 100, 100, 100, 90, 81, 72.89999999999999, 65.61, 59.04899999999999, 53.144099999999995, 47.82969,
      43.04672099999999, 38.74204889999999, 34.86784400999999, 31.381059608999994, 28.242953648099995,
      25.418658283289997, 22.876792454961]),
    ("TestTRIX", "triple_exponential_derivative", 4, technical.WARM_SIMPLE,
     [18.181818181818187, 15.384615384615374, 13.33333333333333, 11.764705882352944, 10.526315789473696,
      8.304761904761904, 5.641927541329594, 3.0392222148232007, 0.7160675740302658, -1.2848911076603242,
      -2.9999661985600667, -4.493448741755901, -5.836238000516913, -7.099092024379772, -8.352897627933453,
      -9.673028502435233, -11.147601363985949, -12.891818138458877, -15.074463280730022]),
]


@pytest.mark.parametrize("case", GOTA_CASES, ids=lambda c: c[0])
def test_gota_cases(case):
    _, name, period, warmup, expected = case
    assert _tail(name, RAMP, period, warmup, expected) == pytest.approx(expected, abs=1e-7)


def test_gota_ker():
    assert _tail("kaufmans_efficiency_ratio", [20, 21, 22, 23, 22, 21], 3, 0, [1, 1 / 3, 1 / 3]) == \
        pytest.approx([1, 1 / 3, 1 / 3], abs=1e-7)


@pytest.mark.parametrize("name,want", [("exponential_moving_average", 8), ("double_exponential_moving_average", 16),
                                       ("triple_exponential_moving_average", 24),
                                       ("kaufmans_adaptive_moving_average", 9)])
def test_gota_warm_counts(name, want):
    # TestEmaWarmCount, TestDemaWarmCount, TestTemaWarmCount (simple warm-up), TestKAMAWarmCount; period 9
    warmup = technical.WARM_EXPONENTIAL if name.startswith("kaufmans") else technical.WARM_SIMPLE
    assert technical.warm_count(name, 9, warmup) == want


# -- InfluxDB's Holt-Winters tests (query/functions_test.go) --------------------------------

AUS = [30.052513, 19.148496, 25.317692, 27.591437, 32.076456, 23.487961, 28.47594, 35.123753, 36.838485, 25.007017,
       30.72223, 28.693759, 36.640986, 23.824609, 29.311683, 31.770309, 35.177877, 19.775244, 29.60175, 34.538842,
       41.273599, 26.655862, 28.279859, 35.191153, 41.727458, 24.04185, 32.328103, 37.328708, 46.213153, 29.346326,
       36.48291, 42.977719, 48.901525, 31.180221, 37.717881, 40.420211, 51.206863, 31.887228, 40.978263, 43.772491,
       55.558567, 33.850915, 42.076383, 45.642292, 59.76678, 35.191877, 44.319737, 47.913736]
AUS_MISSING = {2, 8, 18, 29, 33, 39, 40}
US = [3.93, 5.31, 7.24, 9.64, 12.90, 17.10, 23.20, 31.40, 39.80, 50.20, 62.90, 76.00, 92.00, 105.70, 122.80,
      131.70, 151.30, 179.30, 203.20]
US_MISSING = {9, 14, 18}


def _hw(points, h, m, interval, with_fit):
    times = np.array([t for t, _ in points], dtype=np.int64)
    values = np.array([v for _, v in points], dtype=np.float64)
    t, v = holtwinters.holt_winters(times, values, h=h, m=m, interval=interval, with_fit=with_fit)
    return t.tolist(), v.tolist()


HW_CASES = [
    ("AusTourists", [(i + 1, v) for i, v in enumerate(AUS)], 10, 4, False, list(range(49, 59)),
     [51.85064132137853, 43.26055282315273, 41.827258044814464, 54.3990354591749, 54.62334472770803,
      45.57155693625209, 44.06051240252263, 57.30029870759433, 57.53591513519172, 47.999008139396096]),
    ("AusTourists_Missing", [(i + 1, v) for i, v in enumerate(AUS) if i + 1 not in AUS_MISSING], 10, 4, False,
     list(range(49, 59)),
     [54.84533610387743, 41.19329421863249, 45.71673175112451, 56.05759298805955, 59.32337460282217,
      44.75280096850461, 49.98865098113751, 61.86084934967605, 65.95805633454883, 50.1502170480547]),
    ("USPopulation", [(i + 1, v) for i, v in enumerate(US)], 10, 0, True, list(range(1, 30)),
     [3.93, 4.957405463559748, 7.012210102535647, 10.099589257439924, 14.229926188104242, 19.418878968703797,
      25.68749172281409, 33.062351305731305, 41.575791076125206, 51.26614395589263, 62.178047564264595,
      74.36280483872488, 87.87880423073163, 102.79200429905801, 119.17648832929542, 137.11509549747296,
      156.70013608313175, 178.03419933863566, 201.23106385518594, 226.4167216525905, 253.73052878285205,
      283.32649700397553, 315.37474308085984, 350.06311454009256, 387.59901328556873, 428.21144141893404,
      472.1532969569147, 519.7039509590035, 571.1721419458248]),
    ("USPopulation_Missing", [(i + 1, v) for i, v in enumerate(US) if i + 1 not in US_MISSING], 10, 0, True,
     list(range(1, 30)),
     [3.93, 4.8931364428135105, 6.962653629047061, 10.056207765903274, 14.18435088129532, 19.362939306110846,
      25.613247940326584, 32.96213087008264, 41.442230043017204, 51.09223428526052, 61.95719155158485,
      74.08887794968567, 87.54622778052787, 102.39582960014131, 118.7124941463221, 136.57990089987464,
      156.09133107941278, 177.35049601833734, 200.472471161683, 225.58474737097785, 252.82841286206823,
      282.35948095261017, 314.3503808953992, 348.99163145856954, 386.49371962730555, 427.08920989407727,
      471.0351131332573, 518.615548088049, 570.1447331101863]),
]


@pytest.mark.parametrize("case", HW_CASES, ids=lambda c: c[0])
def test_holt_winters_reducer_cases(case):
    _, points, h, m, with_fit, want_times, want_values = case
    times, values = _hw(points, h, m, 1, with_fit)
    assert times == want_times
    assert values == pytest.approx(want_values, abs=1e-5)


MAX_TIME = 2**63 - 2   # influxql.MaxTime


def _int64(x):
    """``x`` wrapped to int64, as Go's arithmetic wraps."""
    return (x + 2**63) % 2**64 - 2**63


def test_holt_winters_round_time():
    # Go: time.Unix(0, MaxTime).Round(time.Second).UnixNano() lies past int64 and wraps; so do the sums
    max_time = _int64((MAX_TIME + S // 2) // S * S)
    ms = 10**6
    points = [(_int64(max_time - d), v) for d, v in [(5 * S, 1), (4 * S + 103 * ms, 10), (3 * S + 223 * ms, 2),
                                                       (2 * S + 481 * ms, 11)]]
    times, values = _hw(points, 2, 2, S, True)
    assert times == [_int64(max_time - k * S) for k in (5, 4, 3, 2, 1, 0)]
    assert values == pytest.approx([1, 10.006729104838234, 1.998341814469269, 10.997858830631172,
                                    4.085860238030013, 11.35713604403339], abs=1e-5)


def test_holt_winters_max_time():
    times, values = _hw([(MAX_TIME - 1, 1), (MAX_TIME, 2)], 1, 0, 1, True)
    assert times == [MAX_TIME - 1, MAX_TIME, MAX_TIME + 1]
    assert values == pytest.approx([1, 2.001516944066403, 2.5365248972488343], abs=1e-5)


def test_nelder_mead_finds_rosenbrock_minimum():
    # query/neldermead/neldermead_test.go: the objective rounds its argument in place to 5 digits
    def f(x):
        for i in range(len(x)):
            x[i] = math.floor(x[i] * 1e5 + 0.5) / 1e5 if x[i] >= 0 else math.floor(x[i] * 1e5 - 0.5) / 1e5
        return 100 * (x[1] - x[0] * x[0]) * (x[1] - x[0] * x[0]) + (1.0 - x[0]) * (1.0 - x[0])

    minimum, params = holtwinters_ref.nelder_mead(f, [-1.2, 1.0], 1e-5, 1)
    assert abs(minimum) < 1e-5
    assert abs(params[0] - 1) < 1e-2 and abs(params[1] - 1) < 1e-2


def test_holt_winters_needs_two_slots():
    assert _hw([(5, 1.0)], 3, 0, 10, False) == ([], [])
    assert _hw([(1, 1.0), (2, 2.0)], 3, 0, 10, False) == ([], [])   # both round to the same slot
    assert _hw([(1, 1.0), (2, 2.0), (3, 3.0)], 3, 4, 1, False) == ([], [])   # fewer points than the season


# -- over HTTP -------------------------------------------------------------------------------

DATA = "\n".join(
    [f"cpu value={v} {t * S}" for t, v in [(10, 4), (11, 6), (12, 9), (13, 11), (14, 5), (15, 7), (16, 10),
                                           (17, 12), (18, 6), (19, 8)]]
    + [f"avg value={v} {1278010020 * S + i * S}" for i, v in enumerate([10, 15, 20, 25, 30, 35])]
    + [f"ramp,host=a v={v},n={int(v)}i,s=\"x\" {i * 60 * S}" for i, v in enumerate(RAMP)]
)


@pytest.fixture(scope="module")
def loaded(server):
    resp = requests.post(server.url + "/write", params={"db": "ta"}, data=DATA.encode(), timeout=10)
    assert resp.status_code == 204, resp.text
    return server


def query(server, q, **params):
    resp = requests.get(server.url + "/query", params={"db": "ta", "q": q, **params}, timeout=30)
    assert resp.status_code == 200, resp.text
    results = resp.json()["results"]
    assert len(results) == 1
    return results[0]


def test_select_holt_winters_of_grouped_means(loaded):
    # query/select_test.go HoltWinters_GroupBy_Agg
    got = query(loaded, "SELECT holt_winters(mean(value), 2, 2) FROM cpu WHERE time >= '1970-01-01T00:00:10Z' "
                        "AND time < '1970-01-01T00:00:20Z' GROUP BY time(2s)", epoch="s")
    assert got["series"][0]["columns"] == ["time", "holt_winters"]
    rows = got["series"][0]["values"]
    assert [r[0] for r in rows] == [20, 22]
    assert [r[1] for r in rows] == pytest.approx([11.960623419918432, 7.953140268154609], rel=1e-12)


def test_holt_winters_with_fit_reports_the_windows_too(loaded):
    got = query(loaded, "SELECT holt_winters_with_fit(mean(value), 2, 2) FROM cpu WHERE time >= 10s AND time < 20s "
                        "GROUP BY time(2s)", epoch="s")
    assert [r[0] for r in got["series"][0]["values"]] == [10, 12, 14, 16, 18, 20, 22]
    assert got["series"][0]["values"][0][1] == 5.0   # the first window's mean itself


def test_moving_average_of_a_count_reads_one_window_before_the_range(loaded):
    # tests/server_test.go TestServer_Query_SelectGroupByTimeMovingAverage: the 18:46:58 window (count 0)
    # is read so that 18:47:00 has a predecessor
    got = query(loaded, "SELECT moving_average(count(value), 2) FROM avg WHERE time >= '2010-07-01 18:47:00' "
                        "AND time <= '2010-07-01 18:47:05' GROUP BY time(2s)")
    assert got["series"][0]["values"] == [["2010-07-01T18:47:00Z", 1], ["2010-07-01T18:47:02Z", 2],
                                          ["2010-07-01T18:47:04Z", 2]]
    got = query(loaded, "SELECT moving_average(mean(value), 2) FROM avg WHERE time >= '2010-07-01 18:47:00' "
                        "AND time <= '2010-07-01 18:47:05' GROUP BY time(2s)")
    assert got["series"][0]["values"] == [["2010-07-01T18:47:02Z", 17.5], ["2010-07-01T18:47:04Z", 27.5]]


def test_technical_analysis_of_raw_fields(loaded):
    got = query(loaded, "SELECT exponential_moving_average(v, 10, -1, 'simple'), relative_strength_index(n, 10, "
                        "-1, 'simple') FROM ramp", epoch="m")
    rows = got["series"][0]["values"]
    assert got["series"][0]["columns"] == ["time", "exponential_moving_average", "relative_strength_index"]
    ema = [r[1] for r in rows if r[1] is not None]
    rsi = [r[2] for r in rows if r[2] is not None]
    assert ema == pytest.approx(GOTA_CASES[0][4], abs=1e-7)        # TestEMA over a field
    assert rsi == pytest.approx(GOTA_CASES[6][4], abs=1e-7)   # TestRSI over an integer field, held 10
    assert rows[0][0] == 9


def test_technical_analysis_of_windows_descending_with_an_alias(loaded):
    got = query(loaded, "SELECT kaufmans_efficiency_ratio(max(v), 3) AS ker FROM ramp WHERE time >= 0 AND "
                        "time < 29m GROUP BY time(1m) ORDER BY time DESC LIMIT 2", epoch="m")
    # descending, the windows reach the indicator newest first; it holds its first 3 points
    _, out = technical.run("kaufmans_efficiency_ratio", np.array(RAMP[::-1], dtype=float), period=3)
    assert got["series"][0]["columns"] == ["time", "ker"]
    assert got["series"][0]["values"] == [[25, float(out[3])], [24, float(out[4])]]


def test_holt_winters_descending_has_no_points(loaded):
    # InfluxDB's reducer gets the windows newest first, finds no forward span and emits nothing
    got = query(loaded, "SELECT holt_winters(mean(value), 2, 0) FROM cpu WHERE time >= 10s AND time < 20s "
                        "GROUP BY time(2s) ORDER BY time DESC")
    assert got == {"statement_id": 0}


def test_string_field_is_refused_as_influxdb_does(loaded):
    got = query(loaded, "SELECT chande_momentum_oscillator(s, 3) FROM ramp")
    assert got["error"] == "unsupported chande momentum oscillator iterator type: *query.stringInterruptIterator"


ERRORS = [
    # query/compile_test.go
    ("SELECT holt_winters(value) FROM cpu where time < now() and time > now() - 1d",
     "invalid number of arguments for holt_winters, expected 3, got 1"),
    ("SELECT holt_winters(value, 10, 2) FROM cpu where time < now() and time > now() - 1d",
     "must use aggregate function with holt_winters"),
    ("SELECT holt_winters(min(value), 10, 2) FROM cpu where time < now() and time > now() - 1d",
     "holt_winters aggregate requires a GROUP BY interval"),
    ("SELECT holt_winters(min(value), 0, 2) FROM cpu where time < now() and time > now() - 1d GROUP BY time(1d)",
     "second arg to holt_winters must be greater than 0, got 0"),
    ("SELECT holt_winters(min(value), false, 2) FROM cpu where time < now() and time > now() - 1d GROUP BY time(1d)",
     "expected integer argument as second arg in holt_winters"),
    (("SELECT holt_winters(min(value), 10, 'string') FROM cpu where time < now() and time > now() - 1d "
     "GROUP BY time(1d)"), "expected integer argument as third arg in holt_winters"),
    ("SELECT holt_winters(min(value), 10, -1) FROM cpu where time < now() and time > now() - 1d GROUP BY time(1d)",
     "third arg to holt_winters cannot be negative, got -1"),
    ("SELECT holt_winters_with_fit(value) FROM cpu where time < now() and time > now() - 1d",
     "invalid number of arguments for holt_winters_with_fit, expected 3, got 1"),
    ("SELECT holt_winters_with_fit(value, 10, 2) FROM cpu where time < now() and time > now() - 1d",
     "must use aggregate function with holt_winters_with_fit"),
    ("SELECT holt_winters_with_fit(min(value), 10, 2) FROM cpu where time < now() and time > now() - 1d",
     "holt_winters_with_fit aggregate requires a GROUP BY interval"),
    (("SELECT holt_winters_with_fit(min(value), 0, 2) FROM cpu where time < now() and time > now() - 1d "
     "GROUP BY time(1d)"), "second arg to holt_winters_with_fit must be greater than 0, got 0"),
    # the technical-analysis checks of compile.go
    ("SELECT exponential_moving_average(value) FROM cpu",
     "invalid number of arguments for exponential_moving_average, expected at least 2 but no more than 4, got 1"),
    ("SELECT kaufmans_efficiency_ratio(value, 2, 1, 'simple') FROM cpu",
     "invalid number of arguments for kaufmans_efficiency_ratio, expected at least 2 but no more than 3, got 4"),
    ("SELECT relative_strength_index(value, 2.5) FROM cpu", "relative_strength_index period must be an integer"),
    ("SELECT relative_strength_index(value, 0) FROM cpu",
     "relative_strength_index period must be greater than or equal to 1"),
    ("SELECT double_exponential_moving_average(value, 3, 'x') FROM cpu",
     "double_exponential_moving_average hold period must be an integer"),
    ("SELECT triple_exponential_moving_average(value, 3, -2) FROM cpu",
     "triple_exponential_moving_average hold period must be greater than or equal to 0"),
    ("SELECT triple_exponential_derivative(value, 3, 0) FROM cpu",
     "triple_exponential_derivative hold period must be greater than or equal to 1"),
    ("SELECT exponential_moving_average(value, 3, 0, 1) FROM cpu",
     "exponential_moving_average warmup type must be a string"),
    ("SELECT exponential_moving_average(value, 3, 0, 'none') FROM cpu",
     "exponential_moving_average warmup type must be one of: 'exponential' 'simple'"),
    ("SELECT chande_momentum_oscillator(value, 3, 0, 'bogus') FROM cpu",
     "chande_momentum_oscillator warmup type must be one of: 'none' 'exponential' 'simple'"),
    ("SELECT kaufmans_adaptive_moving_average(value, 3, -5) FROM cpu",
     "kaufmans_adaptive_moving_average hold period must be greater than or equal to 0"),
    ("SELECT exponential_moving_average(mean(value), 3) FROM cpu",
     "exponential_moving_average aggregate requires a GROUP BY interval"),
    ("SELECT chande_momentum_oscillator(value, 3) FROM cpu WHERE time > 0 AND time < 10s GROUP BY time(1s)",
     "aggregate function required inside the call to chande_momentum_oscillator"),
    ("SELECT relative_strength_index(value, 3), value FROM cpu",
     "mixing aggregate and non-aggregate queries is not supported"),
    ("SELECT exponential_moving_average(bogus(value), 3) FROM cpu WHERE time > 0 AND time < 10s GROUP BY time(1s)",
     "undefined function bogus()"),
]


@pytest.mark.parametrize("q,error", ERRORS, ids=[e[1][:60] for e in ERRORS])
def test_errors_are_influxdbs(loaded, q, error):
    assert query(loaded, q) == {"statement_id": 0, "error": error}


def test_unsmoothed_oscillator_of_period_one_is_refused_over_http(loaded):
    got = query(loaded, "SELECT chande_momentum_oscillator(v, 1) FROM ramp")
    assert got["error"] == "chande_momentum_oscillator without a warmup type needs a period of at least 2"
