"""system.query_log: QueryStart/QueryFinish/ExceptionBeforeStart/ExceptionWhileProcessing
rows with ClickHouse's column names, visible after SYSTEM FLUSH LOGS, retention bounded
by a TTL, credentials masked, query text kept out of the server's own log."""

from __future__ import annotations

import json
import uuid

import clickhouse_connect

from .httpraw import request, sql


def _log(ch, *ids: str) -> list[dict]:
    quoted = ", ".join(f"'{i}'" for i in ids)
    body = sql(ch, "SELECT type, query_id, event_time, query_duration_ms, read_rows, written_rows, result_rows, "
                   f"exception_code, exception, user, query, query_kind FROM system.query_log "
                   f"WHERE query_id IN ({quoted}) ORDER BY event_time_microseconds, type FORMAT JSONEachRow")
    return [json.loads(line) for line in body.splitlines()]


def test_query_log_records_start_finish_and_errors(ch, db):
    ok, bad, ins, before = (f"ql-{uuid.uuid4()}" for _ in range(4))
    assert request(ch, "SELECT number FROM numbers(5)", params={"query_id": ok})[0] == 200
    assert request(ch, "SELECT throwIf(1, 'ql-boom')", params={"query_id": bad})[0] != 200
    assert request(ch, f"CREATE TABLE {db}.t (a UInt8) ENGINE = MergeTree ORDER BY a")[0] == 200
    assert request(ch, b"1\n2\n3\n", params={"query": f"INSERT INTO {db}.t FORMAT TSV", "query_id": ins})[0] == 200
    assert request(ch, "SELECT 1; SELECT 2", params={"query_id": before})[0] == 400
    assert request(ch, "SYSTEM FLUSH LOGS")[0] == 200
    rows = _log(ch, ok, bad, ins, before)
    by_id: dict[str, list[dict]] = {}
    for row in rows:
        by_id.setdefault(row["query_id"], []).append(row)
    assert [r["type"] for r in by_id[ok]] == ["QueryStart", "QueryFinish"]
    finish = by_id[ok][1]
    assert int(finish["result_rows"]) == 5 and finish["user"] == "default" and finish["query_kind"] == "Select"
    assert int(finish["query_duration_ms"]) >= 0 and finish["exception_code"] == 0
    assert [r["type"] for r in by_id[bad]] == ["QueryStart", "ExceptionWhileProcessing"]
    assert by_id[bad][1]["exception_code"] == 395 and "ql-boom" in by_id[bad][1]["exception"]
    assert int(by_id[ins][1]["written_rows"]) == 3 and by_id[ins][1]["query"].startswith("INSERT INTO")
    assert [r["type"] for r in by_id[before]] == ["ExceptionBeforeStart"]


def test_query_log_masks_credentials_and_server_log_has_no_query_text(ch):
    qid = f"ql-{uuid.uuid4()}"
    text = "SELECT 1 /* s3('http://127.0.0.1:1/b/k.csv', 'AKIAQLKEY', 'QLSECRET99') */"
    assert request(ch, text, params={"query_id": qid})[0] == 200
    sql(ch, "SYSTEM FLUSH LOGS")
    logged = _log(ch, qid)
    assert logged and all("QLSECRET99" not in r["query"] and "[HIDDEN]" in r["query"] for r in logged)
    assert "QLSECRET99" not in ch.log_text() and "AKIAQLKEY" not in ch.log_text()


def test_query_log_retention_is_bounded_and_clients_can_read_it(ch):
    ddl = sql(ch, "SELECT engine_full FROM system.tables WHERE database = '_stir_system' AND name = 'query_log'")
    assert b"TTL" in ddl
    client = clickhouse_connect.get_client(host=ch.host, port=ch.port)
    try:
        result = client.query("SELECT 7")
        client.command("SYSTEM FLUSH LOGS")
        rows = client.query("SELECT type FROM system.query_log WHERE query_id = {q:String} ORDER BY type",
                            parameters={"q": result.query_id}).result_rows
        assert rows == [("QueryStart",), ("QueryFinish",)]
    finally:
        client.close()


def test_query_log_names_the_projections_a_select_read(ch, db):
    # dbt-clickhouse checks `projections` in query_log to see its projections used
    assert request(ch, f"CREATE TABLE {db}.p (id UInt32, age UInt32, dep String, PROJECTION by_dep "
                       "(SELECT dep, avg(age) GROUP BY dep)) ENGINE = MergeTree ORDER BY id")[0] == 200
    assert request(ch, f"INSERT INTO {db}.p SELECT number, number % 50, toString(number % 3) FROM numbers(1000)")[0] == 200
    used, unused = f"ql-{uuid.uuid4()}", f"ql-{uuid.uuid4()}"
    assert request(ch, f"SELECT dep, avg(age) FROM {db}.p GROUP BY dep ORDER BY dep",
                   params={"query_id": used, "database": db})[0] == 200
    assert request(ch, "SELECT id FROM p WHERE id = 3", params={"query_id": unused, "database": db})[0] == 200
    assert request(ch, "SYSTEM FLUSH LOGS")[0] == 200
    body = sql(ch, f"SELECT query_id, projections FROM system.query_log WHERE query_id IN ('{used}', '{unused}') "
                   "AND type = 'QueryFinish' FORMAT JSONEachRow")
    found = {r["query_id"]: r["projections"] for r in map(json.loads, body.splitlines())}
    assert found == {used: [f"{db}.p.by_dep"], unused: []}
