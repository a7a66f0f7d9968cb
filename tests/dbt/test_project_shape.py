"""The dbt project matches its catalogue (docs/models.md) and its tier contract
(stir/tiers.py): 29 staging + 83 marts in the documented folders, one tier tag each,
uniqueness and not-null tests on every mart's key, a description on every model.

Needs no server: `dbt parse` writes the manifest into a temp target path.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from stir.config import DBT_PROJECT_DIR, REPO_ROOT
from stir.generate.testing import DBT_BIN
from stir.tiers import NON_TIER_TAGS, TIER_TAGS

FOLDER_COUNTS = {
    ("staging", "beat"): 14, ("staging", "coffee"): 15,
    ("marts", "discovery"): 16, ("marts", "leaderboard"): 14, ("marts", "collection"): 12,
    ("marts", "profile_stats"): 8, ("marts", "profile_stats_partial"): 6, ("marts", "genre"): 7,
    ("marts", "audience"): 4, ("marts", "posts"): 3, ("marts", "staging_collection"): 9,
    ("marts", "orders"): 1, ("marts", "data_request"): 3,
}
UNIQUENESS_TESTS = ("unique", "unique_combination")
_SECTION = re.compile(r"^##+ (?:staging/)?(\w+) \((\d+)\)", re.M)
_MODEL_ROW = re.compile(r"^\|\s*((?:stg|mart)_\w+)\s*\|", re.M)


@pytest.fixture(scope="module")
def manifest(tmp_path_factory) -> dict:
    workdir = tmp_path_factory.mktemp("dbt-parse")
    env = {"DBT_TARGET_PATH": str(workdir / "target"), "DBT_LOG_PATH": str(workdir / "logs"),
           "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DO_NOT_TRACK": "1", "STIR_DBT_TARGET": "dev"}
    proc = subprocess.run(
        [str(DBT_BIN), "parse", "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)],
        cwd=REPO_ROOT, env={**os.environ, **env}, capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, f"dbt parse failed:\n{(proc.stdout + proc.stderr)[-6000:]}"
    return json.loads((workdir / "target" / "manifest.json").read_text())


@pytest.fixture(scope="module")
def models(manifest) -> dict[str, dict]:
    return {n["name"]: n for n in manifest["nodes"].values() if n["resource_type"] == "model"}


@pytest.fixture(scope="module")
def generic_tests(manifest) -> list[dict]:
    """Tests declared in YAML (generic tests), the ones that state a model's contract."""
    return [n for n in manifest["nodes"].values()
            if n["resource_type"] == "test" and n.get("test_metadata") and n.get("attached_node")]


def catalogue() -> dict[str, dict[str, str]]:
    """model -> {"section": ..., "tier": ...} from the tables of docs/models.md."""
    text = (REPO_ROOT / "docs" / "models.md").read_text()
    sections = list(_SECTION.finditer(text))
    out: dict[str, dict[str, str]] = {}
    for i, sec in enumerate(sections):
        body = text[sec.end(): sections[i + 1].start() if i + 1 < len(sections) else len(text)]
        lines = [ln for ln in body.splitlines() if ln.startswith("|")]
        if not lines:  # "## marts (83)" only introduces its domain sections
            continue
        header = [c.strip() for c in lines[0].strip("|").split("|")]
        tier_col = header.index("tier")
        for ln in lines[2:]:
            cells = [c.strip() for c in ln.strip("|").split("|")]
            assert cells[0] not in out, f"{cells[0]} listed twice in docs/models.md"
            out[cells[0]] = {"section": sec.group(1), "tier": cells[tier_col]}
    return out


def catalogue_section_counts() -> dict[str, int]:
    """Counts the headings announce, e.g. "### discovery (16)"; "## marts (83)" is their sum."""
    text = (REPO_ROOT / "docs" / "models.md").read_text()
    return {m.group(1): int(m.group(2)) for m in _SECTION.finditer(text)}


def folder(node: dict) -> tuple[str, ...]:
    return tuple(node["fqn"][1:-1])


def test_catalogue_parses_to_112_models():
    cat = catalogue()
    counts = Counter(v["section"] for v in cat.values())
    announced = catalogue_section_counts()
    assert len(cat) == 112
    assert announced.pop("marts") == sum(c for s, c in counts.items() if s not in ("beat", "coffee")) == 83
    assert dict(counts) == announced
    assert dict(counts) == {f[-1]: c for f, c in FOLDER_COUNTS.items()}
    assert len(_MODEL_ROW.findall((REPO_ROOT / "docs" / "models.md").read_text())) == 112


def test_model_counts_per_folder(models):
    counts = Counter(folder(n) for n in models.values())
    assert dict(counts) == FOLDER_COUNTS
    assert sum(c for f, c in counts.items() if f[0] == "staging") == 29
    assert sum(c for f, c in counts.items() if f[0] == "marts") == 83


def test_models_and_catalogue_name_the_same_models(models):
    cat = catalogue()
    assert sorted(set(models) - set(cat)) == [], "models missing from docs/models.md"
    assert sorted(set(cat) - set(models)) == [], "catalogued models with no SQL"


def test_every_model_sits_in_its_catalogue_folder(models):
    cat = catalogue()
    misplaced = {name: (folder(n)[-1], cat[name]["section"]) for name, n in models.items()
                 if name in cat and folder(n)[-1] != cat[name]["section"]}
    assert misplaced == {}


def test_every_model_has_exactly_one_known_tier_tag(models):
    bad = {}
    for name, node in models.items():
        tags = set(node["tags"])
        tiers = tags & TIER_TAGS
        unknown = tags - TIER_TAGS - NON_TIER_TAGS
        if len(tiers) != 1 or unknown:
            bad[name] = {"tiers": sorted(tiers), "unknown": sorted(unknown)}
    assert bad == {}


def test_tier_tag_is_the_catalogued_tier(models):
    cat = catalogue()
    wrong = {name: (sorted(set(n["tags"]) & TIER_TAGS), cat[name]["tier"]) for name, n in models.items()
             if name in cat and set(n["tags"]) & TIER_TAGS != {cat[name]["tier"]}}
    assert wrong == {}


def test_every_tier_schedules_at_least_one_model(models):
    used = {t for n in models.values() for t in n["tags"]} & TIER_TAGS
    assert sorted(TIER_TAGS - used) == []


def test_leaderboard_models_carry_the_leaderboard_tag(models):
    untagged = [name for name, n in models.items()
                if folder(n) == ("marts", "leaderboard") and "leaderboard" not in n["tags"]]
    assert untagged == []


def uniqueness_keys(tests: list[dict]) -> dict[str, list[tuple[str, ...]]]:
    """model unique_id -> the column tuples its YAML uniqueness tests cover."""
    keys: dict[str, list[tuple[str, ...]]] = {}
    for t in tests:
        meta = t["test_metadata"]
        if meta["name"] == "unique":
            cols = (t["column_name"],)
        elif meta["name"] == "unique_combination":
            cols = tuple(meta["kwargs"]["combination_of_columns"])
        else:
            continue
        keys.setdefault(t["attached_node"], []).append(cols)
    return keys


def test_every_mart_has_a_uniqueness_test_in_yaml(models, generic_tests):
    keys = uniqueness_keys(generic_tests)
    missing = [name for name, n in models.items() if folder(n)[0] == "marts" and n["unique_id"] not in keys]
    assert missing == []
    not_yaml = [t["name"] for t in generic_tests if t["test_metadata"]["name"] in UNIQUENESS_TESTS
                and not t["original_file_path"].endswith((".yml", ".yaml"))]
    assert not_yaml == []


def test_every_mart_key_column_has_a_not_null_test(models, generic_tests):
    keys = uniqueness_keys(generic_tests)
    not_null = {(t["attached_node"], t["column_name"]) for t in generic_tests
                if t["test_metadata"]["name"] == "not_null"}
    gaps = {}
    for name, node in models.items():
        if folder(node)[0] != "marts":
            continue
        cols = {c for key in keys.get(node["unique_id"], []) for c in key}
        missing = sorted(c for c in cols if (node["unique_id"], c) not in not_null)
        if missing:
            gaps[name] = missing
    assert not gaps, f"mart key columns without a not_null test in YAML: {gaps}"


def test_every_model_has_a_description(models):
    assert sorted(name for name, n in models.items() if not n["description"].strip()) == []


def test_every_model_yaml_sits_next_to_its_sql(models):
    """Descriptions and tests come from the folder's own _<domain>__models.yml."""
    stray = {}
    for name, n in models.items():
        patch = n.get("patch_path") or ""
        sql_dir = Path(n["original_file_path"]).parent
        if Path(patch.split("://", 1)[-1]).parent != sql_dir:
            stray[name] = patch
    assert stray == {}
