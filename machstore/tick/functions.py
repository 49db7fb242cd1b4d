"""Kapacitor's lambda built-in functions over numpy columns (``tick/stateful/functions.go``).

``call_columns`` calls one function on whole columns: the argument types are known for the
whole call (the column evaluator splits rows by type first), so the checks a Go function does
on its argument types are made once, and values are computed column-wise.  What can fail per
row (parsing, ``strSubstring`` bounds, ``bool(2)``) comes back as a per-row message array.
The stateful functions advance a ``LambdaState`` row by row in order.
"""

import math
from datetime import datetime

import numpy as np

from machstore.influxql.ast import format_duration
from machstore.tick import gocompat
from machstore.tick.gocompat import GoError
from machstore.tick.lambda_types import (
    BOOL,
    DURATION,
    FLOAT,
    GO_TYPE,
    INT,
    INT64_MIN,
    MISSING,
    REGEX,
    STRING,
    TIME,
    go_float_f,
    go_float_v,
)
from machstore.tick.signatures import (
    MATH1,
    MATH2,
    STRING1_STRING,
    STRING2_BOOL,
    STRING2_INT,
    STRING2_STRING,
    TIME_FUNCS,
)

DTYPES = {FLOAT: np.float64, INT: np.int64, BOOL: np.bool_, STRING: object, DURATION: np.int64,
          TIME: np.int64, REGEX: object}
_ORDINAL = ("first", "second", "third", "fourth")
_ARITY = {1: "exactly one argument", 2: "exactly two arguments", 3: "exactly three arguments",
          4: "exactly four arguments"}


class CallError(Exception):
    """A call fails for every row of a column (its argument types or count are wrong)."""


def _gt(typ):
    return GO_TYPE[typ]


def _vec(fn, out_type):
    """Apply a Python function element-wise (strings and special math have no ufunc)."""
    def run(*cols):
        if not len(cols[0]):
            return np.empty(0, DTYPES[out_type])
        vals = [fn(*row) for row in zip(*(c.tolist() for c in cols))]
        return np.array(vals, dtype=DTYPES[out_type])
    return run


def _go_max(x, y):
    with np.errstate(all="ignore"):
        r = np.maximum(x, y)
    zero = (x == 0) & (y == 0)
    r = np.where(zero, np.where(np.signbit(x) & np.signbit(y), -0.0, 0.0), r)
    return np.where(np.isposinf(x) | np.isposinf(y), np.inf, r)


def _go_min(x, y):
    with np.errstate(all="ignore"):
        r = np.minimum(x, y)
    zero = (x == 0) & (y == 0)
    r = np.where(zero, np.where(np.signbit(x) | np.signbit(y), -0.0, 0.0), r)
    return np.where(np.isneginf(x) | np.isneginf(y), -np.inf, r)


def _logb(x):
    _, e = np.frexp(x)
    out = (e - 1).astype(np.float64)
    out = np.where(x == 0, -np.inf, out)
    out = np.where(np.isinf(x), np.inf, out)
    return np.where(np.isnan(x), x, out)


MATH1_COLUMNS = {
    "abs": np.abs, "acos": np.arccos, "acosh": np.arccosh, "asin": np.arcsin,
    "asinh": np.arcsinh, "atan": np.arctan, "atanh": np.arctanh, "cbrt": np.cbrt,
    "ceil": np.ceil, "cos": np.cos, "cosh": np.cosh, "erf": _vec(math.erf, FLOAT),
    "erfc": _vec(math.erfc, FLOAT), "exp": np.exp, "exp2": np.exp2, "expm1": np.expm1,
    "floor": np.floor, "gamma": _vec(gocompat.gamma, FLOAT), "log": np.log,
    "log10": np.log10, "log1p": np.log1p, "log2": np.log2, "logb": _logb, "sin": np.sin,
    "sinh": np.sinh, "sqrt": np.sqrt, "tan": np.tan, "tanh": np.tanh, "trunc": np.trunc,
}
MATH2_COLUMNS = {"atan2": np.arctan2, "hypot": np.hypot, "max": _go_max, "min": _go_min,
                 "mod": np.fmod, "pow": np.power}
STRING_COLUMNS = {
    "strContains": _vec(lambda s, t: t in s, BOOL),
    "strContainsAny": _vec(lambda s, t: any(c in s for c in t), BOOL),
    "strHasPrefix": _vec(str.startswith, BOOL), "strHasSuffix": _vec(str.endswith, BOOL),
    "strCount": _vec(gocompat.count, INT), "strIndex": _vec(gocompat.byte_index, INT),
    "strIndexAny": _vec(gocompat.index_any, INT),
    "strLastIndex": _vec(gocompat.byte_last_index, INT),
    "strLastIndexAny": _vec(gocompat.last_index_any, INT),
    "strTrim": _vec(lambda s, t: s.strip(t) if t else s, STRING),
    "strTrimLeft": _vec(lambda s, t: s.lstrip(t) if t else s, STRING),
    "strTrimRight": _vec(lambda s, t: s.rstrip(t) if t else s, STRING),
    "strTrimPrefix": _vec(str.removeprefix, STRING),
    "strTrimSuffix": _vec(str.removesuffix, STRING),
    "strToLower": _vec(str.lower, STRING), "strToUpper": _vec(str.upper, STRING),
    "strTrimSpace": _vec(gocompat.trim_space, STRING),
    "strLength": _vec(gocompat.byte_len, INT),
}


def _arity(name, types, n):
    if len(types) != n:
        raise CallError(f"{name} expects {_ARITY[n]}")


def _need(name, types, wanted, how):
    """Raise the Go function's message for the first argument not of the wanted type."""
    for i, (typ, want) in enumerate(zip(types, wanted)):
        if typ != want:
            raise CallError(how(i, typ, want))


def _as_string_arg(name):
    return lambda i, typ, want: (f"cannot pass {_gt(typ)} as {_ORDINAL[i]} arg to {name}, must "
                                 f"be {'int' if want == INT else 'regex' if want == REGEX else 'string'}")


def _per_row(fn, cols, n, out_type):
    """Run ``fn`` per row; a GoError on a row becomes that row's message."""
    vals = np.zeros(n, dtype=DTYPES[out_type]) if out_type != STRING else np.full(n, "", object)
    errs = None
    for i, row in enumerate(zip(*(c.tolist() for c in cols))):
        try:
            vals[i] = fn(*row)
        except GoError as ex:
            if errs is None:
                errs = np.full(n, None, dtype=object)
            errs[i] = str(ex)
    return vals, errs


def float_to_int64(arr):
    """Convert floats to int64 as Go does on amd64 (NaN and out of range give MinInt64)."""
    bad = np.isnan(arr) | (arr >= 9.223372036854775807e18) | (arr < -9.223372036854775808e18)
    with np.errstate(all="ignore"):
        out = np.where(bad, 0.0, arr).astype(np.int64)
    out[bad] = INT64_MIN
    return out


def _local_offsets(ns, tz):
    """Seconds east of UTC of each instant, in ``tz`` (None: this machine's local zone).

    PERF: offsets only change at transitions, which fall on quarter-hours in UTC, so they
    are looked up once per distinct 15-minute bucket.
    """
    if not len(ns):
        return np.zeros(0, np.int64)
    buckets, inverse = np.unique(np.floor_divide(ns, 900 * 10**9), return_inverse=True)
    offsets = np.empty(len(buckets), np.int64)
    for i, b in enumerate(buckets.tolist()):
        sec = b * 900
        dt = datetime.fromtimestamp(sec, tz) if tz is not None else datetime.fromtimestamp(sec).astimezone()
        offsets[i] = int(dt.utcoffset().total_seconds())
    return offsets[inverse.reshape(-1)]


def time_parts(name, ns, tz):
    """minute/hour/weekday/day/month/year of instants in the lambda's time zone."""
    local = np.floor_divide(ns, 10**9) + _local_offsets(ns, tz)
    if name == "minute":
        return np.floor_divide(local, 60) % 60
    if name == "hour":
        return np.floor_divide(local, 3600) % 24
    days = np.floor_divide(local, 86400)
    if name == "weekday":
        return (days + 4) % 7
    d = days.astype("datetime64[D]")
    if name == "year":
        return d.astype("datetime64[Y]").astype(np.int64) + 1970
    month_start = d.astype("datetime64[M]")
    if name == "month":
        return month_start.astype(np.int64) % 12 + 1
    return (d - month_start.astype("datetime64[D]")).astype(np.int64) + 1


def result_type(name, types):
    """The Go type a call returns for these argument types; raises CallError as Go would."""
    n = len(types)
    if name in MATH1:
        _arity(name, types, 1)
        _need(name, types, (FLOAT,),
              lambda i, t, w: f"cannot pass {_gt(t)} to {name}, must be float64")
        return FLOAT
    if name in MATH2:
        _arity(name, types, 2)
        _need(name, types, (FLOAT, FLOAT),
              lambda i, t, w: f"cannot pass {_gt(t)} to {name}, must be float64")
        return FLOAT
    if name == "pow10":
        if n != 1:
            raise CallError("pow10 expects exactly two arguments")
        _need(name, types, (INT,), lambda i, t, w: f"cannot pass {_gt(t)} to pow10, must be int64")
        return FLOAT
    if name in STRING2_BOOL or name in STRING2_INT or name in STRING2_STRING:
        _arity(name, types, 2)
        _need(name, types, (STRING, STRING), _as_string_arg(name))
        return BOOL if name in STRING2_BOOL else INT if name in STRING2_INT else STRING
    if name in STRING1_STRING or name == "strLength":
        _arity(name, types, 1)
        _need(name, types, (STRING,), _as_string_arg(name))
        return INT if name == "strLength" else STRING
    if name == "strReplace":
        _arity(name, types, 4)
        _need(name, types, (STRING, STRING, STRING, INT), _as_string_arg(name))
        return STRING
    if name == "strSubstring":
        _arity(name, types, 3)
        _need(name, types, (STRING, INT, INT), _as_string_arg(name))
        return STRING
    if name == "regexReplace":
        _arity(name, types, 3)
        _need(name, types, (REGEX, STRING, STRING), _as_string_arg(name))
        return STRING
    if name in ("bool", "int", "float", "string"):
        _arity(name, types, 1)
        ok = {"bool": (BOOL, STRING, INT, FLOAT), "int": (INT, FLOAT, STRING, BOOL, DURATION),
              "float": (INT, FLOAT, STRING, BOOL),
              "string": (INT, FLOAT, BOOL, DURATION, STRING)}[name]
        if types[0] not in ok:
            word = {"bool": "boolean", "int": "integer"}.get(name, name)
            raise CallError(f"cannot convert {_gt(types[0])} to {word}")
        return {"bool": BOOL, "int": INT, "float": FLOAT, "string": STRING}[name]
    if name == "duration":
        if n not in (1, 2):
            raise CallError("duration expects one or two arguments duration(value, unit) where "
                            "unit is optional depending on the type of value.")
        if types[0] in (INT, FLOAT):
            if n != 2:
                raise CallError("duration expects unit argument for int and float values")
            if types[1] != DURATION:
                raise CallError(f"invalid duration unit type: {_gt(types[1])}")
        elif types[0] not in (DURATION, STRING):
            raise CallError(f"cannot convert {_gt(types[0])} to duration")
        return DURATION
    if name == "count":
        return INT
    if name == "rand":
        if n > 1:
            raise CallError("rand expects zero or one argument")
        if n == 1 and types[0] != INT:
            raise CallError("value is not an int")
        return INT
    if name in ("sigma", "spread"):
        _arity(name, types, 1)
        if types[0] != FLOAT:
            raise CallError("value is not a float")
        return FLOAT
    if name in TIME_FUNCS:
        _arity(name, types, 1)
        if types[0] != TIME:
            raise CallError(f"cannot convert {_gt(types[0])} to time.Time")
        return INT
    if name == "now":
        if n:
            raise CallError("now expects exactly zero argument")
        return TIME
    if name == "humanBytes":
        _arity(name, types, 1)
        if types[0] not in (FLOAT, INT):
            raise CallError(f"cannot convert {_gt(types[0])} to humanBytes")
        return STRING
    if name == "if":
        if n != 3:
            raise CallError("if expects exactly three arguments")
        if types[0] != BOOL:
            raise CallError("first argument to if must be a condition with type of bool - got "
                            + _gt(types[0]))
        if types[1] != types[2]:
            raise CallError("Different return types are not supported - second argument is "
                            f"{_gt(types[1])} and third argument is {_gt(types[2])}")
        return types[1]
    if name == "isPresent":
        if n != 1:
            raise CallError("isMissing expects exactly one argument")
        return BOOL
    raise CallError(f'undefined function: "{name}"')


def call_columns(name, args, types, n, state, tz):
    """Call ``name`` on argument columns of n rows: (result type, values, per-row errors).

    ``args[i]`` is None for a MISSING argument.  Raises CallError when every row fails.
    """
    out = result_type(name, types)
    if name in MATH1:
        with np.errstate(all="ignore"):
            return out, np.asarray(MATH1_COLUMNS[name](args[0]), np.float64), None
    if name in MATH2:
        with np.errstate(all="ignore"):
            return out, np.asarray(MATH2_COLUMNS[name](args[0], args[1]), np.float64), None
    if name == "pow10":
        return out, np.array([gocompat.pow10(k) for k in args[0].tolist()], np.float64), None
    if name in STRING_COLUMNS:
        return out, STRING_COLUMNS[name](*args), None
    if name == "strReplace":
        return out, _vec(gocompat.replace, STRING)(*args), None
    if name == "strSubstring":
        return (out, *_per_row(_substring, args, n, STRING))
    if name == "regexReplace":
        return out, _vec(lambda r, s, t: gocompat.regex_replace_all(r.re, s, t), STRING)(*args), None
    if name in ("bool", "int", "float", "string"):
        return (out, *_convert(name, args[0], types[0], n))
    if name == "duration":
        return (out, *_duration(args, types, n))
    if name in ("count", "rand", "sigma", "spread"):
        return (out, *_stateful(name, args, n, state))
    if name in TIME_FUNCS:
        if name == "unixNano":
            return out, args[0].astype(np.int64), None
        return out, time_parts(name, args[0], tz).astype(np.int64), None
    if name == "now":
        return out, np.full(n, state.now_ns(), np.int64), None
    if name == "humanBytes":
        if types[0] == FLOAT:
            vals = [gocompat.human_bytes(gocompat.float_to_uint64(v)) for v in args[0].tolist()]
        else:
            vals = [gocompat.human_bytes(v & 0xFFFFFFFFFFFFFFFF) for v in args[0].tolist()]
        return out, np.array(vals, dtype=object) if vals else np.empty(0, object), None
    if name == "if":
        return out, np.where(args[0], args[1], args[2]).astype(DTYPES[out]), None
    if name == "isPresent":
        return out, np.full(n, types[0] != MISSING, np.bool_), None
    raise CallError(f'undefined function: "{name}"')


def _substring(text, start, stop):
    for idx in (start, stop):
        if idx < 0:
            raise GoError(f"found negative index for strSubstring: {idx}")
    if stop >= gocompat.byte_len(text):
        raise GoError(f"stop index too large for string in strSubstring: {stop}")
    if start > stop:
        # NOTE: Go panics here; the message is the recovered runtime error, not wrapped.
        raise GoError(f"runtime error: slice bounds out of range [{start}:{stop}]")
    return gocompat.byte_slice(text, start, stop)


def _convert(name, col, typ, n):
    if name == "bool":
        if typ == BOOL:
            return col.astype(np.bool_), None
        if typ == STRING:
            return _per_row(gocompat.parse_bool, [col], n, BOOL)
        bad = (col != 0) & (col != 1)
        errs = None
        if bad.any():
            errs = np.full(n, None, dtype=object)
            shown = (str if typ == INT else go_float_v)
            for i in np.flatnonzero(bad).tolist():
                errs[i] = f"cannot convert {shown(col[i].item())} to boolean"
        return col == 1, errs
    if name == "int":
        if typ in (INT, DURATION):
            return col.astype(np.int64), None
        if typ == FLOAT:
            return float_to_int64(col), None
        if typ == BOOL:
            return col.astype(np.int64), None
        return _per_row(gocompat.parse_int, [col], n, INT)
    if name == "float":
        if typ == STRING:
            return _per_row(gocompat.parse_float, [col], n, FLOAT)
        return col.astype(np.float64), None
    if typ == STRING:
        return col, None
    if typ == INT:
        fmt = str
    elif typ == FLOAT:
        fmt = go_float_f
    elif typ == BOOL:
        fmt = lambda b: "true" if b else "false"
    else:
        fmt = format_duration
    vals = [fmt(v) for v in col.tolist()]
    return (np.array(vals, dtype=object) if vals else np.empty(0, object)), None


def _duration(args, types, n):
    typ = types[0]
    col = args[0]
    if typ == DURATION:
        return col.astype(np.int64), None
    if typ == INT:
        return col * args[1], None  # int64 wraps as Go's multiplication does
    if typ == FLOAT:
        with np.errstate(all="ignore"):
            return float_to_int64(col * args[1].astype(np.float64)), None

    def parse(text):
        try:
            return gocompat.parse_influxql_duration(text)
        except GoError:
            raise GoError(f"invalid duration string {gocompat.go_quote(text)}") from None

    return _per_row(parse, [col], n, DURATION)


def _stateful(name, args, n, state):
    if name == "count":
        out = np.arange(state.count + 1, state.count + n + 1, dtype=np.int64)
        state.count += n
        return out, None
    if name == "sigma":
        return np.array(state.sigma_steps(args[0]), np.float64), None
    if name == "spread":
        if not n:
            return np.empty(0, np.float64), None
        col = args[0]
        mins = np.fmin.accumulate(np.concatenate(([state.min], col)))[1:]
        maxs = np.fmax.accumulate(np.concatenate(([state.max], col)))[1:]
        state.min, state.max = float(mins[-1]), float(maxs[-1])
        with np.errstate(all="ignore"):
            return maxs - mins, None
    if args:
        vals = [state.rand_below(b) for b in args[0].tolist()]
        return np.array(vals, np.int64), None
    return np.array([state.rand_next() & ((1 << 63) - 1) for _ in range(n)], np.int64), None
