"""Process entry point: lock the data directory, bind the port, open the engine,
serve until SIGTERM/SIGINT, then shut down in order."""

from __future__ import annotations

import argparse
import errno
import ipaddress
import logging
import os
import signal
import sys
import threading
import time
from pathlib import Path

from ..config import stir_home
from . import errors, remote, safety
from .auth import Users
from .engine import DataDirBusy, Engine
from .options import Options
from .server import ChServer

log = logging.getLogger("stir.chserver")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1, loopback only)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("STIR_CH_PORT", "8123")),
                        help="HTTP port (default $STIR_CH_PORT or 8123)")
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="engine data directory, owned exclusively (default $STIR_HOME/clickhouse)")
    parser.add_argument("--keep-alive-timeout", type=float, default=300.0,
                        help="seconds an idle keep-alive connection stays open")
    parser.add_argument("--log-level", default=os.environ.get("STIR_CH_LOG_LEVEL", "INFO"))
    parser.add_argument("--users-file", type=Path, default=os.environ.get("STIR_CH_USERS_FILE") or None,
                        help="TOML users file (sha256 passwords); also STIR_CH_USER / STIR_CH_PASSWORD")
    parser.add_argument("--max-query-size", type=int, default=safety.DEFAULT_MAX_QUERY_SIZE,
                        help="bytes of query text read from a request (ClickHouse's max_query_size)")
    parser.add_argument("--max-body-size", type=int, default=int(os.environ.get("STIR_CH_MAX_BODY_SIZE", 16 << 30)),
                        help="decompressed request body cap in bytes, checked while streaming")
    parser.add_argument("--max-memory-usage", default=os.environ.get("STIR_CH_MAX_MEMORY_USAGE", "0"),
                        help="default per-query memory limit in bytes (0: none); requests may override")
    parser.add_argument("--max-execution-time", default=os.environ.get("STIR_CH_MAX_EXECUTION_TIME", "0"),
                        help="default per-query time limit in seconds (0: none); requests may override")
    parser.add_argument("--remote-url-allow-hosts", default=os.environ.get(remote.ENV, ""),
                        help="comma-separated hosts or host:port that url(), s3(), remote() & co. may reach, "
                             "as ClickHouse's remote_url_allow_hosts ('*': any; default: loopback only)")


def serve(args: argparse.Namespace) -> int:
    logging.basicConfig(stream=sys.stderr, level=args.log_level.upper(),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    engine = Engine(args.data_dir or stir_home() / "clickhouse")
    try:
        users = Users.load(args.users_file)
    except (OSError, ValueError) as exc:
        log.error("cannot read users file %s: %s", args.users_file, exc)
        return 2
    if not users.configured and not _is_loopback(args.host):
        log.error("refusing to listen on %s without a password: set STIR_CH_PASSWORD or --users-file "
                  "(or bind 127.0.0.1)", args.host)
        return 2
    options = Options(users=users, user_files=engine.data_dir / "user_files", max_query_size=args.max_query_size,
                      max_body_size=args.max_body_size,
                      remote_hosts=remote.AllowedHosts.parse(args.remote_url_allow_hosts),
                      default_settings={k: str(v) for k, v in (("max_memory_usage", args.max_memory_usage),
                                                               ("max_execution_time", args.max_execution_time))
                                        if str(v) not in ("", "0")})
    try:
        engine.lock.acquire()
    except DataDirBusy as exc:
        log.error("%s", exc)
        return 2
    try:
        try:
            server = ChServer((args.host, args.port), engine, keep_alive_timeout=args.keep_alive_timeout,
                              options=options)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                log.error("port %d on %s is already in use", args.port, args.host)
            else:
                log.error("cannot listen on %s:%d: %s", args.host, args.port, exc)
            return 3
        engine.open()
        options.user_files.mkdir(parents=True, exist_ok=True)
        errors.ENGINE_VERSION = engine.version
        server.start_sessions()
        return _serve_until_signal(server, engine, args)
    finally:
        engine.lock.release()


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _serve_until_signal(server: ChServer, engine: Engine, args: argparse.Namespace) -> int:
    stop = threading.Event()

    def on_signal(signum, _frame):
        log.info("received %s, shutting down", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    loop = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, name="chserver-accept")
    loop.start()
    log.info("ClickHouse %s (chDB) serving http://%s:%d data_dir=%s pid=%d", engine.version, args.host,
             server.server_address[1], engine.data_dir, os.getpid())
    stop.wait()
    t0 = time.monotonic()
    server.shutdown()  # stop accepting
    loop.join()
    if not server.wait_idle(timeout=10):
        log.warning("%d request(s) still running at shutdown", server.active)
    server.server_close()
    n_sessions = len(server.sessions)
    server.sessions.close_all()
    server.query_log.close()
    log.info("closed listener and %d session(s) in %.1f s; closing engine", n_sessions, time.monotonic() - t0)
    engine.close()
    log.info("stopped (shutdown took %.1f s)", time.monotonic() - t0)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m stir.chserver",
                                     description="Embedded ClickHouse (chDB) behind ClickHouse's HTTP interface")
    add_arguments(parser)
    return serve(parser.parse_args(argv))
