"""Every scrape/asset query and ops job runs on the real ClickHouse server over the built staging layer."""

from __future__ import annotations

import pytest

from stir.airflow import assets, ops, scrape


@pytest.mark.parametrize("name", sorted(scrape.SPECS))
def test_scrape_queries_run(seeded, name):
    keys = scrape.candidates(seeded, scrape.SPECS[name], limit=5)
    assert isinstance(keys, list) and len(keys) <= 5


@pytest.mark.parametrize("name", sorted(assets.SPECS))
def test_asset_queries_run(seeded, name):
    seeded.command(assets.EVENTS_DDL)
    sql, parameters = assets.build_query(assets.SPECS[name], limit=5)
    assert len(seeded.query(sql, parameters=parameters).result_rows) <= 5


def test_checks_pass_on_a_healthy_warehouse(seeded):
    """The queries run on the shared staging build; tests/dags/test_ops_checks.py makes each check fail."""
    # the seeded scrape log's newest update is 23 h old: no flow finished anything in the last hour
    assert ops.check_scrape_health(seeded) == {"flows": 0}
    assert ops.check_scrape_backlog(seeded)["stuck"] == 0
    assert ops.check_data_request_sla(seeded) == {"breaches": 0}
    assert ops.check_mart_freshness(seeded)["models"] >= 29
    assert ops.prune_scrape_request_events(seeded)["pruned"] == 0


def test_mart_freshness_limits():
    from stir import tiers

    assert ops.max_staleness_minutes(tiers.BY_TAG["core"]) == 2 * 15 + 60
    # runs every 2 h (23:00 -> 01:00 too), 180 min timeout, 3 h batch window it skips
    assert ops.max_staleness_minutes(tiers.BY_TAG["hourly"]) == 2 * 120 + 180 + 180
    assert ops.max_staleness_minutes(tiers.BY_TAG["weekly"]) > 7 * 24 * 60


def test_missing_journey_backfill_is_idempotent(seeded):
    first = ops.sync_missing_journey(seeded)
    rows = seeded.query(f"SELECT step, user_id, evidence FROM {ops.JOURNEY_TABLE} FINAL WHERE brand_id = 77 "
                        "ORDER BY step").result_rows
    assert rows == [("FIRST_CAMPAIGN", 701, "campaign"), ("FIRST_ORDER", 701, "order")]
    assert first["backfilled"] == 2
    assert ops.sync_missing_journey(seeded)["backfilled"] == 0


def test_crm_invitations_queue_only_new_good_recommendations_once(seeded):
    assert ops.crm_recommendation_invitation(seeded)["queued"] == 1
    rows = seeded.query(f"SELECT platform_id FROM {ops.CRM_TABLE} FINAL WHERE brand_id = 77").result_rows
    assert rows == [("r1",)]
    assert ops.crm_recommendation_invitation(seeded)["queued"] == 0
