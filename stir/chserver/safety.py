"""What a request may do, checked before the engine sees it: header values, query ids,
read-only GETs, admin statements, file-system confinement of `file()` and friends, and
the bounded reading of query text (ClickHouse's `max_query_size`)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from itertools import chain
from pathlib import Path

from .errors import ACCESS_DENIED, BAD_ARGUMENTS, DATABASE_ACCESS_DENIED, READONLY, SYNTAX_ERROR, ServerError
from .sqltext import _Lexer, call_argument

DEFAULT_MAX_QUERY_SIZE = 262144  # ClickHouse's default max_query_size
# Statements a read-only (GET, readonly=1/2 or readonly user) request may run.
READ_KINDS = frozenset({"SELECT", "WITH", "SHOW", "DESCRIBE", "DESC", "EXISTS", "EXPLAIN", "CHECK", "USE", "SET",
                        "(", ""})
ADMIN_KINDS = frozenset({"SYSTEM", "KILL", "GRANT", "REVOKE"})
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def header_value(value: str) -> str:
    """No CR, LF or other control character ever reaches a response header."""
    return _CONTROL.sub("", value)


def check_query_id(query_id: str) -> str:
    if _CONTROL.search(query_id) or len(query_id) > 256:
        raise ServerError(BAD_ARGUMENTS, "query_id must be at most 256 printable characters")
    return query_id


def check_readonly(kind: str, readonly: str, settings_in_request: bool = False) -> None:
    """ClickHouse's readonly=1/2 check; `settings_in_request` is a readonly=1 request that
    also tries to change settings."""
    if readonly in ("0", ""):
        return
    if kind not in READ_KINDS or (kind == "SET" and readonly == "1") or settings_in_request:
        raise ServerError(READONLY, "Cannot execute query in readonly mode")


def check_admin(kind: str, is_admin: bool) -> None:
    if kind in ADMIN_KINDS and not is_admin:
        raise ServerError(ACCESS_DENIED, f"{kind} statements need an admin user (access_management)")


def read_query(chunks: Iterator[bytes], limit: int) -> tuple[bytes, Iterator[bytes]]:
    """At most `limit` + 1 bytes of the body, and the rest still unread: the caller
    analyses only the bounded head (an INSERT's data then streams from the rest)."""
    head = bytearray()
    for chunk in chunks:
        head += chunk
        if len(head) > limit:
            extra = bytes(head[limit + 1:])
            del head[limit + 1:]
            return bytes(head), chain([extra] if extra else [], chunks)
    return bytes(head), iter(())


def too_long(limit: int) -> ServerError:
    return ServerError(SYNTAX_ERROR, f"Max query size exceeded (can be increased with the `max_query_size` "
                                     f"setting): the query is longer than {limit} bytes")


# Table functions and engines that reach the server's file system or run programs.
_FILE_FUNCS = {"file": 0, "filecluster": 1}
_FORBIDDEN_FUNCS = {"executable", "python", "executablepool"}


def _unquote(text: str) -> str:
    body = text[1:-1]
    return re.sub(r"\\(.)|''", lambda m: m.group(1) or "'", body)


def sql_literal(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _confined(path: str, user_files: Path) -> str:
    root = os.path.normpath(str(user_files))
    full = os.path.normpath(path if os.path.isabs(path) else os.path.join(root, path))
    if full != root and not full.startswith(root + os.sep):
        raise ServerError(DATABASE_ACCESS_DENIED, f"File {path!r} is not inside {root}")
    return full


def confine_files(sql: str, user_files: Path) -> str:
    """Paths of `file()`/`fileCluster()`/`File` engines resolved inside user_files
    (relative ones rewritten to absolute, as ClickHouse resolves them); anything else,
    `INTO OUTFILE`, `FROM INFILE` and program-running functions refused. The lexer is
    linear in the (already bounded) text."""
    lex = _Lexer(sql)
    toks = []
    while (tok := lex.next()) is not None:
        toks.append(tok)
    edits: list[tuple[int, int, str]] = []
    for i, tok in enumerate(toks):
        if tok.kind != "word":
            continue
        word = tok.text.lower()
        nxt = toks[i + 1].text.upper() if i + 1 < len(toks) else ""
        if word == "into" and nxt == "OUTFILE" or word == "from" and nxt == "INFILE":
            raise ServerError(ACCESS_DENIED, f"{tok.text.upper()} {nxt} is not allowed on this server")
        if nxt != "(":
            continue
        if word in _FORBIDDEN_FUNCS:
            raise ServerError(ACCESS_DENIED, f"{tok.text}() is not allowed on this server")
        position = _FILE_FUNCS.get(word, 1 if tok.text == "File" else None)
        if position is None:
            continue
        arg = call_argument(toks, i + 2, position)
        if arg is None:
            if tok.text == "File":
                continue  # File(format): the table's own file in the data directory
            raise ServerError(DATABASE_ACCESS_DENIED, f"{tok.text}() needs a path")
        if len(arg) != 1 or arg[0].kind != "string":
            raise ServerError(DATABASE_ACCESS_DENIED, f"{tok.text}() path must be a string literal on this server")
        full = _confined(_unquote(arg[0].text), user_files)
        edits.append((arg[0].start, arg[0].end, sql_literal(full)))
    for start, end, text in reversed(edits):
        sql = sql[:start] + text + sql[end:]
    return sql


SECRET_PATTERN = (r"(?i)\b(s3|s3Cluster|url|urlCluster|S3Queue|azureBlobStorage|gcs|oss|cosn|deltaLake|iceberg|hudi"
                  r"|mysql|postgresql|mongodb|redis|remote|remoteSecure)\s*\(\s*('(?:[^'\\]|\\.)*'|[^,()]*)"
                  r"[^()]*(?:\([^()]*\)[^()]*)*\)")
_SECRET_CALL = re.compile(SECRET_PATTERN)


def mask_secrets(sql: str) -> str:
    """Arguments after the first (the URL) of credential-bearing table functions and
    engines replaced, for the query log and system.processes as ClickHouse does."""
    return _SECRET_CALL.sub(lambda m: f"{m.group(1)}({m.group(2)}, '[HIDDEN]')", sql)
