"""`stir stack up|down|status|restart`: start, health-check and stop the components by PID."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass

from rich.console import Console
from rich.table import Table

from stir import config
from stir.stack import airflow_db, process
from stir.stack.components import Component, port_open, select
from stir.stack.envvars import exports, process_env, render_shell
from stir.stack.layout import Layout

STARTED, RUNNING, EXTERNAL, FAILED = "started", "already running", "external", "FAILED"
_MARK = {STARTED: "[green]✓[/]", RUNNING: "[green]✓[/]", EXTERNAL: "[green]✓[/]", FAILED: "[red]✗[/]"}


@dataclass
class Outcome:
    component: Component
    state: str
    pid: int | None = None
    note: str = ""
    seconds: float = 0.0


@contextlib.contextmanager
def _exclusive(layout: Layout) -> Iterator[None]:
    """One `up`/`down` at a time per STIR_HOME: two racing `up`s could both start a server."""
    layout.run.mkdir(parents=True, exist_ok=True)
    with open(layout.run / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _external_marker(layout: Layout, component: Component):
    return layout.run / f"{component.name}.external.json"


def _probe(component: Component) -> bool:
    try:
        return bool(component.healthy())
    except Exception:  # any probe error means "not healthy"
        return False


def _launch(layout: Layout, component: Component) -> Outcome:
    """Start the component unless ours is alive or (PostgreSQL) the machine's already serves."""
    pid_file = layout.pid_file(component.name)
    record = process.live_record(pid_file)
    if record is not None:
        return Outcome(component, RUNNING, record.pid)
    marker = _external_marker(layout, component)
    if component.may_be_external and _probe(component):
        marker.write_text(json.dumps({"port": component.port, "since": time.time()}))
        return Outcome(component, EXTERNAL, note=f"using the server already on :{component.port}")
    marker.unlink(missing_ok=True)
    if port_open(component.port):
        return Outcome(component, FAILED,
                       note=f"port {component.port} is taken by a process this stack did not start")
    try:
        component.prepare(layout)
        record = process.spawn(component.argv(layout), log_file=layout.log_file(component.name),
                               env=component.env(dict(os.environ), layout), user=component.user(),
                               port=component.port)
    except Exception as exc:
        return Outcome(component, FAILED, note=f"could not start: {exc}")
    process.write_pid(pid_file, record)
    return Outcome(component, STARTED, record.pid)


def _settle(layout: Layout, outcome: Outcome, console: Console) -> None:
    """Wait for health, then run the component's (idempotent) setup."""
    component = outcome.component
    if outcome.state == FAILED:
        return
    record = process.read_pid(layout.pid_file(component.name)) if outcome.pid else None
    alive = (lambda: record.process() is not None) if record else None
    if not process.wait_until(lambda: component.healthy(), component.start_timeout, alive=alive):
        died = record is not None and record.process() is None
        outcome.note = (f"exited during start-up (pid {outcome.pid})" if died
                        else f"no healthy answer on :{component.port} within {component.start_timeout:.0f}s")
        if outcome.state == STARTED and record is not None:
            process.stop(record, sig=component.stop_signal)
            layout.pid_file(component.name).unlink(missing_ok=True)
        outcome.state = FAILED
        console.print(f"[red]--- last lines of {layout.log_file(component.name)}[/]")
        console.print(process.tail(layout.log_file(component.name)), markup=False, highlight=False)
        return
    try:
        outcome.note = "; ".join(n for n in (outcome.note, component.bootstrap(layout)) if n)
    except Exception as exc:
        outcome.state, outcome.note = FAILED, f"healthy, but setup failed: {exc}"


def _line(console: Console, name: str, state: str, pid: int | None, port: int | str, seconds: float,
          note: str) -> None:
    pid_text = f"pid {pid}" if pid else "-"
    console.print(f"{_MARK.get(state, ' ')} {name:<11} {state:<16} {pid_text:<11} :{port:<6} "
                  f"{seconds:6.1f}s  {note}", highlight=False, soft_wrap=True)


def up(names: list[str] | None = None, *, migrate_airflow: bool = True, console: Console | None = None) -> int:
    layout = Layout.current()
    layout.ensure()
    with _exclusive(layout):
        return _up(layout, names, migrate_airflow, console or Console(soft_wrap=True))


def _up(layout: Layout, names: list[str] | None, migrate_airflow: bool, console: Console) -> int:
    components = select(names)
    started_at = time.monotonic()
    console.print(f"stir stack up  (STIR_HOME={layout.home})", highlight=False)
    # Launch everything first so the servers boot in parallel, then wait for each in order.
    outcomes = [_launch(layout, c) for c in components]
    for outcome in outcomes:
        t0 = time.monotonic()
        with console.status(f"waiting for {outcome.component.name} on :{outcome.component.port} ..."):
            _settle(layout, outcome, console)
        outcome.seconds = time.monotonic() - t0
        _line(console, outcome.component.name, outcome.state, outcome.pid, outcome.component.port,
              outcome.seconds, outcome.note)
    failed = [o.component.name for o in outcomes if o.state == FAILED]

    pg_ok = any(o.component.name == "postgres" and o.state != FAILED for o in outcomes)
    if migrate_airflow and pg_ok:
        t0 = time.monotonic()
        try:
            with console.status("airflow db migrate ..."):
                note = airflow_db.migrate(layout, process_env(dict(os.environ), layout))
            state = "done"
        except Exception as exc:
            note, state = f"{exc}; see {layout.log_file('airflow-db')}", FAILED
            console.print(process.tail(layout.log_file("airflow-db")), markup=False, highlight=False)
        _line(console, "airflow-db", state, None, "-", time.monotonic() - t0, note)
        if state == FAILED:
            failed.append("airflow-db")

    layout.env_file.write_text(render_shell(exports(layout)))
    console.print(f"environment: source {layout.env_file}   ({time.monotonic() - started_at:.1f}s total)",
                  highlight=False)
    if failed:
        console.print(f"[red]failed: {', '.join(failed)}[/] (logs under {layout.logs})", highlight=False)
    return 1 if failed else 0


def down(names: list[str] | None = None, *, console: Console | None = None) -> int:
    layout = Layout.current()
    with _exclusive(layout):
        return _down(layout, names, console or Console(soft_wrap=True))


def _down(layout: Layout, names: list[str] | None, console: Console) -> int:
    problems = 0
    if not names:  # Airflow (`stir stack airflow start`) needs the stack: it goes first
        from stir.stack import airflow_server

        t0 = time.monotonic()
        record = airflow_server.running(layout)
        if record is not None:
            airflow_server.stop(layout)
            _line(console, "airflow", "stopped", record.pid, config.PORTS.airflow_api, time.monotonic() - t0, "")
    for component in reversed(select(names)):
        t0 = time.monotonic()
        record = process.live_record(layout.pid_file(component.name))
        marker = _external_marker(layout, component)
        if record is not None:
            process.stop(record, sig=component.stop_signal)
            layout.pid_file(component.name).unlink(missing_ok=True)
            freed = process.wait_until(lambda c=component: not port_open(c.port), 10)
            state, note = "stopped", "" if freed else f"port {component.port} still open"
            problems += not freed
            pid = record.pid
        elif marker.exists():
            marker.unlink()
            state, note, pid = "left running", "not started by this stack", None
        else:
            state, note, pid = "not running", "", None
        _line(console, component.name, state, pid, component.port, time.monotonic() - t0, note)
    return 1 if problems else 0


def restart(names: list[str] | None = None, *, console: Console | None = None) -> int:
    console = console or Console(soft_wrap=True)
    down(names, console=console)
    return up(names, console=console)


def status_rows(names: list[str] | None = None) -> list[dict]:
    layout = Layout.current()
    rows = []
    for component in select(names):
        record = process.live_record(layout.pid_file(component.name))
        external = _external_marker(layout, component).exists()
        mode = "stack" if record else ("external" if external else "-")
        healthy = _probe(component) if (record or external) else False
        rows.append({"component": component.name, "mode": mode, "pid": record.pid if record else None,
                     "port": component.port, "healthy": healthy,
                     "log": str(layout.log_file(component.name)) if record else ""})
    return rows


def status(names: list[str] | None = None, *, as_json: bool = False, console: Console | None = None) -> int:
    console = console or Console(soft_wrap=True)
    rows = status_rows(names)
    if as_json:
        console.print_json(json.dumps(rows))
    else:
        table = Table(title=f"stir stack ({Layout.current().home})")
        for column in ("component", "mode", "pid", "port", "healthy"):
            table.add_column(column, no_wrap=True)
        table.add_column("log", overflow="fold")
        for row in rows:
            table.add_row(row["component"], row["mode"], str(row["pid"] or "-"), str(row["port"]),
                          "[green]yes[/]" if row["healthy"] else "[red]no[/]", row["log"])
        console.print(table)
    return 0 if all(r["healthy"] for r in rows) else 1


def env(*, console: Console | None = None) -> int:
    # Plain print: the output is meant for `eval "$(stir stack env)"`, no styling or wrapping.
    print(render_shell(exports(Layout.current())), end="")
    return 0
