"""The loopback S3 (moto) and the staging bucket the sync DAGs write to."""

from __future__ import annotations

import urllib.request

from botocore.exceptions import ClientError

from stir import config
from stir.stack.layout import S3_REGION, s3_endpoint
from stir.sync import s3client


def client(endpoint: str | None = None):
    """S3 client with the stack's keys (STIR_S3_* or the loopback stand-ins) for the
    stack's S3, or for `endpoint` (another S3 API server such as a bench's own moto)."""
    return s3client.client(endpoint or s3_endpoint())


def healthy(timeout: float = 2.0) -> bool:
    # moto answers its own API without signatures; a 200 means the server is serving.
    with urllib.request.urlopen(f"{s3_endpoint()}/moto-api/data.json", timeout=timeout) as resp:
        return resp.status == 200


def ensure_bucket(bucket: str = config.S3_BUCKET, endpoint: str | None = None) -> bool:
    """Create the bucket if missing; returns True when it was created now."""
    s3 = client(endpoint)
    try:
        s3.head_bucket(Bucket=bucket)
        return False
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") not in ("404", "NoSuchBucket", "NotFound"):
            raise
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": S3_REGION})
    return True
