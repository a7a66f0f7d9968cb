"""Schedule tiers: the dbt tag each model carries and the one DAG that runs it.

Models declare their tier as a dbt tag next to their SQL; this table is the only place
that says when a tier runs. Tests cross-check it against the dbt manifest so a model can
never be left unscheduled, and against dags/ so a tier never gets two DAGs.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Tier:
    tag: str
    dag_id: str
    schedule: str
    timeout_minutes: int
    exclude: tuple[str, ...] = ()
    skip_batch_window: bool = False
    description: str = ""
    extra_tags: tuple[str, ...] = field(default=())


# Excludes follow the original DAGs: every run drops deprecated models, and the fast
# tiers never pick up the heavy post ranking or the core tier by accident.
_STD = ("tag:deprecated", "tag:post_ranker", "tag:core")

TIERS: tuple[Tier, ...] = (
    Tier("recent_scl", "dbt_recent_scl", "*/5 * * * *", 90, _STD,
         description="Scrape-request logs and freshness: is scraping healthy right now?"),
    Tier("core", "dbt_core", "*/15 * * * *", 60, ("tag:deprecated", "tag:post_ranker"),
         description="Core profile metrics users see on profile pages (followers, ER)."),
    Tier("post_ranker_partial", "post_ranker_partial", "*/15 * * * *", 90, ("tag:deprecated", "tag:core"),
         description="Post ranking for profiles whose posts changed in the last hours."),
    Tier("collections", "dbt_collections", "*/30 * * * *", 180, _STD, skip_batch_window=True,
         description="Collection and campaign analytics."),
    Tier("staging_collections", "dbt_staging_collections", "*/30 * * * *", 180, _STD,
         description="Deduplicated collection items and latest snapshots the collection marts read."),
    Tier("data_requests", "dbt_data_requests", "0 * * * *", 40, _STD,
         description="Brand data requests and their fulfilment SLA."),
    Tier("hourly", "dbt_hourly", "0 1-23/2 * * *", 180, _STD, skip_batch_window=True,
         description="Discovery profiles, group metrics, grades, search (every 2 h)."),
    Tier("post_ranker", "post_ranker", "0 */5 * * *", 300, ("tag:deprecated", "tag:core"),
         description="Full post ranking by class for every profile."),
    Tier("gcc_orders", "dbt_gcc_orders", "0 0 * * *", 90, _STD,
         description="SaaS orders and revenue."),
    Tier("daily", "dbt_daily", "0 19 * * *", 360, _STD,
         description="Daily batch: leaderboards, time series, genre marts."),
    Tier("weekly", "dbt_weekly", "0 6 */7 * *", 360, _STD,
         description="Weekly growth aggregates."),
)

TIER_TAGS: frozenset[str] = frozenset(t.tag for t in TIERS)
NON_TIER_TAGS: frozenset[str] = frozenset({"deprecated", "leaderboard", "discovery", "collection", "sync"})
BY_TAG: dict[str, Tier] = {t.tag: t for t in TIERS}
BY_DAG: dict[str, Tier] = {t.dag_id: t for t in TIERS}

# The daily batch (dbt_daily at 19:00) owns ClickHouse until 22:00 UTC.
BATCH_WINDOW_START_HOUR = 19
BATCH_WINDOW_END_HOUR = 22
