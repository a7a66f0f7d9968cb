"""One real server subprocess shared by the module-level tests; tests that need their
own (process lifecycle, port/lock conflicts) start it themselves."""

from __future__ import annotations

import uuid

import clickhouse_connect
import pytest

from stir.chserver.testing import running_server

from .httpraw import ADMIN_PW, RO_PW, USER_PW


@pytest.fixture(scope="session")
def ch():
    with running_server() as server:
        yield server


@pytest.fixture
def db(ch):
    """A throwaway database per test so tests never see each other's tables."""
    name = f"t_{uuid.uuid4().hex[:10]}"
    client = clickhouse_connect.get_client(host=ch.host, port=ch.port)
    client.command(f"CREATE DATABASE {name}")
    yield name
    client.command(f"DROP DATABASE IF EXISTS {name}")
    client.close()


@pytest.fixture
def client_factory(ch):
    made = []

    def make(**kwargs):
        c = clickhouse_connect.get_client(host=ch.host, port=ch.port, **kwargs)
        made.append(c)
        return c

    yield make
    for c in made:
        c.close()


@pytest.fixture(scope="module")
def strict(tmp_path_factory):
    """A server with users (admin, plain, readonly), a small body cap and default limits."""
    import hashlib

    users = tmp_path_factory.mktemp("users") / "users.toml"
    users.write_text(
        f'[users.default]\npassword_sha256_hex = "{hashlib.sha256(ADMIN_PW.encode()).hexdigest()}"\nadmin = true\n'
        f'[users.app]\npassword_sha256_hex = "{hashlib.sha256(USER_PW.encode()).hexdigest()}"\n'
        f'[users.viewer]\npassword_sha256_hex = "{hashlib.sha256(RO_PW.encode()).hexdigest()}"\nreadonly = 1\n')
    with running_server(extra_args=("--users-file", str(users), "--max-body-size", str(8 << 20),
                                    "--max-memory-usage", "300000000", "--max-execution-time", "30")) as server:
        yield server
