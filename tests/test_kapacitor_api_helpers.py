"""The Go behaviours the Kapacitor API leans on, without HTTP: ``path.Match`` (Go's own
``path/match_test.go`` table), ``json.MarshalIndent`` text, and the vars decoding of
``client/v1`` ``Vars.UnmarshalJSON`` + ``task_store.newVar``."""
import pytest

from machstore.kapacitor import gopath, task_vars
from machstore.kapacitor.definitions import TaskStoreError, decode_body, valid_id
from machstore.kapacitor.gojson import GoMap, dumps

# Go's path/match_test.go; a pattern Go calls malformed matches nothing in Kapacitor
GO_MATCH = [
    ("abc", "abc", True), ("*", "abc", True), ("*c", "abc", True), ("a*", "a", True), ("a*", "abc", True),
    ("a*", "ab/c", False), ("a*/b", "abc/b", True), ("a*/b", "a/c/b", False),
    ("a*b*c*d*e*/f", "axbxcxdxe/f", True), ("a*b*c*d*e*/f", "axbxcxdxexxx/f", True),
    ("a*b*c*d*e*/f", "axbxcxdxe/xxx/f", False), ("a*b*c*d*e*/f", "axbxcxdxexxx/fff", False),
    ("a*b?c*x", "abxbbxdbxebxczzx", True), ("a*b?c*x", "abxbbxdbxebxczzy", False),
    ("ab[c]", "abc", True), ("ab[b-d]", "abc", True), ("ab[e-g]", "abc", False), ("ab[^c]", "abc", False),
    ("ab[^b-d]", "abc", False), ("ab[^e-g]", "abc", True), ("a\\*b", "a*b", True), ("a\\*b", "ab", False),
    ("a?b", "a☺b", True), ("a[^a]b", "a☺b", True), ("a???b", "a☺b", False), ("a[^a][^a][^a]b", "a☺b", False),
    ("[a-ζ]*", "α", True), ("*[a-ζ]", "A", False), ("a?b", "a/b", False), ("a*b", "a/b", False),
    ("[\\]a]", "]", True), ("[\\-]", "-", True), ("[x\\-]", "x", True), ("[x\\-]", "-", True),
    ("[x\\-]", "z", False), ("[\\-x]", "x", True), ("[\\-x]", "-", True), ("[\\-x]", "a", False),
    ("[]a]", "]", False), ("[-]", "-", False), ("[x-]", "x", False), ("[x-]", "-", False), ("[-x]", "x", False),
    ("\\", "a", False), ("[a-b-c]", "a", False), ("[", "a", False), ("[^", "a", False), ("[^bc", "a", False),
    ("a[", "a", False), ("a[", "ab", False), ("*x", "xxx", True),
]


@pytest.mark.parametrize("pattern, name, matched", GO_MATCH)
def test_go_path_match(pattern, name, matched):
    assert gopath.match(pattern, name) is matched


def test_marshal_indent_text():
    value = {"b": [], "a": {}, "s": "<a&b>\u2028\x01", "f": [2.0, 0.5, 1e21, 1e-7, -0.0], "n": None,
             "m": GoMap({"z": 1, "y": True})}
    assert dumps(value).decode() == (
        '{\n    "b": [],\n    "a": {},\n    "s": "\\u003ca\\u0026b\\u003e\\u2028\\u0001",\n'
        '    "f": [\n        2,\n        0.5,\n        1e+21,\n        1e-7,\n        -0\n    ],\n'
        '    "n": null,\n    "m": {\n        "y": true,\n        "z": 1\n    }\n}')
    assert dumps({"error": "x", "message": "x"}, pretty=False) == b'{"error":"x","message":"x"}'


@pytest.mark.parametrize("text, ok", [("a", True), ("a-b.c_d9", True), ("żółw", True), ("日本", True),
                                      ("", False), ("a b", False), ("a/b", False), ("a\n", False), ("ǅ", True)])
def test_id_rule(text, ok):
    assert valid_id(text) is ok


@pytest.mark.parametrize("raw", [b"", b"  ", b"[1]", b"12", b"{", b'{"a": NaN}', b'{"a": Infinity}',
                                 b'{"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"])
def test_decode_body_refuses(raw):
    with pytest.raises(TaskStoreError, match="^invalid JSON$"):
        decode_body(raw)


def test_decode_body_first_value_and_null():
    assert decode_body(b'  {"a": 1} {"b": 2}') == {"a": 1}
    assert decode_body(b"null") == {}


def test_decode_body_lone_surrogate_becomes_replacement_char():
    assert decode_body(b'{"id": "a\\ud800b", "x": ["\\udc00"], "\\ud83d\\ude00": 1}') == {
        "id": "a\ufffdb", "x": ["\ufffd"], "\U0001F600": 1}


def test_vars_round_trip_to_tick_values():
    decoded = task_vars.decode({
        "d": {"type": "duration", "value": "1m30s"}, "n": {"type": "duration", "value": 5},
        "l": {"type": "list", "value": [{"type": "string", "value": "host"}]},
        "s": {"type": "star", "value": "anything"}, "r": {"type": "regex", "value": "^a"},
        "f": {"type": "float", "value": 3}})
    stored = task_vars.to_service(decoded)
    assert stored["d"] == {"type": "duration", "value": 90_000_000_000, "description": ""}
    assert stored["n"]["value"] == 5 and stored["f"]["value"] == 3.0 and isinstance(stored["f"]["value"], float)
    assert stored["l"] == {"type": "list", "value": [{"type": "string", "value": "host", "description": ""}],
                           "description": ""}
    assert stored["s"] == {"type": "star", "value": None, "description": ""}
    tick = task_vars.to_tick(stored)
    assert tick["l"].value == ["host"] and tick["d"].value == 90_000_000_000 and tick["r"].value.pattern == "^a"


@pytest.mark.parametrize("var, message", [
    ({"type": "list", "value": [{"type": "int", "value": 1}]}, "invalid var v: unsupported Var type json.Number."),
    ({"type": "regex", "value": False}, "invalid var v: mismatched type and value: bool regex"),
    ({"value": "x"}, "invalid var v: unexpected var type unknown, value is a string"),
    (None, "invalid var v: unsupported Var type <nil>."),
])
def test_vars_service_errors(var, message):
    with pytest.raises(task_vars.VarError) as info:
        task_vars.to_service(task_vars.decode({"v": var}))
    assert str(info.value) == message


@pytest.mark.parametrize(("raw", "text"), [
    (b"", "EOF"), (b"  \n", "EOF"), (b'{"a": 1}', None), (b"[1, 2] trailing", None),
    (b'{"a": 1', "unexpected EOF"), (b'{"a": "x', "unexpected EOF"), (b"tru", "unexpected EOF"),
    (b"nul1", "invalid character '1' in literal null (expecting 'l')"),
    (b"x", "invalid character 'x' looking for beginning of value"),
    (b"{'a': 1}", "invalid character '\\'' looking for beginning of object key string"),
    (b'{"a" 1}', "invalid character '1' after object key"),
    (b'{"a": "[", "b": 1 "c"}', "invalid character '\"' after object key:value pair"),
    (b'{"a": [1 2]}', "invalid character '2' after array element"),
])
def test_decoder_error_is_gos_json_decoder_text(raw, text):
    from machstore.kapacitor.gojson import decoder_error
    assert decoder_error(raw) == text
