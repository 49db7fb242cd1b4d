"""The ``machstore`` command: help texts, version, clean shutdown, config files, engine process."""
import os
import re
import signal
import subprocess
import sys
import threading
import time

import pytest
import requests

from conftest import open_engine
from machstore.config import SETTINGS
from machstore.version import __version__


def run(tmp_path, *args, timeout=60):
    return subprocess.run([sys.executable, "-m", "machstore", *args], cwd=tmp_path,
                          capture_output=True, text=True, timeout=timeout)


def test_help_lists_every_command(tmp_path):
    out = run(tmp_path, "--help")
    assert out.returncode == 0
    assert "serve" in out.stdout and "version" in out.stdout
    assert "usage: machstore" in out.stdout


def test_serve_help_documents_every_flag(tmp_path):
    out = run(tmp_path, "serve", "--help")
    assert out.returncode == 0
    text = " ".join(out.stdout.split())
    assert "--config FILE" in text
    for setting in SETTINGS:
        assert setting.flag in text, setting.name
        assert " ".join(setting.help.split()) in text, setting.name
    assert "--no-strict-databases" in text and "--no-sync" in text
    assert "SIGTERM" in text


def test_version(tmp_path):
    out = run(tmp_path, "version")
    assert (out.returncode, out.stdout) == (0, f"machstore {__version__}\n")
    out = run(tmp_path, "--version")
    assert (out.returncode, out.stdout) == (0, f"machstore {__version__}\n")
    assert run(tmp_path, "version", "--help").returncode == 0


def test_console_script_is_installed(tmp_path):
    """The ``machstore`` script sits next to the interpreter running the tests (the venv's bin).

    It is found there, never on ``PATH``: a newcomer runs ``.venv/bin/pytest`` without the
    venv's bin on ``PATH``, and a ``machstore`` installed elsewhere must not stand in for it.
    """
    script = os.path.join(os.path.dirname(sys.executable), "machstore")
    assert os.access(script, os.X_OK), f"no console script at {script}"
    env = {k: v for k, v in os.environ.items() if k != "PATH"}
    out = subprocess.run([script, "version"], cwd=tmp_path, capture_output=True, text=True, timeout=60, env=env)
    assert out.stdout == f"machstore {__version__}\n"


def test_bad_settings_exit_2_with_a_message(tmp_path):
    (tmp_path / "bad.toml").write_text("no_such_setting = 1\n")
    out = run(tmp_path, "serve", "--config", "bad.toml")
    assert out.returncode == 2
    assert "unknown setting 'no_such_setting'" in out.stderr
    out = run(tmp_path, "serve", "--workers", "0")
    assert out.returncode == 2
    assert "workers" in out.stderr
    out = run(tmp_path, "serve", "--auth-enabled", "--auth-user", "admin")
    assert out.returncode == 2
    assert "auth_user and auth_password go together" in out.stderr


def test_unusable_data_dir_fails_fast(tmp_path):
    (tmp_path / "file").write_text("not a directory")
    out = run(tmp_path, "serve", "--data", "file", "--bind", "127.0.0.1:0", timeout=60)
    assert out.returncode != 0
    assert "engine process could not open" in out.stderr


@pytest.mark.parametrize("sig, group", [(signal.SIGTERM, False), (signal.SIGINT, False), (signal.SIGINT, True)],
                         ids=["SIGTERM", "SIGINT", "Ctrl-C to the group"])
def test_stop_signal_exits_0_and_stops_every_process(make_server, sig, group):
    srv = make_server()
    deadline = time.monotonic() + 10
    # /ping answers once one worker is up; the other may still be forking
    while (not srv.engine_pids() or len(srv.group_pids()) < 4) and time.monotonic() < deadline:
        time.sleep(0.05)
    (engine_pid,) = srv.engine_pids()
    assert len(srv.group_pids()) == 1 + 2 + 1  # master, 2 workers, engine process
    assert requests.post(srv.url + "/write", params={"db": "d"}, data=b"m v=1 1", timeout=10).status_code == 204
    assert srv.stop(sig, group=group) == 0
    assert not os.path.exists(f"/proc/{engine_pid}")
    assert srv.group_pids() == []
    log = srv.log_tail(200)
    assert "engine process stopped (exit code 0)" in log
    assert "Traceback" not in log


def test_engine_process_is_restarted_if_it_dies(make_server):
    srv = make_server()
    deadline = time.monotonic() + 10
    while not srv.engine_pids() and time.monotonic() < deadline:
        time.sleep(0.05)
    (first,) = srv.engine_pids()
    os.kill(first, signal.SIGKILL)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        pids = srv.engine_pids()
        if pids and pids != [first]:
            break
        time.sleep(0.1)
    else:
        pytest.fail("engine process was not restarted:\n" + srv.log_tail())
    assert srv.stop() == 0


def test_config_file_is_read_and_flags_override_it(make_server):
    config = "# machstore test config\nstrict_databases = yes\nmax-body-size = 100\n"
    srv = make_server(config=config)
    resp = requests.post(srv.url + "/write", params={"db": "nope"}, data=b"m v=1 1", timeout=10)
    assert resp.status_code == 404  # strict_databases from the file
    srv.stop()

    srv2 = make_server("--no-strict-databases", config=config)
    resp = requests.post(srv2.url + "/write", params={"db": "yes"}, data=b"m v=1 1", timeout=10)
    assert resp.status_code == 204  # the flag wins over the file
    resp = requests.post(srv2.url + "/write", params={"db": "yes"}, data=b"m v=1 1\n" * 20, timeout=10)
    assert resp.status_code == 413  # max-body-size still from the file


def test_toml_config_file(make_server):
    srv = make_server(config='strict_databases = true\nlog_level = "warning"\nworker_class = "gthread"\nthreads = 4\n')
    resp = requests.post(srv.url + "/write", params={"db": "nope"}, data=b"m v=1 1", timeout=10)
    assert resp.status_code == 404
    assert "Using worker: gthread" not in srv.log_tail()  # log_level=warning hides gunicorn's info lines


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_stop_signal_lets_an_in_flight_write_finish(make_server, sig):
    srv = make_server()
    first_sent, go_on = threading.Event(), threading.Event()

    def body():  # chunked: the worker is mid-request while we signal
        yield b"m v=1 1\n"
        first_sent.set()
        go_on.wait(10)
        yield b"m v=2 2\n"

    result = {}

    def post():
        result["resp"] = requests.post(srv.url + "/write", params={"db": "inflight"}, data=body(), timeout=30)

    client = threading.Thread(target=post)
    client.start()
    assert first_sent.wait(10)
    time.sleep(0.3)
    os.kill(srv.pid, sig)
    time.sleep(0.5)
    go_on.set()
    client.join(30)
    assert result["resp"].status_code == 204
    assert srv.stop() == 0
    with open_engine(srv.data_dir) as eng:
        assert eng.read_series("inflight", "m").column("time").to_pylist() == [1, 2]


def test_a_stop_right_after_start_reaches_every_worker(make_server):
    # A SIGTERM that reached a gevent worker while it was still booting (monkey-patching) was
    # swallowed by the master's inherited handler: that worker served on until the graceful
    # timeout killed it, and the stop took the whole graceful_timeout.
    for _ in range(3):
        srv = make_server("--graceful-timeout", "25")
        started = time.monotonic()
        assert srv.stop(timeout=60) == 0
        assert time.monotonic() - started < 15, srv.log_tail()
        assert "graceful timeout" not in srv.log_tail().lower()


def test_ci_runs_the_readme_test_command_word_for_word():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    readme = open(os.path.join(root, "README.md"), encoding="utf-8").read()
    blocks = re.findall(r"```sh\n(.*?)```", readme, re.S)
    test_command = next(b.strip() for b in blocks if "pytest" in b)
    ci = open(os.path.join(root, ".ci", "run"), encoding="utf-8").read()
    assert ci.rstrip("\n").splitlines()[-1] == test_command
    assert 'exec env -i PATH="$(dirname "$(command -v python3)"):/usr/bin:/bin" HOME="$HOME"' in ci
