"""beat's scrape API stand-in: accepting a scrape request logs it to _e.scrape_request_log_events.

The DAGs that queue scrapes read that table to skip recently attempted items, so the
stand-in writes exactly what beat writes.
"""

from __future__ import annotations

import json
import threading
import uuid

import clickhouse_connect

INSERT_SQL = (
    "INSERT INTO _e.scrape_request_log_events "
    "(event_id, flow, platform, params, source, event_timestamp) "
    "SELECT toUUID(%(event_id)s), %(flow)s, %(platform)s, %(params)s, %(source)s, now64(3)"
)


class BadRequest(ValueError):
    pass


def parse_request(body: bytes, user_agent: str | None) -> dict:
    try:
        data = json.loads(body or b"")
    except ValueError as exc:
        raise BadRequest(f"body is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise BadRequest("body must be a JSON object with flow, platform and params")
    for field in ("flow", "platform"):
        value = data.get(field)
        if not isinstance(value, str) or not value.strip():
            raise BadRequest(f"'{field}' is required and must be a non-empty string")
    params = data.get("params", {})
    if not isinstance(params, dict):
        raise BadRequest("'params' must be a JSON object")
    source = data.get("source") or user_agent or "unknown"
    if not isinstance(source, str):
        raise BadRequest("'source' must be a string")
    return {
        "flow": data["flow"].strip(),
        "platform": data["platform"].strip(),
        "params": json.dumps(params, separators=(",", ":"), sort_keys=True),
        "source": source,
    }


class ScrapeLog:
    """Writes accepted requests to ClickHouse; one client per server thread (clients aren't shared)."""

    def __init__(self, host: str, port: int, username: str = "default", password: str = ""):
        self._settings = {"host": host, "port": port, "username": username, "password": password}
        self._local = threading.local()

    def _client(self):
        client = getattr(self._local, "client", None)
        if client is None:
            client = clickhouse_connect.get_client(
                **self._settings, autogenerate_session_id=False, connect_timeout=5, send_receive_timeout=30
            )
            self._local.client = client
        return client

    def accept(self, request: dict) -> str:
        # The id is minted here (a random v4 UUID, as generateUUIDv4() would) so the
        # caller gets it back without a second round trip.
        event_id = str(uuid.uuid4())
        self._client().command(INSERT_SQL, parameters={**request, "event_id": event_id})
        return event_id
