"""ClickHouse marts -> S3 -> PostgreSQL serving tables, published by a guarded atomic swap.

Pieces, in the order a sync runs them:
    export.py    INSERT INTO FUNCTION s3(...) from the mart, plus the exported object's row count
    fetch.py     `python -m stir.sync.fetch`: the PostgreSQL host downloads that object
    load.py      advisory lock, leftover cleanup, staging table + COPY (+ enrichment join), indexes
    swap.py      one short transaction: guards, renames, grants, comments, dependent views
    rollback.py  `stir rollback <table>`: the backup swapped back with the same hygiene
    migrations/  the serving schema as ordered, checksummed migrations (`stir migrate`)
"""
