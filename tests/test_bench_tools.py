"""Fast checks of the benchmark tools in bench/: the TSBS generator and the HTTP load generator."""
import gzip
import http.server
import os
import re
import sys
import threading

import pytest

BENCH = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "bench")
sys.path.insert(0, BENCH)

import loadgen  # noqa: E402
import tsbs  # noqa: E402

TAG_ORDER = [
    "hostname", "region", "datacenter", "rack", "os", "arch", "team", "service",
    "service_version", "service_environment",
]
FIELD_ORDER = [
    "usage_user", "usage_system", "usage_idle", "usage_nice", "usage_iowait", "usage_irq",
    "usage_softirq", "usage_steal", "usage_guest", "usage_guest_nice",
]
START = 1451606400000000000


def split_line(line: bytes):
    """Split one generated line into (measurement, tags, fields, timestamp)."""
    assert line.endswith(b"\n")
    text = line[:-1].decode("ascii")
    series, fieldset, ts = text.split(" ")
    measurement, *tagpairs = series.split(",")
    tags = [tuple(p.split("=", 1)) for p in tagpairs]
    fields = [tuple(p.split("=", 1)) for p in fieldset.split(",")]
    return measurement, tags, fields, int(ts)


def test_line_shape_int_form():
    lines = list(tsbs.generate_lines(scale=5, rows=12))
    assert len(lines) == 12
    for line in lines:
        m, tags, fields, ts = split_line(line)
        assert m == "cpu"
        assert [k for k, _ in tags] == TAG_ORDER
        assert [k for k, _ in fields] == FIELD_ORDER
        for _, v in fields:
            assert re.fullmatch(r"\d+i", v), v
            assert 0 <= int(v[:-1]) <= 100
        assert ts >= START
        assert 250 < len(line) < 400


def test_tag_values_are_tsbs_like_and_fixed_per_host():
    lines = list(tsbs.generate_lines(scale=50, epochs=3))
    first = {}
    for line in lines:
        _, tags, _, _ = split_line(line)
        t = dict(tags)
        assert t["datacenter"].startswith(t["region"])
        assert t["os"] in {"Ubuntu16.10", "Ubuntu16.04LTS", "Ubuntu15.10"}
        assert t["arch"] in {"x64", "x86"}
        assert t["team"] in {"SF", "NYC", "LON", "CHI"}
        assert 0 <= int(t["rack"]) < 100
        assert 0 <= int(t["service"]) < 20
        assert t["service_version"] in {"0", "1"}
        assert t["service_environment"] in {"production", "staging", "test"}
        assert first.setdefault(t["hostname"], tags) == tags


def test_host_order_and_timestamps_per_epoch():
    scale, interval = 7, 10
    lines = list(tsbs.generate_lines(scale=scale, epochs=4, interval_s=interval))
    assert len(lines) == scale * 4
    for n, line in enumerate(lines):
        _, tags, _, ts = split_line(line)
        epoch, host = divmod(n, scale)
        assert tags[0] == ("hostname", f"host_{host}")
        assert ts == START + epoch * interval * 10**9


def test_rows_stops_mid_epoch_and_is_a_prefix():
    full = list(tsbs.generate_lines(scale=4, epochs=3))
    part = list(tsbs.generate_lines(scale=4, rows=6))
    assert part == full[:6]


def test_random_walk_steps_are_small():
    lines = list(tsbs.generate_lines(scale=3, epochs=50, as_float=True))
    prev = {}
    for line in lines:
        _, tags, fields, _ = split_line(line)
        vals = [float(v) for _, v in fields]
        assert all(0.0 <= v <= 100.0 for v in vals)
        host = tags[0][1]
        if host in prev:
            # N(0,1) steps: a jump of 8 sigma would mean the walk is not a walk.
            assert max(abs(a - b) for a, b in zip(vals, prev[host])) < 8
        prev[host] = vals


def test_deterministic_with_seed():
    a = list(tsbs.generate_lines(scale=10, rows=50, seed=7))
    b = list(tsbs.generate_lines(scale=10, rows=50, seed=7))
    c = list(tsbs.generate_lines(scale=10, rows=50, seed=8))
    assert a == b
    assert a != c


def test_float_form():
    line = next(tsbs.generate_lines(scale=2, rows=1, as_float=True))
    _, _, fields, _ = split_line(line)
    for _, v in fields:
        assert not v.endswith("i")
        assert re.fullmatch(r"\d+\.\d{10,}", v), v
    # Same walk, only the formatting differs: the int form is the truncated float form.
    iline = next(tsbs.generate_lines(scale=2, rows=1))
    _, _, ifields, _ = split_line(iline)
    assert [int(v[:-1]) for _, v in ifields] == [int(float(v)) for _, v in fields]


def test_generate_batches_cuts_lines():
    lines = list(tsbs.generate_lines(scale=6, rows=25))
    batches = list(tsbs.generate_batches(batch_lines=10, scale=6, rows=25))
    assert [b.count(b"\n") for b in batches] == [10, 10, 5]
    assert b"".join(batches) == b"".join(lines)


def test_cli_writes_gzip(tmp_path):
    out = tmp_path / "out.lp.gz"
    assert tsbs.main(["--scale", "3", "--rows", "8", "--gzip", "-o", str(out)]) == 0
    data = gzip.decompress(out.read_bytes())
    assert data == b"".join(tsbs.generate_lines(scale=3, rows=8))


# ---------------------------------------------------------------------------------------------
# loadgen against a stub /write server


class _Stub(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, fail_every=0):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.bodies = []
        self.headers_seen = []
        self.fail_every = fail_every
        self.count = 0


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        n = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(n)
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        srv = self.server
        with srv.lock:
            srv.count += 1
            fail = srv.fail_every and srv.count % srv.fail_every == 0
            if body and not fail:
                srv.bodies.append(body)
            srv.headers_seen.append(dict(self.headers))
        if fail:
            msg = b'{"error":"stub says no"}'
            self.send_response(400)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(msg)))
            self.end_headers()
            self.wfile.write(msg)
        else:
            self.send_response(204)
            self.end_headers()


@pytest.fixture
def stub():
    servers = []

    def make(**kw):
        srv = _Stub(**kw)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        servers.append(srv)
        return srv, f"http://127.0.0.1:{srv.server_address[1]}/write?db=benchmark"

    yield make
    for srv in servers:
        srv.shutdown()
        srv.server_close()


def test_run_load_gzip_roundtrip(stub):
    srv, url = stub()
    batches = loadgen.make_batches(rows=230, scale=20, batch_lines=50)
    assert len(batches) == 5 and all(b.gzipped for b in batches)
    res = loadgen.run_load(url, batches, workers=2, progress=False)
    assert res["failures"] == 0
    assert res["rows"] == res["rows_ok"] == 230
    assert res["batches"] == 5
    assert res["rows_per_s"] > 0 and res["values_per_s"] == pytest.approx(res["rows_per_s"] * 10, rel=1e-3)
    sent = sorted(srv.bodies)
    expected = sorted(tsbs.generate_batches(batch_lines=50, scale=20, rows=230))
    assert sent == expected
    data_posts = [h for h in srv.headers_seen if h.get("Content-Encoding") == "gzip"]
    assert len(data_posts) == 5
    assert all(h["Content-Type"] == "text/plain" for h in data_posts)


def test_run_load_plain_and_failures(stub, capsys):
    srv, url = stub(fail_every=3)
    batches = loadgen.make_batches(rows=60, scale=10, batch_lines=10, use_gzip=False)
    res = loadgen.run_load(url, batches, workers=1, progress=False, warmup=False)
    assert res["gzip"] is False
    assert res["failures"] == 2  # requests 3 and 6 fail
    assert res["rows_ok"] == 40
    assert "stub says no" in capsys.readouterr().err
    assert all("Content-Encoding" not in h for h in srv.headers_seen)


def test_run_load_connection_refused_is_a_failure():
    batches = loadgen.make_batches(rows=10, scale=5, batch_lines=5)
    res = loadgen.run_load("http://127.0.0.1:9/write?db=x", batches, workers=1, progress=False,
                           timeout=5, warmup=False)
    assert res["failures"] == 2 and res["rows_ok"] == 0


# --------------------------------------------------------------------------------------------------
# tsbs_queries: TSBS's InfluxDB query generator, byte for byte

import json  # noqa: E402
from urllib.parse import urlencode  # noqa: E402

import tsbs_queries  # noqa: E402

HOUR = 3600 * 10**9


def test_go_rand_matches_go_math_rand():
    # Go's math/rand with the default seed 1: rand.Int() and rand.Intn(100), as every Go user knows them.
    r = tsbs_queries.GoRand(1)
    assert [r.int63(), r.int63()] == [5577006791947779410, 8674665223082153551]
    r = tsbs_queries.GoRand(1)
    assert [r.intn(100) for _ in range(10)] == [81, 87, 47, 59, 81, 18, 25, 40, 56, 0]
    # rngCooked recomputed from gen_cooked.go's definition: Go's table, low 63 bits
    cooked = tsbs_queries._cooked()
    assert cooked[:2] == [5041579894721019882, 4646389086726545243]
    assert cooked[-1] == 4152330101494654406


def _gen(end_hours, seed=123, scale=10):
    return tsbs_queries.DevopsGenerator(0, end_hours * HOUR, scale, tsbs_queries.GoRand(seed))


def test_tsbs_single_groupby_text_and_path():
    # TSBS databases/influx/devops_test.go: TestDevopsGroupByTime (rand.Seed(123), 1 h of data)
    q = _gen(1).group_by_time(1, 1, 10**9)
    text = ("SELECT max(usage_user) from cpu where (hostname = 'host_9') and "
            "time >= '1970-01-01T00:05:58Z' and time < '1970-01-01T00:05:59Z' group by time(1m)")
    assert q.influxql == text
    assert q.human_label == "Influx 1 cpu metric(s), random    1 hosts, random 1s by 1m"
    assert q.human_description == q.human_label + ": 1970-01-01T00:05:58Z"
    assert q.path == "/query?" + urlencode({"q": text})  # Go's url.Values{"q": ...}.Encode()
    assert q.method == "POST"


def test_tsbs_groupby_orderby_limit_and_lastpoint():
    g = _gen(2)
    assert g.group_by_order_by_limit().influxql == (
        "SELECT max(usage_user) from cpu WHERE time < '1970-01-01T01:16:22Z' group by time(1m) limit 5")
    last = g.last_point_per_host().influxql
    assert last == 'SELECT * from cpu group by "hostname" order by time desc limit 1'


def test_tsbs_double_groupby_sequence():
    g = _gen(13)
    assert g.group_by_time_and_primary_tag(1).influxql == (
        "SELECT mean(usage_user) from cpu where time >= '1970-01-01T00:16:22Z' and "
        "time < '1970-01-01T12:16:22Z' group by time(1h),hostname")
    assert g.group_by_time_and_primary_tag(5).influxql == (
        "SELECT mean(usage_user), mean(usage_system), mean(usage_idle), mean(usage_nice), "
        "mean(usage_iowait) from cpu where time >= '1970-01-01T00:54:10Z' and "
        "time < '1970-01-01T12:54:10Z' group by time(1h),hostname")


def test_tsbs_max_all_cpu_sequence_including_the_failed_call():
    g = _gen(9)
    with pytest.raises(ValueError, match="number of hosts cannot be < 1; got 0"):
        g.max_all_cpu(0)  # TSBS draws the window before it fails, so the next query moves on
    maxes = ",".join(f"max({m})" for m in tsbs_queries.CPU_METRICS)
    assert g.max_all_cpu(1).influxql == (
        f"SELECT {maxes} from cpu where (hostname = 'host_3') and time >= '1970-01-01T00:54:10Z' "
        "and time < '1970-01-01T08:54:10Z' group by time(1h)")
    assert g.max_all_cpu(5).influxql == (
        f"SELECT {maxes} from cpu where (hostname = 'host_9' or hostname = 'host_5' or "
        "hostname = 'host_1' or hostname = 'host_7' or hostname = 'host_2') and "
        "time >= '1970-01-01T00:37:12Z' and time < '1970-01-01T08:37:12Z' group by time(1h)")


def test_tsbs_high_cpu_sequence():
    g = _gen(13)
    with pytest.raises(ValueError, match="got -1"):
        g.high_cpu_for_hosts(-1)
    assert g.high_cpu_for_hosts(0).influxql == (  # two spaces: TSBS's empty host clause
        "SELECT * from cpu where usage_user > 90.0  and time >= '1970-01-01T00:54:10Z' and "
        "time < '1970-01-01T12:54:10Z'")
    assert g.high_cpu_for_hosts(1).influxql == (
        "SELECT * from cpu where usage_user > 90.0 and (hostname = 'host_5') and "
        "time >= '1970-01-01T00:47:30Z' and time < '1970-01-01T12:47:30Z'")


def test_tsbs_random_hosts_unseeded_go_state():
    # TestDevopsGetHostWhereString runs on Go's default source (seed 1), one call after another.
    g = _gen(1, seed=1)
    assert g.host_where(1) == "(hostname = 'host_1')"
    assert g.host_where(2) == "(hostname = 'host_7' or hostname = 'host_9')"
    assert g.host_where(3) == "(hostname = 'host_1' or hostname = 'host_8' or hostname = 'host_5')"


def test_generate_queries_over_bench_tsbs_data():
    start, end = tsbs_queries.data_window(rows=1_000_000, scale=100)
    assert (start, end) == (START, START + 10_000 * 10 * 10**9)
    for qt in tsbs_queries.BENCH_TYPES:
        qs = tsbs_queries.generate_queries(qt, 5, scale=100, start_ns=start, end_ns=end, seed=7)
        assert len(qs) == 5 and all(q.query_type == qt for q in qs)
        assert qs == tsbs_queries.generate_queries(qt, 5, scale=100, start_ns=start, end_ns=end, seed=7)
        for q in qs:
            for t in re.findall(r"time [<>]=? '([^']+)'", q.influxql):
                assert "2016-01-01T00:00:00Z" <= t <= "2016-01-02T03:46:40Z"
            assert all(int(h) < 100 for h in re.findall(r"host_(\d+)", q.influxql))
    with pytest.raises(ValueError, match="invalid query type"):
        tsbs_queries.generate_queries("nope", 1, scale=1, start_ns=0, end_ns=HOUR)
    with pytest.raises(ValueError, match="random window"):  # 12 h windows need more than 1 h of data
        tsbs_queries.generate_queries("high-cpu-1", 1, scale=10, start_ns=0, end_ns=HOUR)


def test_tsbs_queries_cli(capsys):
    assert tsbs_queries.main(["--type", "lastpoint", "--queries", "2", "--format", "json"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert json.loads(lines[0])["path"].startswith("/query?q=SELECT+%2A+from+cpu")


# --------------------------------------------------------------------------------------------------
# The InfluxQL goldens (bench/record_influx_goldens.py) and their replay helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import influxql_goldens  # noqa: E402
import record_influx_goldens  # noqa: E402


def test_goldens_files_match_the_corpus():
    corpus = influxql_goldens.load_corpus()
    goldens = influxql_goldens.load_goldens()
    ids = [e["id"] for e in corpus["entries"]]
    assert len(ids) == len(set(ids)) >= 500
    assert set(ids) == set(goldens)
    assert sum(corpus["categories"].values()) == len(ids)
    for e in corpus["entries"]:
        assert e["kind"] in ("json", "chunked", "pretty", "csv") and "q" in e["params"]
        assert isinstance(goldens[e["id"]]["status"], int)


def test_dataset_file_is_the_generated_one():
    ddl, blocks = influxql_goldens.dataset_blocks()
    ds = record_influx_goldens.build_dataset()
    assert ddl == ds.ddl
    assert blocks == [(db, rp, lines) for db, rp, lines in ds.blocks]
    assert record_influx_goldens.parse_export(ds.export_text()).blocks == ds.blocks


def test_select_entries_pulls_in_the_whole_seq():
    entries = influxql_goldens.load_corpus()["entries"]
    seq = [e for e in entries if e.get("seq") == "delete"]
    picked = influxql_goldens.select_entries(entries, ids=[seq[3]["id"]])
    assert [e["id"] for e in picked] == [e["id"] for e in seq[:4]]
    assert len(influxql_goldens.select_entries(entries, categories=["tsbs"])) == sum(
        e["category"] == "tsbs" for e in entries)


def _answer(body, status=200, ct="application/json"):
    return {"status": status, "content_type": ct, "body": body}


def test_compare_rules():
    e = {"id": "x", "kind": "json"}
    gold = _answer('{"results":[{"statement_id":0,"series":[{"name":"m","columns":["time","v"],'
                   '"values":[[1583020800000000001,4],[1583020800000000002,0.30000000000000004]]}]}]}')
    same = _answer('{"results": [{"series": [{"values": [[1583020800000000001, 4.0], '
                   '[1583020800000000002, 0.3000000000000001]], "columns": ["time", "v"], "name": "m"}], '
                   '"statement_id": 0}]}', ct="application/json; charset=utf-8")
    assert influxql_goldens.compare(e, gold, same) == []
    off_by_one_ns = _answer(gold["body"].replace("0001,4", "0002,4"))
    assert influxql_goldens.compare(e, gold, off_by_one_ns)
    assert influxql_goldens.compare(e, gold, _answer(gold["body"].replace("0.3000", "0.3001")))
    assert influxql_goldens.compare(e, gold, _answer(gold["body"], status=400))
    err = _answer('{"results":[{"statement_id":0,"error":"undefined function foo()"}]}')
    assert influxql_goldens.compare(e, err, _answer(err["body"].replace("foo", "bar")))
    csv_e = {"id": "y", "kind": "csv"}
    csv = _answer("name,tags,time,v\nm,,1583020800000000000,0.1\n", ct="application/csv")
    assert influxql_goldens.compare(csv_e, csv, _answer(csv["body"].replace("0.1", "0.10000000000000001"),
                                                        ct="application/csv")) == []
    worse = _answer(csv["body"].replace("0.1", "0.2"), ct="application/csv")
    assert influxql_goldens.compare(csv_e, csv, worse)


def test_series_order_any_merges_and_sorts_like_the_recorder():
    body = ('{"results":[{"statement_id":0,"series":['
            '{"name":"t","tags":{"k":"b"},"columns":["time","i"],"values":[["2020-03-01T01:00:00Z",2]]},'
            '{"name":"t","tags":{"k":"a"},"columns":["time","i"],"values":[["2020-03-01T00:00:00Z",1]]},'
            '{"name":"t","tags":{"k":"b"},"columns":["time","i"],"values":[["2020-03-01T00:00:00Z",3]]}]}]}')
    stored = record_influx_goldens.sort_series(body)
    assert json.loads(stored)["results"][0]["series"] == [
        {"name": "t", "tags": {"k": "a"}, "columns": ["time", "i"], "values": [["2020-03-01T00:00:00Z", 1]]},
        {"name": "t", "tags": {"k": "b"}, "columns": ["time", "i"],
         "values": [["2020-03-01T00:00:00Z", 3], ["2020-03-01T01:00:00Z", 2]]}]
    e = {"id": "z", "kind": "json", "series_order": "any"}
    assert influxql_goldens.compare(e, _answer(stored), _answer(body)) == []
    assert influxql_goldens.compare({"id": "z", "kind": "json"}, _answer(stored), _answer(body))


def test_query_bench_report_ratios_agreement_and_errors():
    import query_bench as qb

    body = ('{"results":[{"statement_id":0,"series":[{"name":"cpu","columns":["time","max"],'
            '"values":[[0,1.5]]}]}]}')
    other = body.replace("1.5", "2.5")
    influx = qb.SystemRun("influxdb", answers={
        "lastpoint": [qb.Answer(200, 0.010, body), qb.Answer(200, 0.030, body)],
        "high-cpu-1": [qb.Answer(200, 0.002, body)]}, other_cores={"lastpoint": 0.25})
    ms = qb.SystemRun("machstore", answers={
        "lastpoint": [qb.Answer(200, 0.005, body), qb.Answer(200, 0.005, other)],
        "high-cpu-1": [qb.Answer(200, 0.001, '{"results":[{"statement_id":0,"error":"nope"}]}',
                                 error="nope")]})
    assert qb.compare_answers(influx.answers["lastpoint"], ms.answers["lastpoint"])[:2] == (1, 2)
    text = qb.report({"influxdb": influx, "machstore": ms}, ["lastpoint", "high-cpu-1"])
    lines = text.splitlines()
    assert lines[2].split()[:5] == ["lastpoint", "20.0", "5.0", "0.25x", "1/2"]
    assert lines[3].split()[:4] == ["high-cpu-1", "2.0", "error", "-"]
    assert "machstore high-cpu-1: error nope" in text
    assert "lastpoint: answers differ, query 1:" in text


def test_query_bench_report_with_a_baseline_build():
    import query_bench as qb

    body = '{"results":[{"statement_id":0}]}'
    influx = qb.SystemRun("influxdb", answers={"lastpoint": [qb.Answer(200, 0.010, body)]})
    before = qb.SystemRun(qb.BASELINE, answers={"lastpoint": [qb.Answer(200, 0.020, body)]})
    after = qb.SystemRun("machstore", answers={"lastpoint": [qb.Answer(200, 0.005, body.replace("0", "1"))]})
    text = qb.report({"influxdb": influx, qb.BASELINE: before, "machstore": after}, ["lastpoint"])
    lines = text.splitlines()
    assert "machstore-baseline/influxdb" in lines[0] and "machstore/influxdb" in lines[0]
    assert lines[2].split()[:8] == ["lastpoint", "10.0", "20.0", "5.0", "2.00x", "1/1", "0.50x", "0/1"]
    assert "lastpoint (machstore): answers differ" in text
