"""A steady-state delta on top of generated sources: the next few minutes of scraping.

Each scraped table gets again the rows written in its latest `minutes` (by its write
timestamp), shifted `minutes` later and with fresh ids: new scrapes of the posts,
profiles and channels that were being scraped, new follower snapshots. The volume is the
data set's own write rate, so a 15-minute delta at 1M creators is what the scrapers
write in 15 minutes at that scale, and calling it again continues the stream. Tiers run
after it measure an incremental run proportional to the delta, not to the history.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

# (table, write timestamp, other timestamps moved with it, has an id column)
DELTA_TABLES: tuple[tuple[str, str, tuple[str, ...], bool], ...] = (
    ("beat.instagram_account", "updated_at", (), True),
    ("beat.instagram_post", "updated_at", (), True),
    ("beat.instagram_account_time_series", "created_at", (), False),
    ("beat.instagram_profile_insights", "updated_at", (), False),
    ("beat.youtube_channel", "updated_at", (), True),
    ("beat.youtube_video", "updated_at", (), True),
    ("beat.youtube_channel_time_series", "created_at", (), False),
    ("beat.scrape_request_log", "updated_at", ("created_at",), True),
)


@dataclass(frozen=True)
class DeltaResult:
    table: str
    rows: int
    seconds: float


def delta_sql(table: str, ts: str, also: tuple[str, ...], has_id: bool, minutes: int) -> str:
    shifted = [f"{c} + INTERVAL {minutes} MINUTE AS {c}" for c in (ts, *also)]
    if has_id:
        shifted.append(f"id + (SELECT max(id) + 1 FROM {table}) AS id")
    # the filter sits in a subquery: in ClickHouse the REPLACE aliases would shadow the
    # columns in a WHERE beside them (and select twice the window)
    return (f"INSERT INTO {table} SELECT * REPLACE ({', '.join(shifted)}) FROM ("
            f"SELECT * FROM {table} WHERE {ts} > (SELECT max({ts}) FROM {table}) - INTERVAL {minutes} MINUTE)")


def write_delta(client, minutes: int = 15) -> list[DeltaResult]:
    """Append the next `minutes` of scrapes to every scraped source table."""
    out = []
    for table, ts, also, has_id in DELTA_TABLES:
        before = int(client.command(f"SELECT count() FROM {table}"))
        started = time.perf_counter()
        client.command(delta_sql(table, ts, also, has_id, minutes))
        rows = int(client.command(f"SELECT count() FROM {table}")) - before
        out.append(DeltaResult(table, rows, time.perf_counter() - started))
    return out
