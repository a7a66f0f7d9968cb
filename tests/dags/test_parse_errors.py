"""A bad DAG parameter fails at parse time, naming what is wrong; parsing does no I/O."""

from __future__ import annotations

import socket

import pytest

from stir.airflow.validate import DagParameterError

DOC = "# x\n\nDoes a thing.\n\n## Triage\n\nRe-run."


def _dbt(**overrides):
    from stir.airflow.dbt import dbt_tier_dag

    kwargs = dict(tier="core", dag_id="dbt_core", schedule="*/15 * * * *", timeout_minutes=60, doc_md=DOC)
    kwargs.update(overrides)
    return dbt_tier_dag(**kwargs)


def test_valid_dbt_dag_builds():
    assert _dbt().dag_id == "dbt_core"


@pytest.mark.parametrize("overrides, fragment", [
    ({"tier": "hourlyy"}, "unknown dbt tier 'hourlyy'"),
    ({"schedule": "*/15 * * *"}, "schedule '*/15 * * *' != stir/tiers.py"),
    ({"timeout_minutes": 61}, "timeout_minutes 61 != stir/tiers.py 60"),
    ({"doc_md": "no notes"}, "triage"),
    ({"doc_md": ""}, "doc_md is required"),
])
def test_bad_dbt_parameters(overrides, fragment):
    with pytest.raises(DagParameterError, match=".*".join(map(_re, fragment.split("*")))):
        _dbt(**overrides)


def _re(text: str) -> str:
    import re

    return re.escape(text)


def _stir(**overrides):
    from stir.airflow.factory import stir_dag

    kwargs = dict(dag_id="x_dag", category="utility", schedule="0 * * * *", timeout_minutes=10, doc_md=DOC)
    kwargs.update(overrides)
    return stir_dag(**kwargs)


@pytest.mark.parametrize("overrides, fragment", [
    ({"schedule": "61 * * * *"}, "malformed cron schedule '61 * * * *'"),
    ({"schedule": "every hour"}, "malformed cron schedule 'every hour'"),
    ({"schedule": "7 * * * *"}, "not a cadence"),
    ({"category": "misc"}, "unknown category 'misc'"),
    ({"timeout_minutes": 0}, "timeout_minutes must be a positive int"),
    ({"dag_id": "Bad-Id"}, "dag_id 'Bad-Id'"),
    ({"extra_tags": ["team:x"]}, "tags ['team:x']"),
])
def test_bad_factory_parameters(overrides, fragment):
    with pytest.raises(DagParameterError, match=_re(fragment)):
        _stir(**overrides)


def test_unknown_mart_and_bad_table():
    from stir.airflow.syncdag import SyncPair, sync_dag

    common = dict(dag_id="sync_x", category="utility", schedule="0 * * * *", timeout_minutes=10, doc_md=DOC)
    with pytest.raises(DagParameterError, match="sync_x: unknown mart 'mart_leaderbord'"):
        sync_dag(**common, pairs=[SyncPair("mart_leaderbord", "leaderboard")])
    with pytest.raises(DagParameterError, match="table 'Leader-board'"):
        sync_dag(**common, pairs=[SyncPair("mart_leaderboard", "Leader-board")])
    with pytest.raises(DagParameterError, match="listed twice"):
        sync_dag(**common, pairs=[SyncPair("mart_leaderboard", "t"), SyncPair("mart_time_series", "t")])


def test_unknown_scrape_asset_and_ops_names():
    from stir.airflow.assets import asset_dag
    from stir.airflow.ops import ops_dag
    from stir.airflow.scrape import scrape_dag

    common = dict(schedule="0 * * * *", timeout_minutes=10, doc_md=DOC)
    with pytest.raises(DagParameterError, match="unknown scrape spec"):
        scrape_dag(dag_id="a", category="utility", specs=["insta_posts"], **common)
    with pytest.raises(DagParameterError, match="unknown asset spec"):
        asset_dag(dag_id="b", specs=["thumbs"], **common)
    with pytest.raises(DagParameterError, match="unknown task"):
        ops_dag(dag_id="c", category="operational", tasks=["vacuum_all"], **common)


def test_parsing_the_folder_touches_no_network_or_connection(monkeypatch):
    """No Variable/Connection/DB/socket access at module level: parse with all of them booby-trapped."""
    from airflow.dag_processing.dagbag import DagBag
    from airflow.sdk.bases.hook import BaseHook

    from stir import config

    def refuse(*args, **kwargs):
        raise AssertionError(f"I/O at parse time: {args[:2]}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(BaseHook, "get_connection", classmethod(refuse))
    monkeypatch.setattr("airflow.sdk.Variable.get", refuse)
    bag = DagBag(str(config.DAGS_DIR))
    assert bag.import_errors == {}
    assert len(bag.dags) == 78
