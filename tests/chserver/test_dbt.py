"""dbt-clickhouse (driver: http) against the server: debug, run, then build (run +
test) as the second, incremental run with a lookback on {{ this }}. dbt is invoked
in-process (dbtRunner, what the `dbt` CLI calls) because its start-up dominates."""

from __future__ import annotations

import uuid
from collections import Counter
from pathlib import Path

import pytest

from .httpraw import sql

PROJECT = Path(__file__).parent / "dbt_project"


@pytest.fixture
def dbt(ch, tmp_path, monkeypatch):
    from dbt.cli.main import dbtRunner

    schema = f"dbt_{uuid.uuid4().hex[:8]}"
    for name, value in dict(STIR_CH_HOST=ch.host, STIR_CH_PORT=str(ch.port), CHSERVER_DBT_SCHEMA=schema,
                            DBT_TARGET_PATH=str(tmp_path / "target"), DBT_LOG_PATH=str(tmp_path / "logs"),
                            DBT_SEND_ANONYMOUS_USAGE_STATS="false").items():
        monkeypatch.setenv(name, value)

    def run(*args: str) -> Counter:
        res = dbtRunner().invoke([*args, "--project-dir", str(PROJECT), "--profiles-dir", str(PROJECT),
                                  "--quiet"])
        assert res.success, f"dbt {' '.join(args)} failed: {res.exception or res.result}"
        results = getattr(res.result, "results", None) or []
        return Counter(str(r.status) for r in results)

    run.schema = schema
    yield run
    sql(ch, f"DROP DATABASE IF EXISTS {schema}")


def test_dbt_debug_run_twice_and_test(ch, dbt):
    dbt("debug")
    assert dbt("run", "--vars", "{shift: 0, rows: 100}") == Counter(success=3)
    schema = dbt.schema
    assert sql(ch, f"SELECT count() FROM {schema}.events_latest") == b"100\n"
    engine = sql(ch, f"SELECT engine FROM system.tables WHERE database = '{schema}' AND name = 'events_latest'")
    assert engine == b"ReplacingMergeTree\n"

    # Second run: every updated_at moves 60 s later and 20 new keys arrive. Only rows
    # within 4 h of the current max(updated_at) are picked up, and FINAL keeps one
    # version per key.
    assert dbt("build", "--vars", "{shift: 60, rows: 120}") == Counter(success=3, **{"pass": 3})  # + data tests
    versions = sql(ch, f"SELECT count() FROM {schema}.events_latest")
    assert int(versions) > 100  # appended, not rebuilt
    final = sql(ch, f"SELECT count(), countIf(score % 10 = 0) FROM {schema}.events_latest FINAL")
    # The lookback starts at 47 h - 4 h = 43 h: of the new keys 100..119 (hours 4..23)
    # none qualify, so still 100 keys; keys at hours 43..47 (43-47, 91-95) are re-read and
    # now carry the second run's score (ending in 1).
    count, unshifted = map(int, final.split())
    assert count == 100
    assert unshifted == 100 - 10
    summary = sql(ch, f"SELECT sum(events) FROM {schema}.category_summary")
    assert summary == b"100\n"
