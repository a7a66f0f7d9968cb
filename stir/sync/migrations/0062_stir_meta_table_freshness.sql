-- Freshness of every served table: written by each sync inside its swap transaction, so a
-- row never claims a snapshot that is not live. Read by `stir freshness` and the plugin's
-- /stir/freshness page. Not a synced table (lives outside public, never swapped).
CREATE SCHEMA IF NOT EXISTS stir_meta;

CREATE TABLE stir_meta.table_freshness (
    table_name text PRIMARY KEY,          -- schema-qualified served table, e.g. public.leaderboard
    mart text NOT NULL,                   -- ClickHouse source, e.g. dbt.mart_leaderboard
    built_at timestamptz,                 -- when ClickHouse built the exported snapshot (NULL: unknown)
    published_at timestamptz NOT NULL,    -- commit time of the swap that made it live
    rows bigint NOT NULL,
    dag_id text,
    run_id text
);
