"""The Airflow clickhousedb provider's hook, configured only through an
AIRFLOW_CONN_* variable in JSON form (the URI form would turn secure=false into True)."""

from __future__ import annotations

import json

import pytest


@pytest.fixture
def hook(ch, monkeypatch):
    from airflow.providers.clickhousedb.hooks.clickhouse import ClickHouseHook

    monkeypatch.setenv("AIRFLOW_CONN_CLICKHOUSE_GCC", json.dumps(
        {"conn_type": "clickhouse", "host": ch.host, "port": ch.port, "extra": {"secure": False}}))
    return ClickHouseHook(clickhouse_conn_id="clickhouse_gcc")


def test_hook_runs_queries(hook, db):
    assert hook.get_first("SELECT 40 + 2") == (42,)
    hook.run(f"CREATE TABLE {db}.h (n UInt32, s String) ENGINE = Memory")
    hook.insert_rows(f"{db}.h", [(1, "a"), (2, "b")], target_fields=["n", "s"])
    assert hook.get_records(f"SELECT n, s FROM {db}.h ORDER BY n") == [(1, "a"), (2, "b")]
    client = hook.get_client()
    assert client.query(f"SELECT sum(n) FROM {db}.h").result_rows == [(3,)]
