"""sync_insta_collection_posts end to end: real ClickHouse, dbt staging models, the sidecar's scrape API.

The fixture has 300 eligible collected posts plus rows every rule must exclude. The first run
sends at most 250, never a recent attempt or a persistent failure, never-scraped (NULL
publish_time) first then oldest; the sidecar logs each request to _e.scrape_request_log_events,
so the second run sends only the rest.
"""

from __future__ import annotations

import pytest
from seed_data import FLOW, PERSISTENT_FAILURES, RECENTLY_ATTEMPTED
from seed_data import expected_scrape_order as _expected_order

DAG_ID = "sync_insta_collection_posts"


@pytest.fixture(scope="module")
def fixture_data(seeded):
    return seeded


def _sent(ch) -> list[dict]:
    rows = ch.query(
        "SELECT JSONExtractString(params, 'shortcode'), flow, platform, source FROM _e.scrape_request_log_events "
        "WHERE source = %(s)s ORDER BY event_timestamp, event_id", parameters={"s": f"airflow:{DAG_ID}"}).result_rows
    return [{"code": r[0], "flow": r[1], "platform": r[2]} for r in rows]


def _run_dag():
    from airflow.dag_processing.dagbag import DagBag

    from stir import config

    dag = DagBag(str(config.DAGS_DIR / "instagram" / f"{DAG_ID}.py")).dags[DAG_ID]
    run = dag.test()
    states = {ti.task_id: str(getattr(ti.state, "value", ti.state)) for ti in run.get_task_instances()}
    assert states == {"request_insta_collection_posts": "success"}


def test_candidate_query_order(fixture_data):
    from stir.airflow.scrape import SPECS, candidates

    assert candidates(fixture_data, SPECS["insta_collection_posts"]) == _expected_order()[:250]


def test_two_runs_send_everything_once(fixture_data, stack_connections, airflow_db):
    expected = _expected_order()
    assert len(expected) == 291

    _run_dag()
    first = _sent(fixture_data)
    assert len(first) == 250
    assert {s["flow"] for s in first} == {FLOW} and {s["platform"] for s in first} == {"INSTAGRAM"}
    assert [s["code"] for s in first] == expected[:250]
    assert not {s["code"] for s in first} & (RECENTLY_ATTEMPTED | PERSISTENT_FAILURES)

    _run_dag()
    sent = [s["code"] for s in _sent(fixture_data)]
    second = sent[250:]
    assert second == expected[250:]
    assert len(set(sent)) == len(sent) == 291
