"""The analysis calls of an InfluxQL SELECT: ``holt_winters[_with_fit]()`` and the technical-analysis functions.

What :mod:`.select` needs to run them, kept apart from the numbers (:mod:`.technical`,
:mod:`.holtwinters`):

* :func:`validate` checks a call as InfluxDB 1.8's ``query/compile.go`` does, with its error texts;
* :func:`apply` runs a call over one stream of points (a series' raw points, or its GROUP BY
  windows), in the stream's order, as InfluxDB's iterators feed its reducers;
* :func:`iterator_label` names a call in InfluxDB's "unsupported ... iterator type" error.

The technical-analysis functions emit at most one point per input point, at its time; the
Holt-Winters functions emit forecasts after the last window (and, ``_with_fit``, the fit over the
windows), so their times can lie past the query's windows.
"""
from . import ast, holtwinters, technical

__all__ = ["HOLT_WINTERS", "NAMES", "TECHNICAL", "AnalysisError", "apply", "iterator_label", "validate"]

TECHNICAL = technical.NAMES
HOLT_WINTERS = ("holt_winters", "holt_winters_with_fit")
NAMES = TECHNICAL + HOLT_WINTERS

_KAUFMANS = ("kaufmans_efficiency_ratio", "kaufmans_adaptive_moving_average")
_WARMUPS = {"exponential": technical.WARM_EXPONENTIAL, "simple": technical.WARM_SIMPLE,
            "none": technical.WARM_NONE}


class AnalysisError(ValueError):
    """A call InfluxDB refuses; the message is InfluxDB's."""


def iterator_label(name):
    """How InfluxDB names the function in "unsupported <label> iterator type" (holt_winters: "elapsed")."""
    if name in HOLT_WINTERS:
        return "elapsed"   # NOTE: InfluxDB's newHoltWintersIterator says so (a copied message)
    return name.replace("_", " ")


def validate(call, interval, inherited=False):
    """Raise :class:`AnalysisError` with compile.go's text if InfluxDB refuses ``call``.

    ``interval``: the statement's GROUP BY interval (0: none); ``inherited``: it comes from an
    outer query.  The argument of the call is checked by the caller (an aggregate inside is
    validated like any other call).
    """
    name = call.name.lower()
    if name in HOLT_WINTERS:
        _validate_holt_winters(name, call.args, interval)
    elif name == "chande_momentum_oscillator":
        _validate_technical(name, call.args, max_args=4, warmups=("none", "exponential", "simple"))
        _validate_argument(name, call.args[0], interval, inherited)
    elif name in _KAUFMANS:
        _validate_technical(name, call.args, max_args=3, warmups=())
        _validate_argument(name, call.args[0], interval, inherited)
    elif name in TECHNICAL:
        _validate_technical(name, call.args, max_args=4, warmups=("exponential", "simple"))
        _validate_argument(name, call.args[0], interval, inherited)
    else:
        raise KeyError(name)


def _validate_technical(name, args, *, max_args, warmups):
    if not 2 <= len(args) <= max_args:
        raise AnalysisError(f"invalid number of arguments for {name}, expected at least 2 but no more than "
                            f"{max_args}, got {len(args)}")
    period = args[1]
    if not isinstance(period, ast.IntegerLiteral):
        raise AnalysisError(f"{name} period must be an integer")
    if period.value < 1:
        raise AnalysisError(f"{name} period must be greater than or equal to 1")
    if len(args) >= 3:
        hold = args[2]
        if not isinstance(hold, ast.IntegerLiteral):
            raise AnalysisError(f"{name} hold period must be an integer")
        if name == "triple_exponential_derivative" and hold.value < 1 and hold.value != -1:
            raise AnalysisError(f"{name} hold period must be greater than or equal to 1")
        if hold.value < 0 and hold.value != -1:
            raise AnalysisError(f"{name} hold period must be greater than or equal to 0")
    if len(args) >= 4:
        warmup = args[3]
        if not isinstance(warmup, ast.StringLiteral):
            raise AnalysisError(f"{name} warmup type must be a string")
        if warmup.value not in warmups:
            listed = " ".join(f"'{w}'" for w in warmups)
            raise AnalysisError(f"{name} warmup type must be one of: {listed}")


def _validate_argument(name, arg, interval, inherited):
    if isinstance(arg, ast.Call):
        if not interval:
            raise AnalysisError(f"{name} aggregate requires a GROUP BY interval")
        return
    if interval and not inherited:
        raise AnalysisError(f"aggregate function required inside the call to {name}")
    if not isinstance(arg, (ast.VarRef, ast.Wildcard, ast.RegexLiteral)):
        raise AnalysisError(f"expected field argument in {name}()")


def _validate_holt_winters(name, args, interval):
    if len(args) != 3:
        raise AnalysisError(f"invalid number of arguments for {name}, expected 3, got {len(args)}")
    n, s = args[1], args[2]
    if not isinstance(n, ast.IntegerLiteral):
        raise AnalysisError(f"expected integer argument as second arg in {name}")
    if n.value <= 0:
        raise AnalysisError(f"second arg to {name} must be greater than 0, got {n.value}")
    if not isinstance(s, ast.IntegerLiteral):
        raise AnalysisError(f"expected integer argument as third arg in {name}")
    if s.value < 0:
        raise AnalysisError(f"third arg to {name} cannot be negative, got {s.value}")
    if not isinstance(args[0], ast.Call):
        raise AnalysisError(f"must use aggregate function with {name}")
    if not interval:
        raise AnalysisError(f"{name} aggregate requires a GROUP BY interval")


def technical_parameters(call):
    """``(period, hold, warmup)`` of a technical-analysis call (defaults as InfluxDB's select.go)."""
    name = call.name.lower()
    period = int(call.args[1].value)
    hold = int(call.args[2].value) if len(call.args) >= 3 else -1
    default = technical.WARM_NONE if name == "chande_momentum_oscillator" else technical.WARM_EXPONENTIAL
    warmup = _WARMUPS[call.args[3].value] if len(call.args) >= 4 else default
    return period, hold, warmup


def apply(call, times, values, *, interval=0):
    """``(times, float64 values)`` that ``call`` emits over one stream (in the order given).

    ``values`` numeric (integers are taken as floats); ``interval`` is the GROUP BY interval,
    the Holt-Winters step.
    """
    name = call.name.lower()
    if name in HOLT_WINTERS:
        return holtwinters.holt_winters(times, values, h=int(call.args[1].value), m=int(call.args[2].value),
                                        interval=interval, with_fit=name == "holt_winters_with_fit")
    period, hold, warmup = technical_parameters(call)
    try:
        emitted, out = technical.run(name, values, period=period, hold=hold, warmup=warmup)
    except ValueError as ex:
        raise AnalysisError(str(ex)) from None
    return times[emitted], out[emitted]
