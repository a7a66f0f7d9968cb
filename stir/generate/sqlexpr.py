"""SQL expression builders for seeded, row-independent randomness inside ClickHouse.

Every random value is cityHash64(seed, salt, <row coordinates>): it depends only on the
seed and on which entity it describes, never on row order, threads or time, so the
same seed and anchor give identical tables and one entity's attributes can be
recomputed anywhere (a collection item recomputes the shortcode of the post it
points at instead of joining).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import accumulate

GOLDEN = 11400714819323198485  # odd, so multiplying by it is a bijection mod 2^k


def lit(value) -> str:
    """A SQL literal for a Python str/int/float/None."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float):
        return repr(value)
    text = (str(value).replace("\\", "\\\\").replace("'", "\\'")
            .replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r"))
    return f"'{text}'"


def arr(values: Iterable) -> str:
    return "[" + ", ".join(lit(v) for v in values) + "]"


def sql_map(mapping: dict[str, Sequence]) -> str:
    return "map(" + ", ".join(f"{lit(k)}, {arr(v)}" for k, v in mapping.items()) + ")"


class Rand:
    """Seeded random expressions; `salt` names the attribute, `coords` the entity."""

    def __init__(self, seed: int):
        self.seed = int(seed)

    def h(self, salt: str, *coords: str) -> str:
        return f"cityHash64({self.seed}, {lit(salt)}, {', '.join(coords)})"

    def u(self, salt: str, *coords: str) -> str:
        """Uniform in [0, 1)."""
        return f"({self.h(salt, *coords)} % 4294967296 / 4294967296.0)"

    def normal(self, salt: str, *coords: str) -> str:
        """Approximately standard normal: Irwin-Hall over the four 16-bit chunks of one
        hash (one hash per value keeps billions of rows cheap)."""
        h = self.h(salt, *coords)
        chunks = " + ".join(f"bitAnd(bitShiftRight({h}, {16 * k}), 65535)" for k in range(4))
        return f"((({chunks}) / 65536.0 - 2.0) * 1.7320508)"

    def int(self, lo: int, hi: int, salt: str, *coords: str) -> str:
        """Uniform integer in [lo, hi]."""
        return f"toInt64({lo} + {self.h(salt, *coords)} % {hi - lo + 1})"

    def chance(self, p: float, salt: str, *coords: str) -> str:
        """1 with probability p."""
        return f"({self.h(salt, *coords)} % 1000000 < {round(p * 1_000_000)})"

    def pick(self, values: Sequence, salt: str, *coords: str) -> str:
        return f"{arr(values)}[1 + {self.h(salt, *coords)} % {len(values)}]"

    def pick_from(self, array_sql: str, salt: str, *coords: str) -> str:
        """Pick from an array expression (may be empty: then the type's default)."""
        return f"{array_sql}[1 + {self.h(salt, *coords)} % greatest(length({array_sql}), 1)]"

    def weighted(self, pairs: Sequence[tuple[str, float]], salt: str, *coords: str) -> str:
        """One of the values with probability proportional to its weight (a multiIf on
        cumulative thresholds: no arrays or lambdas per row)."""
        total = sum(w for _, w in pairs)
        u = self.u(salt, *coords)
        branches = []
        for (value, _), cumulative in zip(pairs[:-1], accumulate(w for _, w in pairs), strict=False):
            # the same u text in every branch: ClickHouse evaluates it once
            branches.append(f"{u} < {cumulative / total!r}, {lit(value)}")
        if not branches:
            return lit(pairs[-1][0])
        return f"multiIf({', '.join(branches)}, {lit(pairs[-1][0])})"

    def seconds_back(self, max_seconds: str, salt: str, *coords: str, power: float = 1.0) -> str:
        """A whole number of seconds in [0, max_seconds); power > 1 skews towards 0 (recent)."""
        u = self.u(salt, *coords)
        shaped = u if power == 1.0 else f"pow({u}, {power})"
        return f"toInt64(floor({shaped} * ({max_seconds})))"


def code(index_sql: str, offset: int) -> str:
    """An 11-character id (Instagram shortcode / YouTube video id alphabet) for an
    integer index: a bijection mod 2^64 written as 8 bytes of URL-safe base64, so
    distinct indexes never collide."""
    return f"base64URLEncode(reinterpretAsFixedString((toUInt64({index_sql}) + {offset}) * {GOLDEN}))"
