"""StirDbtRunOperator: airflow-dbt-python's DbtRunOperator, behaving like the dbt CLI.

Two gaps between airflow-dbt-python 3.6.2 and `dbt run` on the command line:
- it copies the project through a filesystem hook that needs a connection even for a local
  path; project_dir is absolute, so that connection's base path is unused and a bare local
  one is supplied when none is configured (a configured one wins);
- its config defaults every dbt behaviour flag to None, which overrides dbt's own defaults
  (e.g. require_generic_test_arguments_property, True since dbt 1.10.8, without which the
  `arguments:` property of generic tests fails to compile); unset flags are filled from the
  project's flags as the CLI reads them (require_* and send_anonymous_usage_stats).
Its hook is StirDbtHook, which keeps dbt's parse state across tasks (dbt_parse_cache.py).
"""

from __future__ import annotations

import atexit
import dataclasses
import gc
import os
from contextlib import contextmanager

from airflow_dbt_python.operators.dbt import DbtRunOperator

FS_CONN_ID = "fs_default"
# Project flags (dbt_project.yml `flags:`) that the CLI honours and airflow-dbt-python would
# override with its own defaults, besides the require_* behaviour flags.
PROJECT_FLAGS = ("send_anonymous_usage_stats",)
_LOCAL_FS_CONN = '{"conn_type": "fs", "extra": {"path": "/"}}'


def project_flag_defaults(project_dir: str, profiles_dir: str) -> dict:
    from dbt.config.project import read_project_flags
    from dbt.contracts.project import ProjectFlags

    flags = read_project_flags(project_dir, profiles_dir)
    return {f.name: getattr(flags, f.name) for f in dataclasses.fields(ProjectFlags)
            if f.name.startswith("require_") or f.name in PROJECT_FLAGS}


class StirDbtRunOperator(DbtRunOperator):
    def __init__(self, **kwargs):
        kwargs.setdefault("project_conn_id", FS_CONN_ID)
        kwargs.setdefault("profiles_conn_id", FS_CONN_ID)
        # airflow-dbt-python defaults this to False (the CLI to True); the parse cache needs it.
        kwargs.setdefault("partial_parse", True)
        super().__init__(**kwargs)

    @property
    def dbt_hook(self):
        if self._dbt_hook is None:
            from stir.airflow.dbt_hook import StirDbtHook

            self._dbt_hook = StirDbtHook(dbt_conn_id=self.dbt_conn_id, project_conn_id=self.project_conn_id,
                                         profiles_conn_id=self.profiles_conn_id)
        return self._dbt_hook

    def execute(self, context):
        os.environ.setdefault(f"AIRFLOW_CONN_{FS_CONN_ID.upper()}", _LOCAL_FS_CONN)
        with long_lived_heap():
            for name, value in project_flag_defaults(str(self.project_dir), str(self.profiles_dir)).items():
                if getattr(self, name, None) is None:
                    setattr(self, name, value)
            return super().execute(context)


@contextmanager
def long_lived_heap():
    """Keep Python's cyclic GC off what was alive before dbt started, for the task's duration.

    When the task starts, Airflow and the DAG are ~0.8 M live objects that stay until the end;
    importing dbt and loading its 3 MB parse state allocate millions more, and each full
    collection that triggers re-scanned all of them (~1-2 s CPU a task). Frozen (gc.freeze,
    as Airflow's LocalExecutor does before forking), they are skipped; afterwards they are
    unfrozen, so a long-lived process (pytest, `dags test`) collects as before, unless the
    process had frozen its heap itself (a task forked from LocalExecutor's frozen worker:
    unfreezing would write to every page it shares with its parent).
    Also, once per process: at interpreter exit (`airflow tasks test`, `dags test` run the task
    in the CLI process) freeze everything, so exit skips the final full collections over a
    heap the OS frees anyway (~1 s). A task process on the executor leaves with os._exit and
    never runs atexit hooks."""
    if not _EXIT_HOOK:
        atexit.register(gc.freeze)
        _EXIT_HOOK.append(True)
    frozen_before = gc.get_freeze_count()
    gc.freeze()
    try:
        yield
    finally:
        if not frozen_before:
            gc.unfreeze()


_EXIT_HOOK: list[bool] = []
