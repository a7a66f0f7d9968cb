"""ClickHouse marts -> S3 -> PostgreSQL serving tables, published by a guarded atomic swap.

Pieces, in the order a sync runs them:
    export.py    INSERT INTO FUNCTION s3(...) from the mart, plus the exported object's row count
    fetch.py     `python -m stir.sync.fetch`: the PostgreSQL host downloads that object
    load.py      advisory lock, leftover cleanup, staging table + COPY (+ enrichment join), indexes
    swap.py      one short transaction: guards, renames, grants, comments, dependent views
    rollback.py  `stir rollback <table>`: the backup swapped back with the same hygiene
    migrations/  the serving schema as ordered, checksummed migrations (`stir migrate`)

Around them: tasks.py (the Airflow callables behind stir/airflow/sync.py), enrich.py (joins
folded into the load), chtypes.py (ClickHouse -> PostgreSQL types and export expressions),
pgmeta.py (what the swap carries over), scaffold.py and cli.py (`stir migrate|rollback|sync`).
"""
