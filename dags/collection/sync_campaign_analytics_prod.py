"""# sync_campaign_analytics_prod

Campaign dashboards: summary, posts and per-creator performance.

Syncs (ClickHouse mart -> PostgreSQL table): `mart_campaign_summary` -> `campaign_summary`, `mart_campaign_post` -> `campaign_post`, `mart_campaign_creator_performance` -> `campaign_creator_performance`.

Schedule `0 * * * *` UTC, dagrun timeout 40 min, one run at a time.

## Triage

Impact: the app keeps serving the previous snapshot (the swap is atomic; nothing half-loaded is ever live).

1. `SyncRefused` in the Slack message: the guard refused the swap and says why. Shrunk below the ratio: check the mart in ClickHouse (`SELECT count() FROM dbt.<mart>`); if the shrink is genuine, trigger the DAG with conf `{"allow_shrink": true}`. Count mismatch or empty: the export or download was cut; just re-run.
2. export failed: ClickHouse or S3 is down, or the mart does not exist yet (its dbt tier has not run).
3. download failed: SSH to the PostgreSQL host or S3 access from it.
4. load failed on a lock: another sync of the same table is running or a long transaction holds the table; it retries by itself, re-run later.
5. Wrong data went live: `stir rollback <table>` restores the previous snapshot.
"""

# The DAG processor imports the airflow.* modules a DAG file names into its parent process
# (parsing_pre_import_modules), so each parse of this file doesn't pay for them again.
import airflow.providers.ssh.operators.ssh  # noqa: F401
import airflow.providers.standard.operators.python  # noqa: F401

from stir.airflow.syncdag import SyncPair, sync_dag

dag = sync_dag(
    dag_id="sync_campaign_analytics_prod",
    schedule="0 * * * *",
    timeout_minutes=40,
    doc_md=__doc__,
    category="collection_sync",
    pairs=[
        SyncPair(mart="mart_campaign_summary", table="campaign_summary"),
        SyncPair(mart="mart_campaign_post", table="campaign_post"),
        SyncPair(mart="mart_campaign_creator_performance", table="campaign_creator_performance"),
    ],
)
