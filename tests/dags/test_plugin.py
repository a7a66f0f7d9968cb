"""The Stir plugin loads through Airflow's plugin manager and its API answers."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient


def test_plugin_is_discovered():
    from airflow import plugins_manager

    apps, _ = plugins_manager.get_fastapi_plugins()
    assert any(a.get("url_prefix") == "/stir" for a in apps)
    assert not {k: v for k, v in plugins_manager.get_import_errors().items() if "stir_plugin" in k}


def test_api_answers():
    from stir.airflow.plugin_app import app

    client = TestClient(app)
    tiers = client.get("/tiers").json()
    assert len(tiers) == 11 and {t["dag_id"] for t in tiers} >= {"dbt_core", "dbt_data_requests"}
    assert all(dt.datetime.fromisoformat(t["next_run_utc"]) > dt.datetime.now(dt.timezone.utc) for t in tiers)
    window = client.get("/batch-window").json()
    assert (window["start_hour_utc"], window["end_hour_utc"]) == (19, 22)
    assert set(window["skipping"]) == {"dbt_hourly", "dbt_collections"}
    catalogue = client.get("/catalogue").json()
    assert len(catalogue) == 76
    leaderboard = next(r for r in catalogue if r["dag_id"] == "sync_leaderboard_prod")
    assert "mart_leaderboard" in leaderboard["sync pairs (mart -> table)"]


def test_macro():
    from stir.airflow.plugin_app import in_batch_window_macro

    assert in_batch_window_macro(dt.datetime(2026, 1, 1, 19, 30, tzinfo=dt.timezone.utc)) is True
    assert in_batch_window_macro(dt.datetime(2026, 1, 1, 22, 0, tzinfo=dt.timezone.utc)) is False
