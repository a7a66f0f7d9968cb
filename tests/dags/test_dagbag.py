"""The whole dags/ folder: it imports, has the platform's 78 DAGs, and each meets the defaults."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from stir import tiers
from stir.airflow import constants
from stir.airflow.callbacks import notify_failure

KNOWN_FROM_ORIGINAL = {
    "dbt_core", "dbt_recent_scl", "dbt_hourly", "dbt_daily", "dbt_weekly", "dbt_collections",
    "dbt_staging_collections", "dbt_gcc_orders", "post_ranker", "post_ranker_partial",
    "sync_insta_collection_posts", "sync_insta_profile_insights", "sync_yt_channels", "sync_yt_critical_daily",
    "sync_leaderboard_prod", "sync_leaderboard_staging", "sync_time_series_prod", "sync_missing_journey",
    "sync_group_metrics_prod", "refresh_account_tracker_stats", "upload_post_asset",
    "upload_content_verification", "crm_recommendation_invitation", "track_hashtags",
}


def test_no_import_errors_and_76_dags(dagbag):
    assert dagbag.import_errors == {}
    assert len(dagbag.dags) == 78


def test_one_dag_per_file(dagbag):
    files = Counter(d.fileloc for d in dagbag.dags.values())
    assert max(files.values()) == 1


def test_categories_have_the_original_counts(dagbag):
    counts = Counter(d.stir_category for d in dagbag.dags.values())
    assert counts == {key: n for key, (_, n) in constants.CATEGORIES.items()}


def test_dag_file_lives_in_its_category_folder(dagbag):
    folders = {"dbt": "dbt", "instagram_sync": "instagram", "youtube_sync": "youtube",
               "collection_sync": "collection", "operational": "operational", "asset_upload": "assets",
               "utility": "utility"}
    for dag in dagbag.dags.values():
        assert dag.fileloc.split("/")[-2] == folders[dag.stir_category], dag.dag_id


def test_names_known_from_the_original_exist(dagbag):
    assert KNOWN_FROM_ORIGINAL <= set(dagbag.dags)


@pytest.mark.parametrize("attr, expected", [
    ("catchup", False), ("max_active_runs", 1), ("max_active_tasks", 1),
])
def test_platform_defaults(dagbag, attr, expected):
    wrong = {d.dag_id: getattr(d, attr) for d in dagbag.dags.values() if getattr(d, attr) != expected}
    assert wrong == {}


def test_every_dag_has_timeout_owner_tags_callbacks_docs(dagbag):
    for dag in dagbag.dags.values():
        assert dag.dagrun_timeout == dt.timedelta(minutes=dag.stir_timeout_minutes) > dt.timedelta(0)
        assert dag.on_failure_callback is notify_failure, dag.dag_id
        assert dag.on_success_callback is notify_failure, dag.dag_id
        assert dag.default_args["on_failure_callback"] is notify_failure
        assert set(dag.tags) <= constants.VALID_TAGS, (dag.dag_id, dag.tags)
        assert constants.category_tag(dag.stir_category) in dag.tags
        assert constants.cadence_tag(_cron(dag)) in dag.tags
        assert dag.doc_md and "## Triage" in dag.doc_md and dag.dag_id in dag.doc_md
        assert dag.tasks, f"{dag.dag_id} has no tasks"
        for task in dag.tasks:
            assert task.owner == constants.OWNER, (dag.dag_id, task.task_id)


def _cron(dag) -> str:
    # Sync DAGs run on their marts' Assets or this cron (AssetOrTimeSchedule wraps the cron timetable).
    return getattr(dag.timetable, "timetable", dag.timetable).expression


def test_dbt_dags_are_exactly_the_tiers(dagbag):
    from airflow_dbt_python.operators.dbt import DbtRunOperator

    dbt_dags = {d.dag_id: d for d in dagbag.dags.values() if d.stir_category == "dbt"}
    assert set(dbt_dags) == set(tiers.BY_DAG)
    for dag_id, dag in dbt_dags.items():
        tier = tiers.BY_DAG[dag_id]
        assert _cron(dag) == tier.schedule
        assert dag.dagrun_timeout == dt.timedelta(minutes=tier.timeout_minutes)
        runs = [t for t in dag.tasks if isinstance(t, DbtRunOperator)]
        assert len(runs) == 1
        run = runs[0]
        assert run.select == [f"tag:{tier.tag}"]
        assert run.exclude == list(tier.exclude)
        assert run.profile == "gcc_warehouse"
        assert run.project_dir and run.profiles_dir and run.target
        assert constants.dbt_tier_tag(tier.tag) in dag.tags
        check = [t for t in dag.tasks if t.task_id == "check_batch_window"]
        if tier.skip_batch_window:
            assert len(check) == 1 and check[0].downstream_task_ids == {run.task_id}
        else:
            assert check == []
    assert {d for d, t in tiers.BY_DAG.items() if t.skip_batch_window} == {"dbt_hourly", "dbt_collections"}


def test_schedules_from_the_original(dagbag):
    by_cron: dict[str, set[str]] = {}
    for dag in dagbag.dags.values():
        by_cron.setdefault(_cron(dag), set()).add(dag.dag_id)

    def timeout(dag_id):
        return dagbag.dags[dag_id].stir_timeout_minutes

    assert by_cron["*/5 * * * *"] == {"dbt_recent_scl"} and timeout("dbt_recent_scl") == 90
    assert "sync_insta_collection_posts" in by_cron["*/10 * * * *"] and len(by_cron["*/10 * * * *"]) == 5
    assert {"dbt_core", "post_ranker_partial", "sync_insta_ranking_partial",
            "sync_yt_ranking_partial"} == by_cron["*/15 * * * *"] and timeout("dbt_core") == 60
    assert {"dbt_collections", "dbt_staging_collections"} == by_cron["*/30 * * * *"]
    assert timeout("dbt_collections") == 180
    hourly = by_cron["0 * * * *"]
    assert "refresh_account_tracker_stats" in hourly and 10 <= len(hourly) <= 14
    assert all(timeout(d) == 40 for d in hourly)
    assert by_cron["0 1-23/2 * * *"] == {"dbt_hourly"} and timeout("dbt_hourly") == 180
    assert 7 <= len(by_cron["0 */3 * * *"]) <= 9
    assert all(d.startswith("sync_") for d in by_cron["0 */3 * * *"])
    assert by_cron["0 */5 * * *"] == {"post_ranker"} and timeout("post_ranker") == 300
    midnight = by_cron["0 0 * * *"]
    assert "dbt_gcc_orders" in midnight and 13 <= len(midnight) <= 17
    assert all(timeout(d) == 90 for d in midnight)
    assert by_cron["0 19 * * *"] == {"dbt_daily"} and timeout("dbt_daily") == 360
    assert by_cron["15 20 * * *"] == {"sync_leaderboard_prod", "sync_leaderboard_staging"}
    assert by_cron["3 3 * * *"] == {"sync_time_series_prod"}
    assert by_cron["0 6 */7 * *"] == {"dbt_weekly"} and timeout("dbt_weekly") == 360


def test_no_duplicate_work(dagbag):
    """Two DAGs never swap the same table, send the same scrape variant or copy the same assets."""
    tables = Counter(t for d in dagbag.dags.values() for _, t in d.stir_sync_pairs)
    assert [t for t, n in tables.items() if n > 1] == []
    for attr in ("stir_scrape_specs", "stir_asset_specs", "stir_ops_tasks"):
        used = Counter(s for d in dagbag.dags.values() for s in getattr(d, attr, []))
        assert [s for s, n in used.items() if n > 1] == [], attr


def test_task_kinds_per_category(dagbag):
    """Sync DAGs run the builder's four steps per table; scrape/asset DAGs one task per variant."""
    for dag in dagbag.dags.values():
        if dag.stir_sync_pairs:
            assert len(dag.tasks) == 4 * len(dag.stir_sync_pairs), dag.dag_id
            for _, table in dag.stir_sync_pairs:
                assert dag.task_group_dict.get(table) is not None, (dag.dag_id, table)
        if dag.stir_upsert_pairs:
            assert len(dag.tasks) == 3 * len(dag.stir_upsert_pairs), dag.dag_id
            for _, table, _ in dag.stir_upsert_pairs:
                assert [t.task_id for t in dag.task_group_dict[table].children.values()] == [
                    f"{table}.export", f"{table}.download", f"{table}.upsert"], dag.dag_id
        for spec in getattr(dag, "stir_scrape_specs", []):
            assert f"request_{spec}" in dag.task_ids
        for spec in getattr(dag, "stir_asset_specs", []):
            assert f"upload_{spec}" in dag.task_ids
