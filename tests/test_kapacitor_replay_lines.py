"""``ReplayPoint.line()``: the rebased test data written back as line protocol (what the HTTP
runner sends to ``/write``) parses to the same point, for every copied ``.srpl`` file."""
import pytest
from kstream_cases import DATA

from machstore.kapacitor.replay import parse_line, read_srpl


@pytest.mark.parametrize("path", sorted(DATA.glob("*.srpl")), ids=lambda p: p.name)
def test_lines_round_trip(path):
    points = read_srpl(path.read_text())
    assert points
    for p in points:
        chunk = parse_line(p.line(), p.db, p.rp, precision="ns")
        (t, s, fields), = chunk.rows()
        assert (t, s.name, s.tags, fields) == (p.time, p.name, p.tags, p.fields)
        assert all(type(fields[k]) is type(v) for k, v in p.fields.items())
