"""Airflow plugin: Stir's /stir API (tiers, batch window, DAG catalogue) and a batch-window macro.

The code lives in stir.airflow.plugin_app; this file only registers it.
"""

from airflow.plugins_manager import AirflowPlugin

from stir.airflow.plugin_app import app, in_batch_window_macro


class StirPlugin(AirflowPlugin):
    name = "stir"
    fastapi_apps = [{"app": app, "url_prefix": "/stir", "name": "Stir tiers and DAG catalogue"}]
    macros = [in_batch_window_macro]
