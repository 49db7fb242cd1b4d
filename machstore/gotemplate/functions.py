"""The built-in functions of Go's text/template (``funcs.go``), on the values of :mod:`.values`.

Each built-in declares its parameters the way Go's reflection sees them: ``VALUE`` (a
``reflect.Value``: anything, nil included), ``ANY`` (``interface{}``) or ``STRING``; the
evaluator checks argument counts and types against this before calling.  A built-in reports a
failure by raising :class:`FuncError`; the evaluator turns it into ``error calling <name>: ...``.
``and``/``or`` are listed here but evaluated (short-circuit) by the evaluator itself.
"""
import inspect
import urllib.parse

from . import gofmt
from . import values as gv

__all__ = ["ANY", "BUILTINS", "STRING", "VALUE", "Func", "FuncError", "truth", "user_func"]

VALUE, ANY, STRING = "reflect.Value", "interface {}", "string"


class FuncError(Exception):
    """A template function failed; the message is Go's error text."""


class Func:
    """A callable the template can name: its Python function and Go-style parameter list."""

    __slots__ = ("builtin", "fn", "name", "params", "variadic")

    def __init__(self, name, fn, params, variadic, builtin=True):
        self.name, self.fn, self.params, self.variadic, self.builtin = name, fn, params, variadic, builtin


def truth(v):
    """Go's ``isTrue``: zero values, empty strings/collections and nil are false."""
    if v is None:
        return False
    t = type(v)
    if t is bool:
        return v
    if t is str or t is list or t is dict or t is tuple:
        return len(v) > 0
    if t is int or t is float or t is complex:
        return v != 0
    k = gv.kind(v)
    if k in (gv.INT, gv.FLOAT, gv.COMPLEX, gv.BOOL):
        return v != 0
    if k in (gv.STRING, gv.SLICE, gv.MAP):
        return len(v) > 0
    return True  # structs, times and functions


def _not(v):
    return not truth(v)


def _call(fn, *args):
    if fn is None:
        raise FuncError("call of nil")
    if gv.kind(fn) != gv.FUNC:
        raise FuncError(f"non-function of type {gv.go_type_name(fn)}")
    return fn(*args)


def _eval_args(args):
    if len(args) == 1 and type(args[0]) is str:
        return args[0]
    return gofmt.sprint(args)


_HTML = {'"': "&#34;", "'": "&#39;", "&": "&amp;", "<": "&lt;", ">": "&gt;", "\x00": "\ufffd"}


def html_escape(s):
    """Go's ``template.HTMLEscapeString``."""
    if not any(c in s for c in _HTML):
        return s
    return "".join(_HTML.get(c, c) for c in s)


_JS = {"\\": "\\\\", "'": "\\'", '"': '\\"', "<": "\\u003C", ">": "\\u003E", "&": "\\u0026", "=": "\\u003D"}


def js_escape(s):
    """Go's ``template.JSEscapeString``."""
    out = []
    for c in s:
        if c in _JS:
            out.append(_JS[c])
        elif c < " ":
            out.append(f"\\u00{ord(c):02X}")
        elif ord(c) >= 0x80 and not c.isprintable():
            out.append(f"\\u{ord(c):04X}")
        else:
            out.append(c)
    return "".join(out)


def _html(*args):
    return html_escape(_eval_args(args))


def _js(*args):
    return js_escape(_eval_args(args))


def _urlquery(*args):
    return urllib.parse.quote_plus(_eval_args(args), safe="")


def _index_arg(index, cap):
    if index is None:
        raise FuncError("cannot index slice/array with nil")
    if gv.kind(index) != gv.INT or type(index) is bool:
        raise FuncError(f"cannot index slice/array with type {gv.go_type_name(index)}")
    x = int(index)
    if x < 0 or x > cap:
        raise FuncError(f"index out of range: {x}")
    return x


def _check_key(d, key):
    want = "string" if isinstance(d, gv.StringMap) else gv.map_key_type(d)
    if want == "interface {}":
        return key
    if key is None:
        raise FuncError(f"value is nil; should be of type {want}")
    got = gv.kind(key)
    if (want == "string" and got != gv.STRING) or (want == "int" and (got != gv.INT or type(key) is bool)):
        raise FuncError(f"value has type {gv.go_type_name(key)}; should be {want}")
    return key


def _index(item, *indexes):
    if item is None:
        raise FuncError("index of untyped nil")
    first = True
    for index in indexes:
        if item is None and not first:
            raise FuncError("index of nil pointer")
        first = False
        k = gv.kind(item)
        if k == gv.SLICE:
            x = _index_arg(index, len(item))
            if x == len(item):
                raise FuncError(f"index out of range: {x}")
            item = item[x]
        elif k == gv.STRING:
            b = item.encode()
            x = _index_arg(index, len(b))
            if x == len(b):
                raise FuncError(f"index out of range: {x}")
            item = b[x]
        elif k == gv.MAP:
            key = _check_key(item, index)
            if key in item:
                item = item[key]
            else:
                item = getattr(item, "zero", None)
        else:
            raise FuncError(f"can't index item of type {gv.go_type_name(item)}")
    return item


def _slice(item, *indexes):
    if item is None:
        raise FuncError("slice of untyped nil")
    if len(indexes) > 3:
        raise FuncError(f"too many slice indexes: {len(indexes)}")
    k = gv.kind(item)
    if k == gv.STRING:
        if len(indexes) == 3:
            raise FuncError("cannot 3-index slice a string")
        data = item.encode()
    elif k == gv.SLICE:
        data = item
    else:
        raise FuncError(f"can't slice item of type {gv.go_type_name(item)}")
    cap = len(data)
    idx = [0, len(data), 0]
    for i, index in enumerate(indexes):
        idx[i] = _index_arg(index, cap)
    if idx[0] > idx[1]:
        raise FuncError(f"invalid slice index: {idx[0]} > {idx[1]}")
    if len(indexes) == 3 and idx[1] > idx[2]:
        raise FuncError(f"invalid slice index: {idx[1]} > {idx[2]}")
    part = data[idx[0]:idx[1]]
    if k == gv.STRING:
        return part.decode("utf-8", errors="replace")
    return list(part)


def _len(item):
    if item is None:
        raise FuncError("reflect: call of reflect.Value.Type on zero Value")
    k = gv.kind(item)
    if k == gv.STRING:
        return len(item.encode())
    if k in (gv.SLICE, gv.MAP):
        return len(item)
    raise FuncError(f"len of type {gv.go_type_name(item)}")


# -- comparison ----------------------------------------------------------------------------
_BASIC = {gv.BOOL: "bool", gv.INT: "int", gv.FLOAT: "float", gv.COMPLEX: "complex", gv.STRING: "string"}


def _basic(v):
    if v is None:
        return None
    return _BASIC.get(gv.kind(v))


def _eq(arg1, *arg2):
    if not arg2:
        raise FuncError("missing argument for comparison")
    k1 = _basic(arg1)
    for arg in arg2:
        k2 = _basic(arg)
        if k1 != k2:
            if arg1 is not None and arg is not None:
                raise FuncError("incompatible types for comparison")
            truth_ = False
        elif k1 is not None:
            truth_ = arg1 == arg
        else:
            truth_ = _eq_other(arg1, arg)
        if truth_:
            return True
    return False


def _eq_other(a, b):
    if a is None or b is None:
        return (a is None) == (b is None)
    ta, tb = gv.go_type_name(a), gv.go_type_name(b)
    if ta != tb:
        raise FuncError(f"non-comparable types {gofmt.sprint([a])}: {ta}, {tb}: {gofmt.sprint([b])}")
    if gv.kind(b) in (gv.SLICE, gv.MAP, gv.FUNC):
        raise FuncError(f"non-comparable type {gofmt.sprint([b])}: {tb}")
    return a == b


def _ne(arg1, arg2):
    return not _eq(arg1, arg2)


def _lt(arg1, arg2):
    k1 = _basic(arg1)
    k2 = _basic(arg2)
    if k1 is None or k2 is None:
        raise FuncError("invalid type for comparison")
    if k1 != k2:
        raise FuncError("incompatible types for comparison")
    if k1 in ("bool", "complex"):
        raise FuncError("invalid type for comparison")
    if k1 == "string":
        return arg1.encode() < arg2.encode()
    return arg1 < arg2


def _le(arg1, arg2):
    return _lt(arg1, arg2) or _eq(arg1, arg2)


def _gt(arg1, arg2):
    return not _le(arg1, arg2)


def _ge(arg1, arg2):
    return not _lt(arg1, arg2)


def _printf(fmt, *args):
    return gofmt.sprintf(fmt, args)


def _print(*args):
    return gofmt.sprint(args)


def _println(*args):
    return gofmt.sprintln(args)


def _and_or(*args):  # pragma: no cover - the evaluator short-circuits and/or itself
    raise FuncError("and/or are evaluated by the template engine")


BUILTINS = {
    f.name: f for f in (
        Func("and", _and_or, (VALUE, VALUE), True),
        Func("or", _and_or, (VALUE, VALUE), True),
        Func("not", _not, (VALUE,), False),
        Func("call", _call, (VALUE, VALUE), True),
        Func("html", _html, (ANY,), True),
        Func("js", _js, (ANY,), True),
        Func("urlquery", _urlquery, (ANY,), True),
        Func("index", _index, (VALUE, VALUE), True),
        Func("slice", _slice, (VALUE, VALUE), True),
        Func("len", _len, (VALUE,), False),
        Func("print", _print, (ANY,), True),
        Func("printf", _printf, (STRING, ANY), True),
        Func("println", _println, (ANY,), True),
        Func("eq", _eq, (VALUE, VALUE), True),
        Func("ne", _ne, (VALUE, VALUE), False),
        Func("lt", _lt, (VALUE, VALUE), False),
        Func("le", _le, (VALUE, VALUE), False),
        Func("gt", _gt, (VALUE, VALUE), False),
        Func("ge", _ge, (VALUE, VALUE), False),
    )
}


def user_func(name, fn):
    """Wrap a Python callable as a template function; its signature gives the argument count."""
    if not callable(fn):
        raise TypeError(f"value for {name} not a function")
    if not name or not (name[0] == "_" or name[0].isalpha()) or not all(c == "_" or c.isalnum() for c in name):
        raise ValueError(f"function name {name!r} is not a valid identifier")
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return Func(name, fn, (ANY,), True, builtin=False)
    params = []
    variadic = False
    for p in sig.parameters.values():
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            params.append(ANY)
        elif p.kind == p.VAR_POSITIONAL:
            params.append(ANY)
            variadic = True
    return Func(name, fn, tuple(params), variadic, builtin=False)
