"""InfluxDB users and privileges over real HTTP, with ``auth_enabled`` on.

A real ``machstore serve`` (two gunicorn workers) and the real ``influxdb`` client, plus raw
``requests`` for exact statuses, bodies and headers.  The texts are InfluxDB 1.8's
(``services/httpd/handler.go``, ``services/meta/query_authorizer.go``).
"""
import base64
import json
import socket

import pytest
import requests
from conftest import ServerProcess, _shutdown
from influxdb import InfluxDBClient
from influxdb.exceptions import InfluxDBClientError

ROOT = ("root", "r00t pw")
UNPARSABLE = "unable to parse authentication credentials"


def query(srv, text, method="POST", auth=None, **params):
    call = requests.post if method == "POST" else requests.get
    return call(srv.url + "/query", params={"q": text, **params}, auth=auth, timeout=30)


def write(srv, body, path="/write", auth=None, headers=None, **params):
    return requests.post(srv.url + path, params=params, data=body.encode(), auth=auth, headers=headers, timeout=30)


def assert_error(resp, status, message):
    assert resp.status_code == status, resp.text
    assert resp.headers["Content-Type"].startswith("application/json")
    assert resp.json() == {"error": message}
    assert resp.headers["X-Influxdb-Error"] == message[:1024]
    if status == 401:
        assert resp.headers["WWW-Authenticate"] == 'Basic realm="InfluxDB"'


def results(resp):
    assert resp.status_code == 200, resp.text
    return resp.json()["results"]


def client(srv, user, password, database=None):
    return InfluxDBClient(host="127.0.0.1", port=srv.port, username=user, password=password, database=database,
                          timeout=30)


@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    """Auth on, no built-in admin: the users in the catalog are all there is (InfluxDB's setup)."""
    server = ServerProcess(tmp_path_factory.mktemp("users"), flags=["--auth-enabled", "--access-log"])
    server.start()
    client(server, "", "").create_user(*ROOT, admin=True)   # the bootstrap statement, needing no credentials
    yield server
    _shutdown(server)


@pytest.fixture
def admin(srv):
    return client(srv, *ROOT)


@pytest.fixture
def db(request, admin):
    name = "db_" + request.node.name.split("[")[0][-40:]
    admin.create_database(name)
    return name


# -- bootstrap: no admin yet ------------------------------------------------------------------

def test_without_users_only_creating_an_admin_runs(make_server):
    srv = make_server("--auth-enabled")
    refuse = "error authorizing query: create admin user first or disable authentication"
    for text in ("SHOW DATABASES", "CREATE DATABASE x", "CREATE USER bob WITH PASSWORD 'pw'",
                 "SHOW USERS; CREATE USER root WITH PASSWORD 'pw' WITH ALL PRIVILEGES"):
        assert_error(query(srv, text), 403, refuse)
    assert_error(query(srv, "SHOW DATABASES", auth=("any", "thing")), 403, refuse)  # nobody is asked yet
    assert_error(write(srv, "m v=1 1", db="x"), 403, 'user is required to write to database "x"')
    # the first statement creates an admin: the whole query runs
    out = results(query(srv, "CREATE USER root WITH PASSWORD 'pw' WITH ALL PRIVILEGES; CREATE DATABASE x; "
                             "SHOW USERS"))
    assert out == [{"statement_id": 0}, {"statement_id": 1},
                   {"statement_id": 2, "series": [{"columns": ["user", "admin"], "values": [["root", True]]}]}]
    # from now on credentials are required
    assert_error(query(srv, "SHOW DATABASES"), 401, UNPARSABLE)
    assert_error(write(srv, "m v=1 1", db="x"), 401, UNPARSABLE)
    assert results(query(srv, "SHOW DATABASES", auth=("root", "pw")))[0]["series"][0]["values"] == [["x"]]


def test_users_without_an_admin_leave_nobody_to_run_anything(make_server):
    srv = make_server("--auth-enabled")
    assert results(query(srv, "CREATE USER root WITH PASSWORD 'pw' WITH ALL PRIVILEGES"))
    assert results(query(srv, "CREATE DATABASE x; CREATE USER bob WITH PASSWORD 'pw'; GRANT ALL ON x TO bob; "
                              "REVOKE ALL PRIVILEGES FROM root", auth=("root", "pw")))
    # no admin any more: InfluxDB authenticates nobody, and runs nothing as nobody
    for auth in (None, ("bob", "pw"), ("root", "pw")):
        assert_error(query(srv, "SHOW DATABASES", auth=auth), 403, "error authorizing query: no user provided")
        assert_error(write(srv, "m v=1 1", db="x", auth=auth), 403, 'user is required to write to database "x"')


# -- credentials --------------------------------------------------------------------------------

def test_credentials_in_every_form_and_their_failures(srv, admin):
    admin.create_user("tok", "tok:pw")
    admin.grant_admin_privileges("tok")
    basic = "Basic " + base64.b64encode(b"root:r00t pw").decode()
    for kwargs in ({"params": {"u": "root", "p": "r00t pw"}}, {"headers": {"Authorization": basic}},
                   {"headers": {"Authorization": "Token tok:tok:pw"}}, {"auth": ROOT}):
        resp = requests.get(srv.url + "/query", params={"q": "SHOW USERS", **kwargs.pop("params", {})}, timeout=30,
                            **kwargs)
        assert results(resp)[0]["series"][0]["values"][0] == ["root", True]
    cases = [
        ({}, UNPARSABLE),
        # InfluxDB splits the header on spaces: a Token whose password holds one is not understood
        ({"headers": {"Authorization": "Token root:r00t pw"}}, UNPARSABLE),
        ({"params": {"u": "root"}}, UNPARSABLE),                       # u and p both, or neither
        ({"params": {"u": "root", "p": "wrong"}}, "authorization failed"),
        ({"params": {"u": "nobody", "p": "r00t pw"}}, "authorization failed"),
        ({"auth": ("", "r00t pw")}, "username required"),
        ({"headers": {"Authorization": "Token root"}}, UNPARSABLE),
        ({"headers": {"Authorization": "Token root:nope"}}, "authorization failed"),
        ({"headers": {"Authorization": "Basic !!!"}}, UNPARSABLE),
        ({"headers": {"Authorization": "Bearer eyJhbGciOi.x.y"}}, "bearer auth disabled"),
    ]
    for kwargs, message in cases:
        params = {"q": "SHOW USERS", **kwargs.pop("params", {})}
        assert_error(requests.post(srv.url + "/query", params=params, timeout=30, **kwargs), 401, message)
    with pytest.raises(InfluxDBClientError) as info:
        client(srv, "root", "wrong").get_list_users()
    assert info.value.code == 401


# -- the influxdb client --------------------------------------------------------------------------

def test_user_management_with_the_influxdb_client(srv, admin, db):
    admin.create_user("alice", "alice pw")
    admin.create_user("carl", "carl pw", admin=True)
    users = {u["user"]: u["admin"] for u in admin.get_list_users()}
    assert users["root"] and users["carl"] and users["alice"] is False
    admin.grant_privilege("read", db, "alice")
    assert admin.get_list_privileges("alice") == [{"database": db, "privilege": "READ"}]
    admin.grant_privilege("all", db, "alice")
    admin.revoke_privilege("write", db, "alice")
    assert admin.get_list_privileges("alice") == [{"database": db, "privilege": "READ"}]
    admin.revoke_privilege("all", db, "alice")
    assert admin.get_list_privileges("alice") == [{"database": db, "privilege": "NO PRIVILEGES"}]
    admin.revoke_admin_privileges("carl")
    admin.grant_admin_privileges("alice")
    users = {u["user"]: u["admin"] for u in admin.get_list_users()}
    assert (users["alice"], users["carl"]) == (True, False)
    admin.set_user_password("carl", "carl new")
    with pytest.raises(InfluxDBClientError) as info:
        client(srv, "carl", "carl pw").get_list_database()
    assert info.value.code == 401
    assert client(srv, "carl", "carl new").get_list_database() == []   # no longer an admin, no grants
    for name in ("alice", "carl"):
        admin.drop_user(name)
    assert "alice" not in {u["user"] for u in admin.get_list_users()}
    with pytest.raises(InfluxDBClientError) as info:
        admin.drop_user("alice")
    assert "user not found" in str(info.value)


def test_read_write_and_all_privileges_decide_what_a_user_may_do(srv, admin, db):
    points = [{"measurement": "cpu", "tags": {"host": "a"}, "time": 1_000_000_000 * n, "fields": {"v": float(n)}}
              for n in (1, 2)]
    for name in ("reader", "writer", "both"):
        admin.create_user(name, name + " pw")
    admin.grant_privilege("read", db, "reader")
    admin.grant_privilege("write", db, "writer")
    admin.grant_privilege("all", db, "both")
    reader, writer, both = (client(srv, n, n + " pw", database=db) for n in ("reader", "writer", "both"))

    assert writer.write_points(points, time_precision="n")
    with pytest.raises(InfluxDBClientError) as info:
        reader.write_points(points)
    assert info.value.code == 403
    assert json.loads(info.value.content) == {"error": f'"reader" user is not authorized to write to database "{db}"'}
    assert both.write_points(points[:1])

    assert list(reader.query("SELECT v FROM cpu").get_points()) == [
        {"time": "1970-01-01T00:00:01Z", "v": 1.0}, {"time": "1970-01-01T00:00:02Z", "v": 2.0}]
    assert len(list(both.query("SELECT v FROM cpu").get_points())) == 2
    with pytest.raises(InfluxDBClientError) as info:
        writer.query("SELECT v FROM cpu")
    assert info.value.code == 403
    assert f"writer not authorized to execute statement 'SELECT v FROM cpu', requires READ on {db}" in str(info.value)
    # SHOW DATABASES lists only what a user holds something on
    assert reader.get_list_database() == [{"name": db}]
    admin.create_user("nobody", "nobody pw")
    assert client(srv, "nobody", "nobody pw").get_list_database() == []
    # a revoked privilege stops at once, whichever worker answers (a new connection each time)
    admin.revoke_privilege("read", db, "reader")
    for _ in range(6):
        assert query(srv, "SELECT v FROM cpu", auth=("reader", "reader pw"), db=db).status_code == 403


# -- exact refusals ---------------------------------------------------------------------------------

def test_refusals_are_403_with_influxdbs_text(srv, admin, db):
    admin.create_user("bob", "bob pw")
    admin.grant_privilege("read", db, "bob")
    bob = ("bob", "bob pw")
    cases = [
        ("CREATE DATABASE x", "bob not authorized to execute statement 'CREATE DATABASE x', requires admin privilege"),
        ("SHOW USERS", "bob not authorized to execute statement 'SHOW USERS', requires admin privilege"),
        ("CREATE USER eve WITH PASSWORD 'eve secret'",
         ("bob not authorized to execute statement 'CREATE USER eve WITH PASSWORD [REDACTED]', "
          "requires admin privilege")),
        (f"SELECT v FROM {db}..cpu; DROP SERIES FROM cpu",
         f"bob not authorized to execute statement 'DROP SERIES FROM cpu', requires WRITE on {db}"),
        (f"SELECT v INTO {db}..copy FROM {db}..cpu",
         f"bob not authorized to execute statement 'SELECT v INTO {db}..copy FROM {db}..cpu', requires WRITE on {db}"),
        ("SELECT v FROM elsewhere..cpu",
         "bob not authorized to execute statement 'SELECT v FROM elsewhere..cpu', requires READ on elsewhere"),
    ]
    for text, message in cases:
        assert_error(query(srv, text, auth=bob, db=db), 403, "error authorizing query: " + message)
    assert admin.query("SHOW USERS")  # nothing of a refused query ran
    assert "eve" not in {u["user"] for u in admin.get_list_users()}
    assert results(query(srv, "SHOW MEASUREMENTS; SHOW DATABASES", auth=bob, db=db))[1]["series"][0]["values"] == [
        [db]]


def test_write_routes_need_write_on_the_database(srv, admin, db):
    admin.create_user("wilma", "wilma_pw")
    admin.create_user("rita", "rita_pw")
    admin.grant_privilege("write", db, "wilma")
    admin.grant_privilege("read", db, "rita")
    refused = f'"rita" user is not authorized to write to database "{db}"'
    assert write(srv, "m v=1 1", db=db, auth=("wilma", "wilma_pw")).status_code == 204
    assert_error(write(srv, "m v=1 1", db=db, auth=("rita", "rita_pw")), 403, refused)
    token = {"Authorization": "Token wilma:wilma_pw"}
    assert write(srv, "m v=2 2", path="/api/v2/write", bucket=f"{db}/autogen", headers=token).status_code == 204
    assert_error(write(srv, "m v=2 2", path="/api/v2/write", bucket=f"{db}/autogen",
                       headers={"Authorization": "Token rita:rita_pw"}), 403, refused)
    assert write(srv, "m v=3 3", path="/kapacitor/v1/write", db=db, rp="autogen",
                 auth=("wilma", "wilma_pw")).status_code == 204
    assert_error(write(srv, "m v=3 3", path="/kapacitor/v1/write", db=db, rp="autogen", auth=("rita", "rita_pw")),
                 403, refused)
    # a database nobody granted anything on (a new one would be created by an admin's write only)
    assert_error(write(srv, "m v=1 1", db=db + "_new", auth=("wilma", "wilma_pw")), 403,
                 f'"wilma" user is not authorized to write to database "{db}_new"')
    assert db + "_new" not in {d["name"] for d in admin.get_list_database()}
    rows = admin.query("SELECT v FROM m", database=db)
    assert [p["v"] for p in rows.get_points()] == [1.0, 2.0, 3.0]


def test_statement_errors_and_malformed_statements(srv, admin, db):
    admin.create_user("dup", "dup pw")
    cases = [
        ("CREATE USER dup WITH PASSWORD 'dup pw'", None),                  # same password: nothing happens
        ("CREATE USER dup WITH PASSWORD 'other'", "user already exists"),
        ("CREATE USER dup WITH PASSWORD 'dup pw' WITH ALL PRIVILEGES", "user already exists"),
        ("DROP USER ghost", "user not found"),
        ("SET PASSWORD FOR ghost = 'x'", "user not found"),
        ("SHOW GRANTS FOR ghost", "user not found"),
        ("GRANT READ ON ghost_db TO dup", "database not found: ghost_db"),
        ("GRANT WRITE ON " + db + " TO ghost", "user not found"),
        ("REVOKE ALL PRIVILEGES FROM ghost", "user not found"),
    ]
    for text, error in cases:
        out = results(query(srv, text, auth=ROOT))[0]
        assert out == ({"statement_id": 0} if error is None else {"statement_id": 0, "error": error}), text
    for text, message in (("CREATE USER bob WITH PASSWORD secret", "found secret, expected string at line 1, char 31"),
                          ("GRANT READ gold TO bob", "found gold, expected ON at line 1, char 12"),
                          ("REVOKE ALL ON gold TO bob", "found TO, expected FROM at line 1, char 20"),
                          ("SET PASSWORD bob = 'x'", "found bob, expected FOR at line 1, char 14")):
        assert_error(query(srv, text, auth=ROOT), 400, "error parsing query: " + message)


def test_dropping_a_database_drops_its_grants(srv, admin, db):
    admin.create_user("gone", "gone pw")
    admin.grant_privilege("all", db, "gone")
    admin.drop_database(db)
    assert admin.get_list_privileges("gone") == []
    admin.create_database(db)
    assert_error(write(srv, "m v=1 1", db=db, auth=("gone", "gone pw")), 403,
                 f'"gone" user is not authorized to write to database "{db}"')


def test_passwords_stay_out_of_the_log_and_the_answers(srv, admin):
    secret = "Hunter2-s3cret"
    resp = query(srv, f"CREATE USER logged WITH PASSWORD '{secret}'", method="GET", auth=ROOT)
    assert secret not in resp.text
    assert "WITH PASSWORD [REDACTED]" in resp.json()["results"][0]["messages"][0]["text"]
    assert results(query(srv, f"SET PASSWORD FOR logged = '{secret}x'", method="GET", u="root", p=ROOT[1]))
    assert client(srv, "logged", secret + "x").get_list_database() is not None
    # a request line gunicorn cannot parse is logged as a warning, quoting it
    with socket.create_connection(("127.0.0.1", srv.port), timeout=10) as sock:
        sock.sendall(f"GET /query?u=root&p={secret} HTTP/1.1 junk\r\nHost: x\r\n\r\n".encode())
        assert sock.recv(4096).startswith(b"HTTP/1.1 400")
    with open(srv.log_path, encoding="utf-8", errors="replace") as f:
        log = f.read()
    assert "Invalid request from ip=127.0.0.1" in log
    assert "CREATE+USER+logged+WITH+PASSWORD+%5BREDACTED%5D" in log    # the request was logged...
    assert secret not in log and "Hunter2" not in log                 # ...without the password
    assert "r00t" not in log                                          # nor the p= parameter


def test_users_survive_a_restart(tmp_path):
    srv = ServerProcess(tmp_path, flags=["--auth-enabled"])
    srv.start()
    try:
        assert results(query(srv, "CREATE USER root WITH PASSWORD 'pw' WITH ALL PRIVILEGES"))
        assert results(query(srv, "CREATE DATABASE d; CREATE USER kept WITH PASSWORD 'kept pw'; "
                                  "GRANT WRITE ON d TO kept", auth=("root", "pw")))
        srv.kill9()
        srv.start()
        assert_error(query(srv, "SHOW USERS"), 401, UNPARSABLE)      # still an admin: credentials needed
        assert results(query(srv, "SHOW GRANTS FOR kept", auth=("root", "pw")))[0]["series"] == [
            {"columns": ["database", "privilege"], "values": [["d", "WRITE"]]}]
        assert write(srv, "m v=1 1", db="d", auth=("kept", "kept pw")).status_code == 204
        assert_error(write(srv, "m v=1 1", db="d", auth=("kept", "wrong")), 401, "authorization failed")
    finally:
        _shutdown(srv)


# -- the built-in admin of the settings -----------------------------------------------------------

def test_the_configured_admin_is_a_builtin_admin(make_server):
    srv = make_server("--auth-enabled", "--auth-user", "admin", "--auth-password", "s3cret")
    # it always exists, so the bootstrap rule never applies: credentials are always required
    assert_error(query(srv, "CREATE USER root WITH PASSWORD 'pw' WITH ALL PRIVILEGES"), 401, UNPARSABLE)
    admin = client(srv, "admin", "s3cret")
    admin.create_database("d")
    admin.create_user("bob", "bob pw")
    admin.grant_privilege("read", "d", "bob")
    assert admin.get_list_users() == [{"user": "admin", "admin": True}, {"user": "bob", "admin": False}]
    assert admin.get_list_privileges("admin") == []
    for text in ("DROP USER admin", "SET PASSWORD FOR admin = 'x'", "CREATE USER admin WITH PASSWORD 's3cret'",
                 "REVOKE ALL PRIVILEGES FROM admin"):
        assert results(query(srv, text, auth=("admin", "s3cret")))[0]["error"] == (
            "user admin is the built-in admin of the server settings (auth_user); change it there, not with InfluxQL")
    assert client(srv, "bob", "bob pw").get_list_database() == [{"name": "d"}]
    assert_error(query(srv, "SHOW USERS", auth=("admin", "wrong")), 401, "authorization failed")
    assert_error(write(srv, "m v=1 1", db="d", auth=("bob", "bob pw")), 403,
                 '"bob" user is not authorized to write to database "d"')


def test_user_statements_work_with_auth_off(server):
    c = client(server, "", "")
    c.create_database("users_off")
    c.create_user("offline", "pw")
    c.grant_privilege("read", "users_off", "offline")
    assert {"user": "offline", "admin": False} in c.get_list_users()
    assert c.get_list_privileges("offline") == [{"database": "users_off", "privilege": "READ"}]
    # nothing is enforced without auth_enabled: no credentials, no privilege, still written
    assert write(server, "m v=1 1", db="users_off").status_code == 204
    c.drop_user("offline")
