"""``influxDBOut`` cases of ``streamer_test.go`` (see tests/kstream_cases.py).

``writes`` are the points Kapacitor's test expects its mock InfluxDB to receive:
``(db, rp, measurement, tags, fields, time text)``.
"""
from kstream_cases import StreamCase

CASES = [
    StreamCase(
        name="TestStream_InfluxDBOut",
        script="""
stream
    |from()
        .measurement('cpu')
        .where(lambda: "host" == 'serverA')
    |window()
        .period(10s)
        .every(10s)
    |count('value')
    |influxDBOut()
        .database('db')
        .retentionPolicy('rp')
        .measurement('m')
        .precision('s')
        .tag('key', 'value')
        .flushInterval(1ms)
""",
        srpl="TestStream_InfluxDBOut.srpl",
        writes=[("db", "rp", "m", {"key": "value"}, {"count": 10}, "1971-01-01T00:00:10Z")],
    ),
]
