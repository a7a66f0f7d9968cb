"""stir/tiers.py, the dbt DAGs and the dbt project agree: every enabled model runs in exactly one DAG.

Reads the manifest of a real `dbt parse` (into a temp target path, so concurrent dbt runs
don't clash); passes for whatever models exist, and keeps passing as more land.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from stir import config, tiers
from stir.airflow.marts import MODEL_TIERS


@pytest.fixture(scope="module")
def manifest(tmp_path_factory):
    work = tmp_path_factory.mktemp("dbt-parse")
    env = dict(os.environ, DBT_TARGET_PATH=str(work / "target"), DBT_LOG_PATH=str(work / "logs"),
               DBT_SEND_ANONYMOUS_USAGE_STATS="false", DO_NOT_TRACK="1")
    dbt = Path(sys.executable).parent / "dbt"
    proc = subprocess.run(
        [str(dbt), "parse", "--project-dir", str(config.DBT_PROJECT_DIR), "--profiles-dir",
         str(config.DBT_PROFILES_DIR), "--no-partial-parse"],
        env=env, capture_output=True, text=True, timeout=600, cwd=config.REPO_ROOT)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    return json.loads((work / "target" / "manifest.json").read_text())


def _models(manifest) -> dict[str, set[str]]:
    return {
        node["name"]: set(node["tags"])
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["config"].get("enabled", True)
    }


def _selected(tags: set[str], tier: tiers.Tier) -> bool:
    excluded = {e.removeprefix("tag:") for e in tier.exclude}
    return tier.tag in tags and not (tags & excluded)


def test_every_enabled_model_has_exactly_one_tier_tag(manifest):
    models = _models(manifest)
    assert models, "dbt parse found no models"
    wrong = {name: sorted(tags & tiers.TIER_TAGS) for name, tags in models.items()
             if "deprecated" not in tags and len(tags & tiers.TIER_TAGS) != 1}
    assert wrong == {}


def test_every_model_is_run_by_exactly_one_dbt_dag(dagbag, manifest):
    """Applying each dbt DAG's own select/exclude to the manifest tags."""
    dbt_dags = [d for d in dagbag.dags.values() if d.stir_category == "dbt"]
    runs = {name: [] for name in _models(manifest)}
    for dag in dbt_dags:
        tier = tiers.BY_DAG[dag.dag_id]
        assert dag.stir_dbt_select == [f"tag:{tier.tag}"] and dag.stir_dbt_exclude == list(tier.exclude)
        for name, tags in _models(manifest).items():
            if _selected(tags, tier):
                runs[name].append(dag.dag_id)
    bad = {name: dags for name, dags in runs.items() if len(dags) != 1 and "deprecated" not in _models(manifest)[name]}
    assert bad == {}


def test_every_tier_tag_in_use_has_one_dag_and_every_selected_tag_exists(dagbag, manifest):
    used = set().union(*_models(manifest).values()) & tiers.TIER_TAGS
    selecting = {}
    for dag in dagbag.dags.values():
        for sel in getattr(dag, "stir_dbt_select", []):
            selecting.setdefault(sel.removeprefix("tag:"), []).append(dag.dag_id)
    assert all(len(v) == 1 for v in selecting.values()), selecting
    assert set(selecting) == tiers.TIER_TAGS
    assert used == set(selecting), f"selected but unused: {set(selecting) - used}, unscheduled: {used - set(selecting)}"


def test_model_tiers_match_the_plan(manifest):
    mismatched = {
        name: (sorted(tags & tiers.TIER_TAGS), MODEL_TIERS[name])
        for name, tags in _models(manifest).items()
        if name in MODEL_TIERS and MODEL_TIERS[name] not in tags
    }
    assert mismatched == {}
    unplanned = sorted(set(_models(manifest)) - set(MODEL_TIERS))
    assert unplanned == []
