"""`client_protocol_version` for Native output, as ClickHouse's NativeWriter applies it.

The engine always writes Native at revision 0 (what ClickHouse sends over HTTP without
the parameter). A client that names a revision gets, as from ClickHouse:
- revision > 0: every block starts with its BlockInfo (is_overflows, bucket_num);
- revision >= 54337: `DateTime('tz')` keeps its time zone (revision 0 drops it);
- 0 < revision < 54405: LowCardinality columns (nested ones too) arrive as their plain
  type, dictionaries expanded (NativeWriter's recursiveRemoveLowCardinality);
- revision >= 54452 (54455 for the bitmap combiners): the map-family aggregate states
  change format (state version 1), which the engine cannot write: refused;
- revision >= 54454: one `has_custom` serialization byte after each column's type
  (always 0 here: the engine hands out full, non-sparse columns at revision 0).
clickhouse-connect sends 54405 (block info only); clickhouse-go sends its TCP revision.
RowBinary does not depend on the revision in ClickHouse, so it passes untouched.

The has_custom byte and the LowCardinality expansion need the column data walked (to find where the next column
starts); fixed-width columns are skipped in O(1), String columns cost a pass over
their length prefixes. Dynamic/JSON change serialization with the revision too, which
the engine cannot produce, so those are refused rather than sent wrong."""

from __future__ import annotations

import re

from .errors import NOT_IMPLEMENTED, ServerError
from .streaming import varint

WITH_TIMEZONE_IN_DATETIME = 54337
WITH_LOW_CARDINALITY = 54405
WITH_AGGREGATE_VERSIONING = 54452
WITH_CUSTOM_SERIALIZATION = 54454
# BlockInfo: field 1 is_overflows=0, field 2 bucket_num=-1, end marker 0
BLOCK_INFO = b"\x01\x00\x02\xff\xff\xff\xff\x00"

_FIXED = {
    "UInt8": 1, "Int8": 1, "Bool": 1, "Nothing": 1, "UInt16": 2, "Int16": 2, "Date": 2, "BFloat16": 2,
    "UInt32": 4, "Int32": 4, "Float32": 4, "DateTime": 4, "Date32": 4, "IPv4": 4, "Time": 4,
    "UInt64": 8, "Int64": 8, "Float64": 8, "Time64": 8, "DateTime64": 8,
    "UInt128": 16, "Int128": 16, "UUID": 16, "IPv6": 16, "UInt256": 32, "Int256": 32,
}


def parse_revision(value: str | None) -> int:
    if value is None or value == "":
        return 0
    if not value.strip().isdigit():
        raise ServerError((27, "CANNOT_PARSE_INPUT_ASSERTION_FAILED"),
                          f"Cannot parse client_protocol_version {value[:40]!r}: expected an unsigned integer")
    return int(value)


def _split_args(inner: str) -> list[str]:
    out, depth, start, quoted = [], 0, 0, False
    for i, ch in enumerate(inner):
        if ch == "'" and (i == 0 or inner[i - 1] != "\\"):
            quoted = not quoted
        elif quoted:
            continue
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 0:
            out.append(inner[start:i].strip())
            start = i + 1
    out.append(inner[start:].strip())
    return out


def _unsupported(type_name: str) -> ServerError:
    return ServerError(NOT_IMPLEMENTED, f"Native output of type {type_name} at client_protocol_version >= "
                                        f"{WITH_CUSTOM_SERIALIZATION} is not supported by this server; "
                                        "use a lower client_protocol_version or another format")


_GEO = {"Point": "Tuple(Float64, Float64)", "Ring": "Array(Point)", "LineString": "Array(Point)",
        "MultiLineString": "Array(LineString)", "Polygon": "Array(Ring)", "MultiPolygon": "Array(Polygon)"}
_INDEX_SIZES = (1, 2, 4, 8)
_NAMED = re.compile(r"^(?:`[^`]*`|[A-Za-z_][A-Za-z0-9_]*)\s+(?=[A-Z])")


def skip(type_name: str, data, pos: int, rows: int) -> int:
    """Offset just past `rows` values of `type_name` in Native (bulk) serialization: first
    the state prefixes of the whole type tree (one 8-byte key version per LowCardinality,
    in depth-first order, so an Array(LowCardinality(..)) starts with it, not with its
    offsets), then the data."""
    return skip_data(type_name, data, pos + 8 * _low_cardinality_count(type_name), rows)


def _low_cardinality_count(type_name: str) -> int:
    name, _, rest = type_name.partition("(")
    args = rest[:-1] if rest else ""
    if name == "LowCardinality":
        return 1 + _low_cardinality_count(args)
    if name in ("Nullable", "Array"):
        return _low_cardinality_count(args)
    if name == "Map":
        return sum(_low_cardinality_count(a) for a in _split_args(args))
    if name == "Tuple":
        return sum(_low_cardinality_count(_NAMED.sub("", a)) for a in _split_args(args))
    if name == "SimpleAggregateFunction":
        return _low_cardinality_count(_split_args(args)[1])
    return 0


def skip_data(type_name: str, data, pos: int, rows: int) -> int:
    """`skip` without the state prefixes (already consumed)."""
    name, _, rest = type_name.partition("(")
    args = rest[:-1] if rest else ""
    if name in _FIXED:
        return pos + rows * _FIXED[name]
    if name in _GEO:
        return skip_data(_GEO[name], data, pos, rows)
    if name.startswith("Interval"):
        return pos + rows * 8
    if name in ("Enum8", "Enum16"):
        return pos + rows * (1 if name == "Enum8" else 2)
    if name.startswith("Decimal"):
        return pos + rows * _decimal_size(name, args)
    if name == "FixedString":
        return pos + rows * int(args)
    if name == "String":
        end = len(data)
        for _ in range(rows):
            length, pos = varint(data, pos)
            pos += length
            if pos > end:
                raise ServerError(NOT_IMPLEMENTED, "Native block from the engine ended early")
        return pos
    if name == "Nullable":
        return skip_data(args, data, pos + rows, rows)
    if name == "SimpleAggregateFunction":
        return skip_data(_split_args(args)[1], data, pos, rows)
    if name in ("Array", "Map"):
        if rows == 0:
            return pos
        total = int.from_bytes(data[pos + 8 * (rows - 1):pos + 8 * rows], "little")
        inner = args if name == "Array" else f"Tuple({args})"
        return skip_data(inner, data, pos + 8 * rows, total)
    if name == "Tuple":
        for element in _split_args(args):
            pos = skip_data(_NAMED.sub("", element), data, pos, rows)  # named elements: `name Type`
        return pos
    if name == "LowCardinality":
        return _low_cardinality(args, data, pos, rows)[-1]
    raise _unsupported(type_name)


def _decimal_size(name: str, args: str) -> int:
    size = {"Decimal32": 4, "Decimal64": 8, "Decimal128": 16, "Decimal256": 32}.get(name)
    if size is None:
        precision = int(_split_args(args)[0])
        size = 4 if precision <= 9 else 8 if precision <= 18 else 16 if precision <= 38 else 32
    return size


def _low_cardinality(inner: str, data, pos: int, rows: int):
    """(dictionary type, dictionary start, key count, index width, indexes start, end) of
    one LowCardinality data part; zero rows write nothing, not even the flags."""
    dictionary_type = inner[len("Nullable("):-1] if inner.startswith("Nullable(") else inner
    if rows == 0:
        return dictionary_type, pos, 0, 1, pos, pos
    flags = int.from_bytes(data[pos:pos + 8], "little")
    if flags & _NEED_GLOBAL_DICTIONARY:
        raise ServerError(NOT_IMPLEMENTED, "Native LowCardinality column with a global dictionary")
    keys = int.from_bytes(data[pos + 8:pos + 16], "little")
    dictionary = pos + 16
    pos = skip_data(dictionary_type, data, dictionary, keys)
    count = int.from_bytes(data[pos:pos + 8], "little")
    width = _INDEX_SIZES[flags & 0xFF]
    return dictionary_type, dictionary, keys, width, pos + 8, pos + 8 + count * width


_NEED_GLOBAL_DICTIONARY = 1 << 8


def without_low_cardinality(type_name: str) -> str:
    """ClickHouse's recursiveRemoveLowCardinality on a type name."""
    name, _, rest = type_name.partition("(")
    if not rest or "LowCardinality" not in type_name:
        return type_name
    args = rest[:-1]
    if name == "LowCardinality":
        return without_low_cardinality(args)
    if name in ("Array", "Nullable"):
        return f"{name}({without_low_cardinality(args)})"
    if name in ("Map", "Tuple"):
        parts = []
        for element in _split_args(args):
            match = _NAMED.match(element) if name == "Tuple" else None
            label = match.group(0) if match else ""
            parts.append(label + without_low_cardinality(element[len(label):]))
        return f"{name}({', '.join(parts)})"
    return type_name


def plain_data(type_name: str, data, pos: int, rows: int, out: list) -> int:
    """Appends the data of `rows` values of `type_name` with every LowCardinality turned
    into its plain type (the state prefixes already consumed); returns the end offset."""
    if "LowCardinality" not in type_name:
        end = skip_data(type_name, data, pos, rows)
        out.append(data[pos:end])
        return end
    name, _, rest = type_name.partition("(")
    args = rest[:-1]
    if name == "LowCardinality":
        return _plain_low_cardinality(args, data, pos, rows, out)
    if name == "Nullable":
        out.append(data[pos:pos + rows])
        return plain_data(args, data, pos + rows, rows, out)
    if name in ("Array", "Map"):
        if rows == 0:
            return pos
        total = int.from_bytes(data[pos + 8 * (rows - 1):pos + 8 * rows], "little")
        out.append(data[pos:pos + 8 * rows])
        return plain_data(args if name == "Array" else f"Tuple({args})", data, pos + 8 * rows, total, out)
    if name == "Tuple":
        for element in _split_args(args):
            pos = plain_data(_NAMED.sub("", element), data, pos, rows, out)
        return pos
    if name == "SimpleAggregateFunction":
        return plain_data(_split_args(args)[1], data, pos, rows, out)
    raise _unsupported(type_name)


def _plain_low_cardinality(inner: str, data, pos: int, rows: int, out: list) -> int:
    dictionary_type, dictionary, keys, width, indexes, end = _low_cardinality(inner, data, pos, rows)
    values, at = [], dictionary
    for _ in range(keys):
        after = skip_data(dictionary_type, data, at, 1)
        values.append(data[at:after])
        at = after
    positions = [int.from_bytes(data[i:i + width], "little") for i in range(indexes, end, width)]
    if inner.startswith("Nullable("):  # dictionary slot 0 is NULL (and holds the default value)
        out.append(bytes(1 if i == 0 else 0 for i in positions))
    out.append(b"".join(values[i] for i in positions))
    return end


# Aggregate functions whose state format depends on the client's revision
# (STATE_VERSION_1_MIN_REVISION in ClickHouse): the map family from 54452, the bitmap
# combiners from 54455. The engine writes their version-0 state, right only below those.
_VERSIONED = ((54452, re.compile(r"(?:sum|min|max|uniq)Map|MappedArrays")),
              (54455, re.compile(r"groupBitmap(?:And|Or|Xor)")))
_AGGREGATE = re.compile(r"AggregateFunction\(\s*(?:\d+\s*,\s*)?([A-Za-z_][A-Za-z0-9_]*)")


def check_aggregate_versions(type_name: str, revision: int) -> None:
    for function in _AGGREGATE.findall(type_name):
        for since, pattern in _VERSIONED:
            if revision >= since and pattern.search(function):
                raise ServerError(NOT_IMPLEMENTED, f"Native output of an AggregateFunction({function}) state at "
                                                   f"client_protocol_version >= {since} (state version 1) is not "
                                                   "supported by this server; use a lower client_protocol_version "
                                                   "or finalize the state in the query")


class NativeAdapter:
    """Rewrites each engine block (one complete Native block) for the client's revision."""

    def __init__(self, revision: int, real_types: dict[str, str] | None = None):
        self.revision = revision
        self.real_types = real_types or {}

    @property
    def active(self) -> bool:
        return self.revision > 0

    @property
    def walks(self) -> bool:
        return self.revision >= WITH_CUSTOM_SERIALIZATION or bool(self.real_types)

    def _must_walk(self, data: bytes) -> bool:
        """The byte finds run at C speed; a hit in the values only costs a walk."""
        if self.walks:
            return True
        if self.revision < WITH_LOW_CARDINALITY and b"LowCardinality(" in data:
            return True
        return self.revision >= WITH_AGGREGATE_VERSIONING and b"AggregateFunction(" in data

    def block(self, data: bytes, single: bool = True) -> bytes:
        """`single`: data is exactly one block (a streamed engine block), so its last
        column needs no walking; otherwise consecutive blocks are split by walking."""
        if not self.active or not data:
            return data
        if single and not self._must_walk(data):
            return BLOCK_INFO + data
        out: list[bytes] = []
        pos = 0
        while pos < len(data):
            out.append(BLOCK_INFO)
            pos = self._one(data, pos, out, single)
        return b"".join(out)

    def _one(self, data: bytes, pos: int, out: list, single: bool) -> int:
        start = pos
        columns, pos = varint(data, pos)
        rows, pos = varint(data, pos)
        out.append(data[start:pos])
        custom = self.revision >= WITH_CUSTOM_SERIALIZATION
        for index in range(columns):
            name_start = pos
            length, pos = varint(data, pos)
            name = data[pos:pos + length].decode("utf-8", "replace")
            pos += length
            length, type_pos = varint(data, pos)
            type_name = data[type_pos:type_pos + length].decode("utf-8", "replace")
            data_start = type_pos + length
            real = self.real_types.get(name)
            plain = self.revision < WITH_LOW_CARDINALITY and "LowCardinality" in type_name
            if self.revision >= WITH_AGGREGATE_VERSIONING and "AggregateFunction" in type_name:
                check_aggregate_versions(type_name, self.revision)
            if real and type_name == "DateTime" and real.startswith("DateTime("):
                raw = real.encode()
                out.append(data[name_start:pos] + _leb128(len(raw)) + raw)
            elif plain:  # clients older than LowCardinality get the plain type, as from ClickHouse
                raw = without_low_cardinality(type_name).encode()
                out.append(data[name_start:pos] + _leb128(len(raw)) + raw)
            else:
                out.append(data[name_start:data_start])
            if custom:
                if type_name.startswith(("Dynamic", "JSON", "Object")) or "Dynamic" in type_name \
                        or "JSON" in type_name:
                    raise _unsupported(type_name)
                out.append(b"\x00")
            if plain and rows:
                pos = plain_data(type_name, data, data_start + 8 * _low_cardinality_count(type_name), rows, out)
                continue
            if not rows:
                end = data_start
            elif single and index == columns - 1:
                end = len(data)
            else:
                try:
                    end = skip(type_name, data, data_start, rows)
                except ServerError:
                    if custom or not single:
                        raise
                    out.append(data[data_start:])  # only time zones to restore: the rest is as is
                    return len(data)
            out.append(data[data_start:end])
            pos = end
        return pos


def _leb128(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def needs_real_types(revision: int, first_block: bytes) -> bool:
    """A top-level `DateTime` in the engine's (revision 0) header may have lost its time zone."""
    if revision < WITH_TIMEZONE_IN_DATETIME or not first_block or b"\x08DateTime" not in first_block:
        return False  # (the find runs at C speed; only a possible hit walks the columns)
    columns, pos = varint(first_block, 0)
    rows, pos = varint(first_block, pos)
    for _ in range(columns):
        length, pos = varint(first_block, pos)
        pos += length
        length, pos = varint(first_block, pos)
        type_name = first_block[pos:pos + length]
        pos += length
        if type_name == b"DateTime":
            return True
        if rows:
            try:
                pos = skip(type_name.decode("utf-8", "replace"), first_block, pos, rows)
            except ServerError:
                return False  # a type this walker cannot skip: later columns keep the engine's names
    return False
