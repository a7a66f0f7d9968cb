"""The robustness and security probes of issue 14, each as a test against a real server:
header injection, request smuggling, HTTP/0.9, size caps checked while streaming,
read-only GETs, admin statements, file-system confinement, default limits."""

from __future__ import annotations

import gzip
import socket
import threading
import time
import uuid
from urllib.parse import quote

import pytest

from .httpraw import ADMIN_PW, USER_PW, RawConnection, request, sql


def _raw(ch, data: bytes, timeout: float = 10) -> bytes:
    with socket.create_connection((ch.host, ch.port), timeout=timeout) as s:
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
        out = b""
        while chunk := s.recv(65536):
            out += chunk
        return out


def test_crlf_in_query_id_never_reaches_a_header(ch):
    bad = quote("x\r\nAccess-Control-Allow-Origin: *\r\n\r\nHTTP/1.1 200 OK")
    out = _raw(ch, f"GET /?query=SELECT%201&query_id={bad} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
    head = out.split(b"\r\n\r\n")[0].lower()
    assert out.startswith(b"HTTP/1.1 400") and b"access-control-allow-origin" not in head
    assert out.count(b"HTTP/1.1") == 1


def test_crlf_in_timezone_is_sanitised(ch):
    status, headers, _ = request(ch, params={"query": "SELECT 1", "session_timezone": "UTC\r\nX-Evil: 1"})
    assert "x-evil" not in headers and status in (200, 400, 404)
    assert "\n" not in headers.get("x-clickhouse-timezone", "")


@pytest.mark.parametrize("framing", [
    b"Content-Length: -1\r\n",
    b"Content-Length: 8\r\nContent-Length: 8\r\n",
    b"Content-Length: 8\r\nContent-Length: 9\r\n",
    b"Content-Length: 8\r\nTransfer-Encoding: chunked\r\n",
    b"Content-Length: +8\r\n",
])
def test_bad_content_length_is_refused_and_nothing_is_smuggled(ch, db, framing):
    ddl = f"CREATE TABLE {db}.smuggled (a UInt8) ENGINE=Log"
    smuggled = f"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: {len(ddl)}\r\n\r\n{ddl}".encode()
    out = _raw(ch, b"POST / HTTP/1.1\r\nHost: x\r\n" + framing + b"\r\nSELECT 1" + smuggled)
    assert out.startswith(b"HTTP/1.1 400") and out.count(b"HTTP/1.1 ") == 1
    assert sql(ch, f"EXISTS TABLE {db}.smuggled") == b"0\n"


def test_http09_is_refused(ch):
    out = _raw(ch, b"GET /?query=SELECT%201\r\n")
    assert out.split(b" ")[1] == b"400" and b"\n1\n" not in out


def test_query_text_is_capped_at_max_query_size(ch):
    t0 = time.monotonic()
    status, headers, body = request(ch, "SELECT 1 " + " " * 400_000)
    assert status == 400 and headers["x-clickhouse-exception-code"] == "62", body
    assert b"Max query size exceeded" in body and time.monotonic() - t0 < 5
    # the request's own max_query_size setting raises it, as in ClickHouse
    assert request(ch, "SELECT 1 " + " " * 400_000, params={"max_query_size": "1000000"})[2] == b"1\n"


def test_big_insert_values_still_streams(ch, db):
    sql(ch, f"CREATE TABLE {db}.v (a UInt32, s String) ENGINE = MergeTree ORDER BY a")
    rows = ",".join(f"({i}, 'row-{i}')" for i in range(50000))  # ~1 MB, past max_query_size
    assert len(rows) > 262144
    status, _, body = request(ch, f"INSERT INTO {db}.v VALUES {rows}")
    assert status == 200, body
    assert sql(ch, f"SELECT count(), sum(a) FROM {db}.v") == b"50000\t1249975000\n"


def _rss_hwm(pid: int) -> int:
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM")


def test_compression_bomb_is_refused_early(ch):
    bomb = gzip.compress(b"SELECT 1" + b" " * (200 << 20), compresslevel=9)
    assert len(bomb) < 400_000
    before = _rss_hwm(ch.pid)
    t0 = time.monotonic()
    status, headers, body = request(ch, bomb, headers={"Content-Encoding": "gzip"})
    elapsed = time.monotonic() - t0
    assert status == 400 and headers["x-clickhouse-exception-code"] == "62"
    assert elapsed < 3, elapsed
    assert _rss_hwm(ch.pid) - before < 64 << 20
    assert sql(ch, "SELECT 2") == b"2\n"


def test_decompressed_body_cap_applies_to_insert_data(strict):
    data = gzip.compress(b"1\n" * (6 << 20))  # 12 MiB decompressed > the 8 MiB cap
    auth = {"X-ClickHouse-User": "default", "X-ClickHouse-Key": ADMIN_PW}
    db = f"d_{uuid.uuid4().hex[:8]}"
    assert request(strict, f"CREATE DATABASE {db}", headers=auth)[0] == 200
    assert request(strict, f"CREATE TABLE {db}.t (a UInt8) ENGINE=MergeTree ORDER BY a", headers=auth)[0] == 200
    status, headers, body = request(strict, data, params={"query": f"INSERT INTO {db}.t FORMAT TSV"},
                                    headers={**auth, "Content-Encoding": "gzip"})
    assert status == 413 and b"exceeds" in body
    assert request(strict, f"SELECT count() FROM {db}.t", headers=auth)[2] == b"0\n"


def test_a_big_body_does_not_stall_other_clients(ch):
    big = ("SELECT 1 /* " + "x" * (20 << 20) + " */").encode()
    done = threading.Event()

    def send_big():
        request(ch, big)
        done.set()

    worker = threading.Thread(target=send_big)
    worker.start()
    worst = 0.0
    while not done.is_set():
        t0 = time.monotonic()
        assert sql(ch, "SELECT 1") == b"1\n"
        worst = max(worst, time.monotonic() - t0)
    worker.join()
    assert worst < 1.0, worst


def test_get_is_readonly_and_cannot_be_lifted(ch, db):
    status, headers, _ = request(ch, params={"query": "SELECT 1", "readonly": "0"})
    assert status == 403 and headers["x-clickhouse-exception-code"] == "164"
    status, headers, _ = request(ch, params={
        "query": "INSERT INTO FUNCTION file('get.tsv', 'TSV', 'a UInt8') VALUES (1)"})
    assert status == 403 and headers["x-clickhouse-exception-code"] == "164"


def test_file_is_confined_to_user_files(ch):
    for query in ("SELECT * FROM file('/etc/passwd', 'LineAsString')",
                  "SELECT * FROM file('../../../../etc/passwd', 'LineAsString')",
                  "SELECT * FROM file({p:String}, 'LineAsString')",
                  "SELECT 1 INTO OUTFILE '/tmp/x.tsv'",
                  "CREATE TABLE default.f (a UInt8) ENGINE = File(TSV, '/tmp/f.tsv')",
                  "SELECT * FROM executable('id', 'TSV', 'a String')"):
        status, headers, body = request(ch, query)
        assert status == 403, (query, body)
    name = f"u_{uuid.uuid4().hex[:8]}.tsv"
    assert request(ch, f"INSERT INTO FUNCTION file('{name}', 'TSV', 'a UInt8') VALUES (7)")[0] == 200
    assert (ch.data_dir / "user_files" / name).read_text() == "7\n"
    assert sql(ch, f"SELECT a FROM file('{name}', 'TSV', 'a UInt8')") == b"7\n"


def test_admin_statements_need_an_admin_user(strict):
    app = {"X-ClickHouse-User": "app", "X-ClickHouse-Key": USER_PW}
    for query in ("SYSTEM SHUTDOWN", "KILL MUTATION WHERE 1", "SYSTEM DROP MARK CACHE"):
        status, headers, _ = request(strict, query, headers=app)
        assert status == 403 and headers["x-clickhouse-exception-code"] == "497", query
    assert request(strict, "SYSTEM DROP MARK CACHE", headers={"X-ClickHouse-User": "default",
                                                              "X-ClickHouse-Key": ADMIN_PW})[0] == 200
    assert request(strict, "SELECT 1", headers=app)[2] == b"1\n"


def test_default_limits_apply_and_requests_may_override(strict):
    auth = {"X-ClickHouse-User": "app", "X-ClickHouse-Key": USER_PW}
    query = "SELECT getSetting('max_memory_usage'), getSetting('max_execution_time')"
    assert request(strict, query, headers=auth)[2] == b"300000000\t30\n"
    assert request(strict, query, headers=auth, params={"max_execution_time": "5"})[2] == b"300000000\t5\n"
    status, headers, _ = request(strict, "SELECT groupArray(number) FROM numbers(100000000)", headers=auth)
    assert headers["x-clickhouse-exception-code"] == "241"  # MEMORY_LIMIT_EXCEEDED


def test_session_keeps_default_limits(strict):
    auth = {"X-ClickHouse-User": "app", "X-ClickHouse-Key": USER_PW}
    params = {"session_id": str(uuid.uuid4())}
    body = request(strict, "SELECT getSetting('max_memory_usage')", headers=auth, params=params)[2]
    assert body == b"300000000\n"


def test_keep_alive_connection_closes_after_a_framing_error(ch):
    conn = RawConnection(ch)
    try:
        conn.send(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 8\r\nContent-Length: 9\r\n\r\nSELECT 1")
        status, headers, _ = conn.read_response()
        assert status == 400 and headers["connection"].lower() == "close"
    finally:
        conn.close()
