"""Run an InfluxQL SELECT on the engine, as InfluxDB 1.8 answers it, over whole columns.

The plan, in the order the code runs it (``docs/influxql.md`` says why):

1. **Sources.** Each ``FROM`` item names measurements of a database and retention policy
   (a regex matches measurement names); a missing database is InfluxDB's
   ``database not found`` error, an unknown measurement just has no series.
2. **Fields.** ``*``, ``*::field``, ``*::tag`` and ``/regex/`` expand against the union of the
   sources' field and tag keys (inside a call, against fields of the types it accepts), so
   ``mean(*)`` gives ``mean_<field>`` columns; duplicate column names get ``_1``, ``_2``.
3. **Condition.** The WHERE clause is split into a time range and the rest
   (:mod:`.timerange`); the rest's AND-ed terms on tags only pick series before anything is
   read, the others run as a vectorised mask over the rows.  ``GROUP BY time()`` without an
   upper bound stops at ``now()``.
4. **Read.** The series of each measurement are read in one snapshot over the time range
   (blocks pruned by time, pending writes included; a raw query with LIMIT reads only each
   series' first or last rows), and laid out as one array per column with a series index,
   sorted by (output group, time).  Sources naming the same measurement are read as one.
5. **Raw queries** emit the rows where a selected field has a value; **aggregate queries**
   reduce each (group, time bucket) run with :mod:`.functions`, combine calls by bucket,
   fill empty buckets (``fill(null|none|previous|linear|<n>)``, count's null as 0), and
   evaluate arithmetic between calls on the bucket columns.
6. ``ORDER BY time DESC``, ``LIMIT``/``OFFSET`` per series, ``SLIMIT``/``SOFFSET`` over series.

Times in the returned rows are int nanoseconds; :func:`format_times` turns them into what
``/query`` prints (RFC3339 in the query's zone, or integers of the ``epoch`` unit).
"""
import dataclasses
import datetime as _dt
from dataclasses import dataclass, field

import numpy as np

from machstore import errors
from machstore.storage import fieldtypes as ft
from machstore.storage.rows import Column, RowSet
from machstore.storage.scan import stack

from . import analysis, ast, functions, resultrows, timetext, transforms
from .evaluate import MATH, EvalError, Vec, condition_mask, evaluate, ref_key, regex
from .into import write_into
from .resultrows import ColumnRows, ColumnSet
from .timerange import MAX_TIME, MIN_TIME, ConditionError, split_condition, zone
from .typecheck import check_field_types

__all__ = ["EPOCH_UNITS", "SelectError", "bucket_count", "format_times", "run_select"]

# InfluxDB's /query ``epoch`` units; any other non-empty value means nanoseconds
EPOCH_UNITS = {"u": 1_000, "ms": 1_000_000, "s": 10**9, "m": 60 * 10**9, "h": 3600 * 10**9}

_AGGREGATES = {"count", "sum", "mean", "median", "spread", "stddev", "mode", "distinct", "integral"}
_SELECTORS = {"min", "max", "first", "last", "percentile"}
_NUMERIC_ONLY = {"sum", "mean", "median", "spread", "stddev", "min", "max", "percentile"}
# numeric functions that also take booleans (call_iterator.go's max/min iterators; true > false)
_BOOLEAN_SELECTORS = {"min", "max"}
_TOP_BOTTOM = {"top", "bottom", "sample"}   # selectors of several points per window
# functions of a series' stream of points or windows: transformations, then analysis calls
_SERIES_FUNCTIONS = transforms.TRANSFORMS + analysis.NAMES
_TYPE_CODES = {name: code for code, name in ft.TYPE_NAMES.items()}   # "float" -> ft.FLOAT, ...


class SelectError(errors.InvalidArgument):
    """A SELECT InfluxDB refuses; the message is InfluxDB's, put in the statement's result."""


@dataclass
class OutSeries:
    """One output series: rows of values, the first column the time (int ns)."""

    name: str
    tags: dict
    columns: list
    values: list = field(default_factory=list)


@dataclass
class _Source:
    database: str
    rp: str
    measurement: str
    fields: dict          # name -> storage type
    series: list          # [{"id", "tags"}] (shared with the engine's series index: never mutate)
    rowsets: dict = None  # a subquery's rows: series id -> RowSet (None: read the engine)
    tag_keys: frozenset = None   # every tag key of the series (None: not known yet)

    def scan(self, engine, ids, lo, hi, types, edge=None):
        """A :class:`SeriesScan` of the given series within ``[lo, hi]``: the ``types`` columns only.

        ``edge`` = ``(n, latest, fields)``: only each series' first (last) ``n`` rows with a value
        in one of ``fields`` are needed (a raw query with LIMIT and no row condition).
        """
        if self.rowsets is not None:
            return stack([[self.rowsets[i].between(lo, hi)] for i in ids], types)
        kw = {}
        if edge is not None:
            kw = {"limit": edge[0], "latest": edge[1], "having": edge[2]}
        return engine.scan_series(self.database, ids, None if lo == MIN_TIME else lo,
                                  None if hi == MAX_TIME else hi, rp=self.rp, types=types, **kw)


def _declared_tag_keys(stmt):
    """The tag keys a subquery's GROUP BY names; None for ``*`` or a regex (then: its series' tags).

    They are the tags an outer ``*`` lists (FieldDimensions of a subquery: its fields and its
    dimensions), whatever tags its raw rows carry along.
    """
    keys = set()
    for d in stmt.dimensions:
        if isinstance(d.expr, ast.VarRef):
            keys.add(d.expr.name)
        elif isinstance(d.expr, (ast.Wildcard, ast.RegexLiteral)):
            return None
    return frozenset(keys)


def _subquery_sources(inner, tag_keys=None):
    """The results of a subquery as sources: their columns are fields, their tags are tags.

    ``tag_keys``: the tags the subquery declares (:func:`_declared_tag_keys`), None for all.
    """
    by_name = {}
    for s in inner:
        by_name.setdefault(s.name, []).append(s)
    out = []
    for name, group in by_name.items():
        fields, series, rowsets = {}, [], {}
        for i, s in enumerate(group):
            times = np.array([row[0] for row in s.values], dtype=np.int64)
            columns = {}
            for j, col in enumerate(s.columns[1:], start=1):
                column = _column_of([row[j] for row in s.values])
                if column is not None:
                    columns[col] = column
                    fields.setdefault(col, column.type)
            rowsets[i] = RowSet(times, columns)
            series.append({"id": i, "tags": dict(s.tags or {})})
        out.append(_Source("", "", name, fields, series, rowsets, tag_keys=tag_keys))
    return out


def _column_of(values):
    """A stored Column of Python values (None = null), typed as InfluxDB would type them."""
    present = [v for v in values if v is not None]
    if not present:
        return None
    valid = np.array([v is not None for v in values], dtype=bool)
    if all(isinstance(v, bool) for v in present):
        ftype, arr = ft.BOOLEAN, np.array([bool(v) if v is not None else False for v in values])
    elif all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        ftype, arr = ft.INTEGER, np.array([v if v is not None else 0 for v in values], dtype=np.int64)
    elif all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present):
        ftype, arr = ft.FLOAT, np.array([v if v is not None else 0.0 for v in values], dtype=np.float64)
    else:
        ftype = ft.STRING
        arr = np.empty(len(values), dtype=object)
        arr[:] = ["" if v is None else str(v) for v in values]
    return Column(ftype, arr, None if valid.all() else valid)


def run_select(engine, stmt, *, database="", retention_policy="", now_ns=None):
    """Run ``stmt`` (an :class:`ast.Select`); return ``[OutSeries]`` with int-ns times.

    ``SELECT ... INTO`` writes its rows (``into.write_into``) and answers InfluxDB's
    ``result`` series with the number of points written.
    """
    now_ns = _now_ns() if now_ns is None else now_ns
    if stmt.target is None:
        return _execute(engine, stmt, database, retention_policy, now_ns)
    out = _execute(engine, dataclasses.replace(stmt, target=None), database, retention_policy, now_ns)
    written = write_into(engine, out, stmt.target, database, retention_policy)
    return [OutSeries("result", {}, ["time", "written"], [[0, written]])]


def _execute(engine, stmt, database, retention_policy, now_ns, outer=None):
    """Run one SELECT, or a subquery of a query whose time range and interval are ``outer``.

    A subquery runs within its parent's time range, inherits its GROUP BY interval when it
    has none, and does not fill null windows (compile.go's ``subquery``); its raw rows keep
    the tags of the series they come from, so the outer query can group by them.
    """
    tz = zone(stmt.location)
    try:
        cond, tr = split_condition(stmt.condition, now_ns, tz)
    except ConditionError as ex:
        raise SelectError(str(ex)) from None
    interval, offset, dims = _dimensions(stmt, now_ns)
    inherited = False
    is_subquery = outer is not None
    if outer is not None:
        if interval and stmt.fill == "null":
            stmt = dataclasses.replace(stmt, fill="none")
        if not interval and outer[2]:
            interval, offset, inherited = outer[2], outer[3], True
    outer = outer or (MIN_TIME, MAX_TIME, 0, 0)
    lo = max(MIN_TIME if tr.lo is None else tr.lo, outer[0])
    hi = tr.hi
    if hi is None:
        hi = now_ns if interval and outer[1] == MAX_TIME else MAX_TIME
    hi = min(hi, outer[1])
    # windows read before (after, descending) the range only to feed transformations
    shown = None
    lookback = _lookback(stmt.fields, interval)
    if lookback and stmt.time_ascending and lo != MIN_TIME:
        shown, lo = (lo, hi), lo - lookback
    elif lookback and not stmt.time_ascending and hi != MAX_TIME:
        shown, hi = (lo, hi), hi + lookback
    sources = []
    for src in stmt.sources:
        if isinstance(src, ast.SubQuery):
            inner = _execute(engine, src.statement, database, retention_policy, now_ns,
                             (lo, hi, interval, offset))
            sources += _subquery_sources(inner, _declared_tag_keys(src.statement))
        else:
            sources += _resolve_sources(engine, (src,), database, retention_policy)
    fields = [ast.Field(ast.Call("distinct", (ast.VarRef(f.expr.name),)), f.alias)
              if isinstance(f.expr, ast.Distinct) else f                      # SELECT DISTINCT x
              for f in stmt.fields if not (isinstance(f.expr, ast.VarRef) and f.expr.name.lower() == "time")]
    for f in fields:
        if not _has_variable(f.expr):
            raise SelectError("field must contain at least one variable")
    if not fields:
        raise SelectError("at least 1 non-time field must be queried")
    _validate_before_expansion(fields, stmt.limit)
    fields = _expand_fields(fields, sources, _group_by_tags(dims, sources))
    if not fields:
        return []
    check_field_types(fields, {k: ft.TYPE_NAMES.get(v, "") for k, v in _field_types(sources).items()})
    calls = list(dict.fromkeys(c for f in fields for c in _calls(f.expr)))
    aggregate = bool(calls)
    _validate(fields, calls, 0 if inherited else interval, stmt.fill, stmt.limit)
    if lo > hi:
        return []
    raw = not aggregate and not any(_transform_calls(f.expr) for f in fields)
    if raw and is_subquery and not dims:
        # a subquery's raw rows keep their series' tags (InfluxDB passes points on with them)
        dims = ["*"]
        stmt = dataclasses.replace(stmt, dimensions=(ast.Dimension(ast.Wildcard()),))
    out = []
    # GROUP BY * and /regex/ name the tag keys of every source together (InfluxDB's
    # FieldDimensions over all sources): a series lacking one reports it as ""
    all_tag_keys = _tag_keys(sources)
    window = _bounded_windows(stmt, fields, calls, interval, offset, lo, hi, is_subquery, sources)
    for name, group in _by_measurement(sources):
        # a raw query with LIMIT needs only each series' first (last) rows: read just those
        edge = (stmt.limit + stmt.offset, not stmt.time_ascending) if raw and stmt.limit else None
        tables = [t for t in (_read(engine, s, fields, cond, dims, lo, hi, all_tag_keys, edge, window) for s in group)
                  if t is not None]
        if not tables:
            continue
        # sources naming the same measurement (cpu, longterm.cpu) answer as one measurement
        union = {}
        for s in group:
            for k, v in s.fields.items():
                union.setdefault(k, v)
        source, table = dataclasses.replace(group[0], fields=union), _merge_tables(tables)
        if aggregate:
            found = _aggregate(source, table, fields, calls, interval, offset, lo, hi, stmt, tz, shown)
        elif any(_transform_calls(f.expr) for f in fields):
            found = _raw_transform(source, table, fields, stmt)
        else:
            found = _raw(source, table, fields, stmt)
        out += _limit_tag_sets(found, stmt.slimit, stmt.soffset)
    return _order_series(out, descending=not stmt.time_ascending)


def _tag_set_key(tags):
    """How InfluxDB's index orders the tag sets of a measurement (tsdb ``MakeTagsKey``).

    The keys of the tags a series has, then their values, each joined by "|": a tag set that
    lacks a tag sorts by the keys it has (``host|server04`` after ``dc|host|dc1|server01``).
    """
    keys = sorted(k for k, v in tags.items() if v != "")
    if not keys:
        return ""
    return "|".join(keys) + "|" + "|".join(tags[k] for k in keys)


def _limit_tag_sets(series, slimit, soffset):
    """SLIMIT and SOFFSET over one measurement's series, as InfluxDB's ``LimitTagSets`` cuts them.

    InfluxDB applies them per measurement to the tag sets in index order (:func:`_tag_set_key`),
    and its arithmetic has a quirk kept here: an SOFFSET without an SLIMIT leaves no series at
    all (``a[soffset:soffset+0]``; query/result.go in 1.6.7 and 1.8 alike).
    """
    if not slimit and not soffset:
        return series
    ordered = sorted(series, key=lambda s: _tag_set_key(s.tags))
    if soffset > len(ordered):
        return []
    if soffset + slimit > len(ordered):
        slimit = len(ordered) - soffset
    kept = {id(s) for s in ordered[soffset:soffset + slimit]}
    return [s for s in series if id(s) in kept]


def _has_variable(expr):
    """False for a field InfluxDB refuses with "field must contain at least one variable".

    A call of a function other than a math one counts as having one: compile.go validates the
    call itself first (``count()`` is "invalid number of arguments for count, expected 1, got 0").
    """
    for n in ast.walk(expr):
        if isinstance(n, (ast.VarRef, ast.Wildcard, ast.RegexLiteral, ast.Distinct)):
            return True
        if isinstance(n, ast.Call) and n.name.lower() not in MATH:
            return True
    return False


def _by_measurement(sources):
    """``[(measurement, [sources])]`` in first-seen order."""
    out = {}
    for s in sources:
        out.setdefault(s.measurement, []).append(s)
    return list(out.items())


def _merge_tables(tables):
    """One table of the rows of several, groups matched by their tags, sorted by (group, time)."""
    if len(tables) == 1:
        return tables[0]
    group_tags, gid_of, groups = [], {}, []
    for t in tables:
        remap = np.empty(len(t.group_tags), dtype=np.int64)
        for i, tags in enumerate(t.group_tags):
            key = tuple(sorted(tags.items()))
            if key not in gid_of:
                gid_of[key] = len(group_tags)
                group_tags.append(tags)
            remap[i] = gid_of[key]
        groups.append(remap[t.group])
    times = np.concatenate([t.times for t in tables])
    group = np.concatenate(groups)
    frame = {}
    for key in dict.fromkeys(k for t in tables for k in t.frame):
        parts, valid = [], []
        for t in tables:
            vec = t.frame.get(key)
            n = len(t.times)
            if vec is None:
                parts.append(np.full(n, None, dtype=object))
                valid.append(np.zeros(n, dtype=bool))
            else:
                parts.append(vec.values)
                valid.append(vec.mask())
        if any(p.dtype == object for p in parts) and not all(p.dtype == object for p in parts):
            parts = [p.astype(object) for p in parts]
        frame[key] = Vec(np.concatenate(parts), np.concatenate(valid))
    order = np.lexsort((times, group))
    return _Table(times[order], group[order], group_tags, {k: v.take(order) for k, v in frame.items()})


def _now_ns():
    import time
    return time.time_ns()


# -- sources, fields, dimensions ---------------------------------------------------------

def _resolve_sources(engine, sources, database, retention_policy):
    out = []
    for src in sources:
        db = src.database or database
        if not db:
            raise SelectError("database name required")
        if not engine.database_exists(db):
            raise SelectError(f"database not found: {db}")
        rp = src.retention_policy or retention_policy or None
        policies = {p["name"]: p for p in engine.list_retention_policies(db)}
        if rp is not None and rp not in policies:
            raise SelectError(f"retention policy not found: {rp}")
        # PERF: the engine's series index keeps series and fields parsed between queries
        index = engine.series_index(db, rp)
        names = index.measurements
        if src.regex is not None:
            rx = regex(src.regex.pattern)
            wanted = rx.search
        else:
            wanted = src.name.__eq__
        chosen = [m for m in names if wanted(m)]
        elsewhere = None
        for m in chosen:
            mi = index.measurement(m)
            if mi is not None:
                if elsewhere is None:
                    elsewhere = _tag_keys_elsewhere(engine, db, policies, index, wanted)
                out.append(_Source(db, rp, m, dict(mi.fields), mi.series, tag_keys=mi.tag_keys | elsewhere))
    return out


def _tag_keys_elsewhere(engine, db, policies, index, wanted):
    """The tag keys of the measurements ``wanted`` (a name -> bool test) in the other retention policies.

    InfluxDB 1.x's default (``inmem``) index is one per database: the tag keys a SELECT expands
    ``*`` and ``GROUP BY *`` to are those of the measurements its source names in every retention
    policy, while the field keys are those of the policy read.  So ``SELECT * FROM longterm.cpu``
    lists the ``dc`` tag that only the default policy's cpu series carry (with nulls), and
    ``longterm./.*/`` the tags of every measurement of the database.
    """
    keys = set()
    for name in policies:
        other = engine.series_index(db, name)
        if other.space["id"] == index.space["id"]:
            continue
        for m in other.measurements:
            if wanted(m):
                mi = other.measurement(m)
                if mi is not None:
                    keys |= mi.tag_keys
    return frozenset(keys)


def _dimensions(stmt, now_ns):
    """``(interval ns, offset ns, dims)``; dims is a list of tag keys, "*", or a RegexLiteral."""
    interval = offset = 0
    dims = []
    for d in stmt.dimensions:
        e = d.expr
        if isinstance(e, ast.Call) and e.name.lower() == "time":
            if interval:
                raise SelectError("multiple time dimensions not allowed")
            if not e.args or not isinstance(e.args[0], ast.DurationLiteral):
                raise SelectError("time dimension must have duration argument")
            interval = max(int(e.args[0].value), 0)   # time(0s), time(-1m): no windows (InfluxDB 1.6.7)
            if len(e.args) > 1:
                arg = e.args[1]
                if isinstance(arg, ast.DurationLiteral):
                    offset = int(arg.value)
                elif isinstance(arg, ast.Call) and arg.name.lower() == "now" and not arg.args:
                    offset = now_ns % interval
                else:
                    raise SelectError("time dimension offset must be duration or now()")
                offset = offset % interval if interval else 0
        elif isinstance(e, ast.VarRef):
            dims.append(e.name)
        elif isinstance(e, ast.Wildcard):
            dims.append("*")
        elif isinstance(e, ast.RegexLiteral):
            dims.append(e)
        else:
            raise SelectError("only time and tag dimensions allowed")
    return interval, offset, dims


def _calls(expr):
    """Aggregate/selector calls of a field expression (inside math and transformation calls)."""
    if isinstance(expr, ast.Call):
        name = expr.name.lower()
        if name in MATH or name in _SERIES_FUNCTIONS:
            return [c for a in expr.args for c in _calls(a)]
        return [expr]
    if isinstance(expr, ast.BinaryExpr):
        return _calls(expr.lhs) + _calls(expr.rhs)
    if isinstance(expr, ast.ParenExpr):
        return _calls(expr.expr)
    return []


def _tag_keys(sources):
    keys = set()
    for s in sources:
        if s.tag_keys is not None:   # the series index knows them
            keys.update(s.tag_keys)
            continue
        for se in s.series:
            keys.update(se["tags"])
    return keys


def _field_types(sources):
    types = {}
    for s in sources:
        for k, v in s.fields.items():
            types.setdefault(k, v)
    return types


# influxql's DataType order: where sources disagree on a field's type, the lowest one is used
_GO_TYPE_ORDER = {ft.FLOAT: 1, ft.INTEGER: 2, ft.STRING: 3, ft.BOOLEAN: 4, ft.UNSIGNED: 9}


def _merged_field_types(sources):
    """Each field's type over all sources as InfluxDB's ``FieldDimensions`` merges them (the lowest)."""
    types = {}
    for s in sources:
        for k, v in s.fields.items():
            if k not in types or _GO_TYPE_ORDER.get(v, 99) < _GO_TYPE_ORDER.get(types[k], 99):
                types[k] = v
    return types


def _expanded_ref(name, kind, ftypes, all_tags, merged, disagree):
    """The VarRef a wildcard expands ``name`` (a ``kind`` of "field" or "tag") to.

    A field some sources type otherwise is read as the merged type (an integer field next to
    a float one prints as a float, as InfluxDB casts it); a field that is a tag elsewhere, or a
    tag that is a field elsewhere, is typed so that each column reads only its own kind.
    """
    if kind == "tag":
        return ast.VarRef(name, "tag" if name in ftypes else "")
    if name in disagree:
        return ast.VarRef(name, ft.TYPE_NAMES[merged[name]])
    return ast.VarRef(name, "field" if name in all_tags else "")


def _group_by_tags(dims, sources):
    """The tag keys a GROUP BY names (``*`` and regexes resolved against the sources)."""
    tags = _tag_keys(sources)
    out = set()
    for d in dims:
        if d == "*":
            out |= tags
        elif isinstance(d, ast.RegexLiteral):
            rx = regex(d.pattern)
            out |= {t for t in tags if rx.search(t)}
        else:
            out.add(d)
    return out


def _expand_fields(fields, sources, grouped=frozenset()):
    """Expand wildcards and regexes into one Field per column, InfluxDB's way.

    Tags a GROUP BY names are not columns of ``*``; inside a call, ``*`` and regexes expand to
    the fields of a type the function takes.
    """
    ftypes = _field_types(sources)
    all_tags = _tag_keys(sources)
    tags = all_tags - set(grouped)
    merged = _merged_field_types(sources)
    disagree = {k for s in sources for k, t in s.fields.items() if t != merged[k]}
    out = []
    for f in fields:
        e = f.expr
        if isinstance(e, ast.Wildcard) or isinstance(e, ast.RegexLiteral):
            names = []
            if isinstance(e, ast.Wildcard):
                if e.type in ("", "field"):
                    names += [(k, "field") for k in ftypes]
                if e.type in ("", "tag"):
                    names += [(k, "tag") for k in tags]   # a tag named as a field too: both, "k" and "k_1"
            else:
                rx = regex(e.pattern)
                names += [(k, "field") for k in ftypes if rx.search(k)]
                names += [(k, "tag") for k in tags if rx.search(k) and k not in ftypes]
            for name, kind in sorted(names):
                out.append(ast.Field(_expanded_ref(name, kind, ftypes, all_tags, merged, disagree)))
            continue
        if isinstance(e, ast.Call) and e.args and isinstance(e.args[0], (ast.Wildcard, ast.RegexLiteral)):
            arg = e.args[0]
            fname = e.name.lower()
            names = sorted(ftypes)
            if isinstance(arg, ast.RegexLiteral):
                rx = regex(arg.pattern)
                names = [k for k in names if rx.search(k)]
            for k in names:
                numeric_only = fname in _NUMERIC_ONLY or fname in _SERIES_FUNCTIONS or fname == "integral"
                if numeric_only and ftypes[k] == ft.STRING:
                    continue
                if numeric_only and ftypes[k] == ft.BOOLEAN and fname not in _BOOLEAN_SELECTORS:
                    continue
                out.append(ast.Field(ast.Call(e.name, (ast.VarRef(k),) + tuple(e.args[1:])),
                                     f.alias and f"{f.alias}_{k}" or f"{e.name}_{k}"))
            continue
        out.append(f)
    return out


def _validate_before_expansion(fields, limit):
    """The checks compile.go makes before wildcards are expanded (``query.Compile`` runs first).

    ``distinct(*)`` and ``top(*, 2)`` fail there: those functions want a field reference, and
    ``*`` or a regex is none yet; a math function with the wrong number of arguments
    (``round(x, 2)``) too.
    """
    for f in fields:
        for n in ast.walk(f.expr):   # compileMathFunction: the argument count of a math call
            if isinstance(n, ast.Call) and n.name.lower() in MATH:
                want = 2 if n.name.lower() in ("atan2", "pow", "log") else 1
                if len(n.args) != want:
                    raise SelectError(f"invalid number of arguments for {n.name}, expected {want}, "
                                      f"got {len(n.args)}")
        for c in _calls(f.expr):
            name = c.name.lower()
            if not c.args or not isinstance(c.args[0], (ast.Wildcard, ast.RegexLiteral)):
                continue
            if name == "distinct" and len(c.args) == 1:
                raise SelectError("expected field argument in distinct()")
            if name in ("top", "bottom"):
                _validate_top_bottom(c, limit)


def _validate_sample(call):
    """compile.go's checks of ``sample(field, n)``."""
    if len(call.args) != 2:
        raise SelectError(f"invalid number of arguments for sample, expected 2, got {len(call.args)}")
    n = call.args[1]
    if not isinstance(n, ast.IntegerLiteral):
        raise SelectError("expected integer argument in sample()")
    if n.value <= 1:
        raise SelectError(f"sample window must be greater than 1, got {n.value}")
    if not isinstance(call.args[0], ast.VarRef):
        raise SelectError("expected field argument in sample()")


def _validate_top_bottom(call, limit):
    """compile.go's compileTopBottom checks."""
    name = call.name
    if len(call.args) < 2:
        raise SelectError(f"invalid number of arguments for {name}, expected at least 2, got {len(call.args)}")
    last = call.args[-1]
    if not isinstance(last, ast.IntegerLiteral):
        raise SelectError(f"expected integer as last argument in {name}(), found {last}")
    if last.value <= 0:
        raise SelectError(f"limit ({last.value}) in {name} function must be at least 1")
    if limit and last.value > limit:
        raise SelectError(f"limit ({last.value}) in {name} function can not be larger than the LIMIT ({limit}) "
                          f"in the select statement")
    if not isinstance(call.args[0], ast.VarRef):
        raise SelectError(f"expected first argument to be a field in {name}(), found {call.args[0]}")
    for arg in call.args[1:-1]:
        if not isinstance(arg, ast.VarRef):
            raise SelectError(f"only fields or tags are allowed in {name}(), found {arg}")


def _validate(fields, calls, interval, fill, limit=0):
    for f in fields:
        for t in _transform_calls(f.expr):
            _validate_transform(t, interval)
    top = [c for c in calls if c.name.lower() in _TOP_BOTTOM]
    if top and len(calls) > 1:
        raise SelectError(f"selector function {top[0].name}() cannot be combined with other functions")
    for c in calls:
        name = c.name.lower()
        if name == "sample":
            _validate_sample(c)
            continue
        if name in _TOP_BOTTOM:
            _validate_top_bottom(c, limit)
            continue
        if name not in _AGGREGATES and name not in _SELECTORS:
            raise SelectError(f"undefined function {c.name}()")
        if name == "integral":
            if not 1 <= len(c.args) <= 2:
                raise SelectError(f"invalid number of arguments for integral, expected at least 1 but no more "
                                  f"than 2, got {len(c.args)}")
            if len(c.args) == 2 and not isinstance(c.args[1], ast.DurationLiteral):
                raise SelectError("second argument must be a duration")
            if len(c.args) == 2 and c.args[1].value <= 0:
                raise SelectError(f"duration argument must be positive, got {ast.format_duration(c.args[1].value)}")
        else:
            want = 2 if name == "percentile" else 1
            if len(c.args) != want:
                raise SelectError(f"invalid number of arguments for {name}, expected {want}, got {len(c.args)}")
        if name == "percentile" and not isinstance(c.args[1], (ast.IntegerLiteral, ast.NumberLiteral)):
            raise SelectError("expected float argument in percentile()")
        arg = c.args[0]
        if isinstance(arg, ast.Call) and not (name == "count" and arg.name.lower() == "distinct"):
            raise SelectError(f"expected field argument in {c.name}()")
        if isinstance(arg, ast.Distinct):
            continue
        # NOTE: a wildcard or regex still here sat in a binary expression, where it is not expanded
        if isinstance(arg, ast.Wildcard):
            raise SelectError(f"unsupported expression with wildcard: {c.name}()")
        if isinstance(arg, ast.RegexLiteral):
            raise SelectError(f"unsupported expression with regex field: {c.name}()")
        if not isinstance(arg, (ast.VarRef, ast.Call)):
            raise SelectError(f"expected field argument in {c.name}()")
    aux = any(not _calls(f.expr) and not _transform_calls(f.expr) and _refs(f.expr) for f in fields)
    if not calls and any(_transform_calls(f.expr) for f in fields):
        if aux:
            raise SelectError("mixing aggregate and non-aggregate queries is not supported")
        return
    if not calls:
        if fill == "none":
            raise SelectError("fill(none) must be used with a function")
        if fill == "linear":
            raise SelectError("fill(linear) must be used with a function")
        if interval:
            raise SelectError("GROUP BY requires at least one aggregate function")
        return
    has_distinct = any(c.name.lower() == "distinct" or any(isinstance(a, ast.Distinct) for a in c.args)
                       for c in calls)
    if has_distinct and (len(calls) != 1 or aux):
        raise SelectError("aggregate function distinct() cannot be combined with other functions or fields")
    if aux:
        if not all(c.name.lower() in _SELECTORS | _TOP_BOTTOM for c in calls):
            raise SelectError("mixing aggregate and non-aggregate queries is not supported")
        if len(calls) > 1:
            raise SelectError("mixing multiple selector functions with tags or fields is not supported")


def _transform_calls(expr):
    """Transformation calls of a field expression (derivative(), difference(), ...)."""
    return [n for n in ast.walk(expr) if isinstance(n, ast.Call) and n.name.lower() in _SERIES_FUNCTIONS]


def _lookback(fields, interval):
    """How far before the time range (after it, descending) the windows of a query start.

    InfluxDB builds the input of a transformation or technical-analysis function over an
    aggregate one GROUP BY interval early (select.go ``buildCallIterator``), so its first window
    in the range has a predecessor; holt_winters() reads the range as is.
    """
    if not interval:
        return 0
    for f in fields:
        for t in _transform_calls(f.expr):
            if t.name.lower() not in analysis.HOLT_WINTERS and t.args and isinstance(t.args[0], ast.Call):
                return interval
    return 0


def _validate_transform(call, interval):
    name = call.name.lower()
    if name in analysis.NAMES:
        try:
            return analysis.validate(call, interval)
        except analysis.AnalysisError as ex:
            raise SelectError(str(ex)) from None
    lo_hi = {"derivative": (1, 2), "non_negative_derivative": (1, 2), "elapsed": (1, 2),
             "difference": (1, 1), "non_negative_difference": (1, 1), "cumulative_sum": (1, 1),
             "moving_average": (2, 2)}[name]
    got = len(call.args)
    if not lo_hi[0] <= got <= lo_hi[1]:
        if lo_hi[0] == lo_hi[1]:
            raise SelectError(f"invalid number of arguments for {name}, expected {lo_hi[0]}, got {got}")
        raise SelectError(f"invalid number of arguments for {name}, expected at least {lo_hi[0]} "
                          f"but no more than {lo_hi[1]}, got {got}")
    if name == "moving_average":
        if not isinstance(call.args[1], ast.IntegerLiteral):
            raise SelectError(f"second argument for moving_average must be an integer, "
                              f"got *influxql.{type(call.args[1]).__name__}")
        if call.args[1].value <= 1:
            raise SelectError(f"moving_average window must be greater than 1, got {call.args[1].value}")
    elif got == 2:
        if not isinstance(call.args[1], ast.DurationLiteral):
            raise SelectError(f"second argument to {name} must be a duration, "
                              f"got *influxql.{type(call.args[1]).__name__}")
        if call.args[1].value <= 0:
            raise SelectError(f"duration argument must be positive, got {ast.format_duration(call.args[1].value)}")
    arg = call.args[0]
    if isinstance(arg, ast.Call):
        if not interval:
            raise SelectError(f"{name} aggregate requires a GROUP BY interval")
        if arg.name.lower() not in _AGGREGATES | _SELECTORS:
            raise SelectError(f"aggregate function required inside the call to {name}")
    elif not isinstance(arg, ast.VarRef):
        raise SelectError(f"expected field argument in {name}()")
    elif interval:
        raise SelectError(f"aggregate function required inside the call to {name}")


def _refs(expr):
    return [n for n in ast.walk(expr) if isinstance(n, ast.VarRef)]


# -- reading -------------------------------------------------------------------------------

@dataclass
class _Table:
    """The rows a query reads from one source, sorted by (group, time)."""

    times: np.ndarray            # int64 ns
    group: np.ndarray            # int64 output group per row
    group_tags: list             # dict of GROUP BY tags per group id
    frame: dict                  # name or (name, "tag"/"field") -> Vec


def _group_keys(dims, tags_of_series, all_tag_keys):
    keys = []
    for d in dims:
        if d == "*":
            keys += sorted(all_tag_keys)
        elif isinstance(d, ast.RegexLiteral):
            rx = regex(d.pattern)
            keys += sorted(k for k in all_tag_keys if rx.search(k))
        else:
            keys.append(d)
    seen, out = set(), []
    for k in keys:
        if k not in seen:
            seen.add(k)
            out.append(k)
    return out


def _needed_names(fields, cond):
    names = set()
    for f in fields:
        names.update(r.name for r in _refs(f.expr))
        for n in ast.walk(f.expr):
            if isinstance(n, ast.Distinct):
                names.add(n.name)
    if cond is not None:
        names.update(r.name for r in _refs(cond))
    return names


# Functions whose value in a window depends on that window's points only (what a bounded read needs).
_PER_WINDOW = {"count", "sum", "mean", "median", "spread", "stddev", "mode", "min", "max", "first", "last",
               "percentile"}


def _bounded_windows(stmt, fields, calls, interval, offset, lo, hi, is_subquery, sources):
    """``(n, ascending, interval, offset, fields)`` when an aggregate's LIMIT lets it read fewer windows.

    ``GROUP BY time(...) LIMIT n OFFSET m`` with ``fill(null|<number>)`` (or, ascending,
    ``fill(previous)``) prints the first (last) ``n + m`` windows of each series' window grid;
    when every call is a per-window reducer, only the points of those windows are needed
    (``_read_window`` finds them).  NOTE: ``tz()``, transformations, ``integral``,
    ``top``/``bottom``/``sample``/``distinct``, fill(none|linear), calls of tags and subqueries
    read everything (None).
    """
    if not interval or not stmt.limit or is_subquery or stmt.location:
        return None
    if any(s.rowsets is not None for s in sources) or any(_transform_calls(f.expr) for f in fields):
        return None
    if not calls or any(c.name.lower() not in _PER_WINDOW or not isinstance(c.args[0], ast.VarRef) for c in calls):
        return None
    if any(c.args[0].type == "tag" or any(c.args[0].name not in s.fields for s in sources) for c in calls):
        return None
    fills = ("null", "number", "previous") if stmt.time_ascending else ("null", "number")
    if stmt.fill not in fills:
        return None
    if not stmt.time_ascending and lo == MIN_TIME:
        return None   # the grid starts at each series' first point: it takes reading them all
    return stmt.limit + stmt.offset, stmt.time_ascending, interval, offset, {c.args[0].name for c in calls}


def _read_window(engine, source, series, series_group, cond, lo, hi, window):
    """The ``[lo, hi]`` that holds the windows a bounded aggregate prints (see ``_bounded_windows``).

    Ascending, the grid starts at ``lo``'s window, or without a lower bound at each group's
    first value of a called field; descending, it ends at ``hi``'s window.  The range read
    covers the ``n`` printed windows of every group, and stretches to each group's first
    (last) value of each called field in the query's range, so that a call with values only
    outside those windows still has them (and prints nulls, or fill values, in the printed
    ones).  It takes no row condition (which could hide values); the first and last values
    come from block summaries.
    """
    n, ascending, interval, offset, columns = window
    if cond is not None:
        return lo, hi

    def window_start(t):
        return int(_window_starts(np.array([t], dtype=np.int64), interval, offset, None)[0])

    ids = [s["id"] for s in series]
    start, end = None if lo == MIN_TIME else lo, None if hi == MAX_TIME else hi
    pick = min if ascending else max
    per_column = []   # per called field: {group: its first (last) value's time}
    for column in sorted(columns & set(source.fields)):
        edges = engine.edge_times(source.database, ids, [column], start, end, rp=source.rp, latest=not ascending)
        per_group = {}
        for sid, g in zip(ids, series_group.tolist()):
            t = edges.get(sid)
            if t is not None:
                per_group[g] = pick(per_group.get(g, t), t)
        if per_group:
            per_column.append(per_group)
    if not per_column:
        return lo, hi
    if not ascending:
        reach = min(t for per_group in per_column for t in per_group.values())
        return max(lo, min(window_start(hi) - (n - 1) * interval, reach)), hi
    reach = max(t for per_group in per_column for t in per_group.values())
    if lo != MIN_TIME:
        return lo, min(hi, max(window_start(lo) + n * interval - 1, reach))
    group_starts = {}
    for per_group in per_column:
        for g, t in per_group.items():
            group_starts[g] = min(group_starts.get(g, t), t)
    return lo, min(hi, max(max(window_start(t) for t in group_starts.values()) + n * interval - 1, reach))


def _read(engine, source, fields, cond, dims, lo, hi, all_tag_keys, edge=None, window=None):
    if not source.series:
        return None
    group_keys = _group_keys(dims, None, all_tag_keys)
    needed = _needed_names(fields, cond)
    casts = {(r.name, r.type) for f in fields for r in _refs(f.expr) if r.type in _CASTS}
    # the AND-ed terms of the condition that name only tags prune series before anything is read
    series = source.series
    tag_terms, rest = _split_tag_terms(cond, source)
    if tag_terms is not None:
        series = _series_matching(tag_terms, series, source.measurement)
    cond = rest
    if not series:
        return None
    # equal times: series key order, as InfluxDB merges (a subquery's series: their order)
    series = sorted(series, key=lambda s: (s.get("key", b""), s["id"]))
    # groups of the output: one per distinct GROUP BY tag values among the read series
    gvals = [tuple(s["tags"].get(k, "") for k in group_keys) for s in series]
    gid_of, group_tags = {}, []
    series_group = np.empty(len(series), dtype=np.int64)
    for i, gv in enumerate(gvals):
        gid = gid_of.get(gv)
        if gid is None:
            gid = gid_of[gv] = len(group_tags)
            group_tags.append(dict(zip(group_keys, gv)))
        series_group[i] = gid
    types = {name: source.fields[name] for name in sorted(needed) if name in source.fields}
    ids = [s["id"] for s in series]
    if window is not None:
        lo, hi = _read_window(engine, source, series, series_group, cond, lo, hi, window)
    if edge is not None and cond is None:
        wanted = {r.name for f in fields for r in _refs(f.expr) if r.name in source.fields and r.type != "tag"}
        scan = source.scan(engine, ids, lo, hi, types, (edge[0], edge[1], wanted))
    else:
        scan = source.scan(engine, ids, lo, hi, types)
    times = scan.times
    if not len(times):
        return None
    sidx = scan.series_index()
    # PERF: with a condition, the fields it does not name are gathered after it, for the rows it keeps
    cond_names = set() if cond is None else {r.name for r in _refs(cond)} & needed
    frame = {name: _field_vec(scan, name, ftype, len(times)) for name, ftype in types.items()
             if cond is None or name in cond_names}
    group = series_group[sidx]
    if cond is not None:
        # PERF: tag columns (object arrays) are built for the condition's names now, the
        # others below for the rows that pass it
        _add_names(frame, cond_names, source, all_tag_keys, series, sidx, len(times))
        cond_frame = dict(frame)
        for name in needed:
            if name not in source.fields and (name, "tag") in frame:
                tag = frame[(name, "tag")]
                filled = Vec(np.where(tag.mask(), tag.values, ""))
                cond_frame[name] = cond_frame[(name, "tag")] = filled
        try:
            keep = condition_mask(cond, cond_frame, len(times))
        except EvalError as ex:
            raise SelectError(str(ex)) from None
        times, group, sidx = times[keep], group[keep], sidx[keep]
        frame = _take_frame(frame, keep)
        for name, ftype in types.items():
            if name not in frame:
                frame[name] = _field_vec(scan, name, ftype, len(times), keep)
    order = _row_order(times, group, series_group)
    if order is not None:
        times, group, sidx = times[order], group[order], sidx[order]
        frame = _take_frame(frame, order)
    _add_names(frame, needed, source, all_tag_keys, series, sidx, len(times))
    for name, cast in casts:
        frame[(name, cast)] = _cast(frame[(name, "field")], source.fields.get(name), cast)
    return _Table(times, group, group_tags, frame)


def _series_matching(terms, series, measurement):
    """The series whose tags satisfy ``terms`` (a condition on tags only), evaluated for all at once.

    A tag a series lacks, or a name that is neither tag nor field, compares as "".
    """
    picked = _series_by_tag_equality(terms, series)
    if picked is not None:
        return picked
    return _series_matching_evaluated(terms, series, measurement)


def _series_matching_evaluated(terms, series, measurement):
    """:func:`_series_matching` through the condition evaluator, for any condition on tags."""
    n = len(series)
    frame = {}
    for name in {r.name for r in _refs(terms)}:
        values = np.empty(n, dtype=object)
        values[:] = [s["tags"].get(name, "") for s in series]
        frame[name] = frame[(name, "tag")] = Vec(values)
    measurement_column = np.empty(n, dtype=object)
    measurement_column[:] = measurement
    frame["_name"] = Vec(measurement_column)
    keep = condition_mask(terms, frame, n)
    return [s for s, k in zip(series, keep.tolist()) if k]


def _series_by_tag_equality(terms, series):
    """The series ``terms`` keeps when it is ``tag = 'value'``/``!=`` terms joined by AND; else None.

    PERF: the usual tag filter (``hostname = 'host_49'``) picked by one pass over the series'
    tag dicts instead of columns built for the condition evaluator (a tenth of a small query).
    A tag a series lacks compares as "", as in :func:`_series_matching`.
    """
    while isinstance(terms, ast.ParenExpr):
        terms = terms.expr
    if not isinstance(terms, ast.BinaryExpr):
        return None
    if terms.op == "AND":
        left = _series_by_tag_equality(terms.lhs, series)
        return None if left is None else _series_by_tag_equality(terms.rhs, left)
    if terms.op not in ("=", "!="):
        return None
    ref, lit = terms.lhs, terms.rhs
    if isinstance(ref, ast.StringLiteral):
        ref, lit = lit, ref
    if not (isinstance(ref, ast.VarRef) and isinstance(lit, ast.StringLiteral)) or ref.type not in ("", "tag") \
            or ref.name == "_name":
        return None
    name, value = ref.name, lit.value
    if terms.op == "=":
        return [s for s in series if s["tags"].get(name, "") == value]
    return [s for s in series if s["tags"].get(name, "") != value]


def _field_vec(scan, name, ftype, n, keep=None):
    """A field's Vec over a scan's ``n`` rows, or those of the mask ``keep`` (no value anywhere when
    no series has it)."""
    col = scan.column(name, keep)
    if col is None:
        values = ft.empty_values(ftype, n)
        return Vec(values if ftype != ft.STRING else values.astype(object), np.zeros(n, dtype=bool))
    return Vec(col.values, col.valid)


def _add_names(frame, names, source, all_tag_keys, series, sidx, n):
    """Add the tag, ``(name, "tag")``, ``(name, "field")`` and ``_name`` columns of ``names`` not there yet."""
    for name in names:
        if (name in all_tag_keys or name not in source.fields) and (name, "tag") not in frame:
            present = np.array([name in s["tags"] for s in series], dtype=bool)
            values = np.empty(len(series), dtype=object)
            values[:] = [s["tags"].get(name) for s in series]
            tag_vec = Vec(values[sidx], None if present.all() else present[sidx])
            frame[(name, "tag")] = tag_vec
            if name not in source.fields:
                frame[name] = tag_vec
        if (name, "field") not in frame:
            frame[(name, "field")] = frame.get(name) if name in source.fields else \
                Vec(np.zeros(n), np.zeros(n, dtype=bool))
    if "_name" in names and "_name" not in frame:
        column = np.empty(n, dtype=object)
        column[:] = source.measurement
        frame["_name"] = Vec(column)


def _row_order(times, group, series_group):
    """The permutation that sorts rows by (group, time), ties in series order; None when they are.

    Rows come series after series, each time-sorted.  PERF: when every group is one series
    (GROUP BY all the tags that tell series apart) they already are; one group needs only a
    stable sort by time (timsort merges the sorted runs).
    """
    if len(series_group) == 1 or np.all(series_group[1:] > series_group[:-1]):
        return None
    if np.all(series_group == series_group[0]):
        return np.argsort(times, kind="stable")
    return np.lexsort((times, group))


_CASTS = ("float", "integer", "unsigned", "string", "boolean")   # the ::type casts of a field


def _cast(vec, ftype, cast):
    """A field read as ``::cast``: numbers convert (floats truncate toward zero), else null."""
    want = _TYPE_CODES[cast]
    n = len(vec.values)
    if ftype == want:
        return vec
    numeric = (ft.FLOAT, ft.INTEGER, ft.UNSIGNED)
    if ftype in numeric and want in numeric:
        dtype = {ft.FLOAT: np.float64, ft.INTEGER: np.int64, ft.UNSIGNED: np.uint64}[want]
        with np.errstate(all="ignore"):
            values = np.trunc(vec.values).astype(dtype) if ftype == ft.FLOAT else vec.values.astype(dtype)
        return Vec(values, vec.valid)
    return Vec(np.zeros(n), np.zeros(n, dtype=bool))


def _take_frame(frame, idx):
    """Every column of a frame at ``idx``; a column under several names is taken once."""
    done = {}
    out = {}
    for key, vec in frame.items():
        taken = done.get(id(vec))
        if taken is None:
            taken = done[id(vec)] = vec.take(idx)
        out[key] = taken
    return out


def _split_tag_terms(cond, source):
    """``(terms on tags only, the rest)`` of a condition's top-level AND (each may be None)."""
    def conjuncts(node):
        while isinstance(node, ast.ParenExpr):
            node = node.expr
        if isinstance(node, ast.BinaryExpr) and node.op == "AND":
            return conjuncts(node.lhs) + conjuncts(node.rhs)
        return [node]

    def tag_only(node):
        refs = _refs(node)
        return all(not (r.name in source.fields and r.type != "tag") and r.name != "time" for r in refs)

    if cond is None:
        return None, None
    tags, rest = [], []
    for term in conjuncts(cond):
        (tags if tag_only(term) else rest).append(term)

    def joined(terms):
        out = None
        for t in terms:
            out = t if out is None else ast.BinaryExpr("AND", out, t)
        return out
    return joined(tags), joined(rest)


# -- raw queries ---------------------------------------------------------------------------

def _column_names(fields):
    names, seen = [], {}
    for f in fields:
        base = f.alias or _default_name(f.expr)
        n = seen.get(base, 0)
        seen[base] = n + 1
        names.append(base if n == 0 else f"{base}_{n}")
    return names


def _default_name(expr):
    if isinstance(expr, ast.VarRef):
        return expr.name
    if isinstance(expr, ast.Call):
        return expr.name
    if isinstance(expr, ast.BinaryExpr):
        parts = [_default_name(x) for x in (expr.lhs, expr.rhs)]
        parts = [p for p in parts if p]
        return "_".join(parts)
    if isinstance(expr, ast.ParenExpr):
        return _default_name(expr.expr)
    return ""


def _is_field_expr(expr, source):
    return any((r.name in source.fields and r.type != "tag") for r in _refs(expr))


def _raw(source, table, fields, stmt):
    n = len(table.times)
    names = _column_names(fields)
    vecs = []
    any_valid = np.zeros(n, dtype=bool)
    has_field = False
    for f in fields:
        try:
            vec = evaluate(f.expr, table.frame, n)
        except EvalError as ex:
            raise SelectError(str(ex)) from None
        vecs.append(vec)
        if _is_field_expr(f.expr, source):
            has_field = True
            any_valid |= vec.mask()
    if not has_field:
        return []   # only tags (or names that are no field here): InfluxDB has no rows to emit
    keep = any_valid
    if stmt.fill == "number":
        # the rows are those with a value; then every missing value read is the fill value
        frame = {k: _filled(v, stmt.fill_value) for k, v in table.frame.items()}
        vecs = _evaluate_fields(fields, frame, n)
    out = []
    shared = ColumnSet(vecs)   # PERF: every series' rows are positions in the same columns
    # rows are sorted by group: each group's rows are one range
    bounds = np.searchsorted(table.group, np.arange(len(table.group_tags) + 1)).tolist()
    for gid, tags in enumerate(table.group_tags):
        a, b = bounds[gid], bounds[gid + 1]
        rows_idx = a + np.flatnonzero(keep[a:b])
        rows_idx = _page_rows(rows_idx, stmt)
        if not len(rows_idx):
            continue
        out.append(OutSeries(source.measurement, tags if stmt.dimensions else {}, ["time"] + names,
                             ColumnRows(table.times[rows_idx], shared, rows_idx)))
    return out


def _filled(vec, value):
    """``vec`` with its missing values replaced by the ``fill(<number>)`` value of a raw query.

    InfluxDB 1.x's iterator scanner (query/iterator.gen.go ``ScanAt``) puts the fill value in for
    every missing field or tag of a raw query, cast to the column's type as ``castToType`` does:
    to float or (truncated) integer for numeric columns; a string, tag or boolean column gets
    the number itself.
    """
    if vec.valid is None or vec.valid.all():
        return vec
    values, missing = vec.values, ~vec.valid
    kind = values.dtype.kind
    if kind == "f":
        out = values.copy()
        out[missing] = float(value)
    elif kind == "i":
        out = values.copy()
        out[missing] = int(value)
    elif kind == "u":
        out = values.copy()
        out[missing] = int(value) % 2**64
    else:
        out = values.astype(object)
        out[missing] = value
    return Vec(out)


def _evaluate_fields(fields, columns, n):
    """The Vec of every field expression over ``n`` rows of ``columns``."""
    try:
        return [evaluate(f.expr, columns, n) for f in fields]
    except EvalError as ex:
        raise SelectError(str(ex)) from None


def _any_value(vecs, n):
    """Mask of the rows where at least one of ``vecs`` has a value."""
    keep = np.zeros(n, dtype=bool)
    for v in vecs:
        keep |= v.mask()
    return keep


def _page_rows(idx, stmt):
    """A series' row indexes in output order: ``ORDER BY time DESC``, then OFFSET and LIMIT."""
    if not stmt.time_ascending:
        idx = idx[::-1]
    if stmt.offset:
        idx = idx[stmt.offset:]
    if stmt.limit:
        idx = idx[:stmt.limit]
    return idx


def _to_list(vec, idx):
    values = vec.values[idx]
    out = values.tolist()
    if vec.valid is not None:
        valid = vec.valid[idx]
        if not valid.all():
            out = [v if ok else None for v, ok in zip(out, valid.tolist())]
    return out


# -- aggregate queries ---------------------------------------------------------------------

def _window_starts(times, interval, offset, tz):
    """Start of the GROUP BY time window of every time (InfluxDB's ``IteratorOptions.Window``).

    With ``tz()`` windows are cut in local time; when the zone offset at a window's start
    differs from the one at the time (a daylight-saving change inside the window) the start
    moves by the difference, if that is less than the interval, as InfluxDB moves it.
    """
    t = times - offset
    zone_ns = _zone_offsets(t, tz)
    dt = np.mod(t + zone_ns, interval)
    start = t - dt + offset
    if tz is not None and tz is not _dt.timezone.utc and len(times):
        shift = zone_ns - _zone_offsets(start, tz)
        start = np.where((shift != 0) & (np.abs(shift) < interval), start + shift, start)
    return start


def _zone_offsets(times, tz):
    if tz is None or tz is _dt.timezone.utc or not len(times):
        return 0
    hours = times // (3600 * 10**9)
    uniq, inv = np.unique(hours, return_inverse=True)
    offs = np.array([int(_dt.datetime.fromtimestamp(int(h) * 3600, tz).utcoffset().total_seconds()) * 10**9
                     for h in uniq.tolist()], dtype=np.int64)
    return offs[inv]


def _aggregate(source, table, fields, calls, interval, offset, lo, hi, stmt, tz, shown=None):
    """Rows of an aggregate query; ``shown``: the query's own range when ``[lo, hi]`` was widened
    by :func:`_lookback` (the aggregate calls then report only its windows)."""
    n = len(table.times)
    utz = None if not stmt.location else tz
    buckets = _window_starts(table.times, interval, offset, utz) if interval else np.zeros(n, dtype=np.int64)
    if shown is not None:
        shown = tuple(int(x) for x in _window_starts(np.array(shown, dtype=np.int64), interval, offset, utz))
    names = _column_names(fields)
    selector = calls[0] if len(calls) == 1 and calls[0].name.lower() in _SELECTORS else None
    distinct = len(calls) == 1 and calls[0].name.lower() == "distinct"
    top = calls[0] if len(calls) == 1 and calls[0].name.lower() in _TOP_BOTTOM else None
    if top is not None:
        return _top_bottom(source, table, fields, top, buckets, interval, stmt)
    runs = {}   # PERF: the (group, bucket) runs of fully valid columns, shared by the calls over them
    results = {call: (_integral(call, table, buckets, interval) if call.name.lower() == "integral"
                      else _reduce_call(call, table, buckets, runs)) for call in dict.fromkeys(calls)}
    aux = [r for f in fields if not _calls(f.expr) for r in _refs(f.expr)]
    first_bucket = _window_starts(np.array([lo], dtype=np.int64), interval, offset, utz)[0] \
        if interval and lo != MIN_TIME else None
    last_bucket = _window_starts(np.array([hi], dtype=np.int64), interval, offset, utz)[0] if interval else None
    default_time = 0 if lo == MIN_TIME else lo
    has_transform = any(_transform_calls(f.expr) for f in fields)
    out = []
    for gid, tags in enumerate(table.group_tags):
        per_call = {c: results[c].get(gid) for c in results}
        if all(v is None for v in per_call.values()):
            continue
        if distinct:
            grid, columns = _distinct_rows(calls[0], per_call[calls[0]], interval, default_time)
            row_times = grid
        else:
            if interval and stmt.fill != "none":
                start = first_bucket
                if start is None:
                    start = min(int(v[0][0]) for v in per_call.values() if v is not None and len(v[0]))
                grid = _grid(start, last_bucket, interval, utz)
                if utz is not None:
                    # NOTE: next to a daylight-saving change a window can start off the stepped
                    # grid (1.8's Window adds the GROUP BY offset before the zone lookup); the
                    # fill iterator passes such a window's point through, so it is kept
                    found = np.concatenate([v[0] for v in per_call.values() if v is not None])
                    found = found[(found >= grid[0]) & (found <= grid[-1])] if len(grid) else found
                    grid = np.union1d(grid, found)
            elif interval:
                grid = np.unique(np.concatenate([v[0] for v in per_call.values() if v is not None]))
            else:
                grid = np.array([default_time], dtype=np.int64)
            columns = {call: _on_grid(call, res, grid, stmt, interval) for call, res in per_call.items()}
            for f in fields:
                for t in reversed(_transform_calls(f.expr)):
                    if t not in columns:
                        grid, columns = _transform_on_grid(t, columns, grid, interval, not stmt.time_ascending)
            if shown is not None:
                _hide_outside(columns, calls, grid, shown)
            row_times = grid
            if selector is not None and per_call[selector] is not None:
                rb, _, rows_of = per_call[selector]
                if not interval:
                    row_times = table.times[rows_of]
                for ref in aux:
                    columns[ref_key(ref)] = _aux_on_grid(table, ref, rb, rows_of, grid)
        vecs = _evaluate_fields(fields, columns, len(grid))
        keep = np.ones(len(grid), dtype=bool)
        if stmt.fill == "none" or distinct or has_transform:
            keep = _any_value(vecs, len(grid))
        idx = np.flatnonzero(keep)
        idx = _page_rows(idx, stmt)
        if not len(idx):
            continue
        out.append(OutSeries(source.measurement, tags if stmt.dimensions and tags else {}, ["time"] + names,
                             ColumnRows(np.asarray(row_times)[idx], [v.take(idx) for v in vecs])))
    return out


def _column(table, ref):
    """The Vec a VarRef names in a table's frame (its ``::type`` form first), or None."""
    vec = table.frame.get(ref_key(ref))
    return vec if vec is not None else table.frame.get(ref.name)


def _aux_on_grid(table, ref, run_buckets, rows_of, grid):
    """Values of an auxiliary field or tag at the points a selector chose, on the bucket grid."""
    vec = _column(table, ref)
    n = len(grid)
    if vec is None:
        return Vec(np.zeros(n), np.zeros(n, dtype=bool))
    chosen = vec.take(rows_of)
    pos = np.searchsorted(grid, run_buckets)
    inside = (pos < n) & (grid[np.minimum(pos, n - 1)] == run_buckets)
    values = np.empty(n, dtype=object) if chosen.values.dtype == object else np.zeros(n, dtype=chosen.values.dtype)
    valid = np.zeros(n, dtype=bool)
    values[pos[inside]] = chosen.values[inside]
    valid[pos[inside]] = chosen.mask()[inside]
    return Vec(values, valid)


def _transform_unit(call, interval):
    name = call.name.lower()
    if len(call.args) == 2 and isinstance(call.args[1], ast.DurationLiteral):
        return int(call.args[1].value)
    if name == "elapsed":
        return 1
    return interval or 10**9


def _transform_stream(call, times, vec, interval, descending=False):
    """Apply a transformation to the valid points of one stream: (times, Vec).

    With ``ORDER BY time DESC`` the stream runs backwards, as InfluxDB feeds its reducers.
    """
    ok = vec.mask()
    t, v = times[ok], vec.values[ok]
    if descending:
        t, v = t[::-1], v[::-1]
    name = call.name.lower()
    if len(v) and (v.dtype == object or v.dtype == np.bool_):
        raise _iterator_type_error(analysis.iterator_label(name) if name in analysis.NAMES else name, v)
    if name in analysis.NAMES:
        try:
            out_t, out_v = analysis.apply(call, t, v, interval=interval)
        except analysis.AnalysisError as ex:
            raise SelectError(str(ex)) from None
        return out_t, Vec(out_v)
    window = int(call.args[1].value) if call.name.lower() == "moving_average" else None
    out_t, out_v = transforms.apply(call.name.lower(), t, v, unit=_transform_unit(call, interval), window=window,
                                    descending=descending)
    return out_t, Vec(np.asarray(out_v))


def _transform_on_grid(call, columns, grid, interval, descending=False):
    """``(grid, columns)`` with the column of a transformation of a call's windows added.

    An analysis call runs over the windows in output order (backwards with ``ORDER BY time
    DESC``); holt_winters() forecasts past the grid, which then grows to hold its times.
    """
    inner = call.args[0]
    vec = columns.get(inner)
    n = len(grid)
    if vec is None:
        columns[call] = Vec(np.zeros(n), np.zeros(n, dtype=bool))
        return grid, columns
    analysed = call.name.lower() in analysis.NAMES
    out_t, out = _transform_stream(call, grid, vec, interval, descending=descending and analysed)
    if analysed and len(out_t) and not np.isin(out_t, grid).all():
        wider = np.union1d(grid, out_t)
        columns = {k: _regrid(v, grid, wider) for k, v in columns.items()}
        grid, n = wider, len(wider)
    columns[call] = _placed(out_t, out, grid)
    return grid, columns


def _regrid(vec, grid, wider):
    """A column on ``grid`` moved onto ``wider`` (a superset), null where it had no row."""
    pos = np.searchsorted(wider, grid)
    values = np.empty(len(wider), dtype=object) if vec.values.dtype == object else \
        np.zeros(len(wider), dtype=vec.values.dtype)
    valid = np.zeros(len(wider), dtype=bool)
    values[pos] = vec.values
    valid[pos] = vec.mask()
    return Vec(values, valid)


def _hide_outside(columns, calls, grid, shown):
    """Null the aggregate calls' own columns in the windows read only for a transformation.

    Those windows (see :func:`_lookback`) feed transformations; InfluxDB's iterators of the
    plain calls start at the query's first window, so they report nothing there.
    """
    outside = (grid < shown[0]) | (grid > shown[1])
    if not outside.any():
        return
    for c in calls:
        vec = columns.get(c)
        if vec is not None:
            columns[c] = Vec(vec.values, vec.mask() & ~outside)


def _placed(out_t, out, grid):
    """A transformation's points as a column on the grid (every time is a grid time)."""
    n = len(grid)
    pos = np.searchsorted(grid, out_t)
    values = np.zeros(n, dtype=out.values.dtype)
    valid = np.zeros(n, dtype=bool)
    values[pos] = out.values
    valid[pos] = True
    return Vec(values, valid)


def _raw_transform(source, table, fields, stmt):
    """Transformations of raw fields: each group's stream of points, one output row per time."""
    names = _column_names(fields)
    out = []
    for gid, tags in enumerate(table.group_tags):
        rows = np.flatnonzero(table.group == gid)
        times = table.times[rows]
        streams = {}
        for f in fields:
            for t in reversed(_transform_calls(f.expr)):
                ref = t.args[0]
                vec = _column(table, ref)
                if vec is None:
                    continue
                streams[t] = _transform_stream(t, times, vec.take(rows), 0, not stmt.time_ascending)
        if not streams:
            continue
        if stmt.limit or stmt.offset:
            # InfluxDB limits each call's iterator, in output order, before the rows are joined:
            # a derivative (one point later) and a cumulative sum with LIMIT 5 make 6 rows
            for t, (st, vec) in list(streams.items()):
                k = np.arange(len(st))[stmt.offset:]
                if stmt.limit:
                    k = k[:stmt.limit]
                streams[t] = (st[k], vec.take(k))
        # NOTE: InfluxDB's cursor pairs the calls' points one by one: the k-th point of one
        # stream at a time t shares a row with the k-th of another at t, so merged series with
        # points at one time give as many rows at t as the longest stream has points there
        keyed = [_occurrence_keys(st) for st, _ in streams.values()]
        uniq, inverse = np.unique(np.concatenate(keyed), return_inverse=True)
        inverse = inverse.ravel()
        grid = uniq["t"]
        columns = {}
        at = 0
        for t, (st, vec) in streams.items():
            pos = inverse[at:at + len(st)]
            at += len(st)
            values = np.zeros(len(grid), dtype=vec.values.dtype)
            valid = np.zeros(len(grid), dtype=bool)
            values[pos] = vec.values
            valid[pos] = True
            columns[t] = Vec(values, valid)
        vecs = _evaluate_fields(fields, columns, len(grid))
        keep = _any_value(vecs, len(grid))
        idx = np.flatnonzero(keep)
        idx = idx if stmt.time_ascending else idx[::-1]   # LIMIT and OFFSET were applied per stream
        if not len(idx):
            continue
        cols = [grid[idx].tolist()] + [_to_list(v, idx) for v in vecs]
        out.append(OutSeries(source.measurement, tags if stmt.dimensions and tags else {}, ["time"] + names,
                             [list(r) for r in zip(*cols)]))
    return out


_TIME_RANK = np.dtype([("t", np.int64), ("r", np.int64)])


def _occurrence_keys(times):
    """``(time, k)`` of each point of a time-ordered stream: k counts the earlier points at that time."""
    times = np.asarray(times, dtype=np.int64)
    keys = np.empty(len(times), dtype=_TIME_RANK)
    keys["t"] = times
    if len(times):
        new = np.ones(len(times), dtype=bool)
        new[1:] = times[1:] != times[:-1]
        first = np.flatnonzero(new)
        keys["r"] = np.arange(len(times)) - np.repeat(first, np.diff(np.append(first, len(times))))
    return keys


def _grid(start, end, interval, tz=None):
    """The window starts from ``start`` to ``end``, as InfluxDB's fill iterator steps them.

    With a ``tz()`` zone a step that crosses a change of the zone offset is moved by that
    change (when smaller than the interval), so windows stay on local midnight and the like.
    """
    if end < start:
        return np.empty(0, dtype=np.int64)
    count = (end - start) // interval + 1
    if count > 10_000_000:
        raise SelectError(f"max-select-buckets limit exceeded: ({count}/10000000)")
    grid = start + np.arange(count, dtype=np.int64) * interval
    if tz is None or tz is _dt.timezone.utc:
        return grid
    offsets = _zone_offsets(np.r_[grid, end], tz)
    if np.all(offsets == offsets[0]):
        return grid
    out, t, current = [], int(start), int(_zone_offsets(np.array([start]), tz)[0])
    while t <= end:
        out.append(t)
        t += interval
        after = int(_zone_offsets(np.array([t - 1]), tz)[0])
        if after != current:
            if abs(current - after) < interval:
                t += current - after
            current = after
    return np.asarray(out, dtype=np.int64)


def _integral(call, table, buckets, interval):
    """``integral(field[, unit])`` per group, as InfluxDB's IntegralReducer streams it.

    Trapezoids between consecutive points (of equal times the later point counts), divided
    by the unit (default 1 s).  With GROUP BY time a trapezoid that crosses into a later
    window is cut at the end of the earlier one, at the value interpolated there; the part
    after the cut goes to the window of the later point.  A window is reported when it holds
    a point, except a last window whose last point sits exactly at its start.
    """
    ref = call.args[0]
    unit = int(call.args[1].value) if len(call.args) == 2 else 10**9
    vec = _column(table, ref)
    if vec is None or not vec.mask().any():
        return {}
    rows = np.flatnonzero(vec.mask())
    values = vec.values[rows]
    if values.dtype == object or values.dtype == np.bool_:
        raise _iterator_type_error("integral", values)
    out = {}
    group = table.group[rows]
    for gid in np.unique(group).tolist():
        sel = rows[group == gid]
        t, v, w = table.times[sel], vec.values[sel].astype(np.float64), buckets[sel]
        last_of_time = np.r_[t[1:] != t[:-1], True]         # of equal times the later point counts
        t, v, w = t[last_of_time], v[last_of_time], w[last_of_time]
        sums = {}
        if len(t) > 1:
            t0, t1, v0, v1, w0, w1 = t[:-1], t[1:], v[:-1], v[1:], w[:-1], w[1:]
            same = (w0 == w1) if interval else np.ones(len(t0), dtype=bool)
            end = np.where(same, t1, w0 + interval)              # the cut: the earlier window's end
            v_end = np.where(same, v1, v0 + (v1 - v0) * (end - t0) / np.maximum(t1 - t0, 1))
            first = 0.5 * (v0 + v_end) * (end - t0) / unit        # into the earlier point's window
            second = np.where(same, 0.0, 0.5 * (v1 + v_end) * (t1 - end) / unit)   # into the later one's
            for win, area in zip(np.concatenate([w0, w1]).tolist(), np.concatenate([first, second]).tolist()):
                sums[win] = sums.get(win, 0.0) + area
        windows = sorted(set(w.tolist()))
        if interval and windows and t[-1] == windows[-1]:
            windows = windows[:-1]   # the last window holds only a point at its start: no area
        if not interval and len(t) < 2:
            windows = []
        if windows:
            out[gid] = (np.asarray(windows, dtype=np.int64),
                        Vec(np.asarray([sums.get(x, 0.0) for x in windows], dtype=np.float64)), None)
    return out


def _reduce_call(call, table, buckets, runs=None):
    """``{group: (bucket starts, values Vec, chosen rows or None)}`` of one call.

    ``chosen rows`` (selectors only) are the table rows of the points the selector picked.
    ``runs`` (a dict) keeps the run starts of a column with a value on every row for the
    next call over such a column.
    """
    name = call.name.lower()
    arg = call.args[0]
    if name == "count" and isinstance(arg, ast.Call) and arg.name.lower() == "distinct":
        name, arg = "count_distinct", arg.args[0]
    if isinstance(arg, ast.Distinct):
        arg = ast.VarRef(arg.name)
        name = "count_distinct" if name == "count" else name
    vec = _column(table, arg)
    if vec is None:
        return {}
    if vec.valid is None and len(vec.values):
        # every row has a value: no gathers, and the runs are the same for every such column
        values, group, b = vec.values, table.group, buckets
        if runs is None or "all" not in runs:
            idx = np.arange(len(values), dtype=np.int64)
            starts = _run_starts(group, b)
            if runs is not None:
                runs["all"] = (idx, starts)
        else:
            idx, starts = runs["all"]
    else:
        valid = vec.mask()
        if not valid.any():
            return {}
        idx = np.flatnonzero(valid)
        values = vec.values[idx]
        group = table.group[idx]
        b = buckets[idx]
        starts = _run_starts(group, b)
    if name in _NUMERIC_ONLY and (values.dtype == object or (values.dtype == np.bool_ and
                                                             name not in _BOOLEAN_SELECTORS)):
        raise _iterator_type_error(call.name.lower(), values)
    if name == "distinct":
        return _split_by_group(group[starts], b[starts], Vec(values, None), table.times[idx], starts=starts)
    extra = (float(call.args[1].value),) if name == "percentile" else ()
    if values.dtype == object:
        values = values.astype(str)
    # selectors report positions: pass row numbers as the "times" and map back
    clock = None
    if name in ("first", "last", "mode"):   # the functions that order points by time
        clock = table.times if len(idx) == len(table.times) else table.times[idx]
    out_vals, chosen, out_valid = functions.reduce_runs(name, idx, values, starts, *extra, clock=clock)
    if out_vals.dtype.kind == "U":
        out_vals = out_vals.astype(object)
    if name == "percentile" and out_valid is not None:
        # a percentile past either end emits no point at all (PercentileReduceSlice returns
        # nil): the window is empty, not null
        keep = np.flatnonzero(out_valid)
        starts, out_vals, out_valid = starts[keep], out_vals[keep], None
        chosen = chosen[keep] if chosen is not None else None
    return _split_by_group(group[starts], b[starts], Vec(out_vals, out_valid), chosen)


def _run_starts(group, buckets):
    """Indexes where a new (group, bucket) run begins, in rows sorted by (group, time)."""
    new = np.ones(len(group), dtype=bool)
    new[1:] = (group[1:] != group[:-1]) | (buckets[1:] != buckets[:-1])
    return np.flatnonzero(new)


def _split_by_group(run_group, run_bucket, vec, chosen, starts=None):
    out = {}
    bounds = np.flatnonzero(np.diff(run_group)) + 1
    for part in np.split(np.arange(len(run_group)), bounds):
        if not len(part):
            continue
        gid = int(run_group[part[0]])
        if starts is not None:   # distinct: keep every value of the group's runs (``chosen``: their times)
            lo_i = starts[part[0]]
            hi_i = starts[part[-1] + 1] if part[-1] + 1 < len(starts) else len(vec.values)
            out[gid] = (run_bucket[part], vec, (starts[part], lo_i, hi_i, chosen))
            continue
        out[gid] = (run_bucket[part], Vec(vec.values[part], None if vec.valid is None else vec.valid[part]),
                    None if chosen is None else chosen[part])
    return out


def _top_bottom(source, table, fields, call, buckets, interval, stmt):
    """Rows of ``top()`` / ``bottom()``: the ``n`` largest (smallest) points of each window;
    of ``sample()``: ``n`` points of each window drawn at random (all of them when it has no
    more than ``n``), as InfluxDB's reservoir sampling does.

    With tag arguments the points are first reduced to the max (min) per distinct tag values,
    as InfluxDB builds a max() iterator grouped by them.  Ties keep the earlier point.  Rows
    come out in time order, with their points' times.  Columns: the function, its tag
    arguments, then the other selected fields.
    """
    name = call.name.lower()
    ref, n = call.args[0], int(call.args[-1].value)
    tag_args = [a for a in call.args[1:-1]]
    vec = _column(table, ref)
    if vec is None:
        return []
    rows = np.flatnonzero(vec.mask())
    values = vec.values[rows]
    if name != "sample" and (values.dtype == object or values.dtype == np.bool_):
        raise _iterator_type_error(name, values)
    sign = -1 if name == "top" else 1
    if name == "sample":   # a random key instead of the value: n random points per window
        values = np.random.default_rng().random(len(rows))
    run = table.group[rows] * (1 << 40) + _bucket_index(buckets[rows])
    if tag_args:
        keys = np.array(["\x00".join(str(x) for x in t) for t in zip(
            *[_tag_values(table, a, rows) for a in tag_args])], dtype=object)
        _, key_id = np.unique(keys, return_inverse=True)
        order = np.lexsort((table.times[rows], sign * values.astype(np.float64), key_id, run))
        first = np.ones(len(order), dtype=bool)
        first[1:] = (key_id[order][1:] != key_id[order][:-1]) | (run[order][1:] != run[order][:-1])
        rows, values, run = rows[order][first], values[order][first], run[order][first]
    order = np.lexsort((table.times[rows], sign * values.astype(np.float64), run))
    r_sorted = run[order]
    starts = np.flatnonzero(np.r_[True, r_sorted[1:] != r_sorted[:-1]])
    rank = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)]))
    chosen = rows[order][rank < n]
    chosen = chosen[np.lexsort((table.times[chosen], table.group[chosen]))]
    alias = next((f.alias for f in fields if f.expr == call), "")   # top(v, 3) AS x: the column is x
    names = _column_names([ast.Field(call, alias)] + [ast.Field(a) for a in tag_args]
                          + [f for f in fields if not isinstance(f.expr, ast.Call)])
    out = []
    for gid, tags in enumerate(table.group_tags):
        g = chosen[table.group[chosen] == gid]
        if not len(g):
            continue
        times = table.times[g]   # top() and bottom() keep their points' times, with GROUP BY time too
        cols = [_to_list(vec, g)] + [_to_list(Vec(_tag_values(table, a, g)), np.arange(len(g)))
                                     for a in tag_args]
        for f in fields:
            if not isinstance(f.expr, ast.Call):
                aux = _column(table, f.expr)
                cols.append(_to_list(aux, g) if aux is not None else [None] * len(g))
        idx = np.arange(len(g))
        idx = _page_rows(idx, stmt)
        if not len(idx):
            continue
        values_rows = [[int(times[i])] + [c[i] for c in cols] for i in idx.tolist()]
        out.append(OutSeries(source.measurement, tags if stmt.dimensions and tags else {}, ["time"] + names,
                             values_rows))
    return out


def _iterator_type_error(function, values):
    """InfluxDB's error for a function given string or boolean points (its Go iterator type)."""
    kind = "string" if values.dtype == object or values.dtype.kind == "U" else "boolean"
    return SelectError(f"unsupported {function} iterator type: *query.{kind}InterruptIterator")


def _bucket_index(buckets):
    _, inv = np.unique(buckets, return_inverse=True)
    return inv.astype(np.int64)


def _tag_values(table, ref, rows):
    vec = table.frame.get((ref.name, "tag")) or table.frame.get(ref.name)
    if vec is None:
        return np.full(len(rows), None, dtype=object)
    out = vec.values[rows].astype(object)
    if vec.valid is not None:
        out[~vec.valid[rows]] = None
    return out


def _distinct_rows(call, res, interval, default_time):
    """Rows of ``distinct(field)``: each bucket's distinct values at the bucket's time.

    In InfluxDB's order (the DistinctReducer's ``Emit``): by the time each value first occurs
    in the bucket, then by value.  It shows when a chunked answer cuts the rows.
    """
    run_buckets, vec, (run_starts, lo_i, hi_i, point_times) = res
    times, values = [], []
    ends = list(run_starts[1:]) + [hi_i]
    for b, s, e in zip(run_buckets.tolist(), run_starts.tolist(), ends):
        first = {}
        for v, t in zip(vec.values[s:e].tolist(), point_times[s:e].tolist()):
            if v not in first or t < first[v]:
                first[v] = t
        uniq = sorted(first, key=lambda v: (first[v], isinstance(v, str), v))
        times += [b if interval else default_time] * len(uniq)
        values += uniq
    grid = np.asarray(times, dtype=np.int64)
    arr = np.empty(len(values), dtype=object)
    arr[:] = values
    return grid, {call: Vec(arr)}


def _on_grid(call, res, grid, stmt, interval):
    """The call's values on the bucket grid, empty buckets filled as ``fill()`` says."""
    n = len(grid)
    is_count = call.name.lower() == "count"
    if res is None:
        return Vec(np.zeros(n, dtype=np.float64), np.zeros(n, dtype=bool))
    rb, rvec, _ = res
    if not interval:
        return rvec if len(rb) else Vec(np.zeros(n), np.zeros(n, dtype=bool))
    pos = np.searchsorted(grid, rb)
    inside = (pos < n) & (grid[np.minimum(pos, n - 1)] == rb)
    values = np.zeros(n, dtype=rvec.values.dtype) if rvec.values.dtype != object else np.empty(n, dtype=object)
    valid = np.zeros(n, dtype=bool)
    values[pos[inside]] = rvec.values[inside]
    valid[pos[inside]] = rvec.mask()[inside]
    fill = stmt.fill
    if fill == "null" and is_count:
        fill, fill_value = "number", 0
    else:
        fill_value = stmt.fill_value
    if fill == "number":
        values = values.copy()
        if values.dtype.kind in "iu" and isinstance(fill_value, float) and not float(fill_value).is_integer():
            values = values.astype(np.float64)
        values[~valid] = fill_value
        return Vec(values)
    if fill == "previous":
        idx = np.where(valid, np.arange(n), -1)
        np.maximum.accumulate(idx, out=idx)
        ok = idx >= 0
        return Vec(values[np.maximum(idx, 0)], ok)
    if fill == "linear" and values.dtype.kind in "iuf":
        known = np.flatnonzero(valid)
        if len(known) >= 2:
            filled = values.astype(np.float64)
            inner = (np.arange(n) > known[0]) & (np.arange(n) < known[-1]) & ~valid
            filled[inner] = np.interp(grid[inner], grid[known], values[known].astype(np.float64))
            if values.dtype.kind in "iu":
                filled = np.where(valid, values, filled.astype(np.int64))
            return Vec(filled if values.dtype.kind == "f" else filled.astype(values.dtype), valid | inner)
    return Vec(values, valid)


def _order_series(series, descending=False):
    """Series by measurement and tag set; ``ORDER BY time DESC`` reverses them, as InfluxDB does."""
    return sorted(series, key=lambda s: (s.name, sorted(s.tags.items())), reverse=descending)


# -- output --------------------------------------------------------------------------------

def format_times(series, epoch, location=""):
    """Turn the int-ns first column into ``epoch`` integers, or RFC3339 strings in the zone."""
    unit = EPOCH_UNITS.get(epoch, 1) if epoch else None
    tz = zone(location) if location and not epoch else None
    columnar = [s.values for s in series if isinstance(s.values, ColumnRows)]
    if columnar and unit != 1:
        resultrows.format_times(columnar, unit, tz)
    rows = [row for s in series if not isinstance(s.values, ColumnRows) for row in s.values]
    if not rows:
        return series
    # PERF: the whole time column at once (timetext), then put back in the rows
    times = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
    if epoch:
        unit = EPOCH_UNITS.get(epoch, 1)
        if unit == 1:
            return series
        texts = timetext.epoch_values(times, unit)   # Go's division truncates
    else:
        texts = timetext.rfc3339_many(times, zone(location) if location else None)
    for row, text in zip(rows, texts):
        row[0] = text
    return series


rfc3339 = timetext.rfc3339


def bucket_count(stmt, now_ns):
    """How many GROUP BY time() windows a SELECT spans, counted as InfluxDB's max-select-buckets does.

    0 when InfluxDB does not count: raw queries, no interval, no lower time bound, or a
    statement whose condition or dimensions are invalid (its run reports that).
    """
    try:
        _, tr = split_condition(stmt.condition, now_ns, zone(stmt.location))
        interval, offset, _ = _dimensions(stmt, now_ns)
    except (ConditionError, SelectError):
        return 0
    raw = not any(isinstance(n, ast.Call) for f in stmt.fields for n in ast.walk(f.expr))
    if raw or not interval or tr.lo is None or tr.lo <= MIN_TIME:
        return 0
    end = now_ns if tr.hi is None else tr.hi
    first = tr.lo - (tr.lo - offset) % interval
    last = (end - 1) - (end - 1 - offset) % interval
    return max((last - first + interval) // interval, 0)
