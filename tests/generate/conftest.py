"""A real embedded ClickHouse server per test module, and a generated data set on it."""

from __future__ import annotations

import pytest

from stir.generate.testing import make_client


@pytest.fixture(scope="module")
def ch_server():
    from stir.chserver.testing import running_server

    with running_server() as server:
        yield server


@pytest.fixture(scope="module")
def ch(ch_server):
    client = make_client(ch_server)
    yield client
    client.close()
