"""``from``/``where`` cases of ``streamer_test.go`` (see tests/kstream_cases.py)."""
from kstream_cases import StreamCase

CASES = [
    # TestStream_Where-like check written from from()'s semantics: only host a, grouped, latest per group
    StreamCase(
        name="from_where_groupBy_latest",
        script="""
stream
    |from()
        .measurement('cpu')
        .where(lambda: "host" == 'serverA' OR "host" == 'serverB')
        .groupBy('host')
    |httpOut('TestStream_Where')
""",
        srpl="dbname\nrpname\ncpu,host=serverA value=1 0000000001\n"
             "dbname\nrpname\ncpu,host=serverC value=2 0000000002\n"
             "dbname\nrpname\ncpu,host=serverB value=3 0000000003\n"
             "dbname\nrpname\nmem,host=serverA value=4 0000000004\n"
             "dbname\nrpname\ncpu,host=serverA value=5 0000000005\n",
        expected={"TestStream_Where": {"series": [
            {"name": "cpu", "tags": {"host": "serverA"}, "columns": ["time", "value"],
             "values": [["1971-01-01T00:00:04Z", 5.0]]},
            {"name": "cpu", "tags": {"host": "serverB"}, "columns": ["time", "value"],
             "values": [["1971-01-01T00:00:02Z", 3.0]]},
        ]}},
    ),
]
