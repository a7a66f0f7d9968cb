"""StirDbtHook: airflow-dbt-python's DbtHook with dbt's parse state kept across tasks.

The hook copies the project into a temp dir per task; around that dir's lifetime the cached
partial_parse.msgpack (stir/airflow/dbt_parse_cache.py) is placed into its target dir and the
new one stored back. Any cache error is logged and the run goes on with a full parse.
dbt's JSON artifacts are not written unless the operator asks for them (write_json or
do_xcom_push_artifacts with run_results.json).
"""

from __future__ import annotations

import os
from contextlib import contextmanager

from airflow_dbt_python.hooks.dbt import DbtHook

from stir.airflow import dbt_parse_cache

RESOURCE_TRACKER_FILTER = "ignore:resource_tracker:UserWarning"


def quiet_resource_tracker() -> None:
    """dbt's multiprocessing locks outlive the task process (the task runner exits without
    finalizers), so the resource_tracker process it spawns prints a 'leaked semaphore' warning
    that Airflow logs as two ERROR lines after every successful run. The tracker inherits the
    environment, so the filter goes there before dbt starts it; nothing leaks beyond the task."""
    current = os.environ.get("PYTHONWARNINGS", "")
    if RESOURCE_TRACKER_FILTER not in current:
        os.environ["PYTHONWARNINGS"] = ",".join(filter(None, [current, RESOURCE_TRACKER_FILTER]))


def _register_adapter_type(config) -> None:
    """Tell dbt's invocation context which adapter runs, as the dbt CLI does after loading the
    profile. Without it dbt validates model configs against its generic JSON schema and reports
    dbt-clickhouse's own keys (order_by, engine, ...) as CustomKeyInConfigDeprecation.

    create_dbt_profile() resets the invocation context, so the registration follows it; the
    config's class is swapped for a subclass (an instance attribute would end up in the run
    results' args, which Airflow must serialize for XCom)."""
    base = type(config)
    if not getattr(base, "_stir_registers_adapter", False):
        config.__class__ = _ADAPTER_AWARE.setdefault(base, type(base.__name__, (base,), {
            "create_dbt_profile": _create_dbt_profile, "_stir_registers_adapter": True}))


def _create_dbt_profile(self, *args, **kwargs):
    profile = super(type(self), self).create_dbt_profile(*args, **kwargs)
    from dbt_common.context import get_invocation_context

    get_invocation_context().uses_adapter(profile.credentials.type)
    return profile


_ADAPTER_AWARE: dict[type, type] = {}


class StirDbtHook(DbtHook):
    last_parse: dbt_parse_cache.ParseEvents | None = None  # dbt's account of the last task's parse

    def get_dbt_task_config(self, command: str, **config_kwargs):
        """As the hook's, minus manifest.json / run_results.json (~0.5 s a task) unless asked for:
        they land in the temp dir, which is deleted after the task."""
        config = super().get_dbt_task_config(command, **config_kwargs)
        if not config_kwargs.get("write_json"):
            config.write_json, config.no_write_json = False, True
        # Tier excludes name tags no model may carry today (tag:deprecated): not worth a warning
        # per run. Tier selections themselves are checked against the manifest by tests/dags.
        options = dict(getattr(config, "warn_error_options", None) or {})
        silence = list(options.get("silence") or [])
        if "NoNodesForSelectionCriteria" not in silence:
            options["silence"] = [*silence, "NoNodesForSelectionCriteria"]
            config.warn_error_options = options
        _register_adapter_type(config)
        return config

    @contextmanager
    def dbt_directory(self, config, **kwargs):
        quiet_resource_tracker()
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
