"""The lexing the HTTP layer does before handing SQL to the engine."""

from __future__ import annotations

import pytest

from stir.chserver.sqltext import analyse


@pytest.mark.parametrize("sql,fmt", [
    ("SELECT 1", None),
    ("SELECT 1 FORMAT JSONEachRow", "JSONEachRow"),
    ("SELECT 'FORMAT CSV' AS x", None),
    ("SELECT 1 -- FORMAT CSV\n", None),
    ("SELECT 1 /* FORMAT /* nested */ CSV */ FORMAT TSV", "TSV"),
    ("SELECT * FROM (SELECT 1 FORMAT CSV) FORMAT Native", "Native"),
    ("SELECT 1 FORMAT `JSON`", "JSON"),
    ("SELECT 1 FORMAT CSV SETTINGS max_threads = 1", "CSV"),
    ("SELECT 1 SETTINGS max_threads = 1 FORMAT CSV", "CSV"),
    ("SELECT format FROM t", None),
    ("SELECT format('{}', 1) AS f", None),
    ("WITH format AS (SELECT 1) SELECT * FROM format", None),
])
def test_output_format(sql, fmt):
    stmt = analyse(sql)
    assert stmt.output_format == fmt and not stmt.multi and stmt.returns_rows


@pytest.mark.parametrize("sql,multi", [
    ("SELECT 1;", False),
    ("SELECT 1; ;  -- trailing comment\n", False),
    ("SELECT ';'; ", False),
    ("SELECT 1; SELECT 2", True),
    ("CREATE TABLE t (a String DEFAULT ';') ENGINE = Memory; DROP TABLE t", True),
])
def test_multi_statements(sql, multi):
    assert analyse(sql).multi is multi


def test_insert_with_format_and_data():
    text = "INSERT INTO db.t (a, b) SETTINGS async_insert = 0 FORMAT CSV  \n1,2\n"
    stmt = analyse(text)
    assert stmt.insert_format == "CSV"
    assert stmt.insert_prefix == "INSERT INTO db.t (a, b) SETTINGS async_insert = 0"
    assert text[stmt.data_offset:] == "1,2\n"
    # no newline: data starts after the whitespace
    stmt = analyse("INSERT INTO t FORMAT TSV 1\t2")
    assert "INSERT INTO t FORMAT TSV 1\t2"[stmt.data_offset:] == "1\t2"


def test_insert_values_and_select():
    stmt = analyse("INSERT INTO t (a) VALUES (1), (2)")
    assert stmt.insert_format == "Values" and stmt.insert_prefix == "INSERT INTO t (a)"
    for sql in ("INSERT INTO t SELECT * FROM VALUES('a UInt8', 1)", "INSERT INTO t WITH 1 AS x SELECT x",
                "INSERT INTO FUNCTION s3('http://x/f.json', 'JSONEachRow') SELECT 1"):
        stmt = analyse(sql)
        assert stmt.kind == "INSERT" and stmt.insert_format is None and not stmt.returns_rows


def test_binary_data_after_format_is_not_lexed():
    text = ("INSERT INTO t FORMAT Native\n" + "\x00\x01'\"`;(" * 100)
    stmt = analyse(text)
    assert stmt.insert_format == "Native" and stmt.data_offset == len("INSERT INTO t FORMAT Native\n")


def test_empty_and_comment_only():
    assert analyse("").kind == "" and analyse("  -- nothing\n/* here */").kind == ""
