"""SHOW CREATE of a system table answers ClickHouse's synthesized statement (the engine
keeps no metadata for system tables); user tables keep the engine's own answer."""

from __future__ import annotations

import json

import pytest

from .httpraw import request, sql

ONE = ("CREATE TABLE system.one\n(\n    `dummy` UInt8\n)\nENGINE = SystemOne\nCOMMENT 'This table contains a "
       "single row with a single dummy UInt8 column containing the value 0. Used when the table is not specified "
       "explicitly, for example in queries like `SELECT 1`.'")


@pytest.mark.parametrize("text", ["SHOW CREATE TABLE system.one", "show create system.one",
                                  "SHOW CREATE TABLE `system`.`one`", "SHOW CREATE TEMPORARY TABLE system.one"])
def test_system_one_statement(ch, text):
    assert sql(ch, text + "\nFORMAT TabSeparatedRaw;").decode() == ONE + "\n"


def test_default_format_escapes_and_named_column(ch):
    body = sql(ch, "SHOW CREATE TABLE system.one")
    assert body == ONE.replace("\n", "\\n").replace("'", "\\'").encode() + b"\n"
    parsed = json.loads(sql(ch, "SHOW CREATE TABLE system.one FORMAT JSON"))
    assert parsed["meta"] == [{"name": "statement", "type": "String"}]
    assert parsed["data"] == [{"statement": ONE}]


def test_unqualified_in_system_database(ch):
    assert sql(ch, "SHOW CREATE TABLE one FORMAT TSVRaw", database="system").decode() == ONE + "\n"


def test_system_tables_columns_with_comments(ch):
    text = sql(ch, "SHOW CREATE TABLE system.tables FORMAT TSVRaw").decode()
    assert text.startswith("CREATE TABLE system.tables\n(\n    `database` String COMMENT 'The name of the database")
    assert "\n)\nENGINE = SystemTables\nCOMMENT 'Lists all tables of the current server.'\n" in text
    described = sql(ch, "DESCRIBE system.tables FORMAT TSV").decode().splitlines()
    assert text.count("\n    `") == len(described)


def test_missing_system_table_and_user_table_unchanged(ch, db):
    status, _, body = request(ch, "SHOW CREATE TABLE system.no_such_table")
    assert status == 404 and b"(UNKNOWN_TABLE)" in body
    sql(ch, f"CREATE TABLE {db}.t (a UInt8) ENGINE = MergeTree ORDER BY a")
    assert sql(ch, f"SHOW CREATE TABLE {db}.t FORMAT TSVRaw").decode().startswith(f"CREATE TABLE {db}.t\n(\n    `a` UInt8")
    status, _, body = request(ch, f"SHOW CREATE TABLE {db}.missing")  # the engine's own error, as before
    assert status == 500 and b"(CANNOT_GET_CREATE_TABLE_QUERY)" in body


def test_clickhouse_connect_native_and_command(client_factory):
    client = client_factory(compress="lz4")
    # command() hands back the TabSeparated text as it came, escapes and all
    assert client.command("SHOW CREATE TABLE system.one") == ONE.replace("\n", "\\n").replace("'", "\\'")
    result = client.query("SHOW CREATE TABLE system.tables")
    assert result.column_names == ("statement",)
    assert "ENGINE = SystemTables" in result.result_rows[0][0]
