"""Per-user KILL QUERY, as in ClickHouse: a user without admin rights kills their own
queries, never another user's (refused with ACCESS_DENIED when only those matched);
system.processes, KILL's own answer and query_log show the authenticated user."""

from __future__ import annotations

import base64
import json
import socket
import time
import uuid
from urllib.parse import urlencode

from .httpraw import ADMIN_PW, USER_PW, request, wait_for

SLOW = "SELECT sleepEachRow(0.5) FROM numbers(100) SETTINGS max_block_size = 1"
APP = {"X-ClickHouse-User": "app", "X-ClickHouse-Key": USER_PW}
ADMIN = {"X-ClickHouse-User": "default", "X-ClickHouse-Key": ADMIN_PW}


def _start_slow(ch, query_id: str, user: str, password: str) -> socket.socket:
    sock = socket.create_connection((ch.host, ch.port), timeout=30)
    auth = base64.b64encode(f"{user}:{password}".encode()).decode()
    sock.sendall(f"POST /?{urlencode({'query_id': query_id})} HTTP/1.1\r\nHost: x\r\nAuthorization: Basic {auth}\r\n"
                 f"Content-Length: {len(SLOW)}\r\n\r\n{SLOW}".encode())
    return sock


def _running(ch, query_id: str) -> list[dict]:
    status, _, body = request(ch, f"SELECT query_id, user FROM system.processes WHERE query_id = '{query_id}' "
                                  "FORMAT JSONEachRow", headers=ADMIN)
    assert status == 200, body
    return [json.loads(line) for line in body.splitlines()]


def _cancelled(sock: socket.socket) -> bool:
    sock.settimeout(10)
    reply = b""
    while b"394" not in reply:
        data = sock.recv(65536)
        if not data:
            break
        reply += data
    return b"394" in reply or b"QUERY_WAS_CANCELLED" in reply


def test_user_kills_own_query_and_processes_show_the_user(strict):
    qid = f"own-{uuid.uuid4()}"
    sock = _start_slow(strict, qid, "app", USER_PW)
    try:
        assert wait_for(lambda: _running(strict, qid))
        assert _running(strict, qid) == [{"query_id": qid, "user": "app"}]
        # the user sees their own query under their name too
        status, _, body = request(strict, f"SELECT user FROM system.processes WHERE query_id = '{qid}'", headers=APP)
        assert status == 200 and body == b"app\n"
        status, headers, body = request(strict, f"KILL QUERY WHERE query_id = '{qid}' SYNC FORMAT JSONEachRow",
                                        headers=APP)
        assert status == 200, body
        row = json.loads(body.splitlines()[0])
        assert row["query_id"] == qid and row["user"] == "app"
        assert _cancelled(sock)
    finally:
        sock.close()
    assert wait_for(lambda: not _running(strict, qid))
    request(strict, "SYSTEM FLUSH LOGS", headers=ADMIN)
    status, _, body = request(strict, f"SELECT DISTINCT user FROM system.query_log WHERE query_id = '{qid}'",
                              headers=ADMIN)
    assert body == b"app\n"


def test_user_cannot_kill_another_users_query(strict):
    qid = f"adm-{uuid.uuid4()}"
    sock = _start_slow(strict, qid, "default", ADMIN_PW)
    try:
        assert wait_for(lambda: _running(strict, qid))
        assert _running(strict, qid)[0]["user"] == "default"
        status, headers, body = request(strict, f"KILL QUERY WHERE query_id = '{qid}' SYNC", headers=APP)
        assert status == 403 and headers["x-clickhouse-exception-code"] == "497", body
        assert b"ACCESS_DENIED" in body
        # a broad condition kills only the user's own queries: the admin's runs on
        status, _, body = request(strict, "KILL QUERY WHERE 1 SYNC", headers=APP)
        time.sleep(0.5)
        assert _running(strict, qid), body
        # the admin may kill anyone's
        status, _, body = request(strict, f"KILL QUERY WHERE query_id = '{qid}' SYNC", headers=ADMIN)
        assert status == 200 and qid.encode() in body
        assert _cancelled(sock)
    finally:
        sock.close()


def test_kill_of_nothing_is_not_an_error_for_a_plain_user(strict):
    status, _, body = request(strict, "KILL QUERY WHERE query_id = 'no-such-query'", headers=APP)
    assert status == 200 and body == b""


def test_streaming_insert_shows_the_user_and_its_owner_can_kill_it(strict):
    qid = f"ins-{uuid.uuid4()}"
    request(strict, "CREATE TABLE IF NOT EXISTS default.kill_ins (a UInt32) ENGINE = MergeTree ORDER BY a",
            headers=ADMIN)
    sock = socket.create_connection((strict.host, strict.port), timeout=30)
    auth = base64.b64encode(f"app:{USER_PW}".encode()).decode()
    try:
        sock.sendall(f"POST /?{urlencode({'query': 'INSERT INTO default.kill_ins FORMAT CSV', 'query_id': qid})} "
                     f"HTTP/1.1\r\nHost: x\r\nAuthorization: Basic {auth}\r\nTransfer-Encoding: chunked\r\n\r\n"
                     "2\r\n5\n\r\n".encode())
        assert wait_for(lambda: _running(strict, qid))
        assert _running(strict, qid) == [{"query_id": qid, "user": "app"}]
        # ASYNC: an insert blocked on its client's body cannot finish a SYNC kill. Whether the
        # engine then stops it before the rest of the body arrives is its own race, so this
        # checks what the server decides: the owner's KILL is accepted and names the query.
        status, _, body = request(strict, f"KILL QUERY WHERE query_id = '{qid}' ASYNC FORMAT JSONEachRow",
                                  headers=APP)
        assert status == 200, body
        row = json.loads(body.splitlines()[0])
        assert (row["query_id"], row["user"]) == (qid, "app")
    finally:
        sock.close()
    # the client going away ends it either way
    assert wait_for(lambda: not _running(strict, qid), timeout=20)
