"""``sideload``: lookups in a directory of JSON value files (``sideload.go``, ``services/sideload``)."""
import json

import pytest
from kapacitor_capture import run_capture
from kstream_cases import DATA

from machstore.kapacitor.nodes.sideload import SideloadSourceError, convert_type, load_source

SIDELOAD = (DATA / "sideload").resolve()


def srpl(*lines):
    return "".join(f"dbname\nrpname\n{line}\n" for line in lines)


SCRIPT = """
stream|from().measurement('m')
    |sideload()
        .source('file://{src}')
        .order('t0/{{{{.t0}}}}.json', 't1/{{{{.t1}}}}.json', 't2/{{{{.t2}}}}.json')
        {props}
"""


def run(props, *lines, src=SIDELOAD):
    return run_capture(SCRIPT.format(src=src, props=props), srpl(*lines), "sideload2")


def test_fields_and_tags_from_the_first_file_that_has_the_key():
    # t1/o.json has f1=42 but t0/c.json comes first in the order; f2 from t1/o.json; t3 from t2/y.json
    cap, _ = run(".field('f1', 0).field('f2', 0.0).tag('t3', 'one')", "m,t0=c,t1=o,t2=y value=1 0")
    (_, _, tags, _, fields), = cap.points()
    assert tags == {"t0": "c", "t1": "o", "t2": "y", "t3": "why"}
    assert fields == {"f1": 12, "f2": 13.5, "value": 1.0}
    assert type(fields["f1"]) is int   # converted to the default's type (int64)


def test_defaults_when_no_file_has_the_key():
    cap, _ = run(".field('f1', 0).field('f2', 0.0).tag('t3', 'one')", "m,t0=a,t1=m,t2=x value=1 0")
    (_, _, tags, _, fields), = cap.points()
    assert tags["t3"] == "one"
    assert fields == {"f1": 0, "f2": 0.0, "value": 1.0}


def test_a_value_of_the_wrong_type_is_logged_and_defaulted(tmp_path):
    (tmp_path / "t0").mkdir()
    (tmp_path / "t0" / "a.json").write_text(json.dumps({"f": 2.5, "b": "maybe"}))
    cap, graph = run(".field('f', 0).field('b', FALSE)", "m,t0=a v=1 0", src=tmp_path)
    (_, _, _, _, fields), = cap.points()
    assert fields == {"f": 0, "b": False, "v": 1.0}
    errors = sorted(text for level, _, text in graph.ctx.logs if level == "E")
    assert errors == [
        ('failed to load key: cannot convert string to bool: strconv.ParseBool: parsing "maybe": invalid syntax: '
         "key=b expected=bool got=string"),
        "failed to load key: cannot convert value of type float64 to type int64: key=f expected=int64 got=float64",
    ]


def test_yaml_files_are_read_as_go_yaml_v2_does(tmp_path):
    (tmp_path / "a.yml").write_text("f1: 2\nf2: 3.5\nt3: why\nb: true\n")
    (tmp_path / "bad.yaml").write_text("- a list\n")
    with pytest.raises(SideloadSourceError, match='failed to unmarshal yaml values ".*bad.yaml"'):
        load_source(f"file://{tmp_path}")
    (tmp_path / "bad.yaml").write_text("f: [unclosed\n")
    with pytest.raises(SideloadSourceError, match='failed to unmarshal yaml values ".*bad.yaml"'):
        load_source(f"file://{tmp_path}")
    (tmp_path / "bad.yaml").unlink()
    cache = load_source(f"file://{tmp_path}")
    assert cache["a.yml"] == {"f1": 2, "f2": 3.5, "t3": "why", "b": True}
    assert type(cache["a.yml"]["f1"]) is int


@pytest.mark.parametrize(("source", "message"), [
    ("file:relative/dir", 'sideload source path must be absolute ""'),
    ("file://relative/dir", 'failed to update sideload cache for source file "/dir": lstat /dir: no such file'),
    ("ftp://host/dir", "unsupported source scheme \"ftp\", must be 'file', 'http', or 'https'"),
    ("http://host/values", "http and https sources are not supported by machstore"),
    ("myendpoint", "Specified endpoint does not exist: myendpoint"),
    ("file:///does/not/exist", 'failed to update sideload cache for source file "/does/not/exist"'),
])
def test_sources_machstore_cannot_load_refuse_the_task(source, message):
    with pytest.raises(SideloadSourceError) as info:
        load_source(source)
    assert message in str(info.value)


def test_source_keys_are_relative_paths_and_numbers_are_floats():
    cache = load_source(f"file://{SIDELOAD}")
    assert cache["t1/o.json"] == {"f1": 42.0, "f2": 13.5}
    assert cache["t1/o.yml"] == {"f1": 42, "f2": 13.5}
    assert sorted(cache) == ["t0/b.json", "t0/b.yml", "t0/c.json", "t0/c.yml", "t1/n.json", "t1/n.yml",
                             "t1/o.json", "t1/o.yml", "t2/y.json", "t2/y.yml"]


@pytest.mark.parametrize(("src", "dflt", "want"), [
    (2.0, 0, 2), ("12", 0, 12), (3, 0.0, 3.0), ("1.5", 0.0, 1.5), ("true", False, True), (1.5, "", "1.5"),
    (2.0, "", "2"), (True, "", "true"), ("x", "", "x"),
])
def test_convert_type(src, dflt, want):
    got = convert_type(src, dflt)
    assert got == want and type(got) is type(want)


@pytest.mark.parametrize(("src", "dflt"), [(2.5, 0), ("x", 0), ("x", 0.0), (1.0, False), ({"a": 1}, "")])
def test_convert_type_refuses(src, dflt):
    with pytest.raises(ValueError, match="cannot convert"):
        convert_type(src, dflt)
