"""`python -m stir.sync.fetch`: runs on the PostgreSQL host (over SSH) and downloads one export
(one object, or each part of a split export: `--key K1 --dest F1 --key K2 --dest F2 ...`).

S3 endpoint and credentials come from that host's own AWS environment (AWS_ACCESS_KEY_ID,
AWS_SECRET_ACCESS_KEY, AWS_DEFAULT_REGION, AWS_ENDPOINT_URL_S3 or ~/.aws) - never from the
command line, which Airflow logs. The file appears under its final name only once complete
and the byte count matches the object's, so the load can never read a partial download.
Production may use `aws s3 cp s3://BUCKET/KEY DEST` per object instead (STIR_SYNC_DOWNLOADER=aws),
which lacks the completeness check; the load's row-count guard still catches a short file.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path


def prune(directory: Path, keep: set[Path], older_than_s: float) -> int:
    """Remove earlier runs' files (a running COPY keeps reading an unlinked file)."""
    cutoff = time.time() - older_than_s
    removed = 0
    for path in directory.iterdir():
        if path not in keep and path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def download(bucket: str, key: str, dest: Path, s3=None) -> int:
    if s3 is None:
        import boto3

        s3 = boto3.client("s3")
    dest.parent.mkdir(parents=True, exist_ok=True, mode=0o755)
    # The PostgreSQL server process (another OS user) reads the file with COPY.
    os.chmod(dest.parent, 0o755)
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
    return size


def download_all(bucket: str, pairs: list[tuple[str, Path]], prune_after_s: float | None = None,
                 report=print) -> int:
    """Each (key, dest) in turn; earlier runs' files are pruned only once all of this run's are in."""
    import boto3

    s3 = boto3.client("s3")
    total = 0
    for n, (key, dest) in enumerate(pairs, 1):
        started = time.monotonic()
        size = download(bucket, key, dest, s3)
        total += size
        report(f"[{n}/{len(pairs)}] s3://{bucket}/{key} -> {dest}: {size} bytes in {time.monotonic() - started:.1f}s")
    if prune_after_s is not None:
        for folder in {dest.parent for _, dest in pairs}:
            prune(folder, {dest for _, dest in pairs}, prune_after_s)
    return total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m stir.sync.fetch", description=__doc__.split("\n\n")[0])
    parser.add_argument("--bucket", required=True)
    parser.add_argument("--key", required=True, action="append", help="repeated: one per object")
    parser.add_argument("--dest", required=True, type=Path, action="append", help="one per --key, in order")
    parser.add_argument("--prune-after", type=float, default=None,
                        help="also delete other files in DEST's directory older than this many seconds")
    args = parser.parse_args(argv)
    if len(args.key) != len(args.dest):
        parser.error(f"{len(args.key)} --key for {len(args.dest)} --dest: give one --dest per --key")
    started = time.monotonic()
    size = download_all(args.bucket, list(zip(args.key, args.dest, strict=True)), args.prune_after)
    print(f"downloaded {len(args.key)} object(s) of s3://{args.bucket}: {size} bytes "
          f"in {time.monotonic() - started:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
