"""ClickHouse column types: what PostgreSQL type serves them, and how each column is exported.

The typed export writes TabSeparated, whose escaping (\\t \\n \\\\ and \\N for NULL) is
exactly what PostgreSQL's COPY text format reads. Values PostgreSQL cannot read as-is are
turned into its literal syntax inside ClickHouse: Map/Tuple/JSON as JSON text for jsonb,
arrays as PostgreSQL array literals.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stir.sync.names import ql

_INTS = {"Int8": "smallint", "Int16": "smallint", "Int32": "integer", "Int64": "bigint",
         "UInt8": "smallint", "UInt16": "integer", "UInt32": "bigint", "UInt64": "numeric(20,0)",
         "Int128": "numeric(39,0)", "UInt128": "numeric(39,0)", "Int256": "numeric(77,0)",
         "UInt256": "numeric(78,0)"}
_STRINGS = {"String", "FixedString", "Enum8", "Enum16", "Enum"}
_JSONISH = {"Map", "Tuple", "JSON", "Object", "Nested", "Variant", "Dynamic"}


@dataclass(frozen=True)
class CHType:
    name: str          # outer type after Nullable/LowCardinality are peeled off
    args: tuple[str, ...]
    nullable: bool

    @property
    def element(self) -> CHType:
        return parse(self.args[0])


def split_args(text: str) -> list[str]:
    """Top-level comma split of a type's arguments, respecting parentheses and quotes."""
    out, depth, quote, start = [], 0, None, 0
    i = 0
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == quote:
                quote = None
        elif ch in "'`\"":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 0:
            out.append(text[start:i].strip())
            start = i + 1
        i += 1
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out


def parse(type_text: str) -> CHType:
    text = type_text.strip()
    nullable = False
    while True:
        m = re.fullmatch(r"(Nullable|LowCardinality)\((.*)\)", text, flags=re.S)
        if not m:
            break
        nullable = nullable or m.group(1) == "Nullable"
        text = m.group(2).strip()
    m = re.fullmatch(r"(\w+)\((.*)\)", text, flags=re.S)
    if m:
        return CHType(m.group(1), tuple(split_args(m.group(2))), nullable)
    return CHType(text, (), nullable)


def pg_type_for(type_text: str) -> str:
    """The PostgreSQL type a migration should give a column of this ClickHouse type."""
    t = parse(type_text)
    if t.name in _INTS:
        return _INTS[t.name]
    if t.name == "Float32":
        return "real"
    if t.name in ("Float64", "BFloat16"):
        return "double precision"
    if t.name.startswith("Decimal"):
        if t.name == "Decimal" and len(t.args) == 2:
            return f"numeric({t.args[0]},{t.args[1]})"
        return "numeric"
    if t.name in _STRINGS:
        return "text"
    if t.name == "UUID":
        return "uuid"
    if t.name == "Bool":
        return "boolean"
    if t.name in ("Date", "Date32"):
        return "date"
    if t.name == "DateTime":
        return "timestamp"
    if t.name == "DateTime64":
        precision = min(int(t.args[0]), 6) if t.args else 3
        return f"timestamp({precision})"
    if t.name in ("IPv4", "IPv6"):
        return "inet"
    if t.name == "Array":
        element = t.element
        if element.name in ("Array", *_JSONISH):
            return "jsonb"
        return pg_type_for(t.args[0]) + "[]"
    if t.name in _JSONISH:
        return "jsonb"
    raise ValueError(f"no PostgreSQL type known for ClickHouse type {type_text!r}")


# Which ClickHouse types a PostgreSQL column can load without losing values.
def compatible(pg_type: str, ch_type_text: str) -> bool:
    t = parse(ch_type_text)
    pg = pg_type.lower()
    if pg.endswith("[]"):
        return t.name == "Array" and compatible(pg[:-2], t.args[0])
    if pg in ("jsonb", "json"):
        return t.name in _JSONISH or t.name in ("Array", "String")
    if pg in ("text", "character varying") or pg.startswith(("varchar", "character varying")):
        return True
    if pg.startswith("numeric"):
        return t.name in _INTS or t.name.startswith("Decimal")
    bits = {"smallint": 16, "integer": 32, "bigint": 64}
    if pg in bits:
        width = {"Int8": 8, "Int16": 16, "Int32": 32, "Int64": 64, "UInt8": 9, "UInt16": 17, "UInt32": 33,
                 "Bool": 1}.get(t.name)
        return width is not None and width <= bits[pg]
    if pg in ("double precision", "real"):
        return t.name in ("Float32", "Float64", "BFloat16") or (
            t.name in _INTS and pg == "double precision" and t.name in ("Int8", "Int16", "Int32", "UInt8",
                                                                        "UInt16", "UInt32"))
    if pg == "boolean":
        return t.name in ("Bool", "UInt8")
    if pg == "date":
        return t.name in ("Date", "Date32")
    if pg.startswith("timestamp"):
        return t.name in ("DateTime", "DateTime64", "Date", "Date32")
    if pg == "uuid":
        return t.name == "UUID"
    if pg == "inet":
        return t.name in ("IPv4", "IPv6")
    return False


def _pg_array_literal(column: str, element: CHType) -> str:
    """ClickHouse SQL building PostgreSQL's array literal: {"a","b\\"c",NULL}."""
    quoted = (r"concat('\"', replaceRegexpAll(toString(x), '([\"\\\\])', '\\\\\\1'), '\"')")
    item = f"if(isNull(x), 'NULL', {quoted})" if element.nullable else quoted
    return f"concat('{{', arrayStringConcat(arrayMap(x -> {item}, {column}), ','), '}}')"


def typed_expression(column_sql: str, ch_type_text: str, pg_type: str) -> str:
    """The SELECT expression exporting one column so COPY ... (FORMAT text) reads it exactly."""
    t = parse(ch_type_text)
    pg = pg_type.lower()
    if pg in ("jsonb", "json"):
        if t.name == "String":
            return column_sql
        return f"toJSONString({column_sql})"
    if pg.endswith("[]"):
        if t.name != "Array":
            raise ValueError(f"cannot load ClickHouse {ch_type_text} into PostgreSQL {pg_type}")
        element = t.element
        if element.name in ("Array", *_JSONISH):
            raise ValueError(f"nested {ch_type_text} needs a jsonb column, not {pg_type}")
        return _pg_array_literal(column_sql, element)
    if t.name in _JSONISH or t.name == "Array":
        return f"toJSONString({column_sql})"
    if pg.startswith("timestamp") and "with time zone" in pg and t.name in ("DateTime", "DateTime64"):
        return f"concat(toString({column_sql}, 'UTC'), '+00')"
    return column_sql


def json_cast(key: str, pg_type: str) -> str:
    """PostgreSQL expression reading one key of a JSONEachRow line (jsonb column `data`)."""
    lit = ql(key)
    pg = pg_type.lower()
    if pg in ("jsonb", "json"):
        return f"NULLIF(data->{lit}, 'null'::jsonb)::{pg}"
    if pg.endswith("[]"):
        return (f"CASE WHEN jsonb_typeof(data->{lit}) = 'array' "
                f"THEN ARRAY(SELECT jsonb_array_elements_text(data->{lit}))::{pg} END")
    if pg == "text":
        return f"data->>{lit}"
    return f"(data->>{lit})::{pg}"
