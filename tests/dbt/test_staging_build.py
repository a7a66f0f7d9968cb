"""All 29 staging models build on generated data with every data test passing, carry
exactly the tier the catalogue gives them, and remove the source duplicates."""

from __future__ import annotations

import json
import re
from datetime import datetime

import pytest

from stir.config import REPO_ROOT
from stir.generate.generator import generate
from stir.generate.world import World
from stir.tiers import TIER_TAGS

ANCHOR = datetime(2026, 11, 2, 18, 0, 0)
INCREMENTAL = {
    "stg_beat_instagram_post", "stg_beat_instagram_account_time_series", "stg_beat_youtube_video",
    "stg_beat_youtube_channel_time_series", "stg_beat_scrape_request_log",
}


@pytest.fixture(scope="module")
def ch_server():
    from stir.chserver.testing import running_server

    with running_server() as server:
        yield server


@pytest.fixture(scope="module")
def built(ch, dbt):
    for _ in generate(ch, World(seed=11, anchor=ANCHOR, creators=300)):
        pass
    dbt("build", "--select", "staging", "--indirect-selection", "cautious")
    target = dbt.workdir / "target"
    return json.loads((target / "run_results.json").read_text()), json.loads((target / "manifest.json").read_text())


def catalogue_tiers() -> dict[str, str]:
    """model -> tier from the staging tables in docs/models.md."""
    text = (REPO_ROOT / "docs" / "models.md").read_text()
    staging = text[text.index("## staging/beat"):text.index("## marts")]
    return {m.group(1): m.group(2) for m in re.finditer(r"^\| (stg_\w+) \|.*\| (\w+) \|$", staging, re.M)}


def staging_nodes(manifest):
    return {n["name"]: n for n in manifest["nodes"].values()
            if n["resource_type"] == "model" and n["name"].startswith("stg_")}


def test_build_runs_every_staging_model_and_test_cleanly(built):
    results, manifest = built
    statuses = {r["unique_id"]: r["status"] for r in results["results"]}
    models = [u for u in statuses if u.startswith("model.")]
    tests = [u for u in statuses if u.startswith("test.")]
    assert len(models) == 29
    assert len(tests) > 150
    not_clean = {u: s for u, s in statuses.items() if s not in ("success", "pass")}
    assert not_clean == {}, "warnings count too: the generated data satisfies every relationship"


def test_each_staging_model_has_exactly_its_catalogue_tier(built):
    _, manifest = built
    expected = catalogue_tiers()
    nodes = staging_nodes(manifest)
    assert set(nodes) == set(expected) and len(expected) == 29
    actual = {name: sorted(set(n["tags"]) & TIER_TAGS) for name, n in nodes.items()}
    assert actual == {name: [tier] for name, tier in expected.items()}


def test_incremental_models_are_replacing_merge_trees_and_the_rest_tables(built):
    _, manifest = built
    for name, node in staging_nodes(manifest).items():
        config = node["config"]
        if name in INCREMENTAL:
            assert config["materialized"] == "incremental" and config["incremental_strategy"] == "append", name
            assert config["engine"].startswith("ReplacingMergeTree("), name
        else:
            assert config["materialized"] == "table", name
        assert config.get("order_by"), name


def test_source_duplicates_vanish_in_staging(built, ch):
    raw_rows, raw_scrapes = ch.query(
        "SELECT count(), uniqExact(shortcode, updated_at) FROM beat.instagram_post").result_rows[0]
    staged, staged_keys = ch.query(
        "SELECT count(), uniqExact(shortcode, updated_at) FROM dbt.stg_beat_instagram_post FINAL").result_rows[0]
    assert raw_rows > raw_scrapes == staged == staged_keys
    accounts = ch.query("SELECT uniqExact(profile_id) FROM beat.instagram_account").result_rows[0][0]
    assert ch.query("SELECT count() FROM dbt.stg_beat_instagram_account").result_rows[0][0] == accounts
    series_raw = ch.query("SELECT count() - uniqExact(profile_id, date) FROM beat.instagram_account_time_series").result_rows[0][0]
    series = ch.query("SELECT count() - uniqExact(profile_id, date) FROM dbt.stg_beat_instagram_account_time_series FINAL").result_rows[0][0]
    assert series_raw > 0 and series == 0


def test_deleted_rows_and_url_short_codes_are_cleaned(built, ch):
    deleted = ch.query("""
        SELECT count() FROM (SELECT id, argMax(deleted, updated_at) d FROM coffee.post_collection_item GROUP BY id)
        WHERE d = 1""").result_rows[0][0]
    leaked = ch.query("""
        SELECT count() FROM dbt.stg_coffee_post_collection_item
        WHERE id IN (SELECT id FROM coffee.post_collection_item WHERE deleted = 1)""").result_rows[0][0]
    assert deleted > 0 and leaked == 0
    urls = ch.query("SELECT countIf(short_code LIKE '%/%' OR short_code LIKE '%?%') FROM dbt.stg_coffee_post_collection_item").result_rows[0][0]
    assert urls == 0
    matched, instagram = ch.query("""
        SELECT countIf(short_code IN (SELECT shortcode FROM dbt.stg_beat_instagram_post)), count()
        FROM dbt.stg_coffee_post_collection_item WHERE platform = 'INSTAGRAM' AND is_valid_short_code""").result_rows[0]
    assert matched == instagram > 0
