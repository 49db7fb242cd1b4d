"""Machbase SQL parser: tokens -> statements, by recursive descent over the grammar in grammar.md.

Each method is named after the grammar rule it parses. Problems are raised where they are
found, as :class:`_Fail`, and turned into :class:`SQLSyntaxError` once, in :func:`parse`.

The error text is Machbase's (``machbase/machbase``, ``troubleshooting/error-code``):

* 2010 ``Syntax error: near token (<rest>).`` for anything the grammar does not allow.
  As in Machbase, ``<rest>`` is the statement text from the offending token to the end
  (``SELCT * FROM example`` gives ``near token (SELCT * FROM example).``; ``UPDATE TAG TABLE
  ...`` gives ``near token (TABLE ...).``), trailing blanks and ``;`` removed, and empty at
  the end of the text;
* 2011 ``Unrecognized token (<char>).`` for a character that starts no token (``#``, ``!``);
* 2034 ``Invalid format of time expression.`` for a relative time literal with a unit
  Machbase does not know (``1y``).

machsql prints these as ``[ERR-02010: Syntax error: near token (...).]``; the REST API's
``error_message`` is the text inside (:attr:`SQLSyntaxError.message`). For people, the
exception also carries the position, the token found, the tokens that would have fitted
and a snippet with a caret.

Names (tables, columns, users...) are bare words or double-quoted text; a few words are
reserved (:data:`RESERVED`) and must be double-quoted to be used as names. Every other
keyword is recognised only where the grammar expects it, so ``name``, ``time``, ``value``,
``day`` or ``key`` stay ordinary column names.
"""
import re

from machstore import errors

from . import ast
from .lexer import EOF, FLOAT, IDENT, INT, OP, PARAM, QIDENT, STRING, SUFFIXED, LexError, tokenize

__all__ = ["SQLSyntaxError", "parse", "parse_one", "parse_expr", "RESERVED", "MESSAGES", "MAX_NAME_BYTES",
           "valid_name"]

MESSAGES = {
    2010: "Syntax error: near token ({}).",
    2011: "Unrecognized token ({}).",
    2034: "Invalid format of time expression.",
}

# Words that cannot be bare names: they begin or continue clauses after an expression or a
# table name, so reading them as names (an alias without AS, say) would be ambiguous.
RESERVED = frozenset("""
    ALL AND AS ASC BETWEEN BY CASE CONTAINED CONTAINS CREATE DELETE DESC DISTINCT DROP DURATION
    ELSE END ESEARCH FROM GROUP HAVING IN INNER INSERT INTO IS JOIN LEFT LIKE LIMIT METADATA NOT
    NULL ON OR ORDER OUTER RANGE REGEXP RIGHT ROLLUP SEARCH SELECT SERIES SET TABLE THEN UNION
    UPDATE VALUES WHEN WHERE
""".split())

# Reserved words that may still name a function: ``ROLLUP('sec', 1, time)``.
_RESERVED_FUNCTIONS = frozenset(("ROLLUP",))

_COMPARISONS = {"=": "=", "!=": "<>", "<>": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
_MATCH_OPS = frozenset(("LIKE", "REGEXP", "SEARCH", "ESEARCH", "CONTAINS", "CONTAINED"))
_PREDICATE_WORDS = _MATCH_OPS | {"IN", "BETWEEN"}

_TIME_UNITS = {}
for _unit, _spellings in (("SECOND", "SEC SECOND SECONDS"), ("MINUTE", "MIN MINUTE MINUTES"),
                          ("HOUR", "HOUR HOURS"), ("DAY", "DAY DAYS"), ("WEEK", "WEEK WEEKS"),
                          ("MONTH", "MONTH MONTHS"), ("YEAR", "YEAR YEARS")):
    for _spelling in _spellings.split():
        _TIME_UNITS[_spelling] = _unit
_ROLLUP_UNITS = {"SEC": "SEC", "SECOND": "SEC", "SECONDS": "SEC", "MIN": "MIN", "MINUTE": "MIN",
                 "MINUTES": "MIN", "HOUR": "HOUR", "HOURS": "HOUR"}
_SIZE_UNITS = frozenset(("K", "KB", "M", "MB", "G", "GB", "T", "TB"))
_TABLE_KINDS = {"LOG": "LOG", "VOLATILE": "VOLATILE", "LOOKUP": "LOOKUP", "TAG": "TAG", "TAGDATA": "TAG"}

# NOTE: Machbase's documents give no limit on names; 128 is the length of the NAME columns of
# its meta tables (M$SYS_TABLES, M$SYS_COLUMNS, M$SYS_USERS: varchar(128)).  Counted in UTF-8
# bytes, so any accepted name (and the rollup names made from it) fits a catalog key.
MAX_NAME_BYTES = 128
NAME_RULE = f"a name of 1 to {MAX_NAME_BYTES} bytes without control characters"

# How deep an expression may nest (parentheses, calls, CASE, subqueries, unary operators) and
# how deep its tree may grow with chains of binary operators on top (see Parser.enter).
MAX_NESTING = 32
MAX_DEPTH = 128
INT64_MAX = 2**63 - 1

_INTERVAL_UNITS = {"ns": 1, "us": 1_000, "ms": 1_000_000, "s": 1_000_000_000, "m": 60_000_000_000,
                   "h": 3_600_000_000_000, "d": 86_400_000_000_000, "w": 604_800_000_000_000}
_INTERVAL_PART = re.compile(r"(\d+)(ns|us|ms|s|m|h|d|w)")


def valid_name(name):
    """Whether ``name`` may name a table, column, user or rollup (see :data:`MAX_NAME_BYTES`)."""
    return 0 < len(name.encode("utf-8", "surrogatepass")) <= MAX_NAME_BYTES and name.isprintable()


class SQLSyntaxError(errors.ParseError):
    """A statement that does not parse, with Machbase's error code and message.

    ``code`` is Machbase's error number (2010 syntax error, 2011 unrecognized token, 2034
    bad time literal); ``message`` (also ``str()``) is Machbase's text, as the REST API's
    ``error_message`` shows it; :attr:`machsql` wraps it as machsql prints it
    (``[ERR-02010: ...]``). ``token`` is what fills the message's parentheses (the rest of
    the statement from the offending token), ``line``/``column`` where that token starts
    (1-based), ``found`` the offending token alone, ``expected`` what would have fitted there
    and ``snippet`` the line with a caret under the column.

    NOTE: unlike the engine's other errors, ``code`` is Machbase's number, not a word.
    """

    code = 2010

    def __init__(self, code, message, line, column, token, *, found="", expected=(), snippet=""):
        super().__init__(message, line=line, column=column, token=token)
        self.code = code
        self.line = line
        self.column = column
        self.token = token
        self.found = found
        self.expected = tuple(expected)
        self.snippet = snippet

    @property
    def machsql(self):
        """The message as machsql prints it: ``[ERR-02010: Syntax error: near token (x).]``."""
        return f"[ERR-{self.code:05d}: {self.message}]"

    def describe(self):
        """Return a longer text for people: the message, where, what was expected, the snippet."""
        where = f"line {self.line}, column {self.column}"
        found = f" at {self.found!r}" if self.found else " at the end of the statement"
        expected = f"; expected {', '.join(self.expected)}" if self.expected else ""
        return f"{self.message} ({where}{found}{expected})\n{self.snippet}"


class _Fail(Exception):
    """Raised deep in the parser at a token; :func:`parse` turns it into :class:`SQLSyntaxError`."""

    def __init__(self, tok, expected=(), code=2010):
        super().__init__(tok.value)
        self.tok = tok
        self.expected = tuple(expected)
        self.code = code


def parse(text):
    """Parse ``text`` into a list of statements (``;``-separated; a trailing ``;`` is fine).

    Blank text gives an empty list. Raises :class:`SQLSyntaxError` if the text does not parse.
    """
    parser = Parser.of(text)
    try:
        return parser.query()
    except _Fail as ex:
        raise parser.error(ex) from None


def parse_one(text):
    """Parse text holding exactly one statement (a trailing ``;`` is fine) and return it."""
    parser = Parser.of(text)
    try:
        return parser.single_statement()
    except _Fail as ex:
        raise parser.error(ex) from None


def parse_expr(text):
    """Parse one expression (a WHERE condition, say); the whole text must be the expression."""
    parser = Parser.of(text)
    try:
        expr = parser.expr()
        parser.expect_end()
        return expr
    except _Fail as ex:
        raise parser.error(ex) from None


def _lex_error(text, ex):
    line_text = _line_of(text, ex.pos.line)
    if ex.code == 2011:
        message = MESSAGES[2011].format(ex.token)
        token = ex.token
    else:
        token = _rest(text, ex.start)
        message = MESSAGES[2010].format(token)
    return SQLSyntaxError(ex.code, message, ex.pos.line, ex.pos.column, token, found=ex.token[:1] or "",
                          snippet=_caret(line_text, ex.pos.column))


def _rest(text, start):
    """The statement text from ``start`` on, without trailing blanks and semicolons."""
    return re.sub(r"[\s;]+\Z", "", text[start:])


def _line_of(text, line):
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return lines[line - 1] if 1 <= line <= len(lines) else ""


def _caret(line_text, column):
    return line_text + "\n" + " " * min(column - 1, len(line_text)) + "^"


class Parser:
    """A recursive-descent parser over the token list of one text."""

    _LOOKAHEAD = 3  # the furthest peek() looks past the current token

    def __init__(self, text, tokens):
        self.text = text
        # PERF: pad with EOF so peek() needs no bounds check, and keep each token's keyword
        # (upper-cased word) and operator in parallel lists so at()/at_op() are lookups.
        self.tokens = tokens.items + [tokens.items[-1]] * self._LOOKAHEAD
        self.words = [t.value.upper() if t.kind == IDENT else None for t in self.tokens]
        self.ops = [t.value if t.kind == OP else None for t in self.tokens]
        self.hints = tokens.hints
        self.i = 0
        self.params = 0
        self.nesting = 0    # expressions entered and not left (parser recursion)
        self.depth = 0      # nesting plus the operators of the chains being built (tree depth)

    @classmethod
    def of(cls, text):
        """Tokenize ``text``; a lexical error is raised at once as :class:`SQLSyntaxError`."""
        try:
            tokens = tokenize(text)
        except LexError as ex:
            raise _lex_error(text, ex) from None
        return cls(text, tokens)

    # -- token stream ------------------------------------------------------------------

    def peek(self, k=0):
        """Return the token ``k`` places ahead (``k`` <= 3; the EOF token past the end)."""
        return self.tokens[self.i + k]

    def next(self):
        tok = self.tokens[self.i]
        if tok.kind != EOF:
            self.i += 1
        return tok

    @property
    def last_end(self):
        """The offset just past the last token consumed."""
        return self.tokens[self.i - 1].end if self.i else 0

    @staticmethod
    def is_word(tok, *words):
        return tok.kind == IDENT and tok.value.upper() in words

    def at(self, *words):
        """Is the next token one of these keywords?"""
        return self.words[self.i] in words

    def at_op(self, *ops):
        return self.ops[self.i] in ops

    def accept(self, word):
        """Consume the keyword ``word`` if it is next; return the token or None."""
        if self.words[self.i] == word:
            return self.next()
        return None

    def accept_op(self, op):
        if self.ops[self.i] == op:
            return self.next()
        return None

    def expect(self, *words):
        """Consume these keywords, in order; return the last token."""
        tok = None
        for word in words:
            tok = self.peek()
            if not self.is_word(tok, word):
                raise _Fail(tok, [word])
            self.next()
        return tok

    def expect_op(self, op):
        tok = self.peek()
        if tok.kind != OP or tok.value != op:
            raise _Fail(tok, [op])
        return self.next()

    def expect_end(self):
        tok = self.peek()
        if tok.kind != EOF:
            raise _Fail(tok, ["end of statement"])

    def error(self, fail):
        """Turn an internal failure into the public exception."""
        tok = fail.tok
        line_text = _line_of(self.text, tok.pos.line)
        snippet = _caret(line_text, tok.pos.column)
        found = self.text[tok.start:tok.end]
        if fail.code == 2034:
            return SQLSyntaxError(2034, MESSAGES[2034], tok.pos.line, tok.pos.column, found, found=found,
                                  expected=fail.expected, snippet=snippet)
        token = _rest(self.text, tok.start)
        return SQLSyntaxError(fail.code, MESSAGES[2010].format(token), tok.pos.line, tok.pos.column, token,
                              found=found, expected=fail.expected, snippet=snippet)

    def source_text(self, start_tok):
        """The text as written from ``start_tok`` to the last token consumed."""
        return self.text[start_tok.start:self.last_end]

    # -- names and small terminals -------------------------------------------------------

    def at_name(self, k=0):
        """Is the token ``k`` ahead usable as a name (a non-reserved word or quoted text)?"""
        tok = self.peek(k)
        return tok.kind == QIDENT or (tok.kind == IDENT and tok.value.upper() not in RESERVED)

    def name(self, *, reserved_ok=False):
        """name = bare_word | '"' text '"' -- a bare word is upper-cased, a quoted one kept.

        Every name (table, column, user, rollup, alias) is checked here, where it enters: it
        must hold 1 to :data:`MAX_NAME_BYTES` bytes and no control characters, so nothing
        longer than the catalog can key ever reaches the storage layer.
        """
        tok = self.peek()
        if tok.kind == QIDENT:
            value = tok.value
        elif tok.kind == IDENT and (reserved_ok or tok.value.upper() not in RESERVED):
            value = tok.value.upper()
        else:
            raise _Fail(tok, ["name"])
        if not valid_name(value):
            raise _Fail(tok, [NAME_RULE])
        self.next()
        return value

    def word(self, expected="keyword"):
        """Consume any bare word and return it upper-cased."""
        tok = self.peek()
        if tok.kind != IDENT:
            raise _Fail(tok, [expected])
        self.next()
        return tok.value.upper()

    def integer(self):
        """int = digit { digit } ."""
        tok = self.peek()
        if tok.kind != INT:
            raise _Fail(tok, ["integer"])
        self.next()
        return int(tok.value)

    def time_span(self):
        """time_span = int time_unit ."""
        tok = self.peek()
        amount = self.integer()
        return ast.TimeSpan(amount, self.time_unit(), pos=tok.pos)

    def time_unit(self):
        """time_unit = SECOND | MINUTE | HOUR | DAY | WEEK | MONTH | YEAR (also SEC, MIN, plurals)."""
        tok = self.peek()
        if tok.kind == IDENT and tok.value.upper() in _TIME_UNITS:
            self.next()
            return _TIME_UNITS[tok.value.upper()]
        raise _Fail(tok, ["time unit"])

    def rollup_unit(self):
        """rollup_unit = SEC | MIN | HOUR (also SECOND, MINUTE and plurals)."""
        tok = self.peek()
        if tok.kind == IDENT and tok.value.upper() in _ROLLUP_UNITS:
            self.next()
            return _ROLLUP_UNITS[tok.value.upper()]
        raise _Fail(tok, ["SEC", "MIN", "HOUR"])

    # -- query and statements ------------------------------------------------------------

    def query(self):
        """query = [ statement ] { ";" [ statement ] } ."""
        statements = []
        while True:
            while self.accept_op(";"):
                pass
            if self.peek().kind == EOF:
                return statements
            statements.append(self.statement())
            tok = self.peek()
            if tok.kind != EOF and not self.at_op(";"):
                raise _Fail(tok, [";"])

    def single_statement(self):
        """Exactly one statement, optionally followed by semicolons."""
        statement = self.statement()
        while self.accept_op(";"):
            pass
        self.expect_end()
        return statement

    _STATEMENTS = {
        "SELECT": "select_stmt", "INSERT": "insert_stmt", "UPDATE": "update_stmt",
        "DELETE": "delete_stmt", "CREATE": "create_stmt", "DROP": "drop_stmt", "ALTER": "alter_stmt",
        "TRUNCATE": "truncate_stmt", "SHOW": "show_stmt", "DESC": "describe_stmt",
        "DESCRIBE": "describe_stmt", "EXEC": "exec_stmt", "EXPLAIN": "explain_stmt",
    }

    def statement(self):
        """statement = select_stmt | insert_stmt | update_stmt | delete_stmt | create_stmt
        | drop_stmt | alter_stmt | truncate_stmt | show_stmt | describe_stmt | exec_stmt
        | explain_stmt ."""
        tok = self.peek()
        method = self._STATEMENTS.get(tok.value.upper()) if tok.kind == IDENT else None
        if method is None:
            raise _Fail(tok, list(self._STATEMENTS))
        return getattr(self, method)()

    # -- SELECT ------------------------------------------------------------------------

    def select_stmt(self):
        """select_stmt = select_core { "UNION" "ALL" select_core } ."""
        first = self.select_core()
        selects = [first]
        while self.at("UNION"):
            self.next()
            self.expect("ALL")
            selects.append(self.select_core())
        if len(selects) == 1:
            return first
        return ast.UnionAll(tuple(selects), pos=first.pos)

    def select_core(self):
        """select_core = "SELECT" [ hints ] [ "DISTINCT" ] target_list [ "FROM" from_list ]
        [ "WHERE" expr ] [ duration ] [ "GROUP" "BY" group_list ] [ "HAVING" expr ]
        [ "ORDER" "BY" order_list ] [ "SERIES" "BY" expr ] [ limit ] [ duration ] ."""
        start = self.expect("SELECT")
        hints = self.hint_list(self.i)
        distinct = self.accept("DISTINCT") is not None
        targets = self.target_list()
        sources = self.from_list() if self.accept("FROM") else ()
        where = self.expr() if self.accept("WHERE") else None
        duration = self.duration() if self.at("DURATION") else None
        group_by = ()
        if self.accept("GROUP"):
            self.expect("BY")
            group_by = self.group_list()
        having = self.expr() if self.accept("HAVING") else None
        order_by = ()
        if self.accept("ORDER"):
            self.expect("BY")
            order_by = self.order_list()
        series_by = None
        if self.accept("SERIES"):
            self.expect("BY")
            series_by = self.expr()
        limit, offset = self.limit() if self.at("LIMIT") else (None, 0)
        if duration is None and self.at("DURATION"):  # NOTE: before 8.0.26 DURATION came last
            duration = self.duration()
        return ast.Select(tuple(targets), tuple(sources), where, group_by, having, order_by, limit, offset,
                          distinct, hints, series_by, duration, pos=start.pos)

    def hint_list(self, index):
        """hints = "/*+" { hint } "*/" -- the hint comments right after SELECT."""
        out = []
        for text, pos in self.hints.get(index, ()):
            out.extend(_parse_hints(text, pos))
        return tuple(out)

    def target_list(self):
        """target_list = target { "," target } ."""
        targets = [self.target()]
        while self.accept_op(","):
            targets.append(self.target())
        return targets

    def target(self):
        """target = "*" | name "." "*" | expr [ rollup_suffix ] [ [ "AS" ] alias ] ."""
        start = self.peek()
        if self.accept_op("*"):
            return ast.SelectItem(ast.Star(pos=start.pos), text="*", pos=start.pos)
        if (start.kind in (IDENT, QIDENT) and self.peek(1).kind == OP and self.peek(1).value == "."
                and self.peek(2).kind == OP and self.peek(2).value == "*"):
            table = self.name()
            self.next()
            self.next()
            return ast.SelectItem(ast.Star(table, pos=start.pos), text=self.source_text(start), pos=start.pos)
        expr = self.rollup_suffix(self.expr())
        text = self.source_text(start)
        alias, alias_text = self.alias()
        return ast.SelectItem(expr, alias, alias_text, text, pos=start.pos)

    def alias(self):
        """alias = "AS" ( word | quoted ) | name -- returns (canonical, as written) or (None, "")."""
        if self.accept("AS"):
            tok = self.peek()
            return self.name(reserved_ok=True), tok.value
        if self.at_name():
            tok = self.peek()
            return self.name(), tok.value
        return None, ""

    def rollup_suffix(self, expr):
        """rollup_suffix = "ROLLUP" int word -- the 6.x/7.x ``time ROLLUP 3 SEC`` form.

        It is read as the function form ``ROLLUP('sec', 3, time)``.
        """
        if not (self.at("ROLLUP") and self.peek(1).kind == INT):
            return expr
        tok = self.next()
        amount = self.integer()
        unit_tok = self.peek()
        unit = self.word("time unit").lower()
        return ast.Call("ROLLUP", (ast.Str(unit, pos=unit_tok.pos), ast.Num(amount, pos=tok.pos), expr),
                        pos=expr.pos)

    def from_list(self):
        """from_list = table_ref { "," table_ref } ."""
        sources = [self.table_ref()]
        while self.accept_op(","):
            sources.append(self.table_ref())
        return sources

    def table_ref(self):
        """table_ref = table_primary { join_kind "JOIN" table_primary "ON" expr } ."""
        left = self.table_primary()
        while self.at("JOIN", "INNER", "LEFT", "RIGHT"):
            tok = self.next()
            kind = tok.value.upper()
            if kind == "JOIN":
                kind = "INNER"
            else:
                if kind != "INNER":
                    self.accept("OUTER")
                self.expect("JOIN")
            right = self.table_primary()
            self.expect("ON")
            left = ast.Join(left, kind, right, self.expr(), pos=left.pos)
        return left

    def table_primary(self):
        """table_primary = "(" select_stmt ")" [ alias ] | name [ "METADATA" ] [ alias ] ."""
        start = self.peek()
        if self.at_op("("):
            self.next()
            self.enter()
            query = self.select_stmt()
            self.leave()
            self.expect_op(")")
            alias, _ = self.alias()
            return ast.DerivedTable(query, alias, pos=start.pos)
        name = self.name()
        metadata = self.accept("METADATA") is not None
        alias, _ = self.alias()
        return ast.Table(name, alias, metadata, pos=start.pos)

    def group_list(self):
        """group_list = expr [ rollup_suffix ] { "," expr [ rollup_suffix ] } ."""
        items = [self.rollup_suffix(self.expr())]
        while self.accept_op(","):
            items.append(self.rollup_suffix(self.expr()))
        return tuple(items)

    def order_list(self):
        """order_list = expr [ "ASC" | "DESC" ] { "," expr [ "ASC" | "DESC" ] } ."""
        items = [self.order_item()]
        while self.accept_op(","):
            items.append(self.order_item())
        return tuple(items)

    def order_item(self):
        start = self.peek()
        expr = self.expr()
        descending = False
        if self.at("ASC", "DESC"):
            descending = self.next().value.upper() == "DESC"
        return ast.OrderItem(expr, descending, pos=start.pos)

    def limit(self):
        """limit = "LIMIT" int [ "," int ] | "LIMIT" int "OFFSET" int -- returns (count, offset)."""
        self.expect("LIMIT")
        first = self.integer()
        if self.accept_op(","):
            return self.integer(), first
        if self.accept("OFFSET"):
            return first, self.integer()
        return first, 0

    def duration(self):
        """duration = "DURATION" ( time_span [ ( "BEFORE" | "AFTER" ) time_span ]
        | "FROM" expr "TO" expr ) ."""
        start = self.expect("DURATION")
        if self.accept("FROM"):
            begin = self.expr()
            self.expect("TO")
            return ast.Duration(start=begin, end=self.expr(), pos=start.pos)
        span = self.time_span()
        if self.at("BEFORE", "AFTER"):
            direction = self.next().value.upper()
            return ast.Duration(span, direction, self.time_span(), pos=start.pos)
        return ast.Duration(span, pos=start.pos)

    # -- expressions -------------------------------------------------------------------

    def enter(self, nested=True):
        """Count one level of the expression tree being built (a nested expression, or one more
        operator of a chain); past the limits the statement is a syntax error (2010) here.

        NOTE: the parser, the executor and the formatter walk expression trees recursively, so
        a deep enough text (``((((...``, ``- - - -...``, ``1+1+1+...``) would exhaust Python's
        stack; :data:`MAX_NESTING` bounds the parser's recursion and :data:`MAX_DEPTH` the
        depth of the tree, far beyond what a written query needs.
        """
        self.depth += 1
        if nested:
            self.nesting += 1
        if self.nesting > MAX_NESTING or self.depth > MAX_DEPTH:
            raise _Fail(self.peek(), ["a less deeply nested expression"])

    def leave(self, levels=1, nested=True):
        self.depth -= levels
        if nested:
            self.nesting -= levels

    def expr(self):
        """expr = or_expr ."""
        self.enter()
        expr = self.or_expr()
        self.leave()
        return expr

    def chain(self, operand, ops, *, words=False, node=ast.Binary):
        """operand { op operand } -- a left-deep chain of binary operators (``ops``)."""
        left = operand()
        links = 0
        while True:
            op = self.words[self.i] if words else self.ops[self.i]
            if op not in ops:
                break
            self.next()
            self.enter(nested=False)
            links += 1
            left = node(op, left, operand(), pos=left.pos)
        self.leave(links, nested=False)
        return left

    def or_expr(self):
        """or_expr = and_expr { "OR" and_expr } ."""
        return self.chain(self.and_expr, ("OR",), words=True)

    def and_expr(self):
        """and_expr = not_expr { "AND" not_expr } ."""
        return self.chain(self.not_expr, ("AND",), words=True)

    def not_expr(self):
        """not_expr = "NOT" not_expr | predicate ."""
        tok = self.accept("NOT")
        if tok is not None:
            self.enter()
            operand = self.not_expr()
            self.leave()
            return ast.Unary("NOT", operand, pos=tok.pos)
        return self.predicate()

    def predicate(self):
        """predicate = concat_expr { comparison_op concat_expr | "IS" [ "NOT" ] "NULL"
        | [ "NOT" ] "IN" "(" ( select_stmt | expr_list ) ")"
        | [ "NOT" ] "BETWEEN" concat_expr "AND" concat_expr
        | [ "NOT" ] match_op concat_expr | "RANGE" time_span } ."""
        left = self.concat_expr()
        links = 0
        while True:
            tok = self.peek()
            if tok.kind == OP and tok.value in _COMPARISONS or self.is_word(tok, "IS", "RANGE", "NOT",
                                                                              *_PREDICATE_WORDS):
                self.enter(nested=False)
                links += 1
            if tok.kind == OP and tok.value in _COMPARISONS:
                self.next()
                left = ast.Binary(_COMPARISONS[tok.value], left, self.concat_expr(), pos=left.pos)
            elif self.is_word(tok, "IS"):
                self.next()
                negated = self.accept("NOT") is not None
                self.expect("NULL")
                left = ast.IsNull(left, negated, pos=left.pos)
            elif self.is_word(tok, "RANGE"):
                self.next()
                left = ast.Range(left, self.time_span(), pos=left.pos)
            elif self.is_word(tok, *_PREDICATE_WORDS):
                left = self.predicate_rest(left, negated=False)
            elif self.is_word(tok, "NOT") and self.is_word(self.peek(1), *_PREDICATE_WORDS):
                self.next()
                left = self.predicate_rest(left, negated=True)
            else:
                self.leave(links, nested=False)
                return left

    def predicate_rest(self, left, *, negated):
        op = self.next().value.upper()
        if op == "IN":
            return ast.In(left, self.in_items(), negated, pos=left.pos)
        if op == "BETWEEN":
            low = self.concat_expr()
            self.expect("AND")
            return ast.Between(left, low, self.concat_expr(), negated, pos=left.pos)
        return ast.Match(op, left, self.concat_expr(), negated, pos=left.pos)

    def in_items(self):
        """in_items = "(" ( select_stmt | expr { "," expr } ) ")" ."""
        open_tok = self.expect_op("(")
        if self.at("SELECT"):
            query = self.select_stmt()
            self.expect_op(")")
            return ast.Subquery(query, pos=open_tok.pos)
        items = [self.expr()]
        while self.accept_op(","):
            items.append(self.expr())
        self.expect_op(")")
        return tuple(items)

    def concat_expr(self):
        """concat_expr = additive { "||" additive } ."""
        return self.chain(self.additive, ("||",))

    def additive(self):
        """additive = multiplicative { ( "+" | "-" ) multiplicative } ."""
        return self.chain(self.multiplicative, ("+", "-"))

    def multiplicative(self):
        """multiplicative = unary { ( "*" | "/" | "%" ) unary } ."""
        return self.chain(self.unary, ("*", "/", "%"))

    def unary(self):
        """unary = ( "-" | "+" ) unary | postfix -- a minus before a number is folded into it."""
        tok = self.peek()
        if self.at_op("-", "+"):
            self.next()
            self.enter()
            operand = self.unary()
            self.leave()
            if tok.value == "+":
                return operand
            if isinstance(operand, ast.Num):
                return ast.Num(-operand.value, pos=tok.pos)
            if isinstance(operand, ast.Interval):
                return ast.Interval(-operand.ns, pos=tok.pos)
            return ast.Unary("-", operand, pos=tok.pos)
        return self.postfix()

    def postfix(self):
        """postfix = primary { "->" primary } -- the JSON path operator."""
        return self.chain(self.primary, ("->",))

    def primary(self):
        """primary = number | interval | string | "?" | "NULL" | "(" ( select_stmt | expr ) ")"
        | case_expr | function_call | column_ref | "NOW" | "SYSDATE" ."""
        tok = self.peek()
        kind = tok.kind
        if kind == INT:
            self.next()
            return ast.Num(int(tok.value), pos=tok.pos)
        if kind == FLOAT:
            self.next()
            return ast.Num(float(tok.value), pos=tok.pos)
        if kind == SUFFIXED:
            self.next()
            return ast.Interval(self.interval_ns(tok), pos=tok.pos)
        if kind == QIDENT and self.peek(1).kind == OP and self.peek(1).value == ".":
            return self.column_ref()
        if kind in (STRING, QIDENT):
            self.next()
            return ast.Str(tok.value, pos=tok.pos)
        if kind == PARAM:
            self.next()
            self.params += 1
            return ast.Param(self.params - 1, pos=tok.pos)
        if kind == OP and tok.value == "(":
            self.next()
            if self.at("SELECT"):
                query = self.select_stmt()
                self.expect_op(")")
                return ast.Subquery(query, pos=tok.pos)
            inner = self.expr()
            self.expect_op(")")
            return inner
        if kind == IDENT:
            upper = tok.value.upper()
            if upper == "NULL":
                self.next()
                return ast.Null(pos=tok.pos)
            if upper == "CASE":
                return self.case_expr()
            nxt = self.peek(1)
            if nxt.kind == OP and nxt.value == "(" and (upper not in RESERVED or upper in _RESERVED_FUNCTIONS):
                return self.function_call()
            if upper in ("NOW", "SYSDATE") and not (nxt.kind == OP and nxt.value == "."):
                self.next()
                return ast.Call(upper, pos=tok.pos)
            if upper not in RESERVED:
                return self.column_ref()
        raise _Fail(tok, ["expression"])

    def interval_ns(self, tok):
        """interval = int unit { int unit } -- units ns us ms s m h d w, run together (``2h30m``)."""
        text = tok.value
        total = 0
        at = 0
        for match in _INTERVAL_PART.finditer(text):
            if match.start() != at:
                break
            total += int(match.group(1)) * _INTERVAL_UNITS[match.group(2)]
            at = match.end()
        if at != len(text) or not text or total > INT64_MAX:  # NOTE: times are int64 ns
            raise _Fail(tok, ["time expression"], code=2034)
        return total

    def column_ref(self):
        """column_ref = name [ "." name ] ."""
        tok = self.peek()
        first = self.name()
        if self.accept_op("."):
            return ast.Column(self.name(reserved_ok=True), first, pos=tok.pos)
        return ast.Column(first, pos=tok.pos)

    def function_call(self):
        """function_call = word "(" [ [ "DISTINCT" ] ( "*" | expr { "," expr } )
        [ "ORDER" "BY" order_list ] [ "SEPARATOR" string ] ] ")" ."""
        tok = self.next()
        name = tok.value.upper()
        self.expect_op("(")
        if self.accept_op(")"):
            return ast.Call(name, pos=tok.pos)
        distinct = self.accept("DISTINCT") is not None
        star = self.peek()
        if self.accept_op("*"):
            args = [ast.Star(pos=star.pos)]
        else:
            args = [self.expr()]
            while self.accept_op(","):
                args.append(self.expr())
        order_by = ()
        if self.accept("ORDER"):
            self.expect("BY")
            order_by = self.order_list()
        separator = None
        if self.accept("SEPARATOR"):
            sep = self.peek()
            if sep.kind not in (STRING, QIDENT):
                raise _Fail(sep, ["string"])
            self.next()
            separator = ast.Str(sep.value, pos=sep.pos)
        self.expect_op(")")
        return ast.Call(name, tuple(args), distinct, order_by, separator, pos=tok.pos)

    def case_expr(self):
        """case_expr = "CASE" [ expr ] "WHEN" expr "THEN" expr { "WHEN" expr "THEN" expr }
        [ "ELSE" expr ] "END" ."""
        start = self.expect("CASE")
        operand = None if self.at("WHEN") else self.expr()
        whens = []
        while True:
            when = self.peek()
            if not self.accept("WHEN"):
                if whens:
                    break
                raise _Fail(when, ["WHEN"])
            condition = self.expr()
            self.expect("THEN")
            whens.append(ast.When(condition, self.expr(), pos=when.pos))
        else_ = self.expr() if self.accept("ELSE") else None
        self.expect("END")
        return ast.Case(operand, tuple(whens), else_, pos=start.pos)

    # -- INSERT, UPDATE, DELETE ----------------------------------------------------------

    def insert_stmt(self):
        """insert_stmt = "INSERT" "INTO" name [ "METADATA" ] [ "(" name_list ")" ] [ "METADATA" ]
        ( "VALUES" "(" expr { "," expr } ")" [ on_duplicate ] | select_stmt ) ."""
        start = self.expect("INSERT")
        self.expect("INTO")
        table = self.name()
        metadata = self.accept("METADATA") is not None
        columns = ()
        if self.at_op("(") and not self.is_word(self.peek(1), "SELECT"):
            self.next()
            columns = self.name_list()
            self.expect_op(")")
        if not metadata:
            metadata = self.accept("METADATA") is not None
        if self.at("SELECT") or (self.at_op("(") and self.is_word(self.peek(1), "SELECT")):
            if self.accept_op("("):
                select = self.select_stmt()
                self.expect_op(")")
            else:
                select = self.select_stmt()
            return ast.Insert(table, columns, select=select, metadata=metadata, pos=start.pos)
        if not self.accept("VALUES"):
            raise _Fail(self.peek(), ["VALUES", "SELECT"] if not metadata else ["VALUES"])
        self.expect_op("(")
        values = [self.expr()]
        while self.accept_op(","):
            values.append(self.expr())
        self.expect_op(")")
        on_duplicate = False
        updates = ()
        if self.accept("ON"):
            self.expect("DUPLICATE", "KEY", "UPDATE")
            on_duplicate = True
            if self.accept("SET"):
                updates = self.assignments()
        return ast.Insert(table, columns, tuple(values), None, metadata, on_duplicate, updates, pos=start.pos)

    def name_list(self):
        """name_list = name { "," name } ."""
        names = [self.name()]
        while self.accept_op(","):
            names.append(self.name())
        return tuple(names)

    def assignments(self):
        """assignments = name "=" expr { "," name "=" expr } ."""
        out = [self.assignment()]
        while self.accept_op(","):
            out.append(self.assignment())
        return tuple(out)

    def assignment(self):
        tok = self.peek()
        column = self.name()
        self.expect_op("=")
        return ast.Assignment(column, self.expr(), pos=tok.pos)

    def update_stmt(self):
        """update_stmt = "UPDATE" name [ "METADATA" ] "SET" assignments [ "WHERE" expr ] ."""
        start = self.expect("UPDATE")
        table = self.name()
        metadata = self.accept("METADATA") is not None
        self.expect("SET")
        updates = self.assignments()
        where = self.expr() if self.accept("WHERE") else None
        return ast.Update(table, updates, where, metadata, pos=start.pos)

    def delete_stmt(self):
        """delete_stmt = "DELETE" "FROM" name [ "METADATA" | "ROLLUP" ]
        [ "WHERE" expr | "BEFORE" expr | "OLDEST" int "ROWS" | "EXCEPT" int ( "ROWS" | time_unit ) ]
        [ "NO" "WAIT" ] ."""
        start = self.expect("DELETE")
        self.expect("FROM")
        table = self.name()
        metadata = self.accept("METADATA") is not None
        rollup = not metadata and self.accept("ROLLUP") is not None
        fields = {}
        if self.accept("WHERE"):
            fields["where"] = self.expr()
        elif self.accept("BEFORE"):
            fields["before"] = self.expr()
        elif self.accept("OLDEST"):
            fields["oldest_rows"] = self.integer()
            self.expect("ROWS")
        elif self.accept("EXCEPT"):
            tok = self.peek()
            amount = self.integer()
            if self.accept("ROWS"):
                fields["except_rows"] = amount
            else:
                fields["except_span"] = ast.TimeSpan(amount, self.time_unit(), pos=tok.pos)
        if self.accept("NO"):
            self.expect("WAIT")
            fields["no_wait"] = True
        return ast.Delete(table, metadata, rollup, pos=start.pos, **fields)

    # -- DDL ---------------------------------------------------------------------------

    def create_stmt(self):
        """create_stmt = create_table | create_rollup | create_user ."""
        start = self.expect("CREATE")
        tok = self.peek()
        if self.is_word(tok, "ROLLUP"):
            return self.create_rollup(start)
        if self.is_word(tok, "USER"):
            return self.create_user(start)
        if self.is_word(tok, "TABLE", *_TABLE_KINDS):
            return self.create_table(start)
        raise _Fail(tok, ["TABLE", "LOG", "VOLATILE", "LOOKUP", "TAG", "TAGDATA", "ROLLUP", "USER"])

    def create_table(self, start):
        """create_table = "CREATE" [ "LOG" | "VOLATILE" | "LOOKUP" | "TAG" | "TAGDATA" ] "TABLE"
        [ "IF" "NOT" "EXISTS" ] name "(" column_def { "," column_def } ")"
        [ "METADATA" "(" column_def { "," column_def } ")" ] [ with_rollup ] [ property_list ] ."""
        kind = "LOG"
        if not self.at("TABLE"):
            kind = _TABLE_KINDS[self.next().value.upper()]
        self.expect("TABLE")
        if_not_exists = False
        if self.accept("IF"):
            self.expect("NOT", "EXISTS")
            if_not_exists = True
        name = self.name()
        columns = self.column_defs()
        metadata = self.column_defs() if self.accept("METADATA") else ()
        rollup = self.with_rollup() if self.at("WITH") else None
        properties = self.property_list() if self.peek().kind == IDENT else ()
        return ast.CreateTable(name, columns, kind, if_not_exists, metadata, rollup, properties, pos=start.pos)

    def column_defs(self):
        """"(" column_def { "," column_def } ")" ."""
        self.expect_op("(")
        columns = [self.column_def()]
        while self.accept_op(","):
            columns.append(self.column_def())
        self.expect_op(")")
        return tuple(columns)

    def column_def(self):
        """column_def = name column_type { column_attribute } .
        column_attribute = "PRIMARY" "KEY" | "BASETIME" | "BASE" ( "TIME" | "DISTANCE" ) | "BASEDISTANCE"
        | "SUMMARIZED" | "NOT" "NULL" | "NULL" | "PROPERTY" "(" property_list ")" ."""
        tok = self.peek()
        name = self.name()
        column_type = self.column_type()
        flags = {}
        while True:
            if self.accept("PRIMARY"):
                self.expect("KEY")
                flags["primary_key"] = True
            elif self.accept("BASETIME"):
                flags["basetime"] = True
            elif self.accept("BASEDISTANCE"):
                flags["base_distance"] = True
            elif self.accept("BASE"):
                if self.accept("TIME"):
                    flags["basetime"] = True
                elif self.accept("DISTANCE"):
                    flags["base_distance"] = True
                else:
                    raise _Fail(self.peek(), ["TIME", "DISTANCE"])
            elif self.accept("SUMMARIZED"):
                flags["summarized"] = True
            elif self.accept("NOT"):
                self.expect("NULL")
                flags["not_null"] = True
            elif self.accept("NULL"):
                flags["not_null"] = False
            elif self.accept("PROPERTY"):
                self.expect_op("(")
                flags["properties"] = flags.get("properties", ()) + self.property_list()
                self.expect_op(")")
            else:
                return ast.ColumnDef(name, column_type, pos=tok.pos, **flags)

    def column_type(self):
        """column_type = type_name [ "(" int ")" ] -- a length only for VARCHAR and BINARY."""
        tok = self.peek()
        word = tok.value.upper() if tok.kind == IDENT else ""
        name = ast.TYPE_SYNONYMS.get(word, word)
        if name not in ast.COLUMN_TYPES:
            raise _Fail(tok, ["column type"])
        self.next()
        length = None
        if name in ("VARCHAR", "BINARY") and self.accept_op("("):
            length = self.integer()
            self.expect_op(")")
        return ast.ColumnType(name, length, pos=tok.pos)

    def with_rollup(self):
        """with_rollup = "WITH" "ROLLUP" [ "(" rollup_unit ")" ] [ "EXTENSION" ] ."""
        start = self.expect("WITH")
        self.expect("ROLLUP")
        unit = "SEC"
        if self.accept_op("("):
            unit = self.rollup_unit()
            self.expect_op(")")
        extension = self.accept("EXTENSION") is not None
        return ast.RollupSpec(unit, extension, pos=start.pos)

    def property_list(self):
        """property_list = property { "," property } ."""
        props = [self.table_property()]
        while self.accept_op(","):
            props.append(self.table_property())
        return tuple(props)

    def table_property(self):
        """property = word "=" ( property_value | "(" property_value ")" ) ."""
        tok = self.peek()
        name = self.word("property name")
        self.expect_op("=")
        if self.accept_op("("):
            value, unit = self.property_value()
            self.expect_op(")")
        else:
            value, unit = self.property_value()
        return ast.Property(name, value, unit, pos=tok.pos)

    def property_value(self):
        """property_value = [ "-" ] number | int size_unit | string | word ."""
        tok = self.peek()
        negative = self.accept_op("-") is not None
        num = self.peek()
        if num.kind in (INT, FLOAT):
            self.next()
            value = int(num.value) if num.kind == INT else float(num.value)
            return ast.Num(-value if negative else value, pos=tok.pos), ""
        if num.kind == SUFFIXED and not negative:
            match = re.fullmatch(r"(\d+)([A-Za-z]+)", num.value)
            if match and match.group(2).upper() in _SIZE_UNITS:
                self.next()
                return ast.Num(int(match.group(1)), pos=tok.pos), match.group(2).upper()
            raise _Fail(num, ["size"])
        if negative:
            raise _Fail(num, ["number"])
        if tok.kind in (STRING, QIDENT):
            self.next()
            return ast.Str(tok.value, pos=tok.pos), ""
        if tok.kind == IDENT:
            self.next()
            return ast.Column(tok.value.upper(), pos=tok.pos), ""
        raise _Fail(tok, ["property value"])

    def create_rollup(self, start):
        """create_rollup = "CREATE" "ROLLUP" name ( "ON" name [ "(" name ")" ] | "FROM" name )
        "INTERVAL" int rollup_unit [ "EXTENSION" ] [ "WHERE" expr ] ."""
        self.expect("ROLLUP")
        name = self.name()
        column = None
        if self.accept("ON"):
            source = self.name()
            if self.accept_op("("):
                column = self.name()
                self.expect_op(")")
        elif self.accept("FROM"):
            source = self.name()
        else:
            raise _Fail(self.peek(), ["ON", "FROM"])
        self.expect("INTERVAL")
        interval = self.integer()
        unit = self.rollup_unit()
        extension = self.accept("EXTENSION") is not None
        where = self.expr() if self.accept("WHERE") else None
        return ast.CreateRollup(name, source, interval, unit, column, extension, where, pos=start.pos)

    def create_user(self, start):
        """create_user = "CREATE" "USER" name "IDENTIFIED" "BY" password [ password_policy ] ."""
        self.expect("USER")
        name = self.name()
        password, policy = self.identified_by()
        return ast.CreateUser(name, password, policy, pos=start.pos)

    def identified_by(self):
        """"IDENTIFIED" "BY" password [ "PASSWORD" "POLICY" ( "NONE" | "LOW" | "HIGH" ) ] .
        password = word | quoted | string | int -- kept as written."""
        self.expect("IDENTIFIED", "BY")
        tok = self.peek()
        if tok.kind not in (IDENT, QIDENT, STRING, INT):
            raise _Fail(tok, ["password"])
        password = self.next().value
        policy = None
        if self.accept("PASSWORD"):
            self.expect("POLICY")
            tok = self.peek()
            if not self.is_word(tok, "NONE", "LOW", "HIGH"):
                raise _Fail(tok, ["NONE", "LOW", "HIGH"])
            policy = self.next().value.upper()
        return password, policy

    def drop_stmt(self):
        """drop_stmt = "DROP" ( "TABLE" name [ "CASCADE" ] | "ROLLUP" name | "USER" name ) ."""
        start = self.expect("DROP")
        tok = self.peek()
        if self.accept("TABLE"):
            name = self.name()
            return ast.DropTable(name, self.accept("CASCADE") is not None, pos=start.pos)
        if self.accept("ROLLUP"):
            return ast.DropRollup(self.name(), pos=start.pos)
        if self.accept("USER"):
            return ast.DropUser(self.name(), pos=start.pos)
        raise _Fail(tok, ["TABLE", "ROLLUP", "USER"])

    def alter_stmt(self):
        """alter_stmt = "ALTER" "ROLLUP" name rollup_action | "ALTER" "USER" name identified_by .
        rollup_action = "START" | "STOP" | "WAKEUP" | "FORCE" | "SET" "WAKEUP" "INTERVAL" int rollup_unit ."""
        start = self.expect("ALTER")
        tok = self.peek()
        if self.accept("USER"):
            name = self.name()
            password, policy = self.identified_by()
            return ast.AlterUser(name, password, policy, pos=start.pos)
        if not self.accept("ROLLUP"):
            raise _Fail(tok, ["ROLLUP", "USER"])
        name = self.name()
        tok = self.peek()
        if self.is_word(tok, "START", "STOP", "WAKEUP", "FORCE"):
            return ast.AlterRollup(name, self.next().value.upper(), pos=start.pos)
        if self.accept("SET"):
            self.expect("WAKEUP", "INTERVAL")
            interval = self.integer()
            return ast.AlterRollup(name, "SET WAKEUP INTERVAL", interval, self.rollup_unit(), pos=start.pos)
        raise _Fail(tok, ["START", "STOP", "WAKEUP", "FORCE", "SET"])

    def truncate_stmt(self):
        """truncate_stmt = "TRUNCATE" "TABLE" name ."""
        start = self.expect("TRUNCATE")
        self.expect("TABLE")
        return ast.TruncateTable(self.name(), pos=start.pos)

    def show_stmt(self):
        """show_stmt = "SHOW" word [ name ] ."""
        start = self.expect("SHOW")
        subject = self.word("SHOW subject")
        name = self.name() if self.at_name() else None
        return ast.Show(subject, name, pos=start.pos)

    def describe_stmt(self):
        """describe_stmt = ( "DESC" | "DESCRIBE" ) name ."""
        start = self.next()
        return ast.Describe(self.name(), pos=start.pos)

    def exec_stmt(self):
        """exec_stmt = "EXEC" word "(" [ expr { "," expr } ] ")" ."""
        start = self.expect("EXEC")
        procedure = self.word("procedure name")
        self.expect_op("(")
        args = []
        if not self.at_op(")"):
            args.append(self.expr())
            while self.accept_op(","):
                args.append(self.expr())
        self.expect_op(")")
        return ast.Exec(procedure, tuple(args), pos=start.pos)

    def explain_stmt(self):
        """explain_stmt = "EXPLAIN" statement ."""
        start = self.expect("EXPLAIN")
        return ast.Explain(self.statement(), pos=start.pos)


# -- hints ---------------------------------------------------------------------------------

def _parse_hints(text, pos):
    """Read ``NAME [ "(" arg { "," arg } ")" ]`` hints from a hint comment's text.

    Reading stops at the first thing that is not a hint (Machbase ignores what it cannot
    read in a hint); positions are the comment's.
    """
    try:
        tokens = tokenize(text).items
    except LexError:
        return []
    out = []
    i = 0

    def at_op(k, op):
        return tokens[k].kind == OP and tokens[k].value == op

    while tokens[i].kind == IDENT:
        name = tokens[i].value.upper()
        i += 1
        args = []
        if at_op(i, "("):
            i += 1
            while True:
                tok = tokens[i]
                if tok.kind == IDENT:
                    args.append(tok.value.upper())
                elif tok.kind in (QIDENT, STRING):
                    args.append(tok.value)
                elif tok.kind == INT:
                    args.append(int(tok.value))
                elif at_op(i, ")") and not args:
                    break
                else:
                    return out
                i += 1
                if at_op(i, ","):
                    i += 1
                    continue
                if at_op(i, ")"):
                    break
                return out
            i += 1
        out.append(ast.Hint(name, tuple(args), pos=pos))
        if at_op(i, ","):
            i += 1
    return out
