"""Stir: ClickHouse + dbt transforms, Airflow orchestration, ClickHouse -> S3 -> PostgreSQL serving."""

__version__ = "0.1.0"
