"""Clients built from Airflow connections at task run time (never at parse time).

Credentials live only in the connections (AIRFLOW_CONN_* / secrets backend); nothing here
logs them.
"""

from __future__ import annotations

from stir import config


def clickhouse():
    """A clickhouse_connect client through the official provider's hook (conn clickhouse_gcc)."""
    from airflow.providers.clickhousedb.hooks.clickhouse import ClickHouseHook

    return ClickHouseHook(clickhouse_conn_id=config.CLICKHOUSE_CONN_ID).get_client()


def http(conn_id: str):
    """(requests.Session, base_url) for an HTTP connection, reused across a batch of calls."""
    from airflow.providers.http.hooks.http import HttpHook

    hook = HttpHook(method="GET", http_conn_id=conn_id)
    session = hook.get_conn()
    return session, hook.base_url.rstrip("/"), hook.get_connection(conn_id).extra_dejson


def s3():
    """A boto3 S3 client from conn aws_gcc (login/password = key pair, extra endpoint_url/region_name)."""
    import boto3
    from airflow.providers.common.compat.sdk import BaseHook

    conn = BaseHook.get_connection(config.AWS_CONN_ID)
    extra = conn.extra_dejson
    kwargs = {"region_name": extra.get("region_name")}
    if extra.get("endpoint_url"):
        kwargs["endpoint_url"] = extra["endpoint_url"]
    if conn.login:
        kwargs["aws_access_key_id"] = conn.login
        kwargs["aws_secret_access_key"] = conn.password
    return boto3.client("s3", **{k: v for k, v in kwargs.items() if v is not None})
