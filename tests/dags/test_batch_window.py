"""dbt_hourly / dbt_collections skip inside the 19:00-22:00 UTC batch window, decided on the UTC wall clock."""

from __future__ import annotations

import datetime as dt

import pytest

from stir.airflow import batch_window

UTC = dt.timezone.utc


def _at(hour: int, minute: int, tz=UTC) -> dt.datetime:
    return dt.datetime(2026, 3, 14, hour, minute, 30, tzinfo=tz)


@pytest.mark.parametrize("hour, minute, runs", [
    (18, 59, True), (19, 0, False), (21, 59, False), (22, 0, True), (0, 0, True), (20, 15, False),
])
def test_shortcircuit_boundaries(monkeypatch, hour, minute, runs):
    monkeypatch.delenv("STIR_BATCH_WINDOW_START_HOUR", raising=False)
    monkeypatch.delenv("STIR_BATCH_WINDOW_END_HOUR", raising=False)
    monkeypatch.setattr(batch_window, "_utcnow", lambda: _at(hour, minute))
    assert batch_window.outside_batch_window() is runs


def test_other_timezones_are_converted_to_utc():
    ist = dt.timezone(dt.timedelta(hours=5, minutes=30))
    assert batch_window.in_batch_window(_at(0, 29, ist), 19, 22) is False  # 18:59 UTC
    assert batch_window.in_batch_window(_at(0, 30, ist), 19, 22) is True  # 19:00 UTC


def test_window_is_configurable_and_may_wrap_midnight(monkeypatch):
    monkeypatch.setenv("STIR_BATCH_WINDOW_START_HOUR", "23")
    monkeypatch.setenv("STIR_BATCH_WINDOW_END_HOUR", "2")
    for hour, runs in ((22, True), (23, False), (1, False), (2, True), (19, True)):
        monkeypatch.setattr(batch_window, "_utcnow", lambda h=hour: _at(h, 0))
        assert batch_window.outside_batch_window() is runs, hour


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        batch_window.in_batch_window(dt.datetime(2026, 1, 1, 20, 0))


def test_shortcircuit_task_skips_dbt_in_a_real_run(monkeypatch, airflow_db):
    """dag.test() of dbt_hourly at 20:00 UTC: the check returns False and dbt_run is skipped, not run."""
    from airflow.dag_processing.dagbag import DagBag

    from stir import config

    monkeypatch.setattr(batch_window, "_utcnow", lambda: _at(20, 0))
    dag = DagBag(str(config.DAGS_DIR / "dbt" / "dbt_hourly.py")).dags["dbt_hourly"]
    run = dag.test(logical_date=_at(20, 0))
    states = {ti.task_id: str(getattr(ti.state, "value", ti.state)) for ti in run.get_task_instances()}
    assert states == {"check_batch_window": "success", "dbt_run_hourly": "skipped"}
