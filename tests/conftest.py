"""Shared fixtures: a real ``machstore serve`` (gunicorn + engine process) on a loopback port.

The server runs as ``python -m machstore serve`` with ``cwd`` set to a temporary directory,
so the *installed* package is imported, never the source tree.  It gets its own process
group, so ``kill9()`` can take down the master, the workers and the engine process at once.
Tests read what the server stored by opening ``Engine(server.data_dir)`` in the test
process (LMDB allows concurrent readers; close it before the test ends, see ``open_engine``).
"""
import contextlib
import itertools
import os
import re
import signal
import socket
import subprocess
import sys
import time

import pytest
import requests

START_TIMEOUT = 30.0
# A server's own worst case is graceful_timeout (30 s) for the workers, then as long again for
# the engine process before it is killed; waiting less would fail a test on a stop that is
# slow but still bounded (seen once in a full run: a gthread server took over 30 s to stop).
# Tests of stop behaviour assert their own, tighter times.
STOP_TIMEOUT = 75.0


def free_port():
    """Return a TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    """A ``machstore serve`` child process: start, stop (SIGTERM), kill -9, restart."""

    def __init__(self, root, *, flags=(), config=None, workers=2):
        self.root = str(root)
        self.data_dir = os.path.join(self.root, "data")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.flags = [str(f) for f in flags]
        self.workers = workers
        self.log_path = os.path.join(self.root, "server.log")
        self.config_path = None
        if config is not None:
            self.config_path = os.path.join(self.root, "machstore.conf")
            with open(self.config_path, "w") as f:
                f.write(config)
        self.proc = None
        self.exit_code = None

    def argv(self):
        argv = [sys.executable, "-m", "machstore", "serve",
                "--data", self.data_dir,
                "--bind", f"127.0.0.1:{self.port}",
                "--workers", str(self.workers)]
        if self.config_path:
            argv += ["--config", self.config_path]
        return argv + self.flags

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    def start(self, timeout=START_TIMEOUT):
        """Start the server and wait until ``/ping`` answers."""
        assert self.proc is None or self.proc.poll() is not None, "already running"
        with open(self.log_path, "ab") as log:
            log.write(b"\n==== start ====\n")
            log.flush()
            self.proc = subprocess.Popen(self.argv(), cwd=self.root, stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, start_new_session=True)
        self.exit_code = None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                if requests.get(self.url + "/ping", timeout=1).status_code == 204:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.05)
        self.kill9()
        raise RuntimeError(f"server did not answer /ping in {timeout}s:\n{self.log_tail()}")

    def stop(self, sig=signal.SIGTERM, timeout=STOP_TIMEOUT, *, group=False):
        """Send ``sig`` to the master (or the whole group, like Ctrl-C); wait; return the exit code."""
        pgid = self.proc.pid if self.proc else None
        if self.proc is None or self.proc.poll() is not None:
            if pgid is not None:
                _wait_group_gone(pgid, timeout=5.0)
            return self.proc.returncode if self.proc else None
        if group:
            os.killpg(pgid, sig)
        else:
            self.proc.send_signal(sig)
        try:
            self.exit_code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill9()
            raise RuntimeError(f"server did not stop in {timeout}s:\n{self.log_tail()}")
        _wait_group_gone(pgid, timeout=5.0)
        return self.exit_code

    def kill9(self):
        """SIGKILL the whole process group (master, workers, engine process) and reap it."""
        if self.proc is None:
            return
        pgid = self.proc.pid
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGKILL)
        self.exit_code = self.proc.wait()
        _wait_group_gone(pgid, timeout=10.0)

    def restart(self):
        """Stop (gracefully, if still running) and start again on the same port and data."""
        if self.proc is not None and self.proc.poll() is None:
            self.stop()
        return self.start()

    def group_pids(self):
        """Return the pids still alive in the server's process group."""
        return _group_pids(self.proc.pid) if self.proc else []

    def engine_pids(self):
        """Return the pids of engine processes whose parent is the master."""
        out = []
        for pid, ppid, cmdline in _processes():
            if ppid == self.pid and "machstore.engine_process" in cmdline:
                out.append(pid)
        return out

    def log_tail(self, n=60):
        with contextlib.suppress(OSError), open(self.log_path, "rb") as f:
            return b"\n".join(f.read().splitlines()[-n:]).decode("utf-8", "replace")
        return ""


def _processes():
    """Yield ``(pid, ppid, cmdline)`` of live (non-zombie) processes, from /proc."""
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                stat = f.read().decode("utf-8", "replace")
            with open(f"/proc/{name}/cmdline", "rb") as f:
                cmdline = f.read().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if fields[0] == "Z":
            continue
        yield int(name), int(fields[1]), cmdline


def _group_pids(pgid):
    out = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                stat = f.read().decode("utf-8", "replace")
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if fields[0] != "Z" and int(fields[2]) == pgid:
            out.append(int(name))
    return out


def _wait_group_gone(pgid, timeout):
    deadline = time.monotonic() + timeout
    while _group_pids(pgid) and time.monotonic() < deadline:
        time.sleep(0.02)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A server shared by a test module (default settings, 2 workers); use distinct databases."""
    srv = ServerProcess(tmp_path_factory.mktemp("server"))
    srv.start()
    yield srv
    _shutdown(srv)


@pytest.fixture
def make_server(tmp_path_factory):
    """Factory: ``make_server(*flags, config=None, workers=2, start=True)`` -> ServerProcess."""
    made = []

    def make(*flags, config=None, workers=2, start=True):
        srv = ServerProcess(tmp_path_factory.mktemp("server"), flags=flags, config=config, workers=workers)
        made.append(srv)
        return srv.start() if start else srv

    yield make
    for srv in made:
        _shutdown(srv)


def _shutdown(srv):
    try:
        srv.stop()
    finally:
        srv.kill9()  # whatever is left of the group (nothing, normally)


@contextlib.contextmanager
def open_engine(data_dir):
    """Open the server's data directory in this process for reading back; close on exit."""
    from machstore.engine import Engine

    eng = Engine(data_dir)
    try:
        yield eng
    finally:
        eng.close()


_db_counter = itertools.count()


@pytest.fixture
def db(request):
    """A database name unique to this test (shared servers never see the same name twice)."""
    name = re.sub(r"[^A-Za-z0-9_]+", "_", request.node.name)[:40]
    return f"{name}_{next(_db_counter)}"
