"""`stir chserver ...`: the same options as `python -m stir.chserver`."""

from __future__ import annotations

import argparse

from .run import add_arguments, serve


def register(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("chserver", help="run the embedded ClickHouse HTTP server (chDB)",
                                   description="Embedded ClickHouse (chDB) behind ClickHouse's HTTP interface")
    add_arguments(parser)
    parser.set_defaults(func=serve)
    return parser
