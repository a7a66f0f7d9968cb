"""send_progress_in_http_headers=1: X-ClickHouse-Progress headers go out while the query
runs (every http_headers_progress_interval_ms when progress moved), before the body;
after them the status is 200 and an error is told by X-ClickHouse-Exception-Code."""

from __future__ import annotations

import json
import socket
import time
from urllib.parse import urlencode

import clickhouse_connect

from .httpraw import request

SLOW = "SELECT sum(sleepEachRow(0.01)) FROM numbers(100) SETTINGS max_block_size = 5"  # ~1 s, 5 rows a block


def _raw(ch, query: str, payload: bytes | None = None, **params):
    """Status, header lines in order with arrival times, body (a POST with `payload`)."""
    sock = socket.create_connection((ch.host, ch.port), timeout=60)
    target = "/?" + urlencode({"query": query, **params})
    if payload is None:
        sock.sendall(f"GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
    else:
        sock.sendall(f"POST {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                     f"Content-Length: {len(payload)}\r\n\r\n".encode() + payload)
    started, buf, arrivals = time.monotonic(), b"", []
    while True:
        data = sock.recv(65536)
        if not data:
            break
        buf += data
        arrivals.append((time.monotonic() - started, buf.count(b"\r\n")))
    sock.close()
    head, _, body = buf.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    return int(lines[0].split()[1]), lines[1:], body, arrivals


def _progress(lines: list[str]) -> list[dict]:
    return [json.loads(line.split(":", 1)[1]) for line in lines if line.startswith("X-ClickHouse-Progress:")]


def test_periodic_progress_before_a_held_body(ch):
    status, lines, body, arrivals = _raw(ch, SLOW, send_progress_in_http_headers="1", wait_end_of_query="1")
    assert status == 200 and body == b"0\n"
    progress = _progress(lines)
    assert len(progress) >= 4, lines
    read = [int(p["read_rows"]) for p in progress]
    assert read == sorted(read) and read[0] < read[-1] <= 100
    assert int(progress[0]["total_rows_to_read"]) == 100
    # the headers arrived over time, not all at once at the end
    assert len(arrivals) >= 3 and arrivals[0][0] < arrivals[-1][0] - 0.3
    summary = next(line for line in lines if line.startswith("X-ClickHouse-Summary:"))
    # the summary never reports less than the progress already sent
    assert int(json.loads(summary.split(":", 1)[1])["read_rows"]) >= read[-1]


def test_progress_while_a_streamed_result_is_held_and_interval_honoured(ch):
    # ORDER BY: the first block comes at the end, so the headers have the whole run to go out
    query = ("SELECT number FROM numbers(100) WHERE sleepEachRow(0.01) = 0 ORDER BY number "
             "SETTINGS max_block_size = 5")
    status, lines, body, _ = _raw(ch, query, send_progress_in_http_headers="1")
    assert status == 200 and body.split() == [str(i).encode() for i in range(100)]
    assert len(_progress(lines)) >= 4
    _, slow_lines, _, _ = _raw(ch, query, send_progress_in_http_headers="1", http_headers_progress_interval_ms="700")
    assert 1 <= len(_progress(slow_lines)) <= 3


def test_error_after_progress_headers(ch):
    query = ("SELECT throwIf(number = 60) FROM numbers(100) WHERE sleepEachRow(0.01) = 0 "
             "SETTINGS max_block_size = 5")
    status, lines, body, _ = _raw(ch, query, send_progress_in_http_headers="1", wait_end_of_query="1")
    assert len(_progress(lines)) >= 2
    assert status == 200  # already sent with the first progress header, as ClickHouse's
    assert "X-ClickHouse-Exception-Code: 395" in lines
    assert b"FUNCTION_THROW_IF_VALUE_IS_NON_ZERO" in body
    assert sum(1 for line in lines if line.startswith("HTTP/")) == 0  # one status line only


def test_without_the_setting_no_progress_and_fast_queries_unchanged(ch):
    status, lines, _, _ = _raw(ch, SLOW)
    assert status == 200 and not _progress(lines)
    status, lines, body, _ = _raw(ch, "SELECT 1", send_progress_in_http_headers="1")
    assert status == 200 and body == b"1\n" and len(_progress(lines)) == 1  # the final one


def test_clickhouse_connect_with_progress_headers(ch):
    client = clickhouse_connect.get_client(host=ch.host, port=ch.port, settings={
        "send_progress_in_http_headers": 1, "http_headers_progress_interval_ms": 100})
    try:
        assert client.query(SLOW).result_rows == [(0,)]
        assert client.command(SLOW) == 0
        rows = client.query("SELECT number FROM numbers(50) WHERE sleepEachRow(0.01) = 0 "
                            "SETTINGS max_block_size = 5").result_rows
        assert [r[0] for r in rows] == list(range(50))
    finally:
        client.close()


def _summary(lines: list[str]) -> dict:
    return json.loads(next(line for line in lines if line.startswith("X-ClickHouse-Summary:")).split(":", 1)[1])


def _written(progress: list[dict]) -> list[int]:
    return [int(p["written_rows"]) for p in progress]


def test_insert_select_reports_written_rows(ch, db):
    request(ch, f"CREATE TABLE {db}.t (x UInt64) ENGINE = MergeTree ORDER BY x")
    query = (f"INSERT INTO {db}.t SELECT number + sleepEachRow(0.01) FROM numbers(100) "
             "SETTINGS max_block_size = 5, max_insert_block_size = 5, min_insert_block_size_rows = 5")
    status, lines, body, _ = _raw(ch, query, b"", send_progress_in_http_headers="1")
    assert status == 200 and body == b""
    written = _written(_progress(lines))
    assert len(written) >= 4 and written == sorted(written) and 0 < written[0] < 100
    assert int(_summary(lines)["written_rows"]) == 100
    assert request(ch, f"SELECT count() FROM {db}.t")[2] == b"100\n"


def test_insert_with_a_body_reports_written_rows_while_it_streams(ch, db):
    # the DEFAULT sleeps while the engine fills the column: ~1 s for 100 rows, 5 a block
    request(ch, f"CREATE TABLE {db}.s (x UInt64, y UInt8 DEFAULT sleepEachRow(0.01)) ENGINE = MergeTree ORDER BY x")
    query = f"INSERT INTO {db}.s (x) SETTINGS max_insert_block_size = 5, min_insert_block_size_rows = 5 FORMAT TSV"
    payload = b"".join(b"%d\n" % i for i in range(100))
    status, lines, body, arrivals = _raw(ch, query, payload, send_progress_in_http_headers="1")
    assert status == 200 and body == b""
    written = _written(_progress(lines))
    assert len(written) >= 3 and written == sorted(written) and 0 < written[0] < 100, lines
    assert arrivals[0][0] < arrivals[-1][0] - 0.2  # over time, not all at the end
    assert int(_summary(lines)["written_rows"]) == 100
    assert request(ch, f"SELECT count(), sum(x) FROM {db}.s")[2] == b"100\t4950\n"
    # without the setting: no progress header before the final one
    status, lines, _, _ = _raw(ch, query, payload)
    assert status == 200 and not _progress(lines)


def test_clickhouse_connect_insert_with_progress_headers(ch, db):
    request(ch, f"CREATE TABLE {db}.s (x UInt64, y UInt8 DEFAULT sleepEachRow(0.01)) ENGINE = MergeTree ORDER BY x")
    client = clickhouse_connect.get_client(host=ch.host, port=ch.port, settings={
        "send_progress_in_http_headers": 1, "http_headers_progress_interval_ms": 100})
    try:
        summary = client.insert(f"{db}.s", [[i] for i in range(60)], column_names=["x"],
                                settings={"max_insert_block_size": 5, "min_insert_block_size_rows": 5})
        assert summary.written_rows == 60
        assert client.command(f"SELECT count() FROM {db}.s") == 60
    finally:
        client.close()
