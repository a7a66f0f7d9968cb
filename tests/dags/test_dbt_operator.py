"""StirDbtRunOperator's process-level behaviour: project flags as the dbt CLI reads them, and
the GC freeze around a dbt task (stir/airflow/dbt_operator.py)."""

from __future__ import annotations

import gc

from stir import config
from stir.airflow import dbt_operator


def test_project_flags_turn_dbt_usage_stats_off_and_keep_behaviour_flags():
    flags = dbt_operator.project_flag_defaults(str(config.DBT_PROJECT_DIR), str(config.DBT_PROFILES_DIR))
    assert flags["send_anonymous_usage_stats"] is False  # gcc_social/dbt_project.yml `flags:`
    assert flags["require_generic_test_arguments_property"] is True


def test_heap_is_frozen_during_the_task_only():
    assert gc.get_freeze_count() == 0
    with dbt_operator.long_lived_heap():
        frozen = gc.get_freeze_count()
        leftover = [object()]  # a new object stays collectable
    assert frozen > 10_000  # at least the interpreter and the imported modules
    assert gc.get_freeze_count() == 0
    assert leftover and dbt_operator._EXIT_HOOK == [True]


def test_heap_is_unfrozen_when_the_task_fails():
    try:
        with dbt_operator.long_lived_heap():
            raise RuntimeError("dbt failed")
    except RuntimeError:
        pass
    assert gc.get_freeze_count() == 0


def test_a_heap_frozen_before_the_task_stays_frozen():
    gc.freeze()  # as a task process forked from LocalExecutor's frozen worker starts
    try:
        before = gc.get_freeze_count()
        with dbt_operator.long_lived_heap():
            pass
        assert gc.get_freeze_count() >= before
    finally:
        gc.unfreeze()
