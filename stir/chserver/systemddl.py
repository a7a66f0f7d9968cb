"""SHOW CREATE for system tables. chDB keeps no metadata for them ("There is no metadata
of table one in database system", code 60) where ClickHouse synthesizes the statement
from the table's structure; clients parse its column list and ENGINE clause (e.g.
clickhouse-connect's table structure tools). The same statement is rebuilt here from
the engine's own DESCRIBE and system.tables, only after the engine has failed."""

from __future__ import annotations

import json
import re

from .execute import _run, current_database
from .sqltext import _identifier, _Lexer

UNKNOWN_TABLE = 60
_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_ESCAPES = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\t": "\\t", "\r": "\\r", "\0": "\\0", "\b": "\\b", "\f": "\\f"}
_ENDS = {";", "FORMAT", "SETTINGS"}


def quote_string(value: str) -> str:
    return "'" + "".join(_ESCAPES.get(c, c) for c in value) + "'"


def _back_quote(name: str) -> str:
    return "`" + name.replace("\\", "\\\\").replace("`", "\\`") + "`"


def _name(name: str) -> str:
    """As ClickHouse's formatter prints a table identifier: bare when it can be."""
    return name if _PLAIN.match(name) else _back_quote(name)


def target(sql: str) -> tuple[str | None, str] | None:
    """(database or None, table) of `SHOW CREATE [TEMPORARY] [TABLE] [db.]t ...`."""
    lex = _Lexer(sql)
    toks = []
    while (tok := lex.next()) is not None and not (toks and tok.text.upper() in _ENDS and tok.kind == "word"
                                                   or tok.text == ";"):
        toks.append(tok)
    words = [t.text.upper() if t.kind == "word" else None for t in toks]
    if words[:2] != ["SHOW", "CREATE"]:
        return None
    rest = toks[2:]
    for keyword in ("TEMPORARY", "TABLE"):
        if rest and rest[0].kind == "word" and rest[0].text.upper() == keyword:
            rest = rest[1:]
    if len(rest) == 1 and rest[0].kind in ("word", "quoted"):
        return None, _identifier(rest[0])
    if len(rest) == 3 and rest[1].text == "." and all(t.kind in ("word", "quoted") for t in (rest[0], rest[2])):
        return _identifier(rest[0]), _identifier(rest[2])
    return None


def _column(row: list[str]) -> str:
    name, col_type, default_type, default_expr, comment, codec, ttl = (row + [""] * 7)[:7]
    text = f"    {_back_quote(name)} {col_type}"
    if default_type:
        text += f" {default_type} {default_expr}"
    if comment:
        text += f" COMMENT {quote_string(comment)}"
    if codec:
        text += f" CODEC({codec})"
    if ttl:
        text += f" TTL {ttl}"
    return text


def create_statement(conn, table: str) -> str | None:
    """ClickHouse's layout: columns one per line, then ENGINE and the table's COMMENT."""
    found = _run(conn, "SELECT engine, comment FROM system.tables WHERE database = 'system' AND name = "
                 + quote_string(table), "JSONCompactEachRow").bytes().strip()
    if not found:
        return None
    engine, comment = json.loads(found.splitlines()[0])
    described = _run(conn, f"DESCRIBE TABLE system.{_back_quote(table)}", "JSONCompactEachRow").bytes()
    columns = ",\n".join(_column(json.loads(line)) for line in described.splitlines() if line.strip())
    text = f"CREATE TABLE system.{_name(table)}\n(\n{columns}\n)\nENGINE = {engine}"
    return text + (f"\nCOMMENT {quote_string(comment)}" if comment else "")


def fallback(conn, sql: str, err) -> str | None:
    """A SELECT answering what ClickHouse would for a system table's SHOW CREATE, or
    None when this is not that case (user tables keep the engine's own answer/error)."""
    if getattr(err, "code", None) != UNKNOWN_TABLE:
        return None
    found = target(sql)
    if found is None or (found[0] or current_database(conn)) != "system":
        return None
    statement = create_statement(conn, found[1])
    return None if statement is None else f"SELECT {quote_string(statement)} AS statement"
