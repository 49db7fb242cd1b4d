"""Real InfluxDB client libraries against the server: what they send is stored exactly.

* ``influxdb`` (1.x client): ``InfluxDBClient.write_points`` turns JSON points into line
  protocol (tags escaped, ints as ``42i``) and POSTs ``/write?db=...&precision=...``.
* ``influxdb_client`` (2.x client): ``write_api(SYNCHRONOUS).write(bucket="db/rp", ...)``
  POSTs ``/api/v2/write?org=...&bucket=db/rp&precision=...`` with ``Authorization: Token ...``.
"""
import pytest
from influxdb import InfluxDBClient
from influxdb.exceptions import InfluxDBClientError
from influxdb_client import InfluxDBClient as InfluxDB2Client
from influxdb_client import Point, WritePrecision
from influxdb_client.client.write_api import SYNCHRONOUS
from influxdb_client.rest import ApiException

from conftest import open_engine

TAGS = {"host": "server 01", "region": "us,west", "k=v": "a=b", "city": "Zürich"}


def v1_client(server, db):
    return InfluxDBClient(host="127.0.0.1", port=server.port, database=db, timeout=30)


def read(server, db, measurement, tags):
    with open_engine(server.data_dir) as eng:
        return eng.read_series(db, measurement, tags).to_pydict(), eng.list_fields(db, measurement)


def test_influxdb_client_write_points_json(server, db):
    points = [
        {"measurement": "cpu", "tags": TAGS, "time": 1600000000123, "fields": {
            "f": 1.5, "whole": 2.0, "i": 42, "neg": -9223372036854775807, "s": 'say "hi" \\ and, = space',
            "b": True}},
        {"measurement": "cpu", "tags": TAGS, "time": 1600000000124, "fields": {
            "f": -0.25, "whole": 1e300, "i": 0, "neg": -1, "s": "", "b": False}},
    ]
    client = v1_client(server, db)
    assert client.write_points(points, time_precision="ms") is True
    data, fields = read(server, db, "cpu", TAGS)
    assert data == {
        "time": [1600000000123_000000, 1600000000124_000000],
        "b": [True, False], "f": [1.5, -0.25], "i": [42, 0], "neg": [-9223372036854775807, -1],
        "s": ['say "hi" \\ and, = space', ""], "whole": [2.0, 1e300]}
    assert fields == {"b": "boolean", "f": "float", "i": "integer", "neg": "integer", "s": "string",
                      "whole": "float"}
    with open_engine(server.data_dir) as eng:
        (series,) = eng.list_series(db, "cpu")
    assert series["tags"] == TAGS


def test_influxdb_client_tag_backslash_is_kept_as_sent(server, db):
    # The 1.x client escapes "\" in tags as "\\"; InfluxDB 1.x stores both backslashes
    # (shared reference, section 1.2), and so must we.
    client = v1_client(server, db)
    assert client.write_points([{"measurement": "m", "tags": {"path": "C:\\dir"}, "time": 1,
                                 "fields": {"v": 1}}], time_precision="n")
    with open_engine(server.data_dir) as eng:
        (series,) = eng.list_series(db, "m")
    assert series["tags"] == {"path": "C:\\\\dir"}


def test_influxdb_client_precision_and_line_protocol_strings(server, db):
    client = v1_client(server, db)
    assert client.write_points(["m,host=a v=1i 5", "m,host=a v=2i 6"], time_precision="s", protocol="line")
    data, _ = read(server, db, "m", {"host": "a"})
    assert data == {"time": [5_000_000_000, 6_000_000_000], "v": [1, 2]}


def test_influxdb_client_sees_write_errors(server, db):
    client = v1_client(server, db)
    assert client.write_points([{"measurement": "m", "time": 1, "fields": {"v": 1.5}}])
    with pytest.raises(InfluxDBClientError) as info:
        client.write_points([{"measurement": "m", "time": 2, "fields": {"v": 7}}])
    assert info.value.code == 400
    assert "field type conflict" in str(info.value)


def test_influxdb_client_ping(server):
    assert v1_client(server, "x").ping() == "1.8.10"


def test_influxdb_client_v2_write_api(server, db):
    with InfluxDB2Client(url=server.url, token="user:password", org="-", timeout=30_000) as client:
        write_api = client.write_api(write_options=SYNCHRONOUS)
        point = (Point("cpu").tag("host", "a b").tag("region", "us,west").tag("k=v", "a=b")
                 .field("f", 1.5).field("i", 7).field("s", 'x "y" \\').field("b", False)
                 .time(1600000000123456789, WritePrecision.NS))
        write_api.write(bucket=f"{db}/autogen", record=point)
        write_api.write(bucket=f"{db}/autogen", record="cpu,host=a\\ b,k\\=v=a\\=b,region=us\\,west f=2.5 1600000001",
                        write_precision=WritePrecision.S)
    data, fields = read(server, db, "cpu", {"host": "a b", "region": "us,west", "k=v": "a=b"})
    assert data == {"time": [1600000000123456789, 1600000001_000000000],
                    "b": [False, None], "f": [1.5, 2.5], "i": [7, None], "s": ['x "y" \\', None]}
    assert fields == {"b": "boolean", "f": "float", "i": "integer", "s": "string"}


def test_influxdb_client_v2_write_errors_raise(server, db):
    with InfluxDB2Client(url=server.url, token="t", org="-", timeout=30_000) as client:
        write_api = client.write_api(write_options=SYNCHRONOUS)
        with pytest.raises(ApiException) as info:
            write_api.write(bucket=f"{db}/autogen", record="m v=1 1.5")
    assert info.value.status == 400
    assert "unable to parse" in info.value.body
