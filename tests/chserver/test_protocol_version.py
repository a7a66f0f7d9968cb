"""`client_protocol_version` for Native output, checked with clickhouse-driver's block
reader (an independent implementation that reads block info and the custom
serialization byte by revision) and with clickhouse-connect, which probes the server
for revision 54405 and reads block info only when the probe's answer carries it."""

from __future__ import annotations

import socket
import threading
import time
import uuid

import clickhouse_connect
import pytest
from clickhouse_driver.bufferedreader import BufferedSocketReader
from clickhouse_driver.connection import ServerInfo
from clickhouse_driver.context import Context
from clickhouse_driver.streams.native import BlockInputStream

from .httpraw import request

MIXED = ("SELECT toDateTime(number, 'UTC') AS d, toString(number) AS s, [number] AS a, "
         "toLowCardinality(toString(number % 3)) AS l, CAST(number % 2 AS Nullable(UInt8)) AS n "
         "FROM numbers(200000)")
BLOCK_INFO = b"\x01\x00\x02\xff\xff\xff\xff\x00"


def _driver_blocks(data: bytes, revision: int) -> list:
    a, b = socket.socketpair()
    threading.Thread(target=lambda: (a.sendall(data), a.shutdown(socket.SHUT_WR)), daemon=True).start()
    ctx = Context()
    ctx.server_info = ServerInfo("ClickHouse", 26, 9, 0, revision, "UTC", "x", revision)
    ctx.client_settings = {"use_numpy": False, "strings_as_bytes": False, "strings_encoding": "utf-8"}
    ctx.settings = {}
    stream, blocks = BlockInputStream(BufferedSocketReader(b, 1 << 16), ctx), []
    try:
        while True:
            blocks.append(stream.read())
    except EOFError:
        pass
    finally:
        a.close()
        b.close()
    return blocks


def _native(ch, query: str, revision: int | None, **params) -> bytes:
    params = {"default_format": "Native", **params}
    if revision is not None:
        params["client_protocol_version"] = str(revision)
    status, _, body = request(ch, query, params=params)
    assert status == 200, body
    return body


def test_revision_zero_is_the_engines_native_without_block_info(ch):
    body = _native(ch, "SELECT 1 AS check, toDateTime(0, 'UTC') AS d", None)
    assert body.startswith(b"\x02\x01\x05check\x05UInt8\x01")
    # ClickHouse drops a DateTime's time zone below revision 54337, revision 0 included
    assert b"\x08DateTime\x00\x00\x00\x00" in body
    assert _native(ch, "SELECT 1 AS check", 0) == b"\x01\x01\x05check\x05UInt8\x01"


def test_connect_probe_answer_at_54405(ch):
    # clickhouse-connect's probe: bytes 8..16 must be the block after an 8-byte block info
    body = _native(ch, "SELECT 1 AS check", 54405)
    assert body[:8] == BLOCK_INFO and body[8:16] == b"\x01\x01\x05check"
    assert body == BLOCK_INFO + b"\x01\x01\x05check\x05UInt8\x01"


def test_custom_serialization_byte_from_54454(ch):
    assert _native(ch, "SELECT 1 AS check", 54454) == BLOCK_INFO + b"\x01\x01\x05check\x05UInt8\x00\x01"
    assert _native(ch, "SELECT 1 AS check", 54453) == BLOCK_INFO + b"\x01\x01\x05check\x05UInt8\x01"


@pytest.mark.parametrize("revision", [54405, 54454, 54460])
@pytest.mark.parametrize("wait", ["0", "1"])
def test_multi_block_result_decodes_with_an_independent_reader(ch, revision, wait):
    body = _native(ch, MIXED, revision, wait_end_of_query=wait)
    blocks = _driver_blocks(body, revision)
    assert len(blocks) > 1  # several engine blocks, each with its own block info
    assert sum(b.num_rows for b in blocks) == 200000
    assert blocks[0].columns_with_types == [("d", "DateTime('UTC')"), ("s", "String"), ("a", "Array(UInt64)"),
                                            ("l", "LowCardinality(String)"), ("n", "Nullable(UInt8)")]
    last = blocks[-1].get_rows()[-1]
    assert (last[1], last[2], last[3], last[4]) == ("199999", [199999], "1", 1)
    assert last[0].tzinfo is not None and last[0].timestamp() == 199999


def test_format_clause_in_the_query_and_non_select_statements(ch, db):
    body = _native(ch, f"CREATE TABLE {db}.t (d DateTime('Asia/Tokyo'), x UInt32) ENGINE = Memory", None)
    request(ch, f"INSERT INTO {db}.t VALUES (1, 2)")
    body = _native(ch, f"SELECT * FROM {db}.t FORMAT Native", 54460)
    blocks = _driver_blocks(body, 54460)
    assert blocks[0].columns_with_types == [("d", "DateTime('Asia/Tokyo')"), ("x", "UInt32")]
    assert blocks[0].get_rows() == [(blocks[0].get_rows()[0][0], 2)]
    described = _driver_blocks(_native(ch, f"DESCRIBE TABLE {db}.t", 54460), 54460)
    assert [r[:2] for r in described[0].get_rows()] == [("d", "DateTime('Asia/Tokyo')"), ("x", "UInt32")]


def test_bad_revision_is_refused(ch):
    status, _, body = request(ch, "SELECT 1", params={"default_format": "Native", "client_protocol_version": "x1"})
    assert status == 400 and b"client_protocol_version" in body


def test_clickhouse_connect_uses_the_revision_it_probes(ch):
    client = clickhouse_connect.get_client(host=ch.host, port=ch.port)
    try:
        assert client.protocol_version == 54405
        result = client.query(MIXED)
        assert len(result.result_rows) == 200000
        assert result.column_types[0].name == "DateTime('UTC')"
        assert result.result_rows[-1][1:4] == ("199999", [199999], "1")
        streamed = 0
        with client.query_row_block_stream(MIXED) as stream:
            for block in stream:
                streamed += len(block)
        assert streamed == 200000
    finally:
        client.close()


def test_time_zone_found_without_running_the_query_twice(ch):
    # one block, at the end of a 1 s query: learning the column types must not rerun it
    query = "SELECT toDateTime(0, 'Asia/Tokyo') AS d, sum(sleepEachRow(0.5)) AS s FROM numbers(2)"
    started = time.monotonic()
    body = _native(ch, query, 54460)
    assert time.monotonic() - started < 1.8
    assert _driver_blocks(body, 54460)[0].columns_with_types == [("d", "DateTime('Asia/Tokyo')"), ("s", "UInt64")]


def test_time_zone_of_session_temporary_tables(ch):
    sid = f"rev-{uuid.uuid4()}"
    assert request(ch, "CREATE TEMPORARY TABLE tz_tmp (d DateTime('Europe/Paris'))", params={"session_id": sid})[0] == 200
    assert request(ch, "INSERT INTO tz_tmp VALUES (86400)", params={"session_id": sid})[0] == 200
    body = _native(ch, "SELECT d FROM tz_tmp", 54405, session_id=sid)
    blocks = _driver_blocks(body, 54405)
    assert blocks[0].columns_with_types == [("d", "DateTime('Europe/Paris')")]
    assert blocks[0].get_rows()[0][0].timestamp() == 86400


def test_async_client_probes_the_revision_and_reads_time_zones(ch):
    import asyncio

    async def run():
        client = await clickhouse_connect.get_async_client(host=ch.host, port=ch.port, settings={
            "send_progress_in_http_headers": 1, "http_headers_progress_interval_ms": 100})
        try:
            result = await client.query(MIXED)
            return client.protocol_version, len(result.result_rows), result.column_types[0].name
        finally:
            await client.close()

    assert asyncio.run(run()) == (54405, 200000, "DateTime('UTC')")


_LC_COLUMNS = [  # (expression, its LowCardinality type, the plain type ClickHouse sends to old clients)
    ("toString(number % 3)", "LowCardinality(String)", "String"),
    ("if(number % 2, NULL, toString(number))", "LowCardinality(Nullable(String))", "Nullable(String)"),
    ("[toString(number), 'x']", "Array(LowCardinality(String))", "Array(String)"),
    ("map(toString(number), number)", "Map(LowCardinality(String), UInt64)", "Map(String, UInt64)"),
    ("tuple(toString(number), number)", "Tuple(a LowCardinality(String), b UInt64)", "Tuple(a String, b UInt64)"),
]


def _lc_query(rows: int, plain: bool) -> str:
    columns = []
    for i, (expr, lc, plain_type) in enumerate(_LC_COLUMNS):
        cast = f"CAST({expr} AS {lc})"
        columns.append(f"{f'CAST({cast} AS {plain_type})' if plain else cast} AS c{i}")
    return f"SELECT {', '.join(columns)}, number AS n FROM numbers({rows})"


@pytest.mark.parametrize("wait", ["0", "1"])
def test_low_cardinality_arrives_plain_below_54405(ch, wait):
    # ClickHouse's NativeWriter strips LowCardinality (nested too) for 0 < revision < 54405;
    # the engine's own CAST to the plain type is the byte-exact reference
    expected = _native(ch, _lc_query(7, plain=True), None)
    assert b"LowCardinality" not in expected
    assert _native(ch, _lc_query(7, plain=False), 54404, wait_end_of_query=wait) == BLOCK_INFO + expected
    # revision 0 and 54405 keep the LowCardinality types, as in ClickHouse
    assert b"LowCardinality(String)" in _native(ch, _lc_query(7, plain=False), None)
    kept = _driver_blocks(_native(ch, _lc_query(7, plain=False), 54405), 54405)
    assert [t for _, t in kept[0].columns_with_types][:2] == ["LowCardinality(String)", "LowCardinality(Nullable(String))"]


def test_low_cardinality_below_54405_over_many_blocks(ch):
    blocks = _driver_blocks(_native(ch, _lc_query(200000, plain=False), 54404), 54404)
    assert len(blocks) > 1 and sum(b.num_rows for b in blocks) == 200000
    assert [t for _, t in blocks[0].columns_with_types] == [p for _, _, p in _LC_COLUMNS] + ["UInt64"]
    assert blocks[-1].get_rows()[-1] == ("1", None, ["199999", "x"], {"199999": 199999}, ("199999", 199999), 199999)


@pytest.mark.parametrize("rows", [1, 3])
def test_nested_low_cardinality_prefix_comes_before_the_offsets(ch, rows):
    # the key-version prefix of a nested LowCardinality precedes the Array offsets, and an
    # all-empty nested column writes no LowCardinality data: the walker that adds the
    # custom-serialization byte must skip both right to find the next column
    query = (f"SELECT CAST(if(number % 2 = 0, [], [('a', 'b'), (toString(number), 'c')]) "
             f"AS Array(Tuple(LowCardinality(String), String))) AS a, 7 AS y FROM numbers({rows})")
    rows_read = [r for b in _driver_blocks(_native(ch, query, 54454), 54454) for r in b.get_rows()]
    assert rows_read == [([] if i % 2 == 0 else [("a", "b"), (str(i), "c")], 7) for i in range(rows)]


def test_versioned_aggregate_states_follow_the_revision(ch):
    query = "SELECT sumMapState([1], [2]) AS s, 1 AS y"
    # below 54452 the map-family state is version 0: the engine's bytes, with block info
    assert _native(ch, query, 54451) == BLOCK_INFO + _native(ch, query, None)
    status, _, body = request(ch, query, params={"default_format": "Native", "client_protocol_version": "54452"})
    assert status == 501 and b"sumMap" in body and b"54452" in body
    # an unversioned state passes at the same revision
    plain = "SELECT uniqState(1) AS s, 1 AS y"
    assert _native(ch, plain, 54453) == BLOCK_INFO + _native(ch, plain, None)
