"""`stir stack ...` subcommands."""

from __future__ import annotations

import argparse

from stir.stack.layout import COMPONENT_NAMES


def register(subparsers: argparse._SubParsersAction) -> None:
    names = list(COMPONENT_NAMES)
    stack = subparsers.add_parser("stack", help="run the embedded local stack (ClickHouse, S3, PostgreSQL, "
                                                "sshd, sidecar)")
    sub = stack.add_subparsers(dest="stack_command", required=True, metavar="{up,down,status,env,restart,airflow}")

    p = sub.add_parser("up", help="start what is not running, wait for health, create databases/bucket")
    p.add_argument("components", nargs="*", metavar="COMPONENT",
                   help=f"subset to start ({', '.join(names)}); default all")
    p.add_argument("--skip-airflow-db", action="store_true", help="don't run `airflow db migrate`")
    p.set_defaults(func=lambda a: _control().up(a.components, migrate_airflow=not a.skip_airflow_db))

    p = sub.add_parser("down", help="stop what the stack started (by PID)")
    p.add_argument("components", nargs="*", metavar="COMPONENT")
    p.set_defaults(func=lambda a: _control().down(a.components))

    p = sub.add_parser("restart", help="down then up")
    p.add_argument("components", nargs="*", metavar="COMPONENT")
    p.set_defaults(func=lambda a: _control().restart(a.components))

    p = sub.add_parser("status", help="table of components, pids, ports and health (exit 1 if any unhealthy)")
    p.add_argument("components", nargs="*", metavar="COMPONENT")
    p.add_argument("--json", action="store_true", dest="as_json")
    p.set_defaults(func=lambda a: _control().status(a.components, as_json=a.as_json))

    p = sub.add_parser("airflow", help="`airflow standalone` on the stack, sized to the machine: start (waits "
                                       "for the scheduler), stop (the whole process group), status")
    p.add_argument("action", choices=("start", "stop", "status"))
    p.set_defaults(func=lambda a: _airflow().main(a.action))

    p = sub.add_parser("env", help="print `export` lines for shells, dbt and Airflow (eval \"$(stir stack env)\")")
    p.set_defaults(func=lambda a: _control().env())


def _control():
    # Imported on use so `stir --help` stays fast.
    from stir.stack import control

    return control


def _airflow():
    from stir.stack import airflow_server

    return airflow_server
