"""Deadline alerts: every DAG posts to Slack at 80 % of its dagrun_timeout (Airflow DeadlineAlert).

The message goes through the shared notifier's connection to a real HTTP listener; the
callback gets the context the scheduler hands it (the DAG run as the API serialises it).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json

from test_callbacks import slack_listener  # noqa: F401  (fixture)

from stir.airflow import callbacks


def test_every_dag_alerts_at_80_percent_of_its_timeout(dagbag):
    from airflow.sdk import AsyncCallback, DeadlineReference

    assert len(dagbag.dags) == 78
    for dag in dagbag.dags.values():
        assert len(dag.deadline) == 1, dag.dag_id
        alert = dag.deadline[0]
        assert alert.reference == DeadlineReference.DAGRUN_QUEUED_AT, dag.dag_id
        assert alert.interval == 0.8 * dag.dagrun_timeout, dag.dag_id
        assert isinstance(alert.callback, AsyncCallback)
        assert alert.callback.path == "stir.airflow.callbacks.notify_deadline"
        assert alert.callback.kwargs == {"budget_minutes": dag.stir_timeout_minutes}


def test_switch_off_removes_deadlines(monkeypatch):
    monkeypatch.setenv(callbacks.DEADLINE_SWITCH, "off")
    assert callbacks.deadline_alert(60) is None
    monkeypatch.setenv(callbacks.DEADLINE_SWITCH, "on")
    assert callbacks.deadline_alert(60).interval == dt.timedelta(minutes=48)


def test_deadline_message_reaches_slack_with_dag_run_budget_elapsed(slack_listener):  # noqa: F811
    queued = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=97)
    context = {"dag_run": {"dag_id": "dbt_hourly", "dag_run_id": "scheduled__2026-12-04T09:00:00+00:00",
                           "queued_at": queued.isoformat().replace("+00:00", "Z"), "state": "running"},
               "deadline": {"id": "x", "deadline_time": (queued + dt.timedelta(minutes=144)).isoformat()}}
    asyncio.run(callbacks.notify_deadline(budget_minutes=180, context=context))
    assert len(slack_listener) == 1, slack_listener
    assert slack_listener[0]["path"] == "/slack/T0TEST/B0TEST/sink"
    text = slack_listener[0]["body"]["text"] + json.dumps(slack_listener[0]["body"]["blocks"])
    for expected in ("dbt_hourly", "scheduled__2026-12-04T09:00:00+00:00", "180 min", "144 min", "97.0 min"):
        assert expected in text, (expected, text)


def test_a_dead_webhook_does_not_raise(monkeypatch):
    monkeypatch.setenv("AIRFLOW_CONN_SLACK_FAILURE", json.dumps(
        {"conn_type": "slackwebhook", "host": "http://127.0.0.1:9/", "password": "x/y/z"}))
    asyncio.run(callbacks.notify_deadline(budget_minutes=10, context={}))
