"""The sync's S3 client: the staging bucket's endpoint and keys from the environment.

STIR_S3_ENDPOINT / STIR_S3_ACCESS_KEY / STIR_S3_SECRET_KEY / STIR_S3_REGION, defaulting to
the embedded stack's loopback moto (stir/config.py). Airflow tasks take theirs from the
`aws_gcc` connection instead (stir/airflow/clients.py); nothing here knows about the stack.
"""

from __future__ import annotations

from stir import config


def client(endpoint: str | None = None, access_key: str | None = None, secret_key: str | None = None,
           region: str | None = None):
    import boto3
    from botocore.config import Config

    return boto3.client(
        "s3",
        endpoint_url=endpoint or config.s3_endpoint(),
        aws_access_key_id=access_key or config.s3_access_key(),
        aws_secret_access_key=secret_key or config.s3_secret_key(),
        region_name=region or config.S3_REGION,
        config=Config(connect_timeout=5, read_timeout=30, retries={"max_attempts": 2}),
    )
