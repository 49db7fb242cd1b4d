"""The seed's Chronograf task (seeds/001) created as the seed shows, enabled, and run on data.

The task compares each ``account_login`` value with the one 10 minutes earlier (``shift`` +
``join``), alerts when the change is over 10 %, writes the alert points to
``chronograf.autogen.alerts`` and serves them on its httpOut ``output``.  Expected values are
worked out from Kapacitor's semantics (reference sections 2.2-2.5), not from our output.
"""
import time

import requests
from test_http_kapacitor_tasks import BASE, _seed_exchange, get, post, wait_for

T0 = 1_700_000_000 * 10**9
TEN_MIN = 600 * 10**9


def write(server, lines):
    r = requests.post(f"{server.url}/write", params={"db": "api", "rp": "autogen"}, data=lines.encode(), timeout=30)
    assert r.status_code == 204, r.text


def test_seed_task_raises_its_alert_writes_it_and_serves_it(server):
    request, _ = _seed_exchange()
    request["status"] = "enabled"
    assert post(server, request).status_code == 200
    wait_for("the task to start", lambda: get(server, "/tasks/dutianze-t").json()["executing"])
    write(server, f"account_login,third_type=wx value=100 {T0}")
    write(server, f"account_login,third_type=wx value=150 {T0 + TEN_MIN}")   # +50 % against 10 min before
    write(server, f"account_login,third_type=wx value=160 {T0 + 2 * TEN_MIN}")  # +6.7 %: back under 10 %

    when = "2023-11-14T22:23:20Z"   # T0 + 10 min
    point = wait_for("the alert on httpOut", lambda: (r := get(server, "/tasks/dutianze-t/output").json())["series"]
                     and r["series"][0]["tags"].get("level") == "OK" and r)
    # the last point of the group is the recovery at T0 + 20 min (stateChangesOnly: both emitted)
    row = point["series"][0]
    assert row["name"] == "account_login"
    assert row["tags"] == {"third_type": "wx", "alertID": "dutianze-t-third_type=wx", "level": "OK"}
    values = dict(zip(row["columns"], row["values"][0]))
    assert values["time"] == "2023-11-14T22:33:20Z"
    assert values["current.value"] == 160 and values["past.value"] == 150
    assert abs(values["value"] - 10 / 150 * 100) < 1e-9
    assert values["message"] == "" and values["duration"] == TEN_MIN

    # influxDBOut: both emitted alert points, durably, readable with InfluxQL
    deadline = time.monotonic() + 30
    while True:
        r = requests.get(f"{server.url}/query", params={
            "db": "chronograf", "q": 'SELECT "value", "level", "alertID", "alertName", "triggerType", "duration" '
                                     'FROM "autogen"."alerts"'}, timeout=30).json()
        series = r["results"][0].get("series")
        if series and len(series[0]["values"]) == 2 or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert series[0]["columns"] == ["time", "value", "level", "alertID", "alertName", "triggerType", "duration"]
    crit, ok = series[0]["values"]
    assert crit == [when, 50.0, "CRITICAL", "dutianze-t-third_type=wx", "dutianze-t", "relative", 0]
    assert ok[:6] == ["2023-11-14T22:33:20Z", ok[1], "OK", "dutianze-t-third_type=wx", "dutianze-t", "relative"]
    assert ok[6] == TEN_MIN

    task = get(server, "/tasks/dutianze-t").json()
    stats = task["stats"]["node-stats"]
    assert stats["alert7"]["crits_triggered"] == 1 and stats["alert7"]["oks_triggered"] == 1
    assert stats["influxdb_out9"]["points_written"] == 2
    assert requests.get(f"{server.url}{BASE}/tasks/dutianze-t/output", timeout=30).status_code == 200
