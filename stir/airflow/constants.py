"""The one place DAG defaults, categories and tag vocabularies are defined.

DAG files and the factory read these; tests check every DAG's tags against them.
"""

from __future__ import annotations

import datetime as dt

from stir.tiers import TIER_TAGS

OWNER = "data-platform"
# A fixed past date: with catchup=False only the latest interval runs, and a fixed value
# (unlike days_ago) keeps the serialized DAG stable between parses.
START_DATE = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
RETRIES = 1
RETRY_DELAY = dt.timedelta(minutes=5)

# category key -> (label in docs/dags.md, number of DAGs the platform has in it)
CATEGORIES: dict[str, tuple[str, int]] = {
    "dbt": ("dbt orchestration", 11),
    "instagram_sync": ("Instagram sync", 18),
    "youtube_sync": ("YouTube sync", 13),
    "collection_sync": ("collection/leaderboard sync", 15),
    "operational": ("operational/verification", 9),
    "asset_upload": ("asset upload", 7),
    "utility": ("utility", 5),
}
CATEGORY_BY_LABEL: dict[str, str] = {label: key for key, (label, _) in CATEGORIES.items()}

# Cadence tiers: every schedule a DAG may use, named. A schedule outside this table is a
# design decision, so adding one means adding it here (and the tests notice).
CADENCES: dict[str, str] = {
    "*/5 * * * *": "every-5m",
    "*/10 * * * *": "every-10m",
    "*/15 * * * *": "every-15m",
    "*/30 * * * *": "every-30m",
    "0 * * * *": "hourly",
    "30 * * * *": "hourly",
    "0 1-23/2 * * *": "every-2h",
    "0 */3 * * *": "every-3h",
    "0 */5 * * *": "every-5h",
    "30 1-23/5 * * *": "every-5h",
    "0 0 * * *": "daily",
    "0 19 * * *": "daily",
    "15 20 * * *": "daily",
    "3 3 * * *": "daily",
    "0 4 * * *": "daily",
    "0 6 */7 * *": "weekly",
    "0 12 */7 * *": "weekly",
}
CADENCE_TAGS: frozenset[str] = frozenset(CADENCES.values())

CATEGORY_TAG_PREFIX = "category:"
CADENCE_TAG_PREFIX = "cadence:"
DBT_TIER_TAG_PREFIX = "dbt-tier:"


def category_tag(category: str) -> str:
    return f"{CATEGORY_TAG_PREFIX}{category}"


def cadence_tag(schedule: str) -> str:
    return f"{CADENCE_TAG_PREFIX}{CADENCES[schedule]}"


def dbt_tier_tag(tier: str) -> str:
    return f"{DBT_TIER_TAG_PREFIX}{tier}"


VALID_TAGS: frozenset[str] = frozenset(
    [category_tag(c) for c in CATEGORIES]
    + [f"{CADENCE_TAG_PREFIX}{c}" for c in CADENCE_TAGS]
    + [dbt_tier_tag(t) for t in TIER_TAGS]
)

# Statement timeouts and batch sizes the task callables use; env overrides for production tuning.
SCRAPE_BATCH_LIMIT = 250
SCRAPE_RECENT_ATTEMPT_HOURS = 12
ASSET_BATCH_LIMIT = 200
