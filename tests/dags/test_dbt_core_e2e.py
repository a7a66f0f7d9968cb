"""`airflow dags test dbt_core` against the embedded ClickHouse server builds every core model."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from stir import tiers
from stir.airflow.marts import MODEL_TIERS
from stir.generate.testing import insert_rows


def test_airflow_dags_test_dbt_core(warehouse, airflow_db, tmp_path):
    server, ch, _ = warehouse
    insert_rows(ch, "beat.instagram_account", [
        {"id": 1, "profile_id": "p-e2e", "handle": "@E2E_Creator", "followers": 1000, "following": 10,
         "created_at": "2026-01-01 00:00:00", "updated_at": "2026-01-02 00:00:00"},
        {"id": 2, "profile_id": "p-e2e", "handle": "@e2e_creator", "followers": 1500, "following": 12,
         "created_at": "2026-01-01 00:00:00", "updated_at": "2026-01-03 00:00:00"},
    ])
    env = dict(os.environ, STIR_CH_HOST=server.host, STIR_CH_PORT=str(server.port), STIR_DBT_TARGET="dev",
               DBT_TARGET_PATH=str(tmp_path / "target"), DBT_LOG_PATH=str(tmp_path / "logs"),
               DBT_SEND_ANONYMOUS_USAGE_STATS="false", DO_NOT_TRACK="1", STIR_DBT_THREADS="2")
    airflow = Path(sys.executable).parent / "airflow"
    proc = subprocess.run([str(airflow), "dags", "test", "dbt_core"], env=env, capture_output=True, text=True,
                          timeout=900)
    output = proc.stdout + proc.stderr
    (tmp_path / "airflow-dags-test.log").write_text(output)
    assert proc.returncode == 0, output[-4000:]
    assert "dbt_run_core" in output

    tier = tiers.BY_TAG["core"]
    excluded = {e.removeprefix("tag:") for e in tier.exclude}
    expected = {name for name, t in MODEL_TIERS.items() if t == "core"} - excluded
    built = {r[0] for r in ch.query("SELECT name FROM system.tables WHERE database = 'dbt'").result_rows}
    assert expected <= built, sorted(expected - built)
    assert not ({n for n, t in MODEL_TIERS.items() if t in ("post_ranker", "daily")} & built)
    rows = ch.query("SELECT handle, followers FROM dbt.stg_beat_instagram_account WHERE profile_id = 'p-e2e'")
    assert rows.result_rows == [("e2e_creator", 1500)]
