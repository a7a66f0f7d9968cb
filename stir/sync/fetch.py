"""`python -m stir.sync.fetch`: runs on the PostgreSQL host (over SSH) and downloads one export.

S3 endpoint and credentials come from that host's own AWS environment (AWS_ACCESS_KEY_ID,
AWS_SECRET_ACCESS_KEY, AWS_DEFAULT_REGION, AWS_ENDPOINT_URL_S3 or ~/.aws) - never from the
command line, which Airflow logs. The file appears under its final name only once complete
and the byte count matches the object's, so the load can never read a partial download.
Production may use `aws s3 cp s3://BUCKET/KEY DEST` instead (STIR_SYNC_DOWNLOADER=aws),
which lacks the completeness check; the load's row-count guard still catches a short file.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path


def prune(directory: Path, keep: Path, older_than_s: float) -> int:
    """Remove earlier runs' files (a running COPY keeps reading an unlinked file)."""
    cutoff = time.time() - older_than_s
    removed = 0
    for path in directory.iterdir():
        if path != keep and path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def download(bucket: str, key: str, dest: Path, prune_after_s: float | None = None) -> int:
    import boto3

    dest.parent.mkdir(parents=True, exist_ok=True, mode=0o755)
    # The PostgreSQL server process (another OS user) reads the file with COPY.
    os.chmod(dest.parent, 0o755)
    s3 = boto3.client("s3")
    head = s3.head_object(Bucket=bucket, Key=key)
    expected = int(head["ContentLength"])
    part = dest.with_name(dest.name + ".part")
    s3.download_file(bucket, key, str(part))
    size = part.stat().st_size
    if size != expected:
        part.unlink(missing_ok=True)
        raise RuntimeError(f"s3://{bucket}/{key}: downloaded {size} bytes, the object has {expected}")
    os.chmod(part, 0o644)
    part.replace(dest)
    if prune_after_s is not None:
        prune(dest.parent, dest, prune_after_s)
    return size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m stir.sync.fetch", description=__doc__.split("\n\n")[0])
    parser.add_argument("--bucket", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--dest", required=True, type=Path)
    parser.add_argument("--prune-after", type=float, default=None,
                        help="also delete other files in DEST's directory older than this many seconds")
    args = parser.parse_args(argv)
    started = time.monotonic()
    size = download(args.bucket, args.key, args.dest, args.prune_after)
    print(f"downloaded s3://{args.bucket}/{args.key} -> {args.dest}: {size} bytes "
          f"in {time.monotonic() - started:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
