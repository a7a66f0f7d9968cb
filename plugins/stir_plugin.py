"""Airflow plugin: Stir's /stir API and pages (tiers, batch window, catalogue, freshness, dbt docs),
UI menu entries for them, and a batch-window macro.

The code lives in stir.airflow.plugin_app; this file only registers it.
"""

from airflow.plugins_manager import AirflowPlugin

from stir.airflow.plugin_app import app, in_batch_window_macro


class StirPlugin(AirflowPlugin):
    name = "stir"
    fastapi_apps = [{"app": app, "url_prefix": "/stir", "name": "Stir tiers and DAG catalogue"}]
    # Menu entries (Browse) of the Airflow UI; each page opens inside the UI.
    external_views = [
        {"name": "Stir freshness", "href": "/stir/freshness", "url_route": "stir-freshness", "category": "browse",
         "destination": "nav"},
        {"name": "dbt docs", "href": "/stir/dbt-docs/", "url_route": "stir-dbt-docs", "category": "browse",
         "destination": "nav"},
        {"name": "Stir API", "href": "/stir/", "url_route": "stir-api", "category": "browse", "destination": "nav"},
    ]
    macros = [in_batch_window_macro]
