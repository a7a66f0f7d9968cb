"""# sync_yt_ranking_partial

A hot channel's new video in the app within one partial cycle: the post_ranker_partial tier's rows (channels that posted in the last hours, re-ranked every 15 min) replace those channels' rows in the served recent-video, ranking and summary tables.

Upserts (ClickHouse mart ~> PostgreSQL table, per key): `mart_youtube_recent_video_stats_partial` ~> `youtube_recent_video_stats` by `channel_id`, `mart_youtube_video_ranking_partial` ~> `youtube_video_ranking` by `channel_id`, `mart_youtube_account_summary_partial` ~> `youtube_account_summary` by `channel_id`.

Schedule `*/15 * * * *` UTC, dagrun timeout 20 min, one run at a time. Starts when post_ranker_partial rebuilt a mart.

Only channels ranked after the full mart's last build are exported, so a partial row never overwrites a newer full run; every other channel's rows are untouched. The full syncs (`sync_yt_recent_video_stats`, `sync_yt_video_ranking`, `sync_yt_account_summary`) still swap the whole tables after each post_ranker run.

## Triage

Impact: hot channels show their previous ranking until the next successful run (at most the next full sync); the live tables are never half-updated (one transaction per table).

1. `export` skipped: nothing was ranked since the full build. Normal right after a post_ranker run.
2. `SyncRefused` in the Slack message: the loaded row count differs from the export (cut download); just re-run.
3. export failed: ClickHouse or S3 is down, or the partial mart does not exist yet (post_ranker_partial has not run).
4. download failed: SSH to the PostgreSQL host or S3 access from it.
5. upsert skipped with "another sync or rollback is running": the full sync holds the table's lock; the next cycle applies the rows.
"""

# The DAG processor imports the airflow.* modules a DAG file names into its parent process
# (parsing_pre_import_modules), so each parse of this file doesn't pay for them again.
import airflow.providers.ssh.operators.ssh  # noqa: F401
import airflow.providers.standard.operators.python  # noqa: F401

from stir.airflow.syncdag import UpsertPair, upsert_dag

dag = upsert_dag(
    dag_id="sync_yt_ranking_partial",
    schedule="*/15 * * * *",
    timeout_minutes=20,
    doc_md=__doc__,
    category="youtube_sync",
    pairs=[
        UpsertPair(mart="mart_youtube_recent_video_stats_partial", table="youtube_recent_video_stats",
                   key="channel_id"),
        UpsertPair(mart="mart_youtube_video_ranking_partial", table="youtube_video_ranking", key="channel_id"),
        UpsertPair(mart="mart_youtube_account_summary_partial", table="youtube_account_summary",
                   key="channel_id"),
    ],
)
