"""InfluxDB 1.x write semantics over real HTTP (gunicorn + real LMDB), read back through Engine.

Reference: shared ``reference/lineprotocol.md`` section 1.5 (status codes and texts) and 1.4
(precision).  Every test writes to its own database on the module's shared server; tests
that need other settings start their own server.
"""
import base64
import gzip
import socket
import time

import pytest
import requests

from conftest import open_engine

VERSION = "1.8.10"
NS = {"": 1, "n": 1, "ns": 1, "u": 1_000, "us": 1_000, "ms": 1_000_000, "s": 1_000_000_000,
      "m": 60_000_000_000, "h": 3_600_000_000_000}


def write(server, body, path="/write", headers=None, **params):
    if isinstance(body, str):
        body = body.encode("utf-8")
    return requests.post(server.url + path, params=params, data=body, headers=headers or {}, timeout=30)


def assert_error(resp, status, message):
    """Check an InfluxDB-style error: status, JSON body, X-Influxdb-Error and version headers."""
    assert resp.status_code == status, resp.text
    assert resp.headers["Content-Type"].startswith("application/json")
    assert resp.json() == {"error": message}
    assert resp.headers["X-Influxdb-Error"] == message.replace("\n", " ")[:1024]
    assert resp.headers["X-Influxdb-Version"] == VERSION


def times(server, db, measurement, tags=None, rp=None):
    with open_engine(server.data_dir) as eng:
        return eng.read_series(db, measurement, tags or {}, rp=rp).column("time").to_pylist()


def table(server, db, measurement, tags=None, rp=None):
    with open_engine(server.data_dir) as eng:
        return eng.read_series(db, measurement, tags or {}, rp=rp).to_pydict()


# -- success --------------------------------------------------------------------------------

def test_write_returns_204_with_empty_body_and_stores_points(server, db):
    resp = write(server, "cpu,host=a usage=1.5,n=3i 1000\ncpu,host=a usage=2.5,n=4i 2000\n", db=db)
    assert resp.status_code == 204
    assert resp.content == b""
    assert resp.headers["X-Influxdb-Version"] == VERSION
    assert resp.headers["X-Request-Id"]
    assert table(server, db, "cpu", {"host": "a"}) == {"time": [1000, 2000], "n": [3, 4], "usage": [1.5, 2.5]}
    with open_engine(server.data_dir) as eng:
        assert eng.list_fields(db, "cpu") == {"n": "integer", "usage": "float"}
        assert db in eng.list_databases()


def test_all_field_types_are_stored_exactly(server, db):
    body = 'm,t=x f=-1.25e3,i=-9223372036854775807i,s="a \\"q\\" b\\\\",b=true,b2=F 5'
    assert write(server, body, db=db).status_code == 204
    assert table(server, db, "m", {"t": "x"}) == {
        "time": [5], "b": [True], "b2": [False], "f": [-1250.0], "i": [-9223372036854775807],
        "s": ['a "q" b\\']}
    with open_engine(server.data_dir) as eng:
        assert eng.list_fields(db, "m") == {"b": "boolean", "b2": "boolean", "f": "float",
                                            "i": "integer", "s": "string"}


def test_empty_body_gives_204(server, db):
    resp = write(server, b"", db=db)
    assert resp.status_code == 204
    assert resp.content == b""
    assert write(server, b"\n\n# only a comment\n", db=db).status_code == 204


def test_options_write_gives_204(server):
    resp = requests.options(server.url + "/write", timeout=5)
    assert resp.status_code == 204
    assert resp.headers["X-Influxdb-Version"] == VERSION


def test_database_is_created_on_first_write_by_default(server, db):
    with open_engine(server.data_dir) as eng:
        assert not eng.database_exists(db)
    assert write(server, "m v=1 1", db=db).status_code == 204
    with open_engine(server.data_dir) as eng:
        assert eng.database_exists(db)
        assert eng.list_retention_policies(db) == [{"name": "autogen", "duration_ns": 0,
                                                    "shard_duration_ns": 7 * 86400 * 10**9, "default": True}]


def test_consistency_and_credentials_params_are_ignored_when_auth_is_off(server, db):
    resp = write(server, "m v=1 1", db=db, consistency="all", u="nobody", p="wrong")
    assert resp.status_code == 204


# -- client errors ----------------------------------------------------------------------------

def test_missing_db_gives_400(server):
    assert_error(write(server, "m v=1 1"), 400, "database is required")
    assert_error(write(server, "m v=1 1", db=""), 400, "database is required")


def test_every_line_bad_gives_400_with_all_parse_errors(server, db):
    resp = write(server, "m v=1 1.5\nno_fields_here\n", db=db)
    assert resp.status_code == 400
    message = resp.json()["error"]
    lines = message.split("\n")
    assert len(lines) == 2
    assert lines[0].startswith("unable to parse 'm v=1 1.5': ")
    assert lines[1].startswith("unable to parse 'no_fields_here': ")
    assert not message.startswith("partial write")
    assert_error(resp, 400, message)
    with open_engine(server.data_dir) as eng:
        assert not eng.database_exists(db)  # nothing parsed: nothing is created, as InfluxDB


def test_some_lines_bad_gives_partial_write_and_stores_the_good_ones(server, db):
    resp = write(server, "m v=1 1\nm v=oops 2\nm v=3 3\n", db=db)
    assert resp.status_code == 400
    message = resp.json()["error"]
    assert message.startswith("partial write: unable to parse 'm v=oops 2': ")
    assert message.endswith(" dropped=0")
    assert_error(resp, 400, message)
    assert table(server, db, "m") == {"time": [1, 3], "v": [1.0, 3.0]}


def test_field_type_conflict_is_a_partial_write_and_the_rest_is_stored(server, db):
    assert write(server, "m v=1 1", db=db).status_code == 204
    resp = write(server, "m v=2i 2\nm v=3 3\nm,host=b v=4i 4\nm w=5i 5\n", db=db)
    assert_error(resp, 400, 'partial write: field type conflict: input field "v" on measurement "m" '
                            'is type integer, already exists as type float dropped=2')
    assert table(server, db, "m") == {"time": [1, 3, 5], "v": [1.0, 3.0, None], "w": [None, None, 5]}
    assert times(server, db, "m", {"host": "b"}) == []
    with open_engine(server.data_dir) as eng:
        assert eng.list_fields(db, "m") == {"v": "float", "w": "integer"}


def test_type_conflict_within_one_batch_keeps_the_first_type(server, db):
    resp = write(server, "m v=1i 1\nm v=2 2\n", db=db)
    assert_error(resp, 400, 'partial write: field type conflict: input field "v" on measurement "m" '
                            'is type float, already exists as type integer dropped=1')
    assert table(server, db, "m") == {"time": [1], "v": [1]}


def test_error_header_is_cut_at_1024_bytes(server, db):
    body = "\n".join(f"bad_line_number_{i} x" for i in range(200))
    resp = write(server, body, db=db)
    message = resp.json()["error"]
    assert len(message) > 1024
    assert_error(resp, 400, message)
    assert len(resp.headers["X-Influxdb-Error"]) == 1024


@pytest.mark.parametrize("precision", ["us", "x", "nanoseconds", "S"])
def test_bad_precision_on_v1_gives_400(server, db, precision):
    assert_error(write(server, "m v=1 1", db=db, precision=precision), 400,
                 f'invalid precision "{precision}" (use n, u, ms, s, m or h)')


@pytest.mark.parametrize("precision", ["n", "u", "m", "h", "x"])
def test_bad_precision_on_v2_gives_400(server, db, precision):
    resp = write(server, "m v=1 1", path="/api/v2/write", bucket=db, precision=precision)
    assert_error(resp, 400, f'invalid precision "{precision}" (use ns, us, ms or s)')


def test_unknown_retention_policy_gives_400_and_stores_nothing(server, db):
    # DEVIATION: InfluxDB 1.x answers 500 with this message; agents retry a 500 forever.
    resp = write(server, "m v=1 1", db=db, rp="nope")
    assert_error(resp, 400, "retention policy not found: nope")
    with open_engine(server.data_dir) as eng:
        assert not eng.database_exists(db)
    assert write(server, "m v=1 1", db=db).status_code == 204
    assert_error(write(server, "m v=1 2", db=db, rp="nope"), 400, "retention policy not found: nope")
    with open_engine(server.data_dir) as eng:
        assert [p["name"] for p in eng.list_retention_policies(db)] == ["autogen"]
    assert times(server, db, "m") == [1]


def test_retention_policy_with_a_nul_byte_gives_400(server, db):
    assert write(server, "m v=1 1", db=db).status_code == 204
    resp = write(server, "m v=1 2", db=db, rp="auto\x00gen")
    assert resp.status_code == 400
    assert resp.json() == {"error": "retention policy not found: auto\x00gen"}
    assert resp.headers["X-Influxdb-Error"] == "retention policy not found: auto gen"  # controls -> spaces
    assert times(server, db, "m") == [1]


@pytest.mark.parametrize("path", ["/write", "/kapacitor/v1/write"])
def test_database_names_that_cannot_be_stored_give_400(server, path):
    resp = write(server, "m v=1 1", path=path, db="d" * 251)
    assert resp.status_code == 400, resp.text
    assert "longer than 250 bytes" in resp.text
    resp = write(server, "m v=1 1", path=path, db="a\x00b")
    assert resp.status_code == 400, resp.text
    assert "control characters are not allowed" in resp.text
    with open_engine(server.data_dir) as eng:
        assert "d" * 251 not in eng.list_databases() and "a\x00b" not in eng.list_databases()


def test_measurement_and_field_names_longer_than_a_catalog_key_are_dropped(server, db):
    long_m, long_f = "m" * 251, "f" * 251
    body = f"{long_m} v=1 1\nok v=1 2\nok {long_f}=1 3\nok v=2 4\n"
    resp = write(server, body, db=db)
    assert_error(resp, 400, f'partial write: field name too long: "{"f" * 32}..." has 251 bytes, '
                            f"at most 250 are stored dropped=2")
    assert times(server, db, "ok") == [2, 4]
    resp = write(server, f"{long_m} v=1 1", db=db)
    assert_error(resp, 400, f'partial write: measurement name too long: "{"m" * 32}..." has 251 bytes, '
                            f"at most 250 are stored dropped=1")
    assert write(server, f"{'m' * 250} {'f' * 250}=1 1", db=db).status_code == 204
    assert times(server, db, "m" * 250) == [1]


# -- precision --------------------------------------------------------------------------------

@pytest.mark.parametrize("precision", ["", "n", "ns", "u", "ms", "s", "m", "h"])
def test_v1_precision_scales_timestamps(server, db, precision):
    params = {"precision": precision} if precision else {}
    assert write(server, "m v=1 7\nm v=2 9", db=db, **params).status_code == 204
    assert times(server, db, "m") == [7 * NS[precision], 9 * NS[precision]]


@pytest.mark.parametrize("precision", ["ns", "us", "ms", "s"])
def test_v2_precision_scales_timestamps(server, db, precision):
    resp = write(server, "m v=1 7", path="/api/v2/write", bucket=f"{db}/autogen", org="x", precision=precision)
    assert resp.status_code == 204, resp.text
    assert times(server, db, "m") == [7 * NS[precision]]


@pytest.mark.parametrize("precision", ["s", "h"])
def test_missing_timestamp_is_now_truncated_to_the_precision(server, db, precision):
    before = time.time_ns()
    assert write(server, "m v=1", db=db, precision=precision).status_code == 204
    after = time.time_ns()
    (stamp,) = times(server, db, "m")
    unit = NS[precision]
    assert stamp % unit == 0
    assert before - unit < stamp <= after


def test_timestamp_overflowing_with_precision_is_a_parse_error(server, db):
    resp = write(server, "m v=1 9999999999999", db=db, precision="s")
    assert resp.status_code == 400
    assert resp.json()["error"].startswith("unable to parse 'm v=1 9999999999999': ")


# -- gzip -----------------------------------------------------------------------------------

def test_gzip_body_is_decompressed(server, db):
    body = gzip.compress(b"m v=1 1\nm v=2 2\n")
    assert write(server, body, db=db, headers={"Content-Encoding": "gzip"}).status_code == 204
    assert times(server, db, "m") == [1, 2]


def test_multi_member_gzip_body_is_read_whole(server, db):
    body = gzip.compress(b"m v=1 1\n") + gzip.compress(b"m v=2 2\n")
    assert write(server, body, db=db, headers={"Content-Encoding": "gzip"}).status_code == 204
    assert times(server, db, "m") == [1, 2]


def test_bad_gzip_gives_400_with_the_zlib_error(server, db):
    resp = write(server, b"m v=1 1\n", db=db, headers={"Content-Encoding": "gzip"})
    assert_error(resp, 400, "gzip: invalid header")


def test_truncated_gzip_gives_400_and_stores_nothing(server, db):
    body = gzip.compress(b"".join(b"m v=%d %d\n" % (i, i) for i in range(1000)))
    resp = write(server, body[: len(body) // 2], db=db, headers={"Content-Encoding": "gzip"})
    assert_error(resp, 400, "unexpected EOF")
    with open_engine(server.data_dir) as eng:
        assert not eng.database_exists(db)


# -- other routes ---------------------------------------------------------------------------

def test_ping(server):
    for method in (requests.get, requests.head):
        resp = method(server.url + "/ping", timeout=5)
        assert resp.status_code == 204
        assert resp.content == b""
        assert resp.headers["X-Influxdb-Version"] == VERSION
    resp = requests.get(server.url + "/ping", params={"verbose": "true"}, timeout=5)
    assert resp.status_code == 200
    assert resp.json() == {"version": VERSION}
    assert requests.get(server.url + "/ping", params={"verbose": "false"}, timeout=5).status_code == 204


def test_kapacitor_ping_and_write(server, db):
    for method in (requests.get, requests.head):
        resp = method(server.url + "/kapacitor/v1/ping", timeout=5)
        assert resp.status_code == 204
        assert resp.headers["X-Kapacitor-Version"]
        assert resp.headers["X-Influxdb-Version"] == VERSION
    resp = write(server, "k,host=a v=1 5", path="/kapacitor/v1/write", db=db, rp="autogen", precision="s")
    assert resp.status_code == 204
    assert times(server, db, "k", {"host": "a"}) == [5 * NS["s"]]


def test_kapacitor_write_seed_example_creates_the_db_and_rp(server):
    # The Kapacitor seed's own example: any db and rp are accepted (Kapacitor scopes points by
    # them); the missing ones are created, the rp with infinite duration and not the default.
    resp = write(server, "cpu,host=example.com value=87.6", path="/kapacitor/v1/write",
                 db="DB_NAME", rp="RP_NAME")
    assert resp.status_code == 204, resp.text
    assert resp.content == b""
    with open_engine(server.data_dir) as eng:
        policies = {p["name"]: p for p in eng.list_retention_policies("DB_NAME")}
        assert set(policies) == {"autogen", "RP_NAME"}
        assert policies["RP_NAME"]["duration_ns"] == 0 and not policies["RP_NAME"]["default"]
        assert policies["autogen"]["default"]
        points = eng.read_series("DB_NAME", "cpu", {"host": "example.com"}, rp="RP_NAME").to_pydict()
    assert points["value"] == [87.6]
    # an existing database gets the missing rp too; the same rp again just stores
    for rp in ("RP_NAME", "other"):
        assert write(server, "cpu,host=b value=1 7", path="/kapacitor/v1/write", db="DB_NAME",
                     rp=rp).status_code == 204
        assert times(server, "DB_NAME", "cpu", {"host": "b"}, rp=rp) == [7]
    # without rp the points go to the database's default policy
    assert write(server, "cpu,host=c value=2 8", path="/kapacitor/v1/write", db="DB_NAME").status_code == 204
    assert times(server, "DB_NAME", "cpu", {"host": "c"}) == [8]
    # an rp no catalog key can hold is refused in Kapacitor's plain-text format
    resp = write(server, "cpu value=1 9", path="/kapacitor/v1/write", db="DB_NAME", rp="r" * 251)
    assert resp.status_code == 400 and resp.headers["Content-Type"].startswith("text/plain")
    assert "longer than 250 bytes" in resp.text


def test_kapacitor_write_errors_are_plain_text(server, db):
    # Kapacitor's /write answers errors as "msg\n" text, not JSON (shared reference, kapacitor.md).
    resp = write(server, "m v=1 1", path="/kapacitor/v1/write")
    assert resp.status_code == 400
    assert resp.headers["Content-Type"].startswith("text/plain")
    assert resp.text == "database is required\n"
    resp = write(server, "m v=1 1\nbad", path="/kapacitor/v1/write", db=db)
    assert resp.status_code == 400
    assert resp.text.startswith("partial write: unable to parse 'bad': ")
    assert times(server, db, "m") == [1]


def test_v2_write_with_bucket_db_and_rp(server, db):
    resp = write(server, "m v=1 1", path="/api/v2/write", bucket=f"{db}/autogen", org="my-org",
                 headers={"Authorization": "Token anything"})
    assert resp.status_code == 204
    assert times(server, db, "m", rp="autogen") == [1]
    assert write(server, "m v=2 2", path="/api/v2/write", bucket=db).status_code == 204
    assert times(server, db, "m") == [1, 2]


def test_v2_write_bucket_errors(server, db):
    assert_error(write(server, "m v=1 1", path="/api/v2/write"), 404,
                 'bucket name "" is missing a slash; not in "database/retention-policy" format')
    assert_error(write(server, "m v=1 1", path="/api/v2/write", bucket="/autogen"), 404,
                 'bucket name "/autogen" is in db/rp form but has an empty database')
    assert_error(write(server, "m v=1 1", path="/api/v2/write", bucket=f"{db}/nope"), 400,
                 "retention policy not found: nope")


def test_wrong_method_and_unknown_route(server):
    resp = requests.get(server.url + "/write", timeout=5)
    assert resp.status_code == 405
    assert "error" in resp.json()
    assert resp.headers["X-Influxdb-Version"] == VERSION
    resp = requests.get(server.url + "/no/such/route", timeout=5)
    assert resp.status_code == 404
    assert resp.headers["X-Influxdb-Version"] == VERSION


# -- body limits (own server: --max-body-size 10000) ------------------------------------------

@pytest.fixture(scope="module")
def small_body_server(tmp_path_factory):
    from conftest import ServerProcess, _shutdown

    srv = ServerProcess(tmp_path_factory.mktemp("small"), flags=["--max-body-size", "10000"])
    srv.start()
    yield srv
    _shutdown(srv)


def lines(n, start=0):
    return b"".join(b"m v=%d %d\n" % (i, i) for i in range(start, start + n))


def test_body_at_the_limit_is_accepted(small_body_server, db):
    body = lines(2000)[:10000]
    body = body[: body.rindex(b"\n") + 1]
    assert write(small_body_server, body, db=db).status_code == 204


def test_413_by_content_length(small_body_server, db):
    body = lines(2000)
    assert len(body) > 10000
    assert_error(write(small_body_server, body, db=db), 413, "Request Entity Too Large")
    with open_engine(small_body_server.data_dir) as eng:
        assert not eng.database_exists(db)


def test_413_is_decided_on_content_length_before_reading(small_body_server, db):
    # Announce 20000 bytes, send 10 and close our side: a server that read before checking
    # would see a truncated body (400 "unexpected EOF"), not 413.
    with socket.create_connection(("127.0.0.1", small_body_server.port), timeout=10) as sock:
        sock.sendall(f"POST /write?db={db} HTTP/1.1\r\nHost: x\r\nContent-Length: 20000\r\n\r\n".encode()
                     + b"m v=1 1\nm ")
        sock.shutdown(socket.SHUT_WR)
        reply = b""
        while chunk := sock.recv(65536):
            reply += chunk
    head, _, body = reply.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413 ")
    assert b'{"error":"Request Entity Too Large"}' in body


def test_truncated_body_gives_400(small_body_server, db):
    with socket.create_connection(("127.0.0.1", small_body_server.port), timeout=10) as sock:
        sock.sendall(f"POST /write?db={db} HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n".encode()
                     + b"m v=1 1\nm v=2 2\n")
        sock.shutdown(socket.SHUT_WR)
        reply = b""
        while chunk := sock.recv(65536):
            reply += chunk
    assert reply.startswith(b"HTTP/1.1 400 ")
    assert b'{"error":"unexpected EOF"}' in reply
    with open_engine(small_body_server.data_dir) as eng:
        assert not eng.database_exists(db)


def test_413_by_streamed_body(small_body_server, db):
    body = lines(2000)

    def chunks():  # no Content-Length: requests sends Transfer-Encoding: chunked
        for i in range(0, len(body), 1000):
            yield body[i:i + 1000]

    resp = requests.post(small_body_server.url + "/write", params={"db": db}, data=chunks(), timeout=30)
    assert_error(resp, 413, "Request Entity Too Large")
    small = lines(10)
    resp = requests.post(small_body_server.url + "/write", params={"db": db}, data=iter([small[:30], small[30:]]),
                         timeout=30)
    assert resp.status_code == 204
    assert times(small_body_server, db, "m") == list(range(10))


def test_413_by_gzip_bomb(small_body_server, db):
    bomb = gzip.compress(b"m v=1 1\n" * 600_000, compresslevel=9)  # 4.8 MB inflated from ~5 KB
    assert len(bomb) < 10000 < 600_000 * 8
    resp = write(small_body_server, bomb, db=db, headers={"Content-Encoding": "gzip"})
    assert_error(resp, 413, "Request Entity Too Large")
    with open_engine(small_body_server.data_dir) as eng:
        assert not eng.database_exists(db)
    ok = gzip.compress(lines(500))  # ~6 KB inflated: under the limit
    assert write(small_body_server, ok, db=db, headers={"Content-Encoding": "gzip"}).status_code == 204


# -- strict databases and auth (own server) -----------------------------------------------------

@pytest.fixture(scope="module")
def strict_auth_server(tmp_path_factory):
    from conftest import ServerProcess, _shutdown

    srv = ServerProcess(tmp_path_factory.mktemp("strict"),
                        flags=["--strict-databases", "--auth-enabled", "--auth-user", "admin",
                               "--auth-password", "s3cret"])
    srv.start()
    yield srv
    _shutdown(srv)


def test_unknown_database_gives_404_with_strict_databases(strict_auth_server, db):
    srv = strict_auth_server
    resp = write(srv, "m v=1 1", db=db, u="admin", p="s3cret")
    assert_error(resp, 404, f'database not found: "{db}"')
    with open_engine(srv.data_dir) as eng:
        assert not eng.database_exists(db)
        eng.create_database(db)
    assert write(srv, "m v=1 1", db=db, u="admin", p="s3cret").status_code == 204
    assert times(srv, db, "m") == [1]


def test_kapacitor_write_creates_databases_even_with_strict_databases(strict_auth_server, db):
    srv = strict_auth_server
    resp = write(srv, "m v=1 1", path="/kapacitor/v1/write", db=db + "_k", rp="r", u="admin", p="s3cret")
    assert resp.status_code == 204, resp.text
    assert times(srv, db + "_k", "m", rp="r") == [1]


def test_auth_required_when_enabled(strict_auth_server, db):
    srv = strict_auth_server
    with open_engine(srv.data_dir) as eng:
        eng.create_database(db)
    no_creds = "unable to parse authentication credentials"
    for creds, message in (({}, no_creds), ({"u": "admin", "p": "wrong"}, "authorization failed"),
                           ({"u": "eve", "p": "s3cret"}, "authorization failed"), ({"u": "admin"}, no_creds)):
        resp = write(srv, "m v=1 1", db=db, **creds)
        assert_error(resp, 401, message)
        assert resp.headers["WWW-Authenticate"] == 'Basic realm="InfluxDB"'
    assert_error(write(srv, "m v=1 1", db=db, headers={"Authorization": "Token admin:nope"}), 401,
                 "authorization failed")
    assert_error(write(srv, "m v=1 1", path="/kapacitor/v1/write", db=db), 401, no_creds)
    assert times(srv, db, "m") == []


def test_auth_accepts_params_basic_and_token(strict_auth_server, db):
    srv = strict_auth_server
    with open_engine(srv.data_dir) as eng:
        eng.create_database(db)
    basic = "Basic " + base64.b64encode(b"admin:s3cret").decode()
    assert write(srv, "m v=1 1", db=db, u="admin", p="s3cret").status_code == 204
    assert write(srv, "m v=2 2", db=db, headers={"Authorization": basic}).status_code == 204
    assert write(srv, "m v=3 3", db=db, headers={"Authorization": "Token admin:s3cret"}).status_code == 204
    resp = write(srv, "m v=4 4", path="/api/v2/write", bucket=f"{db}/autogen",
                 headers={"Authorization": "Token admin:s3cret"})
    assert resp.status_code == 204
    resp = requests.post(srv.url + "/write", params={"db": db}, data=b"m v=5 5", auth=("admin", "s3cret"), timeout=5)
    assert resp.status_code == 204
    assert times(srv, db, "m") == [1, 2, 3, 4, 5]


def test_ping_needs_no_credentials(strict_auth_server):
    assert requests.get(strict_auth_server.url + "/ping", timeout=5).status_code == 204


# -- the app in-process (no gunicorn): the engine opens lazily, once per process --------------

def test_create_app_opens_the_engine_lazily_once(tmp_path):
    import falcon.testing

    from machstore.engine import Engine
    from machstore.server import create_app

    opened = []

    def factory():
        opened.append(1)
        return Engine(str(tmp_path / "data"))

    client = falcon.testing.TestClient(create_app(factory))
    assert client.simulate_get("/ping").status_code == 204
    assert opened == []  # nothing opened at build time (gunicorn forks after that) or for /ping
    for i in range(3):
        assert client.simulate_post("/write", params={"db": "d"}, body=f"m v={i} {i}").status_code == 204
    assert opened == [1]
    from machstore.server.app import close_engines

    close_engines()
    with open_engine(str(tmp_path / "data")) as eng:
        assert eng.read_series("d", "m").column("time").to_pylist() == [0, 1, 2]


def test_gunzip_stops_at_the_limit_and_zero_means_no_limit():
    from machstore.server.influx import InfluxError, gunzip

    data = b"m v=1 1\n" * 1000
    packed = gzip.compress(data)
    assert gunzip(packed, len(data)) == data
    assert gunzip(packed, 0) == data
    with pytest.raises(InfluxError) as info:
        gunzip(packed, len(data) - 1)
    assert info.value.status == 413
    with pytest.raises(InfluxError) as info:
        gunzip(packed + b"garbage", 0)
    assert (info.value.status, info.value.message) == (400, "gzip: invalid header")
