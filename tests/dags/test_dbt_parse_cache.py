"""The dbt parse cache (stir/airflow/dbt_parse_cache.py) through the real tier operator and dbt.

Each run is StirDbtRunOperator.execute() on a copy of gcc_social against the chDB-backed
server; assertions read dbt's own account of its parse (its UnableToPartialParse /
PartialParsingEnabled / ParsedFileLoadFailed events), not timings.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap

import pytest

from stir import config

MODEL = "stg_beat_instagram_account"
MODEL_SQL = f"models/staging/beat/{MODEL}.sql"


@pytest.fixture
def project(tmp_path, warehouse, monkeypatch):
    server, _, _ = warehouse
    copy = tmp_path / "gcc_social"
    shutil.copytree(config.DBT_PROJECT_DIR, copy, ignore=shutil.ignore_patterns("target", "logs"))
    for name, value in {"STIR_CH_HOST": server.host, "STIR_CH_PORT": str(server.port), "STIR_DBT_TARGET": "dev",
                        "DBT_LOG_PATH": str(tmp_path / "logs"), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
                        "DO_NOT_TRACK": "1", "STIR_DBT_PARSE_CACHE_DIR": str(tmp_path / "cache")}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("DBT_TARGET_PATH", raising=False)
    monkeypatch.delenv("STIR_DBT_PARSE_CACHE", raising=False)
    return copy


def run_tier_task(project_dir, model=MODEL):
    from stir.airflow.dbt import PROFILE
    from stir.airflow.dbt_operator import StirDbtRunOperator

    op = StirDbtRunOperator(task_id="dbt_run_probe", project_dir=str(project_dir), profiles_dir=str(project_dir),
                            profile=PROFILE, target="dev", select=[model], exclude=["tag:deprecated"])
    results = op.execute({})
    from airflow.sdk.serde import serialize

    serialize(results)  # what Airflow pushes to XCom must stay serializable
    return op.dbt_hook.last_parse


def cache_entries(tmp_path):
    return sorted((tmp_path / "cache").glob("*.msgpack"))


def test_second_run_reuses_state_and_an_edit_invalidates_it(project, tmp_path, warehouse):
    _, ch, _ = warehouse
    first = run_tier_task(project)
    assert first.full_reasons, "a cold cache must be a full parse"
    assert first.warnings == [], "a full parse of the project must not warn (e.g. order_by as a custom key)"
    assert len(cache_entries(tmp_path)) == 1

    second = run_tier_task(project)
    assert second.full_reasons == [] and second.load_failed is None, second.describe()

    sql = project / MODEL_SQL
    sql.write_text(sql.read_text().replace("    scrape_count\nfrom scrapes",
                                           "    scrape_count,\n    1 as parse_cache_probe\nfrom scrapes"))
    third = run_tier_task(project)
    assert third.full_reasons, "an edited model must not reuse the old state"
    columns = {r[0] for r in ch.query(f"SELECT name FROM system.columns WHERE database = 'dbt' AND table = '{MODEL}'")
               .result_rows}
    assert "parse_cache_probe" in columns
    assert len(cache_entries(tmp_path)) == 2


def test_corrupt_cache_falls_back_to_a_full_parse(project, tmp_path):
    run_tier_task(project)
    (entry,) = cache_entries(tmp_path)
    entry.write_bytes(b"\x93not a manifest" * 100)

    fallback = run_tier_task(project)
    assert fallback.load_failed or fallback.full_reasons, fallback.describe()
    again = run_tier_task(project)  # the fallback parse repaired the entry
    assert again.full_reasons == [] and again.load_failed is None, again.describe()


def test_two_tasks_at_once_share_the_cache(project, tmp_path):
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(config.REPO_ROOT / 'tests' / 'dags')!r})
        from test_dbt_parse_cache import run_tier_task
        run_tier_task({str(project)!r}, sys.argv[1])
    """)
    # Two tiers at the same moment: different models (one model built twice at once would
    # collide on dbt's own __dbt_backup table, which no schedule does), one shared cache.
    models = [MODEL, "stg_beat_instagram_hashtag"]
    procs = [subprocess.Popen([sys.executable, "-c", script, model], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True) for model in models]
    outputs = [p.communicate(timeout=600)[0] for p in procs]
    for proc, out in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, out[-3000:]
    (entry,) = cache_entries(tmp_path)
    assert not list((tmp_path / "cache").glob(".*.tmp"))
    reused = run_tier_task(project)
    assert reused.full_reasons == [] and reused.load_failed is None, reused.describe()


def test_key_follows_project_content_profile_and_target(tmp_path):
    from stir.airflow.dbt_parse_cache import project_key

    proj = tmp_path / "p"
    (proj / "models").mkdir(parents=True)
    (proj / "dbt_project.yml").write_text("name: p\n")
    (proj / "models" / "m.sql").write_text("select 1")
    key = project_key(proj, profile="gcc", target="dev", dbt_version="1.11")
    (proj / "target").mkdir()
    (proj / "target" / "partial_parse.msgpack").write_bytes(b"x")
    (proj / "logs").mkdir()
    (proj / "logs" / "dbt.log").write_text("noise")
    assert project_key(proj, profile="gcc", target="dev", dbt_version="1.11") == key
    assert project_key(proj, profile="gcc", target="production", dbt_version="1.11") != key
    assert project_key(proj, profile="gcc", target="dev", dbt_version="1.12") != key
    (proj / "models" / "m.sql").write_text("select 2")
    assert project_key(proj, profile="gcc", target="dev", dbt_version="1.11") != key
