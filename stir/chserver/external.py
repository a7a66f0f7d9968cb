"""External data (ClickHouse's HTTP "external tables"): multipart/form-data files that
become temporary tables for one query, shaped by `<name>_structure` (`id UInt32, s
String`) or `<name>_types` (`UInt32,String`, columns `_1`, `_2`, ...) and read in
`<name>_format` (TabSeparated by default), from the URL or the form itself."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import BAD_ARGUMENTS, ServerError, from_engine


@dataclass(frozen=True)
class ExternalTable:
    name: str
    structure: str
    fmt: str
    data: bytes


def _quote(name: str) -> str:
    return "`" + name.replace("\\", "\\\\").replace("`", "\\`") + "`"


def collect(files: dict[str, bytes], fields: dict[str, str]) -> list[ExternalTable]:
    """Tables for the uploaded files; their `_structure`/`_types`/`_format` entries are
    taken out of `fields` (URL settings or form fields), so they never reach the engine."""
    tables = []
    for name, data in files.items():
        structure = fields.pop(f"{name}_structure", None)
        types = fields.pop(f"{name}_types", None)
        fmt = fields.pop(f"{name}_format", None) or "TabSeparated"
        if structure is None and types is None:
            raise ServerError(BAD_ARGUMENTS, f"Neither structure nor types have been provided for external table "
                                             f"{name}. Use fields {name}_structure or {name}_types to do so.")
        if structure is None:
            structure = ", ".join(f"_{i} {t.strip()}" for i, t in enumerate(types.split(","), 1))
        tables.append(ExternalTable(name, structure, fmt, data))
    return tables


def load(conn, tables: list[ExternalTable]) -> None:
    for table in tables:
        try:
            conn.query(f"CREATE TEMPORARY TABLE {_quote(table.name)} ({table.structure}) ENGINE = Memory",
                       "TabSeparated")
            inserter = conn.send_insert(f"INSERT INTO {_quote(table.name)}", table.fmt)
            if table.data:
                inserter.append(table.data)
            inserter.finish()
        except ServerError:
            raise
        except Exception as exc:
            raise from_engine(exc) from None


def drop(conn, tables: list[ExternalTable]) -> None:
    for table in tables:
        try:
            conn.query(f"DROP TEMPORARY TABLE IF EXISTS {_quote(table.name)}", "TabSeparated")
        except Exception:  # the connection may be gone; temporary tables die with it
            pass
