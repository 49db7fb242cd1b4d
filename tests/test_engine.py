"""Engine tests without HTTP: write, read back, overwrite rules, conflicts, compaction, deletion."""
import random

import numpy as np
import pytest

from machstore.engine import Engine
from machstore.errors import DatabaseNotFound, InvalidArgument, RetentionPolicyNotFound

T0 = 1_600_000_000_000_000_000


@pytest.fixture
def eng(tmp_path):
    e = Engine(str(tmp_path / "data"))
    yield e
    e.close()


def read(eng, db, meas, tags, **kw):
    return eng.read_series(db, meas, tags, **kw).to_pydict()


def test_write_and_read_every_type(eng):
    body = (b'cpu,host=a f=1.5,i=-3i,u=7u,s="he said \\"hi\\"",b=true 1000\n'
            b'cpu,host=a f=2.5,i=4i,u=18446744073709551615u,s="x",b=F 2000\n')
    res = eng.write_lines("db", body)
    assert (res.points_written, res.values_written, res.parse_errors, res.drop_errors) == (2, 10, [], [])
    got = read(eng, "db", "cpu", {"host": "a"})
    assert got == {"time": [1000, 2000], "b": [True, False], "f": [1.5, 2.5], "i": [-3, 4],
                   "s": ['he said "hi"', "x"], "u": [7, 18446744073709551615]}
    assert eng.list_fields("db", "cpu") == {"b": "boolean", "f": "float", "i": "integer", "s": "string", "u": "unsigned"}


def test_catalog_listing(eng):
    eng.write_lines("db", b"cpu,host=a,dc=x v=1 1\ncpu,host=b v=1 1\nmem v=2i 1\n")
    assert eng.list_databases() == ["db"]
    assert eng.database_exists("db") and not eng.database_exists("nope")
    assert eng.list_measurements("db") == ["cpu", "mem"]
    series = eng.list_series("db", "cpu")
    assert sorted((s["key"], tuple(sorted(s["tags"].items()))) for s in series) == [
        ("cpu,dc=x,host=a", (("dc", "x"), ("host", "a"))), ("cpu,host=b", (("host", "b"),))]
    assert eng.list_retention_policies("db") == [{"name": "autogen", "duration_ns": 0,
                                                  "shard_duration_ns": 7 * 86400 * 10**9, "default": True}]


def test_tag_order_does_not_matter(eng):
    eng.write_lines("db", b"m,b=2,a=1 v=1 10\nm,a=1,b=2 v=2 20\n")
    assert read(eng, "db", "m", {"a": "1", "b": "2"}) == {"time": [10, 20], "v": [1.0, 2.0]}


def test_missing_database_and_rp(eng):
    with pytest.raises(DatabaseNotFound):
        eng.write_lines("nope", b"m v=1 1", create_database=False)
    with pytest.raises(DatabaseNotFound):
        eng.read_series("nope", "m", {})
    eng.write_lines("db", b"m v=1 1")
    with pytest.raises(RetentionPolicyNotFound):
        eng.write_lines("db", b"m v=1 1", rp="nope")
    with pytest.raises(InvalidArgument):
        eng.write_lines("db", b"m v=1 1", precision="x")


def test_precision_and_default_time(eng):
    eng.write_lines("db", b"m v=1 3", precision="s")
    eng.write_lines("db", b"m v=2", precision="h", now_ns=2 * 3600 * 10**9 + 17)
    assert read(eng, "db", "m", {})["time"] == [3 * 10**9, 2 * 3600 * 10**9]


def test_overwrite_same_series_time_field(eng):
    eng.write_lines("db", b"m a=1,b=1 100\n")
    eng.write_lines("db", b"m a=2 100\nm a=3 50\n")
    assert read(eng, "db", "m", {}) == {"time": [50, 100], "a": [3.0, 2.0], "b": [None, 1.0]}
    eng.compact()
    assert read(eng, "db", "m", {}) == {"time": [50, 100], "a": [3.0, 2.0], "b": [None, 1.0]}
    eng.write_lines("db", b"m b=9 100\n")
    assert read(eng, "db", "m", {}) == {"time": [50, 100], "a": [3.0, 2.0], "b": [None, 9.0]}


def test_type_conflict_drops_only_conflicting_points(eng):
    eng.write_lines("db", b"m v=1 1\n")
    res = eng.write_lines("db", b"m v=2i 2\nm v=3 3\nm,t=x v=4i,w=1 4\n")
    assert res.points_written == 1 and res.dropped == 2
    assert res.drop_errors == ['field type conflict: input field "v" on measurement "m" is type integer, '
                               'already exists as type float']
    assert read(eng, "db", "m", {}) == {"time": [1, 3], "v": [1.0, 3.0]}
    assert read(eng, "db", "m", {"t": "x"})["time"] == []


def test_type_conflict_within_one_batch(eng):
    res = eng.write_lines("db", b"m v=1i 1\nm v=2 2\nm v=3i 3\n")
    assert res.points_written == 2 and res.dropped == 1
    assert eng.list_fields("db", "m") == {"v": "integer"}


def test_time_tag_and_field_rules(eng):
    res = eng.write_lines("db", b"m,time=1 v=1 1\nm time=5 2\nm time=5,v=2 3\n")
    assert res.points_written == 1 and res.dropped == 2
    assert res.drop_errors[0] == 'invalid tag key: input tag "time" on measurement "m" is invalid'
    assert read(eng, "db", "m", {}) == {"time": [3], "v": [2.0]}


def test_all_lines_bad_creates_nothing(eng):
    res = eng.write_lines("db", b"bad line\n")
    assert res.points_written == 0 and len(res.parse_errors) == 1
    assert eng.list_databases() == []


def test_parse_errors_reported_good_points_kept(eng):
    res = eng.write_lines("db", b"m v=1 1\nbad line\nm v=2 2\n")
    assert res.points_written == 2 and len(res.parse_errors) == 1
    assert res.parse_errors[0].startswith("unable to parse 'bad line': ")


def test_duplicates_and_out_of_order_across_compaction(eng):
    rng = random.Random(7)
    oracle = {}
    for batch in range(30):
        lines = []
        for _ in range(50):
            t = rng.randrange(0, 2000) * 10**9 * 3600  # spans many day partitions
            host = rng.choice("abc")
            fields = {}
            if rng.random() < 0.8:
                fields["x"] = rng.randrange(-100, 100)
            if rng.random() < 0.5 or not fields:
                fields["y"] = rng.random()
            body = ",".join(f"{k}={v}i" if k == "x" else f"{k}={v!r}" for k, v in fields.items())
            lines.append(f"m,host={host} {body} {t}")
            oracle.setdefault((host, t), {}).update(fields)
        eng.write_lines("db", "\n".join(lines).encode())
        if batch % 7 == 3:
            eng.compact(max_points=120)

    def expected(host):
        ts = sorted(t for h, t in oracle if h == host)
        return {"time": ts, "x": [oracle[(host, t)].get("x") for t in ts],
                "y": [oracle[(host, t)].get("y") for t in ts]}

    for host in "abc":
        assert read(eng, "db", "m", {"host": host}) == expected(host)
    while eng.compact(max_points=500):
        pass
    assert eng.pending_segments() == 0
    for host in "abc":
        assert read(eng, "db", "m", {"host": host}) == expected(host)
        got = read(eng, "db", "m", {"host": host}, start=500 * 3600 * 10**9, end=900 * 3600 * 10**9)
        exp = expected(host)
        keep = [i for i, t in enumerate(exp["time"]) if 500 * 3600 * 10**9 <= t <= 900 * 3600 * 10**9]
        assert got == {k: [v[i] for i in keep] for k, v in exp.items()}


def test_large_series_split_into_blocks_and_range_reads(eng):
    n = 30_000
    times = T0 + np.arange(n, dtype=np.int64) * 10**9
    body = "".join(f"m,h=a v={i}i {t}\n" for i, t in enumerate(times.tolist())).encode()
    eng.write_lines("db", body)
    eng.compact()
    got = eng.read_series("db", "m", {"h": "a"}, start=int(times[100]), end=int(times[25_000]))
    assert got.num_rows == 24_901
    assert got.column("v").to_pylist() == list(range(100, 25_001))
    assert eng.read_series("db", "m", {"h": "a"}).num_rows == n


def test_delete_before_blocks_and_pending(eng):
    day = 86_400 * 10**9
    eng.write_lines("db", "".join(f"m,h=a v={i} {i * day // 4}\n" for i in range(40)).encode())
    eng.compact()
    eng.write_lines("db", "".join(f"m,h=a w={i} {i * day // 4 + 1}\n" for i in range(40)).encode())
    eng.write_lines("db", b"other v=1 0\n")
    removed = eng.delete_before("db", 5 * day + 1, measurement="m")
    assert removed == 21 + 20  # v at i*day/4 <= 5 days, w at i*day/4 + 1 < 5 days + 1
    got = read(eng, "db", "m", {"h": "a"})
    assert min(got["time"]) == 5 * day + 1
    assert len(got["time"]) == 80 - 41
    assert read(eng, "db", "other", {})["time"] == [0]
    eng.compact()
    assert read(eng, "db", "m", {"h": "a"}) == got


def test_drop_database(eng):
    eng.write_lines("db", b"m v=1 1\n")
    eng.drop_database("db")
    assert eng.list_databases() == []
    eng.write_lines("db", b"m v=2i 2\n")  # recreated: types start afresh
    assert read(eng, "db", "m", {}) == {"time": [2], "v": [2]}


def test_reopen_keeps_data(tmp_path):
    path = str(tmp_path / "d")
    with Engine(path) as e:
        e.write_lines("db", b"m v=1 1\n")
    with Engine(path) as e:
        assert read(e, "db", "m", {}) == {"time": [1], "v": [1.0]}


def test_retention_policies(eng):
    hour = 3600 * 10**9
    eng.create_database("db")
    eng.create_retention_policy("db", "short", duration_ns=24 * hour, default=True)
    assert {r["name"]: r["default"] for r in eng.list_retention_policies("db")} == {"autogen": False, "short": True}
    now = 1_000 * hour
    eng.write_lines("db", f"m v=1 {now - 48 * hour}\nm v=2 {now - hour}\n".encode())  # default rp: short
    eng.write_lines("db", f"m v=3 {now - 48 * hour}\n".encode(), rp="autogen")
    assert eng.enforce_retention(now_ns=now) == 1
    assert read(eng, "db", "m", {})["v"] == [2.0]
    assert read(eng, "db", "m", {}, rp="autogen")["v"] == [3.0]
    with pytest.raises(InvalidArgument):
        eng.create_retention_policy("db", "tiny", duration_ns=hour // 2)
    eng.drop_retention_policy("db", "autogen")
    with pytest.raises(RetentionPolicyNotFound):
        eng.read_series("db", "m", {}, rp="autogen")


def test_background_round_compacts(eng):
    eng.write_lines("db", b"m v=1 1\n")
    assert eng.background_round() >= 1
    assert eng.pending_segments() == 0
    assert eng.background_round() == 0


def test_read_many_edge_rows_decode_only_the_blocks_they_need(tmp_path):
    """read_many(limit=n): each series' first / last n rows (with a value in ``having``), from
    blocks and pending writes alike, equal to slicing the full read."""
    with Engine(str(tmp_path / "d")) as eng:
        lines = [f"m,h=a v={i}i{',w=1' if i % 3 == 0 else ''} {i}" for i in range(0, 20000, 2)]
        eng.write_lines("db", "\n".join(lines).encode())
        while eng.compact():
            pass
        eng.write_lines("db", b"m,h=a v=-1i 1\nm,h=a v=-2i 30001\nm,h=b w=5 7")   # pending, both ends
        ids = {s["tags"]["h"]: s["id"] for s in eng.list_series("db", "m")}
        full = eng.read_many("db", ids.values())
        for latest in (False, True):
            for n in (1, 5, 9000):
                got = eng.read_many("db", ids.values(), limit=n, latest=latest)
                for sid, rows in full.items():
                    want = rows.times[-n:] if latest else rows.times[:n]
                    assert got[sid].times.tolist() == want.tolist()
            got = eng.read_many("db", [ids["a"]], limit=2, latest=latest, having={"w"})
            w_rows = full[ids["a"]].take(full[ids["a"]].columns["w"].valid_mask(len(full[ids["a"]])))
            want = w_rows.times[-2:] if latest else w_rows.times[:2]
            assert got[ids["a"]].times.tolist() == want.tolist()
