"""Airflow's parsing context: a parse for one dag_id builds that DAG only (stir/airflow/parsing.py).

`airflow tasks test` / `dags test` and task processes parse with the context set; the DAG
processor (and the dagbag fixture of test_dagbag.py, every DAG) parses without it.
"""

from __future__ import annotations

import pytest

from stir import config
from stir.airflow.assets import asset_dag
from stir.airflow.dbt import dbt_tier_dag
from stir.airflow.ops import ops_dag
from stir.airflow.scrape import scrape_dag
from stir.airflow.syncdag import sync_dag, upsert_dag

CONTEXT_VAR = "_AIRFLOW_PARSING_CONTEXT_DAG_ID"  # what airflow.sdk.get_parsing_context() reads


def test_a_parse_for_one_dag_builds_that_dag_only(monkeypatch):
    from airflow.dag_processing.dagbag import DagBag

    # monkeypatch, not Airflow's context manager: that one leaves the variable set when it
    # was unset before, and every later DagBag of the session would hold one DAG
    monkeypatch.setenv(CONTEXT_VAR, "dbt_recent_scl")
    monkeypatch.setenv("_AIRFLOW_PARSING_CONTEXT_TASK_ID", "dbt_run_recent_scl")
    bag = DagBag(str(config.DAGS_DIR))
    assert bag.import_errors == {}
    assert list(bag.dags) == ["dbt_recent_scl"]
    assert bag.dags["dbt_recent_scl"].task_ids == ["dbt_run_recent_scl"]


@pytest.mark.parametrize("builder", [asset_dag, dbt_tier_dag, ops_dag, scrape_dag, sync_dag, upsert_dag])
def test_every_builder_skips_a_dag_the_context_does_not_name(builder, monkeypatch):
    # Arguments that would fail validation: a skipped DAG is not even validated.
    monkeypatch.setenv(CONTEXT_VAR, "some_other_dag")
    assert builder(dag_id="not_requested", schedule="bogus", timeout_minutes=-1, doc_md=None) is None


def test_the_named_dag_is_built_and_validated(monkeypatch):
    from stir.airflow.validate import DagParameterError

    monkeypatch.setenv(CONTEXT_VAR, "dbt_core")
    with pytest.raises(DagParameterError):
        dbt_tier_dag(tier="core", dag_id="dbt_core", schedule="bogus", timeout_minutes=60, doc_md="x")
