"""Embedded ClickHouse server: one on-disk chDB engine behind ClickHouse's HTTP
interface, so clickhouse-connect, dbt-clickhouse and the Airflow provider talk to it
exactly as to a real server. Start with `python -m stir.chserver --data-dir DIR`;
tests use `stir.chserver.testing.running_server`."""
