"""Replay the InfluxQL corpus recorded from InfluxDB 1.6.7 against a running server and compare.

The files come from ``bench/record_influx_goldens.py`` (see its docstring) and live in tests/data/:

* ``influxql_dataset.lp.gz``: the data set, ``influx_inspect export`` form (``# DDL`` statements,
  then ``# CONTEXT-DATABASE:`` / ``# CONTEXT-RETENTION-POLICY:`` blocks of line protocol, ns times);
* ``influxql_corpus.json``: the entries, one HTTP request to ``/query`` each (``method``, ``params``
  incl. ``q``/``db``/``epoch``/``chunked``..., ``headers``, ``kind``, optional ``seq``/``series_order``);
* ``influxql_goldens.json.gz``: InfluxDB's answer to each entry (``status``, ``content_type``, ``body``).

This module is a helper, not a test module. Use it on a fresh server::

    from influxql_goldens import load_dataset, replay
    load_dataset(server.url)              # DDL through /query, lines through /write (precision=ns)
    for outcome in replay(server.url):    # every entry, in corpus order
        assert not outcome.problems(), outcome.report()

``replay(url, select_entries(ids=..., categories=...))`` runs a subset; an entry that belongs to a
``seq`` (statements that change data) pulls in every earlier entry of that seq.

Comparison rules (:func:`compare`), which InfluxDB's answers need:

* the status code is equal, and so is the media type of ``Content-Type`` (before any ``;``);
* ``kind == "json"``: both bodies are JSON and equal value for value. Strings (error texts too),
  booleans, nulls, object keys and array order are exact. Two integers must be equal exactly
  (times in ns, int64 field values). Where a float is involved the numbers must agree to within
  1e-12 relative (``math.isclose(rel_tol=1e-12)``): Go and Python print and compute floats
  differently in the last digits, and InfluxDB prints a whole float such as 4.0 as ``4``;
* ``kind == "chunked"``: one JSON object per line (``chunked=true``), the same number of lines,
  each compared as above;
* ``kind == "pretty"``: compared as JSON, and the layout must match too (the same lines once every
  number is masked);
* ``kind == "csv"`` (``Accept: application/csv``): the same lines; cells equal, or both numbers
  that agree as above;
* a golden body that is not JSON (1.6.7 answers ``json: ... unsupported value: -Inf`` when a
  result holds an infinity, e.g. ``ln(0)``) must be matched as exact text;
* rows of one series that share a time are compared as a set (:func:`order_ties`): InfluxDB
  merges series with a heap and leaves their order at equal times undefined;
* ``series_order == "any"``: InfluxDB 1.6.7 emits these series in random order (and may split one
  in two); the golden holds them merged and sorted by (name, tags) with rows in time order, and the
  actual answer is brought into the same form before comparing.
"""
from __future__ import annotations

import csv
import datetime as _dt
import gzip
import json
import math
import os
import re
from dataclasses import dataclass
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import requests

DATA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
DATASET_PATH = os.path.join(DATA_DIR, "influxql_dataset.lp.gz")
CORPUS_PATH = os.path.join(DATA_DIR, "influxql_corpus.json")
GOLDENS_PATH = os.path.join(DATA_DIR, "influxql_goldens.json.gz")

REL_TOL = 1e-12

__all__ = [
    "Outcome", "compare", "load_corpus", "load_goldens", "dataset_blocks", "load_dataset",
    "select_entries", "replay", "same_json", "summarize",
]


# --------------------------------------------------------------------------------------------------
# Files


def load_corpus(path: str = CORPUS_PATH) -> dict:
    """Return the corpus file (``entries``, ``categories``, ``notes``, ``not_in_1_6_7``...)."""
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def load_goldens(path: str = GOLDENS_PATH) -> Dict[str, dict]:
    """Return ``{entry id: {"status", "content_type", "body"}}``."""
    with open(path, "rb") as f:
        return json.loads(gzip.decompress(f.read()).decode("utf-8"))["goldens"]


def dataset_blocks(path: str = DATASET_PATH) -> Tuple[List[str], List[Tuple[str, str, List[str]]]]:
    """Return the data set as (DDL statements, [(database, retention policy, lines)])."""
    with open(path, "rb") as f:
        text = gzip.decompress(f.read()).decode("utf-8")
    ddl: List[str] = []
    blocks: List[Tuple[str, str, List[str]]] = []
    section, db = None, None
    for line in text.splitlines():
        if line in ("# DDL", "# DML"):
            section = line[2:]
        elif line.startswith("# CONTEXT-DATABASE:"):
            db = line.split(":", 1)[1]
        elif line.startswith("# CONTEXT-RETENTION-POLICY:"):
            blocks.append((db, line.split(":", 1)[1], []))
        elif line and not line.startswith("#"):
            if section == "DDL":
                ddl.append(line)
            else:
                blocks[-1][2].append(line)
    return ddl, blocks


def load_dataset(base_url: str, session: Optional[requests.Session] = None, batch: int = 5000,
                 path: str = DATASET_PATH) -> int:
    """Create the databases and policies (POST /query) and write every point (POST /write).

    Raises ``RuntimeError`` on any refusal; returns the number of points written.
    """
    s = session or requests.Session()
    ddl, blocks = dataset_blocks(path)
    for stmt in ddl:
        r = s.post(base_url + "/query", params={"q": stmt}, timeout=60)
        if r.status_code != 200 or '"error"' in r.text:
            raise RuntimeError(f"{stmt}: HTTP {r.status_code} {r.text[:500]}")
    n = 0
    for db, rp, lines in blocks:
        for i in range(0, len(lines), batch):
            body = ("\n".join(lines[i:i + batch]) + "\n").encode("utf-8")
            r = s.post(base_url + "/write", params={"db": db, "rp": rp, "precision": "ns"}, data=body,
                       timeout=120)
            if r.status_code != 204:
                raise RuntimeError(f"write to {db}.{rp}: HTTP {r.status_code} {r.text[:500]}")
            n += len(lines[i:i + batch])
    return n


# --------------------------------------------------------------------------------------------------
# Selecting and replaying


def select_entries(entries: Optional[Sequence[dict]] = None, *, ids: Optional[Iterable[str]] = None,
                   categories: Optional[Iterable[str]] = None) -> List[dict]:
    """Return the entries with one of ``ids`` or ``categories`` (all if neither), in corpus order.

    An entry of a ``seq`` brings every earlier entry of its seq with it, since those change the
    data it reads.
    """
    entries = list(entries if entries is not None else load_corpus()["entries"])
    want_ids = set(ids or ())
    want_cats = set(categories or ())
    if not want_ids and not want_cats:
        return entries
    picked = [e["id"] in want_ids or e["category"] in want_cats for e in entries]
    for i, e in enumerate(entries):
        if picked[i] and e.get("seq"):
            for j in range(i):
                if entries[j].get("seq") == e["seq"]:
                    picked[j] = True
    return [e for e, p in zip(entries, picked) if p]


@dataclass
class Outcome:
    """One replayed entry: InfluxDB's answer and the server's."""

    entry: dict
    expected: dict
    actual: dict

    def problems(self) -> List[str]:
        """Return the differences (empty when the answers match)."""
        return compare(self.entry, self.expected, self.actual)

    def report(self) -> str:
        """Return a readable account of the entry and both answers."""
        e = self.entry
        return (f"{e['id']} ({e['category']}) {e['method']} params={e['params']} "
                f"headers={e.get('headers', {})}\n"
                f"  problems: {'; '.join(self.problems()) or 'none'}\n"
                f"  expected: {self.expected['status']} {self.expected['body'][:800]}\n"
                f"  actual:   {self.actual['status']} {self.actual['body'][:800]}")


def send(session: requests.Session, base_url: str, entry: dict, timeout: float = 60.0) -> dict:
    """Send one entry to ``base_url``/query; return ``{"status", "content_type", "body"}``."""
    kw = dict(params=entry["params"], headers=entry.get("headers") or {}, timeout=timeout)
    try:
        if entry["method"] == "GET":
            r = session.get(base_url + "/query", **kw)
        else:
            r = session.post(base_url + "/query", **kw)
    except requests.RequestException as ex:
        return {"status": -1, "content_type": "", "body": f"{type(ex).__name__}: {ex}"}
    return {"status": r.status_code, "content_type": r.headers.get("Content-Type", ""),
            "body": r.content.decode("utf-8", "replace")}


def replay(base_url: str, entries: Optional[Sequence[dict]] = None,
           session: Optional[requests.Session] = None, goldens: Optional[Dict[str, dict]] = None,
           timeout: float = 60.0) -> List[Outcome]:
    """Send each entry (default: the whole corpus, in order) and pair the answer with the golden."""
    entries = list(entries if entries is not None else load_corpus()["entries"])
    goldens = goldens if goldens is not None else load_goldens()
    s = session or requests.Session()
    return [Outcome(entry=e, expected=goldens[e["id"]], actual=send(s, base_url, e, timeout))
            for e in entries]


def summarize(outcomes: Sequence[Outcome]) -> str:
    """Return pass counts per category, e.g. for a progress report."""
    per: Dict[str, List[int]] = {}
    for o in outcomes:
        ok = not o.problems()
        c = per.setdefault(o.entry["category"], [0, 0])
        c[0] += ok
        c[1] += 1
    total = sum(v[0] for v in per.values()), sum(v[1] for v in per.values())
    lines = [f"{k:14} {v[0]:5} / {v[1]}" for k, v in sorted(per.items())]
    return "\n".join(lines + [f"{'total':14} {total[0]:5} / {total[1]}"])


# --------------------------------------------------------------------------------------------------
# Comparing


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def same_json(expected, actual, path: str = "$", rel_tol: float = REL_TOL) -> List[str]:
    """Return where two decoded JSON values differ (the numeric rule is in the module docstring)."""
    if _is_number(expected) and _is_number(actual):
        if isinstance(expected, int) and isinstance(actual, int):
            return [] if expected == actual else [f"{path}: {expected!r} != {actual!r}"]
        if expected == actual or math.isclose(expected, actual, rel_tol=rel_tol):
            return []
        return [f"{path}: {expected!r} != {actual!r}"]
    if type(expected) is not type(actual):
        return [f"{path}: {expected!r} != {actual!r}"]
    if isinstance(expected, dict):
        out = []
        if set(expected) != set(actual):
            out.append(f"{path}: keys {sorted(expected)} != {sorted(actual)}")
        for k in expected:
            if k in actual:
                out += same_json(expected[k], actual[k], f"{path}.{k}", rel_tol)
        return out
    if isinstance(expected, list):
        if len(expected) != len(actual):
            return [f"{path}: {len(expected)} items != {len(actual)}"]
        out = []
        for i, (a, b) in enumerate(zip(expected, actual)):
            out += same_json(a, b, f"{path}[{i}]", rel_tol)
            if len(out) > 20:
                break
        return out
    return [] if expected == actual else [f"{path}: {expected!r} != {actual!r}"]


def _row_time(t) -> int:
    if isinstance(t, int):
        return t
    main, _, frac = str(t).rstrip("Z").partition(".")
    offset = 0
    m = re.search(r"([+-])(\d\d):(\d\d)$", frac or main)
    if m:
        offset = (int(m.group(2)) * 60 + int(m.group(3))) * 60 * (1 if m.group(1) == "+" else -1)
        if frac:
            frac = frac[:m.start()]
        else:
            main = main[:m.start()]
    sec = int(_dt.datetime.fromisoformat(main + "+00:00").timestamp()) - offset
    return sec * 10**9 + int((frac or "0").ljust(9, "0")[:9])


def merge_series(doc):
    """Merge series with equal (name, tags), sort them and their rows by time (``series_order``)."""
    if not isinstance(doc, dict):
        return doc
    for res in doc.get("results", []) if isinstance(doc.get("results"), list) else []:
        series = res.get("series")
        if not isinstance(series, list):
            continue
        merged: Dict[Tuple[str, str], dict] = {}
        for s in series:
            key = (s.get("name", ""), json.dumps(s.get("tags", {}), sort_keys=True))
            if key in merged:
                merged[key].setdefault("values", []).extend(s.get("values", []))
            else:
                merged[key] = dict(s, values=list(s.get("values", []))) if "values" in s else dict(s)
        for s in merged.values():
            if "values" in s:
                s["values"].sort(key=lambda row: _row_time(row[0]))
        res["series"] = [merged[k] for k in sorted(merged)]
    return doc


def order_ties(doc):
    """Sort the rows that share a time within each series (by their JSON text).

    InfluxDB merges the series of a measurement with a heap, so rows of different series at the
    same time come out in an order it does not define (the goldens show the same six hosts at
    one time in several orders); only the set of rows at a time is its answer.
    """
    if not isinstance(doc, dict) or not isinstance(doc.get("results"), list):
        return doc
    for res in doc["results"]:
        for s in res.get("series", []) if isinstance(res, dict) else []:
            values = s.get("values") if isinstance(s, dict) else None
            if not isinstance(values, list) or len(values) < 2:
                continue
            out, i = [], 0
            while i < len(values):
                j = i + 1
                while j < len(values) and isinstance(values[j], list) and isinstance(values[i], list) \
                        and values[j][:1] == values[i][:1]:
                    j += 1
                out += sorted(values[i:j], key=lambda row: json.dumps(row, sort_keys=True)) if j - i > 1 \
                    else values[i:j]
                i = j
            s["values"] = out
    return doc


_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")


def _csv_cells(line: str) -> List[str]:
    return next(csv.reader([line])) if line else []


def _same_csv(expected: str, actual: str) -> List[str]:
    el, al = expected.splitlines(), actual.splitlines()
    if len(el) != len(al):
        return [f"csv: {len(el)} lines != {len(al)}"]
    out = []
    for n, (a, b) in enumerate(zip(el, al)):
        ca, cb = _csv_cells(a), _csv_cells(b)
        if len(ca) != len(cb):
            out.append(f"csv line {n}: {a!r} != {b!r}")
            continue
        for x, y in zip(ca, cb):
            if x == y:
                continue
            if _NUMBER.fullmatch(x) and _NUMBER.fullmatch(y):
                if "." not in x + y and "e" not in (x + y).lower():
                    if int(x) == int(y):
                        continue
                elif math.isclose(float(x), float(y), rel_tol=REL_TOL):
                    continue
            out.append(f"csv line {n}: {a!r} != {b!r}")
            break
    return out


def _layout(text: str) -> List[str]:
    """Return the lines of a pretty body with every number masked."""
    return [_NUMBER.sub("#", line.rstrip()) for line in text.strip().splitlines()]


def _decode(body: str, what: str):
    try:
        return json.loads(body), None
    except ValueError as ex:
        return None, f"{what} body is not JSON ({ex}): {body[:200]!r}"


def compare(entry: dict, expected: dict, actual: dict) -> List[str]:
    """Return the differences between InfluxDB's answer and the server's (see module docstring)."""
    out = []
    if expected["status"] != actual["status"]:
        out.append(f"status {expected['status']} != {actual['status']}")
    media = lambda ct: ct.split(";")[0].strip().lower()  # noqa: E731
    if media(expected["content_type"]) != media(actual["content_type"]):
        out.append(f"content type {expected['content_type']!r} != {actual['content_type']!r}")
    kind = entry.get("kind", "json")
    eb, ab = expected["body"], actual["body"]
    if kind == "csv":
        return out + _same_csv(eb, ab)
    if kind == "chunked":
        el = [x for x in eb.split("\n") if x.strip()]
        al = [x for x in ab.split("\n") if x.strip()]
        if len(el) != len(al):
            return out + [f"chunked: {len(el)} lines != {len(al)}"]
        for n, (a, b) in enumerate(zip(el, al)):
            ea, err_a = _decode(a, "expected")
            eb_, err_b = _decode(b, "actual")
            if err_a or err_b:
                return out + [err_a or err_b]
            out += same_json(order_ties(ea), order_ties(eb_), f"$line{n}")
        return out
    e_doc, err = _decode(eb, "expected")
    if err:  # e.g. 1.6.7's "json: unsupported value: -Inf" for ln(0): compared as text
        return out + ([] if eb == ab else [f"body {eb[:200]!r} != {ab[:200]!r}"])
    a_doc, err = _decode(ab, "actual")
    if err:
        return out + [err]
    if entry.get("series_order") == "any":
        e_doc, a_doc = merge_series(e_doc), merge_series(a_doc)
    e_doc, a_doc = order_ties(e_doc), order_ties(a_doc)
    out += same_json(e_doc, a_doc)
    if kind == "pretty":
        if _layout(eb) != _layout(ab):
            out.append("pretty: the layout differs from InfluxDB's")
    return out
