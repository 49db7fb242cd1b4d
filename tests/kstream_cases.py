"""Kapacitor's ``integrations/streamer_test.go`` cases restated as data.

Each node family keeps its cases in ``tests/kstream_cases_<family>.py`` as a module-level
``CASES`` list of ``StreamCase``.  ``tests/test_kapacitor_stream_cases.py`` runs every case
in memory (``kapacitor_harness``); the end-to-end runner runs the same cases against a real
server over HTTP (data written through ``/write``, the task created through the API, the
result read from the task's httpOut endpoint or from a local HTTP sink for alerts).

Expected values are written from Kapacitor's test (its expected ``models.Result``), never
from our own output.  Times are the rebased ones (1971-01-01T00:00:00Z = the first point).
"""
from __future__ import annotations

import importlib
import math
import pathlib
from dataclasses import dataclass, field

DATA = pathlib.Path(__file__).parent / "data" / "kapacitor"


@dataclass
class StreamCase:
    name: str                    # Kapacitor's test name, e.g. "TestStream_Window"
    script: str                  # the TICKscript (dbrp "dbname"."rpname" unless the script says)
    srpl: str                    # a file name under tests/data/kapacitor/ or inline .srpl text
    expected: dict | None = None  # httpOut endpoint -> expected result ({"series": [...]})
    alerts: list | None = None    # expected alert events (alert data JSON) in delivery order
    writes: list | None = None    # expected influxDBOut points: [(db, rp, name, tags, fields, time text)]
    marks: list = field(default_factory=list)  # e.g. ["slow"]
    ignore_order: bool = False    # Kapacitor compares the series ignoring their order
    needs: tuple = ()             # Go node types of other runtimes the case needs (skipped until merged)
    posts: list | None = None     # expected httpPost requests, in order: {"path": path?query, "body": JSON};
    #                               the script's $SINK_URL is replaced by the runner's sink base URL

    def srpl_text(self) -> str:
        if "\n" in self.srpl:
            return self.srpl
        return (DATA / self.srpl).read_text()


def sorted_series(result: dict) -> dict:
    """The result with its series in a canonical order (cases with ``ignore_order``)."""
    series = result.get("series")
    if not series:
        return result
    def key(row):
        return row.get("name", ""), sorted((row.get("tags") or {}).items())
    return {**result, "series": sorted(series, key=key)}


def all_cases() -> list[StreamCase]:
    cases = []
    for path in sorted(pathlib.Path(__file__).parent.glob("kstream_cases_*.py")):
        cases += importlib.import_module(path.stem).CASES
    return cases


def same(actual, expected, path="") -> list[str]:
    """Differences between two JSON values, numbers compared as numbers (Go's tests round-trip
    through JSON, so ints and floats of equal value are equal)."""
    if isinstance(expected, bool) or isinstance(actual, bool):
        return [] if actual is expected or actual == expected and type(actual) is type(expected) \
            else [f"{path}: {actual!r} != {expected!r}"]
    if isinstance(expected, int | float) and isinstance(actual, int | float):
        if math.isnan(expected) and math.isnan(actual):
            return []
        ok = math.isclose(actual, expected, rel_tol=1e-9, abs_tol=1e-12)
        return [] if ok else [f"{path}: {actual!r} != {expected!r}"]
    if isinstance(expected, dict) and isinstance(actual, dict):
        out = []
        for k in sorted(set(expected) | set(actual)):
            if k not in actual:
                out.append(f"{path}/{k}: missing")
            elif k not in expected:
                out.append(f"{path}/{k}: unexpected {actual[k]!r}")
            else:
                out += same(actual[k], expected[k], f"{path}/{k}")
        return out
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return [f"{path}: {len(actual)} items != {len(expected)}: {actual!r}"]
        out = []
        for i, (a, e) in enumerate(zip(actual, expected)):
            out += same(a, e, f"{path}[{i}]")
        return out
    return [] if actual == expected else [f"{path}: {actual!r} != {expected!r}"]
