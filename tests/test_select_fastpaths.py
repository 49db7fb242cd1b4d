"""SELECT's shortcuts give the answers of the long way round, on data compacted, pending and mixed.

The shortcuts (``docs/influxql.md``, "Speed"): a per-process series index, columnar scans that
decode only the wanted columns, aggregates with ``LIMIT`` that read only the windows they print,
first/last rows from block summaries.  Each test runs a query that takes a shortcut and one that
cannot (no LIMIT, so everything is read) and checks that the first is the second cut to size,
with the data in every state the engine can hold it: all pending, all compacted into blocks,
blocks plus pending writes that overwrite some points, and nulls in the fields.
"""
import os
import subprocess
import sys

import numpy as np
import pytest

from machstore.engine import Engine
from machstore.influxql import parse
from machstore.influxql.select import run_select

T0 = 1_600_000_000 * 10**9
STEP = 7 * 10**9          # irregular enough: 7 s apart, windows of 1 m hold 8 or 9 points
N_POINTS = 2000           # per series: 3.9 h


def _lines(rng, hosts, start, n, *, sparse=True):
    out = []
    for i in range(n):
        t = T0 + (start + i) * STEP
        for h, dc in hosts:
            parts = [f"v={int(rng.integers(0, 100))}i"]
            if not sparse or rng.random() < 0.8:
                parts.append(f"f={rng.normal():.6f}")
            if sparse and rng.random() < 0.05:
                parts.append('s="x"')
            out.append(f"m,host={h},dc={dc} {','.join(parts)} {t}")
    return ("\n".join(out) + "\n").encode()


HOSTS = [("h0", "a"), ("h1", "a"), ("h2", "b"), ("h3", "b")]


def _load(engine, state):
    """Write the data set and leave it in ``state``: pending, compacted, or mixed."""
    rng = np.random.default_rng(7)
    for k in range(4):
        engine.write_lines("db", _lines(rng, HOSTS, k * (N_POINTS // 4), N_POINTS // 4))
    # h4 starts late: a series whose first window comes long after the others'
    engine.write_lines("db", _lines(rng, [("h4", "b")], N_POINTS // 2, N_POINTS // 4))
    if state in ("compacted", "mixed"):
        while engine.compact():
            pass
    if state == "mixed":
        # pending writes that overwrite stored points (first and last ones too) and add later ones
        engine.write_lines("db", _lines(rng, HOSTS[:2], 0, 3, sparse=False))
        engine.write_lines("db", _lines(rng, HOSTS[1:3], N_POINTS - 2, 5, sparse=False))


@pytest.fixture(scope="module", params=["pending", "compacted", "mixed"])
def engine(request, tmp_path_factory):
    with Engine(str(tmp_path_factory.mktemp(f"fast-{request.param}")), sync=False) as eng:
        _load(eng, request.param)
        yield eng


def run(engine, text):
    (stmt,) = parse(text)
    return [(s.name, s.tags, s.columns, s.values) for s in run_select(engine, stmt, database="db",
                                                                       now_ns=T0 + 10 * 86400 * 10**9)]


def cut(series, offset, limit):
    """Each series' rows from ``offset``, at most ``limit``; series left empty are dropped."""
    out = []
    for name, tags, columns, values in series:
        kept = values[offset:offset + limit]
        if kept:
            out.append((name, tags, columns, kept))
    return out


def _t(seconds):
    return T0 + seconds * 10**9


END = _t(N_POINTS * 7 - 600)   # before the last points: the windows end inside the data


@pytest.mark.parametrize("select", [
    "max(v)", "mean(v), count(f)", "first(f), last(f), min(v)", "percentile(v, 90), spread(v)",
    "median(f), stddev(f), sum(v)", "max(v), host", "mode(v)", "count(s)",
])
@pytest.mark.parametrize("group", ["", ", dc", ", *"])
@pytest.mark.parametrize("fill", ["", " fill(0)", " fill(previous)"])
@pytest.mark.parametrize("limit, offset", [(5, 0), (2, 3)])
def test_limited_windows_from_the_start_of_the_data(engine, select, group, fill, limit, offset):
    base = f"SELECT {select} FROM m WHERE time < {END} GROUP BY time(1m){group}{fill}"
    full = run(engine, base)
    paged = run(engine, f"{base} LIMIT {limit}" + (f" OFFSET {offset}" if offset else ""))
    assert paged == cut(full, offset, limit)
    assert paged   # the data answers something: the test compares real rows


@pytest.mark.parametrize("where", [f"time >= {_t(95)} AND time < {END}", f"time > {_t(4000)} AND time <= {_t(9000)}",
                                   f"host = 'h4' AND time >= {_t(100)} AND time < {END}"])
@pytest.mark.parametrize("order", ["", " ORDER BY time DESC"])
@pytest.mark.parametrize("fill", ["", " fill(-1)"])
def test_limited_windows_of_a_time_range(engine, where, order, fill):
    base = f"SELECT max(v), min(f), count(v) FROM m WHERE {where} GROUP BY time(5m), host{fill}{order}"
    full = run(engine, base)
    assert run(engine, base + " LIMIT 4") == cut(full, 0, 4)
    assert run(engine, base + " LIMIT 2 OFFSET 3") == cut(full, 3, 2)


def test_limited_windows_with_a_field_condition_read_the_same_rows(engine):
    base = f"SELECT max(v) FROM m WHERE v > 97 AND time < {END} GROUP BY time(1m), host"
    assert run(engine, base + " LIMIT 3") == cut(run(engine, base), 0, 3)


@pytest.mark.parametrize("select", ["*", "v, f", "f", "s", "v, s", "f, host"])
@pytest.mark.parametrize("where", ["", f"WHERE time <= {_t(9000)}", f"WHERE time >= {_t(70)} AND time < {_t(13000)}"])
@pytest.mark.parametrize("order, limit", [(" ORDER BY time DESC", 1), ("", 1), (" ORDER BY time DESC", 3)])
def test_edge_rows_equal_the_first_rows_of_the_whole_answer(engine, select, where, order, limit):
    base = f"SELECT {select} FROM m {where} GROUP BY *{order}"
    full = run(engine, base)
    assert run(engine, f"{base} LIMIT {limit}") == cut(full, 0, limit)
    assert full


def test_edge_times_are_each_series_first_and_last_value_of_the_columns(engine):
    index = engine.series_index("db").measurement("m")
    ids = [s["id"] for s in index.series]
    cases = [({"v"}, None, None), ({"s"}, None, None), ({"f", "s"}, _t(300), None), ({"s"}, None, _t(9000)),
             ({"v"}, _t(5000), _t(5003)), ({"f"}, _t(5000), _t(13000)), ({"nope"}, None, None)]
    for columns, start, end in cases:
        for latest in (False, True):
            got = engine.edge_times("db", ids, columns, start, end, latest=latest)
            want = {}
            for sid, rows in engine.read_many("db", ids, start, end).items():
                mask = np.zeros(len(rows), dtype=bool)
                for name in columns & set(rows.columns):
                    mask |= rows.columns[name].valid_mask(len(rows))
                if mask.any():
                    want[sid] = int(rows.times[np.flatnonzero(mask)[-1 if latest else 0]])
            assert got == want, (columns, start, end, latest)


def test_scans_decode_only_the_columns_asked_for(engine):
    index = engine.series_index("db").measurement("m")
    ids = [s["id"] for s in index.series]
    scan = engine.scan_series("db", ids, _t(100), _t(5000), types={"f": index.fields["f"]})
    whole = engine.read_many("db", ids, _t(100), _t(5000))
    assert set(scan.types) == {"f"}
    assert scan.lengths.tolist() == [len(whole[i]) for i in ids]
    assert scan.times.tolist() == [t for i in ids for t in whole[i].times.tolist()]
    col = scan.column("f")
    parts = [whole[i].columns.get("f") for i in ids]       # a series without rows has no columns
    want_valid = np.concatenate([c.valid_mask(len(whole[i])) for i, c in zip(ids, parts) if c is not None])
    want_values = np.concatenate([c.values for c in parts if c is not None])
    assert col.valid_mask(len(scan)).tolist() == want_valid.tolist()
    assert col.values[want_valid].tolist() == want_values[want_valid].tolist()
    keep = scan.times % 3 == 0
    part = scan.column("f", keep)
    assert part.values[part.valid_mask(int(keep.sum()))].tolist() == want_values[keep & want_valid].tolist()
    assert scan.column("nope") is None


def test_the_series_index_follows_new_series_fields_and_dropped_databases(tmp_path):
    with Engine(str(tmp_path / "d"), sync=False) as eng:
        eng.write_lines("x", b"cpu,host=a v=1i 1000\n")
        first = eng.series_index("x")
        assert first.measurements == ["cpu"]
        assert [s["tags"] for s in first.measurement("cpu").series] == [{"host": "a"}]
        assert eng.series_index("x") is first          # nothing changed: the same entry
        eng.write_lines("x", b"cpu,host=b v=2i 2000\n")      # a new series
        assert [s["tags"] for s in eng.series_index("x").measurement("cpu").series] == [{"host": "a"}, {"host": "b"}]
        eng.write_lines("x", b"cpu,host=a w=true 3000\n")    # a new field of an old series
        assert eng.series_index("x").measurement("cpu").fields == {"v": 1, "w": 4}
        eng.write_lines("x", b"mem,host=a v=1 3000\n")       # a new measurement
        assert eng.series_index("x").measurements == ["cpu", "mem"]
        assert eng.series_index("x").measurement("nope") is None
        eng.drop_database("x")
        eng.write_lines("x", b"cpu,dc=z u=1 1000\n")
        again = eng.series_index("x")
        assert again.measurements == ["cpu"]
        assert again.measurement("cpu").fields == {"u": 0}
        assert [s["tags"] for s in again.measurement("cpu").series] == [{"dc": "z"}]


def _write_from_another_process(path, line):
    code = ("import sys; from machstore.engine import Engine\n"
            "with Engine(sys.argv[1]) as e: e.write_lines('x', sys.argv[2].encode())")
    subprocess.run([sys.executable, "-c", code, path, line], check=True, cwd=os.path.dirname(path))


def test_the_series_index_of_one_process_sees_another_processes_writes(tmp_path):
    """Another process stands for another gunicorn worker: this one's index follows its writes."""
    path = str(tmp_path / "d")
    with Engine(path, sync=False) as eng:
        eng.write_lines("x", b"cpu,host=a v=1i 1000\n")
        assert len(eng.series_index("x").measurement("cpu").series) == 1
        _write_from_another_process(path, "cpu,host=b v=1i 1000\nmem v=1 5\n")
        assert len(eng.series_index("x").measurement("cpu").series) == 2
        assert eng.series_index("x").measurements == ["cpu", "mem"]
        (stmt,) = parse("SELECT v FROM cpu GROUP BY host")
        assert [s.tags for s in run_select(eng, stmt, database="x")] == [{"host": "a"}, {"host": "b"}]


def test_the_shortcuts_are_taken(engine, monkeypatch):
    """The tests above compare answers; these check that the short ways were the ones taken."""
    ranges = []
    scan = engine.scan_series

    def recording(db, ids, start=None, end=None, **kw):
        ranges.append((start, end, kw.get("limit")))
        return scan(db, ids, start, end, **kw)

    monkeypatch.setattr(engine, "scan_series", recording)
    run(engine, f"SELECT max(v) FROM m WHERE time < {END} GROUP BY time(1m) LIMIT 5")
    # every series but the late h4 starts at T0: h4's first point bounds the read
    assert ranges[-1][0] is None and ranges[-1][1] < _t(N_POINTS * 7 // 2 + 6 * 60)
    run(engine, f"SELECT max(v) FROM m WHERE host = 'h0' AND time >= {_t(600)} AND time < {END} GROUP BY time(1m) LIMIT 5")
    minute = 60 * 10**9
    assert ranges[-1][:2] == (_t(600), _t(600) // minute * minute + 5 * minute - 1)   # five windows from lo's
    run(engine, "SELECT * FROM m GROUP BY * ORDER BY time DESC LIMIT 1")
    assert ranges[-1][2] == 1


def test_last_rows_of_compacted_series_come_from_summaries(tmp_path, monkeypatch):
    with Engine(str(tmp_path / "d"), sync=False) as eng:
        _load(eng, "compacted")
        from machstore.storage import blocks
        decoded = []
        decode = blocks.decode_block
        monkeypatch.setattr(blocks, "decode_block", lambda *a, **kw: decoded.append(1) or decode(*a, **kw))
        last = run(eng, "SELECT v, f FROM m GROUP BY * ORDER BY time DESC LIMIT 1")
        assert decoded == [] and len(last) == 5
        monkeypatch.setattr(blocks, "decode_block", decode)
        assert last == cut(run(eng, "SELECT v, f FROM m GROUP BY * ORDER BY time DESC"), 0, 1)


def test_the_payload_cache_serves_repeated_reads_and_never_stale_blocks(tmp_path):
    """A block rewritten under the same key (an overwrite merged by compaction) is read anew."""
    with Engine(str(tmp_path / "d"), sync=False) as eng:
        eng.write_lines("db", b"".join(b"m,host=a v=%di %d\n" % (i, i * 10**9) for i in range(100)))
        while eng.compact():
            pass
        (stmt,) = parse("SELECT sum(v) FROM m")
        cache = eng.payload_cache()
        assert run_select(eng, stmt, database="db")[0].values[0][1] == 4950
        misses = cache.misses
        assert run_select(eng, stmt, database="db")[0].values[0][1] == 4950
        assert cache.misses == misses and cache.hits >= 1          # the second read decompressed nothing
        eng.write_lines("db", b"m,host=a v=1000i 0\n")               # overwrites the first point
        while eng.compact():
            pass
        assert run_select(eng, stmt, database="db")[0].values[0][1] == 4950 + 1000
        assert cache.misses == misses + 1


def test_the_payload_cache_stays_within_its_bytes():
    from machstore.storage import codec
    from machstore.storage.payloadcache import PayloadCache
    cache = PayloadCache(1000)
    blobs = {k: codec.compress(bytes([k]) * 400) for k in range(5)}
    for k, blob in blobs.items():
        assert cache.payload(k, memoryview(blob), 400) == bytes([k]) * 400
    assert len(cache) == 2 and cache.misses == 5                # 2 x 400 bytes fit in 1000
    assert cache.payload(4, blobs[4], 400) == bytes([4]) * 400 and cache.hits == 1
    assert cache.payload(4, blobs[3], 400) == bytes([3]) * 400  # other bytes under the key: not the entry
    assert cache.payload(9, codec.compress(b"x" * 2000), 2000) == b"x" * 2000 and len(cache) == 2


TAG_SERIES = [{"id": i, "tags": tags} for i, tags in enumerate([
    {"host": "a", "dc": "x"}, {"host": "b", "dc": "x"}, {"host": "a"}, {"dc": "y"}, {}, {"host": "", "dc": "x"},
])]


@pytest.mark.parametrize("where", [
    "host = 'a'", "host != 'a'", "'a' = host", "host = ''", "host != ''", "host = 'a' AND dc = 'x'",
    "(host = 'a') AND (dc != 'x')", "nope = ''", "nope = 'a'", "host::tag = 'b'", "host = 'a' AND dc = 'y'",
])
def test_tag_equality_picks_the_series_the_condition_evaluator_keeps(where):
    from machstore.influxql import parse_expr
    from machstore.influxql.select import _series_by_tag_equality, _series_matching_evaluated

    terms = parse_expr(where)
    picked = _series_by_tag_equality(terms, TAG_SERIES)
    assert picked is not None
    assert picked == _series_matching_evaluated(terms, TAG_SERIES, "m")


@pytest.mark.parametrize("where", ["host = 'a' OR dc = 'x'", "host =~ /a/", "host = 1", "_name = 'm'", "host < 'b'"])
def test_other_tag_conditions_go_to_the_condition_evaluator(where):
    from machstore.influxql import parse_expr
    from machstore.influxql.select import _series_by_tag_equality

    assert _series_by_tag_equality(parse_expr(where), TAG_SERIES) is None
