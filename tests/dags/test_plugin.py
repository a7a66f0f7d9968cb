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
    assert len(catalogue) == 78
    leaderboard = next(r for r in catalogue if r["dag_id"] == "sync_leaderboard_prod")
    assert "mart_leaderboard" in leaderboard["sync pairs (mart -> table)"]


def test_macro():
    from stir.airflow.plugin_app import in_batch_window_macro

    assert in_batch_window_macro(dt.datetime(2026, 1, 1, 19, 30, tzinfo=dt.timezone.utc)) is True
    assert in_batch_window_macro(dt.datetime(2026, 1, 1, 22, 0, tzinfo=dt.timezone.utc)) is False


def test_ui_menu_links_every_page_and_no_page_loads_a_cdn():
    import importlib.util

    from stir import config
    from stir.airflow.plugin_app import app

    spec = importlib.util.spec_from_file_location("stir_plugin_file", config.PLUGINS_DIR / "stir_plugin.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    StirPlugin = module.StirPlugin  # noqa: N806
    hrefs = {v["href"] for v in StirPlugin.external_views}
    assert hrefs == {"/stir/freshness", "/stir/dbt-docs/", "/stir/"}
    assert all(v["url_route"] and v["destination"] == "nav" for v in StirPlugin.external_views)
    client = TestClient(app)
    index = client.get("/docs")
    assert index.status_code == 200 and "/stir/freshness" in index.text and "cdn" not in index.text.lower()
    assert client.get("/openapi.json").json()["paths"]["/api/freshness"]


def test_dbt_docs_are_generated_offline_and_served(tmp_path, monkeypatch):
    from stir.airflow import dbt_docs
    from stir.airflow.plugin_app import app

    monkeypatch.setenv("STIR_DBT_DOCS_DIR", str(tmp_path / "docs"))
    client = TestClient(app)
    assert client.get("/dbt-docs/").status_code == 404  # not generated yet: says how
    monkeypatch.setenv("STIR_CH_PORT", "9")  # nothing listens: the offline fallback must do
    dbt_docs.generate(tmp_path / "docs")
    page = client.get("/dbt-docs/")
    assert page.status_code == 200 and "dbt" in page.text.lower()
    manifest = client.get("/dbt-docs/manifest.json").json()
    assert "model.gcc_social.mart_leaderboard" in manifest["nodes"]
    assert client.get("/dbt-docs/../../etc/passwd").status_code == 404
