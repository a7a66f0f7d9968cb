"""What the swap must carry from the live table to its replacement, read from the catalogs."""

from __future__ import annotations

import re
from dataclasses import dataclass

from stir.sync.names import qi, ql, qn

_INDEXDEF = re.compile(r'^CREATE (UNIQUE )?INDEX ("(?:[^"]|"")+"|\S+) ON (ONLY )?((?:"(?:[^"]|"")+"|[^\s."]+)\.'
                       r'(?:"(?:[^"]|"")+"|[^\s"]+)) (USING .*)$', re.S)


@dataclass(frozen=True)
class Index:
    name: str
    definition: str             # pg_get_indexdef
    constraint: str | None      # backing constraint's name (PK / UNIQUE / EXCLUDE)
    contype: str | None
    constraint_def: str | None

    def shape(self) -> tuple[str, str]:
        """Name-free identity used to match a backup's indexes to the live names."""
        if self.contype:
            return (self.contype, self.constraint_def or "")
        m = _INDEXDEF.match(self.definition)
        return ("i", (m.group(1) or "") + m.group(5) if m else self.definition)

    def create_on(self, schema: str, table: str, new_name: str) -> str:
        if self.contype:
            return f"ALTER TABLE {qn(schema, table)} ADD CONSTRAINT {qi(new_name)} {self.constraint_def}"
        m = _INDEXDEF.match(self.definition)
        if not m or m.group(3):
            raise ValueError(f"cannot re-create index {self.name}: {self.definition}")
        return f"CREATE {m.group(1) or ''}INDEX {qi(new_name)} ON {qn(schema, table)} {m.group(5)}"


def oid(cur, schema: str, name: str) -> int | None:
    cur.execute("SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = %s AND c.relname = %s AND c.relkind IN ('r', 'p')", (schema, name))
    row = cur.fetchone()
    return row[0] if row else None


def columns(cur, rel_oid: int) -> list[tuple[str, str]]:
    cur.execute("SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute "
                "WHERE attrelid = %s AND attnum > 0 AND NOT attisdropped ORDER BY attnum", (rel_oid,))
    return [(r[0], r[1]) for r in cur.fetchall()]


def storage_options(cur, rel_oid: int) -> str:
    """The table's storage parameters (fillfactor, autovacuum_*, toast.*) as a `WITH (...)` clause,
    or '': CREATE TABLE ... (LIKE ...) does not copy them, so without this every swap would
    quietly drop a DBA's tuning of the live table."""
    cur.execute("SELECT c.reloptions, t.reloptions FROM pg_class c LEFT JOIN pg_class t ON t.oid = c.reltoastrelid "
                "WHERE c.oid = %s", (rel_oid,))
    own, toast = cur.fetchone()
    options = [*(own or []), *(f"toast.{o}" for o in toast or [])]
    items = [f"{key}={ql(value)}" for key, value in (o.split("=", 1) for o in options)]
    return f" WITH ({', '.join(items)})" if items else ""


def indexes(cur, rel_oid: int) -> list[Index]:
    cur.execute("""
        SELECT ic.relname, pg_get_indexdef(i.indexrelid), con.conname, con.contype::text,
               pg_get_constraintdef(con.oid)
        FROM pg_index i
        JOIN pg_class ic ON ic.oid = i.indexrelid
        LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid
             AND con.contype IN ('p', 'u', 'x')
        WHERE i.indrelid = %s
        ORDER BY con.contype NULLS LAST, ic.relname""", (rel_oid,))
    return [Index(*row) for row in cur.fetchall()]


def foreign_keys(cur, rel_oid: int) -> list[tuple[str, str]]:
    cur.execute("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s AND contype = 'f' ORDER BY conname", (rel_oid,))
    return [(r[0], r[1]) for r in cur.fetchall()]


def problems(cur, rel_oid: int) -> list[str]:
    """Things a rename-swap cannot carry over; migrations must keep synced tables free of them."""
    found = []
    cur.execute("SELECT conrelid::regclass::text, conname FROM pg_constraint "
                "WHERE confrelid = %s AND contype = 'f'", (rel_oid,))
    found += [f"foreign key {name} on {rel} references it (it would follow the backup)"
              for rel, name in cur.fetchall()]
    cur.execute("""SELECT s.relname FROM pg_depend d JOIN pg_class s ON s.oid = d.objid
                   WHERE d.refobjid = %s AND d.classid = 'pg_class'::regclass AND s.relkind = 'S'
                     AND d.deptype IN ('a', 'i')""", (rel_oid,))
    found += [f"it owns sequence {r[0]} (serial/identity): give it a natural key" for r in cur.fetchall()]
    cur.execute("""SELECT DISTINCT v.oid::regclass::text FROM pg_depend d
                   JOIN pg_rewrite r ON r.oid = d.objid JOIN pg_class v ON v.oid = r.ev_class
                   WHERE d.classid = 'pg_rewrite'::regclass AND d.refobjid = %s AND v.relkind = 'm'""",
                (rel_oid,))
    found += [f"materialized view {r[0]} depends on it" for r in cur.fetchall()]
    cur.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = %s AND NOT tgisinternal", (rel_oid,))
    found += [f"it has trigger {r[0]}" for r in cur.fetchall()]
    cur.execute("SELECT relrowsecurity FROM pg_class WHERE oid = %s", (rel_oid,))
    if cur.fetchone()[0]:
        found.append("it has row-level security")
    return found


@dataclass(frozen=True)
class View:
    schema: str
    name: str
    definition: str
    options: list[str] | None


@dataclass(frozen=True)
class Dressing:
    """Everything about the live table that lives on its OID rather than its name."""
    owner: str
    comment: str | None
    grants: list[tuple[str, str, bool]]                  # (grantee or PUBLIC, privilege, grantable)
    column_grants: list[tuple[str, str, str, bool]]      # (column, grantee, privilege, grantable)
    views: list[View]


def dressing(cur, rel_oid: int) -> Dressing:
    cur.execute("SELECT pg_get_userbyid(relowner), obj_description(oid, 'pg_class') FROM pg_class WHERE oid = %s",
                (rel_oid,))
    owner, comment = cur.fetchone()
    cur.execute("""SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END,
                          a.privilege_type, a.is_grantable
                   FROM pg_class c, aclexplode(c.relacl) a WHERE c.oid = %s ORDER BY 1, 2""", (rel_oid,))
    grants = [tuple(r) for r in cur.fetchall()]
    cur.execute("""SELECT att.attname, CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END,
                          a.privilege_type, a.is_grantable
                   FROM pg_attribute att, aclexplode(att.attacl) a
                   WHERE att.attrelid = %s AND att.attacl IS NOT NULL ORDER BY 1, 2, 3""", (rel_oid,))
    column_grants = [tuple(r) for r in cur.fetchall()]
    # Definitions are captured while the name still resolves to the live table; with
    # search_path = pg_catalog they come back schema-qualified.
    cur.execute("""SELECT DISTINCT n.nspname, v.relname, pg_get_viewdef(v.oid), v.reloptions
                   FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid
                   JOIN pg_class v ON v.oid = r.ev_class JOIN pg_namespace n ON n.oid = v.relnamespace
                   WHERE d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass
                     AND d.refobjid = %s AND v.oid <> %s AND v.relkind = 'v'
                   ORDER BY 1, 2""", (rel_oid, rel_oid))
    views = [View(r[0], r[1], r[2], r[3]) for r in cur.fetchall()]
    return Dressing(owner, comment, grants, column_grants, views)


def _grantee(name: str) -> str:
    return "PUBLIC" if name == "PUBLIC" else qi(name)


def dress(cur, schema: str, table: str, current_oid: int, d: Dressing) -> None:
    """Give the table now named `table` the live table's owner, grants and comment; re-point views."""
    target = qn(schema, table)
    cur.execute("SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = %s", (current_oid,))
    if cur.fetchone()[0] != d.owner:
        cur.execute(f"ALTER TABLE {target} OWNER TO {qi(d.owner)}")
    current = dressing(cur, current_oid)
    for grantee in sorted({g for g, _, _ in current.grants} - {d.owner}):
        cur.execute(f"REVOKE ALL ON {target} FROM {_grantee(grantee)}")
    for grantee, privilege, grantable in d.grants:
        option = " WITH GRANT OPTION" if grantable else ""
        cur.execute(f"GRANT {privilege} ON {target} TO {_grantee(grantee)}{option}")
    for column, grantee, privilege, grantable in d.column_grants:
        option = " WITH GRANT OPTION" if grantable else ""
        cur.execute(f"GRANT {privilege} ({qi(column)}) ON {target} TO {_grantee(grantee)}{option}")
    cur.execute(f"COMMENT ON TABLE {target} IS %s", (d.comment,))
    for view in d.views:
        options = f" WITH ({', '.join(view.options)})" if view.options else ""
        cur.execute(f"CREATE OR REPLACE VIEW {qn(view.schema, view.name)}{options} AS {view.definition}")
