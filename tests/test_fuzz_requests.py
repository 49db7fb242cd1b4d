"""A few thousand malformed requests against one real server: no 5xx, every error in its API's format.

The requests come from ``bench/fuzzgen.py`` (the generator behind ``bench/fuzz_requests.py``,
which sends 100,000 of them): Machbase SQL built from the grammar with wrong types, huge
numbers and odd names; JSON append bodies of every wrong shape; /machiot paths and
arguments; line protocol garbage on /write, /api/v2/write and /kapacitor/v1/write; InfluxQL
garbage on /query.  The stream is seeded, so a failure names requests that fail again.
Data stored before the run under names the stream never uses must be there afterwards.
"""
import http.client
import os
import sys
import threading

import pytest

from conftest import ServerProcess, _shutdown, open_engine

BENCH = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "bench")
sys.path.insert(0, BENCH)

import fuzzgen  # noqa: E402

SEED = 7
REQUESTS = 2000
CLIENTS = 2


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory):
    srv = ServerProcess(tmp_path_factory.mktemp("fuzz"))
    srv.start()
    client = fuzzgen.Client(srv.url)
    for req in fuzzgen.SETUP + fuzzgen.CANARY:
        status, _, body = client.send(req)
        assert status < 300, (req.describe(), status, body[:300])
    client.close()
    problems = _run(srv.url, fuzzgen.Generator(SEED), REQUESTS)
    yield srv, problems
    _shutdown(srv)


def _run(url, gen, n):
    """Send ``n`` requests of ``gen`` from a few connections; return the answers that are wrong."""
    lock = threading.Lock()
    left = [n]
    problems = []

    def work():
        client = fuzzgen.Client(url)
        while True:
            with lock:
                if not left[0]:
                    break
                left[0] -= 1
                req = gen.request()
            try:
                status, headers, body = client.send(req)
            except (OSError, http.client.HTTPException) as ex:  # no answer at all: as bad as a 500
                status, headers, body = 0, {}, repr(ex).encode()
            problem = fuzzgen.check(req, status, headers, body) if status else "no answer"
            if problem:
                with lock:
                    problems.append(f"{problem}\n  {req.describe()}\n  -> {body[:300]!r}")
        client.close()

    threads = [threading.Thread(target=work) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return problems


def test_no_5xx_and_every_error_in_its_format(fuzzed):
    srv, problems = fuzzed
    assert not problems, f"{len(problems)} bad answers:\n" + "\n".join(problems[:20]) + "\n" + srv.log_tail(80)


def test_data_stored_before_is_still_there(fuzzed):
    srv, _ = fuzzed
    assert fuzzgen.verify_canary(srv.url) == []
    with open_engine(srv.data_dir) as eng:
        table = eng.read_series("keepdb", "keep", {"host": "k"})
        assert table.column("time").to_pylist() == [1700000000 * 10**9, 1700000060 * 10**9]
        assert table.column("v").to_pylist() == [1.25, 2.5]
        assert table.column("n").to_pylist() == [2, None]


def test_the_stream_is_the_same_for_a_seed():
    a, b = fuzzgen.Generator(3), fuzzgen.Generator(3)
    assert [a.request() for _ in range(200)] == [b.request() for _ in range(200)]
    doors = {r.target.split("?")[0].split("/")[1] for r in (a.request() for _ in range(2000))}
    assert {"machbase", "machiot", "write", "query", "kapacitor", "api"} <= doors
