"""# sync_insta_post_ranking

Top-12 posts per class and metric for the profile page's best-posts widgets.

Syncs (ClickHouse mart -> PostgreSQL table): `mart_instagram_post_ranking` -> `instagram_post_ranking`.

Schedule `30 1-23/5 * * *` UTC, dagrun timeout 120 min, one run at a time.

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
    dag_id="sync_insta_post_ranking",
    schedule="30 1-23/5 * * *",
    timeout_minutes=120,
    doc_md=__doc__,
    category="instagram_sync",
    pairs=[
        SyncPair(mart="mart_instagram_post_ranking", table="instagram_post_ranking"),
    ],
)
