"""The loopback S3 (moto) and the staging bucket the sync DAGs write to."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

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


@contextmanager
def running_moto(bucket: str = config.S3_BUCKET, timeout: float = 30) -> Iterator[str]:
    """A throwaway moto S3 server on a free loopback port with `bucket` in it (benches);
    yields its endpoint URL and stops it afterwards."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                urllib.request.urlopen(f"{endpoint}/moto-api/data.json", timeout=1)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"moto server on {endpoint} did not start") from None
                time.sleep(0.1)
        ensure_bucket(bucket, endpoint)
        yield endpoint
    finally:
        proc.terminate()
        proc.wait(30)
