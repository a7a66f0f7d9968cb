"""dbt tier DAGs: one DAG per tier of stir/tiers.py running `dbt run --select tag:<tier>`."""

from __future__ import annotations

from stir import config, tiers
from stir.airflow.constants import dbt_tier_tag
from stir.airflow.factory import stir_dag
from stir.airflow.parsing import only_if_requested
from stir.airflow.validate import DagParameterError

PROFILE = "gcc_warehouse"


DBT_DOCS_URL = "/stir/dbt-docs/#!/model/model.gcc_social."


def _with_model_links(doc_md: str | None, tier: str) -> str | None:
    """The file's doc plus one link per model the tier builds, to its page in the UI's dbt docs."""
    from stir.airflow.tier_models import TIER_MODELS

    if not doc_md:
        return doc_md
    links = ", ".join(f"[{m}]({DBT_DOCS_URL}{m})" for m in TIER_MODELS.get(tier, ()))
    return f"{doc_md.rstrip()}\n\n## Models (dbt docs)\n\n{links}\n"


@only_if_requested
def dbt_tier_dag(*, tier: str, dag_id: str, schedule: str, timeout_minutes: int, doc_md: str | None):
    """The DAG for one tier; the file's schedule/timeout must match stir/tiers.py (the one source)."""
    spec = tiers.BY_TAG.get(tier)
    if spec is None:
        raise DagParameterError(f"{dag_id}: unknown dbt tier {tier!r}; known: {', '.join(sorted(tiers.BY_TAG))}")
    mismatches = [
        f"{name} {got!r} != stir/tiers.py {want!r}"
        for name, got, want in (
            ("dag_id", dag_id, spec.dag_id),
            ("schedule", schedule, spec.schedule),
            ("timeout_minutes", timeout_minutes, spec.timeout_minutes),
        )
        if got != want
    ]
    if mismatches:
        raise DagParameterError(f"{dag_id}: tier {tier!r}: " + "; ".join(mismatches))

    from airflow.providers.standard.operators.python import ShortCircuitOperator

    from stir.airflow.batch_window import outside_batch_window
    from stir.airflow.dbt_operator import StirDbtRunOperator
    from stir.airflow.lineage import tier_outlets

    with stir_dag(
        dag_id=dag_id,
        category="dbt",
        schedule=schedule,
        timeout_minutes=timeout_minutes,
        doc_md=_with_model_links(doc_md, tier),
        extra_tags=[dbt_tier_tag(tier)],
    ) as dag:
        run = StirDbtRunOperator(
            task_id=f"dbt_run_{tier}",
            project_dir=str(config.DBT_PROJECT_DIR),
            profiles_dir=str(config.DBT_PROFILES_DIR),
            profile=PROFILE,
            target=config.DBT_TARGET,
            select=[f"tag:{tier}"],
            exclude=list(spec.exclude),
            # dbt gets the whole run budget; a retry after a timeout would double the load.
            retries=0,
            # One Asset per model built: an event on success only, so a run the batch window
            # skipped (ShortCircuit upstream) triggers no sync.
            outlets=tier_outlets(tier),
        )
        if spec.skip_batch_window:
            check = ShortCircuitOperator(task_id="check_batch_window", python_callable=outside_batch_window)
            check >> run
    dag.stir_dbt_tier = tier
    dag.stir_dbt_select = [f"tag:{tier}"]
    dag.stir_dbt_exclude = list(spec.exclude)
    return dag
