"""Each ops check fails where it matters: a crafted bad state raises CheckFailed naming what
is wrong, and the matching healthy state passes; run as its real DAG, the failure's Slack
alert (the DAGs' own on_failure_callback, conn slack_failure) arrives at the stack's sidecar
sink naming the DAG, task and reason. Real engines: a fresh ClickHouse server (the staging
models built by dbt from crafted source rows), PostgreSQL at 127.0.0.1, moto S3 for the
export cleanup, the sidecar's HTTP Slack sink.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import time

import psycopg2
import pytest

from stir import config
from stir.airflow import ops
from stir.generate.testing import apply_sources, insert_rows, make_client, make_dbt_runner

NOW = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
PG_HOST, PG_PORT = "127.0.0.1", int(os.environ.get("STIR_PG_PORT", "5432"))


def ago(**delta) -> str:
    return (NOW - dt.timedelta(**delta)).strftime("%Y-%m-%d %H:%M:%S")


@pytest.fixture(scope="module")
def server():
    from stir.chserver.testing import running_server

    with running_server() as s:
        yield s


@pytest.fixture(scope="module")
def ch(server, tmp_path_factory):
    client = make_client(server)
    apply_sources(client)
    dbt = make_dbt_runner(server, tmp_path_factory.mktemp("dbt-ops"))
    client.dbt = dbt
    yield client
    client.close()


def build(ch, log: list[dict], requests: list[dict]) -> None:
    """Replace the scrape log and data requests, then rebuild their staging models from scratch."""
    ch.command("TRUNCATE TABLE beat.scrape_request_log")
    ch.command("TRUNCATE TABLE coffee.data_request")
    insert_rows(ch, "beat.scrape_request_log", log)
    insert_rows(ch, "coffee.data_request", requests)
    ch.dbt("run", "--full-refresh", "--select", "stg_beat_scrape_request_log", "stg_coffee_data_request")


def request(rid: int, flow: str, status: str, created: str, updated: str) -> dict:
    return {"id": rid, "flow": flow, "platform": "INSTAGRAM", "params": "{}", "status": status,
            "created_at": created, "updated_at": updated}


def data_request(rid: int, status: str, created: str) -> dict:
    return {"id": rid, "brand_id": 7, "request_type": "PROFILE_REPORT", "platform": "INSTAGRAM",
            "platform_id": f"p{rid}", "status": status, "created_at": created, "updated_at": created}


HEALTH_FLOW, SMALL_FLOW, BACKLOG_FLOW = "refresh_post_by_shortcode", "refresh_yt_channel", "refresh_profile_by_handle"


def scrape_log(complete: int, stuck: int) -> list[dict]:
    # 25 requests finished in the last hour, `complete` of them COMPLETE. Each also has an older
    # PENDING version: the check must read the latest state (FINAL), not count both.
    log = [request(i, HEALTH_FLOW, "COMPLETE" if i < complete else "FAILED", ago(minutes=50), ago(minutes=30))
           for i in range(25)]
    log += [request(i, HEALTH_FLOW, "PENDING", ago(minutes=50), ago(minutes=45)) for i in range(25)]
    # too few to judge (10 < 20), all failed
    log += [request(100 + i, SMALL_FLOW, "FAILED", ago(minutes=50), ago(minutes=20)) for i in range(10)]
    # `stuck` requests PENDING for 3 h, and 50 young ones that are not stuck yet
    log += [request(1000 + i, BACKLOG_FLOW, "PENDING", ago(hours=3), ago(hours=3)) for i in range(stuck)]
    log += [request(5000 + i, BACKLOG_FLOW, "PENDING", ago(minutes=30), ago(minutes=30)) for i in range(50)]
    return log


SLA_REQUESTS = [
    data_request(1, "PENDING", ago(hours=48, minutes=30)),       # crossed 30 min ago: alert
    data_request(2, "IN_PROGRESS", ago(hours=48, minutes=50)),   # crossed 50 min ago: alert
    data_request(3, "PENDING", ago(hours=50)),                   # alerted an hour ago already
    data_request(4, "COMPLETE", ago(hours=48, minutes=30)),      # done
    data_request(5, "PENDING", ago(hours=47)),                   # not yet
]
CHECKS = {
    "health": ops.check_scrape_health, "backlog": ops.check_scrape_backlog, "sla": ops.check_data_request_sla,
    "freshness": ops.check_mart_freshness,
    # evaluated 3 h later: the recent_scl tier (5 min cadence, 90 min timeout) allows 100 minutes
    "freshness_3h_later": lambda ch: ops.check_mart_freshness(ch, at=NOW + dt.timedelta(hours=3)),
}


def run_checks(ch) -> dict:
    out = {}
    for name, check in CHECKS.items():
        try:
            out[name] = check(ch)
        except ops.CheckFailed as exc:
            out[name] = exc
    return out


@pytest.fixture(scope="module")
def outcomes(ch) -> dict:
    """Every check on a bad warehouse, then on a healthy one (one dbt run each)."""
    build(ch, scrape_log(complete=10, stuck=501), SLA_REQUESTS)
    bad = run_checks(ch)
    build(ch, scrape_log(complete=13, stuck=500), [r for r in SLA_REQUESTS if r["id"] not in (1, 2)])
    return {"bad": bad, "healthy": run_checks(ch)}


def failed(outcome) -> str:
    assert isinstance(outcome, ops.CheckFailed), f"check passed: {outcome}"
    return str(outcome)


def test_scrape_health_fails_below_half_success(outcomes):
    message = failed(outcomes["bad"]["health"])
    assert f"{HEALTH_FLOW}/INSTAGRAM 10/25" in message and SMALL_FLOW not in message
    assert outcomes["healthy"]["health"] == {"flows": 3}  # the young backlog requests count too


def test_scrape_backlog_fails_above_500_stuck(outcomes):
    assert failed(outcomes["bad"]["backlog"]).startswith(f"501 scrape requests stuck for more than 2 h: {BACKLOG_FLOW}=501")
    assert outcomes["healthy"]["backlog"] == {"stuck": 500}


def test_data_request_sla_alerts_once_in_the_hour_it_is_crossed(outcomes):
    assert failed(outcomes["bad"]["sla"]).endswith("2 data request(s) passed the 48 h SLA in the last hour: ids 2, 1")
    assert outcomes["healthy"]["sla"] == {"breaches": 0}


def test_mart_freshness_fails_for_models_older_than_their_tier(outcomes):
    assert outcomes["healthy"]["freshness"] == {"models": 2}
    message = failed(outcomes["healthy"]["freshness_3h_later"])
    assert re.search(r"stg_beat_scrape_request_log \(1\d\d min > 100\)", message), message


@pytest.fixture
def pg(monkeypatch):
    dbname = f"stir_ops_t{os.getpid()}"
    admin = psycopg2.connect(host=PG_HOST, port=PG_PORT, user="postgres", dbname="postgres")
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS {dbname}")
        cur.execute(f"CREATE DATABASE {dbname}")
    monkeypatch.setenv(f"AIRFLOW_CONN_{config.POSTGRES_CONN_ID.upper()}", json.dumps(
        {"conn_type": "postgres", "host": PG_HOST, "port": PG_PORT, "login": "postgres", "schema": dbname}))
    conn = psycopg2.connect(host=PG_HOST, port=PG_PORT, user="postgres", dbname=dbname)
    conn.autocommit = True
    yield conn
    conn.close()
    with admin.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS {dbname} WITH (FORCE)")
    admin.close()


def test_verify_pg_sync_counts(ch, pg):
    # A ReplacingMergeTree mart with every key written three times in unmerged parts: 100 keys.
    ch.command("DROP TABLE IF EXISTS dbt.mart_ops_weekly SYNC")
    ch.command("CREATE TABLE dbt.mart_ops_weekly (k UInt64, v UInt64) ENGINE = ReplacingMergeTree ORDER BY k")
    ch.command("SYSTEM STOP MERGES dbt.mart_ops_weekly")
    for version in range(3):
        ch.command(f"INSERT INTO dbt.mart_ops_weekly SELECT number, {version} FROM numbers(100)")
    ch.command("DROP TABLE IF EXISTS dbt.mart_ops_plain SYNC")
    ch.command("CREATE TABLE dbt.mart_ops_plain (k UInt64) ENGINE = MergeTree ORDER BY k")
    ch.command("INSERT INTO dbt.mart_ops_plain SELECT number FROM numbers(100)")
    with pg.cursor() as cur:
        cur.execute("CREATE TABLE ops_weekly AS SELECT generate_series(1, 60) AS k")   # 60 of 100 keys: fine
        cur.execute("CREATE TABLE ops_plain AS SELECT generate_series(1, 40) AS k")    # 40 of 100: too few
    pairs = [("mart_ops_weekly", "ops_weekly"), ("mart_ops_plain", "ops_plain"), ("mart_ops_plain", "ops_gone")]
    with pytest.raises(ops.CheckFailed) as err:
        ops.verify_pg_sync_counts(ch, pairs=pairs)
    message = str(err.value)
    assert "ops_plain: 40 rows vs mart_ops_plain: 100" in message
    assert "ops_gone: missing" in message
    assert "ops_weekly" not in message  # counted with FINAL: 100 keys, not 300 rows
    assert ops.verify_pg_sync_counts(ch, pairs=pairs[:1]) == {"pairs": 1}


def test_cleanup_s3_exports_deletes_only_stale_objects_under_the_prefix(s3_server, monkeypatch):
    endpoint, s3 = s3_server
    monkeypatch.setenv(f"AIRFLOW_CONN_{config.AWS_CONN_ID.upper()}", json.dumps(
        {"conn_type": "aws", "login": "stir", "password": "stir-local",
         "extra": {"endpoint_url": endpoint, "region_name": "ap-south-1"}}))
    keys = [f"{config.S3_PREFIX}/ops-test/t{i}/run.tsv" for i in range(3)]
    for key in keys + ["elsewhere/keep.tsv"]:
        s3.put_object(Bucket=config.S3_BUCKET, Key=key, Body=b"1\n")

    def under_prefix() -> list[str]:
        listed = s3.list_objects_v2(Bucket=config.S3_BUCKET, Prefix=config.S3_PREFIX).get("Contents", [])
        return [o["Key"] for o in listed]

    exports = len(under_prefix())  # other DAG tests may have exported too
    assert ops.cleanup_s3_exports(keep_days=7) == {"deleted": 0, "kept": exports}
    time.sleep(1.1)
    assert ops.cleanup_s3_exports(keep_days=0) == {"deleted": exports, "kept": 0}
    assert under_prefix() == []
    s3.head_object(Bucket=config.S3_BUCKET, Key="elsewhere/keep.tsv")


# ------------------------------------------------------------------ the alert reaches Slack

SLACK_HOOK = "T0OPS/B0OPS/checks"
# dag_id (= its one task) -> what its message must say about the bad state
ALERTS = {
    "check_scrape_health": f"{HEALTH_FLOW}/INSTAGRAM 10/25",
    "check_scrape_backlog": f"501 scrape requests stuck for more than 2 h: {BACKLOG_FLOW}=501",
    "check_data_request_sla": "2 data request(s) passed the 48 h SLA in the last hour: ids 2, 1",
    "check_mart_freshness": "model(s) older than their tier allows: ",
    "verify_pg_sync_counts": "ops_alert: 40 rows vs mart_ops_alert: 100",
}


def test_each_check_dag_fails_and_its_alert_arrives_at_the_sidecar_slack_sink(
        ch, server, pg, sidecar, airflow_db, monkeypatch):
    """The real DAG files run with dag.test(): the task raises CheckFailed and the DAGs' own
    on_failure_callback posts through conn slack_failure to the stack's sidecar sink."""
    import functools
    import urllib.request

    from airflow.dag_processing.dagbag import DagBag

    build(ch, scrape_log(complete=10, stuck=501), SLA_REQUESTS)
    # Bad states the checks cannot be handed through a DAG file: the freshness check three hours
    # from now, and the reconciliation over one pair whose served table lags its mart.
    monkeypatch.setitem(ops.TASKS, "check_mart_freshness",
                        functools.partial(ops.check_mart_freshness, at=NOW + dt.timedelta(hours=3)))
    ch.command("DROP TABLE IF EXISTS dbt.mart_ops_alert SYNC")
    ch.command("CREATE TABLE dbt.mart_ops_alert (k UInt64) ENGINE = MergeTree ORDER BY k")
    ch.command("INSERT INTO dbt.mart_ops_alert SELECT number FROM numbers(100)")
    with pg.cursor() as cur:
        cur.execute("CREATE TABLE ops_alert AS SELECT generate_series(1, 40) AS k")
    monkeypatch.setattr(ops.sync_pairs, "pairs", lambda: [("mart_ops_alert", "ops_alert")])
    monkeypatch.setenv(f"AIRFLOW_CONN_{config.CLICKHOUSE_CONN_ID.upper()}", json.dumps(
        {"conn_type": "clickhouse", "host": server.host, "port": server.port, "login": "default",
         "schema": "dbt", "extra": {"secure": False}}))
    monkeypatch.setenv(f"AIRFLOW_CONN_{config.SLACK_CONN_ID.upper()}", json.dumps(
        {"conn_type": "slackwebhook", "host": f"{sidecar}/slack/", "password": SLACK_HOOK}))
    urllib.request.urlopen(urllib.request.Request(f"{sidecar}/slack/_messages", method="DELETE")).close()

    for dag_id in ALERTS:
        dag = DagBag(str(config.DAGS_DIR / "operational" / f"{dag_id}.py")).dags[dag_id]
        run = dag.test()
        assert {ti.task_id: str(getattr(ti.state, "value", ti.state)) for ti in run.get_task_instances()} == {
            dag_id: "failed"}, dag_id

    with urllib.request.urlopen(f"{sidecar}/slack/_messages") as response:
        messages = json.loads(response.read())
    assert [m["webhook"] for m in messages] == [SLACK_HOOK] * len(ALERTS), messages  # one post per failure
    for message, (dag_id, reason) in zip(messages, ALERTS.items(), strict=True):
        text = message["payload"]["text"] + json.dumps(message["payload"]["blocks"])
        assert f"Task failed: {dag_id}.{dag_id} (" in text, text
        assert f"*Dag*: `{dag_id}`" in text and f"*Task*: `{dag_id}`" in text
        assert "CheckFailed: " in text and reason in text, (dag_id, text)
