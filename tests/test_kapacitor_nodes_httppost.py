"""``httpPost``: the requests it stages through ``TaskContext.http_post`` (``http_post.go``)."""
import pytest
from kapacitor_capture import chunks_of, run_capture
from kapacitor_harness import build

from machstore.kapacitor.nodes.httppost import HTTPPostConfigError, HTTPPostRuntime
from machstore.kapacitor.points import Batch, Dimensions, Points, Series
from machstore.kapacitor.replay import REBASE_NS

S = 10**9


def srpl(*lines):
    return "".join(f"dbname\nrpname\n{line}\n" for line in lines)


def test_one_post_per_point_with_kapacitors_json_body():
    script = ("stream|from().measurement('cpu').groupBy('host')"
              "|httpPost('http://sink/x').header('my', 'header').header('content-TYPE', 'text/x').timeout(3s)"
              ".captureResponse()")
    cap, graph = run_capture(script, srpl('cpu,host=a,type=idle value=97.1,s="<b>" 1', "cpu,host=b value=3i 2"),
                             "http_post2")
    (n1, r1), (n2, r2) = graph.ctx.posts
    assert n1 == n2 == "http_post2"
    # Go's json.Encoder: struct fields in order, map keys sorted, HTML escaped, trailing newline
    assert r1["body"] == (b'{"series":[{"name":"cpu","tags":{"host":"a","type":"idle"},'
                          b'"columns":["time","s","value"],'
                          b'"values":[["1971-01-01T00:00:00Z","\\u003cb\\u003e",97.1]]}]}\n')
    assert r2["body"] == (b'{"series":[{"name":"cpu","tags":{"host":"b"},"columns":["time","value"],'
                          b'"values":[["1971-01-01T00:00:01Z",3]]}]}\n')
    assert r1["url"] == "http://sink/x"
    # Go's Header.Set canonicalises the names: the script's content type replaces the JSON one
    assert r1["headers"] == {"Content-Type": "text/x", "My": "header"}
    assert (r1["timeout_ns"], r1["capture_response"]) == (3 * S, True)
    # the points flow on unchanged
    assert [p[4] for p in cap.points()] == [{"s": "<b>", "value": 97.1}, {"value": 3}]
    assert graph.nodes["http_post2"].stats.cardinality == 2


def test_url_template_sees_name_tags_and_values():
    script = ("stream|from().measurement('cpu')"
              "|httpPost('http://sink/{{.Name}}/{{index .Tags \"host\"}}?v={{(index .Values 0).value}}')")
    _, graph = run_capture(script, srpl("cpu,host=a value=5 1"), "http_post2")
    assert graph.ctx.posts[0][1]["url"] == "http://sink/cpu/a?v=5"
    assert graph.ctx.posts[0][1]["headers"] == {"Content-Type": "application/json"}
    assert (graph.ctx.posts[0][1]["timeout_ns"], graph.ctx.posts[0][1]["capture_response"]) == (0, False)


def test_url_template_errors_are_logged_and_nothing_is_posted():
    _, graph = run_capture("stream|from()|httpPost('http://sink/{{.Nope}}')", srpl("cpu value=5 1"), "http_post2")
    assert graph.ctx.posts == []
    (level, node, text), = graph.ctx.logs
    assert (level, node) == ("E", "http_post2")
    assert text.startswith("failed to POST data: failed to marshal row data json: failed to execute url template: ")


def test_a_batch_is_one_post():
    _, graph = build("stream|from()|httpPost('http://sink')")
    node = graph.nodes["http_post2"]
    s = Series.make("cpu", {"host": "a", "cpu": "0"}, Dimensions(("host",)))
    pts = Points.from_rows([(REBASE_NS, s, {"v": 1.0}), (REBASE_NS + S, s, {"v": 2.0})])
    node.receive_batch(Batch("cpu", "host=a", {"host": "a"}, Dimensions(("host",)), REBASE_NS + 2 * S, pts), 0)
    (_, req), = graph.ctx.posts
    assert req["body"] == (b'{"series":[{"name":"cpu","tags":{"host":"a"},"columns":["time","cpu","v"],'
                           b'"values":[["1971-01-01T00:00:00Z","0",1],["1971-01-01T00:00:01Z","0",2]]}]}\n')


@pytest.mark.parametrize(("script", "message"), [
    ("stream|from()|httpPost().endpoint('ep')", "endpoint 'ep' does not exist"),
    ("stream|from()|httpPost('http://x').codeField('code')", "httpPost .codeField() is not supported by machstore"),
    ("stream|from()|httpPost('http://x/{{.Name')", "error in url templating: "),
])
def test_what_machstore_cannot_honour_refuses_the_task(script, message):
    with pytest.raises(HTTPPostConfigError) as info:
        build(script)
    assert message in str(info.value)


def test_the_node_is_registered():
    _, graph = build("stream|from()|httpPost('http://x')")
    assert isinstance(graph.nodes["http_post2"], HTTPPostRuntime)
    graph.feed(chunks_of(srpl("cpu value=1 1"))[0])
    assert len(graph.ctx.posts) == 1
