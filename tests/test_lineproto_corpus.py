"""The influxdata line-protocol corpus (6,615 decode cases), run through the compiled parser.

The corpus encodes the line-protocol v2 decoder; we implement InfluxDB 1.x. Every case must
agree, or differ in a way listed in WHITELIST below (the table is also in
docs/lineprotocol.md, "The corpus and its whitelist"). How a case is compared:

* its ``precision`` (1ns/1µs/1ms/1s -> ns/u/ms/s) and ``defaultTime`` (the time of points
  without one) are passed to ``parse``;
* a corpus error means the v2 decoder rejects the whole input: we must report at least one
  bad line (1.x still writes the good lines, a partial write; that is not counted as a
  difference, see lineprotocol.md section 1.6);
* a corpus result must equal our points exactly: measurement and tags from
  ``split_series_key``, fields (key, type, value) in order, time.
"""
import base64
from collections import Counter
from typing import Callable, NamedTuple

import numpy as np
import pytest

from lp_corpus import load_decode_cases
from machstore import lineproto as lp

PRECISIONS = {"1ns": "ns", "1µs": "u", "1ms": "ms", "1s": "s"}
CASES = load_decode_cases()


# -- the whitelist: 1.x-vs-v2 differences, each with a test on the input --------------------------

_CONTROL = bytes(set(range(0x20)) - {0x0A, 0x0D}) + b"\x7f"


def _is_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


class Allowed(NamedTuple):
    name: str
    outcome: str                       # "we-accept": corpus error, 1.x parses; "we-reject": the reverse
    applies: Callable[[bytes], bool]
    why: str


WHITELIST = (
    Allowed("invalid-utf8", "we-accept", lambda body: not _is_utf8(body),
            "v2 rejects bytes that are not UTF-8 in any token; 1.x stores names and strings as written "
            "(its validate-keys option is a storage check, off by default)"),
    Allowed("control-bytes", "we-accept", lambda body: any(c in _CONTROL for c in body),
            "v2 rejects ASCII control bytes (tab, NUL, \\v, \\f, \\x01...) in measurements, keys and comment "
            "lines and treats some as separators; 1.x takes them as ordinary bytes and skips tabs and NULs "
            "at the start of a line"),
    Allowed("carriage-return", "we-reject", lambda body: b"\r" in body,
            "v2 accepts CRLF line ends; 1.x keeps the CR in the line (invalid number/boolean, bad timestamp, "
            "or a lone CR line with missing fields)"),
)

# How many corpus cases each entry explains (first matching entry); pinned so that a change in
# the parser that adds or removes a difference shows up here.
EXPECTED = {"invalid-utf8": 29, "control-bytes": 35, "carriage-return": 4}


# -- comparison ---------------------------------------------------------------------------------

def _body(case) -> bytes:
    text = case["input"]["text"]
    return base64.b64decode(text["binary"]) if isinstance(text, dict) else text.encode("utf-8")


def _our_points(b):
    out = []
    order = np.argsort(b.value_point, kind="stable")
    starts = np.searchsorted(b.value_point[order], np.arange(b.n_points + 1))
    for p in range(b.n_points):
        measurement, tags = lp.split_series_key(b.series_keys[b.point_series[p]])
        fields = []
        for v in order[starts[p]:starts[p + 1]]:
            t, bits = int(b.value_type[v]), int(b.value_bits[v])
            if t == lp.FLOAT:
                value = ("float", float(np.int64(bits).view(np.float64)))
            elif t == lp.INTEGER:
                value = ("int", bits)
            elif t == lp.UNSIGNED:
                value = ("uint", bits % (1 << 64))
            elif t == lp.BOOLEAN:
                value = ("bool", bool(bits))
            else:
                value = ("string", b.strings[bits])
            fields.append((b.field_keys[b.value_field[v]], value))
        out.append((measurement, tags, fields, int(b.point_time[p])))
    return out


def _corpus_points(result):
    out = []
    for p in result:
        fields = []
        for f in p["fields"]:
            [(kind, value)] = f["value"].items()
            if kind == "string":
                value = value.encode("utf-8")
            elif kind == "float":
                value = float(value)
            fields.append((f["key"].encode("utf-8"), (kind, value)))
        out.append((p["name"].encode("utf-8"), [(t["key"].encode("utf-8"), t["value"].encode("utf-8"))
                                                for t in p["tags"]], fields, p["time"]))
    return out


def _same_points(ours, theirs):
    if len(ours) != len(theirs):
        return False
    for a, b in zip(ours, theirs):
        if a[:2] != b[:2] or a[3] != b[3] or [k for k, _ in a[2]] != [k for k, _ in b[2]]:
            return False
        for (_, (ka, va)), (_, (kb, vb)) in zip(a[2], b[2]):
            # NOTE: ==, so 0.0 == -0.0: the corpus JSON writes -0 as 0 (u e=-0. gives "float": 0);
            # the sign of zero is pinned in test_lineproto.py::test_floats instead
            if ka != kb or va != vb:
                return False
    return True


def compare(case):
    """Return None if we agree with the corpus, else ``(outcome, detail)``."""
    inp, out = case["input"], case["output"]
    batch = lp.parse(_body(case), precision=PRECISIONS[inp["precision"]], now_ns=inp["defaultTime"])
    if "error" in out:
        return None if batch.errors else ("we-accept", f"corpus: {out['error']}; we: {_our_points(batch)!r:.300}")
    if batch.errors:
        return "we-reject", f"we: {batch.error_messages()!r:.300}"
    ours, theirs = _our_points(batch), _corpus_points(out["result"])
    return None if _same_points(ours, theirs) else ("differ", f"we: {ours!r:.300}; corpus: {theirs!r:.300}")


def explain(body, outcome):
    """Return the first whitelist entry that explains a difference, or None."""
    for entry in WHITELIST:
        if entry.outcome == outcome and entry.applies(body):
            return entry
    return None


@pytest.mark.parametrize("key", sorted(CASES))
def test_corpus_case(key):
    case = CASES[key]
    diff = compare(case)
    if diff is None:
        return
    outcome, detail = diff
    entry = explain(_body(case), outcome)
    assert entry is not None, f"{outcome} not covered by the whitelist for {_body(case)!r:.200}: {detail}"


def test_corpus_size():
    decode = CASES
    assert len(decode) == 6615
    assert sum("error" in c["output"] for c in decode.values()) == 6219


def test_whitelist_counts():
    counts = Counter()
    for case in CASES.values():
        diff = compare(case)
        if diff is not None:
            entry = explain(_body(case), diff[0])
            counts[entry.name if entry else "unexplained"] += 1
    assert dict(counts) == EXPECTED
    assert sum(EXPECTED.values()) == 68


@pytest.mark.parametrize("key, outcome, entry", [
    ("e2c746c7bfdf0bb33d4057f12eb0b665", "we-accept", "invalid-utf8"),      # invalid utf-8 in measurement
    ("64c16c43d454d8dac6818c3d4e01d2b1", "we-accept", "invalid-utf8"),      # ... in tag key
    ("b5a8f4acd99818316ee5aff62f48736c", "we-accept", "invalid-utf8"),      # ... in tag value
    ("50917f6de7ce19a6f15354d48aee8d21", "we-accept", "invalid-utf8"),      # ... in field key
    ("f3d59e84ee332a0adf44e86ecf087b59", "we-accept", "invalid-utf8"),      # ... in field value
    ("a1ff4186b3c89a88417e3ba268a03a14", "we-accept", "control-bytes"),     # non-printable in measurement
    ("fcbf36a02fffb1937e97cd0bab7f0fcf", "we-accept", "control-bytes"),     # ... in tag key
    ("ddaec4474adb1a838c4e170b8fb6c57e", "we-accept", "control-bytes"),     # ... in field key
    ("2be024ca70163a7068b08f5e8ef57ffa", "we-accept", "control-bytes"),     # tab indentation
])
def test_documented_examples(key, outcome, entry):
    diff = compare(CASES[key])
    assert diff is not None and diff[0] == outcome
    assert explain(_body(CASES[key]), outcome).name == entry


@pytest.mark.parametrize("key", ["d2968e6b9b0b309f305736677940b36c", "d48b040e67dc2995e27537444c453790",
                                 "0d72bd69a58fa1a3399cf61fc9fdc67c", "909116df4d304c2e9ad8a57300bc08d7",
                                 "ea7ad6289581283d56af6d43c72c2664"])
def test_agreeing_examples(key):
    # non-printable bytes in tag and field values, and \r \t \n in strings: this copy of the corpus
    # agrees with 1.x (the newer line-protocol/v2 copy does not; lineprotocol.md section 1.1)
    assert compare(CASES[key]) is None
