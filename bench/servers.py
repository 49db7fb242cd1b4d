"""Start a ``machstore serve`` for a benchmark (2 workers, UTC) and stop it again."""
import os
import socket
import subprocess
import sys
import tempfile
import time

import requests


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_machstore(data, *, workers=2, timeout=20.0, flags=()):
    """Run ``machstore serve`` on ``data`` and a free loopback port; return ``(process, base url)``."""
    port = free_port()
    argv = [sys.executable, "-m", "machstore", "serve", "--data", data, "--bind", f"127.0.0.1:{port}",
            "--workers", str(workers), "--timezone", "+0000", *flags]
    # cwd elsewhere so the installed package is imported, not the source tree
    proc = subprocess.Popen(argv, cwd=tempfile.gettempdir(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{url}/ping", timeout=1).status_code == 204:
                return proc, url
        except requests.RequestException:   # refused, or a read timeout while it boots
            time.sleep(0.05)
    os.killpg(proc.pid, 9)
    proc.wait()
    raise SystemExit("machstore did not start")


def stop(proc):
    """SIGTERM the server's process group and wait for it."""
    os.killpg(proc.pid, 15)
    proc.wait(timeout=30)
