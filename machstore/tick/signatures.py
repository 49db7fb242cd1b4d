"""The built-in lambda functions' signatures (Kapacitor's ``Signature()`` maps, in order).

A signature is a tuple of argument types and the result type.  Kapacitor checks a call
against these before calling (``EvalFunctionNode.Type``); its error lists them in Go map
order, which is random, so we list them in the order Kapacitor declares them.
"""

from machstore.tick.lambda_types import (
    BOOL,
    DURATION,
    FLOAT,
    INT,
    MISSING,
    REGEX,
    STRING,
    TIME,
)

MATH1 = ["abs", "acos", "acosh", "asin", "asinh", "atan", "atanh", "cbrt", "ceil", "cos", "cosh", "erf", "erfc", "exp", "exp2", "expm1", "floor", "gamma", "log", "log10", "log1p", "log2", "logb", "sin", "sinh", "sqrt", "tan", "tanh", "trunc"]
MATH2 = ["atan2", "hypot", "max", "min", "mod", "pow"]
# NOTE: Bessel functions need a port of Go's math.J0/J1/Jn/Y0/Y1/Yn; they are refused.
BESSEL = ["j0", "j1", "jn", "y0", "y1", "yn"]
STRING2_BOOL = ["strContains", "strContainsAny", "strHasPrefix", "strHasSuffix"]
STRING2_INT = ["strCount", "strIndex", "strIndexAny", "strLastIndex", "strLastIndexAny"]
STRING2_STRING = ["strTrim", "strTrimLeft", "strTrimPrefix", "strTrimRight", "strTrimSuffix"]
STRING1_STRING = ["strToLower", "strToUpper", "strTrimSpace"]
TIME_FUNCS = ["unixNano", "minute", "hour", "weekday", "day", "month", "year"]
STATEFUL = ("sigma", "count", "spread", "rand")
IF_TYPES = (FLOAT, INT, STRING, BOOL, REGEX, TIME, DURATION)


def _build():
    sig = {}
    for name in MATH1:
        sig[name] = [((FLOAT,), FLOAT)]
    for name in MATH2:
        sig[name] = [((FLOAT, FLOAT), FLOAT)]
    sig["pow10"] = [((INT,), FLOAT)]
    for name in STRING2_BOOL:
        sig[name] = [((STRING, STRING), BOOL)]
    for name in STRING2_INT:
        sig[name] = [((STRING, STRING), INT)]
    for name in STRING2_STRING:
        sig[name] = [((STRING, STRING), STRING)]
    for name in STRING1_STRING:
        sig[name] = [((STRING,), STRING)]
    sig["strLength"] = [((STRING,), INT)]
    sig["strReplace"] = [((STRING, STRING, STRING, INT), STRING)]
    sig["strSubstring"] = [((STRING, INT, INT), STRING)]
    sig["regexReplace"] = [((REGEX, STRING, STRING), STRING)]
    sig["bool"] = [((t,), BOOL) for t in (BOOL, STRING, INT, FLOAT)]
    sig["int"] = [((t,), INT) for t in (BOOL, STRING, INT, FLOAT)]
    sig["float"] = [((t,), FLOAT) for t in (BOOL, STRING, INT, FLOAT)]
    sig["string"] = [((t,), STRING) for t in (BOOL, STRING, INT, FLOAT, DURATION)]
    sig["duration"] = [((DURATION,), DURATION), ((INT, DURATION), DURATION),
                       ((FLOAT, DURATION), DURATION), ((STRING, DURATION), DURATION)]
    sig["count"] = [((), INT)]
    sig["rand"] = [((), INT), ((INT,), INT)]
    sig["sigma"] = [((FLOAT,), FLOAT)]
    sig["spread"] = [((FLOAT,), FLOAT)]
    for name in TIME_FUNCS:
        sig[name] = [((TIME,), INT)]
    sig["now"] = [((), TIME)]
    sig["humanBytes"] = [((FLOAT,), STRING), ((INT,), STRING)]
    sig["if"] = [((BOOL, t, t), t) for t in IF_TYPES]
    sig["isPresent"] = [((t,), BOOL) for t in (MISSING, BOOL, STRING, INT, FLOAT)]
    return sig


SIGNATURES = _build()
MAX_ARGS = 4


def signature_result(name, arg_types):
    """The result type of ``name`` for these argument types, or None if no signature fits."""
    for domain, result in SIGNATURES[name]:
        if domain == tuple(arg_types):
            return result
    return None


def domains_text(name):
    """Kapacitor's ``FuncDomains(f).String()``: ``[(float), (int,duration)]``."""
    return "[" + ", ".join("(" + ",".join(d) + ")" for d, _ in SIGNATURES[name]) + "]"


def signature_error(name, arg_texts, arg_types):
    """Kapacitor's ErrWrongFuncSignature text."""
    args = "(" + ",".join(f"{a}: {t}" for a, t in zip(arg_texts, arg_types)) + ")"
    return (f'Cannot call function "{name}" with args {args}, '
            f"available signatures are {domains_text(name)}.")


def missing_error(name, missing_args, scope_refs):
    """Kapacitor's ErrMissingType text (scope names in our reference order, not Go map order)."""
    scope = [r for r in scope_refs if r not in missing_args]
    if len(missing_args) > 1:
        return (f'Cannot call function "{name}" arguments {", ".join(missing_args)} are '
                f"missing, values in scope are [{', '.join(scope)}]")
    return (f'Cannot call function "{name}" argument {", ".join(missing_args)} is missing, '
            f"values in scope are [{', '.join(scope)}]")
