"""docs/dags.md (the catalogue people read) and the code agree; marts.py agrees with docs/models.md."""

from __future__ import annotations

import re

from stir import config
from stir.airflow import constants
from stir.airflow.marts import MODEL_TIERS
from stir.airflow.sync_pairs import SYNC_PAIRS, UPSERT_PAIRS

CATALOGUE = config.REPO_ROOT / "docs" / "dags.md"
PAIR = re.compile(r"`(mart_[a-z0-9_]+)` -> `([a-z0-9_]+)`")
UPSERT = re.compile(r"`(mart_[a-z0-9_]+)` ~> `([a-z0-9_]+)` by `([a-z0-9_]+)`")


def parse_catalogue() -> dict[str, dict]:
    rows, in_table = {}, False
    for line in CATALOGUE.read_text(encoding="utf-8").splitlines():
        if line.startswith("| dag_id |"):
            in_table = True
            continue
        if in_table and not line.startswith("|"):
            break  # the DAG table ended
        if not in_table or line.startswith("|---"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        dag_id, category, schedule, timeout, purpose, pairs = cells
        assert dag_id not in rows, f"{dag_id} listed twice"
        rows[dag_id] = {
            "category": constants.CATEGORY_BY_LABEL[category],
            "schedule": schedule.strip("`"),
            "timeout": int(timeout),
            "purpose": purpose,
            "pairs": PAIR.findall(pairs),
            "upserts": UPSERT.findall(pairs),
        }
    return rows


def test_catalogue_lists_every_dag_as_coded(dagbag):
    catalogue = parse_catalogue()
    assert set(catalogue) == set(dagbag.dags)
    for dag_id, row in catalogue.items():
        dag = dagbag.dags[dag_id]
        assert row["category"] == dag.stir_category, dag_id
        assert row["schedule"] == getattr(dag.timetable, "timetable", dag.timetable).expression, dag_id
        assert row["timeout"] == dag.stir_timeout_minutes, dag_id
        assert row["pairs"] == list(dag.stir_sync_pairs), dag_id
        assert row["upserts"] == list(dag.stir_upsert_pairs), dag_id
        assert len(row["purpose"]) > 30, dag_id


def test_category_summary_matches_constants():
    text = CATALOGUE.read_text(encoding="utf-8")
    for label, n in constants.CATEGORIES.values():
        assert f"| {label} | {n} |" in text


def test_runtime_pairs_are_the_catalogue_and_the_dags(dagbag):
    """verify_pg_sync_counts reads stir/airflow/sync_pairs.py: it lists what docs/dags.md and the DAGs say."""
    catalogue = [(dag_id, m, t) for dag_id, row in parse_catalogue().items() for m, t in row["pairs"]]
    assert list(SYNC_PAIRS) == catalogue
    coded = sorted((d.dag_id, *p) for d in dagbag.dags.values() for p in d.stir_sync_pairs)
    assert sorted(SYNC_PAIRS) == coded
    upserts = [(dag_id, *u) for dag_id, row in parse_catalogue().items() for u in row["upserts"]]
    assert list(UPSERT_PAIRS) == upserts and len(upserts) == 6
    assert sorted(UPSERT_PAIRS) == sorted((d.dag_id, *u) for d in dagbag.dags.values() for u in d.stir_upsert_pairs)


def test_every_partial_mart_reaches_a_table_its_full_mart_is_swapped_into():
    """The partial tier has readers: each of its marts upserts into the table its full mart feeds."""
    from stir.airflow.tier_models import TIER_MODELS
    from stir.sync.upsert import full_mart

    swapped = {(m, t) for _d, m, t in SYNC_PAIRS}
    assert {m for _d, m, _t, _k in UPSERT_PAIRS} == set(TIER_MODELS["post_ranker_partial"])
    for _dag, mart, table, _key in UPSERT_PAIRS:
        assert (full_mart(mart), table) in swapped, (mart, table)


def test_mart_registry_matches_models_md():
    planned = {}
    for line in (config.REPO_ROOT / "docs" / "models.md").read_text(encoding="utf-8").splitlines():
        m = re.match(r"\|\s*((?:mart|stg)_[a-z0-9_]+)\s*\|", line)
        if m:
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            planned[m.group(1)] = next(c for c in cells[1:] if c in {t for t in MODEL_TIERS.values()})
    assert planned == MODEL_TIERS
    assert sum(n.startswith("mart_") for n in planned) == 83 and sum(n.startswith("stg_") for n in planned) == 29
