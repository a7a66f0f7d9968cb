"""Named HTTP sessions: one engine connection each, so USE, SET and temporary tables
persist between requests; a concurrent request on a busy session fails at once with
SESSION_IS_LOCKED, and idle sessions expire after their session_timeout."""

from __future__ import annotations

import logging
import threading
import time
from contextlib import contextmanager

from .errors import INVALID_SESSION_TIMEOUT, SESSION_IS_LOCKED, SESSION_NOT_FOUND, ServerError
from .scope import SessionState

log = logging.getLogger("stir.chserver.sessions")

DEFAULT_TIMEOUT = 60.0
MAX_TIMEOUT = 3600.0


class Session:
    def __init__(self, session_id: str, conn, timeout: float):
        self.id = session_id
        self.conn = conn
        self.timeout = timeout
        self.lock = threading.Lock()
        self.last_used = time.monotonic()
        self.closed = False
        self.state = SessionState()

    def expired(self, now: float) -> bool:
        return now - self.last_used > self.timeout


def parse_timeout(value: str | None) -> float | None:
    if value is None or value == "":
        return None
    try:
        timeout = float(value)
    except ValueError:
        raise ServerError(INVALID_SESSION_TIMEOUT, f"Invalid session timeout: '{value}'") from None
    if timeout <= 0 or timeout > MAX_TIMEOUT:
        raise ServerError(INVALID_SESSION_TIMEOUT,
                          f"Session timeout '{value}' is larger than max_session_timeout: {MAX_TIMEOUT:g}"
                          if timeout > MAX_TIMEOUT else f"Invalid session timeout: '{value}'")
    return timeout


class SessionStore:
    def __init__(self, connect, sweep_interval: float = 1.0):
        self._connect = connect
        self._sessions: dict[str, Session] = {}
        self._guard = threading.Lock()
        self._stop = threading.Event()
        self._sweeper = threading.Thread(target=self._sweep_loop, args=(sweep_interval,),
                                         name="chserver-session-sweeper", daemon=True)
        self._sweeper.start()

    def __len__(self) -> int:
        return len(self._sessions)

    @contextmanager
    def use(self, session_id: str, timeout: float | None, check: bool, close_after: bool = False):
        """`close_after` ends the session once this request is done (close_session=1)."""
        stale = None
        with self._guard:
            session = self._sessions.get(session_id)
            if session is not None and session.expired(time.monotonic()) and session.lock.acquire(blocking=False):
                stale, session = self._sessions.pop(session_id), None
            if session is None:
                if check:
                    raise ServerError(SESSION_NOT_FOUND, f"Session {session_id} not found")
                session = Session(session_id, self._connect(), timeout or DEFAULT_TIMEOUT)
                self._sessions[session_id] = session
            if not session.lock.acquire(blocking=False):
                raise ServerError(SESSION_IS_LOCKED, f"Session {session_id} is locked by a concurrent client")
            if timeout is not None:
                session.timeout = timeout
        if stale is not None:
            self._close(stale)
        try:
            yield session
        finally:
            session.last_used = time.monotonic()
            if close_after:
                with self._guard:
                    if self._sessions.get(session_id) is session:
                        del self._sessions[session_id]
                self._close(session)
            else:
                session.lock.release()

    def _sweep_loop(self, interval: float) -> None:
        while not self._stop.wait(interval):
            self.expire(time.monotonic())

    def expire(self, now: float) -> int:
        expired = []
        with self._guard:
            for sid, session in list(self._sessions.items()):
                if session.expired(now) and session.lock.acquire(blocking=False):
                    del self._sessions[sid]
                    expired.append(session)
        for session in expired:
            self._close(session)
        if expired:
            log.debug("expired %d idle session(s)", len(expired))
        return len(expired)

    @staticmethod
    def _close(session: Session) -> None:
        session.closed = True
        try:
            session.conn.close()
        except Exception:  # closing is best effort; the engine frees it at exit anyway
            log.exception("closing session %s", session.id)
        finally:
            session.lock.release()

    def close_all(self) -> None:
        self._stop.set()
        with self._guard:
            sessions = list(self._sessions.values())
            self._sessions.clear()
        for session in sessions:
            if session.lock.acquire(timeout=5):
                self._close(session)
