"""clickhouse_to_postgres(): the four tasks that publish one ClickHouse mart as a PostgreSQL table.

    with stir_dag(...):
        clickhouse_to_postgres(mart="mart_leaderboard", table="leaderboard", enrich="instagram_account")

export   ClickHouseHook (clickhouse_gcc): INSERT INTO FUNCTION s3(...) with the credentials of
         aws_gcc, then the exported object's row count -> XCom (with the columns and path)
download SSHOperator (ssh_prod_pg): the PostgreSQL host fetches the object to a local file
load     advisory lock, staging table + COPY, guards, one swap transaction (stir.sync.load);
         DAG run conf {"allow_shrink": true} lifts the shrink guard; a concurrent run skips
vacuum   VACUUM ANALYZE with autocommit, statement_timeout 50 min (STIR_SYNC_VACUUM_TIMEOUT_S)

Nothing here touches a database at import or DAG-parse time: columns are read when export runs.
"""

from __future__ import annotations

from stir import config
from stir.sync import enrich as enrichments
from stir.sync import export as export_formats
from stir.sync import settings as sync_settings
from stir.sync import tasks


def clickhouse_to_postgres(*, mart: str, table: str, enrich: str | None = None, where: str | None = None,
                           load_path: str = "default", min_ratio: float = 0.5, group_id: str | None = None):
    from airflow.providers.standard.operators.python import PythonOperator
    from airflow.sdk import TaskGroup

    export_formats.resolve_format(load_path)   # fail at parse time on a typo, without I/O
    enrichments.get(enrich)
    if not 0 <= min_ratio <= 1:
        raise ValueError(f"min_ratio must be within [0, 1], got {min_ratio}")
    settings = sync_settings.current()

    with TaskGroup(group_id=group_id or table.rpartition(".")[2]) as group:
        export = PythonOperator(
            task_id="export",
            python_callable=tasks.export_task,
            op_kwargs={"mart": mart, "table": table, "enrich_name": enrich, "where": where,
                       "load_path": load_path},
        )
        download = _download(export, settings)
        load = PythonOperator(
            task_id="load",
            python_callable=tasks.load_task,
            op_kwargs={"table": table, "enrich_name": enrich, "min_ratio": min_ratio,
                       "export_task_id": export.task_id},
        )
        vacuum = PythonOperator(
            task_id="vacuum",
            python_callable=tasks.vacuum_task,
            op_kwargs={"table": table},
        )
        export >> download >> load >> vacuum
    return group


def _download(export, settings):
    """The SSH step on the PostgreSQL host: fetch the file the export task names."""
    from airflow.providers.ssh.operators.ssh import SSHOperator

    return SSHOperator(
        task_id="download",
        ssh_conn_id=config.SSH_CONN_ID,
        command="{{ ti.xcom_pull(task_ids='" + export.task_id + "')['download_command'] }}",
        cmd_timeout=settings.download_timeout_s,
        do_xcom_push=False,
    )


def clickhouse_upsert_postgres(*, mart: str, table: str, key: str, group_id: str | None = None):
    """export -> download -> upsert: a partial mart's newest rows replace their keys' rows in a
    served table (stir.sync.upsert); a run with nothing ranked since the full build skips."""
    from airflow.providers.standard.operators.python import PythonOperator
    from airflow.sdk import TaskGroup

    settings = sync_settings.current()
    with TaskGroup(group_id=group_id or table.rpartition(".")[2]) as group:
        export = PythonOperator(
            task_id="export",
            python_callable=tasks.export_partial_task,
            op_kwargs={"mart": mart, "table": table, "key": key},
        )
        download = _download(export, settings)
        upsert = PythonOperator(
            task_id="upsert",
            python_callable=tasks.upsert_task,
            op_kwargs={"table": table, "key": key, "export_task_id": export.task_id},
        )
        export >> download >> upsert
    return group
