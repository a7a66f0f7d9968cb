"""ClickHouse's HTTP interface as curl and other clients use it."""

from __future__ import annotations

import gzip
import json
import uuid
import zlib

import lz4.frame
import pytest
import zstandard

from .httpraw import RawConnection, chunked, request, sql


def test_ping_and_root(ch):
    assert request(ch, path="/ping")[0::2] == (200, b"Ok.\n")
    assert request(ch)[0::2] == (200, b"Ok.\n")
    assert request(ch, path="/nope")[0] == 404


def test_sql_from_body_query_param_and_both(ch):
    assert sql(ch, "SELECT 1") == b"1\n"
    status, _, body = request(ch, params={"query": "SELECT 2"})
    assert (status, body) == (200, b"2\n")
    # query parameter first, then a newline, then the body
    assert request(ch, "+ 40", params={"query": "SELECT 2"})[2] == b"42\n"


def test_form_urlencoded_body_is_sql(ch):
    status, _, body = request(ch, "SELECT 'a=b&c=d'",
                              headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert (status, body) == (200, b"a=b&c=d\n")


def test_multipart_query_and_params(ch):
    boundary = "xYzZy"
    parts = []
    for name, value in (("query", "SELECT {n:UInt8} + 1, {s:String}"), ("param_n", "41"), ("param_s", "hi")):
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n')
    body = "".join(parts) + f"--{boundary}--\r\n"
    status, _, out = request(ch, body, headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert (status, out) == (200, b"42\thi\n")


def test_output_format_precedence_and_headers(ch):
    status, headers, body = request(ch, "SELECT 1 AS x FORMAT JSONEachRow", params={"default_format": "CSV"})
    assert body == b'{"x":1}\n' and headers["x-clickhouse-format"] == "JSONEachRow"
    _, headers, body = request(ch, "SELECT 1 AS x", params={"default_format": "CSVWithNames"})
    assert body == b'"x"\n1\n' and headers["x-clickhouse-format"] == "CSVWithNames"
    _, headers, body = request(ch, "SELECT 'a' AS x")
    assert body == b"a\n" and headers["x-clickhouse-format"] == "TabSeparated"
    qid = str(uuid.uuid4())
    _, headers, _ = request(ch, "SELECT number FROM numbers(10)", params={"query_id": qid})
    assert headers["x-clickhouse-query-id"] == qid
    assert headers["x-clickhouse-timezone"]
    assert headers["x-clickhouse-server-display-name"]
    summary = json.loads(headers["x-clickhouse-summary"])
    assert set(summary) >= {"read_rows", "read_bytes", "written_rows", "written_bytes", "total_rows_to_read",
                            "result_rows", "result_bytes", "elapsed_ns"}
    assert summary["read_rows"] == "10" and summary["result_rows"] == "10"


def test_ddl_has_no_result_format(ch, db):
    _, headers, body = request(ch, f"CREATE TABLE {db}.x (a UInt8) ENGINE = Memory")
    assert body == b"" and "x-clickhouse-format" not in headers


@pytest.mark.parametrize("fmt,data", [
    ("CSV", b'1,"a,b"\n2,"c"\n'),
    ("TSV", b"1\ta\\tb\n2\tc\n"),
    ("JSONEachRow", b'{"n":1,"s":"a"}\n{"n":2,"s":"c"}\n'),
])
def test_insert_text_formats_from_body(ch, db, fmt, data):
    sql(ch, f"CREATE TABLE {db}.t (n UInt32, s String) ENGINE = MergeTree ORDER BY n")
    _, headers, _ = request(ch, data, params={"query": f"INSERT INTO {db}.t FORMAT {fmt}"})
    assert json.loads(headers["x-clickhouse-summary"])["written_rows"] == "2"
    # statement and data together in the body, data after the first newline
    request(ch, f"INSERT INTO {db}.t FORMAT {fmt}\n".encode() + data)
    assert sql(ch, f"SELECT count(), sum(n) FROM {db}.t") == b"4\t6\n"


def test_insert_native_from_body(ch, db):
    sql(ch, f"CREATE TABLE {db}.t (n UInt64, s String) ENGINE = Memory")
    native = request(ch, "SELECT number AS n, toString(number) AS s FROM numbers(100000) FORMAT Native")[2]
    status, _, body = request(ch, native, params={"query": f"INSERT INTO {db}.t (n, s) FORMAT Native"})
    assert status == 200, body
    assert sql(ch, f"SELECT count(), max(s) FROM {db}.t") == b"100000\t99999\n"


def test_insert_values_and_select(ch, db):
    sql(ch, f"CREATE TABLE {db}.t (n UInt64, s String) ENGINE = Memory")
    sql(ch, f"INSERT INTO {db}.t VALUES (1, 'a;b'), (2, 'c')")
    request(ch, "(3, 'd')", params={"query": f"INSERT INTO {db}.t (n, s) VALUES"})
    sql(ch, f"INSERT INTO {db}.t SELECT number + 10, 'x' FROM numbers(5)")
    assert sql(ch, f"SELECT count(), sum(n) FROM {db}.t") == b"8\t66\n"


def _lz4_frames(data: bytes, n: int) -> bytes:
    step = len(data) // n + 1
    return b"".join(lz4.frame.compress(data[i:i + step]) for i in range(0, len(data), step))


def _zstd_frames(data: bytes, n: int) -> bytes:
    step = len(data) // n + 1
    z = zstandard.ZstdCompressor()
    return b"".join(z.compress(data[i:i + step]) for i in range(0, len(data), step))


def _gzip_members(data: bytes, n: int) -> bytes:
    step = len(data) // n + 1
    return b"".join(gzip.compress(data[i:i + step]) for i in range(0, len(data), step))


@pytest.mark.parametrize("encoding,encode", [
    ("lz4", lambda d: _lz4_frames(d, 3)),
    ("zstd", lambda d: _zstd_frames(d, 3)),
    ("gzip", lambda d: _gzip_members(d, 2)),
    ("deflate", zlib.compress),
])
def test_request_content_encoding_multi_frame(ch, db, encoding, encode):
    sql(ch, f"CREATE TABLE {db}.t (n UInt64) ENGINE = Memory")
    data = b"".join(b"%d\n" % i for i in range(30000))
    status, _, body = request(ch, encode(data), params={"query": f"INSERT INTO {db}.t FORMAT TSV"},
                              headers={"Content-Encoding": encoding})
    assert status == 200, body
    assert sql(ch, f"SELECT count(), sum(n) FROM {db}.t") == f"30000\t{sum(range(30000))}\n".encode()
    # compressed SQL body, too
    status, _, body = request(ch, encode(b"SELECT 'compressed sql'"), headers={"Content-Encoding": encoding})
    assert (status, body) == (200, b"compressed sql\n")


@pytest.mark.parametrize("encoding,decode", [
    ("lz4", lz4.frame.decompress),
    ("zstd", lambda b: zstandard.ZstdDecompressor().decompress(b)),
    ("gzip", gzip.decompress),
    ("deflate", zlib.decompress),
])
def test_response_compression(ch, encoding, decode):
    query = "SELECT number FROM numbers(1000)"
    expected = b"".join(b"%d\n" % i for i in range(1000))
    _, headers, body = request(ch, query, params={"enable_http_compression": "1"},
                               headers={"Accept-Encoding": encoding})
    assert headers["content-encoding"] == encoding
    assert decode(body) == expected
    # enable_http_compression=0 turns it off; without the parameter the engine's own
    # default (what system.settings reports to clients, 1 in chDB) decides
    _, headers, body = request(ch, query, params={"enable_http_compression": "0"},
                               headers={"Accept-Encoding": encoding})
    assert "content-encoding" not in headers and body == expected
    default = request(ch, "SELECT getSetting('enable_http_compression')")[2].strip() in (b"1", b"true")
    _, headers, body = request(ch, query, headers={"Accept-Encoding": encoding})
    assert (headers.get("content-encoding") == encoding) == default


def test_chunked_body_and_keep_alive(ch, db):
    sql(ch, f"CREATE TABLE {db}.t (n UInt64) ENGINE = Memory")
    conn = RawConnection(ch)
    try:
        query = f"INSERT INTO {db}.t FORMAT TSV".replace(" ", "%20")
        parts = [b"1\n2\n", b"3\n", b"4\n" * 1000]
        conn.send(f"POST /?query={query} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n".encode()
                  + chunked(parts))
        status, headers, _ = conn.read_response()
        assert status == 200 and headers["connection"].lower() == "keep-alive"
        for i in range(3):  # same socket, several requests
            conn.send(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 8\r\n\r\nSELECT %d" % i)
            assert conn.read_response()[0::2] == (200, b"%d\n" % i)
    finally:
        conn.close()
    assert sql(ch, f"SELECT count() FROM {db}.t") == b"1003\n"


def test_get_is_readonly(ch, db):
    status, headers, _ = request(ch, params={"query": f"CREATE TABLE {db}.g (a UInt8) ENGINE = Memory"})
    assert status == 403 and headers["x-clickhouse-exception-code"] == "164"
    assert request(ch, params={"query": "SELECT 7"})[2] == b"7\n"
