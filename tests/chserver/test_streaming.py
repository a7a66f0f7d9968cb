"""Streamed results, ClickHouse's mid-stream error contract, and the client's query_id
end to end: system.processes, KILL QUERY, disconnect cancels, no secrets shown."""

from __future__ import annotations

import gzip
import http.client
import socket
import threading
import time
import uuid
from urllib.parse import urlencode

import clickhouse_connect
import pytest

from .httpraw import request, sql, wait_for

BIG = "SELECT number FROM numbers(3000000)"


def _expected(n: int) -> bytes:
    return b"".join(b"%d\n" % i for i in range(n))


def test_big_result_streams_chunked(ch):
    status, headers, body = request(ch, BIG)
    assert status == 200 and headers.get("transfer-encoding") == "chunked"
    assert "x-clickhouse-exception-tag" in headers and "content-length" not in headers
    assert body == _expected(3000000)


def test_wait_end_of_query_buffers(ch):
    status, headers, body = request(ch, BIG, params={"wait_end_of_query": "1"})
    assert status == 200 and int(headers["content-length"]) == len(body) and "transfer-encoding" not in headers
    assert body == _expected(3000000)


def test_small_result_keeps_content_length(ch):
    status, headers, body = request(ch, "SELECT 1")
    assert headers["content-length"] == "2" and body == b"1\n"


def test_streamed_gzip_and_headers_formats(ch):
    status, headers, body = request(ch, "SELECT number, toString(number) AS s FROM numbers(500000) "
                                        "FORMAT TSVWithNames", params={"enable_http_compression": "1"},
                                    headers={"Accept-Encoding": "gzip"})
    assert headers.get("transfer-encoding") == "chunked" and headers["content-encoding"] == "gzip"
    lines = gzip.decompress(body).split(b"\n")
    assert lines[0] == b"number\ts" and len(lines) == 500002 and lines[-2] == b"499999\t499999"


def test_error_after_the_first_byte_follows_the_exception_tag_contract(ch):
    query = ("SELECT throwIf(number = 2500000, 'boom-mid-stream') AS x, number FROM numbers(3000000) "
             "SETTINGS max_block_size = 65536")
    status, headers, body = request(ch, query)
    tag = headers["x-clickhouse-exception-tag"].encode()
    assert status == 200 and headers.get("transfer-encoding") == "chunked"
    start = body.index(b"__exception__\r\n" + tag + b"\r\n")
    assert body.endswith(tag + b"\r\n__exception__\r\n") and b"boom-mid-stream" in body[start:]
    assert b"Code: 395" in body[start:]


def test_clickhouse_connect_stream_sees_mid_stream_error(ch):
    client = clickhouse_connect.get_client(host=ch.host, port=ch.port)
    try:
        with pytest.raises(Exception, match="boom-cc"):
            with client.query_rows_stream("SELECT throwIf(number = 2500000, 'boom-cc'), number "
                                          "FROM numbers(3000000) SETTINGS max_block_size = 65536") as stream:
                for _ in stream:
                    pass
        total = 0
        with client.query_rows_stream(BIG) as stream:
            for _row in stream:
                total += 1
        assert total == 3000000
    finally:
        client.close()


def test_first_bytes_arrive_before_the_query_ends(ch):
    query = ("SELECT number, sleepEachRow(0) + if(number % 200000 = 0, sleep(0.25), 0) AS s FROM numbers(2000000) "
             "SETTINGS max_block_size = 200000")
    conn = http.client.HTTPConnection(ch.host, ch.port, timeout=60)
    t0 = time.monotonic()
    conn.request("POST", "/", body=query.encode())
    resp = conn.getresponse()
    resp.read(10)
    first = time.monotonic() - t0
    resp.read()
    total = time.monotonic() - t0
    conn.close()
    assert total > 2.0 and first < total / 2, (first, total)


def _processes(ch, query_id: str) -> bytes:
    return sql(ch, f"SELECT query_id, query FROM system.processes WHERE query_id = '{query_id}' "
                   "FORMAT TSVRaw")


def _start_slow(ch, query_id: str, text: str) -> socket.socket:
    sock = socket.create_connection((ch.host, ch.port), timeout=30)
    target = "/?" + urlencode({"query_id": query_id})
    sock.sendall(f"POST {target} HTTP/1.1\r\nHost: x\r\nContent-Length: {len(text)}\r\n\r\n{text}".encode())
    return sock


SLOW = ("SELECT sleepEachRow(0.5) FROM numbers(100) "
        "/* s3('http://127.0.0.1:1/b/k.csv', 'AKIAEXAMPLEKEY', 'SECRETVALUE42') */ SETTINGS max_block_size = 1")


def test_client_query_id_in_processes_without_secrets_and_disconnect_cancels(ch):
    qid = f"client-{uuid.uuid4()}"
    sock = _start_slow(ch, qid, SLOW)
    try:
        assert wait_for(lambda: qid.encode() in _processes(ch, qid))
        shown = _processes(ch, qid)
        assert b"SECRETVALUE42" not in shown and b"AKIAEXAMPLEKEY" not in shown and b"[HIDDEN]" in shown
        assert b"stir-qid" not in shown
    finally:
        sock.close()
    # 100 rows x 0.5 s if never cancelled; the server's log tells why when it was not
    assert wait_for(lambda: _processes(ch, qid) == b"", timeout=20), ch.log_text()[-4000:]


def test_kill_query_by_client_query_id(ch):
    qid = f"kill-{uuid.uuid4()}"
    sock = _start_slow(ch, qid, SLOW)
    try:
        assert wait_for(lambda: qid.encode() in _processes(ch, qid))
        status, headers, body = request(ch, f"KILL QUERY WHERE query_id = '{qid}' SYNC")
        assert status == 200 and qid.encode() in body
        sock.settimeout(10)
        reply = sock.recv(65536)
        assert b"394" in reply or b"QUERY_WAS_CANCELLED" in reply
    finally:
        sock.close()


def test_duplicate_running_query_id_is_refused(ch):
    qid = f"dup-{uuid.uuid4()}"
    sock = _start_slow(ch, qid, SLOW)
    try:
        assert wait_for(lambda: qid.encode() in _processes(ch, qid))
        status, headers, _ = request(ch, "SELECT 1", params={"query_id": qid})
        assert headers["x-clickhouse-exception-code"] == "216"
    finally:
        sock.close()


def test_concurrent_streams(ch):
    results = []

    def one():
        results.append(request(ch, "SELECT number FROM numbers(1000000)")[2] == _expected(1000000))

    threads = [threading.Thread(target=one) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [True] * 4


def test_async_client_streams_and_sees_mid_stream_error(ch):
    import asyncio

    async def run():
        client = await clickhouse_connect.get_async_client(host=ch.host, port=ch.port)
        try:
            total = 0
            async with await client.query_rows_stream(BIG) as stream:
                async for _row in stream:
                    total += 1
            with pytest.raises(Exception, match="boom-async"):
                async with await client.query_rows_stream(
                        "SELECT throwIf(number = 2500000, 'boom-async'), number FROM numbers(3000000) "
                        "SETTINGS max_block_size = 65536") as stream:
                    async for _row in stream:
                        pass
            return total
        finally:
            await client.close()

    assert asyncio.run(run()) == 3000000


SLOW_SMALL_FAIL = "SELECT sleepEachRow(0.01), throwIf(number = 100) FROM numbers(200) SETTINGS max_block_size = 1"


def test_small_slow_result_streams_and_fails_mid_stream(ch):
    """Blocks still coming after STREAM_AFTER_S go out as they come (a few hundred bytes,
    far below the size threshold), so a later error is a mid-stream one, as clickhouse-
    connect's own suite expects of ClickHouse."""
    status, headers, body = request(ch, SLOW_SMALL_FAIL)
    assert status == 200 and headers.get("transfer-encoding") == "chunked"
    tag = headers["x-clickhouse-exception-tag"]
    assert body.startswith(b"0\t0\n") and f"__exception__\r\n{tag}".encode() in body
    assert b"FUNCTION_THROW_IF_VALUE_IS_NON_ZERO" in body
    # held to the end with wait_end_of_query: a plain error response
    status, headers, _ = request(ch, SLOW_SMALL_FAIL, params={"wait_end_of_query": "1"})
    assert status != 200 and headers["x-clickhouse-exception-code"] == "395"


def test_clickhouse_connect_sees_a_mid_stream_failure(client_factory):
    from clickhouse_connect.driver.exceptions import StreamFailureError

    client = client_factory()
    with pytest.raises(StreamFailureError, match="throwIf"):
        assert client.query(SLOW_SMALL_FAIL, settings={"wait_end_of_query": 0}).result_set is None
    with pytest.raises(StreamFailureError, match="throwIf"):
        with client.query_rows_stream(SLOW_SMALL_FAIL, settings={"wait_end_of_query": 0}) as stream:
            for _ in stream:
                pass
    assert client.command("SELECT 1") == 1
