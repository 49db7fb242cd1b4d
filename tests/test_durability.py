"""Acknowledged writes survive ``kill -9``; concurrent writers through two workers lose nothing.

Batch ``b`` holds ``BATCH`` points of one series at times ``b * SPAN + k`` (k < BATCH), so
counting points per time range tells, for every batch, whether it is all there or not at all.
"""
import threading
import time

import numpy as np
import requests

from conftest import open_engine

BATCH = 400
SPAN = 1_000_000


def batch_body(b, measurement="dur", tags=""):
    base = b * SPAN
    return "\n".join(f"{measurement}{tags} v={k}i,batch={b}i {base + k}" for k in range(BATCH)).encode()


def counts_per_batch(data_dir, db, measurement="dur", tags=None):
    with open_engine(data_dir) as eng:
        if not eng.database_exists(db):
            return {}
        t = np.asarray(eng.read_series(db, measurement, tags or {}).column("time").to_numpy())
    batches, counts = np.unique(t // SPAN, return_counts=True)
    return dict(zip(batches.tolist(), counts.tolist()))


class Writer(threading.Thread):
    """POST numbered batches until stopped; remember which got a 2xx."""

    def __init__(self, url, db, first=0):
        super().__init__(daemon=True)
        self.url, self.db, self.next = url, db, first
        self.acked, self.failed = [], []
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            b = self.next
            self.next += 1
            try:
                resp = requests.post(self.url + "/write", params={"db": self.db}, data=batch_body(b), timeout=10)
                if 200 <= resp.status_code < 300:
                    self.acked.append(b)
                else:
                    self.failed.append((b, resp.status_code))
            except requests.RequestException:
                self.failed.append((b, None))
                time.sleep(0.01)


def test_acknowledged_batches_survive_kill9_and_none_is_half_written(make_server):
    srv = make_server()
    db = "durability"
    writer = Writer(srv.url, db)
    writer.start()
    deadline = time.monotonic() + 60
    while len(writer.acked) < 25 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(writer.acked) >= 25, srv.log_tail()
    srv.kill9()  # master, workers and engine process, mid-stream
    time.sleep(0.3)
    writer.stop.set()
    writer.join(30)
    assert not writer.is_alive()
    assert writer.failed, "the writer should have seen the server die"

    srv.start()
    counts = counts_per_batch(srv.data_dir, db)
    for b in writer.acked:
        assert counts.get(b) == BATCH, f"acknowledged batch {b} has {counts.get(b, 0)} of {BATCH} points"
    half = {b: n for b, n in counts.items() if n != BATCH}
    assert not half, f"half-written batches: {half}"
    unacked_present = set(counts) - set(writer.acked)
    assert len(unacked_present) <= 1, "only a batch in flight at the kill may be stored unacknowledged"

    # the restarted server takes writes again, and the background merge keeps answers exact
    after = writer.next + 10
    resp = requests.post(srv.url + "/write", params={"db": db}, data=batch_body(after), timeout=10)
    assert resp.status_code == 204
    assert counts_per_batch(srv.data_dir, db).get(after) == BATCH


def test_two_workers_and_many_client_threads_lose_nothing(make_server):
    srv = make_server(workers=2)
    db = "concurrent"
    n_threads, n_batches = 8, 15
    statuses = []
    lock = threading.Lock()

    def client(t):
        session = requests.Session()
        for i in range(n_batches):
            b = t * 1000 + i
            resp = session.post(srv.url + "/write", params={"db": db},
                                data=batch_body(b, tags=f",thread={t}"), timeout=30)
            with lock:
                statuses.append(resp.status_code)

    threads = [threading.Thread(target=client, args=(t,)) for t in range(n_threads)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(120)
    assert statuses == [204] * (n_threads * n_batches)
    for t in range(n_threads):
        counts = counts_per_batch(srv.data_dir, db, tags={"thread": str(t)})
        assert counts == {t * 1000 + i: BATCH for i in range(n_batches)}
