"""Sessions keep state; request-scoped settings and database never outlive a request."""

from __future__ import annotations

import threading
import time
import uuid

from .httpraw import request


def _q(ch, text, session=None, **params):
    if session:
        params["session_id"] = session
    return request(ch, text, params=params)


def test_session_keeps_use_set_and_temporary_tables(ch, db):
    sid = str(uuid.uuid4())
    assert _q(ch, f"USE {db}", sid)[0] == 200
    assert _q(ch, "SET max_threads = 3", sid)[0] == 200
    assert _q(ch, "CREATE TEMPORARY TABLE tmp (a UInt8)", sid)[0] == 200
    assert _q(ch, "INSERT INTO tmp VALUES (1), (2)", sid)[0] == 200
    assert _q(ch, "SELECT currentDatabase(), getSetting('max_threads'), (SELECT count() FROM tmp)", sid)[2] \
        == f"{db}\t3\t2\n".encode()
    # another session, and session-less requests, see none of it
    other = str(uuid.uuid4())
    assert _q(ch, "SELECT currentDatabase(), getSetting('max_threads') = 3", other)[2] == b"default\t0\n"
    status, headers, _ = _q(ch, "SELECT count() FROM tmp")
    assert status == 404 and headers["x-clickhouse-exception-code"] == "60"


def test_url_settings_do_not_leak(ch):
    sid = str(uuid.uuid4())
    base = _q(ch, "SELECT getSetting('max_block_size')", sid)[2]
    assert _q(ch, "SELECT getSetting('max_block_size')", sid, max_block_size="1234")[2] == b"1234\n"
    assert _q(ch, "SELECT getSetting('max_block_size')", sid)[2] == base
    # a session SET survives a request that overrode the same setting via the URL
    _q(ch, "SET max_block_size = 777", sid)
    assert _q(ch, "SELECT getSetting('max_block_size')", sid, max_block_size="55")[2] == b"55\n"
    assert _q(ch, "SELECT getSetting('max_block_size')", sid)[2] == b"777\n"
    # a SET right after a request that overrode settings lands on the session's own values
    _q(ch, "SELECT 1", sid, max_block_size="55", max_threads="1")
    _q(ch, "SET max_threads = 2", sid)
    assert _q(ch, "SELECT getSetting('max_block_size'), getSetting('max_threads')", sid)[2] == b"777\t2\n"
    # session-less
    assert _q(ch, "SELECT getSetting('max_block_size')", max_block_size="99")[2] == b"99\n"
    assert _q(ch, "SELECT getSetting('max_block_size')")[2] == base


def test_database_param_is_per_request(ch, db):
    sid = str(uuid.uuid4())
    _q(ch, f"CREATE TABLE {db}.only_here (a UInt8) ENGINE = Memory")
    assert _q(ch, "SELECT count() FROM only_here", sid, database=db)[2] == b"0\n"
    assert _q(ch, "SELECT currentDatabase()", sid)[2] == b"default\n"
    assert _q(ch, "SELECT currentDatabase()", database=db)[2] == f"{db}\n".encode()
    # the X-ClickHouse-Database header works the same way
    assert request(ch, "SELECT currentDatabase()", headers={"X-ClickHouse-Database": db})[2] == f"{db}\n".encode()


def test_session_check_unknown_session(ch):
    status, headers, body = _q(ch, "SELECT 1", str(uuid.uuid4()), session_check="1")
    assert status == 404 and headers["x-clickhouse-exception-code"] == "372"
    assert b"SESSION_NOT_FOUND" in body


def test_concurrent_request_on_locked_session(ch):
    sid = str(uuid.uuid4())
    marker = uuid.uuid4().hex
    _q(ch, "SELECT 1", sid)
    results = {}

    def slow():
        results["slow"] = _q(ch, f"SELECT sleepEachRow(0.5), '{marker}' FROM numbers(4) SETTINGS max_block_size = 1",
                             sid, function_sleep_max_microseconds_per_block="10000000")

    t = threading.Thread(target=slow)
    t.start()
    deadline = time.monotonic() + 10
    while _q(ch, f"SELECT count() FROM system.processes WHERE query LIKE '%{marker}%' AND query NOT LIKE '%system.processes%'")[2] != b"1\n":
        assert time.monotonic() < deadline, "slow query never showed up in system.processes"
        time.sleep(0.02)
    status, headers, body = _q(ch, "SELECT 1", sid)
    t.join(30)
    assert status == 500 and headers["x-clickhouse-exception-code"] == "373" and b"SESSION_IS_LOCKED" in body
    assert results["slow"][0] == 200
    assert _q(ch, "SELECT 2", sid)[2] == b"2\n"


def test_session_timeout_expires_idle_session(ch):
    sid = str(uuid.uuid4())
    assert _q(ch, "CREATE TEMPORARY TABLE tmp (a UInt8)", sid, session_timeout="1")[0] == 200
    # Every successful check refreshes the idle timer, so each probe must come after a
    # full idle period (timeout 1 s + sweeper interval 1 s).
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        time.sleep(2.2)
        status, headers, _ = _q(ch, "SELECT 1", sid, session_check="1")
        if status != 200:
            break
    assert headers.get("x-clickhouse-exception-code") == "372"


def test_close_session(ch):
    sid = str(uuid.uuid4())
    assert _q(ch, "CREATE TEMPORARY TABLE tmp (a UInt8)", sid)[0] == 200
    assert _q(ch, "SELECT 1", sid, close_session="1")[0] == 200
    assert _q(ch, "SELECT 1", sid, session_check="1")[0] == 404


def test_invalid_session_timeout(ch):
    status, headers, _ = _q(ch, "SELECT 1", str(uuid.uuid4()), session_timeout="100000")
    assert status == 400 and headers["x-clickhouse-exception-code"] == "374"


def test_readonly_on_a_session_is_per_request(ch, db):
    sid = str(uuid.uuid4())
    status, headers, _ = _q(ch, f"CREATE TABLE {db}.ro (a UInt8) ENGINE = Memory", sid, readonly="1")
    assert status == 403 and headers["x-clickhouse-exception-code"] == "164"
    assert _q(ch, "SELECT 1", sid, readonly="1")[2] == b"1\n"
    # GET is read-only on sessions too, and none of it sticks to the session
    assert request(ch, params={"query": f"CREATE TABLE {db}.ro (a UInt8) ENGINE = Memory", "session_id": sid})[0] \
        == 403
    assert _q(ch, f"CREATE TABLE {db}.ro (a UInt8) ENGINE = Memory", sid)[0] == 200
