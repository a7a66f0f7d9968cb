"""Story reach: one formula in one place (macros/marts_collection_story_reach.sql), checked
against numbers worked out by hand, including both sides of the 2023-11-22 cut-over.

The macro is compiled by dbt (`dbt compile --inline`) and evaluated by the embedded
server on literal inputs; the expected values below are arithmetic, not SQL. The models
that estimate story reach must call the macro and hold no copy of the formula.
tests/dbt/test_collection_known_answers.py and test_profile_stats_known_answers.py check
the macro's results inside mart_collection_post and mart_instagram_reach_stats.
"""

from __future__ import annotations

import re

import pytest

from stir.config import DBT_PROJECT_DIR

# (followers, er %, item added at) -> estimate, by hand:
#   before the cut-over: -0.000025017 * f + 1.11 * (f * |log2(er)| * 2 / 100), rounded, >= 0
#   from the cut-over:   -0.000025017 * f + 1.11 * (f * |log2(er + 2)| * 2 / 100), rounded, >= 0
CASES = [
    # log2(4) = 2: -2.5017 + 1.11 * 4000 = 4437.4983
    (100_000, 4.0, "2023-10-01 00:00:00", 4437),
    # one second before the cut-over is still the old formula
    (100_000, 4.0, "2023-11-21 23:59:59", 4437),
    # log2(6) = 2.5849625: -2.5017 + 1.11 * 5169.925 = 5736.115
    (100_000, 4.0, "2023-11-22 00:00:00", 5736),
    (100_000, 4.0, "2025-01-01 00:00:00", 5736),
    # log2(4) = 2: -0.50034 + 1.11 * 800 = 887.49966
    (20_000, 2.0, "2025-01-01 00:00:00", 887),
    # log2(2.5) = 1.3219281: -0.50034 + 1.11 * 528.77124 = 586.43573
    (20_000, 0.5, "2025-01-01 00:00:00", 586),
    # old formula, |log2(0.5)| = 1: -1.25085 + 1.11 * 1000 = 1108.74915
    (50_000, 0.5, "2023-01-01 00:00:00", 1109),
    # old formula, log2(1) = 0: only the negative intercept, clamped at 0
    (100_000, 1.0, "2023-01-01 00:00:00", 0),
    # unusable inputs: no estimate
    (100_000, 0.0, "2025-01-01 00:00:00", None),
    (100_000, -1.0, "2025-01-01 00:00:00", None),
    (0, 4.0, "2025-01-01 00:00:00", None),
    (None, 4.0, "2025-01-01 00:00:00", None),
    (100_000, None, "2025-01-01 00:00:00", None),
    (100_000, float("inf"), "2025-01-01 00:00:00", None),
]
USERS = ["models/marts/collection/mart_collection_post.sql", "models/marts/collection/mart_campaign_post.sql",
         "models/marts/collection/mart_collection_profile.sql",
         "models/marts/profile_stats/mart_instagram_reach_stats.sql",
         "models/marts/discovery/mart_instagram_price_estimate.sql"]


def literal(value) -> str:
    if value is None:
        return "NULL"
    if value == float("inf"):
        return "inf"
    return repr(value)


@pytest.fixture(scope="module")
def estimates(ch, dbt) -> list:
    rows = " union all ".join(
        f"select {i} as i, CAST({literal(f)}, 'Nullable(Float64)') as f, CAST({literal(er)}, 'Nullable(Float64)') as er, "
        f"toDateTime('{at}') as at" for i, (f, er, at, _) in enumerate(CASES))
    inline = f"select i, {{{{ marts_collection_story_reach('f', 'er', 'at') }}}} as reach from ({rows}) order by i"
    proc = dbt("compile", "--quiet", "--inline", inline)
    sql = proc.stdout.strip()
    assert sql.lower().startswith("select"), proc.stdout[-2000:]
    return [r[1] for r in ch.query(sql).result_rows]


def test_macro_gives_the_hand_computed_estimates(estimates):
    assert estimates == [expected for *_, expected in CASES]


def test_every_story_reach_estimate_uses_the_macro_and_no_copy_of_it():
    for path in USERS:
        sql = (DBT_PROJECT_DIR / path).read_text(encoding="utf-8")
        assert "marts_collection_story_reach(" in sql, path
        assert "0.000025017" not in sql and not re.search(r"log2\s*\(", sql), path
    for path in sorted((DBT_PROJECT_DIR / "tests").rglob("*.sql")):
        assert "0.000025017" not in path.read_text(encoding="utf-8"), f"{path}: re-implements the formula"
