"""Assets from dbt models to syncs (stir/airflow/lineage.py, generated stir/airflow/tier_models.py).

The generated module equals what a fresh `dbt parse` manifest gives; each tier DAG's run task
declares exactly its models; each sync DAG waits on its marts or its cron; a tier the batch
window skips emits no Asset event (so no sync starts), one that runs does.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from stir import tiers
from stir.airflow import lineage

PROBES = Path(__file__).parent / "probe_dags"


@pytest.fixture(scope="module")
def manifest(tmp_path_factory):
    return lineage.parse_manifest(tmp_path_factory.mktemp("dbt-parse-lineage"))


def test_generated_module_matches_a_fresh_manifest(manifest):
    assert lineage.render(manifest) == lineage.GENERATED.read_text(), (
        "stir/airflow/tier_models.py is out of date: run `python -m stir.airflow.lineage`")


def test_each_tier_dag_declares_one_asset_per_model_it_builds(dagbag, manifest):
    by_tier, tables = lineage.tier_models_from_manifest(manifest)
    for tier in tiers.TIERS:
        task = dagbag.dags[tier.dag_id].get_task(f"dbt_run_{tier.tag}")
        got = {(a.name, a.uri) for a in task.outlets}
        want = {(m, f"x-clickhouse://clickhouse_gcc/{tables[m].replace('.', '/')}") for m in by_tier[tier.tag]}
        assert got == want and want, tier.tag
    assert "mart_leaderboard" in by_tier["daily"]


def test_uris_are_kept_verbatim_and_need_no_provider():
    from airflow.sdk import Asset

    uri = lineage.asset_uri("mart_leaderboard")
    assert uri == "x-clickhouse://clickhouse_gcc/dbt/mart_leaderboard"
    assert Asset(name="x", uri=uri).uri == uri


def test_each_sync_dag_waits_on_its_marts_or_its_cron(dagbag):
    from airflow.sdk import AssetOrTimeSchedule, CronTriggerTimetable

    from stir.airflow.tier_models import MODEL_TIER

    sync_dags = [d for d in dagbag.dags.values() if d.stir_sync_pairs or d.stir_upsert_pairs]
    assert len(sync_dags) >= 40
    for dag in sync_dags:
        marts = {p[0] for p in [*dag.stir_sync_pairs, *dag.stir_upsert_pairs] if p[0] in MODEL_TIER}
        tt = dag.timetable
        assert isinstance(tt, AssetOrTimeSchedule), dag.dag_id
        assert isinstance(tt.timetable, CronTriggerTimetable)
        assert f"Schedule `{tt.timetable.expression}` UTC" in dag.doc_md, dag.dag_id  # the file's own cron
        names = {a.name for a in tt.asset_condition.objects}
        assert names == marts, dag.dag_id
    leaderboard = dagbag.dags["sync_leaderboard_prod"].timetable
    assert leaderboard.timetable.expression == "15 20 * * *"
    assert {a.uri for a in leaderboard.asset_condition.objects} == {
        "x-clickhouse://clickhouse_gcc/dbt/mart_leaderboard"}


def _events(uris: list[str]) -> int:
    from airflow.models.asset import AssetEvent, AssetModel
    from airflow.utils.session import create_session
    from sqlalchemy import func, select

    with create_session() as session:
        return session.scalar(select(func.count()).select_from(AssetEvent).join(
            AssetModel, AssetModel.id == AssetEvent.asset_id).where(AssetModel.uri.in_(uris)))


def test_a_skipped_tier_emits_no_asset_event_and_a_run_one_does(airflow_db, monkeypatch):
    from airflow.dag_processing.dagbag import DagBag

    from stir.airflow import batch_window

    uris = [a.uri for a in lineage.tier_outlets("hourly")]
    dag = DagBag(str(PROBES / "asset_probe.py")).dags["asset_probe"]
    before = _events(uris)
    skipped = dag.test(run_conf={"run": False})
    assert _states(skipped) == {"check_batch_window": "success", "dbt_run_hourly": "skipped"}
    assert _events(uris) == before
    ran = dag.test(run_conf={"run": True})
    assert _states(ran) == {"check_batch_window": "success", "dbt_run_hourly": "success"}
    assert _events(uris) == before + len(uris)

    # The real tier DAG, inside the batch window: its dbt task is skipped, nothing emitted.
    monkeypatch.setattr(batch_window, "_utcnow", lambda: dt.datetime(2026, 3, 14, 20, 0, tzinfo=dt.timezone.utc))
    hourly = DagBag(str(lineage.config.DAGS_DIR / "dbt" / "dbt_hourly.py")).dags["dbt_hourly"]
    run = hourly.test(logical_date=dt.datetime(2026, 3, 14, 20, 0, 5, tzinfo=dt.timezone.utc))
    assert _states(run) == {"check_batch_window": "success", "dbt_run_hourly": "skipped"}
    assert _events(uris) == before + len(uris)


def _states(run) -> dict[str, str]:
    return {ti.task_id: str(getattr(ti.state, "value", ti.state)) for ti in run.get_task_instances()}


def test_tier_dag_docs_link_each_model_to_the_ui_dbt_docs(dagbag):
    from stir.airflow.tier_models import TIER_MODELS

    doc = dagbag.dags["dbt_daily"].doc_md
    assert "## Triage" in doc
    for model in TIER_MODELS["daily"]:
        assert f"](/stir/dbt-docs/#!/model/model.gcc_social.{model})" in doc


def test_every_asset_a_sync_waits_on_has_exactly_one_producing_tier(dagbag):
    producers: dict[str, list[str]] = {}
    for tier in tiers.TIERS:
        for asset in dagbag.dags[tier.dag_id].get_task(f"dbt_run_{tier.tag}").outlets:
            producers.setdefault(asset.uri, []).append(tier.dag_id)
    waited = {a.uri for d in dagbag.dags.values() if d.stir_sync_pairs or d.stir_upsert_pairs
              for a in d.timetable.asset_condition.objects}
    assert waited and {uri: producers.get(uri) for uri in waited if len(producers.get(uri, [])) != 1} == {}
