"""Scrape-request DAGs: find what needs a fresh scrape in ClickHouse and ask beat's scrape API.

One query builder serves every variant (collection posts, stories, stale profiles, YouTube,
trackers, hashtags, data requests): a variant supplies only its candidate SELECT returning
(key, priority). The builder adds what the original's create_scrape_request_log did:
skip keys sent for the same flow in the last 12 h (_e.scrape_request_log_events, which
the scrape API writes), skip keys that failed more than once and never completed in the last
month, oldest priority first with never-scraped (NULL) first, LIMIT 250. Unlike the
original, failures are counted on the latest state of each request (FINAL) without a
`status = 'FAILED'` WHERE clause, which had made its "0 COMPLETE" condition always true.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from stir import config
from stir.airflow.constants import SCRAPE_BATCH_LIMIT, SCRAPE_RECENT_ATTEMPT_HOURS
from stir.airflow.parsing import only_if_requested

log = logging.getLogger(__name__)

SCRAPE_ENDPOINT = "/scrape/api/v1/scrape_request"


@dataclass(frozen=True)
class ScrapeSpec:
    name: str
    flow: str
    platform: str
    param: str  # the params key beat expects, e.g. {"shortcode": key}
    candidates_sql: str  # SELECT key, priority (Nullable DateTime; NULL = never scraped) ...
    description: str
    recent_hours: int = SCRAPE_RECENT_ATTEMPT_HOURS
    limit: int = SCRAPE_BATCH_LIMIT


_LATEST_IG_POST = (
    "(SELECT shortcode, max(publish_time) AS publish_time FROM dbt.stg_beat_instagram_post /* dedup: max per key */ GROUP BY shortcode)"
)

SPECS: dict[str, ScrapeSpec] = {
    spec.name: spec
    for spec in (
        ScrapeSpec(
            name="insta_collection_posts",
            flow="refresh_post_by_shortcode",
            platform="INSTAGRAM",
            param="shortcode",
            description="Instagram posts brands collected in the last 2 months (reels, images, carousels).",
            candidates_sql=f"""
                SELECT i.short_code AS key, p.publish_time AS priority
                FROM dbt.stg_coffee_post_collection_item AS i
                LEFT JOIN {_LATEST_IG_POST} AS p ON p.shortcode = i.short_code
                WHERE i.platform = 'INSTAGRAM'
                  AND i.post_type IN ('reels', 'image', 'carousel')
                  AND match(i.short_code, '^[0-9]*$') = 0
                  AND i.created_at >= now() - INTERVAL 2 MONTH""",
        ),
        ScrapeSpec(
            name="insta_collection_stories",
            flow="refresh_story_by_shortcode",
            platform="INSTAGRAM",
            param="shortcode",
            recent_hours=3,
            description="Collected stories from the last day: they expire after 24 h, so retry sooner.",
            candidates_sql=f"""
                SELECT i.short_code AS key, p.publish_time AS priority
                FROM dbt.stg_coffee_post_collection_item AS i
                LEFT JOIN {_LATEST_IG_POST} AS p ON p.shortcode = i.short_code
                WHERE i.platform = 'INSTAGRAM' AND i.post_type = 'story'
                  AND match(i.short_code, '^[0-9]*$') = 0
                  AND i.created_at >= now() - INTERVAL 1 DAY""",
        ),
        ScrapeSpec(
            name="insta_stale_profiles",
            flow="refresh_profile_by_handle",
            platform="INSTAGRAM",
            param="handle",
            description="Profiles mart_instagram_account_freshness flags needs_refresh, stalest first.",
            candidates_sql="""
                SELECT a.handle AS key, a.updated_at AS priority
                FROM dbt.mart_instagram_account_freshness AS f
                INNER JOIN dbt.stg_beat_instagram_account AS a ON a.profile_id = f.profile_id
                WHERE f.needs_refresh = 1""",
        ),
        ScrapeSpec(
            name="insta_tracked_accounts",
            flow="refresh_profile_by_handle",
            platform="INSTAGRAM",
            param="handle",
            description="Instagram profiles brands track (active account trackers) not scraped for 6 h.",
            candidates_sql="""
                SELECT a.handle AS key, a.updated_at AS priority
                FROM dbt.stg_coffee_account_tracker AS t
                INNER JOIN dbt.stg_beat_instagram_account AS a ON a.profile_id = t.platform_id
                WHERE t.active = 1 AND t.platform = 'INSTAGRAM'
                  AND a.updated_at < now() - INTERVAL 6 HOUR""",
        ),
        ScrapeSpec(
            name="insta_campaign_creators",
            flow="refresh_profile_by_handle",
            platform="INSTAGRAM",
            param="handle",
            description="Instagram creators on LIVE campaigns not scraped for 24 h (campaign reports read them).",
            candidates_sql="""
                SELECT a.handle AS key, a.updated_at AS priority
                FROM dbt.stg_coffee_campaign_profile AS cp
                INNER JOIN dbt.stg_coffee_campaign AS c ON c.id = cp.campaign_id
                INNER JOIN dbt.stg_beat_instagram_account AS a ON a.profile_id = cp.platform_id
                WHERE c.status = 'LIVE' AND cp.platform = 'INSTAGRAM' AND cp.status != 'DROPPED'
                  AND a.updated_at < now() - INTERVAL 24 HOUR""",
        ),
        ScrapeSpec(
            name="insta_data_requests",
            flow="refresh_profile_by_id",
            platform="INSTAGRAM",
            param="profile_id",
            recent_hours=2,
            description="Instagram profiles in open brand data requests (PENDING/IN_PROGRESS, last 7 days).",
            candidates_sql="""
                SELECT r.platform_id AS key, min(r.created_at) AS priority
                FROM dbt.stg_coffee_data_request AS r
                WHERE r.platform = 'INSTAGRAM' AND r.status IN ('PENDING', 'IN_PROGRESS')
                  AND r.created_at >= now() - INTERVAL 7 DAY
                GROUP BY key""",
        ),
        ScrapeSpec(
            name="insta_tracked_hashtags",
            flow="refresh_hashtag_posts",
            platform="INSTAGRAM",
            param="hashtag",
            description="Hashtags brands track (active hashtag trackers), least recently scraped first.",
            candidates_sql="""
                SELECT t.hashtag AS key, h.updated_at AS priority
                FROM dbt.stg_coffee_hashtag_tracker AS t
                LEFT JOIN dbt.stg_beat_instagram_hashtag AS h ON h.hashtag = t.hashtag
                WHERE t.active = 1""",
        ),
        ScrapeSpec(
            name="yt_collection_videos",
            flow="refresh_yt_video",
            platform="YOUTUBE",
            param="video_id",
            description="YouTube videos and shorts brands collected in the last 2 months.",
            candidates_sql="""
                SELECT i.short_code AS key, v.publish_time AS priority
                FROM dbt.stg_coffee_post_collection_item AS i
                LEFT JOIN (SELECT video_id, max(publish_time) AS publish_time
                           FROM dbt.stg_beat_youtube_video /* dedup: max per key */ GROUP BY video_id) AS v
                       ON v.video_id = i.short_code
                WHERE i.platform = 'YOUTUBE'
                  AND i.created_at >= now() - INTERVAL 2 MONTH""",
        ),
        ScrapeSpec(
            name="yt_stale_channels",
            flow="refresh_yt_channel",
            platform="YOUTUBE",
            param="channel_id",
            description="YouTube channels in profile collections or trackers not scraped for 24 h.",
            candidates_sql="""
                SELECT ids.channel_id AS key, ch.updated_at AS priority
                FROM (
                    SELECT platform_id AS channel_id FROM dbt.stg_coffee_profile_collection_item
                    WHERE platform = 'YOUTUBE'
                    UNION DISTINCT
                    SELECT platform_id FROM dbt.stg_coffee_account_tracker
                    WHERE platform = 'YOUTUBE' AND active = 1
                ) AS ids
                LEFT JOIN dbt.stg_beat_youtube_channel AS ch ON ch.channel_id = ids.channel_id
                WHERE ch.updated_at IS NULL OR ch.updated_at < now() - INTERVAL 24 HOUR""",
        ),
        ScrapeSpec(
            name="yt_data_requests",
            flow="refresh_yt_channel",
            platform="YOUTUBE",
            param="channel_id",
            recent_hours=2,
            description="YouTube channels in open brand data requests (PENDING/IN_PROGRESS, last 7 days).",
            candidates_sql="""
                SELECT r.platform_id AS key, min(r.created_at) AS priority
                FROM dbt.stg_coffee_data_request AS r
                WHERE r.platform = 'YOUTUBE' AND r.status IN ('PENDING', 'IN_PROGRESS')
                  AND r.created_at >= now() - INTERVAL 7 DAY
                GROUP BY key""",
        ),
    )
}


def build_query(spec: ScrapeSpec, limit: int | None = None) -> tuple[str, dict]:
    """The candidate query for a spec; values are bound by clickhouse_connect, never pasted."""
    sql = f"""
WITH
    candidates AS ({spec.candidates_sql}
    ),
    attempted AS (
        SELECT DISTINCT JSONExtractString(params, %(param)s) AS key
        FROM _e.scrape_request_log_events
        WHERE flow = %(flow)s AND event_timestamp >= now() - toIntervalHour(%(recent_hours)s)
    ),
    failures AS (
        SELECT JSONExtractString(params, %(param)s) AS key
        FROM dbt.stg_beat_scrape_request_log FINAL
        WHERE flow = %(flow)s AND created_at >= now() - INTERVAL 1 MONTH
        GROUP BY key
        HAVING uniqExactIf(id, status = 'FAILED') > 1 AND uniqExactIf(id, status = 'COMPLETE') = 0
    )
SELECT key, min(priority) AS first_priority
FROM candidates
WHERE key != ''
  AND key NOT IN (SELECT key FROM attempted)
  AND key NOT IN (SELECT key FROM failures)
GROUP BY key
ORDER BY first_priority ASC NULLS FIRST, key ASC
LIMIT %(limit)s
SETTINGS join_use_nulls = 1
"""
    parameters = {
        "param": spec.param,
        "flow": spec.flow,
        "recent_hours": int(spec.recent_hours),
        "limit": int(limit if limit is not None else spec.limit),
    }
    return sql, parameters


def candidates(client, spec: ScrapeSpec, limit: int | None = None) -> list[str]:
    sql, parameters = build_query(spec, limit)
    return [row[0] for row in client.query(sql, parameters=parameters).result_rows]


def post_requests(session, base_url: str, spec: ScrapeSpec, keys: list[str], source: str) -> dict:
    """POST one scrape request per key; returns counts and the first errors (for the task log)."""
    url = base_url + SCRAPE_ENDPOINT
    accepted, errors = 0, []
    for n, key in enumerate(keys, 1):
        payload = {"flow": spec.flow, "platform": spec.platform, "params": {spec.param: key}, "source": source}
        try:
            response = session.post(url, json=payload, timeout=30)
            if response.status_code // 100 == 2:
                accepted += 1
            else:
                errors.append(f"{key}: HTTP {response.status_code} {response.text[:200]}")
        except Exception as exc:  # one unreachable request must not stop the batch
            errors.append(f"{key}: {type(exc).__name__}: {exc}")
        if n % 50 == 0:
            log.info("%s: %d/%d sent (%d accepted)", spec.name, n, len(keys), accepted)
    return {"spec": spec.name, "flow": spec.flow, "candidates": len(keys), "accepted": accepted,
            "failed": len(errors), "errors": errors[:10]}


def send_scrape_requests(spec: str, limit: int | None = None, **context) -> dict:
    """PythonOperator callable: query candidates, send requests, fail if most requests failed."""
    from stir.airflow import clients

    scrape = SPECS[spec]
    client = clients.clickhouse()
    try:
        keys = candidates(client, scrape, limit)
    finally:
        client.close()
    log.info("%s: %d candidates (flow %s, limit %d)", spec, len(keys), scrape.flow, limit or scrape.limit)
    if not keys:
        return {"spec": spec, "flow": scrape.flow, "candidates": 0, "accepted": 0, "failed": 0, "errors": []}
    session, base_url, _ = clients.http(config.SCRAPE_API_CONN_ID)
    dag = context.get("dag")
    source = f"airflow:{dag.dag_id}" if dag is not None else "airflow"
    try:
        result = post_requests(session, base_url, scrape, keys, source)
    finally:
        session.close()
    log.info("| spec | candidates | accepted | failed |\n| %s | %d | %d | %d |",
             spec, result["candidates"], result["accepted"], result["failed"])
    for err in result["errors"]:
        log.warning("scrape request failed: %s", err)
    if result["failed"] > result["accepted"]:
        raise RuntimeError(
            f"{spec}: {result['failed']} of {result['candidates']} scrape requests failed "
            f"(first: {result['errors'][0]})"
        )
    return result


@only_if_requested
def scrape_dag(*, dag_id: str, category: str, schedule: str, timeout_minutes: int, doc_md: str | None,
               specs: list[str]):
    """A DAG with one scrape task per spec (independent: one failing variant doesn't block the rest)."""
    from stir.airflow.factory import stir_dag
    from stir.airflow.validate import DagParameterError

    unknown = [s for s in specs if s not in SPECS]
    if unknown or not specs:
        raise DagParameterError(f"{dag_id}: unknown scrape spec(s) {unknown}; known: {', '.join(sorted(SPECS))}")
    from airflow.providers.standard.operators.python import PythonOperator

    with stir_dag(dag_id=dag_id, category=category, schedule=schedule, timeout_minutes=timeout_minutes,
                  doc_md=doc_md) as dag:
        for spec in specs:
            # The next scheduled run is the retry: candidates are re-queried, sent keys skipped.
            PythonOperator(task_id=f"request_{spec}", python_callable=send_scrape_requests,
                           op_kwargs={"spec": spec}, retries=0)
    dag.stir_scrape_specs = list(specs)
    return dag
