"""``deadman()`` in a real server: the engine process ticks stream tasks on wall time, so a
task whose data stops hears of it without any new point arriving.

A task ``deadman(0.0, 1s).post(<sink>)`` is created through the task API; points are written
through ``/write`` every 50 ms, then writing stops: the HTTP sink on loopback receives the
CRITICAL "dead" event within two intervals (the interval in which the last points came
still counts them), again every interval while silent; writing again gives the OK "alive"
event at the next tick.
"""
import json
import re
import threading
import time

import pytest
import requests
from alert_sinks import HTTPSink
from kapacitor_tasks import wait_for

BASE = "/kapacitor/v1"
S = 10**9


@pytest.fixture
def sink():
    with HTTPSink() as s:
        yield s


class Writer:
    """Writes one point every ``every`` seconds from a thread until stopped."""

    def __init__(self, server, db, every=0.05):
        self.server, self.db, self.every = server, db, every
        self.stop_event = threading.Event()
        self.errors = []
        self.last = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stop_event.is_set():
            r = requests.post(f"{self.server.url}/write", params={"db": self.db}, data=b"m,host=a v=1", timeout=30)
            if r.status_code != 204:
                self.errors.append(r.text)
            self.last = time.monotonic()
            self.stop_event.wait(self.every)

    def stop(self):
        self.stop_event.set()
        self.thread.join()
        assert self.errors == []
        return self.last


def events(sink):
    return [json.loads(r.body) for r in sink.requests]


def test_a_silent_task_goes_dead_and_alive_again(server, sink, db):
    task_id = f"dm_{db}"
    r = requests.post(f"{server.url}/query", params={"q": f'CREATE DATABASE "{db}"'})
    assert r.status_code == 200 and "error" not in r.json()["results"][0], r.text
    script = f"stream\n    |from()\n        .measurement('m')\n    |deadman(0.0, 1s)\n        .post('{sink.url}/dm')\n"
    r = requests.post(f"{server.url}{BASE}/tasks", timeout=30, data=json.dumps(
        {"id": task_id, "type": "stream", "dbrps": [{"db": db, "rp": "autogen"}], "script": script,
         "status": "enabled"}))
    assert r.status_code == 200, r.text
    writer = Writer(server, db)
    st = wait_for(lambda: requests.get(f"{server.url}{BASE}/tasks/{task_id}", timeout=30).json()["executing"])
    assert st
    time.sleep(3.0)
    assert events(sink) == []                # alive all along: OK from the start, no event
    last_write = writer.stop()
    got = sink.wait(1, timeout=10)
    waited = time.monotonic() - last_write
    assert got, "no deadman event after the writes stopped"
    # the tick after the last points still counts them; the one after that finds none
    assert waited < 2 + 1.5, waited
    ident = f"nil:from1 for task '{task_id}'"
    dead = events(sink)[0]
    assert sink.requests[0].path == "/dm"
    assert sink.requests[0].headers["Content-Type"] == "application/json"
    assert (dead["id"], dead["message"], dead["level"], dead["previousLevel"]) == (
        ident, f"{ident} is dead: 0.000 points/1s.", "CRITICAL", "OK")
    series = dead["data"]["series"]
    assert [(s["name"], s["columns"], s.get("tags")) for s in series] == [("stats", ["time", "emitted"], None)]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", series[0]["values"][0][0])  # aligned: whole seconds
    assert series[0]["values"][0][1] == 0
    # silent for another interval: the CRITICAL event again
    assert len(sink.wait(2, timeout=5)) >= 2
    writer = Writer(server, db)
    try:
        alive = wait_for(lambda: [e for e in events(sink) if e["level"] == "OK"], timeout=10)
        assert alive, events(sink)
    finally:
        writer.stop()
    seen = events(sink)
    first_ok = next(i for i, e in enumerate(seen) if e["level"] == "OK")
    assert all(e["level"] == "CRITICAL" and e["message"] == f"{ident} is dead: 0.000 points/1s."
               for e in seen[:first_ok])
    ok = seen[first_ok]
    assert (ok["id"], ok["previousLevel"]) == (ident, "CRITICAL")
    rate = ok["data"]["series"][0]["values"][0][1]
    assert rate > 0
    assert ok["message"] == f"{ident} is alive: {rate:.3f} points/1s."
    requests.delete(f"{server.url}{BASE}/tasks/{task_id}", timeout=30)
