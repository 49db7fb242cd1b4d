"""Machbase error codes and messages: one table, one exception tree.

Machbase reports every failure as a number and a printf-style message
(``ERR-02253`` in machsql, ``{"error_code":2253, "error_message":"..."}`` over REST).
:data:`ERRORS` holds the codes a REST client can meet, with Machbase's message text;
:func:`error` builds the exception with the template filled in::

    raise error(2025, "TEST_TABLE")      # MachbaseNotFound: Table TEST_TABLE does not exist.

The REST payload carries the bare message (no ``ERR-nnnnn`` prefix); ``str(ex)`` is that
message and :meth:`MachbaseError.machsql_text` gives the machsql spelling.

Every class here is a :class:`machstore.errors.MachstoreError`, so code that catches the
engine's errors catches these too.  NOTE: ``MachbaseError.code`` is Machbase's *integer*
code, not the short string code of the engine's own classes; use
:func:`as_machbase_error` to turn any engine error into a Machbase one (the REST layer's
one place of translation).
"""
import re

from machstore import errors as _engine_errors

__all__ = [
    "ERRORS", "NO_ERROR_MESSAGE", "MachbaseError", "MachbaseValueError", "MachbaseSyntaxError",
    "MachbaseNotFound", "MachbaseExists", "MachbaseAuthError", "MachbaseRequestError",
    "MachbaseConfigError", "MachbaseUnsupported", "MachbaseStateError", "error", "template",
    "as_machbase_error",
]

NO_ERROR_MESSAGE = "No Error"


class MachbaseError(_engine_errors.MachstoreError):
    """A Machbase error: integer ``code`` and the message REST clients see."""

    def __init__(self, code, message=None, **details):
        code = int(code)
        if message is None:
            message = template(code)
        super().__init__(message, **details)
        self.code = code

    @property
    def error_code(self):
        """Return the code, under the name the REST envelope uses."""
        return self.code

    def machsql_text(self):
        """Return the message as machsql prints it: ``[ERR-02025: Table T does not exist.]``."""
        return f"[ERR-{self.code:05d}: {self.message}]"

    def __repr__(self):
        return f"{type(self).__name__}({self.code}, {self.message!r})"

    def __eq__(self, other):
        return (isinstance(other, MachbaseError) and type(other) is type(self)
                and other.code == self.code and other.message == self.message)

    def __hash__(self):
        return hash((type(self), self.code, self.message))


class MachbaseValueError(MachbaseError):
    """A value cannot be converted or stored (bad date, number, address, length...)."""


class MachbaseSyntaxError(MachbaseError):
    """A statement or expression does not parse."""


class MachbaseNotFound(MachbaseError):
    """A named object (table, column, function, tag, user, rollup) does not exist."""


class MachbaseExists(MachbaseError):
    """An object or key that must be unique already exists."""


class MachbaseAuthError(MachbaseError):
    """Authentication failed or was not attempted (REST HTTP_AUTH, users)."""


class MachbaseRequestError(MachbaseError):
    """A REST request is malformed (JSON body, URL, parameters, memory limit)."""


class MachbaseConfigError(MachbaseError):
    """A configuration file or property value is invalid."""


class MachbaseUnsupported(MachbaseError):
    """The statement is valid Machbase but not allowed here or not implemented."""


class MachbaseStateError(MachbaseError):
    """The operation conflicts with existing data or state (e.g. tag still has rows)."""


_V, _S, _N, _E = MachbaseValueError, MachbaseSyntaxError, MachbaseNotFound, MachbaseExists
_A, _R, _C, _U, _T = (MachbaseAuthError, MachbaseRequestError, MachbaseConfigError,
                      MachbaseUnsupported, MachbaseStateError)
_G = MachbaseError

# (code, message template in Machbase's own printf spelling, class).  Messages follow
# Machbase's error-code table (troubleshooting/error-code), typos and spacing included.
_TABLE = (
    (0, NO_ERROR_MESSAGE, _G),
    (300, "Invalid date value.(%s)", _V),
    (301, "Invalid network string.(%s)", _V),
    (491, "Error in json dump.", _V),
    (492, "Error in json load.", _V),
    (502, "Json path is too long.", _V),
    (505, "Error encode base64.", _V),
    (506, "Error decode base64.", _V),
    (600, "Invalid property value: %s.", _C),
    (1006, "Functionality is not supported yet.", _U),
    (1309, "Invalid varying column size. Value size(<%u>) for the variable column is greater "
           "than the max size (<%u>).", _V),
    (1345, "The value of the column<%u> must not be NULL", _V),
    (2010, "Syntax error: near token (%s).", _S),
    (2011, "Unrecognized token (%s).", _S),
    (2014, "Column name is duplicated: (%s).", _E),
    (2015, "Invalid column type: (%s).", _S),
    (2019, "Column size should be specified on a variable column type.", _S),
    (2020, "Invalid size specified. Cannot specify type size to (%s).", _S),
    (2024, "Table %s already exists.", _E),
    (2025, "Table %s does not exist.", _N),
    (2026, "The number of insert values and that of columns are mismatched.", _V),
    (2027, "Error in table insert column integer conversion. Insert value conversion to "
           "integer error (%s).", _V),
    (2028, "Error in table insert column double conversion. Insert value conversion to "
           "double error (%s)", _V),
    (2030, "Column name (%s) does not exist.", _N),
    (2034, "Invalid format of time expression.", _S),
    (2035, "Function [%s] does not exist.", _N),
    (2036, "Function [%s] argument is mismatched.", _V),
    (2037, "Function [%s] argument data type is mismatched.", _V),
    (2038, "Table [%s] does not exist.", _N),
    (2040, "Invalid time range.", _V),
    (2053, "Failed to convert type (%s) to type (%s).", _V),
    (2055, "Invalid insert value.", _V),
    (2056, "Column name (%s) not found.", _N),
    (2058, "Index %s already exists", _E),
    (2059, "Index %s does not exist", _N),
    (2061, "Cannot divide a value by zero.", _V),
    (2068, "Invalid IPv4 address format (%s).", _V),
    (2077, "Invalid %s size. %s type size cannot be more than %d.", _S),
    (2079, "The number of function (%s) arguments is not matched.", _V),
    (2080, "User (%s) does not exist.", _N),
    (2081, "Invalid username/password.", _A),
    (2082, "User (%s) already exists.", _E),
    (2119, "This functionality has not been implemented.", _U),
    (2125, "Error in converting string (%s) to datetime with heuristic method. Check the "
           "default date string format in this session.", _V),
    (2131, "Single row error. Single-row subquery returns more than one row.", _V),
    (2145, "The string cannot be converted to number value.(%s)", _V),
    (2148, "Invalid IPv6 address format.(%s)", _V),
    (2183, "Append mode for table (%s) is not supported.", _U),
    (2233, "Error occurred at column (%u): (%s)", _V),
    (2247, "DATETIME earlier than 1970-01-01 00:00:00 (UTC) is not valid.", _V),
    (2253, "Mandatory column definition (PRIMARY KEY / BASETIME) is missing.", _S),
    (2258, "Metadata key (%.*s) for the TAG table has already been inserted.", _E),
    (2259, "Metadata of TAGDATA table is not found. (Key = %s)", _N),
    (2265, "Reading TAGDATA table without primary key condition is not allowed.", _U),
    (2266, "You cannot delete raw data of TAGDATA table with WHERE condition.", _U),
    (2279, "Invalid tag name insertion to TAGDATA table (name = '%s').", _V),
    (2281, "DURATION clause is not applicable on %s.", _U),
    (2285, "Internal error: %s.", _G),
    (2287, "TAGDATA name value (%s) is too long.", _V),
    (2322, "Mandatory column definition (PRIMARY KEY) is missing.", _S),
    (2324, "Cannot delete tagmeta. there exist data with deleted_tag key.", _T),
    (2325, "Integer %s type overflow.", _V),
    (2328, "Cannot insert a new tag since the number of tags has exceeded MAX_TAG_COUNT(%lld).",
     _T),
    (2329, "Cannot insert a new tag since the number of tags has exceeded "
           "TAG_COUNT_LIMIT(%lld).", _T),
    (2355, "Type (%s) is not supported.", _U),
    (2651, "Dependent ROLLUP table exists.", _T),
    (2654, "ROLLUP (%s) is not found.", _N),
    (2671, "Invalid type for ROLLUP column (%s).", _V),
    (2676, "Not a TAG table.", _U),
    (2677, "Invalid rollup time unit (%s).", _V),
    (2678, "WITH ROLLUP requires a SUMMARIZED column.", _S),
    (3027, "This statement has been canceled.", _G),
    (3039, "Session count exceed: (maxcount =%llu).", _G),
    (3044, "Wrong TIMEZONE string error: %s.", _V),
    (3100, "Append Operation is not supported in Cluster Edition", _U),
    (3101, "Can't convert (%s) to number", _V),
    (3102, "Can't decode in base64", _V),
    (3103, "not supported JSON type (%d)", _R),
    (3104, "Column count for append is not matched with Meta", _R),
    (3105, "The table type for append is not valid", _R),
    (3106, "the JSON format is not valid", _R),
    (3107, "Can't get the meta info for append table", _R),
    (3108, "Can't read data from or write data into network buffer", _R),
    (3109, "The URL (%s) is not valid format", _R),
    (3110, "Timeout in waiting for response", _R),
    (3111, "Can't connect to proxy server (%s:%d)", _R),
    (3112, "Tag name in JSON must be string type", _R),
    (3113, "Tag name (%s) does not exist in meta list", _N),
    (3114, "The HTTP memory request exceeded the limit of (%lld). Change the property "
           "(HTTP_MAX_MEM) and restart server", _R),
    (3115, "Table name is omitted from the JSON format", _R),
    (3116, "Wrong Base64 Format Received", _R),
    (3117, "Only Basic Authorization Accept To Login.", _A),
    (3118, "There is No Authorization Header.", _A),
    (3119, "The value of tag default column<%d> must not be NULL", _V),
    (3120, "The timezone (%s) is invalid.", _R),
    (3121, "Fail to get json object", _R),
    (3122, "There is no argument for Rest API", _R),
    (3123, "Count value is not valid for Rest API", _R),
    (3124, "Interval value is not valid for Rest API", _R),
    (3125, "Interval type is not valid for Rest API", _R),
    (3126, "The requested URL for the REST API is not valid", _R),
    (3127, "The requested URL for the REST API is not supported", _R),
    (3128, "TAG_STAT is not available for table %s.", _U),
)

# C conversions -> Python ones: every integer flavour is %d, %.*s takes one string here.
_C_SPEC = re.compile(r"%(?:%|\.\*s|ll[duXx]|l[duXxf]|h[du]|[sducXx])")


def _convert_spec(spec):
    if spec == "%%":
        return "%%"
    last = spec[-1]
    if last == "s":
        return "%s"
    if last in "Xxc":
        return "%" + last
    if last == "f":
        return "%f"
    return "%d"


def _pythonize(text):
    """Return (python %-template, list of its conversion specs) for a printf template."""
    out, specs, pos = [], [], 0
    for m in _C_SPEC.finditer(text):
        out.append(text[pos:m.start()].replace("%", "%%"))
        spec = _convert_spec(m.group(0))
        out.append(spec)
        if spec != "%%":
            specs.append(spec)
        pos = m.end()
    out.append(text[pos:].replace("%", "%%"))
    return "".join(out), specs


#: code -> (message template as Machbase spells it, exception class)
ERRORS = {code: (text, cls) for code, text, cls in _TABLE}
_PY = {code: _pythonize(text) for code, text, _ in _TABLE}


def template(code):
    """Return the message template of ``code`` in Machbase's printf spelling."""
    try:
        return ERRORS[code][0]
    except KeyError:
        raise KeyError(f"unknown Machbase error code {code}") from None


def error(code, *args, **details):
    """Return the exception for ``code`` with its message filled in from ``args``.

    The number of ``args`` must match the template's placeholders (a ``TypeError``
    otherwise: a bug in the caller, caught by tests).  Integers given for ``%s`` and strings
    given for ``%d`` are converted, so ``error(2233, 3, "Invalid insert value.")`` and
    ``error(3111, "host", "80")`` both work.
    """
    if code not in ERRORS:
        raise KeyError(f"unknown Machbase error code {code}")
    cls = ERRORS[code][1]
    fmt, specs = _PY[code]
    if len(args) != len(specs):
        raise TypeError(f"error {code} takes {len(specs)} argument(s), got {len(args)}")
    if not specs:
        return cls(code, ERRORS[code][0], **details)
    fixed = []
    for spec, arg in zip(specs, args):
        if spec in ("%d", "%x", "%X"):
            fixed.append(int(arg))
        elif spec == "%s":
            fixed.append(arg.message if isinstance(arg, MachbaseError) else str(arg))
        else:
            fixed.append(arg)
    message = fmt % tuple(fixed)
    return cls(code, message, **details)


def as_machbase_error(ex):
    """Return ``ex`` as a :class:`MachbaseError` (the REST layer's one translation point).

    Machbase errors pass through; the engine's own error classes map onto the nearest
    Machbase code (table/tag not found, duplicate key, parse errors...); anything else is
    2285 ``Internal error: ...``.
    """
    if isinstance(ex, MachbaseError):
        return ex
    E = _engine_errors
    details = getattr(ex, "details", {}) or {}
    text = getattr(ex, "message", None) or str(ex) or type(ex).__name__

    def name(*keys):
        for key in keys:
            if details.get(key) is not None:
                return str(details[key])
        return text

    if isinstance(ex, E.ParseError) and isinstance(getattr(ex, "code", None), int) and ex.code in ERRORS:
        # the SQL parser's errors carry Machbase's own code and text (2010, 2011, 2034)
        out = MachbaseSyntaxError(ex.code, text)
        out.__cause__ = ex
        return out
    checks = (
        ("TagHasData", lambda: error(2324)),
        ("TagNotFound", lambda: error(3113, name("tag", "name"))),
        ("TableNotFound", lambda: error(2025, name("table", "name"))),
        ("DuplicateKey", lambda: error(2258, name("key", "tag", "name"))),
        ("AlreadyExists", lambda: error(2024, name("table", "name"))),
        ("ParseError", lambda: error(2010, name("token", "near"))),
        ("NotFound", lambda: error(2025, name("table", "name"))),
        ("StorageFull", lambda: error(2285, text)),
        ("InvalidArgument", lambda: error(2285, text)),
    )
    for cls_name, build in checks:
        cls = getattr(E, cls_name, None)
        if cls is not None and isinstance(ex, cls):
            out = build()
            out.__cause__ = ex
            return out
    out = error(2285, text)
    out.__cause__ = ex
    return out
