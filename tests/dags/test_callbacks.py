"""The Slack notifier posts a failed task's details to a real HTTP listener, and nothing on success."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from stir.airflow.callbacks import failure_fields, notify_failure

PROBES = Path(__file__).parent / "probe_dags"


@pytest.fixture
def slack_listener(monkeypatch):
    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            received.append({"path": self.path, "body": json.loads(body)})
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    conn = {"conn_type": "slackwebhook", "host": f"http://127.0.0.1:{server.server_port}/slack/",
            "password": "T0TEST/B0TEST/sink"}
    monkeypatch.setenv("AIRFLOW_CONN_SLACK_FAILURE", json.dumps(conn))
    yield received
    server.shutdown()
    server.server_close()


def test_failed_task_posts_its_details_and_success_posts_nothing(slack_listener, airflow_db):
    from airflow.dag_processing.dagbag import DagBag

    dag = DagBag(str(PROBES / "callback_probe.py")).dags["callback_probe"]
    run = dag.test()
    states = {ti.task_id: str(getattr(ti.state, "value", ti.state)) for ti in run.get_task_instances()}
    assert states == {"works": "success", "refuses": "failed"}

    assert len(slack_listener) == 1, slack_listener
    message = slack_listener[0]
    assert message["path"] == "/slack/T0TEST/B0TEST/sink"
    text = message["body"]["text"] + json.dumps(message["body"]["blocks"])
    for expected in ("callback_probe", "refuses", "SyncRefused", "38% of the live 105", "allow_shrink",
                     str(run.logical_date.date()), "Logs"):
        assert expected in text, expected
    assert "works" not in text
    assert "dag_id=callback_probe" in text or "callback_probe" in text


def test_success_and_dag_level_task_failure_post_nothing(slack_listener):
    class TI:
        dag_id, task_id, state, log_url = "d", "t", "success", "http://x/log"

    notify_failure({"ti": TI(), "logical_date": "2026-01-01"})
    # A DAG-level callback for a run that failed because of a task: the task already posted.
    notify_failure({"reason": "task_failure", "dag_run": type("R", (), {"state": "failed"})(), "ti": TI()})
    assert slack_listener == []


def test_dagrun_timeout_is_posted(slack_listener):
    class Dag:
        dag_id = "dbt_daily"

    run = type("R", (), {"state": "failed", "run_id": "scheduled__x", "logical_date": "2026-01-01T19:00"})()
    notify_failure({"reason": "timed_out", "dag_run": run, "dag": Dag()})
    assert len(slack_listener) == 1
    assert "dbt_daily" in slack_listener[0]["body"]["text"] and "timed_out" in slack_listener[0]["body"]["text"]


def test_fields_are_truncated_and_tolerate_missing_context():
    fields = failure_fields({"exception": ValueError("x" * 5000)})
    assert fields["dag_id"] == "?" and len(fields["error"]) < 1600
