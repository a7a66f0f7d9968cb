"""The client's query_id, end to end. The engine picks its own ids, so each statement
carries the client's id in a trailing comment; `system.processes` is read through a
view that shows the client's id (and the query text without secrets), `KILL QUERY`
conditions are evaluated on that view, and a client that disconnects has its query
killed by that id. Two running queries with the same id are refused, as ClickHouse does."""

from __future__ import annotations

import json
import logging
import re
import select
import socket
import threading
import time
from collections.abc import Callable

from .errors import ServerError
from .querylog import TABLE as QUERY_LOG_TABLE
from .safety import SECRET_PATTERN, mask_secrets, sql_literal
from .sqltext import Token, _Lexer

log = logging.getLogger("stir.chserver.queryids")

QUERY_WITH_SAME_ID_IS_ALREADY_RUNNING = (216, "QUERY_WITH_SAME_ID_IS_ALREADY_RUNNING")
_MARK = "/* stir-qid:"


def marker(query_id: str) -> str:
    """What identifies the query's text in system.processes (the id ends at the space)."""
    return f"{_MARK}{query_id.encode().hex()} "


def mark(sql: str, query_id: str, before: int | None = None, user: str = "") -> str:
    """The id and the authenticated user as a comment at the end, or at `before` (ahead
    of an INSERT's VALUES data)."""
    comment = f"{marker(query_id)}u:{user.encode().hex()} */"
    if before is not None:
        return f"{sql[:before]} {comment} {sql[before:]}"
    return f"{sql}\n{comment}"


_ID_RE = sql_literal(r"/[*] stir-qid:([0-9a-f]*) u:[0-9a-f]* [*]/")
_USER_RE = sql_literal(r"/[*] stir-qid:[0-9a-f]* u:([0-9a-f]*) [*]/")
_STRIP_RE = sql_literal("\n?" + r"/[*] stir-qid:[0-9a-f]* u:[0-9a-f]* [*]/")
_HIDE = sql_literal(r"\1(\2, '[HIDDEN]')")


def _view(extra_engine_id: bool) -> str:
    marked = f"position(query, {sql_literal(_MARK)}) > 0"
    qid = f"if({marked}, unhex(extract(query, {_ID_RE})), query_id)"
    # the authenticated user, not the engine's own (which runs every statement)
    user = f"if({marked}, unhex(extract(query, {_USER_RE})), user)"
    text = f"replaceRegexpAll(replaceRegexpAll(query, {_STRIP_RE}, ''), {sql_literal(SECRET_PATTERN)}, {_HIDE})"
    source = "(SELECT *, query_id AS _engine_query_id FROM system.processes)" if extra_engine_id \
        else "system.processes"
    return f"(SELECT * REPLACE ({qid} AS query_id, {text} AS query, {user} AS user) FROM {source})"


def _tokens(sql: str) -> list[Token]:
    lex, out = _Lexer(sql), []
    while (tok := lex.next()) is not None:
        out.append(tok)
    return out


def _name(tok: Token) -> str:
    return tok.text[1:-1] if tok.kind == "quoted" else tok.text


def kill_condition(sql: str) -> tuple[str, str] | None:
    """(condition, mode) of `KILL QUERY WHERE condition [SYNC|ASYNC|TEST]`, else None."""
    toks = _tokens(sql)
    if len(toks) > 3 and toks[0].text.upper() == "KILL" and toks[1].text.upper() == "QUERY" \
            and toks[2].text.upper() == "WHERE":
        end, mode = len(toks), ""
        if end > 5 and toks[end - 2].text.upper() == "FORMAT":
            end -= 2  # the answer is re-rendered in that format (respond.py); the engine's is JSON
        if toks[end - 1].text.upper() in ("SYNC", "ASYNC", "TEST"):
            end -= 1
            mode = " " + toks[end].text.upper()
        return sql[toks[3].start:toks[end - 1].end], mode
    return None


def others_matching(cond: str, user: str) -> str:
    """How many running queries of other users `cond` selects (a plain user's KILL skips them)."""
    return (f"SELECT count() FROM {_view(False)} WHERE ({cond}) AND user != {sql_literal(user)} "
            "AND query_id != queryID()")


def rewrite(sql: str, kind: str, own_user: str | None = None) -> str:
    """`system.processes` read through the client-id view; `KILL QUERY WHERE c` kills
    what matches `c` on that view (only `own_user`'s queries when given)."""
    lowered = sql.lower()
    if "processes" not in lowered and "query_log" not in lowered and kind != "KILL":
        return sql
    killing = kill_condition(sql) if kind == "KILL" else None
    if killing is not None:
        cond, mode = killing
        if own_user is not None:
            cond = f"({cond}) AND user = {sql_literal(own_user)}"
        return f"KILL QUERY WHERE query_id IN (SELECT _engine_query_id FROM {_view(True)} WHERE {cond}){mode}"
    toks = _tokens(sql)
    edits = []
    for i in range(len(toks) - 2):
        a, dot, b = toks[i], toks[i + 1], toks[i + 2]
        if _name(a).lower() == "system" and dot.text == "." and _name(b).lower() in ("processes", "query_log"):
            edits.append((a.start, b.end, _view(False) if _name(b).lower() == "processes" else QUERY_LOG_TABLE))
    for start, end, text in reversed(edits):
        sql = sql[:start] + text + sql[end:]
    return sql


_USER_FUNCS = {"currentuser", "user", "current_user", "sessionuser", "authenticateduser"}


def with_user(sql: str, user: str) -> str:
    """`currentUser()` and its aliases answer the authenticated user, not the engine's."""
    lowered = sql.lower()
    if "user" not in lowered:
        return sql
    toks = _tokens(sql)
    edits = []
    for i in range(len(toks) - 2):
        a, b, c = toks[i], toks[i + 1], toks[i + 2]
        if a.kind == "word" and a.text.lower() in _USER_FUNCS and b.text == "(" and c.text == ")":
            edits.append((a.start, c.end))
    for start, end in reversed(edits):
        sql = sql[:start] + sql_literal(user) + sql[end:]
    return sql


class Running:
    """Ids of running queries, and one thread watching their clients' sockets."""

    def __init__(self, kill: Callable[[str], None]):
        self._kill = kill
        self._ids: set[str] = set()
        self._socks: dict[socket.socket, str] = {}
        self._lock = threading.Lock()
        self._wake = threading.Event()
        threading.Thread(target=self._watch, name="chserver-disconnect-watch", daemon=True).start()

    def start(self, query_id: str, sock: socket.socket | None) -> None:
        with self._lock:
            if query_id in self._ids:
                raise ServerError(QUERY_WITH_SAME_ID_IS_ALREADY_RUNNING,
                                  f"Query with id = {query_id} is already running")
            self._ids.add(query_id)
            if sock is not None:
                self._socks[sock] = query_id
                self._wake.set()

    def finish(self, query_id: str, sock: socket.socket | None) -> None:
        with self._lock:
            self._ids.discard(query_id)
            if sock is not None:
                self._socks.pop(sock, None)

    def _watch(self) -> None:
        while True:
            try:
                self._watch_once()
            except Exception:  # this thread must outlive any one bad socket
                log.warning("disconnect watch hiccup", exc_info=True)
                time.sleep(0.2)

    def _watch_once(self) -> None:
        with self._lock:
            socks = list(self._socks)
        if not socks:
            self._wake.wait(1.0)
            self._wake.clear()
            return
        for sock in _readable(socks, 0.2):
            gone = client_gone(sock, polled=True)
            with self._lock:
                query_id = self._socks.pop(sock, None)  # readable: closed, or a pipelined request
            if gone and query_id is not None:
                log.info("client of query_id=%s disconnected; cancelling its query", query_id)
                # its own thread: a slow KILL must not hold up noticing the next disconnect
                threading.Thread(target=self._cancel, args=(query_id,), name="chserver-cancel", daemon=True).start()

    def _running(self, query_id: str) -> bool:
        with self._lock:
            return query_id in self._ids

    def _cancel(self, query_id: str, attempts: int = 3, grace: float = 5.0) -> None:
        # A KILL that finds no query is not an error. A query left running for a gone client
        # is what this exists to prevent, so a KILL counts only once the handler has let go
        # of the query: retry until then, and say so when it never happens.
        for attempt in range(1, attempts + 1):
            try:
                self._kill(query_id)
            except Exception:
                log.warning("KILL for query_id=%s failed (attempt %d)", query_id, attempt, exc_info=True)
            deadline = time.monotonic() + grace
            while time.monotonic() < deadline:
                if not self._running(query_id):
                    return
                time.sleep(0.05)
        log.warning("query_id=%s still running %.0f s after its client disconnected", query_id, attempts * grace)


def client_gone(sock: socket.socket, polled: bool = False) -> bool:
    """True when the peer has closed or reset the connection. Data waiting (a pipelined
    request) is not a hang-up. `polled`: the caller already knows the socket is readable."""
    try:
        if sock.fileno() < 0:
            return True
        if not polled and not _readable([sock], 0):
            return False
        return sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True


class HangupCheck:
    """The handler's own look at its client between result blocks, at most every `every`
    seconds: a hang-up stops the query even if the watch thread has not seen it yet."""

    def __init__(self, sock: socket.socket, every: float = 0.1):
        self._sock, self._every, self._next = sock, every, 0.0

    def __call__(self) -> bool:
        now = time.monotonic()
        if now < self._next:
            return False
        self._next = now + self._every
        return client_gone(self._sock)


def _readable(socks: list[socket.socket], timeout: float) -> list[socket.socket]:
    """Sockets with data or a hang-up. poll(), not select(): the engine keeps many files open,
    so client sockets get descriptors above select()'s FD_SETSIZE (1024) on a busy server."""
    poller, by_fd = select.poll(), {}
    for sock in socks:
        fd = sock.fileno()
        if fd < 0:
            return [sock]  # closed under us: let the caller drop it
        by_fd[fd] = sock
        poller.register(fd, select.POLLIN | select.POLLPRI | select.POLLHUP | select.POLLERR)
    return [by_fd[fd] for fd, _ in poller.poll(timeout * 1000) if fd in by_fd]


def kill_statement(query_id: str) -> str:
    found = marker(query_id)
    # two literals, so this statement's own text never contains (and matches) the marker
    return f"KILL QUERY WHERE position(query, concat({sql_literal(found[:5])}, {sql_literal(found[5:])})) > 0 ASYNC"


_MARK_RE = re.compile(r"\n?/\* stir-qid:([0-9a-f]*) u:([0-9a-f]*) \*/")


def client_text(query: str) -> tuple[str | None, str, str | None]:
    """(client id or None, query text without the id comment and without secrets, user or None)."""
    m = _MARK_RE.search(query)
    qid = bytes.fromhex(m.group(1)).decode(errors="replace") if m else None
    user = bytes.fromhex(m.group(2)).decode(errors="replace") if m else None
    return qid, mask_secrets(_MARK_RE.sub("", query)), user


def kill_report_sql(rows_json: bytes) -> str:
    """KILL QUERY's own result (kill_status, query_id, user, query) with the client's ids
    and masked text, re-rendered by the engine in whatever format was asked."""
    rows = []
    for line in rows_json.splitlines():
        row = json.loads(line)
        qid, text, user = client_text(row.get("query", ""))
        rows.append(json.dumps({"kill_status": row.get("kill_status", ""), "query_id": qid or row.get("query_id", ""),
                                "user": user or row.get("user", ""), "query": text}))
    data = sql_literal("\n".join(rows))
    return ("SELECT * FROM format(JSONEachRow, 'kill_status String, query_id String, user String, query String', "
            f"{data})")
