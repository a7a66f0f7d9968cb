"""`stir chserver` is the same program as `python -m stir.chserver`."""

from __future__ import annotations

import argparse
from pathlib import Path

from stir.chserver import cli, run


def test_register_adds_chserver_subcommand():
    parser = argparse.ArgumentParser(prog="stir")
    cli.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["chserver", "--port", "18999", "--data-dir", "/tmp/x"])
    assert (args.command, args.host, args.port, args.data_dir) == ("chserver", "127.0.0.1", 18999, Path("/tmp/x"))
    assert args.func is run.serve
