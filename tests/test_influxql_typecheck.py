"""InfluxDB's type check of SELECT fields (query/compile.go validateTypes, influxql TypeValuerEval).

A binary operation whose operand types have no result is refused before anything is read, with
InfluxDB's text naming the expression with its references' types; an operand of unknown type
lets the other decide.  The goldens raw-048 and arith-021 hold InfluxDB's own answers.
"""
import pytest
import requests

from machstore.influxql import parse_statement
from machstore.influxql.typecheck import FieldTypeError, check_field_types

TYPES = {"v": "float", "n": "integer", "up": "boolean", "s": "string"}


def check(text):
    check_field_types(parse_statement(text).fields, TYPES)


@pytest.mark.parametrize("text, message", [
    ("SELECT v + 'x' FROM m", "type error: v::float + 'x': incompatible types: float and string"),
    ("SELECT up * 2 FROM m", "type error: up::boolean * 2: incompatible types: boolean and integer"),
    ("SELECT count(v) + 'x' FROM m", "type error: count(v::float) + 'x': incompatible types: integer and string"),
    ("SELECT mean(n) - s FROM m", "type error: mean(n::integer) - s::string: incompatible types: float and string"),
    ("SELECT v & n FROM m", "type error: v::float & n::integer: incompatible types: float and integer"),
    ("SELECT (v + 1) * (s + 'x') FROM m",
     "type error: (v::float + 1) * (s::string + 'x'): incompatible types: float and string"),
])
def test_incompatible_operands_are_refused_in_influxdbs_words(text, message):
    with pytest.raises(FieldTypeError) as err:
        check(text)
    assert str(err.value) == message


@pytest.mark.parametrize("text", [
    "SELECT v + n FROM m", "SELECT n % 3 FROM m", "SELECT s + 'x' FROM m",
    "SELECT up & up FROM m", "SELECT missing + 'x' FROM m", "SELECT host::tag + 'x' FROM m",
    "SELECT max(v) * 2 + count(n) FROM m", "SELECT unknown_fn(v) + 'x' FROM m",
])
def test_what_influxdb_types_passes(text):
    check(text)


def test_over_http_nothing_is_read_and_the_error_is_the_statements(server, db):
    resp = requests.post(server.url + "/write", params={"db": db}, data=b"cpu v=1.5,s=\"a\" 1\n", timeout=30)
    assert resp.status_code == 204
    resp = requests.post(server.url + "/query", params={"db": db, "q": "SELECT v + 'x' FROM cpu; SELECT s FROM cpu"},
                         timeout=30)
    assert resp.json()["results"] == [
        {"statement_id": 0, "error": "type error: v::float + 'x': incompatible types: float and string"},
        {"statement_id": 1, "error": "not executed"}]
