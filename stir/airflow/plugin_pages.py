"""The plugin's pages, linked from the Airflow UI's navigation (StirPlugin.external_views).

    /stir/freshness          per served table: age, objective, status (what `stir freshness` prints)
    /stir/freshness.png      the same as a plot
    /stir/api/freshness      the same as JSON
    /stir/dbt-docs/          `dbt docs generate` output (STIR_DBT_DOCS_DIR, default $STIR_HOME/dbt-docs)

Everything is served from here: no CDN, so the pages work on an offline machine.
PostgreSQL: STIR_PG_DSN, else the Airflow connection prod_pg (the one the syncs write with).
"""

from __future__ import annotations

import html
import io
import os
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import HTMLResponse, Response

from stir import config

router = APIRouter()

_STATUS_COLOUR = {"ok": "#2e7d32", "late": "#f9a825", "stale": "#c62828"}


def dbt_docs_dir() -> Path:
    return Path(os.environ.get("STIR_DBT_DOCS_DIR") or config.stir_home() / "dbt-docs")


def _pg_connect():
    import psycopg2

    dsn = os.environ.get("STIR_PG_DSN")
    if dsn:
        return psycopg2.connect(dsn)
    from airflow.models.connection import Connection

    conn = Connection.get_connection_from_secrets(config.POSTGRES_CONN_ID)
    return psycopg2.connect(host=conn.host or config.HOST, port=conn.port or 5432, user=conn.login or "postgres",
                            password=conn.password or None, dbname=conn.schema or config.PG_DATABASE)


def _rows():
    from stir.sync import freshness

    conn = _pg_connect()
    try:
        return freshness.report(conn)
    finally:
        conn.close()


@router.get("/api/freshness")
def api_freshness() -> list[dict]:
    from stir.sync import freshness

    return freshness.as_dicts(_rows())


@router.get("/freshness.png")
def freshness_png() -> Response:
    from stir.sync import freshness

    buf = io.BytesIO()
    freshness.plot(_rows(), buf)
    return Response(buf.getvalue(), media_type="image/png")


@router.get("/freshness", response_class=HTMLResponse)
def freshness_page() -> str:
    from stir.sync.freshness import _fmt_minutes

    rows = _rows()
    body = "".join(
        f"<tr><td>{html.escape(r.table)}</td><td>{html.escape(r.mart)}</td><td>{r.tier or '-'}</td>"
        f"<td>{_fmt_minutes(r.age_minutes)}</td><td>{_fmt_minutes(r.objective_minutes)}</td>"
        f"<td style='color:{_STATUS_COLOUR[r.status]};font-weight:bold'>{r.status}</td>"
        f"<td>{'-' if r.rows is None else r.rows}</td><td>{r.built_at or 'never'}</td>"
        f"<td>{r.published_at or '-'}</td></tr>" for r in rows)
    counts = ", ".join(f"{sum(r.status == s for r in rows)} {s}" for s in ("ok", "late", "stale"))
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>Stir freshness</title>
<style>body{{font-family:sans-serif;margin:1em}}table{{border-collapse:collapse;font-size:13px}}
td,th{{border:1px solid #ccc;padding:2px 6px;text-align:left}}th{{background:#eee}}</style></head><body>
<h2>Served tables: freshness</h2>
<p id="summary">{len(rows)} served tables: {counts}. Age = now - ClickHouse build time of the published snapshot;
objective = the tier's period + its dagrun timeout. <a href="api/freshness">JSON</a> ·
<a href="dbt-docs/">dbt docs</a></p>
<table id="freshness"><tr><th>table</th><th>mart</th><th>tier</th><th>age</th><th>objective</th><th>status</th>
<th>rows</th><th>built at</th><th>published at</th></tr>{body}</table>
<p><img src="freshness.png" alt="age vs objective per table"></p></body></html>"""


def mount_dbt_docs(app: FastAPI) -> None:
    """Serve the dbt docs directory (checked per request, so `dbt docs generate` can run later)."""

    @app.get("/dbt-docs", include_in_schema=False)
    @app.get("/dbt-docs/{path:path}", include_in_schema=False)
    def dbt_docs(path: str = "") -> Response:
        root = dbt_docs_dir().resolve()
        target = (root / (path or "index.html")).resolve()
        if not target.is_relative_to(root) or not target.is_file():
            if not (root / "index.html").is_file():
                return HTMLResponse("<p>dbt docs are not generated yet: run <code>stir dbt-docs</code> "
                                    f"(writes {html.escape(str(root))}).</p>", status_code=404)
            return Response("not found", status_code=404, media_type="text/plain")
        from fastapi.responses import FileResponse

        return FileResponse(target)
