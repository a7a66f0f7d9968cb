"""ClickHouse HTTP details clients rely on: native block compression both ways (checked
against clickhouse-driver's own decoder), progress headers, nested comments,
multi-statement refusal, the effective timezone header, byte-exact binary parameters,
external data tables."""

from __future__ import annotations

import io
import json
import uuid

import clickhouse_connect
from clickhouse_driver.compression.lz4 import Decompressor
from clickhouse_driver.reader import read_binary_uint8, read_binary_uint128

from stir.chserver import native

from .httpraw import request, sql


def _driver_decode(data: bytes) -> bytes:
    """clickhouse-driver's decoder, an independent implementation of the block format."""
    stream, out = io.BytesIO(data), []
    while stream.tell() < len(data):
        checksum = read_binary_uint128(stream)
        method = read_binary_uint8(stream)
        out.append(Decompressor(stream).get_decompressed_data(method, checksum, 1))
    return b"".join(out)


def test_compress_1_answers_clickhouse_blocks(ch):
    status, headers, body = request(ch, "SELECT number FROM numbers(10)", params={"compress": "1"})
    assert status == 200 and _driver_decode(body) == b"".join(b"%d\n" % i for i in range(10))
    # streamed results are compressed block by block
    status, headers, body = request(ch, "SELECT number FROM numbers(1000000)", params={"compress": "1"})
    assert headers.get("transfer-encoding") == "chunked"
    assert _driver_decode(body) == b"".join(b"%d\n" % i for i in range(1000000))


def test_decompress_1_reads_clickhouse_blocks_and_checks_checksums(ch, db):
    sql(ch, f"CREATE TABLE {db}.n (a UInt32) ENGINE = MergeTree ORDER BY a")
    data = native.compress(b"".join(b"%d\n" % i for i in range(5000)))
    status, _, body = request(ch, data, params={"query": f"INSERT INTO {db}.n FORMAT TSV", "decompress": "1"})
    assert status == 200, body
    assert sql(ch, f"SELECT count(), sum(a) FROM {db}.n") == b"5000\t12497500\n"
    broken = bytearray(data)
    broken[30] ^= 0xFF
    status, headers, body = request(ch, bytes(broken), params={"query": f"INSERT INTO {db}.n FORMAT TSV",
                                                               "decompress": "1"})
    assert headers["x-clickhouse-exception-code"] == "271" and b"Checksum" in body
    assert sql(ch, f"SELECT count() FROM {db}.n") == b"5000\n"


def test_send_progress_in_http_headers(ch):
    status, headers, _ = request(ch, "SELECT sum(number) FROM numbers(100000)",
                                 params={"send_progress_in_http_headers": "1"})
    progress = json.loads(headers["x-clickhouse-progress"])
    assert int(progress["result_rows"]) == 1 and int(progress["elapsed_ns"]) > 0 and "read_rows" in progress


def test_nested_block_comments(ch):
    assert sql(ch, "/* a /* b */ c */ SELECT 1") == b"1\n"
    assert sql(ch, "SELECT /* x /* y */ z */ 2 /* t */") == b"2\n"


def test_multi_statements_are_refused_like_clickhouse(ch):
    status, headers, body = request(ch, "SELECT 1; SELECT 2")
    assert status == 400 and headers["x-clickhouse-exception-code"] == "62"
    assert b"Multi-statements are not allowed" in body
    assert sql(ch, "SELECT 1;") == b"1\n"


def test_timezone_header_follows_the_effective_timezone(ch):
    _, headers, body = request(ch, "SELECT timezone()", params={"session_timezone": "Asia/Tokyo"})
    assert headers["x-clickhouse-timezone"] == "Asia/Tokyo" and body == b"Asia/Tokyo\n"
    sid = str(uuid.uuid4())
    assert request(ch, "SET session_timezone = 'Europe/Berlin'", params={"session_id": sid})[0] == 200
    _, headers, body = request(ch, "SELECT timezone()", params={"session_id": sid})
    assert body == b"Europe/Berlin\n" and headers["x-clickhouse-timezone"] == "Europe/Berlin"
    _, headers, _ = request(ch, "SELECT 1")
    assert headers["x-clickhouse-timezone"] == sql(ch, "SELECT timezone()").decode().strip()


def test_binary_query_parameter_is_byte_exact(ch):
    blob = bytes(range(256)) * 4
    client = clickhouse_connect.get_client(host=ch.host, port=ch.port)
    try:
        got = client.query("SELECT hex({b:String}) AS h", parameters={"b": blob}).result_rows[0][0]
        assert bytes.fromhex(got) == blob
    finally:
        client.close()
    # raw bytes in the URL (%80...), as ClickHouse takes them; tab, newline and backslash
    # are escapes in a parameter value, so the raw blob leaves them out
    raw = bytes(b for b in blob if b not in b"\t\n\\")
    status, _, body = request(ch, "SELECT hex({b:String})", params={"param_b": raw})
    assert status == 200 and bytes.fromhex(body.decode().strip()) == raw


def _multipart(fields: dict[str, tuple[str | None, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, (filename, value) in fields.items():
        disp = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        parts.append(f"--{boundary}\r\nContent-Disposition: {disp}\r\n\r\n".encode() + value + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def test_external_data_tables(ch):
    body, ctype = _multipart({"ext": ("ext.tsv", b"1\tone\n2\ttwo\n3\tthree\n")})
    status, _, out = request(ch, body, headers={"Content-Type": ctype},
                             params={"query": "SELECT sum(id), groupArray(name) FROM ext FORMAT TSV",
                                     "ext_structure": "id UInt32, name String"})
    assert status == 200, out
    assert out == b"6\t['one','two','three']\n"
    body, ctype = _multipart({"t": ("t.csv", b"5,x\n7,y\n"), "t_types": (None, b"UInt8,String"),
                              "t_format": (None, b"CSV"), "query": (None, b"SELECT sum(_1) FROM t")})
    status, _, out = request(ch, body, headers={"Content-Type": ctype})
    assert (status, out) == (200, b"12\n")
    body, ctype = _multipart({"ext": ("ext.tsv", b"1\n")})
    status, headers, _ = request(ch, body, headers={"Content-Type": ctype}, params={"query": "SELECT * FROM ext"})
    assert status == 400  # no structure given, as ClickHouse refuses it
