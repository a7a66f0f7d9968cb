"""upload_content_verification end to end: ClickHouse rows -> sidecar media over HTTP -> moto S3.

Content-hash keys, HEAD before upload (an object already there is not re-sent), a 404 is
recorded without failing the batch, and the next run skips what was copied.
"""

from __future__ import annotations

import hashlib
import json

import pytest

from stir import config
from stir.sidecar.media import png_for

DAG_ID = "upload_content_verification"


def _key(body: bytes) -> str:
    digest = hashlib.sha256(body).hexdigest()
    return f"assets/{digest[:2]}/{digest}.png"


@pytest.fixture(scope="module")
def proofs(seeded):
    return seeded


@pytest.fixture
def asset_connections(stack_connections, s3_server, monkeypatch):
    endpoint, _ = s3_server
    monkeypatch.setenv("AIRFLOW_CONN_AWS_GCC", json.dumps({
        "conn_type": "aws", "login": "stir", "password": "stir-local",
        "extra": {"endpoint_url": endpoint, "region_name": "ap-south-1"}}))


def _run():
    from airflow.dag_processing.dagbag import DagBag

    dag = DagBag(str(config.DAGS_DIR / "assets" / f"{DAG_ID}.py")).dags[DAG_ID]
    run = dag.test()
    return {ti.task_id: str(getattr(ti.state, "value", ti.state)) for ti in run.get_task_instances()}


def _events(ch):
    return ch.query("SELECT ref, status, s3_key FROM _e.asset_upload_events WHERE kind = 'content_verification_proofs' "
                    "ORDER BY event_timestamp, ref").result_rows


def test_copies_by_content_hash_skips_existing_and_records_failures(proofs, asset_connections, s3_server,
                                                                    airflow_db):
    _, s3 = s3_server
    pre = png_for("cdn.example.com/proofs/5.png")
    s3.put_object(Bucket=config.S3_BUCKET, Key=_key(pre), Body=pre)

    assert _run() == {"upload_content_verification_proofs": "success"}
    events = {ref: (status, key) for ref, status, key in _events(proofs)}
    body1, body2 = png_for("cdn.example.com/proofs/1.png"), png_for("cdn.example.com/proofs/2.png")
    same_url = [ref for ref in ("1", "4") if ref in events]
    assert len(same_url) == 1  # one URL, one copy
    assert events[same_url[0]] == ("UPLOADED", _key(body1))
    assert events["2"] == ("UPLOADED", _key(body2))
    assert events["3"][0] == "FAILED"
    assert events["5"] == ("EXISTS", _key(pre))
    assert "9" not in events  # rejected proofs are not kept
    stored = s3.get_object(Bucket=config.S3_BUCKET, Key=_key(body2))
    assert stored["Body"].read() == body2 and stored["ContentType"] == "image/png"
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket=config.S3_BUCKET, Prefix="assets/")["Contents"]}
    assert keys == {_key(body1), _key(body2), _key(pre)}

    # Only the failed URL is tried again; a batch whose every copy fails fails the task (and alerts).
    assert _run() == {"upload_content_verification_proofs": "failed"}
    second = _events(proofs)[len(events):]
    assert [(ref, status) for ref, status, _ in second] == [("3", "FAILED")]
