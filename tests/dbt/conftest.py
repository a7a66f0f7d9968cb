"""Shared fixtures for dbt tests: a real embedded ClickHouse server, source DDL, dbt runs.

Fixtures
    ch_server  session  running stir.chserver (chDB behind ClickHouse's HTTP interface)
                        in a temp dir; has .host / .port / .url
    ch         module   clickhouse_connect client on ch_server
    dbt        module   dbt("build", "--select", "+stg_beat_instagram_post") runs the real
                        dbt CLI against ch_server; returns CompletedProcess, raises
                        AssertionError with the output tail when check=True and it fails;
                        dbt.workdir / "target" holds manifest.json and run_results.json

Helpers (``from stir.generate.testing import apply_sources, insert_rows, ...``)
    apply_sources(client)       drop + recreate every source table from sources.sql
    reset_models(client)        drop the `dbt` database (every model) and recreate it empty
    insert_rows(client, "beat.instagram_post", [{...}, ...])
                                columns left out get their type's default (0, '', [],
                                NULL, 1970-01-01), so fixtures list only what matters
    make_client(server), make_dbt_runner(server, workdir)
                                the same as the fixtures, for fixtures of your own scope

Fresh server per test module (known-answer tests)
    The session server is shared, so a module that needs a warehouse nobody else touches
    overrides ``ch_server`` with module scope; ``ch`` and ``dbt`` are module-scoped and
    follow it automatically::

        from stir.chserver.testing import running_server
        from stir.generate.testing import apply_sources, insert_rows

        @pytest.fixture(scope="module")
        def ch_server():
            with running_server() as server:
                yield server

        @pytest.fixture(scope="module")
        def built(ch, dbt):
            apply_sources(ch)
            insert_rows(ch, "beat.instagram_post", [
                {"shortcode": "A", "profile_id": "1", "likes": 10, "updated_at": "2024-01-01 00:00:00"},
                {"shortcode": "A", "profile_id": "1", "likes": 30, "updated_at": "2024-01-02 00:00:00"},
            ])
            dbt("build", "--select", "+mart_instagram_post")
            return ch

        def test_latest_likes(built):
            assert built.query("select likes from dbt.mart_instagram_post").result_rows == [(30,)]

    Expected values are worked out by hand from the fixture rows, never by re-running the
    model's SQL. Per-test isolation on one server: call apply_sources(ch) + reset_models(ch).
"""

from __future__ import annotations

import pytest

from stir.generate.testing import (  # noqa: F401  re-exported for test modules
    apply_sources,
    dbt_env,
    insert_rows,
    make_client,
    make_dbt_runner,
    reset_models,
)


@pytest.fixture(scope="session")
def ch_server():
    from stir.chserver.testing import running_server

    with running_server() as server:
        yield server


@pytest.fixture(scope="module")
def ch(ch_server):
    client = make_client(ch_server)
    yield client
    client.close()


@pytest.fixture(scope="module")
def dbt(ch_server, tmp_path_factory):
    return make_dbt_runner(ch_server, tmp_path_factory.mktemp("dbt"))
