"""Operational, verification and utility tasks: checks that page on-call and small ClickHouse jobs.

Each task is a named callable in TASKS; a DAG file lists the names it runs. Checks raise
CheckFailed with the offending rows in the message, so the Slack alert says what is wrong.
"""

from __future__ import annotations

import datetime as dt
import logging

from stir import config, tiers
from stir.airflow import sync_pairs
from stir.airflow.parsing import only_if_requested

log = logging.getLogger(__name__)


class CheckFailed(RuntimeError):
    pass


def _rows(client, sql: str, parameters: dict | None = None) -> list[tuple]:
    return client.query(sql, parameters=parameters or {}).result_rows


def _table(headers: list[str], rows: list[tuple]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


# ------------------------------------------------------------------ scrape pipeline health

def check_scrape_health(client, min_requests: int = 20, min_success: float = 0.5) -> dict:
    """Per flow over the last hour: finished requests and success rate; fail below min_success."""
    rows = _rows(client, """
        SELECT flow, platform,
               countIf(status IN ('COMPLETE', 'FAILED')) AS finished,
               countIf(status = 'COMPLETE') AS complete,
               if(finished = 0, 1, complete / finished) AS success_rate
        FROM dbt.stg_beat_scrape_request_log FINAL
        WHERE updated_at >= now() - INTERVAL 1 HOUR
        GROUP BY flow, platform
        ORDER BY flow, platform""")
    log.info("scrape health, last hour:\n%s", _table(["flow", "platform", "finished", "complete", "success"], rows))
    bad = [r for r in rows if r[2] >= min_requests and r[4] < min_success]
    if bad:
        flows = ", ".join(f"{r[0]}/{r[1]} {r[3]}/{r[2]}" for r in bad)
        raise CheckFailed(f"scrape success rate below {min_success:.0%} in the last hour: {flows}")
    return {"flows": len(rows)}


def check_scrape_backlog(client, max_age_hours: int = 2, max_pending: int = 500) -> dict:
    """Requests stuck PENDING/PROCESSING longer than max_age_hours mean beat's workers are down."""
    rows = _rows(client, """
        SELECT flow, count() AS stuck, min(created_at) AS oldest
        FROM dbt.stg_beat_scrape_request_log FINAL
        WHERE status IN ('PENDING', 'PROCESSING') AND created_at < now() - toIntervalHour(%(h)s)
          AND created_at >= now() - INTERVAL 7 DAY
        GROUP BY flow ORDER BY stuck DESC""", {"h": max_age_hours})
    total = sum(r[1] for r in rows)
    log.info("stuck scrape requests (> %d h):\n%s", max_age_hours, _table(["flow", "stuck", "oldest"], rows))
    if total > max_pending:
        raise CheckFailed(f"{total} scrape requests stuck for more than {max_age_hours} h: "
                          + ", ".join(f"{r[0]}={r[1]}" for r in rows[:5]))
    return {"stuck": total}


# ------------------------------------------------------------------ data requests

def check_data_request_sla(client, sla_hours: int = 48) -> dict:
    """Alert once per request: those whose open age crossed the SLA within the last hour."""
    rows = _rows(client, """
        SELECT id, brand_id, request_type, platform, platform_id, created_at
        FROM dbt.stg_coffee_data_request
        WHERE status IN ('PENDING', 'IN_PROGRESS')
          AND created_at < now() - toIntervalHour(%(sla)s)
          AND created_at >= now() - toIntervalHour(%(sla)s) - INTERVAL 1 HOUR
        ORDER BY created_at""", {"sla": sla_hours})
    if rows:
        log.warning("data requests breaching the %d h SLA:\n%s", sla_hours,
                    _table(["id", "brand", "type", "platform", "platform_id", "created"], rows))
        raise CheckFailed(f"{len(rows)} data request(s) passed the {sla_hours} h SLA in the last hour: ids "
                          + ", ".join(str(r[0]) for r in rows[:20]))
    return {"breaches": 0}


# ------------------------------------------------------------------ mart freshness

def _period_minutes(schedule: str) -> int:
    from croniter import croniter

    base = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
    it = croniter(schedule, base)
    gaps = []
    prev = it.get_next(dt.datetime)
    for _ in range(40):
        nxt = it.get_next(dt.datetime)
        gaps.append((nxt - prev).total_seconds() / 60)
        prev = nxt
    return int(max(gaps))


def max_staleness_minutes(tier: tiers.Tier) -> int:
    """Two missed runs plus one run's timeout, plus the batch window for tiers that skip it."""
    minutes = 2 * _period_minutes(tier.schedule) + tier.timeout_minutes
    if tier.skip_batch_window:
        minutes += (tiers.BATCH_WINDOW_END_HOUR - tiers.BATCH_WINDOW_START_HOUR) * 60
    return minutes


def check_mart_freshness(client, at: dt.datetime | None = None) -> dict:
    """Every built model's last write (active parts) against its tier's cadence, as of `at` (now)."""
    from stir.airflow.marts import MODEL_TIERS

    # An empty table has no parts, so its DDL time (a rebuilt table is re-created) counts too.
    rows = _rows(client, """
        SELECT t.name, greatest(t.metadata_modification_time, ifNull(p.last_part, toDateTime(0))) AS last_write,
               dateDiff('minute', last_write, if(%(at)s = '', now(), toDateTime(%(at)s))) AS age
        FROM system.tables AS t
        LEFT JOIN (SELECT table, max(modification_time) AS last_part FROM system.parts
                   WHERE database = %(db)s AND active GROUP BY table) AS p ON p.table = t.name
        WHERE t.database = %(db)s
        SETTINGS join_use_nulls = 1""", {"db": config.DBT_SCHEMA, "at": at.strftime("%Y-%m-%d %H:%M:%S") if at else ""})
    stale = []
    for table, last_write, age in rows:
        tier = tiers.BY_TAG.get(MODEL_TIERS.get(table, ""))
        if tier is not None and age > max_staleness_minutes(tier):
            stale.append((table, tier.tag, last_write, age, max_staleness_minutes(tier)))
    log.info("checked %d models", len(rows))
    if stale:
        log.warning("stale models:\n%s", _table(["model", "tier", "last write", "age min", "limit min"], stale))
        raise CheckFailed(f"{len(stale)} model(s) older than their tier allows: "
                          + ", ".join(f"{s[0]} ({s[3]} min > {s[4]})" for s in stale[:10]))
    return {"models": len(rows)}


# ------------------------------------------------------------------ ClickHouse vs PostgreSQL

def verify_pg_sync_counts(client, min_ratio: float = 0.5, pairs: list[tuple[str, str]] | None = None) -> dict:
    """Each synced table exists and holds at least min_ratio of its mart's rows (pairs from sync_pairs.py)."""
    from airflow.providers.postgres.hooks.postgres import PostgresHook

    from stir.sync import export

    pg = PostgresHook(postgres_conn_id=config.POSTGRES_CONN_ID)
    report, problems = [], []
    for mart, table in pairs or sync_pairs.pairs():
        relation = export.source_relation(mart, export.table_engine(client, mart, config.DBT_SCHEMA),
                                          config.DBT_SCHEMA)
        ch_rows = _rows(client, f"SELECT count() FROM {relation}")[0][0]
        exists = pg.get_first("SELECT to_regclass(%s) IS NOT NULL", parameters=(f"public.{table}",))[0]
        pg_rows = pg.get_first(f'SELECT count(*) FROM public."{table}"')[0] if exists else None
        report.append((mart, table, ch_rows, "missing" if pg_rows is None else pg_rows))
        if pg_rows is None or (ch_rows and pg_rows < ch_rows * min_ratio):
            problems.append(f"{table}: {pg_rows if pg_rows is not None else 'missing'} rows vs {mart}: {ch_rows}")
    log.info("ClickHouse vs PostgreSQL:\n%s", _table(["mart", "table", "clickhouse", "postgres"], report))
    if problems:
        raise CheckFailed("serving tables out of step with their marts: " + "; ".join(problems[:10]))
    return {"pairs": len(report)}


# ------------------------------------------------------------------ retention / hygiene

def prune_scrape_request_events(client, keep_days: int = 60) -> dict:
    """Events older than every window that reads them (12 h attempts, 1 month failures)."""
    old = _rows(client, "SELECT count() FROM _e.scrape_request_log_events "
                        "WHERE event_timestamp < now() - toIntervalDay(%(d)s)", {"d": keep_days})[0][0]
    if old:
        client.command("ALTER TABLE _e.scrape_request_log_events DELETE "
                       "WHERE event_timestamp < now() - toIntervalDay(%(d)s) SETTINGS mutations_sync = 1",
                       parameters={"d": keep_days})
    log.info("pruned %d scrape request events older than %d days", old, keep_days)
    return {"pruned": old}


def cleanup_s3_exports(client=None, keep_days: int = 7) -> dict:
    """Sync exports are overwritten each run; objects untouched for a week belong to retired syncs."""
    from stir.airflow import clients

    s3 = clients.s3()
    cutoff = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=keep_days)
    stale, kept = [], 0
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=config.S3_BUCKET, Prefix=config.S3_PREFIX):
        for obj in page.get("Contents", []):
            if obj["LastModified"] < cutoff:
                stale.append(obj["Key"])
            else:
                kept += 1
    for i in range(0, len(stale), 1000):
        s3.delete_objects(Bucket=config.S3_BUCKET,
                          Delete={"Objects": [{"Key": k} for k in stale[i:i + 1000]], "Quiet": True})
    log.info("deleted %d export objects older than %d days, kept %d", len(stale), keep_days, kept)
    return {"deleted": len(stale), "kept": kept}


# ------------------------------------------------------------------ journey / CRM queues

JOURNEY_TABLE = "_e.journey_backfill_events"
JOURNEY_DDL = f"""
CREATE TABLE IF NOT EXISTS {JOURNEY_TABLE}
(
    brand_id UInt64, user_id UInt64, step LowCardinality(String), occurred_at DateTime,
    evidence LowCardinality(String), event_timestamp DateTime64(3)
)
ENGINE = ReplacingMergeTree ORDER BY (brand_id, step)
"""


def sync_missing_journey(client) -> dict:
    """Journey steps a brand's activity proves but coffee never logged, as backfill events.

    Product analytics read journey_event; a step missing there (the app failed to log it)
    skews the funnel. Evidence: first collection, first campaign, first paid order per brand.
    Attributed to the user who made the collection, else the brand's earliest user.
    """
    client.command(JOURNEY_DDL)
    before = _rows(client, f"SELECT count() FROM {JOURNEY_TABLE} FINAL")[0][0]
    client.command(f"""
        INSERT INTO {JOURNEY_TABLE} (brand_id, user_id, step, occurred_at, evidence, event_timestamp)
        WITH
            evidence AS (
                SELECT brand_id, 'FIRST_COLLECTION' AS step, min(created_at) AS occurred_at,
                       argMin(created_by, created_at) AS user_id, 'collection' AS source
                FROM dbt.stg_coffee_collection GROUP BY brand_id
                UNION ALL
                SELECT brand_id, 'FIRST_CAMPAIGN', min(created_at), toUInt64(0), 'campaign'
                FROM dbt.stg_coffee_campaign GROUP BY brand_id
                UNION ALL
                SELECT brand_id, 'FIRST_ORDER', min(ifNull(paid_at, created_at)), toUInt64(0), 'order'
                FROM dbt.stg_coffee_order WHERE status = 'PAID' GROUP BY brand_id
            ),
            logged AS (SELECT DISTINCT brand_id, step FROM dbt.stg_coffee_journey_event),
            backfilled AS (SELECT brand_id, step FROM {JOURNEY_TABLE} FINAL),
            first_user AS (SELECT brand_id, argMin(id, created_at) AS user_id
                           FROM dbt.stg_coffee_user GROUP BY brand_id)
        SELECT e.brand_id, if(e.user_id != 0, e.user_id, ifNull(u.user_id, 0)), e.step, e.occurred_at,
               e.source, now64(3)
        FROM evidence AS e
        LEFT JOIN first_user AS u ON u.brand_id = e.brand_id
        WHERE (e.brand_id, e.step) NOT IN (SELECT brand_id, step FROM logged)
          AND (e.brand_id, e.step) NOT IN (SELECT brand_id, step FROM backfilled)
        SETTINGS join_use_nulls = 1""")
    after = _rows(client, f"SELECT count() FROM {JOURNEY_TABLE} FINAL")[0][0]
    log.info("backfilled %d missing journey steps (%d in total)", after - before, after)
    return {"backfilled": after - before, "total": after}


CRM_TABLE = "_e.crm_invitation_queue"
CRM_DDL = f"""
CREATE TABLE IF NOT EXISTS {CRM_TABLE}
(
    recommendation_id UInt64, brand_id UInt64, platform LowCardinality(String), platform_id String,
    score Float64, reason String, queued_at DateTime64(3)
)
ENGINE = ReplacingMergeTree ORDER BY (brand_id, platform, platform_id)
"""


def crm_recommendation_invitation(client, min_score: float = 0.8, max_per_brand: int = 20) -> dict:
    """Queue invitations for a brand's best new recommendations it has not invited yet.

    The CRM mailer drains the queue; at most max_per_brand per run so no brand is flooded,
    and a creator is queued once per brand (ReplacingMergeTree key + anti-join).
    """
    client.command(CRM_DDL)
    before = _rows(client, f"SELECT count() FROM {CRM_TABLE} FINAL")[0][0]
    client.command(f"""
        INSERT INTO {CRM_TABLE} (recommendation_id, brand_id, platform, platform_id, score, reason, queued_at)
        SELECT id, brand_id, platform, platform_id, score, reason, now64(3)
        FROM (
            SELECT id, brand_id, platform, platform_id, score, ifNull(reason, '') AS reason
            FROM dbt.stg_coffee_recommendation
            WHERE score >= %(min_score)s AND created_at >= now() - INTERVAL 30 DAY
              AND (brand_id, platform, platform_id) NOT IN (
                    SELECT brand_id, platform, platform_id FROM dbt.stg_coffee_invitation)
              AND (brand_id, platform, platform_id) NOT IN (
                    SELECT brand_id, platform, platform_id FROM {CRM_TABLE} FINAL)
            ORDER BY score DESC, id
            LIMIT 1 BY brand_id, platform, platform_id
        )
        ORDER BY brand_id, score DESC, id
        LIMIT %(per_brand)s BY brand_id""", parameters={"min_score": min_score, "per_brand": max_per_brand})
    after = _rows(client, f"SELECT count() FROM {CRM_TABLE} FINAL")[0][0]
    log.info("queued %d invitations (%d queued in total)", after - before, after)
    return {"queued": after - before, "total": after}


TASKS = {
    f.__name__: f
    for f in (
        check_scrape_health, check_scrape_backlog, check_data_request_sla, check_mart_freshness,
        verify_pg_sync_counts, prune_scrape_request_events, cleanup_s3_exports,
        sync_missing_journey, crm_recommendation_invitation,
    )
}
_NEEDS_NO_CLICKHOUSE = {"cleanup_s3_exports"}


def run_task(name: str, options: dict | None = None, **context) -> dict:
    """PythonOperator callable: run one named task with a ClickHouse client it closes afterwards."""
    func = TASKS[name]
    if name in _NEEDS_NO_CLICKHOUSE:
        return func(**(options or {}))
    from stir.airflow import clients

    client = clients.clickhouse()
    try:
        return func(client, **(options or {}))
    finally:
        client.close()


@only_if_requested
def ops_dag(*, dag_id: str, category: str, schedule: str, timeout_minutes: int, doc_md: str | None,
            tasks: list[str], options: dict[str, dict] | None = None):
    from stir.airflow.factory import stir_dag
    from stir.airflow.validate import DagParameterError

    unknown = [t for t in tasks if t not in TASKS]
    if unknown or not tasks:
        raise DagParameterError(f"{dag_id}: unknown task(s) {unknown}; known: {', '.join(sorted(TASKS))}")
    from airflow.providers.standard.operators.python import PythonOperator

    with stir_dag(dag_id=dag_id, category=category, schedule=schedule, timeout_minutes=timeout_minutes,
                  doc_md=doc_md) as dag:
        for name in tasks:
            # A failed check should alert now, not after a retry delay; jobs here are idempotent.
            PythonOperator(task_id=name, python_callable=run_task,
                           op_kwargs={"name": name, "options": (options or {}).get(name, {})}, retries=0)
    dag.stir_ops_tasks = list(tasks)
    return dag
