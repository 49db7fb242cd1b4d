"""InfluxDB users without HTTP: storage rules, password hashing, the verified-password memory,
which privileges each statement needs, and what the redaction hides.

The HTTP behaviour (401/403, the bootstrap rule, the influxdb client) is in ``test_http_users.py``.
"""
from types import SimpleNamespace

import pytest

from machstore import errors
from machstore.engine import Engine
from machstore.influxql import parse
from machstore.influxql.authorize import AuthorizationError, authorize_query, required_privileges
from machstore.influxql.execute import execute
from machstore.influxql.redact import redact_passwords
from machstore.server.access_log import redact_query_string, redact_target, redact_text
from machstore.storage import passwords
from machstore.storage.users import ALL_PRIVILEGES, NO_PRIVILEGES, READ, WRITE, InfluxUsers, User


@pytest.fixture
def eng(tmp_path):
    with Engine(str(tmp_path / "data")) as engine:
        yield engine


def run(eng, text, **kwargs):
    return [r.to_dict() for r in execute(eng, parse(text), **kwargs)]


# -- storage ----------------------------------------------------------------------------------

def test_users_are_listed_in_creation_order_and_survive_reopening(tmp_path):
    path = str(tmp_path / "data")
    with Engine(path) as eng:
        users = eng.influx_users
        users.create("zed", "pw1")
        users.create("amy", "pw2", admin=True)
        users.create("mid", "pw3")
        users.drop("zed")
        users.create("zed", "pw4")
        assert [(u.name, u.admin) for u in users.list()] == [("amy", True), ("mid", False), ("zed", False)]
    with Engine(path) as eng:
        assert [u.name for u in eng.influx_users.list()] == ["amy", "mid", "zed"]
        assert eng.influx_users.authenticate("zed", "pw4").name == "zed"
        assert eng.influx_users.count() == 3 and eng.influx_users.admin_exists()


def test_passwords_are_stored_as_salted_scrypt_hashes_never_in_clear(eng, tmp_path):
    eng.influx_users.create("bob", "correct horse battery")
    eng.influx_users.create("eve", "correct horse battery")
    with eng.env.begin() as txn:
        raw = {bytes(k): bytes(v) for k, v in txn.cursor(db=eng.dbs[b"catalog"]) if bytes(k).startswith(b"influx")}
    assert set(raw) == {b"influxuser:bob", b"influxuser:eve"}
    assert all(b"correct horse" not in v for v in raw.values())
    assert all(b'"hash":"scrypt$16384$8$1$' in v for v in raw.values())
    hashes = [v.split(b'"hash":"')[1].split(b'"')[0] for v in raw.values()]
    assert hashes[0] != hashes[1]  # salted: one password, two hashes
    with open(tmp_path / "data" / "data.mdb", "rb") as f:
        assert b"correct horse" not in f.read()


def test_create_of_an_existing_user_follows_influxdb(eng):
    users = eng.influx_users
    users.create("bob", "pw")
    users.create("bob", "pw")  # same password and flag: nothing happens, no error
    for password, admin in (("other", False), ("pw", True)):
        with pytest.raises(errors.UserExists, match="^user already exists$"):
            users.create("bob", password, admin=admin)
    with pytest.raises(errors.InvalidArgument, match="^username required$"):
        users.create("", "pw")
    with pytest.raises(errors.InvalidArgument, match="longer than"):
        users.create("x" * 500, "pw")
    assert [u.name for u in users.list()] == ["bob"]


def test_privileges_grant_revoke_and_dropped_databases(eng):
    users = eng.influx_users
    eng.create_database("gold")
    eng.create_database("lead")
    users.create("bob", "pw")
    users.set_privilege("bob", "gold", ALL_PRIVILEGES)
    users.revoke_privilege("bob", "gold", READ)
    assert users.privileges("bob") == {"gold": WRITE}
    users.revoke_privilege("bob", "gold", READ)      # not held: nothing changes
    users.revoke_privilege("bob", "lead", WRITE)     # never held: listed as none, as InfluxDB does
    assert users.privileges("bob") == {"gold": WRITE, "lead": NO_PRIVILEGES}
    with pytest.raises(errors.DatabaseNotFound, match='database not found: "tin"'):
        users.set_privilege("bob", "tin", READ)
    with pytest.raises(errors.UserNotFound, match="^user not found$"):
        users.set_privilege("nobody", "tin", READ)   # the user is looked up first
    eng.drop_database("gold")
    assert users.privileges("bob") == {"lead": NO_PRIVILEGES}
    eng.create_database("gold")
    assert not users.get("bob").may(WRITE, "gold")


def test_user_may_is_influxdbs_authorize_database():
    bob = User("bob", privileges={"r": READ, "w": WRITE, "a": ALL_PRIVILEGES, "n": NO_PRIVILEGES})
    assert [bob.may(READ, db) for db in "rwan"] == [True, False, True, False]
    assert [bob.may(WRITE, db) for db in "rwan"] == [False, True, True, False]
    assert bob.may(NO_PRIVILEGES, "elsewhere")
    assert User("root", admin=True).may(WRITE, "anything")


def test_authenticate_remembers_a_verified_password_until_the_record_changes(tmp_path, monkeypatch):
    path = str(tmp_path / "data")
    calls = []
    real = passwords.verify_password
    monkeypatch.setattr(passwords, "verify_password", lambda pw, stored: calls.append(pw) or real(pw, stored))
    with Engine(path) as eng:
        # another worker: its own memory of verified passwords over the same LMDB records
        other = SimpleNamespace(influx_users=InfluxUsers(eng.env, eng.dbs))
        eng.influx_users.create("bob", "old")
        for _ in range(5):
            assert eng.influx_users.authenticate("bob", "old").name == "bob"
        assert calls == ["old"]                            # the KDF ran once
        with pytest.raises(errors.AuthenticationFailed):
            eng.influx_users.authenticate("bob", "wrong")
        other.influx_users.set_password("bob", "new")      # changed by the other worker
        with pytest.raises(errors.AuthenticationFailed):
            eng.influx_users.authenticate("bob", "old")    # the memory no longer matches the record
        assert eng.influx_users.authenticate("bob", "new").name == "bob"
        other.influx_users.drop("bob")
        with pytest.raises(errors.UserNotFound):
            eng.influx_users.authenticate("bob", "new")
        other.influx_users.create("bob", "new")            # same password, new salt: verified again
        n = len(calls)
        assert eng.influx_users.authenticate("bob", "new").name == "bob"
        assert len(calls) == n + 1


def test_a_hash_from_elsewhere_or_broken_never_verifies():
    stored = passwords.hash_password("pw")
    assert passwords.verify_password("pw", stored)
    assert not passwords.verify_password("pW", stored)
    for bad in ("", "scrypt$1$2", "pbkdf2$16384$8$1$AAAA$AAAA", stored.replace("$8$", "$x$"), stored[:-4] + "!!!!"):
        assert not passwords.verify_password("pw", bad)


def test_users_live_beside_machbase_accounts_without_mixing(eng):
    eng.influx_users.create("sys", "pw")
    assert eng.get_user("SYS") is None        # the Machbase account table is untouched
    assert eng.list_users() == []
    eng.put_user("BOB", {"password": "machbase-hash"})
    assert [u.name for u in eng.influx_users.list()] == ["sys"]


# -- statements on the engine -------------------------------------------------------------------

def test_user_statements_answer_as_influxdb(eng):
    eng.create_database("gold")
    assert run(eng, "SHOW USERS") == [{"statement_id": 0, "series": [{"columns": ["user", "admin"]}]}]
    assert run(eng, "CREATE USER alice WITH PASSWORD 'pw1'; CREATE USER root WITH PASSWORD 'pw' WITH ALL PRIVILEGES;"
                    "GRANT READ ON gold TO alice; SHOW GRANTS FOR alice; SHOW USERS") == [
        {"statement_id": 0}, {"statement_id": 1}, {"statement_id": 2},
        {"statement_id": 3, "series": [{"columns": ["database", "privilege"], "values": [["gold", "READ"]]}]},
        {"statement_id": 4, "series": [{"columns": ["user", "admin"], "values": [["alice", False], ["root", True]]}]}]
    assert run(eng, "GRANT ALL ON gold TO alice; REVOKE WRITE ON gold FROM alice; SHOW GRANTS FOR alice")[2] == {
        "statement_id": 2, "series": [{"columns": ["database", "privilege"], "values": [["gold", "READ"]]}]}
    assert run(eng, "REVOKE ALL PRIVILEGES ON gold FROM alice; SHOW GRANTS FOR alice")[1]["series"][0]["values"] == [
        ["gold", "NO PRIVILEGES"]]
    assert run(eng, "REVOKE ALL PRIVILEGES FROM root; GRANT ALL PRIVILEGES TO alice; SHOW USERS")[2]["series"][0][
        "values"] == [["alice", True], ["root", False]]
    assert run(eng, "SET PASSWORD FOR alice = 'pw2'; CREATE USER alice WITH PASSWORD 'pw2' WITH ALL PRIVILEGES") == [
        {"statement_id": 0}, {"statement_id": 1}]


@pytest.mark.parametrize(("text", "error"), [
    ("CREATE USER alice WITH PASSWORD 'other'", "user already exists"),
    ("CREATE USER alice WITH PASSWORD 'pw' WITH ALL PRIVILEGES", "user already exists"),
    ('CREATE USER "" WITH PASSWORD \'pw\'', "username required"),
    ("DROP USER nobody", "user not found"),
    ("SET PASSWORD FOR nobody = 'x'", "user not found"),
    ("GRANT READ ON gold TO nobody", "user not found"),
    ("GRANT READ ON tin TO alice", "database not found: tin"),
    ("GRANT ALL PRIVILEGES TO nobody", "user not found"),
    ("REVOKE READ ON gold FROM nobody", "user not found"),
    ("REVOKE ALL ON tin FROM alice", "database not found: tin"),
    ("REVOKE ALL PRIVILEGES FROM nobody", "user not found"),
    ("SHOW GRANTS FOR nobody", "user not found"),
])
def test_user_statement_errors(eng, text, error):
    eng.create_database("gold")
    eng.influx_users.create("alice", "pw")
    assert run(eng, text + "; SHOW USERS") == [{"statement_id": 0, "error": error},
                                               {"statement_id": 1, "error": "not executed"}]


def test_a_get_carries_the_read_only_warning_with_the_password_redacted(eng):
    out = run(eng, "CREATE USER bob WITH PASSWORD 'hunter2'", read_only=True)
    text = out[0]["messages"][0]["text"]
    assert text == ("deprecated use of 'CREATE USER bob WITH PASSWORD [REDACTED]' in a read only context, "
                    "please use a POST request instead")


def test_show_databases_lists_what_the_asker_may_read_or_write(eng):
    for db in ("a", "b", "c", "d"):
        eng.create_database(db)
    bob = User("bob", privileges={"a": READ, "b": WRITE, "c": NO_PRIVILEGES})
    assert run(eng, "SHOW DATABASES", may_access=bob.may)[0]["series"][0]["values"] == [["a"], ["b"]]
    assert run(eng, "SHOW DATABASES")[0]["series"][0]["values"] == [["a"], ["b"], ["c"], ["d"]]


def test_the_builtin_admin_is_listed_and_cannot_be_changed_by_statements(eng):
    eng.influx_users.create("bob", "pw")
    assert run(eng, "SHOW USERS", builtin_admin="admin")[0]["series"][0]["values"] == [["admin", True], ["bob", False]]
    assert run(eng, "SHOW GRANTS FOR admin", builtin_admin="admin") == [
        {"statement_id": 0, "series": [{"columns": ["database", "privilege"]}]}]
    for text in ("CREATE USER admin WITH PASSWORD 'x'", "DROP USER admin", "SET PASSWORD FOR admin = 'x'",
                 "REVOKE ALL PRIVILEGES FROM admin", "GRANT ALL PRIVILEGES TO admin"):
        assert run(eng, text, builtin_admin="admin")[0]["error"] == (
            "user admin is the built-in admin of the server settings (auth_user); change it there, not with InfluxQL")
    assert eng.influx_users.get("admin") is None


# -- who may run what --------------------------------------------------------------------------

def needs(text):
    return [(r.admin, r.database, r.privilege) for r in required_privileges(parse(text)[0])]


@pytest.mark.parametrize(("text", "expected"), [
    ("SELECT v FROM cpu", [(False, "", READ)]),
    ("SELECT v FROM a..cpu, b.autogen.mem", [(False, "a", READ), (False, "b", READ)]),
    ("SELECT v FROM (SELECT v FROM x..cpu), cpu", [(False, "x", READ), (False, "", READ)]),
    ("SELECT v INTO t..m FROM s..cpu", [(False, "s", READ), (False, "t", WRITE)]),
    ("SELECT v INTO m FROM cpu", [(False, "", READ), (False, "", WRITE)]),
    ("EXPLAIN SELECT v FROM a..cpu", [(False, "a", READ)]),
    ("SHOW DATABASES", [(False, "", NO_PRIVILEGES)]),
    ("SHOW MEASUREMENTS ON a", [(False, "a", READ)]),
    ("SHOW RETENTION POLICIES ON a", [(False, "a", READ)]),
    ("SHOW SERIES ON a FROM b..cpu", [(False, "a", READ), (False, "b", READ)]),
    ("SHOW TAG VALUES WITH KEY = host", [(False, "", READ)]),
    ("SHOW TAG KEY CARDINALITY", [(False, "", READ)]),
    ("SHOW FIELD KEYS ON a", [(False, "a", READ)]),
    ("DROP SERIES FROM cpu", [(False, "", WRITE)]),
    ("DELETE FROM cpu", [(False, "", WRITE)]),
    ("DROP RETENTION POLICY r ON a", [(False, "a", WRITE)]),
    ("SHOW CONTINUOUS QUERIES", [(False, "", READ)]),
    ("CREATE DATABASE a", [(True, "", NO_PRIVILEGES)]),
    ("DROP DATABASE a", [(True, "", NO_PRIVILEGES)]),
    ("CREATE RETENTION POLICY r ON a DURATION 1d REPLICATION 1", [(True, "", NO_PRIVILEGES)]),
    ("SHOW USERS", [(True, "", NO_PRIVILEGES)]),
    ("SHOW GRANTS FOR bob", [(True, "", NO_PRIVILEGES)]),
    ("GRANT READ ON a TO bob", [(True, "", NO_PRIVILEGES)]),
    ("DROP MEASUREMENT cpu", [(True, "", NO_PRIVILEGES)]),
    ("KILL QUERY 1", [(True, "", NO_PRIVILEGES)]),
])
def test_required_privileges(text, expected):
    assert needs(text) == expected


def refusal(user, text, db="", users_exist=True):
    try:
        authorize_query(user, parse(text), db, users_exist=users_exist)
    except AuthorizationError as ex:
        return str(ex)
    return None


def test_authorize_query_messages_are_influxdbs():
    bob = User("bob", privileges={"gold": READ, "sink": WRITE})
    assert refusal(None, "SHOW DATABASES", users_exist=False) == "create admin user first or disable authentication"
    assert refusal(None, "CREATE USER a WITH PASSWORD 'x'", users_exist=False) == (
        "create admin user first or disable authentication")
    assert refusal(None, "CREATE USER a WITH PASSWORD 'x' WITH ALL PRIVILEGES; DROP DATABASE z",
                   users_exist=False) is None
    assert refusal(None, "SHOW DATABASES") == "no user provided"
    assert refusal(User("root", admin=True), "DROP DATABASE z; SHOW USERS") is None
    assert refusal(bob, "SHOW DATABASES") is None
    assert refusal(bob, "SELECT * FROM cpu", "gold") is None
    assert refusal(bob, "SELECT * FROM cpu") == "bob not authorized to execute statement 'SELECT * FROM cpu', requires READ on "
    assert refusal(bob, "SELECT v INTO sink..m FROM gold..cpu") is None
    assert refusal(bob, "SELECT v INTO m FROM gold..cpu", "gold") == (
        "bob not authorized to execute statement 'SELECT v INTO m FROM gold..cpu', requires WRITE on gold")
    assert refusal(bob, "SHOW USERS", "gold") == (
        "bob not authorized to execute statement 'SHOW USERS', requires admin privilege")
    assert refusal(bob, "SELECT * FROM cpu; CREATE USER x WITH PASSWORD 'secret'", "gold") == (
        "bob not authorized to execute statement 'CREATE USER x WITH PASSWORD [REDACTED]', requires admin privilege")
    assert refusal(bob, "SHOW SERIES FROM other..cpu", "gold") == (
        "bob not authorized to execute statement 'SHOW SERIES FROM other..cpu', requires READ on other")


# -- secrets out of text ------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("CREATE USER bob WITH PASSWORD 'se cret' WITH ALL PRIVILEGES",
     "CREATE USER bob WITH PASSWORD [REDACTED] WITH ALL PRIVILEGES"),
    ("create user bob with\n  password 'x'", "create user bob with\n  password [REDACTED]"),
    ("SET PASSWORD FOR \"bob\" = 'a\\'b'; SHOW USERS", "SET PASSWORD FOR \"bob\" = [REDACTED]; SHOW USERS"),
    ("CREATE USER bob WITH PASSWORD unquoted", "CREATE USER bob WITH PASSWORD [REDACTED]"),
    ("CREATE USER bob WITH PASSWORD 'never closed", "CREATE USER bob WITH PASSWORD [REDACTED]"),
    ("SELECT password FROM cpu", "SELECT password FROM cpu"),
])
def test_redact_passwords(text, expected):
    assert redact_passwords(text) == expected


def test_redact_query_strings():
    assert redact_query_string("db=a&u=bob&p=hunter2") == "db=a&u=bob&p=%5BREDACTED%5D"
    assert "hunter2" not in redact_query_string("q=CREATE+USER+x+WITH+PASSWORD+%27hunter2%27&db=a")
    assert redact_query_string("db=a&q=SHOW+USERS") == "db=a&q=SHOW+USERS"   # untouched when nothing hides
    assert redact_target("/query?p=x") == "/query?p=%5BREDACTED%5D"
    assert redact_target("/ping") == "/ping"
    line = "Invalid HTTP request line: 'GET /query?u=a&p=hunter2&q=CREATE+USER+x+WITH+PASSWORD+%27hunter2%27 HTTP/1.1 x'"
    assert "hunter2" not in redact_text(line)
    assert redact_text("GET /query?q=SHOW+USERS&db=a") == "GET /query?q=SHOW+USERS&db=a"
