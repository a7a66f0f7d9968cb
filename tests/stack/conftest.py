"""Fixtures for stack tests: a real stack in a fresh STIR_HOME, on the stack area's test ports."""

from __future__ import annotations

import os
import shutil

import pytest

from .helpers import (
    CREATED_DATABASES,
    CREATED_HOMES,
    TEST_DEFAULTS,
    fresh_home,
    parse_exports,
    stack_env,
    stir,
)


def _drop_databases(names: list[str]) -> None:
    import psycopg2

    try:
        conn = psycopg2.connect(host="127.0.0.1", port=int(TEST_DEFAULTS["STIR_PG_PORT"]), user="postgres",
                                dbname="postgres", connect_timeout=5)
    except psycopg2.OperationalError:
        return  # no machine PostgreSQL: the stack ran its own, inside the removed STIR_HOME
    conn.autocommit = True  # DROP DATABASE refuses to run inside a transaction block
    try:
        with conn.cursor() as cur:
            for name in names:
                cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        conn.close()


@pytest.fixture(scope="session", autouse=True)
def _remove_test_homes():
    """Test STIR_HOMEs hold ClickHouse/PostgreSQL data; keep them only when asked (STIR_STACK_KEEP=1)."""
    yield
    if os.environ.get("STIR_STACK_KEEP") != "1":
        for home in CREATED_HOMES:
            shutil.rmtree(home, ignore_errors=True)
        _drop_databases(CREATED_DATABASES)


@pytest.fixture(scope="module")
def running_stack():
    """`stir stack up` on a fresh STIR_HOME -> (env, up result, exported vars); always `down` at the end."""
    home = fresh_home("stack")
    env = stack_env(home)
    up = stir(env, "stack", "up")
    try:
        assert up.returncode == 0, f"stack up failed:\n{up.stdout}\n{up.stderr}"
        yield env, up, parse_exports((home / "stack.env").read_text())
    finally:
        stir(env, "stack", "down")
