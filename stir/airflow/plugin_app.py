"""The Stir plugin's FastAPI app, mounted by the Airflow API server at /stir.

On-call answers without reading code: which DAG runs which dbt tier and when, whether the
daily batch window is on right now, the catalogue of every DAG with its sync pairs, how fresh
every served table is and the dbt docs (stir/airflow/plugin_pages.py). No page loads anything
from a CDN (Swagger UI would): the API is described by /stir/openapi.json and the index page.
"""

from __future__ import annotations

import datetime as dt

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

from stir import config, tiers
from stir.airflow import batch_window, plugin_pages

app = FastAPI(title="Stir", description="Stir's schedule tiers, batch window, DAG catalogue and freshness.",
              docs_url=None, redoc_url=None)
app.include_router(plugin_pages.router)
plugin_pages.mount_dbt_docs(app)

_PAGES = (("freshness", "Freshness of served tables"), ("dbt-docs/", "dbt docs"),
          ("api/freshness", "Freshness (JSON)"), ("tiers", "Tiers (JSON)"), ("batch-window", "Batch window (JSON)"),
          ("catalogue", "DAG catalogue (JSON)"), ("openapi.json", "OpenAPI description"))


@app.get("/", response_class=HTMLResponse, include_in_schema=False)
@app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
def index() -> str:
    base = "/stir/"
    links = "".join(f'<li><a href="{base}{path}">{label}</a></li>' for path, label in _PAGES)
    return f"<!doctype html><html><head><title>Stir</title></head><body><h2>Stir</h2><ul>{links}</ul></body></html>"


def _next_run(schedule: str, after: dt.datetime) -> str:
    from croniter import croniter

    return croniter(schedule, after).get_next(dt.datetime).isoformat()


@app.get("/tiers")
def get_tiers() -> list[dict]:
    now = dt.datetime.now(dt.timezone.utc)
    return [{"tag": t.tag, "dag_id": t.dag_id, "schedule": t.schedule, "timeout_minutes": t.timeout_minutes,
             "exclude": list(t.exclude), "skips_batch_window": t.skip_batch_window,
             "next_run_utc": _next_run(t.schedule, now), "description": t.description} for t in tiers.TIERS]


@app.get("/batch-window")
def get_batch_window() -> dict:
    start, end = batch_window.window_hours()
    now = dt.datetime.now(dt.timezone.utc)
    return {"start_hour_utc": start, "end_hour_utc": end, "now_utc": now.isoformat(),
            "inside": batch_window.in_batch_window(now, start, end),
            "skipping": [t.dag_id for t in tiers.TIERS if t.skip_batch_window]}


@app.get("/catalogue")
def get_catalogue() -> list[dict]:
    rows, header = [], None
    for line in (config.REPO_ROOT / "docs" / "dags.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("| dag_id |"):
            header = [c.strip() for c in line.strip().strip("|").split("|")]
        elif header and not line.startswith("|"):
            break  # the DAG table ended
        elif header and not line.startswith("|---"):
            cells = [c.strip().strip("`") for c in line.strip().strip("|").split("|")]
            rows.append(dict(zip(header, cells, strict=True)))
    return rows


def in_batch_window_macro(moment=None) -> bool:
    """Jinja macro `{{ macros.stir.in_batch_window() }}` (or with a datetime)."""
    return batch_window.in_batch_window(moment or dt.datetime.now(dt.timezone.utc))
