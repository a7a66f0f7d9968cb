"""Fixtures for stack tests: a real stack in a fresh STIR_HOME, on the stack area's test ports."""

from __future__ import annotations

import os
import shutil

import pytest

from .helpers import CREATED_HOMES, fresh_home, parse_exports, stack_env, stir


@pytest.fixture(scope="session", autouse=True)
def _remove_test_homes():
    """Test STIR_HOMEs hold ClickHouse/PostgreSQL data; keep them only when asked (STIR_STACK_KEEP=1)."""
    yield
    if os.environ.get("STIR_STACK_KEEP") != "1":
        for home in CREATED_HOMES:
            shutil.rmtree(home, ignore_errors=True)


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
