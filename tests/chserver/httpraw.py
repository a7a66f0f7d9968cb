"""Tiny HTTP helpers for protocol-level tests (what curl or a foreign client sends)."""

from __future__ import annotations

import http.client
import socket
import time
from urllib.parse import urlencode

# Passwords of the users-file server fixture (`strict`), test-only.
ADMIN_PW, USER_PW, RO_PW = "adm-pw", "user-pw", "ro-pw"


def request(ch, body: bytes | str | None = None, params: dict | None = None, headers: dict | None = None,
            method: str | None = None, path: str = "/"):
    conn = http.client.HTTPConnection(ch.host, ch.port, timeout=60)
    try:
        target = path + ("?" + urlencode(params) if params else "")
        data = body.encode() if isinstance(body, str) else body
        conn.request(method or ("POST" if data is not None else "GET"), target, body=data, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def sql(ch, text: str, **params) -> bytes:
    status, headers, body = request(ch, text, params=params or None)
    assert status == 200, body
    return body


class RawConnection:
    """A socket speaking hand-written HTTP/1.1, to test keep-alive and chunking."""

    def __init__(self, ch):
        self.sock = socket.create_connection((ch.host, ch.port), timeout=60)
        self.file = self.sock.makefile("rb")

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def read_response(self):
        status_line = self.file.readline()
        if not status_line:
            return None
        status = int(status_line.split()[1])
        headers = {}
        while True:
            line = self.file.readline().decode("latin-1").strip()
            if not line:
                break
            key, _, value = line.partition(":")
            headers[key.strip().lower()] = value.strip()
        body = self.file.read(int(headers.get("content-length", "0")))
        return status, headers, body

    def close(self) -> None:
        self.file.close()
        self.sock.close()


def chunked(parts: list[bytes]) -> bytes:
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in parts) + b"0\r\n\r\n"


def wait_for(predicate, timeout: float = 10) -> bool:
    """Poll `predicate` every 0.1 s until it holds (True) or `timeout` passes (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False
