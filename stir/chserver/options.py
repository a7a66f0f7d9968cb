"""Server-wide options a request cannot change: users, limits, the user_files root."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .auth import Users
from .remote import AllowedHosts
from .safety import DEFAULT_MAX_QUERY_SIZE


@dataclass
class Options:
    users: Users = field(default_factory=lambda: Users.load(env={}))
    user_files: Path = Path("/nonexistent/user_files")
    max_query_size: int = DEFAULT_MAX_QUERY_SIZE
    max_body_size: int = 16 << 30  # decompressed request body (INSERT data), checked while streaming
    # Applied to every engine connection unless a request sets them (0 = unlimited).
    default_settings: dict[str, str] = field(default_factory=dict)
    max_form_size: int = 256 << 20  # multipart/form-data bodies (external data) are held in memory
    query_log_ttl_days: int = 7  # system.query_log retention
    # hosts url()/s3()/remote() & co. may reach (ClickHouse's remote_url_allow_hosts)
    remote_hosts: AllowedHosts = field(default_factory=lambda: AllowedHosts.parse(None))
