"""InfluxQL parser: tokens -> statements, by recursive descent over the grammar in grammar.md.

This is a port of InfluxDB 1.8's parser (influxql ``parser.go`` and ``parse_tree.go`` at the
revision InfluxDB 1.8.10 ships); each method is named after the grammar rule it parses and
scans tokens in the same order as its Go counterpart, so that errors come out the same.
Errors are raised where they are found, as :class:`_Fail`, and turned into
:class:`InfluxQLParseError` once, in :func:`parse`.  Their text is InfluxDB 1.8's, word for
word, because clients show it to people and some tests and tools match on it:

* ``found X, expected A, B at line L, char C`` for an unexpected token (X is the token's
  text, or its kind's name: ``EOF``, ``SELECT``, ``;``);
* ``<message> at line L, char C`` for a bad value where it stands (``invalid duration``);
* a bare ``<message>`` where InfluxDB gives no position (``only ORDER BY time supported at
  this time``, ``fill must be a function call``).

Bound parameters (``$name``) are replaced by the values passed in ``params`` as the tokens
are scanned, exactly as InfluxDB binds the ``params`` of ``/query`` (see :func:`bind_value`).
"""
import math
import zoneinfo

from machstore import errors

from . import ast
from .lexer import (
    BADESCAPE,
    BADREGEX,
    BOUNDPARAM,
    COMMENT,
    DURATIONVAL,
    EOF,
    FALSE,
    IDENT,
    INTEGER,
    NUMBER,
    REGEX,
    STRING,
    TRUE,
    WS,
    Pos,
    Scanner,
    Token,
    token_text,
)

__all__ = ["InfluxQLParseError", "parse", "parse_statement", "parse_expr", "parse_influx_duration", "bind_value"]

MAX_INT32 = 2**31 - 1
MAX_INT64 = 2**63 - 1
MAX_UINT64 = 2**64 - 1


class InfluxQLParseError(errors.ParseError):
    """A query that does not parse; ``str()`` is InfluxDB's text (without "error parsing query: ").

    ``pos`` is where the problem is (None when InfluxDB names no position), ``found`` and
    ``expected`` are set for an unexpected token, ``snippet`` shows the line with a caret.
    """

    code = "influxql_parse"

    def __init__(self, message, *, pos=None, found=None, expected=(), snippet=""):
        super().__init__(message, pos=pos, found=found, expected=tuple(expected))
        self.pos = pos
        self.found = found
        self.expected = tuple(expected)
        self.snippet = snippet


class _Fail(Exception):
    """Raised deep in the parser; :func:`parse` converts it to :class:`InfluxQLParseError`."""

    def __init__(self, message=None, *, found=None, expected=(), pos=None):
        super().__init__(message)
        self.message = message
        self.found = found
        self.expected = tuple(expected)
        self.pos = pos

    def text(self):
        if self.message is None:
            where = f" at line {self.pos.line}, char {self.pos.char}"
            return f"found {self.found}, expected {', '.join(self.expected)}{where}"
        if self.pos is None:
            return self.message
        return f"{self.message} at line {self.pos.line}, char {self.pos.char}"


def _unexpected(tok, expected):
    return _Fail(found=token_text(tok), expected=expected, pos=tok.pos)


_START = Pos(1, 1)  # where InfluxDB reports errors it has no position for ("too many segments")


def parse(text, params=None):
    """Parse InfluxQL text into a list of statements (``;`` separated; none for blank text).

    ``params`` maps bound parameter names (``$name``) to values, as ``/query``'s ``params``
    JSON does.  Raises :class:`InfluxQLParseError` with InfluxDB's message if the text does
    not parse.
    """
    parser = Parser(text, params)
    try:
        return parser.query()
    except _Fail as ex:
        raise parser.error(ex) from None
    except RecursionError:
        raise _too_deep() from None


def parse_statement(text, params=None):
    """Parse exactly one statement (InfluxDB's ``ParseStatement``; a trailing ``;`` is allowed)."""
    parser = Parser(text, params)
    try:
        stmt = parser.statement()
        tok = parser.next()
        if tok.kind == ";":
            tok = parser.next()
        if tok.kind != EOF:
            raise _unexpected(tok, ["EOF"])
        return stmt
    except _Fail as ex:
        raise parser.error(ex) from None
    except RecursionError:
        raise _too_deep() from None


def parse_expr(text, params=None):
    """Parse one expression (a WHERE condition, say); the whole text must be the expression."""
    parser = Parser(text, params)
    try:
        expr = parser.expr()
        tok = parser.next()
        if tok.kind != EOF:
            raise _unexpected(tok, ["EOF"])
        return expr
    except _Fail as ex:
        raise parser.error(ex) from None
    except RecursionError:
        raise _too_deep() from None


def _too_deep():
    # NOTE: InfluxDB has no such limit (Go stacks grow); Python's recursion limit is the
    # bound here, at a few hundred nested parentheses, calls or subqueries.
    return InfluxQLParseError("query is nested too deeply")


# -- bound parameters ----------------------------------------------------------------------

def _go_type_name(value):
    if value is None:
        return "<nil>"
    if isinstance(value, list):
        return "[]interface {}"
    return type(value).__name__


def _int64_text(value):
    if not -(2**63) <= value <= MAX_INT64:
        return None
    return str(value)


def bind_value(value):
    """Return the ``(token kind, literal)`` a bound parameter value stands for.

    As InfluxDB's ``BindValue``: a float is a number, an int an integer, a str a string, a
    bool a boolean, and a one-entry object names the kind: ``{"identifier": "cpu"}``,
    ``{"regex": "^a"}``, ``{"string": ...}``, ``{"float"|"number": ...}``,
    ``{"int"|"integer": ...}``, ``{"duration": "10s" | nanoseconds}``.  A value that cannot
    be bound becomes an error token (kind BOUNDPARAM, literal the error text), which fails
    where it is used.
    """
    if isinstance(value, bool):
        return (TRUE, "") if value else (FALSE, "")
    if isinstance(value, int):
        text = _int64_text(value)
        if text is None:
            return BOUNDPARAM, f'strconv.ParseInt: parsing "{value}": value out of range'
        return INTEGER, text
    if isinstance(value, float):
        return NUMBER, ast.format_float(value)
    if isinstance(value, str):
        return STRING, value
    if isinstance(value, dict):
        return _bind_object(value)
    return BOUNDPARAM, f"unable to bind parameter with type {_go_type_name(value)}"


def _bind_object(obj):
    if len(obj) != 1:
        return BOUNDPARAM, "bound object parameter value must have exactly one entry"
    (kind, value), = obj.items()
    if kind in ("ident", "identifier"):
        if not isinstance(value, str):
            return BOUNDPARAM, "identifier must be a string value"
        return IDENT, value
    if kind == "regex":
        if not isinstance(value, str):
            return BOUNDPARAM, "regex literal must be a string value"
        return REGEX, value
    if kind == "string":
        if not isinstance(value, str):
            return BOUNDPARAM, "string literal must be a string value"
        return STRING, value
    if kind in ("float", "number"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return BOUNDPARAM, "number literal must be a float value"
        return NUMBER, ast.format_float(float(value))
    if kind in ("int", "integer"):
        if isinstance(value, bool) or not isinstance(value, int) or _int64_text(value) is None:
            return BOUNDPARAM, "integer literal must be an integer value"
        return INTEGER, str(value)
    if kind == "duration":
        if isinstance(value, str):
            return DURATIONVAL, value
        if isinstance(value, int) and not isinstance(value, bool) and _int64_text(value) is not None:
            return DURATIONVAL, ast.format_duration(value)
        return BOUNDPARAM, "duration literal must be a string or integer value"
    return BOUNDPARAM, f"unknown bind object type: {kind}"


# -- the statement dispatch tree (InfluxDB's, in its order: it shows in "expected ..." lists) --
# A dict is a further keyword; a string names the Parser method that parses the statement.

_SHOW = {
    "CONTINUOUS": {"QUERIES": "show_continuous_queries"},
    "DATABASES": "show_databases",
    "DIAGNOSTICS": "show_diagnostics",
    "FIELD": {"KEY": "show_field_key_cardinality", "KEYS": "show_field_keys"},
    "GRANTS": {"FOR": "show_grants_for_user"},
    "MEASUREMENT": {"EXACT": "show_measurement_exact_cardinality",
                    "CARDINALITY": "show_measurement_cardinality"},
    "MEASUREMENTS": "show_measurements",
    "QUERIES": "show_queries",
    "RETENTION": {"POLICIES": "show_retention_policies"},
    "SERIES": "show_series",
    "SHARD": {"GROUPS": "show_shard_groups"},
    "SHARDS": "show_shards",
    "STATS": "show_stats",
    "SUBSCRIPTIONS": "show_subscriptions",
    "TAG": {"KEY": "show_tag_key_cardinality", "KEYS": "show_tag_keys", "VALUES": "show_tag_values"},
    "USERS": "show_users",
}

_STATEMENTS = {
    "SELECT": "select",
    "DELETE": "delete",
    "SHOW": _SHOW,
    "CREATE": {
        "CONTINUOUS": {"QUERY": "create_continuous_query"},
        "DATABASE": "create_database",
        "USER": "create_user",
        "RETENTION": {"POLICY": "create_retention_policy"},
        "SUBSCRIPTION": "create_subscription",
    },
    "DROP": {
        "CONTINUOUS": {"QUERY": "drop_continuous_query"},
        "DATABASE": "drop_database",
        "MEASUREMENT": "drop_measurement",
        "RETENTION": {"POLICY": "drop_retention_policy"},
        "SERIES": "drop_series",
        "SHARD": "drop_shard",
        "SUBSCRIPTION": "drop_subscription",
        "USER": "drop_user",
    },
    "EXPLAIN": "explain",
    "GRANT": "grant",
    "REVOKE": "revoke",
    "ALTER": {"RETENTION": {"POLICY": "alter_retention_policy"}},
    "SET": {"PASSWORD": {"FOR": "set_password_user"}},
    "KILL": {"QUERY": "kill_query"},
}

# Binary operators and their precedence (InfluxDB's ``Token.Precedence``); IN is not one.
_PRECEDENCE = {"OR": 1, "AND": 2,
               "=": 3, "!=": 3, "=~": 3, "!~": 3, "<": 3, "<=": 3, ">": 3, ">=": 3,
               "+": 4, "-": 4, "|": 4, "^": 4,
               "*": 5, "/": 5, "%": 5, "&": 5}

# Operators a SELECT field may not use (they are for WHERE).
_CONDITION_OPS = frozenset(("=", "!=", "=~", "!~", "<", "<=", ">", ">=", "AND", "OR"))

_TYPES = {"float": "float", "integer": "integer", "unsigned": "unsigned", "string": "string", "boolean": "boolean"}


class _Bin:
    """A binary expression while its tree is being built (``expr`` re-links right-hand sides)."""

    __slots__ = ("op", "lhs", "rhs")

    def __init__(self, op, lhs, rhs):
        self.op, self.lhs, self.rhs = op, lhs, rhs


def _freeze(node):
    if not isinstance(node, _Bin):
        return node
    lhs = _freeze(node.lhs)
    return ast.BinaryExpr(node.op, lhs, _freeze(node.rhs), pos=lhs.pos)


class Parser:
    """A recursive-descent parser over a :class:`Scanner`, with InfluxDB's token push-back."""

    def __init__(self, text, params=None):
        self.text = text
        self._scanner = Scanner(text)
        self._tokens = []   # the last tokens scanned, newest last
        self._back = 0      # how many of them were pushed back
        self.params = {name: bind_value(v) for name, v in (params or {}).items()}

    # -- token stream ------------------------------------------------------------------

    def scan(self):
        """Return the next token, whitespace included (a bound parameter replaced by its value)."""
        if self._back:
            tok = self._tokens[-self._back]
            self._back -= 1
            return tok
        return self._keep(self._scanner.scan())

    def _keep(self, tok):
        if tok.kind == BOUNDPARAM and self.params:
            value = self.params.get(tok.lit[1:]) if tok.lit.startswith("$") else None
            if value is not None and tok.lit != "$":
                tok = Token(value[0], tok.pos, value[1])
        tokens = self._tokens
        tokens.append(tok)
        if len(tokens) > 32:
            del tokens[:16]   # PERF: trim in steps; the parser never pushes back more than a few tokens
        return tok

    def next(self):
        """Return the next token that is not whitespace or a comment."""
        while True:
            # PERF: scan() inlined (the parser asks for most tokens here)
            if self._back:
                tok = self._tokens[-self._back]
                self._back -= 1
            else:
                tok = self._keep(self._scanner.scan())
            if tok.kind != WS and tok.kind != COMMENT:
                return tok

    def unscan(self):
        """Push the last token back."""
        self._back += 1

    def accept(self, kind):
        """Consume and return the next token if it is ``kind``, else leave it and return None."""
        tok = self.next()
        if tok.kind == kind:
            return tok
        self.unscan()
        return None

    def expect(self, *kinds):
        """Consume tokens of exactly these kinds, in order (InfluxDB's ``parseTokens``)."""
        tok = None
        for kind in kinds:
            tok = self.next()
            if tok.kind != kind:
                raise _unexpected(tok, [kind])
        return tok

    def _skip_whitespace(self):
        tok = self.scan()
        if tok.kind != WS:
            self.unscan()

    def error(self, fail):
        """Turn an internal failure into the public exception, with a snippet for people."""
        return InfluxQLParseError(fail.text(), pos=fail.pos, found=fail.found, expected=fail.expected,
                                  snippet=self._snippet(fail.pos))

    def _snippet(self, pos):
        if pos is None:
            return ""
        lines = self.text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        if not 1 <= pos.line <= len(lines):
            return ""
        line = lines[pos.line - 1]
        return line + "\n" + " " * min(pos.char - 1, len(line)) + "^"

    # -- query and statement dispatch ------------------------------------------------------

    def query(self):
        """query = statement { ";" statement } -- empty statements between ";" are skipped."""
        statements = []
        after_semicolon = True
        while True:
            tok = self.next()
            if tok.kind == EOF:
                return statements
            if tok.kind == ";":
                after_semicolon = True
                continue
            if not after_semicolon:
                raise _unexpected(tok, [";"])
            self.unscan()
            statements.append(self.statement())
            after_semicolon = False

    def statement(self):
        """statement = one of the statements below, chosen by its leading keywords."""
        tree = _STATEMENTS
        start = None
        while True:
            tok = self.next()
            start = start or tok
            branch = tree.get(tok.kind)
            if branch is None:
                raise _unexpected(tok, list(tree))
            if isinstance(branch, dict):
                tree = branch
                continue
            return getattr(self, branch)(start.pos)

    # -- SELECT ------------------------------------------------------------------------

    def select(self, pos, target="optional"):
        """select = "SELECT" fields [ into ] "FROM" sources [ where ] [ group_by ] [ fill ]
        [ order_by ] [ limit ] [ offset ] [ slimit ] [ soffset ] [ tz ] .

        ``target`` is "required" in a continuous query and "optional" elsewhere.
        """
        fields = self.fields()
        into = self.into(target)
        self.expect("FROM")
        sources = self.sources(subqueries=True)
        condition = self.condition()
        dimensions = self.group_by()
        fill, fill_value = self.fill()
        sort_fields = self.order_by()
        limit = self.optional_int("LIMIT")
        offset = self.optional_int("OFFSET")
        slimit = self.optional_int("SLIMIT")
        soffset = self.optional_int("SOFFSET")
        location = self.tz()
        return ast.Select(fields, into, sources, condition, dimensions, fill, fill_value, sort_fields,
                          limit, offset, slimit, soffset, location, pos=pos)

    def fields(self):
        """fields = field { "," field } ."""
        fields = [self.field()]
        while True:
            if self.scan().kind != ",":
                self.unscan()
                return tuple(fields)
            fields.append(self.field())

    def field(self):
        """field = ( regex | expr ) [ "AS" ident ] -- an expr without comparison or logic."""
        regex = self.regex()
        if regex is not None:
            expr = regex
        else:
            start = self.next()
            self.unscan()
            expr = self.expr()
            for node in ast.walk(expr):
                if isinstance(node, ast.BinaryExpr) and node.op in _CONDITION_OPS:
                    # NOTE: InfluxDB words this one itself, position included, and no "at line" after.
                    raise _Fail(f"invalid operator {node.op} in SELECT clause at line {start.pos.line}, "
                                f"char {start.pos.char}; operator is intended for WHERE clause")
        alias = self.alias()
        self._skip_whitespace()
        return ast.Field(expr, alias, pos=expr.pos)

    def alias(self):
        """alias = "AS" ident ."""
        if not self.accept("AS"):
            return ""
        return self.ident()

    def into(self, requirement):
        """into = "INTO" ident_path [ ":MEASUREMENT" ] -- db.rp.m, rp.m, m, db.rp.:MEASUREMENT ..."""
        tok = self.next()
        if tok.kind != "INTO":
            if requirement == "required":
                raise _unexpected(tok, ["INTO"])
            self.unscan()
            return None
        idents, first = self.segmented_idents()
        if len(idents) < 3 and self._scanner_peek() == ":":
            self.expect(":", "MEASUREMENT")
            idents.append("")
        if len(idents) == 1:
            measurement = ast.Measurement(name=idents[0], is_target=True, pos=first)
        elif len(idents) == 2:
            measurement = ast.Measurement(retention_policy=idents[0], name=idents[1], is_target=True, pos=first)
        else:
            measurement = ast.Measurement(idents[0], idents[1], idents[2], is_target=True, pos=first)
        return ast.Target(measurement, pos=tok.pos)

    def _scanner_peek(self):
        """Return the next raw character (InfluxDB's ``peekRune``: it does not see pushed-back tokens)."""
        return self._scanner.peek_rune()

    def sources(self, subqueries=False):
        """sources = source { "," source } ."""
        sources = [self.source(subqueries)]
        while self.accept(","):
            sources.append(self.source(subqueries))
        return tuple(sources)

    def source(self, subqueries=False):
        """source = regex | "(" select ")" | ident_path [ regex ]
        -- db.rp.name, rp.name, db..name, name, rp./re/, db.rp./re/, db../re/; subqueries in SELECT only."""
        regex = self.regex()
        if regex is not None:
            return ast.Measurement(regex=regex, pos=regex.pos)
        if subqueries:
            tok = self.next()
            if tok.kind == "(":
                start = self.expect("SELECT")
                statement = self.select(start.pos, target="subquery")
                self.expect(")")
                return ast.SubQuery(statement, pos=tok.pos)
            self.unscan()
        idents, pos = self.segmented_idents()
        if len(idents) == 3:
            return ast.Measurement(idents[0], idents[1], idents[2], pos=pos)
        regex = self.regex()
        if len(idents) == 1:
            if regex is not None:
                return ast.Measurement(retention_policy=idents[0], regex=regex, pos=pos)
            return ast.Measurement(name=idents[0], pos=pos)
        if regex is not None:
            return ast.Measurement(idents[0], idents[1], regex=regex, pos=pos)
        return ast.Measurement(retention_policy=idents[0], name=idents[1], pos=pos)

    def group_by(self):
        """group_by = "GROUP" "BY" dimension { "," dimension } ."""
        if not self.accept("GROUP"):
            return ()
        self.expect("BY")
        dimensions = [self.dimension()]
        while True:
            if self.scan().kind != ",":
                self.unscan()
                return tuple(dimensions)
            dimensions.append(self.dimension())

    def dimension(self):
        """dimension = regex | expr -- time(interval[, offset]), a tag, "*" or a tag regex."""
        regex = self.regex()
        if regex is not None:
            return ast.Dimension(regex, pos=regex.pos)
        expr = self.expr()
        self._skip_whitespace()
        return ast.Dimension(expr, pos=expr.pos)

    def fill(self):
        """fill = "fill" "(" ( "null" | "none" | "previous" | "linear" | number ) ")" .

        Returns ``(option, value)``; InfluxDB parses an expression here and checks its text.
        """
        tok = self.next()
        self.unscan()
        if tok.kind != IDENT or tok.lit.lower() != "fill":
            return "null", None
        call = self.expr()
        if not isinstance(call, ast.Call):
            raise _Fail("fill must be a function call")
        if len(call.args) != 1:
            raise _Fail("fill requires an argument, e.g.: 0, null, none, previous, linear")
        arg = call.args[0]
        text = str(arg)
        if text in ("null", "none", "previous", "linear"):
            return text, None
        if isinstance(arg, (ast.IntegerLiteral, ast.NumberLiteral)):
            return "number", arg.value
        raise _Fail("expected number argument in fill()")

    def tz(self):
        """tz = "tz" "(" string ")" -- an IANA time zone name; returns it ("" when absent)."""
        tok = self.next()
        self.unscan()
        if tok.kind != IDENT or tok.lit.lower() != "tz":
            return ""
        call = self.expr()
        if not isinstance(call, ast.Call):
            raise _Fail("tz must be a function call")
        if len(call.args) != 1:
            raise _Fail("tz requires exactly one argument")
        name = call.args[0]
        if not isinstance(name, ast.StringLiteral):
            raise _Fail("expected string argument in tz()")
        return load_location(name.value)

    # -- data and schema deletion -----------------------------------------------------------

    def delete(self, pos):
        """delete = "DELETE" ( "FROM" sources [ where ] | where ) -- names without db or rp."""
        sources, condition = self._series_filter()
        return ast.DeleteSeries(sources, condition, pos=pos)

    def drop_series(self, pos):
        """drop_series = "DROP" "SERIES" ( "FROM" sources [ where ] | where ) -- names without db or rp."""
        sources, condition = self._series_filter()
        return ast.DropSeries(sources, condition, pos=pos)

    def _series_filter(self):
        tok = self.next()
        sources = ()
        if tok.kind == "FROM":
            sources = self.sources()
            problem = None
            for source in sources:
                if source.database:
                    problem = "database not supported"
                if source.retention_policy:
                    problem = "retention policy not supported"
            if problem:
                raise _Fail(problem, pos=_START)
        else:
            self.unscan()
        condition = self.condition()
        if condition is None and not sources:
            raise _unexpected(tok, ["FROM", "WHERE"])
        return sources, condition

    def drop_measurement(self, pos):
        """drop_measurement = "DROP" "MEASUREMENT" ident ."""
        return ast.DropMeasurement(self.ident(), pos=pos)

    def drop_shard(self, pos):
        """drop_shard = "DROP" "SHARD" uint ."""
        return ast.DropShard(self.uint64(), pos=pos)

    # -- databases and retention policies ---------------------------------------------------

    def show_databases(self, pos):
        """show_databases = "SHOW" "DATABASES" ."""
        return ast.ShowDatabases(pos=pos)

    def create_database(self, pos):
        """create_database = "CREATE" "DATABASE" ident [ "WITH" rp_spec ] ."""
        name = self.ident()
        if not self.accept("WITH"):
            return ast.CreateDatabase(name, pos=pos)
        tok = self.next()
        if tok.kind not in ("DURATION", "NAME", "REPLICATION", "SHARD"):
            raise _unexpected(tok, ["DURATION", "NAME", "REPLICATION", "SHARD"])
        self.unscan()
        duration = replication = None
        shard_duration = 0
        rp_name = ""
        if self.accept("DURATION"):
            duration = self.duration()
        if self.accept("REPLICATION"):
            replication = self.int_in_range(1, MAX_INT32)
        if self.accept("SHARD"):
            self.expect("DURATION")
            shard_duration = self.duration()
        if self.accept("NAME"):
            rp_name = self.ident()
        return ast.CreateDatabase(name, True, duration, replication, shard_duration, rp_name, pos=pos)

    def drop_database(self, pos):
        """drop_database = "DROP" "DATABASE" ident ."""
        return ast.DropDatabase(self.ident(), pos=pos)

    def show_retention_policies(self, pos):
        """show_retention_policies = "SHOW" "RETENTION" "POLICIES" [ "ON" ident ] ."""
        database = self.ident() if self.accept("ON") else ""
        return ast.ShowRetentionPolicies(database, pos=pos)

    def create_retention_policy(self, pos):
        """create_retention_policy = "CREATE" "RETENTION" "POLICY" ident "ON" ident
        "DURATION" duration "REPLICATION" int [ "SHARD" "DURATION" duration ] [ "DEFAULT" ] ."""
        name = self.ident()
        self.expect("ON")
        database = self.ident()
        self.expect("DURATION")
        duration = self.duration()
        self.expect("REPLICATION")
        replication = self.int_in_range(1, MAX_INT32)
        shard_duration = 0
        if self.accept("SHARD"):
            self.expect("DURATION")
            shard_duration = self.shard_duration()
        default = self.accept("DEFAULT") is not None
        return ast.CreateRetentionPolicy(name, database, duration, replication, shard_duration, default,
                                         pos=pos)

    def alter_retention_policy(self, pos):
        """alter_retention_policy = "ALTER" "RETENTION" "POLICY" ( ident | "DEFAULT" ) "ON" ident
        rp_option { rp_option } ."""
        tok = self.next()
        if tok.kind == "DEFAULT":
            name = "default"
        elif tok.kind == IDENT:
            name = tok.lit
        else:
            raise _unexpected(tok, ["identifier"])
        self.expect("ON")
        database = self.ident()
        options = {}
        while True:
            tok = self.next()
            if tok.kind in options:
                raise _Fail(f"found duplicate {tok.kind} option", pos=tok.pos)
            if tok.kind == "DURATION":
                options["DURATION"] = self.duration()
            elif tok.kind == "REPLICATION":
                options["REPLICATION"] = self.int_in_range(1, MAX_INT32)
            elif tok.kind == "SHARD":
                self.expect("DURATION")
                options["SHARD"] = self.shard_duration()
            elif tok.kind == "DEFAULT":
                options["DEFAULT"] = True
            elif not options:
                raise _unexpected(tok, ["DURATION", "REPLICATION", "SHARD", "DEFAULT"])
            else:
                self.unscan()
                break
        return ast.AlterRetentionPolicy(name, database, options.get("DURATION"), options.get("REPLICATION"),
                                        options.get("SHARD"), options.get("DEFAULT", False), pos=pos)

    def drop_retention_policy(self, pos):
        """drop_retention_policy = "DROP" "RETENTION" "POLICY" ident "ON" ident ."""
        name = self.ident()
        self.expect("ON")
        return ast.DropRetentionPolicy(name, self.ident(), pos=pos)

    # -- measurements, series, tags, fields -------------------------------------------------

    def show_measurements(self, pos):
        """show_measurements = "SHOW" "MEASUREMENTS" [ on_clause ]
        [ "WITH" "MEASUREMENT" ( "=" | "=~" ) source ] [ where ] [ order_by ] [ limit ] [ offset ] ."""
        database = self.on_clause()
        source = None
        if self.accept("WITH"):
            self.expect("MEASUREMENT")
            tok = self.next()
            if tok.kind not in ("=", "=~"):
                raise _unexpected(tok, ["=", "=~"])
            source = self.source()
        condition, sort_fields, limit, offset = self.filter_clauses()
        return ast.ShowMeasurements(database, source, condition, sort_fields, limit, offset, pos=pos)

    def show_measurement_cardinality(self, pos, exact=False):
        """show_measurement_cardinality = "SHOW" "MEASUREMENT" [ "EXACT" ] "CARDINALITY" cardinality_tail ."""
        database, sources, condition, dimensions, limit, offset = self.cardinality_tail()
        return ast.ShowMeasurementCardinality(database, exact, sources, condition, dimensions, limit, offset,
                                              pos=pos)

    def show_measurement_exact_cardinality(self, pos):
        self.expect("CARDINALITY")
        return self.show_measurement_cardinality(pos, exact=True)

    def show_series(self, pos):
        """show_series = "SHOW" "SERIES" [ on_clause ] [ from_clause ] [ where ] [ order_by ]
        [ limit ] [ offset ] .  (``SHOW SERIES [EXACT] CARDINALITY`` is show_series_cardinality.)"""
        exact = self.accept("EXACT") is not None
        if self.accept("CARDINALITY"):
            return self.show_series_cardinality(pos, exact)
        # NOTE: as in InfluxDB, an EXACT not followed by CARDINALITY is ignored.
        database = self.on_clause()
        sources = self.from_clause()
        condition, sort_fields, limit, offset = self.filter_clauses()
        return ast.ShowSeries(database, sources, condition, sort_fields, limit, offset, pos=pos)

    def show_series_cardinality(self, pos, exact):
        """show_series_cardinality = "SHOW" "SERIES" [ "EXACT" ] "CARDINALITY" cardinality_tail ."""
        database, sources, condition, dimensions, limit, offset = self.cardinality_tail()
        return ast.ShowSeriesCardinality(database, exact, sources, condition, dimensions, limit, offset, pos=pos)

    def show_tag_keys(self, pos):
        """show_tag_keys = "SHOW" "TAG" "KEYS" [ on_clause ] [ from_clause ] [ where ] [ order_by ]
        [ limit ] [ offset ] [ slimit ] [ soffset ] ."""
        database = self.on_clause()
        sources = self.from_clause()
        condition, sort_fields, limit, offset = self.filter_clauses()
        slimit = self.optional_int("SLIMIT")
        soffset = self.optional_int("SOFFSET")
        return ast.ShowTagKeys(database, sources, condition, sort_fields, limit, offset, slimit, soffset,
                               pos=pos)

    def show_tag_key_cardinality(self, pos):
        """show_tag_key_cardinality = "SHOW" "TAG" "KEY" [ "EXACT" ] "CARDINALITY" cardinality_tail ."""
        exact = self.accept("EXACT") is not None
        tok = self.next()
        if tok.kind != "CARDINALITY":
            raise _unexpected(tok, ["CARDINALITY"] if exact else ["EXACT", "CARDINALITY"])
        database, sources, condition, dimensions, limit, offset = self.cardinality_tail()
        return ast.ShowTagKeyCardinality(database, exact, sources, condition, dimensions, limit, offset, pos=pos)

    def show_tag_values(self, pos):
        """show_tag_values = "SHOW" "TAG" "VALUES" [ on_clause ] [ from_clause ] with_key [ where ]
        [ order_by ] [ limit ] [ offset ] ."""
        tok = self.next()
        if tok.kind == "EXACT":
            self.expect("CARDINALITY")
            return self.show_tag_values_cardinality(pos, True)
        if tok.kind == "CARDINALITY":
            return self.show_tag_values_cardinality(pos, False)
        self.unscan()
        database = self.on_clause()
        sources = self.from_clause()
        op, tag_key = self.with_key()
        condition, sort_fields, limit, offset = self.filter_clauses()
        return ast.ShowTagValues(database, sources, op, tag_key, condition, sort_fields, limit, offset,
                                 pos=pos)

    def show_tag_values_cardinality(self, pos, exact):
        """show_tag_values_cardinality = "SHOW" "TAG" "VALUES" [ "EXACT" ] "CARDINALITY" [ on_clause ]
        [ from_clause ] with_key [ where ] [ group_by ] [ limit ] [ offset ] ."""
        database = self.on_clause()
        sources = self.from_clause()
        op, tag_key = self.with_key()
        condition = self.condition()
        dimensions = self.group_by()
        limit = self.optional_int("LIMIT")
        offset = self.optional_int("OFFSET")
        return ast.ShowTagValuesCardinality(database, exact, sources, op, tag_key, condition, dimensions, limit,
                                            offset, pos=pos)

    def show_field_keys(self, pos):
        """show_field_keys = "SHOW" "FIELD" "KEYS" [ on_clause ] [ from_clause ] [ order_by ]
        [ limit ] [ offset ] ."""
        database = ""
        if self.accept("ON"):
            try:
                database = self.ident()
            except _Fail:
                # NOTE: InfluxDB 1.x ignores a bad name here (the token is dropped and the
                # statement answers "database name required"); kept for fidelity.
                database = ""
        sources = self.from_clause()
        sort_fields = self.order_by()
        limit = self.optional_int("LIMIT")
        offset = self.optional_int("OFFSET")
        return ast.ShowFieldKeys(database, sources, sort_fields, limit, offset, pos=pos)

    def show_field_key_cardinality(self, pos):
        """show_field_key_cardinality = "SHOW" "FIELD" "KEY" [ "EXACT" ] "CARDINALITY" cardinality_tail ."""
        exact = self.accept("EXACT") is not None
        tok = self.next()
        if tok.kind != "CARDINALITY":
            raise _unexpected(tok, ["CARDINALITY"] if exact else ["EXACT", "CARDINALITY"])
        database, sources, condition, dimensions, limit, offset = self.cardinality_tail()
        return ast.ShowFieldKeyCardinality(database, exact, sources, condition, dimensions, limit, offset,
                                           pos=pos)

    def cardinality_tail(self):
        """cardinality_tail = [ on_clause ] [ from_clause ] [ where ] [ group_by ] [ limit ] [ offset ] ."""
        database = self.on_clause()
        sources = self.from_clause()
        condition = self.condition()
        dimensions = self.group_by()
        limit = self.optional_int("LIMIT")
        offset = self.optional_int("OFFSET")
        return database, sources, condition, dimensions, limit, offset

    # -- continuous queries -------------------------------------------------------------------

    def show_continuous_queries(self, pos):
        """show_continuous_queries = "SHOW" "CONTINUOUS" "QUERIES" ."""
        return ast.ShowContinuousQueries(pos=pos)

    def create_continuous_query(self, pos):
        """create_continuous_query = "CREATE" "CONTINUOUS" "QUERY" ident "ON" ident
        [ "RESAMPLE" resample ] "BEGIN" select "END" -- the SELECT needs INTO, and GROUP BY time()
        when it aggregates."""
        name = self.ident()
        self.expect("ON")
        database = self.ident()
        every = for_ = 0
        if self.accept("RESAMPLE"):
            every, for_ = self.resample()
        start = self.expect("BEGIN", "SELECT")
        source = self.select(start.pos, target="required")
        if not source.is_raw_query:
            try:
                interval = source.group_by_interval()
                problem = None
            except ValueError as ex:
                interval, problem = 0, str(ex)
            if interval == 0 or problem:
                # NOTE: InfluxDB rewinds two tokens to point at the end of the SELECT.
                self.unscan()
                self.unscan()
                tok = self.next()
                raise _unexpected(tok, ["GROUP BY time(...)"] + ([problem] if problem else []))
        self.expect("END")
        if for_:
            interval = source.group_by_interval()
            if every and every > interval:
                interval = every
            if interval > for_:
                raise _Fail("FOR duration must be >= GROUP BY time duration: must be a minimum of "
                            f"{ast.format_duration(interval)}, got {ast.format_duration(for_)}")
        return ast.CreateContinuousQuery(name, database, source, every, for_, pos=pos)

    def resample(self):
        """resample = [ "EVERY" duration_lit ] [ "FOR" duration_lit ] -- at least one of them."""
        every = for_ = 0
        if self.accept("EVERY"):
            every = self.duration_lit()
        if self.accept("FOR"):
            for_ = self.duration_lit()
        if every == 0 and for_ == 0:
            raise _unexpected(self.next(), ["EVERY", "FOR"])
        return every, for_

    def drop_continuous_query(self, pos):
        """drop_continuous_query = "DROP" "CONTINUOUS" "QUERY" ident "ON" ident ."""
        name = self.ident()
        self.expect("ON")
        return ast.DropContinuousQuery(name, self.ident(), pos=pos)

    # -- users and privileges -----------------------------------------------------------------

    def show_users(self, pos):
        """show_users = "SHOW" "USERS" ."""
        return ast.ShowUsers(pos=pos)

    def create_user(self, pos):
        """create_user = "CREATE" "USER" ident "WITH" "PASSWORD" string [ "WITH" "ALL" "PRIVILEGES" ] ."""
        name = self.ident()
        self.expect("WITH", "PASSWORD")
        password = self.string()
        admin = False
        if self.accept("WITH"):
            self.expect("ALL", "PRIVILEGES")
            admin = True
        return ast.CreateUser(name, password, admin, pos=pos)

    def drop_user(self, pos):
        """drop_user = "DROP" "USER" ident ."""
        return ast.DropUser(self.ident(), pos=pos)

    def set_password_user(self, pos):
        """set_password_user = "SET" "PASSWORD" "FOR" ident "=" string ."""
        name = self.ident()
        self.expect("=")
        return ast.SetPasswordUser(name, self.string(), pos=pos)

    def show_grants_for_user(self, pos):
        """show_grants_for_user = "SHOW" "GRANTS" "FOR" ident ."""
        return ast.ShowGrantsForUser(self.ident(), pos=pos)

    def grant(self, pos):
        """grant = "GRANT" privilege ( "ON" ident "TO" ident | "TO" ident ) -- the second for ALL only."""
        privilege = self.privilege()
        tok = self.next()
        if tok.kind == "ON":
            on = self.ident()
            self.expect("TO")
            return ast.Grant(privilege, on, self.ident(), pos=pos)
        if tok.kind == "TO" and privilege == "ALL PRIVILEGES":
            return ast.GrantAdmin(self.ident(), pos=pos)
        raise _unexpected(tok, ["ON", "TO"] if privilege == "ALL PRIVILEGES" and tok.kind != "TO" else ["ON"])

    def revoke(self, pos):
        """revoke = "REVOKE" privilege ( "ON" ident "FROM" ident | "FROM" ident ) -- the second for ALL only."""
        privilege = self.privilege()
        tok = self.next()
        if tok.kind == "ON":
            on = self.ident()
            self.expect("FROM")
            return ast.Revoke(privilege, on, self.ident(), pos=pos)
        if tok.kind == "FROM" and privilege == "ALL PRIVILEGES":
            return ast.RevokeAdmin(self.ident(), pos=pos)
        raise _unexpected(tok, ["ON", "FROM"] if privilege == "ALL PRIVILEGES" and tok.kind != "FROM" else ["ON"])

    def privilege(self):
        """privilege = "READ" | "WRITE" | "ALL" [ "PRIVILEGES" ] ."""
        tok = self.next()
        if tok.kind == "READ":
            return "READ"
        if tok.kind == "WRITE":
            return "WRITE"
        if tok.kind == "ALL":
            self.accept("PRIVILEGES")
            return "ALL PRIVILEGES"
        raise _unexpected(tok, ["READ", "WRITE", "ALL [PRIVILEGES]"])

    # -- queries, shards, subscriptions, diagnostics ------------------------------------------

    def show_queries(self, pos):
        """show_queries = "SHOW" "QUERIES" ."""
        return ast.ShowQueries(pos=pos)

    def kill_query(self, pos):
        """kill_query = "KILL" "QUERY" uint [ "ON" ident ] ."""
        query_id = self.uint64()
        host = self.ident() if self.accept("ON") else ""
        return ast.KillQuery(query_id, host, pos=pos)

    def explain(self, pos):
        """explain = "EXPLAIN" [ "ANALYZE" ] select ."""
        analyze = self.accept("ANALYZE") is not None
        start = self.expect("SELECT")
        return ast.Explain(self.select(start.pos), analyze, pos=pos)

    def show_shards(self, pos):
        """show_shards = "SHOW" "SHARDS" ."""
        return ast.ShowShards(pos=pos)

    def show_shard_groups(self, pos):
        """show_shard_groups = "SHOW" "SHARD" "GROUPS" ."""
        return ast.ShowShardGroups(pos=pos)

    def show_stats(self, pos):
        """show_stats = "SHOW" "STATS" [ "FOR" string ] ."""
        return ast.ShowStats(self.string() if self.accept("FOR") else "", pos=pos)

    def show_diagnostics(self, pos):
        """show_diagnostics = "SHOW" "DIAGNOSTICS" [ "FOR" string ] ."""
        return ast.ShowDiagnostics(self.string() if self.accept("FOR") else "", pos=pos)

    def show_subscriptions(self, pos):
        """show_subscriptions = "SHOW" "SUBSCRIPTIONS" ."""
        return ast.ShowSubscriptions(pos=pos)

    def create_subscription(self, pos):
        """create_subscription = "CREATE" "SUBSCRIPTION" ident "ON" ident "." ident
        "DESTINATIONS" ( "ALL" | "ANY" ) string { "," string } -- no blank before the "."."""
        name = self.ident()
        self.expect("ON")
        database, retention_policy = self.db_dot_rp()
        self.expect("DESTINATIONS")
        tok = self.next()
        if tok.kind not in ("ALL", "ANY"):
            raise _unexpected(tok, ["ALL", "ANY"])
        destinations = [self.string()]
        while self.accept(","):
            destinations.append(self.string())
        return ast.CreateSubscription(name, database, retention_policy, tuple(destinations), tok.kind, pos=pos)

    def drop_subscription(self, pos):
        """drop_subscription = "DROP" "SUBSCRIPTION" ident "ON" ident "." ident ."""
        name = self.ident()
        self.expect("ON")
        database, retention_policy = self.db_dot_rp()
        return ast.DropSubscription(name, database, retention_policy, pos=pos)

    def db_dot_rp(self):
        database = self.ident()
        tok = self.scan()
        if tok.kind != ".":
            raise _unexpected(tok, ["."])
        return database, self.ident()

    # -- clauses -----------------------------------------------------------------------

    def on_clause(self):
        """on_clause = "ON" ident ."""
        return self.ident() if self.accept("ON") else ""

    def from_clause(self):
        """from_clause = "FROM" sources ."""
        if not self.accept("FROM"):
            return ()
        return self.sources()

    def with_key(self):
        """with_key = "WITH" "KEY" ( "IN" "(" ident { "," ident } ")" | ( "=" | "!=" ) ident
        | ( "=~" | "!~" ) regex ) ."""
        self.expect("WITH", "KEY")
        tok = self.next()
        if tok.kind == "IN":
            self.expect("(")
            names = self.ident_list()
            self.expect(")")
            return "IN", ast.ListLiteral(tuple(names), pos=tok.pos)
        if tok.kind in ("=", "!="):
            name_tok = self.next()
            self.unscan()
            return tok.kind, ast.StringLiteral(self.ident(), pos=name_tok.pos)
        if tok.kind in ("=~", "!~"):
            return tok.kind, self.required_regex()
        raise _unexpected(tok, ["IN", "=", "=~"])

    def condition(self):
        """where = "WHERE" expr ."""
        if not self.accept("WHERE"):
            return None
        return self.expr()

    def order_by(self):
        """order_by = "ORDER" "BY" sort_fields ."""
        if not self.accept("ORDER"):
            return ()
        self.expect("BY")
        return self.sort_fields()

    def sort_fields(self):
        """sort_fields = ( "ASC" | "DESC" | sort_field ) { "," sort_field } -- only ``time``."""
        tok = self.next()
        if tok.kind in ("ASC", "DESC"):
            fields = [ast.SortField("", tok.kind == "ASC", pos=tok.pos)]
        elif tok.kind == IDENT:
            self.unscan()
            fields = [self.sort_field()]
            if tok.lit != "time":
                raise _Fail("only ORDER BY time supported at this time")
        else:
            raise _unexpected(tok, ["identifier", "ASC", "DESC"])
        while self.accept(","):
            fields.append(self.sort_field())
        if len(fields) > 1:
            raise _Fail("only ORDER BY time supported at this time")
        return tuple(fields)

    def sort_field(self):
        """sort_field = ident [ "ASC" | "DESC" ] ."""
        tok = self.next()
        self.unscan()
        name = self.ident()
        direction = self.next()
        if direction.kind not in ("ASC", "DESC"):
            self.unscan()
            return ast.SortField(name, True, pos=tok.pos)
        return ast.SortField(name, direction.kind == "ASC", pos=tok.pos)

    def filter_clauses(self):
        """filter_clauses = [ where ] [ order_by ] [ limit ] [ offset ] ; the tail of the SHOW statements."""
        return self.condition(), self.order_by(), self.optional_int("LIMIT"), self.optional_int("OFFSET")

    def optional_int(self, keyword):
        """limit = "LIMIT" int .  (and OFFSET, SLIMIT, SOFFSET alike); 0 when absent."""
        if not self.accept(keyword):
            return 0
        tok = self.next()
        if tok.kind != INTEGER:
            raise _unexpected(tok, ["integer"])
        try:
            n = int(tok.lit)
        except ValueError:
            n = 0
        if n < 0:  # only a bound parameter can be negative
            raise _Fail(f"{keyword} must be >= 0", pos=tok.pos)
        return min(n, MAX_INT64)

    # -- terminals ---------------------------------------------------------------------

    def ident(self):
        """ident = bare or double-quoted identifier (a keyword must be quoted)."""
        return self.ident_token().lit

    def ident_token(self):
        tok = self.next()
        if tok.kind != IDENT:
            raise _unexpected(tok, ["identifier"])
        return tok

    def ident_list(self):
        """ident_list = ident { "," ident } ."""
        names = [self.ident()]
        while self.accept(","):
            names.append(self.ident())
        return names

    def string(self):
        """string = "'" { char } "'" ."""
        tok = self.next()
        if tok.kind != STRING:
            raise _unexpected(tok, ["string"])
        return tok.lit

    def segmented_idents(self):
        """ident_path = ident { "." [ ident ] } -- up to three segments (db.rp.name, db..name).

        Returns the segments and the position of the first.
        """
        first = self.ident_token()
        idents = [first.lit]
        while True:
            tok = self.scan()
            if tok.kind != ".":
                self.unscan()
                break
            ch = self._scanner.peek_rune()
            if ch in ("/", ":"):
                break
            if ch == ".":
                idents.append("")
                continue
            idents.append(self.ident())
        if len(idents) > 3:
            raise _Fail(f"too many segments in {ast.quote_ident(*idents)}", pos=_START)
        return idents, first.pos

    def int_in_range(self, low, high):
        """int = decimal integer, checked against a range."""
        tok = self.next()
        if tok.kind != INTEGER:
            raise _unexpected(tok, ["integer"])
        n = int(tok.lit)
        if not -(2**63) <= n <= MAX_INT64:
            raise _Fail(f'strconv.Atoi: parsing "{tok.lit}": value out of range', pos=tok.pos)
        if not low <= n <= high:
            raise _Fail(f"invalid value {n}: must be {low} <= n <= {high}", pos=tok.pos)
        return n

    def uint64(self):
        """uint = decimal integer that fits 64 bits unsigned."""
        tok = self.next()
        if tok.kind != INTEGER:
            raise _unexpected(tok, ["integer"])
        try:
            n = int(tok.lit)
        except ValueError:
            n = -1
        if n < 0:
            raise _Fail(f'strconv.ParseUint: parsing "{tok.lit}": invalid syntax', pos=tok.pos)
        if n > MAX_UINT64:
            raise _Fail(f'strconv.ParseUint: parsing "{tok.lit}": value out of range', pos=tok.pos)
        return n

    def duration(self):
        """duration = duration_lit | "INF" -- INF is 0."""
        tok = self.next()
        if tok.kind == "INF":
            return 0
        if tok.kind != DURATIONVAL:
            raise _unexpected(tok, ["duration"])
        try:
            return parse_influx_duration(tok.lit)
        except ValueError as ex:
            raise _Fail(str(ex), pos=tok.pos) from None

    def duration_lit(self):
        """A duration where INF is not allowed (RESAMPLE EVERY / FOR)."""
        tok = self.next()
        if tok.kind != DURATIONVAL:
            raise _unexpected(tok, ["duration"])
        try:
            return parse_influx_duration(tok.lit)
        except ValueError as ex:
            raise _Fail(str(ex), pos=tok.pos) from None

    def shard_duration(self):
        """A duration where INF is not allowed (shard group durations)."""
        tok = self.next()
        if tok.kind == "INF":
            raise _Fail("invalid duration INF for shard duration", pos=tok.pos)
        self.unscan()
        return self.duration()

    def regex(self):
        """regex = "/" { char | "\\/" } "/" -- or None if the next character is not "/".

        A bound parameter (``$re``) whose value is a regex counts as one.  NOTE: as InfluxDB's
        ``parseRegex``, this peeks at the next raw character, past any pushed-back token: so
        ``FROM cpu,/x/`` is an error (the pushed-back "," is not a regex) where ``FROM cpu, /x/``
        is not.
        """
        if self._scanner.peek_rune() in (" ", "\t", "\n"):
            self._skip_whitespace()
        ch = self._scanner.peek_rune()
        if ch == "$":
            tok = self.scan()
            self.unscan()
            if tok.kind != REGEX:
                return None
            tok = self.scan()
        elif ch != "/":
            return None
        elif self._back:
            tok = self.scan()
        else:
            tok = self._keep(self._scanner.scan_regex())
        if tok.kind == BADESCAPE:
            raise _Fail(f"bad escape: {tok.lit}", pos=tok.pos)
        if tok.kind == BADREGEX:
            raise _Fail(f"bad regex: {tok.lit}", pos=tok.pos)
        if tok.kind != REGEX:
            raise _unexpected(tok, ["regex"])
        return self._regex_literal(tok)

    def required_regex(self):
        regex = self.regex()
        if regex is None:
            raise _unexpected(self.next(), ["regex"])
        return regex

    @staticmethod
    def _regex_literal(tok):
        literal = ast.RegexLiteral(tok.lit, pos=tok.pos)
        try:
            literal.compiled  # noqa: B018 - compile now, so a bad pattern is a parse error
        except ast.RegexError as ex:
            raise _Fail(str(ex), pos=tok.pos) from None
        return literal

    # -- expressions -------------------------------------------------------------------

    def expr(self):
        """expr = unary_expr { binary_op ( unary_expr | regex ) } -- regex after =~ and !~ only.

        The tree is built as InfluxDB builds it: each new operator walks down the right-hand
        side to the first operator that binds at least as tightly, so all operators are left
        associative and ``*`` binds tighter than ``+``, tighter than comparisons, tighter than
        AND, tighter than OR.
        """
        root = _Bin(None, None, self.unary_expr())
        while True:
            op = self.next()
            precedence = _PRECEDENCE.get(op.kind)
            if precedence is None:
                self.unscan()
                return _freeze(root.rhs)
            rhs = self.required_regex() if op.kind in ("=~", "!~") else self.unary_expr()
            node = root
            while True:
                right = node.rhs
                if not isinstance(right, _Bin) or _PRECEDENCE[right.op] >= precedence:
                    node.rhs = _Bin(op.kind, right, rhs)
                    break
                node = right

    def unary_expr(self):
        """unary_expr = "(" expr ")" | call | var_ref | "DISTINCT" ( ident | "(" ... ")" ) | wildcard
        | string | number | int | duration_lit | "TRUE" | "FALSE" | regex
        | ( "+" | "-" ) ( number | int | duration_lit | "(" expr ")" | call | var_ref ) ."""
        tok = self.next()
        if tok.kind == "(":
            inner = self.expr()
            close = self.next()
            if close.kind != ")":
                raise _unexpected(close, [")"])
            return ast.ParenExpr(inner, pos=tok.pos)
        kind, pos, lit = tok
        if kind == IDENT:
            if self.scan().kind == "(":
                return self.call(lit, pos)
            self.unscan()
            self.unscan()
            return self.var_ref()
        if kind == "DISTINCT":
            nxt = self.scan()
            if nxt.kind == "(":
                return self.call("distinct", pos)
            if nxt.kind == WS:
                name = self.next()
                if name.kind != IDENT:
                    raise _unexpected(name, ["identifier"])
                return ast.Distinct(name.lit, pos=pos)
            raise _unexpected(nxt, ["(", "identifier"])
        if kind == STRING:
            return ast.StringLiteral(lit, pos=pos)
        if kind == NUMBER:
            try:
                return ast.NumberLiteral(_parse_float(lit), pos=pos)
            except ValueError:
                raise _Fail("unable to parse number", pos=pos) from None
        if kind == INTEGER:
            try:
                value = int(lit)
            except ValueError:
                raise _Fail("unable to parse integer", pos=pos) from None
            if -(2**63) <= value <= MAX_INT64:
                return ast.IntegerLiteral(value, pos=pos)
            if 0 <= value <= MAX_UINT64:
                return ast.UnsignedLiteral(value, pos=pos)
            raise _Fail("unable to parse integer", pos=pos)
        if kind in (TRUE, FALSE):
            return ast.BooleanLiteral(kind == TRUE, pos=pos)
        if kind == DURATIONVAL:
            try:
                return ast.DurationLiteral(parse_influx_duration(lit), pos=pos)
            except ValueError as ex:
                raise _Fail(str(ex)) from None
        if kind == "*":
            nxt = self.scan()
            if nxt.kind != "::":
                self.unscan()
                return ast.Wildcard(pos=pos)
            typ = self.scan()
            if typ.kind not in ("FIELD", "TAG"):
                raise _unexpected(typ, ["field", "tag"])
            return ast.Wildcard(typ.kind.lower(), pos=pos)
        if kind == REGEX:
            return self._regex_literal(tok)
        if kind == BOUNDPARAM:
            # NOTE: a bound parameter still here was not replaced by a value (or its value was
            # an error, whose text is now the literal); InfluxDB words it like this.
            name = lit[1:] if lit.startswith("$") else lit
            if not name:
                raise _Fail("empty bound parameter")
            raise _Fail(f"missing parameter: {name}")
        if kind in ("+", "-"):
            return self._signed(tok)
        raise _unexpected(tok, ["identifier", "string", "number", "bool"])

    def _signed(self, sign):
        nxt = self.next()
        if nxt.kind not in (NUMBER, INTEGER, DURATIONVAL, "(", IDENT):
            raise _unexpected(nxt, ["identifier", "number", "duration", "("])
        self.unscan()
        value = self.unary_expr()
        negative = sign.kind == "-"
        if isinstance(value, ast.NumberLiteral):
            return ast.NumberLiteral(-value.value if negative else value.value, pos=sign.pos)
        if isinstance(value, (ast.IntegerLiteral, ast.DurationLiteral)):
            n = _wrap64(-value.value) if negative else value.value
            return type(value)(n, pos=sign.pos)
        if isinstance(value, ast.UnsignedLiteral):
            if not negative:
                return value
            if value.value == MAX_INT64 + 1:
                return ast.IntegerLiteral(-value.value, pos=sign.pos)
            raise _Fail(f"constant -{value.value} underflows int64")
        return ast.BinaryExpr("*", ast.IntegerLiteral(-1 if negative else 1, pos=sign.pos), value, pos=sign.pos)

    def call(self, name, pos):
        """call = ident "(" [ ( expr | regex ) { "," ( expr | regex ) } ] ")" ."""
        args = []
        regex = self.regex()
        if regex is not None:
            args.append(regex)
        else:
            if self.scan().kind == ")":
                return ast.Call(name.lower(), (), pos=pos)
            self.unscan()
            args.append(self.expr())
        while self.accept(","):
            regex = self.regex()
            args.append(regex if regex is not None else self.expr())
        close = self.scan()
        if close.kind != ")":
            raise _unexpected(close, [")"])
        return ast.Call(name.lower(), tuple(args), pos=pos)

    def var_ref(self):
        """var_ref = ident_path [ "::" type ] ."""
        segments, pos = self.segmented_idents()
        typ = ""
        if self.scan().kind == "::":
            tok = self.scan()
            if tok.kind == IDENT and tok.lit.lower() in _TYPES:
                typ = _TYPES[tok.lit.lower()]
            elif tok.kind in ("FIELD", "TAG"):
                typ = tok.kind.lower()
            elif tok.kind == IDENT:
                raise _unexpected(tok, ["float", "integer", "unsigned", "string", "boolean", "field", "tag"])
            else:
                raise _unexpected(tok, ["float", "integer", "string", "boolean", "field", "tag"])
        else:
            self.unscan()
        return ast.VarRef(".".join(segments), typ, pos=pos)


def _parse_float(text):
    """Parse a number as Go's ``strconv.ParseFloat`` (too large is an error, not infinity)."""
    value = float(text)
    if math.isinf(value) and text.lstrip("+-").lower() not in ("inf", "infinity"):
        raise ValueError(text)
    return value


def load_location(name):
    """Return the canonical name of a ``tz()`` time zone (InfluxDB's ``time.LoadLocation``)."""
    if name in ("", "UTC"):
        return "UTC"
    if name == "Local":
        return name
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        # Do not pass on the error text: it may contain path names (as InfluxDB).
        raise _Fail(f"unable to find time zone {name}") from None
    return name


# -- durations -----------------------------------------------------------------------------

_UNITS = {"ns": 1, "u": 1_000, "µ": 1_000, "ms": 1_000_000, "s": 1_000_000_000, "m": 60_000_000_000,
          "h": 3_600_000_000_000}


def _wrap64(value):
    """Wrap an integer to int64 the way Go's time.Duration arithmetic overflows."""
    return (value + 2**63) % 2**64 - 2**63


def parse_influx_duration(text):
    """Parse an InfluxQL duration (``1h``, ``7d``, ``1w``, ``1h30m``, ``10ms``) into nanoseconds.

    Raises ValueError("invalid duration") or the overflow message InfluxDB gives.
    """
    if len(text) < 2:
        raise ValueError("invalid duration")
    i = 0
    negative = text[0] == "-"
    if negative:
        i = 1
    total = 0
    measure, unit = 0, ""
    while i < len(text):
        start = i
        while i < len(text) and "0" <= text[i] <= "9":
            i += 1
        if i >= len(text) or i == start:
            raise ValueError("invalid duration")
        n = int(text[start:i])
        if n > MAX_INT64:
            raise ValueError("invalid duration")
        measure, unit = n, text[i]
        two = text[i:i + 2]
        if two in ("ns", "ms"):
            unit = two
            total = _wrap64(total + _wrap64(n * _UNITS[two]))
            i += 2
            continue
        if unit in ("u", "µ", "s", "m", "h"):
            step = _wrap64(n * _UNITS[unit])
        elif unit == "d":
            step = _wrap64(_wrap64(n * 24) * _UNITS["h"])
        elif unit == "w":
            step = _wrap64(_wrap64(_wrap64(n * 7) * 24) * _UNITS["h"])
        else:
            raise ValueError("invalid duration")
        total = _wrap64(total + step)
        i += 1
    if total < 0 and not negative:
        raise ValueError(f"overflowed duration {measure}{unit}: choose a smaller duration or INF")
    return -total if negative else total
