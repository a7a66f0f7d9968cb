"""Names a sync gives the relations it creates, so leftovers are recognisable and never the live table.

    <table>                 live, read by the app
    <table>_old_bkp         the previous snapshot, kept until the next swap commits
    <table>__new_<uniq>     a run's staging table (leftover if the run died before its swap)
    <table>__old_<uniq>     a retired backup, dropped right after the swap that retired it
    <table>_<uniq>_<n>      indexes built per load; renamed to the live names in the swap
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

MAX_IDENTIFIER = 63
_UNIQ_LEN = 8
# The longest derived name is "<table>__new_<uniq>": 14 characters on top of the table's.
MAX_TABLE_NAME = MAX_IDENTIFIER - 14
_PLAIN = re.compile(r"^[a-z_][a-z0-9_]*$")


def new_uniq() -> str:
    return secrets.token_hex(_UNIQ_LEN // 2)


@dataclass(frozen=True)
class TableNames:
    schema: str
    table: str

    def __post_init__(self) -> None:
        for part in (self.schema, self.table):
            if not _PLAIN.match(part):
                raise ValueError(f"{part!r}: sync targets must be plain lower-case identifiers")
        if len(self.table) > MAX_TABLE_NAME:
            raise ValueError(f"{self.table!r}: synced table names are limited to {MAX_TABLE_NAME} characters")

    @classmethod
    def parse(cls, qualified: str) -> TableNames:
        schema, _, table = qualified.rpartition(".")
        return cls(schema or "public", table)

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.table}"

    @property
    def backup(self) -> str:
        return f"{self.table}_old_bkp"

    def staging(self, uniq: str) -> str:
        return f"{self.table}__new_{uniq}"

    def retired(self, uniq: str) -> str:
        return f"{self.table}__old_{uniq}"

    def index(self, uniq: str, n: str) -> str:
        return f"{self.table[:40]}_{uniq}_{n}"

    def is_leftover(self, relname: str) -> bool:
        return re.fullmatch(re.escape(self.table) + r"__(new|old)_[0-9a-f]{" + str(_UNIQ_LEN) + "}", relname) is not None

    def lock_key(self) -> str:
        """Text hashed into the per-table advisory lock shared by sync and rollback."""
        return f"stir.sync:{self.qualified}"


def qi(name: str) -> str:
    """Quote an identifier the way PostgreSQL's quote_ident does."""
    if _PLAIN.match(name) and name not in _RESERVED:
        return name
    return '"' + name.replace('"', '""') + '"'


def qn(schema: str, name: str) -> str:
    return f"{qi(schema)}.{qi(name)}"


def ql(value: str) -> str:
    """A PostgreSQL string literal (standard_conforming_strings: only ' is doubled)."""
    return "'" + value.replace("'", "''") + "'"


# Reserved words that could plausibly be column names; quoting more than needed is harmless.
_RESERVED = frozenset("""
all analyse analyze and any array as asc asymmetric both case cast check collate column constraint create
current_catalog current_date current_role current_time current_timestamp current_user default deferrable
desc distinct do else end except false fetch for foreign from grant group having in initially intersect
into lateral leading limit localtime localtimestamp not null offset on only or order placing primary
references returning select session_user some symmetric system_user table then to trailing true union
unique user using variadic when where window with
""".split())
