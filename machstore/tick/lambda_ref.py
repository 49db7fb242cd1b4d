"""The reference lambda evaluator: one point at a time, straight from Kapacitor's rules.

This is the oracle for the column evaluator (``lambdas.py``), in the spirit of the kernels'
reference twins: slow and plain.  It follows ``tick/stateful`` step by step: a point's scope
is filled (``fillScope``), the expression's type is asked first (``Type``), then the value
is evaluated with the typed ``Eval*`` calls, each with Kapacitor's own error texts.
"""

import math
from datetime import datetime

import numpy as np

from machstore.influxql.ast import format_duration
from machstore.tick import gocompat
from machstore.tick.expr import CompiledRegex, from_tuple, references
from machstore.tick.gocompat import GoError
from machstore.tick.lambda_types import (
    BOOL,
    DURATION,
    FLOAT,
    GO_TYPE,
    INT,
    INT64_MIN,
    INVALID,
    MISSING,
    MISSING_VALUE,
    OPERATORS,
    REGEX,
    STRING,
    TIME,
    Duration,
    Missing,
    Time,
    constant_type,
    go_float_f,
    go_float_to_int64,
    go_float_v,
    is_dynamic,
    missing_reference,
    type_error,
    type_guard,
    wrap_int64,
)
from machstore.tick.signatures import (
    MATH1,
    MATH2,
    MAX_ARGS,
    SIGNATURES,
    STRING1_STRING,
    STRING2_BOOL,
    STRING2_INT,
    STRING2_STRING,
    TIME_FUNCS,
    missing_error,
    signature_error,
    signature_result,
)
from machstore.tick.state import LambdaState
from machstore.tick.validate import validate

DIVIDE_BY_ZERO = "runtime error: integer divide by zero"
EVALUATOR_GO_TYPE = {"unary": "*stateful.EvalUnaryNode", "binary": "*stateful.EvalBinaryNode",
                     "call": "*stateful.EvalFunctionNode"}


class EvalError(Exception):
    """One point failed; ``str(ex)`` is Kapacitor's message."""


def type_of(value):
    """Kapacitor's ``ast.TypeOf`` for the reference evaluator's values."""
    if isinstance(value, bool):
        return BOOL
    if isinstance(value, int):
        return INT
    if isinstance(value, float):
        return FLOAT
    if isinstance(value, str):
        return STRING
    if isinstance(value, Duration):
        return DURATION
    if isinstance(value, Time):
        return TIME
    if isinstance(value, CompiledRegex):
        return REGEX
    if isinstance(value, Missing):
        return MISSING
    return INVALID


def go_t(value):
    """Go's ``%T`` of a value."""
    return GO_TYPE[type_of(value)] if value is not None else "<nil>"


class _Scope:
    __slots__ = ("refs", "state", "tz", "values")

    def __init__(self, values, refs, state, tz):
        self.values = values
        self.refs = refs
        self.state = state
        self.tz = tz


class ReferenceLambda:
    """A lambda evaluated point by point (build with a tuple tree or an ``expr`` node)."""

    def __init__(self, tree, *, tz=None):
        self.node = from_tuple(tree)
        validate(self.node)
        self.refs = references(self.node)
        self.tz = tz

    def new_state(self):
        """A fresh per-group state for the stateful functions."""
        return LambdaState()

    def _scope(self, fields, tags, time_ns, state):
        values = {}
        for name in self.refs:
            if name == "time":
                values[name] = Time(time_ns)
                continue
            if name in fields:
                if name in tags:
                    raise EvalError(f"cannot have field and tags with same name {_q(name)}")
                values[name] = fields[name]
            elif name in tags:
                values[name] = tags[name]
            else:
                values[name] = MISSING_VALUE
        return _Scope(values, self.refs, state, self.tz)

    def eval_point(self, fields, tags, time_ns, state):
        """Kapacitor's ``Expression.Eval``: the value of the lambda for one point."""
        scope = self._scope(fields, tags, time_ns, state)
        typ = _type(self.node, scope)
        if typ in (BOOL, INT, FLOAT, STRING, DURATION, MISSING):
            return _eval(self.node, typ, scope)
        raise EvalError(f"expression returned unexpected type {typ}")

    def predicate_point(self, fields, tags, time_ns, state):
        """Kapacitor's ``EvalPredicate``: Type first, then EvalBool."""
        scope = self._scope(fields, tags, time_ns, state)
        _type(self.node, scope)
        return _eval(self.node, BOOL, scope)


def _q(name):
    return gocompat.go_quote(name)


# -- Type ------------------------------------------------------------------------------


def _type(node, scope):
    kind = node.kind
    if kind == "literal":
        return node.type
    if kind == "reference":
        return type_of(scope.values[node.name])
    if kind == "unary":
        const = constant_type(node)
        return const if const != INVALID else _type(node.operand, scope)
    if kind == "binary":
        const = constant_type(node)
        if const != INVALID:
            return const
        lt = _type(node.left, scope)
        rt = _type(node.right, scope)
        result = OPERATORS.get((node.op, lt, rt))
        if result is None:
            raise EvalError(type_error(node.op, lt, rt))
        return result
    return _call_type(node, scope)


def _call_type(node, scope):
    if node.name not in SIGNATURES:
        raise EvalError(f"undefined function: {_q(node.name)}")
    types = []
    for i, arg in enumerate(node.args):
        try:
            t = _type(arg, scope)
        except EvalError as ex:
            raise EvalError(f"Failed to handle {i + 1} argument: {ex}") from None
        if i >= MAX_ARGS:
            raise EvalError(f"runtime error: index out of range [{i}] with length {MAX_ARGS}")
        types.append(t)
    result = signature_result(node.name, types)
    if result is None:
        missing = [a.text() for a, t in zip(node.args, types) if t == MISSING]
        if missing:
            raise EvalError(missing_error(node.name, missing, [f'"{r}"' for r in scope.refs]))
        raise EvalError(signature_error(node.name, [a.text() for a in node.args], types))
    return result


# -- Eval ------------------------------------------------------------------------------


def _eval(node, req, scope):
    kind = node.kind
    if kind == "literal":
        if req == node.type:
            return node.value
        if node.type == FLOAT and req == INT:  # NOTE: Kapacitor's EvalFloatNode.EvalInt text
            raise EvalError(type_guard(FLOAT, FLOAT))
        raise EvalError(type_guard(req, node.type))
    if kind == "reference":
        value = scope.values[node.name]
        typ = type_of(value)
        if typ == req:
            if typ == MISSING:
                raise EvalError(f'missing value: "{node.name}"')
            return value
        if typ == MISSING:
            raise EvalError(missing_reference(node.name))
        raise EvalError(type_guard(req, typ))
    if kind == "unary":
        return _eval_unary(node, req, scope)
    if kind == "binary":
        return _eval_binary(node, req, scope)
    return _eval_call(node, req, scope)


def _eval_unary(node, req, scope):
    if req in (FLOAT, INT, DURATION, BOOL):
        typ = _type(node, scope)
        if typ != req:
            raise EvalError(type_guard(req, typ))
        value = _eval(node.operand, req, scope)
        if req == BOOL:
            return not value
        if req == FLOAT:
            return -1.0 * value
        if req == INT:
            return wrap_int64(-value)
        return Duration(wrap_int64(-value.ns))
    if req == MISSING:
        if node.operand.kind != "reference":
            raise EvalError("expected nodeEvaluator to be *EvalReferenceNode got "
                            + EVALUATOR_GO_TYPE.get(node.operand.kind, "*stateful.EvalNode"))
        raise EvalError(missing_reference(node.operand.name))
    raise EvalError(type_guard(req, constant_type(node)))


def _binary_types(node, scope):
    if not (is_dynamic(node.left) or is_dynamic(node.right)):
        return constant_type(node.left), constant_type(node.right)
    lt = _type(node.left, scope)
    rt = _type(node.right, scope)
    if (node.op, lt, rt) not in OPERATORS:
        raise EvalError(_determine_error(node, lt, rt))
    return lt, rt


def _determine_error(node, lt, rt):
    """Kapacitor's determineError with a scope: a missing side is named first."""
    for side, typ, child in (("left", lt, node.left), ("right", rt, node.right)):
        if typ == MISSING:
            if child.kind != "reference":
                return (f"expected {side}Evaluator to be *EvalReferenceNode got "
                        + EVALUATOR_GO_TYPE.get(child.kind, "*stateful.EvalNode"))
            return f'{side} reference value "{child.name}" is missing value'
    return type_error(node.op, lt, rt)


def _eval_binary(node, req, scope):
    if req in (REGEX, TIME, MISSING):
        raise EvalError(type_guard(req, constant_type(node)))
    lt, rt = _binary_types(node, scope)
    result_type = OPERATORS[(node.op, lt, rt)]
    value = _apply(node, lt, rt, scope)
    if req == result_type:
        return value
    if req in (FLOAT, INT):
        if result_type in (FLOAT, INT):
            raise EvalError(type_guard(req, result_type))
        raise EvalError(type_guard(req, constant_type(node)))
    shown = GO_TYPE[result_type] if result_type in (INT, FLOAT, BOOL) else "<nil>"
    raise EvalError(f"expression returned unexpected type {shown}")


def _apply(node, lt, rt, scope):
    op = node.op
    if op in ("AND", "OR"):
        left = _eval(node.left, BOOL, scope)
        if op == "AND" and not left:
            return False
        if op == "OR" and left:
            return True
        return _eval(node.right, BOOL, scope)
    left = _eval(node.left, lt, scope)
    right = _eval(node.right, rt, scope)
    if op in ("=~", "!~"):
        found = right.re.search(left) is not None
        return found if op == "=~" else not found
    if lt == DURATION or rt == DURATION:
        return _duration_op(op, lt, rt, left, right)
    if op in ("==", "!=", "<", "<=", ">", ">="):
        if lt != rt:
            left, right = float(left), float(right)
        return {"==": left == right, "!=": left != right, "<": left < right,
                "<=": left <= right, ">": left > right, ">=": left >= right}[op]
    if lt == STRING:
        return left + right
    if lt == INT:
        return _int_op(op, left, right)
    with np.errstate(all="ignore"):
        a, b = np.float64(left), np.float64(right)
        return float({"+": a + b, "-": a - b, "*": a * b, "/": a / b}[op])


def _trunc_div(a, b):
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def _int_op(op, a, b):
    if op == "+":
        return wrap_int64(a + b)
    if op == "-":
        return wrap_int64(a - b)
    if op == "*":
        return wrap_int64(a * b)
    if b == 0:
        raise EvalError(DIVIDE_BY_ZERO)
    q = _trunc_div(a, b)
    if op == "/":
        return wrap_int64(q)
    return wrap_int64(a - b * q)


def _duration_op(op, lt, rt, a, b):
    if lt == rt == DURATION:
        x, y = a.ns, b.ns
        if op in ("==", "!=", "<", "<=", ">", ">="):
            return {"==": x == y, "!=": x != y, "<": x < y, "<=": x <= y, ">": x > y,
                    ">=": x >= y}[op]
        if op == "+":
            return Duration(wrap_int64(x + y))
        if op == "-":
            return Duration(wrap_int64(x - y))
        if y == 0:
            raise EvalError(DIVIDE_BY_ZERO)
        return wrap_int64(_trunc_div(x, y))
    if op == "*":
        if lt == DURATION:
            dur, k, ktype = a.ns, b, rt
        else:
            dur, k, ktype = b.ns, a, lt
        if ktype == INT:
            return Duration(wrap_int64(dur * k))
        return Duration(go_float_to_int64(float(np.float64(dur) * np.float64(k))))
    if rt == INT:
        if b == 0:
            raise EvalError(DIVIDE_BY_ZERO)
        return Duration(wrap_int64(_trunc_div(a.ns, b)))
    with np.errstate(all="ignore"):
        return Duration(go_float_to_int64(float(np.float64(a.ns) / np.float64(b))))


def _eval_arg(node, scope):
    typ = _type(node, scope)
    if typ == MISSING:
        try:
            _eval(node, MISSING, scope)
        except EvalError as ex:
            if "missing value" not in str(ex):
                raise
        return MISSING_VALUE
    return _eval(node, typ, scope)


def _eval_call(node, req, scope):
    args = []
    for i, arg in enumerate(node.args):
        try:
            args.append(_eval_arg(arg, scope))
        except EvalError as ex:
            raise EvalError(f"Failed to handle {i + 1} argument: {ex}") from None
    if node.name not in SIGNATURES:
        raise EvalError(f"undefined function: {_q(node.name)}")
    try:
        value = call(node.name, args, scope)
    except GoError as ex:
        raise EvalError(f"error calling {_q(node.name)}: {ex}") from None
    typ = type_of(value)
    if typ != req:
        raise EvalError(type_guard(req, typ))
    return value


# -- The built-in functions, one value at a time ------------------------------------------

_MATH1_IMPL = {
    "abs": abs, "acos": np.arccos, "acosh": np.arccosh, "asin": np.arcsin,
    "asinh": np.arcsinh, "atan": np.arctan, "atanh": np.arctanh, "cbrt": np.cbrt,
    "ceil": np.ceil, "cos": np.cos, "cosh": np.cosh, "erf": math.erf, "erfc": math.erfc,
    "exp": np.exp, "exp2": np.exp2, "expm1": np.expm1, "floor": np.floor,
    "gamma": gocompat.gamma, "log": np.log, "log10": np.log10, "log1p": np.log1p,
    "log2": np.log2, "logb": gocompat.logb, "sin": np.sin, "sinh": np.sinh, "sqrt": np.sqrt,
    "tan": np.tan, "tanh": np.tanh, "trunc": np.trunc,
}
_MATH2_IMPL = {"atan2": np.arctan2, "hypot": np.hypot, "max": gocompat.go_max,
               "min": gocompat.go_min, "mod": np.fmod, "pow": np.power}
_STRING_IMPL = {
    "strContains": lambda s, t: t in s,
    "strContainsAny": lambda s, t: any(c in s for c in t),
    "strHasPrefix": str.startswith, "strHasSuffix": str.endswith,
    "strCount": gocompat.count, "strIndex": gocompat.byte_index,
    "strIndexAny": gocompat.index_any, "strLastIndex": gocompat.byte_last_index,
    "strLastIndexAny": gocompat.last_index_any,
    "strTrim": lambda s, t: s.strip(t) if t else s,
    "strTrimLeft": lambda s, t: s.lstrip(t) if t else s,
    "strTrimRight": lambda s, t: s.rstrip(t) if t else s,
    "strTrimPrefix": str.removeprefix, "strTrimSuffix": str.removesuffix,
    "strToLower": str.lower, "strToUpper": str.upper, "strTrimSpace": gocompat.trim_space,
}
_ORDINAL = ("first", "second", "third", "fourth")


def _arity(name, args, n):
    if len(args) != n:
        words = {1: "exactly one argument", 2: "exactly two arguments",
                 3: "exactly three arguments", 4: "exactly four arguments"}
        raise GoError(f"{name} expects {words[n]}")


def _local(ns, tz):
    sec = ns // 1_000_000_000
    return datetime.fromtimestamp(sec, tz) if tz is not None else datetime.fromtimestamp(sec)


def call(name, args, scope):
    """Call one built-in with Go values; raises GoError with the function's own message."""
    state = scope.state
    if name in MATH1:
        _arity(name, args, 1)
        if type_of(args[0]) != FLOAT:
            raise GoError(f"cannot pass {go_t(args[0])} to {name}, must be float64")
        with np.errstate(all="ignore"):
            return float(_MATH1_IMPL[name](args[0]))
    if name in MATH2:
        _arity(name, args, 2)
        for a in args:
            if type_of(a) != FLOAT:
                raise GoError(f"cannot pass {go_t(a)} to {name}, must be float64")
        with np.errstate(all="ignore"):
            return float(_MATH2_IMPL[name](args[0], args[1]))
    if name == "pow10":
        if len(args) != 1:
            raise GoError("pow10 expects exactly two arguments")
        if type_of(args[0]) != INT:
            raise GoError(f"cannot pass {go_t(args[0])} to pow10, must be int64")
        return gocompat.pow10(args[0])
    if name in STRING2_BOOL or name in STRING2_INT or name in STRING2_STRING:
        _arity(name, args, 2)
        _strings(name, args, 2)
        out = _STRING_IMPL[name](args[0], args[1])
        return int(out) if name in STRING2_INT else out
    if name in STRING1_STRING or name == "strLength":
        _arity(name, args, 1)
        _strings(name, args, 1)
        return gocompat.byte_len(args[0]) if name == "strLength" else _STRING_IMPL[name](args[0])
    if name == "strReplace":
        _arity(name, args, 4)
        _strings(name, args, 3)
        if type_of(args[3]) != INT:
            raise GoError(f"cannot pass {go_t(args[3])} as fourth arg to strReplace, must be int")
        return gocompat.replace(*args)
    if name == "strSubstring":
        _arity(name, args, 3)
        _strings(name, args, 1)
        for i in (1, 2):
            if type_of(args[i]) != INT:
                raise GoError(f"cannot pass {go_t(args[i])} as {_ORDINAL[i]} arg to "
                              "strSubstring, must be int")
        text, start, stop = args
        for idx in (start, stop):
            if idx < 0:
                raise GoError(f"found negative index for strSubstring: {idx}")
        if stop >= gocompat.byte_len(text):
            raise GoError(f"stop index too large for string in strSubstring: {stop}")
        if start > stop:
            raise EvalError(f"runtime error: slice bounds out of range [{start}:{stop}]")
        return gocompat.byte_slice(text, start, stop)
    if name == "regexReplace":
        _arity(name, args, 3)
        if type_of(args[0]) != REGEX:
            raise GoError(f"cannot pass {go_t(args[0])} as first arg to regexReplace, "
                          "must be regex")
        for i in (1, 2):
            if type_of(args[i]) != STRING:
                raise GoError(f"cannot pass {go_t(args[i])} as {_ORDINAL[i]} arg to "
                              "regexReplace, must be string")
        return gocompat.regex_replace_all(args[0].re, args[1], args[2])
    if name in ("bool", "int", "float", "string"):
        return _convert(name, args)
    if name == "duration":
        return _duration(args)
    if name in ("count", "sigma", "spread", "rand"):
        return _stateful(name, args, state)
    if name in TIME_FUNCS:
        _arity(name, args, 1)
        if type_of(args[0]) != TIME:
            raise GoError(f"cannot convert {go_t(args[0])} to time.Time")
        ns = args[0].ns
        if name == "unixNano":
            return ns
        dt = _local(ns, scope.tz)
        return {"minute": dt.minute, "hour": dt.hour, "weekday": (dt.weekday() + 1) % 7,
                "day": dt.day, "month": dt.month, "year": dt.year}[name]
    if name == "now":
        if args:
            raise GoError("now expects exactly zero argument")
        return Time(state.now_ns())
    if name == "humanBytes":
        _arity(name, args, 1)
        typ = type_of(args[0])
        if typ == FLOAT:
            return gocompat.human_bytes(gocompat.float_to_uint64(args[0]))
        if typ == INT:
            return gocompat.human_bytes(args[0] & 0xFFFFFFFFFFFFFFFF)
        raise GoError(f"cannot convert {go_t(args[0])} to humanBytes")
    if name == "if":
        if len(args) != 3:
            raise GoError("if expects exactly three arguments")
        if type_of(args[0]) != BOOL:
            raise GoError("first argument to if must be a condition with type of bool - got "
                          + go_t(args[0]))
        if type_of(args[1]) != type_of(args[2]):
            raise GoError("Different return types are not supported - second argument is "
                          f"{go_t(args[1])} and third argument is {go_t(args[2])}")
        return args[1] if args[0] else args[2]
    if name == "isPresent":
        if len(args) != 1:
            raise GoError("isMissing expects exactly one argument")
        return type_of(args[0]) != MISSING
    raise GoError(f"undefined function: {_q(name)}")


def _strings(name, args, n):
    for i in range(n):
        if type_of(args[i]) != STRING:
            raise GoError(f"cannot pass {go_t(args[i])} as {_ORDINAL[i]} arg to {name}, "
                          "must be string")


def _convert(name, args):
    _arity(name, args, 1)
    a = args[0]
    typ = type_of(a)
    if name == "bool":
        if typ == BOOL:
            return a
        if typ == STRING:
            return gocompat.parse_bool(a)
        if typ in (INT, FLOAT):
            if a == 0:
                return False
            if a == 1:
                return True
            text = str(a) if typ == INT else go_float_v(a)
            raise GoError(f"cannot convert {text} to boolean")
        raise GoError(f"cannot convert {go_t(a)} to boolean")
    if name == "int":
        if typ == INT:
            return a
        if typ == FLOAT:
            return go_float_to_int64(a)
        if typ == STRING:
            return gocompat.parse_int(a)
        if typ == BOOL:
            return int(a)
        if typ == DURATION:
            return a.ns
        raise GoError(f"cannot convert {go_t(a)} to integer")
    if name == "float":
        if typ in (INT, FLOAT):
            return float(a)
        if typ == STRING:
            return gocompat.parse_float(a)
        if typ == BOOL:
            return 1.0 if a else 0.0
        raise GoError(f"cannot convert {go_t(a)} to float")
    if typ == INT:
        return str(a)
    if typ == FLOAT:
        return go_float_f(a)
    if typ == BOOL:
        return "true" if a else "false"
    if typ == DURATION:
        return format_duration(a.ns)
    if typ == STRING:
        return a
    raise GoError(f"cannot convert {go_t(a)} to string")


def _duration(args):
    if len(args) not in (1, 2):
        raise GoError("duration expects one or two arguments duration(value, unit) where unit "
                      "is optional depending on the type of value.")
    a = args[0]
    typ = type_of(a)

    def unit():
        if len(args) != 2:
            raise GoError("duration expects unit argument for int and float values")
        if type_of(args[1]) != DURATION:
            raise GoError(f"invalid duration unit type: {go_t(args[1])}")
        return args[1].ns

    if typ == DURATION:
        return a
    if typ == INT:
        return Duration(wrap_int64(a * unit()))
    if typ == FLOAT:
        with np.errstate(all="ignore"):
            return Duration(go_float_to_int64(float(np.float64(a) * np.float64(unit()))))
    if typ == STRING:
        try:
            return Duration(gocompat.parse_influxql_duration(a))
        except GoError:
            raise GoError(f"invalid duration string {_q(a)}") from None
    raise GoError(f"cannot convert {go_t(a)} to duration")


def _stateful(name, args, state):
    if name == "count":
        state.count += 1
        return state.count
    if name == "rand":
        if len(args) > 1:
            raise GoError("rand expects zero or one argument")
        if args:
            if type_of(args[0]) != INT:
                raise GoError("value is not an int")
            return state.rand_below(args[0])
        return state.rand_next() & ((1 << 63) - 1)
    _arity(name, args, 1)
    x = args[0]
    if type_of(x) != FLOAT:
        raise GoError("value is not a float")
    if name == "sigma":
        return state.sigma_step(x)
    return state.spread_step(x)


__all__ = ["INT64_MIN", "EvalError", "ReferenceLambda"]
