"""Unit tests of the pure-Python helpers: DDL splitting and SQL literal building."""

from __future__ import annotations

from datetime import datetime

import chdb
import pytest

from stir.generate import ddl
from stir.generate.sqlexpr import Rand, arr, code, lit
from stir.generate.world import POST_SLOTS, VIDEO_SLOTS, World


def test_split_statements_ignores_semicolons_in_comments_and_strings():
    sql = "-- a; comment\nCREATE TABLE t (a String DEFAULT 'x;y') ENGINE = Memory; -- trailing;\nSELECT 1;\n-- end"
    assert ddl.split_statements(sql) == ["CREATE TABLE t (a String DEFAULT 'x;y') ENGINE = Memory", "SELECT 1"]


def test_sources_sql_declares_every_source_database_table():
    tables = ddl.source_tables()
    assert len(tables) == len(set(tables)) == 30
    assert {t.split(".")[0] for t in tables} == set(ddl.SOURCE_DATABASES)
    assert "coffee.order" in tables and "_e.scrape_request_log_events" in tables


@pytest.fixture(scope="module")
def engine():
    return chdb.connect(":memory:")


def one(engine, sql):
    return engine.query(sql, "TabSeparatedRaw").bytes().decode().rstrip("\n")


@pytest.mark.parametrize("text", ["plain", "it's", "back\\slash", "tab\tand\nnewline", "नमस्ते 🙏", "\\'"])
def test_lit_round_trips_through_clickhouse(engine, text):
    assert one(engine, f"SELECT {lit(text)}") == text


def test_arr_and_code(engine):
    assert one(engine, f"SELECT length({arr(['a', 'b', None])})") == "3"
    codes = one(engine, f"SELECT uniqExact({code('number', 5)}), min(length({code('number', 5)})) FROM numbers(100000)")
    assert codes == "100000\t11"


@pytest.mark.parametrize("seed", [1, 7])
def test_instagram_shortcodes_and_youtube_video_ids_never_collide(engine, seed):
    # every index the generator can use for 3,000 creators; before the platforms had
    # separate index spaces this found shared ids (a 2,000-creator build failed the
    # campaign posts' (campaign_id, shortcode) uniqueness test on one)
    w = World(seed=seed, anchor=datetime(2026, 1, 1), creators=3000)
    posts = f"SELECT {w.shortcode('i', 'j')} AS id FROM (SELECT intDiv(number, {POST_SLOTS}) AS i, " \
            f"number % {POST_SLOTS} AS j FROM numbers({3000 * POST_SLOTS}))"
    videos = f"SELECT {w.video_id('i', 'v')} AS id FROM (SELECT intDiv(number, {VIDEO_SLOTS}) AS i, " \
             f"number % {VIDEO_SLOTS} AS v FROM numbers({3000 * VIDEO_SLOTS}))"
    assert one(engine, f"SELECT uniqExact(id), count() FROM ({videos})") == f"{3000 * VIDEO_SLOTS}\t{3000 * VIDEO_SLOTS}"
    assert one(engine, f"SELECT count() FROM ({posts}) WHERE id IN ({videos})") == "0"


def test_seeded_randomness_depends_on_seed_and_coordinates_only(engine):
    a, b = Rand(1), Rand(2)
    first = one(engine, f"SELECT groupArray({a.int(0, 1000, 'x', 'number')}) FROM numbers(20)")
    again = one(engine, f"SELECT groupArray({a.int(0, 1000, 'x', 'number')}) FROM numbers_mt(20)")
    other = one(engine, f"SELECT groupArray({b.int(0, 1000, 'x', 'number')}) FROM numbers(20)")
    assert first == again != other


def test_weighted_pick_follows_weights(engine):
    r = Rand(3)
    expr = r.weighted((("a", 70), ("b", 20), ("c", 10)), "w", "number")
    shares = dict(
        line.split("\t") for line in one(engine, f"SELECT {expr} v, count() / 100000 FROM numbers(100000) GROUP BY v").splitlines()
    )
    assert abs(float(shares["a"]) - 0.7) < 0.01 and abs(float(shares["c"]) - 0.1) < 0.01
