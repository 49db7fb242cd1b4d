"""Kapacitor's ``determineLevel`` on columns (machstore/kapacitor/alerts/levels.py).

The point-at-a-time path (``LevelRules._one``, a transliteration of ``alert.go``'s
``determineLevel``/``findFirstMatchLevel``) is the oracle of the column path.
"""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from machstore.kapacitor.alerts.levels import (
    CRITICAL,
    INFO,
    OK,
    WARNING,
    LevelError,
    LevelRules,
    level_name,
    parse_level,
)
from machstore.kapacitor.points import Points, Series
from machstore.tick.parser import parse_lambda

S = Series.make("cpu", {"host": "a"})


def chunk(values, field="value"):
    return Points.from_rows([(i * 10**9, S, {field: v} if v is not None else {"other": 1.0})
                             for i, v in enumerate(values)])


def rules(info=None, warn=None, crit=None, info_reset=None, warn_reset=None, crit_reset=None, logs=None):
    props = {}
    for prop, text in (("Info", info), ("Warn", warn), ("Crit", crit), ("InfoReset", info_reset),
                       ("WarnReset", warn_reset), ("CritReset", crit_reset)):
        if text is not None:
            props[prop] = parse_lambda(text)
    return LevelRules(props, (logs if logs is not None else []).append)


DOC = {"info": '"value" > 60', "warn": '"value" > 70', "crit": '"value" > 80',
           "info_reset": '"value" < 50', "warn_reset": '"value" < 60', "crit_reset": '"value" < 70'}


def test_doc_comment_example():
    """pipeline/alert.go: 61 73 64 85 62 56 47 -> INFO WARNING WARNING CRITICAL INFO INFO OK."""
    r = rules(**DOC)
    got = r.stream_levels(chunk([61.0, 73.0, 64.0, 85.0, 62.0, 56.0, 47.0]), OK)
    assert [level_name(int(x)) for x in got] == ["INFO", "WARNING", "WARNING", "CRITICAL", "INFO", "INFO", "OK"]


def test_without_resets_the_highest_true_level_wins():
    r = rules(info='"value" > 60', warn='"value" > 70', crit='"value" > 80')
    got = r.stream_levels(chunk([61.0, 73.0, 64.0, 85.0, 62.0, 56.0, 47.0]), OK)
    assert got.tolist() == [INFO, WARNING, INFO, CRITICAL, INFO, OK, OK]


def test_reset_keeps_the_level_only_while_false():
    r = rules(crit='"value" > 80', crit_reset='"value" < 70')
    assert r.stream_levels(chunk([90.0, 75.0, 71.0, 69.0, 75.0]), OK).tolist() == [CRITICAL] * 3 + [OK, OK]
    # a reset of a level without expression is ignored, as alert.go compiles it only with its level
    r = rules(warn='"value" > 70', crit_reset='"value" < 70')
    assert r.stream_levels(chunk([90.0, 75.0]), CRITICAL).tolist() == [WARNING, WARNING]


def test_batch_levels_all_start_from_the_current_level():
    r = rules(**DOC)
    got = r.batch_levels(chunk([61.0, 73.0, 64.0, 55.0]), WARNING)
    # 61 and 64 are only INFO but warnReset (< 60) is false: WARNING stays; at 55 it is true and
    # nothing matches: OK
    assert got.tolist() == [WARNING, WARNING, WARNING, OK]


def test_errors_are_logged_not_raised_and_never_match():
    logs = []
    r = rules(crit='"value" > 80', logs=logs)
    got = r.stream_levels(chunk([90.0, None, 10.0]), OK)
    assert got.tolist() == [CRITICAL, OK, OK]
    assert len(logs) == 1 and logs[0].startswith("error evaluating expression for level:")
    assert "level=CRITICAL" in logs[0]


def test_compile_errors_are_kapacitors():
    with pytest.raises(LevelError, match="^Failed to compile stateful expression for crit: "):
        rules(crit='"value" + 1.0 > 1 + 1.0 AND 1 + 1.0 > 0')


def test_level_names():
    assert [parse_level(n) for n in ("ok", "Info", "WARNING", "critical")] == [OK, INFO, WARNING, CRITICAL]
    with pytest.raises(ValueError, match="unknown alert level 'BAD'"):
        parse_level("bad")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.none(), st.floats(0, 100, allow_nan=False)), min_size=1, max_size=40),
       st.sampled_from([OK, INFO, WARNING, CRITICAL]), st.booleans())
def test_columns_match_point_at_a_time(values, start, with_resets):
    kw = DOC if with_resets else {k: v for k, v in DOC.items() if "reset" not in k}
    fast, oracle = rules(**kw), rules(**kw)
    pts = chunk(values)
    got = fast.stream_levels(pts, start)
    cur, want = start, []
    for i in range(pts.n):
        cur = oracle._one(pts.take(np.array([i])), cur)
        want.append(cur)
    assert got.tolist() == want
    batch = fast.batch_levels(pts, start).tolist()
    assert batch == [oracle._one(pts.take(np.array([i])), start) for i in range(pts.n)]


def test_stateful_lambdas_advance_only_where_kapacitor_evaluates_them():
    # crit is evaluated on every point; warn only where crit is false, so count() in warn
    # counts those points only (alert.go evaluates levels top down and stops at a match)
    r = rules(warn='count() >= 2', crit='"value" > 80')
    got = r.stream_levels(chunk([90.0, 10.0, 90.0, 10.0, 10.0]), OK)
    assert got.tolist() == [CRITICAL, OK, CRITICAL, WARNING, WARNING]
    saved = r.state()
    again = rules(warn='count() >= 2', crit='"value" > 80')
    again.restore(saved)
    assert again.stream_levels(chunk([10.0]), OK).tolist() == [WARNING]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("AB"), st.floats(0, 100, allow_nan=False)), min_size=1, max_size=30),
       st.sampled_from([OK, WARNING, CRITICAL]))
def test_one_prepared_chunk_of_many_groups_matches_group_by_group(rows, start):
    series = {h: Series.make("cpu", {"host": h}) for h in "AB"}
    pts = Points.from_rows([(i, series[h], {"value": v}) for i, (h, v) in enumerate(rows)])
    r = rules(**DOC)
    prepared = r.prepare(pts)
    for h in "AB":
        idx = np.array([i for i, (g, _) in enumerate(rows) if g == h], dtype=np.int64)
        if len(idx):
            assert r.group_levels(prepared, idx, start).tolist() == \
                rules(**DOC).stream_levels(pts.take(idx), start).tolist()
