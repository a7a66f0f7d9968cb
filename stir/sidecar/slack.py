"""Slack incoming-webhook sink: records what Airflow's Slack notifier would have posted."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs


class SlackSink:
    def __init__(self, path: Path):
        self.path = path
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)

    def record(self, webhook_path: str, content_type: str, body: bytes) -> dict:
        """Store one webhook call; Slack accepts JSON bodies and form-encoded `payload=`."""
        payload = parse_payload(content_type, body)
        entry = {"received_at": time.time(), "webhook": webhook_path, "payload": payload}
        line = json.dumps(entry, default=str) + "\n"
        with self._lock, open(self.path, "a", encoding="utf-8") as out:
            out.write(line)
        return entry

    def messages(self) -> list[dict]:
        with self._lock:
            try:
                lines = self.path.read_text(encoding="utf-8").splitlines()
            except FileNotFoundError:
                return []
        return [json.loads(line) for line in lines if line.strip()]

    def clear(self) -> int:
        with self._lock:
            count = len(self.path.read_text(encoding="utf-8").splitlines()) if self.path.exists() else 0
            self.path.write_text("", encoding="utf-8")
        return count


def parse_payload(content_type: str, body: bytes) -> object:
    text = body.decode("utf-8", errors="replace")
    if "application/x-www-form-urlencoded" in content_type:
        form = parse_qs(text)
        if "payload" in form:
            return json.loads(form["payload"][0])
        return {k: v[0] if len(v) == 1 else v for k, v in form.items()}
    try:
        return json.loads(text)
    except ValueError:
        return text
