"""sync_insta_collection_posts end to end: real ClickHouse, dbt staging models, the sidecar's scrape API.

The fixture has 300 eligible collected posts plus rows every rule must exclude. The first run
sends at most 250, never a recent attempt or a persistent failure, never-scraped (NULL
publish_time) first then oldest; the sidecar logs each request to _e.scrape_request_log_events,
so the second run sends only the rest.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from stir.generate.testing import insert_rows

FLOW = "refresh_post_by_shortcode"
DAG_ID = "sync_insta_collection_posts"
NOW = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)
TYPES = ("reels", "image", "carousel")
RECENTLY_ATTEMPTED = {f"C{i:03d}x" for i in range(5)}
PERSISTENT_FAILURES = {"C010x", "C011x", "C012x", "C016x"}


def _ts(hours_ago: float) -> str:
    return (NOW - dt.timedelta(hours=hours_ago)).strftime("%Y-%m-%d %H:%M:%S")


def _item(n: int, code: str, **kw) -> dict:
    row = {"id": n, "collection_id": 1 + n % 7, "platform": "INSTAGRAM", "short_code": code,
           "post_type": TYPES[n % 3], "created_at": _ts(24), "updated_at": _ts(24), "deleted": 0}
    row.update(kw)
    return row


def _expected_order() -> list[str]:
    """What the rules say, worked out from the fixture definition (not from the query)."""
    never_scraped = sorted(f"C{i:03d}x" for i in range(100))
    by_publish = [f"C{i:03d}x" for i in range(100, 300)]  # C100 was published first
    skip = RECENTLY_ATTEMPTED | PERSISTENT_FAILURES
    return [c for c in never_scraped + by_publish if c not in skip]


@pytest.fixture(scope="module")
def fixture_data(warehouse):
    _, ch, dbt = warehouse
    items = [_item(i, f"C{i:03d}x") for i in range(300)]
    items += [
        _item(1000, "123456789"),  # numeric short codes are junk the original filtered
        _item(1001, "S001x", post_type="story"),
        _item(1002, "Y001x", platform="YOUTUBE", post_type="video"),
        _item(1003, "OLD001x", created_at=_ts(24 * 95), updated_at=_ts(24 * 95)),
        _item(1004, "DEL001x", deleted=1),
    ]
    insert_rows(ch, "coffee.post_collection_item", items)
    insert_rows(ch, "beat.instagram_post", [
        {"id": i, "shortcode": f"C{i:03d}x", "profile_id": "p1", "post_type": TYPES[i % 3],
         "publish_time": _ts(1000 - i), "created_at": _ts(1), "updated_at": _ts(1)}
        for i in range(100, 300)
    ])
    events = [(c, FLOW, 1) for c in sorted(RECENTLY_ATTEMPTED)]
    events += [("C005x", FLOW, 13), ("C006x", "refresh_story_by_shortcode", 1)]
    insert_rows(ch, "_e.scrape_request_log_events", [
        {"event_id": f"00000000-0000-4000-8000-{n:012d}", "flow": flow, "platform": "INSTAGRAM",
         "params": json.dumps({"shortcode": code}), "source": "fixture", "event_timestamp": _ts(hours)}
        for n, (code, flow, hours) in enumerate(events)
    ])
    log = []
    n = 0

    def req(code, status, days_ago, rid=None):
        nonlocal n
        n += 1
        log.append({"id": rid or n, "flow": FLOW, "platform": "INSTAGRAM", "params": json.dumps({"shortcode": code}),
                    "status": status, "created_at": _ts(24 * days_ago), "updated_at": _ts(24 * days_ago - 1)})

    for code in ("C010x", "C011x", "C012x"):
        req(code, "FAILED", 3)
        req(code, "FAILED", 2)
    req("C013x", "FAILED", 3)
    req("C013x", "FAILED", 2)
    req("C013x", "COMPLETE", 1)  # recovered: eligible again
    req("C014x", "FAILED", 2)  # one failure is not persistent
    req("C015x", "FAILED", 45)
    req("C015x", "FAILED", 44)  # failures older than a month are forgiven
    req("C016x", "PENDING", 3, rid=9001)
    req("C016x", "FAILED", 3, rid=9001)  # same request moving PENDING -> FAILED (latest state wins)
    req("C016x", "FAILED", 2, rid=9002)
    log[-2]["updated_at"] = _ts(24 * 3 - 2)
    insert_rows(ch, "beat.scrape_request_log", log)
    dbt("run", "--select", "stg_coffee_post_collection_item", "stg_beat_instagram_post",
        "stg_beat_scrape_request_log")
    return ch


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
