"""`python -m stir.sidecar --port N --state-dir DIR`: run the sidecar HTTP server."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from pathlib import Path

from stir import config
from stir.sidecar.server import build_server


def _interrupt(*_: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m stir.sidecar", description=__doc__)
    parser.add_argument("--host", default=config.HOST)
    parser.add_argument("--port", type=int, default=config.PORTS.sidecar)
    parser.add_argument("--state-dir", type=Path, default=config.stir_home() / "sidecar")
    parser.add_argument("--ch-host", default=os.environ.get("STIR_CH_HOST", config.HOST))
    parser.add_argument("--ch-port", type=int, default=config.PORTS.clickhouse_http)
    args = parser.parse_args(argv)

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    server = build_server(args.host, args.port, args.state_dir, args.ch_host, args.ch_port)
    # SIGTERM from `stir stack down` should close the socket cleanly, like Ctrl-C does.
    signal.signal(signal.SIGTERM, _interrupt)
    logging.info("sidecar listening on http://%s:%d", args.host, args.port)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
