"""One real server subprocess shared by the module-level tests; tests that need their
own (process lifecycle, port/lock conflicts) start it themselves."""

from __future__ import annotations

import uuid

import clickhouse_connect
import pytest

from stir.chserver.testing import running_server


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
