"""InfluxQL parser: tokens -> statements, by recursive descent over the grammar in grammar.md.

Each method is named after the grammar rule it parses.  Errors are raised where they are
found, as :class:`_Fail`, and turned into :class:`InfluxQLParseError` once, in :func:`parse`.
Their text is InfluxDB 1.8's, word for word, because clients show it to people and some
tests and tools match on it:

* ``found X, expected A, B at line L, char C`` for an unexpected token (X is the token's
  text, or its kind's name: ``EOF``, ``SELECT``, ``;``);
* ``<message> at line L, char C`` for a bad value where it stands (``invalid duration``);
* a bare ``<message>`` where InfluxDB gives no position (``only ORDER BY time supported at
  this time``).

Statements outside the schema statements machstore runs (SELECT, DELETE, SHOW USERS, ...)
are recognised by their leading keywords, exactly as InfluxDB dispatches them, and kept as
:class:`~machstore.influxql.ast.Unsupported` without parsing the rest, so that the
executor can answer them honestly.
"""
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
    token_text,
)

__all__ = ["InfluxQLParseError", "parse", "parse_expr", "parse_influx_duration"]

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


def parse(text):
    """Parse InfluxQL text into a list of statements (``;`` separated; none for blank text).

    Raises :class:`InfluxQLParseError` with InfluxDB's message if the text does not parse.
    """
    parser = Parser(text)
    try:
        return parser.query()
    except _Fail as ex:
        raise parser.error(ex) from None


def parse_expr(text):
    """Parse one expression (a WHERE condition, say); the whole text must be the expression."""
    parser = Parser(text)
    try:
        expr = parser.expr()
        tok = parser.next()
        if tok.kind != EOF:
            raise _unexpected(tok, ["EOF"])
        return expr
    except _Fail as ex:
        raise parser.error(ex) from None


# -- the statement dispatch tree (InfluxDB's, in its order: it shows in "expected ..." lists) --
# A dict is a further keyword; a string naming a Parser method parses the statement; any
# other string is a statement machstore recognises but does not run (Unsupported).

_SHOW = {
    "CONTINUOUS": {"QUERIES": "SHOW CONTINUOUS QUERIES"},
    "DATABASES": "show_databases",
    "DIAGNOSTICS": "SHOW DIAGNOSTICS",
    "FIELD": {"KEY": "SHOW FIELD KEY CARDINALITY", "KEYS": "show_field_keys"},
    "GRANTS": {"FOR": "SHOW GRANTS"},
    "MEASUREMENT": {"CARDINALITY": "SHOW MEASUREMENT CARDINALITY",
                    "EXACT": "SHOW MEASUREMENT EXACT CARDINALITY"},
    "MEASUREMENTS": "show_measurements",
    "QUERIES": "SHOW QUERIES",
    "RETENTION": {"POLICIES": "show_retention_policies"},
    "SERIES": "show_series",
    "SHARD": {"GROUPS": "SHOW SHARD GROUPS"},
    "SHARDS": "SHOW SHARDS",
    "STATS": "SHOW STATS",
    "SUBSCRIPTIONS": "SHOW SUBSCRIPTIONS",
    "TAG": {"KEY": "SHOW TAG KEY CARDINALITY", "KEYS": "show_tag_keys", "VALUES": "show_tag_values"},
    "USERS": "SHOW USERS",
}

_STATEMENTS = {
    "SELECT": "SELECT",
    "DELETE": "DELETE",
    "SHOW": _SHOW,
    "CREATE": {
        "CONTINUOUS": {"QUERY": "CREATE CONTINUOUS QUERY"},
        "DATABASE": "create_database",
        "USER": "CREATE USER",
        "RETENTION": {"POLICY": "create_retention_policy"},
        "SUBSCRIPTION": "CREATE SUBSCRIPTION",
    },
    "DROP": {
        "CONTINUOUS": {"QUERY": "DROP CONTINUOUS QUERY"},
        "DATABASE": "drop_database",
        "MEASUREMENT": "DROP MEASUREMENT",
        "RETENTION": {"POLICY": "drop_retention_policy"},
        "SERIES": "DROP SERIES",
        "SHARD": "DROP SHARD",
        "SUBSCRIPTION": "DROP SUBSCRIPTION",
        "USER": "DROP USER",
    },
    "EXPLAIN": "EXPLAIN",
    "GRANT": "GRANT",
    "REVOKE": "REVOKE",
    "ALTER": {"RETENTION": {"POLICY": "alter_retention_policy"}},
    "SET": {"PASSWORD": {"FOR": "SET PASSWORD"}},
    "KILL": {"QUERY": "KILL QUERY"},
}

# After these tokens a "/" starts a regex (used only to skip unsupported statements).
_REGEX_BEFORE = frozenset(("=~", "!~", "FROM", ",", "("))


class Parser:
    """A recursive-descent parser over a :class:`Scanner`, with InfluxDB's token push-back."""

    def __init__(self, text):
        self.text = text
        self._scanner = Scanner(text)
        self._tokens = []   # the last tokens scanned, newest last
        self._back = 0      # how many of them were pushed back

    # -- token stream ------------------------------------------------------------------

    def scan(self):
        """Return the next token, whitespace included."""
        if self._back:
            tok = self._tokens[-self._back]
            self._back -= 1
            return tok
        return self._keep(self._scanner.scan())

    def _keep(self, tok):
        self._tokens.append(tok)
        if len(self._tokens) > 16:
            del self._tokens[0]
        return tok

    def next(self):
        """Return the next token that is not whitespace or a comment."""
        while True:
            tok = self.scan()
            if tok.kind not in (WS, COMMENT):
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
        """Consume tokens of exactly these kinds, in order."""
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

    def _offset(self, pos):
        """Return the index in the (newline-normalised) text of a position."""
        text = self.text.replace("\r\n", "\n").replace("\r", "\n")
        lines = text.split("\n")
        index = sum(len(line) + 1 for line in lines[:pos.line - 1]) + pos.char - 1
        return min(index, len(text)), text

    # -- query and statements ------------------------------------------------------------

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
        words = []
        start = None
        while True:
            tok = self.next()
            start = start or tok
            branch = tree.get(tok.kind)
            if branch is None:
                raise _unexpected(tok, list(tree))
            words.append(tok.kind)
            if isinstance(branch, dict):
                tree = branch
                continue
            if branch.islower():
                return getattr(self, branch)(start.pos)
            return self.unsupported(branch, start.pos)

    def unsupported(self, kind, pos):
        """Skip the rest of a statement machstore does not run; keep its text."""
        last = None
        while True:
            if last in _REGEX_BEFORE:
                self._skip_whitespace()
                if self._back == 0 and self._scanner.peek_rune() == "/":
                    self._keep(self._scanner.scan_regex())
                    last = REGEX
                    continue
            tok = self.scan()
            if tok.kind in (";", EOF):
                self.unscan()
                break
            if tok.kind not in (WS, COMMENT):
                last = tok.kind
        begin, text = self._offset(pos)
        end, _ = self._offset(tok.pos)
        return ast.Unsupported(kind, text[begin:end].strip(), pos=pos)

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

    def show_series(self, pos):
        """show_series = "SHOW" "SERIES" [ on_clause ] [ from_clause ] [ where ] [ order_by ]
        [ limit ] [ offset ] ."""
        tok = self.next()
        if tok.kind == "EXACT":
            return self.unsupported("SHOW SERIES EXACT CARDINALITY", pos)
        if tok.kind == "CARDINALITY":
            return self.unsupported("SHOW SERIES CARDINALITY", pos)
        self.unscan()
        database = self.on_clause()
        sources = self.from_clause()
        condition, sort_fields, limit, offset = self.filter_clauses()
        return ast.ShowSeries(database, sources, condition, sort_fields, limit, offset, pos=pos)

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

    def show_tag_values(self, pos):
        """show_tag_values = "SHOW" "TAG" "VALUES" [ on_clause ] [ from_clause ] with_key [ where ]
        [ order_by ] [ limit ] [ offset ] ."""
        tok = self.next()
        if tok.kind == "EXACT":
            return self.unsupported("SHOW TAG VALUES EXACT CARDINALITY", pos)
        if tok.kind == "CARDINALITY":
            return self.unsupported("SHOW TAG VALUES CARDINALITY", pos)
        self.unscan()
        database = self.on_clause()
        sources = self.from_clause()
        op, tag_key = self.with_key()
        condition, sort_fields, limit, offset = self.filter_clauses()
        return ast.ShowTagValues(database, sources, op, tag_key, condition, sort_fields, limit, offset,
                                 pos=pos)

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

    # -- clauses -----------------------------------------------------------------------

    def on_clause(self):
        """on_clause = "ON" ident ."""
        return self.ident() if self.accept("ON") else ""

    def from_clause(self):
        """from_clause = "FROM" source { "," source } ."""
        if not self.accept("FROM"):
            return ()
        sources = [self.source()]
        while self.accept(","):
            sources.append(self.source())
        return tuple(sources)

    def source(self):
        """source = regex | ident_path [ "." regex ] -- ``[db.][rp.]name`` or ``[db.][rp.]/re/``."""
        regex = self.regex()
        if regex is not None:
            return ast.Measurement(regex=regex, pos=regex.pos)
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
        return min(int(tok.lit), MAX_INT64)

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
        if n > MAX_INT64:
            raise _Fail(f'strconv.Atoi: parsing "{tok.lit}": value out of range', pos=tok.pos)
        if not low <= n <= high:
            raise _Fail(f"invalid value {n}: must be {low} <= n <= {high}", pos=tok.pos)
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

    def shard_duration(self):
        """A duration where INF is not allowed (shard group durations)."""
        tok = self.next()
        if tok.kind == "INF":
            raise _Fail("invalid duration INF for shard duration", pos=tok.pos)
        self.unscan()
        return self.duration()

    def regex(self):
        """regex = "/" { char | "\\/" } "/" -- or None if the next character is not "/"."""
        if self._back == 0:
            ch = self._scanner.peek_rune()
            if ch in (" ", "\t", "\n"):
                self._skip_whitespace()
        if self._back or self._scanner.peek_rune() != "/":
            return None
        tok = self._keep(self._scanner.scan_regex())
        if tok.kind == BADESCAPE:
            raise _Fail(f"bad escape: {tok.lit}", pos=tok.pos)
        if tok.kind == BADREGEX:
            raise _Fail(f"bad regex: {tok.lit}", pos=tok.pos)
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
        except Exception as ex:  # noqa: BLE001 - re.error and friends
            raise _Fail(f"error parsing regexp: {ex}", pos=tok.pos) from None
        return literal

    # -- expressions -------------------------------------------------------------------

    def expr(self, min_precedence=1):
        """expr = unary_expr { binary_op ( unary_expr | regex ) } -- by operator precedence."""
        return self._binary_rest(self.unary_expr(), min_precedence)

    def _binary_rest(self, lhs, min_precedence):
        while True:
            tok = self.next()
            precedence = ast.PRECEDENCE.get(tok.kind)
            if precedence is None or precedence < min_precedence:
                self.unscan()
                return lhs
            rhs = self.required_regex() if tok.kind in ("=~", "!~") else self.unary_expr()
            while True:
                nxt = self.next()
                self.unscan()
                higher = ast.PRECEDENCE.get(nxt.kind)
                if higher is None or higher <= precedence:
                    break
                rhs = self._binary_rest(rhs, precedence + 1)
            lhs = ast.BinaryExpr(tok.kind, lhs, rhs, pos=lhs.pos)

    def unary_expr(self):
        """unary_expr = "(" expr ")" | call | var_ref | literal | ( "+" | "-" ) unary_expr ."""
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
                return ast.NumberLiteral(float(lit), pos=pos)
            except ValueError:
                raise _Fail("unable to parse number", pos=pos) from None
        if kind == INTEGER:
            value = int(lit)
            if value <= MAX_INT64:
                return ast.IntegerLiteral(value, pos=pos)
            if value <= MAX_UINT64:
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
            name = lit[1:]
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
        if isinstance(value, (ast.NumberLiteral, ast.IntegerLiteral, ast.DurationLiteral)):
            return type(value)(-value.value if negative else value.value, pos=sign.pos)
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
            if tok.kind == IDENT and tok.lit.lower() in ("float", "integer", "unsigned", "string", "boolean"):
                typ = tok.lit.lower()
            elif tok.kind in ("FIELD", "TAG"):
                typ = tok.kind.lower()
            elif tok.kind == IDENT:
                raise _unexpected(tok, ["float", "integer", "unsigned", "string", "boolean", "field", "tag"])
            else:
                raise _unexpected(tok, ["float", "integer", "string", "boolean", "field", "tag"])
        else:
            self.unscan()
        return ast.VarRef(".".join(segments), typ, pos=pos)


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
