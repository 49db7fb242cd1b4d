"""Malformed HTTP requests for every door of machstore, from a seed, and the check of each answer.

Shared by ``bench/fuzz_requests.py`` (the standalone load tool) and
``tests/test_fuzz_requests.py`` (a short run in the suite), so both send the same stream for
the same seed.  A request is built from the grammars' own fragments with wrong types, huge
numbers and odd strings put in, and sometimes mutated token by token afterwards, so most of
them get past the outer checks and reach the code behind them:

* Machbase SQL on ``GET /machbase?q=`` (every statement kind, expressions, functions,
  rollup forms, subqueries, names of any length);
* JSON append on ``POST /machbase`` and ``POST /machiot/datapoints/raw/{Table}`` (wrong
  shapes, wrong types, ``date_format`` of any type, times far out of range);
* ``/machiot`` paths and arguments, with every method;
* line protocol on ``/write``, ``/api/v2/write`` and ``/kapacitor/v1/write``;
* InfluxQL on ``/query``.

What a good answer is (:func:`check`): never a 5xx; a Machbase door answers its JSON
envelope (``error_code`` and ``error_message``, a non-zero code on a 4xx); an InfluxDB door
answers ``{"error": "..."}`` on a 4xx; Kapacitor's write door answers plain text or that JSON.

:data:`SETUP` creates the tables and data the stream works on; :data:`CANARY` stores data
under names the stream never uses, and :func:`verify_canary` checks it is all still there
after the run.
"""
import gzip
import http.client
import json
import random
import urllib.parse
from dataclasses import dataclass, field

__all__ = ["Request", "Generator", "SETUP", "CANARY", "check", "send", "verify_canary", "Client"]


@dataclass
class Request:
    """One HTTP request: ``target`` is the path and query exactly as sent (already encoded)."""

    method: str
    target: str
    body: bytes = b""
    headers: dict = field(default_factory=dict)
    family: str = "machbase"   # machbase | influx | kapacitor | none (no route: neutral {"error": ...})

    def describe(self, limit=300):
        """Return a one-line text of the request for reports (long bodies cut)."""
        body = self.body[:limit].decode("utf-8", "backslashreplace")
        more = "..." if len(self.body) > limit else ""
        target = self.target if len(self.target) <= limit else self.target[:limit] + "..."
        return f"{self.method} {target}" + (f" body={body}{more}" if self.body else "")


def _get(sql, **extra):
    return Request("GET", "/machbase?" + urllib.parse.urlencode({"q": sql, **extra}))


def _post_json(path, doc, family="machbase"):
    return Request("POST", path, json.dumps(doc).encode(), {"Content-Type": "application/json"}, family)


# -- the tables the stream works on, and the data it must never touch ----------------------------

_TAG_DDL = ("create tag table FT (name varchar(20) primary key, time datetime basetime, value double summarized)"
            " metadata (loc varchar(10), n integer) with rollup")
SETUP = [
    _get(_TAG_DDL),
    _get("create table FL (c varchar(10), n integer, d double, t datetime, ip ipv4, s short, b binary)"),
    _get("create lookup table FK (id integer primary key, s varchar(10))"),
    _get("create volatile table FV (id varchar(10) primary key, v double, n long)"),
    _get("insert into FT metadata values ('a', 'seoul', 1)"),
    _post_json("/machbase", {"name": "FT", "values": [["a", "2021-01-01 00:00:0%d" % i, 10.0 * i] for i in range(5)]
                             + [["b", "2021-01-01 00:01:00", 55.5], ["c", "2021-01-01 00:02:00", -1.0]]}),
    _get("insert into FL values ('x', 1, 1.5, '2021-01-01 00:00:00', '10.0.0.1', 7, NULL)"),
    _get("insert into FL values ('y', NULL, -2.5, '2021-01-02 00:00:00', NULL, NULL, NULL)"),
    _get("create table FX (i1 short, i2 ushort, i3 integer, i4 uinteger, i5 long, i6 ulong, f1 float, f2 double,"
         " dt datetime, vc varchar(10), tx text, ip4 ipv4, ip6 ipv6, bl binary, js json)"),
    _get("insert into FX values (-1, 1, -100000, 100000, -9223372036854775807, 18446744073709551614, 1.5, -2.25,"
         " '2021-01-01 00:00:00', 'v', 'text', '192.168.0.1', '::1', 'bytes', '{\"a\": [1, 2]}')"),
    _get("insert into FX values (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"
         " NULL)"),
    _post_json("/machbase", {"name": "FX", "values": [[32767, 65534, 7, 8, 9, 10, 3.4e38, 1e308,
                                                      "2038-01-19 03:14:07", "", "t", "0.0.0.0", "ffff::1",
                                                      "AAEC", {"k": "v"}]]}),
    _get("insert into FK values (1, 'one')"),
    _get("insert into FK values (2, 'two')"),
    _get("insert into FV values ('k', 1.5, 9)"),
    Request("POST", "/write?db=fdb&precision=s", b"cpu,host=a usage=1.5,n=3i 1700000000\nmem,host=b free=2i 1700000001\n",
            family="influx"),
]

CANARY_ROWS = [["keep-1", "2022-02-02 02:02:0%d 000:000:000" % i, float(i) + 0.25] for i in range(4)]
CANARY = [
    _get("create tag table KEEPTAG (name varchar(20) primary key, time datetime basetime, value double summarized)"
         " metadata (loc varchar(10))"),
    _get("insert into KEEPTAG metadata values ('keep-1', 'busan')"),
    _post_json("/machbase", {"name": "KEEPTAG", "values": [[r[0], r[1][:19], r[2]] for r in CANARY_ROWS]}),
    _get("create table KEEPLOG (c varchar(10), n integer)"),
    _get("insert into KEEPLOG values ('kept', 42)"),
    _get("create lookup table KEEPLK (id integer primary key, s varchar(10))"),
    _get("insert into KEEPLK values (7, 'seven')"),
    Request("POST", "/write?db=keepdb&precision=s", b"keep,host=k v=1.25,n=2i 1700000000\nkeep,host=k v=2.5 1700000060\n",
            family="influx"),
]
CANARY_NAMES = ("KEEP",)   # no name the stream makes starts with these (case-insensitive)


# -- pools of odd values ---------------------------------------------------------------------------

INTS = ["0", "1", "-1", "7", "60", "255", "32767", "2147483647", "-2147483648", "-2147483649", "4294967296",
        "9223372036854775807", "-9223372036854775808", "9223372036854775808", "18446744073709551615",
        "18446744073709551616", "99999999999999999999999999999", "1" + "0" * 400]
FLOATS = ["1.5", "-0.0", "0.000001", "1e308", "1e309", "-1e309", "1e-400", "3.4e38", "1.7976931348623157e308",
          "123456789.123456789"]
STRINGS = ["''", "'x'", "'inf'", "'-inf'", "'nan'", "'1e999'", "'  '", "'%'", "'_'", "'\\'", "'a''b'", "'é中文'",
           "'2021-01-01 00:00:00'", "'2021-13-45 99:99:99'", "'2021-01-01 00:00:00 000:000:000'", "'now'",
           "'9999-12-31 23:59:59'", "'1969-12-31 23:59:59'", "'0000-00-00'", "'10.0.0.1'", "'::1'",
           "'300.1.1.1'", "'a'", "'seoul'", "'12'", "'-5'", "'" + "w" * 300 + "'", "'\x01\x7f'", "'[.*'",
           "'(unclosed'", "'now + 9999999999999d'"]
INTERVALS = ["1d", "1s", "0ns", "106751d", "1h30m", "5ms", "1w", "-2h"]
ODD_INTERVALS = ["99999999999999999999w", "1y", "106752d", "9999999999999d"]
SPECIAL = ["NULL", "NULL", "NOW", "SYSDATE", "NOW", "?", "*", "TRUE"]
COLUMNS = ["name", "time", "value", "loc", "n", "c", "d", "t", "ip", "s", "b", "id", "v", "_arrival_time", "_rid",
           "nosuch", '"value"', '"odd col"', "FT.value", "x.y", "rowid", "count"]
# the columns of each source the stream reads (so most statements get past name resolution)
TABLE_COLUMNS = {
    "FT": ["name", "time", "value"], "FL": ["c", "n", "d", "t", "ip", "s", "b", "_arrival_time", "_rid"],
    "FK": ["id", "s"], "FV": ["id", "v", "n"], "FT metadata": ["name", "loc", "n", "_id"],
    "_FT_META": ["name", "loc", "n", "_id"], "v$FT_stat": ["name", "row_count", "min_time", "max_time",
                                                            "min_value", "max_value", "recent_row_time"],
    "v$rollup": ["rollup_table", "source_table", "interval_time", "state"],
    "m$sys_tables": ["name", "type", "id", "colcount"], "m$sys_columns": ["name", "type", "length", "table_id"],
    "m$sys_users": ["user_id", "name"], "v$stmt": ["id", "sess_id", "state", "query"],
    "FX": ["i1", "i2", "i3", "i4", "i5", "i6", "f1", "f2", "dt", "vc", "tx", "ip4", "ip6", "bl", "js"],
}
TABLES = list(TABLE_COLUMNS) * 3 + ["ft", '"FT"', "nosuch", "v$nosuch_stat", "_nosuch_meta", "FL metadata", '""']
ROLLUP_UNITS = ["sec", "min", "hour", "day", "week", "month", "year", "nsec", "usec", "msec", "xxxx", "", "SECS",
                "1"]
AGGREGATES = ["COUNT", "SUM", "MIN", "MAX", "AVG", "SUMSQ", "STDDEV", "STDDEV_POP", "VARIANCE", "VAR_POP",
              "FIRST", "LAST"]
FUNCTIONS = ["ROUND", "ABS", "FLOOR", "CEIL", "SQRT", "TO_DATE", "TO_CHAR", "DATE_TRUNC", "ROLLUP", "NOW", "UPPER",
             "LOWER", "LENGTH", "SUBSTR", "SUBSTRING", "TRIM", "LTRIM", "RTRIM", "NVL", "IFNULL", "TO_HEX",
             "NOSUCHFN", "GROUP_CONCAT", "TO_NUMBER", "DECODE", "LPAD"]
BINARY_OPS = ["+", "-", "*", "/", "%", "||", "=", "<>", "!=", "<", "<=", ">", ">=", "AND", "OR", "LIKE", "REGEXP",
              "NOT LIKE", "SEARCH", "->"]
TYPES = ["varchar(20)", "varchar(0)", "varchar(99999999999)", "varchar(-1)", "varchar", "integer", "long", "short",
         "double", "float", "datetime", "ipv4", "ipv6", "binary", "text", "json", "uinteger", "ushort", "ulong",
         "binary(10)", "nosuchtype", "boolean"]
DATE_FORMATS = ["YYYY-MM-DD HH24:MI:SS", "YYYY-MM-DD", "YYYY-MM-DD HH24:MI:SS mmm:uuu:nnn", "HH24", "", "x",
                "%Y-%m-%d", "YYYYYYYYYYYY", "mmm:uuu:nnn", "DD/MM/YYYY", "YYYY-MM-DD HH12:MI:SS AM", "\x00",
                "Y" * 400]


def _name_pool(rng):
    """A table/column/user/rollup name: mostly ordinary, sometimes quoted, empty, very long or odd."""
    if rng.random() < 0.7:
        return rng.choice(["FZ_" + str(rng.randrange(50)), "fz_t%d" % rng.randrange(20), "_x", "a1", "FT", "FL",
                           "FK", "FV", '"a b"', '"é"', '"q"', "x" * rng.choice([40, 127, 128])])
    return rng.choice([
        "x" * rng.choice([129, 255, 256, 511, 512, 1000, 5000]), '"' + "q" * rng.choice([128, 129, 600]) + '"',
        '""', "select", '"\x01"', "v$x", "m$sys_tables", "1abc", '"' + "é" * 64 + '"', '"' + "é" * 65 + '"'])


class Generator:
    """An endless stream of malformed requests; the same seed gives the same stream."""

    def __init__(self, seed=0):
        self.rng = random.Random(seed)
        self.count = 0
        self._doors = [(self.sql, 36), (self.json_append, 14), (self.machiot, 16), (self.line_protocol, 14),
                       (self.influxql, 12), (self.garbage, 4), (self.setup_again, 1)]
        self._weights = [w for _, w in self._doors]

    def __iter__(self):
        return self

    def __next__(self):
        return self.request()

    def request(self):
        """Return the next request."""
        self.count += 1
        door = self.rng.choices(self._doors, weights=self._weights)[0][0]
        req = door()
        if _touches_canary(req):
            return self.request()
        return req

    def setup_again(self):
        """One of the setup requests again (the stream may have dropped the tables it works on)."""
        return self.rng.choice(SETUP)

    # -- Machbase SQL --------------------------------------------------------------------------------

    def sql(self):
        rng = self.rng
        self.source = rng.choice(TABLES)
        build = rng.choices([self.select, self.insert, self.update, self.delete, self.create_table, self.rollup_ddl,
                             self.users, self.misc_statement],
                            weights=[40, 12, 6, 8, 8, 6, 4, 6])[0]
        text = build()
        if rng.random() < 0.1:
            text = self.mutate_text(text)
        if rng.random() < 0.05:
            text = text + ";" + build()
        extra = {}
        if rng.random() < 0.15:
            extra[rng.choice(["f", "s", "m"])] = rng.choice(["0", "1", "2", "-1", "99", "x", "", "YYYY", "%", "1e9",
                                                             "YYYY-MM-DD HH24:MI:SS mmm", "9" * 30])
        return _get(text, **extra)

    def literal(self):
        rng = self.rng
        pool = rng.choice([INTS, INTS, FLOATS, STRINGS, STRINGS, INTERVALS, SPECIAL])
        if rng.random() < 0.02:
            pool = ODD_INTERVALS
        value = rng.choice(pool)
        if rng.random() < 0.1:
            value = "- " + value
        return value

    def column(self):
        """A column of the statement's source most of the time, any column name otherwise."""
        own = TABLE_COLUMNS.get(getattr(self, "source", None))
        if own and self.rng.random() < 0.8:
            return self.rng.choice(own)
        return self.rng.choice(COLUMNS)

    def expr(self, depth=0):
        rng = self.rng
        if depth > 3 or rng.random() < 0.35:
            return self.literal() if rng.random() < 0.55 else self.column()
        kind = rng.choices(["binary", "unary", "call", "agg", "case", "between", "in", "insub", "isnull", "sub",
                            "paren", "time"],
                           weights=[25, 6, 18, 8, 5, 4, 6, 3, 3, 2, 3, 4])[0]
        e = self.expr
        if kind == "binary":
            return f"{e(depth + 1)} {rng.choice(BINARY_OPS)} {e(depth + 1)}"
        if kind == "unary":
            return f"{rng.choice(['-', 'NOT ', '+', '- -'])}{e(depth + 1)}"
        if kind == "call":
            name = rng.choice(FUNCTIONS)
            return f"{name}({', '.join(e(depth + 1) for _ in range(rng.choice([0, 1, 1, 2, 2, 3, 4])))})"
        if kind == "agg":
            name = rng.choice(AGGREGATES)
            args = rng.choice(["*", " ", "DISTINCT value", e(depth + 1), f"{e(depth + 1)}, {e(depth + 1)}",
                               "time, value", "value"])
            return f"{name}({args})"
        if kind == "case":
            whens = " ".join(f"WHEN {e(depth + 1)} THEN {e(depth + 1)}" for _ in range(rng.randint(1, 3)))
            operand = e(depth + 1) + " " if rng.random() < 0.3 else ""
            tail = f" ELSE {e(depth + 1)}" if rng.random() < 0.7 else ""
            return f"CASE {operand}{whens}{tail} END"
        if kind == "between":
            return f"{e(depth + 1)} {rng.choice(['', 'NOT '])}BETWEEN {e(depth + 1)} AND {e(depth + 1)}"
        if kind == "in":
            items = ", ".join(e(depth + 1) for _ in range(rng.randint(1, 4)))
            return f"{e(depth + 1)} {rng.choice(['', 'NOT '])}IN ({items})"
        if kind == "insub":
            return f"{e(depth + 1)} IN ({self.select(depth + 1)})"
        if kind == "isnull":
            return f"{e(depth + 1)} IS {rng.choice(['', 'NOT '])}NULL"
        if kind == "sub":
            return f"({self.select(depth + 1)})"
        if kind == "paren":
            return f"({e(depth + 1)})"
        return rng.choice([f"time {rng.choice(['>', '<', '>=', '<=', '='])} {rng.choice(STRINGS + INTS)}",
                           f"time BETWEEN {rng.choice(STRINGS)} AND {rng.choice(STRINGS + INTS)}",
                           f"time > NOW - {rng.choice(INTERVALS)}", f"time RANGE {rng.choice(INTS)} DAY",
                           f"name = {rng.choice(STRINGS + INTS)}"])

    def rollup_expr(self):
        rng = self.rng
        n = rng.choice(INTS + FLOATS[:2] + STRINGS[:3])
        unit = rng.choice(ROLLUP_UNITS)
        if rng.random() < 0.5:
            return f"time ROLLUP {rng.choice(INTS)} {unit or 'sec'}"
        origin = f", {rng.choice(STRINGS + INTS)}" if rng.random() < 0.3 else ""
        return f"ROLLUP('{unit}', {n}, {rng.choice(['time', 'value', 'name', self.literal()])}{origin})"

    def select(self, depth=0):
        rng = self.rng
        parts = ["SELECT"]
        if rng.random() < 0.1:
            parts.append(rng.choice(["/*+ SCAN_BACKWARD */", "/*+ SCAN_FORWARD(x) */", "/*+ ( */"]))
        if rng.random() < 0.1:
            parts.append("DISTINCT")
        rollup = rng.random() < 0.25
        targets = []
        for _ in range(rng.randint(1, 4)):
            t = rng.choices(["*", "expr", "agg", "rollup", "col"], weights=[8, 30, 20, 10 if rollup else 2, 20])[0]
            item = {"*": "*", "col": self.column(), "rollup": self.rollup_expr(),
                    "agg": f"{rng.choice(AGGREGATES)}({rng.choice(['value', '*', 'name', 'time', self.expr(depth + 2)])})",
                    "expr": self.expr(depth + 1)}[t]
            if rng.random() < 0.15:
                item += " AS " + rng.choice(["t", "v", '"x y"', "t", "v", "select", "a" * rng.choice([128, 300])])
            targets.append(item)
        parts.append(", ".join(targets))
        if rng.random() < 0.92:
            if rng.random() < 0.08 and depth < 2:
                parts.append(f"FROM ({self.select(depth + 1)}) sub")
            elif rng.random() < 0.05:
                parts.append(f"FROM FT JOIN FL ON {self.expr(2)}")
            elif depth == 0 or rng.random() < 0.5:
                parts.append("FROM " + (self.source if rng.random() < 0.95 else _name_pool(rng)))
            else:
                parts.append("FROM " + rng.choice(TABLES))
        if rng.random() < 0.6:
            parts.append("WHERE " + self.expr(depth + 1))
        if rng.random() < 0.1:
            parts.append(rng.choice(["DURATION 1 DAY", "DURATION 99999999999999 DAY BEFORE 1 HOUR",
                                     "DURATION FROM '2021-01-01' TO 'x'", f"DURATION {rng.choice(INTS)} MINUTE"]))
        if rollup or rng.random() < 0.2:
            group = self.rollup_expr() if rollup and rng.random() < 0.7 else rng.choice(
                ["1", "2", "0", "99999999999999999999", "name", "time", "t", self.expr(2)])
            parts.append("GROUP BY " + group)
            if rng.random() < 0.3:
                parts.append("HAVING " + self.expr(depth + 1))
        if rng.random() < 0.2:
            parts.append("ORDER BY " + rng.choice(["1", "2 DESC", "0", "-1", "99999999999999999999", "time DESC",
                                                   "value", self.expr(2)]))
        if rng.random() < 0.2:
            parts.append("LIMIT " + rng.choice(["1", "0", "5, 2", "2 OFFSET 1", rng.choice(INTS), "-1", "'x'",
                                                f"{rng.choice(INTS)}, {rng.choice(INTS)}"]))
        return " ".join(parts)

    def insert(self):
        rng = self.rng
        table = rng.choice(["FT", "FL", "FK", "FV", "FT", "FX", "FX", "nosuch", _name_pool(rng)])
        self.source = table
        meta = " METADATA" if table == "FT" and rng.random() < 0.4 else ""
        cols = ""
        if rng.random() < 0.25:
            cols = " (" + ", ".join(rng.choice(COLUMNS) for _ in range(rng.randint(1, 3))) + ")"
        if rng.random() < 0.1:
            return f"INSERT INTO {table}{cols} {self.select(1)}"
        values = ", ".join(self.expr(2) if rng.random() < 0.3 else self.literal() for _ in range(rng.choice(
            [1, 2, 2, 3, 3, 3, 4, 7])))
        tail = rng.choice(["", "", "", " ON DUPLICATE KEY UPDATE", f" ON DUPLICATE KEY UPDATE SET s = {self.literal()}",
                           f" ON DUPLICATE KEY UPDATE SET nosuch = {self.literal()}"])
        return f"INSERT INTO {table}{meta}{cols} VALUES ({values}){tail}"

    def update(self):
        rng = self.rng
        table = rng.choice(["FT", "FK", "FV", "FL", "nosuch"])
        self.source = table
        meta = " METADATA" if rng.random() < 0.5 else ""
        sets = ", ".join(f"{rng.choice(COLUMNS)} = {self.expr(2)}" for _ in range(rng.randint(1, 2)))
        where = f" WHERE {rng.choice(['name', 'id', 'loc', 'nosuch'])} = {self.literal()}" if rng.random() < 0.8 \
            else ""
        return f"UPDATE {table}{meta} SET {sets}{where}"

    def delete(self):
        rng = self.rng
        table = rng.choice(["FT", "FK", "FV", "FL", "nosuch", _name_pool(rng)])
        self.source = table
        body = rng.choice([
            f" WHERE {self.expr(1)}", f" WHERE {rng.choice(['id', 'name', 'time'])} = {self.literal()}",
            f" WHERE name IN ({self.literal()}, {self.literal()})", f" BEFORE {self.literal()}",
            f" BEFORE TO_DATE({self.literal()})", f" OLDEST {rng.choice(INTS)} ROWS",
            f" EXCEPT {rng.choice(INTS)} ROWS", f" EXCEPT {rng.choice(INTS)} {rng.choice(['DAY', 'HOUR', 'MONTH', 'YEAR'])}",
            f" WHERE name = 'zz' AND time < {self.literal()}", ""])
        meta = rng.choice(["", "", " METADATA", " ROLLUP"])
        return f"DELETE FROM {table}{meta}{body}"

    def create_table(self):
        rng = self.rng
        kind = rng.choice(["", "LOG ", "TAG ", "LOOKUP ", "VOLATILE ", "TAGDATA "])
        name = _name_pool(rng)
        cols = []
        for i in range(rng.randint(1, 4)):
            cname = _name_pool(rng) if rng.random() < 0.3 else f"c{i}"
            flags = rng.choice(["", "", " primary key", " basetime", " summarized", " not null", " property (x=1)"])
            cols.append(f"{cname} {rng.choice(TYPES)}{flags}")
        if kind == "TAG " and rng.random() < 0.6:
            cols = ["name varchar(20) primary key", "time datetime basetime", "value double summarized"] + cols[:1]
        meta = f" METADATA ({_name_pool(rng)} {rng.choice(TYPES)})" if rng.random() < 0.2 else ""
        rollup = rng.choice(["", "", " WITH ROLLUP", " WITH ROLLUP (MIN) EXTENSION", " WITH ROLLUP (DAY)"])
        props = rng.choice(["", "", f" TAG_PARTITION_COUNT={rng.choice(INTS)}", " TAG_DATA_PART_SIZE=16MB",
                            f" X = '{'p' * rng.choice([1, 1000])}'", " TAG_DUPLICATE_CHECK_DURATION=-1"])
        ine = " IF NOT EXISTS" if rng.random() < 0.2 else ""
        text = f"CREATE {kind}TABLE{ine} {name} ({', '.join(cols)}){meta}{rollup}{props}"
        if rng.random() < 0.3:
            text += ";DROP TABLE " + name + rng.choice(["", " CASCADE"])
        return text

    def rollup_ddl(self):
        rng = self.rng
        name = _name_pool(rng)
        return rng.choice([
            f"CREATE ROLLUP {name} ON {rng.choice(['FT', 'FL', 'nosuch', 'FT'])} ({rng.choice(COLUMNS)}) "
            f"INTERVAL {rng.choice(INTS)} {rng.choice(['SEC', 'MIN', 'HOUR', 'DAY'])}"
            f"{rng.choice(['', ' EXTENSION', ' WHERE value > 1'])}",
            f"CREATE ROLLUP {name} FROM {rng.choice(['FT', 'nosuch', name])} INTERVAL {rng.choice(INTS)} HOUR",
            f"DROP ROLLUP {name}", f"ALTER ROLLUP {name} {rng.choice(['START', 'STOP', 'WAKEUP', 'FORCE'])}",
            f"ALTER ROLLUP {name} SET WAKEUP INTERVAL {rng.choice(INTS)} {rng.choice(['SEC', 'MIN'])}",
            f"EXEC ROLLUP_FORCE({rng.choice(['FT', name, self.literal()])})",
            f"EXEC TABLE_FLUSH({rng.choice(['FT', name, self.literal()])})",
            f"EXEC NOSUCH({self.literal()})",
        ])

    def users(self):
        rng = self.rng
        name = _name_pool(rng)
        password = rng.choice(["pw", "'x'", '"p w"', "123", "'" + "p" * 2000 + "'", "''", "NULL"])
        return rng.choice([f"CREATE USER {name} IDENTIFIED BY {password}", f"DROP USER {name}",
                           f"ALTER USER {name} IDENTIFIED BY {password}",
                           f"CREATE USER {name} IDENTIFIED BY {password} PASSWORD POLICY HIGH"])

    def misc_statement(self):
        rng = self.rng
        name = rng.choice(["FT", "FL", "FK", "FV", "nosuch", _name_pool(rng)])
        return rng.choice([f"DESC {name}", f"SHOW TABLE {name}", "SHOW TABLES", "SHOW USERS", f"SHOW {name}",
                           f"TRUNCATE TABLE {name}", f"DROP TABLE {name}", f"EXPLAIN {self.select(1)}",
                           f"SELECT * FROM {name} LIMIT {rng.choice(INTS)}", f"SELECT {self.expr()}",
                           f"SELECT {self.expr()} FROM {name}", "", ";;", "SELECT", "  ", "-- comment",
                           "/* unterminated", "'unterminated", '"unterminated', "SELECT 1 #", "SELECT ?"])

    def mutate_text(self, text):
        """Cut, repeat, swap or add bits of ``text`` (characters or words)."""
        rng = self.rng
        words = text.split(" ")
        for _ in range(rng.randint(1, 3)):
            op = rng.randrange(6)
            i = rng.randrange(len(words)) if words else 0
            if op == 0 and words:
                del words[i]
            elif op == 1 and words:
                words.insert(i, words[i])
            elif op == 2 and len(words) > 1:
                j = rng.randrange(len(words))
                words[i], words[j] = words[j], words[i]
            elif op == 3:
                words.insert(i, rng.choice(["(", ")", ",", "'", '"', "*", "--", "/*", "NULL", "SELECT", ";", "\x00",
                                            "\\", "é", "%", "?", "ROLLUP", "9" * 40, "1e999", "METADATA"]))
            elif op == 4 and words:
                w = words[i]
                k = rng.randrange(len(w) + 1)
                words[i] = w[:k] + rng.choice("()'\",;*%?\\\x00é") + w[k:]
            elif words:
                words[i] = words[i][: rng.randrange(len(words[i]) + 1)]
        return " ".join(words)

    # -- JSON append -----------------------------------------------------------------------------------

    def cell(self):
        rng = self.rng
        return rng.choice([
            "a", "b", "", "2021-01-01 00:00:00", "2021-01-01 00:52:43", "2021-01-01 00:00:00 000:000:000",
            "now + 9999999999999d", "now - 1h", "now", "9999-12-31 23:59:59", "1969-01-01 00:00:00", "2021-02-30",
            "x" * 300, "10.0.0.1", "::1", "1.5", "inf", "NaN", "-", "AAECAw==", "!!", 1, 0, -1, 1.5, -1e308, 1e308,
            2 ** 63, -(2 ** 63) - 1, 2 ** 64, 10 ** 40, 1700000000000000000, True, False, None, [], {}, [1, 2],
            {"a": 1}, "é中文", "\u0000"])

    def row(self):
        rng = self.rng
        shape = rng.random()
        if shape < 0.1:
            return rng.choice([None, 1, "row", {}, {"name": "a"}])
        if shape < 0.45:  # a good-looking tag row with one odd cell
            row = [rng.choice(["a", "b", "z"]), rng.choice(["2021-01-01 00:00:00", "2021-01-01 00:52:43"]),
                   rng.choice([1.5, 2, -3])]
            row[rng.randrange(3)] = self.cell()
            return row
        if shape < 0.6:  # a row for FX, every type of column
            return [self.cell() for _ in range(15)]
        return [self.cell() for _ in range(rng.choice([0, 1, 2, 3, 3, 3, 4, 7]))]

    def append_doc(self):
        rng = self.rng
        doc = {}
        if rng.random() < 0.9:
            doc["name"] = rng.choice(["FT", "FT", "FL", "FK", "FV", "FX", "FX", "ft", "nosuch", "", 1, None, [], {},
                                      True,
                                      "x" * rng.choice([128, 129, 1000]), "v$rollup"])
        if rng.random() < 0.95:
            doc["values"] = rng.choice([[self.row() for _ in range(rng.randint(0, 6))]] * 6 +
                                       [None, "x", {}, 1, [[]], [[None] * 3]])
        if rng.random() < 0.4:
            doc["date_format"] = rng.choice(DATE_FORMATS + [{"a": "x"}, ["x"], 1, 1.5, True, None, [], {}])
        if rng.random() < 0.05:
            doc["extra"] = {"deep": [1, {"x": None}]}
        return doc

    def json_append(self):
        rng = self.rng
        if rng.random() < 0.7:
            path = "/machbase"
        else:
            path = "/machiot/datapoints/raw/" + rng.choice(["FT", "FL", "nosuch", "x" * 600, "%ZZ", "FT%00"])
        if rng.random() < 0.12:
            body = rng.choice([b"", b"{", b"[]", b"null", b"1", b"\xff\xfe", b'{"name": "FT", "values": [', b"[" * 5000,
                               b'{"name":"FT","values":[["a","2021-01-01 00:00:00",1e999]]}',
                               b'{"name":"FT","values":[["a","2021-01-01 00:00:00",NaN]]}'])
            return Request("POST", path, body, {"Content-Type": rng.choice(["application/json", "text/plain"])})
        doc = self.append_doc()
        if path != "/machbase":
            doc.pop("name", None)
        return _post_json(path, doc)

    # -- /machiot ----------------------------------------------------------------------------------------

    def machiot_arg(self, kind):
        rng = self.rng
        pools = {
            "table": ["FT", "FT", "ft", "FL", "FK", "nosuch", "x" * 600, "%ZZ", "%00", "FT%2F", "v%24rollup"],
            "tags": ["a", "a,b", "b", "zz", "a,,b", ",", "%2C", "%ZZ", "x" * 600, "a%2Cb", "%00", "é", "a,nosuch"],
            "time": ["2021-01-01", "2021-01-01T00:00:00,000", "2021-01-01 00:00:00", "now", "now - 1h",
                     "now + 99999999999999d", "now - 99999999999999999999d", "2021-13-01", "9999-99-99", "-1",
                     "1e99", "1969-01-01", "2021-01-01T00:00:00,9999999999", "x", "%ZZ", "2021-01-01+00:00:00",
                     "9" * 30, "0"],
            "direction": ["0", "1", "2", "3", "-1", "x", ""],
            "count": ["0", "1", "5", "-1", "99999999999999999999999", "1e3", "٣", "x", "4294967296"],
            "mode": ["min", "max,sum", "count,avg", "SUM", "x", "min,,max", "avg,avg"],
            "itype": ["sec", "min", "hour", "day", "x", ""],
            "ivalue": ["1", "5", "60", "0", "7", "-5", "99999999999999999999", "x"],
        }
        return rng.choice(pools[kind])

    def machiot(self):
        rng = self.rng
        prefix = rng.choice(["/machiot", "/machiot/v1", "/machiot-rest-api", "/machiot-rest-api/v1", "/machiot/v2"])
        a = self.machiot_arg
        shapes = [
            ("GET", ["datapoints", "raw", a("table"), a("tags"), a("time"), a("time"), a("direction"), a("count"),
                     a("count")]),
            ("GET", ["datapoints", "calculated", a("table"), a("tags"), a("time"), a("time"), a("mode"), a("count"),
                     a("itype"), a("ivalue")]),
            ("DELETE", ["datapoints", "raw", a("table"), a("tags"), a("time")]),
            ("DELETE", ["datapoints", "raw", a("table"), a("time")]),
            ("GET", ["tags", rng.choice(["range", "min", "max", "first", "last", "count", "cnt", "disksize", "nope"]),
                     a("table"), a("tags")]),
            ("GET", ["tags", "list", a("table"), a("tags")]),
            ("POST", ["tags", "list", a("table")]),
            ("PUT", ["tags", "list", a("table"), a("tags")]),
            ("DELETE", ["tags", "list", a("table"), a("tags")]),
            ("GET", ["rollup", a("table")]),
            ("POST", ["datapoints", "raw", a("table")]),
        ]
        method, segs = rng.choice(shapes)
        if rng.random() < 0.1:
            method = rng.choice(["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"])
        cut = rng.randint(2, len(segs)) if rng.random() < 0.5 else len(segs)
        segs = segs[:cut]
        if rng.random() < 0.1:
            segs.insert(rng.randrange(len(segs) + 1), rng.choice(["", "x", "..", "%2e%2e"]))
        query = []
        if rng.random() < 0.3:
            for name in rng.sample(["Table", "TagNames", "Start", "End", "Count", "Direction", "f", "s", "m",
                                    "IntervalType", "IntervalValue", "CalculationMode", "BeforeTime", "x"], 3):
                query.append(f"{name}={rng.choice([a('time'), a('count'), a('tags'), 'FT', '', '%ZZ', 'YYYY'])}")
        target = prefix + "/" + "/".join(_raw(s) for s in segs) + ("?" + "&".join(_raw(q) for q in query) if query
                                                                      else "")
        body = b""
        headers = {}
        if method in ("POST", "PUT", "PATCH"):
            if rng.random() < 0.15:
                body = rng.choice([b"", b"{", b"[]", b"null", b"\xff"])
            elif segs[:2] == ["tags", "list"] and method == "POST":
                body = json.dumps({"values": [[self.cell() for _ in range(rng.randint(0, 4))]
                                              for _ in range(rng.randint(0, 3))]}).encode()
            elif segs[:2] == ["tags", "list"]:
                body = json.dumps({rng.choice(["loc", "n", "name", "nosuch", "LOC", ""]): self.cell()
                                   for _ in range(rng.randint(0, 3))}).encode()
            else:
                doc = self.append_doc()
                doc.pop("name", None)
                body = json.dumps(doc).encode()
            headers["Content-Type"] = "application/json"
        return Request(method, target, body, headers, "machbase")

    # -- InfluxDB / Kapacitor --------------------------------------------------------------------------

    LP_LINES = [b"cpu,host=a usage=1.5 1700000000", b"cpu,host=a,region=eu usage=2i,ok=true,msg=\"x\" 1700000001",
                b"mem free=1u", b"disk,path=/ used=1e308", b"weather,city=x temp=-3.5 1700000000000000000",
                b"a.b,x=1 value=1 1700000000", b"cpu usage=1"]
    LP_BITS = [b",", b"=", b" ", b"\\", b'"', b"\n", b"i", b"u", b"t", b"9e999", b"-", b"99999999999999999999999",
               b"\x00", b"\xff", b"#", b"=,", b"1.2.3", b"NaN", b"\t", b"\r"]

    def line_protocol(self):
        rng = self.rng
        lines = []
        for _ in range(rng.randint(1, 4)):
            line = bytearray(rng.choice(self.LP_LINES))
            for _ in range(rng.choice([0, 1, 1, 2, 3])):
                k = rng.randrange(len(line) + 1)
                op = rng.randrange(3)
                if op == 0 and line:
                    del line[k:k + rng.randint(1, 4)]
                elif op == 1:
                    line[k:k] = rng.choice(self.LP_BITS)
                else:
                    line[k:k] = rng.choice([b"x" * 70000, b"m" * 600, b" 99999999999999999999",
                                            b" -9223372036854775809", b" 1e18", b"," + b"k=v," * 300 + b"z=1"])[
                        : rng.choice([10, 700, 70000])]
            lines.append(bytes(line))
        body = b"\n".join(lines)
        door = rng.choice(["/write", "/write", "/api/v2/write", "/kapacitor/v1/write"])
        params = {}
        key_db = "bucket" if door == "/api/v2/write" else "db"
        if rng.random() < 0.9:
            params[key_db] = rng.choice(["fdb", "fdb", "FT", "ft", "FL", "nosuch_db", "", "d b", "x" * 600, "é",
                                         "fdb/autogen", "_internal", "a\x01"])
        if rng.random() < 0.4:
            params["precision"] = rng.choice(["s", "ms", "u", "ns", "n", "m", "h", "us", "x", "", "S"])
        if rng.random() < 0.2:
            params["rp"] = rng.choice(["autogen", "nosuch", "", "x" * 300, "week"])
        if door == "/api/v2/write" and rng.random() < 0.5:
            params["org"] = rng.choice(["o", ""])
        headers = {"Content-Type": "text/plain"}
        if rng.random() < 0.1:
            headers["Content-Encoding"] = "gzip"
            body = gzip.compress(body) if rng.random() < 0.5 else body
        family = "kapacitor" if door.startswith("/kapacitor") else "influx"
        return Request("POST", door + "?" + urllib.parse.urlencode(params), body, headers, family)

    def influxql(self):
        rng = self.rng
        db = rng.choice(["fdb", "nosuch", '"fdb"', "x" * 300, '""', "é", "FT"])
        rp = rng.choice(["autogen", "week", "r1", '"r p"', "x" * 300])
        dur = rng.choice(["1h", "0s", "1ns", "INF", "99999999999999999999h", "9223372036854775807ns", "-1h", "1x",
                          "1d", "52w", "1000000000w"])
        n = rng.choice(INTS)
        regex = rng.choice(["/cpu/", "/[/", "/(?P<x/", "/.*/", "//", "/\\/"])
        statements = [
            "SHOW DATABASES", f"CREATE DATABASE {db}", f"CREATE DATABASE {db} WITH DURATION {dur} REPLICATION {n}",
            f"CREATE DATABASE {db} WITH DURATION {dur} SHARD DURATION {dur} NAME {rp}", f"DROP DATABASE {db}X",
            f"SHOW RETENTION POLICIES ON {db}", f"CREATE RETENTION POLICY {rp} ON {db} DURATION {dur} REPLICATION {n}",
            f"CREATE RETENTION POLICY {rp} ON {db} DURATION {dur} REPLICATION 1 SHARD DURATION {dur} DEFAULT",
            f"ALTER RETENTION POLICY {rp} ON {db} DURATION {dur}", f"ALTER RETENTION POLICY {rp} ON {db} DEFAULT",
            f"DROP RETENTION POLICY {rp} ON {db}", f"SHOW MEASUREMENTS ON {db} WITH MEASUREMENT =~ {regex} LIMIT {n}",
            f"SHOW MEASUREMENTS LIMIT {n} OFFSET {n}", f"SHOW SERIES ON {db} FROM cpu WHERE host = 'a' LIMIT {n}",
            f"SHOW TAG KEYS ON {db} FROM {regex}", f"SHOW TAG VALUES ON {db} WITH KEY = host",
            f"SHOW TAG VALUES WITH KEY =~ {regex} WHERE host =~ {regex}", f"SHOW FIELD KEYS ON {db} FROM cpu",
            f"SELECT * FROM cpu WHERE time > now() - {dur}", "SELECT", f"DROP SERIES FROM cpu", "DROP MEASUREMENT cpuX",
            f"DELETE FROM cpu WHERE time < {n}", "SHOW", "CREATE", ";", "SHOW MEASUREMENTS WHERE",
            f"SHOW TAG VALUES ON {db} WITH KEY IN (host, {rp})", f"SHOW SERIES LIMIT {n} OFFSET -1",
        ]
        text = rng.choice(statements)
        if rng.random() < 0.3:
            text = self.mutate_text(text)
        if rng.random() < 0.1:
            text += "; " + rng.choice(statements)
        params = {"q": text}
        for name, pool in (("db", ["fdb", "nosuch", "", "x" * 300]), ("rp", ["autogen", "", "nosuch"]),
                           ("epoch", ["ms", "x", "", "ns"]), ("pretty", ["true", "x"]),
                           ("chunked", ["true", "x"]), ("chunk_size", ["-1", "0", "99999999999999999999", "x"])):
            if rng.random() < 0.2:
                params[name] = rng.choice(pool)
        if rng.random() < 0.05:
            params.pop("q")
        if rng.random() < 0.3:
            return Request("POST", "/query", urllib.parse.urlencode(params).encode(),
                           {"Content-Type": "application/x-www-form-urlencoded"}, "influx")
        return Request(rng.choice(["GET", "GET", "POST"]), "/query?" + urllib.parse.urlencode(params), family="influx")

    def garbage(self):
        """Odd methods, paths and headers on any door."""
        rng = self.rng
        target = rng.choice(["/machbase", "/machbase?q=", "/machbase?q=%ZZ", "/machbase?q=select%00", "/write",
                             "/query", "/machiot", "/machiot/", "/nosuch", "/machbase/x", "/kapacitor/v1/write",
                             "/api/v2/write", "/ping?verbose=x", "/machbase?q=" + "A" * 9000, "/%ZZ"])
        method = rng.choice(["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"])
        headers = rng.choice([{}, {"Authorization": "Basic !!!"}, {"Authorization": "Bearer x"},
                              {"Content-Type": "application/json; charset=x"}, {"Content-Encoding": "br"}])
        family = "influx" if target.startswith(("/write", "/query", "/api", "/ping")) else \
            "kapacitor" if target.startswith("/kapacitor") else \
            "none" if target.startswith(("/nosuch", "/%", "/machbase/")) else "machbase"
        return Request(method, target, rng.choice([b"", b"x", b"{}"]) if method != "GET" else b"", headers, family)


def _raw(text):
    """Percent-encode what HTTP cannot carry in a path (blanks, non-ASCII), keeping odd ``%`` escapes."""
    return urllib.parse.quote(text, safe="%,:+=$/")


def _touches_canary(req):
    text = (urllib.parse.unquote_plus(req.target) + req.body.decode("utf-8", "replace")).upper()
    return any(word in text for word in CANARY_NAMES)


# -- sending and checking ------------------------------------------------------------------------------

class Client:
    """One keep-alive connection to the server (reopened after any transport error)."""

    def __init__(self, url, timeout=60.0):
        parts = urllib.parse.urlsplit(url)
        self.host, self.port = parts.hostname, parts.port or 80
        self.timeout = timeout
        self.conn = None

    def send(self, req):
        """Send ``req``; return ``(status, headers dict (lower-case names), body)``."""
        for attempt in (0, 1):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                headers = dict(req.headers)
                if req.body or req.method in ("POST", "PUT", "PATCH"):
                    headers.setdefault("Content-Length", str(len(req.body)))
                self.conn.request(req.method, req.target, body=req.body or None, headers=headers)
                resp = self.conn.getresponse()
                body = resp.read()
                out = resp.status, {k.lower(): v for k, v in resp.getheaders()}, body
                if resp.getheader("Connection", "").lower() == "close":
                    self.close()
                return out
            except (http.client.HTTPException, OSError):
                self.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def send(url, req, timeout=60.0):
    """Send one request on a fresh connection; return ``(status, headers, body)``."""
    client = Client(url, timeout)
    try:
        return client.send(req)
    finally:
        client.close()


def check(req, status, headers, body):
    """Return what is wrong with the answer to ``req`` (a short text), or None when it is fine."""
    if status >= 500:
        return f"HTTP {status}"
    if req.method == "HEAD" or status in (204, 304) or (req.method == "OPTIONS" and status < 300):
        return None
    try:
        doc = json.loads(body) if body else None
    except ValueError:
        doc = None
    if req.family == "machbase":
        if not (isinstance(doc, dict) and isinstance(doc.get("error_code"), int)
                and isinstance(doc.get("error_message"), str)):
            return f"HTTP {status}: not a Machbase envelope"
        if status >= 400 and doc["error_code"] == 0:
            return f"HTTP {status} with error_code 0"
        return None
    if status < 400:
        return None
    if isinstance(doc, dict) and isinstance(doc.get("error"), str):
        return None
    if req.family == "kapacitor" and body.endswith(b"\n") and headers.get("content-type", "").startswith("text/plain"):
        return None
    return f"HTTP {status}: error body not in the {req.family} format"


def verify_canary(url):
    """Return the list of differences between the canary data and what the server now answers."""
    problems = []

    def rows(sql):
        status, _, body = send(url, _get(sql, m="1"))
        doc = json.loads(body) if status == 200 else {}
        return doc.get("data") if isinstance(doc, dict) else None

    got = rows("select * from KEEPTAG order by time")
    if got != CANARY_ROWS:
        problems.append(f"KEEPTAG rows: {got!r}")
    got = rows("select name, loc from KEEPTAG metadata")
    if got != [["keep-1", "busan"]]:
        problems.append(f"KEEPTAG metadata: {got!r}")
    got = rows("select * from KEEPLOG")
    if got != [["kept", 42]]:
        problems.append(f"KEEPLOG rows: {got!r}")
    got = rows("select * from KEEPLK")
    if got != [[7, "seven"]]:
        problems.append(f"KEEPLK rows: {got!r}")
    status, _, body = send(url, Request("GET", "/query?" + urllib.parse.urlencode(
        {"q": "SHOW SERIES ON keepdb; SHOW FIELD KEYS ON keepdb"}), family="influx"))
    try:
        results = json.loads(body)["results"]
        series = results[0]["series"][0]["values"]
        fields = sorted(tuple(v) for v in results[1]["series"][0]["values"])
    except (ValueError, KeyError, IndexError, TypeError):
        series = fields = None
    if series != [["keep,host=k"]] or fields != [("n", "integer"), ("v", "float")]:
        problems.append(f"keepdb schema: HTTP {status} {body[:300]!r}")
    return problems
