"""/query against InfluxDB's own answers: 1,160 requests recorded from InfluxDB 1.6.7.

``bench/record_influx_goldens.py`` recorded them (data set, corpus and answers in tests/data/);
``influxql_goldens.py`` replays them and compares as its docstring says.  Every entry must
match, except those in ``tests/data/influxql_known_differences.json``, each with the reason
it differs (a part not built yet, a 1.6.7 bug, or an open difference).  That list is strict:
an entry on it that starts to match fails too, so the list only ever shrinks honestly.
"""
import json
import os

import pytest
from conftest import ServerProcess, _shutdown
from influxql_goldens import DATA_DIR, compare, load_corpus, load_dataset, load_goldens, select_entries, send

KNOWN = json.load(open(os.path.join(DATA_DIR, "influxql_known_differences.json")))
ENTRIES = load_corpus()["entries"]
GOLDENS = load_goldens()


@pytest.fixture(scope="module")
def replayed(tmp_path_factory):
    """Load the data set into a fresh server and send every entry once, in corpus order."""
    import requests

    srv = ServerProcess(tmp_path_factory.mktemp("goldens"))
    srv.start()
    try:
        load_dataset(srv.url)
        session = requests.Session()
        answers = {e["id"]: send(session, srv.url, e) for e in select_entries(ENTRIES)}
        yield answers
    finally:
        _shutdown(srv)


def test_the_known_differences_name_real_entries():
    ids = {e["id"] for e in ENTRIES}
    assert set(KNOWN) <= ids
    assert len(KNOWN) < len(ids) // 4


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e["id"])
def test_entry_matches_influxdb(replayed, entry):
    problems = compare(entry, GOLDENS[entry["id"]], replayed[entry["id"]])
    if entry["id"] in KNOWN:
        assert problems, f"{entry['id']} now matches InfluxDB: remove it from influxql_known_differences.json"
        return
    assert not problems, "\n".join(problems[:5])
