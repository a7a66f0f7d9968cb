"""StirDbtHook: airflow-dbt-python's DbtHook with dbt's parse state kept across tasks.

The hook copies the project into a temp dir per task; around that dir's lifetime the cached
partial_parse.msgpack (stir/airflow/dbt_parse_cache.py) is placed into its target dir and the
new one stored back. Any cache error is logged and the run goes on with a full parse.
dbt's JSON artifacts are not written unless the operator asks for them (write_json or
do_xcom_push_artifacts with run_results.json).
"""

from __future__ import annotations

from contextlib import contextmanager

from airflow_dbt_python.hooks.dbt import DbtHook

from stir.airflow import dbt_parse_cache


class StirDbtHook(DbtHook):
    last_parse: dbt_parse_cache.ParseEvents | None = None  # dbt's account of the last task's parse

    def get_dbt_task_config(self, command: str, **config_kwargs):
        """As the hook's, minus manifest.json / run_results.json (~0.5 s a task) unless asked for:
        they land in the temp dir, which is deleted after the task."""
        config = super().get_dbt_task_config(command, **config_kwargs)
        if not config_kwargs.get("write_json"):
            config.write_json, config.no_write_json = False, True
        return config

    @contextmanager
    def dbt_directory(self, config, **kwargs):
        with super().dbt_directory(config, **kwargs) as tmp_dir:
            cache = events = None
            if dbt_parse_cache.enabled() and getattr(config, "partial_parse", None):
                try:
                    cache = dbt_parse_cache.ParseCache.for_project(
                        config.project_dir, profile=config.profile, target=config.target,
                        vars_=getattr(config, "vars", None), logger=self.log)
                    cache.place(dbt_parse_cache.target_dir(config.project_dir))
                    events = dbt_parse_cache.ParseEvents()
                    from dbt_common.events.event_manager_client import add_callback_to_manager

                    add_callback_to_manager(events)
                    self.last_parse = events
                except Exception as exc:  # the cache must never fail a run
                    self.log.warning("dbt parse cache: not used (%s: %s); dbt does a full parse",
                                     type(exc).__name__, exc)
                    cache = None
            else:
                self.log.info("dbt parse cache: disabled; dbt does a full parse")
            yield tmp_dir
            if cache is not None:
                try:
                    cache.store(events)
                except Exception as exc:
                    self.log.warning("dbt parse cache: could not store the new state (%s: %s)",
                                     type(exc).__name__, exc)
