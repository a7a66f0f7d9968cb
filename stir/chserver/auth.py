"""Users and their passwords (sha256), from a TOML users file or the environment, and
the three ways ClickHouse's HTTP interface takes credentials: basic auth, the
X-ClickHouse-User/-Key headers, or `user`/`password` URL parameters.

Users file (`--users-file`)::

    [users.default]
    password_sha256_hex = "..."   # sha256 of the password, hex
    admin = true                  # may run SYSTEM / KILL (default false)
    readonly = 0                  # 0, 1 or 2, as ClickHouse's readonly setting

Environment: STIR_CH_USER (default `default`) with STIR_CH_PASSWORD, an admin user.
Neither configured: the single user `default` with an empty password, as a fresh
ClickHouse install (loopback only: see run.py)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass
from pathlib import Path

import tomllib

from .errors import AUTHENTICATION_FAILED, BAD_ARGUMENTS, ServerError


@dataclass(frozen=True)
class User:
    name: str
    password_sha256: str  # hex; sha256 of "" for no password
    admin: bool = False
    readonly: str = "0"


def sha256_hex(password: str) -> str:
    return hashlib.sha256(password.encode()).hexdigest()


class Users:
    def __init__(self, users: dict[str, User], configured: bool):
        self.users = users
        self.configured = configured  # a password is set (file or environment)

    @classmethod
    def load(cls, users_file: Path | None = None, env: dict[str, str] | None = None) -> Users:
        env = os.environ if env is None else env
        users: dict[str, User] = {}
        if users_file is not None:
            data = tomllib.loads(Path(users_file).read_text(encoding="utf-8"))
            for name, spec in (data.get("users") or {}).items():
                digest = str(spec.get("password_sha256_hex") or sha256_hex(str(spec.get("password", "")))).lower()
                users[name] = User(name, digest, bool(spec.get("admin", False)), str(spec.get("readonly", 0)))
        password = env.get("STIR_CH_PASSWORD")
        if password:
            name = env.get("STIR_CH_USER") or "default"
            users[name] = User(name, sha256_hex(password), admin=True)
        configured = any(u.password_sha256 != sha256_hex("") for u in users.values())
        if not users:
            users["default"] = User("default", sha256_hex(""), admin=True)
        return cls(users, configured)

    def authenticate(self, name: str, password: str) -> User:
        user = self.users.get(name or "default")
        given = sha256_hex(password or "")
        if user is None or not hmac.compare_digest(given, user.password_sha256):
            raise ServerError(AUTHENTICATION_FAILED,
                              f"{name or 'default'}: Authentication failed: password is incorrect, "
                              "or there is no user with such name")
        return user


def credentials(headers, transport: dict[str, str]) -> tuple[str, str]:
    """(user, password) from exactly one of the three places ClickHouse reads them."""
    found = []
    auth = headers.get("Authorization")
    if auth and auth[:6].lower() == "basic ":
        try:
            user, _, password = base64.b64decode(auth[6:].strip()).decode("utf-8").partition(":")
        except (ValueError, UnicodeDecodeError):
            raise ServerError(BAD_ARGUMENTS, "Malformed Basic Authorization header") from None
        found.append((user, password))
    if headers.get("X-ClickHouse-User") is not None or headers.get("X-ClickHouse-Key") is not None:
        found.append((headers.get("X-ClickHouse-User") or "", headers.get("X-ClickHouse-Key") or ""))
    if "user" in transport or "password" in transport:
        found.append((transport.get("user", ""), transport.get("password", "")))
    if len(found) > 1:
        raise ServerError(AUTHENTICATION_FAILED, "Invalid authentication: it is not allowed to use several "
                                                 "authentication methods at once (Authorization header, "
                                                 "X-ClickHouse-User/-Key headers, user/password parameters)")
    return found[0] if found else ("default", "")
