"""Errors look like a real server's, and no malformed request takes the server down."""

from __future__ import annotations

import os
import re

import clickhouse_connect
import pytest
from clickhouse_connect.driver.exceptions import DatabaseError

from .httpraw import RawConnection, request, sql

_BODY = re.compile(rb"^Code: (\d+)\. DB::Exception: .+ \(([A-Z_]+)\) \(version [\d.]+\)\n$", re.S)


def _assert_error(resp, code: int, name: str, status: int | None = None):
    got_status, headers, body = resp
    assert got_status >= 400 and got_status not in (429, 503, 504), (got_status, body)
    if status is not None:
        assert got_status == status
    assert headers["x-clickhouse-exception-code"] == str(code), body
    m = _BODY.match(body)
    assert m, body
    assert m.group(1) == str(code).encode() and m.group(2) == name.encode()


def _still_serving(ch):
    assert sql(ch, "SELECT 'alive'") == b"alive\n"


@pytest.mark.parametrize("query,code,name,status", [
    ("SELECT * FROM no_such_table_anywhere", 60, "UNKNOWN_TABLE", 404),
    ("SELEC 1", 62, "SYNTAX_ERROR", 400),
    ("SELECT 1; SELECT 2", 62, "SYNTAX_ERROR", 400),
    ("", 62, "SYNTAX_ERROR", 400),
    ("SELECT 1 FORMAT NoSuchFormat", 73, "UNKNOWN_FORMAT", 404),
    ("SELECT throwIf(1, 'boom')", 395, "FUNCTION_THROW_IF_VALUE_IS_NON_ZERO", None),
    ("\x00SELECT 1", 62, "SYNTAX_ERROR", 400),
    ("\ufffd garbage", 62, "SYNTAX_ERROR", 400),
])
def test_sql_errors(ch, query, code, name, status):
    _assert_error(request(ch, query), code, name, status)
    _still_serving(ch)


def test_unknown_setting_in_url(ch):
    _assert_error(request(ch, "SELECT 1", params={"no_such_setting_xyz": "1"}), 115, "UNKNOWN_SETTING", 404)
    _still_serving(ch)


def test_bad_insert_data_is_rejected_atomically(ch, db):
    sql(ch, f"CREATE TABLE {db}.t (n UInt32, s String) ENGINE = MergeTree ORDER BY n")
    resp = request(ch, b"1,a\nnot-a-number,b\n", params={"query": f"INSERT INTO {db}.t FORMAT CSV"})
    _assert_error(resp, 27, "CANNOT_PARSE_INPUT_ASSERTION_FAILED", 400)
    assert sql(ch, f"SELECT count() FROM {db}.t") == b"0\n"
    resp = request(ch, b"\x05garbage", params={"query": f"INSERT INTO {db}.t FORMAT Native"})
    assert resp[0] >= 400 and resp[1]["x-clickhouse-exception-code"].isdigit()
    _assert_error(request(ch, b"1,a\n", params={"query": f"INSERT INTO {db}.t FORMAT NoSuchFormat"}),
                  73, "UNKNOWN_FORMAT", 404)
    _still_serving(ch)


def test_clickhouse_connect_surfaces_server_errors(ch):
    client = clickhouse_connect.get_client(host=ch.host, port=ch.port)
    with pytest.raises(DatabaseError, match="UNKNOWN_TABLE"):
        client.query("SELECT * FROM missing_table_xyz")
    assert client.command("SELECT 5") == 5
    client.close()


def test_bad_lz4_frame(ch, db):
    sql(ch, f"CREATE TABLE {db}.t (n UInt32) ENGINE = Memory")
    resp = request(ch, b"\x04\x22\x4d\x18" + os.urandom(200), params={"query": f"INSERT INTO {db}.t FORMAT TSV"},
                   headers={"Content-Encoding": "lz4"})
    _assert_error(resp, 271, "CANNOT_DECOMPRESS", 400)
    _assert_error(request(ch, b"not zstd at all", headers={"Content-Encoding": "zstd"}), 271, "CANNOT_DECOMPRESS")
    _assert_error(request(ch, b"SELECT 1", headers={"Content-Encoding": "snappy-ish"}), 36, "BAD_ARGUMENTS")
    assert sql(ch, f"SELECT count() FROM {db}.t") == b"0\n"
    _still_serving(ch)


def test_truncated_chunked_body(ch, db):
    sql(ch, f"CREATE TABLE {db}.t (n UInt32) ENGINE = Memory")
    conn = RawConnection(ch)
    query = f"INSERT INTO {db}.t FORMAT TSV".replace(" ", "%20")
    conn.send(f"POST /?query={query} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n".encode()
              + b"10\r\n1\n2\n3\n")  # promises 16 bytes, sends 6, then half-closes
    conn.sock.shutdown(1)
    resp = conn.read_response()
    conn.close()
    assert resp is not None
    _assert_error(resp, 33, "CANNOT_READ_ALL_DATA", 400)
    assert sql(ch, f"SELECT count() FROM {db}.t") == b"0\n"
    _still_serving(ch)


def test_malformed_chunk_size_closes_connection(ch):
    conn = RawConnection(ch)
    conn.send(b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nSELECT 1\r\n0\r\n\r\n")
    status, headers, body = conn.read_response()
    conn.close()
    assert status == 400 and headers["connection"].lower() == "close" and b"CANNOT_READ_ALL_DATA" in body
    _still_serving(ch)


def test_ten_megabytes_of_garbage(ch):
    garbage = os.urandom(10 << 20)
    # with and without statement separators, and starting with bytes chDB alone would
    # treat as an empty query
    for body in (garbage, garbage.replace(b";", b"'"), b"\x00" + garbage, b"\xff" + garbage.replace(b";", b" ")):
        status, headers, _ = request(ch, body)
        assert status >= 400 and status not in (429, 503, 504)
        assert headers["x-clickhouse-exception-code"] == "62"
    for encoding in ("lz4", "gzip"):
        status, headers, _ = request(ch, garbage[: 1 << 20], headers={"Content-Encoding": encoding})
        assert status == 400 and headers["x-clickhouse-exception-code"] == "271"
    _still_serving(ch)


def test_native_block_compression_errors(ch):
    """compress/decompress=1 work (test_protocol_details); a body that is not in the
    block format is refused as ClickHouse does."""
    _assert_error(request(ch, b"SELECT 1", params={"decompress": "1"}), 271, "CANNOT_DECOMPRESS", 400)
    assert request(ch, "SELECT 1", params={"compress": "0"})[2] == b"1\n"
