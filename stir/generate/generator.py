"""Fill every source table with a deterministic synthetic world, inside ClickHouse.

Each table is one (or a few) `INSERT INTO ... SELECT ... FROM numbers(N)` statements
whose values are seeded cityHash64 expressions (see sqlexpr.py, world.py): nothing is
generated row by row in Python, memory stays flat at any size, and the same
(seed, anchor, creators, days) always produces identical tables.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from stir.generate import ddl, tables_coffee, tables_instagram, tables_ops, tables_youtube
from stir.generate.world import World

Builder = Callable[[World], "str | list[str]"]

# Order matters only where a statement reads a table generated before it
# (events read the scrape log).
TABLES: tuple[tuple[str, Builder], ...] = (
    ("beat.instagram_account", tables_instagram.instagram_account),
    ("beat.instagram_post", tables_instagram.instagram_post),
    ("beat.instagram_account_time_series", tables_instagram.instagram_account_time_series),
    ("beat.instagram_profile_insights", tables_instagram.instagram_profile_insights),
    ("beat.instagram_audience", tables_instagram.instagram_audience),
    ("beat.instagram_audience_quality", tables_instagram.instagram_audience_quality),
    ("beat.instagram_hashtag", tables_instagram.instagram_hashtag),
    ("beat.youtube_channel", tables_youtube.youtube_channel),
    ("beat.youtube_video", tables_youtube.youtube_video),
    ("beat.youtube_channel_time_series", tables_youtube.youtube_channel_time_series),
    ("beat.youtube_audience", tables_youtube.youtube_audience),
    ("beat.scrape_request_log", tables_ops.scrape_request_log),
    ("beat.profile_link", tables_instagram.profile_link),
    ("vidooly.youtube_channel_stats", tables_youtube.vidooly_channel_stats),
    ("coffee.brand", tables_coffee.brand),
    ("coffee.user", tables_coffee.user),
    ("coffee.collection", tables_coffee.collection),
    ("coffee.post_collection_item", tables_coffee.post_collection_item),
    ("coffee.profile_collection_item", tables_coffee.profile_collection_item),
    ("coffee.campaign", tables_coffee.campaign),
    ("coffee.campaign_profile", tables_coffee.campaign_profile),
    ("coffee.order", tables_coffee.order),
    ("coffee.data_request", tables_coffee.data_request),
    ("coffee.account_tracker", tables_coffee.account_tracker),
    ("coffee.hashtag_tracker", tables_coffee.hashtag_tracker),
    ("coffee.recommendation", tables_coffee.recommendation),
    ("coffee.invitation", tables_coffee.invitation),
    ("coffee.journey_event", tables_coffee.journey_event),
    ("coffee.content_verification", tables_coffee.content_verification),
)
EVENTS = ("_e.scrape_request_log_events", tables_ops.scrape_request_log_events)

# Generation is CPU-bound inside the server; these keep one big INSERT from holding
# gigabytes (1M creators) and let it use every core.
INSERT_SETTINGS = {
    "max_insert_threads": 2,
    "max_partitions_per_insert_block": 1000,
    # source blocks of 8k creators fan out to ~600k post rows after the ARRAY JOINs;
    # the default 65k would make multi-GB blocks at 1M creators
    "max_block_size": 8192,
}


def default_anchor() -> datetime:
    """Now, rounded down to the hour (UTC): data stays "recent" while runs within the
    same hour are identical."""
    return datetime.now(UTC).replace(minute=0, second=0, microsecond=0, tzinfo=None)


def parse_anchor(text: str) -> datetime:
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


@dataclass(frozen=True)
class TableResult:
    table: str
    rows: int
    seconds: float


def statements(world: World, with_events: bool = False) -> list[tuple[str, list[str]]]:
    """(table, [SQL, ...]) in generation order."""
    builders = list(TABLES) + ([EVENTS] if with_events else [])
    out = []
    for table, build in builders:
        sql = build(world)
        out.append((table, [sql] if isinstance(sql, str) else list(sql)))
    return out


def generate(client, world: World, *, with_events: bool = False, keep_models: bool = False) -> Iterator[TableResult]:
    """Recreate the source tables, then fill them one by one, yielding each as done.

    Models built from the previous data are dropped too (unless keep_models): an
    incremental model would otherwise keep the old world's rows next to the new one's.
    """
    if not keep_models:
        ddl.reset_models(client)
    ddl.apply_sources(client, recreate=True)
    for table, sqls in statements(world, with_events):
        started = time.perf_counter()
        for sql in sqls:
            client.command(sql, settings=INSERT_SETTINGS)
        rows = int(client.command(f"SELECT count() FROM {table}"))
        yield TableResult(table, rows, time.perf_counter() - started)


def checksums(client, tables: list[str] | None = None) -> dict[str, tuple[int, int]]:
    """(rows, order-independent content hash) per table; duplicates count, so two runs
    match only if they hold the same multiset of rows."""
    result = {}
    for table in tables or ddl.source_tables():
        rows, digest = client.query(f"SELECT count(), sum(cityHash64(*)) FROM {table}").result_rows[0]
        result[table] = (int(rows), int(digest))
    return result
