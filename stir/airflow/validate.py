"""Parse-time checks for DAG parameters: a typo fails the import with a message naming it."""

from __future__ import annotations

import functools
import re

from stir.airflow.constants import CADENCES, CATEGORIES
from stir.airflow.marts import MARTS

_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class DagParameterError(ValueError):
    """A DAG file declared something the platform does not know."""


def check_dag_id(dag_id: str) -> None:
    if not _IDENTIFIER.match(dag_id or ""):
        raise DagParameterError(f"dag_id {dag_id!r} must be lower_snake_case (a-z, 0-9, _)")


def check_category(dag_id: str, category: str) -> None:
    if category not in CATEGORIES:
        raise DagParameterError(
            f"{dag_id}: unknown category {category!r}; known: {', '.join(sorted(CATEGORIES))}"
        )


@functools.lru_cache(maxsize=64)
def _valid_cron(schedule: str) -> bool:
    from croniter import croniter

    return croniter.is_valid(schedule)


def check_schedule(dag_id: str, schedule: str) -> None:
    if not isinstance(schedule, str) or not _valid_cron(schedule):
        raise DagParameterError(f"{dag_id}: malformed cron schedule {schedule!r}")
    if schedule not in CADENCES:
        raise DagParameterError(
            f"{dag_id}: schedule {schedule!r} is not a cadence in stir/airflow/constants.py CADENCES"
        )


def check_timeout(dag_id: str, timeout_minutes: int) -> None:
    if not isinstance(timeout_minutes, int) or isinstance(timeout_minutes, bool) or timeout_minutes <= 0:
        raise DagParameterError(f"{dag_id}: timeout_minutes must be a positive int, got {timeout_minutes!r}")


def check_doc(dag_id: str, doc_md: str | None) -> None:
    text = (doc_md or "").strip()
    if not text:
        raise DagParameterError(f"{dag_id}: doc_md is required (what it does and what on-call does)")
    if "triage" not in text.lower():
        raise DagParameterError(f"{dag_id}: doc_md needs a triage section for on-call")


def check_mart(dag_id: str, mart: str) -> None:
    if mart not in MARTS:
        raise DagParameterError(f"{dag_id}: unknown mart {mart!r} (not in docs/models.md)")


def check_table(dag_id: str, table: str) -> None:
    if not _IDENTIFIER.match(table or ""):
        raise DagParameterError(f"{dag_id}: PostgreSQL table {table!r} must be a lower_snake_case identifier")
