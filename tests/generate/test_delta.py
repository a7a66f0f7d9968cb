"""The steady-state delta (stir.generate.delta): the next 15 minutes of scraping replay
each table's latest 15 minutes, later and with fresh ids, and a second delta continues."""

from __future__ import annotations

from datetime import datetime

import pytest

from stir.generate.delta import DELTA_TABLES, write_delta
from stir.generate.generator import generate
from stir.generate.world import World

ANCHOR = datetime(2026, 11, 2, 18, 0, 0)


def scalar(ch, sql):
    return ch.query(sql).result_rows[0][0]


@pytest.fixture(scope="module")
def deltas(ch):
    for _ in generate(ch, World(5, ANCHOR, 3000)):
        pass
    before = {t: (scalar(ch, f"SELECT count() FROM {t}"), scalar(ch, f"SELECT max({ts}) FROM {t}"),
                  scalar(ch, f"SELECT countIf({ts} > (SELECT max({ts}) FROM {t}) - INTERVAL 15 MINUTE) FROM {t}"))
              for t, ts, _, _ in DELTA_TABLES}
    first = {r.table: r.rows for r in write_delta(ch, 15)}
    second = {r.table: r.rows for r in write_delta(ch, 15)}
    return before, first, second


def test_each_table_gets_its_latest_fifteen_minutes_again(deltas):
    before, first, _ = deltas
    assert {t: b[2] for t, b in before.items()} == first
    assert first["beat.instagram_post"] > 0 and first["beat.instagram_account"] > 0


def test_delta_rows_are_new_scrapes_after_the_history(deltas, ch):
    before, _, _ = deltas
    for table, ts, _, has_id in DELTA_TABLES:
        count, newest, _ = before[table]
        assert scalar(ch, f"SELECT min({ts}) FROM {table} WHERE {ts} > toDateTime('{newest}')") > newest
        if has_id:
            old_ids = f"SELECT max(id) FROM {table} WHERE {ts} <= toDateTime('{newest}')"
            assert scalar(ch, f"SELECT countIf(id <= ({old_ids})) FROM {table} WHERE {ts} > toDateTime('{newest}')") == 0


def test_a_second_delta_continues_the_stream(deltas, ch):
    before, first, second = deltas
    assert second == first
    newest = before["beat.instagram_post"][1]
    latest = scalar(ch, "SELECT max(updated_at) FROM beat.instagram_post")
    assert (latest - newest).total_seconds() == 30 * 60
