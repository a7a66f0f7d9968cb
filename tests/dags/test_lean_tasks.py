"""A task process imports only what it runs: a dbt tier task no S3/sync stack, a sync task no dbt.

Each check is a fresh interpreter that loads the DAG file as the task runner does, then the
modules its tasks import when they execute, and lists what got loaded.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from stir import config

PROBE = """
import json, runpy, sys, importlib
runpy.run_path(sys.argv[1])
for name in sys.argv[2].split(","):
    importlib.import_module(name)
print(json.dumps(sorted(sys.modules)))
"""

CASES = {
    "dbt tier task": ("dbt/dbt_recent_scl.py",
                      ["stir.airflow.dbt_hook", "dbt.config.project", "dbt.task.run", "dbt.adapters.clickhouse"],
                      ("boto3", "botocore", "stir.sync", "paramiko", "psycopg2", "airflow.providers.amazon")),
    "sync task": ("collection/sync_leaderboard_prod.py",
                  ["stir.sync.tasks", "airflow.providers.clickhousedb.hooks.clickhouse", "psycopg2"],
                  ("dbt", "airflow_dbt_python", "boto3", "botocore", "agate")),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_task_imports_only_what_it_runs(case):
    dag_file, runtime_modules, forbidden = CASES[case]
    proc = subprocess.run([sys.executable, "-c", PROBE, str(config.DAGS_DIR / dag_file), ",".join(runtime_modules)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    loaded = json.loads(proc.stdout.strip().splitlines()[-1])
    leaked = sorted(m for m in loaded if any(m == f or m.startswith(f + ".") for f in forbidden))
    assert not leaked, f"{case} loads {leaked[:20]}"
