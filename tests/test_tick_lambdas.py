"""TICKscript lambdas: Kapacitor's own cases, and the column evaluator against the reference.

* Kapacitor's ``tick/stateful`` tests restated (``tick_lambda_cases.py``, plus hand-restated
  cases of ``eval_*_test.go`` and ``expr_dynamic_test.go``), run through BOTH evaluators;
* property tests: random expressions on random columns (missing fields, tags, name clashes,
  several batches sharing one state), where every row's value or error message and the final
  function state must equal the point-at-a-time reference.
"""
import functools
import itertools
import math
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tick_lambda_cases import KAPACITOR_BINARY_CASES, KAPACITOR_FUNCTION_CASES

from machstore.tick import lambda_ref
from machstore.tick.expr import CompiledRegex
from machstore.tick.functions import CallError, call_columns
from machstore.tick.gocompat import GoError
from machstore.tick.lambda_ref import EvalError, ReferenceLambda
from machstore.tick.lambda_types import (
    BOOL,
    DURATION,
    FLOAT,
    INT,
    REGEX,
    STRING,
    TIME,
    Duration,
    LambdaError,
    Time,
)
from machstore.tick.lambdas import Lambda, PointColumns, compile_lambda
from machstore.tick.state import LambdaState

UTC = ZoneInfo("UTC")


# -- running both evaluators ------------------------------------------------------------------

def _py(res, i):
    if not res.ok[i]:
        return ("err", res.errors[i])
    v = res.values[i]
    typ = res.type
    if typ is None:
        return ("ok", v)
    if typ == FLOAT:
        return ("ok", float(v))
    if typ in (INT,):
        return ("ok", int(v))
    if typ == BOOL:
        return ("ok", bool(v))
    if typ == DURATION:
        return ("ok", Duration(int(v)))
    if typ == TIME:
        return ("ok", Time(int(v)))
    return ("ok", v)


def _same(a, b):
    if a[0] != b[0]:
        return False
    x, y = a[1], b[1]
    if isinstance(x, float) and isinstance(y, float):
        return (math.isnan(x) and math.isnan(y)) or (x == y and math.copysign(1, x) == math.copysign(1, y))
    return type(x) is type(y) and x == y


def _columns(rows, field_types, tag_names):
    """rows: list of (fields dict, tags dict, time)."""
    fields = {}
    for name, typ in field_types.items():
        dtype = {FLOAT: np.float64, INT: np.int64, BOOL: np.bool_, STRING: object,
                 DURATION: "timedelta64[ns]"}[typ]
        present = np.array([name in r[0] for r in rows], dtype=bool)
        if typ == DURATION:
            vals = np.array([r[0][name].ns if name in r[0] else 0 for r in rows], np.int64).view("timedelta64[ns]")
        elif typ == STRING:
            vals = np.array([r[0].get(name) for r in rows] + [None], dtype=object)[:-1]
        else:
            zero = {FLOAT: 0.0, INT: 0, BOOL: False}[typ]
            vals = np.array([r[0].get(name, zero) for r in rows], dtype=dtype)
        fields[name] = (vals, present)
    tags = {name: np.array([r[1].get(name) for r in rows] + [None], dtype=object)[:-1] for name in tag_names}
    return PointColumns(np.array([r[2] for r in rows], np.int64), fields, tags)


def run_both(tree, rows, field_types, tag_names=(), *, predicate=False, batches=(), tz=UTC, seed_state=None):
    """Evaluate on both evaluators; return (reference outcomes, column outcomes, states)."""
    try:
        ref = ReferenceLambda(tree, tz=tz)
    except LambdaError as ex:
        with pytest.raises(LambdaError) as info:
            Lambda(tree, tz=tz)
        assert str(info.value) == str(ex)
        return None
    col = Lambda(tree, tz=tz)
    base = seed_state or LambdaState().to_dict()
    rstate, cstate = LambdaState.from_dict(base), LambdaState.from_dict(base)
    rstate.clock = cstate.clock = lambda: 1_700_000_000_123_456_789
    expected = []
    for fields, tags, t in rows:
        try:
            fn = ref.predicate_point if predicate else ref.eval_point
            value = fn(fields, tags, t, rstate)
            expected.append(("ok", value))
        except EvalError as ex:
            expected.append(("err", str(ex)))
    got = []
    cuts = [0, *batches, len(rows)]
    for a, b in itertools.pairwise(cuts):
        cols = _columns(rows[a:b], field_types, tag_names)
        res = col.predicate(cols, cstate) if predicate else col.evaluate(cols, cstate)
        got.extend(_py(res, i) for i in range(b - a))
    return expected, got, rstate, cstate


def check(tree, rows, field_types, tag_names=(), **kw):
    out = run_both(tree, rows, field_types, tag_names, **kw)
    if out is None:
        return None
    expected, got, rstate, cstate = out
    for i, (e, g) in enumerate(zip(expected, got)):
        assert _same(e, g), f"row {i}: reference {e!r} != columns {g!r}"
    assert rstate.to_dict() == cstate.to_dict()
    return expected


def one(tree, fields=None, tags=None, *, predicate=False, t=0):
    """Evaluate a lambda on one point with both evaluators and return the common outcome."""
    fields = fields or {}
    types = {k: _type_of(v) for k, v in fields.items()}
    out = check(tree, [(fields, tags or {}, t)], types, tuple((tags or {}).keys()), predicate=predicate)
    return out[0] if out is not None else None


def _type_of(v):
    return lambda_ref.type_of(v)


def _value(tagged):
    kind, v = tagged
    if kind == "dur":
        return Duration(v)
    if kind == "regex":
        return CompiledRegex(v)
    return v


def _literal(tagged):
    kind, v = tagged
    return (kind, v)


# -- Kapacitor's expr_test.go operator matrices ---------------------------------------------------

def _expectation(exp):
    kind, v = exp
    return ("err", v) if kind == "error" else ("ok", _value(v))


@pytest.mark.parametrize("case", KAPACITOR_BINARY_CASES, ids=lambda c: f"{c[0]}:{c[2]}{c[4]}{c[3]}")
def test_kapacitor_operator_matrix_literals(case):
    _test, mode, lhs, rhs, op, exp = case
    tree = (op, _literal(lhs), _literal(rhs))
    want = _expectation(exp)
    try:
        ReferenceLambda(tree)
    except LambdaError as ex:
        assert want == ("err", str(ex))
        with pytest.raises(LambdaError, match="^" + __import__("re").escape(want[1]) + "$"):
            Lambda(tree)
        return
    got = one(tree, predicate=(mode == "bool"))
    assert _same(got, want), (got, want)


@pytest.mark.parametrize("case", [c for c in KAPACITOR_BINARY_CASES if c[2][0] != "regex"],
                         ids=lambda c: f"{c[0]}:{c[2]}{c[4]}{c[3]}")
def test_kapacitor_operator_matrix_reference_left(case):
    _test, mode, lhs, rhs, op, exp = case
    tree = (op, ("ref", "value"), _literal(rhs))
    got = one(tree, {"value": _value(lhs)}, predicate=(mode == "bool"))
    assert _same(got, _expectation(exp)), (got, exp)


# -- Kapacitor's functions_test.go direct calls ------------------------------------------------

@pytest.mark.parametrize("case", KAPACITOR_FUNCTION_CASES, ids=lambda c: f"{c[0]}:{c[1]}{c[2]}")
def test_kapacitor_function_calls_reference(case):
    _test, name, args, exp = case
    values = [None if k == "nil" else _GoInt(v) if k == "goint" else _value((k, v)) for k, v in args]
    scope = lambda_ref._Scope({}, [], LambdaState(), UTC)
    try:
        got = ("ok", lambda_ref.call(name, values, scope))
    except (GoError, EvalError) as ex:
        got = ("err", str(ex))
    want = _expectation(exp)
    if want[0] == "ok" and want[1].__class__ is int and isinstance(got[1], bool):
        got = ("ok", int(got[1]))
    assert _same(got, want) or (want[0] == "ok" and got == want), (got, want)


class _GoInt(int):
    """A Go ``int`` (not int64): no lambda type, Go's %T says ``int``."""


lambda_ref.GO_TYPE_EXTRA = None
_orig_type_of = lambda_ref.type_of


def _type_of_with_goint(value):
    if isinstance(value, _GoInt):
        return "goint"
    return _orig_type_of(value)


@pytest.fixture(autouse=True)
def _go_int(monkeypatch):
    from machstore.tick import lambda_types
    monkeypatch.setattr(lambda_ref, "type_of", _type_of_with_goint)
    monkeypatch.setitem(lambda_types.GO_TYPE, "goint", "int")


_COLUMN_TYPES = {"int": INT, "float": FLOAT, "str": STRING, "bool": BOOL, "dur": DURATION, "regex": REGEX}


@pytest.mark.parametrize("case", [c for c in KAPACITOR_FUNCTION_CASES
                                  if all(k in _COLUMN_TYPES for k, _ in c[2])],
                         ids=lambda c: f"{c[0]}:{c[1]}{c[2]}")
def test_kapacitor_function_calls_columns(case):
    _test, name, args, exp = case
    types = [_COLUMN_TYPES[k] for k, _ in args]
    cols = []
    for (k, v), typ in zip(args, types):
        arr = np.empty(1, dtype=object if typ in (STRING, REGEX) else
                       {INT: np.int64, FLOAT: np.float64, BOOL: np.bool_, DURATION: np.int64}[typ])
        arr[0] = CompiledRegex(v) if typ == REGEX else v
        cols.append(arr)
    want = _expectation(exp)
    try:
        typ, vals, errs = call_columns(name, cols, types, 1, LambdaState(), UTC)
    except CallError as ex:
        assert want == ("err", str(ex))
        return
    if errs is not None and errs[0] is not None:
        assert want == ("err", errs[0])
        return
    value = vals[0]
    value = Duration(int(value)) if typ == DURATION else value.item() if hasattr(value, "item") else value
    assert want[0] == "ok" and want[1] == value and (type(want[1]) is type(value) or
                                                       isinstance(want[1], int) and typ == INT), (value, want)


# -- hand-restated cases from expr_test.go, eval_*_test.go and expr_dynamic_test.go -----------

def test_sigma_keeps_state_between_points():
    """TestExpression_EvalNum_KeepsFunctionsState."""
    rows = [({"value": 97.1}, {}, 0), ({"value": 92.6}, {}, 1)]
    out = check(("call", "sigma", ("ref", "value")), rows, {"value": FLOAT})
    assert out == [("ok", 0.0), ("ok", 0.7071067811865476)]


def test_count_state_is_shared_by_the_whole_expression():
    """TestEvalFunctionNode_EvalInt64_KeepConsistentState: one counter per expression."""
    rows = [({}, {}, 0)] * 3
    assert check(("call", "count"), rows, {}) == [("ok", 1), ("ok", 2), ("ok", 3)]
    assert check(("+", ("call", "count"), ("call", "count")), rows, {}) == [("ok", 3), ("ok", 7), ("ok", 11)]


def test_division_by_zero_is_an_error():
    """expr_dynamic_test.go: BinaryNode - Eval errors on integer division by zero."""
    assert one(("/", ("int", 10), ("int", 0))) == ("err", "runtime error: integer divide by zero")
    assert one(("%", ("ref", "x"), ("int", 0)), {"x": 7}) == ("err", "runtime error: integer divide by zero")
    assert one(("/", ("ref", "x"), ("float", 0.0)), {"x": 1.0}) == ("ok", math.inf)


def test_numeric_type_changes_between_points():
    """expr_dynamic_test.go: EvalNum supports numeric type changes."""
    rows = [({"value": 20.0}, {}, 0), ({"value": 5}, {}, 1)]
    tree = ("+", ("ref", "value"), ("float", 10.0))
    ref = ReferenceLambda(tree)
    state = ref.new_state()
    assert ref.eval_point(*rows[0], state) == 30.0
    with pytest.raises(EvalError, match="mismatched type to binary operator. got int \\+ float"):
        ref.eval_point(*rows[1], state)
    assert one(tree, {"value": 5}) == ("err", ("mismatched type to binary operator. got int + float. "
                                               "see bool(), int(), float(), string(), duration()"))


def test_unary_nodes():
    """eval_unary_node_test.go sanity cases, plus Kapacitor's odd unary typing."""
    assert one(("!", ("bool", False))) == ("ok", True)
    assert one(("-", ("ref", "x")), {"x": 5.5}) == ("ok", -5.5)
    assert one(("-", ("ref", "x")), {"x": 5}) == ("ok", -5)
    assert one(("-", ("dur", 10**9))) == ("ok", Duration(-10**9))
    assert one(("-", ("ref", "x")), {"x": "a"}) == ("err", "TypeGuard: expression returned unexpected type invalid type, expected string")
    assert one(("-", ("bool", True))) == ("ok", False)  # Kapacitor's EvalBool ignores the operator


def test_missing_fields_and_tags():
    assert one((">", ("ref", "x"), ("int", 1))) == ("err", 'left reference value "x" is missing value')
    assert one((">", ("int", 1), ("ref", "x"))) == ("err", 'right reference value "x" is missing value')
    assert one(("+", ("ref", "x"), ("int", 1))) == ("err", "invalid math operator + for type missing")
    assert one(("ref", "x")) == ("err", 'missing value: "x"')
    assert one(("call", "isPresent", ("ref", "x"))) == ("ok", False)
    assert one(("call", "isPresent", ("ref", "x")), {"x": 1.0}) == ("ok", True)
    assert one(("call", "abs", ("ref", "x")), {"y": 1.0}) == (
        "err", 'Cannot call function "abs" argument "x" is missing, values in scope are []')
    assert one(("call", "float", ("-", ("ref", "x")))) == (
        "err", 'Cannot call function "float" argument -"x" is missing, values in scope are ["x"]')
    assert one(("==", ("ref", "host"), ("str", "a")), {}, {"host": "a"}) == ("ok", True)
    clash = one(("==", ("ref", "host"), ("str", "a")), {"host": "a"}, {"host": "a"})
    assert clash == ("err", 'cannot have field and tags with same name "host"')


def test_function_signature_errors():
    assert one(("call", "abs", ("ref", "x")), {"x": 1}) == (
        "err", 'Cannot call function "abs" with args ("x": int), available signatures are [(float)].')
    assert one(("call", "nope", ("int", 1))) == ("err", 'undefined function: "nope"')
    assert one(("call", "if", ("bool", True), ("int", 1), ("float", 1.5))) == (
        "err", ('Cannot call function "if" with args (true: boolean,1: int,1.5: float), available signatures are '
                "[(boolean,float,float), (boolean,int,int), (boolean,string,string), (boolean,boolean,boolean), "
                "(boolean,regex,regex), (boolean,time,time), (boolean,duration,duration)]."))
    # A unary '!' skips the signature check, so the function's own check speaks.
    assert one(("!", ("call", "abs", ("ref", "x"))), {"x": 1}) == (
        "err", 'error calling "abs": cannot pass int64 to abs, must be float64')


def test_compile_errors_are_nested_like_kapacitor():
    with pytest.raises(LambdaError, match=r"^Failed to handle left node: mismatched type to binary operator\. "
                                          r"got int \+ float\."):
        Lambda((">", ("+", ("int", 1), ("float", 1.0)), ("int", 1)))
    with pytest.raises(LambdaError, match=r'^function "j0" \(a Bessel function\) is not supported'):
        Lambda(("call", "j0", ("float", 1.0)))


def test_short_circuit_skips_the_right_side():
    """AND/OR do not evaluate their right side, so its errors and state changes do not happen."""
    rows = [({"x": v}, {}, 0) for v in (0, 1, 0, 1)]
    tree = ("AND", ("==", ("ref", "x"), ("int", 1)), (">", ("call", "count"), ("int", 0)))
    check(tree, rows, {"x": INT}, predicate=True)
    col = Lambda(tree)
    state = col.new_state()
    col.predicate(_columns(rows, {"x": INT}, ()), state)
    assert state.count == 2
    tree = ("OR", ("==", ("ref", "x"), ("int", 0)), ("==", ("/", ("int", 1), ("ref", "x")), ("int", 1)))
    assert check(tree, rows + [({"x": 0}, {}, 0)], {"x": INT}, predicate=True) == [("ok", True), ("ok", True)] * 2 + [("ok", True)]


def test_typical_lambdas():
    rows = [({"usage_idle": 5.0}, {"host": "web1"}, 0), ({"usage_idle": 50.0}, {"host": "web2"}, 0),
            ({"usage_idle": 1.0}, {"host": "db1"}, 0), ({}, {"host": "web3"}, 0)]
    tree = ("AND", ("<", ("ref", "usage_idle"), ("int", 10)), ("=~", ("ref", "host"), ("regex", "web")))
    out = check(tree, rows, {"usage_idle": FLOAT}, ("host",), predicate=True)
    assert out == [("ok", True), ("ok", False), ("ok", False),
                   ("err", 'left reference value "usage_idle" is missing value')]
    tree = ("call", "if", (">", ("ref", "x"), ("int", 1)), ("str", "a"), ("str", "b"))
    assert check(tree, [({"x": 3}, {}, 0), ({"x": 0}, {}, 0)], {"x": INT}) == [("ok", "a"), ("ok", "b")]


def test_time_functions_use_the_lambda_time_zone():
    t = 1_700_000_000 * 10**9  # 2023-11-14 22:13:20 UTC, a Tuesday
    for name, want in (("minute", 13), ("hour", 22), ("weekday", 2), ("day", 14), ("month", 11), ("year", 2023)):
        assert one(("call", name, ("ref", "time")), t=t) == ("ok", want)
    ny = ZoneInfo("America/New_York")
    out = check(("call", "hour", ("ref", "time")), [({}, {}, t)], {}, tz=ny)
    assert out == [("ok", 17)]
    assert one(("call", "unixNano", ("ref", "time")), t=t) == ("ok", t)
    assert one(("ref", "time"), t=t) == ("err", "expression returned unexpected type time")


def test_state_dumps_and_loads():
    tree = ("+", ("call", "sigma", ("ref", "v")), ("call", "spread", ("ref", "v")))
    col = Lambda(tree)
    vals = np.array([1.0, 5.0, 2.5, 9.0, -3.0, 4.0])
    base = col.new_state()
    whole = LambdaState.from_dict(base.to_dict())
    all_at_once = col.evaluate(PointColumns(np.arange(6), {"v": vals}), whole).values
    first = LambdaState.from_dict(base.to_dict())
    a = col.evaluate(PointColumns(np.arange(3), {"v": vals[:3]}), first).values
    restored = LambdaState.from_bytes(first.to_bytes())
    assert restored == first
    b = col.evaluate(PointColumns(np.arange(3), {"v": vals[3:]}), restored).values
    assert np.array_equal(np.concatenate([a, b]), all_at_once)
    assert restored == whole


# -- property tests: columns == reference, row by row -------------------------------------------

FIELD_TYPES = {"f": FLOAT, "i": INT, "s": STRING, "b": BOOL, "d": DURATION, "c": INT}
TAGS = ("t", "c")

_floats = st.sampled_from([0.0, -0.0, 1.0, 1.5, -2.25, 3.0, 100.0, 1e300, math.inf, -math.inf, math.nan, 0.1])
_ints = st.sampled_from([0, 1, -1, 2, 3, 7, -9, 10**18, -(2**63), 2**63 - 1])
_strs = st.text(alphabet="ab c1.TéµX_", max_size=5)
_durs = st.sampled_from([0, 1, 5, 10**9, -(10**9), 3_600 * 10**9, 1500]).map(Duration)


def _leaf():
    return st.one_of(
        st.sampled_from([("ref", n) for n in ("f", "i", "s", "b", "d", "t", "c", "m", "time")]),
        _ints.map(lambda v: ("int", v)), _floats.map(lambda v: ("float", v)),
        _strs.map(lambda v: ("str", v)), st.booleans().map(lambda v: ("bool", v)),
        _durs.map(lambda v: ("dur", v.ns)), st.sampled_from([("regex", "a"), ("regex", "^b."), ("regex", "(x*)")]),
    )


_FUNCS = ["abs", "sqrt", "floor", "max", "pow", "pow10", "count", "sigma", "spread", "if", "isPresent",
          "bool", "int", "float", "string", "duration", "strContains", "strLength", "strSubstring", "strReplace",
          "strToUpper", "strIndex", "strTrim", "regexReplace", "humanBytes", "hour", "weekday", "unixNano",
          "logb", "gamma", "mod", "min", "strIndexAny"]
_OPS = ["+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">=", "=~", "!~", "AND", "OR"]


def _expr():
    return st.recursive(
        _leaf(),
        lambda inner: st.one_of(
            st.tuples(st.sampled_from(_OPS), inner, inner),
            st.tuples(st.sampled_from(["-", "!"]), inner),
            st.builds(lambda name, args: ("call", name, *args), st.sampled_from(_FUNCS),
                      st.lists(inner, min_size=0, max_size=3)),
        ),
        max_leaves=7,
    )


@functools.cache
def _typed(typ, depth=3):
    """Well-typed expressions of a type (so values, not only type errors, get compared)."""
    lit = {FLOAT: _floats.map(lambda v: ("float", v)), INT: _ints.map(lambda v: ("int", v)),
           STRING: _strs.map(lambda v: ("str", v)), BOOL: st.booleans().map(lambda v: ("bool", v)),
           DURATION: _durs.map(lambda v: ("dur", v.ns))}[typ]
    refs = {FLOAT: ["f", "m"], INT: ["i", "c"], STRING: ["s", "t", "c"], BOOL: ["b"], DURATION: ["d"]}[typ]
    leaves = st.one_of(lit, st.sampled_from([("ref", r) for r in refs]))
    if depth <= 0:
        return leaves

    def sub(t):
        return st.deferred(lambda: _typed(t, depth - 1))

    def call(name, *types):
        return st.tuples(*(sub(t) for t in types)).map(lambda args: ("call", name, *args))

    def op(ops, lt, rt):
        return st.tuples(st.sampled_from(ops), sub(lt), sub(rt))

    def num():
        return st.sampled_from([FLOAT, INT])

    if typ == FLOAT:
        options = [op(["+", "-", "*", "/"], FLOAT, FLOAT), sub(FLOAT).map(lambda e: ("-", e)),
                   st.sampled_from(["abs", "sqrt", "floor", "log", "exp", "logb", "gamma", "erf"]).flatmap(
                       lambda f: call(f, FLOAT)),
                   st.sampled_from(["max", "min", "pow", "mod", "atan2", "hypot"]).flatmap(
                       lambda f: call(f, FLOAT, FLOAT)),
                   st.sampled_from([INT, STRING, BOOL]).flatmap(lambda t: call("float", t)),
                   call("sigma", FLOAT), call("spread", FLOAT), call("pow10", INT),
                   call("if", BOOL, FLOAT, FLOAT)]
    elif typ == INT:
        options = [op(["+", "-", "*", "/", "%"], INT, INT), sub(INT).map(lambda e: ("-", e)),
                   st.sampled_from([FLOAT, BOOL, STRING]).flatmap(lambda t: call("int", t)),
                   call("count"), call("strLength", STRING), call("strIndex", STRING, STRING),
                   call("strLastIndexAny", STRING, STRING), call("strCount", STRING, STRING),
                   st.sampled_from(["hour", "minute", "weekday", "day", "month", "year", "unixNano"]).map(
                       lambda f: ("call", f, ("ref", "time"))),
                   op(["/"], DURATION, DURATION), call("if", BOOL, INT, INT)]
    elif typ == BOOL:
        options = [st.tuples(st.sampled_from(["==", "!=", "<", "<=", ">", ">="]), num().flatmap(sub),
                             num().flatmap(sub)),
                   op(["==", "!=", "<", ">="], STRING, STRING), op(["==", "<"], DURATION, DURATION),
                   st.tuples(st.sampled_from(["=~", "!~"]), sub(STRING),
                             st.sampled_from([("regex", "a"), ("regex", "^b."), ("regex", "[0-9]$")])),
                   op(["AND", "OR"], BOOL, BOOL), op(["==", "!="], BOOL, BOOL), sub(BOOL).map(lambda e: ("!", e)),
                   st.sampled_from(["f", "i", "s", "m", "t"]).map(lambda r: ("call", "isPresent", ("ref", r))),
                   call("strContains", STRING, STRING), call("strHasPrefix", STRING, STRING),
                   st.sampled_from([INT, STRING, FLOAT]).flatmap(lambda t: call("bool", t))]
    elif typ == STRING:
        options = [op(["+"], STRING, STRING),
                   st.sampled_from([INT, FLOAT, BOOL, DURATION, STRING]).flatmap(lambda t: call("string", t)),
                   call("strToUpper", STRING), call("strTrimSpace", STRING), call("strTrim", STRING, STRING),
                   call("strReplace", STRING, STRING, STRING, INT), call("strSubstring", STRING, INT, INT),
                   st.tuples(st.sampled_from([("regex", "a"), ("regex", "(x*)"), ("regex", "(?P<n>[a-c])")]),
                             sub(STRING), st.sampled_from([("str", "-"), ("str", "$1."), ("str", "${n}$$")])).map(
                       lambda a: ("call", "regexReplace", *a)),
                   st.sampled_from([INT, FLOAT]).flatmap(lambda t: call("humanBytes", t)),
                   call("if", BOOL, STRING, STRING)]
    else:
        options = [op(["+", "-"], DURATION, DURATION), op(["*", "/"], DURATION, INT),
                   op(["*", "/"], DURATION, FLOAT), op(["*"], INT, DURATION), sub(DURATION).map(lambda e: ("-", e)),
                   call("duration", INT, DURATION), call("duration", FLOAT, DURATION),
                   call("duration", STRING, DURATION), call("if", BOOL, DURATION, DURATION)]
    return st.one_of(leaves, *options)


def _value_for(typ):
    return {FLOAT: _floats, INT: _ints, STRING: _strs, BOOL: st.booleans(), DURATION: _durs}[typ]


@st.composite
def _rows(draw):
    n = draw(st.integers(1, 12))
    rows = []
    for _ in range(n):
        fields = {}
        for name, typ in FIELD_TYPES.items():
            if draw(st.integers(0, 3)):
                fields[name] = draw(_value_for(typ))
        tags = {}
        for name in TAGS:
            if draw(st.booleans()):
                tags[name] = draw(_strs)
        t = draw(st.integers(-10**18, 4 * 10**18))
        rows.append((fields, tags, t))
    return rows


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tree=_expr(), rows=_rows(), predicate=st.booleans(), cut=st.integers(0, 12))
def test_columns_equal_reference(tree, rows, predicate, cut):
    batches = (cut,) if 0 < cut < len(rows) else ()
    check(tree, rows, FIELD_TYPES, TAGS, predicate=predicate, batches=batches,
          tz=ZoneInfo("Europe/Paris"))


@settings(max_examples=150, deadline=None)
@given(rows=_rows(), op=st.sampled_from(_OPS), cut=st.integers(0, 12),
       left=st.sampled_from(["f", "i", "s", "d", "m"]), right=_leaf())
def test_columns_equal_reference_typical_shapes(rows, op, cut, left, right):
    """Shapes real lambdas have: a reference against a literal or reference, inside AND."""
    tree = ("AND", (op, ("ref", left), right), (">=", ("call", "count"), ("int", 0)))
    batches = (cut,) if 0 < cut < len(rows) else ()
    check(tree, rows, FIELD_TYPES, TAGS, predicate=True, batches=batches)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), rows=_rows(), cut=st.integers(0, 12))
def test_columns_equal_reference_well_typed(data, rows, cut):
    typ = data.draw(st.sampled_from([FLOAT, INT, BOOL, STRING, DURATION]))
    tree = data.draw(_typed(typ))
    batches = (cut,) if 0 < cut < len(rows) else ()
    check(tree, rows, FIELD_TYPES, TAGS, predicate=(typ == BOOL and data.draw(st.booleans())),
          batches=batches, tz=ZoneInfo("America/New_York"))


def test_strings_are_bytes_like_go():
    assert one(("call", "strLength", ("str", "µs"))) == ("ok", 3)
    assert one(("call", "strIndex", ("str", "éa"), ("str", "a"))) == ("ok", 2)
    assert one(("call", "string", ("float", 1e21))) == ("ok", "1000000000000000000000")
    assert one(("call", "humanBytes", ("int", 82854982))) == ("ok", "83 MB")
    assert one(("call", "duration", ("str", "1h30m"), ("dur", 10**9))) == ("ok", Duration(5400 * 10**9))
    assert one(("call", "duration", ("str", "x"), ("dur", 10**9))) == (
        "err", 'error calling "duration": invalid duration string "x"')
    assert one(("call", "strSubstring", ("str", "abcdef"), ("int", 4), ("int", 2))) == (
        "err", "runtime error: slice bounds out of range [4:2]")



@pytest.mark.parametrize(("source", "tree"), [
    ('"usage_idle" < 10 AND "host" =~ /web/',
     ("AND", ("<", ("ref", "usage_idle"), ("int", 10)), ("=~", ("ref", "host"), ("regex", "web")))),
    ('sigma("value") > 3.0', (">", ("call", "sigma", ("ref", "value")), ("float", 3.0))),
    ("if(\"x\" > 1, 'a', 'b')", ("call", "if", (">", ("ref", "x"), ("int", 1)), ("str", "a"), ("str", "b"))),
    ('-"x" * 2 + 1', ("+", ("*", ("-", ("ref", "x")), ("int", 2)), ("int", 1))),
    ('!("b" == TRUE) OR "d" > 5m', ("OR", ("!", ("==", ("ref", "b"), ("bool", True))),
                                     (">", ("ref", "d"), ("dur", 300 * 10**9)))),
])
def test_parsed_lambdas_compile_like_tuple_trees(source, tree):
    """Lambdas parsed by machstore.tick.parser give the same results as the tuple trees."""
    rows = [({"usage_idle": 5.0, "value": 1.0, "x": 3, "b": True, "d": Duration(10**12)}, {"host": "web1"}, 0),
            ({"usage_idle": 50.0, "value": 9.0, "x": 0, "b": False, "d": Duration(1)}, {"host": "db"}, 1)]
    types = {"usage_idle": FLOAT, "value": FLOAT, "x": INT, "b": BOOL, "d": DURATION}
    cols = _columns(rows, types, ("host",))
    parsed, built = compile_lambda(source), Lambda(tree)
    assert parsed.node.text() == built.node.text()
    a = parsed.evaluate(cols, parsed.new_state())
    b = built.evaluate(cols, built.new_state())
    assert [_py(a, i) for i in range(2)] == [_py(b, i) for i in range(2)]


def test_regex_literals_use_go_syntax_errors():
    with pytest.raises(LambdaError, match="error parsing regexp"):
        Lambda(("=~", ("ref", "x"), ("regex", "a(")))
