"""The dedup rule: every read of a ReplacingMergeTree relation sees one row per key.

A ReplacingMergeTree folds rows with the same sorting key only when ClickHouse merges
parts, at a time it chooses. Until then a plain SELECT sees every version, so each read
of such a relation (by a model, a data test, a sync export, an ops check, the demo) must
either say FINAL or deduplicate on its own and document how, in a comment on the same
line as the reference or on one of the three lines before it:

    from dbt.mart_insta_account_weekly final
    from dbt.stg_beat_instagram_post /* dedup: argMax over updated_at per shortcode */

`violations(manifest)` applies the rule to the compiled SQL of every model and test in a
dbt manifest (compiled code of incremental models covers whichever branch was compiled;
compile after a build to check the incremental one too). docs/engineering.md states the
rule; tests/dbt/test_dedup_rule.py enforces it.
"""

from __future__ import annotations

import re

DEDUP_ENGINES = ("ReplacingMergeTree",)
_COMMENT = re.compile(r"/\*\s*dedup:[^*]+\*/", re.I)
# A partition-wise build's slot (macros/partition_batches.sql) names the relation it plans
# batches from (a row count and a sample of keys, where duplicates change nothing): a
# name, not a read.
_BATCH_SLOT = re.compile(r"/\*\s*stir_batch:[^*]*\*/")
_FINAL_AFTER = re.compile(r"\s*(?:(?:as\s+)?(?!final\b|where\b|group\b|prewhere\b|settings\b|limit\b|order\b"
                          r"|inner\b|left\b|join\b|union\b|on\b)[A-Za-z_]\w*\s+)?final\b", re.I)
_LOOKBACK_LINES = 3


def is_dedup_engine(engine: str | None) -> bool:
    return any(name in (engine or "") for name in DEDUP_ENGINES)


def dedup_relations(manifest: dict) -> set[str]:
    """Relation names (aliases) of every enabled model built with a ReplacingMergeTree engine."""
    return {
        node.get("alias") or node["name"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["config"].get("enabled", True)
        and is_dedup_engine(node["config"].get("engine"))
    }


def _reference(names: set[str], schema: str) -> re.Pattern:
    alternatives = "|".join(sorted(map(re.escape, names), key=len, reverse=True))
    return re.compile(rf"`?{re.escape(schema)}`?\s*\.\s*`?({alternatives})`?(?![\w`])")


def read_violations(sql: str, names: set[str], schema: str = "dbt") -> list[str]:
    """Relations in `names` read in `sql` neither with FINAL nor under a dedup comment."""
    if not names or not sql:
        return []
    sql = _BATCH_SLOT.sub(lambda m: " " * len(m.group()), sql)
    lines = sql.splitlines()
    bad = []
    for match in _reference(names, schema).finditer(sql):
        if _FINAL_AFTER.match(sql, match.end()):
            continue
        line_no = sql.count("\n", 0, match.start())
        window = "\n".join(lines[max(0, line_no - _LOOKBACK_LINES):line_no + 1])
        if _COMMENT.search(window):
            continue
        bad.append(f"{match.group(1)} (line {line_no + 1}: {lines[line_no].strip()[:120]})")
    return bad


def violations(manifest: dict, schema: str = "dbt") -> dict[str, list[str]]:
    """Model / test name -> its reads of ReplacingMergeTree relations that break the rule."""
    names = dedup_relations(manifest)
    found = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] not in ("model", "test", "snapshot", "analysis"):
            continue
        code = node.get("compiled_code")
        if code is None:
            continue
        bad = read_violations(code, names, schema)
        if bad:
            found[node["name"]] = bad
    return found


def uncompiled(manifest: dict) -> list[str]:
    """Enabled models without compiled code: the rule cannot vouch for them."""
    return sorted(node["name"] for node in manifest["nodes"].values()
                  if node["resource_type"] == "model" and node["config"].get("enabled", True)
                  and node.get("compiled_code") is None)
