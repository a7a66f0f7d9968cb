"""Authentication: users from a users file or the environment, the three ways a client
sends credentials, code 516 on a wrong password, readonly users, and no
non-loopback listener without a password."""

from __future__ import annotations

import base64
import os
import subprocess
import sys

import clickhouse_connect
import pytest
from clickhouse_connect.driver.exceptions import DatabaseError

from stir.chserver.testing import free_port, running_server

from .httpraw import RO_PW, USER_PW, request


def _basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def test_every_credential_channel(strict):
    assert request(strict, "SELECT currentUser(), user()", headers=_basic("app", USER_PW))[2] == b"app\tapp\n"
    assert request(strict, "SELECT 1", headers={"X-ClickHouse-User": "app", "X-ClickHouse-Key": USER_PW})[2] == b"1\n"
    assert request(strict, "SELECT 1", params={"user": "app", "password": USER_PW})[2] == b"1\n"


@pytest.mark.parametrize("headers,params", [
    ({}, None),
    ({"X-ClickHouse-User": "app", "X-ClickHouse-Key": "wrong"}, None),
    (_basic("nobody", USER_PW), None),
    ({}, {"user": "default", "password": ""}),
])
def test_wrong_or_missing_password_is_516(strict, headers, params):
    status, h, body = request(strict, "SELECT 1", headers=headers, params=params)
    assert status == 403 and h["x-clickhouse-exception-code"] == "516", body
    assert b"AUTHENTICATION_FAILED" in body


def test_two_credential_channels_at_once_are_refused(strict):
    status, h, _ = request(strict, "SELECT 1", headers={**_basic("app", USER_PW), "X-ClickHouse-User": "app"})
    assert status == 403 and h["x-clickhouse-exception-code"] == "516"


def test_readonly_user(strict):
    ro = {"X-ClickHouse-User": "viewer", "X-ClickHouse-Key": RO_PW}
    assert request(strict, "SELECT 1", headers=ro)[2] == b"1\n"
    status, h, _ = request(strict, "CREATE DATABASE nope", headers=ro)
    assert status == 403 and h["x-clickhouse-exception-code"] == "164"
    status, h, _ = request(strict, "SELECT 1", headers=ro, params={"readonly": "0"})
    assert status == 403 and h["x-clickhouse-exception-code"] == "164"


def test_clickhouse_connect_with_password(strict):
    client = clickhouse_connect.get_client(host=strict.host, port=strict.port, username="app", password=USER_PW)
    try:
        assert client.query("SELECT currentDatabase()").result_rows == [("default",)]
    finally:
        client.close()
    with pytest.raises(DatabaseError, match="516"):
        clickhouse_connect.get_client(host=strict.host, port=strict.port, username="app", password="bad")


def test_environment_user():
    with running_server(env={"STIR_CH_USER": "envuser", "STIR_CH_PASSWORD": "env-pw"}) as ch:
        assert request(ch, "SELECT 1", headers=_basic("envuser", "env-pw"))[2] == b"1\n"
        assert request(ch, "SELECT 1", headers=_basic("envuser", "nope"))[0] == 403
        assert request(ch, "SELECT 1")[0] == 403  # no anonymous default user once a password is set
        assert request(ch, "SYSTEM DROP MARK CACHE", headers=_basic("envuser", "env-pw"))[0] == 200


def test_non_loopback_without_password_is_refused(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("STIR_CH_PASSWORD", "STIR_CH_USERS_FILE")}
    out = subprocess.run([sys.executable, "-m", "stir.chserver", "--host", "0.0.0.0", "--port", str(free_port()),
                          "--data-dir", str(tmp_path)], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and "without a password" in out.stderr


def test_async_client_and_airflow_hook_with_password(strict, monkeypatch):
    import asyncio
    import json

    from airflow.providers.clickhousedb.hooks.clickhouse import ClickHouseHook

    async def run():
        client = await clickhouse_connect.get_async_client(host=strict.host, port=strict.port, username="app",
                                                           password=USER_PW)
        try:
            return (await client.query("SELECT 41 + 1")).result_rows
        finally:
            await client.close()

    assert asyncio.run(run()) == [(42,)]
    monkeypatch.setenv("AIRFLOW_CONN_CLICKHOUSE_GCC", json.dumps(
        {"conn_type": "clickhouse", "host": strict.host, "port": strict.port, "login": "app", "password": USER_PW,
         "extra": {"secure": False}}))
    assert ClickHouseHook(clickhouse_conn_id="clickhouse_gcc").get_first("SELECT 40 + 2") == (42,)
    monkeypatch.setenv("AIRFLOW_CONN_CLICKHOUSE_GCC", json.dumps(
        {"conn_type": "clickhouse", "host": strict.host, "port": strict.port, "login": "app", "password": "bad",
         "extra": {"secure": False}}))
    with pytest.raises(Exception, match="516|AUTHENTICATION_FAILED"):
        ClickHouseHook(clickhouse_conn_id="clickhouse_gcc").get_first("SELECT 1")


def test_dbt_debug_with_password(strict, tmp_path, monkeypatch):
    from dbt.cli.main import dbtRunner

    from .test_dbt import PROJECT

    for name, value in dict(STIR_CH_HOST=strict.host, STIR_CH_PORT=str(strict.port), CHSERVER_DBT_USER="app",
                            CHSERVER_DBT_PASSWORD=USER_PW, DBT_TARGET_PATH=str(tmp_path / "target"),
                            DBT_LOG_PATH=str(tmp_path / "logs"), DBT_SEND_ANONYMOUS_USAGE_STATS="false").items():
        monkeypatch.setenv(name, value)
    args = ["debug", "--project-dir", str(PROJECT), "--profiles-dir", str(PROJECT), "--quiet"]
    assert dbtRunner().invoke(args).success
    monkeypatch.setenv("CHSERVER_DBT_PASSWORD", "wrong")
    assert not dbtRunner().invoke(args).success
