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
