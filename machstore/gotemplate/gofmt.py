"""Go's ``fmt`` printing of template values: ``Sprint``, ``Sprintln`` and ``Sprintf``.

Covers the verbs templates use (``%v %+v %d %s %q %f %e %g %t %x %X %o %b %c %U %T %%``),
flags (``+ - # space 0``), width and precision (also ``*``), and Go's error forms
``%!d(string=x)``, ``%!d(MISSING)``, ``%!(EXTRA int=1)`` and ``%!(NOVERB)``.  A float prints as
Go's shortest ``'g'`` (``1e+06``, ``3.5``), a map as ``map[a:1 b:2]`` with sorted keys, a list
as ``[1 2 3]``, nil as ``<nil>``; Durations and Times print through their ``String`` method.
"""
import math

from . import values as gv
from .lexer import go_quote

__all__ = ["format_float_shortest", "format_value", "sprint", "sprintf", "sprintln"]


def format_float_shortest(f, verb="g"):
    """Go's ``strconv.FormatFloat(f, 'g', -1, 64)`` (what ``%v`` prints)."""
    if math.isnan(f):
        return "NaN"
    if f == math.inf:
        return "+Inf"
    if f == -math.inf:
        return "-Inf"
    if f == 0:
        return "-0" if math.copysign(1.0, f) < 0 else "0"
    digits, dp = _shortest_digits(abs(f))
    sign = "-" if f < 0 else ""
    exp = dp - 1
    if exp < -4 or exp >= 6:
        mant = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        e = "e" if verb != "G" else "E"
        return f"{sign}{mant}{e}{'-' if exp < 0 else '+'}{abs(exp):02d}"
    if dp <= 0:
        return sign + "0." + "0" * (-dp) + digits
    if dp >= len(digits):
        return sign + digits + "0" * (dp - len(digits))
    return sign + digits[:dp] + "." + digits[dp:]


def _shortest_digits(f):
    """``(digits, decimal point position)`` of the shortest repr of a positive float."""
    r = repr(f)
    if "e" in r:
        mant, exp = r.split("e")
        exp = int(exp)
    else:
        mant, exp = r, 0
    if "." in mant:
        whole, frac = mant.split(".")
    else:
        whole, frac = mant, ""
    digits = whole + frac
    dp = len(whole) + exp
    stripped = digits.lstrip("0")
    dp -= len(digits) - len(stripped)
    digits = stripped.rstrip("0") or "0"
    return digits, dp


class _Spec:
    __slots__ = ("minus", "plus", "plus_v", "prec", "sharp", "space", "verb", "width", "zero")

    def __init__(self):
        self.plus = self.minus = self.sharp = self.space = self.zero = self.plus_v = False
        self.width = self.prec = None
        self.verb = "v"


PLAIN = _Spec()  # %v with no flags
_PLAIN = PLAIN


def _pad(s, spec, numeric=True):
    if spec.width is None or len(s) >= spec.width:
        return s
    fill = spec.width - len(s)
    if spec.minus:
        return s + " " * fill
    if spec.zero and numeric:
        if s[:1] in "+- " and numeric is True:
            return s[0] + "0" * fill + s[1:]
        return "0" * fill + s
    return " " * fill + s


def _bad(verb, v):
    if v is None:
        return f"%!{verb}(<nil>)"
    return f"%!{verb}({gv.go_type_name(v)}={format_value(v, _PLAIN)})"


def _fmt_int(v, spec):
    verb = spec.verb
    neg = v < 0
    u = -v if neg else v
    if verb in ("v", "d"):
        digits = str(u)
    elif verb == "x":
        digits = format(u, "x")
    elif verb == "X":
        digits = format(u, "X")
    elif verb == "o" or verb == "O":
        digits = format(u, "o")
    elif verb == "b":
        digits = format(u, "b")
    elif verb == "c":
        return _pad(_chr(v), spec, False)
    elif verb == "q":
        return _pad("'" + go_quote(_chr(v))[1:-1].replace("'", "\\'").replace('\\"', '"') + "'", spec, False)
    elif verb == "U":
        s = f"U+{v:04X}" if v >= 0 else _bad(verb, v)
        if spec.sharp and v >= 0 and _chr(v).isprintable():
            s += f" '{_chr(v)}'"
        return _pad(s, spec, False)
    else:
        return _bad(verb, v)
    if spec.prec is not None:
        if spec.prec == 0 and u == 0:
            digits = ""
        digits = digits.rjust(spec.prec, "0")
    if spec.sharp:
        if verb == "x":
            digits = "0x" + digits
        elif verb == "X":
            digits = "0X" + digits
        elif verb == "o" and not digits.startswith("0"):
            digits = "0" + digits
        elif verb == "b":
            digits = "0b" + digits
    if verb == "O":
        digits = "0o" + digits
    sign = "-" if neg else "+" if spec.plus else " " if spec.space else ""
    s = sign + digits
    if spec.prec is not None and spec.zero:
        return _pad(s, spec, False) if not spec.minus else _pad(s, spec)
    return _pad(s, spec)


def _chr(v):
    try:
        return chr(v)
    except (ValueError, OverflowError):
        return "\ufffd"


def _fmt_float(f, spec, verb=None):
    verb = verb or spec.verb
    if verb not in "veEfFgG":
        return _bad(verb, f)  # NOTE: Go's %x/%b of a float (hex/binary mantissa) is not implemented
    if math.isnan(f) or math.isinf(f):
        # Go always signs an infinity; NaN takes a sign only when asked for.
        s = "+Inf" if f == math.inf else "-Inf" if f == -math.inf else "NaN"
        if math.isnan(f) and (spec.plus or spec.space):
            s = ("+" if spec.plus else " ") + s
        return _pad(s, spec, False)
    prec = spec.prec
    if verb in ("v", "g", "G") and prec is None:
        s = format_float_shortest(f, "G" if verb == "G" else "g")
    elif verb in ("g", "G"):
        p = prec if prec != 0 else 1
        s = format(f, f".{p}{verb.lower()}")
        if verb == "G":
            s = s.upper()
        if spec.sharp:
            s = format(f, f"#.{p}{verb.lower()}")
    elif verb in ("e", "E"):
        s = format(f, f".{6 if prec is None else prec}{verb}")
    else:
        s = format(f, f".{6 if prec is None else prec}f")
    if s[:1] != "-":
        if spec.plus:
            s = "+" + s
        elif spec.space:
            s = " " + s
    return _pad(s, spec)


def _fmt_complex(c, spec):
    verb = spec.verb
    if verb not in "veEfFgG":
        return _bad(verb, c)
    inner = _Spec()
    inner.prec, inner.sharp, inner.verb = spec.prec, spec.sharp, verb
    re = _fmt_float(c.real, inner)
    inner.plus = True
    im = _fmt_float(c.imag, inner)
    return _pad("(" + re + im + "i)", spec, False)


def _fmt_str(s, spec):
    verb = spec.verb
    if spec.prec is not None:
        s = s[:spec.prec]
    if verb in ("v", "s"):
        out = s
    elif verb == "q":
        if spec.sharp and "`" not in s and all(c == "\t" or c.isprintable() for c in s):
            out = "`" + s + "`"
        else:
            out = go_quote(s)
    elif verb in ("x", "X"):
        out = s.encode().hex()
        if verb == "X":
            out = out.upper()
        if spec.sharp:
            out = ("0x" if verb == "x" else "0X") + out
    else:
        return _bad(verb, s)
    return _pad(out, spec, "str")


def _sort_key(k):
    kk = gv.kind(k)
    if kk in (gv.INT, gv.FLOAT, gv.BOOL):
        return (0, float(k) if kk != gv.BOOL else int(k), "")
    if kk == gv.STRING:
        return (1, 0, k)
    return (2, 0, str(k))


def sorted_items(d):
    """A dict's items in Go's ``fmtsort`` order (numbers by value, strings bytewise)."""
    try:
        return sorted(d.items(), key=lambda kv: _sort_key(kv[0]))
    except TypeError:
        return list(d.items())


def format_value(v, spec, depth=0):
    """Format one value for ``spec`` (a verb with flags), as Go's ``pp.printArg``."""
    verb = spec.verb
    if verb == "T":
        return _pad(gv.go_type_name(v), spec, False)
    if v is None:
        if verb == "v":
            return _pad("<nil>", spec, False)
        return _bad(verb, v)
    t = type(v)
    if t is str:
        return _fmt_str(v, spec)
    if t is bool:
        if verb in ("v", "t"):
            return _pad("true" if v else "false", spec, False)
        return _bad(verb, v)
    if t is int:
        return _fmt_int(v, spec)
    if t is float:
        return _fmt_float(v, spec)
    k = gv.kind(v)
    if isinstance(v, gv.Duration) or k == gv.TIME:
        if verb in ("v", "s", "q", "x", "X"):
            return _fmt_str(str(v) if k != gv.TIME else gv.format_time(v), spec)
        if k == gv.INT:
            return _fmt_int(int(v), spec)
        return _bad(verb, v)
    if k == gv.INT:
        return _fmt_int(int(v), spec)
    if k == gv.FLOAT:
        return _fmt_float(float(v), spec)
    if k == gv.STRING:
        return _fmt_str(str(v), spec)
    if k == gv.BOOL:
        return format_value(bool(v), spec, depth)
    if k == gv.COMPLEX:
        return _fmt_complex(v, spec)
    # NOTE: as in Go, the verb, flags and width apply to each element, not to the whole.
    inner = spec
    if k == gv.SLICE:
        return "[" + " ".join(format_value(e, inner, depth + 1) for e in v) + "]"
    if k == gv.MAP:
        return "map[" + " ".join(format_value(key, inner, depth + 1) + ":" + format_value(val, inner, depth + 1)
                                 for key, val in sorted_items(v)) + "]"
    if k == gv.FUNC:
        return _bad(verb, v) if verb not in ("v", "p") else _pad(f"{id(v):#x}", spec, False)
    method = gv.lookup_attr(v, "Error")
    if method is gv.NOT_FOUND or not callable(method):
        method = gv.lookup_attr(v, "String")
    if method is not gv.NOT_FOUND and callable(method) and verb in ("v", "s", "q", "x", "X"):
        try:
            text = str(method())
        except Exception as ex:  # noqa: BLE001 - Go's fmt reports a panicking String method inline
            return f"%!{verb}(PANIC={'Error' if gv.lookup_attr(v, 'Error') is method else 'String'} method: {ex})"
        return _fmt_str(text, spec)
    parts = []
    for name, val, _embedded in gv.struct_fields(v):
        text = format_value(val, inner, depth + 1)
        parts.append(f"{name}:{text}" if spec.plus_v else text)
    return "{" + " ".join(parts) + "}"


def sprint(args):
    """Go's ``fmt.Sprint``: spaces between operands when neither side is a string."""
    out = []
    prev_string = False
    for i, a in enumerate(args):
        is_string = a is not None and gv.kind(a) == gv.STRING
        if i > 0 and not is_string and not prev_string:
            out.append(" ")
        out.append(format_value(a, _PLAIN))
        prev_string = is_string
    return "".join(out)


def sprintln(args):
    """Go's ``fmt.Sprintln``: operands separated by spaces, then a newline."""
    return " ".join(format_value(a, _PLAIN) for a in args) + "\n"


def sprintf(fmt, args):
    """Go's ``fmt.Sprintf``."""
    out = []
    n = len(fmt)
    i = 0
    argi = 0
    nargs = len(args)
    while i < n:
        j = fmt.find("%", i)
        if j < 0:
            out.append(fmt[i:])
            break
        out.append(fmt[i:j])
        i = j + 1
        spec = _Spec()
        while i < n and fmt[i] in "+-# 0":
            c = fmt[i]
            if c == "+":
                spec.plus = True
            elif c == "-":
                spec.minus = True
            elif c == "#":
                spec.sharp = True
            elif c == " ":
                spec.space = True
            else:
                spec.zero = True
            i += 1
        if i < n and fmt[i] == "*":
            i += 1
            if argi < nargs and type(args[argi]) is int:
                spec.width = args[argi]
                if spec.width < 0:
                    spec.minus, spec.width = True, -spec.width
                argi += 1
            else:
                out.append("%!(BADWIDTH)")
                argi += 1 if argi < nargs else 0
        else:
            start = i
            while i < n and fmt[i].isdigit():
                i += 1
            if i > start:
                spec.width = int(fmt[start:i])
        if i < n and fmt[i] == ".":
            i += 1
            if i < n and fmt[i] == "*":
                i += 1
                if argi < nargs and type(args[argi]) is int and args[argi] >= 0:
                    spec.prec = args[argi]
                else:
                    out.append("%!(BADPREC)")
                argi += 1 if argi < nargs else 0
            else:
                start = i
                while i < n and fmt[i].isdigit():
                    i += 1
                spec.prec = int(fmt[start:i]) if i > start else 0
        if i >= n:
            out.append("%!(NOVERB)")
            break
        verb = fmt[i]
        i += 1
        if verb == "%":
            out.append("%")
            continue
        if spec.minus:
            spec.zero = False
        spec.verb = verb
        if argi >= nargs:
            out.append(f"%!{verb}(MISSING)")
            continue
        arg = args[argi]
        argi += 1
        if verb == "v":
            # %+v means field names (Go's plusV), not signs; Go-syntax %#v is not implemented (prints as %v).
            spec.plus_v, spec.plus, spec.sharp = spec.plus, False, False
        out.append(format_value(arg, spec))
    if argi < nargs:
        extra = ", ".join("<nil>" if a is None else f"{gv.go_type_name(a)}={format_value(a, _PLAIN)}"
                          for a in args[argi:])
        out.append(f"%!(EXTRA {extra})")
    return "".join(out)
