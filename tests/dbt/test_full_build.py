"""The whole project builds end to end on generated data: every model and every data
test of `dbt build` passes, `dbt docs generate` writes a catalog of all models, and a
second `dbt build` over the same data (incremental models now appending into their
existing tables) leaves every model's row count and key set unchanged.

One fresh server for the module. The anchor is the current hour (the generator's
default, passed explicitly): models compare against now(), so data anchored in the
past would leave their "last hours / last 90 days" windows empty and test nothing.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from stir.generate.generator import generate
from stir.generate.world import World

pytestmark = pytest.mark.slow

CREATORS = 1500
SEED = 23
ANCHOR = datetime.now(UTC).replace(minute=0, second=0, microsecond=0, tzinfo=None)
BUILD_TIMEOUT = 2400
UNIQUENESS_TESTS = ("unique", "unique_combination")


@pytest.fixture(scope="module")
def ch_server():
    from stir.chserver.testing import running_server

    with running_server() as server:
        yield server


def read_target(dbt, name: str) -> dict:
    return json.loads((dbt.workdir / "target" / name).read_text())


def model_nodes(manifest: dict) -> dict[str, dict]:
    return {n["unique_id"]: n for n in manifest["nodes"].values() if n["resource_type"] == "model"}


def uniqueness_keys(manifest: dict) -> dict[str, list[tuple[str, ...]]]:
    """model unique_id -> column tuples of its uniqueness tests (the model's grain)."""
    keys: dict[str, list[tuple[str, ...]]] = {}
    for t in manifest["nodes"].values():
        meta = t.get("test_metadata") or {}
        if t["resource_type"] != "test" or meta.get("name") not in UNIQUENESS_TESTS:
            continue
        cols = (t["column_name"],) if meta["name"] == "unique" else tuple(meta["kwargs"]["combination_of_columns"])
        keys.setdefault(t["attached_node"], []).append(cols)
    return keys


def relations(ch, database: str) -> dict[str, dict]:
    rows = ch.query("select name, engine, toString(uuid) from system.tables where database = {db:String}",
                    parameters={"db": database}).result_rows
    return {name: {"engine": engine, "uuid": uuid} for name, engine, uuid in rows}


def snapshot(ch, manifest: dict) -> dict[str, dict]:
    """Per model: row count and, per uniqueness key, a hash of the sorted key values.
    ReplacingMergeTree models are read with FINAL: an incremental append may leave
    re-read rows in unmerged parts, but FINAL is what the model promises."""
    keys = uniqueness_keys(manifest)
    tables = relations(ch, "dbt")
    out = {}
    for uid, node in model_nodes(manifest).items():
        name = node["alias"]
        final = " FINAL" if "ReplacingMergeTree" in tables[name]["engine"] else ""
        hashes = [f"cityHash64(arraySort(groupArray(cityHash64({', '.join(f'`{c}`' for c in key)}))))"
                  for key in keys.get(uid, [])]
        row = ch.query(f"select count(){''.join(', ' + h for h in hashes)} from `dbt`.`{name}`{final}").result_rows[0]
        out[node["name"]] = {"rows": row[0], "key_hashes": dict(zip(map(",".join, keys.get(uid, [])), row[1:],
                                                                     strict=True))}
    return out


@pytest.fixture(scope="module")
def runs(ch, dbt):
    """Both builds, with what each left behind: run results, snapshot, relations."""
    for _ in generate(ch, World(seed=SEED, anchor=ANCHOR, creators=CREATORS)):
        pass
    dbt("build", timeout=BUILD_TIMEOUT)
    manifest = read_target(dbt, "manifest.json")
    first = {"results": read_target(dbt, "run_results.json"), "snapshot": snapshot(ch, manifest),
             "relations": relations(ch, "dbt")}
    docs = dbt("docs", "generate", timeout=BUILD_TIMEOUT)
    catalog = read_target(dbt, "catalog.json")
    dbt("build", timeout=BUILD_TIMEOUT)
    second = {"results": read_target(dbt, "run_results.json"), "snapshot": snapshot(ch, manifest),
              "relations": relations(ch, "dbt")}
    return {"manifest": manifest, "first": first, "second": second, "catalog": catalog, "docs": docs}


def statuses(run_results: dict) -> dict[str, str]:
    return {r["unique_id"]: r["status"] for r in run_results["results"]}


@pytest.mark.parametrize("which", ["first", "second"])
def test_build_runs_every_model_and_every_test_cleanly(runs, which):
    manifest = runs["manifest"]
    done = statuses(runs[which]["results"])
    expected = {u for u, n in manifest["nodes"].items() if n["resource_type"] in ("model", "test")}
    assert len([u for u in expected if u.startswith("model.")]) == 112
    assert sorted(expected - set(done)) == [], "nodes dbt build did not run"
    assert {u: s for u, s in done.items() if s not in ("success", "pass")} == {}


def test_docs_catalog_covers_every_model_with_its_columns(runs):
    catalog_nodes = runs["catalog"]["nodes"]
    models = model_nodes(runs["manifest"])
    assert sorted(set(models) - set(catalog_nodes)) == []
    assert sorted(u for u in models if not catalog_nodes[u]["columns"]) == []
    assert runs["catalog"]["errors"] in (None, [])


def test_every_model_has_rows(runs):
    """Generated data reaches every model; an empty mart would make the comparison vacuous."""
    empty = sorted(name for name, s in runs["first"]["snapshot"].items() if s["rows"] == 0)
    assert empty == []


def test_second_build_leaves_row_counts_and_key_sets_unchanged(runs):
    before, after = runs["first"]["snapshot"], runs["second"]["snapshot"]
    assert set(before) == set(after)
    changed = {name: {"before": before[name], "after": after[name]} for name in before
               if before[name] != after[name]}
    assert changed == {}


def test_every_model_key_is_hashed(runs):
    unkeyed = sorted(name for name, s in runs["first"]["snapshot"].items() if not s["key_hashes"])
    assert unkeyed == []


def test_incremental_models_append_into_their_existing_tables(runs):
    """Incremental models keep their table (same UUID) and run their incremental
    branch the second time; table models are rebuilt and swapped in (new UUID)."""
    models = model_nodes(runs["manifest"])
    first_rel, second_rel = runs["first"]["relations"], runs["second"]["relations"]
    compiled = [{r["unique_id"]: r.get("compiled_code") or "" for r in runs[w]["results"]["results"]}
                for w in ("first", "second")]
    incremental = {u: n for u, n in models.items() if n["config"]["materialized"] == "incremental"}
    assert incremental, "the catalogue has incremental models"
    recreated = sorted(n["name"] for n in incremental.values()
                       if first_rel[n["alias"]]["uuid"] != second_rel[n["alias"]]["uuid"])
    assert recreated == []
    same_sql = sorted(n["name"] for u, n in incremental.items() if compiled[0][u] == compiled[1][u])
    assert same_sql == [], "incremental models whose second run compiled the full-refresh SQL"
    tables = [n for n in models.values() if n["config"]["materialized"] == "table"]
    kept = sorted(n["name"] for n in tables if first_rel[n["alias"]]["uuid"] == second_rel[n["alias"]]["uuid"])
    assert kept == []
