"""/machbase over real HTTP: every curl example of the seed (first half), field by field.

The seed's server runs at +0900, so these servers do too.  Where the seed contradicts
itself the described behaviour wins (noted at each place).
"""
import base64

import pytest
import requests

from conftest import ServerProcess, _shutdown, open_engine

SEED_AUTH = "Basic c3lzQGxvY2FsaG9zdDptYW5hZ2Vy"  # base64("sys@localhost:manager"), from the seed
NO_ERROR = {"error_code": 0, "error_message": "No Error", "data": []}


@pytest.fixture(scope="module")
def mb(tmp_path_factory):
    srv = ServerProcess(tmp_path_factory.mktemp("mb"), flags=("--timezone", "+0900"))
    srv.start()
    yield srv
    _shutdown(srv)


def q(srv, sql, **params):
    return requests.get(f"{srv.url}/machbase", params={"q": sql, **params}, timeout=30)


def append(srv, doc, **kw):
    return requests.post(f"{srv.url}/machbase", json=doc, timeout=30, **kw)


def test_seed_ddl_dml_select_append(mb):
    # DDL sample
    r = q(mb, "create table test_table (name varchar(20), time datetime, value double)")
    assert (r.status_code, r.json()) == (200, NO_ERROR)
    # DML sample: double-quoted strings, time literal auto-converted
    r = q(mb, 'insert into test_table values ("test", "1999-01-01 00:00:00", 0)')
    assert r.json() == NO_ERROR
    r = q(mb, "select * from test_table")
    # NOTE: the seed's select shows "error_message": "" (and "No Error" in other select examples);
    # we follow the first select sample.
    assert r.json() == {"error_code": 0, "error_message": "",
                        "columns": [{"name": "NAME", "type": 5, "length": 20}, {"name": "TIME", "type": 6, "length": 8},
                                    {"name": "VALUE", "type": 20, "length": 8}],
                        "data": [{"NAME": "test", "TIME": "1999-01-01 00:00:00 000:000:000", "VALUE": 0.0}]}
    assert '"VALUE":0.000' in r.text  # the default scale prints 3 decimals
    # APPEND sample: date_format YYYY-MM-DD with full times is read leniently (times kept)
    r = append(mb, {"name": "test_table", "date_format": "YYYY-MM-DD",
                    "values": [["test", "1999-01-01 00:00:01", 1], ["test", "1999-01-01 00:00:02", 2],
                               ["test", "1999-01-01 00:00:03", 3]]})
    assert r.json() == {**NO_ERROR, "append_success": 3, "append_failure": 0}
    data = q(mb, "select * from test_table", m="1").json()["data"]
    assert data == [["test", f"1999-01-01 00:00:0{i} 000:000:000", float(i)] for i in range(4)]
    # DDL sample: drop
    assert q(mb, "drop table test_table").json() == NO_ERROR
    assert q(mb, "select * from test_table").json()["error_code"] == 2025


def test_seed_binary_append_base64_both_ways(mb):
    q(mb, "create table bin_table (v1 binary)")
    payload = base64.b64encode(bytes(range(256))).decode()
    r = append(mb, {"name": "bin_table", "date_format": "YYYY-MM-DD", "values": [[payload]]})
    assert r.json() == {**NO_ERROR, "append_success": 1, "append_failure": 0}
    r = q(mb, "select * from bin_table")
    assert r.json()["columns"] == [{"name": "V1", "type": 57, "length": 67108864}]
    assert r.json()["data"] == [{"V1": payload}]
    hexed = q(mb, "select to_hex(v1) from bin_table").json()["data"][0]
    assert list(hexed.values()) == [bytes(range(256)).hex().upper()]
    r = append(mb, {"name": "bin_table", "values": [["not base64!"], [payload]]})
    assert r.json()["append_success"] == 1 and r.json()["append_failure"] == 1


def test_seed_scale_option(mb):
    q(mb, "create table scale_t (c1 float, c2 double)")
    q(mb, "insert into scale_t values (12345, 1234.012345)")
    r = q(mb, "select * from scale_t", s="5")
    assert r.json()["columns"] == [{"name": "C1", "type": 16, "length": 4}, {"name": "C2", "type": 20, "length": 8}]
    assert '"C1":12345.00000' in r.text and '"C2":1234.01235' in r.text
    assert '"C2":1234.012' in q(mb, "select * from scale_t", s="42").text  # out of range: 3


def test_seed_fetch_modes_on_a_tag_table(mb):
    q(mb, "create tag table tag (name varchar(20) primary key, time datetime basetime, value double summarized)")
    for i in range(3):
        q(mb, f"insert into tag values ('tag1', '2001-09-09 10:46:4{i}', {1000000000 + i})")
    columns = [{"name": "NAME", "type": 5, "length": 20}, {"name": "TIME", "type": 6, "length": 8},
               {"name": "VALUE", "type": 20, "length": 8}]
    r0 = q(mb, "select * from tag limit 2", m="0")
    assert r0.json() == {"error_code": 0, "error_message": "", "columns": columns, "data": [
        {"NAME": "tag1", "TIME": "2001-09-09 10:46:40 000:000:000", "VALUE": 1000000000.0},
        {"NAME": "tag1", "TIME": "2001-09-09 10:46:41 000:000:000", "VALUE": 1000000001.0}]}
    assert '"VALUE":1000000000.000' in r0.text
    r1 = q(mb, "select * from tag limit 2", m="1")
    assert r1.json()["data"] == [["tag1", "2001-09-09 10:46:40 000:000:000", 1000000000.0],
                                 ["tag1", "2001-09-09 10:46:41 000:000:000", 1000000001.0]]
    # f: a date format for datetimes
    r = q(mb, "select time from tag limit 1", f="YYYY/MM/DD HH24:MI")
    assert r.json()["data"] == [{"TIME": "2001/09/09 10:46"}]


def test_seed_nulls_in_and_out(mb):
    q(mb, "create table null_t (c1 varchar(10), c2 integer, c3 datetime)")
    r = append(mb, {"name": "null_t", "values": [["data1", 1, "2020-01-01 00:00:00"], [None, None, None]]})
    assert r.json()["append_success"] == 2
    q(mb, "insert into null_t values (NULL, NULL, NULL)")
    data = q(mb, "select * from null_t").json()["data"]
    assert data[1:] == [{"C1": None, "C2": None, "C3": None}] * 2


def test_append_bad_rows_do_not_reject_good_ones(mb):
    q(mb, "create table mix_t (c1 short, c2 datetime)")
    r = append(mb, {"name": "mix_t", "values": [[1, "2020-01-01"], [70000, "2020-01-01"], [2, "not a date"],
                                                [3], "row", [4, "2020-01-02 03:04:05"]]})
    assert r.json() == {**NO_ERROR, "append_success": 2, "append_failure": 4}
    assert [d["C1"] for d in q(mb, "select c1 from mix_t").json()["data"]] == [1, 4]


def test_errors_in_machbase_format(mb):
    cases = [
        (q(mb, "selec * from x"), 400, 2010),
        (q(mb, "select * from no_such_table"), 404, 2025),
        (q(mb, "create table dup_t (a integer)"), 200, 0),
        (q(mb, "create table dup_t (a integer)"), 400, 2024),
        (q(mb, "create tag table t2 (name varchar(20), time datetime, value double)"), 400, 2253),
        (q(mb, "insert into dup_t values ('abc')"), 400, 2233),
        (requests.get(f"{mb.url}/machbase", timeout=10), 400, 3122),
        (requests.post(f"{mb.url}/machbase", data=b"{not json", timeout=10), 400, 3106),
        (append(mb, {"values": [[1]]}), 400, 3115),
        (append(mb, {"name": "no_such_table", "values": [[1]]}), 404, 2025),
    ]
    for r, status, code in cases:
        assert (r.status_code, r.json()["error_code"]) == (status, code), r.text
        assert set(r.json()) == ({"error_code", "error_message", "data"} if code else set(r.json()))


def test_tag_metadata_statements(mb):
    q(mb, "create tag table meta_t (name varchar(20) primary key, time datetime basetime, value double summarized) "
          "metadata (site varchar(10))")
    assert q(mb, "insert into meta_t metadata values ('s1', 'seoul')").json() == NO_ERROR
    assert q(mb, "insert into meta_t metadata values ('s1', 'busan')").json()["error_code"] == 2258
    assert q(mb, "update meta_t metadata set site = 'busan' where name = 's1'").json() == NO_ERROR
    assert q(mb, "select name, site from meta_t metadata").json()["data"] == [{"NAME": "s1", "SITE": "busan"}]
    q(mb, "insert into meta_t values ('s1', '2020-01-01', 1.5)")
    assert q(mb, "delete from meta_t metadata where name = 's1'").json()["error_code"] == 2324
    assert q(mb, "delete from meta_t before to_date('2021-01-01')").json() == NO_ERROR
    assert q(mb, "delete from meta_t metadata where name = 's1'").json() == NO_ERROR


def test_oversized_body(make_server):
    srv = make_server("--machbase-max-mem", "2000")
    r = append(srv, {"name": "x", "values": [["y" * 3000]]})
    assert (r.status_code, r.json()["error_code"]) == (413, 3114)


def test_http_auth(make_server):
    srv = make_server("--machbase-auth", "--timezone", "+0900")
    r = q(srv, "select * from v$stmt")
    assert (r.status_code, r.json()) == (401, {"error_code": 3118, "error_message": "There is No Authorization Header.",
                                               "data": []})
    r = requests.get(f"{srv.url}/machbase", params={"q": "select 1 from v$stmt"},
                     headers={"Authorization": "Bearer x"}, timeout=10)
    assert (r.status_code, r.json()["error_code"]) == (401, 3117)
    bad = "Basic " + base64.b64encode(b"sys@localhost:wrong").decode()
    r = requests.get(f"{srv.url}/machbase", params={"q": "select * from v$stmt"},
                     headers={"Authorization": bad}, timeout=10)
    assert r.status_code == 401 and r.json()["error_code"] != 0
    r = requests.get(f"{srv.url}/machbase", params={"q": "select * from v$stmt"},
                     headers={"Authorization": SEED_AUTH}, timeout=10)
    assert r.json() == {"error_code": 0, "error_message": "", "columns": [
        {"name": "ID", "type": 8, "length": 4}, {"name": "SESS_ID", "type": 8, "length": 4},
        {"name": "STATE", "type": 5, "length": 64}, {"name": "RECORD_SIZE", "type": 8, "length": 4},
        {"name": "QUERY", "type": 5, "length": 32767}],
        "data": [{"ID": 0, "SESS_ID": 1, "STATE": "Fetch prepared", "RECORD_SIZE": 0,
                  "QUERY": "select * from v$stmt"}]}  # the seed shows SESS_ID 52: a session number
    # users made with SQL log in; the new password replaces MANAGER after ALTER USER
    assert requests.get(f"{srv.url}/machbase", params={"q": "create user kim identified by pw1"},
                        headers={"Authorization": SEED_AUTH}, timeout=10).json() == NO_ERROR
    kim = "Basic " + base64.b64encode(b"kim@h:pw1").decode()
    assert requests.get(f"{srv.url}/machbase", params={"q": "select * from m$sys_users"},
                        headers={"Authorization": kim}, timeout=10).json()["error_code"] == 0


def test_acknowledged_append_survives_kill9(make_server):
    srv = make_server()
    q(srv, "create tag table dur (name varchar(20) primary key, time datetime basetime, value double summarized)")
    r = append(srv, {"name": "dur", "values": [[f"t{i % 7}", f"2020-01-01 00:00:{i:02d}", i] for i in range(50)]})
    assert r.json()["append_success"] == 50
    srv.kill9()
    srv.start()
    assert q(srv, "select count(*) from dur").json()["data"] == [{"COUNT(*)": 50}]


def test_static_document_root(make_server, tmp_path):
    root = tmp_path / "html"
    root.mkdir()
    (root / "index.html").write_text("<h1>machbase</h1>")
    srv = make_server("--document-root", str(root))
    r = requests.get(f"{srv.url}/", timeout=10)
    assert r.status_code == 200 and "machbase" in r.text
    assert requests.get(f"{srv.url}/../../etc/passwd", timeout=10).status_code == 404
    assert q(srv, "select * from v$stmt").json()["error_code"] == 0  # APIs still win


# Every Machbase and /machiot route, as a fuzz/reliability run reached them: (method, path, body).
MACHBASE_ROUTES = [
    ("GET", "/machbase?q=select+1+from+v$stmt", None),
    ("GET", "/machbase?q=create+tag+table+t+(name+varchar(20)+primary+key,time+datetime+basetime,value+double)",
     None),
    ("POST", "/machbase", {"name": "t", "values": [["a", "2021-01-01 00:00:00", 1.5]]}),
] + [(method, prefix + path, body)
     for prefix in ("/machiot", "/machiot/v1", "/machiot-rest-api", "/machiot-rest-api/v1")
     for method, path, body in [
         ("GET", "/datapoints/raw/t/a/2021-01-01/2021-01-02", None),
         ("POST", "/datapoints/raw/t", {"values": [["a", "2021-01-01 00:00:00", 1.5]]}),
         ("DELETE", "/datapoints/raw/t", None),
         ("GET", "/datapoints/calculated/t/a/sum/2021-01-01/2021-01-02/min/1", None),
         ("GET", "/tags/range/t", None),
         ("GET", "/tags/count/t", None),
         ("POST", "/tags/t", {"tags": [["b"]]}),
     ]]


def test_auth_enabled_protects_the_machbase_routes_too(make_server):
    # With the InfluxDB-side switch on and no HTTP_AUTH, every Machbase route answered 2xx
    # without credentials; one switch must protect every door.
    srv = make_server("--auth-enabled", "--auth-user", "admin", "--auth-password", "s3cret")
    for method, path, body in MACHBASE_ROUTES:
        r = requests.request(method, srv.url + path, json=body, timeout=10)
        assert r.status_code == 401, (method, path, r.status_code, r.text)
        assert r.json()["error_code"] == 3118, (method, path, r.text)
    with open_engine(srv.data_dir) as eng:
        assert eng.list_tables() == []   # the unauthenticated DDL created nothing
    # Machbase credentials open them; the InfluxDB user is not a Machbase user
    influx_user = "Basic " + base64.b64encode(b"admin@h:s3cret").decode()
    r = requests.get(srv.url + "/machbase", params={"q": "select 1 from v$stmt"},
                     headers={"Authorization": influx_user}, timeout=10)
    assert r.status_code == 401
    statuses = [requests.request(method, srv.url + path, json=body, headers={"Authorization": SEED_AUTH},
                                 timeout=10).status_code for method, path, body in MACHBASE_ROUTES]
    assert all(s < 500 and s != 401 for s in statuses), statuses
    assert statuses[:3] == [200, 200, 200]
    # the InfluxDB doors still take the InfluxDB user only
    assert requests.post(srv.url + "/write", params={"db": "d"}, data=b"m v=1 1", timeout=10).status_code == 401
    assert requests.post(srv.url + "/write", params={"db": "d", "u": "admin", "p": "s3cret"}, data=b"m v=1 1",
                         timeout=10).status_code == 204
