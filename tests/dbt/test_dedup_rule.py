"""The dedup rule (stir/dedup_rule.py, docs/engineering.md): every read of a
ReplacingMergeTree relation says FINAL or documents its own dedup.

Checked on the compiled SQL of every model and data test (a real `dbt compile` against an
empty embedded server), on the SQL the Airflow tasks and the sync run, and on what a sync
export of each catalogued ReplacingMergeTree mart reads. tests/sync/test_merges_stopped.py
checks the incremental branches, compiled after a build.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from stir import dedup_rule
from stir.airflow.sync_pairs import SYNC_PAIRS
from stir.config import REPO_ROOT
from stir.generate.testing import apply_sources
from stir.sync import export


@pytest.fixture(scope="module")
def manifest(ch, dbt) -> dict:
    apply_sources(ch)
    dbt("compile", "--threads", "2")
    return json.loads((dbt.workdir / "target" / "manifest.json").read_text())


@pytest.fixture(scope="module")
def rmt(manifest) -> set[str]:
    names = dedup_rule.dedup_relations(manifest)
    assert {"mart_insta_account_weekly", "stg_beat_instagram_post", "mart_instagram_post"} <= names
    return names


def test_every_model_and_test_reads_replacing_merge_trees_dedup_safe(manifest, rmt):
    assert dedup_rule.uncompiled(manifest) == []
    assert dedup_rule.violations(manifest) == {}


def test_generic_tests_of_replacing_merge_tree_models_read_final(manifest, rmt):
    tests = [n for n in manifest["nodes"].values() if n["resource_type"] == "test" and n.get("test_metadata")
             and n["test_metadata"]["name"] in ("unique_combination", "not_null")
             and any(dep.split(".")[-1] in rmt for dep in n["depends_on"]["nodes"])]
    assert tests
    missing = [t["name"] for t in tests if " final)" not in t["compiled_code"]]
    assert missing == []


def test_the_guard_names_a_planted_violation(manifest, rmt):
    planted = copy.deepcopy(manifest)
    node = next(n for n in planted["nodes"].values() if n["name"] == "mart_genre_growth")
    node["compiled_code"] = node["compiled_code"].replace(
        "`dbt`.`mart_insta_account_weekly` final", "`dbt`.`mart_insta_account_weekly`")
    found = dedup_rule.violations(planted)
    assert list(found) == ["mart_genre_growth"]
    assert "mart_insta_account_weekly" in found["mart_genre_growth"][0]


@pytest.mark.parametrize("sql, ok", [
    ("select * from dbt.mart_x", False),
    ("select * from `dbt`.`mart_x` where a = 1", False),
    ("select * from dbt.mart_x_other", True),                       # another relation
    ("select * from dbt.mart_x final", True),
    ("select * from `dbt`.`mart_x` AS w FINAL where 1", True),
    ("select * from dbt.mart_x w final", True),
    ("select * from dbt.mart_x where final = 1", False),            # a column named final
    ("select max(ts) from dbt.mart_x /* dedup: max */", True),
    ("/* dedup: argMax per key */\nselect k,\n argMax(v, ts)\nfrom dbt.mart_x group by k", True),
    ("/* dedup: too far above */\n\n\n\nfrom dbt.mart_x", False),
    ("select 1 /* not a dedup note */ from dbt.mart_x", False),
    # a batch slot names the relation it plans batches from; the read itself says FINAL
    ("select * from dbt.mart_x final where 1 = 1 /* stir_batch:range:k:`dbt`.`mart_x` */", True),
    ("select * from dbt.mart_x where 1 = 1 /* stir_batch:range:k:`dbt`.`mart_x` */", False),
])
def test_read_rule_cases(sql, ok):
    assert (dedup_rule.read_violations(sql, {"mart_x"}) == []) is ok


# Generated model -> table names for Asset URIs: data, not SQL that reads the tables.
NOT_SQL = {"stir/airflow/tier_models.py"}


def test_python_task_sql_reads_replacing_merge_trees_dedup_safe(rmt):
    found = {}
    for path in sorted((REPO_ROOT / "stir").rglob("*.py")) + sorted((REPO_ROOT / "dags").rglob("*.py")):
        if str(path.relative_to(REPO_ROOT)) in NOT_SQL:
            continue
        bad = dedup_rule.read_violations(path.read_text(encoding="utf-8"), rmt)
        if bad:
            found[str(path.relative_to(REPO_ROOT))] = bad
    assert found == {}


def test_sync_exports_of_replacing_merge_tree_marts_read_final(manifest, rmt):
    engines = {n["name"]: n["config"].get("engine") for n in manifest["nodes"].values()
               if n["resource_type"] == "model"}
    synced = {mart for _dag, mart, _table in SYNC_PAIRS}
    assert synced <= set(engines), sorted(synced - set(engines))
    for mart in sorted(synced):
        columns = [export.Column("k", "bigint", "Int64")]
        sql = export.select_sql(mart, columns, "typed", None, "dbt", engines[mart])
        assert sql.endswith(" FINAL") is (mart in rmt), (mart, sql)
    assert synced & rmt, "no catalogued sync reads a ReplacingMergeTree mart: the check is vacuous"


def test_rule_is_written_down():
    text = Path(REPO_ROOT / "docs" / "engineering.md").read_text(encoding="utf-8")
    assert "/* dedup:" in text and "FINAL" in text
