"""Machbase error table, HTTP_AUTH header handling and the two configuration files."""
import base64
import json
import os
import re

import pytest

from machstore import errors as engine_errors
from machstore.machbase import auth as A
from machstore.machbase import conf as C
from machstore.machbase import datetimes as D
from machstore.machbase import errors as E

DOCS = os.path.join(os.path.dirname(__file__), os.pardir, "docs", "machbase-formats.md")


# -- errors -----------------------------------------------------------------------------------

BRIEF_CODES = [300, 2010, 2024, 2025, 2030, 2035, 2055, 2233, 2247, 2253, 2258, 2259, 2265,
               2279, 2281, 2324, 2651, 2654, 2671, 2678, 3102, 3106, 3113, 3114, 3117, 3118,
               3123, 3124, 3125, 3126, 3127, 3128]


@pytest.mark.parametrize("code", BRIEF_CODES)
def test_codes_are_in_the_table(code):
    assert code in E.ERRORS


@pytest.mark.parametrize("code", sorted(E.ERRORS))
def test_every_template_formats(code):
    text, cls = E.ERRORS[code]
    nargs = len(E._PY[code][1])
    ex = E.error(code, *(["7"] * nargs))
    assert isinstance(ex, cls) and isinstance(ex, E.MachbaseError)
    assert isinstance(ex, engine_errors.MachstoreError)
    assert ex.code == code == ex.error_code
    assert "%" not in ex.message or "%" in text.replace("%s", "").replace("%d", "")
    with pytest.raises(TypeError):
        E.error(code, *(["7"] * (nargs + 1)))


@pytest.mark.parametrize("code,args,message", [
    (0, (), "No Error"),
    (300, ("2016-12-32",), "Invalid date value.(2016-12-32)"),
    (2010, ("FROM",), "Syntax error: near token (FROM)."),
    (2024, ("T",), "Table T already exists."),
    (2025, ("TEST_TABLE",), "Table TEST_TABLE does not exist."),
    (2233, (3, "Invalid insert value."), "Error occurred at column (3): (Invalid insert value.)"),
    (2247, (), "DATETIME earlier than 1970-01-01 00:00:00 (UTC) is not valid."),
    (2253, (), "Mandatory column definition (PRIMARY KEY / BASETIME) is missing."),
    (2258, ("tag4",), "Metadata key (tag4) for the TAG table has already been inserted."),
    (2259, ("tagX",), "Metadata of TAGDATA table is not found. (Key = tagX)"),
    (2324, (), "Cannot delete tagmeta. there exist data with deleted_tag key."),
    (3106, (), "the JSON format is not valid"),
    (3111, ("10.0.0.1", "80"), "Can't connect to proxy server (10.0.0.1:80)"),
    (3113, ("tag9",), "Tag name (tag9) does not exist in meta list"),
    (3114, (536870912,), "The HTTP memory request exceeded the limit of (536870912). Change "
                         "the property (HTTP_MAX_MEM) and restart server"),
    (3117, (), "Only Basic Authorization Accept To Login."),
    (3118, (), "There is No Authorization Header."),
    (3128, ("TAG",), "TAG_STAT is not available for table TAG."),
])
def test_messages(code, args, message):
    ex = E.error(code, *args)
    assert ex.message == str(ex) == message


def test_classes_and_text_forms():
    assert isinstance(E.error(2025, "T"), E.MachbaseNotFound)
    assert isinstance(E.error(3118), E.MachbaseAuthError)
    assert isinstance(E.error(2055), E.MachbaseValueError)
    assert isinstance(E.error(2010, "x"), E.MachbaseSyntaxError)
    assert isinstance(E.error(3106), E.MachbaseRequestError)
    assert isinstance(E.error(2324), E.MachbaseStateError)
    assert E.error(2253).machsql_text() == \
        "[ERR-02253: Mandatory column definition (PRIMARY KEY / BASETIME) is missing.]"
    assert E.error(2025, "T") == E.error(2025, "T")
    assert repr(E.error(3118)) == "MachbaseAuthError(3118, 'There is No Authorization Header.')"
    assert E.template(2025) == "Table %s does not exist."
    assert E.MachbaseError(9999, "custom").code == 9999
    with pytest.raises(KeyError):
        E.error(1)
    with pytest.raises(KeyError):
        E.template(1)


def test_engine_errors_translate():
    def code(ex):
        return E.as_machbase_error(ex).code
    assert code(engine_errors.ParseError("bad")) == 2010
    assert code(engine_errors.NotFound("gone", table="T")) == 2025
    assert E.as_machbase_error(engine_errors.NotFound("gone", table="T")).message == \
        "Table T does not exist."
    assert code(engine_errors.AlreadyExists("dup", table="T")) == 2024
    assert code(RuntimeError("x")) == 2285
    for name, want in (("TableNotFound", 2025), ("TagNotFound", 3113), ("TagHasData", 2324),
                       ("DuplicateKey", 2258)):
        cls = getattr(engine_errors, name, None)
        if cls is not None:
            assert code(cls("x", tag="t1", table="T", key="t1")) == want
    same = E.error(3118)
    assert E.as_machbase_error(same) is same


# -- auth ---------------------------------------------------------------------------------

def b64(text):
    return base64.b64encode(text.encode()).decode()


@pytest.mark.parametrize("header,parsed", [
    ("Basic c3lzQGxvY2FsaG9zdDptYW5hZ2Vy", ("SYS", "manager")),
    ("basic " + b64("sys:manager"), ("SYS", "manager")),
    ("Basic " + b64("Sys@some.host:pa:ss"), ("SYS", "pa:ss")),
    ("Basic " + b64("user@h:"), ("USER", "")),
    ("  Basic   " + b64("u@h:p") + "  ", ("U", "p")),
    ("Basic " + b64("u@h:p").rstrip("="), ("U", "p")),
])
def test_parse_authorization(header, parsed):
    assert A.parse_authorization(header) == parsed


@pytest.mark.parametrize("header,code", [
    (None, 3118), ("", 3118), ("   ", 3118), ("Bearer abc", 3117), ("Token u:p", 3117),
    ("Basic", 2081), ("Basic !!!", 3116), ("Basic " + b64("nocolon"), 2081),
    ("Basic " + b64("@host:pw"), 2081),
    ("Basic " + base64.b64encode(b"\xff\xfe:x").decode(), 3116),
])
def test_parse_authorization_errors(header, code):
    with pytest.raises(E.MachbaseError) as info:
        A.parse_authorization(header)
    assert info.value.code == code


def test_basic_header():
    assert A.basic_header("sys", "manager") == "Basic c3lzQGxvY2FsaG9zdDptYW5hZ2Vy"
    assert A.parse_authorization(A.basic_header("a", "b", host=None)) == ("A", "b")


def test_password_hashes():
    h = A.hash_password("manager", iterations=1000)
    assert h.startswith("pbkdf2_sha256$1000$")
    assert A.verify_password("MANAGER", h) and A.verify_password("Manager", h)
    assert not A.verify_password("other", h)
    assert h != A.hash_password("manager", iterations=1000)          # salted
    cs = A.hash_password("Secret", case_sensitive=True, iterations=1000)
    assert A.verify_password("Secret", cs, case_sensitive=True)
    assert not A.verify_password("SECRET", cs, case_sensitive=True)
    for bad in ("", "x$y", "md5$1$a$b", None, "pbkdf2_sha256$x$a$b"):
        assert not A.verify_password("manager", bad)


def test_authenticator(monkeypatch):
    auth = A.Authenticator({"SYS": A.hash_password("manager", iterations=1000)})
    assert auth.authenticate("Basic c3lzQGxvY2FsaG9zdDptYW5hZ2Vy") == "SYS"
    calls = []
    real = A.verify_password
    monkeypatch.setattr(A, "verify_password", lambda *a, **k: calls.append(1) or real(*a, **k))
    for _ in range(3):
        assert auth.authenticate(A.basic_header("sys", "manager")) == "SYS"
    assert calls == []                            # verified once: later requests hit the cache
    for _ in range(2):
        assert auth.authenticate(A.basic_header("SYS", "Manager")) == "SYS"
    assert calls == [1]
    for header, code in ((A.basic_header("sys", "wrong"), 2081),
                         (A.basic_header("nobody", "manager"), 2081),
                         (None, 3118), ("Digest x", 3117)):
        with pytest.raises(E.MachbaseError) as info:
            auth.authenticate(header)
        assert info.value.code == code
    off = A.Authenticator({}, enabled=False)
    assert off.authenticate(None) == A.DEFAULT_USER == "SYS"
    users = {"SYS": A.hash_password("manager", iterations=1000)}
    lookup = A.Authenticator(users.get)
    assert lookup.authenticate(A.basic_header("SYS", "MANAGER")) == "SYS"


def test_default_user():
    auth = A.Authenticator.with_default_user()
    assert auth.authenticate("Basic c3lzQGxvY2FsaG9zdDptYW5hZ2Vy") == "SYS"
    assert A.DEFAULT_PASSWORD == "MANAGER"


# -- conf -----------------------------------------------------------------------------------

SEED_MACHBASE_CONF = """\
#################################################################################
# Rest-API port
#################################################################################
HTTP_PORT_NO = 5657

#################################################################################
# Maximum memory per web session.
# Default Value: 536870912 (512MB)
#################################################################################
HTTP_MAX_MEM = 536870912

#################################################################################
# Min Value:     0
# Max Value:     1
# Default Value: 0
#
# Enable REST-API service.
#################################################################################
HTTP_ENABLE = 0

#################################################################################
# Min Value:     0
# Max Value:     1
# Default Value: 0
#
# Enable Basic Authentication for Rest-API service
#################################################################################
HTTP_AUTH = 0
"""

SEED_HTTP_CONF = """\
{
    "document_root":"http/html/",
    "max_request_size": "100000",
    "request_timeout_ms": "10000",
    "enable_auth_domain_check": "no",
    "reverse_proxy" : [["/machbase/tables", "http://127.0.0.1:55657/machbase"],
        ["/self_machbase_proxy", "http://127.0.0.1:55657/machbase"],
        ["/dead_proxy", "http://127.0.0.0/machbase"]]
}
"""


def test_seed_machbase_conf():
    conf = C.parse_machbase_conf(SEED_MACHBASE_CONF)
    assert (conf.HTTP_PORT_NO, conf.HTTP_MAX_MEM, conf.HTTP_ENABLE, conf.HTTP_AUTH) == \
        (5657, 536870912, 0, 0)
    assert conf["http_port_no"] == 5657
    assert conf.lines["HTTP_AUTH"] == 28
    assert conf.BIND_IP_ADDRESS == "0.0.0.0" and conf.TAGDATA_AUTO_META_INSERT == 1
    assert conf.DEFAULT_DATE_FORMAT == D.DEFAULT_FORMAT
    assert conf.unknown == {}


def test_seed_http_conf():
    conf = C.parse_http_conf(SEED_HTTP_CONF)
    assert conf.document_root == "http/html/"
    assert conf.max_request_size == 100000 and conf.request_timeout_ms == 10000
    assert conf.enable_auth_domain_check is False
    assert conf.reverse_proxy == [("/machbase/tables", "http://127.0.0.1:55657/machbase"),
                                  ("/self_machbase_proxy", "http://127.0.0.1:55657/machbase"),
                                  ("/dead_proxy", "http://127.0.0.0/machbase")]
    assert conf.lines["reverse_proxy"] == 6


def test_defaults_without_files(tmp_path):
    mconf, hconf = C.load_confs(str(tmp_path))
    assert mconf.as_dict() == {p.name: p.default for p in C.MACHBASE_PROPERTIES}
    assert hconf.as_dict() == {p.name: p.default for p in C.HTTP_PROPERTIES}
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "machbase.conf").write_text("HTTP_ENABLE = 1\nHTTP_AUTH=1\n")
    (tmp_path / "http" / "conf").mkdir(parents=True)
    (tmp_path / "http" / "conf" / "http.conf").write_text('{"max_request_size": 5}')
    mconf, hconf = C.load_confs(str(tmp_path))
    assert (mconf.HTTP_ENABLE, mconf.HTTP_AUTH, hconf.max_request_size) == (1, 1, 5)
    assert mconf.source.endswith(os.path.join("conf", "machbase.conf"))


def test_machbase_conf_syntax():
    conf = C.parse_machbase_conf(
        "  http_port_no = 8080   # inline comment\n"
        "DBS_PATH = ?/dbs\n"
        "HTTP_PORT_NO=9090\n"
        "DEFAULT_DATE_FORMAT = 'YYYY/MM/DD'\n"
        "TIMEZONE = Asia/Seoul\n"
        "BIND_IP_ADDRESS = ::1\n")
    assert conf.HTTP_PORT_NO == 9090 and conf.lines["HTTP_PORT_NO"] == 3
    assert conf.unknown == {"DBS_PATH": "?/dbs"}
    assert conf.DEFAULT_DATE_FORMAT == "YYYY/MM/DD" and conf.TIMEZONE == "Asia/Seoul"
    assert conf.BIND_IP_ADDRESS == "::1"
    with pytest.raises(AttributeError):
        conf.NOT_A_PROPERTY


@pytest.mark.parametrize("text,line,prop,reason", [
    ("HTTP_PORT_NO = 70000", 1, "HTTP_PORT_NO", "must be between 0 and 65535"),
    ("# c\nHTTP_MAX_MEM = 1024", 2, "HTTP_MAX_MEM", "must be at least 1048576"),
    ("HTTP_AUTH = yes", 1, "HTTP_AUTH", "must be an integer"),
    ("HTTP_ENABLE = 2", 1, "HTTP_ENABLE", "must be between 0 and 1"),
    ("\n\nBIND_IP_ADDRESS = localhost", 3, "BIND_IP_ADDRESS", "must be an IPv4 or IPv6 address"),
    ("TAGDATA_AUTO_META_INSERT = 3", 1, "TAGDATA_AUTO_META_INSERT", "must be between 0 and 2"),
    ("TIMEZONE = Mars/Base", 1, "TIMEZONE", "must be +HHMM, -HHMM, UTC or an IANA zone name"),
    ("DEFAULT_DATE_FORMAT = ", 1, "DEFAULT_DATE_FORMAT", "must not be empty"),
    ("HTTP_PORT_NO 5657", 1, None, "expected PROPERTY = VALUE, got 'HTTP_PORT_NO 5657'"),
    ("= 5", 1, None, "expected PROPERTY = VALUE, got '= 5'"),
])
def test_machbase_conf_errors(text, line, prop, reason):
    with pytest.raises(E.MachbaseConfigError) as info:
        C.parse_machbase_conf(text, source="/opt/machbase/conf/machbase.conf")
    ex = info.value
    assert ex.code == 600
    assert (ex.path, ex.line, ex.property) == ("/opt/machbase/conf/machbase.conf", line, prop)
    assert f"/opt/machbase/conf/machbase.conf line {line}" in ex.message
    assert reason in ex.message
    if prop:
        assert ex.message.startswith(f"Invalid property value: {prop} = ")


@pytest.mark.parametrize("text,line,prop,reason", [
    ('{"max_request_size": "abc"}', 1, "max_request_size", "must be an integer"),
    ('{\n"request_timeout_ms": -1}', 2, "request_timeout_ms", "must be at least 0"),
    ('{\n\n"enable_auth_domain_check": "maybe"}', 3, "enable_auth_domain_check",
     'must be "yes" or "no"'),
    ('{"reverse_proxy": [["nope", "http://x"]]}', 1, "reverse_proxy", "must start with /"),
    ('{"reverse_proxy": [["/a", "ftp://x"]]}', 1, "reverse_proxy", "is not an http:// URL"),
    ('{"reverse_proxy": "x"}', 1, "reverse_proxy", "[prefix, url] pairs"),
    ('{"document_root": 5}', 1, "document_root", "must be a string"),
    ('{\n  "a": 1,\n}', 3, None, "not valid JSON"),
    ("[1]", 1, None, "must be a JSON object"),
])
def test_http_conf_errors(text, line, prop, reason):
    with pytest.raises(E.MachbaseConfigError) as info:
        C.parse_http_conf(text, source="http.conf")
    ex = info.value
    assert (ex.code, ex.line, ex.property) == (600, line, prop)
    assert reason in ex.message and "http.conf" in ex.message


def test_http_conf_unknown_keys_and_numbers():
    conf = C.parse_http_conf('{"max_request_size": 123, "extra": true}')
    assert conf.max_request_size == 123 and conf.unknown == {"extra": True}


def test_unreadable_file(tmp_path):
    with pytest.raises(E.MachbaseConfigError) as info:
        C.load_machbase_conf(str(tmp_path / "missing.conf"))
    assert "missing.conf" in info.value.message and "cannot read" in info.value.message
    bad = tmp_path / "bad.conf"
    bad.write_bytes(b"\xff\xfe")
    with pytest.raises(E.MachbaseConfigError):
        C.load_http_conf(str(bad))


def test_properties_are_rows_with_valid_defaults():
    for prop in C.MACHBASE_PROPERTIES + C.HTTP_PROPERTIES:
        assert prop.help and prop.name
        assert prop.validator(prop.default) == prop.default


# -- docs ---------------------------------------------------------------------------------------

def test_docs_cover_every_setting_token_and_option():
    with open(DOCS, encoding="utf-8") as f:
        text = f.read()
    for prop in C.MACHBASE_PROPERTIES + C.HTTP_PROPERTIES:
        assert f"`{prop.name}`" in text, prop.name
    for token in D._TOKEN_SPECS:
        assert re.search(r"`%s`" % re.escape(token), text), token
    for code in BRIEF_CODES:
        assert str(code) in text, code
    for word in ("rows/s", "`s`", "`m`", "`f`", "lenient"):
        assert word in text, word
    json.dumps(text)
