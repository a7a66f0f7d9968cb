"""Asset upload DAGs: copy media that posts, profiles and verifications reference into S3.

CDN URLs of Instagram/YouTube media expire, so Stir keeps its own copy under a
content-hash key (assets/<sha256[:2]>/<sha256>.<ext>): identical media is stored once and a
key never changes meaning. Each run takes a bounded batch of URLs not yet copied, fetches
each over HTTP (conn media_cdn), HEADs the key and uploads only what is missing, and records
every outcome in ClickHouse _e.asset_upload_events so the next run moves on. One bad URL
is recorded, not fatal; the task fails only when every fetch in the batch failed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import mimetypes
from dataclasses import dataclass
from urllib.parse import urlsplit

from stir import config
from stir.airflow.constants import ASSET_BATCH_LIMIT
from stir.airflow.parsing import only_if_requested

log = logging.getLogger(__name__)

EVENTS_TABLE = "_e.asset_upload_events"
EVENTS_DDL = f"""
CREATE TABLE IF NOT EXISTS {EVENTS_TABLE}
(
    kind            LowCardinality(String),
    ref             String,
    source_url      String,
    s3_key          String,
    status          LowCardinality(String),  -- 'UPLOADED' | 'EXISTS' | 'FAILED'
    bytes           UInt64,
    error           String,
    event_timestamp DateTime64(3)
)
ENGINE = MergeTree
ORDER BY (kind, source_url, event_timestamp)
"""
MAX_FAILURES = 3  # a URL that failed this often in a week is given up on
_EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp", "image/gif": "gif",
               "video/mp4": "mp4", "application/pdf": "pdf"}


@dataclass(frozen=True)
class AssetSpec:
    name: str
    description: str
    candidates_sql: str  # SELECT ref, url, priority (newest first) ...
    limit: int = ASSET_BATCH_LIMIT


SPECS: dict[str, AssetSpec] = {
    spec.name: spec
    for spec in (
        AssetSpec(
            name="post_thumbnails",
            description="Thumbnails of Instagram posts published in the last 30 days.",
            candidates_sql="""
                SELECT shortcode AS ref, argMax(thumbnail_url, updated_at) AS url, max(publish_time) AS priority
                FROM dbt.stg_beat_instagram_post /* dedup: argMax/max per shortcode */
                WHERE publish_time >= now() - INTERVAL 30 DAY AND post_type != 'story'
                GROUP BY shortcode""",
        ),
        AssetSpec(
            name="story_thumbnails",
            description="Story media from the last day, copied before Instagram expires it.",
            candidates_sql="""
                SELECT shortcode AS ref, argMax(thumbnail_url, updated_at) AS url, max(publish_time) AS priority
                FROM dbt.stg_beat_instagram_post /* dedup: argMax/max per shortcode */
                WHERE post_type = 'story' AND publish_time >= now() - INTERVAL 1 DAY
                GROUP BY shortcode""",
        ),
        AssetSpec(
            name="collection_post_media",
            description="Thumbnails of every post brands put in collections (reports embed them).",
            candidates_sql="""
                SELECT p.shortcode AS ref, argMax(p.thumbnail_url, p.updated_at) AS url,
                       max(i.created_at) AS priority
                FROM dbt.stg_coffee_post_collection_item AS i
                INNER JOIN dbt.stg_beat_instagram_post AS p /* dedup: argMax/max per shortcode */ ON p.shortcode = i.short_code
                WHERE i.platform = 'INSTAGRAM'
                GROUP BY p.shortcode""",
        ),
        AssetSpec(
            name="content_verification_proofs",
            description="Proof screenshots/media creators submit for campaign deliverables.",
            candidates_sql="""
                SELECT toString(id) AS ref, proof_url AS url, submitted_at AS priority
                FROM dbt.stg_coffee_content_verification
                WHERE status IN ('SUBMITTED', 'VERIFIED')""",
        ),
        AssetSpec(
            name="profile_pictures",
            description="Instagram profile pictures (discovery cards and reports show them).",
            candidates_sql="""
                SELECT profile_id AS ref, profile_pic_url AS url, updated_at AS priority
                FROM dbt.stg_beat_instagram_account""",
        ),
        AssetSpec(
            name="yt_video_thumbnails",
            description="Thumbnails of YouTube videos published in the last 30 days.",
            candidates_sql="""
                SELECT video_id AS ref, argMax(thumbnail_url, updated_at) AS url, max(publish_time) AS priority
                FROM dbt.stg_beat_youtube_video /* dedup: argMax/max per video_id */
                WHERE publish_time >= now() - INTERVAL 30 DAY
                GROUP BY video_id""",
        ),
        AssetSpec(
            name="yt_channel_thumbnails",
            description="YouTube channel avatars.",
            candidates_sql="""
                SELECT channel_id AS ref, thumbnail_url AS url, updated_at AS priority
                FROM dbt.stg_beat_youtube_channel""",
        ),
    )
}


def build_query(spec: AssetSpec, limit: int | None = None) -> tuple[str, dict]:
    sql = f"""
WITH
    candidates AS ({spec.candidates_sql}
    ),
    done AS (
        SELECT DISTINCT source_url FROM {EVENTS_TABLE}
        WHERE kind = %(kind)s AND status IN ('UPLOADED', 'EXISTS')
    ),
    given_up AS (
        SELECT source_url FROM {EVENTS_TABLE}
        WHERE kind = %(kind)s AND status = 'FAILED' AND event_timestamp >= now() - INTERVAL 7 DAY
        GROUP BY source_url HAVING count() >= %(max_failures)s
    )
SELECT ref, url
FROM candidates
WHERE url IS NOT NULL AND url != ''
  AND url NOT IN (SELECT source_url FROM done)
  AND url NOT IN (SELECT source_url FROM given_up)
ORDER BY priority DESC, ref ASC
LIMIT 1 BY url
LIMIT %(limit)s
"""
    return sql, {"kind": spec.name, "max_failures": MAX_FAILURES,
                 "limit": int(limit if limit is not None else spec.limit)}


def content_key(body: bytes, content_type: str | None, url: str) -> str:
    digest = hashlib.sha256(body).hexdigest()
    mime = (content_type or "").split(";")[0].strip().lower()
    ext = _EXTENSIONS.get(mime)
    if ext is None:
        guessed = mimetypes.guess_extension(mime) if mime else None
        ext = (guessed or "").lstrip(".") or urlsplit(url).path.rsplit(".", 1)[-1].lower()
        if not ext.isalnum() or len(ext) > 5:
            ext = "bin"
    return f"assets/{digest[:2]}/{digest}.{ext}"


def fetch_url(url: str, base_url: str, fetch_original: bool) -> str:
    """Production fetches the CDN URL itself; the embedded stack serves every CDN path at media_cdn."""
    if fetch_original:
        return url
    parts = urlsplit(url)
    path = f"{parts.netloc}{parts.path}" + (f"?{parts.query}" if parts.query else "")
    return f"{base_url}/{path.lstrip('/')}"


def _exists(s3, bucket: str, key: str) -> bool:
    from botocore.exceptions import ClientError

    try:
        s3.head_object(Bucket=bucket, Key=key)
        return True
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return False
        raise


def copy_one(session, s3, bucket: str, url: str, base_url: str, fetch_original: bool) -> tuple[str, str, int]:
    """(status, s3_key, bytes) for one URL; raises on fetch/upload errors."""
    response = session.get(fetch_url(url, base_url, fetch_original), timeout=60)
    if response.status_code != 200:
        raise RuntimeError(f"HTTP {response.status_code}")
    body = response.content
    if not body:
        raise RuntimeError("empty body")
    content_type = response.headers.get("Content-Type")
    key = content_key(body, content_type, url)
    if _exists(s3, bucket, key):
        return "EXISTS", key, len(body)
    s3.put_object(Bucket=bucket, Key=key, Body=body, ContentType=content_type or "application/octet-stream",
                  Metadata={"source-sha256": key.rsplit("/", 1)[-1].split(".")[0]})
    return "UPLOADED", key, len(body)


def upload_assets(spec: str, limit: int | None = None, **context) -> dict:
    """PythonOperator callable for one asset kind."""
    from stir.airflow import clients

    asset = SPECS[spec]
    ch = clients.clickhouse()
    try:
        ch.command(EVENTS_DDL)
        sql, parameters = build_query(asset, limit)
        rows = ch.query(sql, parameters=parameters).result_rows
        log.info("%s: %d URLs to copy", spec, len(rows))
        if not rows:
            return {"spec": spec, "candidates": 0, "uploaded": 0, "exists": 0, "failed": 0}
        session, base_url, extra = clients.http(config.MEDIA_HTTP_CONN_ID)
        s3 = clients.s3()
        counts = {"UPLOADED": 0, "EXISTS": 0, "FAILED": 0}
        events, errors = [], []
        for n, (ref, url) in enumerate(rows, 1):
            try:
                status, key, size = copy_one(session, s3, config.S3_BUCKET, url, base_url,
                                             bool(extra.get("fetch_original_url")))
                error = ""
            except Exception as exc:  # recorded and retried on a later run, up to MAX_FAILURES
                status, key, size, error = "FAILED", "", 0, f"{type(exc).__name__}: {exc}"[:500]
                errors.append(f"{url}: {error}")
            counts[status] += 1
            events.append([spec, str(ref), url, key, status, size, error,
                           dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)])
            if n % 50 == 0:
                log.info("%s: %d/%d done %s", spec, n, len(rows), counts)
        session.close()
        ch.insert(EVENTS_TABLE, events,
                  column_names=["kind", "ref", "source_url", "s3_key", "status", "bytes", "error",
                                "event_timestamp"])
    finally:
        ch.close()
    log.info("| kind | candidates | uploaded | already there | failed |\n| %s | %d | %d | %d | %d |",
             spec, len(rows), counts["UPLOADED"], counts["EXISTS"], counts["FAILED"])
    for err in errors[:10]:
        log.warning("asset copy failed: %s", err)
    if counts["FAILED"] == len(rows):
        raise RuntimeError(f"{spec}: all {len(rows)} asset copies failed (first: {errors[0]})")
    return {"spec": spec, "candidates": len(rows), "uploaded": counts["UPLOADED"],
            "exists": counts["EXISTS"], "failed": counts["FAILED"]}


@only_if_requested
def asset_dag(*, dag_id: str, schedule: str, timeout_minutes: int, doc_md: str | None, specs: list[str]):
    from stir.airflow.factory import stir_dag
    from stir.airflow.validate import DagParameterError

    unknown = [s for s in specs if s not in SPECS]
    if unknown or not specs:
        raise DagParameterError(f"{dag_id}: unknown asset spec(s) {unknown}; known: {', '.join(sorted(SPECS))}")
    from airflow.providers.standard.operators.python import PythonOperator

    with stir_dag(dag_id=dag_id, category="asset_upload", schedule=schedule,
                  timeout_minutes=timeout_minutes, doc_md=doc_md) as dag:
        for spec in specs:
            # The next scheduled run is the retry: copied URLs are skipped, failures re-tried.
            PythonOperator(task_id=f"upload_{spec}", python_callable=upload_assets, op_kwargs={"spec": spec},
                           retries=0)
    dag.stir_asset_specs = list(specs)
    return dag
