"""``sideload``: fields and tags looked up in a directory of value files by the point's tags
(``sideload.go``, ``services/sideload/service.go``).

``.source('file:///abs/dir')`` names a directory; every file under it is read when the task
starts (its path relative to the directory is its key; ``.json`` files are objects of values,
numbers decoded as Go decodes JSON into ``interface{}``: float64; ``.yml``/``.yaml`` files are
YAML mappings read with PyYAML's safe loader (YAML 1.1 like Go's yaml.v2: ints stay ints);
other files hold nothing).
``.order('host/{{.host}}.json', ...)`` are Go templates over the point's tags giving the files to
try, in order; ``.field(key, default)`` / ``.tag(key, default)`` take the first file that has
``key``, converted to the default's type (Kapacitor's ``convertType``), or the default when no
file has it or the conversion fails (logged).

Refused when the task starts, with a clear error: ``http(s)://`` sources and named
``[[httppost]]`` endpoints (machstore has neither the fetch nor the endpoint config).

Lookups depend only on tags, so they are done once per series, not per point.
"""
from __future__ import annotations

import json
import math
import os
import posixpath
from urllib.parse import urlparse

import numpy as np

from machstore.gotemplate import StringMap, TemplateError, parse
from machstore.tick.gocompat import GoError, parse_bool, parse_float, parse_int

from ..node import NodeRuntime, runtime_for
from ..points import Field
from .grouped import typed_column


class SideloadSourceError(ValueError):
    """The source cannot be loaded: the task does not start."""


def go_clean(path: str) -> str:
    """Go's ``filepath.Clean`` (on Unix)."""
    if not path:
        return "."
    out = posixpath.normpath(path)
    return "/" + out.lstrip("/") if out.startswith("//") else out


def load_source(source: str) -> dict:
    """The values of every file under the ``file://`` directory, keyed by relative path."""
    u = urlparse(source)
    if not u.scheme:
        raise SideloadSourceError(f"Specified endpoint does not exist: {source}")
    if u.scheme not in ("file", "http", "https"):
        raise SideloadSourceError(f'unsupported source scheme "{u.scheme}", must be \'file\', \'http\', or \'https\'')
    if u.scheme != "file":
        raise SideloadSourceError(f"sideload source {source!r}: http and https sources are not supported by "
                                  "machstore; use a file:// directory")
    # Go's url.Parse: "file:dir" (no slash after the scheme) is opaque, with an empty path
    path = u.path if source[len(u.scheme) + 1:].startswith("/") else ""
    if not path.startswith("/"):
        raise SideloadSourceError(f'sideload source path must be absolute "{path}"')
    root = go_clean(path)
    cache = {}
    try:
        if not os.path.exists(root):
            raise FileNotFoundError(f"lstat {root}: no such file or directory")
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames.sort()
            for name in sorted(filenames):
                full = os.path.join(dirpath, name)
                cache[os.path.relpath(full, root)] = _read_values(full)
    except (OSError, ValueError) as ex:
        raise SideloadSourceError(f'failed to update sideload cache for source file "{root}": {ex}') from ex
    return cache


def _yaml_values(path: str, data: bytes) -> dict:
    """A YAML file's top-level mapping (Go's ``yaml.Unmarshal`` into ``map[string]interface{}``)."""
    import yaml
    try:
        values = yaml.safe_load(data)
    except yaml.YAMLError as ex:
        raise ValueError(f'failed to unmarshal yaml values "{path}": {ex}') from ex
    if values is None:
        return {}
    if not isinstance(values, dict):
        raise ValueError(f'failed to unmarshal yaml values "{path}": yaml: unmarshal errors: '  # noqa: TRY004
                         f"cannot unmarshal {type(values).__name__} into map[string]interface {{}}")
    return {str(k): v for k, v in values.items()}


def _read_values(path: str) -> dict:
    ext = os.path.splitext(path)[1]
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as ex:
        raise ValueError(f'failed to open values file "{path}": {ex.strerror}') from ex
    if ext in (".yaml", ".yml"):
        return _yaml_values(path, data)
    if ext != ".json":
        return {}
    try:
        values = json.loads(data, parse_int=float)
    except ValueError as ex:
        raise ValueError(f'failed to unmarshal json values "{path}": {ex}') from ex
    if values is None:
        return {}
    if not isinstance(values, dict):
        raise ValueError(f'failed to unmarshal json values "{path}": json: cannot unmarshal '  # noqa: TRY004 - a data error
                         f"{_json_kind(values)} into Go value of type map[string]interface {{}}")
    return values


def _json_kind(v) -> str:
    return {list: "array", str: "string", bool: "bool", float: "number"}.get(type(v), "value")


def _go_type(v) -> str:
    return {bool: "bool", int: "int64", float: "float64", str: "string", dict: "map[string]interface {}",
            list: "[]interface {}"}.get(type(v), "<nil>")


def format_float_f(f: float) -> str:
    """Go's ``strconv.FormatFloat(f, 'f', -1, 64)``: shortest digits, never an exponent."""
    if math.isnan(f):
        return "NaN"
    if math.isinf(f):
        return "+Inf" if f > 0 else "-Inf"
    return np.format_float_positional(f, trim="-")


def convert_type(src, dflt):
    """Kapacitor's ``convertType``: ``src`` as the type of ``dflt``; raises ValueError."""
    try:
        if isinstance(dflt, bool):
            if isinstance(src, bool):
                return src
            if isinstance(src, str):
                return parse_bool(src)
        elif isinstance(dflt, int):
            if isinstance(src, int) and not isinstance(src, bool):
                return src
            if isinstance(src, float) and math.isfinite(src) and float(int(src)) == src:
                return int(src)
            if isinstance(src, str):
                return parse_int(src)
        elif isinstance(dflt, float):
            if isinstance(src, int) and not isinstance(src, bool):
                return float(src)
            if isinstance(src, float):
                return src
            if isinstance(src, str):
                return parse_float(src)
        elif isinstance(dflt, str):
            if isinstance(src, bool):
                return "true" if src else "false"
            if isinstance(src, int):
                return str(src)
            if isinstance(src, float):
                return format_float_f(src)
            if isinstance(src, str):
                return src
    except GoError as ex:
        kind = {bool: "bool", int: "int64", float: "float64"}[type(dflt)]
        text = str(ex).replace("strconv.ParseInt:", "strconv.Atoi:")
        raise ValueError(f"cannot convert string to {kind}: {text}") from None
    raise ValueError(f"cannot convert value of type {_go_type(src)} to type {_go_type(dflt)}")


@runtime_for("SideloadNode")
class SideloadRuntime(NodeRuntime):
    def __init__(self, pnode, task):
        super().__init__(pnode, task)
        p = self.props
        self.field_defaults = dict(p.get("Fields") or {})
        self.tag_defaults = dict(p.get("Tags") or {})
        self.cache = load_source(p.get("Source", ""))
        self.order = []
        for text in p.get("OrderList") or []:
            try:
                self.order.append((text, parse(text, "order")))
            except TemplateError as ex:
                raise SideloadSourceError(str(ex)) from ex
        self._memo = {}  # id(Series) -> (Series, new Series, {field: value})

    def lookup(self, order: list, key: str):
        key = go_clean(key)
        for o in order:
            values = self.cache.get(o)
            if values is not None and key in values:
                return values[key]
        return None

    def _for_series(self, s):
        """(the series with its sideloaded tags, the sideloaded fields) or None on a template error."""
        hit = self._memo.get(id(s))
        if hit is not None and hit[0] is s:
            return hit[1]
        order = []
        for raw, tmpl in self.order:
            try:
                order.append(tmpl.execute(StringMap(s.tags)))
            except TemplateError as ex:
                self.error(f"failed to evaluate order template: {ex}: order={raw}")
                result = None
                break
        else:
            fields = {key: self._value(order, key, dflt, _go_type(dflt)) for key, dflt in self.field_defaults.items()}
            tags = dict(s.tags)
            for key, dflt in self.tag_defaults.items():
                tags[key] = self._value(order, key, dflt, "string")
            result = (s.replace(tags=tags) if self.tag_defaults else s, fields)
        if len(self._memo) > 100_000:
            self._memo.clear()
        self._memo[id(s)] = (s, result)
        return result

    def _value(self, order, key, dflt, expected):
        value = self.lookup(order, key)
        if value is None:
            return dflt
        try:
            return convert_type(value, dflt)
        except ValueError as ex:
            self.error(f"failed to load key: {ex}: key={key} expected={expected} got={_go_type(value)}")
            return dflt

    def _apply(self, pts):
        """The chunk with each series' sideloaded fields and tags (a series whose order
        template failed keeps its point unchanged, as Kapacitor returns early)."""
        per_series = [self._for_series(s) for s in pts.series]
        ok = np.array([r is not None for r in per_series], dtype=bool)
        if not ok.any():
            return pts
        series = [r[0] if r is not None else s for r, s in zip(per_series, pts.series)]
        fields = dict(pts.fields)
        for key in self.field_defaults:
            col = typed_column([r[1][key] if r is not None else None for r in per_series], ok)
            values, present = col.values[pts.sid], col.present[pts.sid]
            old = pts.fields.get(key)
            if old is None or present.all():
                fields[key] = Field(values, present)
            else:  # rows of failed series keep their own value of the field
                keep_old = ~present & old.present
                fields[key] = typed_column([old.value(i) if keep_old[i] else (values[i].item() if isinstance(
                    values[i], np.generic) else values[i]) for i in range(pts.n)], present | keep_old)
        return pts.with_series(series).with_fields(fields)

    def points(self, pts, port):
        self.emit_points(self._apply(pts))

    def batch(self, b, port):
        self.emit_batch(b.with_points(self._apply(b.points)) if b.points.n else b)
