"""Machbase tables on the engine (no SQL, no HTTP): tag, log, volatile and lookup tables."""
import numpy as np
import pytest

from machstore.storage import fieldtypes as ft
from machstore.engine import Engine
from machstore.errors import (AlreadyExists, DuplicateKey, InvalidArgument, TableNotFound, TagHasData,
                              TagNotFound)
from machstore.storage.rows import Column
from machstore.storage.tables import LOG, LOOKUP, TAG, VOLATILE, ColumnDef, TableDef


@pytest.fixture
def eng(tmp_path):
    e = Engine(str(tmp_path / "data"))
    yield e
    e.close()


def tag_table(eng, name="TAG"):
    return eng.create_table(TableDef(
        name, TAG,
        [ColumnDef("NAME", ft.STRING, {"type": "varchar", "length": 20}), ColumnDef("TIME", ft.INTEGER),
         ColumnDef("VALUE", ft.FLOAT), ColumnDef("NOTE", ft.STRING)],
        metadata=[ColumnDef("SITE", ft.STRING)], key="NAME", time="TIME"))


def tag_rows(names, times, values, notes=None):
    cols = {"NAME": Column(ft.STRING, np.array(names, dtype=object)),
            "TIME": Column(ft.INTEGER, np.array(times, dtype=np.int64)),
            "VALUE": Column(ft.FLOAT, np.array([0.0 if v is None else v for v in values]),
                            np.array([v is not None for v in values]))}
    if notes is not None:
        cols["NOTE"] = Column(ft.STRING, np.array(notes, dtype=object))
    return cols


def test_tag_table_append_scan_and_duplicates(eng):
    tag_table(eng)
    assert eng.append_rows("tag", tag_rows(["b", "a", "a", "a"], [20, 30, 10, 10], [2.0, 3.0, 1.0, None],
                                           ["x", "y", "z", "w"])) == 4
    expected = {"NAME": ["a", "a", "a", "b"], "TIME": [10, 10, 30, 20], "VALUE": [1.0, None, 3.0, 2.0],
                "NOTE": ["z", "w", "y", "x"]}
    assert eng.scan_table("TAG").to_pydict() == expected
    eng.compact()
    assert eng.scan_table("tag").to_pydict() == expected  # duplicates kept, same order after compaction
    assert eng.scan_table("tag", tags=["b", "zz"]).to_pydict() == {
        "NAME": ["b"], "TIME": [20], "VALUE": [2.0], "NOTE": ["x"]}
    assert eng.scan_table("tag", tags=["a"], start=11, reverse=True).column("TIME").to_pylist() == [30]
    assert eng.scan_table("tag", reverse=True, limit=2).column("TIME").to_pylist() == [30, 10]
    assert [m["NAME"] for m in eng.tag_metadata("tag")] == ["a", "b"]


def test_tag_registration_rules(eng):
    tag_table(eng)
    with pytest.raises(TagNotFound):
        eng.append_rows("tag", tag_rows(["new"], [1], [1.0]), register_tags=False)
    assert eng.scan_table("tag").num_rows == 0
    eng.insert_tag("tag", "t1", {"SITE": "seoul"})
    with pytest.raises(DuplicateKey):
        eng.insert_tag("tag", "t1")
    eng.append_rows("tag", tag_rows(["t1"], [5], [1.5]), register_tags=False)
    assert eng.tag_metadata("tag") == [{"_ID": eng.tag_metadata("tag")[0]["_ID"], "NAME": "t1", "SITE": "seoul"}]
    with pytest.raises(TagHasData):
        eng.delete_tag("tag", "t1")
    assert eng.update_tag("tag", "t1", {"SITE": "busan"}, new_name="t2") == 1
    assert eng.update_tag("tag", "nope", {"SITE": "x"}) == 0
    assert eng.scan_table("tag", tags=["t2"]).to_pydict()["VALUE"] == [1.5]
    assert eng.tag_metadata("tag", ["t2"])[0]["SITE"] == "busan"
    assert eng.delete_table_rows("tag", tags=["t2"]) == 1
    assert eng.delete_tag("tag", "t2") == 1
    assert eng.tag_metadata("tag") == []


def test_tag_delete_before_and_drop(eng):
    tag_table(eng)
    eng.append_rows("tag", tag_rows(["a", "a", "b"], [1, 5, 2], [1.0, 2.0, 3.0]))
    eng.compact()
    eng.append_rows("tag", tag_rows(["a"], [3], [9.0]))
    assert eng.delete_table_rows("tag", before=4) == 3
    assert eng.scan_table("tag").to_pydict()["TIME"] == [5]
    eng.drop_table("tag")
    with pytest.raises(TableNotFound):
        eng.scan_table("tag")
    tag_table(eng)  # a new table of the same name starts empty
    assert eng.scan_table("tag").num_rows == 0 and eng.tag_metadata("tag") == []


def test_create_table_twice(eng):
    tag_table(eng)
    with pytest.raises(AlreadyExists):
        tag_table(eng)
    assert eng.create_table(TableDef("TAG", TAG, []), if_not_exists=True).columns[0].name == "NAME"
    assert [t.name for t in eng.list_tables()] == ["TAG"]


def test_log_table_arrival_order_and_hidden_columns(eng):
    eng.create_table(TableDef("LOGT", LOG, [ColumnDef("C1", ft.INTEGER), ColumnDef("C2", ft.BINARY)]))
    eng.append_rows("logt", {"C1": Column(ft.INTEGER, np.array([3, 1])),
                             "C2": Column(ft.BINARY, np.array([b"\x00", b""], dtype=object),
                                          np.array([True, False]))})
    eng.append_rows("logt", {"C1": Column(ft.INTEGER, np.array([2]))})
    t = eng.scan_table("logt", hidden=True).to_pydict()
    assert t["C1"] == [3, 1, 2] and t["C2"] == [b"\x00", None, None] and t["_RID"] == [0, 1, 2]
    assert t["_ARRIVAL_TIME"] == sorted(set(t["_ARRIVAL_TIME"]))
    assert eng.scan_table("logt", reverse=True).column("C1").to_pylist() == [2, 1, 3]
    assert eng.delete_table_rows("logt", before=t["_ARRIVAL_TIME"][2]) == 2
    assert eng.scan_table("logt").column("C1").to_pylist() == [2]


@pytest.mark.parametrize("kind", [VOLATILE, LOOKUP])
def test_primary_key_tables(eng, kind):
    eng.create_table(TableDef("KV", kind, [ColumnDef("ID", ft.INTEGER), ColumnDef("NAME", ft.STRING),
                                           ColumnDef("V", ft.FLOAT)], key="ID"))
    assert eng.put_rows("kv", [[2, "b", 2.0], [-1, "a", None]]) == 2
    with pytest.raises(DuplicateKey):
        eng.put_rows("kv", [[5, "x", 0.0], [2, "dup", 0.0]])
    assert eng.scan_table("kv").to_pydict() == {"ID": [-1, 2], "NAME": ["a", "b"], "V": [None, 2.0]}
    eng.put_rows("kv", [[2, None, 7.0]], on_duplicate="update")
    assert eng.update_rows("kv", -1, {"V": 1.5}) == 1 and eng.update_rows("kv", 42, {"V": 1}) == 0
    assert eng.scan_table("kv").to_pydict() == {"ID": [-1, 2], "NAME": ["a", "b"], "V": [1.5, 7.0]}
    assert eng.delete_keys("kv", [2, 3]) == 1
    assert eng.scan_table("kv").to_pydict()["ID"] == [-1]
    eng.drop_table("kv")
    assert eng.list_tables() == []


def test_tables_and_influx_databases_coexist(eng):
    tag_table(eng)
    eng.write_lines("db", b"m v=1 1\n")
    eng.append_rows("tag", tag_rows(["a"], [1], [1.0]))
    while eng.compact():
        pass
    assert eng.pending_segments() == 0
    assert eng.list_databases() == ["db"]
    assert eng.scan_table("tag").num_rows == 1 and eng.read_series("db", "m", {}).num_rows == 1


def test_line_protocol_into_tag_table(eng):
    eng.create_table(TableDef("TAG", TAG, [ColumnDef("NAME", ft.STRING), ColumnDef("TIME", ft.INTEGER),
                                           ColumnDef("VALUE", ft.FLOAT), ColumnDef("HOST", ft.STRING)],
                              key="NAME", time="TIME"))
    res = eng.write_lines_to_table("tag", b'cpu,host=a,dc=x user=1.5,sys=2i,note="s",ok=true 10\n'
                                          b"mem free=7u 20\nbad line\n")
    assert res.points_written == 3 and len(res.parse_errors) == 1
    assert eng.scan_table("tag").to_pydict() == {
        "NAME": ["cpu.sys", "cpu.user", "mem.free"], "TIME": [10, 10, 20], "VALUE": [2.0, 1.5, 7.0],
        "HOST": ["a", "a", None]}


def test_tag_stats_and_buckets_match_plain_computation(eng):
    tag_table(eng)
    rng = np.random.default_rng(4)
    names = rng.choice(["a", "b", "c"], 600)
    times = rng.integers(0, 10_000, 600) * 10**9
    values = rng.normal(size=600)
    values[::17] = np.nan  # NULL values (row counted, value not)
    cols = tag_rows(list(names), list(times), [None if np.isnan(v) else float(v) for v in values])
    eng.append_rows("tag", {k: v for k, v in cols.items()})
    for compacted in (False, True):
        if compacted:
            while eng.compact():
                pass
        stats = {s["NAME"]: s for s in eng.tag_stats("tag")}
        for tag in "abc":
            m = names == tag
            t, v = times[m], values[m]
            ok = ~np.isnan(v)
            order = np.argsort(t[ok], kind="stable")
            tv, vv = t[ok][order], v[ok][order]
            st = stats[tag]
            assert (st["ROW_COUNT"], st["MIN_TIME"], st["MAX_TIME"]) == (m.sum(), t.min(), t.max())
            assert (st["MIN_VALUE"], st["MAX_VALUE"]) == (vv.min(), vv.max())
            assert st["FIRST_VALUE_TIME"] == tv[0] and st["LAST_VALUE_TIME"] == tv[-1]
        total = eng.table_stats("tag")
        assert total["ROW_COUNT"] == 600 and total["MAX_VALUE"] == np.nanmax(values)
        b = eng.bucket_stats("tag", ["a", "b"], 1000 * 10**9, 1999 * 10**9, 60 * 10**9)
        m = np.isin(names, ["a", "b"]) & ~np.isnan(values) & (times >= 960 * 10**9) & (times < 2040 * 10**9)
        assert b["count"].sum() == m.sum() and b["sum"].sum() == pytest.approx(values[m].sum())
        assert b["time"][0] >= 960 * 10**9 and b["time"][-1] < 2040 * 10**9
    assert eng.disk_size("tag") > 0 and eng.disk_size("tag", ["a"]) < eng.disk_size("tag")


@pytest.mark.parametrize("bucket_s", [1, 5, 60, 300, 3600, 10800])
def test_bucket_stats_from_rollups_equal_raw(eng, bucket_s):
    tag_table(eng)
    rng = np.random.default_rng(bucket_s)
    for round_ in range(4):  # several compaction rounds: rollups built incrementally, last batch pending
        n = 300
        names = list(rng.choice(["a", "b", "c"], n))
        times = list(rng.integers(0, 50_000, n) * 10**9 + rng.integers(0, 10**9, n))  # out of order
        values = [None if v < -1.5 else float(v) for v in rng.normal(size=n)]
        eng.append_rows("tag", tag_rows(names, times, values))
        if round_ < 3:
            while eng.compact():
                pass
    bucket = bucket_s * 10**9
    for tags in (["a"], ["a", "c"], None):
        got = eng.bucket_stats("tag", tags, 1_000 * 10**9, 40_000 * 10**9, bucket)
        want = eng._bucket_stats_raw("tag", tags, 1_000 * 10**9, 40_000 * 10**9, bucket)
        assert got["time"].tolist() == want["time"].tolist()
        assert got["count"].tolist() == want["count"].tolist()
        for k in ("sum", "min", "max", "sumsq"):
            assert got[k] == pytest.approx(want[k]), k


def unit_rule(times, values, start, end, unit_ns, bucket_ns):
    """``{bucket: (count, sum, min, max)}`` of the valued rows whose unit starts in [start, end], in plain numpy."""
    unit_start = times // unit_ns * unit_ns
    keep = (unit_start >= start) & (unit_start <= end) & ~np.isnan(values)
    out = {}
    for b in np.unique(times[keep] // bucket_ns * bucket_ns):
        v = values[keep & (times // bucket_ns * bucket_ns == b)]
        out[int(b)] = (v.size, v.sum(), v.min(), v.max())
    return out


def assert_rule(stats, want):
    """Compare a ``bucket_stats`` answer with ``unit_rule``'s (sums to rounding)."""
    got = {int(t): (int(c), s, lo, hi)
           for t, c, s, lo, hi in zip(stats["time"], stats["count"], stats["sum"], stats["min"], stats["max"])}
    assert list(got) == list(want)
    for bucket, row in want.items():
        assert got[bucket] == pytest.approx(row), bucket


@pytest.mark.parametrize("unit_s, n", [(1, 5), (60, 1), (60, 5), (3600, 1), (3600, 2)])
def test_bucket_stats_by_unit_pending_then_compacted(eng, unit_s, n):
    """End bounds the units counted, from pending rows, from rollups, and from both at once."""
    tag_table(eng)
    rng = np.random.default_rng(unit_s + n)
    unit, bucket = unit_s * 10**9, unit_s * n * 10**9
    start, end = 10**12 + 500 * unit + unit // 3, 10**12 + 1400 * unit + unit // 2
    # rows on both sides of Start and End inside their units, then rows from far before to far after
    edges = np.array([start - 1, start, start + 1, end - 1, end, end + 1], dtype=np.int64)
    names = np.concatenate([np.repeat(["a", "c"], 6), rng.choice(["a", "b", "c"], 2988)])
    times = np.concatenate([edges, edges, 10**12 + rng.integers(0, 2000 * unit, 2988)])
    values = np.where(rng.random(3000) < 0.05, np.nan, np.round(rng.normal(size=3000) * 100, 2))
    values[:12] = np.arange(12.0)
    cases = [(start, end), (start - unit // 3, end - unit // 2), (start, start + unit // 10), (end, start)]

    def write(part):
        eng.append_rows("tag", tag_rows(list(names[part]), list(times[part]),
                                        [None if np.isnan(v) else v for v in values[part]]))

    def check(upto):
        m = np.isin(names[:upto], ["a", "c"])
        t, v = times[:upto][m], values[:upto][m]
        assert unit_rule(t, v, start, end, unit, bucket)  # the main case has rows
        for lo, hi in cases:
            want = unit_rule(t, v, lo, hi, unit, bucket)
            assert_rule(eng.bucket_stats("tag", ["a", "c"], lo, hi, bucket, unit_ns=unit), want)
            assert_rule(eng._bucket_stats_raw("tag", ["a", "c"], lo, hi, bucket, unit_ns=unit), want)

    write(slice(0, 1500))
    assert eng.pending_segments() > 0
    check(1500)                              # pending rows only
    while eng.compact():
        pass
    write(slice(1500, None))
    check(3000)                              # rollups and pending rows together
    while eng.compact():
        pass
    assert eng.pending_segments() == 0
    check(3000)                              # rollups only
    with pytest.raises(InvalidArgument):
        eng.bucket_stats("tag", ["a"], start, end, 90 * 10**9, unit_ns=60 * 10**9)


def test_tag_stats_records_follow_compaction_and_deletes(eng):
    tag_table(eng)
    eng.append_rows("tag", tag_rows(["a"] * 4, [10, 20, 30, 40], [4.0, None, 1.0, 9.0]))
    eng.compact()
    eng.append_rows("tag", tag_rows(["a", "a"], [5, 50], [0.5, 2.0]))  # pending: folded in at query time
    st = eng.tag_stats("tag", ["a"])[0]
    assert (st["ROW_COUNT"], st["MIN_TIME"], st["MAX_TIME"], st["MIN_VALUE"], st["MAX_VALUE"]) == (6, 5, 50, 0.5, 9.0)
    assert (st["FIRST_VALUE"], st["LAST_VALUE"]) == (0.5, 2.0)
    eng.compact()
    assert eng.tag_stats("tag", ["a"])[0] == st
    with eng.env.begin() as txn:  # the stored record alone now answers
        assert txn.get(eng.tag_metadata("tag")[0]["_ID"].to_bytes(8, "big"), db=eng.dbs[b"sstat"]) is not None
    eng.delete_table_rows("tag", before=25)
    st = eng.tag_stats("tag", ["a"])[0]
    assert (st["ROW_COUNT"], st["MIN_TIME"], st["MIN_VALUE"], st["MAX_VALUE"], st["FIRST_VALUE"]) == (3, 30, 1.0, 9.0, 1.0)


def test_disk_size_counter_matches_a_walk_over_blocks(eng):
    tag_table(eng)
    for part in range(3):
        eng.append_rows("tag", tag_rows(["a", "b"] * 3000, list(range(part * 6000, part * 6000 + 6000)), [1.5] * 6000))
        while eng.compact():
            pass
    eng.delete_table_rows("tag", before=4000, tags=["a"])

    def walk(tag):
        with eng.env.begin() as txn:
            tdef = eng._table(txn, "tag")
            sid = eng._tag_ids(txn, tdef, [tag])[0][0]
            return sum(len(txn.get(k, db=eng.dbs[b"blk"])) + len(v) for k, v in eng._block_summaries(txn, sid))
    assert eng.disk_size("tag", ["a"]) == walk("a") > 0
    assert eng.disk_size("tag") == walk("a") + walk("b")


def test_delete_tag_refused_while_rows_pending_or_compacted(eng):
    tag_table(eng)
    eng.append_rows("tag", tag_rows(["a"], [1], [1.0]))
    with pytest.raises(TagHasData):          # the row is pending compaction
        eng.delete_tag("tag", "a")
    eng.compact()
    with pytest.raises(TagHasData):          # the row is in a block
        eng.delete_tag("tag", "a")
    eng.append_rows("tag", tag_rows(["a"], [2], [2.0]))
    eng.delete_table_rows("tag", tags=["a"])  # blocks and pending rows both gone
    assert eng.delete_tag("tag", "a") == 1
