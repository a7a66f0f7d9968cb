"""`python -m stir.stack.sshd`: a loopback SSH server for Airflow's SSHOperator.

It speaks the real SSH protocol (asyncssh), accepts only the stack's client key for the
current OS user, and runs every exec request as `/bin/sh -c COMMAND` with the environment
it was started with, streaming stdout/stderr back and returning the exit status. SFTP is
served too, so SFTP-based operators work against the same "PostgreSQL host".
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
from pathlib import Path

import asyncssh

log = logging.getLogger("stir.sshd")
CHUNK = 64 * 1024


class KeyOnlyServer(asyncssh.SSHServer):
    def __init__(self, user: str, authorized: list[asyncssh.SSHKey]):
        self._user = user
        self._authorized = {key.public_data for key in authorized}

    def begin_auth(self, username: str) -> bool:
        return True  # always authenticate, whoever asks

    def public_key_auth_supported(self) -> bool:
        return True

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        ok = username == self._user and key.public_data in self._authorized
        if not ok:
            log.warning("rejected key for user %r", username)
        return ok

    def password_auth_supported(self) -> bool:
        return False

    def kbdint_auth_supported(self) -> bool:
        return False


async def _pump(reader: asyncio.StreamReader, writer) -> None:
    while chunk := await reader.read(CHUNK):
        writer.write(chunk)
        await writer.drain()


async def _feed_stdin(process: asyncssh.SSHServerProcess, stdin: asyncio.StreamWriter) -> None:
    try:
        while chunk := await process.stdin.read(CHUNK):
            stdin.write(chunk)
            await stdin.drain()
    except (BrokenPipeError, ConnectionResetError):
        pass
    finally:
        stdin.close()


async def run_command(process: asyncssh.SSHServerProcess, env: dict[str, str], cwd: str) -> None:
    argv = ["/bin/sh", "-c", process.command] if process.command else ["/bin/sh"]
    log.info("exec %r", process.command)
    child = await asyncio.create_subprocess_exec(
        *argv,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**env, **{str(k): str(v) for k, v in (process.env or {}).items()}},
        cwd=cwd,
        start_new_session=True,
    )
    feeder = asyncio.create_task(_feed_stdin(process, child.stdin))
    try:
        await asyncio.gather(_pump(child.stdout, process.stdout), _pump(child.stderr, process.stderr))
        status = await child.wait()
    except (asyncssh.Error, ConnectionError, asyncio.CancelledError):
        # The client went away mid-command: don't leave its command running.
        if child.returncode is None:
            os.killpg(child.pid, signal.SIGKILL)
            await child.wait()
        raise
    finally:
        feeder.cancel()
    log.info("exit %s for %r", status, process.command)
    process.exit(status if status >= 0 else 128 - status)


async def serve(host: str, port: int, host_key: Path, authorized_keys: Path, user: str, cwd: str) -> None:
    authorized = asyncssh.read_public_key_list(str(authorized_keys))
    env = dict(os.environ)
    server = await asyncssh.create_server(
        lambda: KeyOnlyServer(user, authorized),
        host,
        port,
        server_host_keys=[str(host_key)],
        process_factory=lambda process: run_command(process, env, cwd),
        sftp_factory=True,
        encoding=None,
        line_editor=False,
        keepalive_interval=30,
    )
    log.info("sshd listening on %s:%d for user %s", host, port, user)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    server.close()
    await server.wait_closed()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m stir.stack.sshd", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host-key", type=Path, required=True)
    parser.add_argument("--authorized-keys", type=Path, required=True)
    parser.add_argument("--user", required=True, help="the only username accepted")
    parser.add_argument("--cwd", default=os.path.expanduser("~"))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    asyncio.run(serve(args.host, args.port, args.host_key, args.authorized_keys, args.user, args.cwd))
    return 0


if __name__ == "__main__":
    sys.exit(main())
