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


# --- deadline alerts: a run that has used 80 % of its dagrun_timeout ---------------------------

DEADLINE_SHARE = 0.8
DEADLINE_SWITCH = "STIR_DEADLINE_ALERTS"  # "off": DAGs carry no DeadlineAlert (see deadline_alert)


def deadline_alert(timeout_minutes: int):
    """DeadlineAlert at 80 % of the run budget, measured from the run's queued time.

    Returns None when STIR_DEADLINE_ALERTS=off: `airflow dags test` runs a DAG in-process
    without a scheduler and a DAG with deadlines cannot be run that way in 3.3 (the demo
    and tests that use it set the switch); a real deployment leaves it on.
    """
    import datetime as dt
    import os

    if os.environ.get(DEADLINE_SWITCH, "on").strip().lower() in ("off", "0", "false", "no"):
        return None
    from airflow.sdk import AsyncCallback, DeadlineAlert, DeadlineReference

    return DeadlineAlert(
        reference=DeadlineReference.DAGRUN_QUEUED_AT,
        interval=dt.timedelta(minutes=timeout_minutes * DEADLINE_SHARE),
        callback=AsyncCallback(notify_deadline, kwargs={"budget_minutes": timeout_minutes}),
        name="stir-80pct-of-dagrun-timeout",
    )


def deadline_fields(context: dict, budget_minutes: float, now=None) -> dict[str, str]:
    """What a deadline message says: DAG, run, budget and the time the run has used so far."""
    import datetime as dt

    run = (context or {}).get("dag_run") or {}
    now = now or dt.datetime.now(dt.timezone.utc)
    queued = run.get("queued_at") or run.get("start_date")
    elapsed = "?"
    if queued:
        started = dt.datetime.fromisoformat(str(queued).replace("Z", "+00:00"))
        elapsed = f"{(now - started).total_seconds() / 60:.1f} min"
    return {
        "dag_id": str(run.get("dag_id") or "?"),
        "run_id": str(run.get("dag_run_id") or run.get("run_id") or "?"),
        "budget": f"{budget_minutes:g} min",
        "alert_at": f"{budget_minutes * DEADLINE_SHARE:g} min",
        "elapsed": elapsed,
        "queued_at": str(queued or "?"),
    }


def format_deadline_message(fields: dict[str, str]) -> tuple[str, list[dict]]:
    text = (f":hourglass: {fields['dag_id']} run {fields['run_id']} has used {fields['elapsed']} of its "
            f"{fields['budget']} budget (alert at {int(DEADLINE_SHARE * 100)} %)")
    lines = [
        ":hourglass: *Run close to its timeout*",
        f"*Dag*: `{fields['dag_id']}`",
        f"*Run*: {fields['run_id']}",
        f"*Elapsed*: {fields['elapsed']} since queued at {fields['queued_at']}",
        f"*Budget*: {fields['budget']} (dagrun_timeout; this alert fires at {fields['alert_at']})",
        "It will be failed at the budget: check the running task's log for the slow step.",
    ]
    return text, [{"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(lines)}}]


async def notify_deadline(budget_minutes: float, context: dict | None = None, **_) -> None:
    """AsyncCallback run by the triggerer when a run passes its deadline; posts to `slack_failure`."""
    fields = deadline_fields(context or {}, budget_minutes)
    text, blocks = format_deadline_message(fields)
    try:
        from airflow.providers.slack.hooks.slack_webhook import SlackWebhookHook

        await SlackWebhookHook(slack_webhook_conn_id=config.SLACK_CONN_ID).async_send(text=text, blocks=blocks)
    except Exception:
        log.exception("Slack deadline alert failed for %s %s", fields["dag_id"], fields["run_id"])
