"""Source rows for the e2e modules, inserted once per session before the shared dbt run."""

from __future__ import annotations

import datetime as dt
import json

from stir.generate.testing import insert_rows

# ---------------------------------------------------------------- scrape requests (test_scrape_e2e)

FLOW = "refresh_post_by_shortcode"
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


def expected_scrape_order() -> list[str]:
    """What the rules say, worked out from the fixture definition (not from the query)."""
    never_scraped = sorted(f"C{i:03d}x" for i in range(100))
    by_publish = [f"C{i:03d}x" for i in range(100, 300)]  # C100 was published first
    skip = RECENTLY_ATTEMPTED | PERSISTENT_FAILURES
    return [c for c in never_scraped + by_publish if c not in skip]


def seed_scrape(ch) -> None:
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


# ---------------------------------------------------------------- asset upload (test_assets_e2e)

PROOF_URLS = {
    1: "https://cdn.example.com/proofs/1.png",
    2: "https://cdn.example.com/proofs/2.png",
    3: "https://cdn.example.com/proofs/missing-3.png",  # the CDN answers 404
    4: "https://cdn.example.com/proofs/1.png",  # same media as 1: copied once
    5: "https://cdn.example.com/proofs/5.png",  # already in S3 under its content key
}


def seed_assets(ch) -> None:
    insert_rows(ch, "coffee.content_verification", [
        {"id": i, "campaign_id": 7, "platform": "INSTAGRAM", "platform_id": f"p{i}", "proof_url": url,
         "status": "SUBMITTED", "submitted_at": f"2026-11-0{i} 10:00:00", "updated_at": f"2026-11-0{i} 10:00:00"}
        for i, url in PROOF_URLS.items()
    ] + [{"id": 9, "campaign_id": 7, "platform": "INSTAGRAM", "platform_id": "p9", "status": "REJECTED",
          "proof_url": "https://cdn.example.com/proofs/9.png", "submitted_at": "2026-11-09 10:00:00",
          "updated_at": "2026-11-09 10:00:00"}])


# ---------------------------------------------------------------- ops jobs (test_ops_sql)

def seed_ops(ch) -> None:
    insert_rows(ch, "coffee.user", [
        {"id": 701, "brand_id": 77, "role": "OWNER", "created_at": _ts(500), "updated_at": _ts(500)},
        {"id": 702, "brand_id": 77, "role": "MEMBER", "created_at": _ts(400), "updated_at": _ts(400)},
    ])
    insert_rows(ch, "coffee.collection", [
        {"id": 801, "brand_id": 77, "name": "launch", "type": "POST", "created_by": 702,
         "created_at": _ts(300), "updated_at": _ts(300)},
    ])
    insert_rows(ch, "coffee.campaign", [
        {"id": 901, "brand_id": 77, "name": "diwali", "status": "LIVE", "start_date": "2026-10-01",
         "currency": "INR", "created_at": _ts(200), "updated_at": _ts(200)},
    ])
    insert_rows(ch, "coffee.order", [
        {"id": 951, "brand_id": 77, "plan": "PRO", "amount": "999.00", "currency": "INR", "status": "PAID",
         "credits": 10, "created_at": _ts(100), "paid_at": _ts(99), "updated_at": _ts(99)},
    ])
    insert_rows(ch, "coffee.journey_event", [
        {"id": 1, "user_id": 702, "brand_id": 77, "step": "FIRST_COLLECTION", "occurred_at": _ts(300),
         "created_at": _ts(300)},
    ])
    insert_rows(ch, "coffee.recommendation", [
        {"id": 11, "brand_id": 77, "platform": "INSTAGRAM", "platform_id": "r1", "score": 0.9,
         "created_at": _ts(5), "updated_at": _ts(5)},
        {"id": 12, "brand_id": 77, "platform": "INSTAGRAM", "platform_id": "r2", "score": 0.95,
         "created_at": _ts(5), "updated_at": _ts(5)},
        {"id": 13, "brand_id": 77, "platform": "INSTAGRAM", "platform_id": "r3", "score": 0.5,
         "created_at": _ts(5), "updated_at": _ts(5)},
    ])
    insert_rows(ch, "coffee.invitation", [
        {"id": 21, "brand_id": 77, "platform": "INSTAGRAM", "platform_id": "r2", "status": "SENT",
         "created_at": _ts(4), "updated_at": _ts(4)},
    ])
