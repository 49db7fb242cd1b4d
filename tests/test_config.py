"""Settings as data: every setting is documented; files and flags layer and coerce correctly."""
import pathlib
import re

import pytest

from machstore.cli import build_parser
from machstore.config import SETTINGS, ConfigError, Settings, load_settings, read_config_file

DOCS = pathlib.Path(__file__).resolve().parents[1] / "docs" / "configuration.md"


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_every_setting_is_documented(setting):
    text = DOCS.read_text()
    match = re.search(rf"^### `{setting.name}`\n(.+?)(?=^### |^## |\Z)", text, re.M | re.S)
    assert match, f"docs/configuration.md has no '### `{setting.name}`' section"
    section = match.group(1)
    assert setting.flag in section, f"the {setting.name} section does not name {setting.flag}"
    default = setting.default
    if isinstance(default, list):
        for item in default:
            assert f"`{item}`" in section
    elif isinstance(default, bool):
        assert ("default on" if default else "default off") in section
    elif default != "":
        assert f"`{default}`" in section, f"the {setting.name} section does not give its default {default!r}"


def test_docs_have_no_unknown_settings():
    names = set(re.findall(r"^### `(\w+)`", DOCS.read_text(), re.M))
    assert names == {s.name for s in SETTINGS}


def test_every_setting_has_a_serve_flag():
    parser = build_parser()
    args = parser.parse_args(["serve"])
    for setting in SETTINGS:
        assert hasattr(args, setting.name)
        assert getattr(args, setting.name) is None  # unset flags do not override the file


def test_defaults():
    s = Settings()
    assert s.data == "./machstore-data"
    assert s.bind == ["127.0.0.1:5657", "127.0.0.1:9092"]
    assert (s.workers, s.max_body_size, s.strict_databases, s.auth_enabled) == (2, 25_000_000, False, False)
    assert s.as_dict() == {setting.name: setting.default for setting in SETTINGS}


def test_layers_defaults_file_flags(tmp_path):
    path = tmp_path / "m.toml"
    path.write_text('workers = 4\nmax_body_size = 1_000\nbind = ["0.0.0.0:1"]\n')
    s = load_settings(str(path), {"workers": 8, "max_body_size": None, "data": None})
    assert (s.workers, s.max_body_size, s.bind, s.data) == (8, 1000, ["0.0.0.0:1"], "./machstore-data")


def test_plain_key_value_file(tmp_path):
    path = tmp_path / "m.conf"
    path.write_text("# comment\ndata = /var/lib/ms\nbind = 0.0.0.0:1, 0.0.0.0:2\nstrict-databases = yes\n"
                    "engine_idle_sleep = 0.5\nauth_password = 'p w'\n")
    values = read_config_file(str(path))
    assert values == {"data": "/var/lib/ms", "bind": ["0.0.0.0:1", "0.0.0.0:2"], "strict_databases": True,
                      "engine_idle_sleep": 0.5, "auth_password": "p w"}


def test_influxdbs_continuous_queries_section(tmp_path):
    path = tmp_path / "m.toml"
    path.write_text('[continuous_queries]\nenabled = false\nrun-interval = "500ms"\n')
    s = load_settings(str(path))
    assert (s.continuous_queries_enabled, s.continuous_queries_run_interval) == (False, 0.5)
    assert load_settings(None, {"continuous_queries_run_interval": "1m30s"}).continuous_queries_run_interval == 90.0


@pytest.mark.parametrize("text, message", [
    ("nope = 1\n", "unknown setting 'nope'"),
    ("[continuous_queries]\nrun-interval = \"0s\"\n", "'continuous_queries_run_interval' must be positive"),
    ("[continuous_queries]\nnope = 1\n", "unknown setting 'continuous_queries_nope'"),
    ("workers = many\n", "setting 'workers': expected int"),
    ("workers = 1.5\n", "setting 'workers': expected int"),
    ("strict_databases = maybe\n", "setting 'strict_databases': expected bool"),
    ("this line has no equals sign\n", "expected 'key = value'"),
    ("workers = 0\n", "'workers' must be at least 1"),
    ("bind = localhost\n", "is not HOST:PORT"),
    ("log_level = loud\n", "'log_level' must be one of"),
    ("auth_enabled = true\nauth_user = u\n", "auth_user and auth_password go together"),
    ("auth_enabled = true\nauth_password = p\n", "auth_user and auth_password go together"),
])
def test_bad_config_files(tmp_path, text, message):
    path = tmp_path / "bad.conf"
    path.write_text(text)
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_settings(str(path))


def test_missing_config_file():
    with pytest.raises(ConfigError, match="cannot read config file"):
        load_settings("/no/such/file.toml")


def test_replace_validates():
    s = Settings().replace(max_body_size="5_000", strict_databases="on")
    assert (s.max_body_size, s.strict_databases) == (5000, True)
    with pytest.raises(ConfigError):
        Settings().replace(max_body_size=-1)


def test_repr_hides_the_password():
    s = Settings({"auth_enabled": True, "auth_user": "u", "auth_password": "secret"})
    assert "secret" not in repr(s)


def test_machbase_conf_files_through_config(tmp_path):
    home = tmp_path / "machbase_home"
    (home / "conf").mkdir(parents=True)
    (home / "http" / "conf").mkdir(parents=True)
    mconf = home / "conf" / "machbase.conf"
    mconf.write_text("# Rest-API port\nHTTP_PORT_NO = 5757\nHTTP_MAX_MEM = 1048576\nHTTP_AUTH = 1\nHTTP_ENABLE = 1\n")
    hconf = home / "http" / "conf" / "http.conf"
    hconf.write_text('{"document_root": "http/html/", "max_request_size": "100000", "request_timeout_ms": "10000"}')
    s = load_settings([str(mconf), str(hconf)], {"workers": 3})
    assert s.bind[0] == "127.0.0.1:5757" and s.machbase_auth and s.machbase_enabled
    assert s.machbase_max_mem == 100000 and s.timeout == 10 and s.workers == 3
    assert pathlib.Path(s.document_root) == home / "http" / "html"
    off = tmp_path / "off.conf"
    off.write_text("HTTP_ENABLE = 0\n")
    assert not load_settings(str(off)).machbase_enabled
