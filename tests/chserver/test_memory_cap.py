"""`--max-memory-usage`: the server's default per-query memory cap. A query over it fails
alone with MEMORY_LIMIT_EXCEEDED (241) and the server keeps serving; a request's own
max_memory_usage wins."""

from __future__ import annotations

import pytest

from stir.chserver.testing import running_server
from stir.generate.testing import make_client

CAP = 64 * 1024 * 1024
HEAVY = "SELECT count() FROM (SELECT number % 20000000 AS k, any(number) FROM numbers(20000000) GROUP BY k)"


@pytest.fixture(scope="module")
def capped():
    with running_server(extra_args=("--max-memory-usage", str(CAP))) as server:
        client = make_client(server)
        yield client
        client.close()


def test_cap_is_every_querys_default(capped):
    assert int(capped.command("SELECT getSetting('max_memory_usage')")) == CAP


def test_query_over_the_cap_fails_and_the_server_keeps_serving(capped):
    with pytest.raises(Exception, match="MEMORY_LIMIT_EXCEEDED"):
        capped.command(HEAVY)
    assert int(capped.command("SELECT 1")) == 1


def test_a_request_setting_overrides_the_cap(capped):
    assert int(capped.command(HEAVY, settings={"max_memory_usage": 0})) == 20000000
    assert int(capped.command("SELECT getSetting('max_memory_usage')")) == CAP
