"""The daily batch window (dbt_daily owns ClickHouse 19:00-22:00 UTC) and its ShortCircuit check.

Decision: the check uses the wall clock in UTC when the task runs, not the run's logical
date. What it protects is ClickHouse load at the moment dbt would start; a run that was due
at 18:45 but waited (max_active_runs=1) until 19:10 must still skip. Hours come from
stir.tiers, overridable with STIR_BATCH_WINDOW_START_HOUR / STIR_BATCH_WINDOW_END_HOUR.
"""

from __future__ import annotations

import datetime as dt
import logging
import os

from stir import tiers

log = logging.getLogger(__name__)


def window_hours() -> tuple[int, int]:
    start = int(os.environ.get("STIR_BATCH_WINDOW_START_HOUR", tiers.BATCH_WINDOW_START_HOUR))
    end = int(os.environ.get("STIR_BATCH_WINDOW_END_HOUR", tiers.BATCH_WINDOW_END_HOUR))
    if not (0 <= start <= 23 and 0 <= end <= 24):
        raise ValueError(f"batch window hours out of range: {start}-{end}")
    return start, end


def in_batch_window(moment: dt.datetime, start_hour: int | None = None, end_hour: int | None = None) -> bool:
    """True when `moment` (converted to UTC) is inside [start, end); a window may wrap midnight."""
    if start_hour is None or end_hour is None:
        start_hour, end_hour = window_hours()
    if moment.tzinfo is None:
        raise ValueError("in_batch_window needs a timezone-aware datetime")
    hour = moment.astimezone(dt.timezone.utc).hour
    if start_hour <= end_hour:
        return start_hour <= hour < end_hour
    return hour >= start_hour or hour < end_hour


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def outside_batch_window(**context) -> bool:
    """ShortCircuitOperator callable: False (skip downstream) inside the batch window."""
    now = _utcnow()
    start, end = window_hours()
    inside = in_batch_window(now, start, end)
    log.info(
        "now %s UTC, batch window %02d:00-%02d:00 UTC: %s",
        now.strftime("%H:%M"), start, end, "inside, skipping dbt" if inside else "outside, running",
    )
    return not inside
