"""`stir`: one command line for the whole monorepo.

Each area contributes its subcommands through a module exposing `register(subparsers)`;
they are imported here by name so an area that does not exist yet (or fails to import
one of its optional dependencies) never takes the other commands down with it.
"""

from __future__ import annotations

import argparse
import importlib
import sys

# (module, what it provides) - the second item only documents ownership.
COMMAND_MODULES: tuple[tuple[str, str], ...] = (
    ("stir.stack.cli", "stack up|down|status|env|restart"),
    ("stir.chserver.cli", "chserver"),
    ("stir.generate.cli", "generate"),
    ("stir.sync.cli", "migrate, rollback, sync, freshness"),
    ("stir.airflow.dbt_docs", "dbt-docs"),
    ("stir.demo", "demo"),
)


def _registrar(module_name: str):
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        # Only "this area isn't there yet" is silent; a missing dependency inside an
        # existing module is a real error worth seeing.
        if exc.name and (module_name == exc.name or module_name.startswith(exc.name + ".")):
            return None
        raise
    return getattr(module, "register", None)


def build_parser() -> argparse.ArgumentParser:
    from stir import __version__

    parser = argparse.ArgumentParser(prog="stir", description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", action="version", version=f"stir {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name, _ in COMMAND_MODULES:
        register = _registrar(module_name)
        if register is not None:
            register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 2
    from stir.sync.errors import SyncError

    try:
        return int(func(args) or 0)
    except SyncError as exc:
        # a guard or a missing precondition: the message says what to do, a traceback would bury it
        print(f"stir {args.command}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
