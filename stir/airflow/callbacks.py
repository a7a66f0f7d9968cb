"""The one Slack notifier every DAG uses (task and DAG level), through conn `slack_failure`.

Posts only for failures, like the original's slack_fail_alert, but with what on-call needs
to act without opening Airflow: DAG id, task id, logical date, log URL and the exception
message (a SyncRefused says why the swap was refused). A DAG-level failure caused by a
failed task is not posted again: that task's own callback already carried the exception.
"""

from __future__ import annotations

import logging

from stir import config

log = logging.getLogger(__name__)

_FAILED = "failed"
_MAX_ERROR_CHARS = 1500


def _state(ti) -> str | None:
    state = getattr(ti, "state", None)
    return getattr(state, "value", state)


def _should_post(context) -> bool:
    if "reason" in context:  # DAG-level callback (dag processor)
        dag_run = context.get("dag_run")
        run_state = getattr(getattr(dag_run, "state", None), "value", getattr(dag_run, "state", None))
        if run_state is not None and run_state != _FAILED:
            return False
        return context.get("reason") not in ("task_failure", "success")
    if context.get("exception") is not None:
        return True
    return _state(context.get("ti") or context.get("task_instance")) == _FAILED


def failure_fields(context) -> dict[str, str]:
    """What a failure message says, as plain fields (also what tests assert on)."""
    ti = context.get("ti") or context.get("task_instance")
    dag = context.get("dag")
    dag_id = getattr(ti, "dag_id", None) or getattr(dag, "dag_id", None) or "?"
    task_id = getattr(ti, "task_id", None) or "-"
    logical = context.get("logical_date") or getattr(context.get("dag_run"), "logical_date", None)
    run_id = context.get("run_id") or getattr(context.get("dag_run"), "run_id", None) or "-"
    exc = context.get("exception")
    if exc is not None:
        error = f"{type(exc).__name__}: {exc}"
    else:
        error = str(context.get("reason") or "failed")
    if len(error) > _MAX_ERROR_CHARS:
        error = error[:_MAX_ERROR_CHARS] + " ..."
    try:
        log_url = getattr(ti, "log_url", None) or ""
    except Exception:  # log_url needs config that a bare context may lack; the message still goes
        log_url = ""
    return {
        "dag_id": str(dag_id),
        "task_id": str(task_id),
        "logical_date": str(logical) if logical is not None else "-",
        "run_id": str(run_id),
        "log_url": str(log_url),
        "error": error,
    }


def format_message(fields: dict[str, str]) -> tuple[str, list[dict]]:
    text = f":x: Task failed: {fields['dag_id']}.{fields['task_id']} ({fields['logical_date']}): {fields['error']}"
    lines = [
        ":x: *Task Failed*",
        f"*Dag*: `{fields['dag_id']}`",
        f"*Task*: `{fields['task_id']}`",
        f"*Logical date*: {fields['logical_date']}",
        f"*Run*: {fields['run_id']}",
        f"*Error*: ```{fields['error']}```",
    ]
    if fields["log_url"]:
        lines.append(f"<{fields['log_url']}|*Logs*>")
    return text, [{"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(lines)}}]


def notify_failure(context) -> None:
    """on_failure_callback / on_success_callback for every DAG; a no-op unless something failed."""
    if not _should_post(context):
        return
    fields = failure_fields(context)
    text, blocks = format_message(fields)
    try:
        from airflow.providers.slack.hooks.slack_webhook import SlackWebhookHook

        SlackWebhookHook(slack_webhook_conn_id=config.SLACK_CONN_ID).send(text=text, blocks=blocks)
    except Exception:
        # A broken webhook must not mask the task's own failure; the log keeps the alert.
        log.exception("Slack notification failed for %s.%s", fields["dag_id"], fields["task_id"])
