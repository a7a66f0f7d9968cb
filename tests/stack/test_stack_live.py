"""A real stack from a fresh STIR_HOME: every component serves, `up` is idempotent, `down` cleans up.

Tests run in file order; the last one stops the stack and checks nothing is left.
"""

from __future__ import annotations

import json
import socket
import struct
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
import zlib
from pathlib import Path

import asyncssh
import boto3
import clickhouse_connect
import paramiko
import psutil
import psycopg2
import pytest

from stir.stack.process import wait_until

from .helpers import status, stir

OWNED = ("clickhouse", "s3", "sshd", "sidecar")


def _port(env, name):
    return int(env[name])


def _http(method: str, url: str, body: bytes | None = None, headers: dict | None = None):
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def test_up_reports_every_component_healthy(running_stack):
    env, up, _ = running_stack
    rows = status(env)
    assert set(rows) == {"clickhouse", "s3", "postgres", "sshd", "sidecar"}
    assert all(row["healthy"] for row in rows.values()), rows
    for name in OWNED:
        assert rows[name]["mode"] == "stack" and rows[name]["pid"], rows[name]
    # Whichever PostgreSQL served, the stack recorded which one it was.
    assert rows["postgres"]["mode"] in ("stack", "external")
    assert "airflow-db" in up.stdout and "FAILED" not in up.stdout
    assert (Path(env["STIR_HOME"]) / "stack.env").read_text() == stir(env, "stack", "env").stdout


def test_clickhouse_answers_with_source_tables(running_stack):
    env, _, exported = running_stack
    client = clickhouse_connect.get_client(host="127.0.0.1", port=_port(env, "STIR_CH_PORT"),
                                           username=exported["STIR_CH_USER"], password=exported["STIR_CH_PASSWORD"])
    assert client.command("SELECT 40 + 2") == 42
    if exported["STIR_CH_PASSWORD"]:  # the stack's default: authenticated end to end
        code, _, body = _http("GET", f"http://127.0.0.1:{env['STIR_CH_PORT']}/?query=SELECT%201")
        assert code == 403 and b"AUTHENTICATION_FAILED" in body
    databases = {row[0] for row in client.query("SHOW DATABASES").result_rows}
    assert {"beat", "coffee", "vidooly", "_e", "dbt"} <= databases
    assert client.command("EXISTS TABLE _e.scrape_request_log_events") == 1


def test_s3_bucket_exists(running_stack):
    env, _, exported = running_stack
    s3 = boto3.client("s3", endpoint_url=exported["STIR_S3_ENDPOINT"], region_name="ap-south-1",
                      aws_access_key_id=exported["STIR_S3_ACCESS_KEY"],
                      aws_secret_access_key=exported["STIR_S3_SECRET_KEY"])
    s3.head_bucket(Bucket="gcc-social-data")
    s3.put_object(Bucket="gcc-social-data", Key="data-pipeline/tmp/probe.json", Body=b'{"a":1}\n')
    body = s3.get_object(Bucket="gcc-social-data", Key="data-pipeline/tmp/probe.json")["Body"].read()
    assert body == b'{"a":1}\n'


def test_postgres_databases_exist(running_stack):
    env, _, exported = running_stack
    conn = psycopg2.connect(host="127.0.0.1", port=_port(env, "STIR_PG_PORT"), user="postgres", dbname="postgres")
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT datname FROM pg_database")
            names = {row[0] for row in cur.fetchall()}
    finally:
        conn.close()
    assert {env["STIR_PG_DATABASE"], env["STIR_AIRFLOW_DB"]} <= names


def _ssh(env, key_file: str, user: str | None = None) -> paramiko.SSHClient:
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    client.connect("127.0.0.1", _port(env, "STIR_SSH_PORT"), username=user or psutil.Process().username(),
                   key_filename=key_file, look_for_keys=False, allow_agent=False, timeout=10)
    return client


def test_ssh_exec_returns_output_and_exit_status(running_stack):
    env, _, exported = running_stack
    key = str(Path(env["STIR_HOME"]) / "ssh" / "id_ed25519")
    client = _ssh(env, key)
    try:
        _, out, err = client.exec_command('echo "s3=$AWS_ENDPOINT_URL_S3"; echo oops >&2; exit 7')
        assert out.channel.recv_exit_status() == 7
        assert out.read().decode().strip() == f"s3=http://127.0.0.1:{env['STIR_S3_PORT']}"
        assert err.read().decode().strip() == "oops"
        # The venv's python is first on PATH, so `python -m stir...` works over SSH.
        _, out, _ = client.exec_command("python -c 'import stir, sys; print(sys.prefix)'")
        assert out.channel.recv_exit_status() == 0
        assert out.read().decode().strip() == sys.prefix
    finally:
        client.close()


def test_ssh_rejects_other_keys_and_users(running_stack, tmp_path):
    env, _, exported = running_stack
    stranger = tmp_path / "stranger"
    asyncssh.generate_private_key("ssh-ed25519").write_private_key(str(stranger))
    with pytest.raises(paramiko.AuthenticationException):
        _ssh(env, str(stranger))
    with pytest.raises(paramiko.AuthenticationException):
        _ssh(env, str(Path(env["STIR_HOME"]) / "ssh" / "id_ed25519"), user="not-" + psutil.Process().username())


def test_airflow_ssh_hook_runs_command(running_stack, monkeypatch):
    env, _, exported = running_stack
    for key, value in exported.items():
        monkeypatch.setenv(key, value)
    from airflow.providers.ssh.hooks.ssh import SSHHook

    from stir import config

    hook = SSHHook(ssh_conn_id=config.SSH_CONN_ID)
    with hook.get_conn() as client:
        status_code, stdout, stderr = hook.exec_ssh_client_command(client, "printf hello; exit 3",
                                                                   get_pty=False, environment=None)
    assert (status_code, stdout, stderr) == (3, b"hello", b"")


def test_scrape_request_lands_in_clickhouse(running_stack):
    env, _, exported = running_stack
    url = f"http://127.0.0.1:{env['STIR_SIDECAR_PORT']}/scrape/api/v1/scrape_request"
    shortcode = uuid.uuid4().hex[:11]
    body = json.dumps({"flow": "refresh_post_by_shortcode", "platform": "INSTAGRAM",
                       "params": {"shortcode": shortcode}}).encode()
    code, _, raw = _http("POST", url, body, {"Content-Type": "application/json", "User-Agent": "stack-test"})
    assert code == 200, raw
    answer = json.loads(raw)
    assert answer["status"] == "ACCEPTED"
    client = clickhouse_connect.get_client(host="127.0.0.1", port=_port(env, "STIR_CH_PORT"),
                                           username=exported["STIR_CH_USER"], password=exported["STIR_CH_PASSWORD"])
    rows = client.query(
        "SELECT flow, platform, JSONExtractString(params, 'shortcode'), source, "
        "dateDiff('second', event_timestamp, now64(3)) FROM _e.scrape_request_log_events "
        f"WHERE event_id = toUUID('{answer['event_id']}')").result_rows
    assert len(rows) == 1
    flow, platform, logged_shortcode, source, age = rows[0]
    assert (flow, platform, logged_shortcode, source) == ("refresh_post_by_shortcode", "INSTAGRAM", shortcode,
                                                          "stack-test")
    assert -5 <= age <= 120

    code, _, raw = _http("POST", url, b'{"platform": "INSTAGRAM"}', {"Content-Type": "application/json"})
    assert code == 400 and "flow" in json.loads(raw)["error"]
    code, _, raw = _http("POST", url, b"not json", {"Content-Type": "application/json"})
    assert code == 400 and "JSON" in json.loads(raw)["error"]


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR"
    assert zlib.crc32(data[12:16 + length]) == struct.unpack(">I", data[16 + length:20 + length])[0]
    return struct.unpack(">II", data[16:24])


def test_media_is_deterministic_png(running_stack):
    env, _, exported = running_stack
    base = f"http://127.0.0.1:{env['STIR_SIDECAR_PORT']}/media"
    code, headers, first = _http("GET", f"{base}/instagram/abc/1.jpg")
    assert code == 200 and headers["Content-Type"] == "image/png"
    assert _png_size(first) == (16, 16)
    _, again_headers, again = _http("GET", f"{base}/instagram/abc/1.jpg")
    assert again == first and again_headers["ETag"] == headers["ETag"]
    _, _, other = _http("GET", f"{base}/instagram/abc/2.jpg")
    assert other != first
    code, head_headers, head_body = _http("HEAD", f"{base}/instagram/abc/1.jpg")
    assert code == 200 and head_body == b"" and head_headers["Content-Length"] == str(len(first))
    code, _, _ = _http("GET", f"{base}/instagram/abc/1.jpg", headers={"If-None-Match": headers["ETag"]})
    assert code == 304
    code, _, _ = _http("GET", f"{base}/instagram/missing/1.jpg")
    assert code == 404


def test_slack_webhook_connection_posts_to_sink(running_stack, monkeypatch):
    env, _, exported = running_stack
    for key, value in exported.items():
        monkeypatch.setenv(key, value)
    from airflow.providers.slack.hooks.slack_webhook import SlackWebhookHook

    from stir import config

    text = f"stack test {uuid.uuid4().hex}"
    SlackWebhookHook(slack_webhook_conn_id=config.SLACK_CONN_ID).send(text=text)
    code, _, raw = _http("GET", f"http://127.0.0.1:{env['STIR_SIDECAR_PORT']}/slack/_messages")
    assert code == 200
    assert any(m["payload"].get("text") == text for m in json.loads(raw))


PROBE_DAG = """
import json

import pendulum
from airflow.providers.http.operators.http import HttpOperator
from airflow.providers.ssh.operators.ssh import SSHOperator
from airflow.sdk import DAG

with DAG("stack_probe", schedule=None, start_date=pendulum.datetime(2024, 1, 1, tz="UTC"), catchup=False):
    download = SSHOperator(task_id="download_to_pg_local", ssh_conn_id="ssh_prod_pg", cmd_timeout=120,
                           command="python -c 'import stir; print(1)' > $STIR_PG_IMPORT_DIR/probe.txt")
    scrape = HttpOperator(task_id="queue_scrape", http_conn_id="beat_scrape_api", method="POST",
                          endpoint="/scrape/api/v1/scrape_request",
                          data=json.dumps({"flow": "probe", "platform": "INSTAGRAM", "params": {"run": "{{ run_id }}"},
                                           "source": "stack_probe"}),
                          headers={"Content-Type": "application/json"})
    download >> scrape
"""


def test_airflow_dags_test_runs_on_the_stack(running_stack, tmp_path):
    """`airflow dags test` right after `up`: metadata DB migrated, SSH and HTTP connections usable."""
    env, _, exported = running_stack
    dags = tmp_path / "dags"
    dags.mkdir()
    (dags / "stack_probe.py").write_text(PROBE_DAG)
    airflow_env = {**env, **exported,
                   "AIRFLOW__CORE__DAGS_FOLDER": str(dags)}
    result = subprocess.run([sys.executable, "-m", "airflow", "dags", "test", "stack_probe"], env=airflow_env,
                            capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    import_dir = Path(airflow_env["STIR_PG_IMPORT_DIR"])
    assert (import_dir / "probe.txt").read_text().strip() == "1"
    client = clickhouse_connect.get_client(host="127.0.0.1", port=_port(env, "STIR_CH_PORT"),
                                           username=exported["STIR_CH_USER"], password=exported["STIR_CH_PASSWORD"])
    assert client.command("SELECT count() FROM _e.scrape_request_log_events WHERE source = 'stack_probe'") >= 1


def test_second_up_keeps_the_same_processes(running_stack):
    env, _, exported = running_stack
    before = status(env)
    again = stir(env, "stack", "up")
    assert again.returncode == 0, again.stdout + again.stderr
    after = status(env)
    for name in OWNED:
        assert after[name]["pid"] == before[name]["pid"]
        line = next(li for li in again.stdout.splitlines() if f" {name} " in li)
        assert "already running" in line
    assert "schema current" in again.stdout  # airflow db migrate not repeated


def _free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def test_down_leaves_no_process_behind(running_stack):
    env, _, exported = running_stack
    before = status(env)
    pids = [before[name]["pid"] for name in OWNED]
    result = stir(env, "stack", "down")
    assert result.returncode == 0, result.stdout + result.stderr

    def gone(pid):
        try:
            return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return True

    assert wait_until(lambda: all(gone(pid) for pid in pids), 10)
    ports = [env[k] for k in ("STIR_CH_PORT", "STIR_S3_PORT", "STIR_SSH_PORT", "STIR_SIDECAR_PORT")]
    assert all(_free(int(p)) for p in ports)
    assert not any((Path(env["STIR_HOME"]) / "run" / f"{name}.json").exists() for name in OWNED)
    after = status(env)
    assert not any(row["healthy"] and row["mode"] == "stack" for row in after.values())
    if before["postgres"]["mode"] == "external":
        # The machine's PostgreSQL is never stopped by the stack.
        assert not _free(int(env["STIR_PG_PORT"]))
