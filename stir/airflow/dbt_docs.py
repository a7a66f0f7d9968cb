"""`stir dbt-docs`: `dbt docs generate` into the directory the Airflow plugin serves at /stir/dbt-docs/.

With a reachable ClickHouse the catalog (columns, row counts) is filled in; without one
(`--empty-catalog`, also the fallback: dbt parse, then docs generate --no-compile) the docs
still show every model, its description, SQL and lineage.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from stir import config


def _dbt(args: list[str], target: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, DBT_TARGET_PATH=str(target), DBT_LOG_PATH=str(target / "logs"),
               DBT_SEND_ANONYMOUS_USAGE_STATS="false", DO_NOT_TRACK="1")
    dbt = Path(sys.executable).parent / "dbt"
    return subprocess.run([str(dbt), *args, "--project-dir", str(config.DBT_PROJECT_DIR),
                           "--profiles-dir", str(config.DBT_PROFILES_DIR)],
                          env=env, capture_output=True, text=True, timeout=900, cwd=config.REPO_ROOT)


def generate(target: Path, empty_catalog: bool = False) -> Path:
    """index.html + manifest.json + catalog.json in `target`; offline: parse, then no compile, no catalog."""
    target.mkdir(parents=True, exist_ok=True)
    proc = None if empty_catalog else _dbt(["docs", "generate"], target)
    if proc is None or proc.returncode != 0:
        proc = _dbt(["parse"], target)
        if proc.returncode == 0:
            proc = _dbt(["docs", "generate", "--empty-catalog", "--no-compile"], target)
    if proc.returncode != 0 or not (target / "index.html").is_file() or not (target / "manifest.json").is_file():
        raise RuntimeError("dbt docs generate failed:\n" + (proc.stdout + proc.stderr)[-3000:])
    return target / "index.html"


def cmd_dbt_docs(args) -> int:
    from stir.airflow.plugin_pages import dbt_docs_dir

    index = generate(Path(args.target) if args.target else dbt_docs_dir(), args.empty_catalog)
    print(f"dbt docs: {index} (served by the Airflow plugin at /stir/dbt-docs/)")
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("dbt-docs", help="dbt docs generate into the directory the Airflow UI serves")
    p.add_argument("--target", help="output directory (default STIR_DBT_DOCS_DIR or $STIR_HOME/dbt-docs)")
    p.add_argument("--empty-catalog", action="store_true", help="skip the catalog (no ClickHouse needed)")
    p.set_defaults(func=cmd_dbt_docs)
