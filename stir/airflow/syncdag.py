"""Sync DAGs: ClickHouse marts to PostgreSQL serving tables, one builder call per pair.

The mechanics (export, SSH download, guarded load and swap, vacuum) belong to the sync
engineer's builder in stir/airflow/sync.py; a DAG file only lists its (mart, table) pairs.
The DAG is scheduled on its marts' Assets (emitted by the dbt tier that builds them) or its
cron, whichever comes first (stir/airflow/lineage.py): it starts when a mart was rebuilt.
"""

from __future__ import annotations

from dataclasses import dataclass

from stir.airflow.parsing import only_if_requested
from stir.airflow.validate import DagParameterError, check_mart, check_table


@dataclass(frozen=True)
class SyncPair:
    mart: str
    table: str
    enrich: str | None = None
    where: str | None = None
    min_ratio: float = 0.5


@only_if_requested
def sync_dag(*, dag_id: str, category: str, schedule: str, timeout_minutes: int, doc_md: str | None,
             pairs: list[SyncPair]):
    from stir.airflow.factory import stir_dag

    if not pairs:
        raise DagParameterError(f"{dag_id}: a sync DAG needs at least one (mart, table) pair")
    tables = [p.table for p in pairs]
    if len(set(tables)) != len(tables):
        raise DagParameterError(f"{dag_id}: a PostgreSQL table is listed twice: {tables}")
    for pair in pairs:
        check_mart(dag_id, pair.mart)
        check_table(dag_id, pair.table)
        if not 0 <= pair.min_ratio <= 1:
            raise DagParameterError(f"{dag_id}: min_ratio {pair.min_ratio} for {pair.table} must be in [0, 1]")

    from stir.airflow.lineage import sync_schedule
    from stir.airflow.sync import clickhouse_to_postgres

    with stir_dag(dag_id=dag_id, category=category, schedule=schedule, timeout_minutes=timeout_minutes,
                  doc_md=doc_md, timetable=sync_schedule(schedule, [p.mart for p in pairs])) as dag:
        for pair in pairs:
            clickhouse_to_postgres(mart=pair.mart, table=pair.table, enrich=pair.enrich, where=pair.where,
                                   min_ratio=pair.min_ratio)
    dag.stir_sync_pairs = [(p.mart, p.table) for p in pairs]
    return dag


@dataclass(frozen=True)
class UpsertPair:
    """A partial mart whose newest rows per `key` replace that key's rows in a served table."""
    mart: str
    table: str
    key: str


@only_if_requested
def upsert_dag(*, dag_id: str, category: str, schedule: str, timeout_minutes: int, doc_md: str | None,
               pairs: list[UpsertPair]):
    """The partial post-ranking DAG: per-key upserts into tables a full sync swaps (stir.sync.upsert)."""
    from stir.airflow.factory import stir_dag
    from stir.sync.upsert import full_mart

    if not pairs:
        raise DagParameterError(f"{dag_id}: an upsert DAG needs at least one (mart, table, key)")
    for pair in pairs:
        check_mart(dag_id, pair.mart)
        check_mart(dag_id, full_mart(pair.mart))
        check_table(dag_id, pair.table)
        check_table(dag_id, pair.key)

    from stir.airflow.lineage import sync_schedule
    from stir.airflow.sync import clickhouse_upsert_postgres

    with stir_dag(dag_id=dag_id, category=category, schedule=schedule, timeout_minutes=timeout_minutes,
                  doc_md=doc_md, timetable=sync_schedule(schedule, [p.mart for p in pairs])) as dag:
        for pair in pairs:
            clickhouse_upsert_postgres(mart=pair.mart, table=pair.table, key=pair.key)
    dag.stir_upsert_pairs = [(p.mart, p.table, p.key) for p in pairs]
    return dag
