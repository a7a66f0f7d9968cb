"""Why a sync stopped: refused by a guard (pages on-call) or skipped (another run owns the table)."""

from __future__ import annotations


class SyncError(Exception):
    """A sync could not run as asked; the message says what to fix."""


class SyncRefused(SyncError):
    """A guard refused to publish; the live table was left exactly as it was."""


class SyncSkipped(SyncError):
    """Another sync or rollback of the same table holds its lock; nothing was changed."""


class MigrationError(SyncError):
    """The serving schema's migrations cannot be applied as they are."""
