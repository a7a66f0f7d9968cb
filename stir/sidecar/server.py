"""One threaded HTTP server for the sidecar's three roles (Slack sink, scrape API, media)."""

from __future__ import annotations

import json
import logging
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from stir import config
from stir.sidecar import media
from stir.sidecar.scrape import BadRequest, ScrapeLog, parse_request
from stir.sidecar.slack import SlackSink

log = logging.getLogger("stir.sidecar")

SCRAPE_PATH = "/scrape/api/v1/scrape_request"
SLACK_PREFIX = "/slack/"
SLACK_MESSAGES = "/slack/_messages"
MEDIA_PREFIX = "/media/"
MAX_BODY = 10 * 1024 * 1024


class SidecarServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], slack: SlackSink, scrape: ScrapeLog):
        super().__init__(address, Handler)
        self.slack = slack
        self.scrape = scrape


class Handler(BaseHTTPRequestHandler):
    server: SidecarServer
    protocol_version = "HTTP/1.1"
    server_version = "stir-sidecar"

    def log_message(self, format: str, *args) -> None:
        log.info("%s %s", self.address_string(), format % args)

    # ---------------------------------------------------------------- routing

    def do_GET(self) -> None:
        path = self._path()
        if path == "/health":
            self._json(HTTPStatus.OK, {"status": "ok"})
        elif path == SLACK_MESSAGES:
            self._json(HTTPStatus.OK, self.server.slack.messages())
        elif path.startswith(MEDIA_PREFIX):
            self._media(path[len(MEDIA_PREFIX):], head=False)
        else:
            self._json(HTTPStatus.NOT_FOUND, {"error": f"no route for GET {path}"})

    def do_HEAD(self) -> None:
        path = self._path()
        if path.startswith(MEDIA_PREFIX):
            self._media(path[len(MEDIA_PREFIX):], head=True)
        elif path == "/health":
            self._send(HTTPStatus.OK, b"", "application/json", head=True)
        else:
            self._send(HTTPStatus.NOT_FOUND, b"", "text/plain", head=True)

    def do_POST(self) -> None:
        path = self._path()
        try:
            body = self._body()
        except ValueError as exc:
            self._json(HTTPStatus.BAD_REQUEST, {"error": str(exc)})
            return
        if path == SCRAPE_PATH:
            self._scrape(body)
        elif path.startswith(SLACK_PREFIX) and path != SLACK_MESSAGES:
            self.server.slack.record(path[len(SLACK_PREFIX):], self.headers.get("Content-Type", ""), body)
            self._send(HTTPStatus.OK, b"ok", "text/plain")
        else:
            self._json(HTTPStatus.NOT_FOUND, {"error": f"no route for POST {path}"})

    def do_DELETE(self) -> None:
        if self._path() == SLACK_MESSAGES:
            self._json(HTTPStatus.OK, {"deleted": self.server.slack.clear()})
        else:
            self._json(HTTPStatus.NOT_FOUND, {"error": "no route"})

    # ---------------------------------------------------------------- roles

    def _scrape(self, body: bytes) -> None:
        try:
            request = parse_request(body, self.headers.get("User-Agent"))
        except BadRequest as exc:
            self._json(HTTPStatus.BAD_REQUEST, {"status": "REJECTED", "error": str(exc)})
            return
        try:
            event_id = self.server.scrape.accept(request)
        except Exception as exc:  # ClickHouse down or table missing: the caller should retry
            log.exception("scrape request log insert failed")
            self._json(HTTPStatus.SERVICE_UNAVAILABLE, {"status": "ERROR", "error": str(exc)[:500]})
            return
        self._json(HTTPStatus.OK, {"status": "ACCEPTED", "event_id": event_id})

    def _media(self, media_path: str, *, head: bool) -> None:
        media_path = unquote(media_path)
        if not media_path or "missing" in media_path:
            self._send(HTTPStatus.NOT_FOUND, b"not found", "text/plain", head=head)
            return
        body = media.png_for(media_path)
        tag = media.etag(body)
        if self.headers.get("If-None-Match") == tag:
            self._send(HTTPStatus.NOT_MODIFIED, b"", "image/png", head=True, extra={"ETag": tag})
            return
        self._send(HTTPStatus.OK, body, "image/png", head=head,
                   extra={"ETag": tag, "Cache-Control": "public, max-age=86400"})

    # ---------------------------------------------------------------- plumbing

    def _path(self) -> str:
        return urlsplit(self.path).path

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            raise ValueError(f"body larger than {MAX_BODY} bytes")
        return self.rfile.read(length) if length else b""

    def _json(self, status: HTTPStatus, payload: object) -> None:
        self._send(status, json.dumps(payload, default=str).encode(), "application/json")

    def _send(self, status: HTTPStatus, body: bytes, content_type: str, *, head: bool = False,
              extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if not head and status != HTTPStatus.NOT_MODIFIED:
            self.wfile.write(body)


def build_server(host: str, port: int, state_dir: Path, ch_host: str, ch_port: int,
                 ch_user: str | None = None, ch_password: str | None = None) -> SidecarServer:
    log = ScrapeLog(ch_host, ch_port, ch_user if ch_user is not None else config.ch_user(),
                    ch_password if ch_password is not None else config.ch_password())
    return SidecarServer((host, port), SlackSink(state_dir / "slack.jsonl"), log)
